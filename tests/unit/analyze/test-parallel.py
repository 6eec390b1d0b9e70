#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tcpana -j N against -j 1: the same output, byte for byte, and the same
exit status and warnings, for every row mode and option that changes rows,
on every kind of trace: each synthetic scenario (losses, damage, TIME_WAIT,
imports), the samples, the reproducers of past crashes, and synthetic
load (thousands of connections open, TIME_WAIT exits in later chunks or
none, a LOST record every few thousand events, a damaged block, a torn
end, chunks too big for the reader to keep decoded).  And -j N really
runs N workers, and gen_trace -S (the benchmark's trace of one worker)
splits a trace into parts that hold each connection once, unchanged.

usage: test-parallel.py GEN_TRACES GEN_TRACE TCPANA SAMPLES_DIR REPRO_DIR
"""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

MODES = [
    [],
    ["--wide", "--color=always"],
    ["--json", "--segments"],
    ["--jsonl"],
    ["--jsonl=flat"],
    ["--sort", "duration", "--limit", "7"],
    ["--json", "--sort", "bytes"],
    ["--check", "--outcome", "normal_close,reset_orig,reset_resp,refused"],
]
JOBS = [2, 3, 5]

failures = []


def run(tcpana, paths, mode, jobs):
    r = subprocess.run([tcpana, "-j", str(jobs)] + mode + paths, capture_output=True,
                       timeout=600)
    return r.returncode, r.stdout, r.stderr


def first_difference(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def compare(tcpana, paths, modes):
    name = " ".join(os.path.basename(p) for p in paths)
    for mode in modes:
        want = run(tcpana, paths, mode, 1)
        for jobs in JOBS:
            got = run(tcpana, paths, mode, jobs)
            if got == want:
                continue
            what = ["exit status", "output", "warnings"]
            for i in range(3):
                if got[i] != want[i]:
                    at = "" if i == 0 else " from byte %d" % first_difference(got[i], want[i])
                    failures.append("%s %s -j %d: %s differs%s" % (
                        name, " ".join(mode), jobs, what[i], at))
                    if i == 1:
                        k = first_difference(got[1], want[1])
                        print("  -j 1: %r\n  -j %d: %r" % (want[1][k - 80:k + 160], jobs,
                                                          got[1][k - 80:k + 160]))


def synthetic_load(gen_trace, d):
    """Synthetic load traces, and damaged copies of one."""
    specs = {
        "load": ["-n", "400000", "-k", "2048"],
        "load-tw": ["-n", "200000", "-k", "512", "-W"],
        "load-lost": ["-n", "200000", "-k", "1024", "-L", "3001"],
        # TIME_WAIT polled in another namespace: no enter is waited for.
        "load-tw-elsewhere": ["-n", "200000", "-k", "1024", "-w", "1"],
        # Chunks of ~100,000 events, more than the reader keeps decoded
        # (DEC_BATCH_MAX): the path on which a shard's reader hands out
        # the other shards' events one at a time.
        "load-bigchunks": ["-n", "200000", "-k", "300", "-C", "524288", "-L", "7001"],
    }
    paths = []
    for name, args in specs.items():
        p = os.path.join(d, name + ".trc")
        subprocess.run([gen_trace, "-o", p] + args, check=True, capture_output=True)
        paths.append(p)
    data = open(paths[0], "rb").read()
    damaged = bytearray(data)
    for off in range(len(data) // 3, len(data) // 3 + 64):
        damaged[off] ^= 0x5a
    for name, content in (("load-damaged", bytes(damaged)),
                          ("load-torn", data[:len(data) * 2 // 3])):
        p = os.path.join(d, name + ".trc")
        open(p, "wb").write(content)
        paths.append(p)
    return paths


def jsonl_rows(tcpana, path):
    """tcpana --jsonl=flat rows of path, without the ids that depend on the
    file (its trace id, the order of its connections)."""
    r = subprocess.run([tcpana, "--jsonl=flat", path], capture_output=True, check=True,
                       timeout=600, text=True)
    rows = []
    for line in r.stdout.splitlines():
        row = json.loads(line)
        del row["id"], row["trace_id"]
        rows.append(json.dumps(row, sort_keys=True))
    return rows


def check_worker_traces(gen_trace, tcpana, d, jobs=3):
    """gen_trace -S w/jobs for every w: each connection of the whole trace
    in exactly one part, with the same row (times, losses around it)."""
    args = ["-n", "60000", "-k", "512", "-L", "3001"]
    whole = os.path.join(d, "split-whole.trc")
    subprocess.run([gen_trace, "-o", whole] + args, check=True, capture_output=True)
    want = jsonl_rows(tcpana, whole)
    got, sizes = [], []
    for w in range(jobs):
        p = os.path.join(d, "split-%d.trc" % w)
        subprocess.run([gen_trace, "-o", p, "-S", "%d/%d" % (w, jobs)] + args, check=True,
                       capture_output=True)
        rows = jsonl_rows(tcpana, p)
        sizes.append(len(rows))
        got += rows
    if sorted(got) != sorted(want):
        failures.append("gen_trace -S w/%d: the parts hold %d rows (%s), the whole trace %d, "
                        "%d of them not in a part" % (jobs, len(got), "+".join(map(str, sizes)),
                                                      len(want), len(set(want) - set(got))))
    if min(sizes) < len(want) // (2 * jobs):
        failures.append("gen_trace -S w/%d: parts of %s rows of %d" % (
            jobs, "+".join(map(str, sizes)), len(want)))


def threads_seen(tcpana, path, jobs):
    """The most threads the process had while it ran."""
    proc = subprocess.Popen([tcpana, "-j", str(jobs), "--jsonl", path],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    most = 0
    while proc.poll() is None:
        try:
            most = max(most, len(os.listdir("/proc/%d/task" % proc.pid)))
        except FileNotFoundError:
            break
        time.sleep(0.0005)
    proc.wait()
    return most


def main():
    gen_traces, gen_trace, tcpana, samples, repro = sys.argv[1:6]
    d = tempfile.mkdtemp(prefix="tcpana-parallel-")
    try:
        subprocess.run([gen_traces, d], check=True)
        scenario_traces = sorted(glob.glob(os.path.join(d, "*.trc")))
        load = synthetic_load(gen_trace, d)
        others = sorted(glob.glob(os.path.join(samples, "*.trc")) +
                        glob.glob(os.path.join(repro, "*.trc")))
        for p in scenario_traces + others:
            compare(tcpana, [p], MODES)
        for p in load:
            compare(tcpana, [p], MODES[:5])
        # Several files at once, their events interleaved by time: the two
        # hosts of a connection, and two unrelated traces.
        compare(tcpana, load[:2], MODES[:3])
        compare(tcpana, scenario_traces[:2], MODES)
        check_worker_traces(gen_trace, tcpana, d)
        most = threads_seen(tcpana, load[0], 3)
        if most < 4:
            failures.append("-j 3 ran %d threads, not 3 workers and the coordinator" % most)
    finally:
        shutil.rmtree(d)
    for f in failures:
        print("FAIL:", f)
    print("%d traces, %d modes, -j %s against -j 1: %d differences" % (
        len(scenario_traces) + len(others) + len(load), len(MODES),
        ",".join(map(str, JOBS)), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
