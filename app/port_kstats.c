/* SPDX-License-Identifier: BSD-3-Clause */
/* The kernel's ring drops of net_af_packet ports, which DPDK 22.11's PMD does not report. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/if_packet.h>

#include <rte_ethdev.h>
#include <rte_log.h>

#include "gw.h"

/* Is @p fd one of the ports already given (two vdevs on one interface)? */
static bool fd_claimed(const struct gw *gw, int fd)
{
	for (unsigned int i = 0; i < gw->n_links; i++) {
		const struct gw_port_kstats *k[2] = { &gw->links[i].plain_ks, &gw->links[i].prot_ks };

		for (unsigned int j = 0; j < 2; j++)
			for (unsigned int q = 0; q < k[j]->n_fd; q++)
				if (k[j]->fd[q] == fd)
					return true;
	}
	return false;
}

/*
 * Find the AF_PACKET sockets of an af_packet port: the PMD binds one per queue pair to the
 * interface (dev_info.if_index) and keeps the descriptors to itself, so look for them among
 * this process's own. Any other port: nothing to do.
 */
int gw_port_kstats_init(struct gw *gw, uint16_t port, struct gw_port_kstats *ks)
{
	struct rte_eth_dev_info info;
	struct dirent *e;
	DIR *d;

	memset(ks, 0, sizeof(*ks));
	if (rte_eth_dev_info_get(port, &info) != 0 || info.driver_name == NULL ||
	    strcmp(info.driver_name, "net_af_packet") != 0 || info.if_index == 0)
		return 0;
	d = opendir("/proc/self/fd");
	if (d == NULL)
		return -errno;
	while ((e = readdir(d)) != NULL && ks->n_fd < GW_KSTATS_MAX_FD) {
		struct sockaddr_ll sll;
		socklen_t len = sizeof(sll);
		int fd, dom;
		socklen_t dlen = sizeof(dom);
		struct stat st;
		char *end;

		fd = (int)strtol(e->d_name, &end, 10);
		if (*end != '\0' || fd == dirfd(d) || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &dlen) != 0 || dom != AF_PACKET)
			continue;
		if (getsockname(fd, (struct sockaddr *)&sll, &len) != 0 ||
		    sll.sll_ifindex != (int)info.if_index || fd_claimed(gw, fd))
			continue;
		ks->fd[ks->n_fd++] = fd;
	}
	closedir(d);
	if (ks->n_fd != info.max_rx_queues)
		RTE_LOG(WARNING, USER1, "port %u: found %u of its %u AF_PACKET sockets: its kernel "
			"drops are counted for those only\n", port, ks->n_fd, info.max_rx_queues);
	/* Start from zero: what the kernel counted before the port was ours is not. */
	gw_port_kstats_drops(ks);
	ks->drops = 0;
	return 0;
}

/*
 * Frames the kernel dropped because a socket's ring was full (PACKET_STATISTICS), summed
 * since start. Reading the kernel's counters resets them, so every read adds what it got;
 * the kernel hands each drop to one reader, and the sum is atomic, so the control lcore
 * and the telemetry thread may both call this.
 */
uint64_t gw_port_kstats_drops(struct gw_port_kstats *ks)
{
	for (unsigned int q = 0; q < ks->n_fd; q++) {
		struct tpacket_stats st;
		socklen_t len = sizeof(st);

		if (getsockopt(ks->fd[q], SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
			__atomic_add_fetch(&ks->drops, st.tp_drops, __ATOMIC_RELAXED);
	}
	return __atomic_load_n(&ks->drops, __ATOMIC_RELAXED);
}
