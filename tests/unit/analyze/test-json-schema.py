#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Validates tcpana's --json, --json --segments and --jsonl output for every
synthetic scenario trace against docs/json-schema.json (JSON Schema draft
2020-12), and checks what the schema cannot: schema_version is the first
key, ids are unique, peers point at reported ids, --jsonl and --json agree.

usage: test-json-schema.py GEN_TRACES TCPANA SCHEMA
"""
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


def main():
    gen, tcpana, schema_path = sys.argv[1:4]
    with open(schema_path) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    doc_v = jsonschema.Draft202012Validator(schema)
    def sub(name):
        return jsonschema.Draft202012Validator(
            {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/" + name})
    conn_v = sub("connection")
    sum_v = sub("summary")
    failures = 0
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([gen, d], check=True)
        traces = sorted(os.path.join(d, n) for n in os.listdir(d))
        if len(traces) < 20:
            sys.exit("FAIL: only %d traces generated" % len(traces))
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
    if failures:
        sys.exit("%d failure(s)" % failures)
    print("%d traces validated" % len(traces))


main()
