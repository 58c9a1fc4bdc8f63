/*
 * test_attestation.c - device attestations (pqce.h, "Device attestation";
 * docs/ATTESTATION.md): creation and verification for ML-DSA-65 and -87,
 * the canonical byte form and JSON round trips, every single-bit change,
 * every field change, the seed's W9 forgeries (swapped signer id, an
 * attacker's key with the victim's DID, a relabelled algorithm, a replay
 * with another nonce, a self-certifying statement), trusted key sets, the
 * seed's tests 5-8 and 18, and malformed input.
 *
 * Statements with altered fields are built by doc_encode below, which
 * writes the canonical form from docs/ATTESTATION.md independently of the
 * library; test_encoding_matches_the_documented_layout checks that the two
 * agree byte for byte.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test.h"
#include "vault/attestation.h"

#define ENC_MAX  12000
#define JSON_MAX 32768
#define CONTEXT  "pqce-attestation/v1"

/* ---- keys */

typedef struct keyset {
    unsigned alg;
    uint8_t pk[PQCE_MLDSA87_PK_BYTES];
    uint8_t sk[PQCE_MLDSA87_SK_BYTES];
    size_t pk_len, sk_len, sig_len;
} keyset;

static int keyset_make(keyset *k, unsigned alg, uint8_t seed_byte)
{
    uint8_t seed[PQCE_MLDSA_SEED_BYTES];
    memset(seed, seed_byte, sizeof seed);
    memset(k, 0, sizeof *k);
    k->alg = alg;
    if (alg == 65) {
        k->pk_len = PQCE_MLDSA65_PK_BYTES;
        k->sk_len = PQCE_MLDSA65_SK_BYTES;
        k->sig_len = PQCE_MLDSA65_SIG_BYTES;
        return pqce_mldsa65_keypair_derand(k->pk, k->sk, seed);
    }
    k->pk_len = PQCE_MLDSA87_PK_BYTES;
    k->sk_len = PQCE_MLDSA87_SK_BYTES;
    k->sig_len = PQCE_MLDSA87_SIG_BYTES;
    return pqce_mldsa87_keypair_derand(k->pk, k->sk, seed);
}

/* The device's key, an attacker's key (same set) and one of the other set. */
static keyset victim65, attacker65, victim87, attacker87;

static int keys_ready(void)
{
    static int done;
    if (!done) {
        if (keyset_make(&victim65, 65, 1) != 0 || keyset_make(&attacker65, 65, 2) != 0 ||
            keyset_make(&victim87, 87, 3) != 0 || keyset_make(&attacker87, 87, 4) != 0) {
            return 0;
        }
        done = 1;
    }
    return 1;
}

/* ---- a deterministic and a failing RNG */

typedef struct det_rng {
    const char *label;
    uint64_t counter;
} det_rng;

static int det_fill(void *ctx, uint8_t *out, size_t len)
{
    det_rng *d = ctx;
    test_fill(out, len, d->label, d->counter++);
    return 0;
}

static int failing_fill(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    (void)out;
    (void)len;
    return -1;
}

/* ---- statements */

static const uint8_t test_nonce[16] = {0xc0, 0xff, 0xee, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13};
#define TEST_ISSUED_MS 1776681296789ull /* 2026-04-20T10:34:56.789Z */

static pqce_attestation_fields base_fields(void)
{
    pqce_attestation_fields f;
    memset(&f, 0, sizeof f);
    f.device_id = "iphone-alice-test";
    f.device_model = "iphone-15-pro";
    f.enclave_vendor = "apple-secure-enclave";
    f.artifact_id = "urn:pqc-enclave-art:0123456789abcdef0123456789abcdef";
    test_fill(f.content_sha3_256, sizeof f.content_sha3_256, "content", 0);
    f.issued_ms = TEST_ISSUED_MS;
    f.nonce = test_nonce;
    f.nonce_len = sizeof test_nonce;
    return f;
}

static int create_with(pqce_attestation **att, const keyset *k, const pqce_attestation_fields *f)
{
    det_rng d = {"attestation-sign", 0};
    pqce_rng rng = {PQCE_RNG_VERSION, det_fill, &d};
    return pqce_attestation_create(att, f, k->alg, k->sk, k->sk_len, k->pk, k->pk_len, &rng);
}

static int create_base(pqce_attestation **att, const keyset *k)
{
    pqce_attestation_fields f = base_fields();
    return create_with(att, k, &f);
}

/* ---- the canonical form, written from docs/ATTESTATION.md section 3 */

static size_t put_str(uint8_t *out, size_t n, const char *s)
{
    size_t len = strlen(s);
    out[n++] = (uint8_t)len;
    memcpy(out + n, s, len);
    return n + len;
}

static size_t put_u16(uint8_t *out, size_t n, size_t v)
{
    out[n++] = (uint8_t)(v >> 8);
    out[n++] = (uint8_t)v;
    return n;
}

/* The statement (the signed message) and, if with_sig, the signature
 * field. Field lengths are taken as given, so tests can write encodings
 * that break the bounds. */
static size_t doc_encode(uint8_t *out, const pqce_attestation_fields *f, int with_sig)
{
    static const uint8_t magic[8] = {0x89, 'P', 'Q', 'A', 'T', 0x0D, 0x0A, 0x1A};
    size_t n = 0;
    memcpy(out, magic, sizeof magic);
    n += sizeof magic;
    n = put_u16(out, n, 1);
    n = put_str(out, n, f->device_id);
    n = put_str(out, n, f->device_model);
    n = put_str(out, n, f->enclave_vendor);
    n = put_str(out, n, f->artifact_id);
    memcpy(out + n, f->content_sha3_256, 32);
    n += 32;
    for (int i = 7; i >= 0; i--) {
        out[n++] = (uint8_t)(f->issued_ms >> (8 * i));
    }
    n = put_str(out, n, f->algorithm);
    n = put_str(out, n, f->signer_id);
    out[n++] = (uint8_t)f->nonce_len;
    if (f->nonce_len > 0) {
        memcpy(out + n, f->nonce, f->nonce_len);
    }
    n += f->nonce_len;
    n = put_u16(out, n, f->public_key_len);
    memcpy(out + n, f->public_key, f->public_key_len);
    n += f->public_key_len;
    if (with_sig) {
        n = put_u16(out, n, f->signature_len);
        memcpy(out + n, f->signature, f->signature_len);
        n += f->signature_len;
    }
    return n;
}

/* Pure ML-DSA with the attestation context, deterministic. */
static int raw_sign(const keyset *k, uint8_t *sig, const uint8_t *msg, size_t len)
{
    static const uint8_t rnd[PQCE_MLDSA_RND_BYTES];
    if (k->alg == 65) {
        return pqce_mldsa65_sign_derand(sig, msg, len, (const uint8_t *)CONTEXT, sizeof CONTEXT - 1,
                                        k->sk, rnd);
    }
    return pqce_mldsa87_sign_derand(sig, msg, len, (const uint8_t *)CONTEXT, sizeof CONTEXT - 1,
                                    k->sk, rnd);
}

/* Pure ML-DSA verification of a statement, without the attestation checks:
 * what the seed's self-certifying verify amounted to. */
static int raw_verify(const uint8_t *pk, size_t pk_len, const uint8_t *sig, size_t sig_len,
                      const uint8_t *msg, size_t len)
{
    if (pk_len == PQCE_MLDSA65_PK_BYTES) {
        return pqce_mldsa65_verify(sig, sig_len, msg, len, (const uint8_t *)CONTEXT,
                                   sizeof CONTEXT - 1, pk);
    }
    return pqce_mldsa87_verify(sig, sig_len, msg, len, (const uint8_t *)CONTEXT, sizeof CONTEXT - 1,
                               pk);
}

/* Encodes f with a fresh signature by k (f's own signature is ignored). */
static size_t doc_encode_signed(uint8_t *out, pqce_attestation_fields *f, const keyset *k,
                                uint8_t *sig)
{
    size_t msg_len = doc_encode(out, f, 0);
    if (raw_sign(k, sig, out, msg_len) != 0) {
        return 0;
    }
    f->signature = sig;
    f->signature_len = k->sig_len;
    return doc_encode(out, f, 1);
}

/* decode, then verify: the first error, or 0 if both pass. */
static int decode_verify(const uint8_t *enc, size_t len, const keyset *k, const uint8_t *nonce,
                         size_t nonce_len)
{
    pqce_attestation *a = NULL;
    int rc = pqce_attestation_decode(&a, enc, len);
    if (rc == 0) {
        rc = pqce_attestation_verify(a, k->pk, k->pk_len, nonce, nonce_len);
    }
    pqce_attestation_free(a);
    return rc;
}

static void did_of(char out[75], const uint8_t *pk, size_t pk_len)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t h[32];
    if (pqce_sha3_256(h, pk, pk_len) != 0) {
        memset(h, 0, sizeof h);
    }
    memcpy(out, "did:pqaid:", 10);
    for (size_t i = 0; i < 32; i++) {
        out[10 + 2 * i] = hex[h[i] >> 4];
        out[11 + 2 * i] = hex[h[i] & 15];
    }
    out[74] = '\0';
}

static int fields_equal(const pqce_attestation_fields *a, const pqce_attestation_fields *b)
{
    return strcmp(a->device_id, b->device_id) == 0 &&
           strcmp(a->device_model, b->device_model) == 0 &&
           strcmp(a->enclave_vendor, b->enclave_vendor) == 0 &&
           strcmp(a->artifact_id, b->artifact_id) == 0 &&
           memcmp(a->content_sha3_256, b->content_sha3_256, 32) == 0 &&
           a->issued_ms == b->issued_ms && strcmp(a->algorithm, b->algorithm) == 0 &&
           strcmp(a->signer_id, b->signer_id) == 0 && a->nonce_len == b->nonce_len &&
           (a->nonce_len == 0 || memcmp(a->nonce, b->nonce, a->nonce_len) == 0) &&
           a->public_key_len == b->public_key_len &&
           memcmp(a->public_key, b->public_key, a->public_key_len) == 0 &&
           a->signature_len == b->signature_len &&
           memcmp(a->signature, b->signature, a->signature_len) == 0;
}

/* ---- creation and verification */

static void check_create_verifies(const keyset *k, const char *alg_name)
{
    pqce_attestation *a = NULL;
    pqce_attestation_fields f;
    CHECK(keys_ready());
    CHECK_OK(create_base(&a, k));
    CHECK_OK(pqce_attestation_verify(a, k->pk, k->pk_len, test_nonce, sizeof test_nonce));
    CHECK_OK(pqce_attestation_verify(a, k->pk, k->pk_len, NULL, 0));
    CHECK(pqce_attestation_is_valid(a, k->pk, k->pk_len, test_nonce, sizeof test_nonce) == 1);
    CHECK_OK(pqce_attestation_fields_get(a, &f));
    CHECK(strcmp(f.algorithm, alg_name) == 0);
    CHECK(f.public_key_len == k->pk_len && f.signature_len == k->sig_len);
    pqce_attestation_free(a);
}

static void test_create_then_verify_is_valid_for_mldsa65(void)
{
    check_create_verifies(&victim65, "ML-DSA-65");
}

static void test_create_then_verify_is_valid_for_mldsa87(void)
{
    check_create_verifies(&victim87, "ML-DSA-87");
}

static void test_encoding_matches_the_documented_layout(void)
{
    uint8_t enc[ENC_MAX], doc[ENC_MAX];
    size_t len;
    pqce_attestation *a = NULL;
    pqce_attestation_fields f;
    CHECK(keys_ready());
    const keyset *ks[2] = {&victim65, &victim87};
    for (int i = 0; i < 2; i++) {
        CHECK_OK(create_base(&a, ks[i]));
        CHECK_OK(pqce_attestation_encode(a, enc, sizeof enc, &len));
        CHECK_OK(pqce_attestation_fields_get(a, &f));
        size_t doc_len = doc_encode(doc, &f, 1);
        CHECK(doc_len == len);
        CHECK_MEM_EQ(enc, doc, len);
        /* The signature is pure ML-DSA with the documented context over
         * the encoding without its signature field. */
        size_t msg_len = len - 2 - f.signature_len;
        CHECK(enc[msg_len] == (uint8_t)(f.signature_len >> 8) &&
              enc[msg_len + 1] == (uint8_t)f.signature_len);
        CHECK_OK(raw_verify(ks[i]->pk, ks[i]->pk_len, f.signature, f.signature_len, enc, msg_len));
        pqce_attestation_free(a);
        a = NULL;
    }
}

static void test_create_sets_issued_ms_to_now_when_zero(void)
{
    pqce_attestation *a = NULL;
    pqce_attestation_fields f = base_fields(), g;
    struct timespec t0, t1;
    CHECK(keys_ready());
    f.issued_ms = 0;
    clock_gettime(CLOCK_REALTIME, &t0);
    CHECK_OK(create_with(&a, &victim65, &f));
    clock_gettime(CLOCK_REALTIME, &t1);
    CHECK_OK(pqce_attestation_fields_get(a, &g));
    uint64_t lo = (uint64_t)t0.tv_sec * 1000u + (uint64_t)t0.tv_nsec / 1000000u;
    uint64_t hi = (uint64_t)t1.tv_sec * 1000u + (uint64_t)t1.tv_nsec / 1000000u;
    CHECK(g.issued_ms >= lo && g.issued_ms <= hi);
    CHECK_OK(pqce_attestation_verify(a, victim65.pk, victim65.pk_len, NULL, 0));
    pqce_attestation_free(a);
}

static void test_signing_is_hedged_with_the_given_rng(void)
{
    pqce_attestation *a = NULL, *b = NULL, *c = NULL;
    pqce_attestation_fields fa, fb, fc, f = base_fields();
    CHECK(keys_ready());
    CHECK_OK(create_with(&a, &victim65, &f));
    CHECK_OK(create_with(&b, &victim65, &f)); /* the same RNG stream */
    CHECK_OK(pqce_attestation_create(&c, &f, 65, victim65.sk, victim65.sk_len, victim65.pk,
                                     victim65.pk_len, NULL)); /* the OS */
    CHECK_OK(pqce_attestation_fields_get(a, &fa));
    CHECK_OK(pqce_attestation_fields_get(b, &fb));
    CHECK_OK(pqce_attestation_fields_get(c, &fc));
    CHECK(memcmp(fa.signature, fb.signature, fa.signature_len) == 0);
    CHECK(memcmp(fa.signature, fc.signature, fa.signature_len) != 0);
    CHECK_OK(pqce_attestation_verify(c, victim65.pk, victim65.pk_len, NULL, 0));
    pqce_attestation_free(a);
    pqce_attestation_free(b);
    pqce_attestation_free(c);
}

static void test_create_rejects_bad_arguments(void)
{
    pqce_attestation *a = (pqce_attestation *)&a;
    pqce_attestation_fields f = base_fields();
    const keyset *k = &victim65;
    char long_field[257];
    CHECK(keys_ready());
#define CREATE(fp, alg, sk, sk_len, pk, pk_len) \
    pqce_attestation_create(&a, fp, alg, sk, sk_len, pk, pk_len, NULL)
    CHECK_RC(pqce_attestation_create(NULL, &f, 65, k->sk, k->sk_len, k->pk, k->pk_len, NULL),
             PQCE_ERR_INVALID_ARG);
    CHECK_RC(CREATE(NULL, 65, k->sk, k->sk_len, k->pk, k->pk_len), PQCE_ERR_INVALID_ARG);
    CHECK(a == NULL); /* cleared on error */
    CHECK_RC(CREATE(&f, 65, NULL, k->sk_len, k->pk, k->pk_len), PQCE_ERR_INVALID_ARG);
    CHECK_RC(CREATE(&f, 65, k->sk, k->sk_len, NULL, k->pk_len), PQCE_ERR_INVALID_ARG);
    CHECK_RC(CREATE(&f, 44, k->sk, k->sk_len, k->pk, k->pk_len), PQCE_ERR_INVALID_ARG);
    CHECK_RC(CREATE(&f, 87, k->sk, k->sk_len, k->pk, k->pk_len), PQCE_ERR_INVALID_ARG);
    CHECK_RC(CREATE(&f, 65, k->sk, k->sk_len - 1, k->pk, k->pk_len), PQCE_ERR_INVALID_ARG);
    CHECK_RC(CREATE(&f, 65, k->sk, k->sk_len, k->pk, k->pk_len + 1), PQCE_ERR_INVALID_ARG);
    /* a secret key that does not belong to the public key */
    CHECK_RC(CREATE(&f, 65, k->sk, k->sk_len, attacker65.pk, k->pk_len), PQCE_ERR_INVALID_ARG);
    memset(long_field, 'x', 256);
    long_field[256] = '\0';
    pqce_attestation_fields g = f;
    g.device_id = long_field;
    CHECK_RC(CREATE(&g, 65, k->sk, k->sk_len, k->pk, k->pk_len), PQCE_ERR_INVALID_ARG);
    long_field[255] = '\0'; /* 255 bytes: the bound itself is accepted */
    CHECK_OK(CREATE(&g, 65, k->sk, k->sk_len, k->pk, k->pk_len));
    CHECK_OK(pqce_attestation_verify(a, k->pk, k->pk_len, NULL, 0));
    pqce_attestation_free(a);
    g = f;
    g.device_model = NULL;
    CHECK_RC(CREATE(&g, 65, k->sk, k->sk_len, k->pk, k->pk_len), PQCE_ERR_INVALID_ARG);
    g = f;
    g.enclave_vendor = "bad\x01vendor";
    CHECK_RC(CREATE(&g, 65, k->sk, k->sk_len, k->pk, k->pk_len), PQCE_ERR_INVALID_ARG);
    g = f;
    g.device_id = "bad\xff";
    CHECK_RC(CREATE(&g, 65, k->sk, k->sk_len, k->pk, k->pk_len), PQCE_ERR_INVALID_ARG);
    g = f;
    g.artifact_id = "";
    CHECK_RC(CREATE(&g, 65, k->sk, k->sk_len, k->pk, k->pk_len), PQCE_ERR_INVALID_ARG);
    g = f;
    g.nonce_len = PQCE_ATTESTATION_NONCE_MAX + 1;
    CHECK_RC(CREATE(&g, 65, k->sk, k->sk_len, k->pk, k->pk_len), PQCE_ERR_INVALID_ARG);
    g = f;
    g.nonce = NULL;
    CHECK_RC(CREATE(&g, 65, k->sk, k->sk_len, k->pk, k->pk_len), PQCE_ERR_INVALID_ARG);
    g = f;
    g.issued_ms = 253402300800000ull; /* 10000-01-01 */
    CHECK_RC(CREATE(&g, 65, k->sk, k->sk_len, k->pk, k->pk_len), PQCE_ERR_INVALID_ARG);
#undef CREATE
    /* a failing RNG is an error, not an unsigned statement */
    pqce_rng bad = {PQCE_RNG_VERSION, failing_fill, NULL};
    a = (pqce_attestation *)&a;
    CHECK_RC(pqce_attestation_create(&a, &f, 65, k->sk, k->sk_len, k->pk, k->pk_len, &bad),
             PQCE_ERR_RANDOM);
    CHECK(a == NULL);
}

/* ---- round trips */

static void check_round_trips(const keyset *k, const uint8_t *nonce, size_t nonce_len)
{
    static uint8_t enc[ENC_MAX], enc2[ENC_MAX];
    static char json[JSON_MAX];
    size_t len, len2, json_len;
    pqce_attestation *a = NULL, *b = NULL, *c = NULL;
    pqce_attestation_fields fa, fb, fc, f = base_fields();
    f.nonce = nonce;
    f.nonce_len = nonce_len;
    CHECK_OK(create_with(&a, k, &f));
    CHECK_OK(pqce_attestation_encode(a, enc, sizeof enc, &len));
    CHECK_OK(pqce_attestation_decode(&b, enc, len));
    CHECK_OK(pqce_attestation_to_json(a, json, sizeof json, &json_len));
    CHECK(json_len == strlen(json));
    CHECK_OK(pqce_attestation_from_json(&c, json, json_len));
    CHECK_OK(pqce_attestation_fields_get(a, &fa));
    CHECK_OK(pqce_attestation_fields_get(b, &fb));
    CHECK_OK(pqce_attestation_fields_get(c, &fc));
    CHECK(fields_equal(&fa, &fb));
    CHECK(fields_equal(&fa, &fc));
    CHECK_OK(pqce_attestation_verify(b, k->pk, k->pk_len, nonce, nonce_len));
    CHECK_OK(pqce_attestation_verify(c, k->pk, k->pk_len, nonce, nonce_len));
    /* decode and from_json give the very same canonical bytes back */
    CHECK_OK(pqce_attestation_encode(b, enc2, sizeof enc2, &len2));
    CHECK(len2 == len);
    CHECK_MEM_EQ(enc2, enc, len);
    CHECK_OK(pqce_attestation_encode(c, enc2, sizeof enc2, &len2));
    CHECK(len2 == len);
    CHECK_MEM_EQ(enc2, enc, len);
    pqce_attestation_free(a);
    pqce_attestation_free(b);
    pqce_attestation_free(c);
}

static void test_encode_decode_and_json_round_trips_preserve_every_field(void)
{
    uint8_t long_nonce[PQCE_ATTESTATION_NONCE_MAX];
    test_fill(long_nonce, sizeof long_nonce, "nonce", 1);
    CHECK(keys_ready());
    check_round_trips(&victim65, test_nonce, sizeof test_nonce);
    CHECK(!test_failed());
    check_round_trips(&victim87, test_nonce, sizeof test_nonce);
    CHECK(!test_failed());
    check_round_trips(&victim65, NULL, 0);
    CHECK(!test_failed());
    check_round_trips(&victim87, long_nonce, sizeof long_nonce);
}

static void test_json_has_the_documented_members(void)
{
    static char json[JSON_MAX];
    size_t len;
    pqce_attestation *a = NULL;
    CHECK(keys_ready());
    CHECK_OK(create_base(&a, &victim65));
    CHECK_OK(pqce_attestation_to_json(a, json, sizeof json, &len));
    const char *expect_prefix =
        "{\"version\":1,\"device_id\":\"iphone-alice-test\",\"device_model\":\"iphone-15-pro\","
        "\"enclave_vendor\":\"apple-secure-enclave\","
        "\"artifact_id\":\"urn:pqc-enclave-art:0123456789abcdef0123456789abcdef\","
        "\"content_sha3_256\":\"";
    CHECK(strncmp(json, expect_prefix, strlen(expect_prefix)) == 0);
    CHECK(strstr(json, "\"issued_ms\":1776681296789,\"issued_at\":\"2026-04-20T10:34:56.789Z\","
                       "\"algorithm\":\"ML-DSA-65\",\"signer_id\":\"did:pqaid:") != NULL);
    CHECK(strstr(json, "\"nonce\":\"c0ffee0102030405060708090a0b0c0d\",\"public_key\":\"") != NULL);
    CHECK(strstr(json, "\"signature\":\"") != NULL);
    CHECK(json[len - 1] == '}');
    pqce_attestation_free(a);
}

static void test_issued_at_is_iso8601_utc(void)
{
    static const struct {
        uint64_t ms;
        const char *iso;
    } cases[] = {
        {0, "1970-01-01T00:00:00.000Z"},
        {951782400000ull, "2000-02-29T00:00:00.000Z"},
        {1709164800123ull, "2024-02-29T00:00:00.123Z"},
        {4107542399999ull, "2100-02-28T23:59:59.999Z"},
        {TEST_ISSUED_MS, "2026-04-20T10:34:56.789Z"},
        {253402300799999ull, "9999-12-31T23:59:59.999Z"},
    };
    static char json[JSON_MAX];
    size_t len;
    CHECK(keys_ready());
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        pqce_attestation *a = NULL, *b = NULL;
        pqce_attestation_fields f = base_fields();
        char want[64];
        f.issued_ms = cases[i].ms;
        if (cases[i].ms == 0) {
            /* create takes 0 as "now"; build the epoch statement by hand */
            static uint8_t enc[ENC_MAX], sig[PQCE_MLDSA87_SIG_BYTES];
            char did[75];
            did_of(did, victim65.pk, victim65.pk_len);
            f.algorithm = "ML-DSA-65";
            f.signer_id = did;
            f.public_key = victim65.pk;
            f.public_key_len = victim65.pk_len;
            size_t n = doc_encode_signed(enc, &f, &victim65, sig);
            CHECK(n > 0);
            CHECK_OK(pqce_attestation_decode(&a, enc, n));
        } else {
            CHECK_OK(create_with(&a, &victim65, &f));
        }
        CHECK_OK(pqce_attestation_to_json(a, json, sizeof json, &len));
        snprintf(want, sizeof want, "\"issued_at\":\"%s\"", cases[i].iso);
        CHECK_MSG(strstr(json, want) != NULL, "%s not in the JSON", want);
        CHECK_OK(pqce_attestation_from_json(&b, json, len));
        CHECK_OK(pqce_attestation_verify(b, victim65.pk, victim65.pk_len, NULL, 0));
        pqce_attestation_free(a);
        pqce_attestation_free(b);
    }
}

static void test_encode_and_to_json_report_the_size_needed(void)
{
    static uint8_t enc[ENC_MAX];
    static char json[JSON_MAX];
    size_t len = 0, need;
    pqce_attestation *a = NULL;
    CHECK(keys_ready());
    CHECK_OK(create_base(&a, &victim87));
    CHECK_RC(pqce_attestation_encode(a, NULL, 0, &need), PQCE_ERR_INVALID_ARG);
    CHECK(need > 0);
    CHECK_RC(pqce_attestation_encode(a, enc, need - 1, &len), PQCE_ERR_INVALID_ARG);
    CHECK(len == need);
    CHECK_OK(pqce_attestation_encode(a, enc, need, &len));
    CHECK(len == need);
    CHECK_RC(pqce_attestation_to_json(a, NULL, 0, &need), PQCE_ERR_INVALID_ARG);
    CHECK(need > 0);
    CHECK_RC(pqce_attestation_to_json(a, json, need, &len), PQCE_ERR_INVALID_ARG); /* no NUL room */
    CHECK(len == need);
    CHECK_OK(pqce_attestation_to_json(a, json, need + 1, &len));
    CHECK(len == need && json[len] == '\0');
    CHECK_RC(pqce_attestation_encode(NULL, enc, sizeof enc, &len), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_attestation_encode(a, enc, sizeof enc, NULL), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_attestation_to_json(NULL, json, sizeof json, &len), PQCE_ERR_INVALID_ARG);
    pqce_attestation_free(a);
}

/* ---- tampering */

/* Flips each bit of a statement's encoding in turn. With sig_stride > 1,
 * only every sig_stride-th bit of the signature itself is flipped (still
 * one in every byte for a stride of 9), which keeps the slower ML-DSA-87
 * run short; every other bit is always flipped. */
static void check_every_bit_flip(const keyset *k, size_t sig_stride)
{
    static uint8_t enc[ENC_MAX];
    size_t len, flips = 0;
    size_t format_errors = 0, invalid = 0;
    pqce_attestation *a = NULL;
    CHECK_OK(create_base(&a, k));
    CHECK_OK(pqce_attestation_encode(a, enc, sizeof enc, &len));
    pqce_attestation_free(a);
    const size_t sig_start = 8 * (len - k->sig_len);
    for (size_t bit = 0; bit < 8 * len; bit++) {
        if (bit >= sig_start && (bit - sig_start) % sig_stride != 0) {
            continue;
        }
        flips++;
        enc[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        int rc = decode_verify(enc, len, k, test_nonce, sizeof test_nonce);
        enc[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        CHECK_MSG(rc == PQCE_ERR_FORMAT || rc == PQCE_ERR_ATTESTATION, "bit %zu of %zu: %s", bit,
                  8 * len, pqce_error_name(rc));
        format_errors += rc == PQCE_ERR_FORMAT;
        invalid += rc == PQCE_ERR_ATTESTATION;
    }
    /* both lines of defence were exercised, and the original still passes */
    CHECK(format_errors > 0 && invalid > 0 && format_errors + invalid == flips);
    CHECK_OK(decode_verify(enc, len, k, test_nonce, sizeof test_nonce));
}

static void test_every_single_bit_flip_is_rejected_mldsa65(void)
{
    CHECK(keys_ready());
    check_every_bit_flip(&victim65, 1);
}

static void test_every_statement_bit_and_signature_byte_flip_is_rejected_mldsa87(void)
{
    CHECK(keys_ready());
    check_every_bit_flip(&victim87, 9);
}

static void test_changing_any_field_invalidates(void)
{
    static uint8_t enc[ENC_MAX];
    pqce_attestation *a = NULL;
    pqce_attestation_fields f;
    char other_did[75];
    const uint8_t other_nonce[4] = {9, 9, 9, 9};
    CHECK(keys_ready());
    CHECK_OK(create_base(&a, &victim65));
    CHECK_OK(pqce_attestation_fields_get(a, &f));
    did_of(other_did, attacker65.pk, attacker65.pk_len);
    for (int field = 0; field < 9; field++) {
        pqce_attestation_fields g = f;
        int expect_format = 0;
        switch (field) {
        case 0:
            g.device_id = "iphone-mallory";
            break;
        case 1:
            g.device_model = "pixel-8";
            break;
        case 2:
            g.enclave_vendor = "qualcomm-qsee";
            break;
        case 3:
            g.artifact_id = "urn:pqc-enclave-art:ffffffffffffffffffffffffffffffff";
            break;
        case 4:
            g.content_sha3_256[31] ^= 0x80;
            break;
        case 5:
            g.issued_ms += 1;
            break;
        case 6:
            /* the key's size binds the algorithm: this is not even parsed */
            g.algorithm = "ML-DSA-87";
            expect_format = 1;
            break;
        case 7:
            g.signer_id = other_did;
            break;
        default:
            g.nonce = other_nonce;
            g.nonce_len = sizeof other_nonce;
            break;
        }
        size_t len = doc_encode(enc, &g, 1);
        /* With no expected nonce, only the signature can object. */
        int rc = decode_verify(enc, len, &victim65, NULL, 0);
        CHECK_MSG(rc == (expect_format ? PQCE_ERR_FORMAT : PQCE_ERR_ATTESTATION), "field %d: %s",
                  field, pqce_error_name(rc));
        /* And the signature alone covers the field: raw ML-DSA over the
         * changed statement fails too (not just the DID or key checks). */
        size_t msg_len = doc_encode(enc, &g, 0);
        CHECK_MSG(raw_verify(victim65.pk, victim65.pk_len, g.signature, g.signature_len, enc,
                             msg_len) != 0,
                  "field %d is not covered by the signature", field);
    }
    pqce_attestation_free(a);
}

static void test_swapped_signer_id_is_invalid(void)
{
    static uint8_t enc[ENC_MAX], sig[PQCE_MLDSA87_SIG_BYTES];
    pqce_attestation *a = NULL;
    pqce_attestation_fields f, g;
    char other_did[75];
    CHECK(keys_ready());
    CHECK_OK(create_base(&a, &victim65));
    CHECK_OK(pqce_attestation_fields_get(a, &f));
    did_of(other_did, attacker65.pk, attacker65.pk_len);
    /* the seed's probe: swap the DID, keep the signature */
    g = f;
    g.signer_id = other_did;
    size_t len = doc_encode(enc, &g, 1);
    CHECK_RC(decode_verify(enc, len, &victim65, NULL, 0), PQCE_ERR_ATTESTATION);
    /* even signed by the key itself, a statement naming another DID fails */
    g = f;
    g.signer_id = other_did;
    len = doc_encode_signed(enc, &g, &victim65, sig);
    CHECK(len > 0);
    size_t msg_len = len - 2 - victim65.sig_len;
    CHECK_OK(raw_verify(victim65.pk, victim65.pk_len, sig, victim65.sig_len, enc, msg_len));
    CHECK_RC(decode_verify(enc, len, &victim65, NULL, 0), PQCE_ERR_ATTESTATION);
    pqce_attestation_free(a);
}

static void test_attacker_key_with_victim_did_is_invalid(void)
{
    static uint8_t enc[ENC_MAX], sig[PQCE_MLDSA87_SIG_BYTES];
    pqce_attestation_fields f = base_fields();
    pqce_attestation *a = NULL;
    char victim_did[75];
    CHECK(keys_ready());
    did_of(victim_did, victim65.pk, victim65.pk_len);
    f.algorithm = "ML-DSA-65";
    f.signer_id = victim_did;
    f.public_key = attacker65.pk;
    f.public_key_len = attacker65.pk_len;
    size_t len = doc_encode_signed(enc, &f, &attacker65, sig);
    CHECK(len > 0);
    /* The seed accepted this: the signature verifies under the key inside. */
    CHECK_OK(raw_verify(attacker65.pk, attacker65.pk_len, sig, attacker65.sig_len, enc,
                        len - 2 - attacker65.sig_len));
    CHECK_OK(pqce_attestation_decode(&a, enc, len));
    /* Against the victim's key: not the victim's key. */
    CHECK_RC(
        pqce_attestation_verify(a, victim65.pk, victim65.pk_len, test_nonce, sizeof test_nonce),
        PQCE_ERR_ATTESTATION);
    /* Against the attacker's own key: the DID is not the attacker's. */
    CHECK_RC(
        pqce_attestation_verify(a, attacker65.pk, attacker65.pk_len, test_nonce, sizeof test_nonce),
        PQCE_ERR_ATTESTATION);
    const uint8_t *keys[2] = {victim65.pk, attacker65.pk};
    const size_t lens[2] = {victim65.pk_len, attacker65.pk_len};
    CHECK_RC(pqce_attestation_verify_trusted(a, keys, lens, 2, NULL, 0), PQCE_ERR_ATTESTATION);
    CHECK(pqce_attestation_is_valid(a, victim65.pk, victim65.pk_len, NULL, 0) == 0);
    pqce_attestation_free(a);
}

static void test_relabelled_algorithm_is_invalid(void)
{
    static uint8_t enc[ENC_MAX];
    static char json[JSON_MAX], json2[JSON_MAX];
    size_t json_len;
    pqce_attestation *a = NULL, *b = NULL;
    pqce_attestation_fields f;
    CHECK(keys_ready());
    struct {
        const keyset *k, *other;
        const char *from, *to;
    } cases[2] = {{&victim65, &victim87, "ML-DSA-65", "ML-DSA-87"},
                  {&victim87, &victim65, "ML-DSA-87", "ML-DSA-65"}};
    for (int i = 0; i < 2; i++) {
        CHECK_OK(create_base(&a, cases[i].k));
        CHECK_OK(pqce_attestation_fields_get(a, &f));
        f.algorithm = cases[i].to;
        size_t len = doc_encode(enc, &f, 1);
        CHECK_RC(pqce_attestation_decode(&b, enc, len), PQCE_ERR_FORMAT);
        CHECK(b == NULL);
        /* the same in JSON */
        CHECK_OK(pqce_attestation_to_json(a, json, sizeof json, &json_len));
        char *p = strstr(json, cases[i].from);
        CHECK(p != NULL);
        memcpy(json2, json, json_len + 1);
        memcpy(json2 + (p - json), cases[i].to, strlen(cases[i].to));
        CHECK_RC(pqce_attestation_from_json(&b, json2, json_len), PQCE_ERR_FORMAT);
        /* and a verifier holding a key of the other set never accepts it */
        CHECK_RC(pqce_attestation_verify(a, cases[i].other->pk, cases[i].other->pk_len, NULL, 0),
                 PQCE_ERR_ATTESTATION);
        /* nor a key of a size that is neither set's */
        CHECK_RC(pqce_attestation_verify(a, cases[i].k->pk, PQCE_MLDSA44_PK_BYTES, NULL, 0),
                 PQCE_ERR_ATTESTATION);
        pqce_attestation_free(a);
        a = NULL;
    }
}

static void test_wrong_expected_nonce_is_invalid(void)
{
    pqce_attestation *a = NULL, *plain = NULL;
    pqce_attestation_fields f = base_fields();
    uint8_t other[sizeof test_nonce];
    const keyset *k = &victim65;
    CHECK(keys_ready());
    CHECK_OK(create_base(&a, k));
    memcpy(other, test_nonce, sizeof other);
    other[sizeof other - 1] ^= 1;
    CHECK_OK(pqce_attestation_verify(a, k->pk, k->pk_len, test_nonce, sizeof test_nonce));
    CHECK_RC(pqce_attestation_verify(a, k->pk, k->pk_len, other, sizeof other),
             PQCE_ERR_ATTESTATION);
    CHECK_RC(pqce_attestation_verify(a, k->pk, k->pk_len, test_nonce, sizeof test_nonce - 1),
             PQCE_ERR_ATTESTATION);
    CHECK_RC(pqce_attestation_verify(a, k->pk, k->pk_len, test_nonce, 0), PQCE_ERR_ATTESTATION);
    /* a statement made without a nonce does not answer a challenge */
    f.nonce = NULL;
    f.nonce_len = 0;
    CHECK_OK(create_with(&plain, k, &f));
    CHECK_RC(pqce_attestation_verify(plain, k->pk, k->pk_len, test_nonce, sizeof test_nonce),
             PQCE_ERR_ATTESTATION);
    CHECK_OK(pqce_attestation_verify(plain, k->pk, k->pk_len, test_nonce, 0));
    CHECK_OK(pqce_attestation_verify(plain, k->pk, k->pk_len, NULL, 0));
    CHECK_RC(pqce_attestation_verify(plain, k->pk, k->pk_len, NULL, 1), PQCE_ERR_INVALID_ARG);
    pqce_attestation_free(a);
    pqce_attestation_free(plain);
}

static void test_different_expected_key_is_invalid(void)
{
    pqce_attestation *a = NULL;
    pqce_attestation_fields f;
    CHECK(keys_ready());
    /* The attacker claims the victim's device and artifact with a key of
     * its own, correctly self-signed: the statement's own key verifies it,
     * the key the verifier expects does not. */
    CHECK_OK(create_base(&a, &attacker65));
    CHECK_OK(pqce_attestation_fields_get(a, &f));
    CHECK_OK(pqce_attestation_verify(a, f.public_key, f.public_key_len, NULL, 0));
    CHECK_RC(pqce_attestation_verify(a, victim65.pk, victim65.pk_len, NULL, 0),
             PQCE_ERR_ATTESTATION);
    CHECK_RC(
        pqce_attestation_verify(a, victim65.pk, victim65.pk_len, test_nonce, sizeof test_nonce),
        PQCE_ERR_ATTESTATION);
    CHECK(pqce_attestation_is_valid(a, victim65.pk, victim65.pk_len, NULL, 0) == 0);
    pqce_attestation_free(a);
}

static void test_statement_carrying_another_key_is_invalid(void)
{
    static uint8_t enc[ENC_MAX], sig[PQCE_MLDSA87_SIG_BYTES];
    pqce_attestation_fields f = base_fields();
    char victim_did[75];
    CHECK(keys_ready());
    /* Signed by the victim's key, naming the victim's DID, but carrying
     * another public key: only the key comparison (check 1) objects. */
    did_of(victim_did, victim65.pk, victim65.pk_len);
    f.algorithm = "ML-DSA-65";
    f.signer_id = victim_did;
    f.public_key = attacker65.pk;
    f.public_key_len = attacker65.pk_len;
    size_t len = doc_encode_signed(enc, &f, &victim65, sig);
    CHECK(len > 0);
    CHECK_OK(raw_verify(victim65.pk, victim65.pk_len, sig, victim65.sig_len, enc,
                        len - 2 - victim65.sig_len));
    CHECK_RC(decode_verify(enc, len, &victim65, test_nonce, sizeof test_nonce),
             PQCE_ERR_ATTESTATION);
    CHECK_RC(decode_verify(enc, len, &attacker65, test_nonce, sizeof test_nonce),
             PQCE_ERR_ATTESTATION);
}

static void test_verify_trusted_accepts_a_key_in_the_set_only(void)
{
    pqce_attestation *a = NULL;
    CHECK(keys_ready());
    CHECK_OK(create_base(&a, &victim65));
    const uint8_t *with[3] = {attacker65.pk, victim87.pk, victim65.pk};
    const size_t with_lens[3] = {attacker65.pk_len, victim87.pk_len, victim65.pk_len};
    CHECK_OK(pqce_attestation_verify_trusted(a, with, with_lens, 3, test_nonce, sizeof test_nonce));
    CHECK_OK(pqce_attestation_verify_trusted(a, with, with_lens, 3, NULL, 0));
    CHECK_RC(pqce_attestation_verify_trusted(a, with, with_lens, 3, test_nonce, 3),
             PQCE_ERR_ATTESTATION);
    CHECK_RC(pqce_attestation_verify_trusted(a, with, with_lens, 2, NULL, 0), PQCE_ERR_ATTESTATION);
    CHECK_RC(pqce_attestation_verify_trusted(a, with, with_lens, 0, NULL, 0), PQCE_ERR_ATTESTATION);
    const uint8_t *without[2] = {attacker65.pk, attacker87.pk};
    const size_t without_lens[2] = {attacker65.pk_len, attacker87.pk_len};
    CHECK_RC(pqce_attestation_verify_trusted(a, without, without_lens, 2, NULL, 0),
             PQCE_ERR_ATTESTATION);
    const uint8_t *holey[2] = {victim65.pk, NULL};
    CHECK_RC(pqce_attestation_verify_trusted(a, holey, with_lens, 2, NULL, 0),
             PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_attestation_verify_trusted(a, NULL, with_lens, 1, NULL, 0), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_attestation_verify_trusted(NULL, with, with_lens, 3, NULL, 0),
             PQCE_ERR_INVALID_ARG);
    pqce_attestation_free(a);
}

static void test_null_arguments_are_invalid(void)
{
    pqce_attestation *a = NULL, *out = (pqce_attestation *)&out;
    pqce_attestation_fields f;
    CHECK(keys_ready());
    CHECK_OK(create_base(&a, &victim65));
    CHECK_RC(pqce_attestation_verify(NULL, victim65.pk, victim65.pk_len, NULL, 0),
             PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_attestation_verify(a, NULL, victim65.pk_len, NULL, 0), PQCE_ERR_INVALID_ARG);
    CHECK(pqce_attestation_is_valid(NULL, victim65.pk, victim65.pk_len, NULL, 0) == 0);
    CHECK(pqce_attestation_is_valid(a, NULL, 0, NULL, 0) == 0);
    CHECK_RC(pqce_attestation_fields_get(NULL, &f), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_attestation_fields_get(a, NULL), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_attestation_decode(NULL, (const uint8_t *)"x", 1), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_attestation_decode(&out, NULL, 1), PQCE_ERR_INVALID_ARG);
    CHECK(out == NULL);
    CHECK_RC(pqce_attestation_from_json(NULL, "{}", 2), PQCE_ERR_INVALID_ARG);
    out = (pqce_attestation *)&out;
    CHECK_RC(pqce_attestation_from_json(&out, NULL, 2), PQCE_ERR_INVALID_ARG);
    CHECK(out == NULL);
    pqce_attestation_free(NULL);
    pqce_attestation_free(a);
}

/* ---- the seed's tests 5-8 and 18 (INVENTORY section 3), as meant */

static void test_seed5_attest_sets_signer_did_algorithm_signature(void)
{
    pqce_attestation *a = NULL;
    pqce_attestation_fields f;
    char did[75];
    static const uint8_t zero[PQCE_MLDSA65_SIG_BYTES];
    CHECK(keys_ready());
    CHECK_OK(create_base(&a, &victim65));
    CHECK_OK(pqce_attestation_fields_get(a, &f));
    did_of(did, victim65.pk, victim65.pk_len);
    CHECK(strcmp(f.signer_id, did) == 0);
    CHECK(strcmp(f.algorithm, "ML-DSA-65") == 0);
    CHECK(f.signature_len == PQCE_MLDSA65_SIG_BYTES);
    CHECK(memcmp(f.signature, zero, f.signature_len) != 0);
    CHECK(f.public_key_len == victim65.pk_len);
    CHECK_MEM_EQ(f.public_key, victim65.pk, victim65.pk_len);
    pqce_attestation_free(a);
}

static void test_seed6_verify_valid_attestation(void)
{
    pqce_attestation *a = NULL;
    CHECK(keys_ready());
    CHECK_OK(create_base(&a, &victim65));
    CHECK(pqce_attestation_is_valid(a, victim65.pk, victim65.pk_len, NULL, 0) == 1);
    pqce_attestation_free(a);
}

/* A fresh statement's encoding and fields. */
static void seed_tamper(uint8_t *enc, size_t *len, pqce_attestation_fields *f)
{
    pqce_attestation *a = NULL;
    CHECK_OK(create_base(&a, &victim65));
    CHECK_OK(pqce_attestation_encode(a, enc, ENC_MAX, len));
    CHECK_OK(pqce_attestation_fields_get(a, f));
    pqce_attestation_free(a);
}

static void test_seed7_tampered_signature_is_detected(void)
{
    static uint8_t enc[ENC_MAX];
    size_t len = 0;
    pqce_attestation_fields f;
    pqce_attestation *b = NULL;
    CHECK(keys_ready());
    seed_tamper(enc, &len, &f);
    CHECK(!test_failed());
    enc[len - f.signature_len] ^= 1; /* bit 0 of signature byte 0 */
    CHECK_OK(pqce_attestation_decode(&b, enc, len));
    CHECK(pqce_attestation_is_valid(b, victim65.pk, victim65.pk_len, NULL, 0) == 0);
    pqce_attestation_free(b);
}

static void test_seed8_zero_signature_gives_attestation_error(void)
{
    static uint8_t enc[ENC_MAX];
    size_t len = 0;
    pqce_attestation_fields f;
    pqce_attestation *b = NULL;
    CHECK(keys_ready());
    seed_tamper(enc, &len, &f);
    CHECK(!test_failed());
    memset(enc + len - f.signature_len, 0, f.signature_len); /* same length, all zero */
    CHECK_OK(pqce_attestation_decode(&b, enc, len));
    CHECK_RC(pqce_attestation_verify(b, victim65.pk, victim65.pk_len, NULL, 0),
             PQCE_ERR_ATTESTATION);
    CHECK(pqce_attestation_is_valid(b, victim65.pk, victim65.pk_len, NULL, 0) == 0);
    pqce_attestation_free(b);
}

static void test_seed18_attestation_over_stored_artifact_verifies(void)
{
    static uint8_t enc[ENC_MAX];
    static const uint8_t content[] = "safety classifier v3 weights";
    pqce_attestation_fields f = base_fields(), g;
    pqce_attestation *a = NULL;
    CHECK(keys_ready());
    /* the memory backend's device fields, a safety model's content hash */
    f.device_id = "iphone-alice-test";
    f.device_model = "iphone-15-pro";
    f.enclave_vendor = "in-memory";
    f.nonce = NULL;
    f.nonce_len = 0;
    CHECK_OK(pqce_sha3_256(f.content_sha3_256, content, sizeof content - 1));
    CHECK_OK(create_with(&a, &victim65, &f));
    CHECK(pqce_attestation_is_valid(a, victim65.pk, victim65.pk_len, NULL, 0) == 1);
    /* a content hash set to 64 hex zeros no longer verifies */
    CHECK_OK(pqce_attestation_fields_get(a, &g));
    memset(g.content_sha3_256, 0, sizeof g.content_sha3_256);
    size_t len = doc_encode(enc, &g, 1);
    CHECK_RC(decode_verify(enc, len, &victim65, NULL, 0), PQCE_ERR_ATTESTATION);
    pqce_attestation_free(a);
}

static int zero_fill(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    memset(out, 0, len);
    return 0;
}

static void to_hex(char *out, const uint8_t *in, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        snprintf(out + 2 * i, 3, "%02x", in[i]);
    }
}

/* docs/ATTESTATION.md section 6: the example, reproduced exactly with
 * deterministic signing (rnd = 0^32). */
static void test_documented_example_vector(void)
{
    static uint8_t pk[PQCE_MLDSA65_PK_BYTES], sk[PQCE_MLDSA65_SK_BYTES], enc[ENC_MAX];
    static const uint8_t nonce[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    uint8_t xi[PQCE_MLDSA_SEED_BYTES], h[32];
    char hex[65];
    size_t len;
    pqce_attestation *a = NULL;
    pqce_attestation_fields f, g;
    memset(xi, 1, sizeof xi);
    CHECK_OK(pqce_mldsa65_keypair_derand(pk, sk, xi));
    memset(&f, 0, sizeof f);
    f.device_id = "iphone-alice";
    f.device_model = "iPhone16,1";
    f.enclave_vendor = "apple-secure-enclave";
    f.artifact_id = "urn:pqc-enclave-art:8f14e45fceea167a5a36dedd4bea2543";
    CHECK_OK(pqce_sha3_256(f.content_sha3_256, (const uint8_t *)"abc", 3));
    f.issued_ms = 1776681296789ull;
    f.nonce = nonce;
    f.nonce_len = sizeof nonce;
    pqce_rng rng = {PQCE_RNG_VERSION, zero_fill, NULL};
    CHECK_OK(pqce_attestation_create(&a, &f, 65, sk, sizeof sk, pk, sizeof pk, &rng));
    CHECK_OK(pqce_attestation_encode(a, enc, sizeof enc, &len));
    CHECK(len == 5515);
    CHECK_OK(pqce_sha3_256(h, enc, 2204));
    to_hex(hex, h, sizeof h);
    CHECK(strcmp(hex, "a55cb443fc7724769d98e486dbf95066143c5eb3e5cbeca731e0925927b3b51d") == 0);
    CHECK_OK(pqce_sha3_256(h, enc, len));
    to_hex(hex, h, sizeof h);
    CHECK(strcmp(hex, "4c0c2c1d8688cebd59bf12a91b705de5f3342783ffa49c65e93c97f213bd12d3") == 0);
    CHECK_OK(pqce_attestation_fields_get(a, &g));
    CHECK(strcmp(g.signer_id,
                 "did:pqaid:"
                 "307f4559431e680933fc1c62503f050140e5740068248d7374461e0311a2728e") == 0);
    CHECK_OK(pqce_attestation_verify(a, pk, sizeof pk, nonce, sizeof nonce));
    pqce_attestation_free(a);
}

/* ---- malformed input */

static void test_malformed_encodings_are_rejected(void)
{
    static uint8_t enc[ENC_MAX], bad[ENC_MAX + 1];
    pqce_attestation *a = NULL, *b = (pqce_attestation *)&b;
    pqce_attestation_fields f;
    size_t len;
    char did_upper[75], s256[256];
    uint8_t long_nonce[PQCE_ATTESTATION_NONCE_MAX + 1] = {0};
    CHECK(keys_ready());
    CHECK_OK(create_base(&a, &victim65));
    CHECK_OK(pqce_attestation_encode(a, enc, sizeof enc, &len));
    CHECK_OK(pqce_attestation_fields_get(a, &f));

    /* every truncation, and one byte more */
    for (size_t n = 0; n < len; n++) {
        CHECK_MSG(pqce_attestation_decode(&b, enc, n) == PQCE_ERR_FORMAT, "prefix %zu", n);
        CHECK(b == NULL);
    }
    memcpy(bad, enc, len);
    bad[len] = 0;
    CHECK_RC(pqce_attestation_decode(&b, bad, len + 1), PQCE_ERR_FORMAT);
    /* magic and version */
    memcpy(bad, enc, len);
    bad[1] = 'X';
    CHECK_RC(pqce_attestation_decode(&b, bad, len), PQCE_ERR_FORMAT);
    memcpy(bad, enc, len);
    bad[9] = 2;
    CHECK_RC(pqce_attestation_decode(&b, bad, len), PQCE_ERR_FORMAT);

#define REJECTS(mutate)                                                  \
    do {                                                                 \
        pqce_attestation_fields g = f;                                   \
        mutate;                                                          \
        size_t n_ = doc_encode(bad, &g, 1);                              \
        CHECK_RC(pqce_attestation_decode(&b, bad, n_), PQCE_ERR_FORMAT); \
        CHECK(b == NULL);                                                \
    } while (0)
#define ACCEPTS(mutate)                                 \
    do {                                                \
        pqce_attestation_fields g = f;                  \
        mutate;                                         \
        size_t n_ = doc_encode(bad, &g, 1);             \
        CHECK_OK(pqce_attestation_decode(&b, bad, n_)); \
        pqce_attestation_free(b);                       \
        b = NULL;                                       \
    } while (0)

    /* text fields: UTF-8 without control characters, 0..255 bytes (the
     * artifact id 1..255) */
    REJECTS(g.device_id = "\xff");
    REJECTS(g.device_model = "a\x01");
    REJECTS(g.enclave_vendor = "tab\there");
    REJECTS(g.enclave_vendor = "\xc0\xaf"); /* overlong '/' */
    REJECTS(g.device_id = "\xed\xa0\x80");  /* a surrogate */
    REJECTS(g.artifact_id = "");
    memset(s256, 'a', 255);
    s256[255] = '\0';
    ACCEPTS(g.device_id = s256);
    ACCEPTS(g.device_model = "");
    ACCEPTS(g.enclave_vendor = "Sécure Énclave ✓");
    /* issued_ms up to 9999-12-31T23:59:59.999Z */
    ACCEPTS(g.issued_ms = 253402300799999ull);
    REJECTS(g.issued_ms = 253402300800000ull);
    REJECTS(g.issued_ms = UINT64_MAX);
    /* algorithm and signer id syntax */
    REJECTS(g.algorithm = "ML-DSA-44");
    REJECTS(g.algorithm = "ml-dsa-65");
    REJECTS(g.algorithm = "ML-DSA-65 ");
    memcpy(did_upper, f.signer_id, 75);
    for (size_t i = 10; i < 74; i++) {
        if (did_upper[i] >= 'a' && did_upper[i] <= 'f') {
            did_upper[i] = (char)(did_upper[i] - 'a' + 'A');
        }
    }
    REJECTS(g.signer_id = did_upper);
    REJECTS(g.signer_id = "did:pqaid:00");
    REJECTS(g.signer_id =
                "did:pqxid:0000000000000000000000000000000000000000000000000000000000000000");
    ACCEPTS(g.signer_id =
                "did:pqaid:0000000000000000000000000000000000000000000000000000000000000000");
    /* nonce at most 64 bytes */
    ACCEPTS(g.nonce = long_nonce; g.nonce_len = PQCE_ATTESTATION_NONCE_MAX);
    REJECTS(g.nonce = long_nonce; g.nonce_len = PQCE_ATTESTATION_NONCE_MAX + 1);
    /* key and signature exactly the algorithm's sizes */
    REJECTS(g.public_key_len -= 1);
    REJECTS(g.public_key_len = PQCE_MLDSA87_PK_BYTES; g.public_key = victim87.pk);
    REJECTS(g.signature_len -= 1);
    REJECTS(g.signature_len = 0);
#undef REJECTS
#undef ACCEPTS
    CHECK_RC(pqce_attestation_decode(&b, enc, 0), PQCE_ERR_FORMAT);
    pqce_attestation_free(a);
}

/* Replaces the first occurrence of from in src with to, into dst. */
static int replace(char *dst, size_t cap, const char *src, const char *from, const char *to)
{
    const char *p = strstr(src, from);
    if (p == NULL) {
        return 0;
    }
    size_t pre = (size_t)(p - src), fl = strlen(from), tl = strlen(to);
    if (strlen(src) - fl + tl + 1 > cap) {
        return 0;
    }
    memcpy(dst, src, pre);
    memcpy(dst + pre, to, tl);
    strcpy(dst + pre + tl, p + fl);
    return 1;
}

static void test_malformed_json_is_rejected(void)
{
    static char json[JSON_MAX], bad[JSON_MAX + 4096];
    size_t json_len;
    pqce_attestation *a = NULL, *b = (pqce_attestation *)&b;
    pqce_attestation_fields f;
    char hash_hex[65], hash_upper[65], long_id[300];
    CHECK(keys_ready());
    CHECK_OK(create_base(&a, &victim65));
    CHECK_OK(pqce_attestation_to_json(a, json, sizeof json, &json_len));
    CHECK_OK(pqce_attestation_fields_get(a, &f));
    for (size_t i = 0; i < 32; i++) {
        snprintf(hash_hex + 2 * i, 3, "%02x", f.content_sha3_256[i]);
        snprintf(hash_upper + 2 * i, 3, "%02X", f.content_sha3_256[i]);
    }
    memset(long_id, 'x', 256);
    long_id[256] = '\0';
    char long_id_member[320];
    snprintf(long_id_member, sizeof long_id_member, "\"device_id\":\"%s\"", long_id);

    static const char *const whole[] = {
        "", "{}", "[]", "null", "1", "\"x\"", "garbage", "{\"version\":1}",
    };
    for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++) {
        CHECK_MSG(pqce_attestation_from_json(&b, whole[i], strlen(whole[i])) == PQCE_ERR_FORMAT,
                  "accepted %s", whole[i]);
        CHECK(b == NULL);
    }

    static char nonce_long[2 * 65 + 20];
    memcpy(nonce_long, "\"nonce\":\"", 9);
    memset(nonce_long + 9, 'a', 130);
    strcpy(nonce_long + 9 + 130, "\"");
    char hash_member[100], hash_upper_member[100], hash_odd[100];
    snprintf(hash_member, sizeof hash_member, "\"content_sha3_256\":\"%s\"", hash_hex);
    snprintf(hash_upper_member, sizeof hash_upper_member, "\"content_sha3_256\":\"%s\"",
             hash_upper);
    snprintf(hash_odd, sizeof hash_odd, "\"content_sha3_256\":\"%.63s\"", hash_hex);
    char hash_nonhex[100];
    snprintf(hash_nonhex, sizeof hash_nonhex, "\"content_sha3_256\":\"%.63sg\"", hash_hex);
    char hash_short[100];
    snprintf(hash_short, sizeof hash_short, "\"content_sha3_256\":\"%.62s\"", hash_hex);

    const struct {
        const char *from, *to;
    } edits[] = {
        {"\"version\":1,", ""},                                         /* missing member */
        {"\"version\":1,", "\"version\":1,\"extra\":\"x\","},           /* unknown member */
        {"\"version\":1,", "\"version\":1,\"device_id\":\"mallory\","}, /* duplicate */
        {"\"version\":1,", "\"version\":2,"},
        {"\"version\":1,", "\"version\":\"1\","},
        {"\"version\":1,", "\"version\":1.0,"},
        {"\"issued_ms\":1776681296789", "\"issued_ms\":\"1776681296789\""},
        {"\"issued_ms\":1776681296789", "\"issued_ms\":-1776681296789"},
        {"\"issued_ms\":1776681296789", "\"issued_ms\":1776681296789.0"},
        {"\"issued_ms\":1776681296789", "\"issued_ms\":1.776681296789e12"},
        {"\"issued_ms\":1776681296789", "\"issued_ms\":01776681296789"},
        {"\"issued_ms\":1776681296789", "\"issued_ms\":NaN"},
        {"\"issued_ms\":1776681296789", "\"issued_ms\":253402300800000"},
        {"\"issued_ms\":1776681296789", "\"issued_ms\":99999999999999999999999"},
        {"\"issued_ms\":1776681296789", "\"issued_ms\":1776681296788"}, /* issued_at differs */
        {"10:34:56.789Z", "10:34:56.788Z"},
        {"10:34:56.789Z", "10:34:56.789+00:00"},
        {"10:34:56.789Z", "10:34:56Z"},
        {"\"ML-DSA-65\"", "\"ML-DSA-44\""},
        {"\"ML-DSA-65\"", "\"ML-DSA-87\""},
        {"\"ML-DSA-65\"", "65"},
        {"\"device_model\":\"iphone-15-pro\"", "\"device_model\":\"iphone\\t15\""},
        {"\"device_model\":\"iphone-15-pro\"", "\"device_model\":\"iphone\\u000015\""},
        {"\"device_model\":\"iphone-15-pro\"", "\"device_model\":\"iphone\t15\""}, /* raw tab */
        {"\"device_model\":\"iphone-15-pro\"", "\"device_model\":\"\\ud800\""},
        {"\"device_model\":\"iphone-15-pro\"", "\"device_model\":\"\\udc00x\""},
        {"\"device_model\":\"iphone-15-pro\"", "\"device_model\":\"\\ud83dx\""},
        {"\"device_model\":\"iphone-15-pro\"", "\"device_model\":'iphone'"},
        {"\"device_model\":\"iphone-15-pro\"", "\"device_model\":null"},
        {"\"device_model\":\"iphone-15-pro\"", "\"device_model\":[\"a\"]"},
        {"\"device_model\":\"iphone-15-pro\"", "\"device_model\":{\"a\":\"b\"}"},
        {"\"artifact_id\":\"urn:pqc-enclave-art:0123456789abcdef0123456789abcdef\"",
         "\"artifact_id\":\"\""},
        {"\"device_id\":\"iphone-alice-test\"", long_id_member},
        {hash_member, hash_upper_member},
        {hash_member, hash_odd},
        {hash_member, hash_nonhex},
        {hash_member, hash_short},
        {"\"nonce\":\"c0ffee0102030405060708090a0b0c0d\"", "\"nonce\":\"c0ffe\""}, /* odd */
        {"\"nonce\":\"c0ffee0102030405060708090a0b0c0d\"", "\"nonce\":\"C0FFEE01\""},
        {"\"nonce\":\"c0ffee0102030405060708090a0b0c0d\"", nonce_long},
        {"\"signer_id\":\"did:pqaid:", "\"signer_id\":\"did:pqaid:A"},
        {"\"public_key\":\"", "\"public_key\":\"00"},
        {"\"signature\":\"", "\"signature\":\"0"},
        {"\"signature\":\"", "\"signature\":\"zz"},
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        CHECK_MSG(replace(bad, sizeof bad, json, edits[i].from, edits[i].to), "edit %zu: %s", i,
                  edits[i].from);
        CHECK_MSG(pqce_attestation_from_json(&b, bad, strlen(bad)) == PQCE_ERR_FORMAT,
                  "edit %zu accepted: %s -> %s", i, edits[i].from, edits[i].to);
        CHECK(b == NULL);
    }
    /* trailing content, a second object, an embedded NUL, a short length */
    snprintf(bad, sizeof bad, "%sx", json);
    CHECK_RC(pqce_attestation_from_json(&b, bad, strlen(bad)), PQCE_ERR_FORMAT);
    snprintf(bad, sizeof bad, "%s{}", json);
    CHECK_RC(pqce_attestation_from_json(&b, bad, strlen(bad)), PQCE_ERR_FORMAT);
    memcpy(bad, json, json_len + 1);
    CHECK_RC(pqce_attestation_from_json(&b, bad, json_len + 1), PQCE_ERR_FORMAT); /* the NUL */
    CHECK_RC(pqce_attestation_from_json(&b, bad, json_len - 1), PQCE_ERR_FORMAT);

    /* what JSON allows and the form does not forbid is accepted: spacing,
     * member order, escapes */
    static const struct {
        const char *from, *to;
    } fine[] = {
        {"{\"version\":1,", "{\n  \"version\" : 1 ,\n  "},
        {"\"device_model\":\"iphone-15-pro\"", "\"device_model\":\"iphone\\u002d15\\u002dpro\""},
        {"\"device_model\":\"iphone-15-pro\",", ""}, /* moved to the end below */
    };
    for (size_t i = 0; i < 2; i++) {
        CHECK(replace(bad, sizeof bad, json, fine[i].from, fine[i].to));
        CHECK_MSG(pqce_attestation_from_json(&b, bad, strlen(bad)) == PQCE_OK, "edit %zu refused",
                  i);
        CHECK_OK(pqce_attestation_verify(b, victim65.pk, victim65.pk_len, NULL, 0));
        pqce_attestation_free(b);
        b = NULL;
    }
    CHECK(replace(bad, sizeof bad, json, fine[2].from, fine[2].to));
    size_t n = strlen(bad);
    CHECK(bad[n - 1] == '}');
    snprintf(bad + n - 1, sizeof bad - n + 1, ",\"device_model\":\"iphone-15-pro\"}\r\n");
    CHECK_OK(pqce_attestation_from_json(&b, bad, strlen(bad)));
    CHECK_OK(pqce_attestation_verify(b, victim65.pk, victim65.pk_len, NULL, 0));
    pqce_attestation_free(b);
    pqce_attestation_free(a);
}

static void test_json_escapes_and_unicode_round_trip(void)
{
    static char json[JSON_MAX], edited[JSON_MAX];
    size_t len;
    pqce_attestation *a = NULL, *b = NULL;
    pqce_attestation_fields f = base_fields(), g;
    CHECK(keys_ready());
    f.device_model = "model \"quoted\" \\ back/slash \xf0\x9f\x98\x80";
    CHECK_OK(create_with(&a, &victim87, &f));
    CHECK_OK(pqce_attestation_to_json(a, json, sizeof json, &len));
    CHECK_OK(pqce_attestation_from_json(&b, json, len));
    CHECK_OK(pqce_attestation_fields_get(b, &g));
    CHECK(strcmp(g.device_model, f.device_model) == 0);
    CHECK_OK(
        pqce_attestation_verify(b, victim87.pk, victim87.pk_len, test_nonce, sizeof test_nonce));
    pqce_attestation_free(b);
    b = NULL;
    /* the same emoji as an escaped surrogate pair */
    CHECK(replace(edited, sizeof edited, json, "\xf0\x9f\x98\x80", "\\ud83d\\ude00"));
    CHECK_OK(pqce_attestation_from_json(&b, edited, strlen(edited)));
    CHECK_OK(pqce_attestation_verify(b, victim87.pk, victim87.pk_len, NULL, 0));
    pqce_attestation_free(b);
    pqce_attestation_free(a);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_create_then_verify_is_valid_for_mldsa65),
        TEST_CASE(test_create_then_verify_is_valid_for_mldsa87),
        TEST_CASE(test_encoding_matches_the_documented_layout),
        TEST_CASE(test_create_sets_issued_ms_to_now_when_zero),
        TEST_CASE(test_signing_is_hedged_with_the_given_rng),
        TEST_CASE(test_create_rejects_bad_arguments),
        TEST_CASE(test_encode_decode_and_json_round_trips_preserve_every_field),
        TEST_CASE(test_json_has_the_documented_members),
        TEST_CASE(test_issued_at_is_iso8601_utc),
        TEST_CASE(test_encode_and_to_json_report_the_size_needed),
        TEST_CASE(test_every_single_bit_flip_is_rejected_mldsa65),
        TEST_CASE(test_every_statement_bit_and_signature_byte_flip_is_rejected_mldsa87),
        TEST_CASE(test_changing_any_field_invalidates),
        TEST_CASE(test_swapped_signer_id_is_invalid),
        TEST_CASE(test_attacker_key_with_victim_did_is_invalid),
        TEST_CASE(test_relabelled_algorithm_is_invalid),
        TEST_CASE(test_wrong_expected_nonce_is_invalid),
        TEST_CASE(test_different_expected_key_is_invalid),
        TEST_CASE(test_statement_carrying_another_key_is_invalid),
        TEST_CASE(test_verify_trusted_accepts_a_key_in_the_set_only),
        TEST_CASE(test_null_arguments_are_invalid),
        TEST_CASE(test_seed5_attest_sets_signer_did_algorithm_signature),
        TEST_CASE(test_seed6_verify_valid_attestation),
        TEST_CASE(test_seed7_tampered_signature_is_detected),
        TEST_CASE(test_seed8_zero_signature_gives_attestation_error),
        TEST_CASE(test_seed18_attestation_over_stored_artifact_verifies),
        TEST_CASE(test_documented_example_vector),
        TEST_CASE(test_malformed_encodings_are_rejected),
        TEST_CASE(test_malformed_json_is_rejected),
        TEST_CASE(test_json_escapes_and_unicode_round_trip),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
