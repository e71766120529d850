/* SPDX-License-Identifier: BSD-3-Clause */
/* mgw-traffic: generator and sink on one lcore for scripts/bench.sh: frames into a gateway, counted, checked and timed out of it. */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "macsec_dp.h"
#include "sectag.h"
#include "secy.h"
#include "traffic.h"

#define BURST 32u
#define SET_FRAMES TRAFFIC_SET_FRAMES
#define POOL_FRAMES 16383u
#define POOL_CACHE 256u
#define RING_DESC 1024u
#define TSC_RING (1u << 20)        /* TX timestamps by sequence number (power of two) */
#define SIZE_IMIX TRAFFIC_SIZE_IMIX
#define FULL_CHECK_EVERY 64u       /* whole frame compared on every 64th frame, headers on all */
#define DECRYPT_EVERY 1024u        /* protect direction: every 1024th frame validated by lib/macsec */
#define MACSEC_GROW (MACSEC_SECTAG_LEN_SCI + MACSEC_ICV_LEN)

/* Frame layout: Ethernet, IPv4, UDP, then MAGIC and the 64-bit sequence number. */
#define OFF_IP 14u
#define OFF_UDP 34u
#define OFF_MAGIC 42u
#define OFF_SEQ 46u
#define MAGIC 0x4d475754u          /* "MGWT" */

static const uint16_t imix_cycle[12] = {64, 594, 64, 64, 1518, 64, 594, 64, 64, 594, 64, 594};
static const uint8_t mac_dst[6] = {0x02, 0x00, 0x00, 0x00, 0xbb, 0x01};
static const uint8_t mac_src[6] = {0x02, 0x00, 0x00, 0x00, 0xaa, 0x01};


/* One row: what it sends and what it found. */
struct row {
	enum traffic_dir dir;
	bool clear;                        /* through the link without MACsec (the ceiling) */
	unsigned int size;                 /* octets or SIZE_IMIX */
	double load;                       /* 0: saturate, else a fraction of base_fps */
	double rate;                       /* frames/s offered, 0 = as fast as it can */
	bool macsec_in, macsec_out;        /* what we send / what we expect back */
	uint16_t tx_port, rx_port;
	uint64_t seq0;                     /* first sequence number of the row */
	uint64_t s1, s2;                   /* measured window [s1, s2) */
	uint64_t t1, t2;
	uint32_t pn_off;                   /* protect: PN - sequence number, learnt by decrypting */
	bool pn_off_known;
	uint64_t delivered, octets, stray, rx_total;
	uint64_t row_rx;                   /* good frames of this row received, any phase */
	uint64_t bad_len, bad_hdr, bad_data, bad_tag, bad_icv, bad_map, bad_order;
	uint64_t full_checked, decrypted;
	uint32_t last_pn;
	uint64_t last_seq;                 /* --resend-set validate: the last frame's sequence number */
	uint64_t tx_calls, tx_partial, idle_cycles, idle_t1, idle_t2;
	uint64_t hist[TRAFFIC_HIST_BUCKETS];
	uint64_t lat_n, lat_min, lat_max;
	unsigned int pcap_tx, pcap_rx;
	FILE *pcap_tx_f, *pcap_rx_f;
	json_t *gw_before, *gw_after;
	uint64_t cpu_before, cpu_after;    /* the gateway worker's CPU ns at the snapshots */
	unsigned int attempt, n_tries;     /* saturating rows: this attempt; attempts made */
	double tries[TRAFFIC_MAX_REPEAT];  /* each attempt's delivered frames/s */
	uint64_t snap_before, snap_after;  /* TSC at those moments */
};

struct gen {
	struct traffic_opts o;
	uint16_t port_plain, port_prot;    /* facing the link under test */
	uint16_t cport_plain, cport_prot;  /* paired: facing the link without MACsec */
	struct rte_mempool *pool;
	struct rte_mbuf *set[SET_FRAMES];
	bool sealed[SET_FRAMES];           /* --resend-set: slot holds this row's protected frame */
	uint8_t *tmpl[TRAFFIC_MAX_SIZE + 1];       /* clear frame per size, built on demand */
	uint64_t *tx_tsc;
	uint64_t next_seq;                 /* next sequence number to send (in order) */
	struct macsec_secy *peer;          /* protects what we send the gateway to validate */
	struct macsec_secy *check;         /* validates what the gateway protected (samples) */
	struct macsec_lcore mlc;
	double hz;
	struct rte_mbuf *pend[BURST];      /* built, not yet taken by the port (in seq order) */
	uint8_t raw[TRAFFIC_MAX_SIZE + 128]; /* a received sample frame, as it came */
	char worker_stat[320];             /* /proc/PID/task/TID/schedstat of the gateway's worker */
	unsigned int npend, pfirst;
};

static volatile bool quit;

/* ---------------------------------------------------------------- frames */

static unsigned int row_frame_size(const struct row *r, uint64_t seq)
{
	return r->size == SIZE_IMIX ? imix_cycle[(seq - r->seq0) % 12] : r->size;
}

static void ip_csum_set(uint8_t *ip)
{
	uint32_t sum = 0;

	ip[10] = ip[11] = 0;
	for (unsigned int i = 0; i < 20; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ip[10] = (uint8_t)(~sum >> 8);
	ip[11] = (uint8_t)~sum;
}

/* The clear frame of @p size octets (no FCS): Ethernet/IPv4/UDP, MAGIC, sequence 0, pattern. */
static const uint8_t *tmpl_get(struct gen *g, unsigned int size)
{
	uint8_t *f = g->tmpl[size];
	unsigned int ipl = size - OFF_IP, udpl = size - OFF_UDP;

	if (f != NULL)
		return f;
	f = calloc(1, size);
	if (f == NULL)
		return NULL;
	memcpy(f, mac_dst, 6);
	memcpy(f + 6, mac_src, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	f[OFF_IP] = 0x45;
	f[OFF_IP + 2] = (uint8_t)(ipl >> 8);
	f[OFF_IP + 3] = (uint8_t)ipl;
	f[OFF_IP + 8] = 64;
	f[OFF_IP + 9] = 17;
	memcpy(f + OFF_IP + 12, (const uint8_t[]){192, 0, 2, 1, 192, 0, 2, 2}, 8);
	ip_csum_set(f + OFF_IP);
	f[OFF_UDP] = 0x0f;            /* 4000 -> 5000 */
	f[OFF_UDP + 1] = 0xa0;
	f[OFF_UDP + 2] = 0x13;
	f[OFF_UDP + 3] = 0x88;
	f[OFF_UDP + 4] = (uint8_t)(udpl >> 8);
	f[OFF_UDP + 5] = (uint8_t)udpl;
	f[OFF_MAGIC] = MAGIC >> 24;
	f[OFF_MAGIC + 1] = (MAGIC >> 16) & 0xff;
	f[OFF_MAGIC + 2] = (MAGIC >> 8) & 0xff;
	f[OFF_MAGIC + 3] = MAGIC & 0xff;
	for (unsigned int i = OFF_SEQ + 8; i < size; i++)
		f[i] = (uint8_t)(i * 7 + 3);
	g->tmpl[size] = f;
	return f;
}

/* ------------------------------------------------------------ ports */

static int port_open(struct gen *g, const char *name, uint16_t *port)
{
	struct rte_eth_conf conf;
	uint64_t deadline;
	int rc;

	if (rte_eth_dev_get_port_by_name(name, port) != 0) {
		fprintf(stderr, "mgw-traffic: no port %s (give it with EAL --vdev)\n", name);
		return -ENODEV;
	}
	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_configure(*port, 1, 1, &conf);
	if (rc == 0)
		rc = rte_eth_rx_queue_setup(*port, 0, RING_DESC, (unsigned int)rte_socket_id(), NULL, g->pool);
	if (rc == 0)
		rc = rte_eth_tx_queue_setup(*port, 0, RING_DESC, (unsigned int)rte_socket_id(), NULL);
	if (rc == 0)
		rc = rte_eth_dev_start(*port);
	if (rc != 0) {
		fprintf(stderr, "mgw-traffic: port %s: %s\n", name, strerror(-rc));
		return rc;
	}
	/* memif: up once the gateway (the server) accepted us. */
	deadline = rte_get_tsc_cycles() + 15 * rte_get_tsc_hz();
	for (;;) {
		struct rte_eth_link l;

		memset(&l, 0, sizeof(l));
		rte_eth_link_get_nowait(*port, &l);
		if (l.link_status) {
			struct rte_mbuf *m[BURST];
			uint16_t n;

			/* One receive call now. Without it the first row to receive on a queue
			 * sometimes lost the gateway's first bursts (and so its sample frames):
			 * 2 smoke runs in 14; none in 24 with it. Likely the memif client's
			 * receive ring is only offered to the server from its receive path. */
			while ((n = rte_eth_rx_burst(*port, 0, m, BURST)) != 0)
				rte_pktmbuf_free_bulk(m, n);
			return 0;
		}
		if (rte_get_tsc_cycles() > deadline || quit) {
			fprintf(stderr, "mgw-traffic: port %s: link down after 15 s\n", name);
			return -ETIMEDOUT;
		}
		rte_delay_us_sleep(10000);
	}
}

/* ------------------------------------------------------------ MACsec */

static int sa_params(struct macsec_sa_params *p, const uint8_t *key, unsigned int key_len,
		     uint32_t ssci, const uint8_t salt[12])
{
	memset(p, 0, sizeof(*p));
	p->an = 0;
	p->key_len = (uint8_t)key_len;
	memcpy(p->key, key, key_len);
	p->pn = 1;
	p->ssci = ssci;
	memcpy(p->salt, salt, 12);
	p->active = true;
	return 0;
}

/* The peer's SecY (its TX SA is the gateway's RX SA) and a checker holding the gateway's TX SA. */
static int macsec_init(struct gen *g)
{
	const struct traffic_opts *o = &g->o;
	const struct macsec_aead_engine *aead = macsec_aead_find("auto");
	struct macsec_secy_conf c = {
		.cipher_suite = o->cs, .validate_frames = MACSEC_VALIDATE_STRICT,
		.sci = o->peer_sci, .replay_window = 0, .mtu = 16000, .protect_frames = true,
		.encrypt = true, .include_sci = true, .replay_protect = false,
	};
	struct macsec_sa_params p;
	int rc;

	if (aead == NULL)
		return -ENOTSUP;
	rc = macsec_lcore_init(&g->mlc, 0, aead, 16384);
	if (rc == 0)
		rc = macsec_secy_create(&g->peer, &c, aead, NULL);
	if (rc == 0)
		rc = macsec_secy_create(&g->check, &c, aead, NULL);
	if (rc == 0) {
		sa_params(&p, o->peer_key, o->peer_key_len, o->peer_ssci, o->salt);
		rc = macsec_secy_tx_sa_install(g->peer, &p);
	}
	if (rc == 0)
		rc = macsec_secy_tx_set_encoding_an(g->peer, 0);
	if (rc == 0)
		rc = macsec_secy_rx_sc_add(g->check, o->gw_sci);
	if (rc == 0) {
		sa_params(&p, o->gw_key, o->gw_key_len, o->gw_ssci, o->salt);
		rc = macsec_secy_rx_sa_install(g->check, o->gw_sci, &p);
	}
	macsec_wipe(&p, sizeof(p));
	return rc;
}

/* ------------------------------------------------------------ the sink */

static inline uint64_t seq_read(const uint8_t *f)
{
	uint64_t s;

	memcpy(&s, f + OFF_SEQ, 8);
	return s;
}

/* Sequence numbers travel as 32-bit offsets from PNs: widen one against what we sent. */
static inline uint64_t seq_widen(const struct gen *g, uint32_t s32)
{
	return g->next_seq - (uint32_t)((uint32_t)g->next_seq - s32);
}

/* A clear frame: header, length and, on samples, every octet. Returns false when bad. */
static bool clear_check(struct gen *g, struct row *r, const uint8_t *f, uint32_t len, uint64_t seq)
{
	unsigned int size = row_frame_size(r, seq);
	const uint8_t *t = tmpl_get(g, size);

	if (len != size) {
		r->bad_len++;
		return false;
	}
	if (memcmp(f, t, OFF_SEQ) != 0) {
		r->bad_hdr++;
		return false;
	}
	if (seq % FULL_CHECK_EVERY == 0 || seq == r->seq0) {
		r->full_checked++;
		if (memcmp(f + OFF_SEQ + 8, t + OFF_SEQ + 8, size - OFF_SEQ - 8) != 0) {
			r->bad_data++;
			return false;
		}
	}
	return true;
}

/*
 * A frame the gateway protected: SecTAG of its SA, the length, PN order; the first
 * of a row and every DECRYPT_EVERY-th validated by lib/macsec with the gateway's key,
 * which also says which sequence number a PN carries (a fixed offset: the gateway
 * numbers frames in arrival order and loses none before protecting them).
 * Returns the sequence number, or UINT64_MAX when bad.
 */
static uint64_t macsec_check(struct gen *g, struct row *r, struct rte_mbuf *m)
{
	uint8_t *f = rte_pktmbuf_mtod(m, uint8_t *);
	struct macsec_sectag tag;
	uint64_t seq;

	if (m->data_len < 14 + MACSEC_GROW || memcmp(f, mac_dst, 6) || memcmp(f + 6, mac_src, 6) ||
	    macsec_get_be16(f + 12) != MACSEC_ETHERTYPE ||
	    macsec_sectag_decode(f + 12, m->data_len - 12, macsec_cs_is_xpn(g->o.cs), &tag) !=
		    MACSEC_SECTAG_OK ||
	    tag.tci != (MACSEC_TCI_SC | MACSEC_TCI_E | MACSEC_TCI_C) || tag.an != 0 ||
	    tag.sci != g->o.gw_sci) {
		r->bad_tag++;
		return UINT64_MAX;
	}
	if (r->rx_total > 1 && (int32_t)(tag.pn - r->last_pn) <= 0)
		r->bad_order++;
	r->last_pn = tag.pn;
	if (!r->pn_off_known || (tag.pn - r->pn_off) % DECRYPT_EVERY == 0) {
		r->decrypted++;
		if (macsec_validate_burst(g->check, &g->mlc, &m, 1) != 1) {
			r->bad_icv++;
			return UINT64_MAX;
		}
		f = rte_pktmbuf_mtod(m, uint8_t *);
		seq = seq_read(f);
		if (seq < r->seq0 || seq >= g->next_seq) {
			r->stray++;
			return UINT64_MAX;
		}
		if (!r->pn_off_known) {
			r->pn_off = tag.pn - (uint32_t)seq;
			r->pn_off_known = true;
		} else if ((uint32_t)(tag.pn - r->pn_off) != (uint32_t)seq) {
			r->bad_map++;
			return UINT64_MAX;
		}
		if (!clear_check(g, r, f, m->data_len, seq))
			return UINT64_MAX;
		return seq;
	}
	seq = seq_widen(g, tag.pn - r->pn_off);
	if (seq < r->seq0) {
		r->stray++;
		return UINT64_MAX;
	}
	if (m->data_len != row_frame_size(r, seq) + MACSEC_GROW) {
		r->bad_len++;
		return UINT64_MAX;
	}
	return seq;
}

/*
 * --resend-set: a frame carries the sequence number of its set slot's first cycle. It was
 * sent as the latest one of that slot: fewer than SET_FRAMES frames are ever in flight
 * (our port's ring, the gateway's burst and its port's ring: 2 x RING_DESC and change).
 */
static inline uint64_t resent_seq(const struct gen *g, uint64_t first)
{
	return g->next_seq - 1 - (g->next_seq - 1 - first) % SET_FRAMES;
}

/* One received frame: its sequence number if it is a good frame of this row, else UINT64_MAX. */
static uint64_t sink_one(struct gen *g, struct row *r, struct rte_mbuf *m)
{
	const uint8_t *f;
	uint64_t seq;

	if (unlikely(m->nb_segs > 1) && rte_pktmbuf_linearize(m) != 0) {
		r->bad_len++;
		return UINT64_MAX;
	}
	if (r->macsec_out)
		return macsec_check(g, r, m);
	f = rte_pktmbuf_mtod(m, const uint8_t *);
	if (m->data_len < OFF_SEQ + 8) {
		r->bad_len++;
		return UINT64_MAX;
	}
	seq = seq_read(f);
	if (seq < r->seq0 || seq >= g->next_seq || (r->macsec_in && g->o.resend &&
						    seq - r->seq0 >= SET_FRAMES)) {
		r->stray++;
		return UINT64_MAX;
	}
	if (r->macsec_in && g->o.resend) {
		/* One worker keeps order: a frame mapped to the wrong cycle breaks it (bad). */
		seq = resent_seq(g, seq);
		if (r->row_rx != 0 && seq <= r->last_seq) {
			r->bad_map++;
			return UINT64_MAX;
		}
		r->last_seq = seq;
	}
	return clear_check(g, r, f, m->data_len, seq) ? seq : UINT64_MAX;
}

static uint16_t sink_poll(struct gen *g, struct row *r, bool timing)
{
	struct rte_mbuf *pkts[BURST];
	uint16_t n = rte_eth_rx_burst(r->rx_port, 0, pkts, BURST);
	uint64_t now = rte_rdtsc();

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		bool sample = r->pcap_rx_f != NULL && r->pcap_rx < TRAFFIC_PCAP_FRAMES;
		uint32_t raw_len = 0;
		uint64_t seq;

		r->rx_total++;
		if (sample) {
			/* Kept as received (the check may decrypt in place); written if it is ours. */
			const void *p;

			raw_len = RTE_MIN(rte_pktmbuf_pkt_len(m), (uint32_t)sizeof(g->raw));
			p = rte_pktmbuf_read(m, 0, raw_len, g->raw);
			if (p != g->raw)
				rte_memcpy(g->raw, p, raw_len);
		}
		seq = sink_one(g, r, m);
		if (seq == UINT64_MAX)
			continue;
		r->row_rx++;
		if (sample && seq - r->seq0 < TRAFFIC_PCAP_FRAMES) {
			traffic_pcap_put_raw(r->pcap_rx_f, g->raw, raw_len);
			r->pcap_rx++;
		}
		if (seq < r->s1 || seq >= r->s2)
			continue;
		r->delivered++;
		r->octets += row_frame_size(r, seq);
		if (timing) {
			uint64_t lat = now - g->tx_tsc[seq & (TSC_RING - 1)];

			r->hist[traffic_hist_index(lat)]++;
			r->lat_n++;
			r->lat_min = r->lat_n == 1 || lat < r->lat_min ? lat : r->lat_min;
			r->lat_max = lat > r->lat_max ? lat : r->lat_max;
		}
	}
	if (n)
		rte_pktmbuf_free_bulk(pkts, n);
	return n;
}

/* ------------------------------------------------------------ the generator */

/*
 * Build frames seq .. seq + n - 1 into @p out. Clear frames are written once per set
 * slot and only get their sequence number; MACsec frames are restored and protected
 * anew (fresh PNs), or with --resend-set protected once per slot and row and then sent
 * as they are (their PNs repeat every SET_FRAMES frames). A slot still in flight
 * (zero-copy port) stops the burst.
 */
static unsigned int gen_build(struct gen *g, struct row *r, struct rte_mbuf **out, unsigned int n)
{
	struct rte_mbuf *fresh[BURST];
	unsigned int k = 0, nfresh = 0;

	for (; k < n; k++) {
		uint64_t seq = g->next_seq + k;
		unsigned int slot = (unsigned int)((seq - r->seq0) % SET_FRAMES);
		struct rte_mbuf *m = g->set[slot];
		unsigned int size = row_frame_size(r, seq);
		uint8_t *f;

		if (rte_mbuf_refcnt_read(m) != 1)
			break;
		if (r->macsec_in && g->sealed[slot]) {
			/* Sent before in this row: its sequence number is the first cycle's. */
			rte_mbuf_refcnt_update(m, 1);
			out[k] = m;
			continue;
		}
		if (r->macsec_in || m->data_len != size) {
			m->data_off = RTE_PKTMBUF_HEADROOM;
			m->data_len = (uint16_t)size;
			m->pkt_len = size;
			rte_memcpy(rte_pktmbuf_mtod(m, void *), tmpl_get(g, size), size);
		}
		f = rte_pktmbuf_mtod(m, uint8_t *);
		memcpy(f + OFF_SEQ, &seq, 8);
		rte_mbuf_refcnt_update(m, 1);    /* the port frees one reference, we keep ours */
		out[k] = m;
		if (r->macsec_in) {
			fresh[nfresh++] = m;
			g->sealed[slot] = g->o.resend;
		}
	}
	/* Fresh frames come before resent ones in a burst (a set's first cycle ends before its
	 * second starts), so PNs still rise in the order frames are sent. */
	if (nfresh != 0 && macsec_protect_burst(g->peer, &g->mlc, fresh, (uint16_t)nfresh) != nfresh) {
		fprintf(stderr, "mgw-traffic: our own protect failed\n");
		quit = true;
	}
	g->next_seq += k;
	return k;
}

/* Give back the frames built and not sent; their sequence numbers are used again. */
static void pending_drop(struct gen *g)
{
	for (unsigned int i = 0; i < g->npend; i++)
		rte_mbuf_refcnt_update(g->pend[g->pfirst + i], -1);
	g->next_seq -= g->npend;
	g->npend = 0;
}

/* Run one phase: send (at r->rate, or flat out) until @p until, while receiving. */
static void phase_run(struct gen *g, struct row *r, uint64_t until, bool timing)
{
	uint64_t t0 = rte_rdtsc(), built0 = g->next_seq;
	double per_cycle = r->rate / g->hz;

	for (;;) {
		uint64_t now = rte_rdtsc(), start = now;
		unsigned int sent = 0;

		if (now >= until || quit)
			break;
		if (g->npend == 0) {
			unsigned int want = BURST;

			if (per_cycle > 0) {
				uint64_t due = (uint64_t)((double)(now - t0) * per_cycle), done = g->next_seq - built0;

				due = due > done ? due - done : 0;
				want = due < BURST ? (unsigned int)due : BURST;
			}
			g->pfirst = 0;
			g->npend = want ? gen_build(g, r, g->pend, want) : 0;
			if (want != 0 && g->npend == 0)
				rte_eth_tx_burst(r->tx_port, 0, NULL, 0);  /* zero-copy: reclaim sent slots */
		}
		if (g->npend != 0) {
			uint64_t seq = g->next_seq - g->npend;
			struct rte_mbuf **p = g->pend + g->pfirst;

			for (unsigned int i = 0; i < g->npend && r->pcap_tx < TRAFFIC_PCAP_FRAMES && r->pcap_tx_f; i++)
				if (seq + i == r->seq0 + r->pcap_tx) {
					traffic_pcap_put(r->pcap_tx_f, p[i]);
					r->pcap_tx++;
				}
			now = rte_rdtsc();
			sent = rte_eth_tx_burst(r->tx_port, 0, p, (uint16_t)g->npend);
			for (unsigned int i = 0; i < sent; i++)
				g->tx_tsc[(seq + i) & (TSC_RING - 1)] = now;
			r->tx_calls++;
			r->tx_partial += sent != g->npend;
			g->pfirst += sent;
			g->npend -= sent;
		}
		/* Idle: the port took nothing (full, or nothing due) and nothing came back. */
		if (sink_poll(g, r, timing) == 0 && sent == 0)
			r->idle_cycles += rte_rdtsc() - start;
	}
	pending_drop(g);
}

struct sink_ctx {
	struct gen *g;
	struct row *r;
};

static void sink_wait(void *arg)
{
	struct sink_ctx *c = arg;

	sink_poll(c->g, c->r, true);
}

/*
 * Receive until every frame this row sent came back (good ones; bad or lost frames leave the
 * count short: then until nothing came for 100 ms), at most 3 s. A gateway preempted for a
 * while must not push its backlog into the next row.
 */
static void drain(struct gen *g, struct row *r)
{
	uint64_t hz = rte_get_tsc_hz(), end = rte_rdtsc() + 3 * hz, quiet = rte_rdtsc() + hz / 10;

	while (rte_rdtsc() < end && rte_rdtsc() < quiet && !quit && r->row_rx < g->next_seq - r->seq0) {
		if (sink_poll(g, r, true) != 0)
			quiet = rte_rdtsc() + hz / 10;
	}
}

/*
 * One row: warm-up (rings, caches, the PN offset; nothing counted), then the measured
 * window: the frames sent in it are [s1, s2), and each is counted delivered when it
 * comes back, whenever that is (the drain waits for the last ones).
 */
static int row_run(struct gen *g, struct row *r)
{
	const struct traffic_opts *o = &g->o;
	uint64_t hz = rte_get_tsc_hz();
	double secs = r->load ? o->lat_seconds : o->seconds;
	struct sink_ctx sc = {g, r};
	uint16_t plain = g->port_plain, prot = g->port_prot;

	if (r->clear && o->cplain != NULL) {
		plain = g->cport_plain;
		prot = g->cport_prot;
	}
	r->tx_port = r->dir == DIR_PROTECT ? plain : prot;
	r->rx_port = r->dir == DIR_PROTECT ? prot : plain;
	r->macsec_in = !r->clear && r->dir == DIR_VALIDATE;
	r->macsec_out = !r->clear && r->dir == DIR_PROTECT;
	r->seq0 = g->next_seq;
	r->s1 = r->s2 = UINT64_MAX;
	for (unsigned int i = 0; i < SET_FRAMES; i++) {
		g->set[i]->data_len = 0;            /* rebuilt on first use */
		g->sealed[i] = false;
	}
	if (r->load == 0 && r->attempt == 0 && o->pcap_dir != NULL) {
		const char *mode = r->clear ? "clear" : "macsec";
		char name[64], sz[16];

		if (r->size == SIZE_IMIX)
			snprintf(sz, sizeof(sz), "imix");
		else
			snprintf(sz, sizeof(sz), "%u", r->size);
		snprintf(name, sizeof(name), "%s-%s-%s-tx.pcap", mode, traffic_dir_names[r->dir], sz);
		r->pcap_tx_f = traffic_pcap_open(o->pcap_dir, name);
		snprintf(name, sizeof(name), "%s-%s-%s-rx.pcap", mode, traffic_dir_names[r->dir], sz);
		r->pcap_rx_f = traffic_pcap_open(o->pcap_dir, name);
	}
	phase_run(g, r, rte_rdtsc() + (uint64_t)(o->warmup * (double)hz), false);
	r->gw_before = traffic_gw_snapshot(o->ctl, sink_wait, &sc);
	r->cpu_before = traffic_schedstat_ns(g->worker_stat);
	r->snap_before = rte_rdtsc();
	r->s1 = g->next_seq;
	r->idle_t1 = r->idle_cycles;
	r->t1 = rte_rdtsc();
	phase_run(g, r, r->t1 + (uint64_t)(secs * (double)hz), r->load != 0);
	r->t2 = rte_rdtsc();
	r->s2 = g->next_seq;
	r->idle_t2 = r->idle_cycles;
	r->cpu_after = traffic_schedstat_ns(g->worker_stat);
	r->snap_after = rte_rdtsc();
	r->gw_after = r->gw_before ? traffic_gw_snapshot(o->ctl, sink_wait, &sc) : NULL;
	drain(g, r);
	if (r->pcap_tx_f)
		fclose(r->pcap_tx_f);
	if (r->pcap_rx_f)
		fclose(r->pcap_rx_f);
	return quit ? -EINTR : 0;
}

static void row_print(struct gen *g, struct row *r, double base_fps)
{
	const struct traffic_opts *o = &g->o;
	double secs = (double)(r->t2 - r->t1) / g->hz, fps = (double)r->delivered / secs;
	double us = 1e6 / g->hz;
	uint64_t in_window = r->s2 - r->s1;
	uint64_t bad = r->bad_len + r->bad_hdr + r->bad_data + r->bad_tag + r->bad_icv + r->bad_map;
	json_t *j = json_object();

	json_object_set_new(j, "mode", json_string(r->clear ? "clear" : "macsec"));
	json_object_set_new(j, "suite", r->clear ? json_null() : json_string(macsec_cs_name(o->cs)));
	json_object_set_new(j, "dir", json_string(traffic_dir_names[r->dir]));
	json_object_set_new(j, "size", r->size == SIZE_IMIX ? json_string("imix") : json_integer(r->size));
	json_object_set_new(j, "load", r->load ? json_real(r->load) : json_string("saturate"));
	json_object_set_new(j, "offered_fps", r->rate ? json_real(r->rate) : json_null());
	json_object_set_new(j, "base_fps", r->load ? json_real(base_fps) : json_null());
	json_object_set_new(j, "seconds", json_real(secs));
	json_object_set_new(j, "sent", json_integer((json_int_t)in_window));
	json_object_set_new(j, "delivered", json_integer((json_int_t)r->delivered));
	json_object_set_new(j, "lost", json_integer((json_int_t)(in_window - r->delivered)));
	json_object_set_new(j, "sent_fps", json_real((double)in_window / secs));
	json_object_set_new(j, "fps", json_real(fps));
	json_object_set_new(j, "mpps", json_real(fps / 1e6));
	json_object_set_new(j, "gbps", json_real((double)r->octets * 8 / secs / 1e9));
	json_object_set_new(j, "avg_octets", json_real(r->delivered ? (double)r->octets /
						       (double)r->delivered : 0));
	if (r->load) {
		/* No sample, no figure (jansson has no NaN): null. */
		json_object_set_new(j, "lat_samples", json_integer((json_int_t)r->lat_n));
		json_object_set_new(j, "lat_min_us", r->lat_n ? json_real((double)r->lat_min * us) : json_null());
		json_object_set_new(j, "lat_p50_us", r->lat_n ? json_real(traffic_hist_pct(r->hist, r->lat_n, 0.50) * us) : json_null());
		json_object_set_new(j, "lat_p99_us", r->lat_n ? json_real(traffic_hist_pct(r->hist, r->lat_n, 0.99) * us) : json_null());
		json_object_set_new(j, "lat_p999_us", r->lat_n ? json_real(traffic_hist_pct(r->hist, r->lat_n, 0.999) * us) : json_null());
		json_object_set_new(j, "lat_max_us", r->lat_n ? json_real((double)r->lat_max * us) : json_null());
	}
	json_object_set_new(j, "bad", json_integer((json_int_t)bad));
	json_object_set_new(j, "bad_detail", json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
		"length", (json_int_t)r->bad_len, "header", (json_int_t)r->bad_hdr,
		"payload", (json_int_t)r->bad_data, "sectag", (json_int_t)r->bad_tag,
		"icv", (json_int_t)r->bad_icv, "pn_map", (json_int_t)r->bad_map,
		"pn_order", (json_int_t)r->bad_order, "stray", (json_int_t)r->stray));
	json_object_set_new(j, "received_total", json_integer((json_int_t)r->rx_total));
	json_object_set_new(j, "full_checked", json_integer((json_int_t)r->full_checked));
	json_object_set_new(j, "decrypted", json_integer((json_int_t)r->decrypted));
	json_object_set_new(j, "gen_tx_partial", json_real(r->tx_calls ? (double)r->tx_partial /
							 (double)r->tx_calls : 0));
	/* Time our lcore found nothing to do: high means the gateway was the limit. */
	json_object_set_new(j, "gen_idle", json_real((double)(r->idle_t2 - r->idle_t1) /
						      (double)(r->t2 - r->t1)));
	if (r->gw_before != NULL && r->gw_after != NULL)
		json_object_set_new(j, "gw", traffic_gw_delta(r->gw_before, r->gw_after,
							       r->clear && o->cplain != NULL ? 1 : 0));
	if (r->cpu_after > r->cpu_before) {
		/* The worker's time on a CPU between the snapshots: what other processes left it,
		 * and its own cost per frame however much they took. */
		double wall_ns = (double)(r->snap_after - r->snap_before) / g->hz * 1e9;

		json_object_set_new(j, "gw_cpu_share", json_real((double)(r->cpu_after - r->cpu_before) /
								wall_ns));
		json_object_set_new(j, "gw_cpu_ns", json_integer((json_int_t)(r->cpu_after - r->cpu_before)));
	}
	if (r->n_tries > 1) {
		json_t *a = json_array();

		for (unsigned int k = 0; k < r->n_tries; k++)
			json_array_append_new(a, json_real(r->tries[k]));
		json_object_set_new(j, "attempts_fps", a);
	}
	json_object_set_new(j, "tsc_mhz", json_real(g->hz / 1e6));
	json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
	fputc('\n', stdout);
	fflush(stdout);
	json_decref(j);
	json_decref(r->gw_after);
	json_decref(r->gw_before);
	r->gw_before = r->gw_after = NULL;
}

static bool latency_wanted(const struct traffic_opts *o, unsigned int size)
{
	if (o->n_loads == 0)
		return false;
	if (o->n_lat_sizes == 0)
		return true;
	for (unsigned int i = 0; i < o->n_lat_sizes; i++)
		if (o->lat_sizes[i] == size)
			return true;
	return false;
}

/*
 * Every size in each direction: the saturating row (best of --repeat attempts: other work on
 * the machine only ever lowers a rate), then the latency rows at fractions of its rate. Paired
 * (--clear-plain/--clear-protected), each attempt runs on the link without MACsec and then on
 * the one with it, so the ceiling and the figure it divides see the same machine.
 */
static int run_all(struct gen *g)
{
	const struct traffic_opts *o = &g->o;
	static struct row r, best[2];     /* large (histogram): not on the stack */
	unsigned int tries = o->repeat ? o->repeat : 1;
	bool paired = o->cplain != NULL;
	unsigned int n_modes = paired ? 2 : 1;
	int rc = 0;

	for (unsigned int d = 0; d < 2 && rc == 0; d++) {
		if (!o->dir[d])
			continue;
		for (unsigned int s = 0; s < o->n_sizes && rc == 0; s++) {
			double base[2] = {0, 0}, fps[2][TRAFFIC_MAX_REPEAT];

			for (unsigned int k = 0; k < tries && rc == 0; k++) {
				for (unsigned int mi = 0; mi < n_modes && rc == 0; mi++) {
					memset(&r, 0, sizeof(r));
					r.dir = (enum traffic_dir)d;
					r.size = o->sizes[s];
					r.clear = paired ? mi == 0 : o->clear;
					r.attempt = k;
					rc = row_run(g, &r);
					if (rc != 0)
						break;
					fps[mi][k] = (double)r.delivered / ((double)(r.t2 - r.t1) / g->hz);
					if (k == 0 || fps[mi][k] > base[mi]) {
						if (k != 0) {
							json_decref(best[mi].gw_before);
							json_decref(best[mi].gw_after);
						}
						best[mi] = r;
						base[mi] = fps[mi][k];
					} else {
						json_decref(r.gw_before);
						json_decref(r.gw_after);
					}
				}
			}
			for (unsigned int mi = 0; mi < n_modes && rc == 0; mi++) {
				best[mi].n_tries = tries;
				memcpy(best[mi].tries, fps[mi], sizeof(fps[mi][0]) * tries);
				row_print(g, &best[mi], 0);
			}
			for (unsigned int mi = 0; mi < n_modes && rc == 0; mi++) {
				for (unsigned int l = 0; l < o->n_loads && latency_wanted(o, o->sizes[s]) &&
				     rc == 0; l++) {
					memset(&r, 0, sizeof(r));
					r.dir = (enum traffic_dir)d;
					r.size = o->sizes[s];
					r.clear = paired ? mi == 0 : o->clear;
					r.load = o->loads[l];
					r.rate = o->loads[l] * base[mi];
					rc = row_run(g, &r);
					if (rc == 0)
						row_print(g, &r, base[mi]);
				}
			}
		}
	}
	return rc;
}

static void on_signal(int sig)
{
	(void)sig;
	quit = true;
}

int main(int argc, char **argv)
{
	static struct gen g;
	unsigned int max = 2048, dashdash = 0;
	uint16_t p;
	int rc;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			dashdash = (unsigned int)i;
			break;
		}
	if (dashdash == 0) {
		traffic_usage(stderr);
		return 2;
	}
	argv[dashdash] = argv[0];
	rc = traffic_opts_parse(argc - (int)dashdash, argv + dashdash, &g.o);
	argv[dashdash] = "--";
	if (rc != 0)
		return rc == 1 ? 0 : 2;
	rc = rte_eal_init((int)dashdash, argv);
	if (rc < 0) {
		fprintf(stderr, "mgw-traffic: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	g.hz = (double)rte_get_tsc_hz();
	for (unsigned int i = 0; i < g.o.n_sizes; i++)
		if (g.o.sizes[i] > max)
			max = g.o.sizes[i];
	/* One segment per frame, room for a SecTAG in front and an ICV behind. */
	g.pool = rte_pktmbuf_pool_create("mgwt", POOL_FRAMES, POOL_CACHE, 0,
					 (uint16_t)(RTE_PKTMBUF_HEADROOM + max + 64 + MACSEC_GROW),
					 (int)rte_socket_id());
	g.tx_tsc = calloc(TSC_RING, sizeof(uint64_t));
	rc = g.pool == NULL || g.tx_tsc == NULL ? -ENOMEM : 0;
	if (rc == 0)
		rc = rte_pktmbuf_alloc_bulk(g.pool, g.set, SET_FRAMES);
	if (rc == 0 && !g.o.clear)
		rc = macsec_init(&g);
	if (rc == 0 && g.o.gw_pid > 0 &&
	    traffic_worker_find(g.o.gw_pid, g.worker_stat, sizeof(g.worker_stat)) != 0)
		fprintf(stderr, "mgw-traffic: no worker thread in process %d: no CPU times\n", g.o.gw_pid);
	if (rc == 0)
		rc = port_open(&g, g.o.plain, &g.port_plain);
	if (rc == 0)
		rc = port_open(&g, g.o.prot, &g.port_prot);
	if (rc == 0 && g.o.cplain != NULL)
		rc = port_open(&g, g.o.cplain, &g.cport_plain);
	if (rc == 0 && g.o.cprot != NULL)
		rc = port_open(&g, g.o.cprot, &g.cport_prot);
	if (rc == 0) {
		fprintf(stderr, "mgw-traffic: ports up, TSC %.0f MHz, %s\n", g.hz / 1e6,
			g.o.clear ? "clear frames (ceiling)" : g.o.cplain != NULL ?
			"MACsec and the ceiling in turn" : macsec_cs_name(g.o.cs));
		rc = run_all(&g);
		if (rc == 0 && g.o.linger) {
			/* DPDK 22.11's memif unmaps a departed peer's rings under a polling
			 * worker: the gateway goes first, we leave once it has. */
			fprintf(stderr, "mgw-traffic: rows done\n");
			while (!quit)
				rte_delay_us_sleep(20000);
		}
	} else if (rc == -ENOMEM || rc == -ENOTSUP) {
		fprintf(stderr, "mgw-traffic: setup failed: %s\n", strerror(-rc));
	}
	RTE_ETH_FOREACH_DEV(p) {
		rte_eth_dev_stop(p);
		rte_eth_dev_close(p);
	}
	for (unsigned int i = 0; i < SET_FRAMES && g.pool != NULL; i++)
		if (g.set[i] != NULL)
			rte_pktmbuf_free(g.set[i]);
	if (g.peer)
		macsec_secy_destroy(g.peer);
	if (g.check)
		macsec_secy_destroy(g.check);
	macsec_wipe(g.o.gw_key, sizeof(g.o.gw_key));
	macsec_wipe(g.o.peer_key, sizeof(g.o.peer_key));
	rte_eal_cleanup();
	return rc == 0 ? 0 : 1;
}
