/* SPDX-License-Identifier: BSD-3-Clause */
/* The CP state machine alone: a numbered table of transitions of 802.1X-2020 Figure 12-2. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cp.h"

struct calls {
	unsigned int install_receive, install_transmit, delete_sas, new_info, port_changed;
	int install_rc;
	struct mka_ki deleted;
};

static struct calls C;

static int a_install_receive(void *ctx, const struct mka_ki *ki)
{
	(void)ctx;
	(void)ki;
	C.install_receive++;
	return C.install_rc;
}

static int a_install_transmit(void *ctx, const struct mka_ki *ki)
{
	(void)ctx;
	(void)ki;
	C.install_transmit++;
	return C.install_rc;
}

static void a_delete_sas(void *ctx, const struct mka_ki *ki)
{
	(void)ctx;
	C.delete_sas++;
	C.deleted = *ki;
}

static void a_new_info(void *ctx)
{
	(void)ctx;
	C.new_info++;
}

static void a_port_changed(void *ctx)
{
	(void)ctx;
	C.port_changed++;
}

static const struct mka_cp_actions actions = {
	a_install_receive, a_install_transmit, a_delete_sas, a_new_info, a_port_changed,
};

static const struct mka_ki KI1 = { { 1 }, 1 }, KI2 = { { 1 }, 2 };

/* A CP in @p s with a secured-looking context: connect SECURE, keys as that state has them. */
static void at(struct mka_cp *cp, enum mka_cp_state s)
{
	mka_cp_init(cp, &actions, NULL, 6000, 3000, MKA_CS_GCM_AES_128, MKA_CO_0);
	memset(&C, 0, sizeof(C));
	cp->state = s;
	cp->connect = MKA_CONNECT_SECURE;
	cp->controlled_port_enabled = s >= MKA_CP_SECURED && s != MKA_CP_ALLOWED;
	cp->lki = KI2;
	cp->lki_valid = s >= MKA_CP_RECEIVE && s <= MKA_CP_TRANSMITTING;
	cp->oki = KI1;
	cp->oki_valid = true;
	cp->orx = true;
	cp->distributed_ki = KI2;
	cp->distributed_an = 1;
}

struct cp_case {
	const char *name;
	enum mka_cp_state from;
	bool fires;
	enum mka_cp_state to;
};

/* Build case @p n on @p cp (state and inputs); returns the expectation. */
static struct cp_case build(unsigned int n, struct mka_cp *cp, uint64_t *now)
{
	*now = 1000;
	switch (n) {
	case 0: at(cp, MKA_CP_INIT);
		return (struct cp_case){ "INIT: UCT", MKA_CP_INIT, true, MKA_CP_CHANGE };
	case 1: at(cp, MKA_CP_CHANGE); cp->connect = MKA_CONNECT_PENDING;
		return (struct cp_case){ "CHANGE waits while pending", MKA_CP_CHANGE, false, MKA_CP_CHANGE };
	case 2: at(cp, MKA_CP_CHANGE); cp->connect = MKA_CONNECT_UNAUTHENTICATED;
		return (struct cp_case){ "CHANGE unauthenticated", MKA_CP_CHANGE, true, MKA_CP_ALLOWED };
	case 3: at(cp, MKA_CP_CHANGE); cp->connect = MKA_CONNECT_AUTHENTICATED;
		return (struct cp_case){ "CHANGE authenticated", MKA_CP_CHANGE, true, MKA_CP_AUTHENTICATED };
	case 4: at(cp, MKA_CP_CHANGE);
		return (struct cp_case){ "CHANGE secure", MKA_CP_CHANGE, true, MKA_CP_SECURED };
	case 5: at(cp, MKA_CP_ALLOWED);
		return (struct cp_case){ "ALLOWED, connect changed", MKA_CP_ALLOWED, true, MKA_CP_CHANGE };
	case 6: at(cp, MKA_CP_AUTHENTICATED); cp->connect = MKA_CONNECT_AUTHENTICATED;
		return (struct cp_case){ "AUTHENTICATED stays", MKA_CP_AUTHENTICATED, false, 0 };
	case 7: at(cp, MKA_CP_SECURED); cp->new_sak = true;
		return (struct cp_case){ "SECURED newSAK", MKA_CP_SECURED, true, MKA_CP_RECEIVE };
	case 8: at(cp, MKA_CP_SECURED); cp->new_sak = true; cp->chgd_server = true;
		return (struct cp_case){ "SECURED chgdServer first", MKA_CP_SECURED, true, MKA_CP_CHANGE };
	case 9: at(cp, MKA_CP_SECURED); cp->cipher_suite = MKA_CS_GCM_AES_256;
		return (struct cp_case){ "SECURED cipher changed", MKA_CP_SECURED, true, MKA_CP_CHANGE };
	case 10: at(cp, MKA_CP_RECEIVE);
		return (struct cp_case){ "RECEIVE waits usingReceiveSAs", MKA_CP_RECEIVE, false, 0 };
	case 11: at(cp, MKA_CP_RECEIVE); cp->using_receive_sas = true;
		return (struct cp_case){ "RECEIVE done", MKA_CP_RECEIVE, true, MKA_CP_RECEIVING };
	case 12: at(cp, MKA_CP_RECEIVING); cp->elected_self = false;
		return (struct cp_case){ "RECEIVING not key server", MKA_CP_RECEIVING, true, MKA_CP_READY };
	case 13: at(cp, MKA_CP_RECEIVING); cp->elected_self = true; cp->transmit_when = 7000;
		return (struct cp_case){ "RECEIVING key server waits", MKA_CP_RECEIVING, false, 0 };
	case 14: at(cp, MKA_CP_RECEIVING); cp->elected_self = true; cp->all_receiving = true;
		cp->transmit_when = 7000;
		return (struct cp_case){ "RECEIVING allReceiving", MKA_CP_RECEIVING, true, MKA_CP_TRANSMIT };
	case 15: at(cp, MKA_CP_RECEIVING); cp->elected_self = true; cp->transmit_when = 7000;
		*now = 7000;
		return (struct cp_case){ "RECEIVING transmitWhen", MKA_CP_RECEIVING, true, MKA_CP_TRANSMIT };
	case 16: at(cp, MKA_CP_RECEIVING); cp->elected_self = true; cp->transmit_when = 7000;
		cp->controlled_port_enabled = false;
		return (struct cp_case){ "RECEIVING first SAK", MKA_CP_RECEIVING, true, MKA_CP_TRANSMIT };
	case 17: at(cp, MKA_CP_RECEIVING); cp->elected_self = true; cp->new_sak = true;
		cp->all_receiving = true;
		return (struct cp_case){ "RECEIVING newSAK wins", MKA_CP_RECEIVING, true, MKA_CP_ABANDON };
	case 18: at(cp, MKA_CP_READY);
		return (struct cp_case){ "READY waits the server", MKA_CP_READY, false, 0 };
	case 19: at(cp, MKA_CP_READY); cp->server_transmitting = true;
		return (struct cp_case){ "READY serverTransmitting", MKA_CP_READY, true, MKA_CP_TRANSMIT };
	case 20: at(cp, MKA_CP_READY); cp->connect = MKA_CONNECT_PENDING;
		return (struct cp_case){ "READY connect lost", MKA_CP_READY, true, MKA_CP_ABANDON };
	case 21: at(cp, MKA_CP_TRANSMIT);
		return (struct cp_case){ "TRANSMIT waits usingTransmitSA", MKA_CP_TRANSMIT, false, 0 };
	case 22: at(cp, MKA_CP_TRANSMIT); cp->using_transmit_sa = true;
		return (struct cp_case){ "TRANSMIT done", MKA_CP_TRANSMIT, true, MKA_CP_TRANSMITTING };
	case 23: at(cp, MKA_CP_TRANSMITTING); cp->retire_when = 4000;
		return (struct cp_case){ "TRANSMITTING waits retireWhen", MKA_CP_TRANSMITTING, false, 0 };
	case 24: at(cp, MKA_CP_TRANSMITTING); cp->retire_when = 4000; *now = 4000;
		return (struct cp_case){ "TRANSMITTING retireWhen", MKA_CP_TRANSMITTING, true, MKA_CP_RETIRE };
	case 25: at(cp, MKA_CP_RETIRE); cp->new_sak = true;
		return (struct cp_case){ "RETIRE newSAK", MKA_CP_RETIRE, true, MKA_CP_RECEIVE };
	case 26: at(cp, MKA_CP_RETIRE); cp->connect = MKA_CONNECT_PENDING; cp->new_sak = true;
		return (struct cp_case){ "RETIRE connect lost first", MKA_CP_RETIRE, true, MKA_CP_CHANGE };
	case 27: at(cp, MKA_CP_ABANDON); cp->chgd_server = true;
		return (struct cp_case){ "ABANDON connect changed", MKA_CP_ABANDON, true, MKA_CP_RETIRE };
	case 28: at(cp, MKA_CP_ABANDON); cp->new_sak = true;
		return (struct cp_case){ "ABANDON newSAK", MKA_CP_ABANDON, true, MKA_CP_RECEIVE };
	case 29: at(cp, MKA_CP_TRANSMITTING); cp->port_enabled = false;
		return (struct cp_case){ "port disabled: INIT", MKA_CP_TRANSMITTING, true, MKA_CP_INIT };
	default:
		return (struct cp_case){ NULL, 0, false, 0 };
	}
}

static void test_transitions(void **state)
{
	struct mka_cp cp;
	uint64_t now;

	(void)state;
	for (unsigned int n = 0;; n++) {
		struct cp_case c = build(n, &cp, &now);
		bool fired;

		if (!c.name)
			break;
		fired = mka_cp_step(&cp, now);
		if (fired != c.fires || (c.fires && cp.state != c.to) || (!c.fires && cp.state != c.from))
			fail_msg("case %u (%s): fired %d, now %s", n, c.name, fired,
				 mka_cp_state_name(cp.state));
		/* exactly one transition per step */
		if (c.fires)
			assert_true(cp.state == c.to);
	}
}

/* What the entry actions leave behind. */
static void test_entry_actions(void **state)
{
	struct mka_cp cp;
	uint64_t now;

	(void)state;
	build(7, &cp, &now);   /* -> RECEIVE: latest := distributed, receive SAs asked for */
	mka_cp_step(&cp, now);
	assert_true(cp.lki_valid);
	assert_memory_equal(&cp.lki, &KI2, sizeof(KI2));
	assert_int_equal(cp.lan, 1);
	assert_false(cp.new_sak);
	assert_int_equal(C.install_receive, 1);
	assert_true(cp.using_receive_sas);    /* the KaY installed them at once */
	build(7, &cp, &now);
	C.install_rc = -1;
	mka_cp_step(&cp, now);
	assert_false(cp.using_receive_sas);

	build(11, &cp, &now);   /* -> RECEIVING: lrx, transmitWhen = now + Life Time */
	mka_cp_step(&cp, now);
	assert_true(cp.lrx);
	assert_int_equal(cp.transmit_when, 7000);
	assert_int_equal(mka_cp_deadline(&cp), 7000);

	build(22, &cp, &now);   /* -> TRANSMITTING: otx off, retire a Retire Time on, newInfo */
	cp.otx = true;
	mka_cp_step(&cp, now);
	assert_false(cp.otx);
	assert_int_equal(cp.retire_when, 4000);
	assert_int_equal(C.new_info, 1);

	build(24, &cp, &now);   /* -> RETIRE: old SAs deleted, latest becomes old */
	cp.ltx = cp.lrx = true;
	cp.lan = 1;
	mka_cp_step(&cp, now);
	assert_int_equal(C.delete_sas, 1);
	assert_memory_equal(&C.deleted, &KI1, sizeof(KI1));
	assert_memory_equal(&cp.oki, &KI2, sizeof(KI2));
	assert_true(cp.otx && cp.orx);
	assert_int_equal(cp.oan, 1);
	assert_false(cp.lki_valid);

	build(17, &cp, &now);   /* -> ABANDON: the latest's SAs go */
	mka_cp_step(&cp, now);
	assert_int_equal(C.delete_sas, 1);
	assert_memory_equal(&C.deleted, &KI2, sizeof(KI2));
	assert_false(cp.lki_valid);
	assert_true(cp.oki_valid);

	build(8, &cp, &now);    /* -> CHANGE: everything goes, port closed */
	cp.lki_valid = true;
	mka_cp_step(&cp, now);
	assert_int_equal(C.delete_sas, 2);
	assert_false(cp.lki_valid || cp.oki_valid);
	assert_false(cp.controlled_port_enabled);
	assert_true(C.port_changed >= 1);

	build(4, &cp, &now);    /* -> SECURED: protect, strict, port valid */
	mka_cp_step(&cp, now);
	assert_true(cp.protect_frames && cp.validate_strict && cp.port_valid);
	assert_false(cp.chgd_server);

	build(2, &cp, &now);    /* -> ALLOWED: open, unprotected */
	mka_cp_step(&cp, now);
	assert_true(cp.controlled_port_enabled);
	assert_false(cp.protect_frames || cp.validate_strict);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transitions),
		cmocka_unit_test(test_entry_actions),
	};

	return cmocka_run_group_tests_name("mka-cp", tests, NULL, NULL);
}
