#!/usr/bin/env python3
"""dhcp-load.py: bounded DHCP load that records every ACK it receives.

For each of --clients distinct MACs (02:cc:xx:xx:xx:xx) it runs one
DISCOVER/OFFER/REQUEST/ACK exchange through a broadcast socket on
--iface, retrying a client whose exchange timed out (the server may be
restarting) until --seconds have passed or --stop-file exists.  Every
ACK is appended to --record as "MAC ADDRESS" and flushed before the next
exchange starts, so the record holds only what the server really
acknowledged.  Prints "acked N of M in S s" and exits 0; stops by itself.

With -6, DHCPv6 instead: each of --clients DUIDs (DUID-LL
00:03:00:01 02:dd:xx:xx:xx:xx, IAID 1) runs one Solicit/Advertise/
Request/Reply exchange to ff02::1:2, and every Reply that binds an
address (an IA_NA holding an IA Address of non-zero valid lifetime, no
error status) is recorded as "DUID IAID ADDRESS".
"""
import argparse
import ipaddress
import os
import select
import socket
import struct
import sys
import time


def packet(mac, xid, typ, req=None, sid=None):
    p = bytearray(240)
    p[0:4] = bytes((1, 1, 6, 0))
    p[4:8] = struct.pack("!I", xid)
    p[10:12] = struct.pack("!H", 0x8000)          # broadcast replies
    p[28:34] = mac
    p[236:240] = bytes((99, 130, 83, 99))
    p += bytes((53, 1, typ))
    p += bytes((61, 7, 1)) + mac
    if req:
        p += bytes((50, 4)) + req
    if sid:
        p += bytes((54, 4)) + sid
    p += bytes((55, 3, 1, 3, 51, 255))
    return bytes(p)


def parse(d, xid):
    if len(d) < 240 or d[0] != 2 or struct.unpack("!I", d[4:8])[0] != xid:
        return None
    opts, i = {}, 240
    while i + 1 < len(d) and d[i] != 255:
        if d[i] == 0:
            i += 1
            continue
        opts[d[i]] = d[i + 2:i + 2 + d[i + 1]]
        i += 2 + d[i + 1]
    return d[16:20], opts


def wait(s, tmo, accept):
    """The first datagram accept() takes (its result) within tmo s."""
    end = time.monotonic() + tmo
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return None
        r, _, _ = select.select([s], [], [], left)
        if not r:
            return None
        got = accept(s.recv(4096))
        if got:
            return got


def exchange(s, mac, xid, tmo):
    def of_type(want):
        def accept(d):
            got = parse(d, xid)
            return got if got and got[1].get(53) == bytes((want,)) else None
        return wait(s, tmo, accept)
    s.sendto(packet(mac, xid, 1), ("255.255.255.255", 67))
    offer = of_type(2)
    if not offer:
        return None
    yi, opts = offer
    s.sendto(packet(mac, xid, 3, yi, opts.get(54)),
             ("255.255.255.255", 67))
    ack = of_type(5)
    return socket.inet_ntoa(ack[0]) if ack else None


IAID = 1


def opt(code, data):
    return struct.pack("!HH", code, len(data)) + data


def options(buf):
    off = 0
    while off + 4 <= len(buf):
        code, n = struct.unpack_from("!HH", buf, off)
        yield code, buf[off + 4:off + 4 + n]
        off += 4 + n


def message6(typ, xid, duid, sid=None, addr=None):
    ia = struct.pack("!III", IAID, 0, 0)
    if addr:
        ia += opt(5, addr + struct.pack("!II", 0, 0))
    body = opt(1, duid) + opt(3, ia) + opt(8, b"\0\0")
    if sid:
        body += opt(2, sid)
    return bytes((typ,)) + xid + body


def parse6(d, xid, want):
    """(server id, bound address or None) of a reply of type want."""
    if len(d) < 4 or d[0] != want or d[1:4] != xid:
        return None
    sid, addr = None, None
    for code, data in options(d[4:]):
        if code == 2:
            sid = data
        elif code == 3 and len(data) >= 12 and \
                struct.unpack("!I", data[:4])[0] == IAID:
            status = 0
            for c2, d2 in options(data[12:]):
                if c2 == 13 and len(d2) >= 2:
                    status = struct.unpack("!H", d2[:2])[0]
                elif c2 == 5 and len(d2) >= 24 and \
                        struct.unpack("!I", d2[20:24])[0] > 0:
                    addr = d2[:16]
            if status != 0:
                addr = None
    return sid, addr


def exchange6(s, dest, duid, tmo):
    def of_type(xid, want):
        def accept(d):
            got = parse6(d, xid, want)
            return got if got and got[0] and got[1] else None
        return wait(s, tmo, accept)
    xid = os.urandom(3)
    s.sendto(message6(1, xid, duid), dest)
    adv = of_type(xid, 2)
    if not adv:
        return None
    xid = os.urandom(3)
    s.sendto(message6(3, xid, duid, adv[0], adv[1]), dest)
    rep = of_type(xid, 7)
    return str(ipaddress.IPv6Address(rep[1])) if rep else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--clients", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--record", required=True)
    ap.add_argument("--timeout", type=float, default=0.3)
    ap.add_argument("--stop-file", help="stop once this file exists")
    ap.add_argument("-6", dest="v6", action="store_true")
    a = ap.parse_args()

    if a.v6:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        idx = socket.if_nametoindex(a.iface)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
        dest = ("ff02::1:2", 547, 0, idx)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.iface.encode())
    s.bind(("::", 546) if a.v6 else ("0.0.0.0", 68))
    rec = open(a.record, "a")
    start = time.monotonic()
    pending = list(range(a.clients))
    acked = 0
    xid = int.from_bytes(os.urandom(4), "big") & 0x7fffffff
    while pending and time.monotonic() - start < a.seconds:
        if a.stop_file and acked % 64 == 0 and os.path.exists(a.stop_file):
            break
        n = pending.pop(0)
        if a.v6:
            cid = bytes((0, 3, 0, 1, 2, 0xdd)) + n.to_bytes(4, "big")
            ip = exchange6(s, dest, cid, a.timeout)
            line = "%s %d %s\n" % (cid.hex(), IAID, ip)
        else:
            mac = bytes((2, 0xcc)) + n.to_bytes(4, "big")
            xid = (xid + 1) & 0xffffffff
            ip = exchange(s, mac, xid, a.timeout)
            line = "%s %s\n" % (":".join("%02x" % b for b in mac), ip)
        if ip is None:
            pending.append(n)
            continue
        rec.write(line)
        rec.flush()
        acked += 1
    print("%s %d of %d in %.1f s" % ("replied" if a.v6 else "acked", acked,
                                     a.clients, time.monotonic() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
