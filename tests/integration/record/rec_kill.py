#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Durability: tcprec killed with SIGKILL while 5,000 connections run
(eight threads, rate-limited so the kill lands in the middle) leaves a
readable file holding every connection that finished more than one second
before the kill, with its full path on both ends.  Which connections
finished when is taken from tcpdump (the last segment of each connection),
not from tcprec.

usage: rec_kill.py 4|6 [CONNS] [RATE]
"""

import collections
import os
import signal
import sys
import time

import recassert as R
import tcptest as T

PORT = 8080
# The man page's promise: everything older than this is in the file.
DURABLE_S = 1.0


def finished_before(pcap, t_limit):
    """Client ports of the connections whose last segment (the client's
    ACK of the server's FIN) tcpdump saw before t_limit (realtime s)."""
    last = {}
    for p in pcap:
        port = p["sport"] if p["dport"] == PORT else p["dport"]
        last[port] = max(last.get(port, 0.0), p["t"])
    fins = collections.defaultdict(set)
    for p in pcap:
        if "F" in p["flags"]:
            fins[p["sport"] if p["dport"] == PORT else p["dport"]].add(p["dport"] == PORT)
    # Both FINs seen: the connection is over at its last segment.
    return {port for port, t in last.items() if t < t_limit and fins[port] == {True, False}}


def main():
    family = R.family_arg(sys.argv)
    conns = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    rate = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    loadgen = os.environ.get("LOADGEN")
    T.require_root()
    T.require_netns()
    T.require_bpf()
    T.require_tool("tcpdump")
    if not loadgen or not os.access(loadgen, os.X_OK):
        T.skip("LOADGEN is not built (%r)" % loadgen)
    with T.Topology(family, loopback=True) as topo:
        host = topo.server
        host.sysctl("net.ipv4.tcp_tw_reuse", 0)
        out = topo.tmp("kill.trc")
        cap = T.Capture(host, topo.tmp("kill.pcap"), bpf_filter="tcp port %d" % PORT).start()
        rec = T.Recorder(out, netns=host).start()
        load = host.popen([loadgen, "-%d" % family, "-n", conns, "-t", 8, "-p", PORT,
                           "--rate", rate, "-T", 120], stdout=open(os.devnull, "w"))
        # Kill in the middle of the run, at no particular phase of the
        # recorder's flush cycle.
        time.sleep(0.45 * conns / rate + 0.137)
        T.check(load.poll() is None, "the traffic ended before the kill")
        os.kill(rec.proc.pid, signal.SIGKILL)
        kill_real = time.time()
        res = rec.wait(timeout=10)
        T.check_eq(res.returncode, -signal.SIGKILL, "tcprec exit status")
        load.wait(timeout=120)
        pcap = cap.stop()

        done = finished_before(pcap, kill_real - DURABLE_S)
        T.check(len(done) > conns // 20, "only %d connections finished before the kill"
                % len(done))
        records = T.trcdump(out, expect_rc=None)
        trace = T.Trace(records)
        T.check(trace.header is not None, "no header in the killed trace")
        T.check_eq(trace.corrupt, [], "damaged blocks in the killed trace")
        T.check_eq(trace.end.get("end"), "truncated", "end of a killed trace")
        T.check_eq(trace.lost(), [], "lost records")
        clients = {ep.conn["lport"]: ep for ep in trace.endpoints(rport=PORT)}
        servers = {ep.conn["rport"]: ep for ep in trace.endpoints(lport=PORT)
                   if ep.conn["rport"]}
        missing = sorted(p for p in done if p not in clients or p not in servers)
        T.check(not missing, "%d of %d connections that finished more than %.0f s before "
                "the kill are not in the file, e.g. client ports %r"
                % (len(missing), len(done), DURABLE_S, missing[:5]))
        for port in sorted(done):
            R.check_transitions(clients[port], R.CLIENT_OPEN + R.ACTIVE_CLOSE, "client")
            R.check_transitions(servers[port], R.SERVER_OPEN + R.PASSIVE_CLOSE, "server")
        began = {p["sport"] for p in pcap if p["dport"] == PORT and p["t"] < kill_real}
        print("killed after %d connections began; %d finished more than %.0f s before the "
              "kill, all in the file with their full path (%d endpoints in it)"
              % (len(began), len(done), DURABLE_S, len(clients) + len(servers)))


if __name__ == "__main__":
    T.main(main)
