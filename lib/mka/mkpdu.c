/* SPDX-License-Identifier: BSD-3-Clause */
/* MKPDU codec (802.1X-2020 11.11): strict decode, one reason per check, and the matching encode. */
#include <errno.h>
#include <string.h>

#include "be.h"
#include "mkpdu.h"

#define SET_HDR_LEN 4u
#define BASIC_FIXED_LEN 28u        /* SCI 8 + MI 12 + MN 4 + Algorithm Agility 4 */
#define PEER_ID_LEN 16u
#define SAK_USE_BODY_LEN 40u
#define DIST_SAK_DEFAULT_LEN 28u   /* KN 4 + wrapped 128-bit SAK 24, GCM-AES-128 implied */
#define DIST_SAK_CS_HDR_LEN 12u    /* KN 4 + Cipher Suite 8 */
#define XPN_BODY_LEN 8u
#define ANN_TLV_CIPHER_SUITES 112u
#define ANN_CS_ENTRY_LEN 10u
#define MKPDU_MIN_LEN 32u

static const char *const decode_err_names[MKA_DEC_ERR_COUNT] = {
	[MKA_DEC_OK] = "ok",
	[MKA_DEC_FRAME_SHORT] = "frame-short",
	[MKA_DEC_ETHERTYPE] = "ethertype",
	[MKA_DEC_EAPOL_VERSION] = "eapol-version",
	[MKA_DEC_EAPOL_TYPE] = "eapol-type",
	[MKA_DEC_EAPOL_LENGTH] = "eapol-length",
	[MKA_DEC_MKPDU_LENGTH] = "mkpdu-length",
	[MKA_DEC_BASIC_LENGTH] = "basic-length",
	[MKA_DEC_MKA_VERSION] = "mka-version",
	[MKA_DEC_ALGORITHM] = "algorithm-agility",
	[MKA_DEC_SET_SHORT] = "set-short",
	[MKA_DEC_PADDING] = "padding",
	[MKA_DEC_DUPLICATE_SET] = "duplicate-set",
	[MKA_DEC_RESERVED] = "reserved",
	[MKA_DEC_PEER_LIST_LENGTH] = "peer-list-length",
	[MKA_DEC_TOO_MANY_PEERS] = "too-many-peers",
	[MKA_DEC_SAK_USE_LENGTH] = "sak-use-length",
	[MKA_DEC_DIST_SAK_LENGTH] = "dist-sak-length",
	[MKA_DEC_DIST_SAK_CIPHER] = "dist-sak-cipher-suite",
	[MKA_DEC_DIST_CAK_LENGTH] = "dist-cak-length",
	[MKA_DEC_KMD_LENGTH] = "kmd-length",
	[MKA_DEC_ANNOUNCEMENT] = "announcement",
	[MKA_DEC_XPN_LENGTH] = "xpn-length",
	[MKA_DEC_ICV_INDICATOR] = "icv-indicator",
};

const char *mka_decode_err_name(enum mka_decode_err e)
{
	return (unsigned int)e < MKA_DEC_ERR_COUNT ? decode_err_names[e] : "unknown";
}

static size_t pad4(size_t n)
{
	return (n + 3u) & ~(size_t)3u;
}

/* ---------------------------------------------------------------- encode */

struct writer {
	uint8_t *buf;
	size_t cap;
	size_t off;
	int err;
};

static uint8_t *w_put(struct writer *w, size_t n)
{
	uint8_t *p;

	if (w->err)
		return NULL;
	if (n > w->cap - w->off) {
		w->err = -ENOSPC;
		return NULL;
	}
	p = w->buf + w->off;
	memset(p, 0, n);
	w->off += n;
	return p;
}

static void w_bytes(struct writer *w, const void *src, size_t n)
{
	uint8_t *p = w_put(w, n);

	if (p && n)
		memcpy(p, src, n);
}

static void w_be32(struct writer *w, uint32_t v)
{
	uint8_t *p = w_put(w, 4);

	if (p)
		mka_be32_store(p, v);
}

/* A parameter set header: type, octet 2, and the 12-bit body length with octet 3's high nibble. */
static void w_set_hdr(struct writer *w, uint8_t type, uint8_t octet2, uint8_t nibble,
		      size_t body_len)
{
	uint8_t *p = w_put(w, SET_HDR_LEN);

	if (!p)
		return;
	if (body_len > 0xfff) {
		w->err = -EINVAL;
		return;
	}
	p[0] = type;
	p[1] = octet2;
	p[2] = (uint8_t)(nibble << 4 | (body_len >> 8));
	p[3] = (uint8_t)body_len;
}

static void w_pad(struct writer *w, size_t body_len)
{
	w_put(w, pad4(body_len) - body_len);
}

static void enc_basic(struct writer *w, const struct mka_basic *b)
{
	size_t len = BASIC_FIXED_LEN + b->ckn_len;
	uint8_t *p;

	if (b->ckn_len == 0 || b->ckn_len > MKA_CKN_MAX || b->capability > 3 || b->version == 0) {
		w->err = -EINVAL;
		return;
	}
	p = w_put(w, SET_HDR_LEN);
	if (!p)
		return;
	/* Figure 11-8: the Basic set's header carries version and priority, not a type */
	p[0] = b->version;
	p[1] = b->priority;
	p[2] = (uint8_t)((b->key_server ? 0x80 : 0) | (b->macsec_desired ? 0x40 : 0) |
			 (b->capability & 3u) << 4 | (len >> 8));
	p[3] = (uint8_t)len;
	p = w_put(w, 8);
	if (p)
		mka_be64_store(p, b->sci);
	w_bytes(w, b->mi, MKA_MI_LEN);
	w_be32(w, b->mn);
	w_be32(w, b->algorithm_agility);
	w_bytes(w, b->ckn, b->ckn_len);
	w_pad(w, len);
}

static void enc_peers(struct writer *w, uint8_t type, const struct mka_peer_list *l)
{
	if (l->n > MKA_MAX_PEERS) {
		w->err = -EINVAL;
		return;
	}
	w_set_hdr(w, type, type == MKA_PARAM_LIVE_PEERS ? l->key_server_ssci : 0, 0,
		  (size_t)l->n * PEER_ID_LEN);
	for (unsigned int i = 0; i < l->n; i++) {
		w_bytes(w, l->peer[i].mi, MKA_MI_LEN);
		w_be32(w, l->peer[i].mn);
	}
}

static void enc_sak_use(struct writer *w, const struct mka_sak_use *s)
{
	uint8_t o2, o3;

	if (s->lan > 3 || s->oan > 3) {
		w->err = -EINVAL;
		return;
	}
	o2 = (uint8_t)(s->lan << 6 | (s->ltx ? 0x20 : 0) | (s->lrx ? 0x10 : 0) | s->oan << 2 |
		       (s->otx ? 0x02 : 0) | (s->orx ? 0x01 : 0));
	o3 = (uint8_t)((s->ptx ? 0x8 : 0) | (s->prx ? 0x4 : 0) | (s->delay_protect ? 0x1 : 0));
	w_set_hdr(w, MKA_PARAM_SAK_USE, o2, o3, s->has_keys ? SAK_USE_BODY_LEN : 0);
	if (!s->has_keys)
		return;
	w_bytes(w, s->lki.mi, MKA_MI_LEN);
	w_be32(w, s->lki.kn);
	w_be32(w, s->llpn);
	w_bytes(w, s->oki.mi, MKA_MI_LEN);
	w_be32(w, s->oki.kn);
	w_be32(w, s->olpn);
}

static void enc_dist_sak(struct writer *w, const struct mka_dist_sak *d)
{
	bool explicit_cs = d->cs != MKA_CS_GCM_AES_128 || d->cs_explicit;
	size_t len;
	uint8_t *p;

	if (d->plain) {
		w_set_hdr(w, MKA_PARAM_DIST_SAK, 0, 0, 0);
		return;
	}
	if (d->an > 3 || d->conf_offset > 3 || (unsigned int)d->cs >= MKA_CS_COUNT ||
	    d->wrapped_len != mka_cs_key_len(d->cs) + MKA_WRAP_OVERHEAD) {
		w->err = -EINVAL;
		return;
	}
	len = (explicit_cs ? DIST_SAK_CS_HDR_LEN : 4u) + d->wrapped_len;
	w_set_hdr(w, MKA_PARAM_DIST_SAK, (uint8_t)(d->an << 6 | d->conf_offset << 4), 0, len);
	w_be32(w, d->kn);
	if (explicit_cs) {
		p = w_put(w, 8);
		if (p)
			mka_be64_store(p, mka_cs_id(d->cs));
	}
	w_bytes(w, d->wrapped, d->wrapped_len);
	w_pad(w, len);
}

static void enc_dist_cak(struct writer *w, const struct mka_dist_cak *c)
{
	size_t len = MKA_DIST_CAK_WRAP_LEN + c->ckn_len;

	if (c->ckn_len == 0 || c->ckn_len > MKA_CKN_MAX) {
		w->err = -EINVAL;
		return;
	}
	w_set_hdr(w, MKA_PARAM_DIST_CAK, 0, 0, len);
	w_bytes(w, c->wrapped, MKA_DIST_CAK_WRAP_LEN);
	w_bytes(w, c->ckn, c->ckn_len);
	w_pad(w, len);
}

static void enc_kmd(struct writer *w, const struct mka_kmd *k)
{
	if (k->len == 0 || k->len > MKA_KMD_MAX) {
		w->err = -EINVAL;
		return;
	}
	w_set_hdr(w, MKA_PARAM_KMD, 0, 0, k->len);
	w_bytes(w, k->kmd, k->len);
	w_pad(w, k->len);
}

static void enc_announcement(struct writer *w, const struct mka_announcement *a)
{
	size_t tlv_len = (size_t)a->n_cs * ANN_CS_ENTRY_LEN;
	size_t len = a->n_cs ? 2 + tlv_len : 0;
	uint8_t *p;

	if (a->n_cs > MKA_ANN_MAX_CS || a->n_other_tlvs) {
		w->err = -EINVAL;
		return;
	}
	w_set_hdr(w, MKA_PARAM_ANNOUNCEMENT, 0, 0, len);
	if (a->n_cs) {
		/* 11.12: TLV header = 7-bit type, 9-bit length */
		p = w_put(w, 2);
		if (p) {
			p[0] = (uint8_t)(ANN_TLV_CIPHER_SUITES << 1 | (tlv_len >> 8));
			p[1] = (uint8_t)tlv_len;
		}
		for (unsigned int i = 0; i < a->n_cs; i++) {
			p = w_put(w, ANN_CS_ENTRY_LEN);
			if (!p)
				break;
			p[1] = a->cs[i].capability & 3u;
			mka_be64_store(p + 2, a->cs[i].id);
		}
	}
	w_pad(w, len);
}

static void enc_xpn(struct writer *w, const struct mka_xpn *x)
{
	w_set_hdr(w, MKA_PARAM_XPN, x->suspension_time, 0, XPN_BODY_LEN);
	w_be32(w, x->llpn_high);
	w_be32(w, x->olpn_high);
}

int mka_mkpdu_encode(struct mka_mkpdu *m, uint8_t *buf, size_t cap, size_t *len)
{
	struct writer w = { .buf = buf, .cap = cap };
	size_t eapol_len_off, body_off;
	uint8_t *p;

	w_bytes(&w, m->dst, 6);
	w_bytes(&w, m->src, 6);
	m->tag_len = 0;
	if (m->vlan) {
		p = w_put(&w, 4);
		if (p) {
			mka_be16_store(p, m->vlan_tpid ? m->vlan_tpid : MKA_ETHERTYPE_VLAN);
			mka_be16_store(p + 2, m->vlan_tci);
		}
		m->tag_len = 4;
	}
	p = w_put(&w, 2);
	if (p)
		mka_be16_store(p, m->ethertype);
	p = w_put(&w, 4);
	if (p) {
		p[0] = m->eapol_version ? m->eapol_version : MKA_EAPOL_VERSION;
		p[1] = MKA_EAPOL_TYPE_MKA;
	}
	eapol_len_off = w.off - 2;
	body_off = w.off;

	enc_basic(&w, &m->basic);
	if (m->present & MKA_HAS_LIVE_PEERS)
		enc_peers(&w, MKA_PARAM_LIVE_PEERS, &m->live);
	if (m->present & MKA_HAS_POTENTIAL_PEERS)
		enc_peers(&w, MKA_PARAM_POTENTIAL_PEERS, &m->potential);
	if (m->present & MKA_HAS_SAK_USE)
		enc_sak_use(&w, &m->sak_use);
	if (m->present & MKA_HAS_DIST_SAK)
		enc_dist_sak(&w, &m->dist_sak);
	if (m->present & MKA_HAS_DIST_CAK)
		enc_dist_cak(&w, &m->dist_cak);
	if (m->present & MKA_HAS_KMD)
		enc_kmd(&w, &m->kmd);
	if (m->present & MKA_HAS_ANNOUNCEMENT)
		enc_announcement(&w, &m->ann);
	if (m->present & MKA_HAS_XPN)
		enc_xpn(&w, &m->xpn);
	/* ICV Indicator: its body length is the ICV's, and the ICV follows it (hostapd, Wireshark) */
	if (m->present & MKA_HAS_ICV_INDICATOR)
		w_set_hdr(&w, MKA_PARAM_ICV_INDICATOR, 0, 0, MKA_ICV_LEN);
	m->icv_off = w.off;
	w_put(&w, MKA_ICV_LEN);
	if (w.err)
		return w.err;
	if (w.off - body_off > 0xffff)
		return -EINVAL;
	mka_be16_store(buf + eapol_len_off, (uint16_t)(w.off - body_off));
	memset(m->icv, 0, sizeof(m->icv));
	m->frame_len = w.off;
	*len = w.off;
	return 0;
}

/* ---------------------------------------------------------------- decode */

static bool zeros(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

static enum mka_decode_err dec_basic(const uint8_t *b, size_t avail, struct mka_basic *out,
				     size_t *used)
{
	size_t len;

	if (avail < SET_HDR_LEN)
		return MKA_DEC_BASIC_LENGTH;
	len = (size_t)(b[2] & 0x0f) << 8 | b[3];
	if (len < BASIC_FIXED_LEN + 1 || len > BASIC_FIXED_LEN + MKA_CKN_MAX ||
	    SET_HDR_LEN + pad4(len) > avail)
		return MKA_DEC_BASIC_LENGTH;
	out->version = b[0];
	if (out->version == 0)
		return MKA_DEC_MKA_VERSION;
	out->priority = b[1];
	out->key_server = b[2] & 0x80;
	out->macsec_desired = b[2] & 0x40;
	out->capability = (b[2] >> 4) & 3u;
	b += SET_HDR_LEN;
	out->sci = mka_be64_load(b);
	memcpy(out->mi, b + 8, MKA_MI_LEN);
	out->mn = mka_be32_load(b + 20);
	out->algorithm_agility = mka_be32_load(b + 24);
	if (out->algorithm_agility != MKA_ALGORITHM_AGILITY)
		return MKA_DEC_ALGORITHM;
	out->ckn_len = (uint8_t)(len - BASIC_FIXED_LEN);
	memcpy(out->ckn, b + BASIC_FIXED_LEN, out->ckn_len);
	if (!zeros(b + len, pad4(len) - len))
		return MKA_DEC_PADDING;
	*used = SET_HDR_LEN + pad4(len);
	return MKA_DEC_OK;
}

static enum mka_decode_err dec_peers(uint8_t type, uint8_t o2, const uint8_t *body, size_t len,
				     struct mka_peer_list *l)
{
	if (type == MKA_PARAM_POTENTIAL_PEERS && o2)
		return MKA_DEC_RESERVED;
	if (len % PEER_ID_LEN)
		return MKA_DEC_PEER_LIST_LENGTH;
	if (len / PEER_ID_LEN > MKA_MAX_PEERS)
		return MKA_DEC_TOO_MANY_PEERS;
	/* octet 2 of a Live Peer List is the Key Server SSCI in MKA version 3 (11.11.3) */
	l->key_server_ssci = type == MKA_PARAM_LIVE_PEERS ? o2 : 0;
	l->n = (uint16_t)(len / PEER_ID_LEN);
	for (unsigned int i = 0; i < l->n; i++) {
		memcpy(l->peer[i].mi, body + i * PEER_ID_LEN, MKA_MI_LEN);
		l->peer[i].mn = mka_be32_load(body + i * PEER_ID_LEN + MKA_MI_LEN);
	}
	return MKA_DEC_OK;
}

static enum mka_decode_err dec_sak_use(uint8_t o2, uint8_t o3, const uint8_t *body, size_t len,
				       struct mka_sak_use *s)
{
	if (len != 0 && len != SAK_USE_BODY_LEN)
		return MKA_DEC_SAK_USE_LENGTH;
	if (o3 & 0x2)   /* octet 3 bit 6: reserved (Figure 11-10) */
		return MKA_DEC_RESERVED;
	s->lan = o2 >> 6;
	s->ltx = o2 & 0x20;
	s->lrx = o2 & 0x10;
	s->oan = (o2 >> 2) & 3u;
	s->otx = o2 & 0x02;
	s->orx = o2 & 0x01;
	s->ptx = o3 & 0x8;
	s->prx = o3 & 0x4;
	s->delay_protect = o3 & 0x1;
	s->has_keys = len == SAK_USE_BODY_LEN;
	if (!s->has_keys)
		return MKA_DEC_OK;
	memcpy(s->lki.mi, body, MKA_MI_LEN);
	s->lki.kn = mka_be32_load(body + 12);
	s->llpn = mka_be32_load(body + 16);
	memcpy(s->oki.mi, body + 20, MKA_MI_LEN);
	s->oki.kn = mka_be32_load(body + 32);
	s->olpn = mka_be32_load(body + 36);
	return MKA_DEC_OK;
}

static enum mka_decode_err dec_dist_sak(uint8_t o2, const uint8_t *body, size_t len,
					struct mka_dist_sak *d)
{
	size_t wrap_off;

	if (o2 & 0x0f)
		return MKA_DEC_RESERVED;
	d->an = o2 >> 6;
	d->conf_offset = (o2 >> 4) & 3u;
	if (len == 0) {
		/* plain text: "do not use MACsec"; AN and offset carry nothing */
		d->plain = true;
		return (d->an || d->conf_offset) ? MKA_DEC_RESERVED : MKA_DEC_OK;
	}
	d->plain = false;
	if (len == DIST_SAK_DEFAULT_LEN) {
		d->cs_explicit = false;
		d->cs = MKA_CS_GCM_AES_128;
		d->cs_id = MKA_CS_ID_GCM_AES_128;
		wrap_off = 4;
	} else if (len == DIST_SAK_CS_HDR_LEN + 16 + MKA_WRAP_OVERHEAD ||
		   len == DIST_SAK_CS_HDR_LEN + 32 + MKA_WRAP_OVERHEAD) {
		d->cs_explicit = true;
		d->cs_id = mka_be64_load(body + 4);
		if (mka_cs_from_id(d->cs_id, &d->cs) != 0)
			return MKA_DEC_DIST_SAK_CIPHER;
		wrap_off = DIST_SAK_CS_HDR_LEN;
	} else {
		return MKA_DEC_DIST_SAK_LENGTH;
	}
	if (len - wrap_off != mka_cs_key_len(d->cs) + MKA_WRAP_OVERHEAD)
		return MKA_DEC_DIST_SAK_LENGTH;
	d->kn = mka_be32_load(body);
	d->wrapped_len = (uint8_t)(len - wrap_off);
	memcpy(d->wrapped, body + wrap_off, d->wrapped_len);
	return MKA_DEC_OK;
}

static enum mka_decode_err dec_announcement(const uint8_t *body, size_t len,
					    struct mka_announcement *a)
{
	size_t pos = 0;

	while (pos < len) {
		unsigned int type, tlen;

		if (len - pos < 2)
			return MKA_DEC_ANNOUNCEMENT;
		type = body[pos] >> 1;
		tlen = (unsigned int)(body[pos] & 1u) << 8 | body[pos + 1];
		pos += 2;
		if (tlen > len - pos)
			return MKA_DEC_ANNOUNCEMENT;
		if (type == ANN_TLV_CIPHER_SUITES) {
			if (tlen % ANN_CS_ENTRY_LEN)
				return MKA_DEC_ANNOUNCEMENT;
			for (size_t e = 0; e < tlen; e += ANN_CS_ENTRY_LEN) {
				const uint8_t *q = body + pos + e;

				/* 14 reserved bits, then the 2-bit implementation capability */
				if (a->n_cs >= MKA_ANN_MAX_CS || q[0] || (q[1] & 0xfc))
					return MKA_DEC_ANNOUNCEMENT;
				a->cs[a->n_cs].capability = q[1] & 3u;
				a->cs[a->n_cs].id = mka_be64_load(q + 2);
				a->n_cs++;
			}
		} else {
			a->n_other_tlvs++;
		}
		pos += tlen;
	}
	return MKA_DEC_OK;
}

/* One optional parameter set at @p p (header included), body length @p len. */
static enum mka_decode_err dec_set(const uint8_t *p, size_t len, struct mka_mkpdu *m)
{
	uint8_t type = p[0], o2 = p[1], o3 = p[2] >> 4;
	const uint8_t *body = p + SET_HDR_LEN;

	/* octet 3's high nibble is reserved everywhere except in the SAK Use set */
	if (type != MKA_PARAM_SAK_USE && o3)
		return MKA_DEC_RESERVED;
	switch (type) {
	case MKA_PARAM_LIVE_PEERS:
		m->present |= MKA_HAS_LIVE_PEERS;
		return dec_peers(type, o2, body, len, &m->live);
	case MKA_PARAM_POTENTIAL_PEERS:
		m->present |= MKA_HAS_POTENTIAL_PEERS;
		return dec_peers(type, o2, body, len, &m->potential);
	case MKA_PARAM_SAK_USE:
		m->present |= MKA_HAS_SAK_USE;
		return dec_sak_use(o2, o3, body, len, &m->sak_use);
	case MKA_PARAM_DIST_SAK:
		m->present |= MKA_HAS_DIST_SAK;
		return dec_dist_sak(o2, body, len, &m->dist_sak);
	case MKA_PARAM_DIST_CAK:
		m->present |= MKA_HAS_DIST_CAK;
		if (o2)
			return MKA_DEC_RESERVED;
		if (len < MKA_DIST_CAK_WRAP_LEN + 1 || len > MKA_DIST_CAK_WRAP_LEN + MKA_CKN_MAX)
			return MKA_DEC_DIST_CAK_LENGTH;
		memcpy(m->dist_cak.wrapped, body, MKA_DIST_CAK_WRAP_LEN);
		m->dist_cak.ckn_len = (uint8_t)(len - MKA_DIST_CAK_WRAP_LEN);
		memcpy(m->dist_cak.ckn, body + MKA_DIST_CAK_WRAP_LEN, m->dist_cak.ckn_len);
		return MKA_DEC_OK;
	case MKA_PARAM_KMD:
		m->present |= MKA_HAS_KMD;
		if (o2)
			return MKA_DEC_RESERVED;
		if (len == 0 || len > MKA_KMD_MAX)
			return MKA_DEC_KMD_LENGTH;
		m->kmd.len = (uint8_t)len;
		memcpy(m->kmd.kmd, body, len);
		return MKA_DEC_OK;
	case MKA_PARAM_ANNOUNCEMENT:
		m->present |= MKA_HAS_ANNOUNCEMENT;
		if (o2)
			return MKA_DEC_RESERVED;
		return dec_announcement(body, len, &m->ann);
	case MKA_PARAM_XPN:
		m->present |= MKA_HAS_XPN;
		if (len != XPN_BODY_LEN)
			return MKA_DEC_XPN_LENGTH;
		m->xpn.suspension_time = o2;
		m->xpn.llpn_high = mka_be32_load(body);
		m->xpn.olpn_high = mka_be32_load(body + 4);
		return MKA_DEC_OK;
	default:
		/* 11.11.2: a later version may add types; skip what we do not recognize */
		m->n_unknown_sets++;
		return MKA_DEC_OK;
	}
}

static enum mka_decode_err dec_frame(const uint8_t *f, size_t len, uint16_t ethertype,
				     struct mka_mkpdu *m)
{
	uint8_t seen[256 / 8] = { 0 };
	size_t off = 12, blen, end, pos, used, set_len;
	const uint8_t *body;
	enum mka_decode_err e;
	uint16_t et;

	if (len < 14)
		return MKA_DEC_FRAME_SHORT;
	memcpy(m->dst, f, 6);
	memcpy(m->src, f + 6, 6);
	et = mka_be16_load(f + 12);
	if (et == MKA_ETHERTYPE_VLAN || et == MKA_ETHERTYPE_QINQ) {
		if (len < 18)
			return MKA_DEC_FRAME_SHORT;
		m->vlan = true;
		m->vlan_tpid = et;
		m->vlan_tci = mka_be16_load(f + 14);
		m->tag_len = 4;
		off = 16;
		et = mka_be16_load(f + 16);
	}
	if (et != ethertype)
		return MKA_DEC_ETHERTYPE;
	m->ethertype = et;
	off += 2;
	if (len < off + 4)
		return MKA_DEC_FRAME_SHORT;
	/* 11.4: a later EAPOL version is processed as ours; MKA needs version 3 or later */
	m->eapol_version = f[off];
	if (m->eapol_version < MKA_EAPOL_VERSION)
		return MKA_DEC_EAPOL_VERSION;
	if (f[off + 1] != MKA_EAPOL_TYPE_MKA)
		return MKA_DEC_EAPOL_TYPE;
	blen = mka_be16_load(f + off + 2);
	off += 4;
	/* octets past the packet body are Ethernet padding (11.4 b), not part of the MKPDU */
	if (blen > len - off)
		return MKA_DEC_EAPOL_LENGTH;
	if (blen < MKPDU_MIN_LEN || blen % 4)
		return MKA_DEC_MKPDU_LENGTH;
	body = f + off;
	end = blen - MKA_ICV_LEN;   /* 11.11.1: the ICV is the final 16 octets of the MKPDU */
	m->icv_off = off + end;
	m->frame_len = off + blen;

	e = dec_basic(body, end, &m->basic, &used);
	if (e)
		return e;
	for (pos = used; pos < end; pos += SET_HDR_LEN + pad4(set_len)) {
		uint8_t type;

		if (end - pos < SET_HDR_LEN)
			return MKA_DEC_SET_SHORT;
		type = body[pos];
		set_len = (size_t)(body[pos + 2] & 0x0f) << 8 | body[pos + 3];
		if (type == MKA_PARAM_ICV_INDICATOR) {
			/* the indicator is last and says how long the ICV that follows it is */
			if (pos + SET_HDR_LEN != end || set_len != MKA_ICV_LEN)
				return MKA_DEC_ICV_INDICATOR;
			if (body[pos + 1] || body[pos + 2] >> 4)
				return MKA_DEC_RESERVED;
			m->present |= MKA_HAS_ICV_INDICATOR;
			break;
		}
		if (SET_HDR_LEN + pad4(set_len) > end - pos)
			return MKA_DEC_SET_SHORT;
		if (seen[type / 8] & (1u << (type % 8)))
			return MKA_DEC_DUPLICATE_SET;
		seen[type / 8] |= (uint8_t)(1u << (type % 8));
		if (!zeros(body + pos + SET_HDR_LEN + set_len, pad4(set_len) - set_len))
			return MKA_DEC_PADDING;
		e = dec_set(body + pos, set_len, m);
		if (e)
			return e;
	}
	memcpy(m->icv, f + m->icv_off, MKA_ICV_LEN);
	return MKA_DEC_OK;
}

int mka_mkpdu_decode(const uint8_t *frame, size_t len, uint16_t ethertype, struct mka_mkpdu *m,
		     enum mka_decode_err *why)
{
	enum mka_decode_err e;

	memset(m, 0, sizeof(*m));
	e = dec_frame(frame, len, ethertype, m);
	*why = e;
	return e == MKA_DEC_OK ? 0 : -EBADMSG;
}

int mka_mkpdu_peek_ckn(const uint8_t *frame, size_t len, uint16_t ethertype,
		       uint8_t ckn[MKA_CKN_MAX], uint8_t *ckn_len, uint64_t *sci)
{
	size_t off = 12, blen, set_len;

	if (len < 14)
		return -EBADMSG;
	if (mka_be16_load(frame + 12) == MKA_ETHERTYPE_VLAN ||
	    mka_be16_load(frame + 12) == MKA_ETHERTYPE_QINQ)
		off += 4;
	if (len < off + 2 + 4 + SET_HDR_LEN || mka_be16_load(frame + off) != ethertype ||
	    frame[off + 3] != MKA_EAPOL_TYPE_MKA)
		return -EBADMSG;
	off += 2;
	blen = mka_be16_load(frame + off + 2);
	off += 4;
	if (blen > len - off || blen < MKPDU_MIN_LEN)
		return -EBADMSG;
	set_len = (size_t)(frame[off + 2] & 0x0f) << 8 | frame[off + 3];
	if (set_len < BASIC_FIXED_LEN + 1 || set_len > BASIC_FIXED_LEN + MKA_CKN_MAX ||
	    SET_HDR_LEN + set_len > blen - MKA_ICV_LEN)
		return -EBADMSG;
	*ckn_len = (uint8_t)(set_len - BASIC_FIXED_LEN);
	memcpy(ckn, frame + off + SET_HDR_LEN + BASIC_FIXED_LEN, *ckn_len);
	if (sci != NULL)
		*sci = mka_be64_load(frame + off + SET_HDR_LEN);   /* the set's first field */
	return 0;
}
