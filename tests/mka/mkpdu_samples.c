/* SPDX-License-Identifier: BSD-3-Clause */
/* Sample MKPDUs for the codec tests and the tshark check: one per shape the engine sends. */
#include <string.h>

#include "mkpdu_samples.h"

static const uint8_t pae_group[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x03 };
static const uint8_t src_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

static void base(struct mka_mkpdu *m, uint8_t ckn_len)
{
	memset(m, 0, sizeof(*m));
	memcpy(m->dst, pae_group, 6);
	memcpy(m->src, src_mac, 6);
	m->ethertype = MKA_ETHERTYPE_EAPOL;
	m->eapol_version = 3;
	m->basic.version = 3;
	m->basic.priority = 16;
	m->basic.key_server = true;
	m->basic.macsec_desired = true;
	m->basic.capability = MKA_CAP_CONF_0_30_50;
	m->basic.sci = 0x0200000000010001ull;
	for (unsigned int i = 0; i < MKA_MI_LEN; i++)
		m->basic.mi[i] = (uint8_t)(0xa0 + i);
	m->basic.mn = 7;
	m->basic.algorithm_agility = MKA_ALGORITHM_AGILITY;
	m->basic.ckn_len = ckn_len;
	for (unsigned int i = 0; i < ckn_len; i++)
		m->basic.ckn[i] = (uint8_t)(0x11 * (i + 1));
}

static void peers(struct mka_peer_list *l, unsigned int n, uint8_t seed)
{
	l->n = (uint16_t)n;
	for (unsigned int i = 0; i < n; i++) {
		for (unsigned int k = 0; k < MKA_MI_LEN; k++)
			l->peer[i].mi[k] = (uint8_t)(seed + i * 16 + k);
		l->peer[i].mn = 1000 + i;
	}
}

static void sak_use(struct mka_sak_use *s, const uint8_t *ks_mi)
{
	s->has_keys = true;
	s->lan = 2;
	s->ltx = true;
	s->lrx = true;
	s->oan = 1;
	s->otx = false;
	s->orx = true;
	s->ptx = false;
	s->prx = false;
	memcpy(s->lki.mi, ks_mi, MKA_MI_LEN);
	s->lki.kn = 5;
	s->llpn = 0x1234;
	memcpy(s->oki.mi, ks_mi, MKA_MI_LEN);
	s->oki.kn = 4;
	s->olpn = 0xc0000001u;
}

static void dist_sak(struct mka_dist_sak *d, enum mka_cipher_suite cs)
{
	d->an = 2;
	d->conf_offset = MKA_CO_0;
	d->kn = 5;
	d->cs = cs;
	d->wrapped_len = (uint8_t)(mka_cs_key_len(cs) + MKA_WRAP_OVERHEAD);
	for (unsigned int i = 0; i < d->wrapped_len; i++)
		d->wrapped[i] = (uint8_t)(0x40 + i);
}

const char *mkpdu_sample(unsigned int i, struct mka_mkpdu *m)
{
	switch (i) {
	case 0:   /* first hello: nobody heard yet */
		base(m, 16);
		return "hello";
	case 1:   /* a potential peer, odd CKN length (padding), ICV Indicator */
		base(m, 5);
		m->present = MKA_HAS_POTENTIAL_PEERS | MKA_HAS_ICV_INDICATOR;
		peers(&m->potential, 1, 0x10);
		return "potential+icv-indicator";
	case 2:   /* key server distributing a GCM-AES-128 SAK (28-octet body, as wpa_supplicant) */
		base(m, 16);
		m->present = MKA_HAS_LIVE_PEERS | MKA_HAS_SAK_USE | MKA_HAS_DIST_SAK;
		peers(&m->live, 2, 0x20);
		sak_use(&m->sak_use, m->basic.mi);
		dist_sak(&m->dist_sak, MKA_CS_GCM_AES_128);
		return "dist-sak-gcm-aes-128";
	case 3:   /* GCM-AES-256 SAK with the Cipher Suite field */
		base(m, 32);
		m->present = MKA_HAS_LIVE_PEERS | MKA_HAS_POTENTIAL_PEERS | MKA_HAS_SAK_USE |
			     MKA_HAS_DIST_SAK;
		peers(&m->live, 3, 0x30);
		peers(&m->potential, 1, 0x90);
		sak_use(&m->sak_use, m->basic.mi);
		dist_sak(&m->dist_sak, MKA_CS_GCM_AES_256);
		return "dist-sak-gcm-aes-256";
	case 4:   /* XPN: Key Server SSCI in the Live Peer List, XPN parameter set */
		base(m, 16);
		m->present = MKA_HAS_LIVE_PEERS | MKA_HAS_SAK_USE | MKA_HAS_DIST_SAK | MKA_HAS_XPN;
		peers(&m->live, 2, 0x40);
		m->live.key_server_ssci = 2;
		sak_use(&m->sak_use, m->basic.mi);
		dist_sak(&m->dist_sak, MKA_CS_GCM_AES_XPN_256);
		m->xpn.llpn_high = 1;
		m->xpn.olpn_high = 0;
		return "dist-sak-xpn-256";
	case 5:   /* non key server in steady state */
		base(m, 16);
		m->basic.key_server = false;
		m->basic.priority = 255;
		m->present = MKA_HAS_LIVE_PEERS | MKA_HAS_SAK_USE;
		peers(&m->live, 8, 0x50);
		sak_use(&m->sak_use, m->live.peer[0].mi);
		return "steady-8-peers";
	case 6:   /* MACsec not in use: empty SAK Use, plain-text Distributed SAK */
		base(m, 16);
		m->present = MKA_HAS_LIVE_PEERS | MKA_HAS_SAK_USE | MKA_HAS_DIST_SAK;
		peers(&m->live, 1, 0x60);
		m->sak_use.ptx = true;
		m->sak_use.prx = true;
		m->dist_sak.plain = true;
		return "plain";
	case 7:   /* announcement of cipher suites */
		base(m, 16);
		m->present = MKA_HAS_ANNOUNCEMENT;
		m->ann.n_cs = 4;
		for (unsigned int k = 0; k < 4; k++) {
			m->ann.cs[k].capability = MKA_CAP_CONF_0_30_50;
			m->ann.cs[k].id = mka_cs_id((enum mka_cipher_suite)k);
		}
		return "announcement";
	case 8:   /* 802.1Q-tagged, non-default EtherType and destination */
		base(m, 16);
		m->vlan = true;
		m->vlan_tci = 100;
		m->dst[5] = 0x00;
		m->present = MKA_HAS_LIVE_PEERS;
		peers(&m->live, 1, 0x70);
		return "vlan";
	default:  /* the parameter sets we only decode: Distributed CAK, KMD */
		base(m, 16);
		m->present = MKA_HAS_DIST_CAK | MKA_HAS_KMD;
		memset(m->dist_cak.wrapped, 0x77, sizeof(m->dist_cak.wrapped));
		m->dist_cak.ckn_len = 3;
		memcpy(m->dist_cak.ckn, "abc", 3);
		/* 4-aligned: Wireshark's KMD dissector does not skip padding (we never send KMD) */
		m->kmd.len = 12;
		memcpy(m->kmd.kmd, "example.net0", 12);
		return "dist-cak+kmd";
	}
}
