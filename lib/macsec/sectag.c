/* SPDX-License-Identifier: BSD-3-Clause */
/* SecTAG encode/decode with every 802.1AE clause 9 validity check. */
#include "sectag.h"

enum macsec_sectag_err macsec_sectag_decode(const uint8_t *p, size_t avail, bool xpn,
					    struct macsec_sectag *tag)
{
	uint8_t tci_an;
	size_t len, secure_len;

	if (avail < MACSEC_SECTAG_LEN_NOSCI)
		return MACSEC_SECTAG_TRUNCATED;
	if (macsec_get_be16(p) != MACSEC_ETHERTYPE)
		return MACSEC_SECTAG_NOT_MACSEC;
	tci_an = p[2];
	/* 9.4: a receiver discards frames with V = 1 (no other version exists). */
	if (tci_an & MACSEC_TCI_V)
		return MACSEC_SECTAG_BAD_V;
	/* 9.5: ES and SCB are only meaningful without an explicit SCI. */
	if ((tci_an & MACSEC_TCI_SC) && (tci_an & MACSEC_TCI_ES))
		return MACSEC_SECTAG_BAD_ES_SC;
	if ((tci_an & MACSEC_TCI_SC) && (tci_an & MACSEC_TCI_SCB))
		return MACSEC_SECTAG_BAD_SCB_SC;
	/* 9.5: C (changed text) without E (encryption) is not a valid combination. */
	if ((tci_an & MACSEC_TCI_C) && !(tci_an & MACSEC_TCI_E))
		return MACSEC_SECTAG_BAD_E_C;
	/* 9.7: the two top bits of the SL octet are zero and SL < 48. */
	if (p[3] >= MACSEC_SL_MAX)
		return MACSEC_SECTAG_BAD_SL;
	len = (tci_an & MACSEC_TCI_SC) ? MACSEC_SECTAG_LEN_SCI : MACSEC_SECTAG_LEN_NOSCI;
	if (avail < len + MACSEC_ICV_LEN)
		return MACSEC_SECTAG_TRUNCATED;
	secure_len = avail - len - MACSEC_ICV_LEN;
	/*
	 * 9.7: SL is the secure data length when that is below 48, else 0. With SL
	 * set, octets after the ICV are the MAC's minimum-size padding and are not
	 * part of the frame; fewer octets than SL says is a truncated frame. With SL
	 * 0 there must be at least 48 octets of secure data (docs/conformance.md).
	 */
	if (p[3] != 0) {
		if (secure_len < p[3])
			return MACSEC_SECTAG_BAD_LEN;
		secure_len = p[3];
	} else if (secure_len < MACSEC_SL_MAX) {
		return MACSEC_SECTAG_BAD_LEN;
	}
	tag->pn = macsec_get_be32(p + 4);
	/* 9.8: PN 0 is never sent; with XPN only the low 32 bits are here, so 0 is legal. */
	if (tag->pn == 0 && !xpn)
		return MACSEC_SECTAG_BAD_PN;
	tag->tci = tci_an & (uint8_t)~MACSEC_AN_MASK;
	tag->an = tci_an & MACSEC_AN_MASK;
	tag->sl = p[3];
	tag->len = (uint8_t)len;
	tag->secure_len = (uint32_t)secure_len;
	tag->sci = len == MACSEC_SECTAG_LEN_SCI ? macsec_get_be64(p + 8) : 0;
	return MACSEC_SECTAG_OK;
}

const char *macsec_sectag_strerror(enum macsec_sectag_err err)
{
	switch (err) {
	case MACSEC_SECTAG_OK: return "ok";
	case MACSEC_SECTAG_NOT_MACSEC: return "not MACsec";
	case MACSEC_SECTAG_TRUNCATED: return "truncated";
	case MACSEC_SECTAG_BAD_V: return "V bit set";
	case MACSEC_SECTAG_BAD_ES_SC: return "ES with SC";
	case MACSEC_SECTAG_BAD_SCB_SC: return "SCB with SC";
	case MACSEC_SECTAG_BAD_E_C: return "C without E";
	case MACSEC_SECTAG_BAD_SL: return "SL out of range";
	case MACSEC_SECTAG_BAD_LEN: return "SL disagrees with frame length";
	case MACSEC_SECTAG_BAD_PN: return "PN 0";
	}
	return "unknown";
}
