/*
 * test_keyring.c - the vault's optional unlock cache in the session keyring
 * (PQCE_VAULT_KEYRING_CACHE, src/vault/keyring.c): off by default; when on,
 * a child process unlocks from it without the backend; the entry is
 * possessor-only, expires with the TTL, is removed by lock, and an entry
 * that does not belong to this descriptor is ignored. The program joins a
 * session keyring of its own first, so it never touches the caller's.
 *
 * The backend is a memory backend behind a wrapper that counts unseals and
 * can refuse them: a child whose backend refuses can unlock only from the
 * cache.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/backend.h"
#include "hw.h"
#include "test.h"
#include "vault/keyring.h"

typedef struct wrapper {
    pqce_backend *inner;
    int refuse;
    int unseals;
} wrapper;

static int w_seal(void *ctx, uint8_t *blob, size_t cap, size_t *len, const uint8_t *s, size_t slen,
                  const uint8_t *aad, size_t aad_len)
{
    return pqce_backend_seal(((wrapper *)ctx)->inner, blob, cap, len, s, slen, aad, aad_len);
}

static int w_unseal(void *ctx, uint8_t *s, size_t cap, size_t *len, const uint8_t *blob,
                    size_t blob_len, const uint8_t *aad, size_t aad_len)
{
    wrapper *w = ctx;
    w->unseals++;
    if (w->refuse) {
        return PQCE_ERR_BACKEND;
    }
    return pqce_backend_unseal(w->inner, s, cap, len, blob, blob_len, aad, aad_len);
}

static int w_info(void *ctx, pqce_device_info *info)
{
    return pqce_backend_device_info(((wrapper *)ctx)->inner, info);
}

static const pqce_backend_ops wrapper_ops = {
    .version = PQCE_BACKEND_OPS_VERSION,
    .seal = w_seal,
    .unseal = w_unseal,
    .device_info = w_info,
};

/* The fixture: one memory backend (its KEK is inherited by forked
 * children, which is why they need "refuse" to prove they used the cache),
 * a wrapper, a directory store. */
static pqce_backend *inner;
static wrapper wctx;
static pqce_backend *wrapped;

static int fixture(void)
{
    if (inner == NULL && pqce_backend_memory_new(&inner, "kr-device", "kr-model") != PQCE_OK) {
        return 0;
    }
    if (wrapped == NULL) {
        wctx.inner = inner;
        if (pqce_backend_new(&wrapped, &wrapper_ops, &wctx) != PQCE_OK) {
            return 0;
        }
    }
    wctx.refuse = 0;
    wctx.unseals = 0;
    return 1;
}

typedef struct handle {
    pqce_store *s;
    pqce_vault *v;
} handle;

static int vopen(handle *h, const char *dir, int create, const pqce_vault_options *o)
{
    memset(h, 0, sizeof *h);
    int ret = pqce_store_dir_new(&h->s, dir);
    if (ret == PQCE_OK && create) {
        pqce_vault *c = NULL;
        ret = pqce_vault_create(&c, wrapped, h->s, o);
        pqce_vault_free(c);
    }
    if (ret == PQCE_OK) {
        ret = pqce_vault_open(&h->v, wrapped, h->s, o);
    }
    return ret;
}

static void vclose(handle *h)
{
    pqce_vault_free(h->v);
    pqce_store_free(h->s);
}

static pqce_vault_options with_flags(unsigned flags)
{
    pqce_vault_options o;
    memset(&o, 0, sizeof o);
    o.version = PQCE_VAULT_OPTIONS_VERSION;
    o.flags = flags;
    return o;
}

static const pqce_vault_options cache_on = {PQCE_VAULT_OPTIONS_VERSION, 0, 0, 0, 0, NULL, 0,
                                            PQCE_VAULT_KEYRING_CACHE};

/* Counts the session keyring's entries whose description starts with
 * "pqce:vault:"; the first one's description and permissions go to desc
 * and perm. */
static int cache_entries(char *desc, size_t desc_cap, unsigned long *perm)
{
    int32_t ids[256];
    long n = syscall(SYS_keyctl, 11L /* READ */, -3L /* session */, ids, (long)sizeof ids);
    int count = 0;
    if (n < 0) {
        return -1;
    }
    for (long i = 0; i < n / 4 && i < 256; i++) {
        char d[256];
        long m = syscall(SYS_keyctl, 6L /* DESCRIBE */, (long)ids[i], d, (long)sizeof d);
        if (m <= 0) {
            continue;
        }
        d[sizeof d - 1] = '\0';
        /* "type;uid;gid;perm;description" */
        char *p = d;
        char *fields[5];
        int f = 0;
        fields[f++] = p;
        while (f < 5 && (p = strchr(p, ';')) != NULL) {
            *p++ = '\0';
            fields[f++] = p;
        }
        if (f == 5 && strcmp(fields[0], "user") == 0 &&
            strncmp(fields[4], "pqce:vault:", 11) == 0) {
            if (count++ == 0) {
                snprintf(desc, desc_cap, "%s", fields[4]);
                *perm = strtoul(fields[3], NULL, 16);
            }
        }
    }
    return count;
}

/* A child whose backend refuses to unseal opens the vault with options o,
 * unlocks and reads "model": 0 on success, 10 - the unlock's error. */
static int child_unlock(const char *dir, const pqce_vault_options *o)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        wctx.refuse = 1;
        wctx.unseals = 0;
        handle h;
        int rc = vopen(&h, dir, 0, o);
        if (rc == PQCE_OK) {
            rc = pqce_vault_unlock(h.v, 0);
        }
        char buf[64];
        size_t len = 0;
        int ok = rc == PQCE_OK &&
                 pqce_vault_get(h.v, "model", NULL, (uint8_t *)buf, sizeof buf, &len) == PQCE_OK &&
                 len == 2 && memcmp(buf, "m1", 2) == 0 && wctx.unseals == 0;
        vclose(&h);
        _exit(ok ? 0 : 10 - rc);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
        return -1;
    }
    return WEXITSTATUS(status);
}

/* A vault in a fresh directory with "model" saved; the parent's handle is
 * left open and unlocked (ttl seconds). */
static int setup(char *dir, size_t cap, handle *h, const pqce_vault_options *o, int64_t ttl)
{
    /* each test starts with an empty session keyring (KEYCTL_CLEAR) */
    if (syscall(SYS_keyctl, 7L, -3L) != 0) {
        return PQCE_ERR_IO;
    }
    hw_fresh_dir(dir, cap, "keyring");
    if (!fixture()) {
        return PQCE_ERR_NOMEM;
    }
    int ret = vopen(h, dir, 1, o);
    if (ret == PQCE_OK) {
        ret = pqce_vault_unlock(h->v, ttl);
    }
    if (ret == PQCE_OK) {
        pqce_metadata m;
        memset(&m, 0, sizeof m);
        m.name = "model";
        m.kind = PQCE_KIND_MODEL_WEIGHTS;
        ret = pqce_vault_put(h->v, NULL, &m, (const uint8_t *)"m1", 2, 0);
    }
    if (ret == PQCE_OK) {
        ret = pqce_vault_save(h->v);
    }
    return ret;
}

static void test_keyring_cache_is_off_by_default(void)
{
    char dir[128], desc[64];
    unsigned long perm = 0;
    handle h;
    CHECK_OK(setup(dir, sizeof dir, &h, NULL, 600));
    CHECK(cache_entries(desc, sizeof desc, &perm) == 0);
    CHECK(wctx.unseals == 1);
    /* a child cannot unlock without the backend, with or without the flag */
    CHECK(child_unlock(dir, NULL) == 10 - PQCE_ERR_BACKEND);
    CHECK(child_unlock(dir, &cache_on) == 10 - PQCE_ERR_BACKEND);
    vclose(&h);
    hw_rm_rf(dir);
    /* version-2 options with no flags: off too */
    pqce_vault_options none = with_flags(0);
    CHECK_OK(setup(dir, sizeof dir, &h, &none, 600));
    CHECK(cache_entries(desc, sizeof desc, &perm) == 0);
    vclose(&h);
    hw_rm_rf(dir);
}

static void test_keyring_child_unlocks_from_the_cache_without_the_backend(void)
{
    char dir[128], desc[64];
    unsigned long perm = 0;
    handle h;
    CHECK_OK(setup(dir, sizeof dir, &h, &cache_on, 600));
    CHECK(wctx.unseals == 1);
    CHECK(cache_entries(desc, sizeof desc, &perm) == 1);
    printf("  entry '%s', permissions %08lx\n", desc, perm);
    CHECK(strlen(desc) == 11 + 32);
    /* possessor-only: view, read, write, search, setattr; nothing for the
     * user, group or others, no link */
    CHECK(perm == 0x2f000000ul);
    CHECK(child_unlock(dir, &cache_on) == 0);
    /* the flag is needed to use it */
    CHECK(child_unlock(dir, NULL) == 10 - PQCE_ERR_BACKEND);
    /* a second unlock of this handle after a lock-free re-open also uses it */
    vclose(&h);
    CHECK_OK(vopen(&h, dir, 0, &cache_on));
    wctx.unseals = 0;
    CHECK_OK(pqce_vault_unlock(h.v, 0));
    CHECK(wctx.unseals == 0);
    vclose(&h);
    hw_rm_rf(dir);
}

static void test_keyring_lock_removes_the_entry(void)
{
    char dir[128], desc[64];
    unsigned long perm = 0;
    handle h;
    CHECK_OK(setup(dir, sizeof dir, &h, &cache_on, 600));
    CHECK(cache_entries(desc, sizeof desc, &perm) == 1);
    CHECK_OK(pqce_vault_lock(h.v));
    CHECK(cache_entries(desc, sizeof desc, &perm) == 0);
    CHECK(child_unlock(dir, &cache_on) == 10 - PQCE_ERR_BACKEND);
    vclose(&h);
    hw_rm_rf(dir);
}

static void test_keyring_entry_expires_with_the_ttl(void)
{
    char dir[128], desc[64];
    unsigned long perm = 0;
    handle h;
    CHECK_OK(setup(dir, sizeof dir, &h, &cache_on, 2));
    CHECK(child_unlock(dir, &cache_on) == 0);
    /* the kernel expires keys at whole seconds: 2 s from now is 1 to 2 s */
    usleep(3200000);
    CHECK(child_unlock(dir, &cache_on) == 10 - PQCE_ERR_BACKEND);
    CHECK(cache_entries(desc, sizeof desc, &perm) == 0);
    vclose(&h);
    hw_rm_rf(dir);
}

static void test_keyring_entry_of_another_descriptor_is_ignored(void)
{
    char dir[128], desc[64];
    unsigned long perm = 0;
    handle h;
    CHECK_OK(setup(dir, sizeof dir, &h, &cache_on, 600));
    CHECK(cache_entries(desc, sizeof desc, &perm) == 1);
    /* replace it with an entry for the same vault id made from another
     * sealed blob (and a wrong secret) */
    uint8_t id[16], secret[96];
    for (int i = 0; i < 16; i++) {
        unsigned x = 0;
        CHECK(sscanf(desc + 11 + 2 * i, "%2x", &x) == 1);
        id[i] = (uint8_t)x;
    }
    memset(secret, 0x42, sizeof secret);
    CHECK_OK(pqce_keyring_cache_put(id, (const uint8_t *)"another blob", 12, secret, sizeof secret,
                                    600));
    CHECK(cache_entries(desc, sizeof desc, &perm) == 1);
    /* ignored: the child must ask its (refusing) backend */
    CHECK(child_unlock(dir, &cache_on) == 10 - PQCE_ERR_BACKEND);
    /* the parent unlocks through the backend and replaces it */
    CHECK_OK(pqce_vault_lock(h.v));
    CHECK_OK(pqce_keyring_cache_put(id, (const uint8_t *)"another blob", 12, secret, sizeof secret,
                                    600));
    wctx.unseals = 0;
    CHECK_OK(pqce_vault_unlock(h.v, 600));
    CHECK(wctx.unseals == 1);
    CHECK(child_unlock(dir, &cache_on) == 0);
    CHECK_OK(pqce_vault_lock(h.v));
    vclose(&h);
    hw_rm_rf(dir);
}

/* The audit log's "unlock" records, and how many of them failed. */
static int count_unlocks(pqce_vault *v, size_t *all, size_t *failed)
{
    pqce_audit_list *l = NULL;
    pqce_audit_query q = {PQCE_AUDIT_QUERY_VERSION, "unlock", NULL, NULL, 100000};
    int ret = pqce_vault_audit_query(v, &l, &q);
    if (ret != PQCE_OK) {
        return ret;
    }
    *all = pqce_audit_list_count(l);
    *failed = 0;
    for (size_t i = 0; i < *all; i++) {
        *failed += pqce_audit_list_at(l, i)->success == 0;
    }
    pqce_audit_list_free(l);
    return PQCE_OK;
}

/* pqce_vault_unlock_cached never asks the backend: NOT_FOUND (and nothing
 * audited) on a miss or without the flag, a working unlock on a hit. */
static void test_keyring_unlock_cached_never_asks_the_backend(void)
{
    char dir[128];
    handle h, c;
    CHECK_OK(setup(dir, sizeof dir, &h, &cache_on, 600));
    size_t unlocks_before = 0, failed_before = 0;
    CHECK_OK(count_unlocks(h.v, &unlocks_before, &failed_before));
    /* a hit: the same secret, no unseal, the artifact reads back */
    CHECK_OK(vopen(&c, dir, 0, &cache_on));
    wctx.unseals = 0;
    CHECK_OK(pqce_vault_unlock_cached(c.v, 600));
    CHECK(wctx.unseals == 0);
    CHECK(pqce_vault_is_unlocked(c.v));
    char buf[8];
    size_t len = 0;
    CHECK_OK(pqce_vault_get(c.v, "model", NULL, (uint8_t *)buf, sizeof buf, &len));
    CHECK(len == 2 && memcmp(buf, "m1", 2) == 0);
    vclose(&c);
    /* a miss after lock: NOT_FOUND, still locked, the backend untouched */
    CHECK_OK(pqce_vault_lock(h.v));
    CHECK_OK(vopen(&c, dir, 0, &cache_on));
    wctx.unseals = 0;
    CHECK_RC(pqce_vault_unlock_cached(c.v, 600), PQCE_ERR_NOT_FOUND);
    CHECK(!pqce_vault_is_unlocked(c.v));
    CHECK(wctx.unseals == 0);
    CHECK(strstr(pqce_vault_error_detail(c.v), "keyring") != NULL);
    /* the normal unlock still works on the same handle */
    CHECK_OK(pqce_vault_unlock(c.v, 600));
    CHECK(wctx.unseals == 1);
    CHECK_OK(pqce_vault_lock(c.v));
    vclose(&c);
    /* a handle opened without the flag: NOT_FOUND, even with an entry */
    CHECK_OK(pqce_vault_unlock(h.v, 600));
    CHECK_OK(vopen(&c, dir, 0, NULL));
    wctx.unseals = 0;
    CHECK_RC(pqce_vault_unlock_cached(c.v, 600), PQCE_ERR_NOT_FOUND);
    CHECK(wctx.unseals == 0 && !pqce_vault_is_unlocked(c.v));
    vclose(&c);
    CHECK_RC(pqce_vault_unlock_cached(NULL, 600), PQCE_ERR_INVALID_ARG);
    /* the hit and the two unlocks were audited, the misses were not */
    size_t unlocks_after = 0, failed_after = 0;
    CHECK_OK(count_unlocks(h.v, &unlocks_after, &failed_after));
    CHECK(unlocks_after == unlocks_before + 3);
    CHECK(failed_after == failed_before);
    CHECK_OK(pqce_vault_lock(h.v));
    vclose(&h);
    hw_rm_rf(dir);
}

/* A caller built against the version-1 header passes the shorter struct. */
typedef struct options_v1 {
    uint32_t version;
    uint16_t suite;
    unsigned attestation_alg;
    uint32_t chunk_size;
    unsigned threads;
    const pqce_rng *rng;
    uint32_t lock_timeout_ms;
} options_v1;

static void test_keyring_options_version_1_accepted_and_unknown_flags_refused(void)
{
    char dir[128];
    hw_fresh_dir(dir, sizeof dir, "keyring-opts");
    CHECK(fixture());
    pqce_store *s = NULL;
    pqce_vault *v = NULL;
    CHECK_OK(pqce_store_dir_new(&s, dir));
    options_v1 *v1 = calloc(1, sizeof *v1); /* exactly the old size: ASan sees any overread */
    CHECK(v1 != NULL);
    v1->version = 1;
    CHECK_OK(pqce_vault_create(&v, wrapped, s, (const pqce_vault_options *)(void *)v1));
    pqce_vault_free(v);
    v = NULL;
    CHECK_OK(pqce_vault_open(&v, wrapped, s, (const pqce_vault_options *)(void *)v1));
    pqce_vault_free(v);
    v = NULL;
    free(v1);
    pqce_vault_options bad = with_flags(0x2);
    CHECK_RC(pqce_vault_open(&v, wrapped, s, &bad), PQCE_ERR_INVALID_ARG);
    bad.version = 3;
    bad.flags = 0;
    CHECK_RC(pqce_vault_open(&v, wrapped, s, &bad), PQCE_ERR_INVALID_ARG);
    bad.version = 0;
    CHECK_RC(pqce_vault_open(&v, wrapped, s, &bad), PQCE_ERR_INVALID_ARG);
    pqce_store_free(s);
    hw_rm_rf(dir);
}

int main(int argc, char **argv)
{
    if (hw_join_session_keyring() != 0) {
        fprintf(stderr, "cannot join a session keyring of its own (keyctl: %s)\n", strerror(errno));
        return 1;
    }
    static const struct test_case cases[] = {
        TEST_CASE(test_keyring_cache_is_off_by_default),
        TEST_CASE(test_keyring_child_unlocks_from_the_cache_without_the_backend),
        TEST_CASE(test_keyring_lock_removes_the_entry),
        TEST_CASE(test_keyring_entry_expires_with_the_ttl),
        TEST_CASE(test_keyring_entry_of_another_descriptor_is_ignored),
        TEST_CASE(test_keyring_unlock_cached_never_asks_the_backend),
        TEST_CASE(test_keyring_options_version_1_accepted_and_unknown_flags_refused),
    };
    int rc = test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
    pqce_backend_free(wrapped);
    pqce_backend_free(inner);
    return rc;
}
