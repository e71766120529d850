/* SPDX-License-Identifier: BSD-3-Clause */
/* Test helpers: hex, a minimal EAL with a real mempool, mbufs from bytes (one or many segments). */
#ifndef MACSEC_TEST_UTIL_H
#define MACSEC_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

/* Decode hex (no separators) into @p out; returns octets or -1. */
int tu_hex_decode(const char *hex, uint8_t *out, size_t cap);
/* Start EAL once per process (--no-huge, --no-pci, unique file prefix) and make a
 * mempool of @p n mbufs with @p data_room octets each. Aborts the test on failure. */
struct rte_mempool *tu_eal_pool(unsigned int n, uint16_t data_room);
/* A frame as an mbuf chain: @p seg_len octets per segment (0 = one segment). */
struct rte_mbuf *tu_mbuf_from(struct rte_mempool *mp, const uint8_t *data, uint32_t len,
			      uint32_t seg_len);
/* Copy a chain out to @p out; returns pkt_len or -1 when it does not fit / is inconsistent. */
int tu_mbuf_to(const struct rte_mbuf *m, uint8_t *out, size_t cap);

#endif
