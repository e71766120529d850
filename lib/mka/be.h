/* SPDX-License-Identifier: BSD-3-Clause */
/* Explicit big-endian load/store helpers for wire formats (no casts, no bitfields). */
#ifndef MKA_BE_H
#define MKA_BE_H

#include <stdint.h>

static inline uint16_t mka_be16_load(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t mka_be32_load(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t mka_be64_load(const uint8_t *p)
{
	return (uint64_t)mka_be32_load(p) << 32 | mka_be32_load(p + 4);
}

static inline void mka_be16_store(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void mka_be32_store(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void mka_be64_store(uint8_t *p, uint64_t v)
{
	mka_be32_store(p, (uint32_t)(v >> 32));
	mka_be32_store(p + 4, (uint32_t)v);
}

#endif
