# bench/lib.sh: what the benchmarks share.  POSIX sh.  Set BENCH (the
# script's name: messages and cgroup names) and source it; it sources
# tests/netns.sh too.
#
#   log MESSAGE...           "$BENCH: MESSAGE" on stderr.
#   usage                    the script's header comment, exit 2.
#   apt_install PACKAGE...   apt-get install (after one apt-get update).
#   need COMMAND PACKAGE     install PACKAGE unless COMMAND is on PATH
#                            (/usr/sbin and /sbin are added to PATH).
# CPU accounting:
#   cg_make NAME             a new cgroup NAME beside this shell's own, for
#                            CPU accounting: prints "v2 DIR" (cpu.stat) or
#                            "v1 DIR" (cpuacct); fails when neither works.
#   bench_cgroup             cg_make "$BENCH.$$" into CGKIND and CG;
#                            fails (CG empty) when there is none.
#   cg_cpu DIR [DECIMALS]    CPU seconds of cgroup DIR (of kind CGKIND)
#                            so far, with DECIMALS (default 3) decimals.
#   cpu_busy N               "BUSY TOTAL" jiffies of CPU N from /proc/stat
#                            (of all CPUs with "").
#   pct B0 T0 B1 T1          % busy between two cpu_busy readings (0 if
#                            no time passed).
#   busy_now                 % of all CPUs busy over the next second.
#   bench_idle_check         busy_now into BUSY0, with a warning above
#                            10 %: other load skews every figure.
# Rounds (tftp-bench.sh, http-bench.sh: every server in turn in each):
#   median "A:B ..." FIELD [DECIMALS]  the median of one field of the
#                            samples ("-" when there is none).
#   round_start SERVER ROUND start_server for a round, or non-zero when
#                            the server is out (marks $ACC/SERVER.na or
#                            .dead when it does not start).
#   rounds_run               REPEAT rounds of round_server SERVER ROUND
#                            over SERVERS, then result_line SERVER of
#                            each into $RES.
# Pinning: the server runs on CPU SRV_CPU (0, or BENCH_SRV_CPU) in
# namespace NS_SRV, the clients on CPU CLI_CPU (1, or BENCH_CLI_CPU) in
# NS_CLI; with BENCH_RT=1 both run at real-time priority (RT, a command
# prefix: chrt -f 50), so that other work on a shared machine cannot
# preempt them (the kernel's RT throttling still leaves others 5 %):
#   in_cli_pinned CMD...     CMD in the client namespace, on CLI_CPU.
# Arguments:
#   bench_positive V...      exit 2 unless each V is a positive number.
#   bench_tmp                T, a new /tmp/$BENCH.XXXXXX, with the
#                            script's cleanup() on exit and on INT, TERM
#                            and HUP (exit 130, 143, 129).
# Processes:
#   pgrps_stop PID...        SIGTERM to each process group, 0.2 s, then
#                            SIGKILL, and wait for each leader (timeout(1)
#                            wrappers, which lead groups of their own).
# HTTP (http-bench.sh, http-pair.sh):
#   nginx_conf DIR LISTEN ROOT [CHUNK]  DIR/nginx.conf: one worker,
#                            sendfile, tcp_nopush, keep-alive, no access
#                            log, pid and temp files in DIR, serving ROOT
#                            on LISTEN (ADDR:PORT); CHUNK: its
#                            sendfile_max_chunk (default nginx's 2m).

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(dirname "$HERE")
. "$TOP/tests/netns.sh"

SRV_CPU=${BENCH_SRV_CPU:-0}
CLI_CPU=${BENCH_CLI_CPU:-1}
RT=
[ "${BENCH_RT:-0}" = 1 ] && RT="chrt -f 50"
HZ=$(getconf CLK_TCK)
CG=
CGKIND=
PATH=$PATH:/usr/sbin:/sbin
export PATH

log() { echo "$BENCH: $*" >&2; }

# usage: the script's header comment (from line 2 to the first blank
# line) on stderr, exit 2
usage() {
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

APT_UPDATED=
apt_install() {
	if [ -z "$APT_UPDATED" ]; then
		log "apt-get update"
		apt-get update -qq >/dev/null 2>&1
		APT_UPDATED=1
	fi
	log "installing $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends "$@" >/dev/null 2>&1 ||
	    log "apt-get install $* failed"
}

need() {	# need COMMAND PACKAGE
	command -v "$1" >/dev/null 2>&1 || apt_install "$2"
}

cg_make() {	# cg_make NAME: prints the new cgroup's kind and directory
	for m in $(awk '$3 == "cgroup2" { print $2 }' /proc/mounts); do
		rel=$(awk -F: '$1 == "0" { print $3 }' /proc/self/cgroup)
		d="$m${rel%/}/$1"
		mkdir "$d" 2>/dev/null || continue
		if grep -q '^usage_usec' "$d/cpu.stat" 2>/dev/null; then
			echo "v2 $d"
			return 0
		fi
		rmdir "$d"
	done
	m=$(awk '$3 == "cgroup" && $4 ~ /(^|,)cpuacct(,|$)/ {
		print $2; exit }' /proc/mounts)
	rel=$(awk -F: '$2 ~ /(^|,)cpuacct(,|$)/ { print $3; exit }' \
	    /proc/self/cgroup)
	[ -n "$m" ] || return 1
	d="$m${rel%/}/$1"
	mkdir "$d" 2>/dev/null || return 1
	if [ -r "$d/cpuacct.usage" ]; then
		echo "v1 $d"
		return 0
	fi
	rmdir "$d"
	return 1
}

bench_cgroup() {
	set -- $(cg_make "$BENCH.$$")
	[ $# -eq 2 ] || return 1
	CGKIND=$1 CG=$2
}

cg_cpu() {	# cg_cpu DIR [DECIMALS]: CPU seconds of the cgroup so far
	case $CGKIND in
	v2) awk -v f="%.${2:-3}f\n" '$1 == "usage_usec" {
		printf f, $2 / 1e6 }' "$1/cpu.stat";;
	v1) awk -v f="%.${2:-3}f\n" '{ printf f, $1 / 1e9 }' \
	    "$1/cpuacct.usage";;
	esac
}

# median "A:B A:B ..." FIELD [DECIMALS]: the median of field FIELD of the
# colon-separated samples (the mean of the middle two, to DECIMALS places,
# default 2, when their number is even); "-" when there is none
median() {
	echo "$1" | tr ' ' '\n' | grep . | cut -d: -f"$2" | sort -n |
	    awk -v f="%.${3:-2}f\n" '{ v[NR] = $1 } END {
		if (NR == 0) { print "-"; exit }
		if (NR % 2) print v[(NR + 1) / 2]
		else printf f, (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# round_start SERVER ROUND: start SERVER (the script's start_server) for
# round ROUND of REPEAT.  Non-zero when it is out: $ACC/SERVER.na (it did
# not start in the first round) or SERVER.dead (it stopped working after
# it), or when it does not start now, which marks it so: a server that
# answered in an earlier round and not now has stopped working, and its
# figures so far are not a median.
round_start() {
	[ -e "$ACC/$1.na" ] || [ -e "$ACC/$1.dead" ] && return 1
	log "=== $1, round $2 of $REPEAT ==="
	if start_server "$1"; then
		log "$1: pid $SPID, CPU accounting: $CPU_SRC"
		return 0
	fi
	if [ "$2" -gt 1 ]; then
		echo "did not start in round $2" > "$ACC/$1.dead"
	else
		: > "$ACC/$1.na"
	fi
	return 1
}

# rounds_run: REPEAT rounds (RND), every server of SERVERS in turn in
# each (the script's round_server SERVER ROUND), then every server's
# result_line into $RES ($T/results)
rounds_run() {
	RND=0
	while [ $RND -lt "$REPEAT" ]; do
		RND=$((RND + 1))
		for rr_s in $SERVERS; do
			round_server "$rr_s" "$RND"
		done
	done
	RES=$T/results
	: > "$RES"
	for rr_s in $SERVERS; do
		result_line "$rr_s" >> "$RES"
	done
}

cpu_busy() {
	awk -v c="cpu$1" '$1 == c {
		b = $2 + $3 + $4 + $7 + $8 + $9
		print b, b + $5 + $6 }' /proc/stat
}

pct() {	# pct B0 T0 B1 T1: busy % in between
	awk -v b0="$1" -v t0="$2" -v b1="$3" -v t1="$4" 'BEGIN {
		if (t1 > t0) printf "%d", 100 * (b1 - b0) / (t1 - t0)
		else printf "0" }'
}

busy_now() {
	set -- $(cpu_busy "") 0 0
	sleep 1
	set -- $(cpu_busy "") "$1" "$2"
	pct "$3" "$4" "$1" "$2"
}

bench_idle_check() {
	BUSY0=$(busy_now)
	[ "$BUSY0" -gt 10 ] &&
	    log "warning: the CPUs are $BUSY0% busy before starting:" \
	    "figures will be skewed by whatever else runs"
	return 0
}

in_cli_pinned() {
	ip netns exec "$NS_CLI" $RT taskset -c "$CLI_CPU" "$@"
}

bench_positive() {
	for _v in "$@"; do
		case $_v in
		''|*[!0-9]*|0) echo "$BENCH: '$_v' is not a positive number" >&2
			exit 2;;
		esac
	done
	unset _v
}

bench_tmp() {
	T=$(mktemp -d "/tmp/$BENCH.XXXXXX") || exit 1
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
}

pgrps_stop() {
	for _pg in "$@"; do
		kill -TERM "-$_pg" 2>/dev/null
	done
	[ $# -gt 0 ] && sleep 0.2
	for _pg in "$@"; do
		kill -KILL "-$_pg" 2>/dev/null
		wait "$_pg" 2>/dev/null
	done
	unset _pg
}

nginx_conf() {
	cat > "$1/nginx.conf" <<EOC
worker_processes 1;
pid $1/nginx.pid;
error_log $1/error.log warn;
events {
	worker_connections 4096;
}
http {
	default_type application/octet-stream;
	access_log off;
	sendfile on;${4:+
	sendfile_max_chunk $4;}
	tcp_nopush on;
	tcp_nodelay on;
	keepalive_timeout 65;
	keepalive_requests 1000000;
	client_body_temp_path $1/body;
	proxy_temp_path $1/proxy;
	fastcgi_temp_path $1/fastcgi;
	uwsgi_temp_path $1/uwsgi;
	scgi_temp_path $1/scgi;
	server {
		listen $2 backlog=1024;
		root $3;
	}
}
EOC
}

# stop_server: end the server started as SPID under timeout(1) TPID (its
# own process group): SIGTERM to the server, up to 3 s for it to go, then
# whatever is left of the group (a forking server's children, nginx's
# worker) gets SIGTERM and SIGKILL.
stop_server() {
	[ -n "$TPID" ] || return 0
	if [ -n "$SPID" ] && kill -0 "$SPID" 2>/dev/null; then
		kill -TERM "$SPID" 2>/dev/null
		i=0
		while [ $i -lt 30 ] && kill -0 "$SPID" 2>/dev/null; do
			sleep 0.1
			i=$((i + 1))
		done
	fi
	kill -TERM "-$TPID" 2>/dev/null
	sleep 0.2
	kill -KILL "-$TPID" 2>/dev/null
	wait "$TPID" 2>/dev/null
	TPID= SPID=
}

# ---- DHCP benchmarks (dhcp-bench.sh, dhcp6-bench.sh) ----
# One DHCP server at a time, pinned to SRV_CPU in NS_SRV, driven by Kea's
# perfdhcp pinned to CLI_CPU in NS_CLI; see bench/README.  The script
# sets FAMILY (4, 6), PROTO (its name in messages), EXCH (the exchange:
# DORA, SARR), PERF_FAMILY (perfdhcp's family options), PERF_X1 and
# PERF_X2 (perfdhcp's statistics of the first and the last exchange of a
# client), POOL_SIZE, RUN_MAX, SERVERS, the settings of dhcp_bench_args
# and those of the servers' section below, defines write_confs (Kea's
# and pxed's configuration files), then calls dhcp_bench_main.

# ---- state for the cleanup trap ----
T=
CGC=
TPID=		# the timeout(1) wrapping the running server (own pgrp)
SPID=		# the server itself
PPID_=		# the timeout(1) wrapping the running perfdhcp (own pgrp)


stop_perf() {
	[ -n "$PPID_" ] || return 0
	kill -TERM "-$PPID_" 2>/dev/null
	sleep 0.1
	kill -KILL "-$PPID_" 2>/dev/null
	wait "$PPID_" 2>/dev/null
	PPID_=
}

cleanup() {
	trap - EXIT INT TERM HUP
	stop_perf
	stop_server
	netns_cleanup
	for d in "$CG" "$CGC"; do
		[ -n "$d" ] && [ -d "$d" ] || continue
		i=0
		while ! rmdir "$d" 2>/dev/null && [ $i -lt 20 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	done
	if [ -n "$T" ] && [ -d "$T" ]; then
		if [ -n "$KEEP" ]; then
			log "kept $T"
		else
			rm -rf "$T"
		fi
	fi
}


CPU_SRC=stat
cpu_now() {	# server CPU seconds so far
	case $CPU_SRC in
	stat) sed 's/^.*) //' "/proc/$SPID/stat" 2>/dev/null |
	    awk -v hz="$HZ" '{ printf "%.6f\n", ($12 + $13) / hz }';;
	*) cg_cpu "$CG" 6;;
	esac
}


# start_server NAME MACBASE: start it (srv_launch) with an empty lease store
# (srv_reset), wait until an exchange from MACBASE succeeds (<= 10 s).  Sets TPID/SPID; non-zero (and
# WHY) if it cannot start or does not answer.
start_server() {
	name=$1
	lg=$T/$name.log
	life=$((FILL_TMO + DUR * 40 + 600))	# bounded lifetime
	srv_reset
	srv_launch "$name" "$lg" "$life"
	TPID=$!
	# timeout(1) -> ip netns exec [-> env] -> taskset, each exec'ing
	# the next: its one child ends up being the server
	i=0
	SPID=
	while [ $i -lt 50 ]; do
		p=$(cat "/proc/$TPID/task/$TPID/children" 2>/dev/null |
		    awk '{ print $1 }')
		if [ -n "$p" ] &&
		    [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$comm" ]; then
			SPID=$p
			break
		fi
		kill -0 "$TPID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	if [ -z "$SPID" ]; then
		WHY="did not start: $(tail -1 "$lg")"
		stop_server
		return 1
	fi
	srv_cgroup_join "$name"
	deadline=$(( $(date +%s) + 10 ))
	while [ "$(date +%s)" -lt $deadline ]; do
		if ! kill -0 "$SPID" 2>/dev/null; then
			WHY="exited: $(tail -1 "$lg")"
			stop_server
			return 1
		fi
		d=$DISTURBED
		perf 5 "$2" -R 3 -r 20 -n 3 -p 2 >/dev/null 2>&1
		DISTURBED=$d
		[ "$P_ACK" -ge 1 ] && return 0
		sleep 0.3
	done
	WHY="no $PROTO answer within 10 s"
	stop_server
	return 1
}

# ---- perfdhcp ----
# Every client MAC (DHCPv6: the MAC of its DUID-LL) is 00:0c:XX:YY:ZZ:ZZ: perfdhcp adds the client number
# (< 65536) to the last two octets of the base; XX:YY changes with every
# run, so that no two runs share a client.
DISTURBED=0	# perfdhcp runs during which the server waited for its CPU
MACN=0
next_base() {
	MACN=$((MACN + 1))
	BASE=$(printf '00:0c:%02x:%02x:00:00' $((MACN / 256 % 256)) \
	    $((MACN % 256)))
}

# srv_waited: nanoseconds the server's threads have spent runnable but
# waiting for a CPU (schedstat): other work on CPU 0 shows up here
srv_waited() {
	cat /proc/"$SPID"/task/*/schedstat 2>/dev/null |
	    awk '{ n += $2 } END { printf "%.0f\n", n }'
}

cli_rcvbuf_errors() {
	if [ "$FAMILY" = 6 ]; then
		ip netns exec "$NS_CLI" awk '$1 == "Udp6RcvbufErrors" {
		    n = $2 } END { print n + 0 }' /proc/net/snmp6 2>/dev/null ||
		    echo 0
		return
	fi
	ip netns exec "$NS_CLI" awk '$1 == "Udp:" && $2 ~ /^[0-9]/ {
		n = $6 } END { print n + 0 }' /proc/net/snmp 2>/dev/null ||
	    echo 0
}
srv_sock_drops() {
	ip netns exec "$NS_SRV" ss -a -u -0 -m 2>/dev/null |
	    awk '{ while (match($0, /,d[0-9]+\)/)) {
		n += substr($0, RSTART + 2, RLENGTH - 3)
		$0 = substr($0, RSTART + RLENGTH) } } END { print n + 0 }'
}

# perf BOUND MACBASE PERFDHCP-ARGS...: one perfdhcp ($PERF_FAMILY) in the
# client namespace, killed after BOUND seconds at most.  Sets P_DS (first
# messages sent: DISCOVER, Solicit), P_ACK (last answers received: ACK,
# Reply), P_DROP (% of first messages without a last answer),
# P_WALL (seconds), P_SEND (seconds spent sending: wall less start-up and
# -W), P_CPU (server CPU seconds meanwhile) and P_C1: how busy perfdhcp
# kept CPU 1, in % of the wall time (from its cgroup: its threads and
# the kernel's work done on their behalf, which includes most of the
# veth traffic both ways; else from /proc/stat, which in some VMs is
# far off).  P_CDROP: replies dropped because perfdhcp's socket buffer
# was full (Udp RcvbufErrors of the client namespace); P_SDROP: requests
# dropped at the server's sockets, full buffers (ss -m "d", UDP and
# packet sockets of the server namespace).  P_WAIT: % of the wall time
# the server was runnable but waiting for CPU 0 (disturbed by other work).
perf() {
	bound=$1 base=$2
	shift 2
	pc0=$(cpu_now)
	cd0=$(cli_rcvbuf_errors)
	sd0=$(srv_sock_drops)
	sw0=$(srv_waited)
	if [ -n "$CGC" ]; then
		cc0=$(cg_cpu "$CGC" 6)
	else
		read -r c1b0 c1t0 <<EOF
$(cpu_busy $CLI_CPU)
EOF
	fi
	pt0=$(date +%s%N)
	timeout -k 2 "$bound" sh -c '[ -z "$0" ] ||
	    echo $$ > "$0/cgroup.procs" || exit 125; exec "$@"' "$CGC" \
	    ip netns exec "$NS_CLI" taskset -c $CLI_CPU \
	    perfdhcp $PERF_FAMILY -l "$CIF" -W $WAIT_US -b "mac=$base" "$@" \
	    > "$T/perf.out" 2>&1 &
	PPID_=$!
	wait "$PPID_"
	prc=$?
	PPID_=
	pt1=$(date +%s%N)
	pc1=$(cpu_now)
	P_CDROP=$(( $(cli_rcvbuf_errors) - cd0 ))
	P_SDROP=$(( $(srv_sock_drops) - sd0 ))
	sw1=$(srv_waited)
	P_WALL=$(awk -v a="$pt0" -v b="$pt1" \
	    'BEGIN { printf "%.3f", (b - a) / 1e9 }')
	if [ -n "$CGC" ]; then
		P_C1=$(awk -v a="$cc0" -v b="$(cg_cpu "$CGC" 6)" -v w="$P_WALL" \
		    'BEGIN { printf "%d", 100 * (b - a) / w }')
	else
		set -- $(cpu_busy $CLI_CPU) 0 0
		P_C1=$(pct "$c1b0" "$c1t0" "$1" "$2")
	fi
	[ $prc -eq 124 ] && log "perfdhcp killed after $bound s"
	[ $prc -eq 125 ] && log "perfdhcp: cannot join $CGC"
	eval "$(awk -v x1="$PERF_X1" -v x2="$PERF_X2" '
		$0 ~ "Statistics for: " x1 { s = "d" }
		$0 ~ "Statistics for: " x2 { s = "a" }
		/^sent packets:/ && s == "d" { ds = $3 }
		/^received packets:/ && s == "a" { ack = $3 }
		END { printf "P_DS=%d P_ACK=%d\n", ds, ack }' "$T/perf.out")"
	P_DROP=$(awk -v d="$P_DS" -v a="$P_ACK" 'BEGIN {
		if (d > 0) printf "%.2f", 100 * (d - a) / d; else print 100 }')
	P_SEND=$(awk -v w="$P_WALL" -v x="$WAIT_US" 'BEGIN {
		s = w - x / 1e6 - 0.05; if (s < 0.01) s = 0.01
		printf "%.3f", s }')
	P_CPU=$(awk -v a="$pc0" -v b="$pc1" 'BEGIN { printf "%.6f", b - a }')
	P_WAIT=$(awk -v a="$sw0" -v b="$sw1" -v w="$P_WALL" \
	    'BEGIN { printf "%d", (b - a) / 1e7 / w }')
	[ "$P_WAIT" -ge 5 ] && DISTURBED=$((DISTURBED + 1))
}

ceil_div() { echo $(( ($1 + $2 - 1) / $2 )); }

# fixed RATE: one fixed-rate run of DUR seconds (at most RUN_MAX clients)
# on a freshly started server.  Sets the P_* figures, F_OK=1 for < 1 %
# failure, F_RATE (the rate reached: RATE, or less when perfdhcp could not
# send that fast), F_SRV (server CPU %, over the sending time) and F_CB=1
# when perfdhcp was the limit: it could not send at RATE, or CPU 1 was
# saturated (perfdhcp >= 90 % busy) while the server was not (< 90 %).
# perfdhcp and the kernel's work for both ends of the veth share CPU 1.
fixed() {
	rate=$1
	cnt=$((rate * DUR))
	[ $cnt -gt $RUN_MAX ] && cnt=$RUN_MAX
	[ $cnt -lt 100 ] && cnt=100
	secs=$(ceil_div $cnt "$rate")
	attempt=0
	while :; do
		attempt=$((attempt + 1))
		fixed_once || return 1
		[ $attempt -lt 2 ] || break
		# perfdhcp fell behind without being busy, or the server
		# waited for its CPU: something else ran; once more
		if [ "$sent_rate" -lt $((rate * 9 / 10)) ] &&
		    [ "$P_C1" -lt 90 ]; then
			log "$CUR: perfdhcp fell behind while not busy:" \
			    "once more"
		elif [ "$P_WAIT" -ge 5 ]; then
			log "$CUR: the server waited for CPU $SRV_CPU" \
			    "$P_WAIT% of the time: once more"
		else
			break
		fi
	done
	return 0
}

fixed_once() {
	next_base
	F_OK=0 F_CB=0 F_RATE=0 F_SRV=0 sent_rate=0
	if ! start_server "$CUR" "$BASE"; then
		log "$CUR: $WHY"
		P_DS=0 P_ACK=0 P_DROP=100 P_CPU=0 P_C1=0 P_SEND=1
		return 1
	fi
	# -R above -n: the few DISCOVERs perfdhcp sends past -n are new
	# clients too
	perf $((secs + 20)) "$BASE" -R $((cnt + 1000)) -n $cnt -r "$rate" \
	    -p $((secs + 5))
	alive=yes
	kill -0 "$SPID" 2>/dev/null || alive=no
	stop_server
	sent_rate=$(awk -v d="$P_DS" -v s="$P_SEND" \
	    'BEGIN { printf "%d", d / s }')
	F_SRV=$(awk -v c="$P_CPU" -v s="$P_SEND" \
	    'BEGIN { printf "%d", 100 * c / s }')
	F_RATE=$rate
	if [ "$sent_rate" -lt $((rate * 9 / 10)) ]; then
		F_CB=1 F_RATE=$sent_rate
	fi
	[ "$P_C1" -ge 90 ] && [ "$F_SRV" -lt 90 ] && F_CB=1
	# perfdhcp itself lost replies, as many as half the failures
	[ "$P_ACK" -lt "$P_DS" ] &&
	    [ $((P_CDROP * 2)) -ge $((P_DS - P_ACK)) ] && F_CB=1
	awk -v d="$P_DROP" 'BEGIN { exit !(d < 1) }' && F_OK=1
	[ $alive = yes ] || { F_OK=0; log "$CUR died during the run"; }
	log "$CUR: rate $rate/s x $cnt: $P_ACK of $P_DS $EXCH done" \
	    "($P_DROP % failed), sent at $sent_rate/s; server CPU $F_SRV%," \
	    "perfdhcp CPU $P_C1%; dropped by the server's sockets" \
	    "$P_SDROP, by perfdhcp's $P_CDROP; server waited for CPU" \
	    "$P_WAIT%$([ $F_CB = 1 ] && echo ': perfdhcp-bound')"
	return 0
}

# 2 significant digits
round2() {
	awk -v x="$1" 'BEGIN {
		if (x < 10) { printf "%d", (x < 1 ? 1 : x); exit }
		m = 1; while (x >= 100) { x /= 10; m *= 10 }
		printf "%d", int(x + 0.5) * m }'
}

# search: the highest rate with < 1 % failure, starting from the overload
# figure OV_RATE: up x1.5 while it passes, down x0.7 while it fails, then
# bisection to within 5 %.  Sets S_RATE (0: none)
# and S_HOW: "server-bound" when the lowest failing rate had the server
# saturated or CPU 1 not, "perfdhcp-bound" when perfdhcp was the limit
# there (the server may do more), "not bounded" when nothing failed.
search() {
	r=$(round2 "$OV_RATE")
	[ "$r" -lt 10 ] && r=10
	lo=0 hi=0 lo_cb=0 hi_cb=0 steps=0
	while [ $steps -lt $MAX_STEPS ]; do
		steps=$((steps + 1))
		fixed "$r" || { S_RATE=0; S_HOW="did not start"; return; }
		if [ $F_OK = 1 ]; then
			lo=$F_RATE lo_cb=$F_CB
		else
			hi=$r hi_cb=$F_CB
		fi
		if [ "$hi" -eq 0 ]; then
			r=$(awk -v r="$r" 'BEGIN { printf "%d", r * 1.5 + 1 }')
		elif [ "$lo" -eq 0 ]; then
			[ "$r" -le 10 ] && break
			r=$(awk -v r="$r" 'BEGIN { printf "%d", r * 0.7 }')
			[ "$r" -lt 10 ] && r=10
		else
			awk -v l="$lo" -v h="$hi" \
			    'BEGIN { exit !(h <= l * 1.05) }' && break
			r=$(( (lo + hi) / 2 ))
		fi
	done
	S_RATE=$lo
	if [ "$lo_cb" = 1 ] || [ "$hi_cb" = 1 ]; then
		S_HOW=perfdhcp-bound
	elif [ "$hi" -eq 0 ]; then
		S_HOW="not bounded"
	else
		S_HOW=server-bound
	fi
	[ "$steps" -ge $MAX_STEPS ] &&
	    log "$CUR: search stopped after $MAX_STEPS runs (hi $hi/s)"
}

# fill: a fresh server granted LEASES leases (or bindings) (or as many as it can in
# FILL_TMO s); sets FL_ACK, FL_RSS (kB), FL_STORE, FL_SECS
fill() {
	FL_ACK=0 FL_RSS=- FL_STORE=- FL_SECS=0
	rate=$S_RATE
	[ "$rate" -lt 5 ] && rate=5
	next_base
	start_server "$CUR" "$BASE" || { log "$CUR: $WHY"; return 1; }
	ft0=$(date +%s)
	fl_sent=0
	while [ $FL_ACK -lt "$LEASES" ]; do
		left=$((ft0 + FILL_TMO - $(date +%s)))
		[ $left -le 0 ] && { log "$CUR: fill: out of time"; break; }
		cnt=$((rate * DUR))
		[ $cnt -lt 100 ] && cnt=100
		[ $cnt -gt $((rate * left)) ] && cnt=$((rate * left))
		[ $cnt -gt $((LEASES - FL_ACK)) ] && cnt=$((LEASES - FL_ACK))
		[ $cnt -gt $RUN_MAX ] && cnt=$RUN_MAX
		# every DISCOVER of a failed exchange may hold an address too
		[ $cnt -gt $((POOL_SIZE - 500 - fl_sent)) ] &&
		    cnt=$((POOL_SIZE - 500 - fl_sent))
		if [ $cnt -lt 1 ]; then
			log "$CUR: fill: the pool is nearly used up"
			break
		fi
		secs=$(ceil_div $cnt "$rate")
		# the first chunk's first client is the one start_server used
		perf $((secs + 20)) "$BASE" -R $((cnt + 1000)) -n $cnt \
		    -r "$rate" -p $((secs + 5))
		next_base
		FL_ACK=$((FL_ACK + P_ACK))
		fl_sent=$((fl_sent + P_DS))
		if ! kill -0 "$SPID" 2>/dev/null; then
			log "$CUR died while filling its lease store"
			FL_STORE=$(store_count "$CUR")
			stop_server
			return 1
		fi
		done_rate=$(awk -v d="$P_ACK" -v s="$P_SEND" \
		    'BEGIN { printf "%d", d / s }')
		log "$CUR: fill: $FL_ACK leases; $P_ACK of $P_DS at $rate/s" \
		    "($P_DROP % failed; dropped by the server's sockets" \
		    "$P_SDROP, by perfdhcp's $P_CDROP)"
		if awk -v d="$P_DROP" 'BEGIN { exit !(d > 1) }'; then
			rate=$((done_rate * 9 / 10))
		elif awk -v d="$P_DROP" 'BEGIN { exit !(d < 0.5) }'; then
			rate=$((rate * 11 / 10))
			[ "$rate" -gt "$S_RATE" ] && rate=$S_RATE
		fi
		[ "$rate" -lt 5 ] && rate=5
	done
	FL_SECS=$(( $(date +%s) - ft0 ))
	sleep 1
	FL_RSS=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$SPID/status")
	FL_STORE=$(store_count "$CUR")
	log "$CUR: $FL_ACK leases granted in $FL_SECS s; VmRSS $FL_RSS kB;" \
	    "$FL_STORE leases in its lease file"
	stop_server
}

# ---- the servers of the DHCP benchmarks ----
# The script sets KEA_BIN (kea-dhcp4, kea-dhcp6), DNSMASQ_ARGS (its range
# and family's options, split on blanks), KEA_STATE_COL (the state column
# of Kea's memfile CSV) and JOURNAL (pxed's binding record: A, A6), and
# writes $T/kea.json and $T/pxed.conf in write_confs.

# srv_reset: every server's lease store removed
srv_reset() {
	rm -f "$T/dnsmasq.leases" "$T/kea.leases" "$T/kea.leases".* \
	    "$T/pxed.leases" "$T/pxed.leases".*
}

# srv_launch NAME LOG LIFE: the server, under timeout(1), in the background;
# comm: its process name
srv_launch() {
	case $1 in
	dnsmasq)
		comm=dnsmasq
		# no log line per packet, as Kea (WARN) and pxed (warning)
		timeout -k 5 "$3" ip netns exec "$NS_SRV" \
		    taskset -c $SRV_CPU dnsmasq --no-daemon --port=0 \
		    --conf-file=/dev/null --log-facility=- --pid-file= \
		    --interface="$SIF" --bind-interfaces $DNSMASQ_ARGS \
		    --dhcp-lease-max=100000 \
		    --dhcp-leasefile="$T/dnsmasq.leases" >> "$2" 2>&1 &
		;;
	kea)
		comm=$KEA_BIN
		timeout -k 5 "$3" ip netns exec "$NS_SRV" \
		    env KEA_PIDFILE_DIR="$T" KEA_LOCKFILE_DIR="$T" \
		    taskset -c $SRV_CPU "$KEA_BIN" -c "$T/kea.json" \
		    >> "$2" 2>&1 &
		;;
	pxed)
		comm=pxed
		timeout -k 5 "$3" ip netns exec "$NS_SRV" \
		    taskset -c $SRV_CPU "$PXED" -d -f "$T/pxed.conf" \
		    -i "$SIF" -r "$T/tftproot" >> "$2" 2>&1 &
		;;
	esac
}

# dhcp_bench_v4: the DHCPv4 settings of the machinery above, for
# dhcp-bench.sh and dhcp-ceiling.sh: the pool 10.78.1.0 - 10.78.250.255
# (64,000 addresses) in 10.78.0.0/16, the server at .0.1 and the clients
# at .0.2, perfdhcp's options and statistics, the journal's A lines
dhcp_bench_v4() {
	POOL_FIRST=10.78.1.0
	POOL_LAST=10.78.250.255
	POOL_MASK=255.255.0.0
	POOL_SIZE=64000
	NETNS_SRV_IP=10.78.0.1
	NETNS_CLI_IP=10.78.0.2
	NETNS_PLEN=16
	FAMILY=4
	PROTO=DHCP
	EXCH=DORA
	# perfdhcp acts as a relay: -B only sets SO_BROADCAST
	PERF_FAMILY="-4 -B"
	PERF_X1=DISCOVER-OFFER
	PERF_X2=REQUEST-ACK
	JOURNAL=A
}

# pxed_conf4: $T/pxed.conf of the DHCPv4 benchmarks: server mode, the
# journal in $T, the pool POOL_FIRST - POOL_LAST in a /16, no TFTP or HTTP
pxed_conf4() {
	mkdir -p "$T/tftproot"
	cat > "$T/pxed.conf" <<EOF
log-level = warning
dhcp {
  mode = server
  lease-file = "$T/pxed.leases"
  range "bench" {
    start = $POOL_FIRST
    end = $POOL_LAST
    netmask = 255.255.0.0
  }
}
tftp { enable = no }
http { enable = no }
EOF
}

# srv_check NAME: whether NAME can run here; why not on stdout
srv_check() {
	case $1 in
	dnsmasq) command -v dnsmasq >/dev/null 2>&1 ||
		{ echo "no dnsmasq"; return 1; };;
	kea) command -v "$KEA_BIN" >/dev/null 2>&1 ||
		{ echo "no $KEA_BIN"; return 1; }
		if ! out=$(ip netns exec "$NS_SRV" env KEA_PIDFILE_DIR="$T" \
		    KEA_LOCKFILE_DIR="$T" "$KEA_BIN" -t "$T/kea.json" 2>&1)
		then
			echo "$out" | tail -1
			return 1
		fi;;
	pxed) pxed_check;;
	esac
}

# dnsmasq_count: the leases in dnsmasq's file (not its "duid" line)
dnsmasq_count() {
	awk '$1 != "duid" { n++ } END { print n + 0 }' \
	    "$T/dnsmasq.leases" 2>/dev/null || echo 0
}

# store_count NAME: live leases (bindings) in the server's lease store
store_count() {
	case $1 in
	dnsmasq)
		# rewritten in place on every change: read it twice, alike
		a=x b=y i=0
		while [ "$a" != "$b" ] && [ $i -lt 20 ]; do
			a=$(dnsmasq_count)
			sleep 0.2
			b=$(dnsmasq_count)
			i=$((i + 1))
		done
		echo "$b";;
	kea)
		# memfile CSV: appended; the last line of an address wins;
		# state 0 is a live lease
		awk -F, -v c="$KEA_STATE_COL" 'NR > 1 { s[$1] = $c } END {
			n = 0; for (a in s) if (s[a] == "0") n++; print n }' \
		    "$T/kea.leases" 2>/dev/null || echo 0;;
	pxed)
		# journal: A (bound), R (released), D (declined), with 6 for
		# IPv6; the last line of an address wins
		awk -v j="$JOURNAL" '$1 == j { s[$2] = 1 }
		    $1 == "R" substr(j, 2) || $1 == "D" substr(j, 2) {
			delete s[$2] }
		    END { n = 0; for (a in s) n++; print n }' \
		    "$T/pxed.leases" 2>/dev/null || echo 0;;
	esac
}

# pxed_check: whether $PXED is there and accepts $T/pxed.conf; why not
# on stdout
pxed_check() {
	if [ ! -x "$PXED" ]; then
		echo "no pxed at $PXED"
		return 1
	fi
	out=$("$PXED" -t -f "$T/pxed.conf" 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		why=$(echo "$out" | grep . | head -1)
		echo "pxed -t rejects the config: ${why:-exit code $rc}"
		return 1
	fi
}

# dhcp_bench_args ARGS...: the options every DHCP benchmark takes
dhcp_bench_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--servers) [ $# -ge 2 ] || usage; SERVERS=$2; shift 2;;
		--pxed) [ $# -ge 2 ] || usage; PXED=$2; shift 2;;
		--duration) [ $# -ge 2 ] || usage; DUR=$2; shift 2;;
		--leases) [ $# -ge 2 ] || usage; LEASES=$2; shift 2;;
		--fill-timeout) [ $# -ge 2 ] || usage; FILL_TMO=$2; shift 2;;
		--cpu-rate) [ $# -ge 2 ] || usage; CPU_RATE=$2; shift 2;;
		--keep) KEEP=1; shift;;
		-h|--help) usage;;
		*) echo "$BENCH: unknown argument '$1'" >&2; usage;;
		esac
	done
	bench_positive "$DUR" "$LEASES" "$FILL_TMO" ${CPU_RATE:+"$CPU_RATE"}
	for s in $SERVERS; do
		case $s in
		dnsmasq|kea|pxed) ;;
		*) echo "$BENCH: unknown server '$s' (dnsmasq, kea, pxed)" >&2
			exit 2;;
		esac
	done
	if [ "$LEASES" -gt $((POOL_SIZE - 4000)) ]; then
		echo "$BENCH: --leases at most $((POOL_SIZE - 4000)) (the pool" \
		    "has $POOL_SIZE addresses)" >&2
		exit 2
	fi
}

# dhcp_bench_need KEA PACKAGE: what the servers in SERVERS and perfdhcp
# need, installed when missing (KEA: kea-dhcp4 or kea-dhcp6)
dhcp_bench_need() {
	need taskset util-linux
	need timeout coreutils
	need perfdhcp kea-admin
	case " $SERVERS " in *" dnsmasq "*) need dnsmasq dnsmasq-base;; esac
	case " $SERVERS " in *" kea "*)
		if ! command -v "$1" >/dev/null 2>&1; then
			apt_install "$2"
			# the package may start its own service on the host:
			# we never use it, stop it
			command -v service >/dev/null 2>&1 &&
			    service "$2" stop >/dev/null 2>&1
		fi;;
	esac
}

# dhcp_bench_setup: temp dir T, traps, cgroups, the idle check and the
# namespaces (NETNS_* set by the script).
dhcp_bench_setup() {
	command -v perfdhcp >/dev/null 2>&1 ||
	    netns_fail "no perfdhcp (kea-admin)"
	bench_tmp
	# One cgroup for the server (CG), one for perfdhcp (CGC), side by
	# side; CGKIND is v2 or v1 (cpuacct).
	if bench_cgroup; then
		set -- $(cg_make "$BENCH-cli.$$")
		[ $# -eq 2 ] && CGC=$2
	else
		log "no usable cgroup: server CPU from /proc/PID/stat"
	fi
	bench_idle_check
	LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
	netns_setup "pxdb$$" || { log "netns_setup failed"; exit 1; }
	SIF=$NETNS_SRV_IF
	CIF=$NETNS_CLI_IF
}

# dhcp_bench_one NAME: every figure of one server into RES
dhcp_bench_one() {
	s=$1
	dist0=$DISTURBED
	# a) overload
	next_base
	if ! start_server "$s" "$BASE"; then
		log "$s: $WHY"
		echo "$s|n/a ($WHY)" >> "$RES"
		return
	fi
	# as fast as perfdhcp can send, for OV_SECS: no -n (it would end the
	# run as soon as that many DISCOVERs are out, long before the
	# server has worked through its backlog); 60000 clients at most, so
	# the pool cannot run out
	perf $((OV_SECS + 20)) "$BASE" -R 60000 -p $OV_SECS
	stop_server
	# perfdhcp sometimes takes seconds to exit after such a run: count
	# -p and -W only
	ovt=$(awk -v w="$P_WALL" -v p="$OV_SECS" -v x="$WAIT_US" 'BEGIN {
		t = p + x / 1e6; if (w - 0.05 < t) t = w - 0.05
		if (t < 0.1) t = 0.1; printf "%.3f", t }')
	OV_RATE=$(awk -v d="$P_ACK" -v t="$ovt" 'BEGIN { printf "%d", d / t }')
	OV_DROP=$P_DROP
	OV_CPU=$(awk -v c="$P_CPU" -v n="$P_ACK" 'BEGIN {
		if (n > 0) printf "%.0f", c * 1e6 / n; else printf "-" }')
	log "$s: overload: $P_ACK of $P_DS $EXCH done in $ovt s:" \
	    "$OV_RATE/s, $OV_DROP % failed; server CPU $(awk -v c="$P_CPU" \
	    -v t="$ovt" 'BEGIN { printf "%d", 100 * c / t }')%, perfdhcp" \
	    "CPU $P_C1%; dropped by the server's sockets $P_SDROP, by" \
	    "perfdhcp's $P_CDROP; server waited for CPU $P_WAIT%"
	# b) rate search
	search
	log "$s: $S_RATE $EXCH/s at < 1 % failure ($S_HOW)"
	# c) CPU per DORA
	cr=${CPU_RATE:-$((S_RATE / 2))}
	[ "$cr" -lt 5 ] && cr=5
	CPU_US=-
	if fixed "$cr" && [ "$P_ACK" -gt 0 ]; then
		CPU_US=$(awk -v c="$P_CPU" -v n="$P_ACK" \
		    'BEGIN { printf "%.0f", c * 1e6 / n }')
		log "$s: $CPU_US us of server CPU per $EXCH at $cr/s"
	fi
	# d) RSS with LEASES leases
	fill
	printf '%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' "$s" "$S_RATE" \
	    "$S_HOW" "$OV_RATE" "$OV_DROP" "$CPU_US" "$cr" "$FL_RSS" \
	    "$FL_ACK" "$FL_STORE" "$FL_SECS" "$OV_CPU" \
	    $((DISTURBED - dist0)) >> "$RES"
}

# dhcp_bench_ratios: for every pair of servers measured, the first's
# figures over the second's (rate, CPU per exchange, RSS)
dhcp_bench_ratios() {
	awk -F'|' -v EX="$EXCH" 'NF > 2 { n++; name[n] = $1; rate[n] = $2
		cpu[n] = $6; rss[n] = $8 }
	function r(a, b) {
		return (a + 0 > 0 && b + 0 > 0) ? sprintf("x%.2f", a / b) : "-"
	}
	END {
		if (n < 2) exit
		print ""
		print "ratios (same run): " EX "/s, CPU us/" EX ", RSS"
		for (i = 1; i <= n; i++) for (j = 1; j <= n; j++) if (i != j)
			printf "  %-8s / %-8s %8s %8s %8s\n", name[i], name[j],
			    r(rate[i], rate[j]), r(cpu[i], cpu[j]),
			    r(rss[i], rss[j])
	}' "$RES"
}

# dhcp_bench_main: every server in SERVERS, then the table (TITLE first)
dhcp_bench_main() {
	write_confs
	RES=$T/results
	: > "$RES"
	for s in $SERVERS; do
		log "=== $s ==="
		CUR=$s
		if ! why=$(srv_check "$s"); then
			echo "$s|n/a ($why)" >> "$RES"
			continue
		fi
		dhcp_bench_one "$s"
	done
	echo
	echo "$TITLE; server on CPU $SRV_CPU, perfdhcp on CPU $CLI_CPU;"
	echo "$DUR s per fixed-rate run; server CPU from" \
	    "$([ -n "$CG" ] && echo "a cgroup ($CGKIND)" ||
	    echo "/proc/PID/stat");" \
	    "CPUs busy before the run: $BUSY0%, load average $LOAD0"
	echo "$EXCH/s: highest rate with < 1 % of clients left without" \
	    "their last answer; limit: what stopped it (perfdhcp-bound:" \
	    "perfdhcp and CPU $CLI_CPU were saturated, the server may do more)"
	echo "overload: perfdhcp without -r for $OV_SECS s; CPU us/$EXCH:" \
	    "server CPU per completed $EXCH at the rate shown, and in the" \
	    "overload run"
	[ "$DISTURBED" -gt 0 ] &&
	    echo "WARNING: in $DISTURBED perfdhcp runs the server waited" \
	    ">= 5 % of the time for CPU $SRV_CPU: other work ran, figures" \
	    "are skewed"
	echo "RSS: VmRSS once the leases were granted; store: live leases" \
	    "in the lease file then"
	echo
	awk -F'|' -v n="$LEASES" -v EX="$EXCH" '
	function row(a, b, c, d, e, f, g, h, i, j) {
		printf "%-8s %8s  %-15s %14s %12s %9s %8s %8s %7s  %s\n", a, b, c,
		    d, e, f, g, h, i, j
	}
	BEGIN {
		row("server", EX "/s", "limit", "overload", "CPU us/" EX,
		    "CPU us/", "RSS kB", "leases", "store", "")
		row("", "<1% fail", "", EX "/s (fail)", "@ rate/s", EX " ovl",
		    "", "granted", "", "")
	}
	NF == 2 { printf "%-8s %s\n", $1 ":", $2; next }
	{
		note = ($9 < n) ? sprintf("(%d s: short of %d)", $11, n) : ""
		if ($13 > 0)
			note = note (note == "" ? "" : " ") \
			    sprintf("(%d runs disturbed)", $13)
		row($1, $2, $3, sprintf("%d (%.0f%%)", $4, $5),
		    sprintf("%s @ %s", $6, $7), $12, $8, $9, $10, note)
	}' "$RES"
	dhcp_bench_ratios
}

# srv_cgroup_join NAME: move the server SPID into this run's cgroup CG, so
# that CPU_SRC says where its CPU time is read from (the cgroup, or
# /proc/SPID/stat when there is none or the move fails).
srv_cgroup_join() {
	CPU_SRC=stat
	if [ -n "$CG" ]; then
		if echo "$SPID" > "$CG/cgroup.procs" 2>/dev/null; then
			CPU_SRC=$CGKIND
		else
			log "could not move $1 into $CG: CPU from /proc stat"
		fi
	fi
}
