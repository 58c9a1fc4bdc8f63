/*
 * mlkem_sample.c - SampleNTT and SamplePolyCBD [FIPS203, 4.2.2].
 */
#include "crypto/mlkem_sample.h"

#include <string.h>

#include "crypto/keccak.h"
#include "pqce.h"

/*
 * Enough SHAKE128 output for one polynomial in most cases: 256 accepted
 * 12-bit candidates need 384 bytes at the acceptance rate q/4096 ~ 0.81,
 * about 472 bytes on average; three blocks are 504. One more block is
 * squeezed at a time when they do not suffice. 168 is a multiple of 3, so
 * a candidate triple never straddles two squeezes.
 */
#define SAMPLE_NTT_FIRST_BLOCKS 3

/*
 * Steps 5-14 of [FIPS203, Algorithm 7] over len bytes (a multiple of 3);
 * returns the new number of accepted coefficients.
 *
 * While at least two slots are free, both candidates are stored and the
 * count advances by the comparison results, without a branch: about one
 * candidate in five is rejected at random, and a branch on that would be
 * mispredicted some sixty times per polynomial. A stored but rejected
 * candidate is overwritten by the next one. The last slot is filled by the
 * pseudocode's loop. (Branching here would be harmless for security: the
 * candidates are public, derived from rho.)
 */
unsigned pqce_mlkem_sample_ntt_parse(int16_t *a, unsigned n, const uint8_t *b, size_t len)
{
    size_t p = 0;
    for (; p < len && n + 2 <= PQCE_MLKEM_N; p += 3) {
        const uint32_t d1 = b[p] | ((b[p + 1] & 0x0Fu) << 8);
        const uint32_t d2 = (b[p + 1] >> 4) | ((uint32_t)b[p + 2] << 4);
        a[n] = (int16_t)d1;
        n += (unsigned)(d1 < PQCE_MLKEM_Q);
        a[n] = (int16_t)d2;
        n += (unsigned)(d2 < PQCE_MLKEM_Q);
    }
    for (; p < len && n < PQCE_MLKEM_N; p += 3) {
        const uint16_t d1 = (uint16_t)(b[p] | ((b[p + 1] & 0x0Fu) << 8));
        const uint16_t d2 = (uint16_t)((b[p + 1] >> 4) | (b[p + 2] << 4));
        if (d1 < PQCE_MLKEM_Q) {
            a[n++] = (int16_t)d1;
        }
        if (d2 < PQCE_MLKEM_Q && n < PQCE_MLKEM_N) {
            a[n++] = (int16_t)d2;
        }
    }
    return n;
}

void pqce_mlkem_poly_sample_ntt(pqce_mlkem_poly *a, const uint8_t rho[32], uint8_t x, uint8_t y)
{
    uint8_t seed[34];
    uint8_t buf[SAMPLE_NTT_FIRST_BLOCKS * PQCE_SHAKE128_RATE];
    pqce_keccak xof;

    memcpy(seed, rho, 32);
    seed[32] = x;
    seed[33] = y;
    pqce_keccak_init(&xof, PQCE_SHAKE128_RATE);
    pqce_keccak_absorb(&xof, seed, sizeof seed);
    pqce_keccak_finalize(&xof, PQCE_KECCAK_SUFFIX_SHAKE);
    pqce_keccak_squeezeblocks(&xof, buf, SAMPLE_NTT_FIRST_BLOCKS);
    unsigned n = pqce_mlkem_sample_ntt_parse(a->c, 0, buf, sizeof buf);
    while (n < PQCE_MLKEM_N) {
        pqce_keccak_squeezeblocks(&xof, buf, 1);
        n = pqce_mlkem_sample_ntt_parse(a->c, n, buf, PQCE_SHAKE128_RATE);
    }
    /* rho and A-hat are public: nothing to wipe. */
}

void pqce_mlkem_polymat_sample(pqce_mlkem_poly *a, const uint8_t rho[32], unsigned k,
                               int transposed, unsigned row0, unsigned nrows)
{
    for (unsigned r = 0; r < nrows; r++) {
        const unsigned i = row0 + r;
        for (unsigned j = 0; j < k; j++) {
            const uint8_t x = (uint8_t)(transposed ? i : j), y = (uint8_t)(transposed ? j : i);
            pqce_mlkem_poly_sample_ntt(&a[r * k + j], rho, x, y);
        }
    }
}

static uint32_t load32_le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t load24_le(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

void pqce_mlkem_poly_sample_cbd(pqce_mlkem_poly *f, const uint8_t *b, unsigned eta)
{
    /*
     * [FIPS203, Algorithm 8]: coefficient i is x - y, x the sum of bits
     * 2*i*eta .. 2*i*eta + eta - 1 of BytesToBits(b) and y the sum of the
     * next eta bits. Bits are little-endian within bytes [FIPS203,
     * Algorithm 4], so a little-endian word holds them in order. Adding
     * the word's bits in place (masks 0x55.. for eta = 2, 0x249.. for
     * eta = 3) leaves each eta-bit group holding the sum of its bits.
     */
    if (eta == 2) {
        for (unsigned i = 0; i < PQCE_MLKEM_N / 8; i++) {
            uint32_t w = load32_le(b + 4 * i);
            uint32_t t = (w & 0x55555555u) + ((w >> 1) & 0x55555555u);
            for (unsigned j = 0; j < 8; j++) {
                int32_t x = (int32_t)((t >> (4 * j)) & 3u);
                int32_t y = (int32_t)((t >> (4 * j + 2)) & 3u);
                f->c[8 * i + j] = (int16_t)(x - y);
            }
        }
    } else {
        for (unsigned i = 0; i < PQCE_MLKEM_N / 4; i++) {
            uint32_t w = load24_le(b + 3 * i);
            uint32_t t = (w & 0x249249u) + ((w >> 1) & 0x249249u) + ((w >> 2) & 0x249249u);
            for (unsigned j = 0; j < 4; j++) {
                int32_t x = (int32_t)((t >> (6 * j)) & 7u);
                int32_t y = (int32_t)((t >> (6 * j + 3)) & 7u);
                f->c[4 * i + j] = (int16_t)(x - y);
            }
        }
    }
}

void pqce_mlkem_poly_sample_noise(pqce_mlkem_poly *f, const uint8_t s[32], uint8_t n, unsigned eta)
{
    uint8_t in[33];
    uint8_t buf[64 * 3];

    memcpy(in, s, 32);
    in[32] = n;
    pqce_keccak_shake256(buf, 64 * (size_t)eta, in, sizeof in);
    pqce_mlkem_poly_sample_cbd(f, buf, eta);
    pqce_memzero(in, sizeof in);
    pqce_memzero(buf, sizeof buf);
}

void pqce_mlkem_polyvec_sample_noise(pqce_mlkem_poly *f, const uint8_t s[32], uint8_t n,
                                     unsigned count, unsigned eta)
{
    for (unsigned i = 0; i < count; i++) {
        pqce_mlkem_poly_sample_noise(&f[i], s, (uint8_t)(n + i), eta);
    }
}
