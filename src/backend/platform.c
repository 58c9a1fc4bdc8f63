/*
 * platform.c - the platform bridges of the seed SDK: Apple Secure Enclave
 * (iOS), Android StrongBox and Qualcomm QSEE.
 *
 * On those platforms the key-encryption key lives in the secure element
 * and the C core reaches it through platform glue (Swift/CryptoKit, the
 * Android Keystore through JNI, a QSEECom Trusted App client). None of
 * that glue can be compiled on this Linux build, so these backends exist
 * in the API with their device information, and every seal and unseal
 * fails with PQCE_ERR_BACKEND and a sentence that names the platform, the
 * mechanism the real bridge uses and the fact that this build does not
 * include it. They never succeed silently: a vault cannot be created or
 * unlocked on them here (the seed's behaviour, minus its silent parts).
 * docs/BACKENDS.md describes what each bridge will do.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"

typedef struct platform_desc {
    const char *backend;    /* pqce_device_info.backend */
    const char *vendor;     /* pqce_device_info.enclave_vendor */
    const char *default_id; /* the seed's constructor defaults */
    const char *default_model;
    const char *platform;  /* for the sentence */
    const char *mechanism; /* what the real bridge uses (short: the sentence fits 256 bytes) */
} platform_desc;

static const platform_desc ios_desc = {
    "ios-secure-enclave",   "apple-se",
    "iphone-unknown",       "iphone-unknown",
    "Apple Secure Enclave", "SecureEnclave.P256 key wrap, Keychain kSecAttrTokenIDSecureEnclave",
};

static const platform_desc android_desc = {
    "android-strongbox", "android-strongbox",
    "android-unknown",   "android-unknown",
    "Android StrongBox", "Android Keystore StrongBox key, Cipher.WRAP_MODE/UNWRAP_MODE through JNI",
};

static const platform_desc qsee_desc = {
    "qualcomm-qsee",      "qualcomm-qsee",
    "snapdragon-unknown", "snapdragon-unknown",
    "Qualcomm QSEE",      "a QSEE Trusted App through QSEECom_start_app/QSEECom_send_cmd",
};

typedef struct platform_backend {
    const platform_desc *desc;
    char device_id[PQCE_DEVICE_FIELD_BYTES];
    char device_model[PQCE_DEVICE_FIELD_BYTES];
    pthread_mutex_t mu; /* guards detail */
    char detail[256];
} platform_backend;

static int unavailable(platform_backend *p, const char *what)
{
    pthread_mutex_lock(&p->mu);
    (void)snprintf(p->detail, sizeof p->detail,
                   "%s: cannot %s: this build does not include the %s bridge (%s)",
                   p->desc->backend, what, p->desc->platform, p->desc->mechanism);
    pthread_mutex_unlock(&p->mu);
    return PQCE_ERR_BACKEND;
}

static int platform_seal(void *ctx, uint8_t *blob, size_t blob_cap, size_t *blob_len,
                         const uint8_t *secret, size_t secret_len, const uint8_t *aad,
                         size_t aad_len)
{
    (void)blob;
    (void)blob_cap;
    (void)blob_len;
    (void)secret;
    (void)secret_len;
    (void)aad;
    (void)aad_len;
    return unavailable(ctx, "seal");
}

static int platform_unseal(void *ctx, uint8_t *secret, size_t secret_cap, size_t *secret_len,
                           const uint8_t *blob, size_t blob_len, const uint8_t *aad, size_t aad_len)
{
    (void)secret_len;
    (void)blob;
    (void)blob_len;
    (void)aad;
    (void)aad_len;
    pqce_memzero(secret, secret_cap);
    return unavailable(ctx, "unseal");
}

static int platform_device_info(void *ctx, pqce_device_info *info)
{
    platform_backend *p = ctx;
    memcpy(info->device_id, p->device_id, sizeof info->device_id);
    memcpy(info->device_model, p->device_model, sizeof info->device_model);
    (void)pqce_backend_copy_field(info->enclave_vendor, sizeof info->enclave_vendor,
                                  p->desc->vendor, NULL);
    (void)pqce_backend_copy_field(info->backend, sizeof info->backend, p->desc->backend, NULL);
    /* Without the bridge nothing is hardware-bound and there is neither
     * presence nor a counter; reporting the real device's capabilities
     * would promise what this build cannot do. */
    info->capabilities = 0;
    return PQCE_OK;
}

static void platform_last_error(void *ctx, char *buf, size_t cap)
{
    platform_backend *p = ctx;
    pthread_mutex_lock(&p->mu);
    (void)snprintf(buf, cap, "%s", p->detail);
    pthread_mutex_unlock(&p->mu);
}

static void platform_destroy(void *ctx)
{
    platform_backend *p = ctx;
    if (p != NULL) {
        pthread_mutex_destroy(&p->mu);
        free(p);
    }
}

static const pqce_backend_ops platform_backend_ops = {
    .version = PQCE_BACKEND_OPS_VERSION,
    .seal = platform_seal,
    .unseal = platform_unseal,
    .device_info = platform_device_info,
    .user_presence = NULL,
    .counter_read = NULL,
    .counter_advance = NULL,
    .last_error = platform_last_error,
    .destroy = platform_destroy,
};

static int platform_new(pqce_backend **backend, const platform_desc *desc, const char *device_id,
                        const char *device_model)
{
    if (backend == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *backend = NULL;
    platform_backend *p = calloc(1, sizeof *p);
    if (p == NULL) {
        return PQCE_ERR_NOMEM;
    }
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        free(p);
        return PQCE_ERR_NOMEM;
    }
    p->desc = desc;
    int ret;
    if ((ret = pqce_backend_copy_field(p->device_id, sizeof p->device_id, device_id,
                                       desc->default_id)) != PQCE_OK ||
        (ret = pqce_backend_copy_field(p->device_model, sizeof p->device_model, device_model,
                                       desc->default_model)) != PQCE_OK ||
        (ret = pqce_backend_new(backend, &platform_backend_ops, p)) != PQCE_OK) {
        platform_destroy(p);
        return ret;
    }
    return PQCE_OK;
}

int pqce_backend_ios_new(pqce_backend **backend, const char *device_id, const char *device_model)
{
    return platform_new(backend, &ios_desc, device_id, device_model);
}

int pqce_backend_android_new(pqce_backend **backend, const char *device_id,
                             const char *device_model)
{
    return platform_new(backend, &android_desc, device_id, device_model);
}

int pqce_backend_qsee_new(pqce_backend **backend, const char *device_id, const char *device_model)
{
    return platform_new(backend, &qsee_desc, device_id, device_model);
}
