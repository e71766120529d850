/* SPDX-License-Identifier: BSD-3-Clause */
/* The 802.1X-2020 6.2.1 KDF and what MKA derives with it: CAK/CKN from an MSK, ICK, KEK, SAK. */
#include <errno.h>
#include <string.h>

#include "be.h"
#include "mka_crypto.h"

/* Longest KDF context we build: an EAP Session-ID (at most 255 octets here) and two MACs,
 * or a SAK context with a nonce, MKA_MAX_PEERS + 1 MIs and a KN. */
#define KDF_CONTEXT_MAX (32u + (MKA_MAX_PEERS + 1u) * MKA_MI_LEN + 4u)
#define KDF_SESSION_ID_MAX 255u

int mka_kdf(const uint8_t *key, size_t key_len, const uint8_t *label, size_t label_len,
	    const uint8_t *context, size_t context_len, uint8_t *out, unsigned int out_bits)
{
	uint8_t counter, zero = 0, l_be[2], block[16];
	struct mka_iov iov[5];
	unsigned int n, done = 0, out_len;
	int rc = 0;

	if ((key_len != 16 && key_len != 32) || out_bits == 0 || out_bits % 8 || out_bits > 0xffff)
		return -EINVAL;
	out_len = out_bits / 8;
	n = (out_len + 15) / 16;
	if (n > 255)   /* r = 8 bits of counter (6.2.1) */
		return -EINVAL;
	mka_be16_store(l_be, (uint16_t)out_bits);
	iov[0] = (struct mka_iov){ &counter, 1 };
	iov[1] = (struct mka_iov){ label, label_len };
	iov[2] = (struct mka_iov){ &zero, 1 };
	iov[3] = (struct mka_iov){ context, context_len };
	iov[4] = (struct mka_iov){ l_be, 2 };
	for (unsigned int i = 1; i <= n; i++) {
		unsigned int take = out_len - done < 16 ? out_len - done : 16;

		counter = (uint8_t)i;
		rc = mka_aes_cmac(key, key_len, iov, 5, block);
		if (rc)
			break;
		memcpy(out + done, block, take);
		done += take;
	}
	mka_wipe(block, sizeof(block));
	if (rc)
		mka_wipe(out, out_len);
	return rc;
}

static void macs_ordered(const uint8_t a[6], const uint8_t b[6], uint8_t out[12])
{
	/* 802.1X-2020 6.2.2: the numerically lower MAC address first */
	const uint8_t *lo = memcmp(a, b, 6) <= 0 ? a : b;
	const uint8_t *hi = lo == a ? b : a;

	memcpy(out, lo, 6);
	memcpy(out + 6, hi, 6);
}

int mka_cak_from_msk(const uint8_t *msk, size_t msk_len, const uint8_t mac_a[6],
		     const uint8_t mac_b[6], uint8_t *cak, size_t cak_len)
{
	static const char label[] = "IEEE8021 EAP CAK";
	uint8_t context[12];

	if ((cak_len != 16 && cak_len != 32) || msk_len < cak_len)
		return -EINVAL;
	macs_ordered(mac_a, mac_b, context);
	return mka_kdf(msk, cak_len, (const uint8_t *)label, sizeof(label) - 1, context,
		       sizeof(context), cak, (unsigned int)cak_len * 8);
}

int mka_ckn_from_msk(const uint8_t *msk, size_t key_len, const uint8_t *session_id,
		     size_t session_id_len, const uint8_t mac_a[6], const uint8_t mac_b[6],
		     uint8_t ckn[16])
{
	static const char label[] = "IEEE8021 EAP CKN";
	uint8_t context[KDF_SESSION_ID_MAX + 12];

	if ((key_len != 16 && key_len != 32) || session_id_len > KDF_SESSION_ID_MAX)
		return -EINVAL;
	memcpy(context, session_id, session_id_len);
	macs_ordered(mac_a, mac_b, context + session_id_len);
	return mka_kdf(msk, key_len, (const uint8_t *)label, sizeof(label) - 1, context,
		       session_id_len + 12, ckn, 128);
}

static int derive_from_cak(const char *label, const uint8_t *cak, size_t cak_len,
			   const uint8_t *ckn, size_t ckn_len, uint8_t *out)
{
	/* 802.1X-2020 9.3.3: context = the first 16 octets of the CKN, null-padded if shorter */
	uint8_t context[16] = { 0 };

	if (cak_len != 16 && cak_len != 32)
		return -EINVAL;
	if (ckn_len == 0 || ckn_len > MKA_CKN_MAX)
		return -EINVAL;
	memcpy(context, ckn, ckn_len < 16 ? ckn_len : 16);
	return mka_kdf(cak, cak_len, (const uint8_t *)label, strlen(label), context,
		       sizeof(context), out, (unsigned int)cak_len * 8);
}

int mka_ick_derive(const uint8_t *cak, size_t cak_len, const uint8_t *ckn, size_t ckn_len,
		   uint8_t *ick)
{
	return derive_from_cak("IEEE8021 ICK", cak, cak_len, ckn, ckn_len, ick);
}

int mka_kek_derive(const uint8_t *cak, size_t cak_len, const uint8_t *ckn, size_t ckn_len,
		   uint8_t *kek)
{
	return derive_from_cak("IEEE8021 KEK", cak, cak_len, ckn, ckn_len, kek);
}

int mka_sak_derive(const uint8_t *cak, size_t cak_len, const uint8_t *ks_nonce,
		   const uint8_t *mi_list, size_t n_mi, uint32_t kn, uint8_t *sak, size_t sak_len)
{
	static const char label[] = "IEEE8021 SAK";
	uint8_t context[KDF_CONTEXT_MAX];
	size_t off = 0;
	int rc;

	if ((sak_len != 16 && sak_len != 32) || n_mi > MKA_MAX_PEERS + 1u)
		return -EINVAL;
	memcpy(context, ks_nonce, sak_len);
	off += sak_len;
	memcpy(context + off, mi_list, n_mi * MKA_MI_LEN);
	off += n_mi * MKA_MI_LEN;
	mka_be32_store(context + off, kn);
	off += 4;
	rc = mka_kdf(cak, cak_len, (const uint8_t *)label, sizeof(label) - 1, context, off, sak,
		     (unsigned int)sak_len * 8);
	mka_wipe(context, off);   /* holds the KS nonce */
	return rc;
}
