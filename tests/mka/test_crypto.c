/* SPDX-License-Identifier: BSD-3-Clause */
/* lib/mka crypto against tests/vectors (802.1X-2020 Annex G KDF, RFC 3394 wrap) and OpenSSL. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "mka_crypto.h"
#include "tutil.h"

/* Every KDF case through the generic KDF, then through the named derivation its
 * "function" field describes; an unknown kind fails so a new case cannot be skipped. */
static void test_kdf_vectors(void **state)
{
	json_t *root = tu_vectors_load("mka_kdf_vectors.json");
	unsigned int checked = 0, named = 0;
	size_t i;
	json_t *v;

	(void)state;
	json_array_foreach(root, i, v) {
		uint8_t key[64], label[64], ctx[512], exp[64], out[64];
		const char *fn = json_string_value(json_object_get(v, "function"));
		const char *id = json_string_value(json_object_get(v, "id"));
		json_t *in = json_object_get(v, "inputs");
		size_t key_len = tu_json_hex(v, "key", key, sizeof(key));
		size_t label_len = tu_json_hex(v, "label_hex", label, sizeof(label));
		size_t ctx_len = tu_json_hex(v, "context", ctx, sizeof(ctx));
		size_t exp_len = tu_json_hex(v, "expected_output", exp, sizeof(exp));
		unsigned int bits = (unsigned int)json_integer_value(json_object_get(v, "length_bits"));

		assert_non_null(fn);
		assert_int_equal(bits, exp_len * 8);
		memset(out, 0, sizeof(out));
		assert_int_equal(mka_kdf(key, key_len, label, label_len, ctx, ctx_len, out, bits), 0);
		if (memcmp(out, exp, exp_len) != 0)
			fail_msg("%s: generic KDF mismatch", id);
		checked++;

		memset(out, 0, sizeof(out));
		if (strcmp(fn, "KDF") == 0) {
			continue;
		} else if (strncmp(fn, "CAK", 3) == 0) {
			uint8_t mac1[6], mac2[6];

			tu_json_hex(in, "mac1", mac1, 6);
			tu_json_hex(in, "mac2", mac2, 6);
			/* given in either order, the lower MAC goes first */
			assert_int_equal(mka_cak_from_msk(key, key_len, mac2, mac1, out, exp_len), 0);
		} else if (strncmp(fn, "CKN", 3) == 0) {
			uint8_t mac1[6], mac2[6], sid[255];
			size_t sid_len = tu_json_hex(in, "eap_session_id", sid, sizeof(sid));

			tu_json_hex(in, "mac1", mac1, 6);
			tu_json_hex(in, "mac2", mac2, 6);
			assert_int_equal(mka_ckn_from_msk(key, key_len, sid, sid_len, mac1, mac2, out), 0);
		} else if (strncmp(fn, "KEK", 3) == 0 || strncmp(fn, "ICK", 3) == 0) {
			uint8_t cak[32], ckn[32];
			size_t cak_len = tu_json_hex(in, "cak", cak, sizeof(cak));
			size_t ckn_len = tu_json_hex(in, "ckn", ckn, sizeof(ckn));

			assert_int_equal(cak_len, exp_len);
			if (fn[0] == 'K')
				assert_int_equal(mka_kek_derive(cak, cak_len, ckn, ckn_len, out), 0);
			else
				assert_int_equal(mka_ick_derive(cak, cak_len, ckn, ckn_len, out), 0);
		} else if (strncmp(fn, "SAK", 3) == 0) {
			uint8_t nonce[32], mis[12 * 8];
			size_t nonce_len = tu_json_hex(in, "ks_nonce", nonce, sizeof(nonce));
			size_t mis_len = tu_json_hex(in, "mi_value_list", mis, sizeof(mis));
			uint32_t kn = (uint32_t)json_integer_value(json_object_get(in, "kn"));

			assert_int_equal(nonce_len, exp_len);
			assert_int_equal(mis_len % 12, 0);
			assert_int_equal(mka_sak_derive(key, key_len, nonce, mis, mis_len / 12, kn, out,
							exp_len), 0);
		} else {
			fail_msg("%s: unknown vector kind '%s'", id, fn);
		}
		if (memcmp(out, exp, exp_len) != 0)
			fail_msg("%s: named derivation mismatch", id);
		named++;
	}
	assert_int_equal(checked, json_array_size(root));
	assert_true(named >= 8);
	json_decref(root);
}

static void test_kdf_args(void **state)
{
	uint8_t key[16] = { 0 }, out[32];

	(void)state;
	assert_int_equal(mka_kdf(key, 24, NULL, 0, NULL, 0, out, 128), -EINVAL);
	assert_int_equal(mka_kdf(key, 16, NULL, 0, NULL, 0, out, 0), -EINVAL);
	assert_int_equal(mka_kdf(key, 16, NULL, 0, NULL, 0, out, 12), -EINVAL);
	assert_int_equal(mka_ick_derive(key, 16, key, 0, out), -EINVAL);
	assert_int_equal(mka_ick_derive(key, 16, key, 33, out), -EINVAL);
}

/* A CKN shorter than 16 octets is null-padded: the same key as the explicit padding. */
static void test_ckn_padding(void **state)
{
	uint8_t cak[16], ckn[16] = { 0xab, 0xcd }, a[16], b[16];

	(void)state;
	memset(cak, 0x5a, sizeof(cak));
	assert_int_equal(mka_kek_derive(cak, 16, ckn, 2, a), 0);
	assert_int_equal(mka_kek_derive(cak, 16, ckn, 16, b), 0);
	assert_memory_equal(a, b, 16);
	assert_int_equal(mka_ick_derive(cak, 16, ckn, 2, b), 0);
	assert_memory_not_equal(a, b, 16);
}

static void test_keywrap_vectors(void **state)
{
	json_t *root = tu_vectors_load("keywrap_vectors.json");
	size_t i;
	json_t *v;

	(void)state;
	json_array_foreach(root, i, v) {
		uint8_t kek[32], data[128], wrapped[136], out[136];
		const char *id = json_string_value(json_object_get(v, "id"));
		size_t kek_len = tu_json_hex(v, "kek", kek, sizeof(kek));
		size_t data_len = tu_json_hex(v, "key_data", data, sizeof(data));
		size_t wrapped_len = tu_json_hex(v, "wrapped", wrapped, sizeof(wrapped));
		uint8_t iv[8];

		assert_int_equal(tu_json_hex(v, "iv", iv, sizeof(iv)), 8);
		assert_int_equal(wrapped_len, data_len + 8);
		assert_int_equal(mka_aes_wrap(kek, kek_len, data, data_len, out), 0);
		if (memcmp(out, wrapped, wrapped_len) != 0)
			fail_msg("%s: wrap mismatch", id);
		memset(out, 0xee, sizeof(out));
		assert_int_equal(mka_aes_unwrap(kek, kek_len, wrapped, wrapped_len, out), 0);
		if (memcmp(out, data, data_len) != 0)
			fail_msg("%s: unwrap mismatch", id);
		/* any flipped bit, in the IV block or the data, fails the check and leaves no key */
		for (size_t bit = 0; bit < wrapped_len * 8; bit += 37) {
			uint8_t bad[136];
			static const uint8_t zero[136];

			memcpy(bad, wrapped, wrapped_len);
			bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			memset(out, 0xee, sizeof(out));
			assert_int_equal(mka_aes_unwrap(kek, kek_len, bad, wrapped_len, out), -EBADMSG);
			assert_memory_equal(out, zero, data_len);
		}
	}
	assert_int_equal(i, 9);
	json_decref(root);
}

static void test_keywrap_args(void **state)
{
	uint8_t kek[32] = { 0 }, in[40] = { 0 }, out[48];

	(void)state;
	assert_int_equal(mka_aes_wrap(kek, 20, in, 16, out), -EINVAL);
	assert_int_equal(mka_aes_wrap(kek, 16, in, 8, out), -EINVAL);
	assert_int_equal(mka_aes_wrap(kek, 16, in, 17, out), -EINVAL);
	assert_int_equal(mka_aes_unwrap(kek, 16, in, 16, out), -EINVAL);
	assert_int_equal(mka_aes_unwrap(kek, 16, in, 25, out), -EINVAL);
}

/* Our RFC 3394 against OpenSSL's own wrap mode on random keys and data. */
static void test_keywrap_vs_openssl(void **state)
{
	static const size_t keks[] = { 16, 24, 32 };
	struct tu_rng rng = { 0x1234567890abcdefull };

	(void)state;
	for (unsigned int round = 0; round < 60; round++) {
		size_t kek_len = keks[round % 3], data_len = 16 + 8 * (round % 7);
		const EVP_CIPHER *c = kek_len == 16 ? EVP_aes_128_wrap() :
				      kek_len == 24 ? EVP_aes_192_wrap() : EVP_aes_256_wrap();
		uint8_t kek[32], data[64], ours[72], theirs[80];
		EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
		int n = 0, m = 0;

		tu_rng_bytes(&rng, kek, kek_len);
		tu_rng_bytes(&rng, data, data_len);
		assert_int_equal(mka_aes_wrap(kek, kek_len, data, data_len, ours), 0);
		assert_non_null(ctx);
		EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
		assert_int_equal(EVP_EncryptInit_ex(ctx, c, NULL, kek, NULL), 1);
		assert_int_equal(EVP_EncryptUpdate(ctx, theirs, &n, data, (int)data_len), 1);
		assert_int_equal(EVP_EncryptFinal_ex(ctx, theirs + n, &m), 1);
		EVP_CIPHER_CTX_free(ctx);
		assert_int_equal((size_t)(n + m), data_len + 8);
		assert_memory_equal(ours, theirs, data_len + 8);
	}
}

/* RFC 4493 section 4 (AES-128) and NIST SP 800-38B D.3 (AES-256) CMAC examples. */
static void test_cmac_examples(void **state)
{
	uint8_t k128[16], k256[32], msg[16], mac[16], exp[16];
	struct mka_iov iov[2];

	(void)state;
	tu_hex("2b7e151628aed2a6abf7158809cf4f3c", k128, 16);
	tu_hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", k256, 32);
	tu_hex("6bc1bee22e409f96e93d7e117393172a", msg, 16);

	assert_int_equal(mka_aes_cmac(k128, 16, NULL, 0, mac), 0);
	tu_hex("bb1d6929e95937287fa37d129b756746", exp, 16);
	assert_memory_equal(mac, exp, 16);
	/* the message split in two pieces gives the same MAC */
	iov[0] = (struct mka_iov){ msg, 5 };
	iov[1] = (struct mka_iov){ msg + 5, 11 };
	assert_int_equal(mka_aes_cmac(k128, 16, iov, 2, mac), 0);
	tu_hex("070a16b46b4d4144f79bdd9dd04a287c", exp, 16);
	assert_memory_equal(mac, exp, 16);

	assert_int_equal(mka_aes_cmac(k256, 32, NULL, 0, mac), 0);
	tu_hex("028962f61b7bf89efc6b551f4667d983", exp, 16);
	assert_memory_equal(mac, exp, 16);
	iov[0] = (struct mka_iov){ msg, 16 };
	assert_int_equal(mka_aes_cmac(k256, 32, iov, 1, mac), 0);
	tu_hex("28a7023f452e8f82bd4bf28d8c37c35c", exp, 16);
	assert_memory_equal(mac, exp, 16);
	assert_int_equal(mka_aes_cmac(k256, 24, iov, 1, mac), -EINVAL);
}

/* ICV with 128- and 256-bit ICKs: covers DA..end except a VLAN tag; any covered byte matters. */
static void test_icv(void **state)
{
	uint8_t frame[96], ick[32];
	struct tu_rng rng = { 42 };

	(void)state;
	for (size_t ick_len = 16; ick_len <= 32; ick_len += 16) {
		for (size_t tag = 0; tag <= 4; tag += 4) {
			size_t icv_off = sizeof(frame) - MKA_ICV_LEN;
			uint8_t expect[16];
			struct mka_iov iov[2];

			tu_rng_bytes(&rng, frame, sizeof(frame));
			tu_rng_bytes(&rng, ick, ick_len);
			assert_int_equal(mka_icv_compute(ick, ick_len, frame, icv_off, tag,
							 frame + icv_off), 0);
			iov[0] = (struct mka_iov){ frame, 12 };
			iov[1] = (struct mka_iov){ frame + 12 + tag, icv_off - 12 - tag };
			assert_int_equal(mka_aes_cmac(ick, ick_len, iov, 2, expect), 0);
			assert_memory_equal(expect, frame + icv_off, 16);
			assert_int_equal(mka_icv_verify(ick, ick_len, frame, icv_off, tag), 0);
			for (size_t b = 0; b < sizeof(frame); b++) {
				bool covered = b < 12 || b >= 12 + tag;

				frame[b] ^= 0x01;
				assert_int_equal(mka_icv_verify(ick, ick_len, frame, icv_off, tag),
						 covered ? -EBADMSG : 0);
				frame[b] ^= 0x01;
			}
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kdf_vectors),
		cmocka_unit_test(test_kdf_args),
		cmocka_unit_test(test_ckn_padding),
		cmocka_unit_test(test_keywrap_vectors),
		cmocka_unit_test(test_keywrap_args),
		cmocka_unit_test(test_keywrap_vs_openssl),
		cmocka_unit_test(test_cmac_examples),
		cmocka_unit_test(test_icv),
	};

	return cmocka_run_group_tests_name("mka-crypto", tests, NULL, NULL);
}
