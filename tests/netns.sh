# netns.sh: network namespaces for pxed's tests and benchmarks.  POSIX sh;
# source it (tests get it through lib.sh, whose pxed_net_init is the usual
# way in), then:
#
#   netns_require            exit 77 (skip) unless root with a working
#                            `ip netns` and veth; strict (below), exit 99.
#   netns_fail MESSAGE [PACKAGE...]   the same exit for a caller's own
#                            requirement (a missing tool, say), naming the
#                            Debian packages that would let the suite run:
#                            77, or 99 when strict: CI set, or configure
#                            --enable-strict-tests (PXED_STRICT_TESTS=yes).
#   netns_lo NAME            one namespace NAME with only loopback, up.
#   netns_setup [PREFIX]     namespaces "$PREFIX-srv" and "$PREFIX-cli"
#                            joined by a veth pair "${PREFIX}s0" (server
#                            side) / "${PREFIX}c0" (client side), loopback
#                            up in both, no default route.  PREFIX is at
#                            most 13 characters (interface names <= 15);
#                            default "pxt$$".  Returns non-zero on failure
#                            (after undoing what it did).
#   netns_lan_setup PREFIX NAME...   a bridged LAN (below).
#   netns_cleanup            delete every namespace this shell created
#                            with the functions here, and only those;
#                            idempotent, safe after a setup that failed
#                            halfway.
#   in_srv CMD... / in_cli CMD...   run CMD in the server / client namespace.
#   netns_netem LOSS DELAY   netem on both veth ends (each direction gets
#                            LOSS % loss and DELAY, e.g. "1" "5ms", so the
#                            round trip gets twice DELAY).  Non-zero if the
#                            kernel has no netem.
#   netns_netem_off          remove it.
#
# Names and addresses.  A namespace has its own interfaces, addresses,
# routes and ports: the addresses inside this shell's namespaces cannot
# collide with another test's, or with the host's, however they are
# chosen, and interface names are per namespace too.  Only namespace names
# are global (/run/netns): they carry this shell's PID.  So there is no
# subnet to allocate: every pair gets 10.77.0.1 (server) and 10.77.0.2
# (client) /24 unless NETNS_SRV_IP, NETNS_CLI_IP and NETNS_PLEN are set
# before netns_setup (a test whose assertions name other addresses).
# netns_setup exports NS_SRV, NS_CLI, NETNS_SRV_IF, NETNS_CLI_IF,
# NETNS_SRV_IP, NETNS_CLI_IP and NETNS_PLEN.  A server started in the
# background should be started with `ip netns exec "$NS_SRV" CMD &` rather
# than `in_srv CMD &` when its pid matters: $! of a backgrounded function
# is a subshell's, not CMD's.
#
# Traffic stays inside the namespaces: the veth pair is created inside the
# server namespace with its peer inside the client namespace, and a LAN's
# bridge lives in a namespace of its own, so nothing is ever added to the
# host's namespace.

NS_SRV=
NS_CLI=
NETNS_LIST=

# netns_strict: true when a suite that cannot run must fail instead of
# skipping: CI set (as .ci/run's runner sets it) or PXED_STRICT_TESTS=yes
# (configure --enable-strict-tests, which .ci/run uses).
netns_strict() {
	case ${CI:-}/${PXED_STRICT_TESTS:-} in
	/|/no|false/|false/no|0/|0/no) return 1;;
	esac
	return 0
}

# netns_fail MESSAGE [PACKAGE...]: this suite cannot run here.  Exit 77
# (skip) saying why and, given PACKAGEs, which Debian packages would let
# it run ("skipping: no atftp (apt-get install atftp)"); exit 99 (fail)
# instead when netns_strict.  The line goes to the log and, through fd 9
# (Makefile.am's AM_TESTS_FD_REDIRECT), to the terminal of make check.
netns_fail() {
	_nf_m=$1
	shift
	[ $# -eq 0 ] || _nf_m="$_nf_m (apt-get install $*)"
	if netns_strict; then
		_nf_m="FAIL: $_nf_m: strict (CI or --enable-strict-tests), a suite that would skip fails"
		_nf_rc=99
	else
		_nf_m="skipping: $_nf_m"
		_nf_rc=77
	fi
	echo "${0##*/}: $_nf_m" >&2
	{ echo "${0##*/}: $_nf_m" >&9; } 2>/dev/null
	exit $_nf_rc
}

netns_require() {
	[ "$(id -u)" -eq 0 ] || netns_fail "not root (network namespaces)"
	command -v ip >/dev/null 2>&1 || netns_fail "no ip(8)" iproute2
	ip netns list >/dev/null 2>&1 || netns_fail "ip netns is unusable"
	_nr_ns="pxprobe$$"
	if ! ip netns add "$_nr_ns" 2>/dev/null; then
		netns_fail "cannot create a network namespace"
	fi
	if ! ip -n "$_nr_ns" link add "pxp$$a" type veth peer name "pxp$$b" \
	    2>/dev/null; then
		ip netns del "$_nr_ns" 2>/dev/null
		netns_fail "cannot create a veth pair"
	fi
	ip netns del "$_nr_ns" 2>/dev/null
	unset _nr_ns
	return 0
}

# netns_add NAME: create namespace NAME and remember it for netns_cleanup.
netns_add() {
	ip netns add "$1" || return 1
	NETNS_LIST="$NETNS_LIST $1"
}

netns_lo() {
	netns_add "$1" && ip -n "$1" link set lo up
}

netns_setup() {
	_ns_p=${1:-pxt$$}
	case $_ns_p in
	''|*[!A-Za-z0-9_.-]*)
		echo "netns_setup: bad prefix '$_ns_p'" >&2
		unset _ns_p
		return 1;;
	esac
	if [ ${#_ns_p} -gt 13 ]; then
		echo "netns_setup: prefix '$_ns_p' too long (max 13)" >&2
		unset _ns_p
		return 1
	fi
	for _ns_n in "$_ns_p-srv" "$_ns_p-cli"; do
		if ip netns list 2>/dev/null | grep -q "^$_ns_n\( \|$\)"; then
			echo "netns_setup: namespace $_ns_n already exists" \
			    "(stale? ip netns del $_ns_n)" >&2
			unset _ns_p _ns_n
			return 1
		fi
	done
	: "${NETNS_SRV_IP:=10.77.0.1}"
	: "${NETNS_CLI_IP:=10.77.0.2}"
	: "${NETNS_PLEN:=24}"
	NS_SRV="$_ns_p-srv"
	NS_CLI="$_ns_p-cli"
	NETNS_SRV_IF="${_ns_p}s0"
	NETNS_CLI_IF="${_ns_p}c0"
	export NS_SRV NS_CLI NETNS_SRV_IF NETNS_CLI_IF NETNS_SRV_IP \
	    NETNS_CLI_IP NETNS_PLEN
	unset _ns_p
	if netns_add "$NS_SRV" &&
	    netns_add "$NS_CLI" &&
	    ip -n "$NS_SRV" link set lo up &&
	    ip -n "$NS_CLI" link set lo up &&
	    ip -n "$NS_SRV" link add "$NETNS_SRV_IF" type veth \
		peer name "$NETNS_CLI_IF" netns "$NS_CLI" &&
	    ip -n "$NS_SRV" addr add "$NETNS_SRV_IP/$NETNS_PLEN" \
		dev "$NETNS_SRV_IF" &&
	    ip -n "$NS_CLI" addr add "$NETNS_CLI_IP/$NETNS_PLEN" \
		dev "$NETNS_CLI_IF" &&
	    ip -n "$NS_SRV" link set "$NETNS_SRV_IF" up &&
	    ip -n "$NS_CLI" link set "$NETNS_CLI_IF" up; then
		# wait (<= 5 s) for both ends to leave tentative/down state
		_ns_i=0
		while [ $_ns_i -lt 50 ]; do
			if ip -n "$NS_SRV" -br link show "$NETNS_SRV_IF" |
			    grep -q ' UP ' &&
			    ip -n "$NS_CLI" -br link show "$NETNS_CLI_IF" |
			    grep -q ' UP '; then
				unset _ns_i _ns_n
				return 0
			fi
			sleep 0.1
			_ns_i=$((_ns_i + 1))
		done
		echo "netns_setup: veth did not come up" >&2
	fi
	unset _ns_i _ns_n
	netns_cleanup
	return 1
}

netns_cleanup() {
	# Deleting a namespace destroys the veth end inside it, and with it
	# the peer.  Names are only those this shell created.
	for _ns_n in $NETNS_LIST; do
		ip netns del "$_ns_n" 2>/dev/null
	done
	NETNS_LIST=
	unset _ns_n
	return 0
}

in_srv() {
	ip netns exec "$NS_SRV" "$@"
}

in_cli() {
	ip netns exec "$NS_CLI" "$@"
}

netns_netem() {
	_nn_loss=${1:-0}
	_nn_delay=${2:-0ms}
	# a large limit: the default 1000 packets overflows when delaying a
	# windowed transfer
	tc -n "$NS_CLI" qdisc replace dev "$NETNS_CLI_IF" root netem \
	    limit 100000 delay "$_nn_delay" loss "${_nn_loss}%" &&
	tc -n "$NS_SRV" qdisc replace dev "$NETNS_SRV_IF" root netem \
	    limit 100000 delay "$_nn_delay" loss "${_nn_loss}%"
	_nn_rc=$?
	[ $_nn_rc -eq 0 ] ||
	    echo "netns_netem: tc netem failed (no sch_netem in this kernel?)" >&2
	unset _nn_loss _nn_delay
	return $_nn_rc
}

netns_netem_off() {
	tc -n "$NS_CLI" qdisc del dev "$NETNS_CLI_IF" root 2>/dev/null
	tc -n "$NS_SRV" qdisc del dev "$NETNS_SRV_IF" root 2>/dev/null
	return 0
}

# netns_lan_setup PREFIX NAME...: one broadcast domain.  A namespace
# "$PREFIX-lan" holds bridge "br0"; each NAME gets a namespace
# "$PREFIX-NAME" whose interface "lan0" is a veth plugged into that
# bridge (the peer is "NAME" inside $PREFIX-lan), with loopback and lan0
# up and no address.  Give addresses with `ip -n "$PREFIX-NAME" addr add`
# (any: see "Names and addresses" above).  Each NAME is at most 15
# characters.  netns_cleanup deletes them.

netns_lan_setup() {
	_nl_p=$1
	shift
	case $_nl_p in
	''|*[!A-Za-z0-9_.-]*)
		echo "netns_lan_setup: bad prefix '$_nl_p'" >&2
		return 1;;
	esac
	if ! netns_add "$_nl_p-lan"; then
		echo "netns_lan_setup: cannot create $_nl_p-lan (stale? ip" \
		    "netns del $_nl_p-lan)" >&2
		return 1
	fi
	ip -n "$_nl_p-lan" link set lo up &&
	    ip -n "$_nl_p-lan" link add br0 type bridge &&
	    ip -n "$_nl_p-lan" link set br0 type bridge forward_delay 0 \
		stp_state 0 &&
	    ip -n "$_nl_p-lan" link set br0 up || {
		netns_cleanup
		return 1
	}
	for _nl_n in "$@"; do
		if ! netns_add "$_nl_p-$_nl_n"; then
			netns_cleanup
			return 1
		fi
		ip -n "$_nl_p-lan" link add "$_nl_n" type veth peer name lan0 \
		    netns "$_nl_p-$_nl_n" &&
		    ip -n "$_nl_p-lan" link set "$_nl_n" master br0 &&
		    ip -n "$_nl_p-lan" link set "$_nl_n" up &&
		    ip -n "$_nl_p-$_nl_n" link set lo up &&
		    ip -n "$_nl_p-$_nl_n" link set lan0 up || {
			netns_cleanup
			return 1
		}
	done
	unset _nl_p _nl_n
	return 0
}
