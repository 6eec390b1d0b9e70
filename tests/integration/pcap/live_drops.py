#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Capture drops of a live capture become lost-events records: tcprec
`-i veth0 --packets=pcap` is stopped (SIGSTOP) while a bulk transfer with
a small MSS (and no segmentation offload, so every segment crosses the
interface on its own) overflows its capture buffer; once continued, the
drops libpcap counts must appear as "lost" events with reason "capture"
and in the trailer's lost-event total.
"""

import os
import signal
import subprocess
import time

import pcapcheck as P
import tcptest as T

BYTES = 20 * 1000 * 1000
SINK = ("import socket\n"
        "s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
        "s.bind(('192.0.2.2', 9000)); s.listen(); print('listening', flush=True)\n"
        "c, _ = s.accept()\n"
        "while c.recv(1 << 20): pass\n")
SEND = ("import socket, sys\n"
        "s = socket.socket(); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)\n"
        "s.connect(('192.0.2.2', 9000)); s.sendall(b'x' * int(sys.argv[1])); s.close()\n")


def test():
    T.require_root()
    T.require_netns()
    T.require_bpf()
    with T.Topology(family=4) as topo:
        for h in (topo.client, topo.server):
            h.run(["ip", "link", "set", "veth0", "gso_max_segs", "1"])
        sink = topo.server.popen(["python3", "-c", SINK], stdout=subprocess.PIPE, text=True)
        T.check_eq(sink.stdout.readline().strip(), "listening", "sink start")
        rec = T.Recorder(topo.tmp("live.trc"), args=["-i", "veth0", "--packets=pcap"])
        rec.argv = topo.client.cmd(rec.argv)  # ip netns exec replaces itself: pid is tcprec
        with rec:
            with open("/proc/%d/comm" % rec.proc.pid) as f:
                T.check_eq(f.read().strip(), "tcprec", "process to stop")
            os.kill(rec.proc.pid, signal.SIGSTOP)
            try:
                topo.client.run(["python3", "-c", SEND, str(BYTES)], timeout=50)
            finally:
                os.kill(rec.proc.pid, signal.SIGCONT)
            time.sleep(2.5)  # drops are read once a second
        T.check_eq(rec.result.returncode, 0, "tcprec exit (%s)" % rec.result.stderr)
        recs = T.trcdump(topo.tmp("live.trc"))
        lost = [r for r in recs if r.get("type") == "lost" and r.get("reason") == "capture"]
        dropped = sum(r["count"] for r in lost)
        T.check(dropped > 0, "no capture drops recorded; lost records: %r" % [
            r for r in recs if r.get("type") == "lost"])
        segs = len(P.trace_streams(topo.tmp("live.trc"))[2])
        T.check(segs > 0, "no segments recorded")
        trailer = recs[-1].get("trailer") or {}
        T.check(trailer.get("lost_events", 0) >= dropped,
                "trailer lost_events %r < %d" % (trailer.get("lost_events"), dropped))
        print("segments %d, capture drops %d" % (segs, dropped))


T.main(test)
