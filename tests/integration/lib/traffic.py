#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Deterministic TCP traffic scenarios for the integration tests.

Run inside a network namespace (normally through tcptest.Topology, which
also drives the synchronisation points):

    python3 traffic.py server SCENARIO --addr ADDR --port PORT [--count N]
    python3 traffic.py client SCENARIO --addr ADDR --port PORT [--count N]

--addr is the server's address in both roles (the server binds it, the
client connects to it).  Both roles write JSON lines to stdout:

    {"event": "listening", "port": P}        server is accepting
    {"event": "wait", "name": NAME}          blocked until a line on stdin
    {"event": "done", ...result fields...}   scenario finished, exit 0 next

A "wait" line is a synchronisation point: the process reads one line from
stdin before going on, which lets the driver change the network (nftables
rules) or start/stop a recorder at a well-defined protocol step.  Ordering
between the two endpoints always comes from the protocol itself (a reply,
an EOF, a reset) or from these explicit points, never from sleeping.
On an unexpected socket outcome the process prints
{"event": "error", "msg": ...} and exits 1.

Scenarios (client side / server side):
  normal        request, response, client closes first, server closes on EOF
  server-close  request, response, server closes first, client closes on EOF
  refused       client connects to a port without listener (RST); no server
  abort         request, response, client closes with SO_LINGER {1,0} (RST)
  syn-timeout   client connect() until ETIMEDOUT (driver drops the SYNs)
  simclose      both sides send FIN before receiving the other's; the client
                reaches CLOSING (driver drops the client's FIN on the server
                between the points "client-fin" and "closing")
  halfclose     client shutdown(SHUT_WR); server sends data after that FIN
  closewait     client closes; server never closes until released
  many          --count sequential short connections (1 byte each way)
  hold          --count connections opened, then held until released
  bulk          client sends BULK_UP bytes and shuts down its side; the
                server reads to EOF, answers BULK_DOWN bytes and closes
  shutdown-close, lingering-close, unread-close, shut-rd: server closes
                the way real servers do (see each server_* function)
and the scenarios the kernel's timers and limits shape: traffic_kernel.py.
"""

import argparse
import errno
import os
import select
import socket
import struct
import time

import traffic_kernel
from traffic_util import (REQUEST, RESPONSE, accept_request, connect, die, emit, exchange,
                          family_of, listener, ports, read_expecting, recv_eof, recv_until, tcp_state,
                          wait_point, wait_state)

HALFCLOSE_CHUNK = 1000
HALFCLOSE_CHUNKS = 3
BULK_UP = 1 << 20    # bytes the bulk client sends
BULK_DOWN = 1 << 18  # bytes the bulk server answers

# ---------------------------------------------------------------- server

def server_normal(ls, args):
    c, info = accept_request(ls)
    c.sendall(RESPONSE)
    recv_eof(c)
    c.close()
    return info


def server_close_first(ls, args):
    c, info = accept_request(ls)
    c.sendall(RESPONSE)
    c.close()
    return info


def server_shutdown_close(ls, args):
    """shutdown(SHUT_WR) then close() at once, as Python's socketserver,
    nginx and Go's net/http do after a response."""
    c, info = accept_request(ls)
    c.sendall(RESPONSE)
    c.shutdown(socket.SHUT_WR)
    c.close()
    return info


def server_lingering_close(ls, args):
    """nginx's lingering close: shutdown(SHUT_WR), read until EOF, close()."""
    c, info = accept_request(ls)
    c.sendall(RESPONSE)
    c.shutdown(socket.SHUT_WR)
    recv_eof(c)
    c.close()
    return info


def server_unread_close(ls, args):
    """close() with received data still unread: the kernel sends a RST
    instead of a FIN (RFC 2525 section 2.17)."""
    c, info = accept_request(ls)
    c.sendall(RESPONSE)
    # Wait until the client's extra bytes are queued, unread.
    if not select.select([c], [], [], 10.0)[0]:
        die("no extra data from the client")
    c.close()
    return info


def server_shut_rd(ls, args):
    """shutdown(SHUT_RD) first: nothing on the wire, then an ordinary close."""
    c, info = accept_request(ls)
    c.shutdown(socket.SHUT_RD)
    c.sendall(RESPONSE)
    c.close()
    return info


def server_abort(ls, args):
    c, info = accept_request(ls)
    c.sendall(RESPONSE)
    read_expecting(c, ConnectionResetError, "ECONNRESET", info)
    c.close()
    return info


def server_idle(ls, args):
    wait_point("stop")
    return {}


def server_simclose(ls, args):
    c, info = accept_request(ls)
    c.sendall(RESPONSE)
    wait_point("server-fin")
    c.shutdown(socket.SHUT_WR)
    info["eof_bytes"] = recv_eof(c)
    info["state_at_eof"] = tcp_state(c)
    c.close()
    return info


def server_halfclose(ls, args):
    c, _ = ls.accept()
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    info = ports(c)
    info["received"] = recv_eof(c)
    info["state_after_fin"] = tcp_state(c)
    for i in range(HALFCLOSE_CHUNKS):
        c.sendall(bytes([65 + i]) * HALFCLOSE_CHUNK)
    info["sent"] = HALFCLOSE_CHUNK * HALFCLOSE_CHUNKS
    c.close()
    return info


def server_closewait(ls, args):
    c, info = accept_request(ls)
    c.sendall(RESPONSE)
    recv_eof(c)
    info["state"] = tcp_state(c)
    emit("holding", **info)
    wait_point("release")
    c.close()
    return info


def server_many(ls, args):
    for _ in range(args.count):
        c, _ = ls.accept()
        if c.recv(1) != b"q":
            die("bad request byte")
        c.sendall(b"r")
        if c.recv(1) != b"":
            die("expected EOF")
        c.close()
    return {"count": args.count}


def server_hold(ls, args):
    conns = [ls.accept()[0] for _ in range(args.count)]
    for c in conns:
        recv_until(c, b"\r\n\r\n")
        c.sendall(RESPONSE)
    for c in conns:
        recv_eof(c)
        c.close()
    return {"count": args.count}


def server_bulk(ls, args):
    c, addr = ls.accept()
    info = ports(c)
    got = recv_eof(c)
    c.sendall(b"d" * BULK_DOWN)
    c.close()
    info.update(received=got, sent=BULK_DOWN)
    return info


# ---------------------------------------------------------------- client

def client_normal(args):
    c = connect(args)
    info = ports(c)
    exchange(c)
    c.close()
    return info


def client_server_closes(args, linger_s=0.0):
    """Reads to EOF, waits linger_s, then closes."""
    c = connect(args)
    info = ports(c)
    exchange(c)
    recv_eof(c)
    info["state_at_eof"] = tcp_state(c)
    time.sleep(linger_s)
    c.close()
    return info


def client_server_closes_late(args):
    """The server's close() comes first, well before ours."""
    return client_server_closes(args, linger_s=0.3)


def client_unread_close(args):
    """Sends bytes the server never reads; expects its RST."""
    c = connect(args)
    info = ports(c)
    exchange(c)
    c.sendall(b"x" * 100)
    try:
        while c.recv(65536):
            pass
        die("expected a reset, read EOF")
    except ConnectionResetError:
        info["error"] = "ECONNRESET"
    c.close()
    return info


def client_expect_error(args, expected):
    c = socket.socket(family_of(args.addr), socket.SOCK_STREAM)
    start = time.monotonic()
    try:
        c.connect((args.addr, args.port))
        die("connect succeeded, expected %s" % errno.errorcode[expected])
    except OSError as e:
        if e.errno != expected:
            die("connect failed with %s, expected %s"
                % (errno.errorcode.get(e.errno, e.errno), errno.errorcode[expected]))
    return {"error": errno.errorcode[expected],
            "elapsed": round(time.monotonic() - start, 3)}


def client_refused(args):
    return client_expect_error(args, errno.ECONNREFUSED)


def client_syn_timeout(args):
    return client_expect_error(args, errno.ETIMEDOUT)


def client_abort(args):
    c = connect(args)
    info = ports(c)
    exchange(c)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()
    return info


def client_simclose(args):
    c = connect(args)
    info = ports(c)
    exchange(c)
    wait_point("client-fin")
    c.shutdown(socket.SHUT_WR)
    wait_state(c, {"FIN_WAIT1"})
    wait_point("server-fin-sent")
    # The server's FIN arrives while ours is unacknowledged (dropped on the
    # server): FIN_WAIT1 -> CLOSING, which TCP_INFO lets us verify.
    info["reached"] = wait_state(c, {"CLOSING"})
    wait_point("closing")
    # Our FIN is retransmitted on RTO once the driver lifts the drop; the
    # ACK for it ends CLOSING (the timewait socket takes over, this one is
    # CLOSE).
    wait_state(c, {"CLOSE", "TIME_WAIT"}, timeout=20.0)
    c.close()
    return info


def client_halfclose(args):
    c = connect(args)
    info = ports(c)
    c.sendall(REQUEST)
    c.shutdown(socket.SHUT_WR)
    info["received"] = recv_eof(c)
    c.close()
    return info


def client_bulk(args):
    c = connect(args)
    info = ports(c)
    c.sendall(b"u" * BULK_UP)
    c.shutdown(socket.SHUT_WR)
    got = recv_eof(c)
    c.close()
    info.update(received=got, sent=BULK_UP)
    return info


def connect_retrying(fam, addr, limit_s=10.0):
    """connect(), retried while every ephemeral port is taken (EADDRNOTAVAIL:
    with a narrow port range, until a TIME_WAIT tuple may be reused)."""
    deadline = time.monotonic() + limit_s
    while True:
        c = socket.socket(fam, socket.SOCK_STREAM)
        try:
            c.connect(addr)
            return c
        except OSError as e:
            c.close()
            if e.errno != errno.EADDRNOTAVAIL or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def client_many(args):
    fam = family_of(args.addr)
    start = time.monotonic()
    for _ in range(args.count):
        c = connect_retrying(fam, (args.addr, args.port))
        c.sendall(b"q")
        if c.recv(1) != b"r":
            die("bad response byte")
        c.close()
    return {"count": args.count, "elapsed": round(time.monotonic() - start, 3)}


def client_hold(args):
    conns = [connect(args) for _ in range(args.count)]
    for c in conns:
        exchange(c)
    emit("held", conns=[ports(c) for c in conns])
    wait_point("release")
    for c in conns:
        c.close()
    return {"count": args.count}


SERVER = {"normal": server_normal, "server-close": server_close_first,
          "abort": server_abort, "syn-timeout": server_idle,
          "simclose": server_simclose, "halfclose": server_halfclose,
          "closewait": server_closewait, "many": server_many,
          "hold": server_hold, "shutdown-close": server_shutdown_close,
          "lingering-close": server_lingering_close, "unread-close": server_unread_close,
          "shut-rd": server_shut_rd, "bulk": server_bulk}
CLIENT = {"normal": client_normal, "server-close": client_server_closes,
          "refused": client_refused, "abort": client_abort,
          "syn-timeout": client_syn_timeout, "simclose": client_simclose,
          "halfclose": client_halfclose, "closewait": client_normal,
          "many": client_many, "hold": client_hold,
          "shutdown-close": client_server_closes_late,
          "lingering-close": client_server_closes_late, "unread-close": client_unread_close,
          "shut-rd": client_server_closes, "bulk": client_bulk}
SERVER.update(traffic_kernel.SERVER)
CLIENT.update(traffic_kernel.CLIENT)


def main():
    p = argparse.ArgumentParser(description="TCP scenario endpoint")
    p.add_argument("role", choices=["server", "client"])
    p.add_argument("scenario", choices=sorted(set(SERVER) | set(CLIENT)))
    p.add_argument("--addr", required=True, help="server address")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--count", type=int, default=1)
    args = p.parse_args()
    if args.role == "server":
        if args.scenario not in SERVER:
            die("scenario %s has no server side" % args.scenario)
        info = SERVER[args.scenario](listener(args), args)
    else:
        info = CLIENT[args.scenario](args)
    info["pid"] = os.getpid()
    emit("done", **info)


if __name__ == "__main__":
    main()
