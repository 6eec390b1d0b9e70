// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-shard.c - the routing of a parallel analysis (shard.h,
 * tuple_hash.h): both ends of a connection hash alike, exactly one shard
 * owns a connection's events and the same one owns them from either end,
 * every shard owns events without a connection, and connections spread
 * evenly over the shards.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "shard.h"
#include "tuple_hash.h"

static void random_decl(struct trc_conn *d, unsigned int *seed, bool v6)
{
	memset(d, 0, sizeof(*d));
	d->family = v6 ? TRC_FAMILY_IPV6 : TRC_FAMILY_IPV4;
	for (int i = 0; i < (v6 ? 16 : 4); i++) {
		d->laddr[i] = (uint8_t)rand_r(seed);
		d->raddr[i] = (uint8_t)rand_r(seed);
	}
	d->lport = (uint16_t)rand_r(seed);
	d->rport = (uint16_t)rand_r(seed);
}

static void reversed(struct trc_conn *r, const struct trc_conn *d)
{
	*r = *d;
	memcpy(r->laddr, d->raddr, 16);
	memcpy(r->raddr, d->laddr, 16);
	r->lport = d->rport;
	r->rport = d->lport;
}

static void both_ends_alike(void)
{
	unsigned int seed = 1;

	for (int i = 0; i < 10000; i++) {
		struct trc_conn d, r;

		random_decl(&d, &seed, i & 1);
		reversed(&r, &d);
		CHECK_EQ(tuple_hash(d.laddr, d.lport, d.raddr, d.rport),
			 tuple_hash(r.laddr, r.lport, r.raddr, r.rport));
		CHECK(tuple_first_end(d.laddr, d.lport, d.raddr, d.rport) !=
		      tuple_first_end(r.laddr, r.lport, r.raddr, r.rport));
	}
	/* The ports are part of it: a connection's next port is another. */
	{
		struct trc_conn d;

		random_decl(&d, &seed, false);
		uint64_t h = tuple_hash(d.laddr, d.lport, d.raddr, d.rport);

		d.lport++;
		CHECK(h != tuple_hash(d.laddr, d.lport, d.raddr, d.rport));
	}
}

static void one_owner_each(void)
{
	enum { N = 3, CONNS = 30000 };
	struct shard_shared sh = { .n = N };
	struct shard s[N];
	unsigned int seed = 7, owned[N] = { 0 };

	for (unsigned int i = 0; i < N; i++) {
		s[i] = (struct shard){ .sh = &sh, .index = i };
		shard_owners(&s[i]);
	}
	for (int i = 0; i < CONNS; i++) {
		struct trc_conn d, r;
		unsigned int owners = 0;

		random_decl(&d, &seed, i & 1);
		reversed(&r, &d);
		for (unsigned int k = 0; k < N; k++) {
			CHECK_EQ(shard_owns(&s[k], &d), shard_owns(&s[k], &r));
			if (shard_owns(&s[k], &d)) {
				owners++;
				owned[k]++;
			}
		}
		CHECK_EQ(owners, 1);
	}
	for (unsigned int k = 0; k < N; k++) {
		CHECK(shard_owns(&s[k], NULL), "a LOST record is every shard's");
		CHECK(owned[k] > CONNS / N * 9 / 10 && owned[k] < CONNS / N * 11 / 10,
		      "shard %u owns %u of %d", k, owned[k], CONNS);
	}
}

int main(void)
{
	both_ends_alike();
	one_owner_each();
	return check_exit_status();
}
