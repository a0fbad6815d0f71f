#!/bin/sh
# http-bench.sh: compare pxed's HTTP server with nginx inside a private
# pair of network namespaces.  Not a test: it prints figures.  Needs root;
# installs what it lacks (wrk, nginx-light, curl) with apt-get.
#
# usage: bench/http-bench.sh [--pxed PATH] [--servers "nginx pxed"]
#            [--duration S] [--connections C] [--clients N]
#            [--size-mib M] [--repeat R] [--perf] [--syscalls]
#            [--nginx-chunk SIZE] [--keep]
#
# Both servers serve the same directory, in rounds: each round starts
# every server in turn, makes one run of each kind below against it and
# stops it, and every figure is the median over the R rounds (--repeat,
# default 3).  So a drift of the machine over the minutes of a run (other
# guests on the host) falls on both servers alike instead of on whichever
# ran then.  Each server is pinned to CPU 0 in the server namespace
# (10.77.0.1); the clients are pinned to CPU 1 in the client namespace
# (10.77.0.2).  nginx runs with one worker,
# sendfile and tcp_nopush on, keep-alive (keepalive_requests 1000000),
# access_log off, from a config file in the temp dir; pxed runs as
# `pxed -d -f CONF -i IFACE -r ROOT` with log-level = warning (its
# per-request access log is an info message), DHCP in server mode, TFTP
# and HTTP on.  For each server:
#   a) requests/s for a 1 KiB file: wrk, 1 thread, C connections (default
#      64), S seconds (default 10); non-2xx answers and socket errors are
#      reported;
#   b) MiB/s for one M MiB download (default 64) with curl into tmpfs
#      (/dev/shm), checked with sha256sum;
#   c) N connections at once (default 100, at most 300), each downloading
#      a 1 MiB file: one curl --parallel --parallel-immediate (one process,
#      N connections, every transfer started at once); wall seconds of
#      that curl and MiB/s (N MiB over them);
# and the server's CPU seconds during each (for b, per download).  A
# failed run of a kind fails that kind for the server (so do the runs of
# a server that dies, which is then left out of the later rounds, with a
# note); a server that serves wrong content is out; one that does not
# start again keeps the medians of its rounds before, with a note.  In the first
# round pxed gets a second 1 KiB run, not in the table (perfdhcp keeps
# the clients' CPU busy beside wrk), during which its DHCP and TFTP are
# checked from the client namespace: 20 DHCP exchanges at 10/s (perfdhcp
# -4 -l IFACE -r 10 -n 20 -p 3 -W 1000000) and a 1 MiB TFTP download
# (curl tftp://, blksize 1468, sha256 checked), each also once on the
# idle server for comparison: success and latency are printed below the
# table.  The TFTP client runs at wrk's priority (BENCH_RT: real-time;
# at normal priority beside a real-time wrk it gets 5 % of the CPU and
# measures its own wait); perfdhcp stays at normal priority (it polls:
# at real-time priority it would shut wrk out).
# With --perf, one more 1 KiB run (S seconds) is made against pxed in the
# last round under `perf record -g -p PID`, and its top symbols are
# printed after the table; that run is not in the table.
# With --syscalls, each server's system calls and context switches are
# counted during the table's runs (perf stat on the syscall tracepoints,
# the server's process and its children: nginx's worker) and printed
# after the table per 1 KiB request, per big download and per 1 MiB of
# the N-connection run, over all rounds: how often each server enters the kernel and
# sleeps for the same work.  The tracepoints cost a little CPU in every
# run of both servers.
# --nginx-chunk SIZE sets nginx's sendfile_max_chunk (default 2m in
# nginx 1.22): 128k makes nginx send a file as libmicrohttpd does, 128
# KiB per call and turn of its loop (MHD_SENFILE_CHUNK_ in 0.9.75).
# Server CPU time comes from a cgroup the server is started in (every
# process and thread counted: nginx's master and worker); without one,
# from utime+stime+cutime+cstime of /proc/PID/stat of the server and its
# children.
#
# Traffic stays between the two namespaces (10.77.0.1 <-> 10.77.0.2).

set -u

BENCH=http-bench
. "$(dirname "$0")/lib.sh"

PXED=${PXED:-/tmp/build/daemon/pxed}
SERVERS="nginx pxed"
DUR=10			# seconds of each wrk run
CONNS=64		# wrk connections
CLIENTS=100		# connections of the N x 1 MiB run
SIZE_MIB=64		# the big download
REPEAT=3		# rounds (medians kept)
PERF=			# --perf: profile pxed in an extra 1 KiB run
SYSC=			# --syscalls: count the servers' system calls
NGX_CHUNK=		# --nginx-chunk: nginx's sendfile_max_chunk
KEEP=			# --keep: leave the temp dir (logs) behind

usage() {
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--pxed) [ $# -ge 2 ] || usage; PXED=$2; shift 2;;
	--servers) [ $# -ge 2 ] || usage; SERVERS=$2; shift 2;;
	--duration) [ $# -ge 2 ] || usage; DUR=$2; shift 2;;
	--connections) [ $# -ge 2 ] || usage; CONNS=$2; shift 2;;
	--clients) [ $# -ge 2 ] || usage; CLIENTS=$2; shift 2;;
	--size-mib) [ $# -ge 2 ] || usage; SIZE_MIB=$2; shift 2;;
	--repeat) [ $# -ge 2 ] || usage; REPEAT=$2; shift 2;;
	--perf) PERF=1; shift;;
	--syscalls) SYSC=1; shift;;
	--nginx-chunk) [ $# -ge 2 ] || usage; NGX_CHUNK=$2; shift 2;;
	--keep) KEEP=1; shift;;
	-h|--help) usage;;
	*) echo "http-bench: unknown argument '$1'" >&2; usage;;
	esac
done
bench_positive "$DUR" "$CONNS" "$CLIENTS" "$SIZE_MIB" "$REPEAT"
case $NGX_CHUNK in
''|*[!0-9km]*|[!0-9]*) [ -z "$NGX_CHUNK" ] || {
	echo "http-bench: --nginx-chunk '$NGX_CHUNK' is not a size (128k)" >&2
	exit 2; };;
esac
for s in $SERVERS; do
	case $s in
	nginx|pxed) ;;
	*) echo "http-bench: unknown server '$s' (nginx, pxed)" >&2
		exit 2;;
	esac
done
# curl runs at most 300 transfers at once; pxed serves at most 900
# connections
if [ "$CLIENTS" -gt 300 ] || [ "$CONNS" -gt 800 ]; then
	echo "http-bench: --clients at most 300, --connections at most 800" >&2
	exit 2
fi

NETNS_SRV_IP=10.77.0.1
NETNS_CLI_IP=10.77.0.2
NETNS_PLEN=24
BIG_TMO=$((30 + SIZE_MIB))	# one big download, seconds
MANY_TMO=120			# the N x 1 MiB run, seconds

# ---- state for the cleanup trap ----
T=
TPID=		# the timeout(1) wrapping the running server (own pgrp)
SPID=		# the server itself
LPIDS=		# timeout(1)s wrapping running loads (own pgrps)
BIG_OUT=	# where the big download goes (tmpfs)


# bg_start: remember the timeout(1) just started in the background
bg_start() { LPIDS="$LPIDS $1"; }
# bg_wait PID: wait for it, forget it; returns its exit status
bg_wait() {
	wait "$1"
	_rc=$?
	LPIDS=$(echo "$LPIDS" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' ')
	return $_rc
}

cleanup() {
	trap - EXIT INT TERM HUP
	pgrps_stop $LPIDS
	LPIDS=
	stop_server
	netns_cleanup
	[ -n "$BIG_OUT" ] && rm -f "$BIG_OUT"
	if [ -n "$CG" ] && [ -d "$CG" ]; then
		i=0
		while ! rmdir "$CG" 2>/dev/null && [ $i -lt 20 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	fi
	if [ -n "$T" ] && [ -d "$T" ]; then
		if [ -n "$KEEP" ]; then
			rm -f "$T/root/"*.bin
			log "kept $T"
		else
			rm -rf "$T"
		fi
	fi
}

# ---- requirements ----
netns_require

need curl curl
need wrk wrk
need taskset util-linux
need timeout coreutils
need sha256sum coreutils
case " $SERVERS " in *" nginx "*)
	if ! command -v nginx >/dev/null 2>&1; then
		apt_install nginx-light
		# the package may start its own service on the host: we
		# never use it, stop it
		command -v service >/dev/null 2>&1 &&
		    service nginx stop >/dev/null 2>&1
	fi;;
esac
case " $SERVERS " in *" pxed "*)
	command -v perfdhcp >/dev/null 2>&1 || apt_install kea-admin
	command -v perfdhcp >/dev/null 2>&1 ||
	    log "no perfdhcp: pxed's DHCP will not be checked";;
esac
[ -n "$PERF$SYSC" ] && ! command -v perf >/dev/null 2>&1 &&
    { log "--perf, --syscalls: no perf(1)"; PERF=; SYSC=; }
command -v wrk >/dev/null 2>&1 || netns_fail "no wrk"
command -v curl >/dev/null 2>&1 || netns_fail "no curl"
curl --help all 2>/dev/null | grep -q -- --parallel-immediate ||
    netns_fail "curl has no --parallel-immediate (7.68 or later needed)"

bench_tmp
chmod 755 "$T"		# nginx's worker runs as nobody

# ---- cgroup for CPU accounting ----
bench_cgroup || log "no usable cgroup: CPU from /proc/PID/stat"

# cpu_now: server CPU seconds so far (cgroup, or the stat of the server
# and its children)
CPU_SRC=stat
cpu_now() {
	case $CPU_SRC in
	v2|v1) cg_cpu "$CG";;
	*) for p in "$SPID" $(cat /proc/"$SPID"/task/*/children 2>/dev/null)
	    do
		sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null
	    done | awk -v hz="$HZ" '{ t += $12 + $13 + $14 + $15 }
		END { printf "%.3f\n", t / hz }'
	esac
}

# Other work on the machine skews the figures, and may start at any time:
# others_snap prints "PID TICKS" (utime+stime+cutime+cstime) for every
# process outside this script's process tree, kernel threads left out
# (ksoftirqd and kworkers mostly carry this benchmark's own traffic);
# others_secs FILE0 FILE1 is the CPU seconds they used in between
# (a process that only lived in between is counted through its parent's
# cutime once reaped).
others_snap() {
	cat /proc/[0-9]*/stat 2>/dev/null | awk -v me=$$ '
	{
		pid = $1
		rest = $0
		sub(/^.*\) /, "", rest)
		split(rest, f, " ")
		if (int(f[7] / 2097152) % 2) next	# PF_KTHREAD
		pp[pid] = f[2]
		t[pid] = f[12] + f[13] + f[14] + f[15]
	}
	END {
		for (p in t) {
			q = p
			for (k = 0; k < 64 && q != "" && q != 0; k++) {
				if (q == me) break
				q = pp[q]
			}
			if (q != me) print p, t[p]
		}
	}'
}
others_secs() {
	awk -v hz="$HZ" 'NR == FNR { a[$1] = $2; next }
		{ d = $2 - (($1 in a) ? a[$1] : 0); if (d > 0) s += d }
		END { printf "%.2f\n", s / hz }' "$1" "$2"
}

bench_idle_check

# ---- files ----
mkdir -p "$T/root" "$T/conf.d" "$T/nginx"
chmod 755 "$T/root"
log "making a 1 KiB, a 1 MiB and a $SIZE_MIB MiB random file"
head -c 1024 /dev/urandom > "$T/root/1k.bin"
head -c 1048576 /dev/urandom > "$T/root/1m.bin"
head -c $((SIZE_MIB * 1048576)) /dev/urandom > "$T/root/big.bin"
echo "pxed http-bench probe" > "$T/root/probe"
chmod 644 "$T/root"/*
SUM_1K=$(sha256sum < "$T/root/1k.bin" | cut -d' ' -f1)
SUM_1M=$(sha256sum < "$T/root/1m.bin" | cut -d' ' -f1)
SUM_BIG=$(sha256sum < "$T/root/big.bin" | cut -d' ' -f1)

# ---- namespaces ----
netns_setup "pxhb$$" || { log "netns_setup failed"; exit 1; }
SRV=$NETNS_SRV_IP
URL=http://$SRV


# ---- servers ----

write_pxed_conf() {
	cat > "$T/pxed.conf" <<EOC
log-level = warning
pidfile = "$T/pxed.pid"
conf-dir = "$T/conf.d"
dhcp {
  mode = server
  lease-file = "$T/leases"
  range "b" { start = 10.77.0.100 end = 10.77.0.200 netmask = 255.255.255.0 }
}
tftp { enable = yes }
# The load generator is one address: no per-client limit.
http { port = 80 max-connections = 900 max-connections-per-client = 0 }
EOC
}

# start_server NAME: sets TPID/SPID and CPU_SRC; non-zero if it does not
# start or does not answer HTTP within 10 s.  The server is started inside
# the cgroup (so that nginx's worker is in it from its fork) and lives at
# most LIFE seconds.
start_server() {
	name=$1
	lg=$T/$name.log
	life=$((DUR * 3 + 60 + BIG_TMO + MANY_TMO + 300))
	rm -f "$T/leases"
	case $name in
	nginx)
		command -v nginx >/dev/null 2>&1 || { log "no nginx"; return 1; }
		nginx_conf "$T/nginx" "$SRV:80" "$T/root" "$NGX_CHUNK"
		set -- nginx -p "$T/nginx/" -e "$T/nginx/error.log" \
		    -c "$T/nginx/nginx.conf" -g 'daemon off;'
		;;
	pxed)
		[ -x "$PXED" ] || { log "no pxed at $PXED"; return 1; }
		write_pxed_conf
		set -- "$PXED" -d -f "$T/pxed.conf" -i "$NETNS_SRV_IF" \
		    -r "$T/root"
		;;
	esac
	timeout -k 5 $life sh -c '[ -z "$0" ] ||
	    echo $$ > "$0/cgroup.procs" 2>/dev/null || exit 125
	    exec "$@"' "$CG" ip netns exec "$NS_SRV" $RT taskset -c $SRV_CPU \
	    "$@" > "$lg" 2>&1 &
	TPID=$!
	# timeout(1) -> sh -> ip netns exec -> chrt (BENCH_RT) -> taskset,
	# each exec'd: its one child ends up being the server
	i=0
	SPID=
	while [ $i -lt 50 ]; do
		SPID=$(cat "/proc/$TPID/task/$TPID/children" 2>/dev/null |
		    awk '{ print $1 }')
		if [ -n "$SPID" ]; then
			case $(cat "/proc/$SPID/comm" 2>/dev/null) in
			sh|ip|chrt|taskset|'') ;;
			*) break;;
			esac
		fi
		kill -0 "$TPID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	if [ -z "$SPID" ] || ! kill -0 "$SPID" 2>/dev/null; then
		log "$name did not start:"
		tail -5 "$lg" | sed 's/^/  | /' >&2
		stop_server
		return 1
	fi
	CPU_SRC=stat
	if [ -n "$CG" ]; then
		if grep -qx "$SPID" "$CG/cgroup.procs" 2>/dev/null; then
			CPU_SRC=$CGKIND
		else
			log "$name is not in $CG: CPU from /proc stat"
		fi
	fi
	deadline=$(( $(date +%s) + 10 ))
	while [ "$(date +%s)" -lt $deadline ]; do
		kill -0 "$SPID" 2>/dev/null || break
		if [ "$(timeout 5 ip netns exec "$NS_CLI" curl -s -m 2 \
		    "$URL/probe" 2>/dev/null)" = "pxed http-bench probe" ]; then
			return 0
		fi
		sleep 0.2
	done
	log "$name does not answer HTTP:"
	tail -5 "$lg" | sed 's/^/  | /' >&2
	stop_server
	return 1
}

# verify: every file comes back whole (untimed; warms the page cache)
verify() {
	for f in 1k.bin:$SUM_1K 1m.bin:$SUM_1M big.bin:$SUM_BIG; do
		got=$(timeout $BIG_TMO ip netns exec "$NS_CLI" curl -s \
		    -m $BIG_TMO "$URL/${f%%:*}" | sha256sum | cut -d' ' -f1)
		if [ "$got" != "${f#*:}" ]; then
			log "$CUR: ${f%%:*} does not come back whole"
			return 1
		fi
	done
	return 0
}

secs() {	# secs NS0 NS1
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'
}

# ---- DHCP and TFTP checks (pxed) ----
# side_checks LABEL: start a bounded perfdhcp and TFTP download in the
# background; side_results collects them into SC_DHCP and SC_TFTP.  Each
# writes the time it ended (ns) to LABEL's .end file: the wrk run they
# go with must outlast them.
side_checks() {
	sc=$1
	SC_DPID=
	rm -f "$T/dhcp.end.$sc" "$T/tftp.end.$sc" "$T/tftp.out"
	if command -v perfdhcp >/dev/null 2>&1; then
		timeout -k 2 15 sh -c '"$@"; rc=$?; date +%s%N > "$0"
		    exit $rc' "$T/dhcp.end.$sc" ip netns exec "$NS_CLI" \
		    taskset -c $CLI_CPU perfdhcp -4 -l "$NETNS_CLI_IF" -r 10 \
		    -n 20 -p 3 -W 1000000 > "$T/perfdhcp.$sc" 2>&1 &
		SC_DPID=$!
		bg_start $SC_DPID
	fi
	timeout -k 2 30 sh -c '"$@"; rc=$?; date +%s%N > "$0"
	    exit $rc' "$T/tftp.end.$sc" ip netns exec "$NS_CLI" \
	    $RT taskset -c $CLI_CPU curl -s -m 25 --tftp-blksize 1468 \
	    -o "$T/tftp.out" -w '%{exitcode} %{time_total}\n' \
	    "tftp://$SRV/1m.bin" > "$T/tftp.$sc" 2>&1 &
	SC_TPID=$!
	bg_start $SC_TPID
}

# side_results: wait for side_checks' two; sets SC_DHCP, SC_TFTP and
# SC_END (ns when the later one ended; 0 when one was killed)
side_results() {
	SC_DHCP="not checked (no perfdhcp)"
	SC_DEND=
	if [ -n "$SC_DPID" ]; then
		bg_wait "$SC_DPID"
		drc=$?
		SC_DEND=$(cat "$T/dhcp.end.$sc" 2>/dev/null)
		SC_DEND=${SC_DEND:-0}
		# perfdhcp: per exchange, sent/received and min/avg/max delay
		SC_DHCP=$(awk -v rc="$drc" '
			/Statistics for: DISCOVER-OFFER/ { s = "do" }
			/Statistics for: REQUEST-ACK/ { s = "ra" }
			/^sent packets:/ { sent[s] = $3 }
			/^received packets:/ { rcvd[s] = $3 }
			/^min delay:/ { mn[s] = $3 }
			/^avg delay:/ { av[s] = $3 }
			/^max delay:/ { mx[s] = $3 }
			END {
				if (rc == 124 || rc == 137) { print "FAILED" \
				    " (perfdhcp killed after 15 s)"; exit }
				if (!("do" in sent)) { print "FAILED (no" \
				    " perfdhcp statistics, exit " rc ")"; exit }
				ok = (rcvd["ra"] + 0 > 0 &&
				    rcvd["ra"] == sent["do"]) ? "ok" : "FAILED"
				printf "%s: %d DISCOVER, %d OFFER, %d REQUEST," \
				    " %d ACK; OFFER after %s/%s/%s ms, ACK" \
				    " after %s/%s/%s ms (min/avg/max)", ok,
				    sent["do"], rcvd["do"], sent["ra"],
				    rcvd["ra"], mn["do"], av["do"], mx["do"],
				    mn["ra"], av["ra"], mx["ra"]
			}' "$T/perfdhcp.$sc")
	fi
	bg_wait "$SC_TPID"
	trc=$?
	SC_TEND=$(cat "$T/tftp.end.$sc" 2>/dev/null)
	SC_TEND=${SC_TEND:-0}
	set -- $(cat "$T/tftp.$sc" 2>/dev/null) x x x
	got=$( (sha256sum < "$T/tftp.out") 2>/dev/null | cut -d' ' -f1)
	if [ $trc -eq 0 ] && [ "$1" = 0 ] && [ "$got" = "$SUM_1M" ]; then
		SC_TFTP=$(awk -v t="$2" 'BEGIN {
		    printf "ok: 1 MiB in %.3f s (%.1f MiB/s)", t, 1 / t }')
	else
		SC_TFTP="FAILED (curl exit ${1}, timeout exit $trc)"
	fi
	SC_END=$SC_TEND
	if [ -n "$SC_DEND" ]; then
		if [ "$SC_DEND" -eq 0 ] || [ "$SC_TEND" -eq 0 ]; then
			SC_END=0
		elif [ "$SC_DEND" -gt "$SC_TEND" ]; then
			SC_END=$SC_DEND
		fi
	fi
	rm -f "$T/tftp.out"
}

# ---- --syscalls: perf stat on the server during a run ----
SC_EVENTS=raw_syscalls:sys_enter,context-switches
for c in sendfile64 pselect6 select epoll_wait accept4 setsockopt \
    recvfrom read sendmsg sendto writev openat openat2 newfstatat pread64 \
    close; do
	SC_EVENTS=$SC_EVENTS,syscalls:sys_enter_$c
done
SC_PID=
# sc_start ROW: count the server's calls (and its children's) until sc_stop
sc_start() {
	[ -n "$SYSC" ] || return 0
	pids=$SPID
	for c in $(cat /proc/"$SPID"/task/*/children 2>/dev/null); do
		pids=$pids,$c
	done
	rm -f "$T/sc.$CUR.$1"
	timeout -k 2 900 perf stat -x, -e "$SC_EVENTS" -p "$pids" \
	    -o "$T/sc.$CUR.$1" > /dev/null 2>&1 &
	SC_PID=$!
	bg_start $SC_PID
	sleep 0.3	# perf attaches
}
# sc_stop ROW UNITS: this run's "EVENT|COUNT" lines added to
# $T/sc.CUR.ROW.sum, its UNITS to $T/sc.CUR.ROW.units; nothing for a
# failed run (UNITS 0 or empty)
sc_stop() {
	[ -n "$SC_PID" ] || return 0
	kill -INT "$SC_PID" 2>/dev/null
	bg_wait "$SC_PID"
	SC_PID=
	case ${2:-0} in
	0|*[!0-9]*) return 0;;
	esac
	awk -F, '$1 ~ /^[0-9]+$/ { print $3 "|" $1 }' "$T/sc.$CUR.$1" \
	    >> "$T/sc.$CUR.$1.sum"
	echo "$2" >> "$T/sc.$CUR.$1.units"
}
# sc_per SERVER ROW: "EVENT|COUNT-PER-UNIT" over all rounds into
# $T/sc.SERVER.ROW.per
sc_per() {
	[ -s "$T/sc.$1.$2.sum" ] || return 0
	awk -F'|' 'NR == FNR { u += $1; next }
		!($1 in n) { e[++k] = $1 }
		{ n[$1] += $2 }
		END {
			for (i = 1; i <= k; i++) {
				if (n[e[i]] <= 0) continue
				ev = e[i]
				sub(/^syscalls:sys_enter_/, "", ev)
				sub(/^raw_syscalls:sys_enter$/, "all syscalls", ev)
				printf "%s|%.2f\n", ev, (u > 0 ? n[e[i]] / u : 0)
			}
		}' "$T/sc.$1.$2.units" "$T/sc.$1.$2.sum" > "$T/sc.$1.$2.per"
}

# ---- a) 1 KiB requests/s ----
# small_run [checks|profile]: one wrk run; sets A_RPS, A_CPU (s), A_US
# (server CPU microseconds per request), A_NOTE; with "checks", DHCP and
# TFTP are checked while it runs; only a plain run's system calls are
# counted (--syscalls)
small_run() {
	with=${1:-plain}
	A_NOTE=
	others_snap > "$T/others.a0"
	c0=$(cpu_now)
	set -- $(cpu_busy $SRV_CPU) $(cpu_busy $CLI_CPU)
	sb0=$1 st0=$2 cb0=$3 ct0=$4
	[ "$with" = plain ] && sc_start a
	t0=$(date +%s%N)
	timeout -k 2 $((DUR + 30)) ip netns exec "$NS_CLI" \
	    $RT taskset -c $CLI_CPU wrk -t 1 -c "$CONNS" -d "${DUR}s" --latency \
	    "$URL/1k.bin" > "$T/wrk.$CUR.$with" 2>&1 &
	wpid=$!
	bg_start $wpid
	if [ "$with" = checks ]; then
		sleep 1
		side_checks load
	fi
	bg_wait $wpid
	wrc=$?
	t1=$(date +%s%N)
	set -- $(cpu_busy $SRV_CPU) $(cpu_busy $CLI_CPU)
	sb1=$1 st1=$2 cb1=$3 ct1=$4
	[ "$with" = plain ] && sc_stop a "$(awk '/requests in/ { print $1 }' \
	    "$T/wrk.$CUR.$with")"
	c1=$(cpu_now)
	others_snap > "$T/others.a1"
	A_OTHER=$(others_secs "$T/others.a0" "$T/others.a1")
	A_CPU=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')
	[ $wrc -ne 0 ] && log "$CUR: wrk exited $wrc"
	eval "$(awk '
		/requests in/ { n = $1 }
		/^Requests\/sec:/ { r = $2 }
		/Non-2xx or 3xx responses:/ { bad = $NF }
		/Socket errors:/ { gsub(/,/, ""); se = $4 + $6 + $8 + $10 }
		$1 == "50%" { p50 = $2 }
		$1 == "99%" { p99 = $2 }
		END { printf "A_N=%d A_RPS=%d A_BAD=%d A_SE=%d A_P50=%s" \
		    " A_P99=%s\n", n, r, bad, se, p50, p99 }' "$T/wrk.$CUR.$with")"
	A_US=$(awk -v c="$A_CPU" -v n="$A_N" 'BEGIN {
		if (n > 0) printf "%.1f", c * 1e6 / n; else print "-" }')
	if [ "$A_N" -eq 0 ]; then
		A_RPS=fail
		sed 's/^/  | /' "$T/wrk.$CUR.$with" | tail -5 >&2
	fi
	[ "$A_BAD" -gt 0 ] || [ "$A_SE" -gt 0 ] &&
	    A_NOTE="$A_BAD non-2xx, $A_SE socket errors in the 1 KiB run"
	log "$CUR 1 KiB: $A_N requests in $(secs "$t0" "$t1") s, $A_RPS/s," \
	    "latency p50 $A_P50 p99 $A_P99, $A_BAD non-2xx, $A_SE socket" \
	    "errors; server CPU $A_CPU s ($A_US us/request); CPU $SRV_CPU" \
	    "$(pct "$sb0" "$st0" "$sb1" "$st1")% busy, CPU $CLI_CPU (wrk)" \
	    "$(pct "$cb0" "$ct0" "$cb1" "$ct1")% busy; other processes" \
	    "$A_OTHER CPU s"
	A_T1=$t1
	A_CBUSY=$(pct "$cb0" "$ct0" "$cb1" "$ct1")
}

# ---- b) one big download ----
# into tmpfs when there is room (sha256 checked after each), else $T
if [ -d /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" \
    -gt $(( (SIZE_MIB + 64) * 1024 )) ]; then
	BIG_OUT=/dev/shm/http-bench.$$.big
else
	BIG_OUT=$T/big.dl
fi
# big_get: one download; adds "MiB/s:CPU s" to $ACC/CUR.b, or "fail"
big_get() {
	sc_start b
	c0=$(cpu_now)
	timeout -k 2 $((BIG_TMO + 5)) ip netns exec "$NS_CLI" \
	    $RT taskset -c $CLI_CPU curl -s -m $BIG_TMO -o "$BIG_OUT" \
	    -w '%{exitcode} %{http_code} %{size_download} %{time_total}\n' \
	    "$URL/big.bin" > "$T/big.out" 2>&1 &
	bpid=$!
	bg_start $bpid
	bg_wait $bpid
	brc=$?
	c1=$(cpu_now)
	got=$( (sha256sum < "$BIG_OUT") 2>/dev/null | cut -d' ' -f1)
	rm -f "$BIG_OUT"
	set -- $(cat "$T/big.out") x x x x
	if [ $brc -ne 0 ] || [ "$1" != 0 ] || [ "$2" != 200 ] ||
	    [ "$3" != $((SIZE_MIB * 1048576)) ] ||
	    [ "$got" != "$SUM_BIG" ]; then
		log "$CUR: $SIZE_MIB MiB download (round $RND) failed: curl" \
		    "exit $1, status $2, $3 bytes (timeout exit" \
		    "$brc)$([ "$got" != "$SUM_BIG" ] &&
		    echo ", sha256 mismatch")"
		echo fail >> "$ACC/$CUR.b"
		sc_stop b 0
		return
	fi
	sc_stop b 1
	m=$(awk -v s="$3" -v t="$4" \
	    'BEGIN { printf "%.1f", s / 1048576 / t }')
	c=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.3f", b - a }')
	log "$CUR $SIZE_MIB MiB (round $RND): $4 s, $m MiB/s, server CPU $c s"
	echo "$m:$c" >> "$ACC/$CUR.b"
}

# ---- c) N connections x 1 MiB ----
# many_get: one run; adds "wall s:MiB/s:CPU s" to $ACC/CUR.c, or "fail"
many_get() {
	sleep 0.5	# let the last run's connections close
	sc_start c
	c0=$(cpu_now)
	t0=$(date +%s%N)
	timeout -k 2 $((MANY_TMO + 5)) ip netns exec "$NS_CLI" \
	    $RT taskset -c $CLI_CPU curl -s -Z --parallel-immediate \
	    --parallel-max "$CLIENTS" -m $MANY_TMO -K "$T/many.cfg" \
	    -w '%{exitcode} %{http_code} %{size_download} %{num_connects}\n' \
	    > "$T/many.out" 2>&1 &
	mpid=$!
	bg_start $mpid
	bg_wait $mpid
	mrc=$?
	t1=$(date +%s%N)
	c1=$(cpu_now)
	# transfers complete; connections opened
	set -- $(awk -v sz=1048576 '
		$1 == 0 && $2 == 200 && $3 == sz { ok++ }
		{ conn += $4 }
		END { print ok + 0, conn + 0 }' "$T/many.out")
	if [ "$1" -ne "$CLIENTS" ]; then
		log "$CUR: $CLIENTS x 1 MiB (round $RND): only $1 transfers" \
		    "complete (curl/timeout exit $mrc); first" \
		    "failures (exit status bytes connects):"
		awk '!($1 == 0 && $2 == 200 && $3 == 1048576)' \
		    "$T/many.out" | head -3 | sed 's/^/  | /' >&2
		echo fail >> "$ACC/$CUR.c"
		sc_stop c 0
		return
	fi
	sc_stop c "$CLIENTS"
	w=$(secs "$t0" "$t1")
	m=$(awk -v n="$CLIENTS" -v w="$w" 'BEGIN { printf "%.1f", n / w }')
	c=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.3f", b - a }')
	log "$CUR $CLIENTS x 1 MiB (round $RND): $w s, $m MiB/s, $2" \
	    "connections, server CPU $c s"
	echo "$w:$m:$c" >> "$ACC/$CUR.c"
}

# ---- profile: one more 1 KiB run under perf record ----
profile_pxed() {
	log "pxed: profiling another ${DUR} s 1 KiB run (perf record -g)"
	timeout -k 2 $((DUR + 30)) perf record -q -g -o "$T/perf.data" \
	    -p "$SPID" -- sleep "$DUR" > "$T/perf.log" 2>&1 &
	ppid_=$!
	bg_start $ppid_
	sleep 0.3
	small_run profile
	bg_wait $ppid_ || log "perf record exited $?"
	PROF_RPS=$A_RPS
	perf report -i "$T/perf.data" --stdio --no-children -g none \
	    --sort dso,symbol --percent-limit 0.7 2>/dev/null |
	    awk '/^#/ || NF < 4 { next }
		{ printf "%7s  %-22s %s\n", $1, $2, $4 }' | head -30 \
	    > "$T/perf.top"
}

# ---- the runs, in rounds ----
# $ACC/SERVER.a holds each round's 1 KiB "req/s:CPU s:CPU us a request"
# (or fail), SERVER.b each big download's "MiB/s:CPU s", SERVER.c each N
# x 1 MiB run's "wall s:MiB/s:CPU s"; SERVER.na marks a server that did
# not start (or why it is out), SERVER.dead one that died or did not
# start again, SERVER.notes what else went with its runs.
ACC=$T/acc
mkdir -p "$ACC"
i=0
while [ $i -lt "$CLIENTS" ]; do
	printf 'url = "%s/1m.bin?c=%d"\noutput = "/dev/null"\n' "$URL" $i
	i=$((i + 1))
done > "$T/many.cfg"
SIDE=

# round_server SERVER ROUND: one round of SERVER (ROUND is RND, which
# the runs' log lines give)
round_server() {
	CUR=$1
	[ -e "$ACC/$CUR.na" ] || [ -e "$ACC/$CUR.dead" ] && return
	busy=$(busy_now)
	round_start "$CUR" "$2" || return
	if [ "$busy" -gt 10 ]; then
		log "warning: the CPUs were $busy% busy before $CUR started"
		echo "CPUs $busy% busy before round $RND" >> "$ACC/$CUR.notes"
	fi
	others_snap > "$T/others.s0"
	s0=$(date +%s%N)
	if ! verify; then
		echo "serves wrong content (round $RND)" > "$ACC/$CUR.na"
		stop_server
		return
	fi
	if [ "$CUR" = pxed ] && [ "$RND" -eq 1 ]; then
		log "pxed: DHCP and TFTP on the idle server"
		side_checks idle
		side_results
		SIDE_IDLE_DHCP=$SC_DHCP SIDE_IDLE_TFTP=$SC_TFTP
		log "  DHCP $SC_DHCP"
		log "  TFTP $SC_TFTP"
	fi
	small_run
	if [ "$A_RPS" = fail ]; then
		echo fail >> "$ACC/$CUR.a"
	else
		echo "$A_RPS:$A_CPU:$A_US" >> "$ACC/$CUR.a"
	fi
	[ -n "$A_NOTE" ] && echo "$A_NOTE (round $RND)" >> "$ACC/$CUR.notes"
	a_other=$A_OTHER
	if [ "$CUR" = pxed ] && [ "$RND" -eq 1 ]; then
		# perfdhcp spins on CPU 1 beside wrk: not the run in the table
		log "pxed: 1 KiB again, with DHCP and TFTP checks during it"
		small_run checks
		side_results
		SIDE_DHCP=$SC_DHCP SIDE_TFTP=$SC_TFTP
		SIDE_RPS=$A_RPS SIDE_C1=$A_CBUSY
		SIDE=1
		SIDE_LATE=
		[ "$SC_END" -eq 0 ] || [ "$SC_END" -gt "$A_T1" ] &&
		    SIDE_LATE=" (one ended after the wrk run: lengthen --duration)"
		log "  DHCP under load: $SC_DHCP"
		log "  TFTP under load: $SC_TFTP"
	fi
	grep -qx fail "$ACC/$CUR.b" 2>/dev/null || big_get
	grep -qx fail "$ACC/$CUR.c" 2>/dev/null || many_get
	others_snap > "$T/others.s1"
	other=$(others_secs "$T/others.s0" "$T/others.s1")
	s1=$(date +%s%N)
	log "$CUR: other processes used $other CPU s in the $(secs "$s0" \
	    "$s1") s of round $RND ($a_other s during the 1 KiB run)"
	awk -v o="$other" -v a="$a_other" -v w0="$s0" -v w1="$s1" \
	    -v d="$DUR" -v r="$RND" 'BEGIN {
		if (a / d > 0.05 || o / ((w1 - w0) / 1e9) > 0.05)
			printf "other processes used %.0f%% of a CPU" \
			    " (round %d)\n", 100 * o / ((w1 - w0) / 1e9), r
	    }' >> "$ACC/$CUR.notes"
	if [ "$CUR" = pxed ] && [ -n "$PERF" ] && [ "$RND" -eq "$REPEAT" ]
	then
		profile_pxed
	fi
	if ! kill -0 "$SPID" 2>/dev/null; then
		log "$CUR died during round $RND:"
		tail -5 "$T/$CUR.log" | sed 's/^/  | /' >&2
		echo "died in round $RND" > "$ACC/$CUR.dead"
	fi
	grep -v '^$' "$T/$CUR.log" | head -5 | sed "s/^/  $CUR log: /" >&2
	stop_server
}

# rl_fields FILE ONFAIL FIELD:DECIMALS...: the medians of those fields
# of FILE's rounds, "|"-joined; ONFAIL when one of them failed
rl_fields() {
	if grep -qx fail "$1" 2>/dev/null; then
		echo "$2"
		return
	fi
	rf_v=$(cat "$1" 2>/dev/null)
	rf_o=
	shift 2
	for rf_d; do
		rf_o="$rf_o|$(median "$rf_v" "${rf_d%:*}" "${rf_d#*:}")"
	done
	echo "${rf_o#|}"
}

# result_line SERVER: the server's line of $RES, the medians of its
# rounds ("fail" when a run of that kind failed)
result_line() {
	rl_s=$1
	if [ -e "$ACC/$rl_s.na" ]; then
		echo "$rl_s|$(cat "$ACC/$rl_s.na" | grep . ||
		    echo "not available")"
		return
	fi
	rl_l="$rl_s|$(rl_fields "$ACC/$rl_s.a" "fail|-|-" 1:0 2:2 3:1)"
	rl_l="$rl_l|$(rl_fields "$ACC/$rl_s.b" "fail|-" 1:1 2:3)"
	rl_l="$rl_l|$(rl_fields "$ACC/$rl_s.c" "fail|fail|-" 1:3 2:1 3:3)"
	for k in a b c; do
		[ -s "$ACC/$rl_s.$k" ] && log "$rl_s ($k): $(tr '\n' ' ' \
		    < "$ACC/$rl_s.$k")"
	done
	echo "$rl_l|$(cat "$ACC/$rl_s.notes" "$ACC/$rl_s.dead" 2>/dev/null |
	    awk 'NF && !seen[$0]++' | paste -sd';' | sed 's/;/; /g')"
}

rounds_run
for srv in $SERVERS; do
	for r in a b c; do
		sc_per "$srv" "$r"
	done
done

# ---- the table ----
echo
echo "HTTP servers: server on CPU $SRV_CPU, clients on CPU $CLI_CPU$([ -n \
    "$RT" ] && echo " (both at real-time priority: $RT)"), over a veth" \
    "pair between two network namespaces"
echo "1 KiB: wrk -t 1 -c $CONNS -d ${DUR}s; $SIZE_MIB MiB: curl into" \
    "$(df -P "$(dirname "$BIG_OUT")" | awk 'NR == 2 { print $1 }')," \
    "sha256 checked; ${CLIENTS}x1MiB: one curl --parallel, $CLIENTS" \
    "connections at once; each the median of $REPEAT rounds, every server" \
    "in turn in each"
echo "CPU s: server CPU time ($([ -n "$CG" ] && echo "cgroup $CGKIND" ||
    echo "/proc/PID/stat")): over the 1 KiB run (and per request), per" \
    "$SIZE_MIB MiB download, per ${CLIENTS}x1MiB run"
echo "nginx: 1 worker, sendfile$([ -n "$NGX_CHUNK" ] &&
    echo " (sendfile_max_chunk $NGX_CHUNK)"), tcp_nopush, keep-alive, access_log off;" \
    "pxed: log-level = warning (no access log; at info it logs every" \
    "request), DHCP server and TFTP on"
echo "CPUs busy before the run: $BUSY0%"
echo
awk -F'|' -v n="$CLIENTS" -v big="$SIZE_MIB" '
function row(a, b, c, d, e, f, g, h, i, j) {
	printf "%-10s %9s %7s %7s %8s %7s %9s %9s %7s  %s\n", a, b, c, d, e,
	    f, g, h, i, j
}
function ratio(p, q) {
	if (p !~ /^[0-9.]+$/ || q !~ /^[0-9.]+$/ || q + 0 == 0) return "-"
	return sprintf("%.2fx", p / q)
}
BEGIN {
	row("server", "1KiB", "CPU s", "CPU us", big "MiB", "CPU s",
	    n "x1MiB", n "x1MiB", "CPU s", "")
	row("", "req/s", "", "/req", "MiB/s", "", "wall s", "MiB/s", "", "")
}
NF == 2 { printf "%-10s %s\n", $1 ":", $2; next }
{
	row($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
	for (k = 2; k <= 9; k++) v[$1, k] = $k
	have[$1] = 1
}
END {
	if (!("pxed" in have) || !("nginx" in have)) exit
	row("pxed/nginx", ratio(v["pxed", 2], v["nginx", 2]),
	    ratio(v["pxed", 3], v["nginx", 3]),
	    ratio(v["pxed", 4], v["nginx", 4]),
	    ratio(v["pxed", 5], v["nginx", 5]),
	    ratio(v["pxed", 6], v["nginx", 6]),
	    ratio(v["pxed", 7], v["nginx", 7]),
	    ratio(v["pxed", 8], v["nginx", 8]),
	    ratio(v["pxed", 9], v["nginx", 9]), "")
	print ""
	goal("1 KiB req/s", ratio(v["pxed", 2], v["nginx", 2]),
	    "CPU per request", ratio(v["pxed", 4], v["nginx", 4]))
	goal(big " MiB MiB/s", ratio(v["pxed", 5], v["nginx", 5]),
	    "CPU per download", ratio(v["pxed", 6], v["nginx", 6]))
	goal(n "x1MiB MiB/s", ratio(v["pxed", 8], v["nginx", 8]),
	    "CPU per run", ratio(v["pxed", 9], v["nginx", 9]))
}
# issue 14: at least 1.0x nginx, at no more CPU for the same work
function goal(what, r, cwhat, c) {
	printf "goal: %s >= 1.00x nginx at no more %s: %s (%s, CPU %s)\n",
	    what, cwhat, (r == "-" || c == "-") ? "n/a" : \
	    (r + 0 >= 1.0 && c + 0 <= 1.0 ? "met" : "NOT met"), r, c
}' "$RES"

if [ -n "$SIDE" ]; then
	echo
	echo "pxed DHCP (perfdhcp -r 10 -n 20 -p 3) and TFTP (1 MiB, curl," \
	    "blksize 1468) from the client namespace$SIDE_LATE:"
	echo "  idle:          DHCP $SIDE_IDLE_DHCP"
	echo "                 TFTP $SIDE_IDLE_TFTP"
	echo "  during wrk:    DHCP $SIDE_DHCP"
	echo "                 TFTP $SIDE_TFTP"
	echo "  (a second ${DUR} s 1 KiB wrk run, $SIDE_RPS req/s with the" \
	    "checks beside wrk on CPU $CLI_CPU, $SIDE_C1% busy; not in the table)"
fi
if [ -n "$SYSC" ]; then
	echo
	echo "System calls and context switches (perf stat on the server's" \
	    "processes during the table's runs):"
	for row in "a:per 1 KiB request" "b:per $SIZE_MIB MiB download" \
	    "c:per 1 MiB of the ${CLIENTS}x1MiB run"; do
		r=${row%%:*}
		printf '  %-22s' "${row#*:}"
		for srv in $SERVERS; do
			printf ' %12s' "$srv"
		done
		echo
		for srv in $SERVERS; do
			cut -d'|' -f1 "$T/sc.$srv.$r.per" 2>/dev/null
		done | awk '!seen[$0]++' | while read -r ev; do
			printf '    %-20s' "$ev"
			for srv in $SERVERS; do
				v=$(awk -F'|' -v e="$ev" '$1 == e { print $2 }' \
				    "$T/sc.$srv.$r.per" 2>/dev/null)
				printf ' %12s' "${v:--}"
			done
			echo
		done
	done
fi
if [ -n "$PERF" ] && [ -s "$T/perf.top" ]; then
	echo
	echo "pxed profile (perf record -g -p PID over another 1 KiB run," \
	    "$PROF_RPS req/s under perf; self time, >= 0.7 %):"
	sed 's/^/  /' "$T/perf.top"
fi
exit 0
