/*
 * mlkem_impl.h - the interchangeable implementations of ML-KEM's inner
 * loops: portable C, and AVX2 where the CPU has it.
 *
 * mlkem.c is written once, against this table of functions; each entry is
 * a building block with the contract documented in mlkem_poly.h or
 * mlkem_sample.h. Every implementation gives bit-for-bit the same result
 * as the portable one for every input inside the documented ranges (not
 * merely the same value mod q), so the choice is invisible in every output
 * and in every intermediate bound (tests/test_mlkem_avx2.c).
 *
 * Dispatch has no mutable state: the public functions call
 * pqce_mlkem_impl_select(), a pure function of the CPU, once per call and
 * pass the table down; tests pass each table of pqce_mlkem_impl_list()
 * explicitly (crypto/mlkem.h).
 */
#ifndef PQCE_CRYPTO_MLKEM_IMPL_H
#define PQCE_CRYPTO_MLKEM_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "core/cpu.h"
#include "crypto/mlkem_poly.h"

typedef struct pqce_mlkem_impl {
    const char *name; /* "portable", "avx2" */
    /* pqce_mlkem_polymat_sample: nrows rows of A-hat or of its transpose. */
    void (*polymat_sample)(pqce_mlkem_poly *a, const uint8_t rho[32], unsigned k, int transposed,
                           unsigned row0, unsigned nrows);
    /* pqce_mlkem_polyvec_sample_noise: count CBD samples of PRF(s, n + i). */
    void (*polyvec_sample_noise)(pqce_mlkem_poly *f, const uint8_t s[32], uint8_t n, unsigned count,
                                 unsigned eta);
    /* pqce_mlkem_poly_ntt, _invntt_mont, _mulcache, _polyvec_basemul_acc,
     * _poly_reduce, _poly_tomont: same contracts and bounds. */
    void (*ntt)(pqce_mlkem_poly *f);
    void (*invntt_mont)(pqce_mlkem_poly *f);
    void (*mulcache)(pqce_mlkem_mulcache *x, const pqce_mlkem_poly *b);
    void (*basemul_acc)(pqce_mlkem_poly *r, const pqce_mlkem_poly *a, const pqce_mlkem_poly *b,
                        const pqce_mlkem_mulcache *bx, unsigned k);
    void (*reduce)(pqce_mlkem_poly *f);
    void (*tomont)(pqce_mlkem_poly *f);
    /* pqce_mlkem_poly_encode12, _decode12 (ByteEncode_12, ByteDecode_12
     * with the out-of-range flag). */
    void (*encode12)(uint8_t r[PQCE_MLKEM_POLY_BYTES], const pqce_mlkem_poly *f);
    uint32_t (*decode12)(pqce_mlkem_poly *r, const uint8_t a[PQCE_MLKEM_POLY_BYTES]);
    /* pqce_mlkem_poly_compress_encode, _decode_decompress (d in {1, 4, 5,
     * 10, 11}). */
    void (*compress_encode)(uint8_t *r, const pqce_mlkem_poly *f, unsigned d);
    void (*decode_decompress)(pqce_mlkem_poly *r, const uint8_t *a, unsigned d);
} pqce_mlkem_impl;

/* The portable C implementation (mlkem_poly.c, mlkem_sample.c): runs
 * everywhere. */
extern const pqce_mlkem_impl pqce_mlkem_impl_portable;

#if PQCE_AVX2_COMPILED
/* The AVX2 implementation (mlkem_avx2.c): only when pqce_cpu_has_avx2(). */
extern const pqce_mlkem_impl pqce_mlkem_impl_avx2;
#endif

#define PQCE_MLKEM_IMPL_MAX 2

/* The fastest implementation this CPU runs: AVX2 when compiled in and
 * supported, else portable. A pure function of the CPU; thread-safe. */
const pqce_mlkem_impl *pqce_mlkem_impl_select(void);

/* Every implementation this CPU runs, portable first; returns how many
 * (1 or 2). For the tests, which run each of them. */
size_t pqce_mlkem_impl_list(const pqce_mlkem_impl *out[PQCE_MLKEM_IMPL_MAX]);

#endif /* PQCE_CRYPTO_MLKEM_IMPL_H */
