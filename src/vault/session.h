/*
 * session.h - the unlocked session's secrets, in memory that is locked
 * (mlock: never swapped), excluded from core dumps (MADV_DONTDUMP) and
 * wiped when the session ends.
 */
#ifndef PQCE_VAULT_SESSION_H
#define PQCE_VAULT_SESSION_H

#include "format/suite.h"
#include "pqce.h"

/* The sealed secret: the identity seed (64 bytes; X-Wing uses the first
 * 32) and the attestation seed (32 bytes). */
#define PQCE_VAULT_SECRET_BYTES 96
#define PQCE_VAULT_KEM_SEED_OFF 0
#define PQCE_VAULT_DSA_SEED_OFF 64

typedef struct pqce_session {
    uint8_t secret[PQCE_VAULT_SECRET_BYTES];
    pqce_suite_key kem; /* expanded identity key */
    uint8_t dsa_pk[PQCE_MLDSA87_PK_BYTES];
    uint8_t dsa_sk[PQCE_MLDSA87_SK_BYTES];
    size_t dsa_pk_len, dsa_sk_len;
    uint8_t audit_key[32];
    int64_t expires_ms; /* CLOCK_BOOTTIME */
    int memory_locked;  /* mlock succeeded */
} pqce_session;

/* Maps a page-aligned, locked, non-dumpable region for a session. If the
 * memory cannot be locked (RLIMIT_MEMLOCK), the session still works and
 * memory_locked is 0. Errors: PQCE_ERR_NOMEM. */
int pqce_session_new(pqce_session **s);

/* Wipes and unmaps; accepts NULL. */
void pqce_session_free(pqce_session *s);

/* Milliseconds of CLOCK_BOOTTIME (counts suspend, ignores clock changes). */
int64_t pqce_session_now_ms(void);

#endif /* PQCE_VAULT_SESSION_H */
