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
		REQUIRE(trc_tcp_state_name(s) && trc_tcp_state_name(s)[0]);
	REQUIRE(!strcmp(trc_tcp_state_name(TRC_TCP_SYN_SENT), "SYN_SENT"));
	REQUIRE(!strcmp(trc_tcp_state_name(TRC_TCP_UNKNOWN), "UNKNOWN"));
	REQUIRE(!strcmp(trc_tcp_state_name(TRC_TCP_NEW_SYN_RECV), "NEW_SYN_RECV"));
	REQUIRE(trc_tcp_state_name(TRC_TCP_STATE_MAX + 1) == NULL);
	REQUIRE(trc_tcp_state_name(~0u) == NULL);

	for (unsigned int t = 1; t <= TRC_EV_TYPE_MAX; t++)
		REQUIRE(trc_event_type_name(t));
	REQUIRE(!strcmp(trc_event_type_name(TRC_EV_SEGMENT), "segment"));
	REQUIRE(trc_event_type_name(0) == NULL && trc_event_type_name(TRC_EV_TYPE_MAX + 1) == NULL);

	REQUIRE(!strcmp(trc_status_name(TRC_EOF), "eof"));
	REQUIRE(!strcmp(trc_status_name(TRC_TRUNCATED), "truncated"));
	REQUIRE(!strcmp(trc_status_name(TRC_UNSUPPORTED), "unsupported"));
	REQUIRE(!strcmp(trc_status_name(TRC_IOERR), "ioerr"));

	REQUIRE(!strcmp(trc_tcp_flags_str(TRC_TCP_SYN, b, sizeof(b)), "S"));
	REQUIRE(!strcmp(trc_tcp_flags_str(TRC_TCP_SYN | TRC_TCP_ACK, b, sizeof(b)), "S."));
	REQUIRE(!strcmp(trc_tcp_flags_str(TRC_TCP_FIN | TRC_TCP_ACK, b, sizeof(b)), "F."));
	REQUIRE(!strcmp(trc_tcp_flags_str(TRC_TCP_RST | TRC_TCP_ACK, b, sizeof(b)), "R."));
	REQUIRE(!strcmp(trc_tcp_flags_str(TRC_TCP_PSH | TRC_TCP_ACK, b, sizeof(b)), "P."));
	REQUIRE(!strcmp(trc_tcp_flags_str(0, b, sizeof(b)), "none"));
	REQUIRE(!strcmp(trc_tcp_flags_str(0xff, b, 10), "FSRP.UEW"));
	REQUIRE(!strcmp(trc_tcp_flags_str(0xff, b, 4), "FSR")); /* truncated, terminated */
	return 0;
}
