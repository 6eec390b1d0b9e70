# SPDX-License-Identifier: BSD-2-Clause
"""tcpana -j: how the work divides over workers, and what this machine's
cores give.

A wall-clock speedup measures the machine as much as the program: with
more workers than cores, or cores that share their physical core with
another guest, the workers wait for a core.  The shape of the scaling is
read from the workers' own CPU time instead: the run of -j N is as long as
its busiest worker (the critical path) when each has a core of its own, so
CPU(-j 1) / max worker CPU(-j N) is the speedup that N free cores would
give, and the sum of the workers' CPU over CPU(-j 1) is the work that
sharding adds (every worker reads every event).  Each thread's CPU time is
read from /proc/PID/task/TID/stat while the run goes on (every 2 ms; the
last reading of a thread is at most that short of its total).

The machine's own ceiling: two single-threaded runs at once, against one
alone.  Their throughput ratio is the most any program of two threads
gets from these two cores.
"""
import os
import subprocess
import time

from bench_util import median

TICK = os.sysconf("SC_CLK_TCK")


def thread_cpu(pid):
    """{tid: CPU seconds} of pid's threads now."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        out[int(tid)] = (int(fields[11]) + int(fields[12])) / TICK
    return out


def per_thread(argv):
    """(wall s, {tid: CPU s}, pid) of one run of argv."""
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = {}
    while proc.poll() is None:
        seen.update(thread_cpu(proc.pid))
        time.sleep(0.002)
    return time.monotonic() - t0, seen, proc.pid


def shape_row(tcpana, trace, jobs, reps):
    """The medians of reps runs of tcpana -j jobs on trace."""
    walls, crit, total, coord = [], [], [], []
    for _ in range(reps):
        wall, cpu, pid = per_thread([tcpana, "-j", str(jobs), trace])
        workers = [v for tid, v in cpu.items() if tid != pid] or [cpu.get(pid, 0.0)]
        walls.append(wall)
        crit.append(max(workers))
        total.append(sum(cpu.values()))
        coord.append(cpu.get(pid, 0.0) if jobs > 1 else 0.0)
    return {"jobs": jobs, "wall_s": median(walls), "critical_s": median(crit),
            "cpu_s": median(total), "coord_s": median(coord)}


def ceiling(tcpana, trace, reps):
    """(one run's wall s, two concurrent runs' wall s), medians."""
    alone, pair = [], []
    for _ in range(reps):
        t0 = time.monotonic()
        subprocess.run([tcpana, "-j", "1", trace], stdout=subprocess.DEVNULL)
        alone.append(time.monotonic() - t0)
        t0 = time.monotonic()
        procs = [subprocess.Popen([tcpana, "-j", "1", trace], stdout=subprocess.DEVNULL)
                 for _ in range(2)]
        for p in procs:
            p.wait()
        pair.append(time.monotonic() - t0)
    return median(alone), median(pair)


def run(tools, trace, events, jobs_list, reps, log):
    """Rows of the scaling shape on trace, and the machine's ceiling."""
    rows = [shape_row(tools["tcpana"], trace, j, reps) for j in jobs_list]
    base = rows[0]
    for r in rows:
        r["speedup_free_cores"] = base["critical_s"] / r["critical_s"] if r["critical_s"] else None
        r["speedup_wall"] = base["wall_s"] / r["wall_s"] if r["wall_s"] else None
        r["work"] = r["cpu_s"] / base["cpu_s"] if base["cpu_s"] else None
        r["events_per_core_s"] = events / r["critical_s"] / r["jobs"] if r["critical_s"] else None
        log(f"scaling: {r}")
    alone, pair = ceiling(tools["tcpana"], trace, reps)
    log(f"scaling: one run {alone:.3f} s, two at once {pair:.3f} s")
    return {"rows": rows, "alone_s": alone, "pair_s": pair, "events": events}


def table(res, label):
    if not res:
        return []
    out = [f"\n### tcpana -j: scaling shape on {label} (medians)\n",
           "CPU time per thread from /proc; the critical path is the busiest worker's. "
           "\"Free cores\": CPU(-j 1) / critical path, the speedup if every worker had a "
           "core of its own; \"work\": all threads' CPU over -j 1's.\n",
           "| -j | wall s | critical path s | all threads CPU s | coordinator CPU s | "
           "speedup, free cores | speedup, wall here | work | events/s per worker |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in res["rows"]:
        out.append("| {} | {:.3f} | {:.3f} | {:.3f} | {:.3f} | {:.2f} | {:.2f} | {:.2f} | "
                   "{:,.0f} |".format(r["jobs"], r["wall_s"], r["critical_s"], r["cpu_s"],
                                      r["coord_s"], r["speedup_free_cores"] or 0,
                                      r["speedup_wall"] or 0, r["work"] or 0,
                                      r["events_per_core_s"] or 0))
    thr = 2 * res["alone_s"] / res["pair_s"] if res["pair_s"] else 0
    out.append(f"\nThis machine's ceiling: two single-threaded runs at once take "
               f"{res['pair_s']:.3f} s against {res['alone_s']:.3f} s for one, "
               f"{thr:.2f}x the throughput of one core.")
    return out
