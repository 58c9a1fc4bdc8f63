/*
 * test_pkcs11.c - the PKCS#11 backend against a real SoftHSM2 token, which
 * tests/hw_env.sh creates (ctest runs this program under it, label "hw"):
 * seal and unseal with AES-GCM and with AES key wrap, the blob's shape,
 * tampering with every byte, other aad, another token, a wrong PIN, a key
 * that cannot be read out of the token, a key that could (refused), a
 * token with neither mechanism (a fake module shaped like tpm2-pkcs11),
 * device information and discovery.
 *
 * Built without the backend (PQCE_WITH_PKCS11=OFF) it checks instead that
 * the constructor says so and that discovery reports it as not compiled in.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "core/config.h"
#include "hw.h"
#include "test.h"

#if PQCE_WITH_PKCS11

#include <p11-kit/pkcs11.h>

static const uint8_t aad1[] = "vault-aad-1";
static const uint8_t aad2[] = "vault-aad-2";

typedef struct env {
    const char *module, *token, *other, *pin;
} env;

static int get_env(env *e)
{
    e->module = hw_env("PQCE_TEST_PKCS11_MODULE");
    e->token = hw_env("PQCE_TEST_PKCS11_TOKEN");
    e->other = hw_env("PQCE_TEST_PKCS11_OTHER_TOKEN");
    e->pin = hw_env("PQCE_TEST_PKCS11_PIN");
    return e->module != NULL && e->token != NULL && e->other != NULL && e->pin != NULL &&
           hw_env("SOFTHSM2_CONF") != NULL;
}

static int make(pqce_backend **b, const char *module, const char *token, const char *pin,
                const char *key_label, unsigned mech, char *detail, size_t detail_cap)
{
    pqce_pkcs11_options o;
    memset(&o, 0, sizeof o);
    o.version = PQCE_PKCS11_OPTIONS_VERSION;
    o.module = module;
    o.token_label = token;
    o.pin = pin;
    o.key_label = key_label;
    o.mechanism = mech;
    o.detail = detail;
    o.detail_cap = detail_cap;
    return pqce_backend_pkcs11_new(b, &o);
}

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++) {
        d |= p[i];
    }
    return d == 0;
}

static void round_trip(unsigned mech, unsigned expect_blob_mech, size_t expect_len)
{
    env e;
    CHECK(get_env(&e));
    pqce_backend *b = NULL;
    uint8_t secret[96], blob[PQCE_SEALED_BLOB_MAX], out[256];
    size_t blob_len = 0, out_len = 0;
    test_fill(secret, sizeof secret, "p11-secret", mech);
    CHECK_OK(make(&b, e.module, e.token, e.pin, NULL, mech, NULL, 0));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    CHECK(memcmp(blob, "PQPK", 4) == 0 && blob[4] == 1 && blob[5] == expect_blob_mech);
    CHECK_MSG(blob_len == expect_len, "blob of %zu bytes", blob_len);
    for (size_t i = 0; i + 16 <= sizeof secret; i += 16) {
        CHECK(memmem(blob, blob_len, secret + i, 16) == NULL);
    }
    CHECK_OK(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1));
    CHECK(out_len == sizeof secret);
    CHECK_MEM_EQ(out, secret, sizeof secret);
    /* other aad */
    CHECK_RC(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad2, sizeof aad2),
             PQCE_ERR_BACKEND);
    CHECK(out_len == 0 && all_zero(out, sizeof out));
    /* a 256-byte secret and an empty aad */
    uint8_t big[256];
    test_fill(big, sizeof big, "p11-big", mech);
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, big, sizeof big, NULL, 0));
    CHECK_OK(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, NULL, 0));
    CHECK(out_len == sizeof big);
    CHECK_MEM_EQ(out, big, sizeof big);
    /* a fresh backend (a new process would do the same) finds the key */
    pqce_backend *b2 = NULL;
    CHECK_OK(make(&b2, e.module, e.token, e.pin, NULL, 0, NULL, 0));
    CHECK_OK(pqce_backend_unseal(b2, out, sizeof out, &out_len, blob, blob_len, NULL, 0));
    CHECK_MEM_EQ(out, big, sizeof big);
    pqce_backend_free(b2);
    pqce_backend_free(b);
}

static void test_pkcs11_gcm_round_trip(void)
{
    /* header 12 + IV 12 + 96 + tag 16 */
    round_trip(PQCE_PKCS11_MECH_AUTO, 1, 12 + 12 + 96 + 16);
}

static void test_pkcs11_key_wrap_round_trip(void)
{
    /* SoftHSM 2.6 offers RFC 5649 as CKM_AES_KEY_WRAP_PAD (blob mechanism 3):
     * header 12 + 8 * ceil((96 + 32) / 8) + 8 */
    round_trip(PQCE_PKCS11_MECH_AES_KWP, 3, 12 + 128 + 8);
}

static void tamper_every_byte(unsigned mech)
{
    env e;
    CHECK(get_env(&e));
    pqce_backend *b = NULL;
    uint8_t secret[96], blob[PQCE_SEALED_BLOB_MAX], bad[PQCE_SEALED_BLOB_MAX], out[256];
    size_t blob_len = 0, out_len = 0;
    test_fill(secret, sizeof secret, "p11-tamper", mech);
    CHECK_OK(make(&b, e.module, e.token, e.pin, NULL, mech, NULL, 0));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    for (size_t i = 0; i < blob_len; i++) {
        memcpy(bad, blob, blob_len);
        bad[i] ^= (uint8_t)(1u << (i % 8));
        int rc =
            pqce_backend_unseal(b, out, sizeof out, &out_len, bad, blob_len, aad1, sizeof aad1);
        CHECK_MSG(rc == PQCE_ERR_BACKEND || rc == PQCE_ERR_FORMAT, "byte %zu: %s", i,
                  pqce_error_name(rc));
        CHECK(out_len == 0 && all_zero(out, sizeof out));
    }
    CHECK_RC(
        pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len - 1, aad1, sizeof aad1),
        PQCE_ERR_FORMAT);
    CHECK_OK(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1));
    CHECK_MEM_EQ(out, secret, sizeof secret);
    printf("  %zu tampered blobs refused\n", blob_len);
    pqce_backend_free(b);
}

static void test_pkcs11_gcm_rejects_every_tampered_byte(void)
{
    tamper_every_byte(PQCE_PKCS11_MECH_AES_GCM);
}

static void test_pkcs11_key_wrap_rejects_every_tampered_byte(void)
{
    tamper_every_byte(PQCE_PKCS11_MECH_AES_KWP);
}

static void test_pkcs11_wrong_pin_is_locked(void)
{
    env e;
    CHECK(get_env(&e));
    pqce_backend *good = NULL, *bad = NULL;
    uint8_t secret[96], blob[PQCE_SEALED_BLOB_MAX], out[256];
    size_t blob_len = 0, out_len = 0;
    char d[256];
    test_fill(secret, sizeof secret, "p11-pin", 0);
    CHECK_OK(make(&good, e.module, e.token, e.pin, NULL, 0, NULL, 0));
    CHECK_OK(pqce_backend_seal(good, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    /* the constructor does not log in: the wrong PIN shows at unseal */
    CHECK_OK(make(&bad, e.module, e.token, "9999", NULL, 0, NULL, 0));
    CHECK_RC(pqce_backend_unseal(bad, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1),
             PQCE_ERR_LOCKED);
    pqce_backend_detail(bad, d, sizeof d);
    CHECK_MSG(strstr(d, "wrong PIN") != NULL && strstr(d, e.token) != NULL, "detail: %s", d);
    CHECK_RC(pqce_backend_seal(bad, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1),
             PQCE_ERR_LOCKED);
    pqce_backend_free(bad);
    /* after the failure the right PIN still works (nothing left logged in) */
    CHECK_OK(pqce_backend_seal(good, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    CHECK_OK(
        pqce_backend_unseal(good, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1));
    pqce_backend_free(good);
}

/* The token, opened directly through PKCS#11 by this test. */
typedef struct token {
    void *dl;
    CK_FUNCTION_LIST_PTR fl;
    CK_SESSION_HANDLE s;
} token;

static int token_open(token *t, const env *e, const char *label)
{
    CK_RV (*get)(CK_FUNCTION_LIST_PTR_PTR) = NULL;
    memset(t, 0, sizeof *t);
    t->s = CK_INVALID_HANDLE;
    if ((t->dl = dlopen(e->module, RTLD_NOW | RTLD_LOCAL)) == NULL) {
        return -1;
    }
    void *sym = dlsym(t->dl, "C_GetFunctionList");
    memcpy(&get, &sym, sizeof get);
    CK_SLOT_ID slots[16];
    CK_ULONG n = 16;
    if (get == NULL || get(&t->fl) != CKR_OK || t->fl->C_Initialize(NULL) != CKR_OK ||
        t->fl->C_GetSlotList(CK_TRUE, slots, &n) != CKR_OK) {
        return -1;
    }
    for (CK_ULONG i = 0; i < n; i++) {
        CK_TOKEN_INFO ti;
        char lab[33];
        if (t->fl->C_GetTokenInfo(slots[i], &ti) != CKR_OK) {
            continue;
        }
        memcpy(lab, ti.label, 32);
        lab[32] = '\0';
        for (int k = 31; k >= 0 && lab[k] == ' '; k--) {
            lab[k] = '\0';
        }
        if (strcmp(lab, label) == 0 &&
            t->fl->C_OpenSession(slots[i], CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
                                 &t->s) == CKR_OK &&
            t->fl->C_Login(t->s, CKU_USER, (CK_UTF8CHAR_PTR)e->pin, (CK_ULONG)strlen(e->pin)) ==
                CKR_OK) {
            return 0;
        }
    }
    return -1;
}

static void token_close(token *t)
{
    if (t->s != CK_INVALID_HANDLE) {
        t->fl->C_Logout(t->s);
        t->fl->C_CloseSession(t->s);
    }
    if (t->fl != NULL) {
        t->fl->C_Finalize(NULL);
    }
    if (t->dl != NULL) {
        dlclose(t->dl);
    }
}

static CK_OBJECT_HANDLE find_key(token *t, const char *label)
{
    CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof cls},
                           {CKA_LABEL, (void *)label, strlen(label)}};
    CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
    CK_ULONG n = 0;
    if (t->fl->C_FindObjectsInit(t->s, tmpl, 2) != CKR_OK) {
        return CK_INVALID_HANDLE;
    }
    if (t->fl->C_FindObjects(t->s, &h, 1, &n) != CKR_OK || n != 1) {
        h = CK_INVALID_HANDLE;
    }
    t->fl->C_FindObjectsFinal(t->s);
    return h;
}

/* The key the backend generated cannot be read out through PKCS#11. */
static void test_pkcs11_key_cannot_be_read_out_of_the_token(void)
{
    env e;
    CHECK(get_env(&e));
    pqce_backend *b = NULL;
    uint8_t secret[32] = {1}, blob[PQCE_SEALED_BLOB_MAX];
    size_t blob_len = 0;
    CHECK_OK(make(&b, e.module, e.token, e.pin, "kek-readout", 0, NULL, 0));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, NULL, 0));
    pqce_backend_free(b);

    token t;
    CHECK(token_open(&t, &e, e.token) == 0);
    CK_OBJECT_HANDLE k = find_key(&t, "kek-readout");
    CHECK(k != CK_INVALID_HANDLE);
    uint8_t value[64];
    memset(value, 0, sizeof value);
    CK_ATTRIBUTE va = {CKA_VALUE, value, sizeof value};
    CK_RV rv = t.fl->C_GetAttributeValue(t.s, k, &va, 1);
    printf("  C_GetAttributeValue(CKA_VALUE) -> 0x%lx, length %ld\n", (unsigned long)rv,
           (long)va.ulValueLen);
    CHECK(rv == CKR_ATTRIBUTE_SENSITIVE);
    CHECK(va.ulValueLen == CK_UNAVAILABLE_INFORMATION);
    CHECK(all_zero(value, sizeof value));
    CK_BBOOL sens = CK_FALSE, extr = CK_TRUE, tok = CK_FALSE, never = CK_FALSE;
    CK_ATTRIBUTE attrs[] = {{CKA_SENSITIVE, &sens, sizeof sens},
                            {CKA_EXTRACTABLE, &extr, sizeof extr},
                            {CKA_TOKEN, &tok, sizeof tok},
                            {CKA_NEVER_EXTRACTABLE, &never, sizeof never}};
    CHECK(t.fl->C_GetAttributeValue(t.s, k, attrs, 4) == CKR_OK);
    CHECK(sens == CK_TRUE && extr == CK_FALSE && tok == CK_TRUE && never == CK_TRUE);
    /* nor wrapped out, even under itself */
    uint8_t wrapped[128];
    CK_ULONG wlen = sizeof wrapped;
    CK_MECHANISM kw = {CKM_AES_KEY_WRAP_PAD, NULL, 0};
    rv = t.fl->C_WrapKey(t.s, &kw, k, k, wrapped, &wlen);
    printf("  C_WrapKey(the key) -> 0x%lx\n", (unsigned long)rv);
    CHECK(rv == CKR_KEY_UNEXTRACTABLE);
    /* nor made extractable */
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE mk = {CKA_EXTRACTABLE, &yes, sizeof yes};
    CHECK(t.fl->C_SetAttributeValue(t.s, k, &mk, 1) != CKR_OK);
    token_close(&t);
}

/* A key under the label that could leave the token is not used. */
static void test_pkcs11_extractable_key_is_refused(void)
{
    env e;
    CHECK(get_env(&e));
    token t;
    CHECK(token_open(&t, &e, e.token) == 0);
    CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    CK_KEY_TYPE kt = CKK_AES;
    CK_ULONG len = 32;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    const char *label = "kek-extractable";
    CK_ATTRIBUTE tmpl[] = {
        {CKA_CLASS, &cls, sizeof cls},
        {CKA_KEY_TYPE, &kt, sizeof kt},
        {CKA_LABEL, (void *)label, strlen(label)},
        {CKA_VALUE_LEN, &len, sizeof len},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_SENSITIVE, &no, sizeof no},
        {CKA_EXTRACTABLE, &yes, sizeof yes},
        {CKA_ENCRYPT, &yes, sizeof yes},
        {CKA_DECRYPT, &yes, sizeof yes},
    };
    CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0};
    CK_OBJECT_HANDLE k;
    CHECK(t.fl->C_GenerateKey(t.s, &gen, tmpl, 9, &k) == CKR_OK);
    token_close(&t);

    pqce_backend *b = NULL;
    uint8_t secret[32] = {1}, blob[PQCE_SEALED_BLOB_MAX];
    size_t blob_len = 0;
    char d[256];
    CHECK_OK(make(&b, e.module, e.token, e.pin, label, 0, NULL, 0));
    CHECK_RC(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, NULL, 0),
             PQCE_ERR_BACKEND);
    pqce_backend_detail(b, d, sizeof d);
    CHECK_MSG(strstr(d, "not sensitive") != NULL || strstr(d, "extractable") != NULL, "detail: %s",
              d);
    pqce_backend_free(b);
}

static void test_pkcs11_blob_of_another_token_is_refused(void)
{
    env e;
    CHECK(get_env(&e));
    pqce_backend *a = NULL, *o = NULL;
    uint8_t secret[96], blob[PQCE_SEALED_BLOB_MAX], blob2[PQCE_SEALED_BLOB_MAX], out[256];
    size_t blob_len = 0, blob2_len = 0, out_len = 0;
    char d[256];
    test_fill(secret, sizeof secret, "p11-other", 0);
    CHECK_OK(make(&a, e.module, e.token, e.pin, "kek-device", 0, NULL, 0));
    CHECK_OK(make(&o, e.module, e.other, e.pin, "kek-device", 0, NULL, 0));
    CHECK_OK(pqce_backend_seal(a, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    /* the other token has no such key yet */
    CHECK_RC(pqce_backend_unseal(o, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1),
             PQCE_ERR_BACKEND);
    pqce_backend_detail(o, d, sizeof d);
    CHECK_MSG(strstr(d, "holds no key") != NULL, "detail: %s", d);
    /* now it has one of its own, under the same label: still refused */
    CHECK_OK(pqce_backend_seal(o, blob2, sizeof blob2, &blob2_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    CHECK_RC(pqce_backend_unseal(o, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1),
             PQCE_ERR_BACKEND);
    pqce_backend_detail(o, d, sizeof d);
    CHECK_MSG(strstr(d, "did not authenticate") != NULL, "detail: %s", d);
    CHECK(all_zero(out, sizeof out));
    pqce_backend_free(a);
    pqce_backend_free(o);
}

static void test_pkcs11_token_without_gcm_or_key_wrap_is_a_clear_error(void)
{
    pqce_backend *b = NULL;
    uint8_t secret[32] = {1}, blob[PQCE_SEALED_BLOB_MAX];
    size_t blob_len = 0;
    char d[256];
    CHECK_OK(make(&b, PQCE_TEST_FAKE_PKCS11, "fake-aes-cbc", "1234", NULL, 0, d, sizeof d));
    pqce_device_info info;
    CHECK_OK(pqce_backend_device_info(b, &info));
    CHECK(info.capabilities == PQCE_CAP_HARDWARE_BOUND); /* a hardware slot */
    CHECK_RC(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, NULL, 0),
             PQCE_ERR_BACKEND);
    pqce_backend_detail(b, d, sizeof d);
    printf("  %s\n", d);
    CHECK_MSG(strstr(d, "neither CKM_AES_GCM nor AES key wrap") != NULL, "detail: %s", d);
    pqce_backend_free(b);
    /* and a mechanism forced that the token lacks */
    CHECK_OK(make(&b, PQCE_TEST_FAKE_PKCS11, "fake-aes-cbc", "1234", NULL, PQCE_PKCS11_MECH_AES_GCM,
                  NULL, 0));
    CHECK_RC(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, NULL, 0),
             PQCE_ERR_BACKEND);
    pqce_backend_detail(b, d, sizeof d);
    CHECK_MSG(strstr(d, "no CKM_AES_GCM") != NULL, "detail: %s", d);
    pqce_backend_free(b);
}

static void test_pkcs11_constructor_errors_are_clear(void)
{
    env e;
    CHECK(get_env(&e));
    pqce_backend *b = NULL;
    char d[256] = "";
    CHECK_RC(make(&b, e.module, "no-such-token", e.pin, NULL, 0, d, sizeof d), PQCE_ERR_BACKEND);
    CHECK(b == NULL);
    CHECK_MSG(strstr(d, "no token labelled 'no-such-token'") != NULL && strstr(d, e.token) != NULL,
              "detail: %s", d);
    CHECK_RC(make(&b, "/nonexistent/libnothing.so", e.token, e.pin, NULL, 0, d, sizeof d),
             PQCE_ERR_BACKEND);
    CHECK_MSG(strstr(d, "cannot load the module") != NULL, "detail: %s", d);
    CHECK_RC(make(&b, NULL, e.token, e.pin, NULL, 0, d, sizeof d), PQCE_ERR_INVALID_ARG);
    CHECK_RC(
        make(&b, e.module, "a-label-that-is-longer-than-32-bytes", e.pin, NULL, 0, d, sizeof d),
        PQCE_ERR_INVALID_ARG);
    CHECK_RC(make(&b, e.module, e.token, "", NULL, 0, d, sizeof d), PQCE_ERR_INVALID_ARG);
    CHECK_RC(make(&b, e.module, e.token, e.pin, NULL, 7, d, sizeof d), PQCE_ERR_INVALID_ARG);
    pqce_pkcs11_options o;
    memset(&o, 0, sizeof o);
    o.version = 99;
    CHECK_RC(pqce_backend_pkcs11_new(&b, &o), PQCE_ERR_INVALID_ARG);
    CHECK(b == NULL);
}

static void test_pkcs11_device_info_and_no_counter(void)
{
    env e;
    CHECK(get_env(&e));
    pqce_backend *b = NULL;
    pqce_device_info info;
    uint64_t v;
    CHECK_OK(make(&b, e.module, e.token, e.pin, NULL, 0, NULL, 0));
    CHECK_OK(pqce_backend_device_info(b, &info));
    CHECK(strcmp(info.backend, "pkcs11") == 0);
    CHECK(strcmp(info.enclave_vendor, "SoftHSM project") == 0);
    CHECK(strcmp(info.device_model, "SoftHSM v2") == 0);
    CHECK(strlen(info.device_id) > 0); /* the token's serial number */
    /* SoftHSM is software: not a hardware slot; no counter, no presence */
    CHECK(info.capabilities == 0);
    CHECK(!pqce_backend_has_counter(b));
    CHECK_RC(pqce_backend_counter_read(b, &v), PQCE_ERR_UNSUPPORTED);
    CHECK_RC(pqce_backend_counter_advance(b, 1), PQCE_ERR_UNSUPPORTED);
    CHECK_RC(pqce_backend_user_presence(b, "why"), PQCE_ERR_UNSUPPORTED);
    pqce_backend_free(b);
}

static void test_pkcs11_is_listed_as_available(void)
{
    env e;
    CHECK(get_env(&e));
    pqce_backend_status st[PQCE_BACKEND_LIST_COUNT];
    size_t n = 0;
    pqce_backend_list_options lo = {PQCE_BACKEND_LIST_OPTIONS_VERSION, NULL, e.module};
    CHECK_RC(pqce_backend_list(st, 3, &n, &lo), PQCE_ERR_INVALID_ARG);
    CHECK(n == PQCE_BACKEND_LIST_COUNT);
    CHECK_OK(pqce_backend_list(st, PQCE_BACKEND_LIST_COUNT, &n, &lo));
    CHECK(strcmp(st[3].name, "pkcs11") == 0 && st[3].compiled_in == 1 && st[3].available == 1);
    CHECK(st[3].capabilities == 0);
    CHECK_MSG(strstr(st[3].detail, e.token) != NULL &&
                  strstr(st[3].detail, "no monotonic counter") != NULL,
              "detail: %s", st[3].detail);
    printf("  pkcs11: %s\n", st[3].detail);
    CHECK(strstr(pqce_build_info(), "PQCE_WITH_PKCS11=1") != NULL);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_pkcs11_gcm_round_trip),
        TEST_CASE(test_pkcs11_key_wrap_round_trip),
        TEST_CASE(test_pkcs11_gcm_rejects_every_tampered_byte),
        TEST_CASE(test_pkcs11_key_wrap_rejects_every_tampered_byte),
        TEST_CASE(test_pkcs11_wrong_pin_is_locked),
        TEST_CASE(test_pkcs11_key_cannot_be_read_out_of_the_token),
        TEST_CASE(test_pkcs11_extractable_key_is_refused),
        TEST_CASE(test_pkcs11_blob_of_another_token_is_refused),
        TEST_CASE(test_pkcs11_token_without_gcm_or_key_wrap_is_a_clear_error),
        TEST_CASE(test_pkcs11_constructor_errors_are_clear),
        TEST_CASE(test_pkcs11_device_info_and_no_counter),
        TEST_CASE(test_pkcs11_is_listed_as_available),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}

#else /* !PQCE_WITH_PKCS11 */

static void test_pkcs11_constructor_is_unsupported_without_the_backend(void)
{
    pqce_backend *b = (pqce_backend *)&b;
    char d[256] = "";
    pqce_pkcs11_options o;
    memset(&o, 0, sizeof o);
    o.version = PQCE_PKCS11_OPTIONS_VERSION;
    o.module = "/usr/lib/softhsm/libsofthsm2.so";
    o.token_label = "t";
    o.detail = d;
    o.detail_cap = sizeof d;
    CHECK_RC(pqce_backend_pkcs11_new(&b, &o), PQCE_ERR_UNSUPPORTED);
    CHECK(b == NULL);
    CHECK_MSG(strstr(d, "does not include the PKCS#11 backend") != NULL, "detail: %s", d);
    pqce_backend_status st[PQCE_BACKEND_LIST_COUNT];
    size_t n = 0;
    CHECK_OK(pqce_backend_list(st, PQCE_BACKEND_LIST_COUNT, &n, NULL));
    CHECK(strcmp(st[3].name, "pkcs11") == 0 && st[3].compiled_in == 0 && st[3].available == 0);
    CHECK(strstr(pqce_build_info(), "PQCE_WITH_PKCS11=0") != NULL);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_pkcs11_constructor_is_unsupported_without_the_backend),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}

#endif /* PQCE_WITH_PKCS11 */
