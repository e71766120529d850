/* SPDX-License-Identifier: BSD-3-Clause */
/* SecTAG codec (802.1AE clause 9) and PN helpers: numbered case tables, no EAL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pn.h"
#include "sectag.h"

/* A frame from the EtherType on: SecTAG, @c data octets of secure data, ICV, @c pad octets. */
struct tag_case {
	const char *name;
	uint16_t ethertype;
	uint8_t tci_an;
	uint8_t sl;
	uint32_t pn;
	uint32_t data;       /* secure data octets actually present */
	uint32_t pad;        /* octets after the ICV (minimum-frame padding) */
	int truncate;        /* > 0: frame cut to this many octets */
	bool xpn;
	enum macsec_sectag_err want;
	uint32_t want_secure_len;
};

static const struct tag_case cases[] = {
	/* 1 */ {"no SCI, 48 octets, SL 0", 0x88E5, 0x0C, 0, 1, 48, 0, 0, false, MACSEC_SECTAG_OK, 48},
	/* 2 */ {"SCI, 100 octets", 0x88E5, 0x2C, 0, 7, 100, 0, 0, false, MACSEC_SECTAG_OK, 100},
	/* 3 */ {"SL 20 exact", 0x88E5, 0x2C, 20, 7, 20, 0, 0, false, MACSEC_SECTAG_OK, 20},
	/* 4 */ {"SL 20 + padding", 0x88E5, 0x2C, 20, 7, 20, 26, 0, false, MACSEC_SECTAG_OK, 20},
	/* 5 */ {"SL 20, 10 present", 0x88E5, 0x2C, 20, 7, 10, 0, 0, false, MACSEC_SECTAG_BAD_LEN, 0},
	/* 6 */ {"SL 0, 47 present", 0x88E5, 0x2C, 0, 7, 47, 0, 0, false, MACSEC_SECTAG_BAD_LEN, 0},
	/* 7 */ {"SL 47 exact", 0x88E5, 0x2C, 47, 7, 47, 0, 0, false, MACSEC_SECTAG_OK, 47},
	/* 8 */ {"SL 48", 0x88E5, 0x2C, 48, 7, 48, 0, 0, false, MACSEC_SECTAG_BAD_SL, 0},
	/* 9 */ {"SL 0x80 (top bit)", 0x88E5, 0x2C, 0x80, 7, 60, 0, 0, false, MACSEC_SECTAG_BAD_SL, 0},
	/* 10 */ {"SL 0x41 (bit 6)", 0x88E5, 0x2C, 0x41, 7, 60, 0, 0, false, MACSEC_SECTAG_BAD_SL, 0},
	/* 11 */ {"V = 1", 0x88E5, 0xAC, 0, 7, 60, 0, 0, false, MACSEC_SECTAG_BAD_V, 0},
	/* 12 */ {"ES with SC", 0x88E5, 0x6C, 0, 7, 60, 0, 0, false, MACSEC_SECTAG_BAD_ES_SC, 0},
	/* 13 */ {"SCB with SC", 0x88E5, 0x3C, 0, 7, 60, 0, 0, false, MACSEC_SECTAG_BAD_SCB_SC, 0},
	/* 14 */ {"C without E", 0x88E5, 0x24, 0, 7, 60, 0, 0, false, MACSEC_SECTAG_BAD_E_C, 0},
	/* 15 */ {"PN 0", 0x88E5, 0x2C, 0, 0, 60, 0, 0, false, MACSEC_SECTAG_BAD_PN, 0},
	/* 16 */ {"PN 0 with XPN (low half)", 0x88E5, 0x2C, 0, 0, 60, 0, 0, true, MACSEC_SECTAG_OK, 60},
	/* 17 */ {"EtherType 0x88E6", 0x88E6, 0x2C, 0, 7, 60, 0, 0, false, MACSEC_SECTAG_NOT_MACSEC, 0},
	/* 18 */ {"7 octets", 0x88E5, 0x0C, 0, 7, 60, 0, 7, false, MACSEC_SECTAG_TRUNCATED, 0},
	/* 19 */ {"SCI cut", 0x88E5, 0x2C, 0, 7, 60, 0, 12, false, MACSEC_SECTAG_TRUNCATED, 0},
	/* 20 */ {"ICV cut", 0x88E5, 0x2C, 0, 7, 0, 0, 31, false, MACSEC_SECTAG_TRUNCATED, 0},
	/* 21 */ {"ES, no SCI", 0x88E5, 0x4C, 2, 7, 2, 0, 0, false, MACSEC_SECTAG_OK, 2},
	/* 22 */ {"ES and SCB, no SCI", 0x88E5, 0x5C, 0, 7, 64, 0, 0, false, MACSEC_SECTAG_OK, 64},
	/* 23 */ {"integrity only", 0x88E5, 0x20, 0, 7, 1500, 0, 0, false, MACSEC_SECTAG_OK, 1500},
	/* 24 */ {"SL 0 and no data", 0x88E5, 0x2C, 0, 7, 0, 0, 0, false, MACSEC_SECTAG_BAD_LEN, 0},
	/* 25 */ {"SL 2 (EtherType only)", 0x88E5, 0x2C, 2, 7, 2, 44, 0, false, MACSEC_SECTAG_OK, 2},
	/* 26 */ {"8 octets, no SCI, no ICV", 0x88E5, 0x0C, 0, 7, 0, 0, 8, false, MACSEC_SECTAG_TRUNCATED, 0},
};

static void test_decode_table(void **state)
{
	static uint8_t f[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tag_case *c = &cases[i];
		bool sci = c->tci_an & MACSEC_TCI_SC;
		size_t len = 0;
		struct macsec_sectag t;
		enum macsec_sectag_err e;

		memset(f, 0xA5, sizeof(f));
		macsec_put_be16(f, c->ethertype);
		f[2] = c->tci_an;
		f[3] = c->sl;
		macsec_put_be32(f + 4, c->pn);
		len = 8;
		if (sci) {
			macsec_put_be64(f + 8, 0x1122334455660001ull);
			len += 8;
		}
		len += c->data + MACSEC_ICV_LEN + c->pad;
		if (c->truncate > 0)
			len = (size_t)c->truncate;
		memset(&t, 0, sizeof(t));
		e = macsec_sectag_decode(f, len, c->xpn, &t);
		if (e != c->want)
			fail_msg("case %zu (%s): got '%s', want '%s'", i + 1, c->name,
				 macsec_sectag_strerror(e), macsec_sectag_strerror(c->want));
		if (e != MACSEC_SECTAG_OK)
			continue;
		assert_int_equal(t.secure_len, c->want_secure_len);
		assert_int_equal(t.len, sci ? 16 : 8);
		assert_int_equal(t.an, c->tci_an & 3);
		assert_int_equal(t.tci, c->tci_an & 0xFC);
		assert_int_equal(t.pn, c->pn);
		assert_int_equal(t.sl, c->sl);
		if (sci)
			assert_true(t.sci == 0x1122334455660001ull);
		else
			assert_true(t.sci == 0);
	}
}

/* Encode then decode gives the same tag, and SL follows 9.7 at every length around 48. */
static void test_encode_roundtrip(void **state)
{
	static uint8_t f[256];

	(void)state;
	for (uint32_t data = 2; data < 100; data++) {
		for (int withsci = 0; withsci < 2; withsci++) {
			struct macsec_sectag in = {0}, out;
			size_t n;

			in.tci = (uint8_t)(MACSEC_TCI_E | MACSEC_TCI_C | (withsci ? MACSEC_TCI_SC : 0));
			in.an = (uint8_t)(data & 3);
			in.pn = 0x01020304u + data;
			in.sci = 0xAABBCCDDEEFF0001ull;
			n = macsec_sectag_encode(f, &in, data);
			assert_int_equal(n, withsci ? 16 : 8);
			assert_int_equal(f[3], data < 48 ? data : 0);
			assert_int_equal(macsec_sectag_decode(f, n + data + 16, false, &out),
					 MACSEC_SECTAG_OK);
			assert_int_equal(out.tci, in.tci);
			assert_int_equal(out.an, in.an);
			assert_int_equal(out.pn, in.pn);
			assert_int_equal(out.secure_len, data);
			assert_true(out.sci == (withsci ? in.sci : 0));
		}
	}
}

/* Every decode result has a name. */
static void test_strerror(void **state)
{
	(void)state;
	for (int e = MACSEC_SECTAG_OK; e <= MACSEC_SECTAG_BAD_PN; e++)
		assert_string_not_equal(macsec_sectag_strerror((enum macsec_sectag_err)e), "unknown");
}

/* XPN recovery, both rules (pn.h), and the lowest acceptable PN: numbered table. */
static void test_pn_tables(void **state)
{
	static const struct {
		uint64_t lowest, next;
		uint32_t lo;
		uint64_t ieee, linux_;
	} t[] = {
		/* 1 */ {1, 1, 5, 5, 5},
		/* 2 */ {0xFFFFFFDF, 0xFFFFFFFF, 0x62, 0x100000062, 0x100000062},
		/* 3 */ {0x100000043, 0x100000063, 0x58, 0x100000058, 0x100000058},
		/* 4 */ {0x100000043, 0x100000063, 0x02, 0x100000002, 0x100000002},
		/* 5 */ {0x100000063, 0x100000063, 0x58, 0x100000058, 0x100000058},
		/* 6 */ {0x17FFFFFF0, 0x180000010, 0x80000005, 0x180000005, 0x180000005},
		/* 7 */ {0x17FFFFFF0, 0x180000010, 0x7FFFFFF5, 0x17FFFFFF5, 0x27FFFFFF5},
		/* 8 */ {0x2FFFFFFFE, 0x2FFFFFFFF, 0xFFFFFFFF, 0x2FFFFFFFF, 0x2FFFFFFFF},
		/* 9 */ {0x2FFFFFFFE, 0x2FFFFFFFF, 0x00000000, 0x300000000, 0x300000000},
		/* 10 */ {0x7FFFFFFF, 0x7FFFFFFF, 0x00000000, 0x000000000, 0x000000000},
		/* 11 */ {0x80000001, 0x80000001, 0x00000000, 0x100000000, 0x100000000},
		/* 12 */ {0x80000001, 0x80000001, 0x7FFFFFFF, 0x17FFFFFFF, 0x17FFFFFFF},
		/* 13 */ {0x1FFFFFFF0, 0x200000010, 0xFFFFFFF0, 0x1FFFFFFF0, 0x2FFFFFFF0},
		/* 14 */ {0x1FFFFFFF0, 0x200000010, 0x00000005, 0x200000005, 0x200000005},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (macsec_xpn_recover(t[i].lowest, t[i].lo) != t[i].ieee)
			fail_msg("case %zu: IEEE rule gave %llx", i + 1,
				 (unsigned long long)macsec_xpn_recover(t[i].lowest, t[i].lo));
		if (macsec_xpn_recover_linux(t[i].next, t[i].lo) != t[i].linux_)
			fail_msg("case %zu: Linux rule gave %llx", i + 1,
				 (unsigned long long)macsec_xpn_recover_linux(t[i].next, t[i].lo));
	}
	assert_true(macsec_lowest_pn(1, 0) == 1);
	assert_true(macsec_lowest_pn(1, 64) == 1);
	assert_true(macsec_lowest_pn(64, 64) == 1);
	assert_true(macsec_lowest_pn(65, 64) == 1);
	assert_true(macsec_lowest_pn(66, 64) == 2);
	assert_true(macsec_lowest_pn(0x4c, 0) == 0x4c);
	assert_true(macsec_lowest_pn(0x4c, 32) == 0x2c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_table),
		cmocka_unit_test(test_encode_roundtrip),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_pn_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
