/*
 * metadata.c - artifact kinds and the canonical metadata encoding
 * [FORMAT, 5]. One encoding per value: fixed field order, explicit length
 * prefixes, every bound checked before anything is copied.
 */
#include "format/metadata.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[PQCE_KIND_COUNT] = {
    "model-weights",      "lora-adapter",    "tokenizer",    "credential",
    "biometric-template", "inference-cache", "safety-model", "other",
};

const char *pqce_kind_name(pqce_kind kind)
{
    unsigned k = (unsigned)kind;
    return k < PQCE_KIND_COUNT ? kind_names[k] : NULL;
}

int pqce_kind_from_name(pqce_kind *kind, const char *name)
{
    if (kind == NULL || name == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    for (unsigned k = 0; k < PQCE_KIND_COUNT; k++) {
        if (strcmp(name, kind_names[k]) == 0) {
            *kind = (pqce_kind)k;
            return PQCE_OK;
        }
    }
    return PQCE_ERR_INVALID_ARG;
}

int pqce_utf8_text_ok(const uint8_t *s, size_t len, int allow_newlines)
{
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        if (c < 0x80) {
            int control = c < 0x20 || c == 0x7F;
            if (control && !(allow_newlines && (c == '\t' || c == '\n'))) {
                return 0;
            }
            i++;
            continue;
        }
        /* Multi-byte sequences [RFC3629, 4]: no overlong forms, no
         * surrogates, nothing above U+10FFFF. */
        size_t n;
        uint32_t cp, min;
        if ((c & 0xE0) == 0xC0) {
            n = 2, cp = c & 0x1Fu, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            n = 3, cp = c & 0x0Fu, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            n = 4, cp = c & 0x07u, min = 0x10000;
        } else {
            return 0;
        }
        if (n > len - i) {
            return 0;
        }
        for (size_t j = 1; j < n; j++) {
            if ((s[i + j] & 0xC0) != 0x80) {
                return 0;
            }
            cp = cp << 6 | (s[i + j] & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return 0;
        }
        i += n;
    }
    return 1;
}

static int field_ok(const char *s, size_t min, size_t max, int allow_newlines)
{
    if (s == NULL) {
        return min == 0;
    }
    size_t n = strnlen(s, max + 1);
    return n >= min && n <= max && pqce_utf8_text_ok((const uint8_t *)s, n, allow_newlines);
}

int pqce_metadata_check(const pqce_metadata *m)
{
    if (m == NULL || !field_ok(m->name, 1, PQCE_NAME_MAX, 0) || pqce_kind_name(m->kind) == NULL ||
        !field_ok(m->version, 0, PQCE_SHORT_FIELD_MAX, 0) ||
        !field_ok(m->app_bundle_id, 0, PQCE_SHORT_FIELD_MAX, 0) ||
        !field_ok(m->device_id, 0, PQCE_SHORT_FIELD_MAX, 0) ||
        !field_ok(m->model_did, 0, PQCE_MODEL_DID_MAX, 0) ||
        !field_ok(m->description, 0, PQCE_DESCRIPTION_MAX, 1) || m->tag_count > PQCE_TAGS_MAX ||
        (m->tag_count > 0 && m->tags == NULL)) {
        return PQCE_ERR_INVALID_ARG;
    }
    for (size_t i = 0; i < m->tag_count; i++) {
        if (m->tags[i] == NULL || !field_ok(m->tags[i], 1, PQCE_SHORT_FIELD_MAX, 0)) {
            return PQCE_ERR_INVALID_ARG;
        }
    }
    return PQCE_OK;
}

static void put_str8(pqce_bw *w, const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    pqce_bw_u8(w, (uint8_t)n);
    pqce_bw_bytes(w, s, n);
}

static void put_str16(pqce_bw *w, const char *s)
{
    size_t n = s != NULL ? strlen(s) : 0;
    pqce_bw_u16(w, (uint16_t)n);
    pqce_bw_bytes(w, s, n);
}

void pqce_metadata_encode(pqce_bw *w, const pqce_metadata *m)
{
    put_str16(w, m->name);
    pqce_bw_u8(w, (uint8_t)m->kind);
    put_str8(w, m->version);
    put_str8(w, m->app_bundle_id);
    pqce_bw_u64(w, m->size);
    pqce_bw_u64(w, m->created_ms);
    put_str8(w, m->device_id);
    put_str16(w, m->model_did);
    pqce_bw_u8(w, (uint8_t)m->tag_count);
    for (size_t i = 0; i < m->tag_count; i++) {
        put_str8(w, m->tags[i]);
    }
    put_str16(w, m->description);
}

/* Reads a string of a 1- or 2-byte length into the arena at *used. */
static const char *get_str(pqce_br *r, int wide, size_t min, size_t max, int allow_newlines,
                           char *arena, size_t *used)
{
    size_t n = wide ? pqce_br_u16(r) : pqce_br_u8(r);
    const uint8_t *p = pqce_br_bytes(r, n);
    if (p == NULL || n < min || n > max || !pqce_utf8_text_ok(p, n, allow_newlines)) {
        r->underrun = 1;
        return NULL;
    }
    char *s = arena + *used;
    memcpy(s, p, n);
    s[n] = '\0';
    *used += n + 1;
    return s;
}

int pqce_metadata_decode(pqce_metadata_owned *out, const uint8_t *buf, size_t len)
{
    memset(out, 0, sizeof *out);
    if (len > PQCE_METADATA_MAX_BYTES) {
        return PQCE_ERR_FORMAT;
    }
    /* Every string is shorter than the encoding, plus one NUL each (at most
     * 6 + PQCE_TAGS_MAX strings). */
    out->arena = malloc(len + 6 + PQCE_TAGS_MAX + 1);
    out->tags = malloc(PQCE_TAGS_MAX * sizeof *out->tags);
    if (out->arena == NULL || out->tags == NULL) {
        pqce_metadata_owned_free(out);
        return PQCE_ERR_NOMEM;
    }
    pqce_br r;
    size_t used = 0;
    pqce_metadata *m = &out->m;
    pqce_br_init(&r, buf, len);
    m->name = get_str(&r, 1, 1, PQCE_NAME_MAX, 0, out->arena, &used);
    uint8_t kind = pqce_br_u8(&r);
    m->kind = (pqce_kind)kind;
    m->version = get_str(&r, 0, 0, PQCE_SHORT_FIELD_MAX, 0, out->arena, &used);
    m->app_bundle_id = get_str(&r, 0, 0, PQCE_SHORT_FIELD_MAX, 0, out->arena, &used);
    m->size = pqce_br_u64(&r);
    m->created_ms = pqce_br_u64(&r);
    m->device_id = get_str(&r, 0, 0, PQCE_SHORT_FIELD_MAX, 0, out->arena, &used);
    m->model_did = get_str(&r, 1, 0, PQCE_MODEL_DID_MAX, 0, out->arena, &used);
    size_t tag_count = pqce_br_u8(&r);
    for (size_t i = 0; i < tag_count && i < PQCE_TAGS_MAX && !r.underrun; i++) {
        out->tags[i] = get_str(&r, 0, 1, PQCE_SHORT_FIELD_MAX, 0, out->arena, &used);
    }
    m->tags = out->tags;
    m->tag_count = tag_count;
    m->description = get_str(&r, 1, 0, PQCE_DESCRIPTION_MAX, 1, out->arena, &used);
    /* Canonical: every byte consumed, every bound held. */
    if (r.underrun || r.pos != len || kind >= PQCE_KIND_COUNT || tag_count > PQCE_TAGS_MAX) {
        pqce_metadata_owned_free(out);
        return PQCE_ERR_FORMAT;
    }
    return PQCE_OK;
}

void pqce_metadata_owned_free(pqce_metadata_owned *o)
{
    if (o == NULL) {
        return;
    }
    free(o->arena);
    free(o->tags);
    memset(o, 0, sizeof *o);
}
