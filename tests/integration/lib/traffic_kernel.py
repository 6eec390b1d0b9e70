# SPDX-License-Identifier: BSD-2-Clause
"""Traffic scenarios whose course the kernel decides: its timers
(keepalive, the FIN_WAIT2 timeout, TCP_USER_TIMEOUT), its limits (SYN
cookies, a full accept queue) and TCP Fast Open.  The driver
(tcprun._setup) sets the sysctls and nftables rules each one needs.

Scenarios (client side / server side):
  keepalive     request, response, then idle with 1 s keepalive probes that
                the server answers; client closes first
  fin-timeout   server closes first; its orphan times out in FIN_WAIT2
                (tcp_fin_timeout = 1 s) before the client closes, 2.5 s later:
                the client's FIN is answered with a RST
  user-timeout  after the response the server is blackholed (point
                "blackhole"); the client's data is never acknowledged and
                TCP_USER_TIMEOUT (1 s) ends the connection; once released
                ("release", blackhole lifted) the server closes and gets a RST
  syncookies    tcp_syncookies = 2: a flood of SYNs whose SYN-ACKs the client
                never sees (dropped between points "flood" and "flood-done"),
                abandoned; then one ordinary connection on a cookie
  fastopen      tcp_fastopen = 3 on both: a first connection fetches the
                cookie, a second sends its request in the SYN
  backlog-full  listen backlog 1, the server accepts nothing until the client
                has started BACKLOG_CONNS connections (point "queued"): the
                queue overflows, SYNs are dropped and retransmitted; then
                every connection completes, server closing first
"""

import select
import socket
import time

from traffic_util import (REQUEST, RESPONSE, accept_request, connect, die, exchange,
                          family_of, ports, read_expecting, recv_eof, recv_until,
                          wait_point)

KEEPALIVE_IDLE_S = 3.5
FIN_TIMEOUT_WAIT_S = 2.5
USER_TIMEOUT_MS = 1000
SYN_FLOOD = 32
BACKLOG_CONNS = 4
TCPI_OPT_SYN_DATA = 32  # struct tcp_info.tcpi_options, include/uapi/linux/tcp.h


def serve_one(ls):
    """The ordinary server: response, read to EOF, close."""
    c, info = accept_request(ls)
    c.sendall(RESPONSE)
    recv_eof(c)
    c.close()
    return info


def serve_closing_first(ls):
    c, info = accept_request(ls)
    c.sendall(RESPONSE)
    c.close()
    return info


def server_keepalive(ls, args):
    return serve_one(ls)


def client_keepalive(args):
    c = connect(args)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, 1)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 1)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)
    info = ports(c)
    exchange(c)
    time.sleep(KEEPALIVE_IDLE_S)
    c.close()
    return info


def server_fin_timeout(ls, args):
    return serve_closing_first(ls)


def client_fin_timeout(args):
    c = connect(args)
    info = ports(c)
    exchange(c)
    recv_eof(c)
    time.sleep(FIN_TIMEOUT_WAIT_S)
    c.close()
    return info


def server_user_timeout(ls, args):
    c, info = accept_request(ls)
    c.sendall(RESPONSE)
    wait_point("release")
    c.close()
    return info


def client_user_timeout(args):
    c = connect(args)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, USER_TIMEOUT_MS)
    info = ports(c)
    exchange(c)
    wait_point("blackhole")
    c.sendall(b"x" * 100)
    if not select.select([c], [], [], 30.0)[0]:
        die("TCP_USER_TIMEOUT did not end the connection")
    read_expecting(c, TimeoutError, "ETIMEDOUT", info)
    c.close()
    return info


def server_syncookies(ls, args):
    return serve_one(ls)


def start_connect(fam, addr):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setblocking(False)
    err = s.connect_ex(addr)
    if err not in (0, 115):  # EINPROGRESS
        die("connect: errno %d" % err)
    return s


def client_syncookies(args):
    fam, addr = family_of(args.addr), (args.addr, args.port)
    wait_point("flood")
    flood = [start_connect(fam, addr) for _ in range(SYN_FLOOD)]
    time.sleep(0.3)  # every SYN answered by a cookie SYN-ACK, all dropped
    for s in flood:
        s.close()
    wait_point("flood-done")
    c = connect(args)
    info = ports(c)
    exchange(c)
    c.close()
    info["flood"] = SYN_FLOOD
    return info


def server_fastopen(ls, args):
    ls.setsockopt(socket.IPPROTO_TCP, socket.TCP_FASTOPEN, 16)
    return {"first": serve_one(ls), "second": serve_one(ls)}


def fastopen_exchange(args):
    c = socket.socket(family_of(args.addr), socket.SOCK_STREAM)
    c.sendto(REQUEST, socket.MSG_FASTOPEN, (args.addr, args.port))
    recv_until(c, b"\r\n\r\n")
    info = ports(c)
    info["syn_data"] = bool(c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[5]
                            & TCPI_OPT_SYN_DATA)
    c.close()
    return info


def client_fastopen(args):
    first = fastopen_exchange(args)
    second = fastopen_exchange(args)
    if first["syn_data"] or not second["syn_data"]:
        die("Fast Open: data in SYN %s, %s; expected only the second"
            % (first["syn_data"], second["syn_data"]))
    return {"first": first, "second": second}


def server_backlog_full(ls, args):
    ls.listen(1)
    wait_point("accept")
    return {"conns": [serve_closing_first(ls) for _ in range(BACKLOG_CONNS)]}


def client_backlog_full(args):
    fam, addr = family_of(args.addr), (args.addr, args.port)
    conns = [start_connect(fam, addr) for _ in range(BACKLOG_CONNS)]
    time.sleep(0.3)  # the queue is full and the later SYNs were dropped
    wait_point("queued")
    for c in conns:
        if not select.select([], [c], [], 20.0)[1]:
            die("a connection never completed")
        c.setblocking(True)
        c.sendall(REQUEST)
    infos = []
    for c in conns:
        info = ports(c)
        info["received"] = recv_eof(c)
        c.close()
        infos.append(info)
    return {"conns": infos}


SERVER = {"keepalive": server_keepalive, "fin-timeout": server_fin_timeout,
          "user-timeout": server_user_timeout, "syncookies": server_syncookies,
          "fastopen": server_fastopen, "backlog-full": server_backlog_full}
CLIENT = {"keepalive": client_keepalive, "fin-timeout": client_fin_timeout,
          "user-timeout": client_user_timeout, "syncookies": client_syncookies,
          "fastopen": client_fastopen, "backlog-full": client_backlog_full}
