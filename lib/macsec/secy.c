/* SPDX-License-Identifier: BSD-3-Clause */
/* SecY lifecycle: prepare (may fail), publish by pointer (cannot fail), reclaim after readers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "keymem.h"
#include "pn.h"
#include "sectag.h"
#include "secy.h"

static const struct {
	const char *name;
	uint64_t id;
	uint8_t key_len;
	uint8_t xpn;
} cs_info[MACSEC_CS_COUNT] = {
	/* 802.1AE-2018 Table 14-1 */
	[MACSEC_CS_GCM_AES_128] = {"gcm-aes-128", 0x0080C20001000001ull, 16, 0},
	[MACSEC_CS_GCM_AES_256] = {"gcm-aes-256", 0x0080C20001000002ull, 32, 0},
	[MACSEC_CS_GCM_AES_XPN_128] = {"gcm-aes-xpn-128", 0x0080C20001000003ull, 16, 1},
	[MACSEC_CS_GCM_AES_XPN_256] = {"gcm-aes-xpn-256", 0x0080C20001000004ull, 32, 1},
};

unsigned int macsec_cs_key_len(enum macsec_cipher_suite cs)
{
	return cs < MACSEC_CS_COUNT ? cs_info[cs].key_len : 0;
}

bool macsec_cs_is_xpn(enum macsec_cipher_suite cs)
{
	return cs < MACSEC_CS_COUNT && cs_info[cs].xpn;
}

uint64_t macsec_cs_id(enum macsec_cipher_suite cs)
{
	return cs < MACSEC_CS_COUNT ? cs_info[cs].id : 0;
}

const char *macsec_cs_name(enum macsec_cipher_suite cs)
{
	return cs < MACSEC_CS_COUNT ? cs_info[cs].name : "unknown";
}

int macsec_cs_parse(const char *s, enum macsec_cipher_suite *cs)
{
	for (unsigned int i = 0; i < MACSEC_CS_COUNT; i++) {
		if (strcasecmp(s, cs_info[i].name) == 0) {
			*cs = (enum macsec_cipher_suite)i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *macsec_validate_name(enum macsec_validate v)
{
	switch (v) {
	case MACSEC_VALIDATE_DISABLED: return "disabled";
	case MACSEC_VALIDATE_CHECK: return "check";
	case MACSEC_VALIDATE_STRICT: return "strict";
	}
	return "unknown";
}

int macsec_secy_conf_check(const struct macsec_secy_conf *c, const char **why)
{
	const char *w = NULL;

	if (c->cipher_suite >= MACSEC_CS_COUNT)
		w = "unknown cipher suite";
	else if (c->validate_frames > MACSEC_VALIDATE_STRICT)
		w = "unknown validate_frames";
	else if (c->confidentiality_offset != 0 && c->confidentiality_offset != 30 &&
		 c->confidentiality_offset != 50)
		w = "confidentiality_offset must be 0, 30 or 50";
	else if (c->vlan_tags_in_clear > MACSEC_MAX_CLEAR_TAGS)
		w = "vlan_tags_in_clear must be 0, 1 or 2";
	else if (c->xpn_recovery > MACSEC_XPN_RECOVERY_LINUX)
		w = "unknown xpn_recovery";
	else if (c->use_es && c->include_sci)
		w = "end station (ES) and include_sci exclude each other";
	else if (c->use_es && (c->sci & 0xFFFFu) != 1)
		w = "end station (ES) needs the SCI's port identifier 1 (a receiver takes the "
		    "SCI of an ES frame as its source address and port 1)";
	else if (c->use_scb && c->include_sci)
		w = "single copy broadcast (SCB) and include_sci exclude each other";
	else if (c->mtu < 64)
		w = "mtu below 64";
	if (w != NULL) {
		if (why != NULL)
			*why = w;
		return -EINVAL;
	}
	return 0;
}

static void reclaim_now(void *ctx, void *obj, void (*destroy)(void *obj))
{
	(void)ctx;
	destroy(obj);
}

static void sa_destroy(void *obj);

/*
 * The SA's key object travels with it: both are freed by one destroy. The box holds the
 * salt and the key pointer, so it lives in key memory too (locked, not dumped, wiped).
 */
struct sa_box {
	struct macsec_sa sa;
	const struct macsec_aead_engine *aead;
};

static void sa_destroy(void *obj)
{
	struct sa_box *b = obj;

	b->aead->key_free((struct macsec_aead_key *)b->sa.key);
	macsec_keymem_free(b);     /* wipes */
}

#define RX_SC_N_U64 (sizeof(struct macsec_rx_sc_stats) / sizeof(uint64_t))

/* Add @p add - @p minus (NULL: 0) to the SecY's removed-SC counters. */
static void rx_sc_removed_add(struct macsec_secy *secy, const struct macsec_rx_sc_stats *add,
			      const struct macsec_rx_sc_stats *minus)
{
	uint64_t *to = (uint64_t *)&secy->rx_sc_removed;
	const uint64_t *a = (const uint64_t *)add, *m = (const uint64_t *)minus;

	for (size_t i = 0; i < RX_SC_N_U64; i++)
		__atomic_add_fetch(&to[i], a[i] - (m != NULL ? m[i] : 0), __ATOMIC_RELAXED);
}

/* After the grace period: nothing counts on the SC any more, so its last frames go in too. */
static void rx_sc_destroy(void *obj)
{
	struct macsec_rx_sc *sc = obj;
	struct macsec_rx_sc_stats fin;

	if (sc->secy != NULL) {
		macsec_rx_sc_stats_sum(sc, &fin);
		rx_sc_removed_add(sc->secy, &fin, &sc->taken);
	}
	free(sc);
}

static void retire(struct macsec_secy *secy, void *obj, void (*destroy)(void *))
{
	if (obj != NULL)
		secy->reclaim.defer(secy->reclaim.ctx, obj, destroy);
}

int macsec_secy_create(struct macsec_secy **out, const struct macsec_secy_conf *conf,
		       const struct macsec_aead_engine *aead, const struct macsec_reclaim *reclaim)
{
	struct macsec_secy *secy;
	struct macsec_rx_sc_table *t;
	int rc = macsec_secy_conf_check(conf, NULL);

	if (rc < 0)
		return rc;
	if (aead == NULL)
		return -EINVAL;
	secy = aligned_alloc(MACSEC_CACHE_LINE, (sizeof(*secy) + MACSEC_CACHE_LINE - 1) &
						~(size_t)(MACSEC_CACHE_LINE - 1));
	t = calloc(1, sizeof(*t));
	if (secy == NULL || t == NULL) {
		free(secy);
		free(t);
		return -ENOMEM;
	}
	memset(secy, 0, sizeof(*secy));
	secy->conf = *conf;
	secy->aead = aead;
	if (reclaim != NULL && reclaim->defer != NULL)
		secy->reclaim = *reclaim;
	else
		secy->reclaim.defer = reclaim_now;
	secy->sectag_len = conf->include_sci ? MACSEC_SECTAG_LEN_SCI : MACSEC_SECTAG_LEN_NOSCI;
	secy->key_len = (uint8_t)macsec_cs_key_len(conf->cipher_suite);
	secy->xpn = macsec_cs_is_xpn(conf->cipher_suite);
	secy->tx_tci = (uint8_t)((conf->include_sci ? MACSEC_TCI_SC : 0) |
				 (conf->use_es ? MACSEC_TCI_ES : 0) |
				 (conf->use_scb ? MACSEC_TCI_SCB : 0) |
				 (conf->encrypt ? MACSEC_TCI_E | MACSEC_TCI_C : 0));
	secy->tx_plain = conf->encrypt && conf->confidentiality_offset == 0 &&
			 conf->vlan_tags_in_clear == 0 && !conf->use_es;   /* ES: per frame, tx_build */
	secy->rx_scs = t;
	*out = secy;
	return 0;
}

void macsec_secy_destroy(struct macsec_secy *secy)
{
	struct macsec_rx_sc_table *t;

	if (secy == NULL)
		return;
	for (unsigned int an = 0; an < MACSEC_NUM_AN; an++)
		if (secy->tx_sa[an] != NULL)
			sa_destroy(secy->tx_sa[an]);
	t = secy->rx_scs;
	for (uint32_t i = 0; i < t->n; i++) {
		for (unsigned int an = 0; an < MACSEC_NUM_AN; an++)
			if (t->sc[i]->sa[an] != NULL)
				sa_destroy(t->sc[i]->sa[an]);
		rx_sc_destroy(t->sc[i]);
	}
	free(t);
	free(secy);
}

/* Prepare an SA: expand the key; nothing is published yet. */
static int sa_prepare(struct macsec_secy *secy, const struct macsec_sa_params *p, bool tx,
		      struct macsec_sa **out)
{
	struct macsec_aead_key *key = NULL;
	struct sa_box *b;
	int rc;

	if (p->an >= MACSEC_NUM_AN)
		return -EINVAL;
	if (p->key_len != secy->key_len)
		return -EKEYREJECTED;
	if (p->pn == 0 || (!secy->xpn && p->pn > MACSEC_PN32_MAX) ||
	    (secy->xpn && p->pn > MACSEC_XPN_MAX))
		return -ERANGE;
	rc = secy->aead->key_init(&key, p->key, p->key_len);
	if (rc < 0)
		return rc;
	_Static_assert(MACSEC_KEYMEM_ALIGN % MACSEC_CACHE_LINE == 0, "SA alignment");
	b = macsec_keymem_alloc(sizeof(*b));     /* zeroed, cache-line aligned */
	if (b == NULL) {
		secy->aead->key_free(key);
		return -ENOMEM;
	}
	b->aead = secy->aead;
	b->sa.key = key;
	b->sa.an = p->an;
	b->sa.xpn = secy->xpn;
	b->sa.next_pn = p->pn;
	b->sa.pn_max = secy->xpn ? MACSEC_XPN_MAX : MACSEC_PN32_MAX;
	b->sa.pn_threshold = tx ? (secy->xpn ? MACSEC_XPN_THRESHOLD : MACSEC_PN32_THRESHOLD)
				: UINT64_MAX;
	b->sa.ssci = p->ssci;
	memcpy(b->sa.salt, p->salt, sizeof(b->sa.salt));
	b->sa.active = p->active;
	*out = &b->sa;
	return 0;
}

int macsec_secy_tx_sa_install(struct macsec_secy *secy, const struct macsec_sa_params *p)
{
	struct macsec_sa *sa, *old;
	int rc = sa_prepare(secy, p, true, &sa);

	if (rc < 0)
		return rc;
	old = __atomic_exchange_n(&secy->tx_sa[p->an], sa, __ATOMIC_RELEASE);
	retire(secy, old, sa_destroy);
	return 0;
}

int macsec_secy_tx_sa_remove(struct macsec_secy *secy, uint8_t an)
{
	struct macsec_sa *old;

	if (an >= MACSEC_NUM_AN)
		return -EINVAL;
	old = __atomic_exchange_n(&secy->tx_sa[an], NULL, __ATOMIC_RELEASE);
	if (old == NULL)
		return -ENOENT;
	retire(secy, old, sa_destroy);
	return 0;
}

int macsec_secy_tx_set_encoding_an(struct macsec_secy *secy, uint8_t an)
{
	if (an >= MACSEC_NUM_AN)
		return -EINVAL;
	__atomic_store_n(&secy->encoding_an, an, __ATOMIC_RELEASE);
	return 0;
}

/* Publish a copy of the SC table with one SC added or removed. */
static int rx_table_replace(struct macsec_secy *secy, struct macsec_rx_sc *add, uint64_t del_sci,
			    struct macsec_rx_sc **removed)
{
	struct macsec_rx_sc_table *old = secy->rx_scs, *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -ENOMEM;
	for (uint32_t i = 0; i < old->n; i++) {
		if (add == NULL && old->sci[i] == del_sci) {
			*removed = old->sc[i];
			continue;
		}
		t->sci[t->n] = old->sci[i];
		t->sc[t->n++] = old->sc[i];
	}
	if (add != NULL) {
		t->sci[t->n] = add->sci;
		t->sc[t->n++] = add;
	}
	__atomic_store_n(&secy->rx_scs, t, __ATOMIC_RELEASE);
	retire(secy, old, free);
	return 0;
}

int macsec_secy_rx_sc_add(struct macsec_secy *secy, uint64_t sci)
{
	struct macsec_rx_sc *sc;
	int rc;

	if (macsec_rx_sc_table_find(secy->rx_scs, sci) != NULL)
		return -EEXIST;
	if (secy->rx_scs->n >= MACSEC_MAX_RX_SC)
		return -ENOSPC;
	sc = aligned_alloc(MACSEC_CACHE_LINE, (sizeof(*sc) + MACSEC_CACHE_LINE - 1) &
					      ~(size_t)(MACSEC_CACHE_LINE - 1));
	if (sc == NULL)
		return -ENOMEM;
	memset(sc, 0, sizeof(*sc));
	sc->sci = sci;
	sc->active = 1;
	sc->secy = secy;
	rc = rx_table_replace(secy, sc, 0, NULL);
	if (rc < 0)
		free(sc);
	return rc;
}

int macsec_secy_rx_sc_remove(struct macsec_secy *secy, uint64_t sci)
{
	struct macsec_rx_sc *sc = NULL;
	int rc;

	if (macsec_rx_sc_table_find(secy->rx_scs, sci) == NULL)
		return -ENOENT;
	rc = rx_table_replace(secy, NULL, sci, &sc);
	if (rc < 0)
		return rc;
	/* Its counts move to the SecY's removed-SC totals now, so the totals do not dip while
	 * the grace period runs; what workers still count on it is added at destroy. */
	macsec_rx_sc_stats_sum(sc, &sc->taken);
	rx_sc_removed_add(secy, &sc->taken, NULL);
	for (unsigned int an = 0; an < MACSEC_NUM_AN; an++)
		retire(secy, sc->sa[an], sa_destroy);
	retire(secy, sc, rx_sc_destroy);
	return 0;
}

int macsec_secy_rx_sa_install(struct macsec_secy *secy, uint64_t sci, const struct macsec_sa_params *p)
{
	struct macsec_rx_sc *sc = macsec_rx_sc_table_find(secy->rx_scs, sci);
	struct macsec_sa *sa, *old;
	int rc;

	if (sc == NULL)
		return -ENOENT;
	rc = sa_prepare(secy, p, false, &sa);
	if (rc < 0)
		return rc;
	old = __atomic_exchange_n(&sc->sa[p->an], sa, __ATOMIC_RELEASE);
	retire(secy, old, sa_destroy);
	return 0;
}

int macsec_secy_rx_sa_remove(struct macsec_secy *secy, uint64_t sci, uint8_t an)
{
	struct macsec_rx_sc *sc = macsec_rx_sc_table_find(secy->rx_scs, sci);
	struct macsec_sa *old;

	if (sc == NULL || an >= MACSEC_NUM_AN)
		return -ENOENT;
	old = __atomic_exchange_n(&sc->sa[an], NULL, __ATOMIC_RELEASE);
	if (old == NULL)
		return -ENOENT;
	retire(secy, old, sa_destroy);
	return 0;
}

int macsec_secy_rx_sa_set_active(struct macsec_secy *secy, uint64_t sci, uint8_t an, bool on)
{
	struct macsec_rx_sc *sc = macsec_rx_sc_table_find(secy->rx_scs, sci);

	if (sc == NULL || an >= MACSEC_NUM_AN || sc->sa[an] == NULL)
		return -ENOENT;
	__atomic_store_n(&sc->sa[an]->active, on ? 1 : 0, __ATOMIC_RELEASE);
	return 0;
}

int macsec_secy_tx_sa_set_active(struct macsec_secy *secy, uint8_t an, bool on)
{
	if (an >= MACSEC_NUM_AN || secy->tx_sa[an] == NULL)
		return -ENOENT;
	__atomic_store_n(&secy->tx_sa[an]->active, on ? 1 : 0, __ATOMIC_RELEASE);
	return 0;
}

int macsec_secy_tx_sa_next_pn(const struct macsec_secy *secy, uint8_t an, uint64_t *next_pn)
{
	const struct macsec_sa *sa = an < MACSEC_NUM_AN ? secy->tx_sa[an] : NULL;

	if (sa == NULL)
		return -ENOENT;
	/* A fetch-add may have overshot the end: the SA never sends past pn_max. */
	{
		uint64_t n = __atomic_load_n(&sa->next_pn, __ATOMIC_ACQUIRE);

		*next_pn = n < sa->pn_max + 1 ? n : sa->pn_max + 1;
	}
	return 0;
}

int macsec_secy_rx_sa_raise_next_pn(struct macsec_secy *secy, uint64_t sci, uint8_t an,
				    uint64_t next_pn)
{
	struct macsec_rx_sc *sc = macsec_rx_sc_table_find(secy->rx_scs, sci);
	struct macsec_sa *sa;
	uint64_t cur;

	if (sc == NULL || an >= MACSEC_NUM_AN || (sa = sc->sa[an]) == NULL)
		return -ENOENT;
	cur = __atomic_load_n(&sa->next_pn, __ATOMIC_ACQUIRE);
	while (cur < next_pn &&
	       !__atomic_compare_exchange_n(&sa->next_pn, &cur, next_pn, true, __ATOMIC_RELEASE,
					    __ATOMIC_ACQUIRE))
		;
	return 0;
}

void macsec_secy_set_protection(struct macsec_secy *secy, bool protect_frames,
				enum macsec_validate validate_frames)
{
	__atomic_store_n(&secy->conf.protect_frames, protect_frames, __ATOMIC_RELEASE);
	__atomic_store_n(&secy->conf.validate_frames, validate_frames, __ATOMIC_RELEASE);
}

const struct macsec_rx_sc_table *macsec_secy_rx_scs(const struct macsec_secy *secy)
{
	return __atomic_load_n(&secy->rx_scs, __ATOMIC_ACQUIRE);
}

/* Sum n per-worker blocks of uint64_t counters; every stats struct is only uint64_t. */
static void sum_u64(uint64_t *out, const void *blocks, size_t block_size, size_t n_u64)
{
	memset(out, 0, n_u64 * sizeof(uint64_t));
	for (unsigned int w = 0; w < MACSEC_MAX_WORKERS; w++) {
		const uint64_t *b = (const uint64_t *)((const uint8_t *)blocks + w * block_size);

		for (size_t i = 0; i < n_u64; i++)
			out[i] += __atomic_load_n(&b[i], __ATOMIC_RELAXED);
	}
}

#define SUM_STATS(out, arr) \
	sum_u64((uint64_t *)(out), (arr), sizeof((arr)[0]), sizeof(*(out)) / sizeof(uint64_t))

void macsec_secy_stats_sum(const struct macsec_secy *secy, struct macsec_secy_stats *out)
{
	SUM_STATS(out, secy->stats);
}

void macsec_rx_sc_stats_sum(const struct macsec_rx_sc *sc, struct macsec_rx_sc_stats *out)
{
	SUM_STATS(out, sc->stats);
}

void macsec_secy_rx_sc_totals(const struct macsec_secy *secy, struct macsec_rx_sc_stats *out)
{
	const struct macsec_rx_sc_table *t = macsec_secy_rx_scs(secy);
	const uint64_t *r = (const uint64_t *)&secy->rx_sc_removed;
	uint64_t *o = (uint64_t *)out;
	struct macsec_rx_sc_stats one;

	for (size_t i = 0; i < RX_SC_N_U64; i++)
		o[i] = __atomic_load_n(&r[i], __ATOMIC_RELAXED);
	for (uint32_t k = 0; k < t->n; k++) {
		const uint64_t *c = (const uint64_t *)&one;

		macsec_rx_sc_stats_sum(t->sc[k], &one);
		for (size_t i = 0; i < RX_SC_N_U64; i++)
			o[i] += c[i];
	}
}

void macsec_rx_sa_stats_sum(const struct macsec_sa *sa, struct macsec_rx_sa_stats *out)
{
	SUM_STATS(out, sa->stats.rx);
}

void macsec_tx_sa_stats_sum(const struct macsec_sa *sa, struct macsec_tx_sa_stats *out)
{
	SUM_STATS(out, sa->stats.tx);
}

int macsec_lcore_init(struct macsec_lcore *lc, unsigned int worker,
		      const struct macsec_aead_engine *aead, uint32_t max_frame)
{
	int rc;

	if (worker >= MACSEC_MAX_WORKERS)
		return -EINVAL;
	memset(lc, 0, sizeof(*lc));
	lc->worker = worker;
	lc->aead = aead;
	lc->bounce_len = max_frame;
	lc->bounce = malloc(max_frame);
	if (lc->bounce == NULL)
		return -ENOMEM;
	rc = aead->lcore_init(&lc->aead_lctx);
	if (rc < 0) {
		free(lc->bounce);
		lc->bounce = NULL;
	}
	return rc;
}

void macsec_lcore_fini(struct macsec_lcore *lc)
{
	if (lc->aead != NULL && lc->aead_lctx != NULL)
		lc->aead->lcore_free(lc->aead_lctx);
	if (lc->bounce != NULL) {
		macsec_wipe(lc->bounce, lc->bounce_len);
		free(lc->bounce);
	}
	memset(lc, 0, sizeof(*lc));
}
