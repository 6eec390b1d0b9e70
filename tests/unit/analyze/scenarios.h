/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * scenarios.h - synthetic traces shaped like what the recorder writes for
 * each TCP scenario (kernel transition order, softirq vs. process context,
 * flows that precede the accepted child socket, polled TIME_WAIT).
 */
#ifndef TESTS_ANALYZE_SCENARIOS_H
#define TESTS_ANALYZE_SCENARIOS_H

#include "tracegen.h"

#define CLI4   "192.0.2.1"
#define SRV4   "192.0.2.2"
#define CLI6   "2001:db8::1"
#define SRV6   "2001:db8::2"
#define CPORT  40000
#define SPORT  8080
#define NS_CLI 4026532001u
#define NS_SRV 4026532002u

struct scenario {
	const char *name;
	uint8_t *(*build)(bool v6, size_t *len);
};

/* Every scenario, NULL-terminated. */
extern const struct scenario scenarios[];

uint8_t *sc_normal(bool v6, size_t *len);	/* client closes first */
uint8_t *sc_server_close(bool v6, size_t *len); /* server closes first */
/* normal, with the kernel's tcp_figures after each transition */
uint8_t *sc_figures(bool v6, size_t *len);
uint8_t *sc_refused(bool v6, size_t *len);
uint8_t *sc_syn_timeout(bool v6, size_t *len);
uint8_t *sc_abort(bool v6, size_t *len); /* client SO_LINGER 0 */
uint8_t *sc_simclose(bool v6, size_t *len);
uint8_t *sc_simclose_backlog(bool v6, size_t *len);
uint8_t *sc_halfclose(bool v6, size_t *len);
uint8_t *sc_closewait(bool v6, size_t *len);	     /* server never closes */
uint8_t *sc_violation_fin(bool v6, size_t *len);     /* CLOSE_WAIT without FIN */
uint8_t *sc_violation_illegal(bool v6, size_t *len); /* SYN_SENT -> FIN_WAIT2 */
uint8_t *sc_violation_lost(bool v6, size_t *len);
/* same, but the LOST record comes 900 ms after the server closed, with a
 * range reaching back over the missing FIN (how tcprec writes them) */
uint8_t *sc_violation_lost_late(bool v6, size_t *len); /* same as _fin, lost events overlap */
uint8_t *sc_snapshot(bool v6, size_t *len);
uint8_t *sc_pcap_normal(bool v6, size_t *len);
uint8_t *sc_pcap_refused(bool v6, size_t *len);
uint8_t *sc_pcap_simclose(bool v6, size_t *len);
uint8_t *sc_states_only(bool v6, size_t *len); /* no segment probes */

#endif /* TESTS_ANALYZE_SCENARIOS_H */
