# SPDX-License-Identifier: BSD-2-Clause
"""Recording benchmark: what each tracer costs a connection-rate workload.

One round runs the same loadgen workload untraced and under every tracer
(tcprec with and without segments, tcpstates, bpftrace, tcpdump), each in a
fresh network namespace; slowdowns are ratios within the round, so drift of
the machine between rounds cancels out.  Each tracer's output is then
counted against what the workload is known to produce: a loopback
connection that the client closes first makes exactly ten TCP state
transitions (five per socket), plus two for the listener.
"""
import json
import os
import re
import subprocess
import time

from bench_util import (LINK_READY, PERF_READY, Netns, Tracer, cpu_busy_s, median, parse_kv,
                        pcap_count)

STATES_PER_CONN = 10
LISTENER_STATES = 2

BPFTRACE_PROG = ('tracepoint:sock:inet_sock_set_state '
                 '{ printf("%d %d %d %d\\n", args->sport, args->dport, '
                 'args->oldstate, args->newstate); }')


def tracer_configs(tools):
    """name -> function(workdir, netns) returning (Tracer, output path)."""
    cfg = {"untraced": None}
    if tools.get("tcprec"):
        # --netns: polled TIME_WAIT walks one namespace, the workload's
        # (the peers see no TIME_WAIT at all); it also filters, in the
        # kernel, what is recorded, which here is everything there is.
        cfg["tcprec"] = lambda d, ns: _tcprec(tools, d, ns, [])
        cfg["tcprec --no-segments"] = lambda d, ns: _tcprec(tools, d, ns, ["--no-segments"])
        # The events alone, without the per-socket tcp_figures (about 30
        # bytes per closed socket): what the compactness target is about.
        cfg["tcprec --figures=none"] = lambda d, ns: _tcprec(tools, d, ns, ["--figures=none"])
    if os.access("/usr/sbin/tcpstates", os.X_OK):
        cfg["tcpstates"] = _tcpstates
    if _which("bpftrace"):
        cfg["bpftrace"] = _bpftrace
    if _which("tcpdump"):
        cfg["tcpdump"] = _tcpdump
    return cfg


def _which(name):
    return any(os.access(os.path.join(p, name), os.X_OK)
               for p in os.environ.get("PATH", "/usr/bin").split(":"))


def _tcprec(tools, d, ns, extra):
    out = os.path.join(d, "x.trc")
    argv = [tools["tcprec"], "-v", "-o", out, "--netns", f"/run/netns/{ns.name}"] + extra
    # -v prints "tcprec: ready in ..." once every probe is attached.
    t = Tracer(argv, ready_re=tools["tcprec_ready"],
               need_fds=LINK_READY, fallback_s=3.0)
    return t, out


def _tcpstates(d, ns):
    # Its header is block-buffered when stdout is a file, so the ready
    # signal is the BPF link it holds once its probe is attached.
    out = os.path.join(d, "tcpstates.txt")
    return Tracer(["/usr/sbin/tcpstates"], stdout_path=out, need_fds=LINK_READY), out


def _bpftrace(d, ns):
    out = os.path.join(d, "bpftrace.txt")
    # "Attaching N probes..." is written before the attach: wait for the
    # link as well, so the workload never starts before the probe.
    return Tracer(["bpftrace", "-o", out, "-e", BPFTRACE_PROG], ready_file=out,
                  ready_file_re="Attaching", need_fds=PERF_READY), out


def _tcpdump(d, ns):
    out = os.path.join(d, "x.pcap")
    return Tracer(ns.cmd(["tcpdump", "-i", "lo", "-s", "96", "-w", out]),
                  ready_re="listening on"), out


def count_tcprec(tools, path, port, netns_inode):
    """Counts a trace with trcdump: states of the workload's port (and
    namespace), segments, TIME_WAIT entries, lost events, totals.  Lines
    are matched as bytes (trcdump writes compact JSON with a fixed key
    order) and only lost and end records are parsed: a run is ~600k lines."""
    res = {"states": 0, "segments": 0, "timewait": 0, "lost": 0, "events": 0,
           "end": None, "bytes": os.path.getsize(path) if os.path.exists(path) else 0}
    proc = subprocess.Popen([tools["trcdump"], path], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    ports = (b'"lport":%d,' % port, b'"rport":%d,' % port)
    ns = b'"netns":%d,' % netns_inode if netns_inode else b""
    for line in proc.stdout:
        if line.startswith(b'{"t_ns"'):
            res["events"] += 1
            if b'"type":"lost"' in line:
                res["lost"] += int(json.loads(line).get("count", 0))
                continue
            if not (ports[0] in line or ports[1] in line) or (ns and ns not in line):
                continue
            if b'"type":"state"' in line and b'"snapshot":false' in line:
                res["states"] += 1
            elif b'"type":"segment"' in line:
                res["segments"] += 1
            elif b'"type":"timewait"' in line and b'"phase":"enter"' in line:
                res["timewait"] += 1
        elif line.startswith(b'{"end"'):
            end = json.loads(line)
            res["end"] = end.get("end")
            trailer = end.get("trailer") or {}
            res["trailer_lost"] = trailer.get("lost_events")
    proc.wait()
    return res


def count_tcpstates(path, port, stderr_lines):
    sp = str(port)
    n = 0
    with open(path, "rb") as f:
        for raw in f:
            cols = raw.split()
            if len(cols) >= 9 and (cols[4].decode() == sp or cols[6].decode() == sp):
                n += 1
    lost = sum(int(m.group(1)) for m in
               (re.search(r"lost (\d+) events", s) for s in stderr_lines) if m)
    return {"states": n, "lost": lost, "bytes": os.path.getsize(path)}


def count_bpftrace(path, port, stderr_lines):
    sp = str(port).encode()
    n = 0
    lost = 0
    with open(path, "rb") as f:
        for raw in f:
            cols = raw.split()
            if len(cols) == 4 and (cols[0] == sp or cols[1] == sp):
                n += 1
            elif raw.startswith(b"Lost "):
                m = re.match(rb"Lost (\d+)", raw)
                lost += int(m.group(1)) if m else 0
    return {"states": n, "lost": lost, "bytes": os.path.getsize(path)}


def count_tcpdump(path, stderr_lines):
    packets, size = pcap_count(path)
    dropped = 0
    for s in stderr_lines:
        m = re.match(r"(\d+) packets dropped by kernel", s)
        if m:
            dropped = int(m.group(1))
    return {"packets": packets, "lost": dropped, "bytes": size}


def run_one(name, make, tools, workdir, threads, conns, port):
    """One workload run under one tracer; returns a metrics dict."""
    d = os.path.join(workdir, re.sub(r"[^a-z0-9]+", "-", name))
    os.makedirs(d, exist_ok=True)
    with Netns(re.sub(r"[^a-z0-9]+", "", name)[:8]) as ns:
        tracer, out, ready = None, None, None
        if make:
            tracer, out = make(d, ns)
            ready = tracer.wait_ready()
            if tracer.fell_back:
                ready = None  # it never said it was ready: time unknown
            elif ready is None:
                tracer.stop()
                return {"error": f"not ready: {' | '.join(tracer.stderr_lines[-3:])}"}
        busy0 = cpu_busy_s()
        lg = subprocess.run(ns.cmd([tools["loadgen"], "-n", str(conns), "-t", str(threads),
                                    "-p", str(port), "-T", "120"]),
                            capture_output=True, text=True)
        busy = cpu_busy_s() - busy0
        kv = parse_kv(lg.stdout.strip().splitlines()[-1]) if lg.stdout.strip() else {}
        res = {"rate": float(kv.get("conns_per_sec", 0)), "conns": int(kv.get("conns", 0)),
               "lg_errors": int(kv.get("errors", -1)), "ready_s": ready}
        res["cpu_us_per_conn"] = busy * 1e6 / res["conns"] if res["conns"] else None
        if not tracer:
            return res
        time.sleep(0.3)  # the last closes and the tracer's drain
        res["rc"] = tracer.stop()
        res["cpu_s"] = tracer.cpu_s
        res["expected"] = res["conns"] * STATES_PER_CONN + LISTENER_STATES
        if name.startswith("tcprec"):
            res.update(count_tcprec(tools, out, port, ns.inode))
            res["expected_tw"] = res["conns"]  # the client's socket, once each
        elif name == "tcpstates":
            res.update(count_tcpstates(out, port, tracer.stderr_lines))
        elif name == "bpftrace":
            res.update(count_bpftrace(out, port, tracer.stderr_lines))
        elif name == "tcpdump":
            res.update(count_tcpdump(out, tracer.stderr_lines))
            res["expected"] = None
        res["stderr_tail"] = tracer.stderr_lines[-2:]
    return res


def run(tools, workdir, threads_list, reps, conns, log):
    """Runs every configuration reps times at each thread count.  Returns
    {threads: {name: [result per round]}}."""
    configs = tracer_configs(tools)
    results = {}
    port = 20000 + os.getpid() % 20000
    for threads in threads_list:
        per = results.setdefault(threads, {n: [] for n in configs})
        for rep in range(reps):
            base = None
            for name, make in configs.items():
                r = run_one(name, make, tools, workdir, threads, conns, port)
                if name == "untraced":
                    base = r.get("rate")
                r["slowdown"] = (1 - r["rate"] / base) if base and r.get("rate") else None
                per[name].append(r)
                log(f"recording t={threads} rep={rep + 1}/{reps} {name}: "
                    + ", ".join(f"{k}={v}" for k, v in r.items() if k != "stderr_tail"))
    return results


def summarize(results):
    """Median rows per thread count: {threads: [(name, row dict)]}."""
    table = {}
    for threads, per in results.items():
        rows = []
        pcap_bytes = median([r.get("bytes") for r in per.get("tcpdump", [])])
        pcap_pkts = median([r.get("packets") for r in per.get("tcpdump", [])])
        for name, runs in per.items():
            ok = [r for r in runs if "error" not in r]
            row = {"runs": len(ok), "errors": [r["error"] for r in runs if "error" in r]}
            for key in ("rate", "slowdown", "cpu_s", "cpu_us_per_conn", "ready_s", "states",
                        "expected", "lost", "bytes", "events", "segments", "timewait",
                        "expected_tw", "packets"):
                row[key] = median([r.get(key) for r in ok])
            if row["states"] is not None and row["expected"]:
                row["lost_pct"] = max(0.0, 100.0 * (1 - row["states"] / row["expected"]))
            if name.startswith("tcprec") and row["events"]:
                row["bytes_per_event"] = row["bytes"] / row["events"]
            elif name in ("tcpstates", "bpftrace") and row["states"]:
                row["bytes_per_event"] = row["bytes"] / row["states"]
            elif name == "tcpdump" and row["packets"]:
                row["bytes_per_event"] = row["bytes"] / row["packets"]
            if pcap_bytes and row.get("bytes") and name != "untraced":
                row["vs_pcap"] = row["bytes"] / pcap_bytes
            row["pcap_packets"] = pcap_pkts
            rows.append((name, row))
        table[threads] = rows
    return table
