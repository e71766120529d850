/* SPDX-License-Identifier: BSD-3-Clause */
/* Control lcore: control socket, EAPOL frames from workers, deferred frees after RCU grace. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>
#include <rte_cycles.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "ctl_request.h"
#include "gw.h"
#include "keymem.h"
#include "pn_store.h"
#include "selftest.h"

#define MAX_CLIENTS 16
#define REQ_MAX 4096
#define EAPOL_DRAIN_MAX 1024u   /* frames a link hands MKA per pass of the control loop */

struct client {
	int fd;
	size_t len;
	char buf[REQ_MAX];
};

static struct client clients[MAX_CLIENTS];
static struct gw *the_gw;   /* for gw_reclaim_defer's callback context */

void gw_reclaim_defer(void *ctx, void *obj, void (*destroy)(void *obj))
{
	struct gw *gw = ctx;

	if (gw->n_reclaim == GW_RECLAIM_MAX)
		gw_reclaim_poll(gw, true);
	gw->reclaim[gw->n_reclaim++] = (struct gw_reclaim_item){
		obj, destroy, rte_rcu_qsbr_start(gw->rcu)};
}

void gw_reclaim_poll(struct gw *gw, bool wait)
{
	unsigned int keep = 0;

	for (unsigned int i = 0; i < gw->n_reclaim; i++) {
		struct gw_reclaim_item *it = &gw->reclaim[i];

		if (rte_rcu_qsbr_check(gw->rcu, it->token, wait) == 1)
			it->destroy(it->obj);
		else
			gw->reclaim[keep++] = *it;
	}
	gw->n_reclaim = keep;
}

static int make_parent_dir(const char *path)
{
	char dir[GW_PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int gw_ctrl_init(struct gw *gw, char *err, size_t err_len)
{
	struct sockaddr_un sa;
	const char *path = gw->conf.socket_path;
	mode_t old;
	int fd, rc;

	the_gw = gw;
	for (int i = 0; i < MAX_CLIENTS; i++)
		clients[i].fd = -1;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, err_len, "control socket path too long: %s", path);
		return -ENAMETOOLONG;
	}
	rc = make_parent_dir(path);
	if (rc < 0) {
		snprintf(err, err_len, "control socket directory for %s: %s", path, strerror(-rc));
		return rc;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, err_len, "socket: %s", strerror(errno));
		return -errno;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	unlink(path);
	old = umask(0177);     /* the socket is created 0600 */
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc != 0 || chmod(path, 0600) != 0 || listen(fd, 8) != 0) {
		snprintf(err, err_len, "control socket %s: %s", path, strerror(errno));
		close(fd);
		return -errno;
	}
	gw->listen_fd = fd;
	return 0;
}

void gw_ctrl_fini(struct gw *gw)
{
	for (int i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].fd >= 0)
			close(clients[i].fd);
	if (gw->listen_fd >= 0) {
		close(gw->listen_fd);
		unlink(gw->conf.socket_path);
		gw->listen_fd = -1;
	}
}

/* Only root or our own user may talk to the gateway. */
static bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0)
		return false;
	return cred.uid == 0 || cred.uid == geteuid();
}

static void reply(int fd, json_t *doc)
{
	char *s = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
	size_t len, off = 0;

	json_decref(doc);
	if (s == NULL)           /* never leave a client waiting for its line */
		s = strdup("{\"error\":\"internal: the reply could not be encoded\"}");
	if (s == NULL)
		return;
	len = strlen(s);
	s[len] = '\0';
	/* Replies are small; a blocking write with a stalled client is bounded by its buffer. */
	while (off < len) {
		ssize_t w = send(fd, s + off, len - off, MSG_NOSIGNAL);

		if (w <= 0) {
			if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
				struct pollfd p = {fd, POLLOUT, 0};

				if (poll(&p, 1, 100) > 0)
					continue;
			}
			break;
		}
		off += (size_t)w;
	}
	if (off == len)
		(void)send(fd, "\n", 1, MSG_NOSIGNAL);
	free(s);
}

static json_t *error_doc(const char *fmt, const char *arg)
{
	char msg[256];

	/* A cut inside a multi-byte UTF-8 character would make the reply unencodable. */
	if (snprintf(msg, sizeof(msg), fmt, arg) >= (int)sizeof(msg))
		gw_ctl_utf8_trim(msg, strlen(msg));
	return json_pack("{s:s}", "error", msg);
}

/* {"cmd": "mka"}: the MKA session of every link that runs MKA. */
static json_t *mka_sessions(struct gw *gw)
{
	json_t *links = json_array();

	for (unsigned int i = 0; i < gw->n_links; i++)
		if (gw->links[i].mka != NULL)
			json_array_append_new(links, gw_mka_link_json(&gw->links[i]));
	return json_pack("{s:o}", "links", links);
}

/* {"cmd": "rekey", "link": NAME}: the key server distributes a new SAK now. */
static json_t *mka_rekey(struct gw *gw, const char *name)
{
	for (unsigned int i = 0; name != NULL && i < gw->n_links; i++) {
		struct gw_link *l = &gw->links[i];
		int rc;

		if (strcmp(l->conf->name, name) != 0)
			continue;
		if (l->mka == NULL)
			return error_doc("link %s does not run MKA", name);
		rc = gw_mka_link_rekey(l);
		if (rc == -EPERM)
			return error_doc("link %s: this gateway is not the key server; rekey there", name);
		if (rc < 0)
			return error_doc("rekey failed: %s", strerror(-rc));
		RTE_LOG(INFO, USER1, "link %s: rekey requested on the control socket\n", name);
		return json_pack("{s:b,s:s}", "ok", 1, "link", name);
	}
	return error_doc("no such link '%s' (give \"link\": NAME)", name ? name : "");
}

/* {"cmd": "selftest"}: the Annex C known answers on the running engine (selftest.h). */
static json_t *selftest_doc(struct gw *gw)
{
	char why[256];
	uint64_t t0 = gw_now_ms();
	int rc = macsec_selftest(gw->aead, why, sizeof(why));

	if (rc != 0)
		RTE_LOG(ERR, USER1, "crypto self-test failed on engine %s: %s\n", gw->aead->name, why);
	else
		RTE_LOG(INFO, USER1, "crypto self-test passed on request: %s\n", why);
	return json_pack("{s:b,s:s,s:I,s:s,s:I}", "ok", rc == 0, "engine", gw->aead->name,
			 "cases", (json_int_t)macsec_kat_annex_c_n, "detail", why,
			 "ms", (json_int_t)(gw_now_ms() - t0));
}

/* One request line: {"cmd": "status"|"stats"|"config"|"mka"|"rekey"|"help"} (ctl_request.c). */
static json_t *handle_request(struct gw *gw, const char *line)
{
	struct gw_ctl_request req;
	char err[256];
	json_t *out;

	switch (gw_ctl_request_parse(line, strlen(line), &req, err, sizeof(err))) {
	case GW_CTL_STATUS:
		out = gw_json_status(gw);
		break;
	case GW_CTL_STATS:
		out = gw_json_stats(gw);
		break;
	case GW_CTL_CONFIG:
		out = gw_json_config(gw);
		break;
	case GW_CTL_MKA:
		out = mka_sessions(gw);
		break;
	case GW_CTL_REKEY:
		out = mka_rekey(gw, req.link);
		break;
	case GW_CTL_SELFTEST:
		out = selftest_doc(gw);
		break;
	case GW_CTL_HELP:
		out = json_pack("{s:[s,s,s,s,s,s,s]}", "commands", "status", "stats", "config", "mka",
				"rekey", "selftest", "help");
		break;
	default:
		out = error_doc("%s", err);
		break;
	}
	gw_ctl_request_release(&req);
	return out;
}

static void client_read(struct gw *gw, struct client *c)
{
	ssize_t r = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, 0);
	char *nl;

	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
		close(c->fd);
		c->fd = -1;
		return;
	}
	if (r < 0)
		return;
	c->len += (size_t)r;
	c->buf[c->len] = '\0';
	while ((nl = memchr(c->buf, '\n', c->len)) != NULL) {
		size_t used = (size_t)(nl - c->buf) + 1;

		*nl = '\0';
		if (nl > c->buf && nl[-1] == '\r')
			nl[-1] = '\0';
		if (c->buf[0] != '\0') {
			pthread_mutex_lock(&gw->ctl_lock);
			reply(c->fd, handle_request(gw, c->buf));
			pthread_mutex_unlock(&gw->ctl_lock);
		}
		memmove(c->buf, c->buf + used, c->len - used);
		c->len -= used;
	}
	if (c->len == sizeof(c->buf) - 1) {
		reply(c->fd, error_doc("request longer than %s octets", "4095"));
		close(c->fd);
		c->fd = -1;
	}
}

static void socket_poll(struct gw *gw, int timeout_ms)
{
	struct pollfd p[MAX_CLIENTS + 1];
	int n = 0, idx[MAX_CLIENTS + 1];

	p[n] = (struct pollfd){gw->listen_fd, POLLIN, 0};
	idx[n++] = -1;
	for (int i = 0; i < MAX_CLIENTS; i++) {
		if (clients[i].fd < 0)
			continue;
		p[n] = (struct pollfd){clients[i].fd, POLLIN, 0};
		idx[n++] = i;
	}
	if (poll(p, (nfds_t)n, timeout_ms) <= 0)
		return;
	for (int k = 1; k < n; k++)
		if (p[k].revents & (POLLIN | POLLHUP | POLLERR))
			client_read(gw, &clients[idx[k]]);
	if (p[0].revents & POLLIN) {
		int fd = accept4(gw->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		int slot = -1;

		if (fd < 0)
			return;
		for (int i = 0; i < MAX_CLIENTS && slot < 0; i++)
			if (clients[i].fd < 0)
				slot = i;
		if (slot < 0 || !peer_allowed(fd)) {
			reply(fd, error_doc("%s", slot < 0 ? "too many clients" : "permission denied"));
			close(fd);
			return;
		}
		clients[slot].fd = fd;
		clients[slot].len = 0;
	}
}

/*
 * EAPOL frames from the workers go to the link's MKA participant, which also runs its
 * timers here. Without MKA on the link they are counted and dropped.
 */
static unsigned int eapol_drain(struct gw *gw)
{
	struct rte_mbuf *objs[GW_BURST];
	unsigned int total = 0;

	for (unsigned int i = 0; i < gw->n_links; i++) {
		struct gw_link *l = &gw->links[i];

		/* The known peers' MKPDUs first, all of them (their ring is small): a flood of
		 * MKPDUs from unknown senders then delays and drops only its own kind. */
		for (;;) {
			unsigned int n = rte_ring_dequeue_burst(l->eapol_peer_ring, (void **)objs,
								 GW_BURST, NULL);

			if (n == 0)
				break;
			total += n;
			l->eapol_seen += n;
			if (l->mka != NULL) {
				pthread_mutex_lock(&gw->ctl_lock);
				gw_mka_link_poll(l, objs, n);
				pthread_mutex_unlock(&gw->ctl_lock);
			} else {
				rte_pktmbuf_free_bulk(objs, n);
			}
		}

		/* Up to EAPOL_DRAIN_MAX a pass: a flood must not leave the ring full for the
		 * real peers' MKPDUs, nor starve the control socket. */
		for (unsigned int got = 0; got < EAPOL_DRAIN_MAX;) {
			unsigned int n = rte_ring_dequeue_burst(l->eapol_ring, (void **)objs,
								 GW_BURST, NULL);

			if (n == 0 && got != 0)
				break;
			got += n;
			total += n;
			l->eapol_seen += n;
			if (l->mka != NULL) {
				pthread_mutex_lock(&gw->ctl_lock);
				gw_mka_link_poll(l, objs, n);   /* also runs MKA's timers when n is 0 */
				pthread_mutex_unlock(&gw->ctl_lock);
			} else {
				rte_pktmbuf_free_bulk(objs, n);
			}
			if (n == 0)
				break;
		}
	}
	return total;
}

void gw_ctrl_loop(struct gw *gw)
{
	unsigned int busy = 0;

	while (!__atomic_load_n(&gw->stop, __ATOMIC_RELAXED)) {
		socket_poll(gw, busy ? 0 : 10);      /* no sleep while MKPDUs are waiting */
		busy = eapol_drain(gw);
		pthread_mutex_lock(&gw->ctl_lock);
		gw_reclaim_poll(gw, false);
		pthread_mutex_unlock(&gw->ctl_lock);
		gw_pn_store_poll(gw->pn_store, gw_now_ms());   /* never waits for the disk */
		{
			int e = macsec_keymem_take_lock_error();  /* e.g. a new SAK's arena */

			if (e != 0)
				RTE_LOG(WARNING, USER1, "key memory not locked (%s): keys may be "
					"swapped to disk\n", strerror(e));
		}
	}
}
