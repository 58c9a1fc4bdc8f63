/*
 * keccak_x4.c - four Keccak-f[1600] states in 25 AVX2 vectors [FIPS202].
 *
 * Written from [FIPS202, 3.2]: vector i holds lane i = (x, y), i = x + 5y,
 * of the four states, and each step mapping is the scalar lane operation
 * applied to the four 64-bit elements at once. A round is computed as in
 * keccak.c: theta's column parities and D values, then each output row from
 * its five rho-rotated, pi-moved lanes, chi on the row, iota on lane 0. Two
 * rounds per loop iteration (A -> E -> A) so that no vectors are copied.
 *
 * AVX2 has no 64-bit rotate: ROT(x, n) is two shifts and an OR, except the
 * rotations by 8 and 56, which move whole bytes and are one vpshufb.
 *
 * Every function carries PQCE_TARGET_AVX2; the file is compiled without
 * -mavx2, so nothing here runs unless a caller has checked
 * pqce_cpu_has_avx2(). No branch or index depends on the state or input.
 */
#include "crypto/keccak_x4.h"

#if PQCE_AVX2_COMPILED

#include <immintrin.h>
#include <string.h>

#include "pqce.h"

#define XOR(a, b)  _mm256_xor_si256((a), (b))
#define ANDN(a, b) _mm256_andnot_si256((a), (b)) /* ~a & b */
#define ROT(x, n)  _mm256_or_si256(_mm256_slli_epi64((x), (n)), _mm256_srli_epi64((x), 64 - (n)))
#define ROT8(x)    _mm256_shuffle_epi8((x), rot8)
#define ROT56(x)   _mm256_shuffle_epi8((x), rot56)

/*
 * One round [FIPS202, Algorithm 7, step 2: Rnd = iota o chi o pi o rho o
 * theta] from the lanes A0..A24 to E0..E24, with round constant rc.
 *
 * theta [3.2.1]: C[x] = xor of column x, D[x] = C[x-1] ^ ROT(C[x+1], 1).
 * rho and pi [3.2.2, 3.2.3]: B[y, 2x + 3y] = ROT(A[x, y] ^ D[x], r[x, y]);
 * output row y' takes the five lanes with 2x + 3y = y' (mod 5), listed
 * below in the order x' = 0..4 (x' = y).
 * chi [3.2.4]: E[x, y] = B[x, y] ^ (~B[x+1, y] & B[x+2, y]).
 * iota [3.2.5]: E[0, 0] ^= RC.
 */
#define CHI_ROW(E, o)                \
    E##o##0 = XOR(b0, ANDN(b1, b2)); \
    E##o##1 = XOR(b1, ANDN(b2, b3)); \
    E##o##2 = XOR(b2, ANDN(b3, b4)); \
    E##o##3 = XOR(b3, ANDN(b4, b0)); \
    E##o##4 = XOR(b4, ANDN(b0, b1))

#define KECCAK_X4_ROUND(A, E, rc)                                               \
    do {                                                                        \
        c0 = XOR(XOR(XOR(A##00, A##10), XOR(A##20, A##30)), A##40);             \
        c1 = XOR(XOR(XOR(A##01, A##11), XOR(A##21, A##31)), A##41);             \
        c2 = XOR(XOR(XOR(A##02, A##12), XOR(A##22, A##32)), A##42);             \
        c3 = XOR(XOR(XOR(A##03, A##13), XOR(A##23, A##33)), A##43);             \
        c4 = XOR(XOR(XOR(A##04, A##14), XOR(A##24, A##34)), A##44);             \
        d0 = XOR(c4, ROT(c1, 1));                                               \
        d1 = XOR(c0, ROT(c2, 1));                                               \
        d2 = XOR(c1, ROT(c3, 1));                                               \
        d3 = XOR(c2, ROT(c4, 1));                                               \
        d4 = XOR(c3, ROT(c0, 1));                                               \
        /* row 0: (0,0) r=0, (1,1) r=44, (2,2) r=43, (3,3) r=21, (4,4) r=14 */  \
        b0 = XOR(A##00, d0);                                                    \
        b1 = ROT(XOR(A##11, d1), 44);                                           \
        b2 = ROT(XOR(A##22, d2), 43);                                           \
        b3 = ROT(XOR(A##33, d3), 21);                                           \
        b4 = ROT(XOR(A##44, d4), 14);                                           \
        CHI_ROW(E, 0);                                                          \
        E##00 = XOR(E##00, _mm256_set1_epi64x((long long)(rc)));                \
        /* row 1: (3,0) r=28, (4,1) r=20, (0,2) r=3, (1,3) r=45, (2,4) r=61 */  \
        b0 = ROT(XOR(A##03, d3), 28);                                           \
        b1 = ROT(XOR(A##14, d4), 20);                                           \
        b2 = ROT(XOR(A##20, d0), 3);                                            \
        b3 = ROT(XOR(A##31, d1), 45);                                           \
        b4 = ROT(XOR(A##42, d2), 61);                                           \
        CHI_ROW(E, 1);                                                          \
        /* row 2: (1,0) r=1, (2,1) r=6, (3,2) r=25, (4,3) r=8, (0,4) r=18 */    \
        b0 = ROT(XOR(A##01, d1), 1);                                            \
        b1 = ROT(XOR(A##12, d2), 6);                                            \
        b2 = ROT(XOR(A##23, d3), 25);                                           \
        b3 = ROT8(XOR(A##34, d4));                                              \
        b4 = ROT(XOR(A##40, d0), 18);                                           \
        CHI_ROW(E, 2);                                                          \
        /* row 3: (4,0) r=27, (0,1) r=36, (1,2) r=10, (2,3) r=15, (3,4) r=56 */ \
        b0 = ROT(XOR(A##04, d4), 27);                                           \
        b1 = ROT(XOR(A##10, d0), 36);                                           \
        b2 = ROT(XOR(A##21, d1), 10);                                           \
        b3 = ROT(XOR(A##32, d2), 15);                                           \
        b4 = ROT56(XOR(A##43, d3));                                             \
        CHI_ROW(E, 3);                                                          \
        /* row 4: (2,0) r=62, (3,1) r=55, (4,2) r=39, (0,3) r=41, (1,4) r=2 */  \
        b0 = ROT(XOR(A##02, d2), 62);                                           \
        b1 = ROT(XOR(A##13, d3), 55);                                           \
        b2 = ROT(XOR(A##24, d4), 39);                                           \
        b3 = ROT(XOR(A##30, d0), 41);                                           \
        b4 = ROT(XOR(A##41, d1), 2);                                            \
        CHI_ROW(E, 4);                                                          \
    } while (0)

/* The 25 vectors of a state named P<y><x>: lane (x, y) is P##y##x. */
#define DECLARE_STATE(P)                                                                        \
    __m256i P##00, P##01, P##02, P##03, P##04, P##10, P##11, P##12, P##13, P##14, P##20, P##21, \
        P##22, P##23, P##24, P##30, P##31, P##32, P##33, P##34, P##40, P##41, P##42, P##43, P##44

#define LOAD_ROW(P, y)                                           \
    P##y##0 = _mm256_loadu_si256((const __m256i *)s[5 * y + 0]); \
    P##y##1 = _mm256_loadu_si256((const __m256i *)s[5 * y + 1]); \
    P##y##2 = _mm256_loadu_si256((const __m256i *)s[5 * y + 2]); \
    P##y##3 = _mm256_loadu_si256((const __m256i *)s[5 * y + 3]); \
    P##y##4 = _mm256_loadu_si256((const __m256i *)s[5 * y + 4])

#define STORE_ROW(P, y)                                    \
    _mm256_storeu_si256((__m256i *)s[5 * y + 0], P##y##0); \
    _mm256_storeu_si256((__m256i *)s[5 * y + 1], P##y##1); \
    _mm256_storeu_si256((__m256i *)s[5 * y + 2], P##y##2); \
    _mm256_storeu_si256((__m256i *)s[5 * y + 3], P##y##3); \
    _mm256_storeu_si256((__m256i *)s[5 * y + 4], P##y##4)

PQCE_TARGET_AVX2 void pqce_keccak_x4_f1600(uint64_t s[PQCE_KECCAK_LANES][4])
{
    /* vpshufb controls rotating each 64-bit element left by 8 and by 56
     * bits: output byte k takes input byte k - 1, resp. k + 1 (mod 8). */
    const __m256i rot8 = _mm256_setr_epi8(7, 0, 1, 2, 3, 4, 5, 6, 15, 8, 9, 10, 11, 12, 13, 14, 7,
                                          0, 1, 2, 3, 4, 5, 6, 15, 8, 9, 10, 11, 12, 13, 14);
    const __m256i rot56 = _mm256_setr_epi8(1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8, 1,
                                           2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8);
    DECLARE_STATE(a);
    DECLARE_STATE(e);
    __m256i b0, b1, b2, b3, b4, c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;

    LOAD_ROW(a, 0);
    LOAD_ROW(a, 1);
    LOAD_ROW(a, 2);
    LOAD_ROW(a, 3);
    LOAD_ROW(a, 4);
    for (unsigned round = 0; round < PQCE_KECCAK_ROUNDS; round += 2) {
        KECCAK_X4_ROUND(a, e, pqce_keccak_rc[round]);
        KECCAK_X4_ROUND(e, a, pqce_keccak_rc[round + 1]);
    }
    STORE_ROW(a, 0);
    STORE_ROW(a, 1);
    STORE_ROW(a, 2);
    STORE_ROW(a, 3);
    STORE_ROW(a, 4);
}

/* Bytes map to lanes little-endian [FIPS202, B.1]; x86-64 is little-endian,
 * so a lane is one unaligned 8-byte load. */
static inline uint64_t load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* XORs one block (rate bytes) of each input into the four states. */
PQCE_TARGET_AVX2 static void xor_blocks(pqce_keccak_x4 *st, const uint8_t *const in[4],
                                        size_t offset, uint32_t rate)
{
    for (size_t i = 0; i < rate / 8; i++) {
        const size_t o = offset + 8 * i;
        __m256i v = _mm256_set_epi64x((long long)load64(in[3] + o), (long long)load64(in[2] + o),
                                      (long long)load64(in[1] + o), (long long)load64(in[0] + o));
        __m256i *lane = (__m256i *)st->s[i];
        _mm256_store_si256(lane, XOR(_mm256_load_si256(lane), v));
    }
}

PQCE_TARGET_AVX2 void pqce_keccak_x4_absorb_once(pqce_keccak_x4 *st, uint32_t rate, uint8_t suffix,
                                                 const uint8_t *const in[4], size_t in_len)
{
    /* The last, padded block of each instance; the tail is equally long in
     * all four, so the padding bytes are at the same places. */
    uint8_t last[4][PQCE_KECCAK_LANES * 8];
    const uint8_t *const last_in[4] = {last[0], last[1], last[2], last[3]};
    size_t offset = 0;

    memset(st->s, 0, sizeof st->s);
    st->rate = rate;
    for (; in_len - offset >= rate; offset += rate) {
        xor_blocks(st, in, offset, rate);
        pqce_keccak_x4_f1600(st->s);
    }
    /* pad10*1 after the suffix bits [FIPS202, 5.1 and B.2]. */
    const size_t tail = in_len - offset;
    for (unsigned j = 0; j < 4; j++) {
        memset(last[j], 0, rate);
        memcpy(last[j], in[j] + offset, tail);
        last[j][tail] = suffix;
        last[j][rate - 1] |= 0x80;
    }
    xor_blocks(st, last_in, 0, rate);
    pqce_memzero(last, sizeof last);
}

PQCE_TARGET_AVX2 void pqce_keccak_x4_squeezeblocks(pqce_keccak_x4 *st, uint8_t *const out[4],
                                                   size_t nblocks)
{
    const uint32_t rate = st->rate;
    for (size_t b = 0; b < nblocks; b++) {
        pqce_keccak_x4_f1600(st->s);
        for (unsigned j = 0; j < 4; j++) {
            uint8_t *o = out[j] + b * rate;
            for (size_t i = 0; i < rate / 8; i++) {
                memcpy(o + 8 * i, &st->s[i][j], 8);
            }
        }
    }
}

void pqce_shake128x4_absorb_once(pqce_keccak_x4 *st, const uint8_t *const in[4], size_t in_len)
{
    pqce_keccak_x4_absorb_once(st, PQCE_SHAKE128_RATE, PQCE_KECCAK_SUFFIX_SHAKE, in, in_len);
}

void pqce_shake256x4_absorb_once(pqce_keccak_x4 *st, const uint8_t *const in[4], size_t in_len)
{
    pqce_keccak_x4_absorb_once(st, PQCE_SHAKE256_RATE, PQCE_KECCAK_SUFFIX_SHAKE, in, in_len);
}

void pqce_keccak_x4_wipe(pqce_keccak_x4 *st)
{
    pqce_memzero(st, sizeof *st);
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int pqce_keccak_x4_not_compiled;
#endif /* PQCE_AVX2_COMPILED */
