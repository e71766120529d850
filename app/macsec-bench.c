/* SPDX-License-Identifier: BSD-3-Clause */
/* macsec-bench: lib/macsec protect/validate against bare intel-ipsec-mb AES-GCM, in memory, on 1 or N cores. */
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

#include "aead.h"
#include "bench.h"
#include "macsec_dp.h"
#include "sectag.h"
#include "secy.h"
#include "spread.h"

static const unsigned int default_sizes[] = {64, 128, 256, 512, 1024, 1514, 9000, SIZE_IMIX};


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
		"  --workers N      N lcores share one TX SA and one RX SA (2..%u); each row then gives\n"
		"                   N workers' and 1 worker's Mpps, measured in turn in the same run,\n"
		"                   the scaling N/1, and the ceiling: N workers with nothing shared (no\n"
		"                   bare reference). EAL gets N + 1 lcores: the workers on the last N\n"
		"                   CPUs, the main lcore (asleep while they run) on the first\n"
		"  --order on|off   --workers, validate: keep arrival order (default on, as the gateway's\n"
		"                   secy.preserve_order) or let each worker deliver its own bursts\n"
		"  --slots S        --workers, validate: bursts in flight, a power of 2 (default: on:\n"
		"                   4 per worker, 8..64; off: the most whose frames fit half the window)\n"
		"EAL arguments after \"--\" replace the defaults (--no-huge -m 1024 --file-prefix\n"
		"benchPID --no-pci -l N, or --lcores with --workers). Exit status: 0 ok, 1 run failed,\n"
		"2 bad arguments.\n",
		BURST, MIN_SIZE, MAX_SIZE, BENCH_MAX_WORKERS);
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
	       O_WINDOW, O_LCORE, O_HUGE, O_JSON, O_ONLY, O_WORKERS, O_ORDER, O_SLOTS, O_HELP };
	static const struct option lo[] = {
		{"suite", required_argument, NULL, O_SUITE}, {"size", required_argument, NULL, O_SIZE},
		{"dir", required_argument, NULL, O_DIR}, {"engine", required_argument, NULL, O_ENGINE},
		{"seconds", required_argument, NULL, O_SECONDS}, {"iters", required_argument, NULL, O_ITERS},
		{"frames", required_argument, NULL, O_FRAMES}, {"sectag", required_argument, NULL, O_SECTAG},
		{"replay-window", required_argument, NULL, O_WINDOW},
		{"lcore", required_argument, NULL, O_LCORE}, {"hugepages", no_argument, NULL, O_HUGE},
		{"json", no_argument, NULL, O_JSON}, {"only", required_argument, NULL, O_ONLY},
		{"workers", required_argument, NULL, O_WORKERS},
		{"order", required_argument, NULL, O_ORDER}, {"slots", required_argument, NULL, O_SLOTS},
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
	o->workers = 1;
	o->order = true;
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
		case O_WORKERS:
			rc = parse_ulong("--workers", optarg, 1, BENCH_MAX_WORKERS, &v);
			o->workers = (unsigned int)v;
			break;
		case O_ORDER:
			if (strcmp(optarg, "on") == 0 || strcmp(optarg, "off") == 0)
				o->order = strcmp(optarg, "on") == 0;
			else
				rc = bad_arg("--order", optarg, "on or off");
			break;
		case O_SLOTS:
			rc = parse_ulong("--slots", optarg, 1, MACSEC_SPREAD_MAX_SLOTS, &v);
			if (rc == 0 && (v & (v - 1)) != 0)
				rc = bad_arg("--slots", optarg, "a power of 2");
			o->slots = (unsigned int)v;
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
	if (o->workers > 1 && (o->lcore >= 0 || o->only >= 0)) {
		fprintf(stderr, "macsec-bench: --workers takes no --lcore or --only (give EAL --lcores "
			"after \"--\" to place the workers)\n");
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

/*
 * --workers N: EAL lcore 0 (main, asleep while the workers run) and lcores 1..N, one per
 * CPU, on the last N CPUs we may use; the main lcore on a CPU of its own if one is left.
 */
static int lcores_map(unsigned int workers, char *buf, size_t len)
{
	int cpus[CPU_SETSIZE], n = 0, off;
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return -errno;
	for (int i = 0; i < CPU_SETSIZE && i < RTE_MAX_LCORE; i++)
		if (CPU_ISSET(i, &set))
			cpus[n++] = i;
	if ((unsigned int)n < workers) {
		fprintf(stderr, "macsec-bench: --workers %u but this process may use %d CPU(s)\n",
			workers, n);
		return -EINVAL;
	}
	off = snprintf(buf, len, "0@%d", cpus[0]);
	for (unsigned int i = 0; i < workers; i++)
		off += snprintf(buf + off, off < (int)len ? len - (size_t)off : 0, ",%u@%d", i + 1,
				cpus[n - (int)workers + (int)i]);
	return off < (int)len ? 0 : -E2BIG;
}

static int eal_start(const char *prog, struct bench_opts *o)
{
	static char prefix[32], lcore[16], lcores[512];
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
		if (o->workers > 1 && lcores_map(o->workers, lcores, sizeof(lcores)) < 0)
			return -EINVAL;
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
		args[n++] = o->workers > 1 ? "--lcores" : "-l";
		args[n++] = o->workers > 1 ? lcores : lcore;
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
			bench_drops_explain(r);
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
	if (check && r->dir == DIR_VALIDATE && bench_frames_check_clear(r, w) < 0)
		return -EIO;
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
double bench_quantile(double *v, uint32_t n, double q)
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
			rc = bench_row_pn_renew(r, w->n);
			if (rc < 0)
				return rc;
			bench_frames_restore(r, w);
		} else {
			rc = bench_frames_prepare_validate(r, w);
			if (rc < 0)
				return rc;
		}
		if (k == KIND_OURS)
			rc = run_ours(r, w, pass < WARMUP_PASSES, &cyc[k]);
		else if (k == KIND_BARE)
			rc = bench_run_bare_burst(r, w, &cyc[k]);
		else
			rc = bench_run_bare_direct(r, w, &cyc[k]);
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
		res->ratio_direct = bench_quantile(q, w->n_passes, 0.5);
		for (uint32_t p = 0; p < w->n_passes; p++)
			q[p] = w->cycles[KIND_BARE][p] / w->cycles[KIND_OURS][p];
		res->ratio_burst = bench_quantile(q, w->n_passes, 0.5);
		/* The reference is intel-ipsec-mb's fastest path on this machine, pass by pass:
		 * the job burst API or the direct API, whichever took fewer cycles. */
		for (uint32_t p = 0; p < w->n_passes; p++)
			q[p] = fmin(w->cycles[KIND_BARE][p], w->cycles[KIND_DIRECT][p]) /
			       w->cycles[KIND_OURS][p];
		res->ratio[0] = bench_quantile(q, w->n_passes, 0.25);
		res->ratio[1] = bench_quantile(q, w->n_passes, 0.5);
		res->ratio[2] = bench_quantile(q, w->n_passes, 0.75);
		free(q);
	}
	for (unsigned int k = 0; k < KIND_COUNT; k++) {
		double med = bench_quantile(w->cycles[k], w->n_passes, 0.5);

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
			{"pool_mib", (double)r->n_frames * bench_mbuf_footprint(r->size) / (1 << 20)},
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
		"TSC %.0f MHz, %s\n", o->engine, imb_get_version_str(), bench_imb_arch_name(mgr), o->lcore,
		(double)rte_get_tsc_hz() / 1e6, hugepages ? "hugepages" : "no hugepages");
	if (o->workers > 1)
		return;         /* bench_mc_header_print() says the rest */
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
	struct bench_worker workers[1];
	const struct macsec_aead_engine *aead;
	struct bench_mc *mc = NULL;
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
	if (o.workers > 1 && bench_mc_init(&mc, &o, aead) < 0) {
		worker_fini(&workers[0]);
		eal_stop(&o);
		return 1;
	}
	header_print(&o, workers[0].mgr, hugepages);
	if (mc != NULL)
		bench_mc_header_print(mc);
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

				rc = bench_row_setup(&r, &o, (enum macsec_cipher_suite)cs, (enum bench_dir)d,
						     o.sizes[s], aead, workers[0].mgr);
				if (rc < 0)
					break;
				if (mc != NULL) {
					rc = bench_mc_row(mc, &r, hugepages);
				} else {
					rc = row_run(&r, &workers[0], &o, &res);
					if (rc == 0)
						result_print(&r, &res, &o, hugepages);
				}
				bench_row_teardown(&r);
			}
		}
	}
	bench_mc_fini(mc);
	worker_fini(&workers[0]);
	eal_stop(&o);
	return rc == 0 ? 0 : 1;
}
