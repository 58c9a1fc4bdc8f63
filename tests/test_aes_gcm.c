/*
 * test_aes_gcm.c - behaviour of the AES-256-GCM wrapper beyond the vectors:
 * incremental equals one-shot, in-place operation, every kind of tampering
 * rejected with the output wiped, misuse reported.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/aes_gcm.h"
#include "test.h"

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++) {
        d |= p[i];
    }
    return d == 0;
}

static void test_incremental_seal_matches_oneshot_for_every_split(void)
{
    uint8_t key[32], nonce[12], aad[20], msg[100], ct1[100], ct2[100], tag1[16], tag2[16];
    test_fill(key, sizeof key, "gcm key", 0);
    test_fill(nonce, sizeof nonce, "gcm nonce", 0);
    test_fill(aad, sizeof aad, "gcm aad", 0);
    test_fill(msg, sizeof msg, "gcm msg", 0);
    CHECK_OK(pqce_aes256gcm_seal(ct1, tag1, msg, sizeof msg, aad, sizeof aad, nonce, key));
    pqce_aes_gcm *g = NULL;
    CHECK_OK(pqce_aes_gcm_new(&g, key));
    for (size_t i = 0; i <= sizeof msg; i++) {
        CHECK_OK(pqce_aes_gcm_begin(g, 1, nonce, sizeof nonce, aad, sizeof aad));
        CHECK_OK(pqce_aes_gcm_update(g, ct2, msg, i));
        CHECK_OK(pqce_aes_gcm_update(g, ct2 + i, msg + i, sizeof msg - i));
        CHECK_OK(pqce_aes_gcm_finish_seal(g, tag2));
        CHECK_MEM_EQ(ct2, ct1, sizeof ct1);
        CHECK_MEM_EQ(tag2, tag1, sizeof tag1);
    }
    pqce_aes_gcm_free(g);
}

static void test_in_place_seal_and_open(void)
{
    uint8_t key[32], nonce[12], msg[1000], buf[1000], tag[16];
    test_fill(key, sizeof key, "gcm key", 1);
    test_fill(nonce, sizeof nonce, "gcm nonce", 1);
    test_fill(msg, sizeof msg, "gcm msg", 1);
    memcpy(buf, msg, sizeof msg);
    CHECK_OK(pqce_aes256gcm_seal(buf, tag, buf, sizeof buf, NULL, 0, nonce, key));
    CHECK(memcmp(buf, msg, sizeof msg) != 0);
    CHECK_OK(pqce_aes256gcm_open(buf, buf, sizeof buf, tag, NULL, 0, nonce, key));
    CHECK_MEM_EQ(buf, msg, sizeof msg);
}

static void test_empty_message_authenticates_aad(void)
{
    uint8_t key[32] = {1}, nonce[12] = {2}, aad[5] = {3, 4, 5, 6, 7}, tag[16];
    CHECK_OK(pqce_aes256gcm_seal(NULL, tag, NULL, 0, aad, sizeof aad, nonce, key));
    CHECK_OK(pqce_aes256gcm_open(NULL, NULL, 0, tag, aad, sizeof aad, nonce, key));
    aad[0] ^= 1;
    CHECK_RC(pqce_aes256gcm_open(NULL, NULL, 0, tag, aad, sizeof aad, nonce, key),
             PQCE_ERR_DECRYPT);
}

/* Flipping any bit of the ciphertext, tag, AAD, nonce or key fails
 * authentication, and the output buffer is wiped. */
static void test_open_rejects_any_flipped_bit_and_wipes_output(void)
{
    uint8_t key[32], nonce[12], aad[16], msg[48], ct[48], tag[16], out[48];
    test_fill(key, sizeof key, "gcm key", 2);
    test_fill(nonce, sizeof nonce, "gcm nonce", 2);
    test_fill(aad, sizeof aad, "gcm aad", 2);
    test_fill(msg, sizeof msg, "gcm msg", 2);
    CHECK_OK(pqce_aes256gcm_seal(ct, tag, msg, sizeof msg, aad, sizeof aad, nonce, key));
    uint8_t *fields[] = {ct, tag, aad, nonce, key};
    size_t lens[] = {sizeof ct, sizeof tag, sizeof aad, sizeof nonce, sizeof key};
    for (size_t f = 0; f < 5; f++) {
        for (size_t bit = 0; bit < lens[f] * 8; bit++) {
            fields[f][bit / 8] ^= (uint8_t)(1u << (bit % 8));
            memset(out, 0xA5, sizeof out);
            int rc = pqce_aes256gcm_open(out, ct, sizeof ct, tag, aad, sizeof aad, nonce, key);
            fields[f][bit / 8] ^= (uint8_t)(1u << (bit % 8));
            CHECK_MSG(rc == PQCE_ERR_DECRYPT, "field %zu bit %zu accepted", f, bit);
            CHECK_MSG(all_zero(out, sizeof out), "field %zu bit %zu released plaintext", f, bit);
        }
    }
    CHECK_OK(pqce_aes256gcm_open(out, ct, sizeof ct, tag, aad, sizeof aad, nonce, key));
    CHECK_MEM_EQ(out, msg, sizeof msg);
}

static void test_truncated_ciphertext_is_rejected(void)
{
    uint8_t key[32] = {9}, nonce[12] = {8}, msg[64] = {7}, ct[64], tag[16], out[64];
    CHECK_OK(pqce_aes256gcm_seal(ct, tag, msg, sizeof msg, NULL, 0, nonce, key));
    CHECK_RC(pqce_aes256gcm_open(out, ct, sizeof ct - 1, tag, NULL, 0, nonce, key),
             PQCE_ERR_DECRYPT);
}

static void test_key_object_reused_across_messages_and_directions(void)
{
    uint8_t key[32], msg[300], ct[300], out[300], tag[16], nonce[12] = {0};
    test_fill(key, sizeof key, "gcm reuse", 0);
    pqce_aes_gcm *g = NULL;
    CHECK_OK(pqce_aes_gcm_new(&g, key));
    for (uint8_t i = 0; i < 20; i++) {
        nonce[11] = i;
        test_fill(msg, sizeof msg, "gcm reuse msg", i);
        CHECK_OK(pqce_aes_gcm_seal(g, ct, tag, msg, sizeof msg, NULL, 0, nonce, 12));
        uint8_t ref_ct[300], ref_tag[16];
        CHECK_OK(pqce_aes256gcm_seal(ref_ct, ref_tag, msg, sizeof msg, NULL, 0, nonce, key));
        CHECK_MEM_EQ(ct, ref_ct, sizeof ct);
        CHECK_MEM_EQ(tag, ref_tag, sizeof tag);
        CHECK_OK(pqce_aes_gcm_open(g, out, ct, sizeof ct, tag, NULL, 0, nonce, 12));
        CHECK_MEM_EQ(out, msg, sizeof msg);
    }
    /* switching the IV length and back keeps results right */
    uint8_t iv16[16] = {1};
    CHECK_OK(pqce_aes_gcm_seal(g, ct, tag, msg, sizeof msg, NULL, 0, iv16, 16));
    CHECK_OK(pqce_aes_gcm_open(g, out, ct, sizeof ct, tag, NULL, 0, iv16, 16));
    CHECK_MEM_EQ(out, msg, sizeof msg);
    CHECK_RC(pqce_aes_gcm_open(g, out, ct, sizeof ct, tag, NULL, 0, iv16, 12), PQCE_ERR_DECRYPT);
    pqce_aes_gcm_free(g);
}

static void test_zero_length_and_oversized_iv_are_refused(void)
{
    uint8_t key[32] = {0}, iv[PQCE_GCM_IV_MAX_BYTES + 1] = {0}, msg[4] = {1}, ct[4], tag[16];
    pqce_aes_gcm *g = NULL;
    CHECK_OK(pqce_aes_gcm_new(&g, key));
    CHECK_RC(pqce_aes_gcm_seal(g, ct, tag, msg, 4, NULL, 0, iv, 0), PQCE_ERR_INVALID_ARG);
    CHECK(all_zero(tag, sizeof tag));
    CHECK_RC(pqce_aes_gcm_seal(g, ct, tag, msg, 4, NULL, 0, iv, sizeof iv), PQCE_ERR_UNSUPPORTED);
    CHECK_OK(pqce_aes_gcm_seal(g, ct, tag, msg, 4, NULL, 0, iv, PQCE_GCM_IV_MAX_BYTES));
    pqce_aes_gcm_free(g);
}

static void test_calls_out_of_sequence_are_state_errors(void)
{
    uint8_t key[32] = {0}, nonce[12] = {0}, buf[16] = {0}, tag[16] = {0};
    pqce_aes_gcm *g = NULL;
    CHECK_OK(pqce_aes_gcm_new(&g, key));
    CHECK_RC(pqce_aes_gcm_update(g, buf, buf, sizeof buf), PQCE_ERR_STATE);
    CHECK_RC(pqce_aes_gcm_finish_seal(g, tag), PQCE_ERR_STATE);
    CHECK_OK(pqce_aes_gcm_begin(g, 1, nonce, 12, NULL, 0));
    CHECK_RC(pqce_aes_gcm_finish_open(g, tag), PQCE_ERR_STATE);
    CHECK_OK(pqce_aes_gcm_begin(g, 0, nonce, 12, NULL, 0));
    CHECK_RC(pqce_aes_gcm_finish_seal(g, tag), PQCE_ERR_STATE);
    pqce_aes_gcm_free(g);
}

static void test_null_arguments_are_invalid(void)
{
    uint8_t key[32] = {0}, nonce[12] = {0}, buf[16] = {0}, tag[16] = {0};
    pqce_aes_gcm *g = NULL;
    CHECK_RC(pqce_aes_gcm_new(NULL, key), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_aes_gcm_new(&g, NULL), PQCE_ERR_INVALID_ARG);
    CHECK(g == NULL);
    CHECK_RC(pqce_aes256gcm_seal(NULL, tag, buf, 16, NULL, 0, nonce, key), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_aes256gcm_seal(buf, NULL, buf, 16, NULL, 0, nonce, key), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_aes256gcm_seal(buf, tag, buf, 16, NULL, 3, nonce, key), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_aes256gcm_open(buf, buf, 16, NULL, NULL, 0, nonce, key), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_aes256gcm_open(buf, buf, 16, tag, NULL, 0, NULL, key), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_aes256gcm_open(buf, buf, 16, tag, NULL, 0, nonce, NULL), PQCE_ERR_INVALID_ARG);
    pqce_aes_gcm_free(NULL);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_incremental_seal_matches_oneshot_for_every_split),
        TEST_CASE(test_in_place_seal_and_open),
        TEST_CASE(test_empty_message_authenticates_aad),
        TEST_CASE(test_open_rejects_any_flipped_bit_and_wipes_output),
        TEST_CASE(test_truncated_ciphertext_is_rejected),
        TEST_CASE(test_key_object_reused_across_messages_and_directions),
        TEST_CASE(test_zero_length_and_oversized_iv_are_refused),
        TEST_CASE(test_calls_out_of_sequence_are_state_errors),
        TEST_CASE(test_null_arguments_are_invalid),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
