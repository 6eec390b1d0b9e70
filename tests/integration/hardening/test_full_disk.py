#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Full disk: tcprec recording into a 256 KiB tmpfs under load stops by
itself with a non-zero exit and a message naming the error (no space left
on device), and the file stays readable up to its last complete chunk:
events, no damaged block, no trailer claiming a clean end."""

import os
import re
import subprocess
import tempfile

import hardlib as H
import tcptest as T


def test():
    T.require_root()
    T.require_netns()
    T.require_bpf()
    T.require_tcpana()
    mnt = tempfile.mkdtemp(prefix="tcprec-fulldisk-")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", mnt],
                       capture_output=True, text=True)
    if r.returncode != 0:
        os.rmdir(mnt)
        T.skip("cannot mount a tmpfs: " + r.stderr.strip())
    try:
        with T.Topology(family=4, loopback=True) as topo:
            out = os.path.join(mnt, "full.trc")
            rec = T.Recorder(out, netns=topo.server).start()
            load = H.start_load(topo.server, threads=2, seconds=40, rate=2000)
            stopped = H.wait_for(lambda: rec.proc.poll() is not None, timeout=40)
            H.stop_load(load)
            T.check(stopped, "tcprec still running after the disk filled up")
            res = rec.wait(timeout=10)
            check_result(res, out)
    finally:
        subprocess.run(["umount", "-l", mnt], capture_output=True)
        os.rmdir(mnt)


def check_result(res, out):
    T.check(res.returncode not in (0, None) and res.returncode > 0,
            "tcprec exit status on a full disk: %r" % res.returncode)
    T.check(re.search(r"(?i)no space left|ENOSPC", res.stderr or ""),
            "tcprec message does not name the error: %r" % (res.stderr or "")[-500:])
    H.check_no_sanitizer(res.stderr, "tcprec")
    size = os.path.getsize(out)
    T.check(size > 64 * 1024, "file only %d bytes: the disk was not filled" % size)
    records = T.trcdump(out, expect_rc=None)
    s = H.dump_summary(records)
    T.check_eq(s["corrupt"], 0, "damaged blocks in the full-disk trace")
    T.check(s["end"] in ("truncated", "eof"), "trcdump end status %r" % s["end"])
    T.check(s["events"] > 0, "no events readable from the full-disk trace")
    if s["trailer"] is not None:
        T.check_eq(s["trailer"].get("end_reason"), 5, "trailer end_reason (5 = error)")
    else:
        doc = T.tcpana_json(out, expect_rc=None)
        T.check(doc.get("summary", {}).get("truncated") in (True, 1),
                "tcpana summary.truncated: %r" % doc.get("summary"))
    print("full disk: tcprec rc=%d, %d bytes, %d events readable, end=%s; message: %s"
          % (res.returncode, size, s["events"], s["end"],
             (res.stderr or "").strip().splitlines()[-1:]))


T.main(test)
