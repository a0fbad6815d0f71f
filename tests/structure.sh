#!/bin/sh
# structure.sh: the shape of daemon/ that HACKING.md promises, measured
# on the sources and this build's objects:
#   - no function over 150 lines, at most three over 100 (KNF: the name in
#     column 0, the body from "{" to "}" in column 0);
#   - no source file over 1,200 lines;
#   - at most five external functions whose name does not start with
#     their file's name (fatal and fatalx in log.c are two of them).
# Run it by hand too: "tests/structure.sh -v" lists what it measured.
. "$(dirname "$0")/lib.sh"
pxed_test_init
verbose=0
[ "${1:-}" = -v ] && verbose=1
OBJDIR=$(dirname "$PXED")

for f in "$SRCDIR"/daemon/*.c; do
	awk -v F="$(basename "$f")" '
	/^[A-Za-z_][A-Za-z0-9_]*\(/ { name = $0; sub(/\(.*/, "", name);
	    start = NR; next }
	/^\{/ && name != "" { body = 1; next }
	/^\}/ && body { print NR - start + 1, F, name; body = 0; name = "" }
	' "$f"
done | sort -n > "$T/fnlen"
over150=$(awk '$1 > 150' "$T/fnlen" | wc -l)
over100=$(awk '$1 > 100' "$T/fnlen" | wc -l)
[ "$verbose" = 1 ] && awk '$1 > 100' "$T/fnlen"
check "no function over 150 lines ($over150)" test "$over150" -eq 0
check "at most three functions over 100 lines ($over100)" \
    test "$over100" -le 3
awk '$1 > 150' "$T/fnlen" | sed 's/^/  /'

wc -l "$SRCDIR"/daemon/*.c "$SRCDIR"/daemon/*.h | grep -v ' total$' |
    awk '$1 > 1200' > "$T/big"
[ "$verbose" = 1 ] && cat "$T/big"
check "no file in daemon/ over 1,200 lines" test ! -s "$T/big"
sed 's/^/  /' "$T/big"

n=0
for o in "$OBJDIR"/*.o; do
	[ -e "$o" ] || continue
	base=$(basename "$o" .o)
	base=${base#libpxed_a-}
	nm --defined-only -g "$o" | awk '$2 == "T" { print $3 }' |
	while read -r s; do
		case $s in
		"$base"_*|main) ;;
		*) echo "$base.c: $s" ;;
		esac
	done
done > "$T/prefix"
n=$(wc -l < "$T/prefix")
[ "$verbose" = 1 ] && cat "$T/prefix"
check "objects found in $OBJDIR" test -e "$OBJDIR/main.o" -o \
    -e "$OBJDIR/pxed-main.o"
check "at most five external functions with a foreign prefix ($n)" \
    test "$n" -le 5
[ "$n" -le 5 ] || sed 's/^/  /' "$T/prefix"

pxed_test_done
