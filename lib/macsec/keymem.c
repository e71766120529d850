/* SPDX-License-Identifier: BSD-3-Clause */
/* Key memory (keymem.h): fixed-size slots in locked, never-dumped arenas; no libc heap. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "keymem.h"

#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#endif

#define ARENA_SIZE (64u * 1024u)
#define ARENA_MAX_SLOTS (ARENA_SIZE / MACSEC_KEYMEM_ALIGN)
#define BITS 64u

/*
 * One mapping cut into equal slots. The descriptor lives on the ordinary heap (it holds no
 * secret); the slots live in the mapping. There are few arenas (a gateway has at most a few
 * hundred key objects of three or four sizes), so a linear search is enough.
 */
struct arena {
	uint8_t *base;
	size_t size;          /* of the mapping */
	size_t slot;          /* slot size, a multiple of MACSEC_KEYMEM_ALIGN */
	unsigned int n_slots, n_used;
	uint64_t used[ARENA_MAX_SLOTS / BITS];
};

static pthread_mutex_t km_lock = PTHREAD_MUTEX_INITIALIZER;
static struct arena *km_arenas;
static size_t km_n, km_cap;
static struct macsec_keymem_stats km_st;
static int km_err_pending;

static size_t round_up(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

static struct arena *arena_new(size_t slot)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t size = slot > ARENA_SIZE ? round_up(slot, page) : ARENA_SIZE;
	struct arena *a;
	void *m;

	if (km_n == km_cap) {
		size_t cap = km_cap ? 2 * km_cap : 8;
		struct arena *na = realloc(km_arenas, cap * sizeof(*na));

		if (na == NULL)
			return NULL;
		km_arenas = na;
		km_cap = cap;
	}
	m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	/* Order matters little, but lock first: a locked page is never written to swap. */
	if (mlock(m, size) == 0) {
		km_st.bytes_locked += size;
	} else {
		km_st.lock_failures++;
		if (km_st.first_errno == 0)
			km_err_pending = km_st.first_errno = errno;
	}
	if (madvise(m, size, MADV_DONTDUMP) != 0) {
		km_st.dontdump_failures++;
		if (km_st.first_errno == 0)
			km_err_pending = km_st.first_errno = errno;
	}
	(void)madvise(m, size, MADV_WIPEONFORK);   /* Linux >= 4.14; nothing forks today */
	a = &km_arenas[km_n++];
	memset(a, 0, sizeof(*a));
	a->base = m;
	a->size = size;
	a->slot = slot;
	a->n_slots = (unsigned int)(size / slot);
	if (a->n_slots > ARENA_MAX_SLOTS)
		a->n_slots = ARENA_MAX_SLOTS;
	km_st.arenas++;
	km_st.bytes_mapped += size;
	return a;
}

static void *arena_take(struct arena *a)
{
	for (unsigned int w = 0; w * BITS < a->n_slots; w++) {
		uint64_t free_bits = ~a->used[w];
		unsigned int i;

		if (free_bits == 0)
			continue;
		i = w * BITS + (unsigned int)__builtin_ctzll(free_bits);
		if (i >= a->n_slots)
			return NULL;
		a->used[w] |= 1ull << (i % BITS);
		a->n_used++;
		return a->base + (size_t)i * a->slot;
	}
	return NULL;
}

void *macsec_keymem_alloc(size_t size)
{
	size_t slot;
	void *p = NULL;

	if (size == 0 || size > SIZE_MAX / 2)
		return NULL;
	slot = round_up(size, MACSEC_KEYMEM_ALIGN);
	pthread_mutex_lock(&km_lock);
	for (size_t i = 0; i < km_n && p == NULL; i++)
		if (km_arenas[i].slot == slot && km_arenas[i].n_used < km_arenas[i].n_slots)
			p = arena_take(&km_arenas[i]);
	if (p == NULL) {
		struct arena *a = arena_new(slot);

		if (a != NULL)
			p = arena_take(a);
	}
	if (p != NULL)
		km_st.objects++;
	pthread_mutex_unlock(&km_lock);
	/* Slots are wiped on free and fresh mappings are zero: p is already all zero. */
	return p;
}

static struct arena *arena_of(const void *p, size_t *idx)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < km_n; i++) {
		struct arena *a = &km_arenas[i];

		if (b >= a->base && b < a->base + (size_t)a->n_slots * a->slot) {
			if ((size_t)(b - a->base) % a->slot != 0)
				return NULL;
			*idx = (size_t)(b - a->base) / a->slot;
			return a;
		}
	}
	return NULL;
}

void macsec_keymem_free(void *p)
{
	struct arena *a;
	size_t i;

	if (p == NULL)
		return;
	pthread_mutex_lock(&km_lock);
	a = arena_of(p, &i);
	/* Not ours, or freed twice: a caller bug; leave the memory alone rather than corrupt it. */
	if (a != NULL && (a->used[i / BITS] & (1ull << (i % BITS)))) {
		explicit_bzero(p, a->slot);
		a->used[i / BITS] &= ~(1ull << (i % BITS));
		a->n_used--;
		km_st.objects--;
	}
	pthread_mutex_unlock(&km_lock);
}

bool macsec_keymem_owns(const void *p)
{
	size_t i;
	bool own;

	pthread_mutex_lock(&km_lock);
	own = arena_of(p, &i) != NULL;
	pthread_mutex_unlock(&km_lock);
	return own;
}

void macsec_keymem_stats_get(struct macsec_keymem_stats *out)
{
	pthread_mutex_lock(&km_lock);
	*out = km_st;
	pthread_mutex_unlock(&km_lock);
}

int macsec_keymem_take_lock_error(void)
{
	int e;

	pthread_mutex_lock(&km_lock);
	e = km_err_pending;
	km_err_pending = 0;
	pthread_mutex_unlock(&km_lock);
	return e;
}
