#!/bin/sh
# man-lint.sh: the man pages pass "mandoc -Tlint" without a warning.
. "$(dirname "$0")/lib.sh"
: "${MANDOC:=$(command -v mandoc)}"
[ -n "$MANDOC" ] || pxed_skip "no mandoc" mandoc
for page in "$SRCDIR/man/pxed.8" "$SRCDIR/man/pxed.conf.5" \
    "$SRCDIR/man/pxed-probe.8"; do
	out=$("$MANDOC" -Tlint -W warning "$page" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && [ -z "$out" ] && [ -s "$page" ]; then
		ok "mandoc -Tlint $(basename "$page")"
	else
		not_ok "mandoc -Tlint $(basename "$page") (exit $rc)"
		echo "$out" | sed 's/^/  | /'
	fi
done
pxed_test_done
