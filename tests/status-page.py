#!/usr/bin/env python3
"""status-page.py: open pxed's /status page in headless Chromium and wait,
step by step, for what the page shows.

A test tool for tests/status-page.sh (run inside the client's network
namespace).  It starts Chromium with a DevTools port, drives it over the
DevTools protocol with nothing but the standard library (a minimal
WebSocket client), loads URL once, and then for each --until EXPR (a
JavaScript expression) waits until the page makes it true, without
reloading: what appears got there by the page's own polling.  After each
step it writes the DOM to that step's --dom FILE and a screenshot to its
--png FILE, when given (they follow their --until), and prints "step N" (flushed), so the calling test can
drive traffic between steps.  Exits 0 when every step came, 1 when one
timed out (the DOM is still written), 2 when Chromium could not be used.
"""
import argparse
import base64
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request


class DevTools:
    """One DevTools WebSocket: JSON commands in, results out."""

    def __init__(self, url):
        rest = url[len("ws://"):]
        hostport, path = rest.split("/", 1)
        host, port = hostport.rsplit(":", 1)
        self.s = socket.create_connection((host, int(port)), timeout=30)
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall(("GET /%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket"
                        "\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                        "Sec-WebSocket-Version: 13\r\n\r\n" %
                        (path, hostport, key)).encode())
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            c = self.s.recv(1)
            if not c:
                raise OSError("DevTools closed the handshake")
            head += c
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise OSError("DevTools refused: %r" % head[:80])
        self.n = 0

    def _exact(self, n):
        b = b""
        while len(b) < n:
            c = self.s.recv(n - len(b))
            if not c:
                raise OSError("DevTools closed")
            b += c
        return b

    def _send(self, op, data):
        hdr = bytearray([0x80 | op])
        n = len(data)
        if n < 126:
            hdr.append(0x80 | n)
        elif n < 65536:
            hdr.append(0x80 | 126)
            hdr += struct.pack("!H", n)
        else:
            hdr.append(0x80 | 127)
            hdr += struct.pack("!Q", n)
        mask = os.urandom(4)
        hdr += mask
        self.s.sendall(bytes(hdr) +
                       bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _recv(self):
        msg = b""
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7f
            if n == 126:
                n = struct.unpack("!H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._exact(8))[0]
            data = self._exact(n)
            op = b0 & 0x0f
            if op == 9:
                self._send(10, data)
                continue
            if op == 8:
                raise OSError("DevTools closed")
            msg += data
            if b0 & 0x80:
                return json.loads(msg)

    def call(self, method, **params):
        self.n += 1
        self._send(1, json.dumps({"id": self.n, "method": method,
                                  "params": params}).encode())
        while True:
            m = self._recv()
            if m.get("id") == self.n:
                if "error" in m:
                    raise OSError("%s: %s" % (method, m["error"]))
                return m.get("result", {})

    def eval(self, expr):
        r = self.call("Runtime.evaluate", expression=expr,
                      returnByValue=True)
        return r.get("result", {}).get("value")


def chromium(profile, width, height):
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        print("no chromium", file=sys.stderr)
        sys.exit(2)
    args = [exe, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars",
            "--user-data-dir=" + profile, "--remote-debugging-port=0",
            "--window-size=%d,%d" % (width, height), "about:blank"]
    log = open(os.path.join(profile, "..", "chromium.log"), "w")
    p = subprocess.Popen(args, stdout=log, stderr=log,
                         start_new_session=True)
    port_file = os.path.join(profile, "DevToolsActivePort")
    for _ in range(600):
        if os.path.exists(port_file):
            with open(port_file) as f:
                port = f.readline().strip()
            if port:
                return p, int(port)
        if p.poll() is not None:
            break
        time.sleep(0.05)
    print("chromium gave no DevTools port", file=sys.stderr)
    stop(p)
    sys.exit(2)


def stop(p):
    try:
        os.killpg(p.pid, signal.SIGTERM)
        p.wait(timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass


class Step(argparse.Action):
    """--until begins a step; --dom and --png belong to the last one."""

    def __call__(self, parser, ns, value, option=None):
        if option == "--until":
            ns.steps.append({"until": value})
        elif not ns.steps:
            parser.error("%s before any --until" % option)
        else:
            ns.steps[-1][option[2:]] = value


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    for o in ("--until", "--dom", "--png"):
        ap.add_argument(o, action=Step, dest="steps")
    ap.set_defaults(steps=[])
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--size", default="1280x720")
    a = ap.parse_args()
    width, height = (int(x) for x in a.size.split("x"))
    work = tempfile.mkdtemp(prefix="pxed-chromium.")
    profile = os.path.join(work, "profile")
    os.mkdir(profile)
    p, port = chromium(profile, width, height)
    rc = 0
    try:
        with urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port,
                                    timeout=10) as r:
            pages = [t for t in json.load(r) if t.get("type") == "page"]
        dt = DevTools(pages[0]["webSocketDebuggerUrl"])
        dt.call("Page.enable")
        dt.call("Page.navigate", url=a.url)
        for i, step in enumerate(a.steps):
            expr = step["until"]
            deadline = time.monotonic() + a.timeout
            while not dt.eval("!!(%s)" % expr):
                if time.monotonic() > deadline:
                    print("step %d timed out: %s" % (i, expr), flush=True)
                    rc = 1
                    break
                time.sleep(0.2)
            if step.get("dom"):
                with open(step["dom"], "w") as f:
                    f.write(dt.eval("document.documentElement.outerHTML")
                            or "")
            if step.get("png"):
                # A fresh frame: set the size again, so that headless
                # Chromium lays the page out and draws it now.
                dt.call("Emulation.setDeviceMetricsOverride", width=width,
                        height=height, deviceScaleFactor=1, mobile=False)
                dt.eval("new Promise(function (ok) {"
                        " requestAnimationFrame(function () {"
                        " requestAnimationFrame(ok); }); })")
                shot = dt.call("Page.captureScreenshot", format="png",
                               fromSurface=True)
                with open(step["png"], "wb") as f:
                    f.write(base64.b64decode(shot["data"]))
            if rc:
                break
            print("step %d" % i, flush=True)
    except OSError as e:
        print("devtools: %s" % e, file=sys.stderr)
        rc = 2
    finally:
        stop(p)
        shutil.rmtree(work, ignore_errors=True)
    sys.exit(rc)


if __name__ == "__main__":
    main()
