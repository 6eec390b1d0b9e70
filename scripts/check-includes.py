#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Finds include circles between the tree's C modules.

A module is a .c file together with the headers of the same base name
(name.h, name_int.h) in its directory.  A module depends on another when
one of its files includes one of the other's headers with a quoted
#include, and also when its headers declare a function that the other
module's .c defines: whoever includes the header calls into that .c, and
a .c that implements another module's header is usually half of a
circle.  A circle (A needs B and B needs A, directly or through others)
means some function or state sits in the wrong module: each module
should own its state, and a lower one reach a higher one only through a
callback.  Prints every circle with the include lines that close it and
exits 1 when there is one that the allow-list does not name.

usage: check-includes.py SOURCE_ROOT [ALLOW_FILE]
ALLOW_FILE: lines "a b c" naming the modules (paths without extension,
relative to SOURCE_ROOT) of a circle that is known and being removed;
# starts a comment.
"""
import os
import re
import sys

DIRS = ("analyze", "record", "format", "bpf", "lib", "tests/tools")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# A prototype at file scope ("int name(...);") and a definition in our
# style (return type and name on one line, "{" alone on the next).
DECLARED = re.compile(r'^(?!static|typedef|#|\s)[\w \t\*]*?\b(\w+)\s*\([^;{]*?\)\s*;', re.M)
DEFINED = re.compile(r'^(?!static|#|\s)[\w \t\*]*?\b(\w+)\s*\([^;{]*?\)\s*\n\{', re.M)


def module_of(path):
    """'record/pcap/pkt_parse_int.h' -> 'record/pcap/pkt_parse'."""
    base, _ = os.path.splitext(path)
    return base[:-4] if base.endswith("_int") else base


def scan(root):
    """{module: {module it includes: [(file, header), ...]}}"""
    files = []
    for d in DIRS:
        for dirpath, _, names in os.walk(os.path.join(root, d)):
            files += [os.path.relpath(os.path.join(dirpath, n), root)
                      for n in names if n.endswith((".c", ".h"))]
    existing = set(files)
    mods = {module_of(f) for f in files if f.endswith(".c")}
    graph = {m: {} for m in mods}
    text = {}
    for f in files:
        with open(os.path.join(root, f), errors="replace") as fh:
            text[f] = fh.read()
    defined_in = {}
    for f in files:
        if f.endswith(".c"):
            for name in DEFINED.findall(text[f]):
                defined_in.setdefault(name, module_of(f))
    for f in files:
        src = module_of(f)
        if src not in graph:
            continue
        if f.endswith(".h"):
            for name in DECLARED.findall(text[f]):
                dst = defined_in.get(name)
                if dst and dst != src:
                    graph[src].setdefault(dst, []).append((f, "declares %s()" % name))
        for inc in INCLUDE.findall(text[f]):
                target = os.path.normpath(os.path.join(os.path.dirname(f), inc))
                if target not in existing:
                    continue
                dst = module_of(target)
                if dst != src and dst in graph:
                    graph[src].setdefault(dst, []).append((f, inc))
    return graph


def strongly_connected(graph):
    """Tarjan's algorithm, iterative enough for a source tree."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    root = sys.argv[1]
    allowed = set()
    if len(sys.argv) == 3:
        with open(sys.argv[2]) as f:
            for line in f:
                line = line.split("#", 1)[0].split()
                if line:
                    allowed.add(tuple(sorted(line)))
    graph = scan(root)
    bad = 0
    for comp in strongly_connected(graph):
        known = tuple(comp) in allowed
        print("%s circle: %s" % ("known" if known else "FAIL", " <-> ".join(comp)))
        for a in comp:
            for b, how in sorted(graph[a].items()):
                if b in comp:
                    for f, inc in how:
                        what = inc if inc.startswith("declares") else 'includes "%s"' % inc
                        print("    %s %s (%s)" % (f, what, b))
        bad += not known
    stale = allowed - {tuple(c) for c in strongly_connected(graph)}
    for s in sorted(stale):
        print("FAIL allow-list names a circle that no longer exists: %s" % " ".join(s))
        bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
