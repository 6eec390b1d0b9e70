# SPDX-License-Identifier: BSD-2-Clause
"""Live view benchmark: how long after a connection closes
`tcprec -w - | tcpana --follow --jsonl -` prints it.

The namespace is busy first (bench/busyhost: N TIME_WAIT sockets and
10,000 idle connections), then an 8-thread loadgen workload runs at a
given connection rate (0 = as fast as it goes) for a few seconds.  For
every connection line of the workload's port, the delay is the wall
clock when the line was read minus the connection's end_time; both are
this host's realtime clock.  The promise (docs/tcpana.1) is 1 s at any
load; the table shows the median, the 99th percentile and the maximum,
and how many of the workload's connections were printed.  At the highest
rate the workload's threads saturate the CPUs and the live view gets its
share like any process; the last row gives tcprec and tcpana the priority
an operator would (nice -10).
"""
import json
import os
import subprocess
import threading
import time
from datetime import datetime, timezone

from bench_busy import Busy
from bench_util import Netns, parse_kv

SECONDS = 5


def _end_s(iso):
    """RFC 3339 with nanoseconds (tcpana's times) to float seconds."""
    whole, frac = iso.rstrip("Z").split(".")
    t = datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return t.timestamp() + int(frac) / 10 ** len(frac)


def _percentile(values, p):
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, int(p / 100 * len(s)))]


def one_run(tools, rate, n_tw, port, niced):
    with Netns(f"f{rate}") as ns:
        busy = Busy(tools, ns, n_tw, 10000, port)
        try:
            if not busy.ok:
                return {"error": "busyhost failed"}
            prio = ["nice", "-n", "-10"] if niced else []
            rec = subprocess.Popen(prio + [tools["tcprec"], "-v", "-w", "-", "--netns",
                                    f"/run/netns/{ns.name}", "--port", str(port)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            ana = subprocess.Popen(prio + [tools["tcpana"], "--follow", "--jsonl", "-"],
                                   stdin=rec.stdout, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL)
            rec.stdout.close()
            arrivals = []

            def read_lines():
                # Only the arrival time here: a reader that parsed JSON as
                # lines came would itself fall behind on two busy cores
                # and, through the pipes, hold back tcpana and tcprec.
                fd, rest = ana.stdout.fileno(), b""
                while True:
                    block = os.read(fd, 1 << 20)
                    if not block:
                        return
                    now = time.time()
                    *lines, rest = (rest + block).split(b"\n")
                    arrivals.extend((now, line) for line in lines)

            reader = threading.Thread(target=read_lines, daemon=True)
            reader.start()
            for line in rec.stderr:  # until the recorder is ready
                if line.startswith("tcprec: snapshot:"):
                    break
            argv = [tools["loadgen"], "-t", "8", "-p", str(port), "-T", str(SECONDS),
                    "-n", str(rate * SECONDS if rate else 10 ** 7)]
            if rate:
                argv += ["--rate", str(rate)]
            lg = subprocess.run(ns.cmd(argv), capture_output=True, text=True)
            kv = parse_kv(lg.stdout.strip().splitlines()[-1]) if lg.stdout.strip() else {}
            time.sleep(2.0)  # the last connections' lines
            printed = len(arrivals)
            rec.send_signal(2)
            rec.wait(60)
            ana.wait(60)
            reader.join(10)
            delays = [t - _end_s(c["end_time"]) for t, c in
                      ((t, json.loads(line)) for t, line in arrivals[:printed]
                       if line.startswith(b'{"id"'))
                      if c["resp"]["port"] == port and c["outcome"] != "listener"]
            printed = len(delays)
            return {"rate": float(kv.get("conns_per_sec", 0)), "conns": int(kv.get("conns", 0)),
                    "printed_live": printed, "p50": _percentile(delays, 50),
                    "p99": _percentile(delays, 99), "max": max(delays) if delays else None}
        finally:
            busy.close()


def run(tools, rates, n_tw, log):
    """rates: (connections a second or 0 for as fast as it goes, whether
    tcprec and tcpana run at nice -10)."""
    if not all(tools.get(t) for t in ("tcprec", "tcpana", "busyhost", "loadgen")):
        log("follow: tcprec, tcpana, busyhost or loadgen missing, skipped")
        return []
    port = 20000 + (os.getpid() + 7) % 20000
    rows = []
    for rate, niced in rates:
        r = one_run(tools, rate, n_tw, port, niced)
        r["asked"] = rate
        r["niced"] = niced
        log(f"follow rate={rate or 'max'} niced={niced}: {r}")
        rows.append(r)
    return rows


def table(rows, n_tw):
    def ms(v):
        return "n/a" if v is None else f"{v * 1000:.0f}"

    out = [f"\n### Live view: tcpana --follow, close to line (busy host: {n_tw:,} TIME_WAIT"
           " + 10,000 idle connections, 8 client threads)\n",
           "| asked conn/s | tcprec, tcpana | achieved conn/s | connections | "
           "printed while recording | delay p50 ms | p99 ms | max ms |",
           "|---:|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        prio = "nice -10" if r["niced"] else "nice 0"
        if "error" in r:
            out.append(f"| {r['asked'] or 'max'} | {prio} | {r['error']} | | | | | |")
            continue
        out.append(f"| {r['asked'] or 'max'} | {prio} | {r['rate']:,.0f} | {r['conns']:,} | "
                   f"{r['printed_live']:,} | {ms(r['p50'])} | {ms(r['p99'])} | {ms(r['max'])} |")
    return out


def targets(rows):
    out = []
    for niced in (False, True):
        worst = [r["max"] for r in rows if r.get("max") is not None and r["niced"] == niced]
        if worst:
            m = max(worst)
            out.append(f"- tcpana --follow{' (both at nice -10)' if niced else ''}: longest "
                       f"close-to-line delay {m * 1000:.0f} ms (target <= 1000 ms): "
                       f"{'met' if m <= 1.0 else 'MISSED'}")
    return out
