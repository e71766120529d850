/* SPDX-License-Identifier: BSD-3-Clause */
/* Internal to the config loader: YAML node readers that report FILE:LINE:COL: KEY: why. */
#ifndef GW_CONFIG_YAML_H
#define GW_CONFIG_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "config.h"

/* One parse: the document, where relative *_file paths start, and the first error. */
struct gw_yaml {
	const char *file;
	char dir[GW_PATH_MAX];       /* relative *_file paths are taken from here */
	yaml_document_t *doc;
	char *err;
	size_t err_len;
	char key[192];               /* dotted path of the node being read, e.g. links[0].secy.mtu */
	size_t key_len;
};

/*
 * Every reader that can fail writes "FILE:LINE:COL: KEY: why" for the first error only and
 * returns -EINVAL (the position is the node's, KEY is the pushed path); later errors are
 * dropped, so a caller may simply pass the first negative value up.
 */
__attribute__((format(printf, 3, 4)))
int gw_yaml_fail(struct gw_yaml *p, const yaml_node_t *n, const char *fmt, ...);

/* Append ".name" or "[i]" to the key path (no leading dot at the top); returns the old length. */
__attribute__((format(printf, 2, 3)))
size_t gw_yaml_key_push(struct gw_yaml *p, const char *fmt, ...);
void gw_yaml_key_pop(struct gw_yaml *p, size_t old);

static inline const char *gw_yaml_sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

yaml_node_t *gw_yaml_map_find(const struct gw_yaml *p, const yaml_node_t *map, const char *name);
/* @p n must be a mapping whose keys are all in @p known (NULL-terminated), each once. */
int gw_yaml_map_check(struct gw_yaml *p, const yaml_node_t *n, const char *const *known);
/* "missing required key" for @p name, at the key that owns @p map. */
int gw_yaml_missing(struct gw_yaml *p, const yaml_node_t *map, const char *name);
/* The value of @p name in @p map (may be NULL), path pushed; NULL (nothing pushed) if absent. */
yaml_node_t *gw_yaml_field(struct gw_yaml *p, const yaml_node_t *map, const char *name,
			   size_t *old);
int gw_yaml_want_scalar(struct gw_yaml *p, const yaml_node_t *v, const char *what);

/* Decimal, or hexadecimal with 0x: 0, -EINVAL, -ERANGE. */
int gw_yaml_parse_u64(const char *s, uint64_t *out);
/* Octets from hex (optional 0x, optional ':' or '-' between every pair); never echoes @p s. */
int gw_yaml_hex_decode(const char *s, size_t len, uint8_t *out, size_t max, size_t *n_out,
		       const char **why);

/*
 * Typed fields of @p map (which may be NULL): 0 absent (the default is kept), 1 set,
 * -EINVAL on error. The key path is as it was on return of 0 or 1.
 */
int gw_yaml_get_u64(struct gw_yaml *p, const yaml_node_t *map, const char *name, uint64_t min,
		    uint64_t max, uint64_t *out);
int gw_yaml_get_uint_sz(struct gw_yaml *p, const yaml_node_t *map, const char *name,
			uint64_t min, uint64_t max, void *dst, size_t size);
/* An unsigned field of any width; @p min..@p max must fit it. */
#define gw_yaml_get_uint(p, map, name, min, max, dst) \
	gw_yaml_get_uint_sz(p, map, name, min, max, (dst), sizeof(*(dst)))
int gw_yaml_get_bool(struct gw_yaml *p, const yaml_node_t *map, const char *name, bool *out);
/* One of @p words (NULL-terminated, any case); *out is its index. */
int gw_yaml_get_enum(struct gw_yaml *p, const yaml_node_t *map, const char *name,
		     const char *const *words, int *out);
int gw_yaml_get_str(struct gw_yaml *p, const yaml_node_t *map, const char *name, char *buf,
		    size_t size, const yaml_node_t **node);
/* Non-secret hex: @p min..@p max octets. */
int gw_yaml_get_hex(struct gw_yaml *p, const yaml_node_t *map, const char *name, uint8_t *buf,
		    size_t min, size_t max, uint8_t *len);
/*
 * A secret as @p name (inline hex) or @p name_file (a file of hex that group and others
 * cannot read or write), exactly one; its length one of @p lens (0-terminated), else
 * @p len_why. Every copy but @p out is wiped.
 */
int gw_yaml_get_secret(struct gw_yaml *p, const yaml_node_t *map, const char *name,
		       uint8_t *out, uint8_t *out_len, const unsigned int *lens,
		       const char *len_why);
/* A list of 1..@p max items (0.. when @p may_be_empty); *out NULL when absent. */
int gw_yaml_get_list(struct gw_yaml *p, const yaml_node_t *map, const char *name, size_t max,
		     bool may_be_empty, const yaml_node_t **out);
size_t gw_yaml_list_len(const yaml_node_t *l);
yaml_node_t *gw_yaml_list_item(const struct gw_yaml *p, const yaml_node_t *l, size_t i);
/* A mapping whose keys are all in @p known; *out NULL when absent. Nothing stays pushed. */
int gw_yaml_get_map(struct gw_yaml *p, const yaml_node_t *map, const char *name,
		    const char *const *known, const yaml_node_t **out);

#endif
