/* error.c - names and sentences for the PQCE_ERR_* codes. */
#include "pqce.h"

struct error_text {
    int code;
    const char *name;
    const char *sentence;
};

static const struct error_text error_texts[] = {
    {PQCE_OK, "PQCE_OK", "success"},
    {PQCE_ERR_INVALID_ARG, "PQCE_ERR_INVALID_ARG", "invalid argument"},
    {PQCE_ERR_NOMEM, "PQCE_ERR_NOMEM", "out of memory"},
    {PQCE_ERR_RANDOM, "PQCE_ERR_RANDOM", "the randomness source failed"},
    {PQCE_ERR_CRYPTO, "PQCE_ERR_CRYPTO", "the underlying crypto library failed"},
    {PQCE_ERR_INVALID_KEY, "PQCE_ERR_INVALID_KEY", "the key failed its input check"},
    {PQCE_ERR_DECRYPT, "PQCE_ERR_DECRYPT", "authentication failed; no plaintext was released"},
    {PQCE_ERR_VERIFY, "PQCE_ERR_VERIFY", "the signature did not verify"},
    {PQCE_ERR_STATE, "PQCE_ERR_STATE", "call out of sequence for this object"},
    {PQCE_ERR_UNSUPPORTED, "PQCE_ERR_UNSUPPORTED", "not supported by this build or platform"},
    {PQCE_ERR_SELFTEST, "PQCE_ERR_SELFTEST", "a built-in known-answer test failed"},
    {PQCE_ERR_IO, "PQCE_ERR_IO", "an I/O operation failed"},
    {PQCE_ERR_FORMAT, "PQCE_ERR_FORMAT", "malformed or unsupported encoding"},
    {PQCE_ERR_NOT_FOUND, "PQCE_ERR_NOT_FOUND", "unknown artifact"},
    {PQCE_ERR_LOCKED, "PQCE_ERR_LOCKED", "the vault is locked"},
    {PQCE_ERR_BACKEND, "PQCE_ERR_BACKEND", "the key-custody backend failed"},
    {PQCE_ERR_ATTESTATION, "PQCE_ERR_ATTESTATION", "the attestation did not verify"},
    {PQCE_ERR_POLICY, "PQCE_ERR_POLICY", "the access policy denied the operation"},
    {PQCE_ERR_ROLLBACK, "PQCE_ERR_ROLLBACK", "an older vault state was restored (rollback)"},
    {PQCE_ERR_BUSY, "PQCE_ERR_BUSY", "the resource is locked by another process"},
    {PQCE_ERR_EXISTS, "PQCE_ERR_EXISTS", "an artifact with this name already exists"},
};

static const struct error_text *find(int err)
{
    for (size_t i = 0; i < sizeof error_texts / sizeof error_texts[0]; i++) {
        if (error_texts[i].code == err) {
            return &error_texts[i];
        }
    }
    return NULL;
}

const char *pqce_strerror(int err)
{
    const struct error_text *t = find(err);
    return t != NULL ? t->sentence : "unknown error code";
}

const char *pqce_error_name(int err)
{
    const struct error_text *t = find(err);
    return t != NULL ? t->name : "PQCE_ERR_UNKNOWN";
}
