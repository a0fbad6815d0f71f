#!/bin/sh
# boot-chains.sh: x86 machines boot from pxed through loaders nobody on
# this project wrote, all from Debian packages, under QEMU (TCG), on the
# LAN boot-qemu.sh uses (tests/qemu.sh): a bridge br0 with pxed's address
# and QEMU's tap, an RA-only dnsmasq (SeaBIOS' NIC ROM is iPXE, which
# waits for IPv6 without one) and, for the proxy cases, busybox udhcpd,
# a DHCP server that knows nothing of PXE.
#
# Chains (F: pxed is the DHCP server; P: proxyDHCP beside udhcpd):
#   sb-shim-grub    F P  OVMF with Secure Boot (Microsoft keys) -> shim
#                        (Microsoft-signed) -> grubx64.efi (Debian-signed
#                        grubnetx64) -> grub/grub.cfg -> marker
#   sb-unsigned     F    negative control: the same firmware handed an
#                        unsigned GRUB (grub-mknetdir's core.efi) must
#                        refuse it: no config read, no marker
#   grub-efi        F P  OVMF -> grub-mknetdir's core.efi -> its per-MAC
#                        grub.cfg-01-<mac> -> marker
#   grub-pc         F P  SeaBIOS -> core.0 (i386-pc) -> grub.cfg-01-<mac>
#   pxelinux        F P  SeaBIOS -> pxelinux.0 -> pxelinux.cfg/01-<mac>
#   lpxelinux       F P  SeaBIOS -> lpxelinux.0, its config named by
#                        options 209 and 210 from pxed's rule, the kernel
#                        an http:// URL that pxed serves
#   syslinux-efi    F P  OVMF -> syslinux.efi + ldlinux.e64 ->
#                        pxelinux.cfg/01-<mac>
#   http-grub       F P  OVMF's UEFI HTTP boot (arch 16) -> core.efi over
#                        HTTP -> grub.cfg over HTTP -> marker
#
# A boot passes only when the loader, at the end of its chain, asks pxed
# for the marker its configuration names: marker/CASE/... with the MAC
# (written by GRUB from its own $net_default_mac, or in the per-MAC
# configuration file).  The marker does not exist: pxed logs the refused
# TFTP request or the 404, and the test finds it there.  Each boot is
# bounded by a time limit; its time is printed.
#
# PXED_CHAINS="case ..." runs only those cases (all by default).
# BOOT_QEMU_KEEP=DIR keeps the logs and serial consoles.
#
# Needs root, /dev/net/tun, qemu-system-x86_64, ipxe-qemu, ovmf,
# shim-signed, grub-efi-amd64-signed, grub-efi-amd64-bin, grub-pc-bin,
# pxelinux, syslinux-common, syslinux-efi, dnsmasq and busybox: exit 77
# without them (99 when strict); tests/install-deps.sh installs them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/qemu.sh"

BIOS_LIMIT=60		# seconds a BIOS boot may take (seen: 4-9 s idle)
UEFI_LIMIT=150		# seconds a UEFI boot may take (seen: 15-55 s, busy)

SHIM=/usr/lib/shim/shimx64.efi.signed
GRUB_SIGNED=/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed
GRUB_EFI_DIR=/usr/lib/grub/x86_64-efi
GRUB_PC_DIR=/usr/lib/grub/i386-pc
PXELINUX_DIR=/usr/lib/PXELINUX
SYSLINUX_BIOS=/usr/lib/syslinux/modules/bios
SYSLINUX_EFI=/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi
SYSLINUX_E64=/usr/lib/syslinux/modules/efi64/ldlinux.e64

qemu_require dnsmasq busybox grub-mknetdir
busybox udhcpd --help >/dev/null 2>&1 || pxed_skip "no busybox udhcpd" busybox
for f in "$OVMF_SB_CODE" "$OVMF_SB_VARS" "$SHIM" "$GRUB_SIGNED" \
    "$GRUB_EFI_DIR/kernel.img" "$GRUB_PC_DIR/kernel.img" \
    "$PXELINUX_DIR/pxelinux.0" "$PXELINUX_DIR/lpxelinux.0" \
    "$SYSLINUX_BIOS/ldlinux.c32" "$SYSLINUX_EFI" "$SYSLINUX_E64"; do
	[ -r "$f" ] || pxed_skip "no $f" ovmf shim-signed \
	    grub-efi-amd64-signed grub-efi-amd64-bin grub-pc-bin pxelinux \
	    syslinux-common syslinux-efi
done

# want CASE: this case is to run (PXED_CHAINS unset, or names it).
want() {
	[ -z "${PXED_CHAINS:-}" ] && return 0
	for _w in $PXED_CHAINS; do
		[ "$_w" = "$1" ] && return 0
	done
	return 1
}

# ---------- the LAN ----------
pxed_net_init lan ra oth
qemu_lan4

# ---------- the TFTP and HTTP root ----------
R="$T/root"
mkdir -p "$R/sb" "$R/grub" "$R/pxelinux.cfg" "$R/lpx" "$R/efi64"
# Secure Boot: shim loads grubx64.efi from its own directory.
cp "$SHIM" "$R/sb/shimx64.efi" &&
    cp "$GRUB_SIGNED" "$R/sb/grubx64.efi" || exit 99
# GRUB netboot directories, core.efi and core.0 with prefix /boot/grub;
# core.efi has the http module built in for UEFI HTTP boot (it makes its
# prefix (http,SERVER)/boot/grub when loaded over HTTP).
grub-mknetdir --net-directory="$R" --subdir=boot/grub -d "$GRUB_EFI_DIR" \
    --modules=http > "$T/mknetdir.out" 2>&1 &&
    grub-mknetdir --net-directory="$R" --subdir=boot/grub -d "$GRUB_PC_DIR" \
    >> "$T/mknetdir.out" 2>&1 || { cat "$T/mknetdir.out"; exit 99; }
cp "$PXELINUX_DIR/pxelinux.0" "$PXELINUX_DIR/lpxelinux.0" \
    "$SYSLINUX_BIOS/ldlinux.c32" "$R/" &&
    cp "$SYSLINUX_BIOS/ldlinux.c32" "$R/lpx/" &&
    cp "$SYSLINUX_EFI" "$SYSLINUX_E64" "$R/efi64/" || exit 99

# GRUB's configurations.  Each names the marker from GRUB's own view:
#     marker/TAG/CPU-PLATFORM/MAC/lockdown-LOCKDOWN
# (signed GRUB sets lockdown=y under Secure Boot).  The signed GRUB reads
# /grub/grub.cfg; grub-mknetdir's reads /boot/grub/grub.cfg-01-<mac>
# first, and the catch-all grub.cfg names another tag, "grub-any".
grub_cfg() {	# TAG
	cat <<EOC
echo "pxed-test: \$net_default_mac \$grub_cpu-\$grub_platform lockdown=\$lockdown server=\$net_default_server"
source /marker/$1/\$grub_cpu-\$grub_platform/\$net_default_mac/lockdown-\$lockdown
EOC
}
grub_cfg sb > "$R/grub/grub.cfg"
grub_cfg grub-any > "$R/boot/grub/grub.cfg"

# grub_mac_cfg MAC TAG: GRUB's per-MAC file for MAC.
grub_mac_cfg() {
	grub_cfg "$2" > "$R/boot/grub/grub.cfg-01-$(echo "$1" | tr ':' '-')"
}
# sys_mac_cfg DIR MAC TAG: a pxelinux.cfg/01-<mac> file whose kernel is
# the marker.
sys_mac_cfg() {
	_m=$(echo "$2" | tr ':' '-')
	cat > "$1/01-$_m" <<EOC
SAY pxed-test: $3 $_m
DEFAULT marker
LABEL marker
  KERNEL /marker/$3/$_m
EOC
}
chmod -R a+rX "$R"

# ---------- pxed and udhcpd: qemu_conf4, qemu_pxed, qemu_udhcpd ----------
# boot_rule CASE FILENAME [MATCH-LINE [MORE...]]: one boot entry "chain"
# for the machine of this case (its MAC), with FILENAME and the other
# settings given.
boot_rule() {
	_c=$1 _f=$2
	shift 2
	{
		echo "match \"this\" { mac = { $MAC } }"
		echo "boot \"chain\" {"
		echo "  if = \"this\""
		echo "  filename = \"$_f\""
		for _l in "$@"; do
			echo "  $_l"
		done
		echo "}"
	} > "$T/$_c.d/10-chain.conf"
}

# ---------- the boot harness ----------
# The marker a boot waits for: MARK, a fixed string in pxed's log.
mark_seen() {
	grep -Fq -- "$MARK" "$LOG" || return 1
	RESULT=marker
}

# boot CASE KIND MAC MARK [QEMU ARGS...]
boot() {
	_bc=$1 _bk=$2 MAC=$3 MARK=$4
	shift 4
	_bl=$UEFI_LIMIT
	[ "$_bk" = bios ] && _bl=$BIOS_LIMIT
	qemu_boot "$_bc" "$_bk" "$MAC" "$_bl" mark_seen "$@"
}

# expect_marker CASE: the boot reached the marker MARK.
expect_marker() {
	echo "# $1: $BOOT_S s"
	if [ "$RESULT" = marker ]; then
		ok "$1: the loader asked pxed for $MARK ($BOOT_S s)"
	else
		not_ok "$1: no $MARK (result $RESULT after $BOOT_S s)"
		show
	fi
}

# got FILE: pxed served FILE (TFTP or HTTP) at least once.
got() {
	[ "$(served "$1")" -ge 1 ]
}
# in_proxy CASE FILE: in proxy mode, FILE went to an address udhcpd gave.
in_proxy() {
	grep -q "mode = proxy" "$T/$1.conf" || return 0
	check "$1: $2 went to an address from udhcpd's range" \
	    served_to "$2" "$UDHCPD_RANGE"
}

hexmac() {	# MAC: aa-bb-cc-dd-ee-ff
	echo "$1" | tr ':' '-'
}

# ---------- the cases ----------
# case_sb CASE MODE MAC [proxy-fails]: Secure Boot, shim, signed GRUB.
case_sb() {
	C=$1 MAC=$3
	qemu_conf4 $C $2
	boot_rule $C sb/shimx64.efi
	qemu_pxed $C
	if [ "${4:-}" = proxy-fails ]; then
		grub_proxy_fails sb/grubx64.efi "marker/sb/"
		pxed_stop
		return
	fi
	boot $C secboot $MAC "marker/sb/x86_64-efi/$MAC/lockdown-y"
	expect_marker $C
	check "$C: shim and the signed GRUB came from pxed" \
	    eval 'got sb/shimx64.efi && got sb/grubx64.efi && got grub/grub.cfg'
	in_proxy $C grub/grub.cfg
	check "$C: GRUB reported lockdown (Secure Boot on)" \
	    grep -q "lockdown=y" "$SER"
	pxed_stop
}

# grub_proxy_fails GRUB MARK: GRUB 2.06 (Debian 12, signed or not) takes
# its TFTP server and prefix from the firmware's cached DHCPACK only,
# which in proxy mode is the address server's (udhcpd: siaddr 0.0.0.0,
# no file), never from the proxy's offer: it gets no root and stops at
# its prompt without asking pxed for anything (see pxed.conf(5), LOADERS
# AND PROXY MODE).  The boot ends at GRUB's prompt; the checks assert
# exactly that: GRUB was served to the address from udhcpd, GRUB ran and
# no configuration or marker was asked for.
grub_prompt() {
	mark_seen && return 0
	[ -f "$SER" ] && grep -Eq "grub( rescue)?> " "$SER" || return 1
	RESULT=prompt
}
grub_proxy_fails() {
	MARK=$2
	_kind=uefi
	[ "$1" = sb/grubx64.efi ] && _kind=secboot
	qemu_boot $C $_kind $MAC $UEFI_LIMIT grub_prompt
	echo "# $C: $BOOT_S s (expected: GRUB stops at its prompt)"
	check "$C: GRUB ($1) came from pxed to udhcpd's address" \
	    served_to "$1" "$UDHCPD_RANGE"
	check "$C: as documented, GRUB stopped at its prompt ($RESULT after $BOOT_S s)" \
	    test "$RESULT" = prompt
	check "$C: GRUB asked pxed for no configuration and no marker" \
	    eval '! grep -Eq "grub\.cfg|marker/" "$LOG"'
	[ "$RESULT" = prompt ] || show
}

# case_unsigned: the negative control.  The Secure Boot firmware is
# handed grub-mknetdir's unsigned core.efi, and a per-MAC grub.cfg is
# there that would name the marker (the core.efi and configuration that
# boot in grub-efi-server).
# The boot ends when the marker comes (failure) or the firmware reports
# that it refused the image; then the checks: pxed served core.efi to
# this machine, GRUB never asked for a configuration, no marker came.
refused_or_mark() {
	mark_seen && return 0
	[ -f "$SER" ] || return 1
	tr -d '\r' < "$SER" |
	    grep -Eq "failed to load Boot0001.*(Access Denied|Security Violation)" ||
	    return 1
	RESULT=refused
}
case_unsigned() {
	C=sb-unsigned-server MAC=52:54:00:84:00:03
	qemu_conf4 $C server
	boot_rule $C boot/grub/x86_64-efi/core.efi
	grub_mac_cfg $MAC unsigned
	qemu_pxed $C
	MARK="marker/unsigned/"
	qemu_boot $C secboot $MAC $UEFI_LIMIT refused_or_mark
	echo "# $C: $BOOT_S s"
	check "$C: the firmware refused the unsigned GRUB ($RESULT after $BOOT_S s)" \
	    test "$RESULT" = refused
	check "$C: pxed served it the unsigned core.efi" \
	    served_to boot/grub/x86_64-efi/core.efi '10\.83\.0\.1[0-4][0-9]'
	check "$C: GRUB never ran: no configuration asked for, no marker" \
	    eval '! grep -Eq "grub\.cfg|marker/" "$LOG"'
	[ "$RESULT" = refused ] || show
	pxed_stop
}

# case_grub_efi CASE MODE MAC [proxy-fails]: OVMF (no Secure Boot) ->
# core.efi -> its per-MAC grub.cfg.
case_grub_efi() {
	C=$1 MAC=$3
	qemu_conf4 $C $2
	boot_rule $C boot/grub/x86_64-efi/core.efi
	grub_mac_cfg $MAC grub-efi
	qemu_pxed $C
	if [ "${4:-}" = proxy-fails ]; then
		grub_proxy_fails boot/grub/x86_64-efi/core.efi "marker/grub-efi/"
		check "$C: GRUB said why: no root" \
		    grep -q "variable .root' isn't set" "$SER"
		pxed_stop
		return
	fi
	boot $C uefi $MAC "marker/grub-efi/x86_64-efi/$MAC/lockdown-"
	expect_marker $C
	check "$C: GRUB read its per-MAC grub.cfg-01-$(hexmac $MAC)" \
	    got "boot/grub/grub.cfg-01-$(hexmac $MAC)"
	in_proxy $C "boot/grub/grub.cfg-01-$(hexmac $MAC)"
	pxed_stop
}

# case_grub_pc MODE N: SeaBIOS (iPXE's PXE stack) -> core.0 -> per-MAC.
case_grub_pc() {
	C=grub-pc-$1 MAC=52:54:00:84:00:2$2
	qemu_conf4 $C $1
	boot_rule $C boot/grub/i386-pc/core.0
	grub_mac_cfg $MAC grub-pc
	qemu_pxed $C
	boot $C bios $MAC "marker/grub-pc/i386-pc/$MAC/lockdown-"
	expect_marker $C
	check "$C: GRUB read its per-MAC grub.cfg-01-$(hexmac $MAC)" \
	    got "boot/grub/grub.cfg-01-$(hexmac $MAC)"
	in_proxy $C "boot/grub/grub.cfg-01-$(hexmac $MAC)"
	pxed_stop
}

# case_pxelinux MODE N: SeaBIOS -> pxelinux.0 -> pxelinux.cfg/01-<mac>.
case_pxelinux() {
	C=pxelinux-$1 MAC=52:54:00:84:00:3$2
	qemu_conf4 $C $1
	boot_rule $C pxelinux.0
	sys_mac_cfg "$R/pxelinux.cfg" $MAC pxelinux
	qemu_pxed $C
	boot $C bios $MAC "marker/pxelinux/$(hexmac $MAC)"
	expect_marker $C
	check "$C: pxelinux read pxelinux.cfg/01-$(hexmac $MAC)" \
	    got "pxelinux.cfg/01-$(hexmac $MAC)"
	in_proxy $C "pxelinux.cfg/01-$(hexmac $MAC)"
	pxed_stop
}

# case_lpxelinux MODE N: SeaBIOS -> lpxelinux.0; pxed's rule names its
# configuration (option 209, relative to the path prefix, option 210),
# whose kernel is an http:// URL on pxed's HTTP server.
case_lpxelinux() {
	C=lpxelinux-$1 MAC=52:54:00:84:00:4$2
	qemu_conf4 $C $1
	boot_rule $C lpxelinux.0 'option = { "209=gold.cfg", "210=/lpx/" }'
	cat > "$R/lpx/gold.cfg" <<EOC
SAY pxed-test: lpxelinux gold
DEFAULT marker
LABEL marker
  KERNEL http://$SRV_IP/marker/lpxelinux/gold
EOC
	chmod a+r "$R/lpx/gold.cfg"
	qemu_pxed $C
	boot $C bios $MAC "GET /marker/lpxelinux/gold 404"
	expect_marker $C
	check "$C: lpxelinux read the configuration options 209/210 named" \
	    got lpx/gold.cfg
	in_proxy $C lpx/gold.cfg
	pxed_stop
}

# case_syslinux_efi MODE N: OVMF -> syslinux.efi (ldlinux.e64 beside it)
# -> efi64/pxelinux.cfg/01-<mac>.
case_syslinux_efi() {
	C=syslinux-efi-$1 MAC=52:54:00:84:00:5$2
	qemu_conf4 $C $1
	boot_rule $C efi64/syslinux.efi
	mkdir -p "$R/efi64/pxelinux.cfg"
	sys_mac_cfg "$R/efi64/pxelinux.cfg" $MAC syslinux-efi
	chmod -R a+rX "$R/efi64"
	qemu_pxed $C
	boot $C uefi $MAC "marker/syslinux-efi/$(hexmac $MAC)"
	expect_marker $C
	check "$C: ldlinux.e64 came from pxed" got efi64/ldlinux.e64
	in_proxy $C efi64/ldlinux.e64
	pxed_stop
}

# case_http_grub: OVMF's HTTP boot (PXE off through fw_cfg) -> core.efi
# over HTTP, which makes its prefix (http,SERVER)/boot/grub and reads
# grub.cfg there at once: GRUB 2.06 looks for per-MAC files only when
# it came by PXE.  The marker still carries the MAC GRUB reports.
# CASE MODE MAC: in proxy mode the address comes from udhcpd and the URL
# from pxed's offer; GRUB's prefix is the URL's server, so it needs no
# next-server.
case_http_grub() {
	C=$1 MAC=$3
	qemu_conf4 $C $2
	boot_rule $C '${http}/boot/grub/x86_64-efi/core.efi'
	qemu_pxed $C
	boot $C uefi $MAC "marker/grub-any/x86_64-efi/$MAC/lockdown-" \
	    -fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n \
	    -fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=n
	expect_marker $C
	check "$C: OVMF asked as an HTTP client (arch 16) and got the URL" \
	    grep -Eq "(DISCOVER|REQUEST)\(br0\) $MAC .* arch 16 http -> (OFFER|ACK) .*file \"http://$SRV_IP/boot/grub/x86_64-efi/core.efi\"" \
	    "$LOG"
	check "$C: GRUB read grub.cfg over HTTP" \
	    grep -q " GET /boot/grub/grub.cfg 200 " "$LOG"
	in_proxy $C boot/grub/x86_64-efi/core.efi
	pxed_stop
}

# ---------- full mode: pxed is the DHCP server ----------
want sb-shim-grub-server &&
    case_sb sb-shim-grub-server server 52:54:00:84:00:01
want sb-unsigned-server && case_unsigned
want grub-efi-server && case_grub_efi grub-efi-server server 52:54:00:84:00:11
want grub-pc-server && case_grub_pc server 1
want pxelinux-server && case_pxelinux server 1
want lpxelinux-server && case_lpxelinux server 1
want syslinux-efi-server && case_syslinux_efi server 1
want http-grub-server &&
    case_http_grub http-grub-server server 52:54:00:84:00:61

# ---------- proxy mode beside udhcpd ----------
qemu_udhcpd
want sb-shim-grub-proxy &&
    case_sb sb-shim-grub-proxy proxy 52:54:00:84:00:02 proxy-fails
want grub-efi-proxy &&
    case_grub_efi grub-efi-proxy proxy 52:54:00:84:00:12 proxy-fails
want grub-pc-proxy && case_grub_pc proxy 2
want pxelinux-proxy && case_pxelinux proxy 2
want lpxelinux-proxy && case_lpxelinux proxy 2
want syslinux-efi-proxy && case_syslinux_efi proxy 2
want http-grub-proxy &&
    case_http_grub http-grub-proxy proxy 52:54:00:84:00:62

# The documented workaround for GRUB: next-server (siaddr) on the address
# server.  Then both GRUBs boot beside the proxy.
qemu_udhcpd "$SRV_IP"
want sb-shim-grub-proxy-siaddr &&
    case_sb sb-shim-grub-proxy-siaddr proxy 52:54:00:84:00:04
want grub-efi-proxy-siaddr &&
    case_grub_efi grub-efi-proxy-siaddr proxy 52:54:00:84:00:14

pid_stop "$UDPID"
pxed_test_done
