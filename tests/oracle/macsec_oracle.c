/* SPDX-License-Identifier: BSD-3-Clause */
/* Oracle driver: lib/macsec protect/validate on frames given as JSON lines; prints the results. */
/*
 * Usage: macsec_oracle ENGINE < requests > results
 *
 * One request per input line, one result line per request, in order. A request:
 *   {"op": "protect" | "validate", "suite": "gcm-aes-xpn-128", "key": HEX,
 *    "sci": HEX16,          protect: our SCI; validate: the peer's (receive SC)
 *    "an": N, "pn": HEX,    protect: first PN; validate: the SA's next/lowest PN
 *    "ssci": N, "salt": HEX24, "encrypt": B, "offset": 0|30|50, "include_sci": B,
 *    "replay_protect": B, "window": N, "mtu": N, "xpn_recovery": "ieee" | "linux",
 *    "seg": 0 (one segment) | -1 (one segment, no headroom) | N (N octets a segment),
 *    "segs": [seg per frame] (overrides "seg"),
 *    "burst": N (frames per burst call, 0 = all at once), "frames": [HEX, ...]}
 * A result:
 *   {"out": [HEX | null, ...] (per input frame: what the burst returned as good),
 *    "ret": N, "secy": {...}, "sc": {...}, "sa": {...}, "next_pn": HEX}
 * or {"error": "..."}. Every SecY lives for one request.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <rte_mbuf.h>

#include "macsec_dp.h"
#include "secy.h"
#include "test_util.h"

#define MAX_FRAME 9400u            /* largest frame we accept, clear or protected */
#define MAX_FRAMES 64u
#define POOL_MBUFS 4096u
#define DATA_ROOM (RTE_PKTMBUF_HEADROOM + MAX_FRAME + 64u)
#define PEER_OWN_SCI 0x0200000000FE0001ull /* our SCI when validating: never on the wire */

struct req {
	bool protect;
	struct macsec_secy_conf conf;
	struct macsec_sa_params sa;
	uint64_t sci;
	int seg[MAX_FRAMES];
	unsigned int burst;
	unsigned int n;
	uint8_t *frame[MAX_FRAMES];
	uint32_t len[MAX_FRAMES];
};

static int hex_u64(const char *s, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(s, &end, 16);
	return errno != 0 || end == s || *end != '\0' ? -1 : 0;
}

static const char *req_parse(json_t *j, struct req *r)
{
	const char *op = NULL, *suite = NULL, *key = NULL, *sci = NULL, *pn = NULL, *salt = NULL;
	const char *recovery = "ieee";
	int an = 0, offset = 0, seg = 0, burst = 0, encrypt = 1, include_sci = 1, rp = 1;
	json_int_t ssci = 0, window = 0, mtu = 9100;
	json_t *frames = NULL, *segs = NULL, *f;
	json_error_t err;
	size_t i;
	int k;

	memset(r, 0, sizeof(*r));
	if (json_unpack_ex(j, &err, 0, "{s:s, s:s, s:s, s:s, s:s, s:o, s?:i, s?:I, s?:s, s?:b,"
			   " s?:i, s?:b, s?:b, s?:I, s?:I, s?:i, s?:o, s?:i, s?:s}",
			   "op", &op, "suite", &suite, "key", &key, "sci", &sci, "pn", &pn,
			   "frames", &frames, "an", &an, "ssci", &ssci, "salt", &salt,
			   "encrypt", &encrypt, "offset", &offset, "include_sci", &include_sci,
			   "replay_protect", &rp, "window", &window, "mtu", &mtu, "seg", &seg,
			   "segs", &segs, "burst", &burst, "xpn_recovery", &recovery) != 0)
		return "bad request fields";
	r->protect = strcmp(op, "protect") == 0;
	if (!r->protect && strcmp(op, "validate") != 0)
		return "op must be protect or validate";
	if (macsec_cs_parse(suite, &r->conf.cipher_suite) < 0)
		return "unknown suite";
	if (hex_u64(sci, &r->sci) < 0 || hex_u64(pn, &r->sa.pn) < 0)
		return "bad sci or pn";
	k = tu_hex_decode(key, r->sa.key, sizeof(r->sa.key));
	if (k < 0)
		return "bad key";
	r->sa.key_len = (uint8_t)k;
	if (salt != NULL && tu_hex_decode(salt, r->sa.salt, sizeof(r->sa.salt)) != 12)
		return "salt must be 12 octets";
	if (an < 0 || an > 3 || offset < 0 || offset > 255 || window < 0 || window > UINT32_MAX ||
	    mtu < 0 || mtu > UINT16_MAX || seg < -1 || burst < 0 || ssci < 0 || ssci > UINT32_MAX)
		return "field out of range";
	r->sa.an = (uint8_t)an;
	r->sa.ssci = (uint32_t)ssci;
	r->sa.active = true;
	r->conf.validate_frames = MACSEC_VALIDATE_STRICT;
	r->conf.sci = r->protect ? r->sci : PEER_OWN_SCI;
	r->conf.replay_window = (uint32_t)window;
	r->conf.mtu = (uint16_t)mtu;
	r->conf.confidentiality_offset = (uint8_t)offset;
	r->conf.protect_frames = true;
	r->conf.encrypt = encrypt;
	r->conf.include_sci = include_sci;
	r->conf.replay_protect = rp;
	if (strcmp(recovery, "ieee") == 0)
		r->conf.xpn_recovery = MACSEC_XPN_RECOVERY_IEEE;
	else if (strcmp(recovery, "linux") == 0)
		r->conf.xpn_recovery = MACSEC_XPN_RECOVERY_LINUX;
	else
		return "xpn_recovery must be ieee or linux";
	r->burst = (unsigned int)burst;
	if (!json_is_array(frames) || json_array_size(frames) == 0 ||
	    json_array_size(frames) > MAX_FRAMES)
		return "frames must be an array of 1..64 hex strings";
	json_array_foreach(frames, i, f) {
		const char *h = json_string_value(f);

		if (h == NULL)
			return "frame is not a string";
		r->frame[r->n] = malloc(MAX_FRAME);
		if (r->frame[r->n] == NULL)
			return "out of memory";
		k = tu_hex_decode(h, r->frame[r->n], MAX_FRAME);
		r->len[r->n++] = (uint32_t)k;
		if (k < 0)
			return "bad frame hex";
		r->seg[i] = seg;
	}
	if (segs != NULL) {
		if (!json_is_array(segs) || json_array_size(segs) != r->n)
			return "segs must have one entry a frame";
		json_array_foreach(segs, i, f) {
			if (!json_is_integer(f) || json_integer_value(f) < -1 ||
			    json_integer_value(f) > MAX_FRAME)
				return "bad segs entry";
			r->seg[i] = (int)json_integer_value(f);
		}
	}
	return NULL;
}

static void req_free(struct req *r)
{
	for (unsigned int i = 0; i < r->n; i++)
		free(r->frame[i]);
}

/* One segment with no headroom: protect must fall back to its bounce buffer. */
static struct rte_mbuf *mbuf_no_headroom(struct rte_mempool *mp, const uint8_t *d, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);

	if (m == NULL)
		return NULL;
	m->data_off = 0;
	if (rte_pktmbuf_append(m, (uint16_t)len) == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), d, len);
	return m;
}

static json_t *hex_json(const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *s = malloc(2 * n + 1);
	json_t *j;

	if (s == NULL)
		return json_null();
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	s[2 * n] = '\0';
	j = json_string(s);
	free(s);
	return j;
}

static json_t *u64_hex_json(uint64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%" PRIx64, v);
	return json_string(s);
}

#define PUT(obj, st, field) json_object_set_new(obj, #field, json_integer((json_int_t)(st).field))

static json_t *secy_stats_json(const struct macsec_secy *secy)
{
	struct macsec_secy_stats s;
	json_t *o = json_object();

	macsec_secy_stats_sum(secy, &s);
	PUT(o, s, in_pkts_untagged);
	PUT(o, s, in_pkts_no_tag);
	PUT(o, s, in_pkts_bad_tag);
	PUT(o, s, in_pkts_unknown_sci);
	PUT(o, s, in_pkts_no_sci);
	PUT(o, s, in_pkts_overrun);
	PUT(o, s, in_octets_validated);
	PUT(o, s, in_octets_decrypted);
	PUT(o, s, out_pkts_untagged);
	PUT(o, s, out_pkts_too_long);
	PUT(o, s, out_octets_protected);
	PUT(o, s, out_octets_encrypted);
	PUT(o, s, out_pkts_sa_not_in_use);
	PUT(o, s, out_pkts_pn_exhausted);
	PUT(o, s, out_pkts_no_room);
	PUT(o, s, out_pkts_runt);
	PUT(o, s, out_pkts_crypto_error);
	PUT(o, s, in_pkts_no_room);
	PUT(o, s, in_pkts_crypto_error);
	return o;
}

static json_t *rx_sc_stats_json(const struct macsec_rx_sc *sc)
{
	struct macsec_rx_sc_stats s;
	json_t *o = json_object();

	macsec_rx_sc_stats_sum(sc, &s);
	PUT(o, s, in_pkts_late);
	PUT(o, s, in_pkts_delayed);
	PUT(o, s, in_pkts_unchecked);
	PUT(o, s, in_pkts_ok);
	PUT(o, s, in_pkts_invalid);
	PUT(o, s, in_pkts_not_valid);
	PUT(o, s, in_pkts_not_using_sa);
	PUT(o, s, in_pkts_unused_sa);
	return o;
}

static json_t *rx_sa_stats_json(const struct macsec_sa *sa)
{
	struct macsec_rx_sa_stats s;
	json_t *o = json_object();

	macsec_rx_sa_stats_sum(sa, &s);
	PUT(o, s, in_pkts_ok);
	PUT(o, s, in_pkts_invalid);
	PUT(o, s, in_pkts_not_valid);
	PUT(o, s, in_pkts_not_using_sa);
	PUT(o, s, in_pkts_unused_sa);
	return o;
}

static json_t *tx_sa_stats_json(const struct macsec_sa *sa)
{
	struct macsec_tx_sa_stats s;
	json_t *o = json_object();

	macsec_tx_sa_stats_sum(sa, &s);
	PUT(o, s, out_pkts_protected);
	PUT(o, s, out_pkts_encrypted);
	return o;
}

/* Build the SecY, run the bursts, describe what came out. */
static json_t *req_run(const struct req *r, const struct macsec_aead_engine *aead,
		       struct macsec_lcore *lc, struct rte_mempool *mp, uint8_t *buf)
{
	struct rte_mbuf *m[MAX_FRAMES], *burst[MAX_FRAMES];
	bool good[MAX_FRAMES] = {false};
	struct macsec_secy *secy = NULL;
	const struct macsec_sa *sa;
	const char *why = NULL;
	json_t *res = json_object(), *out = json_array();
	unsigned int i, done, ret = 0, per = r->burst ? r->burst : r->n;
	int rc;

	memset(m, 0, sizeof(m));
	rc = macsec_secy_create(&secy, &r->conf, aead, NULL);
	if (rc < 0) {
		why = "macsec_secy_create failed";
		goto out;
	}
	if (r->protect) {
		rc = macsec_secy_tx_sa_install(secy, &r->sa);
		if (rc == 0)
			rc = macsec_secy_tx_set_encoding_an(secy, r->sa.an);
	} else {
		rc = macsec_secy_rx_sc_add(secy, r->sci);
		if (rc == 0)
			rc = macsec_secy_rx_sa_install(secy, r->sci, &r->sa);
	}
	if (rc < 0) {
		why = "SA install failed";
		goto out;
	}
	for (i = 0; i < r->n; i++) {
		m[i] = r->seg[i] < 0 ? mbuf_no_headroom(mp, r->frame[i], r->len[i])
				     : tu_mbuf_from(mp, r->frame[i], r->len[i], (uint32_t)r->seg[i]);
		if (m[i] == NULL) {
			why = "no mbuf";
			goto out;
		}
	}
	for (done = 0; done < r->n; done += per) {
		unsigned int k = RTE_MIN(per, r->n - done), got;

		memcpy(burst, &m[done], k * sizeof(burst[0]));
		got = r->protect ? macsec_protect_burst(secy, lc, burst, (uint16_t)k)
				 : macsec_validate_burst(secy, lc, burst, (uint16_t)k);
		ret += got;
		/* The burst contract: good frames first, in order; the rest after. */
		for (unsigned int g = 0; g < got; g++)
			for (unsigned int x = done; x < done + k; x++)
				if (m[x] == burst[g])
					good[x] = true;
	}
	for (i = 0; i < r->n; i++) {
		int len;

		if (!good[i]) {
			json_array_append_new(out, json_null());
			continue;
		}
		len = tu_mbuf_to(m[i], buf, MAX_FRAME);
		if (len < 0) {
			why = "inconsistent mbuf chain after the burst";
			goto out;
		}
		json_array_append_new(out, hex_json(buf, (size_t)len));
	}
	json_object_set_new(res, "ret", json_integer(ret));
	json_object_set_new(res, "secy", secy_stats_json(secy));
	if (r->protect) {
		sa = secy->tx_sa[r->sa.an];
		json_object_set_new(res, "sa", tx_sa_stats_json(sa));
	} else {
		const struct macsec_rx_sc *sc = macsec_rx_sc_table_find(macsec_secy_rx_scs(secy),
									 r->sci);

		sa = sc->sa[r->sa.an];
		json_object_set_new(res, "sc", rx_sc_stats_json(sc));
		json_object_set_new(res, "sa", rx_sa_stats_json(sa));
	}
	json_object_set_new(res, "next_pn", u64_hex_json(sa->next_pn));
out:
	for (i = 0; i < r->n; i++)
		rte_pktmbuf_free(m[i]);
	macsec_secy_destroy(secy);
	if (why != NULL) {
		json_decref(res);
		json_decref(out);
		res = json_pack("{s:s, s:i}", "error", why, "rc", rc);
		return res;
	}
	json_object_set_new(res, "out", out);
	return res;
}

int main(int argc, char **argv)
{
	const struct macsec_aead_engine *aead;
	struct macsec_lcore lc;
	struct rte_mempool *mp;
	uint8_t *buf = malloc(MAX_FRAME);
	char *line = NULL;
	size_t cap = 0;

	if (argc != 2 || buf == NULL) {
		fprintf(stderr, "usage: %s ENGINE < requests\n", argv[0]);
		return 2;
	}
	aead = macsec_aead_find(argv[1]);
	if (aead == NULL) {
		fprintf(stderr, "engine %s not found or does not probe on this CPU\n", argv[1]);
		return 2;
	}
	mp = tu_eal_pool(POOL_MBUFS, (uint16_t)DATA_ROOM);
	if (macsec_lcore_init(&lc, 0, aead, MAX_FRAME) < 0) {
		fprintf(stderr, "macsec_lcore_init failed\n");
		return 2;
	}
	while (getline(&line, &cap, stdin) > 0) {
		json_error_t err;
		json_t *j = json_loads(line, 0, &err), *res;
		struct req r;
		const char *why;

		if (j == NULL) {
			res = json_pack("{s:s}", "error", err.text);
		} else if ((why = req_parse(j, &r)) != NULL) {
			res = json_pack("{s:s}", "error", why);
			req_free(&r);
		} else {
			res = req_run(&r, aead, &lc, mp, buf);
			req_free(&r);
		}
		json_decref(j);
		json_dumpf(res, stdout, JSON_COMPACT);
		fputc('\n', stdout);
		fflush(stdout);
		json_decref(res);
	}
	free(line);
	free(buf);
	macsec_lcore_fini(&lc);
	return 0;
}
