/* SPDX-License-Identifier: BSD-3-Clause */
/* MKPDU codec (802.1X-2020 11.11): Ethernet + EAPOL header and every parameter set, both ways. */
#ifndef MKA_MKPDU_H
#define MKA_MKPDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mka_types.h"

/** Parameter set types (802.1X-2020 Table 11-7). The Basic set has no type octet. */
enum mka_param_type {
	MKA_PARAM_LIVE_PEERS = 1,
	MKA_PARAM_POTENTIAL_PEERS = 2,
	MKA_PARAM_SAK_USE = 3,
	MKA_PARAM_DIST_SAK = 4,
	MKA_PARAM_DIST_CAK = 5,
	MKA_PARAM_KMD = 6,
	MKA_PARAM_ANNOUNCEMENT = 7,
	MKA_PARAM_XPN = 8,
	MKA_PARAM_ICV_INDICATOR = 255,
};

/** Bits of mka_mkpdu.present, one per optional parameter set. */
#define MKA_HAS_LIVE_PEERS (1u << 0)
#define MKA_HAS_POTENTIAL_PEERS (1u << 1)
#define MKA_HAS_SAK_USE (1u << 2)
#define MKA_HAS_DIST_SAK (1u << 3)
#define MKA_HAS_DIST_CAK (1u << 4)
#define MKA_HAS_KMD (1u << 5)
#define MKA_HAS_ANNOUNCEMENT (1u << 6)
#define MKA_HAS_XPN (1u << 7)
#define MKA_HAS_ICV_INDICATOR (1u << 8)

#define MKA_MKPDU_MAX_FRAME 1518u   /**< an MKPDU travels in one untagged or tagged frame */
#define MKA_KMD_MAX 253u
#define MKA_ANN_MAX_CS 8u
#define MKA_DIST_CAK_WRAP_LEN 24u   /**< Figure 11-13: octets 5-28, a wrapped 128-bit CAK */

/** Why a frame is not a well-formed MKPDU: one reason per check, each counted. */
enum mka_decode_err {
	MKA_DEC_OK = 0,
	MKA_DEC_FRAME_SHORT,        /**< shorter than Ethernet + (tag) + EAPOL header */
	MKA_DEC_ETHERTYPE,          /**< not the configured EAPOL EtherType */
	MKA_DEC_EAPOL_VERSION,      /**< EAPOL protocol version < 3 */
	MKA_DEC_EAPOL_TYPE,         /**< not EAPOL-MKA (5) */
	MKA_DEC_EAPOL_LENGTH,       /**< packet body length runs past the frame */
	MKA_DEC_MKPDU_LENGTH,       /**< body < 32 octets or not a multiple of 4 (11.11.2) */
	MKA_DEC_BASIC_LENGTH,       /**< Basic set body not 28 + CKN or past the ICV */
	MKA_DEC_MKA_VERSION,        /**< MKA Version Identifier 0 */
	MKA_DEC_ALGORITHM,          /**< Algorithm Agility not 802.1X-2009/2010/2020 */
	MKA_DEC_SET_SHORT,          /**< a parameter set header or body runs into the ICV */
	MKA_DEC_PADDING,            /**< non-zero padding after a parameter set body */
	MKA_DEC_DUPLICATE_SET,      /**< a parameter set type appears twice */
	MKA_DEC_RESERVED,           /**< a reserved field is not zero */
	MKA_DEC_PEER_LIST_LENGTH,   /**< peer list body not a multiple of 16 */
	MKA_DEC_TOO_MANY_PEERS,     /**< more peers than MKA_MAX_PEERS */
	MKA_DEC_SAK_USE_LENGTH,     /**< SAK Use body not 0 or 40 */
	MKA_DEC_DIST_SAK_LENGTH,    /**< Distributed SAK body not 0, 28 or 12 + wrapped key */
	MKA_DEC_DIST_SAK_CIPHER,    /**< Distributed SAK names an unknown cipher suite */
	MKA_DEC_DIST_CAK_LENGTH,    /**< Distributed CAK body not 24 + CKN(1..32) */
	MKA_DEC_KMD_LENGTH,         /**< KMD body not 1..253 octets */
	MKA_DEC_ANNOUNCEMENT,       /**< Announcement TLVs do not exactly fill the body */
	MKA_DEC_XPN_LENGTH,         /**< XPN set body not 8 */
	MKA_DEC_ICV_INDICATOR,      /**< ICV Indicator not last, or its length not the ICV's */
	MKA_DEC_ERR_COUNT
};

/** Name of a decode reason, as used for its counter ("frame-short", ...). */
const char *mka_decode_err_name(enum mka_decode_err e);

/** A (MI, MN) pair of a peer list (802.1X-2020 Figure 11-9). */
struct mka_peer_id {
	uint8_t mi[MKA_MI_LEN];
	uint32_t mn;
};

/** Basic Parameter Set (Figure 11-8). */
struct mka_basic {
	uint8_t version;              /**< MKA Version Identifier (1..3; we send 3) */
	uint8_t priority;             /**< Key Server Priority, lower wins */
	bool key_server;
	bool macsec_desired;
	uint8_t capability;           /**< enum mka_capability */
	uint64_t sci;
	uint8_t mi[MKA_MI_LEN];
	uint32_t mn;
	uint32_t algorithm_agility;
	uint8_t ckn[MKA_CKN_MAX];
	uint8_t ckn_len;              /**< 1..32 */
};

/** Live or Potential Peer List (Figure 11-9). */
struct mka_peer_list {
	uint8_t key_server_ssci;      /**< Live list, MKA version 3, XPN SAK distribution: KS SSCI LSB */
	uint16_t n;
	struct mka_peer_id peer[MKA_MAX_PEERS];
};

/** MACsec SAK Use (Figure 11-10). */
struct mka_sak_use {
	bool has_keys;                /**< body length 40; false: 0 (MACsec not in use) */
	uint8_t lan;
	bool ltx, lrx;
	uint8_t oan;
	bool otx, orx;
	bool ptx, prx, delay_protect;
	struct mka_ki lki;
	uint32_t llpn;                /**< Latest Key lowest acceptable PN (low 32 bits with XPN) */
	struct mka_ki oki;
	uint32_t olpn;
};

/** Distributed SAK (Figures 11-11, 11-12). */
struct mka_dist_sak {
	bool plain;                   /**< body length 0: the Key Server says "do not use MACsec" */
	uint8_t an;
	uint8_t conf_offset;          /**< enum mka_conf_offset */
	uint32_t kn;
	bool cs_explicit;             /**< Cipher Suite field present (always, unless GCM-AES-128) */
	enum mka_cipher_suite cs;
	uint64_t cs_id;               /**< as on the wire (decode) */
	uint8_t wrapped[MKA_KEY_MAX + MKA_WRAP_OVERHEAD];
	uint8_t wrapped_len;          /**< SAK length + 8 */
};

/** Distributed CAK (Figure 11-13): decoded, never acted on by this engine. */
struct mka_dist_cak {
	uint8_t wrapped[MKA_DIST_CAK_WRAP_LEN];
	uint8_t ckn[MKA_CKN_MAX];
	uint8_t ckn_len;
};

/** Key Management Domain (Figure 11-14). */
struct mka_kmd {
	uint8_t kmd[MKA_KMD_MAX];
	uint8_t len;
};

/** Announcement (11.12): MACsec Cipher Suites TLV entries; other TLVs are counted, not kept. */
struct mka_announcement {
	uint8_t n_cs;
	struct {
		uint8_t capability;   /**< enum mka_capability for this suite */
		uint64_t id;
	} cs[MKA_ANN_MAX_CS];
	uint8_t n_other_tlvs;
};

/** XPN parameter set (Figure 11-16): the high 32 bits of the SAK Use lowest PNs. */
struct mka_xpn {
	uint8_t suspension_time;
	uint32_t llpn_high;
	uint32_t olpn_high;
};

/** One MKPDU with its Ethernet and EAPOL framing. */
struct mka_mkpdu {
	uint8_t dst[6];
	uint8_t src[6];
	bool vlan;                    /**< one 802.1Q (or 802.1ad) tag after the source address */
	uint16_t vlan_tpid;
	uint16_t vlan_tci;
	uint16_t ethertype;           /**< EAPOL EtherType, 0x888E by default */
	uint8_t eapol_version;

	uint32_t present;             /**< MKA_HAS_* */
	struct mka_basic basic;
	struct mka_peer_list live;
	struct mka_peer_list potential;
	struct mka_sak_use sak_use;
	struct mka_dist_sak dist_sak;
	struct mka_dist_cak dist_cak;
	struct mka_kmd kmd;
	struct mka_announcement ann;
	struct mka_xpn xpn;
	uint8_t n_unknown_sets;       /**< decode: unrecognized types skipped (11.11.2) */

	uint8_t icv[MKA_ICV_LEN];
	size_t tag_len;               /**< 0 or 4: octets the ICV does not cover */
	size_t icv_off;               /**< offset of the ICV in the frame */
	size_t frame_len;             /**< octets of frame the MKPDU occupies (no Ethernet padding) */
};

/**
 * Encode @p m into @p buf as a complete frame (from the Destination Address), sets in the
 * order of 11.11.3, each padded to 4 octets; the ICV is left zero for mka_icv_compute()
 * at @p m->icv_off — it is the caller's to sign. Updates m->icv_off, tag_len, frame_len.
 * @return 0, -EINVAL if a field is out of range, -ENOSPC if @p cap is too small.
 */
int mka_mkpdu_encode(struct mka_mkpdu *m, uint8_t *buf, size_t cap, size_t *len);

/**
 * Decode a frame strictly. Nothing is authenticated yet: the caller verifies the ICV
 * (m->icv_off, m->tag_len) before it trusts any field.
 * @param ethertype the EAPOL EtherType expected after an optional VLAN tag.
 * @param why set to the reason on failure (MKA_DEC_OK on success).
 * @return 0 or -EBADMSG.
 */
int mka_mkpdu_decode(const uint8_t *frame, size_t len, uint16_t ethertype, struct mka_mkpdu *m,
		     enum mka_decode_err *why);

/**
 * The CKN and SCI of a frame's Basic Parameter Set, to route it to the participant of its
 * CA (and, in the gateway, to the queue of known peers). Checks only the framing it reads;
 * nothing is authenticated. @p sci may be NULL.
 * @return 0, -EBADMSG.
 */
int mka_mkpdu_peek_ckn(const uint8_t *frame, size_t len, uint16_t ethertype,
		       uint8_t ckn[MKA_CKN_MAX], uint8_t *ckn_len, uint64_t *sci);

#endif
