/* SPDX-License-Identifier: BSD-3-Clause */
/* The MKA engine API: one participant per CA, driven by received frames and a caller's clock. */
#ifndef MKA_H
#define MKA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mka_types.h"
#include "mkpdu.h"
#include "secy_ops.h"

/** Defaults (802.1X-2020 Table 9-3 and 9.8). */
#define MKA_HELLO_TIME_MS 2000u
#define MKA_LIFE_TIME_MS 6000u
#define MKA_SAK_RETIRE_TIME_MS 3000u
#define MKA_PN_THRESHOLD 0xC0000000ull               /**< 32-bit PN: ask for a new SAK */
#define MKA_XPN_PN_THRESHOLD 0xC000000000000000ull   /**< 64-bit PN */
#define MKA_PRIORITY_NEVER_KEY_SERVER 0xFFu         /**< Table 9-2 */
#define MKA_NO_DEADLINE UINT64_MAX

struct mka_participant;

/** MACsec policy for the Controlled Port. */
enum mka_policy {
	/** Nothing passes the Controlled Port until it is secured. */
	MKA_POLICY_MUST_SECURE = 0,
	/** Secure when a peer can; otherwise (no live peer for a Life Time, or the Key
	 *  Server says "plain") let frames pass unprotected. */
	MKA_POLICY_SHOULD_SECURE,
};

/** Why the Key Server distributed a SAK. */
enum mka_rekey_reason {
	MKA_REKEY_NONE = 0,
	MKA_REKEY_INITIAL,        /**< first SAK for a new set of live peers */
	MKA_REKEY_PEER_JOINED,
	MKA_REKEY_PEER_LEFT,
	MKA_REKEY_INTERVAL,
	MKA_REKEY_PN_THRESHOLD,
	MKA_REKEY_ADMIN,
};
const char *mka_rekey_reason_name(enum mka_rekey_reason r);

/** Everything a participant needs; copied at create (keys then wiped by the caller). */
struct mka_config {
	uint8_t cak[MKA_KEY_MAX];
	uint8_t cak_len;                 /**< 16 or 32 */
	uint8_t ckn[MKA_CKN_MAX];
	uint8_t ckn_len;                 /**< 1..32 */
	uint64_t sci;                    /**< our SCI: MAC address (48 bits) || port (16 bits) */
	uint8_t src_mac[6];              /**< MKPDU source; all zero = the SCI's MAC */
	uint8_t key_server_priority;     /**< lower wins; 255 never key server */
	enum mka_cipher_suite cipher_suite;   /**< what we distribute when key server */
	uint8_t conf_offset;             /**< enum mka_conf_offset wanted when key server */
	enum mka_policy policy;
	uint8_t capability;              /**< enum mka_capability; 0 (not implemented) only with
					      should-secure: a member that never protects */
	uint8_t mka_version;             /**< 1..3; 0 = default (3) */
	uint32_t hello_time_ms;          /**< 0 = 2000 */
	uint32_t life_time_ms;           /**< 0 = 6000 */
	uint32_t retire_time_ms;         /**< 0 = 3000 */
	uint64_t rekey_interval_ms;      /**< 0 = never on time alone */
	uint64_t pn_threshold;           /**< 0 = default for the cipher suite in use */
	/* EAPOL framing of our MKPDUs (802.1X-2020 11.1.1) */
	uint16_t eapol_ethertype;        /**< 0 = 0x888E */
	uint8_t eapol_dst[6];            /**< all zero = 01:80:C2:00:00:03 (PAE group) */
	bool vlan;                       /**< send MKPDUs 802.1Q-tagged */
	uint16_t vlan_tci;
	bool icv_indicator;              /**< send the ICV Indicator parameter set */
	bool announce;                   /**< send an Announcement of our cipher suites */

	/** Transmit one complete Ethernet frame (DA first, no FCS). */
	int (*send_frame)(void *ctx, const uint8_t *frame, size_t len);
	/** Random bytes for MI and SAKs; NULL = OpenSSL RAND_priv_bytes. */
	int (*random)(void *ctx, uint8_t *buf, size_t len);
	void *cb_ctx;                    /**< for send_frame and random */
	const struct mka_secy_ops *secy;
	void *secy_ctx;
};

/** Per-participant counters: OpenConfig MKA names first (openconfig-macsec), then ours. */
struct mka_counters {
	uint64_t in_mkpdu;                          /**< validated MKPDUs received */
	uint64_t in_sak_mkpdu;                      /**< ... with a Distributed SAK we took */
	uint64_t in_cak_mkpdu;                      /**< ... with a Distributed CAK (ignored) */
	uint64_t out_mkpdu;
	uint64_t out_sak_mkpdu;
	uint64_t out_cak_mkpdu;
	uint64_t in_mkpdu_icv_verification_errors;
	uint64_t in_mkpdu_validation_errors;        /**< sum of the decode reasons below */
	uint64_t in_mkpdu_bad_peer_errors;          /**< replayed MN, duplicate SCI, MI clash */
	uint64_t in_mkpdu_peer_list_errors;         /**< our MI listed with an MN we never sent */
	uint64_t sak_generation_errors;
	uint64_t sak_hash_errors;
	uint64_t sak_encryption_errors;
	uint64_t sak_decryption_errors;
	uint64_t sak_ick_verification_errors;
	/* engine reasons */
	uint64_t in_mkpdu_ckn_mismatch;             /**< not our CA: another CKN */
	uint64_t in_mkpdu_bad_destination;
	uint64_t in_mkpdu_mn_replay;                /**< MN not above the last seen from that MI */
	uint64_t in_mkpdu_duplicate_sci;            /**< a second MI for a live peer's SCI */
	uint64_t in_mkpdu_mi_collision;             /**< another SCI uses our MI: we pick a new one */
	uint64_t in_mkpdu_own;                      /**< our own MKPDU looped back */
	uint64_t in_mkpdu_peer_table_full;
	uint64_t in_mkpdu_dist_sak_not_key_server;  /**< Distributed SAK from a non-elected member */
	uint64_t in_mkpdu_dist_sak_refused;         /**< plain text under must-secure, or unusable */
	uint64_t out_mkpdu_errors;                  /**< encode or send failures */
	uint64_t secy_errors;                       /**< SecY op failures */
	uint64_t decode[MKA_DEC_ERR_COUNT];         /**< one per mka_decode_err (index 0 unused) */
};

/** Name and value of every counter, for telemetry. Returns the number written (<= cap). */
struct mka_counter_kv {
	const char *name;
	uint64_t value;
};
size_t mka_counters_list(const struct mka_counters *c, struct mka_counter_kv *out, size_t cap);

/** CP states (802.1X-2020 Figure 12-2). */
enum mka_cp_state {
	MKA_CP_INIT = 0,
	MKA_CP_CHANGE,
	MKA_CP_ALLOWED,
	MKA_CP_AUTHENTICATED,
	MKA_CP_SECURED,
	MKA_CP_RECEIVE,
	MKA_CP_RECEIVING,
	MKA_CP_READY,
	MKA_CP_TRANSMIT,
	MKA_CP_TRANSMITTING,
	MKA_CP_ABANDON,
	MKA_CP_RETIRE,
};
const char *mka_cp_state_name(enum mka_cp_state s);

struct mka_peer_status {
	uint64_t sci;
	uint8_t mi[MKA_MI_LEN];
	uint32_t mn;
	uint8_t priority;
	bool live;
	bool key_server;                 /**< the elected key server */
	uint64_t expires_in_ms;
};

struct mka_key_status {
	bool valid;
	struct mka_ki ki;
	uint8_t an;
	bool tx, rx;
};

/** A point-in-time view; no key material. */
struct mka_status {
	uint8_t ckn[MKA_CKN_MAX];
	uint8_t ckn_len;
	uint64_t sci;
	uint8_t mi[MKA_MI_LEN];
	uint32_t mn;
	uint8_t priority;
	bool principal;                  /**< a key server is elected */
	bool key_server;                 /**< we are it */
	uint64_t key_server_sci;
	uint8_t key_server_priority;
	enum mka_cp_state cp_state;
	bool secured;                    /**< portValid: SAs in use with a distributed SAK */
	bool controlled_port_enabled;
	bool protect_frames;
	enum mka_cipher_suite cipher_suite;
	uint8_t conf_offset;
	struct mka_key_status latest, old;
	uint32_t n_live, n_potential;
	struct mka_peer_status peer[MKA_MAX_PEERS];  /**< live first, then potential */
	uint64_t rekey_count;
	enum mka_rekey_reason last_rekey_reason;
	uint64_t next_rekey_in_ms;       /**< MKA_NO_DEADLINE when no interval rekey is due */
};

/**
 * Create a participant: derives ICK/KEK, picks an MI. Nothing is sent until the first tick.
 * @return 0, -EINVAL (bad config), -ENOMEM, -EIO (crypto or RNG failure).
 */
int mka_participant_create(struct mka_participant **out, const struct mka_config *cfg,
			   uint64_t now_ms);
/** Delete every SA and SC it installed, wipe every key, free. NULL is fine. */
void mka_participant_destroy(struct mka_participant *p);

/**
 * One received frame (from the Destination Address, optional 802.1Q tag; no FCS).
 * Every drop is counted. @return 0 if the MKPDU was accepted (a parameter set in it may
 * still have been refused, and counted), else -EBADMSG (malformed), -ENOENT (another CA or
 * destination), -EACCES (ICV), -EALREADY (replayed MN, duplicate SCI, our own or our MI),
 * -ENOSPC (peer table full).
 */
int mka_participant_rx(struct mka_participant *p, const uint8_t *frame, size_t len,
		       uint64_t now_ms);
/** Run timers and transmit what is due. @return the time (ms) it next wants to run. */
uint64_t mka_participant_tick(struct mka_participant *p, uint64_t now_ms);

/**
 * The SecY saw a transmit PN pass the threshold: the key server distributes a new SAK at
 * once (others report the PN in their next SAK Use). Call _tick() afterwards for the new
 * deadline.
 */
void mka_participant_pn_threshold(struct mka_participant *p, uint64_t now_ms);
/** Operator request for a new SAK; -EPERM unless we are the key server. Then call _tick(). */
int mka_participant_rekey(struct mka_participant *p, uint64_t now_ms);

void mka_participant_status(const struct mka_participant *p, uint64_t now_ms,
			    struct mka_status *st);
const struct mka_counters *mka_participant_counters(const struct mka_participant *p);

/** XPN Salt for the SAK with Key Identifier @p ki (802.1X-2020 9.8.3, our reading). */
void mka_xpn_salt(const struct mka_ki *ki, uint8_t salt[MKA_SALT_LEN]);

#endif
