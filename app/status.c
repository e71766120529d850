/* SPDX-License-Identifier: BSD-3-Clause */
/* The JSON documents served on the control socket and as telemetry: status, stats, config. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <unistd.h>

#include <jansson.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mempool.h>
#include <rte_version.h>

#include "gw.h"
#include "pn.h"

#define GW_VERSION "0.1.0"

static json_t *hex64(uint64_t v)
{
	char s[17];

	snprintf(s, sizeof(s), "%016" PRIx64, v);
	return json_string(s);
}

static json_t *hexbytes(const uint8_t *p, size_t n)
{
	char s[2 * 32 + 1];

	for (size_t i = 0; i < n && i < 32; i++)
		snprintf(s + 2 * i, 3, "%02x", p[i]);
	s[2 * (n < 32 ? n : 32)] = '\0';
	return json_string(s);
}

static json_t *u64(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static const char *port_name(uint16_t port, char *buf, size_t len)
{
	if (rte_eth_dev_get_name_by_port(port, buf) != 0)
		snprintf(buf, len, "port%u", port);
	return buf;
}

static bool link_secured(const struct gw_link *l)
{
	const struct macsec_secy *s = l->secy;
	uint8_t an = __atomic_load_n(&s->encoding_an, __ATOMIC_ACQUIRE);
	const struct macsec_sa *sa = __atomic_load_n(&s->tx_sa[an], __ATOMIC_ACQUIRE);

	/* Frames cross protected: the Controlled Port is open and a TX SA is in use. */
	return l->port_enabled && s->conf.protect_frames && sa != NULL && sa->active &&
	       !sa->exhausted;
}

/* The packet mempool: a flat in_use under steady traffic means no allocation on the hot path. */
static json_t *mempool_json(const struct rte_mempool *mp)
{
	unsigned int avail = rte_mempool_avail_count(mp);

	return json_pack("{s:s,s:I,s:I,s:I,s:I,s:I}", "name", mp->name,
		"size", (json_int_t)mp->size, "in_use", (json_int_t)(mp->size - avail),
		"available", (json_int_t)avail, "cache_size", (json_int_t)mp->cache_size,
		"elt_size", (json_int_t)mp->elt_size);
}

/* Current resident memory (not the peak), from /proc/self/statm; -1 if unreadable. */
static json_int_t resident_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size, rss;
	int n = f != NULL ? fscanf(f, "%ld %ld", &size, &rss) : 0;

	if (f != NULL)
		fclose(f);
	return n == 2 ? (json_int_t)rss * (json_int_t)(sysconf(_SC_PAGESIZE) / 1024) : -1;
}

json_t *gw_json_status(struct gw *gw)
{
	json_t *links = json_array(), *workers = json_array();
	char a[RTE_ETH_NAME_MAX_LEN], b[RTE_ETH_NAME_MAX_LEN];

	for (unsigned int i = 0; i < gw->n_links; i++) {
		struct gw_link *l = &gw->links[i];
		struct rte_eth_link pl, xl;
		uint16_t pm = 0, xm = 0;

		rte_eth_link_get_nowait(l->plain_port, &pl);
		rte_eth_link_get_nowait(l->prot_port, &xl);
		rte_eth_dev_get_mtu(l->plain_port, &pm);
		rte_eth_dev_get_mtu(l->prot_port, &xm);
		json_array_append_new(links, json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:o,s:s,s:b}",
			"name", l->conf->name,
			"plain", port_name(l->plain_port, a, sizeof(a)),
			"protected", port_name(l->prot_port, b, sizeof(b)),
			"plain_link", pl.link_status ? "up" : "down",
			"protected_link", xl.link_status ? "up" : "down",
			"plain_mtu", (int)pm, "protected_mtu", (int)xm,
			"sci", hex64(l->secy->conf.sci),
			"key_agreement", l->conf->ka == GW_KA_MKA ? "mka" : "static",
			"secured", link_secured(l)));
	}
	for (unsigned int i = 0; i < gw->n_workers; i++) {
		struct gw_worker *w = &gw->workers[i];

		json_array_append_new(workers, json_pack("{s:i,s:i,s:o,s:o,s:o}",
			"lcore", (int)w->lcore, "rx_queues", (int)w->n_rxq,
			"loops", u64(w->loops), "idle_loops", u64(w->idle_loops),
			"busy_cycles", u64(w->busy_cycles)));
	}
	return json_pack("{s:s,s:s,s:s,s:f,s:o,s:i,s:o,s:o,s:o,s:I}",
		"version", GW_VERSION, "dpdk", rte_version(), "crypto", gw->aead->name,
		"uptime_s", (double)(rte_get_tsc_cycles() - gw->start_tsc) / (double)rte_get_tsc_hz(),
		"tsc_hz", u64(rte_get_tsc_hz()),
		"control_lcore", (int)gw->conf.control_lcore, "links", links, "workers", workers,
		"mempool", mempool_json(gw->pool), "resident_kib", resident_kib());
}

static json_t *secy_counters(const struct macsec_secy *s)
{
	struct macsec_secy_stats st;

	macsec_secy_stats_sum(s, &st);
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
			 "s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
		"InPktsUntagged", u64(st.in_pkts_untagged), "InPktsNoTag", u64(st.in_pkts_no_tag),
		"InPktsBadTag", u64(st.in_pkts_bad_tag), "InPktsUnknownSCI", u64(st.in_pkts_unknown_sci),
		"InPktsNoSCI", u64(st.in_pkts_no_sci), "InPktsOverrun", u64(st.in_pkts_overrun),
		"InOctetsValidated", u64(st.in_octets_validated),
		"InOctetsDecrypted", u64(st.in_octets_decrypted),
		"OutPktsUntagged", u64(st.out_pkts_untagged), "OutPktsTooLong", u64(st.out_pkts_too_long),
		"OutOctetsProtected", u64(st.out_octets_protected),
		"OutOctetsEncrypted", u64(st.out_octets_encrypted),
		"OutPktsSANotInUse", u64(st.out_pkts_sa_not_in_use),
		"OutPktsPNExhausted", u64(st.out_pkts_pn_exhausted),
		"OutPktsNoRoom", u64(st.out_pkts_no_room), "OutPktsRunt", u64(st.out_pkts_runt),
		"OutPktsCryptoError", u64(st.out_pkts_crypto_error),
		"InPktsNoRoom", u64(st.in_pkts_no_room),
		"InPktsCryptoError", u64(st.in_pkts_crypto_error));
}

static json_t *sa_state(const struct macsec_sa *sa, bool tx)
{
	json_t *o = json_pack("{s:i,s:o,s:b}", "an", sa->an,
			      "next_pn", u64(__atomic_load_n(&sa->next_pn, __ATOMIC_RELAXED)),
			      "active", sa->active != 0);

	if (sa->xpn)
		json_object_set_new(o, "ssci", json_integer(sa->ssci));
	if (tx) {
		struct macsec_tx_sa_stats ts;

		macsec_tx_sa_stats_sum(sa, &ts);
		json_object_set_new(o, "exhausted", json_boolean(sa->exhausted));
		json_object_set_new(o, "pn_threshold_reached", json_boolean(sa->threshold_hit));
		json_object_set_new(o, "OutPktsProtected", u64(ts.out_pkts_protected));
		json_object_set_new(o, "OutPktsEncrypted", u64(ts.out_pkts_encrypted));
	} else {
		struct macsec_rx_sa_stats rs;

		macsec_rx_sa_stats_sum(sa, &rs);
		json_object_set_new(o, "InPktsOK", u64(rs.in_pkts_ok));
		json_object_set_new(o, "InPktsInvalid", u64(rs.in_pkts_invalid));
		json_object_set_new(o, "InPktsNotValid", u64(rs.in_pkts_not_valid));
		json_object_set_new(o, "InPktsNotUsingSA", u64(rs.in_pkts_not_using_sa));
		json_object_set_new(o, "InPktsUnusedSA", u64(rs.in_pkts_unused_sa));
	}
	return o;
}

/* The eight RX SC counters of 802.1AE 10.7.9, by their MIB names. */
static json_t *rx_sc_counters(const struct macsec_rx_sc_stats *cs)
{
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
		"InPktsOK", u64(cs->in_pkts_ok), "InPktsInvalid", u64(cs->in_pkts_invalid),
		"InPktsNotValid", u64(cs->in_pkts_not_valid), "InPktsLate", u64(cs->in_pkts_late),
		"InPktsDelayed", u64(cs->in_pkts_delayed), "InPktsUnchecked", u64(cs->in_pkts_unchecked),
		"InPktsNotUsingSA", u64(cs->in_pkts_not_using_sa),
		"InPktsUnusedSA", u64(cs->in_pkts_unused_sa));
}

/* imissed includes an af_packet port's kernel ring drops (the PMD leaves them out). */
static json_t *port_stats(uint16_t port, struct gw_port_kstats *ks)
{
	struct rte_eth_stats s;
	char name[RTE_ETH_NAME_MAX_LEN];

	memset(&s, 0, sizeof(s));
	rte_eth_stats_get(port, &s);
	s.imissed += gw_port_kstats_drops(ks);
	return json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
		"name", port_name(port, name, sizeof(name)),
		"ipackets", u64(s.ipackets), "opackets", u64(s.opackets),
		"ibytes", u64(s.ibytes), "obytes", u64(s.obytes),
		"imissed", u64(s.imissed), "ierrors", u64(s.ierrors),
		"oerrors", u64(s.oerrors), "rx_nombuf", u64(s.rx_nombuf));
}

static json_t *link_stats(struct gw_link *l)
{
	const struct macsec_secy *s = l->secy;
	const struct macsec_rx_sc_table *t = macsec_secy_rx_scs(s);
	json_t *tx_sas = json_array(), *rx_scs = json_array();
	uint64_t eapol = 0, ring_full = 0, ptx = 0, xtx = 0, closed = 0, mk = 0, mkd = 0, fckn = 0;
	uint64_t kp = 0, kpf = 0;
	json_t *doc;
	struct macsec_secy_stats ssum;
	struct macsec_tx_sa_stats tsum;

	/* The TX SC's totals include SAs a rekey has retired. */
	macsec_secy_stats_sum(s, &ssum);
	tsum.out_pkts_protected = ssum.out_pkts_protected;
	tsum.out_pkts_encrypted = ssum.out_pkts_encrypted;
	for (unsigned int an = 0; an < MACSEC_NUM_AN; an++) {
		const struct macsec_sa *sa = s->tx_sa[an];

		if (sa != NULL)
			json_array_append_new(tx_sas, sa_state(sa, true));
	}
	for (uint32_t i = 0; i < t->n; i++) {
		const struct macsec_rx_sc *sc = t->sc[i];
		struct macsec_rx_sc_stats cs;
		json_t *sas = json_array(), *o;

		macsec_rx_sc_stats_sum(sc, &cs);
		for (unsigned int an = 0; an < MACSEC_NUM_AN; an++)
			if (sc->sa[an] != NULL)
				json_array_append_new(sas, sa_state(sc->sa[an], false));
		o = rx_sc_counters(&cs);

		json_object_set_new(o, "sci", hex64(sc->sci));
		json_object_set_new(o, "active", json_boolean(sc->active != 0));
		json_object_set_new(o, "sa", sas);
		json_array_append_new(rx_scs, o);
	}
	for (unsigned int w = 0; w < MACSEC_MAX_WORKERS; w++) {
		eapol += l->ws[w].eapol_rx;
		ring_full += l->ws[w].eapol_ring_full;
		ptx += l->ws[w].plain_tx_drop;
		xtx += l->ws[w].prot_tx_drop;
		closed += l->ws[w].port_closed_drop;
		mk += l->ws[w].mkpdu_tx;
		mkd += l->ws[w].mkpdu_tx_drop;
		fckn += l->ws[w].eapol_foreign_ckn;
		kp += l->ws[w].eapol_known_peer;
		kpf += l->ws[w].eapol_peer_ring_full;
	}
	doc = json_pack("{s:s,s:o,s:{s:o,s:i,s:o,s:o,s:o},s:o,s:{s:o,s:o,s:o,s:o,s:o},"
			 "s:{s:o,s:o}}",
		"name", l->conf->name, "secy", secy_counters(s),
		"tx_sc", "sci", hex64(s->conf.sci), "encoding_an", s->encoding_an,
		"OutPktsProtected", u64(tsum.out_pkts_protected),
		"OutPktsEncrypted", u64(tsum.out_pkts_encrypted), "sa", tx_sas,
		"rx_sc", rx_scs,
		"gateway", "eapol_rx", u64(eapol), "eapol_ring_full", u64(ring_full),
		"eapol_handled", u64(l->eapol_seen), "plain_tx_drop", u64(ptx),
		"protected_tx_drop", u64(xtx),
		"ports", "plain", port_stats(l->plain_port, &l->plain_ks),
		"protected", port_stats(l->prot_port, &l->prot_ks));
	if (doc != NULL) {
		json_t *g = json_object_get(doc, "gateway");
		struct macsec_rx_sc_stats rt;

		macsec_secy_rx_sc_totals(s, &rt);
		json_object_set_new(doc, "rx_sc_totals", rx_sc_counters(&rt));

		json_object_set_new(g, "port_closed_drop", u64(closed));
		json_object_set_new(g, "mkpdu_tx", u64(mk));
		json_object_set_new(g, "mkpdu_tx_drop", u64(mkd));
		json_object_set_new(g, "eapol_foreign_ckn", u64(fckn));
		json_object_set_new(g, "eapol_known_peer", u64(kp));
		json_object_set_new(g, "eapol_peer_ring_full", u64(kpf));
		json_object_set_new(doc, "mka", gw_mka_link_json(l));
	}
	return doc;
}

json_t *gw_json_stats(struct gw *gw)
{
	json_t *links = json_array();

	for (unsigned int i = 0; i < gw->n_links; i++)
		json_array_append_new(links, link_stats(&gw->links[i]));
	return json_pack("{s:o}", "links", links);
}

static json_t *secy_conf_json(const struct macsec_secy_conf *c)
{
	return json_pack("{s:s,s:b,s:i,s:b,s:b,s:b,s:b,s:i,s:s,s:i,s:i,s:b,s:o}",
		"cipher_suite", macsec_cs_name(c->cipher_suite), "encrypt", c->encrypt,
		"confidentiality_offset", c->confidentiality_offset, "include_sci", c->include_sci,
		"end_station", c->use_es, "scb", c->use_scb, "replay_protect", c->replay_protect,
		"replay_window", (json_int_t)c->replay_window,
		"validate_frames", macsec_validate_name(c->validate_frames), "mtu", c->mtu,
		"vlan_tags_in_clear", c->vlan_tags_in_clear, "protect_frames", c->protect_frames,
		"sci", hex64(c->sci));
}

/* The effective configuration; key material is never included. */
json_t *gw_json_config(struct gw *gw)
{
	json_t *links = json_array(), *workers = json_array();

	for (unsigned int i = 0; i < gw->conf.n_workers; i++)
		json_array_append_new(workers, json_integer(gw->conf.workers[i]));
	for (unsigned int i = 0; i < gw->n_links; i++) {
		const struct gw_link *l = &gw->links[i];
		const struct gw_link_conf *lc = l->conf;
		json_t *ka;

		if (lc->ka == GW_KA_MKA) {
			ka = json_pack("{s:s,s:o,s:i,s:s,s:i,s:i,s:i}", "mode", "mka",
				"ckn", hexbytes(lc->mka.ckn, lc->mka.ckn_len),
				"key_server_priority", lc->mka.key_server_priority,
				"policy", lc->mka.policy == GW_MKA_MUST_SECURE ? "must-secure" : "should-secure",
				"hello_time_ms", (json_int_t)lc->mka.hello_time_ms,
				"sak_rekey_interval_s", (json_int_t)lc->mka.sak_rekey_interval_s,
				"eapol_ethertype", lc->mka.eapol_ethertype);
		} else {
			json_t *rx = json_array();

			for (unsigned int k = 0; k < lc->st.n_rx_sc; k++)
				json_array_append_new(rx, hex64(lc->st.rx_sc[k].sci));
			ka = json_pack("{s:s,s:i,s:i,s:o}", "mode", "static",
				"encoding_an", lc->st.encoding_an, "tx_sas", lc->st.n_tx_sa,
				"rx_scs", rx);
		}
		json_array_append_new(links, json_pack("{s:s,s:s,s:s,s:o,s:o,s:i}",
			"name", lc->name, "plain", lc->plain.dev, "protected", lc->protected_.dev,
			"secy", secy_conf_json(&l->secy->conf), "key_agreement", ka,
			"eapol_ethertype", l->eapol_ethertype));
	}
	return json_pack("{s:s,s:i,s:o,s:i,s:s,s:o}", "socket", gw->conf.socket_path,
		"control_lcore", (int)gw->conf.control_lcore, "workers", workers,
		"idle_sleep_us", (json_int_t)gw->conf.idle_sleep_us, "crypto", gw->aead->name,
		"links", links);
}
