#!/bin/sh
# conf-check.sh: "pxed -t" and "pxed --explain" from the command line:
# the shipped main config with every shipped example enabled loads; each
# example alone loads; broken configurations exit 1 with file:line; the
# exit codes for a missing root (3) and interface (2); --explain on the
# seed-capture identities, with option 82 sub-options, and for DHCPv6 on
# the OVMF and iPXE captures.
. "$(dirname "$0")/lib.sh"
pxed_test_init

mkdir -p "$T/root" "$T/conf.d"
# The shipped main file, pointed at this test's conf.d.
{ cat "$SRCDIR/pxed.conf.example"; echo "conf-dir = \"$T/conf.d\""; } \
    > "$T/pxed.conf"

out=$("$PXED" -f "$T/pxed.conf" -r "$T/root" -t 2>&1)
check "shipped main config, examples as shipped (commented)" \
    test $? -eq 0
echo "$out" | grep -q "configuration OK:.* 0 boot entries" ||
    not_ok "commented examples define nothing: $out"

# Enable every example: "#line" becomes "line", "##" prose stays comment.
for f in "$SRCDIR"/conf.d/*.conf; do
	sed 's/^#//' "$f" > "$T/conf.d/$(basename "$f")"
done
out=$("$PXED" -f "$T/pxed.conf" -r "$T/root" -t 2>&1)
rc=$?
check "shipped main config with every example enabled: exit 0" \
    test "$rc" -eq 0
case $out in
*"configuration OK:"*"6 conf.d files"*"6 boot entries, 1 host"*)
	ok "every example counted: $out" ;;
*)	not_ok "unexpected summary: $out" ;;
esac

# Each example on its own.
for f in "$SRCDIR"/conf.d/*.conf; do
	rm -f "$T/conf.d"/*
	sed 's/^#//' "$f" > "$T/conf.d/$(basename "$f")"
	"$PXED" -f "$T/pxed.conf" -r "$T/root" -t >/dev/null 2>"$T/err"
	check "example $(basename "$f") alone loads" test $? -eq 0
	[ -s "$T/err" ] && sed 's/^/  | /' "$T/err"
done

# Broken configurations: file, content, expected "file:line: message".
rm -f "$T/conf.d"/*
broken() {
	name=$1 content=$2 want=$3
	rm -f "$T/conf.d"/*
	printf '%b' "$content" > "$T/conf.d/$name"
	"$PXED" -f "$T/pxed.conf" -r "$T/root" -t >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 1 ] && grep -qF -- "$T/conf.d/$want" "$T/err"; then
		ok "broken $name: $want"
	else
		not_ok "broken $name: exit $rc, wanted \"$want\", got:"
		sed 's/^/  | /' "$T/err"
	fi
}
broken a.conf 'match "x" {\n  arch = 7\n  colour = red\n}\n' \
    "a.conf:3: no such option 'colour'"
broken b.conf '# c\n# c\nboot "b" { filename = "x" }\n}\n' \
    "b.conf:4: unexpected closing brace"
broken c.conf 'match "x" {\n  arch = efi-sparc\n}\n' \
    'c.conf:2: arch: "efi-sparc" is neither a number'
broken d.conf 'host "h" {\n  mac = "52:54:00:zz:00:01"\n}\n' \
    'd.conf:2: mac: "52:54:00:zz:00:01" is not a MAC address'
broken e.conf 'match "a" { arch = 7 }\nboot "b" {\n  if = "a & !nobody"\n  filename = "x"\n}\n' \
    'e.conf:3: if = "a & !nobody": tag "nobody" is used but no match or host sets it'
broken f.conf 'boot "b" {\n\n  filename = "http://${server}/${nosuch}"\n}\n' \
    'f.conf:3: "http://${server}/${nosuch}": unknown template variable ${nosuch}'
broken g.conf 'host "a" { mac = "52:54:00:00:00:01" }\nhost "b" { mac = "52:54:00:00:00:01" }\n' \
    'g.conf:2: host "b": MAC 52:54:00:00:00:01 is already host "a" at '
broken h.conf 'host "a" { mac = "52:54:00:00:00:01" ip = 10.0.0.5 }\nhost "b" {\n  mac = "52:54:00:00:00:02"\n  ip = 10.0.0.5\n}\n' \
    'h.conf:2: host "b": ip 10.0.0.5 is already host "a" at '
broken i.conf 'match "a" { vendorclass = "x" }\nboot "b" { if = "a &" filename = "x" }\n' \
    'i.conf:2: if = "a &": a tag is missing at the end'
broken j.conf 'boot "b" {\n  filename = "x"\n  option = { "54=ip:10.0.0.1" }\n}\n' \
    'j.conf:3: option = "54=ip:10.0.0.1": option 54 is managed by pxed'
broken k.conf 'match "a" {\n  vendorclass = "PXEClient\n}\n' \
    'k.conf:2: unterminated string'
broken l.conf 'boot "b" {\n  filename = "x"\n  delay = 20000\n}\n' \
    'l.conf:3: delay: "20000" is not a number from 0 to 10000'
broken m.conf 'match "a" { arch = 7 }\nmatch "a" { arch = 9 }\n' \
    "m.conf:2: found duplicate title 'a'"

# Main-file errors: ranges.
rm -f "$T/conf.d"/*
cat > "$T/bad-main.conf" <<EOC
conf-dir = "$T/conf.d"
dhcp {
  mode = server
  range "a" { start = 10.0.0.10 end = 10.0.0.100 netmask = 255.255.255.0 }
  range "b" {
    start = 10.0.0.50
    end = 10.0.0.60
    netmask = 255.255.255.0
  }
}
EOC
# main_t FILE RC TEXT DESC: pxed -t -f FILE exits RC, TEXT on stderr.
main_t() {
	"$PXED" -f "$1" -r "$T/root" -t >/dev/null 2>"$T/err"
	rc=$?
	if [ "$rc" -eq "$2" ] && grep -qF -- "$3" "$T/err"
	then ok "$4"
	else not_ok "$4: exit $rc"; sed 's/^/  | /' "$T/err"; fi
}
main_t "$T/bad-main.conf" 1 \
    "$T/bad-main.conf:5: range \"b\" overlaps range \"a\" at $T/bad-main.conf:4" \
    "overlapping ranges named with both lines"

# T1 not below T2: an error with its line; options never sent: warnings
# with theirs, and exit 0.
cat > "$T/timers.conf" <<EOC
dhcp {
  mode = server
  lease-time = 100
  renew-time = 80
  range "a" { start = 10.0.0.50 end = 10.0.0.60 netmask = 255.255.255.0
    rebind-time = 70 }
}
EOC
main_t "$T/timers.conf" 1 \
    "$T/timers.conf:4: range \"a\": renew-time 80 is not below its rebind time 70" \
    "renew-time not below rebind-time: exit 1 with its file:line"
cat > "$T/warn.conf" <<EOC
dhcp {
  mode = proxy
  option = { "3=10.0.0.1" }
}
EOC
main_t "$T/warn.conf" 0 \
    "$T/warn.conf:3: warning: option 3 of the dhcp section is never sent: in proxy mode" \
    "pxed -t warns about an option never sent (proxy mode), exit 0"

# Exit codes of a real start: 3 root missing, 2 no such interface,
# 1 bad option.
"$PXED" -d -f "$T/pxed.conf" -r "$T/nonexistent" 2>"$T/err"
check "missing root exits 3" test $? -eq 3
grep -q "nonexistent" "$T/err" || not_ok "missing root names the path"
"$PXED" -d -f "$T/pxed.conf" -r "$T/root" -i pxed-no-such-if0 2>"$T/err"
check "missing interface exits 2" test $? -eq 2
"$PXED" --no-such-option 2>/dev/null
check "unknown option exits 1" test $? -eq 1

# -f names a file that must exist: only the default path falls back to
# the built-in defaults.
for mode in -t -d; do
	"$PXED" $mode -f "$T/missing.conf" -r "$T/root" >/dev/null 2>"$T/err"
	rc=$?
	if [ "$rc" -eq 1 ] && grep -qF "$T/missing.conf: cannot open: No such file or directory (a file given with -f must exist" "$T/err"
	then ok "-f missing file, $mode: exit 1, the path named"
	else not_ok "-f missing file, $mode: exit $rc"; sed 's/^/  | /' "$T/err"; fi
done
# A relative -f is made absolute (the daemon's directory becomes /).
out=$(cd "$T" && "$PXED" -f pxed.conf -r "$T/root" -t 2>&1)
case $out in
*"configuration OK: $T/pxed.conf, "*) ok "relative -f made absolute" ;;
*) not_ok "relative -f: $out" ;;
esac
DEFAULT=$("$PXED" -h | sed -n 's/.*(default \(.*\))$/\1/p')
if [ -e "$DEFAULT" ]; then
	echo "# $DEFAULT exists: the fallback is not tried"
else
	out=$("$PXED" -r "$T/root" -t 2>&1)
	rc=$?
	case $rc$out in
	"0pxed: $DEFAULT not found, using built-in defaults"*"configuration OK: built-in defaults,"*)
		ok "default path missing: built-in defaults, exit 0" ;;
	*) not_ok "default path missing: exit $rc: $out" ;;
	esac
fi

# --explain on the seed-capture identities, with every example enabled.
for f in "$SRCDIR"/conf.d/*.conf; do
	sed 's/^#//' "$f" > "$T/conf.d/$(basename "$f")"
done
"$PXED" -f "$T/pxed.conf" -r "$T/root" --explain \
    mac=7c:10:c9:1c:79:f7 arch=7 \
    vendorclass=PXEClient:Arch:00007:UNDI:003016 server=10.0.0.1 \
    > "$T/out" 2>&1
check "explain UEFI firmware: exit 0" test $? -eq 0
grep -qx "tags: efi64" "$T/out" &&
grep -q "^boot: \"uefi-ipxe\" at $T/conf.d/10-uefi-x64.conf:11 (if \"efi64 & !ipxe\")" "$T/out" &&
grep -qx "  filename: ipxe.efi" "$T/out"
check "explain UEFI firmware: efi64, uefi-ipxe, ipxe.efi" test $? -eq 0 ||
    sed 's/^/  | /' "$T/out"

"$PXED" -f "$T/pxed.conf" -r "$T/root" --explain \
    mac=7c:10:c9:1c:79:f7 arch=7 userclass=iPXE \
    vendorclass=PXEClient:Arch:00007:UNDI:003010 server=10.0.0.1 \
    > "$T/out" 2>&1
grep -qx "tags: efi64,ipxe" "$T/out" &&
grep -q "^boot: \"ipxe-script\" at $T/conf.d/30-ipxe-chain.conf:" "$T/out" &&
grep -qx "  filename: http://10.0.0.1/boot.ipxe?mac=7c:10:c9:1c:79:f7" "$T/out"
check "explain iPXE: efi64+ipxe, ipxe-script, rendered URL" test $? -eq 0 ||
    sed 's/^/  | /' "$T/out"

"$PXED" -f "$T/pxed.conf" -r "$T/root" --explain \
    mac=52:54:00:12:34:56 arch=0 server=10.0.0.1 > "$T/out" 2>&1
grep -q '^host: "node01" at ' "$T/out" &&
grep -qx "  filename: http://10.0.0.1/hosts/node01-compute.ipxe" "$T/out"
check "explain pinned host: its own filename" test $? -eq 0 ||
    sed 's/^/  | /' "$T/out"

# The same identities read straight from the captured packets.
"$PXED" -f "$T/pxed.conf" -r "$T/root" --explain \
    packet="$SRCDIR/tests/fixtures/01-dhcpd-msg-discover.bin" \
    server=10.0.0.1 > "$T/out" 2>&1
grep -q "^request: mac=7c:10:c9:1c:79:f7 arch=7 (efi-x64) vendorclass=\"PXEClient:Arch:00007:UNDI:003016\"" "$T/out" &&
grep -qx "tags: efi64" "$T/out" &&
grep -q '^boot: "uefi-ipxe" at ' "$T/out"
check "explain packet=01 (UEFI firmware DISCOVER): uefi-ipxe" \
    test $? -eq 0 || sed 's/^/  | /' "$T/out"
"$PXED" -f "$T/pxed.conf" -r "$T/root" --explain \
    packet="$SRCDIR/tests/fixtures/08-dhcpd-msg-discover.bin" \
    server=10.0.0.1 > "$T/out" 2>&1
grep -q 'userclass="iPXE"' "$T/out" &&
grep -qx "tags: efi64,ipxe" "$T/out" &&
grep -qx "  filename: http://10.0.0.1/boot.ipxe?mac=7c:10:c9:1c:79:f7" "$T/out"
check "explain packet=08 (iPXE DISCOVER): ipxe-script" \
    test $? -eq 0 || sed 's/^/  | /' "$T/out"
printf 'junk' > "$T/junk.bin"
"$PXED" -f "$T/pxed.conf" -r "$T/root" --explain packet="$T/junk.bin" \
    > "$T/out" 2>&1
check "explain packet= with a malformed packet exits 1 and says why" \
    sh -c "test $? -eq 1 && grep -q 'shorter than a BOOTP header' '$T/out'"

"$PXED" -f "$T/pxed.conf" -r "$T/root" --explain arch=0 colour=red \
    >/dev/null 2>&1
check "explain with an unknown key exits 1" test $? -eq 1

# --explain with option 82 sub-options: booting by switch port.
mkdir -p "$T/agent.d"
echo "conf-dir = \"$T/agent.d\"" > "$T/agent.conf"
cat > "$T/agent.d/10-port.conf" <<EOC
match "port7" { circuit-id = "Gi1/0/7" }
match "sw4" { remote-id-prefix = "hex:00:11" }
boot "port7" { if = "port7 & sw4" filename = "port7.efi" }
EOC
"$PXED" -f "$T/agent.conf" -r "$T/root" --explain mac=52:54:00:00:00:07 \
    giaddr=10.1.0.1 circuit-id=Gi1/0/7 remote-id=hex:001122334455 \
    > "$T/out" 2>&1
grep -qx 'request: mac=52:54:00:00:00:07 giaddr=10.1.0.1 circuit-id="Gi1/0/7" remote-id=hex:001122334455' "$T/out" &&
grep -qx "tags: port7,sw4" "$T/out" &&
grep -q "^  port7      set by match at $T/agent.d/10-port.conf:1" "$T/out" &&
grep -qx "  filename: port7.efi" "$T/out"
check "explain circuit-id= remote-id=: shown, port7 and sw4, port7.efi" \
    test $? -eq 0 || sed 's/^/  | /' "$T/out"
"$PXED" -f "$T/agent.conf" -r "$T/root" --explain circuit-id=hex:0g \
    > "$T/out" 2>&1
check "explain circuit-id= with bad hex exits 1 and says why" \
    sh -c "test $? -eq 1 && grep -q 'circuit-id: .*bad hex digits' '$T/out'"

# --explain for DHCPv6: the real OVMF and iPXE captures, against rules
# that give each a different file, through the DHCPv6 engine.
F6=$SRCDIR/tests/fixtures/dhcpv6
mkdir -p "$T/v6.d"
cat > "$T/v6.conf" <<EOC
conf-dir = "$T/v6.d"
dhcp {
  mode = server
  range6 "lab6" {
    prefix = fd66::/64
    start = fd66::100
    end = fd66::1ff
  }
}
EOC
cat > "$T/v6.d/10-v6.conf" <<'EOC'
match "efi64" { arch = 7 }
match "http" { vendorclass = "HTTPClient" }
match "ipxe" { userclass = "iPXE" }
boot "script" { if = "ipxe" filename = "${http}/boot.ipxe" }
boot "httpboot" { if = "http" filename = "images/ipxe.efi" }
boot "pxe" { if = "efi64" filename = "ipxe.efi" }
host "known" { duid = "00:03:00:01:52:54:00:66:00:99" ip6 = fd66::99 }
EOC
explain6() {
	"$PXED" -f "$T/v6.conf" -r "$T/root" --explain "$@" > "$T/out" 2>&1
}
explain6 packet="$F6/10-ovmf-pxe6-solicit.bin" server=fd66::1
grep -q '^request: DHCPv6 SOLICIT duid=00:04:1f:3e:7c:8a:.* arch=7 (efi-x64) vendorclass="PXEClient:Arch:00007:UNDI:003000"$' "$T/out" &&
grep -qx "tags: efi64" "$T/out" &&
grep -q '^boot: "pxe" at ' "$T/out" &&
grep -qx "answer: ADVERTISE" "$T/out" &&
grep -Eq "^  IA_NA efa755f6: address fd66::1[0-9a-f]{2} preferred" "$T/out" &&
grep -qx "  option 59 (bootfile-url): tftp://\[fd66::1\]/ipxe.efi" "$T/out"
check "explain packet=10 (OVMF PXEv6 Solicit): pxe, tftp://[fd66::1]/ipxe.efi" \
    test $? -eq 0 || sed 's/^/  | /' "$T/out"
explain6 packet="$F6/20-ovmf-http6-solicit.bin" server=[fd66::1]
grep -qx "tags: http" "$T/out" &&
grep -q '^boot: "httpboot" at ' "$T/out" &&
grep -qx "  option 59 (bootfile-url): http://\[fd66::1\]/images/ipxe.efi" "$T/out" &&
grep -qx '  option 16 (vendor-class): enterprise 343 "HTTPClient"' "$T/out"
check "explain packet=20 (OVMF HTTPv6 Solicit): http URL, HTTPClient echoed" \
    test $? -eq 0 || sed 's/^/  | /' "$T/out"
explain6 packet6="$F6/32-ipxe-efi-solicit.bin" server=fd66::1
grep -q 'userclass="iPXE"' "$T/out" &&
grep -qx "tags: efi64,ipxe" "$T/out" &&
grep -q '^boot: "script" at ' "$T/out" &&
grep -qx "  option 59 (bootfile-url): http://\[fd66::1\]/boot.ipxe" "$T/out"
check "explain packet6=32 (iPXE Solicit): the script over http" \
    test $? -eq 0 || sed 's/^/  | /' "$T/out"
explain6 packet="$F6/11-ovmf-pxe6-request.bin" server=fd66::1
grep -qx "answer: REPLY" "$T/out" &&
grep -q "^  IA_NA efa755f6: address fd66::1dc " "$T/out"
check "explain packet=11 (OVMF Request): a Reply with the address asked" \
    test $? -eq 0 || sed 's/^/  | /' "$T/out"
# The other words override the packet.
explain6 packet="$F6/32-ipxe-efi-solicit.bin" userclass=other server=fd66::1
grep -qx "tags: efi64" "$T/out" && grep -q '^boot: "pxe" at ' "$T/out"
check "explain a v6 packet with userclass= overridden: pxe" \
    test $? -eq 0 || sed 's/^/  | /' "$T/out"

# A summary in words: family=6, a host by DUID, a relay's link.
explain6 family=6 arch=http-x64 vendorclass=HTTPClient:Arch:00016
grep -qx "  option 59 (bootfile-url): http://\[<server>\]/images/ipxe.efi" "$T/out"
check "explain family=6 arch= vendorclass=: [<server>] without server=" \
    test $? -eq 0 || sed 's/^/  | /' "$T/out"
explain6 duid=00:03:00:01:52:54:00:66:00:99 arch=7 link=fd66:: \
    server=2001:db8::1
grep -q '^request: DHCPv6 SOLICIT duid=00:03:00:01:52:54:00:66:00:99 mac=52:54:00:66:00:99 arch=7 .* link=fd66::$' "$T/out" &&
grep -q '^host: "known" at ' "$T/out" &&
grep -q "^  IA_NA 00000001: address fd66::99 " "$T/out" &&
grep -qx "  option 59 (bootfile-url): tftp://\[2001:db8::1\]/ipxe.efi" "$T/out" &&
grep -q "^log: dhcp6: SOLICIT(? via fd66::) " "$T/out"
check "explain duid= link=: the host's ip6 through a relay" \
    test $? -eq 0 || sed 's/^/  | /' "$T/out"
explain6 family=6 mac=52:54:00:12:34:56 link=fd77::
grep -q "status 2 (NoAddrsAvail)" "$T/out" &&
grep -q 'request: .* mac=52:54:00:12:34:56 .*link=fd77::' "$T/out"
check "explain link= off every range6: NoAddrsAvail, the MAC via option 79" \
    test $? -eq 0 || sed 's/^/  | /' "$T/out"
# The IPv4 capture still goes the IPv4 way; family=4 forces it.
explain6 packet="$SRCDIR/tests/fixtures/01-dhcpd-msg-discover.bin"
check "explain packet= with a DHCPv4 capture: the v4 request line" \
    grep -q '^request: mac=7c:10:c9:1c:79:f7 arch=7' "$T/out"
explain6 packet="$F6/10-ovmf-pxe6-solicit.bin" family=4
check "explain family=4 with a DHCPv6 capture: refused as BOOTP, exit 1" \
    sh -c "test $? -eq 1 && ! grep -q '^answer:' '$T/out'"
explain6 packet6="$T/junk.bin"
check "explain packet6= with a malformed packet exits 1 and says why" \
    sh -c "test $? -eq 1 && grep -q 'junk.bin: ' '$T/out'"
explain6 duid=zz arch=7
check "explain duid=zz: exit 1, not a DUID" \
    sh -c "test $? -eq 1 && grep -q 'is not a DUID' '$T/out'"

pxed_test_done
