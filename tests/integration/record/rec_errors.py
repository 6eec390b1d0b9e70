#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Connections that end in an error, recorded by tcprec: refused (RST to
the SYN), abort (SO_LINGER {1,0} close sends RST) and SYN timeout (SYNs
dropped by nftables, retransmitted until connect() gives up).

usage: rec_errors.py 4|6 refused|abort|syn-timeout
"""

import sys

import recassert as R
import tcptest as T


def resets(ep):
    return [e["dir"] for e in ep.of_type("reset")]


def refused(rec):
    c, s = rec.topo.client, rec.topo.server
    cl = rec.traces["client"].endpoint(laddr=c.addr, raddr=s.addr, rport=R.PORT)
    R.check_transitions(cl, [("CLOSE", "SYN_SENT"), ("SYN_SENT", "CLOSE")], "client")
    T.check_eq(cl.segments("tx"), ["S"], "client tx flags, " + cl.summary())
    T.check_eq(cl.segments("rx"), ["R."], "client rx flags, " + cl.summary())
    T.check_eq(resets(cl), ["rx"], "client reset records, " + cl.summary())
    rec.check_flags(cl, "client")
    # The server has no socket for the port: only the segments and the
    # reset it sent, seen from its side.
    sv = rec.traces["server"].endpoint(laddr=s.addr, lport=R.PORT, raddr=c.addr,
                                       rport=cl.conn["lport"])
    T.check_eq(sv.transitions(), [], "server transitions, " + sv.summary())
    T.check_eq(sv.segments("rx"), ["S"], "server rx flags, " + sv.summary())
    T.check_eq(sv.segments("tx"), ["R."], "server tx flags, " + sv.summary())
    rec.check_flags(sv, "server")


def abort(rec):
    cl, sv = rec.client_ep(), rec.server_ep()
    R.check_transitions(cl, R.CLIENT_OPEN + [("ESTABLISHED", "CLOSE")], "client")
    R.check_transitions(sv, R.SERVER_OPEN + [("ESTABLISHED", "CLOSE")], "server")
    T.check_eq(cl.segments("tx")[-1], "R.", "client's last segment, " + cl.summary())
    T.check_eq(sv.segments("rx")[-1], "R.", "server's last received segment")
    T.check_eq(resets(cl), ["tx"], "client reset records, " + cl.summary())
    T.check_eq(resets(sv), ["rx"], "server reset records, " + sv.summary())
    T.check_eq(cl.timewait() + sv.timewait(), [], "timewait records after an abort")
    rec.check_flags(cl, "client")
    rec.check_flags(sv, "server")


def syn_timeout(rec):
    c, s = rec.topo.client, rec.topo.server
    T.check_eq(rec.res["client"]["error"], "ETIMEDOUT", "connect() result")
    cl = rec.traces["client"].endpoint(laddr=c.addr, raddr=s.addr, rport=R.PORT)
    R.check_transitions(cl, [("CLOSE", "SYN_SENT"), ("SYN_SENT", "CLOSE")], "client")
    syns = cl.segments("tx")
    T.check(len(syns) >= 2 and set(syns) == {"S"}, "client tx flags %r" % syns)
    T.check_eq(cl.segments("rx"), [], "client rx flags")
    rtx = cl.of_type("retransmit")
    T.check_eq(len(rtx), len(syns) - 1, "retransmit records, " + cl.summary())
    for r in rtx:
        T.check_eq((r["flags"], r["old"]), ("S", "SYN_SENT"), "retransmit record")
    rec.check_flags(cl, "client")


def main():
    family = R.family_arg(sys.argv)
    scenario = sys.argv[2]
    T.require_root()
    T.require_netns()
    T.require_bpf()
    T.require_tool("tcpdump")
    T.require_tool("nft")
    check = {"refused": refused, "abort": abort, "syn-timeout": syn_timeout}[scenario]
    with T.Topology(family) as topo:
        rec = R.Recording(topo, scenario).run()
        check(rec)
        for side in rec.sides:
            R.check_no_losses(rec.traces[side])


if __name__ == "__main__":
    T.main(main)
