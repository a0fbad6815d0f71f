#!/usr/bin/env python3
"""notify-listen.py SOCKET OUT: a service manager's end of sd_notify.

Binds a unix datagram socket at SOCKET (writable by anyone: pxed sends
after dropping root) and appends each message to OUT as one line, its
newlines written as "|".  When a message says READY=1 it adds the line
"BOUND udp PORTS tcp PORTS": the UDP ports bound and TCP ports listening
in this network namespace at that moment, from /proc/net.
"""
import os
import socket
import sys


def ports(kinds, listen_only):
    found = set()
    for kind in kinds:
        try:
            with open("/proc/net/" + kind) as f:
                next(f)
                for line in f:
                    fields = line.split()
                    if listen_only and fields[3] != "0A":
                        continue
                    found.add(int(fields[1].rsplit(":", 1)[1], 16))
        except FileNotFoundError:
            pass
    return " ".join(str(p) for p in sorted(found))


def main():
    path, out = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o666)
    with open(out, "a") as f:
        f.write("LISTENING\n")
        f.flush()
        while True:
            msg = s.recv(4096).decode("utf-8", "replace")
            f.write(msg.strip("\n").replace("\n", "|") + "\n")
            if "READY=1" in msg.split("\n"):
                f.write("BOUND udp %s tcp %s\n" % (
                    ports(("udp", "udp6"), False),
                    ports(("tcp", "tcp6"), True)))
            f.flush()


main()
