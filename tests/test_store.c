/*
 * test_store.c - the stores: behaviour common to the memory and directory
 * stores (each such test runs against both), then the directory store's
 * own: layout, locking across processes, open_fd, and crash safety with the
 * fault-injecting I/O table of src/store/io.h (a crash at every I/O call of
 * an operation, failures of single calls, stale temporary files).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/io.h"
#include "store/store.h"
#include "test.h"

/* ---- helpers --------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

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

/* A fresh, empty directory path (not created: the store creates it). */
static void fresh_path(char *out, size_t cap)
{
    char tmpl[] = "/tmp/pqce-store-XXXXXX";
    if (mkdtemp(tmpl) == NULL) {
        snprintf(out, cap, "/tmp/pqce-store-failed");
        return;
    }
    snprintf(out, cap, "%s/s", tmpl);
}

/* Removes the store directory made by fresh_path and its parent. */
static void remove_path(const char *path)
{
    char parent[128];
    snprintf(parent, sizeof parent, "%s", path);
    char *slash = strrchr(parent, '/');
    if (slash != NULL) {
        *slash = '\0';
    }
    rm_rf(parent);
}

static int tmp_files_seen;
static int count_tmp(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    tmp_files_seen += strncmp(path + ftw->base, ".tmp-", 5) == 0;
    return 0;
}

/* Temporary files anywhere under dir (by looking at the disk). */
static int count_tmp_files(const char *dir)
{
    tmp_files_seen = 0;
    (void)nftw(dir, count_tmp, 16, FTW_PHYS);
    return tmp_files_seen;
}

struct names {
    char v[32][PQCE_STORE_NAME_MAX + 1];
    size_t n;
    int stop_at; /* return an error at this call (0: never) */
};

static int collect(void *arg, const char *name)
{
    struct names *l = arg;
    if (l->stop_at != 0 && (int)l->n + 1 == l->stop_at) {
        return PQCE_ERR_STATE;
    }
    if (l->n < 32) {
        snprintf(l->v[l->n++], sizeof l->v[0], "%s", name);
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* Lists prefix into l, sorted (the memory store does not sort). */
static int list_sorted(pqce_store *s, const char *prefix, struct names *l)
{
    memset(l, 0, sizeof *l);
    int rc = pqce_store_list(s, prefix, collect, l);
    qsort(l->v, l->n, sizeof l->v[0], cmp_str);
    return rc;
}

/* Writes an object through begin / write (in pieces) / commit. */
static int put_in_pieces(pqce_store *s, const char *name, const uint8_t *buf, size_t len,
                         size_t piece)
{
    void *h = NULL;
    int rc = pqce_store_write_begin(s, &h, name);
    if (rc != 0) {
        return rc;
    }
    for (size_t off = 0; off < len; off += piece) {
        size_t n = len - off < piece ? len - off : piece;
        if ((rc = pqce_store_write(s, h, buf + off, n)) != 0) {
            pqce_store_write_abort(s, h);
            return rc;
        }
    }
    return pqce_store_write_commit(s, h);
}

/* 1 if the object holds exactly buf. */
static int holds(pqce_store *s, const char *name, const uint8_t *buf, size_t len)
{
    uint8_t *got = NULL;
    size_t got_len = 0;
    if (pqce_store_get(s, name, 1 << 24, &got, &got_len) != 0) {
        return 0;
    }
    int same = got_len == len && (len == 0 || memcmp(got, buf, len) == 0);
    free(got);
    return same;
}

/* ---- fixtures: every common test runs against both stores ----------------- */

typedef struct fixture {
    int dir;        /* 0: memory store, 1: directory store */
    char path[128]; /* directory store */
    pqce_store *s;
} fixture;

static int fx_open(fixture *fx, int dir)
{
    memset(fx, 0, sizeof *fx);
    fx->dir = dir;
    if (!dir) {
        return pqce_store_memory_new(&fx->s);
    }
    fresh_path(fx->path, sizeof fx->path);
    return pqce_store_dir_new(&fx->s, fx->path);
}

/* A second handle on the same objects: another directory store on the
 * path, or the memory store itself (it exists once). */
static pqce_store *fx_second(fixture *fx)
{
    pqce_store *t = NULL;
    if (!fx->dir) {
        return fx->s;
    }
    return pqce_store_dir_new(&t, fx->path) == 0 ? t : NULL;
}

static void fx_release_second(fixture *fx, pqce_store *t)
{
    if (fx->dir) {
        pqce_store_free(t);
    }
}

static void fx_close(fixture *fx)
{
    pqce_store_free(fx->s);
    if (fx->dir) {
        remove_path(fx->path);
    }
}

static void run_both(void (*body)(fixture *), const char *what)
{
    for (int dir = 0; dir < 2; dir++) {
        fixture fx;
        if (fx_open(&fx, dir) != 0) {
            test_fail(__FILE__, __LINE__, "cannot open the %s store", dir ? "directory" : "memory");
            return;
        }
        body(&fx);
        fx_close(&fx);
        if (test_failed()) {
            fprintf(stderr, "    (%s, %s store)\n", what, dir ? "directory" : "memory");
            return;
        }
    }
}

#define BOTH(body) run_both(body, #body)

/* ---- common behaviour ------------------------------------------------------ */

static void put_get_body(fixture *fx)
{
    uint8_t data[10000], part[300];
    uint64_t size = 0;
    test_fill(data, sizeof data, "store-object", 0);
    CHECK_OK(pqce_store_put(fx->s, "manifest", data, sizeof data));
    CHECK_OK(pqce_store_size(fx->s, "manifest", &size));
    CHECK(size == sizeof data);
    CHECK(holds(fx->s, "manifest", data, sizeof data));
    /* reads at offsets: start, middle, the last byte, an exact end */
    static const uint64_t offsets[] = {0, 1, 4095, 4096, 9700};
    for (size_t i = 0; i < sizeof offsets / sizeof offsets[0]; i++) {
        CHECK_OK(pqce_store_read(fx->s, "manifest", part, sizeof part, offsets[i]));
        CHECK_MEM_EQ(part, data + offsets[i], sizeof part);
    }
    CHECK_OK(pqce_store_read(fx->s, "manifest", part, 1, sizeof data - 1));
    CHECK(part[0] == data[sizeof data - 1]);
    /* beyond the end: an I/O error, not a short read */
    CHECK_RC(pqce_store_read(fx->s, "manifest", part, 2, sizeof data - 1), PQCE_ERR_IO);
    CHECK_RC(pqce_store_read(fx->s, "manifest", part, 1, sizeof data), PQCE_ERR_IO);
    CHECK_RC(pqce_store_read(fx->s, "manifest", part, 1, UINT64_MAX), PQCE_ERR_IO);
    /* in a subdirectory */
    CHECK_OK(pqce_store_put(fx->s, "objects/ab/cdef", data, 100));
    CHECK(holds(fx->s, "objects/ab/cdef", data, 100));
}

static void test_store_put_get_size_and_read_at_offsets(void)
{
    BOTH(put_get_body);
}

static void replace_body(fixture *fx)
{
    uint8_t a[5000], b[300];
    test_fill(a, sizeof a, "old", 0);
    test_fill(b, sizeof b, "new", 0);
    CHECK_OK(pqce_store_put(fx->s, "obj", a, sizeof a));
    CHECK_OK(put_in_pieces(fx->s, "obj", b, sizeof b, 7));
    CHECK(holds(fx->s, "obj", b, sizeof b)); /* shorter: no tail of the old one */
    CHECK_OK(pqce_store_put(fx->s, "obj", NULL, 0));
    CHECK(holds(fx->s, "obj", NULL, 0)); /* an empty object exists */
}

static void test_store_put_replaces_the_whole_object(void)
{
    BOTH(replace_body);
}

static void missing_body(fixture *fx)
{
    uint64_t size;
    uint8_t buf[4], *p = (uint8_t *)1;
    size_t len = 9;
    CHECK_RC(pqce_store_size(fx->s, "nothing", &size), PQCE_ERR_NOT_FOUND);
    CHECK_RC(pqce_store_read(fx->s, "nothing", buf, sizeof buf, 0), PQCE_ERR_NOT_FOUND);
    CHECK_RC(pqce_store_get(fx->s, "no/such/dir", 100, &p, &len), PQCE_ERR_NOT_FOUND);
    CHECK(p == NULL && len == 0);
    CHECK_OK(pqce_store_remove(fx->s, "nothing"));
    CHECK_OK(pqce_store_remove(fx->s, "no/such/dir"));
}

static void test_store_missing_object_is_not_found(void)
{
    BOTH(missing_body);
}

static void list_body(fixture *fx)
{
    static const char *const names[] = {"manifest",     "audit.log",    "objects/aa/1",
                                        "objects/aa/2", "objects/bb/3", "objectsX"};
    struct names l;
    uint8_t x = 1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        CHECK_OK(pqce_store_put(fx->s, names[i], &x, 1));
    }
    CHECK_OK(list_sorted(fx->s, "", &l));
    CHECK(l.n == 6);
    CHECK(strcmp(l.v[0], "audit.log") == 0 && strcmp(l.v[1], "manifest") == 0);
    CHECK(strcmp(l.v[2], "objects/aa/1") == 0 && strcmp(l.v[5], "objectsX") == 0);
    CHECK_OK(list_sorted(fx->s, "objects/", &l));
    CHECK(l.n == 3);
    CHECK(strcmp(l.v[0], "objects/aa/1") == 0 && strcmp(l.v[2], "objects/bb/3") == 0);
    CHECK_OK(list_sorted(fx->s, "objects/aa/", &l));
    CHECK(l.n == 2);
    CHECK_OK(list_sorted(fx->s, "objects/a", &l));
    CHECK(l.n == 2);
    CHECK_OK(list_sorted(fx->s, "obj", &l));
    CHECK(l.n == 4);
    CHECK_OK(list_sorted(fx->s, "objects/bb/3", &l));
    CHECK(l.n == 1);
    CHECK_OK(list_sorted(fx->s, "zzz", &l));
    CHECK(l.n == 0);
    CHECK_OK(list_sorted(fx->s, "nothing/here/", &l));
    CHECK(l.n == 0);
    /* an error from the callback stops the listing and is returned */
    memset(&l, 0, sizeof l);
    l.stop_at = 2;
    CHECK_RC(pqce_store_list(fx->s, "", collect, &l), PQCE_ERR_STATE);
    CHECK(l.n == 1);
    /* removed objects leave the listing */
    CHECK_OK(pqce_store_remove(fx->s, "objects/aa/1"));
    CHECK_OK(list_sorted(fx->s, "objects/", &l));
    CHECK(l.n == 2);
}

static void test_store_list_with_prefixes_and_subdirectories(void)
{
    BOTH(list_body);
}

static void remove_body(fixture *fx)
{
    uint8_t x[3] = {1, 2, 3};
    uint64_t size;
    CHECK_OK(pqce_store_put(fx->s, "a", x, sizeof x));
    CHECK_OK(pqce_store_put(fx->s, "d/b", x, sizeof x));
    CHECK_OK(pqce_store_remove(fx->s, "a"));
    CHECK_OK(pqce_store_remove(fx->s, "d/b"));
    CHECK_RC(pqce_store_size(fx->s, "a", &size), PQCE_ERR_NOT_FOUND);
    CHECK_RC(pqce_store_size(fx->s, "d/b", &size), PQCE_ERR_NOT_FOUND);
    CHECK_OK(pqce_store_remove(fx->s, "a")); /* twice: not an error */
}

static void test_store_remove_deletes_the_object(void)
{
    BOTH(remove_body);
}

static void append_body(fixture *fx)
{
    uint8_t a[100], b[5000], both[5100];
    test_fill(a, sizeof a, "append-a", 0);
    test_fill(b, sizeof b, "append-b", 0);
    memcpy(both, a, sizeof a);
    memcpy(both + sizeof a, b, sizeof b);
    CHECK_OK(pqce_store_append(fx->s, "logs/audit.log", a, sizeof a)); /* creates */
    CHECK(holds(fx->s, "logs/audit.log", a, sizeof a));
    CHECK_OK(pqce_store_append(fx->s, "logs/audit.log", b, sizeof b));
    CHECK(holds(fx->s, "logs/audit.log", both, sizeof both));
    CHECK_OK(pqce_store_append(fx->s, "logs/audit.log", NULL, 0));
    CHECK(holds(fx->s, "logs/audit.log", both, sizeof both));
}

static void test_store_append_creates_and_extends(void)
{
    BOTH(append_body);
}

static void invalid_names_body(fixture *fx)
{
    static const char *const bad[] = {"",   "/abs",   "a/../b", "..",          "a//b",
                                      "a/", "sp ace", "tab\t",  "uni\xc3\xa9", "back\\slash"};
    char longname[PQCE_STORE_NAME_MAX + 2];
    uint8_t x = 1, buf[1];
    uint64_t size;
    void *h = NULL;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CHECK_RC(pqce_store_put(fx->s, bad[i], &x, 1), PQCE_ERR_INVALID_ARG);
        CHECK_RC(pqce_store_write_begin(fx->s, &h, bad[i]), PQCE_ERR_INVALID_ARG);
        CHECK_RC(pqce_store_size(fx->s, bad[i], &size), PQCE_ERR_INVALID_ARG);
        CHECK_RC(pqce_store_read(fx->s, bad[i], buf, 1, 0), PQCE_ERR_INVALID_ARG);
        CHECK_RC(pqce_store_remove(fx->s, bad[i]), PQCE_ERR_INVALID_ARG);
        CHECK_RC(pqce_store_append(fx->s, bad[i], &x, 1), PQCE_ERR_INVALID_ARG);
    }
    CHECK_RC(pqce_store_put(fx->s, NULL, &x, 1), PQCE_ERR_INVALID_ARG);
    memset(longname, 'a', sizeof longname);
    longname[PQCE_STORE_NAME_MAX] = '\0'; /* 200 bytes: the longest */
    CHECK_OK(pqce_store_put(fx->s, longname, &x, 1));
    longname[PQCE_STORE_NAME_MAX] = 'a';
    longname[PQCE_STORE_NAME_MAX + 1] = '\0';
    CHECK_RC(pqce_store_put(fx->s, longname, &x, 1), PQCE_ERR_INVALID_ARG);
}

static void test_store_invalid_names_are_refused(void)
{
    BOTH(invalid_names_body);
}

static void abort_body(fixture *fx)
{
    uint8_t a[64], b[64];
    void *h = NULL;
    struct names l;
    test_fill(a, sizeof a, "abort-a", 0);
    test_fill(b, sizeof b, "abort-b", 0);
    CHECK_OK(pqce_store_put(fx->s, "obj", a, sizeof a));
    CHECK_OK(pqce_store_write_begin(fx->s, &h, "obj"));
    CHECK_OK(pqce_store_write(fx->s, h, b, sizeof b));
    CHECK(holds(fx->s, "obj", a, sizeof a)); /* not visible before commit */
    pqce_store_write_abort(fx->s, h);
    CHECK(holds(fx->s, "obj", a, sizeof a));
    CHECK_OK(pqce_store_write_begin(fx->s, &h, "fresh"));
    pqce_store_write_abort(fx->s, h);
    CHECK_OK(list_sorted(fx->s, "", &l));
    CHECK(l.n == 1 && strcmp(l.v[0], "obj") == 0);
    if (fx->dir) {
        CHECK(count_tmp_files(fx->path) == 0);
    }
}

static void test_store_abort_keeps_the_old_object(void)
{
    BOTH(abort_body);
}

static void large_body(fixture *fx)
{
    size_t len = (3u << 20) + 12345;
    uint8_t *big = malloc(len), part[4096];
    CHECK(big != NULL);
    test_fill(big, len, "large", 0);
    int rc = put_in_pieces(fx->s, "objects/big", big, len, 65536);
    if (rc == 0) {
        rc = pqce_store_read(fx->s, "objects/big", part, sizeof part, len - sizeof part);
    }
    int same = rc == 0 && memcmp(part, big + len - sizeof part, sizeof part) == 0;
    free(big);
    CHECK_OK(rc);
    CHECK(same);
}

static void test_store_large_object_in_pieces(void)
{
    BOTH(large_body);
}

struct lock_arg {
    pqce_store *s;
    uint32_t timeout_ms;
    int rc;
    double elapsed;
    int hold_ms;
};

static void *lock_thread(void *p)
{
    struct lock_arg *a = p;
    double t0 = now_s();
    a->rc = pqce_store_lock(a->s, a->timeout_ms);
    a->elapsed = now_s() - t0;
    if (a->rc == 0) {
        sleep_ms(a->hold_ms);
        pqce_store_unlock(a->s);
    }
    return NULL;
}

static void lock_body(fixture *fx)
{
    pthread_t th;
    pqce_store *second = fx_second(fx);
    CHECK(second != NULL);
    CHECK_OK(pqce_store_lock(fx->s, 0));
    /* the other handle (another thread) waits its timeout, then BUSY */
    struct lock_arg a = {second, 150, -1, 0, 0};
    CHECK(pthread_create(&th, NULL, lock_thread, &a) == 0);
    pthread_join(th, NULL);
    CHECK_RC(a.rc, PQCE_ERR_BUSY);
    CHECK_MSG(a.elapsed >= 0.14, "gave up after %.3f s", a.elapsed);
    /* a waiter gets the lock when it is released */
    struct lock_arg w = {second, 5000, -1, 0, 0};
    CHECK(pthread_create(&th, NULL, lock_thread, &w) == 0);
    sleep_ms(100);
    pqce_store_unlock(fx->s);
    pthread_join(th, NULL);
    CHECK_OK(w.rc);
    CHECK_MSG(w.elapsed >= 0.09 && w.elapsed < 4.0, "waited %.3f s", w.elapsed);
    /* free again: immediate */
    CHECK_OK(pqce_store_lock(fx->s, 0));
    pqce_store_unlock(fx->s);
    if (fx->dir) {
        pqce_store_unlock(fx->s); /* unlocking an unlocked handle is harmless */
    }
    fx_release_second(fx, second);
}

static void test_store_lock_excludes_a_second_handle_and_times_out_busy(void)
{
    BOTH(lock_body);
}

/* ---- directory store: layout and handles ------------------------------------ */

static void test_dir_store_creates_private_directory_and_files(void)
{
    char path[128];
    struct stat st;
    pqce_store *s = NULL;
    uint8_t x = 1;
    fresh_path(path, sizeof path);
    CHECK_OK(pqce_store_dir_new(&s, path));
    CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode));
    CHECK((st.st_mode & 0777) == 0700);
    CHECK_OK(pqce_store_put(s, "objects/ab/x", &x, 1));
    char p[256];
    snprintf(p, sizeof p, "%s/objects/ab", path);
    CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0700);
    snprintf(p, sizeof p, "%s/objects/ab/x", path);
    CHECK(stat(p, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0600);
    pqce_store_free(s);
    /* opening again keeps the objects */
    CHECK_OK(pqce_store_dir_new(&s, path));
    CHECK(holds(s, "objects/ab/x", &x, 1));
    pqce_store_free(s);
    remove_path(path);
}

static void test_dir_store_refuses_a_path_that_is_not_a_directory(void)
{
    char path[128], file[160];
    pqce_store *s = (pqce_store *)&s;
    fresh_path(path, sizeof path);
    snprintf(file, sizeof file, "%s", path);
    int fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0600);
    CHECK(fd >= 0);
    close(fd);
    CHECK_RC(pqce_store_dir_new(&s, file), PQCE_ERR_INVALID_ARG);
    CHECK(s == NULL);
    CHECK_RC(pqce_store_dir_new(&s, NULL), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_store_dir_new(&s, ""), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_store_dir_new(NULL, path), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_store_dir_new(&s, "/nonexistent-parent/pqce/store"), PQCE_ERR_IO);
    remove_path(path);
}

static void test_dir_store_reserves_names_beginning_with_a_dot(void)
{
    char path[128], detail[256];
    pqce_store *s = NULL;
    uint8_t x = 1;
    uint64_t size;
    struct names l;
    fresh_path(path, sizeof path);
    CHECK_OK(pqce_store_dir_new(&s, path));
    CHECK_RC(pqce_store_put(s, ".lock", &x, 1), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_store_put(s, "a/.tmp-1-00", &x, 1), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_store_put(s, "a/./b", &x, 1), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_store_append(s, ".hidden", &x, 1), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_store_size(s, ".lock", &size), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_store_remove(s, ".lock"), PQCE_ERR_INVALID_ARG);
    pqce_store_detail(s, detail, sizeof detail);
    CHECK(strstr(detail, "reserved") != NULL);
    /* a dot inside a component is an ordinary name */
    CHECK_OK(pqce_store_put(s, "audit.log", &x, 1));
    CHECK_OK(pqce_store_put(s, "v1.2/x.bin", &x, 1));
    /* the lock file never shows in a listing */
    CHECK_OK(pqce_store_lock(s, 0));
    CHECK_OK(list_sorted(s, "", &l));
    CHECK(l.n == 2);
    CHECK_OK(list_sorted(s, ".", &l));
    CHECK(l.n == 0);
    CHECK_RC(pqce_store_list(s, "../", collect, &l), PQCE_ERR_INVALID_ARG);
    CHECK_RC(pqce_store_list(s, "/etc", collect, &l), PQCE_ERR_INVALID_ARG);
    pqce_store_unlock(s);
    pqce_store_free(s);
    remove_path(path);
}

static void test_dir_store_two_handles_in_one_thread_exclude_each_other(void)
{
    char path[128];
    pqce_store *a = NULL, *b = NULL;
    fresh_path(path, sizeof path);
    CHECK_OK(pqce_store_dir_new(&a, path));
    CHECK_OK(pqce_store_dir_new(&b, path));
    CHECK_OK(pqce_store_lock(a, 0));
    CHECK_RC(pqce_store_lock(b, 50), PQCE_ERR_BUSY);
    CHECK_RC(pqce_store_lock(b, 0), PQCE_ERR_BUSY);
    pqce_store_unlock(a);
    CHECK_OK(pqce_store_lock(b, 0));
    CHECK_RC(pqce_store_lock(a, 0), PQCE_ERR_BUSY);
    pqce_store_free(b); /* freeing a holder releases its lock */
    CHECK_OK(pqce_store_lock(a, 0));
    pqce_store_unlock(a);
    pqce_store_free(a);
    remove_path(path);
}

/* Child: opens its own store and tries to lock within timeout_ms; exits 0
 * on the expected result. */
static void child_try_lock(const char *path, uint32_t timeout_ms, int expect)
{
    pqce_store *s = NULL;
    if (pqce_store_dir_new(&s, path) != 0) {
        _exit(10);
    }
    int rc = pqce_store_lock(s, timeout_ms);
    if (rc == 0) {
        pqce_store_unlock(s);
    }
    pqce_store_free(s);
    _exit(rc == expect ? 0 : 11);
}

static int wait_child(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

static void test_dir_store_lock_excludes_another_process(void)
{
    char path[128];
    pqce_store *s = NULL;
    fresh_path(path, sizeof path);
    CHECK_OK(pqce_store_dir_new(&s, path));
    CHECK_OK(pqce_store_lock(s, 0));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        child_try_lock(path, 100, PQCE_ERR_BUSY);
    }
    CHECK(wait_child(pid) == 0);
    pqce_store_unlock(s);
    pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        child_try_lock(path, 1000, PQCE_OK);
    }
    CHECK(wait_child(pid) == 0);
    pqce_store_free(s);
    remove_path(path);
}

static void test_dir_store_lock_is_released_when_its_process_dies(void)
{
    char path[128];
    pqce_store *s = NULL;
    int fds[2];
    fresh_path(path, sizeof path);
    CHECK_OK(pqce_store_dir_new(&s, path));
    CHECK(pipe(fds) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        pqce_store *c = NULL;
        char ok = 'k';
        if (pqce_store_dir_new(&c, path) != 0 || pqce_store_lock(c, 0) != 0) {
            _exit(1);
        }
        if (write(fds[1], &ok, 1) != 1) {
            _exit(2);
        }
        for (;;) {
            pause(); /* killed while holding the lock */
        }
    }
    char got = 0;
    CHECK(read(fds[0], &got, 1) == 1 && got == 'k');
    CHECK_RC(pqce_store_lock(s, 50), PQCE_ERR_BUSY);
    kill(pid, SIGKILL);
    CHECK(wait_child(pid) == 100 + SIGKILL);
    CHECK_OK(pqce_store_lock(s, 2000)); /* I9 */
    pqce_store_unlock(s);
    close(fds[0]);
    close(fds[1]);
    pqce_store_free(s);
    remove_path(path);
}

static void test_dir_store_open_fd_reads_the_object(void)
{
    char path[128];
    pqce_store *s = NULL;
    uint8_t data[3000], back[3000];
    int fd = -1;
    fresh_path(path, sizeof path);
    test_fill(data, sizeof data, "open-fd", 0);
    CHECK_OK(pqce_store_dir_new(&s, path));
    CHECK_OK(pqce_store_put(s, "objects/w", data, sizeof data));
    CHECK_OK(pqce_store_open_fd(s, "objects/w", &fd));
    CHECK(fd >= 0);
    int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);
    CHECK((fl & O_ACCMODE) == O_RDONLY && (fl & O_NONBLOCK) == 0);
    CHECK((fdfl & FD_CLOEXEC) != 0);
    CHECK(pread(fd, back, sizeof back, 0) == (ssize_t)sizeof back);
    CHECK_MEM_EQ(back, data, sizeof data);
    CHECK(write(fd, data, 1) < 0); /* read-only */
    close(fd);
    fd = 5;
    CHECK_RC(pqce_store_open_fd(s, "objects/none", &fd), PQCE_ERR_NOT_FOUND);
    CHECK(fd == -1);
    /* the memory store has no descriptors */
    pqce_store *m = NULL;
    CHECK_OK(pqce_store_memory_new(&m));
    CHECK_RC(pqce_store_open_fd(m, "x", &fd), PQCE_ERR_UNSUPPORTED);
    pqce_store_free(m);
    pqce_store_free(s);
    remove_path(path);
}

static void test_dir_store_refuses_symlinked_objects(void)
{
    char path[128], link[256], target[256];
    pqce_store *s = NULL;
    uint8_t x = 7, buf[1];
    uint64_t size;
    int fd;
    struct names l;
    fresh_path(path, sizeof path);
    CHECK_OK(pqce_store_dir_new(&s, path));
    CHECK_OK(pqce_store_put(s, "real", &x, 1));
    snprintf(target, sizeof target, "%s/real", path);
    snprintf(link, sizeof link, "%s/link", path);
    CHECK(symlink(target, link) == 0);
    CHECK(pqce_store_read(s, "link", buf, 1, 0) != 0);
    CHECK(pqce_store_open_fd(s, "link", &fd) != 0);
    CHECK_RC(pqce_store_size(s, "link", &size), PQCE_ERR_NOT_FOUND);
    CHECK_OK(list_sorted(s, "", &l));
    CHECK(l.n == 1 && strcmp(l.v[0], "real") == 0);
    pqce_store_free(s);
    remove_path(path);
}

static void test_dir_store_leaves_no_temporary_file(void)
{
    char path[128];
    pqce_store *s = NULL;
    uint8_t data[1000];
    test_fill(data, sizeof data, "no-temp", 0);
    fresh_path(path, sizeof path);
    CHECK_OK(pqce_store_dir_new(&s, path));
    for (int i = 0; i < 5; i++) {
        CHECK_OK(pqce_store_put(s, "manifest", data, sizeof data - (size_t)i));
        CHECK_OK(pqce_store_put(s, "objects/x/y", data, (size_t)i));
    }
    CHECK_OK(pqce_store_append(s, "audit", data, 10));
    CHECK_OK(pqce_store_remove(s, "objects/x/y"));
    CHECK(count_tmp_files(path) == 0);
    pqce_store_free(s);
    remove_path(path);
}

/* ---- directory store: the fault injector -------------------------------------- */

/* Puts `old` under name with the real OS (no old object if old is NULL). */
static int setup_old(const char *path, const char *name, const uint8_t *old, size_t old_len)
{
    pqce_store *s = NULL;
    rm_rf(path);
    int rc = pqce_store_dir_new(&s, path);
    if (rc == 0 && old != NULL) {
        rc = pqce_store_put(s, name, old, old_len);
    }
    pqce_store_free(s);
    return rc;
}

static void test_dir_store_fault_counting_mode_counts_the_calls(void)
{
    char path[128];
    pqce_store *s = NULL;
    pqce_io_fault f;
    uint8_t data[3000];
    test_fill(data, sizeof data, "count", 0);
    fresh_path(path, sizeof path);
    CHECK_OK(setup_old(path, "obj", data, 10));
    pqce_io_fault_init(&f);
    CHECK_OK(pqce_store_dir_new_with_io(&s, path, &f.io));
    pqce_io_fault_arm(&f, PQCE_IO_FAULT_PASS, PQCE_IO_ANY, 0, 0);
    CHECK_OK(put_in_pieces(s, "obj", data, sizeof data, 1000));
    /* open the temporary file, 3 writes, fsync it, close it, rename, fsync
     * the directory */
    CHECK(f.calls_by_kind[PQCE_IO_OPEN] == 1);
    CHECK(f.calls_by_kind[PQCE_IO_WRITE] == 3);
    CHECK(f.calls_by_kind[PQCE_IO_FSYNC] == 2);
    CHECK(f.calls_by_kind[PQCE_IO_CLOSE] == 1);
    CHECK(f.calls_by_kind[PQCE_IO_RENAME] == 1);
    CHECK(f.calls == 8 && f.calls_by_kind[PQCE_IO_ANY] == 8);
    CHECK(!f.fired && !f.crashed);
    /* counting one kind */
    pqce_io_fault_arm(&f, PQCE_IO_FAULT_PASS, PQCE_IO_FSYNC, 0, 0);
    CHECK_OK(put_in_pieces(s, "obj", data, sizeof data, 1000));
    CHECK(f.calls == 2 && f.calls_by_kind[PQCE_IO_ANY] == 8);
    CHECK(holds(s, "obj", data, sizeof data));
    pqce_store_free(s);
    pqce_io_fault_fini(&f);
    remove_path(path);
}

static off_t file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

/* The injector's durability model: a power loss keeps synced data and
 * loses the rest. */
static void test_fault_crash_loses_unsynced_file_data(void)
{
    char dir[] = "/tmp/pqce-fault-XXXXXX", a[64], b[64];
    uint8_t buf[200];
    pqce_io_fault f;
    memset(buf, 'z', sizeof buf);
    CHECK(mkdtemp(dir) != NULL);
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    pqce_io_fault_init(&f);
    pqce_io_fault_arm(&f, PQCE_IO_FAULT_CRASH, PQCE_IO_RENAME, 1, 0);
    int fa = f.io.openat(f.io.ctx, AT_FDCWD, a, O_WRONLY | O_CREAT | O_EXCL, 0600);
    int fb = f.io.openat(f.io.ctx, AT_FDCWD, b, O_WRONLY | O_CREAT | O_EXCL, 0600);
    CHECK(fa >= 0 && fb >= 0);
    CHECK(f.pending_dir_ops == 2);
    CHECK(f.io.write(f.io.ctx, fa, buf, 100) == 100);
    CHECK(f.io.fsync(f.io.ctx, fa) == 0);
    CHECK(f.io.write(f.io.ctx, fa, buf, 50) == 50); /* after the sync */
    CHECK(f.io.write(f.io.ctx, fb, buf, 30) == 30); /* never synced */
    CHECK(f.dirty_files == 2);
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0);
    CHECK(f.io.fsync(f.io.ctx, dfd) == 0);
    CHECK(f.pending_dir_ops == 0);
    close(dfd);
    CHECK(file_size(a) == 150 && file_size(b) == 30);
    /* the crash */
    errno = 0;
    CHECK(f.io.renameat(f.io.ctx, AT_FDCWD, a, AT_FDCWD, b) == -1 && errno == EIO);
    CHECK(f.crashed && f.lost_files == 2 && f.dirty_files == 0);
    CHECK(file_size(a) == 100 && file_size(b) == 0); /* and the rename never happened */
    /* everything after fails; close still releases the descriptor */
    CHECK(f.io.write(f.io.ctx, fa, buf, 1) == -1 && errno == EIO);
    CHECK(f.io.close(f.io.ctx, fa) == -1 && errno == EIO);
    CHECK(f.io.close(f.io.ctx, fb) == -1);
    CHECK(fcntl(fa, F_GETFD) == -1 && errno == EBADF);
    pqce_io_fault_fini(&f);
    rm_rf(dir);
}

/*
 * Crash sweep: for k = 1..n (n = the calls the operation makes), restore
 * the old state, run the operation with a power loss at call k, "reboot"
 * (free the handle, reopen with the real OS) and check the state. Returns
 * the number of runs; *olds and *news count the outcomes.
 */
typedef int (*store_op)(pqce_store *s, const char *name, const uint8_t *buf, size_t len);

static int op_put(pqce_store *s, const char *name, const uint8_t *buf, size_t len)
{
    return put_in_pieces(s, name, buf, len, 1500);
}

static int op_remove(pqce_store *s, const char *name, const uint8_t *buf, size_t len)
{
    (void)buf;
    (void)len;
    return pqce_store_remove(s, name);
}

static int op_append(pqce_store *s, const char *name, const uint8_t *buf, size_t len)
{
    return pqce_store_append(s, name, buf, len);
}

struct sweep {
    const char *name;
    const uint8_t *old; /* NULL: no object before */
    size_t old_len;
    const uint8_t *new_state; /* NULL: no object after */
    size_t new_len;
    store_op op;
    const uint8_t *arg;
    size_t arg_len;
    /* results */
    uint64_t runs, olds, news;
};

static void crash_sweep(struct sweep *w)
{
    char path[128];
    pqce_store *s = NULL;
    pqce_io_fault f;
    fresh_path(path, sizeof path);

    /* count the calls of one undisturbed run */
    CHECK_OK(setup_old(path, w->name, w->old, w->old_len));
    pqce_io_fault_init(&f);
    CHECK_OK(pqce_store_dir_new_with_io(&s, path, &f.io));
    pqce_io_fault_arm(&f, PQCE_IO_FAULT_PASS, PQCE_IO_ANY, 0, 0);
    CHECK_OK(w->op(s, w->name, w->arg, w->arg_len));
    uint64_t n = f.calls;
    /* a completed operation left nothing unsynced (I1, I5, I6, I7) */
    CHECK_MSG(f.dirty_files == 0 && f.pending_dir_ops == 0 && !f.overflow,
              "after success: %zu dirty files, %llu unsynced directory operations", f.dirty_files,
              (unsigned long long)f.pending_dir_ops);
    pqce_store_free(s);
    pqce_io_fault_fini(&f);
    CHECK(n >= 3);

    for (uint64_t k = 1; k <= n; k++) {
        CHECK_OK(setup_old(path, w->name, w->old, w->old_len));
        pqce_io_fault_init(&f);
        CHECK_OK(pqce_store_dir_new_with_io(&s, path, &f.io));
        pqce_io_fault_arm(&f, PQCE_IO_FAULT_CRASH, PQCE_IO_ANY, k, 0);
        int rc = w->op(s, w->name, w->arg, w->arg_len);
        CHECK_MSG(f.crashed, "k = %llu: no crash", (unsigned long long)k);
        pqce_store_free(s); /* power loss: nothing more reaches the disk */
        s = NULL;

        /* reboot */
        CHECK_OK(pqce_store_dir_new(&s, path));
        uint64_t size;
        int present = pqce_store_size(s, w->name, &size) == 0;
        int is_old = w->old != NULL ? present && holds(s, w->name, w->old, w->old_len) : !present;
        int is_new = w->new_state != NULL ? present && holds(s, w->name, w->new_state, w->new_len)
                                          : !present;
        CHECK_MSG(is_old || is_new, "k = %llu of %llu: neither the old nor the new state",
                  (unsigned long long)k, (unsigned long long)n);
        /* an operation that reported success is durable */
        CHECK_MSG(rc != 0 || is_new, "k = %llu: success reported, old state after the crash",
                  (unsigned long long)k);
        /* nothing but the object is visible */
        struct names l;
        CHECK_OK(list_sorted(s, "", &l));
        CHECK(l.n == (size_t)present);
        CHECK(!present || strcmp(l.v[0], w->name) == 0);
        w->olds += (uint64_t)(is_old && !is_new);
        w->news += (uint64_t)is_new;
        w->runs++;
        pqce_store_free(s);
        s = NULL;
        pqce_io_fault_fini(&f);
    }
    remove_path(path);
}

static void test_dir_store_replace_survives_a_crash_at_every_call(void)
{
    uint8_t old[2000], neu[5000];
    test_fill(old, sizeof old, "crash-old", 0);
    test_fill(neu, sizeof neu, "crash-new", 0);
    struct sweep w = {"manifest", old,        sizeof old, neu, sizeof neu, op_put,
                      neu,        sizeof neu, 0,          0,   0};
    crash_sweep(&w);
    if (test_failed()) {
        return;
    }
    /* both outcomes occur: before the rename the old, after it the new */
    CHECK(w.runs >= 6 && w.olds > 0 && w.news > 0);
    /* the same in a subdirectory that exists */
    struct sweep v = {"objects/ab/cd", old, sizeof old, neu, sizeof neu, op_put, neu,
                      sizeof neu,      0,   0,          0};
    crash_sweep(&v);
    CHECK(v.runs >= 6 && v.olds > 0 && v.news > 0);
}

static void test_dir_store_new_object_in_new_directories_survives_a_crash_at_every_call(void)
{
    uint8_t neu[3000];
    test_fill(neu, sizeof neu, "crash-new", 1);
    struct sweep w = {"objects/ab/cd/ef", NULL, 0, neu, sizeof neu, op_put, neu,
                      sizeof neu,         0,    0, 0};
    crash_sweep(&w);
    CHECK(w.runs >= 10 && w.olds > 0 && w.news > 0);
}

static void test_dir_store_remove_survives_a_crash_at_every_call(void)
{
    uint8_t old[100];
    test_fill(old, sizeof old, "crash-old", 2);
    struct sweep w = {"objects/zz", old, sizeof old, NULL, 0, op_remove, NULL, 0, 0, 0, 0};
    crash_sweep(&w);
    CHECK(w.runs >= 3 && w.olds > 0 && w.news > 0);
}

static void test_dir_store_append_survives_a_crash_at_every_call(void)
{
    uint8_t old[100], add[400], both[500];
    test_fill(old, sizeof old, "crash-old", 3);
    test_fill(add, sizeof add, "crash-add", 3);
    memcpy(both, old, sizeof old);
    memcpy(both + sizeof old, add, sizeof add);
    struct sweep w = {"audit.log", old, sizeof old, both, sizeof both, op_append, add,
                      sizeof add,  0,   0,          0};
    crash_sweep(&w);
    CHECK(w.runs >= 4 && w.olds > 0 && w.news > 0);
}

/* Every call of a replace failing once with EIO (no crash): an error is
 * reported unless the call did not matter, and the object is the old or
 * the new one (new only if the failure came after the rename). */
static void test_dir_store_replace_fails_cleanly_at_every_call(void)
{
    char path[128];
    pqce_store *s = NULL;
    pqce_io_fault f;
    uint8_t old[1000], neu[4000];
    test_fill(old, sizeof old, "fail-old", 0);
    test_fill(neu, sizeof neu, "fail-new", 0);
    fresh_path(path, sizeof path);
    CHECK_OK(setup_old(path, "objects/m", old, sizeof old));
    pqce_io_fault_init(&f);
    CHECK_OK(pqce_store_dir_new_with_io(&s, path, &f.io));
    pqce_io_fault_arm(&f, PQCE_IO_FAULT_PASS, PQCE_IO_ANY, 0, 0);
    CHECK_OK(op_put(s, "objects/m", neu, sizeof neu));
    uint64_t n = f.calls;
    pqce_store_free(s);
    pqce_io_fault_fini(&f);
    int errors = 0;
    for (uint64_t k = 1; k <= n; k++) {
        CHECK_OK(setup_old(path, "objects/m", old, sizeof old));
        pqce_io_fault_init(&f);
        CHECK_OK(pqce_store_dir_new_with_io(&s, path, &f.io));
        pqce_io_fault_arm(&f, PQCE_IO_FAULT_FAIL, PQCE_IO_ANY, k, EIO);
        int rc = op_put(s, "objects/m", neu, sizeof neu);
        CHECK(f.fired);
        CHECK_MSG(rc == 0 || rc == PQCE_ERR_IO, "k = %llu: %s", (unsigned long long)k,
                  pqce_error_name(rc));
        int is_old = holds(s, "objects/m", old, sizeof old);
        int is_new = holds(s, "objects/m", neu, sizeof neu);
        CHECK_MSG(is_old || is_new, "k = %llu: neither old nor new", (unsigned long long)k);
        CHECK_MSG(rc != 0 || is_new, "k = %llu: success but old", (unsigned long long)k);
        struct names l;
        CHECK_OK(list_sorted(s, "", &l));
        CHECK(l.n == 1);
        errors += rc != 0;
        pqce_store_free(s);
        pqce_io_fault_fini(&f);
    }
    CHECK(errors > 0);
    remove_path(path);
}

/* Runs one put of `neu` over `old` with a single planned fault; returns
 * the put's result and whether the old object survived. */
static int put_with_fault(pqce_io_fault_mode mode, pqce_io_kind kind, uint64_t k, int err,
                          int *kept_old, int *got_new, char *detail, size_t detail_cap)
{
    char path[128];
    pqce_store *s = NULL;
    pqce_io_fault f;
    uint8_t old[1000], neu[8192];
    test_fill(old, sizeof old, "single-old", 0);
    test_fill(neu, sizeof neu, "single-new", 0);
    fresh_path(path, sizeof path);
    if (setup_old(path, "obj", old, sizeof old) != 0) {
        return -100;
    }
    pqce_io_fault_init(&f);
    if (pqce_store_dir_new_with_io(&s, path, &f.io) != 0) {
        return -101;
    }
    pqce_io_fault_arm(&f, mode, kind, k, err);
    int rc = put_in_pieces(s, "obj", neu, sizeof neu, 4096);
    if (detail != NULL) {
        pqce_store_detail(s, detail, detail_cap);
    }
    *kept_old = holds(s, "obj", old, sizeof old);
    *got_new = holds(s, "obj", neu, sizeof neu);
    if (!f.fired) {
        rc = -102;
    }
    if (count_tmp_files(path) != 0) {
        rc = -103; /* a failed write removes its temporary file */
    }
    pqce_store_free(s);
    pqce_io_fault_fini(&f);
    remove_path(path);
    return rc;
}

static void test_dir_store_short_write_then_enospc_is_an_io_error(void)
{
    int kept_old, got_new;
    char detail[256];
    CHECK_RC(put_with_fault(PQCE_IO_FAULT_SHORT, PQCE_IO_WRITE, 1, ENOSPC, &kept_old, &got_new,
                            detail, sizeof detail),
             PQCE_ERR_IO);
    CHECK(kept_old && !got_new);
    CHECK_MSG(strstr(detail, "write") != NULL && strstr(detail, strerror(ENOSPC)) != NULL,
              "detail: %s", detail);
}

static void test_dir_store_short_write_alone_is_completed(void)
{
    int kept_old, got_new;
    CHECK_OK(
        put_with_fault(PQCE_IO_FAULT_SHORT, PQCE_IO_WRITE, 2, 0, &kept_old, &got_new, NULL, 0));
    CHECK(got_new && !kept_old);
}

static void test_dir_store_enospc_on_write_is_an_io_error(void)
{
    int kept_old, got_new;
    CHECK_RC(
        put_with_fault(PQCE_IO_FAULT_FAIL, PQCE_IO_WRITE, 2, ENOSPC, &kept_old, &got_new, NULL, 0),
        PQCE_ERR_IO);
    CHECK(kept_old && !got_new);
}

static void test_dir_store_eintr_on_write_is_retried(void)
{
    int kept_old, got_new;
    CHECK_OK(
        put_with_fault(PQCE_IO_FAULT_FAIL, PQCE_IO_WRITE, 1, EINTR, &kept_old, &got_new, NULL, 0));
    CHECK(got_new);
}

static void test_dir_store_eio_on_fsync_is_an_io_error(void)
{
    int kept_old, got_new;
    char detail[256];
    CHECK_RC(put_with_fault(PQCE_IO_FAULT_FAIL, PQCE_IO_FSYNC, 1, EIO, &kept_old, &got_new, detail,
                            sizeof detail),
             PQCE_ERR_IO);
    CHECK(kept_old && !got_new);
    CHECK_MSG(strstr(detail, "fsync") != NULL && strstr(detail, strerror(EIO)) != NULL,
              "detail: %s", detail);
}

static void test_dir_store_eio_on_close_is_an_io_error(void)
{
    int kept_old, got_new;
    CHECK_RC(
        put_with_fault(PQCE_IO_FAULT_FAIL, PQCE_IO_CLOSE, 1, EIO, &kept_old, &got_new, NULL, 0),
        PQCE_ERR_IO);
    CHECK(kept_old && !got_new);
}

static void test_dir_store_failed_rename_keeps_the_old_object(void)
{
    int kept_old, got_new;
    CHECK_RC(
        put_with_fault(PQCE_IO_FAULT_FAIL, PQCE_IO_RENAME, 1, EIO, &kept_old, &got_new, NULL, 0),
        PQCE_ERR_IO);
    CHECK(kept_old && !got_new);
}

static void test_dir_store_failed_directory_fsync_is_reported(void)
{
    int kept_old, got_new;
    /* the second fsync is the directory's, after the rename (I8) */
    CHECK_RC(
        put_with_fault(PQCE_IO_FAULT_FAIL, PQCE_IO_FSYNC, 2, EIO, &kept_old, &got_new, NULL, 0),
        PQCE_ERR_IO);
    CHECK(got_new);
}

static void test_dir_store_failed_remove_and_append_syncs_are_reported(void)
{
    char path[128];
    pqce_store *s = NULL;
    pqce_io_fault f;
    uint8_t x[10] = {1};
    fresh_path(path, sizeof path);
    pqce_io_fault_init(&f);
    CHECK_OK(pqce_store_dir_new_with_io(&s, path, &f.io));
    CHECK_OK(pqce_store_put(s, "a", x, sizeof x));
    pqce_io_fault_arm(&f, PQCE_IO_FAULT_FAIL, PQCE_IO_FSYNC, 1, EIO);
    CHECK_RC(pqce_store_remove(s, "a"), PQCE_ERR_IO);
    pqce_io_fault_arm(&f, PQCE_IO_FAULT_FAIL, PQCE_IO_FDATASYNC, 1, EIO);
    CHECK_RC(pqce_store_append(s, "log", x, sizeof x), PQCE_ERR_IO);
    pqce_io_fault_arm(&f, PQCE_IO_FAULT_FAIL, PQCE_IO_WRITE, 1, ENOSPC);
    CHECK_RC(pqce_store_append(s, "log", x, sizeof x), PQCE_ERR_IO);
    pqce_io_fault_arm(&f, PQCE_IO_FAULT_FAIL, PQCE_IO_FSYNC, 1, EIO);
    CHECK_RC(pqce_store_append(s, "log2", x, sizeof x), PQCE_ERR_IO); /* new file: dir fsync */
    pqce_io_fault_arm(&f, PQCE_IO_FAULT_FAIL, PQCE_IO_MKDIR, 1, ENOSPC);
    CHECK_RC(pqce_store_put(s, "newdir/x", x, sizeof x), PQCE_ERR_IO);
    pqce_io_fault_arm(&f, PQCE_IO_FAULT_FAIL, PQCE_IO_READ, 1, EIO);
    uint8_t buf[10];
    CHECK_RC(pqce_store_read(s, "log", buf, 1, 0), PQCE_ERR_IO);
    pqce_io_fault_arm(&f, PQCE_IO_FAULT_FAIL, PQCE_IO_READDIR, 1, EIO);
    struct names l;
    CHECK_RC(list_sorted(s, "", &l), PQCE_ERR_IO);
    pqce_io_fault_arm(&f, PQCE_IO_FAULT_FAIL, PQCE_IO_FLOCK, 1, ENOLCK);
    CHECK_RC(pqce_store_lock(s, 0), PQCE_ERR_IO);
    CHECK_OK(pqce_store_lock(s, 0)); /* a failed attempt leaves no state behind */
    pqce_store_unlock(s);
    pqce_store_free(s);
    pqce_io_fault_fini(&f);
    remove_path(path);
}

static void test_dir_store_detail_names_the_call_and_errno_never_data(void)
{
    char path[128], detail[256];
    pqce_store *s = NULL;
    pqce_io_fault f;
    const uint8_t secret_bytes[] = "SECRETDATA";
    fresh_path(path, sizeof path);
    pqce_io_fault_init(&f);
    CHECK_OK(pqce_store_dir_new_with_io(&s, path, &f.io));
    pqce_io_fault_arm(&f, PQCE_IO_FAULT_FAIL, PQCE_IO_RENAME, 1, ENOSPC);
    CHECK_RC(pqce_store_put(s, "objects/q", secret_bytes, sizeof secret_bytes), PQCE_ERR_IO);
    pqce_store_detail(s, detail, sizeof detail);
    CHECK_MSG(strstr(detail, "renameat") != NULL && strstr(detail, "No space left") != NULL &&
                  strstr(detail, "SECRETDATA") == NULL,
              "detail: %s", detail);
    pqce_store_free(s);
    pqce_io_fault_fini(&f);
    remove_path(path);
}

/* A pid that no longer exists: a child that exited and was reaped. */
static pid_t dead_pid(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        _exit(0);
    }
    (void)wait_child(pid);
    return pid;
}

static int touch(const char *dir, const char *name)
{
    char p[300];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    int fd = open(p, O_WRONLY | O_CREAT, 0600);
    if (fd < 0) {
        return -1;
    }
    int ok = write(fd, "partial", 7) == 7;
    close(fd);
    return ok ? 0 : -1;
}

static int exists(const char *dir, const char *name)
{
    char p[300];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &st) == 0;
}

static void test_dir_store_stale_temporary_files_are_removed_at_open(void)
{
    char path[128], dead1[64], dead2[64], live[64];
    pqce_store *s = NULL;
    uint8_t x = 1;
    struct names l;
    fresh_path(path, sizeof path);
    CHECK_OK(pqce_store_dir_new(&s, path));
    CHECK_OK(pqce_store_put(s, "objects/a", &x, 1));
    pqce_store_free(s);
    pid_t gone = dead_pid();
    snprintf(dead1, sizeof dead1, ".tmp-%ld-0011223344556677", (long)gone);
    snprintf(dead2, sizeof dead2, "objects/.tmp-%ld-8899aabbccddeeff", (long)gone);
    snprintf(live, sizeof live, ".tmp-%ld-0123456789abcdef", (long)getpid());
    CHECK(touch(path, dead1) == 0 && touch(path, dead2) == 0 && touch(path, live) == 0);
    CHECK(touch(path, ".tmp-notapid") == 0);
    CHECK(count_tmp_files(path) == 4);
    CHECK_OK(pqce_store_dir_new(&s, path));
    CHECK(!exists(path, dead1) && !exists(path, dead2)); /* dead writers' files go */
    CHECK(exists(path, live));                           /* a live process may still be writing */
    CHECK(exists(path, ".tmp-notapid")); /* not a name the store makes: left alone */
    CHECK_OK(list_sorted(s, "", &l));
    CHECK(l.n == 1 && strcmp(l.v[0], "objects/a") == 0);
    pqce_store_free(s);
    remove_path(path);
}

static void test_dir_store_crash_in_another_process_leaves_nothing_after_reopen(void)
{
    char path[128];
    pqce_store *s = NULL;
    uint8_t old[500], neu[900];
    test_fill(old, sizeof old, "child-old", 0);
    test_fill(neu, sizeof neu, "child-new", 0);
    fresh_path(path, sizeof path);
    CHECK_OK(setup_old(path, "objects/m", old, sizeof old));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        /* the writer loses power at its rename */
        pqce_io_fault f;
        pqce_store *c = NULL;
        pqce_io_fault_init(&f);
        if (pqce_store_dir_new_with_io(&c, path, &f.io) != 0) {
            _exit(1);
        }
        pqce_io_fault_arm(&f, PQCE_IO_FAULT_CRASH, PQCE_IO_RENAME, 1, 0);
        int rc = pqce_store_put(c, "objects/m", neu, sizeof neu);
        _exit(rc == PQCE_ERR_IO && f.crashed ? 0 : 2); /* no clean-up: dead */
    }
    CHECK(wait_child(pid) == 0);
    CHECK(count_tmp_files(path) == 1); /* the dead writer's temporary file */
    CHECK_OK(pqce_store_dir_new(&s, path));
    CHECK(count_tmp_files(path) == 0);
    CHECK(holds(s, "objects/m", old, sizeof old));
    pqce_store_free(s);
    remove_path(path);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_store_put_get_size_and_read_at_offsets),
        TEST_CASE(test_store_put_replaces_the_whole_object),
        TEST_CASE(test_store_missing_object_is_not_found),
        TEST_CASE(test_store_list_with_prefixes_and_subdirectories),
        TEST_CASE(test_store_remove_deletes_the_object),
        TEST_CASE(test_store_append_creates_and_extends),
        TEST_CASE(test_store_invalid_names_are_refused),
        TEST_CASE(test_store_abort_keeps_the_old_object),
        TEST_CASE(test_store_large_object_in_pieces),
        TEST_CASE(test_store_lock_excludes_a_second_handle_and_times_out_busy),
        TEST_CASE(test_dir_store_creates_private_directory_and_files),
        TEST_CASE(test_dir_store_refuses_a_path_that_is_not_a_directory),
        TEST_CASE(test_dir_store_reserves_names_beginning_with_a_dot),
        TEST_CASE(test_dir_store_two_handles_in_one_thread_exclude_each_other),
        TEST_CASE(test_dir_store_lock_excludes_another_process),
        TEST_CASE(test_dir_store_lock_is_released_when_its_process_dies),
        TEST_CASE(test_dir_store_open_fd_reads_the_object),
        TEST_CASE(test_dir_store_refuses_symlinked_objects),
        TEST_CASE(test_dir_store_leaves_no_temporary_file),
        TEST_CASE(test_dir_store_fault_counting_mode_counts_the_calls),
        TEST_CASE(test_fault_crash_loses_unsynced_file_data),
        TEST_CASE(test_dir_store_replace_survives_a_crash_at_every_call),
        TEST_CASE(test_dir_store_new_object_in_new_directories_survives_a_crash_at_every_call),
        TEST_CASE(test_dir_store_remove_survives_a_crash_at_every_call),
        TEST_CASE(test_dir_store_append_survives_a_crash_at_every_call),
        TEST_CASE(test_dir_store_replace_fails_cleanly_at_every_call),
        TEST_CASE(test_dir_store_short_write_then_enospc_is_an_io_error),
        TEST_CASE(test_dir_store_short_write_alone_is_completed),
        TEST_CASE(test_dir_store_enospc_on_write_is_an_io_error),
        TEST_CASE(test_dir_store_eintr_on_write_is_retried),
        TEST_CASE(test_dir_store_eio_on_fsync_is_an_io_error),
        TEST_CASE(test_dir_store_eio_on_close_is_an_io_error),
        TEST_CASE(test_dir_store_failed_rename_keeps_the_old_object),
        TEST_CASE(test_dir_store_failed_directory_fsync_is_reported),
        TEST_CASE(test_dir_store_failed_remove_and_append_syncs_are_reported),
        TEST_CASE(test_dir_store_detail_names_the_call_and_errno_never_data),
        TEST_CASE(test_dir_store_stale_temporary_files_are_removed_at_open),
        TEST_CASE(test_dir_store_crash_in_another_process_leaves_nothing_after_reopen),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
