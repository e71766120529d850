/* SPDX-License-Identifier: BSD-3-Clause */
/* SAKs a participant holds and the SAs made from them on the SecY; the SAK Use set both ways. */
#include <errno.h>
#include <string.h>

#include "mka_crypto.h"
#include "participant_i.h"

#define SECY(p) ((p)->cfg.secy)
#define SECY_CTX(p) ((p)->cfg.secy_ctx)

struct mka_key *mka_key_find(struct mka_participant *p, const struct mka_ki *ki)
{
	for (unsigned int i = 0; i < MKA_N_KEYS; i++)
		if (p->key[i].valid && mka_ki_equal(&p->key[i].ki, ki))
			return &p->key[i];
	return NULL;
}

struct mka_key *mka_key_alloc(struct mka_participant *p)
{
	for (unsigned int i = 0; i < MKA_N_KEYS; i++) {
		if (!p->key[i].valid) {
			memset(&p->key[i], 0, sizeof(p->key[i]));
			return &p->key[i];
		}
	}
	return NULL;
}

static bool secy_ok(struct mka_participant *p, int rc)
{
	if (rc)
		p->cnt.secy_errors++;
	return rc == 0;
}

/* The SecY's copy of a key for one SA: the transmitter's SSCI filled in, wiped after use. */
static void sa_key_for(const struct mka_participant *p, const struct mka_key *k,
		       const uint8_t *mi, uint64_t sci, struct mka_sa_key *out)
{
	*out = k->sa;
	out->ssci = mka_key_ssci(p, k, mi, sci);
}

static bool has_rx(const struct mka_key *k, uint64_t sci)
{
	for (unsigned int i = 0; i < k->n_rx; i++)
		if (k->rx_sci[i] == sci)
			return true;
	return false;
}

/* 0 if @p peer may get a receive SA from @p k (binding it if new), -EALREADY if the SCI
 * was bound to another MI: a restarted peer. */
static int bind_peer(struct mka_key *k, const struct mka_peer *peer)
{
	for (unsigned int i = 0; i < k->n_bound; i++)
		if (k->bound[i].sci == peer->sci)
			return memcmp(k->bound[i].mi, peer->mi, MKA_MI_LEN) == 0 ? 0 : -EALREADY;
	if (k->n_bound >= MKA_MAX_PEERS)
		return -ENOSPC;
	k->bound[k->n_bound].sci = peer->sci;
	memcpy(k->bound[k->n_bound++].mi, peer->mi, MKA_MI_LEN);
	return 0;
}

static int install_rx(struct mka_participant *p, struct mka_key *k, const struct mka_peer *peer)
{
	struct mka_sa_key sa;
	int rc;

	if (k->n_rx >= MKA_MAX_PEERS)
		return -ENOSPC;
	rc = bind_peer(k, peer);
	if (rc < 0)
		return rc;
	sa_key_for(p, k, peer->mi, peer->sci, &sa);
	rc = SECY(p)->rx_sa_install(SECY_CTX(p), peer->sci, k->an, &sa, 1);
	mka_wipe(&sa, sizeof(sa));
	if (rc == 0)
		rc = SECY(p)->rx_sa_enable(SECY_CTX(p), peer->sci, k->an, true);
	if (!secy_ok(p, rc))
		return rc;
	k->rx_sci[k->n_rx++] = peer->sci;
	return 0;
}

static int install_tx(struct mka_participant *p, struct mka_key *k)
{
	struct mka_sa_key sa;
	int rc;

	if (k->tx_installed)
		return 0;
	sa_key_for(p, k, p->mi, p->cfg.sci, &sa);
	rc = SECY(p)->tx_sa_install(SECY_CTX(p), k->an, &sa, 1);
	mka_wipe(&sa, sizeof(sa));
	if (!secy_ok(p, rc))
		return rc;
	k->tx_installed = true;
	k->tx_pn_prev = 0;
	return 0;
}

/* Receive SCs for every live peer, receive SAs for every live peer on every key that has
 * them enabled. Adds only: peers that leave are taken out by mka_sa_peer_gone(). */
void mka_sa_sync(struct mka_participant *p)
{
	for (unsigned int i = 0; i < MKA_MAX_PEERS; i++) {
		struct mka_peer *q = &p->peer[i];

		if (q->state != MKA_PEER_LIVE)
			continue;
		if (!q->rx_sc && secy_ok(p, SECY(p)->rx_sc_create(SECY_CTX(p), q->sci)))
			q->rx_sc = true;
		for (unsigned int k = 0; k < MKA_N_KEYS && q->rx_sc; k++)
			if (p->key[k].valid && p->key[k].rx_enabled && !has_rx(&p->key[k], q->sci))
				install_rx(p, &p->key[k], q);
	}
}

void mka_sa_peer_gone(struct mka_participant *p, struct mka_peer *peer)
{
	for (unsigned int k = 0; k < MKA_N_KEYS; k++) {
		struct mka_key *key = &p->key[k];

		for (unsigned int i = 0; key->valid && i < key->n_rx; i++) {
			if (key->rx_sci[i] != peer->sci)
				continue;
			secy_ok(p, SECY(p)->rx_sa_delete(SECY_CTX(p), peer->sci, key->an));
			key->rx_sci[i] = key->rx_sci[--key->n_rx];
			break;
		}
	}
	if (peer->rx_sc)
		secy_ok(p, SECY(p)->rx_sc_delete(SECY_CTX(p), peer->sci));
	peer->rx_sc = false;
}

static void key_delete(struct mka_participant *p, struct mka_key *k)
{
	for (unsigned int i = 0; i < k->n_rx; i++)
		secy_ok(p, SECY(p)->rx_sa_delete(SECY_CTX(p), k->rx_sci[i], k->an));
	if (k->tx_installed)
		secy_ok(p, SECY(p)->tx_sa_delete(SECY_CTX(p), k->an));
	mka_wipe(k, sizeof(*k));
}

static bool key_referenced(const struct mka_participant *p, const struct mka_key *k)
{
	const struct mka_cp *cp = &p->cp;

	return (cp->lki_valid && mka_ki_equal(&cp->lki, &k->ki)) ||
	       (cp->oki_valid && mka_ki_equal(&cp->oki, &k->ki)) ||
	       (cp->new_sak && mka_ki_equal(&cp->distributed_ki, &k->ki));
}

/* A key neither latest, old nor waiting for RECEIVE is of no further use: wipe it. */
void mka_keys_gc(struct mka_participant *p)
{
	for (unsigned int i = 0; i < MKA_N_KEYS; i++)
		if (p->key[i].valid && !key_referenced(p, &p->key[i]))
			key_delete(p, &p->key[i]);
}

void mka_sa_delete_all(struct mka_participant *p)
{
	for (unsigned int i = 0; i < MKA_N_KEYS; i++)
		if (p->key[i].valid)
			key_delete(p, &p->key[i]);
	for (unsigned int i = 0; i < MKA_MAX_PEERS; i++)
		if (p->peer[i].rx_sc)
			mka_sa_peer_gone(p, &p->peer[i]);
}

/* ---------------------------------------------------------------- CP actions */

static int act_install_receive(void *ctx, const struct mka_ki *ki)
{
	struct mka_participant *p = ctx;
	struct mka_key *k = mka_key_find(p, ki);
	int rc = 0;

	if (!k)
		return -ENOENT;
	/* createSAs + enableReceiveSAs: receive SAs for every live peer first; the transmit
	 * SA is created but not enabled until TRANSMIT */
	k->rx_enabled = true;
	mka_sa_sync(p);
	for (unsigned int i = 0; i < MKA_MAX_PEERS; i++)
		if (p->peer[i].state == MKA_PEER_LIVE && !has_rx(k, p->peer[i].sci))
			rc = -EAGAIN;
	if (rc == 0)
		rc = install_tx(p, k);
	return rc;
}

static int act_install_transmit(void *ctx, const struct mka_ki *ki)
{
	struct mka_participant *p = ctx;
	struct mka_key *k = mka_key_find(p, ki);
	int rc;

	if (!k)
		return -ENOENT;
	rc = install_tx(p, k);
	if (rc == 0)
		rc = SECY(p)->tx_sa_enable(SECY_CTX(p), k->an, true);
	if (rc == 0)
		rc = SECY(p)->tx_set_encoding_an(SECY_CTX(p), k->an);
	if (!secy_ok(p, rc))
		return rc;
	k->tx_enabled = true;
	return 0;
}

static void act_delete_sas(void *ctx, const struct mka_ki *ki)
{
	struct mka_participant *p = ctx;
	struct mka_key *k = mka_key_find(p, ki);

	if (k)
		key_delete(p, k);
}

static void act_new_info(void *ctx)
{
	((struct mka_participant *)ctx)->tx_cp = true;
}

static void push_port(struct mka_participant *p)
{
	struct mka_port_ctl c = {
		.controlled_port_enabled = p->cp.controlled_port_enabled,
		.protect_frames = p->cp.protect_frames,
		.validate_strict = p->cp.validate_strict,
		.cs = p->cp.current_cipher_suite,
		.conf_offset = p->cp.confidentiality_offset,
	};

	if (p->port_pushed && !memcmp(&c, &p->port, sizeof(c)))
		return;
	p->port_pushed = secy_ok(p, SECY(p)->port_set(SECY_CTX(p), &c));
	p->port = c;
}

static void act_port_changed(void *ctx)
{
	push_port(ctx);
}

const struct mka_cp_actions mka_sa_cp_actions = {
	.install_receive = act_install_receive,
	.install_transmit = act_install_transmit,
	.delete_sas = act_delete_sas,
	.new_info = act_new_info,
	.port_changed = act_port_changed,
};

/* ---------------------------------------------------------------- KaY -> CP */

static bool peer_receives(const struct mka_peer *q, const struct mka_ki *ki)
{
	return q->has_sak_use && q->su.has_keys &&
	       ((q->su.lrx && mka_ki_equal(&q->su.lki, ki)) ||
		(q->su.orx && mka_ki_equal(&q->su.oki, ki)));
}

void mka_sa_update_cp(struct mka_participant *p)
{
	struct mka_cp *cp = &p->cp;

	/* the SecY may have refused an install: retry (usingReceiveSAs / usingTransmitSA) */
	if (cp->state == MKA_CP_RECEIVE && !cp->using_receive_sas && cp->lki_valid)
		cp->using_receive_sas = act_install_receive(p, &cp->lki) == 0;
	if (cp->state == MKA_CP_TRANSMIT && !cp->using_transmit_sa && cp->lki_valid)
		cp->using_transmit_sa = act_install_transmit(p, &cp->lki) == 0;
	if (!p->port_pushed)
		push_port(p);
	if (!cp->lki_valid)
		return;
	if (p->elected_self) {
		/* allReceiving: every live peer reports receiving with the latest key */
		bool all = mka_live_count(p) > 0;

		for (unsigned int i = 0; i < MKA_MAX_PEERS && all; i++)
			if (p->peer[i].state == MKA_PEER_LIVE && !peer_receives(&p->peer[i], &cp->lki))
				all = false;
		if (all)
			cp->all_receiving = true;
	} else if (p->principal) {
		/* serverTransmitting: the key server reports transmitting with our latest key */
		const struct mka_peer *ks = mka_peer_by_mi(p, p->ks_mi);

		if (ks && ks->state == MKA_PEER_LIVE && ks->has_sak_use && ks->su.has_keys &&
		    ((ks->su.ltx && mka_ki_equal(&ks->su.lki, &cp->lki)) ||
		     (ks->su.otx && mka_ki_equal(&ks->su.oki, &cp->lki))))
			cp->server_transmitting = true;
	}
}

/* ---------------------------------------------------------------- SAK Use */

/* A key we distributed and that is still our newest: the one to replace when its PNs run out. */
static bool newest_own_key(const struct mka_participant *p, const struct mka_ki *ki)
{
	return p->elected_self && !memcmp(ki->mi, p->mi, MKA_MI_LEN) && ki->kn + 1 == p->next_kn;
}

void mka_sa_rx_sak_use(struct mka_participant *p, struct mka_peer *from,
		       const struct mka_mkpdu *m)
{
	const struct mka_sak_use *su = &m->sak_use;
	bool xpn = m->present & MKA_HAS_XPN;

	from->has_sak_use = true;
	from->su = *su;
	from->llpn = su->llpn | (xpn ? (uint64_t)m->xpn.llpn_high << 32 : 0);
	from->olpn = su->olpn | (xpn ? (uint64_t)m->xpn.olpn_high << 32 : 0);
	if (!su->has_keys)
		return;
	for (unsigned int i = 0; i < 2; i++) {
		const struct mka_ki *ki = i ? &su->oki : &su->lki;
		bool tx = i ? su->otx : su->ltx;
		uint64_t lpn = i ? from->olpn : from->llpn;
		struct mka_key *k = mka_key_find(p, ki);

		if (!k)
			continue;
		/* 9.8: a member's transmit PN near exhaustion asks the key server for a new SAK */
		if (tx && newest_own_key(p, ki) && lpn > mka_pn_threshold(p, k->sa.cs))
			mka_ks_request(p, MKA_REKEY_PN_THRESHOLD);
		/* delay protection (10.7.x): what the member sent two seconds ago is the floor */
		if (su->delay_protect && lpn && SECY(p)->rx_sa_set_lowest_pn && has_rx(k, from->sci))
			secy_ok(p, SECY(p)->rx_sa_set_lowest_pn(SECY_CTX(p), from->sci, k->an, lpn));
	}
}

/* The lowest PN to report for a key: the nextPN read for the previous MKPDU (so what we
 * sent within about a Hello Time), at least 1; and the key server's own exhaustion check. */
static uint64_t report_lpn(struct mka_participant *p, const struct mka_ki *ki)
{
	struct mka_key *k = mka_key_find(p, ki);
	uint64_t cur, lpn;

	if (!k || !k->tx_installed)
		return 1;
	if (!secy_ok(p, SECY(p)->tx_sa_get_next_pn(SECY_CTX(p), k->an, &cur)))
		cur = k->tx_pn_prev;
	lpn = k->tx_pn_prev ? k->tx_pn_prev : 1;
	k->tx_pn_prev = cur;
	if (k->tx_enabled && newest_own_key(p, ki) && cur > mka_pn_threshold(p, k->sa.cs))
		mka_ks_request(p, MKA_REKEY_PN_THRESHOLD);
	return lpn;
}

void mka_sa_encode(struct mka_participant *p, struct mka_mkpdu *m)
{
	const struct mka_cp *cp = &p->cp;
	struct mka_sak_use *su = &m->sak_use;
	bool xpn = false;
	uint64_t llpn = 0, olpn = 0;

	if (!mka_live_count(p) && !cp->lki_valid && !cp->oki_valid)
		return;
	/* 11.11.3: with live peers, always a SAK Use. Without keys but meaning to secure, the
	 * KIs are zero (wpa_supplicant drops MKPDUs of a live peer that stop carrying one);
	 * with MACsec not in use the body is empty, as hostapd sends it. */
	m->present |= MKA_HAS_SAK_USE;
	su->has_keys = cp->connect == MKA_CONNECT_SECURE || cp->connect == MKA_CONNECT_PENDING ||
		       cp->lki_valid || cp->oki_valid;
	/* plain frames actually pass only through an enabled Controlled Port */
	su->ptx = cp->controlled_port_enabled && !cp->protect_frames;
	su->prx = cp->controlled_port_enabled && !cp->validate_strict;
	if (!su->has_keys)
		return;
	if (cp->lki_valid) {
		const struct mka_key *k = mka_key_find(p, &cp->lki);

		su->lki = cp->lki;
		su->lan = cp->lan;
		su->ltx = cp->ltx;
		su->lrx = cp->lrx;
		llpn = report_lpn(p, &cp->lki);
		xpn |= k && mka_cs_is_xpn(k->sa.cs);
	}
	if (cp->oki_valid) {
		const struct mka_key *k = mka_key_find(p, &cp->oki);

		su->oki = cp->oki;
		su->oan = cp->oan;
		su->otx = cp->otx;
		su->orx = cp->orx;
		olpn = report_lpn(p, &cp->oki);
		xpn |= k && mka_cs_is_xpn(k->sa.cs);
	}
	su->llpn = (uint32_t)llpn;
	su->olpn = (uint32_t)olpn;
	if (xpn) {
		/* 11.11.? XPN parameter set: the most significant 32 bits of both */
		m->present |= MKA_HAS_XPN;
		m->xpn.llpn_high = (uint32_t)(llpn >> 32);
		m->xpn.olpn_high = (uint32_t)(olpn >> 32);
	}
}
