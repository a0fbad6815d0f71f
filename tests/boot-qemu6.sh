#!/bin/sh
# boot-qemu6.sh: real UEFI firmware boots from pxed over IPv6 under QEMU
# (TCG), on a LAN of namespaces like boot-qemu.sh's (tests/qemu.sh): a
# bridge br0 holding pxed's addresses and the tap of QEMU's NIC, and
# beside it, on veths, $P-ra (router advertisements for the proxy case)
# and $P-oth (a DHCPv6 server that knows nothing of PXE, for the proxy
# case).
#
# Cases (success is always iPXE's marker request in pxed's HTTP log, see
# tests/qemu.sh, with an fd86:: client address and the MAC QEMU gave):
#   1 pxe6-full    OVMF's PXEv6 entry (PXEv4 switched off by fw_cfg) gets
#                  an address and tftp://[fd86::1]/ipxe.efi from pxed's
#                  DHCPv6 server, loads ipxe.efi over TFTP/IPv6; iPXE
#                  (after pxed's RA with the M flag) does DHCPv6 and gets
#                  the script http://[fd86::1]/boot.ipxe.
#   2 pxe6-proxy   the same beside Kea (kea-dhcp6, addresses only): pxed
#                  in proxy mode answers only the boot part.
#   3 http6-full   OVMF's HTTPv6 entry: pxed echoes option 16 HTTPClient
#                  and gives http://[fd86::1]/ipxe.efi; ipxe.efi, fetched
#                  by HTTP, gets the script.
#   4 dual-stack   one pxed serving DHCPv4 and DHCPv6 on one LAN: OVMF's
#                  PXEv4 entry boots, then (a second machine run) its
#                  PXEv6 entry.  iPXE then has both a DHCPv4 and a DHCPv6
#                  boot file and uses the DHCPv4 one (its marker comes
#                  over IPv4): what proves the IPv6 path there is OVMF's
#                  DHCPv6 and TFTP.
# Router advertisements: where pxed is the DHCPv6 server, its own (M and
# O, sent by default with a range6; it answers the Router Solicitations
# of OVMF and iPXE); in the proxy case, where the LAN's router speaks and
# pxed sends none, dnsmasq's in $P-ra with O alone.  Seen here, TCG on 2 cores:
# pxe6-full 46 s, http6-full 4 + 35 s, dual 16 + 34 s, pxe6-proxy 38 s
# (~3 min in all; iPXE spends ~15 s of each IPv6-only boot waiting for
# DHCPv4).
#
# Needs what boot-qemu.sh needs, and kea-dhcp6 (kea-dhcp6-server): exit
# 77 without them, 99 when CI is set.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/qemu.sh"

# OVMF PXEv6 to iPXE's marker: ~47 s seen (OVMF waits ~5 s for more
# Advertises, iPXE ~15 s for a DHCPv4 server that is not there).
V6_LIMIT=100

qemu_require dnsmasq kea-dhcp6

# ---------- the LAN ----------
pxed_net_init lan ra oth
SRV6=fd86::1		# pxed, on br0
OTH6=fd86::2		# $P-oth: Kea (proxy case)
RA6=fd86::3		# $P-ra: dnsmasq's router advertisements
SRV4=10.86.0.1		# pxed, dual-stack case
qemu_lan "$SRV6/64" "$SRV4/24"
ip -n "$P-oth" addr add "$OTH6/64" dev lan0 nodad &&
    ip -n "$P-ra" addr add "$RA6/64" dev lan0 nodad || exit 99

# ---------- files ----------
# The script is served by HTTP, so pxed renders it: ${http} becomes
# http://[fd86::1] for an IPv6 client (http://10.86.0.1 over IPv4); the
# other ${...} are iPXE's own.
qemu_root
cat > "$R/boot.ipxe" <<'EOS'
#!ipxe
# pxed boot test: name this firmware in the marker URL
echo pxed-test: ${net0/mac} ${platform} ${buildarch} ${net0/chip} ${net0/ip6}
chain ${http}/marker/${platform}/${buildarch}/${net0/mac:hexhyp}/${net0/chip}
EOS
chmod -R a+rX "$R"

# ---------- helpers ----------
# start_ra: dnsmasq in $P-ra sending RAs for fd86::/64 with O alone (iPXE
# then takes an address by SLAAC and does an Information-Request, which a
# PXE proxy can answer).  Its own DHCPv6 ignores every client.
start_ra() {
	ip netns exec "$P-ra" dnsmasq --keep-in-foreground --port=0 \
	    --conf-file=/dev/null --pid-file= --leasefile-ro \
	    --interface=lan0 --bind-interfaces --enable-ra \
	    --dhcp-range=fd86::,ra-stateless,64,10m \
	    --dhcp-ignore='tag:!nosuchtag' \
	    --log-dhcp --log-facility="$T/ra.log" > "$T/ra.out" 2>&1 &
	RAPID=$!
	PIDS="$PIDS $RAPID"
	wait_log "$T/ra.log" "router advertisement on fd86::" 5 ||
	    { cat "$T/ra.out"; exit 99; }
}

# write_conf CASE server|proxy [dual]: $T/CASE.conf, rules in $T/CASE.d.
write_conf() {
	mkdir -p "$T/$1.d"
	v4=''
	[ "${3:-}" = dual ] && v4='
  range "lan4" {
    start = 10.86.0.100
    end = 10.86.0.199
    netmask = 255.255.255.0
  }'
	if [ "$2" = server ]; then
		cat > "$T/$1.conf" <<EOC
conf-dir = "$T/$1.d"
dhcp {
  mode = server
  lease-file = "$T/$1.leases"
  lease-time = 600$v4
  range6 "lan6" {
    prefix = fd86::/64
    start = fd86::100
    end = fd86::1ff
  }
}
http { enable = yes }
EOC
	else
		qemu_conf4 "$1" proxy	# the same main file
	fi
	# iPXE (user class) gets the script, UEFI HTTP boot ipxe.efi by HTTP,
	# UEFI PXE ipxe.efi by TFTP.  Both families, the same rules.
	cat > "$T/$1.d/10-chain.conf" <<'EOC'
match "ipxe" { userclass = "iPXE" }
match "efi64" { arch = efi-x64 }
match "httpboot" { vendorclass = "HTTPClient" }
boot "script" {
  if = "ipxe"
  filename = "${http}/boot.ipxe"
}
boot "uefi-http" {
  if = "httpboot & !ipxe"
  filename = "${http}/ipxe.efi"
}
boot "uefi" {
  if = "efi64 & !ipxe"
  filename = "ipxe.efi"
}
EOC
}

start_pxed() {
	LOG="$T/$1.log" LOG_FROM=1
	pxed_start -n "$LAN" "$LOG" -v -f "$T/$1.conf" -i br0 -r "$R"
}

# ra_sent CASE: pxed sent router advertisements (its own, not dnsmasq's).
ra_sent() {
	check "$1: pxed sent its router advertisements (M and O)" \
	    grep -q "ra: router advertisements every" "$LOG"
}

# v6_boot CASE MAC [QEMU ARGS...]: an OVMF boot to the marker.
v6_boot() {
	_vb_c=$1 _vb_m=$2
	shift 2
	qemu_boot "$_vb_c" uefi "$_vb_m" "$V6_LIMIT" marker_seen \
	    -uuid "8a7c3e1f-5b2d-4c6e-9f10-$(echo "$_vb_m" | tr -d :)" "$@"
}

# The marker came from the client over IPv6.
marker_over_v6() {
	grep -Eq "http: \[fd86:[0-9a-f:]*\]:[0-9]+ GET /marker/" "$LOG"
}
# ipxe.efi went over TFTP (or HTTP) to an fd86:: address.
nbp_over_v6() {
	grep -Eq "tftp: sent ipxe.efi to \[?fd86:|http: \[fd86:[0-9a-f:]*\]:[0-9]+ GET /ipxe.efi 200 " \
	    "$LOG"
}

# start_kea: kea-dhcp6 in $P-oth, addresses from fd86::/64 and nothing
# about booting.  Its DROP class leaves Information-requests unanswered:
# iPXE takes the first Reply to its Information-request, and a LAN where
# both servers answer it boots or not by who is faster.
start_kea() {
	cat > "$T/kea6.json" <<EOC
{ "Dhcp6": {
  "interfaces-config": { "interfaces": [ "lan0" ],
      "service-sockets-max-retries": 30,
      "service-sockets-retry-wait-time": 200 },
  "lease-database": { "type": "memfile", "persist": false },
  "server-id": { "type": "LL", "persist": false },
  "preferred-lifetime": 600, "valid-lifetime": 600,
  "renew-timer": 300, "rebind-timer": 525,
  "client-classes": [ { "name": "DROP", "test": "pkt6.msgtype == 11" } ],
  "subnet6": [ { "subnet": "fd86::/64", "interface": "lan0",
                 "pools": [ { "pool": "fd86::200 - fd86::2ff" } ] } ],
  "loggers": [ { "name": "kea-dhcp6", "severity": "INFO",
                 "output_options": [ { "output": "$T/kea.log" } ] } ]
} }
EOC
	mkdir -p "$T/kea"
	# Kea binds lan0's link-local address: after DAD.
	wait_for 10 lladdr_ready "$P-oth" lan0 || exit 99
	ip netns exec "$P-oth" env KEA_PIDFILE_DIR="$T/kea" \
	    KEA_LOCKFILE_DIR="$T/kea" kea-dhcp6 -c "$T/kea6.json" \
	    > "$T/kea.out" 2>&1 &
	KEAPID=$!
	SHOW_LOGS="$T/kea.log"
	PIDS="$PIDS $KEAPID"
	wait_for 10 udp_bound "$P-oth" 547 ||
	    { cat "$T/kea.out" "$T/kea.log"; exit 99; }
}

# bootorder_first VARS WORD: in an OVMF variable store, move the boot
# entry whose description has WORD to the front of BootOrder, in place
# (the same size, so nothing else moves).  Variables there are
# authenticated-format headers (60 bytes: StartId 0x55aa, State, ...,
# NameSize at 36, DataSize at 40) then the UTF-16 name and the data; the
# live copy has State 0x3f.
bootorder_first() {
	python3 - "$1" "$2" <<'EOP'
import struct, sys
path, word = sys.argv[1], sys.argv[2]
d = bytearray(open(path, 'rb').read())
def live(name):
    n = (name + '\0').encode('utf-16-le')
    at = d.find(n)
    while at >= 0:
        h = at - 60
        if h >= 0 and d[h:h + 2] == b'\xaa\x55' and d[h + 2] == 0x3f:
            ns, ds = struct.unpack_from('<II', d, h + 36)
            if ns == len(n):
                return at + ns, ds
        at = d.find(n, at + 1)
    return None, 0
off, size = live('BootOrder')
if off is None:
    sys.exit('no BootOrder')
order = list(struct.unpack_from('<%dH' % (size // 2), d, off))
for num in order:
    o, s = live('Boot%04X' % num)
    if o is None:
        continue
    desc = bytes(d[o + 6:o + s]).decode('utf-16-le', 'replace')
    desc = desc.split('\0')[0]
    if word in desc:
        order.remove(num)
        order.insert(0, num)
        struct.pack_into('<%dH' % len(order), d, off, *order)
        open(path, 'wb').write(d)
        print('# BootOrder: %s first: %s' % (desc, ' '.join(
            '%04X' % n for n in order)))
        sys.exit(0)
sys.exit('no boot entry with ' + word)
EOP
}

PXE6="-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n"
# ---------- 1. OVMF PXEv6, pxed the DHCPv6 server and its RAs ----------
C=pxe6-full MAC=52:54:00:86:00:01
write_conf $C server
start_pxed $C
v6_boot $C $MAC $PXE6
expect $C efi x86_64 $MAC
check "$C: OVMF's PXE (arch 7) got an address and tftp://[$SRV6]/ipxe.efi" \
    grep -Eq "dhcp6: REQUEST\(br0\) .* mac $MAC .* arch 7 pxe -> REPLY fd86::1[0-9a-f]{2} .*file \"tftp://\[$SRV6\]/ipxe.efi\"" \
    "$LOG"
check "$C: iPXE got an address and the script URL" \
    grep -Eq "dhcp6: REQUEST\(br0\) .* mac $MAC .* ipxe pxe -> REPLY fd86::1[0-9a-f]{2} .*file \"http://\[$SRV6\]/boot.ipxe\"" \
    "$LOG"
check "$C: ipxe.efi went over IPv6" nbp_over_v6
check "$C: the marker came over IPv6" marker_over_v6
ra_sent $C
pxed_stop

# ---------- 3. OVMF HTTPv6, pxed the DHCPv6 server ----------
# OVMF makes its boot entries PXEv4, PXEv6, HTTPv4, HTTPv6 on its first
# boot; fw_cfg turns the PXE ones off, but HTTPv4 would wait ~65 s for a
# DHCPv4 server.  So a first short run with no server only has OVMF write
# its entries into the VARS copy (its console says it is starting HTTP
# boot over IPv4), then BootOrder is edited there to put HTTPv6 first.
# HTTP boot over IPv6 as the first entry fails at once ("Unexpected
# network error", no Solicit sent) while OVMF's link-local address is
# still in DAD; PXEv6 waits for it, HTTPv6 in this OVMF does not.  So
# OVMF waits 3 s (its boot-menu timeout) before booting.
HTTP6="$PXE6 -fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=n"
HTTP6_WAIT="-boot menu=on,splash-time=3000"
C=http6-full MAC=52:54:00:86:00:03
ovmf_http_started() {
	grep -q "HTTP Boot over IPv4" "$SER" 2>/dev/null && RESULT=started
}
ovmf_has_http
case $? in
0)	qemu_boot $C uefi $MAC 60 ovmf_http_started $HTTP6
	echo "# $C: OVMF's first run (writing its boot entries): $BOOT_S s"
	if [ "$RESULT" = started ] && bootorder_first "$T/$C.vars.fd" HTTPv6
	then
		write_conf $C server
		start_pxed $C
		v6_boot $C $MAC $HTTP6 $HTTP6_WAIT
		expect $C efi x86_64 $MAC
		check "$C: OVMF asked as an HTTP client (arch 16) and got http://[$SRV6]/ipxe.efi" \
		    grep -Eq "dhcp6: REQUEST\(br0\) .* mac $MAC .* arch 16 http -> REPLY fd86::1[0-9a-f]{2} .*file \"http://\[$SRV6\]/ipxe.efi\"" \
		    "$LOG"
		check "$C: ipxe.efi came over HTTP/IPv6" nbp_over_v6
		check "$C: the marker came over IPv6" marker_over_v6
		ra_sent $C
		pxed_stop
	else
		not_ok "$C: could not put HTTPv6 first in OVMF's BootOrder" \
		    "($RESULT)"
		show
	fi;;
1)	pxed_skip_case $C "this OVMF ($OVMF_CODE) has no HTTP boot" ovmf;;
*)	pxed_skip_case $C "no python3 to look into $OVMF_CODE" python3;;
esac

# ---------- 4. dual stack: PXEv4 and PXEv6 from one pxed ----------
C=dual-v4 MAC=52:54:00:86:00:04
write_conf dual server dual
LOG="$T/dual.log" LOG_FROM=1
pxed_start -n "$LAN" "$LOG" -v -f "$T/dual.conf" -i br0 -r "$R"
qemu_boot $C uefi $MAC "$V6_LIMIT" marker_seen
expect $C efi x86_64 $MAC
check "$C: OVMF's PXEv4 got ipxe.efi by DHCPv4" grep -Eq \
    "(DISCOVER|REQUEST)\(br0\) $MAC .* arch 7 pxe -> (OFFER|ACK) 10\.86\.0\.1[0-9][0-9] .*file \"ipxe.efi\"" \
    "$LOG"
check "$C: ipxe.efi went over IPv4" \
    grep -Eq "tftp: sent ipxe.efi to 10\.86\.0\." "$LOG"
C=dual-v6 MAC=52:54:00:86:00:05
LOG_FROM=$(( $(wc -l < "$LOG") + 1 ))	# the same pxed: a new marker
v6_boot $C $MAC $PXE6
expect $C efi x86_64 $MAC
check "$C: OVMF's PXEv6 got tftp://[$SRV6]/ipxe.efi by DHCPv6" \
    grep -Eq "dhcp6: REQUEST\(br0\) .* mac $MAC .* arch 7 pxe -> REPLY fd86::1[0-9a-f]{2} .*file \"tftp://\[$SRV6\]/ipxe.efi\"" \
    "$LOG"
check "$C: ipxe.efi went over IPv6" nbp_over_v6
ra_sent $C
pxed_stop

# ---------- 2. OVMF PXEv6 in proxy mode beside Kea ----------
# Kea gives the addresses (OVMF's Solicit and Request), pxed's Advertise
# carries only the boot file URL, and OVMF asks pxed for it again (a
# Request without IA, port 4011 or 547).  iPXE has no DHCPv6 proxy
# support: from a Solicit it takes only a Reply with an address, so the
# RA says O without M, iPXE takes an address by SLAAC and sends an
# Information-request, which pxed answers with the script.
start_ra
start_kea
C=pxe6-proxy MAC=52:54:00:86:00:02
write_conf $C proxy
start_pxed $C
v6_boot $C $MAC $PXE6
expect $C efi x86_64 $MAC
check "$C: pxed's proxy Advertise to OVMF had the URL and no address" \
    grep -Eq "dhcp6: SOLICIT\(br0\) .* mac $MAC .* arch 7 pxe -> ADVERTISE - .*file \"tftp://\[$SRV6\]/ipxe.efi\"" \
    "$LOG"
check "$C: Kea gave the address ipxe.efi was sent to" \
    grep -Eq "tftp: sent ipxe.efi to \[fd86::2[0-9a-f]{2}\]" "$LOG"
check "$C: iPXE's Information-request got the script URL" \
    grep -Eq "dhcp6: INFORMATION-REQUEST\(br0\) .* mac $MAC .* ipxe .* -> REPLY - .*file \"http://\[$SRV6\]/boot.ipxe\"" \
    "$LOG"
check "$C: the marker came over IPv6" marker_over_v6
pxed_stop
pid_stop $KEAPID
pid_stop $RAPID

pxed_test_done
