#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""A process name that is not text: a client renames itself with
prctl(PR_SET_NAME) to bytes that are invalid UTF-8 and hold a terminal
escape, then connects on loopback while tcprec records.  Every tcpana
output must succeed; JSON must parse and carry the name with U+FFFD in
place of each bad byte and of the escape; no text output may contain the
escape byte.  (Before, `tcpana --json` failed with "Cannot allocate
memory": jansson refuses strings that are not UTF-8.)

usage: ana_hostile_names.py 4|6
"""

import json
import os
import sys
import time

import tcptest as T

PORT = 8080
NAME = b"\xff\xfe\x1b[31mX"
EXPECTED = "\ufffd\ufffd\ufffd[31mX"

CLIENT = r"""
import ctypes, socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
ctypes.CDLL(None).prctl(15, %r, 0, 0, 0)  # PR_SET_NAME
srv = socket.socket(fam); srv.bind((sys.argv[1], %d)); srv.listen()
cli = socket.socket(fam); cli.connect((sys.argv[1], %d))
acc, _ = srv.accept(); cli.sendall(b"q"); acc.recv(1)
cli.close(); acc.close(); srv.close()
""" % (NAME, PORT, PORT)


def tcpana(*args):
    """tcpana's output as bytes: the names it prints must be checked as written."""
    return T.tcpana_output(*args, timeout=30, text=False)


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ("4", "6"):
        raise SystemExit(__doc__)
    T.require_record_and_analyse()
    with T.Topology(int(sys.argv[1]), loopback=True) as topo:
        out = topo.tmp("names.trc")
        with T.Recorder(out, netns=topo.server) as rec:
            topo.server.run([sys.executable, "-c", CLIENT, topo.server.addr])
            time.sleep(0.3)
            rr = rec.stop()
        T.check_eq(rr.returncode, 0, "tcprec exit code: " + rr.stderr)
        doc = json.loads(tcpana("--json", out))
        mine = [c for c in T.endpoints(doc) if PORT in (c["local"]["port"],
                                                          c["remote"]["port"])]
        T.check_eq(len(mine), 3, "listener, client and server endpoints")
        named = [c["comm"] for c in mine if c["comm"] is not None]
        T.check(named, "no endpoint has an owner")
        T.check(all(n == EXPECTED for n in named), "comm in JSON: %r" % named)
        for line in tcpana("--jsonl", out).splitlines():
            json.loads(line)
        # The default table and --stats show no owner; the others do.
        for args in ([], ["--wide"], ["--replay"], ["--timeline"], ["--stats"]):
            text = tcpana(*(args + [out]))
            T.check(b"\x1b" not in text, "tcpana %s printed the escape byte" % args)
            T.check(EXPECTED.encode() in text or args in ([], ["--stats"]),
                    "tcpana %s does not show the name as %r" % (args, EXPECTED))
        print("comm %r shown as %r" % (NAME, EXPECTED))


T.main(main)
