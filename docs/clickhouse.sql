-- SPDX-License-Identifier: BSD-2-Clause
-- tcpana's flat lines (tcpana --jsonl=flat, docs/JSON.md "Flat lines") in
-- ClickHouse, 18.16 or newer: one table for the connections of every
-- host, and the questions an incident asks across hosts.  docs/FLEET.md
-- gives the steps.  Load:
--
--   tcpana --jsonl=flat run.trc | clickhouse-client \
--       --input_format_skip_unknown_fields=1 \
--       --query "INSERT INTO tcp.connections FORMAT JSONEachRow"
--
-- Each column is the flat member of the same name; a member a newer
-- tcpana adds is skipped (input_format_skip_unknown_fields), a column
-- the lines lack takes its default.  Times are UTC: start_time and
-- end_time to the second, start_unix_ns and end_unix_ns to the
-- nanosecond.  Every statement ends with ';' at the end of a line; each
-- example query follows a '-- query: NAME' line, by which the test
-- tests/integration/fleet/fleet_clickhouse.py runs it.

CREATE DATABASE IF NOT EXISTS tcp;

CREATE TABLE IF NOT EXISTS tcp.connections (
    host String,
    trace_id String,
    id UInt64,
    family UInt8,
    orig_addr String,
    orig_port UInt16,
    resp_addr String,
    resp_port UInt16,
    seen String,
    direction_known UInt8,
    start_time DateTime('UTC'),
    start_unix_ns UInt64,
    end_time DateTime('UTC'),
    end_unix_ns UInt64,
    duration_ns UInt64,
    open UInt8,
    outcome String,
    conn_state String,
    history String,
    verdict String,
    incomplete String,
    orig_bytes Nullable(UInt64),
    resp_bytes Nullable(UInt64),
    rtt_us Nullable(UInt64),
    retransmits UInt64,
    handshake_ns Nullable(UInt64),
    orig_host Nullable(String),
    orig_pid Nullable(UInt32),
    orig_comm Nullable(String),
    orig_netns Nullable(UInt32),
    orig_resets_sent Nullable(UInt64),
    orig_resets_received Nullable(UInt64),
    resp_host Nullable(String),
    resp_pid Nullable(UInt32),
    resp_comm Nullable(String),
    resp_netns Nullable(UInt32),
    resp_resets_sent Nullable(UInt64),
    resp_resets_received Nullable(UInt64)
) ENGINE = MergeTree()
PARTITION BY toYYYYMMDD(start_time)
ORDER BY (host, start_time);

-- Connections per host (listening sockets are rows too: left out).
-- query: connections_per_host
SELECT host, count() AS connections
FROM tcp.connections
WHERE outcome != 'listener'
GROUP BY host
ORDER BY host;

-- How each host's connections ended.
-- query: outcomes_per_host
SELECT host, outcome, count() AS connections
FROM tcp.connections
GROUP BY host, outcome
ORDER BY host, outcome;

-- Which hosts received RSTs from 198.51.100.23 between 14:02 and 14:05
-- (UTC) on 22 November 2026: connections alive in that window whose
-- endpoint on the host recorded a reset received from that peer.
-- query: resets_by_peer
SELECT host, count() AS connections, min(start_time) AS first_start, max(end_time) AS last_end
FROM tcp.connections
WHERE ((resp_addr = '198.51.100.23' AND orig_resets_received > 0)
       OR (orig_addr = '198.51.100.23' AND resp_resets_received > 0))
  AND end_time >= toDateTime('2026-11-22 14:02:00', 'UTC')
  AND start_time < toDateTime('2026-11-22 14:05:00', 'UTC')
GROUP BY host
ORDER BY host;

-- The slowest handshakes (first SYN to ESTABLISHED), in microseconds.
-- query: slowest_handshakes
SELECT host, orig_addr, orig_port, resp_addr, resp_port, start_time, handshake_ns / 1000 AS handshake_us
FROM tcp.connections
WHERE handshake_ns IS NOT NULL
ORDER BY handshake_ns DESC
LIMIT 10;
