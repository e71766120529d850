/* SPDX-License-Identifier: BSD-3-Clause */
/* PN reservations of static transmit SAs (pn_store.h): state file codec, reservations, writer. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "pn.h"
#include "pn_store.h"

#define FILE_MAGIC "macsec-gw-pn-state 1"
#define FILE_MAX 16384u
#define FP_LABEL "macsec-gw PN state key fingerprint v1"
#define RATE_EVERY_MS 250u
#define RETRY_MS 1000u
#define MAX_LINKS 8u

/* ---- pure parts ---- */

void gw_pn_fingerprint(const uint8_t *key, size_t key_len, uint8_t fp[GW_PN_FP_LEN])
{
	uint8_t md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;

	/* A PRF of the key under a label no other use of the key shares (docs/pn-state.md). */
	HMAC(EVP_sha256(), key, (int)key_len, (const uint8_t *)FP_LABEL, sizeof(FP_LABEL) - 1, md,
	     &md_len);
	memcpy(fp, md, GW_PN_FP_LEN);
	OPENSSL_cleanse(md, sizeof(md));
}

uint64_t gw_pn_space_max(enum macsec_cipher_suite cs)
{
	return macsec_cs_is_xpn(cs) ? MACSEC_XPN_MAX : MACSEC_PN32_MAX;
}

uint64_t gw_pn_start(uint64_t conf_pn, uint64_t stored_limit)
{
	return conf_pn > stored_limit ? conf_pn : stored_limit;
}

uint64_t gw_pn_reserve_limit(uint64_t next_pn, uint64_t block, uint64_t space_max)
{
	if (next_pn > space_max || block > space_max + 1 - next_pn)
		return space_max + 1;
	return next_pn + block;
}

bool gw_pn_renew_due(uint64_t next_pn, uint64_t limit, uint64_t block, uint64_t space_max)
{
	if (limit > space_max)           /* reserved to the end of the space already */
		return false;
	return next_pn >= limit || limit - next_pn < block / 2;
}

uint64_t gw_pn_block(uint64_t rate_pps, uint32_t horizon_ms, uint64_t reserve_min,
		     uint64_t space_max)
{
	uint64_t cap = space_max >> 4, b;

	b = rate_pps > UINT64_MAX / (horizon_ms ? horizon_ms : 1) ? UINT64_MAX :
	    rate_pps * horizon_ms / 1000u;
	if (b < reserve_min)
		b = reserve_min;
	return b > cap ? cap : b;
}

/* ---- file codec ---- */

static void hex_put(char *out, const uint8_t *b, size_t n)
{
	static const char d[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hex_get(const char *s, size_t n_hex, uint8_t *out)
{
	for (size_t i = 0; i < n_hex; i++) {
		char c = s[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (v < 0)
			return -1;
		if (i % 2 == 0)
			out[i / 2] = (uint8_t)(v << 4);
		else
			out[i / 2] |= (uint8_t)v;
	}
	return 0;
}

static void sum_hex(const char *buf, size_t len, char out[2 * SHA256_DIGEST_LENGTH + 1])
{
	uint8_t md[SHA256_DIGEST_LENGTH];

	SHA256((const uint8_t *)buf, len, md);
	hex_put(out, md, sizeof(md));
}

int gw_pn_file_encode(const struct gw_pn_file *f, char *buf, size_t cap)
{
	char fp[2 * GW_PN_FP_LEN + 1], sum[2 * SHA256_DIGEST_LENGTH + 1];
	size_t off = 0;
	int n;

#define PUT(...)                                                                    \
	do {                                                                        \
		n = snprintf(buf + off, cap - off, __VA_ARGS__);                    \
		if (n < 0 || (size_t)n >= cap - off)                                \
			return -ENOSPC;                                             \
		off += (size_t)n;                                                   \
	} while (0)

	if (cap == 0 || f->n > GW_PN_MAX_ENTRIES)
		return -ENOSPC;
	PUT("%s\nlink %s\nsuite %s\n", FILE_MAGIC, f->link, f->suite);
	for (unsigned int i = 0; i < f->n; i++) {
		hex_put(fp, f->e[i].fp, GW_PN_FP_LEN);
		PUT("sa %u %s %016llx\n", f->e[i].an, fp, (unsigned long long)f->e[i].limit);
	}
	sum_hex(buf, off, sum);
	PUT("sha256 %s\n", sum);
#undef PUT
	return (int)off;
}

/* The next line of [*p, end) without its '\n'; NULL when there is no complete line. */
static const char *line_next(const char **p, const char *end, size_t *len)
{
	const char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));

	if (nl == NULL)
		return NULL;
	*len = (size_t)(nl - s);
	*p = nl + 1;
	return s;
}

/* A word of exactly the characters of @p set, 1..@p max long, ending at a space or the line end. */
static bool word(const char *s, size_t len, size_t *used, const char *set, size_t max, char *out)
{
	size_t n = 0;

	while (n < len && s[n] != ' ' && strchr(set, s[n]) != NULL)
		n++;
	if (n == 0 || n > max || (n < len && s[n] != ' '))
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	*used = n;
	return true;
}

int gw_pn_file_decode(const char *buf, size_t len, struct gw_pn_file *f, const char **why)
{
	static const char name_set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				       "0123456789_.-";
	const char *p = buf, *end = buf + len, *s;
	char sum[2 * SHA256_DIGEST_LENGTH + 1], tok[80];
	size_t n = 0, u;

	memset(f, 0, sizeof(*f));
	*why = NULL;
	if (len == 0 || buf[len - 1] != '\n' || memchr(buf, '\0', len) != NULL) {
		*why = len == 0 ? "empty" : "truncated (no final newline)";
		return -EBADMSG;
	}
	s = line_next(&p, end, &n);
	if (s == NULL || n != strlen(FILE_MAGIC) || memcmp(s, FILE_MAGIC, n) != 0) {
		*why = "not a macsec-gw PN state file of version 1";
		return -EBADMSG;
	}
	s = line_next(&p, end, &n);
	if (s == NULL || n < 6 || memcmp(s, "link ", 5) != 0 ||
	    !word(s + 5, n - 5, &u, name_set, GW_PN_LINK_MAX - 1, f->link) || 5 + u != n) {
		*why = "bad link line";
		return -EBADMSG;
	}
	s = line_next(&p, end, &n);
	if (s == NULL || n < 7 || memcmp(s, "suite ", 6) != 0 ||
	    !word(s + 6, n - 6, &u, "abcdefghijklmnopqrstuvwxyz0123456789-", sizeof(f->suite) - 1,
		  f->suite) || 6 + u != n) {
		*why = "bad suite line";
		return -EBADMSG;
	}
	for (;;) {
		const char *line = p;
		struct gw_pn_entry *e;
		unsigned long long lim;
		char *ep;

		s = line_next(&p, end, &n);
		if (s == NULL) {
			*why = "truncated (no sha256 line)";
			return -EBADMSG;
		}
		if (n > 7 && memcmp(s, "sha256 ", 7) == 0) {
			sum_hex(buf, (size_t)(line - buf), sum);
			if (n != 7 + 2 * SHA256_DIGEST_LENGTH ||
			    memcmp(s + 7, sum, 2 * SHA256_DIGEST_LENGTH) != 0) {
				*why = "checksum does not match the content";
				return -EBADMSG;
			}
			if (p != end) {
				*why = "data after the sha256 line";
				return -EBADMSG;
			}
			return 0;
		}
		/* "sa AN FP32 LIMIT16" */
		if (f->n == GW_PN_MAX_ENTRIES) {
			*why = "too many sa lines";
			return -EBADMSG;
		}
		e = &f->e[f->n];
		if (n != 3 + 1 + 1 + 2 * GW_PN_FP_LEN + 1 + 16 || memcmp(s, "sa ", 3) != 0 ||
		    s[3] < '0' || s[3] > '3' || s[4] != ' ' || s[5 + 2 * GW_PN_FP_LEN] != ' ' ||
		    hex_get(s + 5, 2 * GW_PN_FP_LEN, e->fp) < 0) {
			*why = "bad sa line";
			return -EBADMSG;
		}
		memcpy(tok, s + 6 + 2 * GW_PN_FP_LEN, 16);
		tok[16] = '\0';
		if (strspn(tok, "0123456789abcdef") != 16) {
			*why = "bad sa line";
			return -EBADMSG;
		}
		lim = strtoull(tok, &ep, 16);
		if (lim == 0) {
			*why = "a limit of 0";
			return -EBADMSG;
		}
		e->an = (uint8_t)(s[3] - '0');
		e->limit = lim;
		f->n++;
	}
}

/* ---- the store ---- */

struct pn_sa {
	uint8_t an;
	uint8_t fp[GW_PN_FP_LEN];
	uint64_t space_max;
	uint64_t start;              /* first PN of this run */
	uint64_t stored;             /* limit the file held for this key (0: none) */
	bool dead;                   /* start beyond the space: stays stopped */
	struct macsec_sa *rt;        /* the runtime SA (control lcore) */
	uint64_t raised;             /* pn_max == raised - 1 */
	uint64_t block;              /* PNs one renewal reserves (rate-sized) */
	uint64_t rate_pn, rate_ms;   /* nextPN at the last rate sample */
	bool told_stall, told_end;   /* logged once */
	uint64_t want, durable;      /* under store.mu: asked for, on disk */
};

struct gw_pn_link {
	struct gw_pn_store *s;
	char name[GW_PN_LINK_MAX];
	char file[GW_PN_LINK_MAX + 8], tmp[GW_PN_LINK_MAX + 16];
	enum macsec_cipher_suite cs;
	int lock_fd;
	bool attached;
	unsigned int n_sa;
	struct pn_sa sa[MACSEC_NUM_AN];
	unsigned int n_keep;         /* entries of other keys, carried over */
	struct gw_pn_entry keep[GW_PN_MAX_ENTRIES];
	uint64_t gen_want, gen_done; /* under store.mu */
};

struct gw_pn_store {
	struct gw_pn_store_conf c;
	char dir[4096];
	int dir_fd;
	unsigned int n_links;
	struct gw_pn_link *links[MAX_LINKS];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thr;
	bool thr_on, stop;
	bool err_told;
	enum gw_pn_crash crash_at;
	bool dead;
};

static void say(const struct gw_pn_store *s, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void say(const struct gw_pn_store *s, int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (s->c.log != NULL)
		s->c.log(s->c.log_ctx, level, msg);
	else
		fprintf(stderr, "macsec-gw: pn-state: %s\n", msg);
}

/* mkdir -p with mode 0700 for what is made. */
static int mkdirs(char *path)
{
	for (char *c = path + 1; *c != '\0'; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			*c = '/';
			return -errno;
		}
		*c = '/';
	}
	return mkdir(path, 0700) != 0 && errno != EEXIST ? -errno : 0;
}

int gw_pn_store_open(struct gw_pn_store **out, const struct gw_pn_store_conf *c, char *err,
		     size_t err_len)
{
	struct gw_pn_store *s;

	*out = NULL;
	if (c->dir == NULL || c->dir[0] != '/' || strlen(c->dir) >= sizeof(s->dir)) {
		snprintf(err, err_len, "state_dir must be an absolute path");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, err_len, "state_dir: out of memory");
		return -ENOMEM;
	}
	s->c = *c;
	snprintf(s->dir, sizeof(s->dir), "%s", c->dir);
	s->c.dir = s->dir;
	if (s->c.horizon_ms == 0)
		s->c.horizon_ms = GW_PN_HORIZON_MS;
	if (s->c.reserve_min == 0)
		s->c.reserve_min = 1u << 20;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->dir_fd = -1;
	*out = s;
	return 0;
}

/* The directory is made and checked when the first static link needs it (MKA never does). */
static int dir_open(struct gw_pn_store *s, char *err, size_t err_len)
{
	struct stat st;
	int rc;

	if (s->dir_fd >= 0)
		return 0;
	rc = mkdirs(s->dir);
	if (rc < 0) {
		snprintf(err, err_len, "state_dir %s: cannot create it: %s", s->dir, strerror(-rc));
		return -EINVAL;
	}
	s->dir_fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->dir_fd < 0 || fstat(s->dir_fd, &st) != 0) {
		snprintf(err, err_len, "state_dir %s: %s", s->dir, strerror(errno));
		goto fail;
	}
	/* Whoever can replace the file can make us reuse PNs: only we may write here. */
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 ||
	    (st.st_uid != geteuid() && st.st_uid != 0)) {
		snprintf(err, err_len, "state_dir %s is writable by group or others or owned by "
			 "another user (mode %04o, uid %u): refused, chmod 700 it",
			 s->dir, (unsigned int)(st.st_mode & 07777), (unsigned int)st.st_uid);
		goto fail;
	}
	return 0;
fail:
	if (s->dir_fd >= 0)
		close(s->dir_fd);
	s->dir_fd = -1;
	return -EINVAL;
}

static int read_all(int fd, char *buf, size_t cap, size_t *len)
{
	*len = 0;
	for (;;) {
		ssize_t r = read(fd, buf + *len, cap - *len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return 0;
		*len += (size_t)r;
		if (*len == cap)
			return -EFBIG;
	}
}

static int link_load(struct gw_pn_link *l, struct gw_pn_file *f, char *err, size_t err_len)
{
	struct gw_pn_store *s = l->s;
	char *buf = malloc(FILE_MAX);
	const char *why = NULL;
	struct stat st;
	size_t len = 0;
	int fd, rc = 0;

	memset(f, 0, sizeof(*f));
	if (buf == NULL) {
		snprintf(err, err_len, "link %s: out of memory", l->name);
		return -ENOMEM;
	}
	fd = openat(s->dir_fd, l->file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT) {
		say(s, LOG_NOTICE, "link %s: no %s/%s: first start, TX SAs begin at their "
		    "configured PN", l->name, s->dir, l->file);
		free(buf);
		return 0;
	}
	if (fd < 0)
		why = strerror(errno);
	else if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		why = "not a regular file";
	else if ((rc = read_all(fd, buf, FILE_MAX, &len)) < 0)
		why = rc == -EFBIG ? "too large" : strerror(-rc);
	else if (gw_pn_file_decode(buf, len, f, &why) == 0 && strcmp(f->link, l->name) != 0)
		why = "it belongs to another link";
	if (fd >= 0)
		close(fd);
	free(buf);
	if (why == NULL)
		return 0;
	memset(f, 0, sizeof(*f));
	if (!s->c.discard_corrupt) {
		snprintf(err, err_len, "link %s: PN state file %s/%s is unusable (%s): refusing to "
			 "start, since the TX SAs could reuse PNs. If every TX key of this link "
			 "changed since, or after setting each tx_sa pn above any PN ever sent, "
			 "start once with --pn-state-discard (docs/pn-state.md)",
			 l->name, s->dir, l->file, why);
		return -EINVAL;
	}
	{
		char aside[GW_PN_LINK_MAX + 24];

		snprintf(aside, sizeof(aside), "%s.corrupt", l->file);
		if (renameat(s->dir_fd, l->file, s->dir_fd, aside) != 0 && errno != ENOENT) {
			snprintf(err, err_len, "link %s: cannot set %s aside: %s", l->name, l->file,
				 strerror(errno));
			return -EIO;
		}
		say(s, LOG_WARNING, "link %s: PN state file unusable (%s): set aside as %s/%s "
		    "(--pn-state-discard); TX SAs begin at their configured PN", l->name, why, s->dir,
		    aside);
	}
	return 0;
}

int gw_pn_link_open(struct gw_pn_store *s, const char *name, enum macsec_cipher_suite cs,
		    struct gw_pn_link **out, char *err, size_t err_len)
{
	struct gw_pn_link *l;
	struct gw_pn_file *f;
	char lock[GW_PN_LINK_MAX + 8];
	int rc;

	*out = NULL;
	if (s == NULL || s->n_links == MAX_LINKS || strlen(name) == 0 ||
	    strlen(name) >= GW_PN_LINK_MAX || strchr(name, '/') != NULL || cs >= MACSEC_CS_COUNT) {
		snprintf(err, err_len, "link %s: PN state: bad arguments", name);
		return -EINVAL;
	}
	rc = dir_open(s, err, err_len);
	if (rc < 0)
		return rc;
	l = calloc(1, sizeof(*l));
	f = malloc(sizeof(*f));
	if (l == NULL || f == NULL) {
		free(l);
		free(f);
		snprintf(err, err_len, "link %s: out of memory", name);
		return -ENOMEM;
	}
	l->s = s;
	l->cs = cs;
	snprintf(l->name, sizeof(l->name), "%s", name);
	snprintf(l->file, sizeof(l->file), "%s.pn", name);
	snprintf(l->tmp, sizeof(l->tmp), "%s.pn.tmp", name);
	snprintf(lock, sizeof(lock), "%s.lock", name);
	/* One gateway per state file: a second one would reserve the same PNs. */
	l->lock_fd = openat(s->dir_fd, lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (l->lock_fd < 0 || flock(l->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		rc = errno;
		snprintf(err, err_len, "link %s: PN state %s/%s: %s", name, s->dir, lock,
			 rc == EWOULDBLOCK ? "held by another macsec-gw (one gateway per state_dir "
			 "and link name)" : strerror(rc));
		if (l->lock_fd >= 0)
			close(l->lock_fd);
		free(l);
		free(f);
		return -EINVAL;
	}
	/* A temp file is a write that died before its rename: the old file still holds. */
	if (unlinkat(s->dir_fd, l->tmp, 0) == 0)
		say(s, LOG_NOTICE, "link %s: removed %s/%s left by an interrupted write", name,
		    s->dir, l->tmp);
	rc = link_load(l, f, err, err_len);
	if (rc < 0) {
		close(l->lock_fd);
		free(l);
		free(f);
		return rc;
	}
	l->n_keep = f->n;
	memcpy(l->keep, f->e, f->n * sizeof(f->e[0]));
	free(f);
	s->links[s->n_links++] = l;
	*out = l;
	return 0;
}

int gw_pn_link_add_tx_sa(struct gw_pn_link *l, uint8_t an, const uint8_t *key, size_t key_len,
			 uint64_t *pn, char *err, size_t err_len)
{
	struct pn_sa *a;

	if (l == NULL || l->attached || l->n_sa == MACSEC_NUM_AN || an >= MACSEC_NUM_AN ||
	    *pn == 0) {
		snprintf(err, err_len, "link %s: TX SA %u: PN state: bad arguments",
			 l ? l->name : "?", an);
		return -EINVAL;
	}
	a = &l->sa[l->n_sa++];
	memset(a, 0, sizeof(*a));
	a->an = an;
	a->space_max = gw_pn_space_max(l->cs);
	gw_pn_fingerprint(key, key_len, a->fp);
	/* Every entry for this key counts, whatever AN it had: the nonce space is the key's. */
	for (unsigned int i = 0; i < l->n_keep; i++)
		if (memcmp(l->keep[i].fp, a->fp, GW_PN_FP_LEN) == 0 && l->keep[i].limit > a->stored)
			a->stored = l->keep[i].limit;
	a->start = gw_pn_start(*pn, a->stored);
	if (a->stored > *pn)
		say(l->s, LOG_INFO, "link %s: TX SA %u resumes at PN %#llx (configured %#llx)",
		    l->name, an, (unsigned long long)a->start, (unsigned long long)*pn);
	if (a->start > a->space_max) {
		a->dead = true;
		*pn = a->space_max;    /* installed, but it never sends: attach stops it */
	} else {
		*pn = a->start;
	}
	return 0;
}

/* The file as it should be: current SAs with @p lim, then other keys' entries. */
static void link_file(const struct gw_pn_link *l, const uint64_t *lim, struct gw_pn_file *f)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->link, sizeof(f->link), "%s", l->name);
	snprintf(f->suite, sizeof(f->suite), "%s", macsec_cs_name(l->cs));
	for (unsigned int i = 0; i < l->n_sa; i++) {
		f->e[f->n].an = l->sa[i].an;
		memcpy(f->e[f->n].fp, l->sa[i].fp, GW_PN_FP_LEN);
		f->e[f->n++].limit = lim[i];
	}
	for (unsigned int k = 0; k < l->n_keep && f->n < GW_PN_MAX_ENTRIES; k++) {
		bool current = false;

		for (unsigned int i = 0; i < l->n_sa; i++)
			current |= memcmp(l->keep[k].fp, l->sa[i].fp, GW_PN_FP_LEN) == 0;
		if (!current)
			f->e[f->n++] = l->keep[k];
	}
}

static int write_full(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * Make @p f the link's file, durably: write a temp file, fsync it, rename it over the old
 * one, fsync the directory. Until the last step returns, the caller must not use any PN
 * the new limits add. A test may make the process "die" after any step.
 */
static int link_write(struct gw_pn_store *s, struct gw_pn_link *l, const struct gw_pn_file *f)
{
	char buf[4096];
	int len = gw_pn_file_encode(f, buf, sizeof(buf)), fd, rc;

	if (s->dead)
		return -ECANCELED;
	if (len < 0)
		return len;
	fd = openat(s->dir_fd, l->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (s->crash_at == GW_PN_CRASH_AFTER_OPEN)
		goto died;
	rc = write_full(fd, buf, (size_t)len);
	if (rc == 0 && s->crash_at == GW_PN_CRASH_AFTER_WRITE)
		goto died;
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	fd = -1;
	if (rc == 0 && s->crash_at == GW_PN_CRASH_AFTER_FSYNC)
		goto died;
	if (rc == 0 && renameat(s->dir_fd, l->tmp, s->dir_fd, l->file) != 0)
		rc = -errno;
	if (rc == 0 && s->crash_at == GW_PN_CRASH_AFTER_RENAME)
		goto died;
	if (rc == 0 && fsync(s->dir_fd) != 0)
		rc = -errno;
	if (rc < 0)
		(void)unlinkat(s->dir_fd, l->tmp, 0);
	return rc;
died:
	if (fd >= 0)
		close(fd);
	s->dead = true;
	return -ECANCELED;
}

int gw_pn_link_attach(struct gw_pn_link *l, struct macsec_secy *secy, char *err, size_t err_len)
{
	struct gw_pn_store *s = l->s;
	uint64_t lim[MACSEC_NUM_AN];
	struct gw_pn_file *f = malloc(sizeof(*f));
	int rc;

	if (f == NULL) {
		snprintf(err, err_len, "link %s: out of memory", l->name);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < l->n_sa; i++) {
		struct pn_sa *a = &l->sa[i];

		a->rt = secy->tx_sa[a->an];
		if (a->rt == NULL) {
			free(f);
			snprintf(err, err_len, "link %s: TX SA %u is not installed", l->name, a->an);
			return -EINVAL;
		}
		a->block = s->c.reserve_min;
		/* A dead SA keeps what the file said; the others reserve their first block. */
		lim[i] = a->dead ? a->stored : gw_pn_reserve_limit(a->start, a->block, a->space_max);
	}
	link_file(l, lim, f);
	rc = link_write(s, l, f);
	free(f);
	if (rc < 0) {
		snprintf(err, err_len, "link %s: cannot write PN state %s/%s: %s", l->name, s->dir,
			 l->file, strerror(-rc));
		return rc == -ECANCELED ? rc : -EIO;
	}
	/* Durable: only now may the SAs use their blocks. */
	for (unsigned int i = 0; i < l->n_sa; i++) {
		struct pn_sa *a = &l->sa[i];

		a->want = a->durable = a->raised = lim[i];
		a->rate_pn = a->start;
		if (a->dead) {
			__atomic_store_n(&a->rt->pn_max, 0, __ATOMIC_RELEASE);
			__atomic_store_n(&a->rt->exhausted, 1, __ATOMIC_RELEASE);
			a->told_end = true;
			say(s, LOG_ERR, "link %s: TX SA %u: PN space of its key is used up (next PN "
			    "%#llx, last %#llx): this SA stays stopped; configure a new key",
			    l->name, a->an, (unsigned long long)a->start,
			    (unsigned long long)a->space_max);
			continue;
		}
		__atomic_store_n(&a->rt->pn_max, lim[i] - 1, __ATOMIC_RELEASE);
	}
	l->attached = true;
	return 0;
}

/* ---- writer ---- */

/* Write what a link asks for, if anything; 1 written, 0 nothing to do, <0 error. */
static int link_flush(struct gw_pn_store *s, struct gw_pn_link *l)
{
	uint64_t lim[MACSEC_NUM_AN], gen;
	struct gw_pn_file f;
	int rc;

	pthread_mutex_lock(&s->mu);
	gen = l->gen_want;
	if (gen == l->gen_done) {
		pthread_mutex_unlock(&s->mu);
		return 0;
	}
	for (unsigned int i = 0; i < l->n_sa; i++)
		lim[i] = l->sa[i].dead ? l->sa[i].stored : l->sa[i].want;
	pthread_mutex_unlock(&s->mu);
	link_file(l, lim, &f);
	rc = link_write(s, l, &f);
	pthread_mutex_lock(&s->mu);
	if (rc == 0) {
		for (unsigned int i = 0; i < l->n_sa; i++)
			if (lim[i] > l->sa[i].durable)
				l->sa[i].durable = lim[i];
		l->gen_done = gen;
		if (s->err_told)
			say(s, LOG_NOTICE, "link %s: PN state written again", l->name);
		s->err_told = false;
	} else if (rc != -ECANCELED && !s->err_told) {
		s->err_told = true;
		say(s, LOG_ERR, "link %s: cannot write PN state %s/%s: %s; retrying every %u ms "
		    "(TX stops when the reservation runs out)", l->name, s->dir, l->file,
		    strerror(-rc), RETRY_MS);
	}
	pthread_mutex_unlock(&s->mu);
	return rc < 0 ? rc : 1;
}

static bool work_pending(const struct gw_pn_store *s)
{
	for (unsigned int i = 0; i < s->n_links; i++)
		if (s->links[i]->gen_want != s->links[i]->gen_done)
			return true;
	return false;
}

static void *writer_main(void *arg)
{
	struct gw_pn_store *s = arg;

	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		bool failed = false;

		if (!work_pending(s)) {
			pthread_cond_wait(&s->cv, &s->mu);
			continue;
		}
		pthread_mutex_unlock(&s->mu);
		for (unsigned int i = 0; i < s->n_links; i++)
			failed |= link_flush(s, s->links[i]) < 0;
		pthread_mutex_lock(&s->mu);
		if (failed && !s->stop) {
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += RETRY_MS / 1000;
			pthread_cond_timedwait(&s->cv, &s->mu, &ts);
		}
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* ---- control lcore ---- */

/*
 * What is on disk becomes usable: pn_max first, then an SA stopped at its reservation (not
 * at the end of the PN space) goes on while there is room below the limit. A worker that
 * read the old pn_max may stop it once more after this; the next poll lets it go again.
 */
static void sa_raise(struct gw_pn_store *s, struct gw_pn_link *l, struct pn_sa *a)
{
	struct macsec_sa *rt = a->rt;
	uint64_t next, durable;
	bool stopped;

	pthread_mutex_lock(&s->mu);
	durable = a->durable;
	pthread_mutex_unlock(&s->mu);
	if (durable > a->raised) {
		__atomic_store_n(&rt->pn_max, durable - 1, __ATOMIC_RELEASE);
		a->raised = durable;
	}
	next = __atomic_load_n(&rt->next_pn, __ATOMIC_ACQUIRE);
	stopped = __atomic_load_n(&rt->exhausted, __ATOMIC_ACQUIRE) != 0;
	if (!stopped)
		return;
	if (a->raised <= a->space_max && next < a->raised) {
		__atomic_store_n(&rt->exhausted, 0, __ATOMIC_RELEASE);
		if (a->told_stall)
			say(s, LOG_NOTICE, "link %s: TX SA %u sends again (PN reservation written)",
			    l->name, a->an);
		a->told_stall = false;
	} else if (a->raised <= a->space_max && !a->told_stall) {
		a->told_stall = true;
		say(s, LOG_WARNING, "link %s: TX SA %u waits for its PN reservation to reach the "
		    "disk: frames dropped meanwhile (OutPktsPNExhausted)", l->name, a->an);
	} else if (a->raised > a->space_max && !a->told_end) {
		a->told_end = true;
		say(s, LOG_ERR, "link %s: TX SA %u reached the end of its PN space: stopped; "
		    "configure a new key", l->name, a->an);
	}
}

/* Measure the rate, size the block, and ask for more when less than half of it is left. */
static bool sa_request(struct gw_pn_store *s, struct gw_pn_link *l, struct pn_sa *a, uint64_t now)
{
	uint64_t next = __atomic_load_n(&a->rt->next_pn, __ATOMIC_ACQUIRE);
	bool ask = false;

	if (a->rate_ms == 0 || now - a->rate_ms >= RATE_EVERY_MS) {
		uint64_t sent = next > a->rate_pn ? next - a->rate_pn : 0;
		uint64_t rate = a->rate_ms == 0 || now == a->rate_ms ? 0 :
				sent * 1000u / (now - a->rate_ms);

		a->block = gw_pn_block(rate, s->c.horizon_ms, s->c.reserve_min, a->space_max);
		a->rate_pn = next;
		a->rate_ms = now;
	}
	pthread_mutex_lock(&s->mu);
	if (a->want == a->durable && gw_pn_renew_due(next, a->durable, a->block, a->space_max)) {
		uint64_t want = gw_pn_reserve_limit(next, a->block, a->space_max);

		if (want > a->durable) {
			a->want = want;
			l->gen_want++;
			ask = true;
		}
	}
	pthread_mutex_unlock(&s->mu);
	return ask;
}

void gw_pn_store_poll(struct gw_pn_store *s, uint64_t now_ms)
{
	bool ask = false;

	if (s == NULL || s->dead)
		return;
	for (unsigned int i = 0; i < s->n_links; i++) {
		struct gw_pn_link *l = s->links[i];

		for (unsigned int k = 0; l->attached && k < l->n_sa; k++) {
			if (l->sa[k].dead)
				continue;
			sa_raise(s, l, &l->sa[k]);
			ask |= sa_request(s, l, &l->sa[k], now_ms);
		}
	}
	if (!ask)
		return;
	if (s->c.sync) {
		for (unsigned int i = 0; i < s->n_links && !s->dead; i++)
			(void)link_flush(s, s->links[i]);
		for (unsigned int i = 0; i < s->n_links && !s->dead; i++)
			for (unsigned int k = 0; s->links[i]->attached && k < s->links[i]->n_sa; k++)
				if (!s->links[i]->sa[k].dead)
					sa_raise(s, s->links[i], &s->links[i]->sa[k]);
		return;
	}
	pthread_mutex_lock(&s->mu);
	if (!s->thr_on && !s->stop) {
		int rc = pthread_create(&s->thr, NULL, writer_main, s);

		if (rc == 0) {
			s->thr_on = true;
		} else if (!s->err_told) {
			s->err_told = true;
			say(s, LOG_ERR, "cannot start the PN state writer thread: %s", strerror(rc));
		}
	}
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

uint64_t gw_pn_store_limit(const struct gw_pn_store *s, const char *name, uint8_t an)
{
	for (unsigned int i = 0; s != NULL && i < s->n_links; i++) {
		const struct gw_pn_link *l = s->links[i];

		if (strcmp(l->name, name) != 0)
			continue;
		for (unsigned int k = 0; k < l->n_sa; k++)
			if (l->sa[k].an == an)
				return __atomic_load_n(&l->sa[k].durable, __ATOMIC_RELAXED);
	}
	return 0;
}

static void store_free(struct gw_pn_store *s)
{
	for (unsigned int i = 0; i < s->n_links; i++) {
		if (s->links[i]->lock_fd >= 0)
			close(s->links[i]->lock_fd);   /* releases the flock */
		free(s->links[i]);
	}
	if (s->dir_fd >= 0)
		close(s->dir_fd);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}

/* Stop the writer thread and wait for it (the reservations it made stay on disk). */
static void writer_stop(struct gw_pn_store *s)
{
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	if (s->thr_on)
		pthread_join(s->thr, NULL);
}

void gw_pn_store_close(struct gw_pn_store *s, bool workers_stopped)
{
	if (s == NULL)
		return;
	writer_stop(s);
	/*
	 * Nothing sends any more: every PN used is below nextPN, so nextPN is an exact limit
	 * and a clean restart loses nothing. (Never above what is durable: an overshooting
	 * fetch-add at the limit took PNs it did not use.)
	 */
	for (unsigned int i = 0; workers_stopped && !s->dead && i < s->n_links; i++) {
		struct gw_pn_link *l = s->links[i];
		uint64_t lim[MACSEC_NUM_AN];
		struct gw_pn_file f;

		if (!l->attached)
			continue;
		for (unsigned int k = 0; k < l->n_sa; k++) {
			struct pn_sa *a = &l->sa[k];
			uint64_t next = __atomic_load_n(&a->rt->next_pn, __ATOMIC_ACQUIRE);

			lim[k] = a->dead ? a->stored : next < a->durable ? next : a->durable;
			if (lim[k] < a->start)
				lim[k] = a->start;
		}
		link_file(l, lim, &f);
		if (link_write(s, l, &f) < 0)
			say(s, LOG_WARNING, "link %s: final PN state not written; the reservations "
			    "on disk still hold", l->name);
	}
	store_free(s);
}

void gw_pn_store_test_crash(struct gw_pn_store *s, enum gw_pn_crash at)
{
	s->crash_at = at;
}

bool gw_pn_store_test_dead(const struct gw_pn_store *s)
{
	return s->dead;
}

void gw_pn_store_test_abandon(struct gw_pn_store *s)
{
	if (s == NULL)
		return;
	writer_stop(s);
	store_free(s);
}
