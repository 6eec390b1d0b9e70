#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tcpana's command line on synthetic traces: exit codes (0 ok, 1 input
error, 2 usage, 3 --check violation), the text, --replay, --timeline and
--stats outputs, filters, several files, truncated input, and output to
a pipe written in big blocks.

usage: test-cli.py GEN_TRACES TCPANA GEN_TRACE
"""
import json
import re
import os
import subprocess
import sys
import tempfile
import time

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
    # tcpdump's habits: -r FILE reads a trace (with FILE arguments too),
    # and its letters that mean something else here are not options.
    check(len(jdoc("-r", t("normal-v4"), "-r", t("refused-v6"))["inputs"]) == 2, "-r FILE")
    check(len(jdoc("-r", t("normal-v4"), t("refused-v6"))["inputs"]) == 2, "-r and FILE")
    for letter in "cstwSpHOV":
        r = run("-" + letter, "10", t("normal-v4"), rc=2)
        check("invalid option" in r.stderr, "-%s: %r" % (letter, r.stderr))
    # --follow: one trace, outputs that print as they read; a finished
    # trace (its trailer read) ends it like any other read
    for args in ([t("normal-v4"), t("refused-v6")], ["--json", t("normal-v4")],
                 ["--stats", t("normal-v4")], ["--sort", "start", t("normal-v4")]):
        r = run("--follow", *args, rc=2)
        check("--follow" in r.stderr, "--follow %s: %r" % (args, r.stderr))
    for name in ("normal-v4", "refused-v6"):
        summary = lambda *a: [l for l in run(*a).stdout.splitlines() if "connection(s)" in l]
        check(summary("--follow", t(name)) == summary(t(name)), "--follow %s" % name)
    # --sort and --limit: the rows, not the summary
    doc = jdoc("--sort", "duration", t("normal-v4"))
    check([c["outcome"] for c in doc["connections"]] == ["listener", "normal_close"],
          "--sort duration: longest first")
    doc = jdoc("--sort", "start", "--limit", "1", t("normal-v4"), t("refused-v6"))
    check(len(doc["connections"]) == 1 and doc["connections"][0]["outcome"] == "listener" and
          doc["summary"]["connections"] == 2, "--sort start --limit 1: %r" % doc["summary"])
    lines = run("--jsonl", "--limit", "2", t("normal-v4"), t("refused-v6")).stdout.splitlines()
    check(len(lines) == 3 and "summary" in json.loads(lines[-1]), "--jsonl --limit 2")
    rows = [l for l in run("--sort", "outcome", t("normal-v4"), t("refused-v6")).stdout.splitlines()
            if re.match(r"\d+ +\S+ +\S+ +\d+\.\d{3} ", l)]
    check([l.split()[-2] for l in rows] == ["listener", "normal_close", "refused"],
          "--sort outcome: %r" % rows)
    for bad in (["--sort", "size"], ["--limit", "0"], ["--limit", "-1"],
                ["--limit", "2", "--timeline"], ["--sort", "start", "--stats"]):
        run(*(bad + [t("normal-v4")]), rc=2)
    # --relative, --localtime, --color
    r = run("--replay", "--relative", t("normal-v4"))
    check(r.stdout.splitlines()[0].startswith("+0.000000000 "), "--relative: %r" % r.stdout[:200])
    r = subprocess.run([TCPANA, "--replay", "--localtime", t("normal-v4")], capture_output=True,
                       text=True, env=dict(os.environ, TZ="ABC-2"))
    check(re.match(r"\S+\+02:00 ", r.stdout.splitlines()[1]), "--localtime: %r" % r.stdout[:200])
    check("\033[1;31mviolation\033[0m" in run("--color=always", t("violation-fin-v4")).stdout,
          "--color=always")
    check("\033" not in run(t("violation-fin-v4")).stdout, "no colour into a pipe")
    for bad in (["--color=blue"], ["--localtime", "--relative"]):
        run(*(bad + [t("normal-v4")]), rc=2)
    r = run("--version")
    check(r.stdout.startswith("tcpana "), "--version: %r" % r.stdout)
    run("--json", "--jsonl", t("normal-v4"), rc=2)
    # --jsonl=flat: the form is attached ("--jsonl FILE" reads FILE); a
    # line per connection, no summary (docs/JSON.md; the schema test holds
    # each member to its nested counterpart)
    nested = run("--jsonl", t("normal-v4")).stdout.splitlines()
    flat = run("--jsonl=flat", t("normal-v4")).stdout.splitlines()
    check(len(flat) == len(nested) - 1 == 2 and "summary" not in json.loads(flat[-1]),
          "--jsonl=flat lines: %r" % flat)
    check(run("--jsonl=nested", t("normal-v4")).stdout.splitlines() == nested, "--jsonl=nested")
    for bad in (["--jsonl=flatter"], ["--jsonl=flat", "--segments"]):
        run(*(bad + [t("normal-v4")]), rc=2)
    r = run("--jsonl", "flat", t("normal-v4"), rc=1)  # a trace named "flat"
    check("flat" in r.stderr, "--jsonl flat: %r" % r.stderr)
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
    # default text: a line per connection, within 120 columns for both
    # families; the client originated it and both ends were recorded
    for fam in ("v4", "v6"):
        r = run(t("normal-" + fam))
        rows = [l for l in r.stdout.splitlines() if re.match(r"\d+ +\S+ +\S+ +\d+\.\d{3} ", l)]
        check(len(rows) == 2 and all(len(l) <= 120 for l in r.stdout.splitlines()
                                     if not l.startswith("# ")),
              "text rows %s: %r" % (fam, rows))
        check(rows[1].split()[1:3] == (["192.0.2.1:40000", "192.0.2.2:8080"] if fam == "v4" else
                                       ["[2001:db8::1]:40000", "[2001:db8::2]:8080"]),
              "text orig, resp %s: %r" % (fam, rows[1]))
        check(rows[1].split()[-2:] == ["normal_close", "linux-specific"], "text outcome, verdict")
    check("1 connection(s) (1 analysed), 1 listener(s), 3 endpoint(s)" in r.stdout and "normal_close=1" in r.stdout,
          "text summary")
    # --wide: a line per endpoint, with its owner and state path
    r = run("--wide", t("normal-v4"))
    check("orig #2 100/app100 SYN_SENT>ESTABLISHED>FIN_WAIT1>FIN_WAIT2>CLOSE>TIME_WAIT "
          "normal_close SF linux-specific" in r.stdout, "wide orig line: " + r.stdout)
    check("resp #4 200/app200 SYN_RECV>ESTABLISHED>CLOSE_WAIT>LAST_ACK>CLOSE" in r.stdout,
          "wide resp line")
    # standard input
    with open(t("normal-v4"), "rb") as f:
        r = subprocess.run([TCPANA, "--json", "-"], stdin=f, capture_output=True)
    check(r.returncode == 0 and len(json.loads(r.stdout)["connections"]) == 2, "stdin")
    # --check
    run("--check", t("normal-v4"), rc=0)
    r = run("--check", t("violation-fin-v4"), rc=3)
    check(any(re.match(r"\d+ .* violation$", l) for l in r.stdout.splitlines()),
          "violation in the connection's line: " + r.stdout)
    r = run("--check", "--wide", t("violation-fin-v4"), rc=3)
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
    check(len(jdoc("--port", "40000", t("normal-v4"))["connections"]) == 1, "--port")
    # Every filter repeatable and comma-separated: any value matches.
    check(len(jdoc("--port", "9999", "--port", "40000", t("normal-v4"))["connections"]) == 1,
          "--port repeated")
    check(len(jdoc("--port", "9999,40000", t("normal-v4"))["connections"]) == 1, "--port list")
    check(len(jdoc("--port", "9999,9998", t("normal-v4"))["connections"]) == 0, "--port none")
    check(len(jdoc("--host", "::1", "--host", "192.0.2.1", t("normal-v4"))["connections"]) == 1,
          "--host repeated")
    check(len(jdoc("--outcome", "listener", "--outcome", "normal_close", t("normal-v4"))["connections"]) == 2,
          "--outcome repeated")
    for bad in (["--port", "80,"], ["--host", "192.0.2.1,example.org"], ["--outcome", "bogus"],
                ["--verdict", "conformant,"]):
        r = run(*(bad + [t("normal-v4")]), rc=2)
        check("invalid" in r.stderr, "%s: %r" % (bad, r.stderr))
    check(len(jdoc("--host", "192.0.2.1", t("normal-v4"))["connections"]) == 1, "--host")
    check(len(jdoc("--host", "192.0.2.99", t("normal-v4"))["connections"]) == 0, "--host none")
    check([c["outcome"] for c in jdoc("--outcome", "listener", t("normal-v4"))["connections"]]
          == ["listener"], "--outcome")
    check(len(jdoc("--verdict", "violation", t("violation-fin-v4"))["connections"]) == 1, "--verdict")
    check(len(jdoc("--since", "2025-11-22T03:40:30Z", t("normal-v4"))["connections"]) == 2,
          "--since absolute")
    check(len(jdoc("--since", "30", t("normal-v4"))["connections"]) == 2, "--since relative")
    check(len(jdoc("--outcome", "normal_close", t("normal-v4"))["connections"]) == 1,
          "--outcome of a connection")
    check(len(jdoc("--until", "0.0001", t("normal-v4"))["connections"]) == 1, "--until relative")
    # several files: merged in time order, every connection reported
    doc = jdoc(t("normal-v4"), t("refused-v6"))
    check(len(doc["connections"]) == 3 and len(doc["inputs"]) == 2, "two files")
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
    c = jdoc("--segments", t("pcap-normal-v4"))["connections"][0]["endpoints"]["orig"]
    check(len(c["segments"]["list"]) == 11 and "seq" in c["segments"]["list"][0], "segment list")
    c = jdoc(t("pcap-normal-v4"))["connections"][0]
    check(c["seen"] == "both" and "list" not in c["endpoints"]["orig"]["segments"],
          "no list by default")


def write_calls(args):
    """Bytes tcpana wrote to a pipe, and its write(2) calls (counted by the
    kernel, read from /proc while the exited process is not reaped)."""
    p = subprocess.Popen([TCPANA] + args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    n = len(p.stdout.read())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with open("/proc/%d/stat" % p.pid) as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                break
        time.sleep(0.01)
    with open("/proc/%d/io" % p.pid) as f:
        io = dict(line.split(": ") for line in f.read().splitlines())
    check(p.wait() == 0, "tcpana %s: exit %d" % (" ".join(args), p.returncode))
    return n, int(io["syscw"])


def output_blocks(d):
    """Rows to a file or pipe go out in blocks of 64 KiB, not stdio's 4 KiB
    (st_blksize): through a pipe those made --json half as fast."""
    path = os.path.join(d, "load.trc")
    subprocess.run([GEN_TRACE, "-n", "200000", "-o", path], check=True,
                   stdout=subprocess.DEVNULL)
    for jobs in ("1", "2"):
        for mode in ("--json", "--jsonl"):
            n, calls = write_calls(["-j", jobs, mode, path])
            check(n > 8 << 20, "%s -j %s: only %d bytes of output" % (mode, jobs, n))
            check(calls <= n // (16 << 10) + 8,
                  "%s -j %s: %d bytes in %d writes" % (mode, jobs, n, calls))


TCPANA, GEN_TRACE = sys.argv[2], sys.argv[3]
with tempfile.TemporaryDirectory() as tmp:
    subprocess.run([sys.argv[1], tmp], check=True)
    main(tmp)
    output_blocks(tmp)
if FAILS:
    for f in FAILS:
        print("FAIL:", f)
    sys.exit(1)
print("ok")
