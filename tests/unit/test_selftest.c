/* SPDX-License-Identifier: BSD-3-Clause */
/* The crypto self-test: passes on every engine without EAL, fails on any wrong vector or engine. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "selftest.h"
#include "vectors.h"

static const char *vectors_dir;
static const char *const engines[] = {"ipsec-mb", "ipsec-mb-direct", "openssl"};
#define N_ENGINES (sizeof(engines) / sizeof(engines[0]))

/* A writable copy of the table with owned frame buffers, to corrupt one case at a time. */
struct kat_copy {
	struct macsec_kat v[64];
	uint8_t plain[64][256], prot[64][256];
	size_t n;
};

static void kat_copy(struct kat_copy *c)
{
	assert_true(macsec_kat_annex_c_n <= 64);
	c->n = macsec_kat_annex_c_n;
	for (size_t i = 0; i < c->n; i++) {
		c->v[i] = macsec_kat_annex_c[i];
		memcpy(c->plain[i], c->v[i].plain, c->v[i].plain_len);
		memcpy(c->prot[i], c->v[i].prot, c->v[i].prot_len);
		c->v[i].plain = c->plain[i];
		c->v[i].prot = c->prot[i];
	}
}

/* Every engine passes all 32 cases; no EAL was started in this process. */
static void test_every_engine_passes(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(macsec_kat_annex_c_n, 32);
	for (size_t k = 0; k < N_ENGINES; k++) {
		const struct macsec_aead_engine *e = macsec_aead_find(engines[k]);

		assert_non_null(e);
		if (macsec_selftest(e, why, sizeof(why)) != 0)
			fail_msg("%s: %s", engines[k], why);
		assert_non_null(strstr(why, "32 IEEE 802.1AE Annex C cases"));
		assert_non_null(strstr(why, e->name));
	}
}

/* Every suite, encrypted and integrity-only, is in the table (the brief's minimum). */
static void test_table_covers_suites(void **state)
{
	unsigned int seen[MACSEC_CS_COUNT][2] = {{0}};

	(void)state;
	for (size_t i = 0; i < macsec_kat_annex_c_n; i++) {
		const struct macsec_kat *v = &macsec_kat_annex_c[i];

		assert_true(v->cs < MACSEC_CS_COUNT);
		seen[v->cs][(v->tci & 0x08) != 0]++;
	}
	for (unsigned int cs = 0; cs < MACSEC_CS_COUNT; cs++) {
		assert_int_equal(seen[cs][0], 4);
		assert_int_equal(seen[cs][1], 4);
	}
}

/* The embedded table is tests/vectors/macsec_gcm_vectors.json, octet for octet. */
static void test_table_matches_json(void **state)
{
	struct tv_case *tv = NULL;
	int n = tv_load(vectors_dir, "macsec_gcm_vectors.json", &tv);

	(void)state;
	assert_int_equal(n, (int)macsec_kat_annex_c_n);
	for (size_t i = 0; i < macsec_kat_annex_c_n; i++) {
		const struct macsec_kat *v = &macsec_kat_annex_c[i];
		char id[64];
		const struct tv_case *c;

		snprintf(id, sizeof(id), "802.1AE-AnnexC-%s", v->id);
		c = tv_find(tv, n, id);
		if (c == NULL)
			fail_msg("%s not in the JSON", id);
		assert_int_equal(v->cs, c->cs);
		assert_int_equal((v->tci & 0x08) != 0, c->encrypt);
		assert_int_equal((v->tci & 0x20) != 0, c->tci_sc);
		assert_int_equal((v->tci & 0x40) != 0, c->tci_es);
		assert_int_equal(v->an, c->an);
		assert_int_equal(v->key_len, c->key_len);
		assert_memory_equal(v->key, c->key, v->key_len);
		assert_true(v->sci == c->sci);
		assert_true(v->pn == c->pn);
		if (v->cs >= MACSEC_CS_GCM_AES_XPN_128) {
			assert_int_equal(v->ssci, c->ssci);
			assert_memory_equal(v->salt, c->salt, 12);
		}
		assert_int_equal(v->plain_len, c->clear_len);
		assert_memory_equal(v->plain, c->clear, v->plain_len);
		assert_int_equal(v->prot_len, c->prot_len);
		assert_memory_equal(v->prot, c->prot, v->prot_len);
	}
	free(tv);
}

/* Numbered corruption cases: each must fail, naming the case and the step. */
static void test_corrupted_vector_fails(void **state)
{
	static struct kat_copy c;
	static const struct {
		const char *what;
		size_t idx;            /* case index in the table */
		int field;             /* 0 prot octet, 1 plain octet, 2 key, 3 pn, 4 salt, 5 ssci */
		unsigned int off;
		const char *want;      /* substring of the failure */
	} cases[] = {
		{"ICV octet", 0, 0, 80, "protect: differs at octet 80"},
		{"integrity-only data octet", 0, 0, 65, "protect: differs at octet 65"},
		{"ciphertext octet", 16, 0, 40, "protect: differs"},
		{"SecTAG PN octet", 20, 0, 17, "protect: differs at octet 17"},
		{"clear frame octet", 4, 1, 20, "protect: differs"},
		{"key", 31, 2, 0, "protect: differs"},
		{"PN", 9, 3, 0, "protect: differs"},
		{"XPN salt", 2, 4, 11, "protect: differs"},
		{"XPN SSCI", 27, 5, 0, "protect: differs"},
	};
	const struct macsec_aead_engine *e = macsec_aead_find("openssl");
	char why[256];

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		size_t i = cases[k].idx;

		kat_copy(&c);
		switch (cases[k].field) {
		case 0: c.prot[i][cases[k].off] ^= 0x80; break;
		case 1: c.plain[i][cases[k].off] ^= 0x80; break;
		case 2: c.v[i].key[cases[k].off] ^= 0x01; break;
		case 3: c.v[i].pn++; break;
		case 4: c.v[i].salt[cases[k].off] ^= 0x01; break;
		case 5: c.v[i].ssci ^= 1; break;
		}
		for (size_t en = 0; en < N_ENGINES; en++) {
			e = macsec_aead_find(engines[en]);
			if (macsec_selftest_vectors(e, c.v, c.n, why, sizeof(why)) != -EIO)
				fail_msg("case %zu (%s) on %s passed", k, cases[k].what, engines[en]);
			if (strstr(why, c.v[i].id) == NULL || strstr(why, cases[k].want) == NULL)
				fail_msg("case %zu (%s): '%s'", k, cases[k].what, why);
		}
	}
	/* Untouched copy passes: the corruption was the only cause. */
	kat_copy(&c);
	assert_int_equal(macsec_selftest_vectors(e, c.v, c.n, why, sizeof(why)), 0);
}

/* Broken engines: one that never checks the ICV, one that seals a wrong tag. */
static const struct macsec_aead_engine *real;

static void open_accepts_all(void *lctx, struct macsec_aead_op *ops, unsigned int n)
{
	real->open_burst(lctx, ops, n);
	for (unsigned int i = 0; i < n; i++)
		if (ops[i].status == -EBADMSG)
			ops[i].status = 0;
}

static void seal_bad_tag(void *lctx, struct macsec_aead_op *ops, unsigned int n)
{
	real->seal_burst(lctx, ops, n);
	for (unsigned int i = 0; i < n; i++)
		ops[i].tag[15] ^= 0x01;
}

static void test_broken_engine_fails(void **state)
{
	struct macsec_aead_engine bad;
	char why[256];

	(void)state;
	for (size_t k = 0; k < N_ENGINES; k++) {
		real = macsec_aead_find(engines[k]);
		bad = *real;
		bad.open_burst = open_accepts_all;
		assert_int_equal(macsec_selftest(&bad, why, sizeof(why)), -EIO);
		assert_non_null(strstr(why, "validate (ICV changed): frame delivered"));
		bad = *real;
		bad.seal_burst = seal_bad_tag;
		assert_int_equal(macsec_selftest(&bad, why, sizeof(why)), -EIO);
		assert_non_null(strstr(why, "C.1.1"));
		assert_non_null(strstr(why, "protect: differs at octet 85"));  /* last ICV octet */
	}
	assert_int_equal(macsec_selftest(NULL, why, sizeof(why)), -EINVAL);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_engine_passes),
		cmocka_unit_test(test_table_covers_suites),
		cmocka_unit_test(test_table_matches_json),
		cmocka_unit_test(test_corrupted_vector_fails),
		cmocka_unit_test(test_broken_engine_fails),
	};

	vectors_dir = argc > 1 ? argv[1] : "tests/vectors";
	return cmocka_run_group_tests(tests, NULL, NULL);
}
