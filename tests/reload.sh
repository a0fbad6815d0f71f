#!/bin/sh
# reload.sh: the running daemon re-reads everything on SIGHUP.  Adding and
# removing conf.d files changes the rules in effect; a broken file (or a
# broken main file) is reported with file:line and the old configuration
# keeps serving; SIGUSR1 reports the state; SIGTERM exits in order; the
# detached daemon writes and removes its pidfile.
# pxed runs in a network namespace of its own (loopback only): it binds
# the DHCP, TFTP and HTTP ports and must answer nothing outside.
. "$(dirname "$0")/lib.sh"
pxed_net_init lo

pxed_conf_proxy
cat > "$T/conf.d/10-a.conf" <<'EOC'
match "efi64" { arch = efi-x64 }
boot "a" { if = "efi64" filename = "a.efi" }
EOC
LOG="$T/log"
pxed_start -n "$NS" -w "" "$LOG" -f "$T/pxed.conf" -r "$T/root" -p "$T/pid"
PID=$PXPID

check "starts with generation 1" \
    wait_log "$LOG" "started, generation 1: .* 1 boot entry"
check "one start-up line names the main file and conf.d" test \
    "$(count_log "$LOG" "started, generation 1: $T/pxed.conf, 1 conf.d file, .*; conf.d $T/conf.d$")" -eq 1

state() {
	: > "$T/mark"
	before=$(count_log "$LOG" "state: boot entries")
	kill -USR1 "$PID"
	n=0
	while [ "$(count_log "$LOG" "state: boot entries")" -le "$before" ] &&
	    [ $n -lt 100 ]; do
		sleep 0.05
		n=$((n + 1))
	done
	grep "state: boot entries" "$LOG" | tail -n 1
}

reload() {
	before=$(count_log "$LOG" "conf: (reloaded|reload failed)")
	kill -HUP "$PID"
	n=0
	while [ "$(count_log "$LOG" "conf: (reloaded|reload failed)")" -le "$before" ] &&
	    [ $n -lt 100 ]; do
		sleep 0.05
		n=$((n + 1))
	done
	grep -E "conf: (reloaded|reload failed)" "$LOG" | tail -n 1
}

case $(state) in
*"boot entries in order: a ($T/conf.d/10-a.conf:2)") ok "USR1 lists a" ;;
*) not_ok "USR1 after start: $(state)" ;;
esac

# A new file: its entry is in effect after SIGHUP, in sorted order.
cat > "$T/conf.d/05-b.conf" <<'EOC'
match "bios" { arch = bios }
boot "b" { if = "bios" filename = "undionly.kpxe" }
EOC
mtime0=$(stat -c %.9Y "$T/pid")
case $(reload) in
*"reloaded in "*" ms, generation 2: "*"2 conf.d files"*"2 boot entries"*)
	ok "reload 1: generation 2, two files" ;;
*) not_ok "reload 1: $(reload)" ;;
esac
case $(state) in
*"boot entries in order: b ($T/conf.d/05-b.conf:2), a ($T/conf.d/10-a.conf:2)")
	ok "new file's entry first (sorted order)" ;;
*) not_ok "after adding 05-b.conf: $(state)" ;;
esac
mtime1=$(stat -c %.9Y "$T/pid")
check "a good reload touches the pidfile" test "$mtime0" != "$mtime1"

# A removed file: its entry is gone.
rm "$T/conf.d/10-a.conf"
case $(reload) in
*"generation 3: "*"1 conf.d file,"*"1 boot entry"*) ok "reload 2: generation 3" ;;
*) not_ok "reload 2" ;;
esac
case $(state) in
*"boot entries in order: b ($T/conf.d/05-b.conf:2)") ok "removed file's entry gone" ;;
*) not_ok "after removing 10-a.conf: $(state)" ;;
esac

# A broken file: error with file:line, old config kept.
printf 'boot "c" {\n  filename = "c"\n  colour = red\n}\n' > "$T/conf.d/20-c.conf"
case $(reload) in
*"reload failed with 1 error, still serving generation 3") ok "broken file refused" ;;
*) not_ok "broken file: $(reload)" ;;
esac
check "broken file's error logged with file:line" \
    grep -qF "conf: $T/conf.d/20-c.conf:3: no such option 'colour'" "$LOG"
case $(state) in
*"boot entries in order: b ($T/conf.d/05-b.conf:2)") ok "old rules still in effect" ;;
*) not_ok "after a broken reload: $(state)" ;;
esac
grep "state: generation" "$LOG" | tail -n 1 | grep -q "generation 3 .*last reload FAILED" &&
    ok "USR1 says generation 3, last reload failed" ||
    not_ok "USR1 state after failure"

# A broken main file: the same.
cp "$T/pxed.conf" "$T/pxed.conf.good"
printf 'dhcp {\n  mode = sometimes\n}\n' >> "$T/pxed.conf"
rm "$T/conf.d/20-c.conf"
case $(reload) in
*"still serving generation 3") ok "broken main file refused" ;;
*) not_ok "broken main file: $(reload)" ;;
esac
check "main file error logged with file:line" \
    grep -qF "conf: $T/pxed.conf:4: mode: \"sometimes\" is not server, proxy or off" "$LOG"

# Fixed: the next reload applies, with the fixed file's rule.
cp "$T/pxed.conf.good" "$T/pxed.conf"
printf 'boot "c" {\n  filename = "c"\n}\n' > "$T/conf.d/20-c.conf"
case $(reload) in
*"generation 4: "*"2 boot entries"*) ok "fixed config applies: generation 4" ;;
*) not_ok "after fixing: $(reload)" ;;
esac
case $(state) in
*"b ($T/conf.d/05-b.conf:2), c ($T/conf.d/20-c.conf:1)") ok "fixed file's entry in effect" ;;
*) not_ok "after fixing: $(state)" ;;
esac

# SIGTERM: an orderly exit, status 0.
pxed_stop TERM
check "SIGTERM exits 0" test $? -eq 0
check "SIGTERM logged" grep -q "SIGTERM, exiting" "$LOG"
check "pidfile removed (or emptied, after the switch of user) at exit" \
    test ! -s "$T/pid"

# Without -d: detach, write the pidfile, serve, stop on SIGTERM.
ip netns exec "$NS" "$PXED" -f "$T/pxed.conf" -r "$T/root" -p "$T/pid2"
check "detaching start exits 0" test $? -eq 0
wait_for 5 test -s "$T/pid2"
DPID=$(cat "$T/pid2" 2>/dev/null)
if [ -n "$DPID" ] && kill -0 "$DPID" 2>/dev/null; then
	PIDS="$PIDS $DPID"
	ok "detached daemon runs as $DPID"
	PXPID=$DPID
	pxed_stop TERM
	check "detached daemon stops on SIGTERM" test ! -s "$T/pid2"
else
	not_ok "no detached daemon (pidfile: $DPID)"
fi

# No main file at the default path: the built-in defaults, said once.
DEFAULT=$("$PXED" -h | sed -n 's/.*(default \(.*\))$/\1/p')
if [ -e "$DEFAULT" ]; then
	echo "# $DEFAULT exists: built-in defaults not tried"
else
	pxed_start -n "$NS" "$LOG" -r "$T/root" -p "$T/pid3"
	check "no main file: built-in defaults, said once in the start-up line" \
	    test "$(count_log "$LOG" "not found")" -eq 1
	check "  which names the default path" grep -q \
	    "started, generation 1: built-in defaults, .*; $DEFAULT not found, conf.d " \
	    "$LOG"
	pxed_stop
fi

pxed_test_done
