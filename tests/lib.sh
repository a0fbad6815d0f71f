# lib.sh: helpers shared by pxed's shell tests.  Source it, then call
# pxed_test_init, or pxed_net_init for a test that needs namespaces.
# Exit 77 skips (automake), 99 is a hard error.
#
#   pxed_test_init           a scratch directory $T (removed at exit) and
#                            the EXIT trap (pxed_cleanup).
#   pxed_need TOOL...        skip (77, or 99 when strict: CI set or
#                            configure --enable-strict-tests) unless each
#                            TOOL is on PATH; the message names the Debian
#                            package (pxed_pkg), as tests/install-deps.sh
#                            installs them all.
#   pxed_skip MESSAGE [PACKAGE...]   the same for any other requirement
#                            (netns_fail in tests/netns.sh).
#   pxed_skip_case DESC MESSAGE...   one case of a suite cannot run: a
#                            "# skipped" line, or not_ok when strict.
#   pxed_net_init lo|pair|lan [NAME...]
#                            netns_require, pxed_test_init, then this
#                            test's namespaces (tests/netns.sh), deleted
#                            at exit; exit 99 if they cannot be made:
#       lo         one namespace $NS, loopback only;
#       pair       $NS_SRV and $NS_CLI joined by a veth pair: interfaces
#                  $NETNS_SRV_IF / $NETNS_CLI_IF, addresses $NETNS_SRV_IP /
#                  $NETNS_CLI_IP (10.77.0.1 / 10.77.0.2 /24 unless set);
#       lan NAME.. a bridged LAN: namespace "$P-NAME" per NAME, its
#                  interface lan0 on bridge br0 in "$P-lan" ($LAN), no
#                  addresses.
#                  Names carry the script's name and PID ($P is the
#                  prefix); addresses need not be unique (see netns.sh).
#   pxed_at_exit CMD         run CMD first at exit (before processes are
#                            killed and namespaces deleted).
#   pxed_start [-n NS] [-w REGEX] [-t SECONDS] [-a] LOG ARGS...
#                            pxed -d ARGS (in namespace NS), output to LOG
#                            (emptied first, unless -a); sets PXPID, adds
#                            it to PIDS, waits (-t, default 5 s) for a line
#                            matching REGEX (default "pxed .* started"; ""
#                            waits for nothing).  If it does not come: the
#                            log, and exit 99.
#   pxed_stop [SIGNAL]       SIGNAL (default TERM) to PXPID, wait (<= 10
#                            s, then SIGKILL: pids_end) until it exits,
#                            forget it; returns its exit status.
#   pids_forget PID          drop PID from PIDS (it has been waited for).
#   pid_stop PID             end (pids_end), reap and forget a process it
#                            started.
#   pids_end [-s SIG] PID... SIGTERM, wait (<= 10 s in all) until they have
#                            ended, then SIGKILL the rest (its children
#                            only); at exit, for every process in PIDS.
#   pid_alive PID            the process exists and is not a zombie.
#   kill_pidfiles FILE...    SIGTERM the pids in these files (dhclient's).
#   ok / not_ok / check DESC CMD... / pxed_test_done   results; the last
#                            prints "N passed, N failed" (.ci/run adds
#                            those up) and fails if anything did.
#   wait_log FILE REGEX [SECONDS]   wait for a matching line (grep -E).
#   wait_for SECONDS CMD...  wait until CMD succeeds.
#   count_log FILE REGEX     how many lines match.
#   udp_bound NS PORT        a UDP socket is bound to PORT in namespace NS.
#   pxed_dhcp_scripts        $T/udhcpc.sh and $T/dhclient.sh for clients.
#   pxed_conf_proxy [LINE...] $T/root, $T/conf.d and $T/pxed.conf: conf.d
#                            there, proxyDHCP, and each LINE added.
#
# Processes the test starts in the background go in PIDS: pxed_cleanup
# kills exactly those, by PID.

: "${PXED:=$(cd "$(dirname "$0")/.." && pwd)/daemon/pxed}"
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$SRCDIR/tests/netns.sh"

PIDS=""
FAILS=0
PASSES=0
PXED_AT_EXIT=""

pxed_cleanup() {
	eval "$PXED_AT_EXIT"
	pids_end $PIDS
	netns_cleanup
	# PXED_KEEP=DIR: the test's files are moved there, for a post-mortem.
	if [ -n "${PXED_KEEP:-}" ] && [ -n "${T:-}" ] && [ -d "$T" ]; then
		mkdir -p "$PXED_KEEP" && mv "$T" "$PXED_KEEP/" &&
		    echo "# files kept in $PXED_KEEP/$(basename "$T")"
	fi
	[ -n "${T:-}" ] && [ -d "$T" ] && rm -rf "$T"
}

pxed_at_exit() {
	PXED_AT_EXIT="$PXED_AT_EXIT
$1"
}

pxed_test_init() {
	[ -x "$PXED" ] || { echo "no pxed binary at $PXED"; exit 99; }
	T=$(mktemp -d /tmp/pxed-test.XXXXXX) || exit 99
	# pxed drops root for user pxed or nobody: let it in.
	chmod 755 "$T"
	trap pxed_cleanup EXIT
	trap 'exit 99' INT TERM
}

# pxed_pkg TOOL: the Debian 12 package that has TOOL.
pxed_pkg() {
	case $1 in
	tftp)			echo tftp-hpa;;
	nft)			echo nftables;;
	dhclient)		echo isc-dhcp-client;;
	perfdhcp)		echo kea-admin;;
	psql)			echo postgresql;;
	initdb|pg_ctl)		echo postgresql;;
	dnsmasq)		echo dnsmasq-base;;
	mkimage)		echo u-boot-tools;;
	qemu-system-aarch64)	echo qemu-system-arm;;
	qemu-system-riscv64)	echo qemu-system-misc;;
	qemu-system-*)		echo qemu-system-x86;;
	systemd-analyze)	echo systemd;;
	grub-mknetdir)		echo grub-common;;
	ip|bridge|ss)		echo iproute2;;
	*)			echo "$1";;
	esac
}

pxed_need() {
	for _pn_t in "$@"; do
		command -v "$_pn_t" >/dev/null 2>&1 ||
		    netns_fail "no $_pn_t" "$(pxed_pkg "$_pn_t")"
	done
	unset _pn_t
}

pxed_skip() {
	netns_fail "$@"
}

pxed_skip_case() {
	_psc_d=$1
	shift
	if netns_strict; then
		not_ok "$_psc_d: $* (strict: CI or --enable-strict-tests)"
	else
		echo "# skipped: $_psc_d: $*"
	fi
	unset _psc_d
}

pxed_net_init() {
	netns_require
	pxed_test_init
	# "px", up to 4 letters of the script's name, the PID: at most 13.
	P=px$(basename "$0" .sh | tr -cd 'a-z' | cut -c1-4)$$
	case $1 in
	lo)	NS=$P
		netns_lo "$NS" || exit 99;;
	pair)	netns_setup "$P" || exit 99;;
	lan)	shift
		LAN=$P-lan
		netns_lan_setup "$P" "$@" || exit 99;;
	*)	echo "pxed_net_init: no topology '$1'" >&2
		exit 99;;
	esac
}

ok() {
	PASSES=$((PASSES + 1))
	echo "ok - $*"
}

not_ok() {
	FAILS=$((FAILS + 1))
	echo "not ok - $*"
}

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}

# wait_log FILE PATTERN [SECONDS]: wait until a line matches (grep -E).
wait_log() {
	n=$(( ${3:-5} * 20 ))
	while [ "$n" -gt 0 ]; do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
		n=$((n - 1))
	done
	echo "  timed out waiting for /$2/ in $1:" >&2
	tail -n 5 "$1" | sed 's/^/  | /' >&2
	return 1
}

# wait_for SECONDS COMMAND...: poll until the command succeeds.
wait_for() {
	_wf_n=$(( $1 * 20 ))
	shift
	while [ "$_wf_n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.05
		_wf_n=$((_wf_n - 1))
	done
	return 1
}

# lladdr_ready NS IF: IF in NS has its link-local address and no address
# left in DAD ("tentative"): it can send and receive over IPv6.
lladdr_ready() {
	ip -n "$1" -6 addr show dev "$2" scope link | grep -q inet6 &&
	    ! ip -n "$1" -6 addr show dev "$2" | grep -q tentative
}

# count_log FILE PATTERN: how many lines match.
count_log() {
	grep -Ec -- "$2" "$1" 2>/dev/null || true
}

# pxed_dhcp_scripts: $T/udhcpc.sh (each event appended to $EVENTS) and
# $T/dhclient.sh (each reason to $T/dhclient.events): both configure the
# address they get on the interface.
pxed_dhcp_scripts() {
	cat > "$T/udhcpc.sh" <<'EOS'
#!/bin/sh
echo "$1 ${ip:-} ${serverid:-} ${lease:-}" >> "$EVENTS"
case $1 in
bound|renew)
	ip addr flush dev "$interface"
	ip addr add "$ip/${subnet:-255.255.255.0}" dev "$interface";;
deconfig)
	ip addr flush dev "$interface";;
esac
exit 0
EOS
	# dhclient runs its script with an environment of its own.
	cat > "$T/dhclient.sh" <<EOS
#!/bin/sh
echo "\$reason \${new_ip_address:-} \${new_dhcp_server_identifier:-}" \
    >> "$T/dhclient.events"
EOS
	cat >> "$T/dhclient.sh" <<'EOS'
case $reason in
BOUND|RENEW|REBIND|REBOOT)
	ip addr flush dev "$interface"
	ip addr add "$new_ip_address/${new_subnet_mask:-255.255.255.0}" \
	    dev "$interface";;
esac
exit 0
EOS
	chmod 755 "$T/udhcpc.sh" "$T/dhclient.sh"
}

pxed_conf_proxy() {
	mkdir -p "$T/root" "$T/conf.d"
	{
		echo "conf-dir = \"$T/conf.d\""
		echo "dhcp { mode = proxy }"
		for _pc_l in "$@"; do
			echo "$_pc_l"
		done
	} > "$T/pxed.conf"
	unset _pc_l
}

udp_bound() {
	ip netns exec "$1" ss -lun 2>/dev/null | grep -q ":$2 "
}

pxed_test_done() {
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}

# pid_alive PID: the process runs (it exists and is not a zombie).
pid_alive() {
	_pa_s=$(sed -n 's/.*) \(.\).*/\1/p' "/proc/$1/stat" 2>/dev/null)
	[ -n "$_pa_s" ] && [ "$_pa_s" != Z ]
}

# pids_end [-s SIGNAL] PID...: SIGNAL (default TERM) to each; wait until
# every one has ended, for at most 10 s together; SIGKILL the ones left
# that are this shell's children, saying so.  A process that hangs on
# its way out (QEMU 7.2 was seen to, in futex_wait, after "terminating
# on signal 15") would otherwise hold a wait(1) forever.
pids_end() {
	_pe_s=TERM
	if [ "${1:-}" = -s ]; then
		_pe_s=$2
		shift 2
	fi
	for _pe_p in "$@"; do
		kill -"$_pe_s" "$_pe_p" 2>/dev/null
	done
	_pe_i=0
	for _pe_p in "$@"; do
		while pid_alive "$_pe_p" && [ $_pe_i -lt 100 ]; do
			sleep 0.1
			_pe_i=$((_pe_i + 1))
		done
		pid_alive "$_pe_p" || continue
		# SIGKILL only to this shell's own child: a pid left in PIDS
		# after its process was reaped may be another's by now.
		if [ "$(sed -n 's/.*) . \([0-9]*\) .*/\1/p' \
		    "/proc/$_pe_p/stat" 2>/dev/null)" = "$$" ]; then
			echo "# pid $_pe_p ($(cat "/proc/$_pe_p/comm" \
			    2>/dev/null)) still runs 10 s after SIG$_pe_s: SIGKILL"
			kill -KILL "$_pe_p" 2>/dev/null
		else
			echo "# pid $_pe_p still runs 10 s after SIG$_pe_s; not" \
			    "this test's child: left alone"
		fi
	done
	unset _pe_p _pe_i _pe_s
}

# pid_stop PID: end a process this test started, reap it, forget it.
pid_stop() {
	pids_end "$1"
	wait "$1" 2>/dev/null
	pids_forget "$1"
}

# kill_pidfiles FILE...: SIGTERM the processes named in these pidfiles
# (dhclient's, which daemonise); for pxed_at_exit.
kill_pidfiles() {
	for _kp_f in "$@"; do
		[ -s "$_kp_f" ] && kill "$(cat "$_kp_f")" 2>/dev/null
	done
	unset _kp_f
	return 0
}

pids_forget() {
	_pf_l=
	for _pf_p in $PIDS; do
		[ "$_pf_p" = "$1" ] || _pf_l="$_pf_l $_pf_p"
	done
	PIDS=$_pf_l
	unset _pf_l _pf_p
}

# Not through a shell function or a subshell: $! must be pxed itself
# (ip netns exec execs it).
pxed_start() {
	_ps_ns= _ps_re="pxed .* started" _ps_t=5 _ps_app=
	OPTIND=1
	while getopts n:w:t:a _ps_o; do
		case $_ps_o in
		n)	_ps_ns=$OPTARG;;
		w)	_ps_re=$OPTARG;;
		t)	_ps_t=$OPTARG;;
		a)	_ps_app=1;;
		*)	echo "pxed_start: bad option" >&2; exit 99;;
		esac
	done
	shift $((OPTIND - 1))
	_ps_log=$1
	shift
	[ -n "$_ps_app" ] || : > "$_ps_log"
	if [ -n "$_ps_ns" ]; then
		ip netns exec "$_ps_ns" "$PXED" -d "$@" >> "$_ps_log" 2>&1 &
	else
		"$PXED" -d "$@" >> "$_ps_log" 2>&1 &
	fi
	PXPID=$!
	PIDS="$PIDS $PXPID"
	if [ -n "$_ps_re" ] && ! wait_log "$_ps_log" "$_ps_re" "$_ps_t"; then
		cat "$_ps_log"
		exit 99
	fi
	return 0
}

pxed_stop() {
	pids_end -s "${1:-TERM}" "$PXPID"
	wait "$PXPID" 2>/dev/null
	_ps_rc=$?
	pids_forget "$PXPID"
	return $_ps_rc
}
