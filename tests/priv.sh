#!/bin/sh
# priv.sh: pxed started as root binds its ports, then switches to its
# user (pxed, else nobody), keeps CAP_NET_ADMIN only and sets no-new-
# privileges; it checks at start-up that it can still read its roots and
# write its lease directory.  Read from /proc/PID/status.
. "$(dirname "$0")/lib.sh"
pxed_net_init lo
ip -n "$NS" addr add 10.77.0.1/24 dev lo
mkdir -p "$T/root"
echo x > "$T/root/f"
if id pxed >/dev/null 2>&1; then WHO=pxed; else WHO=nobody; fi
WUID=$(id -u "$WHO")
cat > "$T/pxed.conf" <<EOC
dhcp {
  mode = server
  lease-file = "$T/lib/leases"
  range "r" { start = 10.77.0.100 end = 10.77.0.110 netmask = 255.255.255.0 }
}
http { port = 8080 }
EOC
LOG="$T/log"
pxed_start -n "$NS" "$LOG" -f "$T/pxed.conf" -r "$T/root"
PID=$PXPID
st() { sed -n "s/^$1:[[:space:]]*//p" "/proc/$PID/status"; }
check "runs as $WHO (uid $WUID): Uid $(st Uid)" \
    sh -c "[ \"\$(sed -n 's/^Uid:[[:space:]]*//p' /proc/$PID/status)\" = '$WUID	$WUID	$WUID	$WUID' ]"
check "its groups are $WHO's, not root's: Gid $(st Gid)" \
    sh -c "! sed -n 's/^Gid:[[:space:]]*//p' /proc/$PID/status | grep -qw 0"
check "effective capabilities: CAP_NET_ADMIN only ($(st CapEff))" \
    test "$(st CapEff)" = 0000000000001000
check "permitted capabilities: CAP_NET_ADMIN only ($(st CapPrm))" \
    test "$(st CapPrm)" = 0000000000001000
check "bounding set: CAP_NET_ADMIN only ($(st CapBnd))" \
    test "$(st CapBnd)" = 0000000000001000
check "no new privileges ($(st NoNewPrivs))" test "$(st NoNewPrivs)" = 1
check "the switch is logged" grep -q "running as $WHO (uid $WUID), keeping CAP_NET_ADMIN only" "$LOG"
check "the lease directory was handed to $WHO" \
    test "$(stat -c %u "$T/lib")" = "$WUID"
check "it still serves (HTTP as $WHO)" \
    test "$(ip netns exec "$NS" curl -s http://127.0.0.1:8080/f)" = x
pxed_stop

# A root the user cannot read: a clear error and exit 3 at start-up.
chmod 700 "$T/root"
ip netns exec "$NS" "$PXED" -d -f "$T/pxed.conf" -r "$T/root" > "$T/log2" 2>&1
rc=$?
check "an unreadable root: exit 3 ($rc)" test "$rc" -eq 3
check "an unreadable root: the error names it" \
    grep -q "pxed: tftp root $T/root is not readable by user $WUID" "$T/log2"
chmod 755 "$T/root"

# user = "root" keeps root, with a warning.
echo 'user = "root"' >> "$T/pxed.conf"
LOG="$T/log3"
pxed_start -n "$NS" "$LOG" -f "$T/pxed.conf" -r "$T/root"
PID=$PXPID
check "user = \"root\": stays root, with a warning" sh -c \
    "grep -q 'running as root' '$LOG' && grep -q '^Uid:[[:space:]]*0' /proc/$PID/status"
pxed_test_done
