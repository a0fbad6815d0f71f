#!/bin/sh
# dhcp6-bench.sh: compare DHCPv6 servers (dnsmasq, Kea's kea-dhcp6, pxed)
# with Kea's perfdhcp -6 inside a private pair of network namespaces.
# Not a test: it prints figures.  Needs root, perfdhcp (kea-admin),
# kea-dhcp6 and dnsmasq; installs what it lacks with apt-get.
#
# usage: bench/dhcp6-bench.sh [--servers "dnsmasq kea pxed"] [--pxed PATH]
#            [--duration S] [--leases N] [--fill-timeout S]
#            [--cpu-rate R] [--keep]
#
# The same measurements as dhcp-bench.sh (see bench/README), for the
# four-message exchange Solicit-Advertise-Request-Reply (SARR): every
# server runs alone, pinned to CPU 0 in the server namespace (fd78::1/64
# on its veth), restarted with an empty lease store before each
# measurement; perfdhcp -6 runs pinned to CPU 1 in the client namespace,
# from its veth's link-local address to ff02::1:2, every client a new
# DUID-LL (-b mac=, a new base per run) with one IA_NA.  For each server:
#   a) overload: perfdhcp without a rate limit for 2 s: SARR/s and the
#      share of Solicits left without a Reply, server CPU per SARR;
#   b) SARR/s at < 1 % failure, searched with fixed-rate runs (-r);
#   c) server CPU time per SARR at half that rate (or --cpu-rate R);
#   d) VmRSS once N clients (default 50000) hold a binding, and the live
#      bindings in the server's lease store then.
# Then the ratios of every server's figures to every other's, measured in
# the same run.  Pool: fd78::1:0 - fd78::1:ffff (65,536 addresses).
#
# Traffic stays between the two namespaces (link-local and fd78::/64).

set -u

BENCH=dhcp6-bench
. "$(dirname "$0")/lib.sh"

PXED=${PXED:-/tmp/build/daemon/pxed}
SERVERS="dnsmasq kea pxed"
DUR=5			# seconds of each fixed-rate run
LEASES=50000		# bindings made before reading VmRSS
FILL_TMO=240		# limit on filling the lease store, seconds
CPU_RATE=		# fixed rate of the CPU run (default: half of b)
KEEP=

usage() {
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

POOL_FIRST=fd78::1:0
POOL_LAST=fd78::1:ffff
POOL_SIZE=64000		# of 65,536: room for the failed exchanges
RUN_MAX=50000
dhcp_bench_args "$@"
NETNS_SRV_IP=10.78.0.1	# netns_setup wants IPv4 too; unused
NETNS_CLI_IP=10.78.0.2
NETNS_PLEN=16
SRV6=fd78::1
WAIT_US=300000		# perfdhcp -W: how long it waits for late replies
LEASE_SECS=43200	# valid and preferred lifetime, far beyond the run
MAX_STEPS=10		# fixed-rate runs in the search
OV_SECS=2		# the overload run
FAMILY=6
PROTO=DHCPv6
EXCH=SARR
PERF_FAMILY=-6
PERF_X1=SOLICIT-ADVERTISE
PERF_X2=REQUEST-REPLY
TITLE="DHCPv6 servers, perfdhcp -6 SARR with a new client each"
KEA_BIN=kea-dhcp6
KEA_STATE_COL=14
JOURNAL=A6
DNSMASQ_ARGS="--quiet-dhcp6
    --dhcp-range=$POOL_FIRST,$POOL_LAST,64,$LEASE_SECS"

netns_require
dhcp_bench_need kea-dhcp6 kea-dhcp6-server
dhcp_bench_setup

# IPv6 on the veth: the prefix for the server, and both link-local
# addresses out of duplicate address detection (<= 5 s).
ip -n "$NS_SRV" -6 addr add "$SRV6/64" dev "$SIF" nodad ||
    { log "no IPv6 in the namespaces"; exit 1; }
i=0
while ip -n "$NS_CLI" -6 addr show dev "$CIF" | grep -q tentative ||
    ip -n "$NS_SRV" -6 addr show dev "$SIF" | grep -q tentative; do
	[ $i -ge 50 ] && { log "link-local addresses stay tentative"; exit 1; }
	sleep 0.1
	i=$((i + 1))
done

# ---- servers ----

write_confs() {
	cat > "$T/kea.json" <<EOC
{
  "Dhcp6": {
    "interfaces-config": { "interfaces": [ "$SIF" ] },
    "data-directory": "$T",
    "server-id": { "type": "LLT", "persist": false },
    "lease-database": {
      "type": "memfile",
      "persist": true,
      "name": "$T/kea.leases",
      "lfc-interval": 0
    },
    "preferred-lifetime": $LEASE_SECS,
    "valid-lifetime": $LEASE_SECS,
    "subnet6": [ {
      "id": 1,
      "subnet": "fd78::/64",
      "interface": "$SIF",
      "pools": [ { "pool": "$POOL_FIRST - $POOL_LAST" } ]
    } ],
    "loggers": [ {
      "name": "kea-dhcp6",
      "output_options": [ { "output": "stderr" } ],
      "severity": "WARN"
    } ]
  }
}
EOC
	mkdir -p "$T/tftproot"
	cat > "$T/pxed.conf" <<EOC
log-level = warning
dhcp {
  mode = server
  lease-file = "$T/pxed.leases"
  range6 "bench" {
    prefix = fd78::/64
    start = $POOL_FIRST
    end = $POOL_LAST
    preferred-lifetime = $LEASE_SECS
    valid-lifetime = $LEASE_SECS
  }
}
tftp { enable = no }
http { enable = no }
EOC
}

dhcp_bench_main
