#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Privileges: `tcprec -Z nobody` gives up root after attaching (every uid
and gid of the process is nobody's and its effective capability set is
empty while it records), still records, and writes the trace with mode
0600; tcpana needs no privilege: run as nobody it analyses a root-owned
0644 copy, and it refuses the 0600 original with a clear message."""

import os
import pwd
import shutil
import stat

import hardlib as H
import tcptest as T

AS_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def proc_status(pid):
    fields = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.split()
    return fields


def check_dropped(pid):
    nobody = pwd.getpwnam("nobody")
    st = proc_status(pid)
    T.check_eq(st["Uid"], [str(nobody.pw_uid)] * 4, "tcprec Uid (real, eff, saved, fs)")
    T.check_eq(st["Gid"], [str(nobody.pw_gid)] * 4, "tcprec Gid (real, eff, saved, fs)")
    T.check_eq(int(st["CapEff"][0], 16), 0, "tcprec CapEff")
    T.check_eq(int(st["CapPrm"][0], 16), 0, "tcprec CapPrm")
    T.check(st.get("Groups", []) in ([], [str(nobody.pw_gid)]),
            "tcprec supplementary groups: %r" % st.get("Groups"))


def test():
    T.require_root()
    T.require_netns()
    T.require_bpf()
    tcpana = T.require_tcpana()
    T.require_tool("setpriv")
    with T.Topology(family=4, loopback=True) as topo:
        out = topo.tmp("priv.trc")
        rec = T.Recorder(out, netns=topo.server, args=["-Z", "nobody"]).start()
        T.check(H.wait_for(lambda: proc_status(rec.proc.pid)["Uid"][0] != "0", 5),
                "tcprec still runs as root")
        check_dropped(rec.proc.pid)
        T.run_scenario(topo, "normal", port=8080)
        check_dropped(rec.proc.pid)
        res = rec.stop()
        T.check_eq(res.returncode, 0, "tcprec -Z nobody exit status (%s)" % res.stderr[-300:])
        mode = stat.S_IMODE(os.stat(out).st_mode)
        T.check_eq(oct(mode), oct(0o600), "trace file mode")
        trace = T.Trace.load(out)
        T.check(trace.trailer is not None, "no trailer after -Z nobody")
        T.check(trace.endpoints(lport=8080), "no connection on port 8080 recorded after the drop")

        copy = topo.tmp("copy.trc")
        shutil.copyfile(out, copy)
        os.chown(copy, 0, 0)
        os.chmod(copy, 0o644)
        r = T.run_bounded(AS_NOBODY + [tcpana, copy], 60)
        T.check_eq(r.returncode, 0, "tcpana as nobody on a 0644 copy (%s)" % r.stderr.strip())
        T.check("8080" in r.stdout, "tcpana as nobody printed no connection: %r" % r.stdout)
        r = T.run_bounded(AS_NOBODY + [tcpana, out], 60)
        T.check(0 < r.returncode < 128, "tcpana as nobody on the 0600 original: exit %d"
                % r.returncode)
        T.check(r.stderr.strip() and len(r.stderr.strip().splitlines()) <= 2,
                "tcpana error is not one clear line: %r" % r.stderr)
        print("privileges: dropped to nobody, mode 0600, unprivileged tcpana ok; refusal: %s"
              % r.stderr.strip())


T.main(test)
