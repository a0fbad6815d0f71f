#!/bin/sh
# boot-qemu6.sh: real UEFI firmware boots from pxed over IPv6 under QEMU
# (TCG), on a LAN of namespaces like boot-qemu.sh's (tests/qemu.sh): a
# bridge br0 holding pxed's addresses and the tap of QEMU's NIC, and
# beside it, on veths, $P-ra (the router advertisements) and $P-oth (a
# DHCPv6 server that knows nothing of PXE, for the proxy case).
#
# Cases (success is always iPXE's marker request in pxed's HTTP log, see
# tests/qemu.sh, with an fd86:: client address and the MAC QEMU gave):
#   1 pxe6-full    OVMF's PXEv6 entry (PXEv4 switched off by fw_cfg) gets
#                  an address and tftp://[fd86::1]/ipxe.efi from pxed's
#                  DHCPv6 server, loads ipxe.efi over TFTP/IPv6; iPXE
#                  (after an RA with the M flag) does DHCPv6 and gets the
#                  script http://[fd86::1]/boot.ipxe.
#   2 pxe6-proxy   the same beside Kea (kea-dhcp6, addresses only): pxed
#                  in proxy mode answers only the boot part.
#   3 http6-full   OVMF's HTTPv6 entry: pxed echoes option 16 HTTPClient
#                  and gives http://[fd86::1]/ipxe.efi; ipxe.efi, fetched
#                  by HTTP, gets the script.
#   4 dual-stack   one pxed serving DHCPv4 and DHCPv6 on one LAN: OVMF's
#                  PXEv4 entry boots, then (a second machine run) its
#                  PXEv6 entry.
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
OTH6=fd86::2		# $P-oth: Kea (proxy case), the stand-in
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
# start_ra managed|stateless: dnsmasq in $P-ra sending RAs for fd86::/64:
# M and O (iPXE then does a stateful Solicit), or O alone (iPXE then does
# an Information-Request, which a PXE proxy can answer).  Its own DHCPv6
# ignores every client.
start_ra() {
	if [ "$1" = managed ]; then
		range=fd86::100,fd86::1ff,64,10m
	else
		range=fd86::,ra-stateless,64,10m
	fi
	ip netns exec "$P-ra" dnsmasq --keep-in-foreground --port=0 \
	    --conf-file=/dev/null --pid-file= --leasefile-ro \
	    --interface=lan0 --bind-interfaces --enable-ra \
	    --dhcp-range="$range" --dhcp-ignore='tag:!nosuchtag' \
	    --log-dhcp --log-facility="$T/ra.log" > "$T/ra.out" 2>&1 &
	RAPID=$!
	PIDS="$PIDS $RAPID"
	wait_log "$T/ra.log" "router advertisement on fd86::" 5 ||
	    { cat "$T/ra.out"; exit 99; }
}
stop_pid() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	pids_forget "$1"
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
		cat > "$T/$1.conf" <<EOC
conf-dir = "$T/$1.d"
dhcp { mode = proxy }
http { enable = yes }
EOC
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
	LOG="$T/$1.log"
	pxed_start -n "$LAN" "$LOG" -v -f "$T/$1.conf" -i br0 -r "$R"
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

PXE6="-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n"

# ---------- 1. OVMF PXEv6, pxed the DHCPv6 server ----------
# STAND-IN: dnsmasq in $P-oth is the DHCPv6 server (and RA) until pxed's
# DHCPv6 sockets exist; pxed serves TFTP and HTTP over IPv6.
C=pxe6-full MAC=52:54:00:86:00:01
write_conf $C proxy
start_pxed $C
ip netns exec "$P-oth" dnsmasq --keep-in-foreground --port=0 \
    --conf-file=/dev/null --pid-file= --leasefile-ro --interface=lan0 \
    --bind-interfaces --enable-ra --dhcp-range=fd86::100,fd86::1ff,64,10m \
    --log-dhcp --log-facility="$T/standin.log" \
    --dhcp-userclass=set:ipxe,iPXE \
    "--dhcp-option=tag:ipxe,option6:bootfile-url,http://[$SRV6]/boot.ipxe" \
    "--dhcp-option=tag:!ipxe,option6:bootfile-url,tftp://[$SRV6]/ipxe.efi" \
    > "$T/standin.out" 2>&1 &
SIPID=$!
PIDS="$PIDS $SIPID"
wait_log "$T/standin.log" "router advertisement on fd86::" 5 || exit 99
v6_boot $C $MAC $PXE6
expect $C efi x86_64 $MAC
check "$C: ipxe.efi went over IPv6" nbp_over_v6
check "$C: the marker came over IPv6" marker_over_v6
stop_pid $SIPID
pxed_stop

pxed_test_done
