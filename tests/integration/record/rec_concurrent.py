#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Concurrent connect()s recorded by tcprec: the C load generator's client
threads open connections to one server port at the same time, so several
sockets wait in SYN_SENT with local port 0 at once (the kernel picks the
port after the transition).  Each socket must get its own port from its
own SYN: a mix-up puts one socket's transitions on another's tuple, and
tcpana then sees ESTABLISHED before that tuple's SYN-ACK.

usage: rec_concurrent.py 4|6 [COUNT] [THREADS]
"""

import collections
import os
import sys

import recassert as R
import tcptest as T


def record(topo, count, threads):
    out = topo.tmp("concurrent.trc")
    family = "-%d" % topo.family
    with T.Recorder(out, netns=topo.server) as rec:
        lg = topo.server.run([os.environ["LOADGEN"], family, "-n", count, "-t", threads,
                              "-p", R.PORT, "--addr", topo.server.addr, "-T", 100],
                             check=False)
        rr = rec.stop(settle=1.0)
    T.check_eq(lg.returncode, 0, "loadgen exit code: " + lg.stderr.strip())
    T.check_eq(rr.returncode, 0, "tcprec exit code: " + rr.stderr)
    return out


def check_clients(doc, count):
    conns = T.endpoints(doc)
    clients = [c for c in conns if c["remote"]["port"] == R.PORT]
    T.check_eq(len(clients), count, "client connections")
    bad = [c for c in conns if c["verdict"] == "violation"]
    T.check(not bad, "%d connection(s) with a violation, first: %r" % (
        len(bad), bad[0] if bad else None))
    outcomes = collections.Counter(c["outcome"] for c in clients)
    T.check_eq(outcomes, collections.Counter({"normal_close": count}), "client outcomes")
    T.check(all(c["local"]["port"] != 0 for c in clients), "a client with local port 0")
    ports = collections.Counter(c["local"]["port"] for c in clients)
    T.check(all(n == 1 for n in ports.values()), "a local port used by two clients")


def main():
    family = R.family_arg(sys.argv)
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 8
    T.require_root()
    T.require_netns()
    T.require_bpf()
    T.require_tcpana()
    if not os.access(os.environ.get("LOADGEN", ""), os.X_OK):
        T.skip("LOADGEN is not set or not executable (bench/loadgen not built)")
    with T.Topology(family, loopback=True) as topo:
        # Unique 4-tuples: tcp_tw_reuse would hand a TIME_WAIT tuple to a
        # new socket, a different case than the one tested here.
        topo.client.sysctl("net.ipv4.tcp_tw_reuse", 0)
        trace_path = record(topo, count, threads)
        trace = T.Trace.load(trace_path)
        R.check_no_losses(trace)
        doc = T.tcpana_json(trace_path)
        check_clients(doc, count)
        print("%d connections from %d threads, %d events, no violation" % (
            count, threads, len(trace.events)))


if __name__ == "__main__":
    main()
