#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The main job on a fresh machine: install dependencies, build, record a few
# seconds of real TCP traffic that this script generates in a private network
# namespace, and print tcpana's analysis of the trace.  Where recording is
# impossible (no root, no BPF), analyse a bundled sample trace and say so.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh demo
[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null
out=${1:-run.trc}

can_record() {
	[ "$(id -u)" -eq 0 ] && [ -x build/record/tcprec ] && [ -r /sys/kernel/btf/vmlinux ] && ip netns list >/dev/null 2>&1
}

if ! can_record; then
	echo "demo: cannot record here (needs root, BPF and network namespaces); analysing samples/normal-v4.trc instead" >&2
	exec build/analyze/tcpana samples/normal-v4.trc
fi

ns=tcprec-demo-$$
cleanup() { ip netns del "$ns" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
inode=$(stat -L -c %i "/run/netns/$ns")

build/record/tcprec -w "$out" --netns "/run/netns/$ns" --duration 4 &
rec=$!
sleep 1
# Traffic: a few request/response exchanges, a refused connect, an abort.
ip netns exec "$ns" python3 - <<'PY'
import socket, struct, threading
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 8080)); srv.listen(16)
def serve():
    while True:
        c, _ = srv.accept()
        data = c.recv(100)
        if data == b"abort":
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            c.sendall(b"HTTP/1.0 200 OK\r\n\r\nhello")
        c.close()
threading.Thread(target=serve, daemon=True).start()
for i in range(5):
    s = socket.create_connection(("127.0.0.1", 8080)); s.sendall(b"GET / HTTP/1.0\r\n\r\n"); s.recv(100); s.close()
try:
    socket.create_connection(("127.0.0.1", 8081))
except ConnectionRefusedError:
    pass
s = socket.create_connection(("127.0.0.1", 8080)); s.sendall(b"abort")
try:
    s.recv(100)
except ConnectionResetError:
    pass
s.close()
PY
wait "$rec"
echo
build/analyze/tcpana "$out"
echo
echo "demo: trace written to $out; try: build/analyze/tcpana --timeline $out, --json, --replay"
