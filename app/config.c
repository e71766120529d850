/* SPDX-License-Identifier: BSD-3-Clause */
/* YAML configuration loader: the gateway's schema, every node checked, all-or-nothing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "config.h"
#include "pn.h"
#include "config_yaml.h"

#define CFG_FILE_MAX (1u << 20)      /* a config is a few KiB; refuse anything absurd */
#define CFG_LCORE_MAX 1023u          /* the EAL checks the real limit at start */
#define CFG_SUN_PATH_MAX 107u        /* sizeof(sockaddr_un.sun_path) - 1 */
#define CFG_MTU_PAYLOAD 1500u        /* what the plain side carries by default */
#define CFG_MTU_OVERHEAD 32u         /* SecTAG with SCI (16) + ICV (16) */
#define CFG_MTU_MAX 16000u           /* frames are linearised into a 16 KiB bounce buffer */
#define CFG_STATE_DIR "/var/lib/macsec-gw"
#define CFG_STATE_DIR_MAX 200u       /* room for "/LINK.pn.tmp" in a GW_PATH_MAX path */
#define CFG_PN_RESERVE (1u << 20)
#define CFG_PN_RESERVE_MIN 256u
#define CFG_PN_RESERVE_MAX (1u << 30)

/* --- 802.1 value types --- */

static int parse_mac(const char *s, uint8_t mac[6])
{
	static const struct { const char *name; uint8_t mac[6]; } alias[] = {
		{"pae-group", {0x01, 0x80, 0xc2, 0x00, 0x00, 0x03}},
		{"nearest-non-tpmr-bridge", {0x01, 0x80, 0xc2, 0x00, 0x00, 0x03}},
		{"nearest-customer-bridge", {0x01, 0x80, 0xc2, 0x00, 0x00, 0x00}},
		{"nearest-bridge", {0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e}},
		{"broadcast", {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
	};
	const char *why;
	size_t n = 0;

	for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (strcasecmp(s, alias[i].name) == 0) {
			memcpy(mac, alias[i].mac, 6);
			return 0;
		}
	if ((strlen(s) != 17 && strlen(s) != 12) ||
	    gw_yaml_hex_decode(s, strlen(s), mac, 6, &n, &why) < 0 || n != 6)
		return -EINVAL;
	return 0;
}

/* 16 hex digits, or MAC/port (02:00:00:0a:01:00/1), 802.1AE 8.2.1. */
static int get_sci(struct gw_yaml *p, const yaml_node_t *map, const char *name, uint64_t *sci)
{
	size_t old = 0, n = 0;
	yaml_node_t *v = gw_yaml_field(p, map, name, &old);
	const char *s, *slash, *why;
	uint8_t b[8];
	uint64_t port;

	if (v == NULL)
		return 0;
	if (gw_yaml_want_scalar(p, v, "an SCI") < 0)
		return -EINVAL;
	s = gw_yaml_sval(v);
	slash = strchr(s, '/');
	if (slash != NULL ? slash - s != 17 || gw_yaml_parse_u64(slash + 1, &port) != 0 ||
			    port > 0xffff || gw_yaml_hex_decode(s, 17, b, 6, &n, &why) < 0 || n != 6 :
			    gw_yaml_hex_decode(s, v->data.scalar.length, b, 8, &n, &why) < 0 || n != 8)
		return gw_yaml_fail(p, v, "expected 16 hex digits or MAC/port, got '%.40s'", s);
	if (slash != NULL) {
		b[6] = (uint8_t)(port >> 8);
		b[7] = (uint8_t)port;
	}
	*sci = 0;
	for (int i = 0; i < 8; i++)
		*sci = *sci << 8 | b[i];
	gw_yaml_key_pop(p, old);
	return 1;
}

/* --- sections --- */

static const char *const cfg_port_keys[] = {"port", "rx_queues", "rx_desc", "tx_desc", "spread",
					    NULL};

static int parse_port(struct gw_yaml *p, const yaml_node_t *link, const char *name,
		      struct gw_port_conf *pc, const yaml_node_t **port_node)
{
	const yaml_node_t *m;
	size_t old;
	int rc;

	rc = gw_yaml_get_map(p, link, name, cfg_port_keys, &m);
	if (rc <= 0)
		return rc < 0 ? rc : gw_yaml_missing(p, link, name);
	old = gw_yaml_key_push(p, ".%s", name);
	pc->rx_queues = 1;
	pc->rx_desc = pc->tx_desc = 1024;
	pc->spread = true;
	rc = gw_yaml_get_str(p, m, "port", pc->dev, sizeof(pc->dev), port_node);
	if (rc == 0)
		return gw_yaml_missing(p, m, "port");
	if (rc > 0 && (pc->dev[0] == '\0' || strpbrk(pc->dev, " \t") != NULL))
		return gw_yaml_fail(p, *port_node, "a PCI address or vdev string without blanks");
	if (rc > 0)
		rc = gw_yaml_get_uint(p, m, "rx_queues", 1,
				      strcmp(name, "protected") == 0 ? 1 : GW_MAX_WORKERS,
				      &pc->rx_queues);
	if (rc >= 0)
		rc = gw_yaml_get_uint(p, m, "rx_desc", 32, 32768, &pc->rx_desc);
	if (rc >= 0)
		rc = gw_yaml_get_uint(p, m, "tx_desc", 32, 32768, &pc->tx_desc);
	if (rc >= 0 && strcmp(name, "protected") != 0 && gw_yaml_map_find(p, m, "spread") != NULL) {
		gw_yaml_key_push(p, ".spread");
		return gw_yaml_fail(p, gw_yaml_map_find(p, m, "spread"),
				    "only for the protected port (RSS spreads the plain side)");
	}
	if (rc >= 0)
		rc = gw_yaml_get_bool(p, m, "spread", &pc->spread);
	if (rc < 0)
		return rc;
	gw_yaml_key_pop(p, old);
	return 0;
}

static const char *const cfg_secy_keys[] = {
	"cipher_suite", "encrypt", "confidentiality_offset", "include_sci", "replay_protect",
	"replay_window", "validate_frames", "mtu", "sci", "port_id", "vlan_tags_in_clear",
	"use_es", "use_scb", "protect_frames", "xpn_recovery", "preserve_order", NULL};
static const char *const cfg_validate_names[] = {"disabled", "check", "strict", NULL};
static const char *const cfg_xpn_recovery_names[] = {"ieee", "linux", NULL};

static int parse_secy(struct gw_yaml *p, const yaml_node_t *link, struct gw_link_conf *lc)
{
	struct macsec_secy_conf *s = &lc->secy, chk;
	const yaml_node_t *m, *v;
	const char *why = NULL;
	size_t old, o2 = 0;
	int rc, val = MACSEC_VALIDATE_STRICT, rec = 0;

	s->cipher_suite = MACSEC_CS_GCM_AES_128;      /* 802.1AE 14.5: the default suite */
	s->validate_frames = MACSEC_VALIDATE_STRICT;
	s->protect_frames = s->encrypt = s->include_sci = s->replay_protect = true;
	s->replay_window = 64;
	s->xpn_recovery = MACSEC_XPN_RECOVERY_IEEE;   /* 802.1AE 10.6.2 as written */
	lc->port_id = 1;
	lc->preserve_order = true;                    /* a bump in the wire does not reorder */
	rc = gw_yaml_get_map(p, link, "secy", cfg_secy_keys, &m);
	if (rc < 0)
		return rc;
	old = gw_yaml_key_push(p, ".secy");
	if ((v = gw_yaml_field(p, m, "cipher_suite", &o2)) != NULL) {
		if (gw_yaml_want_scalar(p, v, "a cipher suite name") < 0)
			return -EINVAL;
		if (macsec_cs_parse(gw_yaml_sval(v), &s->cipher_suite) < 0)
			return gw_yaml_fail(p, v, "unknown cipher suite '%.40s' (gcm-aes-128 | "
					    "gcm-aes-256 | gcm-aes-xpn-128 | gcm-aes-xpn-256)",
					    gw_yaml_sval(v));
		gw_yaml_key_pop(p, o2);
	}
	if (gw_yaml_get_bool(p, m, "protect_frames", &s->protect_frames) < 0 ||
	    gw_yaml_get_bool(p, m, "encrypt", &s->encrypt) < 0 ||
	    gw_yaml_get_uint(p, m, "confidentiality_offset", 0, 50, &s->confidentiality_offset) < 0 ||
	    gw_yaml_get_bool(p, m, "include_sci", &s->include_sci) < 0 ||
	    gw_yaml_get_bool(p, m, "use_es", &s->use_es) < 0 ||
	    gw_yaml_get_bool(p, m, "use_scb", &s->use_scb) < 0 ||
	    gw_yaml_get_bool(p, m, "replay_protect", &s->replay_protect) < 0 ||
	    gw_yaml_get_bool(p, m, "preserve_order", &lc->preserve_order) < 0 ||
	    gw_yaml_get_enum(p, m, "validate_frames", cfg_validate_names, &val) < 0 ||
	    gw_yaml_get_enum(p, m, "xpn_recovery", cfg_xpn_recovery_names, &rec) < 0 ||
	    gw_yaml_get_uint(p, m, "vlan_tags_in_clear", 0, MACSEC_MAX_CLEAR_TAGS,
			     &s->vlan_tags_in_clear) < 0)
		return -EINVAL;
	s->validate_frames = (enum macsec_validate)val;
	/* Taken with any suite (only XPN suites recover PN bits), so one secy block can be
	 * switched between suites without editing it. */
	s->xpn_recovery = rec == 0 ? MACSEC_XPN_RECOVERY_IEEE : MACSEC_XPN_RECOVERY_LINUX;
	if (s->confidentiality_offset != 0 && s->confidentiality_offset != 30 &&
	    s->confidentiality_offset != 50) {
		gw_yaml_key_push(p, ".confidentiality_offset");
		return gw_yaml_fail(p, gw_yaml_map_find(p, m, "confidentiality_offset"),
				    "must be 0, 30 or 50");
	}
	if ((s->use_es || s->use_scb) && s->include_sci) {
		gw_yaml_key_push(p, s->use_es ? ".use_es" : ".use_scb");
		return gw_yaml_fail(p, gw_yaml_map_find(p, m, s->use_es ? "use_es" : "use_scb"),
				    "needs include_sci: false (an explicit SCI excludes ES and SCB)");
	}
	/* 802.1AE 10.7.8: with XPN the replay window must stay below 2^30. */
	if (gw_yaml_get_uint(p, m, "replay_window", 0,
			     macsec_cs_is_xpn(s->cipher_suite) ? (1u << 30) - 1 : UINT32_MAX,
			     &s->replay_window) < 0)
		return -EINVAL;
	/* Default: a 1500-octet payload fits whatever the SecTAG and the tags in clear. */
	s->mtu = (uint16_t)(CFG_MTU_PAYLOAD + CFG_MTU_OVERHEAD + 4u * s->vlan_tags_in_clear);
	if (gw_yaml_get_uint(p, m, "mtu", 64 + CFG_MTU_OVERHEAD, CFG_MTU_MAX, &s->mtu) < 0)
		return -EINVAL;
	rc = get_sci(p, m, "sci", &s->sci);
	if (rc < 0)
		return rc;
	lc->sci_set = rc == 1;
	if ((v = gw_yaml_field(p, m, "port_id", &o2)) != NULL) {
		if (lc->sci_set)
			return gw_yaml_fail(p, v, "only used when sci is not given "
					    "(sci = protected MAC || port_id)");
		gw_yaml_key_pop(p, o2);
		if (gw_yaml_get_uint(p, m, "port_id", 1, 0xffff, &lc->port_id) < 0)
			return -EINVAL;
	}
	if (s->use_es && (lc->sci_set ? (uint16_t)(s->sci & 0xFFFFu) : lc->port_id) != 1) {
		gw_yaml_key_push(p, ".use_es");
		return gw_yaml_fail(p, gw_yaml_map_find(p, m, "use_es"),
				    "needs the SCI's port identifier 1 (a receiver takes the SCI of an "
				    "ES frame as its source address and port 1)");
	}
	/* the library's word is final; without sci the SCI is the port's MAC || port_id */
	chk = *s;
	if (!lc->sci_set)
		chk.sci = lc->port_id;
	if (macsec_secy_conf_check(&chk, &why) < 0)
		return gw_yaml_fail(p, m ? m : link, "%s", why);
	gw_yaml_key_pop(p, old);
	return 0;
}

static const char *const cfg_sa_keys[] = {
	"an", "pn", "key", "key_file", "ssci", "salt", "active", "key_id", NULL};

static int parse_sa(struct gw_yaml *p, const yaml_node_t *n, const struct gw_link_conf *lc,
		    struct gw_sa_conf *sa)
{
	const enum macsec_cipher_suite cs = lc->secy.cipher_suite;
	const bool xpn = macsec_cs_is_xpn(cs);
	const unsigned int lens[] = {macsec_cs_key_len(cs), 0};
	char len_why[64];
	uint8_t salt_len = 0;
	int rc;

	if (gw_yaml_map_check(p, n, cfg_sa_keys) < 0)
		return -EINVAL;
	sa->pn = 1;
	sa->active = true;
	rc = gw_yaml_get_uint(p, n, "an", 0, MACSEC_NUM_AN - 1, &sa->an);
	if (rc == 0)
		return gw_yaml_missing(p, n, "an");
	/* PN 0 is never sent (802.1AE 10.6.2); without XPN the PN is 32 bits. */
	if (rc < 0 || gw_yaml_get_u64(p, n, "pn", 1, xpn ? MACSEC_XPN_MAX : UINT32_MAX, &sa->pn) < 0 ||
	    gw_yaml_get_bool(p, n, "active", &sa->active) < 0 ||
	    gw_yaml_get_hex(p, n, "key_id", sa->key_id, 1, sizeof(sa->key_id), &sa->key_id_len) < 0)
		return -EINVAL;
	snprintf(len_why, sizeof(len_why), "%s needs a %u-octet key", macsec_cs_name(cs), lens[0]);
	if (gw_yaml_get_secret(p, n, "key", sa->key, &sa->key_len, lens, len_why) < 0)
		return -EINVAL;
	if (!xpn) {
		for (const char *const *k = (const char *const[]){"ssci", "salt", NULL}; *k; k++) {
			const yaml_node_t *v = gw_yaml_map_find(p, n, *k);

			if (v != NULL) {
				gw_yaml_key_push(p, ".%s", *k);
				return gw_yaml_fail(p, v, "only XPN cipher suites use %s (this is %s)",
						    *k, macsec_cs_name(cs));
			}
		}
		return 0;
	}
	rc = gw_yaml_get_uint(p, n, "ssci", 0, UINT32_MAX, &sa->ssci);
	if (rc == 0)
		return gw_yaml_missing(p, n, "ssci");
	if (rc < 0)
		return rc;
	sa->has_ssci = true;
	rc = gw_yaml_get_hex(p, n, "salt", sa->salt, sizeof(sa->salt), sizeof(sa->salt), &salt_len);
	if (rc == 0)
		return gw_yaml_missing(p, n, "salt");
	if (rc < 0)
		return rc;
	sa->has_salt = true;
	return 0;
}

/* A list of SAs with distinct ANs. */
static int parse_sa_list(struct gw_yaml *p, const yaml_node_t *map, const char *name,
			 const struct gw_link_conf *lc, struct gw_sa_conf *sa, uint8_t *n_sa)
{
	const yaml_node_t *l;
	size_t old;
	int rc = gw_yaml_get_list(p, map, name, MACSEC_NUM_AN, false, &l);

	if (rc <= 0)
		return rc < 0 ? rc : gw_yaml_missing(p, map, name);
	for (size_t i = 0; i < gw_yaml_list_len(l); i++) {
		const yaml_node_t *n = gw_yaml_list_item(p, l, i);

		old = gw_yaml_key_push(p, ".%s[%zu]", name, i);
		if (parse_sa(p, n, lc, &sa[i]) < 0)
			return -EINVAL;
		for (size_t k = 0; k < i; k++)
			if (sa[k].an == sa[i].an) {
				gw_yaml_key_push(p, ".an");
				return gw_yaml_fail(p, gw_yaml_map_find(p, n, "an"),
						    "AN %u is already used by %s[%zu]",
						    sa[i].an, name, k);
			}
		gw_yaml_key_pop(p, old);
	}
	*n_sa = (uint8_t)gw_yaml_list_len(l);
	return 0;
}

static const char *const cfg_static_keys[] = {"encoding_an", "tx_sa", "rx_sc", NULL};
static const char *const cfg_rx_sc_keys[] = {"sci", "sa", NULL};

/* Two SAs under one key with one SSCI would repeat nonces (802.1AE 14.7). */
static bool sa_nonce_clash(const struct gw_sa_conf *a, const struct gw_sa_conf *b)
{
	return a->key_len == b->key_len && a->ssci == b->ssci &&
	       macsec_ct_memcmp(a->key, b->key, a->key_len) == 0;
}

/* XPN: SA @p a of rx_sc[@p i] against the TX SAs and the SAs of earlier RX SCs. */
static int xpn_ssci_check(struct gw_yaml *p, const yaml_node_t *sc_node,
			  const struct gw_static_conf *st, unsigned int i, unsigned int a)
{
	const struct gw_sa_conf *sa = &st->rx_sc[i].sa[a];
	const yaml_node_t *sa_list;
	char other[48] = "";

	for (unsigned int t = 0; t < st->n_tx_sa && other[0] == '\0'; t++)
		if (sa_nonce_clash(sa, &st->tx_sa[t]))
			snprintf(other, sizeof(other), "tx_sa[%u]", t);
	for (unsigned int k = 0; k < i && other[0] == '\0'; k++)
		for (unsigned int b = 0; b < st->rx_sc[k].n_sa && other[0] == '\0'; b++)
			if (sa_nonce_clash(sa, &st->rx_sc[k].sa[b]))
				snprintf(other, sizeof(other), "rx_sc[%u].sa[%u]", k, b);
	if (other[0] == '\0')
		return 0;
	gw_yaml_key_push(p, ".sa[%u].ssci", a);
	sa_list = gw_yaml_map_find(p, sc_node, "sa");
	return gw_yaml_fail(p, gw_yaml_map_find(p, gw_yaml_list_item(p, sa_list, a), "ssci"),
			    "same key and ssci as %s: nonces would repeat", other);
}

static int parse_static(struct gw_yaml *p, const yaml_node_t *link, struct gw_link_conf *lc)
{
	struct gw_static_conf *st = &lc->st;
	const yaml_node_t *m, *l, *v;
	size_t old, o2;
	int rc;

	rc = gw_yaml_get_map(p, link, "static", cfg_static_keys, &m);
	if (rc <= 0)
		return rc < 0 ? rc : gw_yaml_missing(p, link, "static");
	old = gw_yaml_key_push(p, ".static");
	if (parse_sa_list(p, m, "tx_sa", lc, st->tx_sa, &st->n_tx_sa) < 0)
		return -EINVAL;
	st->encoding_an = st->tx_sa[0].an;
	if (gw_yaml_get_uint(p, m, "encoding_an", 0, MACSEC_NUM_AN - 1, &st->encoding_an) < 0)
		return -EINVAL;
	rc = -1;
	for (unsigned int i = 0; i < st->n_tx_sa; i++)
		if (st->tx_sa[i].an == st->encoding_an)
			rc = 0;
	if (rc < 0) {
		gw_yaml_key_push(p, ".encoding_an");
		return gw_yaml_fail(p, gw_yaml_map_find(p, m, "encoding_an"), "no tx_sa has AN %u",
				    st->encoding_an);
	}
	if (gw_yaml_get_list(p, m, "rx_sc", GW_MAX_STATIC_RX_SC, true, &l) < 0)
		return -EINVAL;
	for (size_t i = 0; i < gw_yaml_list_len(l); i++) {
		struct gw_rx_sc_conf *sc = &st->rx_sc[i];
		const yaml_node_t *n = gw_yaml_list_item(p, l, i);

		o2 = gw_yaml_key_push(p, ".rx_sc[%zu]", i);
		if (gw_yaml_map_check(p, n, cfg_rx_sc_keys) < 0)
			return -EINVAL;
		rc = get_sci(p, n, "sci", &sc->sci);
		if (rc <= 0)
			return rc < 0 ? rc : gw_yaml_missing(p, n, "sci");
		v = gw_yaml_map_find(p, n, "sci");
		for (size_t k = 0; k < i; k++)
			if (st->rx_sc[k].sci == sc->sci) {
				gw_yaml_key_push(p, ".sci");
				return gw_yaml_fail(p, v, "duplicate RX SCI %016llx (also rx_sc[%zu], "
						    "line %zu)", (unsigned long long)sc->sci, k,
						    gw_yaml_map_find(p, gw_yaml_list_item(p, l, k),
								     "sci")->start_mark.line + 1);
			}
		if (lc->sci_set && sc->sci == lc->secy.sci) {
			gw_yaml_key_push(p, ".sci");
			return gw_yaml_fail(p, v, "equals this SecY's own sci");
		}
		if (parse_sa_list(p, n, "sa", lc, sc->sa, &sc->n_sa) < 0)
			return -EINVAL;
		for (unsigned int a = 0; a < sc->n_sa && macsec_cs_is_xpn(lc->secy.cipher_suite); a++)
			if (xpn_ssci_check(p, n, st, (unsigned int)i, a) < 0)
				return -EINVAL;
		gw_yaml_key_pop(p, o2);
	}
	st->n_rx_sc = (uint8_t)gw_yaml_list_len(l);
	gw_yaml_key_pop(p, old);
	return 0;
}

static const char *const cfg_mka_keys[] = {
	"cak", "cak_file", "ckn", "key_server_priority", "eapol", "hello_time_ms",
	"life_time_ms", "sak_rekey_interval_s", "policy", NULL};
static const char *const cfg_eapol_keys[] = {"ethertype", "destination", "vlan", NULL};
static const char *const cfg_policy_names[] = {"must-secure", "should-secure", NULL};

static int parse_mka(struct gw_yaml *p, const yaml_node_t *link, struct gw_link_conf *lc)
{
	static const unsigned int cak_lens[] = {16, 32, 0};
	static const uint8_t pae_group[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x03};
	struct gw_mka_conf *k = &lc->mka;
	const yaml_node_t *m, *e, *v;
	size_t old;
	int rc, pol = GW_MKA_MUST_SECURE;
	char dest[32];

	rc = gw_yaml_get_map(p, link, "mka", cfg_mka_keys, &m);
	if (rc <= 0)
		return rc < 0 ? rc : gw_yaml_missing(p, link, "mka");
	old = gw_yaml_key_push(p, ".mka");
	k->key_server_priority = 16;
	k->eapol_ethertype = 0x888E;          /* 802.1X 11.1.4 PAE EtherType */
	memcpy(k->eapol_dest, pae_group, 6);
	k->hello_time_ms = 2000;              /* 802.1X Table 9-3 MKA Hello Time */
	if (gw_yaml_get_secret(p, m, "cak", k->cak, &k->cak_len, cak_lens,
			       "a CAK has 16 or 32 octets") < 0)
		return -EINVAL;
	rc = gw_yaml_get_hex(p, m, "ckn", k->ckn, 1, GW_CKN_MAX, &k->ckn_len);
	if (rc <= 0)
		return rc < 0 ? rc : gw_yaml_missing(p, m, "ckn");
	if (gw_yaml_get_uint(p, m, "key_server_priority", 0, 255, &k->key_server_priority) < 0 ||
	    gw_yaml_get_uint(p, m, "hello_time_ms", 100, 60000, &k->hello_time_ms) < 0 ||
	    gw_yaml_get_uint(p, m, "sak_rekey_interval_s", 0, 31536000, &k->sak_rekey_interval_s) < 0 ||
	    gw_yaml_get_enum(p, m, "policy", cfg_policy_names, &pol) < 0)
		return -EINVAL;
	k->policy = (enum gw_mka_policy)pol;
	k->life_time_ms = 3 * k->hello_time_ms;      /* 802.1X: life 6 s for hello 2 s */
	if (gw_yaml_get_uint(p, m, "life_time_ms", 300, 600000, &k->life_time_ms) < 0)
		return -EINVAL;
	if (k->life_time_ms <= k->hello_time_ms) {
		gw_yaml_key_push(p, ".life_time_ms");
		return gw_yaml_fail(p, gw_yaml_map_find(p, m, "life_time_ms"),
				    "must be longer than hello_time_ms (%u)", k->hello_time_ms);
	}
	if (k->sak_rekey_interval_s != 0 && k->sak_rekey_interval_s < 30) {
		gw_yaml_key_push(p, ".sak_rekey_interval_s");
		return gw_yaml_fail(p, gw_yaml_map_find(p, m, "sak_rekey_interval_s"),
				    "must be 0 (off) or at least 30");
	}
	if (gw_yaml_get_map(p, m, "eapol", cfg_eapol_keys, &e) < 0)
		return -EINVAL;
	gw_yaml_key_push(p, ".eapol");
	if (gw_yaml_get_uint(p, e, "ethertype", 0x0600, 0xffff, &k->eapol_ethertype) < 0 ||
	    gw_yaml_get_uint(p, e, "vlan", 0, 4094, &k->eapol_vlan) < 0)
		return -EINVAL;
	rc = gw_yaml_get_str(p, e, "destination", dest, sizeof(dest), &v);
	if (rc < 0)
		return rc;
	if (rc > 0 && parse_mac(dest, k->eapol_dest) < 0) {
		gw_yaml_key_push(p, ".destination");
		return gw_yaml_fail(p, v, "expected a MAC address (01:80:c2:00:00:03) or one of "
				    "pae-group, nearest-customer-bridge, nearest-bridge, broadcast");
	}
	lc->eapol_ethertype = k->eapol_ethertype;
	gw_yaml_key_pop(p, old);
	return 0;
}

/* The device a port string names: up to the first ',', PCI addresses with their domain. */
static void dev_ident(const char *dev, char *out, size_t size)
{
	size_t n = strcspn(dev, ",");
	size_t colons = 0;
	bool pci = memchr(dev, '.', n) != NULL && strspn(dev, "0123456789abcdefABCDEF:.") == n;

	for (size_t i = 0; i < n; i++)
		colons += dev[i] == ':';
	snprintf(out, size, "%s%.*s", pci && colons == 1 ? "0000:" : "", (int)n, dev);
	for (char *c = out; pci && *c != '\0'; c++)
		if (*c >= 'A' && *c <= 'F')
			*c = (char)(*c - 'A' + 'a');
}

static const char *const cfg_link_keys[] = {
	"name", "plain", "protected", "secy", "key_agreement", "static", "mka", NULL};
static const char *const cfg_ka_names[] = {"static", "mka", NULL};

static int parse_link(struct gw_yaml *p, const yaml_node_t *n, struct gw_conf *c, unsigned int idx,
		      const yaml_node_t **port_nodes)
{
	struct gw_link_conf *lc = &c->links[idx];
	const yaml_node_t *name_node = NULL;
	char id[2][GW_DEV_MAX + 8], other[GW_DEV_MAX + 8];
	int rc, ka = 0;
	size_t old;

	if (gw_yaml_map_check(p, n, cfg_link_keys) < 0)
		return -EINVAL;
	rc = gw_yaml_get_str(p, n, "name", lc->name, sizeof(lc->name), &name_node);
	if (rc <= 0)
		return rc < 0 ? rc : gw_yaml_missing(p, n, "name");
	old = gw_yaml_key_push(p, ".name");
	if (lc->name[0] == '\0' || strspn(lc->name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					  "0123456789_.-") != strlen(lc->name))
		return gw_yaml_fail(p, name_node, "use letters, digits, '_', '.', '-'");
	for (unsigned int i = 0; i < idx; i++)
		if (strcmp(c->links[i].name, lc->name) == 0)
			return gw_yaml_fail(p, name_node, "duplicate link name '%s' (also links[%u])",
					    lc->name, i);
	gw_yaml_key_pop(p, old);
	if (parse_port(p, n, "plain", &lc->plain, &port_nodes[2 * idx]) < 0 ||
	    parse_port(p, n, "protected", &lc->protected_, &port_nodes[2 * idx + 1]) < 0)
		return -EINVAL;
	if (lc->plain.rx_queues > c->n_workers) {       /* one worker per queue, at most */
		gw_yaml_key_push(p, ".plain.rx_queues");
		return gw_yaml_fail(p, gw_yaml_map_find(p, gw_yaml_map_find(p, n, "plain"), "rx_queues"),
				    "%u queues but %u worker(s): each queue needs its own worker",
				    lc->plain.rx_queues, c->n_workers);
	}
	dev_ident(lc->plain.dev, id[0], sizeof(id[0]));
	dev_ident(lc->protected_.dev, id[1], sizeof(id[1]));
	if (strcmp(id[0], id[1]) == 0) {
		gw_yaml_key_push(p, ".protected.port");
		return gw_yaml_fail(p, port_nodes[2 * idx + 1], "same device as plain.port");
	}
	for (unsigned int i = 0; i < idx; i++)
		for (unsigned int s = 0; s < 2; s++) {
			dev_ident(s ? c->links[i].protected_.dev : c->links[i].plain.dev, other,
				  sizeof(other));
			for (unsigned int me = 0; me < 2; me++)
				if (strcmp(id[me], other) == 0) {
					gw_yaml_key_push(p, me ? ".protected.port" : ".plain.port");
					return gw_yaml_fail(p, port_nodes[2 * idx + me],
							    "device %s is already links[%u].%s.port "
							    "(line %zu)", id[me], i,
							    s ? "protected" : "plain",
							    port_nodes[2 * i + s]->start_mark.line + 1);
				}
		}
	if (parse_secy(p, n, lc) < 0)
		return -EINVAL;
	rc = gw_yaml_get_enum(p, n, "key_agreement", cfg_ka_names, &ka);
	if (rc <= 0)
		return rc < 0 ? rc : gw_yaml_missing(p, n, "key_agreement");
	lc->ka = (enum gw_key_agreement)ka;
	lc->eapol_ethertype = 0x888E;
	{
		const char *unused = lc->ka == GW_KA_MKA ? "static" : "mka";
		const yaml_node_t *v = gw_yaml_map_find(p, n, unused);

		if (v != NULL) {
			gw_yaml_key_push(p, ".%s", unused);
			return gw_yaml_fail(p, v, "not used with key_agreement: %s (remove it)",
					    cfg_ka_names[ka]);
		}
	}
	return lc->ka == GW_KA_MKA ? parse_mka(p, n, lc) : parse_static(p, n, lc);
}

/*
 * Where static TX SAs keep their PN reservations (app/pn_store.c): an absolute path, so that
 * the gateway never depends on its working directory for what keeps nonces unique.
 */
static int parse_state(struct gw_yaml *p, const yaml_node_t *root, struct gw_conf *c)
{
	const yaml_node_t *v = NULL;
	int rc = gw_yaml_get_str(p, root, "state_dir", c->state_dir, sizeof(c->state_dir), &v);

	if (rc < 0)
		return rc;
	if (rc > 0 && (c->state_dir[0] != '/' || strlen(c->state_dir) > CFG_STATE_DIR_MAX)) {
		gw_yaml_key_push(p, "state_dir");
		return gw_yaml_fail(p, v, "must be an absolute path of at most %u characters",
				    CFG_STATE_DIR_MAX);
	}
	return gw_yaml_get_uint(p, root, "pn_reserve", CFG_PN_RESERVE_MIN, CFG_PN_RESERVE_MAX,
				&c->pn_reserve) < 0 ? -EINVAL : 0;
}

static const char *const cfg_top_keys[] = {
	"control", "workers", "idle_sleep_us", "crypto", "mbufs", "state_dir", "pn_reserve",
	"links", NULL};
static const char *const cfg_control_keys[] = {"socket", "lcore", NULL};

static int parse_top(struct gw_yaml *p, const yaml_node_t *root, struct gw_conf *c)
{
	const char *const crypto_names[] = {"auto", macsec_aead_ipsecmb.name,
		macsec_aead_ipsecmb_direct.name, macsec_aead_openssl.name, NULL};
	const yaml_node_t *m, *l, *v = NULL;
	const yaml_node_t *port_nodes[2 * GW_MAX_LINKS];
	uint32_t lcore = 0;
	int rc, crypto = 0;

	if (gw_yaml_map_check(p, root, cfg_top_keys) < 0)
		return -EINVAL;
	snprintf(c->socket_path, sizeof(c->socket_path), "/run/macsec-gw/ctl.sock");
	snprintf(c->crypto, sizeof(c->crypto), "auto");
	snprintf(c->state_dir, sizeof(c->state_dir), "%s", CFG_STATE_DIR);
	c->pn_reserve = CFG_PN_RESERVE;
	if (gw_yaml_get_map(p, root, "control", cfg_control_keys, &m) < 0)
		return -EINVAL;
	gw_yaml_key_push(p, "control");
	if (gw_yaml_get_uint(p, m, "lcore", 0, CFG_LCORE_MAX, &lcore) < 0)
		return -EINVAL;
	c->control_lcore = lcore;
	rc = gw_yaml_get_str(p, m, "socket", c->socket_path, sizeof(c->socket_path), &v);
	if (rc < 0)
		return rc;
	if (rc > 0 && (c->socket_path[0] == '\0' || strlen(c->socket_path) > CFG_SUN_PATH_MAX)) {
		gw_yaml_key_push(p, ".socket");
		return gw_yaml_fail(p, v, "must be 1..%u characters (AF_UNIX path limit)",
				    CFG_SUN_PATH_MAX);
	}
	gw_yaml_key_pop(p, 0);
	if (gw_yaml_get_list(p, root, "workers", GW_MAX_WORKERS, false, &l) < 0)
		return -EINVAL;
	if (l == NULL) {             /* default: the lcore after the control lcore */
		c->n_workers = 1;
		c->workers[0] = c->control_lcore + 1;
	}
	for (size_t i = 0; i < gw_yaml_list_len(l); i++) {
		const yaml_node_t *n = gw_yaml_list_item(p, l, i);
		uint64_t x;

		gw_yaml_key_push(p, "workers[%zu]", i);
		if (gw_yaml_want_scalar(p, n, "an lcore number") < 0)
			return -EINVAL;
		rc = gw_yaml_parse_u64(gw_yaml_sval(n), &x);
		if (rc < 0 || x > CFG_LCORE_MAX)
			return gw_yaml_fail(p, n, "expected an lcore number 0..%u, got '%.40s'",
					    CFG_LCORE_MAX, gw_yaml_sval(n));
		if (x == c->control_lcore)
			return gw_yaml_fail(p, n, "lcore %u is the control lcore (control.lcore)",
					    c->control_lcore);
		for (size_t k = 0; k < i; k++)
			if (c->workers[k] == x)
				return gw_yaml_fail(p, n, "lcore %llu is listed twice",
						    (unsigned long long)x);
		c->workers[c->n_workers++] = (unsigned int)x;
		gw_yaml_key_pop(p, 0);
	}
	if (gw_yaml_get_uint(p, root, "idle_sleep_us", 0, 1000000, &c->idle_sleep_us) < 0 ||
	    gw_yaml_get_enum(p, root, "crypto", crypto_names, &crypto) < 0 ||
	    gw_yaml_get_uint(p, root, "mbufs", 0, 1u << 26, &c->mbufs) < 0)
		return -EINVAL;
	snprintf(c->crypto, sizeof(c->crypto), "%s", crypto_names[crypto]);
	if (c->mbufs != 0 && c->mbufs < 1024) {
		gw_yaml_key_push(p, "mbufs");
		return gw_yaml_fail(p, gw_yaml_map_find(p, root, "mbufs"),
				    "must be 0 (derived) or at least 1024");
	}
	if (parse_state(p, root, c) < 0)
		return -EINVAL;
	rc = gw_yaml_get_list(p, root, "links", GW_MAX_LINKS, false, &l);
	if (rc <= 0)
		return rc < 0 ? rc : gw_yaml_missing(p, root, "links");
	for (size_t i = 0; i < gw_yaml_list_len(l); i++) {
		gw_yaml_key_push(p, "links[%zu]", i);
		if (parse_link(p, gw_yaml_list_item(p, l, i), c, (unsigned int)i, port_nodes) < 0)
			return -EINVAL;
		gw_yaml_key_pop(p, 0);
		c->n_links++;
	}
	return 0;
}

/* --- file, document, cleanup --- */

static int file_read(const char *path, unsigned char **buf, size_t *len, char *err,
		     size_t err_len)
{
	struct stat st;
	const char *why = NULL;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		why = strerror(errno);
	else if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (st.st_size > CFG_FILE_MAX)
		why = "larger than 1 MiB";
	else if ((*buf = malloc((size_t)st.st_size + 1)) == NULL)
		why = "out of memory";
	while (why == NULL && *len < (size_t)st.st_size &&
	       (r = read(fd, *buf + *len, (size_t)st.st_size - *len)) != 0) {
		if (r < 0 && errno != EINTR)
			why = strerror(errno);
		else if (r > 0)
			*len += (size_t)r;
	}
	if (fd >= 0)
		close(fd);
	if (why != NULL) {
		snprintf(err, err_len, "%s: cannot read: %s", path, why);
		if (*buf != NULL)
			macsec_wipe(*buf, *len);
		free(*buf);
		*buf = NULL;
		return -EINVAL;
	}
	return 0;
}

static int yaml_fail(struct gw_yaml *p, const yaml_parser_t *ps, const unsigned char *text)
{
	yaml_mark_t mark = ps->problem_mark;

	if (ps->error == YAML_READER_ERROR) {      /* bad encoding: only an offset is known */
		mark.line = mark.column = 0;
		for (size_t i = 0; i < ps->problem_offset; i++, mark.column++)
			if (text[i] == '\n') {
				mark.line++;
				mark.column = (size_t)-1;
			}
	}
	snprintf(p->err, p->err_len, "%s:%zu:%zu: yaml: %s%s%s", p->file, mark.line + 1,
		 mark.column + 1, ps->problem ? ps->problem : "cannot parse",
		 ps->context ? " " : "", ps->context ? ps->context : "");
	return -EINVAL;
}

/* Inline keys passed through libyaml: wipe every scalar and the parser's buffers. */
static void doc_wipe(yaml_document_t *d)
{
	for (yaml_node_t *n = d->nodes.start; n != NULL && n < d->nodes.top; n++)
		if (n->type == YAML_SCALAR_NODE)
			macsec_wipe(n->data.scalar.value, n->data.scalar.length);
}

static void parser_wipe(yaml_parser_t *ps)
{
	if (ps->raw_buffer.start != NULL)
		macsec_wipe(ps->raw_buffer.start, (size_t)(ps->raw_buffer.end - ps->raw_buffer.start));
	if (ps->buffer.start != NULL)
		macsec_wipe(ps->buffer.start, (size_t)(ps->buffer.end - ps->buffer.start));
}

static int config_parse(struct gw_yaml *p, const unsigned char *text, size_t len, struct gw_conf *c)
{
	yaml_parser_t ps;
	yaml_document_t doc, extra;
	const yaml_node_t *root;
	int rc;

	if (!yaml_parser_initialize(&ps)) {
		snprintf(p->err, p->err_len, "%s: out of memory", p->file);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&ps, text, len);
	if (!yaml_parser_load(&ps, &doc)) {
		rc = yaml_fail(p, &ps, text);
		parser_wipe(&ps);
		yaml_parser_delete(&ps);
		return rc;
	}
	p->doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root == NULL) {
		snprintf(p->err, p->err_len, "%s:1:1: (top): the file holds no configuration", p->file);
		rc = -EINVAL;
	} else if (!yaml_parser_load(&ps, &extra)) {
		rc = yaml_fail(p, &ps, text);
	} else {
		const yaml_node_t *r2 = yaml_document_get_root_node(&extra);

		rc = r2 != NULL ? gw_yaml_fail(p, r2, "a second YAML document; give one") : 0;
		doc_wipe(&extra);
		yaml_document_delete(&extra);
		if (rc == 0)
			rc = parse_top(p, root, c);
	}
	doc_wipe(&doc);
	yaml_document_delete(&doc);
	parser_wipe(&ps);
	yaml_parser_delete(&ps);
	return rc;
}

/*
 * Values and key names from the file are quoted into messages: a newline or another control
 * character in them must not split the message or forge a second FILE:LINE:COL line in a log.
 */
static void err_one_line(char *err)
{
	for (unsigned char *c = (unsigned char *)err; *c != '\0'; c++)
		if (*c < 0x20 || *c == 0x7f)
			*c = '?';
}

int gw_config_parse(const char *name, const void *text, size_t len, struct gw_conf *conf,
		    char *err, size_t err_len)
{
	struct gw_yaml p = {.file = name, .err = err, .err_len = err_len};
	const char *slash = name != NULL ? strrchr(name, '/') : NULL;
	struct gw_conf *c;
	int rc;

	if (err_len > 0)
		err[0] = '\0';
	if (name == NULL || text == NULL || conf == NULL)
		return -EINVAL;
	if (slash != NULL)
		snprintf(p.dir, sizeof(p.dir), "%.*s", slash == name ? 1 : (int)(slash - name), name);
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err, err_len, "%s: out of memory", name);
		return -ENOMEM;
	}
	rc = config_parse(&p, text, len, c);
	if (rc == 0)
		*conf = *c;      /* all-or-nothing: the caller's struct changes only here */
	else
		err_one_line(err);
	gw_config_wipe(c);
	free(c);
	return rc;
}

int gw_config_load(const char *path, struct gw_conf *conf, char *err, size_t err_len)
{
	unsigned char *text;
	size_t len;
	int rc;

	if (err_len > 0)
		err[0] = '\0';
	if (path == NULL || conf == NULL)
		return -EINVAL;
	rc = file_read(path, &text, &len, err, err_len);
	if (rc < 0)
		return rc;
	rc = gw_config_parse(path, text, len, conf, err, err_len);
	macsec_wipe(text, len);
	if (rc < 0)
		err_one_line(err);      /* file errors name the path, which may hold anything */
	free(text);
	return rc;
}

static void sa_wipe(struct gw_sa_conf *sa)
{
	macsec_wipe(sa->key, sizeof(sa->key));
	macsec_wipe(sa->salt, sizeof(sa->salt));
}

/* Key material only: names, SCIs and counts stay for status and the control socket. */
void gw_config_wipe(struct gw_conf *conf)
{
	if (conf == NULL)
		return;
	for (unsigned int i = 0; i < GW_MAX_LINKS; i++) {
		struct gw_link_conf *l = &conf->links[i];

		for (unsigned int a = 0; a < MACSEC_NUM_AN; a++)
			sa_wipe(&l->st.tx_sa[a]);
		for (unsigned int k = 0; k < GW_MAX_STATIC_RX_SC; k++)
			for (unsigned int a = 0; a < MACSEC_NUM_AN; a++)
				sa_wipe(&l->st.rx_sc[k].sa[a]);
		macsec_wipe(l->mka.cak, sizeof(l->mka.cak));
	}
}
