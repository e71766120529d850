/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal state of a participant, shared by participant.c, keyserver.c, sa.c and status.c. */
#ifndef MKA_PARTICIPANT_I_H
#define MKA_PARTICIPANT_I_H

#include "cp.h"
#include "mka.h"
#include "mkpdu.h"

#define MKA_TX_HIST 64u       /* MNs we sent, to judge an "acceptably recent" echo (9.4.3) */
#define MKA_N_KEYS 3u         /* old, latest, and one distributed but not yet received */

enum mka_peer_state {
	MKA_PEER_NONE = 0,
	MKA_PEER_POTENTIAL,
	MKA_PEER_LIVE,
};

struct mka_peer {
	enum mka_peer_state state;
	uint8_t mi[MKA_MI_LEN];
	uint32_t mn;                     /* highest MN received from this MI */
	uint64_t sci;
	uint8_t priority;
	uint8_t version;
	bool key_server;                 /* its Key Server flag */
	bool macsec_desired;
	uint8_t capability;
	uint64_t expire_ms;
	bool rx_sc;                      /* we created its receive SC on the SecY */
	bool has_sak_use;                /* its last MKPDU carried a SAK Use */
	struct mka_sak_use su;
	uint64_t llpn, olpn;             /* its lowest PNs with the XPN high bits */
};

/** A SAK we hold, with the SAs made from it. */
struct mka_key {
	bool valid;
	struct mka_ki ki;
	uint8_t an;
	struct mka_sa_key sa;            /* key, suite, offset, salt; sa.ssci set per SA */
	uint8_t n_ssci;
	struct {
		uint8_t mi[MKA_MI_LEN];
		uint32_t ssci;
	} ssci[MKA_MAX_PEERS + 1];       /* XPN: SSCI per member MI, from the key server */
	/*
	 * The member incarnation (MI) each SCI had when it first got a receive SA from this key.
	 * A peer that restarted comes back with a new MI under the same SCI; it gets no receive
	 * SA from this key again, or its dead incarnation's frames (PN from 1) could be replayed
	 * into it. It is keyed by the next SAK, which its return triggers.
	 */
	uint8_t n_bound;
	struct {
		uint64_t sci;
		uint8_t mi[MKA_MI_LEN];
	} bound[MKA_MAX_PEERS];
	bool rx_enabled;                 /* receive SAs wanted for every live peer */
	uint8_t n_rx;
	uint64_t rx_sci[MKA_MAX_PEERS];  /* SCs holding a receive SA made from this key */
	bool tx_installed;
	bool tx_enabled;
	uint64_t tx_pn_prev;             /* nextPN read for the previous MKPDU (lowest PN report) */
	uint64_t created_ms;
};

/** What the Key Server told us about MACsec use (9.6). */
enum mka_advice {
	MKA_ADVICE_NONE = 0,
	MKA_ADVICE_SECURE,
	MKA_ADVICE_PLAIN,
};

struct mka_participant {
	struct mka_config cfg;           /* cak[] is wiped once ICK and KEK exist */
	uint8_t ick[MKA_KEY_MAX];
	uint8_t kek[MKA_KEY_MAX];
	uint8_t key_len;                 /* of CAK, ICK and KEK */
	uint8_t own_mac[6];
	uint64_t now;                    /* time of the call being served */

	uint8_t mi[MKA_MI_LEN];
	uint32_t mn;                     /* last MN sent */
	struct {
		uint64_t t;
		uint32_t mn;
	} tx_hist[MKA_TX_HIST];
	unsigned int tx_hist_next;

	struct mka_peer peer[MKA_MAX_PEERS];
	uint64_t last_live_ms;           /* last time we had a live peer (should-secure) */

	/* key server election (9.5) */
	bool principal;                  /* a key server is elected */
	bool elected_self;
	uint64_t ks_sci;
	uint8_t ks_priority;
	uint8_t ks_mi[MKA_MI_LEN];
	enum mka_advice advice;

	struct mka_key key[MKA_N_KEYS];

	/* key server duties (9.8) */
	uint32_t next_kn;
	uint8_t next_an;
	bool sak_wanted;
	enum mka_rekey_reason sak_reason;
	bool distributing;               /* Distributed SAK in our MKPDUs */
	struct mka_ki dist_ki;
	uint8_t dist_wrapped[MKA_KEY_MAX + MKA_WRAP_OVERHEAD];
	uint64_t last_dist_ms;
	bool have_dist;                  /* last_dist_ms is meaningful */
	uint64_t rekey_at_ms;
	uint64_t rekey_count;
	enum mka_rekey_reason last_reason;

	struct mka_cp cp;
	struct mka_port_ctl port;
	bool port_pushed;

	bool tx_now;                     /* new information: transmit once the CP rests */
	bool tx_cp;                      /* a CP entry action asked for newInfo: transmit now */
	uint64_t next_hello_ms;
	struct mka_counters cnt;
	struct mka_mkpdu scratch;        /* decode / encode work area */
};

/* participant.c */
struct mka_peer *mka_peer_by_mi(struct mka_participant *p, const uint8_t *mi);
unsigned int mka_live_count(const struct mka_participant *p);
unsigned int mka_potential_count(const struct mka_participant *p);
int mka_random(struct mka_participant *p, uint8_t *buf, size_t len);
uint64_t mka_pn_threshold(const struct mka_participant *p, enum mka_cipher_suite cs);

/* keyserver.c: election, MACsec use, SAK generation and distribution, and its receipt */
void mka_ks_elect(struct mka_participant *p);
void mka_ks_live_changed(struct mka_participant *p, bool joined);
void mka_ks_update_connect(struct mka_participant *p);
void mka_ks_request(struct mka_participant *p, enum mka_rekey_reason why);
void mka_ks_run(struct mka_participant *p);
uint64_t mka_ks_deadline(const struct mka_participant *p);
int mka_ks_rx_dist_sak(struct mka_participant *p, struct mka_peer *from,
		       const struct mka_mkpdu *m);
void mka_ks_encode(struct mka_participant *p, struct mka_mkpdu *m);

/* sa.c: SAK slots, SAs on the SecY, SAK Use both ways */
extern const struct mka_cp_actions mka_sa_cp_actions;
struct mka_key *mka_key_find(struct mka_participant *p, const struct mka_ki *ki);
struct mka_key *mka_key_alloc(struct mka_participant *p);
void mka_keys_gc(struct mka_participant *p);
void mka_sa_sync(struct mka_participant *p);
void mka_sa_peer_gone(struct mka_participant *p, struct mka_peer *peer);
void mka_sa_delete_all(struct mka_participant *p);
void mka_sa_update_cp(struct mka_participant *p);
void mka_sa_rx_sak_use(struct mka_participant *p, struct mka_peer *from,
		       const struct mka_mkpdu *m);
void mka_sa_encode(struct mka_participant *p, struct mka_mkpdu *m);
uint32_t mka_key_ssci(const struct mka_participant *p, const struct mka_key *k,
		      const uint8_t *mi, uint64_t sci);

#endif
