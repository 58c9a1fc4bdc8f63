/*
 * audit_log.h - the vault's persistent, append-only, hash-chained and
 * authenticated audit log (pqce.h, "Audit log"; docs/VAULT.md).
 *
 * Internal interface used by vault.c. The log lives in one store object
 * (appended with pqce_store_append). Thread-compatible: one log object per
 * vault handle; several handles and processes may append to one log, each
 * append holding the store's writer lock (or being told the caller holds
 * it).
 */
#ifndef PQCE_VAULT_AUDIT_LOG_H
#define PQCE_VAULT_AUDIT_LOG_H

#include "pqce.h"

typedef struct pqce_audit_log pqce_audit_log;

#define PQCE_AUDIT_KEY_BYTES 32

/* Operation codes; pqce_audit_op_name gives the strings of pqce.h. */
typedef enum pqce_audit_op {
    PQCE_AUDIT_UNLOCK = 0,
    PQCE_AUDIT_LOCK,
    PQCE_AUDIT_PUT,
    PQCE_AUDIT_GET,
    PQCE_AUDIT_DELETE,
    PQCE_AUDIT_LIST,
    PQCE_AUDIT_SAVE,
    PQCE_AUDIT_POLICY_VIOLATION,
    PQCE_AUDIT_ATTEST,
    PQCE_AUDIT_DECRYPTION_FAILURE,
    PQCE_AUDIT_OP_COUNT
} pqce_audit_op;

const char *pqce_audit_op_name(pqce_audit_op op);

/* What the vault records; strings may be NULL (= ""). time_ms 0 = now. */
typedef struct pqce_audit_record {
    pqce_audit_op op;
    uint64_t time_ms;
    const char *device_id;
    const char *artifact_id;
    const char *artifact_name;
    const char *artifact_kind;
    const char *caller;
    int success;
    const char *details;
} pqce_audit_record;

/* Opens (reading what exists) the log stored as `object` in store.
 * Errors: PQCE_ERR_NOMEM, PQCE_ERR_IO, PQCE_ERR_FORMAT (a record that does
 * not parse). A missing object is an empty log. */
int pqce_audit_open(pqce_audit_log **log, pqce_store *store, const char *object);
void pqce_audit_close(pqce_audit_log *log);

/* Sets the key derived from the vault's secret (unlocked) or removes it
 * (key NULL: locked). The log copies and later wipes the key. */
void pqce_audit_set_key(pqce_audit_log *log, const uint8_t key[PQCE_AUDIT_KEY_BYTES]);

/*
 * Appends a record after the log's current end (re-reading records other
 * handles appended meanwhile). With a key, the record's fields are
 * encrypted and authenticated; without one, artifact name, id and caller
 * are dropped and the record is only chained. store_locked: the caller
 * already holds the store's writer lock. Errors: PQCE_ERR_IO, PQCE_ERR_BUSY,
 * PQCE_ERR_NOMEM, PQCE_ERR_FORMAT (the existing log does not parse).
 */
int pqce_audit_append(pqce_audit_log *log, const pqce_audit_record *rec, int store_locked);

/* Re-reads records appended by other handles. */
int pqce_audit_refresh(pqce_audit_log *log);

/* The number of records and the chain head (hash of the last record). */
void pqce_audit_head(const pqce_audit_log *log, uint64_t *count, uint8_t head[32]);

/* Query (pqce.h semantics: filters, newest first, limit). Needs the key. */
int pqce_audit_search(pqce_audit_log *log, pqce_audit_list **list, const pqce_audit_query *q);

/*
 * Verifies the chain, the MACs and the sequence, and that the log holds at
 * least expected_count records whose first expected_count records end in
 * expected_head (from the manifest; expected_count 0 skips that check).
 * Needs the key. Errors: PQCE_ERR_DECRYPT (report->first_bad_seq),
 * PQCE_ERR_LOCKED (no key), PQCE_ERR_IO.
 */
int pqce_audit_verify(pqce_audit_log *log, pqce_audit_report *report, uint64_t expected_count,
                      const uint8_t expected_head[32]);

/* JSON Lines export, oldest first. Needs the key. */
int pqce_audit_export(pqce_audit_log *log, int fd, const pqce_audit_query *q);

/* Successful gets of kind by caller at or after since_ms (the policy's rate
 * window). Needs the key. */
int pqce_audit_count_gets(pqce_audit_log *log, const char *kind, const char *caller,
                          uint64_t since_ms, uint64_t *count);

#endif /* PQCE_VAULT_AUDIT_LOG_H */
