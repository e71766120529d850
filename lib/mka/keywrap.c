/* SPDX-License-Identifier: BSD-3-Clause */
/* AES key wrap and unwrap (RFC 3394 2.2.1/2.2.2) on AES-ECB, with a constant-time IV check. */
#include <errno.h>
#include <string.h>

#include <openssl/evp.h>

#include "be.h"
#include "mka_crypto.h"

#define WRAP_MAX_DATA 256u   /* largest key data we wrap; a SAK or CAK is 16 or 32 */

static const uint8_t wrap_iv[8] = { 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6 };

static const char *ecb_name(size_t kek_len)
{
	switch (kek_len) {
	case 16: return "AES-128-ECB";
	case 24: return "AES-192-ECB";
	case 32: return "AES-256-ECB";
	default: return NULL;
	}
}

/* One ECB context for the whole wrap: the key schedule is expanded once and cleansed on free. */
static EVP_CIPHER_CTX *ecb_open(const uint8_t *kek, size_t kek_len, int enc)
{
	EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, ecb_name(kek_len), NULL);
	EVP_CIPHER_CTX *ctx = cipher ? EVP_CIPHER_CTX_new() : NULL;

	if (ctx && (!EVP_CipherInit_ex2(ctx, cipher, kek, NULL, enc, NULL) ||
		    !EVP_CIPHER_CTX_set_padding(ctx, 0))) {
		EVP_CIPHER_CTX_free(ctx);
		ctx = NULL;
	}
	EVP_CIPHER_free(cipher);
	return ctx;
}

static int ecb_block(EVP_CIPHER_CTX *ctx, const uint8_t in[16], uint8_t out[16])
{
	int out_len = 0;

	if (!EVP_CipherUpdate(ctx, out, &out_len, in, 16) || out_len != 16)
		return -EIO;
	return 0;
}

static void xor_t(uint8_t a[8], uint64_t t)
{
	uint8_t tb[8];

	mka_be64_store(tb, t);
	for (unsigned int k = 0; k < 8; k++)
		a[k] ^= tb[k];
}

int mka_aes_wrap(const uint8_t *kek, size_t kek_len, const uint8_t *in, size_t in_len,
		 uint8_t *out)
{
	uint8_t b[16], a[8], r[WRAP_MAX_DATA];
	size_t n = in_len / 8;
	EVP_CIPHER_CTX *ctx;
	int rc = 0;

	if (!ecb_name(kek_len) || in_len < 16 || in_len % 8 || in_len > WRAP_MAX_DATA)
		return -EINVAL;
	ctx = ecb_open(kek, kek_len, 1);
	if (!ctx)
		return -EIO;
	memcpy(a, wrap_iv, 8);
	memcpy(r, in, in_len);
	for (uint64_t j = 0; j <= 5 && rc == 0; j++) {
		for (size_t i = 1; i <= n; i++) {
			memcpy(b, a, 8);
			memcpy(b + 8, r + (i - 1) * 8, 8);
			rc = ecb_block(ctx, b, b);
			if (rc)
				break;
			memcpy(a, b, 8);
			xor_t(a, n * j + i);
			memcpy(r + (i - 1) * 8, b + 8, 8);
		}
	}
	if (rc == 0) {
		memcpy(out, a, 8);
		memcpy(out + 8, r, in_len);
	}
	EVP_CIPHER_CTX_free(ctx);
	mka_wipe(b, sizeof(b));
	mka_wipe(r, in_len);
	return rc;
}

int mka_aes_unwrap(const uint8_t *kek, size_t kek_len, const uint8_t *in, size_t in_len,
		   uint8_t *out)
{
	uint8_t b[16], a[8], r[WRAP_MAX_DATA];
	size_t n = in_len / 8 - 1;
	EVP_CIPHER_CTX *ctx;
	int rc = 0;

	if (!ecb_name(kek_len) || in_len < 24 || in_len % 8 || in_len - 8 > WRAP_MAX_DATA)
		return -EINVAL;
	ctx = ecb_open(kek, kek_len, 0);
	if (!ctx)
		return -EIO;
	memcpy(a, in, 8);
	memcpy(r, in + 8, in_len - 8);
	for (uint64_t j = 6; j-- > 0 && rc == 0;) {
		for (size_t i = n; i >= 1; i--) {
			memcpy(b, a, 8);
			xor_t(b, n * j + i);
			memcpy(b + 8, r + (i - 1) * 8, 8);
			rc = ecb_block(ctx, b, b);
			if (rc)
				break;
			memcpy(a, b, 8);
			memcpy(r + (i - 1) * 8, b + 8, 8);
		}
	}
	/* RFC 3394 2.2.3: the recovered IV must equal the default; compare in constant time
	 * so the check says nothing about how much of the key data was right. */
	if (rc == 0 && mka_ct_memcmp(a, wrap_iv, 8) != 0)
		rc = -EBADMSG;
	if (rc == 0)
		memcpy(out, r, in_len - 8);
	else
		mka_wipe(out, in_len - 8);
	EVP_CIPHER_CTX_free(ctx);
	mka_wipe(b, sizeof(b));
	mka_wipe(a, sizeof(a));
	mka_wipe(r, in_len - 8);
	return rc;
}
