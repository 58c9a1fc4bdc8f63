/*
 * mldsa_poly.c - the NTT, pointwise products and rounding of ML-DSA
 * [FIPS204, 7.4 to 7.6]. See mldsa_poly.h for the ranges each function
 * needs and returns.
 */
#include "crypto/mldsa_poly.h"

#include "pqce.h"

/*
 * zetas_mont[k] = 1753^BitRev8(k) * 2^32 mod q, as the representative in
 * (-q/2, q/2): the twiddle factors of [FIPS204, Appendix B] in Montgomery
 * form, so that pqce_mldsa_montgomery_reduce(zeta * a) = 1753^BitRev8(k) * a.
 * Generated from that definition by scripts/gen_mldsa_zetas.py.
 */
static const int32_t zetas_mont[256] = {
    -4186625, 25847,    -2608894, -518909,  237124,   -777960,  -876248,  466468,   1826347,
    2353451,  -359251,  -2091905, 3119733,  -2884855, 3111497,  2680103,  2725464,  1024112,
    -1079900, 3585928,  -549488,  -1119584, 2619752,  -2108549, -2118186, -3859737, -1399561,
    -3277672, 1757237,  -19422,   4010497,  280005,   2706023,  95776,    3077325,  3530437,
    -1661693, -3592148, -2537516, 3915439,  -3861115, -3043716, 3574422,  -2867647, 3539968,
    -300467,  2348700,  -539299,  -1699267, -1643818, 3505694,  -3821735, 3507263,  -2140649,
    -1600420, 3699596,  811944,   531354,   954230,   3881043,  3900724,  -2556880, 2071892,
    -2797779, -3930395, -1528703, -3677745, -3041255, -1452451, 3475950,  2176455,  -1585221,
    -1257611, 1939314,  -4083598, -1000202, -3190144, -3157330, -3632928, 126922,   3412210,
    -983419,  2147896,  2715295,  -2967645, -3693493, -411027,  -2477047, -671102,  -1228525,
    -22981,   -1308169, -381987,  1349076,  1852771,  -1430430, -3343383, 264944,   508951,
    3097992,  44288,    -1100098, 904516,   3958618,  -3724342, -8578,    1653064,  -3249728,
    2389356,  -210977,  759969,   -1316856, 189548,   -3553272, 3159746,  -1851402, -2409325,
    -177440,  1315589,  1341330,  1285669,  -1584928, -812732,  -1439742, -3019102, -3881060,
    -3628969, 3839961,  2091667,  3407706,  2316500,  3817976,  -3342478, 2244091,  -2446433,
    -3562462, 266997,   2434439,  -1235728, 3513181,  -3520352, -3759364, -1197226, -3193378,
    900702,   1859098,  909542,   819034,   495491,   -1613174, -43260,   -522500,  -655327,
    -3122442, 2031748,  3207046,  -3556995, -525098,  -768622,  -3595838, 342297,   286988,
    -2437823, 4108315,  3437287,  -3342277, 1735879,  203044,   2842341,  2691481,  -2590150,
    1265009,  4055324,  1247620,  2486353,  1595974,  -3767016, 1250494,  2635921,  -3548272,
    -2994039, 1869119,  1903435,  -1050970, -1333058, 1237275,  -3318210, -1430225, -451100,
    1312455,  3306115,  -1962642, -1279661, 1917081,  -2546312, -1374803, 1500165,  777191,
    2235880,  3406031,  -542412,  -2831860, -1671176, -1846953, -2584293, -3724270, 594136,
    -3776993, -2013608, 2432395,  2454455,  -164721,  1957272,  3369112,  185531,   -1207385,
    -3183426, 162844,   1616392,  3014001,  810149,   1652634,  -3694233, -1799107, -3038916,
    3523897,  3866901,  269760,   2213111,  -975884,  1717735,  472078,   -426683,  1723600,
    -1803090, 1910376,  -1667432, -1104333, -260646,  -3833893, -2939036, -2235985, -420899,
    -2286327, 183443,   -976891,  1612842,  -3545687, -554416,  3919660,  -48306,   -1362209,
    3937738,  1400424,  -846154,  1976782,
};

/* 2^64 / 256 mod q (centered): one Montgomery product by it removes the
 * 2^-32 of the pointwise product and applies the 1/256 of [FIPS204,
 * Algorithm 42, line 21] (there written f = 8347681 = 256^-1 mod q). */
#define INVNTT_F 41978
/* -zetas[1] * INVNTT_F * 2^-32 mod q (centered): the twiddle of the last
 * inverse layer with the final scaling folded in. Also from
 * scripts/gen_mldsa_zetas.py. */
#define INVNTT_F_ZETA1 3975713

static inline int32_t mont_mul(int64_t z, int32_t a)
{
    return pqce_mldsa_montgomery_reduce(z * a);
}

/* Cooley-Tukey butterfly of [FIPS204, Algorithm 41, lines 8 to 10]. */
#define CT_BUTTERFLY(x, y, z)            \
    do {                                 \
        int32_t t_ = mont_mul((z), (y)); \
        (y) = (x)-t_;                    \
        (x) = (x) + t_;                  \
    } while (0)

/* Gentleman-Sande butterfly of [FIPS204, Algorithm 42, lines 10 to 13]. */
#define GS_BUTTERFLY(x, y, z)          \
    do {                               \
        int32_t t_ = (x);              \
        (x) = t_ + (y);                \
        (y) = mont_mul((z), t_ - (y)); \
    } while (0)

/*
 * The layers of [FIPS204, Algorithm 41] run two at a time: layer len and
 * layer len/2 only mix the 4 coefficients j, j + len/2, j + len, j + 3len/2
 * of a block of 2 len, so each set of 4 is loaded once, passes both
 * layers in registers and is stored once. The butterflies and twiddles
 * are exactly those of the pseudocode: in layer d (len = 128 >> d) the
 * block starting at `start` is group g = start / (2 len) and uses
 * zetas[2^d + g]. The last two layers (len = 2, 1) work on aligned blocks
 * of 4 in the same way.
 */
void pqce_mldsa_ntt(pqce_mldsa_poly *a)
{
    int32_t *w = a->c;
    for (unsigned d = 0; d < 6; d += 2) {
        const unsigned len = 128u >> d, half = len / 2;
        for (unsigned g = 0; g < (1u << d); g++) {
            const unsigned start = g * 2 * len;
            const int64_t z1 = zetas_mont[(1u << d) + g];
            const int64_t z2a = zetas_mont[(2u << d) + 2 * g];
            const int64_t z2b = zetas_mont[(2u << d) + 2 * g + 1];
            for (unsigned j = start; j < start + half; j++) {
                int32_t x0 = w[j], x1 = w[j + half], x2 = w[j + len], x3 = w[j + len + half];
                CT_BUTTERFLY(x0, x2, z1);
                CT_BUTTERFLY(x1, x3, z1);
                CT_BUTTERFLY(x0, x1, z2a);
                CT_BUTTERFLY(x2, x3, z2b);
                w[j] = x0, w[j + half] = x1, w[j + len] = x2, w[j + len + half] = x3;
            }
        }
    }
    for (unsigned b = 0; b < PQCE_MLDSA_N / 4; b++) {
        int32_t *x = w + 4 * b;
        int32_t x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
        const int64_t z2 = zetas_mont[64 + b];
        CT_BUTTERFLY(x0, x2, z2);
        CT_BUTTERFLY(x1, x3, z2);
        CT_BUTTERFLY(x0, x1, zetas_mont[128 + 2 * b]);
        CT_BUTTERFLY(x2, x3, zetas_mont[129 + 2 * b]);
        x[0] = x0, x[1] = x1, x[2] = x2, x[3] = x3;
    }
}

/*
 * [FIPS204, Algorithm 42], two layers at a time as in the forward
 * transform. Inverse layer d (len = 128 >> d, from d = 7 down to 0) uses
 * -zetas[2^(d+1) - 1 - g] for group g = start / (2 len). The
 * multiplication by f of line 21 is folded into the last layer (len =
 * 128), whose outputs are Montgomery products anyway.
 *
 * Bounds: an input below q in magnitude at most doubles per layer on the
 * sum side (the difference side is Montgomery-reduced below q), so before
 * the last layer |c| < 128 q and its sums stay below 256 q < 2^31: no
 * overflow, and no intermediate reduction is needed.
 */
void pqce_mldsa_invntt(pqce_mldsa_poly *a)
{
    int32_t *w = a->c;
    for (unsigned b = 0; b < PQCE_MLDSA_N / 4; b++) {
        int32_t *x = w + 4 * b;
        int32_t x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
        const int64_t z2 = -(int64_t)zetas_mont[127 - b];
        GS_BUTTERFLY(x0, x1, -(int64_t)zetas_mont[255 - 2 * b]);
        GS_BUTTERFLY(x2, x3, -(int64_t)zetas_mont[254 - 2 * b]);
        GS_BUTTERFLY(x0, x2, z2);
        GS_BUTTERFLY(x1, x3, z2);
        x[0] = x0, x[1] = x1, x[2] = x2, x[3] = x3;
    }
    /* layer pairs (d, d - 1) = (5, 4), (3, 2) */
    for (unsigned d = 5; d >= 3; d -= 2) {
        const unsigned len = 128u >> d;
        for (unsigned g2 = 0; g2 < (1u << (d - 1)); g2++) {
            const unsigned start = g2 * 4 * len;
            const int64_t za = -(int64_t)zetas_mont[(2u << d) - 1 - 2 * g2];
            const int64_t zb = -(int64_t)zetas_mont[(2u << d) - 2 - 2 * g2];
            const int64_t zc = -(int64_t)zetas_mont[(1u << d) - 1 - g2];
            for (unsigned j = start; j < start + len; j++) {
                int32_t x0 = w[j], x1 = w[j + len], x2 = w[j + 2 * len], x3 = w[j + 3 * len];
                GS_BUTTERFLY(x0, x1, za);
                GS_BUTTERFLY(x2, x3, zb);
                GS_BUTTERFLY(x0, x2, zc);
                GS_BUTTERFLY(x1, x3, zc);
                w[j] = x0, w[j + len] = x1, w[j + 2 * len] = x2, w[j + 3 * len] = x3;
            }
        }
    }
    /* layers d = 1 (len = 64, twiddles -zetas[3], -zetas[2]) and d = 0
     * (len = 128, -zetas[1], with f folded in) */
    const int64_t za = -(int64_t)zetas_mont[3], zb = -(int64_t)zetas_mont[2];
    for (unsigned j = 0; j < 64; j++) {
        int32_t x0 = w[j], x1 = w[j + 64], x2 = w[j + 128], x3 = w[j + 192], t;
        GS_BUTTERFLY(x0, x1, za);
        GS_BUTTERFLY(x2, x3, zb);
        t = x0;
        x0 = mont_mul(INVNTT_F, t + x2);
        x2 = mont_mul(INVNTT_F_ZETA1, t - x2);
        t = x1;
        x1 = mont_mul(INVNTT_F, t + x3);
        x3 = mont_mul(INVNTT_F_ZETA1, t - x3);
        w[j] = x0, w[j + 64] = x1, w[j + 128] = x2, w[j + 192] = x3;
    }
}

void pqce_mldsa_poly_pointwise(pqce_mldsa_poly *r, const pqce_mldsa_poly *a,
                               const pqce_mldsa_poly *b)
{
    for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
        r->c[i] = pqce_mldsa_montgomery_reduce((int64_t)a->c[i] * b->c[i]);
    }
}

void pqce_mldsa_poly_dot(pqce_mldsa_poly *r, const pqce_mldsa_poly *a, const pqce_mldsa_poly *b,
                         size_t len)
{
    for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
        int64_t acc = 0;
        for (size_t j = 0; j < len; j++) {
            acc += (int64_t)a[j].c[i] * b[j].c[i];
        }
        r->c[i] = pqce_mldsa_montgomery_reduce(acc);
    }
}

void pqce_mldsa_challenge_from_poly(pqce_mldsa_challenge *ch, const pqce_mldsa_poly *c)
{
    unsigned n = 0;
    for (unsigned i = 0; i < PQCE_MLDSA_N && n < sizeof ch->pos; i++) {
        if (c->c[i] != 0) {
            ch->pos[n] = (uint8_t)i;
            ch->neg[n] = c->c[i] < 0;
            n++;
        }
    }
    ch->n = n;
}

void pqce_mldsa_poly_mul_challenge(pqce_mldsa_poly *r, const pqce_mldsa_challenge *c,
                                   const pqce_mldsa_poly *s)
{
    /* acc holds the product in Z[X] of degree < 512; X^256 = -1 folds it
     * at the end. Every term is then one fixed-length pass of 256
     * additions at offset pos, which the compiler vectorizes. */
    int32_t acc[2 * PQCE_MLDSA_N];
    const int32_t *in = s->c;
    for (unsigned i = 0; i < 2 * PQCE_MLDSA_N; i++) {
        acc[i] = 0;
    }
    for (unsigned t = 0; t < c->n; t++) {
        int32_t *dst = acc + c->pos[t];
        if (c->neg[t]) {
            for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
                dst[i] -= in[i];
            }
        } else {
            for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
                dst[i] += in[i];
            }
        }
    }
    for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
        r->c[i] = acc[i] - acc[i + PQCE_MLDSA_N];
    }
    pqce_memzero(acc, sizeof acc);
}

void pqce_mldsa_poly_mul_challenge16(pqce_mldsa_poly *r, const pqce_mldsa_challenge *c,
                                     const pqce_mldsa_poly16 *s)
{
    int16_t acc[2 * PQCE_MLDSA_N];
    const int16_t *in = s->c;
    for (unsigned i = 0; i < 2 * PQCE_MLDSA_N; i++) {
        acc[i] = 0;
    }
    for (unsigned t = 0; t < c->n; t++) {
        int16_t *dst = acc + c->pos[t];
        if (c->neg[t]) {
            for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
                dst[i] = (int16_t)(dst[i] - in[i]);
            }
        } else {
            for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
                dst[i] = (int16_t)(dst[i] + in[i]);
            }
        }
    }
    for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
        r->c[i] = (int32_t)acc[i] - (int32_t)acc[i + PQCE_MLDSA_N];
    }
    pqce_memzero(acc, sizeof acc);
}

void pqce_mldsa_poly_caddq(pqce_mldsa_poly *a)
{
    for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
        a->c[i] = pqce_mldsa_caddq(a->c[i]);
    }
}

void pqce_mldsa_poly_center(pqce_mldsa_poly *a)
{
    for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
        a->c[i] = pqce_mldsa_center(a->c[i]);
    }
}

uint32_t pqce_mldsa_poly_exceeds(const pqce_mldsa_poly *a, int32_t bound)
{
    uint32_t bad = 0;
    for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
        /* sign bit of bound - 1 - |c| is set iff |c| >= bound */
        bad |= (uint32_t)(bound - 1 - pqce_mldsa_abs(a->c[i]));
    }
    return 0u - (bad >> 31);
}

void pqce_mldsa_poly_power2round(pqce_mldsa_poly *t1, pqce_mldsa_poly *t0, const pqce_mldsa_poly *a)
{
    for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
        t1->c[i] = pqce_mldsa_power2round(&t0->c[i], a->c[i]);
    }
}

void pqce_mldsa_poly_highbits(pqce_mldsa_poly *w1, const pqce_mldsa_poly *a, int32_t gamma2)
{
    int32_t r0;
    if (gamma2 == PQCE_MLDSA_GAMMA2_32) {
        for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
            w1->c[i] = pqce_mldsa_decompose32(&r0, a->c[i]);
        }
    } else {
        for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
            w1->c[i] = pqce_mldsa_decompose88(&r0, a->c[i]);
        }
    }
}

uint32_t pqce_mldsa_poly_lowbits_exceed(const pqce_mldsa_poly *a, int32_t gamma2, int32_t bound)
{
    uint32_t bad = 0;
    int32_t r0;
    if (gamma2 == PQCE_MLDSA_GAMMA2_32) {
        for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
            (void)pqce_mldsa_decompose32(&r0, a->c[i]);
            bad |= (uint32_t)(bound - 1 - pqce_mldsa_abs(r0));
        }
    } else {
        for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
            (void)pqce_mldsa_decompose88(&r0, a->c[i]);
            bad |= (uint32_t)(bound - 1 - pqce_mldsa_abs(r0));
        }
    }
    return 0u - (bad >> 31);
}

uint32_t pqce_mldsa_poly_make_hint(pqce_mldsa_poly *h, const pqce_mldsa_poly *r,
                                   const pqce_mldsa_poly *ct0, int32_t gamma2)
{
    uint32_t ones = 0;
    for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
        /* MakeHint(z, v) with z = -ct0 and v = r + ct0, both taken mod q:
         * v + z = r, so h = [HighBits(r + ct0) != HighBits(r)]. */
        int32_t neg = pqce_mldsa_caddq_ct(-ct0->c[i]);
        /* r + ct0 lies in (-q/2, 3q/2): two conditional additions of q
         * bring it to [0, q). */
        int32_t v = pqce_mldsa_caddq_ct(pqce_mldsa_caddq_ct(r->c[i] + ct0->c[i]) - PQCE_MLDSA_Q);
        h->c[i] = pqce_mldsa_make_hint(neg, v, gamma2);
        ones += (uint32_t)h->c[i];
    }
    return ones;
}

void pqce_mldsa_poly_use_hint(pqce_mldsa_poly *w1, const uint8_t h[PQCE_MLDSA_N],
                              const pqce_mldsa_poly *w, int32_t gamma2)
{
    for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
        w1->c[i] = pqce_mldsa_use_hint(h[i], w->c[i], gamma2);
    }
}
