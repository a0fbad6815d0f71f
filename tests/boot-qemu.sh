#!/bin/sh
# boot-qemu.sh: real firmware boots from pxed under QEMU (TCG: KVM is not
# usable on these machines).  Each boot runs QEMU inside one network
# namespace that holds a bridge (pxed's interface) and the tap QEMU uses;
# nothing leaves the namespaces.  On the same bridge: a router-
# advertisement-only dnsmasq (else iPXE waits ~15 s for IPv6), and, for
# the proxy cases, a PXE-unaware busybox udhcpd.
#
# Every boot ends the same way: pxed's rules hand iPXE the script
# $ROOT/boot.ipxe, which makes iPXE fetch a marker URL naming what iPXE
# itself reports:
#     marker/${platform}/${buildarch}/${net0/mac:hexhyp}/${net0/chip}
# The marker file does not exist: pxed logs the request it refuses (TFTP)
# or answers 404 (HTTP) with the name as asked, and the test reads the
# values back from pxed's log and checks them against the firmware it
# started (pcbios/i386 for SeaBIOS, efi/x86_64 for OVMF) and the MAC it
# gave the NIC.  A boot fails when no marker comes within its time limit,
# or when the harness sees a chainload loop: the same MAC handed the same
# boot program in 3 DHCP transactions and that program served 3 times.
#
# Cases: 1 bios-full, 2 bios-proxy (beside udhcpd), 3 uefi-full (OVMF's
# own PXE loads ipxe.efi), 4 uefi-proxy, 5 uefi-snponly, 6 bios-undionly
# (a forced undionly.kpxe stage), 7 uefi-http (OVMF's HTTP boot: only when
# this OVMF has it and pxed serves HTTP), 8 loop-control (the rules
# without the iPXE rule: the harness must see the loop).
#
# Needs root, /dev/net/tun, qemu-system-x86_64, SeaBIOS and iPXE's NIC
# ROMs (ipxe-qemu), iPXE's boot programs (ipxe), OVMF (ovmf), dnsmasq and
# busybox: exit 77 without them, 99 when strict (CI set or configure
# --enable-strict-tests; see netns_fail); tests/install-deps.sh installs them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/qemu.sh"

# How iPXE fetches the script and the marker: the one switch between TFTP
# and HTTP (pxed must serve HTTP for "http": the script is then rendered
# by pxed, which leaves iPXE's own settings such as ${platform} alone).
# PXED_BOOT_PROTO=http in the environment tries HTTP without editing.
BOOT_PROTO=${PXED_BOOT_PROTO:-http}

BIOS_LIMIT=30		# seconds a BIOS boot may take (seen: 4-8 s)
UEFI_LIMIT=60		# seconds a UEFI boot may take (seen: 16-20 s)

qemu_require dnsmasq busybox
busybox udhcpd --help >/dev/null 2>&1 || pxed_skip "no busybox udhcpd" busybox

# ---------- the LAN ----------
# $P-lan ($LAN): bridge br0 (10.83.0.1, pxed) and tap0 (QEMU's NIC);
# $P-ra: the RA responder; $P-oth: udhcpd (10.83.0.2) for the proxy cases.
pxed_net_init lan ra oth
qemu_lan4

# The TFTP (and HTTP) root: iPXE's programs, copied (pxed refuses links
# that leave its root), and the script.
qemu_root
# No pxed variable and no "$$" here: over HTTP pxed renders *.ipxe files,
# over TFTP it sends them as they are; this text must mean the same both
# ways.  ${net0/chip} tells the NIC's ROM (82540em), undionly.kpxe
# ("undionly") and the EFI builds ("SNP") apart.
cat > "$R/boot.ipxe" <<EOS
#!ipxe
# pxed boot test: name this firmware in the marker URL
echo pxed-test: \${net0/mac} \${platform} \${buildarch} \${net0/chip}
chain $BOOT_PROTO://$SRV_IP/marker/\${platform}/\${buildarch}/\${net0/mac:hexhyp}/\${net0/chip}
EOS
chmod -R a+rX "$R"

# ---------- pxed ----------
# qemu_conf4 CASE MODE: the main file of one case, $T/CASE.conf, rules in
# $T/CASE.d/ (written by the caller).

# The chain every case but 6 and 8 uses: firmware PXE gets iPXE (NBP), and
# iPXE, known by its user class, gets the script.
SCRIPT_URL="$BOOT_PROTO://\${server}/boot.ipxe"
chain_rules() {	# CASE NBP
	cat > "$T/$1.d/10-chain.conf" <<EOC
match "ipxe" { userclass = "iPXE" }
match "efi64" { arch = efi-x64 }
boot "script" {
  if = "ipxe"
  filename = "$SCRIPT_URL"
}
boot "uefi" {
  if = "efi64 & !ipxe"
  filename = "$2"
}
boot "bios" {
  if = "!efi64 & !ipxe"
  filename = "undionly.kpxe"
}
EOC
}

# ---------- the boot harness ----------
# loop_file MAC: the boot program (a name, not a URL) that pxed handed to
# MAC in 3 or more DHCP transactions (distinct xids) and served 3 or more
# times; empty when there is none.
loop_file() {
	for f in $(awk -v mac="$1" '
	    index($0, " " mac " xid ") && / -> (OFFER|ACK) / &&
	    match($0, /file "[^"]*"/) {
		f = substr($0, RSTART + 6, RLENGTH - 7)
		if (f ~ /:\/\//)
			next
		x = $0
		sub(/.* xid /, "", x)
		sub(/ .*/, "", x)
		if (!((f, x) in seen)) {
			seen[f, x] = 1
			if (++n[f] == 3)
				print f
		}
	    }' "$LOG"); do
		if [ "$(served "$f")" -ge 3 ]; then
			echo "$f"
			return
		fi
	done
}

# boot CASE bios|uefi MAC [QEMU ARGS...]: boot one machine and watch
# pxed's log.  Sets RESULT to marker, loop (LOOPED names the program),
# timeout or died; BOOT_S; and from the marker M_PLATFORM, M_ARCH, M_MAC
# (aa-bb-..), M_CHIP.
boot() {
	LOOPED='' BOOT_MAC=$3 bcase=$1 kind=$2
	limit=$BIOS_LIMIT
	[ "$kind" = bios ] || limit=$UEFI_LIMIT
	shift 3
	qemu_boot "$bcase" "$kind" "$BOOT_MAC" "$limit" boot_done "$@"
}
boot_done() {
	marker_seen && return 0
	LOOPED=$(loop_file "$BOOT_MAC")
	[ -n "$LOOPED" ] && RESULT=loop
}

# ---------- 1. BIOS, full DHCP mode ----------
# SeaBIOS runs the e1000's ROM, which is iPXE itself (gotcha 2): its very
# first DHCP carries user class iPXE and gets the script.
C=bios-full MAC=52:54:00:83:00:01
qemu_conf4 $C server
chain_rules $C ipxe.efi
qemu_pxed $C
boot $C bios $MAC
expect $C pcbios i386 $MAC 82540em
check "$C: the script came from pxed (boot.ipxe served)" \
    test "$(served boot.ipxe)" -ge 1
check "$C: pxed's OFFER gave the ROM the script URL" grep -Eq \
    "DISCOVER\(br0\) $MAC .* arch 0 ipxe pxe -> OFFER 10\.83\.0\.1[0-9][0-9] .*file \"$BOOT_PROTO://$SRV_IP/boot.ipxe\"" \
    "$LOG"
pxed_stop

# ---------- 6. BIOS with a forced undionly.kpxe stage ----------
# The ROM and undionly.kpxe are the same iPXE build: both send user class
# "iPXE", the same option 175 and arch 0, so "ipxe" alone cannot tell
# them apart.  What differs (seen in pxed's decoded options): the ROM's
# DISCOVER has option 60 "PXEClient:Arch:00000:UNDI:002001", while
# undionly.kpxe's has plain "PXEClient".  undionly.kpxe starts from the
# PXE stack's cached DHCPACK, in which pxed had set option 60 to
# "PXEClient", and iPXE copies its vendor-class setting into its own
# requests.  So "rom" (vendor class beginning PXEClient:Arch:00000) marks
# the ROM's request, and only that one is sent to undionly.kpxe; the
# marker's chip ("undionly") proves the script ran in undionly.kpxe.
C=bios-undionly MAC=52:54:00:83:00:06
qemu_conf4 $C server
cat > "$T/$C.d/10-undionly.conf" <<EOC
match "ipxe" { userclass = "iPXE" }
match "rom" { vendorclass = "PXEClient:Arch:00000" }
boot "undionly" {
  if = "ipxe & rom"
  filename = "undionly.kpxe"
}
boot "script" {
  if = "ipxe"
  filename = "$SCRIPT_URL"
}
EOC
qemu_pxed $C
boot $C bios $MAC
expect $C pcbios i386 $MAC undionly
check "$C: undionly.kpxe was served once" test "$(served undionly.kpxe)" -eq 1
pxed_stop

# ---------- 8. negative control: the chain without the iPXE rule ----------
# Without "ipxe", iPXE (the ROM, then each undionly.kpxe) is handed
# undionly.kpxe again and again.  The harness must report this boot as
# failed (loop seen, or no marker in time); the check passes only then.
C=loop-control MAC=52:54:00:83:00:08
qemu_conf4 $C server
cat > "$T/$C.d/10-noipxe.conf" <<EOC
match "efi64" { arch = efi-x64 }
boot "uefi" {
  if = "efi64"
  filename = "ipxe.efi"
}
boot "bios" {
  if = "!efi64"
  filename = "undionly.kpxe"
}
EOC
qemu_pxed $C
boot $C bios $MAC
echo "# $C: $BOOT_S s"
case $RESULT in
loop)	ok "$C: the harness detected the chain loop ($LOOPED handed to" \
	    "$MAC in 3 DHCP transactions, served $(served "$LOOPED") times)";;
timeout|died)
	ok "$C: the harness reported the boot as failed ($RESULT, no marker)";;
*)	not_ok "$C: the harness did not detect the loop (result $RESULT)"
	show;;
esac
# pxed's own loop guard must have warned, naming the rule to fix.
check "$C: pxed's loop guard warned, naming boot entry \"bios\" and its file:line" \
    grep -q "loop: $MAC fetched undionly.kpxe over tftp 3 times .*boot entry \"bios\" at .*:[0-9]" "$LOG"
pxed_stop

# ---------- 3. UEFI, full DHCP mode ----------
# OVMF's own PXE (virtio-net without an option ROM: gotcha 3) loads
# ipxe.efi over TFTP; ipxe.efi then gets the script.
C=uefi-full MAC=52:54:00:83:00:03
qemu_conf4 $C server
chain_rules $C ipxe.efi
qemu_pxed $C
boot $C uefi $MAC
expect $C efi x86_64 $MAC
check "$C: OVMF's PXE (arch 7, not iPXE) was handed ipxe.efi" grep -Eq \
    "(DISCOVER|REQUEST)\(br0\) $MAC .* arch 7 pxe -> (OFFER|ACK) .*file \"ipxe.efi\"" \
    "$LOG"
check "$C: ipxe.efi was served once" test "$(served ipxe.efi)" -eq 1
pxed_stop

# ---------- 5. UEFI with snponly.efi ----------
C=uefi-snponly MAC=52:54:00:83:00:05
qemu_conf4 $C server
chain_rules $C snponly.efi
qemu_pxed $C
boot $C uefi $MAC
expect $C efi x86_64 $MAC SNP
check "$C: snponly.efi was served, ipxe.efi was not" \
    test "$(served snponly.efi)" -eq 1 -a "$(served ipxe.efi)" -eq 0
pxed_stop

# ---------- 7. UEFI HTTP boot ----------
# Runs only when this OVMF has HTTP boot (its HttpBootDxe driver, looked
# for in the firmware volume) and pxed answers HTTP (a GET of boot.ipxe
# from the LAN succeeds).  OVMF tries PXEv4, PXEv6 and only then HTTPv4,
# each waiting long for servers: fw_cfg turns its PXE off so that HTTPv4
# comes first.  pxed's OFFER then carries option 60 "HTTPClient" and the
# URL of ipxe.efi, which OVMF loads over HTTP; ipxe.efi gets the script.
C=uefi-http MAC=52:54:00:83:00:07
ovmf_has_http
case $? in
0)	qemu_conf4 $C server
	chain_rules $C ipxe.efi
	cat > "$T/$C.d/05-http.conf" <<EOC
match "uefi-http" { vendorclass = "HTTPClient" }
boot "uefi-http" {
  if = "uefi-http"
  filename = "\${http}/ipxe.efi"
}
EOC
	qemu_pxed $C
	if ip netns exec "$LAN" timeout 5 busybox wget -q -O /dev/null \
	    "http://$SRV_IP/boot.ipxe" 2>/dev/null; then
		boot $C uefi $MAC \
		    -fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n \
		    -fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=n
		expect $C efi x86_64 $MAC
		check "$C: OVMF asked as an HTTP client (arch 16) and got the URL" \
		    grep -Eq "(DISCOVER|REQUEST)\(br0\) $MAC .* arch 16 http -> (OFFER|ACK) .*file \"http://$SRV_IP/ipxe.efi\"" \
		    "$LOG"
		check "$C: ipxe.efi came over HTTP" \
		    grep -Eq " GET /ipxe.efi 200 " "$LOG"
	else
		pxed_skip_case $C "pxed does not serve HTTP (no answer to" \
		    "GET http://$SRV_IP/boot.ipxe)"
	fi
	pxed_stop;;
1)	pxed_skip_case $C "this OVMF ($OVMF_CODE) has no HTTP boot" \
	    "(no HttpBootDxe)";;
*)	pxed_skip_case $C "no python3 to look into $OVMF_CODE" \
	    "(apt-get install python3)";;
esac

# ---------- proxy mode beside udhcpd ----------
qemu_udhcpd

# ---------- 2. BIOS, proxy mode ----------
C=bios-proxy MAC=52:54:00:83:00:02
qemu_conf4 $C proxy
chain_rules $C ipxe.efi
qemu_pxed $C
boot $C bios $MAC
expect $C pcbios i386 $MAC 82540em
check "$C: pxed's proxy OFFER had no address and the script URL" grep -Eq \
    "DISCOVER\(br0\) $MAC .* -> OFFER 0\.0\.0\.0 .*file \"$BOOT_PROTO://$SRV_IP/boot.ipxe\"" \
    "$LOG"
check "$C: the script went to an address from udhcpd's range" \
    served_to boot.ipxe "$UDHCPD_RANGE"
pxed_stop

# ---------- 4. UEFI, proxy mode ----------
C=uefi-proxy MAC=52:54:00:83:00:04
qemu_conf4 $C proxy
chain_rules $C ipxe.efi
qemu_pxed $C
boot $C uefi $MAC
expect $C efi x86_64 $MAC
check "$C: OVMF's PXE got the proxy OFFER with ipxe.efi" grep -Eq \
    "DISCOVER\(br0\) $MAC .* arch 7 pxe -> OFFER 0\.0\.0\.0 .*file \"ipxe.efi\"" \
    "$LOG"
check "$C: ipxe.efi went to an address from udhcpd's range" \
    served_to ipxe.efi "$UDHCPD_RANGE"
pxed_stop
pid_stop "$UDPID"

pxed_test_done
