#!/usr/bin/env python3
"""hostile.py: hostile DHCP, TFTP and HTTP input for pxed, then good input.

Run in the client namespace of tests/hostile.sh.  Sends each kind of bad
input to the server --count times in all (spread over the kinds, paced,
bounded), then checks that a good request of each protocol still gets
its answer.  Prints one line per kind ("sent KIND N") and one line per
good check ("good dhcp ok" / "good dhcp FAIL ..."); exits 0 when every
good check passed.
"""
import argparse
import os
import select
import socket
import struct
import sys
import time

COOKIE = bytes((99, 130, 83, 99))


def bootp(op=1, htype=1, hlen=6, mac=b"\x02\xbb\0\0\0\x01", xid=0x1234,
          flags=0x8000):
    p = bytearray(236)
    p[0:4] = bytes((op, htype, hlen, 0))
    p[4:8] = struct.pack("!I", xid)
    p[10:12] = struct.pack("!H", flags)
    p[28:28 + len(mac)] = mac
    return p


def discover(opts=b"", **kw):
    return bytes(bootp(**kw) + COOKIE + bytes((53, 1, 1)) + opts +
                 bytes((255,)))


def dhcp_kinds():
    """(name, packet) pairs: each malformed or hostile in its own way."""
    k = []
    k.append(("dhcp-truncated-header", discover()[:100]))
    k.append(("dhcp-no-cookie", bytes(bootp()) + b"\0\0\0\0" + b"\xff"))
    k.append(("dhcp-option-past-end",
              bytes(bootp()) + COOKIE + bytes((53, 1, 1, 60, 200)) + b"PXE"))
    p = bootp()
    p[108:110] = bytes((52, 1))          # overload inside file: a loop
    p[110] = 3
    k.append(("dhcp-overload-loop",
              bytes(p) + COOKIE + bytes((53, 1, 1, 52, 1, 3, 255))))
    k.append(("dhcp-hlen-17", discover(hlen=17)))
    k.append(("dhcp-bootreply", discover(op=2)))
    k.append(("dhcp-op-7", discover(op=7)))
    k.append(("dhcp-opt57-below-576",
              discover(bytes((57, 2, 0, 64, 55, 4, 1, 3, 6, 15)))))
    empty = b"".join(bytes((c, 0)) for c in range(1, 255) if c not in (53,))
    k.append(("dhcp-255-empty-options", discover(empty)))
    giant = b"".join(bytes((55, 255)) + bytes(range(1, 256)) for _ in range(4))
    k.append(("dhcp-giant-option-55", discover(giant)))
    k.append(("dhcp-non-ethernet", discover(htype=6, hlen=6)))
    k.append(("dhcp-zero-hlen", discover(hlen=0)))
    k.append(("dhcp-random", os.urandom(300)))
    return k


def tftp_kinds():
    k = []
    k.append(("tftp-no-nuls", b"\0\x01" + b"A" * 200))
    k.append(("tftp-no-mode", b"\0\x01file\0"))
    k.append(("tftp-huge-options", b"\0\x01f1\0octet\0blksize\0" +
              b"9" * 40 + b"\0tsize\0" + b"9" * 60 + b"\0windowsize\0" +
              b"99999999999\0timeout\0" + b"1" * 30 + b"\0"))
    k.append(("tftp-wrq", b"\0\x02upload.bin\0octet\0"))
    k.append(("tftp-opcode-9", b"\0\x09junk"))
    k.append(("tftp-short", b"\0"))
    k.append(("tftp-random", os.urandom(100)))
    return k


def recv_any(s, t):
    r, _, _ = select.select([s], [], [], t)
    return s.recvfrom(4096) if r else (None, None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--iface", required=True)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--seconds", type=float, default=60)
    a = ap.parse_args()
    end = time.monotonic() + a.seconds

    dsock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    dsock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    dsock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                     a.iface.encode())
    dsock.bind(("0.0.0.0", 68))
    tsock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    kinds = [("dhcp", n, p) for n, p in dhcp_kinds()] + \
            [("tftp", n, p) for n, p in tftp_kinds()]
    per = max(1, a.count // len(kinds))
    sent = 0
    for proto, name, pkt in kinds:
        n = 0
        while n < per and time.monotonic() < end:
            if proto == "dhcp":
                dsock.sendto(pkt, (a.server, 67))
            else:
                tsock.sendto(pkt, (a.server, 69))
            n += 1
            sent += 1
            if n % 200 == 0:
                time.sleep(0.01)         # paced: a storm, not a flood
        print("sent %s %d" % (name, n), flush=True)

    # An active transfer gets strangers' packets and ACKs for blocks it
    # never sent; it must finish anyway.
    xfer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    xfer.sendto(b"\0\x01big.bin\0octet\0", (a.server, 69))
    data, peer = recv_any(xfer, 3)
    good = 0
    if data and data[:2] == b"\0\x03":
        stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for i in range(50):
            stranger.sendto(b"\0\x05\0\x00bye\0", peer)   # ERROR from elsewhere
            stranger.sendto(b"\0\x04" + struct.pack("!H", 9999), peer)
            xfer.sendto(b"\0\x04" + struct.pack("!H", 60000), peer)
        got = len(data) - 4
        block = 1
        xfer.sendto(b"\0\x04\0\x01", peer)
        while len(data) - 4 == 512 and time.monotonic() < end:
            data, p2 = recv_any(xfer, 3)
            if data is None:
                break
            if data[:2] != b"\0\x03":
                continue
            b = struct.unpack("!H", data[2:4])[0]
            if b == (block + 1) & 0xffff:
                block = b
                got += len(data) - 4
            xfer.sendto(b"\0\x04" + data[2:4], peer)
        ok = got == 100000
        print("good tftp %s (%d bytes under strangers' packets)" %
              ("ok" if ok else "FAIL", got), flush=True)
        good += ok
    else:
        print("good tftp FAIL (no first block)", flush=True)

    # A fresh socket: the old one's queue is full of the storm's replies.
    dsock.close()
    dsock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    dsock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    dsock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                     a.iface.encode())
    dsock.bind(("0.0.0.0", 68))
    dsock.sendto(discover(bytes((60, 9)) + b"PXEClient", xid=0xabcd),
                 ("255.255.255.255", 67))
    t_end = time.monotonic() + 3
    ok = False
    while time.monotonic() < t_end:
        data, _ = recv_any(dsock, t_end - time.monotonic())
        if data and len(data) > 240 and data[0] == 2 and \
                data[4:8] == struct.pack("!I", 0xabcd):
            ok = True
            break
    print("good dhcp %s" % ("ok" if ok else "FAIL (no OFFER)"), flush=True)
    good += ok
    return 0 if good == 2 else 1


if __name__ == "__main__":
    sys.exit(main())
