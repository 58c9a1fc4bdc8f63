/*
 * test_vectors_xwing.c - X-Wing against the draft's three vectors
 * (xwing/test-vectors.json) and the ten MLKEM768-X25519 vectors of
 * draft-irtf-cfrg-concrete-hybrid-kems (identical construction).
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/xwing.h"
#include "test.h"
#include "vectors.h"

struct xwing_case {
    const char *seed, *eseed, *pk, *ct, *ss, *sk_pq, *sk_x;
};

/* Runs one vector: keygen from the seed, encaps with eseed, decaps. */
static int run_case(json_object *tc, const struct xwing_case *f)
{
    size_t seed_len, eseed_len, pk_len, ct_len, ss_len;
    uint8_t *seed = vec_hex(tc, f->seed, &seed_len);
    uint8_t *eseed = vec_hex(tc, f->eseed, &eseed_len);
    uint8_t *pk = vec_hex(tc, f->pk, &pk_len);
    uint8_t *ct = vec_hex(tc, f->ct, &ct_len);
    uint8_t *ss = vec_hex(tc, f->ss, &ss_len);
    static uint8_t got_pk[PQCE_XWING_PK_BYTES], got_ct[PQCE_XWING_CT_BYTES];
    uint8_t got_ss[32], got_ss2[32];
    pqce_xwing_expanded exp;
    int ok = seed && eseed && pk && ct && ss && seed_len == 32 && eseed_len == 64 &&
             pk_len == PQCE_XWING_PK_BYTES && ct_len == PQCE_XWING_CT_BYTES && ss_len == 32 &&
             pqce_xwing_expand(&exp, got_pk, seed) == PQCE_OK && memcmp(got_pk, pk, pk_len) == 0 &&
             pqce_xwing_encaps_derand(got_ct, got_ss, pk, eseed) == PQCE_OK &&
             memcmp(got_ct, ct, ct_len) == 0 && memcmp(got_ss, ss, 32) == 0 &&
             pqce_xwing_decaps(got_ss2, ct, &exp) == PQCE_OK && memcmp(got_ss2, ss, 32) == 0;
    if (ok && f->sk_pq != NULL) {
        /* the intermediate values: ML-KEM seed d || z and the X25519 scalar */
        size_t pq_len, x_len;
        uint8_t *pq = vec_hex(tc, f->sk_pq, &pq_len), *x = vec_hex(tc, f->sk_x, &x_len);
        uint8_t expanded[96];
        ok = pqce_shake256(expanded, sizeof expanded, seed, 32) == PQCE_OK;
        ok = ok && pq && x && pq_len == 64 && x_len == 32 && memcmp(expanded, pq, 64) == 0 &&
             memcmp(exp.sk_x, x, 32) == 0;
        free(pq);
        free(x);
    }
    pqce_memzero(&exp, sizeof exp);
    free(seed);
    free(eseed);
    free(pk);
    free(ct);
    free(ss);
    return ok;
}

static void test_xwing_draft_vectors(void)
{
    json_object *root = vec_load_json("xwing/test-vectors.json");
    CHECK(root != NULL);
    static const struct xwing_case f = {"seed", "eseed", "pk", "ct", "ss", NULL, NULL};
    size_t passed = 0;
    for (size_t i = 0; i < json_object_array_length(root); i++) {
        json_object *tc = json_object_array_get_idx(root, i);
        CHECK_MSG(strcmp(vec_str(tc, "sk"), vec_str(tc, "seed")) == 0, "vector %zu: sk != seed", i);
        CHECK_MSG(run_case(tc, &f), "X-Wing draft vector %zu failed", i);
        passed++;
    }
    json_object_put(root);
    CHECK(passed == 3);
    CHECK(vec_report("xwing/test-vectors.json", passed, 0, NULL));
}

static void test_concrete_hybrid_kems_mlkem768_x25519(void)
{
    json_object *root = vec_load_json("xwing/concrete-hybrid-kems/test-vectors.json"), *list = NULL;
    CHECK(root != NULL);
    CHECK(json_object_object_get_ex(root, "mlkem768_x25519", &list));
    static const struct xwing_case f = {
        "seed",          "randomness",           "encapsulation_key",  "ciphertext",
        "shared_secret", "decapsulation_key_pq", "decapsulation_key_t"};
    size_t passed = 0;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        CHECK_MSG(run_case(json_object_array_get_idx(list, i), &f),
                  "MLKEM768-X25519 vector %zu failed", i);
        passed++;
    }
    json_object_put(root);
    CHECK(passed == 10);
    CHECK(vec_report("xwing/concrete-hybrid-kems mlkem768_x25519", passed, 0, NULL));
}

/* A low-order X25519 point in the ciphertext is refused, not silently
 * turned into a predictable secret. */
static void test_decaps_refuses_low_order_x25519_ciphertext(void)
{
    uint8_t seed[32] = {7}, pk[PQCE_XWING_PK_BYTES], eseed[64] = {9}, ct[PQCE_XWING_CT_BYTES];
    uint8_t ss[32], ss2[32];
    pqce_xwing_expanded exp;
    CHECK_OK(pqce_xwing_expand(&exp, pk, seed));
    CHECK_OK(pqce_xwing_encaps_derand(ct, ss, pk, eseed));
    CHECK_OK(pqce_xwing_decaps(ss2, ct, &exp));
    CHECK_MEM_EQ(ss, ss2, 32);
    memset(ct + PQCE_MLKEM768_CT_BYTES, 0, 32); /* the point 0 has order 4 */
    CHECK_RC(pqce_xwing_decaps(ss2, ct, &exp), PQCE_ERR_INVALID_KEY);
    memset(pk + PQCE_MLKEM768_EK_BYTES, 0, 32);
    CHECK_RC(pqce_xwing_encaps_derand(ct, ss, pk, eseed), PQCE_ERR_INVALID_KEY);
    pqce_memzero(&exp, sizeof exp);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_xwing_draft_vectors),
        TEST_CASE(test_concrete_hybrid_kems_mlkem768_x25519),
        TEST_CASE(test_decaps_refuses_low_order_x25519_ciphertext),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
