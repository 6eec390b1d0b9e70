#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Normal request/response exchanges recorded by tcprec: the exact state
transitions of both sockets, the TIME_WAIT enter/exit records linked to
the closing socket by cookie, and segment flags equal to tcpdump's.

usage: rec_close.py 4|6 client-first|server-first|loopback|timewait-exit
"""

import sys
import time

import recassert as R
import tcptest as T


def check_timewait_enter(ep, trace):
    """The endpoint entered TIME_WAIT (polled) and its timewait record
    carries the socket's cookie; nothing was recorded before it closed."""
    T.check_eq(ep.timewait(), [("enter", "polled")], "timewait records, " + ep.summary())
    tw = ep.of_type("timewait")[0]
    closed = ep.of_type("state")[-1]
    T.check_eq(tw["conn"]["cookie"], closed["conn"]["cookie"], "timewait cookie")
    T.check(tw["conn"]["cookie"] != 0, "timewait record without cookie")
    T.check(tw["t_ns"] >= closed["t_ns"], "TIME_WAIT entered before the socket closed")
    T.check(0 < tw["precision_ns"] <= 1000000000, "precision_ns %r" % tw["precision_ns"])


def both_sides(family, scenario, loopback):
    with T.Topology(family, loopback=loopback) as topo:
        rec = R.Recording(topo, scenario).run()
        side_c = "server" if loopback else "client"
        cl, sv = rec.client_ep(side_c), rec.server_ep()
        if scenario == "normal":
            R.check_transitions(cl, R.CLIENT_OPEN + R.ACTIVE_CLOSE, "client")
            R.check_transitions(sv, R.SERVER_OPEN + R.PASSIVE_CLOSE, "server")
            check_timewait_enter(cl, rec.traces[side_c])
            T.check_eq(sv.timewait(), [], "server timewait records")
        else:
            R.check_transitions(cl, R.CLIENT_OPEN + R.PASSIVE_CLOSE, "client")
            R.check_transitions(sv, R.SERVER_OPEN + R.ACTIVE_CLOSE, "server")
            check_timewait_enter(sv, rec.traces["server"])
            T.check_eq(cl.timewait(), [], "client timewait records")
        rec.check_flags(cl, side_c)
        rec.check_flags(sv, "server")
        for side in rec.sides:
            R.check_no_losses(rec.traces[side])


def timewait_exit(family):
    """TIME_WAIT lasts 60 s and no sysctl shortens it; SOCK_DESTROY
    (ss -K) removes a timewait socket on this kernel, which is an exit
    the poller has to see just like the timer's."""
    with T.Topology(family) as topo:
        T.require_tool("ss")
        client = topo.client
        out = topo.tmp("tw.trc")
        with T.Recorder(out, netns=client) as rec:
            res = T.run_scenario(topo, "normal", R.PORT)
            # Give the 100 ms TIME_WAIT poller a few rounds to see it.
            time.sleep(0.5)
            ss = ["ss", "-tanH", "state", "time-wait", "dport", "= :%d" % R.PORT]
            T.check(client.run(ss).stdout.strip(), "no TIME_WAIT socket in the client")
            client.run(["ss", "-K"] + ss[1:])
            T.check_eq(client.run(ss).stdout.strip(), "", "TIME_WAIT socket after ss -K")
            rr = rec.stop()
        T.check_eq(rr.returncode, 0, "tcprec exit code: " + rr.stderr)
        trace = T.Trace.load(out)
        ep = trace.endpoint(lport=res["client"]["lport"], rport=R.PORT)
        R.check_transitions(ep, R.CLIENT_OPEN + R.ACTIVE_CLOSE, "client")
        T.check_eq(ep.timewait(), [("enter", "polled"), ("exit", "polled")],
                   "timewait records, " + ep.summary())
        enter, leave = ep.of_type("timewait")
        T.check(enter["t_ns"] < leave["t_ns"], "TIME_WAIT exit before enter")
        T.check_eq(leave["conn"]["cookie"], enter["conn"]["cookie"], "exit cookie")
        R.check_no_losses(trace)


def main():
    family = R.family_arg(sys.argv)
    mode = sys.argv[2]
    T.require_root()
    T.require_netns()
    T.require_bpf()
    T.require_tool("tcpdump")
    T.require_tool("nft")
    if mode == "timewait-exit":
        timewait_exit(family)
        return
    scenario = {"client-first": "normal", "server-first": "server-close",
                "loopback": "normal", "loopback-server-first": "server-close"}[mode]
    both_sides(family, scenario, loopback=mode.startswith("loopback"))


if __name__ == "__main__":
    T.main(main)
