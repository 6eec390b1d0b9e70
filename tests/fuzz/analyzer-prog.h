/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * analyzer-prog.h - the input language of the analyser fuzz target
 * (fuzz-analyzer.c) and of its seed translator (tests/tools/trc2prog.c).
 *
 * An input is a little program of trace-writer calls.  Because the trace
 * is then written by the format library's own writer, every CRC and
 * length is right and each mutation reaches the analyser instead of
 * stopping in the reader.
 *
 * Byte 0 configures the file (PROG_CFG_*).  Then each instruction is an
 * opcode byte, taken modulo PROG_OP_COUNT so that every byte is some
 * instruction, and its operands.  Integers are little-endian; "varint" is
 * LEB128 (7 bits a byte, low first, at most 10 bytes).  Reading past the
 * end of the input yields zeros, so every byte string is a program.
 *
 * A "conn" operand names the connection an event is for: with bit 7 clear,
 * the serial last opened in slot (b % PROG_SLOTS) -- possibly closed since,
 * or 0 when the slot was never opened; with bit 7 set, the raw serial
 * (b & 0x7f), open, closed or never declared.  The writer refuses events
 * for serials it does not hold (that is how it is used: no event can name
 * a closed connection), so those calls only test that refusal.
 * State numbers are taken modulo TRC_TCP_STATE_MAX + 1: any order of valid
 * states, which is what the reader accepts.
 *
 *  OPEN      slot famflags laddr raddr lport:u16 rport:u16 netns:u32 cookie:u64
 *            famflags bit 0: IPv6 (addresses 16 bytes, else 4);
 *            bits 1-3: TRC_CONN_F_FLOW_ONLY, _MIDSTREAM, _LOCAL_BY_NET.
 *            Opening an occupied slot leaves its connection open for good.
 *  OPEN_LIKE slot src how -- a declaration copied from slot src (reused
 *            tuples and cookies); how bit 0: swap local and remote (the
 *            loopback peer); bit 1: cookie + 1; bit 2: toggle flow-only;
 *            bit 3: lport + 1; bit 4: netns + 1.
 *  CLOSE     slot -- trc_writer_conn_close().
 *  STATE     conn old new flags [pid:u32 tgid:u32 commlen comm...]
 *            flags & 3 are TRC_STATE_F_*; owner fields only with F_OWNER;
 *            commlen & 15 bytes of comm follow.
 *  SEGMENT   conn bits tcpflags [seq:u32 ack:u32 window:u32 len:u32]
 *            bits bit 0: dir TX; bit 1: TRC_SEG_F_SEQ (then the four
 *            fields follow); bit 2: TRC_SEG_F_SNAP_SHORT.
 *  TIMEWAIT  conn bits precision_ns:varint -- bit 0: exit; bit 1: polled.
 *  RETRANS   conn tcpflags old_state
 *  RESET     conn dir (bit 0: TX)
 *  LOST      count:varint before:varint after:varint cpu reason
 *            losses in [now - before, now + after]; cpu 0xff = all.
 *  TIME      delta:varint -- now += delta (saturating).
 *  TIME_BACK delta:varint -- now -= delta: the writer clamps the next event.
 *  FLUSH     -- trc_writer_flush().
 *  TICK      ahead:varint -- trc_writer_tick(now + ahead).
 *
 * All event instructions use the current time "now", which starts at
 * PROG_T0_NS.
 */
#ifndef TESTS_FUZZ_ANALYZER_PROG_H
#define TESTS_FUZZ_ANALYZER_PROG_H

enum prog_cfg {
	PROG_CFG_CHUNK_MASK = 3u << 0, /* chunk bytes: default, 1 KiB, 4 KiB, 16 KiB */
	PROG_CFG_PCAP = 1u << 2,       /* header source "pcap-file:": segment-only replay */
	PROG_CFG_ANCHOR = 1u << 3,     /* clock anchor after the events (negative offset) */
	PROG_CFG_TWICE = 1u << 4,      /* analyse two copies of the trace merged */
};

enum prog_op {
	PROG_OP_OPEN = 0,
	PROG_OP_OPEN_LIKE,
	PROG_OP_CLOSE,
	PROG_OP_STATE,
	PROG_OP_SEGMENT,
	PROG_OP_TIMEWAIT,
	PROG_OP_RETRANS,
	PROG_OP_RESET,
	PROG_OP_LOST,
	PROG_OP_TIME,
	PROG_OP_TIME_BACK,
	PROG_OP_FLUSH,
	PROG_OP_TICK,
	PROG_OP_COUNT,
};

#define PROG_SLOTS 64
#define PROG_T0_NS 1000000000ull

/* Per-input bounds that keep one execution short: instructions beyond
 * them are not run. */
#define PROG_MAX_OPENS	512
#define PROG_MAX_EVENTS 8192

#endif /* TESTS_FUZZ_ANALYZER_PROG_H */
