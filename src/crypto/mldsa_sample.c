/*
 * mldsa_sample.c - ExpandA, ExpandS, ExpandMask and SampleInBall
 * [FIPS204, 7.3].
 *
 * Each sampler squeezes as many whole SHAKE blocks at once as it needs in
 * the common case (the sponge then runs its permutation back to back) and
 * fetches one more block only in the rare case that rejection consumed
 * them all.
 */
#include "crypto/mldsa_sample.h"

#include <string.h>

#include "core/ct.h"
#include "crypto/keccak.h"
#include "crypto/mldsa_encode.h"
#include "pqce.h"

/*
 * RejNTTPoly needs 256 accepted 3-byte candidates; a candidate is rejected
 * with probability 2^13 / 2^23 ~ 0.001, so 5 SHAKE128 blocks (840 bytes,
 * 280 candidates) almost always suffice. 168 = 56 * 3: candidates never
 * straddle blocks.
 */
#define EXPAND_A_BLOCKS 5

/* A little-endian 32-bit word: one load on a little-endian machine. */
static inline uint32_t load32_le(const uint8_t *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
#else
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
#endif
}

static void rej_ntt_poly(pqce_mldsa_poly *a, const uint8_t rho[PQCE_MLDSA_SEEDBYTES], uint8_t s,
                         uint8_t r)
{
    uint8_t seed[PQCE_MLDSA_SEEDBYTES + 2];
    /* One spare byte: a candidate is read as a 4-byte little-endian word. */
    uint8_t buf[EXPAND_A_BLOCKS * PQCE_SHAKE128_RATE + 1];
    pqce_keccak g;
    size_t len = EXPAND_A_BLOCKS * PQCE_SHAKE128_RATE, pos = 0;
    unsigned j = 0;

    memcpy(seed, rho, PQCE_MLDSA_SEEDBYTES);
    seed[PQCE_MLDSA_SEEDBYTES] = s; /* rho' = rho || IntegerToBytes(s, 1) || IntegerToBytes(r, 1) */
    seed[PQCE_MLDSA_SEEDBYTES + 1] = r;
    pqce_keccak_init(&g, PQCE_SHAKE128_RATE);
    pqce_keccak_absorb(&g, seed, sizeof seed);
    pqce_keccak_finalize(&g, PQCE_KECCAK_SUFFIX_SHAKE);
    pqce_keccak_squeezeblocks(&g, buf, EXPAND_A_BLOCKS);
    buf[len] = 0;
    while (j < PQCE_MLDSA_N) {
        if (pos == len) {
            pqce_keccak_squeezeblocks(&g, buf, 1);
            len = PQCE_SHAKE128_RATE;
            buf[len] = 0;
            pos = 0;
        }
        /* CoeffFromThreeBytes [FIPS204, Algorithm 14]: 3 bytes little-endian
         * with the top bit of the third dropped; values >= q are rejected.
         * rho is public: the candidate is written unconditionally and kept
         * by advancing j. */
        uint32_t t = load32_le(buf + pos) & 0x7FFFFFu;
        pos += 3;
        a->c[j] = (int32_t)t;
        j += t < PQCE_MLDSA_Q;
    }
}

void pqce_mldsa_expand_a_row(pqce_mldsa_poly *row, const uint8_t rho[PQCE_MLDSA_SEEDBYTES],
                             unsigned r, unsigned l)
{
    for (unsigned s = 0; s < l; s++) {
        rej_ntt_poly(&row[s], rho, (uint8_t)s, (uint8_t)r);
    }
}

/*
 * RejBoundedPoly with eta = 2 consumes about 137 bytes (15 of 16 half-bytes
 * accepted) and with eta = 4 about 228 (9 of 16): two SHAKE256 blocks, and
 * a third when rejection was unlucky.
 *
 * Constant time: the stream comes from the secret rho'. Each half-byte b
 * is turned into its coefficient without a branch (b mod 5 by a
 * multiplication, not a division), and only the accept bit "b < 15"
 * (eta = 2) or "b < 9" (eta = 4) is declassified, which decides where the
 * next coefficient goes and whether more output is needed. That bit is
 * independent of the key: accepted half-bytes are uniform over the
 * accepted range whatever the rejection pattern, so the pattern reveals
 * nothing about s1 or s2, and rejected half-bytes are discarded.
 */
#define EXPAND_S_BLOCKS 2

void pqce_mldsa_rej_bounded_poly(pqce_mldsa_poly *a, const uint8_t rho_prime[PQCE_MLDSA_CRHBYTES],
                                 uint16_t index, unsigned eta)
{
    uint8_t buf[EXPAND_S_BLOCKS * PQCE_SHAKE256_RATE];
    uint8_t idx[2] = {(uint8_t)index, (uint8_t)(index >> 8)}; /* IntegerToBytes(index, 2) */
    /* Two spare slots: every candidate is written at out[j] and kept by
     * advancing j, so the last half-bytes may write past coefficient 255.
     * (A branch on the accept bit would be mispredicted about one time in
     * two for eta = 4.) */
    int32_t out[PQCE_MLDSA_N + 2];
    pqce_keccak h;
    size_t len = sizeof buf, pos = 0;
    uint32_t j = 0;
    const uint32_t bound = eta == 2 ? 15u : 9u;

    pqce_keccak_init(&h, PQCE_SHAKE256_RATE);
    pqce_keccak_absorb(&h, rho_prime, PQCE_MLDSA_CRHBYTES);
    pqce_keccak_absorb(&h, idx, sizeof idx);
    pqce_keccak_finalize(&h, PQCE_KECCAK_SUFFIX_SHAKE);
    pqce_keccak_squeezeblocks(&h, buf, EXPAND_S_BLOCKS);
    while (j < PQCE_MLDSA_N) {
        if (pos == len) {
            pqce_keccak_squeezeblocks(&h, buf, 1);
            len = PQCE_SHAKE256_RATE;
            pos = 0;
        }
        uint32_t z = buf[pos++];
        uint32_t half[2] = {z & 15u, z >> 4};
        for (unsigned n = 0; n < 2; n++) {
            uint32_t b = half[n];
            /* CoeffFromHalfByte [FIPS204, Algorithm 15]:
             * eta = 2: 2 - (b mod 5), with floor(b / 5) = (b * 205) >> 10
             * for every b < 16 (checked in test_mldsa.c); eta = 4: 4 - b. */
            int32_t coeff;
            if (eta == 2) {
                uint32_t quo = (b * 205u) >> 10;
                coeff = 2 - (int32_t)(b - 5u * quo);
            } else {
                coeff = 4 - (int32_t)b;
            }
            uint32_t accept = (b - bound) >> 31; /* 1 iff b < bound */
            PQCE_CT_DECLASSIFY(&accept, sizeof accept);
            /* [FIPS204, Algorithm 31]: the second half-byte counts only
             * while j < 256; past that it lands in a spare slot. */
            out[j] = coeff;
            j += accept;
        }
    }
    memcpy(a->c, out, sizeof a->c);
    pqce_memzero(out, sizeof out);
    pqce_memzero(buf, sizeof buf);
    pqce_keccak_wipe(&h);
}

/* ExpandMask output is 32 * 18 = 576 or 32 * 20 = 640 bytes: 5 SHAKE256
 * blocks (680 bytes), squeezed in one call. */
#define EXPAND_MASK_BLOCKS 5

void pqce_mldsa_expand_mask_poly(pqce_mldsa_poly *y, const uint8_t rho_pp[PQCE_MLDSA_CRHBYTES],
                                 uint16_t kappa_r, unsigned gamma1_bits)
{
    uint8_t buf[EXPAND_MASK_BLOCKS * PQCE_SHAKE256_RATE];
    uint8_t ctr[2] = {(uint8_t)kappa_r, (uint8_t)(kappa_r >> 8)}; /* IntegerToBytes(kappa+r, 2) */
    pqce_keccak h;

    pqce_keccak_init(&h, PQCE_SHAKE256_RATE);
    pqce_keccak_absorb(&h, rho_pp, PQCE_MLDSA_CRHBYTES);
    pqce_keccak_absorb(&h, ctr, sizeof ctr);
    pqce_keccak_finalize(&h, PQCE_KECCAK_SUFFIX_SHAKE);
    pqce_keccak_squeezeblocks(&h, buf, EXPAND_MASK_BLOCKS);
    pqce_mldsa_unpack_z(y, buf, gamma1_bits);
    pqce_memzero(buf, sizeof buf);
    pqce_keccak_wipe(&h);
}

void pqce_mldsa_sample_in_ball(pqce_mldsa_poly *c, const uint8_t *ctilde, size_t ctilde_len,
                               unsigned tau)
{
    uint8_t buf[PQCE_SHAKE256_RATE];
    pqce_keccak h;
    uint64_t signs = 0;
    size_t pos;

    pqce_keccak_init(&h, PQCE_SHAKE256_RATE);
    pqce_keccak_absorb(&h, ctilde, ctilde_len);
    pqce_keccak_finalize(&h, PQCE_KECCAK_SUFFIX_SHAKE);
    pqce_keccak_squeezeblocks(&h, buf, 1);
    /* The first 8 bytes are the sign bits h, least significant first. */
    for (unsigned i = 0; i < 8; i++) {
        signs |= (uint64_t)buf[i] << (8 * i);
    }
    pos = 8;
    for (unsigned i = 0; i < PQCE_MLDSA_N; i++) {
        c->c[i] = 0;
    }
    for (unsigned i = PQCE_MLDSA_N - tau; i < PQCE_MLDSA_N; i++) {
        unsigned j;
        do {
            if (pos == sizeof buf) {
                pqce_keccak_squeezeblocks(&h, buf, 1);
                pos = 0;
            }
            j = buf[pos++];
        } while (j > i);
        c->c[i] = c->c[j];
        c->c[j] = 1 - 2 * (int32_t)(signs & 1);
        signs >>= 1;
    }
    pqce_keccak_wipe(&h);
}
