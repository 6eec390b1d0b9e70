# SPDX-License-Identifier: BSD-2-Clause
"""Helpers shared by the hardening tests (crash, full disk, overload,
hostile traces, privileges): a steady connection load from bench/loadgen
inside a test namespace, the sanitizer check, and small trace summaries.
Everything else comes from tests/integration/lib/tcptest.py.
"""

import os
import re
import signal
import subprocess
import time

import tcptest as T


def loadgen():
    """Path of the load generator ($LOADGEN), or skip."""
    path = os.environ.get("LOADGEN")
    if not path or not os.access(path, os.X_OK):
        T.skip("LOADGEN is not set (bench/loadgen not built)")
    return path


def start_load(host, threads=1, seconds=30, conns=100000000, family=4, rate=None):
    """Starts loadgen in host's namespace on its loopback: connect, request,
    reply, server closes first (so client ports never run out), at most
    `rate` connections a second, until stop_load(), `conns` connections or
    the time limit."""
    argv = [loadgen(), "-%d" % family, "-n", str(conns), "-t", str(threads), "-T",
            str(seconds), "--server-close"] + (["--rate", str(rate)] if rate else [])
    return host.popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def stop_load(proc):
    """Stops a load started by start_load(); returns its result line."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=10)
    return out.strip()


def sanitized():
    """True in an ASan/UBSan build (meson passes b_sanitize): such builds
    reserve terabytes of address space, so address-space limits are off."""
    return os.environ.get("TCPREC_SANITIZE", "none") not in ("", "none")


SANITIZER_RE = re.compile(r"Sanitizer|runtime error:|LeakSanitizer|SUMMARY: ")


def check_no_sanitizer(stderr, what):
    m = SANITIZER_RE.search(stderr or "")
    T.check(m is None, "%s: sanitizer report: %s" % (what, (stderr or "")[:2000]))


def dump_summary(records):
    """Counts of a trcdump record list: events by type, lost total,
    corrupt blocks, end status, trailer, last event time."""
    s = {"events": 0, "types": {}, "lost": 0, "corrupt": 0, "end": None,
         "trailer": None, "t_last": 0, "header": None}
    for r in records:
        if "header" in r:
            s["header"] = r["header"]
        elif "t_ns" in r:
            s["events"] += 1
            s["types"][r["type"]] = s["types"].get(r["type"], 0) + 1
            s["t_last"] = max(s["t_last"], r["t_ns"])
            if r["type"] == "lost":
                s["lost"] += int(r.get("count", 0))
        elif "corrupt" in r:
            s["corrupt"] += 1
        elif "end" in r:
            s["end"] = r["end"]
            s["trailer"] = r.get("trailer")
    return s


def wait_for(pred, timeout, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(step)
    return pred()
