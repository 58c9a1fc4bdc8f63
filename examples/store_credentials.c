/*
 * store_credentials.c - three API credentials for two app bundles: put
 * each, list the vault, read one back.
 *
 * The original SDK's example of the same name, in C with the public API.
 * Its output printed Python reprs ('name', b'bytes'); this prints the
 * same text. The list is shown in the order the credentials were stored,
 * as the original's was (pqce_vault_list returns them sorted by name).
 */
#include <pqce.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(int rc, const pqce_vault *v, const char *what)
{
    if (rc != PQCE_OK) {
        fprintf(stderr, "store_credentials: %s: %s (%s)\n", what,
                v != NULL ? pqce_vault_error_detail(v) : pqce_strerror(rc), pqce_error_name(rc));
        exit(1);
    }
}

/* Prints bytes the way Python's repr of a bytes object does: b'...'. */
static void print_bytes_repr(const uint8_t *p, size_t n)
{
    int has_single = memchr(p, '\'', n) != NULL, has_double = memchr(p, '"', n) != NULL;
    char quote = has_single && !has_double ? '"' : '\'';
    printf("b%c", quote);
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (c == (uint8_t)quote || c == '\\') {
            printf("\\%c", c);
        } else if (c == '\t') {
            printf("\\t");
        } else if (c == '\n') {
            printf("\\n");
        } else if (c == '\r') {
            printf("\\r");
        } else if (c < 0x20 || c >= 0x7f) {
            printf("\\x%02x", c);
        } else {
            putchar(c);
        }
    }
    printf("%c", quote);
}

int main(void)
{
    static const struct {
        const char *name, *secret, *bundle;
    } creds[] = {
        {"openai_api_key", "sk-openai-test", "com.example.chatapp"},
        {"anthropic_api_key", "sk-ant-test", "com.example.chatapp"},
        {"stripe_secret", "sk_live_stripe", "com.example.payments"},
    };
    const size_t n = sizeof creds / sizeof creds[0];
    pqce_backend *backend = NULL;
    pqce_store *store = NULL;
    pqce_vault *vault = NULL;

    check(pqce_backend_memory_new(&backend, "pixel-8-bob-demo", "pixel-8"), NULL, "backend");
    check(pqce_store_memory_new(&store), NULL, "store");
    check(pqce_vault_create(&vault, backend, store, NULL), NULL, "create the vault");
    pqce_vault_free(vault);
    check(pqce_vault_open(&vault, backend, store, NULL), NULL, "open");
    check(pqce_vault_unlock(vault, 0), vault, "unlock");

    for (size_t i = 0; i < n; i++) {
        pqce_metadata meta;
        memset(&meta, 0, sizeof meta);
        meta.name = creds[i].name;
        meta.kind = PQCE_KIND_CREDENTIAL;
        meta.app_bundle_id = creds[i].bundle;
        check(pqce_vault_put(vault, NULL, &meta, (const uint8_t *)creds[i].secret,
                             strlen(creds[i].secret), 0),
              vault, "put");
        printf("[put]  stored '%s' for bundle '%s'\n", creds[i].name, creds[i].bundle);
    }

    pqce_artifact_list *list = NULL;
    check(pqce_vault_list(vault, &list, PQCE_KIND_ANY), vault, "list");
    printf("\n[list] artifacts in vault:\n");
    for (size_t i = 0; i < n; i++) { /* in the order they were stored */
        for (size_t j = 0; j < pqce_artifact_list_count(list); j++) {
            const pqce_artifact_entry *e = pqce_artifact_list_at(list, j);
            if (strcmp(e->meta.name, creds[i].name) == 0) {
                printf("  - name=%-22s bundle=%-24s size=%3lluB  kind=%s\n", e->meta.name,
                       e->meta.app_bundle_id, (unsigned long long)e->meta.size,
                       pqce_kind_name(e->meta.kind));
            }
        }
    }
    pqce_artifact_list_free(list);

    uint8_t buf[64];
    size_t len = 0;
    check(pqce_vault_get(vault, "anthropic_api_key", "com.example.chatapp", buf, sizeof buf, &len),
          vault, "get");
    printf("\n[get]  anthropic_api_key -> ");
    print_bytes_repr(buf, len);
    printf("\n");
    pqce_memzero(buf, sizeof buf);

    pqce_vault_free(vault);
    pqce_store_free(store);
    pqce_backend_free(backend);
    return 0;
}
