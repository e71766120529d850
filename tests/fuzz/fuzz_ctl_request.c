/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer: gw_ctl_request_parse, and against the parsing ctrl.c's handle_request() did inline. */
#include <errno.h>
#include <string.h>

#include <jansson.h>

#include "ctl_request.h"
#include "fuzz_util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Known bug (tests/fuzz/regress/ctl_request/utf8-cut): an error message cut at 255 octets
 * inside a multi-octet UTF-8 character is refused by json_pack(), so ctrl.c sends no reply
 * at all. ctrl.c behaved so before the split too; FUZZ_STRICT=1 makes it a failure.
 */
static bool strict;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	strict = getenv("FUZZ_STRICT") != NULL && strcmp(getenv("FUZZ_STRICT"), "0") != 0;
	return 0;
}

/*
 * The reference: app/ctrl.c handle_request() before the split, its dispatch replaced
 * by the command's name (and its "link" argument) and error_doc() by the message.
 */
static const char *ref_parse(const char *line, char msg[256], const char **link)
{
	json_error_t jerr;
	json_t *req = json_loads(line, JSON_REJECT_DUPLICATES, &jerr), *cmdv;
	static char link_copy[8192];
	const char *cmd, *out = NULL;

	*link = NULL;
	if (req == NULL || !json_is_object(req)) {
		json_decref(req);
		snprintf(msg, 256, "bad request: %s (expected {\"cmd\": ...})",
			 req == NULL ? jerr.text : "not an object");
		return NULL;
	}
	cmdv = json_object_get(req, "cmd");
	if (!json_is_string(cmdv)) {
		json_decref(req);
		snprintf(msg, 256, "bad request: %s", "missing string \"cmd\"");
		return NULL;
	}
	cmd = json_string_value(cmdv);
	if (strcmp(cmd, "status") == 0)
		out = "status";
	else if (strcmp(cmd, "stats") == 0)
		out = "stats";
	else if (strcmp(cmd, "config") == 0)
		out = "config";
	else if (strcmp(cmd, "mka") == 0)
		out = "mka";
	else if (strcmp(cmd, "help") == 0)
		out = "help";
	else if (strcmp(cmd, "selftest") == 0)      /* added with macsecctl selftest */
		out = "selftest";
	else if (strcmp(cmd, "rekey") == 0) {
		const char *l = json_string_value(json_object_get(req, "link"));

		if (l != NULL) {
			snprintf(link_copy, sizeof(link_copy), "%s", l);
			*link = link_copy;
		}
		out = "rekey";
	} else if (snprintf(msg, 256, "unknown command '%s'", cmd) >= 256) {
		gw_ctl_utf8_trim(msg, strlen(msg));   /* the fix of regress/ctl_request/utf8-cut */
	}
	json_decref(req);
	return out;
}

static const char *const names[GW_CTL_COUNT] = {
	[GW_CTL_STATUS] = "status", [GW_CTL_STATS] = "stats", [GW_CTL_CONFIG] = "config",
	[GW_CTL_MKA] = "mka", [GW_CTL_REKEY] = "rekey", [GW_CTL_HELP] = "help",
	[GW_CTL_SELFTEST] = "selftest",
};

static void check_err(const char *err, size_t cap)
{
	size_t n = strnlen(err, cap);

	FZ_CHECK(n > 0 && n < cap, "error message of %zu octets", n);
	FZ_CHECK(strncmp(err, "bad request: ", 13) == 0 || strncmp(err, "unknown command '", 17) == 0,
		 "error message '%s'", err);
	if (strict) {
		/* ctrl.c answers with {"error": err}: that must be buildable. */
		json_t *doc = json_pack("{s:s}", "error", err);

		FZ_CHECK(doc != NULL, "no reply can carry the error message '%s'", err);
		json_decref(doc);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char line[8192];
	struct gw_ctl_request req;
	char err[256], ref_msg[256];
	const char *ref, *ref_link;
	int rc;

	if (size >= sizeof(line))
		return 0;      /* ctrl.c takes at most 4095 octets a line */

	/* Any octets, NULs included, as a buffer and length. */
	rc = gw_ctl_request_parse((const char *)data, size, &req, err, sizeof(err));
	FZ_CHECK(rc == -EINVAL || (rc >= 0 && rc < GW_CTL_COUNT), "returned %d", rc);
	if (rc < 0)
		check_err(err, sizeof(err));
	else
		FZ_CHECK(req.cmd == (enum gw_ctl_cmd)rc && req.doc != NULL, "request not filled in");
	gw_ctl_request_release(&req);
	gw_ctl_request_release(&req);      /* idempotent */

	/* ctrl.c's way: a NUL-terminated line, parsed as the old inline code did. */
	memcpy(line, data, size);
	line[size] = '\0';
	rc = gw_ctl_request_parse(line, strlen(line), &req, err, sizeof(err));
	ref = ref_parse(line, ref_msg, &ref_link);
	if (ref == NULL) {
		FZ_CHECK(rc == -EINVAL, "reference refused ('%s'), split returned %d", ref_msg, rc);
		FZ_CHECK(strcmp(err, ref_msg) == 0, "error '%s', reference '%s'", err, ref_msg);
		check_err(err, sizeof(err));
	} else {
		FZ_CHECK(rc >= 0 && names[rc] != NULL && strcmp(names[rc], ref) == 0, "command %d, reference %s", rc, ref);
		if (rc == GW_CTL_REKEY) {
			FZ_CHECK((req.link != NULL) == (ref_link != NULL), "link presence differs");
			FZ_CHECK(req.link == NULL || strcmp(req.link, ref_link) == 0,
				 "link '%s', reference '%s'", req.link, ref_link);
		}
	}
	gw_ctl_request_release(&req);
	return 0;
}
