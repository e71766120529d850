/* SPDX-License-Identifier: BSD-3-Clause */
/* Writes every sample MKPDU, encoded and signed by lib/mka, to a pcap for tshark to dissect. */
#include <stdio.h>
#include <string.h>

#include "mka_crypto.h"
#include "mkpdu.h"
#include "mkpdu_samples.h"

static void put32(FILE *f, uint32_t v)
{
	fwrite(&v, 4, 1, f);   /* pcap headers are in the writer's byte order (magic tells) */
}

static void put16(FILE *f, uint16_t v)
{
	fwrite(&v, 2, 1, f);
}

int main(int argc, char **argv)
{
	static struct mka_mkpdu m;
	uint8_t ick[16];
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: %s out.pcap\n", argv[0]);
		return 2;
	}
	f = fopen(argv[1], "wb");
	if (!f)
		return 1;
	put32(f, 0xa1b2c3d4);
	put16(f, 2);
	put16(f, 4);
	put32(f, 0);
	put32(f, 0);
	put32(f, 65535);
	put32(f, 1);   /* LINKTYPE_ETHERNET */
	memset(ick, 0x3c, sizeof(ick));
	for (unsigned int i = 0; i < MKA_N_SAMPLES; i++) {
		uint8_t buf[MKA_MKPDU_MAX_FRAME];
		size_t len;
		const char *name = mkpdu_sample(i, &m);

		if (mka_mkpdu_encode(&m, buf, sizeof(buf), &len) != 0 ||
		    mka_icv_compute(ick, sizeof(ick), buf, m.icv_off, m.tag_len,
				    buf + m.icv_off) != 0) {
			fprintf(stderr, "sample %u (%s): encode failed\n", i, name);
			return 1;
		}
		printf("%u %s\n", i + 1, name);
		put32(f, i);
		put32(f, 0);
		put32(f, (uint32_t)len);
		put32(f, (uint32_t)len);
		fwrite(buf, 1, len, f);
	}
	return fclose(f) == 0 ? 0 : 1;
}
