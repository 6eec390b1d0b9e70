#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tcprec's kernel-side filters: with --port, traffic on another port of
the same namespace is not recorded; with --netns, traffic in another
namespace is not recorded, while the selected traffic is complete.

usage: rec_filters.py 4|6
"""

import sys

import recassert as R
import tcptest as T

OTHER_PORT = 9090


def check_only(trace, netns, port, what):
    T.check(trace.events, what + ": nothing recorded")
    for e in trace.events:
        if "conn" not in e:
            continue
        c = e["conn"]
        T.check_eq(c["netns"], netns, what + ": netns of %r" % e)
        if port is not None:
            T.check(port in (c["lport"], c["rport"]), what + ": port of %r" % e)


def port_filter(family):
    with T.Topology(family) as topo:
        out = topo.tmp("port.trc")
        with T.Recorder(out, netns=topo.server, args=["--port", R.PORT]) as rec:
            other = T.run_scenario(topo, "normal", OTHER_PORT)
            mine = T.run_scenario(topo, "normal", R.PORT)
            rr = rec.stop()
        T.check_eq(rr.returncode, 0, "tcprec exit code: " + rr.stderr)
        trace = T.Trace.load(out)
        check_only(trace, topo.server.netns_inode, R.PORT, "--port")
        T.check_eq(trace.endpoints(rport=other["client"]["lport"]), [], "other-port traffic")
        sv = trace.endpoint(lport=R.PORT, rport=mine["client"]["lport"])
        R.check_transitions(sv, R.SERVER_OPEN + R.PASSIVE_CLOSE, "server")
        R.check_no_losses(trace)


def netns_filter(family):
    with T.Topology(family) as topo, T.Topology(family) as elsewhere:
        out = topo.tmp("netns.trc")
        with T.Recorder(out, netns=topo.server) as rec:
            T.run_scenario(elsewhere, "normal", R.PORT)
            mine = T.run_scenario(topo, "normal", R.PORT)
            rr = rec.stop()
        T.check_eq(rr.returncode, 0, "tcprec exit code: " + rr.stderr)
        trace = T.Trace.load(out)
        check_only(trace, topo.server.netns_inode, None, "--netns")
        T.check_eq(trace.endpoints(netns=elsewhere.server.netns_inode), [],
                   "traffic of the other namespace")
        sv = trace.endpoint(lport=R.PORT, rport=mine["client"]["lport"])
        R.check_transitions(sv, R.SERVER_OPEN + R.PASSIVE_CLOSE, "server")
        R.check_no_losses(trace)


def main():
    family = R.family_arg(sys.argv)
    T.require_root()
    T.require_netns()
    T.require_bpf()
    port_filter(family)
    netns_filter(family)


if __name__ == "__main__":
    T.main(main)
