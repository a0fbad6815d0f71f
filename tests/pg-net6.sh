#!/bin/sh
# pg-net6.sh: DHCPv6 bindings in a shared PostgreSQL lease database
# (lease-database with a range6), two pxed servers on one bridged LAN of
# network namespaces, with a cluster of the test's own (tests/pg-lib.sh):
#   a version-2 database (tests/fixtures/pxed-schema-v2.sql, with an IPv4
#   lease) is upgraded in place to version 3 by pxed --db-init, its rows
#   kept; pxed -t accepts lease-database with a range6 (version 3);
#   ISC dhclient -6 in two namespaces is bound by server 1 (alone): each
#   binding is a row (acked, the client's DUID) that pxed --leases lists;
#   server 2 starts and loads them into its cache;
#   perfdhcp -6 against both servers at once (bounded in count and time),
#   every ADVERTISE and REPLY the servers sent captured where it entered
#   the bridge: no address is given to two IAs (captures), no IA holds
#   two acked rows (database), every IA's last Reply is its row;
#   SIGKILL of server 1 during the load: server 2 keeps serving, and both
#   dhclients (clients of server 1) rebind with server 2, keeping their
#   addresses;
#   the database stopped: a Solicit gets no Advertise, a dhclient's
#   renewal is decided but no Reply leaves, pxed says so once;
#   started again: pxed reconnects and a dhclient is answered by server 2;
#   two sites: server 3 on a LAN of its own shares the range6, perfdhcp -6
#   on both LANs at once: claims are lost to the other site and their
#   replies dropped (the caches cannot know), and the checks below cover
#   the replies of both LANs;
#   dhclient -6 -r: the Release is in the database (released) and pxed
#   --leases no longer lists the address; a Decline is quarantined in the
#   database (declined, no DUID) and listed so.
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/pg-lib.sh"

pxed_need dhclient perfdhcp psql tcpdump python3 curl
"$PXED" --db-init postgresql:///none 2>&1 | grep -q "built without libpq" &&
    pxed_skip "pxed was built without libpq (configure --with-libpq)" \
    libpq-dev
pxed_net_init lan s1 s2 c1 c2 load
S1="$P-s1" S2="$P-s2" C1="$P-c1" C2="$P-c2" LOAD="$P-load"
NCLI=${PG_NET6_CLIENTS:-3000}
pxed_at_exit 'kill_pidfiles "$T"/dhc*.pid'
pxed_at_exit pg_cluster_stop
ip -n "$S1" addr add fd79::1/64 dev lan0 nodad
ip -n "$S2" addr add fd79::2/64 dev lan0 nodad
for ns in "$S1" "$S2" "$C1" "$C2" "$LOAD"; do
	wait_for 10 lladdr_ready "$ns" lan0 ||
	    not_ok "link-local address in $ns"
done
chmod 755 "$T"
mkdir -p "$T/root" "$T/lib1" "$T/lib2"
pg_cluster_start "$T/pg" || { echo "cannot start PostgreSQL"; exit 99; }

# ---------- schema: version 2 upgraded in place ----------
psql -X -q -v ON_ERROR_STOP=1 -d "$PG_URL" \
    -f "$SRCDIR/tests/fixtures/pxed-schema-v2.sql" > "$T/v2.log" 2>&1
psql_q "INSERT INTO pxed_lease4 VALUES ('10.79.1.1', '\x01aabbccddeeff', 1,
    '\xaabbccddeeff', 'acked', 9000000000, 'old', 'v2')"
check "a version-2 database (the fixture) with an IPv4 lease" \
    test "$(psql_q 'SELECT version FROM pxed_schema')" = 2
check "pxed --db-init upgrades version 2 to 3 in place" sh -c \
    "'$PXED' --db-init '$PG_URL' 2>&1 | grep -q 'schema version 3 (upgraded)'"
check "pxed_lease6 is there and the IPv4 lease is kept" test "$(psql_q \
    "SELECT (SELECT count(*) FROM pxed_lease4 WHERE hostname = 'old') ||
    ' ' || (SELECT count(*) FROM pxed_lease6)")" = "1 0"
psql_q "DELETE FROM pxed_lease4"

# server_conf N: server N (its own lease-file directory for its DUID).
server_conf() {
	cat > "$T/s$1.conf" <<EOC
dhcp {
  mode = server
  lease-file = "$T/lib$1/leases"
  lease-database = "$PG_URL"
  t1-percent = 3
  t2-percent = 6
  range6 "lan" {
    prefix = fd79::/64
    start = fd79::1000
    end = fd79::2fff
    preferred-lifetime = 100
    valid-lifetime = 200
  }
}
tftp { enable = no }
http { port = 808$1 }
EOC
}
server_conf 1
server_conf 2
check "pxed -t accepts lease-database with a range6 (schema version 3)" \
    sh -c "'$PXED' -t -f '$T/s1.conf' -r '$T/root' 2>&1 |
	grep -q 'lease-database reachable, schema version 3'"

metric() {	# NS PORT NAME: its value
	ip netns exec "$1" curl -s "http://127.0.0.1:$2/metrics" |
	    awk -v n="$3" '$1 == n { print $2 }'
}
replies() {	# LOG: Replies to Requests with an address
	count_log "$1" 'REQUEST\(lan0\) .* -> REPLY fd79::'
}

# ---------- server 1 alone: two dhclients ----------
pxed_start -n "$S1" -w "lease-database: connected" "$T/s1.log" -v \
    -f "$T/s1.conf" -i lan0 -r "$T/root"
P1=$PXPID
for c in c1 c2; do
	cat > "$T/dhclient-$c.sh" <<EOS
#!/bin/sh
echo "\$reason \${new_ip6_address:-}" >> "$T/$c.events"
exit 0
EOS
	chmod 755 "$T/dhclient-$c.sh"
	: > "$T/$c.events"
done
dhc() {		# NAME NS ARGS...: dhclient -6 for NAME in NS
	_dn=$1 _dns=$2
	shift 2
	ip netns exec "$_dns" dhclient -6 -v -lf "$T/$_dn.leases" \
	    -pf "$T/dhc-$_dn.pid" -sf "$T/dhclient-$_dn.sh" "$@" lan0 \
	    >> "$T/$_dn.log" 2>&1
}
dhc c1 "$C1" -d &
PIDS="$PIDS $!"
dhc c2 "$C2" -d &
PIDS="$PIDS $!"
wait_for 30 grep -q "^BOUND6 " "$T/c1.events"
wait_for 30 grep -q "^BOUND6 " "$T/c2.events"
A1=$(awk '$1 == "BOUND6" { print $2; exit }' "$T/c1.events")
A2=$(awk '$1 == "BOUND6" { print $2; exit }' "$T/c2.events")
check "dhclient -6 (c1) is bound by server 1 (${A1:-none})" test -n "$A1"
check "dhclient -6 (c2) is bound to another address (${A2:-none})" \
    test -n "$A2" -a "$A1" != "$A2"
# The DUID each one sent, from server 1's log (DUID-LLT: all 14 bytes).
duid_of() {
	grep -E "REQUEST\(lan0\) .* -> REPLY $1 " "$T/s1.log" | head -n 1 |
	    sed 's/.* duid \([0-9a-f]*\) .*/\1/'
}
D1=$(duid_of "$A1")
check "c1's binding is a row: acked, c1's DUID ($D1)" test "$(psql_q \
    "SELECT state || ' ' || encode(duid, 'hex') FROM pxed_lease6
    WHERE addr = '$A1'")" = "acked $D1"
check "pxed --leases lists c1's binding from the database" \
    sh -c "'$PXED' -f '$T/s1.conf' --leases | grep -q '^$A1 .* acked .*$D1 '"

# ---------- two servers, one range6, perfdhcp -6 ----------
pxed_start -n "$S2" -w "lease-database: connected.*in the cache" \
    "$T/s2.log" -v -f "$T/s2.conf" -i lan0 -r "$T/root"
P2=$PXPID
check "server 2 loads the DHCPv6 bindings into its cache" \
    grep -Eq "and ([2-9]|[1-9][0-9]+) DHCPv6 bindings in the cache" \
    "$T/s2.log"
# Every reply of either server, where it enters the bridge (once each).
ip netns exec "$LAN" tcpdump -i any -Q in -n -U -s 600 \
    -w "$T/replies.pcap" 'udp src port 547' > "$T/tcpdump.log" 2>&1 &
TPID=$!
PIDS="$PIDS $TPID"
wait_log "$T/tcpdump.log" "listening on" 10
# Distinct DUIDs (-R far above -n).  Bounded: -n, -p, timeout.
ip netns exec "$LOAD" timeout 180 perfdhcp -6 -l lan0 -r 200 -R 1000000 \
    -n "$NCLI" -p 90 -t 5 > "$T/perf.log" 2>&1 &
PERF=$!
PIDS="$PIDS $PERF"
wait_for 90 sh -c "[ \$(grep -Ec 'REQUEST\(lan0\) .* -> REPLY fd79::' \
    '$T/s1.log') -ge 300 ]"
check "server 1 Replies under the shared load ($(replies "$T/s1.log"))" \
    test "$(replies "$T/s1.log")" -ge 300
# Both servers Advertise the same address to a client (the DUID's hash
# picks it) and the first Advertise wins: how the Requests split is
# timing, not a property; printed only.
echo "# server 2 Replies under the shared load: $(replies "$T/s2.log")"

# SIGKILL server 1: server 2 goes on alone; server 1's clients rebind.
PXPID=$P1
pxed_stop KILL
R2=$(replies "$T/s2.log")
wait_for 90 sh -c "[ \$(grep -Ec 'REQUEST\(lan0\) .* -> REPLY fd79::' \
    '$T/s2.log') -ge $((R2 + 300)) ]"
check "server 1 killed: server 2 keeps serving (+$(( $(replies "$T/s2.log") - R2 )) Replies)" \
    test "$(replies "$T/s2.log")" -ge $((R2 + 300))
wait_for 60 grep -q "^REBIND6 $A1\$" "$T/c1.events"
wait_for 60 grep -q "^REBIND6 $A2\$" "$T/c2.events"
check "c1 (server 1's client) rebinds with server 2 and keeps $A1" \
    sh -c "grep -q '^REBIND6 $A1\$' '$T/c1.events' &&
	grep -Eq 'REBIND\(lan0\) .* -> REPLY $A1 ' '$T/s2.log'"
check "c2 (server 1's client) rebinds with server 2 and keeps $A2" \
    sh -c "grep -q '^REBIND6 $A2\$' '$T/c2.events' &&
	grep -Eq 'REBIND\(lan0\) .* -> REPLY $A2 ' '$T/s2.log'"
wait "$PERF"
pids_forget "$PERF"

# ---------- the database down, and back ----------
pg_cluster_down fast
wait_log "$T/s2.log" "lease-database: connection lost" 10
wait_for 10 test "$(metric "$S2" 8082 pxed_lease_database_up)" = 0
SENT=$(metric "$S2" 8082 'pxed_dhcp6_sent_total{type="REPLY"}')
RN=$(count_log "$T/s2.log" "(RENEW|REBIND)\(lan0\) .* -> REPLY $A1 ")
# New clients (a base MAC of their own): an Advertise of a binding the
# database already holds would be no new claim, and may leave.
ip netns exec "$LOAD" timeout 20 perfdhcp -6 -l lan0 -r 5 -R 5 -n 5 -p 3 \
    -b mac=02:0d:b0:02:03:04 -t 1 > "$T/perf-down.log" 2>&1
# c1 renews every 3 s (T1): decided by the engine, never sent.
wait_for 30 sh -c "[ \$(grep -Ec '(RENEW|REBIND)\(lan0\) .* -> REPLY $A1 ' \
    '$T/s2.log') -gt $RN ]"
RN2=$(count_log "$T/s2.log" "(RENEW|REBIND)\(lan0\) .* -> REPLY $A1 ")
SENT2=$(metric "$S2" 8082 'pxed_dhcp6_sent_total{type="REPLY"}')
check "database down: c1's renewal is decided ($RN -> $RN2), no Reply leaves ($SENT -> $SENT2)" \
    test "$RN2" -gt "$RN" -a "$SENT2" = "$SENT"
check "database down: no ADVERTISE leaves (perfdhcp -6 got none)" awk '
	/Statistics for: SOLICIT-ADVERTISE/ { p = 1 }
	p && /^received packets:/ { n = $3; exit }
	END { exit !(n == 0) }' "$T/perf-down.log"
check "database down: the drops are counted (not_durable)" test "$(metric \
    "$S2" 8082 'pxed_dhcp6_dropped_total{reason="not_durable"}')" -gt 0
check "database down: the loss is logged once, not per retry" test \
    "$(count_log "$T/s2.log" 'lease-database: (connection lost|cannot connect)')" -eq 1
C2N=$(count_log "$T/s2.log" "lease-database: connected")
pg_cluster_up
wait_for 30 sh -c "[ \$(grep -c 'lease-database: connected' '$T/s2.log') \
    -gt $C2N ]"
check "pxed reconnects by itself" test "$(count_log "$T/s2.log" \
    'lease-database: connected')" -gt "$C2N"
: > "$T/c1.events"
wait_for 30 grep -Eq "^(RENEW6|REBIND6) $A1\$" "$T/c1.events"
check "after the database is back c1 is answered ($A1)" \
    grep -Eq "^(RENEW6|REBIND6) $A1\$" "$T/c1.events"

# ---------- two sites, one pool: the claims decide ----------
# Server 3 on a second LAN (another site: the same prefix on a link of its
# own) shares the range6 with server 2.  Neither cache sees the other's
# clients, so an address one took is often the other's first choice too:
# the claim loses, the reply is dropped and the client asks again.
netns_lan_setup "${P}b" s3 load || exit 99
S3="${P}b-s3" LOADB="${P}b-load" LANB="${P}b-lan"
ip -n "$S3" addr add fd79::3/64 dev lan0 nodad
for ns in "$S3" "$LOADB"; do
	wait_for 10 lladdr_ready "$ns" lan0 ||
	    not_ok "link-local address in $ns"
done
mkdir -p "$T/lib3"
server_conf 3
pxed_start -n "$S3" -w "lease-database: connected.*in the cache" \
    "$T/s3.log" -v -f "$T/s3.conf" -i lan0 -r "$T/root"
P3=$PXPID
ip netns exec "$LANB" tcpdump -i any -Q in -n -U -s 600 \
    -w "$T/replies-b.pcap" 'udp src port 547' > "$T/tcpdump-b.log" 2>&1 &
TPIDB=$!
PIDS="$PIDS $TPIDB"
wait_log "$T/tcpdump-b.log" "listening on" 10
L2=$(metric "$S2" 8082 pxed_lease_database_claims_lost_total)
NSITE=$((NCLI / 2))
ip netns exec "$LOAD" timeout 120 perfdhcp -6 -l lan0 -r 100 -R 1000000 \
    -n "$NSITE" -p 60 -t 5 > "$T/perf-a.log" 2>&1 &
PA=$!
# Another base MAC (perfdhcp's DUIDs): other clients than site a's.
ip netns exec "$LOADB" timeout 120 perfdhcp -6 -l lan0 -r 100 -R 1000000 \
    -b mac=02:0c:b0:02:03:04 -n "$NSITE" -p 60 -t 5 > "$T/perf-b.log" 2>&1 &
PB=$!
PIDS="$PIDS $PA $PB"
wait "$PA"
wait "$PB"
pids_forget "$PA"
pids_forget "$PB"
LOST=$(( $(metric "$S2" 8082 pxed_lease_database_claims_lost_total) - L2 +
    $(metric "$S3" 8083 pxed_lease_database_claims_lost_total) ))
DROP=$(( $(metric "$S2" 8082 'pxed_dhcp6_dropped_total{reason="claimed_elsewhere"}') +
    $(metric "$S3" 8083 'pxed_dhcp6_dropped_total{reason="claimed_elsewhere"}') ))
echo "# transactions failed (servers 2, 3): $(metric "$S2" 8082 \
    pxed_lease_database_batch_errors_total), $(metric "$S3" 8083 \
    pxed_lease_database_batch_errors_total); deadlocks PostgreSQL" \
    "logged: $(grep -c 'deadlock detected' "$PG_DIR/server.log")"
check "two sites: server 3 Replies ($(replies "$T/s3.log"))" \
    test "$(replies "$T/s3.log")" -ge $((NSITE / 4))
check "two sites: claims lost to the other site ($LOST), their replies dropped ($DROP)" \
    test "$LOST" -gt 0 -a "$DROP" -gt 0
PXPID=$P3
pxed_stop
kill -INT "$TPIDB"
wait "$TPIDB"
pids_forget "$TPIDB"

# ---------- Release ----------
R=$(count_log "$T/s2.log" 'RELEASE\(lan0\)')
dhc c2 "$C2" -r
wait_for 10 sh -c "[ \$(grep -Ec 'RELEASE\(lan0\)' '$T/s2.log') -gt $R ]"
wait_for 10 test "$(psql_q "SELECT state FROM pxed_lease6
    WHERE addr = '$A2'")" = released
check "dhclient -6 -r: the Release is in the database ($A2 released)" \
    test "$(psql_q "SELECT state FROM pxed_lease6 WHERE addr = '$A2'")" = \
    released
check "pxed --leases no longer lists $A2" \
    sh -c "! '$PXED' -f '$T/s1.conf' --leases | grep -q '^$A2 '"

# ---------- what the clients were told, against the database ----------
kill -INT "$TPID"
wait "$TPID"
pids_forget "$TPID"
python3 "$SRCDIR/tests/dhcp-acks.py" -6 "$T/replies.pcap" \
    "$T/replies-b.pcap" > "$T/replies.txt"
psql_q "SELECT host(addr) || ' ' || encode(duid, 'hex') || ' ' || iaid
    FROM pxed_lease6 WHERE state IN ('acked', 'released')" > "$T/db.txt"
NREP=$(awk '$2 == "REPLY" && $4 > 0' "$T/replies.txt" | wc -l)
check "the clients' side received $NREP Replies with a binding" \
    test "$NREP" -ge $((NCLI / 4))
check "tcpdump lost no packet (either LAN)" sh -c \
    "grep -q '^0 packets dropped by kernel' '$T/tcpdump.log' &&
    grep -q '^0 packets dropped by kernel' '$T/tcpdump-b.log'"
# An IA holds the address of its last Reply (lifetime 0: it let it go);
# no Reply gives an address that another IA holds.
check "no address given to two IAs (the clients' side)" \
    python3 "$SRCDIR/tests/dhcp-acks.py" --dups "$T/replies.txt"
check "no IA holds two acked rows in the database" test "$(psql_q \
    "SELECT count(*) FROM (SELECT duid, iaid FROM pxed_lease6 WHERE
    state = 'acked' GROUP BY duid, iaid HAVING count(*) > 1) x")" = 0
check "every IA's last Reply is its row (address, DUID, IAID)" \
    python3 "$SRCDIR/tests/dhcp-acks.py" --rows "$T/replies.txt" "$T/db.txt"

# ---------- Decline ----------
# A Rapid Commit Solicit binds an address; its Decline quarantines it in
# the database, for every server (no DUID, state declined).  The address
# server 2 picks may be one server 3 gave: that claim is lost and nothing
# is sent, and the client asks again, as a client would (10 times at
# most; about one address in five of the range is server 3's).
DD=000300010200000000d1
for i in 1 2 3 4 5 6 7 8 9 10; do
	XD=$(ip netns exec "$LOAD" python3 "$SRCDIR/tests/dhcp6-send.py" \
	    -w 2 ff02::1:2 lan0 "solicit:$DD" 2>&1 |
	    sed -n 's/.* type=7 .*ia=\([0-9a-f:]*\).*/\1/p' | head -n 1)
	[ -n "$XD" ] && break
done
echo "# the Rapid Commit Solicit was answered at attempt $i"
check "a Rapid Commit Solicit is bound by server 2 (${XD:-none})" \
    test -n "$XD"
ip netns exec "$LOAD" python3 "$SRCDIR/tests/dhcp6-send.py" ff02::1:2 lan0 \
    "decline:$DD:$(cat "$T/lib2/leases.duid"):$XD" > "$T/decline.out" 2>&1
check "its Decline is answered" grep -q " type=7 " "$T/decline.out"
check "the declined address is quarantined in the database (no DUID)" \
    test "$(psql_q "SELECT state || ' ' || length(duid) FROM pxed_lease6
    WHERE addr = '$XD'")" = "declined 0"
check "pxed --leases lists it declined" \
    sh -c "'$PXED' -f '$T/s1.conf' --leases | grep -q '^$XD .* declined '"

pxed_test_done
