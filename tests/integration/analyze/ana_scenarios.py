#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tcpana end to end: a scenario is recorded by the real tcprec (one
recorder per namespace, or one on loopback), and `tcpana --json` over the
trace files must report each endpoint's outcome, state path and a verdict
that is conformant or linux-specific (never a violation), with the two
endpoints of the connection linked as peers.

usage: ana_scenarios.py 4|6 SCENARIO
  SCENARIO: normal server-close loopback refused abort syn-timeout simclose
            halfclose closewait shutdown-close lingering-close unread-close shut-rd
            keepalive fin-timeout user-timeout syncookies fastopen backlog-full
            many pcap-normal pcap-refused
  pcap-*: the scenario captured by tcpdump in the client's namespace and
  imported with tcprec -r: both endpoints replayed from segments alone.
"""

import json
import os
import re
import sys
import time

import tcptest as T
from traffic_util import REQUEST, RESPONSE

PORT = 8080
C_OPEN = ["SYN_SENT", "ESTABLISHED"]
S_OPEN = ["SYN_RECV", "ESTABLISHED"]
ACTIVE = ["FIN_WAIT1", "FIN_WAIT2", "CLOSE", "TIME_WAIT"]
PASSIVE = ["CLOSE_WAIT", "LAST_ACK", "CLOSE"]
OK_VERDICTS = ("conformant", "linux-specific")


# Scenarios where the server end of a client's connection may be absent:
# SYNs that never reached it or got no socket (syncookies' abandoned flood).
ONE_SIDED = ("syn-timeout", "syncookies", "user-timeout")


# What each recorder printed (its summary, warnings), for dump_traces().
RECORDER_LOGS = []
# tcpana on a scenario's few connections takes milliseconds: a run this
# long is a hang, reported with what its threads wait on.
TCPANA_TIMEOUT_S = 30


def record(topo, scenario, count=1, stop_at=None):
    """Runs the scenario with tcprec in each namespace; returns (result,
    trace paths).  stop_at: wait point at which recording ends."""
    hosts = [topo.server] if topo.loopback else [topo.client, topo.server]
    recs = [T.Recorder(topo.tmp("%s.trc" % h.name), netns=h) for h in hosts]
    stopped = []

    def stop():
        if not stopped:
            time.sleep(0.5)  # the 100 ms TIME_WAIT poller, the ring buffer
            stopped.extend(r.stop(settle=0) for r in recs)

    try:
        for r in recs:
            r.start()
        points = {stop_at: stop} if stop_at else None
        res = T.run_scenario(topo, scenario, PORT, count, points)
        stop()
    finally:
        for r in recs:
            if r.result is None and r.proc.poll() is None:
                r.proc.kill()
    for rr in stopped:
        T.check_eq(rr.returncode, 0, "tcprec exit code: " + rr.stderr)
        RECORDER_LOGS.append(rr.stderr)
    return res, [r.out for r in recs]


def find(doc, laddr, lport, raddr, rport, flow=False):
    """The one endpoint with this tuple (lport None: any)."""
    got = [c for c in T.endpoints(doc)
           if (c["local"]["addr"], c["remote"]["addr"], c["remote"]["port"]) == (laddr, raddr, rport)
           and lport in (None, c["local"]["port"]) and c["flow_only"] == flow]
    T.check(len(got) == 1, "endpoint %s:%d > %s:%d: %d matches among %s" % (
        laddr, lport or 0, raddr, rport, len(got), summary(doc)))
    return got[0]


def summary(doc):
    return "; ".join("#%d %s:%d>%s:%d %s %s %s" % (
        c["id"], c["local"]["addr"], c["local"]["port"], c["remote"]["addr"],
        c["remote"]["port"], ">".join(t["to"] for t in c["transitions"]), c["outcome"],
        c["verdict"]) for c in T.endpoints(doc))


def path(c):
    return [t["to"] for t in c["transitions"]]


def expect(c, outcome, states, what, verdicts=OK_VERDICTS, alt=None):
    """alt: another acceptable state path."""
    T.check_eq(c["outcome"], outcome, what + " outcome (%s)" % c["violations"])
    if alt is None or path(c) != alt:
        T.check_eq(path(c), states, what + " state path")
    T.check(c["verdict"] in verdicts, "%s verdict %s: %s" % (what, c["verdict"], c["violations"]))


def client(topo, doc):
    return find(doc, topo.client.addr, None, topo.server.addr, PORT)


def pair(topo, doc):
    c = client(topo, doc)
    s = find(doc, topo.server.addr, PORT, topo.client.addr, c["local"]["port"])
    T.check_eq(c["peer"], s["id"], "client's peer")
    T.check_eq(s["peer"], c["id"], "server's peer")
    return c, s


# An endpoint's outcome as its connection's, for the side it is on.
CONN_OUTCOME = {("orig", "reset_local"): "reset_orig", ("orig", "reset_remote"): "reset_resp",
                ("resp", "reset_local"): "reset_resp", ("resp", "reset_remote"): "reset_orig"}


# Where the client's outcome is not the connection's: the server's
# FIN_WAIT2 timed out, and the client's late segment got a reset.
CONN_EXPECT = {"fin-timeout": "timeout"}


# Scenarios whose only data is one request and one response.
EXACT_EXCHANGE = ("normal", "loopback", "server-close", "simclose")


def check_payload_bytes(c):
    """Payload bytes each way, not the sequence space the kernel's
    counters also give the SYN and the FINs."""
    T.check_eq((c["orig_bytes"], c["resp_bytes"]), (len(REQUEST), len(RESPONSE)),
               "connection %d bytes each way" % c["id"])


def check_connections(topo, doc, traces, scenario):
    """Connections are the unit: each client connection to the server,
    recorded in both namespaces, is one connection with both ends, the
    client its originator; the text table has a line per connection
    within 120 columns; --check passes."""
    mine = [c for c in doc["connections"] if c["endpoints"]["orig"] and
            c["endpoints"]["orig"]["local"]["addr"] == topo.client.addr and
            c["resp"]["port"] == PORT and not c["endpoints"]["orig"]["flow_only"]]
    T.check(mine, "no connection from the client: " + summary(doc))
    for c in mine:
        o, r = c["endpoints"]["orig"], c["endpoints"]["resp"]
        T.check_eq((c["orig"]["addr"], c["orig"]["port"]), (o["local"]["addr"], o["local"]["port"]),
                   "connection %d originator" % c["id"])
        if scenario not in ONE_SIDED:
            T.check(r is not None, "connection %d: no server side: %s" % (c["id"], summary(doc)))
        if r is not None:
            T.check_eq((r["local"]["addr"], r["local"]["port"]), (topo.server.addr, PORT),
                       "connection %d responder" % c["id"])
        if scenario in EXACT_EXCHANGE:
            check_payload_bytes(c)
        want = CONN_EXPECT.get(scenario) or CONN_OUTCOME.get(("orig", o["outcome"]), o["outcome"])
        T.check(c["outcome"] in (want, "open_at_end", "half_open"),
                "connection %d outcome %s, client's %s" % (c["id"], c["outcome"], o["outcome"]))
    text = T.tcpana_output(*traces, timeout=TCPANA_TIMEOUT_S)
    rows = [ln for ln in text.splitlines() if re.match(r"\d+ +\S+ +\S+ +\d+\.\d{3} ", ln)]
    T.check_eq(len(rows), len(doc["connections"]), "table rows:\n" + text)
    T.check(all(len(ln) <= 120 for ln in text.splitlines() if not ln.startswith("# ")),
            "a line of the table over 120 columns:\n" + text)
    chk = T.run_bounded([os.environ["TCPANA"], "--check"] + traces, TCPANA_TIMEOUT_S)
    T.check_eq(chk.returncode, 0, "tcpana --check: " + chk.stdout[-800:])
    check_jobs_alike(traces)


def check_jobs_alike(traces):
    """One worker or three (tcpana -j): the same output, byte for byte."""
    for mode in ([], ["--json", "--segments"]):
        out = {j: T.tcpana_output("-j", str(j), *mode, *traces, timeout=TCPANA_TIMEOUT_S)
               for j in (1, 3)}
        T.check(out[1] == out[3], "tcpana -j 3 %s differs from -j 1" % " ".join(mode))


def dump_traces(traces, limit=400):
    """A failure's evidence in the log, where CI keeps it after the
    temporary directory is gone: every record compactly, a segment as one
    short line (which segment came when is what tells a transition the
    kernel did not make from one the recorder missed), and what the
    recorders printed."""
    for log in RECORDER_LOGS:
        sys.stderr.write("--- recorder: %s\n" % log.strip())
    for path in traces:
        sys.stderr.write("--- %s (trcdump)\n" % os.path.basename(path))
        n = 0
        for d in T.trcdump(path, expect_rc=None):
            if d.get("type") == "segment":
                sys.stderr.write("%d seg %s %s #%d\n" % (d["t_ns"], d["dir"], d["flags"],
                                                       d["conn"]["serial"]))
            else:
                if "conn" in d:
                    c = d.pop("conn")
                    d["conn"] = "#%d %s:%d>%s:%d ck%d" % (c["serial"], c["laddr"], c["lport"],
                                                           c["raddr"], c["rport"], c["cookie"])
                sys.stderr.write(json.dumps(d, separators=(",", ":"))[:300] + "\n")
            n += 1
            if n >= limit:
                sys.stderr.write("... more left out\n")
                break


def check_doc(doc):
    for c in T.endpoints(doc):
        T.check(c["verdict"] != "violation", "violation: %s" % summary(doc))
    T.check_eq(doc["summary"]["lost_events"], 0, "lost events")
    T.check_eq(doc["summary"]["truncated"], 0, "truncated files")


def from_pcap(family, scenario):
    """tcpdump in the client namespace, tcprec -r, tcpana: both endpoints
    inferred from the segments, linked as peers, conformant."""
    T.require_tool("tcpdump")
    with T.Topology(family) as topo:
        cap = T.Capture(topo.client, topo.tmp("c.pcap")).start()
        try:
            T.run_scenario(topo, scenario, PORT)
            time.sleep(0.3)
        finally:
            cap.stop()
        r = T.run_tcprec(["-r", topo.tmp("c.pcap"), "-o", topo.tmp("imp.trc")])
        T.check_eq(r.returncode, 0, "tcprec -r: " + r.stderr)
        doc = T.tcpana_json(topo.tmp("imp.trc"))
        check_doc(doc)
        c = find(doc, topo.client.addr, None, topo.server.addr, PORT, flow=True)
        s = find(doc, topo.server.addr, PORT, topo.client.addr, c["local"]["port"], flow=True)
        T.check(c["inferred"] and s["inferred"], "inferred endpoints")
        T.check_eq((c["peer"], s["peer"]), (s["id"], c["id"]), "peers")
        check_jobs_alike([topo.tmp("imp.trc")])
        if scenario == "normal":
            # The peer's FIN may acknowledge ours in the same segment:
            # then RFC 9293 goes FIN-WAIT-1 -> TIME-WAIT directly.
            expect(c, "normal_close", C_OPEN + ["FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT"], "client",
                   verdicts=("conformant",), alt=C_OPEN + ["FIN_WAIT1", "TIME_WAIT"])
            expect(s, "normal_close", ["LISTEN"] + S_OPEN + PASSIVE, "server",
                   verdicts=("conformant",))
            T.check_eq(c["conn_state"], "SF", "conn_state")
        else:
            expect(c, "refused", ["SYN_SENT", "CLOSE"], "client", verdicts=("conformant",))
            expect(s, "refused", [], "server", verdicts=("conformant",))


def run(family, scenario):
    if scenario.startswith("pcap-"):
        from_pcap(family, scenario[5:])
        return
    loopback = scenario == "loopback"
    with T.Topology(family, loopback=loopback) as topo:
        count = 200 if scenario == "many" else 1
        stop_at = "server:release" if scenario == "closewait" else None
        _, traces = record(topo, "normal" if loopback else scenario, count, stop_at)
        try:
            judge(topo, scenario, traces, count)
        except T.TestFailure:
            dump_traces(traces)
            raise


def judge(topo, scenario, traces, count):
    """The checks of one recorded scenario."""
    doc = T.tcpana_json(traces[0], *traces[1:])
    check_doc(doc)
    check_connections(topo, doc, traces, scenario)
    if scenario in ("normal", "loopback", "halfclose"):
        c, s = pair(topo, doc)
        expect(c, "normal_close", C_OPEN + ACTIVE, "client")
        expect(s, "normal_close", S_OPEN + PASSIVE, "server")
        T.check(c["pid"] is not None and c["comm"], "client owner: %r" % c)
        T.check(c["durations"]["connect_ns"] is not None, "connect latency")
    elif scenario == "server-close":
        c, s = pair(topo, doc)
        expect(c, "normal_close", C_OPEN + PASSIVE, "client")
        expect(s, "normal_close", S_OPEN + ACTIVE, "server")
    elif scenario in ("shutdown-close", "lingering-close"):
        # The client closes 0.3 s after the server's FIN: a server
        # that closes at once does so in FIN_WAIT1 or FIN_WAIT2 (the
        # kernel sets that state again), and its orphan is handed
        # to a timewait socket that then receives the client's FIN.
        c, s = pair(topo, doc)
        expect(c, "normal_close", C_OPEN + PASSIVE, "client")
        sp = [st for i, st in enumerate(path(s)) if i == 0 or st != path(s)[i - 1]]
        T.check_eq(sp, S_OPEN + ACTIVE, "server state path without repeats")
        T.check_eq(s["outcome"], "normal_close", "server outcome")
        T.check(s["verdict"] in OK_VERDICTS, "server verdict %s" % s["violations"])
        if scenario == "shutdown-close":
            T.check(len(path(s)) > len(sp) and "repeated-state" in s["divergences"],
                    "close() after shutdown() reported as a repeated state: %s" % path(s))
    elif scenario == "unread-close":
        c, s = pair(topo, doc)
        expect(c, "reset_remote", C_OPEN + ["CLOSE"], "client")
        expect(s, "reset_local", S_OPEN + ["CLOSE"], "server")
        T.check_eq(s["divergences"], ["listen-child", "abort-close"], "server divergences")
    elif scenario == "shut-rd":
        c, s = pair(topo, doc)
        expect(c, "normal_close", C_OPEN + PASSIVE, "client")
        expect(s, "normal_close", S_OPEN + ACTIVE, "server")
    elif scenario == "refused":
        c = client(topo, doc)
        expect(c, "refused", ["SYN_SENT", "CLOSE"], "client")
        T.check_eq(c["conn_state"], "REJ", "client conn_state")
        T.check_eq(c["history"], "Sr", "client history")
        # No socket on the server: its segments, replayed alone.
        s = find(doc, topo.server.addr, PORT, topo.client.addr, c["local"]["port"], flow=True)
        T.check(s["inferred"], "server flow inferred")
        T.check_eq(s["outcome"], "refused", "server flow outcome")
    elif scenario == "abort":
        c, s = pair(topo, doc)
        expect(c, "reset_local", C_OPEN + ["CLOSE"], "client")
        expect(s, "reset_remote", S_OPEN + ["CLOSE"], "server")
    elif scenario == "syn-timeout":
        c = client(topo, doc)
        expect(c, "syn_timeout", ["SYN_SENT", "CLOSE"], "client")
        T.check_eq(c["divergences"], ["syn-timeout"], "divergence")
    elif scenario == "simclose":
        c, s = pair(topo, doc)
        expect(c, "normal_close", C_OPEN + ["FIN_WAIT1", "CLOSING", "CLOSE", "TIME_WAIT"],
               "client")
        expect(s, "normal_close", S_OPEN + ACTIVE, "server")
    elif scenario == "closewait":
        c, s = pair(topo, doc)
        expect(c, "half_open", C_OPEN + ACTIVE, "client")
        expect(s, "half_open", S_OPEN + ["CLOSE_WAIT"], "server",
               verdicts=("incomplete",))
        T.check_eq(s["incomplete"], ["open-at-trace-end"], "server incomplete reason")
    elif scenario == "many":
        clients = [c for c in T.endpoints(doc)
                   if c["local"]["addr"] == topo.client.addr and c["remote"]["port"] == PORT]
        T.check_eq(len(clients), count, "client endpoints")
        T.check(all(c["outcome"] == "normal_close" and c["peer"] for c in clients),
                "every client closed normally and has a peer")
    else:
        judge_kernel(topo, scenario, doc)


def pairs(topo, doc, n):
    """The n client endpoints to the server's port, each with its peer."""
    clients = [c for c in T.endpoints(doc) if c["local"]["addr"] == topo.client.addr
               and c["remote"]["port"] == PORT and not c["flow_only"]]
    T.check_eq(len(clients), n, "client endpoints: " + summary(doc))
    out = []
    for c in clients:
        s = find(doc, topo.server.addr, PORT, topo.client.addr, c["local"]["port"])
        T.check_eq((c["peer"], s["peer"]), (s["id"], c["id"]), "peers")
        out.append((c, s))
    return out


def judge_kernel(topo, scenario, doc):
    """traffic_kernel.py's scenarios: what the kernel's timers and limits
    make of a connection, named as a person would name it."""
    if scenario == "keepalive":
        c, s = pair(topo, doc)
        expect(c, "normal_close", C_OPEN + ACTIVE, "client")
        expect(s, "normal_close", S_OPEN + PASSIVE, "server")
        # Without probes the client sends at most 6 segments (SYN, ACK,
        # request, ACK, FIN, ACK); 3.5 s idle at 1 s intervals adds two
        # probes or more, each recorded on both sides.
        T.check(c["segments"]["tx"] >= 6 + 2 and s["segments"]["rx"] >= 6 + 2,
                "keepalive probes: client %s, server %s" % (c["segments"], s["segments"]))
    elif scenario == "fin-timeout":
        c, s = pair(topo, doc)
        expect(c, "reset_remote", C_OPEN + ["CLOSE_WAIT", "LAST_ACK", "CLOSE"], "client")
        # The timewait socket that held its FIN_WAIT2 substate ends the path.
        expect(s, "timeout", S_OPEN + ACTIVE, "server")
        T.check("fin-wait2-timeout" in s["divergences"], "server: %s" % s["divergences"])
    elif scenario == "user-timeout":
        c, s = pair(topo, doc)
        expect(c, "timeout", C_OPEN + ["CLOSE"], "client")
        T.check_eq(c["divergences"], ["retries-giveup"], "client divergences")
        T.check(c["retransmits"] >= 1, "client retransmitted into the blackhole")
        expect(s, "reset_remote", S_OPEN + ["FIN_WAIT1", "CLOSE"], "server")
    elif scenario == "syncookies":
        flood = [c for c in T.endpoints(doc) if c["local"]["addr"] == topo.client.addr
                 and c["remote"]["port"] == PORT and c["transitions"]
                 and path(c) == ["SYN_SENT", "CLOSE"]]
        T.check_eq(len(flood), 32, "abandoned SYNs: " + summary(doc))
        for f in flood:
            expect(f, "aborted", ["SYN_SENT", "CLOSE"], "flood client")
        rest = [c for c in T.endpoints(doc) if c["local"]["addr"] == topo.client.addr
                and c["remote"]["port"] == PORT and c not in flood and not c["flow_only"]]
        T.check_eq(len(rest), 1, "the connection after the flood")
        s = find(doc, topo.server.addr, PORT, topo.client.addr, rest[0]["local"]["port"])
        expect(rest[0], "normal_close", C_OPEN + ACTIVE, "client")
        expect(s, "normal_close", S_OPEN + PASSIVE, "server")
    elif scenario == "fastopen":
        for c, s in pairs(topo, doc, 2):
            expect(c, "normal_close", C_OPEN + ACTIVE, "client")
            expect(s, "normal_close", S_OPEN + PASSIVE, "server")
    elif scenario == "backlog-full":
        both = pairs(topo, doc, 4)
        for c, s in both:
            expect(c, "normal_close", C_OPEN + PASSIVE, "client")
            expect(s, "normal_close", S_OPEN + ACTIVE, "server")
        T.check(sum(c["retransmits"] for c, _ in both) >= 1,
                "SYNs dropped by the full queue were retransmitted")
    else:
        T.fail("unknown scenario " + scenario)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("4", "6"):
        raise SystemExit(__doc__)
    T.require_root()
    T.require_netns()
    if not sys.argv[2].startswith("pcap-"):
        T.require_bpf()
    T.require_tcpana()
    T.require_tool("nft")
    run(int(sys.argv[1]), sys.argv[2])


T.main(main)
