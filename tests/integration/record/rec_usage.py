#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""tcprec's answers to bad usage and to environments it cannot work in:
one clear error line on stderr (argp may add its "Try `tcprec --help'"
hint), exit code 2 for usage errors and 1 for runtime errors, and no
output file left behind when recording could not start.

usage: rec_usage.py
"""

import os
import shutil
import subprocess
import tempfile

import tcptest as T

USAGE, RUNTIME = 2, 1


def error_line(r, what):
    """The one error line of a failed run (argp's usage hint aside)."""
    lines = [ln for ln in r.stderr.splitlines() if ln.strip() and not ln.startswith("Try `")]
    T.check_eq(len(lines), 1, "%s: stderr lines %r" % (what, r.stderr))
    T.check_eq(r.stdout, "", what + ": stdout")
    return lines[0]


def expect(args, rc, needle, what, user=None, gone=None):
    r = T.run_tcprec(args, user=user)
    T.check_eq(r.returncode, rc, "%s: exit code (stderr %r)" % (what, r.stderr))
    line = error_line(r, what)
    T.check(needle.lower() in line.lower(), "%s: %r does not mention %r" % (what, line, needle))
    if gone:
        T.check(not os.path.exists(gone), "%s: %s left behind" % (what, gone))
    print("%s: exit %d: %s" % (what, r.returncode, line))
    return line


def usage_errors(d):
    out = os.path.join(d, "u.trc")
    expect(["--no-such-option", "-o", out], USAGE, "no-such-option", "unknown option", gone=out)
    expect(["-c", "abc", "-o", out], USAGE, "abc", "-c abc", gone=out)
    expect(["--duration", "-1", "-o", out], USAGE, "-1", "--duration -1", gone=out)
    expect(["-B", "3", "-o", out], USAGE, "3", "-B 3", gone=out)
    expect(["-c", "99999999999999999999999", "-o", out], USAGE, "9999", "-c overflow",
           gone=out)
    expect([], USAGE, "-o", "missing -o")


def runtime_errors(d):
    expect(["-o", "/proc/x/y", "--duration", "1"], RUNTIME, "/proc/x/y", "unwritable path")
    # A read-only directory (root ignores permission bits, so a read-only
    # mount in a private mount namespace).
    ro = os.path.join(d, "ro")
    os.mkdir(ro)
    tcprec = os.environ["TCPREC"]
    r = subprocess.run(["unshare", "-m", "sh", "-c",
                        'mount -t tmpfs -o ro tmpfs "$1" && exec "$2" -o "$1/out.trc" '
                        '--duration 1', "sh", ro, tcprec],
                       capture_output=True, text=True, timeout=30)
    T.check_eq(r.returncode, RUNTIME, "read-only directory: exit code (%r)" % r.stderr)
    line = error_line(r, "read-only directory")
    T.check(ro in line, "read-only directory: %r does not name the file" % line)
    print("read-only directory: exit %d: %s" % (r.returncode, line))


def plan_of(path):
    """{event: flavour} of a trace's probe plan (read without the suite's
    expected plan: these recordings choose their own)."""
    return T.Trace(T.trcdump(path)).probes()


def forced_flavours(d):
    """--probe: a flavour the event has no program for is a usage error;
    one that cannot load on this kernel is a runtime error naming it, and
    never a silent fallback; one that loads is what the header records.
    Whether fentry and kprobe load here is what tcprec's own choice says:
    it prefers them wherever they load."""
    out = os.path.join(d, "p.trc")
    expect(["--probe", "states=fentry", "-o", out], USAGE, "states offers", "--probe states=fentry",
           gone=out)
    expect(["--probe", "seg_rx=kprobe,tw_exit=iter,tw_enter=fentry", "-o", out], USAGE,
           "forced to iter already", "--probe tw mix", gone=out)
    plain = os.path.join(d, "plain.trc")
    r = T.run_tcprec(["-o", plain, "--duration", "1"])
    T.check_eq(r.returncode, 0, "plain recording: " + r.stderr)
    auto = plan_of(plain)
    kprobe_pmu = os.path.exists("/sys/bus/event_source/devices/kprobe/type")
    for flavour, loads in (("fentry", auto["seg_rx"] == "fentry"), ("kprobe", kprobe_pmu)):
        args = ["--probe", "seg_rx=" + flavour, "-o", out, "--duration", "1"]
        if not loads:
            expect(args, RUNTIME, "--probe seg_rx=%s: %s programs do not load" % (flavour, flavour),
                   "--probe seg_rx=" + flavour, gone=out)
            continue
        r = T.run_tcprec(args)
        T.check_eq(r.returncode, 0, "--probe seg_rx=%s: %s" % (flavour, r.stderr))
        got = plan_of(out)
        T.check_eq(got["seg_rx"], flavour, "forced seg_rx in the header")
        T.check_eq(got["seg_tx"], auto["seg_tx"], "seg_tx, not forced")
        os.unlink(out)
        print("--probe seg_rx=%s: recorded with it" % flavour)


def no_privileges(d):
    """As nobody, tcprec cannot load BPF: it says so and leaves no file."""
    shared = os.path.join(d, "nobody")
    os.mkdir(shared)
    os.chmod(shared, 0o1777)
    out = os.path.join(shared, "np.trc")
    line = expect(["-o", out, "--duration", "1"], RUNTIME, "", "as nobody",
                  user="nobody", gone=out)
    T.check(any(w in line.lower() for w in ("privilege", "permission", "root", "cap_")),
            "as nobody: %r does not explain the missing privilege" % line)


def main():
    T.require_root()
    T.require_bpf()
    T.require_tool("setpriv")
    T.require_tool("unshare")
    d = tempfile.mkdtemp(prefix="tcprec-usage-")
    os.chmod(d, 0o755)
    try:
        usage_errors(d)
        runtime_errors(d)
        forced_flavours(d)
        no_privileges(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    T.main(main)
