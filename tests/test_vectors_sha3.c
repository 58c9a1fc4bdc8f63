/*
 * test_vectors_sha3.c - SHA3-256, SHA3-512, SHAKE128 and SHAKE256 against
 * every byte-oriented record of the NIST CAVP files (short, long, Monte
 * Carlo, variable output) and every byte-aligned case of the ACVP sets.
 *
 * With --large-data it runs only the four ACVP SHA3-256 large-data tests
 * (1, 2, 4 and 8 GiB, streamed through the incremental API); ctest gives
 * that run the "slow" label.
 */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "vectors.h"

/* ---- CAVP .rsp reader --------------------------------------------------- */

/* One record: the Key = value lines up to a blank line, plus the values of
 * the [Key = value] section headers seen so far. */
#define RSP_MAX_FIELDS 16
typedef struct rsp_record {
    char *key[RSP_MAX_FIELDS];
    char *val[RSP_MAX_FIELDS];
    size_t n;
} rsp_record;

typedef struct rsp_file {
    FILE *f;
    char *line;
    size_t cap;
    rsp_record header; /* [Key = value] lines */
} rsp_file;

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') {
        s++;
    }
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ')) {
        s[--n] = '\0';
    }
    return s;
}

static void record_clear(rsp_record *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->key[i]);
        free(r->val[i]);
    }
    r->n = 0;
}

static void record_set(rsp_record *r, const char *k, const char *v)
{
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->key[i], k) == 0) {
            free(r->val[i]);
            r->val[i] = strdup(v);
            return;
        }
    }
    if (r->n < RSP_MAX_FIELDS) {
        r->key[r->n] = strdup(k);
        r->val[r->n] = strdup(v);
        r->n++;
    }
}

static const char *record_get(const rsp_record *r, const char *k)
{
    for (size_t i = 0; i < r->n; i++) {
        if (strcmp(r->key[i], k) == 0) {
            return r->val[i];
        }
    }
    return NULL;
}

static int rsp_open(rsp_file *rf, const char *rel)
{
    memset(rf, 0, sizeof *rf);
    rf->f = fopen(vec_path(rel), "r");
    if (rf->f == NULL) {
        fprintf(stderr, "cannot open vector file %s\n", vec_path(rel));
        return -1;
    }
    return 0;
}

/* Reads the next record; returns 1 if one was read, 0 at end of file. */
static int rsp_next(rsp_file *rf, rsp_record *r)
{
    record_clear(r);
    while (getline(&rf->line, &rf->cap, rf->f) > 0) {
        char *s = trim(rf->line);
        if (s[0] == '#') {
            continue;
        }
        if (s[0] == '\0') {
            if (r->n > 0) {
                return 1;
            }
            continue;
        }
        char *eq = strchr(s, '=');
        if (eq == NULL) {
            continue;
        }
        *eq = '\0';
        int bracket = s[0] == '[';
        char *k = trim(s + bracket);
        char *v = trim(eq + 1);
        if (bracket) {
            char *end = strchr(v, ']');
            if (end != NULL) {
                *end = '\0';
            }
            record_set(&rf->header, k, trim(v));
        } else {
            record_set(r, k, v);
        }
    }
    return r->n > 0;
}

static void rsp_close(rsp_file *rf)
{
    record_clear(&rf->header);
    free(rf->line);
    if (rf->f != NULL) {
        fclose(rf->f);
    }
}

/* ---- the four functions behind one signature ---------------------------- */

typedef enum { ALG_SHA3_256, ALG_SHA3_512, ALG_SHAKE128, ALG_SHAKE256 } alg_id;

static int digest(alg_id alg, uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len)
{
    switch (alg) {
    case ALG_SHA3_256:
        return out_len == 32 ? pqce_sha3_256(out, in, in_len) : PQCE_ERR_INVALID_ARG;
    case ALG_SHA3_512:
        return out_len == 64 ? pqce_sha3_512(out, in, in_len) : PQCE_ERR_INVALID_ARG;
    case ALG_SHAKE128:
        return pqce_shake128(out, out_len, in, in_len);
    case ALG_SHAKE256:
        return pqce_shake256(out, out_len, in, in_len);
    }
    return PQCE_ERR_INVALID_ARG;
}

/* Runs the Len/Msg/MD (or Output) records of a short, long or
 * variable-output file. Returns the number of records that passed, or
 * (size_t)-1 on the first failure. */
static size_t run_msg_file(const char *rel, alg_id alg)
{
    rsp_file rf;
    rsp_record r = {0};
    size_t passed = 0;
    if (rsp_open(&rf, rel) != 0) {
        return (size_t)-1;
    }
    while (rsp_next(&rf, &r)) {
        const char *len_s = record_get(&r, "Len");
        const char *msg_s = record_get(&r, "Msg");
        const char *md_s = record_get(&r, "MD") ? record_get(&r, "MD") : record_get(&r, "Output");
        if (msg_s == NULL || md_s == NULL) {
            continue; /* not a message record */
        }
        size_t msg_len, md_len;
        uint8_t *msg = hex_decode(msg_s, &msg_len);
        uint8_t *md = hex_decode(md_s, &md_len);
        /* "Len = 0" comes with "Msg = 00": the empty message. */
        if (len_s != NULL) {
            long bits = strtol(len_s, NULL, 10);
            if (bits % 8 != 0 || (size_t)bits / 8 > msg_len) {
                fprintf(stderr, "%s: unexpected Len %ld\n", rel, bits);
                passed = (size_t)-1;
            }
            msg_len = (size_t)bits / 8;
        }
        uint8_t *out = malloc(md_len + 1);
        int ok = passed != (size_t)-1 && msg != NULL && md != NULL && out != NULL &&
                 digest(alg, out, md_len, msg, msg_len) == PQCE_OK && memcmp(out, md, md_len) == 0;
        if (!ok) {
            fprintf(stderr, "%s: mismatch for Len=%s\n", rel, len_s ? len_s : "?");
            passed = (size_t)-1;
        }
        free(msg);
        free(md);
        free(out);
        if (passed == (size_t)-1) {
            break;
        }
        passed++;
    }
    record_clear(&r);
    rsp_close(&rf);
    return passed;
}

static void check_msg_file(const char *rel, alg_id alg)
{
    size_t n = run_msg_file(rel, alg);
    CHECK_MSG(n != (size_t)-1, "%s failed", rel);
    CHECK(vec_report(rel, n, 0, NULL));
}

static void test_cavp_sha3_256_short_and_long(void)
{
    check_msg_file("cavp/sha3/SHA3_256ShortMsg.rsp", ALG_SHA3_256);
    check_msg_file("cavp/sha3/SHA3_256LongMsg.rsp", ALG_SHA3_256);
}

static void test_cavp_sha3_512_short_and_long(void)
{
    check_msg_file("cavp/sha3/SHA3_512ShortMsg.rsp", ALG_SHA3_512);
    check_msg_file("cavp/sha3/SHA3_512LongMsg.rsp", ALG_SHA3_512);
}

static void test_cavp_shake128_short_long_variable(void)
{
    check_msg_file("cavp/sha3/SHAKE128ShortMsg.rsp", ALG_SHAKE128);
    check_msg_file("cavp/sha3/SHAKE128LongMsg.rsp", ALG_SHAKE128);
    check_msg_file("cavp/sha3/SHAKE128VariableOut.rsp", ALG_SHAKE128);
}

static void test_cavp_shake256_short_long_variable(void)
{
    check_msg_file("cavp/sha3/SHAKE256ShortMsg.rsp", ALG_SHAKE256);
    check_msg_file("cavp/sha3/SHAKE256LongMsg.rsp", ALG_SHAKE256);
    check_msg_file("cavp/sha3/SHAKE256VariableOut.rsp", ALG_SHAKE256);
}

/* ---- Monte Carlo ---------------------------------------------------------- */

/* SHA-3 Monte Carlo: MD_0 = Seed; each record is MD after 1000 iterations
 * of MD = SHA3(MD), continuing from the previous record. */
static size_t sha3_monte(alg_id alg, uint8_t *md, size_t md_len, const uint8_t *const *expected,
                         size_t records)
{
    for (size_t rec = 0; rec < records; rec++) {
        for (int i = 0; i < 1000; i++) {
            uint8_t next[64];
            if (digest(alg, next, md_len, md, md_len) != PQCE_OK) {
                return rec;
            }
            memcpy(md, next, md_len);
        }
        if (memcmp(md, expected[rec], md_len) != 0) {
            return rec;
        }
    }
    return records;
}

static void check_sha3_monte(const char *rel, alg_id alg, size_t md_len)
{
    rsp_file rf;
    rsp_record r = {0};
    uint8_t md[64];
    uint8_t *expected[128];
    size_t n = 0, len;
    int have_seed = 0;
    CHECK(rsp_open(&rf, rel) == 0);
    while (rsp_next(&rf, &r)) {
        if (record_get(&r, "Seed") != NULL) {
            uint8_t *seed = hex_decode(record_get(&r, "Seed"), &len);
            if (seed != NULL && len == md_len) {
                memcpy(md, seed, md_len);
                have_seed = 1;
            }
            free(seed);
        } else if (record_get(&r, "MD") != NULL && n < 128) {
            expected[n] = hex_decode(record_get(&r, "MD"), &len);
            if (expected[n] != NULL && len == md_len) {
                n++;
            }
        }
    }
    record_clear(&r);
    rsp_close(&rf);
    size_t passed =
        have_seed ? sha3_monte(alg, md, md_len, (const uint8_t *const *)expected, n) : 0;
    for (size_t i = 0; i < n; i++) {
        free(expected[i]);
    }
    CHECK_MSG(have_seed && n == 100 && passed == n, "%s: %zu of %zu Monte records passed", rel,
              passed, n);
    CHECK(vec_report(rel, passed, 0, NULL));
}

static void test_cavp_sha3_monte_carlo(void)
{
    check_sha3_monte("cavp/sha3/SHA3_256Monte.rsp", ALG_SHA3_256, 32);
    check_sha3_monte("cavp/sha3/SHA3_512Monte.rsp", ALG_SHA3_512, 64);
}

/*
 * SHAKE Monte Carlo (vectors README, section 5), lengths in bytes: each
 * record is 1000 calls of msg = the first 16 bytes of Output (zero-padded),
 * Output = SHAKE(msg, len), len = minB + (last 2 bytes of Output,
 * big-endian) mod (maxB - minB + 1).
 */
typedef struct shake_mc {
    uint8_t out[4096 / 8];
    size_t last_len; /* length of the latest Output */
    size_t next_len; /* length for the next call */
    size_t min_b, max_b;
} shake_mc;

static int shake_mc_init(shake_mc *s, const uint8_t *msg, size_t msg_len, size_t min_b,
                         size_t max_b)
{
    if (msg_len > sizeof s->out || max_b > sizeof s->out || min_b < 2 || min_b > max_b) {
        return -1;
    }
    memset(s, 0, sizeof *s);
    memcpy(s->out, msg, msg_len);
    s->last_len = msg_len;
    s->next_len = max_b;
    s->min_b = min_b;
    s->max_b = max_b;
    return 0;
}

static int shake_mc_record(alg_id alg, shake_mc *s)
{
    for (int i = 0; i < 1000; i++) {
        uint8_t msg[16] = {0};
        memcpy(msg, s->out, s->last_len < 16 ? s->last_len : 16);
        size_t len = s->next_len;
        if (digest(alg, s->out, len, msg, sizeof msg) != PQCE_OK) {
            return -1;
        }
        unsigned r = (unsigned)s->out[len - 2] << 8 | s->out[len - 1];
        s->last_len = len;
        s->next_len = s->min_b + r % (s->max_b - s->min_b + 1);
    }
    return 0;
}

static void check_shake_monte(const char *rel, alg_id alg)
{
    rsp_file rf;
    rsp_record r = {0};
    shake_mc mc;
    size_t passed = 0, records = 0;
    int started = 0, failed = 0;
    CHECK(rsp_open(&rf, rel) == 0);
    while (!failed && rsp_next(&rf, &r)) {
        if (!started) {
            const char *mn = record_get(&rf.header, "Minimum Output Length (bits)");
            const char *mx = record_get(&rf.header, "Maximum Output Length (bits)");
            const char *msg_s = record_get(&r, "Msg");
            if (mn == NULL || mx == NULL || msg_s == NULL) {
                continue;
            }
            size_t len;
            uint8_t *msg = hex_decode(msg_s, &len);
            failed = msg == NULL || shake_mc_init(&mc, msg, len, strtoul(mn, NULL, 10) / 8,
                                                  strtoul(mx, NULL, 10) / 8) != 0;
            started = !failed;
            free(msg);
            continue;
        }
        const char *ol = record_get(&r, "Outputlen");
        const char *os = record_get(&r, "Output");
        if (ol == NULL || os == NULL) {
            continue;
        }
        records++;
        size_t want_len;
        uint8_t *want = hex_decode(os, &want_len);
        failed = want == NULL || shake_mc_record(alg, &mc) != 0 ||
                 (size_t)strtoul(ol, NULL, 10) != mc.last_len * 8 || want_len != mc.last_len ||
                 memcmp(want, mc.out, want_len) != 0;
        free(want);
        passed += !failed;
    }
    record_clear(&r);
    rsp_close(&rf);
    CHECK_MSG(!failed && records == 100 && passed == records, "%s: %zu of %zu Monte records", rel,
              passed, records);
    CHECK(vec_report(rel, passed, 0, NULL));
}

static void test_cavp_shake_monte_carlo(void)
{
    check_shake_monte("cavp/sha3/SHAKE128Monte.rsp", ALG_SHAKE128);
    check_shake_monte("cavp/sha3/SHAKE256Monte.rsp", ALG_SHAKE256);
}

/* ---- ACVP ----------------------------------------------------------------- */

/* The AFT and VOT tests of an ACVP SHA-3/SHAKE set whose len and outLen are
 * multiples of 8 (the rest are bit-oriented; a byte API skips them, README
 * section 5), and the MCT. */
static void check_acvp_set(const char *dir, alg_id alg)
{
    char rel[256];
    snprintf(rel, sizeof rel, "acvp/%s/internalProjection.json", dir);
    json_object *root = vec_load_json(rel);
    CHECK(root != NULL);
    json_object *groups = NULL;
    json_object_object_get_ex(root, "testGroups", &groups);
    size_t passed = 0, skipped = 0, mct = 0;
    int failed = 0;
    for (size_t g = 0; !failed && g < json_object_array_length(groups); g++) {
        json_object *grp = json_object_array_get_idx(groups, g);
        const char *type = vec_str(grp, "testType");
        json_object *tests = NULL;
        json_object_object_get_ex(grp, "tests", &tests);
        for (size_t t = 0; !failed && t < json_object_array_length(tests); t++) {
            json_object *tc = json_object_array_get_idx(tests, t);
            if (strcmp(type, "LDT") == 0) {
                skipped++; /* the slow tier runs these */
                continue;
            }
            long long len_bits = vec_int(tc, "len");
            if (strcmp(type, "MCT") == 0) {
                size_t msg_len;
                uint8_t *msg = vec_hex(tc, "msg", &msg_len);
                json_object *results = NULL;
                json_object_object_get_ex(tc, "resultsArray", &results);
                size_t nres = json_object_array_length(results);
                if (alg == ALG_SHA3_256) {
                    uint8_t md[32];
                    const uint8_t **exp = calloc(nres, sizeof *exp);
                    size_t l;
                    for (size_t i = 0; i < nres; i++) {
                        exp[i] = vec_hex(json_object_array_get_idx(results, i), "md", &l);
                    }
                    failed = msg_len != 32;
                    if (!failed) {
                        memcpy(md, msg, 32);
                        failed = sha3_monte(alg, md, 32, exp, nres) != nres;
                    }
                    for (size_t i = 0; i < nres; i++) {
                        free((void *)exp[i]);
                    }
                    free(exp);
                } else {
                    shake_mc mc;
                    failed = shake_mc_init(&mc, msg, msg_len, (size_t)vec_int(grp, "minOutLen") / 8,
                                           (size_t)vec_int(grp, "maxOutLen") / 8) != 0;
                    for (size_t i = 0; !failed && i < nres; i++) {
                        json_object *res = json_object_array_get_idx(results, i);
                        size_t l;
                        uint8_t *want = vec_hex(res, "md", &l);
                        failed = want == NULL || shake_mc_record(alg, &mc) != 0 ||
                                 (size_t)vec_int(res, "outLen") != mc.last_len * 8 ||
                                 l != mc.last_len || memcmp(want, mc.out, l) != 0;
                        free(want);
                    }
                }
                free(msg);
                if (failed) {
                    fprintf(stderr, "%s: MCT tcId %lld failed\n", dir, vec_int(tc, "tcId"));
                }
                mct++;
                passed++;
                continue;
            }
            long long out_bits = alg == ALG_SHA3_256 ? 256 : vec_int(tc, "outLen");
            if (len_bits % 8 != 0 || out_bits % 8 != 0) {
                skipped++;
                continue;
            }
            size_t msg_len, md_len;
            uint8_t *msg = vec_hex(tc, "msg", &msg_len);
            uint8_t *md = vec_hex(tc, "md", &md_len);
            uint8_t *out = malloc(md_len + 1);
            failed = msg == NULL || md == NULL || out == NULL || (size_t)len_bits / 8 != msg_len ||
                     (size_t)out_bits / 8 != md_len ||
                     digest(alg, out, md_len, msg, msg_len) != PQCE_OK ||
                     memcmp(out, md, md_len) != 0;
            if (failed) {
                fprintf(stderr, "%s: tcId %lld failed\n", dir, vec_int(tc, "tcId"));
            } else {
                passed++;
            }
            free(msg);
            free(md);
            free(out);
        }
    }
    json_object_put(root);
    CHECK_MSG(!failed, "%s failed", dir);
    char what[300];
    snprintf(what, sizeof what, "acvp/%s (incl. %zu MCT)", dir, mct);
    CHECK(vec_report(what, passed, skipped,
                     "bit-oriented len/outLen, or large-data tests of the slow tier"));
}

static void test_acvp_sha3_256(void)
{
    check_acvp_set("SHA3-256-2.0", ALG_SHA3_256);
}

static void test_acvp_shake128(void)
{
    check_acvp_set("SHAKE-128-1.0", ALG_SHAKE128);
    check_acvp_set("SHAKE-128-FIPS202", ALG_SHAKE128);
}

static void test_acvp_shake256(void)
{
    check_acvp_set("SHAKE-256-1.0", ALG_SHAKE256);
    check_acvp_set("SHAKE-256-FIPS202", ALG_SHAKE256);
}

/* ---- the slow tier: 1 to 8 GiB messages, streamed ------------------------- */

static void test_acvp_sha3_256_large_data(void)
{
    json_object *root = vec_load_json("acvp/SHA3-256-2.0/internalProjection.json");
    CHECK(root != NULL);
    json_object *groups = NULL;
    json_object_object_get_ex(root, "testGroups", &groups);
    size_t passed = 0;
    enum { BUF = 1 << 20 };
    uint8_t *buf = malloc(BUF);
    CHECK(buf != NULL);
    for (size_t g = 0; g < json_object_array_length(groups); g++) {
        json_object *grp = json_object_array_get_idx(groups, g);
        if (strcmp(vec_str(grp, "testType"), "LDT") != 0) {
            continue;
        }
        json_object *tests = NULL;
        json_object_object_get_ex(grp, "tests", &tests);
        for (size_t t = 0; t < json_object_array_length(tests); t++) {
            json_object *tc = json_object_array_get_idx(tests, t), *large = NULL;
            json_object_object_get_ex(tc, "largeMsg", &large);
            size_t clen, mdlen;
            uint8_t *content = vec_hex(large, "content", &clen);
            uint8_t *md = vec_hex(tc, "md", &mdlen);
            uint64_t full_bits = (uint64_t)vec_int(large, "fullLength");
            CHECK(content != NULL && md != NULL && clen > 0 && BUF % clen == 0 &&
                  full_bits % 8 == 0 && mdlen == 32);
            CHECK(strcmp(vec_str(large, "expansionTechnique"), "repeating") == 0);
            for (size_t i = 0; i < BUF; i++) {
                buf[i] = content[i % clen];
            }
            /* The message is content repeated to full length; BUF is a
             * multiple of the content length, so every piece is aligned. */
            pqce_sha3_ctx c;
            CHECK_OK(pqce_sha3_256_init(&c));
            uint64_t left = full_bits / 8;
            while (left > 0) {
                size_t piece = left < BUF ? (size_t)left : BUF;
                CHECK_OK(pqce_sha3_absorb(&c, buf, piece));
                left -= piece;
            }
            uint8_t out[32];
            CHECK_OK(pqce_sha3_final(&c, out, sizeof out));
            CHECK_MEM_EQ(out, md, 32);
            printf("  large-data tcId %lld: %llu GiB ok\n", vec_int(tc, "tcId"),
                   (unsigned long long)(full_bits / 8 >> 30));
            passed++;
            free(content);
            free(md);
        }
    }
    free(buf);
    json_object_put(root);
    CHECK(passed == 4);
    CHECK(vec_report("acvp/SHA3-256-2.0 LDT", passed, 0, NULL));
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--large-data") == 0) {
        static const struct test_case slow[] = {TEST_CASE(test_acvp_sha3_256_large_data)};
        return test_run(1, argv, slow, 1);
    }
    static const struct test_case cases[] = {
        TEST_CASE(test_cavp_sha3_256_short_and_long),
        TEST_CASE(test_cavp_sha3_512_short_and_long),
        TEST_CASE(test_cavp_shake128_short_long_variable),
        TEST_CASE(test_cavp_shake256_short_long_variable),
        TEST_CASE(test_cavp_sha3_monte_carlo),
        TEST_CASE(test_cavp_shake_monte_carlo),
        TEST_CASE(test_acvp_sha3_256),
        TEST_CASE(test_acvp_shake128),
        TEST_CASE(test_acvp_shake256),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
