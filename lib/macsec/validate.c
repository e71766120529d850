/* SPDX-License-Identifier: BSD-3-Clause */
/* Receive: 802.1AE 10.6 frame verification on rte_mbuf bursts, in place. */
#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>

#include "iv.h"
#include "macsec_dp.h"
#include "mbuf_util.h"
#include "pn.h"
#include "sectag.h"

#define CHUNK MACSEC_AEAD_MAX_BURST

enum rx_verdict {
	RX_DROP,       /* counted, discard */
	RX_DELIVER,    /* deliver as received (untagged) */
	RX_STRIP,      /* deliver with SecTAG and ICV removed, not validated */
	RX_CRYPTO,     /* needs ICV verification */
	RX_BOUNCE,     /* chained frame: validated on a linear copy, in arrival order */
};

/* Per-frame state from parse to completion. */
struct rx_frame {
	uint8_t *f;              /* DA as received */
	struct macsec_rx_sc *sc;
	struct macsec_sa *sa;
	uint64_t pn;
	uint32_t ctb;            /* clear tag octets */
	uint32_t tl;             /* SecTAG length */
	uint32_t secure_len;
	uint8_t tci;
	uint8_t moved;           /* DA/SA moved right by ctb for a contiguous AAD */
	uint8_t tags[4 * MACSEC_MAX_CLEAR_TAGS];
	uint8_t iv[MACSEC_IV_LEN];
};

static inline bool is_vlan_tpid(uint16_t t)
{
	return t == 0x8100 || t == 0x88A8 || t == 0x9100;
}

static inline bool strict_or_c(const struct macsec_secy *secy, uint8_t tci)
{
	return secy->conf.validate_frames == MACSEC_VALIDATE_STRICT || (tci & MACSEC_TCI_C);
}

/* 802.1AE 9.9: the SCI of a frame whose SecTAG carries none. */
static inline uint64_t rx_implicit_sci(const struct macsec_rx_sc_table *t, const uint8_t *f,
				       uint8_t tci)
{
	/* Point-to-point: with ES clear and a single peer, the SCI is that peer's.
	 * Otherwise the source address with port 1 (end station), as Linux does. */
	if (!(tci & MACSEC_TCI_ES) && t->n == 1)
		return t->sci[0];
	return macsec_sci_make(f + 6, MACSEC_PORT_ES);
}

/*
 * Parse and classify one frame at @p f of @p len octets (clause 10.6.1 to the
 * replay pre-check of 10.6.2). Counts every non-crypto verdict; for RX_CRYPTO
 * it fills @p op.
 */
static enum rx_verdict rx_parse(struct macsec_secy *secy, const struct macsec_rx_sc_table *t,
				unsigned int w, uint8_t *f, uint32_t len, struct rx_frame *fr,
				struct macsec_aead_op *op)
{
	const struct macsec_secy_conf *c = &secy->conf;
	struct macsec_secy_stats *st = &secy->stats[w];
	struct macsec_sectag tag;
	enum macsec_sectag_err err;
	uint32_t off = MACSEC_ETH_ADDRS_LEN, i;
	uint64_t sci, next, lowest;
	uint8_t *sectag, *data;

	for (i = 0; i < c->vlan_tags_in_clear && off + 6 <= len &&
		    is_vlan_tpid(macsec_get_be16(f + off)); i++)
		off += 4;
	if (off + 2 > len || macsec_get_be16(f + off) != MACSEC_ETHERTYPE) {
		/* 10.6.1 / 10.7.3: no SecTAG. */
		if (c->validate_frames == MACSEC_VALIDATE_STRICT) {
			st->in_pkts_no_tag++;
			return RX_DROP;
		}
		st->in_pkts_untagged++;
		return RX_DELIVER;
	}
	sectag = f + off;
	err = macsec_sectag_decode(sectag, len - off, secy->xpn, &tag);
	if (unlikely(err != MACSEC_SECTAG_OK)) {
		st->in_pkts_bad_tag++;
		return RX_DROP;
	}
	fr->f = f;
	fr->ctb = off - MACSEC_ETH_ADDRS_LEN;
	fr->tl = tag.len;
	fr->secure_len = tag.secure_len;
	fr->tci = tag.tci;
	fr->moved = 0;
	sci = (tag.tci & MACSEC_TCI_SC) ? tag.sci : rx_implicit_sci(t, f, tag.tci);
	fr->sc = macsec_rx_sc_table_find(t, sci);
	if (fr->sc == NULL || !fr->sc->active) {
		/* 10.6.1: no receive SC for this SCI. */
		if (strict_or_c(secy, tag.tci)) {
			st->in_pkts_no_sci++;
			return RX_DROP;
		}
		st->in_pkts_unknown_sci++;
		return RX_STRIP;
	}
	fr->sa = __atomic_load_n(&fr->sc->sa[tag.an], __ATOMIC_ACQUIRE);
	if (fr->sa == NULL || !__atomic_load_n(&fr->sa->active, __ATOMIC_ACQUIRE)) {
		/* 10.6.2: the AN names no receive SA in use. */
		if (strict_or_c(secy, tag.tci)) {
			fr->sc->stats[w].in_pkts_not_using_sa++;
			if (fr->sa != NULL)
				fr->sa->stats.rx[w].in_pkts_not_using_sa++;
			return RX_DROP;
		}
		fr->sc->stats[w].in_pkts_unused_sa++;
		if (fr->sa != NULL)
			fr->sa->stats.rx[w].in_pkts_unused_sa++;
		return RX_STRIP;
	}
	next = __atomic_load_n(&fr->sa->next_pn, __ATOMIC_ACQUIRE);
	lowest = macsec_lowest_pn(next, c->replay_window);
	if (!secy->xpn)
		fr->pn = tag.pn;
	else if (c->xpn_recovery == MACSEC_XPN_RECOVERY_IEEE)
		fr->pn = macsec_xpn_recover(lowest, tag.pn);
	else
		fr->pn = macsec_xpn_recover_linux(next, tag.pn);
	/* 10.6.2: a PN below the lowest acceptable one is discarded before any crypto. */
	if (c->replay_protect && fr->pn < lowest) {
		fr->sc->stats[w].in_pkts_late++;
		return RX_DROP;
	}
	if (c->validate_frames == MACSEC_VALIDATE_DISABLED && !(tag.tci & MACSEC_TCI_C)) {
		/* 10.6.3: not validated, delivered as is. */
		fr->sc->stats[w].in_pkts_unchecked++;
		return RX_STRIP;
	}
	if (secy->xpn)
		macsec_iv_make_xpn(fr->iv, fr->sa->ssci, fr->pn, fr->sa->salt);
	else
		macsec_iv_make(fr->iv, sci, (uint32_t)fr->pn);
	if (fr->ctb != 0) {
		/* Clear tags are outside the AAD (docs/conformance.md): slide DA/SA over them. */
		memcpy(fr->tags, f + MACSEC_ETH_ADDRS_LEN, fr->ctb);
		memmove(f + fr->ctb, f, MACSEC_ETH_ADDRS_LEN);
		fr->moved = 1;
	}
	data = sectag + tag.len;
	op->key = fr->sa->key;
	op->iv = fr->iv;
	op->aad = f + fr->ctb;
	op->tag = data + tag.secure_len;
	if (tag.tci & MACSEC_TCI_E) {
		uint32_t co = RTE_MIN((uint32_t)c->confidentiality_offset, tag.secure_len);

		op->aad_len = MACSEC_ETH_ADDRS_LEN + tag.len + co;
		op->data = data + co;
		op->data_len = tag.secure_len - co;
	} else {
		op->aad_len = MACSEC_ETH_ADDRS_LEN + tag.len + tag.secure_len;
		op->data = data + tag.secure_len;
		op->data_len = 0;
	}
	return RX_CRYPTO;
}

/*
 * After crypto (10.6.4/10.6.5): count, update the replay state, and say whether
 * to deliver. The replay check is repeated because other lcores may have moved
 * the SA on since the pre-check; next_pn only ever grows (CAS).
 */
static bool rx_complete(struct macsec_secy *secy, unsigned int w, struct rx_frame *fr, int status)
{
	const struct macsec_secy_conf *c = &secy->conf;
	struct macsec_rx_sc_stats *scs = &fr->sc->stats[w];
	struct macsec_rx_sa_stats *sas = &fr->sa->stats.rx[w];
	uint64_t next, lowest;

	if (status != 0) {
		if (status != -EBADMSG) {
			secy->stats[w].in_pkts_crypto_error++;
			return false;
		}
		/* An encrypted frame that failed was decrypted in place: never deliver it. */
		if (strict_or_c(secy, fr->tci) || (fr->tci & MACSEC_TCI_E)) {
			scs->in_pkts_not_valid++;
			sas->in_pkts_not_valid++;
			return false;
		}
		scs->in_pkts_invalid++;
		sas->in_pkts_invalid++;
		return true;
	}
	next = __atomic_load_n(&fr->sa->next_pn, __ATOMIC_ACQUIRE);
	lowest = macsec_lowest_pn(next, c->replay_window);
	if (fr->pn < lowest) {
		if (c->replay_protect) {
			scs->in_pkts_late++;
			return false;
		}
		scs->in_pkts_delayed++;
	} else {
		scs->in_pkts_ok++;
		sas->in_pkts_ok++;
	}
	while (fr->pn >= next &&
	       !__atomic_compare_exchange_n(&fr->sa->next_pn, &next, fr->pn + 1, true,
					    __ATOMIC_RELEASE, __ATOMIC_ACQUIRE))
		;
	if (fr->tci & MACSEC_TCI_E)
		secy->stats[w].in_octets_decrypted += fr->secure_len;
	else
		secy->stats[w].in_octets_validated += fr->secure_len;
	return true;
}

/*
 * Remove SecTAG and ICV (and any padding after it) from a frame at fr->f:
 * result [DA SA clear-tags user-data] starting at fr->f + fr->tl. Returns its length.
 */
static inline uint32_t rx_strip(struct rx_frame *fr)
{
	uint8_t *f = fr->f;

	if (fr->moved) {
		memmove(f + fr->tl, f + fr->ctb, MACSEC_ETH_ADDRS_LEN);
		memcpy(f + fr->tl + MACSEC_ETH_ADDRS_LEN, fr->tags, fr->ctb);
	} else {
		memmove(f + fr->tl, f, MACSEC_ETH_ADDRS_LEN + fr->ctb);
	}
	return MACSEC_ETH_ADDRS_LEN + fr->ctb + fr->secure_len;
}

/* A multi-segment frame: validate a linear copy, write back what is delivered. */
static bool rx_one_bounce(struct macsec_secy *secy, struct macsec_lcore *lc,
			  const struct macsec_rx_sc_table *t, struct rte_mbuf *m)
{
	struct macsec_aead_op op;
	struct rx_frame fr;
	enum rx_verdict v;
	uint32_t len;
	int n = mb_linearize(m, lc->bounce, lc->bounce_len);

	if (n < 0) {
		secy->stats[lc->worker].in_pkts_no_room++;
		return false;
	}
	v = rx_parse(secy, t, lc->worker, lc->bounce, (uint32_t)n, &fr, &op);
	if (v == RX_DROP)
		return false;
	if (v == RX_DELIVER)
		return true;
	if (v == RX_CRYPTO) {
		lc->aead->open_burst(lc->aead_lctx, &op, 1);
		if (!rx_complete(secy, lc->worker, &fr, op.status))
			return false;
	}
	len = rx_strip(&fr);
	return mb_write_back(m, lc->bounce + fr.tl, len) == 0;
}

static void validate_chunk(struct macsec_secy *secy, struct macsec_lcore *lc,
			   const struct macsec_rx_sc_table *t, struct rte_mbuf **pkts,
			   uint16_t first, uint16_t n, uint16_t *ng, uint16_t *nb)
{
	struct rte_mbuf *good[CHUNK], *bad[CHUNK];
	struct rx_frame fr[CHUNK];
	struct macsec_aead_op ops[CHUNK];
	uint8_t verdict[CHUNK], opidx[CHUNK];
	uint16_t ngood = 0, nbad = 0, nops = 0, i;
	const unsigned int w = lc->worker;

	/* Pass 1: parse, look up, pre-check replay; collect the frames needing crypto. */
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[first + i];

		if (unlikely(m->nb_segs > 1)) {
			/* Not now: it would move nextPN before the frames ahead of it in
			 * this chunk completed, and make them late (pass 3 keeps order). */
			verdict[i] = RX_BOUNCE;
			continue;
		}
		verdict[i] = (uint8_t)rx_parse(secy, t, w, rte_pktmbuf_mtod(m, uint8_t *), m->data_len,
					       &fr[i], &ops[nops]);
		if (verdict[i] == RX_CRYPTO)
			opidx[i] = (uint8_t)nops++;
	}
	/* Pass 2: one crypto burst. */
	if (nops != 0)
		lc->aead->open_burst(lc->aead_lctx, ops, nops);
	/* Pass 3: verdicts in arrival order, strip what is delivered. */
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[first + i];
		uint32_t len;

		if (unlikely(verdict[i] == RX_BOUNCE))
			verdict[i] = rx_one_bounce(secy, lc, t, m) ? RX_DELIVER : RX_DROP;
		if (verdict[i] == RX_DROP ||
		    (verdict[i] == RX_CRYPTO && !rx_complete(secy, w, &fr[i], ops[opidx[i]].status))) {
			bad[nbad++] = m;
			continue;
		}
		if (verdict[i] != RX_DELIVER) {
			len = rx_strip(&fr[i]);
			rte_pktmbuf_adj(m, (uint16_t)fr[i].tl);
			m->data_len = (uint16_t)len;
			m->pkt_len = len;
		}
		good[ngood++] = m;
	}
	mb_partition(pkts, ng, nb, good, ngood, bad, nbad);
}

uint16_t macsec_validate_burst(struct macsec_secy *secy, struct macsec_lcore *lc,
			       struct rte_mbuf **pkts, uint16_t n)
{
	const struct macsec_rx_sc_table *t = __atomic_load_n(&secy->rx_scs, __ATOMIC_ACQUIRE);
	uint16_t ng = 0, nb = 0;

	while (ng + nb < n) {
		uint16_t c = (uint16_t)RTE_MIN((unsigned int)(n - ng - nb), CHUNK);

		validate_chunk(secy, lc, t, pkts, (uint16_t)(ng + nb), c, &ng, &nb);
	}
	return ng;
}
