/* SPDX-License-Identifier: BSD-3-Clause */
/* One receive queue's bursts validated on several lcores, delivered in arrival order. */
#ifndef MACSEC_SPREAD_H
#define MACSEC_SPREAD_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "macsec_dp.h"

#define MACSEC_SPREAD_BURST 32u        /**< frames per handed-off burst, at most */
#define MACSEC_SPREAD_MAX_SLOTS 256u   /**< bursts in flight per spread, at most */
#define MACSEC_SPREAD_MAX_MEMBERS MACSEC_MAX_WORKERS
#define MACSEC_SPREAD_BACKLOG 2u       /**< a member with this many bursts queued is busy */

/**
 * Where validated frames go: @p n_good frames at the front of @p pkts to send, the
 * @p n - @p n_good after them to free. Called on the lcore whose macsec_lcore.worker
 * is @p worker: in ordered mode always the dispatcher, else whoever validated the burst.
 */
typedef void (*macsec_spread_deliver_t)(void *ctx, unsigned int worker, struct rte_mbuf **pkts,
					uint16_t n_good, uint16_t n);

struct macsec_spread_conf {
	struct macsec_secy *secy;
	macsec_spread_deliver_t deliver;
	void *ctx;
	/** Per member, the ring its lcore drains with macsec_spread_inbox_run() (MP/SC,
	 * shared by every spread that hands bursts to that lcore); NULL for @p self. */
	struct rte_ring *inbox[MACSEC_SPREAD_MAX_MEMBERS];
	unsigned int n_members;   /**< lcores taking turns, the dispatcher included */
	unsigned int self;        /**< the dispatcher's member index */
	unsigned int slots;       /**< bursts in flight, a power of 2 <= MACSEC_SPREAD_MAX_SLOTS */
	/**
	 * true: verify anywhere, commit replay and deliver on the dispatcher in arrival
	 * order (exact sequential 10.6.2 whatever the window). false: each member
	 * validates and delivers itself; the replay window must cover slots x burst.
	 */
	bool ordered;
};

/** Dispatcher-side counters (written by the dispatcher only). */
struct macsec_spread_stats {
	uint64_t bursts;          /**< bursts taken in */
	uint64_t handed;          /**< ... handed to another member */
	uint64_t kept;            /**< ... done by the dispatcher (every member busy) */
	uint64_t frames;          /**< frames taken in */
	uint64_t delivered;       /**< frames passed to deliver as good */
};

struct macsec_spread;

/** Make a spread for one receive queue; owned and driven by its dispatcher lcore. */
int macsec_spread_create(struct macsec_spread **out, const struct macsec_spread_conf *conf);
/** Free a spread with nothing in flight (all members stopped or drained). */
void macsec_spread_free(struct macsec_spread *sp);

/** Frames the dispatcher may take in now (free slots x burst); 0 = stop receiving. */
unsigned int macsec_spread_room(const struct macsec_spread *sp);
/**
 * Take @p n <= macsec_spread_room() received frames: cut into bursts, each given to
 * the next member in turn that is not busy (MACSEC_SPREAD_BACKLOG); when all are, the
 * dispatcher does the burst itself, at once.
 */
void macsec_spread_rx(struct macsec_spread *sp, struct macsec_lcore *lc, struct rte_mbuf **pkts,
		      uint16_t n);
/**
 * Retire finished bursts from the oldest on, stopping at the first unfinished one
 * (ordered: commit, then deliver, in arrival order). Returns bursts retired.
 */
unsigned int macsec_spread_drain(struct macsec_spread *sp, struct macsec_lcore *lc);
/** Bursts taken in and not retired yet. */
unsigned int macsec_spread_in_flight(const struct macsec_spread *sp);
/** Of those, the ones whose verdicts hold SA and SC pointers (ordered spreads). */
unsigned int macsec_spread_held(const struct macsec_spread *sp);

/**
 * The RCU rule of a dispatcher, at the end of each poll loop (docs/threading.md):
 * with @p held == 0 (macsec_spread_held() summed over its spreads) it reports a
 * quiescent state for @p thread_id and clears *@p hold; otherwise it reports none,
 * and sets *@p hold when a grace period is waiting on this thread: the caller then
 * takes no frames into its spreads until they are retired. Members need nothing more
 * than rte_rcu_qsbr_quiescent().
 */
void macsec_spread_rcu_quiescent(struct rte_rcu_qsbr *v, unsigned int thread_id,
				 unsigned int held, bool *hold);
void macsec_spread_stats_get(const struct macsec_spread *sp, struct macsec_spread_stats *out);

/**
 * A member lcore's share: verify (ordered) or validate and deliver (unordered) up to
 * @p max bursts other lcores' spreads put in @p inbox. Returns bursts done.
 */
unsigned int macsec_spread_inbox_run(struct rte_ring *inbox, struct macsec_lcore *lc,
				     unsigned int max);

#endif
