/* SPDX-License-Identifier: BSD-3-Clause */
/* Config loader: a numbered table of good and broken files, each error pinned to its line and key. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

/* The files are in tests/config/cases/; each is copied into a temporary directory that
 * also holds the key files below, so relative key_file paths and modes are known. */
static const char *g_cases;
static char g_tmp[] = "/tmp/gw-config-test.XXXXXX";

static const uint8_t K1[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
			       0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
static const uint8_t SALT[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

struct key_file {
	const char *name;
	const char *text;
	mode_t mode;
};

static const struct key_file key_files[] = {
	{"k128.key", "00112233445566778899aabbccddeeff\n", 0600},
	{"k256.key", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 0600},
	{"k256b.key", "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100\r\n", 0400},
	{"world.key", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 0644},
	{"group.key", "00112233445566778899aabbccddeeff", 0640},
	{"badhex.key", "this is not hex\n", 0600},
};

static void k256(uint8_t out[32], bool reversed)
{
	for (unsigned int i = 0; i < 32; i++)
		out[i] = (uint8_t)(reversed ? 31 - i : i);
}

static void check_good_static(const struct gw_conf *c)
{
	const struct gw_link_conf *l = &c->links[0];

	/* Defaults, as docs/config.md states them. */
	assert_string_equal(c->socket_path, "/run/macsec-gw/ctl.sock");
	assert_int_equal(c->control_lcore, 0);
	assert_int_equal(c->n_workers, 1);
	assert_int_equal(c->workers[0], 1);
	assert_string_equal(c->crypto, "auto");
	assert_int_equal(c->idle_sleep_us, 0);
	assert_int_equal(c->mbufs, 0);
	assert_string_equal(c->state_dir, "/var/lib/macsec-gw");
	assert_int_equal(c->pn_reserve, 1u << 20);
	assert_int_equal(c->n_links, 1);
	assert_string_equal(l->name, "l0");
	assert_string_equal(l->plain.dev, "net_null0");
	assert_string_equal(l->protected_.dev, "net_null1");
	assert_int_equal(l->plain.rx_queues, 1);
	assert_int_equal(l->plain.rx_desc, 1024);
	assert_int_equal(l->protected_.tx_desc, 1024);
	assert_int_equal(l->secy.cipher_suite, MACSEC_CS_GCM_AES_128);
	assert_true(l->secy.protect_frames && l->secy.encrypt && l->secy.include_sci);
	assert_true(l->secy.replay_protect);
	assert_false(l->secy.use_es || l->secy.use_scb);
	assert_int_equal(l->secy.replay_window, 64);
	assert_int_equal(l->secy.validate_frames, MACSEC_VALIDATE_STRICT);
	assert_int_equal(l->secy.xpn_recovery, MACSEC_XPN_RECOVERY_IEEE);
	assert_int_equal(l->secy.confidentiality_offset, 0);
	assert_int_equal(l->secy.vlan_tags_in_clear, 0);
	assert_int_equal(l->secy.mtu, 1532);
	assert_true(l->sci_set);
	assert_true(l->secy.sci == 0x0200000a01000001ull);
	assert_int_equal(l->ka, GW_KA_STATIC);
	assert_int_equal(l->eapol_ethertype, 0x888E);
	assert_int_equal(l->st.n_tx_sa, 1);
	assert_int_equal(l->st.encoding_an, 0);
	assert_true(l->st.tx_sa[0].pn == 1);
	assert_true(l->st.tx_sa[0].active);
	assert_int_equal(l->st.tx_sa[0].key_len, 16);
	assert_memory_equal(l->st.tx_sa[0].key, K1, 16);
	assert_int_equal(l->st.n_rx_sc, 1);
	assert_true(l->st.rx_sc[0].sci == 0x0200000b01000001ull);
	assert_int_equal(l->st.rx_sc[0].n_sa, 1);
}

static void check_good_xpn(const struct gw_conf *c)
{
	const struct gw_link_conf *l = &c->links[0];
	const struct gw_static_conf *st = &l->st;
	uint8_t k[32], kr[32];

	k256(k, false);
	k256(kr, true);
	assert_int_equal(l->secy.cipher_suite, MACSEC_CS_GCM_AES_XPN_256);
	assert_int_equal(l->secy.mtu, 9000);
	assert_int_equal(l->secy.replay_window, 0);
	assert_int_equal(l->secy.validate_frames, MACSEC_VALIDATE_CHECK);
	assert_int_equal(l->secy.confidentiality_offset, 30);
	assert_int_equal(st->n_tx_sa, 2);
	assert_int_equal(st->encoding_an, 2);
	assert_true(st->tx_sa[0].pn == 0x100000000ull);          /* XPN: beyond 32 bits */
	assert_int_equal(st->tx_sa[0].key_len, 32);
	assert_memory_equal(st->tx_sa[0].key, k, 32);            /* from k256.key */
	assert_int_equal(st->tx_sa[0].key_id_len, 2);
	assert_int_equal(st->tx_sa[0].key_id[1], 0x0b);
	assert_true(st->tx_sa[0].has_ssci && st->tx_sa[0].has_salt);
	assert_int_equal(st->tx_sa[0].ssci, 1);
	assert_memory_equal(st->tx_sa[0].salt, SALT, 12);
	assert_int_equal(st->tx_sa[1].an, 2);
	assert_false(st->tx_sa[1].active);
	assert_memory_equal(st->tx_sa[1].key, k, 32);            /* inline with 0x */
	assert_int_equal(st->n_rx_sc, 2);
	assert_true(st->rx_sc[0].sci == 0x0200000b01000001ull);  /* MAC/port form */
	assert_true(st->rx_sc[0].sa[0].pn == 7);
	assert_memory_equal(st->rx_sc[0].sa[0].key, kr, 32);     /* k256b.key, CRLF ending */
	assert_true(st->rx_sc[1].sci == 0x0200000c01000001ull);
	assert_int_equal(st->rx_sc[1].sa[0].an, 1);
	assert_int_equal(st->rx_sc[1].sa[0].ssci, 3);
	assert_memory_equal(st->rx_sc[1].sa[0].key, k, 32);      /* inline with ':' */
}

static void check_good_mka(const struct gw_conf *c)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	const struct gw_link_conf *l = &c->links[0];
	const struct gw_mka_conf *m = &l->mka;

	assert_int_equal(l->ka, GW_KA_MKA);
	assert_string_equal(l->plain.dev, "0000:3b:00.0");
	assert_int_equal(l->secy.cipher_suite, MACSEC_CS_GCM_AES_XPN_128);
	assert_int_equal(l->secy.vlan_tags_in_clear, 1);
	assert_int_equal(l->secy.mtu, 1536);                      /* 1500 + 32 + one tag */
	assert_false(l->sci_set);
	assert_int_equal(l->port_id, 1);
	assert_int_equal(m->cak_len, 16);
	assert_memory_equal(m->cak, K1, 16);                      /* k128.key, LF ending */
	assert_int_equal(m->ckn_len, 8);
	assert_memory_equal(m->ckn, "abcdefgh", 8);
	assert_int_equal(m->key_server_priority, 32);
	assert_int_equal(m->eapol_ethertype, 0x876F);
	assert_int_equal(l->eapol_ethertype, 0x876F);
	assert_memory_equal(m->eapol_dest, bcast, 6);
	assert_int_equal(m->eapol_vlan, 100);
	assert_int_equal(m->hello_time_ms, 1000);
	assert_int_equal(m->life_time_ms, 3000);                  /* 3 x hello by default */
	assert_int_equal(m->sak_rekey_interval_s, 3600);
	assert_int_equal(m->policy, GW_MKA_SHOULD_SECURE);
}

/* xpn_recovery (docs/conformance.md): taken with any suite, only XPN suites use it. */
static void check_good_xpn_recovery(const struct gw_conf *c)
{
	assert_int_equal(c->n_links, 3);
	assert_int_equal(c->links[0].secy.cipher_suite, MACSEC_CS_GCM_AES_XPN_128);
	assert_int_equal(c->links[0].secy.xpn_recovery, MACSEC_XPN_RECOVERY_LINUX);
	assert_int_equal(c->links[1].secy.cipher_suite, MACSEC_CS_GCM_AES_128);
	assert_int_equal(c->links[1].secy.xpn_recovery, MACSEC_XPN_RECOVERY_LINUX);
	assert_int_equal(c->links[2].secy.cipher_suite, MACSEC_CS_GCM_AES_XPN_256);
	assert_int_equal(c->links[2].secy.xpn_recovery, MACSEC_XPN_RECOVERY_IEEE);
}

/* Several workers (docs/threading.md): preserve_order and protected.spread, default true. */
static void check_good_workers(const struct gw_conf *c)
{
	assert_int_equal(c->n_workers, 2);
	assert_true(c->links[0].preserve_order);
	assert_true(c->links[0].protected_.spread);
	assert_int_equal(c->links[0].secy.replay_window, 0);
	assert_false(c->links[1].preserve_order);
	assert_false(c->links[1].protected_.spread);
}

/* PN reservations of static TX SAs (docs/pn-state.md); case 1 has the defaults. */
static void check_good_pn_state(const struct gw_conf *c)
{
	assert_string_equal(c->state_dir, "/srv/macsec-gw/state");
	assert_int_equal(c->pn_reserve, 0x10000);
}

static void check_good_es(const struct gw_conf *c)
{
	assert_true(c->links[0].secy.use_es);
	assert_false(c->links[0].secy.include_sci);
	assert_int_equal(c->links[0].port_id, 1);
}

struct config_case {
	int id;
	const char *file;
	int rc;
	unsigned int line, col;   /* where the error is; 0 for a good file */
	const char *key;          /* the key the message names */
	const char *what;         /* a phrase the message must hold */
	void (*check)(const struct gw_conf *c);
};

static const struct config_case cases[] = {
	{1, "01-good-static.yaml", 0, 0, 0, NULL, NULL, check_good_static},
	{2, "02-good-xpn-keyfiles.yaml", 0, 0, 0, NULL, NULL, check_good_xpn},
	{3, "03-good-mka.yaml", 0, 0, 0, NULL, NULL, check_good_mka},
	{4, "04-good-xpn-recovery.yaml", 0, 0, 0, NULL, NULL, check_good_xpn_recovery},
	{5, "05-good-workers.yaml", 0, 0, 0, NULL, NULL, check_good_workers},
	{10, "10-unknown-top-key.yaml", -EINVAL, 5, 1, "worker", "unknown key", NULL},
	{11, "11-unknown-secy-key.yaml", -EINVAL, 11, 7, "links[0].secy.replay_windw", "unknown key", NULL},
	{12, "12-wrong-type-mtu.yaml", -EINVAL, 11, 12, "links[0].secy.mtu", "expected an integer, got a list", NULL},
	{13, "13-wrong-type-bool.yaml", -EINVAL, 10, 16, "links[0].secy.encrypt", "expected true or false", NULL},
	{14, "14-mtu-range.yaml", -EINVAL, 10, 12, "links[0].secy.mtu", "out of range", NULL},
	{15, "15-bad-hex-key.yaml", -EINVAL, 15, 24, "links[0].static.tx_sa[0].key", "not a hex digit", NULL},
	{16, "16-short-key.yaml", -EINVAL, 18, 28, "links[0].static.rx_sc[0].sa[0].key", "needs a 32-octet key", NULL},
	{17, "17-bad-suite.yaml", -EINVAL, 10, 21, "links[0].secy.cipher_suite", "unknown cipher suite", NULL},
	{18, "18-dup-rx-sci.yaml", -EINVAL, 19, 16, "links[0].static.rx_sc[1].sci", "duplicate RX SCI", NULL},
	{19, "19-dup-an.yaml", -EINVAL, 17, 16, "links[0].static.tx_sa[1].an", "AN 1 is already used", NULL},
	{20, "20-missing-port.yaml", -EINVAL, 7, 5, "links[0].plain.port", "missing required key", NULL},
	{21, "21-missing-tx-sa.yaml", -EINVAL, 13, 5, "links[0].static.tx_sa", "missing required key", NULL},
	{22, "22-xpn-no-ssci.yaml", -EINVAL, 15, 11, "links[0].static.tx_sa[0].ssci", "missing required key", NULL},
	{23, "23-xpn-no-salt.yaml", -EINVAL, 19, 15, "links[0].static.rx_sc[0].sa[0].salt", "missing required key", NULL},
	{24, "24-world-readable-key.yaml", -EINVAL, 19, 33, "links[0].static.rx_sc[0].sa[0].key_file", "by group or others (mode 0644): refused", NULL},
	{25, "25-group-readable-key.yaml", -EINVAL, 15, 29, "links[0].static.tx_sa[0].key_file", "by group or others (mode 0640): refused", NULL},
	{26, "26-missing-key-file.yaml", -EINVAL, 15, 29, "links[0].static.tx_sa[0].key_file", "No such file", NULL},
	{27, "27-dup-link-name.yaml", -EINVAL, 20, 11, "links[1].name", "duplicate link name", NULL},
	{28, "28-same-port-two-links.yaml", -EINVAL, 22, 23, "links[1].protected.port", "device 0000:3b:00.1 is already links[0].protected.port", NULL},
	{29, "29-worker-is-control.yaml", -EINVAL, 4, 14, "workers[1]", "is the control lcore", NULL},
	{30, "30-key-and-key-file.yaml", -EINVAL, 15, 70, "links[0].static.tx_sa[0].key_file", "not both", NULL},
	{31, "31-odd-hex.yaml", -EINVAL, 15, 24, "links[0].static.tx_sa[0].key", "odd number of hex digits", NULL},
	{32, "32-ssci-not-xpn.yaml", -EINVAL, 15, 66, "links[0].static.tx_sa[0].ssci", "only XPN", NULL},
	{33, "33-dup-key.yaml", -EINVAL, 11, 7, "links[0].secy.cipher_suite", "duplicate key", NULL},
	{34, "34-syntax.yaml", -EINVAL, 8, 5, "yaml", "did not find expected", NULL},
	{35, "35-mka-no-ckn.yaml", -EINVAL, 13, 5, "links[0].mka.ckn", "missing required key", NULL},
	{36, "36-mka-cak-length.yaml", -EINVAL, 14, 12, "links[0].mka.cak", "16 or 32 octets", NULL},
	{37, "37-mka-destination.yaml", -EINVAL, 17, 47, "links[0].mka.eapol.destination", "MAC address", NULL},
	{38, "38-encoding-an.yaml", -EINVAL, 14, 20, "links[0].static.encoding_an", "no tx_sa has AN 3", NULL},
	{39, "39-same-device-in-link.yaml", -EINVAL, 8, 23, "links[0].protected.port", "same device", NULL},
	{40, "40-es-with-sci.yaml", -EINVAL, 10, 15, "links[0].secy.use_es", "include_sci: false", NULL},
	{41, "41-conf-offset.yaml", -EINVAL, 10, 31, "links[0].secy.confidentiality_offset", "0, 30 or 50", NULL},
	{42, "42-xpn-nonce-clash.yaml", -EINVAL, 19, 49, "links[0].static.rx_sc[0].sa[0].ssci", "nonces would repeat", NULL},
	{43, "43-static-with-mka.yaml", -EINVAL, 13, 13, "links[0].static", "not used with key_agreement: mka", NULL},
	{44, "44-empty.yaml", -EINVAL, 1, 1, "(top)", "no configuration", NULL},
	{45, "45-pn-zero.yaml", -EINVAL, 15, 23, "links[0].static.tx_sa[0].pn", "out of range 1..4294967295", NULL},
	{46, "46-rx-sci-is-own.yaml", -EINVAL, 17, 16, "links[0].static.rx_sc[0].sci", "own sci", NULL},
	{47, "47-bad-hex-key-file.yaml", -EINVAL, 15, 29, "links[0].static.tx_sa[0].key_file", "not a hex digit", NULL},
	{48, "48-two-documents.yaml", -EINVAL, 21, 1, "(top)", "second YAML document", NULL},
	{49, "49-no-key-agreement.yaml", -EINVAL, 6, 5, "links[0].key_agreement", "missing required key", NULL},
	{50, "50-links-not-list.yaml", -EINVAL, 5, 3, "links", "expected a list, got a mapping", NULL},
	{51, "51-replay-window-xpn.yaml", -EINVAL, 12, 22, "links[0].secy.replay_window", "out of range 0..1073741823", NULL},
	{52, "52-vlan-in-clear.yaml", -EINVAL, 10, 27, "links[0].secy.vlan_tags_in_clear", "out of range 0..2", NULL},
	{53, "53-mka-lifetime.yaml", -EINVAL, 21, 21, "links[0].mka.life_time_ms", "longer than hello_time_ms", NULL},
	{54, "54-rx-queues-workers.yaml", -EINVAL, 6, 43, "links[0].plain.rx_queues", "each queue needs its own worker", NULL},
	{55, "55-xpn-rx-clash.yaml", -EINVAL, 22, 50, "links[0].static.rx_sc[1].sa[0].ssci", "same key and ssci as rx_sc[0].sa[0]", NULL},
	{56, "56-xpn-recovery.yaml", -EINVAL, 11, 21, "links[0].secy.xpn_recovery", "'kernel' is not one of ieee | linux", NULL},
	{57, "57-spread-on-plain.yaml", -EINVAL, 7, 40, "links[0].plain.spread", "only for the protected port", NULL},
	{58, "58-good-pn-state.yaml", 0, 0, 0, NULL, NULL, check_good_pn_state},
	{59, "59-state-dir-relative.yaml", -EINVAL, 5, 12, "state_dir", "must be an absolute path", NULL},
	{60, "60-pn-reserve-range.yaml", -EINVAL, 5, 13, "pn_reserve", "out of range 256..1073741824", NULL},
	{61, "61-es-port.yaml", -EINVAL, 11, 15, "links[0].secy.use_es", "port identifier 1", NULL},
	{62, "62-es-sci-port.yaml", -EINVAL, 11, 15, "links[0].secy.use_es", "port identifier 1", NULL},
	{63, "63-es-good.yaml", 0, 0, 0, NULL, NULL, check_good_es},
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static void copy_case(const char *name, char *dst, size_t dst_len)
{
	char src[PATH_MAX], buf[8192];
	FILE *in, *out;
	size_t n;

	snprintf(src, sizeof(src), "%s/%s", g_cases, name);
	snprintf(dst, dst_len, "%s/%s", g_tmp, name);
	in = fopen(src, "r");
	assert_non_null(in);
	out = fopen(dst, "w");
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	fclose(out);
}

static void test_case(void **state)
{
	const struct config_case *tc = *state;
	struct gw_conf *conf = malloc(sizeof(*conf)), *before = malloc(sizeof(*conf));
	char path[PATH_MAX], want[PATH_MAX + 256], err[512];
	int rc;

	assert_non_null(conf);
	assert_non_null(before);
	copy_case(tc->file, path, sizeof(path));
	memset(conf, 0xa5, sizeof(*conf));
	memcpy(before, conf, sizeof(*conf));
	memset(err, 'x', sizeof(err));
	rc = gw_config_load(path, conf, err, sizeof(err));
	if (rc != tc->rc)
		print_error("case %d %s: rc %d, want %d; message: %s\n", tc->id, tc->file, rc, tc->rc,
			    rc < 0 ? err : "");
	assert_int_equal(rc, tc->rc);
	if (tc->rc == 0) {
		assert_string_equal(err, "");
		tc->check(conf);
		gw_config_wipe(conf);
	} else {
		/* FILE:LINE:COL: KEY: what, on one line. */
		snprintf(want, sizeof(want), "%s:%u:%u: %s: ", path, tc->line, tc->col, tc->key);
		if (strncmp(err, want, strlen(want)) != 0 || strstr(err, tc->what) == NULL)
			print_error("case %d %s:\n  got  %s\n  want %s...%s\n", tc->id, tc->file, err,
				    want, tc->what);
		assert_int_equal(strncmp(err, want, strlen(want)), 0);
		assert_non_null(strstr(err, tc->what));
		assert_null(strchr(err, '\n'));
		/* Never echo key material. */
		assert_null(strstr(err, "00112233445566778899aabbccddee"));
		/* All-or-nothing: the caller's struct is untouched. */
		assert_memory_equal(conf, before, sizeof(*conf));
	}
	free(conf);
	free(before);
}

/* Every key read from a file or inline is gone after gw_config_wipe(). */
static void test_wipe(void **state)
{
	struct gw_conf *conf = calloc(1, sizeof(*conf));
	static const uint8_t zero[32];
	char path[PATH_MAX], err[512];

	(void)state;
	assert_non_null(conf);
	copy_case("02-good-xpn-keyfiles.yaml", path, sizeof(path));
	assert_int_equal(gw_config_load(path, conf, err, sizeof(err)), 0);
	gw_config_wipe(conf);
	for (unsigned int i = 0; i < MACSEC_NUM_AN; i++)
		assert_memory_equal(conf->links[0].st.tx_sa[i].key, zero, 32);
	assert_memory_equal(conf->links[0].st.rx_sc[0].sa[0].key, zero, 32);
	assert_memory_equal(conf->links[0].st.rx_sc[1].sa[0].key, zero, 32);
	assert_memory_equal(conf->links[0].st.tx_sa[0].salt, zero, 12);
	/* What status and the control socket show stays. */
	assert_int_equal(conf->links[0].st.n_rx_sc, 2);
	assert_true(conf->links[0].st.rx_sc[1].sci == 0x0200000c01000001ull);
	assert_string_equal(conf->links[0].name, "l0");
	copy_case("03-good-mka.yaml", path, sizeof(path));
	assert_int_equal(gw_config_load(path, conf, err, sizeof(err)), 0);
	gw_config_wipe(conf);
	assert_memory_equal(conf->links[0].mka.cak, zero, 32);
	free(conf);
}

/* A missing file or a directory is an error naming the file, and nothing more. */
static void test_no_file(void **state)
{
	struct gw_conf conf;
	char err[512], path[PATH_MAX];

	(void)state;
	snprintf(path, sizeof(path), "%s/does-not-exist.yaml", g_tmp);
	assert_int_equal(gw_config_load(path, &conf, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "does-not-exist.yaml: cannot read: No such file"));
	assert_int_equal(gw_config_load(g_tmp, &conf, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "not a regular file"));
}

/* Every file in cases/ is in the table, so none is silently skipped. */
static void test_all_cases_listed(void **state)
{
	DIR *d = opendir(g_cases);
	struct dirent *e;
	unsigned int files = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name), i;

		if (len < 5 || strcmp(e->d_name + len - 5, ".yaml") != 0)
			continue;
		for (i = 0; i < N_CASES && strcmp(cases[i].file, e->d_name) != 0; i++)
			;
		if (i == N_CASES)
			print_error("%s/%s is not in the case table\n", g_cases, e->d_name);
		assert_true(i < N_CASES);
		files++;
	}
	closedir(d);
	assert_int_equal(files, N_CASES);
}

static int parse_text(const char *text, char *err, size_t err_len)
{
	struct gw_conf *conf = calloc(1, sizeof(*conf));
	int rc;

	assert_non_null(conf);
	rc = gw_config_parse("mem.yaml", text, strlen(text), conf, err, err_len);
	gw_config_wipe(conf);
	free(conf);
	return rc;
}

/* The buffer API: bad encoding still gets a line, a FIFO key file does not hang. */
static void test_buffer(void **state)
{
	char err[512], text[PATH_MAX + 512], fifo[PATH_MAX];

	(void)state;
	assert_int_equal(parse_text("workers: [1]\nlinks: []\n", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "mem.yaml:2:8: links: must not be empty");
	assert_int_equal(parse_text("workers: [1]\nlinks: \xff\n", err, sizeof(err)), -EINVAL);
	assert_int_equal(strncmp(err, "mem.yaml:2:8: yaml: ", 20), 0);
	snprintf(fifo, sizeof(fifo), "%s/fifo.key", g_tmp);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	snprintf(text, sizeof(text),
		 "links:\n"
		 "  - name: f\n"
		 "    plain: {port: net_null0}\n"
		 "    protected: {port: net_null1}\n"
		 "    key_agreement: static\n"
		 "    static: {tx_sa: [{an: 0, key_file: %s}]}\n", fifo);
	assert_int_equal(parse_text(text, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "mem.yaml:6:40: links[0].static.tx_sa[0].key_file: key file "));
	assert_non_null(strstr(err, "is not a regular file"));
	unlink(fifo);
	/* MAC forms and aliases for the EAPOL destination. */
	snprintf(text, sizeof(text),
		 "links:\n"
		 "  - name: m\n"
		 "    plain: {port: net_null0}\n"
		 "    protected: {port: net_null1}\n"
		 "    key_agreement: mka\n"
		 "    mka: {cak: 00112233445566778899aabbccddeeff, ckn: 01,\n"
		 "          eapol: {destination: %s}}\n", "0180C200000E");
	assert_int_equal(parse_text(text, err, sizeof(err)), 0);
}

static int group_setup(void **state)
{
	(void)state;
	if (mkdtemp(g_tmp) == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(key_files) / sizeof(key_files[0]); i++) {
		char path[PATH_MAX];
		int fd;

		snprintf(path, sizeof(path), "%s/%s", g_tmp, key_files[i].name);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || write(fd, key_files[i].text, strlen(key_files[i].text)) < 0 ||
		    fchmod(fd, key_files[i].mode) != 0)
			return -1;
		close(fd);
	}
	return 0;
}

static int group_teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", g_tmp);
	return system(cmd) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct CMUnitTest tests[N_CASES + 4];
	char names[N_CASES][64];
	size_t n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s CASES_DIR\n", argv[0]);
		return 2;
	}
	g_cases = argv[1];
	for (size_t i = 0; i < N_CASES; i++, n++) {
		snprintf(names[i], sizeof(names[i]), "case %02d %s", cases[i].id, cases[i].file);
		tests[n] = (struct CMUnitTest){names[i], test_case, NULL, NULL, (void *)&cases[i]};
	}
	tests[n++] = (struct CMUnitTest){"wipe", test_wipe, NULL, NULL, NULL};
	tests[n++] = (struct CMUnitTest){"no_file", test_no_file, NULL, NULL, NULL};
	tests[n++] = (struct CMUnitTest){"buffer", test_buffer, NULL, NULL, NULL};
	tests[n++] = (struct CMUnitTest){"all_cases_listed", test_all_cases_listed, NULL, NULL, NULL};
	return _cmocka_run_group_tests("config", tests, n, group_setup, group_teardown);
}
