/*
 * header.c - building and opening the container header [FORMAT, 4-6].
 *
 * Layout (all integers big-endian):
 *   preamble  magic(8) | version u16 | suite u16 | header_len u32
 *   header    core = artifact_id(16) | chunk_log2 u8 | flags u8 (0) |
 *                    payload_salt(16) | meta_ct_len u32 | meta_ct
 *             stanza_count u16 | stanza * count (kem_ct | wrapped_dek(48))
 *   mac       KMAC256(mac_key, preamble | header, 256, "pqce-art/v1/header-mac")
 *
 * Key schedule (all KMAC256 with L = 256 and the label as customization):
 *   wrap_key    = KMAC(ss,  suite u16 | SHA3-256(recipient) | kem_ct, "pqce-art/v1/stanza-key")
 *   meta_key    = KMAC(dek, preamble[0:12] | core[0:34],              "pqce-art/v1/metadata-key")
 *   payload_key = KMAC(dek, core_digest,                              "pqce-art/v1/payload-key")
 *   mac_key     = KMAC(dek, core_digest,                              "pqce-art/v1/header-mac-key")
 *   core_digest = SHA3-256("pqce-art/v1/core" | preamble[0:12] | core)
 * The format version is in every label; core_digest is the AAD of every
 * payload chunk and of every wrapped data key.
 */
#include "format/header.h"

#include <stdlib.h>
#include <string.h>

#include "core/ct.h"
#include "crypto/aes_gcm.h"
#include "crypto/keccak.h"
#include "crypto/kmac.h"

const uint8_t pqce_magic[PQCE_MAGIC_BYTES] = {0x89, 'P', 'Q', 'C', 'E', 0x0D, 0x0A, 0x1A};

#define LABEL_CORE        "pqce-art/v1/core"
#define LABEL_STANZA_KEY  "pqce-art/v1/stanza-key"
#define LABEL_META_KEY    "pqce-art/v1/metadata-key"
#define LABEL_PAYLOAD_KEY "pqce-art/v1/payload-key"
#define LABEL_MAC_KEY     "pqce-art/v1/header-mac-key"
#define LABEL_MAC         "pqce-art/v1/header-mac"

#define PREAMBLE_FIXED 12 /* magic | version | suite: what the AADs bind */
#define CORE_PREFIX    (PQCE_ID_BYTES + 1 + 1 + PQCE_SALT_BYTES)
#define CHUNK_LOG2_MIN 12
#define CHUNK_LOG2_MAX 24

static const uint8_t zero_nonce[PQCE_GCM_NONCE_BYTES];

/* KMAC256(key, x1 | x2, 256, label): every key of the format. */
static void kdf(uint8_t out[PQCE_KEY_BYTES], const uint8_t key[PQCE_KEY_BYTES], const char *label,
                const uint8_t *x1, size_t n1, const uint8_t *x2, size_t n2)
{
    pqce_keccak k;
    pqce_kmac_init(&k, PQCE_SHAKE256_RATE, key, PQCE_KEY_BYTES, (const uint8_t *)label,
                   strlen(label));
    pqce_keccak_absorb(&k, x1, n1);
    pqce_keccak_absorb(&k, x2, n2);
    pqce_kmac_final(&k, out, PQCE_KEY_BYTES);
    pqce_keccak_wipe(&k);
}

size_t pqce_header_size(const pqce_suite_info *suite, size_t meta_len, size_t recipient_count)
{
    return PQCE_CORE_FIXED_BYTES + meta_len + PQCE_TAG_BYTES + 2 +
           recipient_count * (suite->kem_ct_len + PQCE_WRAPPED_BYTES);
}

static void core_digest(uint8_t out[32], const uint8_t *raw, size_t core_len)
{
    pqce_keccak k;
    pqce_keccak_init(&k, PQCE_SHA3_256_RATE);
    pqce_keccak_absorb(&k, (const uint8_t *)LABEL_CORE, strlen(LABEL_CORE));
    pqce_keccak_absorb(&k, raw, PREAMBLE_FIXED);
    pqce_keccak_absorb(&k, raw + PQCE_PREAMBLE_BYTES, core_len);
    pqce_keccak_finalize(&k, PQCE_KECCAK_SUFFIX_SHA3);
    pqce_keccak_squeeze(&k, out, 32);
}

static void derive_body_keys(pqce_artifact_keys *keys, const uint8_t digest[32])
{
    kdf(keys->payload_key, keys->dek, LABEL_PAYLOAD_KEY, digest, 32, NULL, 0);
    kdf(keys->mac_key, keys->dek, LABEL_MAC_KEY, digest, 32, NULL, 0);
}

static void header_mac(uint8_t mac[PQCE_MAC_BYTES], const uint8_t mac_key[PQCE_KEY_BYTES],
                       const uint8_t *raw, size_t len)
{
    pqce_keccak k;
    pqce_kmac_init(&k, PQCE_SHAKE256_RATE, mac_key, PQCE_KEY_BYTES, (const uint8_t *)LABEL_MAC,
                   strlen(LABEL_MAC));
    pqce_keccak_absorb(&k, raw, len);
    pqce_kmac_final(&k, mac, PQCE_MAC_BYTES);
    pqce_keccak_wipe(&k);
}

/* The recipient part of a stanza key's context: suite u16 | SHA3-256(pk). */
static void stanza_context(uint8_t ctx[2 + 32], const pqce_suite_info *suite,
                           const uint8_t *recipient)
{
    ctx[0] = (uint8_t)(suite->id >> 8);
    ctx[1] = (uint8_t)suite->id;
    pqce_keccak_sha3_256(ctx + 2, recipient, suite->recipient_len);
}

/* wrap_key for one stanza [FORMAT, 6.2]. */
static void stanza_key(uint8_t wrap_key[PQCE_KEY_BYTES], const uint8_t ss[PQCE_KEM_SS_BYTES],
                       const uint8_t ctx[2 + 32], const pqce_suite_info *suite,
                       const uint8_t *kem_ct)
{
    kdf(wrap_key, ss, LABEL_STANZA_KEY, ctx, 2 + 32, kem_ct, suite->kem_ct_len);
}

int pqce_header_build(pqce_header *h, pqce_artifact_keys *keys, const pqce_rng *rng,
                      const pqce_suite_info *suite, uint8_t chunk_log2, const pqce_metadata *meta,
                      const pqce_recipient *recipients, size_t recipient_count)
{
    uint8_t ss[PQCE_KEM_SS_BYTES], wrap_key[PQCE_KEY_BYTES], meta_key[PQCE_KEY_BYTES];
    uint8_t sctx[2 + 32];
    uint8_t *meta_pt = NULL;
    pqce_aes_gcm *wrap = NULL;
    pqce_bw w;
    int ret;

    memset(h, 0, sizeof *h);
    memset(keys, 0, sizeof *keys);
    pqce_bw_init(&w, NULL, PQCE_METADATA_MAX_BYTES);
    pqce_metadata_encode(&w, meta);
    size_t meta_len = w.len;
    size_t header_len = pqce_header_size(suite, meta_len, recipient_count);
    h->suite = suite;
    h->chunk_log2 = chunk_log2;
    h->raw_len = PQCE_PREAMBLE_BYTES + header_len + PQCE_MAC_BYTES;
    h->raw = malloc(h->raw_len);
    meta_pt = malloc(meta_len + 1);
    if (h->raw == NULL || meta_pt == NULL) {
        ret = PQCE_ERR_NOMEM;
        goto cleanup;
    }
    pqce_bw_init(&w, meta_pt, meta_len);
    pqce_metadata_encode(&w, meta);

    if ((ret = pqce_random_bytes(rng, keys->dek, sizeof keys->dek)) != PQCE_OK ||
        (ret = pqce_random_bytes(rng, h->artifact_id, sizeof h->artifact_id)) != PQCE_OK ||
        (ret = pqce_random_bytes(rng, h->payload_salt, sizeof h->payload_salt)) != PQCE_OK) {
        goto cleanup;
    }

    /* preamble and the core's fixed part */
    pqce_bw_init(&w, h->raw, h->raw_len);
    pqce_bw_bytes(&w, pqce_magic, sizeof pqce_magic);
    pqce_bw_u16(&w, PQCE_FORMAT_VERSION);
    pqce_bw_u16(&w, suite->id);
    pqce_bw_u32(&w, (uint32_t)header_len);
    pqce_bw_bytes(&w, h->artifact_id, sizeof h->artifact_id);
    pqce_bw_u8(&w, chunk_log2);
    pqce_bw_u8(&w, 0); /* flags */
    pqce_bw_bytes(&w, h->payload_salt, sizeof h->payload_salt);
    pqce_bw_u32(&w, (uint32_t)(meta_len + PQCE_TAG_BYTES));
    h->meta_ct_off = w.len;
    h->meta_ct_len = meta_len + PQCE_TAG_BYTES;

    /* encrypted metadata [FORMAT, 5.1] */
    kdf(meta_key, keys->dek, LABEL_META_KEY, h->raw, PREAMBLE_FIXED, h->raw + PQCE_PREAMBLE_BYTES,
        CORE_PREFIX);
    ret = pqce_aes256gcm_seal(h->raw + w.len, h->raw + w.len + meta_len, meta_pt, meta_len, h->raw,
                              PREAMBLE_FIXED, zero_nonce, meta_key);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    w.len += meta_len + PQCE_TAG_BYTES;
    size_t core_len = w.len - PQCE_PREAMBLE_BYTES;
    core_digest(h->core_digest, h->raw, core_len);
    derive_body_keys(keys, h->core_digest);

    /* one stanza per recipient [FORMAT, 6.2] */
    pqce_bw_u16(&w, (uint16_t)recipient_count);
    h->stanza_off = w.len;
    h->stanza_count = recipient_count;
    if ((ret = pqce_aes_gcm_new(&wrap, keys->dek)) != PQCE_OK) {
        goto cleanup;
    }
    for (size_t i = 0; i < recipient_count; i++) {
        uint8_t *kem_ct = h->raw + w.len;
        uint8_t *wrapped = kem_ct + suite->kem_ct_len;
        ret = pqce_suite_encaps(suite, rng, kem_ct, ss, recipients[i].key);
        if (ret != PQCE_OK) {
            goto cleanup;
        }
        stanza_context(sctx, suite, recipients[i].key);
        stanza_key(wrap_key, ss, sctx, suite, kem_ct);
        if ((ret = pqce_aes_gcm_rekey(wrap, wrap_key)) != PQCE_OK ||
            (ret = pqce_aes_gcm_seal(wrap, wrapped, wrapped + PQCE_KEY_BYTES, keys->dek,
                                     PQCE_KEY_BYTES, h->core_digest, 32, zero_nonce,
                                     sizeof zero_nonce)) != PQCE_OK) {
            goto cleanup;
        }
        w.len += suite->kem_ct_len + PQCE_WRAPPED_BYTES;
    }
    header_mac(h->raw + w.len, keys->mac_key, h->raw, w.len);
    w.len += PQCE_MAC_BYTES;
    ret = w.overflow || w.len != h->raw_len ? PQCE_ERR_INVALID_ARG : PQCE_OK;
cleanup:
    pqce_aes_gcm_free(wrap);
    pqce_memzero(ss, sizeof ss);
    pqce_memzero(wrap_key, sizeof wrap_key);
    pqce_memzero(meta_key, sizeof meta_key);
    if (meta_pt != NULL) {
        pqce_memzero(meta_pt, meta_len);
        free(meta_pt);
    }
    if (ret != PQCE_OK) {
        pqce_header_free(h);
        pqce_memzero(keys, sizeof *keys);
    }
    return ret;
}

int pqce_preamble_parse(const uint8_t pre[PQCE_PREAMBLE_BYTES], uint16_t *suite, size_t *header_len)
{
    pqce_br r;
    pqce_br_init(&r, pre, PQCE_PREAMBLE_BYTES);
    const uint8_t *magic = pqce_br_bytes(&r, PQCE_MAGIC_BYTES);
    uint16_t version = pqce_br_u16(&r);
    *suite = pqce_br_u16(&r);
    *header_len = pqce_br_u32(&r);
    if (magic == NULL || memcmp(magic, pqce_magic, PQCE_MAGIC_BYTES) != 0) {
        return PQCE_ERR_FORMAT; /* not a pqc-enclave container */
    }
    if (version != PQCE_FORMAT_VERSION) {
        return PQCE_ERR_FORMAT; /* a version this reader does not know */
    }
    if (pqce_suite_find(*suite) == NULL) {
        return PQCE_ERR_UNSUPPORTED;
    }
    if (*header_len > PQCE_HEADER_MAX_BYTES) {
        return PQCE_ERR_FORMAT;
    }
    return PQCE_OK;
}

int pqce_header_open(pqce_header *h, pqce_artifact_keys *keys, pqce_metadata_owned *meta,
                     uint8_t *raw, size_t raw_len, const pqce_suite_key *key)
{
    uint8_t ss[PQCE_KEM_SS_BYTES], wrap_key[PQCE_KEY_BYTES], candidate[PQCE_KEY_BYTES];
    uint8_t meta_key[PQCE_KEY_BYTES], mac[PQCE_MAC_BYTES], sctx[2 + 32];
    uint8_t *meta_pt = NULL;
    pqce_aes_gcm *unwrap = NULL;
    uint16_t suite_id;
    size_t header_len;
    int ret;

    memset(h, 0, sizeof *h);
    memset(keys, 0, sizeof *keys);
    memset(meta, 0, sizeof *meta);
    if (raw_len < PQCE_PREAMBLE_BYTES) {
        return PQCE_ERR_FORMAT;
    }
    if ((ret = pqce_preamble_parse(raw, &suite_id, &header_len)) != PQCE_OK) {
        return ret;
    }
    if (raw_len != PQCE_PREAMBLE_BYTES + header_len + PQCE_MAC_BYTES) {
        return PQCE_ERR_FORMAT;
    }
    if (suite_id != key->suite->id) {
        return PQCE_ERR_DECRYPT; /* sealed for another suite: not for this identity */
    }
    h->suite = key->suite;

    /* structure and bounds, before any cryptography [FORMAT, 4] */
    pqce_br r;
    pqce_br_init(&r, raw + PQCE_PREAMBLE_BYTES, header_len);
    const uint8_t *id = pqce_br_bytes(&r, PQCE_ID_BYTES);
    h->chunk_log2 = pqce_br_u8(&r);
    uint8_t flags = pqce_br_u8(&r);
    const uint8_t *salt = pqce_br_bytes(&r, PQCE_SALT_BYTES);
    size_t meta_ct_len = pqce_br_u32(&r);
    h->meta_ct_off = PQCE_PREAMBLE_BYTES + r.pos;
    const uint8_t *meta_ct = pqce_br_bytes(&r, meta_ct_len);
    size_t core_len = r.pos;
    size_t count = pqce_br_u16(&r);
    size_t stanza_len = h->suite->kem_ct_len + PQCE_WRAPPED_BYTES;
    h->stanza_off = PQCE_PREAMBLE_BYTES + r.pos;
    if (r.underrun || id == NULL || salt == NULL || meta_ct == NULL ||
        h->chunk_log2 < CHUNK_LOG2_MIN || h->chunk_log2 > CHUNK_LOG2_MAX || flags != 0 ||
        meta_ct_len < PQCE_TAG_BYTES || meta_ct_len > PQCE_META_CT_MAX_BYTES || count == 0 ||
        count > PQCE_RECIPIENTS_MAX || header_len - r.pos != count * stanza_len) {
        return PQCE_ERR_FORMAT;
    }
    memcpy(h->artifact_id, id, PQCE_ID_BYTES);
    memcpy(h->payload_salt, salt, PQCE_SALT_BYTES);
    h->meta_ct_len = meta_ct_len;
    h->stanza_count = count;
    core_digest(h->core_digest, raw, core_len);

    /*
     * Try every stanza and keep the first that unwraps, without a branch on
     * which one did: each stanza costs one decapsulation, one KMAC and one
     * AES-GCM open whatever the outcome, and the data key is selected with
     * a constant-time move [FORMAT, 6.3].
     */
    uint8_t found = 0;
    stanza_context(sctx, h->suite, key->pk);
    if ((ret = pqce_aes_gcm_new(&unwrap, sctx)) != PQCE_OK) { /* any key; replaced below */
        goto cleanup;
    }
    for (size_t i = 0; i < count; i++) {
        const uint8_t *kem_ct = raw + h->stanza_off + i * stanza_len;
        const uint8_t *wrapped = kem_ct + h->suite->kem_ct_len;
        int rc = pqce_suite_decaps(key, ss, kem_ct);
        stanza_key(wrap_key, ss, sctx, h->suite, kem_ct);
        int rc2 = pqce_aes_gcm_rekey(unwrap, wrap_key);
        int rc3 =
            pqce_aes_gcm_open(unwrap, candidate, wrapped, PQCE_KEY_BYTES, wrapped + PQCE_KEY_BYTES,
                              h->core_digest, 32, zero_nonce, sizeof zero_nonce);
        uint8_t ok = (uint8_t)((rc == PQCE_OK) & (rc2 == PQCE_OK) & (rc3 == PQCE_OK));
        pqce_ct_cmov(keys->dek, candidate, PQCE_KEY_BYTES, (uint8_t)(ok & (uint8_t)(found ^ 1u)));
        found |= ok;
    }
    /* Whether some stanza matched is the public outcome of the call. */
    PQCE_CT_DECLASSIFY(&found, sizeof found);
    if (!found) {
        ret = PQCE_ERR_DECRYPT;
        goto cleanup;
    }
    derive_body_keys(keys, h->core_digest);
    header_mac(mac, keys->mac_key, raw, PQCE_PREAMBLE_BYTES + header_len);
    if (!pqce_ct_memeq(mac, raw + PQCE_PREAMBLE_BYTES + header_len, PQCE_MAC_BYTES)) {
        ret = PQCE_ERR_DECRYPT;
        goto cleanup;
    }

    /* metadata */
    size_t meta_len = meta_ct_len - PQCE_TAG_BYTES;
    meta_pt = malloc(meta_len + 1);
    if (meta_pt == NULL) {
        ret = PQCE_ERR_NOMEM;
        goto cleanup;
    }
    kdf(meta_key, keys->dek, LABEL_META_KEY, raw, PREAMBLE_FIXED, raw + PQCE_PREAMBLE_BYTES,
        CORE_PREFIX);
    ret = pqce_aes256gcm_open(meta_pt, meta_ct, meta_len, meta_ct + meta_len, raw, PREAMBLE_FIXED,
                              zero_nonce, meta_key);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    ret = pqce_metadata_decode(meta, meta_pt, meta_len);
    if (ret == PQCE_OK) {
        h->raw = raw;
        h->raw_len = raw_len;
    }
cleanup:
    pqce_aes_gcm_free(unwrap);
    pqce_memzero(ss, sizeof ss);
    pqce_memzero(wrap_key, sizeof wrap_key);
    pqce_memzero(candidate, sizeof candidate);
    pqce_memzero(meta_key, sizeof meta_key);
    if (meta_pt != NULL) {
        pqce_memzero(meta_pt, meta_ct_len - PQCE_TAG_BYTES);
        free(meta_pt);
    }
    if (ret != PQCE_OK) {
        pqce_memzero(keys, sizeof *keys);
        h->raw = NULL;
    }
    return ret;
}

void pqce_header_free(pqce_header *h)
{
    if (h == NULL) {
        return;
    }
    free(h->raw);
    memset(h, 0, sizeof *h);
}
