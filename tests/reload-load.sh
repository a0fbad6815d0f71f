#!/bin/sh
# reload-load.sh: 100 SIGHUPs while pxed serves a 500-client TFTP storm,
# DHCP load and HTTP downloads; a quarter of the reloads meet a broken
# conf.d file.  No transfer or download may fail, a broken configuration
# is never applied (each error logged as file:line), and after every good
# reload the next DHCP request already gets the new rule's boot file.
. "$(dirname "$0")/lib.sh"
pxed_need curl python3
# A /16: the DHCP load wants 10,240 addresses.
NETNS_PLEN=16
pxed_net_init pair
S=$NETNS_SRV_IP
RELOADS=${RELOADS:-100}
CLIENTS=${CLIENTS:-500}
R="$T/root"
mkdir -p "$R" "$T/conf.d" "$T/out"
chmod 777 "$T/out"
head -c 1048576 /dev/urandom > "$R/tftp.bin"
head -c $((32 * 1048576)) /dev/urandom > "$R/http.bin"
chmod -R a+rX "$R"
cat > "$T/pxed.conf" <<EOC
conf-dir = "$T/conf.d"
dhcp {
  mode = server
  lease-file = "$T/lib/leases"
  range "r" { start = 10.77.1.0 end = 10.77.40.255 netmask = 255.255.0.0 }
}
# One address plays every client here: no per-client limits.
tftp { max-transfers = 1000 sockets = 16 max-transfers-per-client = 0
  max-requests-per-second = 0 }
http { max-connections-per-client = 0 }
EOC
rule() {	# N: the rule file of generation N
	cat > "$T/conf.d/10-rule.conf" <<EOC
match "efi64" { arch = efi-x64 }
boot "uefi" { if = "efi64" filename = "gen-$1.efi" }
EOC
}
rule 0
LOG="$T/log"
pxed_start -n "$NS_SRV" "$LOG" -f "$T/pxed.conf" -i "$NETNS_SRV_IF" -r "$R"
PID=$PXPID

# The load, all bounded in count and time.
ip netns exec "$NS_CLI" sh -c "
i=0
while [ \$i -lt $CLIENTS ]; do
	curl -s -m 120 --tftp-blksize 1468 -o $T/out/t\$i tftp://$S/tftp.bin &
	i=\$((i + 1))
done
wait" &
TFTP=$!
ip netns exec "$NS_CLI" sh -c "
i=0
while [ \$i -lt 20 ]; do
	curl -s -m 120 -o $T/out/h\$i http://$S/http.bin &
	i=\$((i + 1))
done
wait" &
HTTP=$!
ip netns exec "$NS_CLI" python3 "$SRCDIR/tests/dhcp-load.py" \
    --iface "$NETNS_CLI_IF" --clients 3000 --seconds 120 \
    --record "$T/acks" > "$T/load.out" 2>&1 &
LOAD=$!
PIDS="$PIDS $TFTP $HTTP $LOAD"

G=1			# generation in service
GOOD=0			# the rule file of that generation
BAD=0
LATE=0
APPLIED=0
# offer N: the boot file a DISCOVER gets now (xid from N).  A DISCOVER
# with no answer within its 2 s (the load beside it) is sent again, up to
# 5 times: only a wrong file counts against the reload.
offer() {
	_of_k=0
	while [ $_of_k -lt 5 ]; do
		_of_f=$(ip netns exec "$NS_CLI" python3 \
		    "$SRCDIR/tests/dhcp-send.py" \
		    "$SRCDIR/tests/fixtures/01-dhcpd-msg-discover.bin" \
		    --iface "$NETNS_CLI_IF" --chaddr 02:dd:00:00:00:01 \
		    --xid "$(printf '%08x' $((0x5000 + $1)))" --wait 2 \
		    --count 1 | sed -n 's/.* file=\([^ ]*\) .*/\1/p')
		[ -n "$_of_f" ] && break
		_of_k=$((_of_k + 1))
	done
	echo "$_of_f"
}
i=1
while [ $i -le "$RELOADS" ]; do
	if [ $((i % 4)) -eq 0 ]; then
		# A broken file: the reload must fail and change nothing.
		printf 'boot "broken-%d" {\n  if = "nosuchtag"\n  filename = "x"\n}\n' $i \
		    > "$T/conf.d/20-broken.conf"
		kill -HUP $PID
		wait_log "$LOG" "reload failed .* still serving generation $G\$" 5 >/dev/null 2>&1 &&
		    [ "$(count_log "$LOG" "reload failed")" -eq $((BAD + 1)) ] ||
		    not_ok "reload $i: the broken file was not refused"
		BAD=$((BAD + 1))
		# Still the last good rules.
		[ "$(offer $i)" = "gen-$GOOD.efi" ] || APPLIED=$((APPLIED + 1))
		rm -f "$T/conf.d/20-broken.conf"
	else
		rule $i
		kill -HUP $PID
		G=$((G + 1))
		wait_log "$LOG" "reloaded in .* generation $G:" 5 >/dev/null 2>&1 ||
		    not_ok "reload $i: generation $G not reached"
		GOOD=$i
		# The very next request sees the new rule.
		[ "$(offer $i)" = "gen-$i.efi" ] || LATE=$((LATE + 1))
	fi
	i=$((i + 1))
done
check "$RELOADS SIGHUPs: $((G - 1)) good reloads, generation $G in service" \
    test "$(count_log "$LOG" "reloaded in .* generation")" -eq $((G - 1))
check "$BAD broken reloads refused" \
    test "$(count_log "$LOG" "reload failed with 1 error, still serving")" -eq "$BAD"
check "each broken reload named the file and line" \
    test "$(count_log "$LOG" "conf: $T/conf.d/20-broken.conf:2: if = \"nosuchtag\"")" -eq "$BAD"
check "after each broken reload the DISCOVER still got the last good rule ($APPLIED wrong)" \
    test "$APPLIED" -eq 0
check "after each good reload the next DISCOVER got the new boot file ($LATE late)" \
    test "$LATE" -eq 0

wait $TFTP $HTTP $LOAD
N=0
for f in "$T"/out/t*; do cmp -s "$f" "$R/tftp.bin" && N=$((N + 1)); done
check "all $CLIENTS TFTP downloads complete and correct ($N)" test "$N" -eq "$CLIENTS"
N=0
for f in "$T"/out/h*; do cmp -s "$f" "$R/http.bin" && N=$((N + 1)); done
check "all 20 HTTP downloads of 32 MiB complete and correct ($N)" test "$N" -eq 20
check "the DHCP load went on: $(cat "$T/load.out")" \
    grep -q "^acked 3000 of 3000" "$T/load.out"
check "no TFTP transfer failed" sh -c "! grep -q 'tftp: failed' '$LOG'"
pxed_test_done
