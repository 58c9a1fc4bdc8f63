/*
 * kmac.c - cSHAKE and KMAC [SP800-185, sections 2-4].
 *
 * Byte-oriented: every string is a whole number of bytes, and lengths are
 * encoded in bits as the standard requires.
 */
#include "crypto/kmac.h"

#include "pqce.h"

/* left_encode(x) [SP800-185, 2.3.1]: n || x as n big-endian bytes, n >= 1.
 * Returns the encoding's length (at most 9 bytes for a 64-bit x). */
static size_t left_encode(uint8_t out[9], uint64_t x)
{
    uint8_t tmp[8];
    size_t n = 0;
    do {
        tmp[n++] = (uint8_t)x;
        x >>= 8;
    } while (x != 0);
    out[0] = (uint8_t)n;
    for (size_t i = 0; i < n; i++) {
        out[1 + i] = tmp[n - 1 - i];
    }
    return n + 1;
}

/* right_encode(x) [SP800-185, 2.3.1]: x as n big-endian bytes || n. */
static size_t right_encode(uint8_t out[9], uint64_t x)
{
    uint8_t tmp[8];
    size_t n = 0;
    do {
        tmp[n++] = (uint8_t)x;
        x >>= 8;
    } while (x != 0);
    for (size_t i = 0; i < n; i++) {
        out[i] = tmp[n - 1 - i];
    }
    out[n] = (uint8_t)n;
    return n + 1;
}

/* Absorbs encode_string(s) = left_encode(8 * len(s)) || s [2.3.2] and
 * returns the number of bytes absorbed. */
static size_t absorb_encoded_string(pqce_keccak *k, const uint8_t *s, size_t s_len)
{
    uint8_t enc[9];
    size_t n = left_encode(enc, (uint64_t)s_len * 8);
    pqce_keccak_absorb(k, enc, n);
    pqce_keccak_absorb(k, s, s_len);
    return n + s_len;
}

/* bytepad's prefix left_encode(w) [2.3.3]; returns its length. */
static size_t absorb_bytepad_prefix(pqce_keccak *k)
{
    uint8_t enc[9];
    size_t n = left_encode(enc, k->rate);
    pqce_keccak_absorb(k, enc, n);
    return n;
}

/* bytepad's zero fill up to a multiple of the rate w [2.3.3]. */
static void absorb_bytepad_fill(pqce_keccak *k, size_t absorbed)
{
    static const uint8_t zeros[PQCE_SHAKE128_RATE];
    size_t fill = (k->rate - absorbed % k->rate) % k->rate;
    pqce_keccak_absorb(k, zeros, fill);
}

void pqce_cshake_init(pqce_keccak *k, uint32_t rate, const uint8_t *n, size_t n_len,
                      const uint8_t *s, size_t s_len)
{
    pqce_keccak_init(k, rate);
    if (n_len == 0 && s_len == 0) {
        return; /* cSHAKE(X, L, "", "") = SHAKE(X, L) [3.3] */
    }
    /* bytepad(encode_string(N) || encode_string(S), rate) [3.3] */
    size_t absorbed = absorb_bytepad_prefix(k);
    absorbed += absorb_encoded_string(k, n, n_len);
    absorbed += absorb_encoded_string(k, s, s_len);
    absorb_bytepad_fill(k, absorbed);
}

void pqce_cshake_final(pqce_keccak *k, int plain_shake, uint8_t *out, size_t out_len)
{
    /* cSHAKE appends the two bits 00 before pad10*1; SHAKE appends 1111. */
    pqce_keccak_finalize(k, plain_shake ? PQCE_KECCAK_SUFFIX_SHAKE : PQCE_KECCAK_SUFFIX_CSHAKE);
    pqce_keccak_squeeze(k, out, out_len);
}

void pqce_kmac_init(pqce_keccak *k, uint32_t rate, const uint8_t *key, size_t key_len,
                    const uint8_t *s, size_t s_len)
{
    static const uint8_t kmac_name[4] = {'K', 'M', 'A', 'C'};
    pqce_cshake_init(k, rate, kmac_name, sizeof kmac_name, s, s_len);
    /* newX = bytepad(encode_string(K), rate) || X || right_encode(L) [4.3] */
    size_t absorbed = absorb_bytepad_prefix(k);
    absorbed += absorb_encoded_string(k, key, key_len);
    absorb_bytepad_fill(k, absorbed);
}

void pqce_kmac_final(pqce_keccak *k, uint8_t *out, size_t out_len)
{
    uint8_t enc[9];
    size_t n = right_encode(enc, (uint64_t)out_len * 8);
    pqce_keccak_absorb(k, enc, n);
    pqce_cshake_final(k, 0, out, out_len);
}

void pqce_kmac_xof_final(pqce_keccak *k, uint8_t *out, size_t out_len)
{
    uint8_t enc[9];
    size_t n = right_encode(enc, 0); /* KMACXOF [4.3.1] */
    pqce_keccak_absorb(k, enc, n);
    pqce_cshake_final(k, 0, out, out_len);
}

void pqce_kmac256(uint8_t *out, size_t out_len, const uint8_t *key, size_t key_len,
                  const uint8_t *msg, size_t msg_len, const uint8_t *s, size_t s_len)
{
    pqce_keccak k;
    pqce_kmac_init(&k, PQCE_SHAKE256_RATE, key, key_len, s, s_len);
    pqce_keccak_absorb(&k, msg, msg_len);
    pqce_kmac_final(&k, out, out_len);
    pqce_keccak_wipe(&k);
}
