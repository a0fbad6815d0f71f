#!/usr/bin/env python3
"""flood.py: one client address floods pxed, for tests/flood.sh.

tftp: --count read requests from --bind, each from its own port and none
  ever acknowledged (the socket is closed at once), paced over about
  --spread seconds.  Prints "sent N".
http: --count TCP connections from --bind, each sending half a request
  (no blank line ends the headers), all held open until --hold seconds
  have passed or the file --stop exists.  Prints "connected N" once all
  are made, then, at the end, "closed-by-server N": how many the server
  closed (refused at accept, or cut by its header-timeout).

Every loop is bounded in count and in time (--seconds).
"""
import argparse
import os
import resource
import select
import socket
import sys
import time


def tftp(a):
    rrq = b"\0\1" + a.file.encode() + b"\0octet\0tsize\0\x30\0"
    end = time.monotonic() + a.seconds
    gap = a.spread / a.count
    sent = 0
    for i in range(a.count):
        if time.monotonic() > end:
            break
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((a.bind, 0))
        s.sendto(rrq, (a.server, a.port))
        s.close()
        sent += 1
        time.sleep(gap)
    print("sent", sent, flush=True)


def http(a):
    need = a.count + 64
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (need, max(hard, need)))
    half = ("GET /%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: flood"
            % (a.file, a.server)).encode()
    end = time.monotonic() + a.seconds
    socks = []
    for i in range(a.count):
        if time.monotonic() > end:
            break
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((a.bind, 0))
        s.settimeout(5)
        try:
            s.connect((a.server, a.port))
            s.sendall(half)
        except OSError:
            pass
        s.setblocking(False)
        socks.append(s)
    print("connected", len(socks), flush=True)
    closed = set()
    byfd = {s.fileno(): s for s in socks}
    poll = select.poll()
    for fd in byfd:
        poll.register(fd, select.POLLIN)
    hold_end = min(end, time.monotonic() + a.hold)
    while (time.monotonic() < hold_end and not os.path.exists(a.stop) and
           len(closed) < len(socks)):
        for fd, ev in poll.poll(200):
            try:
                data = byfd[fd].recv(4096)
            except OSError:
                data = b""
            if not data:
                closed.add(fd)
                poll.unregister(fd)
    print("closed-by-server", len(closed), flush=True)
    for s in socks:
        s.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=("tftp", "http"))
    p.add_argument("--server", required=True)
    p.add_argument("--bind", required=True)
    p.add_argument("--port", type=int)
    p.add_argument("--file", default="big.bin")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--spread", type=float, default=2.0)
    p.add_argument("--hold", type=float, default=30.0)
    p.add_argument("--stop", default="/nonexistent")
    p.add_argument("--seconds", type=float, default=60.0)
    a = p.parse_args()
    if a.mode == "tftp":
        a.port = a.port or 69
        tftp(a)
    else:
        a.port = a.port or 80
        http(a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
