/* SPDX-License-Identifier: BSD-3-Clause */
/* YAML readers for the config loader: key paths, errors, typed scalars, hex, key files. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_yaml.h"

#define CFG_SECRET_FILE_MAX 256      /* hex of a 32-octet key with separators and a newline */

static const char *const cfg_bool_true[] = {"true", "yes", "on", NULL};
static const char *const cfg_bool_false[] = {"false", "no", "off", NULL};

/* --- errors and key paths --- */

static int cfg_failv(struct gw_yaml *p, size_t line, size_t col, const char *fmt, va_list ap)
{
	int n;

	if (p->err_len == 0 || p->err[0] != '\0')
		return -EINVAL;          /* the first error is the one reported */
	n = snprintf(p->err, p->err_len, "%s:%zu:%zu: %s: ", p->file, line, col,
		     p->key_len ? p->key : "(top)");
	if (n >= 0 && (size_t)n < p->err_len)
		vsnprintf(p->err + n, p->err_len - (size_t)n, fmt, ap);
	return -EINVAL;
}

__attribute__((format(printf, 3, 4)))
int gw_yaml_fail(struct gw_yaml *p, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = cfg_failv(p, n->start_mark.line + 1, n->start_mark.column + 1, fmt, ap);
	va_end(ap);
	return rc;
}

__attribute__((format(printf, 2, 3)))
size_t gw_yaml_key_push(struct gw_yaml *p, const char *fmt, ...)
{
	size_t old = p->key_len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p->key + old, sizeof(p->key) - old, fmt, ap);
	va_end(ap);
	if (n > 0)
		p->key_len = old + (size_t)n < sizeof(p->key) ? old + (size_t)n : sizeof(p->key) - 1;
	if (old == 0 && p->key[0] == '.') {      /* top-level keys have no leading dot */
		memmove(p->key, p->key + 1, p->key_len);
		p->key_len--;
	}
	return old;
}

void gw_yaml_key_pop(struct gw_yaml *p, size_t old)
{
	p->key_len = old;
	p->key[old] = '\0';
}

/* --- nodes --- */

static bool node_is_null(const yaml_node_t *n)
{
	const char *s = gw_yaml_sval(n);

	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (s[0] == '\0' || strcmp(s, "~") == 0 || strcasecmp(s, "null") == 0);
}

static const char *node_kind(const yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	return node_is_null(n) ? "no value" : "a scalar";
}

static yaml_node_t *node_at(const struct gw_yaml *p, int index)
{
	return yaml_document_get_node(p->doc, index);
}

yaml_node_t *gw_yaml_map_find(const struct gw_yaml *p, const yaml_node_t *map, const char *name)
{
	for (const yaml_node_pair_t *pr = map->data.mapping.pairs.start;
	     pr < map->data.mapping.pairs.top; pr++) {
		const yaml_node_t *k = node_at(p, pr->key);

		if (k->type == YAML_SCALAR_NODE && strcmp(gw_yaml_sval(k), name) == 0)
			return node_at(p, pr->value);
	}
	return NULL;
}

/* @p n must be a mapping whose keys are all in @p known, each once. */
int gw_yaml_map_check(struct gw_yaml *p, const yaml_node_t *n, const char *const *known)
{
	if (n->type != YAML_MAPPING_NODE)
		return gw_yaml_fail(p, n, "expected a mapping, got %s", node_kind(n));
	for (const yaml_node_pair_t *pr = n->data.mapping.pairs.start;
	     pr < n->data.mapping.pairs.top; pr++) {
		const yaml_node_t *k = node_at(p, pr->key);
		const char *const *kn = known;
		char list[256] = "";
		size_t used = 0;

		if (k->type != YAML_SCALAR_NODE)
			return gw_yaml_fail(p, k, "a key must be a name, not %s", node_kind(k));
		while (*kn != NULL && strcmp(*kn, gw_yaml_sval(k)) != 0)
			kn++;
		if (*kn == NULL) {
			for (kn = known; *kn != NULL && used < sizeof(list); kn++)
				used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
							 kn == known ? "" : ", ", *kn);
			if (used >= sizeof(list))
				memcpy(list + sizeof(list) - 4, "...", 4);
			gw_yaml_key_push(p, ".%s", gw_yaml_sval(k));
			return gw_yaml_fail(p, k, "unknown key (valid here: %s)", list);
		}
		for (const yaml_node_pair_t *q = n->data.mapping.pairs.start; q < pr; q++) {
			const yaml_node_t *kq = node_at(p, q->key);

			if (kq->type == YAML_SCALAR_NODE &&
			    strcmp(gw_yaml_sval(kq), gw_yaml_sval(k)) == 0) {
				gw_yaml_key_push(p, ".%s", gw_yaml_sval(k));
				return gw_yaml_fail(p, k, "duplicate key (first given on line %zu)",
						    kq->start_mark.line + 1);
			}
		}
	}
	return 0;
}

/* The key whose value is @p n, so an error about a whole mapping points at its name. */
static const yaml_node_t *owner_key(const struct gw_yaml *p, const yaml_node_t *n)
{
	int idx = (int)(n - p->doc->nodes.start) + 1;

	for (const yaml_node_t *m = p->doc->nodes.start; m < p->doc->nodes.top; m++) {
		if (m->type != YAML_MAPPING_NODE)
			continue;
		for (const yaml_node_pair_t *pr = m->data.mapping.pairs.start;
		     pr < m->data.mapping.pairs.top; pr++)
			if (pr->value == idx)
				return node_at(p, pr->key);
	}
	return n;       /* a list item or the root: its own position */
}

int gw_yaml_missing(struct gw_yaml *p, const yaml_node_t *map, const char *name)
{
	gw_yaml_key_push(p, ".%s", name);
	return gw_yaml_fail(p, owner_key(p, map), "missing required key");
}

/* The value of @p name in @p map with its path pushed; NULL (nothing pushed) when absent. */
yaml_node_t *gw_yaml_field(struct gw_yaml *p, const yaml_node_t *map, const char *name, size_t *old)
{
	yaml_node_t *v = map == NULL ? NULL : gw_yaml_map_find(p, map, name);

	if (v != NULL)
		*old = gw_yaml_key_push(p, ".%s", name);
	return v;
}

int gw_yaml_want_scalar(struct gw_yaml *p, const yaml_node_t *v, const char *what)
{
	if (v->type != YAML_SCALAR_NODE || node_is_null(v))
		return gw_yaml_fail(p, v, "expected %s, got %s", what, node_kind(v));
	return 0;
}

/* --- scalar parsers --- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decimal, or hexadecimal with 0x. */
int gw_yaml_parse_u64(const char *s, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == '\0')
		return -EINVAL;
	for (; *s != '\0'; s++) {
		int d = hexval(*s);

		if (d < 0 || (unsigned int)d >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - (unsigned int)d) / base)
			return -ERANGE;
		v = v * base + (unsigned int)d;
	}
	*out = v;
	return 0;
}

/*
 * Octets from hex: an optional 0x, then pairs of digits, optionally separated by
 * ':' or '-' (one separator between every pair, or none at all). Never quotes the
 * input in @p why: it may be a key.
 */
int gw_yaml_hex_decode(const char *s, size_t len, uint8_t *out, size_t max, size_t *n_out,
		       const char **why)
{
	size_t n = 0, i = 0;
	char sep = 0;

	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	if (i < len && i + 2 < len && (s[i + 2] == ':' || s[i + 2] == '-'))
		sep = s[i + 2];
	while (i < len) {
		int hi, lo;

		if (n > 0 && sep != 0) {
			if (s[i] != sep) {
				*why = "bad hex: separators must be between every octet";
				return -EINVAL;
			}
			i++;
		}
		if (i + 1 >= len) {
			*why = i < len && hexval(s[i]) >= 0 ? "bad hex: odd number of hex digits" :
							      "bad hex: ends with a separator";
			return -EINVAL;
		}
		hi = hexval(s[i]);
		lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0) {
			*why = "bad hex: not a hex digit";
			return -EINVAL;
		}
		if (n == max) {
			*why = "too long";
			return -E2BIG;
		}
		out[n++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	if (n == 0) {
		*why = "bad hex: no digits";
		return -EINVAL;
	}
	*n_out = n;
	return 0;
}

/* --- typed fields: 0 absent (default kept), 1 set, -EINVAL on error --- */

int gw_yaml_get_u64(struct gw_yaml *p, const yaml_node_t *map, const char *name, uint64_t min,
		    uint64_t max, uint64_t *out)
{
	size_t old = 0;
	yaml_node_t *v = gw_yaml_field(p, map, name, &old);
	uint64_t x;
	int rc;

	if (v == NULL)
		return 0;
	if (gw_yaml_want_scalar(p, v, "an integer") < 0)
		return -EINVAL;
	rc = gw_yaml_parse_u64(gw_yaml_sval(v), &x);
	if (rc == -EINVAL)
		return gw_yaml_fail(p, v, "expected an integer, got '%.40s'", gw_yaml_sval(v));
	if (rc < 0 || x < min || x > max)
		return gw_yaml_fail(p, v, "%.40s is out of range %llu..%llu", gw_yaml_sval(v),
				    (unsigned long long)min, (unsigned long long)max);
	*out = x;
	gw_yaml_key_pop(p, old);
	return 1;
}

/* gw_yaml_get_u64() into an unsigned field of 1, 2, 4 or 8 octets; the range must fit it. */
int gw_yaml_get_uint_sz(struct gw_yaml *p, const yaml_node_t *map, const char *name, uint64_t min,
			uint64_t max, void *dst, size_t size)
{
	uint64_t x = 0;
	int rc = gw_yaml_get_u64(p, map, name, min, max, &x);

	if (rc == 1 && size == 1)
		*(uint8_t *)dst = (uint8_t)x;
	else if (rc == 1 && size == 2)
		*(uint16_t *)dst = (uint16_t)x;
	else if (rc == 1 && size == 4)
		*(uint32_t *)dst = (uint32_t)x;
	else if (rc == 1)
		*(uint64_t *)dst = x;
	return rc;
}

static int word_index(const char *s, const char *const *words)
{
	for (int i = 0; words[i] != NULL; i++)
		if (strcasecmp(s, words[i]) == 0)
			return i;
	return -1;
}

int gw_yaml_get_bool(struct gw_yaml *p, const yaml_node_t *map, const char *name, bool *out)
{
	size_t old = 0;
	yaml_node_t *v = gw_yaml_field(p, map, name, &old);

	if (v == NULL)
		return 0;
	if (gw_yaml_want_scalar(p, v, "true or false") < 0)
		return -EINVAL;
	if (word_index(gw_yaml_sval(v), cfg_bool_true) >= 0)
		*out = true;
	else if (word_index(gw_yaml_sval(v), cfg_bool_false) >= 0)
		*out = false;
	else
		return gw_yaml_fail(p, v, "expected true or false, got '%.40s'", gw_yaml_sval(v));
	gw_yaml_key_pop(p, old);
	return 1;
}

/* One of @p words (NULL-terminated); *out is its index. */
int gw_yaml_get_enum(struct gw_yaml *p, const yaml_node_t *map, const char *name,
		     const char *const *words, int *out)
{
	size_t old = 0, used = 0;
	yaml_node_t *v = gw_yaml_field(p, map, name, &old);
	char list[128] = "";
	int i;

	if (v == NULL)
		return 0;
	if (gw_yaml_want_scalar(p, v, "a name") < 0)
		return -EINVAL;
	i = word_index(gw_yaml_sval(v), words);
	if (i < 0) {
		for (int k = 0; words[k] != NULL && used < sizeof(list); k++)
			used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
						 k ? " | " : "", words[k]);
		return gw_yaml_fail(p, v, "'%.40s' is not one of %s", gw_yaml_sval(v), list);
	}
	*out = i;
	gw_yaml_key_pop(p, old);
	return 1;
}

int gw_yaml_get_str(struct gw_yaml *p, const yaml_node_t *map, const char *name, char *buf,
		    size_t size, const yaml_node_t **node)
{
	size_t old = 0;
	yaml_node_t *v = gw_yaml_field(p, map, name, &old);

	if (v == NULL)
		return 0;
	if (gw_yaml_want_scalar(p, v, "a string") < 0)
		return -EINVAL;
	if (v->data.scalar.length >= size || strlen(gw_yaml_sval(v)) != v->data.scalar.length)
		return gw_yaml_fail(p, v, "longer than %zu characters", size - 1);
	memcpy(buf, gw_yaml_sval(v), v->data.scalar.length + 1);
	if (node != NULL)
		*node = v;
	gw_yaml_key_pop(p, old);
	return 1;
}

/* Non-secret hex (ckn, salt, key_id): @p min..@p max octets. */
int gw_yaml_get_hex(struct gw_yaml *p, const yaml_node_t *map, const char *name, uint8_t *buf,
		    size_t min, size_t max, uint8_t *len)
{
	size_t old = 0, n = 0;
	yaml_node_t *v = gw_yaml_field(p, map, name, &old);
	const char *why = NULL;

	if (v == NULL)
		return 0;
	if (gw_yaml_want_scalar(p, v, "hex octets") < 0)
		return -EINVAL;
	if (gw_yaml_hex_decode(gw_yaml_sval(v), v->data.scalar.length, buf, max, &n, &why) < 0)
		return min == max ? gw_yaml_fail(p, v, "%s (want %zu octets)", why, min) :
				    gw_yaml_fail(p, v, "%s (want %zu..%zu octets)", why, min, max);
	if (n < min)
		return gw_yaml_fail(p, v, "%zu octets, want %zu%s", n, min,
				    min == max ? "" : " or more");
	*len = (uint8_t)n;
	gw_yaml_key_pop(p, old);
	return 1;
}

static int read_secret_file(struct gw_yaml *p, const yaml_node_t *v, uint8_t *out, size_t max,
			    size_t *n_out)
{
	char path[GW_PATH_MAX * 2], buf[CFG_SECRET_FILE_MAX + 1];
	const char *why = NULL;
	struct stat st;
	size_t len = 0, s = 0;
	ssize_t r;
	int fd, rc;

	if (gw_yaml_sval(v)[0] == '/' || p->dir[0] == '\0')
		rc = snprintf(path, sizeof(path), "%s", gw_yaml_sval(v));
	else
		rc = snprintf(path, sizeof(path), "%s/%s", p->dir, gw_yaml_sval(v));
	if (rc < 0 || (size_t)rc >= sizeof(path))
		return gw_yaml_fail(p, v, "path too long");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return gw_yaml_fail(p, v, "cannot open key file %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return gw_yaml_fail(p, v, "key file %s is not a regular file", path);
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		close(fd);
		return gw_yaml_fail(p, v, "key file %s is readable or writable by group or others "
				    "(mode %04o): refused, chmod 600 it", path,
				    (unsigned int)(st.st_mode & 07777));
	}
	while (len < sizeof(buf) && (r = read(fd, buf + len, sizeof(buf) - len)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			close(fd);
			macsec_wipe(buf, sizeof(buf));
			return gw_yaml_fail(p, v, "cannot read key file %s: %s", path,
					    strerror(-rc));
		}
		len += (size_t)r;
	}
	close(fd);
	if (len == sizeof(buf)) {
		macsec_wipe(buf, sizeof(buf));
		return gw_yaml_fail(p, v, "key file %s is longer than %u octets", path,
				    CFG_SECRET_FILE_MAX);
	}
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' ' ||
			   buf[len - 1] == '\t'))
		len--;
	while (s < len && (buf[s] == ' ' || buf[s] == '\t'))
		s++;
	rc = gw_yaml_hex_decode(buf + s, len - s, out, max, n_out, &why);
	macsec_wipe(buf, sizeof(buf));
	if (rc < 0)
		return gw_yaml_fail(p, v, "key file %s: %s", path, why);
	return 0;
}

/*
 * A secret given as @p name (inline hex) or @p name_file (path to a file of hex):
 * exactly one of them; @p lens lists the accepted lengths (0-terminated).
 */
int gw_yaml_get_secret(struct gw_yaml *p, const yaml_node_t *map, const char *name, uint8_t *out,
		       uint8_t *out_len, const unsigned int *lens, const char *len_why)
{
	char fname[48];
	size_t old = 0, n = 0;
	yaml_node_t *v, *vf;
	const char *why = NULL;
	uint8_t tmp[MACSEC_KEY_MAX];
	int rc;

	snprintf(fname, sizeof(fname), "%s_file", name);
	v = gw_yaml_map_find(p, map, name);
	vf = gw_yaml_map_find(p, map, fname);
	if (v == NULL && vf == NULL) {
		gw_yaml_key_push(p, ".%s", name);
		return gw_yaml_fail(p, owner_key(p, map), "missing: give %s (hex) or %s (path)",
				    name, fname);
	}
	if (v != NULL && vf != NULL) {
		gw_yaml_key_push(p, ".%s", fname);
		return gw_yaml_fail(p, vf, "give %s or %s, not both", name, fname);
	}
	if (v != NULL) {
		old = gw_yaml_key_push(p, ".%s", name);
		if (gw_yaml_want_scalar(p, v, "hex octets") < 0)
			return -EINVAL;
		rc = gw_yaml_hex_decode(gw_yaml_sval(v), v->data.scalar.length, tmp, sizeof(tmp),
					&n, &why);
	} else {
		old = gw_yaml_key_push(p, ".%s", fname);
		if (gw_yaml_want_scalar(p, vf, "a file path") < 0)
			return -EINVAL;
		rc = read_secret_file(p, vf, tmp, sizeof(tmp), &n);
		if (rc < 0) {
			macsec_wipe(tmp, sizeof(tmp));
			return rc;
		}
		v = vf;
	}
	if (rc < 0) {
		macsec_wipe(tmp, sizeof(tmp));
		return gw_yaml_fail(p, v, "%s%s", why, rc == -E2BIG ? ": more than 32 octets" : "");
	}
	while (*lens != 0 && *lens != n)
		lens++;
	if (*lens == 0) {
		macsec_wipe(tmp, sizeof(tmp));
		return gw_yaml_fail(p, v, "%zu octets, %s", n, len_why);
	}
	memcpy(out, tmp, n);
	*out_len = (uint8_t)n;
	macsec_wipe(tmp, sizeof(tmp));
	gw_yaml_key_pop(p, old);
	return 1;
}

/* A list of 1..@p max items (or 0.. when @p may_be_empty); NULL when absent. */
int gw_yaml_get_list(struct gw_yaml *p, const yaml_node_t *map, const char *name, size_t max,
		     bool may_be_empty, const yaml_node_t **out)
{
	size_t old = 0;
	yaml_node_t *v = gw_yaml_field(p, map, name, &old);
	size_t n;

	*out = NULL;
	if (v == NULL)
		return 0;
	if (v->type != YAML_SEQUENCE_NODE)
		return gw_yaml_fail(p, v, "expected a list, got %s", node_kind(v));
	n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	if (n == 0 && !may_be_empty)
		return gw_yaml_fail(p, v, "must not be empty");
	if (n > max)
		return gw_yaml_fail(p, v, "at most %zu entries, got %zu", max, n);
	*out = v;
	gw_yaml_key_pop(p, old);
	return 1;
}

size_t gw_yaml_list_len(const yaml_node_t *l)
{
	return l == NULL ? 0 : (size_t)(l->data.sequence.items.top - l->data.sequence.items.start);
}

yaml_node_t *gw_yaml_list_item(const struct gw_yaml *p, const yaml_node_t *l, size_t i)
{
	return node_at(p, l->data.sequence.items.start[i]);
}

/* A mapping-valued key: returns the node (NULL when absent) with nothing pushed. */
int gw_yaml_get_map(struct gw_yaml *p, const yaml_node_t *map, const char *name,
		    const char *const *known, const yaml_node_t **out)
{
	size_t old = 0;
	yaml_node_t *v = gw_yaml_field(p, map, name, &old);

	*out = NULL;
	if (v == NULL)
		return 0;
	if (gw_yaml_map_check(p, v, known) < 0)
		return -EINVAL;
	*out = v;
	gw_yaml_key_pop(p, old);
	return 1;
}
