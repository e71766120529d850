/* SPDX-License-Identifier: BSD-3-Clause */
/* Gateway configuration: the YAML file parsed into plain structs, all-or-nothing. */
#ifndef GW_CONFIG_H
#define GW_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "secy.h"

#define GW_MAX_LINKS 8
#define GW_MAX_WORKERS 16
#define GW_MAX_STATIC_RX_SC 16
#define GW_NAME_MAX 32
#define GW_PATH_MAX 256
#define GW_DEV_MAX 256
#define GW_CKN_MAX 32

enum gw_key_agreement { GW_KA_STATIC = 0, GW_KA_MKA };
enum gw_mka_policy { GW_MKA_MUST_SECURE = 0, GW_MKA_SHOULD_SECURE };

struct gw_port_conf {
	char dev[GW_DEV_MAX];      /* PCI address ("0000:3b:00.0") or vdev string ("net_tap0,iface=x") */
	uint16_t rx_queues;        /* default 1 (protected: 1 only, for now) */
	uint16_t rx_desc, tx_desc; /* default 1024, 32..32768 */
	bool spread;               /* protected only: validate its bursts on every worker (default true) */
};

/* One SA as `ip macsec add ... sa AN pn PN on key ID KEY` has it. */
struct gw_sa_conf {
	uint8_t an;
	uint64_t pn;               /* default 1 */
	uint8_t key[MACSEC_KEY_MAX];
	uint8_t key_len;           /* 0 = not set */
	uint32_t ssci;             /* XPN */
	uint8_t salt[12];          /* XPN */
	bool has_ssci, has_salt;
	bool active;               /* default true */
	uint8_t key_id[16];        /* optional, informative (ip macsec "key ID") */
	uint8_t key_id_len;
};

struct gw_rx_sc_conf {
	uint64_t sci;
	uint8_t n_sa;
	struct gw_sa_conf sa[MACSEC_NUM_AN];
};

struct gw_static_conf {
	uint8_t encoding_an;       /* which TX SA is used; default the first listed */
	uint8_t n_tx_sa;
	struct gw_sa_conf tx_sa[MACSEC_NUM_AN];
	uint8_t n_rx_sc;
	struct gw_rx_sc_conf rx_sc[GW_MAX_STATIC_RX_SC];
};

struct gw_mka_conf {
	uint8_t cak[32];
	uint8_t cak_len;           /* 16 or 32 */
	uint8_t ckn[GW_CKN_MAX];
	uint8_t ckn_len;           /* 1..32 */
	uint8_t key_server_priority; /* default 16 */
	uint16_t eapol_ethertype;  /* default 0x888E */
	uint8_t eapol_dest[6];     /* default 01:80:C2:00:00:03 */
	uint16_t eapol_vlan;       /* 0 = untagged MKPDUs, else 1..4094 */
	uint32_t hello_time_ms;    /* default 2000 */
	uint32_t life_time_ms;     /* default 3 x hello_time_ms (6000) */
	uint32_t sak_rekey_interval_s; /* 0 = no timed rekey */
	enum gw_mka_policy policy;
};

struct gw_link_conf {
	char name[GW_NAME_MAX];
	struct gw_port_conf plain, protected_;
	/* sci default: protected port MAC || port_id; mtu (protected port, octets after the
	 * Ethernet header) default 1500 + 32 + 4 per VLAN tag in clear. */
	struct macsec_secy_conf secy;
	bool sci_set;                   /* sci given explicitly in the file */
	uint16_t port_id;               /* SCI port identifier when sci is derived (default 1) */
	bool preserve_order;            /* secy.preserve_order: several workers deliver in arrival
					 * order (default true, docs/threading.md) */
	enum gw_key_agreement ka;
	struct gw_static_conf st;       /* ka == static */
	struct gw_mka_conf mka;         /* ka == mka */
	uint16_t eapol_ethertype;       /* frames diverted to the control lcore (default 0x888E) */
};

struct gw_conf {
	char socket_path[GW_PATH_MAX];  /* default /run/macsec-gw/ctl.sock */
	unsigned int control_lcore;     /* default 0 */
	unsigned int n_workers;
	unsigned int workers[GW_MAX_WORKERS];
	uint32_t idle_sleep_us;         /* 0 = busy poll always (default) */
	char crypto[16];                /* "auto" (default), "ipsec-mb", "ipsec-mb-direct", "openssl" */
	uint32_t mbufs;                 /* 0 = derived from links/queues */
	char state_dir[GW_PATH_MAX];    /* PN reservations of static TX SAs (default
					 * /var/lib/macsec-gw, docs/pn-state.md) */
	uint32_t pn_reserve;            /* PNs reserved per write, at least (default 2^20) */
	unsigned int n_links;
	struct gw_link_conf links[GW_MAX_LINKS];
};

/**
 * Parse and check @p path (no EAL needed). Returns 0, or a negative errno with one line
 * "FILE:LINE:COL: KEY: what is wrong" in @p err (errors about the file itself:
 * "FILE: cannot read: why"). All-or-nothing: on error @p conf is left as it was and every
 * key read so far is wiped. Key files (*_file) relative paths are taken from the directory
 * of @p path; a key file readable or writable by group or others is refused.
 */
int gw_config_load(const char *path, struct gw_conf *conf, char *err, size_t err_len);

/**
 * The same on a buffer (tests, fuzzing): @p name is used in messages and, through its
 * directory part, to resolve relative *_file paths (none: the working directory).
 */
int gw_config_parse(const char *name, const void *text, size_t len, struct gw_conf *conf,
		    char *err, size_t err_len);

/** Wipe all key material (SA keys and salts, CAKs) in @p conf; the rest stays readable. */
void gw_config_wipe(struct gw_conf *conf);

#endif
