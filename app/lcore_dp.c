/* SPDX-License-Identifier: BSD-3-Clause */
/* Worker lcores: poll RX queues, protect or validate in bursts, hand off and transmit; no locks. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "gw.h"
#include "mkpdu.h"
#include "macsec_dp.h"
#include "sectag.h"
#include "spread.h"

#define IDLE_LOOPS_BEFORE_SLEEP 256
#define INBOX_BURSTS_PER_LOOP 8

static inline void free_tail(struct rte_mbuf **pkts, uint16_t from, uint16_t n)
{
	if (from < n)
		rte_pktmbuf_free_bulk(&pkts[from], n - from);
}

/* Validated frames out of the plain port, on the TX queue of the worker that calls. */
static void plain_deliver(void *ctx, unsigned int worker, struct rte_mbuf **pkts, uint16_t n_good,
			  uint16_t n)
{
	struct gw_link *l = ctx;
	uint16_t sent = rte_eth_tx_burst(l->plain_port, (uint16_t)worker, pkts, n_good);

	l->ws[worker].plain_tx_drop += n_good - sent;
	free_tail(pkts, sent, n);
}

static unsigned int pow2_floor(unsigned int x)
{
	unsigned int p = 1;

	while (p * 2 <= x)
		p *= 2;
	return p;
}

/*
 * Bursts in flight per protected queue. Ordered: four per worker, so none waits for work
 * (replay is committed in arrival order: the window plays no part). Unordered: each
 * worker commits as it finishes, so an in-order frame can trail nextPN by the frames in
 * flight; they may take half the replay window, the other half stays for the peer's own
 * reordering (docs/threading.md). 0: too small a window to spread at all.
 */
static unsigned int spread_slots(const struct gw *gw, const struct gw_link *l)
{
	unsigned int s;

	if (l->preserve_order) {
		for (s = 8; s < 4 * gw->n_workers && s < 64; s *= 2)
			;
		return s;
	}
	s = pow2_floor(RTE_MIN(l->conf->secy.replay_window / (2 * GW_BURST), MACSEC_SPREAD_MAX_SLOTS));
	return l->conf->secy.replay_window >= 2 * 2 * GW_BURST ? s : 0;
}

static int spread_make(struct gw *gw, struct gw_link *l, struct gw_worker *disp,
		       struct macsec_spread **out, char *err, size_t err_len)
{
	struct macsec_spread_conf c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.secy = l->secy;
	c.deliver = plain_deliver;
	c.ctx = l;
	c.n_members = gw->n_workers;
	c.self = disp->index;
	c.slots = spread_slots(gw, l);
	c.ordered = l->preserve_order;
	for (unsigned int i = 0; i < gw->n_workers; i++)
		c.inbox[i] = i == disp->index ? NULL : gw->workers[i].inbox;
	rc = macsec_spread_create(out, &c);
	if (rc < 0)
		snprintf(err, err_len, "link %s: spreading the protected queue: %s", l->conf->name,
			 strerror(-rc));
	return rc;
}

/*
 * Spread every (port, RX queue) over the workers, round robin. With several workers a
 * protected queue's worker also dispatches its bursts to all workers (docs/threading.md).
 */
int gw_workers_plan(struct gw *gw, char *err, size_t err_len)
{
	unsigned int next = 0;

	for (unsigned int i = 0; i < gw->n_links; i++) {
		struct gw_link *l = &gw->links[i];
		bool spread = l->spread && gw->n_workers > 1;

		if (spread && spread_slots(gw, l) == 0) {
			RTE_LOG(WARNING, USER1, "link %s: replay_window %u is too small to validate on "
				"several workers without preserve_order (needs >= %u): one worker "
				"validates each protected queue\n", l->conf->name,
				l->conf->secy.replay_window, 4 * GW_BURST);
			spread = false;
		}
		for (uint16_t q = 0; q < l->plain_nrxq; q++) {
			struct gw_worker *w = &gw->workers[next++ % gw->n_workers];

			w->rxq[w->n_rxq++] = (struct gw_rxq){l, l->plain_port, q, 1, NULL};
		}
		for (uint16_t q = 0; q < l->prot_nrxq; q++) {
			struct gw_worker *w = &gw->workers[next++ % gw->n_workers];
			struct gw_rxq *rq = &w->rxq[w->n_rxq++];

			if (q == 0)
				l->ctrl_tx_worker = w->index;   /* also sends the link's MKPDUs */
			*rq = (struct gw_rxq){l, l->prot_port, q, 0, NULL};
			if (spread && spread_make(gw, l, w, &rq->spread, err, err_len) < 0)
				return -ENOMEM;
		}
		if (spread)
			RTE_LOG(INFO, USER1, "link %s: protected side validated on %u workers, %s, "
				"%u bursts in flight per queue\n", l->conf->name, gw->n_workers,
				l->preserve_order ? "arrival order kept" : "order not kept",
				spread_slots(gw, l));
	}
	return 0;
}

void gw_workers_fini(struct gw *gw)
{
	for (unsigned int i = 0; i < gw->n_workers; i++) {
		struct gw_worker *w = &gw->workers[i];

		for (unsigned int k = 0; k < w->n_rxq; k++) {
			macsec_spread_free(w->rxq[k].spread);
			w->rxq[k].spread = NULL;
		}
	}
}

/* EtherType after DA/SA and at most one VLAN tag. */
static inline uint16_t frame_ethertype(const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t t;

	if (m->data_len < 14)
		return 0;
	t = macsec_get_be16(p + 12);
	if ((t == 0x8100 || t == 0x88A8) && m->data_len >= 18)
		t = macsec_get_be16(p + 16);
	return t;
}

static uint16_t do_plain(struct gw_worker *w, const struct gw_rxq *q, struct rte_mbuf **pkts,
			 uint16_t n)
{
	struct gw_link *l = q->link;
	uint16_t good, sent;

	if (unlikely(!__atomic_load_n(&l->port_enabled, __ATOMIC_ACQUIRE))) {
		/* Controlled Port closed (MKA, must-secure, not secured yet): nothing passes. */
		l->ws[w->index].port_closed_drop += n;
		rte_pktmbuf_free_bulk(pkts, n);
		return n;
	}
	good = macsec_protect_burst(l->secy, &w->mlc, pkts, n);
	sent = rte_eth_tx_burst(l->prot_port, (uint16_t)w->index, pkts, good);
	l->ws[w->index].prot_tx_drop += good - sent;
	free_tail(pkts, sent, n);
	return n;
}

enum eapol_class { EAPOL_OTHER, EAPOL_FOREIGN_CKN, EAPOL_KNOWN_PEER };

/*
 * Where an EAPOL frame goes, by an unauthenticated read of its Basic Parameter Set (it
 * only decides which queue, or saves the control lcore work; malformed frames still go
 * to MKA, which counts why): another CA's CKN is dropped here; our CA's with the SCI of a
 * peer MKA knows goes to the known peers' ring, which unknown senders cannot fill.
 */
static enum eapol_class eapol_classify(const struct gw_link *l, const struct rte_mbuf *m)
{
	uint8_t ckn[MKA_CKN_MAX], len = 0;
	uint64_t sci = 0;

	if (l->mka_ckn_len == 0 || m->nb_segs != 1 ||
	    mka_mkpdu_peek_ckn(rte_pktmbuf_mtod(m, const uint8_t *), m->data_len,
			       l->eapol_ethertype, ckn, &len, &sci) != 0)
		return EAPOL_OTHER;
	if (len != l->mka_ckn_len || memcmp(ckn, l->mka_ckn, len) != 0)
		return EAPOL_FOREIGN_CKN;
	for (unsigned int i = 0; i < GW_KNOWN_PEERS && sci != 0; i++) {
		uint64_t k = __atomic_load_n(&l->known_peer_sci[i], __ATOMIC_RELAXED);

		if (k == sci)
			return EAPOL_KNOWN_PEER;
		if (k == 0)
			break;       /* the list is packed: live peers, then potential ones */
	}
	return EAPOL_OTHER;
}

static uint16_t do_protected(struct gw_worker *w, const struct gw_rxq *q, struct rte_mbuf **pkts,
			     uint16_t n)
{
	struct gw_link *l = q->link;
	struct gw_link_wstats *ws = &l->ws[w->index];
	struct rte_mbuf *data[GW_BURST];
	uint16_t nd = 0, good, sent;

	/* EAPOL (MKA) frames go to the control lcore; the rest through the SecY. */
	for (uint16_t i = 0; i < n; i++) {
		if (unlikely(frame_ethertype(pkts[i]) == l->eapol_ethertype)) {
			enum eapol_class c = eapol_classify(l, pkts[i]);

			ws->eapol_rx++;
			if (c == EAPOL_FOREIGN_CKN) {
				/* Another CA's: no need to cost the control lcore anything. */
				ws->eapol_foreign_ckn++;
				rte_pktmbuf_free(pkts[i]);
			} else if (c == EAPOL_KNOWN_PEER) {
				ws->eapol_known_peer++;
				if (rte_ring_enqueue(l->eapol_peer_ring, pkts[i]) != 0) {
					ws->eapol_peer_ring_full++;
					rte_pktmbuf_free(pkts[i]);
				}
			} else if (rte_ring_enqueue(l->eapol_ring, pkts[i]) != 0) {
				ws->eapol_ring_full++;
				rte_pktmbuf_free(pkts[i]);
			}
			continue;
		}
		data[nd++] = pkts[i];
	}
	if (nd == 0)
		return n;
	if (unlikely(!__atomic_load_n(&l->port_enabled, __ATOMIC_ACQUIRE))) {
		ws->port_closed_drop += nd;
		rte_pktmbuf_free_bulk(data, nd);
		return n;
	}
	if (q->spread != NULL) {
		macsec_spread_rx(q->spread, &w->mlc, data, nd);
		return n;
	}
	good = macsec_validate_burst(l->secy, &w->mlc, data, nd);
	sent = rte_eth_tx_burst(l->plain_port, (uint16_t)w->index, data, good);
	ws->plain_tx_drop += good - sent;
	free_tail(data, sent, nd);
	return n;
}

/* MKPDUs the control lcore queued for the links this worker sends control frames on. */
static void ctrl_tx_drain(struct gw_worker *w)
{
	struct gw *gw = w->gw;

	for (unsigned int i = 0; i < gw->n_links; i++) {
		struct gw_link *l = &gw->links[i];
		struct rte_mbuf *m[8];
		unsigned int n;
		uint16_t sent;

		if (l->ctrl_tx_worker != w->index || l->mka == NULL)
			continue;
		n = rte_ring_dequeue_burst(l->ctrl_tx_ring, (void **)m, 8, NULL);
		if (n == 0)
			continue;
		sent = rte_eth_tx_burst(l->prot_port, (uint16_t)w->index, m, (uint16_t)n);
		l->ws[w->index].mkpdu_tx += sent;
		l->ws[w->index].mkpdu_tx_drop += n - sent;
		free_tail(m, sent, (uint16_t)n);
	}
}

/*
 * Retire finished bursts of the queues this worker dispatches. Returns the bursts still
 * in flight whose verdicts hold SA pointers (ordered spreads): while there are any, this
 * worker must not report a quiescent state (docs/threading.md, "RCU").
 */
static unsigned int spreads_drain(struct gw_worker *w)
{
	unsigned int held = 0;

	for (unsigned int i = 0; i < w->n_rxq; i++) {
		struct macsec_spread *sp = w->rxq[i].spread;

		if (sp == NULL)
			continue;
		macsec_spread_drain(sp, &w->mlc);
		held += macsec_spread_held(sp);
	}
	return held;
}

static unsigned int spreads_in_flight(const struct gw_worker *w)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < w->n_rxq; i++)
		if (w->rxq[i].spread != NULL)
			n += macsec_spread_in_flight(w->rxq[i].spread);
	return n;
}

/*
 * At stop: nobody takes frames in any more, but bursts are still in flight between
 * workers. Each one goes on serving its inbox and retiring its own bursts until every
 * worker has nothing in flight, so no frame is left in a ring and no worker waits forever.
 */
static void worker_drain_at_stop(struct gw_worker *w)
{
	struct gw *gw = w->gw;
	bool counted = false;

	while (__atomic_load_n(&gw->drained, __ATOMIC_ACQUIRE) < gw->n_workers) {
		if (w->inbox != NULL)
			macsec_spread_inbox_run(w->inbox, &w->mlc, INBOX_BURSTS_PER_LOOP);
		spreads_drain(w);
		if (!counted && spreads_in_flight(w) == 0) {
			__atomic_add_fetch(&gw->drained, 1, __ATOMIC_RELEASE);
			counted = true;
		}
		rte_pause();
	}
}

int gw_worker_main(void *arg)
{
	struct gw_worker *w = arg;
	struct gw *gw = w->gw;
	struct rte_mbuf *pkts[GW_BURST];
	unsigned int idle = 0;
	uint64_t t_loop;

	rte_rcu_qsbr_thread_register(gw->rcu, w->index);
	rte_rcu_qsbr_thread_online(gw->rcu, w->index);
	t_loop = rte_rdtsc();
	while (!__atomic_load_n(&gw->stop, __ATOMIC_RELAXED)) {
		unsigned int got = 0, held;
		uint64_t now;
		bool hold;

		for (unsigned int i = 0; i < w->n_rxq; i++) {
			const struct gw_rxq *q = &w->rxq[i];
			uint16_t want = GW_BURST, n;

			if (q->spread != NULL) {
				/* No room: the queue's bursts are all in flight; the NIC ring waits. */
				if (w->rcu_hold)
					continue;
				want = (uint16_t)RTE_MIN((unsigned int)GW_BURST,
							 macsec_spread_room(q->spread));
				if (want == 0)
					continue;
			}
			n = rte_eth_rx_burst(q->port, q->queue, pkts, want);
			if (n == 0)
				continue;
			got += n;
			if (q->from_plain)
				do_plain(w, q, pkts, n);
			else
				do_protected(w, q, pkts, n);
		}
		if (w->inbox != NULL)
			got += macsec_spread_inbox_run(w->inbox, &w->mlc, INBOX_BURSTS_PER_LOOP);
		held = spreads_drain(w);
		ctrl_tx_drain(w);
		/* Every SA pointer read above is dropped here, except those in bursts in flight:
		 * a grace period may end once they are retired (docs/threading.md). */
		hold = w->rcu_hold;
		macsec_spread_rcu_quiescent(gw->rcu, w->index, held, &w->rcu_hold);
		w->rcu_holds += !hold && w->rcu_hold;
		w->loops++;
		/* Busy time: one TSC read a loop; the share of the worker a load takes
		 * (idle loops are cheap and many, so loop counts alone do not say it). */
		now = rte_rdtsc();
		if (got != 0 || spreads_in_flight(w) != 0) {
			w->busy_cycles += now - t_loop;
			t_loop = now;
			idle = 0;
			continue;
		}
		t_loop = now;
		w->idle_loops++;
		if (gw->conf.idle_sleep_us != 0 && ++idle >= IDLE_LOOPS_BEFORE_SLEEP) {
			rte_rcu_qsbr_thread_offline(gw->rcu, w->index);
			rte_delay_us_sleep(gw->conf.idle_sleep_us);
			rte_rcu_qsbr_thread_online(gw->rcu, w->index);
			t_loop = rte_rdtsc();
		}
	}
	worker_drain_at_stop(w);
	for (unsigned int i = 0; i < w->n_rxq; i++) {
		struct macsec_spread_stats st;

		if (w->rxq[i].spread == NULL)
			continue;
		macsec_spread_stats_get(w->rxq[i].spread, &st);
		RTE_LOG(INFO, USER1, "worker %u: link %s protected queue %u: %" PRIu64 " bursts, %"
			PRIu64 " handed to other workers, %" PRIu64 " validated here; %" PRIu64
			" pauses for RCU\n", w->index, w->rxq[i].link->conf->name, w->rxq[i].queue,
			st.bursts, st.handed, st.kept, w->rcu_holds);
	}
	rte_rcu_qsbr_thread_offline(gw->rcu, w->index);
	rte_rcu_qsbr_thread_unregister(gw->rcu, w->index);
	return 0;
}
