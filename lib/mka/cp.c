/* SPDX-License-Identifier: BSD-3-Clause */
/* The CP state machine of 802.1X-2020 Figure 12-2: enum, entry actions, one transition a step. */
#include <string.h>

#include "cp.h"

static const char *const cp_state_names[] = {
	[MKA_CP_INIT] = "INIT",
	[MKA_CP_CHANGE] = "CHANGE",
	[MKA_CP_ALLOWED] = "ALLOWED",
	[MKA_CP_AUTHENTICATED] = "AUTHENTICATED",
	[MKA_CP_SECURED] = "SECURED",
	[MKA_CP_RECEIVE] = "RECEIVE",
	[MKA_CP_RECEIVING] = "RECEIVING",
	[MKA_CP_READY] = "READY",
	[MKA_CP_TRANSMIT] = "TRANSMIT",
	[MKA_CP_TRANSMITTING] = "TRANSMITTING",
	[MKA_CP_ABANDON] = "ABANDON",
	[MKA_CP_RETIRE] = "RETIRE",
};

const char *mka_cp_state_name(enum mka_cp_state s)
{
	return (unsigned int)s <= MKA_CP_RETIRE ? cp_state_names[s] : "?";
}

static bool expired(uint64_t when, uint64_t now)
{
	return when != MKA_NO_DEADLINE && now >= when;
}

static bool changed_cipher(const struct mka_cp *cp)
{
	return cp->cipher_suite != cp->current_cipher_suite ||
	       cp->cipher_offset != cp->confidentiality_offset;
}

static bool changed_connect(const struct mka_cp *cp)
{
	return cp->connect != MKA_CONNECT_SECURE || cp->chgd_server || changed_cipher(cp);
}

static void clear_latest(struct mka_cp *cp)
{
	cp->lki_valid = false;
	memset(&cp->lki, 0, sizeof(cp->lki));
	cp->lan = 0;
	cp->ltx = cp->lrx = false;
}

static void clear_old(struct mka_cp *cp)
{
	cp->oki_valid = false;
	memset(&cp->oki, 0, sizeof(cp->oki));
	cp->oan = 0;
	cp->otx = cp->orx = false;
}

/* ---------------------------------------------------------------- entry actions */

static void enter_init(struct mka_cp *cp)
{
	cp->controlled_port_enabled = false;
	cp->port_valid = false;
	clear_latest(cp);
	clear_old(cp);
	cp->port_enabled = true;
	cp->chgd_server = false;
	cp->act->port_changed(cp->ctx);
}

static void enter_change(struct mka_cp *cp)
{
	cp->port_valid = false;
	cp->controlled_port_enabled = false;
	cp->act->port_changed(cp->ctx);
	if (cp->lki_valid)
		cp->act->delete_sas(cp->ctx, &cp->lki);
	if (cp->oki_valid)
		cp->act->delete_sas(cp->ctx, &cp->oki);
	/* the figure keeps lki/oki; with their SAs gone we stop reporting them (as hostapd) */
	clear_latest(cp);
	clear_old(cp);
	cp->transmit_when = MKA_NO_DEADLINE;
	cp->retire_when = MKA_NO_DEADLINE;
}

static void enter_unsecured(struct mka_cp *cp)   /* ALLOWED and AUTHENTICATED */
{
	cp->protect_frames = false;
	cp->validate_strict = false;
	cp->port_valid = false;
	cp->controlled_port_enabled = true;
	cp->act->port_changed(cp->ctx);
}

static void enter_secured(struct mka_cp *cp)
{
	cp->chgd_server = false;
	cp->protect_frames = true;
	cp->validate_strict = true;
	cp->current_cipher_suite = cp->cipher_suite;
	cp->confidentiality_offset = cp->cipher_offset;
	cp->port_valid = true;
	cp->act->port_changed(cp->ctx);
}

static void enter_receive(struct mka_cp *cp)
{
	cp->lki = cp->distributed_ki;
	cp->lki_valid = true;
	cp->lan = cp->distributed_an;
	cp->ltx = cp->lrx = false;
	cp->new_sak = false;
	cp->all_receiving = false;
	/* createSAs(lki); enableReceiveSAs(): the KaY sets usingReceiveSAs when done, and
	 * retries from its tick if the SecY refused */
	cp->using_receive_sas = cp->act->install_receive(cp->ctx, &cp->lki) == 0;
}

static void enter_receiving(struct mka_cp *cp, uint64_t now)
{
	cp->lrx = true;
	cp->transmit_when = now + cp->transmit_delay;
	cp->using_receive_sas = false;
	cp->server_transmitting = false;
}

static void enter_transmit(struct mka_cp *cp)
{
	cp->controlled_port_enabled = true;
	cp->ltx = true;
	cp->all_receiving = false;
	cp->server_transmitting = false;
	cp->transmit_when = MKA_NO_DEADLINE;
	cp->using_transmit_sa = cp->act->install_transmit(cp->ctx, &cp->lki) == 0;
	cp->act->port_changed(cp->ctx);
}

static void enter_transmitting(struct mka_cp *cp, uint64_t now)
{
	/* keep receiving on the old key for the Retire Time, then RETIRE deletes it */
	cp->retire_when = cp->orx ? now + cp->retire_delay : now;
	cp->otx = false;
	cp->using_transmit_sa = false;
	cp->act->new_info(cp->ctx);
}

static void enter_abandon(struct mka_cp *cp)
{
	cp->lrx = false;
	if (cp->lki_valid)
		cp->act->delete_sas(cp->ctx, &cp->lki);
	clear_latest(cp);
	cp->transmit_when = MKA_NO_DEADLINE;
}

static void enter_retire(struct mka_cp *cp)
{
	if (cp->oki_valid)
		cp->act->delete_sas(cp->ctx, &cp->oki);
	cp->oki = cp->lki;
	cp->oki_valid = cp->lki_valid;
	cp->otx = cp->ltx;
	cp->orx = cp->lrx;
	cp->oan = cp->lan;
	clear_latest(cp);
	cp->retire_when = MKA_NO_DEADLINE;
}

static void enter(struct mka_cp *cp, enum mka_cp_state s, uint64_t now)
{
	cp->state = s;
	switch (s) {
	case MKA_CP_INIT: enter_init(cp); break;
	case MKA_CP_CHANGE: enter_change(cp); break;
	case MKA_CP_ALLOWED: enter_unsecured(cp); break;
	case MKA_CP_AUTHENTICATED: enter_unsecured(cp); break;
	case MKA_CP_SECURED: enter_secured(cp); break;
	case MKA_CP_RECEIVE: enter_receive(cp); break;
	case MKA_CP_RECEIVING: enter_receiving(cp, now); break;
	case MKA_CP_READY: cp->act->new_info(cp->ctx); break;
	case MKA_CP_TRANSMIT: enter_transmit(cp); break;
	case MKA_CP_TRANSMITTING: enter_transmitting(cp, now); break;
	case MKA_CP_ABANDON: enter_abandon(cp); break;
	case MKA_CP_RETIRE: enter_retire(cp); break;
	}
}

void mka_cp_init(struct mka_cp *cp, const struct mka_cp_actions *act, void *ctx,
		 uint32_t transmit_delay, uint32_t retire_delay, enum mka_cipher_suite cs,
		 uint8_t conf_offset)
{
	memset(cp, 0, sizeof(*cp));
	cp->act = act;
	cp->ctx = ctx;
	cp->transmit_delay = transmit_delay;
	cp->retire_delay = retire_delay;
	cp->cipher_suite = cp->current_cipher_suite = cs;
	cp->cipher_offset = cp->confidentiality_offset = conf_offset;
	cp->transmit_when = cp->retire_when = MKA_NO_DEADLINE;
	cp->connect = MKA_CONNECT_PENDING;
	enter(cp, MKA_CP_INIT, 0);
}

/* The transition out of the current state whose condition holds, or the current state. */
static enum mka_cp_state next_state(const struct mka_cp *cp, uint64_t now)
{
	if (!cp->port_enabled && cp->state != MKA_CP_INIT)
		return MKA_CP_INIT;
	switch (cp->state) {
	case MKA_CP_INIT:
		return MKA_CP_CHANGE;
	case MKA_CP_CHANGE:
		if (cp->connect == MKA_CONNECT_UNAUTHENTICATED)
			return MKA_CP_ALLOWED;
		if (cp->connect == MKA_CONNECT_AUTHENTICATED)
			return MKA_CP_AUTHENTICATED;
		if (cp->connect == MKA_CONNECT_SECURE)
			return MKA_CP_SECURED;
		break;
	case MKA_CP_ALLOWED:
		if (cp->connect != MKA_CONNECT_UNAUTHENTICATED)
			return MKA_CP_CHANGE;
		break;
	case MKA_CP_AUTHENTICATED:
		if (cp->connect != MKA_CONNECT_AUTHENTICATED)
			return MKA_CP_CHANGE;
		break;
	case MKA_CP_SECURED:
		if (changed_connect(cp))
			return MKA_CP_CHANGE;
		if (cp->new_sak)
			return MKA_CP_RECEIVE;
		break;
	case MKA_CP_RECEIVE:
		if (cp->using_receive_sas)
			return MKA_CP_RECEIVING;
		break;
	case MKA_CP_RECEIVING:
		if (cp->new_sak || changed_connect(cp))
			return MKA_CP_ABANDON;
		if (!cp->elected_self)
			return MKA_CP_READY;
		if (cp->all_receiving || !cp->controlled_port_enabled ||
		    expired(cp->transmit_when, now))
			return MKA_CP_TRANSMIT;
		break;
	case MKA_CP_READY:
		if (cp->new_sak || changed_connect(cp))
			return MKA_CP_ABANDON;
		if (cp->server_transmitting || !cp->controlled_port_enabled)
			return MKA_CP_TRANSMIT;
		break;
	case MKA_CP_TRANSMIT:
		if (cp->using_transmit_sa)
			return MKA_CP_TRANSMITTING;
		break;
	case MKA_CP_TRANSMITTING:
		if (expired(cp->retire_when, now) || changed_connect(cp))
			return MKA_CP_RETIRE;
		break;
	case MKA_CP_RETIRE:
	case MKA_CP_ABANDON:
		if (changed_connect(cp))
			return cp->state == MKA_CP_RETIRE ? MKA_CP_CHANGE : MKA_CP_RETIRE;
		if (cp->new_sak)
			return MKA_CP_RECEIVE;
		break;
	}
	return cp->state;
}

bool mka_cp_step(struct mka_cp *cp, uint64_t now_ms)
{
	enum mka_cp_state s = next_state(cp, now_ms);

	if (s == cp->state)
		return false;
	enter(cp, s, now_ms);
	return true;
}

uint64_t mka_cp_deadline(const struct mka_cp *cp)
{
	if (cp->state == MKA_CP_RECEIVING)
		return cp->transmit_when;
	if (cp->state == MKA_CP_TRANSMITTING)
		return cp->retire_when;
	return MKA_NO_DEADLINE;
}
