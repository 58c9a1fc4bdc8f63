/*
 * test_container.c - the artifact container [FORMAT]: round trips for every
 * suite and size class, streaming and parallel equivalence, random access,
 * and every kind of bad input rejected with a clear error and no plaintext.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format/header.h"
#include "format/stream.h"
#include "test.h"

#define CS 4096u /* the smallest chunk keeps the tests fast */

/* A deterministic RNG: SHAKE128 of a label and a counter. */
typedef struct det_rng {
    const char *label;
    uint64_t counter;
} det_rng;

static int det_fill(void *ctx, uint8_t *out, size_t len)
{
    det_rng *d = ctx;
    test_fill(out, len, d->label, d->counter++);
    return 0;
}

typedef struct party {
    uint16_t suite;
    uint8_t seed[PQCE_IDENTITY_MAX_BYTES];
    size_t seed_len;
    uint8_t pk[PQCE_RECIPIENT_MAX_BYTES];
    size_t pk_len;
} party;

static int make_party(party *p, uint16_t suite, uint64_t n)
{
    det_rng d = {"party", n * 1000 + suite};
    pqce_rng rng = {PQCE_RNG_VERSION, det_fill, &d};
    p->suite = suite;
    if (pqce_identity_generate(&rng, suite, p->seed, sizeof p->seed, &p->seed_len) != PQCE_OK) {
        return -1;
    }
    return pqce_identity_to_recipient(suite, p->pk, sizeof p->pk, &p->pk_len, p->seed, p->seed_len);
}

static pqce_recipient recipient_of(const party *p)
{
    pqce_recipient r = {p->suite, p->pk, p->pk_len};
    return r;
}

static pqce_identity identity_of(const party *p)
{
    pqce_identity id = {p->suite, p->seed, p->seed_len};
    return id;
}

static const char *const test_tags[] = {"int4", "on-device"};

static pqce_metadata test_meta(void)
{
    pqce_metadata m;
    memset(&m, 0, sizeof m);
    m.name = "llama-3.2-1b-int4";
    m.kind = PQCE_KIND_MODEL_WEIGHTS;
    m.version = "1.0.0";
    m.app_bundle_id = "com.example.localllm";
    m.size = PQCE_SIZE_UNKNOWN;
    m.created_ms = 1700000000000ull;
    m.device_id = "iphone-alice";
    m.model_did = "did:example:llama";
    m.tags = test_tags;
    m.tag_count = 2;
    m.description = "test weights\nline two";
    return m;
}

/* Seals content to the given recipients into a fresh malloc'd buffer. */
static uint8_t *seal(size_t *out_len, const pqce_recipient *rc, size_t n, const uint8_t *in,
                     size_t in_len, unsigned threads, const char *rng_label)
{
    pqce_metadata m = test_meta();
    det_rng d = {rng_label, 0};
    pqce_rng rng = {PQCE_RNG_VERSION, det_fill, &d};
    pqce_options o = {PQCE_OPTIONS_VERSION, CS, threads, rng_label != NULL ? &rng : NULL};
    uint64_t size;
    if (pqce_sealed_size(&size, rc[0].suite, n, CS, &m, in_len) != PQCE_OK) {
        return NULL;
    }
    uint8_t *out = malloc((size_t)size);
    if (out == NULL ||
        pqce_seal_buffer(&o, out, (size_t)size, out_len, NULL, &m, rc, n, in, in_len) != PQCE_OK ||
        *out_len != size) {
        free(out);
        return NULL;
    }
    return out;
}

/* Opens and reads everything; returns the error of the first failing step. */
static int open_all(const party *p, const uint8_t *c, size_t c_len, uint8_t *out, size_t cap)
{
    pqce_reader *r = NULL;
    pqce_identity id = identity_of(p);
    pqce_options o = {PQCE_OPTIONS_VERSION, 0, 2, NULL};
    int ret = pqce_open_buffer(&r, &o, &id, c, c_len);
    if (ret == PQCE_OK) {
        ret = pqce_reader_read_all(r, out, cap);
    }
    if (ret == PQCE_OK) {
        ret = pqce_reader_verify(r);
    }
    pqce_reader_free(r);
    return ret;
}

static void test_round_trip_every_suite_and_size_class(void)
{
    static const uint16_t suites[] = {PQCE_SUITE_MLKEM768, PQCE_SUITE_XWING, PQCE_SUITE_MLKEM1024};
    static const size_t sizes[] = {0, 1, CS - 1, CS, CS + 1, 3 * CS + 5, 4 * CS};
    uint8_t *msg = malloc(4 * CS + 8), *back = malloc(4 * CS + 8);
    CHECK(msg != NULL && back != NULL);
    test_fill(msg, 4 * CS + 8, "content", 0);
    for (size_t s = 0; s < 3; s++) {
        party p;
        CHECK(make_party(&p, suites[s], 1) == 0);
        pqce_recipient rc = recipient_of(&p);
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
            size_t c_len;
            uint8_t *c = seal(&c_len, &rc, 1, msg, sizes[z], 2, NULL);
            CHECK_MSG(c != NULL, "suite %u size %zu: seal failed", suites[s], sizes[z]);
            memset(back, 0, 4 * CS + 8);
            int rc2 = open_all(&p, c, c_len, back, sizes[z]);
            free(c);
            CHECK_MSG(rc2 == PQCE_OK, "suite %u size %zu: %s", suites[s], sizes[z],
                      pqce_error_name(rc2));
            CHECK_MEM_EQ(back, msg, sizes[z]);
        }
    }
    free(msg);
    free(back);
}

static void test_metadata_and_info_round_trip(void)
{
    party p;
    CHECK(make_party(&p, PQCE_SUITE_MLKEM768, 2) == 0);
    pqce_recipient rc = recipient_of(&p);
    uint8_t msg[5000];
    test_fill(msg, sizeof msg, "meta", 0);
    size_t c_len;
    uint8_t *c = seal(&c_len, &rc, 1, msg, sizeof msg, 1, NULL);
    CHECK(c != NULL);
    pqce_reader *r = NULL;
    pqce_identity id = identity_of(&p);
    CHECK_OK(pqce_open_buffer(&r, NULL, &id, c, c_len));
    const pqce_metadata *m;
    pqce_artifact_info info;
    CHECK_OK(pqce_reader_metadata(r, &m));
    CHECK_OK(pqce_reader_info(r, &info));
    CHECK(strcmp(m->name, "llama-3.2-1b-int4") == 0);
    CHECK(m->kind == PQCE_KIND_MODEL_WEIGHTS);
    CHECK(strcmp(m->version, "1.0.0") == 0);
    CHECK(strcmp(m->app_bundle_id, "com.example.localllm") == 0);
    CHECK(m->size == sizeof msg);
    CHECK(m->created_ms == 1700000000000ull);
    CHECK(strcmp(m->device_id, "iphone-alice") == 0);
    CHECK(strcmp(m->model_did, "did:example:llama") == 0);
    CHECK(m->tag_count == 2 && strcmp(m->tags[1], "on-device") == 0);
    CHECK(strcmp(m->description, "test weights\nline two") == 0);
    uint8_t digest[32];
    CHECK_OK(pqce_sha3_256(digest, msg, sizeof msg));
    CHECK_MEM_EQ(info.content_sha3_256, digest, 32);
    CHECK(info.size == sizeof msg && info.sealed_size == c_len && info.chunk_size == CS);
    CHECK(info.suite == PQCE_SUITE_MLKEM768 && info.stanza_count == 1);
    pqce_reader_free(r);
    free(c);
}

/* An empty artifact has exactly one chunk: the final one, with no content. */
static void test_empty_artifact_has_one_final_chunk(void)
{
    party p;
    CHECK(make_party(&p, PQCE_SUITE_MLKEM768, 3) == 0);
    pqce_recipient rc = recipient_of(&p);
    size_t c_len;
    uint8_t *c = seal(&c_len, &rc, 1, NULL, 0, 1, NULL);
    CHECK(c != NULL);
    uint16_t suite;
    size_t header_len;
    CHECK_OK(pqce_preamble_parse(c, &suite, &header_len));
    CHECK(c_len == PQCE_PREAMBLE_BYTES + header_len + PQCE_MAC_BYTES + PQCE_FINAL_MIN_CT);
    uint8_t dummy[1];
    CHECK_OK(open_all(&p, c, c_len, dummy, 0));
    free(c);
}

/* Parallel sealing equals single-threaded sealing byte for byte. */
static void test_parallel_output_equals_single_threaded(void)
{
    party p;
    CHECK(make_party(&p, PQCE_SUITE_MLKEM768, 4) == 0);
    pqce_recipient rc = recipient_of(&p);
    size_t n = 37 * CS + 123;
    uint8_t *msg = malloc(n);
    CHECK(msg != NULL);
    test_fill(msg, n, "parallel", 0);
    size_t l1, l4;
    uint8_t *c1 = seal(&l1, &rc, 1, msg, n, 1, "same-rng");
    uint8_t *c4 = seal(&l4, &rc, 1, msg, n, 4, "same-rng");
    CHECK(c1 != NULL && c4 != NULL && l1 == l4);
    CHECK_MEM_EQ(c1, c4, l1);
    free(c1);
    free(c4);
    free(msg);
}

/* Streaming from a pipe equals sealing from a buffer, byte for byte. */
static void test_seal_fd_from_pipe_equals_seal_buffer(void)
{
    party p;
    CHECK(make_party(&p, PQCE_SUITE_XWING, 5) == 0);
    pqce_recipient rc = recipient_of(&p);
    size_t n = 9 * CS + 77;
    uint8_t *msg = malloc(n);
    CHECK(msg != NULL);
    test_fill(msg, n, "pipe", 0);
    size_t l1;
    uint8_t *c1 = seal(&l1, &rc, 1, msg, n, 2, "pipe-rng");
    CHECK(c1 != NULL);

    char path[] = "/tmp/pqce-test-XXXXXX";
    int out = mkstemp(path);
    CHECK(out >= 0);
    unlink(path);
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t child = fork();
    CHECK(child >= 0);
    if (child == 0) {
        close(fds[0]);
        size_t off = 0;
        while (off < n) {
            size_t piece = n - off < 1000 ? n - off : 1000; /* odd-sized writes */
            ssize_t w = write(fds[1], msg + off, piece);
            if (w <= 0) {
                _exit(1);
            }
            off += (size_t)w;
        }
        _exit(0);
    }
    close(fds[1]);
    pqce_metadata m = test_meta();
    det_rng d = {"pipe-rng", 0};
    pqce_rng rng = {PQCE_RNG_VERSION, det_fill, &d};
    pqce_options o = {PQCE_OPTIONS_VERSION, CS, 2, &rng};
    pqce_artifact_info info;
    m.size = n; /* sealing from a buffer records the size; so do we */
    CHECK_OK(pqce_seal_fd(&o, out, &info, &m, &rc, 1, fds[0]));
    close(fds[0]);
    CHECK(info.sealed_size == l1 && info.size == n);
    uint8_t *c2 = malloc(l1);
    CHECK(c2 != NULL);
    CHECK(pread(out, c2, l1, 0) == (ssize_t)l1);
    CHECK_MEM_EQ(c2, c1, l1);

    /* and it opens from the descriptor */
    pqce_reader *r = NULL;
    pqce_identity id = identity_of(&p);
    CHECK_OK(pqce_open_fd(&r, NULL, &id, out));
    uint8_t *back = malloc(n);
    CHECK_OK(pqce_reader_read_all(r, back, n));
    CHECK_MEM_EQ(back, msg, n);
    CHECK_OK(pqce_reader_verify(r));
    pqce_reader_free(r);
    close(out);
    free(back);
    free(c1);
    free(c2);
    free(msg);
}

struct mem_source {
    const uint8_t *p;
    size_t left;
};

static int mem_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
    struct mem_source *s = ctx;
    size_t n = s->left < cap ? s->left : cap;
    n = n > 777 ? 777 : n; /* short reads */
    memcpy(buf, s->p, n);
    s->p += n;
    s->left -= n;
    *got = n;
    return 0;
}

static int failing_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
    (void)ctx;
    (void)buf;
    (void)cap;
    *got = 0;
    return -1;
}

static void test_seal_reader_callback_round_trip_and_failure(void)
{
    party p;
    CHECK(make_party(&p, PQCE_SUITE_MLKEM1024, 6) == 0);
    pqce_recipient rc = recipient_of(&p);
    size_t n = 5 * CS;
    uint8_t *msg = malloc(n), *back = malloc(n);
    test_fill(msg, n, "callback", 0);
    FILE *tmp = tmpfile();
    CHECK(tmp != NULL);
    int fd = fileno(tmp);
    struct mem_source src = {msg, n};
    pqce_metadata m = test_meta();
    pqce_options o = {PQCE_OPTIONS_VERSION, CS, 3, NULL};
    CHECK_OK(pqce_seal_reader(&o, fd, NULL, &m, &rc, 1, mem_read, &src));
    pqce_reader *r = NULL;
    pqce_identity id = identity_of(&p);
    CHECK_OK(pqce_open_fd(&r, NULL, &id, fd));
    CHECK_OK(pqce_reader_read_all(r, back, n));
    CHECK_MEM_EQ(back, msg, n);
    pqce_reader_free(r);
    CHECK(ftruncate(fd, 0) == 0);
    CHECK_RC(pqce_seal_reader(&o, fd, NULL, &m, &rc, 1, failing_read, NULL), PQCE_ERR_IO);
    fclose(tmp);
    free(msg);
    free(back);
}

/* Random access agrees with sequential reads for random offsets and lengths. */
static void test_random_access_agrees_with_sequential_reads(void)
{
    party p;
    CHECK(make_party(&p, PQCE_SUITE_MLKEM768, 7) == 0);
    pqce_recipient rc = recipient_of(&p);
    size_t n = 11 * CS + 999;
    uint8_t *msg = malloc(n), *seq = malloc(n), *part = malloc(n);
    test_fill(msg, n, "random access", 0);
    size_t c_len;
    uint8_t *c = seal(&c_len, &rc, 1, msg, n, 2, NULL);
    CHECK(c != NULL);
    pqce_reader *r = NULL;
    pqce_identity id = identity_of(&p);
    CHECK_OK(pqce_open_buffer(&r, NULL, &id, c, c_len));
    /* sequential reads of uneven sizes */
    size_t off = 0, got;
    for (size_t step = 1; off < n; step = step * 3 + 1) {
        size_t want = step % 7001 + 1;
        CHECK_OK(pqce_reader_read(r, seq + off, want, &got));
        CHECK(got > 0);
        off += got;
    }
    CHECK_OK(pqce_reader_read(r, part, 10, &got));
    CHECK(got == 0);
    CHECK_MEM_EQ(seq, msg, n);
    /* random ranges */
    for (uint64_t t = 0; t < 500; t++) {
        uint8_t rnd[16];
        test_fill(rnd, sizeof rnd, "ranges", t);
        uint64_t a = 0, b = 0;
        memcpy(&a, rnd, 8);
        memcpy(&b, rnd + 8, 8);
        size_t o = (size_t)(a % (n + 1));
        size_t len = (size_t)(b % (n - o + 1));
        len = t % 3 == 0 ? len % 64 : len;
        CHECK_OK(pqce_reader_pread(r, part, len, o));
        CHECK_MSG(memcmp(part, seq + o, len) == 0, "range %zu+%zu", o, len);
    }
    CHECK_RC(pqce_reader_pread(r, part, 2, n - 1), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_reader_pread(r, part, 1, UINT64_MAX), PQCE_ERR_INVALID_ARG);
    pqce_reader_free(r);
    free(c);
    free(msg);
    free(seq);
    free(part);
}

/* Many recipients: each opens, a stranger does not. */
static void test_every_recipient_opens_and_a_stranger_does_not(void)
{
    enum { N = 5 };
    party ps[N + 1];
    pqce_recipient rcs[N];
    for (size_t i = 0; i <= N; i++) {
        CHECK(make_party(&ps[i], PQCE_SUITE_MLKEM768, 100 + i) == 0);
        if (i < N) {
            rcs[i] = recipient_of(&ps[i]);
        }
    }
    uint8_t msg[3 * CS], back[3 * CS];
    test_fill(msg, sizeof msg, "multi", 0);
    size_t c_len;
    uint8_t *c = seal(&c_len, rcs, N, msg, sizeof msg, 2, NULL);
    CHECK(c != NULL);
    for (size_t i = 0; i < N; i++) {
        CHECK_OK(open_all(&ps[i], c, c_len, back, sizeof back));
        CHECK_MEM_EQ(back, msg, sizeof msg);
    }
    CHECK_RC(open_all(&ps[N], c, c_len, back, sizeof back), PQCE_ERR_DECRYPT);
    party other_suite;
    CHECK(make_party(&other_suite, PQCE_SUITE_XWING, 100) == 0);
    CHECK_RC(open_all(&other_suite, c, c_len, back, sizeof back), PQCE_ERR_DECRYPT);
    free(c);
}

/* Every single-bit flip in the preamble, header, stanzas and MAC fails to
 * open, with a clear error. */
static void test_every_header_bit_flip_is_rejected(void)
{
    party p;
    CHECK(make_party(&p, PQCE_SUITE_MLKEM768, 8) == 0);
    pqce_recipient rc = recipient_of(&p);
    uint8_t msg[100];
    test_fill(msg, sizeof msg, "flip", 0);
    size_t c_len;
    uint8_t *c = seal(&c_len, &rc, 1, msg, sizeof msg, 1, NULL);
    CHECK(c != NULL);
    uint16_t suite;
    size_t header_len;
    CHECK_OK(pqce_preamble_parse(c, &suite, &header_len));
    size_t head = PQCE_PREAMBLE_BYTES + header_len + PQCE_MAC_BYTES;
    size_t flips = 0;
    for (size_t bit = 0; bit < head * 8; bit++) {
        c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        pqce_reader *r = NULL;
        pqce_identity id = identity_of(&p);
        int ret = pqce_open_buffer(&r, NULL, &id, c, c_len);
        pqce_reader_free(r);
        c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        CHECK_MSG(ret == PQCE_ERR_DECRYPT || ret == PQCE_ERR_FORMAT || ret == PQCE_ERR_UNSUPPORTED,
                  "flip of bit %zu (byte %zu) gave %s", bit, bit / 8, pqce_error_name(ret));
        flips++;
    }
    printf("  %zu header bit flips rejected\n", flips);
    free(c);
}

static size_t payload_offset(const uint8_t *c)
{
    uint16_t suite;
    size_t header_len;
    return pqce_preamble_parse(c, &suite, &header_len) == PQCE_OK
               ? PQCE_PREAMBLE_BYTES + header_len + PQCE_MAC_BYTES
               : 0;
}

/* Payload tampering: a flipped bit in any chunk, chunks swapped with their
 * neighbour or with the same chunk of another artifact of the same key. */
static void test_payload_tampering_is_rejected_without_plaintext(void)
{
    party p;
    CHECK(make_party(&p, PQCE_SUITE_MLKEM768, 9) == 0);
    pqce_recipient rc = recipient_of(&p);
    enum { CHUNKS = 4 };
    size_t n = CHUNKS * CS + 100, per = CS + PQCE_GCM_TAG_BYTES;
    uint8_t *msg = malloc(n), *back = malloc(n);
    test_fill(msg, n, "tamper", 0);
    size_t c_len, d_len;
    uint8_t *c = seal(&c_len, &rc, 1, msg, n, 2, NULL);
    uint8_t *d = seal(&d_len, &rc, 1, msg, n, 2, NULL); /* another artifact, same key */
    CHECK(c != NULL && d != NULL && c_len == d_len);
    size_t off = payload_offset(c);
    CHECK(off == payload_offset(d));
    /* a bit flip in every chunk (sampled positions) */
    for (size_t i = 0; i <= CHUNKS; i++) {
        size_t len = i < CHUNKS ? per : c_len - off - CHUNKS * per;
        size_t positions[] = {0, len / 2, len - 1};
        for (size_t k = 0; k < 3; k++) {
            size_t at = off + i * per + positions[k];
            c[at] ^= 0x40;
            memset(back, 0x5A, n);
            int ret = open_all(&p, c, c_len, back, n);
            c[at] ^= 0x40;
            CHECK_MSG(ret == PQCE_ERR_DECRYPT, "flip in chunk %zu accepted: %s", i,
                      pqce_error_name(ret));
            for (size_t z = 0; z < n; z++) {
                CHECK_MSG(back[z] == 0 || back[z] == 0x5A, "plaintext released");
            }
        }
    }
    /* neighbours swapped */
    uint8_t *tmp = malloc(per);
    for (size_t i = 0; i + 1 < CHUNKS; i++) {
        uint8_t *a = c + off + i * per, *b = a + per;
        memcpy(tmp, a, per);
        memcpy(a, b, per);
        memcpy(b, tmp, per);
        int ret = open_all(&p, c, c_len, back, n);
        memcpy(b, a, per);
        memcpy(a, tmp, per);
        CHECK_MSG(ret == PQCE_ERR_DECRYPT, "swap %zu<->%zu accepted", i, i + 1);
    }
    /* the same chunk index from another artifact sealed to the same key */
    for (size_t i = 0; i <= CHUNKS; i++) {
        size_t len = i < CHUNKS ? per : c_len - off - CHUNKS * per;
        uint8_t *a = c + off + i * per;
        memcpy(tmp, a, len);
        memcpy(a, d + off + i * per, len);
        int ret = open_all(&p, c, c_len, back, n);
        memcpy(a, tmp, len);
        CHECK_MSG(ret == PQCE_ERR_DECRYPT, "chunk %zu from another artifact accepted", i);
    }
    CHECK_OK(open_all(&p, c, c_len, back, n));
    CHECK_MEM_EQ(back, msg, n);
    free(tmp);
    free(c);
    free(d);
    free(msg);
    free(back);
}

/* Truncation at every chunk boundary and inside chunks, extra bytes, a
 * missing final chunk and a second final chunk. */
static void test_truncation_and_extension_are_rejected(void)
{
    party p;
    CHECK(make_party(&p, PQCE_SUITE_MLKEM768, 10) == 0);
    pqce_recipient rc = recipient_of(&p);
    enum { CHUNKS = 3 };
    size_t n = CHUNKS * CS + 10, per = CS + PQCE_GCM_TAG_BYTES;
    uint8_t *msg = malloc(n), *back = malloc(n);
    test_fill(msg, n, "truncate", 0);
    size_t c_len;
    uint8_t *c = seal(&c_len, &rc, 1, msg, n, 1, NULL);
    CHECK(c != NULL);
    size_t off = payload_offset(c);
    size_t cuts = 0;
    for (size_t i = 0; i <= CHUNKS; i++) {
        size_t at[] = {off + i * per, off + i * per + 1, off + i * per + per / 2};
        for (size_t k = 0; k < 3; k++) {
            if (at[k] >= c_len) {
                continue;
            }
            int ret = open_all(&p, c, at[k], back, n);
            CHECK_MSG(ret == PQCE_ERR_DECRYPT || ret == PQCE_ERR_FORMAT,
                      "truncation at %zu accepted", at[k]);
            cuts++;
        }
    }
    CHECK(open_all(&p, c, c_len - 1, back, n) == PQCE_ERR_DECRYPT);
    CHECK(open_all(&p, c, off / 2, back, n) != PQCE_OK);
    CHECK(open_all(&p, c, 5, back, n) == PQCE_ERR_FORMAT);
    /* extra bytes appended */
    uint8_t *ext = malloc(c_len + per + 60);
    memcpy(ext, c, c_len);
    for (size_t extra = 1; extra <= per + 57; extra += (extra < 60 ? 1 : 997)) {
        memset(ext + c_len, 0, extra);
        CHECK_MSG(open_all(&p, ext, c_len + extra, back, n) == PQCE_ERR_DECRYPT,
                  "%zu extra bytes accepted", extra);
    }
    /* a second final chunk: the final chunk repeated */
    size_t final_len = c_len - off - CHUNKS * per;
    memcpy(ext + c_len, c + c_len - final_len, final_len);
    CHECK(open_all(&p, ext, c_len + final_len, back, n) == PQCE_ERR_DECRYPT);
    /* a missing final chunk: cut exactly before it */
    CHECK(open_all(&p, c, c_len - final_len, back, n) == PQCE_ERR_DECRYPT);
    printf("  %zu truncation points rejected\n", cuts);
    free(ext);
    free(c);
    free(msg);
    free(back);
}

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void test_wrong_suite_unknown_version_and_bad_lengths(void)
{
    party p;
    CHECK(make_party(&p, PQCE_SUITE_MLKEM768, 11) == 0);
    pqce_recipient rc = recipient_of(&p);
    uint8_t msg[10] = {1};
    size_t c_len;
    uint8_t *c = seal(&c_len, &rc, 1, msg, sizeof msg, 1, NULL);
    CHECK(c != NULL);
    uint8_t back[10];
    uint8_t saved[16];
    memcpy(saved, c, 16);
    put_be16(c + 8, 2); /* version 2 */
    CHECK_RC(open_all(&p, c, c_len, back, sizeof back), PQCE_ERR_FORMAT);
    memcpy(c, saved, 16);
    put_be16(c + 10, PQCE_SUITE_MLKEM1024); /* another known suite */
    CHECK_RC(open_all(&p, c, c_len, back, sizeof back), PQCE_ERR_DECRYPT);
    put_be16(c + 10, 77); /* an unknown suite */
    CHECK_RC(open_all(&p, c, c_len, back, sizeof back), PQCE_ERR_UNSUPPORTED);
    memcpy(c, saved, 16);
    c[12] = c[13] = c[14] = c[15] = 0xFF; /* header length beyond every bound */
    CHECK_RC(open_all(&p, c, c_len, back, sizeof back), PQCE_ERR_FORMAT);
    memcpy(c, saved, 16);
    c[0] ^= 1; /* not a container */
    CHECK_RC(open_all(&p, c, c_len, back, sizeof back), PQCE_ERR_FORMAT);
    memcpy(c, saved, 16);
    /* meta_ct_len claims more than the header holds */
    size_t meta_len_at = PQCE_PREAMBLE_BYTES + PQCE_ID_BYTES + 2 + PQCE_SALT_BYTES;
    uint8_t save4[4];
    memcpy(save4, c + meta_len_at, 4);
    memset(c + meta_len_at, 0xFF, 4);
    CHECK_RC(open_all(&p, c, c_len, back, sizeof back), PQCE_ERR_FORMAT);
    memcpy(c + meta_len_at, save4, 4);
    CHECK_OK(open_all(&p, c, c_len, back, sizeof back));
    free(c);
}

static void test_invalid_seal_arguments_are_rejected(void)
{
    party a, b;
    CHECK(make_party(&a, PQCE_SUITE_MLKEM768, 12) == 0);
    CHECK(make_party(&b, PQCE_SUITE_XWING, 12) == 0);
    pqce_recipient mixed[2] = {recipient_of(&a), recipient_of(&b)};
    pqce_metadata m = test_meta();
    uint8_t out[20000], in[10] = {0};
    size_t out_len;
    pqce_options o = {PQCE_OPTIONS_VERSION, CS, 1, NULL};
    CHECK_RC(pqce_seal_buffer(&o, out, sizeof out, &out_len, NULL, &m, mixed, 2, in, 10),
             PQCE_ERR_INVALID_ARG);
    pqce_options bad_cs = {PQCE_OPTIONS_VERSION, 5000, 1, NULL};
    CHECK_RC(pqce_seal_buffer(&bad_cs, out, sizeof out, &out_len, NULL, &m, mixed, 1, in, 10),
             PQCE_ERR_INVALID_ARG);
    pqce_options bad_version = {99, CS, 1, NULL};
    CHECK_RC(pqce_seal_buffer(&bad_version, out, sizeof out, &out_len, NULL, &m, mixed, 1, in, 10),
             PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_seal_buffer(&o, out, 100, &out_len, NULL, &m, mixed, 1, in, 10),
             PQCE_ERR_INVALID_ARG);
    pqce_metadata no_name = m;
    no_name.name = "";
    CHECK_RC(pqce_seal_buffer(&o, out, sizeof out, &out_len, NULL, &no_name, mixed, 1, in, 10),
             PQCE_ERR_INVALID_ARG);
    pqce_metadata bad_utf8 = m;
    bad_utf8.version = "\xC0\xAF";
    CHECK_RC(pqce_seal_buffer(&o, out, sizeof out, &out_len, NULL, &bad_utf8, mixed, 1, in, 10),
             PQCE_ERR_INVALID_ARG);
    pqce_metadata bad_kind = m;
    bad_kind.kind = (pqce_kind)8;
    CHECK_RC(pqce_seal_buffer(&o, out, sizeof out, &out_len, NULL, &bad_kind, mixed, 1, in, 10),
             PQCE_ERR_INVALID_ARG);
    /* a recipient key with a coefficient >= q fails the FIPS 203 check */
    party bad = a;
    bad.pk[0] = 0xFF;
    bad.pk[1] |= 0x0F;
    pqce_recipient bad_rc = recipient_of(&bad);
    CHECK_RC(pqce_seal_buffer(&o, out, sizeof out, &out_len, NULL, &m, &bad_rc, 1, in, 10),
             PQCE_ERR_INVALID_KEY);
    /* in-place (overlapping) sealing is refused */
    CHECK_RC(pqce_seal_buffer(&o, out, sizeof out, &out_len, NULL, &m, mixed, 1, out + 10, 10),
             PQCE_ERR_INVALID_ARG);
}

static void test_kind_names_round_trip(void)
{
    for (unsigned k = 0; k < PQCE_KIND_COUNT; k++) {
        pqce_kind back;
        CHECK(pqce_kind_name((pqce_kind)k) != NULL);
        CHECK_OK(pqce_kind_from_name(&back, pqce_kind_name((pqce_kind)k)));
        CHECK(back == (pqce_kind)k);
    }
    pqce_kind k;
    CHECK(strcmp(pqce_kind_name(PQCE_KIND_BIOMETRIC_TEMPLATE), "biometric-template") == 0);
    CHECK_RC(pqce_kind_from_name(&k, "weights"), PQCE_ERR_INVALID_ARG);
    CHECK(pqce_kind_name((pqce_kind)8) == NULL);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_round_trip_every_suite_and_size_class),
        TEST_CASE(test_metadata_and_info_round_trip),
        TEST_CASE(test_empty_artifact_has_one_final_chunk),
        TEST_CASE(test_parallel_output_equals_single_threaded),
        TEST_CASE(test_seal_fd_from_pipe_equals_seal_buffer),
        TEST_CASE(test_seal_reader_callback_round_trip_and_failure),
        TEST_CASE(test_random_access_agrees_with_sequential_reads),
        TEST_CASE(test_every_recipient_opens_and_a_stranger_does_not),
        TEST_CASE(test_every_header_bit_flip_is_rejected),
        TEST_CASE(test_payload_tampering_is_rejected_without_plaintext),
        TEST_CASE(test_truncation_and_extension_are_rejected),
        TEST_CASE(test_wrong_suite_unknown_version_and_bad_lengths),
        TEST_CASE(test_invalid_seal_arguments_are_rejected),
        TEST_CASE(test_kind_names_round_trip),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
