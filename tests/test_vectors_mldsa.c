/*
 * test_vectors_mldsa.c - ML-DSA-44/65/87 against the NIST ACVP vectors of
 * ../shared/vectors (README sections 2 and 4):
 *
 *  - ML-DSA-keyGen-FIPS204: KeyGen_internal(xi) gives pk and sk.
 *  - ML-DSA-sigGen-FIPS204 and -tr1 (prompt.json joined with
 *    expectedResults.json by tcId): every group, i.e. expanded and seed
 *    keys, deterministic and hedged, the external interface (pure and
 *    pre-hash, every hash) and the internal one (M' and external mu).
 *  - ML-DSA-sigVer-FIPS204: every test; the 144 with testPassed false must
 *    be rejected, the 36 others accepted.
 *
 * Counts are kept per set and category and printed; a category in which
 * nothing ran is a failure, and so is any mismatch.
 */
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "vectors.h"

typedef int (*keypair_derand_fn)(uint8_t *, uint8_t *, const uint8_t *);
typedef int (*sign_derand_fn)(uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t,
                              const uint8_t *, const uint8_t *);
typedef int (*verify_fn)(const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *, size_t,
                         const uint8_t *);
typedef int (*hash_sign_derand_fn)(uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t,
                                   pqce_mldsa_hash, const uint8_t *, const uint8_t *);
typedef int (*hash_verify_fn)(const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *,
                              size_t, pqce_mldsa_hash, const uint8_t *);
typedef int (*sign_internal_fn)(uint8_t *, const uint8_t *, size_t, const uint8_t *,
                                const uint8_t *);
typedef int (*verify_internal_fn)(const uint8_t *, size_t, const uint8_t *, size_t,
                                  const uint8_t *);
typedef int (*sign_mu_derand_fn)(uint8_t *, const uint8_t *, const uint8_t *, const uint8_t *);
typedef int (*verify_mu_fn)(const uint8_t *, size_t, const uint8_t *, const uint8_t *);

struct set_ops {
    const char *name;
    size_t pk_len, sk_len, sig_len;
    keypair_derand_fn keypair_derand;
    sign_derand_fn sign_derand;
    verify_fn verify;
    hash_sign_derand_fn hash_sign_derand;
    hash_verify_fn hash_verify;
    sign_internal_fn sign_internal;
    verify_internal_fn verify_internal;
    sign_mu_derand_fn sign_mu_derand;
    verify_mu_fn verify_mu;
};

#define SET_OPS(N)                                                                                 \
    {                                                                                              \
        "ML-DSA-" #N, PQCE_MLDSA##N##_PK_BYTES, PQCE_MLDSA##N##_SK_BYTES,                          \
            PQCE_MLDSA##N##_SIG_BYTES, pqce_mldsa##N##_keypair_derand,                             \
            pqce_mldsa##N##_sign_derand, pqce_mldsa##N##_verify, pqce_mldsa##N##_hash_sign_derand, \
            pqce_mldsa##N##_hash_verify, pqce_mldsa##N##_sign_internal,                            \
            pqce_mldsa##N##_verify_internal, pqce_mldsa##N##_sign_mu_derand,                       \
            pqce_mldsa##N##_verify_mu                                                              \
    }

static const struct set_ops sets[] = {SET_OPS(44), SET_OPS(65), SET_OPS(87)};

static const struct set_ops *find_set(const char *name)
{
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        if (name != NULL && strcmp(sets[i].name, name) == 0) {
            return &sets[i];
        }
    }
    return NULL;
}

static const struct {
    const char *name;
    pqce_mldsa_hash id;
} hashes[] = {
    {"SHA2-224", PQCE_MLDSA_HASH_SHA2_224},         {"SHA2-256", PQCE_MLDSA_HASH_SHA2_256},
    {"SHA2-384", PQCE_MLDSA_HASH_SHA2_384},         {"SHA2-512", PQCE_MLDSA_HASH_SHA2_512},
    {"SHA2-512/224", PQCE_MLDSA_HASH_SHA2_512_224}, {"SHA2-512/256", PQCE_MLDSA_HASH_SHA2_512_256},
    {"SHA3-224", PQCE_MLDSA_HASH_SHA3_224},         {"SHA3-256", PQCE_MLDSA_HASH_SHA3_256},
    {"SHA3-384", PQCE_MLDSA_HASH_SHA3_384},         {"SHA3-512", PQCE_MLDSA_HASH_SHA3_512},
    {"SHAKE-128", PQCE_MLDSA_HASH_SHAKE128},        {"SHAKE-256", PQCE_MLDSA_HASH_SHAKE256},
};

/* 1 and *id set if the ACVP hashAlg name is supported. */
static int find_hash(const char *name, pqce_mldsa_hash *id)
{
    for (size_t i = 0; i < sizeof hashes / sizeof hashes[0]; i++) {
        if (name != NULL && strcmp(hashes[i].name, name) == 0) {
            *id = hashes[i].id;
            return 1;
        }
    }
    return 0;
}

/* ---- per-category counters ------------------------------------------- */

#define MAX_CATEGORIES 128

static struct counter {
    char name[112];
    size_t passed, skipped;
    char why[96];
} counters[MAX_CATEGORIES];
static size_t n_counters;

static struct counter *counter(const char *name)
{
    for (size_t i = 0; i < n_counters; i++) {
        if (strcmp(counters[i].name, name) == 0) {
            return &counters[i];
        }
    }
    if (n_counters == MAX_CATEGORIES) {
        fprintf(stderr, "too many vector categories\n");
        abort();
    }
    struct counter *c = &counters[n_counters++];
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    return c;
}

static int counter_cmp(const void *a, const void *b)
{
    return strcmp(((const struct counter *)a)->name, ((const struct counter *)b)->name);
}

/* Prints every category (sorted by name) and resets; returns 1 if each ran
 * something. */
static int report_counters(void)
{
    int ok = n_counters > 0;
    qsort(counters, n_counters, sizeof counters[0], counter_cmp);
    for (size_t i = 0; i < n_counters; i++) {
        ok &= vec_report(counters[i].name, counters[i].passed, counters[i].skipped,
                         counters[i].why[0] ? counters[i].why : NULL);
    }
    n_counters = 0;
    return ok;
}

/* ---- a decoded test case ----------------------------------------------- */

struct field {
    uint8_t *p;
    size_t len;
};

static void field_free(struct field *f)
{
    free(f->p);
    f->p = NULL;
    f->len = 0;
}

/* Decodes hex field `key` of tc (or of alt when tc lacks it). */
static int get_hex(struct field *f, json_object *tc, json_object *alt, const char *key)
{
    json_object *src = vec_has(tc, key) ? tc : alt;
    f->p = vec_hex(src, key, &f->len);
    return f->p != NULL;
}

static const char *group_str(json_object *g, const char *key)
{
    return vec_has(g, key) ? vec_str(g, key) : "";
}

/* ---- keyGen ------------------------------------------------------------- */

static void test_keygen_vectors(void)
{
    json_object *ip = vec_load_json("acvp/ML-DSA-keyGen-FIPS204/internalProjection.json");
    CHECK_MSG(ip != NULL, "keyGen vectors missing");
    json_object *groups = json_object_object_get(ip, "testGroups");
    size_t failures = 0;
    for (size_t g = 0; g < json_object_array_length(groups); g++) {
        json_object *grp = json_object_array_get_idx(groups, g);
        const struct set_ops *set = find_set(vec_str(grp, "parameterSet"));
        json_object *tests = json_object_object_get(grp, "tests");
        char cat[112];
        snprintf(cat, sizeof cat, "%s keyGen", set ? set->name : "?");
        for (size_t t = 0; t < json_object_array_length(tests); t++) {
            json_object *tc = json_object_array_get_idx(tests, t);
            struct field seed = {0}, pk = {0}, sk = {0};
            if (set == NULL || !get_hex(&seed, tc, NULL, "seed") || !get_hex(&pk, tc, NULL, "pk") ||
                !get_hex(&sk, tc, NULL, "sk") || seed.len != PQCE_MLDSA_SEED_BYTES ||
                pk.len != set->pk_len || sk.len != set->sk_len) {
                failures++;
                test_fail(__FILE__, __LINE__, "keyGen tcId %lld: bad vector", vec_int(tc, "tcId"));
            } else {
                uint8_t *opk = malloc(pk.len), *osk = malloc(sk.len);
                int rc = set->keypair_derand(opk, osk, seed.p);
                if (rc != PQCE_OK || memcmp(opk, pk.p, pk.len) != 0 ||
                    memcmp(osk, sk.p, sk.len) != 0) {
                    failures++;
                    test_fail(__FILE__, __LINE__, "%s keyGen tcId %lld: mismatch (rc %d)",
                              set->name, vec_int(tc, "tcId"), rc);
                } else {
                    counter(cat)->passed++;
                }
                free(opk);
                free(osk);
            }
            field_free(&seed);
            field_free(&pk);
            field_free(&sk);
        }
    }
    json_object_put(ip);
    CHECK(report_counters());
    CHECK(failures == 0);
}

/* ---- sigGen ------------------------------------------------------------- */

/* Runs one sigGen file; returns the number of failures. */
static size_t run_siggen(const char *dir, const char *label)
{
    char path[256];
    size_t failures = 0;
    snprintf(path, sizeof path, "acvp/%s/prompt.json", dir);
    json_object *prompt = vec_load_json(path);
    snprintf(path, sizeof path, "acvp/%s/expectedResults.json", dir);
    json_object *expected = vec_load_json(path);
    acvp_index ix;
    if (prompt == NULL || expected == NULL || acvp_index_build(&ix, expected) != 0) {
        test_fail(__FILE__, __LINE__, "cannot load %s", dir);
        json_object_put(prompt);
        json_object_put(expected);
        return 1;
    }
    json_object *groups = json_object_object_get(prompt, "testGroups");
    for (size_t g = 0; g < json_object_array_length(groups); g++) {
        json_object *grp = json_object_array_get_idx(groups, g);
        const struct set_ops *set = find_set(vec_str(grp, "parameterSet"));
        const char *iface = vec_str(grp, "signatureInterface");
        const char *key_format = group_str(grp, "keyFormat");
        int det = vec_bool(grp, "deterministic");
        int external = iface != NULL && strcmp(iface, "external") == 0;
        int prehash = external && strcmp(group_str(grp, "preHash"), "preHash") == 0;
        int ext_mu = !external && vec_bool(grp, "externalMu");
        int seed_key = strcmp(key_format, "seed") == 0;
        char cat[112];
        snprintf(cat, sizeof cat, "%s %s %s%s %s", set ? set->name : "?", label,
                 external ? (prehash ? "external/preHash" : "external/pure")
                          : (ext_mu ? "internal/externalMu" : "internal/message"),
                 seed_key ? " seed-key" : (key_format[0] ? " expanded-key" : ""),
                 det ? "deterministic" : "hedged");
        json_object *tests = json_object_object_get(grp, "tests");
        for (size_t t = 0; t < json_object_array_length(tests); t++) {
            json_object *tc = json_object_array_get_idx(tests, t);
            long long id = vec_int(tc, "tcId");
            json_object *res = acvp_index_get(&ix, id);
            struct field sk = {0}, msg = {0}, ctx = {0}, rnd = {0}, want = {0};
            uint8_t zero_rnd[PQCE_MLDSA_RND_BYTES] = {0};
            uint8_t *sig = NULL, *pk = NULL, *expanded = NULL;
            pqce_mldsa_hash hash = PQCE_MLDSA_HASH_SHA3_256;
            int ok = set != NULL && res != NULL && get_hex(&want, res, NULL, "signature") &&
                     want.len == set->sig_len;
            if (ok && seed_key) {
                struct field seed = {0};
                ok = get_hex(&seed, tc, NULL, "seed") && seed.len == PQCE_MLDSA_SEED_BYTES;
                if (ok) {
                    pk = malloc(set->pk_len);
                    expanded = malloc(set->sk_len);
                    ok = set->keypair_derand(pk, expanded, seed.p) == PQCE_OK;
                }
                field_free(&seed);
            } else if (ok) {
                ok = get_hex(&sk, tc, NULL, "sk") && sk.len == set->sk_len;
                expanded = sk.p;
            }
            if (ok) {
                ok = get_hex(&msg, tc, NULL, ext_mu ? "mu" : "message");
            }
            if (ok && external) {
                ok = get_hex(&ctx, tc, NULL, "context");
            }
            if (ok && !det) {
                ok = get_hex(&rnd, tc, NULL, "rnd") && rnd.len == PQCE_MLDSA_RND_BYTES;
            }
            if (!ok) {
                failures++;
                test_fail(__FILE__, __LINE__, "%s tcId %lld: bad vector", dir, id);
                goto next;
            }
            if (prehash && !find_hash(vec_str(tc, "hashAlg"), &hash)) {
                struct counter *c = counter(cat);
                c->skipped++;
                snprintf(c->why, sizeof c->why, "hashAlg %s not supported", vec_str(tc, "hashAlg"));
                goto next;
            }
            const uint8_t *r = det ? zero_rnd : rnd.p;
            sig = malloc(set->sig_len);
            int rc;
            if (external && prehash) {
                rc = set->hash_sign_derand(sig, msg.p, msg.len, ctx.p, ctx.len, hash, expanded, r);
            } else if (external) {
                rc = set->sign_derand(sig, msg.p, msg.len, ctx.p, ctx.len, expanded, r);
            } else if (ext_mu) {
                rc = msg.len == PQCE_MLDSA_MU_BYTES ? set->sign_mu_derand(sig, msg.p, expanded, r)
                                                    : PQCE_ERR_INVALID_ARG;
            } else {
                rc = set->sign_internal(sig, msg.p, msg.len, expanded, r);
            }
            if (rc != PQCE_OK || memcmp(sig, want.p, want.len) != 0) {
                failures++;
                test_fail(__FILE__, __LINE__, "%s %s tcId %lld: signature mismatch (rc %s)", dir,
                          cat, id, pqce_error_name(rc));
            } else {
                counter(cat)->passed++;
                if (prehash) {
                    char hcat[112];
                    snprintf(hcat, sizeof hcat, "%s pre-hash %s", label, vec_str(tc, "hashAlg"));
                    counter(hcat)->passed++;
                }
            }
        next:
            free(sig);
            free(pk);
            if (expanded != sk.p) {
                free(expanded);
            }
            field_free(&sk);
            field_free(&msg);
            field_free(&ctx);
            field_free(&rnd);
            field_free(&want);
        }
    }
    acvp_index_free(&ix);
    json_object_put(prompt);
    json_object_put(expected);
    return failures;
}

static void test_siggen_vectors(void)
{
    size_t failures = run_siggen("ML-DSA-sigGen-FIPS204", "sigGen");
    CHECK(report_counters());
    CHECK(failures == 0);
}

static void test_siggen_tr1_vectors(void)
{
    size_t failures = run_siggen("ML-DSA-sigGen-FIPS204-tr1", "sigGen-tr1");
    CHECK(report_counters());
    CHECK(failures == 0);
}

/* ---- sigVer ------------------------------------------------------------- */

static void test_sigver_vectors(void)
{
    json_object *ip = vec_load_json("acvp/ML-DSA-sigVer-FIPS204/internalProjection.json");
    CHECK_MSG(ip != NULL, "sigVer vectors missing");
    json_object *groups = json_object_object_get(ip, "testGroups");
    size_t failures = 0, accepted = 0, rejected = 0;
    for (size_t g = 0; g < json_object_array_length(groups); g++) {
        json_object *grp = json_object_array_get_idx(groups, g);
        const struct set_ops *set = find_set(vec_str(grp, "parameterSet"));
        const char *iface = vec_str(grp, "signatureInterface");
        int external = iface != NULL && strcmp(iface, "external") == 0;
        int prehash = external && strcmp(group_str(grp, "preHash"), "preHash") == 0;
        int ext_mu = !external && vec_bool(grp, "externalMu");
        const char *mode = external ? (prehash ? "external/preHash" : "external/pure")
                                    : (ext_mu ? "internal/externalMu" : "internal/message");
        json_object *tests = json_object_object_get(grp, "tests");
        for (size_t t = 0; t < json_object_array_length(tests); t++) {
            json_object *tc = json_object_array_get_idx(tests, t);
            long long id = vec_int(tc, "tcId");
            struct field pk = {0}, msg = {0}, ctx = {0}, sig = {0};
            pqce_mldsa_hash hash = PQCE_MLDSA_HASH_SHA3_256;
            int want = vec_bool(tc, "testPassed");
            const char *reason = vec_str(tc, "reason");
            char cat[112];
            snprintf(cat, sizeof cat, "%s sigVer %s %s", set ? set->name : "?", mode,
                     want ? "accepted" : "rejected");
            int ok = set != NULL && get_hex(&pk, tc, NULL, "pk") && pk.len == set->pk_len &&
                     get_hex(&sig, tc, NULL, "signature") &&
                     get_hex(&msg, tc, NULL, ext_mu ? "mu" : "message");
            if (ok && external) {
                ok = get_hex(&ctx, tc, NULL, "context");
            }
            if (!ok) {
                failures++;
                test_fail(__FILE__, __LINE__, "sigVer tcId %lld: bad vector", id);
            } else if (prehash && !find_hash(vec_str(tc, "hashAlg"), &hash)) {
                struct counter *c = counter(cat);
                c->skipped++;
                snprintf(c->why, sizeof c->why, "hashAlg %s not supported", vec_str(tc, "hashAlg"));
            } else {
                int rc;
                if (external && prehash) {
                    rc = set->hash_verify(sig.p, sig.len, msg.p, msg.len, ctx.p, ctx.len, hash,
                                          pk.p);
                } else if (external) {
                    rc = set->verify(sig.p, sig.len, msg.p, msg.len, ctx.p, ctx.len, pk.p);
                } else if (ext_mu) {
                    rc = msg.len == PQCE_MLDSA_MU_BYTES
                             ? set->verify_mu(sig.p, sig.len, msg.p, pk.p)
                             : PQCE_ERR_INVALID_ARG;
                } else {
                    rc = set->verify_internal(sig.p, sig.len, msg.p, msg.len, pk.p);
                }
                int good = want ? rc == PQCE_OK : rc == PQCE_ERR_VERIFY;
                if (!good) {
                    failures++;
                    test_fail(__FILE__, __LINE__, "%s tcId %lld (%s): got %s", cat, id,
                              reason ? reason : "?", pqce_error_name(rc));
                } else {
                    counter(cat)->passed++;
                    if (prehash) {
                        char hcat[112];
                        snprintf(hcat, sizeof hcat, "sigVer pre-hash %s", vec_str(tc, "hashAlg"));
                        counter(hcat)->passed++;
                    }
                    if (want) {
                        accepted++;
                    } else {
                        rejected++;
                        char rcat[112];
                        snprintf(rcat, sizeof rcat, "sigVer negatives \"%s\" rejected",
                                 reason ? reason : "?");
                        counter(rcat)->passed++;
                    }
                }
            }
            field_free(&pk);
            field_free(&msg);
            field_free(&ctx);
            field_free(&sig);
        }
    }
    json_object_put(ip);
    printf("  sigVer: %zu valid signatures accepted, %zu negatives rejected\n", accepted, rejected);
    CHECK(report_counters());
    CHECK(failures == 0);
    CHECK(accepted == 36 && rejected == 144);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_keygen_vectors),
        TEST_CASE(test_siggen_vectors),
        TEST_CASE(test_siggen_tr1_vectors),
        TEST_CASE(test_sigver_vectors),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
