/* SPDX-License-Identifier: BSD-3-Clause */
/* Control socket requests: one JSON line in, a command and its arguments out, no gateway state. */
#ifndef GW_CTL_REQUEST_H
#define GW_CTL_REQUEST_H

#include <stddef.h>

/** The commands of docs/control-socket.md. */
enum gw_ctl_cmd {
	GW_CTL_STATUS = 0,
	GW_CTL_STATS,
	GW_CTL_CONFIG,
	GW_CTL_MKA,
	GW_CTL_REKEY,
	GW_CTL_HELP,
	GW_CTL_SELFTEST,
	GW_CTL_COUNT
};

/** One parsed request; its strings live until gw_ctl_request_release(). */
struct gw_ctl_request {
	enum gw_ctl_cmd cmd;
	const char *link;            /**< "link" if given as a string (rekey), else NULL */
	void *doc;                   /**< the parsed JSON the strings point into */
};

/**
 * Parse one request line of @p len octets (no newline) such as {"cmd": "rekey", "link": "dci0"}.
 * @return the command (>= 0), or -EINVAL with the text of the error reply in @p err
 * ("bad request: ..." or "unknown command '...'"), cut to @p err_len. Either way, call
 * gw_ctl_request_release() afterwards.
 */
int gw_ctl_request_parse(const char *line, size_t len, struct gw_ctl_request *out, char *err,
			 size_t err_len);

/**
 * Cut @p s back to a whole UTF-8 character when snprintf() may have cut it inside one
 * (a reply carrying a broken character cannot be encoded as JSON).
 */
static inline void gw_ctl_utf8_trim(char *s, size_t len)
{
	while (len > 0 && ((unsigned char)s[len - 1] & 0xC0) == 0x80)
		len--;
	if (len > 0 && (unsigned char)s[len - 1] >= 0xC0)
		len--;
	s[len] = '\0';
}

/** Free what a parse kept (NULL-safe, idempotent). */
void gw_ctl_request_release(struct gw_ctl_request *req);

#endif
