/* vectors.c - access to ../shared/vectors for the vector tests. */
#include "vectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *vec_path(const char *rel)
{
    static char path[4096];
    const char *dir = getenv("PQCE_VECTORS_DIR");
    if (dir == NULL || dir[0] == '\0') {
        fprintf(stderr, "PQCE_VECTORS_DIR is not set: run the tests through ctest, or set it to "
                        "the shared/vectors directory\n");
        dir = "../shared/vectors";
    }
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return path;
}

json_object *vec_load_json(const char *rel)
{
    const char *p = vec_path(rel);
    json_object *o = json_object_from_file(p);
    if (o == NULL) {
        fprintf(stderr, "cannot read vector file %s: %s\n", p, json_util_get_last_err());
    }
    return o;
}

static json_object *field(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (o == NULL || !json_object_object_get_ex(o, key, &v)) {
        return NULL;
    }
    return v;
}

int vec_has(json_object *o, const char *key)
{
    return field(o, key) != NULL;
}

const char *vec_str(json_object *o, const char *key)
{
    json_object *v = field(o, key);
    if (v == NULL || !json_object_is_type(v, json_type_string)) {
        fprintf(stderr, "vector field \"%s\" missing or not a string\n", key);
        return NULL;
    }
    return json_object_get_string(v);
}

long long vec_int(json_object *o, const char *key)
{
    json_object *v = field(o, key);
    if (v == NULL || !json_object_is_type(v, json_type_int)) {
        fprintf(stderr, "vector field \"%s\" missing or not an integer\n", key);
        return -1;
    }
    return (long long)json_object_get_int64(v);
}

int vec_bool(json_object *o, const char *key)
{
    json_object *v = field(o, key);
    if (v == NULL || !json_object_is_type(v, json_type_boolean)) {
        fprintf(stderr, "vector field \"%s\" missing or not a boolean\n", key);
        return 0;
    }
    return json_object_get_boolean(v) ? 1 : 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

uint8_t *hex_decode(const char *hex, size_t *len)
{
    size_t n = strlen(hex);
    if (n % 2 != 0) {
        return NULL;
    }
    uint8_t *out = malloc(n / 2 + 1);
    if (out == NULL) {
        return NULL;
    }
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            free(out);
            return NULL;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    *len = n / 2;
    return out;
}

uint8_t *vec_hex(json_object *o, const char *key, size_t *len)
{
    const char *s = vec_str(o, key);
    if (s == NULL) {
        return NULL;
    }
    uint8_t *b = hex_decode(s, len);
    if (b == NULL) {
        fprintf(stderr, "vector field \"%s\" is not valid hex\n", key);
    }
    return b;
}

int acvp_index_build(acvp_index *ix, json_object *expected)
{
    memset(ix, 0, sizeof *ix);
    json_object *groups = field(expected, "testGroups");
    if (groups == NULL) {
        return -1;
    }
    for (size_t pass = 0; pass < 2; pass++) {
        for (size_t g = 0; g < json_object_array_length(groups); g++) {
            json_object *tests = field(json_object_array_get_idx(groups, g), "tests");
            for (size_t t = 0; tests != NULL && t < json_object_array_length(tests); t++) {
                json_object *tc = json_object_array_get_idx(tests, t);
                long long id = vec_int(tc, "tcId");
                if (id < 0) {
                    return -1;
                }
                if (pass == 0 && (size_t)id + 1 > ix->cap) {
                    ix->cap = (size_t)id + 1;
                } else if (pass == 1) {
                    ix->by_id[id] = tc;
                }
            }
        }
        if (pass == 0) {
            ix->by_id = calloc(ix->cap + 1, sizeof *ix->by_id);
            if (ix->by_id == NULL) {
                return -1;
            }
        }
    }
    return 0;
}

json_object *acvp_index_get(const acvp_index *ix, long long tc_id)
{
    if (tc_id < 0 || (size_t)tc_id >= ix->cap) {
        return NULL;
    }
    return ix->by_id[tc_id];
}

void acvp_index_free(acvp_index *ix)
{
    free(ix->by_id);
    memset(ix, 0, sizeof *ix);
}

int vec_report(const char *what, size_t passed, size_t skipped, const char *why)
{
    if (skipped > 0) {
        printf("  vectors %s: %zu passed, %zu skipped (%s)\n", what, passed, skipped,
               why ? why : "not applicable");
    } else {
        printf("  vectors %s: %zu passed\n", what, passed);
    }
    if (passed == 0) {
        fprintf(stderr, "  no vector of %s ran\n", what);
    }
    return passed > 0;
}
