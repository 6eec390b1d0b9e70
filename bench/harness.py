#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tcprec benchmark harness: runs the recording and analysis benchmarks
and prints their Markdown tables (and writes them to --out).

  harness.py [--quick] [--only recording|analysis|fleet|busy|follow] [--threads 2,4,8]
             [--reps N] [--conns N] [--out bench/RESULTS.md] [--build DIR]

Tool paths come from the environment (TCPREC, TCPANA, TRCDUMP, LOADGEN,
GEN_TRACE; meson's benchmark() sets them) or from --build DIR.  A tool that
is missing turns its rows into "n/a"; the harness never fails because a
peer tool is absent.  Needs root (BPF, network namespaces).
The full run takes about 15-20 minutes on two cores (the 100M-event
trace and the fleet ingest of 1M lines add about 5); --quick about 2.
Fleet ingest needs Debian's clickhouse-server and clickhouse-client
(scripts/deps.sh bench); without them its row says "skipped".
"""
import argparse
import datetime
import os
import platform
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_analyze  # noqa: E402
import bench_scaling  # noqa: E402
from bench_util import median  # noqa: E402
import bench_busy  # noqa: E402
import bench_fleet  # noqa: E402
import bench_follow  # noqa: E402
import bench_record  # noqa: E402

TOOL_PATHS = {
    "tcprec": ("TCPREC", "record/tcprec"),
    "tcpana": ("TCPANA", "analyze/tcpana"),
    "trcdump": ("TRCDUMP", "tests/tools/trcdump"),
    "loadgen": ("LOADGEN", "bench/loadgen"),
    "busyhost": ("BUSYHOST", "bench/busyhost"),
    "gen_trace": ("GEN_TRACE", "tests/tools/gen_trace"),
}


METHOD = """
Method: each run is one bench/loadgen workload (connect, 64-byte request and
reply, the client closes first) in a fresh network namespace, untraced or
under one tracer: tcprec with --netns of that namespace, the only one
with traffic (its TIME_WAIT poller walks one namespace), the peers on the
whole host; the
tracers of one round run back to back and slowdowns are ratios to the
untraced run of the same round.  Expected state events: 10 per connection
(5 per socket) + 2 for the listener, counted on the workload's port.
Tracer CPU is the tracer's own rusage; machine CPU is /proc/stat busy time
over the workload (it includes the BPF programs, which run in the
workload's context).  Ready: tcprec's "ready in" line, tcpdump's
"listening on", bpftrace's "Attaching" plus its perf events, tcpstates'
BPF link (its header is block-buffered into a file).  Analysis: CPU time
and peak RSS from GNU time; the real trace and the pcap hold the same
traffic; synthetic traces come from bench/gen_trace, the longest (100M
events in the full run) analysed once, in text mode only.  Fleet ingest:
tcpana --jsonl=flat lines of a synthetic trace into the fleet test's
private clickhouse-server, see bench_fleet.py.  Busy host: before
each tracer starts, bench/busyhost fills the workload's fresh namespace
with N TIME_WAIT sockets and 10,000 idle connections; see bench_busy.py.
"""


def find_tools(build):
    tools = {}
    for name, (env, rel) in TOOL_PATHS.items():
        path = os.environ.get(env) or (os.path.join(build, rel) if build else "")
        tools[name] = path if path and os.access(path, os.X_OK) else None
    # How tcprec says it is recording (its first status line).
    tools["tcprec_ready"] = os.environ.get("TCPREC_READY_RE", r"^tcprec: ready in ")
    return tools


def fmt(v, spec="{:.1f}", none="n/a"):
    return none if v is None else spec.format(v)


def recording_tables(table, conns):
    out = []
    for threads, rows in table.items():
        out.append(f"\n### Recording: {conns} connections, {threads} client threads "
                   f"(medians)\n")
        out.append("| tracer | conn/s | slowdown | state events seen/expected | lost % | "
                   "reported lost | bytes/event | output bytes | size vs pcap | "
                   "tracer CPU s | machine CPU µs/conn | ready s | TIME_WAIT enters seen/expected |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, r in rows:
            if not r["runs"]:
                out.append(f"| {name} | failed: {r['errors'][:1]} |" + " |" * 11)
                continue
            seen = (f"{r['states']:.0f}/{r['expected']:.0f}" if r["states"] is not None
                    and r["expected"] else
                    (f"{r['packets']:.0f} packets" if r.get("packets") else "-"))
            tw = (f"{r['timewait']:.0f}/{r['expected_tw']:.0f}"
                  if r.get("timewait") is not None and r.get("expected_tw") else "-")
            out.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                name, fmt(r["rate"], "{:.0f}"),
                fmt(r["slowdown"] * 100 if r["slowdown"] is not None else None,
                    "{:.1f} %", "-"),
                seen, fmt(r.get("lost_pct"), "{:.2f}", "-"), fmt(r["lost"], "{:.0f}", "-"),
                fmt(r.get("bytes_per_event"), "{:.2f}", "-"),
                fmt(r["bytes"], "{:.0f}", "-"),
                fmt(r.get("vs_pcap"), "{:.3f}", "-"),
                fmt(r["cpu_s"], "{:.2f}", "-"), fmt(r["cpu_us_per_conn"], "{:.1f}", "-"),
                fmt(r["ready_s"], "{:.2f}", "-"), tw))
    return out


def analysis_table(rows):
    out = ["\n### Analysis (medians; \"1 run\": a single run)\n",
           "| tool | input | units | wall s | CPU s | units/CPU s | units/wall s | "
           "peak RSS MiB | exit |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for m in rows:
        if m.get("skipped"):
            out.append(f"| {m['tool']} | {m['input']} | skipped: {m['skipped']} |" + " |" * 6)
            continue
        out.append("| {} | {} | {} {} | {} | {} | {} | {} | {} | {} |".format(
            m["tool"], m["input"], m["units"], m["unit"], fmt(m["wall_s"], "{:.3f}"),
            fmt(m["cpu_s"], "{:.3f}"), fmt(m["per_cpu_s"], "{:,.0f}"),
            fmt(m["per_wall_s"], "{:,.0f}"), fmt(m["rss_mib"], "{:.1f}"), m["rc"]))
    return out


def targets(rec_table, ana_rows, scaling=None):
    """Checks the brief's targets; returns Markdown lines."""
    out = ["\n### Targets\n"]
    for threads, rows in (rec_table or {}).items():
        d = dict(rows)
        t = d.get("tcprec")
        if t and t["runs"]:
            s = t["slowdown"]
            out.append(f"- t={threads}: tcprec slowdown {fmt(s * 100 if s is not None else None)}"
                       f" % (target <= 10 %): {'met' if s is not None and s <= 0.10 else 'MISSED'}")
            lp = t.get("lost_pct")
            out.append(f"- t={threads}: tcprec lost {fmt(lp, '{:.2f}')} %, reported "
                       f"{fmt(t['lost'], '{:.0f}')} (target 0): "
                       f"{'met' if lp == 0 and not t['lost'] else 'MISSED'}")
            b = (d.get("tcprec --figures=none") or {}).get("bytes_per_event")
            out.append(f"- t={threads}: tcprec --figures=none {fmt(b, '{:.2f}')} bytes/event "
                       f"(target <= 6): {'met' if b is not None and b <= 6 else 'MISSED'}")
            out.append(f"- t={threads}: tcprec with tcp_figures at close (the default) "
                       f"{fmt(t.get('bytes_per_event'), '{:.2f}')} bytes/event")
    ana = [m for m in ana_rows or [] if m["tool"].strip() == "tcpana -j 1"
           and not m.get("skipped")]
    tshark = [m for m in ana_rows or [] if m["tool"].startswith("tshark")]
    for m in ana:
        v = m["per_cpu_s"]
        out.append(f"- tcpana on {m['input']}: {fmt(v, '{:,.0f}')} events/CPU s "
                   f"(target >= 10M): {'met' if v and v >= 10e6 else 'MISSED'}")
    if ana and tshark:
        real = [m for m in ana if m["input"].startswith("real")] or ana[:1]
        sp = (tshark[0]["cpu_s"] / real[0]["cpu_s"]) if real[0]["cpu_s"] else None
        out.append(f"- same traffic: tshark CPU s / tcpana CPU s = {fmt(sp, '{:.0f}')}x "
                   f"(target >= 100x): {'met' if sp and sp >= 100 else 'MISSED'}")
    for m in ana:
        two = [x for x in ana_rows if x["tool"].strip() == "tcpana -j 2"
               and x["input"] == m["input"] and not x.get("skipped")]
        if two and two[0]["wall_s"]:
            sp = m["wall_s"] / two[0]["wall_s"]
            out.append(f"- tcpana -j 2 on {m['input']}: {sp:.2f}x the wall-clock speed of "
                       f"-j 1, medians of separate runs (target >= 1.8x): "
                       f"{'met' if sp >= 1.8 else 'MISSED'}")
    if scaling and scaling.get("speedup"):
        # Within rounds: what the guest's drift between runs cannot bend.
        sp, cap = scaling["speedup"], scaling["ceiling"]
        out.append(f"- tcpana -j 2 on {scaling['label']}, within rounds: "
                   f"{median(sp):.2f}x ({sp[0]:.2f}-{sp[-1]:.2f}) the wall-clock speed of -j 1 "
                   f"(target >= 1.8x): {'met' if median(sp) >= 1.8 else 'MISSED'}; the "
                   f"machine's ceiling in the same rounds {median(cap):.2f}x" +
                   (f", the design's (each worker reading only its own connections' "
                    f"records) {median(scaling['design']):.2f}x" if scaling.get("design") else ""))
    synth = sorted((m for m in ana if m["input"].startswith("synthetic")
                    and "no TIME_WAIT" not in m["input"]), key=lambda m: m["units"])
    if len(synth) >= 2:
        out.append("- tcpana (text) peak RSS: " + ", ".join(
            f"{m['rss_mib']:.1f} MiB on {m['units']} events" for m in synth
            if not m["tool"].endswith("--json")))
    text = [m for m in synth if not m["tool"].endswith("--json")]
    if len(text) >= 2 and text[-2]["rss_mib"]:
        long, prev = text[-1], text[-2]
        out.append(f"- tcpana (text) on the longest trace, {long['units']} events: wall "
                   f"{fmt(long['wall_s'], '{:.1f}')} s, CPU {fmt(long['cpu_s'], '{:.1f}')} s, "
                   f"peak RSS {long['rss_mib']:.1f} MiB = "
                   f"{long['rss_mib'] / prev['rss_mib']:.2f}x that on {prev['units']} events")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run (< 2 minutes)")
    ap.add_argument("--only", choices=["recording", "analysis", "fleet", "busy", "follow"])
    ap.add_argument("--threads", help="client thread counts, default 2,4,8 (quick: 4)")
    ap.add_argument("--reps", type=int, help="rounds per configuration (default 3; quick 1)")
    ap.add_argument("--conns", type=int, help="connections per run (default 20000)")
    ap.add_argument("--build", help="build directory to take the tools from")
    ap.add_argument("--out", help="write the tables (Markdown) to this file")
    ap.add_argument("--workdir", help="keep outputs here instead of a temporary dir")
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("harness: needs root (BPF, network namespaces)", file=sys.stderr)
        return 77
    if not os.path.ismount("/sys/kernel/tracing"):
        subprocess.run(["mount", "-t", "tracefs", "nodev", "/sys/kernel/tracing"], check=False)
    tools = find_tools(a.build)
    threads = [int(x) for x in (a.threads or ("4" if a.quick else "2,4,8")).split(",")]
    reps = a.reps or (1 if a.quick else 3)
    conns = a.conns or (3000 if a.quick else 20000)
    # The last synthetic size (one run, text output only) shows that memory
    # levels off: tcpana keeps closed endpoints for a fixed span of trace
    # time; at 100M it is also the wall time of a long recording.
    real, synth = ((100000, [100000, 1000000, 2000000]) if a.quick
                   else (1000000, [1000000, 10000000, 100000000]))
    fleet_rows = 100000 if a.quick else 1000000

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    log("harness: tools " + ", ".join(f"{k}={v}" for k, v in tools.items()))
    lines = [f"## tcprec benchmarks, {datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC",
             f"\nHost: {platform.node()}, kernel {platform.release()}, {os.cpu_count()} CPUs;"
             f" {'quick' if a.quick else 'full'} run, {reps} round(s) per configuration;"
             f" load average at start {os.getloadavg()[0]:.2f}."]
    lines.append(METHOD)
    with tempfile.TemporaryDirectory(prefix="tcprec-bench-") as tmp:
        workdir = a.workdir or tmp
        os.makedirs(workdir, exist_ok=True)
        rec_table = ana_rows = busy = scaling = None
        follow = []
        if a.only in (None, "recording"):
            res = bench_record.run(tools, workdir, threads, reps, conns, log)
            rec_table = bench_record.summarize(res)
            lines += recording_tables(rec_table, conns)
        if a.only in (None, "analysis"):
            ana_rows = bench_analyze.run(tools, workdir, (real, synth), reps, log)
            lines += analysis_table(ana_rows)
            scaling = bench_analyze.scaling(tools, workdir, synth[-2], ana_rows, reps, log)
            lines += bench_scaling.table(scaling)
        if a.only in (None, "fleet"):
            lines += bench_fleet.table(bench_fleet.run(tools, workdir, fleet_rows, log))
        if a.only in (None, "busy"):
            sizes = [0, 10000] if a.quick else [0, 10000, 50000, 200000]
            busy_conns = 5000 if a.quick else 20000
            busy = bench_busy.run(tools, workdir, sizes, 10000, busy_conns, reps,
                                  5 if a.quick else 10, log,
                                  startup_only=() if a.quick else (100000,))
            lines += bench_busy.table(busy, 10000, busy_conns)
        if a.only in (None, "follow"):
            n_tw = 10000 if a.quick else 50000
            rates = [(100, False), (0, False), (0, True)]
            if not a.quick:
                rates.insert(1, (2000, False))
            follow = bench_follow.run(tools, rates, n_tw, log)
            lines += bench_follow.table(follow, n_tw)
        lines += targets(rec_table, ana_rows, scaling)
        lines += bench_follow.targets(follow)
        lines += bench_busy.targets(busy or {})
    lines.append(f"\nLoad average at the end: {os.getloadavg()[0]:.2f} (other work on the "
                 "machine makes rates noisy; slowdowns are ratios within one round).")
    text = "\n".join(lines) + "\n"
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
