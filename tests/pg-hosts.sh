#!/bin/sh
# pg-hosts.sh: the host inventory in PostgreSQL (host-database), with a
# cluster of the test's own (tests/pg-lib.sh), on a LAN of namespaces:
#   pxed --db-init upgrades a version-1 database to version 3;
#   a host INSERTed with psql is loaded on its NOTIFY (no SIGHUP): the
#   next DISCOVER is offered its fixed address and its boot entry's file,
#   and boot.ipxe rendered for its MAC shows its variables; an UPDATE and
#   a DELETE are seen in the same way; a MAC that conf.d has too is
#   logged and conf.d's host wins; a row whose fixed address is in a
#   pool is skipped and logged; pxed --explain shows a database host "at
#   database"; with PostgreSQL stopped the hosts last loaded stay in
#   effect, and once it is back pxed reconnects and loads them again;
#   a row with a DUID is the host of a DHCPv6 Solicit with that DUID (its
#   ip6), and a DUID that conf.d has too is logged and conf.d's wins.
. "$(dirname "$0")/lib.sh"
. "$SRCDIR/tests/pg-lib.sh"

pxed_need psql python3 curl
"$PXED" --db-init postgresql:///none 2>&1 | grep -q "built without libpq" &&
    pxed_skip "pxed was built without libpq (configure --with-libpq)" \
    libpq-dev
pxed_net_init lan srv cli
SRV="$P-srv" CLI="$P-cli"
ip -n "$SRV" addr add 10.79.0.1/24 dev lan0
ip -n "$SRV" addr add fd7a::1/64 dev lan0 nodad
SEND="python3 $SRCDIR/tests/dhcp-send.py"
FIX="$SRCDIR/tests/fixtures"
chmod 755 "$T"
mkdir -p "$T/root" "$T/conf.d" "$T/lib"
pxed_at_exit pg_cluster_stop
pg_cluster_start "$T/pg" || { echo "cannot start PostgreSQL"; exit 99; }

check "pxed --db-init creates the schema" "$PXED" --db-init "$PG_URL"
# A version-1 database (before the hosts table) is upgraded.
psql_q "DROP TABLE pxed_hosts; DROP FUNCTION pxed_hosts_notify();
    UPDATE pxed_schema SET version = 1"
check "pxed --db-init upgrades version 1 to 3" sh -c \
    "'$PXED' --db-init '$PG_URL' 2>&1 | grep -q 'schema version 3 (upgraded)'"
check "the hosts table and its trigger are there" test "$(psql_q \
    "SELECT count(*) FROM pg_trigger WHERE tgname = 'pxed_hosts_notify'")" = 1

cat > "$T/root/boot.ipxe" <<'EOS'
#!ipxe
echo host ${hostname} role ${role}
EOS
cat > "$T/server.conf" <<EOC
conf-dir = "$T/conf.d"
host-database = "$PG_URL"
tftp { enable = no }
dhcp {
  lease-time = 300
  mode = server
  lease-file = "$T/lib/leases"
  range "lan" {
    start = 10.79.0.100
    end = 10.79.0.199
    netmask = 255.255.255.0
  }
  range6 "lan6" { prefix = fd7a::/64 start = fd7a::100 end = fd7a::1ff }
}
http { port = 8080 }
EOC
cat > "$T/conf.d/10-hosts.conf" <<EOC
match "lab" { mac = { "02:00:00:00:00:*" } }
boot "dbboot" { if = "lab" filename = "db.efi" }
host "filehost" {
  mac = "02:00:00:00:00:60"
  ip = 10.79.0.60
  hostname = "filehost"
  vars = { "role=file" }
}
host "file6" {
  duid = "00:03:00:01:02:00:00:00:00:bb"
  ip6 = fd7a::66
}
EOC
LOG="$T/log"
pxed_start -n "$SRV" -w "host-database: 0 hosts loaded" "$LOG" -v \
    -f "$T/server.conf" -r "$T/root"
PID=$PXPID

# offer MAC: the OFFER line dhcp-send.py prints for a DISCOVER from MAC.
offer() {
	ip netns exec "$CLI" $SEND "$FIX/01-dhcpd-msg-discover.bin" \
	    --iface lan0 --chaddr "$1" --wait 2 --count 1 2>&1 |
	    grep 'type=OFFER'
}
script() {
	ip netns exec "$SRV" curl -s "http://127.0.0.1:8080/boot.ipxe?mac=$1"
}
# loaded N GEN: pxed logged the host set GEN with N hosts (waited for up
# to 10 s: a condition, not a timing; the delay is no test's business).
# The time psql returned and pxed's line are printed, to read the delay.
loaded() {
	echo "# psql done at $(date +%T.%3N)"
	wait_log "$LOG" "host-database: $1 hosts? loaded, generation $2 " 10 &&
	    grep "generation $2 " "$LOG" | sed 's/^/# /'
}
M=02:00:00:00:00:51

psql_q "INSERT INTO pxed_hosts (mac, name, ip, hostname, tags, boot, vars)
    VALUES ('$M', 'dbhost', '10.79.0.51', 'dbhost', '{}', 'dbboot',
    '{\"role\": \"compute\"}')"
check "INSERT: reloaded on NOTIFY" loaded 1 2
check "INSERT: the next OFFER has the fixed address and the boot file" \
    sh -c "echo '$(offer $M)' | grep -q 'yiaddr=10\.79\.0\.51 .*file=db\.efi'"
check "INSERT: boot.ipxe shows the host's variables" \
    test "$(script $M | sed -n 2p)" = "echo host dbhost role compute"

psql_q "UPDATE pxed_hosts SET ip = '10.79.0.52',
    vars = '{\"role\": \"storage\"}' WHERE mac = '$M'"
check "UPDATE: reloaded on NOTIFY" loaded 1 3
check "UPDATE: the next OFFER has the new address" \
    sh -c "echo '$(offer $M)' | grep -q 'yiaddr=10\.79\.0\.52 '"
check "UPDATE: boot.ipxe shows the new variables" \
    test "$(script $M | sed -n 2p)" = "echo host dbhost role storage"

psql_q "DELETE FROM pxed_hosts WHERE mac = '$M'"
check "DELETE: reloaded on NOTIFY" loaded 0 4
check "DELETE: the next OFFER is from the pool" \
    sh -c "echo '$(offer $M)' | grep -q 'yiaddr=10\.79\.0\.1[0-9][0-9] '"
check "DELETE: boot.ipxe has no host variables" \
    test "$(script $M | sed -n 2p)" = "echo host  role "

# A MAC in conf.d and in the database: logged, conf.d wins.
psql_q "INSERT INTO pxed_hosts (mac, ip) VALUES ('02:00:00:00:00:60',
    '10.79.0.61'), ('$M', '10.79.0.53')"
check "both: reloaded" loaded 1 5
check "both: logged, conf.d's host wins" \
    grep -q 'host 02:00:00:00:00:60: MAC also in host "filehost" at .*10-hosts.conf:3, which wins' "$LOG"
check "both: the OFFER has conf.d's address" \
    sh -c "echo '$(offer 02:00:00:00:00:60)' | grep -q 'yiaddr=10\.79\.0\.60 '"

# A fixed address inside a pool could be handed out: the row is skipped.
psql_q "INSERT INTO pxed_hosts (mac, ip) VALUES ('02:00:00:00:00:52',
    '10.79.0.150')"
check "in a pool: reloaded" loaded 1 6
check "in a pool: the row is skipped and logged" grep -q \
    'host 02:00:00:00:00:52 skipped: ip 10.79.0.150 is in the pool of range "lan"' \
    "$LOG"

# pxed --explain loads the database hosts and says where each is from.
"$PXED" -f "$T/server.conf" -r "$T/root" --explain mac=$M arch=efi-x64 \
    > "$T/explain.db" 2>&1
check "--explain: a database host is shown as from the database" \
    grep -q "^host: \"$M\" at database\$" "$T/explain.db"
"$PXED" -f "$T/server.conf" -r "$T/root" --explain \
    mac=02:00:00:00:00:60 arch=efi-x64 > "$T/explain.file" 2>&1
check "--explain: conf.d's host is shown with its file and line" \
    grep -q '^host: "filehost" at .*/conf.d/10-hosts.conf:3$' "$T/explain.file"

# PostgreSQL down: the hosts last loaded stay.
pg_cluster_down fast
check "database down: logged" wait_log "$LOG" \
    "host-database: connection lost" 10
check "database down: the database host is still served" \
    sh -c "echo '$(offer $M)' | grep -q 'yiaddr=10\.79\.0\.53 '"
# Back up: pxed reconnects by itself (backoff) and loads the table again.
pg_cluster_up || { echo "cannot restart PostgreSQL"; exit 99; }
check "database back: reconnected and the hosts loaded again" \
    wait_log "$LOG" "host-database: 1 host loaded, generation 7 " 20
check "no SIGHUP was needed (no conf reload)" sh -c \
    "! grep -q 'conf: reloaded' '$LOG'"

# DHCPv6: a row with a DUID (DUID-LL of a MAC that is not the row's).
for ns in "$SRV" "$CLI"; do
	wait_for 10 lladdr_ready "$ns" lan0 ||
	    not_ok "link-local address in $ns"
done
solicit() {	# DUIDHEX: the Reply of a Rapid Commit Solicit
	ip netns exec "$CLI" python3 "$SRCDIR/tests/dhcp6-send.py" \
	    ff02::1:2 lan0 "solicit:$1" 2>&1 | grep 'type=7 '
}
psql_q "INSERT INTO pxed_hosts (mac, name, ip6, duid) VALUES
    ('02:00:00:00:00:54', 'v6host', 'fd7a::77', '\\x000300010200000000aa'),
    ('02:00:00:00:00:55', 'dup6', 'fd7a::78', '\\x000300010200000000bb')"
check "DUID: reloaded on NOTIFY" loaded 2 8
check "DUID: a Solicit with the row's DUID gets its ip6 fd7a::77" \
    sh -c "echo '$(solicit 000300010200000000aa)' | grep -q 'ia=fd7a::77'"
check "DUID: a DUID in conf.d too is logged, conf.d's host wins" \
    grep -q 'host dup6: DUID also in host "file6" at .*10-hosts.conf:[0-9]*, which wins' "$LOG"
check "DUID: conf.d's host's ip6 fd7a::66 is given" \
    sh -c "echo '$(solicit 000300010200000000bb)' | grep -q 'ia=fd7a::66'"
pid_stop "$PID"
pxed_test_done
