/*
 * manifest.c - the manifest's canonical encoding and its operations
 * (docs/VAULT.md, "Manifest").
 *
 * Encoding (big-endian; every length bounded):
 *   magic "PQCEMAN1" | u16 version 1 | generation u64 | saved_ms u64 |
 *   vault_id (16) | audit_count u64 | audit_head (32) |
 *   u32 entry_count | entry * count (sorted by name, names unique) |
 *   u8 rule_count | rule * count (increasing kind)
 *   entry = id (16) | size u64 | sha3 (32) | u8 len, object name |
 *           u32 len, metadata (FORMAT 5.1 encoding)
 *   rule  = kind u8 | require_biometric u8 | max_uses_per_hour u32 |
 *           u8 count | count * (u8 len, bundle id)
 */
#include "vault/manifest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MANIFEST_MAGIC   "PQCEMAN1"
#define MANIFEST_VERSION 1
#define ENTRIES_MAX      1000000u

static const char hexdig[] = "0123456789abcdef";

void pqce_artifact_id_format(char out[PQCE_ARTIFACT_ID_BYTES], const uint8_t id[16])
{
    size_t p = strlen(PQCE_ARTIFACT_ID_PREFIX);
    memcpy(out, PQCE_ARTIFACT_ID_PREFIX, p);
    for (size_t i = 0; i < 16; i++) {
        out[p + 2 * i] = hexdig[id[i] >> 4];
        out[p + 2 * i + 1] = hexdig[id[i] & 15];
    }
    out[p + 32] = '\0';
}

int pqce_artifact_id_parse(uint8_t id[16], const char *s)
{
    size_t p = strlen(PQCE_ARTIFACT_ID_PREFIX);
    if (s == NULL || strncmp(s, PQCE_ARTIFACT_ID_PREFIX, p) != 0 || strlen(s) != p + 32) {
        return PQCE_ERR_INVALID_ARG;
    }
    for (size_t i = 0; i < 32; i++) {
        char c = s[p + i];
        int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
        if (v < 0) {
            return PQCE_ERR_INVALID_ARG;
        }
        if (i % 2 == 0) {
            id[i / 2] = (uint8_t)(v << 4);
        } else {
            id[i / 2] = (uint8_t)(id[i / 2] | v);
        }
    }
    return PQCE_OK;
}

static void hex32(char out[PQCE_SHA3_HEX_BYTES], const uint8_t in[32])
{
    for (size_t i = 0; i < 32; i++) {
        out[2 * i] = hexdig[in[i] >> 4];
        out[2 * i + 1] = hexdig[in[i] & 15];
    }
    out[64] = '\0';
}

void pqce_manifest_init(pqce_manifest *m, const uint8_t vault_id[16])
{
    memset(m, 0, sizeof *m);
    if (vault_id != NULL) {
        memcpy(m->vault_id, vault_id, 16);
    }
}

void pqce_manifest_entry_free(pqce_manifest_entry *e)
{
    if (e != NULL) {
        pqce_metadata_owned_free(&e->meta);
        memset(e, 0, sizeof *e);
    }
}

static void rule_free(pqce_manifest_rule *r)
{
    for (size_t i = 0; i < r->bundle_count; i++) {
        free(r->bundles[i]);
    }
    free(r->bundles);
    memset(r, 0, sizeof *r);
}

void pqce_manifest_free(pqce_manifest *m)
{
    if (m == NULL) {
        return;
    }
    for (size_t i = 0; i < m->count; i++) {
        pqce_manifest_entry_free(&m->entries[i]);
    }
    free(m->entries);
    for (size_t k = 0; k < PQCE_KIND_COUNT; k++) {
        rule_free(&m->rules[k]);
    }
    memset(m, 0, sizeof *m);
}

static int meta_copy(pqce_metadata_owned *dst, const pqce_metadata *src)
{
    pqce_bw w;
    pqce_bw_init(&w, NULL, PQCE_METADATA_MAX_BYTES);
    pqce_metadata_encode(&w, src);
    uint8_t *buf = malloc(w.len + 1);
    if (buf == NULL) {
        return PQCE_ERR_NOMEM;
    }
    size_t len = w.len;
    pqce_bw_init(&w, buf, len);
    pqce_metadata_encode(&w, src);
    int ret = pqce_metadata_decode(dst, buf, len);
    free(buf);
    return ret == PQCE_ERR_FORMAT ? PQCE_ERR_INVALID_ARG : ret;
}

int pqce_manifest_entry_make(pqce_manifest_entry *e, const uint8_t id[16], const uint8_t sha3[32],
                             uint64_t size, const char *object, const pqce_metadata *meta)
{
    memset(e, 0, sizeof *e);
    if (!pqce_store_name_ok(object) || pqce_metadata_check(meta) != PQCE_OK) {
        return PQCE_ERR_INVALID_ARG;
    }
    memcpy(e->id, id, 16);
    pqce_artifact_id_format(e->id_str, id);
    memcpy(e->sha3, sha3, 32);
    hex32(e->sha3_hex, sha3);
    e->size = size;
    snprintf(e->object, sizeof e->object, "%s", object);
    return meta_copy(&e->meta, meta);
}

int pqce_manifest_entry_copy(pqce_manifest_entry *dst, const pqce_manifest_entry *src)
{
    return pqce_manifest_entry_make(dst, src->id, src->sha3, src->size, src->object, &src->meta.m);
}

/* Index of the first entry whose name is >= name. */
static size_t lower_bound(const pqce_manifest *m, const char *name)
{
    size_t lo = 0, hi = m->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(m->entries[mid].meta.m.name, name) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

pqce_manifest_entry *pqce_manifest_by_name(const pqce_manifest *m, const char *name)
{
    size_t i = lower_bound(m, name);
    return i < m->count && strcmp(m->entries[i].meta.m.name, name) == 0 ? &m->entries[i] : NULL;
}

pqce_manifest_entry *pqce_manifest_by_id(const pqce_manifest *m, const uint8_t id[16])
{
    for (size_t i = 0; i < m->count; i++) {
        if (memcmp(m->entries[i].id, id, 16) == 0) {
            return &m->entries[i];
        }
    }
    return NULL;
}

int pqce_manifest_insert(pqce_manifest *m, const pqce_manifest_entry *e)
{
    size_t i = lower_bound(m, e->meta.m.name);
    if (i < m->count && strcmp(m->entries[i].meta.m.name, e->meta.m.name) == 0) {
        return PQCE_ERR_EXISTS;
    }
    if (m->count >= ENTRIES_MAX) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (m->count == m->cap) {
        size_t ncap = m->cap ? 2 * m->cap : 16;
        pqce_manifest_entry *n = realloc(m->entries, ncap * sizeof *n);
        if (n == NULL) {
            return PQCE_ERR_NOMEM;
        }
        m->entries = n;
        m->cap = ncap;
    }
    pqce_manifest_entry copy;
    int ret = pqce_manifest_entry_copy(&copy, e);
    if (ret != PQCE_OK) {
        return ret;
    }
    memmove(&m->entries[i + 1], &m->entries[i], (m->count - i) * sizeof *m->entries);
    m->entries[i] = copy;
    m->count++;
    return PQCE_OK;
}

void pqce_manifest_remove(pqce_manifest *m, const uint8_t id[16])
{
    pqce_manifest_entry *e = pqce_manifest_by_id(m, id);
    if (e == NULL) {
        return;
    }
    size_t i = (size_t)(e - m->entries);
    pqce_manifest_entry_free(e);
    memmove(&m->entries[i], &m->entries[i + 1], (m->count - i - 1) * sizeof *m->entries);
    m->count--;
}

int pqce_manifest_rule_set(pqce_manifest *m, const pqce_policy_rule *rule)
{
    unsigned k = (unsigned)rule->kind;
    if (k >= PQCE_KIND_COUNT || rule->allowed_count > PQCE_POLICY_BUNDLES_MAX ||
        (rule->allowed_count > 0 && rule->allowed_bundle_ids == NULL)) {
        return PQCE_ERR_INVALID_ARG;
    }
    for (size_t i = 0; i < rule->allowed_count; i++) {
        const char *b = rule->allowed_bundle_ids[i];
        size_t n = b != NULL ? strnlen(b, PQCE_SHORT_FIELD_MAX + 1) : 0;
        if (n == 0 || n > PQCE_SHORT_FIELD_MAX || !pqce_utf8_text_ok((const uint8_t *)b, n, 0)) {
            return PQCE_ERR_INVALID_ARG;
        }
    }
    pqce_manifest_rule r;
    memset(&r, 0, sizeof r);
    r.present = 1;
    r.require_biometric = rule->require_biometric ? 1 : 0;
    r.max_uses_per_hour = rule->max_uses_per_hour;
    r.bundles = calloc(rule->allowed_count + 1, sizeof *r.bundles);
    if (r.bundles == NULL) {
        return PQCE_ERR_NOMEM;
    }
    for (size_t i = 0; i < rule->allowed_count; i++) {
        if ((r.bundles[i] = strdup(rule->allowed_bundle_ids[i])) == NULL) {
            rule_free(&r);
            return PQCE_ERR_NOMEM;
        }
        r.bundle_count++;
    }
    rule_free(&m->rules[k]);
    m->rules[k] = r;
    return PQCE_OK;
}

void pqce_manifest_rule_remove(pqce_manifest *m, pqce_kind kind)
{
    if ((unsigned)kind < PQCE_KIND_COUNT) {
        rule_free(&m->rules[kind]);
    }
}

int pqce_manifest_copy(pqce_manifest *dst, const pqce_manifest *src)
{
    pqce_manifest_init(dst, src->vault_id);
    dst->generation = src->generation;
    dst->saved_ms = src->saved_ms;
    dst->audit_count = src->audit_count;
    memcpy(dst->audit_head, src->audit_head, 32);
    for (size_t i = 0; i < src->count; i++) {
        int ret = pqce_manifest_insert(dst, &src->entries[i]);
        if (ret != PQCE_OK) {
            pqce_manifest_free(dst);
            return ret;
        }
    }
    for (unsigned k = 0; k < PQCE_KIND_COUNT; k++) {
        const pqce_manifest_rule *r = &src->rules[k];
        if (!r->present) {
            continue;
        }
        pqce_policy_rule pr = {(pqce_kind)k, (const char *const *)r->bundles, r->bundle_count,
                               r->require_biometric, r->max_uses_per_hour};
        int ret = pqce_manifest_rule_set(dst, &pr);
        if (ret != PQCE_OK) {
            pqce_manifest_free(dst);
            return ret;
        }
    }
    return PQCE_OK;
}

static void encode_into(pqce_bw *w, const pqce_manifest *m)
{
    pqce_bw_bytes(w, MANIFEST_MAGIC, 8);
    pqce_bw_u16(w, MANIFEST_VERSION);
    pqce_bw_u64(w, m->generation);
    pqce_bw_u64(w, m->saved_ms);
    pqce_bw_bytes(w, m->vault_id, 16);
    pqce_bw_u64(w, m->audit_count);
    pqce_bw_bytes(w, m->audit_head, 32);
    pqce_bw_u32(w, (uint32_t)m->count);
    for (size_t i = 0; i < m->count; i++) {
        const pqce_manifest_entry *e = &m->entries[i];
        pqce_bw_bytes(w, e->id, 16);
        pqce_bw_u64(w, e->size);
        pqce_bw_bytes(w, e->sha3, 32);
        size_t on = strlen(e->object);
        pqce_bw_u8(w, (uint8_t)on);
        pqce_bw_bytes(w, e->object, on);
        pqce_bw mw;
        pqce_bw_init(&mw, NULL, PQCE_METADATA_MAX_BYTES);
        pqce_metadata_encode(&mw, &e->meta.m);
        pqce_bw_u32(w, (uint32_t)mw.len);
        if (w->buf != NULL && !w->overflow && mw.len <= w->cap - w->len) {
            pqce_bw_init(&mw, w->buf + w->len, mw.len);
            pqce_metadata_encode(&mw, &e->meta.m);
        }
        w->len += mw.len;
        if (w->len > w->cap) {
            w->overflow = 1;
        }
    }
    uint8_t rules = 0;
    for (unsigned k = 0; k < PQCE_KIND_COUNT; k++) {
        rules = (uint8_t)(rules + (m->rules[k].present ? 1 : 0));
    }
    pqce_bw_u8(w, rules);
    for (unsigned k = 0; k < PQCE_KIND_COUNT; k++) {
        const pqce_manifest_rule *r = &m->rules[k];
        if (!r->present) {
            continue;
        }
        pqce_bw_u8(w, (uint8_t)k);
        pqce_bw_u8(w, (uint8_t)r->require_biometric);
        pqce_bw_u32(w, r->max_uses_per_hour);
        pqce_bw_u8(w, (uint8_t)r->bundle_count);
        for (size_t i = 0; i < r->bundle_count; i++) {
            size_t n = strlen(r->bundles[i]);
            pqce_bw_u8(w, (uint8_t)n);
            pqce_bw_bytes(w, r->bundles[i], n);
        }
    }
}

int pqce_manifest_encode(const pqce_manifest *m, uint8_t **buf, size_t *len)
{
    pqce_bw w;
    pqce_bw_init(&w, NULL, SIZE_MAX);
    encode_into(&w, m);
    size_t n = w.len;
    uint8_t *b = malloc(n + 1);
    if (b == NULL) {
        return PQCE_ERR_NOMEM;
    }
    pqce_bw_init(&w, b, n);
    encode_into(&w, m);
    if (w.overflow || w.len != n) {
        free(b);
        return PQCE_ERR_INVALID_ARG;
    }
    *buf = b;
    *len = n;
    return PQCE_OK;
}

int pqce_manifest_decode(pqce_manifest *m, const uint8_t *buf, size_t len)
{
    pqce_br r;
    pqce_br_init(&r, buf, len);
    pqce_manifest_init(m, NULL);
    const uint8_t *magic = pqce_br_bytes(&r, 8);
    uint16_t version = pqce_br_u16(&r);
    if (magic == NULL || memcmp(magic, MANIFEST_MAGIC, 8) != 0 || version != MANIFEST_VERSION) {
        return PQCE_ERR_FORMAT;
    }
    m->generation = pqce_br_u64(&r);
    m->saved_ms = pqce_br_u64(&r);
    const uint8_t *vid = pqce_br_bytes(&r, 16);
    m->audit_count = pqce_br_u64(&r);
    const uint8_t *head = pqce_br_bytes(&r, 32);
    uint32_t count = pqce_br_u32(&r);
    if (r.underrun || count > ENTRIES_MAX) {
        return PQCE_ERR_FORMAT;
    }
    memcpy(m->vault_id, vid, 16);
    memcpy(m->audit_head, head, 32);
    int ret = PQCE_OK;
    const char *prev_name = NULL;
    for (uint32_t i = 0; i < count && ret == PQCE_OK; i++) {
        pqce_manifest_entry e;
        memset(&e, 0, sizeof e);
        const uint8_t *id = pqce_br_bytes(&r, 16);
        uint64_t size = pqce_br_u64(&r);
        const uint8_t *sha3 = pqce_br_bytes(&r, 32);
        size_t on = pqce_br_u8(&r);
        const uint8_t *obj = pqce_br_bytes(&r, on);
        uint32_t ml = pqce_br_u32(&r);
        const uint8_t *mb = ml <= PQCE_METADATA_MAX_BYTES ? pqce_br_bytes(&r, ml) : NULL;
        char object[PQCE_STORE_NAME_MAX + 1];
        if (r.underrun || mb == NULL || on > PQCE_STORE_NAME_MAX) {
            ret = PQCE_ERR_FORMAT;
            break;
        }
        memcpy(object, obj, on);
        object[on] = '\0';
        pqce_metadata_owned meta;
        if ((ret = pqce_metadata_decode(&meta, mb, ml)) != PQCE_OK) {
            break;
        }
        /* canonical: strictly increasing names */
        if (prev_name != NULL && strcmp(prev_name, meta.m.name) >= 0) {
            pqce_metadata_owned_free(&meta);
            ret = PQCE_ERR_FORMAT;
            break;
        }
        ret = pqce_manifest_entry_make(&e, id, sha3, size, object, &meta.m);
        pqce_metadata_owned_free(&meta);
        if (ret == PQCE_OK) {
            ret = pqce_manifest_insert(m, &e);
            prev_name = m->entries[m->count - 1].meta.m.name;
        }
        pqce_manifest_entry_free(&e);
        ret = ret == PQCE_ERR_INVALID_ARG || ret == PQCE_ERR_EXISTS ? PQCE_ERR_FORMAT : ret;
    }
    uint8_t rules = ret == PQCE_OK ? pqce_br_u8(&r) : 0;
    int prev_kind = -1;
    for (uint8_t i = 0; i < rules && ret == PQCE_OK; i++) {
        uint8_t kind = pqce_br_u8(&r);
        uint8_t bio = pqce_br_u8(&r);
        uint32_t max_uses = pqce_br_u32(&r);
        uint8_t n = pqce_br_u8(&r);
        char *bundles[PQCE_POLICY_BUNDLES_MAX];
        size_t got = 0;
        if (r.underrun || kind >= PQCE_KIND_COUNT || (int)kind <= prev_kind || bio > 1 ||
            n > PQCE_POLICY_BUNDLES_MAX) {
            ret = PQCE_ERR_FORMAT;
            break;
        }
        prev_kind = kind;
        for (; got < n; got++) {
            size_t bl = pqce_br_u8(&r);
            const uint8_t *b = pqce_br_bytes(&r, bl);
            if (b == NULL || (bundles[got] = malloc(bl + 1)) == NULL) {
                ret = b == NULL ? PQCE_ERR_FORMAT : PQCE_ERR_NOMEM;
                break;
            }
            memcpy(bundles[got], b, bl);
            bundles[got][bl] = '\0';
        }
        if (ret == PQCE_OK) {
            pqce_policy_rule pr = {(pqce_kind)kind, (const char *const *)bundles, got, bio,
                                   max_uses};
            ret = pqce_manifest_rule_set(m, &pr);
            ret = ret == PQCE_ERR_INVALID_ARG ? PQCE_ERR_FORMAT : ret;
        }
        for (size_t k = 0; k < got; k++) {
            free(bundles[k]);
        }
    }
    if (ret == PQCE_OK && (r.underrun || r.pos != len)) {
        ret = PQCE_ERR_FORMAT;
    }
    if (ret != PQCE_OK) {
        pqce_manifest_free(m);
    }
    return ret;
}
