#!/usr/bin/env python3
"""dhcp6-send.py: send one DHCPv6 message and print the answer.

  dhcp6-send.py [-r LINKADDR] [-s SPORT] [-p DPORT] [-w SECS] [-a SECS]
                [--boot-request] DEST IFACE MSG

MSG is a file of a raw DHCPv6 message (a capture in tests/fixtures),
"solicit:DUIDHEX" for a Solicit with Rapid Commit and one IA_NA, or
"decline:DUIDHEX:SERVERDUIDHEX:ADDRESS" for a Decline of ADDRESS in
IA_NA 1.  With
-r the message goes inside a Relay-Forward with that link-address (and a
link-local peer-address), as a relay would send it.  Prints one line per
answer: "type=T opts=C,C,... ia=ADDR,..." (and " url=URL" with option
59) and, for a Relay-Reply,
"relay type=13 ifid=... | " before the inner message's line.  After the
first answer, more are awaited for -a seconds (default 0.3) after the
last one; each line starts with "t=SECS" since the message was sent.
--boot-request turns MSG into what EDK2's PXEv6 sends to port 4011
after its Request (PxeBcRequestBootService): a Request (type 3) without
its IA_NA, IA_TA and Rapid Commit options.  Exit 1 when nothing came
back within -w seconds (default 3).
"""
import argparse
import ipaddress
import os
import socket
import struct
import sys
import time


def options(buf):
    off = 0
    while off + 4 <= len(buf):
        code, n = struct.unpack_from("!HH", buf, off)
        yield code, buf[off + 4:off + 4 + n]
        off += 4 + n


def describe(msg):
    t = msg[0]
    if t == 13:
        inner, ifid = b"", b""
        for code, data in options(msg[34:]):
            if code == 9:
                inner = data
            elif code == 18:
                ifid = data
        return "relay type=13 ifid=%s | %s" % (ifid.hex() or "-",
                                                describe(inner))
    codes, ia, url = [], [], ""
    for code, data in options(msg[4:]):
        codes.append(str(code))
        if code == 59:
            url = " url=" + data.decode("ascii", "replace")
        if code == 3:
            for c2, d2 in options(data[12:]):
                if c2 == 5:
                    ia.append(str(ipaddress.IPv6Address(d2[:16])))
    return "type=%d opts=%s ia=%s%s" % (t, ",".join(codes),
                                        ",".join(ia) or "-", url)


def opt(code, data):
    return struct.pack("!HH", code, len(data)) + data


def solicit(duid):
    xid = os.urandom(3)
    body = (opt(1, duid) + opt(3, struct.pack("!III", 1, 0, 0)) +
            opt(8, b"\x00\x00") + opt(14, b""))
    return b"\x01" + xid + body


def boot_request(msg):
    body = b""
    for code, data in options(msg[4:]):
        if code not in (3, 4, 14):
            body += opt(code, data)
    return b"\x03" + msg[1:4] + body


def decline(duid, sid, addr):
    """A Decline of addr in IA_NA 1 to the server whose DUID is sid."""
    xid = os.urandom(3)
    ia = (struct.pack("!III", 1, 0, 0) +
          opt(5, ipaddress.IPv6Address(addr).packed + bytes(8)))
    return b"\x09" + xid + opt(1, duid) + opt(2, sid) + opt(3, ia)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-r", dest="relay")
    ap.add_argument("-s", dest="sport", type=int, default=546)
    ap.add_argument("-p", dest="dport", type=int, default=547)
    ap.add_argument("-w", dest="wait", type=float, default=3)
    ap.add_argument("-a", dest="after", type=float, default=0.3)
    ap.add_argument("--boot-request", action="store_true")
    ap.add_argument("dest")
    ap.add_argument("iface")
    ap.add_argument("msg")
    a = ap.parse_args()
    if a.msg.startswith("solicit:"):
        msg = solicit(bytes.fromhex(a.msg[8:]))
    elif a.msg.startswith("decline:"):
        d, sid, addr = a.msg[8:].split(":", 2)
        msg = decline(bytes.fromhex(d), bytes.fromhex(sid), addr)
    else:
        with open(a.msg, "rb") as f:
            msg = f.read()
    if a.boot_request:
        msg = boot_request(msg)
    if a.relay:
        link = ipaddress.IPv6Address(a.relay).packed
        peer = ipaddress.IPv6Address("fe80::5054:ff:fe66:10").packed
        msg = (bytes([12, 0]) + link + peer +
               struct.pack("!HH", 18, 4) + b"rel0" +
               struct.pack("!HH", 9, len(msg)) + msg)
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", a.sport))
    idx = socket.if_nametoindex(a.iface)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
    sent = time.monotonic()
    s.sendto(msg, (a.dest, a.dport, 0, idx))
    s.settimeout(a.wait)
    got = 0
    try:
        while True:
            data, peer = s.recvfrom(8192)
            print("t=%.3f from=[%s]:%d %s" % (time.monotonic() - sent,
                                              peer[0], peer[1],
                                              describe(data)))
            got += 1
            s.settimeout(a.after)
    except socket.timeout:
        pass
    sys.exit(0 if got else 1)


if __name__ == "__main__":
    main()
