#!/bin/sh
# dhcp-subnet.sh: pxed's subnet settings and its DISCOVER-flood defence
# against real clients on a bridged LAN of network namespaces:
#   decline-time: busybox udhcpc -a finds a squatter on its offered
#   address and DECLINEs it; the address is offered again after
#   decline-time (3 s), not 600 s; T1 and T2 of a 4-second lease;
#   a 4-second lease: ISC dhclient renews it (pxed logs the ACKs);
#   a DISCOVER flood from random MACs (tests/dhcp-flood.py, bounded)
#   while udhcpc gets a lease: the offers outstanding stay within
#   max-offers-per-link, the pool is never exhausted, /metrics counts the
#   withdrawn offers; without the bound the same flood exhausts it;
#   a range without a pool: a host's fixed address and INFORM, no offer
#   to anyone else.
. "$(dirname "$0")/lib.sh"
pxed_need busybox dhclient python3 curl
pxed_net_init lan srv cli cl2 fld sq sta inf
SRV="$P-srv" CLI="$P-cli" CL2="$P-cl2" FLD="$P-fld" SQ="$P-sq"
STA="$P-sta" INF="$P-inf"
pxed_at_exit 'kill_pidfiles "$T"/dhc.pid'
ip -n "$SRV" addr add 10.81.0.1/24 dev lan0
ip -n "$SRV" link set lo up
ip -n "$STA" link set lan0 address 02:00:00:00:00:50
FLOOD="python3 $SRCDIR/tests/dhcp-flood.py"
SEND="python3 $SRCDIR/tests/dhcp-send.py"
FIX="$SRCDIR/tests/fixtures"
chmod 755 "$T"
mkdir -p "$T/root" "$T/conf.d" "$T/lib"
LOG="$T/log"

pxed_dhcp_scripts

# conf NAME DHCP-LINES...: $T/NAME.conf, server mode on 10.81.0.0/24.
conf() {
	_c=$1
	shift
	{
		echo "conf-dir = \"$T/conf.d\""
		echo "dhcp {"
		echo "  mode = server"
		echo "  lease-file = \"$T/lib/$_c.leases\""
		for _l in "$@"; do
			echo "  $_l"
		done
		echo "}"
		echo "tftp { enable = no }"
		echo "http { enable = yes port = 8081 address = 127.0.0.1 }"
	} > "$T/$_c.conf"
}

start_pxed() {	# CONF [ARGS]
	_f=$1
	shift
	pxed_start -n "$SRV" "$LOG" -f "$_f" -i lan0 -r "$T/root" "$@"
}

# udhcpc_once NS [ARGS]: obtain one lease and exit (events to $EVENTS).
udhcpc_once() {
	ns=$1
	shift
	ip netns exec "$ns" timeout 30 busybox udhcpc -i lan0 -n -q -f \
	    -s "$T/udhcpc.sh" -t 10 -T 1 "$@" >> "$T/$ns.log" 2>&1
}

now_ms() {
	echo $(( $(date +%s%N) / 1000000 ))
}

# Seconds (with ms) of a log line's HH:MM:SS.mmm stamp.
stamp_s() {
	awk '{ split($1, t, ":"); printf "%.3f\n", t[1] * 3600 + t[2] * 60 + t[3] }'
}

metric() {	# NAME: its value from /metrics
	ip netns exec "$SRV" curl -s http://127.0.0.1:8081/metrics |
	    awk -v m="$1" '$1 == m { print $2 }'
}

mac_of() {	# NS: its lan0 MAC
	ip -n "$1" link show lan0 | awk '/link\/ether/ { print $2 }'
}

# ---------- DECLINE and decline-time ----------
conf decline "lease-time = 4" "decline-time = 3" \
    'range "lan" { start = 10.81.0.100 end = 10.81.0.102 netmask = 255.255.255.0 }'
start_pxed "$T/decline.conf" -v
ip -n "$SQ" addr add 10.81.0.100/24 dev lan0
EVENTS="$T/decline.events"
export EVENTS
: > "$EVENTS"
udhcpc_once "$CLI" -a -A 1
check "udhcpc -a DECLINEs 10.81.0.100 (a squatter answers ARP); pxed quarantines it for decline-time 3 s" \
    grep -Eq "address 10\.81\.0\.100 declined .* quarantined for 3 s" "$LOG"
check "udhcpc gets 10.81.0.101 instead, with a 4-second lease" \
    grep -q "^bound 10.81.0.101 10.81.0.1 4\$" "$EVENTS"
ip netns exec "$FLD" $SEND "$FIX/01-dhcpd-msg-discover.bin" --iface lan0 \
    --chaddr 02:00:00:00:00:99 --wait 2 --count 1 > "$T/t1t2.out" 2>&1
check "T1 and T2 sent with it: 2 and 3 s (RFC 2131 4.4.5, rounded down)" \
    sh -c "grep -Eq ' 58=00000002( |\$)' '$T/t1t2.out' &&
    grep -Eq ' 59=00000003( |\$)' '$T/t1t2.out'" ||
    sed 's/^/  | /' "$T/t1t2.out"
# Quarantine length: the address is offered again once decline-time has
# passed (pool: .100 declined, .101 leased, .102 offered; a DISCOVER gets
# nothing until then).
ip -n "$SQ" addr flush dev lan0
probe_offer() {
	ip netns exec "$FLD" $SEND "$FIX/01-dhcpd-msg-discover.bin" \
	    --iface lan0 --chaddr 02:00:00:00:00:98 --wait 1 --count 1 |
	    grep -q "type=OFFER .* yiaddr=10.81.0.100 "
}
wait_for 30 probe_offer
D=$(grep -E "address 10\.81\.0\.100 declined" "$LOG" | head -n 1 | stamp_s)
O=$(grep -E "DISCOVER\(lan0\) 02:00:00:00:00:98 .* -> OFFER 10\.81\.0\.100 " \
    "$LOG" | head -n 1 | stamp_s)
Q=$(awk -v d="$D" -v o="$O" 'BEGIN { if (o == "") print -1; else printf "%.1f", o - d }')
echo "# quarantine measured: ${Q} s (decline-time 3, whole seconds)"
check "10.81.0.100 is offered again ${Q} s after the DECLINE (2 <= q < 30, not 600)" \
    awk -v q="$Q" 'BEGIN { exit !(q >= 2 && q < 30) }'
# Counted without the probe's MAC: a probe answered after its 1 s wait
# is sent again and gets a second OFFER (timing, not a fault).
check "and not before: no OFFER of it between" \
    test "$(grep -E -- "-> OFFER 10\.81\.0\.100 " "$LOG" |
    grep -vc "02:00:00:00:00:98")" -eq 1
pxed_stop

# ---------- a 4-second lease renewed by dhclient ----------
# (busybox udhcpc stretches leases under 16 s, so ISC dhclient renews.)
conf renew "lease-time = 4" \
    'range "lan" { start = 10.81.0.100 end = 10.81.0.110 netmask = 255.255.255.0 }'
start_pxed "$T/renew.conf" -v
ip netns exec "$CL2" dhclient -d -v -lf "$T/dhc.leases" -pf "$T/dhc.pid" \
    -sf "$T/dhclient.sh" lan0 > "$T/dhc.log" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
ACKRE="REQUEST\(lan0\) $(mac_of "$CL2") .* -> ACK 10\.81\.0\.1"
wait_for 30 sh -c "[ \$(grep -Ec -- '$ACKRE' '$LOG') -ge 4 ]" &&
    ok "dhclient renews its 4-second lease: $(count_log "$LOG" "$ACKRE") ACKs logged" ||
    not_ok "dhclient renews its 4-second lease ($(count_log "$LOG" "$ACKRE") ACKs)"
check "dhclient said so (RENEW)" grep -q "DHCPACK of 10.81.0.1" "$T/dhc.log"
pid_stop "$DPID"
pxed_stop

# ---------- a DISCOVER flood ----------
# 40 addresses; max-offers-per-link unset: half the pool, 20.
conf flood "lease-time = 600" \
    'range "lan" { start = 10.81.0.100 end = 10.81.0.139 netmask = 255.255.255.0 }'
start_pxed "$T/flood.conf" -v
EVENTS="$T/flood.events"
: > "$EVENTS"
t0=$(now_ms)
udhcpc_once "$CLI"
t1=$(now_ms)
check "udhcpc gets a lease without a flood ($((t1 - t0)) ms)" \
    grep -q "^bound 10.81.0.1[0-3][0-9] " "$EVENTS"
echo "# udhcpc without a flood: $((t1 - t0)) ms"
ip netns exec "$FLD" $FLOOD --iface lan0 --count 3000 --rate 1000 \
    --seconds 10 > "$T/flood.out" 2>&1 &
FPID=$!
PIDS="$PIDS $FPID"
FRE="DISCOVER\(lan0\) 02:fd:.* -> OFFER "
wait_for 10 sh -c "[ \$(grep -Ec -- '$FRE' '$LOG') -ge 100 ]" ||
    not_ok "the flood reaches pxed"
: > "$EVENTS"
t0=$(now_ms)
udhcpc_once "$CL2"
t1=$(now_ms)
RUNNING=no
kill -0 "$FPID" 2>/dev/null && RUNNING=yes
check "udhcpc gets a lease during the flood ($((t1 - t0)) ms, flood still running: $RUNNING)" \
    grep -q "^bound 10.81.0.1[0-3][0-9] " "$EVENTS"
echo "# udhcpc during the flood: $((t1 - t0)) ms"
check "udhcpc's time during the flood is sane (< 20 s)" \
    test $((t1 - t0)) -lt 20000
wait "$FPID"
pids_forget "$FPID"
echo "# flood: $(cat "$T/flood.out"); pxed offered $(count_log "$LOG" "$FRE") of them"
OFFERED=$(metric 'pxed_dhcp_leases{state="offered"}')
WD=$(metric pxed_dhcp_offers_withdrawn_total)
N=$(count_log "$LOG" "$FRE")
check "offers outstanding within max-offers-per-link: $OFFERED <= 20" \
    test "${OFFERED:-99}" -le 20
check "/metrics counts the withdrawn offers: $WD >= $N - 20" \
    test "${WD:-0}" -ge $((N - 20))
check "the pool was never exhausted" \
    sh -c "! grep -q 'is exhausted' '$LOG'"
check "the withdrawals are logged, rate-limited" \
    grep -q "offers outstanding on subnet 10.81.0.0 (max-offers-per-link): the oldest" "$LOG"
W=$(count_log "$LOG" "offers outstanding on subnet")
check "at most a few lines of it for $WD withdrawals ($W lines)" \
    test "$W" -le 30
pxed_stop

# Without the bound, the same kind of flood exhausts the pool.
conf nobound "lease-time = 600" "max-offers-per-link = 100000" \
    'range "lan" { start = 10.81.0.100 end = 10.81.0.139 netmask = 255.255.255.0 }'
start_pxed "$T/nobound.conf" -v
ip netns exec "$FLD" $FLOOD --iface lan0 --count 200 --rate 1000 \
    --seconds 10 > "$T/flood2.out" 2>&1
wait_log "$LOG" 'range "lan" is exhausted' 10 &&
    ok "without the bound, 200 DISCOVERs exhaust the 40-address pool" ||
    not_ok "without the bound, the flood exhausts the pool"
pxed_stop

# ---------- a range without a pool ----------
conf nopool 'range "lab" { subnet = 10.81.0.0 netmask = 255.255.255.0 router = 10.81.0.1 }'
cat > "$T/conf.d/10-hosts.conf" <<EOC
host "fixed" { mac = "02:00:00:00:00:50" ip = 10.81.0.50 }
EOC
start_pxed "$T/nopool.conf" -vv
EVENTS="$T/nopool.events"
: > "$EVENTS"
udhcpc_once "$STA"
check "the host gets its fixed 10.81.0.50 from a subnet without a pool" \
    grep -q "^bound 10.81.0.50 " "$EVENTS"
: > "$EVENTS"
ip netns exec "$CLI" timeout 15 busybox udhcpc -i lan0 -n -q -f \
    -s "$T/udhcpc.sh" -t 2 -T 1 >> "$T/nopool-cli.log" 2>&1
check "an unknown client gets no lease" \
    sh -c "! grep -q '^bound' '$EVENTS'"
check "and pxed says why at debug level" \
    grep -q "DISCOVER(lan0) $(mac_of "$CLI") .*no reply (no pool on this subnet)" "$LOG"
ip -n "$INF" addr add 10.81.0.77/24 dev lan0
ip netns exec "$INF" $FLOOD --iface lan0 --inform 10.81.0.77 \
    --to 10.81.0.1:67 > "$T/inform.out" 2>&1
check "INFORM from 10.81.0.77 is answered: mask and router, no lease time" \
    sh -c "grep -q ' 1=ffffff00 ' '$T/inform.out' &&
    grep -q ' 3=0a510001' '$T/inform.out' &&
    ! grep -q ' 51=' '$T/inform.out'" ||
    sed 's/^/  | /' "$T/inform.out"
pxed_stop
pxed_test_done
