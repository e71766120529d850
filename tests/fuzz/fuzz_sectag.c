/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer: macsec_sectag_decode on raw bytes; what it accepts re-encodes to the same octets. */
#include <string.h>

#include "fuzz_util.h"
#include "sectag.h"

/* Input: one octet (bit 0: XPN suite), then the frame from the SecTAG's EtherType on. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct macsec_sectag tag;
	uint8_t re[MACSEC_SECTAG_LEN_SCI];
	enum macsec_sectag_err err;
	bool xpn;

	if (size < 1)
		return 0;
	xpn = data[0] & 1;
	data++;
	size--;
	memset(&tag, 0x5A, sizeof(tag));
	err = macsec_sectag_decode(data, size, xpn, &tag);
	FZ_CHECK(strcmp(macsec_sectag_strerror(err), "unknown") != 0, "decode returned %d",
		 (int)err);
	if (err != MACSEC_SECTAG_OK)
		return 0;

	/* 802.1AE clause 9 as the decoder promises it. */
	FZ_CHECK(tag.len == (data[2] & MACSEC_TCI_SC ? MACSEC_SECTAG_LEN_SCI : MACSEC_SECTAG_LEN_NOSCI),
		 "SecTAG length %u", tag.len);
	FZ_CHECK((size_t)tag.len + tag.secure_len + MACSEC_ICV_LEN <= size,
		 "secure data (%u) and ICV run past the frame (%zu)", tag.secure_len, size);
	FZ_CHECK(!(tag.tci & MACSEC_TCI_V), "V accepted");
	FZ_CHECK(!((tag.tci & MACSEC_TCI_SC) && (tag.tci & (MACSEC_TCI_ES | MACSEC_TCI_SCB))),
		 "SC with ES or SCB accepted");
	FZ_CHECK(!((tag.tci & MACSEC_TCI_C) && !(tag.tci & MACSEC_TCI_E)), "C without E accepted");
	FZ_CHECK((tag.tci & MACSEC_AN_MASK) == 0 && tag.an <= 3, "AN not split out");
	FZ_CHECK(tag.sl < MACSEC_SL_MAX, "SL %u", tag.sl);
	FZ_CHECK(tag.sl != 0 ? tag.secure_len == tag.sl : tag.secure_len >= MACSEC_SL_MAX,
		 "SL %u with %u octets of secure data", tag.sl, tag.secure_len);
	FZ_CHECK(xpn || tag.pn != 0, "PN 0 accepted without XPN");
	FZ_CHECK((tag.tci & MACSEC_TCI_SC) || tag.sci == 0, "SCI without SC");

	/* Encoding what was decoded gives back the octets on the wire. */
	FZ_CHECK(macsec_sectag_encode(re, &tag, tag.secure_len) == tag.len, "encode length");
	FZ_CHECK(memcmp(re, data, tag.len) == 0, "decode/encode round trip differs");
	return 0;
}
