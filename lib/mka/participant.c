/* SPDX-License-Identifier: BSD-3-Clause */
/* An MKA participant (802.1X-2020 9.4): MI/MN, live and potential peers, MKPDUs in and out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "be.h"
#include "keymem.h"
#include "mka_crypto.h"
#include "participant_i.h"

static const uint8_t pae_group_addr[6] = { 0x01, 0x80, 0xC2, 0x00, 0x00, 0x03 };

int mka_random(struct mka_participant *p, uint8_t *buf, size_t len)
{
	if (p->cfg.random)
		return p->cfg.random(p->cfg.cb_ctx, buf, len);
	return RAND_priv_bytes(buf, (int)len) == 1 ? 0 : -EIO;
}

uint64_t mka_pn_threshold(const struct mka_participant *p, enum mka_cipher_suite cs)
{
	if (p->cfg.pn_threshold)
		return p->cfg.pn_threshold;
	return mka_cs_is_xpn(cs) ? MKA_XPN_PN_THRESHOLD : MKA_PN_THRESHOLD;
}

struct mka_peer *mka_peer_by_mi(struct mka_participant *p, const uint8_t *mi)
{
	for (unsigned int i = 0; i < MKA_MAX_PEERS; i++)
		if (p->peer[i].state != MKA_PEER_NONE && memcmp(p->peer[i].mi, mi, MKA_MI_LEN) == 0)
			return &p->peer[i];
	return NULL;
}

static struct mka_peer *peer_by_sci(struct mka_participant *p, uint64_t sci)
{
	for (unsigned int i = 0; i < MKA_MAX_PEERS; i++)
		if (p->peer[i].state != MKA_PEER_NONE && p->peer[i].sci == sci)
			return &p->peer[i];
	return NULL;
}

unsigned int mka_live_count(const struct mka_participant *p)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < MKA_MAX_PEERS; i++)
		n += p->peer[i].state == MKA_PEER_LIVE;
	return n;
}

unsigned int mka_potential_count(const struct mka_participant *p)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < MKA_MAX_PEERS; i++)
		n += p->peer[i].state == MKA_PEER_POTENTIAL;
	return n;
}

static int new_mi(struct mka_participant *p)
{
	int rc = mka_random(p, p->mi, MKA_MI_LEN);

	p->mn = 0;
	memset(p->tx_hist, 0, sizeof(p->tx_hist));
	p->tx_hist_next = 0;
	return rc;
}

/* ---------------------------------------------------------------- create / destroy */

static int config_check(const struct mka_config *c)
{
	const struct mka_secy_ops *o = c->secy;

	if ((c->cak_len != 16 && c->cak_len != 32) || c->ckn_len == 0 || c->ckn_len > MKA_CKN_MAX)
		return -EINVAL;
	if ((unsigned int)c->cipher_suite >= MKA_CS_COUNT || c->conf_offset > MKA_CO_50 ||
	    c->capability > MKA_CAP_CONF_0_30_50 || c->mka_version > 3)
		return -EINVAL;
	if (c->policy != MKA_POLICY_MUST_SECURE && c->policy != MKA_POLICY_SHOULD_SECURE)
		return -EINVAL;
	if (c->policy == MKA_POLICY_MUST_SECURE && c->capability == MKA_CAP_NOT_IMPLEMENTED)
		return -EINVAL;   /* could never open the Controlled Port */
	if (!c->send_frame || !o || !o->rx_sc_create || !o->rx_sc_delete || !o->rx_sa_install ||
	    !o->rx_sa_enable || !o->rx_sa_delete || !o->tx_sa_install || !o->tx_sa_enable ||
	    !o->tx_set_encoding_an || !o->tx_sa_delete || !o->tx_sa_get_next_pn || !o->port_set)
		return -EINVAL;
	if (c->hello_time_ms && c->life_time_ms && c->hello_time_ms >= c->life_time_ms)
		return -EINVAL;
	return 0;
}

int mka_participant_create(struct mka_participant **out, const struct mka_config *cfg,
			   uint64_t now_ms)
{
	static const uint8_t zero_mac[6];
	struct mka_participant *p;
	int rc;

	*out = NULL;
	rc = config_check(cfg);
	if (rc)
		return rc;
	/* ICK, KEK and the SAKs live here: locked, never dumped, wiped on free (keymem.h). */
	p = macsec_keymem_alloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->cfg = *cfg;
	if (!p->cfg.hello_time_ms)
		p->cfg.hello_time_ms = MKA_HELLO_TIME_MS;
	if (!p->cfg.life_time_ms)
		p->cfg.life_time_ms = MKA_LIFE_TIME_MS;
	if (!p->cfg.retire_time_ms)
		p->cfg.retire_time_ms = MKA_SAK_RETIRE_TIME_MS;
	if (!p->cfg.eapol_ethertype)
		p->cfg.eapol_ethertype = MKA_ETHERTYPE_EAPOL;
	if (!memcmp(p->cfg.eapol_dst, zero_mac, 6))
		memcpy(p->cfg.eapol_dst, pae_group_addr, 6);
	if (!p->cfg.mka_version)
		p->cfg.mka_version = 3;
	if (!memcmp(p->cfg.src_mac, zero_mac, 6)) {
		uint8_t sci[8];

		mka_be64_store(sci, p->cfg.sci);
		memcpy(p->cfg.src_mac, sci, 6);
	}
	memcpy(p->own_mac, p->cfg.src_mac, 6);
	p->key_len = cfg->cak_len;

	/* 9.3.3: ICK and KEK from CAK and CKN; the CAK itself is not needed afterwards */
	rc = mka_ick_derive(cfg->cak, cfg->cak_len, cfg->ckn, cfg->ckn_len, p->ick);
	if (rc == 0)
		rc = mka_kek_derive(cfg->cak, cfg->cak_len, cfg->ckn, cfg->ckn_len, p->kek);
	mka_wipe(p->cfg.cak, sizeof(p->cfg.cak));
	if (rc == 0)
		rc = new_mi(p) ? -EIO : 0;
	if (rc) {
		macsec_keymem_free(p);    /* wipes */
		return rc == -EINVAL ? -EINVAL : -EIO;
	}
	p->now = now_ms;
	p->next_kn = 1;
	p->rekey_at_ms = MKA_NO_DEADLINE;
	p->last_live_ms = now_ms;
	p->next_hello_ms = now_ms;   /* the first tick sends */
	mka_cp_init(&p->cp, &mka_sa_cp_actions, p, p->cfg.life_time_ms, p->cfg.retire_time_ms,
		    p->cfg.cipher_suite, p->cfg.conf_offset);
	*out = p;
	return 0;
}

void mka_participant_destroy(struct mka_participant *p)
{
	if (!p)
		return;
	mka_sa_delete_all(p);
	macsec_keymem_free(p);        /* wipes */
}

/* ---------------------------------------------------------------- transmit */

static void encode_peers(const struct mka_participant *p, enum mka_peer_state st,
			 struct mka_peer_list *l)
{
	l->n = 0;
	for (unsigned int i = 0; i < MKA_MAX_PEERS; i++) {
		if (p->peer[i].state != st)
			continue;
		memcpy(l->peer[l->n].mi, p->peer[i].mi, MKA_MI_LEN);
		l->peer[l->n].mn = p->peer[i].mn;
		l->n++;
	}
}

static void transmit(struct mka_participant *p)
{
	struct mka_mkpdu *m = &p->scratch;
	uint8_t frame[MKA_MKPDU_MAX_FRAME];
	size_t len;
	int rc;

	/* 9.4.2: an MN is never reused under one MI; rather than wrap, become a new member */
	if (p->mn == UINT32_MAX && new_mi(p) != 0) {
		p->cnt.out_mkpdu_errors++;
		return;
	}
	memset(m, 0, sizeof(*m));
	memcpy(m->dst, p->cfg.eapol_dst, 6);
	memcpy(m->src, p->own_mac, 6);
	m->vlan = p->cfg.vlan;
	m->vlan_tci = p->cfg.vlan_tci;
	m->ethertype = p->cfg.eapol_ethertype;
	m->eapol_version = MKA_EAPOL_VERSION;

	m->basic.version = p->cfg.mka_version;
	m->basic.priority = p->cfg.key_server_priority;
	/* 9.5.1: set unless we have decided another participant is or will be key server */
	m->basic.key_server = p->elected_self ||
			      (!p->principal && p->cfg.key_server_priority != MKA_PRIORITY_NEVER_KEY_SERVER);
	m->basic.macsec_desired = p->cfg.capability != MKA_CAP_NOT_IMPLEMENTED;
	m->basic.capability = p->cfg.capability;
	m->basic.sci = p->cfg.sci;
	memcpy(m->basic.mi, p->mi, MKA_MI_LEN);
	m->basic.mn = p->mn + 1;
	m->basic.algorithm_agility = MKA_ALGORITHM_AGILITY;
	memcpy(m->basic.ckn, p->cfg.ckn, p->cfg.ckn_len);
	m->basic.ckn_len = p->cfg.ckn_len;

	encode_peers(p, MKA_PEER_LIVE, &m->live);
	encode_peers(p, MKA_PEER_POTENTIAL, &m->potential);
	if (m->live.n)
		m->present |= MKA_HAS_LIVE_PEERS;
	if (m->potential.n)
		m->present |= MKA_HAS_POTENTIAL_PEERS;
	mka_sa_encode(p, m);     /* SAK Use, XPN */
	mka_ks_encode(p, m);     /* Distributed SAK, Key Server SSCI and list order */
	if (p->cfg.announce) {
		m->present |= MKA_HAS_ANNOUNCEMENT;
		m->ann.n_cs = MKA_CS_COUNT;
		for (unsigned int i = 0; i < MKA_CS_COUNT; i++) {
			m->ann.cs[i].id = mka_cs_id((enum mka_cipher_suite)i);
			m->ann.cs[i].capability = p->cfg.capability;
		}
	}
	if (p->cfg.icv_indicator)
		m->present |= MKA_HAS_ICV_INDICATOR;

	rc = mka_mkpdu_encode(m, frame, sizeof(frame), &len);
	if (rc == 0)
		rc = mka_icv_compute(p->ick, p->key_len, frame, m->icv_off, m->tag_len,
				     frame + m->icv_off);
	if (rc == 0)
		rc = p->cfg.send_frame(p->cfg.cb_ctx, frame, len);
	mka_wipe(m->dist_sak.wrapped, sizeof(m->dist_sak.wrapped));
	p->tx_now = false;
	p->tx_cp = false;
	p->next_hello_ms = p->now + p->cfg.hello_time_ms;
	if (rc) {
		p->cnt.out_mkpdu_errors++;
		return;
	}
	/* the MN is spent only when the MKPDU left */
	p->mn++;
	p->tx_hist[p->tx_hist_next].t = p->now;
	p->tx_hist[p->tx_hist_next].mn = p->mn;
	p->tx_hist_next = (p->tx_hist_next + 1) % MKA_TX_HIST;
	p->cnt.out_mkpdu++;
	if ((m->present & MKA_HAS_DIST_SAK) && !m->dist_sak.plain)
		p->cnt.out_sak_mkpdu++;
}

/* ---------------------------------------------------------------- the CP and its inputs */

/* Bring every input of the CP up to date and run it until it rests, then transmit if there
 * is news. An entry action's newInfo is sent at once, between steps, so that e.g. the
 * TRANSMITTING state's ltx is on the wire before RETIRE moves the key to "old"; other news
 * (a new SAK, a new live peer) waits until the CP rests, so a key server's receive SAs are
 * in place before its Distributed SAK leaves. */
static void drive(struct mka_participant *p)
{
	mka_ks_update_connect(p);
	/* twice: a SAK held back while the CP finished a switch goes out once it has */
	for (unsigned int pass = 0; pass < 2; pass++) {
		mka_ks_run(p);
		for (unsigned int guard = 0; guard < 32; guard++) {
			mka_sa_update_cp(p);
			if (!mka_cp_step(&p->cp, p->now))
				break;
			if (p->tx_cp)
				transmit(p);
		}
	}
	mka_keys_gc(p);
	mka_sa_sync(p);
	if (p->tx_now || p->tx_cp)
		transmit(p);
}

/* ---------------------------------------------------------------- receive */

/* 9.4.3: our MI with an MN we sent within the last MKA Life Time. Returns when we sent it,
 * or 0 if it is not acceptably recent. */
static uint64_t recent_mn(const struct mka_participant *p, uint32_t mn)
{
	for (unsigned int i = 0; i < MKA_TX_HIST; i++)
		if (p->tx_hist[i].mn == mn && mn != 0 &&
		    p->tx_hist[i].t + p->cfg.life_time_ms > p->now)
			return p->tx_hist[i].t ? p->tx_hist[i].t : 1;
	return 0;
}

/* Does the MKPDU list us (Live or Potential list) with an acceptably recent MN? If so, the
 * latest time we sent an MN it echoes. */
static uint64_t lists_us(struct mka_participant *p, const struct mka_mkpdu *m)
{
	const struct mka_peer_list *lists[2] = { &m->live, &m->potential };
	uint64_t sent = 0;

	for (unsigned int l = 0; l < 2; l++) {
		for (unsigned int i = 0; i < lists[l]->n; i++) {
			const struct mka_peer_id *id = &lists[l]->peer[i];
			uint64_t t;

			if (memcmp(id->mi, p->mi, MKA_MI_LEN) != 0)
				continue;
			t = recent_mn(p, id->mn);
			if (t > sent)
				sent = t;
			if (!t && id->mn > p->mn)   /* an MN we never sent */
				p->cnt.in_mkpdu_peer_list_errors++;
		}
	}
	return sent;
}

static void peer_remove(struct mka_participant *p, struct mka_peer *peer)
{
	mka_sa_peer_gone(p, peer);
	memset(peer, 0, sizeof(*peer));
}

/* The Basic Parameter Set of an authenticated MKPDU: find or admit the sender. */
static int accept_sender(struct mka_participant *p, const struct mka_basic *b,
			 struct mka_peer **out)
{
	struct mka_peer *peer;

	if (memcmp(b->mi, p->mi, MKA_MI_LEN) == 0) {
		if (b->sci == p->cfg.sci) {
			p->cnt.in_mkpdu_own++;
			return -EALREADY;
		}
		/* 9.4.2: another member uses our MI; choose a new one */
		p->cnt.in_mkpdu_mi_collision++;
		p->cnt.in_mkpdu_bad_peer_errors++;
		if (new_mi(p))
			p->cnt.sak_generation_errors++;
		p->tx_now = true;
		return -EALREADY;
	}
	peer = mka_peer_by_mi(p, b->mi);
	if (peer) {
		if (b->mn <= peer->mn) {   /* 9.4.2: MN must increase */
			p->cnt.in_mkpdu_mn_replay++;
			p->cnt.in_mkpdu_bad_peer_errors++;
			return -EALREADY;
		}
		if (b->sci != peer->sci) {
			p->cnt.in_mkpdu_duplicate_sci++;
			p->cnt.in_mkpdu_bad_peer_errors++;
			return -EALREADY;
		}
	} else {
		struct mka_peer *same = peer_by_sci(p, b->sci);

		if (same || b->sci == p->cfg.sci) {
			/* A second MI for a known SCI: an attacker, or a peer that restarted.
			 * Ignore it, and let the old MI prove itself soon or age out (hostapd). */
			if (same && same->expire_ms > p->now + p->cfg.hello_time_ms * 3 / 2)
				same->expire_ms = p->now + p->cfg.hello_time_ms * 3 / 2;
			p->cnt.in_mkpdu_duplicate_sci++;
			p->cnt.in_mkpdu_bad_peer_errors++;
			return -EALREADY;
		}
		for (unsigned int i = 0; i < MKA_MAX_PEERS && !peer; i++)
			if (p->peer[i].state == MKA_PEER_NONE)
				peer = &p->peer[i];
		if (!peer) {
			p->cnt.in_mkpdu_peer_table_full++;
			return -ENOSPC;
		}
		memset(peer, 0, sizeof(*peer));
		peer->state = MKA_PEER_POTENTIAL;
		memcpy(peer->mi, b->mi, MKA_MI_LEN);
		peer->sci = b->sci;
		peer->expire_ms = p->now + p->cfg.life_time_ms;
	}
	peer->mn = b->mn;
	peer->priority = b->priority;
	peer->version = b->version;
	peer->key_server = b->key_server;
	peer->macsec_desired = b->macsec_desired;
	peer->capability = b->capability;
	*out = peer;
	return 0;
}

static int check_frame(struct mka_participant *p, const uint8_t *frame, size_t len)
{
	struct mka_mkpdu *m = &p->scratch;
	enum mka_decode_err why;

	if (mka_mkpdu_decode(frame, len, p->cfg.eapol_ethertype, m, &why) != 0) {
		p->cnt.decode[why]++;
		p->cnt.in_mkpdu_validation_errors++;
		return -EBADMSG;
	}
	/* 11.11.2: addressed to the group we use, or to us */
	if (memcmp(m->dst, p->cfg.eapol_dst, 6) != 0 && memcmp(m->dst, p->own_mac, 6) != 0) {
		p->cnt.in_mkpdu_bad_destination++;
		return -ENOENT;
	}
	if (m->basic.ckn_len != p->cfg.ckn_len ||
	    memcmp(m->basic.ckn, p->cfg.ckn, p->cfg.ckn_len) != 0) {
		p->cnt.in_mkpdu_ckn_mismatch++;
		return -ENOENT;
	}
	/* nothing from the frame touches our state before this */
	if (mka_icv_verify(p->ick, p->key_len, frame, m->icv_off, m->tag_len) != 0) {
		p->cnt.in_mkpdu_icv_verification_errors++;
		return -EACCES;
	}
	return 0;
}

int mka_participant_rx(struct mka_participant *p, const uint8_t *frame, size_t len,
		       uint64_t now_ms)
{
	const struct mka_mkpdu *m = &p->scratch;
	struct mka_peer *peer = NULL;
	bool joined = false;
	uint64_t listed;
	int rc;

	p->now = now_ms;
	rc = check_frame(p, frame, len);
	if (rc)
		return rc;
	p->cnt.in_mkpdu++;
	rc = accept_sender(p, &m->basic, &peer);
	if (rc)
		return rc;
	if (m->present & MKA_HAS_DIST_CAK)
		p->cnt.in_cak_mkpdu++;   /* group CAK distribution is not implemented: ignored */

	/* 9.4.3: the peer's timer restarts on each MKPDU that lists us with an acceptably recent
	 * MN. 802.1X leaves "acceptably recent" open (hostapd takes the last two MNs); ours is
	 * "sent within the last Life Time", which keeps the two-lost-MKPDU tolerance of a
	 * 6 s Life Time over 2 s Hellos, at the price that a peer which stops hearing us (a
	 * one-way link) drops out within two Life Times rather than one. */
	listed = lists_us(p, m);
	if (listed) {
		if (peer->state == MKA_PEER_POTENTIAL) {
			peer->state = MKA_PEER_LIVE;
			joined = true;
		}
		peer->expire_ms = p->now + p->cfg.life_time_ms;
	} else if (peer->state == MKA_PEER_POTENTIAL) {
		peer->expire_ms = p->now + p->cfg.life_time_ms;
	}
	if (peer->state == MKA_PEER_LIVE)
		p->last_live_ms = p->now;

	mka_ks_elect(p);
	if (joined) {
		mka_sa_sync(p);
		mka_ks_live_changed(p, true);
		p->tx_now = true;
	}
	/* SAK distribution and use only between members that both see each other live */
	if (peer->state == MKA_PEER_LIVE && listed) {
		if (m->present & MKA_HAS_DIST_SAK)
			mka_ks_rx_dist_sak(p, peer, m);
		if (m->present & MKA_HAS_SAK_USE)
			mka_sa_rx_sak_use(p, peer, m);
		else
			peer->has_sak_use = false;
	}
	drive(p);
	return 0;
}

/* ---------------------------------------------------------------- timers */

static void age_peers(struct mka_participant *p)
{
	bool left = false;

	for (unsigned int i = 0; i < MKA_MAX_PEERS; i++) {
		struct mka_peer *peer = &p->peer[i];

		if (peer->state == MKA_PEER_NONE || peer->expire_ms > p->now)
			continue;
		left |= peer->state == MKA_PEER_LIVE;
		peer_remove(p, peer);
	}
	if (mka_live_count(p))
		p->last_live_ms = p->now;
	if (left) {
		mka_ks_elect(p);
		mka_ks_live_changed(p, false);
	}
}

uint64_t mka_participant_tick(struct mka_participant *p, uint64_t now_ms)
{
	uint64_t next;

	p->now = now_ms;
	age_peers(p);
	if (p->elected_self && p->rekey_at_ms != MKA_NO_DEADLINE && p->now >= p->rekey_at_ms)
		mka_ks_request(p, MKA_REKEY_INTERVAL);
	drive(p);
	if (p->now >= p->next_hello_ms)
		transmit(p);

	next = p->next_hello_ms;
	for (unsigned int i = 0; i < MKA_MAX_PEERS; i++)
		if (p->peer[i].state != MKA_PEER_NONE && p->peer[i].expire_ms < next)
			next = p->peer[i].expire_ms;
	if (mka_cp_deadline(&p->cp) < next)
		next = mka_cp_deadline(&p->cp);
	if (mka_ks_deadline(p) < next)
		next = mka_ks_deadline(p);
	if (p->cfg.policy == MKA_POLICY_SHOULD_SECURE && mka_live_count(p) == 0 &&
	    p->last_live_ms + p->cfg.life_time_ms > p->now &&
	    p->last_live_ms + p->cfg.life_time_ms < next)
		next = p->last_live_ms + p->cfg.life_time_ms;
	return next > p->now ? next : p->now + 1;
}

void mka_participant_pn_threshold(struct mka_participant *p, uint64_t now_ms)
{
	p->now = now_ms;
	if (!p->elected_self)
		return;   /* our next SAK Use reports the PN; the key server decides */
	mka_ks_request(p, MKA_REKEY_PN_THRESHOLD);
	drive(p);
}

int mka_participant_rekey(struct mka_participant *p, uint64_t now_ms)
{
	p->now = now_ms;
	if (!p->elected_self)
		return -EPERM;
	mka_ks_request(p, MKA_REKEY_ADMIN);
	drive(p);
	return 0;
}

const struct mka_counters *mka_participant_counters(const struct mka_participant *p)
{
	return &p->cnt;
}
