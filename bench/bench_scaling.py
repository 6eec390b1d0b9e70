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
gets from these two cores; -j 2 runs in the same rounds, so its speedup
is read against the ceiling of the same minutes.

The design's own ceiling: the two traces that the workers of -j 2 would
read if they could pass over each other's records for free (gen_trace -S:
each holds only one worker's connections, over the same time), analysed
at once by two -j 1 runs, in the same rounds.  That is -j 2 without what
sharding adds: decoding every event in every worker, and the ledger and
answers that keep the output identical to -j 1's.
"""
import os
import subprocess
import time

from bench_util import median

TICK = os.sysconf("SC_CLK_TCK")
CEILING_ROUNDS = 7


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


def timed(argvs):
    """Wall seconds of the commands run at once."""
    t0 = time.monotonic()
    procs = [subprocess.Popen(a, stdout=subprocess.DEVNULL) for a in argvs]
    for p in procs:
        p.wait()
    return time.monotonic() - t0


def per_round(ratio, *walls):
    """ratio of each round's walls, sorted (median and range read off)."""
    return sorted(ratio(*r) for r in zip(*walls))


def ceiling(tcpana, trace, reps, shard_traces):
    """Per round, in an order that alternates: -j 1 alone, -j 2 alone, two
    -j 1 at once, and two -j 1 at once on the shard_traces (gen_trace -S
    0/2 and 1/2; none when empty).  A guest's speed drifts over minutes,
    so the ratios are taken within each round: the speedup of -j 2, the
    machine's ceiling (2 x one run / two at once), the share of it -j 2
    got, and the design's ceiling (one run / the shard traces at once)
    with -j 2's share of that."""
    one, two = [tcpana, "-j", "1", trace], [tcpana, "-j", "2", trace]
    steps = [("alone", [one]), ("j2", [two]), ("pair", [one, one])]
    if shard_traces:
        steps.append(("shards", [[tcpana, "-j", "1", t] for t in shard_traces]))
    wall = {name: [] for name, _ in steps}
    for rnd in range(reps):
        for name, argvs in (steps if rnd % 2 == 0 else steps[::-1]):
            wall[name].append(timed(argvs))
    alone, j2, pair = wall["alone"], wall["j2"], wall["pair"]
    res = {"alone_s": median(alone), "j2_s": median(j2), "pair_s": median(pair),
           "speedup": per_round(lambda a, j: a / j, alone, j2),
           "ceiling": per_round(lambda a, p: 2 * a / p, alone, pair),
           "share": per_round(lambda j, p: p / (2 * j), j2, pair)}
    if shard_traces:
        shards = wall["shards"]
        res.update(shards_s=median(shards),
                   design=per_round(lambda a, s: a / s, alone, shards),
                   design_share=per_round(lambda j, s: s / j, j2, shards))
    return res


def run(tools, trace, label, events, jobs_list, reps, log, shard_traces=()):
    """Rows of the scaling shape on trace, the machine's ceiling, and the
    design's when shard_traces (gen_trace -S 0/2 and 1/2) are given."""
    rows = [shape_row(tools["tcpana"], trace, j, reps) for j in jobs_list]
    base = rows[0]
    for r in rows:
        r["speedup_free_cores"] = base["critical_s"] / r["critical_s"] if r["critical_s"] else None
        r["speedup_wall"] = base["wall_s"] / r["wall_s"] if r["wall_s"] else None
        r["work"] = r["cpu_s"] / base["cpu_s"] if base["cpu_s"] else None
        r["events_per_core_s"] = events / r["critical_s"] / r["jobs"] if r["critical_s"] else None
        log(f"scaling: {r}")
    # Ratios within rounds need more rounds than medians of runs do.
    c = ceiling(tools["tcpana"], trace, max(reps, CEILING_ROUNDS), list(shard_traces))
    log(f"scaling: one run {c['alone_s']:.3f} s, -j 2 {c['j2_s']:.3f} s, "
        f"two at once {c['pair_s']:.3f} s" +
        (f", the shard traces at once {c['shards_s']:.3f} s" if "shards_s" in c else ""))
    return {"rows": rows, "events": events, "label": label, **c}


def table(res):
    if not res:
        return []
    out = [f"\n### tcpana -j: scaling shape on {res['label']} (medians)\n",
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
    shards = (f", and one -j 1 on each of the two traces that -j 2's workers would read if "
              f"each could pass over the other's records for free (gen_trace -S 0/2 and 1/2), "
              f"at once ({res['shards_s']:.3f} s)" if res.get("design") else "")
    out.append(f"\nThis machine's ceiling and the design's, in {len(res['ceiling'])} rounds of "
               f"-j 1 alone ({res['alone_s']:.3f} s), -j 2 alone ({res['j2_s']:.3f} s), two "
               f"-j 1 at once ({res['pair_s']:.3f} s){shards}; medians, and ratios within each "
               f"round, median (range):\n")
    for label, key in (("two -j 1 at once, throughput over one", "ceiling"),
                       ("-j 2, speedup over -j 1", "speedup"),
                       ("-j 2's speedup over the ceiling", "share"),
                       ("the shard traces at once, speedup over -j 1 (the design's ceiling)",
                        "design"),
                       ("-j 2's speedup over the design's ceiling", "design_share")):
        xs = res.get(key)
        if not xs:
            continue
        out.append(f"- {label}: {median(xs):.2f} ({xs[0]:.2f}-{xs[-1]:.2f})")
    return out
