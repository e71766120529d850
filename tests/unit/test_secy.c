/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SecY behaviour (802.1AE clause 10) on rte_mbuf bursts: every receive outcome of 10.6 under
 * each validateFrames setting, MTU, PN exhaustion and threshold, the burst contract, a TX SA
 * shared by two threads, SA/SC management errors, confidentiality offsets, rekey by AN, receive
 * SC totals across an SC's removal, and random round trips across suites, engines, sizes,
 * segmentations and clear tags.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "pn.h"
#include "sectag.h"
#include "test_util.h"

#define SCI_A 0x0200000a01000001ull
#define SCI_C 0x0200000c01000001ull
static const uint8_t key16[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t key32[32] = {31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16,
				  15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0};
static const uint8_t salt[12] = {0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6, 7, 8, 9, 10, 11, 12};

/* A clear frame of @p len octets (>= 14): DA, SA, EtherType 0x0800 or given, pattern. */
static void frame_make(uint8_t *f, uint32_t len, uint16_t ethertype, uint8_t seed)
{
	static const uint8_t da[6] = {0x02, 0, 0, 0, 0, 0xB}, sa[6] = {0x02, 0, 0, 0, 0, 0xA};

	memcpy(f, da, 6);
	memcpy(f + 6, sa, 6);
	macsec_put_be16(f + 12, ethertype);
	for (uint32_t i = 14; i < len; i++)
		f[i] = (uint8_t)(i * 7 + seed);
}

static void sa_params(struct macsec_sa_params *p, enum macsec_cipher_suite cs, uint8_t an,
		      uint64_t pn, uint32_t ssci)
{
	memset(p, 0, sizeof(*p));
	p->an = an;
	p->key_len = (uint8_t)macsec_cs_key_len(cs);
	memcpy(p->key, p->key_len == 16 ? key16 : key32, p->key_len);
	p->pn = pn;
	p->ssci = ssci;
	memcpy(p->salt, salt, sizeof(salt));
	p->active = true;
}

/* A sender with SCI @p sci transmitting on @p an from @p pn. */
static struct macsec_secy *tx_new(const char *engine, const struct macsec_secy_conf *base,
				  uint64_t sci, uint8_t an, uint64_t pn, struct macsec_lcore *lc)
{
	struct macsec_secy_conf c = *base;
	struct macsec_sa_params p;
	struct macsec_secy *s;

	c.sci = sci;
	s = th_secy_new(engine, &c, lc);
	assert_non_null(s);
	sa_params(&p, c.cipher_suite, an, pn, 7);
	assert_int_equal(macsec_secy_tx_sa_install(s, &p), 0);
	assert_int_equal(macsec_secy_tx_set_encoding_an(s, an), 0);
	return s;
}

/* A receiver of SCI_A on AN 0 from PN 1. */
static struct macsec_secy *rx_new(const char *engine, const struct macsec_secy_conf *c,
				  bool sa_active, struct macsec_lcore *lc)
{
	struct macsec_sa_params p;
	struct macsec_secy *s = th_secy_new(engine, c, lc);

	assert_non_null(s);
	sa_params(&p, c->cipher_suite, 0, 1, 7);
	p.active = sa_active;
	assert_int_equal(macsec_secy_rx_sc_add(s, SCI_A), 0);
	assert_int_equal(macsec_secy_rx_sa_install(s, SCI_A, &p), 0);
	return s;
}

static int failures;
#define FAILF(...) do { print_error(__VA_ARGS__); print_error("\n"); failures++; } while (0)

/* Receive outcomes of 10.6, one row per (validateFrames, replay, frame kind). */
enum scen {
	S_OK_I, S_OK_C, S_UNTAGGED, S_UNKNOWN_SCI_I, S_UNKNOWN_SCI_C, S_NO_SA_I, S_NO_SA_C,
	S_SA_OFF_I, S_SA_OFF_C, S_BAD_ICV_I, S_BAD_ICV_C, S_LATE_I, S_LATE_C,
};
enum deliver { D_DROP, D_CLEAR, D_ASIS };

static const struct {
	enum macsec_validate vf;
	bool replay;
	enum scen s;
	enum deliver d;
	const char *ctr[3];
} outcomes[] = {
	/* 1 */ {MACSEC_VALIDATE_STRICT, true, S_OK_I, D_CLEAR, {"InPktsOK", "SA.InPktsOK"}},
	/* 2 */ {MACSEC_VALIDATE_STRICT, true, S_OK_C, D_CLEAR, {"InPktsOK", "SA.InPktsOK"}},
	/* 3 */ {MACSEC_VALIDATE_STRICT, true, S_UNTAGGED, D_DROP, {"InPktsNoTag"}},
	/* 4 */ {MACSEC_VALIDATE_STRICT, true, S_UNKNOWN_SCI_I, D_DROP, {"InPktsNoSCI"}},
	/* 5 */ {MACSEC_VALIDATE_STRICT, true, S_UNKNOWN_SCI_C, D_DROP, {"InPktsNoSCI"}},
	/* 6 */ {MACSEC_VALIDATE_STRICT, true, S_NO_SA_I, D_DROP, {"InPktsNotUsingSA"}},
	/* 7 */ {MACSEC_VALIDATE_STRICT, true, S_NO_SA_C, D_DROP, {"InPktsNotUsingSA"}},
	/* 8 */ {MACSEC_VALIDATE_STRICT, true, S_SA_OFF_I, D_DROP, {"InPktsNotUsingSA", "SA.InPktsNotUsingSA"}},
	/* 9 */ {MACSEC_VALIDATE_STRICT, true, S_BAD_ICV_I, D_DROP, {"InPktsNotValid", "SA.InPktsNotValid"}},
	/* 10 */ {MACSEC_VALIDATE_STRICT, true, S_BAD_ICV_C, D_DROP, {"InPktsNotValid", "SA.InPktsNotValid"}},
	/* 11 */ {MACSEC_VALIDATE_STRICT, true, S_LATE_I, D_DROP, {"InPktsLate"}},
	/* 12 */ {MACSEC_VALIDATE_STRICT, false, S_LATE_I, D_CLEAR, {"InPktsDelayed"}},
	/* 13 */ {MACSEC_VALIDATE_STRICT, false, S_LATE_C, D_CLEAR, {"InPktsDelayed"}},
	/* 14 */ {MACSEC_VALIDATE_CHECK, true, S_OK_I, D_CLEAR, {"InPktsOK", "SA.InPktsOK"}},
	/* 15 */ {MACSEC_VALIDATE_CHECK, true, S_UNTAGGED, D_ASIS, {"InPktsUntagged"}},
	/* 16 */ {MACSEC_VALIDATE_CHECK, true, S_UNKNOWN_SCI_I, D_CLEAR, {"InPktsUnknownSCI"}},
	/* 17 */ {MACSEC_VALIDATE_CHECK, true, S_UNKNOWN_SCI_C, D_DROP, {"InPktsNoSCI"}},
	/* 18 */ {MACSEC_VALIDATE_CHECK, true, S_NO_SA_I, D_CLEAR, {"InPktsUnusedSA"}},
	/* 19 */ {MACSEC_VALIDATE_CHECK, true, S_NO_SA_C, D_DROP, {"InPktsNotUsingSA"}},
	/* 20 */ {MACSEC_VALIDATE_CHECK, true, S_SA_OFF_I, D_CLEAR, {"InPktsUnusedSA", "SA.InPktsUnusedSA"}},
	/* 21 */ {MACSEC_VALIDATE_CHECK, true, S_SA_OFF_C, D_DROP, {"InPktsNotUsingSA", "SA.InPktsNotUsingSA"}},
	/* 22 */ {MACSEC_VALIDATE_CHECK, true, S_BAD_ICV_I, D_CLEAR, {"InPktsInvalid", "SA.InPktsInvalid"}},
	/* 23 */ {MACSEC_VALIDATE_CHECK, true, S_BAD_ICV_C, D_DROP, {"InPktsNotValid", "SA.InPktsNotValid"}},
	/* 24 */ {MACSEC_VALIDATE_CHECK, true, S_LATE_I, D_DROP, {"InPktsLate"}},
	/* 25 */ {MACSEC_VALIDATE_DISABLED, true, S_OK_I, D_CLEAR, {"InPktsUnchecked"}},
	/* 26 */ {MACSEC_VALIDATE_DISABLED, true, S_OK_C, D_CLEAR, {"InPktsOK", "SA.InPktsOK"}},
	/* 27 */ {MACSEC_VALIDATE_DISABLED, true, S_UNTAGGED, D_ASIS, {"InPktsUntagged"}},
	/* 28 */ {MACSEC_VALIDATE_DISABLED, true, S_UNKNOWN_SCI_I, D_CLEAR, {"InPktsUnknownSCI"}},
	/* 29 */ {MACSEC_VALIDATE_DISABLED, true, S_UNKNOWN_SCI_C, D_DROP, {"InPktsNoSCI"}},
	/* 30 */ {MACSEC_VALIDATE_DISABLED, true, S_NO_SA_I, D_CLEAR, {"InPktsUnusedSA"}},
	/* 31 */ {MACSEC_VALIDATE_DISABLED, true, S_BAD_ICV_I, D_CLEAR, {"InPktsUnchecked"}},
	/* 32 */ {MACSEC_VALIDATE_DISABLED, true, S_BAD_ICV_C, D_DROP, {"InPktsNotValid", "SA.InPktsNotValid"}},
	/* 33: not validated, so nextPN never moved: nothing is late (10.6.5 updates it only
	 * for valid frames). */
	/* 33 */ {MACSEC_VALIDATE_DISABLED, true, S_LATE_I, D_CLEAR, {"InPktsUnchecked"}},
};

static const char *expect_diff(const char *const *names, char *out, size_t cap)
{
	struct th_snap a, b;

	memset(&a, 0, sizeof(a));
	b = a;
	for (int i = 0; i < 3 && names[i] != NULL; i++)
		b.v[th_ctr_by_name(names[i])]++;
	return th_snap_diff(&a, &b, out, cap);
}

static void test_validate_outcomes(void **state)
{
	static uint8_t clear[200], wire[300], out[400];
	(void)state;

	failures = 0;
	for (size_t r = 0; r < sizeof(outcomes) / sizeof(outcomes[0]); r++) {
		enum scen s = outcomes[r].s;
		bool enc = s == S_OK_C || s == S_UNKNOWN_SCI_C || s == S_NO_SA_C || s == S_SA_OFF_C ||
			   s == S_BAD_ICV_C || s == S_LATE_C;
		struct macsec_secy_conf c;
		struct macsec_lcore ltx, lrx;
		struct macsec_secy *tx, *rx;
		struct th_snap s0, s1;
		char got[256], want[256];
		int n, wl;

		th_conf_default(&c, MACSEC_CS_GCM_AES_128);
		c.encrypt = enc;
		c.validate_frames = outcomes[r].vf;
		c.replay_protect = outcomes[r].replay;
		frame_make(clear, 100, 0x0800, (uint8_t)r);
		tx = tx_new("ipsec-mb", &c, s == S_UNKNOWN_SCI_I || s == S_UNKNOWN_SCI_C ? SCI_C : SCI_A,
			    s == S_NO_SA_I || s == S_NO_SA_C ? 1 : 0, 1, &ltx);
		rx = rx_new("ipsec-mb", &c, !(s == S_SA_OFF_I || s == S_SA_OFF_C), &lrx);
		if (s == S_UNTAGGED) {
			memcpy(wire, clear, 100);
			wl = 100;
		} else {
			wl = th_run(tx, &ltx, true, clear, 100, 0, wire, sizeof(wire));
			assert_true(wl > 100);
		}
		if (s == S_BAD_ICV_I || s == S_BAD_ICV_C)
			wire[wl - 1] ^= 0x40;
		if (s == S_LATE_I || s == S_LATE_C) {
			/* A later frame first, then this one below the window (window 0). */
			uint8_t later[300];
			int ll = th_run(tx, &ltx, true, clear, 100, 0, later, sizeof(later));

			assert_true(th_run(rx, &lrx, false, later, (uint32_t)ll, 0, out, sizeof(out)) > 0);
		}
		th_snap_take(rx, &s0);
		n = th_run(rx, &lrx, false, wire, (uint32_t)wl, 0, out, sizeof(out));
		th_snap_take(rx, &s1);
		th_snap_diff(&s0, &s1, got, sizeof(got));
		expect_diff(outcomes[r].ctr, want, sizeof(want));
		if (strcmp(got, want) != 0)
			FAILF("row %zu: counters '%s', want '%s'", r + 1, got, want);
		if (outcomes[r].d == D_DROP && n >= 0)
			FAILF("row %zu: delivered, must be dropped", r + 1);
		if (outcomes[r].d == D_CLEAR && (n != 100 || memcmp(out, clear, 100) != 0))
			FAILF("row %zu: not delivered as the clear frame (%d)", r + 1, n);
		if (outcomes[r].d == D_ASIS && (n != wl || memcmp(out, wire, (size_t)wl) != 0))
			FAILF("row %zu: not delivered as received (%d)", r + 1, n);
		th_secy_free(tx, &ltx);
		th_secy_free(rx, &lrx);
	}
	assert_int_equal(failures, 0);
}

/* 10.5: the protected frame minus its 14-octet header may not exceed the MTU. */
static void test_mtu(void **state)
{
	static uint8_t f[400], out[500];
	(void)state;

	for (int sci = 0; sci < 2; sci++) {
		struct macsec_secy_conf c;
		struct macsec_lcore lc;
		struct macsec_secy *tx;
		struct th_snap s0, s1;
		uint32_t grow = sci ? 32 : 24, max = 100 + 14 - grow;

		th_conf_default(&c, MACSEC_CS_GCM_AES_128);
		c.include_sci = sci;
		c.mtu = 100;
		tx = tx_new("ipsec-mb", &c, SCI_A, 0, 1, &lc);
		frame_make(f, max, 0x0800, 1);
		assert_int_equal(th_run(tx, &lc, true, f, max, 0, out, sizeof(out)), (int)(max + grow));
		th_snap_take(tx, &s0);
		frame_make(f, max + 1, 0x0800, 1);
		assert_int_equal(th_run(tx, &lc, true, f, max + 1, 0, out, sizeof(out)), -1);
		th_snap_take(tx, &s1);
		assert_true(s1.v[TH_OUT_TOO_LONG] == s0.v[TH_OUT_TOO_LONG] + 1);
		th_secy_free(tx, &lc);
	}
}

/* Protect a burst of @p n 64-octet frames; returns frames sent and their PNs (low 32 bits). */
static uint16_t protect_n(struct macsec_secy *tx, struct macsec_lcore *lc, uint16_t n,
			  uint32_t *pns)
{
	struct rte_mbuf *m[64];
	uint8_t f[64];
	uint16_t ok;

	frame_make(f, 64, 0x0800, 3);
	for (uint16_t i = 0; i < n; i++)
		m[i] = tu_mbuf_from(th_pool(), f, 64, 0);
	ok = macsec_protect_burst(tx, lc, m, n);
	for (uint16_t i = 0; i < ok; i++)
		pns[i] = macsec_get_be32(rte_pktmbuf_mtod(m[i], uint8_t *) + 12 + 4);
	rte_pktmbuf_free_bulk(m, n);
	return ok;
}

/* Invariant 1: a transmit SA never wraps its PN; it stops and counts what it could not send. */
static void test_pn_exhaustion(void **state)
{
	static const struct {
		enum macsec_cipher_suite cs;
		uint64_t start;
		uint16_t sent;
	} t[] = {
		/* 1 */ {MACSEC_CS_GCM_AES_128, 0xFFFFFFFEull, 2},
		/* 2 */ {MACSEC_CS_GCM_AES_256, 0xFFFFFFFFull, 1},
		/* 3 */ {MACSEC_CS_GCM_AES_XPN_128, MACSEC_XPN_MAX - 2, 3},
		/* 4 */ {MACSEC_CS_GCM_AES_XPN_256, MACSEC_XPN_MAX, 1},
	};
	(void)state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct macsec_secy_conf c;
		struct macsec_lcore lc;
		struct macsec_secy *tx;
		struct th_snap s;
		uint32_t pns[64];
		uint16_t ok;

		th_conf_default(&c, t[i].cs);
		tx = tx_new("ipsec-mb", &c, SCI_A, 0, t[i].start, &lc);
		ok = protect_n(tx, &lc, 8, pns);
		assert_int_equal(ok, t[i].sent);
		for (uint16_t k = 0; k < ok; k++)
			assert_int_equal(pns[k], (uint32_t)(t[i].start + k));
		assert_int_equal(tx->tx_sa[0]->exhausted, 1);
		th_snap_take(tx, &s);
		assert_true(s.v[TH_OUT_PN_EXHAUSTED] == 8u - t[i].sent);
		/* Stopped: the next burst sends nothing. */
		assert_int_equal(protect_n(tx, &lc, 5, pns), 0);
		th_snap_take(tx, &s);
		assert_true(s.v[TH_OUT_PN_EXHAUSTED] == 13u - t[i].sent);
		assert_true(s.v[TH_TXSA_ENCRYPTED] == t[i].sent);
		th_secy_free(tx, &lc);
	}
}

/* Past the threshold the SA asks key agreement for a new SAK (flag), and keeps sending. */
static void test_pn_threshold(void **state)
{
	struct macsec_secy_conf c;
	struct macsec_lcore lc;
	struct macsec_secy *tx;
	uint32_t pns[64];
	(void)state;

	th_conf_default(&c, MACSEC_CS_GCM_AES_128);
	tx = tx_new("ipsec-mb", &c, SCI_A, 0, MACSEC_PN32_THRESHOLD - 4, &lc);
	assert_int_equal(protect_n(tx, &lc, 4, pns), 4);
	assert_int_equal(tx->tx_sa[0]->threshold_hit, 0);
	assert_int_equal(protect_n(tx, &lc, 4, pns), 4);
	assert_int_equal(tx->tx_sa[0]->threshold_hit, 1);
	assert_int_equal(tx->tx_sa[0]->exhausted, 0);
	th_secy_free(tx, &lc);
}

/* The burst contract: good frames first in arrival order, bad ones after, each counted once. */
static void test_burst_contract(void **state)
{
	struct macsec_secy_conf c;
	struct macsec_lcore lc, lrx;
	struct macsec_secy *tx, *rx;
	struct rte_mbuf *m[80], *orig[80];
	uint8_t f[2000];
	uint16_t ok, nbad = 0;
	struct th_snap s;
	(void)state;

	th_conf_default(&c, MACSEC_CS_GCM_AES_128);
	c.mtu = 1500;
	tx = tx_new("ipsec-mb", &c, SCI_A, 0, 1, &lc);
	for (int i = 0; i < 80; i++) {
		uint32_t len = i % 7 == 3 ? 10 : i % 11 == 5 ? 1600 : (uint32_t)(60 + i);

		nbad += len == 10 || len == 1600;
		frame_make(f, len < 14 ? 14 : len, 0x0800, (uint8_t)i);
		m[i] = orig[i] = tu_mbuf_from(th_pool(), f, len, 0);
		m[i]->dynfield1[0] = (uint64_t)i;
	}
	ok = macsec_protect_burst(tx, &lc, m, 80);
	assert_int_equal(ok, 80 - nbad);
	for (int i = 1; i < ok; i++)
		assert_true(m[i]->dynfield1[0] > m[i - 1]->dynfield1[0]);
	for (int i = ok; i < 80; i++)
		assert_true(m[i]->pkt_len == 10 || m[i]->pkt_len == 1600);
	th_snap_take(tx, &s);
	assert_true(s.v[TH_OUT_RUNT] + s.v[TH_OUT_TOO_LONG] == nbad);
	assert_true(s.v[TH_TXSA_ENCRYPTED] == (uint64_t)(80 - nbad));
	/* Validate the good ones with every fifth corrupted: same contract on receive. */
	rx = rx_new("ipsec-mb", &c, true, &lrx);
	for (int i = 0; i < ok; i++)
		if (i % 5 == 2)
			rte_pktmbuf_mtod(m[i], uint8_t *)[m[i]->data_len - 1] ^= 1;
	{
		uint16_t nv = macsec_validate_burst(rx, &lrx, m, ok), want = 0;

		for (int i = 0; i < ok; i++)
			want += i % 5 != 2;
		assert_int_equal(nv, want);
		for (int i = 1; i < nv; i++)
			assert_true(m[i]->dynfield1[0] > m[i - 1]->dynfield1[0]);
		th_snap_take(rx, &s);
		assert_true(s.v[TH_SC_NOT_VALID] == (uint64_t)(ok - want));
		assert_true(s.v[TH_SC_OK] == want);
	}
	rte_pktmbuf_free_bulk(orig, 80);
	th_secy_free(tx, &lc);
	th_secy_free(rx, &lrx);
}

/* Two threads share one TX SA: every PN is used exactly once (one atomic add per burst). */
struct shared_arg {
	struct macsec_secy *tx;
	unsigned int worker;
	uint32_t *pns;
	unsigned int n;
};

static void *shared_worker(void *a)
{
	struct shared_arg *s = a;
	struct macsec_lcore lc;

	if (macsec_lcore_init(&lc, s->worker, s->tx->aead, 16384) < 0)
		return NULL;
	for (unsigned int done = 0; done < s->n;)
		done += protect_n(s->tx, &lc, 32, s->pns + done);
	macsec_lcore_fini(&lc);
	return s;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void test_shared_tx_sa(void **state)
{
	enum { PER = 32 * 300 };
	static uint32_t pns[2 * PER];
	struct macsec_secy_conf c;
	struct macsec_lcore lc;
	struct macsec_secy *tx;
	struct shared_arg a[2];
	pthread_t th[2];
	struct th_snap s;
	(void)state;

	th_conf_default(&c, MACSEC_CS_GCM_AES_128);
	tx = tx_new("ipsec-mb", &c, SCI_A, 0, 1, &lc);
	for (int i = 0; i < 2; i++) {
		a[i] = (struct shared_arg){tx, (unsigned int)i + 1, pns + i * PER, PER};
		assert_int_equal(pthread_create(&th[i], NULL, shared_worker, &a[i]), 0);
	}
	for (int i = 0; i < 2; i++) {
		void *r;

		pthread_join(th[i], &r);
		assert_non_null(r);
	}
	qsort(pns, 2 * PER, sizeof(pns[0]), cmp_u32);
	for (unsigned int i = 0; i < 2 * PER; i++)
		assert_int_equal(pns[i], i + 1);
	th_snap_take(tx, &s);
	assert_true(s.v[TH_TXSA_ENCRYPTED] == 2 * PER);
	assert_true(s.v[TH_TXSC_ENCRYPTED] == 2 * PER);
	th_secy_free(tx, &lc);
}

/* protectFrames off, or no SA in use: counted, never sent protected with a stale key. */
static void test_tx_not_in_use(void **state)
{
	static uint8_t f[100], out[200];
	struct macsec_secy_conf c;
	struct macsec_lcore lc;
	struct macsec_secy *s;
	struct th_snap sn;
	(void)state;

	th_conf_default(&c, MACSEC_CS_GCM_AES_128);
	frame_make(f, 100, 0x0800, 9);
	s = th_secy_new("ipsec-mb", &c, &lc);
	assert_int_equal(th_run(s, &lc, true, f, 100, 0, out, sizeof(out)), -1);
	th_snap_take(s, &sn);
	assert_true(sn.v[TH_OUT_SA_NOT_IN_USE] == 1);
	th_secy_free(s, &lc);

	c.protect_frames = false;
	s = th_secy_new("ipsec-mb", &c, &lc);
	assert_int_equal(th_run(s, &lc, true, f, 100, 0, out, sizeof(out)), 100);
	assert_memory_equal(out, f, 100);
	th_snap_take(s, &sn);
	assert_true(sn.v[TH_OUT_UNTAGGED] == 1);
	th_secy_free(s, &lc);
}

/* Management errors: every bad call says why and changes nothing. */
static void test_management_errors(void **state)
{
	struct macsec_secy_conf c;
	struct macsec_sa_params p;
	struct macsec_lcore lc;
	struct macsec_secy *s;
	const char *why = NULL;
	(void)state;

	th_conf_default(&c, MACSEC_CS_GCM_AES_128);
	s = th_secy_new("openssl", &c, &lc);
	sa_params(&p, MACSEC_CS_GCM_AES_256, 0, 1, 0);           /* 32-octet key on a 128 SecY */
	assert_int_equal(macsec_secy_tx_sa_install(s, &p), -EKEYREJECTED);
	sa_params(&p, MACSEC_CS_GCM_AES_128, 4, 1, 0);
	assert_int_equal(macsec_secy_tx_sa_install(s, &p), -EINVAL);
	sa_params(&p, MACSEC_CS_GCM_AES_128, 0, 0, 0);
	assert_int_equal(macsec_secy_tx_sa_install(s, &p), -ERANGE);
	sa_params(&p, MACSEC_CS_GCM_AES_128, 0, 0x100000000ull, 0);
	assert_int_equal(macsec_secy_tx_sa_install(s, &p), -ERANGE);
	assert_int_equal(macsec_secy_tx_sa_remove(s, 1), -ENOENT);
	assert_int_equal(macsec_secy_tx_set_encoding_an(s, 4), -EINVAL);
	sa_params(&p, MACSEC_CS_GCM_AES_128, 0, 1, 0);
	assert_int_equal(macsec_secy_rx_sa_install(s, SCI_A, &p), -ENOENT);
	assert_int_equal(macsec_secy_rx_sc_add(s, SCI_A), 0);
	assert_int_equal(macsec_secy_rx_sc_add(s, SCI_A), -EEXIST);
	for (uint64_t i = 1; i < MACSEC_MAX_RX_SC; i++)
		assert_int_equal(macsec_secy_rx_sc_add(s, SCI_A + i), 0);
	assert_int_equal(macsec_secy_rx_sc_add(s, SCI_C), -ENOSPC);
	assert_int_equal(macsec_secy_rx_sc_remove(s, SCI_A + 3), 0);
	assert_int_equal(macsec_secy_rx_sc_remove(s, SCI_A + 3), -ENOENT);
	assert_int_equal(macsec_secy_rx_sa_remove(s, SCI_A, 0), -ENOENT);
	assert_int_equal(macsec_secy_rx_sa_set_active(s, SCI_A, 0, true), -ENOENT);
	assert_int_equal(macsec_secy_rx_scs(s)->n, MACSEC_MAX_RX_SC - 1);
	th_secy_free(s, &lc);

	/* Configurations the SecY refuses, each with its reason. */
	th_conf_default(&c, MACSEC_CS_GCM_AES_128);
	c.confidentiality_offset = 20;
	assert_int_equal(macsec_secy_conf_check(&c, &why), -EINVAL);
	assert_non_null(strstr(why, "confidentiality_offset"));
	th_conf_default(&c, MACSEC_CS_GCM_AES_128);
	c.use_es = true;
	assert_int_equal(macsec_secy_conf_check(&c, &why), -EINVAL);
	c.include_sci = false;                       /* ES with an SCI of port 1: fine */
	assert_int_equal(macsec_secy_conf_check(&c, &why), 0);
	c.sci = (c.sci & ~0xFFFFull) | 2;            /* receivers would take port 1 */
	assert_int_equal(macsec_secy_conf_check(&c, &why), -EINVAL);
	assert_non_null(strstr(why, "port identifier 1"));
	th_conf_default(&c, MACSEC_CS_GCM_AES_128);
	c.vlan_tags_in_clear = 3;
	assert_int_equal(macsec_secy_conf_check(&c, &why), -EINVAL);
	th_conf_default(&c, MACSEC_CS_GCM_AES_128);
	c.mtu = 63;
	assert_int_equal(macsec_secy_conf_check(&c, &why), -EINVAL);
	th_conf_default(&c, MACSEC_CS_COUNT);
	assert_int_equal(macsec_secy_conf_check(&c, &why), -EINVAL);
	th_conf_default(&c, MACSEC_CS_GCM_AES_XPN_256);
	assert_int_equal(macsec_secy_conf_check(&c, NULL), 0);
}

/* Rekey by AN: RX SAs on AN 0 and 1 side by side, TX switches, the old AN is removed. */
static void test_rekey_by_an(void **state)
{
	static uint8_t f[200], w0[300], w1[300], out[300];
	struct macsec_secy_conf c;
	struct macsec_sa_params p;
	struct macsec_lcore ltx, lrx;
	struct macsec_secy *tx, *rx;
	struct th_snap s;
	int n0, n1;
	(void)state;

	th_conf_default(&c, MACSEC_CS_GCM_AES_XPN_128);
	c.replay_window = 32;
	frame_make(f, 200, 0x86DD, 4);
	tx = tx_new("ipsec-mb", &c, SCI_A, 0, 1, &ltx);
	rx = rx_new("ipsec-mb", &c, true, &lrx);
	n0 = th_run(tx, &ltx, true, f, 200, 0, w0, sizeof(w0));
	sa_params(&p, c.cipher_suite, 1, 1, 7);
	p.key[0] ^= 0xFF;                                   /* a new SAK */
	assert_int_equal(macsec_secy_rx_sa_install(rx, SCI_A, &p), 0);
	assert_int_equal(macsec_secy_tx_sa_install(tx, &p), 0);
	assert_int_equal(macsec_secy_tx_set_encoding_an(tx, 1), 0);
	n1 = th_run(tx, &ltx, true, f, 200, 0, w1, sizeof(w1));
	assert_int_equal(w1[14] & 3, 1);
	assert_int_equal(th_run(rx, &lrx, false, w1, (uint32_t)n1, 0, out, sizeof(out)), 200);
	assert_int_equal(th_run(rx, &lrx, false, w0, (uint32_t)n0, 0, out, sizeof(out)), 200);
	/* Retiring the old TX SA keeps its frames in the TX SC's totals (10.7.7). */
	assert_int_equal(macsec_secy_tx_sa_remove(tx, 0), 0);
	th_snap_take(tx, &s);
	assert_true(s.v[TH_TXSA_ENCRYPTED] == 1 && s.v[TH_TXSC_ENCRYPTED] == 2);
	assert_int_equal(macsec_secy_rx_sa_remove(rx, SCI_A, 0), 0);
	assert_int_equal(th_run(rx, &lrx, false, w0, (uint32_t)n0, 0, out, sizeof(out)), -1);
	th_snap_take(rx, &s);
	assert_true(s.v[TH_SC_NOT_USING_SA] == 1);
	assert_true(s.v[TH_SC_OK] == 2);
	th_secy_free(tx, &ltx);
	th_secy_free(rx, &lrx);
}

/* A reclaim that holds what the SecY retires until the test says the grace period is over. */
static struct { void *obj; void (*destroy)(void *obj); } held[16];
static unsigned int n_held;

static void hold(void *ctx, void *obj, void (*destroy)(void *obj))
{
	(void)ctx;
	assert_true(n_held < 16);
	held[n_held].obj = obj;
	held[n_held++].destroy = destroy;
}

static void grace_end(void)
{
	for (unsigned int i = 0; i < n_held; i++)
		held[i].destroy(held[i].obj);
	n_held = 0;
}

/* The receive SC totals keep a removed SC's frames, and the ones counted in its grace period. */
static void test_rx_sc_totals(void **state)
{
	static uint8_t f[100], w[3][200], out[200];
	const struct macsec_reclaim rc = { hold, NULL };
	const struct macsec_aead_engine *e = macsec_aead_find("openssl");
	struct macsec_secy_conf c;
	struct macsec_sa_params p;
	struct macsec_lcore ltx, lrx;
	struct macsec_secy *tx, *rx = NULL;
	struct macsec_rx_sc *sc;
	struct macsec_rx_sc_stats t;
	int n[3];
	(void)state;

	th_conf_default(&c, MACSEC_CS_GCM_AES_128);
	c.replay_protect = true;
	c.replay_window = 0;
	frame_make(f, 100, 0x0800, 9);
	tx = tx_new("openssl", &c, SCI_A, 0, 1, &ltx);
	for (int i = 0; i < 3; i++)
		n[i] = th_run(tx, &ltx, true, f, 100, 0, w[i], sizeof(w[i]));    /* PNs 1, 2, 3 */
	assert_non_null(e);
	assert_int_equal(macsec_secy_create(&rx, &c, e, &rc), 0);
	assert_int_equal(macsec_lcore_init(&lrx, 0, e, 16384), 0);
	sa_params(&p, c.cipher_suite, 0, 1, 0);
	assert_int_equal(macsec_secy_rx_sc_add(rx, SCI_A), 0);
	assert_int_equal(macsec_secy_rx_sa_install(rx, SCI_A, &p), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(th_run(rx, &lrx, false, w[i], (uint32_t)n[i], 0, out, sizeof(out)), 100);
	macsec_secy_rx_sc_totals(rx, &t);
	assert_true(t.in_pkts_ok == 2 && t.in_pkts_late == 0);

	/* The peer leaves: its SC goes, its two frames stay in the totals. */
	sc = macsec_rx_sc_table_find(macsec_secy_rx_scs(rx), SCI_A);
	assert_non_null(sc);
	assert_int_equal(macsec_secy_rx_sc_remove(rx, SCI_A), 0);
	macsec_secy_rx_sc_totals(rx, &t);
	assert_int_equal(t.in_pkts_ok, 2);
	/* A worker that took the old table before the swap still counts a frame on it. */
	__atomic_add_fetch(&sc->stats[0].in_pkts_ok, 1, __ATOMIC_RELAXED);
	macsec_secy_rx_sc_totals(rx, &t);
	assert_int_equal(t.in_pkts_ok, 2);
	grace_end();
	macsec_secy_rx_sc_totals(rx, &t);
	assert_int_equal(t.in_pkts_ok, 3);

	/* It comes back: a new SC counts from 0, the totals go on. */
	assert_int_equal(macsec_secy_rx_sc_add(rx, SCI_A), 0);
	assert_int_equal(macsec_secy_rx_sa_install(rx, SCI_A, &p), 0);
	assert_int_equal(th_run(rx, &lrx, false, w[2], (uint32_t)n[2], 0, out, sizeof(out)), 100);
	assert_int_equal(th_run(rx, &lrx, false, w[0], (uint32_t)n[0], 0, out, sizeof(out)), -1);
	macsec_secy_rx_sc_totals(rx, &t);
	assert_true(t.in_pkts_ok == 4 && t.in_pkts_late == 1);
	sc = macsec_rx_sc_table_find(macsec_secy_rx_scs(rx), SCI_A);
	assert_true(sc->stats[0].in_pkts_ok == 1 && sc->stats[0].in_pkts_late == 1);
	grace_end();
	th_secy_free(rx, &lrx);
	th_secy_free(tx, &ltx);
}

/* Confidentiality offset: the first 30/50 user-data octets stay clear and are authenticated. */
static void test_conf_offset(void **state)
{
	static uint8_t f[300], w[400], out[400];
	(void)state;

	for (uint8_t off = 0; off <= 50; off = (uint8_t)(off ? off + 20 : 30)) {
		struct macsec_secy_conf c;
		struct macsec_lcore ltx, lrx;
		struct macsec_secy *tx, *rx;
		int n;

		th_conf_default(&c, MACSEC_CS_GCM_AES_256);
		c.confidentiality_offset = off;
		frame_make(f, 300, 0x0800, off);
		tx = tx_new("ipsec-mb", &c, SCI_A, 0, 1, &ltx);
		rx = rx_new("ipsec-mb", &c, true, &lrx);
		n = th_run(tx, &ltx, true, f, 300, 0, w, sizeof(w));
		assert_int_equal(n, 300 + 32);
		/* user data starts at the EtherType: 12 + SecTAG 16 in the protected frame */
		assert_memory_equal(w + 28, f + 12, off);
		assert_memory_not_equal(w + 28 + off, f + 12 + off, 16);
		assert_int_equal(th_run(rx, &lrx, false, w, (uint32_t)n, 0, out, sizeof(out)), 300);
		assert_memory_equal(out, f, 300);
		if (off != 0) {          /* the clear part is authenticated */
			n = th_run(tx, &ltx, true, f, 300, 0, w, sizeof(w));
			w[28 + off - 1] ^= 1;
			assert_int_equal(th_run(rx, &lrx, false, w, (uint32_t)n, 0, out, sizeof(out)), -1);
		}
		th_secy_free(tx, &ltx);
		th_secy_free(rx, &lrx);
	}
}

/*
 * ES (9.5) says the SCI is the frame's source address and port 1. A gateway forwards other
 * stations' frames: only those sent from the SCI's own address may carry ES; the others go
 * with ES and SC clear, and a point-to-point receiver (one SC, 9.9) still finds the SCI.
 */
static void test_es_per_frame(void **state)
{
	static const uint8_t own[6] = {0x02, 0, 0, 0x0a, 0x01, 0};   /* SCI_A's address */
	static uint8_t f[120], w[200], out[200];
	struct macsec_secy_conf c;
	struct macsec_lcore ltx, lrx;
	struct macsec_secy *tx, *rx;
	(void)state;

	for (int enc = 0; enc < 2; enc++) {
		th_conf_default(&c, MACSEC_CS_GCM_AES_128);
		c.encrypt = enc != 0;
		c.include_sci = false;
		c.use_es = true;
		tx = tx_new("ipsec-mb", &c, SCI_A, 0, 1, &ltx);
		rx = rx_new("ipsec-mb", &c, true, &lrx);
		for (int from_own = 0; from_own < 2; from_own++) {
			int n;

			frame_make(f, sizeof(f), 0x0800, (uint8_t)(enc * 2 + from_own));
			if (from_own)
				memcpy(f + 6, own, 6);
			n = th_run(tx, &ltx, true, f, sizeof(f), 0, w, sizeof(w));
			assert_int_equal(n, (int)sizeof(f) + 8 + 16);
			assert_memory_equal(w + 6, f + 6, 6);          /* the source address stays */
			assert_int_equal(w[14] & MACSEC_TCI_SC, 0);
			assert_int_equal(w[14] & MACSEC_TCI_ES, from_own ? MACSEC_TCI_ES : 0);
			assert_int_equal(th_run(rx, &lrx, false, w, (uint32_t)n, 0, out, sizeof(out)),
					 (int)sizeof(f));
			assert_memory_equal(out, f, sizeof(f));
		}
		/* Two peers: ES cannot name a forwarded frame's SC, so every frame carries the SCI. */
		assert_int_equal(macsec_secy_rx_sc_add(tx, SCI_C), 0);
		assert_int_equal(macsec_secy_rx_sc_add(tx, 0x0200000d01000001ull), 0);
		memcpy(f + 6, own, 6);                  /* even from the SCI's own address */
		assert_int_equal(th_run(tx, &ltx, true, f, sizeof(f), 0, w, sizeof(w)),
				 (int)sizeof(f) + 16 + 16);
		assert_int_equal(w[14] & (MACSEC_TCI_SC | MACSEC_TCI_ES), MACSEC_TCI_SC);
		assert_int_equal(th_run(rx, &lrx, false, w, sizeof(f) + 32, 0, out, sizeof(out)),
				 (int)sizeof(f));
		th_secy_free(tx, &ltx);
		th_secy_free(rx, &lrx);
	}
}

/*
 * include_sci false: the SCI stays out of the SecTAG while the SecY receives from one SC
 * (point to point), and goes in while it receives from more (as Linux does): a receiver with
 * several SCs could not tell which one a frame without SCI is from (9.9).
 */
static void test_sci_with_peers(void **state)
{
	static uint8_t f[100], w[200], out[200];
	struct macsec_secy_conf c;
	struct macsec_sa_params p;
	struct macsec_lcore ltx, lrx;
	struct macsec_secy *tx, *rx;
	(void)state;

	th_conf_default(&c, MACSEC_CS_GCM_AES_128);
	c.include_sci = false;
	frame_make(f, sizeof(f), 0x0800, 9);
	tx = tx_new("ipsec-mb", &c, SCI_A, 0, 1, &ltx);
	rx = rx_new("ipsec-mb", &c, true, &lrx);              /* one SC: SCI_A */
	assert_int_equal(macsec_secy_rx_sc_add(tx, SCI_C), 0);  /* the sender hears one peer */
	assert_int_equal(th_run(tx, &ltx, true, f, sizeof(f), 0, w, sizeof(w)), (int)sizeof(f) + 24);
	assert_int_equal(w[14] & MACSEC_TCI_SC, 0);
	assert_int_equal(th_run(rx, &lrx, false, w, sizeof(f) + 24, 0, out, sizeof(out)),
			 (int)sizeof(f));
	/* A second peer: the receiver has two SCs, so the SCI must be in the frame. */
	assert_int_equal(macsec_secy_rx_sc_add(tx, 0x0200000d01000001ull), 0);
	assert_int_equal(macsec_secy_rx_sc_add(rx, SCI_C), 0);
	sa_params(&p, c.cipher_suite, 0, 1, 7);
	assert_int_equal(macsec_secy_rx_sa_install(rx, SCI_C, &p), 0);
	assert_int_equal(th_run(tx, &ltx, true, f, sizeof(f), 0, w, sizeof(w)), (int)sizeof(f) + 32);
	assert_int_equal(w[14] & MACSEC_TCI_SC, MACSEC_TCI_SC);
	assert_int_equal(th_run(rx, &lrx, false, w, sizeof(f) + 32, 0, out, sizeof(out)),
			 (int)sizeof(f));
	assert_memory_equal(out, f, sizeof(f));
	/* Back to one peer: no SCI again. */
	assert_int_equal(macsec_secy_rx_sc_remove(tx, 0x0200000d01000001ull), 0);
	assert_int_equal(th_run(tx, &ltx, true, f, sizeof(f), 0, w, sizeof(w)), (int)sizeof(f) + 24);
	th_secy_free(tx, &ltx);
	th_secy_free(rx, &lrx);
}

static uint64_t rs = 0x2545F4914F6CDD1Dull;
static uint32_t rnd32(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs >> 11);
}

/*
 * Random round trips: protect on one engine, validate on another, every suite, encrypt on/off,
 * offsets, SCI on/off, 0-2 tags in clear, sizes 14..9000, one segment or many.
 */
static void test_random_roundtrip(void **state)
{
	static uint8_t f[9100], w[9200], out[9200];
	unsigned int runs = 0;
	(void)state;

	failures = 0;

	for (int cs = 0; cs < MACSEC_CS_COUNT; cs++) {
		for (unsigned int et = 0; et < th_n_engines; et++) {
			for (unsigned int er = 0; er < th_n_engines; er++) {
				struct macsec_secy_conf c;
				struct macsec_lcore ltx, lrx;
				struct macsec_secy *tx, *rx;

				th_conf_default(&c, (enum macsec_cipher_suite)cs);
				c.encrypt = rnd32() % 3 != 0;
				c.confidentiality_offset = (uint8_t)(c.encrypt ? (rnd32() % 3) * 20 + 10 : 0);
				if (c.confidentiality_offset == 10)
					c.confidentiality_offset = 0;
				c.include_sci = rnd32() & 1;
				c.vlan_tags_in_clear = (uint8_t)(rnd32() % 3);
				c.replay_window = 0;
				tx = tx_new(th_engines[et], &c, SCI_A, 0,
					    macsec_cs_is_xpn(c.cipher_suite) ? 0xFFFFFFF0ull : 1, &ltx);
				rx = th_secy_new(th_engines[er], &c, &lrx);
				{
					struct macsec_sa_params p;

					sa_params(&p, c.cipher_suite, 0,
						  macsec_cs_is_xpn(c.cipher_suite) ? 0xFFFFFFF0ull : 1, 7);
					assert_int_equal(macsec_secy_rx_sc_add(rx, SCI_A), 0);
					assert_int_equal(macsec_secy_rx_sa_install(rx, SCI_A, &p), 0);
				}
				for (int k = 0; k < 40; k++) {
					uint32_t len = k < 3 ? 14u + (uint32_t)k : 14 + rnd32() % 8987;
					uint32_t seg = rnd32() % 3 == 0 ? 1 + rnd32() % 700 : 0;
					unsigned int tags = rnd32() % 3;
					int n;

					frame_make(f, len, 0x0800, (uint8_t)k);
					for (unsigned int t = 0; t < tags && 14 + 4 * t + 4 <= len; t++) {
						macsec_put_be16(f + 12 + 4 * t, t ? 0x8100 : 0x88A8);
						macsec_put_be16(f + 14 + 4 * t, (uint16_t)(100 + t));
					}
					n = th_run(tx, &ltx, true, f, len, seg, w, sizeof(w));
					if (n < 0) {
						FAILF("suite %d %s->%s len %u seg %u: protect dropped", cs,
						      th_engines[et], th_engines[er], len, seg);
						continue;
					}
					seg = rnd32() % 3 == 0 ? 1 + rnd32() % 700 : 0;
					n = th_run(rx, &lrx, false, w, (uint32_t)n, seg, out, sizeof(out));
					if (n != (int)len || memcmp(out, f, len) != 0)
						FAILF("suite %d %s->%s len %u seg %u enc %d off %u sci %d tags %u/%u: "
						      "round trip failed (%d)", cs, th_engines[et], th_engines[er],
						      len, seg, c.encrypt, c.confidentiality_offset, c.include_sci,
						      tags, c.vlan_tags_in_clear, n);
					runs++;
				}
				th_secy_free(tx, &ltx);
				th_secy_free(rx, &lrx);
			}
		}
	}
	print_message("%u random round trips\n", runs);
	assert_int_equal(failures, 0);
}

/*
 * Regression (found by the scapy oracle): a chained frame in a burst was validated in the
 * first pass, moved nextPN, and made the one-segment frames ahead of it late.
 */
static void test_mixed_burst_order(void **state)
{
	static uint8_t f[300], w[8][400];
	struct macsec_secy_conf c;
	struct macsec_lcore ltx, lrx;
	struct macsec_secy *tx, *rx;
	struct rte_mbuf *m[8];
	struct th_snap s;
	int len[8];
	(void)state;

	th_conf_default(&c, MACSEC_CS_GCM_AES_128);
	c.replay_window = 0;
	tx = tx_new("ipsec-mb", &c, SCI_A, 0, 1, &ltx);
	rx = rx_new("ipsec-mb", &c, true, &lrx);
	for (int i = 0; i < 8; i++) {
		frame_make(f, 300, 0x0800, (uint8_t)i);
		len[i] = th_run(tx, &ltx, true, f, 300, 0, w[i], sizeof(w[i]));
		assert_int_equal(len[i], 332);
		/* PNs 1..8 in order; every third frame chained. */
		m[i] = tu_mbuf_from(th_pool(), w[i], (uint32_t)len[i], i % 3 == 1 ? 40 : 0);
	}
	assert_int_equal(macsec_validate_burst(rx, &lrx, m, 8), 8);
	th_snap_take(rx, &s);
	assert_true(s.v[TH_SC_OK] == 8);
	assert_true(s.v[TH_SC_LATE] == 0);
	rte_pktmbuf_free_bulk(m, 8);
	th_secy_free(tx, &ltx);
	th_secy_free(rx, &lrx);
}

/*
 * Regression (found by the protect fuzzer): frames protected on a linear copy (chained, or
 * short of head/tailroom) were put ahead of the in-place frames before them, so a higher PN
 * left first and a peer with window 0 dropped the overtaken frames.
 */
static void test_protect_order_bounce(void **state)
{
	static uint8_t f[300];
	struct macsec_secy_conf c;
	struct macsec_lcore ltx;
	struct macsec_secy *tx;
	struct rte_mbuf *m[9];
	(void)state;

	th_conf_default(&c, MACSEC_CS_GCM_AES_128);
	tx = tx_new("ipsec-mb-direct", &c, SCI_A, 0, 1, &ltx);
	for (int i = 0; i < 9; i++) {
		frame_make(f, 300, 0x0800, (uint8_t)i);
		m[i] = tu_mbuf_from(th_pool(), f, 300, i % 3 == 1 ? 50 : 0);
		if (i % 3 == 2) {         /* no headroom for the SecTAG: protected on a copy */
			memmove(rte_pktmbuf_mtod(m[i], uint8_t *) - m[i]->data_off,
				rte_pktmbuf_mtod(m[i], uint8_t *), m[i]->data_len);
			m[i]->data_off = 0;
		}
		m[i]->dynfield1[0] = (uint32_t)i;
	}
	assert_int_equal(macsec_protect_burst(tx, &ltx, m, 9), 9);
	for (int i = 0; i < 9; i++) {
		uint8_t pnb[4];

		assert_int_equal(m[i]->dynfield1[0], (uint32_t)i);
		assert_non_null(rte_pktmbuf_read(m[i], 16, 4, pnb));
		assert_int_equal(macsec_get_be32(rte_pktmbuf_read(m[i], 16, 4, pnb)), (uint32_t)(i + 1));
	}
	rte_pktmbuf_free_bulk(m, 9);
	th_secy_free(tx, &ltx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validate_outcomes),
		cmocka_unit_test(test_mtu),
		cmocka_unit_test(test_pn_exhaustion),
		cmocka_unit_test(test_pn_threshold),
		cmocka_unit_test(test_burst_contract),
		cmocka_unit_test(test_mixed_burst_order),
		cmocka_unit_test(test_protect_order_bounce),
		cmocka_unit_test(test_shared_tx_sa),
		cmocka_unit_test(test_tx_not_in_use),
		cmocka_unit_test(test_management_errors),
		cmocka_unit_test(test_rekey_by_an),
		cmocka_unit_test(test_rx_sc_totals),
		cmocka_unit_test(test_conf_offset),
		cmocka_unit_test(test_es_per_frame),
		cmocka_unit_test(test_sci_with_peers),
		cmocka_unit_test(test_random_roundtrip),
	};

	th_pool();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
