/*
 * test_vault.c - the vault: the seed SDK's 32 behaviours in their intended
 * meaning (INVENTORY.md section 3; no test injects private state) and the
 * negative cases of the vault issue.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"
#include "vault_fixture.h"

/* ---- fixtures -------------------------------------------------------------- */

typedef vault_fixture fixture;

/* The seed's conftest: device "iphone-alice-test", model "iphone-15-pro". */
static int fixture_up(fixture *f)
{
    return vault_fixture_up(f, "iphone-alice-test", "iphone-15-pro");
}

static void fixture_down(fixture *f)
{
    vault_fixture_down(f);
}

static pqce_metadata meta_of(const char *name, pqce_kind kind)
{
    return vault_meta(name, kind);
}

/* Reads name_or_id fully into a malloc'd buffer. */
static int get_all(pqce_vault *v, const char *name_or_id, const char *caller, uint8_t **out,
                   size_t *len)
{
    size_t need = 0;
    *out = NULL;
    int ret = pqce_vault_get(v, name_or_id, caller, NULL, 0, &need);
    if (ret != PQCE_OK && !(ret == PQCE_ERR_INVALID_ARG && need > 0)) {
        return ret;
    }
    *out = malloc(need + 1);
    if (*out == NULL) {
        return PQCE_ERR_NOMEM;
    }
    ret = pqce_vault_get(v, name_or_id, caller, *out, need, len);
    if (ret != PQCE_OK) {
        free(*out);
        *out = NULL;
    }
    return ret;
}

/* ---- the seed's artifact and enum behaviours (1-4) ----------------------------- */

static const char *const prod_int4[] = {"prod", "int4"};

/* 1: metadata keeps kind "model-weights", tags [prod, int4], name and size. */
static void test_metadata_round_trips_through_the_vault(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    uint8_t content[1024];
    test_fill(content, sizeof content, "meta", 0);
    pqce_metadata m = meta_of("llama", PQCE_KIND_MODEL_WEIGHTS);
    m.tags = prod_int4;
    m.tag_count = 2;
    m.version = "1.0.0";
    m.app_bundle_id = "com.example.localllm";
    m.model_did = "did:example:llama";
    m.description = "weights";
    pqce_artifact_ref ref;
    CHECK_OK(pqce_vault_put(f.vault, &ref, &m, content, sizeof content, 0));
    CHECK(ref.size == 1024);
    pqce_artifact_list *l = NULL;
    CHECK_OK(pqce_vault_stat(f.vault, &l, "llama"));
    const pqce_artifact_entry *e = pqce_artifact_list_at(l, 0);
    CHECK(e != NULL && strcmp(pqce_kind_name(e->meta.kind), "model-weights") == 0);
    CHECK(e->meta.tag_count == 2 && strcmp(e->meta.tags[0], "prod") == 0 &&
          strcmp(e->meta.tags[1], "int4") == 0);
    CHECK(strcmp(e->meta.name, "llama") == 0 && e->meta.size == 1024);
    CHECK(strcmp(e->meta.version, "1.0.0") == 0);
    CHECK(strcmp(e->meta.app_bundle_id, "com.example.localllm") == 0);
    CHECK(strcmp(e->meta.model_did, "did:example:llama") == 0);
    CHECK(strcmp(e->meta.device_id, "iphone-alice-test") == 0);
    CHECK(e->meta.created_ms > 1700000000000ull);
    CHECK(strcmp(e->id, ref.id) == 0 && strcmp(e->sha3_256_hex, ref.sha3_256_hex) == 0);
    pqce_artifact_list_free(l);
    fixture_down(&f);
}

/* 2: a saved artifact keeps its name, kind, content hash and id across a
 * save and a reopen (the seed's EncryptedArtifact round trip). */
static void test_artifact_record_round_trips_through_save(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    pqce_metadata m = meta_of("tok", PQCE_KIND_TOKENIZER);
    pqce_artifact_ref ref;
    CHECK_OK(pqce_vault_put(f.vault, &ref, &m, (const uint8_t *)"vocab", 5, 0));
    CHECK_OK(pqce_vault_save(f.vault));
    pqce_vault *v2 = NULL;
    CHECK_OK(pqce_vault_open(&v2, f.backend, f.store, NULL));
    CHECK_OK(pqce_vault_unlock(v2, 0));
    pqce_artifact_list *l = NULL;
    CHECK_OK(pqce_vault_stat(v2, &l, ref.id));
    const pqce_artifact_entry *e = pqce_artifact_list_at(l, 0);
    CHECK(e != NULL && strcmp(e->meta.name, "tok") == 0 && e->meta.kind == PQCE_KIND_TOKENIZER);
    CHECK(strcmp(e->sha3_256_hex, ref.sha3_256_hex) == 0);
    pqce_artifact_list_free(l);
    pqce_vault_free(v2);
    fixture_down(&f);
}

/* 3: the content hash is deterministic, 64 lower-case hex digits. */
static void test_content_hash_hex_is_deterministic(void)
{
    char a[PQCE_SHA3_HEX_BYTES], b[PQCE_SHA3_HEX_BYTES];
    CHECK_OK(pqce_content_hash_hex(a, (const uint8_t *)"weights", 7));
    CHECK_OK(pqce_content_hash_hex(b, (const uint8_t *)"weights", 7));
    CHECK(strcmp(a, b) == 0 && strlen(a) == 64);
    for (size_t i = 0; i < 64; i++) {
        CHECK((a[i] >= '0' && a[i] <= '9') || (a[i] >= 'a' && a[i] <= 'f'));
    }
    /* SHA3-256 of 4096 bytes of 0x11 (the device_attestation example) */
    uint8_t x[4096];
    memset(x, 0x11, sizeof x);
    CHECK_OK(pqce_content_hash_hex(a, x, sizeof x));
    CHECK(strcmp(a, "82ba103c03f4db6fc5f3c5723cd881d7d2c43d20d7b1776506ea7020b93170fb") == 0);
}

/* 4: every kind parses from its string. */
static void test_artifact_kind_strings_round_trip(void)
{
    pqce_kind k;
    for (unsigned i = 0; i < PQCE_KIND_COUNT; i++) {
        CHECK_OK(pqce_kind_from_name(&k, pqce_kind_name((pqce_kind)i)));
        CHECK(k == (pqce_kind)i);
    }
    CHECK_OK(pqce_kind_from_name(&k, "model-weights"));
    CHECK(k == PQCE_KIND_MODEL_WEIGHTS);
    CHECK(strcmp(pqce_kind_name(PQCE_KIND_CREDENTIAL), "credential") == 0);
}

/* ---- audit (9-12) ------------------------------------------------------------- */

static size_t count_ops(pqce_vault *v, const char *op)
{
    pqce_audit_query q = {PQCE_AUDIT_QUERY_VERSION, op, NULL, NULL, 1000};
    pqce_audit_list *l = NULL;
    if (pqce_vault_audit_query(v, &l, &q) != PQCE_OK) {
        return (size_t)-1;
    }
    size_t n = pqce_audit_list_count(l);
    pqce_audit_list_free(l);
    return n;
}

/* 9: unlock is audited with the device and the key id. */
static void test_unlock_is_audited_with_the_key_id(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    char key_id[PQCE_KEY_ID_BYTES];
    CHECK_OK(pqce_vault_key_id(f.vault, key_id));
    CHECK(strncmp(key_id, PQCE_KEY_ID_PREFIX, strlen(PQCE_KEY_ID_PREFIX)) == 0);
    pqce_audit_query q = {PQCE_AUDIT_QUERY_VERSION, "unlock", NULL, NULL, 0};
    pqce_audit_list *l = NULL;
    CHECK_OK(pqce_vault_audit_query(f.vault, &l, &q));
    CHECK(pqce_audit_list_count(l) >= 1);
    const pqce_audit_entry *e = pqce_audit_list_at(l, 0);
    CHECK(strcmp(e->operation, "unlock") == 0 && e->success);
    CHECK(strcmp(e->device_id, "iphone-alice-test") == 0);
    CHECK(strstr(e->details, key_id) != NULL);
    pqce_audit_list_free(l);
    fixture_down(&f);
}

/* 10, 11: put records id, name and kind; a query by operation finds it. */
static void test_put_is_audited_with_id_name_and_kind(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    pqce_metadata m = meta_of("adapter", PQCE_KIND_LORA_ADAPTER);
    pqce_artifact_ref ref;
    CHECK_OK(pqce_vault_put(f.vault, &ref, &m, (const uint8_t *)"w", 1, 0));
    uint8_t *out;
    size_t len;
    CHECK_OK(get_all(f.vault, "adapter", NULL, &out, &len));
    free(out);
    CHECK_OK(pqce_vault_lock(f.vault));
    CHECK_OK(pqce_vault_unlock(f.vault, 0));
    pqce_audit_query q = {PQCE_AUDIT_QUERY_VERSION, "put", NULL, NULL, 0};
    pqce_audit_list *l = NULL;
    CHECK_OK(pqce_vault_audit_query(f.vault, &l, &q));
    CHECK(pqce_audit_list_count(l) == 1);
    const pqce_audit_entry *e = pqce_audit_list_at(l, 0);
    CHECK(strcmp(e->artifact_id, ref.id) == 0 && strcmp(e->artifact_name, "adapter") == 0 &&
          strcmp(e->artifact_kind, "lora-adapter") == 0);
    pqce_audit_list_free(l);
    CHECK(count_ops(f.vault, "get") == 1);
    CHECK(count_ops(f.vault, "lock") == 1);
    fixture_down(&f);
}

/* 12: a query by device returns only that device's records. */
static void test_audit_query_filters_by_device(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    pqce_audit_query q = {PQCE_AUDIT_QUERY_VERSION, NULL, "iphone-alice-test", NULL, 0};
    pqce_audit_list *l = NULL;
    CHECK_OK(pqce_vault_audit_query(f.vault, &l, &q));
    CHECK(pqce_audit_list_count(l) >= 1);
    pqce_audit_list_free(l);
    q.device_id = "someone-else";
    CHECK_OK(pqce_vault_audit_query(f.vault, &l, &q));
    CHECK(pqce_audit_list_count(l) == 0);
    pqce_audit_list_free(l);
    fixture_down(&f);
}

/* ---- integration (16-18) -------------------------------------------------------- */

/* 16 and 32: unlock, put, save, lock, free; a new vault over the same
 * backend and store unlocks and gets the same bytes - no injected state. */
static void test_full_lifecycle_survives_lock_and_a_new_handle(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    uint8_t weights[512];
    test_fill(weights, sizeof weights, "lifecycle", 0);
    pqce_metadata m = meta_of("llama-3.2-1b-int4", PQCE_KIND_MODEL_WEIGHTS);
    m.version = "1.0.0";
    m.app_bundle_id = "com.example.localllm";
    CHECK_OK(pqce_vault_put(f.vault, NULL, &m, weights, sizeof weights, 0));
    CHECK_OK(pqce_vault_save(f.vault));
    CHECK_OK(pqce_vault_lock(f.vault));
    pqce_vault_free(f.vault);
    f.vault = NULL;

    pqce_vault *v2 = NULL;
    CHECK_OK(pqce_vault_open(&v2, f.backend, f.store, NULL));
    CHECK(!pqce_vault_is_unlocked(v2));
    CHECK_OK(pqce_vault_unlock(v2, 0));
    uint8_t *out;
    size_t len;
    CHECK_OK(get_all(v2, "llama-3.2-1b-int4", NULL, &out, &len));
    CHECK(len == sizeof weights);
    CHECK_MEM_EQ(out, weights, len);
    free(out);
    pqce_vault_free(v2);
    fixture_down(&f);
}

/* 17, 25, 26: every artifact operation on a locked vault is PQCE_ERR_LOCKED. */
static void test_locked_vault_refuses_every_operation(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    pqce_metadata m = meta_of("x", PQCE_KIND_OTHER);
    CHECK_OK(pqce_vault_put(f.vault, NULL, &m, (const uint8_t *)"1", 1, 0));
    CHECK_OK(pqce_vault_lock(f.vault));
    CHECK(!pqce_vault_is_unlocked(f.vault));
    uint8_t buf[8];
    size_t len;
    pqce_artifact_list *l = NULL;
    pqce_reader *r = NULL;
    pqce_attestation *att = NULL;
    CHECK_RC(pqce_vault_put(f.vault, NULL, &m, (const uint8_t *)"1", 1, 0), PQCE_ERR_LOCKED);
    CHECK_RC(pqce_vault_get(f.vault, "x", NULL, buf, sizeof buf, &len), PQCE_ERR_LOCKED);
    CHECK_RC(pqce_vault_delete(f.vault, "x"), PQCE_ERR_LOCKED);
    CHECK_RC(pqce_vault_list(f.vault, &l, PQCE_KIND_ANY), PQCE_ERR_LOCKED);
    CHECK_RC(pqce_vault_save(f.vault), PQCE_ERR_LOCKED); /* W6: no save while locked */
    CHECK_RC(pqce_vault_open_artifact(f.vault, &r, "x", NULL), PQCE_ERR_LOCKED);
    CHECK_RC(pqce_vault_attest(f.vault, &att, "x", NULL, 0), PQCE_ERR_LOCKED);
    CHECK(strstr(pqce_vault_error_detail(f.vault), "locked") != NULL);
    fixture_down(&f);
}

/* 18: an attestation over a stored artifact verifies against the vault's
 * key; a zeroed content hash does not; delete by id, then get by id is
 * "unknown artifact". */
static void test_attestation_over_a_stored_artifact(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    uint8_t model[777];
    test_fill(model, sizeof model, "safety", 0);
    pqce_metadata m = meta_of("safety", PQCE_KIND_SAFETY_MODEL);
    pqce_artifact_ref ref;
    CHECK_OK(pqce_vault_put(f.vault, &ref, &m, model, sizeof model, 0));
    pqce_attestation *att = NULL;
    uint8_t nonce[16] = {1, 2, 3};
    CHECK_OK(pqce_vault_attest(f.vault, &att, ref.id, nonce, sizeof nonce));
    uint8_t pk[PQCE_MLDSA87_PK_BYTES];
    size_t pk_len;
    unsigned alg;
    CHECK_OK(pqce_vault_attestation_key(f.vault, &alg, pk, sizeof pk, &pk_len));
    CHECK(alg == 65 && pk_len == PQCE_MLDSA65_PK_BYTES);
    CHECK_OK(pqce_attestation_verify(att, pk, pk_len, nonce, sizeof nonce));
    pqce_attestation_fields af;
    CHECK_OK(pqce_attestation_fields_get(att, &af));
    CHECK(strcmp(af.artifact_id, ref.id) == 0 && strcmp(af.device_id, "iphone-alice-test") == 0);
    CHECK(strcmp(af.device_model, "iphone-15-pro") == 0);
    char hex[PQCE_SHA3_HEX_BYTES];
    CHECK_OK(pqce_content_hash_hex(hex, model, sizeof model));
    CHECK(strcmp(hex, ref.sha3_256_hex) == 0);
    /* the content hash zeroed: encode, change, decode, verify */
    uint8_t enc[16384];
    size_t enc_len;
    CHECK_OK(pqce_attestation_encode(att, enc, sizeof enc, &enc_len));
    uint8_t *h = NULL;
    for (size_t i = 0; i + 32 <= enc_len && h == NULL; i++) {
        if (memcmp(enc + i, af.content_sha3_256, 32) == 0) {
            h = enc + i;
        }
    }
    CHECK(h != NULL);
    memset(h, 0, 32);
    pqce_attestation *forged = NULL;
    CHECK_OK(pqce_attestation_decode(&forged, enc, enc_len));
    CHECK_RC(pqce_attestation_verify(forged, pk, pk_len, nonce, sizeof nonce),
             PQCE_ERR_ATTESTATION);
    pqce_attestation_free(forged);
    pqce_attestation_free(att);
    CHECK_OK(pqce_vault_delete(f.vault, ref.id));
    uint8_t buf[1];
    size_t len;
    CHECK_RC(pqce_vault_get(f.vault, ref.id, NULL, buf, 0, &len), PQCE_ERR_NOT_FOUND);
    fixture_down(&f);
}

/* ---- policy (19-22) ---------------------------------------------------------------- */

static void test_policy_allow_lists_and_defaults(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    pqce_metadata m = meta_of("api-key", PQCE_KIND_CREDENTIAL);
    CHECK_OK(pqce_vault_put(f.vault, NULL, &m, (const uint8_t *)"sk-test-abc", 11, 0));
    uint8_t *out;
    size_t len;
    /* 19: no rule allows every caller */
    CHECK_OK(get_all(f.vault, "api-key", "com.any.app", &out, &len));
    free(out);
    /* 20, 22: an allow-listed caller passes, another is denied */
    static const char *const allowed[] = {"com.example.chatapp"};
    pqce_policy_rule rule = {PQCE_KIND_CREDENTIAL, allowed, 1, 0, 0};
    CHECK_OK(pqce_vault_policy_set(f.vault, &rule));
    CHECK_OK(get_all(f.vault, "api-key", "com.example.chatapp", &out, &len));
    free(out);
    CHECK_RC(get_all(f.vault, "api-key", "com.evil.app", &out, &len), PQCE_ERR_POLICY);
    CHECK(strstr(pqce_vault_error_detail(f.vault), "com.evil.app") != NULL);
    CHECK_RC(get_all(f.vault, "api-key", NULL, &out, &len), PQCE_ERR_POLICY);
    CHECK(count_ops(f.vault, "policy_violation") == 2);
    /* 21: an empty allow list allows every caller */
    pqce_policy_rule open_rule = {PQCE_KIND_CREDENTIAL, NULL, 0, 0, 0};
    CHECK_OK(pqce_vault_policy_set(f.vault, &open_rule));
    CHECK_OK(get_all(f.vault, "api-key", "com.evil.app", &out, &len));
    free(out);
    /* other kinds are not affected by the credential rule */
    pqce_policy_rule got;
    CHECK_OK(pqce_vault_policy_get(f.vault, PQCE_KIND_CREDENTIAL, &got));
    CHECK_RC(pqce_vault_policy_get(f.vault, PQCE_KIND_TOKENIZER, &got), PQCE_ERR_NOT_FOUND);
    fixture_down(&f);
}

static void test_policy_rate_limit_counts_the_last_hour(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    pqce_metadata m = meta_of("token", PQCE_KIND_CREDENTIAL);
    CHECK_OK(pqce_vault_put(f.vault, NULL, &m, (const uint8_t *)"t", 1, 0));
    pqce_policy_rule rule = {PQCE_KIND_CREDENTIAL, NULL, 0, 0, 2};
    CHECK_OK(pqce_vault_policy_set(f.vault, &rule));
    uint8_t *out;
    size_t len;
    CHECK_OK(get_all(f.vault, "token", "com.a", &out, &len));
    free(out);
    CHECK_OK(get_all(f.vault, "token", "com.a", &out, &len));
    free(out);
    CHECK_RC(get_all(f.vault, "token", "com.a", &out, &len), PQCE_ERR_POLICY);
    CHECK(strstr(pqce_vault_error_detail(f.vault), "rate limit") != NULL);
    /* another caller has its own window */
    CHECK_OK(get_all(f.vault, "token", "com.b", &out, &len));
    free(out);
    /* the window survives a new handle (it is read from the audit log) */
    CHECK_OK(pqce_vault_save(f.vault));
    pqce_vault *v2 = NULL;
    CHECK_OK(pqce_vault_open(&v2, f.backend, f.store, NULL));
    CHECK_OK(pqce_vault_unlock(v2, 0));
    CHECK_RC(get_all(v2, "token", "com.a", &out, &len), PQCE_ERR_POLICY);
    pqce_vault_free(v2);
    fixture_down(&f);
}

static void test_policy_require_biometric_asks_the_backend(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    pqce_metadata m = meta_of("face", PQCE_KIND_BIOMETRIC_TEMPLATE);
    CHECK_OK(pqce_vault_put(f.vault, NULL, &m, (const uint8_t *)"f", 1, 0));
    pqce_policy_rule rule = {PQCE_KIND_BIOMETRIC_TEMPLATE, NULL, 0, 1, 0};
    CHECK_OK(pqce_vault_policy_set(f.vault, &rule));
    uint8_t *out;
    size_t len;
    CHECK_OK(pqce_backend_memory_set_presence(f.backend, 1));
    CHECK_OK(get_all(f.vault, "face", "com.a", &out, &len));
    free(out);
    CHECK_OK(pqce_backend_memory_set_presence(f.backend, 0));
    CHECK_RC(get_all(f.vault, "face", "com.a", &out, &len), PQCE_ERR_POLICY);
    CHECK(strstr(pqce_vault_error_detail(f.vault), "presence") != NULL);
    fixture_down(&f);
}

/* ---- vault (23-32) ------------------------------------------------------------------ */

/* 23, 24 */
static void test_unlock_and_lock_change_the_state(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    CHECK(pqce_vault_is_unlocked(f.vault));
    CHECK_OK(pqce_vault_lock(f.vault));
    CHECK(!pqce_vault_is_unlocked(f.vault));
    CHECK_OK(pqce_vault_lock(f.vault)); /* locking twice is fine */
    CHECK_OK(pqce_vault_unlock(f.vault, 0));
    CHECK(pqce_vault_is_unlocked(f.vault));
    fixture_down(&f);
}

/* 27, 28, 29 */
static void test_put_get_by_name_and_id_preserves_content_and_kind(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    uint8_t content[3000];
    test_fill(content, sizeof content, "roundtrip", 0);
    pqce_metadata m = meta_of("adapter", PQCE_KIND_LORA_ADAPTER);
    pqce_artifact_ref ref;
    CHECK_OK(pqce_vault_put(f.vault, &ref, &m, content, sizeof content, 0));
    CHECK(strncmp(ref.id, PQCE_ARTIFACT_ID_PREFIX, strlen(PQCE_ARTIFACT_ID_PREFIX)) == 0);
    CHECK(strlen(ref.id) == strlen(PQCE_ARTIFACT_ID_PREFIX) + 32);
    CHECK(ref.size == sizeof content);
    uint8_t *out;
    size_t len;
    CHECK_OK(get_all(f.vault, "adapter", NULL, &out, &len));
    CHECK(len == sizeof content);
    CHECK_MEM_EQ(out, content, len);
    free(out);
    CHECK_OK(get_all(f.vault, ref.id, NULL, &out, &len));
    CHECK_MEM_EQ(out, content, len);
    free(out);
    pqce_artifact_list *l = NULL;
    CHECK_OK(pqce_vault_stat(f.vault, &l, ref.id));
    CHECK(pqce_artifact_list_at(l, 0)->meta.kind == PQCE_KIND_LORA_ADAPTER);
    pqce_artifact_list_free(l);
    /* a buffer that is too small is an error that says the size */
    uint8_t small[10];
    CHECK_RC(pqce_vault_get(f.vault, "adapter", NULL, small, sizeof small, &len),
             PQCE_ERR_INVALID_ARG);
    CHECK(len == sizeof content);
    fixture_down(&f);
}

/* 30: delete by name removes it under both its name and its id. */
static void test_delete_removes_name_and_id(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    pqce_metadata m = meta_of("gone", PQCE_KIND_OTHER);
    pqce_artifact_ref ref;
    CHECK_OK(pqce_vault_put(f.vault, &ref, &m, (const uint8_t *)"x", 1, 0));
    CHECK_OK(pqce_vault_delete(f.vault, "gone"));
    uint8_t *out;
    size_t len;
    CHECK_RC(get_all(f.vault, "gone", NULL, &out, &len), PQCE_ERR_NOT_FOUND);
    CHECK_RC(get_all(f.vault, ref.id, NULL, &out, &len), PQCE_ERR_NOT_FOUND);
    CHECK_RC(pqce_vault_delete(f.vault, "gone"), PQCE_ERR_NOT_FOUND);
    CHECK(strstr(pqce_vault_error_detail(f.vault), "no artifact 'gone'") != NULL);
    fixture_down(&f);
}

/* 31: three puts list three unique artifacts; list filters by kind. */
static void test_list_returns_unique_metadata_and_filters_by_kind(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    const char *names[] = {"c", "a", "b"};
    pqce_kind kinds[] = {PQCE_KIND_TOKENIZER, PQCE_KIND_CREDENTIAL, PQCE_KIND_TOKENIZER};
    for (int i = 0; i < 3; i++) {
        pqce_metadata m = meta_of(names[i], kinds[i]);
        CHECK_OK(pqce_vault_put(f.vault, NULL, &m, (const uint8_t *)"x", 1, 0));
    }
    pqce_artifact_list *l = NULL;
    CHECK_OK(pqce_vault_list(f.vault, &l, PQCE_KIND_ANY));
    CHECK(pqce_artifact_list_count(l) == 3);
    CHECK(strcmp(pqce_artifact_list_at(l, 0)->meta.name, "a") == 0);
    CHECK(strcmp(pqce_artifact_list_at(l, 2)->meta.name, "c") == 0);
    CHECK(strcmp(pqce_artifact_list_at(l, 0)->id, pqce_artifact_list_at(l, 1)->id) != 0);
    CHECK(pqce_artifact_list_at(l, 3) == NULL);
    pqce_artifact_list_free(l);
    CHECK_OK(pqce_vault_list(f.vault, &l, PQCE_KIND_TOKENIZER));
    CHECK(pqce_artifact_list_count(l) == 2);
    pqce_artifact_list_free(l);
    CHECK_RC(pqce_vault_list(f.vault, &l, 42), PQCE_ERR_INVALID_ARG);
    fixture_down(&f);
}

/* ---- the seed's weaknesses, fixed ------------------------------------------------------ */

/* W3: unlocking again never discards unsaved changes. */
static void test_unlocking_again_keeps_unsaved_changes(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    pqce_metadata m = meta_of("draft", PQCE_KIND_OTHER);
    CHECK_OK(pqce_vault_put(f.vault, NULL, &m, (const uint8_t *)"d", 1, 0));
    CHECK(pqce_vault_has_unsaved_changes(f.vault));
    CHECK_OK(pqce_vault_unlock(f.vault, 0));
    CHECK_OK(pqce_vault_lock(f.vault));
    CHECK_OK(pqce_vault_unlock(f.vault, 0));
    uint8_t *out;
    size_t len;
    CHECK_OK(get_all(f.vault, "draft", NULL, &out, &len));
    free(out);
    CHECK_OK(pqce_vault_save(f.vault));
    CHECK(!pqce_vault_has_unsaved_changes(f.vault));
    fixture_down(&f);
}

/* W4: a name is unique: a second put is a new version; "fail if exists" is
 * an error; a lookup never confuses a name with an id. */
static void test_names_are_unique_and_never_confused_with_ids(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    pqce_metadata m = meta_of("model", PQCE_KIND_MODEL_WEIGHTS);
    pqce_artifact_ref v1, v2;
    CHECK_OK(pqce_vault_put(f.vault, &v1, &m, (const uint8_t *)"one", 3, 0));
    CHECK_OK(pqce_vault_save(f.vault));
    CHECK_OK(pqce_vault_put(f.vault, &v2, &m, (const uint8_t *)"two", 3, 0));
    CHECK(strcmp(v1.id, v2.id) != 0);
    CHECK_RC(
        pqce_vault_put(f.vault, NULL, &m, (const uint8_t *)"three", 5, PQCE_PUT_FAIL_IF_EXISTS),
        PQCE_ERR_EXISTS);
    pqce_artifact_list *l = NULL;
    CHECK_OK(pqce_vault_list(f.vault, &l, PQCE_KIND_ANY));
    CHECK(pqce_artifact_list_count(l) == 1);
    pqce_artifact_list_free(l);
    uint8_t *out;
    size_t len;
    CHECK_OK(get_all(f.vault, "model", NULL, &out, &len));
    CHECK(len == 3 && memcmp(out, "two", 3) == 0);
    free(out);
    CHECK_RC(get_all(f.vault, v1.id, NULL, &out, &len), PQCE_ERR_NOT_FOUND);
    CHECK_RC(get_all(f.vault, "name:model", NULL, &out, &len), PQCE_ERR_NOT_FOUND);
    /* names that look like ids are refused */
    pqce_metadata bad = meta_of(v2.id, PQCE_KIND_OTHER);
    CHECK_RC(pqce_vault_put(f.vault, NULL, &bad, (const uint8_t *)"x", 1, 0), PQCE_ERR_INVALID_ARG);
    CHECK_OK(pqce_vault_save(f.vault));
    fixture_down(&f);
}

/* W6: an expired session is locked and its secrets are gone. */
static void test_expired_session_is_locked(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    CHECK_OK(pqce_vault_lock(f.vault));
    CHECK_OK(pqce_vault_unlock(f.vault, 1));
    CHECK(pqce_vault_is_unlocked(f.vault));
    usleep(1100 * 1000);
    CHECK(!pqce_vault_is_unlocked(f.vault));
    pqce_artifact_list *l = NULL;
    CHECK_RC(pqce_vault_list(f.vault, &l, PQCE_KIND_ANY), PQCE_ERR_LOCKED);
    CHECK_RC(pqce_vault_unlock(f.vault, -1), PQCE_ERR_INVALID_ARG);
    fixture_down(&f);
}

/* W12: bad input is a clear error and loses nothing. */
static void test_invalid_input_is_rejected(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    pqce_metadata empty = meta_of("", PQCE_KIND_OTHER);
    CHECK_RC(pqce_vault_put(f.vault, NULL, &empty, (const uint8_t *)"x", 1, 0),
             PQCE_ERR_INVALID_ARG);
    pqce_metadata bad_kind = meta_of("k", (pqce_kind)99);
    CHECK_RC(pqce_vault_put(f.vault, NULL, &bad_kind, (const uint8_t *)"x", 1, 0),
             PQCE_ERR_INVALID_ARG);
    pqce_metadata ok = meta_of("k", PQCE_KIND_OTHER);
    CHECK_RC(pqce_vault_put(f.vault, NULL, &ok, (const uint8_t *)"x", 1, 0x80),
             PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_vault_put(f.vault, NULL, NULL, (const uint8_t *)"x", 1, 0), PQCE_ERR_INVALID_ARG);
    pqce_artifact_list *l = NULL;
    CHECK_OK(pqce_vault_list(f.vault, &l, PQCE_KIND_ANY));
    CHECK(pqce_artifact_list_count(l) == 0);
    pqce_artifact_list_free(l);
    fixture_down(&f);
}

/* Creating a vault where one exists is an error; opening an empty store too. */
static void test_create_and_open_check_the_store(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    pqce_vault *v = NULL;
    CHECK_RC(pqce_vault_create(&v, f.backend, f.store, NULL), PQCE_ERR_EXISTS);
    pqce_store *empty = NULL;
    CHECK_OK(pqce_store_memory_new(&empty));
    CHECK_RC(pqce_vault_open(&v, f.backend, empty, NULL), PQCE_ERR_NOT_FOUND);
    pqce_store_free(empty);
    fixture_down(&f);
}

/* The recipient key exported by the vault seals artifacts that the vault
 * can read (the model-vendor flow, without any vault on the vendor side). */
static void test_recipient_key_opens_sealed_artifacts(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    uint8_t pk[PQCE_RECIPIENT_MAX_BYTES];
    size_t pk_len;
    uint16_t suite;
    CHECK_OK(pqce_vault_recipient(f.vault, &suite, pk, sizeof pk, &pk_len));
    CHECK(suite == PQCE_SUITE_MLKEM768 && pk_len == PQCE_MLKEM768_EK_BYTES);
    CHECK_OK(pqce_mlkem768_check_ek(pk));
    fixture_down(&f);
}

/* put from a pipe and from a callback, get to a descriptor, and a
 * random-access reader: the same bytes every way. */
static int chunked_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
    struct {
        const uint8_t *p;
        size_t left;
    } *src = ctx;
    size_t n = src->left < cap ? src->left : cap;
    n = n > 1000 ? 1000 : n;
    memcpy(buf, src->p, n);
    src->p += n;
    src->left -= n;
    *got = n;
    return 0;
}

static void test_put_from_fd_and_callback_get_to_fd_and_random_access(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    size_t n = 300000;
    uint8_t *content = malloc(n), *back = malloc(n);
    CHECK(content != NULL && back != NULL);
    test_fill(content, n, "streams", 0);
    FILE *in = tmpfile();
    CHECK(in != NULL && fwrite(content, 1, n, in) == n && fflush(in) == 0);
    rewind(in);
    pqce_metadata m = meta_of("from-fd", PQCE_KIND_MODEL_WEIGHTS);
    pqce_artifact_ref r1, r2;
    CHECK_OK(pqce_vault_put_fd(f.vault, &r1, &m, fileno(in), 0));
    fclose(in);
    struct {
        const uint8_t *p;
        size_t left;
    } src = {content, n};
    pqce_metadata m2 = meta_of("from-callback", PQCE_KIND_MODEL_WEIGHTS);
    CHECK_OK(pqce_vault_put_reader(f.vault, &r2, &m2, chunked_read, &src, 0));
    CHECK(strcmp(r1.sha3_256_hex, r2.sha3_256_hex) == 0 && r1.size == n && r2.size == n);
    CHECK_OK(pqce_vault_save(f.vault));
    FILE *out = tmpfile();
    CHECK(out != NULL);
    CHECK_OK(pqce_vault_get_fd(f.vault, "from-fd", NULL, fileno(out)));
    rewind(out);
    CHECK(fread(back, 1, n, out) == n);
    fclose(out);
    CHECK_MEM_EQ(back, content, n);
    pqce_reader *r = NULL;
    CHECK_OK(pqce_vault_open_artifact(f.vault, &r, "from-callback", NULL));
    CHECK_OK(pqce_vault_lock(f.vault)); /* the reader keeps working */
    uint8_t tensor[4096];
    CHECK_OK(pqce_reader_pread(r, tensor, sizeof tensor, 123457));
    CHECK_MEM_EQ(tensor, content + 123457, sizeof tensor);
    CHECK_OK(pqce_reader_verify(r));
    pqce_reader_free(r);
    free(content);
    free(back);
    fixture_down(&f);
}

/* A model vendor seals for the device's recipient key; the device imports
 * the file without re-encrypting it. A file sealed to another key is
 * refused. */
static void test_import_of_a_vendor_sealed_file(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    uint8_t pk[PQCE_RECIPIENT_MAX_BYTES];
    size_t pk_len;
    uint16_t suite;
    CHECK_OK(pqce_vault_recipient(f.vault, &suite, pk, sizeof pk, &pk_len));
    uint8_t model[20000];
    test_fill(model, sizeof model, "vendor", 0);
    pqce_recipient to = {suite, pk, pk_len};
    pqce_metadata m = meta_of("vendor-model", PQCE_KIND_MODEL_WEIGHTS);
    m.size = PQCE_SIZE_UNKNOWN;
    FILE *plain = tmpfile(), *sealed = tmpfile();
    CHECK(plain != NULL && sealed != NULL);
    CHECK(fwrite(model, 1, sizeof model, plain) == sizeof model && fflush(plain) == 0);
    rewind(plain);
    pqce_artifact_info info;
    CHECK_OK(pqce_seal_fd(NULL, fileno(sealed), &info, &m, &to, 1, fileno(plain)));
    pqce_artifact_ref ref;
    CHECK_OK(pqce_vault_import_fd(f.vault, &ref, fileno(sealed), 0));
    CHECK(ref.size == sizeof model);
    uint8_t *out;
    size_t len;
    CHECK_OK(get_all(f.vault, "vendor-model", NULL, &out, &len));
    CHECK(len == sizeof model);
    CHECK_MEM_EQ(out, model, len);
    free(out);
    CHECK_RC(pqce_vault_import_fd(f.vault, NULL, fileno(sealed), 0), PQCE_ERR_EXISTS);
    /* a file for another device */
    uint8_t other_seed[64] = {9}, other_pk[PQCE_MLKEM768_EK_BYTES];
    size_t other_len;
    CHECK_OK(pqce_identity_to_recipient(PQCE_SUITE_MLKEM768, other_pk, sizeof other_pk, &other_len,
                                        other_seed, sizeof other_seed));
    pqce_recipient other = {PQCE_SUITE_MLKEM768, other_pk, other_len};
    FILE *foreign = tmpfile();
    rewind(plain);
    CHECK_OK(pqce_seal_fd(NULL, fileno(foreign), NULL, &m, &other, 1, fileno(plain)));
    CHECK_RC(pqce_vault_import_fd(f.vault, NULL, fileno(foreign), 0), PQCE_ERR_DECRYPT);
    fclose(plain);
    fclose(sealed);
    fclose(foreign);
    fixture_down(&f);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_metadata_round_trips_through_the_vault),
        TEST_CASE(test_artifact_record_round_trips_through_save),
        TEST_CASE(test_content_hash_hex_is_deterministic),
        TEST_CASE(test_artifact_kind_strings_round_trip),
        TEST_CASE(test_unlock_is_audited_with_the_key_id),
        TEST_CASE(test_put_is_audited_with_id_name_and_kind),
        TEST_CASE(test_audit_query_filters_by_device),
        TEST_CASE(test_full_lifecycle_survives_lock_and_a_new_handle),
        TEST_CASE(test_locked_vault_refuses_every_operation),
        TEST_CASE(test_attestation_over_a_stored_artifact),
        TEST_CASE(test_policy_allow_lists_and_defaults),
        TEST_CASE(test_policy_rate_limit_counts_the_last_hour),
        TEST_CASE(test_policy_require_biometric_asks_the_backend),
        TEST_CASE(test_unlock_and_lock_change_the_state),
        TEST_CASE(test_put_get_by_name_and_id_preserves_content_and_kind),
        TEST_CASE(test_delete_removes_name_and_id),
        TEST_CASE(test_list_returns_unique_metadata_and_filters_by_kind),
        TEST_CASE(test_unlocking_again_keeps_unsaved_changes),
        TEST_CASE(test_names_are_unique_and_never_confused_with_ids),
        TEST_CASE(test_expired_session_is_locked),
        TEST_CASE(test_invalid_input_is_rejected),
        TEST_CASE(test_create_and_open_check_the_store),
        TEST_CASE(test_recipient_key_opens_sealed_artifacts),
        TEST_CASE(test_put_from_fd_and_callback_get_to_fd_and_random_access),
        TEST_CASE(test_import_of_a_vendor_sealed_file),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
