/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * json_ref.h - jansson reference of the connection object (json_ref.c).
 */
#ifndef TESTS_ANALYZE_JSON_REF_H
#define TESTS_ANALYZE_JSON_REF_H

#include <jansson.h>
#include <stdbool.h>

#include "outputs.h"

/* The object out_json_conn_sb() must print, built with json_pack();
 * NULL when a string in it is not valid UTF-8. */
json_t *json_ref_conn(const struct conn_view *v, bool list);

#endif /* TESTS_ANALYZE_JSON_REF_H */
