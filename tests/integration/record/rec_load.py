#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tcprec under load in a loopback namespace: thousands of short
connections recorded completely with the default ring buffer, the same
over a few reused tuples (tcp_tw_reuse), and explicit loss records (trace, trailer, status line) with the smallest
ring buffer tcprec accepts.

usage: rec_load.py 4|6 many|reuse|tiny-buffer [COUNT]
"""

import collections
import os
import re
import sys

import recassert as R
import tcptest as T

# Per connection, in a loopback namespace that holds both sockets.
PER_CONN = [("CLOSE", "SYN_SENT"), ("SYN_SENT", "ESTABLISHED"),
            ("LISTEN", "SYN_RECV"), ("SYN_RECV", "ESTABLISHED"),
            ("ESTABLISHED", "FIN_WAIT1"), ("FIN_WAIT1", "FIN_WAIT2"), ("FIN_WAIT2", "CLOSE"),
            ("ESTABLISHED", "CLOSE_WAIT"), ("CLOSE_WAIT", "LAST_ACK"), ("LAST_ACK", "CLOSE")]
# tcprec's status/summary line (record/status.c): "..., lost N, malformed M".
LOST_RE = re.compile(r"\blost (\d+)\b")


def no_tw_reuse(topo):
    """Keep every 4-tuple unique: without this, loopback connections may
    take over a TIME_WAIT socket's tuple after tcp_tw_reuse_delay."""
    topo.client.sysctl("net.ipv4.tcp_tw_reuse", 0)


def many(family, count):
    with T.Topology(family, loopback=True) as topo:
        no_tw_reuse(topo)
        rec = R.Recording(topo, "many", count=count, timeout=120).run(settle=1.0)
        trace, pcap = rec.traces["server"], rec.pcaps["server"]
        R.check_no_losses(trace)
        T.check_eq(rec.res["client"]["count"], count, "connections made")
        # Every socket, one by one, with its complete sequence, before the
        # totals: a failure then names the endpoint and shows its events.
        clients = [ep for ep in trace.endpoints(rport=R.PORT)]
        for ep in clients:
            R.check_transitions(ep, R.CLIENT_OPEN + R.ACTIVE_CLOSE, "client")
            R.check_timewait_enter(ep)
        servers = [ep for ep in trace.endpoints(lport=R.PORT, laddr=topo.server.addr)
                   if ep.conn["rport"] != 0]
        for ep in servers:
            R.check_transitions(ep, R.SERVER_OPEN + R.PASSIVE_CLOSE, "server")
        T.check_eq(len(clients), count, "client endpoints")
        T.check_eq(len(servers), count, "server endpoints")
        seen = collections.Counter(e2 for ep in trace.endpoints() for e2 in ep.transitions())
        for tr in PER_CONN:
            T.check_eq(seen[tr], count, "%s->%s transitions" % tr)
        # Each segment on lo is sent by one socket and received by the other.
        segs = trace.of_type("segment")
        T.check_eq(sum(1 for e in segs if e["dir"] == "tx"), len(pcap), "tx segments vs tcpdump")
        T.check_eq(sum(1 for e in segs if e["dir"] == "rx"), len(pcap), "rx segments vs tcpdump")
        T.check_eq(collections.Counter(e["flags"] for e in segs if e["dir"] == "tx"),
                   collections.Counter(p["flags"] for p in pcap), "segment flags vs tcpdump")
        T.check_eq(trace.trailer["events"], len(trace.events), "trailer event count")
        print("%d connections, %d events, %d segments" % (count, len(trace.events), len(pcap)))


def reuse(family, count):
    """tcp_tw_reuse with sixteen ephemeral ports: new connections take the
    tuples of client sockets still in TIME_WAIT, and the server's children
    those of its closed ones.  Every handshake must reach its own
    connection: each client socket opens with its own SYN, and tcpana
    finds no violation (it found thousands while the new connection's SYN
    went to the TIME_WAIT socket with the same tuple)."""
    with T.Topology(family, loopback=True) as topo:
        topo.client.sysctl("net.ipv4.tcp_tw_reuse", 1)
        if os.path.exists("/proc/sys/net/ipv4/tcp_tw_reuse_delay"):  # 6.13+, default 1 s
            topo.client.sysctl("net.ipv4.tcp_tw_reuse_delay", 1)
        topo.client.sysctl("net.ipv4.ip_local_port_range", "40000 40015")
        rec = R.Recording(topo, "many", count=count, timeout=120).run(settle=1.0)
        trace = rec.traces["server"]
        R.check_no_losses(trace)
        T.check_eq(rec.res["client"]["count"], count, "connections made")
        # Endpoints of the trace helper are keyed by tuple: sixteen here,
        # and port 0 for connect()s that found every port taken (the
        # kernel reports SYN_SENT before it picks the port).
        ports = {ep.conn["lport"] for ep in trace.endpoints(rport=R.PORT)} - {0}
        T.check(len(ports) <= 16, "client ports outside the range: %r" % sorted(ports))
        seen = collections.Counter(e2 for ep in trace.endpoints() for e2 in ep.transitions())
        failed = seen[("SYN_SENT", "CLOSE")]
        for tr in PER_CONN:
            T.check_eq(seen[tr], count + (failed if tr == ("CLOSE", "SYN_SENT") else 0),
                       "%s->%s transitions" % tr)
        doc = T.tcpana_json(topo.tmp("server.trc"))
        conns = T.endpoints(doc)
        bad = [c for c in conns if c["verdict"] == "violation"]
        T.check(not bad, "%d violations, first: %r" % (len(bad), bad[0]["violations"] if bad
                                                        else None))
        mine = [c for c in conns if c["remote"]["port"] == R.PORT and c["local"]["port"]]
        T.check_eq(len(mine), count, "client connections in tcpana")
        no_syn = [c["history"] for c in mine if not c["history"].startswith("S")]
        T.check(not no_syn, "%d client connections without their own SYN: %r"
                % (len(no_syn), no_syn[:5]))
        print("%d connections over %d client ports (%d connect()s found none free), "
              "no violation" % (count, len(ports), failed))


def tiny_buffer(family, count):
    with T.Topology(family, loopback=True) as topo:
        no_tw_reuse(topo)
        page = 4096
        # -B counts KiB, as tcpdump's does.
        too_small = T.run_tcprec(["-o", topo.tmp("x.trc"), "-B", page // 2 // 1024])
        T.check_eq(too_small.returncode, 2, "exit code of -B below one page")
        out = topo.tmp("tiny.trc")
        with T.Recorder(out, netns=topo.server, args=["-B", page // 1024]) as rec:
            T.run_scenario(topo, "many", R.PORT, count=count, timeout=120)
            rr = rec.stop(settle=1.0)
        T.check_eq(rr.returncode, 0, "tcprec exit code: " + rr.stderr)
        trace = T.Trace.load(out)
        lost = trace.lost()
        T.check(lost, "no lost records with a %d-byte ring buffer" % page)
        T.check(all(e["reason"] == "ringbuf" and e["count"] > 0 for e in lost),
                "lost records %r" % lost[:3])
        T.check(all(e["t_end_ns"] >= e["t_ns"] for e in lost), "lost time range reversed")
        total = trace.lost_count()
        T.check_eq(trace.trailer["lost_events"], total, "trailer lost_events vs lost records")
        final = rr.lines[-1] if rr.lines else ""
        m = LOST_RE.search(final)
        T.check(m and int(m.group(1)) == total,
                "final status line does not report %d lost events: %r" % (total, final))
        print("lost %d events in %d records; status: %s" % (total, len(lost), final))


def main():
    family = R.family_arg(sys.argv)
    mode = sys.argv[2]
    T.require_root()
    T.require_netns()
    T.require_bpf()
    T.require_tool("tcpdump")
    if mode == "many":
        many(family, int(sys.argv[3]) if len(sys.argv) > 3 else 5000)
    elif mode == "reuse":
        reuse(family, int(sys.argv[3]) if len(sys.argv) > 3 else 400)
    else:
        tiny_buffer(family, int(sys.argv[3]) if len(sys.argv) > 3 else 3000)


if __name__ == "__main__":
    T.main(main)
