/* SPDX-License-Identifier: BSD-3-Clause */
/* Crypto self-test (selftest.h): Annex C frames through protect and validate on stack mbufs. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <rte_mbuf.h>

#include "macsec_dp.h"
#include "sectag.h"
#include "secy.h"
#include "selftest.h"

#define KAT_HEADROOM 64u
#define KAT_FRAME_MAX 256u

/* An mbuf with its own data room: protect and validate only move data_off and lengths. */
struct kat_mbuf {
	struct rte_mbuf m;
	uint8_t room[KAT_HEADROOM + KAT_FRAME_MAX];
};

static void kat_mbuf_load(struct kat_mbuf *b, const uint8_t *frame, uint16_t len)
{
	memset(&b->m, 0, sizeof(b->m));
	b->m.buf_addr = b->room;
	b->m.buf_len = (uint16_t)sizeof(b->room);
	b->m.data_off = KAT_HEADROOM;
	b->m.nb_segs = 1;
	b->m.port = RTE_MBUF_PORT_INVALID;
	rte_mbuf_refcnt_set(&b->m, 1);
	memset(b->room, 0, sizeof(b->room));
	memcpy(b->room + KAT_HEADROOM, frame, len);
	b->m.data_len = len;
	b->m.pkt_len = len;
}

/* Whether the mbuf holds exactly @p want; where it first differs otherwise. */
static bool kat_mbuf_is(const struct kat_mbuf *b, const uint8_t *want, uint16_t len, char *where,
			size_t where_len)
{
	const uint8_t *got = rte_pktmbuf_mtod(&b->m, const uint8_t *);

	if (b->m.pkt_len != len || b->m.data_len != len) {
		snprintf(where, where_len, "%u octets, want %u", b->m.pkt_len, len);
		return false;
	}
	for (uint16_t i = 0; i < len; i++)
		if (got[i] != want[i]) {
			snprintf(where, where_len, "differs at octet %u", i);
			return false;
		}
	return true;
}

static void kat_conf(const struct macsec_kat *v, struct macsec_secy_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->cipher_suite = (enum macsec_cipher_suite)v->cs;
	c->validate_frames = MACSEC_VALIDATE_STRICT;
	c->sci = v->sci;
	c->replay_window = 0;
	c->mtu = 1500;
	c->protect_frames = true;
	c->encrypt = (v->tci & MACSEC_TCI_E) != 0;
	c->include_sci = (v->tci & MACSEC_TCI_SC) != 0;
	c->use_es = (v->tci & MACSEC_TCI_ES) != 0;
	c->use_scb = (v->tci & MACSEC_TCI_SCB) != 0;
	c->replay_protect = true;
}

static void kat_sa(const struct macsec_kat *v, struct macsec_sa_params *p)
{
	memset(p, 0, sizeof(*p));
	p->an = v->an;
	p->key_len = v->key_len;
	memcpy(p->key, v->key, v->key_len);
	p->pn = v->pn;
	p->ssci = v->ssci;
	memcpy(p->salt, v->salt, sizeof(p->salt));
	p->active = true;
}

static struct macsec_rx_sc_stats kat_sc_stats(const struct macsec_secy *secy, uint64_t sci)
{
	struct macsec_rx_sc_stats s;
	const struct macsec_rx_sc *sc = macsec_rx_sc_table_find(macsec_secy_rx_scs(secy), sci);

	memset(&s, 0, sizeof(s));
	if (sc != NULL)
		macsec_rx_sc_stats_sum(sc, &s);
	return s;
}

/* One case; 0 or -EIO with @p why set. */
static int kat_one(const struct macsec_aead_engine *e, struct macsec_lcore *lc,
		   const struct macsec_kat *v, char *why, size_t why_len)
{
	struct macsec_secy_conf conf;
	struct macsec_sa_params p;
	struct macsec_secy *secy = NULL;
	struct macsec_rx_sc_stats st;
	struct kat_mbuf b;
	struct rte_mbuf *pkts[1] = {&b.m};
	const char *step = "SecY";
	char where[48] = "";
	int rc;

	if (v->plain_len > KAT_FRAME_MAX - MACSEC_SECTAG_LEN_SCI - MACSEC_ICV_LEN ||
	    v->prot_len > KAT_FRAME_MAX || v->plain_len < 14) {
		snprintf(why, why_len, "%s: frame length out of range", v->id);
		return -EIO;
	}
	kat_conf(v, &conf);
	kat_sa(v, &p);
	rc = macsec_secy_create(&secy, &conf, e, NULL);
	if (rc == 0) {
		step = "transmit SA";
		rc = macsec_secy_tx_sa_install(secy, &p);
	}
	if (rc == 0)
		rc = macsec_secy_tx_set_encoding_an(secy, v->an);
	if (rc == 0) {
		step = "receive SA";
		rc = macsec_secy_rx_sc_add(secy, v->sci);
	}
	if (rc == 0)
		rc = macsec_secy_rx_sa_install(secy, v->sci, &p);
	macsec_wipe(&p, sizeof(p));
	if (rc < 0) {
		snprintf(why, why_len, "%s: %s: %s", v->id, step, strerror(-rc));
		macsec_secy_destroy(secy);
		return rc == -ENOMEM ? rc : -EIO;
	}

	/* 802.1AE 10.5: the clear frame becomes the Annex C protected frame. */
	step = "protect";
	kat_mbuf_load(&b, v->plain, v->plain_len);
	if (macsec_protect_burst(secy, lc, pkts, 1) != 1) {
		snprintf(where, sizeof(where), "frame not sent");
		goto fail;
	}
	if (!kat_mbuf_is(&b, v->prot, v->prot_len, where, sizeof(where)))
		goto fail;

	/* 10.6: a changed ICV is refused and counted, and changes no receive state... */
	step = "validate (ICV changed)";
	kat_mbuf_load(&b, v->prot, v->prot_len);
	rte_pktmbuf_mtod(&b.m, uint8_t *)[v->prot_len - 1] ^= 0x01;
	if (macsec_validate_burst(secy, lc, pkts, 1) != 0) {
		snprintf(where, sizeof(where), "frame delivered");
		goto fail;
	}
	st = kat_sc_stats(secy, v->sci);
	if (st.in_pkts_not_valid != 1 || st.in_pkts_ok != 0) {
		snprintf(where, sizeof(where), "not counted as InPktsNotValid");
		goto fail;
	}
	/* ...so the intact frame that follows validates and comes out as the clear frame. */
	step = "validate";
	kat_mbuf_load(&b, v->prot, v->prot_len);
	if (macsec_validate_burst(secy, lc, pkts, 1) != 1) {
		snprintf(where, sizeof(where), "frame discarded");
		goto fail;
	}
	if (!kat_mbuf_is(&b, v->plain, v->plain_len, where, sizeof(where)))
		goto fail;
	st = kat_sc_stats(secy, v->sci);
	if (st.in_pkts_ok != 1) {
		snprintf(where, sizeof(where), "not counted as InPktsOK");
		goto fail;
	}
	macsec_wipe(&b, sizeof(b));
	macsec_secy_destroy(secy);
	return 0;
fail:
	snprintf(why, why_len, "%s (%s, %s): %s: %s", v->id, macsec_cs_name(conf.cipher_suite),
		 conf.encrypt ? "confidentiality" : "integrity only", step, where);
	macsec_wipe(&b, sizeof(b));
	macsec_secy_destroy(secy);
	return -EIO;
}

int macsec_selftest_vectors(const struct macsec_aead_engine *e, const struct macsec_kat *v,
			    size_t n, char *why, size_t why_len)
{
	struct macsec_lcore lc;
	int rc;

	if (why_len > 0)
		why[0] = '\0';
	if (e == NULL || (v == NULL && n > 0)) {
		snprintf(why, why_len, "no engine or no vectors");
		return -EINVAL;
	}
	rc = macsec_lcore_init(&lc, 0, e, KAT_FRAME_MAX);
	if (rc < 0) {
		snprintf(why, why_len, "%s: per-lcore context: %s", e->name, strerror(-rc));
		return rc;
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = kat_one(e, &lc, &v[i], why, why_len);
	macsec_lcore_fini(&lc);
	if (rc == 0)
		snprintf(why, why_len, "%zu IEEE 802.1AE Annex C cases on %s: protect, validate, "
			 "changed ICV refused", n, e->name);
	return rc;
}

int macsec_selftest(const struct macsec_aead_engine *e, char *why, size_t why_len)
{
	return macsec_selftest_vectors(e, macsec_kat_annex_c, macsec_kat_annex_c_n, why, why_len);
}
