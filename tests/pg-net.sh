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
#   resumes, and still no ACK without its row;
#   a lost OFFER is made again with another address: on a pool of three
#   of which two are taken behind the server's back, udhcpc's first
#   DISCOVER gets the third, and /metrics counts each retry.
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/pg-lib.sh"

pxed_need busybox perfdhcp psql tcpdump python3 curl
"$PXED" --db-init postgresql:///none 2>&1 | grep -q "built without libpq" &&
    pxed_skip "pxed was built without libpq (configure --with-libpq)" \
    libpq-dev
pxed_net_init lan s1 s2 cli load
S1="$P-s1" S2="$P-s2" CLI="$P-cli" LOAD="$P-load"
NCLI=${PG_NET_CLIENTS:-10000}
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
check "pxed --db-init again leaves it at version 3" \
    sh -c "'$PXED' --db-init '$PG_URL' 2>&1 | grep -q 'already there'"
check "the version table says 3" test "$(psql_q \
    'SELECT version FROM pxed_schema')" = 3
UNIT="$(dirname "$PXED")/../tests/unit"
check "the store interface's unit cases pass against this database" \
    sh -c "PXED_TEST_PG_URL='$PG_URL' '$UNIT' -s lease-store-pg > '$T/unit.log' 2>&1 &&
	grep -q '^14 passed, 0 failed' '$T/unit.log'"
check "pxed -t: the database is reachable, schema version 3" \
    sh -c "'$PXED' -t -f '$T/s1.conf' -r '$T/root' 2>&1 | grep -q 'lease-database reachable, schema version 3'"

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

# ---------- two servers, one pool, 10,000 clients ----------
pxed_start -n "$S2" -w "lease-database: connected.*in the cache" \
    "$T/s2.log" -v -f "$T/s2.conf" -i lan0 -r "$T/root"
P2=$PXPID
# perfdhcp's side: every reply that reached its namespace.
ip netns exec "$LOAD" tcpdump -i lan0 -n -U -s 400 -w "$T/replies.pcap" \
    'udp src port 67' > "$T/tcpdump.log" 2>&1 &
TPID=$!
PIDS="$PIDS $TPID"
wait_log "$T/tcpdump.log" "listening on" 10
# Distinct clients (-R far above -n: a MAC seldom repeats; when it does the
# client moves, which the checks below allow).  Bounded: -n, -p, timeout.
ip netns exec "$LOAD" timeout 180 perfdhcp -4 -l lan0 -r 400 \
    -R 1000000 -n "$NCLI" -p 120 -t 5 > "$T/perf.log" 2>&1 &
PERF=$!
PIDS="$PIDS $PERF"
acks() {	# LOG: ACK lines
	count_log "$1" 'REQUEST\(lan0[^)]*\) .* -> ACK '
}
wait_for 60 sh -c "[ \$(grep -Ec 'REQUEST\(lan0[^)]*\) .* -> ACK ' '$T/s1.log') -ge 1000 ]"
check "server 1 ACKs under the shared load ($(acks "$T/s1.log"))" \
    test "$(acks "$T/s1.log")" -ge 1000
# Which server's OFFER a client takes is timing: server 2's share is
# waited for, not read at the moment server 1 reaches 1,000.
wait_for 60 sh -c "[ \$(grep -Ec 'REQUEST\(lan0[^)]*\) .* -> ACK ' '$T/s2.log') -ge 100 ]"
check "server 2 ACKs under the shared load ($(acks "$T/s2.log"))" \
    test "$(acks "$T/s2.log")" -ge 100

# SIGKILL server 1: server 2 goes on alone.
PXPID=$P1
pxed_stop KILL
A2=$(acks "$T/s2.log")
wait_for 60 sh -c "[ \$(grep -Ec 'REQUEST\(lan0[^)]*\) .* -> ACK ' '$T/s2.log') -ge $((A2 + 1000)) ]"
check "server 1 killed: server 2 keeps serving (+$(( $(acks "$T/s2.log") - A2 )) ACKs)" \
    test "$(acks "$T/s2.log")" -ge $((A2 + 1000))

# PostgreSQL restarted under the load: no ACK without its row, pxed
# reconnects, service resumes.
C2=$(count_log "$T/s2.log" "lease-database: connected.*in the cache")
pg_cluster_restart fast
wait_for 60 sh -c "[ \$(grep -Ec 'lease-database: connected.*in the cache' '$T/s2.log') -gt $C2 ]"
check "PostgreSQL restarted: server 2 reconnects by itself" \
    test "$(count_log "$T/s2.log" "lease-database: connected.*in the cache")" -gt "$C2"
A3=$(acks "$T/s2.log")
wait_for 60 sh -c "[ \$(grep -Ec 'REQUEST\(lan0[^)]*\) .* -> ACK ' '$T/s2.log') -ge $((A3 + 500)) ]"
check "PostgreSQL restarted: service resumes (+$(( $(acks "$T/s2.log") - A3 )) ACKs)" \
    test "$(acks "$T/s2.log")" -ge $((A3 + 500))
wait "$PERF"
pids_forget "$PERF"
kill -INT "$TPID"
wait "$TPID"
pids_forget "$TPID"
python3 "$SRCDIR/tests/dhcp-acks.py" "$T/replies.pcap" > "$T/replies.txt"
psql_q "SELECT host(addr) || ' ' || encode(hwaddr, 'hex') FROM pxed_lease4
    WHERE state = 'acked'" > "$T/db.txt"
NACK=$(grep -c ' ACK ' "$T/replies.txt")
check "perfdhcp's side received $NACK ACKs from the two servers" \
    test "$NACK" -ge 5000
check "tcpdump lost no packet" grep -q "^0 packets dropped by kernel" \
    "$T/tcpdump.log"
# No address is ACKed to a client while another holds it: a client holds
# its last ACKed address (a client that got another one let it go).
check "no address ACKed to two clients (perfdhcp's side)" \
    python3 "$SRCDIR/tests/dhcp-acks.py" --dups "$T/replies.txt"
check "no client holds two addresses in the database" test "$(psql_q \
    "SELECT count(*) FROM (SELECT client_id FROM pxed_lease4 WHERE
    state = 'acked' GROUP BY client_id HAVING count(*) > 1) x")" = 0
check "every ACK that reached perfdhcp is a row (address, MAC)" \
    python3 "$SRCDIR/tests/dhcp-acks.py" --rows "$T/replies.txt" "$T/db.txt"
LOST=$(metric "$S2" 8082 pxed_lease_database_claims_lost_total)
echo "# claims lost to the other server (server 2): $LOST"

# A client of the dead server rebinds (broadcast REQUEST, ciaddr, no
# server identifier) and the living one ACKs its address.
set -- $(awk '$1 == "10.79.0.1" && $2 == "ACK" { print $3, $4 }' \
    "$T/replies.txt" | tail -1)
RIP=$1 RMAC=$2
ip -n "$LOAD" addr add "$RIP/32" dev lan0
cat > "$T/rebind.py" <<'EOP'
import os, socket, struct, sys
ip, mac = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", ""))
xid = os.getpid() & 0xffffffff
p = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, xid, 0, 0,
    socket.inet_aton(ip), bytes(4), bytes(4), bytes(4), mac, b"", b"")
p += b"\x63\x82\x53\x63" + bytes([53, 1, 3, 255])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"lan0")
s.bind(("", 68))
s.settimeout(1)
# A client retransmits until answered: up to 30 s, for a loaded machine
# (the answer waits for server 2's claim in PostgreSQL).
for attempt in range(30):
    s.sendto(p, ("255.255.255.255", 67))
    try:
        while True:
            r, src = s.recvfrom(1500)
            if r[4:8] == p[4:8] and r[0] == 2:
                print(src[0], socket.inet_ntoa(r[16:20]))
                sys.exit(0)
    except socket.timeout:
        pass
sys.exit(1)
EOP
check "a client of the dead server ($RMAC, $RIP) rebinds with server 2" \
    sh -c "ip netns exec '$LOAD' python3 '$T/rebind.py' '$RIP' '$RMAC' |
	grep -qx '10.79.0.2 $RIP'"

# ---------- a lost OFFER is made again with another address ----------
# Server 3 alone on a pool of three addresses; two of them are then taken
# in the database by another server's clients, which its cache does not
# know.  Wherever it starts allocating, at most two claims lose, and each
# lost OFFER is made again at once: the client's first DISCOVER is
# answered with the third address.
PXPID=$P2
pxed_stop
sed 's/start = 10.79.1.0/start = 10.79.200.1/; s/end = 10.79.60.255/end = 10.79.200.3/' \
    "$T/s1.conf" > "$T/s3.conf"
pxed_start -n "$S1" -w "lease-database: connected.*in the cache" \
    "$T/s3.log" -v -f "$T/s3.conf" -i lan0 -r "$T/root"
for a in 1 2; do
	psql_q "INSERT INTO pxed_lease4 (addr, client_id, htype, hwaddr, state,
	    expires, server) VALUES ('10.79.200.$a', '\\x01aabbcc00000$a', 1,
	    '\\xaabbcc00000$a', 'acked', extract(epoch FROM now())::bigint +
	    3600, 'other')" > /dev/null
done
: > "$EVENTS"
ip netns exec "$CLI" busybox udhcpc -i lan0 -n -q -t 1 -T 5 \
    -s "$T/udhcpc.sh" > "$T/udhcpc3.log" 2>&1
check "one DISCOVER: the OFFER that lost its claims came with 10.79.200.3" \
    grep -q "^bound 10.79.200.3 " "$EVENTS"
RETRIED=$(metric "$S1" 8081 pxed_dhcp_offers_retried_total)
LOST3=$(metric "$S1" 8081 pxed_lease_database_claims_lost_total)
check "each lost claim was an OFFER made again ($RETRIED retried, $LOST3 lost)" \
    test "${RETRIED:-x}" = "${LOST3:-y}"
check "the other clients' rows are as they were" test "$(psql_q \
    "SELECT count(*) FROM pxed_lease4 WHERE server = 'other' AND
    state = 'acked' AND addr <<= '10.79.200.0/30'")" = 2

pxed_test_done
