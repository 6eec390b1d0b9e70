#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Damaged and hostile captures given to `tcprec -r`: a real capture cut
at record boundaries and inside records, corrupted IP headers, an absurd
record length, random garbage in packet bytes, rewritten link types, an
empty file, a text file, a pcapng mixing link types, and stdin input.
tcprec must never crash, say what is wrong on stderr, exit 1 on damage or
unreadable input (0 otherwise), and keep every segment before the damage
in a trace trcdump reads cleanly.
"""

import random
import struct
import subprocess

import pcapcheck as P
import tcptest as T


def records(data):
    """[(offset, end)] of the records of a little-endian classic pcap."""
    out, off = [], 24
    while off + 16 <= len(data):
        caplen = struct.unpack_from("<I", data, off + 8)[0]
        out.append((off, off + 16 + caplen))
        off += 16 + caplen
    return out


def tcp_frames(path):
    r = P.run_cmd(["tshark", "-r", path, "-T", "fields", "-e", "frame.number",
                   "-e", "tcp.flags"])
    return {int(f[0]) for f in (line.split("\t") for line in r.stdout.splitlines())
            if len(f) > 1 and f[1]}


def segments(trc):
    return len(P.trace_streams(trc)[2])


def write(topo, name, data):
    path = topo.tmp(name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def check_cuts(topo, data, recs, tcp):
    # Every third record boundary (a clean end), and inside a record
    # header, inside the link header, and one byte short of the record end.
    cuts = [(end, 0) for _, end in recs[:-1:3]]
    for i, (off, end) in enumerate(recs[1:-1:3]):
        cuts += [[(off + 5, 1), (off + 16 + 3, 1), (end - 1, 1)][i % 3]]
    for cut, damaged in cuts:
        path = write(topo, "cut.pcap", data[:cut])
        r = P.import_pcap(path, topo.tmp("cut.trc"), expect_rc=1 if damaged else 0)
        if damaged:
            T.check("truncated" in r.stderr, "cut at %d: stderr %r" % (cut, r.stderr))
        whole = sum(1 for _, end in recs if end <= cut)
        want = sum(1 for n in tcp if n <= whole)
        T.check_eq(segments(topo.tmp("cut.trc")), want, "segments kept, cut at %d" % cut)


def check_corrupt(topo, data, recs, tcp):
    k = sorted(tcp)[2] - 1  # a TCP record in the middle
    off = recs[k][0]
    bad = bytearray(data)
    bad[off + 16 + 14] = 0x75  # Ethernet + IP: version 7, IHL 5
    P.import_pcap(write(topo, "badip.pcap", bytes(bad)), topo.tmp("badip.trc"))
    T.check_eq(segments(topo.tmp("badip.trc")), len(tcp) - 1, "segments around a bad IP header")
    end = T.trcdump(topo.tmp("badip.trc"))[-1]
    T.check_eq(end["trailer"]["malformed"], 1, "trailer's malformed count for one bad IP header")
    bad = bytearray(data)
    struct.pack_into("<I", bad, off + 8, 0x7fffffff)
    r = P.import_pcap(write(topo, "caplen.pcap", bytes(bad)), topo.tmp("caplen.trc"),
                      expect_rc=1)
    T.check("caplen" in r.stderr or "capture length" in r.stderr, "stderr %r" % r.stderr)
    T.check_eq(segments(topo.tmp("caplen.trc")), sum(1 for n in tcp if n <= k),
               "segments before an absurd record length")
    rnd = random.Random(4242)
    for i in range(10):
        bad = bytearray(data)
        for _ in range(8):
            o, e = recs[rnd.randrange(len(recs))]
            bad[rnd.randrange(o + 16, e)] = rnd.randrange(256)
        r = P.import_pcap(write(topo, "rand.pcap", bytes(bad)), topo.tmp("rand.trc"),
                          expect_rc=None)
        T.check(r.returncode in (0, 1), "garbage %d: exit %d" % (i, r.returncode))
        T.trcdump(topo.tmp("rand.trc"))


def check_unreadable(topo, data):
    cases = [
        ("lt105.pcap", data[:20] + struct.pack("<I", 105) + data[24:], "IEEE802_11"),
        ("lt4000.pcap", data[:20] + struct.pack("<I", 4000) + data[24:], "link type 4000"),
        ("empty.pcap", b"", "empty"),
        ("text.pcap", b"GET / HTTP/1.0\r\nHost: example\r\n\r\n" * 4, "not a readable"),
        ("header.pcap", data[:13], "truncated"),
    ]
    for name, blob, words in cases:
        r = P.import_pcap(write(topo, name, blob), topo.tmp("x.trc"), expect_rc=1)
        T.check(words in r.stderr, "%s: stderr %r lacks %r" % (name, r.stderr, words))


def test():
    T.require_root()
    T.require_netns()
    T.require_trcdump()
    for tool in ("tcpdump", "tshark", "mergecap"):
        T.require_tool(tool)
    P.require_tcprec()
    with T.Topology(family=4) as topo:
        caps = {"eth": T.Capture(topo.client, topo.tmp("eth.pcap")),
                "any": T.Capture(topo.client, topo.tmp("any.pcap"), ifname="any")}
        for c in caps.values():
            c.start()
        T.run_scenario(topo, "normal", port=8080)
        T.run_scenario(topo, "abort", port=8081)
        P.stop_all(caps)
        with open(topo.tmp("eth.pcap"), "rb") as f:
            data = f.read()
        recs, tcp = records(data), tcp_frames(topo.tmp("eth.pcap"))
        T.check(len(tcp) >= 15, "capture holds %d TCP packets" % len(tcp))
        P.import_pcap(topo.tmp("eth.pcap"), topo.tmp("full.trc"))
        T.check_eq(segments(topo.tmp("full.trc")), len(tcp), "segments of the whole capture")
        check_cuts(topo, data, recs, tcp)
        check_corrupt(topo, data, recs, tcp)
        check_unreadable(topo, data)
        # Mixed link types: libpcap stops at the second interface.
        P.run_cmd(["mergecap", "-F", "pcapng", "-w", topo.tmp("mixed.pcapng"),
                   topo.tmp("eth.pcap"), topo.tmp("any.pcap")])
        r = P.import_pcap(topo.tmp("mixed.pcapng"), topo.tmp("mixed.trc"), expect_rc=1)
        T.check("not imported" in r.stderr, "mixed link types: stderr %r" % r.stderr)
        T.trcdump(topo.tmp("mixed.trc"))
        # Standard input.
        with open(topo.tmp("eth.pcap"), "rb") as f:
            r = subprocess.run([P.tcprec(), "-r", "-", "-o", topo.tmp("stdin.trc")], stdin=f,
                               capture_output=True, text=True, timeout=60)
        T.check_eq(r.returncode, 0, "tcprec -r - exit (%s)" % r.stderr.strip())
        T.check_eq(segments(topo.tmp("stdin.trc")), len(tcp), "segments read from stdin")


T.main(test)
