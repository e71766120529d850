/* SPDX-License-Identifier: BSD-3-Clause */
/* macsec-gw: EAL, config, ports, SecYs, workers, control loop; the only place that exits. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <syslog.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_ring.h>

#include "gw.h"
#include "keymem.h"
#include "pn_store.h"
#include "sectag.h"
#include "selftest.h"

#define EXIT_CONFIG 2
#define BOUNCE_LEN (16384 + 64)

static struct gw *g_gw;

static void on_signal(int sig)
{
	(void)sig;
	if (g_gw != NULL)
		__atomic_store_n(&g_gw->stop, true, __ATOMIC_RELAXED);
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [EAL options] -- -c FILE [--check-config] [--pn-state-discard]\n"
		"  -c, --config FILE   gateway configuration (YAML)\n"
		"  --check-config      validate the configuration and exit (0 ok, 2 error)\n"
		"  --pn-state-discard  set unusable PN state files aside instead of refusing to\n"
		"                      start (only after changing the TX keys: docs/pn-state.md)\n",
		prog);
}

struct app_opts {
	const char *config;
	bool check_only;
	bool pn_discard;
};

static int parse_app_args(int argc, char **argv, struct app_opts *o)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"check-config", no_argument, NULL, 'k'},
		{"pn-state-discard", no_argument, NULL, 'P'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': o->config = optarg; break;
		case 'k': o->check_only = true; break;
		case 'P': o->pn_discard = true; break;
		default: return -1;
		}
	}
	return o->config != NULL && optind == argc ? 0 : -1;
}

int gw_secy_setup(struct gw *gw, struct gw_link *l, char *err, size_t err_len)
{
	const struct gw_static_conf *st = &l->conf->st;
	struct macsec_sa_params p;
	struct gw_pn_link *pl = NULL;
	int rc;

	/* Static TX SAs resume above every PN a previous run may have sent (docs/pn-state.md). */
	rc = gw_pn_link_open(gw->pn_store, l->conf->name, l->conf->secy.cipher_suite, &pl, err,
			     err_len);
	memset(&p, 0, sizeof(p));
	for (unsigned int i = 0; i < st->n_tx_sa && rc == 0; i++) {
		const struct gw_sa_conf *s = &st->tx_sa[i];

		memset(&p, 0, sizeof(p));
		p.an = s->an;
		p.key_len = s->key_len;
		memcpy(p.key, s->key, s->key_len);
		p.pn = s->pn;
		p.ssci = s->ssci;
		memcpy(p.salt, s->salt, sizeof(p.salt));
		p.active = s->active;
		rc = gw_pn_link_add_tx_sa(pl, s->an, s->key, s->key_len, &p.pn, err, err_len);
		if (rc < 0)
			break;
		rc = macsec_secy_tx_sa_install(l->secy, &p);
		if (rc < 0)
			snprintf(err, err_len, "link %s: tx SA %u: %s", l->conf->name, s->an, strerror(-rc));
	}
	if (rc == 0)
		rc = gw_pn_link_attach(pl, l->secy, err, err_len);   /* durable before any send */
	if (rc == 0)
		rc = macsec_secy_tx_set_encoding_an(l->secy, st->encoding_an);
	for (unsigned int i = 0; i < st->n_rx_sc && rc == 0; i++) {
		const struct gw_rx_sc_conf *sc = &st->rx_sc[i];

		rc = macsec_secy_rx_sc_add(l->secy, sc->sci);
		for (unsigned int k = 0; k < sc->n_sa && rc == 0; k++) {
			const struct gw_sa_conf *s = &sc->sa[k];

			memset(&p, 0, sizeof(p));
			p.an = s->an;
			p.key_len = s->key_len;
			memcpy(p.key, s->key, s->key_len);
			p.pn = s->pn;
			p.ssci = s->ssci;
			memcpy(p.salt, s->salt, sizeof(p.salt));
			p.active = s->active;
			rc = macsec_secy_rx_sa_install(l->secy, sc->sci, &p);
		}
		if (rc < 0)
			snprintf(err, err_len, "link %s: rx SC %016llx: %s", l->conf->name,
				 (unsigned long long)sc->sci, strerror(-rc));
	}
	macsec_wipe(&p, sizeof(p));
	return rc;
}

static int check_lcores(struct gw *gw, char *err, size_t err_len)
{
	const struct gw_conf *c = &gw->conf;

	if (rte_get_main_lcore() != c->control_lcore) {
		snprintf(err, err_len, "control.lcore %u is not the EAL main lcore %u "
			 "(give EAL --main-lcore %u)", c->control_lcore, rte_get_main_lcore(),
			 c->control_lcore);
		return -EINVAL;
	}
	for (unsigned int i = 0; i < c->n_workers; i++) {
		if (!rte_lcore_is_enabled(c->workers[i]) || c->workers[i] == rte_get_main_lcore()) {
			snprintf(err, err_len, "worker lcore %u is not an enabled EAL worker lcore "
				 "(give it in EAL -l / --lcores)", c->workers[i]);
			return -EINVAL;
		}
	}
	return 0;
}

/* pn_store.c messages into the DPDK log (syslog levels in, RTE levels out). */
static void gw_pn_log(void *ctx, int level, const char *msg)
{
	(void)ctx;
	rte_log(level <= LOG_ERR ? RTE_LOG_ERR : level == LOG_WARNING ? RTE_LOG_WARNING :
		level == LOG_NOTICE ? RTE_LOG_NOTICE : RTE_LOG_INFO, RTE_LOGTYPE_USER1,
		"USER1: pn-state: %s\n", msg);
}

static int pn_store_init(struct gw *gw, bool discard, char *err, size_t err_len)
{
	const struct gw_pn_store_conf c = {
		.dir = gw->conf.state_dir, .reserve_min = gw->conf.pn_reserve,
		.discard_corrupt = discard, .log = gw_pn_log,
	};

	return gw_pn_store_open(&gw->pn_store, &c, err, err_len);
}

static int links_init(struct gw *gw, char *err, size_t err_len)
{
	const struct macsec_reclaim reclaim = {gw_reclaim_defer, gw};
	int rc;

	for (unsigned int i = 0; i < gw->n_links; i++) {
		struct gw_link *l = &gw->links[i];
		struct macsec_secy_conf sc = l->conf->secy;
		char name[RTE_RING_NAMESIZE];

		if (!l->conf->sci_set)
			sc.sci = macsec_sci_make(l->prot_mac.addr_bytes,
						 l->conf->port_id ? l->conf->port_id : 1);
		rc = macsec_secy_create(&l->secy, &sc, gw->aead, &reclaim);
		if (rc < 0) {
			snprintf(err, err_len, "link %s: SecY: %s", l->conf->name, strerror(-rc));
			return rc;
		}
		l->eapol_ethertype = l->conf->eapol_ethertype ? l->conf->eapol_ethertype : 0x888E;
		snprintf(name, sizeof(name), "eapol%u", i);
		l->eapol_ring = rte_ring_create(name, GW_EAPOL_RING, (int)rte_socket_id(),
						RING_F_SC_DEQ);
		snprintf(name, sizeof(name), "eapolpeer%u", i);
		if (l->eapol_ring != NULL)
			l->eapol_peer_ring = rte_ring_create(name, GW_EAPOL_PEER_RING,
							     (int)rte_socket_id(), RING_F_SC_DEQ);
		if (l->eapol_ring == NULL || l->eapol_peer_ring == NULL) {
			snprintf(err, err_len, "link %s: EAPOL ring: %s", l->conf->name,
				 rte_strerror(rte_errno));
			return -ENOMEM;
		}
		snprintf(name, sizeof(name), "ctltx%u", i);
		l->ctrl_tx_ring = rte_ring_create(name, 256, (int)rte_socket_id(),
						  RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (l->ctrl_tx_ring == NULL) {
			snprintf(err, err_len, "link %s: control TX ring: %s", l->conf->name,
				 rte_strerror(rte_errno));
			return -ENOMEM;
		}
		l->port_enabled = 1;
		l->spread = l->conf->protected_.spread;
		l->preserve_order = l->conf->preserve_order;
		if (l->conf->ka == GW_KA_MKA)
			rc = gw_mka_link_init(gw, l, err, err_len);
		else
			rc = gw_secy_setup(gw, l, err, err_len);
		if (rc < 0)
			return rc;
		RTE_LOG(INFO, USER1, "link %s: SecY %s SCI %016llx, %s\n", l->conf->name,
			macsec_cs_name(sc.cipher_suite), (unsigned long long)sc.sci,
			l->conf->ka == GW_KA_MKA ? "keys by MKA" : "static keys");
	}
	return 0;
}

static int workers_init(struct gw *gw, char *err, size_t err_len)
{
	size_t sz = rte_rcu_qsbr_get_memsize(gw->n_workers);
	int rc;

	gw->rcu = rte_zmalloc("gw_rcu", sz, RTE_CACHE_LINE_SIZE);
	if (gw->rcu == NULL || rte_rcu_qsbr_init(gw->rcu, gw->n_workers) != 0) {
		snprintf(err, err_len, "RCU: out of memory");
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < gw->n_workers; i++) {
		struct gw_worker *w = &gw->workers[i];

		w->gw = gw;
		w->lcore = gw->conf.workers[i];
		w->index = i;
		rc = macsec_lcore_init(&w->mlc, i, gw->aead, BOUNCE_LEN);
		if (rc < 0) {
			snprintf(err, err_len, "worker %u: crypto context: %s", i, strerror(-rc));
			return rc;
		}
		if (gw->n_workers > 1) {
			/* Bursts other workers' protected queues hand to this one (docs/threading.md). */
			char name[RTE_RING_NAMESIZE];

			snprintf(name, sizeof(name), "inbox%u", i);
			w->inbox = rte_ring_create(name, GW_INBOX_SIZE,
						   (int)rte_lcore_to_socket_id(w->lcore), RING_F_SC_DEQ);
			if (w->inbox == NULL) {
				snprintf(err, err_len, "worker %u: inbox ring: %s", i,
					 rte_strerror(rte_errno));
				return -ENOMEM;
			}
		}
	}
	return 0;
}

static void print_memory(const struct gw *gw)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	RTE_LOG(INFO, USER1, "running: %u link(s), %u worker(s), crypto %s, %u mbufs, "
		"resident %ld KiB\n", gw->n_links, gw->n_workers, gw->aead->name,
		rte_mempool_avail_count(gw->pool), ru.ru_maxrss);
}

static void shutdown_all(struct gw *gw)
{
	gw_ctrl_fini(gw);
	if (gw->n_workers)
		rte_eal_mp_wait_lcore();
	gw_pn_store_close(gw->pn_store, true);    /* workers stopped: exact next PNs */
	gw->pn_store = NULL;
	for (unsigned int i = 0; i < gw->n_links; i++)
		gw_mka_link_fini(&gw->links[i]);      /* workers are stopped: SAs go now */
	gw_workers_fini(gw);                      /* workers drained their hand-offs at stop */
	gw_ports_stop(gw);
	if (gw->rcu != NULL)
		gw_reclaim_poll(gw, true);
	for (unsigned int i = 0; i < gw->n_links; i++) {
		macsec_secy_destroy(gw->links[i].secy);   /* wipes every key */
		gw->links[i].secy = NULL;
		rte_ring_free(gw->links[i].eapol_ring);
		rte_ring_free(gw->links[i].eapol_peer_ring);
		if (gw->links[i].ctrl_tx_ring != NULL) {
			void *obj = NULL;

			while (rte_ring_dequeue(gw->links[i].ctrl_tx_ring, &obj) == 0)
				rte_pktmbuf_free(obj);
			rte_ring_free(gw->links[i].ctrl_tx_ring);
		}
	}
	for (unsigned int i = 0; i < gw->n_workers; i++) {
		macsec_lcore_fini(&gw->workers[i].mlc);
		rte_ring_free(gw->workers[i].inbox);
	}
	rte_free(gw->rcu);
	gw_config_wipe(&gw->conf);
}

int main(int argc, char **argv)
{
	static struct gw gw_storage;
	struct gw *gw = &gw_storage;
	struct app_opts opts = {0};
	char err[512];
	int dashdash = -1, rc;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			dashdash = i;
			break;
		}
	/* Options after "--" are ours; with no "--", all of them are. */
	{
		int app_argc = dashdash < 0 ? argc : argc - dashdash;
		char **app_argv = dashdash < 0 ? argv : argv + dashdash;

		if (dashdash >= 0)
			app_argv[0] = argv[0];
		if (parse_app_args(app_argc, app_argv, &opts) != 0) {
			usage(argv[0]);
			return EXIT_CONFIG;
		}
		if (dashdash >= 0)
			argv[dashdash] = "--";
	}
	memset(gw, 0, sizeof(*gw));
	gw->listen_fd = -1;
	pthread_mutex_init(&gw->ctl_lock, NULL);
	if (gw_config_load(opts.config, &gw->conf, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return EXIT_CONFIG;
	}
	if (opts.check_only) {
		printf("%s: ok (%u link(s), %u worker(s))\n", opts.config, gw->conf.n_links,
		       gw->conf.n_workers);
		gw_config_wipe(&gw->conf);
		return 0;
	}
	rc = rte_eal_init(dashdash < 0 ? 1 : dashdash + 1, argv);
	if (rc < 0) {
		fprintf(stderr, "EAL init failed: %s\n", rte_strerror(rte_errno));
		gw_config_wipe(&gw->conf);
		return 1;
	}
	rte_log_set_level(RTE_LOGTYPE_USER1, RTE_LOG_INFO);
	gw->start_tsc = rte_get_tsc_cycles();
	gw->n_links = gw->conf.n_links;
	gw->n_workers = gw->conf.n_workers;
	for (unsigned int i = 0; i < gw->n_links; i++) {
		gw->links[i].conf = &gw->conf.links[i];
		gw->links[i].index = i;
	}
	rc = check_lcores(gw, err, sizeof(err));
	if (rc == 0) {
		gw->aead = macsec_aead_find(gw->conf.crypto[0] ? gw->conf.crypto : "auto");
		if (gw->aead == NULL) {
			snprintf(err, sizeof(err), "crypto engine '%.16s' is not available here",
				 gw->conf.crypto);
			rc = -ENOTSUP;
		}
	}
	if (rc == 0) {
		/* Known answers through this engine and our own protect/validate (selftest.h). */
		char why[256];

		if (macsec_selftest(gw->aead, why, sizeof(why)) != 0) {
			snprintf(err, sizeof(err), "crypto self-test failed on engine %s: %s",
				 gw->aead->name, why);
			rc = -EIO;                 /* exit 1 */
		} else {
			RTE_LOG(INFO, USER1, "crypto self-test passed: %s\n", why);
		}
	}
	if (rc == 0)
		rc = workers_init(gw, err, sizeof(err));
	if (rc == 0)
		rc = gw_ports_init(gw, err, sizeof(err));
	if (rc == 0)
		rc = pn_store_init(gw, opts.pn_discard, err, sizeof(err));
	if (rc == 0)
		rc = links_init(gw, err, sizeof(err));
	if (rc == 0) {
		int e = macsec_keymem_take_lock_error();

		if (e != 0)
			RTE_LOG(WARNING, USER1, "key memory not locked (%s): keys may be swapped to "
				"disk; raise RLIMIT_MEMLOCK (systemd LimitMEMLOCK=) or run with "
				"CAP_IPC_LOCK\n", strerror(e));
	}
	/* The SAs hold their own key schedules now: no key stays in the configuration. */
	gw_config_wipe(&gw->conf);
	if (rc == 0)
		rc = gw_ctrl_init(gw, err, sizeof(err));
	if (rc == 0 && gw_telemetry_register(gw) != 0)
		RTE_LOG(WARNING, USER1, "telemetry commands not registered\n");
	if (rc < 0) {
		fprintf(stderr, "macsec-gw: %s\n", err);
		shutdown_all(gw);
		rte_eal_cleanup();
		return rc == -EINVAL || rc == -ENOTSUP || rc == -ENODEV ? EXIT_CONFIG : 1;
	}
	g_gw = gw;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	rc = gw_workers_plan(gw, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "macsec-gw: %s\n", err);
		shutdown_all(gw);
		rte_eal_cleanup();
		return 1;
	}
	for (unsigned int i = 0; i < gw->n_workers; i++)
		rte_eal_remote_launch(gw_worker_main, &gw->workers[i], gw->workers[i].lcore);
	print_memory(gw);
	RTE_LOG(INFO, USER1, "control socket %s\n", gw->conf.socket_path);
	gw_ctrl_loop(gw);
	RTE_LOG(INFO, USER1, "stopping\n");
	shutdown_all(gw);
	rte_eal_cleanup();
	return 0;
}
