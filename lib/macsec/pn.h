/* SPDX-License-Identifier: BSD-3-Clause */
/* Packet numbers: XPN high-bit recovery and the lowest-acceptable-PN replay rule. */
#ifndef MACSEC_PN_H
#define MACSEC_PN_H

#include <stdbool.h>
#include <stdint.h>

#define MACSEC_PN32_MAX 0xFFFFFFFFull
/*
 * Highest XPN we ever send. TX PNs are reserved by one fetch-add per burst, so
 * the 64-bit counter must never wrap even when a burst overshoots the end:
 * the last 2^16 PNs of the XPN space are left unused (docs/conformance.md).
 */
#define MACSEC_XPN_MAX (UINT64_MAX - 0xFFFFull)
/* Threshold at which key agreement is asked for a new SAK (802.1X 12.8.1 cites 0xC0000000). */
#define MACSEC_PN32_THRESHOLD 0xC0000000ull
#define MACSEC_XPN_THRESHOLD 0xC000000000000000ull

/*
 * 802.1AE-2018 10.6.2: with XPN only the low 32 bits of the PN are on the wire.
 * The 32 most significant bits are assumed unchanged since the frame with the
 * lowest acceptable PN, unless the most significant of the lowest acceptable
 * PN's 32 least significant bits is set and the received PN's is not: then they
 * are one more (docs/conformance.md).
 */
static inline uint64_t macsec_xpn_recover(uint64_t lowest_pn, uint32_t pn_lo)
{
	uint64_t hi = lowest_pn >> 32;

	if (((uint32_t)lowest_pn & 0x80000000u) && !(pn_lo & 0x80000000u))
		hi++;
	return hi << 32 | pn_lo;
}

/*
 * Linux drivers/net/macsec.c reads it differently: the high bits are those of
 * the next expected PN, one more only when the received low half is below the
 * next PN's low half and in the other half of the 32-bit space. Frames within
 * 2^31 of the window recover the same under both rules; they differ for PNs far
 * from it (the replay scenarios in tests/vectors show where). Selectable per
 * SecY (xpn_recovery: linux) to match a Linux peer's view exactly.
 */
static inline uint64_t macsec_xpn_recover_linux(uint64_t next_pn, uint32_t pn_lo)
{
	uint64_t hi = next_pn >> 32;
	uint32_t lo = (uint32_t)next_pn;

	if (pn_lo < lo && ((pn_lo ^ lo) & 0x80000000u))
		hi++;
	return hi << 32 | pn_lo;
}

/* Lowest acceptable PN for a receive SA whose next expected PN is @p next_pn. */
static inline uint64_t macsec_lowest_pn(uint64_t next_pn, uint32_t window)
{
	return next_pn > (uint64_t)window + 1 ? next_pn - window : 1;
}

#endif
