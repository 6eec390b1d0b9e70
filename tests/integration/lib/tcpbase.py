# SPDX-License-Identifier: BSD-2-Clause
"""Failure, skip and capability checks shared by the test library modules.

A failed assertion raises TestFailure (tcptest.main() turns it into exit 1
with the reason on stderr); a missing capability exits 77 with the reason,
or 1 when TCPREC_TESTS_REQUIRE_ALL=1 says nothing may be skipped.
"""

import os
import shutil
import subprocess
import sys

EXIT_SKIP = 77


class TestFailure(Exception):
    """An assertion of the test failed."""


def require_all():
    return os.environ.get("TCPREC_TESTS_REQUIRE_ALL") == "1"


def skip(reason):
    """Missing capability: exit 77 (skip), or 1 under REQUIRE_ALL."""
    if require_all():
        sys.stderr.write("FAIL: %s (TCPREC_TESTS_REQUIRE_ALL=1)\n" % reason)
        sys.exit(1)
    sys.stderr.write("SKIP: %s\n" % reason)
    sys.exit(EXIT_SKIP)


def fail(msg):
    raise TestFailure(msg)


def check(cond, msg):
    if not cond:
        fail(msg)


def check_eq(actual, expected, what):
    if actual != expected:
        fail("%s: expected %r, got %r" % (what, expected, actual))


def require_root():
    if os.geteuid() != 0:
        skip("needs root (network namespaces, BPF)")


def require_tool(name):
    path = shutil.which(name)
    if not path:
        skip("needs %s in PATH" % name)
    return path


def require_netns():
    require_tool("ip")
    name = "ttprobe%d" % os.getpid()
    r = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
    if r.returncode != 0:
        skip("cannot create a network namespace: " + r.stderr.strip())
    subprocess.run(["ip", "netns", "del", name], capture_output=True)


def _require_exe(var, what):
    path = os.environ.get(var)
    if not path:
        skip("%s is not set (%s not built)" % (var, what))
    if not os.access(path, os.X_OK):
        skip("%s=%s is not executable" % (var, path))
    return path


def require_bpf():
    """tcprec built with its BPF skeleton, and a kernel with BTF."""
    _require_exe("TCPREC", "tcprec with its BPF skeleton")
    if not os.path.exists("/sys/kernel/btf/vmlinux"):
        skip("kernel has no BTF (/sys/kernel/btf/vmlinux), tp_btf cannot load")
    require_trcdump()


def require_tracefs():
    """tracefs at /sys/kernel/tracing, mounted here when it is not: peers
    such as tcplife attach classic tracepoints, which need its event ids."""
    path = "/sys/kernel/tracing"
    if not os.path.ismount(path):
        subprocess.run(["mount", "-t", "tracefs", "nodev", path], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not os.path.exists(os.path.join(path, "events", "sock", "inet_sock_set_state")):
        skip("no tracefs with sock:inet_sock_set_state at %s" % path)


def require_trcdump():
    return _require_exe("TRCDUMP", "trcdump")


def require_tcpana():
    return _require_exe("TCPANA", "tcpana")


def require_record_and_analyse():
    """Root, namespaces, BPF and tcpana: what a test that records real
    traffic and reads it back with tcpana needs."""
    require_root()
    require_netns()
    require_bpf()
    return require_tcpana()


def threads_waiting(pid):
    """Each thread of a process that did not finish: its name, state and
    the kernel function it waits in, for a failure message."""
    out = []
    task = "/proc/%d/task" % pid
    for tid in sorted(os.listdir(task) if os.path.isdir(task) else [], key=int):
        try:
            with open("%s/%s/stat" % (task, tid)) as f:
                comm, rest = f.read().rsplit(")", 1)
            with open("%s/%s/wchan" % (task, tid)) as f:
                wchan = f.read() or "-"
        except OSError:
            continue
        out.append("%s(%s) %s in %s" % (comm.split("(", 1)[1], tid, rest.split()[0], wchan))
    return "; ".join(out) or "none left"


def run_bounded(argv, timeout, **kw):
    """subprocess.run(argv, capture_output, text) that fails the test when
    the command runs past timeout seconds, naming it and what its threads
    wait on, rather than hanging until the harness kills the whole test
    without a word."""
    kw.setdefault("text", True)
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        waiting = threads_waiting(p.pid)
        p.kill()
        out, err = p.communicate()
        fail("%s did not finish in %d s; its threads: %s; its stderr: %s" % (
            " ".join(map(str, argv)), timeout, waiting, (err or "").strip()[-2000:]))
    return subprocess.CompletedProcess(argv, p.returncode, out, err)
