/*
 * mlkem_avx2.c - the AVX2 implementation of ML-KEM's building blocks, the
 * table pqce_mlkem_impl_avx2 of mlkem_impl.h [FIPS203].
 *
 * What is vectorized:
 *  - SampleNTT [FIPS203, Algorithm 7]: four matrix entries share one 4-way
 *    SHAKE128 (keccak_x4.c), and the rejection sampling tests 16 candidates
 *    per step and compacts the accepted ones with a byte shuffle.
 *  - SamplePolyCBD(PRF) [FIPS203, Algorithm 8, 4.1 (4.3)]: four PRF calls
 *    share one 4-way SHAKE256; the bit sums are computed 16 coefficients at
 *    a time.
 *  - NTT, inverse NTT [FIPS203, Algorithms 9, 10], the multiplication cache
 *    and the accumulated base-case products [FIPS203, Algorithms 11, 12],
 *    Barrett reduction and tomont, 16 int16 coefficients per vector.
 *  - Compress_d and ByteEncode_d, ByteDecode_d and Decompress_d for
 *    d = 1, 4, 5, 10, 11, 16 coefficients per step. ByteEncode_12 and
 *    ByteDecode_12 are the portable source compiled for AVX2 (mlkem_poly.c),
 *    which the compiler vectorizes.
 *
 * Bit for bit the portable results. Every arithmetic step is the portable
 * one applied to 16 lanes, with the same representatives:
 *  - mont_mul(a, b) is hi16(a*b) - hi16(t*q) with t = lo16(a*b*q^-1) (vpmulhw,
 *    vpmullw), exactly the formula of pqce_mlkem_mont_mul; for a constant b,
 *    lo16(b*q^-1) is computed once, which gives the same t.
 *  - Barrett computes t = (a*v + 2^25) >> 26 as ((a*v) >> 16 + 2^9) >> 10
 *    (vpmulhw, vpmulhrsw by 2^5), the same integer because 2^16 divides 2^25.
 *  - The NTT and its inverse perform the portable butterflies, in the same
 *    layers, on the same pairs, with the same zetas; for the layers len = 8,
 *    4, 2, whose pairs lie within one vector, the coefficients are first
 *    moved so that the pairs face each other in two vectors, and moved back
 *    afterwards (the three moves are their own inverses).
 *  - Compress uses the portable formula, its 64-bit products formed by
 *    vpmuludq; Decompress's (y q + 2^(d-1)) >> d is vpmulhrsw(y 2^(15-d), q),
 *    the same integer (see decode_decompress_d).
 *  - basemul_acc accumulates the same int32 sums (vpmaddwd forms
 *    a0*b0 + a1*bx and a0*b1 + a1*b0 exactly) and reduces each once with
 *    the 16-bit form of mont_reduce: for the int32 sum c, with
 *    t = lo16(c)*q^-1, (c - t*q) >> 16 = hi16(c) - hi16(t*q) exactly.
 * tests/test_mlkem_avx2.c checks each function against the portable one on
 * random and extreme inputs across the documented ranges, and on every
 * input value in every position where the domain allows.
 *
 * Every function carries PQCE_TARGET_AVX2 and the file is compiled without
 * -mavx2; the table is used only when pqce_cpu_has_avx2().
 *
 * Constant time as the portable code: the only branches and table indices
 * that depend on data are those of SampleNTT's rejection sampling, whose
 * input (rho) is public. Arithmetic on secrets (CBD, NTT, products,
 * encodings) has no data-dependent branch, index or division.
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

#define AVX2        PQCE_TARGET_AVX2
#define AVX2_INLINE PQCE_TARGET_AVX2 static inline __attribute__((always_inline))

/* q^-1 mod 2^16 as the int16 that vpmullw multiplies by. */
#define QINV_I16 ((int16_t)(uint16_t)PQCE_MLKEM_QINV)
/* lo16(b * q^-1) for a constant b: the second operand of mont_mul_pre. */
#define TIMES_QINV(b) ((int16_t)(uint16_t)((uint32_t)(uint16_t)(b)*PQCE_MLKEM_QINV))

/* ------------------------------------------------------------------------
 * Arithmetic on 16 coefficients
 * ------------------------------------------------------------------------ */

/* pqce_mlkem_mont_mul(a, b) in each lane, with bq = lo16(b * q^-1). */
AVX2_INLINE __m256i mont_mul_pre(__m256i a, __m256i b, __m256i bq)
{
    const __m256i q = _mm256_set1_epi16(PQCE_MLKEM_Q);
    const __m256i hi = _mm256_mulhi_epi16(a, b);
    const __m256i t = _mm256_mullo_epi16(a, bq);
    return _mm256_sub_epi16(hi, _mm256_mulhi_epi16(t, q));
}

/* pqce_mlkem_barrett_reduce(a) in each lane. */
AVX2_INLINE __m256i barrett_reduce(__m256i a)
{
    const __m256i v = _mm256_set1_epi16(PQCE_MLKEM_BARRETT_V);
    const __m256i q = _mm256_set1_epi16(PQCE_MLKEM_Q);
    /* (h + 2^9) >> 10 = (h * 2^5 + 2^14) >> 15, vpmulhrsw's rounding. */
    const __m256i t = _mm256_mulhrs_epi16(_mm256_mulhi_epi16(a, v), _mm256_set1_epi16(1 << 5));
    return _mm256_sub_epi16(a, _mm256_mullo_epi16(t, q));
}

/* Cooley-Tukey butterfly of the forward NTT (mlkem_poly.c):
 * t = zeta * y * R^-1; y = x - t; x = x + t. */
#define CT_BUTTERFLY(x, y, z, zq)                        \
    do {                                                 \
        const __m256i t_ = mont_mul_pre((y), (z), (zq)); \
        (y) = _mm256_sub_epi16((x), t_);                 \
        (x) = _mm256_add_epi16((x), t_);                 \
    } while (0)

/* Gentleman-Sande butterfly of the inverse NTT (mlkem_poly.c):
 * x = x + y (Barrett-reduced when reduce), y = zeta * (y - x) * R^-1. */
#define GS_BUTTERFLY(x, y, z, zq, reduce)                         \
    do {                                                          \
        const __m256i t_ = (x);                                   \
        const __m256i s_ = _mm256_add_epi16(t_, (y));             \
        (x) = (reduce) ? barrett_reduce(s_) : s_;                 \
        (y) = mont_mul_pre(_mm256_sub_epi16((y), t_), (z), (zq)); \
    } while (0)

/*
 * The moves between the natural order of a 32-coefficient block, held in
 * two vectors a = c[0..15], b = c[16..31], and the orders in which the
 * pairs of the layers len = 8, 4, 2 face each other (a[i] with b[i]):
 *   swap128: a = c[0..7 | 16..23],   b = c[8..15 | 24..31]            (len 8)
 *   then swap64: a = c[0..3, 8..11 | ...], b = c[4..7, 12..15 | ...]   (len 4)
 *   then swap32: a = c[0,1,4,5,8,9,12,13 | ...], b = c[2,3,6,7,...]   (len 2)
 * Each move is its own inverse.
 */
#define SWAP128(a, b)                                                 \
    do {                                                              \
        const __m256i t_ = _mm256_permute2x128_si256((a), (b), 0x20); \
        (b) = _mm256_permute2x128_si256((a), (b), 0x31);              \
        (a) = t_;                                                     \
    } while (0)

#define SWAP64(a, b)                                        \
    do {                                                    \
        const __m256i t_ = _mm256_unpacklo_epi64((a), (b)); \
        (b) = _mm256_unpackhi_epi64((a), (b));              \
        (a) = t_;                                           \
    } while (0)

#define SWAP32(a, b)                                                                  \
    do {                                                                              \
        const __m256i t_ = _mm256_blend_epi32((a), _mm256_slli_epi64((b), 32), 0xAA); \
        (b) = _mm256_blend_epi32(_mm256_srli_epi64((a), 32), (b), 0xAA);              \
        (a) = t_;                                                                     \
    } while (0)

/* The zetas of one 32-coefficient block in the lane orders above: for
 * len = 8 two zetas z[0], z[1], each on 8 lanes; for len = 4 four, each on
 * 4 lanes; for len = 2 eight, each on 2 lanes; in the order of z. */
AVX2_INLINE __m256i zetas_len8(const int16_t *z)
{
    return _mm256_inserti128_si256(_mm256_set1_epi16(z[0]), _mm_set1_epi16(z[1]), 1);
}

AVX2_INLINE __m256i zetas_len4(const int16_t *z)
{
    /* z0 z0 z1 z1 z2 z2 z3 z3, then each pair doubled again */
    const __m128i d = _mm_unpacklo_epi16(_mm_loadl_epi64((const __m128i *)z),
                                         _mm_loadl_epi64((const __m128i *)z));
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_unpacklo_epi32(d, d)),
                                   _mm_unpackhi_epi32(d, d), 1);
}

AVX2_INLINE __m256i zetas_len2(const int16_t *z)
{
    const __m128i w = _mm_loadu_si128((const __m128i *)z);
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_unpacklo_epi16(w, w)),
                                   _mm_unpackhi_epi16(w, w), 1);
}

/* The same with the zetas in reverse order, z pointing at the lowest index
 * (the inverse NTT walks the table downwards): zetas_len4_rev(z) puts z[3]
 * on the first four lanes, then z[2], z[1], z[0]. */
AVX2_INLINE __m256i zetas_len8_rev(const int16_t *z)
{
    return _mm256_inserti128_si256(_mm256_set1_epi16(z[1]), _mm_set1_epi16(z[0]), 1);
}

AVX2_INLINE __m256i zetas_len4_rev(const int16_t *z)
{
    const __m128i rev = _mm_setr_epi8(6, 7, 4, 5, 2, 3, 0, 1, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m128i w = _mm_shuffle_epi8(_mm_loadl_epi64((const __m128i *)z), rev);
    const __m128i d = _mm_unpacklo_epi16(w, w);
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_unpacklo_epi32(d, d)),
                                   _mm_unpackhi_epi32(d, d), 1);
}

AVX2_INLINE __m256i zetas_len2_rev(const int16_t *z)
{
    const __m128i rev = _mm_setr_epi8(14, 15, 12, 13, 10, 11, 8, 9, 6, 7, 4, 5, 2, 3, 0, 1);
    const __m128i w = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)z), rev);
    return _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_unpacklo_epi16(w, w)),
                                   _mm_unpackhi_epi16(w, w), 1);
}

AVX2_INLINE __m256i times_qinv(__m256i z)
{
    return _mm256_mullo_epi16(z, _mm256_set1_epi16(QINV_I16));
}

AVX2_INLINE __m256i load16(const int16_t *p)
{
    return _mm256_loadu_si256((const __m256i *)p);
}

AVX2_INLINE void store16(int16_t *p, __m256i v)
{
    _mm256_storeu_si256((__m256i *)p, v);
}

/* ------------------------------------------------------------------------
 * NTT [FIPS203, Algorithm 9] and inverse NTT [FIPS203, Algorithm 10]
 * ------------------------------------------------------------------------ */

/*
 * Vector i holds c[16i .. 16i+15]. The layers len = 128, 64, 32 pair vector
 * i with i + 8, i + 4, i + 2, so the even and the odd vectors are two
 * independent sets of eight: each is loaded once for the three layers. The
 * layers len = 16 .. 2 stay within a 32-coefficient block (vectors 2b and
 * 2b + 1), which is loaded once for the four layers.
 */
AVX2 static void ntt_avx2(poly *f)
{
    int16_t *c = f->c;

    for (unsigned h = 0; h < 2; h++) {
        __m256i v[8];
        for (unsigned i = 0; i < 8; i++) {
            v[i] = load16(c + 16 * (2 * i + h));
        }
        /* len = 128: zeta index 1; v[i] (vector 2i+h) with v[i + 4]. */
        __m256i z = _mm256_set1_epi16(pqce_mlkem_zetas[1]), zq = times_qinv(z);
        for (unsigned i = 0; i < 4; i++) {
            CT_BUTTERFLY(v[i], v[i + 4], z, zq);
        }
        /* len = 64: blocks of 128, zeta indices 2 and 3. */
        for (unsigned blk = 0; blk < 2; blk++) {
            z = _mm256_set1_epi16(pqce_mlkem_zetas[2 + blk]);
            zq = times_qinv(z);
            for (unsigned i = 0; i < 2; i++) {
                CT_BUTTERFLY(v[4 * blk + i], v[4 * blk + i + 2], z, zq);
            }
        }
        /* len = 32: blocks of 64, zeta indices 4 .. 7. */
        for (unsigned blk = 0; blk < 4; blk++) {
            z = _mm256_set1_epi16(pqce_mlkem_zetas[4 + blk]);
            zq = times_qinv(z);
            CT_BUTTERFLY(v[2 * blk], v[2 * blk + 1], z, zq);
        }
        for (unsigned i = 0; i < 8; i++) {
            store16(c + 16 * (2 * i + h), v[i]);
        }
    }

    for (unsigned b = 0; b < 8; b++) {
        __m256i x = load16(c + 32 * b), y = load16(c + 32 * b + 16), z, zq;
        /* len = 16: zeta index 8 + b. */
        z = _mm256_set1_epi16(pqce_mlkem_zetas[8 + b]);
        zq = times_qinv(z);
        CT_BUTTERFLY(x, y, z, zq);
        /* len = 8: zeta indices 16 + 2b, 17 + 2b. */
        SWAP128(x, y);
        z = zetas_len8(&pqce_mlkem_zetas[16 + 2 * b]);
        CT_BUTTERFLY(x, y, z, times_qinv(z));
        /* len = 4: zeta indices 32 + 4b .. 35 + 4b. */
        SWAP64(x, y);
        z = zetas_len4(&pqce_mlkem_zetas[32 + 4 * b]);
        CT_BUTTERFLY(x, y, z, times_qinv(z));
        /* len = 2: zeta indices 64 + 8b .. 71 + 8b. */
        SWAP32(x, y);
        z = zetas_len2(&pqce_mlkem_zetas[64 + 8 * b]);
        CT_BUTTERFLY(x, y, z, times_qinv(z));
        SWAP32(x, y);
        SWAP64(x, y);
        SWAP128(x, y);
        store16(c + 32 * b, x);
        store16(c + 32 * b + 16, y);
    }
}

/*
 * The portable order in reverse: layers len = 2 .. 16 per 32-coefficient
 * block, then len = 32, 64, 128 and the final scaling on the even and the
 * odd vectors. Zeta indices count down from 127 as in mlkem_poly.c: the
 * block starting at s in the layer len uses index 256/len - 1 - s/(2 len).
 * The sums are Barrett-reduced in the layers len = 8 and len = 64, as in
 * the portable code.
 */
AVX2 static void invntt_avx2(poly *f)
{
    int16_t *c = f->c;

    for (unsigned b = 0; b < 8; b++) {
        __m256i x = load16(c + 32 * b), y = load16(c + 32 * b + 16), z, zq;
        SWAP128(x, y);
        SWAP64(x, y);
        SWAP32(x, y);
        /* len = 2: indices 127 - 8b down to 120 - 8b. */
        z = zetas_len2_rev(&pqce_mlkem_zetas[120 - 8 * b]);
        GS_BUTTERFLY(x, y, z, times_qinv(z), 0);
        /* len = 4: indices 63 - 4b down to 60 - 4b. */
        SWAP32(x, y);
        z = zetas_len4_rev(&pqce_mlkem_zetas[60 - 4 * b]);
        GS_BUTTERFLY(x, y, z, times_qinv(z), 0);
        /* len = 8: indices 31 - 2b, 30 - 2b; sums reduced. */
        SWAP64(x, y);
        z = zetas_len8_rev(&pqce_mlkem_zetas[30 - 2 * b]);
        GS_BUTTERFLY(x, y, z, times_qinv(z), 1);
        SWAP128(x, y);
        /* len = 16: index 15 - b. */
        z = _mm256_set1_epi16(pqce_mlkem_zetas[15 - b]);
        zq = times_qinv(z);
        GS_BUTTERFLY(x, y, z, zq, 0);
        store16(c + 32 * b, x);
        store16(c + 32 * b + 16, y);
    }

    const __m256i scale = _mm256_set1_epi16(PQCE_MLKEM_INVNTT_SCALE);
    const __m256i scale_q = _mm256_set1_epi16(TIMES_QINV(PQCE_MLKEM_INVNTT_SCALE));
    for (unsigned h = 0; h < 2; h++) {
        __m256i v[8], z, zq;
        for (unsigned i = 0; i < 8; i++) {
            v[i] = load16(c + 16 * (2 * i + h));
        }
        /* len = 32: indices 7 down to 4. */
        for (unsigned blk = 0; blk < 4; blk++) {
            z = _mm256_set1_epi16(pqce_mlkem_zetas[7 - blk]);
            zq = times_qinv(z);
            GS_BUTTERFLY(v[2 * blk], v[2 * blk + 1], z, zq, 0);
        }
        /* len = 64: indices 3, 2; sums reduced. */
        for (unsigned blk = 0; blk < 2; blk++) {
            z = _mm256_set1_epi16(pqce_mlkem_zetas[3 - blk]);
            zq = times_qinv(z);
            for (unsigned i = 0; i < 2; i++) {
                GS_BUTTERFLY(v[4 * blk + i], v[4 * blk + i + 2], z, zq, 1);
            }
        }
        /* len = 128: index 1. */
        z = _mm256_set1_epi16(pqce_mlkem_zetas[1]);
        zq = times_qinv(z);
        for (unsigned i = 0; i < 4; i++) {
            GS_BUTTERFLY(v[i], v[i + 4], z, zq, 0);
        }
        for (unsigned i = 0; i < 8; i++) {
            store16(c + 16 * (2 * i + h), mont_mul_pre(v[i], scale, scale_q));
        }
    }
}

/* ------------------------------------------------------------------------
 * Products in T_q [FIPS203, Algorithms 11, 12] and reductions
 * ------------------------------------------------------------------------ */

AVX2 static void mulcache_avx2(pqce_mlkem_mulcache *x, const poly *b)
{
    for (unsigned g = 0; g < 8; g++) {
        /* The odd coefficients b[2i+1] of 32 coefficients, in order:
         * sign-extended into 32-bit lanes, packed back (vpackssdw works
         * per 128-bit half, vpermq restores the order). */
        const __m256i o0 = _mm256_srai_epi32(load16(b->c + 32 * g), 16);
        const __m256i o1 = _mm256_srai_epi32(load16(b->c + 32 * g + 16), 16);
        const __m256i odd = _mm256_permute4x64_epi64(_mm256_packs_epi32(o0, o1), 0xD8);
        const __m256i gamma = load16(pqce_mlkem_gammas + 16 * g);
        store16(x->c + 16 * g, mont_mul_pre(odd, gamma, times_qinv(gamma)));
    }
}

AVX2 static void basemul_acc_avx2(poly *r, const poly *a, const poly *b,
                                  const pqce_mlkem_mulcache *bx, unsigned k)
{
    /* Swaps the two int16 halves of each 32-bit lane: (b0, b1) -> (b1, b0). */
    const __m256i swap16 = _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, 2,
                                            3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
    const __m256i qinv = _mm256_set1_epi16(QINV_I16);
    const __m256i q = _mm256_set1_epi16(PQCE_MLKEM_Q);

    for (unsigned v = 0; v < PQCE_MLKEM_N / 16; v++) {
        /* Eight pairs i: c0 = sum_j a0*b0 + a1*bx_i, c1 = sum_j a0*b1 + a1*b0
         * as int32, the portable sums (below q * 2^15, see mlkem_poly.c). */
        __m256i c0 = _mm256_setzero_si256(), c1 = _mm256_setzero_si256();
        for (unsigned j = 0; j < k; j++) {
            const __m256i av = load16(a[j].c + 16 * v); /* (a0, a1) per pair */
            const __m256i bv = load16(b[j].c + 16 * v); /* (b0, b1) per pair */
            const __m256i xv =
                _mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)(bx[j].c + 8 * v)));
            const __m256i b0x = _mm256_blend_epi16(bv, _mm256_slli_epi32(xv, 16), 0xAA);
            c0 = _mm256_add_epi32(c0, _mm256_madd_epi16(av, b0x));
            c1 = _mm256_add_epi32(c1, _mm256_madd_epi16(av, _mm256_shuffle_epi8(bv, swap16)));
        }
        /* mont_reduce of each sum on 16-bit halves, the results interleaved
         * as (c0, c1) per pair: lo = low halves, hi = high halves. */
        const __m256i lo = _mm256_blend_epi16(c0, _mm256_slli_epi32(c1, 16), 0xAA);
        const __m256i hi = _mm256_blend_epi16(_mm256_srli_epi32(c0, 16), c1, 0xAA);
        const __m256i t = _mm256_mullo_epi16(lo, qinv);
        store16(r->c + 16 * v, _mm256_sub_epi16(hi, _mm256_mulhi_epi16(t, q)));
    }
}

AVX2 static void reduce_avx2(poly *f)
{
    for (unsigned i = 0; i < PQCE_MLKEM_N / 16; i++) {
        store16(f->c + 16 * i, barrett_reduce(load16(f->c + 16 * i)));
    }
}

AVX2 static void tomont_avx2(poly *f)
{
    const __m256i r2 = _mm256_set1_epi16(PQCE_MLKEM_MONT_R2);
    const __m256i r2q = _mm256_set1_epi16(TIMES_QINV(PQCE_MLKEM_MONT_R2));
    for (unsigned i = 0; i < PQCE_MLKEM_N / 16; i++) {
        store16(f->c + 16 * i, mont_mul_pre(load16(f->c + 16 * i), r2, r2q));
    }
}

/* ------------------------------------------------------------------------
 * Compress and encode, decode and decompress [FIPS203, 4.2.1, Algorithms 5, 6]
 * ------------------------------------------------------------------------ */

/*
 * Compress_d of 16 coefficients, the portable computation lane by lane:
 * x = canonical(barrett(c)), then floor(((x << d) + (q-1)/2) * M / 2^35)
 * mod 2^d with M = PQCE_MLKEM_COMPRESS_M (mlkem_poly.h), on 32-bit lanes
 * whose 64-bit products vpmuludq forms (even lanes, then odd lanes).
 */
AVX2_INLINE __m256i compress16(__m256i c, const unsigned d)
{
    const __m256i m = _mm256_set1_epi64x(PQCE_MLKEM_COMPRESS_M);
    const __m256i half_q = _mm256_set1_epi32((PQCE_MLKEM_Q - 1) / 2);
    __m256i x = barrett_reduce(c);
    x = _mm256_add_epi16(
        x, _mm256_and_si256(_mm256_srai_epi16(x, 15), _mm256_set1_epi16(PQCE_MLKEM_Q)));
    __m256i w[2] = {_mm256_cvtepu16_epi32(_mm256_castsi256_si128(x)),
                    _mm256_cvtepu16_epi32(_mm256_extracti128_si256(x, 1))};
    for (unsigned h = 0; h < 2; h++) {
        const __m256i t = _mm256_add_epi32(_mm256_slli_epi32(w[h], (int)d), half_q);
        const __m256i even = _mm256_mul_epu32(t, m);
        const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(t, 32), m);
        /* quotients < 2^12: the even one to the low, the odd one to the
         * high 32 bits of each 64-bit lane */
        w[h] = _mm256_blend_epi32(_mm256_srli_epi64(even, PQCE_MLKEM_COMPRESS_SHIFT),
                                  _mm256_srli_epi64(odd, PQCE_MLKEM_COMPRESS_SHIFT - 32), 0xAA);
    }
    const __m256i q16 = _mm256_permute4x64_epi64(_mm256_packus_epi32(w[0], w[1]), 0xD8);
    return _mm256_and_si256(q16, _mm256_set1_epi16((int16_t)((1u << d) - 1)));
}

/*
 * The bit layout shared by encoding and decoding 16 values of d bits
 * (ByteEncode_d, least significant bit first): values 0..7 fill the d bytes
 * of the low 128-bit half, values 8..15 those of the high half. Within a
 * half, values 0..3 are the 4d low bits of the first 64-bit lane and 4..7
 * the 4d low bits of the second; within a 64-bit lane, two values form each
 * 32-bit half, one per 16-bit half. The second 64-bit lane's bits start at
 * bit 4d of the d bytes: byte fb = 4d/8, bit s = 4d mod 8 (0 or 4).
 */
typedef struct bit_layout {
    __m256i lo_bytes; /* vpshufb: bytes 0 .. ca-1 of a half from/to lane 0 */
    __m256i hi_bytes; /* vpshufb: bytes fb .. d-1 of a half from/to lane 1 */
    __m256i hi_shift; /* 0, s, 0, s: the second lane's bit offset */
} bit_layout;

/* The vpshufb controls for d; encode moves lanes to bytes, decode bytes to
 * lanes. Index 0x80 writes a zero byte. */
AVX2_INLINE bit_layout make_layout(const unsigned d, int decode)
{
    const unsigned fb = 4 * d / 8, ca = (4 * d + 7) / 8, s = 4 * d % 8;
    int8_t lo[16], hi[16];
    for (unsigned i = 0; i < 16; i++) {
        if (decode) {
            /* lane 0 (bytes 0..7) <- half bytes 0..ca-1; lane 1 (bytes 8..15)
             * <- half bytes fb..d-1 */
            lo[i] = (int8_t)(i < ca ? i : 0x80);
            hi[i] = (int8_t)(i >= 8 && i - 8 < d - fb ? fb + i - 8 : 0x80);
        } else {
            /* half bytes 0..ca-1 <- lane 0; half bytes fb..d-1 <- lane 1 */
            lo[i] = (int8_t)(i < ca ? i : 0x80);
            hi[i] = (int8_t)(i >= fb && i < d ? 8 + i - fb : 0x80);
        }
    }
    bit_layout l;
    l.lo_bytes = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)lo));
    l.hi_bytes = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)hi));
    l.hi_shift = _mm256_setr_epi64x(0, (long long)s, 0, (long long)s);
    return l;
}

/* Largest output of ByteEncode_d (d = 11), and room for 16-byte stores and
 * loads past its end. */
#define CODEC_BUF_BYTES (32 * 11 + 16)

/*
 * ByteEncode_d(Compress_d(f)) for d in {1, 4, 5, 10, 11}, 16 coefficients
 * (2d bytes) per step. The halves are written with 16-byte stores into a
 * local buffer, each overwriting the excess of the one before, and the
 * 32d bytes are copied out. The buffer is wiped: for d = 1 it holds the
 * message m' of K-PKE.Decrypt.
 */
AVX2_INLINE void compress_encode_d(uint8_t *r, const poly *f, const unsigned d)
{
    uint8_t buf[CODEC_BUF_BYTES];
    const bit_layout l = make_layout(d, 0);
    const __m256i pair = _mm256_set1_epi32((int)(((1u << d) << 16) | 1u)); /* v0 + 2^d v1 */
    const __m256i low32 = _mm256_set1_epi64x(0xFFFFFFFF);
    for (unsigned g = 0; g < PQCE_MLKEM_N / 16; g++) {
        const __m256i v = compress16(load16(f->c + 16 * g), d);
        const __m256i x = _mm256_madd_epi16(v, pair); /* 2d bits per 32-bit half */
        const __m256i y = _mm256_or_si256(
            _mm256_and_si256(x, low32), _mm256_slli_epi64(_mm256_srli_epi64(x, 32), (int)(2 * d)));
        const __m256i z = _mm256_sllv_epi64(y, l.hi_shift);
        const __m256i b =
            _mm256_or_si256(_mm256_shuffle_epi8(z, l.lo_bytes), _mm256_shuffle_epi8(z, l.hi_bytes));
        _mm_storeu_si128((__m128i *)(buf + 2 * d * g), _mm256_castsi256_si128(b));
        _mm_storeu_si128((__m128i *)(buf + 2 * d * g + d), _mm256_extracti128_si256(b, 1));
    }
    memcpy(r, buf, 32 * (size_t)d);
    pqce_memzero(buf, sizeof buf);
}

AVX2 static void compress_encode_avx2(uint8_t *r, const poly *f, unsigned d)
{
    switch (d) {
    case 1:
        compress_encode_d(r, f, 1);
        break;
    case 4:
        compress_encode_d(r, f, 4);
        break;
    case 5:
        compress_encode_d(r, f, 5);
        break;
    case 10:
        compress_encode_d(r, f, 10);
        break;
    case 11:
        compress_encode_d(r, f, 11);
        break;
    default:
        pqce_mlkem_poly_compress_encode(r, f, d);
        break;
    }
}

/*
 * Decompress_d(ByteDecode_d(a)) for d in {1, 4, 5, 10, 11}: the bits are
 * spread into 16-bit lanes by the inverse of the moves above, and
 * Decompress_d(y) = (y q + 2^(d-1)) >> d is vpmulhrsw(y 2^(15-d), q) =
 * (y 2^(15-d) q + 2^14) >> 15, the same integer. The 32d input bytes are
 * first copied into a padded buffer so that the 16-byte loads stay inside
 * it; it is wiped (for d = 1 it holds the message m of K-PKE.Encrypt).
 */
AVX2_INLINE void decode_decompress_d(poly *r, const uint8_t *a, const unsigned d)
{
    uint8_t buf[CODEC_BUF_BYTES];
    const bit_layout l = make_layout(d, 1);
    /* bytes 0..7 of each half's control from lo_bytes, 8..15 from hi_bytes */
    const __m256i gather = _mm256_blend_epi32(l.lo_bytes, l.hi_bytes, 0xCC);
    const __m256i mask4d = _mm256_set1_epi64x((long long)((1ull << (4 * d)) - 1));
    const __m256i mask2d = _mm256_set1_epi64x((long long)((1ull << (2 * d)) - 1));
    const __m256i maskd = _mm256_set1_epi32((int)((1u << d) - 1));
    const __m256i q = _mm256_set1_epi16(PQCE_MLKEM_Q);
    memcpy(buf, a, 32 * (size_t)d);
    memset(buf + 32 * d, 0, sizeof buf - 32 * d);
    for (unsigned g = 0; g < PQCE_MLKEM_N / 16; g++) {
        const __m256i half = _mm256_inserti128_si256(
            _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(buf + 2 * d * g))),
            _mm_loadu_si128((const __m128i *)(buf + 2 * d * g + d)), 1);
        const __m256i y = _mm256_and_si256(
            _mm256_srlv_epi64(_mm256_shuffle_epi8(half, gather), l.hi_shift), mask4d);
        const __m256i x = _mm256_or_si256(
            _mm256_and_si256(y, mask2d), _mm256_slli_epi64(_mm256_srli_epi64(y, (int)(2 * d)), 32));
        const __m256i v = _mm256_or_si256(_mm256_and_si256(x, maskd),
                                          _mm256_slli_epi32(_mm256_srli_epi32(x, (int)d), 16));
        store16(r->c + 16 * g, _mm256_mulhrs_epi16(_mm256_slli_epi16(v, (int)(15 - d)), q));
    }
    pqce_memzero(buf, sizeof buf);
}

AVX2 static void decode_decompress_avx2(poly *r, const uint8_t *a, unsigned d)
{
    switch (d) {
    case 1:
        decode_decompress_d(r, a, 1);
        break;
    case 4:
        decode_decompress_d(r, a, 4);
        break;
    case 5:
        decode_decompress_d(r, a, 5);
        break;
    case 10:
        decode_decompress_d(r, a, 10);
        break;
    case 11:
        decode_decompress_d(r, a, 11);
        break;
    default:
        pqce_mlkem_poly_decode_decompress(r, a, d);
        break;
    }
}

/* ------------------------------------------------------------------------
 * SampleNTT, four entries at once [FIPS203, Algorithm 7]
 * ------------------------------------------------------------------------ */

/*
 * Generated by scripts/gen_mlkem_tables.py --avx2: entry m holds the
 * positions of the set bits of m, one per byte, in increasing order. It
 * turns the accept mask of eight candidates into the shuffle that moves the
 * accepted ones to the front, in order. Indexed by the mask, which is
 * public (it depends only on rho).
 */
static const uint64_t rej_compact[256] = {
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000000001u, 0x0000000000000100u,
    0x0000000000000002u, 0x0000000000000200u, 0x0000000000000201u, 0x0000000000020100u,
    0x0000000000000003u, 0x0000000000000300u, 0x0000000000000301u, 0x0000000000030100u,
    0x0000000000000302u, 0x0000000000030200u, 0x0000000000030201u, 0x0000000003020100u,
    0x0000000000000004u, 0x0000000000000400u, 0x0000000000000401u, 0x0000000000040100u,
    0x0000000000000402u, 0x0000000000040200u, 0x0000000000040201u, 0x0000000004020100u,
    0x0000000000000403u, 0x0000000000040300u, 0x0000000000040301u, 0x0000000004030100u,
    0x0000000000040302u, 0x0000000004030200u, 0x0000000004030201u, 0x0000000403020100u,
    0x0000000000000005u, 0x0000000000000500u, 0x0000000000000501u, 0x0000000000050100u,
    0x0000000000000502u, 0x0000000000050200u, 0x0000000000050201u, 0x0000000005020100u,
    0x0000000000000503u, 0x0000000000050300u, 0x0000000000050301u, 0x0000000005030100u,
    0x0000000000050302u, 0x0000000005030200u, 0x0000000005030201u, 0x0000000503020100u,
    0x0000000000000504u, 0x0000000000050400u, 0x0000000000050401u, 0x0000000005040100u,
    0x0000000000050402u, 0x0000000005040200u, 0x0000000005040201u, 0x0000000504020100u,
    0x0000000000050403u, 0x0000000005040300u, 0x0000000005040301u, 0x0000000504030100u,
    0x0000000005040302u, 0x0000000504030200u, 0x0000000504030201u, 0x0000050403020100u,
    0x0000000000000006u, 0x0000000000000600u, 0x0000000000000601u, 0x0000000000060100u,
    0x0000000000000602u, 0x0000000000060200u, 0x0000000000060201u, 0x0000000006020100u,
    0x0000000000000603u, 0x0000000000060300u, 0x0000000000060301u, 0x0000000006030100u,
    0x0000000000060302u, 0x0000000006030200u, 0x0000000006030201u, 0x0000000603020100u,
    0x0000000000000604u, 0x0000000000060400u, 0x0000000000060401u, 0x0000000006040100u,
    0x0000000000060402u, 0x0000000006040200u, 0x0000000006040201u, 0x0000000604020100u,
    0x0000000000060403u, 0x0000000006040300u, 0x0000000006040301u, 0x0000000604030100u,
    0x0000000006040302u, 0x0000000604030200u, 0x0000000604030201u, 0x0000060403020100u,
    0x0000000000000605u, 0x0000000000060500u, 0x0000000000060501u, 0x0000000006050100u,
    0x0000000000060502u, 0x0000000006050200u, 0x0000000006050201u, 0x0000000605020100u,
    0x0000000000060503u, 0x0000000006050300u, 0x0000000006050301u, 0x0000000605030100u,
    0x0000000006050302u, 0x0000000605030200u, 0x0000000605030201u, 0x0000060503020100u,
    0x0000000000060504u, 0x0000000006050400u, 0x0000000006050401u, 0x0000000605040100u,
    0x0000000006050402u, 0x0000000605040200u, 0x0000000605040201u, 0x0000060504020100u,
    0x0000000006050403u, 0x0000000605040300u, 0x0000000605040301u, 0x0000060504030100u,
    0x0000000605040302u, 0x0000060504030200u, 0x0000060504030201u, 0x0006050403020100u,
    0x0000000000000007u, 0x0000000000000700u, 0x0000000000000701u, 0x0000000000070100u,
    0x0000000000000702u, 0x0000000000070200u, 0x0000000000070201u, 0x0000000007020100u,
    0x0000000000000703u, 0x0000000000070300u, 0x0000000000070301u, 0x0000000007030100u,
    0x0000000000070302u, 0x0000000007030200u, 0x0000000007030201u, 0x0000000703020100u,
    0x0000000000000704u, 0x0000000000070400u, 0x0000000000070401u, 0x0000000007040100u,
    0x0000000000070402u, 0x0000000007040200u, 0x0000000007040201u, 0x0000000704020100u,
    0x0000000000070403u, 0x0000000007040300u, 0x0000000007040301u, 0x0000000704030100u,
    0x0000000007040302u, 0x0000000704030200u, 0x0000000704030201u, 0x0000070403020100u,
    0x0000000000000705u, 0x0000000000070500u, 0x0000000000070501u, 0x0000000007050100u,
    0x0000000000070502u, 0x0000000007050200u, 0x0000000007050201u, 0x0000000705020100u,
    0x0000000000070503u, 0x0000000007050300u, 0x0000000007050301u, 0x0000000705030100u,
    0x0000000007050302u, 0x0000000705030200u, 0x0000000705030201u, 0x0000070503020100u,
    0x0000000000070504u, 0x0000000007050400u, 0x0000000007050401u, 0x0000000705040100u,
    0x0000000007050402u, 0x0000000705040200u, 0x0000000705040201u, 0x0000070504020100u,
    0x0000000007050403u, 0x0000000705040300u, 0x0000000705040301u, 0x0000070504030100u,
    0x0000000705040302u, 0x0000070504030200u, 0x0000070504030201u, 0x0007050403020100u,
    0x0000000000000706u, 0x0000000000070600u, 0x0000000000070601u, 0x0000000007060100u,
    0x0000000000070602u, 0x0000000007060200u, 0x0000000007060201u, 0x0000000706020100u,
    0x0000000000070603u, 0x0000000007060300u, 0x0000000007060301u, 0x0000000706030100u,
    0x0000000007060302u, 0x0000000706030200u, 0x0000000706030201u, 0x0000070603020100u,
    0x0000000000070604u, 0x0000000007060400u, 0x0000000007060401u, 0x0000000706040100u,
    0x0000000007060402u, 0x0000000706040200u, 0x0000000706040201u, 0x0000070604020100u,
    0x0000000007060403u, 0x0000000706040300u, 0x0000000706040301u, 0x0000070604030100u,
    0x0000000706040302u, 0x0000070604030200u, 0x0000070604030201u, 0x0007060403020100u,
    0x0000000000070605u, 0x0000000007060500u, 0x0000000007060501u, 0x0000000706050100u,
    0x0000000007060502u, 0x0000000706050200u, 0x0000000706050201u, 0x0000070605020100u,
    0x0000000007060503u, 0x0000000706050300u, 0x0000000706050301u, 0x0000070605030100u,
    0x0000000706050302u, 0x0000070605030200u, 0x0000070605030201u, 0x0007060503020100u,
    0x0000000007060504u, 0x0000000706050400u, 0x0000000706050401u, 0x0000070605040100u,
    0x0000000706050402u, 0x0000070605040200u, 0x0000070605040201u, 0x0007060504020100u,
    0x0000000706050403u, 0x0000070605040300u, 0x0000070605040301u, 0x0007060504030100u,
    0x0000070605040302u, 0x0007060504030200u, 0x0007060504030201u, 0x0706050403020100u,
};

/* The vpshufb control that moves the accepted candidates of mask m (eight
 * int16 lanes) to the front: bytes 2i, 2i + 1 for each listed position i. */
AVX2_INLINE __m128i rej_shuffle(uint32_t m)
{
    const __m128i idx = _mm_cvtsi64_si128((long long)rej_compact[m]);
    const __m128i lo = _mm_add_epi8(idx, idx);
    return _mm_unpacklo_epi8(lo, _mm_add_epi8(lo, _mm_set1_epi8(1)));
}

/*
 * pqce_mlkem_sample_ntt_parse with 16 candidates per step while at least 16
 * free slots remain; the portable parser finishes (the last slots and any
 * bytes left). The accepted candidates are written in order, so the result
 * is the portable one. Each step reads 24 bytes: bytes 0..15 into the low
 * half of a vector and 8..23 into the high half, and vpshufb gathers the
 * two bytes under each 12-bit candidate (d1 = b0 + 256 (b1 mod 16),
 * d2 = b1 / 16 + 16 b2 [FIPS203, Algorithm 7, steps 7-8]).
 */
AVX2 static unsigned rej_uniform_avx2(int16_t *a, unsigned n, const uint8_t *b, size_t len)
{
    const __m256i q = _mm256_set1_epi16(PQCE_MLKEM_Q);
    const __m256i low12 = _mm256_set1_epi16(0x0FFF);
    const __m256i gather = _mm256_setr_epi8(0, 1, 1, 2, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10, 10, 11, 4, 5,
                                            5, 6, 7, 8, 8, 9, 10, 11, 11, 12, 13, 14, 14, 15);
    size_t p = 0;

    for (; p + 24 <= len && n <= PQCE_MLKEM_N - 16; p += 24) {
        const __m256i raw = _mm256_inserti128_si256(
            _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(b + p))),
            _mm_loadu_si128((const __m128i *)(b + p + 8)), 1);
        const __m256i w = _mm256_shuffle_epi8(raw, gather);
        /* even lanes d1 = low 12 bits, odd lanes d2 = high 12 bits */
        const __m256i d =
            _mm256_blend_epi16(_mm256_and_si256(w, low12), _mm256_srli_epi16(w, 4), 0xAA);
        const __m256i good = _mm256_cmpgt_epi16(q, d); /* d < q */
        const uint32_t bits =
            (uint32_t)_mm256_movemask_epi8(_mm256_packs_epi16(good, _mm256_setzero_si256()));
        const uint32_t m0 = bits & 0xFFu, m1 = (bits >> 16) & 0xFFu;
        _mm_storeu_si128((__m128i *)(a + n),
                         _mm_shuffle_epi8(_mm256_castsi256_si128(d), rej_shuffle(m0)));
        n += (unsigned)_mm_popcnt_u32(m0);
        _mm_storeu_si128((__m128i *)(a + n),
                         _mm_shuffle_epi8(_mm256_extracti128_si256(d, 1), rej_shuffle(m1)));
        n += (unsigned)_mm_popcnt_u32(m1);
    }
    return pqce_mlkem_sample_ntt_parse(a, n, b + p, len - p);
}

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

/* SampleNTT(rho || x || y) of one job, with the scalar Keccak (cheaper than
 * a 4-way permutation with three idle lanes). */
AVX2 static void sample_ntt_one(const uint8_t rho[32], const sample_job *job)
{
    uint8_t seed[34];
    uint8_t buf[SAMPLE_NTT_BUF_BYTES];
    pqce_keccak xof;

    memcpy(seed, rho, 32);
    seed[32] = job->x;
    seed[33] = job->y;
    pqce_keccak_init(&xof, PQCE_SHAKE128_RATE);
    pqce_keccak_absorb(&xof, seed, sizeof seed);
    pqce_keccak_finalize(&xof, PQCE_KECCAK_SUFFIX_SHAKE);
    pqce_keccak_squeezeblocks(&xof, buf, SAMPLE_NTT_FIRST_BLOCKS);
    unsigned n = rej_uniform_avx2(job->a->c, 0, buf, sizeof buf);
    while (n < PQCE_MLKEM_N) {
        pqce_keccak_squeezeblocks(&xof, buf, 1);
        n = rej_uniform_avx2(job->a->c, n, buf, PQCE_SHAKE128_RATE);
    }
}

/*
 * SampleNTT(rho || x || y) for count = 2..4 jobs with one 4-way SHAKE128;
 * idle lanes repeat the last job's seed and their output is ignored. The
 * loop condition depends on how many candidates were accepted, which is
 * public (rho is part of ek).
 */
AVX2 static void sample_ntt_x4(const uint8_t rho[32], const sample_job *jobs, unsigned count)
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
        n[j] = rej_uniform_avx2(jobs[j].a->c, 0, buf[j], SAMPLE_NTT_BUF_BYTES);
        pending |= (unsigned)(n[j] < PQCE_MLKEM_N);
    }
    while (pending) {
        pqce_keccak_x4_squeezeblocks(&st, out, 1);
        pending = 0;
        for (unsigned j = 0; j < count; j++) {
            if (n[j] < PQCE_MLKEM_N) {
                n[j] = rej_uniform_avx2(jobs[j].a->c, n[j], buf[j], PQCE_SHAKE128_RATE);
            }
            pending |= (unsigned)(n[j] < PQCE_MLKEM_N);
        }
    }
    /* rho and A-hat are public: nothing to wipe. */
}

AVX2 static void sample_ntt_jobs(const uint8_t rho[32], const sample_job *jobs, unsigned count)
{
    if (count == 1) {
        sample_ntt_one(rho, &jobs[0]);
    } else if (count > 1) {
        sample_ntt_x4(rho, jobs, count);
    }
}

/* pqce_mlkem_polymat_sample, the nrows*k entries in batches of four. */
AVX2 static void polymat_sample_avx2(poly *a, const uint8_t rho[32], unsigned k, int transposed,
                                     unsigned row0, unsigned nrows)
{
    sample_job jobs[4];
    unsigned count = 0;
    for (unsigned r = 0; r < nrows; r++) {
        const unsigned i = row0 + r;
        for (unsigned j = 0; j < k; j++) {
            jobs[count].a = &a[r * k + j];
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

/*
 * SamplePolyCBD_2 of 128 bytes, as in mlkem_sample.c: byte i holds the
 * eight bits of coefficients 2i (low nibble) and 2i + 1 (high nibble);
 * adding each bit pair in place (mask 0x55) leaves x and y of each
 * coefficient in two-bit fields. 32 coefficients per step.
 */
AVX2 static void cbd2_avx2(poly *f, const uint8_t *b)
{
    const __m128i m55 = _mm_set1_epi8(0x55), m3 = _mm_set1_epi8(3);
    for (unsigned g = 0; g < 8; g++) {
        const __m128i w = _mm_loadu_si128((const __m128i *)(b + 16 * g));
        const __m128i t =
            _mm_add_epi8(_mm_and_si128(w, m55), _mm_and_si128(_mm_srli_epi16(w, 1), m55));
        /* Shifting 16-bit lanes moves bits across bytes; the masks drop them. */
        const __m128i lo =
            _mm_sub_epi8(_mm_and_si128(t, m3), _mm_and_si128(_mm_srli_epi16(t, 2), m3));
        const __m128i hi = _mm_sub_epi8(_mm_and_si128(_mm_srli_epi16(t, 4), m3),
                                        _mm_and_si128(_mm_srli_epi16(t, 6), m3));
        store16(f->c + 32 * g, _mm256_cvtepi8_epi16(_mm_unpacklo_epi8(lo, hi)));
        store16(f->c + 32 * g + 16, _mm256_cvtepi8_epi16(_mm_unpackhi_epi8(lo, hi)));
    }
}

/*
 * SamplePolyCBD_3 of 192 bytes: each 3 bytes hold four coefficients of six
 * bits (x: bits 6j..6j+2, y: 6j+3..6j+5). Each 16-bit lane gets the byte
 * pair that holds its field (vpshufb), a multiplication by 2^(10 - offset)
 * and a shift by 10 isolate it, and the bit sums are formed in place (mask
 * 0b001001). Each step reads 12 bytes: 0..7 into the low half, 4..11 into
 * the high half, so that nothing past the 192 bytes is read.
 */
AVX2 static void cbd3_avx2(poly *f, const uint8_t *b)
{
    const __m256i gather = _mm256_setr_epi8(0, 1, 0, 1, 1, 2, 1, 2, 3, 4, 3, 4, 4, 5, 4, 5, 2, 3, 2,
                                            3, 3, 4, 3, 4, 5, 6, 5, 6, 6, 7, 6, 7);
    const __m256i align = _mm256_setr_epi16(1 << 10, 1 << 4, 1 << 6, 1, 1 << 10, 1 << 4, 1 << 6, 1,
                                            1 << 10, 1 << 4, 1 << 6, 1, 1 << 10, 1 << 4, 1 << 6, 1);
    const __m256i m9 = _mm256_set1_epi16(9), m7 = _mm256_set1_epi16(7);
    for (unsigned g = 0; g < 16; g++) {
        const uint8_t *p = b + 12 * g;
        const __m256i raw =
            _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadl_epi64((const __m128i *)p)),
                                    _mm_loadl_epi64((const __m128i *)(p + 4)), 1);
        const __m256i field =
            _mm256_srli_epi16(_mm256_mullo_epi16(_mm256_shuffle_epi8(raw, gather), align), 10);
        const __m256i s =
            _mm256_add_epi16(_mm256_add_epi16(_mm256_and_si256(field, m9),
                                              _mm256_and_si256(_mm256_srli_epi16(field, 1), m9)),
                             _mm256_and_si256(_mm256_srli_epi16(field, 2), m9));
        store16(f->c + 16 * g, _mm256_sub_epi16(_mm256_and_si256(s, m7), _mm256_srli_epi16(s, 3)));
    }
}

AVX2 static void cbd_avx2(poly *f, const uint8_t *b, unsigned eta)
{
    if (eta == 2) {
        cbd2_avx2(f, b);
    } else {
        cbd3_avx2(f, b);
    }
}

/* PRF_eta output is 64*eta bytes: one SHAKE256 block for eta = 2, two for
 * eta = 3. */
#define NOISE_MAX_BLOCKS 2

/* f = SamplePolyCBD_eta(PRF_eta(s, n)) with the scalar Keccak, for a lone
 * polynomial. */
AVX2 static void sample_noise_one(poly *f, const uint8_t s[32], uint8_t n, unsigned eta)
{
    uint8_t in[33];
    uint8_t buf[64 * 3];
    memcpy(in, s, 32);
    in[32] = n;
    pqce_keccak_shake256(buf, 64 * (size_t)eta, in, sizeof in);
    cbd_avx2(f, buf, eta);
    pqce_memzero(in, sizeof in);
    pqce_memzero(buf, sizeof buf);
}

/* count = 2..4 noise polynomials f[i] from PRF_eta(s, n + i); idle lanes
 * repeat the last nonce. The PRF output is secret and wiped. */
AVX2 static void sample_noise_x4(poly *f, const uint8_t s[32], uint8_t n, unsigned count,
                                 unsigned eta)
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
        cbd_avx2(&f[j], buf[j], eta);
    }
    pqce_memzero(in_bytes, sizeof in_bytes);
    pqce_memzero(buf, sizeof buf);
    pqce_keccak_x4_wipe(&st);
}

/* pqce_mlkem_polyvec_sample_noise in batches of four. */
AVX2 static void polyvec_sample_noise_avx2(poly *f, const uint8_t s[32], uint8_t n, unsigned count,
                                           unsigned eta)
{
    for (unsigned i = 0; i < count; i += 4) {
        const unsigned m = count - i < 4 ? count - i : 4;
        if (m == 1) {
            sample_noise_one(&f[i], s, (uint8_t)(n + i), eta);
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
    ntt_avx2,
    invntt_avx2,
    mulcache_avx2,
    basemul_acc_avx2,
    reduce_avx2,
    tomont_avx2,
    pqce_mlkem_poly_encode12_avx2,
    pqce_mlkem_poly_decode12_avx2,
    compress_encode_avx2,
    decode_decompress_avx2,
};

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int pqce_mlkem_avx2_not_compiled;
#endif /* PQCE_AVX2_COMPILED */
