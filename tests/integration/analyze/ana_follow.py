#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tcpana --follow reports connections while tcprec still records them.

pipe: `tcprec -w - | tcpana --follow -` (the table).  file: tcprec writes
a file and `tcpana --follow --jsonl FILE` reads it as it grows.  Each
connection is made only after the previous one's line was printed, with
the recorder still running, so every line can only have come from
following; the lines must name the right endpoints, bytes and outcome,
in order.  Then tcprec is stopped and tcpana ends by itself with the
summary of what it read.

usage: ana_follow.py 4|6 pipe|file
"""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import tcptest as T
from tcprun import SNAPSHOT_RE

PORT = 8080
CONNECTIONS = 3
REQUEST, RESPONSE = 300, 700

# One connection from client port argv[2]: the client sends REQUEST
# bytes, the server answers RESPONSE bytes, both close.
ONE = r"""
import socket, sys
addr, cport = sys.argv[1], int(sys.argv[2])
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
srv = socket.socket(fam); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((addr, %d)); srv.listen()
cli = socket.socket(fam); cli.bind((addr, cport)); cli.connect((addr, %d))
acc, _ = srv.accept()
def exchange(src, dst, n):
    src.sendall(b"x" * n)
    got = 0
    while got < n:
        got += len(dst.recv(65536))
exchange(cli, acc, %d)
exchange(acc, cli, %d)
acc.close(); cli.close(); srv.close()
""" % (PORT, PORT, REQUEST, RESPONSE)


class Lines:
    """A process's stdout, line by line, as it comes."""

    def __init__(self, stream):
        self.lines = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for raw in iter(stream.readline, b""):
            with self.cond:
                self.lines.append(raw.decode(errors="replace").rstrip("\n"))
                self.cond.notify_all()

    def wait_for(self, pred, timeout, what):
        end = time.monotonic() + timeout
        with self.cond:
            while True:
                found = [l for l in self.lines if pred(l)]
                if found:
                    return found[0]
                left = end - time.monotonic()
                T.check(left > 0, "%s: not printed; tcpana printed so far:\n%s" % (
                    what, "\n".join(self.lines)))
                self.cond.wait(left)


def start_recorder(topo, out, stdout):
    """tcprec in the server's namespace, returned once it is recording."""
    argv = [os.environ["TCPREC"], "-v", "-w", out, "--netns", topo.server.netns_path,
            "--port", str(PORT)]
    rec = subprocess.Popen(argv, stdout=stdout, stderr=subprocess.PIPE)
    topo.procs.append(rec)
    err = []
    ready = threading.Event()

    def read_err():
        for raw in iter(rec.stderr.readline, b""):
            line = raw.decode(errors="replace")
            err.append(line)
            if SNAPSHOT_RE.search(line):
                ready.set()
        ready.set()

    threading.Thread(target=read_err, daemon=True).start()
    T.check(ready.wait(30) and rec.poll() is None, "tcprec not ready: " + "".join(err))
    return rec, err


def connect(topo, k):
    """Connection k from a fixed client port (so its line can be told)."""
    cport = 40000 + k
    topo.server.run([sys.executable, "-c", ONE, topo.server.addr, str(cport)])
    return cport


def check_bytes(orig, resp, line):
    """Payload bytes, not the sequence space of the SYN and the FINs."""
    T.check_eq((orig, resp), (REQUEST, RESPONSE), "bytes each way: " + line)


def check_row(line, addr, cport):
    """A table row: ID ORIG RESP START DURATION ORIGB RESPB RTT RETX OUTCOME VERDICT."""
    f = line.split()
    T.check_eq(len(f), 11, "table row: " + line)
    T.check(f[1].endswith(":%d" % cport) and f[2].endswith(":%d" % PORT),
            "originator/responder: " + line)
    check_bytes(int(f[5]), int(f[6]), line)
    T.check_eq(f[9], "normal_close", "outcome: " + line)


def check_jsonl(line, addr, cport):
    c = json.loads(line)
    T.check_eq((c["orig"]["port"], c["resp"]["port"]), (cport, PORT), "sides: " + line)
    check_bytes(c["orig_bytes"], c["resp_bytes"], line)
    T.check_eq(c["outcome"], "normal_close", "outcome: " + line)


def run(topo, mode):
    addr = topo.server.addr
    if mode == "pipe":
        rec, rec_err = start_recorder(topo, "-", subprocess.PIPE)
        ana = subprocess.Popen([os.environ["TCPANA"], "--follow", "-"], stdin=rec.stdout,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        rec.stdout.close()
        mine = lambda cport: (lambda l: re.search(r":%d\s" % cport, l) is not None and
                              ":%d " % PORT in l)
        check = check_row
    else:
        trc = topo.tmp("follow.trc")
        rec, rec_err = start_recorder(topo, trc, subprocess.DEVNULL)
        ana = subprocess.Popen([os.environ["TCPANA"], "--follow", "--jsonl", trc],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        mine = lambda cport: (lambda l: l.startswith('{"id"') and
                              '"orig":{"addr":"%s","port":%d}' % (addr, cport) in l)
        check = check_jsonl
    topo.procs.append(ana)
    out = Lines(ana.stdout)
    seen = []
    for k in range(CONNECTIONS):
        cport = connect(topo, k)
        # Generous: a loaded test machine; the promise (1 s) is measured
        # by bench/, not here.
        line = out.wait_for(mine(cport), 20, "connection %d (client port %d)" % (k, cport))
        T.check(rec.poll() is None, "tcprec stopped before connection %d was shown" % k)
        check(line, addr, cport)
        seen.append(out.lines.index(line))
    T.check_eq(seen, sorted(seen), "connections printed in the order they closed")
    rec.send_signal(signal.SIGINT)
    T.check_eq(rec.wait(30), 0, "tcprec exit code: " + "".join(rec_err))
    try:
        rc = ana.wait(30)
    except subprocess.TimeoutExpired:
        ana.kill()
        T.fail("tcpana --follow did not end after tcprec stopped")
    err = ana.stderr.read().decode(errors="replace")
    T.check_eq(rc, 0, "tcpana exit code: " + err)
    T.check("truncated" not in err, "tcpana warned: " + err)
    time.sleep(0.1)
    if mode == "pipe":
        out.wait_for(lambda l: re.match(r"%d connection\(s\)" % CONNECTIONS, l) is not None,
                     5, "summary")
    else:
        summary = json.loads(out.wait_for(lambda l: l.startswith('{"summary"'), 5,
                                          "summary"))
        T.check_eq(summary["summary"]["connections"], CONNECTIONS, "summary: %s" % summary)
    print("%s: %d connections followed" % (mode, CONNECTIONS))


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("4", "6") or sys.argv[2] not in ("pipe",
                                                                                 "file"):
        raise SystemExit(__doc__)
    T.require_record_and_analyse()
    with T.Topology(int(sys.argv[1]), loopback=True) as topo:
        run(topo, sys.argv[2])


T.main(main)
