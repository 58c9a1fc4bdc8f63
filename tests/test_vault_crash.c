/*
 * test_vault_crash.c - crash safety of the vault (docs/VAULT.md, invariants
 * V1-V5 in src/vault/vault.c): a power loss at every I/O call of put + save
 * and of delete + save leaves the previous or the new state, a save that
 * returned 0 is never lost, and the vault always reopens and verifies. Also
 * a writer process killed with SIGKILL at random moments, in a loop.
 */
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/io.h"
#include "test.h"

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rm_rf(const char *dir)
{
    (void)nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void fresh_dir(char *out, size_t cap)
{
    char tmpl[] = "/tmp/pqce-vault-crash-XXXXXX";
    snprintf(out, cap, "%s", mkdtemp(tmpl) != NULL ? tmpl : "/tmp/pqce-vault-crash-failed");
}

static pqce_metadata meta_of(const char *name)
{
    pqce_metadata m;
    memset(&m, 0, sizeof m);
    m.name = name;
    m.kind = PQCE_KIND_MODEL_WEIGHTS;
    return m;
}

static int put_str(pqce_vault *v, const char *name, const char *content)
{
    pqce_metadata m = meta_of(name);
    return pqce_vault_put(v, NULL, &m, (const uint8_t *)content, strlen(content), 0);
}

/* The vault's state as "name=content;..." in name order. */
static int state_of(pqce_vault *v, char *out, size_t cap)
{
    pqce_artifact_list *l = NULL;
    int ret = pqce_vault_list(v, &l, PQCE_KIND_ANY);
    out[0] = '\0';
    for (size_t i = 0; ret == PQCE_OK && i < pqce_artifact_list_count(l); i++) {
        const pqce_artifact_entry *e = pqce_artifact_list_at(l, i);
        char buf[256];
        size_t len = 0;
        ret = pqce_vault_get(v, e->id, NULL, (uint8_t *)buf, sizeof buf - 1, &len);
        if (ret == PQCE_OK) {
            buf[len] = '\0';
            size_t used = strlen(out);
            snprintf(out + used, cap - used, "%s=%s;", e->meta.name, buf);
        }
    }
    pqce_artifact_list_free(l);
    return ret;
}

/* The old state: a vault with alpha and bravo, saved. */
static int setup_old(const char *dir, pqce_backend *b)
{
    pqce_store *s = NULL;
    pqce_vault *v = NULL;
    rm_rf(dir);
    int ret = pqce_store_dir_new(&s, dir);
    if (ret == PQCE_OK) {
        ret = pqce_vault_create(&v, b, s, NULL);
    }
    if (ret == PQCE_OK) {
        ret = pqce_vault_unlock(v, 0);
    }
    if (ret == PQCE_OK) {
        ret = put_str(v, "alpha", "a1");
    }
    if (ret == PQCE_OK) {
        ret = put_str(v, "bravo", "b1");
    }
    if (ret == PQCE_OK) {
        ret = pqce_vault_save(v);
    }
    pqce_vault_free(v);
    pqce_store_free(s);
    return ret;
}

typedef int (*vault_op)(pqce_vault *v);

/* put charlie, put a new version of alpha, save */
static int op_put_save(pqce_vault *v)
{
    int ret = put_str(v, "charlie", "c1");
    if (ret == PQCE_OK) {
        ret = put_str(v, "alpha", "a2");
    }
    return ret == PQCE_OK ? pqce_vault_save(v) : ret;
}

/* delete bravo, save */
static int op_delete_save(pqce_vault *v)
{
    int ret = pqce_vault_delete(v, "bravo");
    return ret == PQCE_OK ? pqce_vault_save(v) : ret;
}

/* Runs op on a vault whose store goes through the fault injector. */
static int run_op(const char *dir, pqce_backend *b, pqce_io_fault *f, pqce_io_fault_mode mode,
                  uint64_t k, vault_op op)
{
    pqce_store *s = NULL;
    pqce_vault *v = NULL;
    pqce_io_fault_init(f);
    int ret = pqce_store_dir_new_with_io(&s, dir, &f->io);
    if (ret == PQCE_OK) {
        ret = pqce_vault_open(&v, b, s, NULL);
    }
    if (ret == PQCE_OK) {
        ret = pqce_vault_unlock(v, 0);
    }
    /* everything before this point is durable: the crash comes in op */
    pqce_io_fault_arm(f, mode, PQCE_IO_ANY, k, 0);
    if (ret == PQCE_OK) {
        ret = op(v);
    }
    pqce_vault_free(v);
    pqce_store_free(s);
    return ret;
}

/* After a reboot: the vault opens, unlocks, verifies its audit log and
 * holds exactly the old or the new state. Returns 1 for new, 0 for old. */
static int check_after(const char *dir, pqce_backend *b, const char *old_state,
                       const char *new_state, uint64_t k, int rc)
{
    pqce_store *s = NULL;
    pqce_vault *v = NULL;
    char state[1024];
    int is_new = -1;
    if (pqce_store_dir_new(&s, dir) == PQCE_OK && pqce_vault_open(&v, b, s, NULL) == PQCE_OK &&
        pqce_vault_unlock(v, 0) == PQCE_OK && state_of(v, state, sizeof state) == PQCE_OK) {
        if (strcmp(state, new_state) == 0) {
            is_new = 1;
        } else if (strcmp(state, old_state) == 0) {
            is_new = 0;
        } else {
            fprintf(stderr, "  k = %llu: state '%s' is neither old nor new\n",
                    (unsigned long long)k, state);
        }
        pqce_audit_report rep;
        int vr = pqce_vault_audit_verify(v, &rep);
        if (vr != PQCE_OK) {
            fprintf(stderr, "  k = %llu: audit verify %s: %s\n", (unsigned long long)k,
                    pqce_error_name(vr), pqce_vault_error_detail(v));
            is_new = -1;
        }
        /* the vault accepts a new save after the crash */
        if (is_new >= 0 && (put_str(v, "after", "x") != PQCE_OK || pqce_vault_save(v) != PQCE_OK)) {
            fprintf(stderr, "  k = %llu: cannot save after the crash: %s\n", (unsigned long long)k,
                    pqce_vault_error_detail(v));
            is_new = -1;
        }
    } else {
        fprintf(stderr, "  k = %llu: the vault does not reopen: %s\n", (unsigned long long)k,
                v != NULL ? pqce_vault_error_detail(v) : "open failed");
    }
    if (is_new == 0 && rc == PQCE_OK) {
        fprintf(stderr, "  k = %llu: the save reported success but the old state is back\n",
                (unsigned long long)k);
        is_new = -1;
    }
    pqce_vault_free(v);
    pqce_store_free(s);
    return is_new;
}

static void crash_sweep(vault_op op, const char *new_state, uint64_t *olds, uint64_t *news)
{
    const char *old_state = "alpha=a1;bravo=b1;";
    char dir[128];
    pqce_io_fault f;
    pqce_backend *b = NULL;
    fresh_dir(dir, sizeof dir);
    CHECK_OK(pqce_backend_memory_new(&b, "crash-device", "crash-model"));

    /* count the calls of one undisturbed run */
    CHECK_OK(setup_old(dir, b));
    CHECK_OK(run_op(dir, b, &f, PQCE_IO_FAULT_PASS, 0, op));
    uint64_t n = f.calls_by_kind[PQCE_IO_ANY];
    /* a completed save left nothing unsynced */
    CHECK_MSG(f.dirty_files == 0 && f.pending_dir_ops == 0,
              "after a save: %zu dirty files, %llu unsynced directory operations", f.dirty_files,
              (unsigned long long)f.pending_dir_ops);
    pqce_io_fault_fini(&f);
    CHECK(check_after(dir, b, old_state, new_state, 0, PQCE_OK) == 1);
    CHECK(n >= 20);

    for (uint64_t k = 1; k <= n; k++) {
        CHECK_OK(setup_old(dir, b));
        int rc = run_op(dir, b, &f, PQCE_IO_FAULT_CRASH, k, op);
        CHECK_MSG(f.crashed, "k = %llu: no crash", (unsigned long long)k);
        pqce_io_fault_fini(&f);
        int r = check_after(dir, b, old_state, new_state, k, rc);
        CHECK_MSG(r >= 0, "crash at call %llu of %llu", (unsigned long long)k,
                  (unsigned long long)n);
        *olds += (uint64_t)(r == 0);
        *news += (uint64_t)(r == 1);
    }
    printf("  %llu crash points: %llu left the old state, %llu the new\n", (unsigned long long)n,
           (unsigned long long)*olds, (unsigned long long)*news);
    pqce_backend_free(b);
    rm_rf(dir);
}

static void test_put_and_save_survive_a_crash_at_every_io_call(void)
{
    uint64_t olds = 0, news = 0;
    crash_sweep(op_put_save, "alpha=a2;bravo=b1;charlie=c1;", &olds, &news);
    CHECK(olds > 0 && news > 0);
}

static void test_delete_and_save_survive_a_crash_at_every_io_call(void)
{
    uint64_t olds = 0, news = 0;
    crash_sweep(op_delete_save, "alpha=a1;", &olds, &news);
    CHECK(olds > 0 && news > 0);
}

/* An I/O error (not a crash) during save reports the error and leaves the
 * vault usable, with nothing lost: a later save succeeds. */
static void test_failed_fsync_during_save_is_reported_and_recoverable(void)
{
    char dir[128];
    pqce_io_fault f;
    pqce_backend *b = NULL;
    fresh_dir(dir, sizeof dir);
    CHECK_OK(pqce_backend_memory_new(&b, "d", "m"));
    CHECK_OK(setup_old(dir, b));
    pqce_store *s = NULL;
    pqce_vault *v = NULL;
    pqce_io_fault_init(&f);
    CHECK_OK(pqce_store_dir_new_with_io(&s, dir, &f.io));
    CHECK_OK(pqce_vault_open(&v, b, s, NULL));
    CHECK_OK(pqce_vault_unlock(v, 0));
    CHECK_OK(put_str(v, "delta", "d1"));
    /* the first fsync of the save fails with EIO */
    pqce_io_fault_arm(&f, PQCE_IO_FAULT_FAIL, PQCE_IO_FSYNC, 1, EIO);
    int rc = pqce_vault_save(v);
    CHECK_MSG(rc == PQCE_ERR_IO, "save with a failing fsync: %s", pqce_error_name(rc));
    CHECK(pqce_vault_has_unsaved_changes(v));
    pqce_io_fault_arm(&f, PQCE_IO_FAULT_PASS, PQCE_IO_ANY, 0, 0);
    CHECK_OK(pqce_vault_save(v));
    char state[256];
    CHECK_OK(state_of(v, state, sizeof state));
    CHECK(strcmp(state, "alpha=a1;bravo=b1;delta=d1;") == 0);
    pqce_vault_free(v);
    pqce_store_free(s);
    pqce_io_fault_fini(&f);
    pqce_backend_free(b);
    rm_rf(dir);
}

/* A writer process killed with SIGKILL at a random moment, again and
 * again: the vault always reopens, and every artifact of a completed save
 * is there with its content. */
static void test_writer_killed_mid_save_in_a_loop_loses_nothing(void)
{
    char dir[128], key[160];
    fresh_dir(dir, sizeof dir);
    snprintf(key, sizeof key, "%s.key", dir);
    FILE *kf = fopen(key, "wb");
    CHECK(kf != NULL);
    uint8_t kb[32];
    test_fill(kb, sizeof kb, "kill key", 0);
    CHECK(fwrite(kb, 1, sizeof kb, kf) == sizeof kb);
    fclose(kf);
    pqce_file_backend_options fo = {
        PQCE_FILE_BACKEND_OPTIONS_VERSION, "killer", "linux", NULL, 0, key, 0, NULL};
    pqce_backend *b = NULL;
    pqce_store *s = NULL;
    pqce_vault *v = NULL;
    CHECK_OK(pqce_backend_file_new(&b, &fo));
    CHECK_OK(pqce_store_dir_new(&s, dir));
    CHECK_OK(pqce_vault_create(&v, b, s, NULL));
    pqce_vault_free(v);
    pqce_store_free(s);
    /* The child reports each completed save on a pipe: artifact i holds
     * "content-i", saved after its put. */
    int completed = 0;
    for (int round = 0; round < 25; round++) {
        int fds[2];
        CHECK(pipe(fds) == 0);
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            pqce_store *cs = NULL;
            pqce_vault *cv = NULL;
            if (pqce_store_dir_new(&cs, dir) != PQCE_OK ||
                pqce_vault_open(&cv, b, cs, NULL) != PQCE_OK ||
                pqce_vault_unlock(cv, 0) != PQCE_OK) {
                _exit(2);
            }
            for (int i = completed;; i++) {
                char name[32], content[32];
                snprintf(name, sizeof name, "item-%d", i);
                snprintf(content, sizeof content, "content-%d", i);
                if (put_str(cv, name, content) != PQCE_OK || pqce_vault_save(cv) != PQCE_OK) {
                    _exit(3);
                }
                if (write(fds[1], &i, sizeof i) != (ssize_t)sizeof i) {
                    _exit(4);
                }
            }
        }
        close(fds[1]);
        usleep((useconds_t)(20000 + (round * 7919) % 60000));
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        CHECK_MSG(WIFSIGNALED(status), "round %d: the writer exited with %d", round,
                  WEXITSTATUS(status));
        int last = completed - 1, i;
        while (read(fds[0], &i, sizeof i) == (ssize_t)sizeof i) {
            last = i;
        }
        close(fds[0]);
        completed = last + 1;
        /* every reported save is there, with its content */
        CHECK_OK(pqce_store_dir_new(&s, dir));
        CHECK_OK(pqce_vault_open(&v, b, s, NULL));
        CHECK_OK(pqce_vault_unlock(v, 0));
        for (int j = 0; j < completed; j++) {
            char name[32], content[32], buf[32];
            size_t len;
            snprintf(name, sizeof name, "item-%d", j);
            snprintf(content, sizeof content, "content-%d", j);
            CHECK_MSG(pqce_vault_get(v, name, NULL, (uint8_t *)buf, sizeof buf, &len) == PQCE_OK,
                      "round %d: %s lost", round, name);
            CHECK(len == strlen(content) && memcmp(buf, content, len) == 0);
        }
        pqce_audit_report rep;
        CHECK_OK(pqce_vault_audit_verify(v, &rep));
        pqce_vault_free(v);
        pqce_store_free(s);
    }
    printf("  25 writers killed; %d saves completed and all present\n", completed);
    CHECK(completed > 0);
    pqce_backend_free(b);
    rm_rf(dir);
    unlink(key);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_put_and_save_survive_a_crash_at_every_io_call),
        TEST_CASE(test_delete_and_save_survive_a_crash_at_every_io_call),
        TEST_CASE(test_failed_fsync_during_save_is_reported_and_recoverable),
        TEST_CASE(test_writer_killed_mid_save_in_a_loop_loses_nothing),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
