/*
 * test_vectors_mlkem.c - ML-KEM-512/768/1024 against every ACVP test of
 * ../shared/vectors (internalProjection.json of ML-KEM-keyGen-FIPS203,
 * ML-KEM-encapDecap-FIPS203 and ML-KEM-encapDecap-FIPS203-tr1).
 *
 * Each test function covers one kind of ACVP test in every file that has
 * it, counts what ran per file and parameter set, prints the counts and
 * fails when any count is zero. The negative cases (decapsulationKeyCheck
 * "modified H", encapsulationKeyCheck "noisy linear system values too
 * large") must be rejected with PQCE_ERR_INVALID_KEY and zeroized outputs;
 * "modified ciphertext" decapsulations must return the implicit-rejection
 * key given by the vector.
 *
 * Every case runs on every path: the public pqce_mlkemN_* functions (with
 * the implementation selected for this CPU), and each implementation this
 * CPU runs (portable, and AVX2 where available) through the internal entry
 * points of crypto/mlkem.h that take the implementation as an argument.
 * Counts are reported and checked per path.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/mlkem.h"
#include "test.h"
#include "vectors.h"

#define MAX_EK PQCE_MLKEM1024_EK_BYTES
#define MAX_DK PQCE_MLKEM1024_DK_BYTES
#define MAX_CT PQCE_MLKEM1024_CT_BYTES

struct kem {
    const char *name;
    size_t ek_len, dk_len, ct_len;
    unsigned k;
    const pqce_mlkem_params *params;
    int (*keypair_derand)(uint8_t *, uint8_t *, const uint8_t *);
    int (*encaps_derand)(uint8_t *, uint8_t *, const uint8_t *, const uint8_t *);
    int (*decaps)(uint8_t *, const uint8_t *, const uint8_t *);
    int (*check_ek)(const uint8_t *);
    int (*check_dk)(const uint8_t *);
};

/* The public prototypes have fixed-size array parameters; these adapters
 * give the three sets one signature. */
#define KEM_ADAPTERS(N)                                                             \
    static int kp##N(uint8_t *ek, uint8_t *dk, const uint8_t *s)                    \
    {                                                                               \
        return pqce_mlkem##N##_keypair_derand(ek, dk, s);                           \
    }                                                                               \
    static int en##N(uint8_t *ct, uint8_t *ss, const uint8_t *ek, const uint8_t *m) \
    {                                                                               \
        return pqce_mlkem##N##_encaps_derand(ct, ss, ek, m);                        \
    }                                                                               \
    static int de##N(uint8_t *ss, const uint8_t *ct, const uint8_t *dk)             \
    {                                                                               \
        return pqce_mlkem##N##_decaps(ss, ct, dk);                                  \
    }                                                                               \
    static int cek##N(const uint8_t *ek)                                            \
    {                                                                               \
        return pqce_mlkem##N##_check_ek(ek);                                        \
    }                                                                               \
    static int cdk##N(const uint8_t *dk)                                            \
    {                                                                               \
        return pqce_mlkem##N##_check_dk(dk);                                        \
    }
KEM_ADAPTERS(512)
KEM_ADAPTERS(768)
KEM_ADAPTERS(1024)

static const struct kem kems[3] = {
    {"ML-KEM-512", PQCE_MLKEM512_EK_BYTES, PQCE_MLKEM512_DK_BYTES, PQCE_MLKEM512_CT_BYTES, 2,
     &pqce_mlkem512_params, kp512, en512, de512, cek512, cdk512},
    {"ML-KEM-768", PQCE_MLKEM768_EK_BYTES, PQCE_MLKEM768_DK_BYTES, PQCE_MLKEM768_CT_BYTES, 3,
     &pqce_mlkem768_params, kp768, en768, de768, cek768, cdk768},
    {"ML-KEM-1024", PQCE_MLKEM1024_EK_BYTES, PQCE_MLKEM1024_DK_BYTES, PQCE_MLKEM1024_CT_BYTES, 4,
     &pqce_mlkem1024_params, kp1024, en1024, de1024, cek1024, cdk1024},
};

/* A way to run the KEM: the public functions (impl NULL: whatever
 * pqce_mlkem_impl_select() picks) or one implementation explicitly. */
struct path {
    char name[32];
    const pqce_mlkem_impl *impl;
};

#define MAX_PATHS (1 + PQCE_MLKEM_IMPL_MAX)

/* The public path, then every implementation this CPU runs. */
static size_t list_paths(struct path paths[MAX_PATHS])
{
    const pqce_mlkem_impl *impls[PQCE_MLKEM_IMPL_MAX];
    size_t n = pqce_mlkem_impl_list(impls);
    snprintf(paths[0].name, sizeof paths[0].name, "public(%s)", pqce_mlkem_impl_select()->name);
    paths[0].impl = NULL;
    for (size_t i = 0; i < n; i++) {
        snprintf(paths[i + 1].name, sizeof paths[i + 1].name, "%s", impls[i]->name);
        paths[i + 1].impl = impls[i];
    }
    return n + 1;
}

static int run_keypair(const struct path *pa, const struct kem *kem, uint8_t *ek, uint8_t *dk,
                       const uint8_t *seed)
{
    return pa->impl == NULL ? kem->keypair_derand(ek, dk, seed)
                            : pqce_mlkem_keypair_derand_with(pa->impl, kem->params, ek, dk, seed);
}

static int run_encaps(const struct path *pa, const struct kem *kem, uint8_t *ct, uint8_t *ss,
                      const uint8_t *ek, const uint8_t *m)
{
    return pa->impl == NULL ? kem->encaps_derand(ct, ss, ek, m)
                            : pqce_mlkem_encaps_derand_with(pa->impl, kem->params, ct, ss, ek, m);
}

static int run_check_ek(const struct path *pa, const struct kem *kem, const uint8_t *ek)
{
    return pa->impl == NULL ? kem->check_ek(ek)
                            : pqce_mlkem_check_ek_with(pa->impl, kem->params, ek);
}

static int run_decaps(const struct path *pa, const struct kem *kem, uint8_t *ss, const uint8_t *ct,
                      const uint8_t *dk)
{
    return pa->impl == NULL ? kem->decaps(ss, ct, dk)
                            : pqce_mlkem_decaps_with(pa->impl, kem->params, ss, ct, dk);
}

static const char *const KEYGEN_FILE = "acvp/ML-KEM-keyGen-FIPS203/internalProjection.json";
static const char *const ENCDEC_FILES[2] = {
    "acvp/ML-KEM-encapDecap-FIPS203/internalProjection.json",
    "acvp/ML-KEM-encapDecap-FIPS203-tr1/internalProjection.json",
};

static const struct kem *kem_by_name(const char *name)
{
    for (size_t i = 0; name != NULL && i < 3; i++) {
        if (strcmp(kems[i].name, name) == 0) {
            return &kems[i];
        }
    }
    return NULL;
}

/* Decodes the hex field key of tc into out, which must be exactly len
 * bytes long. Records a failure and returns 0 otherwise. */
static int get_hex(json_object *tc, const char *key, uint8_t *out, size_t len)
{
    size_t n = 0;
    uint8_t *b = vec_hex(tc, key, &n);
    if (b == NULL || n != len) {
        test_fail(__FILE__, __LINE__, "tcId %lld: field %s has %zu bytes, expected %zu",
                  vec_int(tc, "tcId"), key, n, len);
        free(b);
        return 0;
    }
    memcpy(out, b, len);
    free(b);
    return 1;
}

static int is_zero(const uint8_t *p, size_t len)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < len; i++) {
        acc |= p[i];
    }
    return acc == 0;
}

/* What a per-test check returns. */
enum { TC_FAIL = 0, TC_PASS = 1, TC_NOT_MINE = 2 };

/* A check of one ACVP test case of group g with the set's functions on
 * path pa. */
typedef int (*tc_check)(const struct path *pa, const struct kem *kem, json_object *g,
                        json_object *tc);

/*
 * Runs check on every path for every test of every group of file whose
 * "function" equals function (NULL: no function field, the keyGen file)
 * and whose keyFormat matches key_format (NULL: any). Counts per path and
 * parameter set; reports the counts under label and fails when a set ran
 * nothing on some path. Returns the total.
 */
static size_t run_file(const char *file, const char *function, const char *key_format,
                       const char *label, tc_check check)
{
    struct path paths[MAX_PATHS];
    const size_t npaths = list_paths(paths);
    size_t passed[MAX_PATHS][3] = {{0}}, failed = 0, total = 0;
    json_object *root = vec_load_json(file);
    json_object *groups = NULL;

    if (root == NULL || !json_object_object_get_ex(root, "testGroups", &groups)) {
        test_fail(__FILE__, __LINE__, "cannot load %s", vec_path(file));
        json_object_put(root);
        return 0;
    }
    for (size_t gi = 0; gi < json_object_array_length(groups); gi++) {
        json_object *g = json_object_array_get_idx(groups, gi);
        if (function != NULL) {
            const char *f = vec_str(g, "function");
            if (f == NULL || strcmp(f, function) != 0) {
                continue;
            }
        }
        if (key_format != NULL) {
            const char *kf = vec_has(g, "keyFormat") ? vec_str(g, "keyFormat") : "";
            if (strcmp(kf, key_format) != 0) {
                continue;
            }
        }
        const struct kem *kem = kem_by_name(vec_str(g, "parameterSet"));
        if (kem == NULL) {
            test_fail(__FILE__, __LINE__, "%s group %zu: unknown parameter set", file, gi);
            failed++;
            continue;
        }
        json_object *tests = NULL;
        json_object_object_get_ex(g, "tests", &tests);
        for (size_t ti = 0; tests != NULL && ti < json_object_array_length(tests); ti++) {
            json_object *tc = json_object_array_get_idx(tests, ti);
            for (size_t pi = 0; pi < npaths; pi++) {
                int r = check(&paths[pi], kem, g, tc);
                if (r == TC_PASS) {
                    passed[pi][kem - kems]++;
                } else if (r == TC_FAIL) {
                    fprintf(stderr, "  %s %s [%s] tcId %lld failed\n", label, kem->name,
                            paths[pi].name, vec_int(tc, "tcId"));
                    failed++;
                }
            }
        }
    }
    json_object_put(root);

    const char *short_file = strchr(file, '/') ? strchr(file, '/') + 1 : file;
    for (size_t pi = 0; pi < npaths; pi++) {
        for (size_t s = 0; s < 3; s++) {
            char what[256];
            snprintf(what, sizeof what, "%.*s %s %s [%s]",
                     (int)(strchr(short_file, '/') - short_file), short_file, label, kems[s].name,
                     paths[pi].name);
            if (!vec_report(what, passed[pi][s], 0, NULL)) {
                test_fail(__FILE__, __LINE__, "no %s vector ran for %s on %s", label, kems[s].name,
                          paths[pi].name);
            }
            total += passed[pi][s];
        }
    }
    if (failed > 0) {
        test_fail(__FILE__, __LINE__, "%zu %s vectors failed in %s", failed, label, file);
    }
    return total;
}

/* ---- keyGen: ML-KEM.KeyGen_internal(d, z) -------------------------------- */

static int check_keygen(const struct path *pa, const struct kem *kem, json_object *g,
                        json_object *tc)
{
    (void)g;
    uint8_t seed[64], ek_want[MAX_EK], dk_want[MAX_DK], ek[MAX_EK], dk[MAX_DK];
    if (!get_hex(tc, "d", seed, 32) || !get_hex(tc, "z", seed + 32, 32) ||
        !get_hex(tc, "ek", ek_want, kem->ek_len) || !get_hex(tc, "dk", dk_want, kem->dk_len)) {
        return TC_FAIL;
    }
    if (run_keypair(pa, kem, ek, dk, seed) != PQCE_OK) {
        return TC_FAIL;
    }
    return memcmp(ek, ek_want, kem->ek_len) == 0 && memcmp(dk, dk_want, kem->dk_len) == 0 ? TC_PASS
                                                                                          : TC_FAIL;
}

static void test_keygen_matches_acvp(void)
{
    run_file(KEYGEN_FILE, NULL, NULL, "keyGen", check_keygen);
}

/* ---- encapsulation: ML-KEM.Encaps_internal(ek, m) ------------------------ */

static int check_encaps(const struct path *pa, const struct kem *kem, json_object *g,
                        json_object *tc)
{
    (void)g;
    uint8_t ek[MAX_EK], dk[MAX_DK], m[32], c_want[MAX_CT], k_want[32], c[MAX_CT], k[32];
    if (!get_hex(tc, "ek", ek, kem->ek_len) || !get_hex(tc, "dk", dk, kem->dk_len) ||
        !get_hex(tc, "m", m, 32) || !get_hex(tc, "c", c_want, kem->ct_len) ||
        !get_hex(tc, "k", k_want, 32)) {
        return TC_FAIL;
    }
    if (run_encaps(pa, kem, c, k, ek, m) != PQCE_OK || memcmp(c, c_want, kem->ct_len) != 0 ||
        memcmp(k, k_want, 32) != 0) {
        return TC_FAIL;
    }
    /* The projection's matching dk must decapsulate c to the same key. */
    memset(k, 0, sizeof k);
    if (run_decaps(pa, kem, k, c, dk) != PQCE_OK || memcmp(k, k_want, 32) != 0) {
        return TC_FAIL;
    }
    return TC_PASS;
}

static void test_encaps_matches_acvp(void)
{
    for (size_t f = 0; f < 2; f++) {
        run_file(ENCDEC_FILES[f], "encapsulation", NULL, "encapsulation", check_encaps);
    }
}

/* ---- decapsulation: ML-KEM.Decaps(dk, c) --------------------------------- */

static int reason_is(json_object *tc, const char *reason)
{
    const char *r = vec_str(tc, "reason");
    return r != NULL && strcmp(r, reason) == 0;
}

/* Decapsulation with the expanded dk of the vector; only tests whose reason
 * is `reason`. */
static int check_decaps_reason(const struct path *pa, const struct kem *kem, json_object *tc,
                               const char *reason)
{
    uint8_t dk[MAX_DK], c[MAX_CT], k_want[32], k[32];
    if (!reason_is(tc, reason)) {
        return TC_NOT_MINE;
    }
    if (!get_hex(tc, "dk", dk, kem->dk_len) || !get_hex(tc, "c", c, kem->ct_len) ||
        !get_hex(tc, "k", k_want, 32)) {
        return TC_FAIL;
    }
    if (kem->check_dk(dk) != PQCE_OK || run_decaps(pa, kem, k, c, dk) != PQCE_OK) {
        return TC_FAIL;
    }
    return memcmp(k, k_want, 32) == 0 ? TC_PASS : TC_FAIL;
}

static int check_decaps_valid(const struct path *pa, const struct kem *kem, json_object *g,
                              json_object *tc)
{
    (void)g;
    return check_decaps_reason(pa, kem, tc, "valid decapsulation");
}

/* A modified ciphertext is not an error: Decaps returns K-bar = J(z || c),
 * which is the vector's k. */
static int check_decaps_modified(const struct path *pa, const struct kem *kem, json_object *g,
                                 json_object *tc)
{
    (void)g;
    return check_decaps_reason(pa, kem, tc, "modified ciphertext");
}

static void test_decaps_valid_ciphertext_matches_acvp(void)
{
    run_file(ENCDEC_FILES[0], "decapsulation", NULL, "decapsulation(valid)", check_decaps_valid);
    run_file(ENCDEC_FILES[1], "decapsulation", "expanded", "decapsulation(valid,expanded)",
             check_decaps_valid);
}

static void test_decaps_modified_ciphertext_gives_implicit_rejection_key(void)
{
    run_file(ENCDEC_FILES[0], "decapsulation", NULL, "decapsulation(modified)",
             check_decaps_modified);
    run_file(ENCDEC_FILES[1], "decapsulation", "expanded", "decapsulation(modified,expanded)",
             check_decaps_modified);
}

/* tr1 seed-format groups: the key is regenerated from d || z (how
 * pqc-enclave stores identity keys), must equal the projection's ek and dk,
 * and then decapsulates c, valid or modified. */
static int check_decaps_seed(const struct path *pa, const struct kem *kem, json_object *g,
                             json_object *tc)
{
    (void)g;
    uint8_t seed[64], ek_want[MAX_EK], dk_want[MAX_DK], ek[MAX_EK], dk[MAX_DK];
    uint8_t c[MAX_CT], k_want[32], k[32];
    if (!get_hex(tc, "d", seed, 32) || !get_hex(tc, "z", seed + 32, 32) ||
        !get_hex(tc, "ek", ek_want, kem->ek_len) || !get_hex(tc, "dk", dk_want, kem->dk_len) ||
        !get_hex(tc, "c", c, kem->ct_len) || !get_hex(tc, "k", k_want, 32)) {
        return TC_FAIL;
    }
    if (!reason_is(tc, "valid decapsulation") && !reason_is(tc, "modified ciphertext")) {
        return TC_FAIL;
    }
    if (run_keypair(pa, kem, ek, dk, seed) != PQCE_OK || memcmp(ek, ek_want, kem->ek_len) != 0 ||
        memcmp(dk, dk_want, kem->dk_len) != 0) {
        return TC_FAIL;
    }
    if (run_decaps(pa, kem, k, c, dk) != PQCE_OK) {
        return TC_FAIL;
    }
    return memcmp(k, k_want, 32) == 0 ? TC_PASS : TC_FAIL;
}

static void test_decaps_seed_format_regenerates_dk_from_d_z(void)
{
    run_file(ENCDEC_FILES[1], "decapsulation", "seed", "decapsulation(seed d||z)",
             check_decaps_seed);
}

/* ---- decapsulationKeyCheck: [FIPS203, 7.3] ------------------------------- */

static int check_dk_positive(const struct path *pa, const struct kem *kem, json_object *g,
                             json_object *tc)
{
    (void)g;
    uint8_t dk[MAX_DK], c[MAX_CT] = {0}, k[32];
    if (!vec_bool(tc, "testPassed")) {
        return TC_NOT_MINE;
    }
    if (!get_hex(tc, "dk", dk, kem->dk_len)) {
        return TC_FAIL;
    }
    /* Accepted by the check alone and by Decaps (any ciphertext). */
    return kem->check_dk(dk) == PQCE_OK && run_decaps(pa, kem, k, c, dk) == PQCE_OK ? TC_PASS
                                                                                    : TC_FAIL;
}

static int check_dk_negative(const struct path *pa, const struct kem *kem, json_object *g,
                             json_object *tc)
{
    (void)g;
    uint8_t dk[MAX_DK], c[MAX_CT] = {0}, k[32];
    if (vec_bool(tc, "testPassed")) {
        return TC_NOT_MINE;
    }
    if (!reason_is(tc, "modified H") || !get_hex(tc, "dk", dk, kem->dk_len)) {
        return TC_FAIL;
    }
    /* Rejected by the check and by Decaps, whose output is zeroized. */
    memset(k, 0xA5, sizeof k);
    if (kem->check_dk(dk) != PQCE_ERR_INVALID_KEY ||
        run_decaps(pa, kem, k, c, dk) != PQCE_ERR_INVALID_KEY || !is_zero(k, sizeof k)) {
        return TC_FAIL;
    }
    return TC_PASS;
}

static void test_dk_check_accepts_valid_keys(void)
{
    for (size_t f = 0; f < 2; f++) {
        run_file(ENCDEC_FILES[f], "decapsulationKeyCheck", NULL, "decapsulationKeyCheck(accept)",
                 check_dk_positive);
    }
}

static void test_dk_check_rejects_modified_h(void)
{
    for (size_t f = 0; f < 2; f++) {
        run_file(ENCDEC_FILES[f], "decapsulationKeyCheck", NULL, "decapsulationKeyCheck(reject)",
                 check_dk_negative);
    }
}

/* ---- encapsulationKeyCheck: [FIPS203, 7.2] ------------------------------- */

/* Independent of the library: 1 if some 12-bit value of ek[0 : 384k] is >= q. */
static int has_coefficient_ge_q(const uint8_t *ek, unsigned k)
{
    for (size_t i = 0; i < 384 * (size_t)k; i += 3) {
        unsigned a = ek[i] | (unsigned)(ek[i + 1] & 15) << 8;
        unsigned b = (unsigned)(ek[i + 1] >> 4) | (unsigned)ek[i + 2] << 4;
        if (a >= 3329 || b >= 3329) {
            return 1;
        }
    }
    return 0;
}

static int check_ek_positive(const struct path *pa, const struct kem *kem, json_object *g,
                             json_object *tc)
{
    (void)g;
    uint8_t ek[MAX_EK], m[32] = {1}, c[MAX_CT], k[32];
    if (!vec_bool(tc, "testPassed")) {
        return TC_NOT_MINE;
    }
    if (!get_hex(tc, "ek", ek, kem->ek_len) || has_coefficient_ge_q(ek, kem->k)) {
        return TC_FAIL;
    }
    return run_check_ek(pa, kem, ek) == PQCE_OK && run_encaps(pa, kem, c, k, ek, m) == PQCE_OK
               ? TC_PASS
               : TC_FAIL;
}

static int check_ek_negative(const struct path *pa, const struct kem *kem, json_object *g,
                             json_object *tc)
{
    (void)g;
    uint8_t ek[MAX_EK], m[32] = {1}, c[MAX_CT], k[32];
    if (vec_bool(tc, "testPassed")) {
        return TC_NOT_MINE;
    }
    if (!reason_is(tc, "noisy linear system values too large") ||
        !get_hex(tc, "ek", ek, kem->ek_len) || !has_coefficient_ge_q(ek, kem->k)) {
        return TC_FAIL;
    }
    /* Rejected by the check and by Encaps, whose outputs are zeroized. */
    memset(c, 0xA5, sizeof c);
    memset(k, 0xA5, sizeof k);
    if (run_check_ek(pa, kem, ek) != PQCE_ERR_INVALID_KEY ||
        run_encaps(pa, kem, c, k, ek, m) != PQCE_ERR_INVALID_KEY || !is_zero(c, kem->ct_len) ||
        !is_zero(k, sizeof k)) {
        return TC_FAIL;
    }
    return TC_PASS;
}

static void test_ek_check_accepts_valid_keys(void)
{
    for (size_t f = 0; f < 2; f++) {
        run_file(ENCDEC_FILES[f], "encapsulationKeyCheck", NULL, "encapsulationKeyCheck(accept)",
                 check_ek_positive);
    }
}

static void test_ek_check_rejects_coefficient_ge_q(void)
{
    for (size_t f = 0; f < 2; f++) {
        run_file(ENCDEC_FILES[f], "encapsulationKeyCheck", NULL, "encapsulationKeyCheck(reject)",
                 check_ek_negative);
    }
}

/* ---- coverage: the filters above miss no test ----------------------------- */

/* Every group and test of the three files is of a kind that one of the
 * tests above runs, so "every ACVP case" cannot silently shrink when a file
 * gains a new kind of test. Counts all cases and checks the total. */
static void test_every_acvp_case_is_of_a_covered_kind(void)
{
    const char *files[3] = {KEYGEN_FILE, ENCDEC_FILES[0], ENCDEC_FILES[1]};
    size_t total = 0;
    for (size_t f = 0; f < 3; f++) {
        json_object *root = vec_load_json(files[f]), *groups = NULL;
        CHECK_MSG(root != NULL && json_object_object_get_ex(root, "testGroups", &groups),
                  "cannot load %s", files[f]);
        for (size_t gi = 0; gi < json_object_array_length(groups); gi++) {
            json_object *g = json_object_array_get_idx(groups, gi), *tests = NULL;
            const char *fn = f == 0 ? "keyGen" : vec_str(g, "function");
            const char *kf = vec_has(g, "keyFormat") ? vec_str(g, "keyFormat") : "none";
            int known = fn != NULL && kf != NULL && kem_by_name(vec_str(g, "parameterSet")) &&
                        (strcmp(fn, "keyGen") == 0 || strcmp(fn, "encapsulation") == 0 ||
                         strcmp(fn, "decapsulationKeyCheck") == 0 ||
                         strcmp(fn, "encapsulationKeyCheck") == 0 ||
                         (strcmp(fn, "decapsulation") == 0 &&
                          (strcmp(kf, "none") == 0 || strcmp(kf, "seed") == 0 ||
                           strcmp(kf, "expanded") == 0)));
            CHECK_MSG(known, "%s group %zu: function %s keyFormat %s is not covered", files[f], gi,
                      fn ? fn : "?", kf ? kf : "?");
            json_object_object_get_ex(g, "tests", &tests);
            for (size_t ti = 0; tests != NULL && ti < json_object_array_length(tests); ti++) {
                json_object *tc = json_object_array_get_idx(tests, ti);
                if (strcmp(fn, "decapsulation") == 0) {
                    CHECK_MSG(reason_is(tc, "valid decapsulation") ||
                                  reason_is(tc, "modified ciphertext"),
                              "tcId %lld: decapsulation reason not covered", vec_int(tc, "tcId"));
                }
                total++;
            }
        }
        json_object_put(root);
    }
    printf("  ACVP ML-KEM cases in the three files: %zu\n", total);
    CHECK(total == 75 + 165 + 195);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_keygen_matches_acvp),
        TEST_CASE(test_encaps_matches_acvp),
        TEST_CASE(test_decaps_valid_ciphertext_matches_acvp),
        TEST_CASE(test_decaps_modified_ciphertext_gives_implicit_rejection_key),
        TEST_CASE(test_decaps_seed_format_regenerates_dk_from_d_z),
        TEST_CASE(test_dk_check_accepts_valid_keys),
        TEST_CASE(test_dk_check_rejects_modified_h),
        TEST_CASE(test_ek_check_accepts_valid_keys),
        TEST_CASE(test_ek_check_rejects_coefficient_ge_q),
        TEST_CASE(test_every_acvp_case_is_of_a_covered_kind),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
