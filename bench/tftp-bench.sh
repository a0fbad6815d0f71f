#!/bin/sh
# tftp-bench.sh: compare TFTP servers (tftpd-hpa, dnsmasq, atftpd, pxed)
# inside a private pair of network namespaces.  Not a test: it prints
# figures.  Needs root; installs what it lacks with apt-get.
#
# usage: bench/tftp-bench.sh [--pxed PATH] [--clients N] [--size-mib M]
#            [--servers "tftpd-hpa dnsmasq atftpd pxed"]
#            [--modes "1468:1 1468:16"] [--client-timeout S] [--repeat R]
#            [--keep]
#
# In each of R rounds (--repeat, default 3) every server in turn is
# started, measured as below and stopped, so that a drift of the machine
# over the run falls on every server alike; each figure is then the
# median over the rounds.  For each server (pinned to CPU 0 in the
# server namespace; clients are pinned to CPU 1 in the client namespace;
# BENCH_SRV_CPU, BENCH_CLI_CPU and BENCH_RT in bench/lib.sh change that):
#   a) for each mode BLKSIZE:WINDOWSIZE of --modes (default lock-step and
#      windowsize 16, both at blksize 1468), an M MiB download with the
#      atftp client into tmpfs (/dev/shm), checked with sha256sum: MiB/s
#      (wall) and the server's CPU seconds for it, scaled to 64 MiB;
#      median of the R rounds; a windowsize above 1 only where the
#      server grants it in its OACK (n/a otherwise);
#   b) N curl clients (blksize 1468, lock-step) fetching a 1 MiB file at
#      once (every curl is started and initialised, blocked reading its URL
#      from a FIFO, then all are released within ~10 ms): wall seconds
#      from the release until the last one ends, failures (missing or
#      wrong sha256), the server's CPU seconds, and the peak of the server
#      process tree's summed VmRSS (sampled every 100 ms) and summed PSS
#      (every second; summed RSS counts shared pages once per process).
#      One storm a round: wall and CPU are the medians of the R storms,
#      failures their sum, RSS and PSS the highest peak.
# Server CPU time comes from a cgroup the server is put in (every thread
# and child counted, reaped or not); without a usable cgroup it falls back
# to utime+stime+cutime+cstime of /proc/PID/stat, which misses children
# that are never waited for (tftpd-hpa ignores SIGCHLD).
#
# After the table, pxed's figures over each other server's, and over the
# best of them, column by column (MiB/s: higher is better for pxed; CPU
# s and wall s: lower is).
#
# Traffic stays between the two namespaces (10.77.0.1 <-> 10.77.0.2).

set -u

BENCH=tftp-bench
. "$(dirname "$0")/lib.sh"

PXED=${PXED:-/tmp/build/daemon/pxed}
CLIENTS=1000
SIZE_MIB=64
SERVERS="tftpd-hpa dnsmasq atftpd pxed"
MODES="1468:1 1468:16"	# BLKSIZE:WINDOWSIZE of the big downloads
CTMO=300		# per-client limit (curl -m) in the N-client run
REPEAT=3		# rounds: big downloads per server and mode, and
			# storms per server (medians kept)
KEEP=			# --keep: leave the temp dir (logs) behind

usage() {
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--pxed) [ $# -ge 2 ] || usage; PXED=$2; shift 2;;
	--clients) [ $# -ge 2 ] || usage; CLIENTS=$2; shift 2;;
	--size-mib) [ $# -ge 2 ] || usage; SIZE_MIB=$2; shift 2;;
	--servers) [ $# -ge 2 ] || usage; SERVERS=$2; shift 2;;
	--modes) [ $# -ge 2 ] || usage; MODES=$2; shift 2;;
	--client-timeout) [ $# -ge 2 ] || usage; CTMO=$2; shift 2;;
	--repeat) [ $# -ge 2 ] || usage; REPEAT=$2; shift 2;;
	--keep) KEEP=1; shift;;
	-h|--help) usage;;
	*) echo "tftp-bench: unknown argument '$1'" >&2; usage;;
	esac
done
for v in "$CLIENTS" "$SIZE_MIB" "$CTMO" "$REPEAT"; do
	case $v in
	''|*[!0-9]*|0) echo "tftp-bench: '$v' is not a positive number" >&2
		exit 2;;
	esac
done
for m in $MODES; do
	case $m in
	*[!0-9:]*|:*|*:|*:*:*) m=;;
	*:*) ;;
	*) m=;;
	esac
	[ -n "$m" ] || { echo "tftp-bench: a mode is BLKSIZE:WINDOWSIZE" >&2
	    exit 2; }
done
[ -n "$MODES" ] || { echo "tftp-bench: no --modes" >&2; exit 2; }
NETNS_SRV_IP=10.77.0.1
NETNS_CLI_IP=10.77.0.2
NETNS_PLEN=24
BIG_TMO=$((60 + SIZE_MIB * 3))	# one big download, seconds
READY_TMO=120			# all N clients forked and waiting
PAGE_KB=$(( $(getconf PAGESIZE) / 1024 ))

# ---- state for the cleanup trap ----
T=
OUT=
TPID=		# the `timeout` wrapping the running server (its own pgrp)
SPID=		# the server itself
DPID=		# the `timeout` wrapping the client driver (its own pgrp)
BPID=		# the `timeout` wrapping one big download
RPID=		# RSS sampler


stop_sampler() {
	[ -n "$RPID" ] || return 0
	kill "$RPID" 2>/dev/null
	wait "$RPID" 2>/dev/null
	RPID=
}

cleanup() {
	trap - EXIT INT TERM HUP
	stop_sampler
	[ -n "$BPID" ] && kill -TERM "$BPID" 2>/dev/null && wait "$BPID"
	if [ -n "$DPID" ]; then
		kill -TERM "-$DPID" 2>/dev/null
		sleep 0.2
		kill -KILL "-$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
	fi
	stop_server
	netns_cleanup
	if [ -n "$CG" ] && [ -d "$CG" ]; then
		i=0
		while ! rmdir "$CG" 2>/dev/null && [ $i -lt 20 ]; do
			sleep 0.1
			i=$((i + 1))
		done
	fi
	[ -n "$OUT" ] && [ -d "$OUT" ] && rm -rf "$OUT"
	if [ -n "$T" ] && [ -d "$T" ]; then
		if [ -n "$KEEP" ]; then
			rm -f "$T/root/big.bin" "$T/root/small.bin"
			log "kept $T"
		else
			rm -rf "$T"
		fi
	fi
}

# ---- requirements ----
netns_require

# limits: N clients are N processes (plus servers that fork one per
# transfer), and servers need a descriptor or two per transfer
raise_limit() {	# FLAG NEED WHAT
	cur=$(ulimit "$1" 2>/dev/null) || return 0
	[ "$cur" = unlimited ] || [ "$cur" -ge "$2" ] && return 0
	ulimit "$1" "$2" 2>/dev/null && return 0
	log "cannot raise the limit of $3 from $cur to $2: with $CLIENTS" \
	    "clients some will fail"
}
raise_limit -n $((CLIENTS * 2 + 256)) "open files"
# processes: -u in bash and most shells, -p in dash
if ulimit -u >/dev/null 2>&1; then NPROC_FLAG=-u; else NPROC_FLAG=-p; fi
raise_limit $NPROC_FLAG $((CLIENTS * 3 + 512)) "processes"

need curl curl
need atftp atftp
need taskset util-linux
need timeout coreutils
need chrt util-linux
need sha256sum coreutils
need dpkg-deb dpkg
case " $SERVERS " in *" tftpd-hpa "*)
	if ! command -v in.tftpd >/dev/null 2>&1; then
		apt_install tftpd-hpa
		# the package starts its own service on the host: we never
		# use it, stop it
		if [ -x /etc/init.d/tftpd-hpa ] || command -v service \
		    >/dev/null 2>&1; then
			service tftpd-hpa stop >/dev/null 2>&1
		fi
	fi;;
esac
case " $SERVERS " in *" dnsmasq "*) need dnsmasq dnsmasq-base;; esac
command -v atftp >/dev/null 2>&1 || { log "no atftp client"; exit 1; }
command -v curl >/dev/null 2>&1 || { log "no curl"; exit 1; }

T=$(mktemp -d /tmp/tftp-bench.XXXXXX) || exit 1
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
chmod 755 "$T"		# servers drop to nobody

# atftpd conflicts with tftpd-hpa as a package: run it from the .deb
ATFTPD=
case " $SERVERS " in *" atftpd "*)
	mkdir -p "$T/atftpd"
	if (cd "$T/atftpd" && apt-get download atftpd >/dev/null 2>&1) ||
	    { [ -z "$APT_UPDATED" ] && apt-get update -qq >/dev/null 2>&1 &&
	    APT_UPDATED=1 &&
	    (cd "$T/atftpd" && apt-get download atftpd >/dev/null 2>&1); }
	then
		dpkg-deb -x "$T/atftpd"/atftpd_*.deb "$T/atftpd/x" &&
		    ATFTPD=$T/atftpd/x/usr/sbin/atftpd
		if [ -n "$ATFTPD" ] && ldd "$ATFTPD" | grep -q 'not found'
		then
			apt_install libwrap0 libpcre2-8-0
		fi
	else
		log "apt-get download atftpd failed"
	fi;;
esac

# ---- cgroup for CPU accounting ----
bench_cgroup || log "no usable cgroup: CPU from /proc/PID/stat (misses" \
    "unreaped children)"

# cpu_now: server CPU seconds so far (cgroup, or the pid's stat)
CPU_SRC=stat
cpu_now() {
	case $CPU_SRC in
	v2|v1) cg_cpu "$CG";;
	*) sed 's/^.*) //' "/proc/$SPID/stat" 2>/dev/null |
	    awk -v hz="$HZ" '{ printf "%.3f\n", ($12 + $13 + $14 + $15) / hz }'
	esac
}

bench_idle_check

# ---- files ----
mkdir -p "$T/root"
chmod 755 "$T/root"
log "making a $SIZE_MIB MiB and a 1 MiB random file"
head -c $((SIZE_MIB * 1048576)) /dev/urandom > "$T/root/big.bin"
head -c 1048576 /dev/urandom > "$T/root/small.bin"
echo "pxed tftp-bench probe" > "$T/root/probe"
chmod 644 "$T/root"/*
BIG_SUM=$(sha256sum < "$T/root/big.bin" | cut -d' ' -f1)
SMALL_SUM=$(sha256sum < "$T/root/small.bin" | cut -d' ' -f1)

# N downloads of 1 MiB: on tmpfs if there is room, so that no writeback
# competes with the run
OUT=
if [ -d /dev/shm ] && [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" \
    -gt $(( (CLIENTS + 256) * 1024 )) ]; then
	OUT=$(mktemp -d /dev/shm/tftp-bench.XXXXXX)
fi
[ -n "$OUT" ] || { OUT=$T/out; mkdir -p "$OUT"; }

# ---- namespaces ----
netns_setup "pxtb$$" || { log "netns_setup failed"; exit 1; }
SRV=$NETNS_SRV_IP

# ---- the client driver, run inside the client namespace ----
# driver.sh N URL OUTDIR CURL_TIMEOUT READY_TIMEOUT
# Starts N curl clients, each reading its URL from its own FIFO (-K): every
# curl is exec'd and initialised, then blocks opening the FIFO.  Once all
# are blocked there (or READY_TIMEOUT passed) it writes the URL into each
# FIFO, which releases them within milliseconds, and waits for them all.
# Prints "READY START_NS END_NS"; each client appends "I EXITCODE SECONDS"
# to OUTDIR/rc and its download to OUTDIR/I.
cat > "$T/driver.sh" <<'EOD'
n=$1 url=$2 out=$3 tmo=$4 rtmo=$5
mkdir -p "$out/k" || exit 1
seq 0 $((n - 1)) | sed "s|^|$out/k/|" | xargs mkfifo || exit 1
: > "$out/pids"
i=0
while [ $i -lt "$n" ]; do
	curl -s --tftp-blksize 1468 -m "$tmo" -K "$out/k/$i" -o "$out/$i" \
	    -w "$i %{exitcode} %{time_total}\n" >> "$out/rc" &
	echo "$i $!" >> "$out/pids"
	i=$((i + 1))
done
# ready: the process is curl (exec'd) and sleeping (in the FIFO's open)
k=0
ready=0
while [ $k -lt $((rtmo * 10)) ]; do
	awk '{
		f = "/proc/" $2 "/stat"
		if ((getline l < f) > 0) {
			c = l
			sub(/^[^(]*\(/, "", c)
			sub(/\).*$/, "", c)
			st = l
			sub(/^.*\) /, "", st)
			if (c == "curl" && substr(st, 1, 1) == "S")
				print $1
		}
		close(f)
	}' "$out/pids" > "$out/readylist"
	ready=$(wc -l < "$out/readylist")
	[ "$ready" -ge "$n" ] && break
	sleep 0.1
	k=$((k + 1))
done
# release them from a real-time priority above the clients' (50 with
# BENCH_RT), so that the clients released first cannot starve the loop
# (all share one CPU); back to normal after
chrt -f -p 60 $$ >/dev/null 2>&1 ||
    echo "driver: chrt failed: the release will be slower" >&2
start=$(date +%s%N)
while read -r i; do
	printf 'url = "%s"\n' "$url" > "$out/k/$i"
done < "$out/readylist"
released=$(date +%s%N)
chrt -o -p 0 $$ >/dev/null 2>&1
echo "driver: released $ready in $(( (released - start) / 1000000 )) ms" >&2
# the ones that never got ready: stop them
if [ "$ready" -lt "$n" ]; then
	awk 'NR == FNR { r[$1] = 1; next } !($1 in r) { print $2 }' \
	    "$out/readylist" "$out/pids" | while read -r p; do
		kill "$p" 2>/dev/null
	done
fi
wait
end=$(date +%s%N)
echo "$ready $start $end"
EOD

# ---- memory sampler ----
# mem.awk PAGE_KIB MODE /proc/SPID/task/*/children...: KiB summed over the
# server and its descendants; MODE rss (statm resident, = VmRSS) or pss
# (smaps_rollup Pss: shared pages split between their users)
cat > "$T/mem.awk" <<'EOA'
function kids(f,	line, m, a, j) {
	while ((getline line < f) > 0) {
		m = split(line, a, " ")
		for (j = 1; j <= m; j++) q[n++] = a[j]
	}
	close(f)
}
BEGIN {
	page = ARGV[1]
	mode = ARGV[2]
	n = 0
	split(ARGV[3], b, "/")
	q[n++] = b[3]			# the server itself
	for (i = 3; i < ARGC; i++)
		kids(ARGV[i])
	total = 0
	for (h = 0; h < n; h++) {
		p = q[h]
		if (mode == "pss") {
			f = "/proc/" p "/smaps_rollup"
			while ((getline line < f) > 0)
				if (line ~ /^Pss:/) {
					split(line, s, " ")
					total += s[2]
				}
		} else {
			f = "/proc/" p "/statm"
			if ((getline line < f) > 0) {
				split(line, s, " ")
				total += s[2] * page
			}
		}
		close(f)
		if (h > 0)
			kids("/proc/" p "/task/" p "/children")
	}
	printf "%d\n", total
	exit
}
EOA

# mem_now MODE: the server tree's memory in KiB
mem_now() {
	awk -f "$T/mem.awk" "$PAGE_KB" "$1" /proc/"$SPID"/task/*/children \
	    2>/dev/null
}

# sampler PID FILE MAX_SECONDS: every 100 ms the summed RSS, every second
# the summed PSS; keeps "RSS_PEAK PSS_PEAK" (KiB) in FILE
sampler() {
	rpeak=0
	ppeak=0
	k=0
	while [ $k -lt $(($3 * 10)) ] && kill -0 "$1" 2>/dev/null; do
		r=$(awk -f "$T/mem.awk" "$PAGE_KB" rss \
		    /proc/"$1"/task/*/children 2>/dev/null)
		p=0
		[ $((k % 10)) -eq 2 ] && p=$(awk -f "$T/mem.awk" "$PAGE_KB" \
		    pss /proc/"$1"/task/*/children 2>/dev/null)
		if [ "${r:-0}" -gt "$rpeak" ] || [ "${p:-0}" -gt "$ppeak" ]
		then
			[ "${r:-0}" -gt "$rpeak" ] && rpeak=$r
			[ "${p:-0}" -gt "$ppeak" ] && ppeak=$p
			echo "$rpeak $ppeak" > "$2.tmp" && mv "$2.tmp" "$2"
		fi
		sleep 0.1
		k=$((k + 1))
	done
}

# ---- servers ----
# start_server NAME: sets TPID/SPID, returns non-zero if it cannot start
start_server() {
	name=$1
	lg=$T/$name.log
	# bounded lifetime: one round's downloads and storm at their
	# limits, with their waits for a quiet server (wait_quiet, ~10 s)
	# and the driver's timeout's slack
	life=$(( $(echo $MODES | wc -w) * (BIG_TMO + 15) + CTMO +
	    READY_TMO + 60 + 600 ))
	case $name in
	tftpd-hpa)
		command -v in.tftpd >/dev/null 2>&1 || return 1
		timeout -k 5 $life ip netns exec "$NS_SRV" \
		    $RT taskset -c $SRV_CPU in.tftpd -L -s "$T/root" \
		    -a "$SRV:69" -B 65464 > "$lg" 2>&1 &
		;;
	dnsmasq)
		command -v dnsmasq >/dev/null 2>&1 || return 1
		timeout -k 5 $life ip netns exec "$NS_SRV" \
		    $RT taskset -c $SRV_CPU dnsmasq -k --port=0 --enable-tftp \
		    --tftp-root="$T/root" --tftp-max=$((CLIENTS + 100)) \
		    --listen-address="$SRV" --bind-interfaces -C /dev/null \
		    --pid-file= --log-facility=- > "$lg" 2>&1 &
		;;
	atftpd)
		[ -n "$ATFTPD" ] && [ -x "$ATFTPD" ] || return 1
		timeout -k 5 $life ip netns exec "$NS_SRV" \
		    $RT taskset -c $SRV_CPU "$ATFTPD" --daemon --no-fork \
		    --port 69 --bind-address "$SRV" --no-multicast \
		    --maxthread $((CLIENTS + 100)) --logfile - "$T/root" \
		    > "$lg" 2>&1 &
		;;
	pxed)
		[ -x "$PXED" ] || { log "no pxed at $PXED"; return 1; }
		cat > "$T/pxed.conf" <<EOC
dhcp { mode = off }
http { enable = no }
tftp {
  root = "$T/root"
  port = 69
  max-transfers = $((CLIENTS + 1000 > 2000 ? CLIENTS + 1000 : 2000))
  max-windowsize = 64
  # The clients share one address: no per-client limits.
  max-transfers-per-client = 0
  max-requests-per-second = 0
}
EOC
		timeout -k 5 $life ip netns exec "$NS_SRV" \
		    $RT taskset -c $SRV_CPU "$PXED" -d -f "$T/pxed.conf" \
		    -r "$T/root" > "$lg" 2>&1 &
		;;
	*) log "unknown server $name"; return 1;;
	esac
	TPID=$!
	# timeout(1) -> ip netns exec, chrt (BENCH_RT) and taskset exec:
	# its one child is the server
	i=0
	SPID=
	while [ $i -lt 50 ]; do
		SPID=$(cat "/proc/$TPID/task/$TPID/children" 2>/dev/null |
		    awk '{ print $1 }')
		[ -n "$SPID" ] &&
		    [ "$(cat "/proc/$SPID/comm" 2>/dev/null)" != ip ] &&
		    [ "$(cat "/proc/$SPID/comm" 2>/dev/null)" != taskset ] &&
		    [ "$(cat "/proc/$SPID/comm" 2>/dev/null)" != chrt ] &&
		    break
		kill -0 "$TPID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$SPID" ] || { log "$name did not start:"; tail -5 "$lg" >&2;
	    stop_server; return 1; }
	srv_cgroup_join "$name"
	# answering?  (<= ~10 s)
	deadline=$(( $(date +%s) + 10 ))
	while [ "$(date +%s)" -lt $deadline ]; do
		kill -0 "$SPID" 2>/dev/null || break
		rm -f "$T/probe.out"
		if timeout 5 ip netns exec "$NS_CLI" curl -s -m 2 \
		    -o "$T/probe.out" "tftp://$SRV/probe" 2>/dev/null &&
		    cmp -s "$T/probe.out" "$T/root/probe"; then
			return 0
		fi
		sleep 0.3
	done
	log "$name does not answer TFTP:"
	tail -5 "$lg" | sed 's/^/  | /' >&2
	stop_server
	return 1
}

# wait_quiet: until the server has no children (forking servers), <= 5 s,
# then a moment for the accounting of the last ones
wait_quiet() {
	i=0
	while [ $i -lt 50 ]; do
		c=$(cat /proc/"$SPID"/task/*/children 2>/dev/null | tr -d ' \n')
		[ -z "$c" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.2
}

# has_windowsize WIN: does the server grant windowsize WIN in its OACK?
has_windowsize() {
	timeout 10 ip netns exec "$NS_CLI" atftp --trace \
	    --option "windowsize $1" --option "blksize 1468" \
	    -g -r probe -l "$T/probe.out" "$SRV" 2>&1 |
	    grep -q 'OACK.*windowsize'
}

# big_get_once LABEL [ATFTP OPTIONS...]: one download (into tmpfs when
# there is room: OUT)
big_get_once() {
	label=$1
	shift
	rm -f "$OUT/big.out"
	wait_quiet
	c0=$(cpu_now)
	t0=$(date +%s%N)
	timeout "$BIG_TMO" ip netns exec "$NS_CLI" $RT taskset -c $CLI_CPU \
	    atftp "$@" -g -r big.bin \
	    -l "$OUT/big.out" "$SRV" > "$T/atftp.log" 2>&1 &
	BPID=$!
	wait "$BPID"
	rc=$?
	BPID=
	t1=$(date +%s%N)
	wait_quiet
	c1=$(cpu_now)
	sum=$(sha256sum < "$OUT/big.out" 2>/dev/null | cut -d' ' -f1)
	rm -f "$OUT/big.out"
	BG_CPU=-
	if [ $rc -ne 0 ]; then
		log "$label: atftp exited $rc"
		tail -3 "$T/atftp.log" | sed 's/^/  | /' >&2
		BG_MIBS=fail
	elif [ "$sum" != "$BIG_SUM" ]; then
		log "$label: sha256 mismatch"
		BG_MIBS=bad
	else
		BG_MIBS=$(awk -v m="$SIZE_MIB" -v t0="$t0" -v t1="$t1" \
		    'BEGIN { printf "%.1f", m / ((t1 - t0) / 1e9) }')
		BG_CPU=$(awk -v m="$SIZE_MIB" -v c0="$c0" -v c1="$c1" \
		    'BEGIN { printf "%.2f", (c1 - c0) * 64 / m }')
		log "$label #$r: $(awk -v t0="$t0" -v t1="$t1" \
		    'BEGIN { printf "%.2f", (t1 - t0) / 1e9 }') s wall," \
		    "$BG_MIBS MiB/s, server CPU $(awk -v a="$c0" -v b="$c1" \
		    'BEGIN { printf "%.2f", b - a }') s"
	fi
}

# proc_done PID: has this child of ours ended (zombie or gone)?
proc_done() {
	case $(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) in
	Z|X|'') return 0;;
	esac
	return 1
}

# many_get: N curl clients at once; sets MG_WALL, MG_FAIL, MG_RSS (MiB),
# MG_PSS (MiB), MG_CPU (server CPU s) and MG_NOTE
many_get() {
	rm -rf "$OUT"/* 2>/dev/null
	rm -f "$T/mem.peak"
	MG_NOTE=
	wait_quiet
	rss0=$(mem_now rss)
	c0=$(cpu_now)
	set -- $(cpu_busy $CLI_CPU) 0 0
	b0=$1 j0=$2
	sampler "$SPID" "$T/mem.peak" $((CTMO + READY_TMO + 60)) &
	RPID=$!
	timeout -k 5 $((CTMO + READY_TMO + 30)) ip netns exec "$NS_CLI" \
	    $RT taskset -c $CLI_CPU sh "$T/driver.sh" "$CLIENTS" \
	    "tftp://$SRV/small.bin" "$OUT" "$CTMO" "$READY_TMO" \
	    > "$T/driver.out" 2> "$T/driver.err" &
	DPID=$!
	# poll (bounded by the timeout above): stop early if the server dies
	while ! proc_done "$DPID"; do
		if ! kill -0 "$SPID" 2>/dev/null; then
			log "$CUR died during the $CLIENTS-client run:"
			tail -3 "$T/$CUR.log" | sed 's/^/  | /' >&2
			MG_NOTE="died under $CLIENTS clients"
			kill -TERM "-$DPID" 2>/dev/null
			sleep 0.5
			kill -KILL "-$DPID" 2>/dev/null
			break
		fi
		sleep 0.2
	done
	wait "$DPID"
	drc=$?
	DPID=
	set -- $(cpu_busy $CLI_CPU) 0 0
	b1=$1 j1=$2
	wait_quiet
	c1=$(cpu_now)
	stop_sampler
	set -- $(cat "$T/mem.peak" 2>/dev/null) 0 0
	rpeak=$1 ppeak=$2
	set -- $(cat "$T/driver.out" 2>/dev/null) 0 0 0
	ready=$1 start=$2 end=$3
	[ -s "$T/driver.out" ] && [ "$ready" -lt "$CLIENTS" ] &&
	    log "only $ready of $CLIENTS clients were ready at the release"
	[ $drc -ne 0 ] && [ -z "$MG_NOTE" ] &&
	    log "client driver exited $drc (timed out?)"
	grep -v '^$' "$T/driver.err" | head -5 | sed 's/^/  /' >&2
	if [ -s "$OUT/rc" ]; then
		log "curl exit codes: $(awk '{ print $2 }' "$OUT/rc" | sort -n |
		    uniq -c | awk '{ printf "%s%d x%d", (NR > 1 ? ", " : ""),
		    $2, $1 }')"
		# were they all running at once?  A download ends at its
		# file's mtime and started time_total before.
		[ "$start" -gt 0 ] && find "$OUT" -maxdepth 1 -type f \
		    -name '[0-9]*' \
		    -printf '%f %T@\n' | awk -v t0="$start" '
		    NR == FNR { tt[$1] = $3; next }
		    ($1 in tt) {
			e = $2 - t0 / 1e9
			b = e - tt[$1]
			if (!n++ || e < fe) fe = e
			if (n == 1 || b > lb) lb = b
		    }
		    END {
			if (!n) exit
			note = (lb < fe) ? "" : " (NOT all at once)"
			printf "tftp-bench: last client started %.2f s after " \
			    "the release, first one finished at %.2f s%s\n",
			    lb, fe, note
		    }' "$OUT/rc" - >&2
	fi
	(cd "$OUT" && ls | grep -E '^[0-9]+$' | xargs -r sha256sum) |
	    awk -v s="$SMALL_SUM" '$1 == s { print $2 }' > "$T/good"
	ok=$(wc -l < "$T/good")
	MG_FAIL=$((CLIENTS - ok))
	if [ "$MG_FAIL" -gt 0 ]; then
		# index, curl exit code, seconds, bytes received
		ls -l "$OUT" | awk '$NF ~ /^[0-9]+$/ { print $NF, $5 }' |
		    awk -v n="$CLIENTS" '
			FILENAME == ARGV[1] { good[$1] = 1; next }
			FILENAME == ARGV[2] { rc[$1] = $2; tt[$1] = $3; next }
			{ size[$1] = $2 }
			END { for (i = 0; i < n; i++) if (!(i in good))
				printf "%d exit=%s time=%s bytes=%s\n", i,
				    (i in rc) ? rc[i] : "?",
				    (i in tt) ? tt[i] : "?",
				    (i in size) ? size[i] : "none" }' \
		    "$T/good" "$OUT/rc" - >> "$T/$CUR.failures"
		log "failed clients (first 5 of $MG_FAIL; all in" \
		    "$T/$CUR.failures with --keep):"
		tail -n "$MG_FAIL" "$T/$CUR.failures" | head -5 |
		    sed 's/^/  | /' >&2
	fi
	rm -rf "$OUT"/*
	if [ "$start" -gt 0 ] && [ "$end" -gt 0 ] && [ $drc -eq 0 ]; then
		MG_WALL=$(awk -v t0="$start" -v t1="$end" \
		    'BEGIN { printf "%.2f", (t1 - t0) / 1e9 }')
	else
		MG_WALL=-
	fi
	MG_RSS=$(awk -v r="$rpeak" 'BEGIN { printf "%.1f", r / 1024 }')
	MG_PSS=$(awk -v r="$ppeak" 'BEGIN {
		if (r > 0) printf "%.1f", r / 1024; else printf "-" }')
	MG_CPU=$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.2f", b - a }')
	log "$CLIENTS clients: $MG_WALL s wall, $MG_FAIL failed; server" \
	    "CPU $MG_CPU s; clients' CPU $CLI_CPU busy $(awk -v b="$b1" \
	    -v a="$b0" -v j="$j1" -v i="$j0" 'BEGIN { if (j > i)
	    printf "%d", 100 * (b - a) / (j - i); else printf "?" }')%;" \
	    "server memory: idle RSS $(awk -v r="$rss0" \
	    'BEGIN { printf "%.1f", r / 1024 }') MiB, peak summed RSS" \
	    "$MG_RSS MiB, peak summed PSS $MG_PSS MiB"
}

# The runs go in rounds: in each, every server in turn is started, does
# one big download per mode and one storm, and is stopped; REPEAT rounds.
# So a drift of the machine over the minutes of a run (other guests on
# the host) falls on every server alike instead of on whichever ran
# then.  $ACC/SERVER.mI holds mode I's "MiB/s:CPU" of each round (or
# fail/bad), SERVER.storm each storm's "wall:CPU:failures:RSS:PSS",
# SERVER.na marks a server that did not start, SERVER.dead one that died,
# SERVER.nowsI a mode whose windowsize the server does not grant.
ACC=$T/acc
mkdir -p "$ACC"

# round_server SERVER ROUND: one round of SERVER
round_server() {
	rs_s=$1 r=$2
	CUR=$rs_s
	round_start "$rs_s" "$r" || return
	rs_i=0
	for rs_m in $MODES; do
		rs_i=$((rs_i + 1))
		blk=${rs_m%:*} win=${rs_m#*:}
		[ -e "$ACC/$rs_s.nows$rs_i" ] && continue
		if grep -q '^[fb]' "$ACC/$rs_s.m$rs_i" 2>/dev/null; then
			continue	# failed in an earlier round
		fi
		if [ "$win" -le 1 ]; then
			big_get_once "$rs_s blksize $blk lock-step" \
			    --option "blksize $blk"
		elif [ "$r" -gt 1 ] || has_windowsize "$win"; then
			big_get_once "$rs_s blksize $blk windowsize $win" \
			    --option "blksize $blk" --option "windowsize $win"
		else
			log "$rs_s: no windowsize in its OACK"
			: > "$ACC/$rs_s.nows$rs_i"
			continue
		fi
		echo "$BG_MIBS:$BG_CPU" >> "$ACC/$rs_s.m$rs_i"
	done
	log "$rs_s: $CLIENTS clients x 1 MiB (storm $r of $REPEAT)"
	[ "$r" -eq 1 ] && rm -f "$T/$rs_s.failures"
	many_get
	echo "$MG_WALL:$MG_CPU:$MG_FAIL:$MG_RSS:$MG_PSS" >> "$ACC/$rs_s.storm"
	[ -n "$MG_NOTE" ] && echo "$MG_NOTE" > "$ACC/$rs_s.dead"
	stop_server
}

# result_line SERVER: the server's line of $RES from its rounds: big
# downloads and storms the medians of wall and CPU ("fail"/"bad" when
# any download failed, "-" when any storm had no wall time), failures
# their sum, RSS and PSS the highest peaks
result_line() {
	rl_s=$1
	if [ -e "$ACC/$rl_s.na" ]; then
		echo "$rl_s|not available"
		return
	fi
	rl_l=$rl_s
	rl_i=0
	for rl_m in $MODES; do
		rl_i=$((rl_i + 1))
		rl_f=$ACC/$rl_s.m$rl_i
		if [ -e "$ACC/$rl_s.nows$rl_i" ]; then
			rl_l="$rl_l|n/a|n/a"
		elif grep -q '^[fb]' "$rl_f" 2>/dev/null; then
			rl_l="$rl_l|$(grep '^[fb]' "$rl_f" | head -1 |
			    cut -d: -f1)|-"
		elif [ -s "$rl_f" ]; then
			rl_l="$rl_l|$(median "$(cat "$rl_f")" 1)"
			rl_l="$rl_l|$(median "$(cat "$rl_f")" 2)"
		else
			rl_l="$rl_l|-|-"
		fi
	done
	rl_f=$ACC/$rl_s.storm
	if [ -s "$rl_f" ]; then
		if grep -q '^-:' "$rl_f"; then
			rl_w=-
		else
			rl_w=$(median "$(cut -d: -f1,2 "$rl_f")" 1)
		fi
		rl_l="$rl_l|$rl_w|$(awk -F: '{ n += $3 } END { print n }' \
		    "$rl_f")"
		rl_l="$rl_l|$(awk -F: '$4 + 0 > m + 0 { m = $4 } END {
		    printf "%.1f", m }' "$rl_f")"
		rl_l="$rl_l|$(awk -F: '$5 != "-" && (p == "" || $5 + 0 > p + 0) {
		    p = $5 } END { print (p == "" ? "-" : p) }' "$rl_f")"
		rl_l="$rl_l|$(median "$(cut -d: -f1,2 "$rl_f")" 2)"
		log "$rl_s: $(wc -l < "$rl_f") storms, wall s:CPU s:" \
		    "$(cut -d: -f1,2 "$rl_f" | tr '\n' ' ')"
	else
		rl_l="$rl_l|-|-|-|-|-"
	fi
	echo "$rl_l|$(cat "$ACC/$rl_s.dead" 2>/dev/null)"
}

rounds_run

echo
echo "TFTP servers: ${SIZE_MIB} MiB file (atftp client, into" \
    "$(df -P "$OUT" | awk 'NR == 2 { print $1 }'), sha256 checked)," \
    "server on CPU $SRV_CPU, clients on CPU $CLI_CPU$([ -n "$RT" ] &&
    echo ", both at real-time priority ($RT)"); big downloads and" \
    "storms: median of $REPEAT rounds, every server in turn in each" \
    "(failures: their sum)"
echo "bBLK wWIN: blksize BLK, windowsize WIN (w1: lock-step)"
echo "CPU s: server CPU time ($([ -n "$CG" ] && echo "cgroup $CGKIND" ||
    echo "/proc/PID/stat")), per 64 MiB for the big downloads"
echo "RSS: peak of the server tree's summed VmRSS (100 ms samples); PSS:" \
    "same with Pss (1 s samples)"
echo "CPUs busy before the run: $BUSY0%"
echo
awk -F'|' -v n="$CLIENTS" -v modes="$MODES" '
function cell(w, v) { return sprintf("%" w "s", v) }
function head(	i, a, b) {
	a = sprintf("%-10s", "server")
	b = sprintf("%-10s", "")
	for (i = 1; i <= nm; i++) {
		split(mode[i], bw, ":")
		a = a " " cell(11, "b" bw[1] " w" bw[2]) " " cell(7, "CPU s")
		b = b " " cell(11, "MiB/s") " " cell(7, "/64 MiB")
	}
	a = a " " cell(8, n " cli") " " cell(8, "failures") " " cell(7, "RSS") \
	    " " cell(7, "PSS") " " cell(7, n " cli")
	b = b " " cell(8, "wall s") " " cell(8, "") " " cell(7, "MiB") " " \
	    cell(7, "MiB") " " cell(7, "CPU s")
	print a
	print b
}
# ratio P Q HIGHER: pxed over the peer, "-" when either is not a figure
function ratio(p, q) {
	if (p !~ /^[0-9.]+$/ || q !~ /^[0-9.]+$/ || q + 0 == 0) return "-"
	return sprintf("%.2fx", p / q)
}
BEGIN {
	nm = split(modes, mode, " ")
	head()
}
NF == 2 { printf "%-10s %s\n", $1 ":", $2; next }
{
	l = sprintf("%-10s", $1)
	for (i = 1; i <= nm; i++)
		l = l " " cell(11, $(2 * i)) " " cell(7, $(2 * i + 1))
	k = 2 * nm + 2
	l = l " " cell(8, $k) " " cell(8, $(k + 1)) " " cell(7, $(k + 2)) \
	    " " cell(7, $(k + 3)) " " cell(7, $(k + 4))
	if ($(k + 5) != "") l = l "  " $(k + 5)
	print l
	srv[++ns] = $1
	for (j = 2; j <= k + 4; j++) v[$1, j] = $j
}
END {
	if (!(("pxed", 2) in v) || ns < 2) exit
	k = 2 * nm + 2
	# the best peer of each column: most MiB/s, least CPU s and wall s
	for (j = 2; j <= k + 4; j++) {
		if (j == k + 1 || j == k + 2 || j == k + 3) continue
		hi = (j < k && j % 2 == 0)
		for (s = 1; s <= ns; s++) {
			x = v[srv[s], j]
			if (srv[s] == "pxed" || x !~ /^[0-9.]+$/) continue
			if (!(j in best)) {
				best[j] = x
				continue
			}
			if (hi ? (x + 0 > best[j] + 0) : (x + 0 < best[j] + 0))
				best[j] = x
		}
	}
	print ""
	print "pxed over each peer (same run; MiB/s: above 1 is faster, CPU s" \
	    " and wall s: below 1 is better):"
	for (s = 1; s <= ns + 1; s++) {
		if (s <= ns && srv[s] == "pxed") continue
		name = s <= ns ? srv[s] : "best peer"
		l = sprintf("%-10s", "/" name)
		for (j = 2; j <= k + 4; j++) {
			if (j == k + 1 || j == k + 2 || j == k + 3) {
				l = l " " cell(j == k + 1 ? 8 : 7, "")
				continue
			}
			q = s <= ns ? v[srv[s], j] : best[j]
			l = l " " cell(j < k ? (j % 2 ? 7 : 11) : (j == k ? 8 : 7),
			    ratio(v["pxed", j], q))
		}
		print l
	}
}' "$RES"
