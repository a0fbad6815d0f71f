#!/bin/sh
# dhcp6-net.sh: pxed's DHCPv6 server, proxy and router advertisements
# against real clients on one bridged LAN of network namespaces:
#   server mode: ISC dhclient -6 gets an address of the range6 (its A6
#   line journaled before the Reply: pxed --leases lists it), renews it
#   (T1 of 2 s), releases it (R6 in the journal); dhclient -6 -S gets an
#   Information-Request answered; a static host by MAC (from its
#   DUID-LLT) and by DUID gets its ip6; a Relay-Forward with a link-address
#   of another range6 gets a Relay-Reply from that range with the
#   Interface-ID echoed; rdisc6 sees the RA with M, O and the prefix;
#   perfdhcp -6 runs Solicit-Advertise-Request-Reply exchanges, counted in
#   the server's log; the server DUID survives a restart (<lease-file>.duid)
#   and /metrics counts the Replies;
#   proxy mode: a replayed OVMF PXEv6 Solicit gets an Advertise with option
#   59 and no IA_NA, and no RA is sent; the URL names the static fd77::1,
#   not a newer autoconfigured address on the same prefix (one with
#   lifetimes, as SLAAC makes, which the kernel lists first); with port
#   547 held by another socket a proxy starts with "DHCPv6 off" and a
#   server with a range6 does not start.
. "$(dirname "$0")/lib.sh"
pxed_need dhclient perfdhcp python3 rdisc6 curl
pxed_net_init lan srv cli sta cl2 rel
pxed_at_exit 'kill_pidfiles "$T"/dhc*.pid'
SRV="$P-srv" CLI="$P-cli" STA="$P-sta" CL2="$P-cl2" REL="$P-rel"
ip -n "$STA" link set lan0 address 02:00:00:00:00:50
ip -n "$SRV" addr add fd77::1/64 dev lan0 nodad
ip -n "$REL" addr add fd77::9/64 dev lan0 nodad
SEND6="python3 $SRCDIR/tests/dhcp6-send.py"
FIX="$SRCDIR/tests/fixtures/dhcpv6"
mkdir -p "$T/lib" "$T/conf.d" "$T/root"

# The link-local addresses must have left "tentative" (DAD) before use.
for ns in "$SRV" "$CLI" "$STA" "$CL2" "$REL"; do
	wait_for 10 lladdr_ready "$ns" lan0 ||
	    not_ok "link-local address in $ns"
done

cat > "$T/dhclient.sh" <<EOS
#!/bin/sh
echo "\$reason \${new_ip6_address:-} \${new_dhcp6_name_servers:-}" \
    >> "$T/dhclient.events"
exit 0
EOS
chmod 755 "$T/dhclient.sh"

cat > "$T/server.conf" <<EOC
conf-dir = "$T/conf.d"
dhcp {
  mode = server
  lease-file = "$T/lib/leases"
  t1-percent = 2
  t2-percent = 4
  range6 "lan" {
    prefix = fd77::/64
    start = fd77::100
    end = fd77::ffff
    dns = { fd77::1 }
    preferred-lifetime = 100
    valid-lifetime = 200
  }
  range6 "relayed" {
    prefix = fd79::/64
    start = fd79::100
    end = fd79::1ff
  }
}
tftp { enable = no }
http { enable = yes port = 8067 address = ::1 }
EOC
cat > "$T/conf.d/10-hosts.conf" <<EOC
host "bymac" {
  mac = "02:00:00:00:00:50"
  ip6 = fd77::50
}
host "byduid" {
  duid = "00:04:8a:7c:3e:1f:5b:2d:4c:6e:9f:10:52:54:00:66:00:51"
  ip6 = fd77::51
}
EOC
LOG="$T/log"
"$PXED" -t -f "$T/server.conf" > "$T/check.out" 2>&1 ||
    { cat "$T/check.out"; exit 99; }

# dhclient6 NS ARGS...: one exchange (-1: try once), then it detaches.
dhclient6() {
	_d6_ns=$1
	shift
	ip netns exec "$_d6_ns" timeout 20 dhclient -6 -1 -v \
	    -lf "$T/$_d6_ns.leases" -pf "$T/dhc-$_d6_ns.pid" \
	    -sf "$T/dhclient.sh" "$@" lan0 >> "$T/$_d6_ns.log" 2>&1
}

# ---------- server mode ----------
pxed_start -n "$SRV" "$LOG" -f "$T/server.conf" -i lan0 -r "$T/root"
check "the server DUID is made and saved beside the lease file" \
    test -s "$T/lib/leases.duid"
DUID=$(cat "$T/lib/leases.duid")

# RA: rdisc6 solicits, pxed answers with M, O and the range6's prefix.
ip netns exec "$CLI" rdisc6 -1 -w 2000 -r 3 lan0 > "$T/rdisc6.out" 2>&1
check "rdisc6 sees an RA with the M flag (stateful addresses)" \
    grep -Eq "Stateful address conf.*Yes" "$T/rdisc6.out"
check "rdisc6 sees an RA with the O flag (stateful other)" \
    grep -Eq "Stateful other conf.*Yes" "$T/rdisc6.out"
check "rdisc6 sees the range6 prefix fd77::/64 and router lifetime 0" \
    sh -c "grep -Eq 'Prefix *: fd77::/64' '$T/rdisc6.out' &&
    grep -Eq 'Router lifetime *: *0 ' '$T/rdisc6.out'"

# Stateful: dhclient -6 (Solicit, Advertise, Request, Reply); it stays
# to renew (T1 = 2 % of 100 s), then releases (-r).
: > "$T/dhclient.events"
ip netns exec "$CLI" dhclient -6 -d -v -lf "$T/$CLI.leases" \
    -pf "$T/dhc-cli.pid" -sf "$T/dhclient.sh" lan0 >> "$T/$CLI.log" 2>&1 &
DPID=$!
PIDS="$PIDS $DPID"
wait_for 15 grep -Eq "^BOUND6 fd77::[1-9a-f][0-9a-f]{2,3} " \
    "$T/dhclient.events" &&
    ok "dhclient -6 is bound to an address of range6 fd77::100-ffff" ||
    not_ok "dhclient -6 is bound to an address of range6"
A=$(awk '$1 == "BOUND6" { print $2 }' "$T/dhclient.events" | tail -n 1)
check "the A6 line was journaled (before the Reply)" \
    grep -q "^A6 $A " "$T/lib/leases"
"$PXED" -f "$T/server.conf" --leases > "$T/leases.txt" 2>&1
check "pxed --leases lists the IPv6 binding" grep -q "^$A .* acked" \
    "$T/leases.txt"
check "the log line says SOLICIT -> ADVERTISE and REQUEST -> REPLY" \
    sh -c "grep -Eq 'SOLICIT\(lan0\) .* -> ADVERTISE $A' '$LOG' &&
    grep -Eq 'REQUEST\(lan0\) .* -> REPLY $A' '$LOG'"

wait_log "$LOG" "RENEW\(lan0\) .* -> REPLY $A" 15 &&
    ok "dhclient -6 renews $A (RENEW -> REPLY)" || not_ok "dhclient renews"
ip netns exec "$CLI" timeout 20 dhclient -6 -r -v -lf "$T/$CLI.leases" \
    -pf "$T/dhc-cli.pid" -sf "$T/dhclient.sh" lan0 >> "$T/$CLI.log" 2>&1
wait_log "$LOG" "RELEASE\(lan0\)" 5 && ok "dhclient -6 -r releases" ||
    not_ok "dhclient -6 -r releases"
wait_for 5 sh -c "! kill -0 $DPID 2>/dev/null" || kill "$DPID"
wait_for 5 grep -q "^R6 $A" "$T/lib/leases" &&
    ok "the release is journaled (R6)" || not_ok "R6 in the journal"

# Stateless: dhclient -6 -S (Information-Request, DNS from range6).
: > "$T/dhclient.events"
dhclient6 "$CL2" -S
check "dhclient -6 -S: INFORMATION-REQUEST answered with a REPLY" \
    grep -Eq "INFORMATION-REQUEST\(lan0\) .* -> REPLY" "$LOG"
check "dhclient -6 -S got the range6's DNS server" \
    grep -q "fd77::1" "$T/dhclient.events"

# Static hosts: by the MAC of a DUID-LLT, by DUID.
: > "$T/dhclient.events"
dhclient6 "$STA"
check "host by MAC (02:00:00:00:00:50, from dhclient's DUID-LLT): fd77::50" \
    grep -q "^BOUND6 fd77::50 " "$T/dhclient.events"
ip netns exec "$CL2" $SEND6 ff02::1:2 lan0 \
    solicit:00048a7c3e1f5b2d4c6e9f10525400660051 > "$T/byduid.out" 2>&1
check "host by DUID: a Rapid Commit Solicit gets REPLY with fd77::51" \
    grep -q "type=7 .*ia=fd77::51" "$T/byduid.out"

# Relayed: a Relay-Forward with link-address fd79::1, from port 547.
ip netns exec "$REL" $SEND6 -s 547 -r fd79::1 fd77::1 lan0 \
    solicit:000300010200000000aa > "$T/relay.out" 2>&1
check "relayed: a Relay-Reply to the relay, Interface-ID echoed" \
    grep -q "from=\[fd77::1\]:547 relay type=13 ifid=72656c30 |" \
    "$T/relay.out"
check "relayed: the address comes from the link-address's range6" \
    grep -Eq "\| type=7 .*ia=fd79::1[0-9a-f]{2}" "$T/relay.out"

# perfdhcp -6: 4-way exchanges of random DUIDs; count the server's Replies.
R0=$(count_log "$LOG" "REQUEST\(lan0\) .* -> REPLY fd77::")
S=$(date +%s.%N)
ip netns exec "$CL2" timeout 60 perfdhcp -6 -l lan0 -r 500 -n 1000 -R 100000 \
    -p 10 -t 1 > "$T/perfdhcp.out" 2>&1
E=$(date +%s.%N)
# Requests perfdhcp sent: each must have a Reply in the server's log.
RQ=$(awk '/Statistics for: REQUEST-REPLY/ { r = 1 }
    r && /^sent packets:/ { print $3; exit }' "$T/perfdhcp.out")
wait_for 5 test "$(count_log "$LOG" "REQUEST\(lan0\) .* -> REPLY fd77::")" \
    -ge $((R0 + ${RQ:-1000}))
R1=$(count_log "$LOG" "REQUEST\(lan0\) .* -> REPLY fd77::")
N=$((R1 - R0))
awk -v n="$N" -v s="$S" -v e="$E" 'BEGIN { printf "  perfdhcp -6: " \
    "the server logged %d Replies to Requests in %.2f s (%d exchanges/s " \
    "at 500/s offered)\n", n, e - s, n / (e - s) }' 
check "perfdhcp -6: the server logged a Reply to each of the $RQ Requests" \
    test "$N" -ge "${RQ:-1000}"
# Solicits or Advertises may be lost on a loaded machine: half at least.
check "perfdhcp -6: at least 500 of 1000 exchanges completed" \
    test "$N" -ge 500
check "every binding is in the journal (one A6 line per Reply at least)" \
    test "$(grep -c '^A6 ' "$T/lib/leases")" -ge "$N"
ip netns exec "$SRV" curl -s http://[::1]:8067/metrics > "$T/metrics"
check "/metrics counts the DHCPv6 Replies and the RAs" \
    sh -c "grep -Eq '^pxed_dhcp6_sent_total\{type=\"REPLY\"\} [1-9]' \
    '$T/metrics' && grep -Eq '^pxed_ra_sent_total [1-9]' '$T/metrics'"
ip netns exec "$SRV" curl -s http://[::1]:8067/state > "$T/state"
check "/state lists the IPv6 bindings" grep -q '"address": "fd77::50"' \
    "$T/state"

# A restart keeps the DUID.
pxed_stop
pxed_start -n "$SRV" "$LOG" -f "$T/server.conf" -i lan0 -r "$T/root"
check "the server DUID is read back after a restart" \
    grep -q "server DUID $DUID (from $T/lib/leases.duid)" "$LOG"
pxed_stop

# ---------- proxy mode ----------
cat > "$T/proxy.conf" <<EOC
conf-dir = "$T/proxy.d"
dhcp { mode = proxy lease-file = "$T/lib/leases" }
tftp { enable = no }
http { enable = no }
EOC
mkdir -p "$T/proxy.d"
cat > "$T/proxy.d/10-chain.conf" <<EOC
match "efi64" { arch = efi-x64 }
boot "uefi" {
  if = "efi64"
  filename = "ipxe.efi"
}
EOC
ip -n "$SRV" addr add fd77::5054:ff:fe77:1/64 dev lan0 nodad \
    valid_lft 3600 preferred_lft 1800
pxed_start -n "$SRV" "$LOG" -f "$T/proxy.conf" -i lan0 -r "$T/root"
ip netns exec "$REL" $SEND6 ff02::1:2 lan0 "$FIX/10-ovmf-pxe6-solicit.bin" \
    > "$T/proxy.out" 2>&1
check "proxy: the OVMF PXEv6 Solicit gets an Advertise (type 2)" \
    grep -q "type=2 " "$T/proxy.out"
check "proxy: the Advertise has option 59 and no IA_NA (3)" \
    sh -c "grep -Eq 'opts=([0-9]+,)*59(,|\$| )' '$T/proxy.out' &&
    ! grep -Eq 'opts=(3|([0-9]+,)*3)(,| )' '$T/proxy.out'"
check "proxy: the URL names the static fd77::1, not the autoconfigured one" \
    grep -q "url=tftp://\[fd77::1\]/ipxe.efi" "$T/proxy.out"
# EDK2 reads the port-4011 Reply only after sending its Request and
# never asks again: pxed sends it a second time, 0.5 s later.
ip netns exec "$REL" $SEND6 -s 4011 -p 4011 -a 2 --boot-request fd77::1 \
    lan0 "$FIX/10-ovmf-pxe6-solicit.bin" > "$T/boot.out" 2>&1
check "proxy: the boot server Request on 4011 gets its Reply (type 7) twice, 0.4 s or more apart" \
    awk '/ type=7 .*url=tftp:/ { t[n++] = substr($1, 3) }
	END { exit !(n == 2 && t[1] - t[0] >= 0.4) }' "$T/boot.out"
kill -USR1 "$PXPID"
check "proxy: the summary counts the repeat" \
    wait_log "$LOG" "reply 1 \\(repeated 1\\) relay-repl" 5
check "proxy: no router advertisement by default" \
    sh -c "! grep -q '^.*ra: router advertisements' '$LOG'"
pxed_stop

# Port 547 held by another DHCPv6 server: a proxy serves IPv4 alone, a
# server with a range6 (DHCPv6 asked for) does not start.
ip netns exec "$SRV" python3 -c 'import socket, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::", 547))
open("'"$T"'/held547", "w").close()
time.sleep(60)' &
HOLD=$!
PIDS="$PIDS $HOLD"
wait_for 5 test -e "$T/held547" || not_ok "a socket holds port 547"
pxed_start -n "$SRV" "$LOG" -f "$T/proxy.conf" -i lan0 -r "$T/root"
check "proxy: port 547 taken: a warning, DHCPv6 off, pxed serves on" \
    grep -q "dhcp6: cannot bind port 547 .*DHCPv6 off" "$LOG"
pxed_stop
ip netns exec "$SRV" timeout 10 "$PXED" -d -f "$T/server.conf" -i lan0 \
    -r "$T/root" > "$T/held.log" 2>&1 && RC=0 || RC=$?
check "server with a range6: port 547 taken stops pxed (exit $RC)" \
    sh -c "[ $RC -ne 0 ] && grep -q 'dhcp6: cannot start' '$T/held.log'"
pid_stop "$HOLD"

pxed_test_done
