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

#endif
