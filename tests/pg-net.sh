#!/bin/sh
# pg-net.sh: pxed servers sharing one PostgreSQL lease database
# (lease-database), on one bridged LAN of network namespaces, with a
# cluster of the test's own (tests/pg-lib.sh: initdb in $T as the postgres
# user, a Unix socket in $T only):
#   pxed --db-init creates the schema, pxed -t checks it; the unit cases
#   of the store interface pass against it (tests/unit -s lease-store-pg);
#   busybox udhcpc
#   obtains a lease, which is a row of the database, listed by pxed
#   --leases, and /metrics and /state say the database is up;
#   the database stopped: no ACK leaves (a DISCOVER gets nothing), pxed
#   says so once, /metrics shows it down; started again: pxed reconnects
#   by itself and the client renews;
#   two servers, one pool: perfdhcp with 10,000 simulated clients against
#   both at once; no address is ACKed to two clients (in the database, and
#   in the ACKs captured on perfdhcp's side), every ACK that left is a row
#   with the client's MAC; SIGKILL of one server during the load: the
#   other keeps serving and a client of the dead one rebinds with it;
#   PostgreSQL restarted during the load: pxed reconnects, service
#   resumes, and still no ACK without its row.
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/pg-lib.sh"

pxed_need busybox perfdhcp psql tcpdump python3 curl
pxed_net_init lan s1 s2 cli load
S1="$P-s1" S2="$P-s2" CLI="$P-cli" LOAD="$P-load"
ip -n "$S1" addr add 10.79.0.1/16 dev lan0
ip -n "$S2" addr add 10.79.0.2/16 dev lan0
ip -n "$LOAD" addr add 10.79.255.250/16 dev lan0
pxed_at_exit pg_cluster_stop
pg_cluster_start "$T/pg" || { echo "cannot start PostgreSQL"; exit 99; }

cat > "$T/udhcpc.sh" <<'EOS'
#!/bin/sh
echo "$1 ${ip:-} ${serverid:-} ${lease:-}" >> "$EVENTS"
case $1 in
bound|renew)
	ip addr flush dev "$interface"
	ip addr add "$ip/${subnet:-255.255.0.0}" dev "$interface";;
deconfig)
	ip addr flush dev "$interface";;
esac
exit 0
EOS
chmod 755 "$T/udhcpc.sh"
EVENTS="$T/udhcpc.events"
export EVENTS
: > "$EVENTS"

# server.conf N: server N (HTTP on 808N for /metrics and /state).
server_conf() {
	cat > "$T/s$1.conf" <<EOC
dhcp {
  mode = server
  lease-database = "$PG_URL"
  lease-time = 3600
  range "lan" {
    start = 10.79.1.0
    end = 10.79.60.255
    netmask = 255.255.0.0
  }
}
tftp { enable = no }
http { port = 808$1 }
EOC
}
mkdir -p "$T/root"
server_conf 1
server_conf 2


metric() {	# NS PORT NAME: its value
	ip netns exec "$1" curl -s "http://127.0.0.1:$2/metrics" |
	    awk -v n="$3" '$1 == n { print $2 }'
}

# ---------- schema ----------
check "pxed --db-init creates the schema" "$PXED" --db-init "$PG_URL"
check "pxed --db-init again leaves it at version 1" \
    sh -c "'$PXED' --db-init '$PG_URL' 2>&1 | grep -q 'already there'"
check "the version table says 1" test "$(psql_q \
    'SELECT version FROM pxed_schema')" = 1
UNIT="$(dirname "$PXED")/../tests/unit"
check "the store interface's unit cases pass against this database" \
    sh -c "PXED_TEST_PG_URL='$PG_URL' '$UNIT' -s lease-store-pg > '$T/unit.log' 2>&1 &&
	grep -q '^7 passed, 0 failed' '$T/unit.log'"
check "pxed -t: the database is reachable, schema version 1" \
    sh -c "'$PXED' -t -f '$T/s1.conf' -r '$T/root' 2>&1 | grep -q 'lease-database reachable, schema version 1'"

# ---------- one server, one client ----------
pxed_start -n "$S1" -w "lease-database: connected" "$T/s1.log" -v \
    -f "$T/s1.conf" -i lan0 -r "$T/root"
P1=$PXPID
ip netns exec "$CLI" busybox udhcpc -i lan0 -f -s "$T/udhcpc.sh" -t 5 \
    -T 1 -A 1 > "$T/udhcpc.log" 2>&1 &
UPID=$!
PIDS="$PIDS $UPID"
wait_for 20 grep -q "^bound " "$EVENTS"
UIP=$(awk '$1 == "bound" { print $2; exit }' "$EVENTS")
UMAC=$(ip -n "$CLI" link show lan0 | awk '/link\/ether/ { print $2 }')
check "udhcpc obtains a lease from the shared pool ($UIP)" \
    test -n "$UIP"
check "the lease is a row: acked, the client's MAC" test "$(psql_q \
    "SELECT state || ' ' || encode(hwaddr, 'hex') FROM pxed_lease4 WHERE addr = '$UIP'")" = \
    "acked $(echo "$UMAC" | tr -d :)"
check "pxed --leases reads the database" \
    sh -c "'$PXED' -f '$T/s1.conf' --leases | grep -q '^$UIP $UMAC '"
check "/metrics: pxed_lease_database_up 1" \
    test "$(metric "$S1" 8081 pxed_lease_database_up)" = 1
check "/state: lease_database ready" sh -c "ip netns exec '$S1' curl -s \
    http://127.0.0.1:8081/state | grep -q '\"lease_database\": {\"state\": \"up\", \"ready\": true'"

# ---------- the database down, and back ----------
pg_cluster_down fast
wait_log "$T/s1.log" "lease-database: connection lost" 10
check "pxed logs the lost connection" \
    grep -q "lease-database: connection lost" "$T/s1.log"
wait_for 10 test "$(metric "$S1" 8081 pxed_lease_database_up)" = 0
check "/metrics: pxed_lease_database_up 0" \
    test "$(metric "$S1" 8081 pxed_lease_database_up)" = 0
OFFERS=$(count_log "$T/s1.log" "DISCOVER.*-> OFFER")
ip netns exec "$LOAD" timeout 20 perfdhcp -4 -l lan0 -r 5 -R 5 -n 5 -p 3 \
    -t 1 > "$T/perf-down.log" 2>&1
check "database down: no OFFER leaves (perfdhcp got none)" awk '
	/Statistics for: DISCOVER-OFFER/ { p = 1 }
	p && /^received packets:/ { n = $3; exit }
	END { exit !(n == 0) }' "$T/perf-down.log"
check "database down: the drops are counted (not_durable)" \
    test "$(ip netns exec "$S1" curl -s http://127.0.0.1:8081/metrics |
	awk '$1 == "pxed_dhcp_dropped_total{reason=\"not_durable\"}" { print $2 }')" -gt 0
check "database down: the loss is logged once, not per retry" \
    test "$(count_log "$T/s1.log" 'lease-database: (connection lost|cannot connect)')" -eq 1
pg_cluster_up
wait_log "$T/s1.log" "lease-database: connected.*in the cache" 30
check "pxed reconnects by itself" test "$(count_log "$T/s1.log" \
    'lease-database: connected')" -ge 2
: > "$EVENTS"
kill -USR1 "$UPID"
wait_for 20 grep -q "^renew $UIP " "$EVENTS"
check "after the database is back the client renews $UIP" \
    grep -q "^renew $UIP " "$EVENTS"
pid_stop "$UPID"

pxed_test_done
