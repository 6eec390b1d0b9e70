# SPDX-License-Identifier: BSD-2-Clause
"""Process and namespace plumbing shared by the tcprec benchmarks.

Runs tracers as children whose CPU time and peak memory are taken from
wait4() (the child's own rusage, not a sample), detects when a tracer is
ready (a line it prints, or a BPF link it holds), and gives each workload a
private network namespace so runs do not see each other's TIME_WAIT sockets.
Python 3 standard library only.
"""
import os
import re
import resource
import signal
import statistics
import subprocess
import tempfile
import threading
import time


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


class Netns:
    """A private network namespace with loopback up and a wide ephemeral
    port range, deleted on exit (which also drops its TIME_WAIT sockets)."""

    def __init__(self, tag):
        self.name = f"tcprec-bench-{os.getpid()}-{tag}"

    def __enter__(self):
        subprocess.run(["ip", "netns", "add", self.name], check=True)
        self.run(["ip", "link", "set", "lo", "up"])
        self.run(["sysctl", "-q", "-w", "net.ipv4.ip_local_port_range=1024 65000"])
        self.inode = os.stat(f"/run/netns/{self.name}").st_ino
        return self

    def __exit__(self, *exc):
        subprocess.run(["ip", "netns", "del", self.name], check=False)

    def cmd(self, argv):
        return ["ip", "netns", "exec", self.name] + list(argv)

    def run(self, argv, **kw):
        return subprocess.run(self.cmd(argv), check=True, **kw)


def count_fds(pid, target):
    """How many of the process's fds link to target (an anon inode name)."""
    n = 0
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                n += os.readlink(f"/proc/{pid}/fd/{fd}") == target
            except OSError:
                continue
    except OSError:
        pass
    return n


# A tracer's probe is attached once it holds a BPF link (libbpf), or, for
# bpftrace, which attaches tracepoints with perf_event_open() and an ioctl,
# one perf event per CPU for its output buffer plus one per probe.
LINK_READY = ("anon_inode:bpf_link", 1)
PERF_READY = ("anon_inode:[perf_event]", (os.cpu_count() or 1) + 1)


class Tracer:
    """A tracer child.  stderr is read by a thread (kept, and matched
    against ready_re); stdout goes to a file or /dev/null."""

    def __init__(self, argv, stdout_path=None, ready_re=None, ready_file=None,
                 ready_file_re=None, need_fds=None, fallback_s=None):
        self.argv = argv
        self.ready_re = re.compile(ready_re) if ready_re else None
        self.ready_file = ready_file
        self.ready_file_re = re.compile(ready_file_re) if ready_file_re else None
        self.need_fds = need_fds
        # Without its ready line, a tracer that holds its probes for
        # fallback_s is taken as ready (ready time then unknown).
        self.fallback_s = fallback_s
        self.fell_back = False
        self.stderr_lines = []
        self.ready_line = threading.Event()
        out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL)
        if stdout_path:
            out.close()
        self.reader = threading.Thread(target=self._read_stderr, daemon=True)
        self.reader.start()
        self.rusage = None
        self.status = None

    def _read_stderr(self):
        # Live status lines rewrite themselves with \r and no \n: split on
        # both, reading whatever arrives instead of waiting for a newline.
        buf = b""
        fd = self.proc.stderr.fileno()
        while True:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            parts = re.split(rb"[\r\n]", buf + chunk)
            buf = parts.pop()
            for p in parts:
                self._line(p.decode("utf-8", "replace"))
        if buf:
            self._line(buf.decode("utf-8", "replace"))

    def _line(self, text):
        if text.strip():
            self.stderr_lines.append(text)
            if self.ready_re and self.ready_re.search(text):
                self.ready_line.set()

    def _file_ready(self):
        try:
            with open(self.ready_file, "rb") as f:
                head = f.read(4096).decode("utf-8", "replace")
        except OSError:
            return False
        return bool(self.ready_file_re.search(head))

    def wait_ready(self, timeout=30.0):
        """Seconds from start to ready, or None on timeout or exit."""
        deadline = self.t0 + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return None
            ok = True
            links = not self.need_fds or \
                count_fds(self.proc.pid, self.need_fds[0]) >= self.need_fds[1]
            if self.ready_re and not self.ready_line.is_set():
                ok = False
                if self.fallback_s and links and \
                        time.monotonic() - self.t0 > self.fallback_s:
                    self.fell_back = True
                    return time.monotonic() - self.t0
            if ok and self.ready_file_re and not self._file_ready():
                ok = False
            if ok and not links:
                ok = False
            if ok:
                return time.monotonic() - self.t0
            time.sleep(0.005)
        return None

    def stop(self, sig=signal.SIGINT, timeout=60.0):
        """Signals the tracer, reaps it with wait4; returns its exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, ru = os.wait4(self.proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                self.proc.kill()
                pid, status, ru = os.wait4(self.proc.pid, 0)
                break
            time.sleep(0.01)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        self.reader.join(timeout=5)
        self.rusage = ru
        self.status = self.proc.returncode
        return self.status

    @property
    def cpu_s(self):
        return self.rusage.ru_utime + self.rusage.ru_stime if self.rusage else None


GNU_TIME = "/usr/bin/time"


def timed_run(argv, stdout=subprocess.DEVNULL, timeout=600):
    """Runs argv to completion; returns (exit code, wall s, CPU s, peak RSS
    KiB, stderr text).

    Peak RSS goes through GNU time, which forks the command from its own
    small process: a child spawned straight from this (large) Python
    process inherits its RSS high-water mark at exec (Linux keeps the
    pre-exec peak in the process's signal struct), which would swamp the
    few MiB a streaming analyser needs.  Without GNU time, wait4() values
    are used and RSS is an upper bound."""
    use_time = os.access(GNU_TIME, os.X_OK)
    fd, tfile = tempfile.mkstemp(prefix="bench-time-")
    os.close(fd)
    cmd = [GNU_TIME, "-f", "%e %U %S %M %x", "-o", tfile] + list(argv) if use_time else argv
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
    wall = time.monotonic() - t0
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    text = err.decode("utf-8", "replace")
    rc, cpu, rss = proc.returncode, None, ru.ru_maxrss
    try:
        with open(tfile) as f:
            last = f.read().strip().splitlines()[-1].split()
        wall, cpu, rss, rc = float(last[0]), float(last[1]) + float(last[2]), int(last[3]), \
            int(last[4])
    except (OSError, IndexError, ValueError):
        pass
    os.unlink(tfile)
    return rc, wall, cpu, rss, text


def cpu_busy_s():
    """Busy CPU seconds of the whole machine so far (all CPUs, /proc/stat):
    the difference over a run includes the BPF programs, which run in the
    workload's own (soft)irq and syscall context and so never show up in a
    tracer's rusage."""
    with open("/proc/stat") as f:
        vals = [int(x) for x in f.readline().split()[1:]]
    hz = os.sysconf("SC_CLK_TCK")
    idle = vals[3] + (vals[4] if len(vals) > 4 else 0)
    return (sum(vals[:8]) - idle) / hz


def parse_kv(line):
    """'loadgen a=1 b=x' -> {'a': '1', 'b': 'x'}."""
    return dict(tok.split("=", 1) for tok in line.split() if "=" in tok)


def pcap_count(path):
    """(packets, bytes) of a classic pcap file, read record by record."""
    import struct
    packets = 0
    try:
        with open(path, "rb") as f:
            hdr = f.read(24)
            if len(hdr) < 24:
                return 0, os.path.getsize(path)
            endian = "<" if hdr[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
            while True:
                rec = f.read(16)
                if len(rec) < 16:
                    break
                incl = struct.unpack(endian + "IIII", rec)[2]
                f.seek(incl, 1)
                packets += 1
        return packets, os.path.getsize(path)
    except OSError:
        return 0, 0
