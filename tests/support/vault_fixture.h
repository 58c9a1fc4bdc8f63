/*
 * vault_fixture.h - a vault for tests: a memory backend, a memory store,
 * the vault created, opened and unlocked.
 */
#ifndef PQCE_TEST_VAULT_FIXTURE_H
#define PQCE_TEST_VAULT_FIXTURE_H

#include "pqce.h"

typedef struct vault_fixture {
    pqce_backend *backend;
    pqce_store *store;
    pqce_vault *vault;
} vault_fixture;

/* Returns 0, or -1 if any step failed. */
int vault_fixture_up(vault_fixture *f, const char *device_id, const char *device_model);
void vault_fixture_down(vault_fixture *f);

/* Frees the vault handle and opens and unlocks a new one on the same
 * backend and store; returns the first error. */
int vault_fixture_reopen(vault_fixture *f);

/* Metadata with only a name and a kind. */
pqce_metadata vault_meta(const char *name, pqce_kind kind);

#endif /* PQCE_TEST_VAULT_FIXTURE_H */
