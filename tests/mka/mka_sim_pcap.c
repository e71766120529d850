/* SPDX-License-Identifier: BSD-3-Clause */
/* Writes the MKPDUs simulated participants send (securing, rekeying, XPN, VLAN) to a pcap. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "sim.h"

static struct sim S;
static const char *out_path;

static void capture_runs(void **state)
{
	struct sim_frame *all = calloc(4096, sizeof(*all));
	unsigned int n = 0;

	(void)state;
	assert_non_null(all);
	for (unsigned int run = 0; run < 2; run++) {
		sim_init(&S, 3);
		S.capture = calloc(2048, sizeof(*S.capture));
		S.capture_cap = 2048;
		for (unsigned int i = 0; i < 3; i++) {
			struct mka_config *c = &S.node[i].cfg;

			c->rekey_interval_ms = 10000;
			if (run == 1) {   /* XPN, 256-bit CAK, tagged, announcing, ICV Indicator */
				c->cipher_suite = MKA_CS_GCM_AES_XPN_256;
				c->cak_len = 32;
				c->vlan = true;
				c->vlan_tci = 42;
				c->announce = true;
				c->icv_indicator = true;
			}
		}
		sim_start_all(&S);
		sim_run(&S, 25000);
		assert_true(sim_all_secured(&S));
		for (unsigned int k = 0; k < S.n_capture && n < 4096; k++)
			all[n++] = S.capture[k];
		sim_fini(&S);
	}
	S.capture = all;
	S.n_capture = n;
	assert_int_equal(sim_write_pcap(&S, out_path), 0);
	printf("%u frames\n", n);
	free(all);
	S.capture = NULL;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(capture_runs) };

	if (argc != 2) {
		fprintf(stderr, "usage: %s out.pcap\n", argv[0]);
		return 2;
	}
	out_path = argv[1];
	return cmocka_run_group_tests_name("mka-sim-pcap", tests, NULL, NULL);
}
