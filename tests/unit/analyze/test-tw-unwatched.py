#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A trace whose recorder polled TIME_WAIT in another namespace than its
connections' (header tw_netns, format 1.4) has no TIME_WAIT records for
them.  tcpana must not wait for those: it reports the connections as it
does with their records, and freezes their closed endpoints as it does
then, so its peak memory stays that of the trace with TIME_WAIT records.
Waiting for every client's enter kept each one's whole body for the
2 s grace: 1.6 times the memory on this trace.

usage: test-tw-unwatched.py GEN_TRACE TCPANA
"""
import os
import subprocess
import sys
import tempfile

GEN_NETNS = 4026532000  # the namespace of gen_trace's pairs
EVENTS = "3000000"


def analyse(tcpana, path):
    """(exit status, report lines, peak RSS KiB) of tcpana on path."""
    with tempfile.TemporaryFile() as out:
        p = subprocess.Popen([tcpana, path], stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        out.seek(0)
        lines = out.read().decode().splitlines()
    return os.waitstatus_to_exitcode(status), lines, usage.ru_maxrss


def summary(lines):
    """The summary lines: counts, outcomes and verdicts, not events."""
    return [l for l in lines if l.startswith(("outcomes:", "verdicts:"))
            or "connection(s)" in l]


def main():
    gen_trace, tcpana = sys.argv[1:3]
    fails = []
    with tempfile.TemporaryDirectory(prefix="tcpana-tw-") as d:
        runs = {}
        for name, extra in (("recorded", []), ("own-netns", ["-w", str(GEN_NETNS)]),
                            ("elsewhere", ["-w", "1"])):
            path = os.path.join(d, name + ".trc")
            subprocess.run([gen_trace, "-n", EVENTS, "-o", path] + extra, check=True,
                           capture_output=True)
            runs[name] = analyse(tcpana, path)
            print("%-10s exit %d, peak RSS %d KiB" % (name, runs[name][0], runs[name][2]))
        for name, (rc, lines, _) in runs.items():
            if rc != 0:
                fails.append("%s: exit %d" % (name, rc))
            if summary(lines) != summary(runs["recorded"][1]):
                fails.append("%s: summary %r, with TIME_WAIT records %r" % (
                    name, summary(lines), summary(runs["recorded"][1])))
        ratio = runs["elsewhere"][2] / runs["recorded"][2]
        print("peak RSS, watched elsewhere over recorded: %.2f" % ratio)
        if ratio > 1.2:
            fails.append("peak RSS %.2f times that of the trace with TIME_WAIT records: "
                         "the endpoints waited for a TIME_WAIT that cannot come" % ratio)
    for f in fails:
        print("FAIL:", f)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
