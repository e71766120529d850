/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PN reservations for static transmit SAs (docs/pn-state.md): a restart, even after
 * kill -9 or a power cut, never sends a PN already used under the same key.
 */
#ifndef GW_PN_STORE_H
#define GW_PN_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "secy.h"

#define GW_PN_FP_LEN 16u          /**< key fingerprint octets kept in the file */
#define GW_PN_MAX_ENTRIES 32u     /**< SAs one link file remembers (current and earlier keys) */
#define GW_PN_LINK_MAX 32u        /**< link name length, as GW_NAME_MAX */
#define GW_PN_HORIZON_MS 2000u    /**< a reservation lasts at least this long at the measured rate */

/*
 * The model: each transmit SA has a reserved limit L on disk (fsync'd); it may send only
 * PNs below L, so its pn_max is L - 1. A restart starts at max(configured PN, L). The
 * control lcore asks for a new L when fewer than half a block is left; a writer thread
 * makes it durable (temp file, fsync, rename, fsync of the directory) and only then is
 * pn_max raised. If the data path reaches pn_max first it stops the SA (exhausted, as at
 * the end of the PN space) and the next raise lets it go on: frames are dropped, never a
 * PN reused.
 */
struct gw_pn_store;
struct gw_pn_link;

struct gw_pn_store_conf {
	const char *dir;          /**< state directory: made 0700 if missing; refused if group
				   *   or others may write it */
	uint64_t reserve_min;     /**< smallest block of PNs reserved per write (pn_reserve) */
	uint32_t horizon_ms;      /**< 0 = GW_PN_HORIZON_MS */
	bool discard_corrupt;     /**< --pn-state-discard: set a corrupt file aside and start
				   *   from the configured PNs instead of refusing to start */
	bool sync;                /**< write inside gw_pn_store_poll() (tests), not on a thread */
	/** Where messages go (level as syslog's LOG_*); NULL = stderr. Called from the
	 *  control lcore and from the writer thread. Never given key material. */
	void (*log)(void *ctx, int level, const char *msg);
	void *log_ctx;
};

/**
 * A store on @p c->dir (-EINVAL unless an absolute path). The directory is made (0700) and
 * checked by the first gw_pn_link_open(), so a gateway with MKA links only never touches it.
 */
int gw_pn_store_open(struct gw_pn_store **out, const struct gw_pn_store_conf *c, char *err,
		     size_t err_len);

/**
 * Lock and load the state file of link @p name (@p cs: its cipher suite). A missing file
 * is a first start. A corrupt or foreign one is -EINVAL with a message for the operator,
 * unless discard_corrupt. -EINVAL too when another process holds the link's lock.
 */
int gw_pn_link_open(struct gw_pn_store *s, const char *name, enum macsec_cipher_suite cs,
		    struct gw_pn_link **out, char *err, size_t err_len);

/**
 * A transmit SA of the link: its AN, its key (only a fingerprint is kept) and in @p pn the
 * configured first PN; on return @p pn is the PN to install: max(configured, the limit the
 * file holds for this key). When that lies beyond the PN space the SA will stay stopped
 * (gw_pn_link_attach) and @p pn is a legal stand-in.
 */
int gw_pn_link_add_tx_sa(struct gw_pn_link *l, uint8_t an, const uint8_t *key, size_t key_len,
			 uint64_t *pn, char *err, size_t err_len);

/**
 * Once the SAs are installed on @p secy and before any worker runs: reserve every SA's first
 * block on disk (synchronously), then lower each SA's pn_max to it. -EIO when the file
 * cannot be written.
 */
int gw_pn_link_attach(struct gw_pn_link *l, struct macsec_secy *secy, char *err,
		      size_t err_len);

/**
 * The control lcore, every loop: measure each SA's PN rate, ask for a new block when less
 * than half is left, raise pn_max to what is durable, restart an SA that waited for the
 * disk. Never waits for I/O (except with conf.sync).
 */
void gw_pn_store_poll(struct gw_pn_store *s, uint64_t now_ms);

/**
 * Stop the writer, unlock, free (NULL is fine). With @p workers_stopped the exact next PN
 * of each SA is written first, so a clean restart loses no PN.
 */
void gw_pn_store_close(struct gw_pn_store *s, bool workers_stopped);

/** The reservation on disk for @p an of link @p name, for status (0 if none). */
uint64_t gw_pn_store_limit(const struct gw_pn_store *s, const char *name, uint8_t an);

/* ---- pure parts, unit-tested ---- */

/** HMAC-SHA256(key, label) truncated: identifies a key without revealing it (docs/pn-state.md). */
void gw_pn_fingerprint(const uint8_t *key, size_t key_len, uint8_t fp[GW_PN_FP_LEN]);
/** Highest PN the suite may send (lib/macsec/pn.h). */
uint64_t gw_pn_space_max(enum macsec_cipher_suite cs);
/** First PN after a restart. */
uint64_t gw_pn_start(uint64_t conf_pn, uint64_t stored_limit);
/** The limit that reserves @p block PNs from @p next_pn, capped at @p space_max + 1. */
uint64_t gw_pn_reserve_limit(uint64_t next_pn, uint64_t block, uint64_t space_max);
/** Whether fewer than half of @p block PNs are left below @p limit (never at the space end). */
bool gw_pn_renew_due(uint64_t next_pn, uint64_t limit, uint64_t block, uint64_t space_max);
/** Block size: what @p rate_pps sends in @p horizon_ms, at least @p reserve_min, at most
 *  1/16 of the space. */
uint64_t gw_pn_block(uint64_t rate_pps, uint32_t horizon_ms, uint64_t reserve_min,
		     uint64_t space_max);

/** One remembered SA. */
struct gw_pn_entry {
	uint8_t fp[GW_PN_FP_LEN];
	uint64_t limit;           /**< no PN at or above this was sent under that key */
	uint8_t an;               /**< informative */
};

/** A state file's content. */
struct gw_pn_file {
	char link[GW_PN_LINK_MAX];
	char suite[24];           /**< informative */
	unsigned int n;
	struct gw_pn_entry e[GW_PN_MAX_ENTRIES];
};

/** Text with a SHA-256 trailer; returns its length, or -ENOSPC. */
int gw_pn_file_encode(const struct gw_pn_file *f, char *buf, size_t cap);
/** Strict decode: any deviation is -EBADMSG with @p why. */
int gw_pn_file_decode(const char *buf, size_t len, struct gw_pn_file *f, const char **why);

/* ---- test hooks: a process that dies in the middle ---- */

/** Where a write stops when the test says the process dies there. */
enum gw_pn_crash {
	GW_PN_CRASH_NONE = 0,
	GW_PN_CRASH_AFTER_OPEN,       /**< temp file created, empty */
	GW_PN_CRASH_AFTER_WRITE,      /**< written, not synced */
	GW_PN_CRASH_AFTER_FSYNC,      /**< synced, not renamed */
	GW_PN_CRASH_AFTER_RENAME,     /**< renamed, directory not synced */
	GW_PN_CRASH_COUNT
};
/** The next write of @p s dies at @p at: from then on nothing is written or raised. */
void gw_pn_store_test_crash(struct gw_pn_store *s, enum gw_pn_crash at);
/** Whether a simulated death happened. */
bool gw_pn_store_test_dead(const struct gw_pn_store *s);
/** kill -9: release fds and memory, write nothing. */
void gw_pn_store_test_abandon(struct gw_pn_store *s);

#endif
