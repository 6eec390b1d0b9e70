# SPDX-License-Identifier: BSD-2-Clause
"""Recording helpers and assertions shared by the recorder's tests.

Recording.run() records one scenario on every side of a Topology at once:
one tcprec --netns and one tcpdump per namespace, so each endpoint's trace
can be checked against what the wire showed in its own namespace.
"""

import time

import tcptest as T

PORT = 8080

# What this kernel reports through inet_sock_set_state, per endpoint role.
CLIENT_OPEN = [("CLOSE", "SYN_SENT"), ("SYN_SENT", "ESTABLISHED")]
SERVER_OPEN = [("LISTEN", "SYN_RECV"), ("SYN_RECV", "ESTABLISHED")]
ACTIVE_CLOSE = [("ESTABLISHED", "FIN_WAIT1"), ("FIN_WAIT1", "FIN_WAIT2"),
                ("FIN_WAIT2", "CLOSE")]
PASSIVE_CLOSE = [("ESTABLISHED", "CLOSE_WAIT"), ("CLOSE_WAIT", "LAST_ACK"),
                 ("LAST_ACK", "CLOSE")]


def family_arg(argv):
    """'4' or '6' from the command line (meson passes it)."""
    if len(argv) < 2 or argv[1] not in ("4", "6"):
        raise SystemExit("usage: %s 4|6 [...]" % argv[0])
    return int(argv[1])


class Recording:
    """Scenario recorded by tcprec and tcpdump in each namespace."""

    def __init__(self, topo, scenario, port=PORT, count=1, args=(), sides=None,
                 points=None, timeout=60, start_at=None, stop_at=None, before_stop=None):
        self.topo, self.scenario, self.port = topo, scenario, port
        self.count, self.args, self.points, self.timeout = count, args, points, timeout
        if sides is None:
            sides = ("server",) if topo.loopback else ("client", "server")
        self.sides = sides
        self.hosts = {"client": topo.client, "server": topo.server}
        self.traces, self.pcaps, self.results, self.res = {}, {}, {}, None
        self.start_at = start_at  # wait point at which recording starts
        self.stop_at = stop_at  # wait point at which recording ends
        # Called before stopping: waits for traffic that must be in both the
        # trace and the capture (each side's recorder and capture stop one
        # after the other, so a segment sent meanwhile is in one only).
        self.before_stop = before_stop
        self.settle = 0.5
        self._recs, self._caps = {}, {}

    def _stop(self):
        """Let the last events drain, then stop every recorder and capture."""
        if self.results:
            return
        if self.before_stop:
            self.before_stop()
        time.sleep(self.settle)
        for side in self.sides:
            self.results[side] = self._recs[side].stop(settle=0)
            self.pcaps[side] = self._caps[side].stop()

    def _start(self):
        for side in self.sides:
            host = self.hosts[side]
            self._caps[side] = T.Capture(host, self.topo.tmp(side + ".pcap")).start()
            self._recs[side] = T.Recorder(self.topo.tmp(side + ".trc"), netns=host,
                                          args=self.args).start()

    def run(self, settle=0.5):
        self.settle = settle
        points = dict(self.points or {})
        if self.start_at:
            points[self.start_at] = self._start
        if self.stop_at:
            points[self.stop_at] = self._stop
        try:
            if not self.start_at:
                self._start()
            self.res = T.run_scenario(self.topo, self.scenario, self.port, self.count,
                                      points, self.timeout)
            self._stop()
        finally:
            for r in self._recs.values():
                if r.result is None and r.proc.poll() is None:
                    r.proc.kill()
        for side in self.sides:
            rr = self.results[side]
            T.check_eq(rr.returncode, 0, "tcprec exit code (%s side): %s" % (side, rr.stderr))
            self.traces[side] = T.Trace.load(self._recs[side].out)
        T.on_failure(self.describe)
        return self

    def describe(self):
        """Each side's recorder output, losses, damage, trailer and
        endpoints: what a failed check needs."""
        out = []
        for side in self.sides:
            trace = self.traces.get(side)
            out.append("--- %s side: tcprec said:\n%s" % (side, self.results[side].stderr))
            if trace is None:
                continue
            out.append("lost records: %r\ndamaged blocks: %r\ntrailer: %r" % (
                trace.lost(), trace.corrupt, trace.trailer))
            out.append(trace.describe())
        return "\n".join(out)

    def client_lport(self):
        return self.res["client"]["lport"]

    def client_ep(self, side="client"):
        """The client socket, as recorded in `side`'s namespace."""
        c = self.topo.client
        return self.traces[side].endpoint(laddr=c.addr, lport=self.client_lport(),
                                          raddr=self.topo.server.addr, rport=self.port)

    def server_ep(self, side="server"):
        s = self.topo.server
        return self.traces[side].endpoint(laddr=s.addr, lport=self.port,
                                          raddr=self.topo.client.addr,
                                          rport=self.client_lport())

    def wire(self, side, src, sport, dst, dport):
        """Flag strings tcpdump saw in `side`'s namespace for one direction."""
        return [p["flags"] for p in self.pcaps[side]
                if (p["src"], p["sport"], p["dst"], p["dport"]) == (src, sport, dst, dport)]

    def check_flags(self, ep, side):
        """ep's rx/tx segment flags equal tcpdump's view in its namespace.
        tcpdump, like tp_btf/netif_receive_skb, sees what the device
        received; fentry/kprobe on tcp_v4_rcv/tcp_v6_rcv see what reached
        TCP, so with those the segments the scenario's firewall rule
        dropped on the server (counted by the rule) are not expected."""
        c = ep.conn
        tx = self.wire(side, c["laddr"], c["lport"], c["raddr"], c["rport"])
        rx = self.wire(side, c["raddr"], c["rport"], c["laddr"], c["lport"])
        drop = self.res.get("info", {}).get("driver", {})
        if drop.get("dropped") and side == "server" and c["lport"] == self.port and \
                ep.trace.probes().get("seg_rx") in ("fentry", "kprobe"):
            rx = without_first(rx, drop["dropped_flag"], drop["dropped"])
        T.check(tx, "tcpdump saw no segments from %s:%s" % (c["laddr"], c["lport"]))
        T.check_eq(ep.segments("tx"), tx, "tx segment flags vs tcpdump, %s" % ep.summary())
        T.check_eq(ep.segments("rx"), rx, "rx segment flags vs tcpdump, %s" % ep.summary())


def without_first(flags, flag, count):
    """flags without the first `count` entries containing `flag` (all of
    them must be there)."""
    out = []
    for f in flags:
        if count and flag in f:
            count -= 1
            continue
        out.append(f)
    T.check_eq(count, 0, "dropped %r segments missing from tcpdump's view %r" % (flag, flags))
    return out


def check_transitions(ep, expected, what):
    """Exact transition list; on failure the message shows the endpoint
    and every other endpoint of the trace sharing one of its ports."""
    got = ep.transitions()
    if got != expected:
        near, trace = "", ep.trace
        if trace is not None:
            ports = {ep.conn["lport"], ep.conn["rport"]}
            near = "; same ports: " + " | ".join(
                e.summary() for e in trace.endpoints()
                if {e.conn["lport"], e.conn["rport"]} & ports and e.conn != ep.conn)
        T.fail("%s transitions: expected %r, got %r (%s)%s" % (what, expected, got,
                                                               ep.summary(), near))


def check_timewait_enter(ep):
    """The endpoint entered TIME_WAIT and its timewait record carries the
    socket's cookie.  The kernel creates the timewait socket just before
    the full socket goes to CLOSE.  An exact record (fexit/inet_twsk_alloc)
    is stamped then, with precision 0; a polled one when the walk saw it:
    so the record comes after the previous transition, and its window
    [t_ns - precision_ns, t_ns] starts no later than the CLOSE."""
    precision = ep.trace.tw_precision()
    T.check_eq(ep.timewait(), [("enter", precision)], "timewait records, " + ep.summary())
    tw = ep.of_type("timewait")[0]
    states = ep.of_type("state")
    closed, before = states[-1], states[-2]
    T.check_eq(closed["new"], "CLOSE", "last state before TIME_WAIT")
    T.check_eq(tw["conn"]["cookie"], closed["conn"]["cookie"], "timewait cookie")
    # The same connection, not one of its own with the same tuple (which
    # a reader grouping by tuple would hide): the recorder holds a closed
    # connection until a walk that started after its close.
    T.check_eq(tw["conn"]["serial"], closed["conn"]["serial"], "timewait serial")
    # raw_tp and tracepoint programs cannot generate cookies: without
    # tp_btf states, sockets are told apart by tuple and carry cookie 0.
    if ep.trace.probes().get("states") == "tp_btf":
        T.check(tw["conn"]["cookie"] != 0, "timewait record without cookie")
    # The walk runs every 100 ms, but a loaded (or sanitized) recorder may
    # walk later: the next walk waits TW_POLL_BUDGET (20) times the CPU the
    # last one took, seconds under qemu TCG (5.6 s seen in the vm suite).
    # The bound, TIME_WAIT's 60 s, only rejects nonsense such as a boot time.
    if precision == "exact":
        T.check_eq(tw["precision_ns"], 0, "exact TIME_WAIT precision_ns")
        T.check(tw["t_ns"] <= closed["t_ns"], "exact TIME_WAIT after the CLOSE: %r vs %r" % (
            tw, closed))
    else:
        T.check(0 < tw["precision_ns"] <= 60000000000, "precision_ns %r" % tw["precision_ns"])
    T.check(tw["t_ns"] > before["t_ns"], "TIME_WAIT seen before %s>%s: %s" % (
        before["old"], before["new"], ep.summary()))
    T.check(tw["t_ns"] - tw["precision_ns"] <= closed["t_ns"],
            "TIME_WAIT window starts after the CLOSE: %r vs %r" % (tw, closed))


def check_no_losses(trace):
    T.check_eq(trace.lost(), [], "lost records")
    T.check(trace.trailer is not None, "trace has no trailer")
    T.check_eq(trace.trailer.get("lost_events"), 0, "trailer lost_events")
    T.check_eq(trace.end.get("end"), "eof", "trace end")
    T.check_eq(trace.corrupt, [], "corrupt blocks")
