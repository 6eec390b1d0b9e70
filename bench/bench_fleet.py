# SPDX-License-Identifier: BSD-2-Clause
"""Fleet ingest benchmark: how fast a private ClickHouse takes tcpana's
flat lines (docs/FLEET.md).

The lines are distinct connections: bench/gen_trace writes whole
client/server pairs (32 events each, one flat line each), `tcpana
--jsonl=flat` turns a trace of a few more pairs than needed into lines,
and the first N are kept (checked with wc -l).  The server is the fleet
integration test's own (tests/integration/fleet/chserver.py, imported
from there: Debian's clickhouse-server with its data in a directory of
the work directory, on free loopback ports); the table comes from the
statements of docs/clickhouse.sql, split as the test splits them, and
the lines go in with one clickhouse-client `INSERT ... FORMAT
JSONEachRow` with the test's settings.  Measured once: the server's
start-up (until it answers SELECT 1), the INSERT's wall time and rows/s;
SELECT count() must then be N, or the row has failed.  The trace, the
lines and the server's directory are deleted afterwards.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

from bench_util import parse_kv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA_SQL = os.path.join(ROOT, "docs", "clickhouse.sql")
# chserver.py imports tcptest from lib/.
TEST_DIRS = [os.path.join(ROOT, "tests", "integration", d) for d in ("fleet", "lib")]
EVENTS_PER_PAIR = 32  # gen_trace: one client/server pair, one flat line
SETTINGS = ("input_format_skip_unknown_fields=1",)  # fleet_clickhouse.py's
# The trace (~7 bytes/event), the lines (~820 bytes each) and the server's
# parts of 1M connections take about 1.1 GB.
MIN_FREE = 2e9


def missing_clickhouse():
    """The ClickHouse programs chserver.py needs that are not installed
    (it looks in PATH, /usr/sbin and /usr/bin, as here)."""
    path = os.environ.get("PATH", "") + ":/usr/sbin:/usr/bin"
    return [p for p in ("clickhouse-server", "clickhouse-client")
            if not shutil.which(p, path=path)]


def import_chserver():
    """The integration test's chserver module."""
    for d in reversed(TEST_DIRS):
        if d not in sys.path:
            sys.path.insert(0, d)
    import chserver
    return chserver


def count_lines(path):
    """Lines in path, by wc -l."""
    r = subprocess.run(["wc", "-l", path], capture_output=True, text=True, check=True)
    return int(r.stdout.split()[0])


def flat_lines(tools, workdir, n, log):
    """Writes the first n flat lines of a synthetic trace of a few more
    than n connections; returns (path, note) or (None, why)."""
    trc = os.path.join(workdir, "fleet.trc")
    path = os.path.join(workdir, "fleet.jsonl")
    # 1 % more pairs: gen_trace rounds to whole rounds of concurrent pairs.
    events = (n + n // 100 + 64) * EVENTS_PER_PAIR
    r = subprocess.run([tools["gen_trace"], "-n", str(events), "-o", trc],
                       capture_output=True, text=True)
    log("fleet: " + (r.stdout.strip() or r.stderr.strip()))
    if r.returncode != 0:
        if os.path.exists(trc):
            os.unlink(trc)
        return None, "gen_trace failed: " + r.stderr.strip()[-200:]
    events = int(parse_kv(r.stdout).get("events", 0))
    total = 0
    t0 = time.monotonic()
    with open(path, "wb") as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([tools["tcpana"], "--jsonl=flat", trc],
                                stdout=subprocess.PIPE, stderr=err)
        for line in proc.stdout:
            if total < n:
                out.write(line)
            total += 1
        rc = proc.wait()
        err.seek(0)
        err_text = err.read().decode("utf-8", "replace").strip()
    secs = time.monotonic() - t0
    os.unlink(trc)
    log(f"fleet: tcpana --jsonl=flat on {events} events: {total} lines in {secs:.1f} s, "
        f"exit {rc}")
    kept = count_lines(path)
    if rc != 0 or kept != n:
        os.unlink(path)
        return None, (f"tcpana --jsonl=flat exit {rc}, {total} lines (wc -l of the kept "
                      f"ones: {kept}, wanted {n}) {err_text[-200:]}")
    return path, (f"the first {n:,} of {total:,} lines of `tcpana --jsonl=flat` on a "
                  f"synthetic trace of {events:,} events ({secs:.1f} s)")


def ingest(chserver, ch, path):
    """Creates the table, inserts the lines of path with one client call;
    returns (INSERT seconds, SELECT count() afterwards)."""
    for name, sql in chserver.statements(SCHEMA_SQL):
        if name is None:  # the database and the table, not the example queries
            ch.query(sql)
    with open(path) as f:
        t0 = time.monotonic()
        ch.query("INSERT INTO tcp.connections FORMAT JSONEachRow", stdin=f, settings=SETTINGS)
        secs = time.monotonic() - t0
    return secs, int(ch.query("SELECT count() FROM tcp.connections").strip())


def measure(chserver, workdir, path, n, row, log):
    """Starts a private server, times the ingest into it, fills row; the
    server is stopped and its directory removed in every case."""
    d = tempfile.mkdtemp(prefix="fleet-ch-", dir=workdir)
    ch = chserver.ChServer(d)
    try:
        ch.start()
        row["start_s"] = ch.start_s
        row["version"] = ch.query("SELECT version()").strip()
        log(f"fleet: clickhouse-server {row['version']} answered after {ch.start_s:.2f} s")
        row["insert_s"], row["count"] = ingest(chserver, ch, path)
        row["rows_per_s"] = n / row["insert_s"] if row["insert_s"] else None
        if row["count"] != n:
            row["failed"] = f"SELECT count() = {row['count']}, expected {n}"
    except (chserver.T.TestFailure, subprocess.TimeoutExpired) as e:
        row["failed"] = str(e).strip()[-300:]
    finally:
        ch.stop()
        shutil.rmtree(d, ignore_errors=True)


def run(tools, workdir, n, log):
    """Ingest of n flat lines.  Returns one row: a dict with the numbers,
    and "failed" or "skipped" (the reason) when there are none or they do
    not hold."""
    row = {"rows": n}
    missing = missing_clickhouse()
    free = shutil.disk_usage(workdir).free
    if not tools.get("tcpana") or not tools.get("gen_trace"):
        row["skipped"] = "needs tcpana and bench/gen_trace"
    elif missing:
        row["skipped"] = (" and ".join(missing) + " not installed (scripts/deps.sh bench "
                          "installs clickhouse-server and clickhouse-client)")
    elif free < MIN_FREE:
        row["skipped"] = (f"{free / 1e9:.1f} GB free in {workdir}, needs "
                          f"{MIN_FREE / 1e9:g} GB")
    else:
        try:
            chserver = import_chserver()
        except ImportError as e:
            row["skipped"] = f"cannot import the fleet test's chserver.py: {e}"
    if row.get("skipped"):
        log("fleet: ingest skipped: " + row["skipped"])
        return row
    path, note = flat_lines(tools, workdir, n, log)
    if path is None:
        row["failed"] = note
        log("fleet: " + note)
        return row
    row["note"] = note
    row["input_mb"] = os.path.getsize(path) / 1e6
    try:
        measure(chserver, workdir, path, n, row, log)
    finally:
        os.unlink(path)
    log(f"fleet: {row}")
    return row


def table(row):
    """The "Fleet ingest" table (Markdown lines) of run()'s row."""
    def num(key, spec):
        v = row.get(key)
        return "n/a" if v is None else spec.format(v)

    version = f" {row['version']}" if row.get("version") else ""
    out = [f"\n### Fleet ingest: flat lines into a private clickhouse-server{version} "
           "(one run)\n",
           "| rows | input MB | server ready s | INSERT s | rows/s | SELECT count() | result |",
           "|---:|---:|---:|---:|---:|---:|---|"]
    result = ("skipped: " + row["skipped"] if row.get("skipped") else
              "FAILED: " + row["failed"] if row.get("failed") else "ok")
    result = " ".join(result.replace("|", "/").split())  # one Markdown cell
    out.append(f"| {row['rows']:,} | {num('input_mb', '{:.0f}')} | {num('start_s', '{:.2f}')} "
               f"| {num('insert_s', '{:.2f}')} | {num('rows_per_s', '{:,.0f}')} "
               f"| {num('count', '{:,}')} | {result} |")
    if row.get("note"):
        out.append(f"\nLines: {row['note']}; one `clickhouse-client "
                   f"--{SETTINGS[0]}` INSERT ... FORMAT JSONEachRow into the table of "
                   "docs/clickhouse.sql.  Server ready: from its start until it answers "
                   "SELECT 1.")
    return out
