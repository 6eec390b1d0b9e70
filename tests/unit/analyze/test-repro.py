#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tcpana on traces that are valid to the format but hostile to the
analyser (repro/: reused tuples and cookies, events for closed endpoints,
state numbers out of order).  Each once crashed tcpana with a
use-after-free or made it loop forever.  Every output mode must finish,
exit 0, warn about nothing, and print a document whose summary agrees
with what it lists.

Memory errors are looked for by the build itself when it is sanitized
(ASan aborts) and by valgrind otherwise (--valgrind): a use-after-free in
a plain build exits 0 and prints results read from freed memory, so
running it bare would prove nothing.  The time limit is a hang detector.

usage: test-repro.py [--valgrind] TCPANA TRACE
"""
import json
import subprocess
import sys

MODES = ([], ["--json"], ["--json", "--segments"], ["--jsonl"], ["--timeline"], ["--replay"],
         ["--stats"], ["--check"])
LIMIT_S = 120
FAILS = []


def run(wrap, tcpana, mode, trace):
    argv = wrap + [tcpana] + mode + [trace]
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=LIMIT_S)
    except subprocess.TimeoutExpired:
        FAILS.append("%s: still running after %d s" % (" ".join(mode) or "summary", LIMIT_S))
        return None
    # --check exits 3 when a connection violates the state machine; these
    # traces are made of violations.
    ok = (0, 3) if "--check" in mode else (0,)
    if r.returncode not in ok or r.stderr.strip():
        FAILS.append("%s: exit %d: %s" % (" ".join(mode) or "summary", r.returncode,
                                          r.stderr.strip()[-2000:]))
        return None
    return r.stdout


def check_json(doc):
    summ = doc["summary"]
    conns = [e for c in doc["connections"]
             for e in (c["endpoints"]["orig"], c["endpoints"]["resp"]) if e]
    ids = [c["id"] for c in conns]
    if len(ids) != len(set(ids)):
        FAILS.append("--json: an endpoint is listed twice")
    if summ["endpoints"] != len(conns) or \
            summ["connections"] + summ["listeners"] != len(doc["connections"]):
        FAILS.append("--json: summary says %d endpoints, %d listed" %
                     (summ["endpoints"], len(conns)))
    segs = sum(c["segments"]["total"] for c in conns)
    if segs != summ["events_by_type"]["segment"]:
        FAILS.append("--json: %d segments on endpoints, %d segment events" %
                     (segs, summ["events_by_type"]["segment"]))


def main():
    args = sys.argv[1:]
    wrap = []
    if args and args[0] == "--valgrind":
        wrap = ["valgrind", "-q", "--error-exitcode=99", "--undef-value-errors=no"]
        args = args[1:]
    tcpana, trace = args
    for mode in MODES:
        out = run(wrap, tcpana, mode, trace)
        if out is None:
            continue
        if mode == ["--json"]:
            check_json(json.loads(out))
        elif mode == ["--jsonl"]:
            lines = [json.loads(line) for line in out.splitlines()]
            if "summary" not in lines[-1]:
                FAILS.append("--jsonl: the last line is not the summary")
    for f in FAILS:
        print("FAIL", f)
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
