/*
 * fuzz_attestation_decode.c - attestation parsing (canonical form and
 * JSON) and verification on arbitrary bytes (docs/ATTESTATION.md).
 *
 * Input layout:
 *   byte 0: bit 0 JSON (else the canonical form), bit 1 the input is XORed
 *           onto a valid statement's bytes (else it is used as it is),
 *           bit 2 verify with the statement's nonce (else with none),
 *           bit 3 the statement and key are ML-DSA-87 (else ML-DSA-65)
 *   the rest: the bytes (or the XOR mask; bytes past the valid statement's
 *           end are appended as they are)
 *
 * Every buffer handed to the library is a heap copy of exactly its length,
 * so AddressSanitizer sees any read past it. The oracle:
 *  - decode / from_json return 0 or PQCE_ERR_FORMAT and nothing else;
 *  - a decoded statement encodes back to exactly the input (the form is
 *    canonical), and its JSON parses back to the same statement;
 *  - verification with the fixed key returns 0 or PQCE_ERR_ATTESTATION,
 *    verify_trusted and is_valid agree with it, and it succeeds only for
 *    the very statement that was signed (ML-DSA is strongly unforgeable,
 *    so any other accepted statement is a bug);
 *  - the unmodified valid statement verifies.
 */
#include <pqce.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vault/attestation.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ENC_MAX  12000
#define JSON_MAX 32768

static const uint8_t fixed_nonce[8] = {'c', 'h', 'a', 'l', 'l', 'e', 'n', 'g'};

struct fixed {
    uint8_t pk[PQCE_MLDSA87_PK_BYTES];
    size_t pk_len;
    uint8_t enc[ENC_MAX];
    size_t enc_len;
    char json[JSON_MAX];
    size_t json_len;
};
static struct fixed fixed[2]; /* ML-DSA-65, ML-DSA-87 */

static int zero_fill(void *ctx, uint8_t *out, size_t len)
{
    (void)ctx;
    memset(out, 0, len); /* deterministic signing: reproducible runs */
    return 0;
}

static void setup(void)
{
    static int done;
    static uint8_t sk[PQCE_MLDSA87_SK_BYTES];
    const uint8_t seed[PQCE_MLDSA_SEED_BYTES] = {7};
    const pqce_rng rng = {PQCE_RNG_VERSION, zero_fill, NULL};
    if (done) {
        return;
    }
    for (int i = 0; i < 2; i++) {
        struct fixed *f = &fixed[i];
        unsigned alg = i == 0 ? 65 : 87;
        size_t sk_len = i == 0 ? PQCE_MLDSA65_SK_BYTES : PQCE_MLDSA87_SK_BYTES;
        pqce_attestation *att = NULL;
        pqce_attestation_fields fields;
        memset(&fields, 0, sizeof fields);
        fields.device_id = "fuzz-device";
        fields.device_model = "fuzz-model \xc3\xa9";
        fields.enclave_vendor = "fuzz-vendor";
        fields.artifact_id = "urn:pqc-enclave-art:00112233445566778899aabbccddeeff";
        memset(fields.content_sha3_256, 0xAB, sizeof fields.content_sha3_256);
        fields.issued_ms = 1776681296789ull;
        fields.nonce = fixed_nonce;
        fields.nonce_len = sizeof fixed_nonce;
        f->pk_len = i == 0 ? PQCE_MLDSA65_PK_BYTES : PQCE_MLDSA87_PK_BYTES;
        int rc = i == 0 ? pqce_mldsa65_keypair_derand(f->pk, sk, seed)
                        : pqce_mldsa87_keypair_derand(f->pk, sk, seed);
        if (rc != 0 ||
            pqce_attestation_create(&att, &fields, alg, sk, sk_len, f->pk, f->pk_len, &rng) != 0 ||
            pqce_attestation_encode(att, f->enc, sizeof f->enc, &f->enc_len) != 0 ||
            pqce_attestation_to_json(att, f->json, sizeof f->json, &f->json_len) != 0 ||
            pqce_attestation_verify(att, f->pk, f->pk_len, fixed_nonce, sizeof fixed_nonce) != 0) {
            abort();
        }
        pqce_attestation_free(att);
    }
    done = 1;
}

static uint8_t *dup_exact(const uint8_t *p, size_t len)
{
    uint8_t *c = malloc(len > 0 ? len : 1);
    if (c == NULL) {
        abort();
    }
    if (len > 0) {
        memcpy(c, p, len);
    }
    return c;
}

/* Checks the verification results of a parsed statement; returns whether
 * it verified. */
static int check_verify(const pqce_attestation *att, const struct fixed *f, int with_nonce)
{
    const uint8_t *nonce = with_nonce ? fixed_nonce : NULL;
    size_t nonce_len = with_nonce ? sizeof fixed_nonce : 0;
    uint8_t *pk = dup_exact(f->pk, f->pk_len);
    const uint8_t *keys[2] = {fixed[0].pk, pk};
    const size_t lens[2] = {fixed[0].pk_len, f->pk_len};
    int rc = pqce_attestation_verify(att, pk, f->pk_len, nonce, nonce_len);
    int rc_trusted = pqce_attestation_verify_trusted(att, keys, lens, 2, nonce, nonce_len);
    int valid = pqce_attestation_is_valid(att, pk, f->pk_len, nonce, nonce_len);
    free(pk);
    if ((rc != 0 && rc != PQCE_ERR_ATTESTATION) || rc_trusted != rc || valid != (rc == 0)) {
        abort();
    }
    if (rc == 0) {
        /* only the signed statement itself may verify */
        uint8_t enc[ENC_MAX];
        size_t len;
        if (pqce_attestation_encode(att, enc, sizeof enc, &len) != 0 || len != f->enc_len ||
            memcmp(enc, f->enc, len) != 0) {
            abort();
        }
    }
    return rc == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    if (size < 1) {
        return 0;
    }
    const int json = data[0] & 1, xor_mode = (data[0] >> 1) & 1, with_nonce = (data[0] >> 2) & 1;
    const struct fixed *f = &fixed[(data[0] >> 3) & 1];
    data++;
    size--;

    /* the bytes to parse */
    const uint8_t *valid = json ? (const uint8_t *)f->json : f->enc;
    size_t valid_len = json ? f->json_len : f->enc_len;
    size_t len = xor_mode && size < valid_len ? valid_len : size;
    uint8_t *buf = malloc(len > 0 ? len : 1);
    if (buf == NULL) {
        abort();
    }
    int modified = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t x = i < size ? data[i] : 0;
        buf[i] = xor_mode ? (uint8_t)((i < valid_len ? valid[i] : 0) ^ x) : x;
        modified |= x != 0 && xor_mode;
    }
    modified |= xor_mode && len != valid_len;

    pqce_attestation *att = NULL;
    int rc = json ? pqce_attestation_from_json(&att, (const char *)buf, len)
                  : pqce_attestation_decode(&att, buf, len);
    if (rc != 0) {
        if (rc != PQCE_ERR_FORMAT || att != NULL || (xor_mode && !modified)) {
            abort();
        }
        free(buf);
        return 0;
    }

    if (!json) {
        /* canonical: the statement encodes back to exactly the input */
        uint8_t enc[ENC_MAX];
        size_t enc_len;
        if (pqce_attestation_encode(att, enc, sizeof enc, &enc_len) != 0 || enc_len != len ||
            memcmp(enc, buf, len) != 0) {
            abort();
        }
    }
    /* JSON round trip: to_json then from_json gives the same statement */
    {
        static char text[JSON_MAX];
        size_t text_len;
        pqce_attestation *back = NULL;
        uint8_t e1[ENC_MAX], e2[ENC_MAX];
        size_t l1, l2;
        if (pqce_attestation_to_json(att, text, sizeof text, &text_len) != 0) {
            abort();
        }
        char *copy = (char *)dup_exact((const uint8_t *)text, text_len);
        if (pqce_attestation_from_json(&back, copy, text_len) != 0 ||
            pqce_attestation_encode(att, e1, sizeof e1, &l1) != 0 ||
            pqce_attestation_encode(back, e2, sizeof e2, &l2) != 0 || l1 != l2 ||
            memcmp(e1, e2, l1) != 0) {
            abort();
        }
        free(copy);
        pqce_attestation_free(back);
    }

    int verified = check_verify(att, f, with_nonce);
    if (xor_mode && !modified && !verified) {
        abort(); /* the valid statement failed to verify */
    }
    pqce_attestation_free(att);
    free(buf);
    return 0;
}
