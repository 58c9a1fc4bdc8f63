/* siphash.c - SipHash-2-4 [SipHash, 2]: 2 compression rounds per 8-byte
 * word, 4 finalization rounds. */
#include "crypto/siphash.h"

static uint64_t load_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) {
        v = (v << 8) | p[i];
    }
    return v;
}

static uint64_t rotl(uint64_t x, unsigned b)
{
    return (x << b) | (x >> (64 - b));
}

/* SipRound [SipHash, 2, Figure 2.1]. */
static void sip_round(uint64_t v[4])
{
    v[0] += v[1];
    v[1] = rotl(v[1], 13) ^ v[0];
    v[0] = rotl(v[0], 32);
    v[2] += v[3];
    v[3] = rotl(v[3], 16) ^ v[2];
    v[0] += v[3];
    v[3] = rotl(v[3], 21) ^ v[0];
    v[2] += v[1];
    v[1] = rotl(v[1], 17) ^ v[2];
    v[2] = rotl(v[2], 32);
}

uint64_t pqce_siphash24(const uint8_t key[PQCE_SIPHASH_KEY_BYTES], const uint8_t *in, size_t in_len)
{
    uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
    /* Initialization: "somepseudorandomlygeneratedbytes" [SipHash, 2]. */
    uint64_t v[4] = {k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull,
                     k0 ^ 0x6c7967656e657261ull, k1 ^ 0x7465646279746573ull};
    size_t end = in_len - in_len % 8;
    for (size_t i = 0; i < end; i += 8) {
        uint64_t m = load_le64(in + i);
        v[3] ^= m;
        sip_round(v);
        sip_round(v);
        v[0] ^= m;
    }
    /* The last word: the remaining bytes, and the length mod 256 on top. */
    uint64_t m = (uint64_t)(in_len & 0xff) << 56;
    for (size_t i = 0; i < in_len % 8; i++) {
        m |= (uint64_t)in[end + i] << (8 * i);
    }
    v[3] ^= m;
    sip_round(v);
    sip_round(v);
    v[0] ^= m;
    v[2] ^= 0xff;
    for (int i = 0; i < 4; i++) {
        sip_round(v);
    }
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}
