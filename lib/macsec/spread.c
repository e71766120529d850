/* SPDX-License-Identifier: BSD-3-Clause */
/* Spread: a dispatcher cuts its queue into bursts, members verify them, the dispatcher retires them in order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>

#include "spread.h"

/*
 * A slot is one burst in flight. Its state moves FREE -> QUEUED (dispatcher) -> DONE
 * (the member that did it, store-release after its last write to the slot) -> FREE
 * (dispatcher, after it read everything). Each transition has one writer.
 */
enum { SLOT_FREE = 0, SLOT_QUEUED, SLOT_DONE };

struct spread_slot {
	struct macsec_spread *sp;
	uint32_t state;
	uint16_t n;
	uint16_t n_good;                                 /* unordered: after validate */
	struct macsec_rx_summary sum;                    /* ordered: verify -> commit */
	struct rte_mbuf *m[MACSEC_SPREAD_BURST];
	struct macsec_rx_verdict v[MACSEC_SPREAD_BURST];  /* ordered: verify -> commit */
} __rte_cache_aligned;

struct macsec_spread {
	/* Dispatcher only. */
	uint64_t head;                  /* oldest burst not retired */
	uint64_t tail;                  /* next burst to take in */
	unsigned int turn;              /* member whose turn is next */
	struct macsec_spread_stats st;
	/* Read-only after create (members read it through the slots): a line of its own. */
	struct macsec_spread_conf conf __rte_cache_aligned;
	uint32_t mask;
	struct spread_slot slot[] __rte_cache_aligned;
};

int macsec_spread_create(struct macsec_spread **out, const struct macsec_spread_conf *conf)
{
	struct macsec_spread *sp;
	size_t sz;

	if (conf->secy == NULL || conf->deliver == NULL || conf->n_members == 0 ||
	    conf->n_members > MACSEC_SPREAD_MAX_MEMBERS || conf->self >= conf->n_members ||
	    conf->slots == 0 || conf->slots > MACSEC_SPREAD_MAX_SLOTS ||
	    (conf->slots & (conf->slots - 1)) != 0)
		return -EINVAL;
	for (unsigned int i = 0; i < conf->n_members; i++)
		if (i != conf->self && conf->inbox[i] == NULL)
			return -EINVAL;
	sz = sizeof(*sp) + conf->slots * sizeof(sp->slot[0]);
	sp = aligned_alloc(RTE_CACHE_LINE_SIZE, RTE_ALIGN_CEIL(sz, RTE_CACHE_LINE_SIZE));
	if (sp == NULL)
		return -ENOMEM;
	memset(sp, 0, sz);
	sp->conf = *conf;
	sp->mask = conf->slots - 1;
	sp->turn = conf->self + 1 == conf->n_members ? 0 : conf->self + 1;
	for (unsigned int i = 0; i < conf->slots; i++)
		sp->slot[i].sp = sp;
	*out = sp;
	return 0;
}

void macsec_spread_free(struct macsec_spread *sp)
{
	free(sp);
}

unsigned int macsec_spread_in_flight(const struct macsec_spread *sp)
{
	return (unsigned int)(sp->tail - sp->head);
}

unsigned int macsec_spread_held(const struct macsec_spread *sp)
{
	return sp->conf.ordered ? macsec_spread_in_flight(sp) : 0;
}

void macsec_spread_rcu_quiescent(struct rte_rcu_qsbr *v, unsigned int thread_id,
				 unsigned int held, bool *hold)
{
	if (held == 0) {
		rte_rcu_qsbr_quiescent(v, thread_id);
		*hold = false;
		return;
	}
	/* A writer's rte_rcu_qsbr_start() moved the token past this thread's last report
	 * (the 22.11 layout rte_rcu_qsbr_quiescent() itself uses). */
	if (!*hold && __atomic_load_n(&v->token, __ATOMIC_RELAXED) !=
		      __atomic_load_n(&v->qsbr_cnt[thread_id].cnt, __ATOMIC_RELAXED))
		*hold = true;
}

unsigned int macsec_spread_room(const struct macsec_spread *sp)
{
	return (sp->conf.slots - macsec_spread_in_flight(sp)) * MACSEC_SPREAD_BURST;
}

void macsec_spread_stats_get(const struct macsec_spread *sp, struct macsec_spread_stats *out)
{
	*out = sp->st;
}

/* Do one burst on this lcore: the member's work, whoever's turn it was. */
static void slot_work(struct spread_slot *s, struct macsec_lcore *lc)
{
	struct macsec_spread *sp = s->sp;

	if (sp->conf.ordered) {
		macsec_validate_burst_verify(sp->conf.secy, lc, s->m, s->n, s->v, &s->sum);
	} else {
		s->n_good = macsec_validate_burst(sp->conf.secy, lc, s->m, s->n);
		sp->conf.deliver(sp->conf.ctx, lc->worker, s->m, s->n_good, s->n);
	}
	__atomic_store_n(&s->state, SLOT_DONE, __ATOMIC_RELEASE);
}

/*
 * Who does the next burst: the next member in turn whose inbox holds fewer than
 * MACSEC_SPREAD_BACKLOG bursts, else the dispatcher itself. So the dispatcher, which
 * also receives, commits and transmits for everyone, verifies only when the members
 * have work queued: the load balances itself whatever those extra costs are.
 */
static unsigned int spread_pick(struct macsec_spread *sp)
{
	const unsigned int n = sp->conf.n_members;

	for (unsigned int k = 0; k < n; k++) {
		unsigned int to = sp->turn;

		sp->turn = to + 1 == n ? 0 : to + 1;
		if (to != sp->conf.self &&
		    rte_ring_count(sp->conf.inbox[to]) < MACSEC_SPREAD_BACKLOG)
			return to;
	}
	return sp->conf.self;
}

void macsec_spread_rx(struct macsec_spread *sp, struct macsec_lcore *lc, struct rte_mbuf **pkts,
		      uint16_t n)
{
	while (n != 0) {
		struct spread_slot *s = &sp->slot[sp->tail & sp->mask];
		uint16_t k = (uint16_t)RTE_MIN((unsigned int)n, MACSEC_SPREAD_BURST);
		unsigned int to;

		RTE_ASSERT(s->state == SLOT_FREE);
		if (unlikely(s->state != SLOT_FREE))
			return;         /* the caller took more than macsec_spread_room() */
		memcpy(s->m, pkts, k * sizeof(pkts[0]));
		s->n = k;
		s->state = SLOT_QUEUED;
		sp->tail++;
		sp->st.bursts++;
		sp->st.frames += k;
		pkts += k;
		n = (uint16_t)(n - k);
		to = spread_pick(sp);
		/* The ring's enqueue publishes the slot's contents (release). */
		if (to != sp->conf.self && likely(rte_ring_mp_enqueue(sp->conf.inbox[to], s) == 0)) {
			sp->st.handed++;
			continue;
		}
		sp->st.kept++;
		slot_work(s, lc);
	}
}

unsigned int macsec_spread_drain(struct macsec_spread *sp, struct macsec_lcore *lc)
{
	unsigned int done = 0;

	while (sp->head != sp->tail) {
		struct spread_slot *s = &sp->slot[sp->head & sp->mask];
		uint16_t ng;

		if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) != SLOT_DONE)
			break;
		if (sp->conf.ordered) {
			/* 10.6.2/10.6.5 in arrival order: exact, whoever verified the burst. */
			ng = macsec_validate_burst_commit(sp->conf.secy, lc, s->m, s->n, s->v, &s->sum);
			sp->conf.deliver(sp->conf.ctx, lc->worker, s->m, ng, s->n);
		} else {
			ng = s->n_good;
		}
		sp->st.delivered += ng;
		s->state = SLOT_FREE;
		sp->head++;
		done++;
	}
	return done;
}

unsigned int macsec_spread_inbox_run(struct rte_ring *inbox, struct macsec_lcore *lc,
				     unsigned int max)
{
	void *got[8];
	unsigned int n, done = 0;

	while (done < max) {
		n = rte_ring_sc_dequeue_burst(inbox, got, RTE_MIN(max - done, RTE_DIM(got)), NULL);
		if (n == 0)
			break;
		for (unsigned int i = 0; i < n; i++)
			slot_work(got[i], lc);
		done += n;
	}
	return done;
}
