#!/bin/sh
# notify.sh: systemd readiness (Type=notify).  pxed, started with
# NOTIFY_SOCKET pointing at a listener (tests/notify-listen.py, the
# service manager's end), sends READY=1 only once its DHCP, proxyDHCP,
# TFTP and HTTP ports are bound, with STATUS= naming generation 1 and the
# counts; around a SIGHUP RELOADING=1 (with MONOTONIC_USEC=) then READY=1
# with the new generation; around a broken reload the same, the status
# saying the reload failed; STOPPING=1 on SIGTERM.  Skipped when pxed
# was built without libsystemd (the unit is then Type=simple), failed
# under CI.
. "$(dirname "$0")/lib.sh"
UNIT=${PXED_UNIT:-$(dirname "$PXED")/../pxed.service}
grep -q '^Type=notify$' "$UNIT" 2>/dev/null ||
	netns_fail "pxed built without libsystemd (configure --with-systemd)"
pxed_need python3
pxed_net_init lo

pxed_conf_proxy
echo 'boot "a" { filename = "a.efi" }' > "$T/conf.d/10-a.conf"
OUT=$T/notify.out
: > "$OUT"
ip netns exec "$NS" python3 "$SRCDIR/tests/notify-listen.py" \
    "$T/notify.sock" "$OUT" &
PIDS="$PIDS $!"
wait_log "$OUT" "^LISTENING" || exit 99

NOTIFY_SOCKET=$T/notify.sock
export NOTIFY_SOCKET
LOG=$T/log
pxed_start -n "$NS" "$LOG" -f "$T/pxed.conf" -r "$T/root" -p "$T/pid"

check "READY=1 arrives" wait_log "$OUT" "^READY=1"
bound=$(grep -m1 '^BOUND' "$OUT")
udp=${bound#BOUND udp }
udp=" ${udp% tcp *} "
tcp=" ${bound#* tcp } "
missing=
for p in 67 4011 69; do
	case $udp in *" $p "*) ;; *) missing="$missing udp/$p" ;; esac
done
case $tcp in *" 80 "*) ;; *) missing="$missing tcp/80" ;; esac
check "DHCP 67, proxyDHCP 4011, TFTP 69, HTTP 80 bound at READY=1" \
    test -z "$missing"
check "STATUS= with generation 1 and the counts" grep -q \
    "^READY=1|STATUS=generation 1: $T/pxed.conf, 1 conf.d file, .*1 boot entry" \
    "$OUT"

# ready_after N: at least N READY=1 messages.
ready_after() {
	test "$(count_log "$OUT" "^READY=1")" -ge "$1"
}

kill -HUP "$PXPID"
check "SIGHUP: READY=1 again" wait_for 5 ready_after 2
msgs=$(grep -v '^BOUND' "$OUT" | tail -n 2 | tr '\n' '~')
case $msgs in
"RELOADING=1|MONOTONIC_USEC="[0-9]*"~READY=1|STATUS=generation 2: "*)
	ok "RELOADING=1 with MONOTONIC_USEC=, then READY=1, generation 2" ;;
*) not_ok "around a reload: $msgs" ;;
esac

printf 'boot "b" {\n  colour = red\n}\n' > "$T/conf.d/20-b.conf"
kill -HUP "$PXPID"
check "broken reload: READY=1 again (still serving)" wait_for 5 ready_after 3
msgs=$(grep -v '^BOUND' "$OUT" | tail -n 2 | tr '\n' '~')
case $msgs in
"RELOADING=1|"*"~READY=1|STATUS=generation 2 (last reload failed): "*)
	ok "broken reload: status says generation 2, last reload failed" ;;
*) not_ok "around a broken reload: $msgs" ;;
esac

pxed_stop
check "SIGTERM: STOPPING=1" wait_log "$OUT" '^STOPPING=1' 5
pxed_test_done
