/* SPDX-License-Identifier: BSD-3-Clause */
/* macsec-bench: a row's frames and SecYs, and putting the frames back between passes. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <intel-ipsec-mb.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "bench.h"
#include "macsec_dp.h"
#include "sectag.h"

static const uint16_t imix_cycle[12] = {64, 594, 64, 64, 1518, 64, 594, 64, 64, 594, 64, 594};

IMB_MGR *bench_imb_mgr_new(void)
{
	IMB_MGR *mgr = alloc_mb_mgr(0);

	if (mgr == NULL)
		return NULL;
	init_mb_mgr_auto(mgr, NULL);
	if (imb_get_errno(mgr) != 0) {
		free_mb_mgr(mgr);
		return NULL;
	}
	return mgr;
}

const char *bench_imb_arch_name(const IMB_MGR *mgr)
{
	switch (mgr->used_arch) {
	case IMB_ARCH_NOAESNI: return "no-aesni";
	case IMB_ARCH_SSE: return "sse";
	case IMB_ARCH_AVX: return "avx";
	case IMB_ARCH_AVX2: return "avx2";
	case IMB_ARCH_AVX512: return "avx512";
	default: return "unknown";
	}
}

/* Deterministic filler so runs are comparable; the content does not change the cost. */
static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static unsigned int frame_len_of(unsigned int size, uint32_t i)
{
	return size == SIZE_IMIX ? imix_cycle[i % 12] : size;
}

/* Data room of a row's mbufs: default headroom (the SecTAG goes there), frame, ICV, slack. */
static uint32_t mbuf_room(unsigned int size)
{
	unsigned int max_len = size == SIZE_IMIX ? 1518 : size;

	return RTE_PKTMBUF_HEADROOM + RTE_ALIGN_CEIL(max_len + MACSEC_ICV_LEN + MBUF_ROOM_SLACK, 64);
}

/* Octets of mempool memory one mbuf of the row takes (header, data room, pool overhead). */
uint32_t bench_mbuf_footprint(unsigned int size)
{
	struct rte_mempool_objsz sz;

	return rte_mempool_calc_obj_size(sizeof(struct rte_mbuf) + mbuf_room(size), 0, &sz);
}

/*
 * Pool size: at least 2048 frames and 8 MiB of mbuf memory, so the frames live
 * beyond L2 (in L3, where a NIC's DMA would leave them), and at most 16 MiB
 * (binds for 9000 B only). 8 MiB of 64 B frame octets instead would be 131072
 * mbufs, 64 MiB: a DRAM and TLB test, not a crypto one (docs/performance.md).
 */
static uint32_t pool_frames(const struct bench_opts *o, unsigned int size)
{
	uint32_t unit = size == SIZE_IMIX ? 96 : BURST, obj = bench_mbuf_footprint(size), n;

	n = o->frames ? o->frames : RTE_MAX(POOL_MIN_FRAMES, (POOL_MIN_BYTES + obj - 1) / obj);
	n = (n + unit - 1) / unit * unit;   /* 96: whole IMIX cycles and bursts */
	if (o->frames == 0 && (uint64_t)n * obj > POOL_MAX_BYTES)
		n = POOL_MAX_BYTES / obj / unit * unit;
	return n;
}

/* The row's SA on AN 0 from PN 1: its key, SSCI and salt (wipe @p p after use). */
void bench_row_sa_params(const struct bench_row *r, struct macsec_sa_params *p)
{
	memset(p, 0, sizeof(*p));
	p->key_len = (uint8_t)r->key_len;
	memcpy(p->key, r->key, r->key_len);
	p->pn = 1;
	p->ssci = r->ssci;
	memcpy(p->salt, r->salt, sizeof(p->salt));
	p->active = true;
}

/* Install (or renew, PN back to 1) the transmit SA and the matching receive SA. */
int bench_row_sa_install(struct bench_row *r)
{
	struct macsec_sa_params p;
	int rc;

	bench_row_sa_params(r, &p);
	rc = macsec_secy_tx_sa_install(r->tx, &p);
	if (rc == 0)
		rc = macsec_secy_rx_sa_install(r->rx, r->tx_sci, &p);
	macsec_wipe(&p, sizeof(p));
	return rc;
}

void bench_row_teardown(struct bench_row *r)
{
	if (r->m != NULL && r->pool != NULL) {
		for (uint32_t i = 0; i < r->n_frames; i++)
			if (r->m[i] != NULL)
				rte_pktmbuf_free(r->m[i]);
	}
	rte_mempool_free(r->pool);
	macsec_secy_destroy(r->tx);
	macsec_secy_destroy(r->rx);
	if (r->bare_key != NULL) {
		macsec_wipe(r->bare_key, sizeof(*r->bare_key));
		free(r->bare_key);
	}
	macsec_wipe(r->key, sizeof(r->key));
	free(r->m);
	free(r->clear);
	free(r->off);
	free(r->len);
	free(r->wire);
	memset(r, 0, sizeof(*r));
}

int bench_row_setup(struct bench_row *r, const struct bench_opts *o, enum macsec_cipher_suite cs,
		     enum bench_dir dir, unsigned int size, const struct macsec_aead_engine *aead,
		     IMB_MGR *mgr)
{
	static unsigned int seq;
	struct macsec_secy_conf c;
	char name[RTE_MEMPOOL_NAMESIZE];
	uint64_t seed = 0x9E3779B97F4A7C15ull ^ size, total = 0;
	uint32_t room;
	int rc;

	memset(r, 0, sizeof(*r));
	r->cs = cs;
	r->dir = dir;
	r->size = size;
	r->n_frames = pool_frames(o, size);
	r->key_len = macsec_cs_key_len(cs);
	r->tl = o->sectag_len;
	r->xpn = macsec_cs_is_xpn(cs);
	r->tx_sci = 0x020000000001ull << 16 | 1;
	r->ssci = 1;
	for (unsigned int i = 0; i < sizeof(r->key); i++)
		r->key[i] = (uint8_t)(0xA0 + i * 7);
	for (unsigned int i = 0; i < sizeof(r->salt); i++)
		r->salt[i] = (uint8_t)(0x5A ^ (i * 29));

	r->m = calloc(r->n_frames, sizeof(r->m[0]));
	r->off = calloc(r->n_frames, sizeof(r->off[0]));
	r->len = calloc(r->n_frames, sizeof(r->len[0]));
	if (r->m == NULL || r->off == NULL || r->len == NULL)
		goto nomem;
	for (uint32_t i = 0; i < r->n_frames; i++) {
		r->off[i] = (uint32_t)total;
		r->len[i] = (uint16_t)frame_len_of(size, i);
		total += r->len[i];
	}
	r->pass_octets = total;
	r->clear = malloc(total);
	if (r->clear == NULL)
		goto nomem;
	for (uint32_t i = 0; i < r->n_frames; i++) {
		uint8_t *f = r->clear + r->off[i];

		for (uint32_t j = 0; j < r->len[i]; j++)
			f[j] = (uint8_t)xorshift(&seed);
		memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
	}

	room = mbuf_room(size);
	snprintf(name, sizeof(name), "bench%u", seq++);
	r->pool = rte_pktmbuf_pool_create(name, r->n_frames, 0, 0, (uint16_t)room, rte_socket_id());
	if (r->pool == NULL) {
		fprintf(stderr, "macsec-bench: mempool of %u mbufs x %u octets: %s\n", r->n_frames, room,
			rte_strerror(rte_errno));
		bench_row_teardown(r);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < r->n_frames; i += BURST) {
		if (rte_pktmbuf_alloc_bulk(r->pool, &r->m[i], RTE_MIN(BURST, r->n_frames - i)) != 0) {
			fprintf(stderr, "macsec-bench: mbuf allocation failed\n");
			bench_row_teardown(r);
			return -ENOMEM;
		}
	}
	for (uint32_t i = 0; i < r->n_frames; i++)
		r->m[i]->hash.usr = i;  /* which frame it is, for the delivery-order check */

	memset(&c, 0, sizeof(c));
	c.cipher_suite = cs;
	c.validate_frames = MACSEC_VALIDATE_STRICT;
	c.replay_window = o->replay_window;
	c.replay_protect = true;
	c.mtu = 9600;
	c.protect_frames = true;
	c.encrypt = true;
	c.include_sci = o->sectag_len == MACSEC_SECTAG_LEN_SCI;
	c.sci = r->tx_sci;
	rc = macsec_secy_create(&r->tx, &c, aead, NULL);
	c.sci = 0x020000000002ull << 16 | 1;
	if (rc == 0)
		rc = macsec_secy_create(&r->rx, &c, aead, NULL);
	if (rc == 0)
		rc = macsec_secy_rx_sc_add(r->rx, r->tx_sci);
	if (rc == 0)
		rc = bench_row_sa_install(r);
	if (rc == 0)
		rc = macsec_secy_tx_set_encoding_an(r->tx, 0);
	if (rc < 0) {
		fprintf(stderr, "macsec-bench: SecY setup: %s\n", strerror(-rc));
		bench_row_teardown(r);
		return rc;
	}

	r->bare_key = aligned_alloc(64, RTE_ALIGN_CEIL(sizeof(*r->bare_key), 64));
	if (r->bare_key == NULL)
		goto nomem;
	if (r->key_len == 16)
		IMB_AES128_GCM_PRE(mgr, r->key, r->bare_key);
	else
		IMB_AES256_GCM_PRE(mgr, r->key, r->bare_key);
	return 0;
nomem:
	fprintf(stderr, "macsec-bench: out of memory for %u frames\n", r->n_frames);
	bench_row_teardown(r);
	return -ENOMEM;
}

/* Untimed: put the worker's frames back to pristine clear frames at the default headroom. */
void bench_frames_restore(struct bench_row *r, const struct bench_worker *w)
{
	for (uint32_t i = w->first; i < w->first + w->n; i++) {
		struct rte_mbuf *m = r->m[i];

		m->data_off = RTE_PKTMBUF_HEADROOM;
		m->data_len = r->len[i];
		m->pkt_len = r->len[i];
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), r->clear + r->off[i], r->len[i]);
	}
}

/* Start both SAs again before the 32-bit PN space runs low (untimed). */
int bench_row_pn_renew(struct bench_row *r, uint32_t frames_next)
{
	uint64_t next = __atomic_load_n(&r->tx->tx_sa[0]->next_pn, __ATOMIC_RELAXED);

	if (next + frames_next < 0x80000000ull)
		return 0;
	return bench_row_sa_install(r);
}

/* Untimed: restore, then protect with our own protect so validate gets fresh PNs. */
int bench_frames_prepare_validate(struct bench_row *r, struct bench_worker *w)
{
	struct rte_mbuf *burst[BURST];
	int rc = bench_row_pn_renew(r, w->n);

	if (rc < 0)
		return rc;
	bench_frames_restore(r, w);
	for (uint32_t i = 0; i < w->n; i += BURST) {
		memcpy(burst, &r->m[w->first + i], sizeof(burst));
		if (macsec_protect_burst(r->tx, &w->mlc, burst, BURST) != BURST) {
			fprintf(stderr, "macsec-bench: protect (preparing validate) dropped frames\n");
			return -EIO;
		}
	}
	return 0;
}

int bench_frames_check_clear(const struct bench_row *r, const struct bench_worker *w)
{
	for (uint32_t i = w->first; i < w->first + w->n; i++) {
		const struct rte_mbuf *m = r->m[i];

		if (m->data_len != r->len[i] ||
		    memcmp(rte_pktmbuf_mtod(m, const uint8_t *), r->clear + r->off[i], r->len[i]) != 0) {
			fprintf(stderr, "macsec-bench: frame %u differs from the original after validate\n", i);
			return -EIO;
		}
	}
	return 0;
}

/* Say which counters moved when ours dropped frames. */
void bench_drops_explain(const struct bench_row *r)
{
	const struct macsec_rx_sc *sc = macsec_rx_sc_table_find(macsec_secy_rx_scs(r->rx), r->tx_sci);
	struct macsec_secy_stats st, rt;
	struct macsec_rx_sc_stats scs;

	macsec_secy_stats_sum(r->tx, &st);
	macsec_secy_stats_sum(r->rx, &rt);
	memset(&scs, 0, sizeof(scs));
	if (sc != NULL)
		macsec_rx_sc_stats_sum(sc, &scs);
	fprintf(stderr, "macsec-bench: tx too long %" PRIu64 ", PN exhausted %" PRIu64 ", SA not in use %"
		PRIu64 "; rx no tag %" PRIu64 ", bad tag %" PRIu64 ", no SCI %" PRIu64 ", late %" PRIu64
		", not valid %" PRIu64 ", not using SA %" PRIu64 "\n", st.out_pkts_too_long,
		st.out_pkts_pn_exhausted, st.out_pkts_sa_not_in_use, rt.in_pkts_no_tag,
		rt.in_pkts_bad_tag, rt.in_pkts_no_sci, scs.in_pkts_late, scs.in_pkts_not_valid,
		scs.in_pkts_not_using_sa);
}
