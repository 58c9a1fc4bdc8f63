/*
 * reader.c - opening an artifact [FORMAT, 8]: header, stanzas and MAC
 * first, then the final chunk (so the size and content hash are known and
 * authenticated before any other byte is released), then any chunk on
 * demand. Every chunk's tag is verified before a byte of it is copied out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "crypto/keccak.h"
#include "format/bytes.h"
#include "format/container.h"
#include "format/header.h"
#include "format/pool.h"
#include "format/stream.h"

#define NO_CHUNK        UINT64_MAX
#define BATCH_BYTES_MAX ((size_t)32 << 20)

struct pqce_reader {
    const uint8_t *buf; /* container in memory, or NULL */
    int fd;             /* container file, when buf is NULL, or -1 */
    int own_fd;         /* close fd at free */
    pqce_source src;    /* a source, when buf is NULL and fd is -1 */
    uint64_t total;     /* container length */
    unsigned threads_opt;
    pqce_header h;
    pqce_artifact_keys keys;
    pqce_metadata_owned meta;
    pqce_geom g;
    uint8_t content_hash[32];
    pqce_aes_gcm *gcm;
    uint8_t *chunk; /* one decrypted chunk (cs + 56 bytes) */
    uint64_t chunk_index;
    uint64_t pos;    /* sequential position */
    pqce_pool *pool; /* created on first parallel use */
    pqce_aes_gcm **wgcm;
    uint8_t **wbuf; /* per-thread ciphertext buffers for descriptors */
};

static int pread_full(int fd, uint8_t *buf, size_t len, uint64_t off)
{
    while (len > 0) {
        ssize_t n = pread(fd, buf, len, (off_t)off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return PQCE_ERR_IO;
        }
        if (n == 0) {
            return PQCE_ERR_DECRYPT; /* the file shrank: truncated */
        }
        buf += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return PQCE_OK;
}

/* Reads len bytes at off from the file or the source. */
static int read_at(const pqce_reader *r, uint8_t *buf, size_t len, uint64_t off)
{
    if (r->fd >= 0) {
        return pread_full(r->fd, buf, len, off);
    }
    if (off > r->total || len > r->total - off) {
        return PQCE_ERR_DECRYPT;
    }
    int ret = r->src.read_at(r->src.ctx, buf, len, off);
    return ret == PQCE_OK ? PQCE_OK : PQCE_ERR_IO;
}

/* Ciphertext of chunk i: a pointer into the buffer, or read into scratch. */
static int load_chunk_ct(const pqce_reader *r, uint64_t i, uint8_t *scratch, const uint8_t **ct,
                         size_t *ct_len)
{
    uint64_t off = r->h.raw_len + pqce_chunk_offset(&r->g, i);
    *ct_len = pqce_chunk_ct_len(&r->g, i);
    if (r->buf != NULL) {
        *ct = r->buf + off;
        return PQCE_OK;
    }
    *ct = scratch;
    return read_at(r, scratch, *ct_len, off);
}

/* Decrypts chunk i into r->chunk (cached). */
static int load_chunk(pqce_reader *r, uint64_t i)
{
    const uint8_t *ct;
    size_t ct_len;
    if (r->chunk_index == i) {
        return PQCE_OK;
    }
    r->chunk_index = NO_CHUNK;
    int ret = load_chunk_ct(r, i, r->chunk, &ct, &ct_len);
    if (ret == PQCE_OK) {
        ret = pqce_chunk_open(r->gcm, r->chunk, ct, ct_len, i, i == r->g.full, r->h.core_digest);
    }
    if (ret == PQCE_OK) {
        r->chunk_index = i;
    }
    return ret;
}

static int reader_open(pqce_reader *r, const pqce_options *opts, const pqce_identity *identity)
{
    uint8_t pre[PQCE_PREAMBLE_BYTES];
    uint16_t suite;
    size_t header_len;
    uint8_t *raw = NULL;
    pqce_suite_key key;
    int ret;

    memset(&key, 0, sizeof key);
    if (opts != NULL && (opts->version != PQCE_OPTIONS_VERSION || opts->threads > 1024)) {
        return PQCE_ERR_INVALID_ARG;
    }
    r->threads_opt = opts != NULL ? opts->threads : 0;
    r->chunk_index = NO_CHUNK;
    if (r->total < PQCE_PREAMBLE_BYTES) {
        return PQCE_ERR_FORMAT;
    }
    if (r->buf != NULL) {
        memcpy(pre, r->buf, sizeof pre);
    } else if ((ret = read_at(r, pre, sizeof pre, 0)) != PQCE_OK) {
        return ret == PQCE_ERR_DECRYPT ? PQCE_ERR_FORMAT : ret;
    }
    if ((ret = pqce_preamble_parse(pre, &suite, &header_len)) != PQCE_OK) {
        return ret;
    }
    /* header_len is bounded by PQCE_HEADER_MAX_BYTES before this allocation */
    size_t raw_len = PQCE_PREAMBLE_BYTES + header_len + PQCE_MAC_BYTES;
    if (raw_len > r->total) {
        return PQCE_ERR_DECRYPT; /* truncated inside the header */
    }
    if ((raw = malloc(raw_len)) == NULL) {
        return PQCE_ERR_NOMEM;
    }
    if (r->buf != NULL) {
        memcpy(raw, r->buf, raw_len);
    } else if ((ret = read_at(r, raw, raw_len, 0)) != PQCE_OK) {
        goto cleanup;
    }
    if ((ret = pqce_suite_key_from_identity(&key, identity)) != PQCE_OK) {
        goto cleanup;
    }
    if ((ret = pqce_header_open(&r->h, &r->keys, &r->meta, raw, raw_len, &key)) != PQCE_OK) {
        goto cleanup;
    }
    raw = NULL; /* owned by r->h now */
    if ((ret = pqce_geom_from_payload(&r->g, r->total - r->h.raw_len,
                                      (uint32_t)1 << r->h.chunk_log2)) != PQCE_OK) {
        goto cleanup;
    }
    r->chunk = malloc((size_t)r->g.cs + PQCE_FINAL_MIN_CT);
    if (r->chunk == NULL) {
        ret = PQCE_ERR_NOMEM;
        goto cleanup;
    }
    if ((ret = pqce_aes_gcm_new(&r->gcm, r->keys.payload_key)) != PQCE_OK) {
        goto cleanup;
    }
    /* The final chunk first: its trailer authenticates size and hash. */
    if ((ret = load_chunk(r, r->g.full)) != PQCE_OK) {
        goto cleanup;
    }
    const uint8_t *trailer = r->chunk + r->g.last_len;
    if (pqce_load_be64(trailer) != r->g.size ||
        (r->meta.m.size != PQCE_SIZE_UNKNOWN && r->meta.m.size != r->g.size)) {
        ret = PQCE_ERR_DECRYPT;
        goto cleanup;
    }
    memcpy(r->content_hash, trailer + 8, 32);
cleanup:
    if (raw != NULL) {
        free(raw);
    }
    pqce_suite_key_wipe(&key);
    return ret;
}

static int reader_new(pqce_reader **out, const pqce_options *opts, const pqce_identity *identity,
                      const uint8_t *buf, int fd, int own_fd, const pqce_source *src,
                      uint64_t total)
{
    pqce_reader *r = calloc(1, sizeof *r);
    if (r == NULL) {
        if (own_fd && fd >= 0) {
            close(fd);
        }
        if (src != NULL && src->release != NULL) {
            src->release(src->ctx);
        }
        return PQCE_ERR_NOMEM;
    }
    r->buf = buf;
    r->fd = fd;
    r->own_fd = own_fd;
    if (src != NULL) {
        r->src = *src;
    }
    r->total = total;
    int ret = reader_open(r, opts, identity);
    if (ret != PQCE_OK) {
        pqce_reader_free(r);
        return ret;
    }
    *out = r;
    return PQCE_OK;
}

int pqce_open_buffer(pqce_reader **reader, const pqce_options *opts, const pqce_identity *identity,
                     const uint8_t *buf, size_t len)
{
    if (reader == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *reader = NULL;
    if (buf == NULL || identity == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    return reader_new(reader, opts, identity, buf, -1, 0, NULL, len);
}

static int open_fd(pqce_reader **reader, const pqce_options *opts, const pqce_identity *identity,
                   int fd, int own_fd)
{
    struct stat st;
    int ret = PQCE_OK;
    off_t end = 0;
    if (fd < 0 || identity == NULL) {
        ret = PQCE_ERR_INVALID_ARG;
    } else if (fstat(fd, &st) != 0) {
        ret = PQCE_ERR_IO;
    } else if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
        ret = PQCE_ERR_INVALID_ARG; /* random access needs a seekable file */
    } else if ((end = lseek(fd, 0, SEEK_END)) < 0) {
        ret = PQCE_ERR_IO;
    }
    if (ret != PQCE_OK) {
        if (own_fd && fd >= 0) {
            close(fd);
        }
        return ret;
    }
    return reader_new(reader, opts, identity, NULL, fd, own_fd, NULL, (uint64_t)end);
}

int pqce_open_fd(pqce_reader **reader, const pqce_options *opts, const pqce_identity *identity,
                 int fd)
{
    if (reader == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *reader = NULL;
    return open_fd(reader, opts, identity, fd, 0);
}

int pqce_open_fd_owned(pqce_reader **reader, const pqce_options *opts,
                       const pqce_identity *identity, int fd)
{
    if (reader == NULL) {
        if (fd >= 0) {
            close(fd);
        }
        return PQCE_ERR_INVALID_ARG;
    }
    *reader = NULL;
    return open_fd(reader, opts, identity, fd, 1);
}

int pqce_open_source(pqce_reader **reader, const pqce_options *opts, const pqce_identity *identity,
                     const pqce_source *src)
{
    if (reader == NULL || src == NULL || src->read_at == NULL || identity == NULL) {
        if (src != NULL && src->release != NULL) {
            src->release(src->ctx);
        }
        return PQCE_ERR_INVALID_ARG;
    }
    *reader = NULL;
    return reader_new(reader, opts, identity, NULL, -1, 0, src, src->size);
}

int pqce_reader_artifact_id(const pqce_reader *r, uint8_t id[16])
{
    if (r == NULL || id == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    memcpy(id, r->h.artifact_id, 16);
    return PQCE_OK;
}

static void free_workers(pqce_reader *r)
{
    unsigned n = r->pool != NULL ? pqce_pool_threads(r->pool) : 0;
    for (unsigned i = 0; i < n; i++) {
        if (r->wgcm != NULL) {
            pqce_aes_gcm_free(r->wgcm[i]);
        }
        if (r->wbuf != NULL && r->wbuf[i] != NULL) {
            pqce_memzero(r->wbuf[i], (size_t)r->g.cs + PQCE_FINAL_MIN_CT);
            free(r->wbuf[i]);
        }
    }
    free(r->wgcm);
    free(r->wbuf);
    r->wgcm = NULL;
    r->wbuf = NULL;
    pqce_pool_free(r->pool);
    r->pool = NULL;
}

void pqce_reader_free(pqce_reader *r)
{
    if (r == NULL) {
        return;
    }
    if (r->own_fd && r->fd >= 0) {
        close(r->fd);
    }
    if (r->src.release != NULL) {
        r->src.release(r->src.ctx);
    }
    free_workers(r);
    pqce_aes_gcm_free(r->gcm);
    if (r->chunk != NULL) {
        pqce_memzero(r->chunk, (size_t)r->g.cs + PQCE_FINAL_MIN_CT);
        free(r->chunk);
    }
    pqce_header_free(&r->h);
    pqce_metadata_owned_free(&r->meta);
    pqce_memzero(r, sizeof *r);
    free(r);
}

int pqce_reader_metadata(const pqce_reader *r, const pqce_metadata **meta)
{
    if (r == NULL || meta == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *meta = &r->meta.m;
    return PQCE_OK;
}

int pqce_reader_info(const pqce_reader *r, pqce_artifact_info *info)
{
    if (r == NULL || info == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    memset(info, 0, sizeof *info);
    memcpy(info->artifact_id, r->h.artifact_id, sizeof info->artifact_id);
    info->suite = r->h.suite->id;
    info->chunk_size = r->g.cs;
    info->size = r->g.size;
    memcpy(info->content_sha3_256, r->content_hash, 32);
    info->sealed_size = r->total;
    info->stanza_count = r->h.stanza_count;
    return PQCE_OK;
}

/* Copies [offset, offset + len) of the plaintext, chunk by chunk. */
static int copy_range(pqce_reader *r, uint8_t *buf, size_t len, uint64_t offset)
{
    while (len > 0) {
        uint64_t i = offset / r->g.cs;
        size_t in_chunk = (size_t)(offset % r->g.cs);
        size_t chunk_len = i < r->g.full ? r->g.cs : (size_t)r->g.last_len;
        size_t n = chunk_len - in_chunk < len ? chunk_len - in_chunk : len;
        int ret = load_chunk(r, i);
        if (ret != PQCE_OK) {
            return ret;
        }
        memcpy(buf, r->chunk + in_chunk, n);
        buf += n;
        len -= n;
        offset += n;
    }
    return PQCE_OK;
}

int pqce_reader_read(pqce_reader *r, uint8_t *buf, size_t cap, size_t *got)
{
    if (r == NULL || got == NULL || (buf == NULL && cap > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    *got = 0;
    uint64_t left = r->g.size - r->pos;
    size_t n = left < cap ? (size_t)left : cap;
    int ret = copy_range(r, buf, n, r->pos);
    if (ret != PQCE_OK) {
        pqce_memzero(buf, n);
        return ret;
    }
    r->pos += n;
    *got = n;
    return PQCE_OK;
}

int pqce_reader_pread(pqce_reader *r, uint8_t *buf, size_t len, uint64_t offset)
{
    if (r == NULL || (buf == NULL && len > 0) || offset > r->g.size || len > r->g.size - offset) {
        return PQCE_ERR_INVALID_ARG;
    }
    int ret = copy_range(r, buf, len, offset);
    if (ret != PQCE_OK) {
        pqce_memzero(buf, len);
    }
    return ret;
}

/* Per-thread AES-GCM contexts and ciphertext buffers, made once. */
static int ensure_workers(pqce_reader *r)
{
    if (r->pool != NULL) {
        return PQCE_OK;
    }
    int ret = pqce_pool_new(&r->pool, r->threads_opt);
    if (ret != PQCE_OK) {
        return ret;
    }
    unsigned n = pqce_pool_threads(r->pool);
    r->wgcm = calloc(n, sizeof *r->wgcm);
    r->wbuf = calloc(n, sizeof *r->wbuf);
    if (r->wgcm == NULL || r->wbuf == NULL) {
        free_workers(r);
        return PQCE_ERR_NOMEM;
    }
    for (unsigned i = 0; i < n; i++) {
        if ((ret = pqce_aes_gcm_new(&r->wgcm[i], r->keys.payload_key)) != PQCE_OK) {
            free_workers(r);
            return ret;
        }
        if (r->buf == NULL && (r->wbuf[i] = malloc((size_t)r->g.cs + PQCE_FINAL_MIN_CT)) == NULL) {
            free_workers(r);
            return PQCE_ERR_NOMEM;
        }
    }
    return PQCE_OK;
}

/* Decrypts chunk i into out (room for the chunk's content and, for the
 * final chunk, its trailer) with worker w's state. */
static int open_chunk_into(pqce_reader *r, unsigned w, uint64_t i, uint8_t *out)
{
    const uint8_t *ct;
    size_t ct_len;
    int ret = load_chunk_ct(r, i, r->wbuf[w], &ct, &ct_len);
    if (ret == PQCE_OK) {
        ret = pqce_chunk_open(r->wgcm[w], out, ct, ct_len, i, i == r->g.full, r->h.core_digest);
    }
    return ret;
}

typedef struct all_job {
    pqce_reader *r;
    uint8_t *out;
} all_job;

/* Reads a full chunk of a descriptor straight into out (its tag into tag)
 * with one preadv, so the ciphertext is copied once, into the place where
 * it is then decrypted. */
static int preadv_chunk(const pqce_reader *r, uint64_t i, uint8_t *out,
                        uint8_t tag[PQCE_GCM_TAG_BYTES])
{
    uint64_t off = r->h.raw_len + pqce_chunk_offset(&r->g, i);
    struct iovec iov[2] = {{out, r->g.cs}, {tag, PQCE_GCM_TAG_BYTES}};
    size_t want = (size_t)r->g.cs + PQCE_GCM_TAG_BYTES;
    ssize_t n;
    do {
        n = preadv(r->fd, iov, 2, (off_t)off);
    } while (n < 0 && errno == EINTR);
    if (n == (ssize_t)want) {
        return PQCE_OK;
    }
    /* a short read (rare on regular files): fall back to the full loop */
    if (n < 0) {
        return PQCE_ERR_IO;
    }
    int ret = pread_full(r->fd, out, r->g.cs, off);
    return ret == PQCE_OK ? pread_full(r->fd, tag, PQCE_GCM_TAG_BYTES, off + r->g.cs) : ret;
}

/* Full chunks decrypt straight into the caller's buffer. */
static int all_task(void *arg, size_t task, unsigned worker)
{
    all_job *j = arg;
    pqce_reader *r = j->r;
    uint8_t *out = j->out + (uint64_t)task * r->g.cs;
    if (r->buf != NULL || r->fd < 0) {
        return open_chunk_into(r, worker, task, out);
    }
    uint8_t tag[PQCE_GCM_TAG_BYTES], nonce[PQCE_GCM_NONCE_BYTES];
    int ret = preadv_chunk(r, task, out, tag);
    if (ret == PQCE_OK) {
        pqce_chunk_nonce(nonce, task, 0);
        ret = pqce_aes_gcm_open(r->wgcm[worker], out, out, r->g.cs, tag, r->h.core_digest, 32,
                                nonce, sizeof nonce);
        ret = ret == PQCE_OK || ret == PQCE_ERR_NOMEM ? ret : PQCE_ERR_DECRYPT;
    }
    return ret;
}

int pqce_reader_read_all(pqce_reader *r, uint8_t *buf, size_t cap)
{
    if (r == NULL || (buf == NULL && r->g.size > 0) || cap < r->g.size) {
        return PQCE_ERR_INVALID_ARG;
    }
    int ret = ensure_workers(r);
    /*
     * From a file, map it for the duration of the call so that the chunks
     * decrypt straight from the page cache into the caller's memory (no
     * copy through read buffers); if mapping fails, read with preadv. The
     * file must not be truncated while a reader uses it (pqce.h).
     */
    void *map = MAP_FAILED;
    if (ret == PQCE_OK && r->buf == NULL && r->fd >= 0 && r->g.full > 0 && r->total <= SIZE_MAX) {
        map = mmap(NULL, (size_t)r->total, PROT_READ, MAP_SHARED | MAP_POPULATE, r->fd, 0);
        if (map != MAP_FAILED) {
            r->buf = map;
        }
    }
    if (ret == PQCE_OK) {
        all_job j = {r, buf};
        ret = pqce_pool_run(r->pool, (size_t)r->g.full, all_task, &j);
    }
    if (map != MAP_FAILED) {
        r->buf = NULL;
        munmap(map, (size_t)r->total);
    }
    if (ret == PQCE_OK) {
        ret = copy_range(r, buf + r->g.full * r->g.cs, (size_t)r->g.last_len, r->g.full * r->g.cs);
    }
    if (ret != PQCE_OK && buf != NULL) {
        pqce_memzero(buf, (size_t)r->g.size);
    }
    return ret;
}

typedef struct verify_job {
    pqce_reader *r;
    uint8_t **slot;
    uint64_t first;
    size_t count;
    pqce_keccak *hash;
    size_t hashed; /* slots of the previous batch to hash as task 0 */
    uint8_t **prev;
} verify_job;

/* Task 0 hashes the previous batch while the others decrypt this one. */
static int verify_task(void *arg, size_t task, unsigned worker)
{
    verify_job *j = arg;
    if (task == 0) {
        for (size_t i = 0; i < j->hashed; i++) {
            pqce_keccak_absorb(j->hash, j->prev[i], j->r->g.cs);
        }
        return 0;
    }
    size_t i = task - 1;
    return open_chunk_into(j->r, worker, j->first + i, j->slot[i]);
}

int pqce_reader_verify(pqce_reader *r)
{
    if (r == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    int ret = ensure_workers(r);
    if (ret != PQCE_OK) {
        return ret;
    }
    size_t nslots = 2 * (size_t)pqce_pool_threads(r->pool);
    if (nslots * r->g.cs > BATCH_BYTES_MAX / 2) {
        nslots = BATCH_BYTES_MAX / 2 / r->g.cs;
    }
    nslots = nslots < 1 ? 1 : nslots;
    uint8_t **slots = calloc(2 * nslots, sizeof *slots);
    pqce_keccak hash;
    uint8_t digest[32];
    pqce_keccak_init(&hash, PQCE_SHA3_256_RATE);
    if (slots == NULL) {
        return PQCE_ERR_NOMEM;
    }
    for (size_t i = 0; i < 2 * nslots; i++) {
        if ((slots[i] = malloc(r->g.cs)) == NULL) {
            ret = PQCE_ERR_NOMEM;
            goto cleanup;
        }
    }
    /* Double buffering: batch b decrypts into one half while task 0 hashes
     * batch b - 1 from the other half. */
    verify_job j = {r, NULL, 0, 0, &hash, 0, NULL};
    int half = 0;
    for (uint64_t first = 0;; first += j.count) {
        j.prev = j.slot;
        j.hashed = j.count;
        j.slot = slots + (size_t)half * nslots;
        j.first = first;
        j.count = r->g.full - first < nslots ? (size_t)(r->g.full - first) : nslots;
        if ((ret = pqce_pool_run(r->pool, 1 + j.count, verify_task, &j)) != PQCE_OK) {
            goto cleanup;
        }
        half ^= 1;
        if (j.count == 0) {
            break;
        }
    }
    /* the final chunk, authenticated again */
    if ((ret = open_chunk_into(r, 0, r->g.full, r->chunk)) != PQCE_OK) {
        r->chunk_index = NO_CHUNK;
        goto cleanup;
    }
    r->chunk_index = r->g.full;
    pqce_keccak_absorb(&hash, r->chunk, (size_t)r->g.last_len);
    pqce_keccak_finalize(&hash, PQCE_KECCAK_SUFFIX_SHA3);
    pqce_keccak_squeeze(&hash, digest, sizeof digest);
    ret = pqce_ct_memeq(digest, r->content_hash, 32) ? PQCE_OK : PQCE_ERR_DECRYPT;
cleanup:
    for (size_t i = 0; i < 2 * nslots; i++) {
        if (slots[i] != NULL) {
            pqce_memzero(slots[i], r->g.cs);
            free(slots[i]);
        }
    }
    free(slots);
    pqce_keccak_wipe(&hash);
    return ret;
}
