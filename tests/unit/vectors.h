/* SPDX-License-Identifier: BSD-3-Clause */
/* Test vectors from the tests/vectors JSON files as C structs (the JSON stays the source of truth). */
#ifndef MACSEC_TEST_VECTORS_H
#define MACSEC_TEST_VECTORS_H

#include <stdbool.h>
#include <stdint.h>

#include "secy.h"

#define TV_FRAME_MAX 2048

struct tv_case {
	char id[64];
	enum macsec_cipher_suite cs;
	bool encrypt;
	bool reject;                 /* expected_result starts with "reject" */
	bool tci_sc, tci_es, tci_scb;
	uint8_t key[32];
	uint8_t key_len;
	uint64_t sci;
	uint8_t an;
	uint64_t pn;
	uint32_t ssci;
	uint8_t salt[12];
	uint8_t clear_tags;          /* number of 4-octet tags in clear before the SecTAG */
	uint8_t clear[TV_FRAME_MAX];
	uint32_t clear_len;
	uint8_t prot[TV_FRAME_MAX];
	uint32_t prot_len;
};

/** Load every case of @p file (in the vectors dir); returns the count (cases in *out, free()). */
int tv_load(const char *dir, const char *file, struct tv_case **out);
/** The case with @p id, or NULL. */
const struct tv_case *tv_find(const struct tv_case *v, int n, const char *id);

/** A SecY conf for a case: its suite, E, SC/ES bits, SCI; strict, replay on, given window. */
void tv_conf(const struct tv_case *c, struct macsec_secy_conf *conf, uint32_t window);
/** SA parameters for a case at @p pn (key, AN, SSCI, salt). */
void tv_sa(const struct tv_case *c, uint64_t pn, struct macsec_sa_params *p);

#endif
