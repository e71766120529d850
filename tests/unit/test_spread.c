/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Validation on several lcores (docs/threading.md): verify + commit equal one lcore frame by
 * frame (random arrivals with replays, late, forged and untagged frames, bursts verified out of
 * order); a spread over two threads delivers every frame once, in order, with exact counters
 * at window 0; an unordered spread with a window covering its slots loses nothing; SAs
 * replaced under load are never touched after their RCU grace period; two lcores racing on
 * one SA at window 0 never accept a PN twice.
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
#include <time.h>

#include <cmocka.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "harness.h"
#include "sectag.h"
#include "spread.h"
#include "test_util.h"

#define SCI_A 0x0200000a01000001ull
#define FRAME_LEN 80u
#define WIRE_MAX 128u
#define BURST 32u

static const uint8_t key16[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static int failures;
#define FAILF(...) do { print_error(__VA_ARGS__); print_error("\n"); failures++; } while (0)

static struct rte_mempool *pool(void)
{
	static struct rte_mempool *mp;

	th_pool();              /* starts EAL */
	if (mp == NULL)
		mp = tu_eal_pool(8192, RTE_PKTMBUF_HEADROOM + 256);
	return mp;
}

/* Frame number @p id (PN id when protected in order): DA, SA, 0x0800, id, pattern. */
static void frame_make(uint8_t *f, uint32_t id)
{
	static const uint8_t addrs[12] = {2, 0, 0, 0, 0, 0xB, 2, 0, 0, 0, 0, 0xA};

	memcpy(f, addrs, 12);
	macsec_put_be16(f + 12, 0x0800);
	macsec_put_be32(f + 14, id);
	for (uint32_t i = 18; i < FRAME_LEN; i++)
		f[i] = (uint8_t)(i * 13 + id);
}

static uint32_t frame_id(const struct rte_mbuf *m)
{
	return macsec_get_be32(rte_pktmbuf_mtod(m, const uint8_t *) + 14);
}

static void sa_params(struct macsec_sa_params *p)
{
	memset(p, 0, sizeof(*p));
	p->key_len = 16;
	memcpy(p->key, key16, 16);
	p->pn = 1;
	p->active = true;
}

/* Frames 1..m protected with PNs 1..m: wire[i - 1], all wlen octets long. */
struct wire {
	uint32_t m, wlen;
	uint8_t (*f)[WIRE_MAX];
};

static void wire_make(struct wire *w, const struct macsec_secy_conf *base, uint32_t m)
{
	struct macsec_secy_conf c = *base;
	struct macsec_sa_params p;
	struct macsec_lcore lc;
	struct macsec_secy *tx;
	uint8_t clear[FRAME_LEN];

	c.sci = SCI_A;
	tx = th_secy_new("ipsec-mb", &c, &lc);
	assert_non_null(tx);
	sa_params(&p);
	assert_int_equal(macsec_secy_tx_sa_install(tx, &p), 0);
	w->m = m;
	w->f = calloc(m, WIRE_MAX);
	assert_non_null(w->f);
	for (uint32_t i = 0; i < m; i++) {
		int n;

		frame_make(clear, i + 1);
		n = th_run(tx, &lc, true, clear, FRAME_LEN, 0, w->f[i], WIRE_MAX);
		assert_true(n > (int)FRAME_LEN);
		w->wlen = (uint32_t)n;
	}
	th_secy_free(tx, &lc);
}

static struct macsec_secy *rx_make(const struct macsec_secy_conf *base, struct macsec_lcore *lc)
{
	struct macsec_secy_conf c = *base;
	struct macsec_sa_params p;
	struct macsec_secy *rx;

	c.sci = 0x0200000b01000001ull;
	rx = th_secy_new("ipsec-mb", &c, lc);
	assert_non_null(rx);
	sa_params(&p);
	assert_int_equal(macsec_secy_rx_sc_add(rx, SCI_A), 0);
	assert_int_equal(macsec_secy_rx_sa_install(rx, SCI_A, &p), 0);
	return rx;
}

static uint64_t rx_next_pn(const struct macsec_secy *rx)
{
	return macsec_secy_rx_scs(rx)->sc[0]->sa[0]->next_pn;
}

/* ---- 1: verify + commit == one frame at a time ---- */

/* One arrival: frame (PN) number, or 0 for an untagged frame; forged = ICV flipped. */
struct arrival {
	uint32_t pn;
	bool forged;
};

static uint64_t rnd_state;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return (uint32_t)rnd_state;
}

static void arrivals_make(struct arrival *a, uint32_t n, uint32_t m)
{
	uint32_t cur = 1;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t r = rnd() % 100, pn;

		if (r < 65) {
			pn = cur++;
		} else if (r < 75) {
			pn = cur + rnd() % 6;                 /* ahead: the gap comes later or never */
			cur = pn + 1;
		} else if (r < 90) {
			pn = cur > 41 ? cur - 1 - rnd() % 40 : 1;   /* just behind: late or in window */
		} else if (r < 97) {
			pn = 1 + rnd() % cur;                 /* anywhere before: a replay */
		} else {
			pn = 0;                               /* untagged */
		}
		if (pn > m)
			pn = m;
		if (cur > m)
			cur = m;
		a[i].pn = pn;
		a[i].forged = pn != 0 && rnd() % 100 < 6;
	}
}

static struct rte_mbuf *arrival_mbuf(const struct wire *w, const struct arrival *a)
{
	uint8_t f[WIRE_MAX];
	struct rte_mbuf *m;

	if (a->pn == 0) {
		frame_make(f, 0);
		m = tu_mbuf_from(pool(), f, FRAME_LEN, 0);
	} else {
		memcpy(f, w->f[a->pn - 1], w->wlen);
		if (a->forged)
			f[w->wlen - 1] ^= 0x20;
		m = tu_mbuf_from(pool(), f, w->wlen, 0);
	}
	assert_non_null(m);
	return m;
}

/* Which of burst @p orig[0, n) came out at the front of @p pkts[0, ng): marks @p out. */
static void mark_delivered(struct rte_mbuf *const *orig, struct rte_mbuf *const *pkts, uint16_t n,
			   uint16_t ng, uint8_t *out)
{
	for (uint16_t i = 0; i < n; i++) {
		out[i] = 0;
		for (uint16_t k = 0; k < ng; k++)
			if (pkts[k] == orig[i])
				out[i] = 1;
	}
}

static const struct {
	uint32_t window;
	bool replay;
	enum macsec_validate vf;
	bool encrypt;
} seq_cases[] = {
	/* 1 */ {0, true, MACSEC_VALIDATE_STRICT, true},
	/* 2 */ {4, true, MACSEC_VALIDATE_STRICT, true},
	/* 3 */ {32, true, MACSEC_VALIDATE_STRICT, true},
	/* 4 */ {0, false, MACSEC_VALIDATE_STRICT, true},
	/* 5 */ {2, true, MACSEC_VALIDATE_CHECK, false},
	/* 6 */ {8, true, MACSEC_VALIDATE_DISABLED, false},
	/* 7 */ {0, true, MACSEC_VALIDATE_CHECK, true},
};

static void test_commit_equals_sequential(void **state)
{
	enum { N = 1500, M = 800 };
	static struct arrival arr[N];
	static uint8_t ref[N], bat[N], comb[N];
	(void)state;

	failures = 0;
	rnd_state = 0x243F6A8885A308D3ull;
	for (size_t r = 0; r < sizeof(seq_cases) / sizeof(seq_cases[0]); r++) {
		struct macsec_secy_conf c;
		struct macsec_lcore l1, l2, l3;
		struct macsec_secy *s1, *s2, *s3;
		struct th_snap n1, n2, n3;
		struct wire w;
		static struct rte_mbuf *bm[N / BURST + 1][BURST], *bo[N / BURST + 1][BURST];
		static struct macsec_rx_verdict bv[N / BURST + 1][BURST];
		static struct macsec_rx_summary bs[N / BURST + 1];
		uint32_t order[N / BURST + 1], nb = (N + BURST - 1) / BURST;
		char d1[512], d2[512];

		th_conf_default(&c, MACSEC_CS_GCM_AES_128);
		c.replay_window = seq_cases[r].window;
		c.replay_protect = seq_cases[r].replay;
		c.validate_frames = seq_cases[r].vf;
		c.encrypt = seq_cases[r].encrypt;
		wire_make(&w, &c, M);
		arrivals_make(arr, N, M);
		s1 = rx_make(&c, &l1);
		s2 = rx_make(&c, &l2);
		s3 = rx_make(&c, &l3);

		/* Reference: one frame at a time, as 10.6 reads. */
		for (uint32_t i = 0; i < N; i++) {
			struct rte_mbuf *m = arrival_mbuf(&w, &arr[i]);

			ref[i] = macsec_validate_burst(s1, &l1, &m, 1);
			rte_pktmbuf_free(m);
		}
		/* Bursts verified in a shuffled order (as workers finish them), committed in order. */
		for (uint32_t b = 0; b < nb; b++) {
			order[b] = b;
			for (uint32_t i = 0; i < BURST && b * BURST + i < N; i++)
				bm[b][i] = bo[b][i] = arrival_mbuf(&w, &arr[b * BURST + i]);
		}
		for (uint32_t b = nb - 1; b > 0; b--) {
			uint32_t k = rnd() % (b + 1), t = order[b];

			order[b] = order[k];
			order[k] = t;
		}
		for (uint32_t i = 0; i < nb; i++) {
			uint32_t b = order[i];
			uint16_t n = (uint16_t)RTE_MIN(BURST, N - b * BURST);

			macsec_validate_burst_verify(s2, &l2, bm[b], n, bv[b], &bs[b]);
		}
		for (uint32_t b = 0; b < nb; b++) {
			uint16_t n = (uint16_t)RTE_MIN(BURST, N - b * BURST);
			uint16_t ng = macsec_validate_burst_commit(s2, &l2, bm[b], n, bv[b],
								   b % 2 ? &bs[b] : NULL);

			mark_delivered(bo[b], bm[b], n, ng, &bat[b * BURST]);
			rte_pktmbuf_free_bulk(bm[b], n);
		}
		/* The one-call path, bursts of 32 in order. */
		for (uint32_t b = 0; b < nb; b++) {
			uint16_t n = (uint16_t)RTE_MIN(BURST, N - b * BURST), ng;

			for (uint16_t i = 0; i < n; i++)
				bm[b][i] = bo[b][i] = arrival_mbuf(&w, &arr[b * BURST + i]);
			ng = macsec_validate_burst(s3, &l3, bm[b], n);
			mark_delivered(bo[b], bm[b], n, ng, &comb[b * BURST]);
			rte_pktmbuf_free_bulk(bm[b], n);
		}
		for (uint32_t i = 0; i < N; i++)
			if (ref[i] != bat[i] || ref[i] != comb[i]) {
				FAILF("case %zu frame %u (PN %u%s): one at a time %s, verify/commit %s, "
				      "burst %s", r + 1, i, arr[i].pn, arr[i].forged ? " forged" : "",
				      ref[i] ? "delivered" : "dropped", bat[i] ? "delivered" : "dropped",
				      comb[i] ? "delivered" : "dropped");
				break;
			}
		th_snap_take(s1, &n1);
		th_snap_take(s2, &n2);
		th_snap_take(s3, &n3);
		if (memcmp(&n1, &n2, sizeof(n1)) != 0 || memcmp(&n1, &n3, sizeof(n1)) != 0) {
			struct th_snap z;

			memset(&z, 0, sizeof(z));
			FAILF("case %zu: counters differ:\n  one at a time %s\n  verify/commit %s", r + 1,
			      th_snap_diff(&z, &n1, d1, sizeof(d1)), th_snap_diff(&z, &n2, d2, sizeof(d2)));
		}
		if (rx_next_pn(s1) != rx_next_pn(s2) || rx_next_pn(s1) != rx_next_pn(s3))
			FAILF("case %zu: nextPN %llu / %llu / %llu", r + 1,
			      (unsigned long long)rx_next_pn(s1), (unsigned long long)rx_next_pn(s2),
			      (unsigned long long)rx_next_pn(s3));
		th_secy_free(s1, &l1);
		th_secy_free(s2, &l2);
		th_secy_free(s3, &l3);
		free(w.f);
	}
	assert_int_equal(failures, 0);
}

/* ---- 2, 3: a spread over two threads ---- */

enum { SP_FRAMES = 12000, SP_FORGE_EVERY = 37 };

struct sp_sink {
	uint32_t last;                /* ordered: last id delivered */
	uint32_t out_of_order;
	uint8_t *seen;                /* per id: times delivered (atomic) */
	uint64_t delivered;           /* atomic */
	uint32_t on_worker[2];        /* atomic: deliver calls per worker */
	bool ordered;
};

static void sink_deliver(void *ctx, unsigned int worker, struct rte_mbuf **pkts, uint16_t n_good,
			 uint16_t n)
{
	struct sp_sink *s = ctx;

	for (uint16_t i = 0; i < n_good; i++) {
		uint32_t id = frame_id(pkts[i]);

		if (s->ordered) {
			if (id <= s->last)
				s->out_of_order++;
			s->last = id;
		}
		if (id >= 1 && id <= SP_FRAMES)
			__atomic_fetch_add(&s->seen[id], 1, __ATOMIC_RELAXED);
	}
	__atomic_fetch_add(&s->delivered, n_good, __ATOMIC_RELAXED);
	__atomic_fetch_add(&s->on_worker[worker & 1], 1, __ATOMIC_RELAXED);
	rte_pktmbuf_free_bulk(pkts, n);
}

struct member_arg {
	struct rte_ring *inbox;
	const struct macsec_aead_engine *aead;
	volatile int stop;
	unsigned long bursts;
};

static void *member_main(void *p)
{
	struct member_arg *a = p;
	struct macsec_lcore lc;

	if (macsec_lcore_init(&lc, 1, a->aead, 16384) < 0)
		return NULL;
	while (!__atomic_load_n(&a->stop, __ATOMIC_ACQUIRE) || rte_ring_count(a->inbox) != 0)
		a->bursts += macsec_spread_inbox_run(a->inbox, &lc, 4);
	macsec_lcore_fini(&lc);
	return a;
}

static void spread_run(bool ordered, uint32_t window, unsigned int slots)
{
	static struct wire w;
	struct macsec_secy_conf c;
	struct macsec_spread_conf sc;
	struct macsec_spread_stats st;
	struct macsec_spread *sp;
	struct macsec_lcore lc;
	struct macsec_secy *rx;
	struct member_arg arg;
	struct sp_sink sink;
	struct th_snap s;
	pthread_t th;
	uint32_t forged = 0, id = 1;
	void *res;

	th_conf_default(&c, MACSEC_CS_GCM_AES_128);
	c.replay_window = window;
	if (w.f == NULL)
		wire_make(&w, &c, SP_FRAMES);
	rx = rx_make(&c, &lc);
	memset(&sink, 0, sizeof(sink));
	sink.ordered = ordered;
	sink.seen = calloc(SP_FRAMES + 1, 1);
	assert_non_null(sink.seen);
	memset(&arg, 0, sizeof(arg));
	arg.aead = lc.aead;
	arg.inbox = rte_ring_create(ordered ? "inbox_o" : "inbox_u", 64, SOCKET_ID_ANY,
				    RING_F_SC_DEQ);
	assert_non_null(arg.inbox);
	memset(&sc, 0, sizeof(sc));
	sc.secy = rx;
	sc.deliver = sink_deliver;
	sc.ctx = &sink;
	sc.inbox[1] = arg.inbox;
	sc.n_members = 2;
	sc.self = 0;
	sc.slots = slots;
	sc.ordered = ordered;
	assert_int_equal(macsec_spread_create(&sp, &sc), 0);
	assert_int_equal(pthread_create(&th, NULL, member_main, &arg), 0);

	while (id <= SP_FRAMES || macsec_spread_in_flight(sp) != 0) {
		unsigned int room = macsec_spread_room(sp);
		struct rte_mbuf *m[BURST];
		uint16_t n = 0;

		while (id <= SP_FRAMES && n < BURST && n < room) {
			uint8_t f[WIRE_MAX];

			memcpy(f, w.f[id - 1], w.wlen);
			if (id % SP_FORGE_EVERY == 0) {
				f[w.wlen - 1] ^= 1;
				forged++;
			}
			m[n] = tu_mbuf_from(pool(), f, w.wlen, 0);
			assert_non_null(m[n]);
			n++;
			id++;
		}
		if (n != 0)
			macsec_spread_rx(sp, &lc, m, n);
		macsec_spread_drain(sp, &lc);
	}
	__atomic_store_n(&arg.stop, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(th, &res), 0);
	assert_non_null(res);

	th_snap_take(rx, &s);
	macsec_spread_stats_get(sp, &st);
	print_message("%s spread, window %u, %u slots: %llu bursts, %llu handed to the other "
		      "thread, %llu kept\n", ordered ? "ordered" : "unordered", window, slots,
		      (unsigned long long)st.bursts, (unsigned long long)st.handed,
		      (unsigned long long)st.kept);
	assert_true(st.handed > 0);
	assert_true(arg.bursts == st.handed);
	assert_true(sink.delivered == SP_FRAMES - forged);
	assert_true(st.delivered == SP_FRAMES - forged);
	for (uint32_t i = 1; i <= SP_FRAMES; i++)
		if (sink.seen[i] != (i % SP_FORGE_EVERY == 0 ? 0 : 1))
			FAILF("frame %u delivered %u times", i, sink.seen[i]);
	assert_int_equal(sink.out_of_order, 0);
	if (ordered)
		assert_true(sink.on_worker[1] == 0);    /* all delivery on the dispatcher */
	assert_true(s.v[TH_SC_OK] == SP_FRAMES - forged);
	assert_true(s.v[TH_SA_OK] == SP_FRAMES - forged);
	assert_true(s.v[TH_SC_NOT_VALID] == forged);
	assert_true(s.v[TH_SC_LATE] == 0);
	assert_true(s.v[TH_SC_DELAYED] == 0);
	assert_true(rx_next_pn(rx) == SP_FRAMES + (SP_FRAMES % SP_FORGE_EVERY != 0));
	assert_int_equal(failures, 0);

	macsec_spread_free(sp);
	rte_ring_free(arg.inbox);
	free(sink.seen);
	th_secy_free(rx, &lc);
}

/* Ordered, window 0: strict order with two lcores, every frame once, in order. */
static void test_spread_ordered_window0(void **state)
{
	(void)state;
	failures = 0;
	spread_run(true, 0, 8);
}

/* Unordered: each lcore commits as it goes; a window of slots x burst keeps every frame. */
static void test_spread_unordered(void **state)
{
	(void)state;
	failures = 0;
	spread_run(false, 4 * BURST, 4);
}

/* ---- 4: rekeys while bursts are in flight: RCU across the hand-off ---- */

/*
 * The control thread replaces the receive SA every few tens of microseconds while a
 * dispatcher and a member validate in ordered mode, with the gateway's RCU rule
 * (macsec_spread_rcu_quiescent()). A replaced SA is not freed after its grace period but
 * quarantined: its counters and nextPN must never move again (no use after the grace
 * period), grace periods must keep ending under load (the dispatcher pauses to let them),
 * and every frame still comes out once, in order.
 */
enum { RCU_MAX_RETIRED = 4096 };

struct rcu_retired {
	struct macsec_sa *sa;
	void (*destroy)(void *obj);
	uint64_t token;
	bool over;                  /* grace period ended: snapshot taken */
	uint64_t ok, next_pn;
};

struct rcu_ctx {
	struct rte_rcu_qsbr *v;
	bool tracking;
	unsigned int n;
	struct rcu_retired r[RCU_MAX_RETIRED];
};

static void rcu_defer(void *ctx, void *obj, void (*destroy)(void *obj))
{
	struct rcu_ctx *c = ctx;

	if (!c->tracking || c->n == RCU_MAX_RETIRED) {
		destroy(obj);       /* setup, or no room: nobody can be using it (see test) */
		return;
	}
	c->r[c->n++] = (struct rcu_retired){obj, destroy, rte_rcu_qsbr_start(c->v), false, 0, 0};
}

static uint64_t sa_ok(const struct macsec_sa *sa)
{
	struct macsec_rx_sa_stats st;

	macsec_rx_sa_stats_sum(sa, &st);
	return st.in_pkts_ok;
}

/* Grace periods that ended: snapshot those SAs. Returns how many have ended so far. */
static unsigned int rcu_poll(struct rcu_ctx *c)
{
	unsigned int over = 0;

	for (unsigned int i = 0; i < c->n; i++) {
		struct rcu_retired *r = &c->r[i];

		if (!r->over && rte_rcu_qsbr_check(c->v, r->token, false) == 1) {
			r->over = true;
			r->ok = sa_ok(r->sa);
			r->next_pn = __atomic_load_n(&r->sa->next_pn, __ATOMIC_ACQUIRE);
		}
		over += r->over;
	}
	return over;
}

struct rcu_disp {
	struct macsec_spread *sp;
	struct macsec_lcore lc;
	struct rte_rcu_qsbr *v;
	const struct wire *w;
	unsigned long holds;
	int done;
};

static void *rcu_dispatcher_main(void *p)
{
	struct rcu_disp *d = p;
	uint32_t id = 1;
	bool hold = false, was;

	rte_rcu_qsbr_thread_register(d->v, 0);
	rte_rcu_qsbr_thread_online(d->v, 0);
	while (id <= d->w->m || macsec_spread_in_flight(d->sp) != 0) {
		if (!hold && id <= d->w->m && macsec_spread_room(d->sp) >= BURST) {
			struct rte_mbuf *m[BURST];
			uint16_t n = 0;

			while (id <= d->w->m && n < BURST) {
				m[n] = tu_mbuf_from(pool(), d->w->f[id - 1], d->w->wlen, 0);
				if (m[n] == NULL)
					break;
				n++;
				id++;
			}
			macsec_spread_rx(d->sp, &d->lc, m, n);
		}
		macsec_spread_drain(d->sp, &d->lc);
		was = hold;
		macsec_spread_rcu_quiescent(d->v, 0, macsec_spread_held(d->sp), &hold);
		d->holds += !was && hold;
	}
	__atomic_store_n(&d->done, 1, __ATOMIC_RELEASE);
	/* Stay online and quiescent until the test is over, like an idle worker. */
	while (__atomic_load_n(&d->done, __ATOMIC_ACQUIRE) != 2)
		rte_rcu_qsbr_quiescent(d->v, 0);
	rte_rcu_qsbr_thread_offline(d->v, 0);
	return d;
}

struct rcu_member {
	struct rte_ring *inbox;
	struct rte_rcu_qsbr *v;
	const struct macsec_aead_engine *aead;
	int stop;
};

static void *rcu_member_main(void *p)
{
	struct rcu_member *a = p;
	struct macsec_lcore lc;

	if (macsec_lcore_init(&lc, 1, a->aead, 16384) < 0)
		return NULL;
	rte_rcu_qsbr_thread_register(a->v, 1);
	rte_rcu_qsbr_thread_online(a->v, 1);
	while (!__atomic_load_n(&a->stop, __ATOMIC_ACQUIRE)) {
		macsec_spread_inbox_run(a->inbox, &lc, 4);
		rte_rcu_qsbr_quiescent(a->v, 1);
	}
	rte_rcu_qsbr_thread_offline(a->v, 1);
	macsec_lcore_fini(&lc);
	return a;
}

static void test_spread_rcu_rekey(void **state)
{
	static struct wire w;
	static struct rcu_ctx rc;
	struct macsec_secy_conf c;
	struct macsec_spread_conf sc;
	struct macsec_sa_params p;
	struct rcu_disp d;
	struct rcu_member mb;
	struct sp_sink sink;
	struct th_snap s;
	struct macsec_reclaim reclaim = {rcu_defer, &rc};
	struct macsec_secy *rx;
	pthread_t td, tm;
	size_t sz = rte_rcu_qsbr_get_memsize(2);
	unsigned int installs = 0, over = 0, moved = 0;
	void *res;
	(void)state;

	failures = 0;
	th_conf_default(&c, MACSEC_CS_GCM_AES_128);
	c.replay_window = 0;
	wire_make(&w, &c, SP_FRAMES);
	memset(&rc, 0, sizeof(rc));
	rc.v = aligned_alloc(RTE_CACHE_LINE_SIZE, RTE_ALIGN_CEIL(sz, RTE_CACHE_LINE_SIZE));
	assert_non_null(rc.v);
	assert_int_equal(rte_rcu_qsbr_init(rc.v, 2), 0);
	memset(&d, 0, sizeof(d));
	c.sci = 0x0200000b01000001ull;
	assert_int_equal(macsec_secy_create(&rx, &c, macsec_aead_find("ipsec-mb"), &reclaim), 0);
	assert_int_equal(macsec_lcore_init(&d.lc, 0, rx->aead, 16384), 0);
	sa_params(&p);
	assert_int_equal(macsec_secy_rx_sc_add(rx, SCI_A), 0);
	assert_int_equal(macsec_secy_rx_sa_install(rx, SCI_A, &p), 0);

	memset(&sink, 0, sizeof(sink));
	sink.ordered = true;
	sink.seen = calloc(SP_FRAMES + 1, 1);
	assert_non_null(sink.seen);
	memset(&mb, 0, sizeof(mb));
	mb.v = rc.v;
	mb.aead = rx->aead;
	mb.inbox = rte_ring_create("inbox_rcu", 64, SOCKET_ID_ANY, RING_F_SC_DEQ);
	assert_non_null(mb.inbox);
	memset(&sc, 0, sizeof(sc));
	sc.secy = rx;
	sc.deliver = sink_deliver;
	sc.ctx = &sink;
	sc.inbox[1] = mb.inbox;
	sc.n_members = 2;
	sc.slots = 8;
	sc.ordered = true;
	assert_int_equal(macsec_spread_create(&d.sp, &sc), 0);
	d.v = rc.v;
	d.w = &w;

	rc.tracking = true;
	assert_int_equal(pthread_create(&tm, NULL, rcu_member_main, &mb), 0);
	assert_int_equal(pthread_create(&td, NULL, rcu_dispatcher_main, &d), 0);
	/* The control thread: a new SA (same key, PN 1: nothing becomes late) every ~50 us. */
	while (!__atomic_load_n(&d.done, __ATOMIC_ACQUIRE)) {
		struct timespec ts = {0, 50 * 1000};

		if (rc.n < RCU_MAX_RETIRED) {
			assert_int_equal(macsec_secy_rx_sa_install(rx, SCI_A, &p), 0);
			installs++;
		}
		nanosleep(&ts, NULL);
		over = rcu_poll(&rc);
	}
	/*
	 * The dispatcher is idle now: every grace period ends once the member thread has run
	 * again. Wait for that by time (up to 5 s), not by a count of polls: on a loaded
	 * machine 100000 polls once passed before the member was scheduled (108 of 109 over).
	 */
	for (int i = 0; i < 100000 && over < rc.n; i++) {
		struct timespec ts = {0, 50 * 1000};

		over = rcu_poll(&rc);
		if (over < rc.n)
			nanosleep(&ts, NULL);
	}
	/* No replaced SA moved after its grace period ended. */
	for (unsigned int i = 0; i < rc.n; i++) {
		struct rcu_retired *r = &rc.r[i];

		if (r->over && (sa_ok(r->sa) != r->ok ||
				__atomic_load_n(&r->sa->next_pn, __ATOMIC_ACQUIRE) != r->next_pn))
			moved++;
	}
	__atomic_store_n(&d.done, 2, __ATOMIC_RELEASE);
	__atomic_store_n(&mb.stop, 1, __ATOMIC_RELEASE);
	assert_int_equal(pthread_join(td, &res), 0);
	assert_int_equal(pthread_join(tm, &res), 0);
	th_snap_take(rx, &s);
	print_message("%u SAs installed during traffic, %u grace periods over, dispatcher paused "
		      "%lu times for them, %llu frames delivered\n", installs, over, d.holds,
		      (unsigned long long)sink.delivered);
	assert_int_equal(moved, 0);
	assert_true(installs > 0);
	assert_int_equal(over, rc.n);
	assert_true(sink.delivered == SP_FRAMES);
	assert_int_equal(sink.out_of_order, 0);
	assert_true(s.v[TH_SC_OK] == SP_FRAMES);
	assert_true(s.v[TH_SC_LATE] == 0);

	rc.tracking = false;
	for (unsigned int i = 0; i < rc.n; i++)
		rc.r[i].destroy(rc.r[i].sa);
	macsec_spread_free(d.sp);
	rte_ring_free(mb.inbox);
	macsec_secy_destroy(rx);
	macsec_lcore_fini(&d.lc);
	free(rc.v);
	free(sink.seen);
	free(w.f);
}

/* ---- 5: two lcores race on one SA at window 0 ---- */

struct race_arg {
	struct macsec_secy *rx;
	const struct wire *w;
	unsigned int worker;
	volatile int *go;       /* bursts both threads may start (lockstep: they race on each) */
	uint8_t *seen;          /* per PN: times accepted (atomic) */
	uint64_t accepted;
};

static void *race_main(void *p)
{
	struct race_arg *a = p;
	struct macsec_lcore lc;

	if (macsec_lcore_init(&lc, a->worker, a->rx->aead, 16384) < 0)
		return NULL;
	for (uint32_t i = 0, step = 0; i < a->w->m; i += 8, step++) {
		struct rte_mbuf *m[8];
		uint16_t n = (uint16_t)RTE_MIN(8u, a->w->m - i), ng;

		for (uint16_t k = 0; k < n; k++)
			m[k] = tu_mbuf_from(pool(), a->w->f[i + k], a->w->wlen, 0);
		/* Both threads start burst @p step together: they race on the same PNs. */
		__atomic_fetch_add(a->go, 1, __ATOMIC_ACQ_REL);
		while (__atomic_load_n(a->go, __ATOMIC_ACQUIRE) < 2 * (int)(step + 1))
			;
		ng = macsec_validate_burst(a->rx, &lc, m, n);
		for (uint16_t k = 0; k < ng; k++)
			__atomic_fetch_add(&a->seen[frame_id(m[k])], 1, __ATOMIC_RELAXED);
		a->accepted += ng;
		rte_pktmbuf_free_bulk(m, n);
	}
	macsec_lcore_fini(&lc);
	return a;
}

/*
 * Both lcores receive the same frames (every frame replayed once) at once. At window 0 a PN
 * below nextPN is late, so 10.6.2 accepts each PN at most once, however the two interleave.
 */
static void test_race_window0_no_double_accept(void **state)
{
	enum { M = 10000 };
	struct macsec_secy_conf c;
	struct macsec_lcore lc;
	struct macsec_secy *rx;
	struct race_arg a[2];
	pthread_t th[2];
	struct th_snap s;
	struct wire w;
	volatile int go = 0;
	uint8_t *seen = calloc(M + 1, 1);
	uint32_t twice = 0;
	(void)state;

	assert_non_null(seen);
	th_conf_default(&c, MACSEC_CS_GCM_AES_128);
	c.replay_window = 0;
	wire_make(&w, &c, M);
	rx = rx_make(&c, &lc);
	for (int i = 0; i < 2; i++) {
		a[i] = (struct race_arg){rx, &w, (unsigned int)i + 1, &go, seen, 0};
		assert_int_equal(pthread_create(&th[i], NULL, race_main, &a[i]), 0);
	}
	for (int i = 0; i < 2; i++) {
		void *r;

		pthread_join(th[i], &r);
		assert_non_null(r);
	}
	th_snap_take(rx, &s);
	for (uint32_t i = 1; i <= M; i++)
		twice += seen[i] > 1;
	print_message("accepted %llu + %llu of 2 x %u, late %llu\n",
		      (unsigned long long)a[0].accepted, (unsigned long long)a[1].accepted, M,
		      (unsigned long long)s.v[TH_SC_LATE]);
	assert_int_equal(twice, 0);
	assert_true(s.v[TH_SC_OK] == a[0].accepted + a[1].accepted);
	assert_true(s.v[TH_SC_OK] + s.v[TH_SC_LATE] == 2u * M);
	assert_true(rx_next_pn(rx) == M + 1);
	th_secy_free(rx, &lc);
	free(w.f);
	free(seen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit_equals_sequential),
		cmocka_unit_test(test_spread_ordered_window0),
		cmocka_unit_test(test_spread_unordered),
		cmocka_unit_test(test_spread_rcu_rekey),
		cmocka_unit_test(test_race_window0_no_double_accept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
