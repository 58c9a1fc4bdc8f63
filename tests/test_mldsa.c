/*
 * test_mldsa.c - properties and edge cases of ML-DSA-44/65/87 [FIPS204]
 * (the known-answer tests are in test_vectors_mldsa.c).
 */
#include <stdlib.h>
#include <string.h>

#include "core/ct.h"
#include "crypto/mldsa_encode.h"
#include "crypto/mldsa_params.h"
#include "crypto/mldsa_poly.h"
#include "crypto/mldsa_sample.h"
#include "test.h"

#define Q       PQCE_MLDSA_Q
#define N       PQCE_MLDSA_N
#define MAX_PK  PQCE_MLDSA87_PK_BYTES
#define MAX_SK  PQCE_MLDSA87_SK_BYTES
#define MAX_SIG PQCE_MLDSA87_SIG_BYTES

/* ---- every public function of one parameter set, behind one type --------- */

struct set_ops {
    const pqce_mldsa_params *p;
    int (*keypair)(uint8_t *, uint8_t *);
    int (*keypair_rng)(const pqce_rng *, uint8_t *, uint8_t *);
    int (*keypair_derand)(uint8_t *, uint8_t *, const uint8_t *);
    int (*sign)(uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *);
    int (*sign_rng)(const pqce_rng *, uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t,
                    const uint8_t *);
    int (*sign_derand)(uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *,
                       const uint8_t *);
    int (*verify)(const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *, size_t,
                  const uint8_t *);
    int (*hash_sign)(uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t, pqce_mldsa_hash,
                     const uint8_t *);
    int (*hash_sign_rng)(const pqce_rng *, uint8_t *, const uint8_t *, size_t, const uint8_t *,
                         size_t, pqce_mldsa_hash, const uint8_t *);
    int (*hash_sign_derand)(uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t,
                            pqce_mldsa_hash, const uint8_t *, const uint8_t *);
    int (*hash_verify)(const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *, size_t,
                       pqce_mldsa_hash, const uint8_t *);
    int (*sign_internal)(uint8_t *, const uint8_t *, size_t, const uint8_t *, const uint8_t *);
    int (*verify_internal)(const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *);
    int (*public_key_hash)(uint8_t *, const uint8_t *);
    int (*sign_mu)(uint8_t *, const uint8_t *, const uint8_t *);
    int (*sign_mu_rng)(const pqce_rng *, uint8_t *, const uint8_t *, const uint8_t *);
    int (*sign_mu_derand)(uint8_t *, const uint8_t *, const uint8_t *, const uint8_t *);
    int (*verify_mu)(const uint8_t *, size_t, const uint8_t *, const uint8_t *);
};

#define SET_OPS(N_)                                                                            \
    {                                                                                          \
        &pqce_mldsa##N_##_params, pqce_mldsa##N_##_keypair, pqce_mldsa##N_##_keypair_rng,      \
            pqce_mldsa##N_##_keypair_derand, pqce_mldsa##N_##_sign, pqce_mldsa##N_##_sign_rng, \
            pqce_mldsa##N_##_sign_derand, pqce_mldsa##N_##_verify, pqce_mldsa##N_##_hash_sign, \
            pqce_mldsa##N_##_hash_sign_rng, pqce_mldsa##N_##_hash_sign_derand,                 \
            pqce_mldsa##N_##_hash_verify, pqce_mldsa##N_##_sign_internal,                      \
            pqce_mldsa##N_##_verify_internal, pqce_mldsa##N_##_public_key_hash,                \
            pqce_mldsa##N_##_sign_mu, pqce_mldsa##N_##_sign_mu_rng,                            \
            pqce_mldsa##N_##_sign_mu_derand, pqce_mldsa##N_##_verify_mu                        \
    }

static const struct set_ops sets[] = {SET_OPS(44), SET_OPS(65), SET_OPS(87)};
#define N_SETS (sizeof sets / sizeof sets[0])

static const uint8_t zero_rnd[PQCE_MLDSA_RND_BYTES];

/* A random 32-bit value from the deterministic test stream. */
static uint32_t rand32(const char *label, uint64_t counter)
{
    uint8_t b[4];
    test_fill(b, sizeof b, label, counter);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

static int all_zero(const uint8_t *p, size_t len)
{
    uint8_t d = 0;
    for (size_t i = 0; i < len; i++) {
        d |= p[i];
    }
    return d == 0;
}

/* A key pair of set s from a seed made of label/counter. */
static int make_keys(const struct set_ops *s, uint8_t *pk, uint8_t *sk, const char *label,
                     uint64_t counter)
{
    uint8_t seed[PQCE_MLDSA_SEED_BYTES];
    test_fill(seed, sizeof seed, label, counter);
    return s->keypair_derand(pk, sk, seed);
}

/* ---- round trip and single-bit flips --------------------------------------- */

static int verify_fails(const struct set_ops *s, const uint8_t *sig, const uint8_t *msg,
                        size_t msg_len, const uint8_t *ctx, size_t ctx_len, const uint8_t *pk)
{
    return s->verify(sig, s->p->sig_bytes, msg, msg_len, ctx, ctx_len, pk) == PQCE_ERR_VERIFY;
}

static void test_roundtrip_and_every_single_bit_flip_fails(void)
{
    static uint8_t pk[MAX_PK], sk[MAX_SK], sig[MAX_SIG], msg[600], ctx[255], rnd[32];
    size_t flips = 0;
    for (size_t si = 0; si < N_SETS; si++) {
        const struct set_ops *s = &sets[si];
        const pqce_mldsa_params *p = s->p;
        const size_t hint_off = p->ctilde_bytes + (size_t)p->l * p->z_poly_bytes;
        for (uint64_t trial = 0; trial < 4; trial++) {
            uint64_t id = si * 100 + trial;
            CHECK_OK(make_keys(s, pk, sk, "roundtrip keys", id));
            size_t msg_len = trial == 0 ? 0 : 1 + rand32("msg len", id) % sizeof msg;
            size_t ctx_len = trial == 1 ? 0 : rand32("ctx len", id) % 256;
            test_fill(msg, msg_len, "msg", id);
            test_fill(ctx, ctx_len, "ctx", id);
            test_fill(rnd, sizeof rnd, "rnd", id);
            CHECK_OK(s->sign_derand(sig, msg, msg_len, ctx, ctx_len, sk, rnd));
            CHECK_OK(s->verify(sig, p->sig_bytes, msg, msg_len, ctx, ctx_len, pk));

            /* Signature: every byte of the hint section, the first and last
             * byte, and 96 random positions over the whole signature. */
            for (size_t n = 0; n < p->omega + p->k + 98u; n++) {
                size_t byte;
                if (n < p->omega + p->k) {
                    byte = hint_off + n;
                } else if (n == p->omega + p->k) {
                    byte = 0;
                } else if (n == p->omega + p->k + 1u) {
                    byte = p->sig_bytes - 1;
                } else {
                    byte = rand32("sig byte", id * 1000 + n) % p->sig_bytes;
                }
                uint8_t bit = (uint8_t)(1u << (rand32("sig bit", id * 1000 + n) % 8));
                sig[byte] ^= bit;
                int failed = verify_fails(s, sig, msg, msg_len, ctx, ctx_len, pk);
                sig[byte] ^= bit;
                CHECK_MSG(failed, "%s: flipping bit %02x of signature byte %zu verified", p->name,
                          bit, byte);
                flips++;
            }
            /* Message, context, public key: 24 random bits each. */
            for (uint64_t n = 0; n < 24; n++) {
                uint32_t r = rand32("other flips", id * 1000 + n);
                uint8_t bit = (uint8_t)(1u << (r % 8));
                if (msg_len > 0) {
                    size_t byte = (r >> 3) % msg_len;
                    msg[byte] ^= bit;
                    int failed = verify_fails(s, sig, msg, msg_len, ctx, ctx_len, pk);
                    msg[byte] ^= bit;
                    CHECK_MSG(failed, "%s: message bit flip verified", p->name);
                    flips++;
                }
                if (ctx_len > 0) {
                    size_t byte = (r >> 3) % ctx_len;
                    ctx[byte] ^= bit;
                    int failed = verify_fails(s, sig, msg, msg_len, ctx, ctx_len, pk);
                    ctx[byte] ^= bit;
                    CHECK_MSG(failed, "%s: context bit flip verified", p->name);
                    flips++;
                }
                size_t byte = (r >> 3) % p->pk_bytes;
                pk[byte] ^= bit;
                int failed = verify_fails(s, sig, msg, msg_len, ctx, ctx_len, pk);
                pk[byte] ^= bit;
                CHECK_MSG(failed, "%s: public key bit flip at byte %zu verified", p->name, byte);
                flips++;
            }
            /* A longer or shorter message and context do not verify either. */
            if (msg_len > 0) {
                CHECK(verify_fails(s, sig, msg, msg_len - 1, ctx, ctx_len, pk));
            }
            if (ctx_len < sizeof ctx) {
                CHECK(verify_fails(s, sig, msg, msg_len, ctx, ctx_len + 1, pk));
            }
            CHECK_OK(s->verify(sig, p->sig_bytes, msg, msg_len, ctx, ctx_len, pk));
        }
    }
    printf("  %zu single-bit flips, all rejected\n", flips);
}

static void test_hedged_sign_verifies_and_differs_each_time(void)
{
    static uint8_t pk[MAX_PK], sk[MAX_SK], sig1[MAX_SIG], sig2[MAX_SIG];
    const uint8_t msg[] = "attestation: model weights sha3-256 ...";
    for (size_t si = 0; si < N_SETS; si++) {
        const struct set_ops *s = &sets[si];
        CHECK_OK(s->keypair(pk, sk));
        CHECK_OK(s->sign(sig1, msg, sizeof msg, NULL, 0, sk));
        CHECK_OK(s->sign(sig2, msg, sizeof msg, NULL, 0, sk));
        CHECK_OK(s->verify(sig1, s->p->sig_bytes, msg, sizeof msg, NULL, 0, pk));
        CHECK_OK(s->verify(sig2, s->p->sig_bytes, msg, sizeof msg, NULL, 0, pk));
        CHECK(memcmp(sig1, sig2, s->p->sig_bytes) != 0);
    }
}

static void test_deterministic_signing_is_deterministic(void)
{
    static uint8_t pk[MAX_PK], sk[MAX_SK], sig1[MAX_SIG], sig2[MAX_SIG];
    const uint8_t msg[] = "manifest v1", ctx[] = "pqc-enclave";
    for (size_t si = 0; si < N_SETS; si++) {
        const struct set_ops *s = &sets[si];
        CHECK_OK(make_keys(s, pk, sk, "det", si));
        CHECK_OK(s->sign_derand(sig1, msg, sizeof msg, ctx, sizeof ctx, sk, zero_rnd));
        CHECK_OK(s->sign_derand(sig2, msg, sizeof msg, ctx, sizeof ctx, sk, zero_rnd));
        CHECK_MEM_EQ(sig1, sig2, s->p->sig_bytes);
        CHECK_OK(s->verify(sig1, s->p->sig_bytes, msg, sizeof msg, ctx, sizeof ctx, pk));
        /* a different rnd gives a different, also valid, signature */
        uint8_t rnd[32];
        memset(rnd, 0x42, sizeof rnd);
        CHECK_OK(s->sign_derand(sig2, msg, sizeof msg, ctx, sizeof ctx, sk, rnd));
        CHECK(memcmp(sig1, sig2, s->p->sig_bytes) != 0);
        CHECK_OK(s->verify(sig2, s->p->sig_bytes, msg, sizeof msg, ctx, sizeof ctx, pk));
    }
}

/* ---- contexts, lengths, hints, z --------------------------------------- */

static void test_context_of_255_bytes_works_and_256_is_rejected(void)
{
    static uint8_t pk[MAX_PK], sk[MAX_SK], sig[MAX_SIG], ctx[256];
    const uint8_t msg[] = "m";
    pqce_sha3_ctx h;
    uint8_t tr[PQCE_MLDSA_TR_BYTES];
    test_fill(ctx, sizeof ctx, "ctx", 0);
    for (size_t si = 0; si < N_SETS; si++) {
        const struct set_ops *s = &sets[si];
        const size_t sl = s->p->sig_bytes;
        CHECK_OK(make_keys(s, pk, sk, "ctx", si));
        CHECK_OK(s->sign_derand(sig, msg, 1, ctx, 255, sk, zero_rnd));
        CHECK_OK(s->verify(sig, sl, msg, 1, ctx, 255, pk));
        CHECK_OK(
            s->hash_sign_derand(sig, msg, 1, ctx, 255, PQCE_MLDSA_HASH_SHA3_256, sk, zero_rnd));
        CHECK_OK(s->hash_verify(sig, sl, msg, 1, ctx, 255, PQCE_MLDSA_HASH_SHA3_256, pk));

        memset(sig, 0xAA, sl);
        CHECK_RC(s->sign_derand(sig, msg, 1, ctx, 256, sk, zero_rnd), PQCE_ERR_INVALID_ARG);
        CHECK(all_zero(sig, sl));
        memset(sig, 0xAA, sl);
        CHECK_RC(s->sign(sig, msg, 1, ctx, 256, sk), PQCE_ERR_INVALID_ARG);
        CHECK(all_zero(sig, sl));
        memset(sig, 0xAA, sl);
        CHECK_RC(s->hash_sign(sig, msg, 1, ctx, 256, PQCE_MLDSA_HASH_SHA3_512, sk),
                 PQCE_ERR_INVALID_ARG);
        CHECK(all_zero(sig, sl));
        CHECK_RC(s->verify(sig, sl, msg, 1, ctx, 256, pk), PQCE_ERR_INVALID_ARG);
        CHECK_RC(s->hash_verify(sig, sl, msg, 1, ctx, 256, PQCE_MLDSA_HASH_SHA3_512, pk),
                 PQCE_ERR_INVALID_ARG);
        CHECK_OK(s->public_key_hash(tr, pk));
        CHECK_RC(pqce_mldsa_mu_init(&h, tr, ctx, 256), PQCE_ERR_INVALID_ARG);
        CHECK_RC(pqce_mldsa_mu_init(&h, tr, ctx, (size_t)-1), PQCE_ERR_INVALID_ARG);
    }
}

static void test_verify_rejects_wrong_signature_length(void)
{
    static uint8_t pk[MAX_PK], sk[MAX_SK], sig[MAX_SIG];
    const uint8_t msg[] = "length";
    for (size_t si = 0; si < N_SETS; si++) {
        const struct set_ops *s = &sets[si];
        const size_t sl = s->p->sig_bytes;
        CHECK_OK(make_keys(s, pk, sk, "len", si));
        CHECK_OK(s->sign_derand(sig, msg, sizeof msg, NULL, 0, sk, zero_rnd));
        /* Exactly-sized heap copies, so that ASan sees any read past the end. */
        for (size_t len = 0; len <= sl + 1; len += (len + 2 < sl ? sl - 2 : 1)) {
            uint8_t *copy = malloc(len + 1);
            CHECK(copy != NULL);
            memcpy(copy, sig, len <= sl ? len : sl);
            if (len > sl) {
                copy[sl] = 0;
            }
            int rc = s->verify(copy, len, msg, sizeof msg, NULL, 0, pk);
            int rc_mu = s->verify_internal(copy, len, msg, sizeof msg, pk);
            free(copy);
            if (len == sl) {
                CHECK_OK(rc);
            } else {
                CHECK_MSG(rc == PQCE_ERR_VERIFY, "%s: sig_len %zu gave %s", s->p->name, len,
                          pqce_error_name(rc));
                CHECK(rc_mu == PQCE_ERR_VERIFY);
            }
        }
    }
}

/* Positions of the hint section of a signature. */
struct hint_view {
    uint8_t *y; /* omega index bytes, then k counts */
    unsigned omega, k;
};

static struct hint_view hint_of(const pqce_mldsa_params *p, uint8_t *sig)
{
    struct hint_view v = {sig + p->ctilde_bytes + (size_t)p->l * p->z_poly_bytes, p->omega, p->k};
    return v;
}

static void test_verify_rejects_malformed_hints(void)
{
    static uint8_t pk[MAX_PK], sk[MAX_SK], sig[MAX_SIG], bad[MAX_SIG];
    static uint8_t h[PQCE_MLDSA_K_MAX * N];
    size_t cases = 0;
    for (size_t si = 0; si < N_SETS; si++) {
        const struct set_ops *s = &sets[si];
        const pqce_mldsa_params *p = s->p;
        const size_t sl = p->sig_bytes;
        CHECK_OK(make_keys(s, pk, sk, "hint", si));
        /* Find a message whose signature has a polynomial with two hints
         * and unused index slots. */
        struct hint_view v;
        unsigned poly = 0, tries = 0, found = 0;
        uint8_t m[8];
        while (!found && tries < 200) {
            test_fill(m, sizeof m, "hint msg", si * 1000 + tries++);
            CHECK_OK(s->sign_derand(sig, m, sizeof m, NULL, 0, sk, zero_rnd));
            v = hint_of(p, sig);
            unsigned prev = 0;
            for (poly = 0; poly < p->k && !found; poly++) {
                unsigned end = v.y[v.omega + poly];
                found = end - prev >= 2 && v.y[v.omega + p->k - 1] < v.omega;
                prev = end;
            }
        }
        CHECK(found);
        poly--;
        CHECK_OK(s->verify(sig, sl, m, sizeof m, NULL, 0, pk));
        CHECK(pqce_mldsa_unpack_hint(h, v.y, v.k, v.omega) == 0);
        unsigned first = poly == 0 ? 0 : v.y[v.omega + poly - 1];

        /* 1: a count above omega */
        memcpy(bad, sig, sl);
        hint_of(p, bad).y[v.omega + p->k - 1] = (uint8_t)(v.omega + 1);
        /* 2: counts decreasing */
        uint8_t bad2[MAX_SIG];
        memcpy(bad2, sig, sl);
        if (p->k >= 2) {
            struct hint_view b = hint_of(p, bad2);
            b.y[v.omega] = (uint8_t)(b.y[v.omega + 1] + 1);
            if (b.y[v.omega] > v.omega) {
                b.y[v.omega] = (uint8_t)v.omega;
                b.y[v.omega + 1] = 0;
            }
        }
        /* 3: two equal indices in one polynomial */
        uint8_t bad3[MAX_SIG];
        memcpy(bad3, sig, sl);
        hint_of(p, bad3).y[first + 1] = hint_of(p, bad3).y[first];
        /* 4: indices of one polynomial decreasing */
        uint8_t bad4[MAX_SIG];
        memcpy(bad4, sig, sl);
        {
            struct hint_view b = hint_of(p, bad4);
            uint8_t t = b.y[first];
            b.y[first] = b.y[first + 1];
            b.y[first + 1] = t;
        }
        /* 5: a non-zero byte in the unused index slots */
        uint8_t bad5[MAX_SIG];
        memcpy(bad5, sig, sl);
        hint_of(p, bad5).y[v.omega - 1] = 1;
        /* 6: count bytes of 255 */
        uint8_t bad6[MAX_SIG];
        memcpy(bad6, sig, sl);
        memset(hint_of(p, bad6).y + v.omega, 0xFF, p->k);

        uint8_t *all[] = {bad, bad2, bad3, bad4, bad5, bad6};
        for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
            if (i == 1 && p->k < 2) {
                continue;
            }
            struct hint_view b = hint_of(p, all[i]);
            CHECK_MSG(pqce_mldsa_unpack_hint(h, b.y, b.k, b.omega) == -1,
                      "%s: malformed hint %zu accepted by HintBitUnpack", p->name, i + 1);
            CHECK_RC(s->verify(all[i], sl, m, sizeof m, NULL, 0, pk), PQCE_ERR_VERIFY);
            cases++;
        }
    }
    printf("  %zu malformed hint encodings rejected\n", cases);
}

static void test_verify_rejects_out_of_range_z(void)
{
    static uint8_t pk[MAX_PK], sk[MAX_SK], sig[MAX_SIG];
    pqce_mldsa_poly z;
    const uint8_t msg[] = "z";
    for (size_t si = 0; si < N_SETS; si++) {
        const struct set_ops *s = &sets[si];
        const pqce_mldsa_params *p = s->p;
        CHECK_OK(make_keys(s, pk, sk, "z", si));
        CHECK_OK(s->sign_derand(sig, msg, sizeof msg, NULL, 0, sk, zero_rnd));
        const int32_t bound = p->gamma1 - p->beta;
        const int32_t values[] = {bound, -bound, bound + 1, p->gamma1, -p->gamma1 + 1};
        for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
            uint8_t *zb = sig + p->ctilde_bytes + (p->l - 1) * p->z_poly_bytes;
            uint8_t saved[640];
            memcpy(saved, zb, p->z_poly_bytes);
            pqce_mldsa_unpack_z(&z, zb, p->gamma1_bits);
            z.c[v * 31] = values[v];
            pqce_mldsa_pack_z(zb, &z, p->gamma1_bits);
            CHECK(pqce_mldsa_poly_exceeds(&z, bound) != 0);
            CHECK_RC(s->verify(sig, p->sig_bytes, msg, sizeof msg, NULL, 0, pk), PQCE_ERR_VERIFY);
            memcpy(zb, saved, p->z_poly_bytes);
        }
        /* just inside the bound is not a norm failure */
        pqce_mldsa_unpack_z(&z, sig + p->ctilde_bytes, p->gamma1_bits);
        z.c[0] = bound - 1;
        z.c[1] = -(bound - 1);
        CHECK(pqce_mldsa_poly_exceeds(&z, bound) == 0);
        CHECK_OK(s->verify(sig, p->sig_bytes, msg, sizeof msg, NULL, 0, pk));
    }
}

/* ---- external mu, the internal interface, HashML-DSA --------------------- */

static void test_streaming_mu_equals_one_shot(void)
{
    static uint8_t pk[MAX_PK], sk[MAX_SK], sig1[MAX_SIG], sig2[MAX_SIG], msg[5000];
    uint8_t tr[PQCE_MLDSA_TR_BYTES], mu[PQCE_MLDSA_MU_BYTES], ctx[40];
    pqce_sha3_ctx h;
    test_fill(msg, sizeof msg, "stream msg", 0);
    test_fill(ctx, sizeof ctx, "stream ctx", 0);
    for (size_t si = 0; si < N_SETS; si++) {
        const struct set_ops *s = &sets[si];
        const size_t sl = s->p->sig_bytes;
        CHECK_OK(make_keys(s, pk, sk, "stream", si));
        CHECK_OK(s->public_key_hash(tr, pk));
        CHECK_MEM_EQ(tr, sk + 64, sizeof tr); /* skEncode stores tr at 64 */
        CHECK_OK(pqce_mldsa_mu_init(&h, tr, ctx, sizeof ctx));
        for (size_t off = 0, n = 0; off < sizeof msg; n++) {
            size_t chunk = 1 + rand32("chunk", si * 100 + n) % 700;
            if (chunk > sizeof msg - off) {
                chunk = sizeof msg - off;
            }
            CHECK_OK(pqce_sha3_absorb(&h, msg + off, chunk));
            off += chunk;
        }
        CHECK_OK(pqce_mldsa_mu_final(&h, mu));
        CHECK_OK(s->sign_mu_derand(sig1, mu, sk, zero_rnd));
        CHECK_OK(s->sign_derand(sig2, msg, sizeof msg, ctx, sizeof ctx, sk, zero_rnd));
        CHECK_MEM_EQ(sig1, sig2, sl);
        CHECK_OK(s->verify_mu(sig1, sl, mu, pk));
        CHECK_OK(s->verify(sig1, sl, msg, sizeof msg, ctx, sizeof ctx, pk));
        mu[5] ^= 1;
        CHECK_RC(s->verify_mu(sig1, sl, mu, pk), PQCE_ERR_VERIFY);
        CHECK_OK(s->sign_mu(sig1, mu, sk));
        CHECK_OK(s->verify_mu(sig1, sl, mu, pk));
        /* An empty context and message stream too. */
        CHECK_OK(pqce_mldsa_mu_init(&h, tr, NULL, 0));
        CHECK_OK(pqce_mldsa_mu_final(&h, mu));
        CHECK_OK(s->sign_mu_derand(sig1, mu, sk, zero_rnd));
        CHECK_OK(s->verify(sig1, sl, NULL, 0, NULL, 0, pk));
    }
}

static void test_internal_interface_matches_external_encoding(void)
{
    static uint8_t pk[MAX_PK], sk[MAX_SK], sig1[MAX_SIG], sig2[MAX_SIG];
    const uint8_t msg[] = "device 42 attests", ctx[] = "attest";
    uint8_t mprime[2 + sizeof ctx + sizeof msg];
    mprime[0] = 0; /* [FIPS204, Algorithm 2, line 10] */
    mprime[1] = sizeof ctx;
    memcpy(mprime + 2, ctx, sizeof ctx);
    memcpy(mprime + 2 + sizeof ctx, msg, sizeof msg);
    for (size_t si = 0; si < N_SETS; si++) {
        const struct set_ops *s = &sets[si];
        const size_t sl = s->p->sig_bytes;
        CHECK_OK(make_keys(s, pk, sk, "internal", si));
        CHECK_OK(s->sign_internal(sig1, mprime, sizeof mprime, sk, zero_rnd));
        CHECK_OK(s->sign_derand(sig2, msg, sizeof msg, ctx, sizeof ctx, sk, zero_rnd));
        CHECK_MEM_EQ(sig1, sig2, sl);
        CHECK_OK(s->verify_internal(sig1, sl, mprime, sizeof mprime, pk));
        CHECK_RC(s->verify_internal(sig1, sl, msg, sizeof msg, pk), PQCE_ERR_VERIFY);
    }
}

static void test_hash_ml_dsa_roundtrip_for_every_hash(void)
{
    static uint8_t pk[MAX_PK], sk[MAX_SK], sig[MAX_SIG];
    static uint8_t msg[1000];
    const uint8_t ctx[] = "prehash";
    test_fill(msg, sizeof msg, "prehash", 0);
    for (size_t si = 0; si < N_SETS; si++) {
        const struct set_ops *s = &sets[si];
        const size_t sl = s->p->sig_bytes;
        CHECK_OK(make_keys(s, pk, sk, "prehash", si));
        for (int hid = PQCE_MLDSA_HASH_SHA2_256; hid <= PQCE_MLDSA_HASH_SHAKE256; hid++) {
            pqce_mldsa_hash hash = (pqce_mldsa_hash)hid;
            pqce_mldsa_hash other = (pqce_mldsa_hash)(hid == 12 ? 1 : hid + 1);
            CHECK_OK(
                s->hash_sign_derand(sig, msg, sizeof msg, ctx, sizeof ctx, hash, sk, zero_rnd));
            CHECK_OK(s->hash_verify(sig, sl, msg, sizeof msg, ctx, sizeof ctx, hash, pk));
            CHECK_RC(s->hash_verify(sig, sl, msg, sizeof msg, ctx, sizeof ctx, other, pk),
                     PQCE_ERR_VERIFY);
            CHECK_RC(s->verify(sig, sl, msg, sizeof msg, ctx, sizeof ctx, pk), PQCE_ERR_VERIFY);
            msg[0] ^= 1;
            CHECK_RC(s->hash_verify(sig, sl, msg, sizeof msg, ctx, sizeof ctx, hash, pk),
                     PQCE_ERR_VERIFY);
            msg[0] ^= 1;
            CHECK_OK(s->hash_sign(sig, msg, sizeof msg, NULL, 0, hash, sk));
            CHECK_OK(s->hash_verify(sig, sl, msg, sizeof msg, NULL, 0, hash, pk));
        }
        /* A pure signature is not a pre-hash one. */
        CHECK_OK(s->sign_derand(sig, msg, sizeof msg, ctx, sizeof ctx, sk, zero_rnd));
        CHECK_RC(
            s->hash_verify(sig, sl, msg, sizeof msg, ctx, sizeof ctx, PQCE_MLDSA_HASH_SHA3_256, pk),
            PQCE_ERR_VERIFY);
        /* Unknown hash identifiers. */
        memset(sig, 0xAA, sl);
        CHECK_RC(s->hash_sign_derand(sig, msg, 1, NULL, 0, (pqce_mldsa_hash)0, sk, zero_rnd),
                 PQCE_ERR_INVALID_ARG);
        CHECK(all_zero(sig, sl));
        CHECK_RC(s->hash_sign_derand(sig, msg, 1, NULL, 0, (pqce_mldsa_hash)13, sk, zero_rnd),
                 PQCE_ERR_INVALID_ARG);
        CHECK_RC(s->hash_verify(sig, sl, msg, 1, NULL, 0, (pqce_mldsa_hash)13, pk),
                 PQCE_ERR_INVALID_ARG);
    }
}

/* ---- randomness -------------------------------------------------------- */

static int failing_fill(void *ctx, uint8_t *out, size_t out_len)
{
    (void)ctx;
    memset(out, 0x5A, out_len); /* garbage that must not survive */
    return -1;
}

struct seq_rng {
    uint64_t counter;
};

static int seq_fill(void *ctx, uint8_t *out, size_t out_len)
{
    struct seq_rng *r = ctx;
    test_fill(out, out_len, "seq rng", r->counter++);
    return 0;
}

static void test_failing_rng_gives_random_error_and_zeroized_outputs(void)
{
    static uint8_t pk[MAX_PK], sk[MAX_SK], sig[MAX_SIG], good_pk[MAX_PK], good_sk[MAX_SK];
    const pqce_rng bad = {PQCE_RNG_VERSION, failing_fill, NULL};
    const pqce_rng wrong_version = {PQCE_RNG_VERSION + 1, seq_fill, NULL};
    const uint8_t msg[] = "rng";
    uint8_t mu[64] = {0};
    for (size_t si = 0; si < N_SETS; si++) {
        const struct set_ops *s = &sets[si];
        const pqce_mldsa_params *p = s->p;
        CHECK_OK(make_keys(s, good_pk, good_sk, "rng", si));
        memset(pk, 0xAA, p->pk_bytes);
        memset(sk, 0xAA, p->sk_bytes);
        CHECK_RC(s->keypair_rng(&bad, pk, sk), PQCE_ERR_RANDOM);
        CHECK(all_zero(pk, p->pk_bytes) && all_zero(sk, p->sk_bytes));
        memset(sig, 0xAA, p->sig_bytes);
        CHECK_RC(s->sign_rng(&bad, sig, msg, sizeof msg, NULL, 0, good_sk), PQCE_ERR_RANDOM);
        CHECK(all_zero(sig, p->sig_bytes));
        memset(sig, 0xAA, p->sig_bytes);
        CHECK_RC(s->hash_sign_rng(&bad, sig, msg, sizeof msg, NULL, 0, PQCE_MLDSA_HASH_SHAKE256,
                                  good_sk),
                 PQCE_ERR_RANDOM);
        CHECK(all_zero(sig, p->sig_bytes));
        memset(sig, 0xAA, p->sig_bytes);
        CHECK_RC(s->sign_mu_rng(&bad, sig, mu, good_sk), PQCE_ERR_RANDOM);
        CHECK(all_zero(sig, p->sig_bytes));
        /* An rng of an unknown version is an argument error. */
        memset(sig, 0xAA, p->sig_bytes);
        CHECK_RC(s->sign_rng(&wrong_version, sig, msg, sizeof msg, NULL, 0, good_sk),
                 PQCE_ERR_INVALID_ARG);
        CHECK(all_zero(sig, p->sig_bytes));
        CHECK_RC(s->keypair_rng(&wrong_version, pk, sk), PQCE_ERR_INVALID_ARG);
    }
}

static void test_keypair_rng_equals_keypair_derand_of_the_drawn_seed(void)
{
    static uint8_t pk1[MAX_PK], sk1[MAX_SK], pk2[MAX_PK], sk2[MAX_SK], sig1[MAX_SIG], sig2[MAX_SIG];
    const uint8_t msg[] = "rng";
    for (size_t si = 0; si < N_SETS; si++) {
        const struct set_ops *s = &sets[si];
        struct seq_rng state = {si * 10};
        const pqce_rng rng = {PQCE_RNG_VERSION, seq_fill, &state};
        uint8_t seed[32], rnd[32];
        CHECK_OK(s->keypair_rng(&rng, pk1, sk1));
        test_fill(seed, sizeof seed, "seq rng", si * 10);
        CHECK_OK(s->keypair_derand(pk2, sk2, seed));
        CHECK_MEM_EQ(pk1, pk2, s->p->pk_bytes);
        CHECK_MEM_EQ(sk1, sk2, s->p->sk_bytes);
        /* hedged signing draws exactly rnd from the rng */
        CHECK_OK(s->sign_rng(&rng, sig1, msg, sizeof msg, NULL, 0, sk1));
        test_fill(rnd, sizeof rnd, "seq rng", si * 10 + 1);
        CHECK_OK(s->sign_derand(sig2, msg, sizeof msg, NULL, 0, sk1, rnd));
        CHECK_MEM_EQ(sig1, sig2, s->p->sig_bytes);
    }
}

/* ---- argument checks ------------------------------------------------------ */

static void test_null_arguments_are_rejected(void)
{
    static uint8_t pk[MAX_PK], sk[MAX_SK], sig[MAX_SIG];
    const uint8_t msg[] = "null", seed[32] = {1};
    uint8_t mu[64] = {0}, tr[64];
    pqce_sha3_ctx h;
    const pqce_mldsa_hash H = PQCE_MLDSA_HASH_SHA3_256;
    for (size_t si = 0; si < N_SETS; si++) {
        const struct set_ops *s = &sets[si];
        const size_t sl = s->p->sig_bytes;
        const int E = PQCE_ERR_INVALID_ARG;
        CHECK_OK(s->keypair_derand(pk, sk, seed));

        memset(sk, 0xAA, s->p->sk_bytes);
        CHECK_RC(s->keypair_derand(NULL, sk, seed), E);
        CHECK(all_zero(sk, s->p->sk_bytes));
        memset(pk, 0xAA, s->p->pk_bytes);
        CHECK_RC(s->keypair_derand(pk, NULL, seed), E);
        CHECK(all_zero(pk, s->p->pk_bytes));
        CHECK_RC(s->keypair_derand(pk, sk, NULL), E);
        CHECK(all_zero(pk, s->p->pk_bytes) && all_zero(sk, s->p->sk_bytes));
        CHECK_RC(s->keypair(NULL, sk), E);
        CHECK_RC(s->keypair(pk, NULL), E);
        CHECK_RC(s->keypair_rng(NULL, NULL, sk), E);
        CHECK_OK(s->keypair_derand(pk, sk, seed));

        CHECK_RC(s->sign(NULL, msg, 1, NULL, 0, sk), E);
        CHECK_RC(s->sign(sig, msg, 1, NULL, 0, NULL), E);
        memset(sig, 0xAA, sl);
        CHECK_RC(s->sign(sig, NULL, 1, NULL, 0, sk), E);
        CHECK(all_zero(sig, sl));
        CHECK_RC(s->sign(sig, msg, 1, NULL, 1, sk), E);
        CHECK_RC(s->sign_derand(sig, msg, 1, NULL, 0, sk, NULL), E);
        CHECK(all_zero(sig, sl));
        CHECK_RC(s->sign_internal(sig, NULL, 1, sk, zero_rnd), E);
        CHECK_RC(s->sign_internal(sig, msg, 1, sk, NULL), E);
        CHECK_RC(s->sign_mu(sig, NULL, sk), E);
        CHECK_RC(s->sign_mu_derand(sig, mu, NULL, zero_rnd), E);
        CHECK_RC(s->sign_mu_derand(sig, mu, sk, NULL), E);
        CHECK_RC(s->hash_sign(sig, NULL, 1, NULL, 0, H, sk), E);
        CHECK_RC(s->hash_sign_derand(sig, msg, 1, NULL, 0, H, sk, NULL), E);
        CHECK_RC(s->public_key_hash(NULL, pk), E);
        CHECK_RC(s->public_key_hash(tr, NULL), E);

        /* empty message and context given as NULL are fine */
        CHECK_OK(s->sign_derand(sig, NULL, 0, NULL, 0, sk, zero_rnd));
        CHECK_OK(s->verify(sig, sl, NULL, 0, NULL, 0, pk));
        CHECK_OK(s->sign_internal(sig, NULL, 0, sk, zero_rnd));
        CHECK_OK(s->verify_internal(sig, sl, NULL, 0, pk));
        CHECK_OK(s->hash_sign_derand(sig, NULL, 0, NULL, 0, H, sk, zero_rnd));
        CHECK_OK(s->hash_verify(sig, sl, NULL, 0, NULL, 0, H, pk));

        CHECK_RC(s->verify(NULL, sl, msg, 1, NULL, 0, pk), E);
        CHECK_RC(s->verify(sig, sl, NULL, 1, NULL, 0, pk), E);
        CHECK_RC(s->verify(sig, sl, msg, 1, NULL, 1, pk), E);
        CHECK_RC(s->verify(sig, sl, msg, 1, NULL, 0, NULL), E);
        CHECK_RC(s->verify_internal(sig, sl, NULL, 1, pk), E);
        CHECK_RC(s->verify_mu(sig, sl, NULL, pk), E);
        CHECK_RC(s->verify_mu(sig, sl, mu, NULL), E);
        CHECK_RC(s->hash_verify(sig, sl, NULL, 1, NULL, 0, H, pk), E);
    }
    CHECK_RC(pqce_mldsa_mu_init(NULL, tr, NULL, 0), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_mldsa_mu_init(&h, NULL, NULL, 0), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_mldsa_mu_init(&h, tr, NULL, 1), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_mldsa_mu_final(NULL, mu), PQCE_ERR_INVALID_ARG);
    CHECK_OK(pqce_mldsa_mu_init(&h, tr, NULL, 0));
    CHECK_RC(pqce_mldsa_mu_final(&h, NULL), PQCE_ERR_INVALID_ARG);
    /* mu_final on a SHA3-256 context is a state error, and mu is zeroized */
    CHECK_OK(pqce_sha3_256_init(&h));
    memset(mu, 0xAA, sizeof mu);
    CHECK_RC(pqce_mldsa_mu_final(&h, mu), PQCE_ERR_STATE);
    CHECK(all_zero(mu, sizeof mu));
}

static void test_signing_with_a_corrupted_key_terminates(void)
{
    /* All-ones s1, s2 (coefficients -5, outside [-eta, eta]) and a t0 of
     * random +-2^12 make c t0 so large that nearly every attempt has more
     * than omega hints; signing must still end, with a signature or
     * PQCE_ERR_INVALID_KEY (the kappa bound), and zeroized on error. */
    static uint8_t pk[MAX_PK], sk[MAX_SK], sig[MAX_SIG];
    const uint8_t msg[] = "corrupt";
    const struct set_ops *s = &sets[0];
    const pqce_mldsa_params *p = s->p;
    pqce_mldsa_poly t0;
    CHECK_OK(make_keys(s, pk, sk, "corrupt", 0));
    memset(sk + 128, 0xFF, (size_t)(p->k + p->l) * p->eta_poly_bytes);
    for (unsigned i = 0; i < p->k; i++) {
        for (int j = 0; j < N; j++) {
            t0.c[j] = rand32("corrupt t0", i * N + (unsigned)j) & 1 ? 4096 : -4095;
        }
        pqce_mldsa_pack_t0(sk + 128 + (p->k + p->l) * p->eta_poly_bytes + i * 416, &t0);
    }
    int rc = s->sign_derand(sig, msg, sizeof msg, NULL, 0, sk, zero_rnd);
    CHECK_MSG(rc == PQCE_OK || rc == PQCE_ERR_INVALID_KEY, "corrupted key gave %s",
              pqce_error_name(rc));
    if (rc != PQCE_OK) {
        CHECK(all_zero(sig, s->p->sig_bytes));
    }
    printf("  ML-DSA-44 signing with a corrupted key: %s\n", pqce_error_name(rc));
}

/* ---- rounding: exhaustive over [0, q) --------------------------------- */

/* The pseudocode of [FIPS204, Algorithm 36], with / and %. */
static int32_t ref_decompose(int32_t *r0, int32_t r, int32_t gamma2)
{
    int32_t a = 2 * gamma2;
    int32_t lo = r % a; /* r >= 0 */
    if (lo > gamma2) {
        lo -= a; /* r0 = r mod+- 2 gamma2 in (-gamma2, gamma2] */
    }
    if (r - lo == Q - 1) {
        *r0 = lo - 1;
        return 0;
    }
    *r0 = lo;
    return (r - lo) / a;
}

static void test_decompose_and_rounding_exhaustive(void)
{
    const int32_t g2s[2] = {PQCE_MLDSA_GAMMA2_88, PQCE_MLDSA_GAMMA2_32};
    for (int gi = 0; gi < 2; gi++) {
        const int32_t g2 = g2s[gi];
        const int32_t m = (Q - 1) / (2 * g2);
        for (int32_t r = 0; r < Q; r++) {
            int32_t r0, want0;
            int32_t r1 = pqce_mldsa_decompose(&r0, r, g2);
            int32_t want1 = ref_decompose(&want0, r, g2);
            if (r1 != want1 || r0 != want0) {
                CHECK_MSG(0, "Decompose(%d), gamma2 %d: (%d, %d), want (%d, %d)", r, g2, r1, r0,
                          want1, want0);
            }
            if (pqce_mldsa_highbits(r, g2) != want1 || pqce_mldsa_lowbits(r, g2) != want0) {
                CHECK_MSG(0, "HighBits/LowBits(%d)", r);
            }
            /* UseHint [FIPS204, Algorithm 40] against its pseudocode */
            for (int32_t h = 0; h <= 1; h++) {
                int32_t want = want1;
                if (h == 1 && want0 > 0) {
                    want = (want1 + 1) % m;
                } else if (h == 1) {
                    want = (want1 - 1 + m) % m;
                }
                if (pqce_mldsa_use_hint(h, r, g2) != want) {
                    CHECK_MSG(0, "UseHint(%d, %d), gamma2 %d", h, r, g2);
                }
            }
        }
    }
    /* Power2Round [FIPS204, Algorithm 35] */
    for (int32_t r = 0; r < Q; r++) {
        int32_t r0;
        int32_t r1 = pqce_mldsa_power2round(&r0, r);
        int32_t lo = r % (1 << 13);
        if (lo > (1 << 12)) {
            lo -= 1 << 13;
        }
        if (r0 != lo || r1 != (r - lo) >> 13) {
            CHECK_MSG(0, "Power2Round(%d)", r);
        }
    }
    /* MakeHint/UseHint: UseHint(MakeHint(z, r), r) = HighBits(r + z) for
     * ||z|| <= gamma2 [FIPS204, 7.4] */
    for (int gi = 0; gi < 2; gi++) {
        const int32_t g2 = g2s[gi];
        for (uint64_t n = 0; n < 200000; n++) {
            int32_t r = (int32_t)(rand32("hint r", n) % Q);
            int32_t z = (int32_t)(rand32("hint z", n) % (2 * (uint32_t)g2 + 1)) - g2;
            int32_t zq = z < 0 ? z + Q : z;
            int32_t rz = (r + zq) % Q;
            int32_t h = pqce_mldsa_make_hint(zq, r, g2);
            CHECK(h == (pqce_mldsa_highbits(r, g2) != pqce_mldsa_highbits(rz, g2)));
            CHECK(pqce_mldsa_use_hint(h, r, g2) == pqce_mldsa_highbits(rz, g2));
        }
    }
    /* CoeffFromHalfByte for eta = 2: (b * 205) >> 10 = floor(b / 5) */
    for (uint32_t b = 0; b < 16; b++) {
        CHECK(((b * 205u) >> 10) == b / 5);
    }
}

/* ---- arithmetic --------------------------------------------------------- */

static int32_t mod_q(int64_t a)
{
    int64_t r = a % Q;
    return (int32_t)(r < 0 ? r + Q : r);
}

/* Schoolbook product in Z_q[X]/(X^256 + 1). */
static void ref_mul(int32_t *r, const int32_t *a, const int32_t *b)
{
    int64_t acc[2 * N] = {0};
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < N; j++) {
            acc[i + j] = (acc[i + j] + (int64_t)a[i] * b[j]) % Q;
        }
    }
    for (int i = 0; i < N; i++) {
        r[i] = mod_q(acc[i] - acc[i + N]);
    }
}

static void test_ntt_product_matches_schoolbook_at_extreme_inputs(void)
{
    static pqce_mldsa_poly a, b, ah, bh, r;
    static int32_t want[N];
    for (int trial = 0; trial < 6; trial++) {
        for (int i = 0; i < N; i++) {
            switch (trial) {
            case 0: /* the extremes allowed by the bounds */
                a.c[i] = Q - 1;
                b.c[i] = -(Q - 1);
                break;
            case 1:
                a.c[i] = -(Q - 1);
                b.c[i] = -(Q - 1);
                break;
            case 2:
                a.c[i] = (i & 1) ? Q - 1 : -(Q - 1);
                b.c[i] = Q - 1;
                break;
            default:
                a.c[i] =
                    (int32_t)(rand32("ntt a", (uint64_t)(trial * N + i)) % (2 * Q - 1)) - (Q - 1);
                b.c[i] =
                    (int32_t)(rand32("ntt b", (uint64_t)(trial * N + i)) % (2 * Q - 1)) - (Q - 1);
            }
        }
        ah = a;
        bh = b;
        pqce_mldsa_ntt(&ah);
        pqce_mldsa_ntt(&bh);
        for (int i = 0; i < N; i++) {
            CHECK(ah.c[i] > -9 * Q && ah.c[i] < 9 * Q);
        }
        pqce_mldsa_poly_pointwise(&r, &ah, &bh);
        pqce_mldsa_invntt(&r);
        ref_mul(want, a.c, b.c);
        for (int i = 0; i < N; i++) {
            CHECK(r.c[i] > -Q && r.c[i] < Q);
            CHECK_MSG(mod_q(r.c[i]) == want[i], "trial %d coefficient %d", trial, i);
        }
        /* dot products of 7 terms (the largest l) stay exact as well */
        pqce_mldsa_poly as[7], bs[7];
        for (int j = 0; j < 7; j++) {
            as[j] = ah;
            bs[j] = bh;
            for (int i = 0; i < N; i++) {
                as[j].c[i] = mod_q(as[j].c[i]); /* A-hat is in [0, q) */
            }
        }
        pqce_mldsa_poly_dot(&r, as, bs, 7);
        pqce_mldsa_invntt(&r);
        for (int i = 0; i < N; i++) {
            CHECK(mod_q(r.c[i]) == mod_q(7 * (int64_t)want[i]));
        }
    }
}

static void test_sparse_challenge_product_matches_ntt(void)
{
    static pqce_mldsa_poly c, s, sh, ch_ntt, r, want;
    static pqce_mldsa_poly16 s16;
    pqce_mldsa_challenge ch;
    uint8_t ctilde[64];
    const unsigned taus[3] = {39, 49, 60};
    for (int trial = 0; trial < 30; trial++) {
        unsigned tau = taus[trial % 3];
        test_fill(ctilde, sizeof ctilde, "ctilde", (uint64_t)trial);
        pqce_mldsa_sample_in_ball(&c, ctilde, sizeof ctilde, tau);
        pqce_mldsa_challenge_from_poly(&ch, &c);
        CHECK(ch.n == tau);
        /* s: extreme values of t0 (13 bits), t1 (10 bits) or any s1/s2 encoding */
        int kind = trial % 5;
        for (int i = 0; i < N; i++) {
            uint32_t x = rand32("sparse s", (uint64_t)(trial * N + i));
            switch (kind) {
            case 0:
                s.c[i] = (x & 1) ? 4096 : -4095;
                break;
            case 1:
                s.c[i] = (int32_t)(x % 1024);
                break;
            case 2:
                s.c[i] = 4 - (int32_t)(x % 16);
                break;
            case 3:
                s.c[i] = (x & 1) ? 511 : -511;
                break;
            default:
                s.c[i] = -11;
            }
        }
        sh = s;
        ch_ntt = c;
        pqce_mldsa_ntt(&sh);
        pqce_mldsa_ntt(&ch_ntt);
        pqce_mldsa_poly_pointwise(&want, &ch_ntt, &sh);
        pqce_mldsa_invntt(&want);
        pqce_mldsa_poly_center(&want);
        pqce_mldsa_poly_mul_challenge(&r, &ch, &s);
        CHECK_MEM_EQ(r.c, want.c, sizeof r.c);
        if (kind >= 2) {
            for (int i = 0; i < N; i++) {
                s16.c[i] = (int16_t)s.c[i];
            }
            pqce_mldsa_poly_mul_challenge16(&r, &ch, &s16);
            CHECK_MEM_EQ(r.c, want.c, sizeof r.c);
        }
    }
}

static void test_sample_in_ball_has_tau_signs(void)
{
    pqce_mldsa_poly c;
    uint8_t ctilde[48];
    for (uint64_t n = 0; n < 200; n++) {
        unsigned tau = n % 2 ? 49 : 60;
        test_fill(ctilde, sizeof ctilde, "sib", n);
        pqce_mldsa_sample_in_ball(&c, ctilde, sizeof ctilde, tau);
        unsigned nonzero = 0;
        for (int i = 0; i < N; i++) {
            CHECK(c.c[i] >= -1 && c.c[i] <= 1);
            nonzero += c.c[i] != 0;
        }
        CHECK(nonzero == tau);
    }
}

static void test_sizes_match_the_parameter_sets(void)
{
    for (size_t si = 0; si < N_SETS; si++) {
        const pqce_mldsa_params *p = sets[si].p;
        /* [FIPS204, Table 2] */
        CHECK(p->pk_bytes == 32 + 320u * p->k);
        CHECK(p->sk_bytes ==
              128 + 32u * ((p->k + p->l) * (unsigned)p->eta_bits + PQCE_MLDSA_D * p->k));
        CHECK(p->sig_bytes == p->ctilde_bytes + p->l * p->z_poly_bytes + p->omega + p->k);
        CHECK(p->beta == (int32_t)(p->tau * p->eta));
        CHECK(p->z_poly_bytes == 32u * (p->gamma1_bits + 1u));
        CHECK(p->eta_poly_bytes == 32u * p->eta_bits);
        CHECK(p->w1_poly_bytes == 32u * p->w1_bits);
    }
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_sizes_match_the_parameter_sets),
        TEST_CASE(test_roundtrip_and_every_single_bit_flip_fails),
        TEST_CASE(test_hedged_sign_verifies_and_differs_each_time),
        TEST_CASE(test_deterministic_signing_is_deterministic),
        TEST_CASE(test_context_of_255_bytes_works_and_256_is_rejected),
        TEST_CASE(test_verify_rejects_wrong_signature_length),
        TEST_CASE(test_verify_rejects_malformed_hints),
        TEST_CASE(test_verify_rejects_out_of_range_z),
        TEST_CASE(test_streaming_mu_equals_one_shot),
        TEST_CASE(test_internal_interface_matches_external_encoding),
        TEST_CASE(test_hash_ml_dsa_roundtrip_for_every_hash),
        TEST_CASE(test_failing_rng_gives_random_error_and_zeroized_outputs),
        TEST_CASE(test_keypair_rng_equals_keypair_derand_of_the_drawn_seed),
        TEST_CASE(test_null_arguments_are_rejected),
        TEST_CASE(test_signing_with_a_corrupted_key_terminates),
        TEST_CASE(test_decompose_and_rounding_exhaustive),
        TEST_CASE(test_ntt_product_matches_schoolbook_at_extreme_inputs),
        TEST_CASE(test_sparse_challenge_product_matches_ntt),
        TEST_CASE(test_sample_in_ball_has_tau_signs),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
