/* SPDX-License-Identifier: BSD-3-Clause */
/* mgw-traffic's helpers: options, latency histogram, pcap samples, the gateway's counters over its control socket. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_cycles.h>

#include "traffic.h"


const char *const traffic_dir_names[2] = {"protect", "validate"};

/* ------------------------------------------------------------ options */

void traffic_usage(FILE *f)
{
	fprintf(f,
		"usage: mgw-traffic [EAL options] -- --plain DEV --protected DEV [options]\n"
		"Generator and sink on one lcore: sends frames into a gateway through the port\n"
		"facing its plain (protect) or protected (validate) side, receives them on the\n"
		"other, checks them and reports rate, loss and latency, one JSON object a row.\n"
		"  --plain DEV, --protected DEV   our ethdevs (names) facing the gateway's ports\n"
		"  --clear              the gateway forwards without MACsec (the port ceiling)\n"
		"  --clear-plain DEV --clear-protected DEV   ports facing a second link of the same\n"
		"                       gateway that forwards without MACsec: every row is measured\n"
		"                       on both links in turn (ceiling and MACsec side by side in time)\n"
		"  --suite S            gcm-aes-128 (default), gcm-aes-256, gcm-aes-xpn-128/256\n"
		"  --gw-sci HEX --gw-key HEX [--gw-ssci N]          the gateway's transmit SA\n"
		"  --peer-sci HEX --peer-key HEX [--peer-ssci N]    its receive SA (our transmit)\n"
		"  --salt HEX           XPN salt of both SAs\n"
		"  --dir protect|validate|both   (default both)\n"
		"  --size LIST          octets 60..9000 and/or imix (default 64,1514,imix)\n"
		"  --seconds S          measured time per row (default 1), --warmup S (0.2)\n"
		"  --repeat N           saturating rows: best of N attempts (1..8, default 1)\n"
		"  --resend-set         validate: protect each row's %u frames once and send them in\n"
		"                       cycles, so that our lcore pays no AES-GCM per frame sent;\n"
		"                       every cycle repeats their PNs: the gateway's replay window\n"
		"                       must be at least %u (IEEE 802.1AE 10.6.2: a PN at or above\n"
		"                       the lowest acceptable PN passes), or it drops them as late.\n"
		"                       Without it every frame is protected anew (fresh PNs)\n"
		"  --latency LIST       after the saturating row, rate-limited runs at these\n"
		"                       fractions of its delivered rate (e.g. 0.1,0.5,0.9)\n"
		"  --latency-size LIST  sizes that get latency runs (default: all)\n"
		"  --latency-seconds S  (default 0.5)\n"
		"  --pcap-dir DIR       the first %u frames sent and received of each row\n"
		"  --ctl SOCKET         the gateway's control socket: per-row counter deltas\n"
		"  --gw-pid PID         the gateway's process: its worker thread's CPU time per row\n"
		"  --linger             after the rows, say \"rows done\" on stderr and keep the ports\n"
		"                       open, idle, until SIGTERM: stop the gateway first (a memif\n"
		"                       server whose client leaves while its worker polls may crash)\n",
		TRAFFIC_SET_FRAMES, TRAFFIC_SET_FRAMES, TRAFFIC_PCAP_FRAMES);
}

static int hex_parse(const char *s, uint8_t *out, unsigned int max, unsigned int *len)
{
	size_t n = strlen(s);

	if (n % 2 != 0 || n / 2 > max || n == 0)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -EINVAL;
		out[i] = (uint8_t)v;
	}
	*len = (unsigned int)(n / 2);
	return 0;
}

static int list_sizes(char *s, unsigned int *out, unsigned int *n)
{
	char *save = NULL;

	*n = 0;
	for (char *t = strtok_r(s, ",", &save); t != NULL; t = strtok_r(NULL, ",", &save)) {
		unsigned long v = strcasecmp(t, "imix") == 0 ? TRAFFIC_SIZE_IMIX : strtoul(t, NULL, 10);

		if (*n >= TRAFFIC_MAX_SIZES || (v != TRAFFIC_SIZE_IMIX && (v < TRAFFIC_MIN_SIZE || v > TRAFFIC_MAX_SIZE)))
			return -EINVAL;
		out[(*n)++] = (unsigned int)v;
	}
	return *n ? 0 : -EINVAL;
}

int traffic_opts_parse(int argc, char **argv, struct traffic_opts *o)
{
	enum { O_PLAIN = 256, O_PROT, O_CLEAR, O_SUITE, O_GWSCI, O_GWKEY, O_GWSSCI, O_PSCI, O_PKEY,
	       O_PSSCI, O_SALT, O_DIR, O_SIZE, O_SECONDS, O_WARMUP, O_LAT, O_LATSIZE, O_LATSEC,
	       O_PCAP, O_CTL, O_LINGER, O_GWPID, O_REPEAT, O_CPLAIN, O_CPROT, O_RESEND, O_HELP };
	static const struct option lo[] = {
		{"plain", 1, NULL, O_PLAIN}, {"protected", 1, NULL, O_PROT}, {"clear", 0, NULL, O_CLEAR},
		{"suite", 1, NULL, O_SUITE}, {"gw-sci", 1, NULL, O_GWSCI}, {"gw-key", 1, NULL, O_GWKEY},
		{"gw-ssci", 1, NULL, O_GWSSCI}, {"peer-sci", 1, NULL, O_PSCI},
		{"peer-key", 1, NULL, O_PKEY}, {"peer-ssci", 1, NULL, O_PSSCI},
		{"salt", 1, NULL, O_SALT}, {"dir", 1, NULL, O_DIR}, {"size", 1, NULL, O_SIZE},
		{"seconds", 1, NULL, O_SECONDS}, {"warmup", 1, NULL, O_WARMUP},
		{"latency", 1, NULL, O_LAT}, {"latency-size", 1, NULL, O_LATSIZE},
		{"latency-seconds", 1, NULL, O_LATSEC}, {"pcap-dir", 1, NULL, O_PCAP},
		{"ctl", 1, NULL, O_CTL}, {"linger", 0, NULL, O_LINGER}, {"gw-pid", 1, NULL, O_GWPID},
		{"repeat", 1, NULL, O_REPEAT}, {"clear-plain", 1, NULL, O_CPLAIN},
		{"clear-protected", 1, NULL, O_CPROT}, {"resend-set", 0, NULL, O_RESEND},
		{"help", 0, NULL, O_HELP},
		{NULL, 0, NULL, 0},
	};
	unsigned int len, saltlen;
	char *save = NULL;
	int c, rc = 0;

	memset(o, 0, sizeof(*o));
	o->cs = MACSEC_CS_GCM_AES_128;
	o->seconds = 1.0;
	o->warmup = 0.2;
	o->lat_seconds = 0.5;
	optind = 1;
	while (rc == 0 && (c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case O_PLAIN: o->plain = optarg; break;
		case O_PROT: o->prot = optarg; break;
		case O_CLEAR: o->clear = true; break;
		case O_CPLAIN: o->cplain = optarg; break;
		case O_CPROT: o->cprot = optarg; break;
		case O_SUITE: rc = macsec_cs_parse(optarg, &o->cs); break;
		case O_GWSCI: o->gw_sci = strtoull(optarg, NULL, 16); break;
		case O_PSCI: o->peer_sci = strtoull(optarg, NULL, 16); break;
		case O_GWKEY: rc = hex_parse(optarg, o->gw_key, MACSEC_KEY_MAX, &o->gw_key_len); break;
		case O_PKEY: rc = hex_parse(optarg, o->peer_key, MACSEC_KEY_MAX, &o->peer_key_len); break;
		case O_GWSSCI: o->gw_ssci = (uint32_t)strtoul(optarg, NULL, 0); break;
		case O_PSSCI: o->peer_ssci = (uint32_t)strtoul(optarg, NULL, 0); break;
		case O_SALT:
			rc = hex_parse(optarg, o->salt, sizeof(o->salt), &saltlen);
			if (rc == 0 && saltlen != sizeof(o->salt))
				rc = -EINVAL;
			break;
		case O_DIR:
			o->dir[DIR_PROTECT] = strcmp(optarg, "validate") != 0;
			o->dir[DIR_VALIDATE] = strcmp(optarg, "protect") != 0;
			if (strcmp(optarg, "protect") && strcmp(optarg, "validate") && strcmp(optarg, "both"))
				rc = -EINVAL;
			break;
		case O_SIZE: rc = list_sizes(optarg, o->sizes, &o->n_sizes); break;
		case O_LATSIZE: rc = list_sizes(optarg, o->lat_sizes, &o->n_lat_sizes); break;
		case O_SECONDS: o->seconds = strtod(optarg, NULL); break;
		case O_WARMUP: o->warmup = strtod(optarg, NULL); break;
		case O_LATSEC: o->lat_seconds = strtod(optarg, NULL); break;
		case O_LAT:
			for (char *t = strtok_r(optarg, ",", &save); t && rc == 0; t = strtok_r(NULL, ",", &save)) {
				double v = strtod(t, NULL);

				if (o->n_loads >= TRAFFIC_MAX_LOADS || !(v > 0 && v <= 1))
					rc = -EINVAL;
				else
					o->loads[o->n_loads++] = v;
			}
			break;
		case O_PCAP: o->pcap_dir = optarg; break;
		case O_CTL: o->ctl = optarg; break;
		case O_LINGER: o->linger = true; break;
		case O_RESEND: o->resend = true; break;
		case O_GWPID: o->gw_pid = (int)strtol(optarg, NULL, 10); break;
		case O_REPEAT:
			o->repeat = (unsigned int)strtoul(optarg, NULL, 10);
			if (o->repeat < 1 || o->repeat > TRAFFIC_MAX_REPEAT)
				rc = -EINVAL;
			break;
		case 'h':
		case O_HELP: traffic_usage(stdout); return 1;
		default: traffic_usage(stderr); return 2;
		}
	}
	if (rc != 0 || optind != argc) {
		fprintf(stderr, "mgw-traffic: bad argument '%s'\n", argv[optind - 1]);
		return 2;
	}
	if (o->plain == NULL || o->prot == NULL || (o->cplain == NULL) != (o->cprot == NULL) ||
	    (o->cplain != NULL && o->clear)) {
		fprintf(stderr, "mgw-traffic: --plain and --protected are required; --clear-plain and "
			"--clear-protected go together, and not with --clear\n");
		return 2;
	}
	len = macsec_cs_key_len(o->cs);
	if (!o->clear && (o->gw_key_len != len || o->peer_key_len != len || !o->gw_sci ||
			  !o->peer_sci)) {
		fprintf(stderr, "mgw-traffic: --gw-sci/--gw-key/--peer-sci/--peer-key (%u octets) "
			"are required without --clear\n", len);
		return 2;
	}
	if (!(o->seconds > 0 && o->seconds <= 60 && o->warmup >= 0 && o->warmup <= 10 &&
	      o->lat_seconds > 0 && o->lat_seconds <= 60)) {
		fprintf(stderr, "mgw-traffic: --seconds/--warmup/--latency-seconds out of range\n");
		return 2;
	}
	if (!o->dir[0] && !o->dir[1])
		o->dir[0] = o->dir[1] = true;
	if (o->n_sizes == 0) {
		o->sizes[0] = 64;
		o->sizes[1] = 1514;
		o->sizes[2] = TRAFFIC_SIZE_IMIX;
		o->n_sizes = 3;
	}
	return 0;
}

/* ------------------------------------------------------------ latency */

unsigned int traffic_hist_index(uint64_t v)
{
	unsigned int e;

	if (v < TRAFFIC_HIST_SUB)
		return (unsigned int)v;
	e = 63u - (unsigned int)__builtin_clzll(v);
	return (e - 4u) * TRAFFIC_HIST_SUB + (unsigned int)((v >> (e - 5u)) & (TRAFFIC_HIST_SUB - 1));
}

/* The middle of bucket @p i. */
static double hist_value(unsigned int i)
{
	unsigned int e = i / TRAFFIC_HIST_SUB + 4u, sub = i % TRAFFIC_HIST_SUB;

	if (i < TRAFFIC_HIST_SUB)
		return i;
	return ((double)(TRAFFIC_HIST_SUB + sub) + 0.5) * ldexp(1.0, (int)e - 5);
}

double traffic_hist_pct(const uint64_t *hist, uint64_t n, double p)
{
	uint64_t want = (uint64_t)ceil(p * (double)n), seen = 0;

	for (unsigned int i = 0; i < TRAFFIC_HIST_BUCKETS; i++) {
		seen += hist[i];
		if (seen >= want && seen > 0)
			return hist_value(i);
	}
	return NAN;
}

/* ------------------------------------------------------------ pcap samples */

FILE *traffic_pcap_open(const char *dir, const char *name)
{
	const uint32_t hdr[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
	char path[4096];
	FILE *f;

	if (dir == NULL)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f != NULL)
		fwrite(hdr, sizeof(hdr), 1, f);
	return f;
}

void traffic_pcap_put_raw(FILE *f, const uint8_t *frame, uint32_t len)
{
	uint32_t rec[4] = {0, 0, len, len};

	if (f == NULL)
		return;
	fwrite(rec, sizeof(rec), 1, f);
	fwrite(frame, len, 1, f);
}

void traffic_pcap_put(FILE *f, const struct rte_mbuf *m)
{
	uint32_t rec[4] = {0, 0, m->pkt_len, m->pkt_len};

	if (f == NULL)
		return;
	fwrite(rec, sizeof(rec), 1, f);
	for (const struct rte_mbuf *s = m; s != NULL; s = s->next)
		fwrite(rte_pktmbuf_mtod(s, const void *), s->data_len, 1, f);
}

/* ------------------------------------------------------------ the gateway's counters */

/*
 * One request on the control socket; while the reply is on its way @p wait runs (the
 * sink keeps receiving, so the gateway never finds our receive ring full meanwhile).
 */
static json_t *ctl_query(const char *path, const char *cmd, void (*wait)(void *), void *ctx)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	uint64_t deadline = rte_rdtsc() + 2 * rte_get_tsc_hz();
	char req[64], *buf = NULL;
	size_t len = 0, cap = 0;
	json_t *doc = NULL;
	int fd;

	if (path == NULL || strlen(path) >= sizeof(sa.sun_path))
		return NULL;
	memcpy(sa.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return NULL;
	snprintf(req, sizeof(req), "{\"cmd\":\"%s\"}\n", cmd);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    write(fd, req, strlen(req)) != (ssize_t)strlen(req))
		goto out;
	while (rte_rdtsc() < deadline) {
		struct pollfd p = {fd, POLLIN, 0};
		ssize_t n;

		if (poll(&p, 1, 0) <= 0) {
			if (wait != NULL)
				wait(ctx);
			continue;
		}
		if (len + 4096 > cap) {
			char *nb = realloc(buf, cap = cap ? 2 * cap : 65536);

			if (nb == NULL)
				goto out;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			goto out;
		len += (size_t)n;
		if (memchr(buf, '\n', len) != NULL) {
			buf[len] = '\0';
			doc = json_loads(buf, JSON_DISABLE_EOF_CHECK, NULL);
			break;
		}
	}
out:
	free(buf);
	close(fd);
	return doc;
}

static uint64_t jget(json_t *doc, const char *path)
{
	char key[64];
	const char *p = path;
	json_t *v = doc;

	while (v != NULL && *p) {
		size_t n = strcspn(p, "/");

		snprintf(key, sizeof(key), "%.*s", (int)n, p);
		v = json_is_array(v) ? json_array_get(v, strtoul(key, NULL, 10)) : json_object_get(v, key);
		p += n + (p[n] == '/');
	}
	return json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
}

/* status and stats of the gateway, in one object. */
json_t *traffic_gw_snapshot(const char *ctl, void (*wait)(void *), void *ctx)
{
	json_t *s, *t;

	if (ctl == NULL)
		return NULL;
	s = ctl_query(ctl, "status", wait, ctx);
	t = ctl_query(ctl, "stats", wait, ctx);
	if (s == NULL || t == NULL) {
		json_decref(s);
		json_decref(t);
		return NULL;
	}
	return json_pack("{s:o,s:o}", "status", s, "stats", t);
}

/*
 * The share of the time between two snapshots (the gateway's own clock) its first worker
 * spent in loops that moved frames; idle loops are cheap and many, so loop counts alone
 * do not say how loaded it was. -1 when the gateway does not count it.
 */
static double worker_busy(json_t *a, json_t *b)
{
	json_t *sa = json_object_get(a, "status"), *sb = json_object_get(b, "status");
	json_t *w = json_array_get(json_object_get(sb, "workers"), 0);
	double t = json_number_value(json_object_get(sb, "uptime_s")) -
		   json_number_value(json_object_get(sa, "uptime_s"));

	/* An older gateway has no busy_cycles: unknown, not idle. */
	if (json_object_get(w, "busy_cycles") == NULL || !(t > 0) || jget(b, "status/tsc_hz") == 0)
		return -1;
	return (double)(jget(b, "status/workers/0/busy_cycles") -
			jget(a, "status/workers/0/busy_cycles")) / (t * (double)jget(b, "status/tsc_hz"));
}

json_t *traffic_gw_delta(json_t *a, json_t *b, unsigned int link)
{
	static const char *const keys[][2] = {
		{"plain_rx", "ports/plain/ipackets"},
		{"plain_tx", "ports/plain/opackets"},
		{"protected_rx", "ports/protected/ipackets"},
		{"protected_tx", "ports/protected/opackets"},
		{"rx_nombuf", "ports/plain/rx_nombuf"},
		{"protected_rx_nombuf", "ports/protected/rx_nombuf"},
		{"plain_tx_drop", "gateway/plain_tx_drop"},
		{"protected_tx_drop", "gateway/protected_tx_drop"},
		{"OutPktsEncrypted", "tx_sc/OutPktsEncrypted"},
		{"OutPktsUntagged", "secy/OutPktsUntagged"},
		{"InPktsOK", "rx_sc/0/InPktsOK"},
		{"InPktsUntagged", "secy/InPktsUntagged"},
		{"InPktsLate", "rx_sc/0/InPktsLate"},
		{"InPktsNotValid", "rx_sc/0/InPktsNotValid"},
	};
	json_t *d = json_object();
	char path[128];

	/* The worker's loops count every link it polls; the rest is the row's link. */
	json_object_set_new(d, "loops", json_integer((json_int_t)(jget(b, "status/workers/0/loops") -
								 jget(a, "status/workers/0/loops"))));
	json_object_set_new(d, "idle_loops", json_integer((json_int_t)(
		jget(b, "status/workers/0/idle_loops") - jget(a, "status/workers/0/idle_loops"))));
	json_object_set_new(d, "busy_cycles", json_integer((json_int_t)(
		jget(b, "status/workers/0/busy_cycles") - jget(a, "status/workers/0/busy_cycles"))));
	if (worker_busy(a, b) >= 0)
		json_object_set_new(d, "busy", json_real(worker_busy(a, b)));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(path, sizeof(path), "stats/links/%u/%s", link, keys[i][1]);
		json_object_set_new(d, keys[i][0], json_integer((json_int_t)(jget(b, path) - jget(a, path))));
	}
	return d;
}

/* ------------------------------------------------------------ the worker's CPU time */

int traffic_worker_find(int pid, char *path, size_t len)
{
	char dir[64], comm[64], name[64 + 256 + 8];
	struct dirent *e;
	DIR *d;
	int found = -ENOENT;

	snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
	d = opendir(dir);
	if (d == NULL)
		return -errno;
	while (found != 0 && (e = readdir(d)) != NULL) {
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "%s/%s/comm", dir, e->d_name);
		f = fopen(name, "r");
		if (f == NULL)
			continue;
		/* EAL names its worker lcore threads rte-worker-N (lcore-worker-N before 22.11). */
		if (fgets(comm, sizeof(comm), f) != NULL &&
		    (strncmp(comm, "rte-worker-", 11) == 0 || strncmp(comm, "lcore-worker-", 13) == 0)) {
			snprintf(path, len, "%s/%s/schedstat", dir, e->d_name);
			found = 0;
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

uint64_t traffic_schedstat_ns(const char *path)
{
	unsigned long long ns = 0;
	FILE *f;

	if (path == NULL || path[0] == '\0' || (f = fopen(path, "r")) == NULL)
		return 0;
	if (fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	fclose(f);
	return ns;
}
