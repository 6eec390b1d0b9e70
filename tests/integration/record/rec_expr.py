#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tcprec's filter expression, applied in the kernel.  One recording per
namespace holds two connections, to servers on two ports; the expression
selects whole connections: each selected one is in the trace complete
(every transition, its segments both ways equal to tcpdump's view), the
other not at all.  Compared with tcpdump given the same expression in the
same namespace: it captures packets of exactly the selected connections,
and as many as tcprec recorded in the directions the expression names.
tcpana --filter with the same expression keeps every connection of the
trace (and drops them all with the complement), and tcprec -r with it
imports the same connections from each namespace's capture.

usage: rec_expr.py 4|6
"""

import ipaddress
import sys

import recassert as R
import tcptest as T

MINE, OTHER = R.PORT, 9090

# (expression, ports of the connections it selects, of the listeners it
# selects (a listener's remote end is 0.0.0.0:0 or [::]:0), the direction
# of the packets tcpdump selects with it: "both" or "to-server", the
# expression as the trace header states it).
CASES = [
    ("dst port %d" % MINE, {MINE}, {MINE}, "to-server", "dst port %d" % MINE),
    ("not port %d" % MINE, {OTHER}, {OTHER}, "both", "not port %d" % MINE),
    # tcpdump's precedence, "and" and "or" alike from the left:
    # (9090 or 8080) and 8000-8999.  "and" first would select both.
    ("port %d or port %d and portrange 8000-8999" % (OTHER, MINE), {MINE}, {MINE}, "both",
     "(port %d or port %d) and portrange 8000-8999" % (OTHER, MINE)),
    ("src host CLIENT and dst port %d or dst port %d" % (OTHER, MINE), {MINE, OTHER}, {MINE},
     "to-server", "(src host CLIENT and dst port %d) or dst port %d" % (OTHER, MINE)),
]


def norm(addr):
    return str(ipaddress.ip_address(addr))


def flow(a, ap, b, bp):
    """A connection's tuple whichever way it is seen."""
    return frozenset([(norm(a), ap), (norm(b), bp)])


def recorded_flows(trace):
    """Flows of the trace's sockets, listeners aside."""
    return {flow(ep.conn["laddr"], ep.conn["lport"], ep.conn["raddr"], ep.conn["rport"])
            for ep in trace.endpoints() if ep.conn["rport"]}


def check_only_selected(trace, selected, what):
    T.check(trace.events, what + ": nothing recorded")
    for ep in trace.endpoints():
        ports = {ep.conn["lport"], ep.conn["rport"]}
        T.check(ports & selected and not ports & ({MINE, OTHER} - selected),
                "%s: endpoint of a connection not selected: %s" % (what, ep.summary()))


def check_against_tcpdump(rec, side, ep, packets, direction, what):
    """tcpdump with the expression saw this connection's packets in the
    direction(s) it names, as many as tcprec recorded."""
    c = ep.conn
    to_server = ep.conn["rport"] in (MINE, OTHER)  # ep is the client socket
    mine = [p for p in packets
            if flow(p["src"], p["sport"], p["dst"], p["dport"]) ==
            flow(c["laddr"], c["lport"], c["raddr"], c["rport"])]
    if direction == "both":
        want = len(ep.segments())
    else:
        want = len(ep.segments("tx" if to_server else "rx"))
    T.check(want > 0, what + ": no segments recorded: " + ep.summary())
    T.check_eq(len(mine), want, "%s: tcpdump's packets of %s (%s side)" % (
        what, ep.summary(), side))


def run_case(family, expr, selected, listeners, direction, normal):
    with T.Topology(family) as topo:
        expr = expr.replace("CLIENT", topo.client.addr)
        normal = normal.replace("CLIENT", topo.client.addr)
        what = "'%s'" % expr
        hosts = {"client": topo.client, "server": topo.server}
        caps = {side: T.Capture(host, topo.tmp(side + "-expr.pcap"),
                                bpf_filter="tcp and (%s)" % expr).start()
                for side, host in hosts.items()}
        runs = {}
        rec = R.Recording(topo, "normal", port=MINE, args=[expr],
                          before_stop=lambda: runs.update(
                              other=T.run_scenario(topo, "normal", OTHER)))
        rec.run()
        runs[MINE], runs[OTHER] = rec.res, runs["other"]
        wire = {side: cap.stop() for side, cap in caps.items()}
        for side in rec.sides:
            trace = rec.traces[side]
            R.check_no_losses(trace)
            check_only_selected(trace, selected, "%s, %s side" % (what, side))
            T.check(trace.header["filters"].endswith(" expr=" + normal),
                    "%s: header filters %r" % (what, trace.header["filters"]))
            seen = {flow(p["src"], p["sport"], p["dst"], p["dport"]) for p in wire[side]}
            T.check_eq(seen, recorded_flows(trace),
                       "%s: connections tcpdump selected vs recorded (%s side)" % (what, side))
        for port in sorted(selected):
            lport = runs[port]["client"]["lport"]
            c, s = topo.client, topo.server
            cl = rec.traces["client"].endpoint(laddr=c.addr, lport=lport, raddr=s.addr,
                                               rport=port)
            sv = rec.traces["server"].endpoint(laddr=s.addr, lport=port, raddr=c.addr,
                                               rport=lport)
            R.check_transitions(cl, R.CLIENT_OPEN + R.ACTIVE_CLOSE, what + " client")
            R.check_transitions(sv, R.SERVER_OPEN + R.PASSIVE_CLOSE, what + " server")
            rec.check_flags(cl, "client")
            rec.check_flags(sv, "server")
            check_against_tcpdump(rec, "client", cl, wire["client"], direction, what)
            check_against_tcpdump(rec, "server", sv, wire["server"], direction, what)
        got = {ep.conn["lport"] for ep in rec.traces["server"].endpoints(rport=0)}
        T.check_eq(got, listeners, what + ": listeners recorded")
        for port in listeners:
            listener = rec.traces["server"].endpoint(laddr=topo.server.addr, lport=port, rport=0)
            R.check_transitions(listener, [("CLOSE", "LISTEN"), ("LISTEN", "CLOSE")],
                                what + " listener")
        check_tcpana(topo.tmp("server.trc"), expr, what)
        check_import(topo, expr, what)


def check_import(topo, expr, what):
    """tcprec -r on the unfiltered capture of each namespace, with the
    same expression, imports the connections the kernel recorded, each
    with every packet of the capture."""
    for side in ("client", "server"):
        out = topo.tmp(side + "-import.trc")
        r = T.run_tcprec(["-r", topo.tmp(side + ".pcap"), "-w", out, expr])
        T.check_eq(r.returncode, 0, "%s: tcprec -r: %s" % (what, r.stderr))
        imported = T.Trace.load(out)
        recorded = T.Trace.load(topo.tmp(side + ".trc"))
        T.check_eq(recorded_flows(imported), recorded_flows(recorded),
                   "%s: connections imported vs recorded (%s side)" % (what, side))
        for ep in imported.endpoints():
            twin = [e for e in recorded.endpoints() if flow(
                e.conn["laddr"], e.conn["lport"], e.conn["raddr"], e.conn["rport"]) == flow(
                ep.conn["laddr"], ep.conn["lport"], ep.conn["raddr"], ep.conn["rport"])]
            T.check_eq(len(ep.segments()), sum(len(e.segments()) for e in twin),
                       "%s: segments imported vs recorded, %s" % (what, ep.summary()))


def check_tcpana(path, expr, what):
    """tcpana --filter with the recorded expression keeps every
    connection; with its negation, on the undirected cases, none."""
    every = T.tcpana_json(path)["connections"]
    T.check(every, what + ": tcpana reports nothing")
    kept = T.tcpana_json(path, "--filter=" + expr)["connections"]
    T.check_eq(len(kept), len(every), what + ": tcpana --filter on its own trace")
    if " dst " not in " " + expr and " src " not in " " + expr:
        none = T.tcpana_json(path, "--filter=not (%s)" % expr)["connections"]
        T.check_eq(none, [], what + ": tcpana --filter with the complement")


def usage_error():
    """A bad expression is refused before anything is loaded: exit 2, the
    word and its column named."""
    r = T.run_tcprec(["-w", "/nonexistent/never.trc", "port", "foo"])
    T.check_eq(r.returncode, 2, "exit code of a bad expression: " + r.stderr)
    T.check("tcprec: filter: expected a port number after 'port' at 'foo' (column 6)"
            in r.stderr, "message of a bad expression: " + r.stderr)


def main():
    family = R.family_arg(sys.argv)
    T.require_root()
    T.require_netns()
    T.require_bpf()
    T.require_tool("tcpdump")
    usage_error()
    for case in CASES:
        run_case(family, *case)


if __name__ == "__main__":
    T.main(main)
