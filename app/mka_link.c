/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MKA on the control lcore: one lib/mka participant per link with key_agreement: mka, its
 * SecY operations on lib/macsec, MKPDUs in from the workers' EAPOL ring and out through the
 * link's control TX ring (a worker sends them), PN threshold signals, status and counters.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "gw.h"
#include "mka.h"
#include "pn.h"

struct gw_mka_link {
	struct gw *gw;
	struct gw_link *l;
	struct mka_participant *p;
	uint64_t next_tick_ms;
	const struct macsec_sa *threshold_told;  /* TX SA whose PN threshold MKA has heard of */
	bool was_secured;
	uint32_t last_kn;
	uint8_t last_ks_mi[MKA_MI_LEN];
	int8_t port_state;                       /* last Controlled Port state logged, -1 none */
	struct mka_ki refused_ki;                /* last SAK refused by key_check(), logged once */
	uint64_t mkpdu_out_drops;                /* no mbuf, or the control TX ring was full */
	uint64_t mkpdu_out_too_long;
};

uint64_t gw_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* lib/macsec and lib/mka number the four suites alike (802.1AE Table 14-1 order). */
static enum macsec_cipher_suite cs_to_macsec(enum mka_cipher_suite cs)
{
	return (enum macsec_cipher_suite)cs;
}

static uint8_t offset_to_mka(const struct macsec_secy_conf *c)
{
	if (!c->encrypt)
		return MKA_CO_NONE;
	return c->confidentiality_offset == 50 ? MKA_CO_50 :
	       c->confidentiality_offset == 30 ? MKA_CO_30 : MKA_CO_0;
}

/* ---- SecY operations on lib/macsec (called from mka_participant_rx/_tick/_destroy) ---- */

static int op_rx_sc_create(void *ctx, uint64_t sci)
{
	struct gw_mka_link *m = ctx;
	int rc = macsec_secy_rx_sc_add(m->l->secy, sci);

	return rc == -EEXIST ? 0 : rc;
}

static int op_rx_sc_delete(void *ctx, uint64_t sci)
{
	struct gw_mka_link *m = ctx;

	return macsec_secy_rx_sc_remove(m->l->secy, sci);
}

/* Table 11-6's Confidentiality Offset codes as an operator reads them. */
static const char *offset_name(uint8_t co)
{
	switch (co) {
	case MKA_CO_NONE: return "integrity only";
	case MKA_CO_0: return "encrypted, offset 0";
	case MKA_CO_30: return "encrypted, offset 30";
	case MKA_CO_50: return "encrypted, offset 50";
	default: return "an unknown offset";
	}
}

/*
 * An SA of another suite or offset than this SecY's cannot be used (docs/operator-guide.md).
 * MKA retries the install on every tick: each refusal counts (secy-errors), the log names
 * each refused key once.
 */
static int key_check(struct gw_mka_link *m, const struct mka_sa_key *k)
{
	const struct macsec_secy_conf *c = &m->l->secy->conf;

	if (cs_to_macsec(k->cs) != c->cipher_suite || k->conf_offset != offset_to_mka(c)) {
		if (k->ki.kn != m->refused_ki.kn ||
		    memcmp(k->ki.mi, m->refused_ki.mi, MKA_MI_LEN) != 0) {
			m->refused_ki = k->ki;
			RTE_LOG(WARNING, USER1, "link %s: the key server's SAK (key number %u) is %s, "
				"%s; this SecY is configured %s, %s: SA refused, the link stays "
				"unsecured until both ends are configured alike\n", m->l->conf->name,
				k->ki.kn, mka_cs_name(k->cs), offset_name(k->conf_offset),
				macsec_cs_name(c->cipher_suite), offset_name(offset_to_mka(c)));
		}
		return -EPROTONOSUPPORT;
	}
	return 0;
}

static void sa_params_from(struct macsec_sa_params *p, uint8_t an, const struct mka_sa_key *k,
			   uint64_t pn)
{
	memset(p, 0, sizeof(*p));
	p->an = an;
	p->key_len = k->key_len;
	memcpy(p->key, k->key, k->key_len);
	p->pn = pn;
	p->ssci = k->ssci;
	memcpy(p->salt, k->salt, sizeof(p->salt));
	p->active = false;
}

/* MKA speaks of the lowest acceptable PN; lib/macsec keeps nextPN (lowest = next - window). */
static uint64_t rx_next_from_lowest(const struct macsec_secy *s, uint64_t lowest)
{
	uint64_t next = lowest + s->conf.replay_window, max = s->xpn ? MACSEC_XPN_MAX : 0xFFFFFFFFull;

	if (lowest <= 1)
		next = 1 + (uint64_t)s->conf.replay_window;
	return next > max ? max : next;
}

static int op_rx_sa_install(void *ctx, uint64_t sci, uint8_t an, const struct mka_sa_key *k,
			    uint64_t lowest_pn)
{
	struct gw_mka_link *m = ctx;
	struct macsec_sa_params p;
	int rc = key_check(m, k);

	if (rc < 0)
		return rc;
	sa_params_from(&p, an, k, rx_next_from_lowest(m->l->secy, lowest_pn));
	rc = macsec_secy_rx_sa_install(m->l->secy, sci, &p);
	macsec_wipe(&p, sizeof(p));
	return rc;
}

static int op_rx_sa_enable(void *ctx, uint64_t sci, uint8_t an, bool enable)
{
	struct gw_mka_link *m = ctx;

	return macsec_secy_rx_sa_set_active(m->l->secy, sci, an, enable);
}

static int op_rx_sa_delete(void *ctx, uint64_t sci, uint8_t an)
{
	struct gw_mka_link *m = ctx;
	int rc = macsec_secy_rx_sa_remove(m->l->secy, sci, an);

	return rc == -ENOENT ? 0 : rc;
}

static int op_tx_sa_install(void *ctx, uint8_t an, const struct mka_sa_key *k, uint64_t next_pn)
{
	struct gw_mka_link *m = ctx;
	struct macsec_sa_params p;
	int rc = key_check(m, k);

	if (rc < 0)
		return rc;
	sa_params_from(&p, an, k, next_pn);
	rc = macsec_secy_tx_sa_install(m->l->secy, &p);
	macsec_wipe(&p, sizeof(p));
	return rc;
}

static int op_tx_sa_enable(void *ctx, uint8_t an, bool enable)
{
	struct gw_mka_link *m = ctx;

	return macsec_secy_tx_sa_set_active(m->l->secy, an, enable);
}

static int op_tx_set_encoding_an(void *ctx, uint8_t an)
{
	struct gw_mka_link *m = ctx;

	return macsec_secy_tx_set_encoding_an(m->l->secy, an);
}

static int op_tx_sa_delete(void *ctx, uint8_t an)
{
	struct gw_mka_link *m = ctx;
	int rc = macsec_secy_tx_sa_remove(m->l->secy, an);

	return rc == -ENOENT ? 0 : rc;
}

static int op_tx_sa_get_next_pn(void *ctx, uint8_t an, uint64_t *next_pn)
{
	struct gw_mka_link *m = ctx;

	return macsec_secy_tx_sa_next_pn(m->l->secy, an, next_pn);
}

static int op_rx_sa_set_lowest_pn(void *ctx, uint64_t sci, uint8_t an, uint64_t lowest_pn)
{
	struct gw_mka_link *m = ctx;

	return macsec_secy_rx_sa_raise_next_pn(m->l->secy, sci, an,
					       rx_next_from_lowest(m->l->secy, lowest_pn));
}

/*
 * The Controlled Port: closed, nothing passes either way (must-secure before it is
 * secured); open in clear (should-secure without a secure peer): frames pass unprotected
 * and untagged frames are accepted; open and protected: the configured validateFrames.
 */
static int op_port_set(void *ctx, const struct mka_port_ctl *ctl)
{
	struct gw_mka_link *m = ctx;
	struct gw_link *l = m->l;

	if (ctl->controlled_port_enabled && ctl->protect_frames)
		macsec_secy_set_protection(l->secy, true, l->conf->secy.validate_frames);
	else if (ctl->controlled_port_enabled)
		macsec_secy_set_protection(l->secy, false, MACSEC_VALIDATE_CHECK);
	else
		macsec_secy_set_protection(l->secy, true, MACSEC_VALIDATE_STRICT);
	__atomic_store_n(&l->port_enabled, ctl->controlled_port_enabled ? 1 : 0, __ATOMIC_RELEASE);
	{
		int8_t now = (int8_t)(ctl->controlled_port_enabled ? 1 + !ctl->protect_frames : 0);

		if (now == m->port_state)
			return 0;
		m->port_state = now;
	}
	RTE_LOG(INFO, USER1, "link %s: controlled port %s%s\n", l->conf->name,
		ctl->controlled_port_enabled ? "open" : "closed",
		ctl->controlled_port_enabled && !ctl->protect_frames ? " (unprotected)" : "");
	return 0;
}

static const struct mka_secy_ops gw_mka_secy_ops = {
	.rx_sc_create = op_rx_sc_create,
	.rx_sc_delete = op_rx_sc_delete,
	.rx_sa_install = op_rx_sa_install,
	.rx_sa_enable = op_rx_sa_enable,
	.rx_sa_delete = op_rx_sa_delete,
	.tx_sa_install = op_tx_sa_install,
	.tx_sa_enable = op_tx_sa_enable,
	.tx_set_encoding_an = op_tx_set_encoding_an,
	.tx_sa_delete = op_tx_sa_delete,
	.tx_sa_get_next_pn = op_tx_sa_get_next_pn,
	.rx_sa_set_lowest_pn = op_rx_sa_set_lowest_pn,
	.port_set = op_port_set,
};

/* An MKPDU out: copied into an mbuf and handed to the worker that sends on this port. */
static int mka_send(void *ctx, const uint8_t *frame, size_t len)
{
	struct gw_mka_link *m = ctx;
	struct rte_mbuf *mb;
	char *d;

	if (len > RTE_MBUF_DEFAULT_DATAROOM) {
		m->mkpdu_out_too_long++;
		return -EMSGSIZE;
	}
	mb = rte_pktmbuf_alloc(m->gw->pool);
	if (mb == NULL || (d = rte_pktmbuf_append(mb, (uint16_t)len)) == NULL) {
		rte_pktmbuf_free(mb);
		m->mkpdu_out_drops++;
		return -ENOBUFS;
	}
	memcpy(d, frame, len);
	if (rte_ring_enqueue(m->l->ctrl_tx_ring, mb) != 0) {
		rte_pktmbuf_free(mb);
		m->mkpdu_out_drops++;
		return -ENOBUFS;
	}
	return 0;
}

int gw_mka_link_init(struct gw *gw, struct gw_link *l, char *err, size_t err_len)
{
	const struct gw_mka_conf *k = &l->conf->mka;
	struct mka_config c;
	struct gw_mka_link *m = calloc(1, sizeof(*m));
	int rc;

	if (m == NULL) {
		snprintf(err, err_len, "link %s: MKA: out of memory", l->conf->name);
		return -ENOMEM;
	}
	m->gw = gw;
	m->l = l;
	m->port_state = -1;
	memset(&c, 0, sizeof(c));
	memcpy(c.cak, k->cak, k->cak_len);
	c.cak_len = k->cak_len;
	memcpy(c.ckn, k->ckn, k->ckn_len);
	c.ckn_len = k->ckn_len;
	c.sci = l->secy->conf.sci;
	memcpy(c.src_mac, l->prot_mac.addr_bytes, 6);
	c.key_server_priority = k->key_server_priority;
	c.cipher_suite = (enum mka_cipher_suite)l->secy->conf.cipher_suite;
	c.conf_offset = offset_to_mka(&l->secy->conf);
	c.policy = k->policy == GW_MKA_SHOULD_SECURE ? MKA_POLICY_SHOULD_SECURE :
						       MKA_POLICY_MUST_SECURE;
	c.capability = MKA_CAP_CONF_0_30_50;
	c.hello_time_ms = k->hello_time_ms;
	c.life_time_ms = k->life_time_ms;
	c.rekey_interval_ms = (uint64_t)k->sak_rekey_interval_s * 1000u;
	c.eapol_ethertype = k->eapol_ethertype;
	memcpy(c.eapol_dst, k->eapol_dest, 6);
	c.vlan = k->eapol_vlan != 0;
	c.vlan_tci = k->eapol_vlan;
	c.icv_indicator = true;
	c.announce = true;
	c.send_frame = mka_send;
	c.cb_ctx = m;
	c.secy = &gw_mka_secy_ops;
	c.secy_ctx = m;
	/* Closed until MKA opens it (must-secure), or until it decides (should-secure). */
	l->port_enabled = 0;
	rc = mka_participant_create(&m->p, &c, gw_now_ms());
	macsec_wipe(&c, sizeof(c));
	if (rc < 0) {
		snprintf(err, err_len, "link %s: MKA participant: %s", l->conf->name, strerror(-rc));
		free(m);
		return rc;
	}
	l->mka = m;
	memcpy(l->mka_ckn, k->ckn, k->ckn_len);
	l->mka_ckn_len = k->ckn_len;
	RTE_LOG(INFO, USER1, "link %s: MKA on EtherType 0x%04x to %02x:%02x:%02x:%02x:%02x:%02x, "
		"priority %u, %s\n", l->conf->name, k->eapol_ethertype, k->eapol_dest[0],
		k->eapol_dest[1], k->eapol_dest[2], k->eapol_dest[3], k->eapol_dest[4],
		k->eapol_dest[5], k->key_server_priority,
		k->policy == GW_MKA_SHOULD_SECURE ? "should-secure" : "must-secure");
	return 0;
}

void gw_mka_link_fini(struct gw_link *l)
{
	if (l->mka == NULL)
		return;
	mka_participant_destroy(l->mka->p);   /* deletes its SAs and wipes every key */
	free(l->mka);
	l->mka = NULL;
}

/* Log what an operator wants to see: secured or not, and every rekey with its reason. */
static void mka_log_changes(struct gw_mka_link *m, uint64_t now)
{
	struct mka_status st;

	mka_participant_status(m->p, now, &st);
	/* The workers' known-peer filter: live and potential peers' SCIs (a slot at a time;
	 * a worker reading mid-update only sends a frame to the other ring). */
	_Static_assert(GW_KNOWN_PEERS >= MKA_MAX_PEERS, "every peer MKA tracks fits");
	for (unsigned int i = 0; i < GW_KNOWN_PEERS; i++) {
		uint64_t sci = i < st.n_live + st.n_potential && i < MKA_MAX_PEERS ? st.peer[i].sci : 0;

		if (__atomic_load_n(&m->l->known_peer_sci[i], __ATOMIC_RELAXED) != sci)
			__atomic_store_n(&m->l->known_peer_sci[i], sci, __ATOMIC_RELAXED);
	}
	if (st.secured != m->was_secured)
		RTE_LOG(INFO, USER1, "link %s: MKA %s (key server %016llx%s, %u live peer(s))\n",
			m->l->conf->name, st.secured ? "secured" : "not secured",
			(unsigned long long)st.key_server_sci, st.key_server ? ", us" : "",
			st.n_live);
	if (st.latest.valid && (st.latest.ki.kn != m->last_kn ||
				memcmp(st.latest.ki.mi, m->last_ks_mi, MKA_MI_LEN) != 0)) {
		RTE_LOG(INFO, USER1, "link %s: MKA SAK key number %u on AN %u%s%s\n",
			m->l->conf->name, st.latest.ki.kn, st.latest.an,
			st.key_server ? ", distributed: " : "",
			st.key_server ? mka_rekey_reason_name(st.last_rekey_reason) : "");
		m->last_kn = st.latest.ki.kn;
		memcpy(m->last_ks_mi, st.latest.ki.mi, MKA_MI_LEN);
	}
	m->was_secured = st.secured;
}

/* A transmit SA past its PN threshold: tell MKA once per SA (the worker raised the flag). */
static bool mka_pn_check(struct gw_mka_link *m)
{
	const struct macsec_secy *s = m->l->secy;
	const struct macsec_sa *sa = s->tx_sa[__atomic_load_n(&s->encoding_an, __ATOMIC_ACQUIRE)];

	if (sa == NULL || sa == m->threshold_told ||
	    !(__atomic_load_n(&sa->threshold_hit, __ATOMIC_ACQUIRE) ||
	      __atomic_load_n(&sa->exhausted, __ATOMIC_ACQUIRE)))
		return false;
	m->threshold_told = sa;
	return true;
}

void gw_mka_link_poll(struct gw_link *l, struct rte_mbuf **frames, unsigned int n)
{
	struct gw_mka_link *m = l->mka;
	uint64_t now = gw_now_ms();
	bool run = n != 0;

	for (unsigned int i = 0; i < n; i++) {
		struct rte_mbuf *f = frames[i];

		/* The ring carries single-segment frames only (workers linearise nothing). */
		if (f->nb_segs == 1)
			(void)mka_participant_rx(m->p, rte_pktmbuf_mtod(f, const uint8_t *),
						 f->data_len, now);
		rte_pktmbuf_free(f);
	}
	if (mka_pn_check(m)) {
		mka_participant_pn_threshold(m->p, now);
		run = true;
	}
	if (run || now >= m->next_tick_ms) {
		m->next_tick_ms = mka_participant_tick(m->p, now);
		mka_log_changes(m, now);
	}
}

int gw_mka_link_rekey(struct gw_link *l)
{
	uint64_t now = gw_now_ms();
	int rc;

	if (l->mka == NULL)
		return -ENOTSUP;
	rc = mka_participant_rekey(l->mka->p, now);
	if (rc == 0) {
		l->mka->next_tick_ms = mka_participant_tick(l->mka->p, now);
		mka_log_changes(l->mka, now);
	}
	return rc;
}

static json_t *hex_bytes(const uint8_t *b, size_t n)
{
	char s[2 * 64 + 1];

	for (size_t i = 0; i < n && i < 64; i++)
		snprintf(s + 2 * i, 3, "%02x", b[i]);
	s[2 * (n < 64 ? n : 64)] = '\0';
	return json_string(s);
}

static json_t *hex64(uint64_t v)
{
	char s[17];

	snprintf(s, sizeof(s), "%016llx", (unsigned long long)v);
	return json_string(s);
}

static json_t *key_json(const struct mka_key_status *k)
{
	if (!k->valid)
		return json_null();
	return json_pack("{s:o,s:I,s:i,s:b,s:b}", "key_server_mi", hex_bytes(k->ki.mi, MKA_MI_LEN),
			 "key_number", (json_int_t)k->ki.kn, "an", k->an, "tx", k->tx, "rx", k->rx);
}

/* The MKA session of one link, as `show mka sessions detail` has it; no key material. */
json_t *gw_mka_link_json(struct gw_link *l)
{
	struct gw_mka_link *m = l->mka;
	struct mka_counter_kv kv[128];
	struct mka_status st;
	json_t *peers, *ctr, *o;
	size_t n;

	if (m == NULL)
		return json_null();
	peers = json_array();
	ctr = json_object();
	mka_participant_status(m->p, gw_now_ms(), &st);
	for (uint32_t i = 0; i < st.n_live + st.n_potential && i < MKA_MAX_PEERS; i++) {
		const struct mka_peer_status *p = &st.peer[i];

		json_array_append_new(peers, json_pack("{s:o,s:o,s:I,s:i,s:b,s:b,s:I}",
			"sci", hex64(p->sci), "mi", hex_bytes(p->mi, MKA_MI_LEN), "mn", (json_int_t)p->mn,
			"priority", p->priority, "live", p->live, "key_server", p->key_server,
			"expires_in_ms", (json_int_t)p->expires_in_ms));
	}
	n = mka_counters_list(mka_participant_counters(m->p), kv, sizeof(kv) / sizeof(kv[0]));
	for (size_t i = 0; i < n; i++)
		json_object_set_new(ctr, kv[i].name, json_integer((json_int_t)kv[i].value));
	json_object_set_new(ctr, "out-mkpdu-drops", json_integer((json_int_t)m->mkpdu_out_drops));
	o = json_pack("{s:s,s:o,s:o,s:o,s:I,s:i,s:b,s:o,s:i,s:s,s:b,s:b,s:b,s:s,s:o,s:o,"
		      "s:i,s:i,s:o,s:I,s:s,s:o,s:o}",
		"link", l->conf->name, "ckn", hex_bytes(st.ckn, st.ckn_len), "sci", hex64(st.sci),
		"mi", hex_bytes(st.mi, MKA_MI_LEN), "mn", (json_int_t)st.mn, "priority", st.priority,
		"key_server", st.key_server,
		"key_server_sci", st.principal ? hex64(st.key_server_sci) : json_null(),
		"key_server_priority", st.key_server_priority, "cp_state",
		mka_cp_state_name(st.cp_state), "secured", st.secured,
		"controlled_port_enabled", st.controlled_port_enabled, "protect_frames",
		st.protect_frames, "cipher_suite", mka_cs_name(st.cipher_suite),
		"latest_key", key_json(&st.latest), "old_key", key_json(&st.old),
		"live_peers", st.n_live, "potential_peers", st.n_potential, "peers", peers,
		"rekeys", (json_int_t)st.rekey_count,
		"last_rekey_reason", mka_rekey_reason_name(st.last_rekey_reason),
		"next_rekey_in_ms", st.next_rekey_in_ms == MKA_NO_DEADLINE ? json_null() :
			json_integer((json_int_t)st.next_rekey_in_ms),
		"counters", ctr);
	return o;
}
