/*
 * manifest.h - the vault's manifest: artifacts (names, ids, metadata,
 * content hashes, object references), the access policy, the audit log's
 * head at the last save, and a generation counter. It is stored as a
 * sealed container (docs/VAULT.md, "Manifest").
 */
#ifndef PQCE_VAULT_MANIFEST_H
#define PQCE_VAULT_MANIFEST_H

#include "format/metadata.h"
#include "pqce.h"
#include "store/store.h"

typedef struct pqce_manifest_entry {
    uint8_t id[16];
    char id_str[PQCE_ARTIFACT_ID_BYTES];
    uint8_t sha3[32];
    char sha3_hex[PQCE_SHA3_HEX_BYTES];
    uint64_t size;
    char object[PQCE_STORE_NAME_MAX + 1];
    pqce_metadata_owned meta;
} pqce_manifest_entry;

typedef struct pqce_manifest_rule {
    int present;
    int require_biometric;
    uint32_t max_uses_per_hour;
    size_t bundle_count;
    char **bundles;
} pqce_manifest_rule;

typedef struct pqce_manifest {
    uint64_t generation;
    uint64_t saved_ms;
    uint8_t vault_id[16];
    uint64_t audit_count;
    uint8_t audit_head[32];
    pqce_manifest_entry *entries; /* sorted by name */
    size_t count, cap;
    pqce_manifest_rule rules[PQCE_KIND_COUNT];
} pqce_manifest;

void pqce_manifest_init(pqce_manifest *m, const uint8_t vault_id[16]);
void pqce_manifest_free(pqce_manifest *m);
/* Deep copy. Errors: PQCE_ERR_NOMEM. */
int pqce_manifest_copy(pqce_manifest *dst, const pqce_manifest *src);

/* Canonical encoding into a malloc'd buffer / decoding with every bound
 * checked (PQCE_ERR_FORMAT). */
int pqce_manifest_encode(const pqce_manifest *m, uint8_t **buf, size_t *len);
int pqce_manifest_decode(pqce_manifest *m, const uint8_t *buf, size_t len);

/* Lookups; NULL when absent. */
pqce_manifest_entry *pqce_manifest_by_name(const pqce_manifest *m, const char *name);
pqce_manifest_entry *pqce_manifest_by_id(const pqce_manifest *m, const uint8_t id[16]);

/* Inserts a deep copy of e (an entry of that name must not exist).
 * Errors: PQCE_ERR_NOMEM, PQCE_ERR_EXISTS. */
int pqce_manifest_insert(pqce_manifest *m, const pqce_manifest_entry *e);
/* Removes the entry with this id (no-op when absent). */
void pqce_manifest_remove(pqce_manifest *m, const uint8_t id[16]);

/* Builds an entry from the sealed artifact's facts; the metadata is
 * deep-copied through its canonical encoding. Errors: PQCE_ERR_NOMEM,
 * PQCE_ERR_INVALID_ARG. Free with pqce_manifest_entry_free. */
int pqce_manifest_entry_make(pqce_manifest_entry *e, const uint8_t id[16], const uint8_t sha3[32],
                             uint64_t size, const char *object, const pqce_metadata *meta);
int pqce_manifest_entry_copy(pqce_manifest_entry *dst, const pqce_manifest_entry *src);
void pqce_manifest_entry_free(pqce_manifest_entry *e);

/* Policy rules (deep copies). */
int pqce_manifest_rule_set(pqce_manifest *m, const pqce_policy_rule *rule);
void pqce_manifest_rule_remove(pqce_manifest *m, pqce_kind kind);

/* "urn:pqc-enclave-art:" + hex(id); parsing the same. */
void pqce_artifact_id_format(char out[PQCE_ARTIFACT_ID_BYTES], const uint8_t id[16]);
int pqce_artifact_id_parse(uint8_t id[16], const char *s);

#endif /* PQCE_VAULT_MANIFEST_H */
