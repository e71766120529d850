/* SPDX-License-Identifier: BSD-3-Clause */
/* Sample MKPDUs for the codec tests and the tshark check: one per shape the engine sends. */
#ifndef MKA_MKPDU_SAMPLES_H
#define MKA_MKPDU_SAMPLES_H

#include "mkpdu.h"

/* Number of samples mkpdu_sample() can build. */
#define MKA_N_SAMPLES 10u

/* Fill @p m with sample @p i (0 .. MKA_N_SAMPLES-1); returns its short name. */
const char *mkpdu_sample(unsigned int i, struct mka_mkpdu *m);

#endif
