#!/bin/sh
# dhcp-net.sh: pxed's DHCP server and proxyDHCP against real clients on
# one bridged LAN of network namespaces:
#   full mode: busybox udhcpc and ISC dhclient obtain, renew and release
#   a lease; a static host gets its fixed address; perfdhcp acting as a
#   relay gets addresses from the relay's pool; a relay's option 82 is
#   echoed (a malformed one too), its circuit id picks the boot file, its
#   link selection the subnet, its server identifier override option 54;
#   a restart keeps every lease; the lease file lists them (pxed --leases,
#   text and JSON);
#   proxy mode beside a PXE-unaware busybox udhcpd: replayed seed-capture
#   DISCOVERs get the proxy OFFER on 67, their REQUEST the ACK on 4011
#   (from ports 4011 and 68), the client's address comes from udhcpd,
#   pxed-probe lists both servers, and an OFFER nobody follows up is
#   warned about.
. "$(dirname "$0")/lib.sh"
pxed_need busybox dhclient perfdhcp python3 curl
pxed_net_init lan srv cli cl2 sta rel oth
pxed_at_exit 'kill_pidfiles "$T"/dhc*.pid'
SRV="$P-srv" CLI="$P-cli" CL2="$P-cl2" STA="$P-sta" REL="$P-rel"
OTH="$P-oth"
ip -n "$SRV" addr add 10.79.0.1/24 dev lan0
ip -n "$STA" link set lan0 address 02:00:00:00:00:50
ip -n "$REL" addr add 10.79.0.9/24 dev lan0
ip -n "$REL" addr add 10.80.0.1/24 dev lan0
ip -n "$SRV" route add 10.80.0.0/24 via 10.79.0.9
SEND="python3 $SRCDIR/tests/dhcp-send.py"
FIX="$SRCDIR/tests/fixtures"
chmod 755 "$T"
mkdir -p "$T/root" "$T/conf.d" "$T/lib"

pxed_dhcp_scripts

cat > "$T/server.conf" <<EOC
conf-dir = "$T/conf.d"
dhcp {
  mode = server
  lease-file = "$T/lib/leases"
  lease-time = 600
  range "lan" {
    start = 10.79.0.100
    end = 10.79.0.199
    netmask = 255.255.255.0
    router = 10.79.0.1
    dns = { 10.79.0.1 }
    domain = "lab.example"
  }
  range "relayed" {
    start = 10.80.0.100
    end = 10.80.0.109
    netmask = 255.255.255.0
    router = 10.80.0.1
  }
  range "linked" {
    start = 10.81.0.100
    end = 10.81.0.109
    netmask = 255.255.255.0
    router = 10.81.0.1
  }
}
tftp { enable = no }
http { status-address = "127.0.0.1:9100" }
EOC
cat > "$T/conf.d/10-hosts.conf" <<EOC
host "fixed" {
  mac = "02:00:00:00:00:50"
  ip = 10.79.0.50
  hostname = "fixed"
}
EOC
cat > "$T/conf.d/20-agent.conf" <<EOC
match "port7" { circuit-id = "eth0/7" }
boot "port7" { if = "port7" filename = "port7.efi" }
EOC
LOG="$T/log"

start_pxed() {	# CONF
	pxed_start -n "$SRV" "$LOG" -v -f "$1" -i lan0 -r "$T/root"
	PID=$PXPID
}

# udhcpc_once NS [ARGS]: obtain one lease and exit (events to $EVENTS).
udhcpc_once() {
	ns=$1
	shift
	ip netns exec "$ns" timeout 15 busybox udhcpc -i lan0 -n -q -f \
	    -s "$T/udhcpc.sh" -t 5 -T 1 "$@" >> "$T/$ns.log" 2>&1
}

# ---------- full mode ----------
start_pxed "$T/server.conf"

# udhcpc: obtain, renew (SIGUSR1: unicast REQUEST), release (SIGUSR2).
EVENTS="$T/udhcpc.events"
export EVENTS
: > "$EVENTS"
ip netns exec "$CLI" busybox udhcpc -i lan0 -f -s "$T/udhcpc.sh" -t 5 \
    -T 1 -A 1 -x hostname:alpha > "$T/udhcpc.log" 2>&1 &
UPID=$!
PIDS="$PIDS $UPID"
wait_log "$EVENTS" "^bound 10\.79\.0\.1[0-9][0-9] 10\.79\.0\.1 600" 10 &&
    ok "udhcpc obtains a lease (10.79.0.100-199, server 10.79.0.1, 600 s)" ||
    not_ok "udhcpc obtains a lease"
UIP=$(awk '$1 == "bound" { print $2 }' "$EVENTS" | tail -n 1)
check "the lease is journaled before the ACK went out" \
    grep -q "^A $UIP .* alpha\$" "$T/lib/leases"
check "one log line for the DISCOVER with MAC, xid and the OFFER" \
    grep -Eq "dhcp: DISCOVER\(lan0\) ([0-9a-f]{2}:){5}[0-9a-f]{2} xid [0-9a-f]{8} -> OFFER $UIP tags" "$LOG"
kill -USR1 "$UPID"
wait_log "$EVENTS" "^renew $UIP 10\.79\.0\.1 600" 5 &&
    ok "udhcpc renews (unicast REQUEST from $UIP) and keeps $UIP" ||
    not_ok "udhcpc renews"
check "the renewal arrived with ciaddr (RENEWING)" \
    grep -Eq "REQUEST\(lan0\) .* -> ACK $UIP" "$LOG"
kill -USR2 "$UPID"
wait_log "$LOG" "RELEASE\(lan0\) .*released" 5 &&
    ok "udhcpc releases $UIP" || not_ok "udhcpc releases"
# The journal line is written by the commit of the next loop turn, not
# with the log line: waited for.
check "the release is journaled" \
    wait_for 5 grep -q "^R $UIP\$" "$T/lib/leases"
"$PXED" -f "$T/server.conf" --leases > "$T/leases.txt" 2>&1
check "a released lease is not listed" sh -c "! grep -q '^$UIP ' '$T/leases.txt'"
kill "$UPID" 2>/dev/null

# dhclient: obtain, release, obtain again (INIT-REBOOT of the same address).
EVENTS="$T/dhclient.events"
: > "$EVENTS"
DHC="-lf $T/dhc.leases -pf $T/dhc.pid -sf $T/dhclient.sh"
ip netns exec "$CL2" timeout 20 dhclient -1 -v $DHC lan0 > "$T/dhc.log" 2>&1
check "dhclient obtains a lease" \
    grep -Eq "^BOUND 10\.79\.0\.1[0-9][0-9] 10\.79\.0\.1" "$EVENTS" ||
    sed 's/^/  | /' "$T/dhc.log"
DIP=$(awk '$1 == "BOUND" { print $2 }' "$EVENTS" | tail -n 1)
ip netns exec "$CL2" timeout 20 dhclient -r -v $DHC lan0 >> "$T/dhc.log" 2>&1
wait_log "$LOG" "RELEASE\(lan0\) .*released" 5 &&
    [ "$(count_log "$LOG" "RELEASE\(lan0\) .*released")" -eq 2 ] &&
    ok "dhclient releases $DIP" || not_ok "dhclient releases"
ip netns exec "$CL2" timeout 20 dhclient -1 -v $DHC lan0 >> "$T/dhc.log" 2>&1
check "dhclient gets $DIP again (INIT-REBOOT or DISCOVER)" \
    grep -Eq "^(REBOOT|BOUND) $DIP " "$EVENTS"

# A static host.
EVENTS="$T/static.events"
: > "$EVENTS"
udhcpc_once "$STA" -r 10.79.0.120
check "the static host gets its fixed 10.79.0.50 (asked for .120)" \
    grep -q "^bound 10.79.0.50 " "$EVENTS"
check "its log line shows the host tag" \
    grep -Eq "REQUEST\(lan0\) 02:00:00:00:00:50 .* -> ACK 10.79.0.50 tags known" "$LOG"

# perfdhcp as a relay (giaddr 10.80.0.1): addresses from the relay's pool.
ip netns exec "$REL" timeout 30 perfdhcp -4 -l 10.80.0.1 -r 5 -R 5 \
    -n 5 -p 10 -t 1 -W 1000000 10.79.0.1 > "$T/perfdhcp.log" 2>&1
N=$(count_log "$LOG" 'REQUEST\(lan0 via 10\.80\.0\.1\) .* -> ACK 10\.80\.0\.10[0-9] ')
check "perfdhcp (relay) completes 5 DORA from the relay's pool ($N)" \
    test "$N" -ge 5
# That pxed answered every exchange is counted above in its own log;
# perfdhcp is only asked whether replies came back through the relay.  Its
# count of the last exchange is not reliable: past -n it sends nothing
# more, and an ACK that waits for a slow fdatasync can miss its -W window.
check "relayed OFFERs and ACKs reached the relay (perfdhcp received some)" \
    awk '/Statistics for: DISCOVER-OFFER/ { p = "do" }
	/Statistics for: REQUEST-ACK/ { p = "ra" }
	/^received packets: [1-9]/ && p != "" { got[p] = 1 }
	END { exit !(got["do"] && got["ra"]) }' "$T/perfdhcp.log"

# Restart keeps every lease.
"$PXED" -f "$T/server.conf" --leases > "$T/before.txt" 2>&1
pxed_stop
start_pxed "$T/server.conf"
"$PXED" -f "$T/server.conf" --leases > "$T/after.txt" 2>&1
check "restart: pxed --leases lists the same $(wc -l < "$T/before.txt") leases" \
    cmp -s "$T/before.txt" "$T/after.txt"
check "restart: at least 7 leases (dhclient, static, 5 relayed)" \
    sh -c "[ \$(wc -l < '$T/after.txt') -ge 7 ]"
check "restart: the log says how many were loaded" \
    grep -Eq "dhcp: [0-9]+ leases loaded from" "$LOG"
"$PXED" -f "$T/server.conf" --leases --json > "$T/after.json" 2>&1
check "pxed --leases --json is JSON with the static host" python3 -c "
import json, sys
l = json.load(open('$T/after.json'))
sys.exit(0 if any(x['address'] == '10.79.0.50' and x['mac'] == '02:00:00:00:00:50' for x in l) else 1)"
EVENTS="$T/static.events"
: > "$EVENTS"
udhcpc_once "$STA"
check "after restart the static host is ACKed again" \
    grep -q "^bound 10.79.0.50 " "$EVENTS"
kill -USR1 "$PID"
wait_log "$LOG" "dhcp: leases: [0-9]+ active" 3 &&
    ok "SIGUSR1 lists the leases" || not_ok "SIGUSR1 lists the leases"
check "SIGUSR1 lists the static lease" \
    wait_log "$LOG" "lease: 10\.79\.0\.50 02:00:00:00:00:50 .* acked" 3

# A relay (the DISCOVER of the seed capture, giaddr 10.80.0.1, from port
# 67) adds option 82: circuit id "eth0/7", remote id 00:00:00:00:aa:01.
A82=0106657468302f37020600000000aa01
relay82() {	# MAC OPTION82 OUT
	ip netns exec "$REL" $SEND "$FIX/01-dhcpd-msg-discover.bin" \
	    --iface lan0 --to 10.79.0.1:67 --sport 67 --giaddr 10.80.0.1 \
	    --chaddr "$1" --option "82=$2" --wait 2 --count 1 > "$3" 2>&1
}
relay82 02:00:00:00:00:82 "$A82" "$T/agent.out"
check "relayed DISCOVER with option 82: OFFER to the relay from its pool" \
    grep -q "from=10.79.0.1:67 .*type=OFFER .*yiaddr=10\.80\.0\.10[0-9] .*giaddr=10.80.0.1 " "$T/agent.out"
check "the OFFER echoes option 82 byte for byte, as its last option" \
    grep -q "last=82 .* 82=$A82\( \|\$\)" "$T/agent.out"
check "circuit-id \"eth0/7\" picks port7.efi" \
    grep -q "type=OFFER .*file=port7.efi " "$T/agent.out"
check "pxed logged the match" grep -q \
    'DISCOVER(lan0 via 10.80.0.1) 02:00:00:00:00:82 .* -> OFFER 10\.80\.0\.10[0-9] tags port7 file "port7.efi"' "$LOG"
relay82 02:00:00:00:00:83 0106657468302f38 "$T/agent8.out"
check "circuit-id \"eth0/8\": not port7.efi, 82 echoed" \
    sh -c "grep 'type=OFFER' '$T/agent8.out' | grep -v 'file=port7.efi' |
	grep -q ' 82=0106657468302f38'"
# Link selection 10.81.0.0 (RFC 3527) and server identifier override
# 10.80.0.254 (RFC 5107).
L82=${A82}05040a5100000b040a5000fe
relay82 02:00:00:00:00:84 "$L82" "$T/link.out"
check "link selection: an address of 10.81.0.0/24, sent to the relay" \
    grep -q "from=10.79.0.1:67 .*type=OFFER .*yiaddr=10\.81\.0\.10[0-9] .*giaddr=10.80.0.1 " "$T/link.out"
check "link selection: router 10.81.0.1, 82 echoed, last" \
    grep -q "last=82 .* 3=0a510001 .* 82=$L82" "$T/link.out"
check "server identifier override: option 54 is 10.80.0.254" \
    grep -q "type=OFFER .* 54=0a5000fe " "$T/link.out"
# Malformed (a sub-option past the end): echoed as it came, not used.
relay82 02:00:00:00:00:86 0106657468 "$T/bad82.out"
check "a malformed option 82: OFFER from giaddr's pool, 82 echoed as sent" \
    grep -q "type=OFFER .*yiaddr=10\.80\.0\.10[0-9] .*last=82 .* 82=0106657468\( \|\$\)" "$T/bad82.out"
check "a malformed option 82 is warned about, naming the relay" grep -q \
    "option 82 from relay 10.80.0.1 is malformed (a sub-option runs past the end)" "$LOG"
ip netns exec "$SRV" curl -s http://127.0.0.1:9100/metrics > "$T/metrics" 2>&1
check "/metrics counts it: relay agent errors, malformed 1, not echoed 0" \
    sh -c "grep -qx 'pxed_dhcp_relay_agent_errors_total{reason=\"malformed\"} 1' '$T/metrics' &&
	grep -qx 'pxed_dhcp_relay_agent_errors_total{reason=\"not_echoed\"} 0' '$T/metrics'"
# Sent by the client itself (giaddr 0): not echoed, not matched.
ip netns exec "$CLI" $SEND "$FIX/01-dhcpd-msg-discover.bin" --iface lan0 \
    --chaddr 02:00:00:00:00:85 --option "82=$A82" --wait 2 --count 1 \
    > "$T/own82.out" 2>&1
check "a client's own option 82: OFFER without 82 and without port7.efi" \
    sh -c "grep 'type=OFFER .*yiaddr=10\.79\.0\.' '$T/own82.out' |
	grep -v ' 82=' | grep -vq 'file=port7.efi'"

# A packet that is not DHCP is logged and dropped; the server goes on.
head -c 100 /dev/urandom > "$T/junk.bin"
ip netns exec "$CLI" $SEND "$T/junk.bin" --iface lan0 --wait 0.5 \
    > /dev/null 2>&1
check "a malformed packet is logged with its reason" \
    wait_log "$LOG" "dhcp: malformed packet from .* on lan0 dropped: " 5
pxed_stop

# ---------- proxy mode beside busybox udhcpd ----------
ip -n "$OTH" addr add 10.79.0.2/24 dev lan0
cat > "$T/udhcpd.conf" <<EOC
start 10.79.0.150
end 10.79.0.160
interface lan0
lease_file $T/udhcpd.leases
option subnet 255.255.255.0
option lease 600
EOC
: > "$T/udhcpd.leases"
ip netns exec "$OTH" busybox udhcpd -f -a 200 "$T/udhcpd.conf" > "$T/udhcpd.log" 2>&1 &
PIDS="$PIDS $!"
cat > "$T/proxy.conf" <<EOC
conf-dir = "$T/proxy.d"
dhcp { mode = proxy proxy-followup = 10 }
tftp { enable = no }
http { enable = no }
EOC
mkdir -p "$T/proxy.d"
cat > "$T/proxy.d/10-chain.conf" <<EOC
match "ipxe" { userclass = "iPXE" }
match "efi64" { arch = efi-x64 }
boot "script" {
  if = "ipxe"
  filename = "http://\${server}/boot.ipxe?mac=\${mac}"
}
boot "uefi" {
  if = "efi64"
  filename = "ipxe.efi"
}
EOC
start_pxed "$T/proxy.conf"
ip -n "$CLI" addr flush dev lan0
EVENTS="$T/proxy.events"
: > "$EVENTS"
udhcpc_once "$CLI"
check "a plain client gets its address from udhcpd, not from the proxy" \
    grep -Eq "^bound 10\.79\.0\.1(5[0-9]|60) 10\.79\.0\.2" "$EVENTS"
check "the proxy ignored the plain client" \
    sh -c "! grep -q 'DISCOVER(lan0).*-> OFFER' '$LOG'"

# The UEFI DISCOVER of the seed capture, as its machine sent it.  Both
# OFFERs (--count 2) end the wait, so that the REQUEST below follows the
# proxy's OFFER well within proxy-followup even on a loaded machine.
ip netns exec "$CLI" $SEND "$FIX/01-dhcpd-msg-discover.bin" --iface lan0 \
    --wait 4 --count 2 > "$T/uefi.out" 2>&1
grep "from=10.79.0.1:67" "$T/uefi.out" > "$T/uefi.proxy"
check "UEFI DISCOVER: the proxy OFFERs from 10.79.0.1" test -s "$T/uefi.proxy"
check "UEFI DISCOVER: proxy OFFER has yiaddr 0, siaddr, ipxe.efi, 60, 54, 43=060108ff" \
    grep -q "type=OFFER .*yiaddr=0.0.0.0 siaddr=10.79.0.1 .*file=ipxe.efi .* 43=060108ff .*54=0a4f0001 .*60=PXEClient" "$T/uefi.proxy"
UUID=$(python3 -c "
d = open('$FIX/01-dhcpd-msg-discover.bin', 'rb').read()
i = 240
while d[i] != 255:
    if d[i] == 0: i += 1; continue
    if d[i] == 97: print(d[i+2:i+2+d[i+1]].hex())
    i += 2 + d[i+1]")
check "UEFI DISCOVER: option 97 echoed byte for byte" \
    grep -q " 97=$UUID" "$T/uefi.proxy"
check "UEFI DISCOVER: udhcpd offers the address" \
    grep -Eq "from=10.79.0.2:67 .*type=OFFER .*yiaddr=10\.79\.0\.1(5[0-9]|60)" "$T/uefi.out"

# Its port-4011 REQUEST, from port 4011 (OVMF) and from port 68 (iPXE).
CIP=$(awk '$1 == "bound" { print $2 }' "$EVENTS" | tail -n 1)
ip netns exec "$CLI" $SEND "$FIX/06-proxydhcpd-msg-request.bin" \
    --iface lan0 --to 10.79.0.1:4011 --sport 4011 --ciaddr "$CIP" \
    --wait 2 > "$T/ack4011.out" 2>&1
check "REQUEST from port 4011: ACK to port 4011 with ipxe.efi and 97" \
    grep -q "from=10.79.0.1:4011 .*type=ACK .*file=ipxe.efi .* 97=$UUID" "$T/ack4011.out"
ip netns exec "$CLI" $SEND "$FIX/06-proxydhcpd-msg-request.bin" \
    --iface lan0 --to 10.79.0.1:4011 --sport 68 --ciaddr "$CIP" \
    --wait 2 > "$T/ack68.out" 2>&1
check "REQUEST from port 68: ACK back to port 68" \
    grep -q "from=10.79.0.1:4011 .*type=ACK .*ciaddr=$CIP .*file=ipxe.efi" "$T/ack68.out"
check "the 4011 transaction is logged" \
    grep -Eq "dhcp-proxy: REQUEST\(lan0\) 7c:10:c9:1c:79:f7 .* -> ACK $CIP .*file \"ipxe.efi\"" "$LOG"

# iPXE's DISCOVER: the script URL with the server and MAC filled in.
ip netns exec "$CLI" $SEND "$FIX/08-dhcpd-msg-discover.bin" --iface lan0 \
    --wait 2 > "$T/ipxe.out" 2>&1
check "iPXE DISCOVER: proxy OFFER with the rendered script URL" \
    grep -q "from=10.79.0.1:67 .*type=OFFER .*file=http://10.79.0.1/boot.ipxe?mac=7c:10:c9:1c:79:f7" "$T/ipxe.out"
check "iPXE DISCOVER: no option 43 for iPXE, no no-pxedhcp from a proxy" \
    sh -c "grep 'from=10.79.0.1:67' '$T/ipxe.out' | grep -v ' 43=' | grep -vq ' 175='"

# Reload: the next DISCOVER gets the new rule; a broken file changes nothing.
sed -i 's/filename = "ipxe.efi"/filename = "snponly.efi"/' "$T/proxy.d/10-chain.conf"
kill -HUP "$PID"
wait_log "$LOG" "reloaded in .* generation 2:" 5 || not_ok "reload 2"
ip netns exec "$CLI" $SEND "$FIX/01-dhcpd-msg-discover.bin" --iface lan0 \
    --to 10.79.0.1:67 --chaddr 02:00:00:00:00:88 --wait 1 --count 1 \
    > "$T/reload.out" 2>&1
check "after SIGHUP the proxy OFFER carries the new rule's snponly.efi" \
    grep -q "from=10.79.0.1:67 .*type=OFFER .*file=snponly.efi" "$T/reload.out"
echo 'boot "bad" { if = "nosuchtag" filename = "x" }' > "$T/proxy.d/20-bad.conf"
kill -HUP "$PID"
wait_log "$LOG" "reload failed with" 5 || not_ok "reload 3 fails"
check "a broken file is reported as file:line" \
    grep -q "conf: $T/proxy.d/20-bad.conf:1: " "$LOG"
ip netns exec "$CLI" $SEND "$FIX/01-dhcpd-msg-discover.bin" --iface lan0 \
    --to 10.79.0.1:67 --chaddr 02:00:00:00:00:88 --wait 1 --count 1 \
    > "$T/reload.out" 2>&1
check "after a failed reload the proxy still answers with snponly.efi" \
    grep -q "from=10.79.0.1:67 .*type=OFFER .*file=snponly.efi" "$T/reload.out"
rm -f "$T/proxy.d/20-bad.conf"

# A DISCOVER nobody follows up: a warning after proxy-followup (10 s: the
# followed-up one above must stay inside it on a loaded machine).
ip netns exec "$CLI" $SEND "$FIX/01-dhcpd-msg-discover.bin" --iface lan0 \
    --chaddr 02:00:00:00:00:77 --xid 1234abcd --wait 1 > /dev/null 2>&1
wait_log "$LOG" "proxy OFFER to 02:00:00:00:00:77 .* was not followed" 20 &&
    ok "an unanswered proxy OFFER is warned about" ||
    not_ok "an unanswered proxy OFFER is warned about"
check "the followed-up OFFER (4011 REQUEST) was not warned about" \
    sh -c "! grep -q 'proxy OFFER to 7c:10:c9:1c:79:f7 .*xid 07940efb' '$LOG'"

# pxed-probe sees both servers.
if [ -x "${PXED_PROBE:-}" ]; then
	ip netns exec "$CLI" "$PXED_PROBE" -i lan0 -t 2 > "$T/probe.out" 2>&1
	check "pxed-probe lists the proxy (10.79.0.1, proxy, snponly.efi)" \
	    grep -Eq "^10\.79\.0\.1 proxy=yes .*file=\"snponly.efi\"" "$T/probe.out"
	check "pxed-probe lists udhcpd (10.79.0.2, not a proxy)" \
	    grep -Eq "^10\.79\.0\.2 proxy=no offer=10\.79\.0\.1(5[0-9]|60)" "$T/probe.out"
	[ "$FAILS" -eq 0 ] || sed 's/^/  | /' "$T/probe.out"
else
	not_ok "pxed-probe not built (PXED_PROBE=${PXED_PROBE:-})"
fi
pxed_stop

# Full mode beside udhcpd: pxed says at start-up that another server answers.
start_pxed "$T/server.conf"
wait_log "$LOG" "another DHCP server answers on lan0: 10\.79\.0\.2 proxy=no offer=10\.79\.0\.1(5[0-9]|60)" 5 &&
    ok "server mode warns at start-up about udhcpd on its LAN" ||
    not_ok "server mode warns at start-up about udhcpd on its LAN"
check "and not about itself" sh -c "! grep -q 'another DHCP server answers on lan0: 10.79.0.1 ' '$LOG'"
pxed_stop

[ "$FAILS" -eq 0 ] || { echo "--- pxed log"; grep -v "options:" "$LOG" | tail -n 40; }
pxed_test_done
