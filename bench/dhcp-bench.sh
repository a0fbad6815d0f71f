#!/bin/sh
# dhcp-bench.sh: compare DHCPv4 servers (dnsmasq, Kea, pxed) with Kea's
# perfdhcp inside a private pair of network namespaces.  Not a test: it
# prints figures.  Needs root, perfdhcp (kea-admin), kea-dhcp4 and dnsmasq;
# installs what it lacks with apt-get.
#
# usage: bench/dhcp-bench.sh [--servers "dnsmasq kea pxed"] [--pxed PATH]
#            [--duration S] [--leases N] [--fill-timeout S]
#            [--cpu-rate R] [--keep]
#
# Every server runs alone, pinned to CPU 0 in the server namespace
# (10.78.0.1/16), and is restarted with an empty lease store before each
# measurement; perfdhcp runs pinned to CPU 1 in the client namespace
# (10.78.0.2) on its veth.  Every client of a run is a new one (-R), so
# every exchange grants a new lease.  For each server:
#   a) overload: perfdhcp without a rate limit for 2 s: completed DORA/s,
#      the share of DISCOVERs left without an ACK (perfdhcp sends ~30,000
#      DISCOVERs a second this way) and server CPU per completed DORA;
#   b) DORA/s at < 1 % failure: runs of S seconds (default 5) at a fixed
#      rate (-r), searched from the overload figure: up by x1.5 while the
#      failures stay under 1 %, down by x0.7 until they do, then bisected
#      to within 5 % (at most 10 runs).  The figure is marked
#      "perfdhcp-bound" (the server may do more) when, at the rates that
#      decided it, perfdhcp could not send at the rate asked, lost replies
#      in its own socket buffer, or kept CPU 1 >= 90 % busy while the
#      server stayed < 90 %; else "server-bound";
#   c) server CPU time per DORA (microseconds) over an S-second run at a
#      fixed rate: half the rate of b), or --cpu-rate R for every server;
#   d) VmRSS (kB) of the server once N clients (default 50000) have been
#      granted a lease, and the number of leases in its lease file then.
#      The lease store is filled in chunks of new clients at a rate that
#      adapts to the drops, for at most --fill-timeout seconds (default
#      240): a server that slows down as its store grows (dnsmasq rewrites
#      and fsyncs its whole lease file for every lease) may stop short of
#      N, and the table says how many it had.
# Server CPU time comes from a cgroup the server is put in, perfdhcp's
# from another; without cgroups, from utime+stime of /proc/PID/stat.  A
# run in which the server waited for CPU 0 (schedstat) >= 5 % of the time,
# or perfdhcp fell behind while idle, is run once more; the table counts
# the disturbed runs.
# perfdhcp acts as a relay agent (source 10.78.0.2:67, giaddr 10.78.0.2,
# no broadcast flag; -B only sets SO_BROADCAST): the servers answer by
# unicast to 10.78.0.2:67, so they must serve relayed requests.
#
# Traffic stays between the two namespaces (10.78.0.1 <-> 10.78.0.2).

set -u

BENCH=dhcp-bench
. "$(dirname "$0")/lib.sh"

PXED=${PXED:-/tmp/build/daemon/pxed}
SERVERS="dnsmasq kea pxed"
DUR=5			# seconds of each fixed-rate run
LEASES=50000		# leases granted before reading VmRSS
FILL_TMO=240		# limit on filling the lease store, seconds
CPU_RATE=		# fixed rate of the CPU run (default: half of b)
KEEP=

usage() {
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--servers) [ $# -ge 2 ] || usage; SERVERS=$2; shift 2;;
	--pxed) [ $# -ge 2 ] || usage; PXED=$2; shift 2;;
	--duration) [ $# -ge 2 ] || usage; DUR=$2; shift 2;;
	--leases) [ $# -ge 2 ] || usage; LEASES=$2; shift 2;;
	--fill-timeout) [ $# -ge 2 ] || usage; FILL_TMO=$2; shift 2;;
	--cpu-rate) [ $# -ge 2 ] || usage; CPU_RATE=$2; shift 2;;
	--keep) KEEP=1; shift;;
	-h|--help) usage;;
	*) echo "dhcp-bench: unknown argument '$1'" >&2; usage;;
	esac
done
for v in "$DUR" "$LEASES" "$FILL_TMO" ${CPU_RATE:+"$CPU_RATE"}; do
	case $v in
	''|*[!0-9]*|0) echo "dhcp-bench: '$v' is not a positive number" >&2
		exit 2;;
	esac
done
for s in $SERVERS; do
	case $s in
	dnsmasq|kea|pxed) ;;
	*) echo "dhcp-bench: unknown server '$s' (dnsmasq, kea, pxed)" >&2
		exit 2;;
	esac
done

# The pool: 10.78.1.0 - 10.78.250.255, 64,000 addresses.  One run never
# asks for more than RUN_MAX leases, and the server is restarted empty
# between runs.
POOL_FIRST=10.78.1.0
POOL_LAST=10.78.250.255
POOL_MASK=255.255.0.0
POOL_SIZE=64000
RUN_MAX=50000
if [ "$LEASES" -gt 60000 ]; then
	echo "dhcp-bench: --leases at most 60000 (the pool has $POOL_SIZE" \
	    "addresses)" >&2
	exit 2
fi
NETNS_SRV_IP=10.78.0.1
NETNS_CLI_IP=10.78.0.2
NETNS_PLEN=16
WAIT_US=300000		# perfdhcp -W: how long it waits for late replies
LEASE_SECS=43200	# lease time, far beyond the run
MAX_STEPS=10		# fixed-rate runs in the search
OV_SECS=2		# the overload run

# ---- state for the cleanup trap ----
T=
CGC=
TPID=		# the timeout(1) wrapping the running server (own pgrp)
SPID=		# the server itself
PPID_=		# the timeout(1) wrapping the running perfdhcp (own pgrp)


stop_perf() {
	[ -n "$PPID_" ] || return 0
	kill -TERM "-$PPID_" 2>/dev/null
	sleep 0.1
	kill -KILL "-$PPID_" 2>/dev/null
	wait "$PPID_" 2>/dev/null
	PPID_=
}

cleanup() {
	trap - EXIT INT TERM HUP
	stop_perf
	stop_server
	netns_cleanup
	for d in "$CG" "$CGC"; do
		[ -n "$d" ] && [ -d "$d" ] || continue
		i=0
		while ! rmdir "$d" 2>/dev/null && [ $i -lt 20 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	done
	if [ -n "$T" ] && [ -d "$T" ]; then
		if [ -n "$KEEP" ]; then
			log "kept $T"
		else
			rm -rf "$T"
		fi
	fi
}

# ---- requirements ----
netns_require

need taskset util-linux
need timeout coreutils
need perfdhcp kea-admin
case " $SERVERS " in *" dnsmasq "*) need dnsmasq dnsmasq-base;; esac
case " $SERVERS " in *" kea "*)
	if ! command -v kea-dhcp4 >/dev/null 2>&1; then
		apt_install kea-dhcp4-server
		# the package may start its own service on the host: we
		# never use it, stop it
		command -v service >/dev/null 2>&1 &&
		    service kea-dhcp4-server stop >/dev/null 2>&1
	fi;;
esac
command -v perfdhcp >/dev/null 2>&1 || netns_fail "no perfdhcp (kea-admin)"

T=$(mktemp -d /tmp/dhcp-bench.XXXXXX) || exit 1
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---- cgroups for CPU accounting ----
# One for the server (CG), one for perfdhcp (CGC), side by side; CGKIND is
# v2 or v1 (cpuacct).
if bench_cgroup; then
	set -- $(cg_make "dhcp-bench-cli.$$")
	[ $# -eq 2 ] && CGC=$2
else
	log "no usable cgroup: server CPU from /proc/PID/stat"
fi

CPU_SRC=stat
cpu_now() {	# server CPU seconds so far
	case $CPU_SRC in
	stat) sed 's/^.*) //' "/proc/$SPID/stat" 2>/dev/null |
	    awk -v hz="$HZ" '{ printf "%.6f\n", ($12 + $13) / hz }';;
	*) cg_cpu "$CG" 6;;
	esac
}

bench_idle_check
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- namespaces ----
netns_setup "pxdb$$" || { log "netns_setup failed"; exit 1; }
SIF=$NETNS_SRV_IF
CIF=$NETNS_CLI_IF

# ---- servers ----
# Each run starts from an empty lease store.

write_confs() {
	cat > "$T/kea.json" <<EOF
{
  "Dhcp4": {
    "interfaces-config": { "interfaces": [ "$SIF" ] },
    "lease-database": {
      "type": "memfile",
      "persist": true,
      "name": "$T/kea.leases",
      "lfc-interval": 0
    },
    "valid-lifetime": $LEASE_SECS,
    "subnet4": [ {
      "id": 1,
      "subnet": "10.78.0.0/16",
      "pools": [ { "pool": "$POOL_FIRST - $POOL_LAST" } ]
    } ],
    "loggers": [ {
      "name": "kea-dhcp4",
      "output_options": [ { "output": "stderr" } ],
      "severity": "WARN"
    } ]
  }
}
EOF
	mkdir -p "$T/tftproot"
	cat > "$T/pxed.conf" <<EOF
log-level = warning
dhcp {
  mode = server
  lease-file = "$T/pxed.leases"
  range "bench" {
    start = $POOL_FIRST
    end = $POOL_LAST
    netmask = 255.255.0.0
  }
}
tftp { enable = no }
http { enable = no }
EOF
}

# start_server NAME MACBASE: start it with an empty lease store, wait until
# a DORA from MACBASE succeeds (<= 10 s).  Sets TPID/SPID; non-zero (and
# WHY) if it cannot start or does not answer.
start_server() {
	name=$1
	lg=$T/$name.log
	life=$((FILL_TMO + DUR * 40 + 600))	# bounded lifetime
	rm -f "$T/dnsmasq.leases" "$T/kea.leases" "$T/kea.leases".* \
	    "$T/pxed.leases" "$T/pxed.leases".*
	case $name in
	dnsmasq)
		comm=dnsmasq
		# --quiet-dhcp: no log line per packet, as Kea (WARN) and
		# pxed (warning) are run
		timeout -k 5 $life ip netns exec "$NS_SRV" \
		    taskset -c $SRV_CPU dnsmasq --no-daemon --port=0 \
		    --conf-file=/dev/null --no-ping --quiet-dhcp \
		    --log-facility=- --pid-file= \
		    --interface="$SIF" --bind-interfaces \
		    --dhcp-range="$POOL_FIRST,$POOL_LAST,$POOL_MASK,$LEASE_SECS" \
		    --dhcp-lease-max=100000 \
		    --dhcp-leasefile="$T/dnsmasq.leases" >> "$lg" 2>&1 &
		;;
	kea)
		comm=kea-dhcp4
		timeout -k 5 $life ip netns exec "$NS_SRV" \
		    env KEA_PIDFILE_DIR="$T" KEA_LOCKFILE_DIR="$T" \
		    taskset -c $SRV_CPU kea-dhcp4 -c "$T/kea.json" \
		    >> "$lg" 2>&1 &
		;;
	pxed)
		comm=pxed
		timeout -k 5 $life ip netns exec "$NS_SRV" \
		    taskset -c $SRV_CPU "$PXED" -d -f "$T/pxed.conf" \
		    -i "$SIF" -r "$T/tftproot" >> "$lg" 2>&1 &
		;;
	esac
	TPID=$!
	# timeout(1) -> ip netns exec [-> env] -> taskset, each exec'ing
	# the next: its one child ends up being the server
	i=0
	SPID=
	while [ $i -lt 50 ]; do
		p=$(cat "/proc/$TPID/task/$TPID/children" 2>/dev/null |
		    awk '{ print $1 }')
		if [ -n "$p" ] &&
		    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$comm" ]; then
			SPID=$p
			break
		fi
		kill -0 "$TPID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	if [ -z "$SPID" ]; then
		WHY="did not start: $(tail -1 "$lg")"
		stop_server
		return 1
	fi
	CPU_SRC=stat
	if [ -n "$CG" ]; then
		if echo "$SPID" > "$CG/cgroup.procs" 2>/dev/null; then
			CPU_SRC=$CGKIND
		else
			log "could not move $name into $CG: CPU from /proc stat"
		fi
	fi
	deadline=$(( $(date +%s) + 10 ))
	while [ "$(date +%s)" -lt $deadline ]; do
		if ! kill -0 "$SPID" 2>/dev/null; then
			WHY="exited: $(tail -1 "$lg")"
			stop_server
			return 1
		fi
		d=$DISTURBED
		perf 5 "$2" -R 3 -r 20 -n 3 -p 2 >/dev/null 2>&1
		DISTURBED=$d
		[ "$P_ACK" -ge 1 ] && return 0
		sleep 0.3
	done
	WHY="no DHCP answer within 10 s"
	stop_server
	return 1
}

# ---- perfdhcp ----
# Every client MAC is 00:0c:XX:YY:ZZ:ZZ: perfdhcp adds the client number
# (< 65536) to the last two octets of the base; XX:YY changes with every
# run, so that no two runs share a client.
DISTURBED=0	# perfdhcp runs during which the server waited for its CPU
MACN=0
next_base() {
	MACN=$((MACN + 1))
	BASE=$(printf '00:0c:%02x:%02x:00:00' $((MACN / 256 % 256)) \
	    $((MACN % 256)))
}

# srv_waited: nanoseconds the server's threads have spent runnable but
# waiting for a CPU (schedstat): other work on CPU 0 shows up here
srv_waited() {
	cat /proc/"$SPID"/task/*/schedstat 2>/dev/null |
	    awk '{ n += $2 } END { printf "%.0f\n", n }'
}

cli_rcvbuf_errors() {
	ip netns exec "$NS_CLI" awk '$1 == "Udp:" && $2 ~ /^[0-9]/ {
		n = $6 } END { print n + 0 }' /proc/net/snmp 2>/dev/null ||
	    echo 0
}
srv_sock_drops() {
	ip netns exec "$NS_SRV" ss -a -u -0 -m 2>/dev/null |
	    awk '{ while (match($0, /,d[0-9]+\)/)) {
		n += substr($0, RSTART + 2, RLENGTH - 3)
		$0 = substr($0, RSTART + RLENGTH) } } END { print n + 0 }'
}

# perf BOUND MACBASE PERFDHCP-ARGS...: one perfdhcp in the client
# namespace, killed after BOUND seconds at most.  Sets P_DS (DISCOVERs
# sent), P_ACK (ACKs received), P_DROP (% of DISCOVERs without an ACK),
# P_WALL (seconds), P_SEND (seconds spent sending: wall less start-up and
# -W), P_CPU (server CPU seconds meanwhile) and P_C1: how busy perfdhcp
# kept CPU 1, in % of the wall time (from its cgroup: its threads and
# the kernel's work done on their behalf, which includes most of the
# veth traffic both ways; else from /proc/stat, which in some VMs is
# far off).  P_CDROP: replies dropped because perfdhcp's socket buffer
# was full (Udp RcvbufErrors of the client namespace); P_SDROP: requests
# dropped at the server's sockets, full buffers (ss -m "d", UDP and
# packet sockets of the server namespace).  P_WAIT: % of the wall time
# the server was runnable but waiting for CPU 0 (disturbed by other work).
perf() {
	bound=$1 base=$2
	shift 2
	pc0=$(cpu_now)
	cd0=$(cli_rcvbuf_errors)
	sd0=$(srv_sock_drops)
	sw0=$(srv_waited)
	if [ -n "$CGC" ]; then
		cc0=$(cg_cpu "$CGC" 6)
	else
		read -r c1b0 c1t0 <<EOF
$(cpu_busy $CLI_CPU)
EOF
	fi
	pt0=$(date +%s%N)
	timeout -k 2 "$bound" sh -c '[ -z "$0" ] ||
	    echo $$ > "$0/cgroup.procs" || exit 125; exec "$@"' "$CGC" \
	    ip netns exec "$NS_CLI" taskset -c $CLI_CPU \
	    perfdhcp -4 -B -l "$CIF" -W $WAIT_US -b "mac=$base" "$@" \
	    > "$T/perf.out" 2>&1 &
	PPID_=$!
	wait "$PPID_"
	prc=$?
	PPID_=
	pt1=$(date +%s%N)
	pc1=$(cpu_now)
	P_CDROP=$(( $(cli_rcvbuf_errors) - cd0 ))
	P_SDROP=$(( $(srv_sock_drops) - sd0 ))
	sw1=$(srv_waited)
	P_WALL=$(awk -v a="$pt0" -v b="$pt1" \
	    'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	if [ -n "$CGC" ]; then
		P_C1=$(awk -v a="$cc0" -v b="$(cg_cpu "$CGC" 6)" -v w="$P_WALL" \
		    'BEGIN { printf "%d", 100 * (b - a) / w }')
	else
		set -- $(cpu_busy $CLI_CPU) 0 0
		P_C1=$(pct "$c1b0" "$c1t0" "$1" "$2")
	fi
	[ $prc -eq 124 ] && log "perfdhcp killed after $bound s"
	[ $prc -eq 125 ] && log "perfdhcp: cannot join $CGC"
	eval "$(awk '
		/Statistics for: DISCOVER-OFFER/ { s = "d" }
		/Statistics for: REQUEST-ACK/ { s = "a" }
		/^sent packets:/ && s == "d" { ds = $3 }
		/^received packets:/ && s == "a" { ack = $3 }
		END { printf "P_DS=%d P_ACK=%d\n", ds, ack }' "$T/perf.out")"
	P_DROP=$(awk -v d="$P_DS" -v a="$P_ACK" 'BEGIN {
		if (d > 0) printf "%.2f", 100 * (d - a) / d; else print 100 }')
	P_SEND=$(awk -v w="$P_WALL" -v x="$WAIT_US" 'BEGIN {
		s = w - x / 1e6 - 0.05; if (s < 0.01) s = 0.01
		printf "%.3f", s }')
	P_CPU=$(awk -v a="$pc0" -v b="$pc1" 'BEGIN { printf "%.6f", b - a }')
	P_WAIT=$(awk -v a="$sw0" -v b="$sw1" -v w="$P_WALL" \
	    'BEGIN { printf "%d", (b - a) / 1e7 / w }')
	[ "$P_WAIT" -ge 5 ] && DISTURBED=$((DISTURBED + 1))
}

ceil_div() { echo $(( ($1 + $2 - 1) / $2 )); }

# fixed RATE: one fixed-rate run of DUR seconds (at most RUN_MAX clients)
# on a freshly started server.  Sets the P_* figures, F_OK=1 for < 1 %
# failure, F_RATE (the rate reached: RATE, or less when perfdhcp could not
# send that fast), F_SRV (server CPU %, over the sending time) and F_CB=1
# when perfdhcp was the limit: it could not send at RATE, or CPU 1 was
# saturated (perfdhcp >= 90 % busy) while the server was not (< 90 %).
# perfdhcp and the kernel's work for both ends of the veth share CPU 1.
fixed() {
	rate=$1
	cnt=$((rate * DUR))
	[ $cnt -gt $RUN_MAX ] && cnt=$RUN_MAX
	[ $cnt -lt 100 ] && cnt=100
	secs=$(ceil_div $cnt "$rate")
	attempt=0
	while :; do
		attempt=$((attempt + 1))
		fixed_once || return 1
		[ $attempt -lt 2 ] || break
		# perfdhcp fell behind without being busy, or the server
		# waited for its CPU: something else ran; once more
		if [ "$sent_rate" -lt $((rate * 9 / 10)) ] &&
		    [ "$P_C1" -lt 90 ]; then
			log "$CUR: perfdhcp fell behind while not busy:" \
			    "once more"
		elif [ "$P_WAIT" -ge 5 ]; then
			log "$CUR: the server waited for CPU $SRV_CPU" \
			    "$P_WAIT% of the time: once more"
		else
			break
		fi
	done
	return 0
}

fixed_once() {
	next_base
	F_OK=0 F_CB=0 F_RATE=0 F_SRV=0 sent_rate=0
	if ! start_server "$CUR" "$BASE"; then
		log "$CUR: $WHY"
		P_DS=0 P_ACK=0 P_DROP=100 P_CPU=0 P_C1=0 P_SEND=1
		return 1
	fi
	# -R above -n: the few DISCOVERs perfdhcp sends past -n are new
	# clients too
	perf $((secs + 20)) "$BASE" -R $((cnt + 1000)) -n $cnt -r "$rate" \
	    -p $((secs + 5))
	alive=yes
	kill -0 "$SPID" 2>/dev/null || alive=no
	stop_server
	sent_rate=$(awk -v d="$P_DS" -v s="$P_SEND" \
	    'BEGIN { printf "%d", d / s }')
	F_SRV=$(awk -v c="$P_CPU" -v s="$P_SEND" \
	    'BEGIN { printf "%d", 100 * c / s }')
	F_RATE=$rate
	if [ "$sent_rate" -lt $((rate * 9 / 10)) ]; then
		F_CB=1 F_RATE=$sent_rate
	fi
	[ "$P_C1" -ge 90 ] && [ "$F_SRV" -lt 90 ] && F_CB=1
	# perfdhcp itself lost replies, as many as half the failures
	[ "$P_ACK" -lt "$P_DS" ] &&
	    [ $((P_CDROP * 2)) -ge $((P_DS - P_ACK)) ] && F_CB=1
	awk -v d="$P_DROP" 'BEGIN { exit !(d < 1) }' && F_OK=1
	[ $alive = yes ] || { F_OK=0; log "$CUR died during the run"; }
	log "$CUR: rate $rate/s x $cnt: $P_ACK of $P_DS DORA done" \
	    "($P_DROP % failed), sent at $sent_rate/s; server CPU $F_SRV%," \
	    "perfdhcp CPU $P_C1%; dropped by the server's sockets" \
	    "$P_SDROP, by perfdhcp's $P_CDROP; server waited for CPU" \
	    "$P_WAIT%$([ $F_CB = 1 ] && echo ': perfdhcp-bound')"
	return 0
}

# 2 significant digits
round2() {
	awk -v x="$1" 'BEGIN {
		if (x < 10) { printf "%d", (x < 1 ? 1 : x); exit }
		m = 1; while (x >= 100) { x /= 10; m *= 10 }
		printf "%d", int(x + 0.5) * m }'
}

# search: the highest rate with < 1 % failure, starting from the overload
# figure OV_RATE: up x1.5 while it passes, down x0.7 while it fails, then
# bisection to within 5 %.  Sets S_RATE (0: none)
# and S_HOW: "server-bound" when the lowest failing rate had the server
# saturated or CPU 1 not, "perfdhcp-bound" when perfdhcp was the limit
# there (the server may do more), "not bounded" when nothing failed.
search() {
	r=$(round2 "$OV_RATE")
	[ "$r" -lt 10 ] && r=10
	lo=0 hi=0 lo_cb=0 hi_cb=0 steps=0
	while [ $steps -lt $MAX_STEPS ]; do
		steps=$((steps + 1))
		fixed "$r" || { S_RATE=0; S_HOW="did not start"; return; }
		if [ $F_OK = 1 ]; then
			lo=$F_RATE lo_cb=$F_CB
		else
			hi=$r hi_cb=$F_CB
		fi
		if [ "$hi" -eq 0 ]; then
			r=$(awk -v r="$r" 'BEGIN { printf "%d", r * 1.5 + 1 }')
		elif [ "$lo" -eq 0 ]; then
			[ "$r" -le 10 ] && break
			r=$(awk -v r="$r" 'BEGIN { printf "%d", r * 0.7 }')
			[ "$r" -lt 10 ] && r=10
		else
			awk -v l="$lo" -v h="$hi" \
			    'BEGIN { exit !(h <= l * 1.05) }' && break
			r=$(( (lo + hi) / 2 ))
		fi
	done
	S_RATE=$lo
	if [ "$lo_cb" = 1 ] || [ "$hi_cb" = 1 ]; then
		S_HOW=perfdhcp-bound
	elif [ "$hi" -eq 0 ]; then
		S_HOW="not bounded"
	else
		S_HOW=server-bound
	fi
	[ "$steps" -ge $MAX_STEPS ] &&
	    log "$CUR: search stopped after $MAX_STEPS runs (hi $hi/s)"
}

# store_count NAME: live leases in the server's lease file
store_count() {
	case $1 in
	dnsmasq)
		# rewritten in place on every change: read it twice, alike
		a=x b=y i=0
		while [ "$a" != "$b" ] && [ $i -lt 20 ]; do
			a=$(wc -l < "$T/dnsmasq.leases" 2>/dev/null)
			sleep 0.2
			b=$(wc -l < "$T/dnsmasq.leases" 2>/dev/null)
			i=$((i + 1))
		done
		echo "${b:-0}" | tr -d ' ';;
	kea)
		# memfile CSV: appended; the last line of an address wins;
		# state 0 is a live lease
		awk -F, 'NR > 1 { s[$1] = $10 } END {
			n = 0; for (a in s) if (s[a] == "0") n++; print n }' \
		    "$T/kea.leases" 2>/dev/null || echo 0;;
	pxed)
		# journal: A (ACKed), R (released), D (declined); last wins
		awk '$1 == "A" { s[$2] = 1 }
		    $1 == "R" || $1 == "D" { delete s[$2] }
		    END { n = 0; for (a in s) n++; print n }' \
		    "$T/pxed.leases" 2>/dev/null || echo 0;;
	esac
}

# fill: a fresh server granted LEASES leases (or as many as it can in
# FILL_TMO s); sets FL_ACK, FL_RSS (kB), FL_STORE, FL_SECS
fill() {
	FL_ACK=0 FL_RSS=- FL_STORE=- FL_SECS=0
	rate=$S_RATE
	[ "$rate" -lt 5 ] && rate=5
	next_base
	start_server "$CUR" "$BASE" || { log "$CUR: $WHY"; return 1; }
	ft0=$(date +%s)
	fl_sent=0
	while [ $FL_ACK -lt "$LEASES" ]; do
		left=$((ft0 + FILL_TMO - $(date +%s)))
		[ $left -le 0 ] && { log "$CUR: fill: out of time"; break; }
		cnt=$((rate * DUR))
		[ $cnt -lt 100 ] && cnt=100
		[ $cnt -gt $((rate * left)) ] && cnt=$((rate * left))
		[ $cnt -gt $((LEASES - FL_ACK)) ] && cnt=$((LEASES - FL_ACK))
		[ $cnt -gt $RUN_MAX ] && cnt=$RUN_MAX
		# every DISCOVER of a failed exchange may hold an address too
		[ $cnt -gt $((POOL_SIZE - 500 - fl_sent)) ] &&
		    cnt=$((POOL_SIZE - 500 - fl_sent))
		if [ $cnt -lt 1 ]; then
			log "$CUR: fill: the pool is nearly used up"
			break
		fi
		secs=$(ceil_div $cnt "$rate")
		# the first chunk's first client is the one start_server used
		perf $((secs + 20)) "$BASE" -R $((cnt + 1000)) -n $cnt \
		    -r "$rate" -p $((secs + 5))
		next_base
		FL_ACK=$((FL_ACK + P_ACK))
		fl_sent=$((fl_sent + P_DS))
		if ! kill -0 "$SPID" 2>/dev/null; then
			log "$CUR died while filling its lease store"
			FL_STORE=$(store_count "$CUR")
			stop_server
			return 1
		fi
		done_rate=$(awk -v d="$P_ACK" -v s="$P_SEND" \
		    'BEGIN { printf "%d", d / s }')
		log "$CUR: fill: $FL_ACK leases; $P_ACK of $P_DS at $rate/s" \
		    "($P_DROP % failed; dropped by the server's sockets" \
		    "$P_SDROP, by perfdhcp's $P_CDROP)"
		if awk -v d="$P_DROP" 'BEGIN { exit !(d > 1) }'; then
			rate=$((done_rate * 9 / 10))
		elif awk -v d="$P_DROP" 'BEGIN { exit !(d < 0.5) }'; then
			rate=$((rate * 11 / 10))
			[ "$rate" -gt "$S_RATE" ] && rate=$S_RATE
		fi
		[ "$rate" -lt 5 ] && rate=5
	done
	FL_SECS=$(( $(date +%s) - ft0 ))
	sleep 1
	FL_RSS=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$SPID/status")
	FL_STORE=$(store_count "$CUR")
	log "$CUR: $FL_ACK leases granted in $FL_SECS s; VmRSS $FL_RSS kB;" \
	    "$FL_STORE leases in its lease file"
	stop_server
}

# ---- run ----
write_confs
RES=$T/results
: > "$RES"
for s in $SERVERS; do
	log "=== $s ==="
	CUR=$s
	case $s in
	dnsmasq) command -v dnsmasq >/dev/null 2>&1 || {
		echo "dnsmasq|n/a (no dnsmasq)" >> "$RES"; continue; };;
	kea) command -v kea-dhcp4 >/dev/null 2>&1 || {
		echo "kea|n/a (no kea-dhcp4)" >> "$RES"; continue; }
		if ! out=$(ip netns exec "$NS_SRV" env KEA_PIDFILE_DIR="$T" \
		    KEA_LOCKFILE_DIR="$T" kea-dhcp4 -t "$T/kea.json" 2>&1)
		then
			echo "kea|n/a ($(echo "$out" | tail -1))" >> "$RES"
			continue
		fi;;
	pxed) if [ ! -x "$PXED" ]; then
			echo "pxed|n/a (no pxed at $PXED)" >> "$RES"
			continue
		fi
		out=$("$PXED" -t -f "$T/pxed.conf" 2>&1)
		rc=$?
		if [ $rc -ne 0 ]; then
			why=$(echo "$out" | grep . | head -1)
			echo "pxed|n/a (pxed -t rejects the config:" \
			    "${why:-exit code $rc})" >> "$RES"
			continue
		fi;;
	esac
	dist0=$DISTURBED
	# a) overload
	next_base
	if ! start_server "$s" "$BASE"; then
		log "$s: $WHY"
		echo "$s|n/a ($WHY)" >> "$RES"
		continue
	fi
	# as fast as perfdhcp can send, for OV_SECS: no -n (it would end the
	# run as soon as that many DISCOVERs are out, long before the
	# server has worked through its backlog); 60000 clients at most, so
	# the pool cannot run out
	perf $((OV_SECS + 20)) "$BASE" -R 60000 -p $OV_SECS
	stop_server
	# perfdhcp sometimes takes seconds to exit after such a run: count
	# -p and -W only
	ovt=$(awk -v w="$P_WALL" -v p="$OV_SECS" -v x="$WAIT_US" 'BEGIN {
		t = p + x / 1e6; if (w - 0.05 < t) t = w - 0.05
		if (t < 0.1) t = 0.1; printf "%.3f", t }')
	OV_RATE=$(awk -v d="$P_ACK" -v t="$ovt" 'BEGIN { printf "%d", d / t }')
	OV_DROP=$P_DROP
	OV_CPU=$(awk -v c="$P_CPU" -v n="$P_ACK" 'BEGIN {
		if (n > 0) printf "%.0f", c * 1e6 / n; else printf "-" }')
	log "$s: overload: $P_ACK of $P_DS DORA done in $ovt s:" \
	    "$OV_RATE/s, $OV_DROP % failed; server CPU $(awk -v c="$P_CPU" \
	    -v t="$ovt" 'BEGIN { printf "%d", 100 * c / t }')%, perfdhcp" \
	    "CPU $P_C1%; dropped by the server's sockets $P_SDROP, by" \
	    "perfdhcp's $P_CDROP; server waited for CPU $P_WAIT%"
	# b) rate search
	search
	log "$s: $S_RATE DORA/s at < 1 % failure ($S_HOW)"
	# c) CPU per DORA
	cr=${CPU_RATE:-$((S_RATE / 2))}
	[ "$cr" -lt 5 ] && cr=5
	CPU_US=-
	if fixed "$cr" && [ "$P_ACK" -gt 0 ]; then
		CPU_US=$(awk -v c="$P_CPU" -v n="$P_ACK" \
		    'BEGIN { printf "%.0f", c * 1e6 / n }')
		log "$s: $CPU_US us of server CPU per DORA at $cr/s"
	fi
	# d) RSS with LEASES leases
	fill
	printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$s" "$S_RATE" \
	    "$S_HOW" "$OV_RATE" "$OV_DROP" "$CPU_US" "$cr" "$FL_RSS" \
	    "$FL_ACK" "$FL_STORE" "$FL_SECS" "$OV_CPU" \
	    $((DISTURBED - dist0)) >> "$RES"
done

echo
echo "DHCPv4 servers, perfdhcp DORA with a new client each; server on CPU" \
    "$SRV_CPU, perfdhcp on CPU $CLI_CPU;"
echo "$DUR s per fixed-rate run; server CPU from" \
    "$([ -n "$CG" ] && echo "a cgroup ($CGKIND)" || echo "/proc/PID/stat");" \
    "CPUs busy before the run: $BUSY0%, load average $LOAD0"
echo "DORA/s: highest rate with < 1 % of DISCOVERs left without an ACK;" \
    "limit: what stopped it (perfdhcp-bound: perfdhcp and CPU $CLI_CPU were" \
    "saturated, the server may do more)"
echo "overload: perfdhcp without -r for $OV_SECS s; CPU us/DORA: server CPU" \
    "per completed DORA at the rate shown, and in the overload run"
[ "$DISTURBED" -gt 0 ] &&
    echo "WARNING: in $DISTURBED perfdhcp runs the server waited >= 5 % of" \
    "the time for CPU $SRV_CPU: other work ran, figures are skewed"
echo "RSS: VmRSS once the leases were granted; store: live leases in the" \
    "lease file then"
echo
awk -F'|' -v n="$LEASES" '
function row(a, b, c, d, e, f, g, h, i, j) {
	printf "%-8s %8s  %-15s %14s %12s %9s %8s %8s %7s  %s\n", a, b, c,
	    d, e, f, g, h, i, j
}
BEGIN {
	row("server", "DORA/s", "limit", "overload", "CPU us/DORA",
	    "CPU us/", "RSS kB", "leases", "store", "")
	row("", "<1% fail", "", "DORA/s (fail)", "@ rate/s", "DORA ovl",
	    "", "granted", "", "")
}
NF == 2 { printf "%-8s %s\n", $1 ":", $2; next }
{
	note = ($9 < n) ? sprintf("(%d s: short of %d)", $11, n) : ""
	if ($13 > 0)
		note = note (note == "" ? "" : " ") \
		    sprintf("(%d runs disturbed)", $13)
	row($1, $2, $3, sprintf("%d (%.0f%%)", $4, $5),
	    sprintf("%s @ %s", $6, $7), $12, $8, $9, $10, note)
}' "$RES"
