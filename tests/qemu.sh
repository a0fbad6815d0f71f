# qemu.sh: real firmware under QEMU against pxed, shared by boot-qemu.sh
# (IPv4), boot-qemu6.sh (IPv6) and boot-arm.sh (arm64, riscv64).  Source
# it after lib.sh:
#
#   qemu_require [TOOL...]   root, namespaces, /dev/net/tun, QEMU,
#                            SeaBIOS' iPXE NIC ROM, OVMF, iPXE's programs
#                            and each TOOL: exit 77 without them (99 under
#                            CI).
#   qemu_lan ADDR/PLEN...    after `pxed_net_init lan ...`: the addresses
#                            on br0 (pxed's interface, no DAD), and tap0,
#                            QEMU's NIC, on the bridge.  The BOOT_QEMU_KEEP
#                            copy at exit.
#   qemu_ra NS PREFIX        router advertisements only (dnsmasq, no DNS,
#                            no DHCP) for PREFIX:: from namespace NS's
#                            lan0, which holds PREFIX::2/64: iPXE then
#                            stops waiting for IPv6 (QEMU notes, gotcha 4).
#   qemu_root                $R: iPXE's programs, copied (pxed refuses
#                            links that leave its root); the caller adds
#                            its script.
#   qemu_boot CASE bios|uefi|secboot MAC LIMIT DONE [QEMU ARGS...]
#                            boot one machine in $LAN (TCG; KVM does not
#                            work here): SeaBIOS with iPXE's e1000 ROM,
#                            OVMF, or OVMF with Secure Boot (SMM, secure
#                            pflash, Microsoft's keys enrolled: the
#                            OVMF_SB_* files, which qemu_require does not
#                            look for), calling the function DONE every
#                            0.1 s: DONE returns 0 when the boot is over,
#                            with RESULT set.  RESULT is "died" when QEMU
#                            exits first, "timeout" after LIMIT seconds.
#                            Sets BOOT_S (wall time, one decimal) and the
#                            serial console's file, $SER.  QEMU is killed
#                            by its PID, and is in PIDS while it runs.
#   marker_seen              DONE's usual test: the marker is in $LOG
#                            (from line LOG_FROM on, when set: one pxed
#                            for two boots), RESULT=marker, parsed into
#                            M_PLATFORM, M_ARCH, M_MAC (aa-bb-..), M_CHIP.
#   served FILE              how many times pxed finished sending FILE
#                            (TFTP or HTTP), from $LOG.
#   show                     what the last boot did: pxed's log, the
#                            serial console.
#   expect CASE PLATFORM ARCH MAC [CHIP]   one check: the boot reached
#                            the marker with these values.
#   ovmf_has_http            this OVMF has HTTP boot (HttpBootDxe): 0
#                            yes, 1 no, 2 cannot tell (no python3).
#
# The IPv4 LAN of boot-qemu.sh and boot-chains.sh (needs dnsmasq, busybox):
#   qemu_lan4                after `pxed_net_init lan ra oth`: qemu_lan
#                            with pxed's $SRV_IP (10.83.0.1) on br0,
#                            udhcpd's $OTH_IP (10.83.0.2) in $P-oth, and
#                            in $P-ra a router-advertisement-only dnsmasq
#                            (iPXE stops waiting for IPv6 at its first RA:
#                            gotcha 4 of QEMU-BOOT-NOTES).
#   qemu_conf4 CASE server|proxy   pxed's main file $T/CASE.conf, HTTP on,
#                            the rules in $T/CASE.d/ (the caller's); its
#                            proxy file serves boot-qemu6.sh too.
#   qemu_pxed CASE           pxed on br0 with $T/CASE.conf, root $R, log
#                            $LOG ($T/CASE.log).
#   qemu_udhcpd [SIADDR]     (re)start busybox udhcpd, PXE-unaware, in
#                            $P-oth (range $UDHCPD_RANGE), giving siaddr
#                            (next-server) SIADDR when set.
#   served_to FILE ADDRESS-REGEX   pxed sent FILE (TFTP or HTTP) to an
#                            address matching.
#
# Every boot ends the same way: pxed's rules hand iPXE a script that makes
# it fetch a marker URL naming what iPXE itself reports:
#     marker/${platform}/${buildarch}/${net0/mac:hexhyp}/${net0/chip}
# The marker file does not exist: pxed logs the request it refuses (TFTP)
# or answers 404 (HTTP) with the name as asked, and the test reads the
# values back from pxed's log.

# Other machines: qemu_boot CASE aarch64|riscv64 ... runs
# qemu-system-aarch64 or -riscv64 with only the caller's ARGS, which name
# the firmware and the NIC (on -netdev $QEMU_TAP).
QEMU_TAP=tap,id=n0,ifname=tap0,script=no,downscript=no

QEMU=qemu-system-x86_64
E1000_ROM=/usr/lib/ipxe/qemu/efi-e1000.rom
OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
OVMF_SB_CODE=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd
OVMF_SB_VARS=/usr/share/OVMF/OVMF_VARS_4M.ms.fd
IPXE_DIR=/usr/lib/ipxe

qemu_require() {
	netns_require
	[ -c /dev/net/tun ] || pxed_skip "no /dev/net/tun (the tun module)"
	pxed_need $QEMU "$@"
	for _qr_f in "$E1000_ROM" "$OVMF_CODE" "$OVMF_VARS" \
	    "$IPXE_DIR/undionly.kpxe" "$IPXE_DIR/ipxe.efi" \
	    "$IPXE_DIR/snponly.efi"; do
		[ -r "$_qr_f" ] || pxed_skip "no $_qr_f" qemu-system-x86 \
		    ipxe-qemu ipxe ovmf
	done
	unset _qr_f
}

# BOOT_QEMU_KEEP=DIR keeps the logs, serial consoles and configurations.
qemu_keep() {
	[ -n "${BOOT_QEMU_KEEP:-}" ] && mkdir -p "$BOOT_QEMU_KEEP" &&
	    cp -r "$T"/*.log "$T"/*.serial "$T"/*.conf "$T"/*.d "$T"/*.json \
	    "$T"/*.out "$T"/*.qemu "$T"/*.pcap "$BOOT_QEMU_KEEP/" 2>/dev/null
	return 0
}

qemu_lan() {
	pxed_at_exit qemu_keep
	for _ql_a in "$@"; do
		case $_ql_a in
		*:*)	ip -n "$LAN" addr add "$_ql_a" dev br0 nodad;;
		*)	ip -n "$LAN" addr add "$_ql_a" dev br0;;
		esac || exit 99
	done
	unset _ql_a
	# No SLAAC address on br0 from the proxy case's RAs (dnsmasq, A
	# flag): pxed now names the static address in its URLs anyway, but
	# with one there OVMF's PXEv6 boot beside Kea failed once with
	# "PXE-E16: No valid offer received" after pxed's proxy Reply.
	ip netns exec "$LAN" sysctl -qw net.ipv6.conf.br0.accept_ra=0 \
	    >/dev/null 2>&1
	ip -n "$LAN" tuntap add dev tap0 mode tap &&
	    ip -n "$LAN" link set tap0 master br0 &&
	    ip -n "$LAN" link set tap0 up || exit 99
}

qemu_ra() {
	ip -n "$1" addr add "$2::2/64" dev lan0 nodad || exit 99
	ip netns exec "$1" dnsmasq --keep-in-foreground --port=0 \
	    --conf-file=/dev/null --pid-file= --leasefile-ro --interface=lan0 \
	    --enable-ra --dhcp-range="$2::,ra-only" --log-facility="$T/ra.log" \
	    > "$T/ra.out" 2>&1 &
	PIDS="$PIDS $!"
	wait_log "$T/ra.log" "router advertisement on $2::" 5 ||
	    { cat "$T/ra.out"; exit 99; }
}

qemu_root() {
	R="$T/root"
	mkdir -p "$R"
	cp -L "$IPXE_DIR/undionly.kpxe" "$IPXE_DIR/ipxe.efi" \
	    "$IPXE_DIR/snponly.efi" "$R/" || exit 99
}

now_ms() {
	echo $(( $(date +%s%N) / 1000000 ))
}

qemu_boot() {
	_qb_case=$1 _qb_kind=$2 _qb_mac=$3 _qb_limit=$4 _qb_done=$5
	shift 5
	SER="$T/$_qb_case.serial"
	RESULT=''
	_qb_tap=$QEMU_TAP
	_qb_qemu=$QEMU
	case $_qb_kind in
	bios|uefi|secboot)	;;
	*)	_qb_qemu=qemu-system-$_qb_kind;;
	esac
	if [ "$_qb_qemu" != "$QEMU" ]; then
		:	# the caller's ARGS name the firmware and the NIC
	elif [ "$_qb_kind" = bios ]; then
		set -- -machine pc -boot n -netdev "$_qb_tap" -device \
		    "e1000,netdev=n0,mac=$_qb_mac,romfile=$E1000_ROM" "$@"
	else
		# OVMF's own PXE and HTTP boot: virtio-net without an option
		# ROM (an iPXE ROM would take over), first in the boot order.
		# Secure Boot needs SMM and a pflash only SMM code may write.
		_qb_code=$OVMF_CODE _qb_vars=$OVMF_VARS _qb_m=q35
		if [ "$_qb_kind" = secboot ]; then
			_qb_code=$OVMF_SB_CODE _qb_vars=$OVMF_SB_VARS
			_qb_m=q35,smm=on
			set -- -global driver=cfi.pflash01,property=secure,value=on \
			    "$@"
		fi
		[ -f "$T/$_qb_case.vars.fd" ] ||
		    cp "$_qb_vars" "$T/$_qb_case.vars.fd"
		set -- -machine "$_qb_m" \
		    -drive "if=pflash,format=raw,readonly=on,file=$_qb_code" \
		    -drive "if=pflash,format=raw,file=$T/$_qb_case.vars.fd" \
		    -netdev "$_qb_tap" -device \
		    "virtio-net-pci,netdev=n0,mac=$_qb_mac,romfile=,bootindex=1" \
		    "$@"
	fi
	_qb_t0=$(now_ms)
	# ip execs QEMU: $! is QEMU's pid.
	ip netns exec "$LAN" $_qb_qemu -accel tcg -m 256 -nographic \
	    -monitor none -serial "file:$SER" -no-reboot "$@" \
	    < /dev/null > "$T/$_qb_case.qemu" 2>&1 &
	_qb_pid=$!
	PIDS="$PIDS $_qb_pid"
	while ! "$_qb_done"; do
		if ! kill -0 "$_qb_pid" 2>/dev/null; then
			RESULT=died
			break
		fi
		if [ $(( $(now_ms) - _qb_t0 )) -ge $((_qb_limit * 1000)) ]; then
			RESULT=timeout
			break
		fi
		sleep 0.1
	done
	_qb_ms=$(( $(now_ms) - _qb_t0 ))
	BOOT_S="$((_qb_ms / 1000)).$(( (_qb_ms % 1000) / 100 ))"
	pid_stop "$_qb_pid"
}

marker_seen() {
	M_PLATFORM='' M_ARCH='' M_MAC='' M_CHIP=''
	tail -n "+${LOG_FROM:-1}" "$LOG" | grep -q "marker/" || return 1
	RESULT=marker
	_ms_m=$(tail -n "+${LOG_FROM:-1}" "$LOG" | sed -n 's|.*\(marker/[A-Za-z0-9_.:-]*/[A-Za-z0-9_.:-]*/[A-Za-z0-9_.:-]*/[A-Za-z0-9_.:-]*\).*|\1|p' |
	    head -n 1)
	IFS=/ read -r _ M_PLATFORM M_ARCH M_MAC M_CHIP <<EOM
$_ms_m
EOM
	unset _ms_m
	return 0
}

served() {
	grep -Ec -- "tftp: sent $1 to | (GET|HEAD) /$1(\?[^ ]*)? 200 " \
	    "$LOG" 2>/dev/null || true
}

show() {
	echo "  # result: $RESULT ${LOOPED:+($LOOPED)} after $BOOT_S s"
	echo "  # --- pxed log (last 40 lines, without options)"
	grep -v " options: " "$LOG" | tail -n 40 | sed 's/^/  | /'
	echo "  # --- serial console (last 30 lines, without progress)"
	tr -d '\r' < "$SER" 2>/dev/null |
	    sed 's/\x1b\[[0-9;=]*[A-Za-z]//g; s/ *Downloading\.\.\.[0-9]*%//g
		/^[[:space:]]*$/d' |
	    tail -n 30 | sed 's/^/  | /'
	# SHOW_LOGS: the other servers' logs a case depends on (Kea's, ...).
	for _sh_f in ${SHOW_LOGS:-}; do
		echo "  # --- $(basename "$_sh_f") (last 15 lines)"
		tail -n 15 "$_sh_f" 2>/dev/null | cut -c1-240 | sed 's/^/  | /'
	done
	unset _sh_f
}

expect() {
	echo "# $1: $BOOT_S s"
	_ex_mac=$(echo "$4" | tr ':' '-')
	if [ "$RESULT" = marker ] && [ "$M_PLATFORM" = "$2" ] &&
	    [ "$M_ARCH" = "$3" ] && [ "$M_MAC" = "$_ex_mac" ] &&
	    { [ -z "${5:-}" ] || [ "$M_CHIP" = "$5" ]; }; then
		ok "$1: iPXE fetched the marker as $2/$3 $_ex_mac${5:+ ($5)}"
	else
		not_ok "$1: marker $2/$3 $_ex_mac${5:+ ($5)} (got" \
		    "'$M_PLATFORM/$M_ARCH $M_MAC ($M_CHIP)')"
		show
	fi
	unset _ex_mac
}

# HttpBootDxe's FILE_GUID (ecebcb00-d9c8-11e4-af3d-8cdcd426c973) in the
# firmware, whose DXE volume is LZMA-compressed.
ovmf_has_http() {
	command -v python3 >/dev/null 2>&1 || return 2
	python3 - "$OVMF_CODE" <<'EOP'
import lzma, re, sys, uuid
d = open(sys.argv[1], 'rb').read()
g = uuid.UUID('ecebcb00-d9c8-11e4-af3d-8cdcd426c973').bytes_le
if g in d:
    sys.exit(0)
for m in re.finditer(b'\x5d\x00\x00', d):
    try:
        x = lzma.LZMADecompressor(format=lzma.FORMAT_ALONE).decompress(
            d[m.start():])
    except Exception:
        continue
    if g in x:
        sys.exit(0)
sys.exit(1)
EOP
}

SRV_IP=10.83.0.1
OTH_IP=10.83.0.2
UDHCPD_RANGE='10\.83\.0\.(15[0-9]|160)'

qemu_lan4() {
	qemu_lan "$SRV_IP/24"
	ip -n "$P-oth" addr add "$OTH_IP/24" dev lan0 || exit 99
	# Router advertisements only (no DNS, no DHCPv4 or v6).
	qemu_ra "$P-ra" fd83
}

# HTTP is enabled: a pxed that does not serve it yet loads and ignores
# the section.
qemu_conf4() {
	mkdir -p "$T/$1.d"
	if [ "$2" = server ]; then
		cat > "$T/$1.conf" <<EOC
conf-dir = "$T/$1.d"
dhcp {
  mode = server
  lease-file = "$T/$1.leases"
  lease-time = 600
  range "lan" {
    start = 10.83.0.100
    end = 10.83.0.149
    netmask = 255.255.255.0
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
}

qemu_pxed() {
	LOG="$T/$1.log"
	pxed_start -n "$LAN" "$LOG" -v -f "$T/$1.conf" -i br0 -r "$R"
}

# -a: a short ARP check.
UDPID=
qemu_udhcpd() {
	[ -n "$UDPID" ] && pid_stop "$UDPID"
	cat > "$T/udhcpd.conf" <<EOC
start 10.83.0.150
end 10.83.0.160
interface lan0
lease_file $T/udhcpd.leases
option subnet 255.255.255.0
option lease 600
${1:+siaddr $1}
EOC
	: > "$T/udhcpd.leases"
	ip netns exec "$P-oth" busybox udhcpd -f -a 100 "$T/udhcpd.conf" \
	    > "$T/udhcpd.log" 2>&1 &
	UDPID=$!
	PIDS="$PIDS $UDPID"
	wait_for 5 udp_bound "$P-oth" 67 && kill -0 "$UDPID" 2>/dev/null ||
	    { cat "$T/udhcpd.log"; exit 99; }
}

served_to() {
	grep -Eq -- "tftp: sent $1 to $2:|http: $2:[0-9]+ GET /$1(\?[^ ]*)? 200 " \
	    "$LOG"
}
