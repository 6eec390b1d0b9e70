# SPDX-License-Identifier: BSD-2-Clause
"""Analysis benchmark: tcpana's speed and peak memory against tshark and
tcptrace.

Inputs: a real trace of about 1M events recorded by tcprec from the loadgen
workload together with tcpdump's pcap of the same traffic (so tcpana and
the pcap tools analyse the same connections), and synthetic traces of 1M
and 10M events from bench/gen_trace with the same number of connections open
at any time (so peak memory must not depend on the length).  The longest
synthetic trace (100M events, about 440 MB, in the full run) is analysed
once, in text mode only: its peak RSS beside the 10M row's shows that
memory stays flat, its wall time is what a long recording costs; it is
written to the work directory just before and deleted right after.  CPU
time and peak RSS come from wait4() of each run.
"""
import json
import os
import shutil
import subprocess

import bench_scaling
from bench_util import LINK_READY, Netns, Tracer, median, parse_kv, pcap_count, timed_run

# tcpana on one worker and on two, in the table's mode and --json.
TCPANA_MODES = (["-j", "1"], ["-j", "2"], ["-j", "1", "--json"], ["-j", "2", "--json"])
EVENTS_PER_CONN = 31  # 10 states + 20 segments + 1 TIME_WAIT entry (exit: 60 s later)
# The longest synthetic trace is skipped below this much free space in the
# work directory: 100M events take about 440 MB, and a full disk would
# fail the other benchmarks' outputs too.
LONG_TRACE_MIN_FREE = 2e9


def trace_events(tools, path):
    """(events, lost events) of a trace, from trcdump's end line (streamed:
    a 10M-event dump is gigabytes of JSON)."""
    proc = subprocess.Popen([tools["trcdump"], path], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    events = lost = 0
    for line in proc.stdout:
        if line.startswith(b'{"end"'):
            end = json.loads(line)
            events = int((end.get("stats") or {}).get("events", 0))
            lost = int((end.get("trailer") or {}).get("lost_events") or 0)
    proc.wait()
    return events, lost


def record_real(tools, workdir, events, log):
    """Records the workload with tcprec and tcpdump at once; returns
    (trace path, pcap path) or None."""
    trc = os.path.join(workdir, "real.trc")
    pcap = os.path.join(workdir, "real.pcap")
    conns = events // EVENTS_PER_CONN + 300
    with Netns("anarec") as ns:
        rec = Tracer([tools["tcprec"], "-v", "-o", trc], ready_re=tools["tcprec_ready"],
                     need_fds=LINK_READY, fallback_s=3.0)
        dump = Tracer(ns.cmd(["tcpdump", "-i", "lo", "-s", "96", "-w", pcap]),
                      ready_re="listening on")
        if rec.wait_ready() is None or dump.wait_ready() is None:
            rec.stop()
            dump.stop()
            log("analysis: recorder not ready: " + " | ".join(rec.stderr_lines[-3:]))
            return None
        lg = subprocess.run(ns.cmd([tools["loadgen"], "-n", str(conns), "-t", "4", "-T",
                                    "300"]), capture_output=True, text=True)
        log("analysis: recorded " + lg.stdout.strip())
        dump.stop()
        rec.stop()
    return trc, pcap


def measure(argv, reps):
    """Median wall, CPU and peak RSS of reps runs of argv."""
    runs = [timed_run(argv) for _ in range(reps)]
    bad = [r for r in runs if r[0] != 0]
    return {"rc": runs[-1][0], "wall_s": median([r[1] for r in runs]),
            "cpu_s": median([r[2] for r in runs]),
            "rss_mib": median([r[3] / 1024 for r in runs]),
            "err": bad[0][4].strip().splitlines()[-1:] if bad else []}


def synth_label(n, flags=()):
    """The table's name of a synthetic input: "synthetic 10M", ..."""
    return f"synthetic {n / 1e6:g}M" + (", no TIME_WAIT exits" if flags else "")


def gen_synth(tools, path, n, flags, log):
    """Writes a synthetic trace of about n events; returns its event count,
    or None (a partial file is removed)."""
    r = subprocess.run([tools["gen_trace"], "-n", str(n), "-o", path] + list(flags),
                       capture_output=True, text=True)
    log("analysis: " + (r.stdout.strip() or r.stderr.strip()))
    if r.returncode != 0:
        if os.path.exists(path):
            os.unlink(path)
        return None
    return int(parse_kv(r.stdout).get("events", 0))


def tcpana_rows(tools, label, trc, events, modes, reps, log):
    """One row per output mode of tcpana on trc."""
    rows = []
    size = os.path.getsize(trc)
    for mode in modes:
        m = measure([tools["tcpana"]] + mode + [trc], reps)
        m.update(tool="tcpana " + " ".join(mode), input=label, units=events,
                 unit="events", bytes=size)
        rows.append(m)
        log(f"analysis: {m}")
    return rows


def pcap_rows(label, pcap, reps, log):
    """tshark and tcptrace on the pcap of the real trace's traffic."""
    rows = []
    packets, psize = pcap_count(pcap)
    for tool, argv in (("tshark -z conv,tcp", ["tshark", "-n", "-r", pcap, "-q",
                                                "-z", "conv,tcp"]),
                       ("tcptrace -n", ["tcptrace", "-n", pcap])):
        m = measure(argv, reps)
        m.update(tool=tool, input=label + " (pcap)", units=packets, unit="packets",
                 bytes=psize)
        rows.append(m)
        log(f"analysis: {m}")
    return rows


def synth_rows(tools, workdir, n, flags, reps, log):
    """tcpana (text and --json) on a synthetic trace of n events, kept in
    the work directory."""
    path = os.path.join(workdir, f"synth-{n}{''.join(flags)}.trc")
    events = gen_synth(tools, path, n, flags, log)
    if events is None:
        return []
    return tcpana_rows(tools, synth_label(n, flags), path, events, TCPANA_MODES, reps, log)


def long_trace_rows(tools, workdir, n, log):
    """tcpana (text) once on a synthetic trace of n events, written just
    before and deleted right after; a "skipped" row when the work directory
    has less than LONG_TRACE_MIN_FREE bytes free."""
    label = synth_label(n) + ", 1 run"
    free = shutil.disk_usage(workdir).free
    if free < LONG_TRACE_MIN_FREE:
        why = (f"{free / 1e9:.1f} GB free in {workdir}, needs "
               f"{LONG_TRACE_MIN_FREE / 1e9:g} GB")
        log(f"analysis: {label} skipped: {why}")
        return [{"tool": "tcpana ", "input": label, "skipped": why}]
    path = os.path.join(workdir, f"synth-{n}.trc")
    events = gen_synth(tools, path, n, [], log)
    if events is None:
        return [{"tool": "tcpana ", "input": label, "skipped": "gen_trace failed"}]
    try:
        return tcpana_rows(tools, label, path, events, (["-j", "1"], ["-j", "2"]), 1, log)
    finally:
        os.unlink(path)


def scaling(tools, workdir, n, rows, reps, log):
    """bench_scaling on the synthetic trace of n events that synth_rows()
    left in workdir, with the traces of -j 2's two workers (gen_trace -S);
    None without it."""
    path = os.path.join(workdir, f"synth-{n}.trc")
    units = [m["units"] for m in rows if m.get("input") == synth_label(n) and "units" in m]
    if not units or not os.path.exists(path):
        return None
    shards = [os.path.join(workdir, f"synth-{n}-shard{w}of2.trc") for w in (0, 1)]
    if any(gen_synth(tools, s, n, ["-S", f"{w}/2"], log) is None
           for w, s in enumerate(shards)):
        shards = []
    try:
        return bench_scaling.run(tools, path, synth_label(n), units[0], (1, 2, 4, 8, 16), reps,
                                 log, shards)
    finally:
        for s in shards:
            if os.path.exists(s):
                os.unlink(s)


def run(tools, workdir, sizes, reps, log):
    """sizes: (real events, [synthetic event counts]); the last synthetic
    size is the long trace (one run, text only).  Returns rows; a row with
    "skipped" (the reason) was not measured."""
    rows = []
    real_events, synth = sizes
    if tools.get("tcprec") and tools.get("trcdump"):
        rec = record_real(tools, workdir, real_events, log)
        if rec:
            events, lost = trace_events(tools, rec[0])
            # The recording's own losses, if any, are part of the result.
            label = "real" + (f" ({lost} events lost while recording)" if lost else "")
            if tools.get("tcpana"):
                rows += tcpana_rows(tools, label, rec[0], events, TCPANA_MODES, reps, log)
            rows += pcap_rows(label, rec[1], reps, log)
    if tools.get("gen_trace") and tools.get("tcpana"):
        for n in synth[:-1]:
            rows += synth_rows(tools, workdir, n, [], reps, log)
        rows += long_trace_rows(tools, workdir, synth[-1], log)
        # The first size once more without TIME_WAIT exits: every client
        # endpoint then stays open to the end, and memory follows.
        rows += synth_rows(tools, workdir, synth[0], ["-W"], reps, log)
    for m in rows:
        if m.get("skipped"):
            continue
        m["per_cpu_s"] = m["units"] / m["cpu_s"] if m.get("cpu_s") else None
        m["per_wall_s"] = m["units"] / m["wall_s"] if m.get("wall_s") else None
    return rows
