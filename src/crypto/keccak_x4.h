/*
 * keccak_x4.h - four independent Keccak-f[1600] sponges computed together
 * with AVX2 [FIPS202].
 *
 * Internal interface for the lattice code, which needs many SHAKE outputs
 * of equal-length inputs at once (SampleNTT of four matrix entries, four
 * PRF calls). Lane i of instance j is s[i][j], so that one 256-bit vector
 * holds lane i of all four instances, and the permutation is the scalar
 * one with each 64-bit operation done on four lanes at once.
 *
 * Only compiled when PQCE_AVX2_COMPILED (core/cpu.h), and only to be called
 * when pqce_cpu_has_avx2() is true: the functions are compiled for AVX2
 * whatever the rest of the library is compiled for. No argument checks;
 * never fails. Constant time in the state and the inputs (no data-dependent
 * branch or index); lengths are public.
 */
#ifndef PQCE_CRYPTO_KECCAK_X4_H
#define PQCE_CRYPTO_KECCAK_X4_H

#include <stddef.h>
#include <stdint.h>

#include "core/cpu.h"
#include "crypto/keccak.h"

#if PQCE_AVX2_COMPILED

typedef struct pqce_keccak_x4 {
    _Alignas(32) uint64_t s[PQCE_KECCAK_LANES][4];
    uint32_t rate; /* bytes, set by absorb_once */
} pqce_keccak_x4;

/* Keccak-f[1600] [FIPS202, Algorithm 7] on each of the four states held
 * as s[lane][instance]. */
void pqce_keccak_x4_f1600(uint64_t s[PQCE_KECCAK_LANES][4]);

/*
 * Initialises the four sponges of rate `rate` bytes (a multiple of 8, below
 * 200), absorbs in[j] (in_len bytes each, the same length for the four) into
 * instance j, and pads with the domain-separation suffix and pad10*1
 * [FIPS202, Algorithm 8 and B.2]. The inputs may be secret; the temporary
 * copy of the last block is wiped.
 */
void pqce_keccak_x4_absorb_once(pqce_keccak_x4 *st, uint32_t rate, uint8_t suffix,
                                const uint8_t *const in[4], size_t in_len);

/* Squeezes nblocks whole blocks (nblocks * rate bytes) from each instance
 * into out[j]; may be called again for more. */
void pqce_keccak_x4_squeezeblocks(pqce_keccak_x4 *st, uint8_t *const out[4], size_t nblocks);

/* SHAKE128 / SHAKE256 [FIPS202, 6.2] of four equal-length inputs. */
void pqce_shake128x4_absorb_once(pqce_keccak_x4 *st, const uint8_t *const in[4], size_t in_len);
void pqce_shake256x4_absorb_once(pqce_keccak_x4 *st, const uint8_t *const in[4], size_t in_len);

void pqce_keccak_x4_wipe(pqce_keccak_x4 *st);

#endif /* PQCE_AVX2_COMPILED */

#endif /* PQCE_CRYPTO_KECCAK_X4_H */
