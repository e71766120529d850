/* SPDX-License-Identifier: BSD-3-Clause */
/* Transmit: 802.1AE 10.5 secure frame generation on rte_mbuf bursts, in place. */
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
#define ETH_HDR 14u
#define OP_BOUNCED (-1)
#define OP_FAILED (-2)

static inline bool is_vlan_tpid(uint16_t t)
{
	return t == 0x8100 || t == 0x88A8 || t == 0x9100;
}

/* Octets of 802.1Q/802.1ad tags (up to @p max tags) that stay in clear after DA/SA. */
static inline uint32_t clear_tag_bytes(const uint8_t *f, uint32_t len, uint8_t max)
{
	uint32_t off = MACSEC_ETH_ADDRS_LEN;

	for (uint8_t i = 0; i < max && off + 6 <= len && is_vlan_tpid(macsec_get_be16(f + off)); i++)
		off += 4;
	return off - MACSEC_ETH_ADDRS_LEN;
}

/* The SecTAG of one burst: its length and TCI bits. */
struct tx_hdr {
	uint32_t tl;         /* 8 or 16 */
	uint8_t tci;
};

/*
 * alwaysIncludeSCI, or, as Linux does, the SCI in every SecTAG while this SecY receives from
 * more than one SC: a peer with several SCs cannot tell which one a frame without SCI comes
 * from (9.9). Linux leaves ES out of that rule, as an end station's frames all carry its
 * own address; a gateway forwards others' too, which ES cannot name, so here ES gives way
 * to the explicit SCI (SC and ES exclude each other). SCB (EPON) keeps its own meaning.
 * The RX SC table changes only on the control lcore; the burst takes one reading.
 */
static inline struct tx_hdr tx_hdr_get(const struct macsec_secy *secy)
{
	const struct macsec_secy_conf *c = &secy->conf;
	struct tx_hdr h = {.tl = secy->sectag_len, .tci = secy->tx_tci};

	if (unlikely(!c->include_sci) && !c->use_scb &&
	    __atomic_load_n(&secy->rx_scs, __ATOMIC_ACQUIRE)->n > 1) {
		h.tl = MACSEC_SECTAG_LEN_SCI;
		h.tci = (uint8_t)((h.tci | MACSEC_TCI_SC) & ~MACSEC_TCI_ES);
	}
	return h;
}

/* The source address @p sa is the first 6 octets of @p sci (ES may be set, 9.5). */
static inline bool es_source(const uint8_t *sa, uint64_t sci)
{
	for (unsigned int i = 0; i < 6; i++)
		if (sa[i] != (uint8_t)(sci >> (56 - 8 * i)))
			return false;
	return true;
}

/* Per-frame state between the header pass and the crypto completion pass. */
struct tx_frame {
	uint8_t *start;      /* DA of the protected frame during crypto */
	uint32_t ctb;        /* clear tag octets */
	uint32_t user_len;   /* MSDU octets protected (EtherType onward) */
	uint8_t tags[4 * MACSEC_MAX_CLEAR_TAGS];
	uint8_t iv[MACSEC_IV_LEN];
};

/*
 * Write SecTAG and set up the AEAD op for a frame at @p f (DA) of @p len octets,
 * which has h.tl octets of room before it and 16 after. The frame is laid
 * out as [ctb spare][DA SA][SecTAG][data][ICV] so that the AAD is contiguous; the
 * clear tags are put back in front of the SecTAG after crypto (tx_finish).
 */
static __rte_always_inline void tx_build(const struct macsec_secy *secy, struct tx_hdr h,
					 const struct macsec_sa *sa, uint64_t pn, uint8_t *f,
					 uint32_t len, uint32_t ctb, struct tx_frame *fr,
					 struct macsec_aead_op *op)
{
	const struct macsec_secy_conf *c = &secy->conf;
	uint32_t tl = h.tl;
	uint32_t user_len = len - MACSEC_ETH_ADDRS_LEN - ctb;
	uint8_t *start = f - tl + ctb;     /* where DA goes during crypto */
	uint8_t *st = start + MACSEC_ETH_ADDRS_LEN;
	uint8_t *data = st + tl;
	struct macsec_sectag tag;

	if (unlikely(ctb != 0))
		memcpy(fr->tags, f + MACSEC_ETH_ADDRS_LEN, ctb);
	mb_move_addrs(start, f);
	tag.tci = h.tci;
	/*
	 * 802.1AE 9.5: ES says the SCI is the source address and port 1, so it may be set only
	 * on frames whose source address is the SCI's. A gateway forwards other stations'
	 * frames too: those go with ES clear (SC clear as well: the receiver's one SC, 9.9).
	 */
	if (unlikely(tag.tci & MACSEC_TCI_ES) && !es_source(start + 6, c->sci))
		tag.tci = (uint8_t)(tag.tci & ~MACSEC_TCI_ES);
	tag.an = sa->an;
	tag.pn = (uint32_t)pn;
	tag.sci = c->sci;
	macsec_sectag_encode(st, &tag, user_len);
	if (secy->xpn)
		macsec_iv_make_xpn(fr->iv, sa->ssci, pn, sa->salt);
	else
		macsec_iv_make(fr->iv, c->sci, (uint32_t)pn);
	fr->start = start;
	fr->ctb = ctb;
	fr->user_len = user_len;
	op->key = sa->key;
	op->iv = fr->iv;
	op->aad = start;
	op->tag = data + user_len;
	if (c->encrypt) {
		/* 802.1AE 14.5/10.5.2: the first confidentiality_offset octets stay in clear. */
		uint32_t off = RTE_MIN((uint32_t)c->confidentiality_offset, user_len);

		op->aad_len = MACSEC_ETH_ADDRS_LEN + tl + off;
		op->data = data + off;
		op->data_len = user_len - off;
	} else {
		op->aad_len = MACSEC_ETH_ADDRS_LEN + tl + user_len;
		op->data = data + user_len;
		op->data_len = 0;
	}
}

/* Put DA/SA and the clear tags back in front of the SecTAG. */
static inline void tx_finish(struct tx_frame *fr)
{
	if (fr->ctb != 0) {
		uint8_t *f = fr->start - fr->ctb;

		mb_move_addrs(f, fr->start);
		memcpy(f + MACSEC_ETH_ADDRS_LEN, fr->tags, fr->ctb);
	}
}

/* Count @p pkts frames of @p octets user data sent on one SA (once per chunk, not per frame). */
static inline void tx_count(const struct macsec_secy *secy, struct macsec_secy_stats *st,
			    struct macsec_tx_sa_stats *sst, uint64_t pkts, uint64_t octets)
{
	if (secy->conf.encrypt) {
		sst->out_pkts_encrypted += pkts;
		st->out_pkts_encrypted += pkts;
		st->out_octets_encrypted += octets;
	} else {
		sst->out_pkts_protected += pkts;
		st->out_pkts_protected += pkts;
		st->out_octets_protected += octets;
	}
}

/* A multi-segment frame: protect a linear copy, then write it back. 0 = sent. */
static int tx_one_bounce(struct macsec_secy *secy, struct tx_hdr h, struct macsec_lcore *lc,
			 struct macsec_sa *sa, uint64_t pn, struct rte_mbuf *m)
{
	struct macsec_secy_stats *st = &secy->stats[lc->worker];
	uint32_t tl = h.tl, len = m->pkt_len;
	uint8_t *f = lc->bounce + tl;
	struct macsec_aead_op op;
	struct tx_frame fr;

	if (len + tl + MACSEC_ICV_LEN > lc->bounce_len || mb_linearize(m, f, len) < 0) {
		st->out_pkts_no_room++;
		return -1;
	}
	tx_build(secy, h, sa, pn, f, len, clear_tag_bytes(f, len, secy->conf.vlan_tags_in_clear),
		 &fr, &op);
	lc->aead->seal_burst(lc->aead_lctx, &op, 1);
	if (unlikely(op.status != 0)) {
		st->out_pkts_crypto_error++;
		return -1;
	}
	tx_finish(&fr);
	if (mb_write_back(m, lc->bounce, len + tl + MACSEC_ICV_LEN) < 0) {
		st->out_pkts_no_room++;
		return -1;
	}
	tx_count(secy, st, &sa->stats.tx[lc->worker], 1, fr.user_len);
	return 0;
}

/*
 * One atomic add reserves PNs for @p want frames at *@p pn; lcores sharing the SA never
 * collide. Returns how many of them may be sent: past pn_max the SA stops (802.1AE 10.5.2,
 * never wrap) and the rest are counted as PN exhausted.
 */
static inline uint16_t tx_pn_reserve(struct macsec_sa *sa, struct macsec_secy_stats *st,
				     uint16_t want, uint64_t *pn)
{
	uint64_t p = __atomic_fetch_add(&sa->next_pn, want, __ATOMIC_RELAXED);
	uint64_t avail = p > sa->pn_max ? 0 : sa->pn_max - p + 1;

	if (unlikely(avail < want)) {
		__atomic_store_n(&sa->exhausted, 1, __ATOMIC_RELEASE);
		st->out_pkts_pn_exhausted += want - avail;
		want = (uint16_t)avail;
	}
	if (unlikely(p + want > sa->pn_threshold))
		__atomic_store_n(&sa->threshold_hit, 1, __ATOMIC_RELAXED);
	*pn = p;
	return want;
}

/*
 * The usual chunk takes a shorter path: a SecY that encrypts from the first octet and keeps
 * no tag in clear, and frames that are all single-segment, at least a header long, within
 * the MTU once protected, with room for SecTAG and ICV. Checked before anything changes, so
 * a chunk that is not takes protect_chunk whole.
 */
static inline bool tx_chunk_plain(const struct macsec_secy *secy, struct tx_hdr h,
				  struct rte_mbuf *const *pkts, uint16_t n)
{
	const uint32_t tl = h.tl, grow = tl + MACSEC_ICV_LEN;

	if (!secy->tx_plain)
		return false;
	for (uint16_t i = 0; i < n; i++) {
		const struct rte_mbuf *m = pkts[i];

		if (m->nb_segs != 1 || m->pkt_len < ETH_HDR ||
		    m->pkt_len + grow - ETH_HDR > secy->conf.mtu || rte_pktmbuf_headroom(m) < tl ||
		    rte_pktmbuf_tailroom(m) < MACSEC_ICV_LEN)
			return false;
	}
	return true;
}

/* protect_chunk for a chunk tx_chunk_plain() accepted: the same frames on the wire. */
static void protect_chunk_plain(struct macsec_secy *secy, struct tx_hdr h, struct macsec_lcore *lc,
				struct macsec_sa *sa, struct rte_mbuf **pkts, uint16_t first,
				uint16_t n, uint16_t *ng, uint16_t *nb)
{
	struct macsec_secy_stats *st = &secy->stats[lc->worker];
	const uint32_t tl = h.tl, grow = tl + MACSEC_ICV_LEN;
	const uint64_t sci = secy->conf.sci;
	struct macsec_sectag st_tag = {.tci = h.tci, .an = sa->an, .sci = sci};
	struct rte_mbuf **chunk = pkts + first, *good[CHUNK], *bad[CHUNK];
	struct macsec_aead_op ops[CHUNK];
	uint8_t iv[CHUNK][MACSEC_IV_LEN];
	uint16_t ngood = 0, nbad = 0, ok, i;
	uint64_t pn, octets = 0;

	for (i = 0; i < n; i++)
		__builtin_prefetch(rte_pktmbuf_mtod(chunk[i], uint8_t *) - tl, 1, 3);
	ok = tx_pn_reserve(sa, st, n, &pn);
	for (i = 0; i < ok; i++) {
		struct rte_mbuf *m = chunk[i];
		uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
		uint8_t *start = f - tl, *tag = start + MACSEC_ETH_ADDRS_LEN;
		uint32_t user_len = m->data_len - MACSEC_ETH_ADDRS_LEN;

		mb_move_addrs(start, f);
		st_tag.pn = (uint32_t)(pn + i);
		macsec_sectag_encode(tag, &st_tag, user_len);
		if (secy->xpn)
			macsec_iv_make_xpn(iv[i], sa->ssci, pn + i, sa->salt);
		else
			macsec_iv_make(iv[i], sci, (uint32_t)(pn + i));
		ops[i].key = sa->key;
		ops[i].iv = iv[i];
		ops[i].aad = start;
		ops[i].aad_len = MACSEC_ETH_ADDRS_LEN + tl;
		ops[i].data = tag + tl;
		ops[i].data_len = user_len;
		ops[i].tag = tag + tl + user_len;
	}
	if (ok != 0)
		lc->aead->seal_burst(lc->aead_lctx, ops, ok);
	for (i = 0; i < ok; i++) {
		struct rte_mbuf *m = chunk[i];

		if (unlikely(ops[i].status != 0)) {
			st->out_pkts_crypto_error++;
			bad[nbad++] = m;
			continue;
		}
		m->data_off = (uint16_t)(m->data_off - tl);
		m->data_len = (uint16_t)(m->data_len + grow);
		m->pkt_len += grow;
		octets += ops[i].data_len;
		good[ngood++] = m;
	}
	for (i = ok; i < n; i++)
		bad[nbad++] = chunk[i];                 /* PN exhausted, counted */
	if (ngood != 0)
		tx_count(secy, st, &sa->stats.tx[lc->worker], ngood, octets);
	mb_partition(pkts, ng, nb, good, ngood, bad, nbad);
}

static void protect_chunk(struct macsec_secy *secy, struct tx_hdr h, struct macsec_lcore *lc,
			  struct macsec_sa *sa, struct rte_mbuf **pkts, uint16_t first, uint16_t n,
			  uint16_t *ng, uint16_t *nb)
{
	struct macsec_secy_stats *st = &secy->stats[lc->worker];
	struct macsec_tx_sa_stats *sst = &sa->stats.tx[lc->worker];
	const uint32_t tl = h.tl, grow = tl + MACSEC_ICV_LEN;
	struct rte_mbuf *good[CHUNK], *bad[CHUNK], *work[CHUNK];
	uint32_t ctb[CHUNK];
	int16_t opidx[CHUNK];           /* op index, or OP_BOUNCED / OP_FAILED */
	struct tx_frame fr[CHUNK];
	struct macsec_aead_op ops[CHUNK];
	uint16_t ngood = 0, nbad = 0, nwork = 0, nops = 0, avail, i;
	uint64_t pn, sent = 0, octets = 0;

	/* Pass 1: what can be sent at all (length, MTU), so PNs are reserved once. */
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[first + i];
		const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);

		/* The SecTAG goes in front of DA: usually the line before the frame's first. */
		__builtin_prefetch(f - tl, 1, 3);
		if (unlikely(m->pkt_len < ETH_HDR)) {
			st->out_pkts_runt++;
			bad[nbad++] = m;
			continue;
		}
		/* A chained frame's tags are found on its linear copy (tx_one_bounce). */
		ctb[nwork] = m->nb_segs == 1 ?
			clear_tag_bytes(f, m->data_len, secy->conf.vlan_tags_in_clear) : 0;
		/* 802.1AE 10.5: a frame too long once protected is not sent. */
		if (unlikely(m->pkt_len + grow - ETH_HDR > secy->conf.mtu)) {
			st->out_pkts_too_long++;
			bad[nbad++] = m;
			continue;
		}
		work[nwork++] = m;
	}
	if (nwork == 0)
		goto out;

	avail = tx_pn_reserve(sa, st, nwork, &pn);
	for (i = avail; i < nwork; i++)
		bad[nbad++] = work[i];
	nwork = avail;

	/* Pass 2: headers and ops; frames that need a linear copy are protected there. */
	for (i = 0; i < nwork; i++, pn++) {
		struct rte_mbuf *m = work[i];

		if (unlikely(m->nb_segs > 1 || rte_pktmbuf_headroom(m) < tl ||
			     rte_pktmbuf_tailroom(m) < MACSEC_ICV_LEN)) {
			opidx[i] = tx_one_bounce(secy, h, lc, sa, pn, m) == 0 ? OP_BOUNCED : OP_FAILED;
			continue;
		}
		tx_build(secy, h, sa, pn, rte_pktmbuf_mtod(m, uint8_t *), m->data_len, ctb[i],
			 &fr[nops], &ops[nops]);
		opidx[i] = (int16_t)nops++;
	}

	/*
	 * Pass 3: crypto for the whole chunk, then lengths and counters, in arrival order: a
	 * bounced frame must not overtake the ones before it (their PNs are lower).
	 */
	if (nops != 0)
		lc->aead->seal_burst(lc->aead_lctx, ops, nops);
	for (i = 0; i < nwork; i++) {
		struct rte_mbuf *m = work[i];
		int16_t k = opidx[i];

		if (k == OP_BOUNCED) {
			good[ngood++] = m;
			continue;
		}
		if (k == OP_FAILED) {
			bad[nbad++] = m;
			continue;
		}
		if (unlikely(ops[k].status != 0)) {
			st->out_pkts_crypto_error++;
			bad[nbad++] = m;
			continue;
		}
		tx_finish(&fr[k]);
		m->data_off = (uint16_t)(m->data_off - tl);
		m->data_len = (uint16_t)(m->data_len + grow);
		m->pkt_len += grow;
		sent++;
		octets += fr[k].user_len;
		good[ngood++] = m;
	}
	if (sent != 0)
		tx_count(secy, st, sst, sent, octets);
out:
	mb_partition(pkts, ng, nb, good, ngood, bad, nbad);
}

uint16_t macsec_protect_burst(struct macsec_secy *secy, struct macsec_lcore *lc,
			      struct rte_mbuf **pkts, uint16_t n)
{
	struct macsec_secy_stats *st = &secy->stats[lc->worker];
	uint16_t ng = 0, nb = 0;
	struct macsec_sa *sa;
	struct tx_hdr h;
	uint8_t an;

	if (!secy->conf.protect_frames) {
		/* 10.5: protectFrames False transmits every frame untagged. */
		st->out_pkts_untagged += n;
		return n;
	}
	an = __atomic_load_n(&secy->encoding_an, __ATOMIC_ACQUIRE);
	sa = __atomic_load_n(&secy->tx_sa[an], __ATOMIC_ACQUIRE);
	if (unlikely(sa == NULL || !__atomic_load_n(&sa->active, __ATOMIC_ACQUIRE) ||
		     __atomic_load_n(&sa->exhausted, __ATOMIC_ACQUIRE))) {
		/* No SA in use: the controlled port is not operational (10.7.x). */
		if (sa != NULL && sa->exhausted)
			st->out_pkts_pn_exhausted += n;
		else
			st->out_pkts_sa_not_in_use += n;
		return 0;
	}
	h = tx_hdr_get(secy);
	while (ng + nb < n) {
		uint16_t c = (uint16_t)RTE_MIN((unsigned int)(n - ng - nb), CHUNK);

		if (tx_chunk_plain(secy, h, pkts + ng + nb, c))
			protect_chunk_plain(secy, h, lc, sa, pkts, (uint16_t)(ng + nb), c, &ng, &nb);
		else
			protect_chunk(secy, h, lc, sa, pkts, (uint16_t)(ng + nb), c, &ng, &nb);
	}
	return ng;
}
