#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""The less common closing sequences, recorded by tcprec: simultaneous
close (CLOSING), half-close with data sent after the peer's FIN, and a
server that never closes (CLOSE_WAIT until the trace ends).

usage: rec_closing.py 4|6 simclose|halfclose|closewait
"""

import sys
import time

import recassert as R
import tcptest as T


def simclose(rec):
    """The client's FIN is held back by the server's firewall until the
    server's FIN has reached the client (traffic.py verifies CLOSING with
    TCP_INFO); then it is retransmitted and both sides end in TIME_WAIT."""
    cl, sv = rec.client_ep(), rec.server_ep()
    T.check_eq(rec.res["client"]["reached"], "CLOSING", "client state seen by TCP_INFO")
    R.check_transitions(cl, R.CLIENT_OPEN + [("ESTABLISHED", "FIN_WAIT1"),
                                             ("FIN_WAIT1", "CLOSING"),
                                             ("CLOSING", "CLOSE")], "client")
    R.check_transitions(sv, R.SERVER_OPEN + R.ACTIVE_CLOSE, "server")
    for ep in (cl, sv):
        R.check_timewait_enter(ep)
    fins = [f for f in cl.segments("tx") if "F" in f]
    T.check(len(fins) >= 2, "client FIN not retransmitted: " + cl.summary())
    T.check(any(r["old"] == "CLOSING" for r in cl.of_type("retransmit")),
            "no retransmit record in CLOSING: " + cl.summary())
    rec.check_flags(cl, "client")
    rec.check_flags(sv, "server")


def data_after_fin(ep, fin_dir):
    """Payload bytes of segments travelling against the first FIN of
    direction fin_dir, after that FIN."""
    fin = next(e for e in ep.segment_events(fin_dir) if "F" in e["flags"])
    other = "rx" if fin_dir == "tx" else "tx"
    return sum(e["payload_len"] for e in ep.segment_events(other) if e["t_ns"] > fin["t_ns"])


def halfclose(rec):
    cl, sv = rec.client_ep(), rec.server_ep()
    sent = rec.res["server"]["sent"]
    T.check_eq(rec.res["client"]["received"], sent, "bytes the client read after its FIN")
    T.check_eq(rec.res["server"]["state_after_fin"], "CLOSE_WAIT", "server state")
    R.check_transitions(cl, R.CLIENT_OPEN + R.ACTIVE_CLOSE, "client")
    R.check_transitions(sv, R.SERVER_OPEN + R.PASSIVE_CLOSE, "server")
    R.check_timewait_enter(cl)
    T.check_eq(data_after_fin(cl, "tx"), sent, "client rx payload after its FIN")
    T.check_eq(data_after_fin(sv, "rx"), sent, "server tx payload after the client's FIN")
    rec.check_flags(cl, "client")
    rec.check_flags(sv, "server")


def closewait(rec):
    """Recording stops while the server still holds its socket.  The
    client closed in ESTABLISHED: once its FIN is acknowledged the orphaned
    FIN_WAIT2 socket is replaced by a timewait socket (substate FIN_WAIT2,
    tcp_fin_timeout), so the client ends FIN_WAIT2 -> CLOSE + TIME_WAIT."""
    cl, sv = rec.client_ep(), rec.server_ep()
    R.check_transitions(sv, R.SERVER_OPEN + [("ESTABLISHED", "CLOSE_WAIT")], "server")
    T.check_eq(sv.of_type("state")[-1]["new"], "CLOSE_WAIT", "server's last state")
    T.check_eq(sv.timewait(), [], "server timewait records")
    R.check_transitions(cl, R.CLIENT_OPEN + R.ACTIVE_CLOSE, "client")
    R.check_timewait_enter(cl)
    T.check_eq(cl.segments("rx")[-1], ".", "last segment the client received")
    rec.check_flags(cl, "client")
    rec.check_flags(sv, "server")


def client_fin_acked(topo, timeout=10.0):
    """The server is in CLOSE_WAIT when the stop point is reached, but its
    ACK of the client's FIN may still be a delayed ACK: wait until the
    client has left FIN_WAIT1, so both the trace and the capture hold it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = topo.client.run(["ss", "-Htn", "state", "fin-wait-1"], check=False).stdout
        if not out.strip():
            return
        time.sleep(0.02)
    T.fail("client still in FIN_WAIT1 %.0f s after the server's CLOSE_WAIT" % timeout)


def main():
    family = R.family_arg(sys.argv)
    scenario = sys.argv[2]
    T.require_root()
    T.require_netns()
    T.require_bpf()
    T.require_tool("tcpdump")
    T.require_tool("nft")
    with T.Topology(family) as topo:
        if scenario == "halfclose":
            rec = R.Recording(topo, scenario, args=["--seq"]).run()
        elif scenario == "closewait":
            rec = R.Recording(topo, scenario, stop_at="server:release",
                              before_stop=lambda: client_fin_acked(topo)).run()
        else:
            rec = R.Recording(topo, scenario).run()
        {"simclose": simclose, "halfclose": halfclose, "closewait": closewait}[scenario](rec)
        for side in rec.sides:
            R.check_no_losses(rec.traces[side])


if __name__ == "__main__":
    T.main(main)
