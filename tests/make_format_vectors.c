/*
 * make_format_vectors - writes the container test vectors of
 * tests/vectors/format/ (docs/FORMAT.md, section 11).
 *
 *   make_format_vectors <output directory>
 *
 * Every random value comes from a SHAKE128 stream of a fixed label, so the
 * files are reproducible; running this again must not change them unless
 * the format changed (and then the format version must change too).
 */
#include <json-c/json.h>
#include <pqce.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format/header.h"

#define CS 4096u

typedef struct det {
    const char *label;
    uint64_t counter;
} det;

static int det_fill(void *ctx, uint8_t *out, size_t len)
{
    det *d = ctx;
    uint8_t in[64];
    size_t n = strlen(d->label);
    n = n > 56 ? 56 : n;
    memcpy(in, d->label, n);
    for (int i = 0; i < 8; i++) {
        in[n + (size_t)i] = (uint8_t)(d->counter >> (8 * i));
    }
    d->counter++;
    return pqce_shake128(out, len, in, n + 8);
}

static void die(const char *what)
{
    fprintf(stderr, "make_format_vectors: %s\n", what);
    exit(1);
}

static json_object *hex(const uint8_t *p, size_t n)
{
    char *s = malloc(2 * n + 1);
    if (s == NULL) {
        die("out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(s + 2 * i, 3, "%02x", p[i]);
    }
    json_object *o = json_object_new_string_len(s, (int)(2 * n));
    free(s);
    return o;
}

typedef struct who {
    uint16_t suite;
    uint8_t seed[64];
    size_t seed_len;
    uint8_t pk[PQCE_RECIPIENT_MAX_BYTES];
    size_t pk_len;
} who;

static who make_who(uint16_t suite, const char *label)
{
    who w;
    det d = {label, 0};
    pqce_rng rng = {PQCE_RNG_VERSION, det_fill, &d};
    w.suite = suite;
    if (pqce_identity_generate(&rng, suite, w.seed, sizeof w.seed, &w.seed_len) != PQCE_OK ||
        pqce_identity_to_recipient(suite, w.pk, sizeof w.pk, &w.pk_len, w.seed, w.seed_len) !=
            PQCE_OK) {
        die("identity");
    }
    return w;
}

static const char *const tags[] = {"example", "int4"};

static pqce_metadata vector_meta(void)
{
    pqce_metadata m;
    memset(&m, 0, sizeof m);
    m.name = "example-model";
    m.kind = PQCE_KIND_MODEL_WEIGHTS;
    m.version = "1.0.0";
    m.app_bundle_id = "com.example.app";
    m.created_ms = 1767225600000ull; /* 2026-01-01T00:00:00Z */
    m.device_id = "device-1";
    m.model_did = "did:example:model";
    m.tags = tags;
    m.tag_count = 2;
    m.description = "test vector";
    return m;
}

typedef struct sealed {
    uint8_t *c;
    size_t len;
    uint8_t *content;
    size_t content_len;
} sealed;

static sealed seal_to(const who *const *to, size_t n, size_t content_len, const char *label)
{
    sealed s;
    pqce_recipient rc[4];
    for (size_t i = 0; i < n; i++) {
        rc[i].suite = to[i]->suite;
        rc[i].key = to[i]->pk;
        rc[i].key_len = to[i]->pk_len;
    }
    pqce_metadata m = vector_meta();
    det d = {label, 0};
    pqce_rng rng = {PQCE_RNG_VERSION, det_fill, &d};
    pqce_options o = {PQCE_OPTIONS_VERSION, CS, 1, &rng};
    uint64_t need;
    s.content_len = content_len;
    s.content = malloc(content_len + 1);
    if (s.content == NULL || det_fill(&d, s.content, content_len) != 0 ||
        pqce_sealed_size(&need, to[0]->suite, n, CS, &m, content_len) != PQCE_OK ||
        (s.c = malloc((size_t)need + 64)) == NULL ||
        pqce_seal_buffer(&o, s.c, (size_t)need, &s.len, NULL, &m, rc, n, s.content, content_len) !=
            PQCE_OK) {
        die("seal");
    }
    return s;
}

static size_t payload_offset(const sealed *s)
{
    uint16_t suite;
    size_t header_len;
    if (pqce_preamble_parse(s->c, &suite, &header_len) != PQCE_OK) {
        die("preamble");
    }
    return PQCE_PREAMBLE_BYTES + header_len + PQCE_MAC_BYTES;
}

static void emit(const char *dir, const char *file, const char *scenario, const who *id,
                 const uint8_t *c, size_t c_len, const char *expected, const char *error,
                 const sealed *ok)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "scenario", json_object_new_string(scenario));
    json_object_object_add(o, "suite", json_object_new_int(id->suite));
    json_object_object_add(o, "identity", hex(id->seed, id->seed_len));
    json_object_object_add(o, "container", hex(c, c_len));
    json_object_object_add(o, "expected", json_object_new_string(expected));
    json_object_object_add(o, "error", json_object_new_string(error));
    if (ok != NULL) {
        uint8_t digest[32];
        pqce_suite_key key;
        pqce_identity ident = {id->suite, id->seed, id->seed_len};
        pqce_header h;
        pqce_artifact_keys keys;
        pqce_metadata_owned meta;
        uint8_t *raw = malloc(payload_offset(ok));
        if (raw == NULL || pqce_sha3_256(digest, ok->content, ok->content_len) != PQCE_OK ||
            pqce_suite_key_from_identity(&key, &ident) != PQCE_OK) {
            die("success values");
        }
        memcpy(raw, c, payload_offset(ok));
        if (pqce_header_open(&h, &keys, &meta, raw, payload_offset(ok), &key) != PQCE_OK) {
            die("header_open");
        }
        json_object_object_add(o, "content", hex(ok->content, ok->content_len));
        json_object_object_add(o, "content_sha3_256", hex(digest, 32));
        json_object *m = json_object_new_object();
        json_object_object_add(m, "name", json_object_new_string(meta.m.name));
        json_object_object_add(m, "kind", json_object_new_string(pqce_kind_name(meta.m.kind)));
        json_object_object_add(m, "version", json_object_new_string(meta.m.version));
        json_object_object_add(m, "app_bundle_id", json_object_new_string(meta.m.app_bundle_id));
        json_object_object_add(m, "size", json_object_new_int64((int64_t)meta.m.size));
        json_object_object_add(m, "created_ms", json_object_new_int64((int64_t)meta.m.created_ms));
        json_object_object_add(m, "device_id", json_object_new_string(meta.m.device_id));
        json_object_object_add(m, "model_did", json_object_new_string(meta.m.model_did));
        json_object *t = json_object_new_array();
        for (size_t i = 0; i < meta.m.tag_count; i++) {
            json_object_array_add(t, json_object_new_string(meta.m.tags[i]));
        }
        json_object_object_add(m, "tags", t);
        json_object_object_add(m, "description", json_object_new_string(meta.m.description));
        json_object_object_add(o, "metadata", m);
        json_object_object_add(o, "dek", hex(keys.dek, 32));
        json_object_object_add(o, "core_digest", hex(h.core_digest, 32));
        json_object_object_add(o, "payload_key", hex(keys.payload_key, 32));
        json_object_object_add(o, "mac_key", hex(keys.mac_key, 32));
        pqce_metadata_owned_free(&meta);
        pqce_header_free(&h);
        pqce_suite_key_wipe(&key);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.json", dir, file);
    if (json_object_to_file_ext(path, o,
                                JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE) != 0) {
        die(path);
    }
    json_object_put(o);
    printf("wrote %s\n", path);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_format_vectors <output directory>\n");
        return 2;
    }
    const char *dir = argv[1];
    who a = make_who(PQCE_SUITE_MLKEM768, "vector identity A");
    who b = make_who(PQCE_SUITE_MLKEM768, "vector identity B");
    who stranger = make_who(PQCE_SUITE_MLKEM768, "vector stranger");
    who xw = make_who(PQCE_SUITE_XWING, "vector identity X-Wing");
    who big = make_who(PQCE_SUITE_MLKEM1024, "vector identity ML-KEM-1024");
    const size_t per = CS + 16;

    const who *to_a[] = {&a};
    sealed s3 = seal_to(to_a, 1, 2 * CS + 100, "vector three chunks");
    emit(dir, "01-success-mlkem768-three-chunks",
         "ML-KEM-768, 4 KiB chunks, 8292 bytes: two full chunks and a final chunk with 100 "
         "content bytes",
         &a, s3.c, s3.len, "success", "PQCE_OK", &s3);

    sealed s0 = seal_to(to_a, 1, 0, "vector empty");
    emit(dir, "02-success-empty", "an empty artifact: one final chunk, no content bytes", &a, s0.c,
         s0.len, "success", "PQCE_OK", &s0);

    const who *to_x[] = {&xw};
    sealed sx = seal_to(to_x, 1, 5000, "vector xwing");
    emit(dir, "03-success-xwing", "X-Wing suite, 5000 bytes", &xw, sx.c, sx.len, "success",
         "PQCE_OK", &sx);

    const who *to_big[] = {&big};
    sealed sb = seal_to(to_big, 1, CS, "vector mlkem1024");
    emit(dir, "04-success-mlkem1024-exact-chunk",
         "ML-KEM-1024 suite, exactly one chunk of content: a full chunk and an empty final "
         "chunk",
         &big, sb.c, sb.len, "success", "PQCE_OK", &sb);

    const who *to_ab[] = {&a, &b};
    sealed s2 = seal_to(to_ab, 2, 300, "vector two recipients");
    emit(dir, "05-success-second-of-two-recipients",
         "two stanzas; the identity is the second recipient", &b, s2.c, s2.len, "success",
         "PQCE_OK", &s2);

    emit(dir, "06-no-stanza-wrong-identity", "opened with an identity that is not a recipient",
         &stranger, s3.c, s3.len, "no-stanza", "PQCE_ERR_DECRYPT", NULL);

    /* A byte of the first recipient's stanza changed: the second recipient
     * still unwraps the data key, and the header MAC catches the change. */
    uint8_t *t = malloc(s2.len + 2 * per);
    memcpy(t, s2.c, s2.len);
    size_t stanza0 = PQCE_PREAMBLE_BYTES +
                     (payload_offset(&s2) - PQCE_PREAMBLE_BYTES - PQCE_MAC_BYTES - 2 * (1088 + 48));
    t[stanza0 + 10] ^= 0x01;
    emit(dir, "07-header-mac-other-stanza-modified",
         "a byte of the other recipient's stanza changed; the header MAC fails", &b, t, s2.len,
         "header-mac", "PQCE_ERR_DECRYPT", NULL);

    memcpy(t, s3.c, s3.len);
    size_t off = payload_offset(&s3);
    emit(dir, "08-truncated-at-chunk-boundary", "cut after the first chunk", &a, t, off + per,
         "truncated", "PQCE_ERR_DECRYPT", NULL);

    emit(dir, "09-missing-final-chunk", "cut exactly before the final chunk", &a, t, off + 2 * per,
         "truncated", "PQCE_ERR_DECRYPT", NULL);

    memset(t + s3.len, 0, 1);
    emit(dir, "10-extended-by-one-byte", "one zero byte appended", &a, t, s3.len + 1, "final-chunk",
         "PQCE_ERR_DECRYPT", NULL);

    memcpy(t + s3.len, s3.c + off + 2 * per, s3.len - off - 2 * per);
    emit(dir, "11-second-final-chunk", "the final chunk appended a second time", &a, t,
         s3.len + (s3.len - off - 2 * per), "final-chunk", "PQCE_ERR_DECRYPT", NULL);

    memcpy(t, s3.c, s3.len);
    memcpy(t + off, s3.c + off + per, per);
    memcpy(t + off + per, s3.c + off, per);
    emit(dir, "12-chunks-swapped", "chunks 0 and 1 swapped; the final chunk verifies", &a, t,
         s3.len, "chunk", "PQCE_ERR_DECRYPT", NULL);

    memcpy(t, s3.c, s3.len);
    t[off + per + 5] ^= 0x80;
    emit(dir, "13-chunk-bit-flipped", "one bit of chunk 1 flipped", &a, t, s3.len, "chunk",
         "PQCE_ERR_DECRYPT", NULL);

    memcpy(t, s3.c, s3.len);
    t[s3.len - 1] ^= 0x01;
    emit(dir, "14-final-chunk-tag-flipped", "one bit of the final chunk's tag flipped", &a, t,
         s3.len, "final-chunk", "PQCE_ERR_DECRYPT", NULL);

    memcpy(t, s3.c, s3.len);
    t[9] = 2;
    emit(dir, "15-unknown-version", "version 2 in the preamble", &a, t, s3.len, "format",
         "PQCE_ERR_FORMAT", NULL);

    memcpy(t, s3.c, s3.len);
    t[11] = 9;
    emit(dir, "16-unknown-suite", "suite 9 in the preamble", &a, t, s3.len, "unsupported",
         "PQCE_ERR_UNSUPPORTED", NULL);

    memcpy(t, s3.c, s3.len);
    t[11] = PQCE_SUITE_MLKEM1024;
    emit(dir, "17-other-suite", "the preamble names ML-KEM-1024; the identity is ML-KEM-768", &a, t,
         s3.len, "no-stanza", "PQCE_ERR_DECRYPT", NULL);

    memcpy(t, s3.c, s3.len);
    t[1] = 'X';
    emit(dir, "18-bad-magic", "not a container: the magic differs", &a, t, s3.len, "format",
         "PQCE_ERR_FORMAT", NULL);

    memcpy(t, s3.c, s3.len);
    t[12] = 0x7F;
    emit(dir, "19-header-length-over-bound", "header_len above the largest legal header", &a, t,
         s3.len, "format", "PQCE_ERR_FORMAT", NULL);

    memcpy(t, s3.c, s3.len);
    t[PQCE_PREAMBLE_BYTES + PQCE_ID_BYTES] = 11; /* chunk_log2 below 12 */
    emit(dir, "20-chunk-size-out-of-range", "chunk_log2 = 11 (2 KiB) is below the minimum", &a, t,
         s3.len, "format", "PQCE_ERR_FORMAT", NULL);

    free(t);
    return 0;
}
