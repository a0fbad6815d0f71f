# lib.sh: helpers shared by pxed's shell tests.  Source it, then call
# pxed_test_init.  Exit 77 skips (automake), 99 is a hard error.

: "${PXED:=$(cd "$(dirname "$0")/.." && pwd)/daemon/pxed}"
: "${SRCDIR:=$(cd "$(dirname "$0")/.." && pwd)}"

PIDS=""
FAILS=0
PASSES=0

pxed_cleanup() {
	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	[ -n "${T:-}" ] && [ -d "$T" ] && rm -rf "$T"
}

pxed_test_init() {
	[ -x "$PXED" ] || { echo "no pxed binary at $PXED"; exit 99; }
	T=$(mktemp -d /tmp/pxed-test.XXXXXX) || exit 99
	# pxed drops root for user pxed or nobody: let it in.
	chmod 755 "$T"
	trap pxed_cleanup EXIT
	trap 'exit 99' INT TERM
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

# count_log FILE PATTERN: how many lines match.
count_log() {
	grep -Ec -- "$2" "$1" 2>/dev/null || true
}

pxed_test_done() {
	echo "$PASSES passed, $FAILS failed"
	[ "$FAILS" -eq 0 ]
}

# pxed_start NS LOG ARGS...: pxed -d ARGS in namespace NS, logging to LOG
# (emptied first); sets PXPID, adds it to PIDS, waits (<= 5 s) until it
# has started.  Not through a shell function: $! must be pxed itself.
pxed_start() {
	_ps_ns=$1 _ps_log=$2
	shift 2
	: > "$_ps_log"
	ip netns exec "$_ps_ns" "$PXED" -d "$@" >> "$_ps_log" 2>&1 &
	PXPID=$!
	PIDS="$PIDS $PXPID"
	wait_log "$_ps_log" "pxed .* started" 5 || { cat "$_ps_log"; exit 99; }
}

# pxed_stop: SIGTERM to PXPID, then wait (<= 5 s) for it to exit.
pxed_stop() {
	kill "$PXPID" 2>/dev/null
	_ps_n=0
	while kill -0 "$PXPID" 2>/dev/null && [ $_ps_n -lt 50 ]; do
		sleep 0.1
		_ps_n=$((_ps_n + 1))
	done
}
