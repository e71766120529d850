/* SPDX-License-Identifier: BSD-3-Clause */
/* IEEE 802.1AE-2018 clause 10.7 counters, one block per worker, summed when read. */
#ifndef MACSEC_STATS_H
#define MACSEC_STATS_H

#include <stdint.h>

#define MACSEC_CACHE_LINE 64

/** SecY counters (10.7.3 receive, 10.7.4 transmit), plus our own drops. */
struct macsec_secy_stats {
	uint64_t in_pkts_untagged;
	uint64_t in_pkts_no_tag;
	uint64_t in_pkts_bad_tag;
	uint64_t in_pkts_unknown_sci;
	uint64_t in_pkts_no_sci;
	uint64_t in_pkts_overrun;      /* never counted: software has no validation overrun */
	uint64_t in_octets_validated;
	uint64_t in_octets_decrypted;
	uint64_t out_pkts_untagged;
	uint64_t out_pkts_too_long;
	uint64_t out_octets_protected;
	uint64_t out_octets_encrypted;
	/* Transmit SC totals (10.7.7: the sums over every SA the SC ever used, which the per-SA
	 * counters cannot give once a rekey retired an SA). */
	uint64_t out_pkts_protected;
	uint64_t out_pkts_encrypted;
	/* Not in 802.1AE: frames the SecY could not send (docs/counters.md). */
	uint64_t out_pkts_sa_not_in_use; /* no transmit SA in use */
	uint64_t out_pkts_pn_exhausted;  /* transmit SA reached the PN limit */
	uint64_t out_pkts_no_room;       /* no head/tailroom and no mbuf to extend */
	uint64_t out_pkts_runt;          /* shorter than an Ethernet header */
	uint64_t out_pkts_crypto_error;  /* the AEAD engine failed (never seen in practice) */
	uint64_t in_pkts_no_room;        /* multi-segment frame larger than the bounce buffer */
	uint64_t in_pkts_crypto_error;   /* the AEAD engine failed (not an ICV mismatch) */
} __attribute__((aligned(MACSEC_CACHE_LINE)));

/** Receive SC counters (10.7.9 and the per-SC sums of 10.7.10). */
struct macsec_rx_sc_stats {
	uint64_t in_pkts_late;
	uint64_t in_pkts_delayed;
	uint64_t in_pkts_unchecked;
	uint64_t in_pkts_ok;
	uint64_t in_pkts_invalid;
	uint64_t in_pkts_not_valid;
	uint64_t in_pkts_not_using_sa;
	uint64_t in_pkts_unused_sa;
} __attribute__((aligned(MACSEC_CACHE_LINE)));

/** Receive SA counters (10.7.10). */
struct macsec_rx_sa_stats {
	uint64_t in_pkts_ok;
	uint64_t in_pkts_invalid;
	uint64_t in_pkts_not_valid;
	uint64_t in_pkts_not_using_sa;
	uint64_t in_pkts_unused_sa;
} __attribute__((aligned(MACSEC_CACHE_LINE)));

/** Transmit SA counters (10.7.7 / 10.7.8). */
struct macsec_tx_sa_stats {
	uint64_t out_pkts_protected;
	uint64_t out_pkts_encrypted;
} __attribute__((aligned(MACSEC_CACHE_LINE)));

#endif
