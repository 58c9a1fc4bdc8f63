/*
 * mldsa_poly.h - arithmetic in R_q = Z_q[X]/(X^256 + 1) for ML-DSA
 * [FIPS204, 7.4 to 7.6]: Montgomery reduction, the NTT and its inverse,
 * and the rounding functions Power2Round, Decompose, HighBits, LowBits,
 * MakeHint and UseHint.
 *
 * Representation: a coefficient is an int32_t congruent to the true value
 * modulo q. Each function states the range it needs and the range it
 * returns; these bounds keep every intermediate inside int32_t (int64_t
 * for products) without reducing after every operation (lazy reduction).
 *
 * Everything here is constant time: no branch, memory index or division
 * depends on a coefficient. The only branches are on the parameter set
 * (gamma2), which is public.
 */
#ifndef PQCE_CRYPTO_MLDSA_POLY_H
#define PQCE_CRYPTO_MLDSA_POLY_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/mldsa_params.h"

typedef struct pqce_mldsa_poly {
    int32_t c[PQCE_MLDSA_N];
} pqce_mldsa_poly;

#define PQCE_MLDSA_QINV      58728449                  /* q^-1 mod 2^32 */
#define PQCE_MLDSA_GAMMA2_88 ((PQCE_MLDSA_Q - 1) / 88) /* ML-DSA-44 */
#define PQCE_MLDSA_GAMMA2_32 ((PQCE_MLDSA_Q - 1) / 32) /* ML-DSA-65, -87 */

/* ---- scalar arithmetic modulo q ---------------------------------------- */

/*
 * Montgomery reduction: for |a| < 2^31 * q returns r = a * 2^-32 mod q
 * with |r| < q. t is chosen so that a - t*q = 0 mod 2^32, which makes the
 * shift exact; t is computed with wrapping uint32_t arithmetic and
 * reinterpreted as signed. Right-shifting a negative int64_t is an
 * arithmetic shift on every compiler this project supports (GCC, Clang).
 */
static inline int32_t pqce_mldsa_montgomery_reduce(int64_t a)
{
    int32_t t = (int32_t)((uint32_t)(uint64_t)a * (uint32_t)PQCE_MLDSA_QINV);
    return (int32_t)((a - (int64_t)t * PQCE_MLDSA_Q) >> 32);
}

/* For |a| < 2^31 - 2^22 returns r = a mod q with |r| < 2^23 - 2^21 < q:
 * a - round(a / 2^23) q, since 2^23 - q = 2^13 - 1 is small. */
static inline int32_t pqce_mldsa_reduce32(int32_t a)
{
    int32_t t = (a + (1 << 22)) >> 23;
    return a - t * PQCE_MLDSA_Q;
}

/* A value barrier for masks: the compiler can no longer see that a mask is
 * 0 or all-ones, so it cannot turn the select back into a branch (clang 14
 * does that for the sign-mask idiom below). Not used inside loops that
 * should vectorise on public data. */
static inline int32_t pqce_mldsa_ct_mask(int32_t m)
{
#if defined(__GNUC__) || defined(__clang__)
    __asm__("" : "+r"(m));
#endif
    return m;
}

/* For |a| < q returns a mod q in [0, q). */
static inline int32_t pqce_mldsa_caddq(int32_t a)
{
    return a + ((a >> 31) & PQCE_MLDSA_Q);
}

/* caddq for secret values in the signing path (MakeHint), with the mask
 * behind a barrier. */
static inline int32_t pqce_mldsa_caddq_ct(int32_t a)
{
    return a + (pqce_mldsa_ct_mask(a >> 31) & PQCE_MLDSA_Q);
}

/* For |a| < q returns the representative of a mod q in [-(q-1)/2, (q-1)/2],
 * written "mod+-" in [FIPS204, 2.3]. */
static inline int32_t pqce_mldsa_center(int32_t a)
{
    a = pqce_mldsa_caddq(a);
    return a - ((((PQCE_MLDSA_Q - 1) / 2 - a) >> 31) & PQCE_MLDSA_Q);
}

/* |a| for |a| < 2^31, without a branch. */
static inline int32_t pqce_mldsa_abs(int32_t a)
{
    int32_t m = a >> 31;
    return (a ^ m) - m;
}

/* ---- rounding [FIPS204, 7.4] -------------------------------------------- */

/*
 * Power2Round [FIPS204, Algorithm 35] for r in [0, q): returns r1 and sets
 * *r0 with r = r1 * 2^d + r0 and r0 in (-2^(d-1), 2^(d-1)].
 * r1 = floor((r + 2^(d-1) - 1) / 2^d) is exactly (r - (r mod+- 2^d)) / 2^d.
 */
static inline int32_t pqce_mldsa_power2round(int32_t *r0, int32_t r)
{
    int32_t r1 = (r + (1 << (PQCE_MLDSA_D - 1)) - 1) >> PQCE_MLDSA_D;
    *r0 = r - (r1 << PQCE_MLDSA_D);
    return r1;
}

/*
 * Decompose [FIPS204, Algorithm 36] for r in [0, q): returns r1 and sets
 * *r0 with r = r1 * 2 gamma2 + r0 mod q, r0 in (-gamma2, gamma2], except
 * in the case r - r0 = q - 1 where r1 = 0 and r0 is decreased by one.
 *
 * Deviation from the pseudocode (same result): r0 = r mod+- 2 gamma2
 * means r1' = (r - r0) / (2 gamma2) = floor((r + gamma2 - 1) / (2 gamma2)).
 * That quotient is computed without a division instruction (a secret
 * divided by a non-power of two, the KyberSlash pattern): 2 gamma2 =
 * 2^9 * 1023 (gamma2 = (q-1)/32) or 2^11 * 93 (gamma2 = (q-1)/88), so we
 * shift out the power of two and replace the division by 1023 or 93 with
 * a multiplication by ceil(2^24 / 1023) = 16401 or ceil(2^18 / 93) = 2819
 * and a shift. test_mldsa.c proves the result equal to the pseudocode for
 * every r in [0, q). The special case r1' = (q-1) / (2 gamma2) is folded
 * in with a mask.
 */
static inline int32_t pqce_mldsa_decompose32(int32_t *r0, int32_t r)
{
    const int32_t g2 = PQCE_MLDSA_GAMMA2_32;
    int32_t r1 = (((r + g2 - 1) >> 9) * 16401) >> 24;
    int32_t lo = r - r1 * 2 * g2;
    /* all-ones iff r1 == 16 = (q-1) / (2 gamma2) */
    int32_t wrap = pqce_mldsa_ct_mask(-(int32_t)((uint32_t)((r1 ^ 16) - 1) >> 31));
    *r0 = lo + wrap; /* lo - 1 in the special case */
    return r1 & ~wrap;
}

static inline int32_t pqce_mldsa_decompose88(int32_t *r0, int32_t r)
{
    const int32_t g2 = PQCE_MLDSA_GAMMA2_88;
    int32_t r1 = (((r + g2 - 1) >> 11) * 2819) >> 18;
    int32_t lo = r - r1 * 2 * g2;
    /* all-ones iff r1 == 44 = (q-1) / (2 gamma2) */
    int32_t wrap = pqce_mldsa_ct_mask(-(int32_t)((uint32_t)((r1 ^ 44) - 1) >> 31));
    *r0 = lo + wrap;
    return r1 & ~wrap;
}

static inline int32_t pqce_mldsa_decompose(int32_t *r0, int32_t r, int32_t gamma2)
{
    return gamma2 == PQCE_MLDSA_GAMMA2_32 ? pqce_mldsa_decompose32(r0, r)
                                          : pqce_mldsa_decompose88(r0, r);
}

/* HighBits [FIPS204, Algorithm 37] and LowBits [FIPS204, Algorithm 38]. */
static inline int32_t pqce_mldsa_highbits(int32_t r, int32_t gamma2)
{
    int32_t r0;
    return pqce_mldsa_decompose(&r0, r, gamma2);
}

static inline int32_t pqce_mldsa_lowbits(int32_t r, int32_t gamma2)
{
    int32_t r0;
    (void)pqce_mldsa_decompose(&r0, r, gamma2);
    return r0;
}

/* MakeHint [FIPS204, Algorithm 39] for z, r in [0, q): 1 if adding z to r
 * changes HighBits, else 0. */
static inline int32_t pqce_mldsa_make_hint(int32_t z, int32_t r, int32_t gamma2)
{
    int32_t rz = r + z - PQCE_MLDSA_Q;
    rz = pqce_mldsa_caddq_ct(rz);
    uint32_t d = (uint32_t)(pqce_mldsa_highbits(r, gamma2) ^ pqce_mldsa_highbits(rz, gamma2));
    return (int32_t)((d | (0u - d)) >> 31);
}

/* UseHint [FIPS204, Algorithm 40] for h in {0, 1} and r in [0, q). Used by
 * verification only, on public data, but branch-free all the same. */
static inline int32_t pqce_mldsa_use_hint(int32_t h, int32_t r, int32_t gamma2)
{
    int32_t r0;
    int32_t r1 = pqce_mldsa_decompose(&r0, r, gamma2);
    int32_t m = gamma2 == PQCE_MLDSA_GAMMA2_32 ? 16 : 44; /* (q-1) / (2 gamma2) */
    /* step = +1 if r0 > 0, -1 otherwise; applied only when h = 1 */
    int32_t step = 1 - 2 * (int32_t)((uint32_t)(r0 - 1) >> 31);
    int32_t v = r1 + (step & -h);
    /* v in [-1, m]: wrap modulo m */
    v += (v >> 31) & m;
    v -= m & -(int32_t)((uint32_t)(m - 1 - v) >> 31);
    return v;
}

/* ---- polynomials ------------------------------------------------------- */

/* NTT [FIPS204, Algorithm 41], in place. Input |c| < q; output |c| < 9q
 * (each of the 8 layers adds less than q). */
void pqce_mldsa_ntt(pqce_mldsa_poly *a);

/* NTT^-1 [FIPS204, Algorithm 42], in place, for input carrying the factor
 * 2^-32 that one Montgomery product leaves (pointwise/dot below): the
 * result is the plain inverse transform. Input |c| < q; output |c| < q. */
void pqce_mldsa_invntt(pqce_mldsa_poly *a);

/* r = a o b * 2^-32 (MultiplyNTT [FIPS204, Algorithm 45] with the
 * Montgomery factor). Inputs |c| < 9q; output |c| < q. r may alias. */
void pqce_mldsa_poly_pointwise(pqce_mldsa_poly *r, const pqce_mldsa_poly *a,
                               const pqce_mldsa_poly *b);

/* r = (sum_j a[j] o b[j]) * 2^-32: one entry of a matrix-vector product
 * in the NTT domain [FIPS204, Algorithm 48], reduced once per coefficient.
 * Needs len * max|a| * max|b| < 2^31 q, e.g. len <= 7, |a| < q, |b| < 9q.
 * Output |c| < q. r must not alias a or b. */
void pqce_mldsa_poly_dot(pqce_mldsa_poly *r, const pqce_mldsa_poly *a, const pqce_mldsa_poly *b,
                         size_t len);

/*
 * The challenge c of SampleInBall as a list of its tau non-zero
 * coefficients: c = sum_t (-1)^neg[t] X^pos[t]. c is public (mldsa.c says
 * why), so code may branch and index on it.
 */
typedef struct pqce_mldsa_challenge {
    uint8_t pos[64];
    uint8_t neg[64];
    unsigned n;
} pqce_mldsa_challenge;

/* Lists the non-zero coefficients of c (each +1 or -1). */
void pqce_mldsa_challenge_from_poly(pqce_mldsa_challenge *ch, const pqce_mldsa_poly *c);

/*
 * r = c * s in Z[X]/(X^256 + 1), exactly over the integers, as sums and
 * differences of negacyclic shifts of s: tau passes of 256 additions,
 * against one NTT of s, a pointwise product and an inverse NTT. Since c
 * has tau coefficients +-1, |r_i| <= tau * max|s_i|, which the callers keep
 * below q / 2 (s1, s2, t0, t1 of any encoding), so r is the centered
 * representative of NTT^-1(NTT(c) o NTT(s)). Constant time in s; the
 * access pattern depends on c only. r must not alias s.
 */
void pqce_mldsa_poly_mul_challenge(pqce_mldsa_poly *r, const pqce_mldsa_challenge *c,
                                   const pqce_mldsa_poly *s);

/* A polynomial with small coefficients (|c| < 2^15 / 64), for s1 and s2. */
typedef struct pqce_mldsa_poly16 {
    int16_t c[PQCE_MLDSA_N];
} pqce_mldsa_poly16;

/* The same product for |s_i| <= 511 (s1, s2 of any encoding have
 * |s_i| <= 11), in 16-bit lanes: |r_i| <= 64 * 511 < 2^15. */
void pqce_mldsa_poly_mul_challenge16(pqce_mldsa_poly *r, const pqce_mldsa_challenge *c,
                                     const pqce_mldsa_poly16 *s);

/* Every coefficient from |c| < q to [0, q). */
void pqce_mldsa_poly_caddq(pqce_mldsa_poly *a);

/* Every coefficient from |c| < q to [-(q-1)/2, (q-1)/2]. */
void pqce_mldsa_poly_center(pqce_mldsa_poly *a);

/* All-ones if some coefficient has |c| >= bound, else 0; for |c| < 2^31 - 1.
 * Constant time: the caller declassifies the result where the standard
 * makes it public. */
uint32_t pqce_mldsa_poly_exceeds(const pqce_mldsa_poly *a, int32_t bound);

/* Power2Round on every coefficient of a (in [0, q)). */
void pqce_mldsa_poly_power2round(pqce_mldsa_poly *t1, pqce_mldsa_poly *t0,
                                 const pqce_mldsa_poly *a);

/* HighBits of every coefficient of a (in [0, q)). */
void pqce_mldsa_poly_highbits(pqce_mldsa_poly *w1, const pqce_mldsa_poly *a, int32_t gamma2);

/* All-ones if some LowBits(a_i) has absolute value >= bound (a in [0, q)). */
uint32_t pqce_mldsa_poly_lowbits_exceed(const pqce_mldsa_poly *a, int32_t gamma2, int32_t bound);

/*
 * h = MakeHint(-ct0, r + ct0) coefficient-wise, the hint of [FIPS204,
 * Algorithm 7, line 26], for r = w - cs2 in [0, q) and ct0 centered with
 * |ct0| < q. Returns the number of ones in h.
 */
uint32_t pqce_mldsa_poly_make_hint(pqce_mldsa_poly *h, const pqce_mldsa_poly *r,
                                   const pqce_mldsa_poly *ct0, int32_t gamma2);

/* w1 = UseHint(h, w) coefficient-wise, w in [0, q), h in {0, 1}. w1 may
 * alias w. */
void pqce_mldsa_poly_use_hint(pqce_mldsa_poly *w1, const uint8_t h[PQCE_MLDSA_N],
                              const pqce_mldsa_poly *w, int32_t gamma2);

#endif /* PQCE_CRYPTO_MLDSA_POLY_H */
