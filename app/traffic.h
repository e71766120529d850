/* SPDX-License-Identifier: BSD-3-Clause */
/* mgw-traffic: what its two files share (options, latency histogram, pcap samples, the gateway's counters). */
#ifndef TRAFFIC_H
#define TRAFFIC_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>
#include <rte_mbuf.h>

#include "secy.h"

#define TRAFFIC_MIN_SIZE 60u
#define TRAFFIC_MAX_SIZE 9000u
#define TRAFFIC_SIZE_IMIX 0u       /* pseudo size: 7:4:1 of 64/594/1518 */
#define TRAFFIC_MAX_SIZES 16u
#define TRAFFIC_MAX_LOADS 8u
#define TRAFFIC_MAX_REPEAT 8u
#define TRAFFIC_PCAP_FRAMES 16u    /* frames of each row written to --pcap-dir */
#define TRAFFIC_SET_FRAMES 4092u   /* frames a row cycles through: a multiple of the IMIX cycle */
#define TRAFFIC_HIST_SUB 32u       /* log-linear latency histogram: 32 steps per octave */
#define TRAFFIC_HIST_BUCKETS (64u * TRAFFIC_HIST_SUB)

enum traffic_dir { DIR_PROTECT = 0, DIR_VALIDATE };

struct traffic_opts {
	const char *plain, *prot;          /* our ports facing the gateway's plain / protected */
	bool clear;                        /* ceiling: the gateway forwards without MACsec */
	const char *cplain, *cprot;        /* paired: ports of a second link without MACsec */
	enum macsec_cipher_suite cs;
	uint64_t gw_sci, peer_sci;
	uint8_t gw_key[MACSEC_KEY_MAX], peer_key[MACSEC_KEY_MAX];
	unsigned int gw_key_len, peer_key_len;
	uint32_t gw_ssci, peer_ssci;
	uint8_t salt[12];
	bool dir[2];
	unsigned int sizes[TRAFFIC_MAX_SIZES], n_sizes;
	double loads[TRAFFIC_MAX_LOADS];   /* latency runs: fractions of the measured rate */
	unsigned int n_loads;
	unsigned int lat_sizes[TRAFFIC_MAX_SIZES], n_lat_sizes;
	double seconds, warmup, lat_seconds;
	const char *pcap_dir;
	const char *ctl;                   /* the gateway's control socket, for its counters */
	bool linger;                       /* after the rows, hold the ports open until SIGTERM */
	int gw_pid;                        /* the gateway, for its worker's CPU time; 0: none */
	unsigned int repeat;               /* saturating rows: best of this many attempts */
	bool resend;                       /* validate: protect a row's frame set once, send it in cycles */
};

/* traffic_aux.c */
extern const char *const traffic_dir_names[2];
void traffic_usage(FILE *f);
/* Options after "--": 0 run, 1 --help shown, 2 bad (message printed). */
int traffic_opts_parse(int argc, char **argv, struct traffic_opts *o);

unsigned int traffic_hist_index(uint64_t v);
/* The @p p quantile (0..1) of @p n values in @p hist, in the histogram's unit; NaN when n is 0. */
double traffic_hist_pct(const uint64_t *hist, uint64_t n, double p);

/* A pcap file (Ethernet) for sample frames: DIR/NAME; NULL if @p dir is NULL or on error. */
FILE *traffic_pcap_open(const char *dir, const char *name);
void traffic_pcap_put(FILE *f, const struct rte_mbuf *m);
void traffic_pcap_put_raw(FILE *f, const uint8_t *frame, uint32_t len);

/* The gateway's status and stats (control socket), @p wait run while the reply is on its way. */
json_t *traffic_gw_snapshot(const char *ctl, void (*wait)(void *), void *ctx);
/* The counters that say who limited a row on link @p link, after minus before. */
json_t *traffic_gw_delta(json_t *before, json_t *after, unsigned int link);

/* The schedstat file of @p pid's (first) worker lcore thread: 0, or -errno. */
int traffic_worker_find(int pid, char *path, size_t len);
/* Time that thread ran on a CPU, ns (0 when unknown). */
uint64_t traffic_schedstat_ns(const char *path);

#endif
