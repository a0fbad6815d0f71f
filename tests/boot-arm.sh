#!/bin/sh
# boot-arm.sh: arm64 and riscv64 firmware boots from pxed under QEMU (TCG),
# each in full mode (pxed is the DHCP server) and in proxy mode beside a
# PXE-unaware busybox udhcpd, on the LAN of boot-qemu.sh (tests/qemu.sh).
#
# No boot ends in an operating system: each passes when the firmware or
# loader fetches, from pxed, the file pxed's rule chose for that
# architecture (the marker), as pxed's own log shows ("tftp: sent FILE",
# "GET /FILE 200").  Every marker exists, holds a line of text and names
# its chain, so a file chosen for another architecture cannot pass.
#
#   aavmf-pxe    AAVMF (UEFI, arm64) PXE: arch 11, PXEClient; boot file
#                efi-arm64/bootaa64.efi.  Debian 12 packages no arm64 EFI
#                loader for amd64 (grub-efi-arm64-bin, shim are arm64-only
#                packages), so the boot file is itself the marker: AAVMF
#                downloads it whole, then refuses to run it.
#   aavmf-http   AAVMF HTTP boot: arch 19, HTTPClient; the URL of
#                efi-arm64/http.efi, fetched over pxed's HTTP.  AAVMF's PXE
#                is turned off through fw_cfg so that HTTPv4 comes first.
#   uboot-arm64  U-Boot (qemu_arm64) distro boot: its "dhcp" target loads
#                boot.scr.uimg from the server (the only name U-Boot asks
#                for), which runs "dhcp; pxe get; pxe boot".  That DHCP
#                sends arch 22 (0x16, arm64 U-Boot) and vendor class
#                U-Boot.armv8; the rule's boot file uboot-arm64/pxelinux.0
#                sets the directory where "pxe get" searches
#                pxelinux.cfg/01-<mac>, the hex IP and its prefixes,
#                default-arm, default; "default" names the kernel
#                uboot-arm64/Image, the marker.  In full mode the distro
#                boot's UEFI DHCP then follows (arch 11, PXEClient) and
#                must fetch efi-arm64/bootaa64.efi too.
#   uboot-riscv  U-Boot (qemu-riscv64_smode, under OpenSBI): the same
#                chain, but its DHCP sends vendor class "U-Boot" and no
#                option 93 at all (seen on the wire): the rule matches the
#                vendor class; the marker is uboot-riscv64/Image; its
#                UEFI DHCP sends arch 27 and gets efi-riscv64/
#                bootriscv64.efi (the only riscv64 UEFI client here).
#
# Each runs in full mode (-full) and in proxy mode beside udhcpd (-proxy).
# AAVMF boots in both.  U-Boot has no proxyDHCP: it drops every reply
# whose yiaddr is 0 (dhcp_handler in U-Boot's net/bootp.c), so it takes
# udhcpd's offer even when pxed's came first (seen on the wire), and with
# no server address from udhcpd it fetches nothing.  The -proxy cases assert just
# that, and that pxed warns; the -nextserver cases, with udhcpd naming
# pxed as next server (siaddr), assert that U-Boot then boots, its
# "pxe get" at the root finding default-arm / default-riscv.  See
# pxed.conf(5), LOADERS AND PROXY MODE.
#
# BOOT_ARM_CASES="uboot-arm64-full aavmf-http-proxy ..." runs only those.
#
# Needs root, /dev/net/tun, qemu-system-aarch64 (qemu-system-arm),
# qemu-system-riscv64 (qemu-system-misc), AAVMF (qemu-efi-aarch64),
# U-Boot (u-boot-qemu), OpenSBI (opensbi), mkimage (u-boot-tools),
# busybox and dnsmasq (the LAN's RAs): exit 77 without them, 99 when strict (see netns_fail);
# tests/install-deps.sh installs them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/qemu.sh"

AAVMF_CODE=/usr/share/AAVMF/AAVMF_CODE.fd
AAVMF_VARS=/usr/share/AAVMF/AAVMF_VARS.fd
UBOOT_ARM64=/usr/lib/u-boot/qemu_arm64/u-boot.bin
UBOOT_RISCV=/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
OPENSBI=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf

# Seconds a boot may take under TCG (seen on 2 cores shared with other
# builds: AAVMF 10-20 s, U-Boot 3-7 s, U-Boot beside plain udhcpd until
# pxed's 10 s proxy-followup warning 13-15 s).  Generous, finite.
AAVMF_LIMIT=120
UBOOT_LIMIT=90

netns_require
[ -c /dev/net/tun ] || pxed_skip "no /dev/net/tun (the tun module)"
pxed_need qemu-system-aarch64 qemu-system-riscv64 mkimage busybox dnsmasq
for f in "$AAVMF_CODE" "$AAVMF_VARS" "$UBOOT_ARM64" "$UBOOT_RISCV" \
    "$OPENSBI"; do
	[ -r "$f" ] || pxed_skip "no $f" qemu-efi-aarch64 u-boot-qemu opensbi
done
busybox udhcpd --help >/dev/null 2>&1 || pxed_skip "no busybox udhcpd" busybox

# ---------- the LAN ----------
# boot-qemu.sh's (qemu_lan4): $P-lan ($LAN) with bridge br0 (pxed,
# $SRV_IP) and tap0 (QEMU's NIC); $P-oth for udhcpd in the proxy cases;
# $P-ra, router advertisements.
pxed_net_init lan ra oth
qemu_lan4

# ---------- the root ----------
# One marker per chain, and U-Boot's script and pxelinux.cfg files.
R="$T/root"
for f in efi-arm64/bootaa64.efi efi-arm64/http.efi uboot-arm64/Image \
    uboot-riscv64/Image efi-riscv64/bootriscv64.efi; do
	mkdir -p "$R/${f%/*}"
	echo "pxed boot-arm.sh marker $f: not a loader" > "$R/$f"
done
# pxelinux_cfg FILE KERNEL
pxelinux_cfg() {
	mkdir -p "${1%/*}"
	printf 'default marker\nlabel marker\n  kernel %s\n' "$2" > "$1"
}
pxelinux_cfg "$R/uboot-arm64/pxelinux.cfg/default" Image
pxelinux_cfg "$R/uboot-riscv64/pxelinux.cfg/default" Image
# Proxy mode with udhcpd naming pxed as next server: "pxe get" runs at
# the root, where U-Boot's own per-architecture names tell them apart.
pxelinux_cfg "$R/pxelinux.cfg/default-arm" uboot-arm64/Image
pxelinux_cfg "$R/pxelinux.cfg/default-riscv" uboot-riscv64/Image
# U-Boot's distro boot ("dhcp" target) sources this script (hush: no
# quote characters in it); autoload no: the second DHCP only sets bootfile,
# whose directory "pxe get" searches; then autoload is unset again (the
# distro boot's UEFI DHCP that follows loads its boot file through it).
cat > "$T/boot.cmd" <<EOC
echo pxed-test: pxe boot from the directory of the boot file
setenv autoload no
dhcp
setenv autoload
pxe get
pxe boot
EOC
mkimage -A arm64 -T script -C none -d "$T/boot.cmd" "$R/boot.scr.uimg" \
    > "$T/mkimage.out" 2>&1 || { cat "$T/mkimage.out"; exit 99; }
chmod -R a+rX "$R"

# The rules every case uses (full and proxy): one boot entry per chain.
# The uboot- entries answer U-Boot's own DHCP (vendor class U-Boot...):
# their boot file only names the directory of the pxelinux.cfg search
# (autoload is off: it is never fetched); riscv64 U-Boot is the one
# without arch 22.  U-Boot's EFI DHCP (PXEClient, arch 11 or 27) gets
# the efi- entries, as any UEFI PXE client would.
arm_rules() {	# CASE
	cat > "$T/$1.d/10-arm.conf" <<EOC
match "uboot" { vendorclass = "U-Boot" }
match "uboot-arm64" { arch = 22 }
match "efi-arm64" { arch = efi-arm64 }
match "http-arm64" { arch = http-arm64 }
match "efi-riscv64" { arch = 27 }
boot "uboot-arm64" {
  if = "uboot & uboot-arm64"
  filename = "uboot-arm64/pxelinux.0"
}
boot "uboot-riscv64" {
  if = "uboot & !uboot-arm64"
  filename = "uboot-riscv64/pxelinux.0"
}
boot "efi-arm64" {
  if = "efi-arm64"
  filename = "efi-arm64/bootaa64.efi"
}
boot "http-arm64" {
  if = "http-arm64"
  filename = "\${http}/efi-arm64/http.efi"
}
boot "efi-riscv64" {
  if = "efi-riscv64"
  filename = "efi-riscv64/bootriscv64.efi"
}
EOC
}

# ---------- the boot harness ----------
# boot_arm CASE KIND MAC LIMIT DONE [QEMU ARGS]: qemu_boot, then the time.
boot_arm() {
	qemu_boot "$@"
	echo "# $1: $BOOT_S s ($RESULT)"
}
# DONE: pxed has sent $MARKER whole, over TFTP or as the answer to a GET
# (AAVMF's HTTP boot asks HEAD first: not yet).
marker_served() {
	grep -Eq -- "tftp: sent $MARKER to | GET /$MARKER 200 " "$LOG" ||
	    return 1
	RESULT=marker
}
# DONE: $MARKER and then $EFI_MARKER (when set) were sent.
uboot_done() {
	marker_served || return 1
	[ -z "$EFI_MARKER" ] ||
	    in_order "tftp: sent $MARKER to " "tftp: sent $EFI_MARKER to " ||
	    { RESULT=''; return 1; }
}
# DONE: pxed warned that $MAC did not follow its proxy OFFER up.
proxy_ignored() {
	grep -q "proxy OFFER to $MAC on br0 .* was not followed" "$LOG" ||
	    return 1
	RESULT=ignored
}

# marker_check DESCRIPTION: the boot reached its marker; else what it did.
marker_check() {
	if [ "$RESULT" = marker ]; then
		ok "$1"
	else
		not_ok "$1: $RESULT"
		show
	fi
}

boot_aavmf() {	# CASE MAC [QEMU ARGS]
	_bv_c=$1 _bv_m=$2
	shift 2
	cp "$AAVMF_VARS" "$T/$_bv_c.vars.fd"
	boot_arm "$_bv_c" aarch64 "$_bv_m" "$AAVMF_LIMIT" marker_served \
	    -machine virt -cpu cortex-a57 \
	    -drive "if=pflash,format=raw,readonly=on,file=$AAVMF_CODE" \
	    -drive "if=pflash,format=raw,file=$T/$_bv_c.vars.fd" \
	    -netdev "$QEMU_TAP" \
	    -device "virtio-net-pci,netdev=n0,mac=$_bv_m,romfile=,bootindex=1" \
	    "$@"
}

# boot_uboot CASE arm64|riscv64 MAC DONE.  U-Boot 2023.01 reads the MAC
# of virtio-net-pci wrong: the MMIO device.
boot_uboot() {
	if [ "$2" = arm64 ]; then
		set -- "$1" aarch64 "$3" "$4" -machine virt -cpu cortex-a57 \
		    -bios "$UBOOT_ARM64"
	else
		set -- "$1" riscv64 "$3" "$4" -machine virt -bios "$OPENSBI" \
		    -kernel "$UBOOT_RISCV"
	fi
	_bu_c=$1 _bu_k=$2 _bu_m=$3 _bu_d=$4
	shift 4
	boot_arm "$_bu_c" "$_bu_k" "$_bu_m" "$UBOOT_LIMIT" "$_bu_d" "$@" \
	    -netdev "$QEMU_TAP" -device "virtio-net-device,netdev=n0,mac=$_bu_m"
}

# in_order REGEX...: each matches a line of $LOG after the previous one's.
in_order() {
	_io_n=0
	for _io_re in "$@"; do
		_io_k=$(tail -n "+$((_io_n + 1))" "$LOG" |
		    grep -Enm 1 -- "$_io_re" | cut -d: -f1)
		[ -n "$_io_k" ] || return 1
		_io_n=$((_io_n + _io_k))
	done
}

# uboot_no_server: U-Boot's console says it took an address from udhcpd's
# range and had no server to fetch from.
uboot_no_server() {
	tr -d '\r' < "$SER" > "$SER.txt"
	grep -Eq "DHCP client bound to address $UDHCPD_RANGE " "$SER.txt" &&
	    grep -q "ERROR: .serverip. not set" "$SER.txt"
}

# ---------- the cases ----------
case_start() {	# CASE MODE
	qemu_conf4 "$1" "$2"
	arm_rules "$1"
	qemu_pxed "$1"
	C=$1
}

# aavmf_pxe CASE MODE MAC
aavmf_pxe() {
	case_start "$1" "$2"
	MAC=$3 MARKER=efi-arm64/bootaa64.efi
	boot_aavmf "$C" "$MAC"
	marker_check "$C: AAVMF's PXE fetched the arch 11 boot file"
	check "$C: the DHCP reply to arch 11 PXEClient named it" grep -Eq \
	    "DISCOVER\(br0\) $MAC .* arch 11 pxe -> OFFER .*file \"$MARKER\"" \
	    "$LOG"
	proxy_checks "AAVMF's PXE"
	pxed_stop
}

# aavmf_http CASE MODE MAC: AAVMF's PXE off (fw_cfg), HTTPv4 comes first.
aavmf_http() {
	case_start "$1" "$2"
	MAC=$3 MARKER=efi-arm64/http.efi
	boot_aavmf "$C" "$MAC" \
	    -fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n \
	    -fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=n
	marker_check "$C: AAVMF's HTTP boot fetched the arch 19 URL"
	check "$C: the DHCP reply to arch 19 HTTPClient named the URL" \
	    grep -Eq "DISCOVER\(br0\) $MAC .* arch 19 http -> OFFER .*file \"http://$SRV_IP/$MARKER\"" \
	    "$LOG"
	proxy_checks "AAVMF's HTTP boot"
	pxed_stop
}

# proxy_checks WHO: in proxy mode, pxed's OFFER had no address and the
# marker went to udhcpd's address.
proxy_checks() {
	case $C in
	*-proxy)	;;
	*)		return 0;;
	esac
	check "$C: pxed's proxy OFFER to $MAC had no address" grep -Eq \
	    "DISCOVER\(br0\) $MAC .* -> OFFER 0\.0\.0\.0 " "$LOG"
	check "$C: $1 took udhcpd's address and pxed's file" \
	    served_to "$MARKER" "$UDHCPD_RANGE"
}

# uboot CASE MODE arm64|riscv64 MAC [ARCH EFINAME EFIARCH]: the distro
# boot fetched the kernel that uboot-ARCH/pxelinux.cfg/default names,
# after asking for 01-<mac> and the hex IP (full mode: in the rule's
# directory; beside udhcpd naming pxed as next server: at the root,
# "default-arm" or "default-riscv").  ARCH: the option 93 U-Boot's own
# DHCP sends.  Full mode: then its UEFI DHCP (option 93 EFIARCH) got and
# fetched efi-ARCH/bootEFINAME.efi.
uboot() {
	case_start "$1" "$2"
	MAC=$4 MARKER=uboot-$3/Image
	_ub_d=uboot-$3/
	[ "$2" = server ] || _ub_d=
	# Server mode: once "pxe boot" fails (the kernel is text), the
	# distro boot's UEFI DHCP (arch 11 or 27) fetches the efi- file.
	EFI_MARKER=
	[ "$2" = server ] && EFI_MARKER=efi-$3/boot${6:-aa64}.efi
	boot_uboot "$C" "$3" "$MAC" uboot_done
	marker_check "$C: U-Boot's pxe boot fetched the kernel $MARKER${EFI_MARKER:+, its UEFI DHCP $EFI_MARKER}"
	_ub_mac=$(echo "$MAC" | tr ':' '-')
	_ub_dflt=default
	[ "$2" = server ] || _ub_dflt=default-${3%64}
	# pxed answers the names pxe get searches at once and logs them at
	# debug level only, as search names (pxed.conf(5) Loader configs).
	check "$C: pxe get asked for 01-$_ub_mac, the hex IP (quiet misses), then $_ub_dflt" \
	    in_order "asks for \"${_ub_d}pxelinux.cfg/01-$_ub_mac\": not found \(a loader's search name\)" \
	    "asks for \"${_ub_d}pxelinux.cfg/[0-9A-F]{8}\": not found \(a loader's search name\)" \
	    "tftp: sent ${_ub_d}pxelinux.cfg/$_ub_dflt to " \
	    "tftp: sent $MARKER to "
	if [ "$2" = server ]; then
		check "$C: U-Boot's DHCP${5:+ (arch $5)} got the rule's file" \
		    grep -Eq "REQUEST\(br0\) $MAC xid [0-9a-f]+ ${5:+([a-z0-9-]+ )?arch $5 }-> ACK .*file \"uboot-$3/pxelinux.0\"" \
		    "$LOG"
		check "$C: its UEFI DHCP (arch $7) got $EFI_MARKER" grep -Eq \
		    "REQUEST\(br0\) $MAC xid [0-9a-f]+ ([a-z0-9-]+ )?arch $7 pxe -> ACK .*file \"$EFI_MARKER\"" \
		    "$LOG"
	else
		check "$C: U-Boot's DHCP got no proxy answer (not PXEClient)" \
		    grep -Eq "DISCOVER\(br0\) $MAC xid [0-9a-f]+${5:+ ([a-z0-9-]+ )?arch $5}: no reply \(not a PXE or HTTP boot client\)" \
		    "$LOG"
		check "$C: the files went to udhcpd's address" \
		    served_to "$MARKER" "$UDHCPD_RANGE"
	fi
	pxed_stop
}

# uboot_proxy CASE arm64|riscv64 MAC ARCH EFIARCH: beside a udhcpd that
# names no TFTP server, what U-Boot does (seen on the wire): its own DHCP
# (vendor class U-Boot..., option 93 ARCH or none) is no PXE request and
# pxed does not answer it; its EFI DHCP (PXEClient, option 93 EFIARCH)
# gets pxed's proxy OFFER, which U-Boot ignores: it has no proxyDHCP and
# takes udhcpd's OFFER, and with no server address it fetches nothing
# ("serverip not set").  pxed logs its warning (proxy-followup).
uboot_proxy() {
	case_start "$1" proxy
	MAC=$3 MARKER=uboot-$2/Image
	boot_uboot "$C" "$2" "$MAC" proxy_ignored
	if [ "$RESULT" = ignored ]; then
		ok "$C: pxed warned that U-Boot ignored its proxy OFFER"
	else
		not_ok "$C: no warning about the ignored proxy OFFER: $RESULT"
		show
	fi
	check "$C: U-Boot's own DHCP${4:+ (arch $4)} got no proxy answer" \
	    grep -Eq "DISCOVER\(br0\) $MAC xid [0-9a-f]+${4:+ ([a-z0-9-]+ )?arch $4}: no reply \(not a PXE or HTTP boot client\)" \
	    "$LOG"
	check "$C: its EFI DHCP (arch $5) got a proxy OFFER" grep -Eq \
	    "DISCOVER\(br0\) $MAC xid [0-9a-f]+ ([a-z0-9-]+ )?arch $5 pxe -> OFFER 0\.0\.0\.0 " \
	    "$LOG"
	check "$C: U-Boot took udhcpd's address, knew no TFTP server" \
	    uboot_no_server
	check "$C: and asked pxed for no file" test "$(count_log "$LOG" \
	    "tftp: .*$UDHCPD_RANGE:")" -eq 0
	pxed_stop
}

SEL=${BOOT_ARM_CASES:-all}
want() {
	case " $SEL " in
	*" all "*|*" $1 "*) return 0;;
	esac
	return 1
}

want uboot-arm64-full &&
    uboot uboot-arm64-full server arm64 52:54:00:83:01:01 22 aa64 11
want uboot-riscv-full &&
    uboot uboot-riscv-full server riscv64 52:54:00:83:01:02 '' riscv64 27
want aavmf-pxe-full && aavmf_pxe aavmf-pxe-full server 52:54:00:83:01:03
want aavmf-http-full && aavmf_http aavmf-http-full server 52:54:00:83:01:04

qemu_udhcpd
want aavmf-pxe-proxy && aavmf_pxe aavmf-pxe-proxy proxy 52:54:00:83:01:13
want aavmf-http-proxy && aavmf_http aavmf-http-proxy proxy 52:54:00:83:01:14
want uboot-arm64-proxy &&
    uboot_proxy uboot-arm64-proxy arm64 52:54:00:83:01:11 22 11
want uboot-riscv-proxy &&
    uboot_proxy uboot-riscv-proxy riscv64 52:54:00:83:01:12 '' 27

# The workaround: udhcpd names pxed as next server (siaddr).
qemu_udhcpd "$SRV_IP"
want uboot-arm64-nextserver &&
    uboot uboot-arm64-nextserver proxy arm64 52:54:00:83:01:21 22
want uboot-riscv-nextserver &&
    uboot uboot-riscv-nextserver proxy riscv64 52:54:00:83:01:22
pid_stop "$UDPID"

pxed_test_done
