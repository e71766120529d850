/* SPDX-License-Identifier: BSD-3-Clause */
/* Virtual-clock simulation of MKA participants: a fake SecY per node, a fake wire between them. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mka_crypto.h"
#include "sim.h"

static void log_ev(struct fake_secy *y, enum sim_op op, uint64_t sci, uint8_t an, uint32_t kn)
{
	if (y->n_ev < SIM_MAX_EVENTS)
		y->ev[y->n_ev++] = (struct sim_event){ op, y->sim->now, sci, an, kn };
}

static struct sim_sa *rx_find(struct fake_secy *y, uint64_t sci, uint8_t an)
{
	for (unsigned int i = 0; i < SIM_MAX_RX_SA; i++)
		if (y->rx[i].used && y->rx[i].sci == sci && y->rx[i].an == an)
			return &y->rx[i];
	return NULL;
}

static bool has_sc(struct fake_secy *y, uint64_t sci)
{
	for (unsigned int i = 0; i < y->n_rx_sc; i++)
		if (y->rx_sc[i] == sci)
			return true;
	return false;
}

static int f_rx_sc_create(void *ctx, uint64_t sci)
{
	struct fake_secy *y = ctx;

	if (has_sc(y, sci))
		return -EEXIST;
	assert_true(y->n_rx_sc < SIM_MAX_RX_SA);
	y->rx_sc[y->n_rx_sc++] = sci;
	log_ev(y, SIM_RX_SC_CREATE, sci, 0, 0);
	return 0;
}

static int f_rx_sc_delete(void *ctx, uint64_t sci)
{
	struct fake_secy *y = ctx;

	for (unsigned int i = 0; i < y->n_rx_sc; i++) {
		if (y->rx_sc[i] != sci)
			continue;
		y->rx_sc[i] = y->rx_sc[--y->n_rx_sc];
		for (unsigned int k = 0; k < SIM_MAX_RX_SA; k++)
			if (y->rx[k].used && y->rx[k].sci == sci)
				memset(&y->rx[k], 0, sizeof(y->rx[k]));
		log_ev(y, SIM_RX_SC_DELETE, sci, 0, 0);
		return 0;
	}
	return -ENOENT;
}

static int f_rx_sa_install(void *ctx, uint64_t sci, uint8_t an, const struct mka_sa_key *key,
			   uint64_t lowest_pn)
{
	struct fake_secy *y = ctx;
	struct sim_sa *sa = rx_find(y, sci, an);

	assert_true(an < 4);
	assert_true(key->key_len == 16 || key->key_len == 32);
	if (y->fail_rx_installs > 0) {
		y->fail_rx_installs--;
		return -ENOMEM;
	}
	if (!has_sc(y, sci))
		return -ENOENT;   /* MKA must create the SC first */
	for (unsigned int i = 0; !sa && i < SIM_MAX_RX_SA; i++)
		if (!y->rx[i].used)
			sa = &y->rx[i];
	assert_non_null(sa);
	*sa = (struct sim_sa){ .used = true, .sci = sci, .an = an, .key = *key, .pn = lowest_pn };
	log_ev(y, SIM_RX_SA_INSTALL, sci, an, key->ki.kn);
	return 0;
}

static int f_rx_sa_enable(void *ctx, uint64_t sci, uint8_t an, bool enable)
{
	struct fake_secy *y = ctx;
	struct sim_sa *sa = rx_find(y, sci, an);

	if (!sa)
		return -ENOENT;
	sa->enabled = enable;
	log_ev(y, SIM_RX_SA_ENABLE, sci, an, sa->key.ki.kn);
	return 0;
}

static int f_rx_sa_delete(void *ctx, uint64_t sci, uint8_t an)
{
	struct fake_secy *y = ctx;
	struct sim_sa *sa = rx_find(y, sci, an);

	if (!sa)
		return -ENOENT;
	log_ev(y, SIM_RX_SA_DELETE, sci, an, sa->key.ki.kn);
	memset(sa, 0, sizeof(*sa));
	return 0;
}

static int f_tx_sa_install(void *ctx, uint8_t an, const struct mka_sa_key *key, uint64_t next_pn)
{
	struct fake_secy *y = ctx;

	assert_true(an < 4);
	assert_false(y->encoding_an == an && y->tx[an].enabled);   /* never replace the live SA */
	y->tx[an] = (struct sim_sa){ .used = true, .an = an, .key = *key, .pn = next_pn };
	log_ev(y, SIM_TX_SA_INSTALL, 0, an, key->ki.kn);
	return 0;
}

/* Hitless: once a node transmits, switching to a new SA must find every other live node
 * already receiving that SA from it. Self-order: our own RX SAs for the AN come first. */
static void check_switch(struct fake_secy *y, uint8_t an)
{
	struct sim *s = y->sim;
	const struct sim_sa *tx = &y->tx[an];
	struct mka_status st;

	mka_participant_status(s->node[y->node].p, s->now, &st);
	for (unsigned int i = 0; i < st.n_live; i++) {
		unsigned int j = (unsigned int)((st.peer[i].sci >> 16) & 0xff) - 1;
		const struct sim_sa *rx;

		if (!rx_find(y, st.peer[i].sci, an))
			s->order_violations++;
		if (y->encoding_switches == 0)
			continue;   /* the first SAK: the Controlled Port was closed until now */
		if (j >= s->n || !s->node[j].up)
			continue;
		rx = rx_find(&s->node[j].secy, sim_sci(y->node), an);
		if (!rx || !rx->enabled || rx->key.key_len != tx->key.key_len ||
		    memcmp(rx->key.key, tx->key.key, tx->key.key_len) != 0)
			s->hitless_violations++;
	}
}

static int f_tx_sa_enable(void *ctx, uint8_t an, bool enable)
{
	struct fake_secy *y = ctx;

	if (!y->tx[an].used)
		return -ENOENT;
	y->tx[an].enabled = enable;
	log_ev(y, SIM_TX_SA_ENABLE, 0, an, y->tx[an].key.ki.kn);
	return 0;
}

static int f_tx_set_encoding_an(void *ctx, uint8_t an)
{
	struct fake_secy *y = ctx;

	if (!y->tx[an].used || !y->tx[an].enabled)
		return -EINVAL;
	check_switch(y, an);
	if (y->encoding_an != an)
		y->encoding_switches++;
	y->encoding_an = an;
	log_ev(y, SIM_TX_ENCODING, 0, an, y->tx[an].key.ki.kn);
	return 0;
}

static int f_tx_sa_delete(void *ctx, uint8_t an)
{
	struct fake_secy *y = ctx;

	if (!y->tx[an].used)
		return -ENOENT;
	log_ev(y, SIM_TX_SA_DELETE, 0, an, y->tx[an].key.ki.kn);
	memset(&y->tx[an], 0, sizeof(y->tx[an]));
	if (y->encoding_an == an)
		y->encoding_an = -1;
	return 0;
}

static int f_tx_sa_get_next_pn(void *ctx, uint8_t an, uint64_t *next_pn)
{
	struct fake_secy *y = ctx;

	if (!y->tx[an].used)
		return -ENOENT;
	*next_pn = y->tx[an].pn;
	return 0;
}

static int f_rx_sa_set_lowest_pn(void *ctx, uint64_t sci, uint8_t an, uint64_t lowest_pn)
{
	struct sim_sa *sa = rx_find(ctx, sci, an);

	if (!sa)
		return -ENOENT;
	sa->pn = lowest_pn;
	return 0;
}

static int f_port_set(void *ctx, const struct mka_port_ctl *c)
{
	struct fake_secy *y = ctx;

	y->port = *c;
	log_ev(y, SIM_PORT, 0, 0, c->controlled_port_enabled);
	return 0;
}

static const struct mka_secy_ops fake_ops = {
	.rx_sc_create = f_rx_sc_create,
	.rx_sc_delete = f_rx_sc_delete,
	.rx_sa_install = f_rx_sa_install,
	.rx_sa_enable = f_rx_sa_enable,
	.rx_sa_delete = f_rx_sa_delete,
	.tx_sa_install = f_tx_sa_install,
	.tx_sa_enable = f_tx_sa_enable,
	.tx_set_encoding_an = f_tx_set_encoding_an,
	.tx_sa_delete = f_tx_sa_delete,
	.tx_sa_get_next_pn = f_tx_sa_get_next_pn,
	.rx_sa_set_lowest_pn = f_rx_sa_set_lowest_pn,
	.port_set = f_port_set,
};

/* ---------------------------------------------------------------- the wire */

struct node_ctx {
	struct sim *s;
	unsigned int i;
};
static struct node_ctx node_ctxs[SIM_MAX_NODES];

static int n_send(void *ctx, const uint8_t *frame, size_t len)
{
	struct node_ctx *c = ctx;
	struct sim *s = c->s;
	struct sim_frame *f;

	assert_true(len <= sizeof(s->q[0].b));
	assert_true(s->q_tail - s->q_head < SIM_QUEUE);
	f = &s->q[s->q_tail++ % SIM_QUEUE];
	f->from = c->i;
	f->len = len;
	memcpy(f->b, frame, len);
	s->last[c->i] = *f;
	if (s->capture && s->n_capture < s->capture_cap)
		s->capture[s->n_capture++] = *f;
	return 0;
}

static int n_random(void *ctx, uint8_t *buf, size_t len)
{
	struct node_ctx *c = ctx;

	tu_rng_bytes(&c->s->node[c->i].rng, buf, len);
	return 0;
}

uint64_t sim_sci(unsigned int i)
{
	return 0x0200000000000000ull | (uint64_t)(i + 1) << 16 | 1;
}

void sim_init(struct sim *s, unsigned int n)
{
	assert_true(n <= SIM_MAX_NODES);
	memset(s, 0, sizeof(*s));
	s->n = n;
	s->now = 1000;
	for (unsigned int i = 0; i < n; i++) {
		struct sim_node *d = &s->node[i];
		struct mka_config *c = &d->cfg;

		node_ctxs[i] = (struct node_ctx){ s, i };
		d->rng.s = 0x9e3779b97f4a7c15ull * (i + 1);
		d->secy.sim = s;
		d->secy.node = i;
		d->secy.encoding_an = -1;
		c->cak_len = 16;
		for (unsigned int k = 0; k < 16; k++)
			c->cak[k] = (uint8_t)(0x10 + k);
		c->ckn_len = 16;
		for (unsigned int k = 0; k < 16; k++)
			c->ckn[k] = (uint8_t)(0xc0 + k);
		c->sci = sim_sci(i);
		c->key_server_priority = 16;
		c->cipher_suite = MKA_CS_GCM_AES_128;
		c->conf_offset = MKA_CO_0;
		c->policy = MKA_POLICY_MUST_SECURE;
		c->capability = MKA_CAP_CONF_0_30_50;
		c->send_frame = n_send;
		c->random = n_random;
		c->cb_ctx = &node_ctxs[i];
		c->secy = &fake_ops;
		c->secy_ctx = &d->secy;
	}
}

void sim_start(struct sim *s, unsigned int i)
{
	struct sim_node *d = &s->node[i];

	assert_false(d->up);
	assert_int_equal(mka_participant_create(&d->p, &d->cfg, s->now), 0);
	d->up = true;
	d->next_tick = s->now;
}

void sim_start_all(struct sim *s)
{
	for (unsigned int i = 0; i < s->n; i++)
		sim_start(s, i);
}

void sim_stop(struct sim *s, unsigned int i)
{
	mka_participant_destroy(s->node[i].p);
	s->node[i].p = NULL;
	s->node[i].up = false;
}

int sim_inject(struct sim *s, unsigned int to, const uint8_t *frame, size_t len)
{
	int rc = mka_participant_rx(s->node[to].p, frame, len, s->now);

	s->node[to].next_tick = s->now;
	return rc;
}

static void deliver(struct sim *s)
{
	for (unsigned int guard = 0; s->q_head != s->q_tail; guard++) {
		struct sim_frame f = s->q[s->q_head++ % SIM_QUEUE];

		assert_true(guard < 10000);   /* no MKPDU storms */
		if (s->node[f.from].silent)
			continue;
		for (unsigned int to = 0; to < s->n; to++) {
			uint8_t b[sizeof(f.b)];
			size_t len = f.len;

			if (to == f.from || !s->node[to].up || s->node[to].deaf)
				continue;
			memcpy(b, f.b, len);
			if (s->filter && !s->filter(s, f.from, to, b, &len))
				continue;
			mka_participant_rx(s->node[to].p, b, len, s->now);
			s->node[to].next_tick = s->now;
		}
	}
}

void sim_run(struct sim *s, uint64_t ms)
{
	uint64_t end = s->now + ms;

	for (;;) {
		uint64_t next = UINT64_MAX;

		deliver(s);
		for (unsigned int i = 0; i < s->n; i++)
			if (s->node[i].up && s->node[i].next_tick < next)
				next = s->node[i].next_tick;
		if (next > end)
			break;
		if (next > s->now)
			s->now = next;
		for (unsigned int i = 0; i < s->n; i++) {
			struct sim_node *d = &s->node[i];

			if (d->up && d->next_tick <= s->now) {
				d->next_tick = mka_participant_tick(d->p, s->now);
				assert_true(d->next_tick > s->now);
			}
		}
	}
	s->now = end;
}

void sim_fini(struct sim *s)
{
	for (unsigned int i = 0; i < s->n; i++) {
		if (!s->node[i].up)
			continue;
		sim_stop(s, i);
		/* destroy takes down every SA and SC it made */
		assert_int_equal(s->node[i].secy.n_rx_sc, 0);
		for (unsigned int k = 0; k < SIM_MAX_RX_SA; k++)
			assert_false(s->node[i].secy.rx[k].used);
		for (unsigned int a = 0; a < 4; a++)
			assert_false(s->node[i].secy.tx[a].used);
	}
	free(s->capture);
	s->capture = NULL;
}

/* ---------------------------------------------------------------- queries */

void sim_status(struct sim *s, unsigned int i, struct mka_status *st)
{
	mka_participant_status(s->node[i].p, s->now, st);
}

const struct sim_sa *sim_tx(struct sim *s, unsigned int i)
{
	struct fake_secy *y = &s->node[i].secy;

	if (y->encoding_an < 0 || !y->tx[y->encoding_an].enabled)
		return NULL;
	return &y->tx[y->encoding_an];
}

const struct sim_sa *sim_rx(struct sim *s, unsigned int i, uint64_t sci, uint8_t an)
{
	const struct sim_sa *sa = rx_find(&s->node[i].secy, sci, an);

	return sa && sa->enabled ? sa : NULL;
}

bool sim_secured(struct sim *s, unsigned int i)
{
	const struct sim_sa *tx = sim_tx(s, i);
	struct mka_status st;

	if (!s->node[i].up || !tx)
		return false;
	sim_status(s, i, &st);
	if (!st.secured || !s->node[i].secy.port.controlled_port_enabled ||
	    !s->node[i].secy.port.protect_frames)
		return false;
	/* every other up node receives what this one sends */
	for (unsigned int j = 0; j < s->n; j++) {
		const struct sim_sa *rx;

		if (j == i || !s->node[j].up || s->node[j].silent || s->node[j].deaf)
			continue;
		rx = sim_rx(s, j, sim_sci(i), tx->an);
		if (!rx || memcmp(rx->key.key, tx->key.key, tx->key.key_len) != 0 ||
		    rx->key.ssci != tx->key.ssci || memcmp(rx->key.salt, tx->key.salt, 12) != 0)
			return false;
	}
	return true;
}

bool sim_all_secured(struct sim *s)
{
	for (unsigned int i = 0; i < s->n; i++)
		if (s->node[i].up && !s->node[i].silent && !s->node[i].deaf && !sim_secured(s, i))
			return false;
	return true;
}

unsigned int sim_count_events(struct sim *s, unsigned int i, enum sim_op op)
{
	unsigned int n = 0;

	for (unsigned int k = 0; k < s->node[i].secy.n_ev; k++)
		n += s->node[i].secy.ev[k].op == op;
	return n;
}

const struct mka_counters *sim_cnt(struct sim *s, unsigned int i)
{
	return mka_participant_counters(s->node[i].p);
}

int sim_write_pcap(struct sim *s, const char *path)
{
	FILE *f = fopen(path, "wb");
	uint32_t hdr[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };

	if (!f)
		return -errno;
	fwrite(hdr, sizeof(hdr), 1, f);
	for (unsigned int i = 0; i < s->n_capture; i++) {
		uint32_t rec[4] = { i, 0, (uint32_t)s->capture[i].len, (uint32_t)s->capture[i].len };

		fwrite(rec, sizeof(rec), 1, f);
		fwrite(s->capture[i].b, 1, s->capture[i].len, f);
	}
	return fclose(f) ? -EIO : 0;
}

size_t sim_craft(struct sim *s, unsigned int i, const struct sim_frame *f,
		 void (*edit)(struct mka_mkpdu *m, void *arg), void *arg, uint8_t *out)
{
	static struct mka_mkpdu m;
	const struct mka_config *c = &s->node[i].cfg;
	enum mka_decode_err why;
	uint8_t ick[32];
	size_t len;

	assert_int_equal(mka_mkpdu_decode(f->b, f->len, c->eapol_ethertype ? c->eapol_ethertype :
					  MKA_ETHERTYPE_EAPOL, &m, &why), 0);
	if (edit)
		edit(&m, arg);
	assert_int_equal(mka_mkpdu_encode(&m, out, MKA_MKPDU_MAX_FRAME, &len), 0);
	assert_int_equal(mka_ick_derive(c->cak, c->cak_len, c->ckn, c->ckn_len, ick), 0);
	assert_int_equal(mka_icv_compute(ick, c->cak_len, out, m.icv_off, m.tag_len,
					 out + m.icv_off), 0);
	return len;
}
