// SPDX-License-Identifier: BSD-2-Clause
/*
 * tw_reported.c - a set of (file, serial) on lib/hchain.h, one small
 * allocation per endpoint in TIME_WAIT: at most as many as the host holds
 * timewait sockets.
 */
#include "tw_reported.h"

#include <errno.h>
#include <stdlib.h>

#include "hash.h"

struct reported {
	struct hchain_link link;
	uint64_t serial;
	uint32_t file;
};

static uint64_t key_hash(uint32_t file, uint64_t serial)
{
	return hash_mix(serial * 31 + file);
}

int tw_reported_init(struct tw_reported *t)
{
	return hchain_init(&t->by_serial, 64);
}

void tw_reported_fini(struct tw_reported *t)
{
	for (size_t i = 0; i < t->by_serial.n_buckets; i++) {
		struct hchain_link *l = t->by_serial.bucket[i];

		while (l) {
			struct hchain_link *next = l->next;

			free(hchain_entry(l, struct reported, link));
			l = next;
		}
	}
	hchain_fini(&t->by_serial);
}

static struct reported *find(const struct tw_reported *t, uint32_t file, uint64_t serial)
{
	for (struct hchain_link *l = hchain_first(&t->by_serial, key_hash(file, serial)); l;
	     l = hchain_next(l)) {
		struct reported *r = hchain_entry(l, struct reported, link);

		if (r->file == file && r->serial == serial)
			return r;
	}
	return NULL;
}

int tw_reported_add(struct tw_reported *t, uint32_t file, uint64_t serial)
{
	struct reported *r;

	if (find(t, file, serial))
		return 0;
	r = malloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->file = file;
	r->serial = serial;
	hchain_insert(&t->by_serial, &r->link, key_hash(file, serial));
	return 0;
}

bool tw_reported_has(struct tw_reported *t, uint32_t file, uint64_t serial, bool last)
{
	struct reported *r = t->by_serial.count ? find(t, file, serial) : NULL;

	if (!r)
		return false;
	if (last) {
		hchain_remove(&t->by_serial, &r->link);
		free(r);
	}
	return true;
}
