/* SPDX-License-Identifier: BSD-3-Clause */
/* Key memory: aligned zeroed slots, wiped on free, locked and out of core dumps, SAs and keys in it. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "keymem.h"
#include "secy.h"

/* AddressSanitizer turns mlock() into a no-op that succeeds: nothing to see then. */
#if defined(__SANITIZE_ADDRESS__)
#define MLOCK_IS_REAL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MLOCK_IS_REAL 0
#endif
#endif
#ifndef MLOCK_IS_REAL
#define MLOCK_IS_REAL 1
#endif

static bool all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

/* The VmFlags line of the mapping holding @p addr in /proc/self/smaps ("" if none). */
static void vm_flags(const void *addr, char *out, size_t cap)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	bool in = false;

	out[0] = '\0';
	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {    /* a mapping's header line */
			in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
			continue;
		}
		if (in && strncmp(line, "VmFlags:", 8) == 0) {
			snprintf(out, cap, "%.240s", line + 8);
			break;
		}
	}
	fclose(f);
}

static bool has_flag(const char *flags, const char *f)
{
	char pat[8];

	snprintf(pat, sizeof(pat), " %s", f);
	return strstr(flags, pat) != NULL;
}

/* Numbered cases: sizes, alignment, zeroing, reuse. */
static void test_alloc_free(void **state)
{
	static const size_t sizes[] = {1, 48, 64, 65, 640, 1216, 4096, 70000};
	struct macsec_keymem_stats s0, s1;
	void *p[8][5];

	(void)state;
	macsec_keymem_stats_get(&s0);
	for (size_t k = 0; k < 8; k++)
		for (size_t j = 0; j < 5; j++) {
			p[k][j] = macsec_keymem_alloc(sizes[k]);
			assert_non_null(p[k][j]);
			assert_int_equal((uintptr_t)p[k][j] % MACSEC_KEYMEM_ALIGN, 0);
			assert_true(all_zero(p[k][j], sizes[k]));
			assert_true(macsec_keymem_owns(p[k][j]));
			memset(p[k][j], 0xA5, sizes[k]);
			for (size_t i = 0; i < j; i++)
				assert_ptr_not_equal(p[k][i], p[k][j]);
		}
	macsec_keymem_stats_get(&s1);
	assert_int_equal(s1.objects, s0.objects + 40);
	for (size_t k = 0; k < 8; k++)
		for (size_t j = 0; j < 5; j++) {
			macsec_keymem_free(p[k][j]);
			/* Still mapped: the slot must read as zero once freed. */
			assert_true(all_zero(p[k][j], sizes[k]));
		}
	macsec_keymem_stats_get(&s1);
	assert_int_equal(s1.objects, s0.objects);
	/* A freed slot is reused before a new arena is mapped. */
	{
		void *a = macsec_keymem_alloc(640);
		struct macsec_keymem_stats s2;

		macsec_keymem_stats_get(&s2);
		assert_int_equal(s2.arenas, s1.arenas);
		assert_true(all_zero(a, 640));
		macsec_keymem_free(a);
	}
	/* Misuse leaves everything alone. */
	{
		void *a = macsec_keymem_alloc(100), *h = malloc(100);

		macsec_keymem_free(a);
		macsec_keymem_free(a);               /* twice */
		macsec_keymem_free((uint8_t *)a + 8); /* inside a slot */
		macsec_keymem_free(h);               /* not ours */
		macsec_keymem_free(NULL);
		assert_false(macsec_keymem_owns(h));
		free(h);
		macsec_keymem_stats_get(&s1);
		assert_int_equal(s1.objects, s0.objects);
	}
	assert_null(macsec_keymem_alloc(0));
	assert_null(macsec_keymem_alloc(SIZE_MAX));
}

/* Many objects of one size: arenas fill and new ones are mapped, all distinct. */
static void test_many(void **state)
{
	enum { N = 3000 };
	static void *p[N];

	(void)state;
	for (int i = 0; i < N; i++) {
		p[i] = macsec_keymem_alloc(1216);
		assert_non_null(p[i]);
		*(uint32_t *)p[i] = (uint32_t)i;
	}
	for (int i = 0; i < N; i++)
		assert_int_equal(*(uint32_t *)p[i], i);
	for (int i = 0; i < N; i += 2)
		macsec_keymem_free(p[i]);
	for (int i = 0; i < N; i += 2)
		p[i] = macsec_keymem_alloc(1216);
	for (int i = 0; i < N; i++)
		macsec_keymem_free(p[i]);
}

/* The kernel sees the arena as locked (lo), not dumped (dd), wiped on fork (wf). */
static void test_vm_flags(void **state)
{
	char flags[256];
	void *p = macsec_keymem_alloc(256);
	struct macsec_keymem_stats s;

	(void)state;
	vm_flags(p, flags, sizeof(flags));
	assert_true(has_flag(flags, "dd"));
	assert_true(has_flag(flags, "wf"));
	macsec_keymem_stats_get(&s);
	if (s.lock_failures == 0 && MLOCK_IS_REAL)
		assert_true(has_flag(flags, "lo"));
	else
		print_message("mlock refused here (errno %d): not checking 'lo'\n", s.first_errno);
	/* A child sees zeros where the parent keeps its key. */
	memset(p, 0x5A, 256);
	{
		pid_t pid = fork();
		int st;

		assert_true(pid >= 0);
		if (pid == 0)
			_exit(all_zero(p, 256) ? 0 : 1);
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	assert_int_equal(((uint8_t *)p)[255], 0x5A);
	macsec_keymem_free(p);
}

/* mlock refused (an unprivileged user, RLIMIT_MEMLOCK 0): allocation works, reported once. */
static void test_lock_refused(void **state)
{
	pid_t pid;
	int st;

	(void)state;
	if (!MLOCK_IS_REAL) {
		print_message("mlock() is a no-op under AddressSanitizer: skipped\n");
		return;
	}
	(void)macsec_keymem_take_lock_error();
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = {0, 0};
		void *p;
		int e;

		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(10);
		if (setrlimit(RLIMIT_MEMLOCK, &rl) != 0)
			_exit(11);
		p = macsec_keymem_alloc(3 * 64 * 1024 + 1);   /* a size no arena has: a new mapping */
		if (p == NULL)
			_exit(12);
		e = macsec_keymem_take_lock_error();
		if (e != EPERM && e != ENOMEM && e != EAGAIN)
			_exit(13);
		if (macsec_keymem_take_lock_error() != 0)       /* once only */
			_exit(14);
		macsec_keymem_free(p);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* The SecY puts runtime SAs and every engine's key objects in key memory, and wipes them. */
static void test_secy_uses_keymem(void **state)
{
	static const char *const engines[] = {"ipsec-mb", "ipsec-mb-direct", "openssl"};

	(void)state;
	for (size_t k = 0; k < 3; k++) {
		const struct macsec_aead_engine *e = macsec_aead_find(engines[k]);
		struct macsec_secy_conf c = {.cipher_suite = MACSEC_CS_GCM_AES_256, .mtu = 1500,
					     .protect_frames = true, .encrypt = true,
					     .include_sci = true, .validate_frames = MACSEC_VALIDATE_STRICT};
		struct macsec_sa_params p = {.an = 1, .key_len = 32, .pn = 1, .active = true};
		struct macsec_keymem_stats s0, s1;
		struct macsec_secy *secy;
		const struct macsec_sa *sa;
		const uint8_t *kobj;

		assert_non_null(e);
		macsec_keymem_stats_get(&s0);
		memset(p.key, 0xC3, sizeof(p.key));
		assert_int_equal(macsec_secy_create(&secy, &c, e, NULL), 0);
		assert_int_equal(macsec_secy_tx_sa_install(secy, &p), 0);
		assert_int_equal(macsec_secy_rx_sc_add(secy, 42), 0);
		assert_int_equal(macsec_secy_rx_sa_install(secy, 42, &p), 0);
		sa = secy->tx_sa[1];
		assert_true(macsec_keymem_owns(sa));
		assert_true(macsec_keymem_owns(sa->key));
		kobj = (const uint8_t *)sa->key;
		macsec_keymem_stats_get(&s1);
		assert_int_equal(s1.objects, s0.objects + 4);   /* 2 SAs + 2 key objects */
		/* Replacing the SA frees (and wipes) the old one at once with the default reclaim. */
		p.key[0] ^= 1;
		assert_int_equal(macsec_secy_tx_sa_install(secy, &p), 0);
		assert_true(all_zero(kobj, 32));
		macsec_secy_destroy(secy);
		macsec_keymem_stats_get(&s1);
		assert_int_equal(s1.objects, s0.objects);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_free),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_vm_flags),
		cmocka_unit_test(test_lock_refused),
		cmocka_unit_test(test_secy_uses_keymem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
