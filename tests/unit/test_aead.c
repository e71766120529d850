/* SPDX-License-Identifier: BSD-3-Clause */
/* AEAD engines against each other on random inputs: same ciphertext and ICV, same verdicts. */
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "aead.h"

#define MAXLEN 9100
#define BURST 40

static const char *const names[] = {"ipsec-mb", "ipsec-mb-direct", "openssl"};
#define NENG (sizeof(names) / sizeof(names[0]))

/* xorshift: reproducible random inputs without a global RNG. */
static uint64_t rnd_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

struct item {
	uint8_t key[32];
	size_t key_len;
	uint8_t iv[12];
	uint32_t aad_len, data_len;
	uint8_t buf[MAXLEN + 16];   /* aad | data | tag */
};

/* Seal @p n items on engine @p e (in place in @p out); returns 0 when every op succeeded. */
static void run(const struct macsec_aead_engine *e, struct item *it, unsigned int n, bool seal,
		int32_t *status)
{
	struct macsec_aead_op ops[BURST];
	struct macsec_aead_key *keys[BURST];
	void *lctx;

	assert_int_equal(e->lcore_init(&lctx), 0);
	for (unsigned int i = 0; i < n; i++) {
		assert_int_equal(e->key_init(&keys[i], it[i].key, it[i].key_len), 0);
		ops[i] = (struct macsec_aead_op){
			.aad = it[i].buf, .data = it[i].buf + it[i].aad_len,
			.tag = it[i].buf + it[i].aad_len + it[i].data_len, .iv = it[i].iv,
			.key = keys[i], .aad_len = it[i].aad_len, .data_len = it[i].data_len,
			.status = 1,
		};
	}
	if (seal)
		e->seal_burst(lctx, ops, n);
	else
		e->open_burst(lctx, ops, n);
	for (unsigned int i = 0; i < n; i++) {
		status[i] = ops[i].status;
		e->key_free(keys[i]);
	}
	e->lcore_free(lctx);
}

static void test_cross_check(void **state)
{
	static struct item ref[BURST], work[BURST];
	const struct macsec_aead_engine *eng[NENG];
	int32_t st[BURST];

	(void)state;
	for (size_t k = 0; k < NENG; k++) {
		eng[k] = macsec_aead_find(names[k]);
		assert_non_null(eng[k]);
	}
	for (int round = 0; round < 40; round++) {
		unsigned int n = 1 + (unsigned int)(rnd() % BURST);

		for (unsigned int i = 0; i < n; i++) {
			struct item *x = &ref[i];

			x->key_len = rnd() & 1 ? 32 : 16;
			fill(x->key, x->key_len);
			fill(x->iv, sizeof(x->iv));
			/* Integrity-only frames are all AAD; encrypted ones a short AAD. */
			if (rnd() % 4 == 0) {
				x->aad_len = (uint32_t)(rnd() % MAXLEN);
				x->data_len = 0;
			} else {
				x->aad_len = (uint32_t)(20 + rnd() % 60);
				x->data_len = (uint32_t)(rnd() % (MAXLEN - x->aad_len));
				if (rnd() % 8 == 0)
					x->data_len = (uint32_t)(rnd() % 40);
			}
			fill(x->buf, x->aad_len + x->data_len);
		}
		/* Seal on the reference (OpenSSL), then every engine must produce the same. */
		run(eng[NENG - 1], ref, n, true, st);
		for (unsigned int i = 0; i < n; i++)
			assert_int_equal(st[i], 0);
		for (size_t k = 0; k < NENG - 1; k++) {
			for (unsigned int i = 0; i < n; i++) {
				work[i] = ref[i];
			}
			run(eng[NENG - 1], work, n, false, st);      /* back to plaintext */
			for (unsigned int i = 0; i < n; i++)
				assert_int_equal(st[i], 0);
			run(eng[k], work, n, true, st);
			for (unsigned int i = 0; i < n; i++) {
				size_t tot = work[i].aad_len + work[i].data_len + 16;

				assert_int_equal(st[i], 0);
				if (memcmp(work[i].buf, ref[i].buf, tot) != 0)
					fail_msg("round %d item %u: %s seal differs from openssl (aad %u data %u key %zu)",
						 round, i, names[k], work[i].aad_len, work[i].data_len,
						 work[i].key_len);
			}
		}
		/* Open on every engine: good ones verify, one flipped bit anywhere fails. */
		for (size_t k = 0; k < NENG; k++) {
			unsigned int flip = (unsigned int)(rnd() % n);

			for (unsigned int i = 0; i < n; i++)
				work[i] = ref[i];
			{
				struct item *x = &work[flip];
				size_t tot = x->aad_len + x->data_len + 16;

				x->buf[rnd() % tot] ^= (uint8_t)(1u << (rnd() % 8));
			}
			run(eng[k], work, n, false, st);
			for (unsigned int i = 0; i < n; i++) {
				if (i == flip)
					assert_int_equal(st[i], -EBADMSG);
				else
					assert_int_equal(st[i], 0);
			}
		}
	}
}

static void test_engine_registry(void **state)
{
	(void)state;
	assert_non_null(macsec_aead_find("auto"));
	assert_string_equal(macsec_aead_find("auto")->name, "ipsec-mb-direct");
	assert_null(macsec_aead_find("no-such-engine"));
	assert_int_equal(macsec_ct_memcmp("abcd", "abcd", 4), 0);
	assert_int_not_equal(macsec_ct_memcmp("abcd", "abce", 4), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_engine_registry),
		cmocka_unit_test(test_cross_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
