#!/bin/sh
# watch.sh: watch-conf-dir = yes.  pxed reloads by itself, with the
# guarantees of SIGHUP, when a conf.d file is added, changed or removed,
# when the main file changes, and when conf.d is removed, put back or
# replaced by a rename; a broken file is refused with file:line and the
# old configuration kept; editors' files (dotfiles, x.conf~) are not
# watched; 1,000 host files written at once cause at most 2 reloads, and
# the last one's host is in effect.  watch-conf-dir = no (set by a
# reload) stops the watching.
. "$(dirname "$0")/lib.sh"
pxed_net_init lo

pxed_conf_proxy "watch-conf-dir = yes"
echo 'boot "a" { filename = "a.efi" }' > "$T/conf.d/10-a.conf"
LOG=$T/log
pxed_start -n "$NS" "$LOG" -f "$T/pxed.conf" -r "$T/root" -p "$T/pid"
check "says what it watches" grep -q \
    "conf: watching $T/conf.d/\*.conf and $T/pxed.conf for changes" "$LOG"

RE_DONE="conf: (reloaded|reload failed)"
# reloaded_to N: wait for the reload that makes generation N.
reloaded_to() {
	wait_log "$LOG" "conf: reloaded in [0-9]+ ms, generation $1: " 10
}
mac() {
	printf '52:54:00:%02x:%02x:%02x' $(($1 / 65536)) $(($1 / 256 % 256)) \
	    $(($1 % 256))
}

# Added: one reload, named after the file.
echo 'boot "b" { filename = "b.efi" }' > "$T/conf.d/20-b.conf"
check "added file: reloaded to generation 2" reloaded_to 2
check "  the log names the file" \
    grep -q "conf: $T/conf.d/20-b.conf changed.*, reloading" "$LOG"
check "  2 boot entries in effect" \
    grep -q "generation 2: .*2 conf.d files.*2 boot entries" "$LOG"

# Editors' files are not rule files: the reload names the real one.
echo 'x' > "$T/conf.d/.20-b.conf.swp"
echo 'x' > "$T/conf.d/20-b.conf~"
echo 'host "h0" { mac = "'"$(mac 0)"'" }' > "$T/conf.d/20-b.conf"
check "changed file: generation 3" reloaded_to 3
check "  dotfiles and x.conf~ are not watched" \
    test "$(grep 'changed.*reloading' "$LOG" | tail -n 1 |
    grep -c "conf: $T/conf.d/20-b.conf changed")" -eq 1

# Removed.
rm "$T/conf.d/20-b.conf" "$T/conf.d/.20-b.conf.swp" "$T/conf.d/20-b.conf~"
check "removed file: generation 4, 1 file" reloaded_to 4

# Broken: refused with file:line, the old configuration kept.
printf 'boot "c" {\n  filename = "c"\n  colour = red\n}\n' > "$T/conf.d/30-c.conf"
check "broken file refused" wait_log "$LOG" \
    "reload failed with 1 error, still serving generation 4" 10
check "  its error logged with file:line" \
    grep -qF "conf: $T/conf.d/30-c.conf:3: no such option 'colour'" "$LOG"
printf 'boot "c" {\n  filename = "c"\n}\n' > "$T/conf.d/30-c.conf"
check "fixed: generation 5, 2 boot entries" reloaded_to 5

# The main file changes.
echo '# edited' >> "$T/pxed.conf"
check "main file changed: generation 6" reloaded_to 6
check "  the log names it" \
    grep -q "conf: $T/pxed.conf changed.*, reloading" "$LOG"

# 1,000 host files at once: one or two reloads, the last host in effect.
before=$(count_log "$LOG" "$RE_DONE")
# One process writes them all: a fork per file can take seconds on a
# loaded machine, past the watcher's quiet time, and make a third reload.
awk -v d="$T/conf.d" 'BEGIN {
	for (i = 1; i <= 1000; i++) {
		f = sprintf("%s/50-h%d.conf", d, i)
		printf "host \"h%d\" { mac = \"52:54:00:%02x:%02x:%02x\" }\n", \
		    i, int(i / 65536), int(i / 256) % 256, i % 256 > f
		close(f)
	}
}'
check "1,000 files: the reload with 1000 hosts" wait_log "$LOG" \
    "conf: reloaded in .*, 1002 conf.d files,.* 1000 hosts" 20
n=$(( $(count_log "$LOG" "$RE_DONE") - before ))
check "1,000 files written at once: $n reload(s), at most 2" test "$n" -le 2
gen=$(grep -Eo "generation [0-9]+: .* 1000 hosts" "$LOG" | tail -n 1 |
    cut -d' ' -f2 | tr -d :)
"$PXED" -f "$T/pxed.conf" -r "$T/root" --explain mac="$(mac 1000)" \
    > "$T/explain" 2>&1
check "  the last file's host is known (--explain)" \
    grep -q '^host: "h1000" at '"$T/conf.d/50-h1000.conf:1" "$T/explain" ||
    sed 's/^/  | /' "$T/explain"
rm -f "$T"/conf.d/50-h*.conf
reloaded_to $((gen + 1)) >/dev/null

# conf.d removed: refused (a conf-dir that is set must exist), put back.
gen=$((gen + 1))
mv "$T/conf.d" "$T/conf.d.old"
check "conf.d moved away: reload refused" wait_log "$LOG" \
    "$T/conf.d: conf-dir: No such file or directory" 10
mkdir "$T/conf.d.new"
echo 'boot "n" { filename = "n.efi" }' > "$T/conf.d.new/10-n.conf"
mv "$T/conf.d.new" "$T/conf.d"
check "a new conf.d renamed into place: generation $((gen + 1))" \
    reloaded_to $((gen + 1))
echo 'boot "m" { filename = "m.efi" }' > "$T/conf.d/20-m.conf"
check "  and the new conf.d is watched: generation $((gen + 2))" \
    reloaded_to $((gen + 2))
check "  with its 2 files" grep -q \
    "generation $((gen + 2)): .*2 conf.d files.*2 boot entries" "$LOG"

# watch-conf-dir = no, by SIGHUP: the watching stops.
sed -i 's/^watch-conf-dir = yes/watch-conf-dir = no/' "$T/pxed.conf"
check "watch-conf-dir = no applies on the change itself" \
    wait_log "$LOG" "conf: no longer watching $T/conf.d" 10
pxed_stop
check "exits cleanly" test $? -eq 0
pxed_test_done
