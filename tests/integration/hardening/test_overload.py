#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Overload: with a tiny ring buffer (-B) under a heavy connection load,
tcprec loses events and says so everywhere: lost records in the trace
(trcdump), the trailer, tcpana's text summary and its JSON summary
(lost_events).  Connections that overlap a loss are `incomplete`; none is
reported as a `violation` (a gap is not a state-machine error), and
`tcpana --check` agrees.  tcpana -j 2 and -j 3 report what -j 1 does."""

import os

import hardlib as H
import tcptest as T

# The smallest ring buffer the kernel accepts is one page.
TINY_BUFFER = os.environ.get("TCPREC_TINY_BUFFER", "4K")
CHECK_VIOLATION_EXIT = 3


def record_overloaded(topo):
    out = topo.tmp("overload.trc")
    rec = T.Recorder(out, netns=topo.server, args=["-B", TINY_BUFFER]).start()
    # A burst as fast as four threads go: a one-page buffer cannot keep up.
    load = H.start_load(topo.server, threads=4, seconds=20, conns=6000)
    H.wait_for(lambda: load.poll() is not None, timeout=20)
    line = H.stop_load(load)
    res = rec.stop(settle=0.5)
    T.check_eq(res.returncode, 0, "tcprec exit status (%s)" % res.stderr[-300:])
    return out, res, line


def test():
    T.require_root()
    T.require_netns()
    T.require_bpf()
    tcpana = T.require_tcpana()
    with T.Topology(family=4, loopback=True) as topo:
        out, res, line = record_overloaded(topo)
        s = H.dump_summary(T.trcdump(out))
        T.check(s["lost"] > 0, "no lost records under overload with -B %s (%s; %r)"
                % (TINY_BUFFER, line, s["types"]))
        T.check(s["trailer"] is not None, "no trailer after a clean stop")
        T.check_eq(s["trailer"].get("lost_events"), s["lost"], "trailer lost_events")

        doc = T.tcpana_json(out)
        summary = doc.get("summary", {})
        T.check_eq(summary.get("lost_events"), s["lost"], "tcpana --json summary.lost_events")
        conns = T.endpoints(doc)
        verdicts = {}
        for c in conns:
            verdicts[c.get("verdict")] = verdicts.get(c.get("verdict"), 0) + 1
        T.check(verdicts.get("incomplete", 0) > 0, "no incomplete connection: %r" % verdicts)
        bad = [c for c in conns if c.get("verdict") == "violation"]
        T.check(not bad, "%d of %d connections are violations after %d lost events "
                "(expected incomplete); first: id %r %r:%r -> %r:%r: %r"
                % (len(bad), len(conns), s["lost"], bad[0].get("id"),
                   bad[0].get("local", {}).get("addr"), bad[0].get("local", {}).get("port"),
                   bad[0].get("remote", {}).get("addr"), bad[0].get("remote", {}).get("port"),
                   bad[0].get("violations")) if bad else "")

        text = T.tcpana_output(out)
        T.check(str(s["lost"]) in text and "lost" in text.lower(),
                "tcpana text summary does not show %d lost events" % s["lost"])
        chk = T.run_bounded([tcpana, "--check", out], 120)
        T.check(chk.returncode != CHECK_VIOLATION_EXIT,
                "tcpana --check reports violations: %s" % chk.stdout[-500:])
        T.check_eq(chk.returncode, 0, "tcpana --check exit status (%s)" % chk.stderr.strip())
        # The gaps concern every shard of a parallel analysis alike.
        for mode in ([], ["--json"]):
            out_j = {j: T.tcpana_output("-j", str(j), *mode, out) for j in (1, 2, 3)}
            T.check(out_j[1] == out_j[2] == out_j[3],
                    "tcpana -j 2 or -j 3 %s differs from -j 1 on a trace with losses"
                    % " ".join(mode))
        print("overload: %d lost events, verdicts %r, load: %s" % (s["lost"], verdicts, line))


T.main(test)
