#!/usr/bin/env python3
"""dhcp-acks.py: the DHCP replies in a pcap file, one line each.

A test tool (tests/pg-net.sh, tests/pg-net6.sh): reads classic pcap
captures (tcpdump -w; Ethernet, or "any") and prints, in time order,

  SERVER TYPE YIADDR MAC

for every OFFER, ACK and NAK from UDP port 67 (MAC as aa:bb:cc:dd:ee:ff),
or with -6, for every address of an IA_NA in an ADVERTISE or REPLY from
UDP port 547,

  SERVER TYPE ADDRESS VALID-LIFETIME CLIENT-DUID-HEX IAID

Frames that are not such replies are skipped; a truncated file ends the
list.  On such a list (either kind):

  dhcp-acks.py --dups LIST        exit 1 when an address was given to a
                                  client while another still held it
  dhcp-acks.py --rows LIST ROWS   exit 1 when a client's last address is
                                  not a line of ROWS ("ADDR MACHEX" for
                                  IPv4, "ADDR DUIDHEX IAID" for IPv6)

A client holds the address of its last ACK (or REPLY with a lifetime);
an IPv6 lifetime of 0 gives the address back.
"""
import importlib.util
import ipaddress
import os
import socket
import struct
import sys

TYPES = {2: "OFFER", 5: "ACK", 6: "NAK"}
TYPES6 = {2: "ADVERTISE", 7: "REPLY"}


def frames(data):
    """Each frame as (time, ethertype, network-layer bytes): Ethernet, or
    the Linux cooked headers of a capture on "any" (SLL, SLL2)."""
    if len(data) < 24:
        return
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    link = struct.unpack(end + "I", data[20:24])[0]
    hdr, at = {1: (14, 12), 113: (16, 14), 276: (20, 0)}.get(link, (14, 12))
    frac = 1e9 if magic in (0xA1B23C4D, 0x4D3CB2A1) else 1e6
    off = 24
    while off + 16 <= len(data):
        sec, sub, caplen = struct.unpack(end + "III", data[off:off + 12])
        f = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if len(f) >= hdr:
            yield sec + sub / frac, f[at:at + 2], f[hdr:]


def dhcp6_send():
    """tests/dhcp6-send.py as a module: its DHCPv6 option walker."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "dhcp6-send.py")
    spec = importlib.util.spec_from_file_location("dhcp6_send", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def replies6(data):
    options6 = dhcp6_send().options
    for ts, etype, ip in frames(data):
        if len(ip) < 40 + 8 + 4 or etype != b"\x86\xdd":
            continue
        if ip[6] != 17:
            continue
        udp = ip[40:]
        if struct.unpack("!H", udp[0:2])[0] != 547:
            continue
        m = udp[8:]
        if m[0] not in TYPES6:
            continue
        duid, ias = "-", []
        for code, d in options6(m[4:]):
            if code == 1:
                duid = d.hex()
            elif code == 3 and len(d) >= 12:
                iaid = struct.unpack("!I", d[:4])[0]
                for c2, d2 in options6(d[12:]):
                    if c2 == 5 and len(d2) >= 24:
                        ias.append((str(ipaddress.IPv6Address(d2[:16])),
                                    struct.unpack("!I", d2[20:24])[0],
                                    iaid))
        for a, valid, iaid in ias:
            yield ts, (str(ipaddress.IPv6Address(ip[8:24])), TYPES6[m[0]],
                       a, str(valid), duid, str(iaid))


def replies(data):
    for ts, etype, ip in frames(data):
        if len(ip) < 20 or etype != b"\x08\x00":
            continue
        ihl = (ip[0] & 15) * 4
        if ip[9] != 17 or len(ip) < ihl + 8 + 240:
            continue
        udp = ip[ihl:]
        if struct.unpack("!H", udp[0:2])[0] != 67:
            continue
        b = udp[8:]
        if b[0] != 2 or b[236:240] != b"\x63\x82\x53\x63":
            continue
        i, t = 240, None
        while i < len(b) and b[i] != 255:
            if b[i] == 0:
                i += 1
                continue
            if i + 1 >= len(b):
                break
            if b[i] == 53 and b[i + 1] >= 1:
                t = b[i + 2]
            i += 2 + b[i + 1]
        if t in TYPES:
            yield ts, (socket.inet_ntoa(ip[12:16]), TYPES[t],
                       socket.inet_ntoa(b[16:20]),
                       ":".join("%02x" % x for x in b[28:34]))


def given(lines):
    """(address, client, held, row) for each reply that gives an
    address, or takes one back (held false)."""
    for line in lines:
        f = line.split()
        if len(f) == 4 and f[1] == "ACK":
            yield f[2], f[3], True, f[2] + " " + f[3].replace(":", "")
        elif len(f) == 6 and f[1] == "REPLY":
            yield (f[2], f[4] + "/" + f[5], int(f[3]) > 0,
                   " ".join((f[2], f[4], f[5])))


def dups(path):
    holder, cur, dup = {}, {}, []
    for a, c, held, _ in given(open(path)):
        if not held:
            if holder.get(a) == c:
                del holder[a]
                cur.pop(c, None)
            continue
        h = holder.get(a)
        if h is not None and h != c and cur.get(h) == a:
            dup.append((a, h, c))
        if cur.get(c) not in (None, a):
            holder.pop(cur[c], None)
        holder[a], cur[c] = c, a
    for d in dup[:5]:
        print("  %s: %s and %s" % d)
    return 1 if dup else 0


def rows(path, rowpath):
    db = set(line.strip() for line in open(rowpath))
    last = {}
    for _, c, held, row in given(open(path)):
        if held:
            last[c] = row
    miss = [r for r in last.values() if r not in db]
    for m in miss[:5]:
        print("  missing: " + m)
    print("  %d clients given an address, %d rows" % (len(last), len(db)))
    return 1 if miss else 0


def main():
    if sys.argv[1] == "--dups":
        sys.exit(dups(sys.argv[2]))
    if sys.argv[1] == "--rows":
        sys.exit(rows(sys.argv[2], sys.argv[3]))
    v6 = sys.argv[1] == "-6"
    out = []
    for path in sys.argv[2 if v6 else 1:]:
        with open(path, "rb") as f:
            out.extend((replies6 if v6 else replies)(f.read()))
    out.sort(key=lambda r: r[0])  # stable: a file keeps its order
    for _, r in out:
        print(" ".join(r))


if __name__ == "__main__":
    main()
