/* SPDX-License-Identifier: BSD-3-Clause */
/* libFuzzer: an MKA participant fed by a genuine peer, fuzzer frames (ICV fixed or not), time. */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_util.h"
#include "mka.h"
#include "mka_crypto.h"

/*
 * Two participants of one CA, A (under test) and B (a well-behaved peer), and a script:
 * cfg octet, then ops until the input ends:
 *   0 B's last MKPDU to A, 1 a fuzzer frame to A as is, 2 a fuzzer frame to A with its ICV
 *   computed (so it passes authentication), 3 A's last MKPDU to B, 4 time passes (next
 *   octet x 50 ms) and both tick, 5 A's transmit PN reaches the threshold, 6 rekey on A,
 *   7 B's last MKPDU to A with one octet changed (position, xor; ICV fixed up or not)
 * Fuzzer frames: [length, 16 bits BE][octets]. Op 8.. wraps around.
 * FUZZ_MKA_DUMP=DIR writes every MKPDU A and B send (seeds for fuzz_mkpdu).
 */
#define N_OPS 8
#define MAX_STEPS 400

static const uint8_t cak[32] = {
	0x13, 0x5b, 0xd7, 0x58, 0xb0, 0xee, 0x5c, 0x11, 0xc5, 0x5f, 0xf6, 0xab, 0x19, 0xfd, 0xb1, 0x99,
	0x13, 0x5b, 0xd7, 0x58, 0xb0, 0xee, 0x5c, 0x11, 0xc5, 0x5f, 0xf6, 0xab, 0x19, 0xfd, 0xb1, 0x98};
static const uint8_t ckn[16] = {0x96, 0x43, 0x7a, 0x93, 0xcc, 0xf1, 0x0d, 0x9d,
				0xfe, 0x34, 0x78, 0x46, 0xcc, 0xe5, 0x2c, 0x7d};

struct node {
	struct mka_participant *p;
	struct mka_config cfg;
	uint8_t last[MKA_MKPDU_MAX_FRAME + 64];
	size_t last_len;
	uint64_t rng;
	uint64_t tx_pn[4];
	char tag;
};

static struct node A, B;
static uint8_t ick[32];
static size_t ick_len;
static const char *dump_dir;
static unsigned int dumped;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Everything a participant sends is a well-formed MKPDU with a good ICV. */
static int send_frame(void *ctx, const uint8_t *frame, size_t len)
{
	static struct mka_mkpdu m;
	struct node *n = ctx;
	enum mka_decode_err why;

	FZ_CHECK(len <= sizeof(n->last), "%c sent a %zu-octet frame", n->tag, len);
	FZ_CHECK(mka_mkpdu_decode(frame, len, MKA_ETHERTYPE_EAPOL, &m, &why) == 0,
		 "%c sent an MKPDU that does not decode: %s", n->tag, mka_decode_err_name(why));
	FZ_CHECK(mka_icv_verify(ick, ick_len, frame, m.icv_off, m.tag_len) == 0,
		 "%c sent an MKPDU whose ICV does not verify", n->tag);
	memcpy(n->last, frame, len);
	n->last_len = len;
	if (dump_dir != NULL && dumped < 200) {
		char path[512];
		FILE *f;

		snprintf(path, sizeof(path), "%s/%c%03u", dump_dir, n->tag, dumped++);
		f = fopen(path, "wb");
		if (f != NULL) {
			fputc(1, f);    /* fuzz_mkpdu's leading octet: EtherType 0x888E */
			fwrite(frame, 1, len, f);
			fclose(f);
		}
	}
	return 0;
}

/* Reproducible "randomness": the fuzzer's input decides everything. */
static int rnd(void *ctx, uint8_t *buf, size_t len)
{
	struct node *n = ctx;

	for (size_t i = 0; i < len; i++) {
		n->rng = n->rng * 6364136223846793005ull + 1442695040888963407ull;
		buf[i] = (uint8_t)(n->rng >> 56);
	}
	return 0;
}

/* A SecY that takes every op and checks its arguments. */
static int s_sc(void *ctx, uint64_t sci)
{
	(void)ctx;
	FZ_CHECK(sci != 0, "SC with SCI 0");
	return 0;
}

static void key_check(const struct mka_sa_key *k)
{
	FZ_CHECK(k->cs < MKA_CS_COUNT && k->key_len == mka_cs_key_len(k->cs),
		 "SA key of %u octets for suite %d", k->key_len, (int)k->cs);
	FZ_CHECK(k->conf_offset <= MKA_CO_50, "conf offset %u", k->conf_offset);
}

static int s_rx_install(void *ctx, uint64_t sci, uint8_t an, const struct mka_sa_key *k,
			uint64_t lowest_pn)
{
	(void)ctx;
	(void)lowest_pn;
	FZ_CHECK(sci != 0 && an < 4, "rx SA %u", an);
	key_check(k);
	return 0;
}

static int s_rx_an(void *ctx, uint64_t sci, uint8_t an, bool on)
{
	(void)ctx;
	(void)on;
	FZ_CHECK(sci != 0 && an < 4, "rx SA %u", an);
	return 0;
}

static int s_rx_del(void *ctx, uint64_t sci, uint8_t an)
{
	(void)ctx;
	FZ_CHECK(sci != 0 && an < 4, "rx SA %u", an);
	return 0;
}

static int s_tx_install(void *ctx, uint8_t an, const struct mka_sa_key *k, uint64_t next_pn)
{
	struct node *n = ctx;

	FZ_CHECK(an < 4 && next_pn != 0, "tx SA %u from PN %llu", an, (unsigned long long)next_pn);
	key_check(k);
	n->tx_pn[an] = next_pn;
	return 0;
}

static int s_tx_an(void *ctx, uint8_t an, bool on)
{
	(void)ctx;
	(void)on;
	FZ_CHECK(an < 4, "tx SA %u", an);
	return 0;
}

static int s_tx_an1(void *ctx, uint8_t an)
{
	(void)ctx;
	FZ_CHECK(an < 4, "tx SA %u", an);
	return 0;
}

static int s_tx_pn(void *ctx, uint8_t an, uint64_t *pn)
{
	struct node *n = ctx;

	FZ_CHECK(an < 4, "tx SA %u", an);
	*pn = n->tx_pn[an];
	return 0;
}

static int s_rx_lowest(void *ctx, uint64_t sci, uint8_t an, uint64_t lowest)
{
	(void)ctx;
	(void)lowest;
	FZ_CHECK(sci != 0 && an < 4, "rx SA %u", an);
	return 0;
}

static int s_port(void *ctx, const struct mka_port_ctl *c)
{
	(void)ctx;
	FZ_CHECK(c->cs < MKA_CS_COUNT && c->conf_offset <= MKA_CO_50, "port_set");
	return 0;
}

static const struct mka_secy_ops secy_ops = {
	.rx_sc_create = s_sc, .rx_sc_delete = s_sc, .rx_sa_install = s_rx_install,
	.rx_sa_enable = s_rx_an, .rx_sa_delete = s_rx_del, .tx_sa_install = s_tx_install,
	.tx_sa_enable = s_tx_an, .tx_set_encoding_an = s_tx_an1, .tx_sa_delete = s_tx_an1,
	.tx_sa_get_next_pn = s_tx_pn, .rx_sa_set_lowest_pn = s_rx_lowest, .port_set = s_port,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	dump_dir = getenv("FUZZ_MKA_DUMP");
	if (dump_dir != NULL)
		mkdir(dump_dir, 0755);
	return 0;
}

static void node_init(struct node *n, char tag, uint8_t cfg, uint64_t seed, uint64_t sci)
{
	struct mka_config *c = &n->cfg;

	memset(n, 0, sizeof(*n));
	n->tag = tag;
	n->rng = seed;
	c->cak_len = (cfg & 1) ? 32 : 16;
	memcpy(c->cak, cak, c->cak_len);
	memcpy(c->ckn, ckn, sizeof(ckn));
	c->ckn_len = sizeof(ckn);
	c->sci = sci;
	c->key_server_priority = (cfg >> 1) & 1 ? 0xFF : (uint8_t)(tag == 'A' ? 16 : 32);
	c->cipher_suite = (enum mka_cipher_suite)((cfg >> 2) & 3);
	c->conf_offset = MKA_CO_0;
	c->policy = (cfg >> 4) & 1 ? MKA_POLICY_SHOULD_SECURE : MKA_POLICY_MUST_SECURE;
	c->capability = MKA_CAP_CONF_0_30_50;
	c->mka_version = (uint8_t)(1 + ((cfg >> 5) & 1) * 2);   /* 1 or 3 */
	c->icv_indicator = (cfg >> 6) & 1;
	c->announce = (cfg >> 7) & 1;
	c->rekey_interval_ms = 30000;
	c->send_frame = send_frame;
	c->random = rnd;
	c->cb_ctx = n;
	c->secy = &secy_ops;
	c->secy_ctx = n;
}

static void check_counters(const struct node *n)
{
	const struct mka_counters *c = mka_participant_counters(n->p);
	uint64_t sum = 0;

	for (unsigned int i = 1; i < MKA_DEC_ERR_COUNT; i++)
		sum += c->decode[i];
	FZ_CHECK(c->in_mkpdu_validation_errors == sum,
		 "%c: validation errors %llu, decode reasons sum to %llu", n->tag,
		 (unsigned long long)c->in_mkpdu_validation_errors, (unsigned long long)sum);
}

static void deliver(struct node *to, const uint8_t *f, size_t len, uint64_t now)
{
	int rc = mka_participant_rx(to->p, f, len, now);

	FZ_CHECK(rc == 0 || rc == -EBADMSG || rc == -ENOENT || rc == -EACCES || rc == -EALREADY ||
		 rc == -ENOSPC, "%c: rx returned %d", to->tag, rc);
	check_counters(to);
}

/* Make the frame's ICV right, if it has the shape of an MKPDU at all. */
static void icv_fix(uint8_t *f, size_t len)
{
	static struct mka_mkpdu m;
	enum mka_decode_err why;

	if (mka_mkpdu_decode(f, len, MKA_ETHERTYPE_EAPOL, &m, &why) == 0)
		mka_icv_compute(ick, ick_len, f, m.icv_off, m.tag_len, f + m.icv_off);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[MKA_MKPDU_MAX_FRAME + 64];
	struct fz_in in = {data, size};
	uint8_t cfg = fz_u8(&in);
	uint64_t now = 1000;
	struct mka_status st;

	node_init(&A, 'A', cfg, 0x1234 + size, 0x0200000000AA0001ull);
	node_init(&B, 'B', cfg ^ 0x02, 0x9876, 0x0200000000BB0001ull);
	ick_len = A.cfg.cak_len;
	if (mka_ick_derive(cak, ick_len, ckn, sizeof(ckn), ick) != 0)
		abort();
	FZ_CHECK(mka_participant_create(&A.p, &A.cfg, now) == 0, "create A");
	FZ_CHECK(mka_participant_create(&B.p, &B.cfg, now) == 0, "create B");
	mka_participant_tick(A.p, now);
	mka_participant_tick(B.p, now);

	for (unsigned int step = 0; in.n > 0 && step < MAX_STEPS; step++) {
		uint8_t op = fz_u8(&in) % N_OPS;
		size_t len;
		const uint8_t *f;

		switch (op) {
		case 0:
			if (B.last_len)
				deliver(&A, B.last, B.last_len, now);
			break;
		case 1:
		case 2:
			f = fz_take(&in, fz_u16(&in) % (sizeof(buf) + 1), &len);
			memcpy(buf, f, len);
			if (op == 2)
				icv_fix(buf, len);
			deliver(&A, buf, len, now);
			break;
		case 3:
			if (A.last_len)
				deliver(&B, A.last, A.last_len, now);
			break;
		case 4:
			now += 50u * fz_u8(&in);
			mka_participant_tick(A.p, now);
			mka_participant_tick(B.p, now);
			break;
		case 5:
			for (unsigned int an = 0; an < 4; an++)
				A.tx_pn[an] = A.tx_pn[an] ? A.tx_pn[an] + 0xC0000000ull : 0;
			mka_participant_pn_threshold(A.p, now);
			mka_participant_tick(A.p, now);
			break;
		case 6: {
			int rc = mka_participant_rekey(A.p, now);

			FZ_CHECK(rc == 0 || rc == -EPERM, "rekey returned %d", rc);
			mka_participant_tick(A.p, now);
			break;
		}
		case 7: {
			uint16_t pos = fz_u16(&in);
			uint8_t x = fz_u8(&in);

			if (B.last_len == 0)
				break;
			memcpy(buf, B.last, B.last_len);
			buf[pos % B.last_len] ^= (uint8_t)(x | 1);
			if (pos & 0x8000)
				icv_fix(buf, B.last_len);
			deliver(&A, buf, B.last_len, now);
			break;
		}
		}
	}
	mka_participant_status(A.p, now, &st);
	FZ_CHECK(st.n_live + st.n_potential <= MKA_MAX_PEERS, "%u + %u peers", st.n_live,
		 st.n_potential);
	mka_participant_destroy(A.p);
	mka_participant_destroy(B.p);
	return 0;
}
