/* SPDX-License-Identifier: BSD-3-Clause */
/* AES-CMAC over OpenSSL 3 EVP_MAC and the MKPDU ICV computed with it (802.1X-2020 9.4.1). */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "mka_crypto.h"

void mka_wipe(void *p, size_t len)
{
	if (p && len)
		OPENSSL_cleanse(p, len);
}

int mka_ct_memcmp(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len);
}

int mka_aes_cmac(const uint8_t *key, size_t key_len, const struct mka_iov *iov, size_t n,
		 uint8_t mac[16])
{
	EVP_MAC *alg = NULL;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	const char *cipher;
	size_t out_len = 0;
	int rc = -EIO;

	if (key_len == 16)
		cipher = "AES-128-CBC";
	else if (key_len == 32)
		cipher = "AES-256-CBC";
	else
		return -EINVAL;

	alg = EVP_MAC_fetch(NULL, "CMAC", NULL);
	if (!alg)
		goto out;
	ctx = EVP_MAC_CTX_new(alg);
	if (!ctx)
		goto out;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, (char *)cipher, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, key, key_len, params))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (iov[i].len && !EVP_MAC_update(ctx, iov[i].p, iov[i].len))
			goto out;
	if (!EVP_MAC_final(ctx, mac, &out_len, 16) || out_len != 16)
		goto out;
	rc = 0;
out:
	if (rc)
		mka_wipe(mac, 16);
	EVP_MAC_CTX_free(ctx);   /* cleanses the expanded key */
	EVP_MAC_free(alg);
	return rc;
}

int mka_icv_compute(const uint8_t *ick, size_t ick_len, const uint8_t *frame, size_t icv_off,
		    size_t tag_len, uint8_t icv[MKA_ICV_LEN])
{
	/* 802.1X-2020 9.4.1: the ICV covers the frame from the Destination Address to the
	 * octet before the ICV. Our reading for a VLAN-tagged MKPDU: the tag is not covered,
	 * as a bridge may add or strip it in transit (see docs/conformance.md). */
	struct mka_iov iov[2];

	if (icv_off < 12 + tag_len + 2)
		return -EINVAL;
	iov[0].p = frame;
	iov[0].len = 12;
	iov[1].p = frame + 12 + tag_len;
	iov[1].len = icv_off - 12 - tag_len;
	return mka_aes_cmac(ick, ick_len, iov, 2, icv);
}

int mka_icv_verify(const uint8_t *ick, size_t ick_len, const uint8_t *frame, size_t icv_off,
		   size_t tag_len)
{
	uint8_t icv[MKA_ICV_LEN];
	int rc;

	rc = mka_icv_compute(ick, ick_len, frame, icv_off, tag_len, icv);
	if (rc == 0 && mka_ct_memcmp(icv, frame + icv_off, MKA_ICV_LEN) != 0)
		rc = -EBADMSG;
	mka_wipe(icv, sizeof(icv));
	return rc;
}
