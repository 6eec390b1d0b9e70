#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Live capture: `tcprec -i veth0 --packets=pcap` in the client namespace
records the segments of a few scenarios (normal, reset, refused) while a
second tcprec records the same namespace with the BPF segment source and
tcpdump captures the same interface.  Per connection (client port), the
live pcap trace's flag sequence must equal tshark's reading of the capture
and, per direction, the BPF source's.  The live header names the source.

usage: live_pcap.py 4|6
"""

import sys

import pcapcheck as P
import tcptest as T

SCENARIOS = (("normal", 8080), ("abort", 8081), ("refused", 8082))


def client_view(segs, client_addr):
    """{client port: {"tx": [flags], "rx": [flags]}} of a trace's segment
    events whose connection is the client endpoint (or a flow seen from it)."""
    out = {}
    for s in segs:
        c = s["conn"]
        if P.addr_norm(c["laddr"]) != client_addr or c["rport"] not in dict(SCENARIOS).values():
            continue
        d = out.setdefault(c["lport"], {"tx": [], "rx": []})
        d[s["dir"]].append(s["tcp_flags"])
    return out


def tshark_view(path, client_addr):
    out = {}
    for pkts in P.tshark_streams(path).values():
        for sender, flags, _ in pkts:
            addr, port = sender.rsplit(":", 1)
            if addr == client_addr:
                out.setdefault(int(port), {"tx": [], "rx": []})["tx"].append(flags)
        cport = next(int(s.rsplit(":", 1)[1]) for s, _, _ in pkts
                     if s.rsplit(":", 1)[0] == client_addr)
        out.setdefault(cport, {"tx": [], "rx": []})["rx"] = [
            f for s, f, _ in pkts if s.rsplit(":", 1)[0] != client_addr]
    return out


def test():
    fam = int(sys.argv[1])
    T.require_root()
    T.require_netns()
    T.require_bpf()
    for tool in ("tcpdump", "tshark"):
        T.require_tool(tool)
    with T.Topology(family=fam) as topo:
        client = P.addr_norm(topo.client.addr)
        live = T.Recorder(topo.tmp("live.trc"), args=["-i", "veth0", "--packets=pcap"])
        live.argv = topo.client.cmd(live.argv)
        bpf = T.Recorder(topo.tmp("bpf.trc"), netns=topo.client, args=["--packets=bpf"])
        cap = T.Capture(topo.client, topo.tmp("ref.pcap"))
        with bpf, live:
            cap.start()
            for scenario, port in SCENARIOS:
                T.run_scenario(topo, scenario, port=port)
            cap.stop()
        for rec in (live, bpf):
            T.check_eq(rec.result.returncode, 0, "tcprec exit (%s)" % rec.result.stderr)
        header, _, live_segs = P.trace_streams(topo.tmp("live.trc"))
        # The recorder lists every source ("ebpf,pcap-live:veth0").
        T.check("pcap-live:veth0" in header.get("source", "").split(","),
                "live header source %r" % header.get("source"))
        T.check_eq(header.get("pcap_linktype"), 1, "live header link type")
        # Without --netns the walk, when it polls, watches tcprec's own
        # namespace: here the client's, where it runs.
        live_trace = T.Trace.load(topo.tmp("live.trc"))
        T.check_eq(header.get("tw_netns"), live_trace.tw_netns_expected(topo.client.netns_inode),
                   "live header tw_netns")
        got = client_view(live_segs, client)
        T.check_eq(len(got), len(SCENARIOS), "connections in the live trace")
        T.check_eq(got, tshark_view(topo.tmp("ref.pcap"), client), "live pcap vs tshark")
        _, _, bpf_segs = P.trace_streams(topo.tmp("bpf.trc"))
        T.check_eq(got, client_view(bpf_segs, client), "live pcap vs BPF segments")


T.main(test)
