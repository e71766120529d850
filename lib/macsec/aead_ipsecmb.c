/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * intel-ipsec-mb AES-GCM engines. "ipsec-mb" uses the job burst API
 * (IMB_SUBMIT_BURST), the library's fastest path for many small frames;
 * "ipsec-mb-direct" uses the direct one-shot GCM calls. Both keep one IMB_MGR
 * per lcore and share the key object (expanded keys + GHASH tables).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <intel-ipsec-mb.h>

#include "aead.h"
#include "keymem.h"

struct macsec_aead_key {
	struct gcm_key_data gkd;   /* first: needs 64-octet alignment */
	uint32_t len;
};

struct imb_lctx {
	IMB_MGR *mgr;
	uint8_t tags[MACSEC_AEAD_MAX_BURST][MACSEC_AEAD_TAG_LEN];
};

static IMB_MGR *imb_mgr_new(void)
{
	IMB_MGR *mgr = alloc_mb_mgr(0);

	if (mgr == NULL)
		return NULL;
	init_mb_mgr_auto(mgr, NULL);
	if (imb_get_errno(mgr) != 0) {
		free_mb_mgr(mgr);
		return NULL;
	}
	return mgr;
}

static int imb_probe(void)
{
	IMB_MGR *mgr = imb_mgr_new();

	if (mgr == NULL)
		return -ENOTSUP;
	free_mb_mgr(mgr);
	return 0;
}

static int imb_key_init(struct macsec_aead_key **out, const uint8_t *key, size_t key_len)
{
	struct macsec_aead_key *k;
	IMB_MGR *mgr;

	if (key_len != 16 && key_len != 32)
		return -EINVAL;
	/* The GHASH tables depend on the code path the manager picked: every
	 * manager on one machine picks the same, so a fresh one is equivalent. */
	mgr = imb_mgr_new();
	if (mgr == NULL)
		return -ENOTSUP;
	/* Round keys (the first is the key itself) and GHASH tables: locked, never dumped. */
	_Static_assert(MACSEC_KEYMEM_ALIGN >= 64, "gcm_key_data needs 64-octet alignment");
	k = macsec_keymem_alloc(sizeof(*k));
	if (k == NULL) {
		free_mb_mgr(mgr);
		return -ENOMEM;
	}
	if (key_len == 16)
		IMB_AES128_GCM_PRE(mgr, key, &k->gkd);
	else
		IMB_AES256_GCM_PRE(mgr, key, &k->gkd);
	k->len = (uint32_t)key_len;
	free_mb_mgr(mgr);
	*out = k;
	return 0;
}

static void imb_key_free(struct macsec_aead_key *k)
{
	macsec_keymem_free(k);                  /* wipes; NULL is fine */
}

static int imb_lcore_init(void **lctx)
{
	struct imb_lctx *c = aligned_alloc(64, (sizeof(*c) + 63) & ~(size_t)63);

	if (c == NULL)
		return -ENOMEM;
	c->mgr = imb_mgr_new();
	if (c->mgr == NULL) {
		free(c);
		return -ENOTSUP;
	}
	*lctx = c;
	return 0;
}

static void imb_lcore_free(void *lctx)
{
	struct imb_lctx *c = lctx;

	if (c == NULL)
		return;
	free_mb_mgr(c->mgr);
	macsec_wipe(c->tags, sizeof(c->tags));
	free(c);
}

static void imb_job_fill(IMB_JOB *job, struct macsec_aead_op *op, uint8_t *tag_out, int enc)
{
	job->cipher_mode = IMB_CIPHER_GCM;
	job->hash_alg = IMB_AUTH_AES_GMAC;
	job->cipher_direction = enc ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
	job->chain_order = enc ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
	job->enc_keys = &op->key->gkd;
	job->dec_keys = &op->key->gkd;
	job->key_len_in_bytes = op->key->len;
	job->src = op->data;
	job->dst = op->data;
	job->cipher_start_src_offset_in_bytes = 0;
	job->msg_len_to_cipher_in_bytes = op->data_len;
	job->hash_start_src_offset_in_bytes = 0;
	job->msg_len_to_hash_in_bytes = op->data_len;
	job->iv = op->iv;
	job->iv_len_in_bytes = 12;
	job->u.GCM.aad = op->aad;
	job->u.GCM.aad_len_in_bytes = op->aad_len;
	job->auth_tag_output = tag_out;
	job->auth_tag_output_len_in_bytes = MACSEC_AEAD_TAG_LEN;
	job->user_data = op;
}

static void imb_burst(struct imb_lctx *c, struct macsec_aead_op *ops, unsigned int n, int enc)
{
	IMB_JOB *jobs[MACSEC_AEAD_MAX_BURST];
	unsigned int got, done, i;

	got = IMB_GET_NEXT_BURST(c->mgr, n, jobs);
	if (got < n) {
		/* The queue holds leftovers: drain them, then ask again. */
		IMB_FLUSH_BURST(c->mgr, MACSEC_AEAD_MAX_BURST, jobs);
		got = IMB_GET_NEXT_BURST(c->mgr, n, jobs);
	}
	if (got < n) {
		for (i = 0; i < n; i++)
			ops[i].status = -EBUSY;
		return;
	}
	for (i = 0; i < n; i++)
		imb_job_fill(jobs[i], &ops[i], enc ? ops[i].tag : c->tags[i], enc);
	/*
	 * Every job is filled here from ops the library built itself, so intel-ipsec-mb's own
	 * per-job check is redundant (~28 cycles a frame); debug builds, which the sanitizer
	 * test run uses, keep it.
	 */
#ifdef NDEBUG
	done = IMB_SUBMIT_BURST_NOCHECK(c->mgr, n, jobs);
#else
	done = IMB_SUBMIT_BURST(c->mgr, n, jobs);
#endif
	if (done < n)
		done += IMB_FLUSH_BURST(c->mgr, n - done, jobs + done);
	for (i = 0; i < n; i++)
		ops[i].status = -EIO;
	for (i = 0; i < done; i++) {
		struct macsec_aead_op *op = jobs[i]->user_data;

		if (jobs[i]->status != IMB_STATUS_COMPLETED)
			continue;
		if (enc)
			op->status = 0;
		else
			op->status = macsec_ct_tag_differs(jobs[i]->auth_tag_output, op->tag) ?
				     -EBADMSG : 0;
	}
}

static void imb_seal_burst(void *lctx, struct macsec_aead_op *ops, unsigned int n)
{
	imb_burst(lctx, ops, n, 1);
}

static void imb_open_burst(void *lctx, struct macsec_aead_op *ops, unsigned int n)
{
	imb_burst(lctx, ops, n, 0);
}

const struct macsec_aead_engine macsec_aead_ipsecmb = {
	.name = "ipsec-mb",
	.probe = imb_probe,
	.key_init = imb_key_init,
	.key_free = imb_key_free,
	.lcore_init = imb_lcore_init,
	.lcore_free = imb_lcore_free,
	.seal_burst = imb_seal_burst,
	.open_burst = imb_open_burst,
};

/* Direct API: one call per frame, no job queue. */
static void imb_direct(struct imb_lctx *c, struct macsec_aead_op *ops, unsigned int n, int enc)
{
	struct gcm_context_data ctx;
	uint8_t tag[MACSEC_AEAD_TAG_LEN];

	for (unsigned int i = 0; i < n; i++) {
		struct macsec_aead_op *op = &ops[i];
		const struct gcm_key_data *k = &op->key->gkd;
		uint8_t *t = enc ? op->tag : tag;

		if (op->key->len == 16 && enc)
			IMB_AES128_GCM_ENC(c->mgr, k, &ctx, op->data, op->data, op->data_len, op->iv,
					   op->aad, op->aad_len, t, MACSEC_AEAD_TAG_LEN);
		else if (op->key->len == 16)
			IMB_AES128_GCM_DEC(c->mgr, k, &ctx, op->data, op->data, op->data_len, op->iv,
					   op->aad, op->aad_len, t, MACSEC_AEAD_TAG_LEN);
		else if (enc)
			IMB_AES256_GCM_ENC(c->mgr, k, &ctx, op->data, op->data, op->data_len, op->iv,
					   op->aad, op->aad_len, t, MACSEC_AEAD_TAG_LEN);
		else
			IMB_AES256_GCM_DEC(c->mgr, k, &ctx, op->data, op->data, op->data_len, op->iv,
					   op->aad, op->aad_len, t, MACSEC_AEAD_TAG_LEN);
		op->status = enc || !macsec_ct_tag_differs(tag, op->tag) ? 0 : -EBADMSG;
	}
	macsec_wipe(&ctx, sizeof(ctx));
}

static void imb_direct_seal_burst(void *lctx, struct macsec_aead_op *ops, unsigned int n)
{
	imb_direct(lctx, ops, n, 1);
}

static void imb_direct_open_burst(void *lctx, struct macsec_aead_op *ops, unsigned int n)
{
	imb_direct(lctx, ops, n, 0);
}

const struct macsec_aead_engine macsec_aead_ipsecmb_direct = {
	.name = "ipsec-mb-direct",
	.probe = imb_probe,
	.key_init = imb_key_init,
	.key_free = imb_key_free,
	.lcore_init = imb_lcore_init,
	.lcore_free = imb_lcore_free,
	.seal_burst = imb_direct_seal_burst,
	.open_burst = imb_direct_open_burst,
};
