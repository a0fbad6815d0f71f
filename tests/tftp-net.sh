#!/bin/sh
# tftp-net.sh: pxed's TFTP server against real clients (tftp-hpa's tftp,
# atftp, curl) across a veth pair between two network namespaces: sizes
# around the block size and past 65535 blocks, windowsize, netascii, loss,
# hostile paths, per-rule option refusal and path aliases by MAC, the
# transfer limit, a reload during a transfer, and 500 clients at once;
# then IPv6: the same clients over a ULA and a link-local address.
. "$(dirname "$0")/lib.sh"
pxed_need tftp atftp curl nft
pxed_net_init pair
S=$NETNS_SRV_IP
# IPv6 beside IPv4: ULAs without duplicate address detection, and the
# link-local addresses the kernel made (waited for below).
S6=fd77::1
C6=fd77::2
in_srv ip -6 addr add $S6/64 dev "$NETNS_SRV_IF" nodad &&
    in_cli ip -6 addr add $C6/64 dev "$NETNS_CLI_IF" nodad ||
    not_ok "IPv6 addresses"

# The root, readable by "nobody", whom pxed becomes after binding.
chmod 755 "$T"
R="$T/root"
mkdir -p "$R/sub" "$R/shim" "$R/dir.efi" "$T/out"
chmod 777 "$T/out"
for n in 0 511 512 513 4404 65536; do
	head -c $n /dev/urandom > "$R/f$n"
done
head -c $((40 * 1024 * 1024)) /dev/urandom > "$R/big40"
printf 'line one\nline two\r\nbare cr\rend\n' > "$R/text.txt"
echo "the real grub" > "$R/shim/grubx64.efi"
echo "SECRET-OUTSIDE-$$" > "$T/secret"
ln -s "$T/secret" "$R/escape"
ln -s sub "$R/inside-link"
head -c 100 /dev/urandom > "$R/sub/inner"
mkfifo "$R/fifo"
echo "root only" > "$R/private"
chmod 600 "$R/private"
chmod -R a+rX "$R"
chmod 600 "$R/private"
CLIMAC=$(in_cli cat "/sys/class/net/$NETNS_CLI_IF/address")

cat > "$T/pxed.conf" <<EOC
user = "nobody"
conf-dir = "$T/conf.d"
dhcp { mode = off }
http { enable = no }
tftp { root = "$R" timeout = 200 retries = 20 max-transfers = 1000 sockets = 16
  # One address plays 500 clients here: no per-client limits.
  max-transfers-per-client = 0 max-requests-per-second = 0 }
EOC
mkdir -p "$T/conf.d"
cat > "$T/conf.d/10-client.conf" <<EOC
host "client" {
  mac = "$CLIMAC"
  tftp-alias = { "grubx64.efi=shim/grubx64.efi" }
}
EOC
LOG="$T/log"
pxed_start -n "$NS_SRV" -w "tftp: serving" "$LOG" -v -f "$T/pxed.conf"
PID=$PXPID
GEN=1

# reload WHAT: SIGHUP, then wait for the next generation to be logged.
reload() {
	GEN=$((GEN + 1))
	kill -HUP $PID
	wait_log "$LOG" "reloaded in .* generation $GEN:" 5 ||
	    not_ok "reload: $1"
}
check "pxed dropped to nobody" \
    sh -c "grep -q '^Uid:.*65534' /proc/$PID/status"

# fetch CLIENT NAME OUT: one download in the client namespace.
fetch() {
	rm -f "$3"
	case $1 in
	hpa)	in_cli timeout 120 tftp "$S" -m binary -c get "$2" "$3" ;;
	hpa-ascii) in_cli timeout 60 tftp "$S" -m netascii -c get "$2" "$3" ;;
	curl)	# curl writes no file for an empty download.
		in_cli timeout 120 curl -s --tftp-blksize 1468 -o "$3" \
		    "tftp://$S/$2" && touch "$3" ;;
	atftp)	in_cli timeout 120 atftp --option "blksize 1468" \
		    --option "windowsize 16" -g -r "$2" -l "$3" "$S" ;;
	esac >/dev/null 2>&1
}

for c in hpa curl atftp; do
	for f in f0 f511 f512 f513 f4404 f65536 big40; do
		fetch $c $f "$T/out/$c-$f"
		if cmp -s "$R/$f" "$T/out/$c-$f"; then
			ok "$c gets $f ($(stat -c %s "$R/$f") bytes) intact"
		else
			not_ok "$c gets $f"
		fi
	done
done
# "sent" is logged when the last ACK comes in, after the client has gone:
# waited for, as every "sent" line below.
wait_log "$LOG" "sent big40 to .* blksize 512 windowsize 1," 10 &&
    ok "40 MiB at blksize 512: 81921 blocks, past 65535 (rollover)" ||
    not_ok "no 40 MiB transfer at blksize 512 in the log"
wait_log "$LOG" "sent big40 to .* blksize 1468 windowsize 16," 10 &&
    ok "40 MiB with windowsize 16 (atftp)" ||
    not_ok "no windowsize 16 transfer in the log"
check "the client's round trip is measured (busy-poll)" \
    wait_log "$LOG" \
    "sent big40 to .* windowsize 16, .* round trip [1-9][0-9]* us" 10

# ---- IPv6 ----
# fetch6 CLIENT NAME OUT: the same downloads, to [fd77::1].
fetch6() {
	rm -f "$3"
	case $1 in
	hpa)	in_cli timeout 120 tftp -6 "$S6" -m binary -c get "$2" "$3" ;;
	curl)	in_cli timeout 120 curl -s --tftp-blksize 1468 -o "$3" \
		    "tftp://[$S6]/$2" && touch "$3" ;;
	atftp)	in_cli timeout 120 atftp --option "blksize 1468" \
		    --option "windowsize 16" -g -r "$2" -l "$3" "$S6" ;;
	esac >/dev/null 2>&1
}
check "TFTP listens on IPv6 port 69" sh -c \
    "ip netns exec $NS_SRV ss -lun6 | grep -q '\[::\]:69 '"
for c in hpa curl atftp; do
	for f in f0 f513 f65536; do
		fetch6 $c $f "$T/out/v6-$c-$f"
		if cmp -s "$R/$f" "$T/out/v6-$c-$f"; then
			ok "IPv6: $c gets $f intact"
		else
			not_ok "IPv6: $c gets $f"
		fi
	done
done
fetch6 hpa big40 "$T/out/v6-big40"
check "IPv6: 40 MiB at blksize 512, past 65535 blocks" \
    cmp -s "$R/big40" "$T/out/v6-big40"
check "IPv6: the log names the peer [fd77::2]:port" \
    wait_log "$LOG" \
    "sent big40 to \[$C6\]:[0-9]+, .* blksize 512 windowsize 1," 10
# blksize stops at the MTU less 40 + 8 + 4 bytes of headers for IPv6.
check "IPv6: blksize 1468 capped to 1448, windowsize 16 (atftp)" \
    grep -Eq "sent f65536 to \[$C6\]:[0-9]+, .* blksize 1448 windowsize 16," \
    "$LOG"
check "IPv6: tsize acknowledged (curl)" \
    grep -Eq "sent f65536 to \[$C6\]:[0-9]+, .* blksize 1448 windowsize 1 tsize" \
    "$LOG"
fetch6 curl grubx64.efi "$T/out/v6-grub"
check "IPv6: the host's tftp-alias, the MAC from the neighbour table" \
    cmp -s "$R/shim/grubx64.efi" "$T/out/v6-grub"
fetch6 hpa ../etc/passwd "$T/out/v6-bad"
check "IPv6: a hostile name is refused and logged" sh -c \
    "[ ! -s '$T/out/v6-bad' ] && grep -q 'refused \"../etc/passwd\" from \[$C6\]:[0-9]*: \"..\" in the path' '$LOG'"
# A link-local peer: the reply must leave by the interface it came in on.
# Its address has to be usable first (duplicate address detection).
tentative() {
	ip -n "$1" -6 addr show dev "$2" scope link | grep -q tentative
}
ll_ready() {
	! tentative "$NS_SRV" "$NETNS_SRV_IF" &&
	    ! tentative "$NS_CLI" "$NETNS_CLI_IF"
}
wait_for 10 ll_ready || not_ok "link-local addresses left tentative"
LL=$(in_srv ip -6 -o addr show dev "$NETNS_SRV_IF" scope link |
    sed -n 's/.* inet6 \(fe80::[0-9a-f:]*\)\/.*/\1/p')
in_cli timeout 60 curl -s -o "$T/out/v6-ll" \
    "tftp://[$LL%25$NETNS_CLI_IF]/f65536" >/dev/null 2>&1
check "IPv6 link-local: curl gets f65536 from [$LL]" \
    cmp -s "$R/f65536" "$T/out/v6-ll"
check "IPv6 link-local: logged with the peer's fe80:: address" \
    wait_log "$LOG" "sent f65536 to \[fe80::[0-9a-f:]+\]:[0-9]+," 10

# Netascii: the client turns CR LF and CR NUL back into the text.
fetch hpa-ascii text.txt "$T/out/text.txt"
check "netascii round trip" cmp -s "$R/text.txt" "$T/out/text.txt"

# The alias for this host.
fetch curl grubx64.efi "$T/out/grub"
check "tftp-alias: grubx64.efi served from shim/" \
    cmp -s "$R/shim/grubx64.efi" "$T/out/grub"
fetch curl inside-link/inner "$T/out/inner"
check "a symlink inside the root is followed" \
    cmp -s "$R/sub/inner" "$T/out/inner"

# A rule for this client's MAC refuses windowsize: atftp gets lock-step.
cat > "$T/conf.d/20-refuse.conf" <<EOC
match "this-client" {
  mac = "$CLIMAC"
  tftp-refuse = { "windowsize" }
}
EOC
reload "with a rule"
fetch atftp f65536 "$T/out/refused-ws"
check "the rule's transfer is intact" cmp -s "$R/f65536" "$T/out/refused-ws"
check "windowsize refused by the rule for this client's MAC" \
    wait_log "$LOG" \
    "sent f65536 to .* blksize 1468 windowsize 1 \(options refused by rule\)" 10
rm "$T/conf.d/20-refuse.conf"
reload "without it"

# busy-poll = 0: the loop sleeps right after each window; windows and
# lock-step still go through.
sed -i 's/sockets = 16/sockets = 16 busy-poll = 0/' "$T/pxed.conf"
reload "with busy-poll = 0"
fetch atftp f65536 "$T/out/nopoll-ws"
check "busy-poll = 0: windowsize 16 intact" \
    cmp -s "$R/f65536" "$T/out/nopoll-ws"
fetch curl f65536 "$T/out/nopoll-ls"
check "busy-poll = 0: lock-step intact" cmp -s "$R/f65536" "$T/out/nopoll-ls"
sed -i 's/ busy-poll = 0//' "$T/pxed.conf"
reload "with busy-poll back to its default"

# Hostile names (sent as written by tftp-hpa; curl would normalise
# them): refused, logged, nothing from outside the root.
long=$(head -c 1000 /dev/zero | tr '\0' 'x')
for bad in ../etc/passwd /../../x a/../../b escape "$long" dir.efi fifo \
    private "..\\..\\secret"; do
	fetch hpa "$bad" "$T/out/bad"
	if [ -s "$T/out/bad" ]; then
		not_ok "hostile name served: $(echo "$bad" | cut -c1-40)"
	else
		ok "hostile name refused: $(echo "$bad" | cut -c1-40)"
	fi
done
# Waited for: a refusal whose log_rate slot spoke for another within the
# second is written up to a second later (log.h).
check "refusals are logged with the exact name" \
    wait_log "$LOG" "refused \"\.\./etc/passwd\" from $NETNS_CLI_IP:[0-9]*: \"\.\.\" in the path" 5
check "symlink out of the root logged" \
    wait_log "$LOG" 'refused "escape" from .*: symlink leaves the root' 5
check "unreadable file logged" \
    wait_log "$LOG" 'refused "private" from .*: permission denied' 5
check "fifo logged" \
    wait_log "$LOG" 'refused "fifo" from .*: not a regular file' 5
check "directory logged" \
    wait_log "$LOG" 'refused "dir\.efi" from .*: not a regular file' 5
if grep -rq "SECRET-OUTSIDE-$$" "$T/out" 2>/dev/null; then
	not_ok "a file outside the root was sent"
else
	ok "nothing outside the root was sent"
fi
echo hello > "$T/out/up"
in_cli tftp "$S" -c put "$T/out/up" up >/dev/null 2>&1
check "write request refused and logged" \
    grep -q 'write request for "up" .* refused: read-only server' "$LOG"

# Loss: 10 % of DATA (to the client) and of ACKs (to the server) dropped
# (nftables, on the TFTP opcode; this kernel has no netem, so no added
# delay); the transfer still completes.  The request and the option
# negotiation are spared, and the client is tftp-hpa: atftp gives up when
# its first RRQ is lost, aborts on a repeated OACK and never re-ACKs a
# window whose ACK was lost; curl asks for timeout 6, a minute of waiting
# at this rate.  Window resends are covered by the engine's unit tests.
loss() {
	for ns in "$NS_SRV" "$NS_CLI"; do
		ip netns exec "$ns" nft "$1" table inet pxedloss 2>/dev/null
	done
	[ "$1" = add ] || return 0
	for ns in "$NS_SRV" "$NS_CLI"; do
		ip netns exec "$ns" nft add chain inet pxedloss in \
		    '{ type filter hook input priority 0; }' || return 1
	done
	ip netns exec "$NS_CLI" nft add rule inet pxedloss in \
	    meta l4proto udp @th,64,16 3 numgen random mod 100 '<' 10 drop &&
	ip netns exec "$NS_SRV" nft add rule inet pxedloss in \
	    meta l4proto udp @th,64,16 4 @th,80,16 != 0 \
	    numgen random mod 100 '<' 10 drop
}
loss add || not_ok "nftables loss"
fetch hpa f65536 "$T/out/lossy-hpa"
check "tftp-hpa, 10 % loss: intact" cmp -s "$R/f65536" "$T/out/lossy-hpa"
# Evidence of loss: a transfer of it resent blocks.  tftp-hpa may give up
# on one attempt and retry: the attempt it abandoned is logged, with its
# retransmissions, only when it times out on the server, after the retry
# has finished; so wait (bounded) for either line, IPv4 client only.
lossy_resent() {
	grep -E "(sent|failed) f65536 to $NETNS_CLI_IP:.*blksize 512" "$LOG" |
	    grep -Eq "[ (][1-9][0-9]* retransmits"
}
wait_for 90 lossy_resent &&
    ok "it did lose and resend" || not_ok "no retransmission under loss"
loss delete
grep "sent f65536 .*retransmit" "$LOG" | tail -n 2 | sed 's/^.*tftp: /  # /'

# A reload while a transfer runs: the transfer finishes, rules change.
fetch hpa big40 "$T/out/reload-big" &
FP=$!
sleep 0.5
cat > "$T/conf.d/10-client.conf" <<EOC
host "client" {
  mac = "$CLIMAC"
  tftp-alias = { "grubx64.efi=sub/inner" }
}
EOC
reload "during a transfer"
wait $FP
check "a transfer survives a reload" cmp -s "$R/big40" "$T/out/reload-big"
fetch curl grubx64.efi "$T/out/grub2"
check "the reloaded alias applies to the next request" \
    cmp -s "$R/sub/inner" "$T/out/grub2"

# The transfer limit: beyond it, "server busy" and one log line.  Start
# from no transfer at all (SIGUSR1 reports the count).
idle() {
	n=0
	while [ $n -lt 60 ]; do
		before=$(count_log "$LOG" "state: tftp ")
		kill -USR1 $PID
		wait_log "$LOG" "state: tftp " 2 >/dev/null 2>&1
		sleep 0.2
		grep "state: tftp " "$LOG" | tail -n 1 | grep -q " 0 active" &&
		    return 0
		sleep 0.5
		n=$((n + 1))
	done
	return 1
}
check "no transfer left before the limit test" idle
sed -i 's/max-transfers = 1000/max-transfers = 2/' "$T/pxed.conf"
reload "to max-transfers 2"
BP=""
for i in 1 2 3 4; do
	fetch hpa big40 "$T/out/busy$i" &
	BP="$BP $!"
done
wait $BP
busy=0
for i in 1 2 3 4; do
	cmp -s "$R/big40" "$T/out/busy$i" || busy=$((busy + 1))
done
check "over max-transfers, requests are refused ($busy of 4)" \
    test "$busy" -ge 1 -a "$busy" -le 2 ||
    grep -E "big40|busy|failed" "$LOG" | tail -n 12 | sed 's/^/  # /'
check "busy is logged" grep -q "tftp: busy, refused" "$LOG"
sed -i 's/max-transfers = 2/max-transfers = 1000/' "$T/pxed.conf"
reload "back to max-transfers 1000"

# 500 clients at once, each a 64 KiB file at blksize 1468; the fds used
# stay within the fixed socket pool.
N=500
# Before the storm: the listening sockets, the transfer socket pools (the
# IPv6 one is open since the IPv6 transfers above), logs, the loop.
base=$(ls /proc/$PID/fd 2>/dev/null | wc -l)
mkdir -p "$T/storm"
chmod 777 "$T/storm"
in_cli sh -c "
	i=0
	while [ \$i -lt $N ]; do
		timeout 120 curl -s --tftp-blksize 1468 -o $T/storm/\$i \
		    tftp://$S/f65536 &
		i=\$((i + 1))
	done
	wait" &
STORM=$!
maxfd=0
while kill -0 $STORM 2>/dev/null; do
	n=$(ls /proc/$PID/fd 2>/dev/null | wc -l)
	[ "$n" -gt "$maxfd" ] && maxfd=$n
	sleep 0.1
done
good=0
for f in "$T"/storm/*; do
	cmp -s "$R/f65536" "$f" && good=$((good + 1))
done
check "$N clients at once: $good intact" test "$good" -eq $N
# 500 transfers may add the one descriptor of the file they share (and a
# file or two of the requests around them), never one per transfer.
check "descriptors stayed in the pool: at most $maxfd open ($base before)" \
    test "$maxfd" -le $((base + 4))
kill -USR1 $PID
wait_log "$LOG" "state: tftp 0 active" 5 &&
    grep "state: tftp" "$LOG" | tail -n 1 | sed 's/^.*state: /  # /'

# What ended badly, for whoever reads this log (client give-ups included).
grep -E "tftp: (failed|.* stopped)" "$LOG" | sed 's/^.*tftp: /  # /'

pxed_stop TERM
check "pxed exits 0" test $? -eq 0
pxed_test_done
