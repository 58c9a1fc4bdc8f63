/*
 * store_model_weights.c - 256 KiB of model weights through a vault's whole
 * life: unlock, put, save, lock, then a NEW vault handle over the same
 * backend and store (as at the next app launch), unlock, get, compare.
 *
 * The original SDK's example of the same name, in C and with the public
 * API only (no private state is copied between the handles: the new handle
 * unlocks with the backend, which unseals the vault's identity key).
 * The memory backend and store keep it runnable anywhere; on a device the
 * backend would be the file backend or a hardware one and the store a
 * directory (docs/VAULT.md).
 */
#include <pqce.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WEIGHTS_BYTES (256u * 1024u)

static void check(int rc, const pqce_vault *v, const char *what)
{
    if (rc != PQCE_OK) {
        fprintf(stderr, "store_model_weights: %s: %s (%s)\n", what,
                v != NULL ? pqce_vault_error_detail(v) : pqce_strerror(rc), pqce_error_name(rc));
        exit(1);
    }
}

int main(void)
{
    static const char *const tags[] = {"prod", "int4"};
    pqce_backend *backend = NULL;
    pqce_store *store = NULL;
    pqce_vault *vault = NULL, *fresh = NULL;
    pqce_artifact_ref ref;
    char key_id[PQCE_KEY_ID_BYTES];
    size_t len = 0;

    /* 1. "weights" and a device */
    uint8_t *weights = malloc(WEIGHTS_BYTES), *back = malloc(WEIGHTS_BYTES);
    if (weights == NULL || back == NULL) {
        return 1;
    }
    check(pqce_random_bytes(NULL, weights, WEIGHTS_BYTES), NULL, "random weights");
    check(pqce_backend_memory_new(&backend, "iphone-alice-demo", "iphone-15-pro"), NULL, "backend");
    check(pqce_store_memory_new(&store), NULL, "store");
    check(pqce_vault_create(&vault, backend, store, NULL), NULL, "create the vault");
    pqce_vault_free(vault); /* created locked; open it as an app would */
    check(pqce_vault_open(&vault, backend, store, NULL), NULL, "open");

    /* 2. unlock */
    check(pqce_vault_unlock(vault, 0), vault, "unlock");
    check(pqce_vault_key_id(vault, key_id), vault, "key id");
    printf("[unlock] vault unlocked. key_id=%s\n", key_id);

    /* 3. put */
    pqce_metadata meta;
    memset(&meta, 0, sizeof meta);
    meta.name = "llama-3.2-1b-int4";
    meta.kind = PQCE_KIND_MODEL_WEIGHTS;
    meta.version = "1.0.0";
    meta.app_bundle_id = "com.example.localllm";
    meta.tags = tags;
    meta.tag_count = 2;
    meta.description = "Llama 3.2 1B, 4-bit quantised, for on-device inference";
    check(pqce_vault_put(vault, &ref, &meta, weights, WEIGHTS_BYTES, 0), vault, "put");
    printf("[put]    artifact_id=%s size=%llu bytes sha3=%.16s...\n", ref.id,
           (unsigned long long)ref.size, ref.sha3_256_hex);

    /* 4. save */
    check(pqce_vault_save(vault), vault, "save");
    printf("[save]   encrypted store persisted to backend\n");

    /* 5. lock (the identity key is wiped) and drop the handle */
    check(pqce_vault_lock(vault), vault, "lock");
    printf("[lock]   vault sealed\n");
    pqce_vault_free(vault);

    /* 6. a new handle over the same backend and store, as at the next launch */
    check(pqce_vault_open(&fresh, backend, store, NULL), NULL, "open again");
    check(pqce_vault_unlock(fresh, 0), fresh, "unlock again");
    printf("[unlock] fresh vault over same backend\n");
    check(pqce_vault_get(fresh, "llama-3.2-1b-int4", "com.example.localllm", back, WEIGHTS_BYTES,
                         &len),
          fresh, "get");

    /* 7. the same bytes */
    int match = len == WEIGHTS_BYTES && memcmp(back, weights, WEIGHTS_BYTES) == 0;
    printf("[get]    decrypted %zu bytes, match=%s\n", len, match ? "True" : "False");

    pqce_memzero(back, WEIGHTS_BYTES);
    free(back);
    free(weights);
    pqce_vault_free(fresh);
    pqce_store_free(store);
    pqce_backend_free(backend);
    return match ? 0 : 1;
}
