#!/bin/sh
# dhcp-crash.sh: no ACKed lease is lost when pxed dies.  A bounded DHCP
# load (tests/dhcp-load.py, which records every ACK it receives) runs
# while pxed is killed with SIGKILL at random moments, 20 times, and
# restarted each time.  Then: the lease file loaded every time, every
# recorded ACK is in it with the same address, and no address is held by
# two clients, neither in the records nor in the file.
. "$(dirname "$0")/lib.sh"
pxed_need python3
pxed_net_init lan srv cli
SRV="$P-srv" CLI="$P-cli"
ip -n "$SRV" addr add 10.77.0.1/16 dev lan0
mkdir -p "$T/root" "$T/lib"
KILLS=${KILLS:-20}
CLIENTS=${CLIENTS:-50000}
cat > "$T/pxed.conf" <<EOC
log-level = warning
dhcp {
  mode = server
  lease-file = "$T/lib/leases"
  range "lan" {
    start = 10.77.1.0
    end = 10.77.250.255
    netmask = 255.255.0.0
  }
}
tftp { enable = no }
http { enable = no }
EOC
LOG="$T/log"
: > "$LOG"
# Up when port 67 is bound: at log-level warning "started" is not logged.
start_pxed() {
	pxed_start -n "$SRV" -a -w "" "$LOG" -f "$T/pxed.conf" -i lan0 \
	    -r "$T/root"
	wait_for 5 udp_bound "$SRV" 67 ||
	    { echo "pxed did not come up"; tail "$LOG"; exit 99; }
}

start_pxed
ip netns exec "$CLI" python3 "$SRCDIR/tests/dhcp-load.py" --iface lan0 \
    --clients "$CLIENTS" --seconds 90 --record "$T/acks" \
    --stop-file "$T/stop" > "$T/load.out" 2>&1 &
LOAD=$!
PIDS="$PIDS $LOAD"

unloadable=0
i=0
while [ $i -lt "$KILLS" ] && kill -0 $LOAD 2>/dev/null; do
	# A random moment 0.2-1.2 s into this run.
	sleep "$(awk -v s="$$$i" 'BEGIN { srand(s); printf "%.2f", 0.2 + rand() }')"
	pxed_stop KILL
	if ! "$PXED" -f "$T/pxed.conf" --leases > "$T/dump.$i" 2>> "$T/dump.err"
	then
		unloadable=$((unloadable + 1))
	fi
	start_pxed
	i=$((i + 1))
done
touch "$T/stop"
wait $LOAD
check "the load went on through the kills: $(cat "$T/load.out")" \
    grep -Eq "^acked [0-9]{3,} of" "$T/load.out"
check "pxed was killed $KILLS times during the load ($i)" test "$i" -eq "$KILLS"
check "the lease file loaded after every kill" test "$unloadable" -eq 0
pxed_stop
"$PXED" -f "$T/pxed.conf" --leases > "$T/final" 2>> "$T/dump.err"
awk '{ print $2, $1 }' "$T/final" | sort > "$T/final.pairs"
sort -u "$T/acks" > "$T/acks.pairs"
N=$(wc -l < "$T/acks.pairs")
LOST=$(comm -23 "$T/acks.pairs" "$T/final.pairs" | wc -l)
check "every one of the $N recorded ACKs is in the lease file" \
    test "$LOST" -eq 0
[ "$LOST" -eq 0 ] || comm -23 "$T/acks.pairs" "$T/final.pairs" | head -n 5
check "no address acknowledged to two clients" \
    test "$(awk '{ print $2 }' "$T/acks.pairs" | sort | uniq -d | wc -l)" -eq 0
check "no address held by two clients in the lease file" \
    test "$(awk '{ print $1 }' "$T/final" | sort | uniq -d | wc -l)" -eq 0
check "no client acknowledged two addresses" \
    test "$(awk '{ print $1 }' "$T/acks.pairs" | sort | uniq -d | wc -l)" -eq 0
echo "# torn or bad journal lines skipped on the way: $(grep -c 'skipped' "$T/dump.err")"
pxed_test_done
