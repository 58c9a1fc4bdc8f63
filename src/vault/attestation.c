/*
 * attestation.c - device attestations: a statement signed with ML-DSA
 * (pqce.h, "Device attestation"; docs/ATTESTATION.md, cited [ATT, n]).
 *
 * Canonical form (all integers big-endian; every string is UTF-8 without
 * control characters, prefixed by its length):
 *
 *   magic(8) "\x89PQAT\r\n\x1a" | version u16 (1) |
 *   u8 n | device_id (0..255)    | u8 n | device_model (0..255) |
 *   u8 n | enclave_vendor (0..255) | u8 n | artifact_id (1..255) |
 *   content_sha3_256(32) | issued_ms u64 (<= 9999-12-31T23:59:59.999Z) |
 *   u8 9 | algorithm ("ML-DSA-65" / "ML-DSA-87") |
 *   u8 74 | signer_id ("did:pqaid:" | 64 lower-case hex of SHA3-256(pk)) |
 *   u8 n | nonce (0..64) | u16 n | public_key (the algorithm's size) |
 *   u16 n | signature (the algorithm's size)
 *
 * The signed message is everything before the signature's length prefix;
 * the signature is pure ML-DSA [FIPS204, Algorithm 2] over it with the
 * context string "pqce-attestation/v1". Every field is therefore signed,
 * unlike the seed, which signed only six of them (INVENTORY W9).
 *
 * Nothing here is secret except sk inside pqce_attestation_create, which
 * is only handed to the ML-DSA signer (that wipes its own intermediates);
 * comparisons of public values use memcmp.
 */
#include "vault/attestation.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/keccak.h"
#include "format/bytes.h"
#include "format/metadata.h"

/* ---- constants of the format [ATT, 2-3] */

static const uint8_t att_magic[8] = {0x89, 'P', 'Q', 'A', 'T', 0x0D, 0x0A, 0x1A};
#define ATT_VERSION    1u
#define ATT_CONTEXT    "pqce-attestation/v1"
#define ATT_STR_MAX    255u
#define ATT_DID_PREFIX "did:pqaid:"
#define ATT_DID_LEN    (sizeof ATT_DID_PREFIX - 1 + 2 * PQCE_SHA3_256_BYTES) /* 74 */
#define ATT_ALG_LEN    9u                                                    /* "ML-DSA-65" */
/* 9999-12-31T23:59:59.999Z: the last instant that ISO-8601's four-digit
 * year can write, far inside JSON's exactly representable integers. */
#define ATT_ISSUED_MS_MAX 253402300799999ull
/* "YYYY-MM-DDTHH:MM:SS.mmmZ" */
#define ATT_ISO_LEN 24u
/* A JSON text longer than this is refused before it is parsed; the
 * largest attestation, pretty-printed, is under 16 KiB. */
#define ATT_JSON_MAX (1u << 20)
/* Number of members of the JSON object [ATT, 6]. */
#define ATT_JSON_MEMBERS 13u

typedef int (*att_sign_fn)(const pqce_rng *, uint8_t *, const uint8_t *, size_t, const uint8_t *,
                           size_t, const uint8_t *);
typedef int (*att_verify_fn)(const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *,
                             size_t, const uint8_t *);
typedef int (*att_pk_hash_fn)(uint8_t *, const uint8_t *);

typedef struct att_alg {
    unsigned id; /* 65 or 87 */
    const char *name;
    size_t pk_len, sk_len, sig_len;
    att_sign_fn sign_rng;
    att_verify_fn verify;
    att_pk_hash_fn pk_hash;
} att_alg;

static const att_alg att_algs[2] = {
    {65, "ML-DSA-65", PQCE_MLDSA65_PK_BYTES, PQCE_MLDSA65_SK_BYTES, PQCE_MLDSA65_SIG_BYTES,
     pqce_mldsa65_sign_rng, pqce_mldsa65_verify, pqce_mldsa65_public_key_hash},
    {87, "ML-DSA-87", PQCE_MLDSA87_PK_BYTES, PQCE_MLDSA87_SK_BYTES, PQCE_MLDSA87_SIG_BYTES,
     pqce_mldsa87_sign_rng, pqce_mldsa87_verify, pqce_mldsa87_public_key_hash},
};

/* The longest statement (the signed message, about 3.8 KB: small enough
 * for the stack) and the longest encoding. */
#define ATT_STATEMENT_MAX                                                                          \
    (8 + 2 + 4 * (1 + ATT_STR_MAX) + PQCE_SHA3_256_BYTES + 8 + 1 + ATT_ALG_LEN + 1 + ATT_DID_LEN + \
     1 + PQCE_ATTESTATION_NONCE_MAX + 2 + PQCE_MLDSA87_PK_BYTES)
#define ATT_ENCODED_MAX (ATT_STATEMENT_MAX + 2 + PQCE_MLDSA87_SIG_BYTES)

struct pqce_attestation {
    char device_id[ATT_STR_MAX + 1];
    char device_model[ATT_STR_MAX + 1];
    char enclave_vendor[ATT_STR_MAX + 1];
    char artifact_id[ATT_STR_MAX + 1];
    uint8_t content_sha3_256[PQCE_SHA3_256_BYTES];
    uint64_t issued_ms;
    const att_alg *alg;
    char signer_id[ATT_DID_LEN + 1];
    uint8_t nonce[PQCE_ATTESTATION_NONCE_MAX];
    size_t nonce_len;
    uint8_t public_key[PQCE_MLDSA87_PK_BYTES];
    uint8_t signature[PQCE_MLDSA87_SIG_BYTES];
    /* public key and signature lengths are alg->pk_len and alg->sig_len */
};

/* ---- small helpers */

static const att_alg *alg_by_id(unsigned id)
{
    for (size_t i = 0; i < sizeof att_algs / sizeof att_algs[0]; i++) {
        if (att_algs[i].id == id) {
            return &att_algs[i];
        }
    }
    return NULL;
}

static const att_alg *alg_by_name(const uint8_t *name, size_t len)
{
    for (size_t i = 0; i < sizeof att_algs / sizeof att_algs[0]; i++) {
        if (len == strlen(att_algs[i].name) && memcmp(name, att_algs[i].name, len) == 0) {
            return &att_algs[i];
        }
    }
    return NULL;
}

/* The public key's size decides the algorithm [ATT, 5, check 2]. */
static const att_alg *alg_by_pk_len(size_t pk_len)
{
    for (size_t i = 0; i < sizeof att_algs / sizeof att_algs[0]; i++) {
        if (att_algs[i].pk_len == pk_len) {
            return &att_algs[i];
        }
    }
    return NULL;
}

static const char hex_digits[] = "0123456789abcdef";

static void hex_encode(char *out, const uint8_t *in, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = hex_digits[in[i] >> 4];
        out[2 * i + 1] = hex_digits[in[i] & 15u];
    }
    out[2 * len] = '\0';
}

/* Lower-case hex only: the form is canonical, so "AB" is not "ab". */
static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

/* Decodes exactly 2 * out_len hex digits. Returns 1 on success. */
static int hex_decode(uint8_t *out, size_t out_len, const char *in, size_t in_len)
{
    if (in_len != 2 * out_len) {
        return 0;
    }
    for (size_t i = 0; i < out_len; i++) {
        int hi = hex_value(in[2 * i]), lo = hex_value(in[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return 0;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 1;
}

/* signer_id = "did:pqaid:" | hex(SHA3-256(pk)), the seed's DID scheme. */
static void did_of(char out[ATT_DID_LEN + 1], const uint8_t *pk, size_t pk_len)
{
    uint8_t h[PQCE_SHA3_256_BYTES];
    pqce_keccak_sha3_256(h, pk, pk_len);
    memcpy(out, ATT_DID_PREFIX, sizeof ATT_DID_PREFIX - 1);
    hex_encode(out + sizeof ATT_DID_PREFIX - 1, h, sizeof h);
}

/* The syntax of a signer id (whether it names the key is verify's job). */
static int did_syntax_ok(const uint8_t *s, size_t len)
{
    const size_t pre = sizeof ATT_DID_PREFIX - 1;
    if (len != ATT_DID_LEN || memcmp(s, ATT_DID_PREFIX, pre) != 0) {
        return 0;
    }
    for (size_t i = pre; i < len; i++) {
        if (hex_value((char)s[i]) < 0) {
            return 0;
        }
    }
    return 1;
}

static int text_ok(const char *s, size_t min, size_t max)
{
    if (s == NULL) {
        return 0;
    }
    size_t n = strnlen(s, max + 1);
    return n >= min && n <= max && pqce_utf8_text_ok((const uint8_t *)s, n, 0);
}

/* Writes the ISO-8601 UTC form of ms: "YYYY-MM-DDTHH:MM:SS.mmmZ"
 * (ms <= ATT_ISSUED_MS_MAX). The civil date follows the proleptic
 * Gregorian calendar (days-from-civil inverted for days >= 0). */
static void iso8601(char out[ATT_ISO_LEN + 1], uint64_t ms)
{
    uint64_t secs = ms / 1000u, days = secs / 86400u, sod = secs % 86400u;
    uint64_t z = days + 719468u; /* days since 0000-03-01 */
    uint64_t era = z / 146097u, doe = z % 146097u;
    uint64_t yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
    uint64_t doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
    uint64_t mp = (5u * doy + 2u) / 153u;
    uint64_t d = doy - (153u * mp + 2u) / 5u + 1u;
    uint64_t m = mp < 10u ? mp + 3u : mp - 9u;
    uint64_t y = yoe + era * 400u + (m <= 2u ? 1u : 0u);
    const uint64_t parts[7] = {y, m, d, sod / 3600u, sod / 60u % 60u, sod % 60u, ms % 1000u};
    static const unsigned widths[7] = {4, 2, 2, 2, 2, 2, 3};
    static const char seps[7] = {'-', '-', 'T', ':', ':', '.', 'Z'};
    char *p = out;
    for (size_t i = 0; i < 7; i++) {
        uint64_t v = parts[i];
        for (unsigned k = widths[i]; k > 0; k--) {
            p[k - 1] = (char)('0' + v % 10u);
            v /= 10u;
        }
        p += widths[i];
        *p++ = seps[i];
    }
    *p = '\0';
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec < 0) {
        return 0;
    }
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- the canonical form [ATT, 3] */

static void put_str(pqce_bw *w, const char *s)
{
    size_t n = strlen(s); /* <= 255: checked when the statement was made */
    pqce_bw_u8(w, (uint8_t)n);
    pqce_bw_bytes(w, s, n);
}

/* Appends the statement (the signed message): everything but the
 * signature field. */
static void encode_statement(pqce_bw *w, const pqce_attestation *a)
{
    pqce_bw_bytes(w, att_magic, sizeof att_magic);
    pqce_bw_u16(w, ATT_VERSION);
    put_str(w, a->device_id);
    put_str(w, a->device_model);
    put_str(w, a->enclave_vendor);
    put_str(w, a->artifact_id);
    pqce_bw_bytes(w, a->content_sha3_256, sizeof a->content_sha3_256);
    pqce_bw_u64(w, a->issued_ms);
    put_str(w, a->alg->name);
    put_str(w, a->signer_id);
    pqce_bw_u8(w, (uint8_t)a->nonce_len);
    pqce_bw_bytes(w, a->nonce, a->nonce_len);
    pqce_bw_u16(w, (uint16_t)a->alg->pk_len);
    pqce_bw_bytes(w, a->public_key, a->alg->pk_len);
}

static void encode_all(pqce_bw *w, const pqce_attestation *a)
{
    encode_statement(w, a);
    pqce_bw_u16(w, (uint16_t)a->alg->sig_len);
    pqce_bw_bytes(w, a->signature, a->alg->sig_len);
}

/* The statement into msg (ATT_STATEMENT_MAX bytes); returns its length. */
static size_t statement_bytes(uint8_t msg[ATT_STATEMENT_MAX], const pqce_attestation *a)
{
    pqce_bw w;
    pqce_bw_init(&w, msg, ATT_STATEMENT_MAX);
    encode_statement(&w, a);
    return w.len; /* never overflows: every field is within its bound */
}

/* Reads a u8-prefixed string of min..max bytes of UTF-8 text into out
 * (NUL-terminated). Returns the bytes (NULL on any violation). */
static const uint8_t *get_str(pqce_br *r, char *out, size_t min, size_t max, size_t *len)
{
    size_t n = pqce_br_u8(r);
    const uint8_t *p = pqce_br_bytes(r, n);
    if (p == NULL || n < min || n > max || !pqce_utf8_text_ok(p, n, 0)) {
        return NULL;
    }
    if (out != NULL) {
        memcpy(out, p, n);
        out[n] = '\0';
    }
    if (len != NULL) {
        *len = n;
    }
    return p;
}

static int decode_into(pqce_attestation *a, const uint8_t *buf, size_t len)
{
    pqce_br r;
    const uint8_t *p;
    size_t n;
    pqce_br_init(&r, buf, len);

    p = pqce_br_bytes(&r, sizeof att_magic);
    if (p == NULL || memcmp(p, att_magic, sizeof att_magic) != 0 ||
        pqce_br_u16(&r) != ATT_VERSION) {
        return PQCE_ERR_FORMAT;
    }
    if (get_str(&r, a->device_id, 0, ATT_STR_MAX, NULL) == NULL ||
        get_str(&r, a->device_model, 0, ATT_STR_MAX, NULL) == NULL ||
        get_str(&r, a->enclave_vendor, 0, ATT_STR_MAX, NULL) == NULL ||
        get_str(&r, a->artifact_id, 1, ATT_STR_MAX, NULL) == NULL) {
        return PQCE_ERR_FORMAT;
    }
    p = pqce_br_bytes(&r, sizeof a->content_sha3_256);
    if (p == NULL) {
        return PQCE_ERR_FORMAT;
    }
    memcpy(a->content_sha3_256, p, sizeof a->content_sha3_256);
    a->issued_ms = pqce_br_u64(&r);
    if (r.underrun || a->issued_ms > ATT_ISSUED_MS_MAX) {
        return PQCE_ERR_FORMAT;
    }
    p = get_str(&r, NULL, ATT_ALG_LEN, ATT_ALG_LEN, &n);
    if (p == NULL || (a->alg = alg_by_name(p, n)) == NULL) {
        return PQCE_ERR_FORMAT;
    }
    p = get_str(&r, a->signer_id, ATT_DID_LEN, ATT_DID_LEN, &n);
    if (p == NULL || !did_syntax_ok(p, n)) {
        return PQCE_ERR_FORMAT;
    }
    n = pqce_br_u8(&r);
    p = pqce_br_bytes(&r, n);
    if (p == NULL || n > PQCE_ATTESTATION_NONCE_MAX) {
        return PQCE_ERR_FORMAT;
    }
    memcpy(a->nonce, p, n);
    a->nonce_len = n;
    n = pqce_br_u16(&r);
    p = pqce_br_bytes(&r, n);
    if (p == NULL || n != a->alg->pk_len) {
        return PQCE_ERR_FORMAT;
    }
    memcpy(a->public_key, p, n);
    n = pqce_br_u16(&r);
    p = pqce_br_bytes(&r, n);
    if (p == NULL || n != a->alg->sig_len) {
        return PQCE_ERR_FORMAT;
    }
    memcpy(a->signature, p, n);
    /* Nothing may follow: one statement has one encoding. */
    if (r.underrun || r.pos != len) {
        return PQCE_ERR_FORMAT;
    }
    return PQCE_OK;
}

/* ---- creating */

int pqce_attestation_create(pqce_attestation **att, const pqce_attestation_fields *fields,
                            unsigned alg, const uint8_t *sk, size_t sk_len, const uint8_t *pk,
                            size_t pk_len, const pqce_rng *rng)
{
    int ret;
    pqce_attestation *a = NULL;
    uint8_t msg[ATT_STATEMENT_MAX];
    size_t msg_len;
    uint8_t tr[PQCE_MLDSA_TR_BYTES];
    const att_alg *al = alg_by_id(alg);

    if (att != NULL) {
        *att = NULL;
    }
    if (att == NULL || fields == NULL || sk == NULL || pk == NULL || al == NULL ||
        sk_len != al->sk_len || pk_len != al->pk_len ||
        !text_ok(fields->device_id, 0, ATT_STR_MAX) ||
        !text_ok(fields->device_model, 0, ATT_STR_MAX) ||
        !text_ok(fields->enclave_vendor, 0, ATT_STR_MAX) ||
        !text_ok(fields->artifact_id, 1, ATT_STR_MAX) ||
        fields->nonce_len > PQCE_ATTESTATION_NONCE_MAX ||
        (fields->nonce == NULL && fields->nonce_len > 0) || fields->issued_ms > ATT_ISSUED_MS_MAX) {
        return PQCE_ERR_INVALID_ARG;
    }
    /* sk must belong to pk: its bytes 64..127 hold tr = H(pk, 64)
     * [FIPS204, Algorithm 24]; a mismatched pair would sign statements that
     * never verify. tr is public, but sk is compared in constant time. */
    ret = al->pk_hash(tr, pk);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    if (!pqce_ct_memeq(tr, sk + 64, sizeof tr)) {
        ret = PQCE_ERR_INVALID_ARG;
        goto cleanup;
    }

    a = calloc(1, sizeof *a);
    if (a == NULL) {
        ret = PQCE_ERR_NOMEM;
        goto cleanup;
    }
    strcpy(a->device_id, fields->device_id);
    strcpy(a->device_model, fields->device_model);
    strcpy(a->enclave_vendor, fields->enclave_vendor);
    strcpy(a->artifact_id, fields->artifact_id);
    memcpy(a->content_sha3_256, fields->content_sha3_256, sizeof a->content_sha3_256);
    a->issued_ms = fields->issued_ms != 0 ? fields->issued_ms : now_ms();
    if (a->issued_ms > ATT_ISSUED_MS_MAX) {
        ret = PQCE_ERR_INVALID_ARG; /* a clock past the year 9999 */
        goto cleanup;
    }
    a->alg = al;
    did_of(a->signer_id, pk, pk_len);
    if (fields->nonce_len > 0) {
        memcpy(a->nonce, fields->nonce, fields->nonce_len);
    }
    a->nonce_len = fields->nonce_len;
    memcpy(a->public_key, pk, pk_len);

    msg_len = statement_bytes(msg, a);
    /* Pure ML-DSA, hedged [FIPS204, Algorithm 2]: M' = 0 | 19 | context |
     * statement. */
    ret = al->sign_rng(rng, a->signature, msg, msg_len, (const uint8_t *)ATT_CONTEXT,
                       sizeof ATT_CONTEXT - 1, sk);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    *att = a;
    a = NULL;

cleanup:
    pqce_memzero(tr, sizeof tr);
    pqce_attestation_free(a);
    return ret;
}

/* ---- accessors and the byte form */

int pqce_attestation_fields_get(const pqce_attestation *att, pqce_attestation_fields *fields)
{
    if (fields != NULL) {
        memset(fields, 0, sizeof *fields);
    }
    if (att == NULL || fields == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    fields->device_id = att->device_id;
    fields->device_model = att->device_model;
    fields->enclave_vendor = att->enclave_vendor;
    fields->artifact_id = att->artifact_id;
    memcpy(fields->content_sha3_256, att->content_sha3_256, sizeof fields->content_sha3_256);
    fields->issued_ms = att->issued_ms;
    fields->algorithm = att->alg->name;
    fields->signer_id = att->signer_id;
    fields->nonce = att->nonce;
    fields->nonce_len = att->nonce_len;
    fields->public_key = att->public_key;
    fields->public_key_len = att->alg->pk_len;
    fields->signature = att->signature;
    fields->signature_len = att->alg->sig_len;
    return PQCE_OK;
}

int pqce_attestation_encode(const pqce_attestation *att, uint8_t *buf, size_t cap, size_t *len)
{
    pqce_bw w;
    if (len != NULL) {
        *len = 0;
    }
    if (att == NULL || len == NULL || (buf == NULL && cap > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    pqce_bw_init(&w, NULL, SIZE_MAX);
    encode_all(&w, att);
    *len = w.len;
    if (buf == NULL || cap < w.len) {
        return PQCE_ERR_INVALID_ARG;
    }
    pqce_bw_init(&w, buf, cap);
    encode_all(&w, att);
    return PQCE_OK;
}

int pqce_attestation_decode(pqce_attestation **att, const uint8_t *buf, size_t len)
{
    int ret;
    pqce_attestation *a;
    if (att != NULL) {
        *att = NULL;
    }
    if (att == NULL || (buf == NULL && len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (len > ATT_ENCODED_MAX) {
        return PQCE_ERR_FORMAT;
    }
    a = calloc(1, sizeof *a);
    if (a == NULL) {
        return PQCE_ERR_NOMEM;
    }
    ret = decode_into(a, buf, len);
    if (ret != PQCE_OK) {
        pqce_attestation_free(a);
        return ret;
    }
    *att = a;
    return PQCE_OK;
}

/* ---- JSON [ATT, 6] */

/* json-c accepts more than RFC 8259 even in strict mode (single-quoted
 * strings, NaN, raw control characters in strings) and silently keeps the
 * last of duplicate members. This pass over the text, run after json-c
 * has accepted it, refuses all of that, so that one JSON text has one
 * meaning for every parser: outside strings only structure, whitespace
 * and unsigned integers without leading zeros; inside strings no raw
 * control character and no unpaired surrogate escape; and exactly
 * ATT_JSON_MEMBERS name separators, which with json-c's count of distinct
 * members rules out duplicates. */
static int hex4(const char *s, size_t avail, unsigned *v)
{
    if (avail < 4) {
        return 0;
    }
    *v = 0;
    for (size_t i = 0; i < 4; i++) {
        char c = s[i];
        int d = (c >= 'A' && c <= 'F') ? c - 'A' + 10 : hex_value(c);
        if (d < 0) {
            return 0;
        }
        *v = *v << 4 | (unsigned)d;
    }
    return 1;
}

static int json_text_strict(const char *s, size_t len)
{
    size_t i = 0, colons = 0, depth = 0;
    while (i < len) {
        char c = s[i];
        if (c == '"') {
            i++;
            for (;;) {
                if (i >= len || (unsigned char)s[i] < 0x20) {
                    return 0;
                }
                if (s[i] == '"') {
                    i++;
                    break;
                }
                if (s[i] != '\\') {
                    i++;
                    continue;
                }
                if (i + 1 >= len) {
                    return 0;
                }
                if (s[i + 1] != 'u') {
                    i += 2;
                    continue;
                }
                unsigned u, lo;
                if (!hex4(s + i + 2, len - i - 2, &u)) {
                    return 0;
                }
                i += 6;
                if (u >= 0xDC00 && u <= 0xDFFF) {
                    return 0; /* a low surrogate alone */
                }
                if (u >= 0xD800 && u <= 0xDBFF) {
                    if (len - i < 6 || s[i] != '\\' || s[i + 1] != 'u' ||
                        !hex4(s + i + 2, len - i - 2, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
                        return 0; /* a high surrogate not followed by a low one */
                    }
                    i += 6;
                }
            }
            continue;
        }
        if (c >= '0' && c <= '9') {
            size_t start = i;
            while (i < len && s[i] >= '0' && s[i] <= '9') {
                i++;
            }
            if ((c == '0' && i - start > 1) || i - start > 15) {
                return 0;
            }
            continue;
        }
        switch (c) {
        case '{':
            depth++;
            break;
        case '}':
            if (depth == 0) {
                return 0;
            }
            depth--;
            break;
        case ':':
            colons++;
            break;
        case ',':
        case ' ':
        case '\t':
        case '\n':
        case '\r':
            break;
        default:
            return 0; /* '[', letters (NaN, true, null), '-', '.', quotes, ... */
        }
        i++;
    }
    return depth == 0 && colons == ATT_JSON_MEMBERS;
}

static json_object *member(json_object *obj, const char *key, json_type type)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(obj, key, &v) || v == NULL || !json_object_is_type(v, type)) {
        return NULL;
    }
    return v;
}

/* A text member of min..max bytes into out (NUL-terminated). */
static int json_text(json_object *obj, const char *key, char *out, size_t min, size_t max)
{
    json_object *v = member(obj, key, json_type_string);
    if (v == NULL) {
        return 0;
    }
    int n = json_object_get_string_len(v);
    const char *s = json_object_get_string(v);
    if (n < 0 || (size_t)n < min || (size_t)n > max ||
        !pqce_utf8_text_ok((const uint8_t *)s, (size_t)n, 0)) {
        return 0;
    }
    memcpy(out, s, (size_t)n);
    out[n] = '\0';
    return 1;
}

/* A hex member decoding to exactly out_len bytes. */
static int json_hex(json_object *obj, const char *key, uint8_t *out, size_t out_len)
{
    json_object *v = member(obj, key, json_type_string);
    if (v == NULL) {
        return 0;
    }
    int n = json_object_get_string_len(v);
    return n >= 0 && hex_decode(out, out_len, json_object_get_string(v), (size_t)n);
}

static int json_into(pqce_attestation *a, json_object *obj)
{
    char alg[ATT_ALG_LEN + 1], iso[ATT_ISO_LEN + 1];
    json_object *v;
    int64_t i64;

    if (!json_object_is_type(obj, json_type_object) ||
        json_object_object_length(obj) != (int)ATT_JSON_MEMBERS) {
        return PQCE_ERR_FORMAT;
    }
    v = member(obj, "version", json_type_int);
    if (v == NULL || json_object_get_int64(v) != (int64_t)ATT_VERSION) {
        return PQCE_ERR_FORMAT;
    }
    if (!json_text(obj, "device_id", a->device_id, 0, ATT_STR_MAX) ||
        !json_text(obj, "device_model", a->device_model, 0, ATT_STR_MAX) ||
        !json_text(obj, "enclave_vendor", a->enclave_vendor, 0, ATT_STR_MAX) ||
        !json_text(obj, "artifact_id", a->artifact_id, 1, ATT_STR_MAX) ||
        !json_hex(obj, "content_sha3_256", a->content_sha3_256, sizeof a->content_sha3_256)) {
        return PQCE_ERR_FORMAT;
    }
    v = member(obj, "issued_ms", json_type_int);
    if (v == NULL) {
        return PQCE_ERR_FORMAT;
    }
    i64 = json_object_get_int64(v);
    if (i64 < 0 || (uint64_t)i64 > ATT_ISSUED_MS_MAX) {
        return PQCE_ERR_FORMAT;
    }
    a->issued_ms = (uint64_t)i64;
    /* issued_at is informational, but it must say the same instant. */
    iso8601(iso, a->issued_ms);
    v = member(obj, "issued_at", json_type_string);
    if (v == NULL || json_object_get_string_len(v) != (int)ATT_ISO_LEN ||
        memcmp(json_object_get_string(v), iso, ATT_ISO_LEN) != 0) {
        return PQCE_ERR_FORMAT;
    }
    if (!json_text(obj, "algorithm", alg, ATT_ALG_LEN, ATT_ALG_LEN) ||
        (a->alg = alg_by_name((const uint8_t *)alg, ATT_ALG_LEN)) == NULL ||
        !json_text(obj, "signer_id", a->signer_id, ATT_DID_LEN, ATT_DID_LEN) ||
        !did_syntax_ok((const uint8_t *)a->signer_id, ATT_DID_LEN)) {
        return PQCE_ERR_FORMAT;
    }
    v = member(obj, "nonce", json_type_string);
    if (v == NULL) {
        return PQCE_ERR_FORMAT;
    }
    int n = json_object_get_string_len(v);
    if (n < 0 || (size_t)n > 2 * PQCE_ATTESTATION_NONCE_MAX || n % 2 != 0 ||
        !hex_decode(a->nonce, (size_t)n / 2, json_object_get_string(v), (size_t)n)) {
        return PQCE_ERR_FORMAT;
    }
    a->nonce_len = (size_t)n / 2;
    if (!json_hex(obj, "public_key", a->public_key, a->alg->pk_len) ||
        !json_hex(obj, "signature", a->signature, a->alg->sig_len)) {
        return PQCE_ERR_FORMAT;
    }
    return PQCE_OK;
}

int pqce_attestation_from_json(pqce_attestation **att, const char *json, size_t len)
{
    int ret;
    pqce_attestation *a = NULL;
    json_tokener *tok = NULL;
    json_object *obj = NULL;

    if (att != NULL) {
        *att = NULL;
    }
    if (att == NULL || (json == NULL && len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (len == 0 || len > ATT_JSON_MAX) {
        return PQCE_ERR_FORMAT;
    }
    tok = json_tokener_new();
    a = calloc(1, sizeof *a);
    if (tok == NULL || a == NULL) {
        ret = PQCE_ERR_NOMEM;
        goto cleanup;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    obj = json_tokener_parse_ex(tok, json, (int)len);
    if (obj == NULL) {
        /* json-c reports allocation failure as a parse error; a text it
         * cannot parse is the far likelier cause. */
        ret = PQCE_ERR_FORMAT;
        goto cleanup;
    }
    /* Trailing whitespace is accepted by json-c; anything else is not,
     * and the whole text must have been consumed. */
    if (json_tokener_get_parse_end(tok) != len || !json_text_strict(json, len)) {
        ret = PQCE_ERR_FORMAT;
        goto cleanup;
    }
    ret = json_into(a, obj);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    *att = a;
    a = NULL;

cleanup:
    pqce_attestation_free(a);
    json_object_put(obj);
    if (tok != NULL) {
        json_tokener_free(tok);
    }
    return ret;
}

static int add(json_object *obj, const char *key, json_object *v)
{
    return v != NULL && json_object_object_add(obj, key, v) == 0;
}

static int add_hex(json_object *obj, const char *key, const uint8_t *p, size_t n)
{
    char *h = malloc(2 * n + 1);
    if (h == NULL) {
        return 0;
    }
    hex_encode(h, p, n);
    int ok = add(obj, key, json_object_new_string_len(h, (int)(2 * n)));
    free(h);
    return ok;
}

int pqce_attestation_to_json(const pqce_attestation *att, char *buf, size_t cap, size_t *len)
{
    int ret = PQCE_ERR_NOMEM;
    json_object *obj = NULL;
    char iso[ATT_ISO_LEN + 1];
    const char *text;
    size_t n;

    if (len != NULL) {
        *len = 0;
    }
    if (att == NULL || len == NULL || (buf == NULL && cap > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    /* Members in the order of the canonical form [ATT, 6]. */
    iso8601(iso, att->issued_ms);
    obj = json_object_new_object();
    if (obj == NULL || !add(obj, "version", json_object_new_int64(ATT_VERSION)) ||
        !add(obj, "device_id", json_object_new_string(att->device_id)) ||
        !add(obj, "device_model", json_object_new_string(att->device_model)) ||
        !add(obj, "enclave_vendor", json_object_new_string(att->enclave_vendor)) ||
        !add(obj, "artifact_id", json_object_new_string(att->artifact_id)) ||
        !add_hex(obj, "content_sha3_256", att->content_sha3_256, sizeof att->content_sha3_256) ||
        !add(obj, "issued_ms", json_object_new_int64((int64_t)att->issued_ms)) ||
        !add(obj, "issued_at", json_object_new_string(iso)) ||
        !add(obj, "algorithm", json_object_new_string(att->alg->name)) ||
        !add(obj, "signer_id", json_object_new_string(att->signer_id)) ||
        !add_hex(obj, "nonce", att->nonce, att->nonce_len) ||
        !add_hex(obj, "public_key", att->public_key, att->alg->pk_len) ||
        !add_hex(obj, "signature", att->signature, att->alg->sig_len)) {
        goto cleanup;
    }
    text = json_object_to_json_string_ext(obj,
                                          JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (text == NULL) {
        goto cleanup;
    }
    n = strlen(text);
    *len = n;
    if (buf == NULL || cap <= n) {
        ret = PQCE_ERR_INVALID_ARG;
        goto cleanup;
    }
    memcpy(buf, text, n + 1);
    ret = PQCE_OK;

cleanup:
    json_object_put(obj);
    return ret;
}

/* ---- verifying [ATT, 5] */

int pqce_attestation_verify(const pqce_attestation *att, const uint8_t *public_key,
                            size_t public_key_len, const uint8_t *nonce, size_t nonce_len)
{
    int ret;
    uint8_t msg[ATT_STATEMENT_MAX];
    size_t msg_len;
    char did[ATT_DID_LEN + 1];
    const att_alg *al;

    if (att == NULL || public_key == NULL || (nonce == NULL && nonce_len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    /* 1. The statement carries the very key the verifier expects: the key
     * inside a statement is never trusted on its own (W9: self-certifying). */
    /* 2. The algorithm is the one that key's size implies (W9: relabelling). */
    al = alg_by_pk_len(public_key_len);
    if (al == NULL || al != att->alg || memcmp(att->public_key, public_key, public_key_len) != 0) {
        return PQCE_ERR_ATTESTATION;
    }
    /* 3. The signer id names that key (W9: unchecked signer DID). */
    did_of(did, public_key, public_key_len);
    if (strcmp(att->signer_id, did) != 0) {
        return PQCE_ERR_ATTESTATION;
    }
    /* 4. It answers the verifier's challenge (W9: no freshness). */
    if (nonce != NULL &&
        (nonce_len != att->nonce_len || (nonce_len > 0 && memcmp(nonce, att->nonce, nonce_len)))) {
        return PQCE_ERR_ATTESTATION;
    }
    /* 5. The signature covers every field (W9: unsigned DID and algorithm). */
    msg_len = statement_bytes(msg, att);
    ret = al->verify(att->signature, al->sig_len, msg, msg_len, (const uint8_t *)ATT_CONTEXT,
                     sizeof ATT_CONTEXT - 1, public_key);
    /* Any result but 0 means "not valid" [pqce.h, ML-DSA]. */
    return ret == PQCE_OK ? PQCE_OK : PQCE_ERR_ATTESTATION;
}

int pqce_attestation_verify_trusted(const pqce_attestation *att, const uint8_t *const *public_keys,
                                    const size_t *public_key_lens, size_t count,
                                    const uint8_t *nonce, size_t nonce_len)
{
    if (att == NULL || (count > 0 && (public_keys == NULL || public_key_lens == NULL)) ||
        (nonce == NULL && nonce_len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    for (size_t i = 0; i < count; i++) {
        if (public_keys[i] == NULL) {
            return PQCE_ERR_INVALID_ARG;
        }
    }
    for (size_t i = 0; i < count; i++) {
        /* verify rejects a different key before it checks a signature, so
         * a long trusted set costs one signature check, not count. */
        if (pqce_attestation_verify(att, public_keys[i], public_key_lens[i], nonce, nonce_len) ==
            PQCE_OK) {
            return PQCE_OK;
        }
    }
    return PQCE_ERR_ATTESTATION;
}

int pqce_attestation_is_valid(const pqce_attestation *att, const uint8_t *public_key,
                              size_t public_key_len, const uint8_t *nonce, size_t nonce_len)
{
    return pqce_attestation_verify(att, public_key, public_key_len, nonce, nonce_len) == PQCE_OK;
}

void pqce_attestation_free(pqce_attestation *att)
{
    if (att != NULL) {
        /* Nothing secret, but a freed statement should not linger. */
        pqce_memzero(att, sizeof *att);
        free(att);
    }
}
