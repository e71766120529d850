/* SPDX-License-Identifier: BSD-3-Clause */
/* Config loader regressions found by the fuzzer (tests/fuzz/regress/config), as plain tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "pn.h"

static const char base[] =
	"links:\n"
	"  - name: l0\n"
	"    plain: {port: \"net_null0\"}\n"
	"    protected: {port: \"net_null1\"}\n"
	"    secy: {cipher_suite: gcm-aes-xpn-128, sci: \"0200000a01000001\"}\n"
	"    key_agreement: static\n"
	"    static:\n"
	"      tx_sa:\n"
	"        - {an: 0, key: \"000102030405060708090a0b0c0d0e0f\", ssci: 1, "
	"salt: \"0102030405060708090a0b0c\", pn: %s}\n"
	"      rx_sc:\n"
	"        - sci: \"%s\"\n"
	"          sa:\n"
	"            - {an: 0, key: \"0f0e0d0c0b0a09080706050403020100\", ssci: 2, "
	"salt: \"0102030405060708090a0b0c\"}\n";

static int load(const char *pn, const char *sci, char *err, size_t len)
{
	static char text[4096];
	static struct gw_conf conf;
	int rc;

	snprintf(text, sizeof(text), base, pn, sci);
	rc = gw_config_parse("r.yaml", text, strlen(text), &conf, err, len);
	gw_config_wipe(&conf);
	return rc;
}

/* An XPN PN the SecY refuses (above MACSEC_XPN_MAX) is a config error at its line. */
static void test_xpn_pn_max(void **state)
{
	char err[512], pn[32];

	(void)state;
	snprintf(pn, sizeof(pn), "0x%llx", (unsigned long long)MACSEC_XPN_MAX);
	assert_int_equal(load(pn, "0200000b01000001", err, sizeof(err)), 0);
	assert_int_not_equal(load("0xffffffffffffffff", "0200000b01000001", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "r.yaml:9:"));
	assert_non_null(strstr(err, "links[0].static.tx_sa[0].pn"));
}

/* A value with a newline stays inside one message line. */
static void test_newline_in_message(void **state)
{
	char err[512];

	(void)state;
	assert_int_not_equal(load("1", "02000\\n0b01000001", err, sizeof(err)), 0);
	assert_null(strchr(err, '\n'));
	assert_non_null(strstr(err, "r.yaml:11:"));
	for (const char *c = err; *c; c++)
		assert_true((unsigned char)*c >= 0x20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xpn_pn_max),
		cmocka_unit_test(test_newline_in_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
