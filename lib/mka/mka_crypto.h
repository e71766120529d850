/* SPDX-License-Identifier: BSD-3-Clause */
/* MKA crypto over OpenSSL 3: AES-CMAC, the 802.1X KDF and its uses, the MKPDU ICV, AES key wrap. */
#ifndef MKA_CRYPTO_H
#define MKA_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "mka_types.h"

/** One contiguous piece of a message fed to AES-CMAC. */
struct mka_iov {
	const uint8_t *p;
	size_t len;
};

/**
 * AES-CMAC (RFC 4493) over the concatenation of @p iov[0..n).
 * @param key_len 16 or 32 (AES-128 or AES-256).
 * @return 0, -EINVAL on a bad key length, -EIO if libcrypto fails.
 */
int mka_aes_cmac(const uint8_t *key, size_t key_len, const struct mka_iov *iov, size_t n,
		 uint8_t mac[16]);

/**
 * KDF of 802.1X-2020 6.2.1: AES-CMAC in counter mode,
 * block i = CMAC(key, i || label || 0x00 || context || L), L = @p out_bits (16 bits, big-endian).
 * @p out_bits must be a positive multiple of 8; output is truncated to out_bits/8 octets.
 */
int mka_kdf(const uint8_t *key, size_t key_len, const uint8_t *label, size_t label_len,
	    const uint8_t *context, size_t context_len, uint8_t *out, unsigned int out_bits);

/** CAK = KDF(MSK[0:cak_len], "IEEE8021 EAP CAK", mac1 | mac2, cak_len*8), lower MAC first 6.2.2 */
int mka_cak_from_msk(const uint8_t *msk, size_t msk_len, const uint8_t mac_a[6],
		     const uint8_t mac_b[6], uint8_t *cak, size_t cak_len);
/** CKN = KDF(MSK[0:key_len], "IEEE8021 EAP CKN", Session-ID | mac1 | mac2, 128) (6.2.2). */
int mka_ckn_from_msk(const uint8_t *msk, size_t key_len, const uint8_t *session_id,
		     size_t session_id_len, const uint8_t mac_a[6], const uint8_t mac_b[6],
		     uint8_t ckn[16]);
/** ICK = KDF(CAK, "IEEE8021 ICK", CKN[0:16] zero-padded, |CAK|) (9.3.3). Output |CAK| octets. */
int mka_ick_derive(const uint8_t *cak, size_t cak_len, const uint8_t *ckn, size_t ckn_len,
		   uint8_t *ick);
/** KEK = KDF(CAK, "IEEE8021 KEK", CKN[0:16] zero-padded, |CAK|) (9.3.3). Output |CAK| octets. */
int mka_kek_derive(const uint8_t *cak, size_t cak_len, const uint8_t *ckn, size_t ckn_len,
		   uint8_t *kek);
/**
 * SAK = KDF(CAK, "IEEE8021 SAK", KS-nonce | MI-value list | KN, |SAK|) (9.8.1).
 * @p ks_nonce is @p sak_len octets; @p mi_list is @p n_mi MIs back to back; KN is big-endian.
 */
int mka_sak_derive(const uint8_t *cak, size_t cak_len, const uint8_t *ks_nonce,
		   const uint8_t *mi_list, size_t n_mi, uint32_t kn, uint8_t *sak, size_t sak_len);

/**
 * MKPDU ICV (802.1X-2020 9.4.1, 11.11): AES-CMAC with the ICK over the frame from the
 * Destination Address up to (not including) the ICV, leaving out a VLAN tag of
 * @p tag_len octets that follows the Source Address.
 * @param icv_off offset of the ICV in @p frame.
 */
int mka_icv_compute(const uint8_t *ick, size_t ick_len, const uint8_t *frame, size_t icv_off,
		    size_t tag_len, uint8_t icv[MKA_ICV_LEN]);
/** Recompute and compare in constant time. @return 0, -EBADMSG on mismatch, other -errno. */
int mka_icv_verify(const uint8_t *ick, size_t ick_len, const uint8_t *frame, size_t icv_off,
		   size_t tag_len);

/**
 * AES key wrap, RFC 3394 with the default IV A6A6A6A6A6A6A6A6.
 * @param kek_len 16, 24 or 32; @param in_len a multiple of 8, at least 16.
 * Writes in_len + 8 octets to @p out.
 */
int mka_aes_wrap(const uint8_t *kek, size_t kek_len, const uint8_t *in, size_t in_len,
		 uint8_t *out);
/**
 * AES key unwrap; the integrity check value is compared in constant time.
 * Writes in_len - 8 octets to @p out; on any failure @p out is zeroed.
 * @return 0, -EBADMSG if the check fails, -EINVAL on bad lengths, -EIO on libcrypto failure.
 */
int mka_aes_unwrap(const uint8_t *kek, size_t kek_len, const uint8_t *in, size_t in_len,
		   uint8_t *out);

/** Zero memory the compiler may not elide (OPENSSL_cleanse). */
void mka_wipe(void *p, size_t len);
/** Constant-time comparison; 0 when equal. */
int mka_ct_memcmp(const void *a, const void *b, size_t len);

#endif
