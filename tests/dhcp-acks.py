#!/usr/bin/env python3
"""dhcp-acks.py: the DHCP replies in a pcap file, one line each.

A test tool (tests/pg-net.sh): reads a classic pcap capture (tcpdump -w,
Ethernet) of UDP from port 67 and prints, in capture order,

  SERVER TYPE YIADDR MAC

for every OFFER, ACK and NAK (MAC as aa:bb:cc:dd:ee:ff).  Frames that are
not IPv4/UDP/BOOTP replies are skipped; a truncated file ends the list.
"""
import socket
import struct
import sys

TYPES = {2: "OFFER", 5: "ACK", 6: "NAK"}


def replies(data):
    if len(data) < 24:
        return
    magic = struct.unpack("<I", data[:4])[0]
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        if len(frame) < 14 + 20 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
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
            yield (socket.inet_ntoa(ip[12:16]), TYPES[t],
                   socket.inet_ntoa(b[16:20]),
                   ":".join("%02x" % x for x in b[28:34]))


def main():
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    for r in replies(data):
        print(" ".join(r))


if __name__ == "__main__":
    main()
