# SPDX-License-Identifier: BSD-2-Clause
"""What every traffic scenario shares: the JSON-lines protocol with the
driver (emit, wait_point, die), socket helpers (TCP_INFO state, reading
to a token or to EOF, ports) and the request/response both sides speak.
The scenarios live in traffic.py (ordinary applications) and
traffic_kernel.py (connections the kernel's timers and limits shape)."""

import json
import socket
import sys
import time

TCP_STATES = {1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1",
              5: "FIN_WAIT2", 6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT",
              9: "LAST_ACK", 10: "LISTEN", 11: "CLOSING"}
REQUEST = b"GET / HTTP/1.0\r\n\r\n"
RESPONSE = b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"


def emit(event, **fields):
    """Write one JSON line to stdout and flush it."""
    fields["event"] = event
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def wait_point(name):
    """Announce a synchronisation point and block until the driver answers."""
    emit("wait", name=name)
    if not sys.stdin.readline():
        raise SystemExit("driver went away at " + name)


def die(msg):
    emit("error", msg=msg)
    sys.exit(1)


def tcp_state(sock):
    """Kernel TCP state of sock (first byte of struct tcp_info)."""
    return TCP_STATES.get(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0], "?")


def wait_state(sock, wanted, timeout=10.0):
    """Poll TCP_INFO until the socket is in one of the states `wanted`."""
    deadline = time.monotonic() + timeout
    while True:
        st = tcp_state(sock)
        if st in wanted:
            return st
        if time.monotonic() > deadline:
            die("socket stayed in %s, expected one of %s" % (st, sorted(wanted)))
        time.sleep(0.002)


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def recv_until(sock, token):
    data = b""
    while token not in data:
        chunk = sock.recv(65536)
        if not chunk:
            die("EOF before %r" % token)
        data += chunk
    return data


def recv_eof(sock):
    """Read until EOF; return the number of bytes read."""
    total = 0
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return total
        total += len(chunk)


def ports(sock):
    local = sock.getsockname()
    peer = sock.getpeername()
    return {"lport": local[1], "rport": peer[1], "laddr": local[0], "raddr": peer[0]}


def listener(args):
    s = socket.socket(family_of(args.addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((args.addr, args.port))
    s.listen(4096)
    emit("listening", port=s.getsockname()[1])
    return s


def accept_request(ls):
    """The next connection and its ports, once its request has arrived."""
    c, _ = ls.accept()
    info = ports(c)
    recv_until(c, b"\r\n\r\n")
    return c, info


def connect(args):
    c = socket.socket(family_of(args.addr), socket.SOCK_STREAM)
    c.connect((args.addr, args.port))
    return c


def exchange(c):
    c.sendall(REQUEST)
    recv_until(c, b"\r\n\r\n")


def read_expecting(sock, exc, name, info):
    """One read that must fail with exc (a reset, a timeout); records
    name as info["error"]."""
    try:
        data = sock.recv(65536)
        die("expected %s, read %r" % (name, data))
    except exc:
        info["error"] = name
