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


def both_sides(family, scenario, loopback):
    with T.Topology(family, loopback=loopback) as topo:
        rec = R.Recording(topo, scenario).run()
        side_c = "server" if loopback else "client"
        cl, sv = rec.client_ep(side_c), rec.server_ep()
        if scenario == "normal":
            R.check_transitions(cl, R.CLIENT_OPEN + R.ACTIVE_CLOSE, "client")
            R.check_transitions(sv, R.SERVER_OPEN + R.PASSIVE_CLOSE, "server")
            R.check_timewait_enter(cl)
            T.check_eq(sv.timewait(), [], "server timewait records")
        else:
            R.check_transitions(cl, R.CLIENT_OPEN + R.PASSIVE_CLOSE, "client")
            R.check_transitions(sv, R.SERVER_OPEN + R.ACTIVE_CLOSE, "server")
            R.check_timewait_enter(sv)
            T.check_eq(cl.timewait(), [], "client timewait records")
        listener = rec.traces["server"].endpoint(laddr=topo.server.addr, lport=R.PORT, rport=0)
        R.check_transitions(listener, [("CLOSE", "LISTEN"), ("LISTEN", "CLOSE")], "listener")
        for ep in (cl, sv):
            segs = {d: ep.segments(d) for d in ("tx", "rx")}
            syn_dir = "tx" if ep is cl else "rx"
            T.check_eq(segs[syn_dir][:2], ["S", "."], "handshake of " + ep.summary())
            T.check_eq(segs["rx" if syn_dir == "tx" else "tx"][0], "S.", "SYN-ACK")
            for d in ("tx", "rx"):
                T.check(sum("F" in f for f in segs[d]) == 1, "one FIN %s: %s" % (d, ep.summary()))
        rec.check_flags(cl, side_c)
        rec.check_flags(sv, "server")
        for side in rec.sides:
            R.check_no_losses(rec.traces[side])
            # --netns: the walk, when it polls, watches that namespace.
            trace = rec.traces[side]
            T.check_eq(trace.header["tw_netns"],
                       trace.tw_netns_expected(rec.hosts[side].netns_inode),
                       side + " header tw_netns")


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
        precision = trace.tw_precision()
        T.check_eq(ep.timewait(), [("enter", precision), ("exit", precision)],
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
                "loopback": "normal"}[mode]
    both_sides(family, scenario, loopback=mode == "loopback")


if __name__ == "__main__":
    T.main(main)
