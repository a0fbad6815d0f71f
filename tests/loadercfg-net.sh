#!/bin/sh
# loadercfg-net.sh: boot loaders' configs rendered per machine from one
# template (loadercfg.c) across a veth pair, fetched with tftp-hpa and
# curl: two hosts' own grub.cfg-01-<mac> and pxelinux.cfg/01-<mac> from
# grub.cfg.tmpl and pxelinux.cfg/default.tmpl, the asking machine's
# grub.cfg, a machine by its hex IP, a real file beating the template,
# the names a loader searches missing quietly (debug only, never at the
# default level, while a chain's final miss stays visible), a bad
# variable in a template refused at load with file:line; and --explain
# naming an architecture and showing pxelinux's options (RFC 5071).
. "$(dirname "$0")/lib.sh"
pxed_need tftp curl
pxed_net_init pair
S=$NETNS_SRV_IP
C=$NETNS_CLI_IP
chmod 755 "$T"
R="$T/root"
mkdir -p "$R/grub" "$R/pxelinux.cfg" "$R/other/pxelinux.cfg" "$T/out" \
    "$T/conf.d"
chmod 777 "$T/out"
CLIMAC=$(in_cli cat "/sys/class/net/$NETNS_CLI_IF/address")
cat > "$R/grub/grub.cfg.tmpl" <<'EOS'
# for ${hostname} (${mac})
set default=0
menuentry "install ${hostname}" {
	linux /vmlinuz role=${role} root=$${root}
	echo $root
}
EOS
cat > "$R/pxelinux.cfg/default.tmpl" <<'EOS'
DEFAULT install
LABEL install
  KERNEL vmlinuz
  APPEND host=${hostname} role=${role} mac=${mac} ip=${ip} tags=${tags}
EOS
# A real file for one machine: it beats the template.
echo "REAL FILE for 0c" > "$R/pxelinux.cfg/01-52-54-00-00-00-0c"
chmod -R a+rX "$R"
cat > "$T/pxed.conf" <<EOC
user = "nobody"
conf-dir = "$T/conf.d"
dhcp { mode = off }
tftp { root = "$R" }
http { port = 8080 }
EOC
cat > "$T/conf.d/10-hosts.conf" <<EOC
host "alpha" { mac = "52:54:00:00:00:0a" hostname = "alpha" vars = { "role=compute" } tags = { "lab" } }
host "beta"  { mac = "52:54:00:00:00:0b" hostname = "beta"  vars = { "role=storage" } ip = 10.77.0.50 }
host "self"  { mac = "$CLIMAC" hostname = "self" vars = { "role=client" } }
EOC
LOG="$T/log"
# The default level (info): search names must not show there.
pxed_start -n "$NS_SRV" -w "http: serving" "$LOG" -f "$T/pxed.conf"
U="http://$S:8080"

tget() {	# NAME OUT: tftp-hpa in the client namespace
	rm -f "$2"
	# "host:" before the name: tftp-hpa takes a name with a colon in it
	# (grub.cfg-fd00::2) for host:file, and then asks for OUT instead.
	in_cli timeout 30 tftp "$S" -m binary -c get "$S:$1" "$2" 2>&1
}
hget() {	# NAME OUT: curl, printing the status code
	in_cli curl -s -o "$2" -w "%{http_code}" "$U/$1"
}

# ---- two hosts, one template, both loaders, both protocols ----
for proto in tftp http; do
	for m in 0a 0b; do
		n=$proto-$m
		if [ $proto = tftp ]; then
			tget "grub/grub.cfg-01-52-54-00-00-00-$m" "$T/out/g-$n" >/dev/null
			tget "pxelinux.cfg/01-52-54-00-00-00-$m" "$T/out/p-$n" >/dev/null
		else
			hget "grub/grub.cfg-01-52-54-00-00-00-$m" "$T/out/g-$n" >/dev/null
			hget "pxelinux.cfg/01-52-54-00-00-00-$m" "$T/out/p-$n" >/dev/null
		fi
	done
	check "$proto: alpha's grub.cfg-01-<mac> is alpha's" \
	    grep -qx 'menuentry "install alpha" {' "$T/out/g-$proto-0a"
	check "$proto: alpha's grub.cfg carries its variable, GRUB's own untouched" \
	    grep -qxF '	linux /vmlinuz role=compute root=${root}' "$T/out/g-$proto-0a"
	check "$proto: a lone \$ reaches GRUB as written" \
	    grep -qxF '	echo $root' "$T/out/g-$proto-0a"
	check "$proto: beta's grub.cfg-01-<mac> is beta's" \
	    grep -qxF '	linux /vmlinuz role=storage root=${root}' "$T/out/g-$proto-0b"
	check "$proto: the two grub.cfg differ" \
	    sh -c "! cmp -s '$T/out/g-$proto-0a' '$T/out/g-$proto-0b'"
	check "$proto: alpha's pxelinux.cfg/01-<mac>: host, role, MAC, tags" \
	    grep -q '^  APPEND host=alpha role=compute mac=52:54:00:00:00:0a ip=[0-9.]* tags=known,lab$' \
	    "$T/out/p-$proto-0a"
	check "$proto: beta's pxelinux.cfg/01-<mac>: its own" \
	    grep -q '^  APPEND host=beta role=storage mac=52:54:00:00:00:0b ' \
	    "$T/out/p-$proto-0b"
done
check "tftp and http render the same pxelinux config" \
    cmp -s "$T/out/p-tftp-0b" "$T/out/p-http-0b"

# ---- a real file beats the template ----
tget "pxelinux.cfg/01-52-54-00-00-00-0c" "$T/out/real-t" >/dev/null
check "tftp: a real pxelinux.cfg/01-<mac> is served as it is" \
    cmp -s "$R/pxelinux.cfg/01-52-54-00-00-00-0c" "$T/out/real-t"
check "http: the same real file" \
    test "$(hget pxelinux.cfg/01-52-54-00-00-00-0c "$T/out/real-h")" = 200
check "http: its bytes" \
    cmp -s "$R/pxelinux.cfg/01-52-54-00-00-00-0c" "$T/out/real-h"

# ---- the final name, for the machine asking (its MAC from the kernel) ----
tget "grub/grub.cfg" "$T/out/final" >/dev/null
check "tftp: grub/grub.cfg rendered for the asking machine" \
    grep -qxF '	linux /vmlinuz role=client root=${root}' "$T/out/final"

# ---- a machine by its hex IP (the full 8 digits) ----
HEX=$(printf '%02X' $(echo "$C" | tr . ' '))
tget "pxelinux.cfg/$HEX" "$T/out/hex" >/dev/null
check "tftp: pxelinux.cfg/$HEX rendered with that address" \
    grep -q "^  APPEND .* ip=$C tags=" "$T/out/hex"

# A host entry's fixed address (no DHCP seen): its hex IP names it.
tget "pxelinux.cfg/0A4D0032" "$T/out/hexhost" >/dev/null
check "tftp: pxelinux.cfg/0A4D0032 is beta's, by its fixed ip" \
    grep -q '^  APPEND host=beta role=storage mac=52:54:00:00:00:0b ip=10.77.0.50 ' \
    "$T/out/hexhost"

# ---- search names: quick misses, quiet at the default level ----
UUID=12345678-abcd-ef01-2345-6789abcdef01
for name in "pxelinux.cfg/$UUID" "pxelinux.cfg/$(echo "$HEX" | cut -c1-4)" \
    "pxelinux.cfg/default-arm-sunxi" "pxelinux.cfg/20-52-54-00-00-00-0a" \
    "grub/grub.cfg-$(echo "$HEX" | cut -c1-3)" "grub/grub.cfg-fd00::2"; do
	out=$(tget "$name" "$T/out/miss")
	case $out in
	*"not found"*|*"File not found"*) ok "tftp: $name: not found" ;;
	*)	not_ok "tftp: $name: $out" ;;
	esac
done
check "http: a search name is a 404" \
    test "$(hget "pxelinux.cfg/$UUID" /dev/null)" = 404
# The final misses of a chain without a template stay visible.
tget "other/pxelinux.cfg/default" "$T/out/miss" >/dev/null
check "http: a chain's final name without template is a 404" \
    test "$(hget other/pxelinux.cfg/default /dev/null)" = 404
wait_log "$LOG" 'http: .* GET /other/pxelinux.cfg/default 404' 5 ||
    not_ok "the HTTP final miss logged"
# Waited for: a refusal from the same address within a second, whose
# key shares its log_rate slot (1 in 64), holds the line back up to a
# second (log.h).
check "tftp: the final miss is logged at the default level" \
    wait_log "$LOG" 'tftp: refused "other/pxelinux.cfg/default"' 5
check "no TFTP refusal but the final miss at the default level" \
    test "$(grep -c 'tftp: refused' "$LOG")" -eq 1
check "no search name in the log at the default level" \
    sh -c "! grep -E '$UUID|default-arm|20-52-54|grub.cfg-fd00|search name' '$LOG'"
check "no warning about a rendered config" \
    sh -c "! grep -E 'refused \"(grub/grub.cfg|pxelinux.cfg/01-)' '$LOG'"
pxed_stop

# ---- at debug level the search misses are there, said as such ----
pxed_start -n "$NS_SRV" -w "http: serving" "$LOG" -v -f "$T/pxed.conf"
tget "pxelinux.cfg/$UUID" "$T/out/miss" >/dev/null
hget "grub/grub.cfg-0A" /dev/null >/dev/null
wait_log "$LOG" "GET /grub/grub.cfg-0A 404 .*search name" 5 ||
    not_ok "http: a search miss at debug level"
check "tftp: a search miss at debug level, said as such" \
    grep -q "asks for \"pxelinux.cfg/$UUID\": not found (a loader's search name)" "$LOG"
tget "grub/grub.cfg-fd00::2" "$T/out/miss" >/dev/null
check "tftp: a name with colons reaches pxed whole, a search miss" \
    wait_log "$LOG" "asks for \"grub/grub.cfg-fd00::2\": not found \\(a loader's search name\\)" 5
tget "grub/grub.cfg-01-52-54-00-00-00-0a" "$T/out/dbg" >/dev/null
check "tftp: rendered from grub/grub.cfg.tmpl, logged at debug" \
    grep -q '"grub/grub.cfg-01-52-54-00-00-00-0a" rendered from grub/grub.cfg.tmpl' "$LOG"
pxed_stop

# ---- a bad variable: file:line at load ----
printf 'DEFAULT x\nLABEL x\n  APPEND role=${rol}\n' > "$R/other/pxelinux.cfg/default.tmpl"
out=$("$PXED" -f "$T/pxed.conf" -t 2>&1)
rc=$?
check "a bad variable in a template: exit 1" test "$rc" -eq 1
case $out in
*"$R/other/pxelinux.cfg/default.tmpl:3: \${rol} is not a pxed variable"*)
	ok "the error names file:line" ;;
*)	not_ok "unexpected: $out" ;;
esac

# ---- pxed --explain: an architecture by name, RFC 5071's options ----
mkdir -p "$T/ex.d" "$T/exroot"
printf 'conf-dir = "%s"\ndhcp { mode = proxy }\n' "$T/ex.d" > "$T/ex.conf"
cat > "$T/ex.d/10.conf" <<'EOC'
match "pi" { arch = rpiboot }
boot "pxelinux" {
  if = "pi"
  filename = "pxelinux.0"
  pxelinux-config-file = "pxelinux.cfg/lab"
  pxelinux-reboot-time = 60
}
host "alpha" { mac = "52:54:00:00:00:0a" pxelinux-reboot-time = 0 pxelinux-path-prefix = "pi/" }
EOC
"$PXED" -f "$T/ex.conf" -r "$T/exroot" --explain mac=52:54:00:00:00:0a arch=41 \
    server=10.0.0.1 > "$T/ex.out" 2>&1
grep -qx 'request: mac=52:54:00:00:00:0a arch=41 (rpiboot)' "$T/ex.out" &&
grep -qx '  pxelinux-config-file (209): pxelinux.cfg/lab' "$T/ex.out" &&
grep -qx '  pxelinux-path-prefix (210): pi/' "$T/ex.out" &&
grep -qx '  pxelinux-reboot-time (211): 0 s' "$T/ex.out"
rc=$?
check "explain: arch 41 is rpiboot; the host's 210 and 211 over the entry's" \
    test $rc -eq 0 || sed 's/^/  | /' "$T/ex.out"

pxed_test_done
