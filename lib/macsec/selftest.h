/* SPDX-License-Identifier: BSD-3-Clause */
/* Crypto self-test: IEEE 802.1AE Annex C known answers through the SecY's own burst functions. */
#ifndef MACSEC_SELFTEST_H
#define MACSEC_SELFTEST_H

#include <stddef.h>
#include <stdint.h>

#include "aead.h"

/** One known-answer case: a frame before and after protection under one SA. */
struct macsec_kat {
	const char *id;          /**< Annex C clause, e.g. "C.5.1" */
	uint8_t cs;              /**< enum macsec_cipher_suite */
	uint8_t tci;             /**< SecTAG TCI bits (SC, ES, SCB, E, C), AN masked out */
	uint8_t an;
	uint8_t key_len;         /**< 16 or 32 */
	uint8_t key[32];
	uint64_t sci;            /**< the transmitter's SCI (explicit or ES-implicit) */
	uint64_t pn;             /**< full PN (64 bits for XPN) */
	uint32_t ssci;           /**< XPN only */
	uint8_t salt[12];        /**< XPN only */
	uint16_t plain_len, prot_len;
	const uint8_t *plain;    /**< DA, SA, MSDU (EtherType onward) */
	const uint8_t *prot;     /**< DA, SA, SecTAG, secure data, ICV */
};

/** IEEE Std 802.1AE-2018 Annex C, all 32 cases (lib/macsec/selftest_vectors.c). */
extern const struct macsec_kat macsec_kat_annex_c[];
extern const size_t macsec_kat_annex_c_n;

/**
 * Run every Annex C case through engine @p e: a SecY made for the case protects the clear
 * frame with macsec_protect_burst() (SecTAG, PN, IV, AEAD, ICV) and must give the Annex C
 * frame octet for octet; then macsec_validate_burst() must refuse the frame with its last
 * ICV octet changed (counted InPktsNotValid) and deliver the intact one as the clear frame
 * (InPktsOK). Hand-built mbufs on the stack: no EAL, no mempool, nothing shared with the
 * data path, so it may run on the control lcore while workers run.
 * @return 0, with a one-line summary in @p why; or -EIO (a case failed: @p why names the
 * case and what differed, never a key or frame), -ENOMEM, -ENOTSUP (engine context).
 */
int macsec_selftest(const struct macsec_aead_engine *e, char *why, size_t why_len);

/** The same over the @p n cases of @p v (tests give corrupted tables). */
int macsec_selftest_vectors(const struct macsec_aead_engine *e, const struct macsec_kat *v,
			    size_t n, char *why, size_t why_len);

#endif
