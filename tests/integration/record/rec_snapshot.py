#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Connections opened before tcprec starts appear in its start-up
snapshot (one state record per socket, marked as snapshot, with the full
tuple), and their later transitions follow as usual.

usage: rec_snapshot.py 4|6
"""

import sys

import recassert as R
import tcptest as T

HELD = 3


def main():
    family = R.family_arg(sys.argv)
    T.require_root()
    T.require_netns()
    T.require_bpf()
    T.require_tool("tcpdump")
    with T.Topology(family) as topo:
        # Recording starts while the client holds its connections open.
        rec = R.Recording(topo, "hold", count=HELD, start_at="client:release").run()
        held = rec.res["info"]["client"]["held"]["conns"]
        T.check_eq(len(held), HELD, "connections held")
        c, s = topo.client, topo.server
        for conn in held:
            cl = rec.traces["client"].endpoint(laddr=c.addr, lport=conn["lport"],
                                               raddr=s.addr, rport=R.PORT)
            sv = rec.traces["server"].endpoint(laddr=s.addr, lport=R.PORT,
                                               raddr=c.addr, rport=conn["lport"])
            for ep, rest, what in ((cl, R.ACTIVE_CLOSE, "client"),
                                   (sv, R.PASSIVE_CLOSE, "server")):
                first = ep.events[0]
                T.check(first["type"] == "state" and first["snapshot"],
                        "%s: first record is not the snapshot: %s" % (what, ep.summary()))
                T.check_eq(ep.snapshot_states(), ["ESTABLISHED"], what + " snapshot states")
                T.check(first["conn"]["cookie"] != 0, what + " snapshot without cookie")
                T.check_eq(first["conn"]["netns"], ep.conn["netns"], what + " snapshot netns")
                R.check_transitions(ep, rest, what)
        listener = rec.traces["server"].endpoint(lport=R.PORT, rport=0)
        T.check_eq(listener.snapshot_states(), ["LISTEN"], "listener snapshot")
        for side in rec.sides:
            snaps = [e for e in rec.traces[side].of_type("state") if e.get("snapshot")]
            T.check_eq(len(snaps), HELD + (1 if side == "server" else 0),
                       "%s snapshot records" % side)
            R.check_no_losses(rec.traces[side])


if __name__ == "__main__":
    T.main(main)
