/*
 * keccak.h - the Keccak-p[1600,24] permutation and sponge [FIPS202].
 *
 * Internal interface: no argument checks, never fails. The public SHA-3 API
 * (sha3.c), ML-KEM and ML-DSA are built on it. A sponge absorbs, is
 * finalized once with its domain-separation suffix, then squeezes any
 * number of times.
 */
#ifndef PQCE_CRYPTO_KECCAK_H
#define PQCE_CRYPTO_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#define PQCE_KECCAK_LANES  25
#define PQCE_KECCAK_ROUNDS 24
#define PQCE_SHAKE128_RATE 168 /* bytes: (1600 - 2*128) / 8 */
#define PQCE_SHAKE256_RATE 136
#define PQCE_SHA3_256_RATE 136
#define PQCE_SHA3_512_RATE 72

/* Domain-separation suffixes with the first padding bit [FIPS202, B.2]. */
#define PQCE_KECCAK_SUFFIX_SHA3   0x06u
#define PQCE_KECCAK_SUFFIX_SHAKE  0x1Fu
#define PQCE_KECCAK_SUFFIX_CSHAKE 0x04u

typedef struct pqce_keccak {
    uint64_t s[PQCE_KECCAK_LANES];
    uint32_t pos;  /* next byte of the current block to absorb/squeeze */
    uint32_t rate; /* bytes */
} pqce_keccak;

/* The round constants RC[ir] of iota [FIPS202, 3.2.5], ir = 0..23. */
extern const uint64_t pqce_keccak_rc[PQCE_KECCAK_ROUNDS];

/* Keccak-p[1600, 24] = Keccak-f[1600] [FIPS202, Algorithm 7 / 3.4]. */
void pqce_keccak_f1600(uint64_t s[PQCE_KECCAK_LANES]);

void pqce_keccak_init(pqce_keccak *k, uint32_t rate);
void pqce_keccak_absorb(pqce_keccak *k, const uint8_t *in, size_t in_len);
/* Appends the suffix and pad10*1 [FIPS202, Algorithm 9] and prepares to
 * squeeze. */
void pqce_keccak_finalize(pqce_keccak *k, uint8_t suffix);
void pqce_keccak_squeeze(pqce_keccak *k, uint8_t *out, size_t out_len);
/* Squeezes whole blocks; only valid right after finalize or after a
 * previous squeezeblocks (pos at a block boundary). */
void pqce_keccak_squeezeblocks(pqce_keccak *k, uint8_t *out, size_t nblocks);
void pqce_keccak_wipe(pqce_keccak *k);

/* One-shot conveniences for the lattice code. */
void pqce_keccak_sha3_256(uint8_t out[32], const uint8_t *in, size_t in_len);
void pqce_keccak_sha3_512(uint8_t out[64], const uint8_t *in, size_t in_len);
void pqce_keccak_shake128(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len);
void pqce_keccak_shake256(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len);

#endif /* PQCE_CRYPTO_KECCAK_H */
