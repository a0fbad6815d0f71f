#!/bin/sh
# dhcp-bench.sh: compare DHCPv4 servers (dnsmasq, Kea, pxed) with Kea's
# perfdhcp inside a private pair of network namespaces.  Not a test: it
# prints figures.  Needs root, perfdhcp (kea-admin), kea-dhcp4 and dnsmasq;
# installs what it lacks with apt-get.
#
# usage: bench/dhcp-bench.sh [--servers "dnsmasq kea pxed"] [--pxed PATH]
#            [--duration S] [--leases N] [--fill-timeout S]
#            [--cpu-rate R] [--keep]
#
# Every server runs alone, pinned to CPU 0 in the server namespace
# (10.78.0.1/16), and is restarted with an empty lease store before each
# measurement; perfdhcp runs pinned to CPU 1 in the client namespace
# (10.78.0.2) on its veth.  Every client of a run is a new one (-R), so
# every exchange grants a new lease.  For each server:
#   a) overload: perfdhcp without a rate limit for 2 s: completed DORA/s,
#      the share of DISCOVERs left without an ACK (perfdhcp sends ~30,000
#      DISCOVERs a second this way) and server CPU per completed DORA;
#   b) DORA/s at < 1 % failure: runs of S seconds (default 5) at a fixed
#      rate (-r), searched from the overload figure: up by x1.5 while the
#      failures stay under 1 %, down by x0.7 until they do, then bisected
#      to within 5 % (at most 10 runs).  The figure is marked
#      "perfdhcp-bound" (the server may do more) when, at the rates that
#      decided it, perfdhcp could not send at the rate asked, lost replies
#      in its own socket buffer, or kept CPU 1 >= 90 % busy while the
#      server stayed < 90 %; else "server-bound";
#   c) server CPU time per DORA (microseconds) over an S-second run at a
#      fixed rate: half the rate of b), or --cpu-rate R for every server;
#   d) VmRSS (kB) of the server once N clients (default 50000) have been
#      granted a lease, and the number of leases in its lease file then.
#      The lease store is filled in chunks of new clients at a rate that
#      adapts to the drops, for at most --fill-timeout seconds (default
#      240): a server that slows down as its store grows (dnsmasq rewrites
#      and fsyncs its whole lease file for every lease) may stop short of
#      N, and the table says how many it had.
# Server CPU time comes from a cgroup the server is put in, perfdhcp's
# from another; without cgroups, from utime+stime of /proc/PID/stat.  A
# run in which the server waited for CPU 0 (schedstat) >= 5 % of the time,
# or perfdhcp fell behind while idle, is run once more; the table counts
# the disturbed runs.
# perfdhcp acts as a relay agent (source 10.78.0.2:67, giaddr 10.78.0.2,
# no broadcast flag; -B only sets SO_BROADCAST): the servers answer by
# unicast to 10.78.0.2:67, so they must serve relayed requests.
#
# Traffic stays between the two namespaces (10.78.0.1 <-> 10.78.0.2).

set -u

BENCH=dhcp-bench
. "$(dirname "$0")/lib.sh"

PXED=${PXED:-/tmp/build/daemon/pxed}
SERVERS="dnsmasq kea pxed"
DUR=5			# seconds of each fixed-rate run
LEASES=50000		# leases granted before reading VmRSS
FILL_TMO=240		# limit on filling the lease store, seconds
CPU_RATE=		# fixed rate of the CPU run (default: half of b)
KEEP=

usage() {
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

# The pool, addresses and perfdhcp's options (lib.sh).  One run never
# asks for more than RUN_MAX leases, and the server is restarted empty
# between runs.
dhcp_bench_v4
RUN_MAX=50000
dhcp_bench_args "$@"
WAIT_US=300000		# perfdhcp -W: how long it waits for late replies
LEASE_SECS=43200	# lease time, far beyond the run
MAX_STEPS=10		# fixed-rate runs in the search
OV_SECS=2		# the overload run
TITLE="DHCPv4 servers, perfdhcp DORA with a new client each"
KEA_BIN=kea-dhcp4
KEA_STATE_COL=10
DNSMASQ_ARGS="--quiet-dhcp --no-ping
    --dhcp-range=$POOL_FIRST,$POOL_LAST,$POOL_MASK,$LEASE_SECS"

# ---- requirements ----
netns_require

dhcp_bench_need kea-dhcp4 kea-dhcp4-server
dhcp_bench_setup

# ---- servers ----
# Each run starts from an empty lease store.

write_confs() {
	cat > "$T/kea.json" <<EOF
{
  "Dhcp4": {
    "interfaces-config": { "interfaces": [ "$SIF" ] },
    "lease-database": {
      "type": "memfile",
      "persist": true,
      "name": "$T/kea.leases",
      "lfc-interval": 0
    },
    "valid-lifetime": $LEASE_SECS,
    "subnet4": [ {
      "id": 1,
      "subnet": "10.78.0.0/16",
      "pools": [ { "pool": "$POOL_FIRST - $POOL_LAST" } ]
    } ],
    "loggers": [ {
      "name": "kea-dhcp4",
      "output_options": [ { "output": "stderr" } ],
      "severity": "WARN"
    } ]
  }
}
EOF
	pxed_conf4
}

dhcp_bench_main
