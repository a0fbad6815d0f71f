#!/bin/sh
# dhcp-ceiling.sh: pxed's DHCPv4 ceiling, driven by bench/dhcpgen (a
# generator that outruns it), with every lease fsync'd (the journal, the
# default).  Not a test: it prints figures.  Needs root, a built
# bench/dhcpgen and perfdhcp (kea-admin, for the cross-check).
#
# usage: bench/dhcp-ceiling.sh [--pxed PATH] [--gen PATH] [--rates "2000 8000"]
#            [--duration S] [--clients N] [--window "256 1024"]
#            [--leases N] [--repeat R] [--profile FILE] [--keep]
#            [--only xcheck|ceiling|memory]
#
# pxed runs pinned to CPU 1 in the server namespace (10.78.0.1/16), the
# generators pinned to CPU 0 in the client namespace (10.78.0.2), a veth
# pair between them (BENCH_SRV_CPU and BENCH_CLI_CPU change the CPUs,
# BENCH_RT=1 runs both at real-time priority).  pxed is restarted with an
# empty journal before every run, and every client is a new one, so every
# DORA grants a new lease and appends it to the journal, which is
# fdatasync()ed before the ACKs leave.  Both generators act as a relay
# agent (bound to 10.78.0.2:67, giaddr 10.78.0.2).
#   1. cross-check: for each rate of --rates, a run of --duration S
#      seconds (default 5) with perfdhcp -r and one with dhcpgen -r:
#      DORA/s done, % of clients without an ACK, pxed's CPU per DORA and
#      the mean DISCOVER-to-ACK time (perfdhcp's: the sum of its mean
#      DISCOVER-OFFER and REQUEST-ACK delays) side by side;
#   2. ceiling: dhcpgen as fast as it can with at most W exchanges in
#      flight, for each W of --window (default "256 1024"), --clients N
#      new clients (default 50000): DORA/s, drops, pxed's CPU per DORA
#      (its cgroup's CPU time, else utime+stime, over the ACKs), the
#      latency percentiles and how busy the generator kept CPU 0; the
#      median of --repeat R runs (default 3) by DORA/s;
#   3. memory: once --leases N (default 50000) distinct clients hold a
#      lease (a closed-loop dhcpgen run; the journal is counted too):
#      VmRSS, RSS less shared pages (Private_Clean + Private_Dirty of
#      /proc/PID/smaps_rollup) and Pss_Anon.
# --profile FILE: perf record -g on pxed during one more ceiling run,
# report into FILE.  --only PART runs just that part (memory: about a
# minute); with --keep, part 3 leaves pxed's /proc/PID/smaps in
# $T/smaps (per mapping) next to the logs.
#
# Traffic stays between the two namespaces (10.78.0.1 <-> 10.78.0.2).

set -u

: "${BENCH_SRV_CPU:=1}" "${BENCH_CLI_CPU:=0}"
BENCH=dhcp-ceiling
. "$(dirname "$0")/lib.sh"

PXED=${PXED:-$TOP/daemon/pxed}
GEN=${DHCPGEN:-$TOP/bench/dhcpgen}
RATES="2000 8000"
DUR=5
CLIENTS=50000
WINDOWS="256 1024"
LEASES=50000
REPEAT=3
PROFILE=
KEEP=
ONLY=
while [ $# -gt 0 ]; do
	case $1 in
	--pxed) [ $# -ge 2 ] || usage; PXED=$2; shift 2;;
	--gen) [ $# -ge 2 ] || usage; GEN=$2; shift 2;;
	--rates) [ $# -ge 2 ] || usage; RATES=$2; shift 2;;
	--duration) [ $# -ge 2 ] || usage; DUR=$2; shift 2;;
	--clients) [ $# -ge 2 ] || usage; CLIENTS=$2; shift 2;;
	--window) [ $# -ge 2 ] || usage; WINDOWS=$2; shift 2;;
	--leases) [ $# -ge 2 ] || usage; LEASES=$2; shift 2;;
	--repeat) [ $# -ge 2 ] || usage; REPEAT=$2; shift 2;;
	--profile) [ $# -ge 2 ] || usage; PROFILE=$2; shift 2;;
	--keep) KEEP=1; shift;;
	--only) [ $# -ge 2 ] || usage; ONLY=$2; shift 2;;
	-h|--help) usage;;
	*) echo "$BENCH: unknown argument '$1'" >&2; usage;;
	esac
done
for v in "$DUR" "$CLIENTS" "$LEASES" "$REPEAT" $RATES $WINDOWS; do
	case $v in
	''|*[!0-9]*|0) echo "$BENCH: '$v' is not a positive number" >&2
		exit 2;;
	esac
done
[ "$CLIENTS" -le 60000 ] && [ "$LEASES" -le 60000 ] ||
    { echo "$BENCH: --clients and --leases at most 60000" >&2; exit 2; }
case $ONLY in
''|xcheck|ceiling|memory) ;;
*) echo "$BENCH: --only xcheck, ceiling or memory" >&2; exit 2;;
esac
# part NAME: whether part NAME runs
part() {
	[ -z "$ONLY" ] || [ "$ONLY" = "$1" ]
}
[ -x "$GEN" ] || { echo "$BENCH: no $GEN: run make first" >&2; exit 2; }

# What lib.sh's DHCP machinery needs (see dhcp-bench.sh).
dhcp_bench_v4
WAIT_US=1000000		# perfdhcp -W, and dhcpgen -w (in ms)
FILL_TMO=240
SERVERS=pxed

netns_require
dhcp_bench_need kea-dhcp4 kea-dhcp4-server
dhcp_bench_setup

pxed_conf4
why=$(pxed_check) || { log "$why"; exit 1; }
CUR=pxed

# gen ARGS...: one dhcpgen run in the client namespace on CPU CLI_CPU
# (in cgroup CGC), relay mode, killed after a bound.  Sets G_<key> for
# every "key value" line it prints, G_CPU (pxed's CPU seconds meanwhile),
# G_C0 (% of the wall time the generator kept its CPU busy, its
# cgroup's figure: its own work and the kernel's done for it) and
# G_SDROP / G_CDROP as perf() does.
gen() {
	gc0=$(cpu_now)
	cd0=$(cli_rcvbuf_errors)
	sd0=$(srv_sock_drops)
	cc0=0
	[ -n "$CGC" ] && cc0=$(cg_cpu "$CGC" 6)
	gt0=$(date +%s%N)
	timeout -k 2 $((DUR * 4 + 60)) sh -c '[ -z "$0" ] ||
	    echo $$ > "$0/cgroup.procs" || exit 125; exec "$@"' "$CGC" \
	    ip netns exec "$NS_CLI" $RT taskset -c "$CLI_CPU" \
	    "$GEN" -a "$NETNS_CLI_IP" -s 255.255.255.255 -i "$CIF" \
	    -w $((WAIT_US / 1000)) -t $((DUR * 4 + 30)) "$@" \
	    > "$T/gen.out" 2> "$T/gen.err"
	grc=$?
	gt1=$(date +%s%N)
	G_CPU=$(awk -v a="$gc0" -v b="$(cpu_now)" \
	    'BEGIN { printf "%.6f", b - a }')
	G_CDROP=$(( $(cli_rcvbuf_errors) - cd0 ))
	G_SDROP=$(( $(srv_sock_drops) - sd0 ))
	G_C0=-
	[ -n "$CGC" ] && G_C0=$(awk -v a="$cc0" -v b="$(cg_cpu "$CGC" 6)" \
	    -v w="$(( (gt1 - gt0) / 1000 ))" \
	    'BEGIN { printf "%d", 100 * (b - a) * 1e6 / w }')
	[ $grc -le 1 ] || log "dhcpgen exited with $grc: $(cat "$T/gen.err")"
	eval "$(awk '$1 ~ /^[a-z0-9_]+$/ && $2 ~ /^[0-9.]+$/ {
		printf "G_%s=%s\n", $1, $2 }' "$T/gen.out")"
	: "${G_ack:=0}" "${G_discover:=0}" "${G_drop_pct:=100}"
	G_US=$(awk -v c="$G_CPU" -v n="$G_ack" \
	    'BEGIN { if (n > 0) printf "%.1f", c * 1e6 / n; else print "-" }')
}

# fresh: pxed restarted with an empty journal; a new MAC base in BASE
fresh() {
	stop_server
	next_base
	start_server pxed "$BASE" || { log "pxed: $WHY"; exit 1; }
	next_base
}

# ---- 1. cross-check against perfdhcp ----
XC=$T/xcheck
: > "$XC"
XRATES=$RATES
part xcheck || XRATES=
for xr in $XRATES; do
	xn=$((xr * DUR))
	[ $xn -gt 50000 ] && xn=50000
	fresh
	perf $((DUR + 30)) "$BASE" -R $((xn + 1000)) -n $xn -r "$xr" \
	    -p $((DUR + 5))
	pd=$(awk -v x1="$PERF_X1" -v x2="$PERF_X2" '
		$0 ~ "Statistics for: " x1 { s = 1 }
		$0 ~ "Statistics for: " x2 { s = 2 }
		/^avg delay:/ { d[s] = $3 }
		END { printf "%.0f", (d[1] + d[2]) * 1000 }' "$T/perf.out")
	prate=$(awk -v a="$P_ACK" -v s="$P_SEND" 'BEGIN { printf "%d", a / s }')
	pus=$(awk -v c="$P_CPU" -v n="$P_ACK" \
	    'BEGIN { if (n > 0) printf "%.1f", c * 1e6 / n; else print "-" }')
	pdrop=$P_DROP	# fresh's readiness run sets the P_* figures again
	log "perfdhcp -r $xr: $P_ACK of $P_DS DORA ($P_DROP % failed)," \
	    "$prate/s; pxed $pus us/DORA; mean $pd us; perfdhcp CPU $P_C1%;" \
	    "dropped by pxed's sockets $P_SDROP, by perfdhcp's $P_CDROP"
	fresh
	gen -b "$BASE" -n $xn -r "$xr"
	log "dhcpgen -r $xr: $G_ack of $G_discover DORA ($G_drop_pct %" \
	    "failed), $G_dora_per_s/s; pxed $G_US us/DORA; mean" \
	    "$G_lat_us_mean us; dhcpgen CPU $G_C0%; dropped by pxed's" \
	    "sockets $G_SDROP, by dhcpgen's $G_CDROP"
	echo "$xr $prate $pdrop $pus $pd $G_dora_per_s $G_drop_pct $G_US" \
	    "$G_lat_us_mean $G_lat_us_p50 $G_lat_us_p90 $G_lat_us_p99" >> "$XC"
done

# ---- 2. the ceiling ----
CE=$T/ceiling
: > "$CE"
CWINS=$WINDOWS
part ceiling || CWINS=
for win in $CWINS; do
	# not i: lib.sh's functions use it
	run=0
	: > "$T/runs"
	while [ $run -lt "$REPEAT" ]; do
		run=$((run + 1))
		fresh
		gen -b "$BASE" -n "$CLIENTS" -o "$win"
		log "window $win, run $run: $G_ack of $G_discover DORA" \
		    "($G_drop_pct % failed), $G_dora_per_s/s; pxed $G_US" \
		    "us/DORA; latency p50/p90/p99 $G_lat_us_p50/" \
		    "$G_lat_us_p90/$G_lat_us_p99 us; dhcpgen CPU $G_C0%" \
		    "($G_gen_cpu_us_per_dora us/DORA); dropped by pxed's" \
		    "sockets $G_SDROP, by dhcpgen's $G_CDROP"
		echo "$G_dora_per_s $G_drop_pct $G_US $G_lat_us_p50" \
		    "$G_lat_us_p90 $G_lat_us_p99 $G_C0" >> "$T/runs"
	done
	# the median run by DORA/s
	sort -n "$T/runs" | awk -v w="$win" -v n="$REPEAT" \
	    'NR == int((n + 1) / 2) { print w, $0 }' >> "$CE"
done

# smaps_areas FILE: pxed's private kB (Private_Clean + Private_Dirty) by
# area, from /proc/PID/smaps: the heap (brk), pxed's own bss past its
# file, other anonymous mappings (malloc's mmap()ed blocks), the stack,
# pxed's file pages and the libraries', each dirty (relocations, .data)
# and clean (text, read-only data: counted private only while no other
# process maps the same file); the total less those clean pages; last,
# RSS less every page of a shared library's mappings, shared or not
smaps_areas() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / {
		n = $6
		if (n == "") a = prev ~ /\/pxed$/ ? "bss" : "anon"
		else if (n ~ /\/pxed$/) a = "file"
		else if (n ~ /^\[/) a = substr(n, 2, length(n) - 2)
		else a = "lib"
		prev = n
		next
	}
	/^Rss:/ { r += $2; if (a == "lib") rl += $2 }
	/^Private_Clean:/ { c[a] += $2 }
	/^Private_Dirty:/ { d[a] += $2; t += $2 }
	END {
		t += c["heap"] + c["bss"] + c["anon"] + c["stack"]
		printf "heap %d, bss %d, anon %d, stack %d, pxed file dirty" \
		    " %d clean %d, libraries dirty %d clean %d; less the" \
		    " clean file pages %d; RSS less the shared library" \
		    " pages (the measure of issue 14) %d", c["heap"] + d["heap"],
		    c["bss"] + d["bss"], c["anon"] + d["anon"],
		    c["stack"] + d["stack"], d["file"], c["file"], d["lib"],
		    c["lib"], t, r - rl
	}' "$1"
}

# ---- 3. memory with LEASES leases ----
MEM=
if part memory; then
	fresh
	gen -b "$BASE" -n "$LEASES" -o 256
	# pxed's DHCP tick (every second) returns free heap pages once no
	# reply is held: read after it ran
	sleep 2
	MEM=$(awk '$1 == "Private_Clean:" || $1 == "Private_Dirty:" {
		p += $2 } $1 == "Pss_Anon:" { a = $2 } $1 == "Rss:" { r = $2 }
		END { printf "%d %d %d", r, p, a }' "/proc/$SPID/smaps_rollup")
	AREAS=$(smaps_areas "/proc/$SPID/smaps")
	[ -n "$KEEP" ] && cp "/proc/$SPID/smaps" "$T/smaps"
	STORE=$(store_count pxed)
	MEM_ACK=$G_ack
	log "memory: $G_ack leases granted, $STORE in the journal;" \
	    "Rss/private/Pss_Anon kB: $MEM; private kB by area: $AREAS"
fi

# ---- profile ----
if [ -n "$PROFILE" ] && command -v perf >/dev/null 2>&1; then
	fresh
	set -- $WINDOWS
	command perf record -q -g -o "$T/perf.data" -p "$SPID" 2>/dev/null &
	prec=$!
	sleep 0.5
	gen -b "$BASE" -n "$CLIENTS" -o "$1"
	kill -INT $prec
	wait $prec
	command perf report -i "$T/perf.data" --stdio --no-children \
	    --percent-limit 0.5 > "$PROFILE" 2>/dev/null
	log "profile of a ceiling run ($G_dora_per_s DORA/s) in $PROFILE"
fi
stop_server

echo
echo "pxed DHCPv4 with durable leases (journal, fdatasync before the ACKs);"
echo "pxed on CPU $SRV_CPU, generators on CPU $CLI_CPU, veth pair; pxed" \
    "CPU from $([ "$CPU_SRC" = stat ] && echo "/proc/PID/stat" ||
    echo "a cgroup ($CGKIND)"); CPUs busy before: $BUSY0%," \
    "load average $LOAD0"
if part xcheck; then
	echo
	echo "cross-check, $DUR s at each rate (DORA/s done, % without ACK," \
	    "pxed us of CPU per DORA, mean DISCOVER->ACK us):"
	awk '{ printf "  -r %-6s perfdhcp %6d/s %6.2f%% %6s us %7s us | " \
	    "dhcpgen %6d/s %6.2f%% %6s us %7s us (p50/p90/p99 %s/%s/%s)\n",
	    $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 }' "$XC"
fi
if part ceiling; then
	echo
	echo "ceiling: dhcpgen as fast as it can, $CLIENTS new clients, W" \
	    "exchanges in flight at most; median of $REPEAT by DORA/s"
	awk '{ printf "  W %-5s %7d DORA/s  %5.2f%% failed  %6s us " \
	    "CPU/DORA  latency us p50 %s p90 %s p99 %s  dhcpgen CPU %s%%\n",
	    $1, $2, $3, $4, $5, $6, $7, $8 }' "$CE"
fi
if part memory; then
	echo
	set -- $MEM
	echo "memory with $MEM_ACK leases granted ($STORE in the journal):" \
	    "VmRSS $1 kB, private (Private_Clean + Private_Dirty) $2 kB," \
	    "Pss_Anon $3 kB"
	echo "private kB by area: $AREAS"
fi
