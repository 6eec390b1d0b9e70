#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The kernel's figures (tcp_figures socket events, read from struct
tcp_sock at each state change) for a 1 MiB upload answered by 256 KiB,
between two namespaces: they must agree with tcplife (libbpf-tools), an
independent reader of the same counters, and with what the applications
sent and received; tcpana must show them in JSON, text and --stats.

With --figures=all (client side) a tcp_figures record follows every
transition of the socket after its handshake, in the state entered; by
default only its close has one.  Connections still open when recording
stops get theirs from the end-of-recording walk, in the state they are in.

usage: rec_figures.py 4|6
"""

import os
import re
import signal
import subprocess
import sys
import threading

import recassert as R
import tcptest as T

sys.path.insert(0, T.LIB_DIR)
import traffic  # noqa: E402  (BULK_UP, BULK_DOWN)

# A figure counts the data and the SYN/FIN sequence numbers: at most
# this many bytes over what the application moved.
CONTROL_BYTES = 2
HEADER_TIMEOUT_S = 30


class Tcplife:
    """tcplife -w in the root namespace (it sees every namespace), line
    buffered so that its header says when it is attached."""

    def __init__(self, family):
        T.require_tool("tcplife")
        T.require_tool("stdbuf")
        T.require_tracefs()
        self.proc = subprocess.Popen(["stdbuf", "-oL", "tcplife", "-w", "-%d" % family],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = []
        ready = threading.Event()

        def reader():
            for line in self.proc.stdout:
                self.lines.append(line.rstrip("\n"))
                ready.set()
            ready.set()

        self.thread = threading.Thread(target=reader, daemon=True)
        self.thread.start()
        if not ready.wait(HEADER_TIMEOUT_S) or not self.lines:
            self.proc.kill()
            T.fail("tcplife printed no header: %s" % self.proc.stderr.read())

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        self.proc.wait(timeout=30)
        self.thread.join(timeout=10)
        return self.lines

    @staticmethod
    def rows(lines):
        """(laddr, lport, raddr, rport) -> (tx_kb, rx_kb) of each session,
        KiB as printed ("1024.00"; older versions print integers); parsed
        from the right, as the command name may hold spaces."""
        out = {}
        for line in lines[1:]:
            t = line.split()
            try:
                key = (t[-7], int(t[-6]), t[-5], int(t[-4]))
                out[key] = (t[-3], t[-2])
            except (IndexError, ValueError):
                continue
        return out


def same_kib(printed, nbytes):
    """tcplife's KiB column, as it prints it, shows nbytes."""
    if "." in printed:
        decimals = len(printed.split(".")[1])
        return printed == "%.*f" % (decimals, nbytes / 1024)
    return int(printed) == nbytes // 1024


def norm(addr):
    """tcpana and tcplife print IPv6 the same way, but compare safely."""
    import ipaddress
    return str(ipaddress.ip_address(addr))


def check_figure(fig, key, app_bytes, what):
    v = fig[key]
    T.check(v is not None and app_bytes <= v <= app_bytes + CONTROL_BYTES,
            "%s %s = %s, the application moved %d" % (what, key, v, app_bytes))


def figure_states(trace, **match):
    """(transitions entered, states of the tcp_figures records) of one
    endpoint of a trace."""
    ep = trace.endpoint(**match)
    entered = [new for _, new in ep.transitions()]
    figs = [e["state"] for e in ep.of_type("sock") if e["kind"] == "tcp_figures"]
    return entered, figs


def check_when_recorded(outs, client_port):
    entered, figs = figure_states(T.Trace.load(outs[0]), lport=client_port, rport=R.PORT)
    T.check_eq(figs, [s for s in entered if s not in ("SYN_SENT",)],
               "--figures all: a record after each transition past the handshake")
    entered, figs = figure_states(T.Trace.load(outs[1]), lport=R.PORT, rport=client_port)
    T.check_eq(figs, ["CLOSE"], "default: one record, at the close (server entered %s)"
               % entered)


def open_at_end(family):
    """Two connections held ESTABLISHED while tcprec stops: each server
    socket has its figures, taken as recording ended."""
    with T.Topology(family) as topo:
        out = topo.tmp("open.trc")
        rec = T.Recorder(out, netns=topo.server).start()
        T.run_scenario(topo, "hold", R.PORT, count=2,
                       points={"client:release": lambda: rec.stop()})
        T.check_eq(rec.result.returncode, 0, "tcprec exit code: %s" % rec.result.stderr)
        T.check(any("figures of 2 open sockets" in ln for ln in rec.result.lines),
                "tcprec -v reports the end walk: %s" % rec.result.stderr)
        servers = [c for c in T.endpoints(T.tcpana_json(out)) if c["local"]["port"] == R.PORT
                   and c["remote"]["port"] != 0]
        T.check_eq(len(servers), 2, "held server endpoints")
        for c in servers:
            T.check_eq(c["outcome"], "open_at_end", "held connection outcome")
            fig = c["figures"]
            T.check(fig is not None and fig["state"] == "ESTABLISHED" and fig["segs_in"] > 0
                    and fig["bytes_received"] > 0,
                    "figures of a socket open at the end: %s" % fig)


def test(family):
    T.require_root()
    T.require_netns()
    T.require_bpf()
    T.require_tcpana()
    with T.Topology(family) as topo:
        life = Tcplife(family)
        # One recorder per namespace: tests running beside this one use
        # the same addresses and port in theirs.
        outs = [topo.tmp("client.trc"), topo.tmp("server.trc")]
        try:
            with T.Recorder(outs[0], netns=topo.client, args=["--figures", "all"]) as rec_c, \
                    T.Recorder(outs[1], netns=topo.server) as rec_s:
                res = T.run_scenario(topo, "bulk", R.PORT)
        finally:
            lines = life.stop()
        for rec in (rec_c, rec_s):
            T.check_eq(rec.result.returncode, 0, "tcprec exit code: %s" % rec.result.stderr)
        doc = T.tcpana_json(outs[0], outs[1])
        client, server = res["client"], res["server"]
        T.check_eq((client["sent"], server["received"]), (traffic.BULK_UP, traffic.BULK_UP),
                   "upload")
        T.check_eq((server["sent"], client["received"]), (traffic.BULK_DOWN, traffic.BULK_DOWN),
                   "answer")
        sides = {
            "client": (topo.client.addr, client["lport"], topo.server.addr, R.PORT),
            "server": (topo.server.addr, R.PORT, topo.client.addr, client["lport"]),
        }
        life_rows = Tcplife.rows(lines)
        for side, (la, lp, ra, rp) in sides.items():
            conns = [c for c in T.endpoints(doc)
                     if norm(c["local"]["addr"]) == norm(la) and c["local"]["port"] == lp
                     and norm(c["remote"]["addr"]) == norm(ra) and c["remote"]["port"] == rp]
            T.check_eq(len(conns), 1, "%s endpoints in tcpana --json" % side)
            fig = conns[0]["figures"]
            T.check(fig is not None, "%s has no figures: %s" % (side, conns[0]))
            T.check_eq(fig["state"], "CLOSE", "%s figures state" % side)
            sent, received = (traffic.BULK_UP, traffic.BULK_DOWN) if side == "client" else \
                (traffic.BULK_DOWN, traffic.BULK_UP)
            check_figure(fig, "bytes_acked", sent, side)
            check_figure(fig, "bytes_received", received, side)
            T.check(fig["srtt_us"] and fig["srtt_us"] > 0, "%s srtt_us %s" % (side, fig))
            T.check(fig["segs_out"] and fig["segs_in"], "%s segment counts %s" % (side, fig))
            T.check(fig["snd_cwnd"] and fig["snd_cwnd"] > 0, "%s snd_cwnd %s" % (side, fig))
            T.check(fig["total_retrans"] is not None, "%s total_retrans %s" % (side, fig))
            key = (norm(la), lp, norm(ra), rp)
            row = {(norm(k[0]), k[1], norm(k[2]), k[3]): v for k, v in life_rows.items()}.get(key)
            T.check(row is not None, "tcplife has no %s session %s in:\n%s" %
                    (side, key, "\n".join(lines)))
            T.check(same_kib(row[0], fig["bytes_acked"]) and same_kib(row[1], fig["bytes_received"]),
                    "%s: tcplife TX_KB, RX_KB %s, tcp_figures bytes_acked %d, bytes_received %d"
                    % (side, row, fig["bytes_acked"], fig["bytes_received"]))
        check_when_recorded(outs, client["lport"])
        # People see the same figures: the client's line shows 1.0M sent.
        text = T.tcpana_output(outs[0])
        line = [ln for ln in text.splitlines() if re.search(r":%d +\S*:%d " % (
            client["lport"], R.PORT), ln)]
        T.check_eq(len(line), 1, "client line in tcpana's table:\n" + text)
        T.check(re.search(r" 1\.0M +256K ", line[0]),
                "client line shows 1.0M from the originator, 256K back: " + line[0])
        stats = T.tcpana_output("--stats", *outs)
        T.check(re.search(r"bytes acked \+ received \(closed endpoints\) \(2 endpoints\)",
                          stats), "--stats bytes histogram counts both endpoints:\n" + stats)


if __name__ == "__main__":
    T.main(lambda: (test(R.family_arg(sys.argv)), open_at_end(R.family_arg(sys.argv))))
