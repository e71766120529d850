/* SPDX-License-Identifier: BSD-3-Clause */
/* MACsec cipher suite table as MKA sees it: identifiers, SAK lengths, XPN (802.1AE-2018 14). */
#include <errno.h>

#include "mka_types.h"

static const struct {
	uint64_t id;
	unsigned int key_len;
	bool xpn;
	const char *name;
} cs_table[MKA_CS_COUNT] = {
	[MKA_CS_GCM_AES_128] = { MKA_CS_ID_GCM_AES_128, 16, false, "GCM-AES-128" },
	[MKA_CS_GCM_AES_256] = { MKA_CS_ID_GCM_AES_256, 32, false, "GCM-AES-256" },
	[MKA_CS_GCM_AES_XPN_128] = { MKA_CS_ID_GCM_AES_XPN_128, 16, true, "GCM-AES-XPN-128" },
	[MKA_CS_GCM_AES_XPN_256] = { MKA_CS_ID_GCM_AES_XPN_256, 32, true, "GCM-AES-XPN-256" },
};

uint64_t mka_cs_id(enum mka_cipher_suite cs)
{
	return (unsigned int)cs < MKA_CS_COUNT ? cs_table[cs].id : 0;
}

int mka_cs_from_id(uint64_t id, enum mka_cipher_suite *cs)
{
	if (id == MKA_CS_ID_GCM_AES_128_2006)
		id = MKA_CS_ID_GCM_AES_128;
	for (unsigned int i = 0; i < MKA_CS_COUNT; i++) {
		if (cs_table[i].id == id) {
			*cs = (enum mka_cipher_suite)i;
			return 0;
		}
	}
	return -ENOENT;
}

unsigned int mka_cs_key_len(enum mka_cipher_suite cs)
{
	return (unsigned int)cs < MKA_CS_COUNT ? cs_table[cs].key_len : 0;
}

bool mka_cs_is_xpn(enum mka_cipher_suite cs)
{
	return (unsigned int)cs < MKA_CS_COUNT && cs_table[cs].xpn;
}

const char *mka_cs_name(enum mka_cipher_suite cs)
{
	return (unsigned int)cs < MKA_CS_COUNT ? cs_table[cs].name : "unknown";
}
