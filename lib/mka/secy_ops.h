/* SPDX-License-Identifier: BSD-3-Clause */
/* The abstract SecY MKA drives (802.1AE-2018 10.7, 802.1X-2020 12); the gateway implements it. */
#ifndef MKA_SECY_OPS_H
#define MKA_SECY_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "mka_types.h"

/**
 * One SAK as handed to the SecY to create an SA. The SecY copies what it needs
 * (and expands the key schedule); MKA wipes its own copy afterwards.
 */
struct mka_sa_key {
	uint8_t key[MKA_KEY_MAX];
	uint8_t key_len;                 /**< 16 or 32 */
	struct mka_ki ki;                /**< for logs and the SecY's own bookkeeping */
	enum mka_cipher_suite cs;
	uint8_t conf_offset;             /**< enum mka_conf_offset; MKA_CO_NONE = integrity only */
	uint32_t ssci;                   /**< XPN: SSCI of the SA's transmitter (802.1AE 10.7.13) */
	uint8_t salt[MKA_SALT_LEN];      /**< XPN: 802.1X-2020 9.8.3 / 802.1AE-2018 10.7.8 */
};

/** What the CP tells the SecY about the Controlled Port (802.1X-2020 12.x, 802.1AE 10.7.x). */
struct mka_port_ctl {
	bool controlled_port_enabled;    /**< frames may pass the Controlled Port at all */
	bool protect_frames;             /**< protectFrames */
	bool validate_strict;            /**< validateFrames Strict (else Checked) */
	enum mka_cipher_suite cs;        /**< currentCipherSuite */
	uint8_t conf_offset;             /**< enum mka_conf_offset */
};

/**
 * SecY operations. Every op returns 0 or -errno; MKA counts failures (secy-errors) and
 * retries on its next tick where that makes sense. Ops may be called from
 * mka_participant_rx(), _tick() and _destroy() only, on the caller's thread.
 * @p ctx is mka_config.secy_ctx.
 */
struct mka_secy_ops {
	/** Create the receive SC for a peer's SCI (when it becomes live). */
	int (*rx_sc_create)(void *ctx, uint64_t sci);
	/** Delete a receive SC and any SA left on it. */
	int (*rx_sc_delete)(void *ctx, uint64_t sci);
	/** Install (replace) receive SA @p an on SC @p sci, accepting PNs from @p lowest_pn;
	 *  not yet enabled. */
	int (*rx_sa_install)(void *ctx, uint64_t sci, uint8_t an, const struct mka_sa_key *key,
			     uint64_t lowest_pn);
	/** enableReceive on/off. */
	int (*rx_sa_enable)(void *ctx, uint64_t sci, uint8_t an, bool enable);
	int (*rx_sa_delete)(void *ctx, uint64_t sci, uint8_t an);
	/** Install (replace) the transmit SA @p an starting at @p next_pn. Not yet enabled. */
	int (*tx_sa_install)(void *ctx, uint8_t an, const struct mka_sa_key *key, uint64_t next_pn);
	/** enableTransmit on/off. */
	int (*tx_sa_enable)(void *ctx, uint8_t an, bool enable);
	/** Make @p an the encoding SA (the one new frames are protected with). */
	int (*tx_set_encoding_an)(void *ctx, uint8_t an);
	int (*tx_sa_delete)(void *ctx, uint8_t an);
	/** nextPN of transmit SA @p an (for the SAK Use lowest PN and PN exhaustion). */
	int (*tx_sa_get_next_pn)(void *ctx, uint8_t an, uint64_t *next_pn);
	/** Optional (may be NULL): raise a receive SA's lowest acceptable PN (delay protection). */
	int (*rx_sa_set_lowest_pn)(void *ctx, uint64_t sci, uint8_t an, uint64_t lowest_pn);
	/** Controlled Port state, on every change. */
	int (*port_set)(void *ctx, const struct mka_port_ctl *ctl);
};

#endif
