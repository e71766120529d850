/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit-test harness for lib/macsec (see harness.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "test_util.h"

const char *const th_engines[] = {"ipsec-mb", "ipsec-mb-direct", "openssl"};
const unsigned int th_n_engines = sizeof(th_engines) / sizeof(th_engines[0]);

const char *const th_ctr_names[TH_NCTR] = {
	[TH_IN_UNTAGGED] = "InPktsUntagged", [TH_IN_NO_TAG] = "InPktsNoTag",
	[TH_IN_BAD_TAG] = "InPktsBadTag", [TH_IN_UNKNOWN_SCI] = "InPktsUnknownSCI",
	[TH_IN_NO_SCI] = "InPktsNoSCI", [TH_IN_OVERRUN] = "InPktsOverrun",
	[TH_IN_OCTETS_VALIDATED] = "InOctetsValidated", [TH_IN_OCTETS_DECRYPTED] = "InOctetsDecrypted",
	[TH_OUT_UNTAGGED] = "OutPktsUntagged", [TH_OUT_TOO_LONG] = "OutPktsTooLong",
	[TH_OUT_OCTETS_PROTECTED] = "OutOctetsProtected",
	[TH_OUT_OCTETS_ENCRYPTED] = "OutOctetsEncrypted",
	[TH_OUT_SA_NOT_IN_USE] = "OutPktsSANotInUse", [TH_OUT_PN_EXHAUSTED] = "OutPktsPNExhausted",
	[TH_OUT_NO_ROOM] = "OutPktsNoRoom", [TH_OUT_RUNT] = "OutPktsRunt",
	[TH_OUT_CRYPTO_ERROR] = "OutPktsCryptoError", [TH_IN_NO_ROOM] = "InPktsNoRoom",
	[TH_IN_CRYPTO_ERROR] = "InPktsCryptoError",
	[TH_SC_LATE] = "InPktsLate", [TH_SC_DELAYED] = "InPktsDelayed",
	[TH_SC_UNCHECKED] = "InPktsUnchecked", [TH_SC_OK] = "InPktsOK",
	[TH_SC_INVALID] = "InPktsInvalid", [TH_SC_NOT_VALID] = "InPktsNotValid",
	[TH_SC_NOT_USING_SA] = "InPktsNotUsingSA", [TH_SC_UNUSED_SA] = "InPktsUnusedSA",
	[TH_SA_OK] = "SA.InPktsOK", [TH_SA_INVALID] = "SA.InPktsInvalid",
	[TH_SA_NOT_VALID] = "SA.InPktsNotValid", [TH_SA_NOT_USING_SA] = "SA.InPktsNotUsingSA",
	[TH_SA_UNUSED_SA] = "SA.InPktsUnusedSA",
	[TH_TXSA_PROTECTED] = "OutPktsProtected", [TH_TXSA_ENCRYPTED] = "OutPktsEncrypted",
	[TH_TXSC_PROTECTED] = "SC.OutPktsProtected", [TH_TXSC_ENCRYPTED] = "SC.OutPktsEncrypted",
};

int th_ctr_by_name(const char *name)
{
	for (int i = 0; i < TH_NCTR; i++)
		if (strcmp(th_ctr_names[i], name) == 0)
			return i;
	return -1;
}

void th_snap_take(const struct macsec_secy *secy, struct th_snap *s)
{
	const struct macsec_rx_sc_table *t = macsec_secy_rx_scs(secy);
	struct macsec_secy_stats ss;

	memset(s, 0, sizeof(*s));
	macsec_secy_stats_sum(secy, &ss);
	s->v[TH_IN_UNTAGGED] = ss.in_pkts_untagged;
	s->v[TH_IN_NO_TAG] = ss.in_pkts_no_tag;
	s->v[TH_IN_BAD_TAG] = ss.in_pkts_bad_tag;
	s->v[TH_IN_UNKNOWN_SCI] = ss.in_pkts_unknown_sci;
	s->v[TH_IN_NO_SCI] = ss.in_pkts_no_sci;
	s->v[TH_IN_OVERRUN] = ss.in_pkts_overrun;
	s->v[TH_IN_OCTETS_VALIDATED] = ss.in_octets_validated;
	s->v[TH_IN_OCTETS_DECRYPTED] = ss.in_octets_decrypted;
	s->v[TH_OUT_UNTAGGED] = ss.out_pkts_untagged;
	s->v[TH_OUT_TOO_LONG] = ss.out_pkts_too_long;
	s->v[TH_OUT_OCTETS_PROTECTED] = ss.out_octets_protected;
	s->v[TH_OUT_OCTETS_ENCRYPTED] = ss.out_octets_encrypted;
	s->v[TH_OUT_SA_NOT_IN_USE] = ss.out_pkts_sa_not_in_use;
	s->v[TH_OUT_PN_EXHAUSTED] = ss.out_pkts_pn_exhausted;
	s->v[TH_OUT_NO_ROOM] = ss.out_pkts_no_room;
	s->v[TH_OUT_RUNT] = ss.out_pkts_runt;
	s->v[TH_OUT_CRYPTO_ERROR] = ss.out_pkts_crypto_error;
	s->v[TH_IN_NO_ROOM] = ss.in_pkts_no_room;
	s->v[TH_IN_CRYPTO_ERROR] = ss.in_pkts_crypto_error;
	s->v[TH_TXSC_PROTECTED] = ss.out_pkts_protected;
	s->v[TH_TXSC_ENCRYPTED] = ss.out_pkts_encrypted;
	for (uint32_t i = 0; i < t->n; i++) {
		struct macsec_rx_sc_stats sc;

		macsec_rx_sc_stats_sum(t->sc[i], &sc);
		s->v[TH_SC_LATE] += sc.in_pkts_late;
		s->v[TH_SC_DELAYED] += sc.in_pkts_delayed;
		s->v[TH_SC_UNCHECKED] += sc.in_pkts_unchecked;
		s->v[TH_SC_OK] += sc.in_pkts_ok;
		s->v[TH_SC_INVALID] += sc.in_pkts_invalid;
		s->v[TH_SC_NOT_VALID] += sc.in_pkts_not_valid;
		s->v[TH_SC_NOT_USING_SA] += sc.in_pkts_not_using_sa;
		s->v[TH_SC_UNUSED_SA] += sc.in_pkts_unused_sa;
		for (unsigned int an = 0; an < MACSEC_NUM_AN; an++) {
			struct macsec_rx_sa_stats sa;

			if (t->sc[i]->sa[an] == NULL)
				continue;
			macsec_rx_sa_stats_sum(t->sc[i]->sa[an], &sa);
			s->v[TH_SA_OK] += sa.in_pkts_ok;
			s->v[TH_SA_INVALID] += sa.in_pkts_invalid;
			s->v[TH_SA_NOT_VALID] += sa.in_pkts_not_valid;
			s->v[TH_SA_NOT_USING_SA] += sa.in_pkts_not_using_sa;
			s->v[TH_SA_UNUSED_SA] += sa.in_pkts_unused_sa;
		}
	}
	for (unsigned int an = 0; an < MACSEC_NUM_AN; an++) {
		struct macsec_tx_sa_stats tx;

		if (secy->tx_sa[an] == NULL)
			continue;
		macsec_tx_sa_stats_sum(secy->tx_sa[an], &tx);
		s->v[TH_TXSA_PROTECTED] += tx.out_pkts_protected;
		s->v[TH_TXSA_ENCRYPTED] += tx.out_pkts_encrypted;
	}
}

static bool is_octets(int i)
{
	return i == TH_IN_OCTETS_VALIDATED || i == TH_IN_OCTETS_DECRYPTED ||
	       i == TH_OUT_OCTETS_PROTECTED || i == TH_OUT_OCTETS_ENCRYPTED;
}

const char *th_snap_diff(const struct th_snap *a, const struct th_snap *b, char *out, size_t cap)
{
	size_t off = 0;

	out[0] = '\0';
	for (int i = 0; i < TH_NCTR; i++) {
		if (is_octets(i) || a->v[i] == b->v[i])
			continue;
		off += (size_t)snprintf(out + off, off < cap ? cap - off : 0, "%s%s+%llu",
					off ? " " : "", th_ctr_names[i],
					(unsigned long long)(b->v[i] - a->v[i]));
	}
	return out;
}

struct rte_mempool *th_pool(void)
{
	static struct rte_mempool *mp;

	if (mp == NULL)
		mp = tu_eal_pool(4096, 9400 + RTE_PKTMBUF_HEADROOM);
	return mp;
}

void th_conf_default(struct macsec_secy_conf *c, enum macsec_cipher_suite cs)
{
	memset(c, 0, sizeof(*c));
	c->cipher_suite = cs;
	c->validate_frames = MACSEC_VALIDATE_STRICT;
	c->sci = 0x0200000a01000001ull;
	c->replay_window = 0;
	c->mtu = 9300;
	c->protect_frames = true;
	c->encrypt = true;
	c->include_sci = true;
	c->replay_protect = true;
}

struct macsec_secy *th_secy_new(const char *engine, const struct macsec_secy_conf *conf,
				struct macsec_lcore *lc)
{
	const struct macsec_aead_engine *e = macsec_aead_find(engine);
	struct macsec_secy *secy = NULL;

	if (e == NULL || macsec_secy_create(&secy, conf, e, NULL) < 0)
		return NULL;
	if (macsec_lcore_init(lc, 0, e, 16384) < 0) {
		macsec_secy_destroy(secy);
		return NULL;
	}
	return secy;
}

void th_secy_free(struct macsec_secy *secy, struct macsec_lcore *lc)
{
	macsec_secy_destroy(secy);
	macsec_lcore_fini(lc);
}

int th_run(struct macsec_secy *secy, struct macsec_lcore *lc, bool tx, const uint8_t *in,
	   uint32_t len, uint32_t seg_len, uint8_t *out, size_t cap)
{
	struct rte_mbuf *m = tu_mbuf_from(th_pool(), in, len, seg_len);
	uint16_t ok;
	int n;

	if (m == NULL)
		return -2;
	ok = tx ? macsec_protect_burst(secy, lc, &m, 1) : macsec_validate_burst(secy, lc, &m, 1);
	n = ok == 1 ? tu_mbuf_to(m, out, cap) : -1;
	rte_pktmbuf_free(m);
	return n;
}

int th_hex(const char *hex, uint8_t *out, size_t cap)
{
	return tu_hex_decode(hex, out, cap);
}
