/* SPDX-License-Identifier: BSD-3-Clause */
/* Hostile and broken MKPDUs: each dropped without touching state, counted under its reason. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "be.h"
#include "sim.h"

static struct sim S;
static struct mka_counters before;

static struct mka_status st_of(unsigned int i)
{
	struct mka_status st;

	sim_status(&S, i, &st);
	return st;
}

/* Two secured nodes, node 0 key server; node 1's last frame is in S.last[1]. */
static void secured_pair(void)
{
	sim_init(&S, 2);
	sim_start_all(&S);
	sim_run(&S, 8000);
	assert_true(sim_all_secured(&S));
	before = *sim_cnt(&S, 0);
}

/* Only the named counters moved on node 0 since secured_pair(). */
#define MOVED(field, by) assert_int_equal(sim_cnt(&S, 0)->field - before.field, (by))

/* Same CKN, another CAK: every MKPDU fails its ICV, so nobody ever becomes a peer. */
static void test_wrong_cak(void **state)
{
	(void)state;
	sim_init(&S, 2);
	S.node[1].cfg.cak[0] ^= 0x01;
	sim_start_all(&S);
	sim_run(&S, 30000);
	for (unsigned int i = 0; i < 2; i++) {
		const struct mka_counters *c = sim_cnt(&S, i);
		struct mka_status st = st_of(i);

		assert_true(c->in_mkpdu_icv_verification_errors >= 14);
		assert_int_equal(c->in_mkpdu, 0);
		assert_int_equal(st.n_live + st.n_potential, 0);
		assert_int_equal(S.node[i].secy.n_rx_sc, 0);
		assert_null(sim_tx(&S, i));
		assert_false(S.node[i].secy.port.controlled_port_enabled);
		assert_int_equal(sim_count_events(&S, i, SIM_RX_SA_INSTALL), 0);
	}
	sim_fini(&S);
}

/* Another CKN: not our CA, counted as such, never a peer. */
static void test_wrong_ckn(void **state)
{
	(void)state;
	sim_init(&S, 2);
	S.node[1].cfg.ckn[15] ^= 0x80;
	S.node[1].cfg.cak[3] ^= 0x10;
	sim_start_all(&S);
	sim_run(&S, 10000);
	assert_true(sim_cnt(&S, 0)->in_mkpdu_ckn_mismatch >= 5);
	assert_int_equal(sim_cnt(&S, 0)->in_mkpdu_icv_verification_errors, 0);
	assert_int_equal(st_of(0).n_live + st_of(0).n_potential, 0);
	sim_fini(&S);
}

/* A frame changed after signing: ICV error, and the sender's state is untouched. */
static void test_forged(void **state)
{
	struct sim_frame f;
	uint32_t mn;

	(void)state;
	secured_pair();
	mn = st_of(0).peer[0].mn;
	f = S.last[1];
	mka_be32_store(f.b + 18 + 4 + 20, mn + 100);   /* the Basic set's MN */
	assert_int_equal(sim_inject(&S, 0, f.b, f.len), -EACCES);
	MOVED(in_mkpdu_icv_verification_errors, 1);
	MOVED(in_mkpdu, 0);
	assert_int_equal(st_of(0).peer[0].mn, mn);
	/* the ICV itself changed */
	f = S.last[1];
	f.b[f.len - 1] ^= 0x01;
	assert_int_equal(sim_inject(&S, 0, f.b, f.len), -EACCES);
	MOVED(in_mkpdu_icv_verification_errors, 2);
	sim_run(&S, 10000);
	assert_true(sim_all_secured(&S));
	sim_fini(&S);
}

/* Truncated and malformed frames: each under its decode reason and validation errors. */
static void test_truncated(void **state)
{
	struct sim_frame f;

	(void)state;
	secured_pair();
	f = S.last[1];
	assert_int_equal(sim_inject(&S, 0, f.b, f.len - 8), -EBADMSG);
	MOVED(decode[MKA_DEC_EAPOL_LENGTH], 1);
	assert_int_equal(sim_inject(&S, 0, f.b, 10), -EBADMSG);
	MOVED(decode[MKA_DEC_FRAME_SHORT], 1);
	f.b[15] = 3;   /* EAPOL-Key */
	assert_int_equal(sim_inject(&S, 0, f.b, f.len), -EBADMSG);
	MOVED(decode[MKA_DEC_EAPOL_TYPE], 1);
	MOVED(in_mkpdu_validation_errors, 3);
	MOVED(in_mkpdu_icv_verification_errors, 0);
	sim_fini(&S);
}

/* The same MKPDU again, or an older one: the MN did not increase. */
static void test_replay(void **state)
{
	struct sim_frame old, cur;

	(void)state;
	secured_pair();
	old = S.last[1];
	sim_run(&S, 4000);
	cur = S.last[1];
	assert_int_equal(sim_inject(&S, 0, cur.b, cur.len), -EALREADY);
	assert_int_equal(sim_inject(&S, 0, old.b, old.len), -EALREADY);
	MOVED(in_mkpdu_mn_replay, 2);
	MOVED(in_mkpdu_bad_peer_errors, 2);
	MOVED(in_mkpdu_icv_verification_errors, 0);
	sim_run(&S, 10000);
	assert_true(sim_all_secured(&S));
	sim_fini(&S);
}

/* ---------------------------------------------------------------- members misbehaving */

/* A Distributed SAK whose wrapping does not verify: the KEK unwrap fails, nothing installed. */
static void edit_bad_wrap(struct mka_mkpdu *m, void *arg)
{
	(void)arg;
	m->basic.mn += 1;
	m->present |= MKA_HAS_DIST_SAK;
	m->dist_sak.plain = false;
	m->dist_sak.an = 2;
	m->dist_sak.kn = 99;
	m->dist_sak.cs = MKA_CS_GCM_AES_128;
	m->dist_sak.wrapped_len = 24;
	memset(m->dist_sak.wrapped, 0x5a, 24);
}

static void test_bad_wrapped_sak(void **state)
{
	uint8_t b[MKA_MKPDU_MAX_FRAME];
	unsigned int installs;
	size_t len;

	(void)state;
	secured_pair();
	installs = sim_count_events(&S, 1, SIM_RX_SA_INSTALL);
	len = sim_craft(&S, 0, &S.last[0], edit_bad_wrap, NULL, b);
	assert_int_equal(sim_inject(&S, 1, b, len), 0);   /* the MKPDU is fine, the SAK is not */
	assert_int_equal(sim_cnt(&S, 1)->sak_decryption_errors, 1);
	assert_int_equal(sim_count_events(&S, 1, SIM_RX_SA_INSTALL), installs);
	sim_fini(&S);
}

/* A member that is not the elected key server distributes a SAK: refused. */
static void test_dist_sak_not_key_server(void **state)
{
	uint8_t b[MKA_MKPDU_MAX_FRAME];
	size_t len;

	(void)state;
	secured_pair();
	len = sim_craft(&S, 1, &S.last[1], edit_bad_wrap, NULL, b);
	assert_int_equal(sim_inject(&S, 0, b, len), 0);
	MOVED(in_mkpdu_dist_sak_not_key_server, 1);
	MOVED(sak_decryption_errors, 0);
	sim_fini(&S);
}

/* Someone with the CAK uses node 0's MI from another SCI: node 0 takes a new MI. */
static void edit_steal_mi(struct mka_mkpdu *m, void *arg)
{
	memcpy(m->basic.mi, arg, MKA_MI_LEN);
	m->basic.sci = 0x0200000000990001ull;
	m->present &= ~(MKA_HAS_LIVE_PEERS | MKA_HAS_SAK_USE | MKA_HAS_DIST_SAK | MKA_HAS_XPN);
}

static void test_mi_collision(void **state)
{
	uint8_t b[MKA_MKPDU_MAX_FRAME], mi[MKA_MI_LEN];
	size_t len;

	(void)state;
	secured_pair();
	/* its own MKPDU coming back is not a collision */
	assert_int_equal(sim_inject(&S, 0, S.last[0].b, S.last[0].len), -EALREADY);
	MOVED(in_mkpdu_own, 1);
	MOVED(in_mkpdu_mi_collision, 0);
	memcpy(mi, st_of(0).mi, MKA_MI_LEN);
	len = sim_craft(&S, 1, &S.last[1], edit_steal_mi, mi, b);
	assert_int_equal(sim_inject(&S, 0, b, len), -EALREADY);
	MOVED(in_mkpdu_mi_collision, 1);
	assert_memory_not_equal(st_of(0).mi, mi, MKA_MI_LEN);
	/* the peers learn the new MI; node 0 is still key server, a new one: new SAK */
	sim_run(&S, 20000);
	assert_true(sim_all_secured(&S));
	sim_fini(&S);
}

/* A second MI claiming a live peer's SCI is ignored (and the old MI must prove itself soon). */
static void edit_new_mi(struct mka_mkpdu *m, void *arg)
{
	(void)arg;
	m->basic.mi[0] ^= 0xff;
	m->basic.mn = 1;
}

static void test_duplicate_sci(void **state)
{
	uint8_t b[MKA_MKPDU_MAX_FRAME];
	size_t len;

	(void)state;
	secured_pair();
	len = sim_craft(&S, 1, &S.last[1], edit_new_mi, NULL, b);
	assert_int_equal(sim_inject(&S, 0, b, len), -EALREADY);
	MOVED(in_mkpdu_duplicate_sci, 1);
	assert_int_equal(st_of(0).n_live, 1);
	assert_int_equal(st_of(0).n_potential, 0);
	sim_run(&S, 10000);   /* the real node 1 keeps proving itself */
	assert_true(sim_all_secured(&S));
	sim_fini(&S);
}

/* Our MI listed with an MN we never sent: a peer list error, not liveness. */
static void edit_future_echo(struct mka_mkpdu *m, void *arg)
{
	m->basic.mn += 1;
	m->live.peer[0].mn = *(uint32_t *)arg;
}

static void test_peer_list_error(void **state)
{
	uint8_t b[MKA_MKPDU_MAX_FRAME];
	uint32_t mn;
	size_t len;

	(void)state;
	secured_pair();
	mn = st_of(0).mn + 1000;
	len = sim_craft(&S, 1, &S.last[1], edit_future_echo, &mn, b);
	assert_int_equal(sim_inject(&S, 0, b, len), 0);
	MOVED(in_mkpdu_peer_list_errors, 1);
	sim_fini(&S);
}

/* Not for our group address or our MAC. */
static void test_bad_destination(void **state)
{
	struct sim_frame f;

	(void)state;
	secured_pair();
	f = S.last[1];
	f.b[5] = 0x0e;
	assert_int_equal(sim_inject(&S, 0, f.b, f.len), -ENOENT);
	MOVED(in_mkpdu_bad_destination, 1);
	sim_fini(&S);
}

/* More members than the table holds: the extra ones are counted and dropped. */
static void edit_member(struct mka_mkpdu *m, void *arg)
{
	unsigned int k = *(unsigned int *)arg;

	m->basic.mi[0] = (uint8_t)k;
	m->basic.mi[1] = 0xee;
	m->basic.sci = 0x0200000100000001ull + ((uint64_t)k << 16);
	m->basic.mn = 1;
	m->present = 0;
}

static void test_peer_table_full(void **state)
{
	unsigned int admitted = 0;

	(void)state;
	secured_pair();
	for (unsigned int k = 0; k < MKA_MAX_PEERS + 5; k++) {
		uint8_t b[MKA_MKPDU_MAX_FRAME];
		size_t len = sim_craft(&S, 1, &S.last[1], edit_member, &k, b);

		admitted += sim_inject(&S, 0, b, len) == 0;
	}
	assert_int_equal(admitted, MKA_MAX_PEERS - 1);
	MOVED(in_mkpdu_peer_table_full, 6);
	/* they never become live, and age out; the real peer stays */
	sim_run(&S, MKA_LIFE_TIME_MS + 1000);
	assert_int_equal(st_of(0).n_potential, 0);
	assert_int_equal(st_of(0).n_live, 1);
	assert_true(sim_all_secured(&S));
	sim_fini(&S);
}

/* A key server that advises plain text (9.6: no live peer wants MACsec): under
 * should-secure both let frames pass unprotected; a must-secure member refuses it. */
static void edit_plain(struct mka_mkpdu *m, void *arg)
{
	(void)arg;
	m->basic.mn += 1;
	m->present |= MKA_HAS_DIST_SAK;
	memset(&m->dist_sak, 0, sizeof(m->dist_sak));
	m->dist_sak.plain = true;
}

static void test_plain_advice(void **state)
{
	uint8_t b[MKA_MKPDU_MAX_FRAME];
	size_t len;

	(void)state;
	sim_init(&S, 2);
	S.node[0].cfg.policy = MKA_POLICY_SHOULD_SECURE;
	S.node[1].cfg.policy = MKA_POLICY_SHOULD_SECURE;
	S.node[1].cfg.capability = MKA_CAP_NOT_IMPLEMENTED;
	S.node[1].cfg.key_server_priority = 100;
	sim_start_all(&S);
	sim_run(&S, 10000);
	assert_true(st_of(0).key_server);
	for (unsigned int i = 0; i < 2; i++) {
		assert_true(S.node[i].secy.port.controlled_port_enabled);
		assert_false(S.node[i].secy.port.protect_frames);
		assert_int_equal(st_of(i).cp_state, MKA_CP_AUTHENTICATED);
		assert_null(sim_tx(&S, i));
		assert_int_equal(st_of(i).n_live, 1);
	}
	sim_fini(&S);

	secured_pair();
	len = sim_craft(&S, 0, &S.last[0], edit_plain, NULL, b);
	assert_int_equal(sim_inject(&S, 1, b, len), 0);
	assert_int_equal(sim_cnt(&S, 1)->in_mkpdu_dist_sak_refused, 1);
	assert_true(sim_secured(&S, 1));
	sim_fini(&S);

	/* a must-secure member that cannot do MACsec is a configuration error */
	{
		struct mka_participant *p;

		sim_init(&S, 1);
		S.node[0].cfg.capability = MKA_CAP_NOT_IMPLEMENTED;
		assert_int_equal(mka_participant_create(&p, &S.node[0].cfg, 0), -EINVAL);
		sim_fini(&S);
	}
}

/*
 * Regression (found by tests/system/test_fault_peer_restart.sh with three members): a peer
 * that restarts comes back with a new MI under its old SCI. While the key its dead
 * incarnation used was still held, the others installed a receive SA for the new MI from
 * that old key with lowest PN 1, so the dead incarnation's frames could be replayed into it.
 * No SA for that SCI may come from a key bound to its former MI.
 */
static void test_restarted_peer_no_old_key(void **state)
{
	struct mka_status st;
	struct mka_ki old;
	(void)state;

	sim_init(&S, 3);
	sim_start_all(&S);
	sim_run(&S, 8000);
	assert_true(sim_all_secured(&S));
	sim_status(&S, 2, &st);
	old = st.latest.valid ? st.latest.ki : st.old.ki;
	assert_true(st.latest.valid || st.old.valid);
	/* Node 2 dies and ages out of the others, then comes back (a new participant, new MI). */
	sim_stop(&S, 2);
	sim_run(&S, 7000);
	sim_start(&S, 2);
	for (unsigned int t = 0; t < 200; t++) {
		for (unsigned int n = 0; n < 2; n++) {
			for (uint8_t an = 0; an < 4; an++) {
				const struct sim_sa *sa = sim_rx(&S, n, sim_sci(2), an);

				if (sa != NULL && mka_ki_equal(&sa->key.ki, &old))
					fail_msg("node %u: receive SA for the restarted node 2 from its "
						 "dead incarnation's key (AN %u) at %u ms", n, an, t * 100);
			}
		}
		sim_run(&S, 100);
	}
	assert_true(sim_all_secured(&S));
	sim_fini(&S);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrong_cak),
		cmocka_unit_test(test_wrong_ckn),
		cmocka_unit_test(test_forged),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_bad_wrapped_sak),
		cmocka_unit_test(test_dist_sak_not_key_server),
		cmocka_unit_test(test_mi_collision),
		cmocka_unit_test(test_duplicate_sci),
		cmocka_unit_test(test_peer_list_error),
		cmocka_unit_test(test_bad_destination),
		cmocka_unit_test(test_peer_table_full),
		cmocka_unit_test(test_plain_advice),
		cmocka_unit_test(test_restarted_peer_no_old_key),
	};

	return cmocka_run_group_tests_name("mka-attack", tests, NULL, NULL);
}
