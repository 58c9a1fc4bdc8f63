/*
 * mlkem_selftest.h - the ML-KEM known-answer tests run by pqce_selftest().
 */
#ifndef PQCE_CRYPTO_MLKEM_SELFTEST_H
#define PQCE_CRYPTO_MLKEM_SELFTEST_H

#include <stddef.h>

/* Runs the known-answer tests of ML-KEM-512 (which = 0), -768 (1) or -1024
 * (2): key generation, decapsulation, implicit rejection, encapsulation and
 * the input checks, against ACVP data. Returns 0 or PQCE_ERR_SELFTEST
 * (PQCE_ERR_INVALID_ARG for another which). */
int pqce_mlkem_selftest(size_t which);

#endif /* PQCE_CRYPTO_MLKEM_SELFTEST_H */
