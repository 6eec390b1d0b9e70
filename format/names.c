// SPDX-License-Identifier: BSD-2-Clause
/*
 * names.c - text names for the values the format stores: TCP states,
 * event types, reader statuses and tcpdump-style TCP flag strings.  Every
 * lookup is range-checked, because the numbers may come from a file.
 */
#include <stddef.h>

#include "trc.h"

static const char *const tcp_state_names[] = {
	[TRC_TCP_UNKNOWN] = "UNKNOWN",
	[TRC_TCP_ESTABLISHED] = "ESTABLISHED",
	[TRC_TCP_SYN_SENT] = "SYN_SENT",
	[TRC_TCP_SYN_RECV] = "SYN_RECV",
	[TRC_TCP_FIN_WAIT1] = "FIN_WAIT1",
	[TRC_TCP_FIN_WAIT2] = "FIN_WAIT2",
	[TRC_TCP_TIME_WAIT] = "TIME_WAIT",
	[TRC_TCP_CLOSE] = "CLOSE",
	[TRC_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TRC_TCP_LAST_ACK] = "LAST_ACK",
	[TRC_TCP_LISTEN] = "LISTEN",
	[TRC_TCP_CLOSING] = "CLOSING",
	[TRC_TCP_NEW_SYN_RECV] = "NEW_SYN_RECV",
	[TRC_TCP_BOUND_INACTIVE] = "BOUND_INACTIVE",
};

const char *trc_tcp_state_name(unsigned int state)
{
	if (state > TRC_TCP_STATE_MAX)
		return NULL;
	return tcp_state_names[state];
}

static const char *const event_type_names[] = {
	[TRC_EV_STATE] = "state",	[TRC_EV_SEGMENT] = "segment",
	[TRC_EV_TIMEWAIT] = "timewait", [TRC_EV_RETRANSMIT] = "retransmit",
	[TRC_EV_RESET] = "reset",	[TRC_EV_LOST] = "lost",
	[TRC_EV_SOCK] = "sock",
};

const char *trc_event_type_name(unsigned int type)
{
	if (type == 0 || type > TRC_EV_TYPE_MAX)
		return NULL;
	return event_type_names[type];
}

#define TRC_SOCK_CASE_(value, name, text)                                                          \
	case value:                                                                                \
		return text;

const char *trc_sock_kind_name(unsigned int kind)
{
	switch (kind) {
		TRC_SOCK_KINDS(TRC_SOCK_CASE_)
	}
	return NULL;
}

const char *trc_sock_field_name(unsigned int key)
{
	switch (key) {
		TRC_SOCK_FIELDS(TRC_SOCK_CASE_)
	}
	return NULL;
}

const char *trc_status_name(enum trc_status st)
{
	switch (st) {
	case TRC_OK:
		return "ok";
	case TRC_EOF:
		return "eof";
	case TRC_TRUNCATED:
		return "truncated";
	case TRC_CORRUPT:
		return "corrupt";
	case TRC_UNSUPPORTED:
		return "unsupported";
	case TRC_IOERR:
		return "ioerr";
	case TRC_SKIPPED:
		return "skipped";
	}
	return "unknown";
}

const char *trc_tcp_flags_str(uint8_t flags, char *buf, size_t len)
{
	/* Bit order F S R P A U E W; ACK prints as '.', as tcpdump does. */
	static const char letters[8] = { 'F', 'S', 'R', 'P', '.', 'U', 'E', 'W' };
	size_t n = 0;

	if (!buf || len == 0)
		return buf;
	if (flags == 0) {
		const char *none = "none";
		for (; none[n] && n + 1 < len; n++)
			buf[n] = none[n];
		buf[n] = '\0';
		return buf;
	}
	for (int bit = 0; bit < 8; bit++)
		if ((flags & (1u << bit)) && n + 1 < len)
			buf[n++] = letters[bit];
	buf[n] = '\0';
	return buf;
}
