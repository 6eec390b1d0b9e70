# SPDX-License-Identifier: BSD-2-Clause
"""Shared library of the integration tests (Python 3, stdlib only).

Everything a test needs to create private network namespaces, generate
TCP traffic in them, record it with tcprec and read the result back.
Traffic stays inside the test namespaces (documentation addresses) or
their loopback; nothing is sent anywhere else.

Environment (set by meson for every integration test):
    TCPREC   path of tcprec      TRCDUMP  path of trcdump
    TCPANA   path of tcpana      TCPREC_TESTS_REQUIRE_ALL=1: skips fail

Test skeleton:

    import tcptest as T

    def test():
        T.require_root(); T.require_netns(); T.require_bpf()
        with T.Topology(family=4) as topo:               # or loopback=True
            with T.Recorder(topo.tmp("run.trc"), netns=topo.server) as rec:
                res = T.run_scenario(topo, "normal", port=8080)
            T.check_eq(rec.result.returncode, 0, "tcprec exit code")
            trace = T.Trace.load(rec.out)                 # runs $TRCDUMP
            conn = trace.endpoint(lport=8080,             # server socket
                                  rport=res["client"]["lport"])
            T.check_eq(conn.transitions(), [...], "server transitions")

    T.main(test)      # exit 0 pass, 1 fail (FAIL: reason), 77 skip

Capabilities:  require_root(), require_netns(), require_bpf(),
  require_tool(name), require_tcpana(), require_trcdump(), require_tracefs();
  skip(reason)
  exits 77 with the reason on stderr (exit 1 under
  TCPREC_TESTS_REQUIRE_ALL=1).  Assertions: check(cond, msg),
  check_eq(actual, expected, what), fail(msg).

Topology(family=4|6, loopback=False): context manager.  Two namespaces
  joined by a veth pair (both ends named veth0), client 192.0.2.1/24 or
  2001:db8::1/64, server 192.0.2.2/24 or 2001:db8::2/64 (nodad), lo up
  in both; loopback=True gives one namespace where client and server both
  use 127.0.0.1 or ::1 on lo.  Attributes: .client, .server (Host),
  .family, .loopback, .tmpdir, .tmp(name).  Namespace names contain the
  pid and a counter; close() (also run by atexit and on SIGTERM) kills
  every process left in the namespaces and deletes them.

Host: .name, .netns_path (/run/netns/NAME), .netns_inode, .addr, .ifname,
  .run(argv, check=True, **kw) -> CompletedProcess (text, captured),
  .popen(argv, **kw), .sysctl(key, value), .nft(script),
  .traffic(role, scenario, port, count=1) -> Endpoint (see traffic.py).

run_scenario(topo, scenario, port, count=1, points=None, timeout=60):
  runs traffic.py's scenario between topo.client and topo.server with all
  synchronisation, sysctls and nftables rules it needs (syn-timeout: SYN
  drop + tcp_syn_retries=1, ~3 s; simclose: FIN drop until the client is
  in CLOSING); returns {"client": done, "server": done or None, "info":
  {role: {event: dict}}} where done has lport/rport/laddr/raddr (client
  side: lport is the ephemeral port) and scenario fields; info holds the
  other events ("held" of hold lists its conns).  points maps a wait
  point, "role:name" or "name", to a callable run before that endpoint is
  released: hold's "client:release" (all conns ESTABLISHED) and
  closewait's "server:release" (server in CLOSE_WAIT) are the places to
  start or stop a recorder.  Scenarios: see traffic.py.

Recorder(out, netns=Host|path|None, args=(), user=None): context manager.
  start() runs `$TCPREC -v -o OUT [--netns PATH] ARGS...` and returns
  once tcprec's start-up snapshot is over (SNAPSHOT_RE, "tcprec:
  snapshot:"), or with wait_snapshot=False once it is ready (READY_RE,
  "tcprec: ready in": every probe attached, the ring buffer drained; the
  snapshot streams after it).  launch() starts it without waiting;
  .ready_seen is an Event set at READY_RE.  .lines: its stderr lines.
  stop(settle=0.5) waits `settle` seconds for the last events to drain,
  sends SIGINT and returns a RecorderResult(returncode, stderr, lines).
  run_tcprec(args, user=None) runs tcprec to completion (usage tests).

Trace: Trace.load(path, expect_rc=0) runs $TRCDUMP (trcdump(path)
  returns the raw list of dicts); .header, .events (records with a
  "type", lost ones included), .end, .trailer, .corrupt, .lost(),
  .lost_count(), .of_type(t), .serials() {serial: TraceEndpoint},
  .endpoints(**match) one TraceEndpoint per distinct tuple+netns (serials
  sharing a tuple merged), .endpoint(**match) exactly one or fail,
  .describe().  match keys: laddr, lport, raddr, rport, netns (inode or
  Host), family; addresses compared normalised.  TraceEndpoint: .conn,
  .events (time order), .transitions() [(old, new)] without snapshots,
  .snapshot_states(), .segments(dir=None) [flag strings],
  .segment_events(dir=None), .timewait() [(phase, precision)],
  .of_type(type), .summary().

Capture(host, path, ifname=None, bpf_filter=None): tcpdump -w in host's
  namespace, start()/stop() -> list of segments (pcapread.read_pcap).

tcpana_json(path, *args, expect_rc=0) runs $TCPANA --json and returns
  the parsed document; endpoints(doc) lists its endpoint objects.  flags_str(bits) is trc_tcp_flags_str() in Python.

Debugging: TCPREC_TESTS_KEEP=1 keeps each Topology's tmpdir (traces,
captures).  Example tests: tests/integration/record/ (recassert.py shows
recording several namespaces at once with tcpdump cross-checks).
"""

import atexit
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

from pcapread import flags_str, read_pcap  # noqa: F401  (re-exported)
from tcpbase import (EXIT_SKIP, TestFailure, check, check_eq, fail,  # noqa: F401
                     require_all, require_bpf, require_netns, require_root,
                     require_record_and_analyse, require_tcpana, require_tool,
                     require_tracefs, require_trcdump, run_bounded,
                     skip)
from tcptrace import (Trace, TraceEndpoint, trcdump, tcpana_json, tcpana_output,  # noqa: F401
                      endpoints)
from tcprun import (Endpoint, Recorder, RecorderResult, Capture,  # noqa: F401
                    READY_RE, SNAPSHOT_RE, kill_recorders, run_scenario, run_tcprec)

LIB_DIR = os.path.dirname(os.path.abspath(__file__))
TRAFFIC = os.path.join(LIB_DIR, "traffic.py")

_counter = itertools.count()
_live_topologies = []


class Host:
    """One endpoint of a Topology: a namespace plus the address used there."""

    def __init__(self, topo, name, addr, ifname):
        self.topo = topo
        self.name = name
        self.addr = addr
        self.ifname = ifname
        self.netns_path = "/run/netns/" + name
        self.netns_inode = None

    def cmd(self, argv):
        return ["ip", "netns", "exec", self.name] + [str(a) for a in argv]

    def run(self, argv, check=True, **kw):
        kw.setdefault("capture_output", True)
        kw.setdefault("text", True)
        r = subprocess.run(self.cmd(argv), **kw)
        if check and r.returncode != 0:
            fail("%s in %s failed (%d): %s" % (" ".join(map(str, argv)), self.name,
                                               r.returncode, (r.stderr or "").strip()))
        return r

    def popen(self, argv, **kw):
        p = subprocess.Popen(self.cmd(argv), **kw)
        self.topo.procs.append(p)
        return p

    def sysctl(self, key, value):
        self.run(["sysctl", "-qw", "%s=%s" % (key, value)])

    def nft(self, script):
        self.run(["nft", "-f", "-"], input=script)

    def traffic(self, role, scenario, port, count=1):
        return Endpoint(self, role, scenario, self.topo.server.addr, port, count)


class Topology:
    """Private namespaces with a veth pair, or one loopback namespace."""

    def __init__(self, family=4, loopback=False):
        if family not in (4, 6):
            raise ValueError("family must be 4 or 6")
        self.family = family
        self.loopback = loopback
        self.procs = []
        self.namespaces = []
        base = "tt%dx%d" % (os.getpid(), next(_counter))
        if loopback:
            addr = "127.0.0.1" if family == 4 else "::1"
            self.client = Host(self, base + "l", addr, "lo")
            self.server = Host(self, base + "l", addr, "lo")
        else:
            c, s = ("192.0.2.1", "192.0.2.2") if family == 4 else ("2001:db8::1", "2001:db8::2")
            self.client = Host(self, base + "c", c, "veth0")
            self.server = Host(self, base + "s", s, "veth0")
        self.tmpdir = None

    def tmp(self, name):
        return os.path.join(self.tmpdir, name)

    def __enter__(self):
        _live_topologies.append(self)
        try:
            self._create()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _ip(self, *argv):
        r = subprocess.run(["ip"] + list(argv), capture_output=True, text=True)
        if r.returncode != 0:
            fail("ip %s: %s" % (" ".join(argv), r.stderr.strip()))

    def _create(self):
        self.tmpdir = tempfile.mkdtemp(prefix="tcprec-itest-")
        os.chmod(self.tmpdir, 0o755)
        for h in (self.client, self.server):
            if h.name not in self.namespaces:
                self._ip("netns", "add", h.name)
                self.namespaces.append(h.name)
                self._ip("-n", h.name, "link", "set", "lo", "up")
            h.netns_inode = os.stat(h.netns_path).st_ino
        if self.loopback:
            return
        c, s = self.client, self.server
        self._ip("link", "add", "name", "veth0", "netns", c.name, "type", "veth",
                 "peer", "name", "veth0", "netns", s.name)
        plen = "/24" if self.family == 4 else "/64"
        for h in (c, s):
            extra = ["nodad"] if self.family == 6 else []
            self._ip("-n", h.name, "addr", "add", h.addr + plen, "dev", "veth0", *extra)
            self._ip("-n", h.name, "link", "set", "veth0", "up")
        # A first packet sent before the peer has carrier waits for a
        # neighbour retry (1 s); static neighbours on an up link make the
        # first SYN leave at once and keep ARP/ND out of the captures.
        macs = {h.name: self._wait_link_up(h) for h in (c, s)}
        for h, peer in ((c, s), (s, c)):
            self._ip("-n", h.name, "neigh", "replace", peer.addr, "lladdr", macs[peer.name],
                     "dev", "veth0", "nud", "permanent")

    def _wait_link_up(self, host, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            r = subprocess.run(["ip", "-n", host.name, "-j", "link", "show", "veth0"],
                               capture_output=True, text=True)
            link = json.loads(r.stdout or "[{}]")[0]
            if link.get("operstate") == "UP":
                return link["address"]
            if time.monotonic() > deadline:
                fail("veth0 in %s did not come up: %s" % (host.name, r.stdout))
            time.sleep(0.01)

    def close(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        self.procs = []
        for ns in self.namespaces:
            r = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True)
            for pid in r.stdout.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        self.namespaces = []
        if self.tmpdir and not os.environ.get("TCPREC_TESTS_KEEP"):
            shutil.rmtree(self.tmpdir, ignore_errors=True)
        if self in _live_topologies:
            _live_topologies.remove(self)


def _cleanup_all():
    kill_recorders()
    for topo in list(_live_topologies):
        topo.close()


atexit.register(_cleanup_all)


def _on_signal(signum, _frame):
    raise SystemExit("killed by signal %d" % signum)


_failure_notes = []


def on_failure(note):
    """note() returns text that explains a failure (what the recorders
    said, what the trace holds); main() prints it after the reason."""
    _failure_notes.append(note)


def _print_failure_notes():
    for note in _failure_notes:
        try:
            sys.stderr.write(note().rstrip("\n") + "\n")
        except Exception as e:  # a note must not hide the failure
            sys.stderr.write("(failure note failed: %r)\n" % e)


def main(fn):
    """Run a test function: exit 0 on success, 1 on failure (reason on
    stderr, then the failure notes), 77 when skip() was called; cleans up
    on SIGTERM too."""
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        fn()
    except TestFailure as e:
        sys.stderr.write("FAIL: %s\n" % e)
        _print_failure_notes()
        _cleanup_all()
        sys.exit(1)
    except SystemExit:
        _cleanup_all()
        raise
    except BaseException:
        traceback.print_exc()
        _cleanup_all()
        sys.exit(1)
    _cleanup_all()
    print("PASS")
    sys.exit(0)
