#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Crash safety: tcprec killed with SIGKILL while it records a steady load
leaves a file that trcdump and tcpana read up to at most about a second
before the kill (chunks are flushed at least once a second), with no damaged
block, reported as truncated because the trailer is missing."""

import os
import signal
import time

import hardlib as H
import tcptest as T

# Flush interval (1 s) plus the recorder's drain/poll latency.
MAX_GAP_NS = 1_300_000_000


def clock_now_ns(header):
    """Now on the clock the trace's events use."""
    clock = int(header.get("clock", 1))
    if clock == 2:
        return time.clock_gettime_ns(time.CLOCK_BOOTTIME)
    if clock == 3:
        return time.time_ns()
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def test():
    T.require_root()
    T.require_netns()
    T.require_bpf()
    T.require_tcpana()
    with T.Topology(family=4, loopback=True) as topo:
        out = topo.tmp("crash.trc")
        rec = T.Recorder(out, netns=topo.server).start()
        load = H.start_load(topo.server, threads=2, seconds=30, rate=500)
        # Record for a few flush intervals, then kill in the middle of one.
        time.sleep(3.5)
        T.check(load.poll() is None, "load generator stopped early: %s" % H.stop_load(load))
        os.kill(rec.proc.pid, signal.SIGKILL)
        kill_mono = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
        kill_boot = time.clock_gettime_ns(time.CLOCK_BOOTTIME)
        kill_real = time.time_ns()
        res = rec.wait(timeout=10)
        H.stop_load(load)
        T.check_eq(res.returncode, -signal.SIGKILL, "tcprec exit status")

        records = T.trcdump(out, expect_rc=None)
        s = H.dump_summary(records)
        T.check(s["header"] is not None, "no header in the killed trace")
        T.check_eq(s["corrupt"], 0, "damaged blocks in the killed trace")
        T.check_eq(s["trailer"], None, "trailer of a killed trace")
        T.check(s["end"] in ("truncated", "eof"), "trcdump end status %r" % s["end"])
        T.check(s["types"].get("state", 0) > 100,
                "too few state events before the kill: %r" % s["types"])
        clock = int(s["header"].get("clock", 1))
        kill_ns = {1: kill_mono, 2: kill_boot, 3: kill_real}.get(clock, kill_mono)
        gap = kill_ns - s["t_last"]
        T.check(gap >= 0, "last event %d ns after the kill: clocks disagree" % -gap)
        T.check(gap <= MAX_GAP_NS, "lost the last %.3f s before the kill (limit %.1f s)"
                % (gap / 1e9, MAX_GAP_NS / 1e9))

        doc = T.tcpana_json(out, expect_rc=None)
        summary = doc.get("summary", {})
        T.check(summary.get("truncated") in (True, 1), "tcpana summary.truncated: %r" % summary)
        T.check(summary.get("events", 0) >= s["events"] - s["types"].get("lost", 0),
                "tcpana read %r events, trcdump %d" % (summary.get("events"), s["events"]))
        T.check(summary.get("connections", 0) > 50, "tcpana connections: %r" % summary)
        print("killed trace: %d events, last %.3f s before the kill, end=%s"
              % (s["events"], gap / 1e9, s["end"]))


T.main(test)
