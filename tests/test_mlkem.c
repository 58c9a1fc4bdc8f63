/*
 * test_mlkem.c - behaviour of ML-KEM [FIPS203] beyond the official vectors:
 * round trips, implicit rejection against an independent J(z || c), the
 * input checks, error paths (failing RNG, NULL arguments) with zeroized
 * outputs, and the building blocks (reductions, Compress/Decompress,
 * NTT, base-case multiplication, sampling, encodings) against slow
 * reference versions written here straight from the standard's
 * pseudocode, exhaustively where the domain allows.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/mlkem_params.h"
#include "crypto/mlkem_poly.h"
#include "crypto/mlkem_sample.h"
#include "test.h"

#define Q      3329
#define MAX_EK PQCE_MLKEM1024_EK_BYTES
#define MAX_DK PQCE_MLKEM1024_DK_BYTES
#define MAX_CT PQCE_MLKEM1024_CT_BYTES

struct kem {
    const char *name;
    unsigned k, du, dv;
    size_t ek_len, dk_len, ct_len;
    int (*keypair)(uint8_t *, uint8_t *);
    int (*keypair_rng)(const pqce_rng *, uint8_t *, uint8_t *);
    int (*keypair_derand)(uint8_t *, uint8_t *, const uint8_t *);
    int (*encaps)(uint8_t *, uint8_t *, const uint8_t *);
    int (*encaps_rng)(const pqce_rng *, uint8_t *, uint8_t *, const uint8_t *);
    int (*encaps_derand)(uint8_t *, uint8_t *, const uint8_t *, const uint8_t *);
    int (*decaps)(uint8_t *, const uint8_t *, const uint8_t *);
    int (*check_ek)(const uint8_t *);
    int (*check_dk)(const uint8_t *);
};

#define KEM_ADAPTERS(N)                                                               \
    static int kp##N(uint8_t *ek, uint8_t *dk)                                        \
    {                                                                                 \
        return pqce_mlkem##N##_keypair(ek, dk);                                       \
    }                                                                                 \
    static int kpr##N(const pqce_rng *r, uint8_t *ek, uint8_t *dk)                    \
    {                                                                                 \
        return pqce_mlkem##N##_keypair_rng(r, ek, dk);                                \
    }                                                                                 \
    static int kpd##N(uint8_t *ek, uint8_t *dk, const uint8_t *s)                     \
    {                                                                                 \
        return pqce_mlkem##N##_keypair_derand(ek, dk, s);                             \
    }                                                                                 \
    static int en##N(uint8_t *ct, uint8_t *ss, const uint8_t *ek)                     \
    {                                                                                 \
        return pqce_mlkem##N##_encaps(ct, ss, ek);                                    \
    }                                                                                 \
    static int enr##N(const pqce_rng *r, uint8_t *ct, uint8_t *ss, const uint8_t *ek) \
    {                                                                                 \
        return pqce_mlkem##N##_encaps_rng(r, ct, ss, ek);                             \
    }                                                                                 \
    static int end##N(uint8_t *ct, uint8_t *ss, const uint8_t *ek, const uint8_t *m)  \
    {                                                                                 \
        return pqce_mlkem##N##_encaps_derand(ct, ss, ek, m);                          \
    }                                                                                 \
    static int de##N(uint8_t *ss, const uint8_t *ct, const uint8_t *dk)               \
    {                                                                                 \
        return pqce_mlkem##N##_decaps(ss, ct, dk);                                    \
    }                                                                                 \
    static int cek##N(const uint8_t *ek)                                              \
    {                                                                                 \
        return pqce_mlkem##N##_check_ek(ek);                                          \
    }                                                                                 \
    static int cdk##N(const uint8_t *dk)                                              \
    {                                                                                 \
        return pqce_mlkem##N##_check_dk(dk);                                          \
    }
KEM_ADAPTERS(512)
KEM_ADAPTERS(768)
KEM_ADAPTERS(1024)

#define KEM_ENTRY(N, k, du, dv)                                                                    \
    {                                                                                              \
        "ML-KEM-" #N, k, du, dv, PQCE_MLKEM##N##_EK_BYTES, PQCE_MLKEM##N##_DK_BYTES,               \
            PQCE_MLKEM##N##_CT_BYTES, kp##N, kpr##N, kpd##N, en##N, enr##N, end##N, de##N, cek##N, \
            cdk##N                                                                                 \
    }

static const struct kem kems[3] = {
    KEM_ENTRY(512, 2, 10, 4),
    KEM_ENTRY(768, 3, 10, 4),
    KEM_ENTRY(1024, 4, 11, 5),
};

static int is_zero(const uint8_t *p, size_t len)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < len; i++) {
        acc |= p[i];
    }
    return acc == 0;
}

/* ---- RNGs for failure injection and determinism -------------------------- */

static int failing_fill(void *ctx, uint8_t *out, size_t out_len)
{
    (void)ctx;
    memset(out, 0x5A, out_len); /* the library must not use or leak this */
    return -1;
}

/* Hands out the bytes of a fixed buffer, then fails. */
struct fixed_stream {
    const uint8_t *data;
    size_t len, pos;
};

static int fixed_fill(void *ctx, uint8_t *out, size_t out_len)
{
    struct fixed_stream *fs = ctx;
    if (out_len > fs->len - fs->pos) {
        return -1;
    }
    memcpy(out, fs->data + fs->pos, out_len);
    fs->pos += out_len;
    return 0;
}

/* ---- round trips ----------------------------------------------------------- */

static void test_roundtrip_with_random_keys_all_sets(void)
{
    static uint8_t ek[MAX_EK], dk[MAX_DK], ct[MAX_CT];
    uint8_t k1[32], k2[32];
    for (size_t s = 0; s < 3; s++) {
        const struct kem *kem = &kems[s];
        for (int iter = 0; iter < 25; iter++) {
            CHECK_OK(kem->keypair(ek, dk));
            CHECK_OK(kem->check_ek(ek));
            CHECK_OK(kem->check_dk(dk));
            CHECK_OK(kem->encaps(ct, k1, ek));
            CHECK_OK(kem->decaps(k2, ct, dk));
            CHECK_MSG(memcmp(k1, k2, 32) == 0, "%s: decaps disagrees with encaps", kem->name);
            CHECK(!is_zero(k1, 32));
        }
    }
}

/* Encaps with m from an RNG equals Encaps_internal with that m, and KeyGen
 * with d || z from an RNG equals KeyGen_internal with that seed. */
static void test_rng_variants_equal_derand_with_the_same_bytes(void)
{
    static uint8_t ek1[MAX_EK], dk1[MAX_DK], ek2[MAX_EK], dk2[MAX_DK];
    static uint8_t ct1[MAX_CT], ct2[MAX_CT];
    uint8_t seed[64], m[32], k1[32], k2[32];
    for (size_t s = 0; s < 3; s++) {
        const struct kem *kem = &kems[s];
        test_fill(seed, sizeof seed, "rng-variant seed", s);
        test_fill(m, sizeof m, "rng-variant m", s);
        struct fixed_stream fs = {seed, sizeof seed, 0};
        pqce_rng rng = {PQCE_RNG_VERSION, fixed_fill, &fs};
        CHECK_OK(kem->keypair_rng(&rng, ek1, dk1));
        CHECK_OK(kem->keypair_derand(ek2, dk2, seed));
        CHECK_MEM_EQ(ek1, ek2, kem->ek_len);
        CHECK_MEM_EQ(dk1, dk2, kem->dk_len);
        struct fixed_stream fm = {m, sizeof m, 0};
        pqce_rng rng_m = {PQCE_RNG_VERSION, fixed_fill, &fm};
        CHECK_OK(kem->encaps_rng(&rng_m, ct1, k1, ek1));
        CHECK_OK(kem->encaps_derand(ct2, k2, ek1, m));
        CHECK_MEM_EQ(ct1, ct2, kem->ct_len);
        CHECK_MEM_EQ(k1, k2, 32);
    }
}

static void test_keypair_derand_is_deterministic(void)
{
    static uint8_t ek1[MAX_EK], dk1[MAX_DK], ek2[MAX_EK], dk2[MAX_DK];
    uint8_t seed[64];
    for (size_t s = 0; s < 3; s++) {
        const struct kem *kem = &kems[s];
        test_fill(seed, sizeof seed, "derand seed", s);
        CHECK_OK(kem->keypair_derand(ek1, dk1, seed));
        CHECK_OK(kem->keypair_derand(ek2, dk2, seed));
        CHECK_MEM_EQ(ek1, ek2, kem->ek_len);
        CHECK_MEM_EQ(dk1, dk2, kem->dk_len);
        /* dk = dk_PKE || ek || H(ek) || z, with z the second half of the seed. */
        CHECK_MEM_EQ(dk1 + 384 * kem->k, ek1, kem->ek_len);
        uint8_t h[32];
        CHECK_OK(pqce_sha3_256(h, ek1, kem->ek_len));
        CHECK_MEM_EQ(dk1 + 768 * kem->k + 32, h, 32);
        CHECK_MEM_EQ(dk1 + 768 * kem->k + 64, seed + 32, 32);
        /* A different d gives a different key; a different z only a different z. */
        seed[0] ^= 1;
        CHECK_OK(kem->keypair_derand(ek2, dk2, seed));
        CHECK(memcmp(ek1, ek2, kem->ek_len) != 0);
        seed[0] ^= 1;
        seed[63] ^= 1;
        CHECK_OK(kem->keypair_derand(ek2, dk2, seed));
        CHECK_MEM_EQ(ek1, ek2, kem->ek_len);
        CHECK(memcmp(dk1 + kem->dk_len - 32, dk2 + kem->dk_len - 32, 32) != 0);
    }
}

/* ---- implicit rejection ---------------------------------------------------- */

/* K-bar = J(z || c) = SHAKE256(z || c, 32) [FIPS203, Algorithm 18, step 9],
 * computed here with the public SHAKE256, independently of mlkem.c. */
static int j_of(uint8_t out[32], const uint8_t z[32], const uint8_t *c, size_t c_len)
{
    pqce_sha3_ctx x;
    int ret = pqce_shake256_init(&x);
    if (ret == PQCE_OK) {
        ret = pqce_sha3_absorb(&x, z, 32);
    }
    if (ret == PQCE_OK) {
        ret = pqce_sha3_absorb(&x, c, c_len);
    }
    if (ret == PQCE_OK) {
        ret = pqce_shake_squeeze(&x, out, 32);
    }
    pqce_sha3_wipe(&x);
    return ret;
}

/*
 * A modified ciphertext decapsulates to J(z || c') and never to K. Byte
 * positions are sampled from every class: the first, middle and last byte
 * of each compressed u polynomial (c1) and of v (c2), plus pseudo-random
 * positions, each with a pseudo-random single-bit or whole-byte change.
 */
static void test_decaps_modified_ciphertext_gives_j_of_z_and_c(void)
{
    static uint8_t ek[MAX_EK], dk[MAX_DK], ct[MAX_CT], bad[MAX_CT];
    uint8_t seed[64], m[32], k[32], k_bad[32], k_want[32];
    size_t ran = 0;
    for (size_t s = 0; s < 3; s++) {
        const struct kem *kem = &kems[s];
        test_fill(seed, sizeof seed, "implicit rejection seed", s);
        test_fill(m, sizeof m, "implicit rejection m", s);
        CHECK_OK(kem->keypair_derand(ek, dk, seed));
        CHECK_OK(kem->encaps_derand(ct, k, ek, m));
        const uint8_t *z = dk + kem->dk_len - 32;

        size_t positions[64], n = 0;
        const size_t poly_u = 32 * kem->du, c1_len = poly_u * kem->k;
        for (size_t i = 0; i < kem->k; i++) {
            positions[n++] = i * poly_u;
            positions[n++] = i * poly_u + poly_u / 2;
            positions[n++] = i * poly_u + poly_u - 1;
        }
        positions[n++] = c1_len;
        positions[n++] = c1_len + 16 * kem->dv;
        positions[n++] = kem->ct_len - 1;
        uint8_t r[32];
        test_fill(r, sizeof r, "implicit rejection positions", s);
        for (size_t i = 0; i < 16; i++) {
            positions[n++] = ((size_t)r[2 * i] << 8 | r[2 * i + 1]) % kem->ct_len;
        }
        for (size_t i = 0; i < n; i++) {
            memcpy(bad, ct, kem->ct_len);
            uint8_t flip = (uint8_t)(i % 2 == 0 ? 1u << (i % 8) : (0xFFu ^ (uint8_t)i) | 1u);
            bad[positions[i]] ^= flip;
            CHECK_OK(kem->decaps(k_bad, bad, dk));
            CHECK_OK(j_of(k_want, z, bad, kem->ct_len));
            CHECK_MSG(memcmp(k_bad, k_want, 32) == 0,
                      "%s: byte %zu modified: decaps did not return J(z || c)", kem->name,
                      positions[i]);
            CHECK_MSG(memcmp(k_bad, k, 32) != 0, "%s: modified c gave K", kem->name);
            ran++;
        }
        /* And the unmodified ciphertext still gives K, not J(z || c). */
        CHECK_OK(kem->decaps(k_bad, ct, dk));
        CHECK_MEM_EQ(k_bad, k, 32);
        CHECK_OK(j_of(k_want, z, ct, kem->ct_len));
        CHECK(memcmp(k, k_want, 32) != 0);
    }
    printf("  modified ciphertexts checked: %zu\n", ran);
}

/* ---- input checks [FIPS203, 7.2 and 7.3] --------------------------------- */

/* Sets the 12-bit value number idx of ek's t-hat encoding to v. */
static void set_coefficient(uint8_t *ek, size_t idx, unsigned v)
{
    uint8_t *p = ek + 3 * (idx / 2);
    if (idx % 2 == 0) {
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)((p[1] & 0xF0u) | (v >> 8));
    } else {
        p[1] = (uint8_t)((p[1] & 0x0Fu) | ((v & 0x0Fu) << 4));
        p[2] = (uint8_t)(v >> 4);
    }
}

static void test_encaps_rejects_coefficient_ge_q(void)
{
    static uint8_t ek[MAX_EK], dk[MAX_DK], bad[MAX_EK], ct[MAX_CT];
    uint8_t seed[64], m[32] = {7}, k[32];
    for (size_t s = 0; s < 3; s++) {
        const struct kem *kem = &kems[s];
        test_fill(seed, sizeof seed, "ek check seed", s);
        CHECK_OK(kem->keypair_derand(ek, dk, seed));
        const size_t ncoef = 256 * (size_t)kem->k;
        const size_t idxs[] = {0, 1, 255, 256, ncoef / 2 + 1, ncoef - 2, ncoef - 1};
        const unsigned values[] = {Q, Q + 1, 4095};
        for (size_t i = 0; i < sizeof idxs / sizeof idxs[0]; i++) {
            for (size_t v = 0; v < 3; v++) {
                memcpy(bad, ek, kem->ek_len);
                set_coefficient(bad, idxs[i], values[v]);
                CHECK_RC(kem->check_ek(bad), PQCE_ERR_INVALID_KEY);
                memset(ct, 0xA5, sizeof ct);
                memset(k, 0xA5, sizeof k);
                CHECK_RC(kem->encaps_derand(ct, k, bad, m), PQCE_ERR_INVALID_KEY);
                CHECK(is_zero(ct, kem->ct_len) && is_zero(k, sizeof k));
                CHECK_RC(kem->encaps(ct, k, bad), PQCE_ERR_INVALID_KEY);
                CHECK(is_zero(ct, kem->ct_len) && is_zero(k, sizeof k));
            }
            /* q - 1 is in range and accepted. */
            memcpy(bad, ek, kem->ek_len);
            set_coefficient(bad, idxs[i], Q - 1);
            CHECK_OK(kem->check_ek(bad));
            CHECK_OK(kem->encaps_derand(ct, k, bad, m));
        }
        /* rho is not checked: any 32 bytes are a valid seed. */
        memcpy(bad, ek, kem->ek_len);
        memset(bad + kem->ek_len - 32, 0xFF, 32);
        CHECK_OK(kem->check_ek(bad));
    }
}

static void test_decaps_rejects_modified_h(void)
{
    static uint8_t ek[MAX_EK], dk[MAX_DK], bad[MAX_DK], ct[MAX_CT];
    uint8_t seed[64], m[32] = {9}, k[32], k2[32];
    for (size_t s = 0; s < 3; s++) {
        const struct kem *kem = &kems[s];
        test_fill(seed, sizeof seed, "dk check seed", s);
        CHECK_OK(kem->keypair_derand(ek, dk, seed));
        CHECK_OK(kem->encaps_derand(ct, k, ek, m));
        const size_t h_off = 768 * (size_t)kem->k + 32, ek_off = 384 * (size_t)kem->k;
        /* A changed bit of H(ek), or of the ek it hashes, fails the check. */
        const size_t offs[] = {h_off, h_off + 31, ek_off, ek_off + kem->ek_len - 1};
        for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
            memcpy(bad, dk, kem->dk_len);
            bad[offs[i]] ^= 0x10;
            CHECK_RC(kem->check_dk(bad), PQCE_ERR_INVALID_KEY);
            memset(k2, 0xA5, sizeof k2);
            CHECK_RC(kem->decaps(k2, ct, bad), PQCE_ERR_INVALID_KEY);
            CHECK(is_zero(k2, sizeof k2));
        }
        /* dk_PKE and z are not covered by the 7.3 check (by the standard's
         * design): a changed z only changes the implicit-rejection key. */
        memcpy(bad, dk, kem->dk_len);
        bad[kem->dk_len - 1] ^= 1;
        CHECK_OK(kem->check_dk(bad));
        CHECK_OK(kem->decaps(k2, ct, bad));
        CHECK_MEM_EQ(k2, k, 32);
    }
}

static void test_check_accepts_generated_keys(void)
{
    static uint8_t ek[MAX_EK], dk[MAX_DK];
    uint8_t seed[64];
    for (size_t s = 0; s < 3; s++) {
        for (uint64_t i = 0; i < 10; i++) {
            test_fill(seed, sizeof seed, "check seed", 10 * s + i);
            CHECK_OK(kems[s].keypair_derand(ek, dk, seed));
            CHECK_OK(kems[s].check_ek(ek));
            CHECK_OK(kems[s].check_dk(dk));
        }
    }
}

/* ---- error paths ------------------------------------------------------------ */

static void test_failing_rng_gives_random_error_and_zeroized_outputs(void)
{
    static uint8_t ek[MAX_EK], dk[MAX_DK], ct[MAX_CT], good_ek[MAX_EK];
    uint8_t k[32];
    pqce_rng bad = {PQCE_RNG_VERSION, failing_fill, NULL};
    for (size_t s = 0; s < 3; s++) {
        const struct kem *kem = &kems[s];
        memset(ek, 0xA5, sizeof ek);
        memset(dk, 0xA5, sizeof dk);
        CHECK_RC(kem->keypair_rng(&bad, ek, dk), PQCE_ERR_RANDOM);
        CHECK(is_zero(ek, kem->ek_len) && is_zero(dk, kem->dk_len));

        CHECK_OK(kem->keypair(good_ek, dk));
        memset(ct, 0xA5, sizeof ct);
        memset(k, 0xA5, sizeof k);
        CHECK_RC(kem->encaps_rng(&bad, ct, k, good_ek), PQCE_ERR_RANDOM);
        CHECK(is_zero(ct, kem->ct_len) && is_zero(k, sizeof k));

        /* An RNG of an unknown version is an argument error, outputs zeroized. */
        pqce_rng future = {PQCE_RNG_VERSION + 1, failing_fill, NULL};
        memset(ek, 0xA5, sizeof ek);
        CHECK_RC(kem->keypair_rng(&future, ek, dk), PQCE_ERR_INVALID_ARG);
        CHECK(is_zero(ek, kem->ek_len) && is_zero(dk, kem->dk_len));
        memset(ct, 0xA5, sizeof ct);
        CHECK_RC(kem->encaps_rng(&future, ct, k, good_ek), PQCE_ERR_INVALID_ARG);
        CHECK(is_zero(ct, kem->ct_len) && is_zero(k, sizeof k));
    }
}

static void test_null_arguments_give_invalid_arg(void)
{
    static uint8_t ek[MAX_EK], dk[MAX_DK], ct[MAX_CT];
    uint8_t seed[64] = {0}, m[32] = {0}, k[32];
    for (size_t s = 0; s < 3; s++) {
        const struct kem *kem = &kems[s];
        CHECK_OK(kem->keypair_derand(ek, dk, seed));
        CHECK_OK(kem->encaps_derand(ct, k, ek, m));

        memset(dk, 0xA5, sizeof dk);
        CHECK_RC(kem->keypair(NULL, dk), PQCE_ERR_INVALID_ARG);
        CHECK(is_zero(dk, kem->dk_len));
        memset(ek, 0xA5, sizeof ek);
        CHECK_RC(kem->keypair(ek, NULL), PQCE_ERR_INVALID_ARG);
        CHECK(is_zero(ek, kem->ek_len));
        CHECK_RC(kem->keypair_rng(NULL, NULL, NULL), PQCE_ERR_INVALID_ARG);
        memset(ek, 0xA5, sizeof ek);
        memset(dk, 0xA5, sizeof dk);
        CHECK_RC(kem->keypair_derand(ek, dk, NULL), PQCE_ERR_INVALID_ARG);
        CHECK(is_zero(ek, kem->ek_len) && is_zero(dk, kem->dk_len));
        CHECK_RC(kem->keypair_derand(NULL, dk, seed), PQCE_ERR_INVALID_ARG);
        CHECK_RC(kem->keypair_derand(ek, NULL, seed), PQCE_ERR_INVALID_ARG);

        CHECK_OK(kem->keypair_derand(ek, dk, seed));
        memset(ct, 0xA5, sizeof ct);
        memset(k, 0xA5, sizeof k);
        CHECK_RC(kem->encaps(ct, k, NULL), PQCE_ERR_INVALID_ARG);
        CHECK(is_zero(ct, kem->ct_len) && is_zero(k, sizeof k));
        CHECK_RC(kem->encaps(NULL, k, ek), PQCE_ERR_INVALID_ARG);
        CHECK_RC(kem->encaps(ct, NULL, ek), PQCE_ERR_INVALID_ARG);
        CHECK_RC(kem->encaps_rng(NULL, NULL, k, ek), PQCE_ERR_INVALID_ARG);
        memset(ct, 0xA5, sizeof ct);
        memset(k, 0xA5, sizeof k);
        CHECK_RC(kem->encaps_derand(ct, k, ek, NULL), PQCE_ERR_INVALID_ARG);
        CHECK(is_zero(ct, kem->ct_len) && is_zero(k, sizeof k));
        CHECK_RC(kem->encaps_derand(ct, k, NULL, m), PQCE_ERR_INVALID_ARG);

        CHECK_OK(kem->encaps_derand(ct, k, ek, m));
        memset(k, 0xA5, sizeof k);
        CHECK_RC(kem->decaps(k, NULL, dk), PQCE_ERR_INVALID_ARG);
        CHECK(is_zero(k, sizeof k));
        memset(k, 0xA5, sizeof k);
        CHECK_RC(kem->decaps(k, ct, NULL), PQCE_ERR_INVALID_ARG);
        CHECK(is_zero(k, sizeof k));
        CHECK_RC(kem->decaps(NULL, ct, dk), PQCE_ERR_INVALID_ARG);
        CHECK_RC(kem->check_ek(NULL), PQCE_ERR_INVALID_ARG);
        CHECK_RC(kem->check_dk(NULL), PQCE_ERR_INVALID_ARG);
    }
}

/* ---- modular reductions ------------------------------------------------------ */

static int32_t mod_q(int64_t a)
{
    int64_t r = a % Q;
    return (int32_t)(r < 0 ? r + Q : r);
}

static void test_barrett_reduce_is_centered_for_every_int16(void)
{
    for (int32_t a = INT16_MIN; a <= INT16_MAX; a++) {
        int16_t r = pqce_mlkem_barrett_reduce((int16_t)a);
        CHECK_MSG(r >= -(Q - 1) / 2 && r <= (Q - 1) / 2 && mod_q(r) == mod_q(a), "barrett(%d) = %d",
                  a, r);
        uint16_t c = pqce_mlkem_canonical(r);
        CHECK(c < Q && (int32_t)c == mod_q(a));
    }
}

/* Every a with |a| < q * 2^15, the documented input range. */
static void test_montgomery_reduce_for_its_whole_input_range(void)
{
    const int32_t bound = Q * (1 << 15);
    const int64_t r_inv = 169; /* 2^-16 mod q: 65536 * 169 = 3327 * 3329 + 1 */
    CHECK(mod_q((int64_t)65536 * r_inv) == 1);
    for (int32_t a = -bound + 1; a < bound; a++) {
        int16_t r = pqce_mlkem_mont_reduce(a);
        if (r <= -Q || r >= Q || mod_q(r) != mod_q((int64_t)a * r_inv)) {
            CHECK_MSG(0, "mont_reduce(%d) = %d", a, r);
        }
    }
}

/* ---- Compress / Decompress [FIPS203, 4.2.1] ---------------------------------- */

/*
 * Exhaustive proof of the multiply-and-shift Compress: for every d used by
 * ML-KEM and every x in [0, q), it equals round((2^d / q) * x) mod 2^d
 * computed with exact integer division: round(a / b) = floor((2a + b) / 2b).
 * Decompress is checked for every y in [0, 2^d), and the round trip keeps
 * the error bound of [FIPS203, 4.2.1]: |x' - x| mod+- q <= round(q / 2^(d+1)).
 */
static void test_compress_decompress_exact_for_every_x_and_d(void)
{
    const unsigned ds[] = {1, 4, 5, 10, 11};
    size_t checked = 0;
    for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
        const unsigned d = ds[i];
        const uint64_t two_d = 1u << d;
        const int64_t bound = (int64_t)((2 * (uint64_t)Q + (1u << (d + 1))) / (4u << d));
        for (uint32_t x = 0; x < Q; x++) {
            uint64_t want = ((2 * two_d * x + Q) / (2 * (uint64_t)Q)) % two_d;
            uint16_t got = pqce_mlkem_compress((uint16_t)x, d);
            CHECK_MSG(got == want, "Compress_%u(%u) = %u, want %llu", d, x, got,
                      (unsigned long long)want);
            int64_t back = pqce_mlkem_decompress(got, d);
            int64_t err = mod_q(back - (int64_t)x);
            if (err > Q / 2) {
                err -= Q;
            }
            CHECK_MSG(err <= bound && -err <= bound, "d=%u x=%u: round-trip error %lld", d, x,
                      (long long)err);
            checked++;
        }
        for (uint32_t y = 0; y < two_d; y++) {
            uint64_t want = (2 * (uint64_t)Q * y + two_d) / (2 * two_d);
            CHECK_MSG((uint64_t)pqce_mlkem_decompress((uint16_t)y, d) == want, "Decompress_%u(%u)",
                      d, y);
        }
    }
    printf("  Compress checked for %zu (x, d) pairs\n", checked);
    CHECK(checked == 5u * Q);
}

/* ---- reference NTT and multiplication, straight from the pseudocode -------- */

static unsigned bitrev7(unsigned i)
{
    unsigned r = 0;
    for (unsigned b = 0; b < 7; b++) {
        r |= ((i >> b) & 1u) << (6 - b);
    }
    return r;
}

static int32_t pow17(unsigned e)
{
    int64_t r = 1;
    for (unsigned i = 0; i < e; i++) {
        r = r * 17 % Q;
    }
    return (int32_t)r;
}

/* [FIPS203, Algorithm 9] on canonical values. */
static void ntt_ref(int32_t f[256])
{
    unsigned i = 1;
    for (unsigned len = 128; len >= 2; len /= 2) {
        for (unsigned start = 0; start < 256; start += 2 * len) {
            int64_t zeta = pow17(bitrev7(i++));
            for (unsigned j = start; j < start + len; j++) {
                int32_t t = mod_q(zeta * f[j + len]);
                f[j + len] = mod_q(f[j] - t);
                f[j] = mod_q(f[j] + t);
            }
        }
    }
}

/* [FIPS203, Algorithm 10] on canonical values, with the final * 3303. */
static void invntt_ref(int32_t f[256])
{
    unsigned i = 127;
    for (unsigned len = 2; len <= 128; len *= 2) {
        for (unsigned start = 0; start < 256; start += 2 * len) {
            int64_t zeta = pow17(bitrev7(i--));
            for (unsigned j = start; j < start + len; j++) {
                int32_t t = f[j];
                f[j] = mod_q(t + f[j + len]);
                f[j + len] = mod_q(zeta * (f[j + len] - t));
            }
        }
    }
    for (unsigned j = 0; j < 256; j++) {
        f[j] = mod_q((int64_t)f[j] * 3303);
    }
}

static void random_poly(pqce_mlkem_poly *p, const char *label, uint64_t n, int32_t lo, int32_t hi)
{
    uint8_t b[512];
    test_fill(b, sizeof b, label, n);
    for (unsigned i = 0; i < 256; i++) {
        uint32_t r = (uint32_t)b[2 * i] | (uint32_t)b[2 * i + 1] << 8;
        p->c[i] = (int16_t)(lo + (int32_t)(r % (uint32_t)(hi - lo + 1)));
    }
}

static void test_ntt_matches_algorithm_9(void)
{
    pqce_mlkem_poly p;
    int32_t ref[256];
    for (uint64_t n = 0; n < 50; n++) {
        /* Inputs span the documented range |f| < q, including the extremes. */
        random_poly(&p, "ntt input", n, -(Q - 1), Q - 1);
        if (n == 0) {
            for (unsigned i = 0; i < 256; i++) {
                p.c[i] = Q - 1;
            }
        } else if (n == 1) {
            for (unsigned i = 0; i < 256; i++) {
                p.c[i] = (int16_t)(i % 2 ? -(Q - 1) : Q - 1);
            }
        }
        for (unsigned i = 0; i < 256; i++) {
            ref[i] = mod_q(p.c[i]);
        }
        ntt_ref(ref);
        pqce_mlkem_poly_ntt(&p);
        for (unsigned i = 0; i < 256; i++) {
            CHECK_MSG(p.c[i] > -8 * Q && p.c[i] < 8 * Q, "NTT output %d out of bound", p.c[i]);
            CHECK_MSG(mod_q(p.c[i]) == ref[i], "NTT coefficient %u differs", i);
        }
    }
}

/* The inverse NTT here returns R * NTT^-1(f) (the R cancels the R^-1 of
 * the Montgomery base-case multiplication), so NTT^-1(NTT(f)) = f is
 * checked as invntt_mont(ntt(f)) = R * f, i.e. mont_reduce of it is f. */
static void test_inverse_ntt_matches_algorithm_10_and_undoes_ntt(void)
{
    pqce_mlkem_poly p, orig;
    int32_t ref[256];
    for (uint64_t n = 0; n < 50; n++) {
        random_poly(&p, "invntt input", n, -(Q - 1), Q - 1);
        for (unsigned i = 0; i < 256; i++) {
            ref[i] = mod_q(p.c[i]);
        }
        invntt_ref(ref);
        pqce_mlkem_poly_invntt_mont(&p);
        for (unsigned i = 0; i < 256; i++) {
            CHECK_MSG(p.c[i] > -Q && p.c[i] < Q, "inverse NTT output %d out of bound", p.c[i]);
            CHECK_MSG(mod_q(p.c[i]) == mod_q((int64_t)ref[i] * 65536),
                      "inverse NTT coefficient %u differs", i);
        }

        random_poly(&orig, "ntt round trip", n, -(Q - 1), Q - 1);
        p = orig;
        pqce_mlkem_poly_ntt(&p);
        pqce_mlkem_poly_reduce(&p);
        pqce_mlkem_poly_invntt_mont(&p);
        for (unsigned i = 0; i < 256; i++) {
            CHECK_MSG(mod_q(pqce_mlkem_mont_reduce(p.c[i])) == mod_q(orig.c[i]),
                      "NTT^-1(NTT(f)) != f at %u", i);
        }
        /* The reference pair is an exact identity. */
        for (unsigned i = 0; i < 256; i++) {
            ref[i] = mod_q(orig.c[i]);
        }
        ntt_ref(ref);
        invntt_ref(ref);
        for (unsigned i = 0; i < 256; i++) {
            CHECK(ref[i] == mod_q(orig.c[i]));
        }
    }
}

/* Multiplication through NTT, MultiplyNTTs [FIPS203, Algorithms 11, 12] and
 * inverse NTT equals the schoolbook product in Z_q[X]/(X^256 + 1), also
 * for sums of k products as the matrix-vector products use them. */
static void test_basemul_acc_gives_the_negacyclic_product(void)
{
    pqce_mlkem_poly a[4], b[4], r;
    pqce_mlkem_mulcache bx[4];
    for (unsigned k = 1; k <= 4; k++) {
        int64_t want[256] = {0};
        for (unsigned j = 0; j < k; j++) {
            random_poly(&a[j], "basemul a", 10 * k + j, 0, Q - 1);
            random_poly(&b[j], "basemul b", 10 * k + j, -(Q - 1), Q - 1);
            for (unsigned x = 0; x < 256; x++) {
                for (unsigned y = 0; y < 256; y++) {
                    int64_t prod = (int64_t)a[j].c[x] * b[j].c[y];
                    if (x + y < 256) {
                        want[x + y] += prod;
                    } else {
                        want[x + y - 256] -= prod; /* X^256 = -1 */
                    }
                }
            }
        }
        /* a is taken into the NTT domain and canonicalised (like sampled
         * A-hat); b's NTT is reduced to |b| < q (like y-hat). */
        for (unsigned j = 0; j < k; j++) {
            pqce_mlkem_poly_ntt(&a[j]);
            for (unsigned i = 0; i < 256; i++) {
                a[j].c[i] = (int16_t)pqce_mlkem_canonical(pqce_mlkem_barrett_reduce(a[j].c[i]));
            }
            pqce_mlkem_poly_ntt(&b[j]);
            pqce_mlkem_poly_reduce(&b[j]);
            pqce_mlkem_poly_mulcache(&bx[j], &b[j]);
        }
        pqce_mlkem_polyvec_basemul_acc(&r, a, b, bx, k);
        pqce_mlkem_poly_invntt_mont(&r);
        for (unsigned i = 0; i < 256; i++) {
            CHECK_MSG(mod_q(r.c[i]) == mod_q(want[i]), "k=%u: product coefficient %u", k, i);
        }
    }
}

/* ---- sampling ------------------------------------------------------------- */

/* [FIPS203, Algorithm 7] with the public incremental SHAKE128, three bytes
 * per squeeze as the pseudocode does. */
static void test_sample_ntt_matches_algorithm_7(void)
{
    pqce_mlkem_poly p;
    uint8_t rho[32];
    for (uint64_t n = 0; n < 20; n++) {
        test_fill(rho, sizeof rho, "sample ntt rho", n);
        const uint8_t x = (uint8_t)(n % 4), y = (uint8_t)(n / 4 % 4);
        int32_t want[256];
        pqce_sha3_ctx ctx;
        uint8_t b[34], c[3];
        memcpy(b, rho, 32);
        b[32] = x;
        b[33] = y;
        CHECK_OK(pqce_shake128_init(&ctx));
        CHECK_OK(pqce_sha3_absorb(&ctx, b, sizeof b));
        unsigned j = 0;
        while (j < 256) {
            CHECK_OK(pqce_shake_squeeze(&ctx, c, 3));
            unsigned d1 = c[0] + 256u * (c[1] % 16u), d2 = c[1] / 16u + 16u * c[2];
            if (d1 < Q) {
                want[j++] = (int32_t)d1;
            }
            if (d2 < Q && j < 256) {
                want[j++] = (int32_t)d2;
            }
        }
        pqce_mlkem_poly_sample_ntt(&p, rho, x, y);
        for (unsigned i = 0; i < 256; i++) {
            CHECK(p.c[i] == want[i]);
        }
    }
}

/* [FIPS203, Algorithm 8] bit by bit, for eta = 2 and 3. */
static void test_sample_cbd_matches_algorithm_8(void)
{
    pqce_mlkem_poly p;
    uint8_t b[192];
    for (unsigned eta = 2; eta <= 3; eta++) {
        for (uint64_t n = 0; n < 20; n++) {
            test_fill(b, sizeof b, "cbd input", n);
            if (n == 0) {
                memset(b, 0xFF, sizeof b);
            }
            pqce_mlkem_poly_sample_cbd(&p, b, eta);
            for (unsigned i = 0; i < 256; i++) {
                int x = 0, y = 0;
                for (unsigned j = 0; j < eta; j++) {
                    unsigned bx = 2 * i * eta + j, by = 2 * i * eta + eta + j;
                    x += (b[bx / 8] >> (bx % 8)) & 1;
                    y += (b[by / 8] >> (by % 8)) & 1;
                }
                CHECK_MSG(p.c[i] == x - y, "eta=%u coefficient %u", eta, i);
            }
        }
    }
}

/* ---- encodings [FIPS203, Algorithms 5 and 6] ------------------------------ */

/* ByteEncode_d of 256 values below 2^d (or below q for d = 12), bit by bit. */
static void byte_encode_ref(uint8_t *out, const uint32_t *f, unsigned d)
{
    memset(out, 0, 32 * d);
    for (unsigned i = 0; i < 256; i++) {
        for (unsigned j = 0; j < d; j++) {
            unsigned bit = i * d + j;
            out[bit / 8] |= (uint8_t)(((f[i] >> j) & 1u) << (bit % 8));
        }
    }
}

static void test_encodings_match_algorithms_5_and_6(void)
{
    const unsigned ds[] = {1, 4, 5, 10, 11};
    pqce_mlkem_poly p, back;
    uint8_t got[384], want[384];
    uint32_t vals[256];
    for (uint64_t n = 0; n < 20; n++) {
        /* d = 12 on any int16 input: encodes the value mod q. */
        random_poly(&p, "encode12", n, INT16_MIN, INT16_MAX);
        for (unsigned i = 0; i < 256; i++) {
            vals[i] = (uint32_t)mod_q(p.c[i]);
        }
        pqce_mlkem_poly_encode12(got, &p);
        byte_encode_ref(want, vals, 12);
        CHECK_MEM_EQ(got, want, 384);
        CHECK(pqce_mlkem_poly_decode12(&back, got) == 0);
        for (unsigned i = 0; i < 256; i++) {
            CHECK(back.c[i] == (int16_t)vals[i]);
        }
        /* Compress then encode, and decode then decompress. */
        for (size_t di = 0; di < sizeof ds / sizeof ds[0]; di++) {
            const unsigned d = ds[di];
            for (unsigned i = 0; i < 256; i++) {
                vals[i] = pqce_mlkem_compress((uint16_t)mod_q(p.c[i]), d);
            }
            pqce_mlkem_poly_compress_encode(got, &p, d);
            byte_encode_ref(want, vals, d);
            CHECK_MEM_EQ(got, want, 32 * d);
            pqce_mlkem_poly_decode_decompress(&back, got, d);
            for (unsigned i = 0; i < 256; i++) {
                CHECK(back.c[i] == pqce_mlkem_decompress((uint16_t)vals[i], d));
            }
        }
    }
}

/* ByteDecode_12 reduces mod q [FIPS203, Algorithm 6] and flags values >= q. */
static void test_decode12_reduces_mod_q_and_flags_values_ge_q(void)
{
    pqce_mlkem_poly p;
    uint8_t b[384];
    uint32_t vals[256];
    for (unsigned i = 0; i < 256; i++) {
        vals[i] = (uint32_t)(i * 16 + i % 16); /* 0 .. 4095, many >= q */
    }
    byte_encode_ref(b, vals, 12);
    CHECK(pqce_mlkem_poly_decode12(&p, b) != 0);
    for (unsigned i = 0; i < 256; i++) {
        CHECK(p.c[i] == (int16_t)(vals[i] % Q));
    }
    for (unsigned i = 0; i < 256; i++) {
        vals[i] = i == 77 ? Q : Q - 1;
    }
    byte_encode_ref(b, vals, 12);
    CHECK(pqce_mlkem_poly_decode12(&p, b) != 0);
    vals[77] = Q - 1;
    byte_encode_ref(b, vals, 12);
    CHECK(pqce_mlkem_poly_decode12(&p, b) == 0);
}

/* ---- built-in known-answer tests ------------------------------------------- */

struct selftest_seen {
    int mlkem_reports, failures;
};

static void selftest_report(void *arg, const char *name, int result)
{
    struct selftest_seen *seen = arg;
    if (strstr(name, "ML-KEM-") != NULL) {
        seen->mlkem_reports++;
    }
    if (result != PQCE_OK) {
        seen->failures++;
        fprintf(stderr, "  self-test %s failed: %s\n", name, pqce_error_name(result));
    }
}

static void test_selftest_runs_the_mlkem_known_answer_tests(void)
{
    struct selftest_seen seen = {0, 0};
    CHECK_OK(pqce_selftest(selftest_report, &seen));
    CHECK(seen.failures == 0);
    CHECK_MSG(seen.mlkem_reports == 3, "%d ML-KEM self-tests reported", seen.mlkem_reports);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_roundtrip_with_random_keys_all_sets),
        TEST_CASE(test_rng_variants_equal_derand_with_the_same_bytes),
        TEST_CASE(test_keypair_derand_is_deterministic),
        TEST_CASE(test_decaps_modified_ciphertext_gives_j_of_z_and_c),
        TEST_CASE(test_encaps_rejects_coefficient_ge_q),
        TEST_CASE(test_decaps_rejects_modified_h),
        TEST_CASE(test_check_accepts_generated_keys),
        TEST_CASE(test_failing_rng_gives_random_error_and_zeroized_outputs),
        TEST_CASE(test_null_arguments_give_invalid_arg),
        TEST_CASE(test_barrett_reduce_is_centered_for_every_int16),
        TEST_CASE(test_montgomery_reduce_for_its_whole_input_range),
        TEST_CASE(test_compress_decompress_exact_for_every_x_and_d),
        TEST_CASE(test_ntt_matches_algorithm_9),
        TEST_CASE(test_inverse_ntt_matches_algorithm_10_and_undoes_ntt),
        TEST_CASE(test_basemul_acc_gives_the_negacyclic_product),
        TEST_CASE(test_sample_ntt_matches_algorithm_7),
        TEST_CASE(test_sample_cbd_matches_algorithm_8),
        TEST_CASE(test_encodings_match_algorithms_5_and_6),
        TEST_CASE(test_decode12_reduces_mod_q_and_flags_values_ge_q),
        TEST_CASE(test_selftest_runs_the_mlkem_known_answer_tests),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
