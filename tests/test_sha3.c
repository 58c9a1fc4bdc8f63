/*
 * test_sha3.c - the SHA-3 API beyond the vectors: incremental absorb and
 * squeeze agree with one-shot hashing for every split, misuse is an error.
 */
#include <string.h>

#include "crypto/keccak.h"
#include "test.h"

typedef int (*init_fn)(pqce_sha3_ctx *);
typedef int (*oneshot_fn)(uint8_t *, size_t, const uint8_t *, size_t);

static int sha3_256_os(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len)
{
    return out_len == 32 ? pqce_sha3_256(out, in, in_len) : PQCE_ERR_INVALID_ARG;
}

static int sha3_512_os(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len)
{
    return out_len == 64 ? pqce_sha3_512(out, in, in_len) : PQCE_ERR_INVALID_ARG;
}

static const struct {
    const char *name;
    init_fn init;
    oneshot_fn oneshot;
    size_t out_len; /* digest size, or the XOF length used in the tests */
    int xof;
    size_t rate;
} algs[] = {
    {"SHA3-256", pqce_sha3_256_init, sha3_256_os, 32, 0, PQCE_SHA3_256_RATE},
    {"SHA3-512", pqce_sha3_512_init, sha3_512_os, 64, 0, PQCE_SHA3_512_RATE},
    {"SHAKE128", pqce_shake128_init, pqce_shake128, 400, 1, PQCE_SHAKE128_RATE},
    {"SHAKE256", pqce_shake256_init, pqce_shake256, 400, 1, PQCE_SHAKE256_RATE},
};
#define NALGS (sizeof algs / sizeof algs[0])

/* Finishes ctx into out: final for SHA3, one squeeze for SHAKE. */
static int finish(size_t a, pqce_sha3_ctx *c, uint8_t *out)
{
    return algs[a].xof ? pqce_shake_squeeze(c, out, algs[a].out_len)
                       : pqce_sha3_final(c, out, algs[a].out_len);
}

/* Every split point i of messages of every length up to 2 * rate + 3:
 * absorb(m[0:i]); absorb(m[i:n]) equals the one-shot digest. */
static void test_incremental_absorb_matches_oneshot_for_every_split(void)
{
    uint8_t msg[2 * 168 + 3], want[400], got[400];
    test_fill(msg, sizeof msg, "sha3 split", 0);
    size_t checks = 0;
    for (size_t a = 0; a < NALGS; a++) {
        size_t max_len = 2 * algs[a].rate + 3;
        for (size_t n = 0; n <= max_len; n++) {
            CHECK_OK(algs[a].oneshot(want, algs[a].out_len, msg, n));
            for (size_t i = 0; i <= n; i++) {
                pqce_sha3_ctx c;
                CHECK_OK(algs[a].init(&c));
                CHECK_OK(pqce_sha3_absorb(&c, msg, i));
                CHECK_OK(pqce_sha3_absorb(&c, msg + i, n - i));
                CHECK_OK(finish(a, &c, got));
                CHECK_MSG(memcmp(got, want, algs[a].out_len) == 0, "%s n=%zu split=%zu",
                          algs[a].name, n, i);
                checks++;
            }
        }
    }
    printf("  %zu two-piece splits checked\n", checks);
}

/* Every pair of split points (three pieces) for a message longer than one
 * block, and byte-at-a-time absorption. */
static void test_incremental_absorb_matches_oneshot_for_three_pieces(void)
{
    uint8_t msg[150], want[400], got[400];
    test_fill(msg, sizeof msg, "sha3 three", 0);
    size_t n = sizeof msg;
    for (size_t a = 0; a < NALGS; a++) {
        CHECK_OK(algs[a].oneshot(want, algs[a].out_len, msg, n));
        for (size_t i = 0; i <= n; i++) {
            for (size_t j = i; j <= n; j++) {
                pqce_sha3_ctx c;
                CHECK_OK(algs[a].init(&c));
                CHECK_OK(pqce_sha3_absorb(&c, msg, i));
                CHECK_OK(pqce_sha3_absorb(&c, msg + i, j - i));
                CHECK_OK(pqce_sha3_absorb(&c, msg + j, n - j));
                CHECK_OK(finish(a, &c, got));
                CHECK_MSG(memcmp(got, want, algs[a].out_len) == 0, "%s splits %zu,%zu",
                          algs[a].name, i, j);
            }
        }
        pqce_sha3_ctx c;
        CHECK_OK(algs[a].init(&c));
        for (size_t i = 0; i < n; i++) {
            CHECK_OK(pqce_sha3_absorb(&c, msg + i, 1));
        }
        CHECK_OK(finish(a, &c, got));
        CHECK_MEM_EQ(got, want, algs[a].out_len);
    }
}

/* Every split point of a 3-block SHAKE output, and byte-at-a-time squeeze:
 * squeeze(k); squeeze(n-k) equals one squeeze of n. */
static void test_incremental_squeeze_matches_oneshot_for_every_split(void)
{
    uint8_t msg[33], want[3 * 168 + 5], got[sizeof want];
    test_fill(msg, sizeof msg, "sha3 squeeze", 0);
    for (size_t a = 2; a < NALGS; a++) {
        size_t n = 3 * algs[a].rate + 5;
        CHECK_OK(algs[a].oneshot(want, n, msg, sizeof msg));
        for (size_t k = 0; k <= n; k++) {
            pqce_sha3_ctx c;
            CHECK_OK(algs[a].init(&c));
            CHECK_OK(pqce_sha3_absorb(&c, msg, sizeof msg));
            CHECK_OK(pqce_shake_squeeze(&c, got, k));
            CHECK_OK(pqce_shake_squeeze(&c, got + k, n - k));
            CHECK_MSG(memcmp(got, want, n) == 0, "%s squeeze split %zu", algs[a].name, k);
        }
        pqce_sha3_ctx c;
        CHECK_OK(algs[a].init(&c));
        CHECK_OK(pqce_sha3_absorb(&c, msg, sizeof msg));
        for (size_t i = 0; i < n; i++) {
            CHECK_OK(pqce_shake_squeeze(&c, got + i, 1));
        }
        CHECK_MEM_EQ(got, want, n);
    }
}

/* The internal block squeeze used by ML-KEM/ML-DSA matches byte squeezing. */
static void test_squeezeblocks_matches_squeeze(void)
{
    uint8_t seed[34], a[5 * 168], b[5 * 168];
    test_fill(seed, sizeof seed, "blocks", 0);
    pqce_keccak k1;
    pqce_keccak_init(&k1, PQCE_SHAKE128_RATE);
    pqce_keccak_absorb(&k1, seed, sizeof seed);
    pqce_keccak_finalize(&k1, PQCE_KECCAK_SUFFIX_SHAKE);
    pqce_keccak_squeezeblocks(&k1, a, 2);
    pqce_keccak_squeezeblocks(&k1, a + 2 * 168, 3);
    pqce_keccak_shake128(b, sizeof b, seed, sizeof seed);
    CHECK_MEM_EQ(a, b, sizeof a);
}

static void test_absorb_after_squeeze_is_state_error(void)
{
    pqce_sha3_ctx c;
    uint8_t out[16];
    CHECK_OK(pqce_shake128_init(&c));
    CHECK_OK(pqce_shake_squeeze(&c, out, sizeof out));
    CHECK_RC(pqce_sha3_absorb(&c, out, 1), PQCE_ERR_STATE);
}

static void test_final_on_xof_and_squeeze_on_fixed_are_state_errors(void)
{
    pqce_sha3_ctx c;
    uint8_t out[64];
    CHECK_OK(pqce_shake256_init(&c));
    CHECK_RC(pqce_sha3_final(&c, out, 32), PQCE_ERR_STATE);
    CHECK_OK(pqce_sha3_256_init(&c));
    CHECK_RC(pqce_shake_squeeze(&c, out, 32), PQCE_ERR_STATE);
}

static void test_final_twice_is_state_error_and_wipes(void)
{
    pqce_sha3_ctx c, zero;
    uint8_t out[32];
    memset(&zero, 0, sizeof zero);
    CHECK_OK(pqce_sha3_256_init(&c));
    CHECK_OK(pqce_sha3_absorb(&c, (const uint8_t *)"abc", 3));
    CHECK_OK(pqce_sha3_final(&c, out, sizeof out));
    CHECK_MEM_EQ(&c, &zero, sizeof c);
    CHECK_RC(pqce_sha3_final(&c, out, sizeof out), PQCE_ERR_STATE);
    CHECK_RC(pqce_sha3_absorb(&c, out, 1), PQCE_ERR_STATE);
}

static void test_final_with_wrong_length_is_invalid(void)
{
    pqce_sha3_ctx c;
    uint8_t out[64];
    CHECK_OK(pqce_sha3_512_init(&c));
    CHECK_RC(pqce_sha3_final(&c, out, 32), PQCE_ERR_INVALID_ARG);
    CHECK_OK(pqce_sha3_final(&c, out, 64));
}

static void test_null_arguments_are_invalid(void)
{
    uint8_t out[32] = {0};
    pqce_sha3_ctx c;
    CHECK_RC(pqce_sha3_256(NULL, out, 1), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_sha3_256(out, NULL, 1), PQCE_ERR_INVALID_ARG);
    CHECK_OK(pqce_sha3_256(out, NULL, 0));
    CHECK_RC(pqce_sha3_512(NULL, out, 0), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_shake128(NULL, 1, out, 1), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_shake256(out, 1, NULL, 1), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_sha3_256_init(NULL), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_sha3_absorb(NULL, out, 1), PQCE_ERR_INVALID_ARG);
    CHECK_OK(pqce_shake128_init(&c));
    CHECK_RC(pqce_sha3_absorb(&c, NULL, 1), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_shake_squeeze(&c, NULL, 1), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_sha3_final(NULL, out, 32), PQCE_ERR_INVALID_ARG);
    pqce_sha3_wipe(NULL);
}

static void test_uninitialised_context_is_state_error(void)
{
    pqce_sha3_ctx c;
    uint8_t out[32] = {0};
    memset(&c, 0, sizeof c);
    CHECK_RC(pqce_sha3_absorb(&c, out, 1), PQCE_ERR_STATE);
    CHECK_RC(pqce_shake_squeeze(&c, out, 1), PQCE_ERR_STATE);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_incremental_absorb_matches_oneshot_for_every_split),
        TEST_CASE(test_incremental_absorb_matches_oneshot_for_three_pieces),
        TEST_CASE(test_incremental_squeeze_matches_oneshot_for_every_split),
        TEST_CASE(test_squeezeblocks_matches_squeeze),
        TEST_CASE(test_absorb_after_squeeze_is_state_error),
        TEST_CASE(test_final_on_xof_and_squeeze_on_fixed_are_state_errors),
        TEST_CASE(test_final_twice_is_state_error_and_wipes),
        TEST_CASE(test_final_with_wrong_length_is_invalid),
        TEST_CASE(test_null_arguments_are_invalid),
        TEST_CASE(test_uninitialised_context_is_state_error),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
