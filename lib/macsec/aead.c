/* SPDX-License-Identifier: BSD-3-Clause */
/* Engine registry and the two secret-handling helpers every engine uses. */
#include <string.h>
#include <strings.h>

#include "aead.h"

const struct macsec_aead_engine *macsec_aead_find(const char *name)
{
	/*
	 * "auto" takes the first that probes. intel-ipsec-mb's direct GCM calls beat its job
	 * burst API on VAES/AVX-512 CPUs once the IVs are written ahead (docs/performance.md:
	 * 34.7 vs 24.0 Mpps bare at 64 octets on this project's machine), so direct comes first.
	 */
	static const struct macsec_aead_engine *const all[] = {
		&macsec_aead_ipsecmb_direct, &macsec_aead_ipsecmb, &macsec_aead_openssl,
	};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (strcasecmp(name, "auto") == 0) {
			if (all[i]->probe() == 0)
				return all[i];
		} else if (strcasecmp(name, all[i]->name) == 0) {
			return all[i]->probe() == 0 ? all[i] : NULL;
		}
	}
	return NULL;
}

int macsec_ct_memcmp(const void *a, const void *b, size_t len)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;

	for (size_t i = 0; i < len; i++)
		d |= x[i] ^ y[i];
	return d != 0;
}

void macsec_wipe(void *p, size_t len)
{
	if (p == NULL)
		return;
	memset(p, 0, len);
	/* Keep the stores: the memory is about to be freed or reused. */
	__asm__ __volatile__("" : : "r"(p) : "memory");
}
