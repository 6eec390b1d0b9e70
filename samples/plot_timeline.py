#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Draw a state timeline of TCP endpoints from `tcpana --json` output.

One horizontal lane per endpoint, coloured by the TCP state it was in;
with `tcpana --json --segments` each segment is a tick on its lane (sent
above the lane, received below, labelled with its flags).

usage:
    tcpana --json --segments run.trc | plot_timeline.py -o timeline.png
    plot_timeline.py run.json -o timeline.png [--max 40] [--port 8080]

Needs matplotlib (Debian: python3-matplotlib).  Reads a --json document or
--jsonl lines.
"""
import argparse
import json
import sys

STATE_COLOURS = {
    "LISTEN": "#9e9e9e", "SYN_SENT": "#ffcc80", "SYN_RECV": "#ffe082",
    "ESTABLISHED": "#66bb6a", "FIN_WAIT1": "#90caf9", "FIN_WAIT2": "#64b5f6",
    "CLOSING": "#ce93d8", "TIME_WAIT": "#b39ddb", "CLOSE_WAIT": "#ef9a9a",
    "LAST_ACK": "#e57373", "CLOSE": "#eeeeee", "NEW_SYN_RECV": "#fff59d",
    "BOUND_INACTIVE": "#bdbdbd", "UNKNOWN": "#ffffff",
}
FLAG_COLOURS = {"S": "#ef6c00", "F": "#1565c0", "R": "#c62828", "P": "#2e7d32"}


def load(stream):
    text = stream.read()
    try:
        doc = json.loads(text)
        if isinstance(doc, dict) and "connections" in doc:
            return doc
    except ValueError:
        pass
    conns, summary = [], None
    for line in text.splitlines():
        if not line.strip():
            continue
        obj = json.loads(line)
        if "summary" in obj and len(obj) == 1:
            summary = obj["summary"]
        else:
            conns.append(obj)
    return {"trace": None, "connections": conns, "summary": summary}


def lane_label(c):
    def ep(e):
        return ("[%s]:%d" if ":" in e["addr"] else "%s:%d") % (e["addr"], e["port"])
    who = " %s" % c["comm"] if c.get("comm") else ""
    return "#%d %s > %s%s" % (c["id"], ep(c["local"]), ep(c["remote"]), who)


def flag_colour(flags):
    for f in ("R", "S", "F", "P"):
        if f in flags:
            return FLAG_COLOURS[f]
    return "#616161"


def draw(doc, out, max_lanes, port):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    # One lane per endpoint: both halves of a connection, where recorded.
    conns = [e for c in doc["connections"]
             for e in (c["endpoints"]["orig"], c["endpoints"]["resp"])
             if e and (port is None or port in (e["local"]["port"], e["remote"]["port"]))]
    conns = [c for c in conns
             if port is None or port in (c["local"]["port"], c["remote"]["port"])]
    conns.sort(key=lambda c: (c["start_ns"], c["id"]))
    conns = conns[:max_lanes]
    if not conns:
        raise SystemExit("plot_timeline: no connections to draw")
    t0 = min(c["start_ns"] for c in conns)
    fig, ax = plt.subplots(figsize=(12, 1.2 + 0.45 * len(conns)))
    seen = set()
    for lane, c in enumerate(conns):
        y = len(conns) - 1 - lane
        for tr in c["transitions"]:
            start = (tr["t_ns"] - t0) / 1e9
            width = max(tr["dwell_ns"] / 1e9, 0)
            colour = STATE_COLOURS.get(tr["to"], "#ffffff")
            ax.barh(y, width, left=start, height=0.5, color=colour, edgecolor="#424242",
                    linewidth=0.3)
            seen.add(tr["to"])
        for s in c["segments"].get("list", []):
            x = (s["t_ns"] - t0) / 1e9
            up = s["dir"] == "tx"
            ax.vlines(x, y + (0.25 if up else -0.45), y + (0.45 if up else -0.25),
                      color=flag_colour(s["flags"]), linewidth=0.8)
            if s["flags"] not in (".", "none"):
                ax.text(x, y + (0.47 if up else -0.62), s["flags"], fontsize=5,
                        ha="center", color=flag_colour(s["flags"]))
        if c.get("verdict") == "violation":
            ax.text(0, y + 0.3, "violation", fontsize=6, color="#c62828")
    ax.set_yticks(range(len(conns)))
    ax.set_yticklabels([lane_label(c) for c in reversed(conns)], fontsize=7)
    ax.set_xlabel("seconds since %s" % min(conns, key=lambda c: c["start_ns"])["start_time"])
    ax.set_ylim(-1, len(conns))
    handles = [Patch(color=STATE_COLOURS[s], label=s) for s in STATE_COLOURS if s in seen]
    handles += [Patch(color=v, label="segment " + k) for k, v in FLAG_COLOURS.items()]
    ax.legend(handles=handles, fontsize=6, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    tr = doc.get("trace") or {}
    ax.set_title("TCP state timeline: %d endpoint(s)%s%s" % (
        len(conns), (" on " + tr["hostname"]) if tr.get("hostname") else "",
        (" (" + tr["source"] + ")") if tr.get("source") else ""), fontsize=9)
    ax.grid(axis="x", linestyle=":", linewidth=0.4)
    fig.tight_layout()
    fig.savefig(out, dpi=120)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("input", nargs="?", help="tcpana --json output (default: stdin)")
    p.add_argument("-o", "--output", default="timeline.png", help="PNG to write")
    p.add_argument("--max", type=int, default=40, help="most lanes drawn (default 40)")
    p.add_argument("--port", type=int, help="only endpoints with this local or remote port")
    a = p.parse_args()
    if a.input and a.input != "-":
        with open(a.input) as f:
            doc = load(f)
    else:
        doc = load(sys.stdin)
    draw(doc, a.output, a.max, a.port)


if __name__ == "__main__":
    main()
