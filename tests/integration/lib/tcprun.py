# SPDX-License-Identifier: BSD-2-Clause
"""Processes the integration tests drive: traffic endpoints, the scenario
driver, tcprec and tcpdump.  Documented in tcptest's docstring; tests
import everything from tcptest.
"""

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time

from pcapread import read_pcap
from tcpbase import check, fail

TRAFFIC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "traffic.py")
NFT_TABLE = "tcprectest"
# With -v, tcprec prints "tcprec: ready in N ms (...)" on stderr once every
# probe is attached and its ring buffer is drained (record/live.c,
# mark_ready()); the header is on disk earlier, so the file's existence
# says nothing.  Events before this line may be missing.  The start-up
# snapshot streams after it and ends with "tcprec: snapshot: ...".
READY_RE = re.compile(r"^tcprec: ready in ")
SNAPSHOT_RE = re.compile(r"^tcprec: snapshot: ")
AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
_live_recorders = []


def kill_recorders():
    """Kill every tcprec a Recorder started that is still running (exit
    paths that never reached stop())."""
    for r in list(_live_recorders):
        if r.proc is not None and r.proc.poll() is None:
            r.proc.kill()
            r.proc.wait()
        _live_recorders.remove(r)


def _drain_lines(stream, sink):
    for line in iter(stream.readline, ""):
        sink.append(line)


class Endpoint:
    """A traffic.py process in a namespace; its JSON lines go to `events`
    as (endpoint, dict) pairs, followed by {"event": "exit"}."""

    def __init__(self, host, role, scenario, addr, port, count=1, events=None):
        self.role = role
        self.scenario = scenario
        self.events = events if events is not None else queue.Queue()
        self.stderr_lines = []
        argv = [sys.executable, "-u", TRAFFIC, role, scenario, "--addr", addr,
                "--port", port, "--count", count]
        self.proc = host.popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, bufsize=1)
        self._err = threading.Thread(target=_drain_lines,
                                     args=(self.proc.stderr, self.stderr_lines), daemon=True)
        self._err.start()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in iter(self.proc.stdout.readline, ""):
            try:
                ev = json.loads(line)
            except ValueError:
                ev = {"event": "error", "msg": "unparsable output %r" % line}
            self.events.put((self, ev))
        self.proc.wait()
        self._err.join(5)
        self.events.put((self, {"event": "exit", "rc": self.proc.returncode}))

    def describe(self):
        return "%s %s (pid %d, rc %s): %s" % (self.role, self.scenario, self.proc.pid,
                                              self.proc.poll(), "".join(self.stderr_lines).strip())

    def release(self):
        """Answer the pending wait point."""
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()

    def expect(self, event, timeout=30):
        """Next event of this endpoint named `event` (own queue only)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                ep, ev = self.events.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                fail("timeout waiting for %r from %s" % (event, self.describe()))
            if ev["event"] == event:
                return ev
            if ev["event"] in ("error", "exit"):
                fail("%s while waiting for %r: %s" % (ev, event, ep.describe()))


def _nft_rule(port, match, direction="dport"):
    """Drops, on input, the segments to (dport) or from (sport) port."""
    return ("table inet %s {\n counter dropped { }\n chain input {\n  type filter hook input "
            "priority 0; policy accept;\n  tcp %s %d %s counter name \"dropped\" drop\n"
            " }\n}\n" % (NFT_TABLE, direction, port, match))


def _nft_lift(host):
    """Removes the scenario's drop rule in host's namespace; returns how
    many packets it dropped.  The rule goes first, then the counter is
    read: a packet dropped in between would otherwise be missed."""
    host.run(["nft", "flush", "chain", "inet", NFT_TABLE, "input"])
    out = host.run(["nft", "list", "counter", "inet", NFT_TABLE, "dropped"]).stdout
    m = re.search(r"packets (\d+)", out)
    check(m, "no drop counter in: %r" % out)
    host.run(["nft", "delete", "table", "inet", NFT_TABLE])
    return int(m.group(1))


class _Driver:
    """Runs both endpoints of a scenario and answers their wait points."""

    def __init__(self, topo, scenario, port, count, points, timeout):
        self.topo, self.scenario, self.port = topo, scenario, port
        self.count, self.points = count, dict(points or {})
        self.deadline = time.monotonic() + timeout
        self.q = queue.Queue()
        self.seen, self.waiting, self.done, self.info = set(), {}, {}, {}
        self.rules = {}
        self.endpoints = []

    def start(self, host, role):
        ep = Endpoint(host, role, self.scenario, self.topo.server.addr, self.port,
                      self.count, self.q)
        self.endpoints.append(ep)
        return ep

    def pump(self, until):
        while not until():
            try:
                ep, ev = self.q.get(timeout=max(0.01, self.deadline - time.monotonic()))
            except queue.Empty:
                fail("scenario %s timed out; %s" % (self.scenario, "; ".join(
                    e.describe() for e in self.endpoints)))
            self.handle(ep, ev)

    def handle(self, ep, ev):
        kind = ev["event"]
        if kind == "error":
            fail("%s %s: %s; %s" % (ep.role, self.scenario, ev.get("msg"), ep.describe()))
        if kind == "exit":
            check(ep.role in self.done and ev["rc"] == 0,
                  "%s exited early; %s" % (ep.role, ep.describe()))
            return
        if kind == "done":
            self.done[ep.role] = ev
            self.seen.add((ep.role, "done"))
        elif kind == "wait":
            self.waiting[(ep.role, ev["name"])] = ep
            self.seen.add((ep.role, ev["name"]))
        else:
            self.info.setdefault(ep.role, {})[kind] = ev
        self.release_ready()

    def release_ready(self):
        for key, ep in list(self.waiting.items()):
            requires, action = self.rules.get(key, (None, None))
            if requires and requires not in self.seen:
                continue
            del self.waiting[key]
            if action:
                action()
            user = self.points.get("%s:%s" % key) or self.points.get(key[1])
            if user:
                user()
            ep.release()


def _setup(d):
    """Network changes and ordering rules a scenario needs."""
    topo, port = d.topo, d.port
    if d.scenario == "syn-timeout":
        topo.client.sysctl("net.ipv4.tcp_syn_retries", 1)
        topo.server.nft(_nft_rule(port, "tcp flags & (syn | ack) == syn"))
        d.rules[("server", "stop")] = (("client", "done"), None)
    elif d.scenario == "simclose":
        # Drop the client's FIN on the server until the client is in
        # CLOSING: then both FINs were sent before either was received.
        d.rules[("client", "client-fin")] = (
            None, lambda: topo.server.nft(_nft_rule(port, "tcp flags & fin == fin")))
        d.rules[("server", "server-fin")] = (("client", "server-fin-sent"), None)
        def lift():
            # A receive hook inside TCP never sees what the rule dropped.
            d.info["driver"] = {"dropped": _nft_lift(topo.server), "dropped_flag": "F"}

        d.rules[("client", "closing")] = (None, lift)
    elif d.scenario == "closewait":
        d.rules[("server", "release")] = (("client", "done"), None)
    else:
        _setup_kernel(d)


def _setup_kernel(d):
    """traffic_kernel.py's scenarios: sysctls, blackholes, drops."""
    topo, port = d.topo, d.port

    def lift(host):
        return lambda: d.info.setdefault("driver", {}).update(dropped=_nft_lift(host))

    if d.scenario == "fin-timeout":
        topo.server.sysctl("net.ipv4.tcp_fin_timeout", 1)
    elif d.scenario == "user-timeout":
        d.rules[("client", "blackhole")] = (None, lambda: topo.server.nft(_nft_rule(port, "")))
        d.rules[("server", "release")] = (("client", "done"), lift(topo.server))
    elif d.scenario == "syncookies":
        topo.server.sysctl("net.ipv4.tcp_syncookies", 2)
        d.rules[("client", "flood")] = (
            None, lambda: topo.client.nft(_nft_rule(port, "tcp flags & (syn | ack) == syn | ack",
                                                    "sport")))
        d.rules[("client", "flood-done")] = (None, lift(topo.client))
    elif d.scenario == "fastopen":
        for host in (topo.client, topo.server):
            host.sysctl("net.ipv4.tcp_fastopen", 3)
    elif d.scenario == "backlog-full":
        d.rules[("server", "accept")] = (("client", "queued"), None)


def run_scenario(topo, scenario, port, count=1, points=None, timeout=60):
    """Run traffic.py's `scenario` between topo.client and topo.server."""
    d = _Driver(topo, scenario, port, count, points, timeout)
    _setup(d)
    roles = ["client"]
    if scenario != "refused":
        d.start(topo.server, "server")
        d.pump(lambda: "listening" in d.info.get("server", {}))
        roles.append("server")
    d.start(topo.client, "client")
    d.pump(lambda: all(r in d.done for r in roles))
    for ep in d.endpoints:
        try:
            ep.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            fail("%s did not exit after done; %s" % (ep.role, ep.describe()))
    d.done.setdefault("server", None)
    d.done["info"] = d.info
    return d.done


class RecorderResult:
    def __init__(self, returncode, stderr, lines):
        self.returncode = returncode
        self.stderr = stderr
        self.lines = lines

    def __repr__(self):
        return "RecorderResult(rc=%r, stderr=%r)" % (self.returncode, self.stderr)


def _netns_path(netns):
    return getattr(netns, "netns_path", netns)


class Recorder:
    """tcprec running in the background, ready once READY_RE was printed."""

    def __init__(self, out, netns=None, args=(), user=None, exe=None, wait_snapshot=True):
        self.out = out
        # start() returns at ready, or (default) once the snapshot is over.
        self.wait_re = SNAPSHOT_RE if wait_snapshot else READY_RE
        self.ready_seen = threading.Event()
        self.exe = exe or os.environ.get("TCPREC")
        check(self.exe, "TCPREC is not set")
        self.argv = [self.exe, "-v", "-o", out]
        if netns is not None:
            self.argv += ["--netns", _netns_path(netns)]
        self.argv += [str(a) for a in args]
        # A run of the suite on one attach flavour (--probe; tests/integration/vm).
        if os.environ.get("TCPREC_TESTS_PROBE"):
            self.argv += ["--probe", os.environ["TCPREC_TESTS_PROBE"]]
        if user:
            self.argv = AS_NOBODY + self.argv
        self.proc = None
        self.result = None
        self.lines = []
        self._ready = threading.Event()

    def _read(self):
        buf = b""
        while True:
            chunk = os.read(self.proc.stderr.fileno(), 4096)
            if not chunk:
                break
            buf += chunk
            parts = re.split(rb"[\r\n]", buf)
            buf = parts.pop()
            for p in parts:
                self._line(p.decode(errors="replace"))
        if buf:
            self._line(buf.decode(errors="replace"))
        self._ready.set()

    def _line(self, text):
        if text.strip():
            self.lines.append(text)
        if READY_RE.search(text):
            self.ready_seen.set()
        if self.wait_re.search(text):
            self._ready.set()

    def launch(self):
        """Start tcprec and return at once (start() = launch() + wait)."""
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _live_recorders.append(self)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        return self

    def start(self, ready_timeout=20):
        self.launch()
        return self.wait_ready(ready_timeout)

    def wait_ready(self, ready_timeout=20):
        """Wait for the line start() waits for (ready or snapshot end)."""
        if not self._ready.wait(ready_timeout) or self.proc.poll() is not None:
            self.proc.kill()
            self.proc.wait()
            self._reader.join(5)
            fail("tcprec not ready (rc %s): %s" % (self.proc.returncode, self.stderr()))
        return self

    def stderr(self):
        return "\n".join(self.lines)

    def wait(self, timeout=30):
        """Wait for tcprec to stop by itself (-c, --duration)."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            fail("tcprec did not stop by itself within %ss" % timeout)
        self._reader.join(10)
        self.result = RecorderResult(self.proc.returncode, self.stderr(), list(self.lines))
        return self.result

    def stop(self, settle=0.5, sig=signal.SIGINT, timeout=30):
        """Let the last events drain, signal tcprec, wait for its exit."""
        if self.result is not None:
            return self.result
        if self.proc.poll() is None:
            time.sleep(settle)
            self.proc.send_signal(sig)
        return self.wait(timeout)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        if self.proc is not None and self.result is None:
            self.stop(settle=0 if exc[0] else 0.5)
        return False


def run_tcprec(args, user=None, timeout=30, exe=None):
    """Run tcprec to completion (usage/error tests); CompletedProcess."""
    exe = exe or os.environ.get("TCPREC")
    check(exe, "TCPREC is not set")
    argv = [exe] + [str(a) for a in args]
    if user:
        argv = AS_NOBODY + argv
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


class Capture:
    """tcpdump -w in a host's namespace."""

    def __init__(self, host, path, ifname=None, bpf_filter=None):
        self.host, self.path = host, path
        # A 32 MiB buffer: thousands of connections on lo within a second
        # overflow the default 2 MiB one.
        self.argv = ["tcpdump", "-i", ifname or host.ifname, "-w", path, "-U",
                     "--immediate-mode", "-B", "32768", "-n", "-Z", "root", "-s", "200"]
        self.argv += [bpf_filter] if bpf_filter else []
        self.proc = None
        self.err = []

    def start(self, timeout=10):
        self.proc = self.host.popen(self.argv, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    text=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            self.err.append(line)
            if "listening on" in line:
                self._drain = threading.Thread(target=_drain_lines,
                                               args=(self.proc.stderr, self.err), daemon=True)
                self._drain.start()
                return self
        fail("tcpdump did not start: %s" % "".join(self.err))

    def stop(self):
        """Stop tcpdump; fail if the kernel dropped packets (a lossy
        capture proves nothing); return the segments."""
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            fail("tcpdump did not stop")
        self._drain.join(5)
        m = re.search(r"(\d+) packets? dropped by kernel", "".join(self.err))
        check(m is not None, "tcpdump printed no statistics: %s" % "".join(self.err))
        check(m.group(1) == "0", "tcpdump dropped packets: %s" % "".join(self.err))
        return read_pcap(self.path)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        return False
