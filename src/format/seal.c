/*
 * seal.c - sealing an artifact [FORMAT, 4-7]: header, then the payload in
 * one pass. The SHA3-256 content hash runs as task 0 of each batch while
 * the other threads encrypt the batch's chunks; memory holds one batch of
 * a few chunks per thread, whatever the artifact's size.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crypto/keccak.h"
#include "format/bytes.h"
#include "format/container.h"
#include "format/header.h"
#include "format/pool.h"
#include "format/stream.h"

/* Bytes of chunk buffers a streaming seal or verify may hold in total. */
#define BATCH_BYTES_MAX ((size_t)32 << 20)

typedef struct seal_state {
    const pqce_suite_info *suite;
    uint32_t cs;
    pqce_metadata meta; /* the caller's, with size and created filled in */
    pqce_header h;
    pqce_artifact_keys keys;
    pqce_pool *pool;
    pqce_aes_gcm **gcm; /* one per thread */
    unsigned threads;
    pqce_keccak hash;
} seal_state;

static unsigned chunk_log2(uint32_t cs)
{
    unsigned l = 0;
    while ((1u << l) < cs) {
        l++;
    }
    return l;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Validates the options, metadata and recipients; resolves the suite and
 * the chunk size. */
static int check_inputs(seal_state *s, const pqce_options *opts, const pqce_metadata *meta,
                        const pqce_recipient *recipients, size_t recipient_count)
{
    if (opts != NULL && opts->version != PQCE_OPTIONS_VERSION) {
        return PQCE_ERR_INVALID_ARG;
    }
    s->cs = opts != NULL && opts->chunk_size != 0 ? opts->chunk_size : PQCE_CHUNK_DEFAULT;
    if (s->cs < PQCE_CHUNK_MIN || s->cs > PQCE_CHUNK_MAX || (s->cs & (s->cs - 1)) != 0 ||
        (opts != NULL && opts->threads > 1024)) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (recipients == NULL || recipient_count == 0 || recipient_count > PQCE_RECIPIENTS_MAX) {
        return PQCE_ERR_INVALID_ARG;
    }
    s->suite = pqce_suite_find(recipients[0].suite);
    if (s->suite == NULL) {
        return PQCE_ERR_UNSUPPORTED;
    }
    for (size_t i = 0; i < recipient_count; i++) {
        /* One suite per container: it is named in the preamble. */
        if (recipients[i].suite != s->suite->id || recipients[i].key == NULL ||
            recipients[i].key_len != s->suite->recipient_len) {
            return PQCE_ERR_INVALID_ARG;
        }
    }
    if (pqce_metadata_check(meta) != PQCE_OK) {
        return PQCE_ERR_INVALID_ARG;
    }
    s->meta = *meta;
    if (s->meta.created_ms == 0) {
        s->meta.created_ms = now_ms();
    }
    return PQCE_OK;
}

static void seal_state_free(seal_state *s)
{
    if (s->gcm != NULL) {
        for (unsigned i = 0; i < s->threads; i++) {
            pqce_aes_gcm_free(s->gcm[i]);
        }
        free(s->gcm);
    }
    pqce_pool_free(s->pool);
    pqce_header_free(&s->h);
    pqce_memzero(&s->keys, sizeof s->keys);
    pqce_keccak_wipe(&s->hash);
}

/* Header, pool, one AES-GCM key schedule per thread, and the hash. */
static int seal_start(seal_state *s, const pqce_options *opts, const pqce_recipient *recipients,
                      size_t recipient_count)
{
    int ret = pqce_header_build(&s->h, &s->keys, opts != NULL ? opts->rng : NULL, s->suite,
                                (uint8_t)chunk_log2(s->cs), &s->meta, recipients, recipient_count);
    if (ret != PQCE_OK) {
        return ret;
    }
    ret = pqce_pool_new(&s->pool, opts != NULL ? opts->threads : 0);
    if (ret != PQCE_OK) {
        return ret;
    }
    s->threads = pqce_pool_threads(s->pool);
    s->gcm = calloc(s->threads, sizeof *s->gcm);
    if (s->gcm == NULL) {
        return PQCE_ERR_NOMEM;
    }
    for (unsigned i = 0; i < s->threads; i++) {
        ret = pqce_aes_gcm_new(&s->gcm[i], s->keys.payload_key);
        if (ret != PQCE_OK) {
            return ret;
        }
    }
    pqce_keccak_init(&s->hash, PQCE_SHA3_256_RATE);
    return PQCE_OK;
}

/* Seals the final chunk: r content bytes (already in buf) and the trailer
 * BE64(L) | SHA3-256(content); buf has room for r + 56 bytes. */
static int seal_final(seal_state *s, uint8_t *buf, size_t r, uint64_t index, uint64_t total,
                      uint8_t digest[32])
{
    pqce_keccak_finalize(&s->hash, PQCE_KECCAK_SUFFIX_SHA3);
    pqce_keccak_squeeze(&s->hash, digest, 32);
    pqce_store_be64(buf + r, total);
    memcpy(buf + r + 8, digest, 32);
    return pqce_chunk_seal(s->gcm[0], buf, buf, r + PQCE_TRAILER_BYTES, index, 1, s->h.core_digest);
}

static void fill_info(pqce_artifact_info *info, const seal_state *s, uint64_t size,
                      const uint8_t digest[32], uint64_t sealed_size, size_t stanzas)
{
    if (info == NULL) {
        return;
    }
    memset(info, 0, sizeof *info);
    memcpy(info->artifact_id, s->h.artifact_id, sizeof info->artifact_id);
    info->suite = s->suite->id;
    info->chunk_size = s->cs;
    info->size = size;
    memcpy(info->content_sha3_256, digest, 32);
    info->sealed_size = sealed_size;
    info->stanza_count = stanzas;
}

int pqce_sealed_size(uint64_t *sealed_size, uint16_t suite, size_t recipient_count,
                     uint32_t chunk_size, const pqce_metadata *meta, uint64_t in_len)
{
    const pqce_suite_info *si = pqce_suite_find(suite);
    if (sealed_size == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (si == NULL) {
        return PQCE_ERR_UNSUPPORTED;
    }
    uint32_t cs = chunk_size != 0 ? chunk_size : PQCE_CHUNK_DEFAULT;
    if (cs < PQCE_CHUNK_MIN || cs > PQCE_CHUNK_MAX || (cs & (cs - 1)) != 0 ||
        recipient_count == 0 || recipient_count > PQCE_RECIPIENTS_MAX ||
        pqce_metadata_check(meta) != PQCE_OK) {
        return PQCE_ERR_INVALID_ARG;
    }
    pqce_bw w;
    pqce_bw_init(&w, NULL, PQCE_METADATA_MAX_BYTES);
    pqce_metadata_encode(&w, meta);
    pqce_geom g;
    if (pqce_geom_from_size(&g, in_len, cs) != PQCE_OK) {
        return PQCE_ERR_INVALID_ARG;
    }
    uint64_t head =
        PQCE_PREAMBLE_BYTES + pqce_header_size(si, w.len, recipient_count) + PQCE_MAC_BYTES;
    if (g.payload_len > UINT64_MAX - head) {
        return PQCE_ERR_INVALID_ARG;
    }
    *sealed_size = head + g.payload_len;
    return PQCE_OK;
}

/* ---- from a buffer --------------------------------------------------------- */

typedef struct buffer_job {
    seal_state *s;
    const uint8_t *in;
    uint8_t *out; /* start of the payload */
    pqce_geom g;
} buffer_job;

/* Task 0 hashes the whole content; task i > 0 encrypts full chunk i - 1. */
static int buffer_task(void *arg, size_t task, unsigned worker)
{
    buffer_job *j = arg;
    if (task == 0) {
        pqce_keccak_absorb(&j->s->hash, j->in, (size_t)j->g.size);
        return 0;
    }
    uint64_t i = task - 1;
    return pqce_chunk_seal(j->s->gcm[worker], j->out + pqce_chunk_offset(&j->g, i),
                           j->in + i * j->g.cs, j->g.cs, i, 0, j->s->h.core_digest);
}

int pqce_seal_buffer(const pqce_options *opts, uint8_t *out, size_t out_cap, size_t *out_len,
                     pqce_artifact_info *info, const pqce_metadata *meta,
                     const pqce_recipient *recipients, size_t recipient_count, const uint8_t *in,
                     size_t in_len)
{
    seal_state s;
    buffer_job job;
    uint8_t digest[32];
    uint8_t *final_buf = NULL;
    int ret;

    memset(&s, 0, sizeof s);
    if (out == NULL || out_len == NULL || (in == NULL && in_len > 0) ||
        (in != NULL && (uintptr_t)in < (uintptr_t)out + out_cap &&
         (uintptr_t)out < (uintptr_t)in + in_len)) {
        return PQCE_ERR_INVALID_ARG; /* the buffers must not overlap */
    }
    *out_len = 0;
    if ((ret = check_inputs(&s, opts, meta, recipients, recipient_count)) != PQCE_OK) {
        return ret;
    }
    s.meta.size = in_len;
    memset(&job, 0, sizeof job);
    if (pqce_geom_from_size(&job.g, in_len, s.cs) != PQCE_OK) {
        return PQCE_ERR_INVALID_ARG;
    }
    if ((ret = seal_start(&s, opts, recipients, recipient_count)) != PQCE_OK) {
        goto cleanup;
    }
    if (job.g.payload_len > out_cap || s.h.raw_len > out_cap - job.g.payload_len) {
        ret = PQCE_ERR_INVALID_ARG;
        goto cleanup;
    }
    memcpy(out, s.h.raw, s.h.raw_len);
    job.s = &s;
    job.in = in;
    job.out = out + s.h.raw_len;
    if ((ret = pqce_pool_run(s.pool, 1 + (size_t)job.g.full, buffer_task, &job)) != PQCE_OK) {
        goto cleanup;
    }
    final_buf = malloc((size_t)job.g.last_len + PQCE_FINAL_MIN_CT);
    if (final_buf == NULL) {
        ret = PQCE_ERR_NOMEM;
        goto cleanup;
    }
    if (job.g.last_len > 0) {
        memcpy(final_buf, in + job.g.full * s.cs, (size_t)job.g.last_len);
    }
    ret = seal_final(&s, final_buf, (size_t)job.g.last_len, job.g.full, in_len, digest);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    memcpy(job.out + pqce_chunk_offset(&job.g, job.g.full), final_buf,
           pqce_chunk_ct_len(&job.g, job.g.full));
    *out_len = s.h.raw_len + (size_t)job.g.payload_len;
    fill_info(info, &s, in_len, digest, *out_len, recipient_count);
cleanup:
    if (final_buf != NULL) {
        pqce_memzero(final_buf, (size_t)job.g.last_len + PQCE_FINAL_MIN_CT);
        free(final_buf);
    }
    if (ret != PQCE_OK) {
        pqce_memzero(out, out_cap);
    }
    seal_state_free(&s);
    return ret;
}

/* ---- streaming: from a descriptor or a callback, to a descriptor ------------ */

typedef struct input {
    int fd;
    pqce_read_fn fn;
    void *ctx;
} input;

/* Reads until len bytes or end of input; *got < len means end of input. */
static int read_full(const input *in, uint8_t *buf, size_t len, size_t *got)
{
    *got = 0;
    while (*got < len) {
        size_t n = 0;
        if (in->fn != NULL) {
            if (in->fn(in->ctx, buf + *got, len - *got, &n) != 0 || n > len - *got) {
                return PQCE_ERR_IO;
            }
        } else {
            ssize_t r = read(in->fd, buf + *got, len - *got);
            if (r < 0 && errno == EINTR) {
                continue;
            }
            if (r < 0) {
                return PQCE_ERR_IO;
            }
            n = (size_t)r;
        }
        if (n == 0) {
            break;
        }
        *got += n;
    }
    return PQCE_OK;
}

typedef struct output {
    int fd;                /* >= 0, or */
    const pqce_sink *sink; /* the vault's store object */
} output;

static int write_fd(int fd, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return PQCE_ERR_IO;
        }
        buf += n;
        len -= (size_t)n;
    }
    return PQCE_OK;
}

static int write_all(const output *out, const uint8_t *buf, size_t len)
{
    if (out->sink != NULL) {
        return out->sink->write(out->sink->ctx, buf, len) == PQCE_OK ? PQCE_OK : PQCE_ERR_IO;
    }
    return write_fd(out->fd, buf, len);
}

/*
 * The streaming pipeline. Batches of up to nslots chunks alternate between
 * two buffer sets. In round r, one pool run does, in parallel:
 *   task 0      hash batch r's plaintext (the content hash is sequential,
 *               so it runs from the start of the round to its end);
 *   task 1      write batch r-1's ciphertext, then read batch r+1;
 *   tasks 2...  encrypt batch r's full chunks.
 * So reading and writing overlap the hash, which bounds the speed.
 */
typedef struct batch {
    uint8_t **pt;   /* plaintext slots */
    uint8_t **ct;   /* ciphertext slots (the hash reads pt while workers write ct) */
    size_t full;    /* full chunks */
    size_t tail;    /* content bytes of the final chunk (valid when ended) */
    int ended;      /* the input ended in this batch: pt[full] holds the tail */
    uint64_t first; /* chunk index of slot 0 */
} batch;

typedef struct pipeline {
    seal_state *s;
    const input *in;
    const output *out;
    size_t nslots;
    batch set[2];
    batch *cur, *prev, *next; /* hash+encrypt, write, read */
    uint64_t total;           /* content bytes read */
    uint64_t written;
} pipeline;

/* Fills a batch; a short chunk is the final one (a full chunk is never
 * final [FORMAT, 7.1]). */
static int fill_batch(pipeline *p, batch *b, uint64_t first)
{
    b->full = 0;
    b->tail = 0;
    b->ended = 0;
    b->first = first;
    while (b->full < p->nslots && !b->ended) {
        size_t got;
        int ret = read_full(p->in, b->pt[b->full], p->s->cs, &got);
        if (ret != PQCE_OK) {
            return ret;
        }
        p->total += got;
        if (got < p->s->cs) {
            b->ended = 1;
            b->tail = got;
        } else {
            b->full++;
        }
    }
    return PQCE_OK;
}

static int write_batch(pipeline *p, const batch *b)
{
    for (size_t i = 0; i < b->full; i++) {
        int ret = write_all(p->out, b->ct[i], (size_t)p->s->cs + PQCE_GCM_TAG_BYTES);
        if (ret != PQCE_OK) {
            return ret;
        }
        p->written += (uint64_t)p->s->cs + PQCE_GCM_TAG_BYTES;
    }
    return PQCE_OK;
}

static int round_task(void *arg, size_t task, unsigned worker)
{
    pipeline *p = arg;
    seal_state *s = p->s;
    batch *b = p->cur;
    if (task == 0) {
        for (size_t i = 0; i < b->full; i++) {
            pqce_keccak_absorb(&s->hash, b->pt[i], s->cs);
        }
        if (b->ended) {
            pqce_keccak_absorb(&s->hash, b->pt[b->full], b->tail);
        }
        return 0;
    }
    if (task == 1) {
        int ret = p->prev != NULL ? write_batch(p, p->prev) : PQCE_OK;
        if (ret == PQCE_OK && p->next != NULL) {
            ret = fill_batch(p, p->next, b->first + b->full);
        }
        return ret;
    }
    size_t i = task - 2;
    return pqce_chunk_seal(s->gcm[worker], b->ct[i], b->pt[i], s->cs, b->first + i, 0,
                           s->h.core_digest);
}

static int seal_stream(const pqce_options *opts, const output *out, pqce_artifact_info *info,
                       const pqce_metadata *meta, const pqce_recipient *recipients,
                       size_t recipient_count, const input *in)
{
    seal_state s;
    pipeline p;
    uint8_t digest[32];
    size_t slot_len = 0;
    int ret;

    memset(&s, 0, sizeof s);
    memset(&p, 0, sizeof p);
    if (out->fd < 0 && out->sink == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    if ((ret = check_inputs(&s, opts, meta, recipients, recipient_count)) != PQCE_OK) {
        return ret;
    }
    if ((ret = seal_start(&s, opts, recipients, recipient_count)) != PQCE_OK) {
        goto cleanup;
    }
    /* Two sets of nslots plaintext and ciphertext slots: two chunks per
     * thread, within BATCH_BYTES_MAX in all, at least 2 per set. */
    p.nslots = 2 * (size_t)s.threads;
    if (4 * p.nslots * s.cs > BATCH_BYTES_MAX) {
        p.nslots = BATCH_BYTES_MAX / 4 / s.cs;
    }
    p.nslots = p.nslots < 2 ? 2 : p.nslots;
    slot_len = (size_t)s.cs + PQCE_FINAL_MIN_CT;
    p.s = &s;
    p.in = in;
    p.out = out;
    for (int k = 0; k < 2; k++) {
        p.set[k].pt = calloc(p.nslots, sizeof *p.set[k].pt);
        p.set[k].ct = calloc(p.nslots, sizeof *p.set[k].ct);
        if (p.set[k].pt == NULL || p.set[k].ct == NULL) {
            ret = PQCE_ERR_NOMEM;
            goto cleanup;
        }
        for (size_t i = 0; i < p.nslots; i++) {
            if ((p.set[k].pt[i] = malloc(slot_len)) == NULL ||
                (p.set[k].ct[i] = malloc(slot_len)) == NULL) {
                ret = PQCE_ERR_NOMEM;
                goto cleanup;
            }
        }
    }
    if ((ret = write_all(out, s.h.raw, s.h.raw_len)) != PQCE_OK) {
        goto cleanup;
    }
    p.written = s.h.raw_len;
    if ((ret = fill_batch(&p, &p.set[0], 0)) != PQCE_OK) {
        goto cleanup;
    }
    p.cur = &p.set[0];
    p.prev = NULL;
    for (;;) {
        batch *other = p.cur == &p.set[0] ? &p.set[1] : &p.set[0];
        /* The other set holds the previous batch's ciphertext (written in
         * this round) and then receives the next batch's plaintext. */
        p.next = p.cur->ended ? NULL : other;
        if ((ret = pqce_pool_run(s.pool, 2 + p.cur->full, round_task, &p)) != PQCE_OK) {
            goto cleanup;
        }
        if (p.cur->ended) {
            break;
        }
        p.prev = p.cur;
        p.cur = other;
        /* other's ciphertext slots were written out above before its
         * plaintext slots were refilled; its ct is free for this round. */
    }
    if ((ret = write_batch(&p, p.cur)) != PQCE_OK) {
        goto cleanup;
    }
    if (s.meta.size != PQCE_SIZE_UNKNOWN && s.meta.size != p.total) {
        /* The input did not have the size the metadata declares; no final
         * chunk is written, so the output is not a valid container. */
        ret = PQCE_ERR_INVALID_ARG;
        goto cleanup;
    }
    uint8_t *tail = p.cur->pt[p.cur->full];
    uint64_t index = p.cur->first + p.cur->full;
    if ((ret = seal_final(&s, tail, p.cur->tail, index, p.total, digest)) != PQCE_OK ||
        (ret = write_all(out, tail, p.cur->tail + PQCE_FINAL_MIN_CT)) != PQCE_OK) {
        goto cleanup;
    }
    p.written += p.cur->tail + PQCE_FINAL_MIN_CT;
    fill_info(info, &s, p.total, digest, p.written, recipient_count);
cleanup:
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < p.nslots; i++) {
            if (p.set[k].pt != NULL && p.set[k].pt[i] != NULL) {
                pqce_memzero(p.set[k].pt[i], slot_len); /* plaintext */
                free(p.set[k].pt[i]);
            }
            if (p.set[k].ct != NULL) {
                free(p.set[k].ct[i]);
            }
        }
        free(p.set[k].pt);
        free(p.set[k].ct);
    }
    if (ret != PQCE_OK && info != NULL) {
        memset(info, 0, sizeof *info);
    }
    seal_state_free(&s);
    return ret;
}

int pqce_seal_fd(const pqce_options *opts, int out_fd, pqce_artifact_info *info,
                 const pqce_metadata *meta, const pqce_recipient *recipients,
                 size_t recipient_count, int in_fd)
{
    if (in_fd < 0) {
        return PQCE_ERR_INVALID_ARG;
    }
    input in = {in_fd, NULL, NULL};
    output out = {out_fd, NULL};
    return seal_stream(opts, &out, info, meta, recipients, recipient_count, &in);
}

int pqce_seal_reader(const pqce_options *opts, int out_fd, pqce_artifact_info *info,
                     const pqce_metadata *meta, const pqce_recipient *recipients,
                     size_t recipient_count, pqce_read_fn read_fn, void *read_ctx)
{
    if (read_fn == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    input in = {-1, read_fn, read_ctx};
    output out = {out_fd, NULL};
    return seal_stream(opts, &out, info, meta, recipients, recipient_count, &in);
}

int pqce_seal_to_sink(const pqce_options *opts, const pqce_sink *sink, pqce_artifact_info *info,
                      const pqce_metadata *meta, const pqce_recipient *recipients,
                      size_t recipient_count, int in_fd, pqce_read_fn read_fn, void *read_ctx)
{
    if (sink == NULL || sink->write == NULL || (in_fd < 0) == (read_fn == NULL)) {
        return PQCE_ERR_INVALID_ARG;
    }
    input in = {in_fd, read_fn, read_ctx};
    output out = {-1, sink};
    return seal_stream(opts, &out, info, meta, recipients, recipient_count, &in);
}
