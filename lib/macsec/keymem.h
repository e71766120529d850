/* SPDX-License-Identifier: BSD-3-Clause */
/* Memory for key objects: locked in RAM, left out of core dumps and forks, wiped on free. */
#ifndef MACSEC_KEYMEM_H
#define MACSEC_KEYMEM_H

#include <stdbool.h>
#include <stddef.h>

/** Slots are aligned to this (a cache line; enough for intel-ipsec-mb's gcm_key_data). */
#define MACSEC_KEYMEM_ALIGN 64u

/**
 * Allocate @p size zeroed octets for an object that holds key material (an AEAD key
 * schedule, a runtime SA, an MKA participant). The memory comes from page-aligned
 * arenas that are mlock()ed (best effort: a failure is recorded, see
 * macsec_keymem_take_lock_error()), marked MADV_DONTDUMP (out of core dumps, gcore
 * included) and MADV_WIPEONFORK. Thread-safe; meant for the control path, not per frame.
 * @return the object, aligned to MACSEC_KEYMEM_ALIGN, or NULL (out of memory, size 0).
 */
void *macsec_keymem_alloc(size_t size);

/** Wipe and release an object from macsec_keymem_alloc(); NULL is fine. */
void macsec_keymem_free(void *p);

/** Whether @p p points into key memory (tests, assertions). */
bool macsec_keymem_owns(const void *p);

/** What the allocator holds, for status and tests. */
struct macsec_keymem_stats {
	size_t arenas;            /**< mappings made */
	size_t bytes_mapped;      /**< their total size */
	size_t bytes_locked;      /**< ... of which mlock() succeeded */
	size_t objects;           /**< live objects */
	unsigned int lock_failures;     /**< arenas mlock() refused */
	unsigned int dontdump_failures; /**< arenas madvise(MADV_DONTDUMP) refused */
	int first_errno;          /**< errno of the first refusal, 0 if none */
};

void macsec_keymem_stats_get(struct macsec_keymem_stats *out);

/**
 * The first mlock()/madvise() refusal, reported once: returns its positive errno the
 * first time it is called after one happened, 0 otherwise (and on every later call).
 * The library never logs; the caller logs this once (e.g. "raise RLIMIT_MEMLOCK").
 */
int macsec_keymem_take_lock_error(void);

#endif
