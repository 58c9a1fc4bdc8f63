/*
 * mlkem_params.h - the ML-KEM parameter sets and the sizes they imply
 * [FIPS203, 8, Table 2 and Table 3].
 *
 * One implementation serves the three sets; it is parameterised by a
 * pqce_mlkem_params value, all of whose fields are public.
 */
#ifndef PQCE_CRYPTO_MLKEM_PARAMS_H
#define PQCE_CRYPTO_MLKEM_PARAMS_H

#include <stddef.h>

#include "pqce.h"

#define PQCE_MLKEM_N         256  /* coefficients per polynomial */
#define PQCE_MLKEM_Q         3329 /* the prime modulus q = 2^8 * 13 + 1 */
#define PQCE_MLKEM_SYM_BYTES 32
/* ByteEncode_12 of one polynomial [FIPS203, Algorithm 5]. */
#define PQCE_MLKEM_POLY_BYTES 384
/* The largest k (ML-KEM-1024), for stack buffers. */
#define PQCE_MLKEM_K_MAX 4

/* Sizes as functions of k, du, dv [FIPS203, 8, Table 3]. */
#define PQCE_MLKEM_EK_BYTES_K(k)         (384 * (k) + 32)
#define PQCE_MLKEM_DK_BYTES_K(k)         (768 * (k) + 96)
#define PQCE_MLKEM_CT_BYTES_K(k, du, dv) (32 * ((du) * (k) + (dv)))

#define PQCE_MLKEM_CT_BYTES_MAX PQCE_MLKEM_CT_BYTES_K(4, 11, 5)
#define PQCE_MLKEM_EK_BYTES_MAX PQCE_MLKEM_EK_BYTES_K(4)

/* ML-KEM-512: k = 2, eta1 = 3, eta2 = 2, du = 10, dv = 4. */
#define PQCE_MLKEM512_K    2
#define PQCE_MLKEM512_ETA1 3
#define PQCE_MLKEM512_ETA2 2
#define PQCE_MLKEM512_DU   10
#define PQCE_MLKEM512_DV   4
/* ML-KEM-768: k = 3, eta1 = 2, eta2 = 2, du = 10, dv = 4. */
#define PQCE_MLKEM768_K    3
#define PQCE_MLKEM768_ETA1 2
#define PQCE_MLKEM768_ETA2 2
#define PQCE_MLKEM768_DU   10
#define PQCE_MLKEM768_DV   4
/* ML-KEM-1024: k = 4, eta1 = 2, eta2 = 2, du = 11, dv = 5. */
#define PQCE_MLKEM1024_K    4
#define PQCE_MLKEM1024_ETA1 2
#define PQCE_MLKEM1024_ETA2 2
#define PQCE_MLKEM1024_DU   11
#define PQCE_MLKEM1024_DV   5

/* The public sizes of pqce.h must agree with Table 3. */
_Static_assert(PQCE_MLKEM512_EK_BYTES == PQCE_MLKEM_EK_BYTES_K(PQCE_MLKEM512_K), "ek 512");
_Static_assert(PQCE_MLKEM512_DK_BYTES == PQCE_MLKEM_DK_BYTES_K(PQCE_MLKEM512_K), "dk 512");
_Static_assert(PQCE_MLKEM512_CT_BYTES ==
                   PQCE_MLKEM_CT_BYTES_K(PQCE_MLKEM512_K, PQCE_MLKEM512_DU, PQCE_MLKEM512_DV),
               "ct 512");
_Static_assert(PQCE_MLKEM768_EK_BYTES == PQCE_MLKEM_EK_BYTES_K(PQCE_MLKEM768_K), "ek 768");
_Static_assert(PQCE_MLKEM768_DK_BYTES == PQCE_MLKEM_DK_BYTES_K(PQCE_MLKEM768_K), "dk 768");
_Static_assert(PQCE_MLKEM768_CT_BYTES ==
                   PQCE_MLKEM_CT_BYTES_K(PQCE_MLKEM768_K, PQCE_MLKEM768_DU, PQCE_MLKEM768_DV),
               "ct 768");
_Static_assert(PQCE_MLKEM1024_EK_BYTES == PQCE_MLKEM_EK_BYTES_K(PQCE_MLKEM1024_K), "ek 1024");
_Static_assert(PQCE_MLKEM1024_DK_BYTES == PQCE_MLKEM_DK_BYTES_K(PQCE_MLKEM1024_K), "dk 1024");
_Static_assert(PQCE_MLKEM1024_CT_BYTES ==
                   PQCE_MLKEM_CT_BYTES_K(PQCE_MLKEM1024_K, PQCE_MLKEM1024_DU, PQCE_MLKEM1024_DV),
               "ct 1024");
_Static_assert(PQCE_MLKEM1024_CT_BYTES == PQCE_MLKEM_CT_BYTES_MAX, "largest ciphertext");
_Static_assert(PQCE_MLKEM1024_EK_BYTES == PQCE_MLKEM_EK_BYTES_MAX, "largest ek");

typedef struct pqce_mlkem_params {
    unsigned k;    /* rank of the module */
    unsigned eta1; /* CBD parameter of s, e (KeyGen) and y (Encrypt) */
    unsigned eta2; /* CBD parameter of e1, e2 (Encrypt) */
    unsigned du;   /* compression bits of u */
    unsigned dv;   /* compression bits of v */
    size_t ek_bytes;
    size_t dk_bytes;
    size_t ct_bytes;
} pqce_mlkem_params;

#define PQCE_MLKEM_PARAMS_INIT(N)                                                          \
    {                                                                                      \
        PQCE_MLKEM##N##_K, PQCE_MLKEM##N##_ETA1, PQCE_MLKEM##N##_ETA2, PQCE_MLKEM##N##_DU, \
            PQCE_MLKEM##N##_DV, PQCE_MLKEM##N##_EK_BYTES, PQCE_MLKEM##N##_DK_BYTES,        \
            PQCE_MLKEM##N##_CT_BYTES                                                       \
    }

#endif /* PQCE_CRYPTO_MLKEM_PARAMS_H */
