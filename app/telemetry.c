/* SPDX-License-Identifier: BSD-3-Clause */
/* The control socket's documents as DPDK telemetry under /macsec/ (dpdk-telemetry.py). */
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <rte_telemetry.h>

#include "gw.h"

static struct gw *tel_gw;

/* Telemetry dicts hold one level, and DPDK accepts only [A-Za-z0-9_/] in names: nested
 * objects become slash-separated keys ("secy/InPktsOK", "rx_sc/0/InPktsOK"). */
static void flatten(struct rte_tel_data *d, const char *prefix, json_t *v, unsigned int *n)
{
	char key[RTE_TEL_MAX_STRING_LEN];

	if (*n >= RTE_TEL_MAX_DICT_ENTRIES)
		return;
	if (json_is_object(v)) {
		const char *k;
		json_t *x;

		json_object_foreach(v, k, x) {
			snprintf(key, sizeof(key), "%s%s%s", prefix, *prefix ? "/" : "", k);
			flatten(d, key, x, n);
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *x;

		json_array_foreach(v, i, x) {
			snprintf(key, sizeof(key), "%s%s%zu", prefix, *prefix ? "/" : "", i);
			flatten(d, key, x, n);
		}
	} else if (json_is_integer(v)) {
		json_int_t iv = json_integer_value(v);

		if (iv >= 0)
			rte_tel_data_add_dict_u64(d, prefix, (uint64_t)iv);
		else
			rte_tel_data_add_dict_int(d, prefix, (int)iv);
		(*n)++;
	} else if (json_is_boolean(v)) {
		rte_tel_data_add_dict_u64(d, prefix, json_is_true(v) ? 1 : 0);
		(*n)++;
	} else if (json_is_real(v)) {
		char s[32];

		snprintf(s, sizeof(s), "%.3f", json_real_value(v));
		rte_tel_data_add_dict_string(d, prefix, s);
		(*n)++;
	} else if (json_is_string(v)) {
		rte_tel_data_add_dict_string(d, prefix, json_string_value(v));
		(*n)++;
	}
}

static int tel_reply(struct rte_tel_data *d, json_t *doc)
{
	unsigned int n = 0;

	rte_tel_data_start_dict(d);
	flatten(d, "", doc, &n);
	json_decref(doc);
	return 0;
}

/* /macsec/stats,LINK: one link (the first when no name is given). */
static json_t *pick_link(json_t *doc, const char *params)
{
	json_t *links = json_object_get(doc, "links"), *l, *out = NULL;
	size_t i;

	json_array_foreach(links, i, l) {
		const char *name = json_string_value(json_object_get(l, "name"));

		if (params == NULL || *params == '\0' || (name && strcmp(name, params) == 0)) {
			out = json_incref(l);
			break;
		}
	}
	json_decref(doc);
	return out != NULL ? out : json_pack("{s:s}", "error", "no such link");
}

static int tel_cb(const char *cmd, const char *params, struct rte_tel_data *d)
{
	json_t *doc;

	pthread_mutex_lock(&tel_gw->ctl_lock);
	if (strcmp(cmd, "/macsec/status") == 0)
		doc = gw_json_status(tel_gw);
	else if (strcmp(cmd, "/macsec/stats") == 0)
		doc = pick_link(gw_json_stats(tel_gw), params);
	else
		doc = pick_link(gw_json_config(tel_gw), params);
	pthread_mutex_unlock(&tel_gw->ctl_lock);
	return tel_reply(d, doc);
}

int gw_telemetry_register(struct gw *gw)
{
	int rc;

	tel_gw = gw;
	rc = rte_telemetry_register_cmd("/macsec/status", tel_cb,
					"Gateway status: version, crypto engine, links, workers");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/macsec/stats", tel_cb,
			"Every 802.1AE counter of one link. Parameters: link name");
	if (rc == 0)
		rc = rte_telemetry_register_cmd("/macsec/config", tel_cb,
			"Effective configuration of one link, without keys. Parameters: link name");
	return rc;
}
