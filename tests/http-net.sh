#!/bin/sh
# http-net.sh: pxed's HTTP server against curl on a private network
# namespace's loopback: GET and HEAD, Content-Length and Content-Type,
# keep-alive, If-Modified-Since, byte ranges (past 4 GiB on a sparse
# 5 GiB file) with 206 and 416, hostile paths, methods, iPXE scripts
# rendered per host with their variables checked at load, /metrics and
# /state on the main port and on a status address, the chainload loop
# guard, and one access-log line per request; IPv6 on ::1 (files,
# scripts with a bracketed ${http}, the access log, IPv6 settings).
. "$(dirname "$0")/lib.sh"
pxed_need curl tcpdump
pxed_net_init lo
in_ns() { ip netns exec "$NS" "$@"; }
U=http://127.0.0.1:8080
R="$T/root"
mkdir -p "$R/sub" "$T/conf.d"
chmod 755 "$T"
head -c 1024 /dev/urandom > "$R/small.bin"
head -c 3000000 /dev/urandom > "$R/big.bin"
: > "$R/empty.bin"
truncate -s 5G "$R/huge.iso"
printf 'TAIL-PAST-4GIB' | dd of="$R/huge.iso" bs=1 seek=$((5 * 1024 * 1024 * 1024 - 14)) conv=notrunc 2>/dev/null
printf 'AT-4GIB' | dd of="$R/huge.iso" bs=1 seek=$((4 * 1024 * 1024 * 1024 + 100)) conv=notrunc 2>/dev/null
echo "kernel" > "$R/sub/vmlinuz"
head -c 2048 /dev/urandom > "$R/ipxe.efi"
echo "SECRET-$$" > "$T/secret"
ln -s "$T/secret" "$R/escape"
touch -d "2026-01-01 00:00:00 UTC" "$R/small.bin"
cat > "$R/boot.ipxe" <<'EOS'
#!ipxe
echo host ${hostname} mac ${mac} arch ${arch} role ${role}
echo iPXE's own: ${platform} ${buildarch} ${net0/mac} $${mac}
chain ${http}/sub/vmlinuz?tags=${tags}
EOS
cat > "$T/pxed.conf" <<EOC
conf-dir = "$T/conf.d"
loop-count = 3
loop-window = 60
dhcp { mode = off }
tftp { enable = no }
http { port = 8080 status-address = "127.0.0.1:9100" }
EOC
cat > "$T/conf.d/10-hosts.conf" <<'EOC'
match "efi64" { arch = efi-x64 }
host "alpha" { mac = "52:54:00:00:00:0a" hostname = "alpha" vars = { "role=compute" } }
host "beta"  { mac = "52:54:00:00:00:0b" hostname = "beta"  vars = { "role=storage" } tags = { "efi64" } }
boot "uefi" { if = "efi64" filename = "ipxe.efi" }
EOC
LOG="$T/log"
pxed_start -n "$NS" -w "http: serving" "$LOG" -v -f "$T/pxed.conf" -r "$R"
PID=$PXPID

# curl_code URL [ARGS]: print the status code.
code() {
	u=$1
	shift
	in_ns curl -s -o /dev/null -w "%{http_code}" "$@" "$U$u"
}
hdr() {	# URL HEADER [ARGS]: one response header's value
	u=$1 h=$2
	shift 2
	in_ns curl -s -D - -o /dev/null "$@" "$U$u" |
	    tr -d '\r' | sed -n "s/^$h: //Ip" | head -n 1
}

# ---- static files ----
in_ns curl -s -o "$T/got.bin" "$U/big.bin"
check "GET big.bin: the same bytes" cmp -s "$R/big.bin" "$T/got.bin"
check "Content-Length of big.bin is 3000000" \
    test "$(hdr /big.bin Content-Length)" = 3000000
check "Content-Type of a .efi is application/efi" \
    test "$(hdr /ipxe.efi Content-Type)" = application/efi
check "Content-Type of a .iso is application/x-iso9660-image" \
    test "$(hdr /huge.iso Content-Type -I)" = application/x-iso9660-image
check "HEAD: 200, Content-Length, no body" test \
    "$(in_ns curl -s -I -o /dev/null -w '%{http_code} %{size_download}' "$U/big.bin") $(hdr /big.bin Content-Length -I)" = \
    "200 0 3000000"
check "an empty file: 200 with Content-Length 0" \
    test "$(code /empty.bin)$(hdr /empty.bin Content-Length)" = 2000
check "Last-Modified is the file's time" \
    test "$(hdr /small.bin Last-Modified)" = "Thu, 01 Jan 2026 00:00:00 GMT"
check "If-Modified-Since not older: 304" test "$(code /small.bin \
    -H 'If-Modified-Since: Thu, 01 Jan 2026 00:00:00 GMT')" = 304
check "If-Modified-Since older: 200" test "$(code /small.bin \
    -H 'If-Modified-Since: Wed, 31 Dec 2025 23:59:59 GMT')" = 200
check "keep-alive: two requests, one connection" sh -c \
    "ip netns exec $NS curl -sv -o /dev/null -o /dev/null $U/small.bin $U/small.bin 2>&1 | grep -q 'Re-using existing connection'"

# ---- several large downloads at once ----
# A file goes out at most sendfile-chunk (2 MiB) per connection and loop
# turn: the connections take turns, a slow one among them, and every byte
# arrives.
head -c 24000000 /dev/urandom > "$R/large.bin"
in_ns curl -s -m 60 --limit-rate 1M -o "$T/slow.bin" "$U/big.bin" &
SLOW=$!
in_ns curl -s --parallel --parallel-immediate -o "$T/p1" "$U/large.bin" \
    -o "$T/p2" "$U/large.bin" -o "$T/p3" "$U/large.bin" -o "$T/p4" \
    "$U/big.bin" -o "$T/p5" "$U/small.bin"
check "5 downloads at once, 3 of 24 MB: the same bytes" sh -c "cmp -s \
    '$R/large.bin' '$T/p1' && cmp -s '$R/large.bin' '$T/p2' && cmp -s \
    '$R/large.bin' '$T/p3' && cmp -s '$R/big.bin' '$T/p4' && cmp -s \
    '$R/small.bin' '$T/p5'"
check "a small file is answered beside the slow download" \
    test "$(code /small.bin)" = 200
wait $SLOW
check "the slow download (3 MB at 1 MiB/s) has every byte" \
    cmp -s "$R/big.bin" "$T/slow.bin"
# Widened sendfile() calls stop at the end of the response: a range in
# the middle of a file, and two whole files on one kept-alive connection.
# A byte past the range would corrupt the next response.
in_ns curl -sv -r 1000-20001000 -o "$T/r20a" "$U/large.bin" \
    -o "$T/r20b" "$U/large.bin" 2> "$T/r20.err"
tail -c +1001 "$R/large.bin" | head -c 20000001 > "$T/r20.want"
check "Range 1000-20001000 of 24 MB twice, kept alive: exactly those bytes" \
    sh -c "grep -q 'Re-using existing connection' '$T/r20.err' && \
    cmp -s '$T/r20a' '$T/r20.want' && cmp -s '$T/r20b' '$T/r20.want'"
in_ns curl -sv -o "$T/k1" "$U/large.bin" -o "$T/k2" "$U/large.bin" \
    2> "$T/k.err"
check "keep-alive: two 24 MB downloads, one connection, every byte" sh -c \
    "grep -q 'Re-using existing connection' '$T/k.err' && cmp -s \
    '$R/large.bin' '$T/k1' && cmp -s '$R/large.bin' '$T/k2'"
rm -f "$R/large.bin" "$T"/p[1-5] "$T"/r20* "$T"/k[12] "$T/k.err"

# cork-header (on by default): a file sent by sendfile has its header in
# the first segment of its body, as nginx's tcp_nopush; libmicrohttpd
# alone sends the header as a segment of its own (about 200 bytes).  The
# first segment that carries data from the server, as tcpdump sees it on
# the loopback (-c 1: it ends by itself after it).
ip netns exec "$NS" tcpdump -i lo -n -U -c 1 -w "$T/first.pcap" \
    'tcp src port 8080 and (((ip[2:2] - ((ip[0] & 0xf) << 2)) - ((tcp[12] & 0xf0) >> 2)) != 0)' \
    > "$T/tcpdump.log" 2>&1 &
TCPD=$!
PIDS="$PIDS $TCPD"
wait_log "$T/tcpdump.log" "listening on" 10
in_ns curl -s -o "$T/c1" "$U/big.bin"
tcpd_done() { ! pid_alive "$TCPD"; }
wait_for 10 tcpd_done
# The dump goes to a file: its bytes (sequence numbers, the body) may
# hold quotes or newlines anywhere.
tcpdump -r "$T/first.pcap" -n -c 1 2>/dev/null > "$T/first.txt"
FLEN=$(sed -n '1s/.* length \([0-9][0-9]*\).*/\1/p' "$T/first.txt")
tcpdump -r "$T/first.pcap" -n -A -c 1 2>/dev/null > "$T/first.dump"
check "cork-header: the header leaves with the body (first segment: ${FLEN:-none} bytes)" \
    sh -c "grep -aq 'HTTP/1.1 200' '$T/first.dump' && [ '${FLEN:-0}' -gt 1000 ] && cmp -s '$R/big.bin' '$T/c1'"
rm -f "$T/c1" "$T/first.pcap" "$T/first.txt" "$T/first.dump"
# With the header held for the body, a body that libmicrohttpd sends in
# one call (64 to 128 KiB, or a range of that size) gets no push of its
# own: pxed must do the push it withheld, or the response's last bytes,
# and the responses after it on the connection, wait for the kernel's
# 200 ms cork timer.  Each response here, on two kept-alive connections
# (files of 100 KiB, a range, a 3 MB file and files from memory, each
# kind before and after the others), must take less than 0.15 s; they
# take a few ms, a wait for the cork timer at least 0.2 s.
head -c 102400 /dev/urandom > "$R/mid.bin"
W='%{time_total} %{num_connects}\n'
in_ns curl -s -w "$W" -o "$T/m1" "$U/mid.bin" -o /dev/null \
    "$U/small.bin" -o "$T/m2" "$U/mid.bin" -o /dev/null "$U/big.bin" \
    -o "$T/m3" "$U/mid.bin" -o /dev/null "$U/small.bin" \
    -o /dev/null "$U/boot.ipxe" > "$T/mid.t"
in_ns curl -s -w "$W" -r 1000-101000 -o "$T/m4" "$U/big.bin" -: -w "$W" \
    -o /dev/null "$U/big.bin" -o /dev/null "$U/small.bin" \
    -o "$T/m5" "$U/mid.bin" >> "$T/mid.t"
MIDT=$(awk '$1 > m { m = $1 } END { printf "%.3f", m }' "$T/mid.t")
tail -c +1001 "$R/big.bin" | head -c 100001 > "$T/m4.want"
# 11 responses, 2 connections (curl counts a new one as 1): kept alive.
check "cork-header: 11 responses of 100 KiB, a range, 3 MB and from memory on 2 connections, the slowest in ${MIDT} s (under 0.15)" \
    sh -c "[ \$(wc -l < '$T/mid.t') -eq 11 ] && [ \$(awk '{ c += \$2 } END { print c }' '$T/mid.t') -eq 2 ] && awk '\$1 >= 0.15 { exit 1 }' '$T/mid.t' && cmp -s '$R/mid.bin' '$T/m1' && cmp -s '$R/mid.bin' '$T/m2' && cmp -s '$R/mid.bin' '$T/m3' && cmp -s '$T/m4.want' '$T/m4' && cmp -s '$R/mid.bin' '$T/m5'"
rm -f "$R/mid.bin" "$T"/m[1-5] "$T/m4.want" "$T/mid.t"

# ---- ranges ----
in_ns curl -s -r 100-199 -o "$T/r1" "$U/big.bin"
dd if="$R/big.bin" bs=1 skip=100 count=100 of="$T/r1.want" 2>/dev/null
check "Range 100-199: 206 and exactly those bytes" sh -c \
    "cmp -s '$T/r1' '$T/r1.want' && [ \$(ip netns exec $NS curl -s -r 100-199 -o /dev/null -w '%{http_code}' $U/big.bin) = 206 ]"
check "Content-Range of 100-199" \
    test "$(hdr /big.bin Content-Range -r 100-199)" = "bytes 100-199/3000000"
check "Range -10: the last 10 bytes" test \
    "$(in_ns curl -s -r -10 "$U/big.bin" | od -An -tx1 | tr -d ' \n')" = \
    "$(tail -c 10 "$R/big.bin" | od -An -tx1 | tr -d ' \n')"
check "Range 2999990-: 10 bytes, Content-Range to the end" \
    test "$(hdr /big.bin Content-Range -r 2999990-)" = "bytes 2999990-2999999/3000000"
check "Range past the end: 416 with bytes */size" \
    test "$(code /big.bin -r 3000000-)$(hdr /big.bin Content-Range -r 3000000-)" = "416bytes */3000000"
check "several ranges: the whole file, 200" test "$(code /big.bin -r 0-1,5-6)" = 200

# ---- small files, kept in memory between requests (http_cache.c) ----
# mem_answers: the answers from memory so far, from a new state line
mem_answers() {
	_ma_n=$(grep -c "small files read" "$LOG")
	kill -USR1 "$PID"
	wait_for 5 sh -c "[ \$(grep -c 'small files read' '$LOG') -gt $_ma_n ]" ||
	    { echo -1; return; }
	grep -o "answered [0-9]* times from memory" "$LOG" | tail -n 1 |
	    tr -dc 0-9
}
head -c 3000 /dev/urandom > "$R/kept.bin"
# kept_answered: 4 requests on one connection, the same bytes each time,
# and at least one answered from memory (the state line's count went up;
# the requests of one try fall within the second a kept file is used for)
kept_answered() {
	_ka_m0=$(mem_answers)
	in_ns curl -s -o "$T/k0" "$U/kept.bin" -o "$T/k1" "$U/kept.bin" \
	    -o "$T/k5" "$U/kept.bin" -o "$T/k6" "$U/kept.bin"
	_ka_m1=$(mem_answers)
	for _ka_f in k0 k1 k5 k6; do
		cmp -s "$R/kept.bin" "$T/$_ka_f" || return 2
	done
	[ "$_ka_m0" -ge 0 ] && [ "$_ka_m1" -gt "$_ka_m0" ]
}
kept_answered
ka=$?
# Not one answer from memory in a try: only a very slow machine; again.
n=0
while [ $ka -eq 1 ] && [ $n -lt 5 ]; do
	kept_answered
	ka=$?
	n=$((n + 1))
done
check "a small file 4 times: the same bytes every time" test $ka -ne 2
check "a small file 4 times: answered from memory (the state line)" \
    test $ka -eq 0
in_ns curl -s -r 100-199 -o "$T/k2" "$U/kept.bin"
dd if="$R/kept.bin" bs=1 skip=100 count=100 of="$T/k2.want" 2>/dev/null
check "a kept small file, Range 100-199: exactly those bytes" \
    cmp -s "$T/k2" "$T/k2.want"
printf 'EDITED' >> "$R/kept.bin"
in_ns curl -s -o "$T/k3" "$U/kept.bin"
check "a kept small file edited in place: the new bytes at once" \
    cmp -s "$R/kept.bin" "$T/k3"
head -c 3006 /dev/urandom > "$R/kept.new"
mv "$R/kept.new" "$R/kept.bin"
in_ns curl -s -o "$T/k4" "$U/kept.bin"
check "a kept small file replaced by rename, same size: the new bytes" \
    cmp -s "$R/kept.bin" "$T/k4"
rm "$R/kept.bin"
check "a kept small file removed: 404 at once" \
    test "$(code /kept.bin)" = 404
check "a malformed Range is ignored: 200" \
    test "$(code /big.bin -H 'Range: bytes=x-y')" = 200
check "5 GiB sparse file: Content-Length 5368709120" \
    test "$(hdr /huge.iso Content-Length -I)" = 5368709120
check "a range past 4 GiB: the bytes written there" test \
    "$(in_ns curl -s -r $((4 * 1024 * 1024 * 1024 + 100))-$((4 * 1024 * 1024 * 1024 + 106)) "$U/huge.iso")" = AT-4GIB
check "the last 14 bytes of 5 GiB (suffix range)" \
    test "$(in_ns curl -s -r -14 "$U/huge.iso")" = TAIL-PAST-4GIB

# ---- hostile paths and methods ----
for p in '/../secret' '/%2e%2e/secret' '/sub/%2E%2E/%2e%2e/secret' \
    '/sub/..%2f..%2fsecret' '/..%5c..%5csecret'; do
	c=$(code "$p" --path-as-is)
	check "$p refused (403)" test "$c" = 403
done
check "an encoded NUL is refused (400)" test "$(code '/small.bin%00.txt')" = 400
check "an encoded control character is refused (400)" test "$(code '/small%0a.bin')" = 400
check "a bad escape is refused (400)" test "$(code '/small%zz.bin')" = 400
check "a symlink out of the root is refused (403)" test "$(code /escape)" = 403
check "an absolute path stays in the root: /etc/passwd is 404" \
    test "$(code //etc/passwd --path-as-is)" = 404
check "a directory is not served (404)" test "$(code /sub)" = 404
check "a missing file: 404" test "$(code /nope)" = 404
check "POST: 405 with Allow" sh -c "[ \$(ip netns exec $NS curl -s -o /dev/null -w '%{http_code}' -X POST -d x $U/small.bin) = 405 ] &&
    ip netns exec $NS curl -s -D - -o /dev/null -X DELETE $U/small.bin | grep -qi '^Allow: GET, HEAD'"
check "the secret was never sent" sh -c "! grep -rq 'SECRET-$$' '$T'/r1 '$T'/got.bin"
check "refusals are logged with the path as sent" \
    wait_log "$LOG" 'http: GET /%2e%2e/secret from 127\.0\.0\.1:[0-9]* refused: "\.\." in the path' 5

# ---- iPXE scripts ----
in_ns curl -s "$U/boot.ipxe?mac=52:54:00:00:00:0a" > "$T/alpha.ipxe"
in_ns curl -s "$U/boot.ipxe?mac=52-54-00-00-00-0b" > "$T/beta.ipxe"
check "alpha's script: hostname, MAC, role=compute" \
    grep -qx 'echo host alpha mac 52:54:00:00:00:0a arch  role compute' "$T/alpha.ipxe"
check "beta's script: hostname, MAC, role=storage" \
    grep -qx 'echo host beta mac 52:54:00:00:00:0b arch  role storage' "$T/beta.ipxe"
check "iPXE's own settings and \$\${mac} reach iPXE untouched" \
    grep -qxF 'echo iPXE'"'"'s own: ${platform} ${buildarch} ${net0/mac} ${mac}' "$T/alpha.ipxe"
check "\${http} and \${tags}: beta chains with its tags" \
    grep -qx 'chain http://127.0.0.1:8080/sub/vmlinuz?tags=known,efi64' "$T/beta.ipxe"
check "a script is served with no-store" \
    test "$(hdr '/boot.ipxe?mac=52:54:00:00:00:0a' Cache-Control)" = no-store

# ---- status ----
S=http://127.0.0.1:9100
in_ns curl -s "$S/metrics" > "$T/metrics"
check "/metrics is Prometheus text with HELP and TYPE" sh -c \
    "grep -q '^# TYPE pxed_http_requests_total counter' '$T/metrics' && grep -q '^pxed_config_generation 1\$' '$T/metrics'"
check "/metrics parses: every sample line is NAME{LABELS} VALUE" sh -c \
    "! grep -v '^#' '$T/metrics' | grep -Evq '^[a-z_][a-z0-9_]*(\{[a-z_]+=\"[^\"]*\"\})? [0-9]+\$'"
N2=$(sed -n 's/^pxed_http_requests_total{code="2xx"} //p' "$T/metrics")
N4=$(sed -n 's/^pxed_http_requests_total{code="4xx"} //p' "$T/metrics")
check "/metrics counts the requests so far (2xx $N2, 4xx $N4)" \
    sh -c "[ '$N2' -ge 20 ] && [ '$N4' -ge 12 ]"
check "/state is JSON with the generation" sh -c \
    "ip netns exec $NS curl -s $S/state | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d[\"generation\"] == 1 and d[\"tftp_transfers\"] == [] else 1)'"
check "with a status-address, the main port has no /metrics (404)" \
    test "$(code /metrics)" = 404
check "the status address serves nothing else (404)" test \
    "$(in_ns curl -s -o /dev/null -w '%{http_code}' "$S/small.bin")" = 404

# ---- the chainload loop guard ----
for i in 1 2 3; do
	in_ns curl -s -o /dev/null "$U/ipxe.efi?mac=52:54:00:00:00:0b"
done
wait_log "$LOG" 'loop: 52:54:00:00:00:0b fetched ipxe.efi over http 3 times' 3 &&
    ok "3 fetches of ipxe.efi by one MAC: a loop warning" ||
    not_ok "3 fetches of ipxe.efi by one MAC: a loop warning"
check "the warning names the boot entry and its file:line" \
    grep -q "boot entry \"uefi\" at $T/conf.d/10-hosts.conf:4" "$LOG"

# ---- access log ----
check "one access-log line per request: client, method, path, status, bytes, time" \
    grep -Eq 'http: 127\.0\.0\.1:[0-9]+ GET /big\.bin 200 3000000 bytes [0-9.]+ s' "$LOG"

# ---- IPv6: one dual-stack socket ----
U6=http://[::1]:8080
in_ns curl -s -o "$T/got6.bin" "$U6/big.bin"
check "IPv6: GET big.bin from [::1]" cmp -s "$R/big.bin" "$T/got6.bin"
check "IPv6: Range 100-199 is 206" test "$(in_ns curl -s -r 100-199 \
    -o /dev/null -w '%{http_code}' "$U6/big.bin")" = 206
in_ns curl -s "$U6/boot.ipxe?mac=52:54:00:00:00:0b" > "$T/beta6.ipxe"
check "IPv6: \${http} in beta's script is the bracketed [::1]:8080" \
    grep -qx 'chain http://\[::1\]:8080/sub/vmlinuz?tags=known,efi64' \
    "$T/beta6.ipxe"
check "IPv6: the access log names [::1]:port" \
    grep -Eq 'http: \[::1\]:[0-9]+ GET /big\.bin 200 3000000 bytes' "$LOG"
check "IPv6: hostile paths are refused the same (403)" test \
    "$(in_ns curl -s -o /dev/null -w '%{http_code}' --path-as-is "$U6/../secret")" = 403
check "an IPv4 client is still 127.0.0.1, not ::ffff:127.0.0.1" sh -c \
    "! grep -q 'ffff:' '$LOG'"
# Settings: an IPv6 literal for address, [ADDRESS]:PORT for status-address.
sed 's/status-address = "127.0.0.1:9100"/address = "::1" status-address = "[::1]:9100"/' \
    "$T/pxed.conf" > "$T/v6.conf"
check "pxed -t accepts address = \"::1\" and status-address = \"[::1]:9100\"" \
    "$PXED" -t -f "$T/v6.conf" -r "$R"
sed 's/status-address = "127.0.0.1:9100"/status-address = "::1:9100"/' \
    "$T/pxed.conf" > "$T/bad6.conf"
"$PXED" -t -f "$T/bad6.conf" -r "$R" > "$T/t6.out" 2>&1
check "pxed -t: an IPv6 status-address without brackets is file:line" \
    grep -q 'bad6.conf:6: status-address: "::1:9100" is not ADDRESS:PORT or \[IPV6\]:PORT' \
    "$T/t6.out"

# ---- a script with an unknown variable is a load error ----
printf '#!ipxe\necho ${nosuchvar}\n' > "$R/bad.ipxe"
"$PXED" -t -f "$T/pxed.conf" -r "$R" > "$T/t.out" 2>&1
check "pxed -t: an unknown variable in a script is file:line" \
    grep -q "$R/bad.ipxe:2: \${nosuchvar} is neither a pxed variable nor an iPXE setting" "$T/t.out"
kill -HUP $PID
wait_log "$LOG" "reload failed" 5 && ok "a reload with it fails" ||
    not_ok "a reload with it fails"
check "and the old scripts keep serving" \
    grep -qx 'echo host alpha mac 52:54:00:00:00:0a arch  role compute' \
    "$(in_ns curl -s -o "$T/again.ipxe" "$U/boot.ipxe?mac=52:54:00:00:00:0a"; echo "$T/again.ipxe")"
rm -f "$R/bad.ipxe"

[ "$FAILS" -eq 0 ] || tail -n 30 "$LOG"
pxed_test_done
