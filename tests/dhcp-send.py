#!/usr/bin/env python3
"""dhcp-send.py: send one BOOTP/DHCP payload and print every reply.

A test tool for pxed's integration tests (run inside a test network
namespace).  It sends the packet in FILE (a captured UDP payload such as
tests/fixtures/01-dhcpd-msg-discover.bin), optionally with a new chaddr,
xid, ciaddr or giaddr and with options added before END (--option
CODE=HEX, as a relay adds option 82), from --sport to --to, and prints
one line per reply received within --wait seconds:

  from=10.0.0.1:67 op=2 type=OFFER xid=0000abcd yiaddr=0.0.0.0
  siaddr=10.0.0.1 ciaddr=0.0.0.0 file=ipxe.efi sname= len=300 last=43
  54=0a000001 60=PXEClient 43=060108ff ...

last= is the code of the last option of the options field.  Option
values are hex, except 60, 66 and 67, which are text.  Exits 0
when at least one reply came, 1 otherwise.
"""
import argparse
import select
import socket
import struct
import sys
import time

TYPES = {1: "DISCOVER", 2: "OFFER", 3: "REQUEST", 4: "DECLINE", 5: "ACK",
         6: "NAK", 7: "RELEASE", 8: "INFORM"}
TEXT = (60, 66, 67, 12, 15, 56)


def last_option(area):
    """The code of the last option before END in the options field."""
    last, i = 0, 0
    while i + 1 < len(area) and area[i] != 255:
        if area[i] == 0:
            i += 1
            continue
        last = area[i]
        i += 2 + area[i + 1]
    return last


def options(area):
    out, i = {}, 0
    while i < len(area):
        code = area[i]
        if code == 255:
            break
        if code == 0:
            i += 1
            continue
        if i + 1 >= len(area):
            break
        n = area[i + 1]
        out[code] = out.get(code, b"") + bytes(area[i + 2:i + 2 + n])
        i += 2 + n
    return out


def describe(pkt, peer):
    if len(pkt) < 240:
        return "from=%s:%d short=%d" % (peer[0], peer[1], len(pkt))
    op = pkt[0]
    xid = struct.unpack("!I", pkt[4:8])[0]
    flags = struct.unpack("!H", pkt[10:12])[0]
    ci, yi, si, gi = (socket.inet_ntoa(pkt[o:o + 4]) for o in (12, 16, 20, 24))
    sname = pkt[44:108].split(b"\0")[0].decode("latin-1")
    fname = pkt[108:236].split(b"\0")[0].decode("latin-1")
    opts = options(pkt[240:])
    typ = TYPES.get(opts.get(53, b"\0")[0], "BOOTP") if 53 in opts else "BOOTP"
    words = ["from=%s:%d" % peer, "op=%d" % op, "type=%s" % typ,
             "xid=%08x" % xid, "flags=%04x" % flags, "yiaddr=%s" % yi,
             "siaddr=%s" % si, "ciaddr=%s" % ci, "giaddr=%s" % gi,
             "file=%s" % fname, "sname=%s" % sname, "len=%d" % len(pkt),
             "last=%d" % last_option(pkt[240:])]
    for code in sorted(opts):
        v = opts[code]
        if code in TEXT:
            words.append("%d=%s" % (code, v.decode("latin-1")))
        else:
            words.append("%d=%s" % (code, v.hex()))
    return " ".join(words)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--iface", required=True)
    ap.add_argument("--to", default="255.255.255.255:67")
    ap.add_argument("--sport", type=int, default=68)
    ap.add_argument("--chaddr")
    ap.add_argument("--xid", type=lambda s: int(s, 16))
    ap.add_argument("--ciaddr")
    ap.add_argument("--giaddr")
    ap.add_argument("--option", action="append", default=[],
                    help="CODE=HEX: add this option before END")
    ap.add_argument("--wait", type=float, default=2.0)
    ap.add_argument("--count", type=int, default=0,
                    help="stop after this many replies (0: wait it out)")
    a = ap.parse_args()

    pkt = bytearray(open(a.file, "rb").read())
    if a.chaddr:
        mac = bytes.fromhex(a.chaddr.replace(":", ""))
        pkt[28:28 + 16] = mac + bytes(16 - len(mac))
        # A client identifier (61) of type 1 follows the MAC too.
        i = 240
        while i + 1 < len(pkt) and pkt[i] != 255:
            if pkt[i] == 0:
                i += 1
                continue
            if pkt[i] == 61 and pkt[i + 1] == 7 and pkt[i + 2] == 1:
                pkt[i + 3:i + 9] = mac
            i += 2 + pkt[i + 1]
    if a.xid is not None:
        pkt[4:8] = struct.pack("!I", a.xid)
    if a.ciaddr:
        pkt[12:16] = socket.inet_aton(a.ciaddr)
    if a.giaddr:
        pkt[24:28] = socket.inet_aton(a.giaddr)
    for o in a.option:
        code, val = o.split("=", 1)
        val = bytes.fromhex(val)
        i = 240
        while i < len(pkt) and pkt[i] != 255:
            i += 1 if pkt[i] == 0 else 2 + pkt[i + 1]
        pkt[i:i] = bytes([int(code), len(val)]) + val

    host, port = a.to.rsplit(":", 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                 a.iface.encode())
    s.bind(("0.0.0.0", a.sport))
    s.sendto(bytes(pkt), (host, int(port)))
    end = time.monotonic() + a.wait
    got = 0
    while True:
        left = end - time.monotonic()
        if left <= 0:
            break
        r, _, _ = select.select([s], [], [], left)
        if not r:
            break
        data, peer = s.recvfrom(4096)
        if len(data) >= 8 and data[0] == 2 and data[4:8] == pkt[4:8]:
            print(describe(data, peer), flush=True)
            got += 1
            if a.count and got >= a.count:
                break
    return 0 if got else 1


if __name__ == "__main__":
    sys.exit(main())
