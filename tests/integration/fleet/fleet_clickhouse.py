#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""docs/FLEET.md end to end: two traces recorded as two hosts, their
`tcpana --jsonl=flat` lines in one ClickHouse table, and the example
queries of docs/clickhouse.sql answering as tcpana does.

The client and the server namespace of a topology are the two hosts: each
has its own tcprec, run in its own UTS namespace with its own host name
(tcprec writes gethostname() into the header).  Traffic: a normal
exchange, a refused connect (the server host answers RST) and an abort
(the client resets).  A private clickhouse-server (chserver.py) gets the
table and every statement of the shipped file, parsed from it, so that
the SQL users copy is the SQL tested.

usage: fleet_clickhouse.py   (env: TCPREC, TCPANA, TRCDUMP, FLEET_SQL)
"""

import json
import os
import datetime
import time

import tcptest as T
from chserver import ChServer, statements

SCENARIOS = (("normal", 8080), ("refused", 8081), ("abort", 8082))
# The example values of resets_by_peer, replaced by the test's.
EXAMPLE_PEER = "'198.51.100.23'"
EXAMPLE_FROM = "'2026-11-22 14:02:00'"
EXAMPLE_TO = "'2026-11-22 14:05:00'"


def as_host(topo, host, name):
    """A tcprec wrapper that runs it in a new UTS namespace named name."""
    path = topo.tmp("tcprec-%s.sh" % name)
    with open(path, "w") as f:
        f.write("#!/bin/sh\nexec unshare --uts sh -c 'printf %%s \"$0\" > "
                "/proc/sys/kernel/hostname && exec \"$@\"' %s %s \"$@\"\n"
                % (name, os.environ["TCPREC"]))
    os.chmod(path, 0o755)
    return T.Recorder(topo.tmp("%s.trc" % name), netns=host, exe=path)


def record(topo, names):
    recs = [as_host(topo, h, n) for h, n in zip((topo.client, topo.server), names)]
    try:
        for r in recs:
            r.start()
        for scenario, port in SCENARIOS:
            T.run_scenario(topo, scenario, port)
        time.sleep(0.5)  # the TIME_WAIT poller, the ring buffer
        done = [r.stop(settle=0) for r in recs]
    finally:
        for r in recs:
            if r.result is None and r.proc.poll() is None:
                r.proc.kill()
    for rr in done:
        T.check_eq(rr.returncode, 0, "tcprec exit code: " + rr.stderr)
    return [r.out for r in recs]


def handshake(c):
    for side in ("orig", "resp"):
        e = c["endpoints"][side]
        if e and e["durations"]["handshake_ns"] is not None:
            return e["durations"]["handshake_ns"]
    return None


def resets_from(doc, peer):
    """Connections whose endpoint on this host received a reset from peer,
    from tcpana's nested JSON."""
    n = 0
    for c in doc["connections"]:
        o, r = c["endpoints"]["orig"], c["endpoints"]["resp"]
        n += bool((c["resp"]["addr"] == peer and o and o["resets"]["received"]) or
                  (c["orig"]["addr"] == peer and r and r["resets"]["received"]))
    return n


def sql_time(iso, shift_s):
    """An ISO 8601 UTC time moved by shift_s, as the SQL literal
    'YYYY-MM-DD hh:mm:ss'."""
    t = datetime.datetime.strptime(iso[:19], "%Y-%m-%dT%H:%M:%S")
    return "'%s'" % (t + datetime.timedelta(seconds=shift_s)).strftime("%Y-%m-%d %H:%M:%S")


def check_queries(ch, queries, docs, peers, window):
    """Each example query's answer against tcpana's, per host."""
    got = ch.rows(queries["connections_per_host"])
    T.check_eq({r["host"]: int(r["connections"]) for r in got},
               {h: d["summary"]["connections"] for h, d in docs.items()}, "connections_per_host")
    got = ch.rows(queries["outcomes_per_host"])
    T.check_eq({(r["host"], r["outcome"]): int(r["connections"]) for r in got},
               {(h, o): n for h, d in docs.items()
                for o, n in d["summary"]["by_outcome"].items() if n}, "outcomes_per_host")
    sql = queries["resets_by_peer"]
    for lit in (EXAMPLE_PEER, EXAMPLE_FROM, EXAMPLE_TO):
        T.check(lit in sql, "resets_by_peer no longer holds the example value %s" % lit)
    for peer in peers:
        q = sql.replace(EXAMPLE_PEER, "'%s'" % peer)
        got = ch.rows(q.replace(EXAMPLE_FROM, window[0]).replace(EXAMPLE_TO, window[1]))
        want = {h: resets_from(d, peer) for h, d in docs.items() if resets_from(d, peer)}
        T.check_eq({r["host"]: int(r["connections"]) for r in got}, want,
                   "resets_by_peer %s" % peer)
        T.check(want, "no reset from %s was recorded (refused, abort)" % peer)
        before = q.replace(EXAMPLE_FROM, "'2000-01-01 00:00:00'").replace(EXAMPLE_TO,
                                                                           "'2000-01-01 00:01:00'")
        T.check_eq(ch.rows(before), [], "resets_by_peer %s in a window before the traces" % peer)
    got = [r["handshake_us"] for r in ch.rows(queries["slowest_handshakes"])]
    want = sorted((handshake(c) for d in docs.values() for c in d["connections"]
                   if handshake(c) is not None), reverse=True)[:10]
    T.check(want and len(got) == len(want) and
            all(abs(g - w / 1000) < 1e-6 for g, w in zip(got, want)),
            "slowest_handshakes: %r, tcpana %r" % (got, want))


def main():
    T.require_record_and_analyse()
    T.require_tool("unshare")
    names = ("fleet-a-%d" % os.getpid(), "fleet-b-%d" % os.getpid())
    stmts = statements(os.environ["FLEET_SQL"])
    queries = {n: s for n, s in stmts if n}
    T.check_eq(sorted(queries), ["connections_per_host", "outcomes_per_host",
                                 "resets_by_peer", "slowest_handshakes"], "example queries")
    with T.Topology(4) as topo:
        traces = record(topo, names)
        docs, lines = {}, {}
        for name, trc in zip(names, traces):
            docs[name] = json.loads(T.tcpana_output("--json", trc))
            T.check_eq(docs[name]["trace"]["hostname"], name, "host name in the trace header")
            lines[name] = topo.tmp(name + ".jsonl")
            with open(lines[name], "w") as f:
                f.write(T.tcpana_output("--jsonl=flat", trc))
        with ChServer(topo.tmpdir) as ch:
            for name, sql in stmts:
                if not name:
                    ch.query(sql)
            t0 = time.monotonic()
            for name in names:
                with open(lines[name]) as f:
                    ch.query("INSERT INTO tcp.connections FORMAT JSONEachRow", stdin=f,
                             settings=("input_format_skip_unknown_fields=1",))
            ingest_s = time.monotonic() - t0
            ids = ch.rows("SELECT host, uniqExact(trace_id) AS n FROM tcp.connections "
                          "GROUP BY host ORDER BY host")
            T.check_eq([(r["host"], int(r["n"])) for r in ids], [(n, 1) for n in names],
                       "one trace id per host")
            first = min(c["start_time"] for d in docs.values() for c in d["connections"])
            last = max(c["end_time"] for d in docs.values() for c in d["connections"])
            check_queries(ch, queries, docs, (topo.server.addr, topo.client.addr),
                          (sql_time(first, -60), sql_time(last, 60)))
            print("clickhouse-server ready in %.2f s; %d lines of 2 hosts inserted in %.2f s"
                  % (ch.start_s, sum(len(d["connections"]) for d in docs.values()), ingest_s))


T.main(main)
