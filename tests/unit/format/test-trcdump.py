#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""test-trcdump: trcdump's JSON-lines output and exit codes on generated
traces: a valid file (header line, one line per event, end line with the
trailer), damaged ones (corrupt lines with offsets, exit 1), truncated
ones (exit 1), and non-trace input (exit 2).

Usage: test-trcdump.py TRCDUMP GEN-TRACE-CORPUS
"""
import json
import subprocess
import sys
import tempfile

EVENT_KEYS = {
    "state": {"old", "new", "snapshot"},
    "segment": {"dir", "flags", "tcp_flags", "snap_short"},
    "timewait": {"phase", "precision", "precision_ns"},
    "retransmit": {"flags", "old"},
    "reset": {"dir"},
    "lost": {"count", "t_end_ns", "cpu", "reason"},
    "sock": {"kind", "state", "flags", "fields"},
}
CONN_KEYS = {"serial", "family", "laddr", "lport", "raddr", "rport", "netns",
             "cgroup_id", "cookie", "flags"}


def dump(trcdump, path):
    p = subprocess.run([trcdump, path], capture_output=True, text=True, timeout=60)
    lines = [json.loads(l) for l in p.stdout.splitlines()]
    return p.returncode, lines


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def check_valid(trcdump, path, events):
    rc, lines = dump(trcdump, path)
    if rc != 0:
        fail(f"{path}: exit {rc}")
    hdr = lines[0]["header"]
    if hdr["version"] != "1.4" or not {"ready_ns", "startup_ns", "recording_id",
                                       "file_index", "tw_netns"} <= hdr.keys():
        fail("header line: %r" % hdr)
    body, end = lines[1:-1], lines[-1]
    if len(body) != events and events >= 0:
        fail(f"{path}: {len(body)} event lines, expected {events}")
    t_prev = 0
    for ev in body:
        keys = EVENT_KEYS[ev["type"]]
        if not keys <= ev.keys():
            fail(f"event lacks {keys - ev.keys()}: {ev}")
        if ev["type"] == "lost":
            if "conn" in ev:
                fail("lost event with a conn")
        elif set(ev["conn"]) != CONN_KEYS:
            fail(f"conn keys {sorted(ev['conn'])}")
        if ev["t_ns"] < t_prev:
            fail("time goes back")
        t_prev = ev["t_ns"]
        if ev["type"] == "state" and ("pid" in ev) != ("comm" in ev):
            fail("owner fields incomplete")
    if end["end"] != "eof" or end["trailer"]["events"] != len(body):
        fail(f"end line {end}")
    if end["stats"]["events"] != len(body) or not end["stats"]["has_trailer"]:
        fail(f"stats {end['stats']}")


def check_damaged(trcdump, path, rc_want, end_want, corrupt_offsets):
    rc, lines = dump(trcdump, path)
    if rc != rc_want:
        fail(f"{path}: exit {rc}, expected {rc_want}")
    if lines[-1]["end"] != end_want:
        fail(f"{path}: end {lines[-1]}")
    offs = [l["corrupt"]["offset"] for l in lines if "corrupt" in l]
    if offs != corrupt_offsets:
        fail(f"{path}: corrupt offsets {offs}, expected {corrupt_offsets}")
    if end_want != "eof" and not lines[-1].get("error"):
        fail(f"{path}: end line without error text")


def main():
    trcdump, gen = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([gen, d], check=True, timeout=60)
        check_valid(trcdump, f"{d}/valid.trc", 6)
        check_valid(trcdump, f"{d}/extension-record.trc", 4)
        check_valid(trcdump, f"{d}/model-chunks.trc", 600)
        check_valid(trcdump, f"{d}/model-seq.trc", 1500)
        check_damaged(trcdump, f"{d}/bad-crc.trc", 1, "eof", [32])
        check_damaged(trcdump, f"{d}/seq-gap.trc", 1, "eof", [116])
        check_damaged(trcdump, f"{d}/conn-id-range.trc", 1, "eof", [32])
        check_damaged(trcdump, f"{d}/no-trailer.trc", 1, "truncated", [])
        check_damaged(trcdump, f"{d}/cut-mid-block.trc", 1, "truncated", [])
        check_damaged(trcdump, f"{d}/header-cut.trc", 1, "truncated", [])
        check_damaged(trcdump, f"{d}/pcap.trc", 2, "unsupported", [])
        check_damaged(trcdump, f"{d}/major-2.trc", 2, "unsupported", [])
        rc, _ = dump(trcdump, f"{d}/does-not-exist.trc")
        if rc != 2:
            fail(f"missing file: exit {rc}")
        p = subprocess.run([trcdump], capture_output=True, timeout=10)
        if p.returncode != 2:
            fail("usage: exit code")
        with open(f"{d}/valid.trc", "rb") as f:
            p = subprocess.run([trcdump, "-"], stdin=f, capture_output=True, timeout=10)
        if p.returncode != 0 or len(p.stdout.splitlines()) != 8:
            fail("stdin")
    print("trcdump output checked")


main()
