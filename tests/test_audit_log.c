/*
 * test_audit_log.c - the persistent, hash-chained, authenticated audit log
 * (src/vault/audit_log.h, docs/AUDIT.md): round trips, the byte format
 * against the document, tamper detection (edit, removal, swap, insertion,
 * truncation), several handles on one store, the rate-window count, the
 * JSON Lines export, a 100,000-record log, and key wiping.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/aes_gcm.h"
#include "crypto/kmac.h"
#include "crypto/siphash.h"
#include "store/store.h"
#include "test.h"
#include "vault/audit_log.h"

#define OBJ "audit.log"

static const uint8_t key1[PQCE_AUDIT_KEY_BYTES] = {1, 2, 3, 4, 5, 6, 7, 8};
static const uint8_t key2[PQCE_AUDIT_KEY_BYTES] = {9, 9, 9};

#define ART_A "urn:pqc-enclave-art:000102030405060708090a0b0c0d0e0f"
#define ART_B "urn:pqc-enclave-art:f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"

static pqce_audit_record rec_of(pqce_audit_op op, const char *device, const char *art,
                                const char *name, const char *kind, const char *caller, int success,
                                const char *details, uint64_t time_ms)
{
    pqce_audit_record r;
    memset(&r, 0, sizeof r);
    r.op = op;
    r.device_id = device;
    r.artifact_id = art;
    r.artifact_name = name;
    r.artifact_kind = kind;
    r.caller = caller;
    r.success = success;
    r.details = details;
    r.time_ms = time_ms;
    return r;
}

static int app(pqce_audit_log *log, pqce_audit_op op, const char *device, const char *art,
               const char *name, const char *kind, const char *caller, int success,
               const char *details, uint64_t time_ms)
{
    pqce_audit_record r = rec_of(op, device, art, name, kind, caller, success, details, time_ms);
    return pqce_audit_append(log, &r, 0);
}

/* A sealed (keyed) record with seq-dependent fields. */
static int app_n(pqce_audit_log *log, uint64_t i)
{
    static const pqce_audit_op ops[4] = {PQCE_AUDIT_PUT, PQCE_AUDIT_GET, PQCE_AUDIT_LIST,
                                         PQCE_AUDIT_DELETE};
    char details[32];
    snprintf(details, sizeof details, "n=%llu", (unsigned long long)i);
    return app(log, ops[i % 4], i % 3 == 0 ? "dev-0" : "dev-1", i % 2 ? ART_A : ART_B,
               i % 2 ? "model-a" : "model-b", "model-weights", "com.example.app", 1, details,
               1700000000000ull + i);
}

static int raw_get(pqce_store *s, uint8_t **buf, size_t *len)
{
    return pqce_store_get(s, OBJ, (size_t)1 << 30, buf, len);
}

/* Record boundaries of a raw log: offs[i] = start of record i, offs[n] = end. */
static size_t rec_bounds(const uint8_t *b, size_t len, size_t *offs, size_t max)
{
    size_t n = 0, off = 16;
    while (off + 4 <= len && n < max) {
        size_t l =
            (size_t)b[off] << 24 | (size_t)b[off + 1] << 16 | (size_t)b[off + 2] << 8 | b[off + 3];
        if (off + 4 + l > len) {
            break;
        }
        offs[n++] = off;
        off += 4 + l;
    }
    offs[n] = off;
    return n;
}

static int contains(const uint8_t *b, size_t len, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= len; i++) {
        if (memcmp(b + i, s, n) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Opens a fresh handle on store with key1 and verifies against (count, head). */
static int verify_fresh(pqce_store *store, uint64_t count, const uint8_t head[32],
                        pqce_audit_report *rep)
{
    pqce_audit_log *log = NULL;
    int ret = pqce_audit_open(&log, store, OBJ);
    if (ret != PQCE_OK) {
        return ret;
    }
    pqce_audit_set_key(log, key1);
    ret = pqce_audit_verify(log, rep, count, head);
    pqce_audit_close(log);
    return ret;
}

/* A store holding n sealed records; count and head of the log returned. */
static int make_log(pqce_store **store, uint64_t n, uint64_t *count, uint8_t head[32])
{
    pqce_audit_log *log = NULL;
    int ret = pqce_store_memory_new(store);
    if (ret == PQCE_OK) {
        ret = pqce_audit_open(&log, *store, OBJ);
    }
    if (ret == PQCE_OK) {
        pqce_audit_set_key(log, key1);
        for (uint64_t i = 0; ret == PQCE_OK && i < n; i++) {
            ret = app_n(log, i);
        }
        pqce_audit_head(log, count, head);
    }
    pqce_audit_close(log);
    return ret;
}

/* ---- round trips ---------------------------------------------------------- */

static void test_query_returns_newest_first_with_filters_and_limit(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    pqce_audit_list *l = NULL;
    CHECK_OK(pqce_store_memory_new(&store));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_key(log, key1);
    CHECK_OK(app(log, PQCE_AUDIT_UNLOCK, "d-1", NULL, NULL, NULL, NULL, 1, "key_id=k1", 1000));
    CHECK_OK(
        app(log, PQCE_AUDIT_PUT, "d-1", ART_A, "llama-7b", "model-weights", NULL, 1, "", 1001));
    CHECK_OK(app(log, PQCE_AUDIT_PUT, "d-2", ART_B, "tok", "tokenizer", NULL, 1, "", 1002));
    CHECK_OK(
        app(log, PQCE_AUDIT_GET, "d-1", ART_A, "llama-7b", "model-weights", "com.a", 1, "", 1003));
    CHECK_OK(app(log, PQCE_AUDIT_GET, "d-2", ART_B, "tok", "tokenizer", "com.b", 0,
                 "PQCE_ERR_POLICY", 1004));
    CHECK_OK(
        app(log, PQCE_AUDIT_PUT, "d-1", ART_A, "llama-7b", "model-weights", NULL, 1, "v2", 1005));
    CHECK_OK(app(log, PQCE_AUDIT_LOCK, "d-1", NULL, NULL, NULL, NULL, 1, "", 1006));

    CHECK_OK(pqce_audit_search(log, &l, NULL));
    CHECK(pqce_audit_list_count(l) == 7);
    for (size_t i = 0; i < 7; i++) {
        const pqce_audit_entry *e = pqce_audit_list_at(l, i);
        CHECK(e->seq == 6 - i);
        CHECK(e->time_ms == 1006 - i);
        CHECK(e->authenticated == 1);
    }
    const pqce_audit_entry *e = pqce_audit_list_at(l, 2); /* seq 4 */
    CHECK(strcmp(e->operation, "get") == 0 && strcmp(e->device_id, "d-2") == 0);
    CHECK(strcmp(e->artifact_id, ART_B) == 0 && strcmp(e->artifact_name, "tok") == 0);
    CHECK(strcmp(e->artifact_kind, "tokenizer") == 0 && strcmp(e->caller, "com.b") == 0);
    CHECK(e->success == 0 && strcmp(e->details, "PQCE_ERR_POLICY") == 0);
    e = pqce_audit_list_at(l, 6);
    CHECK(strcmp(e->operation, "unlock") == 0 && strcmp(e->details, "key_id=k1") == 0);
    CHECK(e->artifact_id[0] == '\0' && e->caller[0] == '\0');
    pqce_audit_list_free(l);

    pqce_audit_query q = {PQCE_AUDIT_QUERY_VERSION, "put", NULL, NULL, 0};
    CHECK_OK(pqce_audit_search(log, &l, &q));
    CHECK(pqce_audit_list_count(l) == 3);
    CHECK(pqce_audit_list_at(l, 0)->seq == 5 && pqce_audit_list_at(l, 1)->seq == 2 &&
          pqce_audit_list_at(l, 2)->seq == 1);
    pqce_audit_list_free(l);

    q = (pqce_audit_query){PQCE_AUDIT_QUERY_VERSION, NULL, "d-2", NULL, 0};
    CHECK_OK(pqce_audit_search(log, &l, &q));
    CHECK(pqce_audit_list_count(l) == 2);
    CHECK(pqce_audit_list_at(l, 0)->seq == 4 && pqce_audit_list_at(l, 1)->seq == 2);
    pqce_audit_list_free(l);

    q = (pqce_audit_query){PQCE_AUDIT_QUERY_VERSION, "", "", ART_A, 2};
    CHECK_OK(pqce_audit_search(log, &l, &q));
    CHECK(pqce_audit_list_count(l) == 2);
    CHECK(pqce_audit_list_at(l, 0)->seq == 5 && pqce_audit_list_at(l, 1)->seq == 3);
    pqce_audit_list_free(l);

    q = (pqce_audit_query){PQCE_AUDIT_QUERY_VERSION, "get", "d-1", ART_A, 0};
    CHECK_OK(pqce_audit_search(log, &l, &q));
    CHECK(pqce_audit_list_count(l) == 1 && pqce_audit_list_at(l, 0)->seq == 3);
    pqce_audit_list_free(l);

    q = (pqce_audit_query){PQCE_AUDIT_QUERY_VERSION, NULL, NULL, NULL, 3};
    CHECK_OK(pqce_audit_search(log, &l, &q));
    CHECK(pqce_audit_list_count(l) == 3 && pqce_audit_list_at(l, 0)->seq == 6 &&
          pqce_audit_list_at(l, 2)->seq == 4);
    pqce_audit_list_free(l);

    /* Filters nothing matches: an empty list, not an error. */
    q = (pqce_audit_query){PQCE_AUDIT_QUERY_VERSION, "no-such-op", NULL, NULL, 0};
    CHECK_OK(pqce_audit_search(log, &l, &q));
    CHECK(pqce_audit_list_count(l) == 0);
    pqce_audit_list_free(l);
    q = (pqce_audit_query){PQCE_AUDIT_QUERY_VERSION, NULL, "d-9", NULL, 0};
    CHECK_OK(pqce_audit_search(log, &l, &q));
    CHECK(pqce_audit_list_count(l) == 0);
    pqce_audit_list_free(l);
    q = (pqce_audit_query){PQCE_AUDIT_QUERY_VERSION, NULL, NULL, "urn:none", 0};
    CHECK_OK(pqce_audit_search(log, &l, &q));
    CHECK(pqce_audit_list_count(l) == 0);
    pqce_audit_list_free(l);

    q.version = 99;
    CHECK_RC(pqce_audit_search(log, &l, &q), PQCE_ERR_INVALID_ARG);
    CHECK(l == NULL);

    /* The same answers from another handle after a restart. */
    pqce_audit_close(log);
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_key(log, key1);
    q = (pqce_audit_query){PQCE_AUDIT_QUERY_VERSION, "put", NULL, NULL, 0};
    CHECK_OK(pqce_audit_search(log, &l, &q));
    CHECK(pqce_audit_list_count(l) == 3 && pqce_audit_list_at(l, 0)->seq == 5);
    CHECK(strcmp(pqce_audit_list_at(l, 0)->details, "v2") == 0);
    pqce_audit_list_free(l);
    pqce_audit_close(log);
    pqce_store_free(store);
}

static void test_query_limit_zero_means_100(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    pqce_audit_list *l = NULL;
    uint64_t count;
    uint8_t head[32];
    CHECK_OK(make_log(&store, 150, &count, head));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_key(log, key1);
    pqce_audit_query q = {PQCE_AUDIT_QUERY_VERSION, NULL, NULL, NULL, 0};
    CHECK_OK(pqce_audit_search(log, &l, &q));
    CHECK(pqce_audit_list_count(l) == PQCE_AUDIT_DEFAULT_LIMIT);
    CHECK(pqce_audit_list_at(l, 0)->seq == 149 && pqce_audit_list_at(l, 99)->seq == 50);
    pqce_audit_list_free(l);
    CHECK_OK(pqce_audit_search(log, &l, NULL));
    CHECK(pqce_audit_list_count(l) == 100 && pqce_audit_list_at(l, 0)->seq == 149);
    pqce_audit_list_free(l);
    q.limit = 1000; /* more than there is: everything */
    CHECK_OK(pqce_audit_search(log, &l, &q));
    CHECK(pqce_audit_list_count(l) == 150 && pqce_audit_list_at(l, 149)->seq == 0);
    pqce_audit_list_free(l);
    pqce_audit_close(log);
    pqce_store_free(store);
}

static void test_list_accessors_accept_null_and_out_of_range(void)
{
    CHECK(pqce_audit_list_count(NULL) == 0);
    CHECK(pqce_audit_list_at(NULL, 0) == NULL);
    pqce_audit_list_free(NULL);
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    pqce_audit_list *l = NULL;
    uint64_t count;
    uint8_t head[32];
    CHECK_OK(make_log(&store, 2, &count, head));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_key(log, key1);
    CHECK_OK(pqce_audit_search(log, &l, NULL));
    CHECK(pqce_audit_list_count(l) == 2 && pqce_audit_list_at(l, 2) == NULL);
    pqce_audit_list_free(l);
    CHECK_RC(pqce_audit_search(log, NULL, NULL), PQCE_ERR_INVALID_ARG);
    pqce_audit_close(log);
    pqce_audit_close(NULL);
    pqce_store_free(store);
}

static void test_empty_log_opens_queries_and_verifies(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    pqce_audit_list *l = NULL;
    pqce_audit_report rep;
    uint64_t count = 9;
    uint8_t head[32];
    CHECK_OK(pqce_store_memory_new(&store));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_head(log, &count, head);
    CHECK(count == 0);
    pqce_audit_set_key(log, key1);
    CHECK_OK(pqce_audit_search(log, &l, NULL));
    CHECK(pqce_audit_list_count(l) == 0);
    pqce_audit_list_free(l);
    CHECK_OK(pqce_audit_verify(log, &rep, 0, NULL));
    CHECK(rep.entries == 0 && rep.authenticated == 0 && rep.first_bad_seq == 0);
    /* The manifest said one record: the log was cut back to nothing. */
    CHECK_RC(pqce_audit_verify(log, &rep, 1, head), PQCE_ERR_DECRYPT);
    CHECK(rep.first_bad_seq == 0);
    CHECK_RC(pqce_audit_verify(log, &rep, 1, NULL), PQCE_ERR_INVALID_ARG);
    uint64_t n = 5;
    CHECK_OK(pqce_audit_count_gets(log, "model-weights", "com.a", 0, &n));
    CHECK(n == 0);
    pqce_audit_close(log);
    CHECK_RC(pqce_audit_open(&log, store, "../escape"), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_audit_open(&log, NULL, OBJ), PQCE_ERR_INVALID_ARG);
    pqce_store_free(store);
}

/* ---- the format, against docs/AUDIT.md ------------------------------------ */

static void sha3_cat(uint8_t out[32], const char *label, const uint8_t *a, size_t a_len,
                     const uint8_t *b, size_t b_len)
{
    pqce_sha3_ctx c;
    if (pqce_sha3_256_init(&c) != 0 ||
        pqce_sha3_absorb(&c, (const uint8_t *)label, strlen(label)) != 0 ||
        pqce_sha3_absorb(&c, a, a_len) != 0 || pqce_sha3_absorb(&c, b, b_len) != 0 ||
        pqce_sha3_final(&c, out, 32) != 0) {
        memset(out, 0, 32);
    }
}

static void test_plain_record_bytes_match_the_document(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    uint8_t *raw = NULL, head[32], genesis[32], h0[32];
    size_t len;
    uint64_t count;
    CHECK_OK(pqce_store_memory_new(&store));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    CHECK_OK(app(log, PQCE_AUDIT_UNLOCK, "dev", "ignored", "ignored", "ignored", "ignored", 0,
                 "PQCE_ERR_LOCKED", 0x0102030405060708ull));
    pqce_audit_head(log, &count, head);
    CHECK_OK(raw_get(store, &raw, &len));
    static const uint8_t expect[] = {0x89, 'P',  'Q',  'A',
                                     'L',  0x0D, 0x0A, 0x1A,
                                     0,    1,    0,    0,
                                     0,    0,    0,    0,               /* header */
                                     0,    0,    0,    20 + 3 + 2 + 15, /* len = 40 */
                                     1,    0,    0,    3, /* plain, unlock, failure, device_len */
                                     0,    0,    0,    0,
                                     0,    0,    0,    0, /* seq 0 */
                                     1,    2,    3,    4,
                                     5,    6,    7,    8, /* time_ms */
                                     'd',  'e',  'v',  0,
                                     15,   'P',  'Q',  'C',
                                     'E',  '_',  'E',  'R',
                                     'R',  '_',  'L',  'O',
                                     'C',  'K',  'E',  'D'};
    CHECK(len == sizeof expect);
    CHECK_MEM_EQ(raw, expect, sizeof expect);
    /* h_-1 = SHA3-256("pqce-audit/v1/genesis" | header); h_0 = SHA3-256(
     * "pqce-audit/v1/chain" | h_-1 | record_0). */
    sha3_cat(genesis, "pqce-audit/v1/genesis", raw, 16, NULL, 0);
    sha3_cat(h0, "pqce-audit/v1/chain", genesis, 32, raw + 16, len - 16);
    CHECK(count == 1);
    CHECK_MEM_EQ(head, h0, 32);
    free(raw);
    pqce_audit_close(log);
    pqce_store_free(store);
}

static void test_sealed_record_opens_with_the_documented_construction(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    uint8_t *raw = NULL, genesis[32], rk[32], pt[256];
    size_t len;
    CHECK_OK(pqce_store_memory_new(&store));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_key(log, key1);
    CHECK_OK(app(log, PQCE_AUDIT_GET, "dev", "id-1", "name-1", "credential", "com.c", 1, "ok", 77));
    CHECK_OK(raw_get(store, &raw, &len));
    /* header | len | type 2, op 3, success 1, device_len 3 | seq | time | "dev" | salt | ct | tag
     */
    const uint8_t *r = raw + 16;
    size_t body = (size_t)r[0] << 24 | (size_t)r[1] << 16 | (size_t)r[2] << 8 | r[3];
    CHECK(len == 16 + 4 + body);
    CHECK(r[4] == 2 && r[5] == 3 && r[6] == 1 && r[7] == 3);
    size_t clear = 4 + 20 + 3 + 16, ct_len = 4 + body - clear - 16;
    /* 5 * 2 + "id-1" 4 + "name-1" 6 + "credential" 10 + "com.c" 5 + "ok" 2 = 37 -> 64 */
    CHECK(ct_len == 64);
    /* rk = KMAC256(K, BE64(0) | h_-1 | salt, 256, "pqce-audit/v1/record-key") */
    uint8_t x[8 + 32 + 16] = {0}, aad[32 + 4 + 20 + 3 + 16];
    sha3_cat(genesis, "pqce-audit/v1/genesis", raw, 16, NULL, 0);
    memcpy(x + 8, genesis, 32);
    memcpy(x + 40, r + clear - 16, 16);
    pqce_kmac256(rk, 32, key1, 32, x, sizeof x, (const uint8_t *)"pqce-audit/v1/record-key",
                 strlen("pqce-audit/v1/record-key"));
    /* AAD = h_-1 | the record from its length through the salt; nonce 0^12 */
    memcpy(aad, genesis, 32);
    memcpy(aad + 32, r, clear);
    static const uint8_t nonce[12];
    CHECK_OK(
        pqce_aes256gcm_open(pt, r + clear, ct_len, r + clear + ct_len, aad, sizeof aad, nonce, rk));
    static const uint8_t expect[] = {0,   4, 'i', 'd', '-', '1', 0,   6,   'n', 'a', 'm', 'e', '-',
                                     '1', 0, 10,  'c', 'r', 'e', 'd', 'e', 'n', 't', 'i', 'a', 'l',
                                     0,   5, 'c', 'o', 'm', '.', 'c', 0,   2,   'o', 'k'};
    CHECK_MEM_EQ(pt, expect, sizeof expect);
    for (size_t i = sizeof expect; i < ct_len; i++) {
        CHECK(pt[i] == 0);
    }
    /* The name, id and caller are nowhere in clear. */
    CHECK(!contains(raw, len, "name-1") && !contains(raw, len, "id-1") &&
          !contains(raw, len, "com.c") && !contains(raw, len, "credential"));
    free(raw);
    pqce_audit_close(log);
    pqce_store_free(store);
}

/* ---- secrets never in clear ------------------------------------------------- */

static void test_locked_records_carry_no_artifact_name_id_or_caller(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    pqce_audit_list *l = NULL;
    uint8_t *raw = NULL;
    size_t len;
    CHECK_OK(pqce_store_memory_new(&store));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    /* Locked: the vault refuses a get and audits it. */
    CHECK_OK(app(log, PQCE_AUDIT_GET, "dev-locked", ART_A, "top-secret-model", "biometric-template",
                 "com.secret.caller", 0, "PQCE_ERR_LOCKED", 5000));
    CHECK_OK(raw_get(store, &raw, &len));
    CHECK(contains(raw, len, "PQCE_ERR_LOCKED") && contains(raw, len, "dev-locked"));
    CHECK(!contains(raw, len, "top-secret-model"));
    CHECK(!contains(raw, len, ART_A) && !contains(raw, len, "pqc-enclave-art"));
    CHECK(!contains(raw, len, "com.secret.caller") && !contains(raw, len, "biometric"));
    free(raw);
    raw = NULL;

    /* Unlocked later: the locked record shows what it kept, unauthenticated
     * until a keyed record covers it. */
    pqce_audit_set_key(log, key1);
    CHECK_OK(pqce_audit_search(log, &l, NULL));
    CHECK(pqce_audit_list_count(l) == 1);
    const pqce_audit_entry *e = pqce_audit_list_at(l, 0);
    CHECK(strcmp(e->operation, "get") == 0 && e->success == 0 && e->authenticated == 0);
    CHECK(e->artifact_id[0] == 0 && e->artifact_name[0] == 0 && e->artifact_kind[0] == 0 &&
          e->caller[0] == 0);
    CHECK(strcmp(e->details, "PQCE_ERR_LOCKED") == 0 && strcmp(e->device_id, "dev-locked") == 0);
    pqce_audit_list_free(l);
    CHECK_OK(app(log, PQCE_AUDIT_UNLOCK, "dev-locked", NULL, NULL, NULL, NULL, 1, "", 6000));
    CHECK_OK(pqce_audit_search(log, &l, NULL));
    CHECK(pqce_audit_list_count(l) == 2);
    CHECK(pqce_audit_list_at(l, 0)->authenticated == 1 && pqce_audit_list_at(l, 1)->authenticated);
    pqce_audit_list_free(l);
    CHECK_OK(app(log, PQCE_AUDIT_GET, "dev-locked", ART_A, "top-secret-model", "credential",
                 "com.secret.caller", 1, "", 7000));
    CHECK_OK(raw_get(store, &raw, &len));
    CHECK(!contains(raw, len, "top-secret-model") && !contains(raw, len, "com.secret.caller") &&
          !contains(raw, len, "pqc-enclave-art"));
    free(raw);
    pqce_audit_close(log);
    pqce_store_free(store);
}

static void test_unauthenticated_tail_is_reported(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    pqce_audit_list *l = NULL;
    pqce_audit_report rep;
    CHECK_OK(pqce_store_memory_new(&store));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_key(log, key1);
    CHECK_OK(app_n(log, 0));
    CHECK_OK(app_n(log, 1));
    pqce_audit_set_key(log, NULL);
    for (int i = 0; i < 3; i++) {
        CHECK_OK(app(log, PQCE_AUDIT_UNLOCK, "d", NULL, NULL, NULL, NULL, 0, "PQCE_ERR_LOCKED", 9));
    }
    pqce_audit_set_key(log, key1);
    CHECK_OK(pqce_audit_verify(log, &rep, 0, NULL));
    CHECK(rep.entries == 5 && rep.authenticated == 2 && rep.first_bad_seq == 5);
    CHECK_OK(pqce_audit_search(log, &l, NULL));
    for (size_t i = 0; i < 5; i++) {
        CHECK(pqce_audit_list_at(l, i)->authenticated == (i >= 3));
    }
    pqce_audit_list_free(l);
    pqce_audit_close(log);
    pqce_store_free(store);
}

/* ---- tamper detection --------------------------------------------------- */

/* A small log of every shape: sealed, plain in the middle, sealed, plain tail. */
static int make_mixed_log(pqce_store **store, uint64_t *count, uint8_t head[32])
{
    pqce_audit_log *log = NULL;
    int ret = pqce_store_memory_new(store);
    if (ret == PQCE_OK) {
        ret = pqce_audit_open(&log, *store, OBJ);
    }
    if (ret == PQCE_OK) {
        pqce_audit_set_key(log, key1);
        ret = app(log, PQCE_AUDIT_UNLOCK, "d", NULL, NULL, NULL, NULL, 1, "", 1);
    }
    if (ret == PQCE_OK) {
        ret = app(log, PQCE_AUDIT_PUT, "d", ART_A, "m", "model-weights", NULL, 1, "", 2);
    }
    if (ret == PQCE_OK) {
        pqce_audit_set_key(log, NULL);
        ret = app(log, PQCE_AUDIT_GET, "d", NULL, NULL, NULL, NULL, 0, "PQCE_ERR_LOCKED", 3);
    }
    if (ret == PQCE_OK) {
        pqce_audit_set_key(log, key1);
        ret = app(log, PQCE_AUDIT_GET, "d", ART_A, "m", "model-weights", "c", 1, "", 4);
    }
    if (ret == PQCE_OK) {
        pqce_audit_set_key(log, NULL);
        ret = app(log, PQCE_AUDIT_LOCK, "d", NULL, NULL, NULL, NULL, 1, "", 5);
    }
    pqce_audit_head(log, count, head);
    pqce_audit_close(log);
    return ret;
}

static void test_every_edited_byte_is_detected(void)
{
    pqce_store *store = NULL;
    uint8_t *raw = NULL, head[32];
    size_t len;
    uint64_t count;
    CHECK_OK(make_mixed_log(&store, &count, head));
    CHECK(count == 5);
    CHECK_OK(verify_fresh(store, count, head, NULL));
    CHECK_OK(raw_get(store, &raw, &len));
    size_t by_parse = 0, by_verify = 0;
    static const uint8_t masks[] = {0x01, 0x80, 0xFF};
    for (size_t i = 0; i < len; i++) {
        for (size_t m = 0; m < sizeof masks; m++) {
            raw[i] ^= masks[m];
            CHECK_OK(pqce_store_put(store, OBJ, raw, len));
            pqce_audit_report rep;
            int rc = verify_fresh(store, count, head, &rep);
            raw[i] ^= masks[m];
            if (rc == PQCE_ERR_FORMAT) {
                by_parse++;
            } else {
                CHECK_MSG(rc == PQCE_ERR_DECRYPT, "byte %zu ^ %02x: verify returned %s", i,
                          masks[m], pqce_error_name(rc));
                CHECK(rep.first_bad_seq < count);
                by_verify++;
            }
        }
    }
    CHECK(by_parse > 0 && by_verify > 0 && by_parse + by_verify == 3 * len);
    CHECK_OK(pqce_store_put(store, OBJ, raw, len));
    CHECK_OK(verify_fresh(store, count, head, NULL));
    free(raw);
    pqce_store_free(store);
}

/* Rewrites the object as the concatenation of the header and the records
 * listed in order (indices into the original). */
static int rearrange(pqce_store *store, const size_t *order, size_t n)
{
    uint8_t *raw = NULL, *out = NULL;
    size_t len, offs[64];
    int ret = raw_get(store, &raw, &len);
    if (ret != PQCE_OK) {
        return ret;
    }
    size_t nrec = rec_bounds(raw, len, offs, 63);
    out = malloc(len * 2);
    size_t o = 16;
    memcpy(out, raw, 16);
    for (size_t i = 0; i < n; i++) {
        if (order[i] >= nrec) {
            free(raw);
            free(out);
            return PQCE_ERR_INVALID_ARG;
        }
        size_t a = offs[order[i]], b = offs[order[i] + 1];
        memcpy(out + o, raw + a, b - a);
        o += b - a;
    }
    ret = pqce_store_put(store, OBJ, out, o);
    free(raw);
    free(out);
    return ret;
}

static void test_removed_record_is_detected(void)
{
    pqce_store *store = NULL;
    uint8_t head[32];
    uint64_t count;
    pqce_audit_report rep;
    CHECK_OK(make_log(&store, 6, &count, head));
    static const size_t order[] = {0, 1, 3, 4, 5};
    CHECK_OK(rearrange(store, order, 5));
    CHECK_RC(verify_fresh(store, count, head, &rep), PQCE_ERR_DECRYPT);
    CHECK(rep.first_bad_seq == 2 && rep.entries == 5 && rep.authenticated == 2);
    /* Without the manifest's numbers too. */
    CHECK_RC(verify_fresh(store, 0, NULL, &rep), PQCE_ERR_DECRYPT);
    CHECK(rep.first_bad_seq == 2);
    pqce_store_free(store);
}

static void test_swapped_records_are_detected(void)
{
    pqce_store *store = NULL;
    uint8_t head[32];
    uint64_t count;
    pqce_audit_report rep;
    CHECK_OK(make_log(&store, 6, &count, head));
    static const size_t order[] = {0, 1, 3, 2, 4, 5};
    CHECK_OK(rearrange(store, order, 6));
    CHECK_RC(verify_fresh(store, count, head, &rep), PQCE_ERR_DECRYPT);
    CHECK(rep.first_bad_seq == 2 && rep.entries == 6 && rep.authenticated == 2);
    pqce_store_free(store);
}

static void test_inserted_record_is_detected(void)
{
    pqce_store *store = NULL;
    uint8_t head[32];
    uint64_t count;
    pqce_audit_report rep;
    CHECK_OK(make_log(&store, 6, &count, head));
    /* A copy of record 1 inserted at position 4. */
    static const size_t order[] = {0, 1, 2, 3, 1, 4, 5};
    CHECK_OK(rearrange(store, order, 7));
    CHECK_RC(verify_fresh(store, count, head, &rep), PQCE_ERR_DECRYPT);
    CHECK(rep.first_bad_seq == 4 && rep.entries == 7 && rep.authenticated == 4);
    pqce_store_free(store);

    /* A forged plain record with the right seq, written by someone without
     * the key: nothing can tell it from a locked record, but the record
     * after it no longer matches its chain (or its seq). */
    CHECK_OK(make_log(&store, 6, &count, head));
    uint8_t *raw = NULL, *out;
    size_t len, offs[16];
    CHECK_OK(raw_get(store, &raw, &len));
    CHECK(rec_bounds(raw, len, offs, 15) == 6);
    static const uint8_t forged[] = {0, 0, 0, 22, 1, 4, 1, 0, 0, 0, 0, 0, 0,
                                     0, 0, 4, 0,  0, 0, 0, 0, 0, 0, 9, 0, 0};
    out = malloc(len + sizeof forged);
    memcpy(out, raw, offs[4]);
    memcpy(out + offs[4], forged, sizeof forged);
    memcpy(out + offs[4] + sizeof forged, raw + offs[4], len - offs[4]);
    CHECK_OK(pqce_store_put(store, OBJ, out, len + sizeof forged));
    free(out);
    free(raw);
    /* Alone, the forged record is consistent; the record after it is not. */
    CHECK_RC(verify_fresh(store, 0, NULL, &rep), PQCE_ERR_DECRYPT);
    CHECK(rep.first_bad_seq == 5 && rep.authenticated == 4);
    /* With the manifest's head, the change is placed right after the
     * authenticated prefix: at the forged record itself. */
    CHECK_RC(verify_fresh(store, count, head, &rep), PQCE_ERR_DECRYPT);
    CHECK(rep.first_bad_seq == 4 && rep.authenticated == 4);
    pqce_store_free(store);
}

static void test_truncated_log_is_detected(void)
{
    pqce_store *store = NULL;
    uint8_t head[32];
    uint64_t count;
    pqce_audit_report rep;
    CHECK_OK(make_log(&store, 6, &count, head));
    static const size_t order[] = {0, 1, 2, 3};
    CHECK_OK(rearrange(store, order, 4));
    /* Without the saved length, a shorter log is a valid log... */
    CHECK_OK(verify_fresh(store, 0, NULL, &rep));
    CHECK(rep.entries == 4 && rep.authenticated == 4);
    /* ...with it, the cut is found. */
    CHECK_RC(verify_fresh(store, count, head, &rep), PQCE_ERR_DECRYPT);
    CHECK(rep.first_bad_seq == 4 && rep.entries == 4);
    pqce_store_free(store);

    /* Cut inside record 5: records 0-4 remain, the partial record is not read. */
    CHECK_OK(make_log(&store, 6, &count, head));
    uint8_t *raw = NULL;
    size_t len, offs[16];
    CHECK_OK(raw_get(store, &raw, &len));
    CHECK(rec_bounds(raw, len, offs, 15) == 6);
    CHECK_OK(pqce_store_put(store, OBJ, raw, offs[5] + 10));
    free(raw);
    CHECK_RC(verify_fresh(store, count, head, &rep), PQCE_ERR_DECRYPT);
    CHECK(rep.first_bad_seq == 5 && rep.entries == 5);
    pqce_store_free(store);
}

static void test_plain_record_edit_is_caught_by_the_next_sealed_record(void)
{
    pqce_store *store = NULL;
    uint8_t head[32], *raw = NULL;
    uint64_t count;
    size_t len, offs[16];
    pqce_audit_report rep;
    CHECK_OK(make_mixed_log(&store, &count, head));
    CHECK_OK(raw_get(store, &raw, &len));
    CHECK(rec_bounds(raw, len, offs, 15) == 5);
    /* Record 2 is plain ("PQCE_ERR_LOCKED"): change its last details byte. */
    raw[offs[3] - 1] ^= 0x20;
    CHECK_OK(pqce_store_put(store, OBJ, raw, len));
    free(raw);
    CHECK_RC(verify_fresh(store, 0, NULL, &rep), PQCE_ERR_DECRYPT);
    CHECK(rep.first_bad_seq == 3 && rep.authenticated == 2);
    pqce_store_free(store);
}

static void test_verify_detects_a_head_that_differs_from_the_manifest(void)
{
    pqce_store *store = NULL;
    uint8_t head[32];
    uint64_t count;
    pqce_audit_report rep;
    CHECK_OK(make_mixed_log(&store, &count, head));
    head[7] ^= 1;
    /* The last record (plain, after the last sealed one) is where it can differ. */
    CHECK_RC(verify_fresh(store, count, head, &rep), PQCE_ERR_DECRYPT);
    CHECK(rep.first_bad_seq == 4 && rep.authenticated == 4);
    head[7] ^= 1;
    CHECK_OK(verify_fresh(store, count, head, &rep));
    CHECK(rep.entries == 5 && rep.authenticated == 4 && rep.first_bad_seq == 5);
    /* A manifest from an earlier save: a prefix of the log. */
    pqce_store_free(store);
    pqce_audit_log *log = NULL;
    CHECK_OK(pqce_store_memory_new(&store));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_key(log, key1);
    CHECK_OK(app_n(log, 0));
    CHECK_OK(app_n(log, 1));
    pqce_audit_head(log, &count, head);
    CHECK_OK(app_n(log, 2));
    CHECK_OK(pqce_audit_verify(log, &rep, count, head));
    CHECK(rep.entries == 3 && rep.authenticated == 3);
    pqce_audit_close(log);
    pqce_store_free(store);
}

static void test_wrong_key_fails_verification(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    pqce_audit_list *l = NULL;
    uint8_t head[32];
    uint64_t count, n;
    pqce_audit_report rep;
    CHECK_OK(make_log(&store, 3, &count, head));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_key(log, key2);
    CHECK_RC(pqce_audit_verify(log, &rep, count, head), PQCE_ERR_DECRYPT);
    CHECK(rep.first_bad_seq == 0 && rep.authenticated == 0);
    /* Nothing unauthenticated is shown: the fields stay empty. */
    CHECK_OK(pqce_audit_search(log, &l, NULL));
    CHECK(pqce_audit_list_count(l) == 3);
    CHECK(pqce_audit_list_at(l, 0)->artifact_name[0] == 0 &&
          pqce_audit_list_at(l, 0)->authenticated == 0);
    pqce_audit_list_free(l);
    CHECK_RC(pqce_audit_count_gets(log, "model-weights", "com.example.app", 0, &n),
             PQCE_ERR_DECRYPT);
    pqce_audit_set_key(log, key1);
    CHECK_OK(pqce_audit_verify(log, &rep, count, head));
    pqce_audit_close(log);
    pqce_store_free(store);
}

static void test_malformed_objects_are_rejected(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    uint64_t count;
    CHECK_OK(pqce_store_memory_new(&store));
    static const uint8_t not_a_log[] = "{\"this is\": \"json\"}";
    CHECK_OK(pqce_store_put(store, OBJ, not_a_log, sizeof not_a_log));
    CHECK_RC(pqce_audit_open(&log, store, OBJ), PQCE_ERR_FORMAT);
    CHECK(log == NULL);
    /* A right header, then a length beyond the bound. */
    uint8_t b[16 + 8] = {0x89, 'P', 'Q', 'A', 'L', 0x0D, 0x0A, 0x1A, 0, 1};
    b[16] = 0xFF;
    CHECK_OK(pqce_store_put(store, OBJ, b, sizeof b));
    CHECK_RC(pqce_audit_open(&log, store, OBJ), PQCE_ERR_FORMAT);
    /* A future version. */
    b[9] = 2;
    CHECK_OK(pqce_store_put(store, OBJ, b, 16));
    CHECK_RC(pqce_audit_open(&log, store, OBJ), PQCE_ERR_FORMAT);
    /* Only a header, or a header cut short: an empty log. */
    b[9] = 1;
    CHECK_OK(pqce_store_put(store, OBJ, b, 16));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_head(log, &count, NULL);
    CHECK(count == 0);
    pqce_audit_close(log);
    CHECK_OK(pqce_store_put(store, OBJ, b, 5));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    /* The next append cuts the torn header and writes a whole one. */
    CHECK_OK(app(log, PQCE_AUDIT_LOCK, "d", NULL, NULL, NULL, NULL, 1, "", 1));
    pqce_audit_close(log);
    pqce_audit_report rep;
    CHECK_OK(verify_fresh(store, 0, NULL, &rep));
    CHECK(rep.entries == 1);
    pqce_store_free(store);
}

/* ---- several handles ------------------------------------------------------- */

static void test_second_handle_appends_chain_correctly(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *a = NULL, *b = NULL;
    pqce_audit_report rep;
    uint8_t ha[32], hb[32];
    uint64_t ca, cb;
    CHECK_OK(pqce_store_memory_new(&store));
    CHECK_OK(pqce_audit_open(&a, store, OBJ));
    CHECK_OK(pqce_audit_open(&b, store, OBJ));
    pqce_audit_set_key(a, key1);
    pqce_audit_set_key(b, key1);
    CHECK_OK(app_n(a, 0));
    CHECK_OK(app_n(a, 1));
    CHECK_OK(app_n(b, 2)); /* b has read nothing yet: append catches up first */
    CHECK_OK(app_n(a, 3));
    pqce_audit_set_key(b, NULL);
    CHECK_OK(app(b, PQCE_AUDIT_UNLOCK, "d", NULL, NULL, NULL, NULL, 0, "PQCE_ERR_LOCKED", 9));
    CHECK_OK(app_n(a, 5));
    pqce_audit_head(a, &ca, ha);
    CHECK_OK(pqce_audit_refresh(b));
    pqce_audit_head(b, &cb, hb);
    CHECK(ca == 6 && cb == 6);
    CHECK_MEM_EQ(ha, hb, 32);
    CHECK_OK(verify_fresh(store, ca, ha, &rep));
    CHECK(rep.entries == 6 && rep.authenticated == 6 && rep.first_bad_seq == 6);
    pqce_audit_set_key(b, key1);
    pqce_audit_list *l = NULL;
    CHECK_OK(pqce_audit_search(b, &l, NULL));
    CHECK(pqce_audit_list_count(l) == 6);
    for (size_t i = 0; i < 6; i++) {
        CHECK(pqce_audit_list_at(l, i)->seq == 5 - i);
        CHECK(pqce_audit_list_at(l, i)->authenticated == 1);
    }
    CHECK(strcmp(pqce_audit_list_at(l, 3)->details, "n=2") == 0);
    pqce_audit_list_free(l);
    pqce_audit_close(a);
    pqce_audit_close(b);
    pqce_store_free(store);
}

static void test_refresh_sees_other_handles_records(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *a = NULL, *b = NULL;
    pqce_audit_list *l = NULL;
    uint64_t count;
    CHECK_OK(pqce_store_memory_new(&store));
    CHECK_OK(pqce_audit_open(&a, store, OBJ));
    CHECK_OK(pqce_audit_open(&b, store, OBJ));
    pqce_audit_set_key(b, key1);
    for (uint64_t i = 0; i < 3; i++) {
        CHECK_OK(app_n(b, i));
    }
    pqce_audit_head(a, &count, NULL);
    CHECK(count == 0);
    CHECK_OK(pqce_audit_refresh(a));
    pqce_audit_head(a, &count, NULL);
    CHECK(count == 3);
    CHECK_OK(app_n(b, 3));
    pqce_audit_set_key(a, key1);
    /* search reads what was appended since, too */
    CHECK_OK(pqce_audit_search(a, &l, NULL));
    CHECK(pqce_audit_list_count(l) == 4 && pqce_audit_list_at(l, 0)->seq == 3);
    CHECK(strcmp(pqce_audit_list_at(l, 0)->details, "n=3") == 0);
    pqce_audit_list_free(l);
    pqce_audit_close(a);
    pqce_audit_close(b);
    pqce_store_free(store);
}

static void test_append_waits_for_the_store_lock(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    CHECK_OK(pqce_store_memory_new(&store));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_lock_timeout(log, 50);
    CHECK_OK(pqce_store_lock(store, 1000));
    pqce_audit_record r = rec_of(PQCE_AUDIT_SAVE, "d", NULL, NULL, NULL, NULL, 1, "", 0);
    CHECK_RC(pqce_audit_append(log, &r, 0), PQCE_ERR_BUSY);
    CHECK_OK(pqce_audit_append(log, &r, 1)); /* the caller holds the lock */
    pqce_store_unlock(store);
    CHECK_OK(pqce_audit_append(log, &r, 0));
    uint64_t count;
    pqce_audit_head(log, &count, NULL);
    CHECK(count == 2);
    pqce_audit_close(log);
    pqce_store_free(store);
}

static void test_torn_tail_is_ignored_then_cut_by_the_next_append(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    uint8_t head[32], *raw = NULL;
    uint64_t count;
    size_t len, offs[16];
    pqce_audit_report rep;
    CHECK_OK(make_log(&store, 4, &count, head));
    CHECK_OK(raw_get(store, &raw, &len));
    CHECK(rec_bounds(raw, len, offs, 15) == 4);
    /* A crash in the middle of an append: 30 bytes of a copy of record 3. */
    CHECK_OK(pqce_store_append(store, OBJ, raw + offs[3], 30));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_head(log, &count, NULL);
    CHECK(count == 4);
    CHECK_OK(pqce_audit_refresh(log));
    pqce_audit_set_key(log, key1);
    CHECK_OK(pqce_audit_verify(log, &rep, 4, head));
    CHECK(rep.entries == 4);
    CHECK_OK(app_n(log, 4));
    pqce_audit_close(log);
    uint8_t *after = NULL;
    size_t after_len, aoffs[16];
    CHECK_OK(raw_get(store, &after, &after_len));
    CHECK(rec_bounds(after, after_len, aoffs, 15) == 5 && aoffs[5] == after_len);
    CHECK(aoffs[4] == len); /* every complete record kept byte for byte */
    CHECK_MEM_EQ(after, raw, len);
    free(raw);
    free(after);
    CHECK_OK(verify_fresh(store, 4, head, &rep));
    CHECK(rep.entries == 5 && rep.authenticated == 5);
    pqce_store_free(store);
}

static void test_shrunk_log_is_noticed_by_an_open_handle(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    uint8_t head[32];
    uint64_t count, n;
    pqce_audit_report rep;
    CHECK_OK(make_log(&store, 5, &count, head));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_key(log, key1);
    CHECK_OK(pqce_audit_count_gets(log, "model-weights", "com.example.app", 0, &n));
    CHECK(n == 1); /* record 1 is the only get */
    static const size_t order[] = {0, 1, 2};
    CHECK_OK(rearrange(store, order, 3));
    CHECK_OK(pqce_audit_refresh(log));
    pqce_audit_head(log, &count, NULL);
    CHECK(count == 3);
    CHECK_RC(pqce_audit_count_gets(log, "model-weights", "com.example.app", 0, &n),
             PQCE_ERR_DECRYPT);
    CHECK_RC(pqce_audit_verify(log, &rep, 0, NULL), PQCE_ERR_DECRYPT);
    CHECK(rep.first_bad_seq == 3);
    CHECK(strstr(pqce_audit_detail(log), "record 3") != NULL);
    pqce_audit_close(log);
    pqce_store_free(store);
}

/* ---- the policy's rate window ------------------------------------------------ */

static void test_count_gets_counts_successful_gets_of_kind_and_caller_in_window(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    uint64_t n;
    CHECK_OK(pqce_store_memory_new(&store));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_key(log, key1);
    const char *mw = "model-weights";
    CHECK_OK(app(log, PQCE_AUDIT_GET, "d", ART_A, "m", mw, "com.a", 1, "", 1000));
    CHECK_OK(app(log, PQCE_AUDIT_GET, "d", ART_A, "m", mw, "com.a", 1, "", 2000));
    CHECK_OK(app(log, PQCE_AUDIT_GET, "d", ART_A, "m", mw, "com.a", 0, "PQCE_ERR_POLICY", 2500));
    CHECK_OK(app(log, PQCE_AUDIT_GET, "d", ART_A, "m", mw, "com.b", 1, "", 2600));
    CHECK_OK(app(log, PQCE_AUDIT_GET, "d", ART_B, "t", "tokenizer", "com.a", 1, "", 2700));
    CHECK_OK(app(log, PQCE_AUDIT_PUT, "d", ART_A, "m", mw, "com.a", 1, "", 2800));
    CHECK_OK(app(log, PQCE_AUDIT_POLICY_VIOLATION, "d", ART_A, "m", mw, "com.a", 0, "", 2900));
    CHECK_OK(app(log, PQCE_AUDIT_GET, "d", ART_A, "m", mw, "com.a", 1, "", 3000));
    /* the clock went back: an earlier time after a later one */
    CHECK_OK(app(log, PQCE_AUDIT_GET, "d", ART_A, "m", mw, "com.a", 1, "", 500));
    pqce_audit_set_key(log, NULL);
    CHECK_OK(app(log, PQCE_AUDIT_GET, "d", ART_A, "m", mw, "com.a", 1, "", 3500));
    CHECK_RC(pqce_audit_count_gets(log, mw, "com.a", 0, &n), PQCE_ERR_LOCKED);
    pqce_audit_set_key(log, key1);
    CHECK_OK(pqce_audit_count_gets(log, mw, "com.a", 1500, &n));
    CHECK(n == 2);
    CHECK_OK(pqce_audit_count_gets(log, mw, "com.a", 0, &n));
    CHECK(n == 4);
    CHECK_OK(pqce_audit_count_gets(log, mw, "com.a", 400, &n));
    CHECK(n == 4);
    CHECK_OK(pqce_audit_count_gets(log, mw, "com.a", 600, &n));
    CHECK(n == 3);
    CHECK_OK(pqce_audit_count_gets(log, mw, "com.a", 3001, &n));
    CHECK(n == 0);
    CHECK_OK(pqce_audit_count_gets(log, mw, "com.b", 0, &n));
    CHECK(n == 1);
    CHECK_OK(pqce_audit_count_gets(log, "tokenizer", "com.a", 0, &n));
    CHECK(n == 1);
    CHECK_OK(pqce_audit_count_gets(log, "credential", "com.a", 0, &n));
    CHECK(n == 0);
    CHECK_RC(pqce_audit_count_gets(log, NULL, "com.a", 0, &n), PQCE_ERR_INVALID_ARG);
    pqce_audit_close(log);
    /* It survives a restart: the window is read from the store. */
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_key(log, key1);
    CHECK_OK(pqce_audit_count_gets(log, mw, "com.a", 1500, &n));
    CHECK(n == 2);
    pqce_audit_close(log);
    pqce_store_free(store);
}

static void test_count_gets_fails_closed_on_a_damaged_log(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    uint8_t head[32];
    uint64_t count, n = 7;
    CHECK_OK(make_log(&store, 8, &count, head));
    static const size_t order[] = {0, 1, 2, 4, 5, 6, 7}; /* a get (3) removed */
    CHECK_OK(rearrange(store, order, 7));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_key(log, key1);
    CHECK_RC(pqce_audit_count_gets(log, "model-weights", "com.example.app", 0, &n),
             PQCE_ERR_DECRYPT);
    CHECK(n == 0);
    pqce_audit_close(log);
    pqce_store_free(store);
}

/* ---- JSON Lines ------------------------------------------------------------------ */

/* Runs export into a temporary file and returns its bytes (NUL-terminated). */
static char *export_to_string(pqce_audit_log *log, const pqce_audit_query *q, int *rc)
{
    FILE *f = tmpfile();
    char *s = NULL;
    if (f == NULL) {
        *rc = PQCE_ERR_IO;
        return NULL;
    }
    *rc = pqce_audit_export(log, fileno(f), q);
    long n = lseek(fileno(f), 0, SEEK_END);
    if (n >= 0 && (s = calloc((size_t)n + 1, 1)) != NULL) {
        if (pread(fileno(f), s, (size_t)n, 0) != n) {
            free(s);
            s = NULL;
        }
    }
    fclose(f);
    return s;
}

static const char *jstr(json_object *o, const char *k)
{
    json_object *v;
    if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_string)) {
        return NULL;
    }
    return json_object_get_string(v);
}

static int jbool(json_object *o, const char *k)
{
    json_object *v;
    if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_boolean)) {
        return -1;
    }
    return json_object_get_boolean(v);
}

static void test_export_writes_json_lines_that_parse_with_escapes(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    int rc;
    static const char *names[] = {
        "quote\" backslash\\ slash/",
        "newline\n tab\t cr\r bell\a esc\x1b us\x1f del\x7f",
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x90",
        "{\"injected\": true}\n{\"seq\": 99}",
    };
    CHECK_OK(pqce_store_memory_new(&store));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_key(log, key1);
    for (size_t i = 0; i < 4; i++) {
        CHECK_OK(app(log, PQCE_AUDIT_PUT, "dev\"1", ART_A, names[i], "model-weights", "com.\x01odd",
                     (int)(i % 2), names[(i + 1) % 4], 1764088791123ull + i));
    }
    CHECK_OK(app(log, PQCE_AUDIT_PUT, "d", ART_A, "bad utf8 \xff\xfe end \xc3", "other", "", 1, "",
                 1000));
    char *out = export_to_string(log, NULL, &rc);
    CHECK_OK(rc);
    CHECK(out != NULL);
    for (const char *c = out; *c; c++) {
        CHECK_MSG(*c == '\n' || (unsigned char)*c >= 0x20, "raw control byte %02x in the export",
                  (unsigned)(unsigned char)*c);
    }
    size_t lines = 0;
    char *save = NULL;
    for (char *line = strtok_r(out, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        json_object *o = json_tokener_parse(line);
        CHECK_MSG(o != NULL, "line %zu does not parse: %s", lines, line);
        json_object *seq;
        CHECK(json_object_object_get_ex(o, "seq", &seq) && json_object_is_type(seq, json_type_int));
        CHECK((size_t)json_object_get_int64(seq) == lines);
        CHECK(json_object_object_length(o) == 11);
        CHECK(strcmp(jstr(o, "operation"), "put") == 0);
        CHECK(jbool(o, "authenticated") == 1);
        if (lines < 4) {
            CHECK(strcmp(jstr(o, "artifact_name"), names[lines]) == 0);
            CHECK(strcmp(jstr(o, "details"), names[(lines + 1) % 4]) == 0);
            CHECK(strcmp(jstr(o, "device_id"), "dev\"1") == 0);
            CHECK(strcmp(jstr(o, "caller"), "com.\x01odd") == 0);
            CHECK(strcmp(jstr(o, "artifact_id"), ART_A) == 0);
            CHECK(strcmp(jstr(o, "artifact_kind"), "model-weights") == 0);
            CHECK(jbool(o, "success") == (int)(lines % 2));
            char ts[32];
            snprintf(ts, sizeof ts, "2025-11-25T16:39:51.%03zuZ", 123 + lines);
            CHECK_MSG(strcmp(jstr(o, "timestamp"), ts) == 0, "timestamp %s", jstr(o, "timestamp"));
        } else {
            /* invalid UTF-8 bytes become U+FFFD in the JSON text */
            CHECK(strcmp(jstr(o, "artifact_name"), "bad utf8 \xef\xbf\xbd\xef\xbf\xbd end "
                                                   "\xef\xbf\xbd") == 0);
            CHECK(strcmp(jstr(o, "timestamp"), "1970-01-01T00:00:01.000Z") == 0);
        }
        json_object_put(o);
        lines++;
    }
    CHECK(lines == 5);
    free(out);

    /* With a query: the newest two puts that succeeded... oldest first. */
    pqce_audit_query q = {PQCE_AUDIT_QUERY_VERSION, "put", NULL, NULL, 2};
    out = export_to_string(log, &q, &rc);
    CHECK_OK(rc);
    CHECK(out != NULL);
    CHECK(strncmp(out, "{\"seq\":3,", 9) == 0);
    CHECK(strstr(out, "\n{\"seq\":4,") != NULL);
    free(out);
    CHECK_RC(pqce_audit_export(log, -1, NULL), PQCE_ERR_INVALID_ARG);
    pqce_audit_set_key(log, NULL);
    out = export_to_string(log, NULL, &rc);
    CHECK_RC(rc, PQCE_ERR_LOCKED);
    CHECK(out == NULL || out[0] == '\0');
    free(out);
    pqce_audit_close(log);
    pqce_store_free(store);
}

/* ---- scale ---------------------------------------------------------------------- */

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void test_100k_records_append_query_and_verify(void)
{
    enum { N = 100000 };
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    pqce_audit_list *l = NULL;
    pqce_audit_report rep;
    uint8_t head[32];
    uint64_t count, n;
    struct timespec t0;
    CHECK_OK(pqce_store_memory_new(&store));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_key(log, key1);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (uint64_t i = 0; i < N; i++) {
        CHECK_OK(app_n(log, i));
    }
    double t_append = seconds_since(&t0);
    pqce_audit_head(log, &count, head);
    CHECK(count == N);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pqce_audit_query q = {PQCE_AUDIT_QUERY_VERSION, "delete", "dev-0", ART_A, 0};
    CHECK_OK(pqce_audit_search(log, &l, &q));
    CHECK(pqce_audit_list_count(l) == 100);
    /* delete = i % 4 == 3, dev-0 = i % 3 == 0, ART_A = odd: i = 99999 - 12k */
    CHECK(pqce_audit_list_at(l, 0)->seq == 99999 && pqce_audit_list_at(l, 1)->seq == 99987);
    pqce_audit_list_free(l);
    CHECK_OK(pqce_audit_count_gets(log, "model-weights", "com.example.app", 0, &n));
    CHECK(n == N / 4);
    double t_query = seconds_since(&t0);
    pqce_audit_close(log);
    /* A restart: open, unlock, verify everything. */
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_key(log, key1);
    CHECK_OK(pqce_audit_verify(log, &rep, count, head));
    CHECK(rep.entries == N && rep.authenticated == N);
    CHECK_OK(pqce_audit_search(log, &l, NULL));
    CHECK(pqce_audit_list_count(l) == 100 && pqce_audit_list_at(l, 0)->seq == N - 1);
    pqce_audit_list_free(l);
    double t_verify = seconds_since(&t0);
    uint64_t size = 0;
    CHECK_OK(pqce_store_size(store, OBJ, &size));
    printf(
        "    100k records (%.1f MB): append %.2f s, query+count %.3f s, open+verify+query %.2f s\n",
        (double)size / 1e6, t_append, t_query, t_verify);
    pqce_audit_close(log);
    pqce_store_free(store);
}

/* ---- keys ----------------------------------------------------------------------- */

static void test_set_key_null_wipes_the_key_and_locks_reading(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    pqce_audit_list *l = NULL;
    pqce_audit_report rep;
    uint64_t n;
    uint8_t *raw = NULL;
    size_t len;
    CHECK_OK(pqce_store_memory_new(&store));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    CHECK_RC(pqce_audit_search(log, &l, NULL), PQCE_ERR_LOCKED);
    pqce_audit_set_key(log, key1);
    CHECK_OK(app(log, PQCE_AUDIT_PUT, "d", ART_A, "secret-name", "credential", NULL, 1, "", 1));
    CHECK_OK(pqce_audit_search(log, &l, NULL));
    pqce_audit_list_free(l);
    pqce_audit_set_key(log, NULL);
    CHECK_RC(pqce_audit_search(log, &l, NULL), PQCE_ERR_LOCKED);
    CHECK(l == NULL);
    CHECK_RC(pqce_audit_verify(log, &rep, 0, NULL), PQCE_ERR_LOCKED);
    CHECK_RC(pqce_audit_count_gets(log, "credential", "", 0, &n), PQCE_ERR_LOCKED);
    CHECK_RC(pqce_audit_export(log, 1, NULL), PQCE_ERR_LOCKED);
    /* Appending still works, without the secret fields. */
    CHECK_OK(app(log, PQCE_AUDIT_GET, "d", ART_A, "secret-name-2", "credential", "c", 0,
                 "PQCE_ERR_LOCKED", 2));
    CHECK_OK(raw_get(store, &raw, &len));
    CHECK(!contains(raw, len, "secret-name"));
    free(raw);
    /* The key again: everything is readable again. */
    pqce_audit_set_key(log, key1);
    CHECK_OK(pqce_audit_search(log, &l, NULL));
    CHECK(pqce_audit_list_count(l) == 2);
    CHECK(strcmp(pqce_audit_list_at(l, 1)->artifact_name, "secret-name") == 0);
    pqce_audit_list_free(l);
    pqce_audit_set_key(log, key2); /* another key replaces it */
    CHECK_RC(pqce_audit_verify(log, &rep, 0, NULL), PQCE_ERR_DECRYPT);
    pqce_audit_close(log);
    pqce_store_free(store);
}

static void test_append_rejects_out_of_bounds_records(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    char big[PQCE_AUDIT_NAME_MAX + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_OK(pqce_store_memory_new(&store));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_key(log, key1);
    CHECK_RC(app(log, PQCE_AUDIT_PUT, "d", ART_A, big, "k", NULL, 1, "", 1), PQCE_ERR_INVALID_ARG);
    big[PQCE_AUDIT_NAME_MAX] = '\0'; /* exactly the bound */
    CHECK_OK(app(log, PQCE_AUDIT_PUT, "d", ART_A, big, "k", NULL, 1, big, 1));
    big[PQCE_AUDIT_DEVICE_MAX + 1] = '\0';
    CHECK_RC(app(log, PQCE_AUDIT_PUT, big, NULL, NULL, NULL, NULL, 1, "", 1), PQCE_ERR_INVALID_ARG);
    CHECK_RC(app(log, PQCE_AUDIT_PUT, "d", NULL, NULL, NULL, big, 1, "", 1), PQCE_ERR_INVALID_ARG);
    pqce_audit_record r = rec_of(PQCE_AUDIT_OP_COUNT, "d", NULL, NULL, NULL, NULL, 1, "", 1);
    CHECK_RC(pqce_audit_append(log, &r, 0), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_audit_append(log, NULL, 0), PQCE_ERR_INVALID_ARG);
    /* The largest record parses back. */
    pqce_audit_list *l = NULL;
    CHECK_OK(pqce_audit_search(log, &l, NULL));
    CHECK(pqce_audit_list_count(l) == 1);
    CHECK(strlen(pqce_audit_list_at(l, 0)->artifact_name) == PQCE_AUDIT_NAME_MAX);
    pqce_audit_list_free(l);
    uint64_t count;
    pqce_audit_head(log, &count, NULL);
    CHECK(count == 1);
    CHECK(strcmp(pqce_audit_op_name(PQCE_AUDIT_DECRYPTION_FAILURE), "decryption_failure") == 0);
    CHECK(strcmp(pqce_audit_op_name(PQCE_AUDIT_POLICY_VIOLATION), "policy_violation") == 0);
    pqce_audit_close(log);
    pqce_store_free(store);
}

static void hex_to(uint8_t *out, const char *hex)
{
    for (size_t i = 0; hex[2 * i] != '\0'; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

static void test_worked_example_of_the_document(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    uint8_t *raw = NULL, head[32], expect_obj[60], expect_g[32], expect_h0[32];
    size_t len;
    uint64_t count;
    hex_to(expect_obj, "895051414c0d0a1a000100000000000000000028010000030000000000000000"
                       "0000019abbe2c053646576000f505143455f4552525f4c4f434b4544");
    hex_to(expect_g, "cd1fc22390d04fea9bcd3af84bc7ffffea9d8c21f0f26de2f661d1aee8aefc63");
    hex_to(expect_h0, "2b5fbf9007ce1d82fd11629c529c45f67cc89bd47329aef7157600f3598d250d");
    CHECK_OK(pqce_store_memory_new(&store));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_head(log, &count, head);
    CHECK(count == 0);
    CHECK_MEM_EQ(head, expect_g, 32);
    CHECK_OK(app(log, PQCE_AUDIT_UNLOCK, "dev", NULL, NULL, NULL, NULL, 0, "PQCE_ERR_LOCKED",
                 1764088791123ull));
    pqce_audit_head(log, &count, head);
    CHECK(count == 1);
    CHECK_MEM_EQ(head, expect_h0, 32);
    CHECK_OK(raw_get(store, &raw, &len));
    CHECK(len == sizeof expect_obj);
    CHECK_MEM_EQ(raw, expect_obj, sizeof expect_obj);
    free(raw);
    pqce_audit_close(log);
    pqce_store_free(store);
}

static void test_garbage_after_records_is_reported_not_hidden(void)
{
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    pqce_audit_list *l = NULL;
    pqce_audit_report rep;
    uint8_t head[32];
    uint64_t count, n;
    CHECK_OK(make_log(&store, 3, &count, head));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_key(log, key1);
    /* Someone appends bytes that are not a record (a length out of bounds). */
    static const uint8_t junk[] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4};
    CHECK_OK(pqce_store_append(store, OBJ, junk, sizeof junk));
    CHECK_RC(pqce_audit_refresh(log), PQCE_ERR_FORMAT);
    CHECK(strstr(pqce_audit_detail(log), "record 3") != NULL);
    /* What parses is still readable... */
    CHECK_OK(pqce_audit_search(log, &l, NULL));
    CHECK(pqce_audit_list_count(l) == 3 && pqce_audit_list_at(l, 0)->authenticated == 1);
    pqce_audit_list_free(l);
    /* ...but verify reports the position, count_gets fails closed, and
     * nothing is appended after bytes no reader could frame. */
    CHECK_RC(pqce_audit_verify(log, &rep, count, head), PQCE_ERR_DECRYPT);
    CHECK(rep.first_bad_seq == 3 && rep.entries == 3 && rep.authenticated == 3);
    CHECK_RC(pqce_audit_count_gets(log, "model-weights", "com.example.app", 0, &n),
             PQCE_ERR_DECRYPT);
    CHECK_RC(app_n(log, 3), PQCE_ERR_FORMAT);
    pqce_audit_close(log);
    /* A new handle refuses to open it. */
    CHECK_RC(pqce_audit_open(&log, store, OBJ), PQCE_ERR_FORMAT);
    pqce_store_free(store);
}

static void test_siphash24_matches_the_reference_vector(void)
{
    /* [SipHash, Appendix A]: key 00..0f, message 00..0e. */
    uint8_t k[16], m[15];
    for (int i = 0; i < 16; i++) {
        k[i] = (uint8_t)i;
    }
    for (int i = 0; i < 15; i++) {
        m[i] = (uint8_t)i;
    }
    CHECK(pqce_siphash24(k, m, 15) == 0xa129ca6149be45e5ull);
    CHECK(pqce_siphash24(k, m, 0) == 0x726fdb47dd0e0e31ull); /* the reference table's first */
}

static void test_extends_checks_a_saved_prefix_without_the_key(void)
{
    enum { N = 1000 };
    pqce_store *store = NULL;
    pqce_audit_log *log = NULL;
    uint8_t(*heads)[32] = calloc(N, 32);
    uint8_t wrong[32] = {0};
    uint64_t count;
    CHECK(heads != NULL);
    CHECK_OK(pqce_store_memory_new(&store));
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    pqce_audit_set_key(log, key1);
    for (uint64_t i = 0; i < N; i++) {
        if (i % 7 == 3) {
            pqce_audit_set_key(log, NULL);
        }
        CHECK_OK(app_n(log, i));
        pqce_audit_set_key(log, key1);
        pqce_audit_head(log, &count, heads[i]);
    }
    pqce_audit_close(log);
    /* A fresh, locked handle: every saved prefix checks, nothing else does. */
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    static const uint64_t cs[] = {1, 2, 255, 256, 257, 511, 512, 513, 700, 999, 1000};
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        CHECK_OK(pqce_audit_extends(log, cs[i], heads[cs[i] - 1]));
        CHECK_RC(pqce_audit_extends(log, cs[i], heads[cs[i] % N]), PQCE_ERR_DECRYPT);
    }
    CHECK_OK(pqce_audit_extends(log, 0, NULL));
    CHECK_RC(pqce_audit_extends(log, N + 1, wrong), PQCE_ERR_DECRYPT);
    CHECK_RC(pqce_audit_extends(log, 5, NULL), PQCE_ERR_INVALID_ARG);
    pqce_audit_close(log);

    /* Cut to 700 records and edit record 650: a prefix of 600 still checks. */
    uint8_t *raw = NULL;
    size_t len, off = 16;
    CHECK_OK(raw_get(store, &raw, &len));
    size_t at650 = 0;
    for (int i = 0; i < 700; i++) {
        if (i == 650) {
            at650 = off;
        }
        off += 4 + ((size_t)raw[off + 2] << 8 | raw[off + 3]);
    }
    raw[at650 + 20] ^= 1; /* time_ms of record 650 */
    CHECK_OK(pqce_store_put(store, OBJ, raw, off));
    free(raw);
    CHECK_OK(pqce_audit_open(&log, store, OBJ));
    CHECK_RC(pqce_audit_extends(log, N, heads[N - 1]), PQCE_ERR_DECRYPT);
    CHECK_RC(pqce_audit_extends(log, 700, heads[699]), PQCE_ERR_DECRYPT);
    CHECK_RC(pqce_audit_extends(log, 651, heads[650]), PQCE_ERR_DECRYPT);
    CHECK_OK(pqce_audit_extends(log, 650, heads[649]));
    CHECK_OK(pqce_audit_extends(log, 600, heads[599]));
    pqce_audit_close(log);
    free(heads);
    pqce_store_free(store);
}

static const struct test_case cases[] = {
    TEST_CASE(test_query_returns_newest_first_with_filters_and_limit),
    TEST_CASE(test_query_limit_zero_means_100),
    TEST_CASE(test_list_accessors_accept_null_and_out_of_range),
    TEST_CASE(test_empty_log_opens_queries_and_verifies),
    TEST_CASE(test_plain_record_bytes_match_the_document),
    TEST_CASE(test_sealed_record_opens_with_the_documented_construction),
    TEST_CASE(test_locked_records_carry_no_artifact_name_id_or_caller),
    TEST_CASE(test_unauthenticated_tail_is_reported),
    TEST_CASE(test_every_edited_byte_is_detected),
    TEST_CASE(test_removed_record_is_detected),
    TEST_CASE(test_swapped_records_are_detected),
    TEST_CASE(test_inserted_record_is_detected),
    TEST_CASE(test_truncated_log_is_detected),
    TEST_CASE(test_plain_record_edit_is_caught_by_the_next_sealed_record),
    TEST_CASE(test_verify_detects_a_head_that_differs_from_the_manifest),
    TEST_CASE(test_wrong_key_fails_verification),
    TEST_CASE(test_malformed_objects_are_rejected),
    TEST_CASE(test_second_handle_appends_chain_correctly),
    TEST_CASE(test_refresh_sees_other_handles_records),
    TEST_CASE(test_append_waits_for_the_store_lock),
    TEST_CASE(test_torn_tail_is_ignored_then_cut_by_the_next_append),
    TEST_CASE(test_shrunk_log_is_noticed_by_an_open_handle),
    TEST_CASE(test_count_gets_counts_successful_gets_of_kind_and_caller_in_window),
    TEST_CASE(test_count_gets_fails_closed_on_a_damaged_log),
    TEST_CASE(test_export_writes_json_lines_that_parse_with_escapes),
    TEST_CASE(test_100k_records_append_query_and_verify),
    TEST_CASE(test_set_key_null_wipes_the_key_and_locks_reading),
    TEST_CASE(test_append_rejects_out_of_bounds_records),
    TEST_CASE(test_worked_example_of_the_document),
    TEST_CASE(test_garbage_after_records_is_reported_not_hidden),
    TEST_CASE(test_siphash24_matches_the_reference_vector),
    TEST_CASE(test_extends_checks_a_saved_prefix_without_the_key),
};

int main(int argc, char **argv)
{
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
