/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit-test harness for lib/macsec: SecYs per engine, frames through bursts, counter snapshots. */
#ifndef MACSEC_TEST_HARNESS_H
#define MACSEC_TEST_HARNESS_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "macsec_dp.h"
#include "secy.h"

/* The engines every data-path test runs on. */
extern const char *const th_engines[];
extern const unsigned int th_n_engines;

/* Every counter a frame can land in, flattened: SecY, summed RX SC, summed RX SA, summed TX SA. */
enum th_ctr {
	TH_IN_UNTAGGED, TH_IN_NO_TAG, TH_IN_BAD_TAG, TH_IN_UNKNOWN_SCI, TH_IN_NO_SCI,
	TH_IN_OVERRUN, TH_IN_OCTETS_VALIDATED, TH_IN_OCTETS_DECRYPTED,
	TH_OUT_UNTAGGED, TH_OUT_TOO_LONG, TH_OUT_OCTETS_PROTECTED, TH_OUT_OCTETS_ENCRYPTED,
	TH_OUT_SA_NOT_IN_USE, TH_OUT_PN_EXHAUSTED, TH_OUT_NO_ROOM, TH_OUT_RUNT,
	TH_OUT_CRYPTO_ERROR, TH_IN_NO_ROOM, TH_IN_CRYPTO_ERROR,
	TH_SC_LATE, TH_SC_DELAYED, TH_SC_UNCHECKED, TH_SC_OK, TH_SC_INVALID, TH_SC_NOT_VALID,
	TH_SC_NOT_USING_SA, TH_SC_UNUSED_SA,
	TH_SA_OK, TH_SA_INVALID, TH_SA_NOT_VALID, TH_SA_NOT_USING_SA, TH_SA_UNUSED_SA,
	TH_TXSA_PROTECTED, TH_TXSA_ENCRYPTED, TH_TXSC_PROTECTED, TH_TXSC_ENCRYPTED,
	TH_NCTR
};

struct th_snap {
	uint64_t v[TH_NCTR];
};

extern const char *const th_ctr_names[TH_NCTR];

/** The counter named as in docs/counters.md ("InPktsLate", "SA.InPktsOK", ...), or -1. */
int th_ctr_by_name(const char *name);
void th_snap_take(const struct macsec_secy *secy, struct th_snap *s);
/**
 * Packet counters that moved between @p a and @p b, as "Name+N Name+N" (octet
 * counters left out) into @p out; returns @p out.
 */
const char *th_snap_diff(const struct th_snap *a, const struct th_snap *b, char *out, size_t cap);

/** The mempool the tests use (EAL started on first call); 9000-octet frames fit in one mbuf. */
struct rte_mempool *th_pool(void);

/** A SecY on @p engine with the given conf; per-lcore context in @p lc (worker 0). */
struct macsec_secy *th_secy_new(const char *engine, const struct macsec_secy_conf *conf,
				struct macsec_lcore *lc);
void th_secy_free(struct macsec_secy *secy, struct macsec_lcore *lc);
/** A conf with the defaults a test starts from: strict, replay on (window 0), encrypt, SCI. */
void th_conf_default(struct macsec_secy_conf *c, enum macsec_cipher_suite cs);

/**
 * Run one frame through protect (@p tx true) or validate; @p seg_len 0 = one segment.
 * Returns the output length (copied into @p out) or -1 when the frame was dropped.
 */
int th_run(struct macsec_secy *secy, struct macsec_lcore *lc, bool tx, const uint8_t *in,
	   uint32_t len, uint32_t seg_len, uint8_t *out, size_t cap);

/** Parse hex (no separators); returns octets or -1. */
int th_hex(const char *hex, uint8_t *out, size_t cap);

#endif
