// SPDX-License-Identifier: BSD-2-Clause
/*
 * scenarios_pcap.c - synthetic traces shaped like pcap imports (flows only,
 * no socket records, sequence numbers), and the table of all scenarios.
 */
#include "scenarios.h"

/* pcap import: one flow, local side = the SYN's sender, sequence numbers. */
uint8_t *sc_pcap_normal(bool v6, size_t *len)
{
	struct tg *g = tg_new("pcap-file:normal.pcap");
	const char *c = v6 ? CLI6 : CLI4, *s = v6 ? SRV6 : SRV4;
	uint64_t f = tg_conn(g, c, CPORT, s, SPORT, 0, TRC_CONN_F_FLOW_ONLY);
	uint64_t t = 1 * MS;

	tg_seg_seq(g, f, t, true, "S", 1000, 0, 64240, 0);
	tg_seg_seq(g, f, t + 100000, false, "S.", 5000, 1001, 65160, 0);
	tg_seg_seq(g, f, t + 101000, true, ".", 1001, 5001, 502, 0);
	tg_seg_seq(g, f, t + 200000, true, "P.", 1001, 5001, 502, 18);
	tg_seg_seq(g, f, t + 300000, false, ".", 5001, 1019, 509, 0);
	tg_seg_seq(g, f, t + 400000, false, "P.", 5001, 1019, 509, 38);
	tg_seg_seq(g, f, t + 500000, true, ".", 1019, 5039, 502, 0);
	tg_seg_seq(g, f, t + 600000, true, "F.", 1019, 5039, 502, 0);
	tg_seg_seq(g, f, t + 700000, false, ".", 5039, 1020, 509, 0);
	tg_seg_seq(g, f, t + 800000, false, "F.", 5039, 1020, 509, 0);
	tg_seg_seq(g, f, t + 900000, true, ".", 1020, 5040, 502, 0);
	return tg_finish(g, len);
}

uint8_t *sc_pcap_refused(bool v6, size_t *len)
{
	struct tg *g = tg_new("pcap-file:refused.pcap");
	uint64_t f = tg_conn(g, v6 ? CLI6 : CLI4, CPORT, v6 ? SRV6 : SRV4, SPORT, 0,
			     TRC_CONN_F_FLOW_ONLY);

	tg_seg_seq(g, f, 1 * MS, true, "S", 1000, 0, 64240, 0);
	tg_seg_seq(g, f, 1 * MS + 50000, false, "R.", 0, 1001, 0, 0);
	return tg_finish(g, len);
}

/* Both FINs cross: each side goes FIN_WAIT1 -> CLOSING -> TIME_WAIT. */
uint8_t *sc_pcap_simclose(bool v6, size_t *len)
{
	struct tg *g = tg_new("pcap-file:simclose.pcap");
	uint64_t f = tg_conn(g, v6 ? CLI6 : CLI4, CPORT, v6 ? SRV6 : SRV4, SPORT, 0,
			     TRC_CONN_F_FLOW_ONLY);
	uint64_t t = 1 * MS;

	tg_seg_seq(g, f, t, true, "S", 1000, 0, 64240, 0);
	tg_seg_seq(g, f, t + 100000, false, "S.", 5000, 1001, 65160, 0);
	tg_seg_seq(g, f, t + 101000, true, ".", 1001, 5001, 502, 0);
	tg_seg_seq(g, f, t + 200000, true, "F.", 1001, 5001, 502, 0);
	tg_seg_seq(g, f, t + 201000, false, "F.", 5001, 1001, 509, 0);
	tg_seg_seq(g, f, t + 300000, true, ".", 1002, 5002, 502, 0);
	tg_seg_seq(g, f, t + 301000, false, ".", 5002, 1002, 509, 0);
	return tg_finish(g, len);
}

const struct scenario scenarios[] = {
	{ "normal", sc_normal },
	{ "figures", sc_figures },
	{ "server-close", sc_server_close },
	{ "refused", sc_refused },
	{ "syn-timeout", sc_syn_timeout },
	{ "abort", sc_abort },
	{ "simclose", sc_simclose },
	{ "halfclose", sc_halfclose },
	{ "closewait", sc_closewait },
	{ "violation-fin", sc_violation_fin },
	{ "violation-illegal", sc_violation_illegal },
	{ "violation-lost", sc_violation_lost },
	{ "snapshot", sc_snapshot },
	{ "states-only", sc_states_only },
	{ "pcap-normal", sc_pcap_normal },
	{ "pcap-refused", sc_pcap_refused },
	{ "pcap-simclose", sc_pcap_simclose },
	{ NULL, NULL },
};
