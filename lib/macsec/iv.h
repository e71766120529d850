/* SPDX-License-Identifier: BSD-3-Clause */
/* GCM IV construction for the four MACsec cipher suites (802.1AE-2018 14.5, 14.7). */
#ifndef MACSEC_IV_H
#define MACSEC_IV_H

#include <stdint.h>

#include "sectag.h"

#define MACSEC_IV_LEN 12u
#define MACSEC_SALT_LEN 12u

/* GCM-AES-128/256: IV = SCI (64 bits) || PN (32 bits). */
static inline void macsec_iv_make(uint8_t iv[MACSEC_IV_LEN], uint64_t sci, uint32_t pn)
{
	macsec_put_be64(iv, sci);
	macsec_put_be32(iv + 8, pn);
}

/* GCM-AES-XPN-128/256: IV = (SSCI (32) || PN (64)) XOR Salt (96). */
static inline void macsec_iv_make_xpn(uint8_t iv[MACSEC_IV_LEN], uint32_t ssci, uint64_t pn,
				      const uint8_t salt[MACSEC_SALT_LEN])
{
	macsec_put_be32(iv, ssci);
	macsec_put_be64(iv + 4, pn);
	for (unsigned int i = 0; i < MACSEC_IV_LEN; i++)
		iv[i] ^= salt[i];
}

#endif
