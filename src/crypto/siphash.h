/*
 * siphash.h - SipHash-2-4 [SipHash], a keyed 64-bit PRF for hash tables.
 *
 * Internal interface. Not a MAC for data at rest: it is what keeps a hash
 * table fed with strings an attacker chooses (the audit log's interned
 * strings) from degenerating into one bucket, because without the random
 * key the attacker cannot predict where a string lands.
 * [SipHash]: J.-P. Aumasson, D. J. Bernstein, "SipHash: a fast short-input
 * PRF", INDOCRYPT 2012.
 */
#ifndef PQCE_CRYPTO_SIPHASH_H
#define PQCE_CRYPTO_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define PQCE_SIPHASH_KEY_BYTES 16

/* SipHash-2-4 of in under key; the 64-bit result as the paper defines it
 * (its little-endian encoding is the 8-byte output). */
uint64_t pqce_siphash24(const uint8_t key[PQCE_SIPHASH_KEY_BYTES], const uint8_t *in,
                        size_t in_len);

#endif /* PQCE_CRYPTO_SIPHASH_H */
