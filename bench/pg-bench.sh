#!/bin/sh
# pg-bench.sh: DHCPv4 servers on one PostgreSQL lease database: one pxed,
# two pxed sharing the pool, and Kea's kea-dhcp4 with its PostgreSQL
# lease backend (kea-admin db-init pgsql), same cluster, same settings,
# same run.  Not a test: it prints figures.  Needs root, perfdhcp
# (kea-admin), kea-dhcp4, PostgreSQL (initdb, pg_ctl, psql).
#
# usage: bench/pg-bench.sh [--servers "pxed1 pxed2 kea journal"]
#            [--duration S] [--rates "250 500 ..."]
#
# One bridged LAN of namespaces (tests/lib.sh pxed_net_init lan): the
# servers at 10.79.0.1 and .2, two perfdhcp clients acting as relays
# (10.79.0.11, .12; giaddr in the server's subnet), a PostgreSQL cluster
# of the run's own (tests/pg-lib.sh: initdb in the temporary directory,
# Unix socket only, default settings: synchronous_commit on, fsync on).
# Each server starts on empty tables.  For each server, fixed-rate runs
# of S seconds (default 5) at each rate of the list, every client a new
# one: the highest rate at which fewer than 1 % of the clients are left
# without their ACK is the DORA/s figure (the list stops at the first
# rate that fails twice).  pxed2 is two pxed servers on one pool, each fed
# half of the rate by its own perfdhcp (two sites behind relays).  CPU per
# DORA: the servers' CPU (utime + stime of their processes) and the
# database's (every postgres process), over the run at that rate,
# divided by the ACKs.  perfdhcp, the servers and PostgreSQL share the
# machine's cores: on a machine busy with other work the figures are
# noisy, and say so (load average before the run).  journal (not run by
# default) is one pxed with its lease file, for reference: what perfdhcp
# and the machine manage without a database.
#
# For each rate it also prints what tells where the bound is: perfdhcp's
# CPU; the UDP datagrams dropped for a full receive buffer in the
# perfdhcp and the server namespaces (RcvbufErrors, /proc/net/snmp, per
# namespace); and from the servers' /metrics the transactions of claims,
# their mean size and commit round trip, the claims lost to the other
# server and the OFFERs made again after one.  The pool (10.76.1.0 to 10.78.255.254, a /14) holds every
# client of a whole run.  PXED_KEEP=DIR keeps the run's files (tests/lib.sh).

set -u
SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
: "${PXED:=$SRCDIR/daemon/pxed}"
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/pg-lib.sh"

SERVERS="pxed1 pxed2 kea"
DUR=5
RATES="250 500 1000 1500 2000 3000 4000 6000 8000"
while [ $# -gt 0 ]; do
	case $1 in
	--servers) SERVERS=$2; shift 2;;
	--duration) DUR=$2; shift 2;;
	--rates) RATES=$2; shift 2;;
	*) sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2;;
	esac
done

pxed_need perfdhcp psql kea-dhcp4 kea-admin
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
pxed_net_init lan s1 s2 c1 c2
S1="$P-s1" S2="$P-s2" C1="$P-c1" C2="$P-c2"
ip -n "$S1" addr add 10.79.0.1/16 dev lan0
ip -n "$S2" addr add 10.79.0.2/16 dev lan0
ip -n "$C1" addr add 10.79.0.11/16 dev lan0
ip -n "$C2" addr add 10.79.0.12/16 dev lan0
pxed_at_exit pg_cluster_stop
pg_cluster_start "$T/pg" || { echo "cannot start PostgreSQL"; exit 1; }
"$PXED" --db-init "$PG_URL" 2>/dev/null || exit 1
psql -X -q -d "$PG_URL" -c "CREATE DATABASE kea" || exit 1
PGPASSWORD=unused kea-admin db-init pgsql -h "$PG_DIR" -u pxed -n kea < /dev/null \
    > "$T/kea-admin.log" 2>&1 || { cat "$T/kea-admin.log"; exit 1; }
mkdir -p "$T/root"
for n in 1 2 j; do
	store="lease-database = \"$PG_URL\""
	[ $n = j ] && store="lease-file = \"$T/journal.leases\""
	cat > "$T/pxed$n.conf" <<EOC
log-level = warning
dhcp {
  mode = server
  $store
  lease-time = 43200
  range "bench" { start = 10.76.1.0  end = 10.78.255.254
                  netmask = 255.252.0.0 }
}
tftp { enable = no }
http { port = 8081 }
EOC
done
cat > "$T/kea.json" <<EOC
{ "Dhcp4": {
    "interfaces-config": { "interfaces": [ "lan0" ] },
    "lease-database": { "type": "postgresql", "name": "kea",
        "host": "$PG_DIR", "user": "pxed" },
    "valid-lifetime": 43200,
    "subnet4": [ { "id": 1, "subnet": "10.76.0.0/14",
        "pools": [ { "pool": "10.76.1.0 - 10.78.255.254" } ] } ],
    "loggers": [ { "name": "kea-dhcp4",
        "output_options": [ { "output": "stderr" } ],
        "severity": "WARN" } ] } }
EOC

# CPU seconds (utime + stime) of the processes whose PIDs are given
cpu_of() {
	for p in "$@"; do
		sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null
	done | awk -v hz="$(getconf CLK_TCK)" '{ t += $12 + $13 }
	    END { printf "%.3f\n", t / hz }'
}
pg_pids() {	# the postmaster and its children
	pm=$(head -1 "$PG_DIR/data/postmaster.pid")
	echo "$pm" $(cat "/proc/$pm/task/$pm/children" 2>/dev/null)
}

SRV_PIDS=
start_servers() {	# NAME
	SRV_PIDS=
	psql -X -q -d "$PG_URL" -c "DELETE FROM pxed_lease4" || exit 1
	psql -X -q -d "postgresql:///kea?host=$PG_DIR&user=pxed" \
	    -c "DELETE FROM lease4" || exit 1
	rm -f "$T/journal.leases"
	case $1 in
	pxed1|pxed2|journal)
		cf=$T/pxed1.conf
		[ "$1" = journal ] && cf=$T/pxedj.conf
		pxed_start -n "$S1" -w "" "$T/$1-s1.log" -f "$cf" \
		    -i lan0 -r "$T/root"
		SRV_PIDS=$PXPID
		if [ "$1" = pxed2 ]; then
			pxed_start -n "$S2" -w "" "$T/$1-s2.log" \
			    -f "$T/pxed2.conf" -i lan0 -r "$T/root"
			SRV_PIDS="$SRV_PIDS $PXPID"
		fi;;
	kea)
		ip netns exec "$S1" env KEA_PIDFILE_DIR="$T" \
		    KEA_LOCKFILE_DIR="$T" kea-dhcp4 -c "$T/kea.json" \
		    > "$T/kea.log" 2>&1 &
		SRV_PIDS=$!
		PIDS="$PIDS $!";;
	esac
	# ready: one DORA answered, at most 10 tries of 2 s
	i=0
	while [ $i -lt 10 ]; do
		ip netns exec "$C1" timeout 10 perfdhcp -4 -l 10.79.0.11 \
		    -r 5 -n 3 -R 3 -p 2 -b mac=00:0c:ff:ff:00:00 10.79.0.1 \
		    > "$T/ready.log" 2>&1
		awk '/Statistics for: REQUEST-ACK/ { s = 1 }
		    s && /^received packets:/ { n = $3; exit }
		    END { exit !(n > 0) }' "$T/ready.log" && return 0
		i=$((i + 1))
	done
	echo "pg-bench: $1 does not answer:" >&2
	tail -5 "$T/$1"*.log "$T/ready.log" >&2
	return 1
}
stop_servers() {
	for p in $SRV_PIDS; do
		pid_stop "$p"
	done
	SRV_PIDS=
}

# The lease database counters of the servers (/metrics), summed:
# "batches claims lost commit-seconds" (zeros without lease-database).
db_counters() {	# NAMESPACES FILE
	for ns in $1; do
		ip netns exec "$ns" curl -s -m 5 http://127.0.0.1:8081/metrics
	done | tee "$2" | awk '$1 == "pxed_lease_database_batches_total" { b += $2 }
		$1 == "pxed_lease_database_claims_total" { c += $2 }
		$1 == "pxed_lease_database_claims_lost_total" { l += $2 }
		$1 == "pxed_lease_database_commit_seconds_total" { t += $2 }
		$1 == "pxed_dhcp_offers_retried_total" { r += $2 }
		END { printf "%d %d %d %.6f %d\n", b, c, l, t, r }'
}

# UDP datagrams dropped for a full receive buffer in these namespaces
# (RcvbufErrors of /proc/net/snmp, which is per namespace), summed.
rcvbuf_errors() {
	for ns in $1; do
		ip netns exec "$ns" cat /proc/net/snmp
	done | awk '$1 == "Udp:" && $2 ~ /^[0-9]/ { n += $6 } END { print n + 0 }'
}

MACN=0
# one run at RATE: sets DS (DISCOVERs sent), ACK, FAIL (%), SCPU, DCPU,
# CCPU (perfdhcp's CPU), DB (the database counters' increase), CDROP
# and SDROP (replies and requests dropped by full receive buffers)
run() {	# NAME RATE
	nc=1 sns=$S1 cns=$C1
	[ "$1" = pxed2 ] && nc=2 sns="$S1 $S2" cns="$C1 $C2"
	c0=$(rcvbuf_errors "$C1 $C2") r0=$(rcvbuf_errors "$S1 $S2")
	s0=$(cpu_of $SRV_PIDS) d0=$(cpu_of $(pg_pids)) m0=$(db_counters "$sns" "$T/metrics-$1-$2-0")
	i=1
	while [ $i -le $nc ]; do
		MACN=$((MACN + 1))
		ns=$C1 la=10.79.0.11 to=10.79.0.1
		[ $i -eq 2 ] && ns=$C2 la=10.79.0.12 to=10.79.0.2
		# perfdhcp's CPU: its shell's children's (cutime + cstime)
		ip netns exec "$ns" sh -c 'timeout "$@"
		    set -- $(sed "s/^.*) //" /proc/$$/stat)
		    echo "client-ticks $((${14} + ${15}))"' sh $((DUR + 20)) \
		    perfdhcp -4 -l "$la" \
		    -r $(($2 / nc)) -R 1000000 -p "$DUR" -W 500000 \
		    -b "mac=$(printf '00:0c:%02x:%02x:00:00' $((MACN / 256)) \
		    $((MACN % 256)))" "$to" > "$T/perf$i.out" 2>&1 &
		eval "PP$i=\$!"
		i=$((i + 1))
	done
	wait $PP1
	[ $nc -eq 2 ] && wait $PP2
	SCPU=$(awk -v a="$s0" -v b="$(cpu_of $SRV_PIDS)" 'BEGIN { print b - a }')
	DCPU=$(awk -v a="$d0" -v b="$(cpu_of $(pg_pids))" 'BEGIN { print b - a }')
	CDROP=$(($(rcvbuf_errors "$C1 $C2") - c0))
	SDROP=$(($(rcvbuf_errors "$S1 $S2") - r0))
	CCPU=$(cat "$T"/perf[1-$nc].out | awk -v hz="$(getconf CLK_TCK)" \
	    '$1 == "client-ticks" { t += $2 } END { printf "%.2f", t / hz }')
	DB=$(printf '%s\n%s\n' "$m0" "$(db_counters "$sns" "$T/metrics-$1-$2-1")" | awk '
		NR == 1 { b = $1; c = $2; l = $3; t = $4; r = $5; next }
		{ b = $1 - b; c = $2 - c; l = $3 - l; t = $4 - t; r = $5 - r }
		END { if (b > 0) printf "%d transactions of %.1f claims, " \
		    "commit %.2f ms, %d claims lost, %d offers retried", b,
		    c / b, 1000 * t / b, l, r }')
	set -- $(cat "$T"/perf[1-$nc].out | awk '
		/Statistics for: DISCOVER-OFFER/ { s = "d" }
		/Statistics for: REQUEST-ACK/ { s = "a" }
		/^sent packets:/ && s == "d" { ds += $3 }
		/^received packets:/ && s == "a" { ack += $3 }
		END { print ds + 0, ack + 0 }')
	DS=$1 ACK=$2
	FAIL=$(awk -v d="$DS" -v a="$ACK" 'BEGIN {
		if (d > 0) printf "%.2f", 100 * (d - a) / d; else print 100 }')
}

RES=$T/results
: > "$RES"
for s in $SERVERS; do
	if ! start_servers "$s"; then
		echo "$s|n/a (no answer)" >> "$RES"
		stop_servers
		continue
	fi
	best=0 bcpu=- bdb=- fails=0
	for r in $RATES; do
		run "$s" "$r"
		echo "pg-bench: $s: $r/s: $ACK of $DS ACKed ($FAIL % failed);" \
		    "server CPU $SCPU s, database CPU $DCPU s, perfdhcp CPU" \
		    "$CCPU s; receive buffer drops: $CDROP at perfdhcp," \
		    "$SDROP at the servers${DB:+; $DB}" >&2
		if awk -v f="$FAIL" 'BEGIN { exit !(f < 1) }'; then
			best=$r fails=0
			bcpu=$(awk -v c="$SCPU" -v n="$ACK" \
			    'BEGIN { printf "%.0f", n ? c * 1e6 / n : 0 }')
			bdb=$(awk -v c="$DCPU" -v n="$ACK" \
			    'BEGIN { printf "%.0f", n ? c * 1e6 / n : 0 }')
		else
			fails=$((fails + 1))
			[ $fails -ge 2 ] && break
		fi
	done
	echo "$s|$best|$bcpu|$bdb" >> "$RES"
	stop_servers
done

echo
echo "DHCPv4 on one PostgreSQL (synchronous_commit on), perfdhcp as relay,"
echo "$DUR s per rate, new clients; load average before the run: $LOAD0"
echo "(a machine shared with other work: figures are noisy)"
printf '%-8s %10s %16s %16s\n' server "DORA/s<1%" "server us/DORA" \
    "database us/DORA"
awk -F'|' 'NF == 2 { printf "%-8s %s\n", $1, $2; next }
	{ printf "%-8s %10s %16s %16s\n", $1, $2, $3, $4 }' "$RES"
awk -F'|' 'NF == 4 { r[$1] = $2 }
	END {
		if (r["pxed1"] > 0 && r["kea"] > 0)
			printf "pxed1 / kea: x%.2f\n", r["pxed1"] / r["kea"]
		if (r["pxed2"] > 0 && r["pxed1"] > 0)
			printf "pxed2 / pxed1: x%.2f\n", r["pxed2"] / r["pxed1"]
	}' "$RES"
