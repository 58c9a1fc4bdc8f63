/*
 * device_attestation.c - a device signs a statement that it holds an
 * artifact (ML-DSA-65), a verifier checks it against the key it expects,
 * a flipped signature byte fails, the restored one verifies again.
 *
 * The original SDK's example of the same name, in C with the public API.
 * The attestation is tampered with the way an attacker would: in its
 * canonical byte form (docs/ATTESTATION.md), which is then decoded again.
 */
#include <pqce.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(int rc, const pqce_vault *v, const char *what)
{
    if (rc != PQCE_OK) {
        fprintf(stderr, "device_attestation: %s: %s (%s)\n", what,
                v != NULL ? pqce_vault_error_detail(v) : pqce_strerror(rc), pqce_error_name(rc));
        exit(1);
    }
}

/* Decodes bytes and verifies them against the expected key; 1 if valid. */
static int valid_bytes(const uint8_t *bytes, size_t len, const uint8_t *pk, size_t pk_len)
{
    pqce_attestation *att = NULL;
    if (pqce_attestation_decode(&att, bytes, len) != PQCE_OK) {
        return 0;
    }
    int ok = pqce_attestation_is_valid(att, pk, pk_len, NULL, 0);
    pqce_attestation_free(att);
    return ok;
}

int main(void)
{
    pqce_backend *backend = NULL;
    pqce_store *store = NULL;
    pqce_vault *vault = NULL;
    pqce_artifact_ref ref;
    uint8_t lora[4096], pk[PQCE_MLDSA87_PK_BYTES];
    size_t pk_len = 0;
    unsigned alg = 0;

    check(pqce_backend_memory_new(&backend, "iphone-carol-demo", "iphone-15-pro"), NULL, "backend");
    check(pqce_store_memory_new(&store), NULL, "store");
    check(pqce_vault_create(&vault, backend, store, NULL), NULL, "create the vault");
    pqce_vault_free(vault);
    check(pqce_vault_open(&vault, backend, store, NULL), NULL, "open");
    check(pqce_vault_unlock(vault, 0), vault, "unlock");

    memset(lora, 0x11, sizeof lora);
    pqce_metadata meta;
    memset(&meta, 0, sizeof meta);
    meta.name = "jailbreak-safety-lora";
    meta.kind = PQCE_KIND_LORA_ADAPTER;
    meta.version = "2.0.1";
    check(pqce_vault_put(vault, &ref, &meta, lora, sizeof lora, 0), vault, "put");
    printf("[put]     artifact_id=%s\n", ref.id);
    printf("[hash]    sha3=%s\n", ref.sha3_256_hex);

    /* The device attests; the verifier enrolled the device's key earlier. */
    pqce_attestation *att = NULL;
    pqce_attestation_fields f;
    check(pqce_vault_attest(vault, &att, "jailbreak-safety-lora", NULL, 0), vault, "attest");
    check(pqce_attestation_fields_get(att, &f), NULL, "fields");
    printf("[attest]  signer_did=%s\n", f.signer_id);
    printf("[attest]  algorithm=%s\n", f.algorithm);
    check(pqce_vault_attestation_key(vault, &alg, pk, sizeof pk, &pk_len), vault,
          "attestation key");

    int valid = pqce_attestation_is_valid(att, pk, pk_len, NULL, 0);
    printf("[verify]  valid=%s\n", valid ? "True" : "False");

    /* Tamper: flip the first byte of the signature in the canonical form. */
    size_t len = 0;
    if (pqce_attestation_encode(att, NULL, 0, &len) != PQCE_ERR_INVALID_ARG) {
        return 1;
    }
    uint8_t *bytes = malloc(len);
    if (bytes == NULL) {
        return 1;
    }
    check(pqce_attestation_encode(att, bytes, len, &len), NULL, "encode");
    size_t sig0 = len - f.signature_len; /* the signature ends the encoding */
    bytes[sig0] ^= 0xFF;
    int tampered = valid_bytes(bytes, len, pk, pk_len);
    printf("[tamper]  valid_after_tamper=%s\n", tampered ? "True" : "False");

    bytes[sig0] ^= 0xFF; /* restore */
    int restored = valid_bytes(bytes, len, pk, pk_len);
    printf("[restore] valid_after_restore=%s\n", restored ? "True" : "False");

    free(bytes);
    pqce_attestation_free(att);
    pqce_vault_free(vault);
    pqce_store_free(store);
    pqce_backend_free(backend);
    return valid && !tampered && restored ? 0 : 1;
}
