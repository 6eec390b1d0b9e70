// SPDX-License-Identifier: BSD-2-Clause
/*
 * test-status.c - the live status line's rate: events a second between
 * two readings.
 */
#include "check.h"
#include "status.h"

int main(void)
{
	CHECK_EQ(status_rate(1000, 3000, 1000000000ull, 2000000000ull), 2000);
	CHECK_EQ(status_rate(0, 500, 0, 250000000ull), 2000); /* a quarter second */
	CHECK_EQ(status_rate(10, 10, 1, 1000000001ull), 0);
	CHECK_EQ(status_rate(10, 20, 5, 5), 0);		    /* no time passed */
	CHECK_EQ(status_rate(20, 10, 0, 1000000000ull), 0); /* a counter never falls */
	return check_exit_status();
}
