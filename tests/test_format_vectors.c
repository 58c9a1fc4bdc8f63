/*
 * test_format_vectors.c - runs every container vector of
 * tests/vectors/format/ (docs/FORMAT.md, section 11): success vectors must
 * open to the given content, metadata and intermediate keys; failure
 * vectors must fail with the given error, releasing no content.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "format/header.h"
#include "test.h"
#include "vectors.h"

static const char *format_dir(void)
{
    const char *d = getenv("PQCE_FORMAT_VECTORS_DIR");
    return d != NULL ? d : "tests/vectors/format";
}

static int error_from_name(const char *name)
{
    for (int code = 0; code >= PQCE_ERR_EXISTS; code--) {
        if (strcmp(pqce_error_name(code), name) == 0) {
            return code;
        }
    }
    return 1;
}

/* Opens, reads everything and verifies; returns the first error. */
static int run_container(const pqce_identity *id, const uint8_t *c, size_t len, uint8_t **out,
                         size_t *out_len, pqce_reader **keep)
{
    pqce_reader *r = NULL;
    int ret = pqce_open_buffer(&r, NULL, id, c, len);
    pqce_artifact_info info;
    *out = NULL;
    if (ret == PQCE_OK && (ret = pqce_reader_info(r, &info)) == PQCE_OK) {
        *out = malloc(info.size + 1);
        *out_len = info.size;
        ret = *out == NULL ? PQCE_ERR_NOMEM : pqce_reader_read_all(r, *out, info.size);
    }
    if (ret == PQCE_OK) {
        ret = pqce_reader_verify(r);
    }
    *keep = r;
    return ret;
}

static int check_success(json_object *v, const pqce_identity *id, const uint8_t *c, size_t len,
                         const uint8_t *content, size_t content_len, pqce_reader *r)
{
    size_t n;
    uint8_t *want_hash = vec_hex(v, "content_sha3_256", &n);
    json_object *m = NULL;
    json_object_object_get_ex(v, "metadata", &m);
    const pqce_metadata *meta;
    pqce_artifact_info info;
    int ok = want_hash != NULL && m != NULL && pqce_reader_metadata(r, &meta) == PQCE_OK &&
             pqce_reader_info(r, &info) == PQCE_OK &&
             memcmp(info.content_sha3_256, want_hash, 32) == 0 && info.size == content_len &&
             strcmp(meta->name, vec_str(m, "name")) == 0 &&
             strcmp(pqce_kind_name(meta->kind), vec_str(m, "kind")) == 0 &&
             strcmp(meta->version, vec_str(m, "version")) == 0 &&
             strcmp(meta->app_bundle_id, vec_str(m, "app_bundle_id")) == 0 &&
             meta->size == (uint64_t)vec_int(m, "size") &&
             meta->created_ms == (uint64_t)vec_int(m, "created_ms") &&
             strcmp(meta->device_id, vec_str(m, "device_id")) == 0 &&
             strcmp(meta->model_did, vec_str(m, "model_did")) == 0 &&
             strcmp(meta->description, vec_str(m, "description")) == 0;
    (void)content;
    free(want_hash);
    /* the intermediate values, through the internal header interface */
    pqce_suite_key key;
    pqce_header h;
    pqce_artifact_keys keys;
    pqce_metadata_owned mo;
    uint16_t suite;
    size_t header_len;
    if (!ok || pqce_preamble_parse(c, &suite, &header_len) != PQCE_OK ||
        pqce_suite_key_from_identity(&key, id) != PQCE_OK) {
        return 0;
    }
    size_t raw_len = PQCE_PREAMBLE_BYTES + header_len + PQCE_MAC_BYTES;
    uint8_t *raw = malloc(raw_len);
    memcpy(raw, c, raw_len < len ? raw_len : len);
    if (pqce_header_open(&h, &keys, &mo, raw, raw_len, &key) != PQCE_OK) {
        free(raw);
        pqce_suite_key_wipe(&key);
        return 0;
    }
    const char *names[] = {"dek", "core_digest", "payload_key", "mac_key"};
    const uint8_t *have[] = {keys.dek, h.core_digest, keys.payload_key, keys.mac_key};
    for (int i = 0; i < 4 && ok; i++) {
        uint8_t *want = vec_hex(v, names[i], &n);
        ok = want != NULL && n == 32 && memcmp(want, have[i], 32) == 0;
        free(want);
    }
    pqce_metadata_owned_free(&mo);
    pqce_header_free(&h);
    pqce_suite_key_wipe(&key);
    pqce_memzero(&keys, sizeof keys);
    return ok;
}

static void test_every_format_vector(void)
{
    DIR *d = opendir(format_dir());
    CHECK_MSG(d != NULL, "cannot open %s", format_dir());
    size_t passed = 0, successes = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t nl = strlen(e->d_name);
        if (nl < 6 || strcmp(e->d_name + nl - 5, ".json") != 0) {
            continue;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", format_dir(), e->d_name);
        json_object *v = json_object_from_file(path);
        CHECK_MSG(v != NULL, "cannot parse %s", path);
        size_t seed_len, c_len;
        uint8_t *seed = vec_hex(v, "identity", &seed_len);
        uint8_t *c = vec_hex(v, "container", &c_len);
        CHECK(seed != NULL && c != NULL);
        pqce_identity id = {(uint16_t)vec_int(v, "suite"), seed, seed_len};
        int want = error_from_name(vec_str(v, "error"));
        uint8_t *out = NULL;
        size_t out_len = 0;
        pqce_reader *r = NULL;
        int got = run_container(&id, c, c_len, &out, &out_len, &r);
        int ok = got == want;
        if (ok && want == PQCE_OK) {
            size_t content_len;
            uint8_t *content = vec_hex(v, "content", &content_len);
            ok = content != NULL && out_len == content_len &&
                 memcmp(out, content, content_len) == 0 &&
                 check_success(v, &id, c, c_len, content, content_len, r);
            free(content);
            successes += (size_t)ok;
        }
        if (ok && want != PQCE_OK && out != NULL) {
            for (size_t i = 0; i < out_len; i++) {
                ok &= out[i] == 0; /* nothing released */
            }
        }
        pqce_reader_free(r);
        free(out);
        free(seed);
        free(c);
        const char *scenario = vec_str(v, "scenario");
        if (!ok) {
            fprintf(stderr, "  %s (%s): got %s, expected %s\n", e->d_name, scenario,
                    pqce_error_name(got), vec_str(v, "error"));
        }
        json_object_put(v);
        CHECK_MSG(ok, "format vector %s failed", e->d_name);
        passed++;
    }
    closedir(d);
    printf("  format vectors: %zu passed (%zu success scenarios with content, metadata and "
           "intermediate keys)\n",
           passed, successes);
    CHECK(passed >= 20 && successes >= 5);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_every_format_vector),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
