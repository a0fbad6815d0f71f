#!/usr/bin/env python3
"""dhcp6-load.py: bounded DHCPv6 load that records every binding replied.

For each of --clients distinct DUIDs (DUID-LL 00:03:00:01 02:dd:xx:xx:xx:xx,
IAID 1) it runs one Solicit/Advertise/Request/Reply exchange to
ff02::1:2 on --iface, retrying a client whose exchange timed out (the
server may be restarting) until --seconds have passed or --stop-file
exists.  Every Reply that binds an address (IA_NA with an IA Address of
non-zero valid lifetime and no error status) is appended to --record as
"DUID IAID ADDRESS" and flushed before the next exchange starts, so the
record holds only what the server really replied.  Prints "replied N of
M in S s" and exits 0; stops by itself.
"""
import argparse
import ipaddress
import os
import select
import socket
import struct
import sys
import time

IAID = 1


def opt(code, data):
    return struct.pack("!HH", code, len(data)) + data


def options(buf):
    off = 0
    while off + 4 <= len(buf):
        code, n = struct.unpack_from("!HH", buf, off)
        yield code, buf[off + 4:off + 4 + n]
        off += 4 + n


def message(typ, xid, duid, sid=None, addr=None):
    ia = struct.pack("!III", IAID, 0, 0)
    if addr:
        ia += opt(5, addr + struct.pack("!II", 0, 0))
    body = opt(1, duid) + opt(3, ia) + opt(8, b"\0\0")
    if sid:
        body += opt(2, sid)
    return bytes((typ,)) + xid + body


def parse(d, xid, want):
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


def exchange(s, dest, duid, tmo):
    def wait(xid, want):
        end = time.monotonic() + tmo
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([s], [], [], left)
            if not r:
                return None
            got = parse(s.recv(4096), xid, want)
            if got and got[0] and got[1]:
                return got
    xid = os.urandom(3)
    s.sendto(message(1, xid, duid), dest)
    adv = wait(xid, 2)
    if not adv:
        return None
    xid = os.urandom(3)
    s.sendto(message(3, xid, duid, adv[0], adv[1]), dest)
    rep = wait(xid, 7)
    return str(ipaddress.IPv6Address(rep[1])) if rep else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iface", required=True)
    ap.add_argument("--clients", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--record", required=True)
    ap.add_argument("--timeout", type=float, default=0.3)
    ap.add_argument("--stop-file", help="stop once this file exists")
    a = ap.parse_args()

    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, a.iface.encode())
    idx = socket.if_nametoindex(a.iface)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
    s.bind(("::", 546))
    dest = ("ff02::1:2", 547, 0, idx)
    rec = open(a.record, "a")
    start = time.monotonic()
    pending = list(range(a.clients))
    replied = 0
    while pending and time.monotonic() - start < a.seconds:
        if a.stop_file and replied % 64 == 0 and \
                os.path.exists(a.stop_file):
            break
        n = pending.pop(0)
        duid = bytes((0, 3, 0, 1, 2, 0xdd)) + n.to_bytes(4, "big")
        ip = exchange(s, dest, duid, a.timeout)
        if ip is None:
            pending.append(n)
            continue
        rec.write("%s %d %s\n" % (duid.hex(), IAID, ip))
        rec.flush()
        replied += 1
    print("replied %d of %d in %.1f s" % (replied, a.clients,
                                          time.monotonic() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
