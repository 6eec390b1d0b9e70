#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tcprec on a busy host: a loopback namespace already holds 30,000
TIME_WAIT sockets and 1,000 idle established connections (bench/busyhost)
when tcprec starts; traffic (5,000 connections from eight threads,
bench/loadgen) begins 0.2 s after tcprec is launched, while its start-up
snapshot may still be running.  Every connection of the traffic is
recorded with its full path (transitions and TIME_WAIT), its segments
match tcpdump's, nothing is lost, and every socket that existed before,
as ss listed it, appears exactly once in the snapshot, with its state.
Counts and behaviour only: times go to bench/.

usage: rec_busy.py 4|6 [TIME_WAIT] [ESTABLISHED] [CONNS]
"""

import collections
import os
import subprocess
import sys
import time

import recassert as R
import tcptest as T

PORT = 8080
SS_STATES = {"ESTAB": "ESTABLISHED", "TIME-WAIT": "TIME_WAIT", "LISTEN": "LISTEN"}


def tool(var):
    path = os.environ.get(var)
    if not path or not os.access(path, os.X_OK):
        T.skip("%s is not built (%r)" % (var, path))
    return path


def split_addr(s):
    addr, port = s.rsplit(":", 1)
    return addr.strip("[]"), (0 if port == "*" else int(port))


def kernel_counts(host):
    """What the kernel itself counted, for a failure message: TIME_WAIT
    sockets made and killed, and the states /proc/net/tcp{,6} lists."""
    nstat = host.run(["nstat", "-az", "TcpExtTW", "TcpExtTWKilled", "TcpExtTWRecycled",
                      "TcpExtTCPTimeWaitOverflow", "TcpEstabResets", "TcpOutRsts"]).stdout
    counters = dict(line.split()[:2] for line in nstat.splitlines()[1:] if line.strip())
    states = collections.Counter()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in host.run(["cat", name]).stdout.splitlines()[1:]:
            states[line.split()[3]] += 1
    return "nstat %r, /proc/net/tcp states %r" % (counters, dict(states))


def ss_sockets(host, n_tw, n_est, timeout=10.0):
    """(state, laddr, lport, raddr, rport) of every TCP socket in host's
    namespace, as ss sees it: the independent list of what existed.  Waits
    until the last server ends have left LAST_ACK.  A netlink dump resumes
    by position in the kernel's hash, which every namespace shares: other
    namespaces' churn can make one dump miss a few sockets, so dumps are
    repeated (and united; nothing changes here) until the counts add up."""
    deadline = time.monotonic() + timeout
    seen = set()
    while True:
        socks, other = collections.Counter(), []
        for line in host.run(["ss", "-tanH"]).stdout.splitlines():
            f = line.split()
            if f[0] not in SS_STATES:
                other.append(line)
                continue
            la, lp = split_addr(f[3])
            ra, rp = split_addr(f[4])
            socks[(SS_STATES[f[0]], la, lp, ra, rp)] += 1
        T.check(max(socks.values() or [1]) == 1, "ss listed a socket twice")
        seen |= set(socks)
        kinds = collections.Counter(k[0] for k in seen)
        if not other and kinds["TIME_WAIT"] == n_tw and kinds["ESTABLISHED"] == 2 * n_est:
            print("ss: as made; %s" % kernel_counts(host))
            return seen
        if time.monotonic() >= deadline and not other and \
                kinds["ESTABLISHED"] == 2 * n_est and n_tw - kinds["TIME_WAIT"] <= n_tw // 1000:
            # A few of busyhost's connections may not reach TIME_WAIT
            # (a close that crossed a reset).  The list ss gives is the
            # reference either way: the snapshot must match it exactly.
            print("ss: %d of %d TIME_WAIT sockets present" % (kinds["TIME_WAIT"], n_tw))
            return seen
        T.check(time.monotonic() < deadline, "ss: %r, sockets in other states: %r; %s"
                % (kinds, other[:3], kernel_counts(host)))
        time.sleep(0.1)


def fill(topo, n_tw, n_est):
    """Start busyhost; return it once it holds everything."""
    h = topo.client
    h.sysctl("net.ipv4.tcp_tw_reuse", 0)
    h.sysctl("net.ipv4.ip_local_port_range", "1024 65535")
    # The traffic's server port: no busyhost client may hold it.
    h.sysctl("net.ipv4.ip_local_reserved_ports", PORT)
    h.sysctl("net.ipv4.tcp_max_tw_buckets", 4 * n_tw)
    # On a loaded machine loopback can deliver a handshake's last ACK after
    # the connection has closed (the two ends' segments wait in different
    # CPUs' backlogs); the listener answers it with a reset, which by default
    # kills the client's TIME_WAIT socket (RFC 1337's hazard).  The
    # precondition is exactly n_tw TIME_WAIT sockets, so they ignore resets.
    h.sysctl("net.ipv4.tcp_rfc1337", 1)
    fam = "-%d" % topo.family
    bh = h.popen([tool("BUSYHOST"), fam, "-w", n_tw, "-e", n_est, "-t", 2],
                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = bh.stdout.readline()
    T.check(line.startswith("busyhost timewait=%d established=%d" % (n_tw, n_est)),
            "busyhost did not fill the namespace: %r (rc %s)" % (line, bh.poll()))
    return bh


def snapshot_keys(trace):
    snaps = collections.Counter()
    for e in trace.of_type("state"):
        if e.get("snapshot"):
            c = e["conn"]
            snaps[(e["new"], c["laddr"], c["lport"], c["raddr"], c["rport"])] += 1
    return snaps


def record(topo, conns):
    """Launch tcprec, start the traffic 0.2 s later (but not before tcprec
    is ready: what happens before can not be recorded), wait for both."""
    host = topo.server
    cap = T.Capture(host, topo.tmp("busy.pcap"), bpf_filter="tcp port %d" % PORT).start()
    rec = T.Recorder(topo.tmp("busy.trc"), netns=host, wait_snapshot=False).launch()
    time.sleep(0.2)
    T.check(rec.ready_seen.wait(30), "tcprec not ready: %s" % rec.stderr())
    fam = "-%d" % topo.family
    load = host.run([tool("LOADGEN"), fam, "-n", conns, "-t", 8, "-p", PORT, "-T", 120],
                    timeout=180)
    T.check("conns=%d errors=0" % conns in load.stdout, "loadgen: %s" % load.stdout)
    rec.wait_ready(60)  # the snapshot is over
    # Polled TIME_WAIT: walks among 35,000 timewait sockets are spaced by
    # their cost; give the last ones time to be seen.
    time.sleep(3.0)
    rr = rec.stop(settle=0)
    pcap = cap.stop()
    T.check_eq(rr.returncode, 0, "tcprec exit code: " + rr.stderr)
    return rec, pcap


def check_traffic(trace, pcap, conns):
    mine = [ep for ep in trace.endpoints() if PORT in (ep.conn["lport"], ep.conn["rport"])]
    # Endpoint by endpoint first: a failure names one and shows its events.
    clients = [ep for ep in mine if ep.conn["rport"] == PORT]
    for ep in clients:
        R.check_transitions(ep, R.CLIENT_OPEN + R.ACTIVE_CLOSE, "client")
        R.check_timewait_enter(ep)
    servers = [ep for ep in mine if ep.conn["lport"] == PORT and ep.conn["rport"] != 0]
    for ep in servers:
        R.check_transitions(ep, R.SERVER_OPEN + R.PASSIVE_CLOSE, "server")
    T.check_eq(len(clients), conns, "client endpoints")
    T.check_eq(len(servers), conns, "server endpoints")
    seen = collections.Counter(tr for ep in mine for tr in ep.transitions())
    for tr in R.CLIENT_OPEN + R.SERVER_OPEN + R.ACTIVE_CLOSE + R.PASSIVE_CLOSE:
        T.check_eq(seen[tr], conns, "%s->%s transitions of the traffic" % tr)
    segs = [e for ep in mine for e in ep.segment_events()]
    tx = collections.Counter(e["flags"] for e in segs if e["dir"] == "tx")
    rx = collections.Counter(e["flags"] for e in segs if e["dir"] == "rx")
    wire = collections.Counter(p["flags"] for p in pcap)
    T.check_eq(tx, wire, "tx segment flags of the traffic vs tcpdump")
    T.check_eq(rx, wire, "rx segment flags of the traffic vs tcpdump")


def check_ring_size(header, n_snap):
    """tcprec sized its ring buffer for the sockets the host holds
    (ringsize.h): 1 KiB per socket, a power of two from 16M to 256M
    and 1/32 of memory.  It counts every namespace's sockets, so at least
    the n_snap its snapshot found in this one."""
    opts = dict(kv.split("=", 1) for kv in header["options"].split(",") if "=" in kv)
    ring = int(opts.get("ringbuf", 0))
    cap = min(256 << 20, os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 32)
    need = 16 << 20
    while need < 1024 * n_snap and need * 2 <= cap:
        need *= 2
    T.check(ring & (ring - 1) == 0 and need <= ring <= max(cap, 16 << 20),
            "ring buffer %d bytes for %d sockets held (want >= %d): %r"
            % (ring, n_snap, need, header["options"]))


def main():
    family = R.family_arg(sys.argv)
    n_tw = int(sys.argv[2]) if len(sys.argv) > 2 else 30000
    n_est = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    conns = int(sys.argv[4]) if len(sys.argv) > 4 else 5000
    T.require_root()
    T.require_netns()
    T.require_bpf()
    T.require_tool("tcpdump")
    T.require_tool("ss")
    with T.Topology(family, loopback=True) as topo:
        bh = fill(topo, n_tw, n_est)
        before = ss_sockets(topo.client, n_tw, n_est)
        rec, pcap = record(topo, conns)
        bh.stdin.close()
        trace = T.Trace.load(rec.out)
        R.check_no_losses(trace)
        T.check(trace.header["ready_ns"] > 0 and trace.header["startup_ns"] > 0,
                "ready time not in the header: %r" % trace.header)
        snaps = snapshot_keys(trace)
        check_ring_size(trace.header, len(snaps))
        dup = [k for k, n in snaps.items() if n > 1]
        T.check(not dup, "%d sockets twice in the snapshot, e.g. %r" % (len(dup), dup[:3]))
        missing = set(before) - set(snaps)
        T.check(not missing, "%d pre-existing sockets not in the snapshot (or with another "
                "state), e.g. %r" % (len(missing), sorted(missing)[:3]))
        extra = set(snaps) - set(before)
        T.check(not extra, "%d snapshot records of sockets made after the start, e.g. %r"
                % (len(extra), sorted(extra)[:3]))
        check_traffic(trace, pcap, conns)
        print("%d TIME_WAIT + %d established before; %d connections of traffic, %d events, "
              "0 lost; %s" % (n_tw, n_est, conns, len(trace.events),
                              [l for l in rec.lines if "ready in" in l or "snapshot:" in l]))


if __name__ == "__main__":
    T.main(main)
