/* SPDX-License-Identifier: BSD-3-Clause */
/* Rekeying on a virtual clock: interval, PN threshold (32/64-bit), peer join and loss, hitless. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sim.h"

static struct sim S;

static struct mka_status st_of(unsigned int i)
{
	struct mka_status st;

	sim_status(&S, i, &st);
	return st;
}

static unsigned int tx_sas(unsigned int i)
{
	unsigned int n = 0;

	for (unsigned int a = 0; a < 4; a++)
		n += S.node[i].secy.tx[a].used;
	return n;
}

/* Every rekey_interval the key server distributes a new SAK; every node moves to it, and
 * the old SAs are gone a Retire Time later. */
static void test_rekey_interval(void **state)
{
	struct mka_status st;
	uint64_t n0, sw[3];
	uint8_t an;

	(void)state;
	sim_init(&S, 3);
	S.node[0].cfg.rekey_interval_ms = 20000;
	sim_start_all(&S);
	sim_run(&S, 3000);
	assert_true(sim_all_secured(&S));
	/* one or two SAKs so far: the second if node 2 became live after the first */
	n0 = st_of(0).rekey_count;
	an = sim_tx(&S, 0)->an;
	for (unsigned int i = 0; i < 3; i++)
		sw[i] = S.node[i].secy.encoding_switches;
	sim_run(&S, 64000);   /* three intervals, and a Retire Time after the third */
	st = st_of(0);
	assert_int_equal(st.rekey_count, n0 + 3);
	assert_int_equal(st.last_rekey_reason, MKA_REKEY_INTERVAL);
	assert_true(st.next_rekey_in_ms <= 20000);
	assert_true(sim_all_secured(&S));
	for (unsigned int i = 0; i < 3; i++) {
		const struct sim_sa *tx = sim_tx(&S, i);

		assert_int_equal(tx->key.ki.kn, n0 + 3);
		assert_int_equal(tx->an, (an + 3) & 3);   /* one AN further each time */
		assert_int_equal(S.node[i].secy.encoding_switches, sw[i] + 3);
		assert_int_equal(tx_sas(i), 1);   /* retired */
		for (uint8_t a = 0; a < 4; a++)
			for (unsigned int j = 0; j < 3; j++)
				if (a != tx->an)
					assert_null(sim_rx(&S, i, sim_sci(j), a));
	}
	assert_int_equal(S.hitless_violations, 0);
	assert_int_equal(S.order_violations, 0);
	/* and on around the four ANs */
	sim_run(&S, 20000);
	assert_int_equal(sim_tx(&S, 1)->an, an);
	assert_int_equal(st_of(1).old.ki.kn, n0 + 4);
	sim_fini(&S);
}

/* A member's transmit PN past the threshold reaches the key server in the SAK Use lowest
 * PN (and, with XPN, the XPN parameter set) and brings a new SAK. */
static void test_rekey_pn_threshold(void **state)
{
	static const struct {
		enum mka_cipher_suite cs;
		uint64_t pn;
		bool rekey;
	} cases[] = {
		{ MKA_CS_GCM_AES_128, 0xC0000000ull, false },   /* at the threshold: not past it */
		{ MKA_CS_GCM_AES_128, 0xC0000001ull, true },
		{ MKA_CS_GCM_AES_256, 0xFFFFFFF0ull, true },
		{ MKA_CS_GCM_AES_XPN_128, 0xC0000001ull, false },          /* far from 2^64 */
		{ MKA_CS_GCM_AES_XPN_128, 0xC000000000000001ull, true },   /* high bits via XPN set */
		{ MKA_CS_GCM_AES_XPN_256, 0xFFFFFFFF00000000ull, true },
	};

	(void)state;
	for (unsigned int c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		for (unsigned int who = 0; who < 2; who++) {   /* a peer's PN, the key server's own */
			struct sim_sa *tx;
			struct mka_status st;

			sim_init(&S, 2);
			for (unsigned int i = 0; i < 2; i++) {
				S.node[i].cfg.cipher_suite = cases[c].cs;
				S.node[i].cfg.cak_len = 32;
			}
			sim_start_all(&S);
			sim_run(&S, 8000);
			assert_true(sim_all_secured(&S));
			tx = (struct sim_sa *)sim_tx(&S, who ? 0 : 1);
			tx->pn = cases[c].pn;
			sim_run(&S, 4100);   /* two Hello Times: the report lags one */
			st = st_of(0);
			if (st.rekey_count != (cases[c].rekey ? 2u : 1u))
				fail_msg("case %u/%u: %llu rekeys", c, who,
					 (unsigned long long)st.rekey_count);
			if (cases[c].rekey) {
				assert_int_equal(st.last_rekey_reason, MKA_REKEY_PN_THRESHOLD);
				sim_run(&S, 4000);
				assert_true(sim_all_secured(&S));
				assert_int_equal(sim_tx(&S, 1)->key.ki.kn, 2);
				assert_int_equal(sim_tx(&S, 1)->pn, 1);
				/* and only once */
				sim_run(&S, 20000);
				assert_int_equal(st_of(0).rekey_count, 2);
			}
			assert_int_equal(S.hitless_violations, 0);
			sim_fini(&S);
		}
	}
}

/* The SecY's own threshold signal: the key server rekeys; another member cannot. */
static void test_rekey_pn_signal(void **state)
{
	(void)state;
	sim_init(&S, 2);
	sim_start_all(&S);
	sim_run(&S, 8000);
	assert_int_equal(st_of(0).rekey_count, 1);
	mka_participant_pn_threshold(S.node[1].p, S.now);
	S.node[1].next_tick = S.now;
	sim_run(&S, 100);
	assert_int_equal(st_of(0).rekey_count, 1);
	mka_participant_pn_threshold(S.node[0].p, S.now);
	S.node[0].next_tick = S.now;
	sim_run(&S, 100);
	assert_int_equal(st_of(0).rekey_count, 2);
	assert_int_equal(st_of(0).last_rekey_reason, MKA_REKEY_PN_THRESHOLD);
	assert_int_equal(mka_participant_rekey(S.node[1].p, S.now), -EPERM);
	assert_int_equal(mka_participant_rekey(S.node[0].p, S.now), 0);
	S.node[0].next_tick = S.now;
	sim_run(&S, 100);
	/* not while the CP is still switching to the last SAK: after its Retire Time */
	assert_int_equal(st_of(0).rekey_count, 2);
	sim_run(&S, MKA_SAK_RETIRE_TIME_MS);
	assert_int_equal(st_of(0).rekey_count, 3);
	assert_int_equal(st_of(0).last_rekey_reason, MKA_REKEY_ADMIN);
	sim_run(&S, 8000);
	assert_true(sim_all_secured(&S));
	assert_int_equal(S.hitless_violations, 0);
	sim_fini(&S);
}

/* A third member joins a secured pair: a fresh SAK for all three, without a gap. */
static void test_rekey_peer_join(void **state)
{
	struct mka_status st;

	(void)state;
	sim_init(&S, 3);
	sim_start(&S, 0);
	sim_start(&S, 1);
	sim_run(&S, 8000);
	assert_true(sim_all_secured(&S));
	sim_start(&S, 2);
	sim_run(&S, 8000);
	assert_true(sim_all_secured(&S));
	st = st_of(0);
	assert_int_equal(st.rekey_count, 2);
	assert_int_equal(st.last_rekey_reason, MKA_REKEY_PEER_JOINED);
	assert_int_equal(st.n_live, 2);
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(sim_tx(&S, i)->key.ki.kn, 2);
	assert_int_equal(S.hitless_violations, 0);
	assert_int_equal(S.order_violations, 0);
	sim_fini(&S);
}

/* A member is lost: a Life Time later the others drop it, its SAs and SC, and rekey. */
static void test_rekey_peer_loss(void **state)
{
	struct mka_status st;

	uint64_t n0;

	(void)state;
	sim_init(&S, 3);
	sim_start_all(&S);
	sim_run(&S, 8000);
	assert_true(sim_all_secured(&S));
	n0 = st_of(0).rekey_count;
	S.node[2].silent = true;
	S.node[2].deaf = true;
	sim_run(&S, MKA_LIFE_TIME_MS + 4000);
	for (unsigned int i = 0; i < 2; i++) {
		st = st_of(i);
		assert_int_equal(st.n_live, 1);
		assert_int_equal(S.node[i].secy.n_rx_sc, 1);
		for (uint8_t a = 0; a < 4; a++)
			assert_null(sim_rx(&S, i, sim_sci(2), a));
	}
	st = st_of(0);
	assert_int_equal(st.rekey_count, n0 + 1);
	assert_int_equal(st.last_rekey_reason, MKA_REKEY_PEER_LEFT);
	assert_true(sim_all_secured(&S));
	assert_int_equal(sim_tx(&S, 1)->key.ki.kn, n0 + 1);
	assert_int_equal(S.hitless_violations, 0);
	sim_fini(&S);
}

/* The key server itself is lost: the survivors elect a new one and secure again. */
static void test_key_server_loss(void **state)
{
	(void)state;
	sim_init(&S, 3);
	sim_start_all(&S);
	sim_run(&S, 8000);
	assert_true(sim_all_secured(&S));
	S.node[0].silent = true;
	S.node[0].deaf = true;
	sim_run(&S, MKA_LIFE_TIME_MS + 8000);
	assert_true(st_of(1).key_server);
	assert_int_equal(st_of(2).key_server_sci, sim_sci(1));
	assert_true(sim_all_secured(&S));
	sim_fini(&S);
}

/* Hitless rekey: no member switches its TX SA until every live peer reports (SAK Use) that
 * it receives with the new SAK; a peer slow to report holds everyone on the old SA. */
static bool block_node2;

static bool drop_node2(struct sim *s, unsigned int from, unsigned int to, uint8_t *f, size_t *len)
{
	(void)s;
	(void)to;
	(void)f;
	(void)len;
	return !(block_node2 && from == 2);
}

static void test_hitless_rekey(void **state)
{
	uint8_t an[3];
	uint64_t t_unblock, kn;

	(void)state;
	sim_init(&S, 3);
	S.filter = drop_node2;
	block_node2 = false;
	sim_start_all(&S);
	sim_run(&S, 8000);
	assert_true(sim_all_secured(&S));
	for (unsigned int i = 0; i < 3; i++)
		an[i] = sim_tx(&S, i)->an;
	block_node2 = true;
	kn = st_of(0).rekey_count + 1;
	assert_int_equal(mka_participant_rekey(S.node[0].p, S.now), 0);
	S.node[0].next_tick = S.now;
	/* less than a Life Time without node 2's MKPDUs, so it stays live */
	sim_run(&S, 3000);
	/* node 2 got the SAK and installed its receive SAs, but cannot say so */
	assert_non_null(sim_rx(&S, 2, sim_sci(0), (uint8_t)((an[0] + 1) & 3)));
	for (unsigned int i = 0; i < 3; i++) {
		struct mka_status st;

		assert_int_equal(sim_tx(&S, i)->an, an[i]);
		sim_status(&S, i, &st);
		assert_true(st.latest.valid && st.latest.rx && !st.latest.tx);
	}
	t_unblock = S.now;
	block_node2 = false;
	sim_run(&S, 3000);
	for (unsigned int i = 0; i < 3; i++) {
		const struct fake_secy *y = &S.node[i].secy;

		assert_int_equal(sim_tx(&S, i)->an, (an[i] + 1) & 3);
		for (unsigned int k = 0; k < y->n_ev; k++)
			if (y->ev[k].op == SIM_TX_ENCODING && y->ev[k].kn == kn)
				assert_true(y->ev[k].t >= t_unblock);
	}
	assert_true(sim_all_secured(&S));
	assert_int_equal(S.hitless_violations, 0);
	assert_int_equal(S.order_violations, 0);
	/* the old SAs stay a Retire Time after the switch (frames in flight), then go */
	{
		uint64_t t_switch = 0;
		const struct fake_secy *y = &S.node[1].secy;

		for (unsigned int k = 0; k < y->n_ev; k++)
			if (y->ev[k].op == SIM_TX_ENCODING && y->ev[k].kn == kn)
				t_switch = y->ev[k].t;
		sim_run(&S, t_switch + MKA_SAK_RETIRE_TIME_MS - 200 - S.now);
		assert_non_null(sim_rx(&S, 1, sim_sci(0), an[0]));
		assert_int_equal(tx_sas(1), 2);
		sim_run(&S, 400);
		assert_null(sim_rx(&S, 1, sim_sci(0), an[0]));
		for (unsigned int i = 0; i < 3; i++)
			assert_int_equal(tx_sas(i), 1);
	}
	sim_fini(&S);
}

/* A live peer that never reports receiving (its SecY refuses the SAs) holds the switch for
 * at most transmitWhen = Life Time (Figure 12-2 RECEIVING); then the key server moves on. */
static void test_transmit_when(void **state)
{
	uint8_t an0;

	(void)state;
	sim_init(&S, 3);
	sim_start_all(&S);
	sim_run(&S, 8000);
	assert_true(sim_all_secured(&S));
	an0 = sim_tx(&S, 0)->an;
	S.node[2].secy.fail_rx_installs = 1000000;
	mka_participant_rekey(S.node[0].p, S.now);
	S.node[0].next_tick = S.now;
	sim_run(&S, MKA_LIFE_TIME_MS - 500);
	assert_int_equal(sim_tx(&S, 0)->an, an0);
	assert_int_equal(st_of(0).n_live, 2);
	sim_run(&S, 1000);
	assert_int_equal(sim_tx(&S, 0)->an, (an0 + 1) & 3);
	assert_true(sim_cnt(&S, 2)->secy_errors > 0);
	/* the SecY recovers: node 2 catches up by itself */
	S.node[2].secy.fail_rx_installs = 0;
	sim_run(&S, 4000);
	assert_true(sim_all_secured(&S));
	sim_fini(&S);
}

/* A SecY that refuses the first receive SA installs: retried until it takes them. */
static void test_secy_retry(void **state)
{
	(void)state;
	sim_init(&S, 2);
	S.node[1].secy.fail_rx_installs = 3;
	sim_start_all(&S);
	sim_run(&S, 12000);
	assert_true(sim_all_secured(&S));
	assert_int_equal(sim_cnt(&S, 1)->secy_errors, 3);
	sim_fini(&S);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rekey_interval),
		cmocka_unit_test(test_rekey_pn_threshold),
		cmocka_unit_test(test_rekey_pn_signal),
		cmocka_unit_test(test_rekey_peer_join),
		cmocka_unit_test(test_rekey_peer_loss),
		cmocka_unit_test(test_key_server_loss),
		cmocka_unit_test(test_hitless_rekey),
		cmocka_unit_test(test_transmit_when),
		cmocka_unit_test(test_secy_retry),
	};

	return cmocka_run_group_tests_name("mka-rekey", tests, NULL, NULL);
}
