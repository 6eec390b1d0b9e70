#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Import of real captures: a traffic scenario runs between two namespaces
while tcpdump captures it four ways (Ethernet, Linux cooked v2 and v1, a
96-byte snap length); `tcprec -r` imports each (and the Ethernet capture
converted to pcapng by editcap).  Per connection, the flag sequence,
senders and payload lengths must equal what tshark reports; every variant
must give the same segments; the short-snap import marks cut segments and
still takes payload lengths from the IP header.  With tcpana built, the
imported trace's outcome is checked too.

usage: imp_scenario.py 4|6 normal|refused|abort|syn-timeout|simclose
"""

import sys

import pcapcheck as P
import tcptest as T

# Outcome tcpana must report for the client's side of the connection (the
# import replays both endpoints; the client sent the RST in "abort").
OUTCOME = {"normal": "normal_close", "refused": "refused", "abort": "reset_local",
           "syn-timeout": "syn_timeout", "simclose": "normal_close"}
# Link types tcpdump writes for each capture (pcap LINKTYPE values).
LINKTYPES = {"eth": 1, "sll2": 276, "sll1": 113, "snap": 1}


def import_checked(path, trc):
    P.import_pcap(path, trc)
    header, streams, segs = P.trace_streams(trc)
    T.check(header.get("source", "").startswith("pcap-file:"),
            "%s: header source %r" % (trc, header.get("source")))
    return header, streams, segs


def test():
    fam, scenario = int(sys.argv[1]), sys.argv[2]
    T.require_root()
    T.require_netns()
    T.require_trcdump()
    for tool in ("tcpdump", "tshark", "editcap"):
        T.require_tool(tool)
    P.require_tcprec()
    with T.Topology(family=fam) as topo:
        caps = P.captures(topo)
        T.run_scenario(topo, scenario, port=8080)
        P.stop_all(caps)
        ref = P.tshark_streams(topo.tmp("eth.pcap"))
        T.check(ref, "tshark found no TCP in the capture")
        results = {}
        for name in ("eth", "sll2", "sll1", "snap"):
            path = topo.tmp(name + ".pcap")
            T.check_eq(P.linktype(path), LINKTYPES[name], "%s capture link type" % name)
            results[name] = import_checked(path, topo.tmp(name + ".trc"))
        P.run_cmd(["editcap", "-F", "pcapng", topo.tmp("eth.pcap"), topo.tmp("eth.pcapng")])
        results["pcapng"] = import_checked(topo.tmp("eth.pcapng"), topo.tmp("ng.trc"))

        want = P.canonical(ref)
        for name, (header, streams, segs) in results.items():
            T.check_eq(P.canonical(streams), want, "%s import vs tshark" % name)
            T.check_eq(header.get("pcap_linktype"),
                       LINKTYPES.get(name, 1), "%s header link type" % name)
        snap_segs = results["snap"][2]
        eth_segs = results["eth"][2]
        T.check_eq(results["snap"][0].get("pcap_snaplen"), P.SNAP_SMALL, "snap header")
        cut = [s for s in snap_segs if s.get("snap_short")]
        if any(p[2] > 40 for pkts in ref.values() for p in pkts):
            T.check(cut, "no segment marked snap_short in the %d-byte capture" % P.SNAP_SMALL)
        T.check(not any(s.get("snap_short") for s in eth_segs),
                "snap_short in the full capture")
        # The first SYN's sender (the client) is the local side.
        for header, streams, segs in results.values():
            T.check(all(s["conn"]["laddr"] == topo.client.addr or
                        s["conn"]["flags"] & 2 for s in segs),
                    "local side is not the client: %r" % segs[:1])
        # --local: the server's address makes the server the local side,
        # every direction flips, and the flows say how the side was chosen.
        plen = 32 if fam == 4 else 128
        P.import_pcap(topo.tmp("eth.pcap"), topo.tmp("local.trc"),
                      args=["--local", "%s/%d" % (topo.server.addr, plen)])
        local_segs = P.trace_streams(topo.tmp("local.trc"))[2]
        T.check_eq(len(local_segs), len(eth_segs), "segments with --local")
        for a, b in zip(eth_segs, local_segs):
            T.check(P.addr_norm(b["conn"]["laddr"]) == P.addr_norm(topo.server.addr) and
                    b["conn"]["flags"] & 4 and a["dir"] != b["dir"],
                    "--local: %r vs %r" % (a, b))
        outcomes = P.tcpana_outcomes(topo.tmp("eth.trc"))
        if outcomes is None:
            print("tcpana not built: outcome not checked", file=sys.stderr)
        else:
            T.check(OUTCOME[scenario] in outcomes, "tcpana outcomes %r, expected %s" % (
                sorted(map(str, outcomes)), OUTCOME[scenario]))


T.main(test)
