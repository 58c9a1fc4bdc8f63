/*
 * audit_log.c - the persistent, append-only, hash-chained and authenticated
 * audit log (audit_log.h). docs/AUDIT.md specifies the bytes; the section
 * numbers cited as [AUDIT, n] are that document's.
 *
 * Shape of the code:
 *  - One store object: a 16-byte header, then records, each a u32 length
 *    and a body of bounded fields [AUDIT, 3-4]. Records are only ever
 *    appended; the one exception is the torn-tail repair below, which keeps
 *    every complete record byte for byte.
 *  - Chain: h_-1 = SHA3-256(LABEL_GENESIS | header), h_i = SHA3-256(
 *    LABEL_CHAIN | h_{i-1} | record_i) [AUDIT, 5]. Nothing in a record
 *    repeats h_{i-1}: the reader recomputes it, and the AAD of a sealed
 *    record contains it, so a sealed record that verifies authenticates the
 *    whole chain before it.
 *  - A sealed record (written with the key) encrypts its artifact id, name,
 *    kind, caller and details under a per-record key KMAC256(K, seq | h_{i-1}
 *    | salt) [AUDIT, 6]. A plain record (no key) holds only operation, time,
 *    device, success and details.
 *  - In memory: one audit_rec (40 bytes) per record with its strings
 *    interned, so that query, export and count_gets never re-read the store;
 *    the object itself is read in 64 KiB pieces and never held whole.
 *
 * Invariants (numbered, cited where they are kept):
 *  I1. st->parsed_end is the end of the last complete record that st holds;
 *      bytes after it are either a torn tail (an append in progress or cut
 *      by a crash) or not yet read. No handle ever parses a torn tail.
 *  I2. Appends happen only under the store's writer lock, after the writer
 *      has read every complete record (so seq and h_{i-1} are the log's).
 *  I3. A torn tail is removed only by a writer holding the lock (so it is
 *      not an append in progress), by rewriting the object atomically with
 *      exactly its complete records; nothing a reader parsed ever changes.
 *  I4. A per-record key is used for exactly one encryption: it is derived
 *      from a fresh random salt as well as seq and h_{i-1}, so even a
 *      record re-written at the same position after a truncation gets a
 *      new key [AUDIT, 6.2].
 *  I5. The audit key lives in one locked, non-dumpable page and is wiped by
 *      set_key(NULL) and close; derived keys and plaintexts are stack
 *      locals wiped before every return.
 */
#include "vault/audit_log.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "crypto/aes_gcm.h"
#include "crypto/keccak.h"
#include "crypto/kmac.h"
#include "crypto/siphash.h"
#include "format/bytes.h"
#include "store/store.h"

/* ---- format constants [AUDIT, 3-6] ------------------------------------- */

#define HDR_BYTES   16
#define LEN_BYTES   4
#define FIXED_BYTES 20 /* type, op, success, device_len, seq, time_ms */
#define SALT_BYTES  16
#define PAD_BLOCK   32
#define HASH_BYTES  32

#define TYPE_PLAIN  1u
#define TYPE_SEALED 2u

#define PT_FIELDS_BYTES                                                      \
    (5 * 2 + PQCE_AUDIT_ID_MAX + PQCE_AUDIT_NAME_MAX + PQCE_AUDIT_KIND_MAX + \
     PQCE_AUDIT_CALLER_MAX + PQCE_AUDIT_DETAILS_MAX)
#define PT_MAX   (((PT_FIELDS_BYTES) + PAD_BLOCK - 1) / PAD_BLOCK * PAD_BLOCK) /* 2848 */
#define BODY_MIN (FIXED_BYTES + 2)                                             /* 22 */
#define BODY_MAX \
    (FIXED_BYTES + PQCE_AUDIT_DEVICE_MAX + SALT_BYTES + PT_MAX + PQCE_GCM_TAG_BYTES) /* 3155 */
#define REC_MAX    (LEN_BYTES + BODY_MAX)
#define CLEAR_MAX  (LEN_BYTES + FIXED_BYTES + PQCE_AUDIT_DEVICE_MAX + SALT_BYTES)
#define READ_CHUNK 65536u

static const uint8_t audit_header[HDR_BYTES] = {0x89, 'P',  'Q', 'A', 'L', 0x0D, 0x0A, 0x1A,
                                                0x00, 0x01, 0,   0,   0,   0,    0,    0};

#define LABEL_GENESIS    "pqce-audit/v1/genesis"
#define LABEL_CHAIN      "pqce-audit/v1/chain"
#define LABEL_RECORD_KEY "pqce-audit/v1/record-key"

#define NONE UINT64_MAX

static const char *const op_names[PQCE_AUDIT_OP_COUNT] = {
    "unlock", "lock",
    "put",    "get",
    "delete", "list",
    "save",   "policy_violation",
    "attest", "decryption_failure",
};

const char *pqce_audit_op_name(pqce_audit_op op)
{
    return (unsigned)op < PQCE_AUDIT_OP_COUNT ? op_names[op] : "unknown";
}

/* ---- interned strings ---------------------------------------------------
 * Every string of the log lives once in a table; records hold 32-bit ids.
 * Id 0 is "". The hash is SipHash-2-4 under a random key per handle,
 * because the strings of plain records come from whoever can write the
 * store, and an unkeyed hash would let them fill one bucket (flooding). */

typedef struct strtab {
    char *arena;
    size_t arena_len, arena_cap;
    size_t *offs; /* id -> offset in arena */
    size_t *lens; /* id -> length */
    uint32_t n, ids_cap;
    uint32_t *slots; /* id + 1; 0 = empty */
    size_t nslots;   /* a power of two, at least 2 * n */
    uint32_t last;   /* the id found last (records repeat their neighbours' strings) */
    const uint8_t *hkey;
} strtab;

static uint64_t st_hash(const strtab *t, const char *s, size_t len)
{
    return pqce_siphash24(t->hkey, (const uint8_t *)s, len);
}

static int st_eq(const strtab *t, uint32_t id, const char *s, size_t len)
{
    return t->lens[id] == len && memcmp(t->arena + t->offs[id], s, len) == 0;
}

static const char *st_str(const strtab *t, uint32_t id)
{
    return t->arena + t->offs[id];
}

/* Finds s; returns 1 and *slot_out = its slot, or 0 and the empty slot. */
static int st_find(const strtab *t, const char *s, size_t len, size_t *slot_out)
{
    size_t mask = t->nslots - 1;
    size_t i = (size_t)st_hash(t, s, len) & mask;
    while (t->slots[i] != 0) {
        if (st_eq(t, t->slots[i] - 1, s, len)) {
            *slot_out = i;
            return 1;
        }
        i = (i + 1) & mask;
    }
    *slot_out = i;
    return 0;
}

static int st_rehash(strtab *t, size_t nslots)
{
    uint32_t *ns = calloc(nslots, sizeof *ns);
    if (ns == NULL) {
        return PQCE_ERR_NOMEM;
    }
    free(t->slots);
    t->slots = ns;
    t->nslots = nslots;
    for (uint32_t id = 0; id < t->n; id++) {
        size_t slot;
        (void)st_find(t, t->arena + t->offs[id], t->lens[id], &slot);
        t->slots[slot] = id + 1;
    }
    return PQCE_OK;
}

static int st_intern(strtab *t, const char *s, size_t len, uint32_t *id)
{
    if (len == 0) {
        *id = 0;
        return PQCE_OK;
    }
    if (st_eq(t, t->last, s, len)) {
        *id = t->last;
        return PQCE_OK;
    }
    size_t slot;
    if (st_find(t, s, len, &slot)) {
        *id = t->last = t->slots[slot] - 1;
        return PQCE_OK;
    }
    if (t->n == UINT32_MAX - 1) {
        return PQCE_ERR_NOMEM;
    }
    if (t->n == t->ids_cap) {
        uint32_t ncap = t->ids_cap * 2;
        size_t *no = realloc(t->offs, ncap * sizeof *no);
        if (no == NULL) {
            return PQCE_ERR_NOMEM;
        }
        t->offs = no;
        size_t *nl = realloc(t->lens, ncap * sizeof *nl);
        if (nl == NULL) {
            return PQCE_ERR_NOMEM;
        }
        t->lens = nl;
        t->ids_cap = ncap;
    }
    if (len + 1 > t->arena_cap - t->arena_len) {
        size_t ncap = t->arena_cap;
        while (len + 1 > ncap - t->arena_len) {
            if (ncap > SIZE_MAX / 2) {
                return PQCE_ERR_NOMEM;
            }
            ncap *= 2;
        }
        /* Not realloc: the old arena may hold secrets and must be wiped. */
        char *na = malloc(ncap);
        if (na == NULL) {
            return PQCE_ERR_NOMEM;
        }
        memcpy(na, t->arena, t->arena_len);
        pqce_memzero(t->arena, t->arena_cap);
        free(t->arena);
        t->arena = na;
        t->arena_cap = ncap;
    }
    uint32_t nid = t->n++;
    t->offs[nid] = t->arena_len;
    t->lens[nid] = len;
    memcpy(t->arena + t->arena_len, s, len);
    t->arena[t->arena_len + len] = '\0';
    t->arena_len += len + 1;
    if (2 * (size_t)t->n > t->nslots) {
        int ret = st_rehash(t, t->nslots * 2);
        if (ret != PQCE_OK) {
            t->n--; /* the arena bytes stay unused; the table is still valid */
            return ret;
        }
    } else {
        t->slots[slot] = nid + 1;
    }
    *id = t->last = nid;
    return PQCE_OK;
}

/* 1 and the id if s is in the table. */
static int st_lookup(const strtab *t, const char *s, uint32_t *id)
{
    size_t len = strlen(s), slot;
    if (len == 0) {
        *id = 0;
        return 1;
    }
    if (!st_find(t, s, len, &slot)) {
        return 0;
    }
    *id = t->slots[slot] - 1;
    return 1;
}

static void st_free(strtab *t)
{
    if (t->arena != NULL) {
        pqce_memzero(t->arena, t->arena_cap);
    }
    free(t->arena);
    free(t->offs);
    free(t->lens);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static int st_init(strtab *t, const uint8_t hkey[PQCE_SIPHASH_KEY_BYTES])
{
    memset(t, 0, sizeof *t);
    t->hkey = hkey;
    t->arena_cap = 256;
    t->ids_cap = 16;
    t->nslots = 32;
    t->arena = malloc(t->arena_cap);
    t->offs = malloc(t->ids_cap * sizeof *t->offs);
    t->lens = malloc(t->ids_cap * sizeof *t->lens);
    t->slots = calloc(t->nslots, sizeof *t->slots);
    if (t->arena == NULL || t->offs == NULL || t->lens == NULL || t->slots == NULL) {
        st_free(t);
        return PQCE_ERR_NOMEM;
    }
    t->arena[0] = '\0'; /* id 0: "" (never in the hash slots) */
    t->arena_len = 1;
    t->offs[0] = 0;
    t->lens[0] = 0;
    t->n = 1;
    return PQCE_OK;
}

/* ---- in-memory index ---------------------------------------------------- */

#define RF_SEALED  1u
#define RF_SUCCESS 2u
#define RF_OK      4u /* sealed: the tag verified and the fields decoded */

typedef struct audit_rec {
    uint64_t time_ms;
    uint32_t device;  /* pub */
    uint32_t details; /* pub for a plain record, sec for a sealed one */
    uint32_t artifact_id, artifact_name, artifact_kind, caller; /* sec */
    uint8_t op, flags;
} audit_rec;

/* A successful, authenticated get: the policy's rate window. max_time is
 * the largest time_ms of this and every earlier get, so that a backward
 * scan can stop even if the clock went backwards somewhere. */
typedef struct audit_get {
    uint64_t time_ms, max_time;
    uint32_t kind, caller;
} audit_get;

/* Every CP_EVERY records, where record k starts and the chain value before
 * it, so that h_{c-1} for any c is recomputed from at most CP_EVERY records
 * (pqce_audit_extends) without keeping a hash per record. */
#define CP_EVERY 256u

typedef struct audit_checkpoint {
    uint64_t offset;
    uint8_t prev[HASH_BYTES];
} audit_checkpoint;

typedef struct audit_state {
    uint64_t count;      /* complete records held */
    uint64_t parsed_end; /* I1 */
    uint64_t first_bad;  /* the first inconsistent record, or NONE */
    uint64_t auth_end;   /* records [0, auth_end) are covered by a verified tag */
    uint8_t head[HASH_BYTES];
    int decoded;    /* sealed records were opened with the handle's key */
    int unparsable; /* the bytes at parsed_end are not a record */
    audit_rec *recs;
    size_t recs_cap;
    audit_get *gets;
    size_t ngets, gets_cap;
    audit_checkpoint *cps; /* cps[k]: record k * CP_EVERY */
    size_t ncps, cps_cap;
    strtab pub; /* device ids and plain details: in clear in the store */
    strtab sec; /* decrypted fields: wiped when the key goes */
} audit_state;

/* What the key gives, at the start of one locked, non-dumpable page (I5). */
typedef struct audit_secret {
    uint8_t key[PQCE_AUDIT_KEY_BYTES];
    /* KMAC256(key, ., ., LABEL_RECORD_KEY) after its two constant blocks
     * (the customization and the key) are absorbed: a per-record key then
     * costs one permutation. As secret as the key. */
    pqce_keccak kmac_base;
} audit_secret;

struct pqce_audit_log {
    pqce_store *store;
    char object[PQCE_STORE_NAME_MAX + 1];
    audit_secret *sec; /* in its own page */
    size_t sec_page;
    int has_key;
    pqce_aes_gcm *gcm;                    /* rekeyed per record; freed (wiped) with the key */
    uint8_t hkey[PQCE_SIPHASH_KEY_BYTES]; /* strtab hash key */
    uint32_t lock_timeout_ms;
    uint64_t shrunk_at; /* NONE, or the count after the object shrank under us */
    audit_state *st;
    char detail[160];
};

__attribute__((format(printf, 2, 3))) static void set_detail(pqce_audit_log *log, const char *fmt,
                                                             ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(log->detail, sizeof log->detail, fmt, ap);
    va_end(ap);
}

static void state_free(audit_state *st)
{
    if (st == NULL) {
        return;
    }
    st_free(&st->pub);
    st_free(&st->sec);
    if (st->gets != NULL) {
        pqce_memzero(st->gets, st->gets_cap * sizeof *st->gets);
    }
    free(st->gets);
    free(st->recs);
    free(st->cps);
    free(st);
}

static void genesis(uint8_t h[HASH_BYTES])
{
    pqce_keccak k;
    pqce_keccak_init(&k, PQCE_SHA3_256_RATE);
    pqce_keccak_absorb(&k, (const uint8_t *)LABEL_GENESIS, strlen(LABEL_GENESIS));
    pqce_keccak_absorb(&k, audit_header, HDR_BYTES);
    pqce_keccak_finalize(&k, PQCE_KECCAK_SUFFIX_SHA3);
    pqce_keccak_squeeze(&k, h, HASH_BYTES);
}

static int state_new(pqce_audit_log *log, audit_state **out, int decoded)
{
    audit_state *st = calloc(1, sizeof *st);
    if (st == NULL) {
        return PQCE_ERR_NOMEM;
    }
    st->first_bad = NONE;
    st->decoded = decoded;
    genesis(st->head);
    if (st_init(&st->pub, log->hkey) != PQCE_OK || st_init(&st->sec, log->hkey) != PQCE_OK) {
        state_free(st);
        return PQCE_ERR_NOMEM;
    }
    *out = st;
    return PQCE_OK;
}

static void mark_bad(audit_state *st, uint64_t i)
{
    if (st->first_bad == NONE) {
        st->first_bad = i;
    }
}

/* ---- record parsing [AUDIT, 4] ------------------------------------------ */

typedef struct parsed {
    uint8_t type, op, success;
    uint64_t seq, time_ms;
    const uint8_t *device, *details, *salt, *ct, *tag;
    size_t device_len, details_len, ct_len;
    size_t clear_len; /* sealed: bytes from the length through the salt (the AAD) */
} parsed;

static int has_nul(const uint8_t *p, size_t n)
{
    return n > 0 && memchr(p, 0, n) != NULL;
}

/* Parses the clear part of a complete record (rec_len = 4 + body). Every
 * length is checked against the bytes present and its bound; the body must
 * be consumed exactly (one encoding per record). */
static int parse_clear(const uint8_t *rec, size_t rec_len, parsed *p)
{
    pqce_br r;
    memset(p, 0, sizeof *p);
    pqce_br_init(&r, rec, rec_len);
    uint32_t len = pqce_br_u32(&r);
    p->type = pqce_br_u8(&r);
    p->op = pqce_br_u8(&r);
    p->success = pqce_br_u8(&r);
    p->device_len = pqce_br_u8(&r);
    p->seq = pqce_br_u64(&r);
    p->time_ms = pqce_br_u64(&r);
    p->device = pqce_br_bytes(&r, p->device_len);
    if (r.underrun || len != rec_len - LEN_BYTES || p->op >= PQCE_AUDIT_OP_COUNT ||
        p->success > 1 || has_nul(p->device, p->device_len)) {
        return PQCE_ERR_FORMAT;
    }
    if (p->type == TYPE_PLAIN) {
        p->details_len = pqce_br_u16(&r);
        p->details = pqce_br_bytes(&r, p->details_len);
        if (r.underrun || r.pos != rec_len || p->details_len > PQCE_AUDIT_DETAILS_MAX ||
            has_nul(p->details, p->details_len)) {
            return PQCE_ERR_FORMAT;
        }
        return PQCE_OK;
    }
    if (p->type != TYPE_SEALED) {
        return PQCE_ERR_FORMAT;
    }
    p->salt = pqce_br_bytes(&r, SALT_BYTES);
    p->clear_len = r.pos;
    if (r.underrun || rec_len - r.pos < PAD_BLOCK + PQCE_GCM_TAG_BYTES) {
        return PQCE_ERR_FORMAT;
    }
    p->ct_len = rec_len - r.pos - PQCE_GCM_TAG_BYTES;
    if (p->ct_len % PAD_BLOCK != 0 || p->ct_len > PT_MAX) {
        return PQCE_ERR_FORMAT;
    }
    p->ct = pqce_br_bytes(&r, p->ct_len);
    p->tag = pqce_br_bytes(&r, PQCE_GCM_TAG_BYTES);
    return r.underrun || r.pos != rec_len ? PQCE_ERR_FORMAT : PQCE_OK;
}

/* rk = KMAC256(K, BE64(seq) | prev | salt, 256, LABEL_RECORD_KEY) [AUDIT, 6.1],
 * continued from the precomputed state of K and the label. */
static void record_key(uint8_t rk[PQCE_AES256_KEY_BYTES], const audit_secret *sec, uint64_t seq,
                       const uint8_t prev[HASH_BYTES], const uint8_t salt[SALT_BYTES])
{
    uint8_t x[8 + HASH_BYTES + SALT_BYTES];
    pqce_keccak k = sec->kmac_base;
    pqce_store_be64(x, seq);
    memcpy(x + 8, prev, HASH_BYTES);
    memcpy(x + 8 + HASH_BYTES, salt, SALT_BYTES);
    pqce_keccak_absorb(&k, x, sizeof x);
    pqce_kmac_final(&k, rk, PQCE_AES256_KEY_BYTES);
    pqce_keccak_wipe(&k);
}

static int gcm_key(pqce_audit_log *log, const uint8_t rk[PQCE_AES256_KEY_BYTES])
{
    return log->gcm == NULL ? pqce_aes_gcm_new(&log->gcm, rk) : pqce_aes_gcm_rekey(log->gcm, rk);
}

/* A per-record key is used once (I4), so the nonce can be a constant. */
static const uint8_t zero_nonce[PQCE_GCM_NONCE_BYTES];

/* The five secret fields of a sealed record, in their order [AUDIT, 4.3]. */
typedef struct sealed_fields {
    const uint8_t *f[5];
    size_t len[5];
} sealed_fields;

static int intern_sealed(audit_state *st, const sealed_fields *sf, audit_rec *r)
{
    uint32_t ids[5];
    for (int i = 0; i < 5; i++) {
        int ret = st_intern(&st->sec, (const char *)sf->f[i], sf->len[i], &ids[i]);
        if (ret != PQCE_OK) {
            return ret;
        }
    }
    r->artifact_id = ids[0];
    r->artifact_name = ids[1];
    r->artifact_kind = ids[2];
    r->caller = ids[3];
    r->details = ids[4];
    return PQCE_OK;
}

/*
 * Opens a sealed record (prev = h_{i-1} as this reader computed it) and
 * interns its fields into st->sec. PQCE_ERR_DECRYPT: the tag does not
 * verify, or the plaintext is not canonical (which only a key holder could
 * have written: it is treated like a bad tag).
 */
static int open_sealed(pqce_audit_log *log, audit_state *st, const parsed *p, const uint8_t *rec,
                       audit_rec *r)
{
    uint8_t rk[PQCE_AES256_KEY_BYTES], pt[PT_MAX], aad[HASH_BYTES + CLEAR_MAX];
    sealed_fields sf;
    int ret;

    record_key(rk, log->sec, p->seq, st->head, p->salt);
    memcpy(aad, st->head, HASH_BYTES);
    memcpy(aad + HASH_BYTES, rec, p->clear_len);
    if ((ret = gcm_key(log, rk)) != PQCE_OK) {
        goto cleanup;
    }
    ret = pqce_aes_gcm_open(log->gcm, pt, p->ct, p->ct_len, p->tag, aad, HASH_BYTES + p->clear_len,
                            zero_nonce, sizeof zero_nonce);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    static const size_t bounds[5] = {PQCE_AUDIT_ID_MAX, PQCE_AUDIT_NAME_MAX, PQCE_AUDIT_KIND_MAX,
                                     PQCE_AUDIT_CALLER_MAX, PQCE_AUDIT_DETAILS_MAX};
    pqce_br b;
    pqce_br_init(&b, pt, p->ct_len);
    for (int i = 0; i < 5; i++) {
        sf.len[i] = pqce_br_u16(&b);
        sf.f[i] = pqce_br_bytes(&b, sf.len[i]);
        if (b.underrun || sf.len[i] > bounds[i] || has_nul(sf.f[i], sf.len[i])) {
            ret = PQCE_ERR_DECRYPT;
            goto cleanup;
        }
    }
    /* Canonical padding: the fewest zero bytes that reach a multiple of 32. */
    size_t pad = p->ct_len - b.pos;
    uint8_t nz = 0;
    for (size_t i = b.pos; i < p->ct_len; i++) {
        nz |= pt[i];
    }
    if (pad >= PAD_BLOCK || nz != 0) {
        ret = PQCE_ERR_DECRYPT;
        goto cleanup;
    }
    ret = intern_sealed(st, &sf, r);
cleanup:
    pqce_memzero(rk, sizeof rk);
    pqce_memzero(pt, sizeof pt);
    return ret;
}

static int push_get(audit_state *st, const audit_rec *r)
{
    if (st->ngets == st->gets_cap) {
        size_t ncap = st->gets_cap ? st->gets_cap * 2 : 64;
        audit_get *n = malloc(ncap * sizeof *n);
        if (n == NULL) {
            return PQCE_ERR_NOMEM;
        }
        if (st->ngets > 0) {
            memcpy(n, st->gets, st->ngets * sizeof *n);
            pqce_memzero(st->gets, st->gets_cap * sizeof *st->gets);
        }
        free(st->gets);
        st->gets = n;
        st->gets_cap = ncap;
    }
    audit_get *g = &st->gets[st->ngets];
    g->time_ms = r->time_ms;
    g->max_time = r->time_ms;
    if (st->ngets > 0 && st->gets[st->ngets - 1].max_time > g->max_time) {
        g->max_time = st->gets[st->ngets - 1].max_time;
    }
    g->kind = r->artifact_kind;
    g->caller = r->caller;
    st->ngets++;
    return PQCE_OK;
}

/*
 * Adds one complete record (its bytes, length prefix included) to st: the
 * index entry, the sequence check, the tag (when st is decoded) and the
 * chain. known: the fields of a record this handle has just sealed, which
 * need no decryption. On PQCE_ERR_FORMAT st is unchanged but marked
 * unparsable.
 */
static int ingest(pqce_audit_log *log, audit_state *st, const uint8_t *rec, size_t rec_len,
                  const sealed_fields *known)
{
    parsed p;
    int ret = parse_clear(rec, rec_len, &p);
    if (ret != PQCE_OK) {
        st->unparsable = 1;
        mark_bad(st, st->count);
        set_detail(log, "audit record %llu does not parse", (unsigned long long)st->count);
        return ret;
    }
    if (st->count % CP_EVERY == 0) {
        if (st->ncps == st->cps_cap) {
            size_t ncap = st->cps_cap ? st->cps_cap * 2 : 16;
            audit_checkpoint *n = realloc(st->cps, ncap * sizeof *n);
            if (n == NULL) {
                return PQCE_ERR_NOMEM;
            }
            st->cps = n;
            st->cps_cap = ncap;
        }
        if (st->ncps == st->count / CP_EVERY) {
            st->cps[st->ncps].offset = st->parsed_end;
            memcpy(st->cps[st->ncps].prev, st->head, HASH_BYTES);
            st->ncps++;
        }
    }
    if (st->count == st->recs_cap) {
        if (st->recs_cap > SIZE_MAX / 2 / sizeof *st->recs) {
            return PQCE_ERR_NOMEM;
        }
        size_t ncap = st->recs_cap ? st->recs_cap * 2 : 256;
        audit_rec *n = realloc(st->recs, ncap * sizeof *n);
        if (n == NULL) {
            return PQCE_ERR_NOMEM;
        }
        st->recs = n;
        st->recs_cap = ncap;
    }
    audit_rec r;
    memset(&r, 0, sizeof r);
    r.time_ms = p.time_ms;
    r.op = p.op;
    r.flags = (uint8_t)((p.type == TYPE_SEALED ? RF_SEALED : 0u) | (p.success ? RF_SUCCESS : 0u));
    if ((ret = st_intern(&st->pub, (const char *)p.device, p.device_len, &r.device)) != PQCE_OK) {
        return ret;
    }
    int bad = p.seq != st->count;
    if (p.type == TYPE_PLAIN) {
        ret = st_intern(&st->pub, (const char *)p.details, p.details_len, &r.details);
        if (ret != PQCE_OK) {
            return ret;
        }
    } else if (st->decoded) {
        ret = known != NULL ? intern_sealed(st, known, &r) : open_sealed(log, st, &p, rec, &r);
        if (ret == PQCE_OK) {
            r.flags |= RF_OK;
        } else if (ret == PQCE_ERR_DECRYPT) {
            bad = 1; /* r's secret fields stay 0 (""): nothing unauthenticated is shown */
        } else {
            return ret;
        }
        if (ret == PQCE_OK && r.op == PQCE_AUDIT_GET && (r.flags & RF_SUCCESS) &&
            (ret = push_get(st, &r)) != PQCE_OK) {
            return ret;
        }
    }
    if (bad) {
        mark_bad(st, st->count);
    } else if ((r.flags & RF_OK) && st->first_bad == NONE) {
        st->auth_end = st->count + 1;
    }
    /* h_i = SHA3-256(LABEL_CHAIN | h_{i-1} | record_i) [AUDIT, 5]. */
    pqce_keccak k;
    pqce_keccak_init(&k, PQCE_SHA3_256_RATE);
    pqce_keccak_absorb(&k, (const uint8_t *)LABEL_CHAIN, strlen(LABEL_CHAIN));
    pqce_keccak_absorb(&k, st->head, HASH_BYTES);
    pqce_keccak_absorb(&k, rec, rec_len);
    pqce_keccak_finalize(&k, PQCE_KECCAK_SUFFIX_SHA3);
    pqce_keccak_squeeze(&k, st->head, HASH_BYTES);
    st->recs[st->count++] = r;
    st->parsed_end += rec_len;
    return PQCE_OK;
}

/* ---- reading the object -------------------------------------------------- */

typedef struct reader {
    pqce_store *store;
    const char *name;
    uint64_t size;    /* the object's size when the scan began */
    uint64_t buf_off; /* object offset of buf[0] */
    uint8_t *buf;
    size_t len;
} reader;

/* Makes [off, off + n) available; needs off + n <= size and n <= READ_CHUNK. */
static int rd_get(reader *r, uint64_t off, size_t n, const uint8_t **p)
{
    if (off < r->buf_off || off + n > r->buf_off + r->len) {
        size_t keep = 0;
        if (off >= r->buf_off && off < r->buf_off + r->len) {
            keep = (size_t)(r->buf_off + r->len - off);
            memmove(r->buf, r->buf + (off - r->buf_off), keep);
        }
        r->buf_off = off;
        r->len = keep;
        uint64_t avail = r->size - (off + keep);
        size_t want = READ_CHUNK - keep;
        if (avail < want) {
            want = (size_t)avail;
        }
        int ret = pqce_store_read(r->store, r->name, r->buf + keep, want, off + keep);
        if (ret != PQCE_OK) {
            return ret == PQCE_ERR_NOT_FOUND ? PQCE_ERR_IO : ret;
        }
        r->len = keep + want;
    }
    *p = r->buf + (off - r->buf_off);
    return PQCE_OK;
}

typedef struct capture {
    uint64_t at; /* capture h_{at-1} when the count reaches at (0: never) */
    uint8_t head[HASH_BYTES];
    int done;
} capture;

/*
 * Parses the complete records of [st->parsed_end, size) into st. *torn
 * receives the number of bytes after the last complete record (I1). Errors:
 * PQCE_ERR_FORMAT (st marked unparsable), PQCE_ERR_IO, PQCE_ERR_NOMEM,
 * PQCE_ERR_CRYPTO.
 */
static int scan(pqce_audit_log *log, audit_state *st, uint64_t size, uint64_t *torn, capture *cap)
{
    reader r = {log->store, log->object, size, 0, NULL, 0};
    const uint8_t *p;
    uint64_t off = st->parsed_end;
    int ret = PQCE_OK;

    *torn = 0;
    if (off >= size) {
        return PQCE_OK;
    }
    if ((r.buf = malloc(READ_CHUNK)) == NULL) {
        return PQCE_ERR_NOMEM;
    }
    r.buf_off = off;
    if (off == 0) {
        size_t n = size < HDR_BYTES ? (size_t)size : HDR_BYTES;
        if ((ret = rd_get(&r, 0, n, &p)) != PQCE_OK) {
            goto out;
        }
        if (memcmp(p, audit_header, n) != 0) {
            st->unparsable = 1;
            mark_bad(st, 0);
            set_detail(log, "not an audit log (bad header)");
            ret = PQCE_ERR_FORMAT;
            goto out;
        }
        if (n < HDR_BYTES) {
            *torn = size; /* a header cut short: the log is still empty */
            goto out;
        }
        off = st->parsed_end = HDR_BYTES;
    }
    while (off < size) {
        if (size - off < LEN_BYTES) {
            *torn = size - off;
            break;
        }
        if ((ret = rd_get(&r, off, LEN_BYTES, &p)) != PQCE_OK) {
            goto out;
        }
        uint32_t len = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        if (len < BODY_MIN || len > BODY_MAX) {
            st->unparsable = 1;
            mark_bad(st, st->count);
            set_detail(log, "audit record %llu has an invalid length",
                       (unsigned long long)st->count);
            ret = PQCE_ERR_FORMAT;
            goto out;
        }
        if (size - off - LEN_BYTES < len) {
            *torn = size - off;
            break;
        }
        if ((ret = rd_get(&r, off, LEN_BYTES + (size_t)len, &p)) != PQCE_OK ||
            (ret = ingest(log, st, p, LEN_BYTES + (size_t)len, NULL)) != PQCE_OK) {
            goto out;
        }
        off += LEN_BYTES + (uint64_t)len;
        if (cap != NULL && cap->at != 0 && st->count == cap->at) {
            memcpy(cap->head, st->head, HASH_BYTES);
            cap->done = 1;
        }
    }
out:
    free(r.buf);
    return ret;
}

static int object_size(pqce_audit_log *log, uint64_t *size)
{
    int ret = pqce_store_size(log->store, log->object, size);
    if (ret == PQCE_ERR_NOT_FOUND) {
        *size = 0;
        ret = PQCE_OK;
    }
    return ret;
}

/*
 * Reads the whole object into a new state (decoded if the handle has a
 * key) and, unless reading failed for a reason other than a bad record,
 * makes it the handle's state. A log that holds fewer records than the
 * handle had seen was cut back: shrunk_at remembers it.
 */
static int rebuild(pqce_audit_log *log, capture *cap, uint64_t *torn)
{
    audit_state *ns = NULL;
    uint64_t size;
    int ret = object_size(log, &size);
    if (ret != PQCE_OK || (ret = state_new(log, &ns, log->has_key)) != PQCE_OK) {
        return ret;
    }
    ret = scan(log, ns, size, torn, cap);
    if (ret != PQCE_OK && ret != PQCE_ERR_FORMAT) {
        state_free(ns);
        return ret;
    }
    if (log->st != NULL && ns->count < log->st->count && ns->count < log->shrunk_at) {
        log->shrunk_at = ns->count;
    }
    state_free(log->st);
    log->st = ns;
    return ret;
}

/*
 * Rewrites the object with exactly its complete records (I3); only called
 * with the writer lock held.
 */
static int repair_torn_tail(pqce_audit_log *log, uint64_t keep)
{
    void *h = NULL;
    uint8_t *buf = NULL;
    int ret = pqce_store_write_begin(log->store, &h, log->object);
    if (ret != PQCE_OK) {
        return ret;
    }
    if (keep > 0 && (buf = malloc(READ_CHUNK)) == NULL) {
        ret = PQCE_ERR_NOMEM;
    }
    for (uint64_t off = 0; ret == PQCE_OK && off < keep;) {
        size_t n = keep - off < READ_CHUNK ? (size_t)(keep - off) : READ_CHUNK;
        ret = pqce_store_read(log->store, log->object, buf, n, off);
        if (ret == PQCE_OK) {
            ret = pqce_store_write(log->store, h, buf, n);
        }
        off += n;
    }
    free(buf);
    if (ret != PQCE_OK) {
        pqce_store_write_abort(log->store, h);
        return ret;
    }
    return pqce_store_write_commit(log->store, h);
}

/*
 * Reads what other handles appended. With repair (the caller holds the
 * writer lock), a torn tail is cut off (I3). Errors: PQCE_ERR_FORMAT (the
 * new bytes are not records), PQCE_ERR_IO, PQCE_ERR_NOMEM, PQCE_ERR_CRYPTO.
 */
static int catch_up(pqce_audit_log *log, int repair)
{
    uint64_t size, torn = 0;
    int ret = object_size(log, &size);
    if (ret != PQCE_OK) {
        return ret;
    }
    if (log->st->unparsable) {
        /* Nothing after an unparsable record can be framed: re-read all,
         * in case the object was replaced by a valid one. */
        ret = rebuild(log, NULL, &torn);
    } else if (size < log->st->parsed_end) {
        ret = rebuild(log, NULL, &torn);
        if (ret == PQCE_OK || ret == PQCE_ERR_FORMAT) {
            set_detail(log, "the audit log shrank under this handle to %llu records",
                       (unsigned long long)log->st->count);
        }
    } else {
        ret = scan(log, log->st, size, &torn, NULL);
    }
    if (ret == PQCE_OK && torn > 0 && repair) {
        ret = repair_torn_tail(log, log->st->parsed_end);
    }
    return ret;
}

/* ---- open, key, close ----------------------------------------------------- */

static void key_wipe(pqce_audit_log *log)
{
    if (log->sec != NULL) {
        pqce_memzero(log->sec, sizeof *log->sec);
    }
    log->has_key = 0;
    pqce_aes_gcm_free(log->gcm);
    log->gcm = NULL;
}

/* Forgets everything the key revealed: decrypted fields and the get index. */
static void forget_decoded(audit_state *st)
{
    if (st == NULL || !st->decoded) {
        return;
    }
    st_free(&st->sec);
    for (uint64_t i = 0; i < st->count; i++) {
        audit_rec *r = &st->recs[i];
        if (r->flags & RF_SEALED) {
            r->details = r->artifact_id = r->artifact_name = r->artifact_kind = r->caller = 0;
            r->flags &= (uint8_t)~RF_OK;
        }
    }
    if (st->gets != NULL) {
        pqce_memzero(st->gets, st->gets_cap * sizeof *st->gets);
    }
    free(st->gets);
    st->gets = NULL;
    st->ngets = st->gets_cap = 0;
    st->decoded = 0;
}

int pqce_audit_open(pqce_audit_log **log, pqce_store *store, const char *object)
{
    if (log == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *log = NULL;
    if (store == NULL || !pqce_store_name_ok(object)) {
        return PQCE_ERR_INVALID_ARG;
    }
    pqce_audit_log *l = calloc(1, sizeof *l);
    if (l == NULL) {
        return PQCE_ERR_NOMEM;
    }
    l->store = store;
    memcpy(l->object, object, strlen(object) + 1); /* at most PQCE_STORE_NAME_MAX bytes */
    l->lock_timeout_ms = PQCE_AUDIT_LOCK_TIMEOUT_MS;
    l->shrunk_at = NONE;
    long page = sysconf(_SC_PAGESIZE);
    l->sec_page = page > 0 ? (size_t)page : 4096;
    void *kp = mmap(NULL, l->sec_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int ret;
    if (kp == MAP_FAILED) {
        free(l);
        return PQCE_ERR_NOMEM;
    }
    l->sec = kp;
    /* Best effort (I5): RLIMIT_MEMLOCK may refuse; the key is still wiped. */
    (void)mlock(kp, l->sec_page);
#ifdef MADV_DONTDUMP
    (void)madvise(kp, l->sec_page, MADV_DONTDUMP);
#endif
    uint64_t torn;
    if ((ret = pqce_random_bytes(NULL, l->hkey, sizeof l->hkey)) != PQCE_OK ||
        (ret = rebuild(l, NULL, &torn)) != PQCE_OK) {
        pqce_audit_close(l);
        return ret;
    }
    *log = l;
    return PQCE_OK;
}

void pqce_audit_close(pqce_audit_log *log)
{
    if (log == NULL) {
        return;
    }
    key_wipe(log);
    state_free(log->st);
    if (log->sec != NULL) {
        munlock(log->sec, log->sec_page);
        munmap(log->sec, log->sec_page);
    }
    pqce_memzero(log->hkey, sizeof log->hkey);
    free(log);
}

void pqce_audit_set_key(pqce_audit_log *log, const uint8_t key[PQCE_AUDIT_KEY_BYTES])
{
    if (log == NULL) {
        return;
    }
    if (key != NULL && log->has_key && pqce_ct_memeq(log->sec->key, key, PQCE_AUDIT_KEY_BYTES)) {
        return; /* the same key: what was decoded stays valid */
    }
    key_wipe(log);
    forget_decoded(log->st);
    if (key != NULL) {
        memcpy(log->sec->key, key, PQCE_AUDIT_KEY_BYTES);
        pqce_kmac_init(&log->sec->kmac_base, PQCE_SHAKE256_RATE, log->sec->key,
                       PQCE_AUDIT_KEY_BYTES, (const uint8_t *)LABEL_RECORD_KEY,
                       strlen(LABEL_RECORD_KEY));
        log->has_key = 1;
        if (log->st->count == 0) {
            log->st->decoded = 1; /* nothing to open: no re-read needed */
        }
    }
}

void pqce_audit_set_lock_timeout(pqce_audit_log *log, uint32_t timeout_ms)
{
    if (log != NULL) {
        log->lock_timeout_ms = timeout_ms;
    }
}

const char *pqce_audit_detail(const pqce_audit_log *log)
{
    return log != NULL ? log->detail : "";
}

void pqce_audit_head(const pqce_audit_log *log, uint64_t *count, uint8_t head[32])
{
    if (count != NULL) {
        *count = log != NULL ? log->st->count : 0;
    }
    if (head != NULL) {
        if (log != NULL) {
            memcpy(head, log->st->head, HASH_BYTES);
        } else {
            memset(head, 0, HASH_BYTES);
        }
    }
}

int pqce_audit_refresh(pqce_audit_log *log)
{
    if (log == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    return catch_up(log, 0);
}

/* h_{count-1} recomputed from the bytes of the store, starting at the
 * checkpoint before it [AUDIT, 5]. A record that no longer parses there
 * means the bytes changed: PQCE_ERR_DECRYPT. */
static int chain_at(pqce_audit_log *log, uint64_t count, uint8_t h[HASH_BYTES])
{
    const audit_state *st = log->st;
    const audit_checkpoint *cp = &st->cps[(count - 1) / CP_EVERY];
    uint64_t first = (count - 1) / CP_EVERY * CP_EVERY;
    reader r = {log->store, log->object, st->parsed_end, cp->offset, NULL, 0};
    const uint8_t *p;
    uint64_t off = cp->offset;
    int ret = PQCE_OK;

    if ((r.buf = malloc(READ_CHUNK)) == NULL) {
        return PQCE_ERR_NOMEM;
    }
    memcpy(h, cp->prev, HASH_BYTES);
    for (uint64_t i = first; i < count; i++) {
        if (st->parsed_end - off < LEN_BYTES || (ret = rd_get(&r, off, LEN_BYTES, &p)) != PQCE_OK) {
            ret = ret != PQCE_OK ? ret : PQCE_ERR_DECRYPT;
            break;
        }
        uint32_t len = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
        if (len < BODY_MIN || len > BODY_MAX || st->parsed_end - off - LEN_BYTES < len) {
            ret = PQCE_ERR_DECRYPT;
            break;
        }
        if ((ret = rd_get(&r, off, LEN_BYTES + (size_t)len, &p)) != PQCE_OK) {
            break;
        }
        pqce_keccak k;
        pqce_keccak_init(&k, PQCE_SHA3_256_RATE);
        pqce_keccak_absorb(&k, (const uint8_t *)LABEL_CHAIN, strlen(LABEL_CHAIN));
        pqce_keccak_absorb(&k, h, HASH_BYTES);
        pqce_keccak_absorb(&k, p, LEN_BYTES + (size_t)len);
        pqce_keccak_finalize(&k, PQCE_KECCAK_SUFFIX_SHA3);
        pqce_keccak_squeeze(&k, h, HASH_BYTES);
        off += LEN_BYTES + (uint64_t)len;
    }
    free(r.buf);
    return ret;
}

int pqce_audit_extends(pqce_audit_log *log, uint64_t count, const uint8_t head[32])
{
    uint8_t h[HASH_BYTES];
    if (log == NULL || (count > 0 && head == NULL)) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (count == 0) {
        return PQCE_OK;
    }
    if (count > log->st->count) {
        set_detail(log, "the audit log holds fewer records than the %llu saved",
                   (unsigned long long)count);
        return PQCE_ERR_DECRYPT;
    }
    int ret = PQCE_OK;
    if (count == log->st->count) {
        memcpy(h, log->st->head, HASH_BYTES);
    } else if ((ret = chain_at(log, count, h)) != PQCE_OK) {
        return ret;
    }
    if (memcmp(h, head, HASH_BYTES) != 0) {
        set_detail(log, "the first %llu audit records are not those saved",
                   (unsigned long long)count);
        return PQCE_ERR_DECRYPT;
    }
    return PQCE_OK;
}

/* ---- append [AUDIT, 4, 6] ------------------------------------------------- */

static size_t field_len(const char *s)
{
    return s != NULL ? strlen(s) : 0;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0 || ts.tv_sec < 0) {
        return 0;
    }
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Encodes the record at seq after prev into out (at least REC_MAX bytes). */
static int build_record(pqce_audit_log *log, const pqce_audit_record *rec, uint64_t seq,
                        uint64_t time_ms, const uint8_t prev[HASH_BYTES], uint8_t *out,
                        size_t *out_len, sealed_fields *known)
{
    const char *dev = rec->device_id != NULL ? rec->device_id : "";
    const char *det = rec->details != NULL ? rec->details : "";
    size_t dev_len = strlen(dev), det_len = strlen(det);
    pqce_bw w;
    int ret = PQCE_OK;

    pqce_bw_init(&w, out, REC_MAX);
    if (!log->has_key) {
        /* Locked: only what is not secret [AUDIT, 4.2]. */
        pqce_bw_u32(&w, (uint32_t)(FIXED_BYTES + dev_len + 2 + det_len));
        pqce_bw_u8(&w, TYPE_PLAIN);
        pqce_bw_u8(&w, (uint8_t)rec->op);
        pqce_bw_u8(&w, rec->success ? 1 : 0);
        pqce_bw_u8(&w, (uint8_t)dev_len);
        pqce_bw_u64(&w, seq);
        pqce_bw_u64(&w, time_ms);
        pqce_bw_bytes(&w, dev, dev_len);
        pqce_bw_u16(&w, (uint16_t)det_len);
        pqce_bw_bytes(&w, det, det_len);
        *out_len = w.len;
        return w.overflow ? PQCE_ERR_INVALID_ARG : PQCE_OK;
    }

    const char *f[5] = {rec->artifact_id, rec->artifact_name, rec->artifact_kind, rec->caller, det};
    uint8_t pt[PT_MAX], rk[PQCE_AES256_KEY_BYTES], salt[SALT_BYTES];
    uint8_t aad[HASH_BYTES + CLEAR_MAX];
    pqce_bw pw;
    pqce_bw_init(&pw, pt, sizeof pt);
    for (int i = 0; i < 5; i++) {
        size_t n = field_len(f[i]);
        known->f[i] = (const uint8_t *)(f[i] != NULL ? f[i] : "");
        known->len[i] = n;
        pqce_bw_u16(&pw, (uint16_t)n);
        pqce_bw_bytes(&pw, known->f[i], n);
    }
    size_t pt_len = (pw.len + PAD_BLOCK - 1) / PAD_BLOCK * PAD_BLOCK;
    if (pw.overflow || pt_len > sizeof pt) {
        ret = PQCE_ERR_INVALID_ARG;
        goto cleanup;
    }
    memset(pt + pw.len, 0, pt_len - pw.len);
    if ((ret = pqce_random_bytes(NULL, salt, sizeof salt)) != PQCE_OK) {
        goto cleanup;
    }
    pqce_bw_u32(&w, (uint32_t)(FIXED_BYTES + dev_len + SALT_BYTES + pt_len + PQCE_GCM_TAG_BYTES));
    pqce_bw_u8(&w, TYPE_SEALED);
    pqce_bw_u8(&w, (uint8_t)rec->op);
    pqce_bw_u8(&w, rec->success ? 1 : 0);
    pqce_bw_u8(&w, (uint8_t)dev_len);
    pqce_bw_u64(&w, seq);
    pqce_bw_u64(&w, time_ms);
    pqce_bw_bytes(&w, dev, dev_len);
    pqce_bw_bytes(&w, salt, sizeof salt);
    size_t clear_len = w.len;
    if (w.overflow || clear_len + pt_len + PQCE_GCM_TAG_BYTES > REC_MAX) {
        ret = PQCE_ERR_INVALID_ARG;
        goto cleanup;
    }
    record_key(rk, log->sec, seq, prev, salt);
    memcpy(aad, prev, HASH_BYTES);
    memcpy(aad + HASH_BYTES, out, clear_len);
    if ((ret = gcm_key(log, rk)) != PQCE_OK) {
        goto cleanup;
    }
    ret = pqce_aes_gcm_seal(log->gcm, out + clear_len, out + clear_len + pt_len, pt, pt_len, aad,
                            HASH_BYTES + clear_len, zero_nonce, sizeof zero_nonce);
    *out_len = clear_len + pt_len + PQCE_GCM_TAG_BYTES;
cleanup:
    pqce_memzero(pt, sizeof pt);
    pqce_memzero(rk, sizeof rk);
    return ret;
}

static int record_ok(const pqce_audit_record *rec)
{
    return rec != NULL && (unsigned)rec->op < PQCE_AUDIT_OP_COUNT &&
           field_len(rec->device_id) <= PQCE_AUDIT_DEVICE_MAX &&
           field_len(rec->artifact_id) <= PQCE_AUDIT_ID_MAX &&
           field_len(rec->artifact_name) <= PQCE_AUDIT_NAME_MAX &&
           field_len(rec->artifact_kind) <= PQCE_AUDIT_KIND_MAX &&
           field_len(rec->caller) <= PQCE_AUDIT_CALLER_MAX &&
           field_len(rec->details) <= PQCE_AUDIT_DETAILS_MAX;
}

int pqce_audit_append(pqce_audit_log *log, const pqce_audit_record *rec, int store_locked)
{
    uint8_t buf[HDR_BYTES + REC_MAX];
    size_t hdr = 0, rec_len = 0;
    sealed_fields known;
    int ret, locked = 0;

    if (log == NULL || !record_ok(rec)) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (!store_locked) {
        if ((ret = pqce_store_lock(log->store, log->lock_timeout_ms)) != PQCE_OK) {
            return ret;
        }
        locked = 1;
    }
    /* I2: every complete record read before this one is placed. */
    if ((ret = catch_up(log, 1)) != PQCE_OK) {
        goto out;
    }
    audit_state *st = log->st;
    if (st->parsed_end == 0) {
        memcpy(buf, audit_header, HDR_BYTES);
        hdr = HDR_BYTES;
    }
    uint64_t t = rec->time_ms != 0 ? rec->time_ms : now_ms();
    if ((ret = build_record(log, rec, st->count, t, st->head, buf + hdr, &rec_len, &known)) !=
            PQCE_OK ||
        (ret = pqce_store_append(log->store, log->object, buf, hdr + rec_len)) != PQCE_OK) {
        goto out;
    }
    st->parsed_end += hdr;
    ret = ingest(log, st, buf + hdr, rec_len, log->has_key ? &known : NULL);
out:
    if (locked) {
        pqce_store_unlock(log->store);
    }
    return ret;
}

/* ---- reading with the key -------------------------------------------------- */

/* Brings the state up to date and decoded for a reader. A record that does
 * not parse ends what can be read (the state says so: count_gets refuses,
 * verify reports it) but does not stop query or export. */
static int prepare_read(pqce_audit_log *log)
{
    uint64_t torn;
    if (!log->has_key) {
        return PQCE_ERR_LOCKED;
    }
    int ret = log->st->decoded ? catch_up(log, 0) : rebuild(log, NULL, &torn);
    if (ret == PQCE_ERR_FORMAT && log->st->decoded) {
        ret = PQCE_OK;
    }
    return ret;
}

static int entry_authenticated(const audit_state *st, uint64_t i)
{
    return i < st->auth_end;
}

static void make_entry(const audit_state *st, uint64_t i, pqce_audit_entry *e)
{
    const audit_rec *r = &st->recs[i];
    const strtab *dt = (r->flags & RF_SEALED) ? &st->sec : &st->pub;
    e->seq = i;
    e->time_ms = r->time_ms;
    e->operation = op_names[r->op];
    e->device_id = st_str(&st->pub, r->device);
    e->artifact_id = st_str(&st->sec, r->artifact_id);
    e->artifact_name = st_str(&st->sec, r->artifact_name);
    e->artifact_kind = st_str(&st->sec, r->artifact_kind);
    e->caller = st_str(&st->sec, r->caller);
    e->success = (r->flags & RF_SUCCESS) ? 1 : 0;
    e->details = st_str(dt, r->details);
    e->authenticated = entry_authenticated(st, i);
}

static int query_ok(const pqce_audit_query *q)
{
    return q == NULL || q->version == PQCE_AUDIT_QUERY_VERSION;
}

/* The newest `limit` records matching q, newest first, into *idx. */
static int select_matches(const audit_state *st, const pqce_audit_query *q, uint64_t **idx,
                          size_t *n)
{
    size_t limit = q != NULL && q->limit != 0 ? q->limit : PQCE_AUDIT_DEFAULT_LIMIT;
    int op = -1, possible = 1;
    uint32_t dev = 0, art = 0;

    *idx = NULL;
    *n = 0;
    if (q != NULL && q->operation != NULL && q->operation[0] != '\0') {
        possible = 0;
        for (int i = 0; i < PQCE_AUDIT_OP_COUNT; i++) {
            if (strcmp(q->operation, op_names[i]) == 0) {
                op = i;
                possible = 1;
            }
        }
    }
    if (q != NULL && q->device_id != NULL && q->device_id[0] != '\0' &&
        !st_lookup(&st->pub, q->device_id, &dev)) {
        possible = 0;
    }
    if (q != NULL && q->artifact_id != NULL && q->artifact_id[0] != '\0' &&
        !st_lookup(&st->sec, q->artifact_id, &art)) {
        possible = 0;
    }
    if (!possible || st->count == 0) {
        return PQCE_OK;
    }
    if ((uint64_t)limit > st->count) {
        limit = (size_t)st->count;
    }
    uint64_t *out = malloc(limit * sizeof *out);
    if (out == NULL) {
        return PQCE_ERR_NOMEM;
    }
    size_t k = 0;
    for (uint64_t i = st->count; i-- > 0 && k < limit;) {
        const audit_rec *r = &st->recs[i];
        if ((op >= 0 && r->op != op) || (dev != 0 && r->device != dev) ||
            (art != 0 && r->artifact_id != art)) {
            continue;
        }
        out[k++] = i;
    }
    *idx = out;
    *n = k;
    return PQCE_OK;
}

struct pqce_audit_list {
    size_t count;
    pqce_audit_entry *entries;
    char *arena;
    size_t arena_len;
};

static char *copy_str(char **p, const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = *p;
    memcpy(d, s, n);
    *p += n;
    return d;
}

int pqce_audit_search(pqce_audit_log *log, pqce_audit_list **list, const pqce_audit_query *q)
{
    uint64_t *idx = NULL;
    size_t n = 0;
    int ret;

    if (list == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *list = NULL;
    if (log == NULL || !query_ok(q)) {
        return PQCE_ERR_INVALID_ARG;
    }
    if ((ret = prepare_read(log)) != PQCE_OK ||
        (ret = select_matches(log->st, q, &idx, &n)) != PQCE_OK) {
        return ret;
    }
    pqce_audit_list *l = calloc(1, sizeof *l);
    if (l == NULL || (n > 0 && (l->entries = calloc(n, sizeof *l->entries)) == NULL)) {
        ret = PQCE_ERR_NOMEM;
        goto fail;
    }
    /* Strings are copied: the list outlives the key and the log. */
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        pqce_audit_entry e;
        make_entry(log->st, idx[i], &e);
        total += strlen(e.device_id) + strlen(e.artifact_id) + strlen(e.artifact_name) +
                 strlen(e.artifact_kind) + strlen(e.caller) + strlen(e.details) + 6;
    }
    if (total > 0 && (l->arena = malloc(total)) == NULL) {
        ret = PQCE_ERR_NOMEM;
        goto fail;
    }
    l->arena_len = total;
    char *p = l->arena;
    for (size_t i = 0; i < n; i++) {
        pqce_audit_entry e;
        make_entry(log->st, idx[i], &e);
        e.device_id = copy_str(&p, e.device_id);
        e.artifact_id = copy_str(&p, e.artifact_id);
        e.artifact_name = copy_str(&p, e.artifact_name);
        e.artifact_kind = copy_str(&p, e.artifact_kind);
        e.caller = copy_str(&p, e.caller);
        e.details = copy_str(&p, e.details);
        l->entries[i] = e;
    }
    l->count = n;
    free(idx);
    *list = l;
    return PQCE_OK;
fail:
    free(idx);
    pqce_audit_list_free(l);
    return ret;
}

size_t pqce_audit_list_count(const pqce_audit_list *list)
{
    return list != NULL ? list->count : 0;
}

const pqce_audit_entry *pqce_audit_list_at(const pqce_audit_list *list, size_t i)
{
    return list != NULL && i < list->count ? &list->entries[i] : NULL;
}

void pqce_audit_list_free(pqce_audit_list *list)
{
    if (list == NULL) {
        return;
    }
    if (list->arena != NULL) {
        pqce_memzero(list->arena, list->arena_len); /* names and ids of artifacts */
    }
    free(list->arena);
    free(list->entries);
    free(list);
}

int pqce_audit_count_gets(pqce_audit_log *log, const char *kind, const char *caller,
                          uint64_t since_ms, uint64_t *count)
{
    if (count == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *count = 0;
    if (log == NULL || kind == NULL || caller == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    int ret = prepare_read(log);
    if (ret != PQCE_OK) {
        return ret;
    }
    const audit_state *st = log->st;
    /* Fail closed: a log with a removed, edited or unreadable record could
     * be hiding gets, so it cannot be the basis of a rate limit [AUDIT, 8]. */
    if (st->first_bad != NONE || log->shrunk_at != NONE) {
        set_detail(log, "the audit log is damaged at record %llu",
                   (unsigned long long)(st->first_bad != NONE ? st->first_bad : log->shrunk_at));
        return PQCE_ERR_DECRYPT;
    }
    uint32_t k, c;
    if (!st_lookup(&st->sec, kind, &k) || !st_lookup(&st->sec, caller, &c)) {
        return PQCE_OK;
    }
    uint64_t n = 0;
    for (size_t i = st->ngets; i-- > 0;) {
        const audit_get *g = &st->gets[i];
        if (g->max_time < since_ms) {
            break;
        }
        n += g->time_ms >= since_ms && g->kind == k && g->caller == c;
    }
    *count = n;
    return PQCE_OK;
}

/* ---- verify [AUDIT, 7] ---------------------------------------------------- */

static uint64_t min_u64(uint64_t a, uint64_t b)
{
    return a < b ? a : b;
}

int pqce_audit_verify(pqce_audit_log *log, pqce_audit_report *report, uint64_t expected_count,
                      const uint8_t expected_head[32])
{
    pqce_audit_report rep = {0, 0, 0};
    capture cap = {expected_count, {0}, 0};
    uint64_t torn;

    if (report != NULL) {
        *report = rep;
    }
    if (log == NULL || (expected_count > 0 && expected_head == NULL)) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (!log->has_key) {
        return PQCE_ERR_LOCKED;
    }
    /* A full, independent re-read: nothing cached is trusted. */
    int ret = rebuild(log, &cap, &torn);
    if (ret != PQCE_OK && ret != PQCE_ERR_FORMAT) {
        return ret;
    }
    const audit_state *st = log->st;
    uint64_t bad = min_u64(st->first_bad, log->shrunk_at);
    if (expected_count > 0) {
        if (st->count < expected_count) {
            bad = min_u64(bad, st->count); /* truncated below the saved length */
        } else if (!cap.done || memcmp(cap.head, expected_head, HASH_BYTES) != 0) {
            /* Records up to auth_end are authenticated; the change is after. */
            bad = min_u64(bad, st->auth_end < expected_count ? st->auth_end : expected_count - 1);
        }
    }
    rep.entries = st->count;
    rep.authenticated = st->auth_end;
    rep.first_bad_seq = bad != NONE ? bad : st->count;
    if (report != NULL) {
        *report = rep;
    }
    if (bad != NONE) {
        set_detail(log, "the audit log fails verification at record %llu", (unsigned long long)bad);
        return PQCE_ERR_DECRYPT;
    }
    return PQCE_OK;
}

/* ---- JSON Lines export [AUDIT, 9] ----------------------------------------- */

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return PQCE_ERR_IO;
        }
        p += w;
        n -= (size_t)w;
    }
    return PQCE_OK;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) {
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len) {
        return 0;
    }
    unsigned cp = c & (0x7Fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return len;
}

/* A JSON string of s: invalid UTF-8 bytes become U+FFFD (the log keeps the
 * bytes as written; JSON text must be UTF-8 [RFC8259, 8.1]). */
static json_object *json_str(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, bad = 0;
    while (i < n) {
        size_t l = utf8_seq(u + i, n - i);
        bad += l == 0;
        i += l == 0 ? 1 : l;
    }
    if (bad == 0) {
        return json_object_new_string_len(s, (int)n);
    }
    char *t = malloc(n + 2 * bad + 1);
    if (t == NULL) {
        return NULL;
    }
    size_t o = 0;
    for (i = 0; i < n;) {
        size_t l = utf8_seq(u + i, n - i);
        if (l == 0) {
            memcpy(t + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        } else {
            memcpy(t + o, s + i, l);
            o += l;
            i += l;
        }
    }
    json_object *j = json_object_new_string_len(t, (int)o);
    pqce_memzero(t, o);
    free(t);
    return j;
}

static void iso8601(char out[48], uint64_t time_ms)
{
    time_t secs = (time_t)(time_ms / 1000u);
    struct tm tm;
    if (gmtime_r(&secs, &tm) == NULL) {
        snprintf(out, 48, "invalid");
        return;
    }
    snprintf(out, 48, "%04lld-%02d-%02dT%02d:%02d:%02d.%03uZ", (long long)tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (unsigned)(time_ms % 1000u));
}

static int add(json_object *o, const char *k, json_object *v)
{
    if (v == NULL) {
        return PQCE_ERR_NOMEM;
    }
    if (json_object_object_add(o, k, v) != 0) {
        json_object_put(v);
        return PQCE_ERR_NOMEM;
    }
    return PQCE_OK;
}

static int write_entry(int fd, const pqce_audit_entry *e)
{
    char ts[48];
    int ret = PQCE_ERR_NOMEM;
    json_object *o = json_object_new_object();
    if (o == NULL) {
        return ret;
    }
    iso8601(ts, e->time_ms);
    if ((ret = add(o, "seq", json_object_new_uint64(e->seq))) != PQCE_OK ||
        (ret = add(o, "timestamp", json_object_new_string(ts))) != PQCE_OK ||
        (ret = add(o, "operation", json_object_new_string(e->operation))) != PQCE_OK ||
        (ret = add(o, "device_id", json_str(e->device_id))) != PQCE_OK ||
        (ret = add(o, "artifact_id", json_str(e->artifact_id))) != PQCE_OK ||
        (ret = add(o, "artifact_name", json_str(e->artifact_name))) != PQCE_OK ||
        (ret = add(o, "artifact_kind", json_str(e->artifact_kind))) != PQCE_OK ||
        (ret = add(o, "caller", json_str(e->caller))) != PQCE_OK ||
        (ret = add(o, "success", json_object_new_boolean(e->success))) != PQCE_OK ||
        (ret = add(o, "details", json_str(e->details))) != PQCE_OK ||
        (ret = add(o, "authenticated", json_object_new_boolean(e->authenticated))) != PQCE_OK) {
        json_object_put(o);
        return ret;
    }
    size_t len = 0;
    const char *s = json_object_to_json_string_length(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    if (s == NULL) {
        ret = PQCE_ERR_NOMEM;
    } else if ((ret = write_all(fd, s, len)) == PQCE_OK) {
        ret = write_all(fd, "\n", 1);
    }
    json_object_put(o);
    return ret;
}

int pqce_audit_export(pqce_audit_log *log, int fd, const pqce_audit_query *q)
{
    uint64_t *idx = NULL;
    size_t n = 0;
    pqce_audit_entry e;

    if (log == NULL || fd < 0 || !query_ok(q)) {
        return PQCE_ERR_INVALID_ARG;
    }
    int ret = prepare_read(log);
    if (ret != PQCE_OK) {
        return ret;
    }
    if (q == NULL) {
        for (uint64_t i = 0; ret == PQCE_OK && i < log->st->count; i++) {
            make_entry(log->st, i, &e);
            ret = write_entry(fd, &e);
        }
        return ret;
    }
    if ((ret = select_matches(log->st, q, &idx, &n)) != PQCE_OK) {
        return ret;
    }
    for (size_t i = n; ret == PQCE_OK && i-- > 0;) {
        make_entry(log->st, idx[i], &e);
        ret = write_entry(fd, &e);
    }
    free(idx);
    return ret;
}
