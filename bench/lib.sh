# bench/lib.sh: what the benchmarks share.  POSIX sh.  Set BENCH (the
# script's name: messages and cgroup names) and source it; it sources
# tests/netns.sh too.
#
#   log MESSAGE...           "$BENCH: MESSAGE" on stderr.
#   apt_install PACKAGE...   apt-get install (after one apt-get update).
#   need COMMAND PACKAGE     install PACKAGE unless COMMAND is on PATH
#                            (/usr/sbin and /sbin are added to PATH).
# CPU accounting:
#   cg_make NAME             a new cgroup NAME beside this shell's own, for
#                            CPU accounting: prints "v2 DIR" (cpu.stat) or
#                            "v1 DIR" (cpuacct); fails when neither works.
#   bench_cgroup             cg_make "$BENCH.$$" into CGKIND and CG;
#                            fails (CG empty) when there is none.
#   cg_cpu DIR [DECIMALS]    CPU seconds of cgroup DIR (of kind CGKIND)
#                            so far, with DECIMALS (default 3) decimals.
#   cpu_busy N               "BUSY TOTAL" jiffies of CPU N from /proc/stat
#                            (of all CPUs with "").
#   pct B0 T0 B1 T1          % busy between two cpu_busy readings (0 if
#                            no time passed).
#   busy_now                 % of all CPUs busy over the next second.
#   bench_idle_check         busy_now into BUSY0, with a warning above
#                            10 %: other load skews every figure.
# Pinning: the server runs on CPU SRV_CPU (0) in namespace NS_SRV, the
# clients on CPU CLI_CPU (1) in NS_CLI:
#   in_cli_pinned CMD...     CMD in the client namespace, on CLI_CPU.

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$HERE")
. "$TOP/tests/netns.sh"

SRV_CPU=0
CLI_CPU=1
HZ=$(getconf CLK_TCK)
CG=
CGKIND=
PATH=$PATH:/usr/sbin:/sbin
export PATH

log() { echo "$BENCH: $*" >&2; }

APT_UPDATED=
apt_install() {
	if [ -z "$APT_UPDATED" ]; then
		log "apt-get update"
		apt-get update -qq >/dev/null 2>&1
		APT_UPDATED=1
	fi
	log "installing $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends "$@" >/dev/null 2>&1 ||
	    log "apt-get install $* failed"
}

need() {	# need COMMAND PACKAGE
	command -v "$1" >/dev/null 2>&1 || apt_install "$2"
}

cg_make() {	# cg_make NAME: prints the new cgroup's kind and directory
	for m in $(awk '$3 == "cgroup2" { print $2 }' /proc/mounts); do
		rel=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
		d="$m${rel%/}/$1"
		mkdir "$d" 2>/dev/null || continue
		if grep -q '^usage_usec' "$d/cpu.stat" 2>/dev/null; then
			echo "v2 $d"
			return 0
		fi
		rmdir "$d"
	done
	m=$(awk '$3 == "cgroup" && $4 ~ /(^|,)cpuacct(,|$)/ {
		print $2; exit }' /proc/mounts)
	rel=$(awk -F: '$2 ~ /(^|,)cpuacct(,|$)/ { print $3; exit }' \
	    /proc/self/cgroup)
	[ -n "$m" ] || return 1
	d="$m${rel%/}/$1"
	mkdir "$d" 2>/dev/null || return 1
	if [ -r "$d/cpuacct.usage" ]; then
		echo "v1 $d"
		return 0
	fi
	rmdir "$d"
	return 1
}

bench_cgroup() {
	set -- $(cg_make "$BENCH.$$")
	[ $# -eq 2 ] || return 1
	CGKIND=$1 CG=$2
}

cg_cpu() {	# cg_cpu DIR [DECIMALS]: CPU seconds of the cgroup so far
	case $CGKIND in
	v2) awk -v f="%.${2:-3}f\n" '$1 == "usage_usec" {
		printf f, $2 / 1e6 }' "$1/cpu.stat";;
	v1) awk -v f="%.${2:-3}f\n" '{ printf f, $1 / 1e9 }' \
	    "$1/cpuacct.usage";;
	esac
}

cpu_busy() {
	awk -v c="cpu$1" '$1 == c {
		b = $2 + $3 + $4 + $7 + $8 + $9
		print b, b + $5 + $6 }' /proc/stat
}

pct() {	# pct B0 T0 B1 T1: busy % in between
	awk -v b0="$1" -v t0="$2" -v b1="$3" -v t1="$4" 'BEGIN {
		if (t1 > t0) printf "%d", 100 * (b1 - b0) / (t1 - t0)
		else printf "0" }'
}

busy_now() {
	set -- $(cpu_busy "") 0 0
	sleep 1
	set -- $(cpu_busy "") "$1" "$2"
	pct "$3" "$4" "$1" "$2"
}

bench_idle_check() {
	BUSY0=$(busy_now)
	[ "$BUSY0" -gt 10 ] &&
	    log "warning: the CPUs are $BUSY0% busy before starting:" \
	    "figures will be skewed by whatever else runs"
	return 0
}

in_cli_pinned() {
	ip netns exec "$NS_CLI" taskset -c "$CLI_CPU" "$@"
}

# stop_server: end the server started as SPID under timeout(1) TPID (its
# own process group): SIGTERM to the server, up to 3 s for it to go, then
# whatever is left of the group (a forking server's children, nginx's
# worker) gets SIGTERM and SIGKILL.
stop_server() {
	[ -n "$TPID" ] || return 0
	if [ -n "$SPID" ] && kill -0 "$SPID" 2>/dev/null; then
		kill -TERM "$SPID" 2>/dev/null
		i=0
		while [ $i -lt 30 ] && kill -0 "$SPID" 2>/dev/null; do
			sleep 0.1
			i=$((i + 1))
		done
	fi
	kill -TERM "-$TPID" 2>/dev/null
	sleep 0.2
	kill -KILL "-$TPID" 2>/dev/null
	wait "$TPID" 2>/dev/null
	TPID= SPID=
}
