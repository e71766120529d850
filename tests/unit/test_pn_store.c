/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PN reservations (app/pn_store.c): arithmetic, the file codec and its corruptions, restarts,
 * writes that die half-way, and a property test: processes killed at random points while a
 * model of the data path sends never send one PN twice under a key.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pn.h"
#include "pn_store.h"

/* ---- helpers ---- */

static char g_dir[256];
static char g_last_msg[512];

static void quiet_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	(void)level;
	snprintf(g_last_msg, sizeof(g_last_msg), "%s", msg);
}

static void rm_rf_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' && (e->d_name[1] == '\0' || e->d_name[1] == '.'))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		unlink(p);
	}
	closedir(d);
}

static int setup_dir(void **state)
{
	(void)state;
	snprintf(g_dir, sizeof(g_dir), "/tmp/test-pn-store.XXXXXX");
	assert_non_null(mkdtemp(g_dir));
	return 0;
}

static int teardown_dir(void **state)
{
	(void)state;
	rm_rf_files(g_dir);
	rmdir(g_dir);
	return 0;
}

static bool file_exists(const char *name)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", g_dir, name);
	return access(p, F_OK) == 0;
}

static size_t file_read(const char *name, char *buf, size_t cap)
{
	char p[512];
	FILE *f;
	size_t n;

	snprintf(p, sizeof(p), "%s/%s", g_dir, name);
	f = fopen(p, "rb");
	assert_non_null(f);
	n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static void file_write(const char *name, const char *buf, size_t len)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", g_dir, name);
	f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

static const struct macsec_aead_engine *engine(void)
{
	const struct macsec_aead_engine *e = macsec_aead_find("openssl");

	assert_non_null(e);
	return e;
}

/* A "process": a store, one link, one SecY with TX SAs as configured. */
struct proc {
	struct gw_pn_store *s;
	struct gw_pn_link *l;
	struct macsec_secy *secy;
	uint64_t start[MACSEC_NUM_AN];
};

struct sa_cfg {
	uint8_t an;
	uint8_t key[32];
	uint64_t pn;
};

static int proc_start(struct proc *p, enum macsec_cipher_suite cs, const struct sa_cfg *sa,
		      unsigned int n_sa, uint64_t reserve_min, bool discard, char *err, size_t err_len)
{
	struct gw_pn_store_conf c = {.dir = g_dir, .reserve_min = reserve_min, .sync = true,
				     .discard_corrupt = discard, .log = quiet_log};
	struct macsec_secy_conf sc = {.cipher_suite = cs, .mtu = 1500, .protect_frames = true,
				      .encrypt = true, .include_sci = true, .sci = 7,
				      .validate_frames = MACSEC_VALIDATE_STRICT};
	unsigned int key_len = macsec_cs_key_len(cs);
	int rc;

	memset(p, 0, sizeof(*p));
	rc = gw_pn_store_open(&p->s, &c, err, err_len);
	if (rc < 0)
		return rc;
	rc = gw_pn_link_open(p->s, "dci0", cs, &p->l, err, err_len);
	if (rc < 0) {
		gw_pn_store_test_abandon(p->s);
		return rc;
	}
	assert_int_equal(macsec_secy_create(&p->secy, &sc, engine(), NULL), 0);
	for (unsigned int i = 0; i < n_sa; i++) {
		struct macsec_sa_params sp = {.an = sa[i].an, .key_len = (uint8_t)key_len,
					      .pn = sa[i].pn, .active = true, .ssci = 1};

		memcpy(sp.key, sa[i].key, key_len);
		assert_int_equal(gw_pn_link_add_tx_sa(p->l, sa[i].an, sa[i].key, key_len, &sp.pn, err,
						      err_len), 0);
		p->start[sa[i].an] = sp.pn;
		assert_int_equal(macsec_secy_tx_sa_install(p->secy, &sp), 0);
	}
	assert_int_equal(macsec_secy_tx_set_encoding_an(p->secy, sa[0].an), 0);
	rc = gw_pn_link_attach(p->l, p->secy, err, err_len);
	if (rc < 0) {
		gw_pn_store_test_abandon(p->s);
		macsec_secy_destroy(p->secy);
	}
	return rc;
}

static void proc_kill(struct proc *p)
{
	gw_pn_store_test_abandon(p->s);
	macsec_secy_destroy(p->secy);
}

static void proc_stop(struct proc *p)
{
	gw_pn_store_close(p->s, true);
	macsec_secy_destroy(p->secy);
}

/*
 * The data path's PN reservation, as lib/macsec/protect.c does it: one fetch-add per
 * burst, then pn_max read, the SA stopped when the burst does not fit. Returns the first
 * PN used and the count in *n (0 when stopped).
 */
static uint64_t dp_reserve(struct macsec_sa *sa, unsigned int *n)
{
	uint64_t pn;

	if (__atomic_load_n(&sa->exhausted, __ATOMIC_ACQUIRE)) {
		*n = 0;
		return 0;
	}
	pn = __atomic_fetch_add(&sa->next_pn, *n, __ATOMIC_RELAXED);
	return pn;
}

static void dp_commit(struct macsec_sa *sa, uint64_t pn, unsigned int *n)
{
	uint64_t pn_max = __atomic_load_n(&sa->pn_max, __ATOMIC_ACQUIRE);
	uint64_t avail = pn > pn_max ? 0 : pn_max - pn + 1;

	if (*n == 0)
		return;
	if (avail < *n) {
		__atomic_store_n(&sa->exhausted, 1, __ATOMIC_RELEASE);
		*n = (unsigned int)avail;
	}
}

static uint64_t dp_send(struct macsec_sa *sa, unsigned int *n)
{
	uint64_t pn = dp_reserve(sa, n);

	dp_commit(sa, pn, n);
	return pn;
}

static uint64_t stored_limit(const char *link_file, unsigned int idx)
{
	char buf[8192];
	struct gw_pn_file f;
	const char *why;
	size_t len = file_read(link_file, buf, sizeof(buf));

	assert_int_equal(gw_pn_file_decode(buf, len, &f, &why), 0);
	assert_true(idx < f.n);
	return f.e[idx].limit;
}

/* ---- arithmetic ---- */

static void test_arithmetic(void **state)
{
	static const struct {
		uint64_t next, block, max, want;
	} reserve[] = {
		{1, 1024, MACSEC_PN32_MAX, 1025},
		{0xFFFFFC00ull, 0x1000, MACSEC_PN32_MAX, 0x100000000ull},      /* capped at 2^32 */
		{0xFFFFFFFFull, 1, MACSEC_PN32_MAX, 0x100000000ull},
		{0x100000000ull, 1, MACSEC_PN32_MAX, 0x100000000ull},          /* beyond: the end */
		{MACSEC_XPN_MAX - 10, 1ull << 20, MACSEC_XPN_MAX, MACSEC_XPN_MAX + 1},
		{1ull << 40, 1ull << 20, MACSEC_XPN_MAX, (1ull << 40) + (1ull << 20)},
		{5, UINT64_MAX, MACSEC_XPN_MAX, MACSEC_XPN_MAX + 1},           /* no overflow */
	};
	static const struct {
		uint64_t next, limit, block, max;
		bool due;
	} renew[] = {
		{1, 1025, 1024, MACSEC_PN32_MAX, false},
		{512, 1025, 1024, MACSEC_PN32_MAX, false},     /* exactly half left */
		{514, 1025, 1024, MACSEC_PN32_MAX, true},      /* less than half */
		{1025, 1025, 1024, MACSEC_PN32_MAX, true},     /* at the limit */
		{5000, 1025, 1024, MACSEC_PN32_MAX, true},     /* beyond (overshoot) */
		{0xFFFFFFF0ull, 0x100000000ull, 1024, MACSEC_PN32_MAX, false}, /* the end: nothing to renew */
		{100, 1100, 4096, MACSEC_PN32_MAX, true},      /* the block grew with the rate */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(reserve) / sizeof(reserve[0]); i++)
		if (gw_pn_reserve_limit(reserve[i].next, reserve[i].block, reserve[i].max) !=
		    reserve[i].want)
			fail_msg("reserve case %zu", i);
	for (size_t i = 0; i < sizeof(renew) / sizeof(renew[0]); i++)
		if (gw_pn_renew_due(renew[i].next, renew[i].limit, renew[i].block, renew[i].max) !=
		    renew[i].due)
			fail_msg("renew case %zu", i);
	assert_true(gw_pn_start(1, 0) == 1);
	assert_true(gw_pn_start(1, 5000) == 5000);
	assert_true(gw_pn_start(9000, 5000) == 9000);
	assert_true(gw_pn_space_max(MACSEC_CS_GCM_AES_128) == MACSEC_PN32_MAX);
	assert_true(gw_pn_space_max(MACSEC_CS_GCM_AES_XPN_256) == MACSEC_XPN_MAX);
	/* Block: rate x horizon, at least the minimum, at most 1/16 of the space. */
	assert_true(gw_pn_block(0, 2000, 1u << 20, MACSEC_PN32_MAX) == 1u << 20);
	assert_true(gw_pn_block(10000000, 2000, 1u << 20, MACSEC_PN32_MAX) == 20000000);
	assert_true(gw_pn_block(1000000000, 2000, 1u << 20, MACSEC_PN32_MAX) == MACSEC_PN32_MAX >> 4);
	assert_true(gw_pn_block(UINT64_MAX, 2000, 1, MACSEC_XPN_MAX) == MACSEC_XPN_MAX >> 4);
}

static void test_fingerprint(void **state)
{
	/* HMAC-SHA256(key, "macsec-gw PN state key fingerprint v1")[0..16), from Python hmac. */
	static const uint8_t want16[GW_PN_FP_LEN] = {0x6f, 0xcb, 0x08, 0x09, 0x27, 0x47, 0xa9, 0x43,
						     0x55, 0x41, 0xbe, 0xb3, 0x3f, 0x48, 0xfd, 0x7e};
	static const uint8_t want32[GW_PN_FP_LEN] = {0xa4, 0xd4, 0xf6, 0xea, 0x5d, 0xfd, 0x7c, 0xd3,
						     0x1b, 0x3c, 0xce, 0xd4, 0x00, 0x22, 0xdc, 0x41};
	uint8_t k[32], fp[GW_PN_FP_LEN], fp2[GW_PN_FP_LEN];

	(void)state;
	for (int i = 0; i < 16; i++)
		k[i] = (uint8_t)i;
	gw_pn_fingerprint(k, 16, fp);
	assert_memory_equal(fp, want16, GW_PN_FP_LEN);
	memset(k, 0xAA, 32);
	gw_pn_fingerprint(k, 32, fp);
	assert_memory_equal(fp, want32, GW_PN_FP_LEN);
	gw_pn_fingerprint(k, 16, fp2);           /* same octets, other length: another key */
	assert_memory_not_equal(fp, fp2, GW_PN_FP_LEN);
	/* The fingerprint never contains the key. */
	assert_null(memmem(fp, GW_PN_FP_LEN, k, 4));
}

/* ---- codec ---- */

static void sample_file(struct gw_pn_file *f, unsigned int n)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->link, sizeof(f->link), "dci-0.a_b");
	snprintf(f->suite, sizeof(f->suite), "gcm-aes-xpn-256");
	for (unsigned int i = 0; i < n; i++) {
		for (unsigned int k = 0; k < GW_PN_FP_LEN; k++)
			f->e[i].fp[k] = (uint8_t)(i * 16 + k);
		f->e[i].an = (uint8_t)(i % 4);
		f->e[i].limit = i == 0 ? UINT64_MAX - 0xFFFF : 0x1000ull * (i + 1);
	}
	f->n = n;
}

static void test_file_roundtrip(void **state)
{
	static const unsigned int counts[] = {0, 1, 4, GW_PN_MAX_ENTRIES};
	char buf[8192];
	struct gw_pn_file a, b;
	const char *why;

	(void)state;
	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		int len;

		sample_file(&a, counts[c]);
		len = gw_pn_file_encode(&a, buf, sizeof(buf));
		assert_true(len > 0);
		if (gw_pn_file_decode(buf, (size_t)len, &b, &why) != 0)
			fail_msg("%u entries: %s", counts[c], why);
		assert_string_equal(a.link, b.link);
		assert_string_equal(a.suite, b.suite);
		assert_int_equal(a.n, b.n);
		for (unsigned int i = 0; i < a.n; i++) {
			assert_memory_equal(a.e[i].fp, b.e[i].fp, GW_PN_FP_LEN);
			assert_true(a.e[i].limit == b.e[i].limit);
			assert_int_equal(a.e[i].an, b.e[i].an);
		}
	}
	sample_file(&a, 4);
	assert_int_equal(gw_pn_file_encode(&a, buf, 60), -ENOSPC);
	a.n = GW_PN_MAX_ENTRIES + 1;
	assert_int_equal(gw_pn_file_encode(&a, buf, sizeof(buf)), -ENOSPC);
}

/* Every truncation, every single-octet change, and numbered hand-made cases are refused. */
static void test_file_corrupt(void **state)
{
	static const struct {
		const char *text;
		const char *why;
	} cases[] = {
		{"", "empty"},
		{"macsec-gw-pn-state 1\nlink a\nsuite gcm-aes-128\n", "no sha256"},
		{"macsec-gw-pn-state 2\nlink a\nsuite gcm-aes-128\nsha256 00\n", "version 1"},
		{"macsec-gw-pn-state 1\nlink a/b\nsuite gcm-aes-128\nsha256 00\n", "link line"},
		{"macsec-gw-pn-state 1\nlink a\nsuite GCM\nsha256 00\n", "suite line"},
		{"macsec-gw-pn-state 1\nlink a\nsuite gcm-aes-128\nsa 4 000102030405060708090a0b0c0d0e0f 0000000000001000\n", "sa line"},
		{"macsec-gw-pn-state 1\nlink a\nsuite gcm-aes-128\nsa 0 000102030405060708090A0B0C0D0E0F 0000000000001000\n", "sa line"},
		{"macsec-gw-pn-state 1\nlink a\nsuite gcm-aes-128\nsa 0 000102030405060708090a0b0c0d0e0f 0000000000000000\n", "limit of 0"},
		{"macsec-gw-pn-state 1\nlink a\nsuite gcm-aes-128\nsa 0 000102030405060708090a0b0c0d0e0f 000000000000100\n", "sa line"},
		{"macsec-gw-pn-state 1\nlink a\nsuite gcm-aes-128\nsha256 0000000000000000000000000000000000000000000000000000000000000000\n", "checksum"},
		{"macsec-gw-pn-state 1\nlink a\nsuite gcm-aes-128\nsha256 ", "truncated"},
	};
	char buf[8192], mut[8192];
	struct gw_pn_file f;
	const char *why;
	int len;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (gw_pn_file_decode(cases[i].text, strlen(cases[i].text), &f, &why) != -EBADMSG)
			fail_msg("case %zu accepted", i);
		if (strstr(why, cases[i].why) == NULL)
			fail_msg("case %zu: '%s', want '%s'", i, why, cases[i].why);
	}
	sample_file(&f, 3);
	len = gw_pn_file_encode(&f, buf, sizeof(buf));
	assert_true(len > 0);
	for (int cut = 0; cut < len; cut++)
		if (gw_pn_file_decode(buf, (size_t)cut, &f, &why) == 0)
			fail_msg("truncated at %d accepted", cut);
	for (int i = 0; i < len; i++)
		for (int bit = 0; bit < 8; bit++) {
			memcpy(mut, buf, (size_t)len);
			mut[i] ^= (char)(1 << bit);
			if (gw_pn_file_decode(mut, (size_t)len, &f, &why) == 0)
				fail_msg("octet %d bit %d changed, accepted", i, bit);
		}
	/* Data after the trailer. */
	memcpy(mut, buf, (size_t)len);
	memcpy(mut + len, "sa\n", 3);
	assert_int_equal(gw_pn_file_decode(mut, (size_t)len + 3, &f, &why), -EBADMSG);
	/* A NUL inside. */
	memcpy(mut, buf, (size_t)len);
	mut[5] = '\0';
	assert_int_equal(gw_pn_file_decode(mut, (size_t)len, &f, &why), -EBADMSG);
}

/* ---- the store ---- */

static const struct sa_cfg key_a = {0, {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0x10,
					0x11, 0x12, 0x13, 0x14, 0x15, 0x16}, 1};
static const struct sa_cfg key_b = {1, {0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba,
					0xbb, 0xbc, 0xbd, 0xbe, 0xbf, 0xb0}, 1};

/* First start, renewals while sending, kill -9, restart beyond everything sent. */
static void test_first_start_renew_kill(void **state)
{
	struct proc p;
	char err[512];
	uint64_t last = 0, now = 1000;

	(void)state;
	rm_rf_files(g_dir);
	assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_128, &key_a, 1, 256, false, err,
				    sizeof(err)), 0);
	assert_true(p.start[0] == 1);
	assert_true(file_exists("dci0.pn"));
	assert_true(file_exists("dci0.lock"));
	assert_true(stored_limit("dci0.pn", 0) == 257);
	assert_true(p.secy->tx_sa[0]->pn_max == 256);           /* lowered to the reservation */
	for (int i = 0; i < 200; i++) {
		unsigned int n = 7;
		uint64_t pn = dp_send(p.secy->tx_sa[0], &n);

		assert_int_equal(n, 7);                          /* never stalls: renewed in time */
		assert_true(pn > last);
		last = pn + n - 1;
		assert_true(last < stored_limit("dci0.pn", 0));  /* everything used is on disk */
		gw_pn_store_poll(p.s, now += 10);
	}
	proc_kill(&p);
	assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_128, &key_a, 1, 256, false, err,
				    sizeof(err)), 0);
	assert_true(p.start[0] > last);
	assert_true(p.secy->tx_sa[0]->next_pn == p.start[0]);
	proc_stop(&p);
}

/* A clean stop writes the exact next PN: the restart loses none. */
static void test_clean_stop_exact(void **state)
{
	struct proc p;
	char err[512];
	unsigned int n = 40;
	uint64_t pn;

	(void)state;
	rm_rf_files(g_dir);
	assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_256, (const struct sa_cfg[]){
		{2, {0x42}, 100}}, 1, 1024, false, err, sizeof(err)), 0);
	pn = dp_send(p.secy->tx_sa[2], &n);
	assert_true(pn == 100 && n == 40);
	proc_stop(&p);
	assert_true(stored_limit("dci0.pn", 0) == 140);
	assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_256, (const struct sa_cfg[]){
		{2, {0x42}, 100}}, 1, 1024, false, err, sizeof(err)), 0);
	assert_true(p.start[2] == 140);
	proc_stop(&p);
}

/* Entries of other keys are ignored for this key and kept in the file for a later return. */
static void test_other_key(void **state)
{
	struct proc p;
	char err[512];
	uint64_t a_limit, now = 1000;

	(void)state;
	rm_rf_files(g_dir);
	assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_128, &key_a, 1, 256, false, err,
				    sizeof(err)), 0);
	for (int i = 0; i < 30; i++) {       /* past the first block: A's limit is its own */
		unsigned int n = 10;

		(void)dp_send(p.secy->tx_sa[0], &n);
		gw_pn_store_poll(p.s, now += 10);
	}
	proc_kill(&p);
	a_limit = stored_limit("dci0.pn", 0);
	assert_true(a_limit > 257);
	/* Key B on the same AN: starts at its configured PN, key A's entry is carried over. */
	{
		struct sa_cfg b = key_b;

		b.an = 0;
		assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_128, &b, 1, 256, false, err,
					    sizeof(err)), 0);
		assert_true(p.start[0] == 1);
		proc_kill(&p);
		assert_true(stored_limit("dci0.pn", 1) == a_limit);
	}
	/* Back to key A, on another AN: it resumes where A stopped (the nonce space is the key's). */
	{
		struct sa_cfg a = key_a;

		a.an = 3;
		assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_128, &a, 1, 256, false, err,
					    sizeof(err)), 0);
		assert_true(p.start[3] == a_limit);
		proc_stop(&p);
	}
	/* Two SAs at once, A and B: each finds its own. */
	{
		struct sa_cfg two[2] = {key_a, key_b};

		assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_128, two, 2, 256, false, err,
					    sizeof(err)), 0);
		assert_true(p.start[0] == a_limit);
		assert_true(p.start[1] > 1);
		proc_stop(&p);
	}
}

/* A corrupt or foreign file stops the start unless the operator discards it. */
static void test_corrupt_refused(void **state)
{
	static const char *const bad[] = {
		"garbage\n",
		"",
		"macsec-gw-pn-state 1\nlink dci0\nsuite gcm-aes-128\nsa 0 0001",
	};
	struct proc p;
	char err[512], good[8192];
	size_t good_len;

	(void)state;
	rm_rf_files(g_dir);
	assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_128, &key_a, 1, 256, false, err,
				    sizeof(err)), 0);
	proc_stop(&p);
	good_len = file_read("dci0.pn", good, sizeof(good));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]) + 2; i++) {
		if (i < sizeof(bad) / sizeof(bad[0])) {
			file_write("dci0.pn", bad[i], strlen(bad[i]));
		} else if (i == sizeof(bad) / sizeof(bad[0])) {
			file_write("dci0.pn", good, good_len - 3);          /* truncated */
		} else {
			char other[8192];
			struct gw_pn_file f;
			const char *why;
			int len;

			assert_int_equal(gw_pn_file_decode(good, good_len, &f, &why), 0);
			snprintf(f.link, sizeof(f.link), "dci1");          /* another link's file */
			len = gw_pn_file_encode(&f, other, sizeof(other));
			file_write("dci0.pn", other, (size_t)len);
		}
		memset(err, 0, sizeof(err));
		assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_128, &key_a, 1, 256, false, err,
					    sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "dci0.pn is unusable"));
		assert_non_null(strstr(err, "--pn-state-discard"));
		/* The override: set aside, begin at the configured PN. */
		assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_128, &key_a, 1, 256, true, err,
					    sizeof(err)), 0);
		assert_true(p.start[0] == 1);
		assert_true(file_exists("dci0.pn.corrupt"));
		assert_non_null(strstr(g_last_msg, "set aside"));
		proc_stop(&p);
	}
}

/* A write that dies at each step: the old file holds, nothing above it was used. */
static void test_write_dies(void **state)
{
	(void)state;
	for (int at = GW_PN_CRASH_AFTER_OPEN; at < GW_PN_CRASH_COUNT; at++) {
		struct proc p;
		char err[512];
		uint64_t last = 0, before, now = 1000;
		unsigned int n;

		rm_rf_files(g_dir);
		assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_128, &key_a, 1, 256, false, err,
					    sizeof(err)), 0);
		before = stored_limit("dci0.pn", 0);
		gw_pn_store_test_crash(p.s, (enum gw_pn_crash)at);
		/* Send until the renewal write is due and dies; then send what the SA still may. */
		for (int i = 0; i < 100; i++) {
			uint64_t pn;

			n = 16;
			pn = dp_send(p.secy->tx_sa[0], &n);
			if (n > 0)
				last = pn + n - 1;
			gw_pn_store_poll(p.s, now += 10);
		}
		assert_true(gw_pn_store_test_dead(p.s));
		assert_true(last < before);                 /* never past what was durable */
		assert_true(p.secy->tx_sa[0]->exhausted);   /* it stopped rather than go on */
		if (at <= GW_PN_CRASH_AFTER_FSYNC)
			assert_true(file_exists("dci0.pn.tmp"));
		proc_kill(&p);
		/* Restart: the temp file is cleaned up, the start is past everything used. */
		assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_128, &key_a, 1, 256, false, err,
					    sizeof(err)), 0);
		assert_false(file_exists("dci0.pn.tmp"));
		assert_true(p.start[0] > last);
		proc_stop(&p);
	}
}

/* 32-bit and XPN ends: an SA stops at the end and, restarted with that key, stays stopped. */
static void test_space_end(void **state)
{
	struct proc p;
	char err[512];
	unsigned int n;
	uint64_t now = 1000;

	(void)state;
	rm_rf_files(g_dir);
	assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_128, (const struct sa_cfg[]){
		{0, {1}, 0xFFFFFF00ull}}, 1, 1024, false, err, sizeof(err)), 0);
	assert_true(stored_limit("dci0.pn", 0) == 0x100000000ull);   /* capped at 2^32 */
	assert_true(p.secy->tx_sa[0]->pn_max == MACSEC_PN32_MAX);
	for (int i = 0; i < 20; i++) {
		n = 32;
		(void)dp_send(p.secy->tx_sa[0], &n);
		gw_pn_store_poll(p.s, now += 10);
	}
	assert_true(p.secy->tx_sa[0]->exhausted);
	assert_non_null(strstr(g_last_msg, "end of its PN space"));
	proc_kill(&p);
	assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_128, (const struct sa_cfg[]){
		{0, {1}, 1}}, 1, 1024, false, err, sizeof(err)), 0);
	assert_true(p.secy->tx_sa[0]->exhausted);
	assert_true(p.secy->tx_sa[0]->pn_max == 0);
	assert_non_null(strstr(g_last_msg, "used up"));
	n = 1;
	(void)dp_send(p.secy->tx_sa[0], &n);
	assert_int_equal(n, 0);
	proc_stop(&p);
	/* The same key under an XPN suite: its nonces could meet the 32-bit ones, so it goes on
	 * from 2^32 rather than from 1 (conservative: the key is what the file tracks). */
	assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_XPN_128, (const struct sa_cfg[]){
		{0, {1}, 1}}, 1, 1024, false, err, sizeof(err)), 0);
	assert_true(p.start[0] == 0x100000000ull);
	assert_false(p.secy->tx_sa[0]->exhausted);
	n = 3;
	assert_true(dp_send(p.secy->tx_sa[0], &n) == 0x100000000ull);
	proc_stop(&p);
	/* XPN near its own end. */
	rm_rf_files(g_dir);
	assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_XPN_256, (const struct sa_cfg[]){
		{1, {2}, MACSEC_XPN_MAX - 100}}, 1, 1024, false, err, sizeof(err)), 0);
	assert_true(stored_limit("dci0.pn", 0) == MACSEC_XPN_MAX + 1);
	for (int i = 0; i < 5; i++) {
		n = 64;
		(void)dp_send(p.secy->tx_sa[1], &n);
	}
	assert_true(p.secy->tx_sa[1]->exhausted);
	proc_stop(&p);
	assert_true(stored_limit("dci0.pn", 0) == MACSEC_XPN_MAX + 1);
}

/* The data path overtakes the writer: the SA stops, and goes on once the write lands. */
static void test_stall_resume(void **state)
{
	struct proc p;
	char err[512];
	unsigned int n;
	uint64_t pn, now = 1000;

	(void)state;
	rm_rf_files(g_dir);
	assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_128, &key_a, 1, 256, false, err,
				    sizeof(err)), 0);
	for (int i = 0; i < 10; i++) {       /* no poll: the reservation runs out */
		n = 32;
		(void)dp_send(p.secy->tx_sa[0], &n);
	}
	assert_true(p.secy->tx_sa[0]->exhausted);
	gw_pn_store_poll(p.s, now += 10);    /* writes, raises, lets it go on */
	assert_false(p.secy->tx_sa[0]->exhausted);
	n = 32;
	pn = dp_send(p.secy->tx_sa[0], &n);
	assert_int_equal(n, 32);
	assert_true(pn > 256);
	assert_true(pn + n - 1 < stored_limit("dci0.pn", 0));
	proc_stop(&p);
}

/* The real writer thread: renewals land without the control lcore waiting. */
static void test_writer_thread(void **state)
{
	struct gw_pn_store_conf c = {.dir = g_dir, .reserve_min = 256, .log = quiet_log};
	struct macsec_secy_conf sc = {.cipher_suite = MACSEC_CS_GCM_AES_128, .mtu = 1500,
				      .protect_frames = true, .encrypt = true, .include_sci = true,
				      .validate_frames = MACSEC_VALIDATE_STRICT};
	struct macsec_sa_params sp = {.an = 0, .key_len = 16, .pn = 1, .active = true};
	struct gw_pn_store *s;
	struct gw_pn_link *l;
	struct macsec_secy *secy;
	char err[512];
	uint64_t now = 1000, last = 0;

	(void)state;
	rm_rf_files(g_dir);
	assert_int_equal(gw_pn_store_open(&s, &c, err, sizeof(err)), 0);
	assert_int_equal(gw_pn_link_open(s, "dci0", sc.cipher_suite, &l, err, sizeof(err)), 0);
	assert_int_equal(macsec_secy_create(&secy, &sc, engine(), NULL), 0);
	assert_int_equal(gw_pn_link_add_tx_sa(l, 0, key_a.key, 16, &sp.pn, err, sizeof(err)), 0);
	assert_int_equal(macsec_secy_tx_sa_install(secy, &sp), 0);
	assert_int_equal(gw_pn_link_attach(l, secy, err, sizeof(err)), 0);
	for (int i = 0; i < 3000; i++) {
		unsigned int n = 8;
		uint64_t pn = dp_send(secy->tx_sa[0], &n);

		if (n > 0) {
			assert_true(pn > last);
			last = pn + n - 1;
		}
		gw_pn_store_poll(s, now += 1);
		if (i % 50 == 0)
			usleep(1000);
	}
	assert_true(last > 5000);                      /* it kept going, renewal after renewal */
	gw_pn_store_close(s, true);
	assert_true(stored_limit("dci0.pn", 0) == secy->tx_sa[0]->next_pn ||
		    stored_limit("dci0.pn", 0) == secy->tx_sa[0]->pn_max + 1);
	assert_true(stored_limit("dci0.pn", 0) > last);
	macsec_secy_destroy(secy);
}

/* One gateway per link file; the directory must be ours. */
static void test_lock_and_dir(void **state)
{
	struct gw_pn_store_conf c = {.dir = g_dir, .reserve_min = 256, .sync = true,
				     .log = quiet_log};
	struct gw_pn_store *s1, *s2;
	struct gw_pn_link *l1, *l2;
	char err[512], sub[300];

	(void)state;
	rm_rf_files(g_dir);
	assert_int_equal(gw_pn_store_open(&s1, &c, err, sizeof(err)), 0);
	assert_int_equal(gw_pn_store_open(&s2, &c, err, sizeof(err)), 0);
	assert_int_equal(gw_pn_link_open(s1, "dci0", MACSEC_CS_GCM_AES_128, &l1, err, sizeof(err)), 0);
	assert_int_equal(gw_pn_link_open(s2, "dci0", MACSEC_CS_GCM_AES_128, &l2, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "held by another macsec-gw"));
	assert_int_equal(gw_pn_link_open(s2, "dci1", MACSEC_CS_GCM_AES_128, &l2, err, sizeof(err)), 0);
	gw_pn_store_close(s1, false);
	gw_pn_store_close(s2, false);
	/* Made if missing, 0700; refused when group or others may write it; relative refused. */
	snprintf(sub, sizeof(sub), "%s/new/state", g_dir);
	c.dir = sub;
	assert_int_equal(gw_pn_store_open(&s1, &c, err, sizeof(err)), 0);
	assert_int_not_equal(access(sub, F_OK), 0);             /* untouched until a link needs it */
	assert_int_equal(gw_pn_link_open(s1, "dci0", MACSEC_CS_GCM_AES_128, &l1, err, sizeof(err)), 0);
	gw_pn_store_close(s1, false);
	{
		struct stat st;

		assert_int_equal(stat(sub, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0700);
	}
	assert_int_equal(chmod(sub, 0775), 0);
	assert_int_equal(gw_pn_store_open(&s1, &c, err, sizeof(err)), 0);
	assert_int_equal(gw_pn_link_open(s1, "dci0", MACSEC_CS_GCM_AES_128, &l1, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "writable by group or others"));
	gw_pn_store_close(s1, false);
	{
		char p[400];

		snprintf(p, sizeof(p), "%s/dci0.lock", sub);
		unlink(p);
	}
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/new", g_dir);
	rmdir(sub);
	c.dir = "relative/dir";
	assert_int_equal(gw_pn_store_open(&s1, &c, err, sizeof(err)), -EINVAL);
}

/* ---- the property ---- */

#define SPACE_BITS 26u
static uint64_t rnd_state = 0x243F6A8885A308D3ull;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/*
 * Many process lifetimes on one key. Each sends bursts through the data-path model (some
 * with a poll between the fetch-add and the pn_max read, as a worker racing the control
 * lcore would), polls with a jumping clock, and ends in one of: kill -9 at a random moment,
 * death inside a write at a random step, or a clean stop. Every PN sent is marked in a
 * bitmap: none may be marked twice, across all lifetimes.
 */
static void test_property_kill_anywhere(void **state)
{
	uint64_t *used = calloc((1u << SPACE_BITS) / 64, sizeof(uint64_t));
	unsigned int kills = 0, deaths = 0, stops = 0;
	uint64_t sent = 0, max_pn = 0;

	(void)state;
	assert_non_null(used);
	rm_rf_files(g_dir);
	for (int life = 0; life < 400; life++) {
		struct proc p;
		char err[512];
		uint64_t now = 1000 + rnd() % 100000;
		unsigned int steps = 1 + (unsigned int)(rnd() % 300), end = (unsigned int)(rnd() % 3);
		unsigned int kill_at = (unsigned int)(rnd() % steps);
		struct macsec_sa *sa;

		assert_int_equal(proc_start(&p, MACSEC_CS_GCM_AES_XPN_128, &key_a, 1,
					    256 + rnd() % 2048, false, err, sizeof(err)), 0);
		sa = p.secy->tx_sa[0];
		if (end == 1)
			gw_pn_store_test_crash(p.s, (enum gw_pn_crash)(1 + rnd() % 4));
		for (unsigned int st = 0; st < steps; st++) {
			unsigned int n = 1 + (unsigned int)(rnd() % 64);
			uint64_t pn;

			if (end == 0 && st == kill_at)
				break;                                   /* kill -9 now */
			if (gw_pn_store_test_dead(p.s))
				break;                                   /* died inside a write */
			pn = dp_reserve(sa, &n);
			if (rnd() % 4 == 0)
				gw_pn_store_poll(p.s, now += rnd() % 50);
			dp_commit(sa, pn, &n);
			for (unsigned int i = 0; i < n; i++) {
				uint64_t x = pn + i;

				assert_true(x < (1ull << SPACE_BITS));
				if (used[x / 64] & (1ull << (x % 64)))
					fail_msg("life %d: PN %llu sent twice", life, (unsigned long long)x);
				used[x / 64] |= 1ull << (x % 64);
				if (x > max_pn)
					max_pn = x;
			}
			sent += n;
			if (rnd() % 3 == 0)
				gw_pn_store_poll(p.s, now += rnd() % 200);
		}
		if (end == 2) {
			proc_stop(&p);
			stops++;
		} else {
			deaths += gw_pn_store_test_dead(p.s);
			kills += !gw_pn_store_test_dead(p.s);
			proc_kill(&p);
		}
	}
	print_message("400 lifetimes: %u kill -9, %u deaths in a write, %u clean stops; %llu PNs "
		      "sent, highest %llu, none twice\n", kills, deaths, stops,
		      (unsigned long long)sent, (unsigned long long)max_pn);
	assert_true(sent > 10000);
	assert_true(deaths > 10);
	free(used);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arithmetic),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_file_roundtrip),
		cmocka_unit_test(test_file_corrupt),
		cmocka_unit_test(test_first_start_renew_kill),
		cmocka_unit_test(test_clean_stop_exact),
		cmocka_unit_test(test_other_key),
		cmocka_unit_test(test_corrupt_refused),
		cmocka_unit_test(test_write_dies),
		cmocka_unit_test(test_space_end),
		cmocka_unit_test(test_stall_resume),
		cmocka_unit_test(test_writer_thread),
		cmocka_unit_test(test_lock_and_dir),
		cmocka_unit_test(test_property_kill_anywhere),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
