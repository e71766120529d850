/* SPDX-License-Identifier: BSD-3-Clause */
/* AES-GCM engines behind one small vtable: intel-ipsec-mb for speed, OpenSSL as reference. */
#ifndef MACSEC_AEAD_H
#define MACSEC_AEAD_H

#include <stddef.h>
#include <stdint.h>

#define MACSEC_AEAD_TAG_LEN 16u
#define MACSEC_AEAD_MAX_BURST 64u

/**
 * One AEAD operation over a contiguous frame. The authenticated-only part is
 * [aad, aad + aad_len); the confidential part [data, data + data_len) is
 * encrypted or decrypted in place (data_len 0 = integrity only).
 */
struct macsec_aead_op {
	const uint8_t *aad;
	uint8_t *data;
	uint8_t *tag;              /**< seal: ICV out; open: received ICV */
	const uint8_t *iv;         /**< 12 octets */
	const struct macsec_aead_key *key;
	uint32_t aad_len;
	uint32_t data_len;
	int32_t status;            /**< out: 0, or -EBADMSG when the ICV does not verify */
};

struct macsec_aead_key;

/** An engine. Chosen once at start; every function may be called from any lcore
 * holding its own lcore context, except key_init/key_free (control lcore). */
struct macsec_aead_engine {
	const char *name;
	/** 0 if the engine works on this CPU, else -ENOTSUP. */
	int (*probe)(void);
	/** Expand @p key (16 or 32 octets) into a new key object; the caller wipes its copy. */
	int (*key_init)(struct macsec_aead_key **out, const uint8_t *key, size_t key_len);
	/** Wipe and free a key object (NULL is fine). */
	void (*key_free)(struct macsec_aead_key *key);
	/** Per-lcore state (e.g. an IMB_MGR). */
	int (*lcore_init)(void **lctx);
	void (*lcore_free)(void *lctx);
	/** Encrypt/authenticate @p n ops (n <= MACSEC_AEAD_MAX_BURST); status is set on each. */
	void (*seal_burst)(void *lctx, struct macsec_aead_op *ops, unsigned int n);
	/** Verify/decrypt @p n ops; status 0 only when the ICV verified (constant-time compare). */
	void (*open_burst)(void *lctx, struct macsec_aead_op *ops, unsigned int n);
};

extern const struct macsec_aead_engine macsec_aead_ipsecmb;
extern const struct macsec_aead_engine macsec_aead_ipsecmb_direct;
extern const struct macsec_aead_engine macsec_aead_openssl;

/** Find an engine by name ("ipsec-mb", "ipsec-mb-direct", "openssl", or "auto" = the fastest that probes). */
const struct macsec_aead_engine *macsec_aead_find(const char *name);

/** Constant-time comparison, 0 when equal. */
int macsec_ct_memcmp(const void *a, const void *b, size_t len);

/** Constant-time comparison of two 16-octet ICVs (two 64-bit words, no early exit). */
static inline int macsec_ct_tag_differs(const uint8_t *a, const uint8_t *b)
{
	uint64_t a0, a1, b0, b1;

	__builtin_memcpy(&a0, a, 8);
	__builtin_memcpy(&a1, a + 8, 8);
	__builtin_memcpy(&b0, b, 8);
	__builtin_memcpy(&b1, b + 8, 8);
	return ((a0 ^ b0) | (a1 ^ b1)) != 0;
}

/** Wipe memory the compiler may not optimise away. */
void macsec_wipe(void *p, size_t len);

#endif
