/* SPDX-License-Identifier: BSD-3-Clause */
/* Read-only views of a participant: status snapshot, named counters, CKN peek for routing. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "participant_i.h"

static const char *const rekey_names[] = {
	[MKA_REKEY_NONE] = "none",
	[MKA_REKEY_INITIAL] = "initial",
	[MKA_REKEY_PEER_JOINED] = "peer-joined",
	[MKA_REKEY_PEER_LEFT] = "peer-left",
	[MKA_REKEY_INTERVAL] = "interval",
	[MKA_REKEY_PN_THRESHOLD] = "pn-threshold",
	[MKA_REKEY_ADMIN] = "admin",
};

const char *mka_rekey_reason_name(enum mka_rekey_reason r)
{
	return (unsigned int)r <= MKA_REKEY_ADMIN ? rekey_names[r] : "?";
}

#define CNT(name, field) { name, offsetof(struct mka_counters, field) }

static const struct {
	const char *name;
	size_t off;
} counter_table[] = {
	CNT("in-mkpdu", in_mkpdu),
	CNT("in-sak-mkpdu", in_sak_mkpdu),
	CNT("in-cak-mkpdu", in_cak_mkpdu),
	CNT("out-mkpdu", out_mkpdu),
	CNT("out-sak-mkpdu", out_sak_mkpdu),
	CNT("out-cak-mkpdu", out_cak_mkpdu),
	CNT("in-mkpdu-icv-verification-errors", in_mkpdu_icv_verification_errors),
	CNT("in-mkpdu-validation-errors", in_mkpdu_validation_errors),
	CNT("in-mkpdu-bad-peer-errors", in_mkpdu_bad_peer_errors),
	CNT("in-mkpdu-peer-list-errors", in_mkpdu_peer_list_errors),
	CNT("sak-generation-errors", sak_generation_errors),
	CNT("sak-hash-errors", sak_hash_errors),
	CNT("sak-encryption-errors", sak_encryption_errors),
	CNT("sak-decryption-errors", sak_decryption_errors),
	CNT("sak-ick-verification-errors", sak_ick_verification_errors),
	CNT("in-mkpdu-ckn-mismatch", in_mkpdu_ckn_mismatch),
	CNT("in-mkpdu-bad-destination", in_mkpdu_bad_destination),
	CNT("in-mkpdu-mn-replay", in_mkpdu_mn_replay),
	CNT("in-mkpdu-duplicate-sci", in_mkpdu_duplicate_sci),
	CNT("in-mkpdu-mi-collision", in_mkpdu_mi_collision),
	CNT("in-mkpdu-own", in_mkpdu_own),
	CNT("in-mkpdu-peer-table-full", in_mkpdu_peer_table_full),
	CNT("in-mkpdu-dist-sak-not-key-server", in_mkpdu_dist_sak_not_key_server),
	CNT("in-mkpdu-dist-sak-refused", in_mkpdu_dist_sak_refused),
	CNT("out-mkpdu-errors", out_mkpdu_errors),
	CNT("secy-errors", secy_errors),
};

static const char *const decode_counter_names[MKA_DEC_ERR_COUNT] = {
	[MKA_DEC_FRAME_SHORT] = "in-mkpdu-invalid-frame-short",
	[MKA_DEC_ETHERTYPE] = "in-mkpdu-invalid-ethertype",
	[MKA_DEC_EAPOL_VERSION] = "in-mkpdu-invalid-eapol-version",
	[MKA_DEC_EAPOL_TYPE] = "in-mkpdu-invalid-eapol-type",
	[MKA_DEC_EAPOL_LENGTH] = "in-mkpdu-invalid-eapol-length",
	[MKA_DEC_MKPDU_LENGTH] = "in-mkpdu-invalid-mkpdu-length",
	[MKA_DEC_BASIC_LENGTH] = "in-mkpdu-invalid-basic-length",
	[MKA_DEC_MKA_VERSION] = "in-mkpdu-invalid-mka-version",
	[MKA_DEC_ALGORITHM] = "in-mkpdu-invalid-algorithm-agility",
	[MKA_DEC_SET_SHORT] = "in-mkpdu-invalid-set-short",
	[MKA_DEC_PADDING] = "in-mkpdu-invalid-padding",
	[MKA_DEC_DUPLICATE_SET] = "in-mkpdu-invalid-duplicate-set",
	[MKA_DEC_RESERVED] = "in-mkpdu-invalid-reserved",
	[MKA_DEC_PEER_LIST_LENGTH] = "in-mkpdu-invalid-peer-list-length",
	[MKA_DEC_TOO_MANY_PEERS] = "in-mkpdu-invalid-too-many-peers",
	[MKA_DEC_SAK_USE_LENGTH] = "in-mkpdu-invalid-sak-use-length",
	[MKA_DEC_DIST_SAK_LENGTH] = "in-mkpdu-invalid-dist-sak-length",
	[MKA_DEC_DIST_SAK_CIPHER] = "in-mkpdu-invalid-dist-sak-cipher-suite",
	[MKA_DEC_DIST_CAK_LENGTH] = "in-mkpdu-invalid-dist-cak-length",
	[MKA_DEC_KMD_LENGTH] = "in-mkpdu-invalid-kmd-length",
	[MKA_DEC_ANNOUNCEMENT] = "in-mkpdu-invalid-announcement",
	[MKA_DEC_XPN_LENGTH] = "in-mkpdu-invalid-xpn-length",
	[MKA_DEC_ICV_INDICATOR] = "in-mkpdu-invalid-icv-indicator",
};

size_t mka_counters_list(const struct mka_counters *c, struct mka_counter_kv *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < sizeof(counter_table) / sizeof(counter_table[0]) && n < cap; i++) {
		out[n].name = counter_table[i].name;
		memcpy(&out[n].value, (const char *)c + counter_table[i].off, sizeof(uint64_t));
		n++;
	}
	/* one per decode reason: "in-mkpdu-invalid-" + mka_decode_err_name() */
	for (unsigned int e = MKA_DEC_OK + 1; e < MKA_DEC_ERR_COUNT && n < cap; e++) {
		out[n].name = decode_counter_names[e];
		out[n].value = c->decode[e];
		n++;
	}
	return n;
}

static void key_status(const struct mka_participant *p, bool valid, const struct mka_ki *ki,
		       uint8_t an, bool tx, bool rx, struct mka_key_status *ks)
{
	(void)p;
	memset(ks, 0, sizeof(*ks));
	if (!valid)
		return;
	ks->valid = true;
	ks->ki = *ki;
	ks->an = an;
	ks->tx = tx;
	ks->rx = rx;
}

static void peer_status(const struct mka_participant *p, const struct mka_peer *q,
			struct mka_peer_status *ps)
{
	ps->sci = q->sci;
	memcpy(ps->mi, q->mi, MKA_MI_LEN);
	ps->mn = q->mn;
	ps->priority = q->priority;
	ps->live = q->state == MKA_PEER_LIVE;
	ps->key_server = p->principal && !p->elected_self && q->sci == p->ks_sci &&
			 !memcmp(q->mi, p->ks_mi, MKA_MI_LEN);
	ps->expires_in_ms = q->expire_ms > p->now ? q->expire_ms - p->now : 0;
}

void mka_participant_status(const struct mka_participant *p, uint64_t now_ms,
			    struct mka_status *st)
{
	const struct mka_cp *cp = &p->cp;
	unsigned int n = 0;

	memset(st, 0, sizeof(*st));
	memcpy(st->ckn, p->cfg.ckn, p->cfg.ckn_len);
	st->ckn_len = p->cfg.ckn_len;
	st->sci = p->cfg.sci;
	memcpy(st->mi, p->mi, MKA_MI_LEN);
	st->mn = p->mn;
	st->priority = p->cfg.key_server_priority;
	st->principal = p->principal;
	st->key_server = p->elected_self;
	st->key_server_sci = p->ks_sci;
	st->key_server_priority = p->ks_priority;
	st->cp_state = cp->state;
	st->secured = cp->port_valid && cp->controlled_port_enabled && (cp->lki_valid || cp->oki_valid);
	st->controlled_port_enabled = cp->controlled_port_enabled;
	st->protect_frames = cp->protect_frames;
	st->cipher_suite = cp->current_cipher_suite;
	st->conf_offset = cp->confidentiality_offset;
	key_status(p, cp->lki_valid, &cp->lki, cp->lan, cp->ltx, cp->lrx, &st->latest);
	key_status(p, cp->oki_valid, &cp->oki, cp->oan, cp->otx, cp->orx, &st->old);
	for (unsigned int pass = 0; pass < 2; pass++) {
		enum mka_peer_state want = pass ? MKA_PEER_POTENTIAL : MKA_PEER_LIVE;

		for (unsigned int i = 0; i < MKA_MAX_PEERS; i++) {
			if (p->peer[i].state != want)
				continue;
			peer_status(p, &p->peer[i], &st->peer[n++]);
			if (pass)
				st->n_potential++;
			else
				st->n_live++;
		}
	}
	st->rekey_count = p->rekey_count;
	st->last_rekey_reason = p->last_reason;
	st->next_rekey_in_ms = MKA_NO_DEADLINE;
	if (p->elected_self && p->rekey_at_ms != MKA_NO_DEADLINE)
		st->next_rekey_in_ms = p->rekey_at_ms > now_ms ? p->rekey_at_ms - now_ms : 0;
}
