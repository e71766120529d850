/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer: mka_mkpdu_decode on raw frames; decoded MKPDUs re-encode stably, peek the same CKN. */
#include <errno.h>
#include <string.h>

#include "fuzz_util.h"
#include "mkpdu.h"

/* Input: one octet (bit 0: expect EtherType 0x888E, else 0x876F as a configured other one),
 * then the frame from the Destination Address. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mka_mkpdu m, m2;
	static uint8_t b1[MKA_MKPDU_MAX_FRAME + 64], b2[MKA_MKPDU_MAX_FRAME + 64];
	enum mka_decode_err why = MKA_DEC_ERR_COUNT;
	uint8_t ckn[MKA_CKN_MAX];
	uint8_t ckn_len = 0;
	size_t l1 = 0, l2 = 0;
	uint16_t et;
	uint64_t sci = 0;
	int rc, prc;

	if (size < 1)
		return 0;
	et = (data[0] & 1) ? MKA_ETHERTYPE_EAPOL : 0x876F;
	data++;
	size--;
	memset(&m, 0xA5, sizeof(m));
	rc = mka_mkpdu_decode(data, size, et, &m, &why);
	prc = mka_mkpdu_peek_ckn(data, size, et, ckn, &ckn_len, &sci);
	FZ_CHECK(rc == 0 || rc == -EBADMSG, "decode returned %d", rc);
	FZ_CHECK(prc == 0 || prc == -EBADMSG, "peek_ckn returned %d", prc);
	FZ_CHECK((rc == 0) == (why == MKA_DEC_OK), "returned %d with reason %d", rc, (int)why);
	FZ_CHECK(why < MKA_DEC_ERR_COUNT && mka_decode_err_name(why) != NULL, "reason %d", (int)why);
	if (rc != 0)
		return 0;

	/* Framing as promised: the ICV inside the frame, the frame inside the input. */
	FZ_CHECK(m.frame_len <= size, "frame_len %zu of %zu", m.frame_len, size);
	FZ_CHECK(m.icv_off + MKA_ICV_LEN <= m.frame_len, "ICV at %zu, frame %zu", m.icv_off,
		 m.frame_len);
	FZ_CHECK(m.tag_len == (m.vlan ? 4u : 0u), "tag_len %zu", m.tag_len);
	FZ_CHECK(m.basic.ckn_len >= 1 && m.basic.ckn_len <= MKA_CKN_MAX, "CKN length %u",
		 m.basic.ckn_len);
	FZ_CHECK(m.live.n <= MKA_MAX_PEERS && m.potential.n <= MKA_MAX_PEERS, "peer counts");
	FZ_CHECK(m.kmd.len <= MKA_KMD_MAX && m.ann.n_cs <= MKA_ANN_MAX_CS, "KMD/announcement");
	FZ_CHECK(memcmp(m.icv, data + m.icv_off, MKA_ICV_LEN) == 0, "ICV not the frame's");

	/* Routing by CKN sees what the decoder sees. */
	FZ_CHECK(prc == 0, "decoded, but peek_ckn refused");
	FZ_CHECK(ckn_len == m.basic.ckn_len && memcmp(ckn, m.basic.ckn, ckn_len) == 0,
		 "peek_ckn and decode disagree on the CKN");
	FZ_CHECK(sci == m.basic.sci, "peek_ckn and decode disagree on the SCI");

	/* Encode what was decoded: if the encoder takes it, its output decodes and re-encodes
	 * to the same octets (the codec is a bijection on what it produces). */
	if (mka_mkpdu_encode(&m, b1, sizeof(b1), &l1) != 0)
		return 0;
	memcpy(b1 + m.icv_off, data + m.icv_off, MKA_ICV_LEN);
	memset(&m2, 0x5A, sizeof(m2));
	rc = mka_mkpdu_decode(b1, l1, et, &m2, &why);
	FZ_CHECK(rc == 0, "re-encoded MKPDU does not decode: %s", mka_decode_err_name(why));
	FZ_CHECK(m2.present == (m.present & ~MKA_HAS_ICV_INDICATOR) ||
		 m2.present == m.present, "parameter sets %#x became %#x", m.present, m2.present);
	FZ_CHECK(m2.basic.mn == m.basic.mn && m2.basic.sci == m.basic.sci &&
		 memcmp(m2.basic.mi, m.basic.mi, MKA_MI_LEN) == 0 && m2.live.n == m.live.n &&
		 m2.potential.n == m.potential.n, "Basic set or peer lists changed");
	FZ_CHECK(mka_mkpdu_encode(&m2, b2, sizeof(b2), &l2) == 0, "second encode failed");
	memcpy(b2 + m2.icv_off, data + m.icv_off, MKA_ICV_LEN);
	FZ_CHECK(l1 == l2 && memcmp(b1, b2, l1) == 0, "encode(decode(encode(x))) differs (%zu, %zu)",
		 l1, l2);
	return 0;
}
