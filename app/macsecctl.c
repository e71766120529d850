/* SPDX-License-Identifier: BSD-3-Clause */
/* macsecctl: the gateway's control socket client, reading like `ip macsec show` / `ip -s macsec show`. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#define DEFAULT_SOCKET "/run/macsec-gw/ctl.sock"
#define GW_WATCH_WORKERS 16      /* workers shown by watch (the gateway has at most 16) */

static int ctl_connect(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		close(fd);
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Send one request (with an optional "link" argument), read one reply line. */
static json_t *ctl_call_link(const char *path, const char *cmd, const char *link)
{
	char req[128], *buf = NULL;
	size_t len = 0, cap = 0;
	json_error_t jerr;
	json_t *doc;
	int fd = ctl_connect(path);

	if (fd < 0) {
		fprintf(stderr, "macsecctl: cannot connect to %s: %s\n", path, strerror(errno));
		return NULL;
	}
	{
		json_t *r = json_pack("{s:s}", "cmd", cmd);
		char *t;

		if (link != NULL)
			json_object_set_new(r, "link", json_string(link));
		t = json_dumps(r, JSON_COMPACT);
		json_decref(r);
		if (t == NULL || strlen(t) + 2 > sizeof(req)) {
			free(t);
			close(fd);
			fprintf(stderr, "macsecctl: request too long\n");
			return NULL;
		}
		snprintf(req, sizeof(req), "%s\n", t);
		free(t);
	}
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		fprintf(stderr, "macsecctl: write: %s\n", strerror(errno));
		close(fd);
		return NULL;
	}
	for (;;) {
		ssize_t r;

		if (len + 4096 > cap) {
			char *nb = realloc(buf, cap = cap * 2 + 8192);

			if (nb == NULL)
				break;
			buf = nb;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r <= 0)
			break;
		len += (size_t)r;
		if (memchr(buf, '\n', len) != NULL)
			break;
	}
	close(fd);
	if (buf == NULL) {
		fprintf(stderr, "macsecctl: no reply\n");
		return NULL;
	}
	buf[len] = '\0';
	doc = json_loads(buf, JSON_DISABLE_EOF_CHECK, &jerr);
	free(buf);
	if (doc == NULL) {
		fprintf(stderr, "macsecctl: bad reply: %s\n", jerr.text);
		return NULL;
	}
	if (json_object_get(doc, "error") != NULL) {
		fprintf(stderr, "macsecctl: %s\n", json_string_value(json_object_get(doc, "error")));
		json_decref(doc);
		return NULL;
	}
	return doc;
}

static json_t *ctl_call(const char *path, const char *cmd)
{
	return ctl_call_link(path, cmd, NULL);
}

static const char *js(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "?";
}

static long long ji(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

static const char *onoff(json_t *o, const char *k)
{
	return json_is_true(json_object_get(o, k)) ? "on" : "off";
}

static void print_counters(json_t *o, const char *indent, const char *const *names)
{
	printf("%s", indent);
	for (int i = 0; names[i]; i++)
		printf("%s%s", i ? " " : "", names[i]);
	printf("\n%s", indent);
	for (int i = 0; names[i]; i++) {
		int w = (int)strlen(names[i]);

		printf("%s%*lld", i ? " " : "", w, ji(o, names[i]));
	}
	printf("\n");
}

static const char *const secy_rx_names[] = {"InPktsUntagged", "InPktsNoTag", "InPktsBadTag",
	"InPktsUnknownSCI", "InPktsNoSCI", "InPktsOverrun", "InOctetsValidated",
	"InOctetsDecrypted", NULL};
static const char *const secy_tx_names[] = {"OutPktsUntagged", "OutPktsTooLong",
	"OutOctetsProtected", "OutOctetsEncrypted", "OutPktsSANotInUse", "OutPktsPNExhausted",
	NULL};
static const char *const txsa_names[] = {"OutPktsProtected", "OutPktsEncrypted", NULL};
static const char *const rxsc_names[] = {"InPktsOK", "InPktsInvalid", "InPktsNotValid",
	"InPktsLate", "InPktsDelayed", "InPktsUnchecked", "InPktsNotUsingSA", "InPktsUnusedSA",
	NULL};
static const char *const rxsa_names[] = {"InPktsOK", "InPktsInvalid", "InPktsNotValid",
	"InPktsNotUsingSA", "InPktsUnusedSA", NULL};

/* `ip macsec show` layout, with counters when @p with_stats (`ip -s macsec show`). */
static int cmd_show(const char *sock, bool with_stats)
{
	json_t *conf = ctl_call(sock, "config"), *stats = conf ? ctl_call(sock, "stats") : NULL;
	json_t *cl, *sl, *l, *rx;
	size_t i;

	if (conf == NULL || stats == NULL) {
		json_decref(conf);
		return 1;
	}
	cl = json_object_get(conf, "links");
	sl = json_object_get(stats, "links");
	json_array_foreach(cl, i, l) {
		json_t *secy = json_object_get(l, "secy"), *st = json_array_get(sl, i), *sa;
		json_t *tx = json_object_get(st, "tx_sc"), *ka = json_object_get(l, "key_agreement");
		size_t k, j;

		printf("%zu: %s: protect %s validate %s sc %s sa %s encrypt %s send_sci %s "
		       "end_station %s scb %s replay %s window %lld\n",
		       i + 1, js(l, "name"), onoff(secy, "protect_frames"), js(secy, "validate_frames"),
		       "off", "off", onoff(secy, "encrypt"), onoff(secy, "include_sci"),
		       onoff(secy, "end_station"), onoff(secy, "scb"), onoff(secy, "replay_protect"),
		       ji(secy, "replay_window"));
		printf("    cipher suite: %s, using ICV length 16, confidentiality offset %lld, "
		       "key agreement %s\n", js(secy, "cipher_suite"), ji(secy, "confidentiality_offset"),
		       js(ka, "mode"));
		printf("    plain %s, protected %s, mtu %lld, vlan tags in clear %lld\n",
		       js(l, "plain"), js(l, "protected"), ji(secy, "mtu"), ji(secy, "vlan_tags_in_clear"));
		if (with_stats) {
			json_t *sc = json_object_get(st, "secy");

			printf("    stats:\n");
			print_counters(sc, "      ", secy_rx_names);
			print_counters(sc, "      ", secy_tx_names);
		}
		printf("    TXSC: %s on SA %lld\n", js(tx, "sci"), ji(tx, "encoding_an"));
		if (with_stats)
			print_counters(tx, "      ", txsa_names);
		json_array_foreach(json_object_get(tx, "sa"), k, sa) {
			printf("        %lld: PN %lld, state %s%s\n", ji(sa, "an"), ji(sa, "next_pn"),
			       onoff(sa, "active"), json_is_true(json_object_get(sa, "exhausted")) ?
			       ", PN exhausted" : "");
			if (with_stats)
				print_counters(sa, "          ", txsa_names);
		}
		json_array_foreach(json_object_get(st, "rx_sc"), k, rx) {
			printf("    RXSC: %s, state %s\n", js(rx, "sci"), onoff(rx, "active"));
			if (with_stats)
				print_counters(rx, "      ", rxsc_names);
			json_array_foreach(json_object_get(rx, "sa"), j, sa) {
				printf("        %lld: PN %lld, state %s\n", ji(sa, "an"), ji(sa, "next_pn"),
				       onoff(sa, "active"));
				if (with_stats)
					print_counters(sa, "          ", rxsa_names);
			}
		}
		if (with_stats && json_object_get(st, "rx_sc_totals") != NULL) {
			printf("    RXSC totals (removed SCs included):\n");
			print_counters(json_object_get(st, "rx_sc_totals"), "      ", rxsc_names);
		}
		if (with_stats) {
			json_t *g = json_object_get(st, "gateway"), *ports = json_object_get(st, "ports");
			const char *pn[] = {"plain", "protected"};

			printf("    gateway: eapol_rx %lld eapol_handled %lld eapol_ring_full %lld "
			       "eapol_known_peer %lld eapol_peer_ring_full %lld eapol_foreign_ckn %lld "
			       "plain_tx_drop %lld protected_tx_drop %lld\n", ji(g, "eapol_rx"),
			       ji(g, "eapol_handled"), ji(g, "eapol_ring_full"),
			       ji(g, "eapol_known_peer"), ji(g, "eapol_peer_ring_full"),
			       ji(g, "eapol_foreign_ckn"), ji(g, "plain_tx_drop"),
			       ji(g, "protected_tx_drop"));
			for (int p = 0; p < 2; p++) {
				json_t *ps = json_object_get(ports, pn[p]);

				printf("    port %s (%s): rx %lld pkts %lld bytes, tx %lld pkts %lld bytes, "
				       "missed %lld, rx errors %lld, tx errors %lld\n", pn[p], js(ps, "name"),
				       ji(ps, "ipackets"), ji(ps, "ibytes"), ji(ps, "opackets"),
				       ji(ps, "obytes"), ji(ps, "imissed"), ji(ps, "ierrors"),
				       ji(ps, "oerrors"));
			}
		}
	}
	json_decref(conf);
	json_decref(stats);
	return 0;
}

static void print_key(const char *what, json_t *k)
{
	if (!json_is_object(k)) {
		printf("    %s: none\n", what);
		return;
	}
	printf("    %s: key number %lld, AN %lld, key server MI %s, tx %s, rx %s\n", what,
	       ji(k, "key_number"), ji(k, "an"), js(k, "key_server_mi"), onoff(k, "tx"),
	       onoff(k, "rx"));
}

/* Like `show mka sessions detail`. */
static int cmd_mka(const char *sock)
{
	json_t *doc = ctl_call(sock, "mka"), *l, *p, *c;
	size_t i, k;

	if (doc == NULL)
		return 1;
	if (json_array_size(json_object_get(doc, "links")) == 0)
		printf("no link runs MKA\n");
	json_array_foreach(json_object_get(doc, "links"), i, l) {
		json_t *nr = json_object_get(l, "next_rekey_in_ms");
		const char *key;
		json_t *v;
		int col = 0;

		printf("MKA session on link %s, CKN %s\n", js(l, "link"), js(l, "ckn"));
		printf("    local: SCI %s, MI %s, MN %lld, key server priority %lld\n", js(l, "sci"),
		       js(l, "mi"), ji(l, "mn"), ji(l, "priority"));
		printf("    key server: %s%s (priority %lld)\n",
		       json_is_string(json_object_get(l, "key_server_sci")) ? js(l, "key_server_sci") :
		       "not elected", json_is_true(json_object_get(l, "key_server")) ? " (this gateway)" : "",
		       ji(l, "key_server_priority"));
		printf("    status: %s, CP %s, controlled port %s, protect %s, cipher suite %s\n",
		       json_is_true(json_object_get(l, "secured")) ? "Secured" : "Not secured",
		       js(l, "cp_state"), onoff(l, "controlled_port_enabled"), onoff(l, "protect_frames"),
		       js(l, "cipher_suite"));
		{
			/* CP terms: after the switch the key in use moves from latest to old (RETIRE). */
			json_t *lk = json_object_get(l, "latest_key"), *ok = json_object_get(l, "old_key");
			bool latest_tx = json_is_object(lk) && json_is_true(json_object_get(lk, "tx"));

			print_key(latest_tx || !json_is_object(ok) ? "latest key (in use)" : "latest key", lk);
			print_key(!latest_tx && json_is_object(ok) ? "old key (in use)" : "old key", ok);
		}
		printf("    rekeys: %lld, last reason: %s, next interval rekey: ", ji(l, "rekeys"),
		       js(l, "last_rekey_reason"));
		if (json_is_integer(nr))
			printf("in %.1f s\n", (double)json_integer_value(nr) / 1000.0);
		else
			printf("none\n");
		printf("    live peers: %lld, potential peers: %lld\n", ji(l, "live_peers"),
		       ji(l, "potential_peers"));
		if (json_array_size(json_object_get(l, "peers")) != 0)
			printf("      %-16s  %-24s  %10s  %8s  %-9s  %s\n", "SCI", "MI", "MN", "priority",
			       "state", "expires");
		json_array_foreach(json_object_get(l, "peers"), k, p)
			printf("      %-16s  %-24s  %10lld  %8lld  %-9s  %.1f s%s\n", js(p, "sci"),
			       js(p, "mi"), ji(p, "mn"), ji(p, "priority"),
			       json_is_true(json_object_get(p, "live")) ? "live" : "potential",
			       (double)ji(p, "expires_in_ms") / 1000.0,
			       json_is_true(json_object_get(p, "key_server")) ? "  key server" : "");
		printf("    counters:\n");
		c = json_object_get(l, "counters");
		json_object_foreach(c, key, v) {
			if (json_integer_value(v) == 0 && strncmp(key, "in-mkpdu", 8) != 0 &&
			    strncmp(key, "out-mkpdu", 9) != 0 && strstr(key, "sak") == NULL)
				continue;      /* the many per-reason decode counters, when zero */
			printf("%s%-36s %12lld", col % 2 ? "  " : "      ", key,
			       (long long)json_integer_value(v));
			if (++col % 2 == 0)
				printf("\n");
		}
		if (col % 2)
			printf("\n");
	}
	json_decref(doc);
	return 0;
}

static int cmd_rekey(const char *sock, const char *link)
{
	json_t *doc = ctl_call_link(sock, "rekey", link);

	if (doc == NULL)
		return 1;
	printf("link %s: new SAK requested\n", link);
	json_decref(doc);
	return 0;
}

/* Run the gateway's crypto self-test now; exit 0 only when it passed. */
static int cmd_selftest(const char *sock)
{
	json_t *doc = ctl_call(sock, "selftest");
	int ok;

	if (doc == NULL)
		return 1;
	ok = json_is_true(json_object_get(doc, "ok"));
	printf("crypto self-test %s: %s (%lld ms)\n", ok ? "passed" : "FAILED", js(doc, "detail"),
	       ji(doc, "ms"));
	json_decref(doc);
	return ok ? 0 : 1;
}

static int cmd_json(const char *sock, const char *cmd)
{
	json_t *doc = ctl_call(sock, cmd);

	if (doc == NULL)
		return 1;
	json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
	printf("\n");
	json_decref(doc);
	return 0;
}

/* Each worker's busy share since the last call (@p prev: its busy cycles, then the TSC). */
static void print_workers(const char *sock, long long prev[GW_WATCH_WORKERS + 1], bool first)
{
	json_t *st = ctl_call(sock, "status"), *w;
	long long tsc;
	size_t i;

	if (st == NULL)
		return;
	tsc = (long long)(json_number_value(json_object_get(st, "uptime_s")) *
			  (double)ji(st, "tsc_hz"));
	printf("%-10s %6s %14s\n", "worker", "lcore", "busy");
	json_array_foreach(json_object_get(st, "workers"), i, w) {
		long long busy = ji(w, "busy_cycles");

		if (i >= GW_WATCH_WORKERS)
			break;
		if (first || tsc <= prev[GW_WATCH_WORKERS])
			printf("%-10zu %6lld %14s\n", i, ji(w, "lcore"), "-");
		else
			printf("%-10zu %6lld %13.1f%%\n", i, ji(w, "lcore"), 100.0 *
			       (double)(busy - prev[i]) / (double)(tsc - prev[GW_WATCH_WORKERS]));
		prev[i] = busy;
	}
	prev[GW_WATCH_WORKERS] = tsc;
	json_decref(st);
}

/* Live counters: every second, totals and rates per link, and how busy each worker was. */
static int cmd_watch(const char *sock, double interval, int count)
{
	long long prev[8][4] = {{0}}, wprev[GW_WATCH_WORKERS + 1] = {0};

	for (int n = 0; count == 0 || n < count; n++) {
		json_t *st = ctl_call(sock, "stats");
		size_t i;
		json_t *l;

		if (st == NULL)
			return 1;
		if (n > 0)
			printf("\n");
		printf("%-10s %14s %14s %14s %14s %10s %10s %10s\n", "link", "protected", "validated",
		       "prot/s", "valid/s", "NotValid", "Late", "BadTag");
		json_array_foreach(json_object_get(st, "links"), i, l) {
			json_t *tx = json_object_get(l, "tx_sc"), *secy = json_object_get(l, "secy");
			long long out = ji(tx, "OutPktsProtected") + ji(tx, "OutPktsEncrypted");
			long long in = 0, nv = 0, late = 0;
			size_t k;
			json_t *rx;

			json_array_foreach(json_object_get(l, "rx_sc"), k, rx) {
				in += ji(rx, "InPktsOK");
				nv += ji(rx, "InPktsNotValid");
				late += ji(rx, "InPktsLate");
			}
			if (i < 8) {
				printf("%-10s %14lld %14lld %14.0f %14.0f %10lld %10lld %10lld\n",
				       js(l, "name"), out, in, n ? (out - prev[i][0]) / interval : 0.0,
				       n ? (in - prev[i][1]) / interval : 0.0, nv, late,
				       ji(secy, "InPktsBadTag"));
				prev[i][0] = out;
				prev[i][1] = in;
			}
		}
		print_workers(sock, wprev, n == 0);
		fflush(stdout);
		json_decref(st);
		if (count == 0 || n + 1 < count) {
			struct timespec ts = {(time_t)interval,
					      (long)((interval - (time_t)interval) * 1e9)};

			nanosleep(&ts, NULL);
		}
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: macsecctl [-s SOCKET] COMMAND\n"
		"  show              SecYs, SCs and SAs (like ip macsec show)\n"
		"  stats [--json]    every counter (like ip -s macsec show)\n"
		"  status            gateway status (JSON)\n"
		"  config            effective configuration without keys (JSON)\n"
		"  watch [-i SEC] [-n COUNT]  live counters, and how busy each worker is\n"
		"  mka               MKA sessions (like show mka sessions detail)\n"
		"  rekey LINK        the key server distributes a new SAK now\n"
		"  selftest          run the crypto known-answer test in the gateway now\n"
		"  default socket: " DEFAULT_SOCKET "\n");
}

int main(int argc, char **argv)
{
	const char *sock = getenv("MACSEC_GW_SOCKET") ? getenv("MACSEC_GW_SOCKET") : DEFAULT_SOCKET;
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		if ((strcmp(argv[i], "-s") == 0 || strcmp(argv[i], "--socket") == 0) && i + 1 < argc) {
			sock = argv[i + 1];
			i += 2;
		} else {
			usage();
			return 2;
		}
	}
	if (i >= argc) {
		usage();
		return 2;
	}
	if (strcmp(argv[i], "show") == 0 && i + 1 == argc)
		return cmd_show(sock, false);
	if (strcmp(argv[i], "stats") == 0) {
		if (i + 1 == argc)
			return cmd_show(sock, true);
		if (i + 2 == argc && strcmp(argv[i + 1], "--json") == 0)
			return cmd_json(sock, "stats");
	}
	if ((strcmp(argv[i], "status") == 0 || strcmp(argv[i], "config") == 0) && i + 1 == argc)
		return cmd_json(sock, argv[i]);
	if (strcmp(argv[i], "mka") == 0 && i + 1 == argc)
		return cmd_mka(sock);
	if (strcmp(argv[i], "rekey") == 0 && i + 2 == argc)
		return cmd_rekey(sock, argv[i + 1]);
	if (strcmp(argv[i], "selftest") == 0 && i + 1 == argc)
		return cmd_selftest(sock);
	if (strcmp(argv[i], "watch") == 0) {
		double interval = 1.0;
		int count = 0;

		for (int k = i + 1; k < argc; k++) {
			if (strcmp(argv[k], "-i") == 0 && k + 1 < argc)
				interval = atof(argv[++k]);
			else if (strcmp(argv[k], "-n") == 0 && k + 1 < argc)
				count = atoi(argv[++k]);
			else {
				usage();
				return 2;
			}
		}
		if (interval < 0.1)
			interval = 0.1;
		return cmd_watch(sock, interval, count);
	}
	usage();
	return 2;
}
