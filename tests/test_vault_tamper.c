/*
 * test_vault_tamper.c - an attacker with write access to the store: every
 * change to objects, the manifest, the descriptor or the audit log is
 * detected with a clear error, and no plaintext is released.
 */
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "test.h"
#include "vault_fixture.h"

typedef vault_fixture fixture;

static int fixture_up(fixture *f)
{
    return vault_fixture_up(f, "device-t", "model-t");
}

static void fixture_down(fixture *f)
{
    vault_fixture_down(f);
}

static int put_named(pqce_vault *v, const char *name, const char *content, pqce_artifact_ref *ref)
{
    pqce_metadata m = vault_meta(name, PQCE_KIND_MODEL_WEIGHTS);
    return pqce_vault_put(v, ref, &m, (const uint8_t *)content, strlen(content), 0);
}

/* The store name of the object of the only artifact, found by listing. */
typedef struct names {
    char n[8][PQCE_STORE_NAME_MAX + 1];
    size_t count;
} names;

static int collect(void *arg, const char *name)
{
    names *ns = arg;
    if (ns->count < 8) {
        snprintf(ns->n[ns->count++], sizeof ns->n[0], "%s", name);
    }
    return PQCE_OK;
}

static int flip_byte(pqce_store *s, const char *object, size_t at, uint8_t mask)
{
    uint8_t *buf;
    size_t len;
    int ret = pqce_store_get(s, object, (size_t)1 << 30, &buf, &len);
    if (ret != PQCE_OK) {
        return ret;
    }
    buf[at % len] ^= mask;
    ret = pqce_store_put(s, object, buf, len);
    free(buf);
    return ret;
}

static int reopen(fixture *f)
{
    return vault_fixture_reopen(f);
}

static void test_tampered_object_fails_without_plaintext(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    CHECK_OK(put_named(f.vault, "w", "the weights of a model", NULL));
    CHECK_OK(pqce_vault_save(f.vault));
    names ns = {0};
    CHECK_OK(pqce_store_list(f.store, "objects/", collect, &ns));
    CHECK(ns.count == 1);
    uint64_t size;
    CHECK_OK(pqce_store_size(f.store, ns.n[0], &size));
    /* a byte in the header, in the stanza and in the payload */
    size_t where[] = {20, 200, (size_t)size - 30};
    for (size_t i = 0; i < 3; i++) {
        CHECK_OK(flip_byte(f.store, ns.n[0], where[i], 0x04));
        uint8_t buf[64];
        memset(buf, 0xAA, sizeof buf);
        size_t len;
        int ret = pqce_vault_get(f.vault, "w", NULL, buf, sizeof buf, &len);
        CHECK_OK(flip_byte(f.store, ns.n[0], where[i], 0x04));
        CHECK_MSG(ret == PQCE_ERR_DECRYPT, "byte %zu: %s", where[i], pqce_error_name(ret));
        for (size_t k = 0; k < sizeof buf; k++) {
            CHECK(buf[k] == 0xAA || buf[k] == 0);
        }
    }
    pqce_audit_query q = {PQCE_AUDIT_QUERY_VERSION, "decryption_failure", NULL, NULL, 0};
    pqce_audit_list *l = NULL;
    CHECK_OK(pqce_vault_audit_query(f.vault, &l, &q));
    CHECK(pqce_audit_list_count(l) == 3);
    pqce_audit_list_free(l);
    fixture_down(&f);
}

/* Two artifacts' objects swapped: each decrypts, but is not the artifact
 * the manifest names. */
static void test_swapped_objects_are_detected(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    CHECK_OK(put_named(f.vault, "a", "alpha", NULL));
    CHECK_OK(put_named(f.vault, "b", "bravo", NULL));
    CHECK_OK(pqce_vault_save(f.vault));
    names ns = {0};
    CHECK_OK(pqce_store_list(f.store, "objects/", collect, &ns));
    CHECK(ns.count == 2);
    uint8_t *x, *y;
    size_t xl, yl;
    CHECK_OK(pqce_store_get(f.store, ns.n[0], 1 << 20, &x, &xl));
    CHECK_OK(pqce_store_get(f.store, ns.n[1], 1 << 20, &y, &yl));
    CHECK_OK(pqce_store_put(f.store, ns.n[0], y, yl));
    CHECK_OK(pqce_store_put(f.store, ns.n[1], x, xl));
    free(x);
    free(y);
    uint8_t buf[16];
    size_t len;
    CHECK_RC(pqce_vault_get(f.vault, "a", NULL, buf, sizeof buf, &len), PQCE_ERR_DECRYPT);
    CHECK(strstr(pqce_vault_error_detail(f.vault), "not that artifact") != NULL);
    CHECK_RC(pqce_vault_get(f.vault, "b", NULL, buf, sizeof buf, &len), PQCE_ERR_DECRYPT);
    fixture_down(&f);
}

static void test_tampered_manifest_fails_to_unlock(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    CHECK_OK(put_named(f.vault, "m", "manifest test", NULL));
    CHECK_OK(pqce_vault_save(f.vault));
    uint64_t size;
    CHECK_OK(pqce_store_size(f.store, "manifest.pqce", &size));
    for (size_t at = 0; at < size; at += size / 7 + 1) {
        CHECK_OK(flip_byte(f.store, "manifest.pqce", at, 0x01));
        int ret = reopen(&f);
        CHECK_OK(flip_byte(f.store, "manifest.pqce", at, 0x01));
        CHECK_MSG(ret == PQCE_ERR_DECRYPT || ret == PQCE_ERR_FORMAT,
                  "manifest byte %zu changed: %s", at, pqce_error_name(ret));
        CHECK(!pqce_vault_is_unlocked(f.vault));
    }
    CHECK_OK(reopen(&f));
    fixture_down(&f);
}

/* A copy of an older manifest put back is detected by the backend's
 * monotonic counter. */
static void test_rolled_back_manifest_is_detected(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    CHECK_OK(put_named(f.vault, "v1", "first", NULL));
    CHECK_OK(pqce_vault_save(f.vault));
    uint8_t *old;
    size_t old_len;
    CHECK_OK(pqce_store_get(f.store, "manifest.pqce", 1 << 20, &old, &old_len));
    CHECK_OK(pqce_vault_delete(f.vault, "v1"));
    CHECK_OK(put_named(f.vault, "v2", "second", NULL));
    CHECK_OK(pqce_vault_save(f.vault));
    CHECK_OK(pqce_store_put(f.store, "manifest.pqce", old, old_len));
    free(old);
    CHECK_RC(reopen(&f), PQCE_ERR_ROLLBACK);
    CHECK(strstr(pqce_vault_error_detail(f.vault), "older state") != NULL);
    fixture_down(&f);
}

/* The descriptor's public parameters are bound to the sealed secret. */
static void test_tampered_descriptor_fails_to_unlock(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    CHECK_OK(flip_byte(f.store, "vault.pqce", 10, 0x01)); /* in the vault id */
    int ret = reopen(&f);
    CHECK_MSG(ret == PQCE_ERR_BACKEND, "%s", pqce_error_name(ret));
    fixture_down(&f);
}

static void test_tampered_or_truncated_audit_log_is_detected(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    for (int i = 0; i < 5; i++) {
        char name[8];
        snprintf(name, sizeof name, "n%d", i);
        CHECK_OK(put_named(f.vault, name, "x", NULL));
    }
    CHECK_OK(pqce_vault_save(f.vault));
    pqce_audit_report rep;
    CHECK_OK(pqce_vault_audit_verify(f.vault, &rep));
    CHECK(rep.entries >= 7 && rep.authenticated >= 6);
    uint64_t size;
    CHECK_OK(pqce_store_size(f.store, "audit.log", &size));
    CHECK_OK(flip_byte(f.store, "audit.log", (size_t)size / 2, 0x10));
    int ret = pqce_vault_audit_verify(f.vault, &rep);
    CHECK_MSG(ret == PQCE_ERR_DECRYPT || ret == PQCE_ERR_FORMAT, "%s", pqce_error_name(ret));
    CHECK_OK(flip_byte(f.store, "audit.log", (size_t)size / 2, 0x10));
    CHECK_OK(pqce_vault_audit_verify(f.vault, &rep));
    /* cut back to half its length, below what the last save recorded */
    uint8_t *buf;
    size_t len;
    CHECK_OK(pqce_store_get(f.store, "audit.log", 1 << 24, &buf, &len));
    CHECK_OK(pqce_store_put(f.store, "audit.log", buf, len / 2));
    free(buf);
    CHECK_OK(reopen(&f));
    ret = pqce_vault_audit_verify(f.vault, &rep);
    CHECK_MSG(ret == PQCE_ERR_DECRYPT || ret == PQCE_ERR_FORMAT, "%s", pqce_error_name(ret));
    fixture_down(&f);
}

/* A log cut back and then saved over keeps the evidence: the manifest
 * never records a shorter log than before. */
static void test_save_after_a_truncated_audit_log_keeps_the_evidence(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    CHECK_OK(put_named(f.vault, "x", "1", NULL));
    CHECK_OK(pqce_vault_save(f.vault));
    CHECK_OK(put_named(f.vault, "y", "2", NULL));
    CHECK_OK(pqce_vault_save(f.vault));
    uint8_t *buf;
    size_t len;
    CHECK_OK(pqce_store_get(f.store, "audit.log", 1 << 24, &buf, &len));
    CHECK_OK(pqce_store_put(f.store, "audit.log", buf, len / 3));
    free(buf);
    CHECK_OK(reopen(&f));
    CHECK_OK(put_named(f.vault, "z", "3", NULL));
    CHECK_OK(pqce_vault_save(f.vault));
    CHECK_RC(pqce_vault_audit_verify(f.vault, NULL), PQCE_ERR_DECRYPT);
    CHECK_OK(reopen(&f));
    CHECK_RC(pqce_vault_audit_verify(f.vault, NULL), PQCE_ERR_DECRYPT);
    fixture_down(&f);
}

/* A log damaged so that it no longer parses does not lock the owner out:
 * the vault opens, artifacts are readable, verify reports the damage, and
 * a rate-limited kind is refused (its window cannot be counted). */
static void test_damaged_audit_log_does_not_lock_the_owner_out(void)
{
    fixture f;
    CHECK(fixture_up(&f) == 0);
    CHECK_OK(put_named(f.vault, "w", "weights", NULL));
    CHECK_OK(pqce_vault_save(f.vault));
    /* a record length beyond every bound, right after the 16-byte header */
    CHECK_OK(flip_byte(f.store, "audit.log", 16, 0x7F));
    CHECK_OK(reopen(&f));
    char buf[16];
    size_t len;
    CHECK_OK(pqce_vault_get(f.vault, "w", NULL, (uint8_t *)buf, sizeof buf, &len));
    CHECK(len == 7 && memcmp(buf, "weights", 7) == 0);
    CHECK_RC(pqce_vault_audit_verify(f.vault, NULL), PQCE_ERR_DECRYPT);
    CHECK(strstr(pqce_vault_error_detail(f.vault), "audit log") != NULL);
    pqce_policy_rule rule = {PQCE_KIND_MODEL_WEIGHTS, NULL, 0, 0, 10};
    CHECK_OK(pqce_vault_policy_set(f.vault, &rule));
    CHECK_RC(pqce_vault_get(f.vault, "w", NULL, (uint8_t *)buf, sizeof buf, &len), PQCE_ERR_POLICY);
    fixture_down(&f);
}

/* Another vault's objects do not open in this one. */
static void test_object_from_another_vault_does_not_open(void)
{
    fixture a, b;
    CHECK(fixture_up(&a) == 0);
    CHECK(fixture_up(&b) == 0);
    CHECK_OK(put_named(a.vault, "same", "from vault a", NULL));
    CHECK_OK(put_named(b.vault, "same", "from vault b", NULL));
    CHECK_OK(pqce_vault_save(a.vault));
    CHECK_OK(pqce_vault_save(b.vault));
    names na = {0}, nb = {0};
    CHECK_OK(pqce_store_list(a.store, "objects/", collect, &na));
    CHECK_OK(pqce_store_list(b.store, "objects/", collect, &nb));
    uint8_t *x;
    size_t xl;
    CHECK_OK(pqce_store_get(b.store, nb.n[0], 1 << 20, &x, &xl));
    CHECK_OK(pqce_store_put(a.store, na.n[0], x, xl));
    free(x);
    uint8_t buf[32];
    size_t len;
    CHECK_RC(pqce_vault_get(a.vault, "same", NULL, buf, sizeof buf, &len), PQCE_ERR_DECRYPT);
    fixture_down(&a);
    fixture_down(&b);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_tampered_object_fails_without_plaintext),
        TEST_CASE(test_swapped_objects_are_detected),
        TEST_CASE(test_tampered_manifest_fails_to_unlock),
        TEST_CASE(test_rolled_back_manifest_is_detected),
        TEST_CASE(test_tampered_descriptor_fails_to_unlock),
        TEST_CASE(test_tampered_or_truncated_audit_log_is_detected),
        TEST_CASE(test_object_from_another_vault_does_not_open),
        TEST_CASE(test_save_after_a_truncated_audit_log_keeps_the_evidence),
        TEST_CASE(test_damaged_audit_log_does_not_lock_the_owner_out),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
