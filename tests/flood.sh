#!/bin/sh
# flood.sh: one client address floods pxed, another is still served
# (issue 16, "fair under hostile load").  Across a veth pair, the client
# namespace has two addresses: the flood comes from $BAD, the real
# clients (tftp-hpa, curl) from $GOOD.
#   TFTP: 1,000 read requests from $BAD, never acknowledged; tftp-hpa
#         from $GOOD downloads a file during the flood.
#   HTTP: 600 connections from $BAD, each with half a request, held;
#         curl from $GOOD downloads a file meanwhile.
# Each asserts the download, that pxed logged the refusals (at most a
# line a second, with counts that add up to its /metrics counters), and
# a control run with the per-client limits off shows the same flood
# locking the real client out.  The real client's time with and without
# the flood is printed, not asserted (beyond a generous sanity bound).
. "$(dirname "$0")/lib.sh"
pxed_need python3 tftp curl
pxed_net_init pair
S=$NETNS_SRV_IP
GOOD=$NETNS_CLI_IP
BAD=10.77.0.3
BAD2=10.77.0.4
in_cli ip addr add "$BAD/24" dev "$NETNS_CLI_IF" &&
    in_cli ip addr add "$BAD2/24" dev "$NETNS_CLI_IF" ||
    not_ok "more client addresses"

chmod 755 "$T"
R="$T/root"
mkdir -p "$R" "$T/out"
chmod 777 "$T/out"
head -c $((1024 * 1024)) /dev/urandom > "$R/big.bin"
chmod -R a+rX "$R"
LOG="$T/log"

now_ms() { date +%s%3N; }

# start TFTP-SETTINGS HTTP-SETTINGS: a fresh pxed.  An unacknowledged
# transfer lives 300 s: the flood's hold their slots to the end.
start() {
	cat > "$T/pxed.conf" <<EOC
user = "nobody"
dhcp { mode = off }
tftp { root = "$R" max-idle = 300 retries = 100 $1 }
http { root = "$R" $2 }
EOC
	pxed_start -n "$NS_SRV" -w "http: serving" "$LOG" -v -f "$T/pxed.conf"
}

# tget OUT: tftp-hpa from $GOOD; MS is how long it took.
tget() {
	rm -f "$1"
	_t0=$(now_ms)
	in_cli timeout 60 tftp "$S" -m binary -c get big.bin "$1" \
	    > "$1.msg" 2>&1
	MS=$(( $(now_ms) - _t0 ))
}

# hget OUT: curl from $GOOD; MS is how long it took.
hget() {
	rm -f "$1"
	_t0=$(now_ms)
	in_cli timeout 60 curl -s -S --interface "$GOOD" -o "$1" \
	    "http://$S/big.bin" > "$1.msg" 2>&1
	MS=$(( $(now_ms) - _t0 ))
}

# timed FETCH NAME: three timed runs of FETCH (after one untimed), each
# must get the file; TIMES lists the milliseconds, MAXMS the slowest.
timed() {
	"$1" "$T/out/$2-warm"
	TIMES= MAXMS=0 _n=0 _bad=0
	while [ $_n -lt 3 ]; do
		"$1" "$T/out/$2"
		cmp -s "$R/big.bin" "$T/out/$2" || _bad=1
		TIMES="$TIMES $MS"
		[ "$MS" -gt "$MAXMS" ] && MAXMS=$MS
		_n=$((_n + 1))
	done
	cmp -s "$R/big.bin" "$T/out/$2-warm" && [ $_bad -eq 0 ]
}

# metric NAME-AND-LABELS: its value in /metrics, fetched from $GOOD.
metric() {
	in_cli curl -s --interface "$GOOD" "http://$S/metrics" |
	    awk -v m="$1" '$1 == m { print $2 }'
}

# logged REGEX: refusals logged by lines matching REGEX, counting the
# "(N more suppressed)" of each.
logged() {
	grep -E -- "$1" "$LOG" | sed -n \
	    's/.*(\([0-9]*\) more suppressed)$/\1/p;t;s/.*/0/p' |
	    awk '{ n += $1 + 1 } END { print n + 0 }'
}
logged_eq() { [ "$(logged "$1")" = "$2" ]; }
lines() { grep -Ec -- "$1" "$LOG" || true; }

# ---------- TFTP ----------
start "" ""
check "TFTP without a flood: tftp-hpa gets the file (4 times)" timed tget t0
T0=$TIMES

# The flood, paced over about 3 s; the real client starts once pxed
# has refused some of it.
F0=$(now_ms)
in_cli python3 "$SRCDIR/tests/flood.py" tftp --server "$S" --bind "$BAD" \
    --count 1000 --spread 3 --seconds 60 > "$T/flood-tftp.out" 2>&1 &
FPID=$!
PIDS="$PIDS $FPID"
wait_log "$LOG" "tftp: refused .* from $BAD:" 20 ||
    not_ok "pxed refuses the flood"
check "TFTP during 1,000 unacknowledged RRQs from $BAD: tftp-hpa from \
$GOOD gets the file (4 times)" timed tget t1
T1=$TIMES T1MAX=$MAXMS
wait $FPID
pids_forget $FPID
F1=$(( ($(now_ms) - F0 + 999) / 1000 ))
cat "$T/flood-tftp.out"
check "the flood sent its 1,000 requests" \
    grep -q "^sent 1000$" "$T/flood-tftp.out"
ADMITTED=$(lines "tftp: $BAD:[0-9]+ asks for")
check "at most max-transfers-per-client (8) of the flood admitted \
($ADMITTED)" test "$ADMITTED" -le 8 -a "$ADMITTED" -ge 1
# The held lines go out a second after the storm: wait for the sum.
LIM="pxed_tftp_requests_limited_total"
NREF=$(( $(metric "$LIM{limit=\"transfers\"}") + \
    $(metric "$LIM{limit=\"rate\"}") ))
RE="tftp: refused .* from $BAD:.*(max-transfers-per-client|max-requests)"
check "pxed logged every refusal: the counts add up to /metrics ($NREF)" \
    wait_for 5 logged_eq "$RE" "$NREF"
check "and the flood was all answered: admitted + refused = 1000" \
    test $((ADMITTED + NREF)) -eq 1000
NL=$(lines "$RE")
check "at most a line a second for $BAD ($NL lines in ${F1} s)" \
    test "$NL" -le $((F1 + 2))
check "max-transfers-per-client named in the log" \
    grep -q "too many at once from its address (max-transfers-per-client 8)" \
    "$LOG"
check "sanity: tftp-hpa took under 30 s during the flood" \
    test "$T1MAX" -lt 30000
check "the flood got ERROR 0 with the reason, not \"server busy\"" \
    test "$(lines 'tftp: busy')" -eq 0
echo "# TFTP: tftp-hpa 1 MiB from $GOOD, ms: alone$T0; during the" \
    "flood from $BAD$T1"

# Requests that end at once (a missing file) hold no slot: the token
# bucket, 20 a second, is what stops those (from a third address, whose
# slots are all free).
NOTF='pxed_tftp_transfers_total{result="refused"}'
RATE0=$(metric "$LIM{limit=\"rate\"}")
NF0=$(metric "$NOTF")
F0=$(now_ms)
in_cli python3 "$SRCDIR/tests/flood.py" tftp --server "$S" --bind "$BAD2" \
    --file missing.bin --count 300 --spread 1 --seconds 60 \
    > "$T/flood-tftp3.out" 2>&1
F1=$(( ($(now_ms) - F0 + 999) / 1000 ))
answered() {
	RATE=$(( $(metric "$LIM{limit=\"rate\"}") - RATE0 ))
	NF=$(( $(metric "$NOTF") - NF0 ))
	[ $((RATE + NF)) -eq 300 ]
}
wait_for 5 answered
check "max-requests-per-second: the bucket refused some ($RATE) of 300" \
    test "$RATE" -gt 0
check "max-requests-per-second named in the log" wait_log "$LOG" \
    "too many requests a second .*\(max-requests-per-second 20\)" 5
check "all 300 answered: $NF not found, $RATE over the rate" \
    test $((NF + RATE)) -eq 300
check "no more looked up than the bucket lets through in ${F1} s" \
    test "$NF" -le $((20 + 20 * F1))

# A reload that raises max-transfers grows the table of addresses: what
# each holds comes along ($BAD still holds its 8).
sed -i 's/^tftp { /tftp { max-transfers = 5000 /' "$T/pxed.conf"
kill -HUP "$PXPID"
wait_log "$LOG" "reloaded in .* generation 2:" 5 || not_ok "reload"
N0=$(metric "$LIM{limit=\"transfers\"}")
in_cli python3 "$SRCDIR/tests/flood.py" tftp --server "$S" --bind "$BAD" \
    --count 1 --spread 0 > /dev/null 2>&1
one_more() { [ "$(metric "$LIM{limit=\"transfers\"}")" = $((N0 + 1)) ]; }
check "after a reload to max-transfers 5000, $BAD still holds its 8" \
    wait_for 5 one_more
pxed_stop

# Control: no per-client limits, max-transfers 100: the flood locks out.
start "max-transfers = 100 max-transfers-per-client = 0
    max-requests-per-second = 0" ""
in_cli python3 "$SRCDIR/tests/flood.py" tftp --server "$S" --bind "$BAD" \
    --count 1000 --spread 1 --seconds 60 > "$T/flood-tftp2.out" 2>&1
wait_log "$LOG" "tftp: busy, refused" 10 || not_ok "control: busy logged"
tget "$T/out/t2"
check "control, limits off: the same flood locks tftp-hpa out (busy)" \
    sh -c "! cmp -s '$R/big.bin' '$T/out/t2' &&
    grep -q 'server busy' '$T/out/t2.msg'"
pxed_stop

# ---------- HTTP ----------
# hflood OUT: 600 half requests from $BAD, held (in the background,
# FPID) until hflood_end; returns once they are all made.
hflood() {
	rm -f "$T/stop"
	in_cli python3 "$SRCDIR/tests/flood.py" http --server "$S" \
	    --bind "$BAD" --count 600 --hold 60 --stop "$T/stop" \
	    --seconds 90 > "$1" 2>&1 &
	FPID=$!
	PIDS="$PIDS $FPID"
	wait_log "$1" "^connected" 60 || not_ok "the HTTP flood"
}
hflood_end() {
	touch "$T/stop"
	wait $FPID
	pids_forget $FPID
}

start "" ""
check "HTTP without a flood: curl gets the file (4 times)" timed hget h0
H0=$TIMES
hflood "$T/flood-http.out"
check "HTTP during 600 half requests from $BAD: curl from $GOOD gets \
the file (4 times)" timed hget h1
H1=$TIMES H1MAX=$MAXMS
CONN=$(sed -n 's/^connected //p' "$T/flood-http.out")
RC='pxed_http_connections_refused_total{limit="per-client"}'
refused_is() { [ "$(metric "$RC")" = "$1" ]; }
check "all but max-connections-per-client (16) of $CONN refused" \
    wait_for 10 refused_is $((CONN - 16))
RE="http: refused a connection from $BAD:.*max-connections-per-client 16"
check "pxed logged every refusal: the counts add up to $((CONN - 16))" \
    wait_for 5 logged_eq "$RE" $((CONN - 16))
check "sanity: curl took under 30 s during the flood" test "$H1MAX" -lt 30000
hflood_end
cat "$T/flood-http.out"
# Its connections closed, $BAD holds nothing: it is served again.
bad_get() {
	in_cli timeout 10 curl -s --interface "$BAD" -o "$T/out/hb" \
	    "http://$S/big.bin" && cmp -s "$R/big.bin" "$T/out/hb"
}
check "once its connections are closed, $BAD is served again" \
    wait_for 10 bad_get
echo "# HTTP: curl 1 MiB from $GOOD, ms: alone$H0; during $CONN half" \
    "requests from $BAD$H1"
pxed_stop

# Slowloris: header-timeout cuts the connections that never finish.
start "" "header-timeout = 2"
in_cli python3 "$SRCDIR/tests/flood.py" http --server "$S" --bind "$BAD" \
    --count 20 --hold 60 --seconds 90 > "$T/flood-slow.out" 2>&1
cat "$T/flood-slow.out"
check "header-timeout: the server closed all 20 (4 refused, 16 cut)" \
    grep -q "^closed-by-server 20$" "$T/flood-slow.out"
check "header-timeout: logged" grep -q \
    "closed a connection from $BAD:.*no complete request within 2 s" "$LOG"
check "header-timeout: counted in /metrics" \
    test "$(metric pxed_http_header_timeouts_total)" = 16
hget "$T/out/h2"
check "curl still served after" cmp -s "$R/big.bin" "$T/out/h2"
pxed_stop

# Control: no per-client limit, max-connections 100: the flood locks out.
start "" "max-connections = 100 max-connections-per-client = 0"
hflood "$T/flood-http2.out"
hget "$T/out/h3"
check "control, limit off: the same flood locks curl out" \
    sh -c "! cmp -s '$R/big.bin' '$T/out/h3'"
check "control: the refusal of the full server is logged, with the \
address" grep -q \
    "http: refused a connection from $GOOD:.*(max-connections 100)" "$LOG"
hflood_end
pxed_stop
pxed_test_done
