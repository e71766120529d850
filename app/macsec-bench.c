/* SPDX-License-Identifier: BSD-3-Clause */
/* macsec-bench: lib/macsec protect/validate on one core against bare intel-ipsec-mb AES-GCM, in memory. */
#include <errno.h>
#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <intel-ipsec-mb.h>
#include <jansson.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_prefetch.h>

#include "aead.h"
#include "iv.h"
#include "macsec_dp.h"
#include "sectag.h"
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
#define MAX_WORKERS 1u             /* --workers N: planned, one shared SA (see struct bench_worker) */

enum bench_dir { DIR_PROTECT = 0, DIR_VALIDATE, DIR_COUNT };
/* The three things timed on the same buffers in every pass. */
enum bench_kind { KIND_OURS = 0, KIND_BARE, KIND_DIRECT, KIND_COUNT };

static const char *const dir_names[DIR_COUNT] = {"protect", "validate"};
static const char *const kind_names[KIND_COUNT] = {"ours", "bare", "direct"};
static const uint16_t imix_cycle[12] = {64, 594, 64, 64, 1518, 64, 594, 64, 64, 594, 64, 594};
static const unsigned int default_sizes[] = {64, 128, 256, 512, 1024, 1514, 9000, SIZE_IMIX};

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
	int eal_argc;              /* after "--": replaces the default EAL arguments */
	char **eal_argv;
};

/*
 * One row's shared state: the frames, both SecYs and the bare key. Workers own
 * disjoint slices of the frames; everything here is read-only while they run
 * except the SAs, which lib/macsec makes safe to share (PNs by atomic add).
 */
struct bench_row {
	enum macsec_cipher_suite cs;
	enum bench_dir dir;
	unsigned int size;         /* SIZE_IMIX or octets */
	uint32_t n_frames;
	uint64_t pass_octets;      /* clear frame octets in one pass over the pool */
	struct rte_mempool *pool;
	struct rte_mbuf **m;
	uint8_t *clear;            /* pristine clear frames, back to back */
	uint32_t *off;             /* frame i at clear + off[i] */
	uint16_t *len;             /* its length */
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

/*
 * Per-worker state. Today one worker runs on the main lcore; --workers N will
 * launch one per lcore (rte_eal_remote_launch) over its slice [first, first + n),
 * each with its own macsec_lcore and IMB_MGR, and sum the counts.
 */
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

static void usage(FILE *f)
{
	fprintf(f,
		"usage: macsec-bench [options] [-- EAL arguments]\n"
		"Times lib/macsec macsec_protect_burst/macsec_validate_burst (bursts of %u, one core)\n"
		"over frames in memory, and in the same run bare intel-ipsec-mb AES-GCM on the same\n"
		"buffers: the job burst API and the direct API; ratio = ours / the faster of the two.\n"
		"  --suite LIST     gcm-aes-128,gcm-aes-256,gcm-aes-xpn-128,gcm-aes-xpn-256 or all (default)\n"
		"  --size LIST      clear frame octets %u..%u and/or imix (7:4:1 of 64/594/1518), or all\n"
		"                   (default 64,128,256,512,1024,1514,9000,imix)\n"
		"  --dir D          protect, validate or both (default)\n"
		"  --engine E       lib/macsec engine: auto (default: what the gateway picks), ipsec-mb,\n"
		"                   ipsec-mb-direct, openssl\n"
		"  --seconds S      per row, until ours has been timed S seconds (default 0.5)\n"
		"  --iters N        per row, exactly N timed passes over the pool instead\n"
		"  --frames N       frames in the pool (default: >= 2048 and >= 8 MiB of mbufs, <= 16 MiB)\n"
		"  --sectag 16|8    SecTAG with SCI (default 16) or without (8)\n"
		"  --replay-window N  receive replay window (default 64; replay protection is on)\n"
		"  --lcore N        CPU to run on (default: the last one we may use)\n"
		"  --hugepages      back the mempool with hugepages (default --no-huge -m 1024)\n"
		"  --json           one JSON object per row instead of a table\n"
		"  --only K         time only ours, bare or direct (to profile one with perf/callgrind)\n"
		"EAL arguments after \"--\" replace the defaults (--no-huge -m 1024 --file-prefix\n"
		"benchPID --no-pci -l N). Exit status: 0 ok, 1 run failed, 2 bad arguments.\n",
		BURST, MIN_SIZE, MAX_SIZE);
}

static int bad_arg(const char *what, const char *val, const char *expected)
{
	fprintf(stderr, "macsec-bench: bad %s '%s': expected %s\n", what, val, expected);
	return 2;
}

/* Split a comma list in place and call @p each on every item; stops at the first error. */
static int list_each(char *s, int (*each)(const char *item, struct bench_opts *o), struct bench_opts *o)
{
	char *save = NULL;
	int rc = 0;

	for (char *t = strtok_r(s, ",", &save); t != NULL && rc == 0; t = strtok_r(NULL, ",", &save))
		rc = each(t, o);
	return rc;
}

static int suite_add(const char *s, struct bench_opts *o)
{
	enum macsec_cipher_suite cs;

	if (strcasecmp(s, "all") == 0) {
		for (unsigned int i = 0; i < MACSEC_CS_COUNT; i++)
			o->suite[i] = true;
		return 0;
	}
	if (macsec_cs_parse(s, &cs) < 0)
		return bad_arg("--suite", s, "gcm-aes-128, gcm-aes-256, gcm-aes-xpn-128, gcm-aes-xpn-256 or all");
	o->suite[cs] = true;
	return 0;
}

static int size_add(const char *s, struct bench_opts *o)
{
	unsigned long v;
	char *end;

	if (strcasecmp(s, "all") == 0) {
		o->n_sizes = 0;
		for (size_t i = 0; i < sizeof(default_sizes) / sizeof(default_sizes[0]); i++)
			o->sizes[o->n_sizes++] = default_sizes[i];
		return 0;
	}
	if (strcasecmp(s, "imix") == 0) {
		v = SIZE_IMIX;
	} else {
		errno = 0;
		v = strtoul(s, &end, 10);
		if (errno != 0 || end == s || *end != '\0' || v < MIN_SIZE || v > MAX_SIZE)
			return bad_arg("--size", s, "an integer 60..9000, imix or all");
	}
	if (o->n_sizes >= MAX_SIZES) {
		fprintf(stderr, "macsec-bench: at most %u sizes\n", MAX_SIZES);
		return 2;
	}
	o->sizes[o->n_sizes++] = (unsigned int)v;
	return 0;
}

static int parse_ulong(const char *what, const char *s, unsigned long lo, unsigned long hi,
		       unsigned long *out)
{
	char buf[64];
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || *s == '-' || *out < lo || *out > hi) {
		snprintf(buf, sizeof(buf), "an integer %lu..%lu", lo, hi);
		return bad_arg(what, s, buf);
	}
	return 0;
}

/* 0 = run, 1 = --help shown, 2 = bad arguments (message printed). */
static int opts_parse(int argc, char **argv, struct bench_opts *o)
{
	enum { O_SUITE = 256, O_SIZE, O_DIR, O_ENGINE, O_SECONDS, O_ITERS, O_FRAMES, O_SECTAG,
	       O_WINDOW, O_LCORE, O_HUGE, O_JSON, O_ONLY, O_HELP };
	static const struct option lo[] = {
		{"suite", required_argument, NULL, O_SUITE}, {"size", required_argument, NULL, O_SIZE},
		{"dir", required_argument, NULL, O_DIR}, {"engine", required_argument, NULL, O_ENGINE},
		{"seconds", required_argument, NULL, O_SECONDS}, {"iters", required_argument, NULL, O_ITERS},
		{"frames", required_argument, NULL, O_FRAMES}, {"sectag", required_argument, NULL, O_SECTAG},
		{"replay-window", required_argument, NULL, O_WINDOW},
		{"lcore", required_argument, NULL, O_LCORE}, {"hugepages", no_argument, NULL, O_HUGE},
		{"json", no_argument, NULL, O_JSON}, {"only", required_argument, NULL, O_ONLY},
		{"help", no_argument, NULL, O_HELP},
		{NULL, 0, NULL, 0},
	};
	bool any_suite = false, any_dir = false, seconds_set = false;
	unsigned long v;
	char *end;
	int c, rc = 0;

	memset(o, 0, sizeof(*o));
	o->engine = "auto";
	o->seconds = 0.5;
	o->sectag_len = MACSEC_SECTAG_LEN_SCI;
	o->replay_window = 64;
	o->lcore = -1;
	o->only = -1;
	opterr = 0;
	while (rc == 0 && (c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case O_SUITE:
			rc = list_each(optarg, suite_add, o);
			any_suite = true;
			break;
		case O_SIZE:
			o->n_sizes = 0;
			rc = list_each(optarg, size_add, o);
			if (rc == 0 && o->n_sizes == 0)
				rc = bad_arg("--size", optarg, "a list of sizes");
			break;
		case O_DIR:
			any_dir = true;
			if (strcmp(optarg, "protect") == 0)
				o->dir[DIR_PROTECT] = true;
			else if (strcmp(optarg, "validate") == 0)
				o->dir[DIR_VALIDATE] = true;
			else if (strcmp(optarg, "both") == 0)
				o->dir[DIR_PROTECT] = o->dir[DIR_VALIDATE] = true;
			else
				rc = bad_arg("--dir", optarg, "protect, validate or both");
			break;
		case O_ENGINE:
			if (strcmp(optarg, "ipsec-mb") != 0 && strcmp(optarg, "ipsec-mb-direct") != 0 &&
			    strcmp(optarg, "openssl") != 0 && strcmp(optarg, "auto") != 0)
				rc = bad_arg("--engine", optarg,
					     "auto, ipsec-mb, ipsec-mb-direct or openssl");
			o->engine = optarg;
			break;
		case O_SECONDS:
			errno = 0;
			o->seconds = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' || !(o->seconds > 0) ||
			    o->seconds > 3600)
				rc = bad_arg("--seconds", optarg, "a number of seconds in (0, 3600]");
			seconds_set = true;
			break;
		case O_ITERS:
			rc = parse_ulong("--iters", optarg, 1, 10000000, &o->iters);
			break;
		case O_FRAMES:
			rc = parse_ulong("--frames", optarg, BURST, 1u << 20, &v);
			o->frames = (unsigned int)v;
			break;
		case O_SECTAG:
			rc = parse_ulong("--sectag", optarg, 8, 16, &v);
			if (rc == 0 && v != 8 && v != 16)
				rc = bad_arg("--sectag", optarg, "16 (SCI included) or 8");
			o->sectag_len = (unsigned int)v;
			break;
		case O_WINDOW:
			rc = parse_ulong("--replay-window", optarg, 0, UINT32_MAX, &v);
			o->replay_window = (uint32_t)v;
			break;
		case O_LCORE:
			rc = parse_ulong("--lcore", optarg, 0, RTE_MAX_LCORE - 1, &v);
			if (rc == 0 && CPU_SETSIZE > v) {
				cpu_set_t set;

				if (sched_getaffinity(0, sizeof(set), &set) == 0 && !CPU_ISSET(v, &set))
					rc = bad_arg("--lcore", optarg, "a CPU this process may run on");
			}
			o->lcore = (int)v;
			break;
		case O_HUGE:
			o->hugepages = true;
			break;
		case O_JSON:
			o->json = true;
			break;
		case O_ONLY:
			for (int k = 0; k < KIND_COUNT; k++)
				if (strcmp(optarg, kind_names[k]) == 0)
					o->only = k;
			if (o->only < 0)
				rc = bad_arg("--only", optarg, "ours, bare or direct");
			break;
		case 'h':
		case O_HELP:
			usage(stdout);
			return 1;
		default:
			fprintf(stderr, "macsec-bench: unknown or incomplete option '%s'\n", argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (rc != 0)
		return rc;
	if (optind < argc && strcmp(argv[optind - 1], "--") != 0) {
		fprintf(stderr, "macsec-bench: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (o->iters != 0 && seconds_set) {
		fprintf(stderr, "macsec-bench: --seconds and --iters exclude each other\n");
		return 2;
	}
	if (optind < argc) {
		o->eal_argc = argc - optind;
		o->eal_argv = argv + optind;
	}
	if (!any_suite)
		suite_add("all", o);
	if (!any_dir)
		o->dir[DIR_PROTECT] = o->dir[DIR_VALIDATE] = true;
	if (o->n_sizes == 0)
		size_add("all", o);
	return 0;
}

static int default_lcore(void)
{
	cpu_set_t set;
	int last = 0;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 0;
	for (int i = 0; i < CPU_SETSIZE && i < RTE_MAX_LCORE; i++)
		if (CPU_ISSET(i, &set))
			last = i;
	return last;
}

/* EAL leaves its runtime directory (/var/run/dpdk/benchPID) behind: remove ours. */
static void runtime_dir_remove(const struct bench_opts *o, const char *dir)
{
	char path[PATH_MAX + 256];
	struct dirent *e;
	DIR *d;

	if (o->eal_argc > 0 || strstr(dir, "/bench") == NULL)
		return;         /* the caller chose the prefix: not ours to remove */
	d = opendir(dir);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static int eal_start(const char *prog, struct bench_opts *o)
{
	static char prefix[32], lcore[16];
	char *args[64];
	int n = 0, rc;

	args[n++] = (char *)prog;
	if (o->eal_argc > 0) {
		if (o->eal_argc > 62) {
			fprintf(stderr, "macsec-bench: too many EAL arguments\n");
			return -E2BIG;
		}
		for (int i = 0; i < o->eal_argc; i++)
			args[n++] = o->eal_argv[i];
	} else {
		if (o->lcore < 0)
			o->lcore = default_lcore();
		snprintf(prefix, sizeof(prefix), "bench%ld", (long)getpid());
		snprintf(lcore, sizeof(lcore), "%d", o->lcore);
		if (!o->hugepages) {
			args[n++] = "--no-huge";
			args[n++] = "-m";
			args[n++] = "1024";
		} else {
			args[n++] = "--huge-unlink";
		}
		args[n++] = "--file-prefix";
		args[n++] = prefix;
		args[n++] = "--no-pci";
		args[n++] = "-l";
		args[n++] = lcore;
		args[n++] = "--no-telemetry";
		args[n++] = "--log-level=lib.eal:error";
	}
	args[n] = NULL;
	rc = rte_eal_init(n, args);
	if (rc < 0) {
		rc = rte_errno;
		fprintf(stderr, "macsec-bench: EAL init failed: %s%s\n", rte_strerror(rc),
			o->hugepages ? " (are 2 MiB hugepages reserved and hugetlbfs mounted?)" : "");
		runtime_dir_remove(o, rte_eal_get_runtime_dir());
		return -rc;
	}
	o->lcore = (int)rte_lcore_id();
	return 0;
}

static void eal_stop(const struct bench_opts *o)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s", rte_eal_get_runtime_dir());
	rte_eal_cleanup();
	runtime_dir_remove(o, dir);
}

static IMB_MGR *bench_imb_mgr_new(void)
{
	IMB_MGR *mgr = alloc_mb_mgr(0);

	if (mgr == NULL)
		return NULL;
	init_mb_mgr_auto(mgr, NULL);
	if (imb_get_errno(mgr) != 0) {
		free_mb_mgr(mgr);
		return NULL;
	}
	return mgr;
}

static const char *imb_arch_name(const IMB_MGR *mgr)
{
	switch (mgr->used_arch) {
	case IMB_ARCH_NOAESNI: return "no-aesni";
	case IMB_ARCH_SSE: return "sse";
	case IMB_ARCH_AVX: return "avx";
	case IMB_ARCH_AVX2: return "avx2";
	case IMB_ARCH_AVX512: return "avx512";
	default: return "unknown";
	}
}

/* Deterministic filler so runs are comparable; the content does not change the cost. */
static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static unsigned int frame_len_of(unsigned int size, uint32_t i)
{
	return size == SIZE_IMIX ? imix_cycle[i % 12] : size;
}

/* Data room of a row's mbufs: default headroom (the SecTAG goes there), frame, ICV, slack. */
static uint32_t mbuf_room(unsigned int size)
{
	unsigned int max_len = size == SIZE_IMIX ? 1518 : size;

	return RTE_PKTMBUF_HEADROOM + RTE_ALIGN_CEIL(max_len + MACSEC_ICV_LEN + MBUF_ROOM_SLACK, 64);
}

/* Octets of mempool memory one mbuf of the row takes (header, data room, pool overhead). */
static uint32_t mbuf_footprint(unsigned int size)
{
	struct rte_mempool_objsz sz;

	return rte_mempool_calc_obj_size(sizeof(struct rte_mbuf) + mbuf_room(size), 0, &sz);
}

/*
 * Pool size: at least 2048 frames and 8 MiB of mbuf memory, so the frames live
 * beyond L2 (in L3, where a NIC's DMA would leave them), and at most 16 MiB
 * (binds for 9000 B only). 8 MiB of 64 B frame octets instead would be 131072
 * mbufs, 64 MiB: a DRAM and TLB test, not a crypto one (docs/performance.md).
 */
static uint32_t pool_frames(const struct bench_opts *o, unsigned int size)
{
	uint32_t unit = size == SIZE_IMIX ? 96 : BURST, obj = mbuf_footprint(size), n;

	n = o->frames ? o->frames : RTE_MAX(POOL_MIN_FRAMES, (POOL_MIN_BYTES + obj - 1) / obj);
	n = (n + unit - 1) / unit * unit;   /* 96: whole IMIX cycles and bursts */
	if (o->frames == 0 && (uint64_t)n * obj > POOL_MAX_BYTES)
		n = POOL_MAX_BYTES / obj / unit * unit;
	return n;
}

/* Install (or renew, PN back to 1) the transmit SA and the matching receive SA. */
static int row_sa_install(struct bench_row *r)
{
	struct macsec_sa_params p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.an = 0;
	p.key_len = (uint8_t)r->key_len;
	memcpy(p.key, r->key, r->key_len);
	p.pn = 1;
	p.ssci = r->ssci;
	memcpy(p.salt, r->salt, sizeof(p.salt));
	p.active = true;
	rc = macsec_secy_tx_sa_install(r->tx, &p);
	if (rc == 0)
		rc = macsec_secy_rx_sa_install(r->rx, r->tx_sci, &p);
	macsec_wipe(&p, sizeof(p));
	return rc;
}

static void row_teardown(struct bench_row *r)
{
	if (r->m != NULL && r->pool != NULL) {
		for (uint32_t i = 0; i < r->n_frames; i++)
			if (r->m[i] != NULL)
				rte_pktmbuf_free(r->m[i]);
	}
	rte_mempool_free(r->pool);
	macsec_secy_destroy(r->tx);
	macsec_secy_destroy(r->rx);
	if (r->bare_key != NULL) {
		macsec_wipe(r->bare_key, sizeof(*r->bare_key));
		free(r->bare_key);
	}
	macsec_wipe(r->key, sizeof(r->key));
	free(r->m);
	free(r->clear);
	free(r->off);
	free(r->len);
	memset(r, 0, sizeof(*r));
}

static int row_setup(struct bench_row *r, const struct bench_opts *o, enum macsec_cipher_suite cs,
		     enum bench_dir dir, unsigned int size, const struct macsec_aead_engine *aead,
		     IMB_MGR *mgr)
{
	static unsigned int seq;
	struct macsec_secy_conf c;
	char name[RTE_MEMPOOL_NAMESIZE];
	uint64_t seed = 0x9E3779B97F4A7C15ull ^ size, total = 0;
	uint32_t room;
	int rc;

	memset(r, 0, sizeof(*r));
	r->cs = cs;
	r->dir = dir;
	r->size = size;
	r->n_frames = pool_frames(o, size);
	r->key_len = macsec_cs_key_len(cs);
	r->tl = o->sectag_len;
	r->xpn = macsec_cs_is_xpn(cs);
	r->tx_sci = 0x020000000001ull << 16 | 1;
	r->ssci = 1;
	for (unsigned int i = 0; i < sizeof(r->key); i++)
		r->key[i] = (uint8_t)(0xA0 + i * 7);
	for (unsigned int i = 0; i < sizeof(r->salt); i++)
		r->salt[i] = (uint8_t)(0x5A ^ (i * 29));

	r->m = calloc(r->n_frames, sizeof(r->m[0]));
	r->off = calloc(r->n_frames, sizeof(r->off[0]));
	r->len = calloc(r->n_frames, sizeof(r->len[0]));
	if (r->m == NULL || r->off == NULL || r->len == NULL)
		goto nomem;
	for (uint32_t i = 0; i < r->n_frames; i++) {
		r->off[i] = (uint32_t)total;
		r->len[i] = (uint16_t)frame_len_of(size, i);
		total += r->len[i];
	}
	r->pass_octets = total;
	r->clear = malloc(total);
	if (r->clear == NULL)
		goto nomem;
	for (uint32_t i = 0; i < r->n_frames; i++) {
		uint8_t *f = r->clear + r->off[i];

		for (uint32_t j = 0; j < r->len[i]; j++)
			f[j] = (uint8_t)xorshift(&seed);
		memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
	}

	room = mbuf_room(size);
	snprintf(name, sizeof(name), "bench%u", seq++);
	r->pool = rte_pktmbuf_pool_create(name, r->n_frames, 0, 0, (uint16_t)room, rte_socket_id());
	if (r->pool == NULL) {
		fprintf(stderr, "macsec-bench: mempool of %u mbufs x %u octets: %s\n", r->n_frames, room,
			rte_strerror(rte_errno));
		row_teardown(r);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < r->n_frames; i += BURST) {
		if (rte_pktmbuf_alloc_bulk(r->pool, &r->m[i], RTE_MIN(BURST, r->n_frames - i)) != 0) {
			fprintf(stderr, "macsec-bench: mbuf allocation failed\n");
			row_teardown(r);
			return -ENOMEM;
		}
	}

	memset(&c, 0, sizeof(c));
	c.cipher_suite = cs;
	c.validate_frames = MACSEC_VALIDATE_STRICT;
	c.replay_window = o->replay_window;
	c.replay_protect = true;
	c.mtu = 9600;
	c.protect_frames = true;
	c.encrypt = true;
	c.include_sci = o->sectag_len == MACSEC_SECTAG_LEN_SCI;
	c.sci = r->tx_sci;
	rc = macsec_secy_create(&r->tx, &c, aead, NULL);
	c.sci = 0x020000000002ull << 16 | 1;
	if (rc == 0)
		rc = macsec_secy_create(&r->rx, &c, aead, NULL);
	if (rc == 0)
		rc = macsec_secy_rx_sc_add(r->rx, r->tx_sci);
	if (rc == 0)
		rc = row_sa_install(r);
	if (rc == 0)
		rc = macsec_secy_tx_set_encoding_an(r->tx, 0);
	if (rc < 0) {
		fprintf(stderr, "macsec-bench: SecY setup: %s\n", strerror(-rc));
		row_teardown(r);
		return rc;
	}

	r->bare_key = aligned_alloc(64, RTE_ALIGN_CEIL(sizeof(*r->bare_key), 64));
	if (r->bare_key == NULL)
		goto nomem;
	if (r->key_len == 16)
		IMB_AES128_GCM_PRE(mgr, r->key, r->bare_key);
	else
		IMB_AES256_GCM_PRE(mgr, r->key, r->bare_key);
	return 0;
nomem:
	fprintf(stderr, "macsec-bench: out of memory for %u frames\n", r->n_frames);
	row_teardown(r);
	return -ENOMEM;
}

/* Untimed: put the worker's frames back to pristine clear frames at the default headroom. */
static void frames_restore(struct bench_row *r, const struct bench_worker *w)
{
	for (uint32_t i = w->first; i < w->first + w->n; i++) {
		struct rte_mbuf *m = r->m[i];

		m->data_off = RTE_PKTMBUF_HEADROOM;
		m->data_len = r->len[i];
		m->pkt_len = r->len[i];
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), r->clear + r->off[i], r->len[i]);
	}
}

/* Start both SAs again before the 32-bit PN space runs low (untimed). */
static int row_pn_renew(struct bench_row *r, uint32_t frames_next)
{
	uint64_t next = __atomic_load_n(&r->tx->tx_sa[0]->next_pn, __ATOMIC_RELAXED);

	if (next + frames_next < 0x80000000ull)
		return 0;
	return row_sa_install(r);
}

/* Untimed: restore, then protect with our own protect so validate gets fresh PNs. */
static int frames_prepare_validate(struct bench_row *r, struct bench_worker *w)
{
	struct rte_mbuf *burst[BURST];
	int rc = row_pn_renew(r, w->n);

	if (rc < 0)
		return rc;
	frames_restore(r, w);
	for (uint32_t i = 0; i < w->n; i += BURST) {
		memcpy(burst, &r->m[w->first + i], sizeof(burst));
		if (macsec_protect_burst(r->tx, &w->mlc, burst, BURST) != BURST) {
			fprintf(stderr, "macsec-bench: protect (preparing validate) dropped frames\n");
			return -EIO;
		}
	}
	return 0;
}

static int frames_check_clear(const struct bench_row *r, const struct bench_worker *w)
{
	for (uint32_t i = w->first; i < w->first + w->n; i++) {
		const struct rte_mbuf *m = r->m[i];

		if (m->data_len != r->len[i] ||
		    memcmp(rte_pktmbuf_mtod(m, const uint8_t *), r->clear + r->off[i], r->len[i]) != 0) {
			fprintf(stderr, "macsec-bench: frame %u differs from the original after validate\n", i);
			return -EIO;
		}
	}
	return 0;
}

/* Say which counters moved when ours dropped frames. */
static void drops_explain(const struct bench_row *r)
{
	const struct macsec_rx_sc *sc = macsec_rx_sc_table_find(macsec_secy_rx_scs(r->rx), r->tx_sci);
	struct macsec_secy_stats st, rt;
	struct macsec_rx_sc_stats scs;

	macsec_secy_stats_sum(r->tx, &st);
	macsec_secy_stats_sum(r->rx, &rt);
	memset(&scs, 0, sizeof(scs));
	if (sc != NULL)
		macsec_rx_sc_stats_sum(sc, &scs);
	fprintf(stderr, "macsec-bench: tx too long %" PRIu64 ", PN exhausted %" PRIu64 ", SA not in use %"
		PRIu64 "; rx no tag %" PRIu64 ", bad tag %" PRIu64 ", no SCI %" PRIu64 ", late %" PRIu64
		", not valid %" PRIu64 ", not using SA %" PRIu64 "\n", st.out_pkts_too_long,
		st.out_pkts_pn_exhausted, st.out_pkts_sa_not_in_use, rt.in_pkts_no_tag,
		rt.in_pkts_bad_tag, rt.in_pkts_no_sci, scs.in_pkts_late, scs.in_pkts_not_valid,
		scs.in_pkts_not_using_sa);
}

/* Timed: lib/macsec bursts. Every frame must come out. */
static int run_ours(struct bench_row *r, struct bench_worker *w, bool check, uint64_t *cycles)
{
	struct rte_mbuf *burst[BURST];
	uint64_t cyc = 0, t0, t1;
	uint16_t ok;

	for (uint32_t i = 0; i < w->n; i += BURST) {
		memcpy(burst, &r->m[w->first + i], sizeof(burst));
		if (r->dir == DIR_PROTECT) {
			t0 = rte_rdtsc_precise();
			ok = macsec_protect_burst(r->tx, &w->mlc, burst, BURST);
			t1 = rte_rdtsc_precise();
		} else {
			t0 = rte_rdtsc_precise();
			ok = macsec_validate_burst(r->rx, &w->mlc, burst, BURST);
			t1 = rte_rdtsc_precise();
		}
		cyc += t1 - t0;
		if (ok != BURST) {
			fprintf(stderr, "macsec-bench: %s delivered %u of %u frames (burst at frame %u) "
				"-- a bench that drops frames is wrong\n", dir_names[r->dir], ok, BURST,
				w->first + i);
			drops_explain(r);
			return -EIO;
		}
	}
	if (check && r->dir == DIR_PROTECT) {
		for (uint32_t i = w->first; i < w->first + w->n; i++) {
			if (r->m[i]->data_len != r->len[i] + r->tl + MACSEC_ICV_LEN) {
				fprintf(stderr, "macsec-bench: protected frame %u has length %u\n", i,
					r->m[i]->data_len);
				return -EIO;
			}
		}
	}
	if (check && r->dir == DIR_VALIDATE && frames_check_clear(r, w) < 0)
		return -EIO;
	*cycles = cyc;
	return 0;
}

/*
 * Where the AEAD works for frame @p m of clear length @p len, exactly as
 * lib/macsec lays it out (no clear tags, confidentiality offset 0):
 * protect  [DA SA][SecTAG][data][ICV] built with DA at mtod - tl;
 * validate the protected frame at mtod. The IV is rebuilt from the PN.
 */
struct bare_op {
	const uint8_t *aad;
	uint8_t *data;
	uint8_t *icv;          /* protect: ICV out; validate: received ICV */
	uint32_t data_len;
	uint8_t iv[MACSEC_IV_LEN];
};

static inline void bare_op_make(const struct bench_row *r, struct rte_mbuf *m, uint32_t len,
				struct bare_op *op)
{
	uint8_t *p = rte_pktmbuf_mtod(m, uint8_t *);

	if (r->dir == DIR_PROTECT) {
		op->aad = p - r->tl;
		op->data = p + MACSEC_ETH_ADDRS_LEN;
		op->icv = p + len;
	} else {
		op->aad = p;
		op->data = p + MACSEC_ETH_ADDRS_LEN + r->tl;
		op->icv = p + r->tl + len;
	}
	op->data_len = len - MACSEC_ETH_ADDRS_LEN;
}

static inline void bare_iv_make(const struct bench_row *r, uint8_t iv[MACSEC_IV_LEN],
				const struct bare_op *op, uint64_t *pn)
{
	/* Validate: the PN the frame carries (PNs stay below 2^32 here, so XPN's high half is 0). */
	uint64_t p = r->dir == DIR_PROTECT ? (*pn)++ :
		     macsec_get_be32(op->aad + MACSEC_ETH_ADDRS_LEN + 4);

	if (r->xpn)
		macsec_iv_make_xpn(iv, r->ssci, p, r->salt);
	else
		macsec_iv_make(iv, r->tx_sci, (uint32_t)p);
}

/*
 * First pass over a burst, as any good caller does (and lib/macsec's passes do):
 * find every frame, start loading it and write its IV, so the crypto neither
 * waits on L3 nor stalls reading an IV still in the store buffer (writing each
 * IV just before its IMB_AES128_GCM_ENC cost ~40 cycles a 64 B frame on the
 * Zen 5 machine docs/performance.md was first made on: 22 instead of 35 Mpps).
 */
static inline void bare_ops_make(const struct bench_row *r, uint32_t first, struct bare_op *ops,
				 uint64_t *pn)
{
	for (uint32_t j = 0; j < BURST; j++) {
		bare_op_make(r, r->m[first + j], r->len[first + j], &ops[j]);
		rte_prefetch0(ops[j].aad);
		rte_prefetch0(ops[j].data);
		bare_iv_make(r, ops[j].iv, &ops[j], pn);
	}
}

static int bare_tags_check(uint8_t (*tags)[MACSEC_ICV_LEN], const uint8_t *const *want,
			   unsigned int n, const char *what)
{
	for (unsigned int j = 0; j < n; j++) {
		if (memcmp(tags[j], want[j], MACSEC_ICV_LEN) != 0) {
			fprintf(stderr, "macsec-bench: bare %s computed an ICV that differs from ours: "
				"the reference does not do the same work\n", what);
			return -EIO;
		}
	}
	return 0;
}

/* Timed: the ipsec-mb job burst API, filled the way any caller must fill it. */
static int run_bare_burst(struct bench_row *r, struct bench_worker *w, uint64_t *cycles)
{
	const bool enc = r->dir == DIR_PROTECT;
	IMB_JOB *jobs[BURST];
	struct bare_op ops[BURST];
	uint8_t tags[BURST][MACSEC_ICV_LEN];
	const uint8_t *want[BURST];
	uint64_t cyc = 0, t0, t1;
	uint32_t got, done;

	for (uint32_t i = 0; i < w->n; i += BURST) {
		t0 = rte_rdtsc_precise();
		got = IMB_GET_NEXT_BURST(w->mgr, BURST, jobs);
		if (got < BURST) {
			IMB_FLUSH_BURST(w->mgr, BURST, jobs);
			got = IMB_GET_NEXT_BURST(w->mgr, BURST, jobs);
		}
		if (unlikely(got < BURST))
			break;
		bare_ops_make(r, w->first + i, ops, &w->bare_pn);
		for (uint32_t j = 0; j < BURST; j++) {
			IMB_JOB *job = jobs[j];
			const struct bare_op *op = &ops[j];

			job->cipher_mode = IMB_CIPHER_GCM;
			job->hash_alg = IMB_AUTH_AES_GMAC;
			job->cipher_direction = enc ? IMB_DIR_ENCRYPT : IMB_DIR_DECRYPT;
			job->chain_order = enc ? IMB_ORDER_CIPHER_HASH : IMB_ORDER_HASH_CIPHER;
			job->enc_keys = r->bare_key;
			job->dec_keys = r->bare_key;
			job->key_len_in_bytes = r->key_len;
			job->src = op->data;
			job->dst = op->data;
			job->cipher_start_src_offset_in_bytes = 0;
			job->msg_len_to_cipher_in_bytes = op->data_len;
			job->hash_start_src_offset_in_bytes = 0;
			job->msg_len_to_hash_in_bytes = op->data_len;
			job->iv = op->iv;
			job->iv_len_in_bytes = MACSEC_IV_LEN;
			job->u.GCM.aad = op->aad;
			job->u.GCM.aad_len_in_bytes = MACSEC_ETH_ADDRS_LEN + r->tl;
			job->auth_tag_output = enc ? op->icv : tags[j];
			job->auth_tag_output_len_in_bytes = MACSEC_ICV_LEN;
			job->user_data = op->icv;
		}
		done = IMB_SUBMIT_BURST(w->mgr, BURST, jobs);
		if (done < BURST)
			done += IMB_FLUSH_BURST(w->mgr, BURST - done, jobs + done);
		t1 = rte_rdtsc_precise();
		cyc += t1 - t0;
		if (done != BURST)
			break;
		for (uint32_t j = 0; j < BURST; j++) {
			if (jobs[j]->status != IMB_STATUS_COMPLETED)
				done = 0;
			want[j] = jobs[j]->user_data;
			if (!enc && jobs[j]->auth_tag_output != tags[j])
				done = 0;   /* GCM completes in order; anything else is a surprise */
		}
		if (done != BURST)
			break;
		if (!enc && bare_tags_check(tags, want, BURST, "burst") < 0)
			return -EIO;
	}
	if (got < BURST || done != BURST) {
		fprintf(stderr, "macsec-bench: bare ipsec-mb burst failed (got %u, done %u, errno %d)\n",
			got, done, imb_get_errno(w->mgr));
		return -EIO;
	}
	*cycles = cyc;
	return 0;
}

/* Timed: the ipsec-mb direct API, one call per frame (second reference). */
static int run_bare_direct(struct bench_row *r, struct bench_worker *w, uint64_t *cycles)
{
	const bool enc = r->dir == DIR_PROTECT;
	struct gcm_context_data ctx;
	uint8_t tags[BURST][MACSEC_ICV_LEN];
	const uint8_t *want[BURST];
	struct bare_op ops[BURST];
	const struct gcm_key_data *k = r->bare_key;
	const uint64_t aad_len = MACSEC_ETH_ADDRS_LEN + r->tl;
	uint64_t cyc = 0, t0, t1;

	for (uint32_t i = 0; i < w->n; i += BURST) {
		t0 = rte_rdtsc_precise();
		bare_ops_make(r, w->first + i, ops, &w->bare_pn);
		for (uint32_t j = 0; j < BURST; j++) {
			struct bare_op *op = &ops[j];

			want[j] = op->icv;
			if (r->key_len == 16 && enc)
				IMB_AES128_GCM_ENC(w->mgr, k, &ctx, op->data, op->data, op->data_len, op->iv,
						   op->aad, aad_len, op->icv, MACSEC_ICV_LEN);
			else if (r->key_len == 16)
				IMB_AES128_GCM_DEC(w->mgr, k, &ctx, op->data, op->data, op->data_len, op->iv,
						   op->aad, aad_len, tags[j], MACSEC_ICV_LEN);
			else if (enc)
				IMB_AES256_GCM_ENC(w->mgr, k, &ctx, op->data, op->data, op->data_len, op->iv,
						   op->aad, aad_len, op->icv, MACSEC_ICV_LEN);
			else
				IMB_AES256_GCM_DEC(w->mgr, k, &ctx, op->data, op->data, op->data_len, op->iv,
						   op->aad, aad_len, tags[j], MACSEC_ICV_LEN);
		}
		t1 = rte_rdtsc_precise();
		cyc += t1 - t0;
		if (!enc && bare_tags_check(tags, want, BURST, "direct") < 0)
			return -EIO;
	}
	macsec_wipe(&ctx, sizeof(ctx));
	*cycles = cyc;
	return 0;
}

static int worker_record(struct bench_worker *w, const uint64_t cyc[KIND_COUNT])
{
	if (w->n_passes == w->cap_passes) {
		uint32_t cap = w->cap_passes ? w->cap_passes * 2 : 256;

		for (unsigned int k = 0; k < KIND_COUNT; k++) {
			double *p = realloc(w->cycles[k], cap * sizeof(double));

			if (p == NULL)
				return -ENOMEM;
			w->cycles[k] = p;
		}
		w->cap_passes = cap;
	}
	for (unsigned int k = 0; k < KIND_COUNT; k++)
		w->cycles[k][w->n_passes] = (double)cyc[k];
	w->n_passes++;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The q-quantile (0..1) of @p v[0..n), which it sorts. */
static double quantile(double *v, uint32_t n, double q)
{
	double pos = q * (n - 1);
	uint32_t i = (uint32_t)pos;

	qsort(v, n, sizeof(v[0]), cmp_double);
	return i + 1 < n ? v[i] + (pos - i) * (v[i + 1] - v[i]) : v[i];
}

/*
 * One pass = each of ours, bare burst and bare direct once over the worker's
 * frames, each on freshly restored (validate: freshly protected) frames, in an
 * order that rotates per pass so none always runs right after the setup.
 */
static int worker_pass(struct bench_row *r, struct bench_worker *w, int only, uint32_t pass,
		       uint64_t cyc[KIND_COUNT])
{
	for (unsigned int s = 0; s < KIND_COUNT; s++) {
		enum bench_kind k = (enum bench_kind)((pass + s) % KIND_COUNT);
		int rc;

		cyc[k] = 0;
		if (only >= 0 && k != (enum bench_kind)only)
			continue;
		if (r->dir == DIR_PROTECT) {
			rc = row_pn_renew(r, w->n);
			if (rc < 0)
				return rc;
			frames_restore(r, w);
		} else {
			rc = frames_prepare_validate(r, w);
			if (rc < 0)
				return rc;
		}
		if (k == KIND_OURS)
			rc = run_ours(r, w, pass < WARMUP_PASSES, &cyc[k]);
		else if (k == KIND_BARE)
			rc = run_bare_burst(r, w, &cyc[k]);
		else
			rc = run_bare_direct(r, w, &cyc[k]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int row_run(struct bench_row *r, struct bench_worker *w, const struct bench_opts *o,
		   struct bench_result *res)
{
	const double hz = (double)rte_get_tsc_hz();
	uint64_t ours_total = 0, cyc[KIND_COUNT];
	uint32_t pass;
	int rc;

	w->first = 0;
	w->n = r->n_frames;
	w->n_passes = 0;
	w->bare_pn = 1;
	for (pass = 0;; pass++) {
		rc = worker_pass(r, w, o->only, pass, cyc);
		if (rc < 0)
			return rc;
		if (pass < WARMUP_PASSES)
			continue;
		rc = worker_record(w, cyc);
		if (rc < 0)
			return rc;
		ours_total += cyc[o->only >= 0 ? o->only : KIND_OURS];
		if (o->iters != 0 ? w->n_passes >= o->iters :
		    w->n_passes >= MIN_PASSES && ours_total >= o->seconds * hz)
			break;
	}
	res->passes = w->n_passes;
	res->avg_octets = (double)r->pass_octets / r->n_frames;
	/*
	 * Ratios pair the runs of one pass (milliseconds apart), then take the
	 * median over passes: a neighbour's burst of load hits a few passes, not
	 * the figure. ours/bare in Mpps is bare/ours in cycles for the same frames.
	 */
	res->ratio[0] = res->ratio[1] = res->ratio[2] = res->ratio_direct = res->ratio_burst = NAN;
	if (o->only < 0) {
		double *q = malloc(w->n_passes * sizeof(double));

		if (q == NULL)
			return -ENOMEM;
		for (uint32_t p = 0; p < w->n_passes; p++)
			q[p] = w->cycles[KIND_DIRECT][p] / w->cycles[KIND_OURS][p];
		res->ratio_direct = quantile(q, w->n_passes, 0.5);
		for (uint32_t p = 0; p < w->n_passes; p++)
			q[p] = w->cycles[KIND_BARE][p] / w->cycles[KIND_OURS][p];
		res->ratio_burst = quantile(q, w->n_passes, 0.5);
		/* The reference is intel-ipsec-mb's fastest path on this machine, pass by pass:
		 * the job burst API or the direct API, whichever took fewer cycles. */
		for (uint32_t p = 0; p < w->n_passes; p++)
			q[p] = fmin(w->cycles[KIND_BARE][p], w->cycles[KIND_DIRECT][p]) /
			       w->cycles[KIND_OURS][p];
		res->ratio[0] = quantile(q, w->n_passes, 0.25);
		res->ratio[1] = quantile(q, w->n_passes, 0.5);
		res->ratio[2] = quantile(q, w->n_passes, 0.75);
		free(q);
	}
	for (unsigned int k = 0; k < KIND_COUNT; k++) {
		double med = quantile(w->cycles[k], w->n_passes, 0.5);

		if (med == 0) {     /* not timed (--only) */
			res->mpps[k] = res->gbps[k] = res->cyc_per_frame[k] = NAN;
			continue;
		}
		res->mpps[k] = w->n / (med / hz) / 1e6;
		res->gbps[k] = res->mpps[k] * res->avg_octets * 8 / 1e3;
		res->cyc_per_frame[k] = med / w->n;
	}
	return 0;
}

static void size_label(unsigned int size, char *buf, size_t len)
{
	if (size == SIZE_IMIX)
		snprintf(buf, len, "imix");
	else
		snprintf(buf, len, "%u", size);
}

/* A figure, or null when it was not measured (--only). */
static json_t *json_num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static void result_print(const struct bench_row *r, const struct bench_result *res,
			 const struct bench_opts *o, bool hugepages)
{
	char sz[16];

	size_label(r->size, sz, sizeof(sz));
	if (o->json) {
		const struct { const char *name; double v; } num[] = {
			{"mpps", res->mpps[KIND_OURS]}, {"gbps", res->gbps[KIND_OURS]},
			{"bare_mpps", res->mpps[KIND_BARE]}, {"bare_gbps", res->gbps[KIND_BARE]},
			{"ratio", res->ratio[1]}, {"ratio_p25", res->ratio[0]}, {"ratio_p75", res->ratio[2]},
			{"direct_mpps", res->mpps[KIND_DIRECT]}, {"direct_gbps", res->gbps[KIND_DIRECT]},
			{"ratio_direct", res->ratio_direct}, {"ratio_burst", res->ratio_burst},
			{"cycles_per_frame", res->cyc_per_frame[KIND_OURS]},
			{"bare_cycles_per_frame", res->cyc_per_frame[KIND_BARE]},
			{"direct_cycles_per_frame", res->cyc_per_frame[KIND_DIRECT]},
			{"avg_frame_octets", res->avg_octets},
			{"pool_mib", (double)r->n_frames * mbuf_footprint(r->size) / (1 << 20)},
			{"tsc_mhz", (double)rte_get_tsc_hz() / 1e6},
		};
		json_t *j = json_pack("{s:s, s:s, s:o}", "suite", macsec_cs_name(r->cs),
				      "dir", dir_names[r->dir], "size", r->size == SIZE_IMIX ?
				      json_string("imix") : json_integer(r->size));

		for (size_t i = 0; j != NULL && i < sizeof(num) / sizeof(num[0]); i++)
			json_object_set_new(j, num[i].name, json_num(num[i].v));
		if (j == NULL || json_object_update(j, json_pack(
			"{s:s, s:I, s:I, s:i, s:i, s:i, s:b, s:s}", "engine", o->engine,
			"frames", (json_int_t)r->n_frames, "passes", (json_int_t)res->passes,
			"sectag_len", (int)r->tl, "replay_window", (int)o->replay_window,
			"lcore", o->lcore, "hugepages", hugepages,
			"counted", "clear frame octets (no FCS, preamble or IFG)")) != 0) {
			fprintf(stderr, "macsec-bench: JSON encoding failed\n");
			json_decref(j);
			return;
		}
		json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
		fputc('\n', stdout);
		json_decref(j);
	} else {
		printf("%-16s %-8s %5s %7u %6u %8.3f %8.2f %7.1f %8.3f %8.2f %7.1f %8.3f %7.3f\n",
		       macsec_cs_name(r->cs), dir_names[r->dir], sz, r->n_frames, res->passes,
		       res->mpps[KIND_OURS], res->gbps[KIND_OURS], res->cyc_per_frame[KIND_OURS],
		       res->mpps[KIND_BARE], res->gbps[KIND_BARE], res->cyc_per_frame[KIND_BARE],
		       res->mpps[KIND_DIRECT], res->ratio[1]);
	}
	fflush(stdout);
}

static void header_print(const struct bench_opts *o, const IMB_MGR *mgr, bool hugepages)
{
	FILE *f = o->json ? stderr : stdout;

	fprintf(f, "# macsec-bench: lib/macsec engine %s vs bare intel-ipsec-mb %s (%s), lcore %d, "
		"TSC %.0f MHz, %s\n", o->engine, imb_get_version_str(), imb_arch_name(mgr), o->lcore,
		(double)rte_get_tsc_hz() / 1e6, hugepages ? "hugepages" : "no hugepages");
	fprintf(f, "# timed: only the burst calls (rdtsc around each burst of %u); frame restore and,\n"
		"# for validate, re-protect by our own protect are untimed. Gbit/s counts clear frame\n"
		"# octets as given (no FCS, preamble or IFG). Mpps: median over passes; ratio: median\n"
		"# over passes of ours/bare within the pass (runs interleaved, order rotated).\n"
		"# SecTAG %u octets, ICV 16, confidentiality offset 0, replay protection on, window %u.\n"
		"# bare = IMB_SUBMIT_BURST job API, direct = IMB_AESxxx_GCM_ENC/DEC;\n"
		"# ratio = ours / the faster of bare and direct in each pass (its fastest path here).\n",
		BURST, o->sectag_len, o->replay_window);
	if (!o->json)
		printf("%-16s %-8s %5s %7s %6s %8s %8s %7s %8s %8s %7s %8s %7s\n", "suite", "dir", "size",
		       "frames", "passes", "Mpps", "Gbit/s", "cyc/fr", "bareMpps", "bareGb/s",
		       "bare_c/f", "dirMpps", "ratio");
	fflush(f);
}

static int worker_init(struct bench_worker *w, unsigned int id, const struct macsec_aead_engine *aead)
{
	int rc;

	memset(w, 0, sizeof(*w));
	w->id = id;
	rc = macsec_lcore_init(&w->mlc, id, aead, MAX_SIZE + 256);
	if (rc < 0) {
		fprintf(stderr, "macsec-bench: macsec_lcore_init: %s\n", strerror(-rc));
		return rc;
	}
	w->mgr = bench_imb_mgr_new();
	if (w->mgr == NULL) {
		fprintf(stderr, "macsec-bench: intel-ipsec-mb manager init failed\n");
		macsec_lcore_fini(&w->mlc);
		return -ENOTSUP;
	}
	return 0;
}

static void worker_fini(struct bench_worker *w)
{
	macsec_lcore_fini(&w->mlc);
	if (w->mgr != NULL)
		free_mb_mgr(w->mgr);
	for (unsigned int k = 0; k < KIND_COUNT; k++)
		free(w->cycles[k]);
	memset(w, 0, sizeof(*w));
}

int main(int argc, char **argv)
{
	struct bench_worker workers[MAX_WORKERS];
	const struct macsec_aead_engine *aead;
	struct bench_opts o;
	bool hugepages;
	int rc = opts_parse(argc, argv, &o);

	if (rc != 0)
		return rc == 1 ? 0 : 2;
	if (eal_start(argv[0], &o) < 0)
		return 1;
	hugepages = rte_eal_has_hugepages() != 0;
	aead = macsec_aead_find(o.engine);
	if (aead == NULL) {
		fprintf(stderr, "macsec-bench: engine %s does not work on this machine\n", o.engine);
		eal_stop(&o);
		return 1;
	}
	o.engine = aead->name;        /* "auto" resolved, for the header and the JSON */
	if (worker_init(&workers[0], 0, aead) < 0) {
		eal_stop(&o);
		return 1;
	}
	header_print(&o, workers[0].mgr, hugepages);
	rc = 0;
	for (unsigned int cs = 0; cs < MACSEC_CS_COUNT && rc == 0; cs++) {
		if (!o.suite[cs])
			continue;
		for (unsigned int d = 0; d < DIR_COUNT && rc == 0; d++) {
			if (!o.dir[d])
				continue;
			for (unsigned int s = 0; s < o.n_sizes && rc == 0; s++) {
				struct bench_row r;
				struct bench_result res;

				rc = row_setup(&r, &o, (enum macsec_cipher_suite)cs, (enum bench_dir)d,
					       o.sizes[s], aead, workers[0].mgr);
				if (rc < 0)
					break;
				rc = row_run(&r, &workers[0], &o, &res);
				if (rc == 0)
					result_print(&r, &res, &o, hugepages);
				row_teardown(&r);
			}
		}
	}
	worker_fini(&workers[0]);
	eal_stop(&o);
	return rc == 0 ? 0 : 1;
}
