/*
 * header.h - the container header: preamble, core, stanzas, header MAC,
 * and the key schedule [FORMAT, 4 and 6].
 */
#ifndef PQCE_FORMAT_HEADER_H
#define PQCE_FORMAT_HEADER_H

#include "format/metadata.h"
#include "format/suite.h"

#define PQCE_MAGIC_BYTES       8
#define PQCE_FORMAT_VERSION    1
#define PQCE_PREAMBLE_BYTES    16 /* magic 8 | version u16 | suite u16 | header_len u32 */
#define PQCE_ID_BYTES          16
#define PQCE_SALT_BYTES        16
#define PQCE_KEY_BYTES         32
#define PQCE_TAG_BYTES         16
#define PQCE_MAC_BYTES         32
#define PQCE_WRAPPED_BYTES     (PQCE_KEY_BYTES + PQCE_TAG_BYTES)
#define PQCE_CORE_FIXED_BYTES  (PQCE_ID_BYTES + 1 + 1 + PQCE_SALT_BYTES + 4)
#define PQCE_META_CT_MAX_BYTES (PQCE_METADATA_MAX_BYTES + PQCE_TAG_BYTES)
#define PQCE_HEADER_MAX_BYTES                             \
    (PQCE_CORE_FIXED_BYTES + PQCE_META_CT_MAX_BYTES + 2 + \
     (size_t)PQCE_RECIPIENTS_MAX * (PQCE_KEM_CT_MAX_BYTES + PQCE_WRAPPED_BYTES))

extern const uint8_t pqce_magic[PQCE_MAGIC_BYTES];

/* The secrets of one artifact. Wipe with pqce_memzero. */
typedef struct pqce_artifact_keys {
    uint8_t dek[PQCE_KEY_BYTES];
    uint8_t payload_key[PQCE_KEY_BYTES];
    uint8_t mac_key[PQCE_KEY_BYTES];
} pqce_artifact_keys;

/* A parsed (or built) header. `raw` holds preamble || header || MAC. */
typedef struct pqce_header {
    const pqce_suite_info *suite;
    uint8_t artifact_id[PQCE_ID_BYTES];
    uint8_t chunk_log2;
    uint8_t payload_salt[PQCE_SALT_BYTES];
    uint8_t core_digest[32];
    uint8_t *raw;
    size_t raw_len; /* = offset of the payload */
    size_t meta_ct_off, meta_ct_len;
    size_t stanza_off, stanza_count;
} pqce_header;

/* Length of the header for a metadata encoding and recipient count. */
size_t pqce_header_size(const pqce_suite_info *suite, size_t meta_len, size_t recipient_count);

/*
 * Builds a header: fresh DEK, artifact id and salt from rng, encrypted
 * metadata, one stanza per recipient, MAC. Fills keys. Errors:
 * PQCE_ERR_INVALID_ARG, PQCE_ERR_INVALID_KEY, PQCE_ERR_RANDOM,
 * PQCE_ERR_NOMEM, PQCE_ERR_CRYPTO.
 */
int pqce_header_build(pqce_header *h, pqce_artifact_keys *keys, const pqce_rng *rng,
                      const pqce_suite_info *suite, uint8_t chunk_log2, const pqce_metadata *meta,
                      const pqce_recipient *recipients, size_t recipient_count);

/* Reads the preamble: checks magic and version, returns the suite and the
 * header length (bounded). Errors: PQCE_ERR_FORMAT, PQCE_ERR_UNSUPPORTED. */
int pqce_preamble_parse(const uint8_t pre[PQCE_PREAMBLE_BYTES], uint16_t *suite,
                        size_t *header_len);

/*
 * Parses raw = preamble || header || MAC (raw_len bytes, taken over by h on
 * success) and opens it with key: structure and bounds, every stanza tried
 * in constant time, header MAC, metadata. Errors: PQCE_ERR_FORMAT,
 * PQCE_ERR_UNSUPPORTED, PQCE_ERR_DECRYPT, PQCE_ERR_NOMEM.
 */
int pqce_header_open(pqce_header *h, pqce_artifact_keys *keys, pqce_metadata_owned *meta,
                     uint8_t *raw, size_t raw_len, const pqce_suite_key *key);

void pqce_header_free(pqce_header *h);

#endif /* PQCE_FORMAT_HEADER_H */
