#!/bin/sh
# reload-bench.sh: how long a SIGHUP reload of 10,000 one-host conf.d
# files takes in the running daemon (goal: <= 300 ms on 2 cores).  Not a
# test: it prints figures.  Usage: bench/reload-bench.sh [HOSTS] [RELOADS]
# It uses the tests' helpers (tests/lib.sh).
. "$(dirname "$0")/../tests/lib.sh"
# A namespace of its own: pxed binds DHCP, TFTP and HTTP and must answer
# nothing on the host's networks.
pxed_net_init lo
HOSTS=${1:-10000}
RELOADS=${2:-10}

mkdir -p "$T/root" "$T/conf.d"
cat > "$T/pxed.conf" <<EOC
conf-dir = "$T/conf.d"
dhcp {
  mode = server
  lease-file = "$T/leases"
  range "lab" { start = 10.0.0.10 end = 10.0.255.250 netmask = 255.255.0.0 }
}
EOC
cat > "$T/conf.d/00-rules.conf" <<'EOC'
match "efi64" { arch = efi-x64 }
match "ipxe" { userclass = "iPXE" }
boot "ipxe" { if = "ipxe" filename = "http://${server}/boot.ipxe?mac=${mac}" }
boot "uefi" { if = "efi64 & !ipxe" filename = "ipxe.efi" }
boot "bios" { if = "!efi64 & !ipxe" filename = "undionly.kpxe" }
EOC
i=0
while [ $i -lt "$HOSTS" ]; do
	printf 'host "node%05d" {\n  mac = "52:54:00:00:%02x:%02x"\n  ip = 10.0.%d.%d\n  hostname = "node%05d"\n  tags = { "lab" }\n}\n' \
	    $i $((i / 256)) $((i % 256)) $((i / 200 + 1)) $((i % 200 + 10)) $i \
	    > "$T/conf.d/host-$(printf %05d $i).conf"
	i=$((i + 1))
done
echo "conf.d: $HOSTS host files + 1 rule file"

start=$(date +%s%N)
"$PXED" -f "$T/pxed.conf" -r "$T/root" -t >/dev/null || exit 99
end=$(date +%s%N)
echo "pxed -t (whole process, cold start): $(( (end - start) / 1000000 )) ms"

pxed_start -n "$NS" -w "started, generation 1" -t 30 "$T/log" \
    -f "$T/pxed.conf" -r "$T/root"
PID=$PXPID
g=1
while [ $g -le "$RELOADS" ]; do
	kill -HUP $PID
	g=$((g + 1))
	wait_log "$T/log" "generation $g:" 30 || exit 99
done
grep -o "reloaded in [0-9]* ms" "$T/log" | awk '{print $3}' | sort -n |
    awk -v n="$RELOADS" -v h="$HOSTS" '
	{ v[NR] = $1; s += $1 }
	END {
		printf "SIGHUP reload of %d host files: %d reloads, min %d ms, " \
		    "median %d ms, mean %.1f ms, max %d ms\n", h, NR, v[1],
		    v[int((NR + 1) / 2)], s / NR, v[NR]
	}'
grep "reloaded in" "$T/log" | tail -n 1 | sed 's/^.*conf: /last: /'
echo "RSS of the daemon: $(awk '/VmRSS/ {print $2, $3}' /proc/$PID/status)"
