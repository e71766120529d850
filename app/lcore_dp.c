/* SPDX-License-Identifier: BSD-3-Clause */
/* Worker lcores: poll RX queues, protect or validate in bursts, transmit; no locks. */
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "gw.h"
#include "macsec_dp.h"
#include "sectag.h"

#define IDLE_LOOPS_BEFORE_SLEEP 256

/* Spread every (port, RX queue) over the workers, round robin. */
void gw_workers_plan(struct gw *gw)
{
	unsigned int next = 0;

	for (unsigned int i = 0; i < gw->n_links; i++) {
		struct gw_link *l = &gw->links[i];

		for (uint16_t q = 0; q < l->plain_nrxq; q++) {
			struct gw_worker *w = &gw->workers[next++ % gw->n_workers];

			w->rxq[w->n_rxq++] = (struct gw_rxq){l, l->plain_port, q, 1};
		}
		for (uint16_t q = 0; q < l->prot_nrxq; q++) {
			struct gw_worker *w = &gw->workers[next++ % gw->n_workers];

			if (q == 0)
				l->ctrl_tx_worker = w->index;   /* also sends the link's MKPDUs */
			w->rxq[w->n_rxq++] = (struct gw_rxq){l, l->prot_port, q, 0};
		}
	}
}

static inline void free_tail(struct rte_mbuf **pkts, uint16_t from, uint16_t n)
{
	if (from < n)
		rte_pktmbuf_free_bulk(&pkts[from], n - from);
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
			ws->eapol_rx++;
			if (rte_ring_enqueue(l->eapol_ring, pkts[i]) != 0) {
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

int gw_worker_main(void *arg)
{
	struct gw_worker *w = arg;
	struct gw *gw = w->gw;
	struct rte_mbuf *pkts[GW_BURST];
	unsigned int idle = 0;

	rte_rcu_qsbr_thread_register(gw->rcu, w->index);
	rte_rcu_qsbr_thread_online(gw->rcu, w->index);
	while (!__atomic_load_n(&gw->stop, __ATOMIC_RELAXED)) {
		unsigned int got = 0;

		for (unsigned int i = 0; i < w->n_rxq; i++) {
			const struct gw_rxq *q = &w->rxq[i];
			uint16_t n = rte_eth_rx_burst(q->port, q->queue, pkts, GW_BURST);

			if (n == 0)
				continue;
			got += n;
			if (q->from_plain)
				do_plain(w, q, pkts, n);
			else
				do_protected(w, q, pkts, n);
		}
		ctrl_tx_drain(w);
		/* Every SA pointer read above is dropped here: a grace period may end. */
		rte_rcu_qsbr_quiescent(gw->rcu, w->index);
		w->loops++;
		if (got != 0) {
			idle = 0;
			continue;
		}
		w->idle_loops++;
		if (gw->conf.idle_sleep_us != 0 && ++idle >= IDLE_LOOPS_BEFORE_SLEEP) {
			rte_rcu_qsbr_thread_offline(gw->rcu, w->index);
			rte_delay_us_sleep(gw->conf.idle_sleep_us);
			rte_rcu_qsbr_thread_online(gw->rcu, w->index);
		}
	}
	rte_rcu_qsbr_thread_offline(gw->rcu, w->index);
	rte_rcu_qsbr_thread_unregister(gw->rcu, w->index);
	return 0;
}
