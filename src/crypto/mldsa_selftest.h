/*
 * mldsa_selftest.h - the ML-DSA known-answer tests run by pqce_selftest().
 */
#ifndef PQCE_CRYPTO_MLDSA_SELFTEST_H
#define PQCE_CRYPTO_MLDSA_SELFTEST_H

#include <stddef.h>

/* Runs the known-answer tests of ML-DSA-44 (which = 0), -65 (1) or -87 (2):
 * key generation, deterministic signing with a context, verification and
 * rejection of a modified signature, against ACVP data. Returns 0 or
 * PQCE_ERR_SELFTEST (PQCE_ERR_INVALID_ARG for another which). */
int pqce_mldsa_selftest(size_t which);

#endif /* PQCE_CRYPTO_MLDSA_SELFTEST_H */
