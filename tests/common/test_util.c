/* SPDX-License-Identifier: BSD-3-Clause */
/* Test helpers (see test_util.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "test_util.h"

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int tu_hex_decode(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = strlen(hex);

	if (n % 2 != 0 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(n / 2);
}

struct rte_mempool *tu_eal_pool(unsigned int n, uint16_t data_room)
{
	static int eal_up;
	static unsigned int pools;
	char prefix[64], name[32];
	struct rte_mempool *mp;

	if (!eal_up) {
		snprintf(prefix, sizeof(prefix), "--file-prefix=mgwtest%d", (int)getpid());
		char *argv[] = {"test", "--no-huge", "-m", "256", "--no-pci", "--no-shconf",
				"--log-level=error", "-l", "0", prefix, NULL};
		if (rte_eal_init(10, argv) < 0) {
			fprintf(stderr, "rte_eal_init failed\n");
			abort();
		}
		eal_up = 1;
	}
	snprintf(name, sizeof(name), "tp%u", pools++);
	mp = rte_pktmbuf_pool_create(name, n, 0, 0, data_room, (int)rte_socket_id());
	if (mp == NULL) {
		fprintf(stderr, "mempool %s failed\n", name);
		abort();
	}
	return mp;
}

struct rte_mbuf *tu_mbuf_from(struct rte_mempool *mp, const uint8_t *data, uint32_t len,
			      uint32_t seg_len)
{
	struct rte_mbuf *head = NULL, *last = NULL;
	uint32_t off = 0;

	if (seg_len == 0)
		seg_len = len ? len : 1;
	do {
		uint32_t take = len - off < seg_len ? len - off : seg_len;
		struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
		char *p;

		if (m == NULL || (p = rte_pktmbuf_append(m, (uint16_t)take)) == NULL) {
			rte_pktmbuf_free(m);
			rte_pktmbuf_free(head);
			return NULL;
		}
		memcpy(p, data + off, take);
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

int tu_mbuf_to(const struct rte_mbuf *m, uint8_t *out, size_t cap)
{
	size_t off = 0;
	unsigned int segs = 0;

	for (const struct rte_mbuf *s = m; s != NULL; s = s->next, segs++) {
		if (off + s->data_len > cap)
			return -1;
		memcpy(out + off, rte_pktmbuf_mtod(s, const uint8_t *), s->data_len);
		off += s->data_len;
	}
	if (off != m->pkt_len || segs != m->nb_segs)
		return -1;
	return (int)off;
}
