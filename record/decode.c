// SPDX-License-Identifier: BSD-2-Clause
/*
 * decode.c - the only place raw BPF records are checked.  Anything that
 * does not match its declared type exactly is rejected and counted as
 * malformed by the caller; nothing from the kernel side is trusted to
 * index a table unchecked (the tcpstates state-name lesson).
 */
#include "decode.h"

#include <errno.h>
#include <string.h>

#include "trc.h"

size_t ev_type_size(unsigned int type)
{
	switch (type) {
	case EV_STATE:
		return sizeof(struct ev_state);
	case EV_SEGMENT:
		return sizeof(struct ev_segment);
	case EV_RETRANSMIT:
	case EV_RESET:
	case EV_TIMEWAIT:
	case EV_SOCK:
		return sizeof(struct ev_sock_event);
	case EV_SOCK_FIELDS:
		return sizeof(struct ev_sock_fields);
	default:
		return 0;
	}
}

static int tuple_ok(const struct ev_tuple *t)
{
	return t->family == 4 || t->family == 6;
}

static int sock_event_ok(const struct ev_sock_event *e, unsigned int type)
{
	if (e->state > TRC_TCP_STATE_MAX)
		return 0;
	switch (type) {
	case EV_RESET:
		return e->kind == EV_KIND_RESET_TX || e->kind == EV_KIND_RESET_RX;
	case EV_TIMEWAIT:
		return e->kind == EV_KIND_TW_ENTER || e->kind == EV_KIND_TW_EXIT;
	case EV_SOCK:
		return e->kind == EV_KIND_SNAPSHOT || e->kind == EV_KIND_TW_POLL;
	default:
		return 1;
	}
}

/* The trace's SOCK rules (SPEC.md 5.4): kind and keys >= 1. */
static int sock_fields_ok(const struct ev_sock_fields *e)
{
	_Static_assert(EV_SOCK_MAX_FIELDS == TRC_SOCK_MAX_FIELDS,
		       "events.h and trc_sock.h disagree");
	if (!tuple_ok(&e->tuple) || !e->kind || e->state > TRC_TCP_STATE_MAX ||
	    e->n_fields > EV_SOCK_MAX_FIELDS)
		return 0;
	for (unsigned int i = 0; i < e->n_fields; i++)
		if (!e->key[i])
			return 0;
	return 1;
}

int ev_decode(const void *data, size_t size)
{
	struct ev_hdr hdr;
	size_t want;

	if (!data || size < sizeof(hdr))
		return -EBADMSG;
	memcpy(&hdr, data, sizeof(hdr));
	want = ev_type_size(hdr.type);
	if (hdr.size != size || !want || size != want)
		return -EBADMSG;
	switch (hdr.type) {
	case EV_STATE: {
		const struct ev_state *e = data;

		if (!tuple_ok(&e->tuple) || e->old_state > TRC_TCP_STATE_MAX ||
		    e->new_state > TRC_TCP_STATE_MAX || (e->flags & ~EV_STATE_F_OWNER))
			return -EBADMSG;
		break;
	}
	case EV_SEGMENT: {
		const struct ev_segment *e = data;

		if (!tuple_ok(&e->tuple) || e->dir > EV_DIR_TX || (e->flags & ~EV_SEG_F_SEQ))
			return -EBADMSG;
		break;
	}
	case EV_SOCK_FIELDS:
		if (!sock_fields_ok(data))
			return -EBADMSG;
		break;
	default: {
		const struct ev_sock_event *e = data;

		if (!tuple_ok(&e->tuple) || !sock_event_ok(e, hdr.type))
			return -EBADMSG;
		break;
	}
	}
	return hdr.type;
}
