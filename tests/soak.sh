#!/bin/sh
# soak.sh: run pxed's network suites N times in a row and count failures,
# to find a check that passes once and fails the twentieth time.
#
#   tests/soak.sh [-q] [-x] [-s "suite ..."] N
#
# Run it from a build directory (the one that holds daemon/pxed) after
# `make`; as root, like the suites themselves.  The suites are every
# tests/*.sh that builds a namespace topology (calls pxed_net_init), in
# the order of the Makefile's TESTS, without the QEMU boot suites (those
# that use tests/qemu.sh, minutes each) unless -q is given.  -s names the suites
# instead (basenames, e.g. -s "dhcp-net tftp-net").  -x stops at the
# first failure.  Each run is strict (a skip counts as a failure, as in
# CI), and each suite's output is kept in soak-logs/RUN-SUITE.log.
#
# Prints a line per run and a table: suite, passes, failures, mean and
# worst seconds.  Exit status: 0 when nothing failed, 1 otherwise.
set -u

usage() {
	echo "usage: $0 [-q] [-x] [-s \"suite ...\"] N" >&2
	exit 2
}

qemu=no
stop=no
suites=
while getopts qxs: opt; do
	case $opt in
	q)	qemu=yes;;
	x)	stop=yes;;
	s)	suites=$OPTARG;;
	*)	usage;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] || usage
case $1 in
''|*[!0-9]*)	usage;;
esac
runs=$1
[ "$runs" -ge 1 ] && [ "$runs" -le 1000 ] || usage

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
build=$(pwd)
[ -x "$build/daemon/pxed" ] || {
	echo "soak: no daemon/pxed here: run it from a build directory" >&2
	exit 2
}

if [ -z "$suites" ]; then
	# The Makefile's order; a suite is a network suite when it builds
	# a topology.
	for t in $(awk '/^TESTS \+?=/ { on = 1; sub(/^TESTS \+?=/, "") }
	    on { more = sub(/\\$/, ""); print; if (!more) on = 0 }' \
	    "$SRCDIR/Makefile.am"); do
		case $t in
		tests/*.sh)	;;
		*)		continue;;
		esac
		s=$(basename "$t" .sh)
		grep -q 'pxed_net_init' "$SRCDIR/$t" || continue
		# A QEMU suite (it uses tests/qemu.sh) boots firmware:
		# minutes each.
		if grep -q 'qemu\.sh' "$SRCDIR/$t"; then
			[ $qemu = yes ] || continue
		fi
		suites="$suites $s"
	done
fi
for s in $suites; do
	[ -f "$SRCDIR/tests/$s.sh" ] || {
		echo "soak: no suite tests/$s.sh" >&2
		exit 2
	}
done

PXED=$build/daemon/pxed
PXED_PROBE=$build/daemon/pxed-probe
MANDOC=${MANDOC:-mandoc}
PXED_STRICT_TESTS=yes
export PXED PXED_PROBE SRCDIR MANDOC PXED_STRICT_TESTS

# What make check builds besides pxed (tests/unit, which pg-net.sh runs).
make -C "$build" check TESTS= > /dev/null 2>&1 || {
	echo "soak: make check TESTS= failed in $build" >&2
	exit 2
}

logs=$build/soak-logs
rm -rf "$logs"
mkdir -p "$logs"
stats=$logs/stats		# suite pass|fail seconds, a line per suite run
: > "$stats"

echo "soak: $runs runs of:$suites"
failed=0
i=1
while [ "$i" -le "$runs" ]; do
	line="run $i:"
	for s in $suites; do
		t0=$(date +%s)
		sh "$SRCDIR/tests/$s.sh" > "$logs/$i-$s.log" 2>&1 9>&2
		rc=$?
		dt=$(($(date +%s) - t0))
		if [ "$rc" -eq 0 ]; then
			echo "$s pass $dt" >> "$stats"
		else
			echo "$s fail $dt" >> "$stats"
			failed=$((failed + 1))
			line="$line $s:FAIL($rc)"
			echo "soak: run $i, $s failed (exit $rc):" \
			    "$logs/$i-$s.log" >&2
			grep -E '^not ok' "$logs/$i-$s.log" | head -n 5 >&2
		fi
	done
	echo "$line ${failed} failed so far"
	[ "$stop" = yes ] && [ "$failed" -gt 0 ] && break
	i=$((i + 1))
done

echo
printf '%-14s %6s %6s %8s %8s\n' suite passes fails mean_s worst_s
for s in $suites; do
	awk -v s="$s" '$1 == s {
		n++; t += $3; if ($3 > w) w = $3
		if ($2 == "pass") p++; else f++
	} END {
		printf "%-14s %6d %6d %8.1f %8d\n", s, p, f, n ? t / n : 0, w
	}' "$stats"
done
echo "soak: $failed failures in $((i > runs ? runs : i)) runs"
[ "$failed" -eq 0 ]
