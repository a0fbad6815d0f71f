#!/bin/sh
# loadercfg-qemu.sh: real boot loaders searching their config from pxed,
# with only templates under the root (pxelinux.cfg/default.tmpl,
# grub/grub.cfg.tmpl):
#   - Debian's pxelinux.0, loaded by SeaBIOS' iPXE NIC ROM: its first
#     try, the SMBIOS UUID, misses quietly (debug level, said as a search
#     name); its second, 01-<mac>, is rendered for that machine; a second
#     machine, whose host entry sets pxelinux-config-file (option 209,
#     RFC 5071 4), fetches that name at once, rendered from NAME.tmpl;
#   - Debian's signed grubnetx64.efi (GRUB 2.06), loaded by OVMF's own
#     PXE: it asks for /grub/grub.cfg only, rendered for the asking
#     machine, and its x86_64-efi/command.lst, fs.lst, ... miss quietly.
# Each config boots a "kernel" marker/.../<hostname>/<role>/<mac> that does
# not exist: pxed logs the refused name, which the test reads back; no
# other name may be refused (a warning) on the way.
#
# Needs what boot-qemu.sh needs (qemu.sh: qemu_require) plus pxelinux,
# syslinux-common and grub-efi-amd64-signed; exit 77 without them, 99
# when strict.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/qemu.sh"

LIMIT=60		# seconds a boot may take (iPXE, then pxelinux)
PXELINUX=/usr/lib/PXELINUX/pxelinux.0
LDLINUX=/usr/lib/syslinux/modules/bios/ldlinux.c32
GRUBNET=/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed

qemu_require dnsmasq
[ -r "$PXELINUX" ] && [ -r "$LDLINUX" ] ||
    pxed_skip "no $PXELINUX or $LDLINUX" pxelinux syslinux-common

pxed_net_init lan ra
SRV_IP=10.84.0.1
qemu_lan "$SRV_IP/24"
qemu_ra "$P-ra" fd84

R="$T/root"
mkdir -p "$R/pxelinux.cfg"
cp -L "$PXELINUX" "$LDLINUX" "$R/" || exit 99
cat > "$R/pxelinux.cfg/default.tmpl" <<'EOS'
DEFAULT marker
PROMPT 0
LABEL marker
  KERNEL marker/${hostname}/${role}/${mac}
EOS
cat > "$R/special.cfg.tmpl" <<'EOS'
DEFAULT marker
PROMPT 0
LABEL marker
  KERNEL marker/special/${hostname}/${role}/${mac}
EOS
# Debian's GRUB asks for /grub/grub.cfg only (no net search): the
# template answers it for the asking machine, known by its DHCP lease.
if [ -r "$GRUBNET" ]; then
	cp "$GRUBNET" "$R/grubnetx64.efi" && mkdir -p "$R/grub" || exit 99
	cat > "$R/grub/grub.cfg.tmpl" <<'EOS'
set timeout=0
menuentry "marker" {
	linux /marker/${hostname}/${role}/${mac}
}
EOS
fi
chmod -R a+rX "$R"
MAC1=52:54:00:84:00:01
MAC2=52:54:00:84:00:02
UUID1=6b8f3c1a-84a1-4c52-9d7e-2f0c84000001
mkdir -p "$T/conf.d"
cat > "$T/pxed.conf" <<EOC
conf-dir = "$T/conf.d"
dhcp {
  mode = server
  lease-file = "$T/leases"
  range "lan" {
    start = 10.84.0.100
    end = 10.84.0.199
    netmask = 255.255.255.0
  }
}
http { enable = no }
EOC
cat > "$T/conf.d/10-pxelinux.conf" <<EOC
match "efi64" { arch = efi-x64 }
boot "pxelinux" { if = "!efi64" filename = "pxelinux.0" }
boot "grub" { if = "efi64" filename = "grubnetx64.efi" }
host "one" { mac = "$MAC1" hostname = "one" vars = { "role=compute" } }
host "two" { mac = "$MAC2" hostname = "two" vars = { "role=storage" }
  pxelinux-config-file = "special.cfg" }
EOC
LOG="$T/pxed.log"
pxed_start -n "$LAN" "$LOG" -v -f "$T/pxed.conf" -i br0 -r "$R"

marker_of() {	# the marker the loader asked for, from LOG_FROM on
	tail -n "+$LOG_FROM" "$LOG" |
	    sed -n 's|.*tftp: refused "/*\(marker/[^"]*\)".*|\1|p' | head -n 1
}
pxelinux_done() { [ -n "$(marker_of)" ]; }

# boot_one CASE MAC MARKER CONFIG TEMPLATE [QEMU ARGS]: pxelinux boots
# MARKER, having fetched CONFIG rendered from TEMPLATE.
boot_one() {
	bc=$1 bm=$2 bk=$3 bf=$4 bt=$5
	shift 5
	LOG_FROM=$(($(wc -l < "$LOG") + 1))
	qemu_boot "$bc" bios "$bm" "$LIMIT" pxelinux_done "$@"
	set -- "$bc" "$bm" "$bk" "$bf" "$bt"
	echo "# $1: $BOOT_S s"
	check "$1: pxelinux fetched ldlinux.c32" \
	    sh -c "tail -n +$LOG_FROM '$LOG' | grep -q 'tftp: sent ldlinux.c32 to '"
	if [ "$(marker_of)" = "$3" ]; then
		ok "$1: pxelinux booted what the template said: $3"
	else
		not_ok "$1: marker \"$(marker_of)\", want $3"
		show
	fi
	check "$1: $4 rendered from $5" \
	    sh -c "tail -n +$LOG_FROM '$LOG' | grep -q '\"$4\" rendered from $5'"
	check "$1: nothing refused but the marker (no search name as a warning)" \
	    sh -c "! tail -n +$LOG_FROM '$LOG' | grep 'tftp: refused' | grep -v '\"marker/'"
}

boot_one one "$MAC1" "marker/one/compute/$MAC1" \
    "pxelinux.cfg/01-52-54-00-84-00-01" pxelinux.cfg/default.tmpl -uuid "$UUID1"
# pxelinux names the SMBIOS UUID with its first three fields byte-swapped
# (6b8f3c1a-84a1-4c52-... is asked as 1a3c8f6b-a184-524c-...): any UUID.
check "one: its UUID was tried first and missed quietly" \
    grep -Eq "asks for \"pxelinux.cfg/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-9d7e-2f0c84000001\": not found \(a loader's search name\)" "$LOG"
# Host two's option 209 (RFC 5071 4) names its config: pxelinux fetches
# it instead of searching, and special.cfg.tmpl renders it for two.
boot_one two "$MAC2" "marker/special/two/storage/$MAC2" special.cfg \
    special.cfg.tmpl
check "two: with option 209, no pxelinux.cfg/ search at all" \
    sh -c "! tail -n +$LOG_FROM '$LOG' | grep -q 'pxelinux.cfg/'"

# ---- GRUB: OVMF's own PXE loads Debian's signed grubnetx64.efi ----
if [ -r "$GRUBNET" ]; then
	LOG_FROM=$(($(wc -l < "$LOG") + 1))
	qemu_boot grub uefi "$MAC1" 90 pxelinux_done
	echo "# grub: $BOOT_S s"
	if [ "$(marker_of)" = "marker/one/compute/$MAC1" ]; then
		ok "grub: GRUB booted what grub.cfg.tmpl said for one"
	else
		not_ok "grub: marker \"$(marker_of)\""
		show
	fi
	check "grub: /grub/grub.cfg rendered from the template" \
	    sh -c "tail -n +$LOG_FROM '$LOG' | grep -q '\"/grub/grub.cfg\" rendered from grub/grub.cfg.tmpl'"
	check "grub: its command.lst, fs.lst, ... missed quietly" \
	    sh -c "tail -n +$LOG_FROM '$LOG' | grep -q 'x86_64-efi/command.lst\": not found (a loader.s search name)'"
	check "grub: nothing refused but the marker (no search name as a warning)" \
	    sh -c "! tail -n +$LOG_FROM '$LOG' | grep 'tftp: refused' | grep -v '\"/marker/'"
else
	pxed_skip_case "grub" "no $GRUBNET" grub-efi-amd64-signed
fi

pxed_test_done
