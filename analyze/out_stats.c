// SPDX-License-Identifier: BSD-2-Clause
/*
 * out_stats.c - --stats: log2 histograms in the style of bcc's tools
 * (connect latency, lifetime, CLOSE_WAIT and TIME_WAIT durations, in
 * microseconds; the kernel's smoothed RTT, bytes and retransmissions per
 * connection) and the ten longest-lived connections.  Memory is fixed:
 * histogram slots and a ten-entry table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "outputs.h"
#include "timefmt.h"

#define HIST_SLOTS 64
#define TOP_N	   10

enum { H_CONNECT, H_LIFETIME, H_CLOSE_WAIT, H_TIME_WAIT, H_SRTT, H_BYTES, H_RETRANS, H_COUNT };

struct top_ent {
	uint64_t lifetime_ns;
	uint64_t id;
	char text[160];
};

struct out_stats {
	uint64_t hist[H_COUNT][HIST_SLOTS];
	uint64_t n[H_COUNT];
	struct top_ent top[TOP_N];
	int ntop;
};

/* Slot 0 holds 0 and 1, slot i [2^i, 2^(i+1)). */
static void hist_add(struct out_stats *s, int h, uint64_t v)
{
	int slot = 0;

	while (v > 1 && slot < HIST_SLOTS - 1) {
		v >>= 1;
		slot++;
	}
	s->hist[h][slot]++;
	s->n[h]++;
}

static void hist_add_ns(struct out_stats *s, int h, uint64_t ns)
{
	hist_add(s, h, ns / 1000);
}

/* The kernel's figures of a closed connection: its totals. */
static void figures_add(struct out_stats *s, const struct conn *c)
{
	uint64_t v, w;

	if (!c->closed)
		return;
	if (figures_get(&c->b->fig, TRC_SOCKF_SRTT_US, &v) && v)
		hist_add(s, H_SRTT, v);
	if (figures_get(&c->b->fig, TRC_SOCKF_BYTES_ACKED, &v) &&
	    figures_get(&c->b->fig, TRC_SOCKF_BYTES_RECEIVED, &w))
		hist_add(s, H_BYTES, v + w);
	if (figures_get(&c->b->fig, TRC_SOCKF_TOTAL_RETRANS, &v))
		hist_add(s, H_RETRANS, v);
}

/* The longest-lived connections. */
static void top_add(struct out_stats *s, const struct connection_view *cv)
{
	uint64_t lifetime = cv->end_rt - cv->start_rt;
	char b[96], r[96];
	struct strbuf ob = sb_fixed_str(b, sizeof(b)), rb = sb_fixed_str(r, sizeof(r));
	struct top_ent *e;
	int i;

	if (s->ntop == TOP_N && lifetime <= s->top[TOP_N - 1].lifetime_ns)
		return;
	i = s->ntop < TOP_N ? s->ntop++ : TOP_N - 1;
	for (; i > 0 && s->top[i - 1].lifetime_ns < lifetime; i--)
		s->top[i] = s->top[i - 1];
	e = &s->top[i];
	e->lifetime_ns = lifetime;
	e->id = cv->id;
	outfmt_side_sb(&ob, cv, SIDE_ORIG);
	outfmt_side_sb(&rb, cv, SIDE_RESP);
	snprintf(e->text, sizeof(e->text), "%s > %s %s", sb_fixed_cstr(&ob), sb_fixed_cstr(&rb),
		 outcome_name(cv->outcome));
}

/* The distributions are of endpoints: each side measures its own
 * connect latency, time in CLOSE_WAIT and TIME_WAIT, and figures. */
static void endpoint_add(struct out_stats *s, const struct conn_view *v)
{
	if (v->dur.connect_ns != DUR_NONE)
		hist_add_ns(s, H_CONNECT, v->dur.connect_ns);
	if (v->c->closed)
		hist_add_ns(s, H_LIFETIME, v->dur.lifetime_ns);
	if (v->dur.states[TCP_ST_CLOSE_WAIT] != DUR_NONE)
		hist_add_ns(s, H_CLOSE_WAIT, v->dur.states[TCP_ST_CLOSE_WAIT]);
	if (v->dur.timewait_ns != DUR_NONE)
		hist_add_ns(s, H_TIME_WAIT, v->dur.timewait_ns);
	figures_add(s, v->c);
}

static int st_conn(void *arg, const struct connection_view *cv)
{
	struct out_ctx *o = arg;

	if (cv->verdict == VERDICT_VIOLATION)
		o->violations++;
	for (int i = 0; i < SIDE_COUNT; i++)
		if (cv->half[i])
			endpoint_add(o->stats, cv->half[i]);
	top_add(o->stats, cv);
	return 0;
}

static void print_hist(FILE *fp, const char *title, const char *unit, const uint64_t *h, uint64_t n)
{
	int last = -1;
	uint64_t max = 0;

	fprintf(fp, "\n%s (%llu endpoints)\n", title, (unsigned long long)n);
	for (int i = 0; i < HIST_SLOTS; i++) {
		if (h[i])
			last = i;
		if (h[i] > max)
			max = h[i];
	}
	if (last < 0)
		return;
	fprintf(fp, "%22s : count    distribution\n", unit);
	for (int i = 0; i <= last; i++) {
		unsigned long long lo = i ? 1ull << i : 0, hi = (1ull << (i + 1)) - 1;
		int stars = max ? (int)(h[i] * 40 / max) : 0;
		char bar[41];

		memset(bar, '*', (size_t)stars);
		bar[stars] = '\0';
		fprintf(fp, "%10llu -> %-10llu : %-8llu |%-40s|\n", lo, hi,
			(unsigned long long)h[i], bar);
	}
}

static int st_summary(void *arg, const struct analyzer_summary *sum)
{
	static const char *const titles[H_COUNT] = {
		"connect latency (SYN_SENT dwell)",
		"lifetime (closed endpoints)",
		"time in CLOSE_WAIT",
		"time in TIME_WAIT",
		"smoothed RTT at close (kernel srtt)",
		"bytes acked + received (closed endpoints)",
		"retransmitted segments (closed endpoints)",
	};
	static const char *const units[H_COUNT] = {
		"usecs", "usecs", "usecs", "usecs", "usecs", "bytes", "segments",
	};
	struct out_ctx *o = arg;
	struct out_stats *s = o->stats;
	char d[32];

	for (int h = 0; h < H_COUNT; h++)
		print_hist(o->fp, titles[h], units[h], s->hist[h], s->n[h]);
	fprintf(o->fp, "\ntop %d connections by lifetime\n", TOP_N);
	for (int i = 0; i < s->ntop; i++)
		fprintf(o->fp, "%5llu %12s  %s\n", (unsigned long long)s->top[i].id,
			timefmt_duration(s->top[i].lifetime_ns, d, sizeof(d)), s->top[i].text);
	return outfmt_summary(o->fp, sum);
}

int out_stats_sink(struct analyzer_sink *s, struct out_ctx *o)
{
	o->stats = calloc(1, sizeof(*o->stats));
	if (!o->stats)
		return -ENOMEM;
	s->header = NULL;
	s->event = NULL;
	s->conn = st_conn;
	s->summary = st_summary;
	s->arg = o;
	return 0;
}

void out_stats_free(struct out_ctx *o)
{
	free(o->stats);
	o->stats = NULL;
}
