#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs every tcprec benchmark with one command: builds build-bench if
# needed, runs bench/harness.py (recording cost against tcpstates, bpftrace
# and tcpdump; the same on a busy host holding 10k-200k TIME_WAIT sockets
# and 10k idle connections; analysis speed against tshark and tcptrace, and
# tcpana's time and memory on a 100M-event trace; the ingest of 1M
# tcpana --jsonl=flat lines into ClickHouse), prints the Markdown tables and
# writes them to bench/RESULTS.md.
#   scripts/bench.sh            full run, about 25-35 minutes on two cores
#   scripts/bench.sh --quick    smoke run, under 2 minutes
# Other arguments go to the harness (see bench/harness.py --help).  Root.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
	echo "bench: needs root (BPF programs, network namespaces)" >&2
	exit 1
fi
bash scripts/deps.sh bench # the peers: tcpstates, bpftrace, tcpdump, tshark, tcptrace; clickhouse
[ -f build-bench/build.ninja ] || meson setup build-bench >/dev/null
meson compile -C build-bench >/dev/null
out=bench/RESULTS.md
case " $* " in *" --quick "*) out=build-bench/RESULTS-quick.md ;; esac
exec python3 bench/harness.py --build build-bench --out "$out" "$@"
