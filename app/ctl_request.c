/* SPDX-License-Identifier: BSD-3-Clause */
/* Control socket request parsing (ctl_request.h): pure, fuzzed on its own (tests/fuzz). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "ctl_request.h"

static const char *const cmd_names[GW_CTL_COUNT] = {
	[GW_CTL_STATUS] = "status", [GW_CTL_STATS] = "stats", [GW_CTL_CONFIG] = "config",
	[GW_CTL_MKA] = "mka",       [GW_CTL_REKEY] = "rekey", [GW_CTL_HELP] = "help",
	[GW_CTL_SELFTEST] = "selftest",
};

int gw_ctl_request_parse(const char *line, size_t len, struct gw_ctl_request *out, char *err,
			 size_t err_len)
{
	json_error_t jerr;
	json_t *req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr), *cmdv;
	const char *cmd;
	int rc = -EINVAL;

	memset(out, 0, sizeof(*out));
	if (err_len > 0)
		err[0] = '\0';
	if (req == NULL || !json_is_object(req)) {
		snprintf(err, err_len, "bad request: %s (expected {\"cmd\": ...})",
			 req == NULL ? jerr.text : "not an object");
		json_decref(req);
		return rc;
	}
	out->doc = req;
	cmdv = json_object_get(req, "cmd");
	if (!json_is_string(cmdv)) {
		snprintf(err, err_len, "bad request: %s", "missing string \"cmd\"");
		return rc;
	}
	cmd = json_string_value(cmdv);
	for (int i = 0; i < GW_CTL_COUNT; i++)
		if (strcmp(cmd, cmd_names[i]) == 0)
			rc = i;
	if (rc < 0) {
		if (snprintf(err, err_len, "unknown command '%s'", cmd) >= (int)err_len)
			gw_ctl_utf8_trim(err, strlen(err));
		return rc;
	}
	out->cmd = (enum gw_ctl_cmd)rc;
	out->link = json_string_value(json_object_get(req, "link"));
	return rc;
}

void gw_ctl_request_release(struct gw_ctl_request *req)
{
	json_decref(req->doc);
	req->doc = NULL;
	req->link = NULL;
}
