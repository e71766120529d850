/* SPDX-License-Identifier: BSD-3-Clause */
/* macsec-bench: what its files share (options, a row's frames and SecYs, a worker, results). */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>
#include <stdint.h>

#include <intel-ipsec-mb.h>
#include <rte_mbuf.h>

#include "iv.h"
#include "secy.h"

#define BURST 32u
#define MIN_SIZE 60u               /* shortest Ethernet frame without FCS */
#define MAX_SIZE 9000u
#define SIZE_IMIX 0u               /* pseudo size: 7:4:1 of 64/594/1518 */
#define MAX_SIZES 16u
#define POOL_MIN_FRAMES 2048u
#define POOL_MIN_BYTES (8u << 20)
#define POOL_MAX_BYTES (16u << 20) /* binds for 9000 B only (1760 frames) */
#define WARMUP_PASSES 1u
#define MIN_PASSES 5u
#define MBUF_ROOM_SLACK 64u        /* tailroom past the ICV */
#define BENCH_MAX_WORKERS MACSEC_MAX_WORKERS  /* --workers N (bench_mc.c) */

enum bench_dir { DIR_PROTECT = 0, DIR_VALIDATE, DIR_COUNT };
/* The three things timed on the same buffers in every pass. */
enum bench_kind { KIND_OURS = 0, KIND_BARE, KIND_DIRECT, KIND_COUNT };

static const char *const dir_names[DIR_COUNT] = {"protect", "validate"};
static const char *const kind_names[KIND_COUNT] = {"ours", "bare", "direct"};

struct bench_opts {
	bool suite[MACSEC_CS_COUNT];
	bool dir[DIR_COUNT];
	unsigned int sizes[MAX_SIZES];
	unsigned int n_sizes;
	const char *engine;
	double seconds;            /* per row: ours' timed time to reach */
	unsigned long iters;       /* per row: timed passes (overrides seconds) */
	unsigned int frames;       /* pool size; 0 = see pool_frames() */
	unsigned int sectag_len;   /* 16 (SCI included) or 8 */
	uint32_t replay_window;
	int lcore;                 /* -1 = last CPU we may run on */
	int only;                  /* -1, or the one bench_kind to time (profiling) */
	bool json;
	bool hugepages;
	unsigned int workers;      /* 1: one core against bare ipsec-mb; N > 1: bench_mc.c */
	bool order;                /* N > 1, validate: arrival order kept (the gateway's default) */
	unsigned int slots;        /* N > 1, validate: bursts in flight; 0 = derived */
	int eal_argc;              /* after "--": replaces the default EAL arguments */
	char **eal_argv;
};

/*
 * One row's shared state: the frames, both SecYs and the bare key. Workers own
 * disjoint bursts of the frames; everything here is read-only while they run
 * except the SAs, which lib/macsec makes safe to share (PNs by atomic add).
 */
struct bench_row {
	enum macsec_cipher_suite cs;
	enum bench_dir dir;
	unsigned int size;         /* SIZE_IMIX or octets */
	uint32_t n_frames;
	uint64_t pass_octets;      /* clear frame octets in one pass over the pool */
	struct rte_mempool *pool;
	struct rte_mbuf **m;       /* frame i; m[i]->hash.usr = i */
	uint8_t *clear;            /* pristine clear frames, back to back */
	uint32_t *off;             /* frame i at clear + off[i] */
	uint16_t *len;             /* its length */
	uint8_t *wire;             /* bench_mc.c, validate: frame i protected with PN i + 1 */
	struct macsec_secy *tx;    /* protects (and prepares frames for validate) */
	struct macsec_secy *rx;    /* validates what tx protected */
	uint64_t tx_sci;
	uint32_t ssci;
	uint8_t salt[MACSEC_SALT_LEN];
	uint8_t key[MACSEC_KEY_MAX];
	unsigned int key_len;
	unsigned int tl;           /* SecTAG octets */
	bool xpn;
	struct gcm_key_data *bare_key;
};

/* The one-core worker (macsec-bench.c): its slice [first, first + n) and pass timings. */
struct bench_worker {
	unsigned int id;           /* macsec_lcore worker index */
	struct macsec_lcore mlc;
	IMB_MGR *mgr;              /* bare reference */
	uint32_t first;
	uint32_t n;
	uint64_t bare_pn;          /* PN for the bare protect IVs */
	double *cycles[KIND_COUNT]; /* per timed pass */
	uint32_t n_passes;
	uint32_t cap_passes;
};

struct bench_result {
	double mpps[KIND_COUNT];
	double gbps[KIND_COUNT];
	double cyc_per_frame[KIND_COUNT];
	double ratio[3];           /* ours / fastest bare path: per-pass 25th, 50th, 75th pct */
	double ratio_burst;        /* ours / bare job burst API, per-pass median */
	double ratio_direct;       /* ours / direct, per-pass median */
	double avg_octets;
	uint32_t passes;
};

/* bench_row.c: frames, SecYs, restore between passes */
IMB_MGR *bench_imb_mgr_new(void);
const char *bench_imb_arch_name(const IMB_MGR *mgr);
uint32_t bench_mbuf_footprint(unsigned int size);
int bench_row_setup(struct bench_row *r, const struct bench_opts *o, enum macsec_cipher_suite cs,
		    enum bench_dir dir, unsigned int size, const struct macsec_aead_engine *aead,
		    IMB_MGR *mgr);
void bench_row_teardown(struct bench_row *r);
void bench_row_sa_params(const struct bench_row *r, struct macsec_sa_params *p);
int bench_row_sa_install(struct bench_row *r);
int bench_row_pn_renew(struct bench_row *r, uint32_t frames_next);
void bench_frames_restore(struct bench_row *r, const struct bench_worker *w);
int bench_frames_prepare_validate(struct bench_row *r, struct bench_worker *w);
int bench_frames_check_clear(const struct bench_row *r, const struct bench_worker *w);
void bench_drops_explain(const struct bench_row *r);

/* bench_bare.c: the intel-ipsec-mb references */
int bench_run_bare_burst(struct bench_row *r, struct bench_worker *w, uint64_t *cycles);
int bench_run_bare_direct(struct bench_row *r, struct bench_worker *w, uint64_t *cycles);

/* macsec-bench.c */
double bench_quantile(double *v, uint32_t n, double q);

/* bench_mc.c: --workers N */
struct bench_mc;
/** Start the N workers' shared state (inboxes); the EAL must have N worker lcores. */
int bench_mc_init(struct bench_mc **out, const struct bench_opts *o,
		  const struct macsec_aead_engine *aead);
void bench_mc_fini(struct bench_mc *mc);
/** Run one row on the worker lcores (1 and N workers, interleaved) and print it. */
int bench_mc_row(struct bench_mc *mc, struct bench_row *r, bool hugepages);
void bench_mc_header_print(const struct bench_mc *mc);

#endif
