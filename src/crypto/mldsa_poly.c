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

/*
 * Layers with len = 128 down to 4 run as in the pseudocode. The last two
 * (len = 2 and len = 1) only mix coefficients inside aligned blocks of 4,
 * so they run block by block, with the 4 values held in registers: the
 * same butterflies with the same twiddles, zetas[64 + b] for len = 2 and
 * zetas[128 + 2b], zetas[129 + 2b] for len = 1 in block b.
 */
void pqce_mldsa_ntt(pqce_mldsa_poly *a)
{
    int32_t *w = a->c;
    unsigned m = 0;
    for (unsigned len = 128; len >= 4; len >>= 1) {
        for (unsigned start = 0; start < PQCE_MLDSA_N; start += 2 * len) {
            const int64_t z = zetas_mont[++m];
            for (unsigned j = start; j < start + len; j++) {
                int32_t t = mont_mul(z, w[j + len]);
                w[j + len] = w[j] - t;
                w[j] = w[j] + t;
            }
        }
    }
    for (unsigned b = 0; b < PQCE_MLDSA_N / 4; b++) {
        int32_t *x = w + 4 * b;
        int32_t x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3], t;
        const int64_t z2 = zetas_mont[64 + b];
        const int64_t z1a = zetas_mont[128 + 2 * b], z1b = zetas_mont[129 + 2 * b];
        t = mont_mul(z2, x2);
        x2 = x0 - t;
        x0 = x0 + t;
        t = mont_mul(z2, x3);
        x3 = x1 - t;
        x1 = x1 + t;
        t = mont_mul(z1a, x1);
        x1 = x0 - t;
        x0 = x0 + t;
        t = mont_mul(z1b, x3);
        x3 = x2 - t;
        x2 = x2 + t;
        x[0] = x0, x[1] = x1, x[2] = x2, x[3] = x3;
    }
}

/*
 * Bounds: an input below q in magnitude at most doubles per layer on the
 * sum side (the difference side is Montgomery-reduced below q), so before
 * the last layer |c| < 128 q and its sums stay below 256 q < 2^31: no
 * overflow, and no intermediate reduction is needed.
 *
 * The first two layers (len = 1, 2) run block by block as in the forward
 * transform (twiddles -zetas[255 - 2b], -zetas[254 - 2b], then
 * -zetas[127 - b]); the multiplication by f of line 21 is folded into the
 * last layer (len = 128), whose outputs are Montgomery products anyway.
 */
void pqce_mldsa_invntt(pqce_mldsa_poly *a)
{
    int32_t *w = a->c;
    for (unsigned b = 0; b < PQCE_MLDSA_N / 4; b++) {
        int32_t *x = w + 4 * b;
        int32_t x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3], t;
        const int64_t z1a = -(int64_t)zetas_mont[255 - 2 * b];
        const int64_t z1b = -(int64_t)zetas_mont[254 - 2 * b];
        const int64_t z2 = -(int64_t)zetas_mont[127 - b];
        t = x0;
        x0 = t + x1;
        x1 = mont_mul(z1a, t - x1);
        t = x2;
        x2 = t + x3;
        x3 = mont_mul(z1b, t - x3);
        t = x0;
        x0 = t + x2;
        x2 = mont_mul(z2, t - x2);
        t = x1;
        x1 = t + x3;
        x3 = mont_mul(z2, t - x3);
        x[0] = x0, x[1] = x1, x[2] = x2, x[3] = x3;
    }
    unsigned m = 64;
    for (unsigned len = 4; len < PQCE_MLDSA_N / 2; len <<= 1) {
        for (unsigned start = 0; start < PQCE_MLDSA_N; start += 2 * len) {
            const int64_t z = -(int64_t)zetas_mont[--m];
            for (unsigned j = start; j < start + len; j++) {
                int32_t t = w[j];
                w[j] = t + w[j + len];
                w[j + len] = mont_mul(z, t - w[j + len]);
            }
        }
    }
    for (unsigned j = 0; j < PQCE_MLDSA_N / 2; j++) {
        int32_t t = w[j];
        w[j] = mont_mul(INVNTT_F, t + w[j + PQCE_MLDSA_N / 2]);
        w[j + PQCE_MLDSA_N / 2] = mont_mul(INVNTT_F_ZETA1, t - w[j + PQCE_MLDSA_N / 2]);
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
        int32_t neg = pqce_mldsa_caddq(-ct0->c[i]);
        /* r + ct0 lies in (-q/2, 3q/2): two conditional additions of q
         * bring it to [0, q). */
        int32_t v = pqce_mldsa_caddq(pqce_mldsa_caddq(r->c[i] + ct0->c[i]) - PQCE_MLDSA_Q);
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
