#!/bin/sh
# install-deps.sh: install, with apt-get, every Debian 12 package that
# pxed's build and all of its test suites need, so that README command 2
#     tests/install-deps.sh && ./autogen.sh && ./configure --enable-werror &&
#         make check && make distcheck
# runs every suite on a fresh machine, none skipped.  .ci/run uses it too.
# Idempotent: when every package is installed already it changes nothing
# and needs no network (no apt-get update).  Run it as root (else sudo).
#
#   tests/install-deps.sh            the build, make check, make distcheck
#   tests/install-deps.sh --package  also what dpkg-buildpackage and lintian
#                                    need for debian/ (.ci/run's package step)
#   tests/install-deps.sh --list     print the packages (with --package too)
#                                    and install nothing
set -eu

# The build: compiler, autotools, the libraries configure requires.
BUILD="build-essential autoconf automake pkg-config
libconfuse-dev libmicrohttpd-dev libcunit1-dev libcap-dev libsystemd-dev
libpq-dev"
# The suites (tests/lib.sh pxed_pkg maps each tool to its package):
#   man-lint.sh      mandoc
#   systemd.sh       systemd (systemd-analyze)
#   every *-net.sh   iproute2 (ip netns, veth, bridge), procps
#   tftp-net.sh      tftp-hpa, atftp, curl, nftables (nft)
#   dhcp-net.sh      busybox (udhcpc, udhcpd), isc-dhcp-client (dhclient),
#                    kea-admin (perfdhcp), python3
#   probe-net.sh     dnsmasq-base, busybox
#   http-net.sh, hostile.sh, reload-load.sh, dhcp-crash.sh   curl, python3
#   flood.sh         tftp-hpa, curl, python3
#   dhcp-subnet.sh   busybox (udhcpc), python3, curl
#   boot-qemu.sh     qemu-system-x86, ipxe-qemu (SeaBIOS' NIC ROMs), ipxe
#                    (undionly.kpxe, ipxe.efi, snponly.efi), ovmf,
#                    dnsmasq-base, busybox
#   notify.sh        libsystemd-dev (the build: Type=notify)
#   boot-qemu6.sh    the same, kea-dhcp6-server (the foreign DHCPv6 server)
#   boot-chains.sh   as boot-qemu.sh, and the loaders: shim-signed,
#                    grub-efi-amd64-signed, grub-efi-amd64-bin, grub-pc-bin
#                    (grub-mknetdir), pxelinux, syslinux-common, syslinux-efi
#   dhcp6-net.sh     ndisc6 (rdisc6), isc-dhcp-client (dhclient -6)
#   status-page.sh   chromium (headless, over the DevTools protocol)
#   boot-arm.sh      qemu-system-arm (qemu-system-aarch64), qemu-efi-aarch64
#                    (AAVMF), qemu-system-misc (qemu-system-riscv64),
#                    u-boot-qemu, opensbi, u-boot-tools (mkimage), busybox,
#                    dnsmasq-base
#   pg-net.sh        postgresql (initdb, pg_ctl, psql), kea-admin
#                    (perfdhcp), busybox, tcpdump
#   pg-net6.sh       postgresql, kea-admin (perfdhcp -6), isc-dhcp-client
#                    (dhclient -6), tcpdump
#   loadercfg-net.sh tftp-hpa, curl
#   loadercfg-qemu.sh  boot-qemu.sh's, pxelinux, syslinux-common,
#                    grub-efi-amd64-signed
TEST="postgresql tcpdump mandoc systemd iproute2 procps nftables tftp-hpa atftp curl
busybox isc-dhcp-client kea-admin python3 dnsmasq-base
qemu-system-x86 ipxe-qemu ipxe ovmf chromium ndisc6
kea-dhcp6-server shim-signed grub-efi-amd64-signed grub-efi-amd64-bin
grub-pc-bin pxelinux syslinux-common syslinux-efi qemu-system-arm
qemu-efi-aarch64 qemu-system-misc u-boot-qemu opensbi u-boot-tools"
# The Debian package (debian/control's Build-Depends, and lintian).
PACKAGE="debhelper lintian dpkg-dev"

want="$BUILD $TEST"
list=no
for arg in "$@"; do
	case $arg in
	--package)	want="$want $PACKAGE";;
	--list)		list=yes;;
	*)		echo "usage: $0 [--package] [--list]" >&2
			exit 2;;
	esac
done
if [ $list = yes ]; then
	echo $want
	exit 0
fi

missing=
for p in $want; do
	case $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) in
	ii*)	;;
	*)	missing="$missing $p";;
	esac
done
if [ -z "$missing" ]; then
	echo "install-deps: all $(echo $want | wc -w) packages are installed"
	exit 0
fi

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done"
