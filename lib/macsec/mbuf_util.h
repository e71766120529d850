/* SPDX-License-Identifier: BSD-3-Clause */
/* mbuf helpers shared by protect and validate: burst partition, multi-segment copy in/out. */
#ifndef MACSEC_MBUF_UTIL_H
#define MACSEC_MBUF_UTIL_H

#include <string.h>

#include <rte_mbuf.h>

/*
 * DA/SA (12 octets) from @p src to @p dst, which may overlap: both halves are loaded before
 * either is stored. A memmove of 12 is a library call here (gcc inlines only one-move sizes).
 */
static inline void mb_move_addrs(uint8_t *dst, const uint8_t *src)
{
	uint64_t a;
	uint32_t b;

	memcpy(&a, src, sizeof(a));
	memcpy(&b, src + sizeof(a), sizeof(b));
	memcpy(dst, &a, sizeof(a));
	memcpy(dst + sizeof(a), &b, sizeof(b));
}

/*
 * Stable partition across chunks. Layout before: [good ng][bad nb][this chunk...];
 * after: [good ng + ncg][bad nb + ncb][rest]. @p cg and @p cb are the chunk's frames in
 * arrival order, so with no bad frame yet and none in the chunk, cg is the chunk as it
 * already lies in @p pkts and nothing moves.
 */
static inline void mb_partition(struct rte_mbuf **pkts, uint16_t *ng, uint16_t *nb,
				struct rte_mbuf *const *cg, uint16_t ncg,
				struct rte_mbuf *const *cb, uint16_t ncb)
{
	if (*nb == 0 && ncb == 0) {
		*ng = (uint16_t)(*ng + ncg);
		return;
	}
	if (*nb != 0 && ncg != 0)
		memmove(&pkts[*ng + ncg], &pkts[*ng], *nb * sizeof(pkts[0]));
	memcpy(&pkts[*ng], cg, ncg * sizeof(pkts[0]));
	*ng = (uint16_t)(*ng + ncg);
	memcpy(&pkts[*ng + *nb], cb, ncb * sizeof(pkts[0]));
	*nb = (uint16_t)(*nb + ncb);
}

/* Copy a (multi-segment) frame into @p buf; -1 if it does not fit. */
static inline int mb_linearize(const struct rte_mbuf *m, uint8_t *buf, uint32_t cap)
{
	uint32_t off = 0;

	if (m->pkt_len > cap)
		return -1;
	for (const struct rte_mbuf *s = m; s != NULL; s = s->next) {
		memcpy(buf + off, rte_pktmbuf_mtod(s, const uint8_t *), s->data_len);
		off += s->data_len;
	}
	return off == m->pkt_len ? (int)off : -1;
}

/*
 * Make the chain @p m hold exactly @p len octets copied from @p buf: grow into
 * the last segment's tailroom or a new segment from the frame's own pool, or
 * shrink by freeing now-empty trailing segments. -1 (frame unchanged) when it
 * cannot grow.
 */
static inline int mb_write_back(struct rte_mbuf *m, const uint8_t *buf, uint32_t len)
{
	struct rte_mbuf *s, *last = rte_pktmbuf_lastseg(m), *prev = NULL;
	uint32_t off = 0;

	if (len > m->pkt_len) {
		uint32_t grow = len - m->pkt_len;

		if (rte_pktmbuf_tailroom(last) < grow) {
			struct rte_mbuf *n = rte_pktmbuf_alloc(m->pool);

			if (n == NULL || rte_pktmbuf_tailroom(n) < grow) {
				rte_pktmbuf_free(n);
				return -1;
			}
			last->next = n;
			m->nb_segs++;
			last = n;
		}
		last->data_len = (uint16_t)(last->data_len + grow);
		m->pkt_len = len;
	}
	for (s = m; s != NULL && off < len; prev = s, s = s->next) {
		uint32_t take = RTE_MIN((uint32_t)s->data_len, len - off);

		memcpy(rte_pktmbuf_mtod(s, uint8_t *), buf + off, take);
		s->data_len = (uint16_t)take;
		off += take;
	}
	if (s != NULL) {            /* shrunk: drop the segments we no longer use */
		prev->next = NULL;
		while (s != NULL) {
			struct rte_mbuf *nx = s->next;

			m->nb_segs--;
			rte_pktmbuf_free_seg(s);
			s = nx;
		}
	}
	m->pkt_len = len;
	return 0;
}

#endif
