#!/bin/sh
# peers.sh: pxed against its peers on TFTP and HTTP under the conditions of
# issue 14, every ratio from one run.  Not a test: it prints figures.
# Needs root; what it lacks, tftp-bench.sh and http-bench.sh install.
#
# usage: bench/peers.sh [--pxed PATH] [--clients N] [--repeat R] [--rt]
#            [--only tftp|http] [--syscalls] [--keep]
#
# The server runs on CPU 1, the clients and load generators on CPU 0
# (BENCH_SRV_CPU and BENCH_CLI_CPU change that), over a veth pair (MTU
# 1500) between two network namespaces; downloads go to tmpfs and are
# checked with sha256sum; every figure is the median of R runs (default
# 3; for TFTP R rounds, every server in turn in each), and each peer is
# measured in the same run as pxed:
#   tftp-bench.sh --modes "1468:4 1468:16 512:16 1468:1" --clients N
#       atftpd 0.8 (from its .deb), tftpd-hpa, dnsmasq and pxed: a 64 MiB
#       file with the atftp client at blksize 1468 windowsize 4 (what
#       OVMF asks for), 1468 and 16, 512 and 16, and lock-step; then N
#       curl clients (default 100) x 1 MiB at once;
#   http-bench.sh --connections 64 --clients N
#       nginx-light (one worker, sendfile, tcp_nopush) and pxed: 1 KiB
#       with wrk -t1 -c64, one 64 MiB download with curl, and N
#       connections x 1 MiB at once (one curl --parallel);
# each prints its table and then pxed's figures over each peer's and
# over the best peer's.
# --rt runs servers and clients at real-time priority (BENCH_RT=1, see
# bench/lib.sh): on a machine shared with other work the wall-clock
# figures are otherwise noise; the figures are then those of an idle
# machine rather than of a busy one.
# --syscalls passes on to http-bench.sh: each HTTP server's system calls
# and context switches per request, per download and per MiB.

set -u

BENCH=peers
. "$(dirname "$0")/lib.sh"

PXED=${PXED:-/tmp/build/daemon/pxed}
CLIENTS=100
REPEAT=3
ONLY=
KEEP=
SYSC=

while [ $# -gt 0 ]; do
	case $1 in
	--pxed) [ $# -ge 2 ] || usage; PXED=$2; shift 2;;
	--clients) [ $# -ge 2 ] || usage; CLIENTS=$2; shift 2;;
	--repeat) [ $# -ge 2 ] || usage; REPEAT=$2; shift 2;;
	--rt) BENCH_RT=1; shift;;
	--only) [ $# -ge 2 ] || usage; ONLY=$2; shift 2;;
	--keep) KEEP=--keep; shift;;
	--syscalls) SYSC=--syscalls; shift;;
	-h|--help) usage;;
	*) echo "peers: unknown argument '$1'" >&2; usage;;
	esac
done
case $ONLY in
''|tftp|http) ;;
*) echo "peers: --only tftp or http" >&2; exit 2;;
esac
BENCH_SRV_CPU=${BENCH_SRV_CPU:-1}
BENCH_CLI_CPU=${BENCH_CLI_CPU:-0}
BENCH_RT=${BENCH_RT:-0}
export BENCH_SRV_CPU BENCH_CLI_CPU BENCH_RT

rc=0
if [ "$ONLY" != http ]; then
	log "TFTP: tftp-bench.sh"
	"$HERE/tftp-bench.sh" --pxed "$PXED" --clients "$CLIENTS" \
	    --repeat "$REPEAT" --size-mib 64 \
	    --servers "atftpd tftpd-hpa dnsmasq pxed" \
	    --modes "1468:4 1468:16 512:16 1468:1" $KEEP || rc=1
fi
if [ "$ONLY" != tftp ]; then
	[ "$ONLY" = "" ] && echo
	log "HTTP: http-bench.sh"
	"$HERE/http-bench.sh" --pxed "$PXED" --clients "$CLIENTS" \
	    --repeat "$REPEAT" --size-mib 64 --connections 64 \
	    --servers "nginx pxed" $KEEP $SYSC || rc=1
fi
exit $rc
