/* SPDX-License-Identifier: BSD-3-Clause */
/* Types and constants shared by the MKPDU codec, the crypto helpers, the SecY ops, the engine. */
#ifndef MKA_TYPES_H
#define MKA_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MKA_MI_LEN 12u            /**< Member Identifier, 96 bits (802.1X-2020 9.4.2) */
#define MKA_CKN_MAX 32u           /**< CAK Name, 1..32 octets (802.1X-2020 9.3.1) */
#define MKA_KEY_MAX 32u           /**< CAK, ICK, KEK, SAK: 16 or 32 octets */
#define MKA_ICV_LEN 16u           /**< AES-CMAC ICV (802.1X-2020 9.4.1) */
#define MKA_WRAP_OVERHEAD 8u      /**< RFC 3394 integrity check block */
#define MKA_SALT_LEN 12u          /**< XPN Salt (802.1AE-2018 10.7.8) */
#define MKA_MAX_PEERS 32u         /**< live + potential peers one participant tracks */
#define MKA_ALGORITHM_AGILITY 0x0080C201u   /**< 802.1X-2020 Table 9-1 */

#define MKA_ETHERTYPE_EAPOL 0x888Eu
#define MKA_ETHERTYPE_VLAN 0x8100u
#define MKA_ETHERTYPE_QINQ 0x88A8u
#define MKA_EAPOL_VERSION 3u      /**< 802.1X-2010 and later */
#define MKA_EAPOL_TYPE_MKA 5u     /**< EAPOL-MKA packet type */

/** MACsec cipher suites (802.1AE-2018 Table 14-1). */
enum mka_cipher_suite {
	MKA_CS_GCM_AES_128 = 0,
	MKA_CS_GCM_AES_256,
	MKA_CS_GCM_AES_XPN_128,
	MKA_CS_GCM_AES_XPN_256,
	MKA_CS_COUNT
};

#define MKA_CS_ID_GCM_AES_128 0x0080C20001000001ull
#define MKA_CS_ID_GCM_AES_256 0x0080C20001000002ull
#define MKA_CS_ID_GCM_AES_XPN_128 0x0080C20001000003ull
#define MKA_CS_ID_GCM_AES_XPN_256 0x0080C20001000004ull
/** The 802.1AE-2006 / 802.1X-2010 misprint of GCM-AES-128, accepted on receipt only. */
#define MKA_CS_ID_GCM_AES_128_2006 0x0080020001000001ull

/** Confidentiality Offset as encoded in the Distributed SAK (802.1X-2020 Figure 11-11). */
enum mka_conf_offset {
	MKA_CO_NONE = 0,   /**< integrity only, no confidentiality */
	MKA_CO_0 = 1,
	MKA_CO_30 = 2,
	MKA_CO_50 = 3,
};

/** MACsec Capability (802.1X-2020 Table 11-6). */
enum mka_capability {
	MKA_CAP_NOT_IMPLEMENTED = 0,
	MKA_CAP_INTEGRITY = 1,
	MKA_CAP_CONF_0 = 2,        /**< integrity, or confidentiality with offset 0 */
	MKA_CAP_CONF_0_30_50 = 3,  /**< integrity, or confidentiality with offset 0, 30 or 50 */
};

/** Key Identifier: the Key Server's MI and a Key Number (802.1X-2020 9.8). */
struct mka_ki {
	uint8_t mi[MKA_MI_LEN];
	uint32_t kn;
};

/** 64-bit cipher suite identifier for @p cs (0 if out of range). */
uint64_t mka_cs_id(enum mka_cipher_suite cs);
/** Cipher suite for a 64-bit identifier; -ENOENT if unknown. Accepts the 2006 misprint. */
int mka_cs_from_id(uint64_t id, enum mka_cipher_suite *cs);
/** SAK length in octets (16 or 32). */
unsigned int mka_cs_key_len(enum mka_cipher_suite cs);
bool mka_cs_is_xpn(enum mka_cipher_suite cs);
const char *mka_cs_name(enum mka_cipher_suite cs);

static inline bool mka_ki_equal(const struct mka_ki *a, const struct mka_ki *b)
{
	for (unsigned int i = 0; i < MKA_MI_LEN; i++)
		if (a->mi[i] != b->mi[i])
			return false;
	return a->kn == b->kn;
}

#endif
