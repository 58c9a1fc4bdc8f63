/*
 * mlkem_avx2.c - the AVX2 implementation of ML-KEM's building blocks
 * (the table pqce_mlkem_impl_avx2 of mlkem_impl.h) [FIPS203].
 *
 * Sampling: four matrix entries (SampleNTT [FIPS203, Algorithm 7]) and four
 * PRF calls (SamplePolyCBD(PRF) [FIPS203, Algorithm 8, 4.1 (4.3)]) share
 * one 4-way Keccak (keccak_x4.c).
 *
 * Every function gives bit-for-bit the results of its portable counterpart
 * (tests/test_mlkem_avx2.c). Every function carries PQCE_TARGET_AVX2 and
 * the file is compiled without -mavx2; the table is only used when
 * pqce_cpu_has_avx2().
 *
 * Constant time as the portable code: the only branches and table indices
 * on data are in SampleNTT's rejection sampling, on the public rho.
 */
#include "crypto/mlkem_impl.h"

#if PQCE_AVX2_COMPILED

#include <immintrin.h>
#include <string.h>

#include "crypto/keccak.h"
#include "crypto/keccak_x4.h"
#include "crypto/mlkem_sample.h"
#include "pqce.h"

typedef pqce_mlkem_poly poly;

/* ------------------------------------------------------------------------
 * SampleNTT, four entries at once [FIPS203, Algorithm 7]
 * ------------------------------------------------------------------------ */

/* As in mlkem_sample.c: three SHAKE128 blocks (504 bytes) usually give 256
 * accepted candidates; more are squeezed one block at a time. */
#define SAMPLE_NTT_FIRST_BLOCKS 3
#define SAMPLE_NTT_BUF_BYTES    (SAMPLE_NTT_FIRST_BLOCKS * PQCE_SHAKE128_RATE)

/* One pending matrix entry: its polynomial and the two index bytes that
 * follow rho in SampleNTT's seed. */
typedef struct sample_job {
    poly *a;
    uint8_t x, y;
} sample_job;

/*
 * SampleNTT(rho || x || y) for count = 2..4 jobs with one 4-way SHAKE128;
 * unused lanes repeat the last job's seed and their output is ignored. The
 * loop condition depends on how many candidates were accepted, which is
 * public (rho is part of ek).
 */
PQCE_TARGET_AVX2 static void sample_ntt_x4(const uint8_t rho[32], const sample_job *jobs,
                                           unsigned count)
{
    uint8_t seed[4][34];
    uint8_t buf[4][SAMPLE_NTT_BUF_BYTES];
    const uint8_t *const in[4] = {seed[0], seed[1], seed[2], seed[3]};
    uint8_t *const out[4] = {buf[0], buf[1], buf[2], buf[3]};
    unsigned n[4] = {0, 0, 0, 0};
    pqce_keccak_x4 st;

    for (unsigned j = 0; j < 4; j++) {
        const sample_job *job = &jobs[j < count ? j : count - 1];
        memcpy(seed[j], rho, 32);
        seed[j][32] = job->x;
        seed[j][33] = job->y;
    }
    pqce_shake128x4_absorb_once(&st, in, sizeof seed[0]);
    pqce_keccak_x4_squeezeblocks(&st, out, SAMPLE_NTT_FIRST_BLOCKS);
    unsigned pending = 0;
    for (unsigned j = 0; j < count; j++) {
        n[j] = pqce_mlkem_sample_ntt_parse(jobs[j].a->c, 0, buf[j], SAMPLE_NTT_BUF_BYTES);
        pending |= (unsigned)(n[j] < PQCE_MLKEM_N);
    }
    while (pending) {
        pqce_keccak_x4_squeezeblocks(&st, out, 1);
        pending = 0;
        for (unsigned j = 0; j < count; j++) {
            if (n[j] < PQCE_MLKEM_N) {
                n[j] = pqce_mlkem_sample_ntt_parse(jobs[j].a->c, n[j], buf[j], PQCE_SHAKE128_RATE);
            }
            pending |= (unsigned)(n[j] < PQCE_MLKEM_N);
        }
    }
    /* rho and A-hat are public: nothing to wipe. */
}

/* Runs the count <= 4 jobs: a lone job with the scalar Keccak (cheaper than
 * a 4-way permutation with three idle lanes), more with sample_ntt_x4. */
PQCE_TARGET_AVX2 static void sample_ntt_jobs(const uint8_t rho[32], const sample_job *jobs,
                                             unsigned count)
{
    if (count == 1) {
        pqce_mlkem_poly_sample_ntt(jobs[0].a, rho, jobs[0].x, jobs[0].y);
    } else if (count > 1) {
        sample_ntt_x4(rho, jobs, count);
    }
}

/* pqce_mlkem_polymat_sample, the k*k entries in batches of four. */
PQCE_TARGET_AVX2 static void polymat_sample_avx2(poly *a, const uint8_t rho[32], unsigned k,
                                                 int transposed)
{
    sample_job jobs[4];
    unsigned count = 0;
    for (unsigned i = 0; i < k; i++) {
        for (unsigned j = 0; j < k; j++) {
            jobs[count].a = &a[i * k + j];
            jobs[count].x = (uint8_t)(transposed ? i : j);
            jobs[count].y = (uint8_t)(transposed ? j : i);
            if (++count == 4) {
                sample_ntt_jobs(rho, jobs, count);
                count = 0;
            }
        }
    }
    sample_ntt_jobs(rho, jobs, count);
}

/* ------------------------------------------------------------------------
 * SamplePolyCBD(PRF(s, N)), four at once [FIPS203, Algorithm 8, (4.3)]
 * ------------------------------------------------------------------------ */

/* PRF_eta output is 64*eta bytes: one SHAKE256 block for eta = 2, two for
 * eta = 3. */
#define NOISE_MAX_BLOCKS 2

/* count = 2..4 noise polynomials f[i] from PRF_eta(s, n + i); idle lanes
 * repeat the last nonce. The PRF output is secret and wiped. */
PQCE_TARGET_AVX2 static void sample_noise_x4(poly *f, const uint8_t s[32], uint8_t n,
                                             unsigned count, unsigned eta)
{
    uint8_t in_bytes[4][33];
    uint8_t buf[4][NOISE_MAX_BLOCKS * PQCE_SHAKE256_RATE];
    const uint8_t *const in[4] = {in_bytes[0], in_bytes[1], in_bytes[2], in_bytes[3]};
    uint8_t *const out[4] = {buf[0], buf[1], buf[2], buf[3]};
    pqce_keccak_x4 st;

    for (unsigned j = 0; j < 4; j++) {
        memcpy(in_bytes[j], s, 32);
        in_bytes[j][32] = (uint8_t)(n + (j < count ? j : count - 1));
    }
    pqce_shake256x4_absorb_once(&st, in, sizeof in_bytes[0]);
    pqce_keccak_x4_squeezeblocks(&st, out, eta == 3 ? 2 : 1);
    for (unsigned j = 0; j < count; j++) {
        pqce_mlkem_poly_sample_cbd(&f[j], buf[j], eta);
    }
    pqce_memzero(in_bytes, sizeof in_bytes);
    pqce_memzero(buf, sizeof buf);
    pqce_keccak_x4_wipe(&st);
}

/* pqce_mlkem_polyvec_sample_noise in batches of four; a lone remaining
 * polynomial uses the scalar Keccak. */
PQCE_TARGET_AVX2 static void polyvec_sample_noise_avx2(poly *f, const uint8_t s[32], uint8_t n,
                                                       unsigned count, unsigned eta)
{
    for (unsigned i = 0; i < count; i += 4) {
        const unsigned m = count - i < 4 ? count - i : 4;
        if (m == 1) {
            pqce_mlkem_poly_sample_noise(&f[i], s, (uint8_t)(n + i), eta);
        } else {
            sample_noise_x4(&f[i], s, (uint8_t)(n + i), m, eta);
        }
    }
}

/* ------------------------------------------------------------------------
 * The table
 * ------------------------------------------------------------------------ */

const pqce_mlkem_impl pqce_mlkem_impl_avx2 = {
    "avx2",
    polymat_sample_avx2,
    polyvec_sample_noise_avx2,
    pqce_mlkem_poly_ntt,
    pqce_mlkem_poly_invntt_mont,
    pqce_mlkem_poly_mulcache,
    pqce_mlkem_polyvec_basemul_acc,
    pqce_mlkem_poly_reduce,
    pqce_mlkem_poly_tomont,
};

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int pqce_mlkem_avx2_not_compiled;
#endif /* PQCE_AVX2_COMPILED */
