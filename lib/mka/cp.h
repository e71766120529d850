/* SPDX-License-Identifier: BSD-3-Clause */
/* The CP state machine of 802.1X-2020 Figure 12-2: enum, entry actions, one transition a step. */
#ifndef MKA_CP_H
#define MKA_CP_H

#include <stdbool.h>
#include <stdint.h>

#include "mka.h"

/** connect, set by Logon/KaY (802.1X-2020 12.3). */
enum mka_connect {
	MKA_CONNECT_PENDING = 0,
	MKA_CONNECT_UNAUTHENTICATED,
	MKA_CONNECT_AUTHENTICATED,
	MKA_CONNECT_SECURE,
};

/** KaY procedures the CP's entry actions call (12.x "createSAs()" etc.). */
struct mka_cp_actions {
	/** createSAs(ki) then enableReceiveSAs(ki); 0 when both done (usingReceiveSAs). */
	int (*install_receive)(void *ctx, const struct mka_ki *ki);
	/** enableTransmitSA(ki); 0 when done (usingTransmitSA). */
	int (*install_transmit)(void *ctx, const struct mka_ki *ki);
	/** deleteSAs(ki). */
	void (*delete_sas)(void *ctx, const struct mka_ki *ki);
	/** The KaY should transmit an MKPDU now (newInfo). */
	void (*new_info)(void *ctx);
	/** Controlled Port variables changed: tell the SecY. */
	void (*port_changed)(void *ctx);
};

struct mka_cp {
	enum mka_cp_state state;

	/* Logon / KaY -> CP */
	enum mka_connect connect;
	bool port_enabled;
	bool chgd_server;
	bool elected_self;
	bool new_sak;
	bool using_receive_sas;
	bool all_receiving;
	bool server_transmitting;
	bool using_transmit_sa;
	enum mka_cipher_suite cipher_suite;
	uint8_t cipher_offset;
	struct mka_ki distributed_ki;
	uint8_t distributed_an;

	/* CP -> KaY */
	bool lki_valid;
	struct mka_ki lki;
	uint8_t lan;
	bool ltx, lrx;
	bool oki_valid;
	struct mka_ki oki;
	uint8_t oan;
	bool otx, orx;

	/* CP -> SecY */
	bool controlled_port_enabled;
	bool protect_frames;
	bool validate_strict;
	bool port_valid;
	enum mka_cipher_suite current_cipher_suite;
	uint8_t confidentiality_offset;

	/* timers: absolute ms, MKA_NO_DEADLINE when not running */
	uint64_t transmit_when;
	uint64_t retire_when;
	uint32_t transmit_delay;         /**< MKA Life Time */
	uint32_t retire_delay;           /**< MKA SAK Retire Time */

	const struct mka_cp_actions *act;
	void *ctx;
};

/** Put the CP in INIT (BEGIN). */
void mka_cp_init(struct mka_cp *cp, const struct mka_cp_actions *act, void *ctx,
		 uint32_t transmit_delay, uint32_t retire_delay, enum mka_cipher_suite cs,
		 uint8_t conf_offset);
/** Take at most one transition; true if one was taken. */
bool mka_cp_step(struct mka_cp *cp, uint64_t now_ms);
/** The next time a CP timer can make a transition possible. */
uint64_t mka_cp_deadline(const struct mka_cp *cp);

#endif
