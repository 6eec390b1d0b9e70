#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Validates tcpana's --json, --json --segments, --jsonl and --jsonl=flat
output for every synthetic scenario trace (and the recorded samples, when
their directory is given) against docs/json-schema.json (JSON Schema draft
2020-12), and checks what the schema cannot: schema_version is the first
key, ids are unique, peers point at reported ids, --jsonl and --json agree,
and each flat line holds scalars only, each the value of its nested
counterpart, with the trace id derived as docs/JSON.md says.

usage: test-json-schema.py GEN_TRACES TCPANA SCHEMA [SAMPLES_DIR]
"""
import calendar
import glob
import json
import os
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:
    if os.environ.get("TCPREC_TESTS_REQUIRE_ALL") == "1":
        sys.exit("FAIL: python3-jsonschema is not installed")
    sys.stderr.write("SKIP: python3-jsonschema is not installed\n")
    sys.exit(77)


def run(tcpana, *args):
    r = subprocess.run([tcpana] + list(args), capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("FAIL: tcpana %s: exit %d: %s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout


def endpoints(doc):
    return [e for c in doc["connections"]
            for e in (c["endpoints"]["orig"], c["endpoints"]["resp"]) if e]


def check_connections(path, doc):
    """What the schema cannot say: a connection's sides are its endpoints,
    and its id is the smaller of theirs."""
    bad = 0
    for c in doc["connections"]:
        o, r = c["endpoints"]["orig"], c["endpoints"]["resp"]
        seen = "both" if o and r else "orig" if o else "resp"
        if c["seen"] != seen or not (o or r):
            print("FAIL %s: connection %d seen %r" % (path, c["id"], c["seen"]))
            bad += 1
        if c["id"] != min(e["id"] for e in (o, r) if e):
            print("FAIL %s: connection id %d" % (path, c["id"]))
            bad += 1
        for side, e in (("orig", o), ("resp", r)):
            if e and ((e["local"] != c[side]) if e["outcome"] != "listener" else
                      (e["local"] != c["resp"])):
                print("FAIL %s: connection %d %s is not its endpoint's" % (path, c["id"], side))
                bad += 1
        if o and r and (o["peer"], r["peer"]) not in ((r["id"], o["id"]), (None, None)):
            print("FAIL %s: connection %d joins endpoints that are not peers" % (path, c["id"]))
            bad += 1
    return bad


def trace_id(header):
    """docs/JSON.md: FNV-1a 64 of hostname, 0, anchor_realtime_ns,
    anchor_clock_ns (little-endian)."""
    h = 0xcbf29ce484222325
    data = header["hostname"].encode() + b"\0" + \
        header["anchor_realtime_ns"].to_bytes(8, "little") + \
        header["anchor_clock_ns"].to_bytes(8, "little")
    for b in data:
        h = ((h ^ b) * 0x100000001b3) & 0xffffffffffffffff
    return "%016x" % h


def unix_ns(iso):
    """2026-11-22T03:40:59.123456789Z -> ns since the epoch."""
    secs = calendar.timegm(tuple(int(x) for x in
                                 (iso[0:4], iso[5:7], iso[8:10], iso[11:13], iso[14:16], iso[17:19])))
    return secs * 10**9 + int(iso[20:29])


def flat_of(c):
    """The flat line docs/JSON.md derives from nested connection c."""
    ends = c["endpoints"]
    hs = [e["durations"]["handshake_ns"] for e in (ends["orig"], ends["resp"])
          if e and e["durations"]["handshake_ns"] is not None]
    f = {"host": c["host"], "trace_id": c["trace_id"], "id": c["id"], "family": c["family"],
         "orig_addr": c["orig"]["addr"], "orig_port": c["orig"]["port"],
         "resp_addr": c["resp"]["addr"], "resp_port": c["resp"]["port"],
         "seen": c["seen"], "direction_known": c["direction_known"],
         "start_time": c["start_time"][:19].replace("T", " "),
         "start_unix_ns": unix_ns(c["start_time"]),
         "end_time": c["end_time"][:19].replace("T", " "), "end_unix_ns": unix_ns(c["end_time"]),
         "duration_ns": c["duration_ns"], "open": c["open"], "outcome": c["outcome"],
         "conn_state": c["conn_state"], "history": c["history"], "verdict": c["verdict"],
         "incomplete": sorted({r for e in ends.values() if e for r in e["incomplete"]}),
         "orig_bytes": c["orig_bytes"], "resp_bytes": c["resp_bytes"], "rtt_us": c["rtt_us"],
         "retransmits": c["retransmits"], "handshake_ns": hs[0] if hs else None}
    for side in ("orig", "resp"):
        e = ends[side]
        f[side + "_host"] = None if e is None else "?"  # the file's: checked by the caller
        f[side + "_pid"] = e and e["pid"]
        f[side + "_comm"] = e and e["comm"]
        f[side + "_netns"] = e and e["netns"]
        f[side + "_resets_sent"] = e and e["resets"]["sent"]
        f[side + "_resets_received"] = e and e["resets"]["received"]
    return f


def check_flat(path, doc, lines, flat_v):
    """--jsonl=flat: a line per connection, scalars only, in the schema's
    member order, each member its nested counterpart's value."""
    bad = 0
    flat = [json.loads(l) for l in lines]
    order = list(flat_v.schema["$defs"]["flat_connection"]["properties"])
    if len(flat) != len(doc["connections"]):
        print("FAIL %s --jsonl=flat: %d lines for %d connections" %
              (path, len(flat), len(doc["connections"])))
        return 1
    ids = {trace_id(h) for h in doc["inputs"]}
    for f, c in zip(flat, doc["connections"]):
        for e in flat_v.iter_errors(f):
            print("FAIL %s --jsonl=flat: %s at %s" % (path, e.message, list(e.path)))
            bad += 1
        nested = [k for k, v in f.items() if isinstance(v, (dict, list))]
        if nested or list(f) != order:
            print("FAIL %s --jsonl=flat: members %r (nested: %r)" % (path, list(f), nested))
            bad += 1
        want = flat_of(c)
        got = dict(f, incomplete=sorted(filter(None, f["incomplete"].split(","))))
        for side in ("orig", "resp"):
            if got[side + "_host"] not in (None, f["host"]) and len(doc["inputs"]) == 1:
                print("FAIL %s --jsonl=flat: %s_host %r" % (path, side, got[side + "_host"]))
                bad += 1
            if got[side + "_host"] is not None:
                got[side + "_host"] = "?"
        if got != want:
            print("FAIL %s --jsonl=flat: %r differs from the nested %r" % (
                path, {k: v for k, v in got.items() if want.get(k) != v},
                {k: v for k, v in want.items() if got.get(k) != v}))
            bad += 1
        if f["trace_id"] not in ids or f["host"] not in {h["hostname"] for h in doc["inputs"]}:
            print("FAIL %s: trace_id %s / host %r of no input" % (path, f["trace_id"], f["host"]))
            bad += 1
    return bad


def main():
    gen, tcpana, schema_path = sys.argv[1:4]
    samples = sorted(glob.glob(os.path.join(sys.argv[4], "*.trc"))) if len(sys.argv) > 4 else []
    with open(schema_path) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    doc_v = jsonschema.Draft202012Validator(schema)
    def sub(name):
        return jsonschema.Draft202012Validator(
            {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/" + name})
    conn_v = sub("connection")
    sum_v = sub("summary")
    flat_v = sub("flat_connection")
    failures = 0
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([gen, d], check=True)
        traces = sorted(os.path.join(d, n) for n in os.listdir(d))
        if len(traces) < 20:
            sys.exit("FAIL: only %d traces generated" % len(traces))
        traces += samples
        for path in traces:
            for args in (["--json"], ["--json", "--segments"]):
                out = run(tcpana, *args, path)
                pairs = json.loads(out, object_pairs_hook=lambda p: p)
                if pairs[0][0] != "schema_version":
                    print("FAIL %s: first key is %r" % (path, pairs[0][0]))
                    failures += 1
                doc = json.loads(out)
                for e in doc_v.iter_errors(doc):
                    print("FAIL %s %s: %s at %s" % (path, args, e.message, list(e.path)))
                    failures += 1
                failures += check_connections(path, doc)
                ends = endpoints(doc)
                ids = [c["id"] for c in ends]
                if len(set(ids)) != len(ids):
                    print("FAIL %s: duplicate ids %r" % (path, ids))
                    failures += 1
                for c in ends:
                    if c["peer"] is not None and c["peer"] not in ids:
                        print("FAIL %s: peer %r of %r not reported" % (path, c["peer"], c["id"]))
                        failures += 1
                    if "--segments" in args and len(c["segments"]["list"]) != c["segments"]["total"]:
                        print("FAIL %s: segment list length" % path)
                        failures += 1
                    if "--segments" not in args and "list" in c["segments"]:
                        print("FAIL %s: a segment list without --segments" % path)
                        failures += 1
                summ = doc["summary"]
                if summ["connections"] + summ["listeners"] != len(doc["connections"]) or \
                        summ["endpoints"] != len(ends):
                    print("FAIL %s: summary counts" % path)
                    failures += 1
            lines = run(tcpana, "--jsonl", path).splitlines()
            for line in lines[:-1]:
                for e in conn_v.iter_errors(json.loads(line)):
                    print("FAIL %s --jsonl: %s" % (path, e.message))
                    failures += 1
            last = json.loads(lines[-1])
            if list(last) != ["summary"]:
                print("FAIL %s --jsonl: last line %r" % (path, list(last)))
                failures += 1
            for e in sum_v.iter_errors(last["summary"]):
                print("FAIL %s --jsonl summary: %s" % (path, e.message))
                failures += 1
            for c in endpoints(doc):
                del c["segments"]["list"], c["segments"]["list_dropped"]
            if [json.loads(l) for l in lines[:-1]] != doc["connections"]:
                print("FAIL %s: --jsonl and --json connections differ" % path)
                failures += 1
            failures += check_flat(path, doc, run(tcpana, "--jsonl=flat", path).splitlines(),
                                   flat_v)
    if failures:
        sys.exit("%d failure(s)" % failures)
    print("%d traces validated" % len(traces))


main()
