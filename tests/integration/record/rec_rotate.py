#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tcpdump-style rotation (-C, -G, -W) on real traffic: bench/loadgen in a
loopback namespace, recorded by two tcprec at once, one rotating and one
not.  Every rotated file must be a complete trace alone, named as tcpdump
names its files, and the set read together (in any order, or as a quoted
glob) must hold exactly the connections and transitions of the single
file.  With -W, the ring must leave exactly N files holding the newest
data.

usage: rec_rotate.py 4|6 size|time|ring
"""

import glob
import json
import os
import random
import re
import sys
import time

import recassert as R
import tcptest as T

PORT = R.PORT


def loadgen(topo, count, rate=None):
    argv = [os.environ["LOADGEN"], "-%d" % topo.family, "-n", count, "-t", 2, "-p", PORT,
            "--addr", topo.server.addr, "-T", 100]
    if rate:
        argv += ["--rate", rate]
    lg = T.run_bounded(topo.server.cmd(argv), 90)
    T.check_eq(lg.returncode, 0, "loadgen exit code: " + lg.stderr.strip())


def record(topo, args, traffic):
    """The rotating recorder and a plain one in the same namespace, both
    ready before the traffic starts; returns the plain trace's path."""
    ref = topo.tmp("ref.trc")
    with T.Recorder(ref, netns=topo.server) as plain:
        with T.Recorder(topo.tmp(args[0]), netns=topo.server, args=args[1:]) as rot:
            traffic()
            rr = rot.stop(settle=1.0)
        pr = plain.stop(settle=0)
    T.check_eq(rr.returncode, 0, "rotating tcprec exit code: " + rr.stderr)
    T.check_eq(pr.returncode, 0, "plain tcprec exit code: " + pr.stderr)
    return ref


def tcpana(paths, expect_rc=0):
    r = T.run_bounded([os.environ["TCPANA"], "--json"] + paths, 60)
    T.check_eq(r.returncode, expect_rc, "tcpana %s exit code: %s" % (paths, r.stderr.strip()))
    return json.loads(r.stdout), r.stderr


def endpoints(doc):
    """{(local, remote): [(from, to), ...]} of the loadgen's endpoints."""
    out = {}
    for ep in T.endpoints(doc):
        loc, rem = ep["local"], ep["remote"]
        if PORT not in (loc["port"], rem["port"]):
            continue
        key = (loc["addr"], loc["port"], rem["addr"], rem["port"])
        T.check(key not in out, "endpoint %r reported twice" % (key,))
        out[key] = [(t["from"], t["to"]) for t in ep["transitions"]]
    return out


def check_file_alone(path, index, recording_id, last):
    """A file of the set is a complete trace alone."""
    trace = T.Trace.load(path)
    hdr, trl = trace.header, trace.trailer
    T.check_eq(hdr["version"], "1.4", path + " version")
    T.check_eq(hdr["recording_id"], recording_id, path + " recording_id")
    T.check_eq(hdr["file_index"], index, path + " file_index")
    T.check(trl is not None and trace.end["end"] == "eof", path + ": no trailer")
    T.check(not trace.corrupt, path + ": damaged blocks")
    T.check_eq(trl["end_reason"], 1 if last else 6, path + " end reason")
    T.check_eq(trl["events"], len(trace.events), path + " trailer events")
    R.check_no_losses(trace)
    tcpana([path])  # exit 0 alone
    return trace


def differ(got, want):
    """A short description of how two endpoint maps differ."""
    missing = [k for k in want if k not in got]
    extra = [k for k in got if k not in want]
    changed = [k for k in want if k in got and got[k] != want[k]]
    return "%d missing %r, %d extra %r, %d changed %r" % (
        len(missing), missing[:3], len(extra), extra[:3], len(changed),
        [(k, got[k], want[k]) for k in changed[:2]])


def check_set(files, first_index, ref, pattern, expect_equal=True):
    """Each file alone, then the set in a shuffled order and as a glob."""
    traces = []
    rid = T.Trace.load(files[0]).header["recording_id"]
    T.check(rid != "0" * 32, "no recording_id")
    for i, path in enumerate(files):
        traces.append(check_file_alone(path, first_index + i, rid, i == len(files) - 1))
    # Connections spanning a rotation are declared again in the next file.
    serials = [{e["conn"]["serial"] for e in t.events if "conn" in e} for t in traces]
    spanning = sum(len(serials[i] & serials[i + 1]) for i in range(len(serials) - 1))
    T.check(spanning > 0, "no connection has events in two files")
    shuffled = list(files)
    random.shuffle(shuffled)
    doc, err = tcpana(shuffled)
    T.check("warning" not in err, "tcpana warned on the set: " + err)
    gdoc, _ = tcpana([pattern])
    mine, ref_eps = endpoints(doc), endpoints(tcpana([ref])[0])
    T.check(endpoints(gdoc) == mine, "the set read as a glob: " + differ(endpoints(gdoc), mine))
    if expect_equal:
        T.check(mine == ref_eps, "the set vs the single file: " + differ(mine, ref_eps))
        T.check_eq(doc["summary"]["by_verdict"].get("incomplete", 0),
                   tcpana([ref])[0]["summary"]["by_verdict"].get("incomplete", 0),
                   "incomplete connections, set vs single file")
    return doc, mine, ref_eps, spanning


def size(topo, count=12000):
    ref = record(topo, ["rot.trc", "-C", 1], lambda: loadgen(topo, count))
    files = sorted(glob.glob(topo.tmp("rot.trc*")), key=lambda p: (len(p), p))
    names = [os.path.basename(p) for p in files]
    T.check(len(files) >= 3, "only %d files: %r" % (len(files), names))
    T.check_eq(names, ["rot.trc"] + ["rot.trc%d" % i for i in range(1, len(files))],
               "file names (tcpdump -C)")
    for p in files:
        T.check(os.path.getsize(p) <= 1000000, "%s: %d bytes" % (p, os.path.getsize(p)))
    _, mine, _, spanning = check_set(files, 0, ref, topo.tmp("rot.trc*"))
    # A missing middle file: a gap, its connections lost, the rest read.
    r = T.run_bounded([os.environ["TCPANA"], "--json", files[0]] + files[2:], 60)
    T.check_eq(r.returncode, 0, "tcpana without the second file: " + r.stderr)
    T.check("file 1 of the recording is missing" in r.stderr, "no gap warning: " + r.stderr)
    gap = json.loads(r.stdout)["summary"]["by_verdict"].get("incomplete", 0)
    T.check(gap > 0, "no connection marked incomplete across the gap")
    print("%d files, %d endpoints as in the single file, %d serials across files, "
          "%d incomplete across a removed file" % (len(files), len(mine), spanning, gap))


def timed(topo, seconds=1, count=7000, rate=2000):
    started = int(time.time())
    ref = record(topo, ["rot-%s.trc", "-G", seconds], lambda: loadgen(topo, count, rate))
    files = glob.glob(topo.tmp("rot-*.trc"))
    stamps = sorted(int(re.search(r"rot-(\d+)\.trc$", p).group(1)) for p in files)
    T.check(len(files) >= 3, "only %d files: %r" % (len(files), files))
    T.check(stamps[0] >= started - 1 and stamps[-1] <= time.time(), "names %r" % stamps)
    files = [topo.tmp("rot-%d.trc" % s) for s in stamps]
    _, mine, _, _ = check_set(files, 0, ref, topo.tmp("rot-*.trc"))
    print("%d files %r, %d endpoints as in the single file" % (len(files), stamps, len(mine)))


def ring(topo, count=18000):
    ref = record(topo, ["rot.trc", "-C", 1, "-W", 3], lambda: loadgen(topo, count))
    names = sorted(os.path.basename(p) for p in glob.glob(topo.tmp("rot.trc*")))
    T.check_eq(names, ["rot.trc0", "rot.trc1", "rot.trc2"], "file names (tcpdump -C -W 3)")
    by_index = sorted((T.Trace.load(topo.tmp(n)).header["file_index"], topo.tmp(n))
                      for n in names)
    first = by_index[0][0]
    T.check(first >= 1, "the ring did not wrap (first file index %d)" % first)
    T.check_eq([i for i, _ in by_index], [first, first + 1, first + 2], "file indexes")
    files = [p for _, p in by_index]
    T.check_eq(os.path.basename(files[-1]), "rot.trc%d" % ((first + 2) % 3), "newest name")
    doc, mine, ref_eps, _ = check_set(files, first, ref, topo.tmp("rot.trc?"),
                                      expect_equal=False)
    _, err = tcpana(files)
    T.check("note:" in err and "warning" not in err, "ring start: " + err)
    # The newest data: every endpoint the ring holds is the single file's,
    # those begun in it with the same transitions, and the last one to
    # close is there.
    T.check(set(mine) <= set(ref_eps), "endpoints not in the single file")
    whole = [k for k, tr in mine.items()
             if tr and tr[0] in (("CLOSE", "SYN_SENT"), ("LISTEN", "SYN_RECV"))]
    T.check(whole, "no connection begins in the ring")
    bad = [k for k in whole if mine[k] != ref_eps[k]]
    T.check(not bad, "%d transitions differ: %r" % (len(bad), [(k, mine[k], ref_eps[k])
                                                              for k in bad[:2]]))
    T.check(len(mine) < len(ref_eps), "the ring holds everything")
    # The newest client by its start: ports are not handed out in order.
    newest = max((ep for ep in T.endpoints(tcpana([ref])[0]) if ep["remote"]["port"] == PORT),
                 key=lambda ep: ep["start_ns"])
    last = (newest["local"]["addr"], newest["local"]["port"], newest["remote"]["addr"], PORT)
    T.check(last in mine, "the newest connection is not in the ring: %r" % (last,))
    print("ring of 3 files, indexes %d..%d, %d of %d endpoints" %
          (first, first + 2, len(mine), len(ref_eps)))


def main():
    family = R.family_arg(sys.argv)
    mode = sys.argv[2]
    T.require_record_and_analyse()
    T.require_trcdump()
    if not os.access(os.environ.get("LOADGEN", ""), os.X_OK):
        T.skip("LOADGEN is not set or not executable (bench/loadgen not built)")
    with T.Topology(family, loopback=True) as topo:
        topo.server.sysctl("net.ipv4.tcp_tw_reuse", 0)
        {"size": size, "time": timed, "ring": ring}[mode](topo)


if __name__ == "__main__":
    T.main(main)
