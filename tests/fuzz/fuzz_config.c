/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer: gw_config_parse on any text: an error is one line naming the file, never a key. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "aead.h"
#include "config.h"
#include "fuzz_util.h"
#include "pn.h"

#define NAME "fuzz.yaml"

/*
 * Known bugs, tolerated unless FUZZ_STRICT=1:
 * - regress/config/xpn-pn-max: an XPN SA's pn is accepted up to 2^64-1, while lib/macsec
 *   refuses PNs above MACSEC_XPN_MAX (-ERANGE), so a file that loads stops macsec-gw at start;
 * - regress/config/newline-in-message: values and key names are quoted into the message as
 *   they are, so one with a line break (a quoted "\n", a folded scalar) splits the message.
 */
static bool strict;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The key files tests/config/cases name, in a fresh directory we work in, so relative
 * *_file paths resolve here. Their secrets are ours: the messages must never show them.
 */
static const struct {
	const char *name, *text;
	mode_t mode;
} key_files[] = {
	{"k128.key", "9ac3f17e5b20d4c88e61a7f9320bd5e4\n", 0600},
	{"k256.key", "e47a0c9b35d18f62a9c4b7e1f08d53a2c6e9b14f7a3d8052e1c6f9b47d20a8e3", 0600},
	{"k256b.key", "b8d2f5a1c7e4093b6fa2d8c15e7b94f0a3c6d9e2b5f8017c4a9e3d6b2f5c8e1a\r\n", 0400},
	{"world.key", "d5f8a2c7e1b4936f0c8e5a2d7b4f1c96e3a0d7b4c1f8e5a29b6d3f0c7e4a1b8d", 0644},
	{"group.key", "f3a6c9e2b5d8147a0e3c6f9b2d5a8e1c", 0640},
	{"badhex.key", "c6e9b2f5a8d1g4", 0600},
};
#define N_KEY_FILES (sizeof(key_files) / sizeof(key_files[0]))

static char work_dir[512];

static void work_dir_remove(void)
{
	for (size_t i = 0; i < N_KEY_FILES; i++)
		unlink(key_files[i].name);
	if (chdir("/") == 0)
		rmdir(work_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* Under $TMPDIR (run_one.sh points it into its work dir: libFuzzer's own exit
	 * skips atexit, so a directory may stay behind). */
	snprintf(work_dir, sizeof(work_dir), "%s/fuzz_config.XXXXXX",
		 getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(work_dir) == NULL || chdir(work_dir) != 0)
		abort();
	atexit(work_dir_remove);
	strict = getenv("FUZZ_STRICT") != NULL && strcmp(getenv("FUZZ_STRICT"), "0") != 0;
	for (size_t i = 0; i < N_KEY_FILES; i++) {
		int fd = open(key_files[i].name, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0 || write(fd, key_files[i].text, strlen(key_files[i].text)) < 0 ||
		    fchmod(fd, key_files[i].mode) != 0)
			abort();
		close(fd);
	}
	return 0;
}

/* --- what the input holds as secrets, by libyaml's own reading of it --- */

struct scan {
	char secrets[8192];     /* values of key:, salt:, cak:, NUL-separated */
	size_t s_len;
	char others[65536];     /* every other scalar (keys included), NUL-separated */
	size_t o_len;
};

static void put(char *buf, size_t cap, size_t *len, const char *s, size_t n)
{
	if (*len + n + 1 > cap)
		return;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[(*len)++] = '\0';
}

static bool secret_key(const char *k, size_t n)
{
	return (n == 3 && memcmp(k, "key", 3) == 0) || (n == 4 && memcmp(k, "salt", 4) == 0) ||
	       (n == 3 && memcmp(k, "cak", 3) == 0);
}

/* Walk the events up to the end or the first error: in a mapping, scalars alternate key/value. */
static void scan_yaml(const uint8_t *text, size_t len, struct scan *sc)
{
	yaml_parser_t ps;
	yaml_event_t ev;
	/* per nesting level: 1 = mapping; next scalar is a key; the last key was secret.
	 * Deeper than 64 levels, scalars count as "others" (none of our keys is that deep). */
	uint8_t is_map[64] = {0}, want_key[64] = {0}, secret[64] = {0};
	int depth = 0, d;

	sc->s_len = sc->o_len = 0;
	if (!yaml_parser_initialize(&ps))
		abort();
	yaml_parser_set_input_string(&ps, text, len);
	while (yaml_parser_parse(&ps, &ev)) {
		yaml_event_type_t t = ev.type;

		d = depth > 64 ? 0 : depth;     /* 0: not tracked */
		if (t == YAML_SCALAR_EVENT) {
			const char *v = (const char *)ev.data.scalar.value;
			size_t n = ev.data.scalar.length;

			if (d > 0 && is_map[d - 1] && want_key[d - 1]) {
				secret[d - 1] = secret_key(v, n);
				want_key[d - 1] = 0;
				put(sc->others, sizeof(sc->others), &sc->o_len, v, n);
			} else if (d > 0 && is_map[d - 1]) {
				want_key[d - 1] = 1;
				if (secret[d - 1])
					put(sc->secrets, sizeof(sc->secrets), &sc->s_len, v, n);
				else
					put(sc->others, sizeof(sc->others), &sc->o_len, v, n);
			} else {
				put(sc->others, sizeof(sc->others), &sc->o_len, v, n);
			}
		} else if (t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT) {
			if (d > 0 && is_map[d - 1])
				want_key[d - 1] = !want_key[d - 1];
			if (depth < 64) {
				is_map[depth] = t == YAML_MAPPING_START_EVENT;
				want_key[depth] = 1;
				secret[depth] = 0;
			}
			depth++;
		} else if (t == YAML_MAPPING_END_EVENT || t == YAML_SEQUENCE_END_EVENT) {
			if (depth > 0)
				depth--;
		} else if (t == YAML_ALIAS_EVENT) {
			if (d > 0 && is_map[d - 1])
				want_key[d - 1] = !want_key[d - 1];
		}
		yaml_event_delete(&ev);
		if (t == YAML_STREAM_END_EVENT)
			break;
	}
	yaml_parser_delete(&ps);
}

static bool in_list(const char *list, size_t len, const char *needle, size_t n)
{
	for (size_t off = 0; off < len; off += strlen(list + off) + 1)
		if (memmem(list + off, strlen(list + off), needle, n) != NULL)
			return true;
	return false;
}

/*
 * Does @p msg show 8 consecutive characters (7 or more hex digits) of @p secret that the
 * input does not also have in a non-secret place? What the message quotes of non-secret
 * scalars (a key name, say) is blanked first: the message's own punctuation next to such a
 * quote could otherwise complete a window of a secret that happens to share its text
 * (regress/config/secret-shares-key-name).
 */
static void check_no_secret(const char *msg0, const char *secret, size_t slen, const struct scan *sc,
			    const uint8_t *input, size_t input_len, const char *what)
{
	static char msg[4096];

	snprintf(msg, sizeof(msg), "%s", msg0);
	for (size_t off = 0; off < sc->o_len; off += strlen(sc->others + off) + 1) {
		const char *o = sc->others + off;
		size_t on = strlen(o);
		char *at;

		if (on < 3)
			continue;
		for (at = strstr(msg, o); at != NULL; at = strstr(at + on, o))
			memset(at, ' ', on);
	}
	for (size_t i = 0; i + 8 <= slen; i++) {
		const char *w = secret + i;
		int hex = 0;

		for (int k = 0; k < 8; k++)
			hex += isxdigit((unsigned char)w[k]) != 0;
		if (hex < 7)
			continue;
		if (memmem(msg, strlen(msg), w, 8) == NULL)
			continue;
		if (in_list(sc->others, sc->o_len, w, 8) ||
		    (input != NULL && memmem(input, input_len, w, 8) != NULL))
			continue;
		FZ_CHECK(false, "error message shows %s: '%.8s' in '%s'", what, w, msg);
	}
}

/* Does any scalar of the input (value or key) hold a line break? */
static bool scalar_has_line_break(const struct scan *sc)
{
	return memchr(sc->others, '\n', sc->o_len) != NULL ||
	       memchr(sc->others, '\r', sc->o_len) != NULL ||
	       memchr(sc->secrets, '\n', sc->s_len) != NULL ||
	       memchr(sc->secrets, '\r', sc->s_len) != NULL;
}

static void check_message(const char *err, size_t cap, const struct scan *sc, const uint8_t *text,
			  size_t len)
{
	size_t n = strnlen(err, cap);
	const char *body;

	FZ_CHECK(n < cap, "message not terminated");
	FZ_CHECK(n > 0, "an error without a message");
	FZ_CHECK(strncmp(err, NAME ":", strlen(NAME ":")) == 0 || strncmp(err, NAME, n) == 0,
		 "message does not start with the file name: '%s'", err);
	FZ_CHECK((memchr(err, '\n', n) == NULL && memchr(err, '\r', n) == NULL) ||
		 (!strict && scalar_has_line_break(sc)), "message is not one line: '%s'", err);
	body = err + strlen(NAME);
	/* Inline secrets: not in the message unless the input also has them elsewhere. */
	for (size_t off = 0; off < sc->s_len; off += strlen(sc->secrets + off) + 1)
		check_no_secret(body, sc->secrets + off, strlen(sc->secrets + off), sc, NULL, 0,
				"an inline key");
	/* Key file contents: the input names the file, never holds its text. */
	for (size_t i = 0; i < N_KEY_FILES; i++)
		check_no_secret(body, key_files[i].text, strlen(key_files[i].text), sc, text, len,
				"a key file's contents");
}

/* What app/main.c gw_secy_setup() does with a static link: it must not fail. */
static void check_secy_setup(const struct gw_link_conf *l, unsigned int li)
{
	const struct macsec_aead_engine *aead = macsec_aead_find("openssl");
	const struct gw_static_conf *st = &l->st;
	struct macsec_secy *secy;
	struct macsec_sa_params p;
	int rc;

	FZ_CHECK(aead != NULL, "no OpenSSL engine");
	FZ_CHECK(macsec_secy_create(&secy, &l->secy, aead, NULL) == 0, "links[%u]: secy_create", li);
	for (unsigned int i = 0; i < st->n_tx_sa; i++) {
		const struct gw_sa_conf *s = &st->tx_sa[i];

		p = (struct macsec_sa_params){.an = s->an, .key_len = s->key_len, .pn = s->pn,
					      .ssci = s->ssci, .active = s->active};
		memcpy(p.key, s->key, s->key_len);
		memcpy(p.salt, s->salt, sizeof(p.salt));
		rc = macsec_secy_tx_sa_install(secy, &p);
		FZ_CHECK(rc == 0 || (!strict && rc == -ERANGE && s->pn > MACSEC_XPN_MAX),
			 "links[%u] tx_sa[%u] loads but does not install: %d", li, i, rc);
	}
	FZ_CHECK(macsec_secy_tx_set_encoding_an(secy, st->encoding_an) == 0, "encoding_an %u",
		 st->encoding_an);
	for (unsigned int k = 0; k < st->n_rx_sc; k++) {
		const struct gw_rx_sc_conf *sc = &st->rx_sc[k];

		FZ_CHECK(macsec_secy_rx_sc_add(secy, sc->sci) == 0, "links[%u] rx_sc[%u] add", li, k);
		for (unsigned int a = 0; a < sc->n_sa; a++) {
			const struct gw_sa_conf *s = &sc->sa[a];

			p = (struct macsec_sa_params){.an = s->an, .key_len = s->key_len,
						      .pn = s->pn, .ssci = s->ssci,
						      .active = s->active};
			memcpy(p.key, s->key, s->key_len);
			memcpy(p.salt, s->salt, sizeof(p.salt));
			rc = macsec_secy_rx_sa_install(secy, sc->sci, &p);
			FZ_CHECK(rc == 0 || (!strict && rc == -ERANGE && s->pn > MACSEC_XPN_MAX),
				 "links[%u] rx_sc[%u].sa[%u] loads but does not install: %d", li,
				 k, a, rc);
		}
	}
	macsec_wipe(&p, sizeof(p));
	macsec_secy_destroy(secy);
}

/* What the loader accepted, the SecY must take (lib/macsec/secy.h checks). */
static void check_conf(const struct gw_conf *c)
{
	FZ_CHECK(c->n_links >= 1 && c->n_links <= GW_MAX_LINKS, "%u links", c->n_links);
	FZ_CHECK(c->n_workers <= GW_MAX_WORKERS, "%u workers", c->n_workers);
	FZ_CHECK(strnlen(c->socket_path, sizeof(c->socket_path)) < sizeof(c->socket_path) &&
		 strnlen(c->crypto, sizeof(c->crypto)) < sizeof(c->crypto), "unterminated string");
	for (unsigned int i = 0; i < c->n_links; i++) {
		const struct gw_link_conf *l = &c->links[i];
		const char *why = NULL;
		unsigned int kl = macsec_cs_key_len(l->secy.cipher_suite);

		FZ_CHECK(strnlen(l->name, sizeof(l->name)) < sizeof(l->name), "link name");
		FZ_CHECK(macsec_secy_conf_check(&l->secy, &why) == 0, "links[%u].secy: %s", i, why);
		if (l->ka == GW_KA_MKA) {
			FZ_CHECK(l->mka.cak_len == 16 || l->mka.cak_len == 32, "CAK length %u",
				 l->mka.cak_len);
			FZ_CHECK(l->mka.ckn_len >= 1 && l->mka.ckn_len <= GW_CKN_MAX, "CKN length");
			continue;
		}
		FZ_CHECK(l->st.n_tx_sa <= MACSEC_NUM_AN && l->st.n_rx_sc <= GW_MAX_STATIC_RX_SC,
			 "SA/SC counts");
		for (unsigned int a = 0; a < l->st.n_tx_sa; a++)
			FZ_CHECK(l->st.tx_sa[a].key_len == kl && l->st.tx_sa[a].an < MACSEC_NUM_AN &&
				 l->st.tx_sa[a].pn != 0, "links[%u] tx_sa[%u]", i, a);
		for (unsigned int k = 0; k < l->st.n_rx_sc; k++)
			for (unsigned int a = 0; a < l->st.rx_sc[k].n_sa && a < MACSEC_NUM_AN; a++)
				FZ_CHECK(l->st.rx_sc[k].sa[a].key_len == kl &&
					 l->st.rx_sc[k].sa[a].pn != 0, "links[%u] rx_sc[%u].sa[%u]", i, k, a);
		check_secy_setup(l, i);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gw_conf conf, before;
	static struct scan sc;
	char err[256], small[64];
	size_t small_len = size % sizeof(small) + 1;
	int rc, rc2;

	memset(&conf, 0x5A, sizeof(conf));
	before = conf;
	rc = gw_config_parse(NAME, data, size, &conf, err, sizeof(err));
	FZ_CHECK(rc == 0 || (rc < 0 && rc >= -4095), "returned %d", rc);
	if (rc == 0) {
		check_conf(&conf);
		gw_config_wipe(&conf);
	} else {
		FZ_CHECK(memcmp(&conf, &before, sizeof(conf)) == 0,
			 "failed (%d) but changed the caller's conf", rc);
		scan_yaml(data, size, &sc);
		check_message(err, sizeof(err), &sc, data, size);
	}

	/* A short error buffer: the same result, the message cut, never overrun. */
	memset(small, 0x7F, sizeof(small));
	rc2 = gw_config_parse(NAME, data, size, &conf, small, small_len);
	FZ_CHECK(rc2 == rc, "%d, then %d with a %zu-octet message buffer", rc, rc2, small_len);
	if (rc2 == 0)
		gw_config_wipe(&conf);
	FZ_CHECK(strnlen(small, small_len) < small_len, "short message not terminated");
	for (size_t i = small_len; i < sizeof(small); i++)
		FZ_CHECK(small[i] == 0x7F, "message buffer overrun at %zu of %zu", i, small_len);
	if (rc != 0)
		FZ_CHECK(strncmp(small, err, small_len - 1) == 0, "cut message '%s' vs '%s'", small,
			 err);
	return 0;
}
