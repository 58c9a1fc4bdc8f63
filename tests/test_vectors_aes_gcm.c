/*
 * test_vectors_aes_gcm.c - the AES-256-GCM wrapper against every 256-bit
 * case of Wycheproof's aes_gcm_test.json. Valid cases round-trip in both
 * directions; invalid ones (modified tags, zero-length IV) are rejected and
 * release no plaintext. The 2056-bit IV case cannot be expressed through
 * OpenSSL 3.0's EVP (IVs up to 1024 bits): it must be refused with
 * PQCE_ERR_UNSUPPORTED and is reported as unsupported, not passed.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/aes_gcm.h"
#include "test.h"
#include "vectors.h"

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++) {
        d |= p[i];
    }
    return d == 0;
}

static void test_wycheproof_aes_256_gcm(void)
{
    json_object *root = vec_load_json("wycheproof/aes_gcm_test.json");
    CHECK(root != NULL);
    json_object *groups = NULL;
    json_object_object_get_ex(root, "testGroups", &groups);
    size_t valid = 0, invalid = 0, unsupported = 0, other_keys = 0;
    int failed = 0;
    for (size_t g = 0; !failed && g < json_object_array_length(groups); g++) {
        json_object *grp = json_object_array_get_idx(groups, g), *tests = NULL;
        json_object_object_get_ex(grp, "tests", &tests);
        if (vec_int(grp, "keySize") != 256) {
            other_keys += json_object_array_length(tests);
            continue;
        }
        CHECK(vec_int(grp, "tagSize") == 128);
        for (size_t t = 0; !failed && t < json_object_array_length(tests); t++) {
            json_object *tc = json_object_array_get_idx(tests, t);
            long long id = vec_int(tc, "tcId");
            size_t key_len, iv_len, aad_len, msg_len, ct_len, tag_len;
            uint8_t *key = vec_hex(tc, "key", &key_len);
            uint8_t *iv = vec_hex(tc, "iv", &iv_len);
            uint8_t *aad = vec_hex(tc, "aad", &aad_len);
            uint8_t *msg = vec_hex(tc, "msg", &msg_len);
            uint8_t *ct = vec_hex(tc, "ct", &ct_len);
            uint8_t *tag = vec_hex(tc, "tag", &tag_len);
            uint8_t *out = malloc(ct_len + msg_len + 1);
            uint8_t out_tag[16];
            const char *result = vec_str(tc, "result");
            pqce_aes_gcm *gcm = NULL;
            failed = key == NULL || iv == NULL || aad == NULL || msg == NULL || ct == NULL ||
                     tag == NULL || out == NULL || result == NULL || key_len != 32 ||
                     tag_len != 16 || pqce_aes_gcm_new(&gcm, key) != PQCE_OK;
            if (!failed && strcmp(result, "valid") == 0) {
                int rc =
                    pqce_aes_gcm_seal(gcm, out, out_tag, msg, msg_len, aad, aad_len, iv, iv_len);
                if (rc == PQCE_ERR_UNSUPPORTED && iv_len > PQCE_GCM_IV_MAX_BYTES) {
                    printf("  tcId %lld: %zu-bit IV unsupported by OpenSSL 3.0 EVP (refused)\n", id,
                           iv_len * 8);
                    unsupported++;
                } else {
                    failed = rc != PQCE_OK || ct_len != msg_len || memcmp(out, ct, ct_len) != 0 ||
                             memcmp(out_tag, tag, 16) != 0 ||
                             pqce_aes_gcm_open(gcm, out, ct, ct_len, tag, aad, aad_len, iv,
                                               iv_len) != PQCE_OK ||
                             memcmp(out, msg, msg_len) != 0;
                    valid += !failed;
                }
            } else if (!failed && strcmp(result, "invalid") == 0) {
                memset(out, 0xA5, ct_len + 1);
                int rc = pqce_aes_gcm_open(gcm, out, ct, ct_len, tag, aad, aad_len, iv, iv_len);
                int want = iv_len == 0 ? PQCE_ERR_INVALID_ARG : PQCE_ERR_DECRYPT;
                failed = rc != want || (rc == PQCE_ERR_DECRYPT && !all_zero(out, ct_len));
                invalid += !failed;
            } else if (!failed) {
                failed = 1; /* Wycheproof's "acceptable" does not occur here */
            }
            if (failed) {
                fprintf(stderr, "  Wycheproof AES-GCM tcId %lld (%s) failed\n", id,
                        result ? result : "?");
            }
            pqce_aes_gcm_free(gcm);
            free(key);
            free(iv);
            free(aad);
            free(msg);
            free(ct);
            free(tag);
            free(out);
        }
    }
    json_object_put(root);
    CHECK(!failed);
    printf("  Wycheproof AES-256-GCM: %zu valid round-trips, %zu invalid rejected, %zu "
           "unsupported (2056-bit IV), %zu tests with 128/192-bit keys not applicable\n",
           valid, invalid, unsupported, other_keys);
    CHECK(invalid == 29);
    CHECK(unsupported <= 1);
    CHECK(vec_report("wycheproof/aes_gcm_test.json (256-bit keys)", valid + invalid, unsupported,
                     "2056-bit IV, beyond OpenSSL 3.0's 1024-bit limit"));
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_wycheproof_aes_256_gcm),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
