/* SPDX-License-Identifier: BSD-3-Clause */
/* OpenSSL EVP AES-GCM engine: the reference the fast engine is tested against. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "aead.h"
#include "keymem.h"

struct macsec_aead_key {
	const EVP_CIPHER *cipher;
	size_t len;
	uint8_t key[32];
};

static int ossl_probe(void)
{
	return 0;
}

static int ossl_key_init(struct macsec_aead_key **out, const uint8_t *key, size_t key_len)
{
	struct macsec_aead_key *k;

	if (key_len != 16 && key_len != 32)
		return -EINVAL;
	k = macsec_keymem_alloc(sizeof(*k));    /* the raw key: locked, never dumped */
	if (k == NULL)
		return -ENOMEM;
	k->cipher = key_len == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
	k->len = key_len;
	memcpy(k->key, key, key_len);
	*out = k;
	return 0;
}

static void ossl_key_free(struct macsec_aead_key *k)
{
	macsec_keymem_free(k);                  /* wipes; NULL is fine */
}

static int ossl_lcore_init(void **lctx)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();

	if (ctx == NULL)
		return -ENOMEM;
	*lctx = ctx;
	return 0;
}

static void ossl_lcore_free(void *lctx)
{
	EVP_CIPHER_CTX_free(lctx);
}

/* One GCM operation; the key schedule is expanded per call (reference, not speed). */
static int ossl_one(EVP_CIPHER_CTX *ctx, struct macsec_aead_op *op, int enc)
{
	uint8_t tag[MACSEC_AEAD_TAG_LEN];
	int outl, ok;

	ok = EVP_CipherInit_ex(ctx, op->key->cipher, NULL, NULL, NULL, enc) &&
	     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) &&
	     EVP_CipherInit_ex(ctx, NULL, NULL, op->key->key, op->iv, enc);
	if (ok && op->aad_len > 0)
		ok = EVP_CipherUpdate(ctx, NULL, &outl, op->aad, (int)op->aad_len);
	if (ok && op->data_len > 0)
		ok = EVP_CipherUpdate(ctx, op->data, &outl, op->data, (int)op->data_len);
	if (!ok)
		return -EIO;
	if (enc) {
		ok = EVP_CipherFinal_ex(ctx, tag, &outl) &&
		     EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, MACSEC_AEAD_TAG_LEN, op->tag);
		return ok ? 0 : -EIO;
	}
	memcpy(tag, op->tag, sizeof(tag));
	ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, MACSEC_AEAD_TAG_LEN, tag) &&
	     EVP_CipherFinal_ex(ctx, tag, &outl);
	return ok ? 0 : -EBADMSG;
}

/*
 * The context keeps the last key's AES schedule and GHASH key in memory OpenSSL allocated
 * (outside key memory, so in core dumps): reset it after every burst, which cleanses and
 * frees them (OPENSSL_clear_free). The reference engine expands the key per frame anyway.
 */
static void ossl_seal_burst(void *lctx, struct macsec_aead_op *ops, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		ops[i].status = ossl_one(lctx, &ops[i], 1);
	EVP_CIPHER_CTX_reset(lctx);
}

static void ossl_open_burst(void *lctx, struct macsec_aead_op *ops, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		ops[i].status = ossl_one(lctx, &ops[i], 0);
	EVP_CIPHER_CTX_reset(lctx);
}

const struct macsec_aead_engine macsec_aead_openssl = {
	.name = "openssl",
	.probe = ossl_probe,
	.key_init = ossl_key_init,
	.key_free = ossl_key_free,
	.lcore_init = ossl_lcore_init,
	.lcore_free = ossl_lcore_free,
	.seal_burst = ossl_seal_burst,
	.open_burst = ossl_open_burst,
};
