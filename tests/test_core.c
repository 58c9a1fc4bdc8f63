/* test_core.c - error codes, memory helpers, version and self-test. */
#include <string.h>

#include "test.h"

static void test_every_error_code_has_a_distinct_name_and_sentence(void)
{
    const char *names[32], *sentences[32];
    size_t n = 0;
    for (int code = 0; code >= PQCE_ERR_EXISTS; code--) {
        names[n] = pqce_error_name(code);
        sentences[n] = pqce_strerror(code);
        CHECK_MSG(strncmp(names[n], "PQCE_", 5) == 0, "code %d has no name", code);
        CHECK_MSG(strcmp(names[n], "PQCE_ERR_UNKNOWN") != 0, "code %d unknown", code);
        for (size_t i = 0; i < n; i++) {
            CHECK(strcmp(names[i], names[n]) != 0);
            CHECK(strcmp(sentences[i], sentences[n]) != 0);
        }
        n++;
    }
    CHECK(strcmp(pqce_error_name(PQCE_ERR_DECRYPT), "PQCE_ERR_DECRYPT") == 0);
}

static void test_unknown_error_code_is_named_unknown(void)
{
    CHECK(strcmp(pqce_error_name(-9999), "PQCE_ERR_UNKNOWN") == 0);
    CHECK(strcmp(pqce_strerror(12345), "unknown error code") == 0);
}

static void test_memzero_clears(void)
{
    uint8_t buf[37];
    memset(buf, 0xFF, sizeof buf);
    pqce_memzero(buf, sizeof buf);
    for (size_t i = 0; i < sizeof buf; i++) {
        CHECK(buf[i] == 0);
    }
    pqce_memzero(NULL, 0);
}

static void test_ct_memeq_detects_every_single_byte_difference(void)
{
    uint8_t a[40], b[40];
    test_fill(a, sizeof a, "memeq", 0);
    memcpy(b, a, sizeof a);
    CHECK(pqce_ct_memeq(a, b, sizeof a) == 1);
    CHECK(pqce_ct_memeq(a, b, 0) == 1);
    for (size_t i = 0; i < sizeof a; i++) {
        for (unsigned bit = 0; bit < 8; bit++) {
            b[i] ^= (uint8_t)(1u << bit);
            CHECK(pqce_ct_memeq(a, b, sizeof a) == 0);
            b[i] ^= (uint8_t)(1u << bit);
        }
    }
}

static void test_version_matches_macros(void)
{
    CHECK(strcmp(pqce_version(), PQCE_VERSION_STRING) == 0);
    CHECK(strstr(pqce_build_info(), PQCE_VERSION_STRING) != NULL);
}

static int reports;
static void count_report(void *arg, const char *name, int result)
{
    (void)arg;
    (void)name;
    if (result == PQCE_OK) {
        reports++;
    }
}

static void test_selftest_passes_and_reports_each_kat(void)
{
    reports = 0;
    CHECK_OK(pqce_selftest(count_report, NULL));
    CHECK(reports >= 5);
    CHECK_OK(pqce_selftest(NULL, NULL));
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_every_error_code_has_a_distinct_name_and_sentence),
        TEST_CASE(test_unknown_error_code_is_named_unknown),
        TEST_CASE(test_memzero_clears),
        TEST_CASE(test_ct_memeq_detects_every_single_byte_difference),
        TEST_CASE(test_version_matches_macros),
        TEST_CASE(test_selftest_passes_and_reports_each_kat),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
