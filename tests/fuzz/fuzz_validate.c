/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer: macsec_validate_burst on fuzzer-built bursts against Annex C receive SCs. */
#include <string.h>

#include <openssl/evp.h>
#include <rte_mbuf.h>

#define FZ_WITH_DPDK
#include "fuzz_util.h"
#include "macsec_dp.h"
#include "pn.h"
#include "sectag.h"
#include "secy.h"

/*
 * Input: three config octets, then frames, each [flags][length, 16 bits BE][octets].
 *   cfg0: bits 0-1 cipher suite, 2-3 validate_frames (mod 3), 4 replay_protect,
 *         5 xpn_recovery, 6-7 vlan_tags_in_clear (mod 3)
 *   cfg1: bits 0-1 replay window, 2-3 confidentiality offset (mod 3), 4 one SC only,
 *         5-7 which one (mod 5), and
 *   cfg2: bit 0 first SC's SA inactive, bit 1 nextPN past the Annex C PNs, bit 2 seal:
 *         every frame that names one of our SAs gets a correct ICV (and is encrypted when
 *         E is set) first, computed here with OpenSSL from the 802.1AE text, so the fuzzer
 *         reaches the replay, late/delayed and XPN recovery outcomes with any PN and content
 *   flags: bits 0-2 segment size, 3-4 headroom, 5-6 tailroom, 7 repeat the previous
 *          frame (consumes no length or octets)
 */
#define MAX_FRAMES 80        /* more than one 64-frame chunk */
#define MAX_SEGS 2048        /* the pool holds a few thousand mbufs */
#define MAX_FRAME 20000u     /* chained frames past the bounce buffer are possible */
#define BOUNCE_LEN (16384u + 64u)

/* Receive SCs whose keys are the 802.1AE Annex C ones (C.1-C.4, XPN salt and SSCI of C.x.3),
 * and the DPDK VLAN-in-clear vectors' SC (tests/vectors). */
static const struct {
	uint64_t sci;
	uint8_t an;
	uint8_t k128[16];
	uint8_t k256[32];
} scs[] = {
	{0x12153524C0895E81ull, 2,
	 {0xad, 0x7a, 0x2b, 0xd0, 0x3e, 0xac, 0x83, 0x5a, 0x6f, 0x62, 0x0f, 0xdc, 0xb5, 0x06, 0xb3, 0x45},
	 {0xe3, 0xc0, 0x8a, 0x8f, 0x06, 0xc6, 0xe3, 0xad, 0x95, 0xa7, 0x05, 0x57, 0xb2, 0x3f, 0x75, 0x48,
	  0x3c, 0xe3, 0x30, 0x21, 0xa9, 0xc7, 0x2b, 0x70, 0x25, 0x66, 0x62, 0x04, 0xc6, 0x9c, 0x0b, 0x72}},
	{0xF0761E8DCD3D0001ull, 0,
	 {0x07, 0x1b, 0x11, 0x3b, 0x0c, 0xa7, 0x43, 0xfe, 0xcc, 0xcf, 0x3d, 0x05, 0x1f, 0x73, 0x73, 0x82},
	 {0x69, 0x1d, 0x3e, 0xe9, 0x09, 0xd7, 0xf5, 0x41, 0x67, 0xfd, 0x1c, 0xa0, 0xb5, 0xd7, 0x69, 0x08,
	  0x1f, 0x2b, 0xde, 0x1a, 0xee, 0x65, 0x5f, 0xdb, 0xab, 0x80, 0xbd, 0x52, 0x95, 0xae, 0x6b, 0xe7}},
	{0x7CFDE9F9E33724C6ull, 3,
	 {0x01, 0x3f, 0xe0, 0x0b, 0x5f, 0x11, 0xbe, 0x7f, 0x86, 0x6d, 0x0c, 0xbb, 0xc5, 0x5a, 0x7a, 0x90},
	 {0x83, 0xc0, 0x93, 0xb5, 0x8d, 0xe7, 0xff, 0xe1, 0xc0, 0xda, 0x92, 0x6a, 0xc4, 0x3f, 0xb3, 0x60,
	  0x9a, 0xc1, 0xc8, 0x0f, 0xee, 0x1b, 0x62, 0x44, 0x97, 0xef, 0x94, 0x2e, 0x2f, 0x79, 0xa8, 0x23}},
	{0x7AE8E2CA4EC50001ull, 1,
	 {0x88, 0xee, 0x08, 0x7f, 0xd9, 0x5d, 0xa9, 0xfb, 0xf6, 0x72, 0x5a, 0xa9, 0xd7, 0x57, 0xb0, 0xcd},
	 {0x4c, 0x97, 0x3d, 0xbc, 0x73, 0x64, 0x62, 0x16, 0x74, 0xf8, 0xb5, 0xb8, 0x9e, 0x5c, 0x15, 0x51,
	  0x1f, 0xce, 0xd9, 0x21, 0x64, 0x90, 0xfb, 0x1c, 0x1a, 0x2c, 0xaa, 0x0f, 0xfe, 0x04, 0x07, 0xe5}},
	{0xCACBCD2122230001ull, 0,
	 {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11},
	 {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
	  0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11}},
};
#define N_SC (sizeof(scs) / sizeof(scs[0]))

static const uint8_t annexc_salt[12] = {0xe6, 0x30, 0xe8, 0x1a, 0x48, 0xde,
					0x86, 0xa2, 0x1c, 0x66, 0xfa, 0x6d};
#define ANNEXC_SSCI 0x7A30C118u
#define ANNEXC_XPN_HI 0xB0DF459Cull

static struct rte_mempool *mp;
static struct macsec_lcore lc;
static EVP_CIPHER_CTX *evp;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	mp = fz_eal_pool();
	evp = EVP_CIPHER_CTX_new();
	if (evp == NULL || macsec_lcore_init(&lc, 0, fz_aead(), BOUNCE_LEN) < 0)
		abort();
	return 0;
}

static uint64_t rx_first_pn(bool xpn, uint8_t cfg2)
{
	if (cfg2 & 2)   /* past every Annex C PN: they are late (or, XPN, recovered above) */
		return xpn ? ANNEXC_XPN_HI << 32 | 0xF0000000u : 0xF0000000u;
	return xpn ? ANNEXC_XPN_HI << 32 | 1 : 1;
}

static bool vlan_tpid(uint16_t t)
{
	return t == 0x8100 || t == 0x88A8 || t == 0x9100;
}

/*
 * Seal @p f in place as the transmitter of one of our SCs would have (802.1AE 14.5-14.7):
 * AAD = DA, SA, SecTAG (and the unencrypted offset, or all the secure data when E is
 * clear); clear VLAN tags are outside it. The XPN high half is what the receiver recovers
 * from its first lowest PN (10.6.2), so frames near that edge may still fail, as they would.
 */
static void seal(const struct macsec_secy *secy, uint8_t cfg2, unsigned int first,
		 unsigned int last, uint8_t *f, size_t len)
{
	const struct macsec_secy_conf *c = &secy->conf;
	bool xpn = macsec_cs_is_xpn(c->cipher_suite);
	unsigned int kl = macsec_cs_key_len(c->cipher_suite), n_sc = last - first, i;
	size_t off = 12, co, tl;
	struct macsec_sectag tag;
	uint8_t iv[12], aad[12 + 16 + 50];
	uint64_t sci, pn, lowest, hi;
	int outl;

	for (i = 0; i < c->vlan_tags_in_clear && off + 6 <= len &&
		    vlan_tpid(macsec_get_be16(f + off)); i++)
		off += 4;
	if (off + 2 > len || macsec_sectag_decode(f + off, len - off, xpn, &tag) != MACSEC_SECTAG_OK)
		return;
	if (tag.tci & MACSEC_TCI_SC)
		sci = tag.sci;
	else if (!(tag.tci & MACSEC_TCI_ES) && n_sc == 1)
		sci = scs[first].sci;
	else
		sci = macsec_sci_make(f + 6, MACSEC_PORT_ES);
	for (i = first; i < last && (scs[i].sci != sci || scs[i].an != tag.an); i++)
		;
	if (i == last)
		return;
	tl = tag.len;
	co = (tag.tci & MACSEC_TCI_E) ? RTE_MIN((size_t)c->confidentiality_offset, tag.secure_len)
				      : tag.secure_len;
	memcpy(aad, f, 12);
	memcpy(aad + 12, f + off, tl);
	if (xpn) {
		lowest = macsec_lowest_pn(rx_first_pn(true, cfg2), c->replay_window);
		hi = lowest >> 32;
		if ((lowest & 0x80000000u) && !(tag.pn & 0x80000000u))
			hi++;
		pn = hi << 32 | tag.pn;
		macsec_put_be32(iv, ANNEXC_SSCI);
		macsec_put_be64(iv + 4, pn);
		for (unsigned int k = 0; k < 12; k++)
			iv[k] ^= annexc_salt[k];
	} else {
		macsec_put_be64(iv, sci);
		macsec_put_be32(iv + 8, tag.pn);
	}
	if (EVP_EncryptInit_ex(evp, kl == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm(), NULL,
			       kl == 16 ? scs[i].k128 : scs[i].k256, iv) != 1 ||
	    EVP_EncryptUpdate(evp, NULL, &outl, aad, (int)(12 + tl)) != 1 ||
	    EVP_EncryptUpdate(evp, NULL, &outl, f + off + tl, (int)co) != 1 ||
	    (tag.secure_len > co &&
	     EVP_EncryptUpdate(evp, f + off + tl + co, &outl, f + off + tl + co,
			       (int)(tag.secure_len - co)) != 1) ||
	    EVP_EncryptFinal_ex(evp, aad, &outl) != 1 ||
	    EVP_CIPHER_CTX_ctrl(evp, EVP_CTRL_GCM_GET_TAG, 16, f + off + tl + tag.secure_len) != 1)
		abort();
}

static struct macsec_secy *secy_make(uint8_t cfg0, uint8_t cfg1, uint8_t cfg2, unsigned int *first,
				     unsigned int *last)
{
	static const uint32_t windows[4] = {0, 1, 64, 1u << 30};
	static const uint8_t offsets[3] = {0, 30, 50};
	struct macsec_secy_conf c = {
		.cipher_suite = (enum macsec_cipher_suite)(cfg0 & 3),
		.validate_frames = (enum macsec_validate)(((cfg0 >> 2) & 3) % 3),
		.replay_protect = (cfg0 >> 4) & 1,
		.xpn_recovery = (cfg0 >> 5) & 1,
		.vlan_tags_in_clear = (uint8_t)((cfg0 >> 6) % 3),
		.replay_window = windows[cfg1 & 3],
		.confidentiality_offset = offsets[((cfg1 >> 2) & 3) % 3],
		.sci = 0x001122334455ull << 16 | 1,
		.mtu = 1500,
		.protect_frames = true,
		.encrypt = true,
		.include_sci = true,
	};
	bool xpn = macsec_cs_is_xpn(c.cipher_suite);
	unsigned int key_len = macsec_cs_key_len(c.cipher_suite);
	struct macsec_secy *secy;

	FZ_CHECK(macsec_secy_create(&secy, &c, fz_aead(), NULL) == 0, "secy_create");
	*first = 0;
	*last = N_SC;
	if (cfg1 & 0x10) {
		*first = (cfg1 >> 5) % N_SC;
		*last = *first + 1;
	}
	for (unsigned int i = *first; i < *last; i++) {
		struct macsec_sa_params p = {
			.an = scs[i].an, .key_len = (uint8_t)key_len, .ssci = ANNEXC_SSCI,
			.active = !(i == *first && (cfg2 & 1)),
		};

		memcpy(p.key, key_len == 16 ? scs[i].k128 : scs[i].k256, key_len);
		memcpy(p.salt, annexc_salt, sizeof(p.salt));
		p.pn = rx_first_pn(xpn, cfg2);
		FZ_CHECK(macsec_secy_rx_sc_add(secy, scs[i].sci) == 0, "rx_sc_add");
		FZ_CHECK(macsec_secy_rx_sa_install(secy, scs[i].sci, &p) == 0, "rx_sa_install");
	}
	return secy;
}

/* Frames delivered and dropped according to the counters (every 10.6 outcome is one). */
static void count_outcomes(const struct macsec_secy *secy, uint64_t *delivered, uint64_t *dropped)
{
	const struct macsec_rx_sc_table *t = macsec_secy_rx_scs(secy);
	struct macsec_secy_stats s;

	macsec_secy_stats_sum(secy, &s);
	*delivered = s.in_pkts_untagged + s.in_pkts_unknown_sci;
	*dropped = s.in_pkts_no_tag + s.in_pkts_bad_tag + s.in_pkts_no_sci + s.in_pkts_overrun +
		   s.in_pkts_no_room + s.in_pkts_crypto_error;
	for (uint32_t i = 0; i < t->n; i++) {
		struct macsec_rx_sc_stats sc;

		macsec_rx_sc_stats_sum(t->sc[i], &sc);
		*delivered += sc.in_pkts_unused_sa + sc.in_pkts_unchecked + sc.in_pkts_ok +
			      sc.in_pkts_invalid + sc.in_pkts_delayed;
		*dropped += sc.in_pkts_not_using_sa + sc.in_pkts_late + sc.in_pkts_not_valid;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint16_t segs[8] = {0, 1, 2, 7, 13, 64, 100, 512};
	static const uint16_t heads[4] = {0, 1, 16, 128}, tails[4] = {0, 1, 16, 64};
	static uint8_t out[MAX_FRAME];
	static uint8_t sealed[MAX_FRAMES][MAX_FRAME];
	struct fz_in in = {data, size};
	struct rte_mbuf *pkts[MAX_FRAMES], *orig[MAX_FRAMES];
	uint32_t olen[MAX_FRAMES];
	const uint8_t *prev = NULL;
	uint32_t prev_len = 0;
	uint64_t delivered, dropped;
	unsigned int avail0 = rte_mempool_avail_count(mp);
	uint8_t cfg0 = fz_u8(&in), cfg1 = fz_u8(&in), cfg2 = fz_u8(&in);
	unsigned int first, last;
	struct macsec_secy *secy = secy_make(cfg0, cfg1, cfg2, &first, &last);
	uint32_t nsegs = 0;
	uint16_t n = 0, ret, k = 0;

	while (in.n > 0 && n < MAX_FRAMES) {
		uint8_t fl = fz_u8(&in);
		const uint8_t *f;
		size_t len;
		uint32_t seg;

		if ((fl & 0x80) && prev != NULL) {
			f = prev;
			len = prev_len;
		} else {
			f = fz_take(&in, fz_u16(&in) % (MAX_FRAME + 1), &len);
			if (cfg2 & 4) {
				memcpy(sealed[n], f, len);
				seal(secy, cfg2, first, last, sealed[n], len);
				f = sealed[n];
			}
		}
		seg = segs[fl & 7];
		if (seg != 0 && len / seg >= 64)     /* at most ~64 segments a frame */
			seg = (uint32_t)len / 64 + 1;
		if (seg != 0 && nsegs + len / seg + 1 > MAX_SEGS)
			seg = 0;        /* the pool holds a few thousand mbufs */
		nsegs += seg != 0 ? (uint32_t)len / seg + 1 : 1;
		pkts[n] = orig[n] = fz_mbuf_from(mp, f, (uint32_t)len, seg, heads[(fl >> 3) & 3],
						 tails[(fl >> 5) & 3]);
		olen[n++] = (uint32_t)len;
		prev = f;
		prev_len = (uint32_t)len;
	}

	ret = macsec_validate_burst(secy, &lc, pkts, n);
	if (getenv("FUZZ_VERBOSE") != NULL) {
		const struct macsec_rx_sc_table *t = macsec_secy_rx_scs(secy);

		fprintf(stderr, "validate: %u of %u delivered; per SC ok/late/not_valid:", ret, n);
		for (uint32_t i = 0; i < t->n; i++) {
			struct macsec_rx_sc_stats st;

			macsec_rx_sc_stats_sum(t->sc[i], &st);
			fprintf(stderr, " %llu/%llu/%llu", (unsigned long long)st.in_pkts_ok,
				(unsigned long long)st.in_pkts_late,
				(unsigned long long)st.in_pkts_not_valid);
		}
		fputc('\n', stderr);
	}

	/* The burst contract (lib/macsec/macsec_dp.h, STYLE rule 7). */
	FZ_CHECK(ret <= n, "returned %u of %u", ret, n);
	count_outcomes(secy, &delivered, &dropped);
	FZ_CHECK(delivered == ret, "%u delivered but the counters say %llu", ret,
		 (unsigned long long)delivered);
	FZ_CHECK(dropped == (uint64_t)(n - ret), "%u dropped but the drop counters moved by %llu",
		 n - ret, (unsigned long long)dropped);
	for (uint16_t i = 0; i < n; i++) {
		uint16_t j;

		for (j = 0; j < n && orig[j] != pkts[i]; j++)
			;
		FZ_CHECK(j < n, "pkts[%u] is not one of the frames passed in", i);
		for (uint16_t q = 0; q < i; q++)
			FZ_CHECK(pkts[q] != pkts[i], "frame %u appears twice", j);
		if (i < ret) {
			/* Delivered: in arrival order, never longer than received. */
			FZ_CHECK(i == 0 || j > k, "delivered frames out of order");
			k = j;
			FZ_CHECK(fz_mbuf_to(pkts[i], out, sizeof(out)) <= olen[j],
				 "delivered frame %u grew from %u to %u octets", j, olen[j],
				 pkts[i]->pkt_len);
		}
	}
	for (uint16_t i = 0; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
	FZ_CHECK(rte_mempool_avail_count(mp) == avail0, "mbufs leaked: %u of %u back",
		 rte_mempool_avail_count(mp), avail0);
	macsec_secy_destroy(secy);
	return 0;
}
