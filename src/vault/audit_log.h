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

/* Bounds of a record's strings in bytes (docs/AUDIT.md, section 4); a longer
 * string is refused by pqce_audit_append with PQCE_ERR_INVALID_ARG. */
#define PQCE_AUDIT_DEVICE_MAX  255 /* PQCE_SHORT_FIELD_MAX */
#define PQCE_AUDIT_ID_MAX      255
#define PQCE_AUDIT_NAME_MAX    1024 /* PQCE_NAME_MAX */
#define PQCE_AUDIT_KIND_MAX    255
#define PQCE_AUDIT_CALLER_MAX  255 /* PQCE_SHORT_FIELD_MAX */
#define PQCE_AUDIT_DETAILS_MAX 1024

/* How long pqce_audit_append waits for the store's writer lock by default. */
#define PQCE_AUDIT_LOCK_TIMEOUT_MS 10000u

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
 * Errors: PQCE_ERR_INVALID_ARG (NULLs, a bad object name), PQCE_ERR_NOMEM,
 * PQCE_ERR_IO, PQCE_ERR_FORMAT (a record that does not parse; a detail
 * says which), PQCE_ERR_RANDOM. A missing or empty object is an empty log;
 * an incomplete last record (an append in progress, or cut by a crash) is
 * not read (docs/AUDIT.md, section 3.2). */
int pqce_audit_open(pqce_audit_log **log, pqce_store *store, const char *object);
/* Wipes the key and everything decrypted, and frees; accepts NULL. */
void pqce_audit_close(pqce_audit_log *log);

/* Sets the key derived from the vault's secret (unlocked) or removes it
 * (key NULL: locked). The log copies the key into locked memory and wipes
 * it on set_key(NULL) and close; removing it also forgets every decrypted
 * field. The first read after a new key re-reads the object once. */
void pqce_audit_set_key(pqce_audit_log *log, const uint8_t key[PQCE_AUDIT_KEY_BYTES]);

/* How long append waits for the store's writer lock (default
 * PQCE_AUDIT_LOCK_TIMEOUT_MS). */
void pqce_audit_set_lock_timeout(pqce_audit_log *log, uint32_t timeout_ms);

/* A sentence about the log's last failure ("" when none); no secrets. */
const char *pqce_audit_detail(const pqce_audit_log *log);

/*
 * Appends a record after the log's current end (re-reading records other
 * handles appended meanwhile). With a key, the record's fields are
 * encrypted and authenticated; without one, artifact name, id, kind and
 * caller are dropped and the record is only chained: its details are
 * written in clear, so they must not be secret. store_locked: the caller
 * already holds the store's writer lock. An incomplete last record left by
 * a crash is cut off first (the object is rewritten with exactly its
 * complete records). Errors: PQCE_ERR_INVALID_ARG (rec NULL, op out of
 * range, a string longer than its PQCE_AUDIT_*_MAX), PQCE_ERR_IO,
 * PQCE_ERR_BUSY, PQCE_ERR_NOMEM, PQCE_ERR_RANDOM, PQCE_ERR_CRYPTO,
 * PQCE_ERR_FORMAT (the existing log does not parse).
 */
int pqce_audit_append(pqce_audit_log *log, const pqce_audit_record *rec, int store_locked);

/* Re-reads records appended by other handles. Errors: PQCE_ERR_FORMAT (the
 * new bytes are not records), PQCE_ERR_IO, PQCE_ERR_NOMEM. */
int pqce_audit_refresh(pqce_audit_log *log);

/* The number of records and the chain head (hash of the last record; with
 * no record, the chain's initial value). As of the last read or append. */
void pqce_audit_head(const pqce_audit_log *log, uint64_t *count, uint8_t head[32]);

/*
 * Whether the log, as last read, still begins with the count records whose
 * chain head the manifest saved (the cheap form of verify's length and
 * head check; no key needed). The vault calls it, after refresh and under
 * the store's lock, before it records a new head in the manifest: without
 * it, a save after a truncation would record the shorter log and the cut
 * would no longer be detected. Re-reads at most 256 records. Errors:
 * PQCE_ERR_DECRYPT (fewer records, or other records), PQCE_ERR_IO,
 * PQCE_ERR_NOMEM, PQCE_ERR_INVALID_ARG.
 */
int pqce_audit_extends(pqce_audit_log *log, uint64_t count, const uint8_t head[32]);

/* Query (pqce.h semantics: filters, newest first, limit; q NULL = the
 * newest 100). Reads what other handles appended first. Needs the key.
 * Entries after a record that does not parse are not returned (verify
 * reports it). Errors: PQCE_ERR_LOCKED, PQCE_ERR_INVALID_ARG (q->version),
 * PQCE_ERR_IO, PQCE_ERR_NOMEM. */
int pqce_audit_search(pqce_audit_log *log, pqce_audit_list **list, const pqce_audit_query *q);

/*
 * Verifies the chain, the MACs and the sequence, and that the log holds at
 * least expected_count records whose first expected_count records end in
 * expected_head (from the manifest; expected_count 0 skips that check).
 * Re-reads the whole object; nothing cached is trusted. Needs the key.
 * report (may be NULL): entries, authenticated (records covered by a
 * verified MAC), first_bad_seq (entries when nothing failed).
 * Errors: PQCE_ERR_DECRYPT (report->first_bad_seq), PQCE_ERR_LOCKED (no
 * key), PQCE_ERR_INVALID_ARG (expected_head NULL with expected_count > 0),
 * PQCE_ERR_IO, PQCE_ERR_NOMEM.
 */
int pqce_audit_verify(pqce_audit_log *log, pqce_audit_report *report, uint64_t expected_count,
                      const uint8_t expected_head[32]);

/* JSON Lines export, oldest first (docs/AUDIT.md, section 9): q NULL =
 * every record; otherwise the records query would return for q, written
 * oldest first. Needs the key. Errors: as query, plus PQCE_ERR_INVALID_ARG
 * (fd < 0), PQCE_ERR_IO (a write failed). */
int pqce_audit_export(pqce_audit_log *log, int fd, const pqce_audit_query *q);

/* Successful, authenticated gets of kind by caller at or after since_ms (the
 * policy's rate window), counted from memory. Needs the key. Fails closed:
 * PQCE_ERR_DECRYPT when the log is known to be damaged (a record removed,
 * edited, reordered or unreadable; the log shrank under this handle), since
 * such a log may hide gets. Errors: also PQCE_ERR_LOCKED,
 * PQCE_ERR_INVALID_ARG (a NULL), PQCE_ERR_IO, PQCE_ERR_NOMEM. */
int pqce_audit_count_gets(pqce_audit_log *log, const char *kind, const char *caller,
                          uint64_t since_ms, uint64_t *count);

#endif /* PQCE_VAULT_AUDIT_LOG_H */
