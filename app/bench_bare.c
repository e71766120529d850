/* SPDX-License-Identifier: BSD-3-Clause */
/* macsec-bench: the references, bare intel-ipsec-mb AES-GCM (job burst API and direct API) on our buffers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <intel-ipsec-mb.h>
#include <rte_branch_prediction.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "bench.h"
#include "sectag.h"

/*
 * Where the AEAD works for frame @p m of clear length @p len, exactly as
 * lib/macsec lays it out (no clear tags, confidentiality offset 0):
 * protect  [DA SA][SecTAG][data][ICV] built with DA at mtod - tl;
 * validate the protected frame at mtod. The IV is rebuilt from the PN.
 */
struct bare_op {
	const uint8_t *aad;
	uint8_t *data;
	uint8_t *icv;          /* protect: ICV out; validate: received ICV */
	uint32_t data_len;
	uint8_t iv[MACSEC_IV_LEN];
};

static inline void bare_op_make(const struct bench_row *r, struct rte_mbuf *m, uint32_t len,
				struct bare_op *op)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);

	if (r->dir == DIR_PROTECT) {
		op->aad = p - r->tl;
		op->data = p + MACSEC_ETH_ADDRS_LEN;
		op->icv = p + len;
	} else {
		op->aad = p;
		op->data = p + MACSEC_ETH_ADDRS_LEN + r->tl;
		op->icv = p + r->tl + len;
	}
	op->data_len = len - MACSEC_ETH_ADDRS_LEN;
}

static inline void bare_iv_make(const struct bench_row *r, uint8_t iv[MACSEC_IV_LEN],
				const struct bare_op *op, uint64_t *pn)
{
	/* Validate: the PN the frame carries (PNs stay below 2^32 here, so XPN's high half is 0). */
	uint64_t p = r->dir == DIR_PROTECT ? (*pn)++ :
		     macsec_get_be32(op->aad + MACSEC_ETH_ADDRS_LEN + 4);

	if (r->xpn)
		macsec_iv_make_xpn(iv, r->ssci, p, r->salt);
	else
		macsec_iv_make(iv, r->tx_sci, (uint32_t)p);
}

/*
 * First pass over a burst, as any good caller does (and lib/macsec's passes do):
 * find every frame, start loading it and write its IV, so the crypto neither
 * waits on L3 nor stalls reading an IV still in the store buffer (writing each
 * IV just before its IMB_AES128_GCM_ENC cost ~40 cycles a 64 B frame on the
 * Zen 5 machine docs/performance.md was first made on: 22 instead of 35 Mpps).
 */
static inline void bare_ops_make(const struct bench_row *r, uint32_t first, struct bare_op *ops,
				 uint64_t *pn)
{
	for (uint32_t j = 0; j < BURST; j++) {
		bare_op_make(r, r->m[first + j], r->len[first + j], &ops[j]);
		rte_prefetch0(ops[j].aad);
		rte_prefetch0(ops[j].data);
		bare_iv_make(r, ops[j].iv, &ops[j], pn);
	}
}

static int bare_tags_check(uint8_t (*tags)[MACSEC_ICV_LEN], const uint8_t *const *want,
			   unsigned int n, const char *what)
{
	for (unsigned int j = 0; j < n; j++) {
		if (memcmp(tags[j], want[j], MACSEC_ICV_LEN) != 0) {
			fprintf(stderr, "macsec-bench: bare %s computed an ICV that differs from ours: "
				"the reference does not do the same work\n", what);
			return -EIO;
		}
	}
	return 0;
}

/* Timed: the ipsec-mb job burst API, filled the way any caller must fill it. */
int bench_run_bare_burst(struct bench_row *r, struct bench_worker *w, uint64_t *cycles)
{
	const bool enc = r->dir == DIR_PROTECT;
	IMB_JOB *jobs[BURST];
	struct bare_op ops[BURST];
	uint8_t tags[BURST][MACSEC_ICV_LEN];
	const uint8_t *want[BURST];
	uint64_t cyc = 0, t0, t1;
	uint32_t got = BURST, done = BURST;

	for (uint32_t i = 0; i < w->n; i += BURST) {
		t0 = rte_rdtsc_precise();
		got = IMB_GET_NEXT_BURST(w->mgr, BURST, jobs);
		if (got < BURST) {
			IMB_FLUSH_BURST(w->mgr, BURST, jobs);
			got = IMB_GET_NEXT_BURST(w->mgr, BURST, jobs);
		}
		if (unlikely(got < BURST))
			break;
		bare_ops_make(r, w->first + i, ops, &w->bare_pn);
		for (uint32_t j = 0; j < BURST; j++) {
			IMB_JOB *job = jobs[j];
			const struct bare_op *op = &ops[j];

			job->cipher_mode = IMB_CIPHER_GCM;
			job->hash_alg = IMB_AUTH_AES_GMAC;
			job->cipher_direction = enc ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
			job->chain_order = enc ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
			job->enc_keys = r->bare_key;
			job->dec_keys = r->bare_key;
			job->key_len_in_bytes = r->key_len;
			job->src = op->data;
			job->dst = op->data;
			job->cipher_start_src_offset_in_bytes = 0;
			job->msg_len_to_cipher_in_bytes = op->data_len;
			job->hash_start_src_offset_in_bytes = 0;
			job->msg_len_to_hash_in_bytes = op->data_len;
			job->iv = op->iv;
			job->iv_len_in_bytes = MACSEC_IV_LEN;
			job->u.GCM.aad = op->aad;
			job->u.GCM.aad_len_in_bytes = MACSEC_ETH_ADDRS_LEN + r->tl;
			job->auth_tag_output = enc ? op->icv : tags[j];
			job->auth_tag_output_len_in_bytes = MACSEC_ICV_LEN;
			job->user_data = op->icv;
		}
		done = IMB_SUBMIT_BURST(w->mgr, BURST, jobs);
		if (done < BURST)
			done += IMB_FLUSH_BURST(w->mgr, BURST - done, jobs + done);
		t1 = rte_rdtsc_precise();
		cyc += t1 - t0;
		if (done != BURST)
			break;
		for (uint32_t j = 0; j < BURST; j++) {
			if (jobs[j]->status != IMB_STATUS_COMPLETED)
				done = 0;
			want[j] = jobs[j]->user_data;
			if (!enc && jobs[j]->auth_tag_output != tags[j])
				done = 0;   /* GCM completes in order; anything else is a surprise */
		}
		if (done != BURST)
			break;
		if (!enc && bare_tags_check(tags, want, BURST, "burst") < 0)
			return -EIO;
	}
	if (got < BURST || done != BURST) {
		fprintf(stderr, "macsec-bench: bare ipsec-mb burst failed (got %u, done %u, errno %d)\n",
			got, done, imb_get_errno(w->mgr));
		return -EIO;
	}
	*cycles = cyc;
	return 0;
}

/* Timed: the ipsec-mb direct API, one call per frame (second reference). */
int bench_run_bare_direct(struct bench_row *r, struct bench_worker *w, uint64_t *cycles)
{
	const bool enc = r->dir == DIR_PROTECT;
	struct gcm_context_data ctx;
	uint8_t tags[BURST][MACSEC_ICV_LEN];
	const uint8_t *want[BURST];
	struct bare_op ops[BURST];
	const struct gcm_key_data *k = r->bare_key;
	const uint64_t aad_len = MACSEC_ETH_ADDRS_LEN + r->tl;
	uint64_t cyc = 0, t0, t1;

	for (uint32_t i = 0; i < w->n; i += BURST) {
		t0 = rte_rdtsc_precise();
		bare_ops_make(r, w->first + i, ops, &w->bare_pn);
		for (uint32_t j = 0; j < BURST; j++) {
			struct bare_op *op = &ops[j];

			want[j] = op->icv;
			if (r->key_len == 16 && enc)
				IMB_AES128_GCM_ENC(w->mgr, k, &ctx, op->data, op->data, op->data_len, op->iv,
						   op->aad, aad_len, op->icv, MACSEC_ICV_LEN);
			else if (r->key_len == 16)
				IMB_AES128_GCM_DEC(w->mgr, k, &ctx, op->data, op->data, op->data_len, op->iv,
						   op->aad, aad_len, tags[j], MACSEC_ICV_LEN);
			else if (enc)
				IMB_AES256_GCM_ENC(w->mgr, k, &ctx, op->data, op->data, op->data_len, op->iv,
						   op->aad, aad_len, op->icv, MACSEC_ICV_LEN);
			else
				IMB_AES256_GCM_DEC(w->mgr, k, &ctx, op->data, op->data, op->data_len, op->iv,
						   op->aad, aad_len, tags[j], MACSEC_ICV_LEN);
		}
		t1 = rte_rdtsc_precise();
		cyc += t1 - t0;
		if (!enc && bare_tags_check(tags, want, BURST, "direct") < 0)
			return -EIO;
	}
	macsec_wipe(&ctx, sizeof(ctx));
	*cycles = cyc;
	return 0;
}
