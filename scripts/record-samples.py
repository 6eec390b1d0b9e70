#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Records the bundled sample traces (samples/*.trc) from real scenarios.

Each scenario runs in a private network namespace on its loopback, so
both endpoints of every connection are local and recorded; tcprec records
only that namespace (--netns).  Next to each trace goes `tcpana --json
--segments` output.  Needs root, BPF and a built tree:

    python3 scripts/record-samples.py BUILD_DIR [SAMPLES_DIR]
"""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration", "lib"))

SCENARIOS = [
    ("normal-v4", 4, "normal", "request/response over IPv4, client closes first"),
    ("normal-v6", 6, "normal", "request/response over IPv6, client closes first"),
    ("server-close-v4", 4, "server-close", "request/response, server closes first"),
    ("refused-v4", 4, "refused", "connect to a port nobody listens on (RST to SYN)"),
    ("reset-v4", 4, "abort", "client aborts with SO_LINGER {1, 0}: RST instead of FIN"),
    ("syn-timeout-v4", 4, "syn-timeout",
     "SYNs dropped by an nftables rule, net.ipv4.tcp_syn_retries=1"),
    ("simclose-v4", 4, "simclose", "both sides close at once: FIN_WAIT1 -> CLOSING"),
]


def record(build, outdir, name, family, scenario):
    import tcptest as T
    trc = os.path.join(outdir, name + ".trc")
    with T.Topology(family=family, loopback=True) as topo:
        rec = T.Recorder(topo.tmp("run.trc"), netns=topo.server).start()
        T.run_scenario(topo, scenario, port=8080)
        res = rec.stop(settle=0.5)
        if res.returncode != 0:
            sys.exit("%s: tcprec exit %d: %s" % (name, res.returncode, res.stderr))
        shutil.copyfile(topo.tmp("run.trc"), trc)
    os.chmod(trc, 0o644)
    with open(os.path.join(outdir, name + ".json"), "w") as f:
        subprocess.run([os.environ["TCPANA"], "--json", "--segments", trc], stdout=f,
                       check=True)


def main():
    build = os.path.abspath(sys.argv[1])
    outdir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "samples")
    os.environ.setdefault("TCPREC", os.path.join(build, "record", "tcprec"))
    os.environ.setdefault("TCPANA", os.path.join(build, "analyze", "tcpana"))
    os.environ.setdefault("TRCDUMP", os.path.join(build, "tests", "tools", "trcdump"))
    lines = []
    for name, family, scenario, how in SCENARIOS:
        record(build, outdir, name, family, scenario)
        lines.append("| `%s.trc` | %s |" % (name, how))
        print("recorded", name)
    with open(os.path.join(outdir, "INDEX.md"), "w") as f:
        f.write("# Sample traces\n\nRecorded with `tcprec -v -o NAME.trc --netns NS` while "
                "`scripts/record-samples.py` ran the scenario on the loopback of a private "
                "network namespace NS (both endpoints local). Beside each trace: "
                "`tcpana --json --segments NAME.trc`.\n\n| trace | scenario |\n|---|---|\n")
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
