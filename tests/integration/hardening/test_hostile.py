#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Hostile traces: tcpana (text and --json) and trcdump over every file of
the trace-reader fuzz corpus, plus damaged copies of a well-formed trace
made here (cut at many points, garbage appended, bytes flipped, random
data): each run ends with a clear message or partial results, never a
crash (exit code < 128, no sanitizer report), never a hang, and within a
512 MiB address space (plain builds; ASan reserves far more)."""

import glob
import os
import random
import subprocess
import tempfile

import hardlib as H
import tcptest as T

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      "..", "..", "fuzz", "corpus", "trace-reader")
AS_LIMIT = 512 << 20
TIMEOUT = 20


def damaged_copies(tmpdir):
    """Damaged variants of a small well-formed trace from gen_trace."""
    gen = os.environ.get("GEN_TRACE")
    if not gen or not os.access(gen, os.X_OK):
        return []
    good = os.path.join(tmpdir, "good.trc")
    subprocess.run([gen, "-n", "20000", "-k", "16", "-o", good], check=True,
                   capture_output=True)
    data = open(good, "rb").read()
    rnd = random.Random(20261122)
    variants = {"good": data, "garbage-tail": data + bytes(rnd.randrange(256)
                                                           for _ in range(3000)),
                "random": bytes(rnd.randrange(256) for _ in range(65536)),
                "empty": b"", "double": data + data}
    for i in range(8):
        variants["cut%d" % i] = data[:rnd.randrange(1, len(data))]
    for i in range(8):
        b = bytearray(data)
        for _ in range(1 + i * 4):
            b[rnd.randrange(len(b))] ^= 1 << rnd.randrange(8)
        variants["flip%d" % i] = bytes(b)
    paths = []
    for name, blob in variants.items():
        p = os.path.join(tmpdir, name + ".trc")
        with open(p, "wb") as f:
            f.write(blob)
        paths.append(p)
    return paths


def run_limited(argv):
    if not H.sanitized():
        argv = ["prlimit", "--as=%d" % AS_LIMIT, "--"] + argv
    try:
        return subprocess.run(argv, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        T.fail("%s did not finish within %d s" % (" ".join(argv), TIMEOUT))


def check_one(path, tools):
    name = os.path.basename(path)
    for label, argv in (("tcpana", [tools["tcpana"], path]),
                        ("tcpana --json", [tools["tcpana"], "--json", path]),
                        ("trcdump", [tools["trcdump"], path])):
        r = run_limited(argv)
        err = r.stderr.decode("utf-8", "replace")
        H.check_no_sanitizer(err, "%s %s" % (label, name))
        T.check(0 <= r.returncode < 128,
                "%s %s: exit status %d (crash): %s" % (label, name, r.returncode, err[-800:]))
        if r.returncode != 0 and label != "trcdump":
            first = err.strip().splitlines()[:1]
            T.check(first and len(first[0]) < 400,
                    "%s %s: exit %d without a clear message" % (label, name, r.returncode))
    return r.returncode


def test():
    tools = {"tcpana": T.require_tcpana(), "trcdump": T.require_trcdump()}
    if not H.sanitized():
        T.require_tool("prlimit")
    with tempfile.TemporaryDirectory(prefix="tcprec-hostile-") as tmp:
        files = sorted(f for f in glob.glob(os.path.join(CORPUS, "*")) if os.path.isfile(f))
        files += damaged_copies(tmp)
        if not files:
            T.skip("no hostile traces: the corpus is empty and GEN_TRACE is not built")
        codes = {}
        for f in files:
            rc = check_one(f, tools)
            codes[rc] = codes.get(rc, 0) + 1
            if os.path.basename(f) == "good.trc":
                T.check_eq(rc, 0, "trcdump on the intact trace")
        print("hostile traces: %d files, trcdump exit codes %r" % (len(files), codes))


T.main(test)
