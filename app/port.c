/* SPDX-License-Identifier: BSD-3-Clause */
/* Ports: any DPDK port by PCI address or vdev string; queues, RSS, MTU, one mempool. */
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include "gw.h"
#include "sectag.h"

#define MBUF_CACHE 256

static bool is_pci_addr(const char *s)
{
	regex_t re;
	bool ok;

	if (regcomp(&re, "^([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]$",
		    REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	ok = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

/* Find (probing a vdev when needed) the port for @p dev. */
static int port_resolve(const char *dev, uint16_t *port, char *err, size_t err_len)
{
	char name[RTE_ETH_NAME_MAX_LEN];
	size_t n = strcspn(dev, ",");
	int rc;

	if (is_pci_addr(dev)) {
		if (rte_eth_dev_get_port_by_name(dev, port) == 0)
			return 0;
		snprintf(err, err_len, "port %s: no such PCI device bound to a DPDK driver", dev);
		return -ENODEV;
	}
	if (n >= sizeof(name)) {
		snprintf(err, err_len, "port %s: device name too long", dev);
		return -EINVAL;
	}
	memcpy(name, dev, n);
	name[n] = '\0';
	if (rte_eth_dev_get_port_by_name(name, port) == 0)
		return 0;       /* given on the EAL command line */
	rc = rte_dev_probe(dev);
	if (rc < 0 || rte_eth_dev_get_port_by_name(name, port) != 0) {
		/* A device the configuration names but EAL cannot make: a config error. */
		snprintf(err, err_len, "port %s: cannot probe vdev (%s)", dev,
			 rc < 0 ? strerror(-rc) : "no ethdev by that name");
		return -ENODEV;
	}
	return 0;
}

/*
 * RX queues to configure on a port. net_af_packet spreads received frames over all its
 * qpairs sockets (PACKET_FANOUT by flow hash) whatever the application configures, so
 * every one of them must be polled: take its queue-pair count.
 */
static uint16_t port_nb_rxq(uint16_t port, uint16_t want)
{
	struct rte_eth_dev_info info;

	if (rte_eth_dev_info_get(port, &info) == 0 && info.driver_name != NULL &&
	    strcmp(info.driver_name, "net_af_packet") == 0)
		return info.max_rx_queues;
	return want;
}

static int port_setup(struct gw *gw, uint16_t port, uint16_t nb_rxq, uint16_t nb_txq,
		      const struct gw_port_conf *pc, uint16_t mtu, char *err, size_t err_len)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t rxd = pc->rx_desc ? pc->rx_desc : 1024, txd = pc->tx_desc ? pc->tx_desc : 1024;
	int rc, socket = rte_eth_dev_socket_id(port);

	memset(&conf, 0, sizeof(conf));
	rc = rte_eth_dev_info_get(port, &info);
	if (rc != 0)
		goto fail;
	if (nb_rxq > info.max_rx_queues || nb_txq > info.max_tx_queues) {
		snprintf(err, err_len, "port %s: needs %u RX / %u TX queues, device has %u / %u",
			 pc->dev, nb_rxq, nb_txq, info.max_rx_queues, info.max_tx_queues);
		return -EINVAL;
	}
	if (nb_rxq > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads &
			(RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP);
	}
	if (info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS)
		conf.txmode.offloads |= RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	rc = rte_eth_dev_configure(port, nb_rxq, nb_txq, &conf);
	if (rc != 0)
		goto fail;
	rte_eth_dev_adjust_nb_rx_tx_desc(port, &rxd, &txd);
	/* Best effort: virtual devices often have no MTU to set. */
	rc = rte_eth_dev_set_mtu(port, mtu);
	if (rc != 0 && rc != -ENOTSUP)
		RTE_LOG(WARNING, USER1, "port %s: cannot set MTU %u (%s)\n", pc->dev, mtu,
			strerror(-rc));
	for (uint16_t q = 0; q < nb_rxq; q++) {
		rc = rte_eth_rx_queue_setup(port, q, rxd, (unsigned int)socket, NULL, gw->pool);
		if (rc != 0)
			goto fail;
	}
	for (uint16_t q = 0; q < nb_txq; q++) {
		rc = rte_eth_tx_queue_setup(port, q, txd, (unsigned int)socket, NULL);
		if (rc != 0)
			goto fail;
	}
	rc = rte_eth_promiscuous_enable(port);
	if (rc != 0 && rc != -ENOTSUP)
		goto fail;
	rc = rte_eth_dev_start(port);
	if (rc != 0)
		goto fail;
	return 0;
fail:
	snprintf(err, err_len, "port %s: setup failed (%s)", pc->dev, strerror(rc < 0 ? -rc : rc));
	return rc < 0 ? rc : -EIO;
}

int gw_ports_init(struct gw *gw, char *err, size_t err_len)
{
	unsigned int nb_mbuf = 0;
	uint16_t data_room = RTE_MBUF_DEFAULT_BUF_SIZE;
	/* One TX queue per worker; the control lcore hands its frames to a worker (ctrl.c). */
	uint16_t ntxq = (uint16_t)gw->n_workers;

	for (unsigned int i = 0; i < gw->n_links; i++) {
		struct gw_link *l = &gw->links[i];
		const struct gw_link_conf *lc = l->conf;
		unsigned int rxd = lc->plain.rx_desc ? lc->plain.rx_desc : 1024;
		unsigned int txd = lc->plain.tx_desc ? lc->plain.tx_desc : 1024;
		unsigned int need = (unsigned int)lc->secy.mtu + RTE_ETHER_HDR_LEN + 64 + RTE_PKTMBUF_HEADROOM;
		int rc;

		rc = port_resolve(lc->plain.dev, &l->plain_port, err, err_len);
		if (rc == 0)
			rc = port_resolve(lc->protected_.dev, &l->prot_port, err, err_len);
		if (rc != 0)
			return rc;
		if (l->plain_port == l->prot_port) {
			snprintf(err, err_len, "link %s: plain and protected are the same port", lc->name);
			return -EINVAL;
		}
		if (need > data_room)
			data_room = (uint16_t)RTE_MIN(need, 65535u);
		l->plain_nrxq = port_nb_rxq(l->plain_port, lc->plain.rx_queues ? lc->plain.rx_queues :
					    (uint16_t)gw->n_workers);
		l->prot_nrxq = port_nb_rxq(l->prot_port, lc->protected_.rx_queues ?
					   lc->protected_.rx_queues : 1);
		if ((l->plain_nrxq + l->prot_nrxq) * (i + 1) > GW_MAX_RXQ_PER_WORKER / 2 ||
		    l->plain_nrxq > 16 || l->prot_nrxq > 16) {
			snprintf(err, err_len, "link %s: %u + %u RX queues: at most 16 per port",
				 lc->name, l->plain_nrxq, l->prot_nrxq);
			return -EINVAL;
		}
		/* Every descriptor may hold an mbuf, plus bursts in flight and caches. */
		nb_mbuf += (rxd + txd) * (l->plain_nrxq + l->prot_nrxq + 2u * ntxq);
	}
	nb_mbuf += gw->n_workers * GW_BURST * 4 + (gw->n_workers + 1) * MBUF_CACHE * 2;
	if (gw->conf.mbufs != 0)
		nb_mbuf = gw->conf.mbufs;
	gw->pool = rte_pktmbuf_pool_create("gw_mbufs", nb_mbuf, MBUF_CACHE, 0, data_room,
					   (int)rte_socket_id());
	if (gw->pool == NULL) {
		snprintf(err, err_len, "mempool of %u mbufs x %u octets: %s", nb_mbuf, data_room,
			 rte_strerror(rte_errno));
		return -ENOMEM;
	}
	RTE_LOG(INFO, USER1, "mempool: %u mbufs of %u octets (%.1f MiB)\n", nb_mbuf, data_room,
		(double)nb_mbuf * (data_room + sizeof(struct rte_mbuf)) / (1024.0 * 1024.0));

	for (unsigned int i = 0; i < gw->n_links; i++) {
		struct gw_link *l = &gw->links[i];
		const struct gw_link_conf *lc = l->conf;
		int rc;

		/*
		 * The plain side carries what fits once SecTAG, ICV and clear tags are added. Without
		 * SCB an SCI-less SecTAG gets the SCI while the link has several peers
		 * (tx_hdr_get() in lib/macsec/protect.c): size for that.
		 */
		const struct macsec_secy_conf *sc = &lc->secy;
		bool sci = sc->include_sci || !sc->use_scb;
		uint16_t grow = (uint16_t)((sci ? MACSEC_SECTAG_LEN_SCI : MACSEC_SECTAG_LEN_NOSCI) +
					   MACSEC_ICV_LEN + 4u * sc->vlan_tags_in_clear);

		rc = port_setup(gw, l->plain_port, l->plain_nrxq, ntxq, &lc->plain,
				(uint16_t)(lc->secy.mtu - grow), err, err_len);
		if (rc == 0)
			rc = port_setup(gw, l->prot_port, l->prot_nrxq, ntxq, &lc->protected_,
					lc->secy.mtu, err, err_len);
		if (rc != 0)
			return rc;
		rc = gw_port_kstats_init(gw, l->plain_port, &l->plain_ks);
		if (rc == 0)
			rc = gw_port_kstats_init(gw, l->prot_port, &l->prot_ks);
		if (rc != 0) {
			snprintf(err, err_len, "link %s: cannot read /proc/self/fd (%s)", lc->name,
				 strerror(-rc));
			return rc;
		}
		rte_eth_macaddr_get(l->prot_port, &l->prot_mac);
	}
	return 0;
}

void gw_ports_stop(struct gw *gw)
{
	for (unsigned int i = 0; i < gw->n_links; i++) {
		struct gw_link *l = &gw->links[i];

		rte_eth_dev_stop(l->plain_port);
		rte_eth_dev_stop(l->prot_port);
		rte_eth_dev_close(l->plain_port);
		rte_eth_dev_close(l->prot_port);
	}
}
