#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Runs recorder integration scenarios one after another inside a VM
booted by scripts/vmtest.sh: the same scripts with the same assertions
as on the host, under the kernel users run.  Every trace the scenarios
read must show the expected attach flavours in its header
(TCPREC_TESTS_EXPECT_PROBES, checked by tcptrace.Trace.load), and the
running kernel must be the expected one, so a run cannot pass on paths
or kernels it was not meant for.

usage: vm_suite.py KERNEL-RELEASE-PREFIX SCRIPT:ARG[:ARG...] ...
Exit: 0 when every scenario passed, 1 otherwise (a skip is a failure).
"""

import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RECORD = os.path.join(HERE, "..", "record")


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    release = os.uname().release
    if not release.startswith(sys.argv[1]):
        print("FAIL: running kernel %s, expected %s*" % (release, sys.argv[1]))
        return 1
    print("kernel %s, probes %s, expected plan %s" % (
        release, os.environ.get("TCPREC_TESTS_PROBE", "(tcprec's choice)"),
        os.environ.get("TCPREC_TESTS_EXPECT_PROBES")), flush=True)
    failed = []
    for spec in sys.argv[2:]:
        script, *args = spec.split(":")
        t0 = time.monotonic()
        r = subprocess.run([sys.executable, os.path.join(RECORD, script + ".py")] + args,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=300)
        verdict = {0: "ok", 77: "SKIP"}.get(r.returncode, "FAIL")
        print("%-40s %s (%.0f s)" % (spec, verdict, time.monotonic() - t0), flush=True)
        if r.returncode != 0:
            failed.append(spec)
            print("".join("    " + ln + "\n" for ln in r.stdout.splitlines()[-25:]), flush=True)
    print("%d scenarios, %d failed%s" % (len(sys.argv) - 2, len(failed),
                                         ": " + " ".join(failed) if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
