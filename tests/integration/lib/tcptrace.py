# SPDX-License-Identifier: BSD-2-Clause
"""Reading traces back for assertions: trcdump's JSON lines as a Trace,
grouped per endpoint, and tcpana's JSON document.  Documented in
tcptest's docstring; tests import everything from tcptest.
"""

import functools
import ipaddress
import json
import os
from tcpbase import check, fail, run_bounded

# Longer than any of these takes on the biggest trace of a test under ASan;
# a hang then fails naming the command instead of running into the
# harness's timeout without a word.
TOOL_TIMEOUT_S = 120


def _tool(var):
    path = os.environ.get(var)
    check(path, "%s is not set" % var)
    return path


def trcdump(path, expect_rc=0):
    """`$TRCDUMP path` parsed: one dict per output line."""
    r = run_bounded([_tool("TRCDUMP"), path], TOOL_TIMEOUT_S)
    if expect_rc is not None and r.returncode != expect_rc:
        fail("trcdump %s: exit %d, expected %d: %s" % (path, r.returncode, expect_rc,
                                                       r.stderr.strip()))
    out = []
    for n, line in enumerate(r.stdout.splitlines(), 1):
        try:
            out.append(json.loads(line))
        except ValueError:
            fail("trcdump line %d is not JSON: %r" % (n, line))
    return out


def endpoints(doc):
    """Every endpoint object of a tcpana JSON document (schema 2): the
    originator's and the responder's of each connection, where seen."""
    return [e for c in doc["connections"]
            for e in (c["endpoints"]["orig"], c["endpoints"]["resp"]) if e]


def tcpana_output(*args, timeout=TOOL_TIMEOUT_S, text=True):
    """`$TCPANA ARGS`'s standard output; it must exit 0 within timeout s."""
    r = run_bounded([_tool("TCPANA")] + list(args), timeout, text=text)
    if r.returncode != 0:
        fail("tcpana %s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr.strip()[-800:]))
    return r.stdout


def tcpana_json(path, *args, expect_rc=0):
    """`$TCPANA --json ARGS path` parsed as one JSON document."""
    r = run_bounded([_tool("TCPANA"), "--json"] + list(args) + [path], TOOL_TIMEOUT_S)
    if expect_rc is not None and r.returncode != expect_rc:
        fail("tcpana --json %s: exit %d, expected %d: %s" % (path, r.returncode, expect_rc,
                                                             r.stderr.strip()))
    try:
        return json.loads(r.stdout)
    except ValueError as e:
        fail("tcpana --json output is not JSON (%s): %r" % (e, r.stdout[:500]))


@functools.lru_cache(maxsize=4096)
def _norm_addr(a):
    try:
        return str(ipaddress.ip_address(a))
    except ValueError:
        return a


def conn_key(conn):
    """(family, laddr, lport, raddr, rport, netns) of a trcdump conn."""
    return (conn["family"], _norm_addr(conn["laddr"]), conn["lport"],
            _norm_addr(conn["raddr"]), conn["rport"], conn["netns"])


def _matches(conn, match):
    for k, v in match.items():
        if v is None:
            continue
        have = conn.get(k)
        if k in ("laddr", "raddr"):
            have, v = _norm_addr(have), _norm_addr(v)
        elif k == "netns":
            v = getattr(v, "netns_inode", v)
        if have != v:
            return False
    return True


class TraceEndpoint:
    """Events of one endpoint (one or more conn serials sharing a tuple)."""

    def __init__(self, conn, events, trace=None):
        self.conn = conn
        self.events = sorted(events, key=lambda e: e["t_ns"])
        self.trace = trace

    def __repr__(self):
        return "TraceEndpoint(%s, %d events)" % (conn_key(self.conn), len(self.events))

    def of_type(self, typ):
        return [e for e in self.events if e["type"] == typ]

    def transitions(self):
        """(old, new) of every real (non-snapshot) state change."""
        return [(e["old"], e["new"]) for e in self.of_type("state") if not e.get("snapshot")]

    def snapshot_states(self):
        return [e["new"] for e in self.of_type("state") if e.get("snapshot")]

    def segment_events(self, dir=None):
        return [e for e in self.of_type("segment") if dir is None or e["dir"] == dir]

    def segments(self, dir=None):
        """Flag strings ("S", "S.", ...) of the segments, in time order."""
        return [e["flags"] for e in self.segment_events(dir)]

    def timewait(self):
        return [(e["phase"], e["precision"]) for e in self.of_type("timewait")]

    def summary(self):
        """Compact text for failure messages."""
        parts = []
        for e in self.events:
            if e["type"] == "state":
                parts.append("%s%s>%s" % ("snap:" if e.get("snapshot") else "", e["old"], e["new"]))
            elif e["type"] == "segment":
                parts.append("%s:%s" % (e["dir"], e["flags"]))
            elif e["type"] == "timewait":
                parts.append("tw-%s" % e["phase"])
            else:
                parts.append(e["type"])
        return "%s: %s" % (conn_key(self.conn), " ".join(parts))


class Trace:
    """A trace as trcdump prints it."""

    def __init__(self, records):
        self.records = records
        self.header = records[0].get("header") if records else None
        self.end = records[-1] if records and "end" in records[-1] else None
        self.trailer = self.end.get("trailer") if self.end else None
        self.events = [r for r in records if "type" in r]
        self.corrupt = [r["corrupt"] for r in records if "corrupt" in r]
        self._by_key = None

    @classmethod
    def load(cls, path, expect_rc=0):
        t = cls(trcdump(path, expect_rc))
        check(t.header is not None, "%s: no header line in trcdump output" % path)
        check(t.end is not None, "%s: no end line in trcdump output" % path)
        t.check_expected_probes(path)
        return t

    def probes(self):
        """{event: flavour} of the probe plan in the header ({} for pcap)."""
        plan = {}
        for item in (self.header or {}).get("probes", "").split(","):
            if "=" in item:
                event, hook = item.split("=", 1)
                plan[event] = hook.split("/")[0]
        return plan

    def tw_precision(self):
        """"exact" when TIME_WAIT comes from the fentry/fexit hooks,
        "polled" when from the iter/tcp walk."""
        return "exact" if self.probes().get("tw_exit") == "fentry" else "polled"

    def tw_netns_expected(self, walked_inode):
        """The header's tw_netns for a recorder whose TIME_WAIT walk, if it
        polls, watches the namespace of walked_inode: that inode when
        polled, 0 when the exact hooks see every namespace."""
        return walked_inode if self.tw_precision() == "polled" else 0

    def check_expected_probes(self, path):
        """TCPREC_TESTS_EXPECT_PROBES="seg_rx=fentry,...": every eBPF
        trace a test reads must have been recorded with those flavours, so
        a run meant for a path cannot pass on another one."""
        want = os.environ.get("TCPREC_TESTS_EXPECT_PROBES")
        if not want or self.header.get("source") != "ebpf":
            return
        got = self.probes()
        for item in want.split(","):
            event, flavour = item.split("=", 1)
            check(got.get(event) == flavour, "%s: %s=%s expected in the plan, got %s" % (
                path, event, flavour, self.header.get("probes")))

    def of_type(self, typ):
        return [e for e in self.events if e["type"] == typ]

    def lost(self):
        return self.of_type("lost")

    def lost_count(self):
        return sum(e["count"] for e in self.lost())

    def serials(self):
        """{serial: TraceEndpoint}, one per declared connection."""
        groups = {}
        for e in self.events:
            if "conn" in e:
                groups.setdefault(e["conn"]["serial"], (e["conn"], []))[1].append(e)
        return {s: TraceEndpoint(c, evs, self) for s, (c, evs) in groups.items()}

    def _groups(self):
        """{conn_key: (first conn, events)}, computed once."""
        if self._by_key is None:
            self._by_key = {}
            for e in self.events:
                if "conn" in e:
                    self._by_key.setdefault(conn_key(e["conn"]), (e["conn"], []))[1].append(e)
        return self._by_key

    def endpoints(self, **match):
        """One TraceEndpoint per distinct tuple+netns matching `match`
        (conn serials with the same tuple, e.g. a socket and its
        segment-only flow, are merged)."""
        return [TraceEndpoint(c, evs, self) for c, evs in self._groups().values()
                if _matches(c, match)]

    def endpoint(self, **match):
        """Exactly one endpoint matching `match`, or fail."""
        found = self.endpoints(**match)
        if len(found) != 1:
            fail("expected one endpoint matching %s, found %d: %s" % (
                match, len(found), "; ".join(ep.summary() for ep in found[:6])))
        return found[0]

    def describe(self, limit=40):
        return "\n".join(ep.summary() for ep in self.endpoints()[:limit])
