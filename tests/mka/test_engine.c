/* SPDX-License-Identifier: BSD-3-Clause */
/* The MKA engine on a virtual clock: securing, election, liveness, install order, 8 peers, XPN. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "be.h"
#include "mka_crypto.h"
#include "sim.h"

static struct sim S;

static void check_quiet_counters(struct sim *s, unsigned int i)
{
	const struct mka_counters *c = sim_cnt(s, i);

	assert_int_equal(c->in_mkpdu_icv_verification_errors, 0);
	assert_int_equal(c->in_mkpdu_validation_errors, 0);
	assert_int_equal(c->in_mkpdu_bad_peer_errors, 0);
	assert_int_equal(c->in_mkpdu_peer_list_errors, 0);
	assert_int_equal(c->sak_decryption_errors, 0);
	assert_int_equal(c->secy_errors, 0);
	assert_int_equal(c->out_mkpdu_errors, 0);
	assert_true(c->in_mkpdu > 0 && c->out_mkpdu > 0);
}

/* Two participants with one CAK: both secured within a few Hello Times, node 0 (the lower
 * SCI at equal priority) distributes, both transmit and receive with the same SAK. */
static void test_two_secure(void **state)
{
	struct mka_status a, b;

	(void)state;
	sim_init(&S, 2);
	sim_start_all(&S);
	sim_run(&S, 1000);
	assert_false(sim_all_secured(&S));   /* not before the peers have met */
	sim_run(&S, 5000);
	assert_true(sim_all_secured(&S));
	sim_status(&S, 0, &a);
	sim_status(&S, 1, &b);
	assert_true(a.key_server);
	assert_false(b.key_server);
	assert_int_equal(b.key_server_sci, sim_sci(0));
	assert_int_equal(a.n_live, 1);
	assert_int_equal(b.n_live, 1);
	assert_int_equal(a.n_potential, 0);
	assert_int_equal(a.rekey_count, 1);
	assert_int_equal(a.last_rekey_reason, MKA_REKEY_INITIAL);
	/* in steady state the key sits in the old slot, both directions (Figure 12-2 RETIRE) */
	assert_true(a.old.valid && b.old.valid);
	assert_memory_equal(&a.old.ki, &b.old.ki, sizeof(a.old.ki));
	assert_memory_equal(a.old.ki.mi, a.mi, MKA_MI_LEN);
	assert_int_equal(a.old.ki.kn, 1);
	assert_int_equal(b.peer[0].sci, sim_sci(0));
	assert_true(b.peer[0].key_server);
	assert_int_equal(S.hitless_violations, 0);
	assert_int_equal(S.order_violations, 0);
	assert_int_equal(sim_cnt(&S, 1)->in_sak_mkpdu, 1);
	assert_true(sim_cnt(&S, 0)->out_sak_mkpdu >= 1);
	check_quiet_counters(&S, 0);
	check_quiet_counters(&S, 1);
	/* stays secured, and quiet: one MKPDU per Hello Time each */
	{
		uint64_t out = sim_cnt(&S, 0)->out_mkpdu;

		sim_run(&S, 60000);
		assert_true(sim_all_secured(&S));
		assert_in_range(sim_cnt(&S, 0)->out_mkpdu - out, 29, 31);
	}
	sim_fini(&S);
}

static void test_three_secure(void **state)
{
	(void)state;
	sim_init(&S, 3);
	sim_start_all(&S);
	sim_run(&S, 8000);
	assert_true(sim_all_secured(&S));
	for (unsigned int i = 0; i < 3; i++) {
		struct mka_status st;

		sim_status(&S, i, &st);
		assert_int_equal(st.n_live, 2);
		assert_int_equal(st.key_server, i == 0);
		check_quiet_counters(&S, i);
		/* one receive SC per peer */
		assert_int_equal(S.node[i].secy.n_rx_sc, 2);
	}
	assert_int_equal(S.hitless_violations, 0);
	assert_int_equal(S.order_violations, 0);
	sim_fini(&S);
}

/* Key server election (9.5): priority first (lower wins), then the lower SCI; 255 never. */
static void test_election(void **state)
{
	static const struct {
		uint8_t prio[3];
		int ks;
	} cases[] = {
		{ { 16, 16, 16 }, 0 },     /* tie: lowest SCI */
		{ { 16, 1, 16 }, 1 },      /* priority beats SCI */
		{ { 200, 200, 100 }, 2 },
		{ { 255, 255, 30 }, 2 },   /* 255 never serves */
		{ { 255, 40, 40 }, 1 },
	};

	(void)state;
	for (unsigned int c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		sim_init(&S, 3);
		for (unsigned int i = 0; i < 3; i++)
			S.node[i].cfg.key_server_priority = cases[c].prio[i];
		sim_start_all(&S);
		sim_run(&S, 8000);
		if (!sim_all_secured(&S))
			fail_msg("case %u: not secured", c);
		for (unsigned int i = 0; i < 3; i++) {
			struct mka_status st;

			sim_status(&S, i, &st);
			if (st.key_server != ((int)i == cases[c].ks) ||
			    st.key_server_sci != sim_sci((unsigned int)cases[c].ks))
				fail_msg("case %u: node %u elected %llx", c, i,
					 (unsigned long long)st.key_server_sci);
			assert_int_equal(st.key_server_priority, cases[c].prio[cases[c].ks]);
		}
		sim_fini(&S);
	}
	/* nobody may serve: live, never secured, Controlled Port closed (must-secure) */
	sim_init(&S, 2);
	S.node[0].cfg.key_server_priority = 255;
	S.node[1].cfg.key_server_priority = 255;
	sim_start_all(&S);
	sim_run(&S, 20000);
	{
		struct mka_status st;

		sim_status(&S, 0, &st);
		assert_int_equal(st.n_live, 1);
		assert_false(st.principal);
		assert_false(S.node[0].secy.port.controlled_port_enabled);
		assert_null(sim_tx(&S, 0));
	}
	sim_fini(&S);
}

/* Install order: for every TX switch, the node's own RX SAs for that AN were in place for
 * all its live peers (checked in the fake SecY), and the SecY saw RX installs first. */
static void test_install_order(void **state)
{
	(void)state;
	sim_init(&S, 3);
	sim_start_all(&S);
	sim_run(&S, 8000);
	assert_true(sim_all_secured(&S));
	for (unsigned int i = 0; i < 3; i++) {
		const struct fake_secy *y = &S.node[i].secy;
		const struct sim_sa *tx = sim_tx(&S, i);

		for (unsigned int k = 0; k < y->n_ev; k++) {
			unsigned int rx_before = 0;

			if (y->ev[k].op != SIM_TX_SA_ENABLE)
				continue;
			for (unsigned int j = 0; j < k; j++)
				rx_before += y->ev[j].op == SIM_RX_SA_ENABLE && y->ev[j].kn == y->ev[k].kn;
			assert_true(rx_before >= 1);
			/* the key in use now: both peers' receive SAs came first */
			if (y->ev[k].kn == tx->key.ki.kn)
				assert_int_equal(rx_before, 2);
		}
	}
	assert_int_equal(S.order_violations, 0);
	sim_fini(&S);
}

/* A peer that goes silent is live until a Life Time after its last MKPDU, then gone,
 * with its SAs and SC; with nobody left the Controlled Port closes (must-secure). */
static void test_silent_peer_ages_out(void **state)
{
	struct mka_status st;
	uint64_t t_silent;

	(void)state;
	sim_init(&S, 2);
	sim_start_all(&S);
	sim_run(&S, 8000);
	assert_true(sim_all_secured(&S));
	S.node[1].silent = true;
	t_silent = S.now;
	sim_run(&S, MKA_LIFE_TIME_MS - 2100);
	sim_status(&S, 0, &st);
	assert_int_equal(st.n_live, 1);   /* its last MKPDU is less than a Life Time old */
	sim_run(&S, 2200);
	sim_status(&S, 0, &st);
	assert_int_equal(st.n_live, 0);
	assert_int_equal(st.n_potential, 0);
	assert_true(S.now - t_silent <= MKA_LIFE_TIME_MS + 100);
	assert_int_equal(S.node[0].secy.n_rx_sc, 0);
	assert_null(sim_rx(&S, 0, sim_sci(1), 0));
	assert_false(S.node[0].secy.port.controlled_port_enabled);
	assert_true(st.cp_state == MKA_CP_CHANGE);
	/* it comes back: secured again, with a new SAK */
	S.node[1].silent = false;
	sim_run(&S, 40000);
	assert_true(sim_all_secured(&S));
	sim_status(&S, 0, &st);
	assert_true(st.rekey_count >= 2);
	sim_fini(&S);
}

/* A one-way link: node 1 hears node 0 but not the reverse. Node 1 keeps talking, but its
 * MKPDUs carry ever older MNs of ours; once those are more than a Life Time old they no
 * longer restart its timer, and a Life Time later it is no longer live for node 0 (9.4.3,
 * our reading of "acceptably recent"), only potential. */
static void test_one_way_link(void **state)
{
	struct mka_status st;

	(void)state;
	sim_init(&S, 2);
	sim_start_all(&S);
	sim_run(&S, 8000);
	assert_true(sim_all_secured(&S));
	S.node[1].deaf = true;
	sim_run(&S, MKA_LIFE_TIME_MS + 1000);
	sim_status(&S, 0, &st);
	assert_int_equal(st.n_live, 1);
	sim_run(&S, MKA_LIFE_TIME_MS + MKA_HELLO_TIME_MS - 1000);
	sim_status(&S, 0, &st);
	assert_int_equal(st.n_live, 0);
	assert_int_equal(st.n_potential, 1);
	assert_false(S.node[0].secy.port.controlled_port_enabled);
	assert_true(sim_cnt(&S, 0)->in_mkpdu > 0);
	S.node[1].deaf = false;
	sim_run(&S, 20000);
	assert_true(sim_all_secured(&S));
	sim_fini(&S);
}

/* should-secure: alone for a Life Time, frames pass unprotected; a peer then secures it. */
static void test_should_secure(void **state)
{
	struct mka_status st;

	(void)state;
	sim_init(&S, 2);
	S.node[0].cfg.policy = MKA_POLICY_SHOULD_SECURE;
	S.node[1].cfg.policy = MKA_POLICY_SHOULD_SECURE;
	sim_start(&S, 0);
	sim_run(&S, MKA_LIFE_TIME_MS - 100);
	assert_false(S.node[0].secy.port.controlled_port_enabled);
	sim_run(&S, 200);
	sim_status(&S, 0, &st);
	assert_true(S.node[0].secy.port.controlled_port_enabled);
	assert_false(S.node[0].secy.port.protect_frames);
	assert_int_equal(st.cp_state, MKA_CP_ALLOWED);
	sim_start(&S, 1);
	sim_run(&S, 8000);
	assert_true(sim_all_secured(&S));
	sim_fini(&S);
	/* must-secure alone: closed for good */
	sim_init(&S, 1);
	sim_start(&S, 0);
	sim_run(&S, 60000);
	assert_false(S.node[0].secy.port.controlled_port_enabled);
	sim_fini(&S);
}

/* Eight members in one CA: one SAK, every node receives from the seven others. */
static void test_eight_peers(void **state)
{
	(void)state;
	sim_init(&S, 8);
	sim_start_all(&S);
	sim_run(&S, 20000);
	assert_true(sim_all_secured(&S));
	for (unsigned int i = 0; i < 8; i++) {
		struct mka_status st;

		sim_status(&S, i, &st);
		assert_int_equal(st.n_live, 7);
		assert_int_equal(S.node[i].secy.n_rx_sc, 7);
		assert_int_equal(st.key_server_sci, sim_sci(0));
		check_quiet_counters(&S, i);
	}
	assert_int_equal(S.hitless_violations, 0);
	assert_int_equal(S.order_violations, 0);
	sim_fini(&S);
}

/* XPN (802.1AE-2018 10.7.13, 802.1X-2020 9.8.3): distinct SSCIs in descending SCI order,
 * each transmitter's SSCI is what every receiver uses for it, one Salt from the KI. */
static void test_xpn(void **state)
{
	static const enum mka_cipher_suite suites[] = { MKA_CS_GCM_AES_XPN_128,
							MKA_CS_GCM_AES_XPN_256 };

	(void)state;
	for (unsigned int c = 0; c < 2; c++) {
		uint8_t salt[MKA_SALT_LEN];
		struct mka_status st;

		sim_init(&S, 3);
		for (unsigned int i = 0; i < 3; i++) {
			S.node[i].cfg.cipher_suite = suites[c];
			S.node[i].cfg.cak_len = c ? 32 : 16;
		}
		sim_start_all(&S);
		sim_run(&S, 8000);
		assert_true(sim_all_secured(&S));   /* includes RX ssci == TX ssci, same salt */
		sim_status(&S, 0, &st);
		mka_xpn_salt(&st.old.ki, salt);
		for (unsigned int i = 0; i < 3; i++) {
			const struct sim_sa *tx = sim_tx(&S, i);

			assert_int_equal(tx->key.cs, suites[c]);
			assert_int_equal(tx->key.key_len, c ? 32 : 16);
			/* node 2 has the highest SCI: SSCI 1 */
			assert_int_equal(tx->key.ssci, 3 - i);
			assert_memory_equal(tx->key.salt, salt, MKA_SALT_LEN);
		}
		assert_int_equal(S.hitless_violations, 0);
		sim_fini(&S);
	}
}

/* A receiver takes SSCIs from the key server's Live Peer List (Key Server SSCI, list order),
 * not from its own idea of the SCI order: give it a list that disagrees and see it follow. */
static bool hold_ks(struct sim *s, unsigned int from, unsigned int to, uint8_t *f, size_t *len)
{
	(void)to;
	(void)f;
	(void)len;
	return !(s->filter_ctx && from == 0);
}

static void edit_ks_ssci(struct mka_mkpdu *m, void *arg)
{
	(void)arg;
	assert_true(m->present & MKA_HAS_DIST_SAK);
	assert_int_equal(m->live.key_server_ssci, 2);   /* node 1 has the higher SCI: SSCI 1 */
	m->live.key_server_ssci = 1;
}

static void test_xpn_ssci_from_list(void **state)
{
	uint8_t b[MKA_MKPDU_MAX_FRAME];
	const struct sim_sa *rx;
	size_t len;
	uint8_t an;

	(void)state;
	sim_init(&S, 2);
	for (unsigned int i = 0; i < 2; i++)
		S.node[i].cfg.cipher_suite = MKA_CS_GCM_AES_XPN_128;
	S.filter = hold_ks;
	sim_start_all(&S);
	sim_run(&S, 8000);
	assert_true(sim_all_secured(&S));
	assert_int_equal(sim_tx(&S, 1)->key.ssci, 1);
	S.filter_ctx = &S;   /* hold node 0's MKPDUs */
	mka_participant_rekey(S.node[0].p, S.now);
	an = (uint8_t)((sim_tx(&S, 0)->an + 1) & 3);
	len = sim_craft(&S, 0, &S.last[0], edit_ks_ssci, NULL, b);
	assert_int_equal(sim_inject(&S, 1, b, len), 0);
	assert_int_equal(S.node[1].secy.tx[an].key.ssci, 2);
	rx = sim_rx(&S, 1, sim_sci(0), an);
	assert_non_null(rx);
	assert_int_equal(rx->key.ssci, 1);
	S.filter = NULL;
	sim_fini(&S);
}

/* The Salt layout of our 9.8.3 reading, by hand. */
static void test_xpn_salt(void **state)
{
	struct mka_ki ki = { .kn = 0x11223344 };
	uint8_t salt[12], exp[12];

	(void)state;
	for (unsigned int i = 0; i < 12; i++)
		ki.mi[i] = (uint8_t)(0xa0 + i);
	mka_xpn_salt(&ki, salt);
	memcpy(exp, ki.mi, 12);
	exp[0] ^= 0x33;   /* 16 MSBs of the Salt ^= 16 LSBs of KN */
	exp[1] ^= 0x44;
	exp[2] ^= 0x11;   /* next 16 bits ^= 16 MSBs of KN */
	exp[3] ^= 0x22;
	assert_memory_equal(salt, exp, 12);
}

/* The gateway's EAPOL choices: EtherType, destination (group, broadcast, unicast) and a
 * VLAN tag; peers configured alike secure, and frames on the wire carry the choice. */
static bool saw_frame(struct sim *s, unsigned int from, unsigned int to, uint8_t *frame,
		      size_t *len)
{
	const uint8_t *want = s->filter_ctx;

	(void)from;
	(void)to;
	(void)len;
	assert_memory_equal(frame, want, 6);
	return true;
}

static void test_eapol_options(void **state)
{
	static const uint8_t dsts[][6] = {
		{ 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 },
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};

	(void)state;
	for (unsigned int c = 0; c < 3; c++) {
		sim_init(&S, 2);
		for (unsigned int i = 0; i < 2; i++) {
			struct mka_config *cfg = &S.node[i].cfg;

			cfg->eapol_ethertype = 0x876f;
			cfg->vlan = c == 1;
			cfg->vlan_tci = 0x2064;
			if (c < 2)
				memcpy(cfg->eapol_dst, dsts[c], 6);
		}
		if (c == 2) {   /* point to point: each addresses the other */
			uint8_t a[8], b[8];

			mka_be64_store(a, sim_sci(0));
			mka_be64_store(b, sim_sci(1));
			memcpy(S.node[0].cfg.eapol_dst, b, 6);
			memcpy(S.node[1].cfg.eapol_dst, a, 6);
		} else {
			S.filter = saw_frame;
			S.filter_ctx = (void *)dsts[c];
		}
		sim_start_all(&S);
		sim_run(&S, 8000);
		assert_true(sim_all_secured(&S));
		assert_int_equal(mka_be16_load(S.last[0].b + (c == 1 ? 16 : 12)), 0x876f);
		if (c == 1)
			assert_int_equal(mka_be16_load(S.last[0].b + 14), 0x2064);
		check_quiet_counters(&S, 0);
		sim_fini(&S);
	}
}

/* Framing as wpa_supplicant 2.10 sends it: MKA version 1 and the ICV Indicator, against
 * our version 3 without; either may serve. */
static void test_version_mix(void **state)
{
	(void)state;
	for (unsigned int ks = 0; ks < 2; ks++) {
		struct mka_status st;

		sim_init(&S, 2);
		S.node[1].cfg.mka_version = 1;
		S.node[1].cfg.icv_indicator = true;
		S.node[ks].cfg.key_server_priority = 1;
		sim_start_all(&S);
		sim_run(&S, 8000);
		assert_true(sim_all_secured(&S));
		sim_status(&S, 0, &st);
		assert_int_equal(st.key_server, ks == 0);
		check_quiet_counters(&S, 0);
		check_quiet_counters(&S, 1);
		sim_fini(&S);
	}
}

/* The key server picks the confidentiality every member can do (Table 11-6, 9.6). */
static void test_conf_offset(void **state)
{
	static const struct {
		uint8_t want, cap1, got;
	} cases[] = {
		{ MKA_CO_30, MKA_CAP_CONF_0_30_50, MKA_CO_30 },
		{ MKA_CO_30, MKA_CAP_CONF_0, MKA_CO_0 },
		{ MKA_CO_50, MKA_CAP_INTEGRITY, MKA_CO_NONE },
		{ MKA_CO_NONE, MKA_CAP_CONF_0_30_50, MKA_CO_NONE },
	};

	(void)state;
	for (unsigned int c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		sim_init(&S, 2);
		S.node[0].cfg.conf_offset = cases[c].want;
		S.node[1].cfg.capability = cases[c].cap1;
		sim_start_all(&S);
		sim_run(&S, 8000);
		assert_true(sim_all_secured(&S));
		for (unsigned int i = 0; i < 2; i++) {
			assert_int_equal(sim_tx(&S, i)->key.conf_offset, cases[c].got);
			assert_int_equal(S.node[i].secy.port.conf_offset, cases[c].got);
		}
		sim_fini(&S);
	}
}

/* Delay protection (802.1X-2020 9.10): a peer's reported lowest PN raises our receive SA's. */
static void edit_delay_protect(struct mka_mkpdu *m, void *arg)
{
	m->basic.mn += 1;
	m->sak_use.delay_protect = true;
	m->sak_use.olpn = *(uint32_t *)arg;
}

static void test_delay_protect(void **state)
{
	uint8_t b[MKA_MKPDU_MAX_FRAME];
	uint32_t lpn = 5000;
	size_t len;
	uint8_t an;

	(void)state;
	sim_init(&S, 2);
	sim_start_all(&S);
	sim_run(&S, 8000);
	an = sim_tx(&S, 1)->an;
	assert_int_equal(sim_rx(&S, 0, sim_sci(1), an)->pn, 1);
	len = sim_craft(&S, 1, &S.last[1], edit_delay_protect, &lpn, b);
	assert_int_equal(sim_inject(&S, 0, b, len), 0);
	assert_int_equal(sim_rx(&S, 0, sim_sci(1), an)->pn, 5000);
	sim_fini(&S);
}

static void test_status_and_counters(void **state)
{
	struct mka_counter_kv kv[128];
	struct mka_status st;
	size_t n;

	(void)state;
	sim_init(&S, 2);
	S.node[0].cfg.rekey_interval_ms = 30000;
	sim_start_all(&S);
	sim_run(&S, 8000);
	sim_status(&S, 0, &st);
	assert_int_equal(st.ckn_len, 16);
	assert_memory_equal(st.ckn, S.node[0].cfg.ckn, 16);
	assert_int_equal(st.sci, sim_sci(0));
	assert_int_equal(st.priority, 16);
	assert_int_equal(st.mn, sim_cnt(&S, 0)->out_mkpdu);
	assert_int_equal(st.cipher_suite, MKA_CS_GCM_AES_128);
	assert_int_equal(st.conf_offset, MKA_CO_0);
	assert_true(st.next_rekey_in_ms > 20000 && st.next_rekey_in_ms <= 30000);
	assert_int_equal(st.peer[0].mn, S.node[1].p ? sim_cnt(&S, 1)->out_mkpdu : 0);
	assert_true(st.peer[0].expires_in_ms <= MKA_LIFE_TIME_MS);
	assert_string_equal(mka_cp_state_name(st.cp_state), "RETIRE");
	n = mka_counters_list(sim_cnt(&S, 0), kv, 128);
	assert_int_equal(n, 26 + MKA_DEC_ERR_COUNT - 1);
	assert_string_equal(kv[0].name, "in-mkpdu");
	assert_int_equal(kv[0].value, sim_cnt(&S, 0)->in_mkpdu);
	for (unsigned int e = 1; e < MKA_DEC_ERR_COUNT; e++) {
		char want[64] = "in-mkpdu-invalid-";

		strcat(want, mka_decode_err_name((enum mka_decode_err)e));
		assert_string_equal(kv[26 + e - 1].name, want);
	}
	assert_int_equal(mka_counters_list(sim_cnt(&S, 0), kv, 3), 3);
	sim_fini(&S);
}

static void test_config_checks(void **state)
{
	struct mka_participant *p;
	struct mka_config c;

	(void)state;
	sim_init(&S, 1);
	c = S.node[0].cfg;
	c.cak_len = 24;
	assert_int_equal(mka_participant_create(&p, &c, 0), -EINVAL);
	c = S.node[0].cfg;
	c.ckn_len = 0;
	assert_int_equal(mka_participant_create(&p, &c, 0), -EINVAL);
	c = S.node[0].cfg;
	c.send_frame = NULL;
	assert_int_equal(mka_participant_create(&p, &c, 0), -EINVAL);
	c = S.node[0].cfg;
	c.hello_time_ms = 6000;
	c.life_time_ms = 6000;
	assert_int_equal(mka_participant_create(&p, &c, 0), -EINVAL);
	c = S.node[0].cfg;
	c.cipher_suite = MKA_CS_COUNT;
	assert_int_equal(mka_participant_create(&p, &c, 0), -EINVAL);
	assert_null(p);
	mka_participant_destroy(NULL);
	sim_fini(&S);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_secure),
		cmocka_unit_test(test_three_secure),
		cmocka_unit_test(test_election),
		cmocka_unit_test(test_install_order),
		cmocka_unit_test(test_silent_peer_ages_out),
		cmocka_unit_test(test_one_way_link),
		cmocka_unit_test(test_should_secure),
		cmocka_unit_test(test_eight_peers),
		cmocka_unit_test(test_xpn),
		cmocka_unit_test(test_xpn_salt),
		cmocka_unit_test(test_xpn_ssci_from_list),
		cmocka_unit_test(test_eapol_options),
		cmocka_unit_test(test_version_mix),
		cmocka_unit_test(test_conf_offset),
		cmocka_unit_test(test_delay_protect),
		cmocka_unit_test(test_status_and_counters),
		cmocka_unit_test(test_config_checks),
	};

	return cmocka_run_group_tests_name("mka-engine", tests, NULL, NULL);
}
