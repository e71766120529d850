/* SPDX-License-Identifier: BSD-3-Clause */
/* MKPDU codec: known-answer layout, round trips, a numbered case table of strict-decode reasons. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "be.h"
#include "mkpdu.h"
#include "mkpdu_samples.h"
#include "tutil.h"

static struct mka_mkpdu m1, m2;   /* large: keep off the stack */

/* The byte layout of one MKPDU written out by hand from 802.1X-2020 Figures 11-8..11-11
 * (and hostapd's ieee802_1x_kay_i.h), so a bit placed wrongly on both sides cannot hide. */
static void test_known_layout(void **state)
{
	uint8_t buf[512], exp[512];
	size_t len, n = 0;

	(void)state;
	mkpdu_sample(2, &m1);
	assert_int_equal(mka_mkpdu_encode(&m1, buf, sizeof(buf), &len), 0);

	memcpy(exp + n, "\x01\x80\xc2\x00\x00\x03\x02\x00\x00\x00\x00\x01\x88\x8e", 14);
	n += 14;
	exp[n++] = 3;      /* EAPOL version */
	exp[n++] = 5;      /* EAPOL-MKA */
	n += 2;            /* body length, checked below */
	exp[n++] = 3;      /* MKA version */
	exp[n++] = 16;     /* priority */
	exp[n++] = 0xf0;   /* KS=1 MD=1 capability=3, length high nibble 0 */
	exp[n++] = 44;     /* 28 + CKN 16 */
	memcpy(exp + n, "\x02\x00\x00\x00\x00\x01\x00\x01", 8);
	n += 8;
	for (unsigned int i = 0; i < 12; i++)
		exp[n++] = (uint8_t)(0xa0 + i);
	memcpy(exp + n, "\x00\x00\x00\x07\x00\x80\xc2\x01", 8);
	n += 8;
	for (unsigned int i = 0; i < 16; i++)
		exp[n++] = (uint8_t)(0x11 * (i + 1));
	/* Live Peer List: 2 peers */
	memcpy(exp + n, "\x01\x00\x00\x20", 4);
	n += 4;
	for (unsigned int p = 0; p < 2; p++) {
		for (unsigned int k = 0; k < 12; k++)
			exp[n++] = (uint8_t)(0x20 + p * 16 + k);
		mka_be32_store(exp + n, 1000 + p);
		n += 4;
	}
	/* SAK Use: LAN=2 LTx LRx OAN=1 ORx -> 0b10110101; PTx=PRx=DP=0 */
	memcpy(exp + n, "\x03\xb5\x00\x28", 4);
	n += 4;
	for (unsigned int k = 0; k < 12; k++)
		exp[n++] = (uint8_t)(0xa0 + k);
	memcpy(exp + n, "\x00\x00\x00\x05\x00\x00\x12\x34", 8);
	n += 8;
	for (unsigned int k = 0; k < 12; k++)
		exp[n++] = (uint8_t)(0xa0 + k);
	memcpy(exp + n, "\x00\x00\x00\x04\xc0\x00\x00\x01", 8);
	n += 8;
	/* Distributed SAK: DAN=2 CO=1 -> 0x90, body 28, no Cipher Suite field */
	memcpy(exp + n, "\x04\x90\x00\x1c\x00\x00\x00\x05", 8);
	n += 8;
	for (unsigned int k = 0; k < 24; k++)
		exp[n++] = (uint8_t)(0x40 + k);
	memset(exp + n, 0, 16);   /* ICV placeholder */
	n += 16;
	mka_be16_store(exp + 16, (uint16_t)(n - 18));

	assert_int_equal(len, n);
	assert_memory_equal(buf, exp, n);
	assert_int_equal(m1.icv_off, n - 16);
}

/* Every sample: decode(encode(x)) encodes to the same octets, and the fields survive. */
static void test_round_trip(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < MKA_N_SAMPLES; i++) {
		uint8_t a[MKA_MKPDU_MAX_FRAME], b[MKA_MKPDU_MAX_FRAME];
		enum mka_decode_err why;
		size_t la, lb;
		const char *name = mkpdu_sample(i, &m1);

		assert_int_equal(mka_mkpdu_encode(&m1, a, sizeof(a), &la), 0);
		if (mka_mkpdu_decode(a, la, m1.ethertype, &m2, &why) != 0)
			fail_msg("sample %u (%s): decode failed: %s", i, name, mka_decode_err_name(why));
		assert_int_equal(m2.present, m1.present);
		assert_int_equal(m2.icv_off, m1.icv_off);
		assert_int_equal(m2.tag_len, m1.tag_len);
		assert_int_equal(m2.basic.sci, m1.basic.sci);
		assert_int_equal(m2.basic.mn, m1.basic.mn);
		assert_int_equal(m2.basic.ckn_len, m1.basic.ckn_len);
		assert_memory_equal(m2.basic.ckn, m1.basic.ckn, m1.basic.ckn_len);
		assert_int_equal(m2.basic.key_server, m1.basic.key_server);
		assert_int_equal(m2.basic.capability, m1.basic.capability);
		assert_int_equal(m2.live.n, m1.live.n);
		assert_int_equal(m2.live.key_server_ssci, m1.live.key_server_ssci);
		assert_int_equal(m2.potential.n, m1.potential.n);
		if (m1.present & MKA_HAS_SAK_USE)
			assert_memory_equal(&m2.sak_use.lki, &m1.sak_use.lki, sizeof(m1.sak_use.lki));
		if (m1.present & MKA_HAS_DIST_SAK) {
			assert_int_equal(m2.dist_sak.plain, m1.dist_sak.plain);
			assert_int_equal(m2.dist_sak.cs, m1.dist_sak.cs);
			assert_int_equal(m2.dist_sak.an, m1.dist_sak.an);
			assert_int_equal(m2.dist_sak.kn, m1.dist_sak.kn);
			assert_int_equal(m2.dist_sak.wrapped_len, m1.dist_sak.wrapped_len);
		}
		if (m1.present & MKA_HAS_XPN)
			assert_int_equal(m2.xpn.llpn_high, m1.xpn.llpn_high);
		if (m1.present & MKA_HAS_ANNOUNCEMENT)
			assert_int_equal(m2.ann.n_cs, m1.ann.n_cs);
		assert_int_equal(mka_mkpdu_encode(&m2, b, sizeof(b), &lb), 0);
		assert_int_equal(lb, la);
		assert_memory_equal(a, b, la);
	}
}

static void test_encode_limits(void **state)
{
	uint8_t buf[MKA_MKPDU_MAX_FRAME];
	size_t len;

	(void)state;
	mkpdu_sample(3, &m1);
	assert_int_equal(mka_mkpdu_encode(&m1, buf, 60, &len), -ENOSPC);
	m1.basic.ckn_len = 0;
	assert_int_equal(mka_mkpdu_encode(&m1, buf, sizeof(buf), &len), -EINVAL);
	mkpdu_sample(3, &m1);
	m1.dist_sak.wrapped_len = 24;   /* a 128-bit wrap for a 256-bit suite */
	assert_int_equal(mka_mkpdu_encode(&m1, buf, sizeof(buf), &len), -EINVAL);
	mkpdu_sample(3, &m1);
	m1.live.n = MKA_MAX_PEERS + 1;
	assert_int_equal(mka_mkpdu_encode(&m1, buf, sizeof(buf), &len), -EINVAL);
	mkpdu_sample(5, &m1);
	m1.sak_use.lan = 4;
	assert_int_equal(mka_mkpdu_encode(&m1, buf, sizeof(buf), &len), -EINVAL);
}

/* ---------------------------------------------------------------- raw frame builder */

struct fb {
	uint8_t b[2048];
	size_t n;
	size_t body_off;
};

static void fb_put(struct fb *f, const void *p, size_t n)
{
	if (p)
		memcpy(f->b + f->n, p, n);
	else
		memset(f->b + f->n, 0, n);
	f->n += n;
}

static void fb_start(struct fb *f)
{
	memset(f, 0, sizeof(*f));
	fb_put(f, "\x01\x80\xc2\x00\x00\x03\x02\x00\x00\x00\x00\x01\x88\x8e\x03\x05\x00\x00", 18);
	f->body_off = f->n;
}

static void fb_basic(struct fb *f, uint8_t version, size_t ckn_len, uint32_t agility)
{
	uint8_t h[4] = { version, 16, (uint8_t)(0xe0 | ((28 + ckn_len) >> 8)),
			 (uint8_t)(28 + ckn_len) };
	uint8_t fixed[28] = { 0x02, 0, 0, 0, 0, 1, 0, 1 };

	for (unsigned int i = 0; i < 12; i++)
		fixed[8 + i] = (uint8_t)(0x80 + i);
	fixed[23] = 1;
	mka_be32_store(fixed + 24, agility);
	fb_put(f, h, 4);
	fb_put(f, fixed, 28);
	for (size_t i = 0; i < ckn_len; i++)
		f->b[f->n++] = 0x5a;
	fb_put(f, NULL, ((ckn_len + 3) & ~3u) - ckn_len);
}

/* A parameter set whose length field may lie: @p body_n octets of body, @p pad of padding. */
static void fb_set(struct fb *f, uint8_t type, uint8_t o2, uint8_t nibble, size_t len_field,
		   const uint8_t *body, size_t body_n, size_t pad)
{
	uint8_t h[4] = { type, o2, (uint8_t)(nibble << 4 | ((len_field >> 8) & 0xf)),
			 (uint8_t)len_field };

	fb_put(f, h, 4);
	fb_put(f, body, body_n);
	fb_put(f, NULL, pad);
}

/* A well-formed set with a zero body of @p len octets. */
static void fb_ok(struct fb *f, uint8_t type, size_t len)
{
	fb_set(f, type, 0, 0, len, NULL, len, ((len + 3) & ~3u) - len);
}

static size_t fb_end(struct fb *f)
{
	fb_put(f, NULL, 16);
	mka_be16_store(f->b + 16, (uint16_t)(f->n - f->body_off));
	return f->n;
}

struct dec_case {
	const char *name;
	enum mka_decode_err want;
};

/* The numbered strict-decode cases: build case @p n into @p f; returns its expectation. */
static struct dec_case build_case(unsigned int n, struct fb *f)
{
	uint8_t body[64] = { 0 };

	fb_start(f);
	switch (n) {
	case 0:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_ok(f, MKA_PARAM_LIVE_PEERS, 32);
		fb_ok(f, MKA_PARAM_SAK_USE, 40);
		fb_end(f);
		return (struct dec_case){ "well formed", MKA_DEC_OK };
	case 1:
		f->n = 13;
		return (struct dec_case){ "13-octet frame", MKA_DEC_FRAME_SHORT };
	case 2:
		f->n = 16;
		return (struct dec_case){ "no room for the EAPOL header", MKA_DEC_FRAME_SHORT };
	case 3:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_end(f);
		f->b[13] = 0x8f;
		return (struct dec_case){ "other EtherType", MKA_DEC_ETHERTYPE };
	case 4:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_end(f);
		f->b[14] = 2;
		return (struct dec_case){ "EAPOL version 2", MKA_DEC_EAPOL_VERSION };
	case 5:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_end(f);
		f->b[15] = 0;
		return (struct dec_case){ "EAP-Packet, not MKA", MKA_DEC_EAPOL_TYPE };
	case 6:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_end(f);
		f->n -= 4;
		return (struct dec_case){ "body length past the frame", MKA_DEC_EAPOL_LENGTH };
	case 7:
		fb_put(f, NULL, 28);
		fb_end(f);
		mka_be16_store(f->b + 16, 28);
		return (struct dec_case){ "MKPDU of 28 octets", MKA_DEC_MKPDU_LENGTH };
	case 8:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_end(f);
		mka_be16_store(f->b + 16, (uint16_t)(f->n - 18 - 2));
		return (struct dec_case){ "MKPDU not a multiple of 4", MKA_DEC_MKPDU_LENGTH };
	case 9:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_end(f);
		f->b[21] = 28;   /* CKN of 0 octets */
		return (struct dec_case){ "Basic set without CKN", MKA_DEC_BASIC_LENGTH };
	case 10:
		fb_basic(f, 3, 32, MKA_ALGORITHM_AGILITY);
		fb_put(f, NULL, 4);
		fb_end(f);
		f->b[21] = 28 + 33;
		return (struct dec_case){ "CKN of 33 octets", MKA_DEC_BASIC_LENGTH };
	case 11:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_end(f);
		f->b[21] = 28 + 28;   /* runs into the ICV */
		return (struct dec_case){ "Basic set past the ICV", MKA_DEC_BASIC_LENGTH };
	case 12:
		fb_basic(f, 0, 16, MKA_ALGORITHM_AGILITY);
		fb_end(f);
		return (struct dec_case){ "MKA version 0", MKA_DEC_MKA_VERSION };
	case 13:
		fb_basic(f, 3, 16, 0x0080C202);
		fb_end(f);
		return (struct dec_case){ "unknown algorithm agility", MKA_DEC_ALGORITHM };
	case 14:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_set(f, MKA_PARAM_KMD, 0, 0, 4, NULL, 0, 0);
		fb_end(f);
		return (struct dec_case){ "KMD body cut by the ICV", MKA_DEC_SET_SHORT };
	case 15:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_set(f, MKA_PARAM_LIVE_PEERS, 0, 0, 48, NULL, 32, 0);
		fb_end(f);
		return (struct dec_case){ "peer list body past the ICV", MKA_DEC_SET_SHORT };
	case 16:
		fb_basic(f, 3, 5, MKA_ALGORITHM_AGILITY);
		fb_end(f);
		f->b[18 + 4 + 28 + 5] = 0xff;
		return (struct dec_case){ "Basic set padding not zero", MKA_DEC_PADDING };
	case 17:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_set(f, MKA_PARAM_KMD, 0, 0, 3, (const uint8_t *)"abc", 3, 0);
		fb_put(f, "\x01", 1);
		fb_end(f);
		return (struct dec_case){ "KMD padding not zero", MKA_DEC_PADDING };
	case 18:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_ok(f, MKA_PARAM_LIVE_PEERS, 16);
		fb_ok(f, MKA_PARAM_LIVE_PEERS, 16);
		fb_end(f);
		return (struct dec_case){ "two Live Peer Lists", MKA_DEC_DUPLICATE_SET };
	case 19:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_set(f, MKA_PARAM_POTENTIAL_PEERS, 1, 0, 16, NULL, 16, 0);
		fb_end(f);
		return (struct dec_case){ "Potential Peer List octet 2", MKA_DEC_RESERVED };
	case 20:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_set(f, MKA_PARAM_LIVE_PEERS, 0, 8, 16, NULL, 16, 0);
		fb_end(f);
		return (struct dec_case){ "peer list octet 3 reserved nibble", MKA_DEC_RESERVED };
	case 21:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_set(f, MKA_PARAM_SAK_USE, 0, 2, 40, NULL, 40, 0);
		fb_end(f);
		return (struct dec_case){ "SAK Use reserved bit", MKA_DEC_RESERVED };
	case 22:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_set(f, MKA_PARAM_DIST_SAK, 0x41, 0, 28, NULL, 28, 0);
		fb_end(f);
		return (struct dec_case){ "Distributed SAK octet 2 low nibble", MKA_DEC_RESERVED };
	case 23:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_set(f, MKA_PARAM_DIST_SAK, 0x40, 0, 0, NULL, 0, 0);
		fb_end(f);
		return (struct dec_case){ "plain-text Distributed SAK with an AN", MKA_DEC_RESERVED };
	case 24:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_set(f, MKA_PARAM_ICV_INDICATOR, 1, 0, 16, NULL, 0, 0);
		fb_end(f);
		return (struct dec_case){ "ICV Indicator octet 2", MKA_DEC_RESERVED };
	case 25:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_ok(f, MKA_PARAM_LIVE_PEERS, 8);
		fb_end(f);
		return (struct dec_case){ "peer list of 8 octets", MKA_DEC_PEER_LIST_LENGTH };
	case 26:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_ok(f, MKA_PARAM_POTENTIAL_PEERS, 16 * (MKA_MAX_PEERS + 1));
		fb_end(f);
		return (struct dec_case){ "more peers than we track", MKA_DEC_TOO_MANY_PEERS };
	case 27:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_ok(f, MKA_PARAM_SAK_USE, 44);
		fb_end(f);
		return (struct dec_case){ "SAK Use of 44 octets", MKA_DEC_SAK_USE_LENGTH };
	case 28:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_ok(f, MKA_PARAM_DIST_SAK, 20);
		fb_end(f);
		return (struct dec_case){ "Distributed SAK of 20 octets", MKA_DEC_DIST_SAK_LENGTH };
	case 29:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		mka_be64_store(body + 4, MKA_CS_ID_GCM_AES_256);
		fb_set(f, MKA_PARAM_DIST_SAK, 0, 0, 36, body, 36, 0);
		fb_end(f);
		return (struct dec_case){ "256-bit suite with a 128-bit wrap", MKA_DEC_DIST_SAK_LENGTH };
	case 30:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		mka_be64_store(body + 4, 0x0080C20001000009ull);
		fb_set(f, MKA_PARAM_DIST_SAK, 0, 0, 36, body, 36, 0);
		fb_end(f);
		return (struct dec_case){ "unknown cipher suite", MKA_DEC_DIST_SAK_CIPHER };
	case 31:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_ok(f, MKA_PARAM_DIST_CAK, 24);
		fb_end(f);
		return (struct dec_case){ "Distributed CAK without CKN", MKA_DEC_DIST_CAK_LENGTH };
	case 32:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_ok(f, MKA_PARAM_KMD, 0);
		fb_end(f);
		return (struct dec_case){ "empty KMD", MKA_DEC_KMD_LENGTH };
	case 33:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		body[0] = 112 << 1;
		body[1] = 20;   /* TLV of 20 octets in a 12-octet body */
		fb_set(f, MKA_PARAM_ANNOUNCEMENT, 0, 0, 12, body, 12, 0);
		fb_end(f);
		return (struct dec_case){ "announcement TLV overruns", MKA_DEC_ANNOUNCEMENT };
	case 34:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		body[0] = 112 << 1;
		body[1] = 10;
		body[2] = 0x80;   /* reserved capability bits */
		fb_set(f, MKA_PARAM_ANNOUNCEMENT, 0, 0, 12, body, 12, 0);
		fb_end(f);
		return (struct dec_case){ "cipher suite entry reserved bits", MKA_DEC_ANNOUNCEMENT };
	case 35:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_ok(f, MKA_PARAM_XPN, 4);
		fb_end(f);
		return (struct dec_case){ "XPN set of 4 octets", MKA_DEC_XPN_LENGTH };
	case 36:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_set(f, MKA_PARAM_ICV_INDICATOR, 0, 0, 16, NULL, 0, 0);
		fb_ok(f, MKA_PARAM_LIVE_PEERS, 16);
		fb_end(f);
		return (struct dec_case){ "ICV Indicator not last", MKA_DEC_ICV_INDICATOR };
	case 37:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_set(f, MKA_PARAM_ICV_INDICATOR, 0, 0, 32, NULL, 0, 0);
		fb_end(f);
		return (struct dec_case){ "ICV Indicator with a 32-octet ICV", MKA_DEC_ICV_INDICATOR };
	case 38:
		fb_basic(f, 1, 16, MKA_ALGORITHM_AGILITY);
		fb_set(f, MKA_PARAM_ICV_INDICATOR, 0, 0, 16, NULL, 0, 0);
		fb_end(f);
		return (struct dec_case){ "version 1 with ICV Indicator", MKA_DEC_OK };
	case 39:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_ok(f, 42, 6);   /* a type from a later version */
		fb_end(f);
		return (struct dec_case){ "unknown parameter set skipped", MKA_DEC_OK };
	case 40:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_end(f);
		fb_put(f, NULL, 8);   /* Ethernet padding after the MKPDU */
		return (struct dec_case){ "trailing Ethernet padding", MKA_DEC_OK };
	case 41:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		mka_be64_store(body + 4, MKA_CS_ID_GCM_AES_128_2006);
		fb_set(f, MKA_PARAM_DIST_SAK, 0, 0, 36, body, 36, 0);
		fb_end(f);
		return (struct dec_case){ "2006 GCM-AES-128 identifier", MKA_DEC_OK };
	case 42:
		fb_basic(f, 3, 16, MKA_ALGORITHM_AGILITY);
		fb_set(f, MKA_PARAM_SAK_USE, 0, 0xc, 0, NULL, 0, 0);
		fb_end(f);
		return (struct dec_case){ "empty SAK Use with PTx/PRx (hostapd)", MKA_DEC_OK };
	default:
		return (struct dec_case){ NULL, MKA_DEC_OK };
	}
}

static void test_decode_cases(void **state)
{
	bool hit[MKA_DEC_ERR_COUNT] = { false };
	struct fb f;

	(void)state;
	for (unsigned int n = 0;; n++) {
		struct dec_case c = build_case(n, &f);
		enum mka_decode_err why = MKA_DEC_ERR_COUNT;
		int rc;

		if (!c.name)
			break;
		rc = mka_mkpdu_decode(f.b, f.n, MKA_ETHERTYPE_EAPOL, &m1, &why);
		if (why != c.want)
			fail_msg("case %u (%s): got %s, want %s", n, c.name, mka_decode_err_name(why),
				 mka_decode_err_name(c.want));
		assert_int_equal(rc, c.want == MKA_DEC_OK ? 0 : -EBADMSG);
		hit[c.want] = true;
	}
	/* every reason is reachable, so every counter can move */
	for (unsigned int e = 0; e < MKA_DEC_ERR_COUNT; e++)
		if (!hit[e])
			fail_msg("no case for %s", mka_decode_err_name((enum mka_decode_err)e));
}

static void test_decode_details(void **state)
{
	enum mka_decode_err why;
	struct fb f;

	(void)state;
	build_case(39, &f);
	assert_int_equal(mka_mkpdu_decode(f.b, f.n, MKA_ETHERTYPE_EAPOL, &m1, &why), 0);
	assert_int_equal(m1.n_unknown_sets, 1);
	build_case(40, &f);
	assert_int_equal(mka_mkpdu_decode(f.b, f.n, MKA_ETHERTYPE_EAPOL, &m1, &why), 0);
	assert_int_equal(m1.frame_len, f.n - 8);
	build_case(41, &f);
	assert_int_equal(mka_mkpdu_decode(f.b, f.n, MKA_ETHERTYPE_EAPOL, &m1, &why), 0);
	assert_int_equal(m1.dist_sak.cs, MKA_CS_GCM_AES_128);
	assert_true(m1.dist_sak.cs_explicit);
	build_case(42, &f);
	assert_int_equal(mka_mkpdu_decode(f.b, f.n, MKA_ETHERTYPE_EAPOL, &m1, &why), 0);
	assert_false(m1.sak_use.has_keys);
	assert_true(m1.sak_use.ptx && m1.sak_use.prx);
	/* a configured EtherType, and the VLAN tag in front of it */
	mkpdu_sample(8, &m2);
	m2.ethertype = 0x876f;
	{
		uint8_t buf[MKA_MKPDU_MAX_FRAME];
		size_t len;

		assert_int_equal(mka_mkpdu_encode(&m2, buf, sizeof(buf), &len), 0);
		assert_int_equal(mka_mkpdu_decode(buf, len, 0x876f, &m1, &why), 0);
		assert_true(m1.vlan);
		assert_int_equal(m1.vlan_tci, 100);
		assert_int_equal(m1.tag_len, 4);
		assert_int_equal(mka_mkpdu_decode(buf, len, MKA_ETHERTYPE_EAPOL, &m1, &why), -EBADMSG);
		assert_int_equal(why, MKA_DEC_ETHERTYPE);
	}
}

/* Random corruption and truncation of valid frames: the decoder never reads out of bounds
 * (run under ASan to see it) and never reports success with an ICV offset past the frame. */
static void test_decode_robust(void **state)
{
	struct tu_rng rng = { 0xfeedbeefull };

	(void)state;
	for (unsigned int round = 0; round < 20000; round++) {
		uint8_t buf[MKA_MKPDU_MAX_FRAME];
		enum mka_decode_err why;
		size_t len;
		uint8_t r[4];

		mkpdu_sample(round % MKA_N_SAMPLES, &m1);
		assert_int_equal(mka_mkpdu_encode(&m1, buf, sizeof(buf), &len), 0);
		tu_rng_bytes(&rng, r, sizeof(r));
		for (unsigned int k = 0; k < 1u + r[0] % 4; k++) {
			tu_rng_bytes(&rng, r, sizeof(r));
			buf[(r[0] << 8 | r[1]) % len] ^= (uint8_t)(1u << (r[2] % 8));
		}
		if (r[3] & 1)
			len = (r[1] << 8 | r[3]) % (len + 1);
		if (mka_mkpdu_decode(buf, len, m1.ethertype, &m2, &why) == 0) {
			assert_int_equal(why, MKA_DEC_OK);
			assert_true(m2.icv_off + MKA_ICV_LEN <= len);
		} else {
			assert_true(why > MKA_DEC_OK && why < MKA_DEC_ERR_COUNT);
		}
	}
}

/* The routing helper reads the CKN and SCI of every sample, tagged or not, and refuses junk. */
static void test_peek_ckn(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < MKA_N_SAMPLES; i++) {
		uint8_t buf[MKA_MKPDU_MAX_FRAME], ckn[MKA_CKN_MAX];
		uint8_t ckn_len = 0;
		uint64_t sci = 0;
		size_t len;

		mkpdu_sample(i, &m1);
		assert_int_equal(mka_mkpdu_encode(&m1, buf, sizeof(buf), &len), 0);
		assert_int_equal(mka_mkpdu_peek_ckn(buf, len, m1.ethertype, ckn, &ckn_len, &sci), 0);
		assert_int_equal(ckn_len, m1.basic.ckn_len);
		assert_true(sci == m1.basic.sci);
		assert_int_equal(mka_mkpdu_peek_ckn(buf, len, m1.ethertype, ckn, &ckn_len, NULL), 0);
		assert_memory_equal(ckn, m1.basic.ckn, ckn_len);
		assert_int_equal(mka_mkpdu_peek_ckn(buf, len, 0x876f, ckn, &ckn_len, NULL), -EBADMSG);
		assert_int_equal(mka_mkpdu_peek_ckn(buf, 20, m1.ethertype, ckn, &ckn_len, NULL), -EBADMSG);
		buf[m1.vlan ? 24 : 20] &= 0xf0;   /* a Basic set body too short for a CKN */
		buf[m1.vlan ? 25 : 21] = 20;
		assert_int_equal(mka_mkpdu_peek_ckn(buf, len, m1.ethertype, ckn, &ckn_len, NULL), -EBADMSG);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_peek_ckn),
		cmocka_unit_test(test_known_layout),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_encode_limits),
		cmocka_unit_test(test_decode_cases),
		cmocka_unit_test(test_decode_details),
		cmocka_unit_test(test_decode_robust),
	};

	return cmocka_run_group_tests_name("mka-mkpdu", tests, NULL, NULL);
}
