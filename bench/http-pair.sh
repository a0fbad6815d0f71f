#!/bin/sh
# http-pair.sh: paired samples of pxed's HTTP against nginx: every server
# up at once, each sample a few runs of each in turn, ratios per sample.
# Not a test: it prints figures.  Needs root, nginx and curl.
#
# usage: bench/http-pair.sh [--pxed PATH]... [--samples S] [--runs R]
#            [--clients N] [--size-mib M] [--warm K] [--tmpfs] [--no-rt]
#            [--keep]
#
# nginx (one worker, sendfile, tcp_nopush, as in http-bench.sh) and each
# pxed given (up to 3; default $PXED or daemon/pxed) serve the same
# directory on ports of their own, all pinned to CPU 1 (BENCH_SRV_CPU) in
# the server namespace; curl runs on CPU 0 (BENCH_CLI_CPU) in the client
# namespace, over a veth pair (MTU 1500); servers and curl at real-time
# priority (chrt -f 50) unless --no-rt.  A run is one curl --parallel
# fetching an M MiB file (default 1) over N connections at once (default
# 100), or with --clients 1 one plain curl (--clients 1 --size-mib 64
# --tmpfs is http-bench.sh's big download); every transfer must end with
# 200 and the file's size.  Into /dev/null, or with --tmpfs into files in
# /dev/shm as http-bench.sh and the issue's test bed do: curl's copy into
# tmpfs makes the client's CPU the bottleneck, which /dev/null hides
# (bench/README, HTTP).  A sample is R runs
# (default 5) of each server, the order reversed every other sample; S
# samples (default 9).  Server CPU: the sum over its tasks (nginx's
# worker) of /proc/PID/task/*/schedstat, in ns, over its runs.
# Before the samples, K 64 MiB downloads (default 3) from each server:
# the kernel then holds TCP metrics for the client's address (ip
# tcp_metrics), as it does in http-bench.sh after its 64 MiB row, and
# with them the 100 x 1 MiB figures differ (bench/README, HTTP); --warm 0
# measures a fresh namespace.
# PXED_HTTP_1 to PXED_HTTP_3, when set, are added to pxed i's http
# section ("sendfile-chunk = 128": variants of one binary side by side).
# Prints each sample (wall ns and CPU ns of each server); per server the
# mean per run of wall time, curl's first byte and total (--clients 1),
# both CPUs' busy, softirq and idle time and their NET_RX and HRTIMER
# softirqs (where the TCP work ran); then per pxed the median and range over the
# samples of its throughput and CPU over nginx's in the same sample, and
# over the first pxed's.
#
# Traffic stays between the two namespaces (10.78.0.1 <-> 10.78.0.2).

set -u

BENCH=http-pair
. "$(dirname "$0")/lib.sh"

PXEDS=
SAMPLES=9
RUNS=5
CLIENTS=100
SIZE_MIB=1
WARM=3
KEEP=
TMPFS=		# --tmpfs: curl writes into /dev/shm
BENCH_RT=1

while [ $# -gt 0 ]; do
	case $1 in
	--pxed) [ $# -ge 2 ] || usage; PXEDS="$PXEDS $2"; shift 2;;
	--samples) [ $# -ge 2 ] || usage; SAMPLES=$2; shift 2;;
	--runs) [ $# -ge 2 ] || usage; RUNS=$2; shift 2;;
	--clients) [ $# -ge 2 ] || usage; CLIENTS=$2; shift 2;;
	--size-mib) [ $# -ge 2 ] || usage; SIZE_MIB=$2; shift 2;;
	--warm) [ $# -ge 2 ] || usage; WARM=$2; shift 2;;
	--no-rt) BENCH_RT=0; shift;;
	--keep) KEEP=1; shift;;
	--tmpfs) TMPFS=1; shift;;
	-h|--help) usage;;
	*) echo "http-pair: unknown argument '$1'" >&2; usage;;
	esac
done
bench_positive "$SAMPLES" "$RUNS" "$CLIENTS" "$SIZE_MIB"
case $WARM in
''|*[!0-9]*) echo "http-pair: --warm '$WARM' is not a number" >&2; exit 2;;
esac
if [ "$CLIENTS" -gt 300 ] || [ "$SIZE_MIB" -gt 256 ]; then
	echo "http-pair: --clients at most 300, --size-mib at most 256" >&2
	exit 2
fi
[ -n "$PXEDS" ] || PXEDS=${PXED:-$TOP/daemon/pxed}
set -- $PXEDS
[ $# -le 3 ] || { echo "http-pair: at most 3 --pxed" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "http-pair: needs root" >&2; exit 2; }
need nginx nginx-light
need curl curl
SRV_CPU=${BENCH_SRV_CPU:-1}
CLI_CPU=${BENCH_CLI_CPU:-0}
RT=
[ "$BENCH_RT" = 1 ] && RT="chrt -f 50"
SZ=$((SIZE_MIB * 1048576))
RUN_TMO=$((30 + SIZE_MIB * CLIENTS / 10))	# one run, seconds

T=
OUTD=		# --tmpfs: where curl writes
SPIDS=		# the timeout(1)s wrapping the servers (own pgrps)
cleanup() {
	trap - EXIT INT TERM HUP
	pgrps_stop $SPIDS
	netns_cleanup
	[ -z "$OUTD" ] || rm -rf "$OUTD"
	if [ -n "$T" ] && [ -d "$T" ]; then
		if [ -n "$KEEP" ]; then log "kept $T"; else rm -rf "$T"; fi
	fi
}
bench_tmp
chmod 755 "$T"		# nginx's worker runs as nobody

NETNS_SRV_IP=10.78.0.1
NETNS_CLI_IP=10.78.0.2
NETNS_PLEN=24
netns_setup "pxhp$$" || { log "netns_setup failed"; exit 1; }
SRV=$NETNS_SRV_IP

mkdir -p "$T/root" "$T/nginx" "$T/conf.d"
chmod 755 "$T/root"
head -c "$SZ" /dev/urandom > "$T/root/f.bin"
head -c 67108864 /dev/urandom > "$T/root/warm.bin"
chmod 644 "$T/root"/*

# serve NAME PORT CMD...: start it pinned in the server namespace for at
# most LIFE seconds (own process group)
LIFE=$((120 + WARM * 10 + SAMPLES * RUNS * 2 * 4 * RUN_TMO))
serve() {
	_n=$1 _p=$2
	shift 2
	timeout -k 5 $LIFE ip netns exec "$NS_SRV" $RT taskset -c \
	    "$SRV_CPU" "$@" > "$T/$_n.log" 2>&1 &
	SPIDS="$SPIDS $!"
	eval "TP_$_n=$! PORT_$_n=$_p"
	NAMES="$NAMES $_n"
}

# out_path J: where transfer J of a run goes
if [ -n "$TMPFS" ]; then
	OUTD=$(mktemp -d /dev/shm/http-pair.XXXXXX) || exit 1
fi
out_path() {
	if [ -n "$OUTD" ]; then echo "$OUTD/$1"; else echo /dev/null; fi
}

nginx_conf "$T/nginx" "$SRV:8000" "$T/root"
NAMES=
serve nginx 8000 nginx -p "$T/nginx/" -e "$T/nginx/error.log" \
    -c "$T/nginx/nginx.conf" -g 'daemon off;'
i=0
for px in $PXEDS; do
	i=$((i + 1))
	[ -x "$px" ] || { log "no pxed at $px"; exit 1; }
	cat > "$T/pxed$i.conf" <<EOC
log-level = warning
pidfile = "$T/pxed$i.pid"
conf-dir = "$T/conf.d"
dhcp { mode = off }
tftp { enable = no }
http { port = $((8000 + i)) max-connections = 900
  max-connections-per-client = 0 $(eval "printf '%s' \"\${PXED_HTTP_$i:-}\"") }
EOC
	serve pxed$i $((8000 + i)) "$px" -d -f "$T/pxed$i.conf" -r "$T/root"
done

# PID_name: the process that serves (nginx's worker), once it answers
for n in $NAMES; do
	eval "p=\$PORT_$n"
	k=0
	until ip netns exec "$NS_CLI" curl -sf -o /dev/null -m 2 \
	    "http://$SRV:$p/f.bin" 2>/dev/null; do
		k=$((k + 1))
		[ $k -lt 50 ] || { log "$n does not answer"; exit 1; }
		sleep 0.2
	done
	# timeout(1)'s child, each command exec'ing the next, is the
	# server; nginx's worker is its master's child
	eval "pid=\$TP_$n"
	set -- $(cat /proc/"$pid"/task/*/children 2>/dev/null)
	[ "$n" = nginx ] && [ $# -eq 1 ] &&
	    set -- $(cat /proc/"$1"/task/*/children 2>/dev/null)
	[ $# -eq 1 ] || { log "$n: no single server process ($*)"; exit 1; }
	eval "PID_$n=$1"
	j=0
	while [ $j -lt "$CLIENTS" ]; do
		printf 'url = "http://%s:%d/f.bin?c=%d"\noutput = "%s"\n' \
		    "$SRV" "$p" $j "$(out_path $j)"
		j=$((j + 1))
	done > "$T/$n.cfg"
done

cpu_ns() {	# cpu_ns PID: its tasks' CPU so far
	awk '{ s += $1 } END { printf "%.0f\n", s }' \
	    /proc/"$1"/task/*/schedstat || exit 1
}

# cpu_split: busy, softirq and idle USER_HZ ticks so far of the client's
# CPU, then the server's (/proc/stat)
cpu_split() {
	awk -v c="cpu$CLI_CPU" -v s="cpu$SRV_CPU" '
		$1 == c { cl = $2 + $3 + $4 + $7 + $8 " " $8 " " $5 + $6 }
		$1 == s { sv = $2 + $3 + $4 + $7 + $8 " " $8 " " $5 + $6 }
		END { print cl, sv }' /proc/stat
}

# one NAME: a run; adds to W and C (ns); exits on a failed transfer.
# Appends to $T/runs: NAME, wall ns, server CPU ns, curl's first byte and
# total (s, the mean over the run's transfers), the client's CPU busy,
# softirq and idle ticks, the server's; to $T/softirqs: NAME, softirq
# type, how many on the client's CPU and on the server's.
one() {
	eval "pid=\$PID_$1 port=\$PORT_$1"
	if [ "$CLIENTS" -eq 1 ]; then
		# one plain curl: its timings are the download's
		set -- "$1" -o "$(out_path 0)" "http://$SRV:$port/f.bin"
	else
		set -- "$1" -Z --parallel-immediate --parallel-max "$CLIENTS" \
		    -K "$T/$1.cfg"
	fi
	name=$1
	shift
	c0=$(cpu_ns "$pid")
	k0=$(cpu_split)
	cp /proc/softirqs "$T/si0"
	t0=$(date +%s%N)
	timeout -k 2 $((RUN_TMO + 5)) ip netns exec "$NS_CLI" $RT taskset -c \
	    "$CLI_CPU" curl -s -m "$RUN_TMO" "$@" \
	    -w '%{exitcode} %{http_code} %{size_download} %{time_starttransfer}'\
' %{time_total}\n' > "$T/out" 2>&1
	t1=$(date +%s%N)
	c1=$(cpu_ns "$pid")
	k1=$(cpu_split)
	awk -v n="$name" -v w=$((t1 - t0)) -v c=$((c1 - c0)) -v k0="$k0" \
	    -v k1="$k1" '{ f += $4; t += $5 } END {
		split(k0, a, " "); split(k1, b, " ")
		printf "%s %d %d %.6f %.6f", n, w, c, NR ? f / NR : 0,
		    NR ? t / NR : 0
		for (i = 1; i <= 6; i++) printf " %d", b[i] - a[i]
		printf "\n" }' "$T/out" >> "$T/runs"
	awk -v n="$name" -v c=$((CLI_CPU + 2)) -v s=$((SRV_CPU + 2)) '
		FNR == 1 { next }
		NR == FNR { a[$1] = $c; b[$1] = $s; next }
		$1 in a { printf "%s %s %d %d\n", n, $1, $c - a[$1], $s - b[$1] }' \
	    "$T/si0" /proc/softirqs >> "$T/softirqs"
	set -- "$name"
	ok=$(awk -v sz="$SZ" '$1 == 0 && $2 == 200 && $3 == sz' "$T/out" |
	    wc -l)
	if [ "$ok" -ne "$CLIENTS" ]; then
		log "$1: $ok of $CLIENTS transfers complete; first failures:"
		awk -v sz="$SZ" '!($1 == 0 && $2 == 200 && $3 == sz)' \
		    "$T/out" | head -3 >&2
		exit 1
	fi
	[ -z "$OUTD" ] || rm -f "$OUTD"/*
	W=$((W + t1 - t0))
	C=$((C + c1 - c0))
}

w=0
while [ $w -lt "$WARM" ]; do
	w=$((w + 1))
	for n in $NAMES; do
		eval "p=\$PORT_$n"
		ip netns exec "$NS_CLI" $RT taskset -c "$CLI_CPU" curl -sf \
		    -m 60 -o /dev/null "http://$SRV:$p/warm.bin" ||
		    { log "$n: a 64 MiB download failed"; exit 1; }
	done
done
[ "$WARM" -gt 0 ] && log "TCP metrics: $(ip netns exec "$NS_SRV" \
    ip tcp_metrics show 2>/dev/null | head -1)"

log "$SAMPLES samples of $RUNS runs per server, $CLIENTS x $SIZE_MIB MiB" \
    "a run, servers on CPU $SRV_CPU, curl on CPU $CLI_CPU${RT:+ ($RT)}"
echo "sample$(for n in $NAMES; do printf ' %s-wall-ns %s-cpu-ns' $n $n
    done)" > "$T/samples"
s=0
while [ $s -lt "$SAMPLES" ]; do
	s=$((s + 1))
	order=$NAMES
	[ $((s % 2)) -eq 0 ] && order=$(echo $NAMES | tr ' ' '\n' | tac)
	for n in $order; do
		W=0 C=0 r=0
		while [ $r -lt "$RUNS" ]; do
			r=$((r + 1))
			one "$n"
		done
		eval "W_$n=$W C_$n=$C"
	done
	line=$s
	for n in $NAMES; do
		eval "line=\"\$line \$W_$n \$C_$n\""
	done
	echo "$line" >> "$T/samples"
done
cat "$T/samples"
echo
echo "per run, the mean over the samples: wall time and, with --clients" \
    "1, curl's first byte and total (ms); CPU $CLI_CPU (curl's) and CPU" \
    "$SRV_CPU (the servers') busy, of it softirq, and idle (ms, from" \
    "/proc/stat's ticks); softirqs on CPU $CLI_CPU / CPU $SRV_CPU" \
    "(NET_RX: the veth's packets," \
    "HRTIMER: TCP's pacing timers among others)"
tick=$((1000 / $(getconf CLK_TCK)))
for n in $NAMES; do
	awk -v n="$n" -v tick="$tick" '$1 == n { r++; w += $2; f += $4
		t += $5; for (i = 1; i <= 6; i++) k[i] += $(5 + i) }
	END { printf "  %-6s wall %.1f", n, w / r / 1e6
		if (one)
			printf ", first byte %.2f, total %.1f", f / r * 1e3,
			    t / r * 1e3
		printf "; CPU %s %.1f/%.1f/%.1f, CPU %s %.1f/%.1f/%.1f",
		    cli, k[1] * tick / r,
		k[2] * tick / r, k[3] * tick / r, srv, k[4] * tick / r,
		k[5] * tick / r, k[6] * tick / r }' cli="$CLI_CPU" \
	    srv="$SRV_CPU" one=$([ "$CLIENTS" -eq 1 ] && echo 1 || echo 0) \
	    "$T/runs"
	awk -v n="$n" '$1 == n && ($2 == "NET_RX:" || $2 == "HRTIMER:") {
		r[$2]++; c[$2] += $3; s[$2] += $4 }
	END { split("NET_RX: HRTIMER:", o, " ")
		for (i = 1; i <= 2; i++)
			if (r[o[i]])
				printf "; %s %.0f/%.0f", o[i],
				    c[o[i]] / r[o[i]], s[o[i]] / r[o[i]]
		printf "\n" }' "$T/softirqs"
done
echo
echo "per sample, pxed over nginx (throughput: nginx's wall over pxed's;" \
    "CPU: pxed's over nginx's), and over pxed1: median (min-max)"
awk -v np=$(($(echo $NAMES | wc -w) - 1)) '
function med(a, n,    i, j, t) {
	for (i = 1; i <= n; i++)
		for (j = i + 1; j <= n; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function show(what, a, n) {
	printf "  %-22s %.2fx (%.2f-%.2f)\n", what, med(a, n), a[1], a[n]
}
NR > 1 {
	n++
	ngc[n] = $3 / 1e6
	for (k = 1; k <= np; k++) {
		w = $(2 + 2 * k); c = $(3 + 2 * k)
		tr[k, n] = $2 / w; cr[k, n] = c / $3
		t1[k, n] = $4 / w; c1[k, n] = c / $5
		ms[k, n] = c / 1e6
	}
}
END {
	for (i = 1; i <= n; i++) a[i] = ngc[i]
	printf "nginx: %.1f ms of CPU a sample (median)\n", med(a, n)
	for (k = 1; k <= np; k++) {
		for (i = 1; i <= n; i++) a[i] = ms[k, i]
		printf "pxed%d: %.1f ms of CPU a sample (median)\n", k, med(a, n)
		for (i = 1; i <= n; i++) a[i] = tr[k, i]
		show("throughput / nginx", a, n)
		for (i = 1; i <= n; i++) a[i] = cr[k, i]
		show("CPU / nginx", a, n)
		if (k == 1) continue
		for (i = 1; i <= n; i++) a[i] = t1[k, i]
		show("throughput / pxed1", a, n)
		for (i = 1; i <= n; i++) a[i] = c1[k, i]
		show("CPU / pxed1", a, n)
	}
}' "$T/samples"
