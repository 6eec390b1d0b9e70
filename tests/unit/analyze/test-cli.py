#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tcpana's command line on synthetic traces: exit codes (0 ok, 1 input
error, 2 usage, 3 --check violation), the text, --replay, --timeline and
--stats outputs, filters, several files, truncated input.

usage: test-cli.py GEN_TRACES TCPANA
"""
import json
import os
import subprocess
import sys
import tempfile

FAILS = []


def run(*args, rc=0):
    r = subprocess.run([TCPANA] + list(args), capture_output=True, text=True)
    if r.returncode != rc:
        FAILS.append("tcpana %s: exit %d, expected %d: %s" % (" ".join(args), r.returncode, rc,
                                                            r.stderr.strip()))
    return r


def check(cond, msg):
    if not cond:
        FAILS.append(msg)


def jdoc(*args):
    return json.loads(run("--json", *args).stdout)


def main(d):
    t = lambda name: os.path.join(d, name + ".trc")
    # usage errors
    run(rc=2)
    run("--bogus", t("normal-v4"), rc=2)
    run("--port", "0", t("normal-v4"), rc=2)
    run("--port", "80x", t("normal-v4"), rc=2)
    run("--json", "--jsonl", t("normal-v4"), rc=2)
    run("--outcome", "nope", t("normal-v4"), rc=2)
    run("--since", "yesterday", t("normal-v4"), rc=2)
    # input errors: one clear line
    junk = os.path.join(d, "junk.txt")
    with open(junk, "w") as f:
        f.write("not a trace\n" * 10)
    r = run(junk, rc=1)
    check(len(r.stderr.strip().splitlines()) == 1 and "not a trace" in r.stderr,
          "non-trace message: %r" % r.stderr)
    r = run(os.path.join(d, "missing.trc"), rc=1)
    check(len(r.stderr.strip().splitlines()) == 1, "missing file message: %r" % r.stderr)
    # default text
    r = run(t("normal-v4"))
    check("SYN_SENT>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>CLOSE>TIME_WAIT" in r.stdout, "text path")
    check("linux-specific" in r.stdout and "100/app100" in r.stdout, "text verdict/owner")
    check("3 connections" in r.stdout and "normal_close=2" in r.stdout, "text summary")
    # standard input
    with open(t("normal-v4"), "rb") as f:
        r = subprocess.run([TCPANA, "--json", "-"], stdin=f, capture_output=True)
    check(r.returncode == 0 and len(json.loads(r.stdout)["connections"]) == 3, "stdin")
    # --check
    run("--check", t("normal-v4"), rc=0)
    r = run("--check", t("violation-fin-v4"), rc=3)
    check("ESTABLISHED -> CLOSE_WAIT without a FIN received" in r.stdout, "violation sentence")
    run("--check", t("violation-lost-v4"), rc=0)
    run("--check", "--json", t("violation-fin-v6"), rc=3)
    # --replay, --timeline, --stats
    r = run("--replay", t("normal-v4"))
    check("CLOSE -> SYN_SENT" in r.stdout and "Out Flags [S]" in r.stdout and
          "TIME_WAIT enter" in r.stdout, "replay lines")
    check(len([l for l in r.stdout.splitlines() if "192.0.2" in l]) == 36, "replay: one line per event")
    r = run("--replay", t("violation-lost-v4"))
    check("LOST 7 events" in r.stdout, "replay lost line")
    r = run("--timeline", t("normal-v4"))
    check("rx F." in r.stdout and "timewait-takeover" in r.stdout and "app close" in r.stdout,
          "timeline causes")
    r = run("--stats", t("normal-v4"), t("syn-timeout-v4"))
    check("connect latency" in r.stdout and "usecs" in r.stdout and "top 10" in r.stdout, "stats")
    # filters
    check(len(jdoc("--port", "40000", t("normal-v4"))["connections"]) == 2, "--port")
    check(len(jdoc("--host", "192.0.2.1", t("normal-v4"))["connections"]) == 2, "--host")
    check(len(jdoc("--host", "192.0.2.99", t("normal-v4"))["connections"]) == 0, "--host none")
    check([c["outcome"] for c in jdoc("--outcome", "listener", t("normal-v4"))["connections"]]
          == ["listener"], "--outcome")
    check(len(jdoc("--verdict", "violation", t("violation-fin-v4"))["connections"]) == 1, "--verdict")
    check(len(jdoc("--since", "2025-11-22T03:40:30Z", t("normal-v4"))["connections"]) == 2,
          "--since absolute")
    check(len(jdoc("--since", "30", t("normal-v4"))["connections"]) == 2, "--since relative")
    check(len(jdoc("--until", "0.0001", t("normal-v4"))["connections"]) == 1, "--until relative")
    # several files: merged in time order, every connection reported
    doc = jdoc(t("normal-v4"), t("refused-v6"))
    check(len(doc["connections"]) == 5 and len(doc["inputs"]) == 2, "two files")
    # truncated input: exit 0, warning, summary
    with open(t("halfclose-v4"), "rb") as f:
        data = f.read()
    cut = os.path.join(d, "cut.trc")
    with open(cut, "wb") as f:
        f.write(data[:len(data) * 3 // 4])
    r = run("--json", cut)
    check("warning" in r.stderr, "truncation warning")
    check(json.loads(r.stdout)["summary"]["truncated"] == 1, "summary.truncated")
    run("--quiet", cut)
    # --segments adds the list only in JSON
    c = jdoc("--segments", t("pcap-normal-v4"))["connections"][0]
    check(len(c["segments"]["list"]) == 11 and "seq" in c["segments"]["list"][0], "segment list")
    check("list" not in jdoc(t("pcap-normal-v4"))["connections"][0]["segments"], "no list by default")


TCPANA = sys.argv[2]
with tempfile.TemporaryDirectory() as tmp:
    subprocess.run([sys.argv[1], tmp], check=True)
    main(tmp)
if FAILS:
    for f in FAILS:
        print("FAIL:", f)
    sys.exit(1)
print("ok")
