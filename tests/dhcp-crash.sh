#!/bin/sh
# dhcp-crash.sh: no acknowledged binding is lost when pxed dies.  Two
# bounded loads (tests/dhcp-load.py) run at once against one pxed serving
# a range and a range6: DHCPv4, recording every ACK received, and DHCPv6
# (-6: Solicit, Advertise, Request, Reply), recording every Reply that
# binds an address.  pxed is killed
# with SIGKILL at random moments, 20 times, and restarted each time.
# Then, for each family: the lease file loaded every time, every recorded
# ACK or Reply is in it with the same address (and DUID and IAID), and no
# address is held by two clients (MACs, or DUID/IAID pairs), neither in
# the records nor in the file.
. "$(dirname "$0")/lib.sh"
pxed_need python3 busybox
pxed_net_init lan srv cli
SRV="$P-srv" CLI="$P-cli"
ip -n "$SRV" addr add 10.77.0.1/16 dev lan0
ip -n "$SRV" addr add fd77::1/64 dev lan0 nodad
mkdir -p "$T/root" "$T/lib"
KILLS=${KILLS:-20}
CLIENTS=${CLIENTS:-50000}
cat > "$T/pxed.conf" <<EOC
log-level = warning
dhcp {
  mode = server
  lease-file = "$T/lib/leases"
  range "lan" {
    start = 10.77.1.0
    end = 10.77.250.255
    netmask = 255.255.0.0
  }
  range6 "lan6" {
    prefix = fd77::/64
    start = fd77::1:0
    end = fd77::ff:ffff
  }
}
tftp { enable = no }
http { enable = no }
EOC
LOG="$T/log"
: > "$LOG"
# Up when ports 67 and 547 are bound: at log-level warning "started" is
# not logged.
start_pxed() {
	pxed_start -n "$SRV" -a -w "" "$LOG" -f "$T/pxed.conf" -i lan0 \
	    -r "$T/root"
	wait_for 5 udp_bound "$SRV" 67 && wait_for 5 udp_bound "$SRV" 547 ||
	    { echo "pxed did not come up"; tail "$LOG"; exit 99; }
}

# IPv6 from the link-local addresses: after DAD.
for ns in "$SRV" "$CLI"; do
	wait_for 10 lladdr_ready "$ns" lan0 ||
	    { echo "no link-local address in $ns"; exit 99; }
done
start_pxed
ip netns exec "$CLI" python3 "$SRCDIR/tests/dhcp-load.py" --iface lan0 \
    --clients "$CLIENTS" --seconds 90 --record "$T/acks" \
    --stop-file "$T/stop" > "$T/load.out" 2>&1 &
LOAD=$!
ip netns exec "$CLI" python3 "$SRCDIR/tests/dhcp-load.py" -6 --iface lan0 \
    --clients "$CLIENTS" --seconds 90 --record "$T/replies" \
    --stop-file "$T/stop" > "$T/load6.out" 2>&1 &
LOAD6=$!
PIDS="$PIDS $LOAD $LOAD6"

unloadable=0
i=0
while [ $i -lt "$KILLS" ] && kill -0 $LOAD 2>/dev/null &&
    kill -0 $LOAD6 2>/dev/null; do
	# A random moment 0.2-1.2 s into this run.
	sleep "$(awk -v s="$$$i" 'BEGIN { srand(s); printf "%.2f", 0.2 + rand() }')"
	pxed_stop KILL
	if ! "$PXED" -f "$T/pxed.conf" --leases > "$T/dump.$i" 2>> "$T/dump.err"
	then
		unloadable=$((unloadable + 1))
	fi
	start_pxed
	i=$((i + 1))
done
touch "$T/stop"
wait $LOAD
wait $LOAD6
check "the DHCPv4 load went on through the kills: $(cat "$T/load.out")" \
    grep -Eq "^acked [0-9]{3,} of" "$T/load.out"
check "the DHCPv6 load went on through the kills: $(cat "$T/load6.out")" \
    grep -Eq "^replied [0-9]{3,} of" "$T/load6.out"
check "pxed was killed $KILLS times during the load ($i)" test "$i" -eq "$KILLS"
check "the lease file loaded after every kill" test "$unloadable" -eq 0
pxed_stop
"$PXED" -f "$T/pxed.conf" --leases > "$T/final" 2>> "$T/dump.err"

# lost RECORDS PAIRS WHAT: every line of RECORDS is in PAIRS.
lost() {
	sort -u "$1" > "$1.sorted"
	_lo_n=$(wc -l < "$1.sorted")
	_lo_lost=$(comm -23 "$1.sorted" "$2" | wc -l)
	check "every one of the $_lo_n recorded $3 is in the lease file" \
	    test "$_lo_lost" -eq 0
	[ "$_lo_lost" -eq 0 ] || comm -23 "$1.sorted" "$2" | head -n 5
}
# dups FIELD FILE: no value of the field appears twice in FILE.
dups() {
	test "$(awk -v f="$1" '{ print $f }' "$2" | sort | uniq -d | wc -l)" \
	    -eq 0
}

# DHCPv4: "MAC ADDRESS" records; the file's lines are "ADDRESS MAC ...".
awk '$1 !~ /:/ { print $2, $1 }' "$T/final" | sort > "$T/final.pairs"
lost "$T/acks" "$T/final.pairs" ACKs
check "no address acknowledged to two clients" dups 2 "$T/acks.sorted"
check "no address held by two clients in the lease file" \
    dups 1 "$T/final.pairs"
check "no client acknowledged two addresses" dups 1 "$T/acks.sorted"

# DHCPv6: "DUID IAID ADDRESS" records; the file's lines are "ADDRESS MAC
# EXPIRES STATE HOSTNAME DUID IAID".
awk '$1 ~ /:/ && $4 == "acked" { print $6 "/" $7, $1 }' "$T/final" |
    sort > "$T/final6.pairs"
awk '{ print $1 "/" $2, $3 }' "$T/replies" > "$T/replies6"
lost "$T/replies6" "$T/final6.pairs" "DHCPv6 Replies"
check "no IPv6 address replied to two DUID/IAIDs" \
    dups 2 "$T/replies6.sorted"
check "no IPv6 address bound to two DUID/IAIDs in the lease file" \
    dups 2 "$T/final6.pairs"
check "no DUID/IAID replied two IPv6 addresses" dups 1 "$T/replies6.sorted"
echo "# torn or bad journal lines skipped on the way: $(grep -c 'skipped' "$T/dump.err")"

# No journal, no ACK: reloaded from proxy into server mode with a lease
# file that cannot be opened, pxed answers a known host's REQUEST with
# nothing (an ACK that a restart would forget) and says why.
mkdir -p "$T/nolf.d"
: > "$T/notadir"
cat > "$T/nolf.d/host.conf" <<'EOC'
host "fixed" {
  mac = "02:00:00:00:00:50"
  ip = 10.77.0.50
}
EOC
sed -e 's/mode = server/mode = proxy/' -e '/lease-file/d' \
    -e "1i conf-dir = \"$T/nolf.d\"" "$T/pxed.conf" > "$T/nolf.conf"
pxed_start -n "$SRV" -a -w "" "$LOG" -f "$T/nolf.conf" -i lan0 -r "$T/root"
wait_for 5 udp_bound "$SRV" 67 || { echo "pxed did not come up"; exit 99; }
sed -i -e 's/mode = proxy/mode = server/' \
    -e "/mode = server/a lease-file = \"$T/notadir/leases\"" "$T/nolf.conf"
kill -HUP "$PXPID"
wait_log "$LOG" "answering nothing until it can be opened" 10 ||
    not_ok "the reload into server mode without a lease file"
ip -n "$CLI" link set lan0 address 02:00:00:00:00:50
ip netns exec "$CLI" timeout 15 busybox udhcpc -i lan0 -n -q -f -t 3 -T 1 \
    -r 10.77.0.50 -s /bin/true > "$T/nolf.out" 2>&1
check "no lease is obtained while no lease file is open" \
    grep -q "no lease, failing" "$T/nolf.out"
check "pxed said the ACK was not sent" \
    grep -q "no lease file is open: ACK not sent" "$LOG"
pxed_stop
pxed_test_done
