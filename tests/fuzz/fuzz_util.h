/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz harness helpers: an input reader, EAL once, exact-size mbufs, a bounds-checking AEAD. */
#ifndef MACSEC_FUZZ_UTIL_H
#define MACSEC_FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* A violated property: say which, then abort() so libFuzzer keeps the input. */
#define FZ_CHECK(cond, ...)                                                          \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "%s:%d: property violated: %s: ", __FILE__, \
				__LINE__, #cond);                                    \
			fprintf(stderr, __VA_ARGS__);                                \
			fputc('\n', stderr);                                         \
			abort();                                                     \
		}                                                                    \
	} while (0)

/* The fuzzer's bytes, consumed front to back; reads past the end give zeros. */
struct fz_in {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t fz_u8(struct fz_in *in)
{
	uint8_t v = 0;

	if (in->n > 0) {
		v = in->p[0];
		in->p++;
		in->n--;
	}
	return v;
}

static inline uint16_t fz_u16(struct fz_in *in)
{
	uint16_t hi = fz_u8(in);

	return (uint16_t)(hi << 8 | fz_u8(in));
}

/* Up to @p want octets (fewer at the end of the input). */
static inline const uint8_t *fz_take(struct fz_in *in, size_t want, size_t *got)
{
	const uint8_t *p = in->p;

	*got = want < in->n ? want : in->n;
	in->p += *got;
	in->n -= *got;
	return p;
}

#ifdef FZ_WITH_DPDK
#include <rte_mbuf.h>

#include "aead.h"

/* Start EAL once (--no-huge, no PCI, its own file prefix) and make the mbuf pool. */
struct rte_mempool *fz_eal_pool(void);

/*
 * One frame as an mbuf chain whose segments each sit in their own malloc()ed buffer
 * of exactly headroom + data + tailroom octets (attached as external buffers), so
 * AddressSanitizer sees any access outside them. @p seg_len 0 = one segment.
 */
struct rte_mbuf *fz_mbuf_from(struct rte_mempool *mp, const uint8_t *data, uint32_t len,
			      uint32_t seg_len, uint16_t headroom, uint16_t tailroom);
/* Copy a chain out; checks the chain's own bookkeeping first. Returns pkt_len. */
uint32_t fz_mbuf_to(const struct rte_mbuf *m, uint8_t *out, size_t cap);

/*
 * The real engine ("auto") behind a wrapper that checks, before every seal/open,
 * that each op's AAD, data, ICV and IV ranges are addressable memory (the engine
 * itself is assembly ASan cannot see into).
 */
const struct macsec_aead_engine *fz_aead(void);
#endif

#endif
