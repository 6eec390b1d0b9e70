# SPDX-License-Identifier: BSD-2-Clause
"""Busy-host benchmark: what the sockets a host already holds cost each
tracer.  Before every tracer starts, bench/busyhost fills the workload's
fresh namespace with N TIME_WAIT sockets and M idle ESTABLISHED
connections (filled anew for every run: TIME_WAIT lasts 60 s).  Two kinds
of run per N:

- start-up (tcprec alone): time to ready and to the end of its streamed
  snapshot, its CPU from launch to the snapshot's end, then its CPU at
  rest over REST_S seconds (the TIME_WAIT walks among N sockets);
- workload (untraced, tcprec, tcpstates, tcpdump): the 8-thread loadgen
  workload starts 0.2 s after the tracer is launched, ready or not, so
  events a slow start misses count as lost; slowdown is the ratio to the
  untraced run of the same N and round.
"""
import os
import re
import subprocess
import threading
import time

from bench_record import count_tcpdump, count_tcpstates, count_tcprec
from bench_util import LINK_READY, Netns, Tracer, median, parse_kv

STATES_PER_CONN = 10
LISTENER_STATES = 2
READY_RE = re.compile(r"^tcprec: ready in ([0-9.]+) ms")
SNAP_RE = re.compile(r"^tcprec: snapshot: (\d+) sockets .* in ([0-9.]+) ms")
WALKS_RE = re.compile(r"^tcprec: TIME_WAIT walks: (\d+), ([0-9.]+) ms CPU")
LAUNCH_TO_LOAD_S = 0.2


def proc_cpu_s(pid):
    """utime + stime of a live process, from /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


class Busy:
    """busyhost in a namespace, holding N TIME_WAIT + M ESTABLISHED."""

    def __init__(self, tools, ns, n_tw, n_est, port):
        for k, v in (("net.ipv4.tcp_tw_reuse", "0"),
                     ("net.ipv4.ip_local_port_range", "1024 65535"),
                     # the workload's server port stays free
                     ("net.ipv4.ip_local_reserved_ports", str(port)),
                     ("net.ipv4.tcp_max_tw_buckets", str(2 * n_tw + 100000)),
                     # resets from the listener must not thin out TIME_WAIT
                     # (see bench/busyhost.c)
                     ("net.ipv4.tcp_rfc1337", "1")):
            ns.run(["sysctl", "-q", "-w", f"{k}={v}"])
        self.proc = subprocess.Popen(ns.cmd([tools["busyhost"], "-w", str(n_tw), "-e",
                                             str(n_est), "-t", "2"]),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        self.kv = parse_kv(line)
        self.ok = line.startswith("busyhost ")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def _tcprec(tools, d, ns):
    out = os.path.join(d, "x.trc")
    argv = [tools["tcprec"], "-v", "-o", out, "--netns", f"/run/netns/{ns.name}"]
    return Tracer(argv, ready_re=r"^tcprec: ready in ", need_fds=LINK_READY), out


def _tcpstates(d, ns):
    out = os.path.join(d, "tcpstates.txt")
    return Tracer(["/usr/sbin/tcpstates"], stdout_path=out, need_fds=LINK_READY), out


def _tcpdump(d, ns):
    out = os.path.join(d, "x.pcap")
    return Tracer(ns.cmd(["tcpdump", "-i", "lo", "-s", "96", "-w", out]),
                  ready_re="listening on"), out


def tracers(tools):
    cfg = {"untraced": None}
    if tools.get("tcprec"):
        cfg["tcprec"] = lambda d, ns: _tcprec(tools, d, ns)
    if os.access("/usr/sbin/tcpstates", os.X_OK):
        cfg["tcpstates"] = _tcpstates
    if any(os.access(os.path.join(p, "tcpdump"), os.X_OK)
           for p in os.environ.get("PATH", "/usr/sbin:/usr/bin").split(":")):
        cfg["tcpdump"] = _tcpdump
    return cfg


def _find(lines, rx):
    for s in lines:
        m = rx.search(s)
        if m:
            return m
    return None


def startup_run(tools, workdir, n_tw, n_est, rest_s, port):
    """tcprec alone on the busy namespace: ready, snapshot, CPU."""
    d = os.path.join(workdir, f"startup-{n_tw}")
    os.makedirs(d, exist_ok=True)
    with Netns(f"s{n_tw // 1000}k") as ns:
        busy = Busy(tools, ns, n_tw, n_est, port)
        try:
            if not busy.ok:
                return {"error": "busyhost failed"}
            tracer, _ = _tcprec(tools, d, ns)
            deadline = time.monotonic() + 60
            while not _find(tracer.stderr_lines, SNAP_RE) and time.monotonic() < deadline \
                    and tracer.proc.poll() is None:
                time.sleep(0.002)
            cpu_snap = proc_cpu_s(tracer.proc.pid)
            time.sleep(1.0)  # the first walks after the snapshot
            cpu0 = proc_cpu_s(tracer.proc.pid)
            time.sleep(rest_s)
            cpu1 = proc_cpu_s(tracer.proc.pid)
            tracer.stop()
            r, s = _find(tracer.stderr_lines, READY_RE), _find(tracer.stderr_lines, SNAP_RE)
            w = _find(tracer.stderr_lines, WALKS_RE)
            return {"ready_s": float(r.group(1)) / 1e3 if r else None,
                    "snapshot_s": float(s.group(2)) / 1e3 if s else None,
                    "snapshot_socks": int(s.group(1)) if s else None,
                    "startup_cpu_s": cpu_snap,
                    "rest_pct": 100 * (cpu1 - cpu0) / rest_s if cpu0 is not None
                    and cpu1 is not None else None,
                    "walk_ms": float(w.group(2)) if w else None,
                    "fill_s": float(busy.kv.get("seconds", 0))}
        finally:
            busy.close()


def workload_run(name, make, tools, workdir, n_tw, n_est, conns, port):
    d = os.path.join(workdir, f"busy-{n_tw}-{name}")
    os.makedirs(d, exist_ok=True)
    with Netns(f"w{n_tw // 1000}k{name[:4]}") as ns:
        busy = Busy(tools, ns, n_tw, n_est, port)
        try:
            if not busy.ok:
                return {"error": "busyhost failed"}
            tracer = out = None
            ready = []
            if make:
                tracer, out = make(d, ns)
                waiter = threading.Thread(target=lambda: ready.append(tracer.wait_ready(30)),
                                          daemon=True)
                waiter.start()
                time.sleep(LAUNCH_TO_LOAD_S)  # ready or not
            lg = subprocess.run(ns.cmd([tools["loadgen"], "-n", str(conns), "-t", "8", "-p",
                                        str(port), "-T", "120"]), capture_output=True, text=True)
            kv = parse_kv(lg.stdout.strip().splitlines()[-1]) if lg.stdout.strip() else {}
            res = {"rate": float(kv.get("conns_per_sec", 0)), "conns": int(kv.get("conns", 0))}
            if not tracer:
                return res
            waiter.join(30)
            res["ready_s"] = ready[0] if ready else None
            # Polled TIME_WAIT among N sockets: walks are spaced by cost.
            time.sleep(3.0 if name == "tcprec" else 0.5)
            tracer.stop()
            res["cpu_s"] = tracer.cpu_s
            res["expected"] = res["conns"] * STATES_PER_CONN + LISTENER_STATES
            if name == "tcprec":
                res.update(count_tcprec(tools, out, port, ns.inode))
                res["expected_tw"] = res["conns"]
                r = _find(tracer.stderr_lines, READY_RE)
                res["ready_s"] = float(r.group(1)) / 1e3 if r else None
            elif name == "tcpstates":
                res.update(count_tcpstates(out, port, tracer.stderr_lines))
            elif name == "tcpdump":
                res.update(count_tcpdump(out, tracer.stderr_lines))
                res["expected"] = None
            return res
        finally:
            busy.close()


def run(tools, workdir, sizes, n_est, conns, reps, rest_s, log, startup_only=()):
    """{n_tw: {"startup": [...], name: [...]}} over reps rounds; sizes in
    startup_only get the start-up run alone (CPU at rest)."""
    if not tools.get("busyhost") or not tools.get("loadgen"):
        log("busy: busyhost or loadgen missing, skipped")
        return {}
    cfg = tracers(tools)
    port = 20000 + os.getpid() % 20000
    results = {}
    for rep in range(reps):
        for n_tw in sorted(set(sizes) | set(startup_only)):
            names = {} if n_tw in startup_only and n_tw not in sizes else cfg
            per = results.setdefault(n_tw, {"startup": [], **{k: [] for k in names}})
            if tools.get("tcprec") and n_tw:
                r = startup_run(tools, workdir, n_tw, n_est, rest_s, port)
                per["startup"].append(r)
                log(f"busy N={n_tw} rep={rep + 1}/{reps} startup: {r}")
            base = None
            for name, make in names.items():
                r = workload_run(name, make, tools, workdir, n_tw, n_est, conns, port)
                if name == "untraced":
                    base = r.get("rate")
                r["slowdown"] = (1 - r["rate"] / base) if base and r.get("rate") else None
                per[name].append(r)
                log(f"busy N={n_tw} rep={rep + 1}/{reps} {name}: "
                    + ", ".join(f"{k}={v}" for k, v in r.items()))
    return results


def _spread(vals, scale=1.0, spec="{:.1f}"):
    vals = [v * scale for v in vals if v is not None]
    if not vals:
        return "-"
    m = median(vals)
    if len(vals) == 1:
        return spec.format(m)
    return f"{spec.format(m)} ({spec.format(min(vals))}..{spec.format(max(vals))})"


def table(results, n_est, conns):
    """Markdown lines: one row per (N, tracer), medians (min..max)."""
    out = [f"\n### Busy host: N TIME_WAIT + {n_est} idle ESTABLISHED connections before the "
           f"tracer starts; {conns} connections from 8 threads starting "
           f"{LAUNCH_TO_LOAD_S} s after launch (medians, (min..max) over rounds)\n",
           "| N | tracer | ready s | snapshot s | start-up CPU s | CPU at rest % | "
           "walk CPU ms | conn/s | slowdown % | states seen/expected | reported lost | "
           "TIME_WAIT enters seen/expected |",
           "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n_tw, per in results.items():
        st = per.get("startup", [])
        for name in [k for k in per if k != "startup"] or ["tcprec"]:
            runs = [r for r in per.get(name, []) if "error" not in r]
            su = st if name == "tcprec" else []
            seen = "-"
            if runs and runs[0].get("states") is not None and runs[0].get("expected"):
                seen = f"{median([r['states'] for r in runs]):.0f}/" \
                       f"{median([r['expected'] for r in runs]):.0f}"
            elif runs and runs[0].get("packets") is not None:
                seen = f"{median([r['packets'] for r in runs]):.0f} packets"
            tw = "-"
            if runs and runs[0].get("expected_tw"):
                tw = f"{median([r.get('timewait') for r in runs]):.0f}/" \
                     f"{median([r['expected_tw'] for r in runs]):.0f}"
            ready = [r.get("ready_s") for r in su] or [r.get("ready_s") for r in runs]
            out.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                n_tw, name, _spread(ready, spec="{:.2f}"),
                _spread([r.get("snapshot_s") for r in su], spec="{:.2f}"),
                _spread([r.get("startup_cpu_s") for r in su], spec="{:.2f}"),
                _spread([r.get("rest_pct") for r in su]),
                _spread([r.get("walk_ms") for r in su]),
                _spread([r.get("rate") for r in runs], spec="{:.0f}"),
                _spread([r.get("slowdown") for r in runs], 100.0) if name != "untraced"
                else "-",
                seen, _spread([r.get("lost") for r in runs], spec="{:.0f}"), tw))
    return out


def targets(results):
    """The issue's targets for the busy-host rows."""
    out = []
    biggest = max((n for n in results if n), default=None)
    if biggest is not None:
        ready = median([r.get("ready_s") for r in results[biggest].get("startup", [])])
        out.append(f"- busy host N={biggest}: tcprec ready {ready if ready is None else f'{ready:.2f}'}"
                   f" s (target <= 1 s): {'met' if ready is not None and ready <= 1 else 'MISSED'}")
    for n_tw, per in results.items():
        runs = [r for r in per.get("tcprec", []) if "error" not in r]
        if "tcprec" not in per:
            continue
        lost = sum((r.get("lost") or 0) for r in runs)
        missing = sum(max(0, (r.get("expected") or 0) - (r.get("states") or 0)) for r in runs)
        out.append(f"- busy host N={n_tw}: tcprec lost {lost} reported, {missing} state events "
                   f"missing (target 0): {'met' if runs and not lost and not missing else 'MISSED'}")
    s0 = [r.get("slowdown") for r in results.get(0, {}).get("tcprec", [])]
    s50 = [r.get("slowdown") for r in results.get(50000, {}).get("tcprec", [])]
    if median(s0) is not None and median(s50) is not None:
        ok = median(s50) <= median(s0) + 0.02
        out.append(f"- 8-thread slowdown with N=50000 {median(s50) * 100:.1f} % vs N=0 "
                   f"{median(s0) * 100:.1f} % (target: no worse; 2 points of noise allowed): "
                   f"{'met' if ok else 'MISSED'}")
    return out
