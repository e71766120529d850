/* SPDX-License-Identifier: BSD-3-Clause */
/* Receive: 802.1AE 10.6 frame verification on rte_mbuf bursts, in place: verify, then commit. */
#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "iv.h"
#include "macsec_dp.h"
#include "mbuf_util.h"
#include "pn.h"
#include "sectag.h"

#define CHUNK MACSEC_AEAD_MAX_BURST
#define RX_PREFETCH 2u     /* frames ahead whose first lines load while one is parsed */

enum rx_verdict {
	RX_DROP,       /* counted, discard */
	RX_DELIVER,    /* deliver as received (untagged) */
	RX_STRIP,      /* deliver with SecTAG and ICV removed, not validated, counted */
	RX_UNCHECKED,  /* the same, but the replay check at commit still applies (10.6.3) */
	RX_CRYPTO,     /* needs ICV verification */
	RX_DONE,       /* chained frame: verified on a linear copy, verdict written */
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
 * The receive SC and SA (in use) that the last frame of a chunk found for its SCI and AN.
 * Frames of one chunk usually share them; within a chunk, an SA the control lcore retires
 * stays readable (RCU) and the chunk is treated as having arrived before it did.
 */
struct rx_sa_cache {
	uint64_t sci;
	uint8_t an;
	struct macsec_rx_sc *sc;
	struct macsec_sa *sa;          /* NULL: nothing cached */
};

/*
 * The usual frame, decoded in one look: SecTAG right after DA/SA (no clear tag: 0x88E5 is
 * no VLAN TPID, so the general path would skip none either) with SCI, E and C, no ES/SCB,
 * V 0, SL 0 and at least 48 octets of secure data, PN not 0 (or XPN). Gives exactly what
 * macsec_sectag_decode gives for such a frame; false: anything else, decode it in full.
 */
static __rte_always_inline bool rx_tag_fast(const uint8_t *f, uint32_t len, bool xpn,
					    struct macsec_sectag *tag)
{
	const uint32_t want = MACSEC_ETHERTYPE << 16 |
			      (uint32_t)(MACSEC_TCI_SC | MACSEC_TCI_E | MACSEC_TCI_C) << 8;
	uint32_t head;

	if (len < MACSEC_ETH_ADDRS_LEN + MACSEC_SECTAG_LEN_SCI + MACSEC_SL_MAX + MACSEC_ICV_LEN)
		return false;
	/* EtherType, TCI/AN, SL: everything but the AN must be as above. */
	head = macsec_get_be32(f + MACSEC_ETH_ADDRS_LEN);
	if ((head & ~((uint32_t)MACSEC_AN_MASK << 8)) != want)
		return false;
	tag->pn = macsec_get_be32(f + MACSEC_ETH_ADDRS_LEN + 4);
	if (tag->pn == 0 && !xpn)
		return false;
	tag->tci = MACSEC_TCI_SC | MACSEC_TCI_E | MACSEC_TCI_C;
	tag->an = (uint8_t)(head >> 8) & MACSEC_AN_MASK;
	tag->sl = 0;
	tag->len = MACSEC_SECTAG_LEN_SCI;
	tag->secure_len = len - MACSEC_ETH_ADDRS_LEN - MACSEC_SECTAG_LEN_SCI - MACSEC_ICV_LEN;
	tag->sci = macsec_get_be64(f + MACSEC_ETH_ADDRS_LEN + 8);
	return true;
}

/*
 * Parse and classify one frame at @p f of @p len octets (clause 10.6.1 to the
 * replay pre-check of 10.6.2). Counts every verdict that needs neither crypto nor
 * the commit (RX_DROP, RX_DELIVER, RX_STRIP); for RX_CRYPTO it fills @p op.
 * The pre-check reads nextPN without changing it: nextPN only grows, so a frame
 * late here is late at its commit too.
 */
static __rte_always_inline enum rx_verdict rx_parse(struct macsec_secy *secy, const struct macsec_rx_sc_table *t,
				unsigned int w, uint8_t *f, uint32_t len, struct rx_frame *fr,
				struct macsec_aead_op *op, struct rx_sa_cache *rc)
{
	const struct macsec_secy_conf *c = &secy->conf;
	struct macsec_secy_stats *st = &secy->stats[w];
	struct macsec_sectag tag;
	enum macsec_sectag_err err;
	uint32_t off = MACSEC_ETH_ADDRS_LEN, i;
	uint64_t sci, next, lowest;
	uint8_t *sectag, *data;

	if (likely(rx_tag_fast(f, len, secy->xpn, &tag)))
		goto tagged;
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
	err = macsec_sectag_decode(f + off, len - off, secy->xpn, &tag);
	if (unlikely(err != MACSEC_SECTAG_OK)) {
		st->in_pkts_bad_tag++;
		return RX_DROP;
	}
tagged:
	sectag = f + off;
	fr->f = f;
	fr->ctb = off - MACSEC_ETH_ADDRS_LEN;
	fr->tl = tag.len;
	fr->secure_len = tag.secure_len;
	fr->tci = tag.tci;
	fr->moved = 0;
	sci = (tag.tci & MACSEC_TCI_SC) ? tag.sci : rx_implicit_sci(t, f, tag.tci);
	if (likely(rc->sa != NULL && rc->sci == sci && rc->an == tag.an)) {
		/* The SC and SA in use of the frame before: already looked up and checked. */
		fr->sc = rc->sc;
		fr->sa = rc->sa;
		goto sa_ok;
	}
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
	rc->sci = sci;
	rc->an = tag.an;
	rc->sc = fr->sc;
	rc->sa = fr->sa;
sa_ok:
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
		/* 10.6.3: not validated, delivered as is (counted at commit, after the replay check). */
		return RX_UNCHECKED;
	}
	if (secy->xpn)
		macsec_iv_make_xpn(fr->iv, fr->sa->ssci, fr->pn, fr->sa->salt);
	else
		macsec_iv_make(fr->iv, sci, (uint32_t)fr->pn);
	if (fr->ctb != 0) {
		/* Clear tags are outside the AAD (docs/conformance.md): slide DA/SA over them. */
		memcpy(fr->tags, f + MACSEC_ETH_ADDRS_LEN, fr->ctb);
		mb_move_addrs(f + fr->ctb, f);
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

/* What the ICV verdict makes of a frame (10.6.4); the replay-dependent counters wait for commit. */
static enum macsec_rx_kind rx_icv_kind(struct macsec_secy *secy, unsigned int w,
				       const struct rx_frame *fr, int status)
{
	if (likely(status == 0))
		return MACSEC_RX_VALID;
	if (status != -EBADMSG) {
		secy->stats[w].in_pkts_crypto_error++;
		return MACSEC_RX_DROP;
	}
	/* An encrypted frame that failed was decrypted in place: never deliver it. */
	if (strict_or_c(secy, fr->tci) || (fr->tci & MACSEC_TCI_E))
		return MACSEC_RX_NOT_VALID;
	return MACSEC_RX_INVALID;
}

static inline void rx_record(struct macsec_rx_verdict *v, const struct rx_frame *fr,
			     enum macsec_rx_kind kind)
{
	v->sa = fr->sa;
	v->sc = fr->sc;
	v->pn = fr->pn;
	v->secure_len = fr->secure_len;
	v->kind = (uint8_t)kind;
	v->tci = fr->tci;
}

static inline void rx_final(struct macsec_rx_verdict *v, enum macsec_rx_kind kind)
{
	v->sa = NULL;
	v->sc = NULL;
	v->kind = (uint8_t)kind;
}

static inline bool rx_kind_delivers(enum macsec_rx_kind k)
{
	return k == MACSEC_RX_VALID || k == MACSEC_RX_INVALID || k == MACSEC_RX_UNCHECKED;
}

/*
 * Remove SecTAG and ICV (and any padding after it) from a frame at fr->f:
 * result [DA SA clear-tags user-data] starting at fr->f + fr->tl. Returns its length.
 */
static inline uint32_t rx_strip(struct rx_frame *fr)
{
	uint8_t *f = fr->f;

	if (fr->moved) {
		mb_move_addrs(f + fr->tl, f + fr->ctb);
		memcpy(f + fr->tl + MACSEC_ETH_ADDRS_LEN, fr->tags, fr->ctb);
	} else if (likely(fr->ctb == 0)) {
		mb_move_addrs(f + fr->tl, f);
	} else {
		memmove(f + fr->tl, f, MACSEC_ETH_ADDRS_LEN + fr->ctb);
	}
	return MACSEC_ETH_ADDRS_LEN + fr->ctb + fr->secure_len;
}

/* A multi-segment frame: verify a linear copy, write back what may be delivered. */
static void rx_one_bounce(struct macsec_secy *secy, struct macsec_lcore *lc,
			  const struct macsec_rx_sc_table *t, struct rte_mbuf *m,
			  struct macsec_rx_verdict *v)
{
	enum macsec_rx_kind kind = MACSEC_RX_DELIVER;
	struct macsec_aead_op op;
	struct rx_sa_cache rc = {.sa = NULL};
	struct rx_frame fr;
	enum rx_verdict rv;
	int n = mb_linearize(m, lc->bounce, lc->bounce_len);

	if (n < 0) {
		secy->stats[lc->worker].in_pkts_no_room++;
		rx_final(v, MACSEC_RX_DROP);
		return;
	}
	rv = rx_parse(secy, t, lc->worker, lc->bounce, (uint32_t)n, &fr, &op, &rc);
	if (rv == RX_DROP || rv == RX_DELIVER) {
		rx_final(v, rv == RX_DROP ? MACSEC_RX_DROP : MACSEC_RX_DELIVER);
		return;
	}
	if (rv == RX_CRYPTO) {
		lc->aead->open_burst(lc->aead_lctx, &op, 1);
		kind = rx_icv_kind(secy, lc->worker, &fr, op.status);
	} else if (rv == RX_UNCHECKED) {
		kind = MACSEC_RX_UNCHECKED;
	}
	if (kind == MACSEC_RX_DELIVER || rx_kind_delivers(kind)) {
		/* Stripping only shortens the chain: the write-back cannot fail. */
		uint32_t len = rx_strip(&fr);

		if (unlikely(mb_write_back(m, lc->bounce + fr.tl, len) < 0)) {
			secy->stats[lc->worker].in_pkts_no_room++;
			kind = MACSEC_RX_DROP;
		}
	}
	if (kind == MACSEC_RX_DELIVER || kind == MACSEC_RX_DROP)
		rx_final(v, kind);
	else
		rx_record(v, &fr, kind);
}

static inline void rx_prefetch_frame(const struct rte_mbuf *m)
{
	const uint8_t *f = rte_pktmbuf_mtod(m, const uint8_t *);

	rte_prefetch0(f);
	rte_prefetch0(f + RTE_CACHE_LINE_SIZE);
}

/* A common-case summary of the @p n >= 1 valid verdicts v[0, n), octets by E clear / set. */
static inline void rx_summary_fill(struct macsec_rx_summary *s, const struct macsec_rx_verdict *v,
				   uint16_t n, const uint64_t oct[2])
{
	s->sa = v[0].sa;
	s->sc = v[0].sc;
	s->first_pn = v[0].pn;
	s->last_pn = v[n - 1].pn;
	s->octets_validated = oct[0];
	s->octets_decrypted = oct[1];
}

/* Verify up to CHUNK frames: parse, replay pre-check, one crypto burst, strip. No nextPN change. */
static void verify_chunk(struct macsec_secy *secy, struct macsec_lcore *lc,
			 const struct macsec_rx_sc_table *t, struct rte_mbuf **pkts, uint16_t n,
			 struct macsec_rx_verdict *v, struct macsec_rx_summary *sum)
{
	struct rx_frame fr[CHUNK];
	struct macsec_aead_op ops[CHUNK];
	uint8_t verdict[CHUNK], opidx[CHUNK];
	uint16_t nops = 0, i;
	const unsigned int w = lc->worker;
	bool common = n != 0;          /* rx_summarize's common case, decided as pass 3 goes */
	struct rx_sa_cache rc = {.sa = NULL};
	uint64_t oct[2] = {0, 0};

	/*
	 * Frames arrive cold (a NIC's DMA): load every mbuf header of the chunk now, and
	 * each frame's first two lines (a short frame whole) a few frames ahead of its parse.
	 */
	for (i = 0; i < n; i++)
		rte_prefetch0(pkts[i]);
	for (i = 0; i < n && i < RX_PREFETCH; i++)
		rx_prefetch_frame(pkts[i]);
	/* Pass 1: parse, look up, pre-check replay; collect the frames needing crypto. */
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		if (i + RX_PREFETCH < n)
			rx_prefetch_frame(pkts[i + RX_PREFETCH]);
		if (unlikely(m->nb_segs > 1)) {
			/* Verification moves no replay state, so a chained frame is done here. */
			rx_one_bounce(secy, lc, t, m, &v[i]);
			verdict[i] = RX_DONE;
			continue;
		}
		verdict[i] = (uint8_t)rx_parse(secy, t, w, rte_pktmbuf_mtod(m, uint8_t *), m->data_len,
					       &fr[i], &ops[nops], &rc);
		if (verdict[i] == RX_CRYPTO)
			opidx[i] = (uint8_t)nops++;
	}
	/* Pass 2: one crypto burst. */
	if (nops != 0)
		lc->aead->open_burst(lc->aead_lctx, ops, nops);
	/* Pass 3: verdicts; strip what may be delivered. */
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		enum macsec_rx_kind kind;
		uint32_t len;

		switch (verdict[i]) {
		case RX_DONE:                   /* its verdict is in v[i] already */
			common = false;
			continue;
		case RX_DROP:
			rx_final(&v[i], MACSEC_RX_DROP);
			common = false;
			continue;
		case RX_DELIVER:
			rx_final(&v[i], MACSEC_RX_DELIVER);
			common = false;
			continue;
		case RX_STRIP:
			kind = MACSEC_RX_DELIVER;
			break;
		case RX_UNCHECKED:
			kind = MACSEC_RX_UNCHECKED;
			break;
		default:
			kind = rx_icv_kind(secy, w, &fr[i], ops[opidx[i]].status);
			break;
		}
		if (kind == MACSEC_RX_DELIVER || rx_kind_delivers(kind)) {
			len = rx_strip(&fr[i]);
			m->data_off = (uint16_t)(m->data_off + fr[i].tl);
			m->data_len = (uint16_t)len;
			m->pkt_len = len;
		}
		if (kind == MACSEC_RX_DELIVER || kind == MACSEC_RX_DROP) {
			rx_final(&v[i], kind);
			common = false;
			continue;
		}
		rx_record(&v[i], &fr[i], kind);
		common = common && kind == MACSEC_RX_VALID && fr[i].sa == fr[0].sa &&
			 (i == 0 || fr[i].pn > fr[i - 1].pn);
		oct[(fr[i].tci & MACSEC_TCI_E) != 0] += fr[i].secure_len;
	}
	sum->n = n;
	sum->sa = NULL;
	if (common)
		rx_summary_fill(sum, v, n, oct);
}

static inline bool rx_kind_replay(uint8_t k)
{
	return k >= MACSEC_RX_VALID;
}

/*
 * 10.6.2 and 10.6.5 for a run of frames on one SA, in arrival order, as one atomic step:
 * each frame is late when its PN is below the lowest acceptable PN at its turn, and a valid
 * frame at or above nextPN moves nextPN past it. The run is decided on a snapshot of nextPN
 * and published by one compare-and-swap; if another lcore moved nextPN in between, the run is
 * decided again on the new value. So every decision holds at the instant of the swap (or of
 * the load, when nothing changes): concurrent lcores behave as one receiver that saw the
 * runs in the order their swaps took effect (docs/threading.md).
 */
static void rx_replay_run(const struct macsec_secy *secy, const struct macsec_rx_verdict *v,
			  uint16_t n, uint8_t *late)
{
	struct macsec_sa *sa = v[0].sa;
	const uint32_t window = secy->conf.replay_window;
	uint64_t seen = __atomic_load_n(&sa->next_pn, __ATOMIC_ACQUIRE), next;

	for (;;) {
		next = seen;
		for (uint16_t k = 0; k < n; k++) {
			if (!rx_kind_replay(v[k].kind))
				continue;
			late[k] = v[k].pn < macsec_lowest_pn(next, window);
			if (v[k].kind == MACSEC_RX_VALID && v[k].pn >= next)
				next = v[k].pn + 1;
		}
		if (next == seen ||
		    __atomic_compare_exchange_n(&sa->next_pn, &seen, next, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return;
	}
}

/* Count one frame's outcome (10.6.2 to 10.6.5) once its replay verdict is known; true = deliver. */
static bool rx_count(struct macsec_secy *secy, unsigned int w, const struct macsec_rx_verdict *v,
		     bool late)
{
	struct macsec_rx_sc_stats *scs;
	struct macsec_rx_sa_stats *sas;

	if (v->kind == MACSEC_RX_DROP)
		return false;
	if (v->kind == MACSEC_RX_DELIVER)
		return true;
	scs = &v->sc->stats[w];
	sas = &v->sa->stats.rx[w];
	if (late && secy->conf.replay_protect) {
		scs->in_pkts_late++;
		return false;
	}
	switch (v->kind) {
	case MACSEC_RX_VALID:
		if (late) {
			scs->in_pkts_delayed++;
		} else {
			scs->in_pkts_ok++;
			sas->in_pkts_ok++;
		}
		if (v->tci & MACSEC_TCI_E)
			secy->stats[w].in_octets_decrypted += v->secure_len;
		else
			secy->stats[w].in_octets_validated += v->secure_len;
		return true;
	case MACSEC_RX_INVALID:
		scs->in_pkts_invalid++;
		sas->in_pkts_invalid++;
		return true;
	case MACSEC_RX_NOT_VALID:
		scs->in_pkts_not_valid++;
		sas->in_pkts_not_valid++;
		return false;
	default:        /* MACSEC_RX_UNCHECKED */
		scs->in_pkts_unchecked++;
		return true;
	}
}

/* Commit pkts[first, first + n) whose verdicts are v[0, n); partition as mb_partition says. */
static void commit_chunk(struct macsec_secy *secy, unsigned int w, struct rte_mbuf **pkts,
			 const struct macsec_rx_verdict *v, uint16_t first, uint16_t n, uint16_t *ng,
			 uint16_t *nb)
{
	struct rte_mbuf *good[CHUNK], *bad[CHUNK];
	uint8_t late[CHUNK];
	uint16_t ngood = 0, nbad = 0, i, j;

	/* Runs of frames on one SA (frames with no SA may sit inside a run), in arrival order. */
	for (i = 0; i < n; i = j) {
		if (!rx_kind_replay(v[i].kind)) {
			late[i] = 0;
			j = (uint16_t)(i + 1);
			continue;
		}
		for (j = (uint16_t)(i + 1); j < n; j++) {
			if (!rx_kind_replay(v[j].kind))
				late[j] = 0;
			else if (v[j].sa != v[i].sa)
				break;
		}
		rx_replay_run(secy, &v[i], (uint16_t)(j - i), &late[i]);
	}
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[first + i];

		if (rx_count(secy, w, &v[i], late[i]))
			good[ngood++] = m;
		else
			bad[nbad++] = m;
	}
	mb_partition(pkts, ng, nb, good, ngood, bad, nbad);
}

/* The common case (see struct macsec_rx_summary), from verdicts the caller just wrote. */
static void rx_summarize(const struct macsec_rx_verdict *v, uint16_t n, struct macsec_rx_summary *s)
{
	uint64_t oct[2] = {0, 0};

	s->sa = NULL;
	s->n = n;
	if (n == 0)
		return;
	for (uint16_t i = 0; i < n; i++) {
		if (v[i].kind != MACSEC_RX_VALID || v[i].sa != v[0].sa ||
		    (i != 0 && v[i].pn <= v[i - 1].pn))
			return;
		oct[(v[i].tci & MACSEC_TCI_E) != 0] += v[i].secure_len;
	}
	rx_summary_fill(s, v, n, oct);
}

/*
 * Commit a common-case burst as a whole: when its first PN is acceptable, so is every
 * later one (each is above the one before, which moved nextPN past itself), and nextPN
 * ends past the last. false: some frame is late, decide frame by frame.
 */
static bool rx_commit_whole(struct macsec_secy *secy, unsigned int w,
			    const struct macsec_rx_summary *s)
{
	struct macsec_sa *sa = s->sa;
	const uint32_t window = secy->conf.replay_window;
	uint64_t seen = __atomic_load_n(&sa->next_pn, __ATOMIC_ACQUIRE), next;

	for (;;) {
		if (s->first_pn < macsec_lowest_pn(seen, window))
			return false;
		next = RTE_MAX(seen, s->last_pn + 1);
		if (next == seen ||
		    __atomic_compare_exchange_n(&sa->next_pn, &seen, next, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			break;
	}
	s->sc->stats[w].in_pkts_ok += s->n;
	sa->stats.rx[w].in_pkts_ok += s->n;
	secy->stats[w].in_octets_decrypted += s->octets_decrypted;
	secy->stats[w].in_octets_validated += s->octets_validated;
	return true;
}

void macsec_validate_burst_verify(struct macsec_secy *secy, struct macsec_lcore *lc,
				  struct rte_mbuf **pkts, uint16_t n, struct macsec_rx_verdict *v,
				  struct macsec_rx_summary *sum)
{
	const struct macsec_rx_sc_table *t = __atomic_load_n(&secy->rx_scs, __ATOMIC_ACQUIRE);

	struct macsec_rx_summary chunk;

	for (uint16_t done = 0; done < n;) {
		uint16_t c = (uint16_t)RTE_MIN((unsigned int)(n - done), CHUNK);

		verify_chunk(secy, lc, t, pkts + done, c, v + done, &chunk);
		done = (uint16_t)(done + c);
	}
	if (sum == NULL)
		return;
	if (n <= CHUNK)
		*sum = chunk;            /* one chunk: its summary is the burst's */
	else
		rx_summarize(v, n, sum);
}

uint16_t macsec_validate_burst_commit(struct macsec_secy *secy, struct macsec_lcore *lc,
				      struct rte_mbuf **pkts, uint16_t n,
				      const struct macsec_rx_verdict *v,
				      const struct macsec_rx_summary *sum)
{
	uint16_t ng = 0, nb = 0;

	if (sum != NULL && sum->sa != NULL && sum->n == n && rx_commit_whole(secy, lc->worker, sum))
		return n;
	while (ng + nb < n) {
		uint16_t c = (uint16_t)RTE_MIN((unsigned int)(n - ng - nb), CHUNK);

		commit_chunk(secy, lc->worker, pkts, v + ng + nb, (uint16_t)(ng + nb), c, &ng, &nb);
	}
	return ng;
}

uint16_t macsec_validate_burst(struct macsec_secy *secy, struct macsec_lcore *lc,
			       struct rte_mbuf **pkts, uint16_t n)
{
	const struct macsec_rx_sc_table *t = __atomic_load_n(&secy->rx_scs, __ATOMIC_ACQUIRE);
	struct macsec_rx_verdict v[CHUNK];
	struct macsec_rx_summary sum;
	uint16_t ng = 0, nb = 0;

	while (ng + nb < n) {
		uint16_t first = (uint16_t)(ng + nb);
		uint16_t c = (uint16_t)RTE_MIN((unsigned int)(n - first), CHUNK);

		verify_chunk(secy, lc, t, pkts + first, c, v, &sum);
		if (sum.sa != NULL && nb == 0 && rx_commit_whole(secy, lc->worker, &sum)) {
			ng = (uint16_t)(ng + c);    /* all good, already in place */
			continue;
		}
		commit_chunk(secy, lc->worker, pkts, v, first, c, &ng, &nb);
	}
	return ng;
}
