/* SPDX-License-Identifier: BSD-3-Clause */
/* Fuzz harness helpers (fuzz_util.h): EAL, exact-size external-buffer mbufs, checked AEAD. */
#include <string.h>
#include <unistd.h>

#include <sanitizer/asan_interface.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#define FZ_WITH_DPDK
#include "fuzz_util.h"

struct rte_mempool *fz_eal_pool(void)
{
	static struct rte_mempool *mp;
	char prefix[64];

	if (mp != NULL)
		return mp;
	snprintf(prefix, sizeof(prefix), "--file-prefix=fuzz%d", (int)getpid());
	char *argv[] = {"fuzz", "--no-huge", "-m", "256", "--no-pci", "--no-shconf",
			"--log-level=error", "-l", "0", prefix, NULL};
	if (rte_eal_init(10, argv) < 0) {
		fprintf(stderr, "fuzz: rte_eal_init failed\n");
		abort();
	}
	/* Segments come from malloc(); the pool's own buffers are only for what the
	 * library allocates itself (a segment grown by mb_write_back). */
	mp = rte_pktmbuf_pool_create("fuzz", 4095, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     (int)rte_socket_id());
	if (mp == NULL) {
		fprintf(stderr, "fuzz: mempool failed\n");
		abort();
	}
	return mp;
}

static void ext_free(void *addr, void *opaque)
{
	free(addr);
	free(opaque);
}

static struct rte_mbuf *seg_new(struct rte_mempool *mp, const uint8_t *data, uint32_t len,
				uint16_t headroom, uint16_t tailroom)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_mbuf_ext_shared_info *sh = calloc(1, sizeof(*sh));
	uint32_t buf_len = headroom + len + tailroom;
	uint8_t *buf = malloc(buf_len ? buf_len : 1);

	if (m == NULL || sh == NULL || buf == NULL || buf_len > UINT16_MAX) {
		fprintf(stderr, "fuzz: out of mbufs or memory\n");
		abort();
	}
	memset(buf, 0xA5, buf_len);
	sh->free_cb = ext_free;
	sh->fcb_opaque = sh;
	rte_mbuf_ext_refcnt_set(sh, 1);
	/* Nothing does DMA here; the IOVA only has to be non-zero for rte_mbuf_check(). */
	rte_pktmbuf_attach_extbuf(m, buf, (rte_iova_t)(uintptr_t)buf, (uint16_t)buf_len, sh);
	m->data_off = headroom;
	memcpy(buf + headroom, data, len);
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	return m;
}

struct rte_mbuf *fz_mbuf_from(struct rte_mempool *mp, const uint8_t *data, uint32_t len,
			      uint32_t seg_len, uint16_t headroom, uint16_t tailroom)
{
	struct rte_mbuf *head = NULL, *last = NULL;
	uint32_t off = 0;

	if (seg_len == 0 || seg_len > len)
		seg_len = len;
	do {
		uint32_t take = len - off < seg_len ? len - off : seg_len;
		/* Headroom only matters on the first segment, tailroom on the last. */
		struct rte_mbuf *m = seg_new(mp, data + off, take, head == NULL ? headroom : 0,
					     off + take == len ? tailroom : 0);

		off += take;
		if (head == NULL) {
			head = m;
		} else {
			last->next = m;
			head->nb_segs++;
			head->pkt_len += take;
		}
		last = m;
	} while (off < len);
	return head;
}

uint32_t fz_mbuf_to(const struct rte_mbuf *m, uint8_t *out, size_t cap)
{
	const char *why = NULL;
	uint32_t off = 0, segs = 0;

	FZ_CHECK(rte_mbuf_check(m, 1, &why) == 0, "mbuf chain inconsistent: %s", why);
	for (const struct rte_mbuf *s = m; s != NULL; s = s->next, segs++) {
		FZ_CHECK(off + s->data_len <= cap, "frame of %u+ octets", off + s->data_len);
		memcpy(out + off, rte_pktmbuf_mtod(s, const uint8_t *), s->data_len);
		off += s->data_len;
	}
	FZ_CHECK(off == m->pkt_len && segs == m->nb_segs, "pkt_len %u, segments hold %u",
		 m->pkt_len, off);
	return off;
}

/* --- the checking AEAD wrapper --- */

static const struct macsec_aead_engine *real;

static void op_check(const struct macsec_aead_op *op, bool open)
{
	FZ_CHECK(__asan_region_is_poisoned((void *)(uintptr_t)op->aad, op->aad_len) == NULL,
		 "%s: AAD [%p, +%u) not addressable", open ? "open" : "seal", (void *)op->aad,
		 op->aad_len);
	FZ_CHECK(op->data_len == 0 || __asan_region_is_poisoned(op->data, op->data_len) == NULL,
		 "%s: data [%p, +%u) not addressable", open ? "open" : "seal", (void *)op->data,
		 op->data_len);
	FZ_CHECK(__asan_region_is_poisoned(op->tag, MACSEC_AEAD_TAG_LEN) == NULL,
		 "%s: ICV at %p not addressable", open ? "open" : "seal", (void *)op->tag);
	FZ_CHECK(__asan_region_is_poisoned((void *)(uintptr_t)op->iv, 12) == NULL,
		 "%s: IV not addressable", open ? "open" : "seal");
	/* The engine works on one contiguous frame: AAD, then data, then the ICV. */
	FZ_CHECK(op->data_len == 0 || op->data >= op->aad + op->aad_len,
		 "data overlaps the AAD");
	FZ_CHECK(op->tag >= op->data + op->data_len && op->tag >= op->aad + op->aad_len,
		 "ICV overlaps AAD or data");
}

static void seal_burst(void *lctx, struct macsec_aead_op *ops, unsigned int n)
{
	FZ_CHECK(n >= 1 && n <= MACSEC_AEAD_MAX_BURST, "seal burst of %u", n);
	for (unsigned int i = 0; i < n; i++)
		op_check(&ops[i], false);
	real->seal_burst(lctx, ops, n);
}

static void open_burst(void *lctx, struct macsec_aead_op *ops, unsigned int n)
{
	FZ_CHECK(n >= 1 && n <= MACSEC_AEAD_MAX_BURST, "open burst of %u", n);
	for (unsigned int i = 0; i < n; i++)
		op_check(&ops[i], true);
	real->open_burst(lctx, ops, n);
}

const struct macsec_aead_engine *fz_aead(void)
{
	static struct macsec_aead_engine e;

	if (real == NULL) {
		real = macsec_aead_find("auto");
		if (real == NULL) {
			fprintf(stderr, "fuzz: no AEAD engine\n");
			abort();
		}
		e = *real;
		e.name = "fuzz-checked";
		e.seal_burst = seal_burst;
		e.open_burst = open_burst;
	}
	return &e;
}
