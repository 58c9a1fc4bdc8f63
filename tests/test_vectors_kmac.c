/*
 * test_vectors_kmac.c - cSHAKE and KMAC [SP800-185] against the Wycheproof
 * KMAC files (byte-oriented, with negative cases) and every ACVP KMAC and
 * cSHAKE case that a byte-oriented implementation can run (vectors README
 * sections 9 and 10): byte-aligned key and message; for KMAC (non-XOF) a
 * byte-aligned tag length; for cSHAKE and KMACXOF any output length, since
 * their output does not depend on it (the last byte is reduced with the
 * ACVP output rule).
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/kmac.h"
#include "test.h"
#include "vectors.h"

/* ACVP output rule for a bit length n (README section 9): keep the k = n mod
 * 8 low bits of the last byte and move them to the top. */
static void acvp_output_rule(uint8_t *out, size_t bits)
{
    size_t k = bits % 8;
    if (k != 0) {
        uint8_t *last = &out[bits / 8];
        *last = (uint8_t)((*last & ((1u << k) - 1)) << (8 - k));
    }
}

static void kmac(uint32_t rate, int xof, uint8_t *out, size_t out_bits, const uint8_t *key,
                 size_t key_len, const uint8_t *msg, size_t msg_len, const uint8_t *s, size_t s_len)
{
    pqce_keccak k;
    size_t out_len = (out_bits + 7) / 8;
    pqce_kmac_init(&k, rate, key, key_len, s, s_len);
    pqce_keccak_absorb(&k, msg, msg_len);
    if (xof) {
        pqce_kmac_xof_final(&k, out, out_len);
    } else {
        pqce_kmac_final(&k, out, out_len);
    }
    acvp_output_rule(out, out_bits);
}

static void check_wycheproof_kmac(const char *rel, uint32_t rate)
{
    json_object *root = vec_load_json(rel);
    CHECK(root != NULL);
    json_object *groups = NULL;
    json_object_object_get_ex(root, "testGroups", &groups);
    size_t valid = 0, invalid = 0;
    int failed = 0;
    for (size_t g = 0; !failed && g < json_object_array_length(groups); g++) {
        json_object *grp = json_object_array_get_idx(groups, g), *tests = NULL;
        json_object_object_get_ex(grp, "tests", &tests);
        size_t tag_bits = (size_t)vec_int(grp, "tagSize");
        for (size_t t = 0; !failed && t < json_object_array_length(tests); t++) {
            json_object *tc = json_object_array_get_idx(tests, t);
            size_t key_len, msg_len, tag_len;
            uint8_t *key = vec_hex(tc, "key", &key_len);
            uint8_t *msg = vec_hex(tc, "msg", &msg_len);
            uint8_t *tag = vec_hex(tc, "tag", &tag_len);
            uint8_t out[128];
            const char *result = vec_str(tc, "result");
            failed = key == NULL || msg == NULL || tag == NULL || result == NULL ||
                     tag_bits % 8 != 0 || tag_bits / 8 > sizeof out;
            if (!failed) {
                kmac(rate, 0, out, tag_bits, key, key_len, msg, msg_len, NULL, 0);
                int match = tag_len == tag_bits / 8 && pqce_ct_memeq(out, tag, tag_len);
                if (strcmp(result, "valid") == 0) {
                    failed = !match;
                    valid += (size_t)match;
                } else {
                    failed = match || strcmp(result, "invalid") != 0;
                    invalid += !failed;
                }
            }
            if (failed) {
                fprintf(stderr, "  %s tcId %lld failed\n", rel, vec_int(tc, "tcId"));
            }
            free(key);
            free(msg);
            free(tag);
        }
    }
    json_object_put(root);
    CHECK(!failed);
    printf("  %s: %zu valid tags reproduced, %zu invalid tags rejected\n", rel, valid, invalid);
    CHECK(invalid > 0);
    CHECK(vec_report(rel, valid + invalid, 0, NULL));
}

static void test_wycheproof_kmac128(void)
{
    check_wycheproof_kmac("wycheproof/kmac128_no_customization_test.json", PQCE_SHAKE128_RATE);
}

static void test_wycheproof_kmac256(void)
{
    check_wycheproof_kmac("wycheproof/kmac256_no_customization_test.json", PQCE_SHAKE256_RATE);
}

/* Customization string of an ACVP test: ASCII text or hex bytes. */
static uint8_t *acvp_customization(json_object *grp, json_object *tc, size_t *len)
{
    if (vec_bool(grp, "hexCustomization")) {
        return vec_hex(tc, "customizationHex", len);
    }
    const char *s = vec_str(tc, "customization");
    if (s == NULL) {
        return NULL;
    }
    *len = strlen(s);
    uint8_t *b = malloc(*len + 1);
    if (b != NULL) {
        memcpy(b, s, *len + 1);
    }
    return b;
}

static void check_acvp_kmac(const char *dir, uint32_t rate)
{
    char prompt_rel[256], expected_rel[256];
    snprintf(prompt_rel, sizeof prompt_rel, "acvp/%s/prompt.json", dir);
    snprintf(expected_rel, sizeof expected_rel, "acvp/%s/expectedResults.json", dir);
    json_object *prompt = vec_load_json(prompt_rel), *expected = vec_load_json(expected_rel);
    CHECK(prompt != NULL && expected != NULL);
    acvp_index ix;
    CHECK(acvp_index_build(&ix, expected) == 0);
    json_object *groups = NULL;
    json_object_object_get_ex(prompt, "testGroups", &groups);
    size_t passed = 0, rejected = 0, skipped = 0;
    int failed = 0;
    for (size_t g = 0; !failed && g < json_object_array_length(groups); g++) {
        json_object *grp = json_object_array_get_idx(groups, g), *tests = NULL;
        json_object_object_get_ex(grp, "tests", &tests);
        int xof = vec_bool(grp, "xof");
        int mvt = strcmp(vec_str(grp, "testType"), "MVT") == 0;
        for (size_t t = 0; !failed && t < json_object_array_length(tests); t++) {
            json_object *tc = json_object_array_get_idx(tests, t);
            long long id = vec_int(tc, "tcId");
            long long key_bits = vec_int(tc, "keyLen"), msg_bits = vec_int(tc, "msgLen");
            long long mac_bits = vec_int(tc, "macLen");
            if (key_bits % 8 != 0 || msg_bits % 8 != 0 || (!xof && mac_bits % 8 != 0)) {
                skipped++;
                continue;
            }
            json_object *res = acvp_index_get(&ix, id);
            size_t key_len, msg_len, s_len, mac_len;
            uint8_t *key = vec_hex(tc, "key", &key_len);
            uint8_t *msg = vec_hex(tc, "msg", &msg_len);
            uint8_t *s = acvp_customization(grp, tc, &s_len);
            uint8_t *mac = vec_hex(mvt ? tc : res, "mac", &mac_len);
            uint8_t *out = malloc((size_t)mac_bits / 8 + 2);
            failed = key == NULL || msg == NULL || s == NULL || mac == NULL || out == NULL ||
                     res == NULL || mac_len != ((size_t)mac_bits + 7) / 8;
            if (!failed) {
                kmac(rate, xof, out, (size_t)mac_bits, key, key_len, msg, msg_len, s, s_len);
                int match = memcmp(out, mac, mac_len) == 0;
                if (mvt) {
                    int want = vec_bool(res, "testPassed");
                    failed = match != want;
                    rejected += !failed && !want;
                    passed += (size_t)(!failed && want);
                } else {
                    failed = !match;
                    passed += (size_t)match;
                }
            }
            if (failed) {
                fprintf(stderr, "  %s tcId %lld failed\n", dir, id);
            }
            free(key);
            free(msg);
            free(s);
            free(mac);
            free(out);
        }
    }
    acvp_index_free(&ix);
    json_object_put(prompt);
    json_object_put(expected);
    CHECK(!failed);
    char what[300];
    snprintf(what, sizeof what, "acvp/%s (%zu MVT negatives rejected)", dir, rejected);
    CHECK(vec_report(what, passed + rejected, skipped, "bit-oriented key, message or KMAC length"));
}

static void test_acvp_kmac128_byte_aligned(void)
{
    check_acvp_kmac("KMAC-128-1.0", PQCE_SHAKE128_RATE);
}

static void test_acvp_kmac256_byte_aligned(void)
{
    check_acvp_kmac("KMAC-256-1.0", PQCE_SHAKE256_RATE);
}

static void cshake(uint32_t rate, uint8_t *out, size_t out_bits, const uint8_t *msg, size_t msg_len,
                   const uint8_t *n, size_t n_len, const uint8_t *s, size_t s_len)
{
    pqce_keccak k;
    pqce_cshake_init(&k, rate, n, n_len, s, s_len);
    pqce_keccak_absorb(&k, msg, msg_len);
    pqce_cshake_final(&k, n_len == 0 && s_len == 0, out, (out_bits + 7) / 8);
    acvp_output_rule(out, out_bits);
}

/* ACVP-Server's CSHAKE_MCT (vectors README, section 10), outLen in bits. */
static int cshake_mct(uint32_t rate, json_object *grp, json_object *tc, json_object *res_tc)
{
    size_t min_bits = (size_t)vec_int(grp, "minOutLen"),
           max_bits = (size_t)vec_int(grp, "maxOutLen");
    size_t range = max_bits - min_bits + 1, out_bits = max_bits, msg_len;
    uint8_t *msg = vec_hex(tc, "msg", &msg_len);
    uint8_t output[4096 / 8 + 1] = {0}, s[18];
    size_t s_len = 0;
    json_object *results = NULL;
    json_object_object_get_ex(res_tc, "resultsArray", &results);
    if (msg == NULL || msg_len < 16 || results == NULL || max_bits / 8 > sizeof output - 1) {
        free(msg);
        return -1;
    }
    memcpy(output, msg, 16);
    free(msg);
    for (size_t e = 0; e < json_object_array_length(results); e++) {
        size_t made_with = out_bits;
        for (int i = 0; i < 1000; i++) {
            uint8_t inner[16];
            memcpy(inner, output, 16);
            made_with = out_bits;
            cshake(rate, output, out_bits, inner, 16, NULL, 0, s, s_len);
            size_t nbytes = (out_bits + 7) / 8, k = out_bits % 8;
            uint32_t r;
            if (k == 0) {
                r = (uint32_t)output[nbytes - 2] << 8 | output[nbytes - 1];
            } else {
                uint32_t v = (uint32_t)output[nbytes - 3] << 16 |
                             (uint32_t)output[nbytes - 2] << 8 | output[nbytes - 1];
                r = (v >> (8 - k)) & 0xFFFF;
            }
            out_bits = min_bits + r % range;
            for (size_t j = 0; j < 16; j++) {
                s[j] = (uint8_t)('A' + inner[j] % 26);
            }
            s[16] = (uint8_t)('A' + (r >> 8) % 26);
            s[17] = (uint8_t)('A' + (r & 0xFF) % 26);
            s_len = 18;
        }
        json_object *want = json_object_array_get_idx(results, e);
        size_t md_len;
        uint8_t *md = vec_hex(want, "md", &md_len);
        int ok = md != NULL && (size_t)vec_int(want, "outLen") == made_with &&
                 md_len == (made_with + 7) / 8 && memcmp(md, output, md_len) == 0;
        free(md);
        if (!ok) {
            return -1;
        }
    }
    return (int)json_object_array_length(results);
}

static void check_acvp_cshake(const char *dir, uint32_t rate)
{
    char rel[256];
    snprintf(rel, sizeof rel, "acvp/%s/internalProjection.json", dir);
    json_object *root = vec_load_json(rel);
    CHECK(root != NULL);
    json_object *groups = NULL;
    json_object_object_get_ex(root, "testGroups", &groups);
    size_t passed = 0, skipped = 0;
    int failed = 0, mct_entries = 0;
    for (size_t g = 0; !failed && g < json_object_array_length(groups); g++) {
        json_object *grp = json_object_array_get_idx(groups, g), *tests = NULL;
        json_object_object_get_ex(grp, "tests", &tests);
        CHECK(!vec_bool(grp, "hexCustomization"));
        int mct = strcmp(vec_str(grp, "testType"), "MCT") == 0;
        for (size_t t = 0; !failed && t < json_object_array_length(tests); t++) {
            json_object *tc = json_object_array_get_idx(tests, t);
            if (mct) {
                mct_entries = cshake_mct(rate, grp, tc, tc);
                failed = mct_entries <= 0;
                passed += (size_t)!failed;
                continue;
            }
            long long len_bits = vec_int(tc, "len"), out_bits = vec_int(tc, "outLen");
            if (len_bits % 8 != 0) {
                skipped++;
                continue;
            }
            const char *n = vec_str(tc, "functionName"), *s = vec_str(tc, "customization");
            size_t msg_len, md_len;
            uint8_t *msg = vec_hex(tc, "msg", &msg_len);
            uint8_t *md = vec_hex(tc, "md", &md_len);
            uint8_t *out = malloc((size_t)out_bits / 8 + 2);
            failed = msg == NULL || md == NULL || out == NULL || n == NULL || s == NULL ||
                     md_len != ((size_t)out_bits + 7) / 8;
            if (!failed) {
                cshake(rate, out, (size_t)out_bits, msg, msg_len, (const uint8_t *)n, strlen(n),
                       (const uint8_t *)s, strlen(s));
                failed = memcmp(out, md, md_len) != 0;
                passed += (size_t)!failed;
            }
            if (failed) {
                fprintf(stderr, "  %s tcId %lld failed\n", dir, vec_int(tc, "tcId"));
            }
            free(msg);
            free(md);
            free(out);
        }
    }
    json_object_put(root);
    CHECK(!failed);
    char what[300];
    snprintf(what, sizeof what, "acvp/%s (incl. MCT with %d results)", dir, mct_entries);
    CHECK(vec_report(what, passed, skipped, "bit-oriented message"));
}

static void test_acvp_cshake128_byte_aligned(void)
{
    check_acvp_cshake("cSHAKE-128-1.0", PQCE_SHAKE128_RATE);
}

static void test_acvp_cshake256_byte_aligned(void)
{
    check_acvp_cshake("cSHAKE-256-1.0", PQCE_SHAKE256_RATE);
}

/* KMAC is not a prefix function: L is absorbed, so a 16-byte tag is not the
 * first half of a 32-byte tag [SP800-185, 4.3.1]. */
static void test_kmac_length_is_bound(void)
{
    uint8_t key[32] = {1}, a[16], b[32];
    pqce_kmac256(a, sizeof a, key, sizeof key, (const uint8_t *)"m", 1, NULL, 0);
    pqce_kmac256(b, sizeof b, key, sizeof key, (const uint8_t *)"m", 1, NULL, 0);
    CHECK(memcmp(a, b, sizeof a) != 0);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_wycheproof_kmac128),          TEST_CASE(test_wycheproof_kmac256),
        TEST_CASE(test_acvp_kmac128_byte_aligned),   TEST_CASE(test_acvp_kmac256_byte_aligned),
        TEST_CASE(test_acvp_cshake128_byte_aligned), TEST_CASE(test_acvp_cshake256_byte_aligned),
        TEST_CASE(test_kmac_length_is_bound),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
