# SPDX-License-Identifier: BSD-2-Clause
"""Helpers of the pcap import/live integration tests (stdlib only).

- captures(topo): several tcpdump captures of the same traffic in the
  client namespace: Ethernet on veth0, Linux cooked v2 (-i any), cooked v1
  (-i any -y LINUX_SLL) and a 96-byte snap length on veth0.
- tshark_streams(pcap): per TCP stream, the list of (sender "addr:port",
  flag byte, payload length) that tshark reports: the independent reference.
- import_pcap(pcap, trc): runs `$TCPREC -r pcap -o trc`.
- trace_streams(trc): the same list per connection of an imported or live
  trace, from trcdump (sender derived from dir and the connection's
  local/remote endpoint).
"""

import ipaddress
import os
import subprocess

import tcptest as T

SNAP_SMALL = 96


def _addr(a):
    return str(ipaddress.ip_address(a))


def captures(topo):
    """Start the captures; returns {name: Capture} (call stop_all)."""
    caps = {
        "eth": T.Capture(topo.client, topo.tmp("eth.pcap")),
        "sll2": T.Capture(topo.client, topo.tmp("sll2.pcap"), ifname="any"),
        "sll1": T.Capture(topo.client, topo.tmp("sll1.pcap"), ifname="any"),
        "snap": T.Capture(topo.client, topo.tmp("snap.pcap")),
    }
    argv = caps["sll1"].argv
    argv[argv.index("-w"):argv.index("-w")] = ["-y", "LINUX_SLL"]
    argv = caps["snap"].argv
    argv[argv.index("-s") + 1] = str(SNAP_SMALL)
    for c in caps.values():
        c.start()
    return caps


def stop_all(caps):
    for c in caps.values():
        c.stop()


def linktype(path):
    """Link type field of a classic pcap file header."""
    with open(path, "rb") as f:
        hdr = f.read(24)
    order = "little" if hdr[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else "big"
    return int.from_bytes(hdr[20:24], order)


def tshark_streams(path):
    """{stream: [(sender, flags, payload_len), ...]} according to tshark."""
    T.require_tool("tshark")
    r = T.run_bounded(["tshark", "-r", path, "-Y", "tcp", "-T", "fields",
                       "-e", "tcp.stream", "-e", "tcp.flags", "-e", "ip.src",
                       "-e", "ipv6.src", "-e", "tcp.srcport", "-e", "tcp.len"], 120)
    T.check(r.returncode == 0, "tshark -r %s: %s" % (path, r.stderr.strip()))
    streams = {}
    for line in r.stdout.splitlines():
        f = line.split("\t")
        if len(f) < 6 or not f[0]:
            continue
        src = f[2] or f[3]
        # tshark prints the 12-bit flag field; the trace keeps the 8 bits.
        flags = int(f[1], 16) & 0xff
        streams.setdefault(int(f[0]), []).append(
            ("%s:%s" % (_addr(src), f[4]), flags, int(f[5] or 0)))
    return streams


def import_pcap(pcap, trc, args=(), expect_rc=0):
    """`$TCPREC -r pcap -o trc ARGS`; returns the CompletedProcess."""
    exe = os.environ.get("TCPREC")
    T.check(exe, "TCPREC is not set")
    r = subprocess.run([exe, "-r", pcap, "-o", trc] + list(args), capture_output=True,
                       text=True, timeout=60)
    T.check(r.returncode >= 0, "tcprec -r %s died of signal %d: %s" % (pcap, -r.returncode,
                                                                        r.stderr))
    if expect_rc is not None:
        T.check(r.returncode == expect_rc, "tcprec -r %s: exit %d, expected %d: %s" % (
            pcap, r.returncode, expect_rc, r.stderr.strip()))
    return r


def trace_streams(trc, expect_rc=0):
    """(header, {serial: [(sender, flags, payload_len), ...]}, segment events)."""
    recs = T.trcdump(trc, expect_rc=expect_rc)
    header = recs[0].get("header", {}) if recs else {}
    streams, segs = {}, []
    for r in recs:
        if r.get("type") != "segment":
            continue
        c = r["conn"]
        local = "%s:%d" % (_addr(c["laddr"]), c["lport"])
        remote = "%s:%d" % (_addr(c["raddr"]), c["rport"])
        sender = local if r["dir"] == "tx" else remote
        streams.setdefault(c["serial"], []).append(
            (sender, r["tcp_flags"], r.get("payload_len")))
        segs.append(r)
    return header, streams, segs


def canonical(streams, with_len=True):
    """Order-independent comparable form of a streams dict."""
    out = []
    for pkts in streams.values():
        out.append(tuple(p if with_len else p[:2] for p in pkts))
    return sorted(out)


def tcpana_outcomes(trc):
    """Set of the outcomes tcpana gives the endpoints, or None when tcpana is not
    built (the assertion is then left out; it is not a capability the
    import needs)."""
    if not os.environ.get("TCPANA") or not os.path.exists(os.environ["TCPANA"]):
        return None
    doc = T.tcpana_json(trc)
    return {e.get("outcome") for e in T.endpoints(doc)}


def require_tcprec():
    """tcprec must be built (it is not without the recorder)."""
    exe = os.environ.get("TCPREC")
    if not exe or not os.path.exists(exe):
        T.skip("tcprec is not built (TCPREC unset)")


def run_cmd(argv):
    r = T.run_bounded(argv, 120)
    T.check(r.returncode == 0, "%s: %s" % (" ".join(argv), r.stderr.strip()))
    return r


def tcprec():
    return os.environ["TCPREC"]


def addr_norm(a):
    return _addr(a)
