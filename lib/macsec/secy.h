/* SPDX-License-Identifier: BSD-3-Clause */
/* The SecY model: one transmit SC, many receive SCs by SCI, four SAs each (802.1AE clause 10). */
#ifndef MACSEC_SECY_H
#define MACSEC_SECY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aead.h"
#include "stats.h"

#define MACSEC_NUM_AN 4u
#define MACSEC_MAX_RX_SC 32u
#define MACSEC_MAX_WORKERS 16u
#define MACSEC_KEY_MAX 32u
#define MACSEC_MAX_CLEAR_TAGS 2u

enum macsec_cipher_suite {
	MACSEC_CS_GCM_AES_128 = 0,
	MACSEC_CS_GCM_AES_256,
	MACSEC_CS_GCM_AES_XPN_128,
	MACSEC_CS_GCM_AES_XPN_256,
	MACSEC_CS_COUNT
};

/** validateFrames, 802.1AE 10.7.8. */
enum macsec_validate {
	MACSEC_VALIDATE_DISABLED = 0,
	MACSEC_VALIDATE_CHECK,
	MACSEC_VALIDATE_STRICT,
};

/** How the high half of a received XPN PN is recovered (lib/macsec/pn.h). */
enum macsec_xpn_recovery {
	MACSEC_XPN_RECOVERY_IEEE = 0,  /**< 802.1AE-2018 10.6.2 (default) */
	MACSEC_XPN_RECOVERY_LINUX,     /**< as Linux drivers/net/macsec.c */
};

/** The SecY's management settings (802.1AE 10.7). */
struct macsec_secy_conf {
	enum macsec_cipher_suite cipher_suite;
	enum macsec_validate validate_frames;
	uint64_t sci;                 /**< our transmit SCI */
	uint32_t replay_window;       /**< 0 = strict order */
	uint16_t mtu;                 /**< protected frame length minus the 14-octet header */
	uint8_t confidentiality_offset; /**< 0, 30 or 50 */
	uint8_t vlan_tags_in_clear;   /**< 0..2 802.1Q/802.1ad tags left before the SecTAG */
	uint8_t xpn_recovery;         /**< enum macsec_xpn_recovery */
	bool protect_frames;          /**< false: transmit untagged */
	bool encrypt;                 /**< confidentialityProtect; false = integrity only */
	bool include_sci;             /**< alwaysIncludeSCI */
	bool use_es;                  /**< set ES (implicit SCI = source MAC || port 1) */
	bool use_scb;                 /**< set SCB (EPON single copy broadcast) */
	bool replay_protect;
};

/**
 * Runtime SA: what a worker reads per frame, published by pointer. The first cache
 * line is read by every frame and written only by the control lcore (or once, at the
 * PN limits); nextPN, which several lcores sharing the SA write once a burst, has a
 * line of its own so that its writes do not evict the key and salt from the others'
 * caches; per-worker counters follow in their own lines.
 */
struct macsec_sa {
	uint64_t pn_max;         /**< highest PN this SA may use */
	uint64_t pn_threshold;   /**< TX: key agreement wants a new SAK past this */
	const struct macsec_aead_key *key;
	uint32_t ssci;
	uint8_t an;
	uint8_t xpn;
	uint8_t active;          /**< RX enableReceive / TX enableTransmit (atomic) */
	uint8_t exhausted;       /**< TX: PN limit reached, SA stopped (atomic) */
	uint8_t threshold_hit;   /**< TX: pn_threshold passed (atomic) */
	uint8_t salt[12];
	/** TX: next PN to send (fetch-add per burst); RX: next expected PN (CAS per run). */
	uint64_t next_pn __attribute__((aligned(MACSEC_CACHE_LINE)));
	union {
		struct macsec_rx_sa_stats rx[MACSEC_MAX_WORKERS];
		struct macsec_tx_sa_stats tx[MACSEC_MAX_WORKERS];
	} stats;
} __attribute__((aligned(MACSEC_CACHE_LINE)));

_Static_assert(offsetof(struct macsec_sa, next_pn) == MACSEC_CACHE_LINE,
	       "the runtime SA's read-mostly fields must fit one cache line");
_Static_assert(offsetof(struct macsec_sa, stats) == 2 * MACSEC_CACHE_LINE,
	       "nextPN has a cache line of its own");

/** What a caller supplies to create an SA (the control-plane view). */
struct macsec_sa_params {
	uint8_t an;
	uint8_t key_len;           /**< 16 or 32, must match the cipher suite */
	uint8_t key[MACSEC_KEY_MAX];
	uint64_t pn;               /**< TX: first PN; RX: lowest acceptable/next PN */
	uint32_t ssci;             /**< XPN only */
	uint8_t salt[12];          /**< XPN only */
	bool active;
};

/** A receive SC: its SCI and four SA slots. */
struct macsec_rx_sc {
	uint64_t sci;
	struct macsec_sa *sa[MACSEC_NUM_AN];  /**< published by atomic store */
	uint8_t active;
	struct macsec_secy *secy;             /**< control plane: where its counts go when removed */
	struct macsec_rx_sc_stats taken;      /**< ... added there at removal (the rest at destroy) */
	struct macsec_rx_sc_stats stats[MACSEC_MAX_WORKERS];
};

/** The set of receive SCs, immutable once published; replaced whole on change. */
struct macsec_rx_sc_table {
	uint32_t n;
	uint64_t sci[MACSEC_MAX_RX_SC];
	struct macsec_rx_sc *sc[MACSEC_MAX_RX_SC];
};

/**
 * How the SecY hands back an object that workers may still read: the gateway
 * frees it after an RCU grace period; the default frees at once (tests, tools).
 */
struct macsec_reclaim {
	void (*defer)(void *ctx, void *obj, void (*destroy)(void *obj));
	void *ctx;
};

struct macsec_secy {
	struct macsec_secy_conf conf;
	const struct macsec_aead_engine *aead;
	struct macsec_reclaim reclaim;
	uint8_t sectag_len;              /**< 8 or 16 */
	uint8_t key_len;                 /**< 16 or 32 */
	uint8_t xpn;
	uint8_t tx_tci;                  /**< TCI bits of every transmitted SecTAG (conf is fixed) */
	uint8_t tx_plain;                /**< encrypts from octet 0, no tag in clear: short TX path */
	uint8_t encoding_an;             /**< atomic */
	struct macsec_sa *tx_sa[MACSEC_NUM_AN];   /**< atomic pointers */
	struct macsec_rx_sc_table *rx_scs;        /**< atomic pointer */
	struct macsec_secy_stats stats[MACSEC_MAX_WORKERS];
	/** Counters of receive SCs removed since create (control plane, atomic adds). */
	struct macsec_rx_sc_stats rx_sc_removed;
};

/** Per-lcore working state for the burst functions. */
struct macsec_lcore {
	unsigned int worker;               /**< index into every stats[] array */
	const struct macsec_aead_engine *aead;
	void *aead_lctx;
	uint8_t *bounce;                   /**< linear copy of a multi-segment frame */
	uint32_t bounce_len;
};

/** Octets the cipher suite's key has (16 or 32). */
unsigned int macsec_cs_key_len(enum macsec_cipher_suite cs);
bool macsec_cs_is_xpn(enum macsec_cipher_suite cs);
/** 64-bit cipher suite identifier (802.1AE 14.8 table). */
uint64_t macsec_cs_id(enum macsec_cipher_suite cs);
const char *macsec_cs_name(enum macsec_cipher_suite cs);
/** Parse "gcm-aes-128" etc. (case-insensitive); -EINVAL if unknown. */
int macsec_cs_parse(const char *s, enum macsec_cipher_suite *cs);
const char *macsec_validate_name(enum macsec_validate v);

/** Check a configuration; returns 0 or -EINVAL and sets @p why. */
int macsec_secy_conf_check(const struct macsec_secy_conf *conf, const char **why);

/** Create a SecY (all SAs empty). @p reclaim may be NULL (free at once). */
int macsec_secy_create(struct macsec_secy **out, const struct macsec_secy_conf *conf,
		       const struct macsec_aead_engine *aead, const struct macsec_reclaim *reclaim);
/** Destroy a SecY no worker uses any more: every key is wiped. */
void macsec_secy_destroy(struct macsec_secy *secy);

/** Install (or replace) the transmit SA in slot p->an. */
int macsec_secy_tx_sa_install(struct macsec_secy *secy, const struct macsec_sa_params *p);
/** Remove the transmit SA on @p an; -ENOENT if none. */
int macsec_secy_tx_sa_remove(struct macsec_secy *secy, uint8_t an);
/** Which AN the SecY transmits with (encodingSA). */
int macsec_secy_tx_set_encoding_an(struct macsec_secy *secy, uint8_t an);

/** Add a receive SC; -EEXIST if the SCI is known, -ENOSPC when full. */
int macsec_secy_rx_sc_add(struct macsec_secy *secy, uint64_t sci);
int macsec_secy_rx_sc_remove(struct macsec_secy *secy, uint64_t sci);
/** Install (or replace) a receive SA on the SC with @p sci. */
int macsec_secy_rx_sa_install(struct macsec_secy *secy, uint64_t sci, const struct macsec_sa_params *p);
int macsec_secy_rx_sa_remove(struct macsec_secy *secy, uint64_t sci, uint8_t an);
/** Enable or disable a receive SA (enableReceive) or transmit SA (enableTransmit). */
int macsec_secy_rx_sa_set_active(struct macsec_secy *secy, uint64_t sci, uint8_t an, bool on);

/** enableTransmit of the transmit SA on @p an. */
int macsec_secy_tx_sa_set_active(struct macsec_secy *secy, uint8_t an, bool on);
/** nextPN of the transmit SA on @p an (-ENOENT if none). */
int macsec_secy_tx_sa_next_pn(const struct macsec_secy *secy, uint8_t an, uint64_t *next_pn);
/** Raise a receive SA's nextPN to at least @p next_pn (never lowers it). */
int macsec_secy_rx_sa_raise_next_pn(struct macsec_secy *secy, uint64_t sci, uint8_t an,
				    uint64_t next_pn);
/**
 * Change protectFrames and validateFrames of a running SecY (key agreement moving the
 * Controlled Port between clear and protected, 802.1X-2020 12.x). Workers see the new values
 * from their next frame on.
 */
void macsec_secy_set_protection(struct macsec_secy *secy, bool protect_frames,
				enum macsec_validate validate_frames);

/** Current receive SC table (for readers on the control lcore). */
const struct macsec_rx_sc_table *macsec_secy_rx_scs(const struct macsec_secy *secy);
/** Find a receive SC on a table (hot path; linear over a compact SCI array). */
static inline struct macsec_rx_sc *macsec_rx_sc_table_find(const struct macsec_rx_sc_table *t,
							  uint64_t sci)
{
	for (uint32_t i = 0; i < t->n; i++)
		if (t->sci[i] == sci)
			return t->sc[i];
	return NULL;
}

/** Summed counters, read on any lcore. */
void macsec_secy_stats_sum(const struct macsec_secy *secy, struct macsec_secy_stats *out);
void macsec_rx_sc_stats_sum(const struct macsec_rx_sc *sc, struct macsec_rx_sc_stats *out);
void macsec_rx_sa_stats_sum(const struct macsec_sa *sa, struct macsec_rx_sa_stats *out);
void macsec_tx_sa_stats_sum(const struct macsec_sa *sa, struct macsec_tx_sa_stats *out);
/**
 * Every receive SC's counters added up, those of SCs removed since the SecY was created
 * included (an MKA peer that leaves takes its SC, not its frames, out of the totals).
 */
void macsec_secy_rx_sc_totals(const struct macsec_secy *secy, struct macsec_rx_sc_stats *out);

/** Per-lcore state: @p worker < MACSEC_MAX_WORKERS; allocates the engine context and bounce buffer. */
int macsec_lcore_init(struct macsec_lcore *lc, unsigned int worker,
		      const struct macsec_aead_engine *aead, uint32_t max_frame);
void macsec_lcore_fini(struct macsec_lcore *lc);

#endif
