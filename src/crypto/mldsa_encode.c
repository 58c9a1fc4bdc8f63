/*
 * mldsa_encode.c - bit packing for ML-DSA [FIPS204, 7.1 and 7.2].
 *
 * SimpleBitPack [FIPS204, Algorithm 16] writes the b-bit coefficients
 * themselves; BitPack [FIPS204, Algorithm 17] writes b - w_i for
 * coefficients in [-a, b]. Both are one routine here: a 64-bit
 * accumulator collects coefficients least significant bit first and
 * emits whole bytes (IntegerToBits and BitsToBytes, [FIPS204, Algorithms
 * 9 and 12], fused). The loop shape depends only on the public width.
 */
#include "crypto/mldsa_encode.h"

#include <string.h>

/*
 * Writes the low `bits` bits of (neg ? offset - c : c) for 256 coefficients.
 * Coefficients go in groups of `group`, where group * bits is a multiple
 * of 8, so that every group starts on a byte boundary; with both numbers
 * constants at each call, the compiler unrolls a group completely.
 */
static inline void pack(uint8_t *out, const int32_t *c, int32_t offset, int neg, unsigned bits,
                        unsigned group)
{
    const uint64_t mask = ((uint64_t)1 << bits) - 1;
    for (unsigned g = 0; g < PQCE_MLDSA_N; g += group) {
        uint64_t acc = 0;
        unsigned have = 0;
        for (unsigned i = 0; i < group; i++) {
            uint32_t v = neg ? (uint32_t)offset - (uint32_t)c[g + i] : (uint32_t)c[g + i];
            acc |= ((uint64_t)v & mask) << have;
            have += bits;
            while (have >= 8) {
                *out++ = (uint8_t)acc;
                acc >>= 8;
                have -= 8;
            }
        }
    }
}

/* The inverse: c = neg ? offset - v : v for each `bits`-bit field v
 * (SimpleBitUnpack and BitUnpack, [FIPS204, Algorithms 18 and 19]). */
static inline void unpack(int32_t *c, const uint8_t *in, int32_t offset, int neg, unsigned bits,
                          unsigned group)
{
    const uint64_t mask = ((uint64_t)1 << bits) - 1;
    for (unsigned g = 0; g < PQCE_MLDSA_N; g += group) {
        uint64_t acc = 0;
        unsigned have = 0;
        for (unsigned i = 0; i < group; i++) {
            while (have < bits) {
                acc |= (uint64_t)*in++ << have;
                have += 8;
            }
            int32_t v = (int32_t)(acc & mask);
            acc >>= bits;
            have -= bits;
            c[g + i] = neg ? offset - v : v;
        }
    }
}

void pqce_mldsa_pack_t1(uint8_t out[PQCE_MLDSA_T1_POLY_BYTES], const pqce_mldsa_poly *t1)
{
    pack(out, t1->c, 0, 0, 10, 4);
}

void pqce_mldsa_unpack_t1(pqce_mldsa_poly *t1, const uint8_t in[PQCE_MLDSA_T1_POLY_BYTES])
{
    unpack(t1->c, in, 0, 0, 10, 4);
}

void pqce_mldsa_pack_t0(uint8_t out[PQCE_MLDSA_T0_POLY_BYTES], const pqce_mldsa_poly *t0)
{
    pack(out, t0->c, 1 << (PQCE_MLDSA_D - 1), 1, PQCE_MLDSA_D, 8);
}

void pqce_mldsa_unpack_t0(pqce_mldsa_poly *t0, const uint8_t in[PQCE_MLDSA_T0_POLY_BYTES])
{
    unpack(t0->c, in, 1 << (PQCE_MLDSA_D - 1), 1, PQCE_MLDSA_D, 8);
}

void pqce_mldsa_pack_eta(uint8_t *out, const pqce_mldsa_poly *s, unsigned eta, unsigned eta_bits)
{
    /* Each width gets its own copy of the loop with the width a constant. */
    if (eta_bits == 3) {
        pack(out, s->c, (int32_t)eta, 1, 3, 8);
    } else {
        pack(out, s->c, (int32_t)eta, 1, 4, 2);
    }
}

void pqce_mldsa_unpack_eta(pqce_mldsa_poly *s, const uint8_t *in, unsigned eta, unsigned eta_bits)
{
    if (eta_bits == 3) {
        unpack(s->c, in, (int32_t)eta, 1, 3, 8);
    } else {
        unpack(s->c, in, (int32_t)eta, 1, 4, 2);
    }
}

void pqce_mldsa_pack_z(uint8_t *out, const pqce_mldsa_poly *z, unsigned gamma1_bits)
{
    if (gamma1_bits == 17) {
        pack(out, z->c, 1 << 17, 1, 18, 4);
    } else {
        pack(out, z->c, 1 << 19, 1, 20, 2);
    }
}

void pqce_mldsa_unpack_z(pqce_mldsa_poly *z, const uint8_t *in, unsigned gamma1_bits)
{
    if (gamma1_bits == 17) {
        unpack(z->c, in, 1 << 17, 1, 18, 4);
    } else {
        unpack(z->c, in, 1 << 19, 1, 20, 2);
    }
}

void pqce_mldsa_pack_w1(uint8_t *out, const pqce_mldsa_poly *w1, unsigned w1_bits)
{
    if (w1_bits == 6) {
        pack(out, w1->c, 0, 0, 6, 4);
    } else {
        pack(out, w1->c, 0, 0, 4, 2);
    }
}

void pqce_mldsa_pack_hint(uint8_t *out, const pqce_mldsa_poly *h, unsigned k, unsigned omega)
{
    unsigned index = 0;
    memset(out, 0, omega + k);
    for (unsigned i = 0; i < k; i++) {
        for (unsigned j = 0; j < PQCE_MLDSA_N; j++) {
            if (h[i].c[j] != 0 && index < omega) {
                out[index++] = (uint8_t)j;
            }
        }
        out[omega + i] = (uint8_t)index;
    }
}

int pqce_mldsa_unpack_hint(uint8_t *h, const uint8_t *in, unsigned k, unsigned omega)
{
    unsigned index = 0;
    memset(h, 0, (size_t)k * PQCE_MLDSA_N);
    for (unsigned i = 0; i < k; i++) {
        unsigned end = in[omega + i];
        if (end < index || end > omega) {
            return -1;
        }
        unsigned first = index;
        while (index < end) {
            if (index > first && in[index - 1] >= in[index]) {
                return -1;
            }
            h[i * PQCE_MLDSA_N + in[index]] = 1;
            index++;
        }
    }
    for (unsigned i = index; i < omega; i++) {
        if (in[i] != 0) {
            return -1;
        }
    }
    return 0;
}
