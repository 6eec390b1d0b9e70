#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tcpana --filter=EXPR on the recorded samples: the connections kept are
those the expression matches with the tuple oriented either way, counted
here from tcpana's unfiltered output by predicates written in Python for
each case (not by tcpana's evaluator), and pinned.  Usage errors exit 2
and name the column.

usage: test-filter-expr.py TCPANA SAMPLES_DIR
"""
import glob
import ipaddress
import json
import os
import subprocess
import sys

FAILS = []


def ip(a):
    return ipaddress.ip_address(a)


# (expression, predicate on (family, src, dst) with src/dst = (addr,
# port), the count over every sample).
CASES = [
    ("port 8080", lambda f, s, d: 8080 in (s[1], d[1]), 13),
    ("ip6", lambda f, s, d: f == 6, 2),
    ("not ip6", lambda f, s, d: f != 6, 11),
    ("dst port 8080 and src host 127.0.0.1",
     lambda f, s, d: d[1] == 8080 and s[0] == ip("127.0.0.1"), 6),
    ("portrange 57500-57530", lambda f, s, d: any(57500 <= p <= 57530 for p in (s[1], d[1])), 3),
    ("src host 0.0.0.0 or src host ::", lambda f, s, d: s[0] in (ip("0.0.0.0"), ip("::")), 6),
    ("net 127.0.0.0/8 and not port 0",
     lambda f, s, d: f == 4 and ip("127.0.0.1") in (s[0], d[0]) and 0 not in (s[1], d[1]), 6),
    ("(port 57524 or port 36104) and ip", lambda f, s, d: f == 4 and 57524 in (s[1], d[1]), 1),
    ("dst net ::/0 and portrange 36000-37000",
     lambda f, s, d: f == 6 and 36000 <= d[1] <= 37000, 1),
    # tcpdump's precedence: (a or b) and c.
    ("port 57524 or port 57532 and ip6", lambda f, s, d: False, 0),
]


def tcpana(*args, rc=0):
    r = subprocess.run([TCPANA] + list(args), capture_output=True, text=True)
    if r.returncode != rc:
        FAILS.append("tcpana %s: exit %d, expected %d: %s" % (" ".join(args), r.returncode, rc,
                                                            r.stderr.strip()))
    return r


def connections(*args):
    return json.loads(tcpana("--json", *args).stdout)["connections"]


def expected(conns, pred):
    n = 0
    for c in conns:
        o = (ip(c["orig"]["addr"]), c["orig"]["port"])
        r = (ip(c["resp"]["addr"]), c["resp"]["port"])
        n += bool(pred(c["family"], o, r) or pred(c["family"], r, o))
    return n


def main():
    global TCPANA
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    TCPANA = sys.argv[1]
    traces = sorted(glob.glob(os.path.join(sys.argv[2], "*.trc")))
    every = connections(*traces)
    if len(every) != 13:
        FAILS.append("samples: %d connections, expected 13" % len(every))
    for expr, pred, count in CASES:
        want = expected(every, pred)
        if want != count:
            FAILS.append("'%s': the predicate counts %d, pinned %d" % (expr, want, count))
        got = len(connections("--filter=" + expr, *traces))
        if got != want:
            FAILS.append("'%s': tcpana kept %d connections, expected %d" % (expr, got, want))
    text = tcpana("--filter", "ip6", *traces).stdout
    if "1 connection(s)" not in text or "1 listener(s)" not in text:
        FAILS.append("text output with --filter ip6: %r" % text[-300:])
    r = tcpana("--filter=port foo", traces[0], rc=2)
    if "filter: expected a port number after 'port' at 'foo' (column 6)" not in r.stderr:
        FAILS.append("--filter error: %r" % r.stderr)
    r = tcpana("--filter=ip", "--filter=ip6", traces[0], rc=2)
    if "--filter given twice" not in r.stderr:
        FAILS.append("--filter twice: %r" % r.stderr)
    for f in FAILS:
        print("FAIL", f)
    if FAILS:
        sys.exit(1)
    print("%d expressions agree" % len(CASES))


main()
