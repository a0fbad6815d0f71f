#!/bin/sh
# status-page.sh: the live view of the boots (/status) in a real browser.
# Headless Chromium in the client's namespace opens the page once; then
# scripted clients boot a machine through pxed in proxy mode: the UEFI
# DISCOVER and the 4011 REQUEST of the seed capture (tests/fixtures), the
# boot program over TFTP, iPXE's DISCOVER, its script, kernel and initrd
# over HTTP; a second machine leaves its proxy offer unanswered, a third
# asks for a missing file.  Without a reload the page must show each
# stage of the machine, the file in flight, then the aborted transfer
# and the other machines' problems.  The screenshot is kept as
# tests/status-page.png (the README's is one of these).
. "$(dirname "$0")/lib.sh"
pxed_need chromium tftp curl python3
pxed_net_init pair
S=$NETNS_SRV_IP
IF=$NETNS_CLI_IF
MAC=7c:10:c9:1c:79:f7			# the seed capture's machine
FIX="$SRCDIR/tests/fixtures"
SEND="python3 $SRCDIR/tests/dhcp-send.py"
PNG=${STATUS_PNG:-$(pwd)/tests/status-page.png}
in_cli() { ip netns exec "$NS_CLI" "$@"; }

# The client's interface is the captured machine: TFTP finds it by MAC.
ip -n "$NS_CLI" link set dev "$IF" address "$MAC" || exit 99
R="$T/root"
mkdir -p "$R" "$T/conf.d" "$T/out"
chmod 777 "$T/out"
head -c 300000 /dev/urandom > "$R/ipxe.efi"
head -c 2000000 /dev/urandom > "$R/vmlinuz"
truncate -s 1G "$R/initrd.img"		# sparse: in flight for long
cat > "$R/boot.ipxe" <<'EOS'
#!ipxe
kernel http://${server}:8080/vmlinuz?mac=${mac}
initrd http://${server}:8080/initrd.img?mac=${mac}
boot
EOS
chmod -R a+rX "$R"
cat > "$T/pxed.conf" <<EOC
conf-dir = "$T/conf.d"
dhcp { mode = proxy proxy-followup = 1 }
http { port = 8080 }
EOC
cat > "$T/conf.d/10-chain.conf" <<'EOC'
match "ipxe" { userclass = "iPXE" }
match "efi64" { arch = efi-x64 }
host "node" { mac = "7c:10:c9:1c:79:f7" hostname = "node-17" }
boot "script" {
  if = "ipxe"
  filename = "http://${server}:8080/boot.ipxe?mac=${mac}"
}
boot "uefi" { if = "efi64" filename = "ipxe.efi" }
EOC
LOG="$T/log"
pxed_start -n "$NS_SRV" -w "http: serving" "$LOG" -v -f "$T/pxed.conf" \
    -r "$R" -i "$NETNS_SRV_IF"

# The page, opened once, before any machine boots.
row="document.querySelector('tr.machine[data-mac=\"$MAC\"]')"
chip() {	# STAGE STATE: the machine's chip for STAGE is in STATE
	echo "$row && $row.querySelector('.stage[data-stage=\"$1\"][data-state=\"$2\"]')"
}
prob() {	# MAC TEXT
	echo "(document.querySelector('tr.machine[data-mac=\"$1\"] td.problem') || {}).textContent && document.querySelector('tr.machine[data-mac=\"$1\"] td.problem').textContent.indexOf('$2') >= 0"
}
mkdir -p "$(dirname "$PNG")"
ip netns exec "$NS_CLI" python3 "$SRCDIR/tests/status-page.py" "http://$S:8080/status" \
    --timeout 20 --size 1280x760 \
    --until "document.body.dataset.updates >= 1 && document.querySelectorAll('tr.machine').length == 0" \
    --dom "$T/dom0.html" \
    --until "$(chip dhcp-offer done) && $(chip proxy-4011 done) && $(chip nbp done) && $(chip ipxe-dhcp done) && $(chip script done) && $(chip kernel done) && $(chip initrd running) && $(prob 02:00:00:00:00:99 'not followed up') && $(prob 02:00:00:00:00:77 'refused')" \
    --dom "$T/dom1.html" --png "$PNG" \
    --until "$(chip initrd failed) && $(prob "$MAC" 'aborted')" \
    --dom "$T/dom2.html" > "$T/browser.out" 2> "$T/browser.err" &
BPID=$!
PIDS="$PIDS $BPID"
wait_log "$T/browser.out" "^step 0$" 30 &&
    ok "the page loads and polls /state: no machine yet" ||
    { not_ok "the page loads"; cat "$T/browser.err"; }

# The boot: firmware DHCP, 4011, TFTP, iPXE DHCP, script, kernel, initrd.
in_cli $SEND "$FIX/01-dhcpd-msg-discover.bin" --iface "$IF" --wait 1 \
    --count 1 > "$T/offer.out" 2>&1
check "the proxy OFFERs ipxe.efi" grep -q "type=OFFER .*file=ipxe.efi" \
    "$T/offer.out"
in_cli $SEND "$FIX/06-proxydhcpd-msg-request.bin" --iface "$IF" \
    --to "$S:4011" --sport 4011 --ciaddr "$NETNS_CLI_IP" --wait 1 \
    --count 1 > "$T/ack.out" 2>&1
check "the 4011 REQUEST gets its ACK" grep -q "type=ACK" "$T/ack.out"
(cd "$T/out" && in_cli tftp "$S" -m binary -c get ipxe.efi)
check "TFTP: the boot program" cmp -s "$R/ipxe.efi" "$T/out/ipxe.efi"
in_cli $SEND "$FIX/08-dhcpd-msg-discover.bin" --iface "$IF" --wait 1 \
    --count 1 > "$T/ipxe.out" 2>&1
check "iPXE's DISCOVER: the script's URL" \
    grep -q "file=http://$S:8080/boot.ipxe?mac=$MAC" "$T/ipxe.out"
in_cli curl -s -o "$T/out/boot.ipxe" "http://$S:8080/boot.ipxe?mac=$MAC"
check "HTTP: the script, rendered for the machine" \
    grep -q "kernel http://$S:8080/vmlinuz?mac=$MAC" "$T/out/boot.ipxe"
in_cli curl -s -o "$T/out/vmlinuz" "http://$S:8080/vmlinuz?mac=$MAC"
check "HTTP: the kernel" cmp -s "$R/vmlinuz" "$T/out/vmlinuz"
ip netns exec "$NS_CLI" curl -s --limit-rate 100k -o /dev/null \
    "http://$S:8080/initrd.img?mac=$MAC" &
CPID=$!
PIDS="$PIDS $CPID"
# A machine whose firmware ignores the proxy; one asking for nothing there.
in_cli $SEND "$FIX/01-dhcpd-msg-discover.bin" --iface "$IF" \
    --chaddr 02:00:00:00:00:99 --wait 1 --count 1 > /dev/null 2>&1
in_cli curl -s -o /dev/null "http://$S:8080/missing.efi?mac=02:00:00:00:00:77"

wait_log "$T/browser.out" "^step 1$" 30 &&
    ok "the page shows the boot live, without a reload" ||
    not_ok "the page shows the boot live: $(cat "$T/browser.out")"
D1="$T/dom1.html"
check "the DOM has the machine's MAC, hostname and address" \
    sh -c "grep -q 'data-mac=\"$MAC\"' '$D1' && grep -q 'node-17' '$D1'"
for st in "DHCP offer" "proxy 4011" "boot program" "iPXE DHCP" script \
    kernel initrd; do
	check "the DOM shows the stage \"$st\"" grep -q ">$st<" "$D1"
done
check "the DOM shows the architecture" grep -q "EFI x64" "$D1"
check "the DOM shows initrd.img in flight" \
    sh -c "grep -q 'initrd.img' '$D1' && grep -q 'in flight' '$D1'"
check "the DOM shows the unanswered proxy offer" \
    grep -q "not followed up" "$D1"
check "the DOM shows the refused file" grep -q "refused missing.efi" "$D1"
check "a screenshot was taken ($PNG)" test -s "$PNG"

# The initrd's client goes away: the page says the transfer was aborted.
kill "$CPID"
wait "$CPID" 2>/dev/null
wait_log "$T/browser.out" "^step 2$" 30 &&
    ok "the page shows the aborted initrd" ||
    not_ok "the aborted initrd: $(cat "$T/browser.out")"
wait "$BPID"
brc=$?
pids_forget "$BPID"
check "the browser steps all came" test "$brc" -eq 0 ||
    sed 's/^/  | /' "$T/browser.out" "$T/browser.err"

# The same, as JSON, and on the status address.
in_cli curl -s "http://$S:8080/state" > "$T/state.json"
check "/state: the machine's stages as JSON" python3 -c "
import json, sys
d = json.load(open('$T/state.json'))
m = [x for x in d['machines'] if x['mac'] == '$MAC'][0]
st = {s['stage']: s['state'] for s in m['stages']}
want = {'dhcp-offer': 'done', 'proxy-4011': 'done', 'nbp': 'done',
    'ipxe-dhcp': 'done', 'script': 'done', 'kernel': 'done',
    'initrd': 'failed'}
sys.exit(0 if all(st.get(k) == v for k, v in want.items()) and
    m['hostname'] == 'node-17' and m['arch'] == 7 and
    'generation' in d and 'leases' in d and 'tftp_transfers' in d else 1)" ||
    sed 's/^/  | /' "$T/state.json"

pxed_test_done
