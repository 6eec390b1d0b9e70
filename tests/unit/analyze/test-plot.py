#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""samples/plot_timeline.py renders a PNG from `tcpana --json --segments`
(file and stdin) and from --jsonl; skipped (77) without matplotlib.

usage: test-plot.py GEN_TRACES TCPANA PLOT_SCRIPT
"""
import os
import subprocess
import sys
import tempfile


def python_with_matplotlib():
    for exe in (sys.executable, "/usr/bin/python3"):
        if exe and os.access(exe, os.X_OK) and subprocess.run(
                [exe, "-c", "import matplotlib"], capture_output=True).returncode == 0:
            return exe
    return None


def main():
    gen, tcpana, plot = sys.argv[1:4]
    py = python_with_matplotlib()
    if not py:
        if os.environ.get("TCPREC_TESTS_REQUIRE_ALL") == "1":
            sys.exit("FAIL: matplotlib is not installed (python3-matplotlib)")
        sys.stderr.write("SKIP: matplotlib is not installed (python3-matplotlib)\n")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([gen, d], check=True)
        for name in ("normal-v4", "pcap-simclose-v6", "violation-fin-v4"):
            trc = os.path.join(d, name + ".trc")
            js = subprocess.run([tcpana, "--json", "--segments", trc], check=True,
                                capture_output=True, text=True).stdout
            png = os.path.join(d, name + ".png")
            subprocess.run([py, plot, "-o", png], input=js, text=True, check=True)
            with open(png, "rb") as f:
                head = f.read(8)
            if head != b"\x89PNG\r\n\x1a\n" or os.path.getsize(png) < 5000:
                sys.exit("FAIL: %s is not a PNG of plausible size" % png)
        jl = os.path.join(d, "x.jsonl")
        with open(jl, "w") as f:
            subprocess.run([tcpana, "--jsonl", os.path.join(d, "halfclose-v6.trc")], check=True,
                           stdout=f)
        png = os.path.join(d, "jsonl.png")
        subprocess.run([py, plot, jl, "-o", png, "--port", "8080"], check=True)
        if not os.path.getsize(png):
            sys.exit("FAIL: empty PNG from --jsonl input")
        r = subprocess.run([py, plot, jl, "-o", png, "--port", "1"], capture_output=True)
        if r.returncode == 0:
            sys.exit("FAIL: no connections should be an error")
    print("ok")


main()
