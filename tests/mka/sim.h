/* SPDX-License-Identifier: BSD-3-Clause */
/* Virtual-clock simulation of MKA participants: a fake SecY per node, a fake wire between them. */
#ifndef MKA_SIM_H
#define MKA_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mka.h"
#include "tutil.h"

#define SIM_MAX_NODES 10u
#define SIM_MAX_RX_SA 64u
#define SIM_MAX_EVENTS 4096u
#define SIM_QUEUE 512u

enum sim_op {
	SIM_RX_SC_CREATE, SIM_RX_SC_DELETE, SIM_RX_SA_INSTALL, SIM_RX_SA_ENABLE, SIM_RX_SA_DELETE,
	SIM_TX_SA_INSTALL, SIM_TX_SA_ENABLE, SIM_TX_ENCODING, SIM_TX_SA_DELETE, SIM_PORT,
};

struct sim_event {
	enum sim_op op;
	uint64_t t;
	uint64_t sci;
	uint8_t an;
	uint32_t kn;
};

struct sim_sa {
	bool used;
	bool enabled;
	uint64_t sci;
	uint8_t an;
	struct mka_sa_key key;
	uint64_t pn;
};

/* What a SecY would hold, and everything MKA asked of it, in order. */
struct fake_secy {
	struct sim *sim;
	unsigned int node;
	uint64_t rx_sc[SIM_MAX_RX_SA];
	unsigned int n_rx_sc;
	struct sim_sa rx[SIM_MAX_RX_SA];
	struct sim_sa tx[4];
	int encoding_an;                 /* -1: none */
	unsigned int encoding_switches;
	struct mka_port_ctl port;
	struct sim_event ev[SIM_MAX_EVENTS];
	unsigned int n_ev;
	int fail_rx_installs;            /* refuse this many rx_sa_install calls */
};

struct sim_node {
	bool up;                         /* participant exists */
	bool silent;                     /* its frames are lost */
	bool deaf;                       /* frames to it are lost */
	struct mka_participant *p;
	struct mka_config cfg;
	struct fake_secy secy;
	struct tu_rng rng;
	uint64_t next_tick;
};

struct sim_frame {
	unsigned int from;
	size_t len;
	uint8_t b[1536];
};

/* A test's view of every frame on the wire; return false to drop it for @p to. */
typedef bool (*sim_filter_fn)(struct sim *s, unsigned int from, unsigned int to, uint8_t *frame,
			      size_t *len);

struct sim {
	uint64_t now;
	unsigned int n;
	struct sim_node node[SIM_MAX_NODES];
	struct sim_frame q[SIM_QUEUE];
	unsigned int q_head, q_tail;
	sim_filter_fn filter;
	void *filter_ctx;
	/* the last frame each node sent, for replay and forgery tests */
	struct sim_frame last[SIM_MAX_NODES];
	/* frames seen on the wire, for a pcap */
	struct sim_frame *capture;
	unsigned int n_capture, capture_cap;
	unsigned int hitless_violations;  /* TX switched before a live peer could receive */
	unsigned int order_violations;    /* TX enabled before our own RX SAs for the AN */
};

/* Node @p i's default configuration: shared CAK/CKN, SCI 02:00:00:00:00:(i+1)/1, priority 16,
 * GCM-AES-128, must-secure. Change s->node[i].cfg before sim_start(). */
void sim_init(struct sim *s, unsigned int n);
/* Create node @p i's participant now. */
void sim_start(struct sim *s, unsigned int i);
void sim_start_all(struct sim *s);
/* Advance virtual time by @p ms, delivering frames and running timers as they fall due. */
void sim_run(struct sim *s, uint64_t ms);
/* Deliver a crafted frame to node @p to now; returns mka_participant_rx()'s result. */
int sim_inject(struct sim *s, unsigned int to, const uint8_t *frame, size_t len);
void sim_stop(struct sim *s, unsigned int i);
void sim_fini(struct sim *s);

void sim_status(struct sim *s, unsigned int i, struct mka_status *st);
/* Transmitting with an SA every other connected node receives (same key, SSCI, salt). */
bool sim_secured(struct sim *s, unsigned int i);
/* Every connected (up, neither silent nor deaf) node is secured. */
bool sim_all_secured(struct sim *s);
/* Node @p i's frame @p f decoded, changed by @p edit, encoded and signed with the ICK of
 * node @p i's CAK/CKN: what a member holding the CAK could send. Returns its length. */
size_t sim_craft(struct sim *s, unsigned int i, const struct sim_frame *f,
		 void (*edit)(struct mka_mkpdu *m, void *arg), void *arg, uint8_t *out);
/* The enabled TX SA the SecY encodes with, or NULL. */
const struct sim_sa *sim_tx(struct sim *s, unsigned int i);
/* Node @p i's enabled RX SA for @p sci / @p an, or NULL. */
const struct sim_sa *sim_rx(struct sim *s, unsigned int i, uint64_t sci, uint8_t an);
uint64_t sim_sci(unsigned int i);
unsigned int sim_count_events(struct sim *s, unsigned int i, enum sim_op op);
const struct mka_counters *sim_cnt(struct sim *s, unsigned int i);
/* Write every captured frame to a pcap file. */
int sim_write_pcap(struct sim *s, const char *path);

#endif
