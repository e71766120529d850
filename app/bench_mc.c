/* SPDX-License-Identifier: BSD-3-Clause */
/* macsec-bench --workers N: one shared TX SA and one shared RX SA on N lcores, against 1 lcore in the same run. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <jansson.h>
#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_pause.h>
#include <rte_ring.h>

#include "bench.h"
#include "macsec_dp.h"
#include "sectag.h"
#include "spread.h"

/*
 * A row runs passes over the pool, alternately on 1 worker and on N (the other workers
 * wait at the barrier), so both see the same machine within milliseconds. A pass:
 *   prepare (untimed): each worker restores the frames it will handle (protect: clear
 *     frames; validate: the frames as protected once, PNs 1..n in pool order, and the RX SA
 *     starts again at PN 1);
 *   barrier; timed: protect: worker w protects bursts w, w + N, ... (RSS spreads flows over
 *     queues, each worker its own) on the one TX SA; validate: worker 0 is the dispatcher of
 *     the gateway's protected queue: it takes the pool in order a burst at a time into a
 *     spread (lib/macsec/spread.h), bursts go round robin to the workers (itself included),
 *     and it delivers them in order (ordered) or each worker delivers its own (unordered);
 *   barrier; worker 0 accounts: wall time = last end - first start, drops, delivery order.
 */
/*
 * Pass kinds, in turn: one worker on the shared SAs; N workers on the shared SAs; N workers
 * each on SAs of its own with nothing shared ("independent": what this machine gives N
 * workers right now, the ceiling the shared-SA figure is to be read against).
 */
enum { MODE_ONE = 0, MODE_N, MODE_IND, MODE_COUNT };

struct bench_mc;

struct mc_worker {
	struct bench_mc *mc;
	unsigned int id;            /* member index = macsec_lcore worker index */
	unsigned int lcore;
	struct macsec_lcore mlc;
	struct rte_ring *inbox;
	uint64_t t0, t1;            /* this pass, TSC */
	long csw;                   /* this pass: involuntary context switches (lost its CPU) */
	uint64_t delivered;         /* this pass */
} __rte_cache_aligned;

struct bench_mc {
	const struct bench_opts *o;
	unsigned int n;
	unsigned int slots;
	struct mc_worker w[BENCH_MAX_WORKERS];
	/* The row being run. */
	struct bench_row *r;
	struct macsec_secy *own_tx[BENCH_MAX_WORKERS];  /* MODE_IND: one SecY per worker */
	struct macsec_secy *own_rx[BENCH_MAX_WORKERS];
	struct macsec_spread *sp;
	uint32_t n_bursts;
	/* Pass control: written by worker 0 between barriers, or as said. */
	uint32_t stop;
	uint32_t pass_done;         /* validate, N: the dispatcher retired every burst (atomic) */
	uint32_t bar_count, bar_gen;
	uint32_t finished;          /* workers returned (atomic) */
	int rc;
	/* Delivery order, checked on the one lcore that delivers (ordered, or 1 worker). */
	bool check_order;
	unsigned int mode;          /* this pass */
	uint32_t next_idx;          /* the pool frame due next */
	uint64_t order_seen;        /* this pass */
	uint64_t order_checked[MODE_COUNT];
	/* Results. */
	double *mpps[MODE_COUNT];
	uint32_t n_pass[MODE_COUNT];
	uint32_t cap;
	uint64_t timed;             /* TSC cycles timed, both modes */
	double cur[MODE_COUNT];     /* this round's passes, NAN if a worker lost its CPU */
	uint32_t preempted;         /* rounds of passes left out: a worker lost its CPU */
	uint64_t late_mark;
	uint64_t replay_drops[MODE_COUNT];
	uint64_t other_drops[MODE_COUNT];
	uint64_t reorderings[MODE_COUNT];
};

int bench_mc_init(struct bench_mc **out, const struct bench_opts *o,
		  const struct macsec_aead_engine *aead)
{
	struct bench_mc *mc;
	unsigned int lcore, i = 0;
	char name[RTE_RING_NAMESIZE];
	int rc;

	if (rte_lcore_count() < o->workers + 1) {
		fprintf(stderr, "macsec-bench: --workers %u needs %u EAL worker lcores, EAL has %u\n",
			o->workers, o->workers, rte_lcore_count() - 1);
		return -EINVAL;
	}
	mc = rte_zmalloc("bench_mc", sizeof(*mc), RTE_CACHE_LINE_SIZE);
	if (mc == NULL)
		return -ENOMEM;
	mc->o = o;
	mc->n = o->workers;
	if (o->slots != 0) {
		mc->slots = o->slots;
	} else if (o->order) {
		/* Four bursts per worker in flight: enough that none waits for work. */
		mc->slots = 8;
		while (mc->slots < 4 * mc->n && mc->slots < 64)
			mc->slots *= 2;
	} else {
		/* Unordered, each worker commits as it finishes: bursts in flight times the burst
		 * size must fit the replay window, or an in-order frame can be late. */
		mc->slots = 1;
		while (mc->slots * 2 * BURST <= o->replay_window && mc->slots < MACSEC_SPREAD_MAX_SLOTS)
			mc->slots *= 2;
	}
	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct mc_worker *w = &mc->w[i];

		if (i == mc->n)
			break;
		w->mc = mc;
		w->id = i;
		w->lcore = lcore;
		rc = macsec_lcore_init(&w->mlc, i, aead, MAX_SIZE + 256);
		snprintf(name, sizeof(name), "mcin%u", i);
		w->inbox = rte_ring_create(name, 2 * MACSEC_SPREAD_MAX_SLOTS, (int)rte_lcore_to_socket_id(lcore),
					   RING_F_SC_DEQ);
		if (rc < 0 || w->inbox == NULL) {
			fprintf(stderr, "macsec-bench: worker %u: %s\n", i,
				rc < 0 ? strerror(-rc) : "no inbox ring");
			i++;
			bench_mc_fini(mc);
			return rc < 0 ? rc : -ENOMEM;
		}
		i++;
	}
	*out = mc;
	return 0;
}

void bench_mc_fini(struct bench_mc *mc)
{
	if (mc == NULL)
		return;
	for (unsigned int i = 0; i < mc->n; i++) {
		if (mc->w[i].mc == NULL)
			continue;
		macsec_lcore_fini(&mc->w[i].mlc);
		rte_ring_free(mc->w[i].inbox);
	}
	for (unsigned int k = 0; k < MODE_COUNT; k++)
		free(mc->mpps[k]);
	rte_free(mc);
}

/* Sense-reversing barrier of the N workers (they are data-plane lcores: they spin). */
static void mc_barrier(struct bench_mc *mc)
{
	uint32_t gen = __atomic_load_n(&mc->bar_gen, __ATOMIC_ACQUIRE);

	if (__atomic_add_fetch(&mc->bar_count, 1, __ATOMIC_ACQ_REL) == mc->n) {
		__atomic_store_n(&mc->bar_count, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&mc->bar_gen, gen + 1, __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&mc->bar_gen, __ATOMIC_ACQUIRE) == gen)
		rte_pause();
}

/* The CPU an lcore runs on (the first of its set: rte_lcore_to_cpu_id() is not that with --lcores). */
static int lcore_cpu(unsigned int lcore)
{
	rte_cpuset_t set = rte_lcore_cpuset(lcore);

	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			return c;
	return -1;
}

static uint32_t wire_len(const struct bench_row *r, uint32_t i)
{
	return r->len[i] + r->tl + MACSEC_ICV_LEN;
}

static const uint8_t *wire_of(const struct bench_row *r, uint32_t i)
{
	return r->wire + r->off[i] + (uint64_t)i * (r->tl + MACSEC_ICV_LEN);
}

/* Validate rows: every frame protected once, in pool order (PN i + 1), kept as bytes. */
static int mc_wire_make(struct bench_mc *mc, struct bench_row *r)
{
	struct bench_worker bw;

	memset(&bw, 0, sizeof(bw));
	bw.mlc = mc->w[0].mlc;
	bw.n = r->n_frames;
	r->wire = malloc(r->pass_octets + (uint64_t)r->n_frames * (r->tl + MACSEC_ICV_LEN));
	if (r->wire == NULL)
		return -ENOMEM;
	if (bench_row_sa_install(r) < 0 || bench_frames_prepare_validate(r, &bw) < 0)
		return -EIO;
	for (uint32_t i = 0; i < r->n_frames; i++) {
		if (r->m[i]->data_len != wire_len(r, i))
			return -EIO;
		memcpy((uint8_t *)wire_of(r, i), rte_pktmbuf_mtod(r->m[i], const uint8_t *),
		       wire_len(r, i));
	}
	return 0;
}

/* Which worker a pass gives burst @p b to (the spread's round robin starts at the dispatcher). */
static inline unsigned int burst_owner(uint32_t b, unsigned int workers)
{
	return b % workers;
}

/* Untimed: put back the frames of the bursts this worker will handle. */
static void mc_restore(struct bench_mc *mc, struct mc_worker *w, unsigned int workers)
{
	struct bench_row *r = mc->r;

	for (uint32_t b = 0; b < mc->n_bursts; b++) {
		if (burst_owner(b, workers) != w->id)
			continue;
		for (uint32_t i = b * BURST; i < (b + 1) * BURST; i++) {
			struct rte_mbuf *m = r->m[i];
			uint32_t len = r->dir == DIR_PROTECT ? r->len[i] : wire_len(r, i);

			m->data_off = RTE_PKTMBUF_HEADROOM;
			m->data_len = (uint16_t)len;
			m->pkt_len = len;
			memcpy(rte_pktmbuf_mtod(m, uint8_t *), r->dir == DIR_PROTECT ?
			       r->clear + r->off[i] : wire_of(r, i), len);
		}
	}
}

static uint64_t secy_late(const struct macsec_secy *rx, uint64_t sci)
{
	const struct macsec_rx_sc *sc = macsec_rx_sc_table_find(macsec_secy_rx_scs(rx), sci);
	struct macsec_rx_sc_stats s;

	macsec_rx_sc_stats_sum(sc, &s);
	return s.in_pkts_late;
}

/* InPktsLate of the SAs this pass validates on. */
static uint64_t rx_late(const struct bench_mc *mc)
{
	uint64_t n = 0;

	if (mc->mode != MODE_IND)
		return secy_late(mc->r->rx, mc->r->tx_sci);
	for (unsigned int i = 0; i < mc->n; i++)
		n += secy_late(mc->own_rx[i], mc->r->tx_sci);
	return n;
}

/* MODE_IND: a transmit and a receive SecY per worker, as the row's (same key, SCI, PN 1). */
static int mc_own_make(struct bench_mc *mc, struct bench_row *r)
{
	const struct macsec_aead_engine *aead = r->tx->aead;
	struct macsec_sa_params p;
	int rc = 0;

	bench_row_sa_params(r, &p);
	for (unsigned int i = 0; i < mc->n && rc == 0; i++) {
		rc = macsec_secy_create(&mc->own_tx[i], &r->tx->conf, aead, NULL);
		if (rc == 0)
			rc = macsec_secy_create(&mc->own_rx[i], &r->rx->conf, aead, NULL);
		if (rc == 0)
			rc = macsec_secy_tx_sa_install(mc->own_tx[i], &p);
		if (rc == 0)
			rc = macsec_secy_tx_set_encoding_an(mc->own_tx[i], 0);
		if (rc == 0)
			rc = macsec_secy_rx_sc_add(mc->own_rx[i], r->tx_sci);
		if (rc == 0)
			rc = macsec_secy_rx_sa_install(mc->own_rx[i], r->tx_sci, &p);
	}
	macsec_wipe(&p, sizeof(p));
	return rc;
}

static void mc_own_free(struct bench_mc *mc)
{
	for (unsigned int i = 0; i < mc->n; i++) {
		macsec_secy_destroy(mc->own_tx[i]);
		macsec_secy_destroy(mc->own_rx[i]);
		mc->own_tx[i] = mc->own_rx[i] = NULL;
	}
}

/* MODE_IND: the own SAs start again (receive at PN 1; transmit before its PNs run low). */
static int mc_own_renew(struct bench_mc *mc, struct bench_row *r)
{
	struct macsec_sa_params p;
	int rc = 0;

	bench_row_sa_params(r, &p);
	for (unsigned int i = 0; i < mc->n && rc == 0; i++) {
		if (r->dir == DIR_VALIDATE)
			rc = macsec_secy_rx_sa_install(mc->own_rx[i], r->tx_sci, &p);
		else if (__atomic_load_n(&mc->own_tx[i]->tx_sa[0]->next_pn, __ATOMIC_RELAXED) +
			 r->n_frames >= 0x80000000ull)
			rc = macsec_secy_tx_sa_install(mc->own_tx[i], &p);
	}
	macsec_wipe(&p, sizeof(p));
	return rc;
}

/*
 * Where the gateway would transmit on the plain port: count, and check the order. The
 * frames must come out as the pool holds them (PN order): compared by pointer against the
 * pool, so the check reads no mbuf the delivering lcore did not touch (a transmit would,
 * but no transmit is timed here, with 1 worker or N).
 */
static void mc_deliver(void *ctx, unsigned int worker, struct rte_mbuf **pkts, uint16_t n_good,
		       uint16_t n)
{
	struct bench_mc *mc = ctx;
	struct rte_mbuf *const *pool = mc->r->m;

	(void)n;
	mc->w[worker].delivered += n_good;
	if (!mc->check_order)
		return;
	for (uint16_t i = 0; i < n_good; i++) {
		if (likely(mc->next_idx < mc->r->n_frames && pkts[i] == pool[mc->next_idx])) {
			mc->next_idx++;
			continue;
		}
		/* Not the next one: a reordering, unless frames were dropped in between. */
		if (pkts[i]->hash.usr < mc->next_idx)
			mc->reorderings[mc->mode]++;
		mc->next_idx = pkts[i]->hash.usr + 1;
	}
	mc->order_seen += n_good;
}

/* Worker 0, untimed, before the others start: SA state and the spread for this pass. */
static int mc_prepare_shared(struct bench_mc *mc, unsigned int mode)
{
	struct bench_row *r = mc->r;
	struct macsec_spread_conf sc;
	int rc;

	__atomic_store_n(&mc->pass_done, 0, __ATOMIC_RELAXED);
	mc->mode = mode;
	mc->check_order = r->dir == DIR_VALIDATE &&
			  (mode == MODE_ONE || (mode == MODE_N && mc->o->order));
	mc->order_seen = 0;
	mc->next_idx = 0;
	for (unsigned int i = 0; i < mc->n; i++)
		mc->w[i].delivered = 0;
	if (mode == MODE_IND) {
		rc = mc_own_renew(mc, r);
		mc->late_mark = r->dir == DIR_VALIDATE ? rx_late(mc) : 0;
		return rc;
	}
	if (r->dir == DIR_PROTECT)
		return bench_row_pn_renew(r, r->n_frames);
	/* Validate: the receive SA starts again at PN 1 for the frames protected once. */
	rc = bench_row_sa_install(r);
	if (rc < 0)
		return rc;
	mc->late_mark = rx_late(mc);
	if (mode == MODE_ONE)
		return 0;
	macsec_spread_free(mc->sp);
	mc->sp = NULL;
	memset(&sc, 0, sizeof(sc));
	sc.secy = r->rx;
	sc.deliver = mc_deliver;
	sc.ctx = mc;
	for (unsigned int i = 0; i < mc->n; i++)
		sc.inbox[i] = i == 0 ? NULL : mc->w[i].inbox;
	sc.n_members = mc->n;
	sc.self = 0;
	sc.slots = mc->slots;
	sc.ordered = mc->o->order;
	return macsec_spread_create(&mc->sp, &sc);
}

static void mc_run_protect(struct bench_mc *mc, struct mc_worker *w, unsigned int workers)
{
	struct bench_row *r = mc->r;
	struct macsec_secy *tx = mc->mode == MODE_IND ? mc->own_tx[w->id] : r->tx;
	struct rte_mbuf *burst[BURST];

	for (uint32_t b = w->id; b < mc->n_bursts; b += workers) {
		memcpy(burst, &r->m[b * BURST], sizeof(burst));
		w->delivered += macsec_protect_burst(tx, &w->mlc, burst, BURST);
	}
}

/* MODE_IND: bursts w, w + N, ... on this worker's own receive SA (their PNs still increase). */
static void mc_run_validate_own(struct bench_mc *mc, struct mc_worker *w)
{
	struct bench_row *r = mc->r;
	struct rte_mbuf *burst[BURST];

	for (uint32_t b = w->id; b < mc->n_bursts; b += mc->n) {
		memcpy(burst, &r->m[b * BURST], sizeof(burst));
		w->delivered += macsec_validate_burst(mc->own_rx[w->id], &w->mlc, burst, BURST);
	}
}

static void mc_run_validate_one(struct bench_mc *mc, struct mc_worker *w)
{
	struct bench_row *r = mc->r;
	struct rte_mbuf *burst[BURST];

	for (uint32_t b = 0; b < mc->n_bursts; b++) {
		uint16_t ok;

		memcpy(burst, &r->m[b * BURST], sizeof(burst));
		ok = macsec_validate_burst(r->rx, &w->mlc, burst, BURST);
		mc_deliver(mc, w->id, burst, ok, BURST);
	}
}

/* The dispatcher: a burst in per loop, as a poll of the protected queue would give it. */
static void mc_run_dispatch(struct bench_mc *mc, struct mc_worker *w)
{
	struct macsec_spread *sp = mc->sp;
	uint32_t b = 0;

	while (b < mc->n_bursts || macsec_spread_in_flight(sp) != 0) {
		if (b < mc->n_bursts && macsec_spread_room(sp) >= BURST) {
			macsec_spread_rx(sp, &w->mlc, &mc->r->m[b * BURST], BURST);
			b++;
		}
		macsec_spread_drain(sp, &w->mlc);
	}
	__atomic_store_n(&mc->pass_done, 1, __ATOMIC_RELEASE);
}

static void mc_run_member(struct bench_mc *mc, struct mc_worker *w)
{
	while (!__atomic_load_n(&mc->pass_done, __ATOMIC_ACQUIRE))
		macsec_spread_inbox_run(w->inbox, &w->mlc, 4);
}

/* First passes: protect gave every frame its own PN; validate gave back the clear frames. */
static int mc_check(struct bench_mc *mc, uint64_t delivered)
{
	struct bench_row *r = mc->r;
	struct bench_worker bw;
	uint32_t *pn;
	int rc = 0;

	if (r->dir == DIR_VALIDATE) {
		if (delivered != r->n_frames)
			return 0;       /* counted and reported as drops; the others are checked */
		memset(&bw, 0, sizeof(bw));
		bw.n = r->n_frames;
		return bench_frames_check_clear(r, &bw);
	}
	pn = malloc(r->n_frames * sizeof(*pn));
	if (pn == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < r->n_frames; i++) {
		const uint8_t *f = rte_pktmbuf_mtod(r->m[i], const uint8_t *);

		pn[i] = macsec_get_be32(f + MACSEC_ETH_ADDRS_LEN + 4);
	}
	/* PNs of one pass are one contiguous block, each used once (not sorted: a bitmap). */
	{
		uint32_t lo = UINT32_MAX;
		uint8_t *seen = calloc(r->n_frames, 1);

		for (uint32_t i = 0; i < r->n_frames; i++)
			lo = pn[i] < lo ? pn[i] : lo;
		for (uint32_t i = 0; seen != NULL && i < r->n_frames && rc == 0; i++) {
			if (pn[i] - lo >= r->n_frames || seen[pn[i] - lo]++ != 0) {
				fprintf(stderr, "macsec-bench: protect on %u workers: PN %u reused or "
					"outside the pass's block\n", mc->n, pn[i]);
				rc = -EIO;
			}
		}
		if (seen == NULL)
			rc = -ENOMEM;
		free(seen);
	}
	free(pn);
	return rc;
}

static int mc_record(struct bench_mc *mc, unsigned int k, double mpps)
{
	if (mc->n_pass[k] == mc->cap || mc->mpps[k] == NULL) {
		uint32_t cap = mc->cap ? mc->cap * 2 : 256;

		for (unsigned int i = 0; i < MODE_COUNT; i++) {
			double *p = realloc(mc->mpps[i], cap * sizeof(double));

			if (p == NULL)
				return -ENOMEM;
			mc->mpps[i] = p;
		}
		mc->cap = cap;
	}
	mc->mpps[k][mc->n_pass[k]++] = mpps;
	return 0;
}

/* Worker 0 after a pass: time, drops, checks; whether to go on. */
static int mc_account(struct bench_mc *mc, uint32_t pass, unsigned int mode)
{
	struct bench_row *r = mc->r;
	const unsigned int workers = mode == MODE_ONE ? 1 : mc->n;
	uint64_t t0 = UINT64_MAX, t1 = 0, delivered = 0, late = 0;
	double mpps;
	int rc;

	for (unsigned int i = 0; i < workers; i++) {
		t0 = RTE_MIN(t0, mc->w[i].t0);
		t1 = RTE_MAX(t1, mc->w[i].t1);
		delivered += mc->w[i].delivered;
	}
	if (r->dir == DIR_VALIDATE)
		late = rx_late(mc) - mc->late_mark;
	mc->order_checked[mode] += mc->order_seen;
	if (pass < MODE_COUNT * WARMUP_PASSES) {
		rc = mode == MODE_IND ? 0 : mc_check(mc, delivered);
		if (rc < 0)
			return rc;
		if (delivered != r->n_frames)
			bench_drops_explain(r);
		return 0;
	}
	mc->replay_drops[mode] += late;
	mc->other_drops[mode] += r->n_frames - delivered - late;
	mc->timed += t1 - t0;
	/*
	 * A pass during which a worker was preempted measures the neighbours, not us: a round
	 * (1 worker, N workers, N independent) counts only if no worker lost its CPU in any of
	 * them. On isolated cores none is left out; on a shared box this keeps the figures
	 * about lib/macsec.
	 */
	mpps = r->n_frames / ((double)(t1 - t0) / rte_get_tsc_hz()) / 1e6;
	for (unsigned int i = 0; i < workers; i++)
		if (mc->w[i].csw != 0)
			mpps = NAN;
	mc->cur[mode] = mpps;
	if (mode != MODE_COUNT - 1)
		return 0;
	if (isnan(mc->cur[MODE_ONE]) || isnan(mc->cur[MODE_N]) || isnan(mc->cur[MODE_IND])) {
		mc->preempted++;
	} else {
		for (unsigned int k = 0; k < MODE_COUNT; k++) {
			rc = mc_record(mc, k, mc->cur[k]);
			if (rc < 0)
				return rc;
		}
	}
	if (mc->o->iters != 0 ? mc->n_pass[MODE_N] >= mc->o->iters :
	    mc->n_pass[MODE_N] >= MIN_PASSES && mc->timed >= mc->o->seconds * rte_get_tsc_hz())
		mc->stop = 1;
	/* A box too busy to give clean rounds: stop at 20 times the time asked, say so. */
	if (mc->timed >= 20 * RTE_MAX(mc->o->seconds, 0.05) * rte_get_tsc_hz())
		mc->stop = 1;
	return 0;
}

static long thread_nivcsw(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_THREAD, &ru) == 0 ? ru.ru_nivcsw : 0;
}

static int mc_worker_main(void *arg)
{
	struct mc_worker *w = arg;
	struct bench_mc *mc = w->mc;

	for (uint32_t pass = 0;; pass++) {
		unsigned int mode = pass % MODE_COUNT, workers = mode == MODE_ONE ? 1 : mc->n;
		int rc = 0;

		if (w->id == 0)
			rc = mc_prepare_shared(mc, mode);
		if (rc < 0)
			__atomic_store_n(&mc->rc, rc, __ATOMIC_RELAXED);
		mc_restore(mc, w, workers);
		mc_barrier(mc);
		if (__atomic_load_n(&mc->rc, __ATOMIC_RELAXED) < 0)
			break;
		w->csw = thread_nivcsw();
		w->t0 = rte_rdtsc_precise();
		if (w->id < workers) {
			if (mc->r->dir == DIR_PROTECT)
				mc_run_protect(mc, w, workers);
			else if (mode == MODE_IND)
				mc_run_validate_own(mc, w);
			else if (workers == 1)
				mc_run_validate_one(mc, w);
			else if (w->id == 0)
				mc_run_dispatch(mc, w);
			else
				mc_run_member(mc, w);
		}
		w->t1 = rte_rdtsc_precise();
		w->csw = thread_nivcsw() - w->csw;
		mc_barrier(mc);
		if (w->id == 0) {
			rc = mc_account(mc, pass, mode);
			if (rc < 0)
				__atomic_store_n(&mc->rc, rc, __ATOMIC_RELAXED);
		}
		mc_barrier(mc);
		if (mc->stop || __atomic_load_n(&mc->rc, __ATOMIC_RELAXED) < 0)
			break;
	}
	__atomic_add_fetch(&mc->finished, 1, __ATOMIC_RELEASE);
	return 0;
}

static void mc_print(const struct bench_mc *mc, const struct bench_row *r, bool hugepages)
{
	const struct bench_opts *o = mc->o;
	double med[MODE_COUNT], gbps[MODE_COUNT], sc[3], ce[3], avg = (double)r->pass_octets / r->n_frames;
	uint32_t np = mc->n_pass[MODE_N];
	double *q = malloc((np + 1) * sizeof(double)), *v = malloc((np + 1) * sizeof(double));
	bool ordered = r->dir == DIR_VALIDATE && o->order;
	char sz[16];

	if (np == 0 || q == NULL || v == NULL) {
		fprintf(stderr, "macsec-bench: %s %s: no round of passes without a worker losing its CPU "
			"(%u left out): this box is too busy to measure\n", macsec_cs_name(r->cs),
			dir_names[r->dir], mc->preempted);
		free(q);
		free(v);
		return;
	}
	/* Scaling pairs each N-worker pass with the 1-worker pass of its round; the ceiling
	 * likewise the N independent workers' pass. */
	for (uint32_t p = 0; p < np; p++)
		q[p] = mc->mpps[MODE_N][p] / mc->mpps[MODE_ONE][p];
	sc[0] = bench_quantile(q, np, 0.25);
	sc[1] = bench_quantile(q, np, 0.5);
	sc[2] = bench_quantile(q, np, 0.75);
	for (uint32_t p = 0; p < np; p++)
		q[p] = mc->mpps[MODE_IND][p] / mc->mpps[MODE_ONE][p];
	ce[0] = bench_quantile(q, np, 0.25);
	ce[1] = bench_quantile(q, np, 0.5);
	ce[2] = bench_quantile(q, np, 0.75);
	for (unsigned int k = 0; k < MODE_COUNT; k++) {
		memcpy(v, mc->mpps[k], np * sizeof(double));
		med[k] = bench_quantile(v, np, 0.5);
		gbps[k] = med[k] * avg * 8 / 1e3;
	}
	free(q);
	free(v);
	if (r->size == SIZE_IMIX)
		snprintf(sz, sizeof(sz), "imix");
	else
		snprintf(sz, sizeof(sz), "%u", r->size);
	if (o->json) {
		json_t *j = json_pack("{s:s, s:s, s:o, s:i, s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:f}",
				      "suite", macsec_cs_name(r->cs), "dir", dir_names[r->dir], "size",
				      r->size == SIZE_IMIX ? json_string("imix") : json_integer(r->size),
				      "workers", (int)mc->n,
				      "order", r->dir == DIR_PROTECT ? "n/a" : o->order ? "on" : "off",
				      "mpps", med[MODE_N], "gbps", gbps[MODE_N],
				      "mpps_1", med[MODE_ONE], "gbps_1", gbps[MODE_ONE],
				      "scaling", sc[1], "scaling_p25", sc[0], "scaling_p75", sc[2]);
		json_t *lc = json_array();

		for (unsigned int i = 0; i < mc->n; i++)
			json_array_append_new(lc, json_integer(lcore_cpu(mc->w[i].lcore)));
		if (j == NULL || json_object_update_new(j, json_pack(
			"{s:f, s:f, s:f, s:f, s:I, s:I, s:o, s:I, s:I, s:I, s:o, s:I, s:i, s:i, s:s, s:f,"
			" s:i, s:o, s:b, s:f, s:s}",
			"mpps_independent", med[MODE_IND], "ceiling", ce[1], "ceiling_p25", ce[0],
			"ceiling_p75", ce[2],
			"passes_preempted", (json_int_t)mc->preempted,
			"replay_drops", (json_int_t)mc->replay_drops[MODE_N],
			"replay_drops_1", json_integer((json_int_t)mc->replay_drops[MODE_ONE]),
			"other_drops", (json_int_t)mc->other_drops[MODE_N],
			"frames", (json_int_t)r->n_frames, "passes", (json_int_t)np,
			"reorderings", ordered ? json_integer((json_int_t)mc->reorderings[MODE_N]) :
						 json_null(),
			"order_checked", (json_int_t)mc->order_checked[MODE_N],
			"slots", r->dir == DIR_VALIDATE ? (int)mc->slots : 0,
			"replay_window", (int)o->replay_window, "engine", o->engine,
			"avg_frame_octets", avg, "sectag_len", (int)r->tl, "cpus", lc,
			"hugepages", hugepages, "tsc_mhz", (double)rte_get_tsc_hz() / 1e6,
			"counted", "clear frame octets (no FCS, preamble or IFG)")) != 0) {
			fprintf(stderr, "macsec-bench: JSON encoding failed\n");
			json_decref(j);
			return;
		}
		json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
		fputc('\n', stdout);
		json_decref(j);
	} else {
		char reord[24];

		if (ordered)
			snprintf(reord, sizeof(reord), "%" PRIu64, mc->reorderings[MODE_N]);
		else
			snprintf(reord, sizeof(reord), "-");
		printf("%-16s %-8s %5s %6u %4u %8.3f %8.2f %8.3f %8.2f %7.3f %5.2f-%-5.2f %6.3f %5" PRIu64
		       " %5" PRIu64 " %5s\n", macsec_cs_name(r->cs), dir_names[r->dir], sz, np,
		       mc->preempted, med[MODE_N], gbps[MODE_N], med[MODE_ONE], gbps[MODE_ONE], sc[1],
		       sc[0], sc[2], ce[1], mc->replay_drops[MODE_N], mc->other_drops[MODE_N], reord);
	}
	fflush(stdout);
}

void bench_mc_header_print(const struct bench_mc *mc)
{
	const struct bench_opts *o = mc->o;
	FILE *f = o->json ? stderr : stdout;

	fprintf(f, "# --workers %u: lcores", mc->n);
	for (unsigned int i = 0; i < mc->n; i++)
		fprintf(f, " %u@cpu%d", mc->w[i].lcore, lcore_cpu(mc->w[i].lcore));
	fprintf(f, ", main lcore %u sleeps. One TX SA and one RX SA shared by all workers.\n"
		"# protect: worker w takes bursts w, w+N, ... (as RSS queues would). validate: worker 0\n"
		"# dispatches the pool in order, a burst at a time, to the next worker in turn with\n"
		"# fewer than %u bursts queued, else validates it itself; %u bursts in flight; order\n"
		"# %s%s.\n"
		"# Rounds of three passes: 1 worker, %u workers on the shared SAs, %u workers each on SAs\n"
		"# of its own (nothing shared). Mpps = frames / wall time of the pass (first start to\n"
		"# last end), median over rounds; scaling = median over rounds of N/1 (p25-p75 after it);\n"
		"# ceil = the same for the independent workers: what this machine gives N workers now.\n"
		"# A round in which a worker lost its CPU (involuntary context switch) is left out\n"
		"# (\"out\"). Replay window %u; late = InPktsLate in N-worker passes.\n",
		rte_get_main_lcore(), MACSEC_SPREAD_BACKLOG, mc->slots, o->order ? "on: verified anywhere, replay committed "
		"and delivered in arrival order by worker 0" : "off: each worker validates, commits "
		"and delivers its bursts", o->order ? "" : " (window must cover slots x 32)", mc->n,
		mc->n, o->replay_window);
	if (!o->json)
		printf("%-16s %-8s %5s %6s %4s %8s %8s %8s %8s %7s %11s %6s %5s %5s %5s\n", "suite",
		       "dir", "size", "rounds", "out", "Mpps", "Gbit/s", "Mpps1w", "Gb/s1w", "scaling",
		       "p25-p75", "ceil", "late", "drops", "reord");
	fflush(f);
}

int bench_mc_row(struct bench_mc *mc, struct bench_row *r, bool hugepages)
{
	const struct timespec nap = {0, 20 * 1000 * 1000};   /* rare: it shares a CPU with a worker here */
	int rc = 0;

	mc->r = r;
	mc->n_bursts = r->n_frames / BURST;
	mc->stop = 0;
	mc->rc = 0;
	mc->finished = 0;
	mc->timed = 0;
	memset(mc->n_pass, 0, sizeof(mc->n_pass));
	memset(mc->replay_drops, 0, sizeof(mc->replay_drops));
	memset(mc->other_drops, 0, sizeof(mc->other_drops));
	memset(mc->reorderings, 0, sizeof(mc->reorderings));
	memset(mc->order_checked, 0, sizeof(mc->order_checked));
	mc->preempted = 0;
	for (unsigned int k = 0; k < MODE_COUNT; k++)
		mc->cur[k] = NAN;
	rc = mc_own_make(mc, r);
	if (rc < 0) {
		fprintf(stderr, "macsec-bench: per-worker SecYs: %s\n", strerror(-rc));
		mc_own_free(mc);
		return rc;
	}
	if (r->dir == DIR_VALIDATE) {
		rc = mc_wire_make(mc, r);
		if (rc < 0) {
			fprintf(stderr, "macsec-bench: preparing the protected frames failed\n");
			return rc;
		}
	}
	for (unsigned int i = 0; i < mc->n; i++)
		rte_eal_remote_launch(mc_worker_main, &mc->w[i], mc->w[i].lcore);
	/* The main lcore must not take a core from the workers: it sleeps until they finish. */
	while (__atomic_load_n(&mc->finished, __ATOMIC_ACQUIRE) < mc->n)
		nanosleep(&nap, NULL);
	rte_eal_mp_wait_lcore();
	macsec_spread_free(mc->sp);
	mc->sp = NULL;
	mc_own_free(mc);
	if (mc->rc < 0)
		return mc->rc;
	mc_print(mc, r, hugepages);
	return 0;
}
