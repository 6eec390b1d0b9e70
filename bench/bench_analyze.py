# SPDX-License-Identifier: BSD-2-Clause
"""Analysis benchmark: tcpana's speed and peak memory against tshark and
tcptrace.

Inputs: a real trace of about 1M events recorded by tcprec from the loadgen
workload together with tcpdump's pcap of the same traffic (so tcpana and
the pcap tools analyse the same connections), and synthetic traces of 1M
and 10M events from bench/gen_trace with the same number of connections open
at any time (so peak memory must not depend on the length).  CPU time and
peak RSS come from wait4() of each run.
"""
import json
import os
import subprocess

from bench_util import LINK_READY, Netns, Tracer, median, parse_kv, pcap_count, timed_run

EVENTS_PER_CONN = 31  # 10 states + 20 segments + 1 TIME_WAIT entry (exit: 60 s later)


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


def run(tools, workdir, sizes, reps, log):
    """sizes: (real events, [synthetic event counts]).  Returns rows."""
    rows = []
    real_events, synth = sizes
    inputs = []
    if tools.get("tcprec") and tools.get("trcdump"):
        rec = record_real(tools, workdir, real_events, log)
        if rec:
            events, lost = trace_events(tools, rec[0])
            # The recording's own losses, if any, are part of the result.
            label = "real" + (f" ({lost} events lost while recording)" if lost else "")
            inputs.append((label, rec[0], rec[1], events))
    if tools.get("gen_trace"):
        # The last size once more without TIME_WAIT exits: every client
        # endpoint then stays open to the end, and memory follows.
        for n, flags in [(n, []) for n in synth] + [(synth[0], ["-W"])]:
            path = os.path.join(workdir, f"synth-{n}{''.join(flags)}.trc")
            r = subprocess.run([tools["gen_trace"], "-n", str(n), "-o", path] + flags,
                               capture_output=True, text=True)
            log("analysis: " + (r.stdout.strip() or r.stderr.strip()))
            if r.returncode == 0:
                label = f"synthetic {n / 1e6:g}M" + (", no TIME_WAIT exits" if flags else "")
                events = int(parse_kv(r.stdout).get("events", 0))
                inputs.append((label, path, None, events))
    for label, trc, pcap, events in inputs:
        size = os.path.getsize(trc)
        # The longest synthetic trace only shows where memory levels off.
        modes = ([], ["--json"]) if label != f"synthetic {synth[-1] / 1e6:g}M" else ([],)
        for mode in modes:
            if not tools.get("tcpana"):
                break
            m = measure([tools["tcpana"]] + mode + [trc], reps)
            m.update(tool="tcpana " + " ".join(mode), input=label, units=events,
                     unit="events", bytes=size)
            rows.append(m)
            log(f"analysis: {m}")
        if pcap:
            packets, psize = pcap_count(pcap)
            for tool, argv in (("tshark -z conv,tcp", ["tshark", "-n", "-r", pcap, "-q",
                                                        "-z", "conv,tcp"]),
                               ("tcptrace -n", ["tcptrace", "-n", pcap])):
                m = measure(argv, reps)
                m.update(tool=tool, input=label + " (pcap)", units=packets, unit="packets",
                         bytes=psize)
                rows.append(m)
                log(f"analysis: {m}")
    for m in rows:
        m["per_cpu_s"] = m["units"] / m["cpu_s"] if m.get("cpu_s") else None
        m["per_wall_s"] = m["units"] / m["wall_s"] if m.get("wall_s") else None
    return rows
