#!/bin/sh
# probe-net.sh: pxed-probe against real servers across a veth pair between
# two network namespaces: usage errors; no server at all; dnsmasq as a
# proxyDHCP server and busybox udhcpd as a DHCP server on the same LAN,
# with -r following the proxy to port 4011; a proxy's boot menu; dnsmasq
# as a full DHCP server with boot files by architecture and user class;
# -6 against dnsmasq and Kea's kea-dhcp6 as DHCPv6 servers on one LAN,
# and against pxed's own DHCPv6 server.
# udhcpd gets an interface of its own (a macvlan on the server's veth
# end), since both servers bind port 67.
. "$(dirname "$0")/lib.sh"
: "${PXED_PROBE:=$(cd "$(dirname "$0")/.." && pwd)/daemon/pxed-probe}"
pxed_need dnsmasq
busybox udhcpd --help >/dev/null 2>&1 || pxed_skip "no busybox udhcpd" busybox
[ -x "$PXED_PROBE" ] || { echo "no pxed-probe binary at $PXED_PROBE"; exit 99; }
pxed_net_init pair
S=$NETNS_SRV_IP
U=10.77.0.3
IF=$NETNS_CLI_IF
if ! ip -n "$NS_SRV" link add pxmv0 link "$NETNS_SRV_IF" type macvlan \
    mode bridge 2>/dev/null; then
	netns_fail "no macvlan"
fi
ip -n "$NS_SRV" addr add "$U/24" dev pxmv0 &&
    ip -n "$NS_SRV" link set pxmv0 up || exit 99
chmod 755 "$T"

# probe ARGS...: run pxed-probe in the client namespace, bounded; output
# in $T/out and $T/err, exit status in $rc.
probe() {
	in_cli timeout 80 "$PXED_PROBE" "$@" > "$T/out" 2> "$T/err"
	rc=$?
	sed 's/^/  # /' "$T/out"
}

# has PATTERN: a line of the last output matches (grep -E).
has() {
	grep -Eq -- "$1" "$T/out"
}

# port_bound TABLE PORT N: wait (<= 5 s) until N sockets are bound to
# PORT (4 hex digits) in /proc/net/TABLE of the server namespace.
port_bound() {
	n=0
	while [ $n -lt 50 ]; do
		c=$(in_srv cat "/proc/net/$1" | awk -v p=":$2\$" '$2 ~ p' |
		    wc -l)
		[ "$c" -ge "$3" ] && return 0
		sleep 0.1
		n=$((n + 1))
	done
	echo "  timed out waiting for $3 sockets on $1 port 0x$2" >&2
	return 1
}
port67() { port_bound udp 0043 "$1"; }
port547() { port_bound udp6 0223 "$1"; }

# start NAME CMD...: a server in the server namespace; its pid in $NAME.
# Not through in_srv: $! must be the server itself (ip execs it).
start() {
	name=$1
	shift
	ip netns exec "$NS_SRV" "$@" > "$T/$name.log" 2>&1 &
	eval "$name=$!"
	PIDS="$PIDS $!"
}

# stop PID: end a server started here, and forget it.
stop() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	pids_forget "$1"
}

# ---- usage ----
in_cli "$PXED_PROBE" -a bios >/dev/null 2>&1
check "no -i: exit 2" test $? -eq 2
in_cli "$PXED_PROBE" -i "$IF" -a no-such-arch >/dev/null 2>&1
check "unknown architecture: exit 2" test $? -eq 2
in_cli "$PXED_PROBE" -i "$IF" -t 0 >/dev/null 2>&1
check "-t 0: exit 2" test $? -eq 2
in_cli "$PXED_PROBE" -i "$IF" -t 61 >/dev/null 2>&1
check "-t 61: exit 2" test $? -eq 2
in_cli "$PXED_PROBE" -i "$IF" -m 00:11:22:33:44 >/dev/null 2>&1
check "a short MAC: exit 2" test $? -eq 2
probe -i nosuchif0 -t 1
check "an interface that does not exist: exit 2" test $rc -eq 2
check "  and it says so" grep -q "nosuchif0: no such interface" "$T/err"
if command -v setpriv >/dev/null 2>&1; then
	in_cli setpriv --reuid=65534 --regid=65534 --clear-groups \
	    timeout 20 "$PXED_PROBE" -i "$IF" -t 1 > "$T/out" 2> "$T/err"
	rc=$?
	check "not root: exit 2" test $rc -eq 2
	check "  with \"needs root for port 68\"" \
	    grep -q "needs root for port 68" "$T/err"
fi
in_cli "$PXED_PROBE" -h > "$T/out" 2> "$T/err"
rc=$?
check "-h: exit 0" test $rc -eq 0
check "  usage on stdout" grep -q "^usage: pxed-probe" "$T/out"

# ---- nobody there ----
probe -i "$IF" -t 1
check "no server: exit 1" test $rc -eq 1
check "  nothing on stdout" test ! -s "$T/out"
check "  and a message" grep -q "no DHCP or proxyDHCP server answered" \
    "$T/err"

# ---- a proxyDHCP server beside a DHCP server ----
start DNSMASQ dnsmasq --no-daemon --conf-file=/dev/null --port=0 \
    --pid-file= --log-facility=- --log-dhcp \
    --interface="$NETNS_SRV_IF" --bind-interfaces \
    --dhcp-leasefile="$T/dnsmasq.leases" \
    --dhcp-range=10.77.0.0,proxy \
    --pxe-service=x86-64_EFI,"x",ipxe.efi
cat > "$T/udhcpd.conf" <<EOC
start 10.77.0.100
end 10.77.0.150
interface pxmv0
lease_file $T/udhcpd.leases
pidfile $T/udhcpd.pid
siaddr $U
boot_file pxelinux.0
option subnet 255.255.255.0
option router $U
EOC
: > "$T/udhcpd.leases"
# -a: a short ARP check of the address, so that it answers in time.
start UDHCPD busybox udhcpd -f -a 200 "$T/udhcpd.conf"
port67 2 || { cat "$T/DNSMASQ.log" "$T/UDHCPD.log"; exit 99; }

probe -i "$IF" -t 3 -r -v
check "two servers: exit 0" test $rc -eq 0
check "  two lines for the DISCOVER, one per server" \
    test "$(grep -vc ' msg=' "$T/out")" -eq 2
check "dnsmasq listed as a proxy" \
    has "^$S proxy=yes offer=- next-server=$S .*vendor=PXEClient$"
check "udhcpd listed as a DHCP server with its boot file" \
    has "^$U proxy=no offer=10\.77\.0\.[0-9]+ next-server=$U file=\"pxelinux\.0\" pxe=\"-\" vendor=-$"
off=$(sed -n "s/^$U proxy=no offer=\([0-9.]*\) .*/\1/p" "$T/out")
check "  the address offered is the one udhcpd logged ($off)" \
    grep -q "sending OFFER to $off\$" "$T/UDHCPD.log"
check "-r: dnsmasq's ACK from port 4011 gives its boot file" \
    has "^$S proxy=yes offer=- next-server=$S file=\"ipxe\.efi\" .* msg=ack$"
check "  the ACK came from port 4011 (-v)" \
    grep -q "bytes from $S:4011, message type 5" "$T/err" ||
    sed 's/^/  # stderr: /' "$T/err"
check "dnsmasq saw a PXE client of arch 7" \
    grep -q "vendor class: PXEClient:Arch:00007:UNDI:003016" \
    "$T/DNSMASQ.log"

# A MAC given: the servers see that one.
probe -i "$IF" -t 2 -m 52:54:00:aa:bb:cc
check "-m: exit 0" test $rc -eq 0
check "  dnsmasq saw the MAC given" \
    grep -q "PXE(.*) 52:54:00:aa:bb:cc proxy" "$T/DNSMASQ.log"

# Without a PXE vendor class dnsmasq's proxy stays silent.
probe -i "$IF" -t 2 -c "MSFT 5.0"
check "-c MSFT: exit 0 (udhcpd still answers)" test $rc -eq 0
check "  only udhcpd answers" sh -c \
    "test \$(wc -l < '$T/out') -eq 1 && grep -q '^$U proxy=no' '$T/out'"
stop "$DNSMASQ"

# A menu (dnsmasq sends them to BIOS clients only): the proxy's option
# 43, decoded.
start DNSMASQ dnsmasq --no-daemon --conf-file=/dev/null --port=0 \
    --pid-file= --log-facility=- --log-dhcp \
    --interface="$NETNS_SRV_IF" --bind-interfaces \
    --dhcp-leasefile="$T/dnsmasq.leases" \
    --dhcp-range=10.77.0.0,proxy \
    --pxe-prompt="Press F8",5 \
    --pxe-service=x86PC,"Install",undionly \
    --pxe-service=x86PC,"Disk"
port67 2 || { cat "$T/DNSMASQ.log"; exit 99; }
probe -i "$IF" -t 1 -a bios
check "a proxy menu: the prompt and the items in pxe=" \
    has "^$S proxy=yes .* pxe=\"[^\"]*9=\\[[0-9]+ 'Install', 0 'Disk'\\] 10=\\[5 'Press F8'\\]"
stop "$DNSMASQ"

# ---- dnsmasq as the DHCP server: boot file by arch and user class ----
start DNSMASQ dnsmasq --no-daemon --conf-file=/dev/null --port=0 \
    --pid-file= --log-facility=- --log-dhcp --no-ping \
    --interface="$NETNS_SRV_IF" --bind-interfaces \
    --dhcp-leasefile="$T/dnsmasq.leases" \
    --dhcp-range=10.77.0.50,10.77.0.60,255.255.255.0 \
    --dhcp-match=set:bios,option:client-arch,0 \
    --dhcp-userclass=set:ipxe,iPXE \
    --dhcp-boot=tag:!ipxe,tag:!bios,grubx64.efi,bootsrv,"$S" \
    --dhcp-boot=tag:!ipxe,tag:bios,undionly.kpxe,bootsrv,"$S" \
    --dhcp-boot=tag:ipxe,boot.ipxe,bootsrv,"$S"
port67 2 || { cat "$T/DNSMASQ.log"; exit 99; }

probe -i "$IF" -t 2
check "full DHCP: exit 0" test $rc -eq 0
check "dnsmasq: an address, the UEFI boot file, option 66" \
    has "^$S proxy=no offer=10\.77\.0\.(5[0-9]|60) next-server=$S file=\"grubx64\.efi\" pxe=\"-\" vendor=- tftp-server=\"bootsrv\"$"
check "udhcpd still listed" has "^$U proxy=no "
probe -i "$IF" -t 2 -a bios
check "-a bios: the BIOS boot file" \
    has "^$S proxy=no .* file=\"undionly\.kpxe\" "
probe -i "$IF" -t 2 -U -r
check "-U: iPXE gets the script" has "^$S proxy=no .* file=\"boot\.ipxe\" "
check "  -r without a proxy: nothing more" sh -c \
    "! grep -q ' msg=' '$T/out'"
stop "$DNSMASQ"
stop "$UDHCPD"

# ---- all gone ----
probe -i "$IF" -t 1 -r
check "servers stopped: exit 1" test $rc -eq 1
check "  nothing on stdout" test ! -s "$T/out"

# ---- -6: DHCPv6 servers ----
# ULAs without duplicate address detection; the probe's own source is the
# client's link-local address, usable once it is no longer tentative.
S6=fd77::1
U6=fd77::3
ip -n "$NS_SRV" -6 addr add $S6/64 dev "$NETNS_SRV_IF" nodad &&
    ip -n "$NS_SRV" -6 addr add $U6/64 dev pxmv0 nodad ||
    not_ok "IPv6 addresses"
ll_ready() {
	! ip -n "$NS_CLI" -6 addr show dev "$IF" scope link | grep -q tentative
}
wait_for 10 ll_ready || not_ok "the client's link-local address stayed tentative"

in_cli "$PXED_PROBE" -6 -r -i "$IF" >/dev/null 2>&1
check "-6 -r: exit 2 (a DHCPv6 proxy's answer has its URL)" test $? -eq 2
probe -6 -i "$IF" -t 1
check "-6, no server: exit 1" test $rc -eq 1
check "  and a message" grep -q "no DHCPv6 server answered" "$T/err"

start DNSMASQ dnsmasq --no-daemon --conf-file=/dev/null --port=0 \
    --pid-file= --log-facility=- --log-dhcp \
    --interface="$NETNS_SRV_IF" --bind-interfaces \
    --dhcp-leasefile="$T/dnsmasq.leases" \
    --dhcp-range=fd77::100,fd77::1ff,64 \
    --dhcp-userclass=set:ipxe,iPXE \
    --dhcp-option="tag:!ipxe,option6:bootfile-url,tftp://[$S6]/ipxe.efi" \
    --dhcp-option="tag:ipxe,option6:bootfile-url,http://[$S6]/boot.ipxe"
KEA6=
if command -v kea-dhcp6 >/dev/null 2>&1; then
	cat > "$T/kea6.json" <<EOC
{ "Dhcp6": {
  "interfaces-config": { "interfaces": [ "pxmv0" ] },
  "server-id": { "type": "LL", "persist": false },
  "lease-database": { "type": "memfile", "persist": false },
  "preferred-lifetime": 3000, "valid-lifetime": 4000,
  "subnet6": [ { "id": 1, "subnet": "fd77::/64", "interface": "pxmv0",
    "pools": [ { "pool": "fd77::1:100 - fd77::1:1ff" } ],
    "option-data": [ { "name": "bootfile-url",
      "data": "http://[$U6]/ipxe.efi" } ] } ],
  "loggers": [ { "name": "kea-dhcp6",
    "output_options": [ { "output": "stderr" } ], "severity": "INFO" } ]
} }
EOC
	start KEA6 env KEA_PIDFILE_DIR="$T" KEA_LOCKFILE_DIR="$T" \
	    kea-dhcp6 -c "$T/kea6.json"
fi
port547 $([ -n "$KEA6" ] && echo 2 || echo 1) ||
    { cat "$T/DNSMASQ.log" "$T/KEA6.log" 2>/dev/null; exit 99; }

probe -6 -i "$IF" -t 3 -v
check "-6: exit 0" test $rc -eq 0
check "dnsmasq: its DUID, an address of its range, its option 59, pref 0" \
    has '^fe80::[0-9a-f:]+ duid=0001[0-9a-f]+ proxy=no offer=fd77::1[0-9a-f]{2} url="tftp://\[fd77::1\]/ipxe\.efi" pref=0 vendor=-$'
off=$(sed -n 's/.* offer=\(fd77::1[0-9a-f]*\) url="tftp.*/\1/p' "$T/out")
check "  the address offered is the one dnsmasq logged ($off)" \
    grep -q "iaaddr  *$off " "$T/DNSMASQ.log"
check "dnsmasq saw a PXE Solicit: vendor class 343, ORO 59, 60, 23, 16" \
    sh -c "grep -q 'vendor class: 343' '$T/DNSMASQ.log' && grep -q 'requested options: 59:bootfile-url, 60:bootfile-param, 23:dns-server' '$T/DNSMASQ.log'"
if [ -n "$KEA6" ]; then
	check "Kea: a line of its own, address of its pool, http URL" \
	    has '^fe80::[0-9a-f:]+ duid=[0-9a-f]+ proxy=no offer=fd77::1:1[0-9a-f]{2} url="http://\[fd77::3\]/ipxe\.efi" pref=- vendor=-$'
	check "  two servers, two lines" test "$(wc -l < "$T/out")" -eq 2
else
	echo "# kea-dhcp6 missing: only dnsmasq"
fi
# -m: the servers see that DUID-LL.
probe -6 -i "$IF" -t 2 -m 52:54:00:aa:bb:cc -U -a bios
check "-6 -m -U -a bios: exit 0" test $rc -eq 0
check "  dnsmasq saw DUID-LL 52:54:00:aa:bb:cc" \
    grep -q 'DHCPSOLICIT(.*) 00:03:00:01:52:54:00:aa:bb:cc' "$T/DNSMASQ.log"
check "  and gave iPXE (user class 15) its script" \
    has '^fe80::[0-9a-f:]+ duid=0001[0-9a-f]+ proxy=no offer=fd77::1[0-9a-f]{2} url="http://\[fd77::1\]/boot\.ipxe" pref=0 ' 
stop "$DNSMASQ"
[ -n "$KEA6" ] && stop "$KEA6"

# pxed itself as the DHCPv6 server: its rules pick the file, its DUID,
# the HTTPClient echo for an HTTP boot client.
mkdir -p "$T/px6root" "$T/px6.d"
cat > "$T/px6.conf" <<EOC
conf-dir = "$T/px6.d"
dhcp {
  mode = server
  lease-file = "$T/px6.leases"
  range6 "lab6" {
    prefix = fd77::/64
    start = fd77::2:100
    end = fd77::2:1ff
  }
}
http { enable = no }
tftp { enable = no }
EOC
cat > "$T/px6.d/10.conf" <<'EOC'
match "http" { vendorclass = "HTTPClient" }
match "ipxe" { userclass = "iPXE" }
boot "script" { if = "ipxe" filename = "${http}/boot.ipxe" }
boot "httpboot" { if = "http" filename = "images/ipxe.efi" }
boot "pxe" { filename = "ipxe.efi" }
EOC
pxed_start -n "$NS_SRV" -w "dhcp6" "$T/px6.log" -f "$T/px6.conf" \
    -r "$T/px6root" -i "$NETNS_SRV_IF"
if port547 1; then
	probe -6 -i "$IF" -t 2
	# With an address, pxed echoes no PXEClient: OVMF takes such an
	# answer as one to confirm on port 4011 (see pxed.conf(5)).
	check "-6 against pxed: its address, tftp://[fd77::1]/ipxe.efi, no PXEClient beside it" \
	    has '^fe80::[0-9a-f:]+ duid=[0-9a-f]+ proxy=no offer=fd77::2:1[0-9a-f]{2} url="tftp://\[fd77::1\]/ipxe\.efi" pref=- vendor=-$'
	probe -6 -H -i "$IF" -t 2
	check "-6 -H against pxed: the http URL, HTTPClient echoed" \
	    has ' url="http://\[fd77::1\]/images/ipxe\.efi" pref=- vendor=HTTPClient$'
	off=$(sed -n 's/.* offer=\(fd77::2:1[0-9a-f]*\) .*/\1/p' "$T/out")
	check "  pxed logged the Advertise of $off" \
	    grep -q "ADVERTISE $off " "$T/px6.log"
else
	not_ok "pxed opened no DHCPv6 socket"; sed 's/^/  | /' "$T/px6.log"
fi
pxed_stop

pxed_test_done
