/*
 * vectors.h - loading the official test vectors of ../shared/vectors.
 *
 * The directory comes from the PQCE_VECTORS_DIR environment variable (CTest
 * sets it from the CMake cache variable of the same name). A missing
 * directory or file is a test failure with a message naming the path,
 * never a silent skip. JSON is parsed with json-c (Debian: libjson-c-dev).
 */
#ifndef PQCE_TEST_VECTORS_H
#define PQCE_TEST_VECTORS_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

/* Full path of a file under the vectors directory (static buffer). */
const char *vec_path(const char *rel);

/* Parses a JSON file under the vectors directory; NULL (with a message) if
 * it cannot be read or parsed. Release with json_object_put. */
json_object *vec_load_json(const char *rel);

/* Field accessors: NULL / -1 / 0 and a message when the field is missing. */
const char *vec_str(json_object *o, const char *key);
long long vec_int(json_object *o, const char *key);
int vec_bool(json_object *o, const char *key);
/* 1 if the field exists. */
int vec_has(json_object *o, const char *key);

/* Decodes a hex field into a malloc'd buffer (at least 1 byte allocated,
 * so an empty string gives a valid pointer and *len = 0). NULL on error. */
uint8_t *vec_hex(json_object *o, const char *key, size_t *len);

/* Decodes hex text; NULL on odd length or a non-hex digit. */
uint8_t *hex_decode(const char *hex, size_t *len);

/* An index of the tests of an ACVP expectedResults.json, by tcId. */
typedef struct acvp_index {
    json_object **by_id;
    size_t cap;
} acvp_index;
int acvp_index_build(acvp_index *ix, json_object *expected);
json_object *acvp_index_get(const acvp_index *ix, long long tc_id);
void acvp_index_free(acvp_index *ix);

/* Prints "<what>: <passed> passed, <skipped> skipped (<why>)" and returns 1
 * when at least one vector ran. */
int vec_report(const char *what, size_t passed, size_t skipped, const char *why);

#endif /* PQCE_TEST_VECTORS_H */
