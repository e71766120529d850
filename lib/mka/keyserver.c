/* SPDX-License-Identifier: BSD-3-Clause */
/* Key server (802.1X-2020 9.5-9.8): election, MACsec use, SAK generation, distribution, receipt. */
#include <errno.h>
#include <string.h>

#include "mka_crypto.h"
#include "participant_i.h"

void mka_xpn_salt(const struct mka_ki *ki, uint8_t salt[MKA_SALT_LEN])
{
	/* 802.1X-2020 9.8.3 (our reading, as MKAdaemon): the 64 least significant bits of the
	 * Salt are those of the key server's MI; the next 16 bits are the MI's XORed with the
	 * 16 most significant bits of the KN; the 16 most significant bits are the MI's XORed
	 * with the 16 least significant bits of the KN. Octet 0 is the most significant. */
	memcpy(salt, ki->mi, MKA_SALT_LEN);
	salt[0] ^= (uint8_t)(ki->kn >> 8);
	salt[1] ^= (uint8_t)ki->kn;
	salt[2] ^= (uint8_t)(ki->kn >> 24);
	salt[3] ^= (uint8_t)(ki->kn >> 16);
}

/* ---------------------------------------------------------------- election (9.5) */

void mka_ks_elect(struct mka_participant *p)
{
	bool have = false, self = false, changed;
	uint8_t best_prio = 0, best_mi[MKA_MI_LEN] = { 0 };
	uint64_t best_sci = 0;

	if (mka_live_count(p) && p->cfg.key_server_priority != MKA_PRIORITY_NEVER_KEY_SERVER) {
		have = self = true;
		best_prio = p->cfg.key_server_priority;
		best_sci = p->cfg.sci;
		memcpy(best_mi, p->mi, MKA_MI_LEN);
	}
	/* among the live members that claim the role: highest priority (lowest value), then
	 * lowest SCI (9.5.1) */
	for (unsigned int i = 0; i < MKA_MAX_PEERS; i++) {
		const struct mka_peer *q = &p->peer[i];

		if (q->state != MKA_PEER_LIVE || !q->key_server)
			continue;
		if (!have || q->priority < best_prio || (q->priority == best_prio && q->sci < best_sci)) {
			have = true;
			self = false;
			best_prio = q->priority;
			best_sci = q->sci;
			memcpy(best_mi, q->mi, MKA_MI_LEN);
		}
	}
	changed = have != p->principal || (have && (best_sci != p->ks_sci || self != p->elected_self ||
						    memcmp(best_mi, p->ks_mi, MKA_MI_LEN) != 0));
	p->principal = have;
	p->elected_self = self;
	p->cp.elected_self = self;
	p->ks_sci = have ? best_sci : 0;
	p->ks_priority = best_prio;
	memcpy(p->ks_mi, best_mi, MKA_MI_LEN);
	if (!changed)
		return;
	/* a new key server: whatever the last one told us or was telling others is void */
	p->cp.chgd_server = true;
	p->cp.new_sak = false;
	p->advice = MKA_ADVICE_NONE;
	p->distributing = false;
	p->sak_wanted = false;
	p->rekey_at_ms = MKA_NO_DEADLINE;
	if (self)
		mka_ks_request(p, MKA_REKEY_INITIAL);
}

void mka_ks_request(struct mka_participant *p, enum mka_rekey_reason why)
{
	if (!p->sak_wanted) {
		p->sak_wanted = true;
		p->sak_reason = why;
	}
}

void mka_ks_live_changed(struct mka_participant *p, bool joined)
{
	/* 9.8: a fresh SAK whenever the live membership changes */
	if (p->elected_self)
		mka_ks_request(p, joined ? MKA_REKEY_PEER_JOINED : MKA_REKEY_PEER_LEFT);
}

/* ---------------------------------------------------------------- MACsec use (9.6) */

static bool peers_want_macsec(const struct mka_participant *p)
{
	for (unsigned int i = 0; i < MKA_MAX_PEERS; i++)
		if (p->peer[i].state == MKA_PEER_LIVE && p->peer[i].macsec_desired &&
		    p->peer[i].capability != MKA_CAP_NOT_IMPLEMENTED)
			return true;
	return false;
}

void mka_ks_update_connect(struct mka_participant *p)
{
	bool should = p->cfg.policy == MKA_POLICY_SHOULD_SECURE;
	enum mka_connect c = MKA_CONNECT_PENDING;

	if (mka_live_count(p) == 0) {
		/* should-secure: after a Life Time alone, let frames through unprotected */
		if (should && p->now >= p->last_live_ms + p->cfg.life_time_ms)
			c = MKA_CONNECT_UNAUTHENTICATED;
	} else if (p->elected_self) {
		/* 9.6: MACsec if we and at least one live peer want it and can */
		p->advice = p->cfg.capability != MKA_CAP_NOT_IMPLEMENTED && peers_want_macsec(p) ?
			    MKA_ADVICE_SECURE : MKA_ADVICE_PLAIN;
		if (p->advice == MKA_ADVICE_SECURE)
			c = MKA_CONNECT_SECURE;
		else if (should)
			c = MKA_CONNECT_AUTHENTICATED;
	} else if (p->principal) {
		if (p->advice == MKA_ADVICE_SECURE)
			c = MKA_CONNECT_SECURE;
		else if (p->advice == MKA_ADVICE_PLAIN && should)
			c = MKA_CONNECT_AUTHENTICATED;
	} else if (should) {
		c = MKA_CONNECT_UNAUTHENTICATED;   /* live peers, but none may be key server */
	}
	p->cp.connect = c;
}

/* The strongest confidentiality every desiring member can do (Table 11-6). */
static uint8_t offset_for_members(const struct mka_participant *p)
{
	uint8_t cap = p->cfg.capability, co = p->cfg.conf_offset;

	for (unsigned int i = 0; i < MKA_MAX_PEERS; i++) {
		const struct mka_peer *q = &p->peer[i];

		if (q->state == MKA_PEER_LIVE && q->macsec_desired && q->capability &&
		    q->capability < cap)
			cap = q->capability;
	}
	if (cap == MKA_CAP_INTEGRITY)
		return MKA_CO_NONE;
	if (cap == MKA_CAP_CONF_0 && co > MKA_CO_0)
		return MKA_CO_0;
	return co;
}

/* ---------------------------------------------------------------- SSCI (802.1AE-2018 10.7.13) */

/* Our reading: SSCIs are given in descending numerical order of SCI, the highest SCI
 * getting 1 (as MKAdaemon), over the key server and its live peers at distribution. */
static void ssci_by_sci_order(const struct mka_participant *p, struct mka_key *k)
{
	uint64_t sci[MKA_MAX_PEERS + 1];
	const uint8_t *mi[MKA_MAX_PEERS + 1];
	unsigned int n = 0;

	sci[n] = p->cfg.sci;
	mi[n++] = p->mi;
	for (unsigned int i = 0; i < MKA_MAX_PEERS; i++) {
		if (p->peer[i].state == MKA_PEER_LIVE) {
			sci[n] = p->peer[i].sci;
			mi[n++] = p->peer[i].mi;
		}
	}
	k->n_ssci = (uint8_t)n;
	for (unsigned int i = 0; i < n; i++) {
		uint32_t rank = 1;

		for (unsigned int j = 0; j < n; j++)
			rank += sci[j] > sci[i];
		memcpy(k->ssci[i].mi, mi[i], MKA_MI_LEN);
		k->ssci[i].ssci = rank;
	}
}

/* A version 3 key server lists its live peers in SSCI order and gives its own SSCI in
 * the Live Peer List (802.1X-2020 11.11.3, maintenance item 0171): member j of the
 * list has the j-th SSCI that is not the key server's. */
static bool ssci_from_live_list(const struct mka_mkpdu *m, struct mka_key *k)
{
	uint32_t ks = m->live.key_server_ssci, next = 1;

	if (m->basic.version < 3 || !(m->present & MKA_HAS_LIVE_PEERS) || ks == 0 ||
	    ks > (uint32_t)m->live.n + 1)
		return false;
	memcpy(k->ssci[0].mi, m->basic.mi, MKA_MI_LEN);
	k->ssci[0].ssci = ks;
	for (unsigned int i = 0; i < m->live.n; i++) {
		if (next == ks)
			next++;
		memcpy(k->ssci[i + 1].mi, m->live.peer[i].mi, MKA_MI_LEN);
		k->ssci[i + 1].ssci = next++;
	}
	k->n_ssci = (uint8_t)(m->live.n + 1);
	return true;
}

uint32_t mka_key_ssci(const struct mka_participant *p, const struct mka_key *k,
		      const uint8_t *mi, uint64_t sci)
{
	uint32_t rank = 1;

	if (!mka_cs_is_xpn(k->sa.cs))
		return 0;
	for (unsigned int i = 0; i < k->n_ssci; i++)
		if (memcmp(k->ssci[i].mi, mi, MKA_MI_LEN) == 0)
			return k->ssci[i].ssci;
	/* not in the key server's list (a version 1/2 key server): SCI order among live members */
	rank += p->cfg.sci > sci;
	for (unsigned int i = 0; i < MKA_MAX_PEERS; i++)
		if (p->peer[i].state == MKA_PEER_LIVE && p->peer[i].sci > sci)
			rank++;
	return rank;
}

/* ---------------------------------------------------------------- SAK generation (9.8.1) */

static uint8_t pick_an(struct mka_participant *p)
{
	uint8_t an = p->next_an;

	/* a fresh AN: never the latest or old key's, so both stay receivable (10.7.? hitless) */
	for (unsigned int i = 0; i < 4; i++) {
		if (!(p->cp.lki_valid && p->cp.lan == an) && !(p->cp.oki_valid && p->cp.oan == an))
			break;
		an = (an + 1) & 3u;
	}
	p->next_an = (an + 1) & 3u;
	return an;
}

static void generate_sak(struct mka_participant *p)
{
	enum mka_cipher_suite cs = p->cfg.cipher_suite;
	unsigned int key_len = mka_cs_key_len(cs);
	struct mka_key *k = mka_key_alloc(p);

	if (!k || mka_random(p, k->sa.key, key_len) != 0) {
		p->cnt.sak_generation_errors++;
		if (k)
			mka_wipe(k, sizeof(*k));
		return;
	}
	memcpy(k->ki.mi, p->mi, MKA_MI_LEN);
	k->ki.kn = p->next_kn;
	k->sa.ki = k->ki;
	k->sa.key_len = (uint8_t)key_len;
	k->sa.cs = cs;
	k->sa.conf_offset = offset_for_members(p);
	k->created_ms = p->now;
	if (mka_cs_is_xpn(cs)) {
		mka_xpn_salt(&k->ki, k->sa.salt);
		ssci_by_sci_order(p, k);
	}
	/* 9.8.2: the SAK goes out only wrapped under the KEK */
	if (mka_aes_wrap(p->kek, p->key_len, k->sa.key, key_len, p->dist_wrapped) != 0) {
		p->cnt.sak_encryption_errors++;
		mka_wipe(k, sizeof(*k));
		return;
	}
	k->valid = true;
	k->an = pick_an(p);
	p->next_kn++;
	p->distributing = true;
	p->dist_ki = k->ki;
	p->have_dist = true;
	p->last_dist_ms = p->now;
	p->cp.cipher_suite = cs;
	p->cp.cipher_offset = k->sa.conf_offset;
	p->cp.distributed_ki = k->ki;
	p->cp.distributed_an = k->an;
	p->cp.new_sak = true;
	p->rekey_count++;
	p->last_reason = p->sak_reason;
	p->sak_wanted = false;
	p->rekey_at_ms = p->cfg.rekey_interval_ms ? p->now + p->cfg.rekey_interval_ms :
						    MKA_NO_DEADLINE;
	p->tx_now = true;
}

/* Can a SAK be made now? 9.8.1: not while potential peers may still become live within a
 * Life Time of the last one; and (ours) not while the CP is mid-switch to the last one. */
static bool may_generate(const struct mka_participant *p)
{
	if (!p->elected_self || p->cp.connect != MKA_CONNECT_SECURE || !mka_live_count(p))
		return false;
	if (p->have_dist && mka_potential_count(p) && p->now < p->last_dist_ms + p->cfg.life_time_ms)
		return false;
	return p->cp.state != MKA_CP_RECEIVE && p->cp.state != MKA_CP_TRANSMIT &&
	       p->cp.state != MKA_CP_TRANSMITTING;
}

void mka_ks_run(struct mka_participant *p)
{
	if (p->sak_wanted && may_generate(p))
		generate_sak(p);
}

uint64_t mka_ks_deadline(const struct mka_participant *p)
{
	uint64_t t = MKA_NO_DEADLINE;

	if (!p->elected_self)
		return t;
	if (p->rekey_at_ms < t)
		t = p->rekey_at_ms;
	if (p->sak_wanted && p->have_dist && mka_potential_count(p) &&
	    p->last_dist_ms + p->cfg.life_time_ms < t)
		t = p->last_dist_ms + p->cfg.life_time_ms;
	return t;
}

/* ---------------------------------------------------------------- distribution */

static bool member_has(const struct mka_peer *q, const struct mka_ki *ki)
{
	return q->has_sak_use && q->su.has_keys &&
	       ((q->su.lrx && mka_ki_equal(&q->su.lki, ki)) ||
		(q->su.orx && mka_ki_equal(&q->su.oki, ki)));
}

static bool all_have(const struct mka_participant *p, const struct mka_ki *ki)
{
	for (unsigned int i = 0; i < MKA_MAX_PEERS; i++)
		if (p->peer[i].state == MKA_PEER_LIVE && !member_has(&p->peer[i], ki))
			return false;
	return true;
}

static void order_live_by_ssci(const struct mka_key *k, struct mka_peer_list *l)
{
	for (unsigned int i = 1; i < l->n; i++) {
		for (unsigned int j = i; j > 0; j--) {
			struct mka_peer_id t;
			uint32_t a = UINT32_MAX, b = UINT32_MAX;

			for (unsigned int s = 0; s < k->n_ssci; s++) {
				if (!memcmp(k->ssci[s].mi, l->peer[j - 1].mi, MKA_MI_LEN))
					a = k->ssci[s].ssci;
				if (!memcmp(k->ssci[s].mi, l->peer[j].mi, MKA_MI_LEN))
					b = k->ssci[s].ssci;
			}
			if (a <= b)
				break;
			t = l->peer[j - 1];
			l->peer[j - 1] = l->peer[j];
			l->peer[j] = t;
		}
	}
}

void mka_ks_encode(struct mka_participant *p, struct mka_mkpdu *m)
{
	struct mka_dist_sak *d = &m->dist_sak;
	const struct mka_key *k;

	if (!p->elected_self)
		return;
	if (p->advice == MKA_ADVICE_PLAIN && p->cp.connect == MKA_CONNECT_AUTHENTICATED) {
		m->present |= MKA_HAS_DIST_SAK;
		d->plain = true;
		return;
	}
	if (!p->distributing)
		return;
	k = mka_key_find(p, &p->dist_ki);
	/* 9.8.2: until every live peer says it receives with it */
	if (!k || all_have(p, &p->dist_ki)) {
		p->distributing = false;
		return;
	}
	m->present |= MKA_HAS_DIST_SAK;
	d->an = k->an;
	d->conf_offset = k->sa.conf_offset;
	d->kn = k->ki.kn;
	d->cs = k->sa.cs;
	d->wrapped_len = (uint8_t)(k->sa.key_len + MKA_WRAP_OVERHEAD);
	memcpy(d->wrapped, p->dist_wrapped, d->wrapped_len);
	if (mka_cs_is_xpn(k->sa.cs) && m->basic.version >= 3 && m->live.n) {
		order_live_by_ssci(k, &m->live);
		m->live.key_server_ssci = (uint8_t)mka_key_ssci(p, k, p->mi, p->cfg.sci);
	}
}

int mka_ks_rx_dist_sak(struct mka_participant *p, struct mka_peer *from,
		       const struct mka_mkpdu *m)
{
	const struct mka_dist_sak *d = &m->dist_sak;
	struct mka_key *k;
	struct mka_ki ki;

	/* 9.8.2: only the elected key server distributes */
	if (p->elected_self || !p->principal || from->sci != p->ks_sci ||
	    memcmp(from->mi, p->ks_mi, MKA_MI_LEN) != 0) {
		p->cnt.in_mkpdu_dist_sak_not_key_server++;
		return -EPERM;
	}
	if (d->plain) {
		if (p->cfg.policy != MKA_POLICY_SHOULD_SECURE) {
			p->cnt.in_mkpdu_dist_sak_refused++;
			return -EPERM;
		}
		p->advice = MKA_ADVICE_PLAIN;
		return 0;
	}
	if (p->cfg.capability == MKA_CAP_NOT_IMPLEMENTED) {
		p->cnt.in_mkpdu_dist_sak_refused++;
		return -EPERM;
	}
	memcpy(ki.mi, from->mi, MKA_MI_LEN);
	ki.kn = d->kn;
	p->advice = MKA_ADVICE_SECURE;
	if (mka_key_find(p, &ki))
		return 0;   /* already have it */
	k = mka_key_alloc(p);
	if (!k) {
		p->cnt.in_mkpdu_dist_sak_refused++;
		return -ENOSPC;
	}
	if (mka_aes_unwrap(p->kek, p->key_len, d->wrapped, d->wrapped_len, k->sa.key) != 0) {
		p->cnt.sak_decryption_errors++;
		mka_wipe(k, sizeof(*k));
		return -EACCES;
	}
	k->ki = ki;
	k->an = d->an;
	k->sa.ki = ki;
	k->sa.key_len = (uint8_t)mka_cs_key_len(d->cs);
	k->sa.cs = d->cs;
	k->sa.conf_offset = d->conf_offset;
	k->created_ms = p->now;
	if (mka_cs_is_xpn(d->cs)) {
		mka_xpn_salt(&ki, k->sa.salt);
		if (!ssci_from_live_list(m, k))
			k->n_ssci = 0;   /* fall back to SCI order when installing */
	}
	k->valid = true;
	p->cnt.in_sak_mkpdu++;
	p->cp.cipher_suite = d->cs;
	p->cp.cipher_offset = d->conf_offset;
	p->cp.distributed_ki = ki;
	p->cp.distributed_an = d->an;
	p->cp.new_sak = true;
	return 0;
}
