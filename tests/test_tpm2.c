/*
 * test_tpm2.c - the TPM 2.0 backend against real swtpm simulators, which
 * tests/hw_env.sh starts (ctest runs this program under it, label "hw"):
 * seal and unseal, the blob's shape, tampering with every byte, another
 * TPM ("another device"), a wrong PIN without ever reaching the
 * dictionary-attack lockout, the PCR policy, the NV counter, every handle
 * flushed, device information and discovery.
 *
 * Built without the backend (PQCE_WITH_TPM2=OFF) it checks instead that
 * the constructor says so (PQCE_ERR_UNSUPPORTED and a sentence) and that
 * discovery reports it as not compiled in.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "core/config.h"
#include "hw.h"
#include "test.h"

#if PQCE_WITH_TPM2

#define PCR_TEST 23u /* resettable from locality 0 on a PC-client TPM (swtpm) */

static const uint8_t aad1[] = "vault-aad-1";
static const uint8_t aad2[] = "vault-aad-2";

/* One index per test that uses a counter: one counter per vault. */
static uint32_t next_index = 0x01BF0100u;

static int make(pqce_backend **b, const char *tcti, const char *pin, uint32_t pcr_mask,
                uint32_t nv_index, char *detail, size_t detail_cap)
{
    pqce_tpm2_options o;
    memset(&o, 0, sizeof o);
    o.version = PQCE_TPM2_OPTIONS_VERSION;
    o.tcti = tcti;
    o.pin = pin;
    o.pcr_mask = pcr_mask;
    o.nv_index = nv_index;
    o.detail = detail;
    o.detail_cap = detail_cap;
    return pqce_backend_tpm2_new(b, &o);
}

static int make_simple(pqce_backend **b, const char *tcti, const char *pin, uint32_t pcr_mask)
{
    return make(b, tcti, pin, pcr_mask, PQCE_TPM2_NV_NONE, NULL, 0);
}

/* No transient object and no session is left in the TPM. */
static int nothing_loaded(const char *tcti)
{
    uint32_t transient = 99, sessions = 99;
    if (hw_tpm_handles(tcti, &transient, &sessions) != 0) {
        fprintf(stderr, "  cannot count the TPM's handles\n");
        return 0;
    }
    if (transient != 0 || sessions != 0) {
        fprintf(stderr, "  the TPM holds %u transient objects and %u sessions\n",
                (unsigned)transient, (unsigned)sessions);
        return 0;
    }
    return 1;
}

static int all_zero(const uint8_t *p, size_t n)
{
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++) {
        d |= p[i];
    }
    return d == 0;
}

static void test_tpm2_seal_unseal_round_trip(void)
{
    const char *tcti = hw_env("PQCE_TEST_TPM2_TCTI");
    CHECK(tcti != NULL);
    pqce_backend *b = NULL;
    uint8_t secret[96], blob[PQCE_SEALED_BLOB_MAX], out[256];
    size_t blob_len = 0, out_len = 0;
    test_fill(secret, sizeof secret, "tpm2-secret", 0);
    CHECK_OK(make_simple(&b, tcti, NULL, 0));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    CHECK_OK(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1));
    CHECK(out_len == sizeof secret);
    CHECK_MEM_EQ(out, secret, sizeof secret);
    /* one byte, and empty aad */
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, 1, NULL, 0));
    CHECK_OK(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, NULL, 0));
    CHECK(out_len == 1 && out[0] == secret[0]);
    /* another backend object on the same TPM unseals it: nothing is kept in
     * the process, the storage key is recreated from its template */
    pqce_backend *b2 = NULL;
    CHECK_OK(make_simple(&b2, tcti, NULL, 0));
    CHECK_OK(pqce_backend_unseal(b2, out, sizeof out, &out_len, blob, blob_len, NULL, 0));
    CHECK(out_len == 1 && out[0] == secret[0]);
    pqce_backend_free(b2);
    pqce_backend_free(b);
    CHECK(nothing_loaded(tcti));
}

static void test_tpm2_blob_is_header_private_and_public(void)
{
    const char *tcti = hw_env("PQCE_TEST_TPM2_TCTI");
    CHECK(tcti != NULL);
    pqce_backend *b = NULL;
    uint8_t secret[96], blob[PQCE_SEALED_BLOB_MAX];
    size_t blob_len = 0;
    test_fill(secret, sizeof secret, "tpm2-shape", 0);
    CHECK_OK(make(&b, tcti, "1234", 1u << PCR_TEST, 0x01BF00F0u, NULL, 0));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    pqce_backend_free(b);
    CHECK(memcmp(blob, "PQT2", 4) == 0 && blob[4] == 1);
    CHECK(blob[5] == 0x03);               /* PIN and PCR policy */
    CHECK(blob[6] == 96 && blob[7] == 0); /* secret length, reserved */
    CHECK(blob[8] == 0x01 && blob[9] == 0xBF && blob[10] == 0x00 && blob[11] == 0xF0);
    CHECK(blob[12] == 0x00 && blob[13] == 0x0B);                                /* SHA-256 bank */
    CHECK(blob[14] == 0 && blob[15] == 0x80 && blob[16] == 0 && blob[17] == 0); /* PCR 23 */
    CHECK(((size_t)blob[18] << 8 | blob[19]) == blob_len - 20);
    /* TPM2B_PRIVATE first: its size field, then TPM2B_PUBLIC */
    size_t priv = (size_t)blob[20] << 8 | blob[21];
    CHECK(20 + 2 + priv + 2 < blob_len);
    size_t pub = (size_t)blob[22 + priv] << 8 | blob[23 + priv];
    CHECK(20 + 2 + priv + 2 + pub == blob_len);
    /* the secret is not in the blob: it is encrypted under the storage key */
    for (size_t i = 0; i + 16 <= sizeof secret; i += 16) {
        CHECK(memmem(blob, blob_len, secret + i, 16) == NULL);
    }
    printf("  blob: 20-byte header + TPM2B_PRIVATE %zu + TPM2B_PUBLIC %zu = %zu bytes\n", priv + 2,
           pub + 2, blob_len);
    CHECK(nothing_loaded(tcti));
}

static void test_tpm2_rejects_other_aad(void)
{
    const char *tcti = hw_env("PQCE_TEST_TPM2_TCTI");
    CHECK(tcti != NULL);
    pqce_backend *b = NULL;
    uint8_t secret[96], blob[PQCE_SEALED_BLOB_MAX], out[256];
    size_t blob_len = 0, out_len = 7;
    char d[256];
    test_fill(secret, sizeof secret, "tpm2-aad", 0);
    CHECK_OK(make_simple(&b, tcti, NULL, 0));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    CHECK_RC(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad2, sizeof aad2),
             PQCE_ERR_BACKEND);
    CHECK(out_len == 0 && all_zero(out, sizeof out));
    pqce_backend_detail(b, d, sizeof d);
    CHECK(strstr(d, "aad") != NULL);
    pqce_backend_free(b);
    CHECK(nothing_loaded(tcti));
}

/* Flipping any bit of any byte of the blob never yields a secret: the
 * header is checked or bound by the digest, the TPM structures are
 * integrity-protected by the TPM (or fail to parse). */
static void test_tpm2_rejects_every_tampered_byte(void)
{
    const char *tcti = hw_env("PQCE_TEST_TPM2_TCTI");
    CHECK(tcti != NULL);
    pqce_backend *b = NULL;
    uint8_t secret[96], blob[PQCE_SEALED_BLOB_MAX], bad[PQCE_SEALED_BLOB_MAX], out[256];
    size_t blob_len = 0, out_len = 0;
    unsigned by_code[32];
    memset(by_code, 0, sizeof by_code);
    test_fill(secret, sizeof secret, "tpm2-tamper", 0);
    CHECK_OK(make_simple(&b, tcti, NULL, 0));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    for (size_t i = 0; i < blob_len; i++) {
        memcpy(bad, blob, blob_len);
        bad[i] ^= (uint8_t)(1u << (i % 8));
        int rc =
            pqce_backend_unseal(b, out, sizeof out, &out_len, bad, blob_len, aad1, sizeof aad1);
        CHECK_MSG(rc == PQCE_ERR_BACKEND || rc == PQCE_ERR_FORMAT || rc == PQCE_ERR_LOCKED ||
                      rc == PQCE_ERR_POLICY,
                  "byte %zu: %s", i, pqce_error_name(rc));
        CHECK(out_len == 0 && all_zero(out, sizeof out));
        by_code[-rc]++;
    }
    /* truncated and extended */
    CHECK_RC(
        pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len - 1, aad1, sizeof aad1),
        PQCE_ERR_FORMAT);
    CHECK_RC(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, 19, aad1, sizeof aad1),
             PQCE_ERR_FORMAT);
    printf("  %zu tampered blobs refused: %u FORMAT, %u BACKEND, %u LOCKED, %u POLICY\n", blob_len,
           by_code[-PQCE_ERR_FORMAT], by_code[-PQCE_ERR_BACKEND], by_code[-PQCE_ERR_LOCKED],
           by_code[-PQCE_ERR_POLICY]);
    CHECK(by_code[-PQCE_ERR_BACKEND] > 0);
    /* the original still unseals */
    CHECK_OK(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1));
    CHECK_MEM_EQ(out, secret, sizeof secret);
    pqce_backend_free(b);
    /* the TPM was asked for hundreds of failing loads: none left a handle */
    CHECK(nothing_loaded(tcti));
}

static void test_tpm2_blob_of_another_tpm_is_refused(void)
{
    const char *tcti = hw_env("PQCE_TEST_TPM2_TCTI");
    const char *other = hw_env("PQCE_TEST_TPM2_TCTI_OTHER");
    CHECK(tcti != NULL && other != NULL);
    pqce_backend *a = NULL, *b = NULL;
    uint8_t secret[96], blob[PQCE_SEALED_BLOB_MAX], out[256];
    size_t blob_len = 0, out_len = 0;
    char d[256];
    test_fill(secret, sizeof secret, "tpm2-other-device", 0);
    CHECK_OK(make_simple(&a, tcti, NULL, 0));
    CHECK_OK(make_simple(&b, other, NULL, 0));
    pqce_device_info ia, ib;
    CHECK_OK(pqce_backend_device_info(a, &ia));
    CHECK_OK(pqce_backend_device_info(b, &ib));
    CHECK(strcmp(ia.device_id, ib.device_id) != 0); /* two devices */
    CHECK_OK(pqce_backend_seal(a, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    CHECK_RC(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1),
             PQCE_ERR_BACKEND);
    pqce_backend_detail(b, d, sizeof d);
    CHECK_MSG(strstr(d, "another TPM") != NULL, "detail: %s", d);
    CHECK(all_zero(out, sizeof out));
    pqce_backend_free(a);
    pqce_backend_free(b);
    CHECK(nothing_loaded(tcti) && nothing_loaded(other));
}

/* A wrong PIN is PQCE_ERR_LOCKED with a sentence, counts one failure
 * towards the lockout and never reaches it; the test leaves the counter at
 * zero again (TPM2_DictionaryAttackLockReset, lockout auth empty on swtpm). */
static void test_tpm2_wrong_pin_is_locked_and_never_reaches_the_lockout(void)
{
    const char *tcti = hw_env("PQCE_TEST_TPM2_TCTI");
    CHECK(tcti != NULL);
    pqce_backend *right = NULL, *wrong = NULL, *none = NULL;
    uint8_t secret[96], blob[PQCE_SEALED_BLOB_MAX], out[256];
    size_t blob_len = 0, out_len = 0;
    uint32_t before = 0, after = 0, max = 0;
    int lockout = 1;
    char d[256];
    test_fill(secret, sizeof secret, "tpm2-pin", 0);
    CHECK_OK(make_simple(&right, tcti, "2468", 0));
    CHECK_OK(make_simple(&wrong, tcti, "1357", 0));
    CHECK_OK(make_simple(&none, tcti, NULL, 0));
    CHECK_OK(pqce_backend_seal(right, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    CHECK(hw_tpm_da_state(tcti, &before, &max, &lockout) == 0 && !lockout);
    CHECK_MSG(before + 1 < max, "DA counter %u of %u: a wrong PIN now could lock the TPM out",
              (unsigned)before, (unsigned)max);

    CHECK_RC(
        pqce_backend_unseal(wrong, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1),
        PQCE_ERR_LOCKED);
    pqce_backend_detail(wrong, d, sizeof d);
    CHECK_MSG(strstr(d, "wrong PIN") != NULL, "detail: %s", d);
    CHECK(hw_tpm_da_state(tcti, &after, &max, &lockout) == 0);
    printf("  dictionary-attack counter %u -> %u of %u, lockout %s\n", (unsigned)before,
           (unsigned)after, (unsigned)max, lockout ? "YES" : "no");
    CHECK(after == before + 1 && after < max && !lockout);

    /* no PIN where the blob needs one: refused before the TPM is asked, so
     * the counter does not move */
    CHECK_RC(
        pqce_backend_unseal(none, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1),
        PQCE_ERR_LOCKED);
    pqce_backend_detail(none, d, sizeof d);
    CHECK_MSG(strstr(d, "with a PIN") != NULL, "detail: %s", d);
    CHECK(hw_tpm_da_state(tcti, &before, &max, &lockout) == 0 && before == after);

    CHECK(hw_tpm_da_reset(tcti) == 0);
    CHECK(hw_tpm_da_state(tcti, &after, &max, &lockout) == 0 && after == 0 && !lockout);
    CHECK_OK(
        pqce_backend_unseal(right, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1));
    CHECK_MEM_EQ(out, secret, sizeof secret);
    pqce_backend_free(right);
    pqce_backend_free(wrong);
    pqce_backend_free(none);
    CHECK(nothing_loaded(tcti));
}

static void pcr_policy_case(const char *pin)
{
    const char *tcti = hw_env("PQCE_TEST_TPM2_TCTI");
    CHECK(tcti != NULL);
    pqce_backend *b = NULL, *nopcr = NULL;
    uint8_t secret[96], blob[PQCE_SEALED_BLOB_MAX], out[256];
    size_t blob_len = 0, out_len = 0;
    char d[256];
    test_fill(secret, sizeof secret, "tpm2-pcr", 0);
    CHECK(hw_tpm_pcr_reset(tcti, PCR_TEST) == 0);
    CHECK_OK(make_simple(&b, tcti, pin, 1u << PCR_TEST));
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    CHECK_OK(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1));
    CHECK_MEM_EQ(out, secret, sizeof secret);

    CHECK(hw_tpm_pcr_extend(tcti, PCR_TEST) == 0);
    CHECK_RC(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1),
             PQCE_ERR_POLICY);
    pqce_backend_detail(b, d, sizeof d);
    CHECK_MSG(strstr(d, "PCR policy") != NULL, "detail: %s", d);
    CHECK(all_zero(out, sizeof out));
    CHECK(nothing_loaded(tcti));

    /* a backend configured without the policy does not get to bypass it */
    CHECK_OK(make_simple(&nopcr, tcti, pin, 0));
    CHECK_RC(
        pqce_backend_unseal(nopcr, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1),
        PQCE_ERR_POLICY);

    /* the PCR back at its sealed value: unseal works again */
    CHECK(hw_tpm_pcr_reset(tcti, PCR_TEST) == 0);
    CHECK_OK(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1));
    CHECK_MEM_EQ(out, secret, sizeof secret);
    pqce_backend_free(b);
    pqce_backend_free(nopcr);
    CHECK(nothing_loaded(tcti));
}

static void test_tpm2_pcr_extend_refuses_unseal_with_policy_error(void)
{
    pcr_policy_case(NULL);
}

static void test_tpm2_pcr_policy_with_pin(void)
{
    pcr_policy_case("8642");
}

static void test_tpm2_counter_defined_on_first_use_and_monotonic(void)
{
    const char *tcti = hw_env("PQCE_TEST_TPM2_TCTI");
    CHECK(tcti != NULL);
    pqce_backend *b = NULL;
    uint64_t v0 = 0, v = 0;
    char d[256];
    CHECK_OK(make(&b, tcti, NULL, 0, next_index++, NULL, 0));
    pqce_device_info info;
    CHECK_OK(pqce_backend_device_info(b, &info));
    CHECK((info.capabilities & PQCE_CAP_MONOTONIC_COUNTER) != 0);
    CHECK(pqce_backend_has_counter(b));
    /* never defined: defined and initialised by the first read */
    CHECK_OK(pqce_backend_counter_read(b, &v0));
    CHECK(v0 >= 1);
    CHECK_OK(pqce_backend_counter_read(b, &v));
    CHECK(v == v0);
    /* advance is max(current, target) */
    CHECK_OK(pqce_backend_counter_advance(b, v0 + 1));
    CHECK_OK(pqce_backend_counter_read(b, &v));
    CHECK(v == v0 + 1);
    CHECK_OK(pqce_backend_counter_advance(b, v0));
    CHECK_OK(pqce_backend_counter_read(b, &v));
    CHECK(v == v0 + 1);
    CHECK_OK(pqce_backend_counter_advance(b, v0 + 6)); /* five increments */
    CHECK_OK(pqce_backend_counter_read(b, &v));
    CHECK(v == v0 + 6);
    /* bounded: a huge target is refused, nothing is incremented */
    CHECK_RC(pqce_backend_counter_advance(b, v0 + 6 + 5000), PQCE_ERR_BACKEND);
    pqce_backend_detail(b, d, sizeof d);
    CHECK_MSG(strstr(d, "refusing") != NULL, "detail: %s", d);
    CHECK_OK(pqce_backend_counter_read(b, &v));
    CHECK(v == v0 + 6);
    pqce_backend_free(b);
    CHECK(nothing_loaded(tcti));
}

static void test_tpm2_counter_index_is_checked(void)
{
    const char *tcti = hw_env("PQCE_TEST_TPM2_TCTI");
    CHECK(tcti != NULL);
    pqce_backend *b = NULL;
    char d[256] = "";
    uint64_t v;
    /* outside the owner range */
    CHECK_RC(make(&b, tcti, NULL, 0, 0x01500016u, d, sizeof d), PQCE_ERR_INVALID_ARG);
    CHECK(b == NULL && strstr(d, "owner range") != NULL);
    CHECK_RC(make(&b, tcti, NULL, 0, 0x01C00000u, d, sizeof d), PQCE_ERR_INVALID_ARG);
    /* no counter at all */
    CHECK_OK(make(&b, tcti, NULL, 0, PQCE_TPM2_NV_NONE, NULL, 0));
    CHECK(!pqce_backend_has_counter(b));
    CHECK_RC(pqce_backend_counter_read(b, &v), PQCE_ERR_UNSUPPORTED);
    pqce_device_info info;
    CHECK_OK(pqce_backend_device_info(b, &info));
    CHECK((info.capabilities & PQCE_CAP_MONOTONIC_COUNTER) == 0);
    pqce_backend_free(b);
    /* an index that exists and is not a counter */
    uint32_t idx = next_index++;
    CHECK(hw_tpm_nv_define_ordinary(tcti, idx) == 0);
    CHECK_OK(make(&b, tcti, NULL, 0, idx, NULL, 0));
    CHECK_RC(pqce_backend_counter_read(b, &v), PQCE_ERR_BACKEND);
    pqce_backend_detail(b, d, sizeof d);
    CHECK_MSG(strstr(d, "not a counter") != NULL, "detail: %s", d);
    pqce_backend_free(b);
    CHECK(nothing_loaded(tcti));
}

static void test_tpm2_blob_bound_to_its_counter_index(void)
{
    const char *tcti = hw_env("PQCE_TEST_TPM2_TCTI");
    CHECK(tcti != NULL);
    pqce_backend *a = NULL, *b = NULL;
    uint8_t secret[96], blob[PQCE_SEALED_BLOB_MAX], out[256];
    size_t blob_len = 0, out_len = 0;
    char d[256];
    test_fill(secret, sizeof secret, "tpm2-index", 0);
    CHECK_OK(make(&a, tcti, NULL, 0, 0x01BF0010u, NULL, 0));
    CHECK_OK(make(&b, tcti, NULL, 0, 0x01BF0011u, NULL, 0));
    CHECK_OK(pqce_backend_seal(a, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                               sizeof aad1));
    CHECK_RC(pqce_backend_unseal(b, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1),
             PQCE_ERR_BACKEND);
    pqce_backend_detail(b, d, sizeof d);
    CHECK_MSG(strstr(d, "0x01bf0010") != NULL, "detail: %s", d);
    CHECK_OK(pqce_backend_unseal(a, out, sizeof out, &out_len, blob, blob_len, aad1, sizeof aad1));
    pqce_backend_free(a);
    pqce_backend_free(b);
}

static void test_tpm2_secret_size_and_options_are_checked(void)
{
    const char *tcti = hw_env("PQCE_TEST_TPM2_TCTI");
    CHECK(tcti != NULL);
    pqce_backend *b = NULL;
    uint8_t secret[97] = {0}, blob[PQCE_SEALED_BLOB_MAX];
    size_t blob_len = 0;
    char d[256] = "";
    pqce_tpm2_options o;
    memset(&o, 0, sizeof o);
    o.version = PQCE_TPM2_OPTIONS_VERSION;
    o.tcti = tcti;
    o.detail = d;
    o.detail_cap = sizeof d;
    o.pin = "123456789012345678901234567890123"; /* 33 bytes */
    CHECK_RC(pqce_backend_tpm2_new(&b, &o), PQCE_ERR_INVALID_ARG);
    CHECK(strstr(d, "PIN") != NULL);
    o.pin = "";
    CHECK_RC(pqce_backend_tpm2_new(&b, &o), PQCE_ERR_INVALID_ARG);
    o.pin = NULL;
    o.pcr_mask = 1u << 24;
    CHECK_RC(pqce_backend_tpm2_new(&b, &o), PQCE_ERR_INVALID_ARG);
    o.pcr_mask = 1;
    o.pcr_bank = 0x0012; /* SM3 is not offered */
    CHECK_RC(pqce_backend_tpm2_new(&b, &o), PQCE_ERR_INVALID_ARG);
    o.pcr_bank = 0;
    o.version = 99;
    CHECK_RC(pqce_backend_tpm2_new(&b, &o), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_backend_tpm2_new(NULL, &o), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_backend_tpm2_new(&b, NULL), PQCE_ERR_INVALID_ARG);
    CHECK(b == NULL);

    CHECK_OK(make_simple(&b, tcti, NULL, 0));
    CHECK_RC(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, 97, NULL, 0),
             PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, 0, NULL, 0),
             PQCE_ERR_INVALID_ARG);
    CHECK_OK(pqce_backend_seal(b, blob, sizeof blob, &blob_len, secret, 96, NULL, 0));
    CHECK_RC(pqce_backend_seal(b, blob, 100, &blob_len, secret, 96, NULL, 0), PQCE_ERR_INVALID_ARG);
    pqce_backend_free(b);
    CHECK(nothing_loaded(tcti));
}

static void test_tpm2_unreachable_tcti_is_a_clear_error(void)
{
    pqce_backend *b = NULL;
    char d[256] = "";
    CHECK_RC(make(&b, "swtpm:path=/nonexistent/pqce-no-tpm.sock", NULL, 0, 0, d, sizeof d),
             PQCE_ERR_BACKEND);
    CHECK(b == NULL);
    CHECK_MSG(strstr(d, "not reachable") != NULL && strstr(d, "/nonexistent") != NULL, "detail: %s",
              d);
    CHECK_RC(make(&b, "no-such-tcti-module:x", NULL, 0, 0, d, sizeof d), PQCE_ERR_BACKEND);
}

/* A wrong owner authorisation fails the constructor (which proves the
 * storage key once) with a sentence, and costs exactly one DA failure. */
static void test_tpm2_wrong_owner_auth_is_a_clear_error(void)
{
    const char *tcti = hw_env("PQCE_TEST_TPM2_TCTI");
    CHECK(tcti != NULL);
    pqce_backend *b = NULL;
    char d[256] = "";
    uint32_t before = 0, after = 0, max = 0;
    int lockout = 1;
    CHECK(hw_tpm_da_state(tcti, &before, &max, &lockout) == 0 && !lockout && before + 1 < max);
    pqce_tpm2_options o;
    memset(&o, 0, sizeof o);
    o.version = PQCE_TPM2_OPTIONS_VERSION;
    o.tcti = tcti;
    o.owner_auth = "not-the-owner";
    o.detail = d;
    o.detail_cap = sizeof d;
    CHECK_RC(pqce_backend_tpm2_new(&b, &o), PQCE_ERR_BACKEND);
    CHECK(b == NULL);
    CHECK_MSG(strstr(d, "owner authorisation") != NULL, "detail: %s", d);
    CHECK(hw_tpm_da_state(tcti, &after, &max, &lockout) == 0 && !lockout);
    CHECK(after <= before + 1);
    CHECK(hw_tpm_da_reset(tcti) == 0);
    CHECK(nothing_loaded(tcti));
}

static void test_tpm2_device_info(void)
{
    const char *tcti = hw_env("PQCE_TEST_TPM2_TCTI");
    CHECK(tcti != NULL);
    pqce_backend *b = NULL, *b2 = NULL;
    pqce_device_info i1, i2;
    CHECK_OK(make(&b, tcti, NULL, 0, 0, NULL, 0));
    CHECK_OK(pqce_backend_device_info(b, &i1));
    CHECK(strcmp(i1.backend, "tpm2") == 0);
    CHECK(strcmp(i1.enclave_vendor, "IBM") == 0);
    CHECK(strncmp(i1.device_model, "TPM 2.0 IBM", 11) == 0);
    CHECK(strlen(i1.device_id) == 32);
    /* swtpm is a simulator: not hardware-bound; the default index is a counter */
    CHECK(i1.capabilities == PQCE_CAP_MONOTONIC_COUNTER);
    /* stable: derived from the TPM's storage key */
    CHECK_OK(make(&b2, tcti, NULL, 0, 0, NULL, 0));
    CHECK_OK(pqce_backend_device_info(b2, &i2));
    CHECK(strcmp(i1.device_id, i2.device_id) == 0);
    pqce_backend_free(b2);
    pqce_tpm2_options o;
    memset(&o, 0, sizeof o);
    o.version = PQCE_TPM2_OPTIONS_VERSION;
    o.tcti = tcti;
    o.device_id = "edge-box-9";
    o.device_model = "jetson-orin";
    CHECK_OK(pqce_backend_tpm2_new(&b2, &o));
    CHECK_OK(pqce_backend_device_info(b2, &i2));
    CHECK(strcmp(i2.device_id, "edge-box-9") == 0 && strcmp(i2.device_model, "jetson-orin") == 0);
    CHECK_RC(pqce_backend_user_presence(b2, "why"), PQCE_ERR_UNSUPPORTED);
    pqce_backend_free(b2);
    pqce_backend_free(b);
    CHECK(nothing_loaded(tcti));
}

static void test_tpm2_is_listed_as_available(void)
{
    const char *tcti = hw_env("PQCE_TEST_TPM2_TCTI");
    CHECK(tcti != NULL);
    pqce_backend_status st[PQCE_BACKEND_LIST_COUNT];
    size_t n = 0;
    pqce_backend_list_options lo = {PQCE_BACKEND_LIST_OPTIONS_VERSION, tcti, NULL};
    CHECK_OK(pqce_backend_list(st, PQCE_BACKEND_LIST_COUNT, &n, &lo));
    CHECK(n == PQCE_BACKEND_LIST_COUNT && strcmp(st[2].name, "tpm2") == 0);
    CHECK(st[2].compiled_in == 1 && st[2].available == 1);
    CHECK(st[2].capabilities == PQCE_CAP_MONOTONIC_COUNTER); /* a simulator */
    CHECK_MSG(strstr(st[2].detail, "IBM") != NULL && strstr(st[2].detail, "simulator") != NULL,
              "detail: %s", st[2].detail);
    printf("  tpm2: %s\n", st[2].detail);
    /* and an unreachable one says why */
    lo.tpm2_tcti = "swtpm:path=/nonexistent/sock";
    CHECK_OK(pqce_backend_list(st, PQCE_BACKEND_LIST_COUNT, &n, &lo));
    CHECK(st[2].compiled_in == 1 && st[2].available == 0 && st[2].capabilities == 0);
    CHECK_MSG(strstr(st[2].detail, "not reachable") != NULL, "detail: %s", st[2].detail);
    CHECK(strstr(pqce_build_info(), "PQCE_WITH_TPM2=1") != NULL);
}

typedef struct thread_arg {
    pqce_backend *b;
    int ok;
    unsigned seed;
} thread_arg;

static void *seal_unseal_loop(void *p)
{
    thread_arg *a = p;
    uint8_t secret[96], blob[PQCE_SEALED_BLOB_MAX], out[256];
    size_t blob_len = 0, out_len = 0;
    a->ok = 1;
    for (int i = 0; i < 4 && a->ok; i++) {
        test_fill(secret, sizeof secret, "tpm2-thread", a->seed * 100u + (unsigned)i);
        a->ok = pqce_backend_seal(a->b, blob, sizeof blob, &blob_len, secret, sizeof secret, aad1,
                                  sizeof aad1) == PQCE_OK &&
                pqce_backend_unseal(a->b, out, sizeof out, &out_len, blob, blob_len, aad1,
                                    sizeof aad1) == PQCE_OK &&
                out_len == sizeof secret && memcmp(out, secret, sizeof secret) == 0;
    }
    return NULL;
}

/* One backend, several threads: operations are serialised, none fails. */
static void test_tpm2_backend_is_thread_safe(void)
{
    const char *tcti = hw_env("PQCE_TEST_TPM2_TCTI");
    CHECK(tcti != NULL);
    pqce_backend *b = NULL;
    CHECK_OK(make_simple(&b, tcti, NULL, 0));
    pthread_t th[3];
    thread_arg args[3];
    for (unsigned i = 0; i < 3; i++) {
        args[i].b = b;
        args[i].seed = i;
        CHECK(pthread_create(&th[i], NULL, seal_unseal_loop, &args[i]) == 0);
    }
    for (unsigned i = 0; i < 3; i++) {
        pthread_join(th[i], NULL);
    }
    for (unsigned i = 0; i < 3; i++) {
        CHECK(args[i].ok);
    }
    pqce_backend_free(b);
    CHECK(nothing_loaded(tcti));
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_tpm2_seal_unseal_round_trip),
        TEST_CASE(test_tpm2_blob_is_header_private_and_public),
        TEST_CASE(test_tpm2_rejects_other_aad),
        TEST_CASE(test_tpm2_rejects_every_tampered_byte),
        TEST_CASE(test_tpm2_blob_of_another_tpm_is_refused),
        TEST_CASE(test_tpm2_wrong_pin_is_locked_and_never_reaches_the_lockout),
        TEST_CASE(test_tpm2_pcr_extend_refuses_unseal_with_policy_error),
        TEST_CASE(test_tpm2_pcr_policy_with_pin),
        TEST_CASE(test_tpm2_counter_defined_on_first_use_and_monotonic),
        TEST_CASE(test_tpm2_counter_index_is_checked),
        TEST_CASE(test_tpm2_blob_bound_to_its_counter_index),
        TEST_CASE(test_tpm2_secret_size_and_options_are_checked),
        TEST_CASE(test_tpm2_unreachable_tcti_is_a_clear_error),
        TEST_CASE(test_tpm2_wrong_owner_auth_is_a_clear_error),
        TEST_CASE(test_tpm2_device_info),
        TEST_CASE(test_tpm2_is_listed_as_available),
        TEST_CASE(test_tpm2_backend_is_thread_safe),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}

#else /* !PQCE_WITH_TPM2 */

static void test_tpm2_constructor_is_unsupported_without_the_backend(void)
{
    pqce_backend *b = (pqce_backend *)&b;
    char d[256] = "";
    pqce_tpm2_options o;
    memset(&o, 0, sizeof o);
    o.version = PQCE_TPM2_OPTIONS_VERSION;
    o.detail = d;
    o.detail_cap = sizeof d;
    CHECK_RC(pqce_backend_tpm2_new(&b, &o), PQCE_ERR_UNSUPPORTED);
    CHECK(b == NULL);
    CHECK_MSG(strstr(d, "does not include the TPM 2.0 backend") != NULL, "detail: %s", d);
    pqce_backend_status st[PQCE_BACKEND_LIST_COUNT];
    size_t n = 0;
    CHECK_OK(pqce_backend_list(st, PQCE_BACKEND_LIST_COUNT, &n, NULL));
    CHECK(strcmp(st[2].name, "tpm2") == 0 && st[2].compiled_in == 0 && st[2].available == 0);
    CHECK(strstr(st[2].detail, "not compiled in") != NULL);
    CHECK(strstr(pqce_build_info(), "PQCE_WITH_TPM2=0") != NULL);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_tpm2_constructor_is_unsupported_without_the_backend),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}

#endif /* PQCE_WITH_TPM2 */
