/* SPDX-License-Identifier: BSD-3-Clause */
/* Small helpers for the lib/mka tests: hex, vector files (JSON), a deterministic RNG. */
#ifndef MKA_TUTIL_H
#define MKA_TUTIL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Decode hex (no separators) into @p out; returns octets or -1. */
int tu_hex(const char *hex, uint8_t *out, size_t cap);
/* Hex string member @p key of @p obj decoded into @p out; fails the test if absent or bad. */
size_t tu_json_hex(json_t *obj, const char *key, uint8_t *out, size_t cap);
/* Load tests/vectors/<name> (directory from $MKA_VECTORS_DIR); fails the test on error. */
json_t *tu_vectors_load(const char *name);

/* xorshift64* RNG: reproducible "random" bytes for tests. */
struct tu_rng {
	uint64_t s;
};
void tu_rng_bytes(struct tu_rng *r, uint8_t *out, size_t len);

#endif
