/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer: macsec_protect_burst on any clear frames; a peer SecY validates them back. */
#include <string.h>

#include <rte_mbuf.h>

#define FZ_WITH_DPDK
#include "fuzz_util.h"
#include "macsec_dp.h"
#include "pn.h"
#include "sectag.h"
#include "secy.h"

/*
 * Input: three config octets, then frames as fuzz_validate.c has them.
 *   cfg0: bits 0-1 cipher suite, 2 encrypt, 3 include_sci, 4 use_scb, 5 use_es
 *         (both only without include_sci), 6-7 both set: protectFrames false
 *   cfg1: bits 0-1 vlan_tags_in_clear (mod 3), 2-3 confidentiality offset (mod 3),
 *         4-5 MTU, 6-7 first PN (1, just below the 32-bit or XPN end, the threshold)
 *   cfg2: bits 0-1 transmit SA: in use / not active / none, 2-3 its AN, 4 xpn_recovery
 */
/*
 * Sent frames must leave in arrival order, bounce path (chained, or short of head/tailroom)
 * or not, and the round trip is validated with replay protection. This was once a bug
 * (tests/fuzz/regress/protect/reorder-bounce: bounced frames overtook the in-place ones),
 * fixed in lib/macsec/protect.c. FUZZ_STRICT=0 in the environment relaxes it to the order
 * within each path and a round trip without replay protection, to look for other bugs
 * should that one come back.
 */
static bool strict;

#define MAX_FRAMES 80
#define MAX_SEGS 2048
#define MAX_FRAME 20000u
#define BOUNCE_LEN (16384u + 64u)

static struct rte_mempool *mp;
static struct macsec_lcore lc;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	strict = getenv("FUZZ_STRICT") == NULL || strcmp(getenv("FUZZ_STRICT"), "0") != 0;
	mp = fz_eal_pool();
	if (macsec_lcore_init(&lc, 0, fz_aead(), BOUNCE_LEN) < 0)
		abort();
	return 0;
}

static const uint8_t key[32] = {
	0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c,
	0x76, 0x2e, 0x71, 0x60, 0xf3, 0x8b, 0x4d, 0xa5, 0x6a, 0x78, 0x4d, 0x90, 0x45, 0x19, 0x0c, 0xfe};

static struct macsec_sa_params sa_params(const struct macsec_secy_conf *c, uint8_t an,
					 uint8_t pnsel)
{
	bool xpn = macsec_cs_is_xpn(c->cipher_suite);
	const uint64_t end = xpn ? MACSEC_XPN_MAX : MACSEC_PN32_MAX;
	struct macsec_sa_params p = {
		.an = an, .key_len = (uint8_t)macsec_cs_key_len(c->cipher_suite),
		.ssci = 0x7A30C118u, .active = true,
		.salt = {0xe6, 0x30, 0xe8, 0x1a, 0x48, 0xde, 0x86, 0xa2, 0x1c, 0x66, 0xfa, 0x6d},
	};
	const uint64_t pns[4] = {1, end - 40, 0xFFFFFFF0ull, xpn ? MACSEC_XPN_THRESHOLD - 3
								  : MACSEC_PN32_THRESHOLD - 3};

	memcpy(p.key, key, p.key_len);
	p.pn = pns[pnsel & 3];
	return p;
}

static void tx_outcomes(const struct macsec_secy *secy, uint64_t *sent, uint64_t *dropped)
{
	struct macsec_secy_stats s;

	macsec_secy_stats_sum(secy, &s);
	*sent = s.out_pkts_untagged;
	*dropped = s.out_pkts_too_long + s.out_pkts_sa_not_in_use + s.out_pkts_pn_exhausted +
		   s.out_pkts_no_room + s.out_pkts_runt + s.out_pkts_crypto_error;
	for (unsigned int an = 0; an < MACSEC_NUM_AN; an++) {
		struct macsec_tx_sa_stats t;

		if (secy->tx_sa[an] == NULL)
			continue;
		macsec_tx_sa_stats_sum(secy->tx_sa[an], &t);
		*sent += t.out_pkts_protected + t.out_pkts_encrypted;
	}
}

static uint16_t index_of(struct rte_mbuf *const *orig, uint16_t n, const struct rte_mbuf *m)
{
	uint16_t j;

	for (j = 0; j < n && orig[j] != m; j++)
		;
	FZ_CHECK(j < n, "a frame that was not passed in came back");
	return j;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t segs[8] = {0, 1, 2, 7, 13, 64, 100, 512};
	static const uint16_t heads[4] = {0, 8, 16, 128}, tails[4] = {0, 15, 16, 64};
	static const uint16_t mtus[4] = {1500, 64, 9000, 16000};
	static const uint8_t offsets[3] = {0, 30, 50};
	static uint8_t out[MAX_FRAME + 64];
	struct fz_in in = {data, size};
	struct rte_mbuf *pkts[MAX_FRAMES], *orig[MAX_FRAMES];
	const uint8_t *odata[MAX_FRAMES];
	uint32_t olen[MAX_FRAMES];
	unsigned int avail0 = rte_mempool_avail_count(mp);
	uint8_t cfg0 = fz_u8(&in), cfg1 = fz_u8(&in), cfg2 = fz_u8(&in);
	struct macsec_secy_conf c = {
		.cipher_suite = (enum macsec_cipher_suite)(cfg0 & 3),
		.encrypt = (cfg0 >> 2) & 1,
		.include_sci = (cfg0 >> 3) & 1,
		.protect_frames = (cfg0 >> 6) != 3,
		.vlan_tags_in_clear = (uint8_t)((cfg1 & 3) % 3),
		.confidentiality_offset = offsets[((cfg1 >> 2) & 3) % 3],
		.mtu = mtus[(cfg1 >> 4) & 3],
		.xpn_recovery = (cfg2 >> 4) & 1,
		.validate_frames = MACSEC_VALIDATE_STRICT,
		.replay_protect = true,
		.sci = 0x0A0B0C0D0E0F0001ull,
	};
	struct macsec_secy *tx, *rx;
	struct macsec_sa_params p;
	uint8_t an = (cfg2 >> 2) & 3, sa_mode = cfg2 & 3;
	uint64_t sent, dropped, late;
	uint32_t nsegs = 0;
	uint16_t n = 0, ret, ret2, k[2] = {0, 0};
	bool round_trip, bounce[MAX_FRAMES], seen[2] = {false, false}, reordered = false;
	int last = -1;

	c.use_scb = !c.include_sci && ((cfg0 >> 4) & 1);
	c.use_es = !c.include_sci && ((cfg0 >> 5) & 1);
	FZ_CHECK(macsec_secy_create(&tx, &c, fz_aead(), NULL) == 0, "tx secy_create");
	p = sa_params(&c, an, cfg1 >> 6);
	if (sa_mode != 2) {
		p.active = sa_mode != 1;
		FZ_CHECK(macsec_secy_tx_sa_install(tx, &p) == 0, "tx_sa_install");
	}
	FZ_CHECK(macsec_secy_tx_set_encoding_an(tx, an) == 0, "encoding AN");

	while (in.n > 0 && n < MAX_FRAMES) {
		uint8_t fl = fz_u8(&in);
		size_t len;
		uint32_t seg;

		if ((fl & 0x80) && n > 0) {
			odata[n] = odata[n - 1];
			len = olen[n - 1];
		} else {
			odata[n] = fz_take(&in, fz_u16(&in) % (MAX_FRAME + 1), &len);
		}
		seg = segs[fl & 7];
		if (seg != 0 && len / seg >= 64)
			seg = (uint32_t)len / 64 + 1;
		if (seg != 0 && nsegs + len / seg + 1 > MAX_SEGS)
			seg = 0;        /* the pool holds a few thousand mbufs */
		nsegs += seg != 0 ? (uint32_t)len / seg + 1 : 1;
		pkts[n] = orig[n] = fz_mbuf_from(mp, odata[n], (uint32_t)len, seg,
						 heads[(fl >> 3) & 3], tails[(fl >> 5) & 3]);
		bounce[n] = pkts[n]->nb_segs > 1 || rte_pktmbuf_headroom(pkts[n]) < tx->sectag_len ||
			    rte_pktmbuf_tailroom(pkts[n]) < MACSEC_ICV_LEN;
		olen[n++] = (uint32_t)len;
	}

	ret = macsec_protect_burst(tx, &lc, pkts, n);

	/* The burst contract, transmit side. */
	FZ_CHECK(ret <= n, "returned %u of %u", ret, n);
	tx_outcomes(tx, &sent, &dropped);
	FZ_CHECK(sent == ret, "%u sent, the counters say %llu", ret, (unsigned long long)sent);
	FZ_CHECK(dropped == (uint64_t)(n - ret), "%u dropped, drop counters moved by %llu", n - ret,
		 (unsigned long long)dropped);
	for (uint16_t i = 0; i < n; i++) {
		uint16_t j = index_of(orig, n, pkts[i]);
		uint32_t len = fz_mbuf_to(pkts[i], out, sizeof(out));

		for (uint16_t q = 0; q < i; q++)
			FZ_CHECK(pkts[q] != pkts[i], "frame %u appears twice", j);
		if (i < ret) {
			/* In their original order (macsec_dp.h), at least within each path. */
			FZ_CHECK(!seen[bounce[j]] || j > k[bounce[j]], "sent frames out of order");
			seen[bounce[j]] = true;
			k[bounce[j]] = j;
			reordered |= last >= 0 && j < last;
			FZ_CHECK(!strict || !reordered, "sent frames out of order (%u after %d)", j,
				 last);
			last = j;
			if (!c.protect_frames)
				FZ_CHECK(len == olen[j] && memcmp(out, odata[j], len) == 0,
					 "protectFrames false changed frame %u", j);
			else
				FZ_CHECK(len == olen[j] + tx->sectag_len + MACSEC_ICV_LEN,
					 "frame %u: %u octets protected to %u", j, olen[j], len);
		} else {
			/* Not sent: handed back as it came. */
			FZ_CHECK(len == olen[j] && memcmp(out, odata[j], len) == 0,
				 "dropped frame %u was changed", j);
		}
	}

	/*
	 * What was protected, a peer validates back to the same octets: the receive SecY has the
	 * same settings and one SC for our SCI with the same SA. With ES too: ES goes only on
	 * frames from the SCI's own source address, the others rely on the one SC (9.9).
	 */
	round_trip = c.protect_frames && sa_mode != 1 && sa_mode != 2;
	if (c.protect_frames && ret > 0) {
		uint64_t next_pn;

		c.replay_protect = !reordered;
		FZ_CHECK(macsec_secy_create(&rx, &c, fz_aead(), NULL) == 0, "rx secy_create");
		FZ_CHECK(macsec_secy_rx_sc_add(rx, c.sci) == 0, "rx_sc_add");
		p.active = true;
		next_pn = p.pn;
		FZ_CHECK(macsec_secy_rx_sa_install(rx, c.sci, &p) == 0, "rx_sa_install");
		ret2 = macsec_validate_burst(rx, &lc, pkts, ret);
		FZ_CHECK(ret2 <= ret, "validated %u of %u", ret2, ret);
		if (round_trip) {
			struct macsec_rx_sc_stats scs;

			macsec_rx_sc_stats_sum(rx->rx_scs->sc[0], &scs);
			late = scs.in_pkts_late;
			FZ_CHECK(ret2 == ret, "%u protected, %u validated (late %llu, next PN %llu)",
				 ret, ret2, (unsigned long long)late, (unsigned long long)next_pn);
			for (uint16_t i = 0; i < ret2; i++) {
				uint16_t j = index_of(orig, n, pkts[i]);
				uint32_t len = fz_mbuf_to(pkts[i], out, sizeof(out));

				FZ_CHECK(len == olen[j] && memcmp(out, odata[j], len) == 0,
					 "frame %u (%u octets) did not survive protect + validate (%u)",
					 j, olen[j], len);
			}
		}
		macsec_secy_destroy(rx);
	}
	for (uint16_t i = 0; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
	FZ_CHECK(rte_mempool_avail_count(mp) == avail0, "mbufs leaked: %u of %u back",
		 rte_mempool_avail_count(mp), avail0);
	macsec_secy_destroy(tx);
	return 0;
}
