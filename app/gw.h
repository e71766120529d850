/* SPDX-License-Identifier: BSD-3-Clause */
/* Gateway runtime: links, workers and the control lcore's shared state. */
#ifndef GW_H
#define GW_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "config.h"
#include "secy.h"

struct macsec_spread;
struct gw_pn_store;

#define GW_BURST 32
#define GW_MAX_RXQ_PER_WORKER (GW_MAX_LINKS * 2 * 8)
#define GW_RECLAIM_MAX 1024
#define GW_INBOX_SIZE 1024         /* bursts other workers hand to one worker (docs/threading.md) */
#define GW_EAPOL_RING 1024         /* MKPDUs of unknown senders waiting for the control lcore */
#define GW_EAPOL_PEER_RING 128     /* ... of the CA's known peers (a queue a flood cannot fill) */
#define GW_KNOWN_PEERS 32          /* SCIs the control lcore publishes (MKA_MAX_PEERS) */

/* Counters of the gateway itself (not 802.1AE), per worker. */
struct gw_link_wstats {
	uint64_t eapol_rx;          /* frames diverted to the control lcore */
	uint64_t eapol_ring_full;   /* ... dropped because the ring was full */
	uint64_t plain_tx_drop;     /* validated frames the plain port did not take */
	uint64_t prot_tx_drop;      /* protected frames the protected port did not take */
	uint64_t port_closed_drop;  /* frames dropped while the Controlled Port was closed */
	uint64_t mkpdu_tx;          /* MKPDUs sent for the control lcore */
	uint64_t mkpdu_tx_drop;     /* ... the protected port did not take */
	uint64_t eapol_foreign_ckn; /* MKPDUs of another CA (CKN), dropped by the worker */
	uint64_t eapol_known_peer;  /* MKPDUs queued on the known peers' ring (SCI a peer's) */
	uint64_t eapol_peer_ring_full; /* ... dropped because that ring was full */
} __attribute__((aligned(64)));

/* A net_af_packet port's sockets, whose kernel ring drops the PMD does not count. */
#define GW_KSTATS_MAX_FD 16
struct gw_port_kstats {
	int fd[GW_KSTATS_MAX_FD];
	unsigned int n_fd;        /* 0: not an af_packet port */
	uint64_t drops;           /* summed since start (atomic) */
};

struct gw_link {
	const struct gw_link_conf *conf;
	unsigned int index;
	uint16_t plain_port, prot_port;
	struct rte_ether_addr prot_mac;
	struct gw_port_kstats plain_ks, prot_ks;
	struct macsec_secy *secy;
	struct rte_ring *eapol_ring;       /* workers -> control lcore */
	struct rte_ring *eapol_peer_ring;  /* ... MKPDUs whose SCI is a known peer's, drained first */
	uint64_t known_peer_sci[GW_KNOWN_PEERS]; /* control lcore publishes (atomic stores), 0 = free */
	uint16_t eapol_ethertype;
	uint16_t plain_nrxq, prot_nrxq;    /* RX queues configured on each port */
	uint64_t eapol_seen;               /* control lcore: frames taken off the ring */
	struct rte_ring *ctrl_tx_ring;     /* control lcore -> worker: MKPDUs to send */
	unsigned int ctrl_tx_worker;       /* the worker that sends them (polls protected q 0) */
	uint8_t port_enabled;              /* Controlled Port open (atomic; MKA closes it) */
	bool spread;                       /* protected queues' bursts validated on every worker */
	bool preserve_order;               /* ... and delivered in arrival order (secy.preserve_order) */
	struct gw_mka_link *mka;           /* key_agreement: mka, else NULL */
	uint8_t mka_ckn[32];               /* MKA: our CKN (not secret), for the workers' filter */
	uint8_t mka_ckn_len;
	struct gw_link_wstats ws[MACSEC_MAX_WORKERS];
};

/* One RX queue a worker polls, and where its frames go. */
struct gw_rxq {
	struct gw_link *link;
	uint16_t port, queue;
	uint8_t from_plain;       /* 1: plain -> protect -> protected; 0: protected -> validate -> plain */
	struct macsec_spread *spread; /* protected, several workers: this worker dispatches it */
};

struct gw;

struct gw_worker {
	struct gw *gw;
	unsigned int lcore;
	unsigned int index;       /* worker index: stats slot, TX queue id, RCU thread id */
	unsigned int n_rxq;
	struct gw_rxq rxq[GW_MAX_RXQ_PER_WORKER];
	struct macsec_lcore mlc;
	struct rte_ring *inbox;   /* bursts other workers' spreads hand to this one (MP/SC) */
	bool rcu_hold;            /* a grace period waits on this worker's bursts in flight */
	uint64_t loops, idle_loops;
	uint64_t busy_cycles;     /* TSC cycles of loops that moved frames or had bursts in flight */
	uint64_t rcu_holds;       /* times it stopped dispatching to let a grace period end */
};

struct gw_reclaim_item {
	void *obj;
	void (*destroy)(void *obj);
	uint64_t token;
};

struct gw {
	struct gw_conf conf;
	unsigned int n_links;
	struct gw_link links[GW_MAX_LINKS];
	unsigned int n_workers;
	struct gw_worker workers[GW_MAX_WORKERS];
	const struct macsec_aead_engine *aead;
	struct rte_mempool *pool;
	struct rte_rcu_qsbr *rcu;
	/* Deferred frees, reclaimed on the control lcore after a grace period. */
	unsigned int n_reclaim;
	struct gw_reclaim_item reclaim[GW_RECLAIM_MAX];
	/* Held by the control lcore while it changes SAs and by readers off the control
	 * lcore (telemetry thread) while they walk them. Workers never take it. */
	pthread_mutex_t ctl_lock;
	volatile bool stop;
	unsigned int drained;     /* workers stopped with nothing in flight (atomic, at exit) */
	uint64_t start_tsc;
	int listen_fd;
	struct gw_pn_store *pn_store;   /* PN reservations of static TX SAs (pn_store.c) */
};

/* port.c */
int gw_ports_init(struct gw *gw, char *err, size_t err_len);
void gw_ports_stop(struct gw *gw);

/* port_kstats.c */
int gw_port_kstats_init(struct gw *gw, uint16_t port, struct gw_port_kstats *ks);
uint64_t gw_port_kstats_drops(struct gw_port_kstats *ks);

/* lcore_dp.c */
int gw_worker_main(void *arg);
/* Give every RX queue a worker; spread protected queues over all workers (may fail). */
int gw_workers_plan(struct gw *gw, char *err, size_t err_len);
/* Free what gw_workers_plan() made, once the workers have returned. */
void gw_workers_fini(struct gw *gw);

/* ctrl.c */
int gw_ctrl_init(struct gw *gw, char *err, size_t err_len);
void gw_ctrl_loop(struct gw *gw);
void gw_ctrl_fini(struct gw *gw);
void gw_reclaim_defer(void *ctx, void *obj, void (*destroy)(void *obj));
void gw_reclaim_poll(struct gw *gw, bool wait);

/* status.c: the JSON documents the socket and telemetry serve */
struct json_t;
struct json_t *gw_json_status(struct gw *gw);
struct json_t *gw_json_stats(struct gw *gw);
struct json_t *gw_json_config(struct gw *gw);

/* telemetry.c */
int gw_telemetry_register(struct gw *gw);

/* mka_link.c: MKA on the control lcore */
struct gw_mka_link;
uint64_t gw_now_ms(void);
int gw_mka_link_init(struct gw *gw, struct gw_link *l, char *err, size_t err_len);
void gw_mka_link_fini(struct gw_link *l);
/* Feed received EAPOL frames (freed here), run timers and PN signals. */
void gw_mka_link_poll(struct gw_link *l, struct rte_mbuf **frames, unsigned int n);
int gw_mka_link_rekey(struct gw_link *l);
struct json_t *gw_mka_link_json(struct gw_link *l);

/* secy setup from config (static keys) */
int gw_secy_setup(struct gw *gw, struct gw_link *l, char *err, size_t err_len);

#endif
