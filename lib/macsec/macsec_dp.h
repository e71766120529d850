/* SPDX-License-Identifier: BSD-3-Clause */
/* Protect and validate bursts of rte_mbuf in place (the DPDK half of lib/macsec). */
#ifndef MACSEC_DP_H
#define MACSEC_DP_H

#include <stdint.h>

#include <rte_mbuf.h>

#include "secy.h"

/**
 * Protect @p n frames in place: insert the SecTAG, encrypt or authenticate,
 * append the ICV (802.1AE 10.5). Returns the number of frames to transmit, which
 * are at the front of @p pkts in their original order; the others (counted under
 * their reason) are moved to the tail and stay owned by the caller.
 * Transmit PNs are reserved with one atomic add per call, so several lcores may
 * share a transmit SA.
 */
uint16_t macsec_protect_burst(struct macsec_secy *secy, struct macsec_lcore *lc,
			      struct rte_mbuf **pkts, uint16_t n);

/**
 * Validate @p n frames received on the controlled port's Common Port
 * (802.1AE 10.6): SecTAG, SC/SA lookup, replay, ICV, decryption; SecTAG and ICV
 * are stripped from delivered frames. Returns the number to deliver (front of
 * @p pkts, original order); discarded frames are at the tail, each counted once.
 */
uint16_t macsec_validate_burst(struct macsec_secy *secy, struct macsec_lcore *lc,
			       struct rte_mbuf **pkts, uint16_t n);

/** What verification made of one frame, for its commit. */
enum macsec_rx_kind {
	MACSEC_RX_DROP = 0,     /**< counted, discard */
	MACSEC_RX_DELIVER,      /**< counted, deliver (no receive SA involved) */
	MACSEC_RX_VALID,        /**< ICV verified: replay check, nextPN, InPktsOK at commit */
	MACSEC_RX_INVALID,      /**< ICV failed, delivered unless late (Check, integrity only) */
	MACSEC_RX_NOT_VALID,    /**< ICV failed, discarded: InPktsNotValid unless late */
	MACSEC_RX_UNCHECKED,    /**< not validated (Disabled): InPktsUnchecked unless late */
};

/** One frame's verdict between macsec_validate_burst_verify() and _commit(). */
struct macsec_rx_verdict {
	struct macsec_sa *sa;         /**< receive SA (NULL for DROP and DELIVER) */
	struct macsec_rx_sc *sc;
	uint64_t pn;                  /**< the frame's full PN (XPN recovered) */
	uint32_t secure_len;
	uint8_t kind;                 /**< enum macsec_rx_kind */
	uint8_t tci;
};

/**
 * A verified burst as a whole, when it is the common case: every frame's ICV verified,
 * all on one SA, PNs strictly increasing. Then the commit is one nextPN update and a few
 * counter additions, without reading the per-frame verdicts.
 */
struct macsec_rx_summary {
	struct macsec_sa *sa;         /**< NULL: not the common case, commit frame by frame */
	struct macsec_rx_sc *sc;
	uint64_t first_pn, last_pn;
	uint64_t octets_decrypted, octets_validated;
	uint16_t n;
};

/**
 * macsec_validate_burst() in two halves, for receivers that verify on several lcores
 * and keep arrival order (docs/threading.md). Verify does everything up to the
 * replay decision: SecTAG, SC/SA lookup, the replay pre-check, ICV and decryption,
 * SecTAG/ICV removal; it changes no replay state and leaves all @p n frames in place
 * with their verdicts in @p v[0, n) and, if @p sum is not NULL, their summary. Commit
 * then decides replay (10.6.2, 10.6.5) in the order given, moves nextPN, counts what
 * depends on it, and partitions the frames like macsec_validate_burst() (@p sum may be
 * NULL). Called in arrival order, the pair gives the same result as
 * macsec_validate_burst() on one lcore, whatever lcore verified which burst.
 * The SA and SC pointers in @p v and @p sum are only valid while the RCU read side
 * that covered the verify also covers the commit.
 */
void macsec_validate_burst_verify(struct macsec_secy *secy, struct macsec_lcore *lc,
				  struct rte_mbuf **pkts, uint16_t n, struct macsec_rx_verdict *v,
				  struct macsec_rx_summary *sum);
uint16_t macsec_validate_burst_commit(struct macsec_secy *secy, struct macsec_lcore *lc,
				      struct rte_mbuf **pkts, uint16_t n,
				      const struct macsec_rx_verdict *v,
				      const struct macsec_rx_summary *sum);

#endif
