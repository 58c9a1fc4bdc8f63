/* vault_fixture.c - a vault for tests. */
#include "vault_fixture.h"

#include <string.h>

int vault_fixture_up(vault_fixture *f, const char *device_id, const char *device_model)
{
    memset(f, 0, sizeof *f);
    pqce_vault *created = NULL;
    if (pqce_backend_memory_new(&f->backend, device_id, device_model) != PQCE_OK ||
        pqce_store_memory_new(&f->store) != PQCE_OK ||
        pqce_vault_create(&created, f->backend, f->store, NULL) != PQCE_OK) {
        return -1;
    }
    pqce_vault_free(created);
    if (pqce_vault_open(&f->vault, f->backend, f->store, NULL) != PQCE_OK ||
        pqce_vault_unlock(f->vault, 0) != PQCE_OK) {
        return -1;
    }
    return 0;
}

void vault_fixture_down(vault_fixture *f)
{
    pqce_vault_free(f->vault);
    pqce_store_free(f->store);
    pqce_backend_free(f->backend);
    memset(f, 0, sizeof *f);
}

int vault_fixture_reopen(vault_fixture *f)
{
    pqce_vault_free(f->vault);
    f->vault = NULL;
    int ret = pqce_vault_open(&f->vault, f->backend, f->store, NULL);
    return ret == PQCE_OK ? pqce_vault_unlock(f->vault, 0) : ret;
}

pqce_metadata vault_meta(const char *name, pqce_kind kind)
{
    pqce_metadata m;
    memset(&m, 0, sizeof m);
    m.name = name;
    m.kind = kind;
    return m;
}
