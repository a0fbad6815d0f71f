#!/bin/sh
# tests/fuzz/run.sh: run pxed's libFuzzer targets (built by `make fuzz`)
# on their seed corpora and print, per target, executions, time, exec/s,
# coverage and findings.
#
#   run.sh [-t SECONDS] [-r RUNS] [-j JOBS] [-m] [TARGET...]
#
#   -t  seconds per target (default $FUZZ_SECONDS, else 60); 0: do not
#       fuzz (with -m: only minimise what earlier runs found)
#   -r  stop a target after this many executions as well (0: no limit)
#   -j  targets run at once (default 1); each is niced by 10
#   -m  afterwards, minimise the working corpus back into the seed
#       corpus (-merge=1): tests/fuzz/corpus/TARGET in the source tree;
#       over $FUZZ_MAX_SEEDS files (default 300), edges only
#
# Binaries are looked for in $FUZZ_BUILD (default: tests/fuzz under the
# current directory, the build tree); seeds in $FUZZ_SRC (default: this
# script's directory).  New inputs go to $FUZZ_BUILD/work/TARGET, so the
# seed corpus is never written unless -m is given; crashes go to
# $FUZZ_BUILD/artifacts/TARGET/ and logs to $FUZZ_BUILD/logs/TARGET.log.
# The exit status is 1 when any target found something.
set -u

seconds=${FUZZ_SECONDS:-60}
runs=${FUZZ_RUNS:-0}
jobs=1
merge=0
maxseeds=${FUZZ_MAX_SEEDS:-300}
while getopts t:r:j:m opt; do
	case $opt in
	t) seconds=$OPTARG ;;
	r) runs=$OPTARG ;;
	j) jobs=$OPTARG ;;
	m) merge=1 ;;
	*) echo "usage: $0 [-t seconds] [-r runs] [-j jobs] [-m]" \
	    "[target...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

src=${FUZZ_SRC:-$(cd "$(dirname "$0")" && pwd)}
build=${FUZZ_BUILD:-$(pwd)/tests/fuzz}
targets=${*:-"fuzz_dhcp_pkt fuzz_dhcp_srv fuzz_tftp_pkt fuzz_conf fuzz_tmpl fuzz_http_path fuzz_dhcp6_pkt"}

for t in $targets; do
	if ! test -x "$build/$t"; then
		echo "$0: no $build/$t: run make fuzz first" >&2
		exit 2
	fi
done
mkdir -p "$build/logs" "$build/work" "$build/artifacts"

# One target: fuzz, then print its line from the log.
one() {
	t=$1
	work=$build/work/$t
	art=$build/artifacts/$t
	log=$build/logs/$t.log
	mkdir -p "$work" "$art"
	set -- -max_total_time="$seconds" -print_final_stats=1 \
	    -artifact_prefix="$art/" -timeout=10 -rss_limit_mb=2048
	[ "$runs" -gt 0 ] && set -- "$@" -runs="$runs"
	[ -f "$src/$t.dict" ] && set -- "$@" -dict="$src/$t.dict"
	# Scratch files of fuzz_conf and fuzz_dhcp_srv: memory when we can.
	tmp=${TMPDIR:-/tmp}
	[ -d /dev/shm ] && [ -w /dev/shm ] && tmp=/dev/shm
	(cd "$build" && TMPDIR=$tmp nice -n 10 "./$t" "$@" "$work" \
	    "$src/corpus/$t") >"$log" 2>&1
	status=$?
	report "$t" "$status"
}

report() {
	t=$1
	log=$build/logs/$t.log
	art=$build/artifacts/$t
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" |
	    tail -n 1)
	secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' \
	    "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	corp=$(grep -o 'corp: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
	found=$(ls "$art" 2>/dev/null | wc -l)
	reports=$(grep -c 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:\|ERROR: libFuzzer\|^fuzz_' "$log")
	printf '%-15s execs %-10s time %-6s exec/s %-7s cov %-5s ft %-6s corpus %-5s findings %s%s\n' \
	    "$t" "${execs:-?}" "${secs:-?}s" "${rate:-?}" "${cov:-?}" \
	    "${ft:-?}" "${corp:-?}" "$found" \
	    "$([ "$found" -gt 0 ] || [ "$reports" -gt 0 ] || [ "$2" -ne 0 ] &&
	    echo " (exit $2; see $log)")"
	[ "$found" -eq 0 ] && [ "$reports" -eq 0 ] && [ "$2" -eq 0 ]
}

fail=0
pids=
out=$build/logs/run.$$.summary
: >"$out"
[ "$seconds" -gt 0 ] || targets_fuzz=
for t in ${targets_fuzz-$targets}; do
	if [ "$jobs" -le 1 ]; then
		one "$t" | tee -a "$out"
		continue
	fi
	one "$t" >>"$out" &
	pids="$pids $!"
	# At most $jobs at once: wait for a slot.
	while :; do
		alive=
		for p in $pids; do
			kill -0 "$p" 2>/dev/null && alive="$alive $p"
		done
		pids=$alive
		[ "$(echo $pids | wc -w)" -lt "$jobs" ] && break
		sleep 1
	done
done
wait
[ "$jobs" -gt 1 ] && cat "$out"
grep -q 'see .*\.log' "$out" && fail=1
rm -f "$out"

if [ "$merge" -eq 1 ]; then
	for t in $targets; do
		new=$build/work/$t.merged
		rm -rf "$new"
		mkdir -p "$new"
		mkdir -p "$build/work/$t"
		(cd "$build" && nice -n 10 "./$t" -merge=1 "$new" \
		    "$src/corpus/$t" "$build/work/$t") \
		    >"$build/logs/$t.merge.log" 2>&1 || {
			echo "$t: merge failed, see $build/logs/$t.merge.log"
			fail=1
			continue
		}
		# Too many to ship: keep only what adds edges, not hit counts.
		if [ "$(ls "$new" | wc -l)" -gt "$maxseeds" ]; then
			rm -rf "$new.edges"
			mkdir -p "$new.edges"
			(cd "$build" && nice -n 10 "./$t" -merge=1 \
			    -use_counters=0 "$new.edges" "$new") \
			    >>"$build/logs/$t.merge.log" 2>&1 &&
			    rm -rf "$new" && mv "$new.edges" "$new"
		fi
		rm -rf "$src/corpus/$t"
		mv "$new" "$src/corpus/$t"
		echo "$t: seed corpus now $(ls "$src/corpus/$t" | wc -l) files"
	done
fi
exit $fail
