/*
 * keccak.c - Keccak-p[1600,24] and the sponge construction [FIPS202].
 *
 * Lanes are kept in 25 local variables so that the compiler can hold them
 * in registers across a round; lane (x, y) is a{x + 5y}, as in [FIPS202,
 * 3.1.4]. A round computes each output row from its five rho/pi-moved
 * lanes, so only five temporaries are live at once. The permutation has no data-dependent branch or
 * index, so it is constant time in the state.
 */
#include "crypto/keccak.h"

#include <string.h>

#include "core/config.h"
#include "pqce.h"

#define ROL64(x, n) (((x) << (n)) | ((x) >> ((64 - (n)) & 63)))

/* Round constants RC[ir] [FIPS202, Algorithms 5 and 6], computed from the
 * LFSR rc(t) for ir = 0..23. Shared with the 4-way permutation (keccak_x4.c). */
const uint64_t pqce_keccak_rc[PQCE_KECCAK_ROUNDS] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

#if PQCE_X86_64_SIMD && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KECCAK_X86_DISPATCH  1
#define KECCAK_ALWAYS_INLINE __attribute__((always_inline))
#else
#define KECCAK_X86_DISPATCH 0
#define KECCAK_ALWAYS_INLINE
#endif

/*
 * The permutation's one source. On x86-64 it is compiled twice, for any
 * CPU and for CPUs with BMI1/BMI2/AVX2 (andn, rorx: about 25% faster), and
 * pqce_keccak_f1600 picks one by CPUID. (GCC's target_clones would do the
 * same through an ifunc, but GCC 12 gives the ifunc and its resolver
 * default visibility whatever -fvisibility says, so libpqce.so exported
 * two internal symbols.)
 */
static inline KECCAK_ALWAYS_INLINE void keccak_permute(uint64_t s[PQCE_KECCAK_LANES])
{
    uint64_t a0 = s[0], a1 = s[1], a2 = s[2], a3 = s[3], a4 = s[4];
    uint64_t a5 = s[5], a6 = s[6], a7 = s[7], a8 = s[8], a9 = s[9];
    uint64_t a10 = s[10], a11 = s[11], a12 = s[12], a13 = s[13], a14 = s[14];
    uint64_t a15 = s[15], a16 = s[16], a17 = s[17], a18 = s[18], a19 = s[19];
    uint64_t a20 = s[20], a21 = s[21], a22 = s[22], a23 = s[23], a24 = s[24];
    uint64_t e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12;
    uint64_t e13, e14, e15, e16, e17, e18, e19, e20, e21, e22, e23, e24;
    uint64_t b0, b1, b2, b3, b4, c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;

    /* Two rounds per iteration, A -> E -> A, so that no lanes are copied. */
    for (unsigned round = 0; round < 24; round += 2) {
        /* theta [FIPS202, Algorithm 1] */
        c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20;
        c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21;
        c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22;
        c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23;
        c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24;
        d0 = c4 ^ ROL64(c1, 1);
        d1 = c0 ^ ROL64(c2, 1);
        d2 = c1 ^ ROL64(c3, 1);
        d3 = c2 ^ ROL64(c4, 1);
        d4 = c3 ^ ROL64(c0, 1);
        /* row 0: rho, pi (B[y, 2x+3y] = ROT(A[x,y], r[x,y])), chi, iota */
        b0 = a0 ^ d0;
        b1 = ROL64(a6 ^ d1, 44);
        b2 = ROL64(a12 ^ d2, 43);
        b3 = ROL64(a18 ^ d3, 21);
        b4 = ROL64(a24 ^ d4, 14);
        e0 = b0 ^ (~b1 & b2) ^ pqce_keccak_rc[round];
        e1 = b1 ^ (~b2 & b3);
        e2 = b2 ^ (~b3 & b4);
        e3 = b3 ^ (~b4 & b0);
        e4 = b4 ^ (~b0 & b1);
        /* row 1: rho, pi (B[y, 2x+3y] = ROT(A[x,y], r[x,y])), chi */
        b0 = ROL64(a3 ^ d3, 28);
        b1 = ROL64(a9 ^ d4, 20);
        b2 = ROL64(a10 ^ d0, 3);
        b3 = ROL64(a16 ^ d1, 45);
        b4 = ROL64(a22 ^ d2, 61);
        e5 = b0 ^ (~b1 & b2);
        e6 = b1 ^ (~b2 & b3);
        e7 = b2 ^ (~b3 & b4);
        e8 = b3 ^ (~b4 & b0);
        e9 = b4 ^ (~b0 & b1);
        /* row 2: rho, pi (B[y, 2x+3y] = ROT(A[x,y], r[x,y])), chi */
        b0 = ROL64(a1 ^ d1, 1);
        b1 = ROL64(a7 ^ d2, 6);
        b2 = ROL64(a13 ^ d3, 25);
        b3 = ROL64(a19 ^ d4, 8);
        b4 = ROL64(a20 ^ d0, 18);
        e10 = b0 ^ (~b1 & b2);
        e11 = b1 ^ (~b2 & b3);
        e12 = b2 ^ (~b3 & b4);
        e13 = b3 ^ (~b4 & b0);
        e14 = b4 ^ (~b0 & b1);
        /* row 3: rho, pi (B[y, 2x+3y] = ROT(A[x,y], r[x,y])), chi */
        b0 = ROL64(a4 ^ d4, 27);
        b1 = ROL64(a5 ^ d0, 36);
        b2 = ROL64(a11 ^ d1, 10);
        b3 = ROL64(a17 ^ d2, 15);
        b4 = ROL64(a23 ^ d3, 56);
        e15 = b0 ^ (~b1 & b2);
        e16 = b1 ^ (~b2 & b3);
        e17 = b2 ^ (~b3 & b4);
        e18 = b3 ^ (~b4 & b0);
        e19 = b4 ^ (~b0 & b1);
        /* row 4: rho, pi (B[y, 2x+3y] = ROT(A[x,y], r[x,y])), chi */
        b0 = ROL64(a2 ^ d2, 62);
        b1 = ROL64(a8 ^ d3, 55);
        b2 = ROL64(a14 ^ d4, 39);
        b3 = ROL64(a15 ^ d0, 41);
        b4 = ROL64(a21 ^ d1, 2);
        e20 = b0 ^ (~b1 & b2);
        e21 = b1 ^ (~b2 & b3);
        e22 = b2 ^ (~b3 & b4);
        e23 = b3 ^ (~b4 & b0);
        e24 = b4 ^ (~b0 & b1);
        /* theta [FIPS202, Algorithm 1] */
        c0 = e0 ^ e5 ^ e10 ^ e15 ^ e20;
        c1 = e1 ^ e6 ^ e11 ^ e16 ^ e21;
        c2 = e2 ^ e7 ^ e12 ^ e17 ^ e22;
        c3 = e3 ^ e8 ^ e13 ^ e18 ^ e23;
        c4 = e4 ^ e9 ^ e14 ^ e19 ^ e24;
        d0 = c4 ^ ROL64(c1, 1);
        d1 = c0 ^ ROL64(c2, 1);
        d2 = c1 ^ ROL64(c3, 1);
        d3 = c2 ^ ROL64(c4, 1);
        d4 = c3 ^ ROL64(c0, 1);
        /* row 0: rho, pi (B[y, 2x+3y] = ROT(A[x,y], r[x,y])), chi, iota */
        b0 = e0 ^ d0;
        b1 = ROL64(e6 ^ d1, 44);
        b2 = ROL64(e12 ^ d2, 43);
        b3 = ROL64(e18 ^ d3, 21);
        b4 = ROL64(e24 ^ d4, 14);
        a0 = b0 ^ (~b1 & b2) ^ pqce_keccak_rc[round + 1];
        a1 = b1 ^ (~b2 & b3);
        a2 = b2 ^ (~b3 & b4);
        a3 = b3 ^ (~b4 & b0);
        a4 = b4 ^ (~b0 & b1);
        /* row 1: rho, pi (B[y, 2x+3y] = ROT(A[x,y], r[x,y])), chi */
        b0 = ROL64(e3 ^ d3, 28);
        b1 = ROL64(e9 ^ d4, 20);
        b2 = ROL64(e10 ^ d0, 3);
        b3 = ROL64(e16 ^ d1, 45);
        b4 = ROL64(e22 ^ d2, 61);
        a5 = b0 ^ (~b1 & b2);
        a6 = b1 ^ (~b2 & b3);
        a7 = b2 ^ (~b3 & b4);
        a8 = b3 ^ (~b4 & b0);
        a9 = b4 ^ (~b0 & b1);
        /* row 2: rho, pi (B[y, 2x+3y] = ROT(A[x,y], r[x,y])), chi */
        b0 = ROL64(e1 ^ d1, 1);
        b1 = ROL64(e7 ^ d2, 6);
        b2 = ROL64(e13 ^ d3, 25);
        b3 = ROL64(e19 ^ d4, 8);
        b4 = ROL64(e20 ^ d0, 18);
        a10 = b0 ^ (~b1 & b2);
        a11 = b1 ^ (~b2 & b3);
        a12 = b2 ^ (~b3 & b4);
        a13 = b3 ^ (~b4 & b0);
        a14 = b4 ^ (~b0 & b1);
        /* row 3: rho, pi (B[y, 2x+3y] = ROT(A[x,y], r[x,y])), chi */
        b0 = ROL64(e4 ^ d4, 27);
        b1 = ROL64(e5 ^ d0, 36);
        b2 = ROL64(e11 ^ d1, 10);
        b3 = ROL64(e17 ^ d2, 15);
        b4 = ROL64(e23 ^ d3, 56);
        a15 = b0 ^ (~b1 & b2);
        a16 = b1 ^ (~b2 & b3);
        a17 = b2 ^ (~b3 & b4);
        a18 = b3 ^ (~b4 & b0);
        a19 = b4 ^ (~b0 & b1);
        /* row 4: rho, pi (B[y, 2x+3y] = ROT(A[x,y], r[x,y])), chi */
        b0 = ROL64(e2 ^ d2, 62);
        b1 = ROL64(e8 ^ d3, 55);
        b2 = ROL64(e14 ^ d4, 39);
        b3 = ROL64(e15 ^ d0, 41);
        b4 = ROL64(e21 ^ d1, 2);
        a20 = b0 ^ (~b1 & b2);
        a21 = b1 ^ (~b2 & b3);
        a22 = b2 ^ (~b3 & b4);
        a23 = b3 ^ (~b4 & b0);
        a24 = b4 ^ (~b0 & b1);
    }

    s[0] = a0, s[1] = a1, s[2] = a2, s[3] = a3, s[4] = a4;
    s[5] = a5, s[6] = a6, s[7] = a7, s[8] = a8, s[9] = a9;
    s[10] = a10, s[11] = a11, s[12] = a12, s[13] = a13, s[14] = a14;
    s[15] = a15, s[16] = a16, s[17] = a17, s[18] = a18, s[19] = a19;
    s[20] = a20, s[21] = a21, s[22] = a22, s[23] = a23, s[24] = a24;
}

#if KECCAK_X86_DISPATCH
__attribute__((target("avx2,bmi,bmi2"))) static void keccak_permute_bmi2(uint64_t *s)
{
    keccak_permute(s);
}

static void keccak_permute_generic(uint64_t *s)
{
    keccak_permute(s);
}

void pqce_keccak_f1600(uint64_t s[PQCE_KECCAK_LANES])
{
    /* __builtin_cpu_init is idempotent; it makes the check valid even when
     * called from another library's constructor. */
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
        __builtin_cpu_supports("bmi2")) {
        keccak_permute_bmi2(s);
    } else {
        keccak_permute_generic(s);
    }
}
#else
void pqce_keccak_f1600(uint64_t s[PQCE_KECCAK_LANES])
{
    keccak_permute(s);
}
#endif

/* Bytes map to lanes little-endian [FIPS202, B.1]. */
static inline uint64_t load64_le(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, p, 8); /* one unaligned load on little-endian hosts */
    return v;
#else
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
#endif
}

static inline void store64_le(uint8_t *p, uint64_t v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    memcpy(p, &v, 8);
#else
    for (unsigned i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
#endif
}

static inline void xor_byte(uint64_t *s, uint32_t i, uint8_t b)
{
    s[i / 8] ^= (uint64_t)b << (8 * (i % 8));
}

static inline uint8_t get_byte(const uint64_t *s, uint32_t i)
{
    return (uint8_t)(s[i / 8] >> (8 * (i % 8)));
}

void pqce_keccak_init(pqce_keccak *k, uint32_t rate)
{
    memset(k->s, 0, sizeof k->s);
    k->pos = 0;
    k->rate = rate;
}

void pqce_keccak_absorb(pqce_keccak *k, const uint8_t *in, size_t in_len)
{
    const uint32_t rate = k->rate;

    /* Finish a partial block byte by byte. */
    while (in_len > 0 && k->pos != 0) {
        xor_byte(k->s, k->pos, *in++);
        in_len--;
        if (++k->pos == rate) {
            pqce_keccak_f1600(k->s);
            k->pos = 0;
        }
    }
    /* Whole blocks, a lane at a time. */
    while (in_len >= rate) {
        for (uint32_t i = 0; i < rate / 8; i++) {
            k->s[i] ^= load64_le(in + 8 * i);
        }
        pqce_keccak_f1600(k->s);
        in += rate;
        in_len -= rate;
    }
    /* The tail starts a new partial block (pos is 0 here). */
    while (in_len > 0) {
        xor_byte(k->s, k->pos++, *in++);
        in_len--;
    }
}

void pqce_keccak_finalize(pqce_keccak *k, uint8_t suffix)
{
    /* pad10*1 with the suffix bits first [FIPS202, 5.1 and B.2]; pos < rate
     * always holds here because a full block is permuted at once. */
    xor_byte(k->s, k->pos, suffix);
    xor_byte(k->s, k->rate - 1, 0x80);
    /* pos = rate: the first squeeze permutes. */
    k->pos = k->rate;
}

void pqce_keccak_squeeze(pqce_keccak *k, uint8_t *out, size_t out_len)
{
    const uint32_t rate = k->rate;

    while (out_len > 0) {
        if (k->pos == rate) {
            pqce_keccak_f1600(k->s);
            k->pos = 0;
        }
        if (k->pos == 0 && out_len >= rate) {
            for (uint32_t i = 0; i < rate / 8; i++) {
                store64_le(out + 8 * i, k->s[i]);
            }
            out += rate;
            out_len -= rate;
            k->pos = rate;
            continue;
        }
        while (out_len > 0 && k->pos < rate) {
            *out++ = get_byte(k->s, k->pos++);
            out_len--;
        }
    }
}

void pqce_keccak_squeezeblocks(pqce_keccak *k, uint8_t *out, size_t nblocks)
{
    pqce_keccak_squeeze(k, out, nblocks * k->rate);
}

void pqce_keccak_wipe(pqce_keccak *k)
{
    pqce_memzero(k, sizeof *k);
}

static void keccak_oneshot(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len,
                           uint32_t rate, uint8_t suffix)
{
    pqce_keccak k;
    pqce_keccak_init(&k, rate);
    pqce_keccak_absorb(&k, in, in_len);
    pqce_keccak_finalize(&k, suffix);
    pqce_keccak_squeeze(&k, out, out_len);
    pqce_keccak_wipe(&k);
}

void pqce_keccak_sha3_256(uint8_t out[32], const uint8_t *in, size_t in_len)
{
    keccak_oneshot(out, 32, in, in_len, PQCE_SHA3_256_RATE, PQCE_KECCAK_SUFFIX_SHA3);
}

void pqce_keccak_sha3_512(uint8_t out[64], const uint8_t *in, size_t in_len)
{
    keccak_oneshot(out, 64, in, in_len, PQCE_SHA3_512_RATE, PQCE_KECCAK_SUFFIX_SHA3);
}

void pqce_keccak_shake128(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len)
{
    keccak_oneshot(out, out_len, in, in_len, PQCE_SHAKE128_RATE, PQCE_KECCAK_SUFFIX_SHAKE);
}

void pqce_keccak_shake256(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len)
{
    keccak_oneshot(out, out_len, in, in_len, PQCE_SHAKE256_RATE, PQCE_KECCAK_SUFFIX_SHAKE);
}
