/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * writer_conn.h - the writer's connection, owner and address tables.
 */
#ifndef TRC_WRITER_CONN_H
#define TRC_WRITER_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "writer_state.h"

int ctab_init(struct conn_table *t);
void ctab_free(struct conn_table *t);
struct wconn *ctab_find(const struct conn_table *t, uint64_t serial);
struct wconn *ctab_insert(struct conn_table *t, uint64_t serial);
int ctab_remove(struct conn_table *t, uint64_t serial);
/* Index of the owner in the current chunk; *is_new when it was added. */
uint32_t owner_lookup(struct trc_writer *w, const struct trc_ev_state *s, bool *is_new);
/* Index of the address (4 or 16 bytes by v6) in the current chunk. */
uint32_t addr_lookup(struct trc_writer *w, int v6, const uint8_t *a, bool *is_new);

#endif /* TRC_WRITER_CONN_H */
