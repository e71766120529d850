/* SPDX-License-Identifier: BSD-3-Clause */
/* Small helpers for the lib/mka tests: hex, vector files (JSON), a deterministic RNG. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tutil.h"

static int nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int tu_hex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex);

	if (n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(n / 2);
}

size_t tu_json_hex(json_t *obj, const char *key, uint8_t *out, size_t cap)
{
	json_t *v = json_object_get(obj, key);
	int n;

	assert_non_null(v);
	assert_true(json_is_string(v));
	n = tu_hex(json_string_value(v), out, cap);
	assert_true(n >= 0);
	return (size_t)n;
}

json_t *tu_vectors_load(const char *name)
{
	const char *dir = getenv("MKA_VECTORS_DIR");
	char path[1024];
	json_error_t err;
	json_t *root;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	root = json_load_file(path, 0, &err);
	if (!root)
		fail_msg("%s:%d: %s", path, err.line, err.text);
	assert_true(json_is_array(root));
	assert_true(json_array_size(root) > 0);
	return root;
}

void tu_rng_bytes(struct tu_rng *r, uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		r->s ^= r->s >> 12;
		r->s ^= r->s << 25;
		r->s ^= r->s >> 27;
		out[i] = (uint8_t)((r->s * 0x2545F4914F6CDD1Dull) >> 56);
	}
}
