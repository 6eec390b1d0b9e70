# SPDX-License-Identifier: BSD-2-Clause
"""A private clickhouse-server for one test: Debian's 18.16 package, its
data, configuration and logs in the test's own directory, listening on
127.0.0.1 only, on ports free at start-up.  Stopped (SIGTERM, then
SIGKILL) by stop(), which atexit also runs.

    with ChServer(tmpdir) as ch:
        ch.query("SELECT 1")                   # -> stdout text
        ch.query("INSERT ... FORMAT JSONEachRow", stdin=open(path))
        ch.rows("SELECT ...")                  # -> list of dicts
"""

import atexit
import json
import os
import re
import shutil
import socket
import subprocess
import time

import tcptest as T

CONFIG = """<?xml version="1.0"?>
<yandex>
    <logger>
        <level>information</level>
        <log>{d}/server.log</log>
        <errorlog>{d}/server.err.log</errorlog>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>{http}</http_port>
    <tcp_port>{tcp}</tcp_port>
    <path>{d}/data/</path>
    <tmp_path>{d}/tmp/</tmp_path>
    <users_config>{d}/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <mark_cache_size>67108864</mark_cache_size>
</yandex>
"""

USERS = """<?xml version="1.0"?>
<yandex>
    <profiles><default></default></profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas><default></default></quotas>
</yandex>
"""


def find_tools():
    """clickhouse-server and clickhouse-client, or a skip with the reason."""
    path = os.environ.get("PATH", "") + ":/usr/sbin:/usr/bin"
    server = shutil.which("clickhouse-server", path=path)
    client = shutil.which("clickhouse-client", path=path)
    if not server or not client:
        T.skip("needs clickhouse-server and clickhouse-client "
               "(Debian: apt-get install clickhouse-server clickhouse-client)")
    return server, client


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]



def statements(path):
    """[(name or None, sql)]: each statement of an SQL file such as
    docs/clickhouse.sql, named by the '-- query: NAME' line before it."""
    out, cur, name = [], [], None
    with open(path) as f:
        for line in f:
            m = re.match(r"-- query: (\S+)", line)
            if m:
                name = m.group(1)
            elif line.strip() and not line.startswith("--"):
                cur.append(line.rstrip())
                if line.rstrip().endswith(";"):
                    out.append((name, "\n".join(cur)[:-1]))
                    cur, name = [], None
    T.check(not cur, "%s: a statement without ';': %r" % (path, cur))
    return out

class ChServer:
    def __init__(self, directory):
        self.server_exe, self.client_exe = find_tools()
        self.dir = os.path.join(directory, "clickhouse")
        self.proc = None
        self.start_s = None

    def start(self, timeout=30):
        os.makedirs(self.dir)
        self.tcp_port = _free_port()
        conf = os.path.join(self.dir, "config.xml")
        with open(conf, "w") as f:
            f.write(CONFIG.format(d=self.dir, http=_free_port(), tcp=self.tcp_port))
        with open(os.path.join(self.dir, "users.xml"), "w") as f:
            f.write(USERS)
        t0 = time.monotonic()
        self.out = open(os.path.join(self.dir, "stdout.log"), "w")
        self.proc = subprocess.Popen([self.server_exe, "--config-file=" + conf],
                                     cwd=self.dir, stdin=subprocess.DEVNULL,
                                     stdout=self.out, stderr=subprocess.STDOUT)
        atexit.register(self.stop)
        while True:
            r = self._client(["--query", "SELECT 1"], check=False)
            if r.returncode == 0:
                break
            if self.proc.poll() is not None or time.monotonic() - t0 > timeout:
                T.fail("clickhouse-server did not start (rc %s): %s" %
                       (self.proc.poll(), self.log_tail()))
            time.sleep(0.1)
        self.start_s = time.monotonic() - t0
        return self

    def log_tail(self):
        text = ""
        for name in ("server.err.log", "stdout.log"):
            try:
                with open(os.path.join(self.dir, name)) as f:
                    text += f.read()[-1500:]
            except OSError:
                pass
        return text

    def _client(self, args, stdin=None, check=True):
        r = subprocess.run([self.client_exe, "--host", "127.0.0.1", "--port",
                            str(self.tcp_port)] + args,
                           stdin=stdin, capture_output=True, text=True, timeout=60)
        if check and r.returncode != 0:
            T.fail("clickhouse-client %s: exit %d: %s" % (args[-1][:200], r.returncode,
                                                          r.stderr.strip()[-800:]))
        return r

    def query(self, sql, stdin=None, settings=()):
        return self._client(["--" + s for s in settings] + ["--query", sql], stdin=stdin).stdout

    def rows(self, sql):
        """The result as dicts (64-bit integers come quoted: JSONEachRow)."""
        out = self._client(["--format", "JSONEachRow", "--query", sql]).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.out.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False
