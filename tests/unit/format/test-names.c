// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-names - name tables are complete and range-checked: every TCP state
 * and event type has a name, values beyond the maximum give NULL (the
 * tcpstates lesson), flag strings follow tcpdump and respect the buffer.
 */
#include <string.h>

#include "tutil.h"

int main(void)
{
	char b[16];

	for (unsigned int s = 0; s <= TRC_TCP_STATE_MAX; s++)
		CHECK(trc_tcp_state_name(s) && trc_tcp_state_name(s)[0]);
	CHECK(!strcmp(trc_tcp_state_name(TRC_TCP_SYN_SENT), "SYN_SENT"));
	CHECK(!strcmp(trc_tcp_state_name(TRC_TCP_UNKNOWN), "UNKNOWN"));
	CHECK(!strcmp(trc_tcp_state_name(TRC_TCP_NEW_SYN_RECV), "NEW_SYN_RECV"));
	CHECK(trc_tcp_state_name(TRC_TCP_STATE_MAX + 1) == NULL);
	CHECK(trc_tcp_state_name(~0u) == NULL);

	for (unsigned int t = 1; t <= TRC_EV_TYPE_MAX; t++)
		CHECK(trc_event_type_name(t));
	CHECK(!strcmp(trc_event_type_name(TRC_EV_SEGMENT), "segment"));
	CHECK(trc_event_type_name(0) == NULL && trc_event_type_name(TRC_EV_TYPE_MAX + 1) == NULL);

	CHECK(!strcmp(trc_status_name(TRC_EOF), "eof"));
	CHECK(!strcmp(trc_status_name(TRC_TRUNCATED), "truncated"));
	CHECK(!strcmp(trc_status_name(TRC_UNSUPPORTED), "unsupported"));
	CHECK(!strcmp(trc_status_name(TRC_IOERR), "ioerr"));

	CHECK(!strcmp(trc_tcp_flags_str(TRC_TCP_SYN, b, sizeof(b)), "S"));
	CHECK(!strcmp(trc_tcp_flags_str(TRC_TCP_SYN | TRC_TCP_ACK, b, sizeof(b)), "S."));
	CHECK(!strcmp(trc_tcp_flags_str(TRC_TCP_FIN | TRC_TCP_ACK, b, sizeof(b)), "F."));
	CHECK(!strcmp(trc_tcp_flags_str(TRC_TCP_RST | TRC_TCP_ACK, b, sizeof(b)), "R."));
	CHECK(!strcmp(trc_tcp_flags_str(TRC_TCP_PSH | TRC_TCP_ACK, b, sizeof(b)), "P."));
	CHECK(!strcmp(trc_tcp_flags_str(0, b, sizeof(b)), "none"));
	CHECK(!strcmp(trc_tcp_flags_str(0xff, b, 10), "FSRP.UEW"));
	CHECK(!strcmp(trc_tcp_flags_str(0xff, b, 4), "FSR")); /* truncated, terminated */
	return 0;
}
