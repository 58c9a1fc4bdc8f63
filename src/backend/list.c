/*
 * list.c - pqce_backend_list: which backends this build has, which work on
 * this machine now, and what each offers (the CLI's "pqce backends").
 */
#include <stdio.h>
#include <string.h>

#include "backend/backend.h"

static void entry(pqce_backend_status *st, const char *name)
{
    memset(st, 0, sizeof *st);
    (void)snprintf(st->name, sizeof st->name, "%s", name);
}

static void bridge(pqce_backend_status *st, const char *name, const char *platform,
                   const char *what)
{
    entry(st, name);
    (void)snprintf(st->detail, sizeof st->detail,
                   "not compiled in: this build has only the %s placeholder (its constructor "
                   "succeeds, every seal and unseal fails); the real bridge uses %s",
                   platform, what);
}

int pqce_backend_list(pqce_backend_status *out, size_t cap, size_t *count,
                      const pqce_backend_list_options *opts)
{
    if (count == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *count = PQCE_BACKEND_LIST_COUNT;
    if (out == NULL || cap < PQCE_BACKEND_LIST_COUNT ||
        (opts != NULL && opts->version != PQCE_BACKEND_LIST_OPTIONS_VERSION)) {
        return PQCE_ERR_INVALID_ARG;
    }
    entry(&out[0], "memory");
    out[0].compiled_in = out[0].available = 1;
    out[0].capabilities = PQCE_CAP_USER_PRESENCE | PQCE_CAP_MONOTONIC_COUNTER;
    (void)snprintf(out[0].detail, sizeof out[0].detail,
                   "a key in this process's memory, for tests and demos: nothing survives the "
                   "process; presence and counter are simulated");

    entry(&out[1], "file");
    out[1].compiled_in = out[1].available = 1;
    (void)snprintf(out[1].detail, sizeof out[1].detail,
                   "a key from a passphrase (scrypt) or a key file: software only, no counter, "
                   "no presence");

    entry(&out[2], "tpm2");
    pqce_backend_tpm2_probe(&out[2], opts != NULL ? opts->tpm2_tcti : NULL);

    entry(&out[3], "pkcs11");
    pqce_backend_pkcs11_probe(&out[3], opts != NULL ? opts->pkcs11_module : NULL);

    bridge(&out[4], "ios", "Apple Secure Enclave", "a SecureEnclave.P256 key through CryptoKit");
    bridge(&out[5], "android", "Android StrongBox", "an Android Keystore key through JNI");
    bridge(&out[6], "qsee", "Qualcomm QSEE", "a QSEE Trusted App through QSEECom");
    return PQCE_OK;
}
