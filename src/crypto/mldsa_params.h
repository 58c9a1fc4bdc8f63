/*
 * mldsa_params.h - the ML-DSA parameter sets [FIPS204, 4, Table 1 and
 * Table 2] and the sizes derived from them.
 *
 * One implementation (mldsa.c) serves all three sets; it reads the set's
 * numbers from a pqce_mldsa_params and sizes its buffers for the largest
 * set (PQCE_MLDSA_K_MAX, PQCE_MLDSA_L_MAX).
 */
#ifndef PQCE_CRYPTO_MLDSA_PARAMS_H
#define PQCE_CRYPTO_MLDSA_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#define PQCE_MLDSA_N 256
#define PQCE_MLDSA_Q 8380417 /* 2^23 - 2^13 + 1 */
#define PQCE_MLDSA_D 13      /* dropped bits of t */

#define PQCE_MLDSA_K_MAX 8
#define PQCE_MLDSA_L_MAX 7

#define PQCE_MLDSA_SEEDBYTES 32 /* xi, rho, K, rnd */
#define PQCE_MLDSA_CRHBYTES  64 /* tr, mu, rho', rho'' */

/* Packed sizes of one polynomial [FIPS204, 7.1 and 7.2]. */
#define PQCE_MLDSA_T1_POLY_BYTES 320 /* 10 bits: bitlen(q - 1) - d */
#define PQCE_MLDSA_T0_POLY_BYTES 416 /* 13 bits: d */

typedef struct pqce_mldsa_params {
    const char *name;     /* "ML-DSA-65" */
    uint8_t k, l;         /* A is k x l */
    uint8_t eta;          /* private key range [-eta, eta] */
    uint8_t tau;          /* number of +-1 in the challenge c */
    uint8_t omega;        /* maximum number of 1s in the hint h */
    uint8_t ctilde_bytes; /* lambda / 4: the commitment hash */
    uint8_t eta_bits;     /* bitlen(2 eta): 3 or 4 */
    uint8_t gamma1_bits;  /* log2(gamma1): 17 or 19 */
    uint8_t w1_bits;      /* bitlen((q - 1) / (2 gamma2) - 1): 6 or 4 */
    int32_t beta;         /* tau * eta */
    int32_t gamma1;       /* 2^gamma1_bits */
    int32_t gamma2;       /* (q - 1) / 88 or (q - 1) / 32 */
    size_t pk_bytes, sk_bytes, sig_bytes;
    size_t eta_poly_bytes; /* 32 * eta_bits */
    size_t z_poly_bytes;   /* 32 * (gamma1_bits + 1) */
    size_t w1_poly_bytes;  /* 32 * w1_bits */
} pqce_mldsa_params;

extern const pqce_mldsa_params pqce_mldsa44_params;
extern const pqce_mldsa_params pqce_mldsa65_params;
extern const pqce_mldsa_params pqce_mldsa87_params;

#endif /* PQCE_CRYPTO_MLDSA_PARAMS_H */
