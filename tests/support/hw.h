/*
 * hw.h - helpers for the tests that run against the simulators that
 * tests/hw_env.sh starts (swtpm, SoftHSM2): the environment it exports,
 * and direct TPM commands the tests need to set a scene (extend a PCR,
 * read the dictionary-attack state, count loaded handles).
 */
#ifndef PQCE_TEST_HW_H
#define PQCE_TEST_HW_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

/* The variable's value; prints which variable is missing and returns NULL
 * when it is not set (the test then fails: it never skips). */
const char *hw_env(const char *name);

/* Joins a new anonymous session keyring, so that keyring tests never touch
 * the caller's; the process's children inherit it. 0 on success. */
int hw_join_session_keyring(void);

/* A fresh directory under /tmp; hw_rm_rf removes a tree. */
void hw_fresh_dir(char *out, size_t cap, const char *tag);
void hw_rm_rf(const char *dir);
/* Copies a file (1 on success). */
int hw_copy_file(const char *from, const char *to);

#if PQCE_WITH_TPM2
/* Each opens its own connection to the TPM at tcti; 0 on success. */
int hw_tpm_pcr_extend(const char *tcti, unsigned pcr);
int hw_tpm_pcr_reset(const char *tcti, unsigned pcr);
/* TPM2_PT_LOCKOUT_COUNTER, TPM2_PT_MAX_AUTH_FAIL and TPMA_PERMANENT's inLockout. */
int hw_tpm_da_state(const char *tcti, uint32_t *failures, uint32_t *max_failures, int *in_lockout);
/* TPM2_DictionaryAttackLockReset with the (empty) lockout authorisation. */
int hw_tpm_da_reset(const char *tcti);
/* Loaded transient objects and sessions (loaded and saved). */
int hw_tpm_handles(const char *tcti, uint32_t *transient, uint32_t *sessions);
/* Defines an ordinary (not counter) NV index of 8 bytes. */
int hw_tpm_nv_define_ordinary(const char *tcti, uint32_t index);
#endif

#endif /* PQCE_TEST_HW_H */
