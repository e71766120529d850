/* SPDX-License-Identifier: BSD-3-Clause */
/* Load the tests/vectors JSON files with jansson into struct tv_case. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "harness.h"
#include "sectag.h"
#include "vectors.h"

static const char *str(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int hexfield(json_t *o, const char *k, uint8_t *out, size_t cap)
{
	const char *s = str(o, k);

	return s == NULL ? -1 : th_hex(s, out, cap);
}

static uint64_t u64hex(const char *s)
{
	return s == NULL ? 0 : strtoull(s, NULL, 16);
}

static int case_parse(json_t *o, struct tv_case *c)
{
	const char *cs = str(o, "cipher_suite"), *prot = str(o, "protection");
	const char *exp = str(o, "expected_result"), *tags = str(o, "clear_tags");
	unsigned int tci;
	int n;

	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", str(o, "id") ? str(o, "id") : "?");
	if (cs == NULL || macsec_cs_parse(cs, &c->cs) < 0)
		return -1;
	c->encrypt = prot != NULL && strcmp(prot, "confidentiality") == 0;
	c->reject = exp != NULL && strncmp(exp, "reject", 6) == 0;
	/* The TCI octet on the wire decides; "tci_bits" of DPDK vlan cases 2 and 3 says SC 0
	 * while their SecTAG carries TCI 0x20 and an SCI. */
	tci = (unsigned int)strtoul(str(o, "tci_an") ? str(o, "tci_an") : "0", NULL, 16);
	c->tci_sc = (tci & MACSEC_TCI_SC) != 0;
	c->tci_es = (tci & MACSEC_TCI_ES) != 0;
	c->tci_scb = (tci & MACSEC_TCI_SCB) != 0;
	n = hexfield(o, "key", c->key, sizeof(c->key));
	if (n != 16 && n != 32)
		return -1;
	c->key_len = (uint8_t)n;
	c->sci = u64hex(str(o, "sci"));
	c->an = (uint8_t)json_integer_value(json_object_get(o, "an"));
	c->pn = u64hex(str(o, "pn"));
	c->ssci = (uint32_t)u64hex(str(o, "ssci"));
	if (str(o, "salt") != NULL && hexfield(o, "salt", c->salt, sizeof(c->salt)) != 12)
		return -1;
	c->clear_tags = tags != NULL ? (uint8_t)(strlen(tags) / 8) : 0;
	n = hexfield(o, "unprotected_frame", c->clear, sizeof(c->clear));
	if (n < 0)
		return -1;
	c->clear_len = (uint32_t)n;
	n = hexfield(o, "protected_frame", c->prot, sizeof(c->prot));
	if (n < 0)
		return -1;
	c->prot_len = (uint32_t)n;
	return 0;
}

int tv_load(const char *dir, const char *file, struct tv_case **out)
{
	char path[1024];
	json_error_t err;
	json_t *root, *o;
	struct tv_case *v;
	size_t i;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	root = json_load_file(path, 0, &err);
	if (!json_is_array(root)) {
		fprintf(stderr, "%s: %s (line %d)\n", path, err.text, err.line);
		json_decref(root);
		return -1;
	}
	v = calloc(json_array_size(root), sizeof(*v));
	json_array_foreach(root, i, o) {
		if (case_parse(o, &v[n]) < 0) {
			fprintf(stderr, "%s: case %zu does not parse\n", path, i);
			free(v);
			json_decref(root);
			return -1;
		}
		n++;
	}
	json_decref(root);
	*out = v;
	return n;
}

const struct tv_case *tv_find(const struct tv_case *v, int n, const char *id)
{
	for (int i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

void tv_conf(const struct tv_case *c, struct macsec_secy_conf *conf, uint32_t window)
{
	th_conf_default(conf, c->cs);
	conf->encrypt = c->encrypt;
	conf->include_sci = c->tci_sc;
	conf->use_es = c->tci_es;
	conf->use_scb = c->tci_scb;
	conf->sci = c->sci;
	conf->replay_window = window;
	conf->vlan_tags_in_clear = c->clear_tags;
}

void tv_sa(const struct tv_case *c, uint64_t pn, struct macsec_sa_params *p)
{
	memset(p, 0, sizeof(*p));
	p->an = c->an;
	p->key_len = c->key_len;
	memcpy(p->key, c->key, c->key_len);
	p->pn = pn;
	p->ssci = c->ssci;
	memcpy(p->salt, c->salt, sizeof(p->salt));
	p->active = true;
}
