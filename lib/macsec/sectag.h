/* SPDX-License-Identifier: BSD-3-Clause */
/* SecTAG codec, IEEE 802.1AE-2018 clause 9: bytes in, struct out, no state. */
#ifndef MACSEC_SECTAG_H
#define MACSEC_SECTAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MACSEC_ETHERTYPE 0x88E5u

/* TCI bits, 802.1AE 9.5 (octet 3 of the SecTAG, AN in the two low bits). */
#define MACSEC_TCI_V 0x80u
#define MACSEC_TCI_ES 0x40u
#define MACSEC_TCI_SC 0x20u
#define MACSEC_TCI_SCB 0x10u
#define MACSEC_TCI_E 0x08u
#define MACSEC_TCI_C 0x04u
#define MACSEC_AN_MASK 0x03u

#define MACSEC_SECTAG_LEN_NOSCI 8u  /* EtherType, TCI/AN, SL, PN */
#define MACSEC_SECTAG_LEN_SCI 16u   /* ... plus SCI */
#define MACSEC_ICV_LEN 16u
#define MACSEC_SL_MAX 48u           /* 9.7: SL is set only below 48 */
#define MACSEC_ETH_ADDRS_LEN 12u    /* DA + SA */
#define MACSEC_PORT_ES 0x0001u      /* 9.9: implicit SCI port with ES=1 */

/** A decoded SecTAG. */
struct macsec_sectag {
	uint8_t tci;   /**< TCI bits (V..C), AN masked out */
	uint8_t an;    /**< association number 0..3 */
	uint8_t sl;    /**< short length, 0 when secure data >= 48 octets */
	uint8_t len;   /**< SecTAG length on the wire: 8 or 16 */
	uint32_t pn;   /**< PN field (low 32 bits of the PN for XPN suites) */
	uint64_t sci;  /**< SCI when TCI.SC is set, else 0 */
	uint32_t secure_len; /**< decode: octets of secure data (padding after the ICV excluded) */
};

/** Why a SecTAG (and the frame around it) was refused. */
enum macsec_sectag_err {
	MACSEC_SECTAG_OK = 0,
	MACSEC_SECTAG_NOT_MACSEC,  /**< EtherType is not 0x88E5 */
	MACSEC_SECTAG_TRUNCATED,   /**< frame ends inside SecTAG or ICV */
	MACSEC_SECTAG_BAD_V,       /**< 9.4: V must be 0 */
	MACSEC_SECTAG_BAD_ES_SC,   /**< 9.5: ES and SC both set */
	MACSEC_SECTAG_BAD_SCB_SC,  /**< 9.5: SCB and SC both set */
	MACSEC_SECTAG_BAD_E_C,     /**< 9.5: C set without E */
	MACSEC_SECTAG_BAD_SL,      /**< 9.7: SL >= 48 or its top two bits set */
	MACSEC_SECTAG_BAD_LEN,     /**< 9.7: SL disagrees with the frame */
	MACSEC_SECTAG_BAD_PN,      /**< 9.8: PN 0 outside XPN */
};



/** Name of a decode error, for logs and tests. */
const char *macsec_sectag_strerror(enum macsec_sectag_err err);

/*
 * Big-endian loads and stores as one unaligned access and a byte swap: gcc did not fuse
 * the byte-by-byte forms on every path (12 instructions for one 32-bit store in tx_build).
 */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define MACSEC_BE16(v) __builtin_bswap16(v)
#define MACSEC_BE32(v) __builtin_bswap32(v)
#define MACSEC_BE64(v) __builtin_bswap64(v)
#else
#define MACSEC_BE16(v) (v)
#define MACSEC_BE32(v) (v)
#define MACSEC_BE64(v) (v)
#endif

static inline uint16_t macsec_get_be16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return (uint16_t)MACSEC_BE16(v);
}

static inline uint32_t macsec_get_be32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return MACSEC_BE32(v);
}

static inline uint64_t macsec_get_be64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return MACSEC_BE64(v);
}

static inline void macsec_put_be16(uint8_t *p, uint16_t v)
{
	v = (uint16_t)MACSEC_BE16(v);
	memcpy(p, &v, sizeof(v));
}

static inline void macsec_put_be32(uint8_t *p, uint32_t v)
{
	v = MACSEC_BE32(v);
	memcpy(p, &v, sizeof(v));
}

static inline void macsec_put_be64(uint8_t *p, uint64_t v)
{
	v = MACSEC_BE64(v);
	memcpy(p, &v, sizeof(v));
}

/**
 * Decode and check the SecTAG at @p p (which points at the EtherType), with
 * @p avail octets from there to the end of the frame (SecTAG, secure data and ICV).
 * @p xpn says whether the SecY's cipher suite uses extended packet numbers
 * (then a PN field of 0 is legal). Returns MACSEC_SECTAG_OK or the reason; the
 * ICV ends at p + tag->len + tag->secure_len + 16 (anything after is padding).
 * Inline: it runs once per received frame.
 */
static inline enum macsec_sectag_err macsec_sectag_decode(const uint8_t *p, size_t avail,
							   bool xpn, struct macsec_sectag *tag)
{
	uint8_t tci_an;
	size_t len, secure_len;

	if (avail < MACSEC_SECTAG_LEN_NOSCI)
		return MACSEC_SECTAG_TRUNCATED;
	if (macsec_get_be16(p) != MACSEC_ETHERTYPE)
		return MACSEC_SECTAG_NOT_MACSEC;
	tci_an = p[2];
	/* 9.4: a receiver discards frames with V = 1 (no other version exists). */
	if (tci_an & MACSEC_TCI_V)
		return MACSEC_SECTAG_BAD_V;
	/* 9.5: ES and SCB are only meaningful without an explicit SCI. */
	if ((tci_an & MACSEC_TCI_SC) && (tci_an & MACSEC_TCI_ES))
		return MACSEC_SECTAG_BAD_ES_SC;
	if ((tci_an & MACSEC_TCI_SC) && (tci_an & MACSEC_TCI_SCB))
		return MACSEC_SECTAG_BAD_SCB_SC;
	/* 9.5: C (changed text) without E (encryption) is not a valid combination. */
	if ((tci_an & MACSEC_TCI_C) && !(tci_an & MACSEC_TCI_E))
		return MACSEC_SECTAG_BAD_E_C;
	/* 9.7: the two top bits of the SL octet are zero and SL < 48. */
	if (p[3] >= MACSEC_SL_MAX)
		return MACSEC_SECTAG_BAD_SL;
	len = (tci_an & MACSEC_TCI_SC) ? MACSEC_SECTAG_LEN_SCI : MACSEC_SECTAG_LEN_NOSCI;
	if (avail < len + MACSEC_ICV_LEN)
		return MACSEC_SECTAG_TRUNCATED;
	secure_len = avail - len - MACSEC_ICV_LEN;
	/*
	 * 9.7: SL is the secure data length when that is below 48, else 0. With SL
	 * set, octets after the ICV are the MAC's minimum-size padding and are not
	 * part of the frame; fewer octets than SL says is a truncated frame. With SL
	 * 0 there must be at least 48 octets of secure data (docs/conformance.md).
	 */
	if (p[3] != 0) {
		if (secure_len < p[3])
			return MACSEC_SECTAG_BAD_LEN;
		secure_len = p[3];
	} else if (secure_len < MACSEC_SL_MAX) {
		return MACSEC_SECTAG_BAD_LEN;
	}
	tag->pn = macsec_get_be32(p + 4);
	/* 9.8: PN 0 is never sent; with XPN only the low 32 bits are here, so 0 is legal. */
	if (tag->pn == 0 && !xpn)
		return MACSEC_SECTAG_BAD_PN;
	tag->tci = tci_an & (uint8_t)~MACSEC_AN_MASK;
	tag->an = tci_an & MACSEC_AN_MASK;
	tag->sl = p[3];
	tag->len = (uint8_t)len;
	tag->secure_len = (uint32_t)secure_len;
	tag->sci = len == MACSEC_SECTAG_LEN_SCI ? macsec_get_be64(p + 8) : 0;
	return MACSEC_SECTAG_OK;
}

/**
 * Encode a SecTAG at @p p for @p secure_len octets of secure data. The SCI is
 * written when @p tag->tci has MACSEC_TCI_SC. Returns the octets written (8 or 16).
 * Inline: it runs once per transmitted frame.
 */
static inline size_t macsec_sectag_encode(uint8_t *p, const struct macsec_sectag *tag,
					  size_t secure_len)
{
	macsec_put_be16(p, MACSEC_ETHERTYPE);
	/* 9.7: SL is the secure data length when that is below 48, else 0. */
	p[2] = (uint8_t)((tag->tci & (uint8_t)~MACSEC_AN_MASK) | (tag->an & MACSEC_AN_MASK));
	p[3] = secure_len < MACSEC_SL_MAX ? (uint8_t)secure_len : 0;
	macsec_put_be32(p + 4, tag->pn);
	if (tag->tci & MACSEC_TCI_SC) {
		macsec_put_be64(p + 8, tag->sci);
		return MACSEC_SECTAG_LEN_SCI;
	}
	return MACSEC_SECTAG_LEN_NOSCI;
}

/** SCI from a MAC address (6 octets) and a port identifier, 802.1AE 8.2.1. */
static inline uint64_t macsec_sci_make(const uint8_t mac[6], uint16_t port)
{
	uint64_t sci = 0;
	for (int i = 0; i < 6; i++)
		sci = sci << 8 | mac[i];
	return sci << 16 | port;
}

#endif
