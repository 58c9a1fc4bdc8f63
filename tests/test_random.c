/* test_random.c - the randomness interface: OS source, injected sources,
 * failures reported as errors with the output wiped. */
#include <string.h>

#include "test.h"

static int failing_fill(void *ctx, uint8_t *out, size_t out_len)
{
    (void)ctx;
    memset(out, 0xEE, out_len / 2); /* a half-written buffer must not leak */
    return -1;
}

static int counter_fill(void *ctx, uint8_t *out, size_t out_len)
{
    uint8_t *next = ctx;
    for (size_t i = 0; i < out_len; i++) {
        out[i] = (*next)++;
    }
    return 0;
}

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++) {
        d |= p[i];
    }
    return d == 0;
}

static void test_os_source_fills_and_differs(void)
{
    uint8_t a[64] = {0}, b[64] = {0};
    CHECK_OK(pqce_random_bytes(NULL, a, sizeof a));
    CHECK_OK(pqce_random_bytes(NULL, b, sizeof b));
    CHECK(!all_zero(a, sizeof a));
    CHECK(memcmp(a, b, sizeof a) != 0);
}

static void test_os_source_fills_large_requests(void)
{
    static uint8_t big[1 << 20];
    CHECK_OK(pqce_random_bytes(NULL, big, sizeof big));
    /* a 4 KiB window at the end is not all zero (probability 2^-32768) */
    CHECK(!all_zero(big + sizeof big - 4096, 4096));
}

static void test_injected_source_is_used(void)
{
    uint8_t next = 7, out[4];
    pqce_rng rng = {PQCE_RNG_VERSION, counter_fill, &next};
    CHECK_OK(pqce_random_bytes(&rng, out, sizeof out));
    CHECK(out[0] == 7 && out[3] == 10);
}

static void test_failing_source_is_an_error_and_wipes(void)
{
    uint8_t out[32];
    memset(out, 0x55, sizeof out);
    pqce_rng rng = {PQCE_RNG_VERSION, failing_fill, NULL};
    CHECK_RC(pqce_random_bytes(&rng, out, sizeof out), PQCE_ERR_RANDOM);
    CHECK(all_zero(out, sizeof out));
}

static void test_malformed_source_is_invalid(void)
{
    uint8_t out[8];
    pqce_rng wrong_version = {PQCE_RNG_VERSION + 1, counter_fill, NULL};
    pqce_rng no_fill = {PQCE_RNG_VERSION, NULL, NULL};
    CHECK_RC(pqce_random_bytes(&wrong_version, out, sizeof out), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_random_bytes(&no_fill, out, sizeof out), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_random_bytes(NULL, NULL, 1), PQCE_ERR_INVALID_ARG);
    CHECK_OK(pqce_random_bytes(NULL, NULL, 0));
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_os_source_fills_and_differs),
        TEST_CASE(test_os_source_fills_large_requests),
        TEST_CASE(test_injected_source_is_used),
        TEST_CASE(test_failing_source_is_an_error_and_wipes),
        TEST_CASE(test_malformed_source_is_invalid),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
