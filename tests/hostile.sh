#!/bin/sh
# hostile.sh: malformed and hostile DHCP, DHCPv6, TFTP and HTTP input against a
# running pxed (server mode, across a veth pair between two namespaces).
# For each kind: a log line saying why it was dropped or refused, no reply
# or the error reply the protocol asks for, and afterwards a good request
# of each protocol still succeeds.  10,000 hostile packets must not grow
# the daemon's RSS.  The junk and the good requests come from one address:
# the per-address request rate (max-requests-per-second, flood.sh's
# subject) is off here, else the good TFTP request is rightly refused.
. "$(dirname "$0")/lib.sh"
pxed_need python3 curl
pxed_net_init pair
S=$NETNS_SRV_IP
mkdir -p "$T/root"
head -c 100000 /dev/urandom > "$T/root/big.bin"
echo ok > "$T/root/small.txt"
chmod -R a+rX "$T/root"
cat > "$T/pxed.conf" <<EOC
dhcp {
  mode = server
  lease-file = "$T/lib/leases"
  range "r" { start = 10.77.0.100 end = 10.77.0.200 netmask = 255.255.255.0 }
  range6 "r6" { prefix = fd77::/64 start = fd77::100 end = fd77::1ff }
}
tftp { timeout = 300 max-requests-per-second = 0 }
EOC
LOG="$T/log"
ip -n "$NS_SRV" addr add fd77::1/64 dev "$NETNS_SRV_IF" nodad
pxed_start -n "$NS_SRV" "$LOG" -v -f "$T/pxed.conf" -i "$NETNS_SRV_IF" \
    -r "$T/root"
PID=$PXPID
rss() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$PID/status"; }
hostile() {	# COUNT OUT
	ip netns exec "$NS_CLI" python3 "$SRCDIR/tests/hostile.py" \
	    --server "$S" --iface "$NETNS_CLI_IF" --count "$1" --seconds 60 \
	    > "$2" 2>&1
}

# A first round to warm up (buffers, allocator), then 10,000 packets.
hostile 1000 "$T/warm.out"
R1=$(rss)
hostile 10000 "$T/run.out"
R2=$(rss)
check "the good DHCP request after the storm gets its OFFER" \
    grep -q "^good dhcp ok" "$T/run.out"
check "the TFTP transfer finished despite strangers and bogus ACKs" \
    grep -q "^good tftp ok" "$T/run.out"
check "the daemon is still running" kill -0 "$PID"
if ldd "$PXED" 2>/dev/null | grep -q libasan; then
	echo "# RSS $R1 kB -> $R2 kB (not checked under ASan: its quarantine grows)"
else
	check "10,000 hostile packets: RSS $R1 kB -> $R2 kB (growth < 512 kB)" \
	    test $((R2 - R1)) -lt 512
fi

# Each kind says why, in the log.
for what in \
    "shorter than a BOOTP header" \
    "no DHCP magic cookie" \
    "runs past the end" \
    "overload" \
    "hlen over 16" \
    "BOOTREPLY from .* dropped" \
    "op is neither" \
    "without a hardware address dropped"; do
	check "DHCP: \"$what\" logged" grep -Eqi "dhcp: .*$what" "$LOG"
done
check "DHCP: option 57 below 576 still gets a reply of 300+ bytes" \
    grep -Eq "DISCOVER\(.*xid 00001234.* -> OFFER" "$LOG"
check "TFTP: a request without NULs is logged as bad" \
    wait_log "$LOG" "tftp: bad request from $NETNS_CLI_IP:[0-9]*: " 5
check "TFTP: a storm of bad requests from one client: the count suppressed" \
    wait_log "$LOG" "tftp: bad request from $NETNS_CLI_IP:[0-9]*: .* \([0-9]+ more suppressed\)$" 5
check "  at most one line a second: $(count_log "$LOG" "tftp: bad request") lines" \
    test "$(count_log "$LOG" "tftp: bad request")" -le 130
check "TFTP: a write request is refused and logged" \
    grep -q "tftp: write request for \"upload.bin\" from $NETNS_CLI_IP" "$LOG"
check "TFTP: packets from strangers to a transfer's port are logged" \
    grep -q "tftp: packet from stranger" "$LOG"

# HTTP tricks: each gets a 4xx, and a good request works afterwards.
hcode() { ip netns exec "$NS_CLI" curl -s -o /dev/null -w "%{http_code}" "$@"; }
LONG=$(head -c 6000 /dev/zero | tr '\0' a)
check "HTTP: a 6000-byte path is refused (4xx)" \
    sh -c "c=\$(ip netns exec $NS_CLI curl -s -o /dev/null -w '%{http_code}' http://$S/$LONG); [ \$c -ge 400 ] && [ \$c -lt 500 ]"
check "HTTP: a 64 KiB header is refused (4xx)" sh -c \
    "c=\$(ip netns exec $NS_CLI curl -s -o /dev/null -w '%{http_code}' -H 'X-Big: $(head -c 65536 /dev/zero | tr '\0' b)' http://$S/small.txt); [ \$c -ge 400 ] && [ \$c -lt 500 ]"
check "HTTP: an unknown method gets 405" \
    test "$(hcode -X FROB "http://$S/small.txt")" = 405
check "HTTP: an encoded NUL gets 400" test "$(hcode "http://$S/small.txt%00")" = 400
check "HTTP: ../ escapes get 403" \
    test "$(hcode --path-as-is "http://$S/../../etc/passwd")" = 403
printf 'GET /small.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n' > "$T/smuggle"
check "HTTP: Content-Length with Transfer-Encoding does not crash it" \
    sh -c "ip netns exec $NS_CLI python3 -c '
import socket, sys
s = socket.create_connection((\"$S\", 80), 3)
s.sendall(open(\"$T/smuggle\", \"rb\").read())
s.settimeout(3)
try:
    s.recv(4096)
except OSError:
    pass
' ; kill -0 $PID"
check "HTTP: a good GET after all that" \
    test "$(ip netns exec "$NS_CLI" curl -s "http://$S/small.txt")" = ok
check "the daemon is still running at the end" kill -0 "$PID"
[ "$FAILS" -eq 0 ] || { cat "$T/run.out"; tail -n 20 "$LOG"; }
# DHCPv6 to 547: each malformed kind logged and dropped, then a good
# Solicit (Rapid Commit) still gets its Reply.
ll_ready() {
	ip -n "$NS_CLI" -6 addr show dev "$NETNS_CLI_IF" scope link |
	    grep -q inet6 && ! ip -n "$NS_CLI" -6 addr show \
	    dev "$NETNS_CLI_IF" | grep -q tentative
}
wait_for 10 ll_ready || not_ok "a link-local address on $NETNS_CLI_IF"
ip netns exec "$NS_CLI" python3 - "$NETNS_CLI_IF" <<'EOP'
import socket, struct, sys
idx = socket.if_nametoindex(sys.argv[1])
cid = struct.pack("!HH", 1, 10) + bytes.fromhex("00030001020000000077")
relay = lambda inner: (bytes([12, 0]) + bytes(32) +
                       struct.pack("!HH", 9, len(inner)) + inner)
deep = b"\x01\0\0\1" + cid
for _ in range(40):
    deep = relay(deep)
kinds = [
    b"\x01\0",                                        # short
    b"\x01\0\0\1" + struct.pack("!HH", 1, 100) + b"xx",  # past the end
    deep,                                               # nested too deep
    bytes([12, 0]) + bytes(32) + struct.pack("!HH", 18, 1) + b"x",
    b"\x01\0\0\1" + cid + struct.pack("!HH", 3, 4) + bytes(4),  # IA
    b"\x01\0\0\1" + b"".join(struct.pack("!HH", 8, 0)
                           for _ in range(70)),        # too many
]
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
for k in kinds:
    s.sendto(k, ("ff02::1:2", 547, 0, idx))
EOP
for what in \
    "shorter than its header" \
    "an option runs past the end" \
    "relays nested too deep" \
    "a Relay-Forward without a Relay-Message" \
    "a malformed IA option" \
    "too many options"; do
	wait_log "$LOG" "dhcp6: malformed packet from .* dropped: $what" 3 &&
	    ok "DHCPv6: \"$what\" logged and dropped" ||
	    not_ok "DHCPv6: \"$what\" logged"
done
ip netns exec "$NS_CLI" python3 "$SRCDIR/tests/dhcp6-send.py" ff02::1:2 \
    "$NETNS_CLI_IF" solicit:00030001020000000078 > "$T/v6good.out" 2>&1
check "DHCPv6: a good Solicit afterwards gets its Reply (fd77::1xx)" \
    grep -Eq "type=7 .*ia=fd77::1[0-9a-f]{2}" "$T/v6good.out"
check "the daemon is still running after the DHCPv6 input" kill -0 "$PID"

pxed_test_done
