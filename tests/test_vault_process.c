/*
 * test_vault_process.c - the vault across processes, on a directory store
 * with the file backend: the natural life cycle in two processes, a wrong
 * passphrase, and two writers saving concurrently without losing anything.
 */
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

static const char passphrase[] = "correct horse battery staple";

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void fresh_dir(char *out, size_t cap)
{
    char tmpl[] = "/tmp/pqce-vault-proc-XXXXXX";
    snprintf(out, cap, "%s", mkdtemp(tmpl) != NULL ? tmpl : "/tmp/pqce-vault-proc-failed");
}

/* A file backend with a passphrase (scrypt at 2^12 to keep tests fast). */
static int backend_with(pqce_backend **b, const char *pass)
{
    pqce_file_backend_options o = {PQCE_FILE_BACKEND_OPTIONS_VERSION,
                                   "edge-box-7",
                                   "jetson-orin",
                                   (const uint8_t *)pass,
                                   strlen(pass),
                                   NULL,
                                   12,
                                   NULL};
    return pqce_backend_file_new(b, &o);
}

typedef struct handle {
    pqce_backend *b;
    pqce_store *s;
    pqce_vault *v;
} handle;

static int open_vault(handle *h, const char *dir, const char *pass, int create)
{
    memset(h, 0, sizeof *h);
    int ret = backend_with(&h->b, pass);
    if (ret == PQCE_OK) {
        ret = pqce_store_dir_new(&h->s, dir);
    }
    if (ret == PQCE_OK && create) {
        pqce_vault *c = NULL;
        ret = pqce_vault_create(&c, h->b, h->s, NULL);
        pqce_vault_free(c);
    }
    if (ret == PQCE_OK) {
        ret = pqce_vault_open(&h->v, h->b, h->s, NULL);
    }
    return ret;
}

static void close_vault(handle *h)
{
    pqce_vault_free(h->v);
    pqce_store_free(h->s);
    pqce_backend_free(h->b);
    memset(h, 0, sizeof *h);
}

static int put_str(pqce_vault *v, const char *name, const char *content, unsigned flags)
{
    pqce_metadata m;
    memset(&m, 0, sizeof m);
    m.name = name;
    m.kind = PQCE_KIND_CREDENTIAL;
    return pqce_vault_put(v, NULL, &m, (const uint8_t *)content, strlen(content), flags);
}

/* One process creates, unlocks, puts, saves, locks and exits; another
 * opens, unlocks and gets the same bytes. */
static void test_lifecycle_across_processes(void)
{
    char dir[128];
    fresh_dir(dir, sizeof dir);
    uint8_t weights[65536];
    test_fill(weights, sizeof weights, "cross-process", 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        handle h;
        pqce_metadata m;
        memset(&m, 0, sizeof m);
        m.name = "weights";
        m.kind = PQCE_KIND_MODEL_WEIGHTS;
        int ok = open_vault(&h, dir, passphrase, 1) == PQCE_OK &&
                 pqce_vault_unlock(h.v, 0) == PQCE_OK &&
                 pqce_vault_put(h.v, NULL, &m, weights, sizeof weights, 0) == PQCE_OK &&
                 pqce_vault_save(h.v) == PQCE_OK && pqce_vault_lock(h.v) == PQCE_OK;
        close_vault(&h);
        _exit(ok ? 0 : 1);
    }
    int status;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    handle h;
    CHECK_OK(open_vault(&h, dir, passphrase, 0));
    CHECK_OK(pqce_vault_unlock(h.v, 0));
    static uint8_t back[65536];
    size_t len;
    CHECK_OK(pqce_vault_get(h.v, "weights", NULL, back, sizeof back, &len));
    CHECK(len == sizeof weights);
    CHECK_MEM_EQ(back, weights, len);
    pqce_device_info d;
    CHECK_OK(pqce_vault_device_info(h.v, &d));
    CHECK(strcmp(d.device_id, "edge-box-7") == 0 && strcmp(d.backend, "file") == 0);
    close_vault(&h);
    (void)nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A wrong passphrase is a clear error, audited, and nothing changes. */
static void test_wrong_passphrase_is_a_clear_error(void)
{
    char dir[128];
    fresh_dir(dir, sizeof dir);
    handle h;
    CHECK_OK(open_vault(&h, dir, passphrase, 1));
    close_vault(&h);
    CHECK_OK(open_vault(&h, dir, "Tr0ub4dor&3", 0));
    CHECK_RC(pqce_vault_unlock(h.v, 0), PQCE_ERR_LOCKED);
    CHECK(strstr(pqce_vault_error_detail(h.v), "wrong passphrase") != NULL);
    CHECK(!pqce_vault_is_unlocked(h.v));
    close_vault(&h);
    CHECK_OK(open_vault(&h, dir, passphrase, 0));
    CHECK_OK(pqce_vault_unlock(h.v, 0));
    pqce_audit_query q = {PQCE_AUDIT_QUERY_VERSION, "unlock", NULL, NULL, 0};
    pqce_audit_list *l = NULL;
    CHECK_OK(pqce_vault_audit_query(h.v, &l, &q));
    size_t failed = 0;
    for (size_t i = 0; i < pqce_audit_list_count(l); i++) {
        failed += (size_t)(pqce_audit_list_at(l, i)->success == 0);
    }
    pqce_audit_list_free(l);
    CHECK(failed == 1);
    CHECK_OK(pqce_vault_audit_verify(h.v, NULL));
    close_vault(&h);
    (void)nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Two processes put and save into one vault at the same time: both
 * succeed and nothing is lost. */
static void test_two_writers_save_concurrently_without_loss(void)
{
    char dir[128];
    fresh_dir(dir, sizeof dir);
    handle h;
    CHECK_OK(open_vault(&h, dir, passphrase, 1));
    close_vault(&h);
    enum { WRITERS = 2, EACH = 12 };
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        CHECK(pids[w] >= 0);
        if (pids[w] == 0) {
            handle c;
            if (open_vault(&c, dir, passphrase, 0) != PQCE_OK ||
                pqce_vault_unlock(c.v, 0) != PQCE_OK) {
                _exit(1);
            }
            for (int i = 0; i < EACH; i++) {
                char name[32], content[32];
                snprintf(name, sizeof name, "w%d-key-%d", w, i);
                snprintf(content, sizeof content, "secret %d/%d", w, i);
                if (put_str(c.v, name, content, 0) != PQCE_OK || pqce_vault_save(c.v) != PQCE_OK) {
                    fprintf(stderr, "writer %d: %s\n", w, pqce_vault_error_detail(c.v));
                    _exit(2);
                }
            }
            close_vault(&c);
            _exit(0);
        }
    }
    for (int w = 0; w < WRITERS; w++) {
        int status;
        CHECK(waitpid(pids[w], &status, 0) == pids[w]);
        CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer %d failed", w);
    }
    CHECK_OK(open_vault(&h, dir, passphrase, 0));
    CHECK_OK(pqce_vault_unlock(h.v, 0));
    pqce_artifact_list *l = NULL;
    CHECK_OK(pqce_vault_list(h.v, &l, PQCE_KIND_ANY));
    CHECK_MSG(pqce_artifact_list_count(l) == WRITERS * EACH, "%zu artifacts, expected %d",
              pqce_artifact_list_count(l), WRITERS * EACH);
    pqce_artifact_list_free(l);
    for (int w = 0; w < WRITERS; w++) {
        for (int i = 0; i < EACH; i++) {
            char name[32], content[32], buf[32];
            size_t len;
            snprintf(name, sizeof name, "w%d-key-%d", w, i);
            snprintf(content, sizeof content, "secret %d/%d", w, i);
            CHECK_OK(pqce_vault_get(h.v, name, NULL, (uint8_t *)buf, sizeof buf, &len));
            CHECK(len == strlen(content) && memcmp(buf, content, len) == 0);
        }
    }
    CHECK_OK(pqce_vault_audit_verify(h.v, NULL));
    close_vault(&h);
    (void)nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Two handles put the same name with "fail if exists": the second save
 * reports the conflict and writes nothing; the first artifact survives. */
static void test_fail_if_exists_conflict_between_writers(void)
{
    char dir[128];
    fresh_dir(dir, sizeof dir);
    handle a, b;
    CHECK_OK(open_vault(&a, dir, passphrase, 1));
    CHECK_OK(open_vault(&b, dir, passphrase, 0));
    CHECK_OK(pqce_vault_unlock(a.v, 0));
    CHECK_OK(pqce_vault_unlock(b.v, 0));
    CHECK_OK(put_str(a.v, "shared", "from a", PQCE_PUT_FAIL_IF_EXISTS));
    CHECK_OK(put_str(b.v, "shared", "from b", PQCE_PUT_FAIL_IF_EXISTS));
    CHECK_OK(pqce_vault_save(a.v));
    CHECK_RC(pqce_vault_save(b.v), PQCE_ERR_EXISTS);
    char buf[16];
    size_t len;
    CHECK_OK(pqce_vault_unlock(b.v, 0));
    CHECK_OK(pqce_vault_lock(b.v));
    close_vault(&b);
    CHECK_OK(open_vault(&b, dir, passphrase, 0));
    CHECK_OK(pqce_vault_unlock(b.v, 0));
    CHECK_OK(pqce_vault_get(b.v, "shared", NULL, (uint8_t *)buf, sizeof buf, &len));
    CHECK(len == 6 && memcmp(buf, "from a", 6) == 0);
    close_vault(&a);
    close_vault(&b);
    (void)nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_lifecycle_across_processes),
        TEST_CASE(test_wrong_passphrase_is_a_clear_error),
        TEST_CASE(test_two_writers_save_concurrently_without_loss),
        TEST_CASE(test_fail_if_exists_conflict_between_writers),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
