/*
 * store_dir.c - a store in a directory: one file per object.
 *
 * Layout (docs/BACKENDS.md, "directory store"): an object "a/b/c" is the
 * file <root>/a/b/c (subdirectories are created on demand, mode 0700;
 * files are 0600). Entries whose name begins with '.' belong to the store
 * and are never objects: ".lock" (the writer lock) and ".tmp-<pid>-<hex>"
 * (an object being written). Object names whose components begin with '.'
 * are therefore refused (PQCE_ERR_INVALID_ARG).
 *
 * Every system call goes through a pqce_io table (io.h) so that tests can
 * fail any of them or simulate a power loss at any of them.
 *
 * Crash-safety invariants (CONVENTIONS rule 15). Each write, sync, rename
 * and unlink below names the invariant it serves.
 *
 *  I1 durable commit: write_commit returns 0 only after the object's data
 *     was fsynced before the rename and its directory fsynced after it, so
 *     a crash after the return shows the new object.
 *  I2 atomic replace: an object is written to a temporary file in its own
 *     directory and renamed over its name; until the rename the name refers
 *     to the previous object (or to none), and rename(2) within a directory
 *     switches the entry atomically. Readers and a crash see the old or the
 *     new object, never a mix and never a missing one.
 *  I3 data before name: the temporary file is fsynced and closed without
 *     error before the rename, so after a crash the name never points at
 *     bytes that had not reached the disk. (close is checked because some
 *     file systems report write-back errors there.)
 *  I4 temporaries are never objects: they are named ".tmp-<pid>-<16 hex>",
 *     a form no object name can take; list never reports them; opening the
 *     store removes those whose process no longer exists.
 *  I5 directories before their contents: a subdirectory created for an
 *     object is fsynced into its parent before the object can be committed.
 *  I6 durable remove: remove returns 0 only after the unlink and an fsync
 *     of the directory (also when the file was already gone: another
 *     process's unlink may not be durable yet).
 *  I7 durable append: append returns 0 only after an fdatasync of the file
 *     and, when it created the file, an fsync of its directory. A crash or
 *     an error during an append may leave a prefix of the bytes; an object
 *     that is appended to must frame its records (the audit log does).
 *  I8 failure keeps the old object: a failure before the rename leaves the
 *     previous object untouched and unlinks the temporary file. A failure
 *     of the directory fsync after the rename returns PQCE_ERR_IO with the
 *     new object visible but perhaps not durable: a crash then shows the
 *     old or the new one (I2). A failed fsync is never retried: the kernel
 *     may already have dropped the dirty pages it could not write, so a
 *     second fsync could succeed without the data on disk; the write is
 *     abandoned instead.
 *  I9 the writer lock dies with its holder: it is flock(2) on ".lock", which
 *     the kernel releases when the process ends, so a crash never leaves a
 *     vault locked.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "store/io.h"
#include "store/store.h"

#define LOCK_NAME      ".lock"
#define TMP_PREFIX     ".tmp-"
#define WALK_DEPTH_MAX 64
#define DIR_MODE       0700
#define FILE_MODE      0600

typedef struct dir_store {
    pqce_io io;
    int root_fd;
    pthread_mutex_t mu; /* guards the fields below */
    pthread_cond_t cv;  /* signalled when this handle's writer lock is released */
    int lock_held;      /* a thread of this process holds (or is taking) the lock */
    int lock_fd;
    char detail[256];
} dir_store;

typedef struct write_handle {
    int dir_fd;    /* the object's directory */
    int dir_owned; /* dir_fd is ours to close (not root_fd) */
    int fd;        /* the temporary file, -1 once closed */
    int failed;
    char base[PQCE_STORE_NAME_MAX + 1]; /* the object's name in dir_fd */
    char tmp[64];                       /* the temporary file's name in dir_fd */
} write_handle;

static void set_detail(dir_store *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_detail(dir_store *d, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&d->mu);
    va_start(ap, fmt);
    (void)vsnprintf(d->detail, sizeof d->detail, fmt, ap);
    va_end(ap);
    pthread_mutex_unlock(&d->mu);
}

/* Records "call(what): errno text" and returns PQCE_ERR_IO. */
static int io_error(dir_store *d, const char *call, const char *what, int err)
{
    char buf[128];
    /* GNU strerror_r (_GNU_SOURCE): thread-safe, returns the text. */
    const char *text = strerror_r(err, buf, sizeof buf);
    set_detail(d, "directory store: %s(%s) failed: %s", call, what, text);
    return PQCE_ERR_IO;
}

/* 1 if a component of name begins with '.' (reserved for the store). */
static int name_reserved(const char *name)
{
    for (const char *p = name; *p != '\0'; p++) {
        if (*p == '.' && (p == name || p[-1] == '/')) {
            return 1;
        }
    }
    return 0;
}

static int check_name(dir_store *d, const char *name)
{
    if (name_reserved(name)) {
        set_detail(d,
                   "directory store: object names whose components begin with '.' are "
                   "reserved (%s)",
                   name);
        return PQCE_ERR_INVALID_ARG;
    }
    return PQCE_OK;
}

/*
 * Opens the directory that holds object `name` (root_fd itself when name
 * has no '/'), creating missing subdirectories when create is set.
 * *base points into name at its last component. Errors: PQCE_ERR_NOT_FOUND
 * (a missing directory and !create), PQCE_ERR_IO.
 */
static int open_parent(dir_store *d, const char *name, int create, int *dir_fd, int *owned,
                       const char **base)
{
    char comp[PQCE_STORE_NAME_MAX + 1];
    int cur = d->root_fd, cur_owned = 0;
    const char *p = name;
    const char *slash;

    while ((slash = strchr(p, '/')) != NULL) {
        size_t n = (size_t)(slash - p);
        memcpy(comp, p, n);
        comp[n] = '\0';
        int fd =
            d->io.openat(d->io.ctx, cur, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW, 0);
        if (fd < 0 && errno == ENOENT && create) {
            if (d->io.mkdirat(d->io.ctx, cur, comp, DIR_MODE) == 0) {
                /* I5: the new directory's entry is durable in its parent
                 * before anything is committed inside it. */
                if (d->io.fsync(d->io.ctx, cur) != 0) {
                    int err = errno;
                    if (cur_owned) {
                        (void)d->io.close(d->io.ctx, cur);
                    }
                    return io_error(d, "fsync", "parent of a new directory", err);
                }
            } else if (errno != EEXIST) {
                int err = errno;
                if (cur_owned) {
                    (void)d->io.close(d->io.ctx, cur);
                }
                return io_error(d, "mkdirat", name, err);
            }
            fd = d->io.openat(d->io.ctx, cur, comp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW,
                              0);
        }
        int err = errno;
        if (cur_owned) {
            (void)d->io.close(d->io.ctx, cur);
        }
        if (fd < 0) {
            if ((err == ENOENT || err == ENOTDIR) && !create) {
                return PQCE_ERR_NOT_FOUND;
            }
            return io_error(d, "openat", name, err);
        }
        cur = fd;
        cur_owned = 1;
        p = slash + 1;
    }
    *dir_fd = cur;
    *owned = cur_owned;
    *base = p;
    return PQCE_OK;
}

static void close_parent(dir_store *d, int dir_fd, int owned)
{
    if (owned && dir_fd >= 0) {
        (void)d->io.close(d->io.ctx, dir_fd);
    }
}

/* Writes all of buf, through short writes and EINTR. */
static int write_all(dir_store *d, int fd, const uint8_t *buf, size_t len, const char *what)
{
    while (len > 0) {
        ssize_t n = d->io.write(d->io.ctx, fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return io_error(d, "write", what, errno);
        }
        if (n == 0) { /* no progress and no error: treat as a device error */
            return io_error(d, "write", what, EIO);
        }
        buf += (size_t)n;
        len -= (size_t)n;
    }
    return PQCE_OK;
}

/* ---- Writing an object ---------------------------------------------------- */

static void dir_write_abort(void *ctx, void *handle)
{
    dir_store *d = ctx;
    write_handle *w = handle;
    if (w->fd >= 0) {
        (void)d->io.close(d->io.ctx, w->fd);
    }
    /* I8: the temporary file goes; the object under its name was never
     * touched. (If this unlink fails - a crash - I4 hides the file and the
     * next open of the store removes it.) */
    (void)d->io.unlinkat(d->io.ctx, w->dir_fd, w->tmp, 0);
    close_parent(d, w->dir_fd, w->dir_owned);
    free(w);
}

static int dir_write_begin(void *ctx, void **handle, const char *name)
{
    dir_store *d = ctx;
    const char *base;
    uint8_t rnd[8];
    int ret;

    if ((ret = check_name(d, name)) != PQCE_OK) {
        return ret;
    }
    write_handle *w = calloc(1, sizeof *w);
    if (w == NULL) {
        return PQCE_ERR_NOMEM;
    }
    w->fd = -1;
    if ((ret = open_parent(d, name, 1, &w->dir_fd, &w->dir_owned, &base)) != PQCE_OK) {
        free(w);
        return ret;
    }
    (void)snprintf(w->base, sizeof w->base, "%s", base);
    if ((ret = pqce_random_bytes(NULL, rnd, sizeof rnd)) != PQCE_OK) {
        close_parent(d, w->dir_fd, w->dir_owned);
        free(w);
        return ret;
    }
    /* I4: a name no object can have, carrying the pid for the clean-up at
     * open, in the object's own directory so that the rename stays within
     * one directory and one file system (I2). */
    (void)snprintf(w->tmp, sizeof w->tmp, TMP_PREFIX "%ld-%02x%02x%02x%02x%02x%02x%02x%02x",
                   (long)getpid(), rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
    w->fd = d->io.openat(d->io.ctx, w->dir_fd, w->tmp,
                         O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, FILE_MODE);
    if (w->fd < 0) {
        ret = io_error(d, "openat", name, errno);
        close_parent(d, w->dir_fd, w->dir_owned);
        free(w);
        return ret;
    }
    *handle = w;
    return PQCE_OK;
}

static int dir_write(void *ctx, void *handle, const uint8_t *buf, size_t len)
{
    dir_store *d = ctx;
    write_handle *w = handle;
    if (w->failed) {
        return PQCE_ERR_IO;
    }
    int ret = write_all(d, w->fd, buf, len, w->base);
    if (ret != PQCE_OK) {
        w->failed = 1; /* I8: commit will refuse this object */
    }
    return ret;
}

static int dir_write_commit(void *ctx, void *handle)
{
    dir_store *d = ctx;
    write_handle *w = handle;
    int ret;

    if (w->failed) {
        dir_write_abort(ctx, handle);
        return PQCE_ERR_IO;
    }
    /* I3 (and I1): the bytes reach the disk before any name points at
     * them. On failure, I8: no retry, the object is abandoned. */
    if (d->io.fsync(d->io.ctx, w->fd) != 0) {
        ret = io_error(d, "fsync", w->base, errno);
        dir_write_abort(ctx, handle);
        return ret;
    }
    /* I3: a write-back error reported by close also abandons the object. */
    int rc = d->io.close(d->io.ctx, w->fd);
    w->fd = -1;
    if (rc != 0) {
        ret = io_error(d, "close", w->base, errno);
        dir_write_abort(ctx, handle);
        return ret;
    }
    /* I2: the atomic switch from the previous object to the new one. */
    if (d->io.renameat(d->io.ctx, w->dir_fd, w->tmp, w->dir_fd, w->base) != 0) {
        ret = io_error(d, "renameat", w->base, errno);
        dir_write_abort(ctx, handle); /* I8: the old object is untouched */
        return ret;
    }
    /* I1: the rename itself is durable once the directory is synced. If
     * this fails, the new object is visible but may not survive a crash
     * (I8): the caller learns it from the error. */
    ret = PQCE_OK;
    if (d->io.fsync(d->io.ctx, w->dir_fd) != 0) {
        ret = io_error(d, "fsync", "directory of an object", errno);
    }
    close_parent(d, w->dir_fd, w->dir_owned);
    free(w);
    return ret;
}

/* ---- Reading ---------------------------------------------------------------- */

/* Opens an object for reading: a regular file, not through a symlink. */
static int open_object(dir_store *d, const char *name, int *fd_out)
{
    struct stat st;
    int ret = check_name(d, name);
    if (ret != PQCE_OK) {
        return ret;
    }
    /* O_NONBLOCK: a FIFO planted under an object's name must not block the
     * open; the descriptor is checked to be a regular file right after. */
    int fd = d->io.openat(d->io.ctx, d->root_fd, name,
                          O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, 0);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            set_detail(d, "directory store: no object %s", name);
            return PQCE_ERR_NOT_FOUND;
        }
        return io_error(d, "openat", name, errno);
    }
    if (d->io.fstatat(d->io.ctx, fd, "", &st, AT_EMPTY_PATH) != 0) {
        ret = io_error(d, "fstat", name, errno);
        (void)d->io.close(d->io.ctx, fd);
        return ret;
    }
    if (!S_ISREG(st.st_mode)) {
        (void)d->io.close(d->io.ctx, fd);
        set_detail(d, "directory store: %s is not a regular file", name);
        return PQCE_ERR_NOT_FOUND;
    }
    *fd_out = fd;
    return PQCE_OK;
}

static int dir_size(void *ctx, const char *name, uint64_t *size)
{
    dir_store *d = ctx;
    struct stat st;
    int ret = check_name(d, name);
    if (ret != PQCE_OK) {
        return ret;
    }
    if (d->io.fstatat(d->io.ctx, d->root_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            set_detail(d, "directory store: no object %s", name);
            return PQCE_ERR_NOT_FOUND;
        }
        return io_error(d, "fstatat", name, errno);
    }
    if (!S_ISREG(st.st_mode)) {
        set_detail(d, "directory store: %s is not a regular file", name);
        return PQCE_ERR_NOT_FOUND;
    }
    *size = (uint64_t)st.st_size;
    return PQCE_OK;
}

static int dir_read(void *ctx, const char *name, uint8_t *buf, size_t len, uint64_t offset)
{
    dir_store *d = ctx;
    int fd, ret;
    if (offset > (uint64_t)INT64_MAX || len > (uint64_t)INT64_MAX - offset) {
        set_detail(d, "directory store: read beyond the largest file offset");
        return PQCE_ERR_IO;
    }
    if ((ret = open_object(d, name, &fd)) != PQCE_OK) {
        return ret;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t n = d->io.pread(d->io.ctx, fd, buf + done, len - done, (off_t)(offset + done));
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            ret = io_error(d, "pread", name, errno);
            break;
        }
        if (n == 0) {
            set_detail(d, "directory store: %s is shorter than the %zu bytes read at %llu", name,
                       len, (unsigned long long)offset);
            ret = PQCE_ERR_IO;
            break;
        }
        done += (size_t)n;
    }
    (void)d->io.close(d->io.ctx, fd);
    if (ret != PQCE_OK) {
        pqce_memzero(buf, len);
    }
    return ret;
}

static int dir_open_fd(void *ctx, const char *name, int *fd_out)
{
    dir_store *d = ctx;
    int fd, ret;
    if ((ret = open_object(d, name, &fd)) != PQCE_OK) {
        return ret;
    }
    /* The caller gets a plain O_RDONLY | O_CLOEXEC descriptor. (fcntl on
     * descriptor flags does not touch the file system, so it is not in the
     * I/O table.) */
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) != 0) {
        ret = io_error(d, "fcntl", name, errno);
        (void)d->io.close(d->io.ctx, fd);
        return ret;
    }
    *fd_out = fd;
    return PQCE_OK;
}

/* ---- Removing and appending ------------------------------------------------ */

static int dir_remove(void *ctx, const char *name)
{
    dir_store *d = ctx;
    int dir_fd, owned, ret;
    const char *base;
    if ((ret = check_name(d, name)) != PQCE_OK) {
        return ret;
    }
    ret = open_parent(d, name, 0, &dir_fd, &owned, &base);
    if (ret == PQCE_ERR_NOT_FOUND) {
        return PQCE_OK; /* no directory, no object */
    }
    if (ret != PQCE_OK) {
        return ret;
    }
    if (d->io.unlinkat(d->io.ctx, dir_fd, base, 0) != 0 && errno != ENOENT) {
        ret = io_error(d, "unlinkat", name, errno);
    } else if (d->io.fsync(d->io.ctx, dir_fd) != 0) {
        /* I6: the removal is durable before remove returns. */
        ret = io_error(d, "fsync", "directory of a removed object", errno);
    }
    close_parent(d, dir_fd, owned);
    return ret;
}

static int dir_append(void *ctx, const char *name, const uint8_t *buf, size_t len)
{
    dir_store *d = ctx;
    int dir_fd, owned, ret, created = 0;
    const char *base;
    if ((ret = check_name(d, name)) != PQCE_OK) {
        return ret;
    }
    if ((ret = open_parent(d, name, 1, &dir_fd, &owned, &base)) != PQCE_OK) {
        return ret;
    }
    int flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW;
    int fd = d->io.openat(d->io.ctx, dir_fd, base, flags, 0);
    if (fd < 0 && errno == ENOENT) {
        fd = d->io.openat(d->io.ctx, dir_fd, base, flags | O_CREAT | O_EXCL, FILE_MODE);
        if (fd >= 0) {
            created = 1;
        } else if (errno == EEXIST) { /* another appender created it first */
            fd = d->io.openat(d->io.ctx, dir_fd, base, flags, 0);
        }
    }
    if (fd < 0) {
        ret = io_error(d, "openat", name, errno);
        close_parent(d, dir_fd, owned);
        return ret;
    }
    ret = write_all(d, fd, buf, len, name);
    /* I7: the bytes (and the file's new size) are durable before append
     * returns; fdatasync covers the size, which is all the metadata a
     * reader needs. */
    if (ret == PQCE_OK && d->io.fdatasync(d->io.ctx, fd) != 0) {
        ret = io_error(d, "fdatasync", name, errno);
    }
    if (d->io.close(d->io.ctx, fd) != 0 && ret == PQCE_OK) {
        ret = io_error(d, "close", name, errno);
    }
    /* I7: a new file's directory entry is durable too. */
    if (ret == PQCE_OK && created && d->io.fsync(d->io.ctx, dir_fd) != 0) {
        ret = io_error(d, "fsync", "directory of an appended object", errno);
    }
    close_parent(d, dir_fd, owned);
    return ret;
}

/* ---- Listing ------------------------------------------------------------------ */

typedef struct name_list {
    char **v;
    size_t n, cap;
} name_list;

static int name_list_add(name_list *l, const char *s)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap > 0 ? l->cap * 2 : 16;
        char **nv = realloc(l->v, ncap * sizeof *nv);
        if (nv == NULL) {
            return PQCE_ERR_NOMEM;
        }
        l->v = nv;
        l->cap = ncap;
    }
    if ((l->v[l->n] = strdup(s)) == NULL) {
        return PQCE_ERR_NOMEM;
    }
    l->n++;
    return PQCE_OK;
}

static void name_list_free(name_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i]);
    }
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* 1 if a name under directory rel could start with prefix. */
static int dir_may_match(const char *rel_slash, const char *prefix)
{
    size_t a = strlen(rel_slash), b = strlen(prefix);
    return strncmp(rel_slash, prefix, a < b ? a : b) == 0;
}

/*
 * Visits the directory rel ("" for the root). For every regular file whose
 * name does not begin with '.': file_fn(arg, full name, dir_fd, entry
 * name). Subdirectories (never symlinks) for which descend(arg, full name
 * + "/") is 1 are visited in turn, to depth WALK_DEPTH_MAX.
 */
typedef struct walker {
    dir_store *d;
    int (*descend)(void *arg, const char *rel_slash);
    int (*file_fn)(void *arg, const char *full, int dir_fd, const char *entry);
    int (*dot_fn)(void *arg, int dir_fd, const char *entry); /* entries beginning with '.' */
    void *arg;
} walker;

static int walk(walker *wk, const char *rel, int depth)
{
    dir_store *d = wk->d;
    name_list subdirs = {0};
    int ret = PQCE_OK;

    int fd = d->io.openat(d->io.ctx, d->root_fd, rel[0] != '\0' ? rel : ".",
                          O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW, 0);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            return PQCE_OK; /* nothing there */
        }
        return io_error(d, "openat", rel[0] != '\0' ? rel : ".", errno);
    }
    DIR *dir = d->io.fdopendir(d->io.ctx, fd);
    if (dir == NULL) {
        ret = io_error(d, "fdopendir", rel, errno);
        (void)d->io.close(d->io.ctx, fd);
        return ret;
    }
    for (;;) {
        errno = 0;
        struct dirent *e = d->io.readdir(d->io.ctx, dir);
        if (e == NULL) {
            if (errno != 0) {
                ret = io_error(d, "readdir", rel, errno);
            }
            break;
        }
        if (e->d_name[0] == '.') {
            if (wk->dot_fn != NULL && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                wk->dot_fn(wk->arg, dirfd(dir), e->d_name);
            }
            continue;
        }
        char full[PQCE_STORE_NAME_MAX + 2];
        int n = snprintf(full, sizeof full, "%s%s%s", rel, rel[0] != '\0' ? "/" : "", e->d_name);
        if (n < 0 || (size_t)n > PQCE_STORE_NAME_MAX) {
            continue; /* too long to be an object or hold one */
        }
        unsigned char type = e->d_type;
        if (type == DT_UNKNOWN) {
            struct stat st;
            if (d->io.fstatat(d->io.ctx, dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
                continue; /* gone meanwhile */
            }
            type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
        }
        if (type == DT_DIR) {
            char rel_slash[PQCE_STORE_NAME_MAX + 3];
            (void)snprintf(rel_slash, sizeof rel_slash, "%s/", full);
            if (depth < WALK_DEPTH_MAX && wk->descend(wk->arg, rel_slash) &&
                (ret = name_list_add(&subdirs, full)) != PQCE_OK) {
                break;
            }
        } else if (type == DT_REG && wk->file_fn != NULL) {
            if ((ret = wk->file_fn(wk->arg, full, dirfd(dir), e->d_name)) != PQCE_OK) {
                break;
            }
        }
    }
    (void)d->io.closedir(d->io.ctx, dir);
    /* Subdirectories after the parent is closed: at most one descriptor
     * per level is open at a time. */
    for (size_t i = 0; ret == PQCE_OK && i < subdirs.n; i++) {
        ret = walk(wk, subdirs.v[i], depth + 1);
    }
    name_list_free(&subdirs);
    return ret;
}

typedef struct list_arg {
    const char *prefix;
    name_list names;
} list_arg;

static int list_descend(void *arg, const char *rel_slash)
{
    list_arg *la = arg;
    return dir_may_match(rel_slash, la->prefix);
}

static int list_file(void *arg, const char *full, int dir_fd, const char *entry)
{
    list_arg *la = arg;
    (void)dir_fd;
    (void)entry;
    if (strncmp(full, la->prefix, strlen(la->prefix)) != 0 || !pqce_store_name_ok(full)) {
        return PQCE_OK;
    }
    return name_list_add(&la->names, full);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A prefix may name any directory under the root but never leave it. */
static int prefix_ok(const char *prefix)
{
    size_t n = strnlen(prefix, PQCE_STORE_NAME_MAX + 1);
    if (n > PQCE_STORE_NAME_MAX || prefix[0] == '/' || strstr(prefix, "..") != NULL ||
        strstr(prefix, "//") != NULL) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char c = prefix[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_' || c == '/')) {
            return 0;
        }
    }
    return 1;
}

static int dir_list(void *ctx, const char *prefix, int (*fn)(void *arg, const char *name),
                    void *arg)
{
    dir_store *d = ctx;
    list_arg la = {prefix, {0}};
    char start[PQCE_STORE_NAME_MAX + 1];
    int ret;

    if (!prefix_ok(prefix)) {
        set_detail(d, "directory store: invalid list prefix");
        return PQCE_ERR_INVALID_ARG;
    }
    if (name_reserved(prefix)) {
        return PQCE_OK; /* nothing the store lists lives there */
    }
    /* Start at the deepest directory the prefix names ("objects/ab" starts
     * in "objects"). */
    const char *slash = strrchr(prefix, '/');
    size_t start_len = slash != NULL ? (size_t)(slash - prefix) : 0;
    memcpy(start, prefix, start_len);
    start[start_len] = '\0';

    walker wk = {d, list_descend, list_file, NULL, &la};
    ret = walk(&wk, start, 0);
    if (ret == PQCE_OK && la.names.n > 1) {
        qsort(la.names.v, la.names.n, sizeof *la.names.v, cmp_names);
    }
    /* The callbacks run after the walk: fn may call back into the store. */
    for (size_t i = 0; ret == PQCE_OK && i < la.names.n; i++) {
        ret = fn(arg, la.names.v[i]);
    }
    name_list_free(&la.names);
    return ret;
}

/* ---- The writer lock ---------------------------------------------------------- */

static void deadline_after(struct timespec *t, uint32_t ms)
{
    clock_gettime(CLOCK_MONOTONIC, t);
    t->tv_sec += (time_t)(ms / 1000);
    t->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (t->tv_nsec >= 1000000000L) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000L;
    }
}

/* Milliseconds left until t (0 if past). */
static long ms_left(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (long)(t->tv_sec - now.tv_sec) * 1000L + (t->tv_nsec - now.tv_nsec) / 1000000L;
    return ms > 0 ? ms : 0;
}

static void release_reservation(dir_store *d)
{
    pthread_mutex_lock(&d->mu);
    d->lock_held = 0;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
}

static int dir_lock(void *ctx, uint32_t timeout_ms)
{
    dir_store *d = ctx;
    struct timespec deadline;
    deadline_after(&deadline, timeout_ms);

    /* Threads sharing this handle queue here: flock(2) locks belong to the
     * open file description, so the handle itself can hold the lock once. */
    pthread_mutex_lock(&d->mu);
    while (d->lock_held) {
        if (pthread_cond_timedwait(&d->cv, &d->mu, &deadline) == ETIMEDOUT) {
            pthread_mutex_unlock(&d->mu);
            set_detail(d,
                       "directory store: the writer lock is held by another thread of "
                       "this process (waited %u ms)",
                       (unsigned)timeout_ms);
            return PQCE_ERR_BUSY;
        }
    }
    d->lock_held = 1;
    pthread_mutex_unlock(&d->mu);

    /* I9: a flock on our own descriptor of ".lock": another handle (in this
     * process or another) has its own descriptor and is excluded; the
     * kernel drops the lock if the process dies. */
    int flags = O_RDWR | O_CLOEXEC | O_NOFOLLOW;
    int fd = d->io.openat(d->io.ctx, d->root_fd, LOCK_NAME, flags, 0);
    if (fd < 0 && errno == ENOENT) {
        fd = d->io.openat(d->io.ctx, d->root_fd, LOCK_NAME, flags | O_CREAT | O_EXCL, FILE_MODE);
        if (fd >= 0) {
            /* Not needed for the lock (its content and even its survival
             * do not matter), but it leaves no directory entry unsynced,
             * so "a completed save left nothing unsynced" stays checkable
             * (io.h). A failure here is harmless and ignored. */
            (void)d->io.fsync(d->io.ctx, d->root_fd);
        } else if (errno == EEXIST) {
            fd = d->io.openat(d->io.ctx, d->root_fd, LOCK_NAME, flags, 0);
        }
    }
    if (fd < 0) {
        int ret = io_error(d, "openat", LOCK_NAME, errno);
        release_reservation(d);
        return ret;
    }
    long sleep_ms = 1;
    for (;;) {
        if (d->io.flock(d->io.ctx, fd, LOCK_EX | LOCK_NB) == 0) {
            break;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno != EWOULDBLOCK) {
            int ret = io_error(d, "flock", LOCK_NAME, errno);
            (void)d->io.close(d->io.ctx, fd);
            release_reservation(d);
            return ret;
        }
        long left = ms_left(&deadline);
        if (left == 0) {
            (void)d->io.close(d->io.ctx, fd);
            release_reservation(d);
            set_detail(d,
                       "directory store: the writer lock is held by another handle or "
                       "process (waited %u ms)",
                       (unsigned)timeout_ms);
            return PQCE_ERR_BUSY;
        }
        long nap = sleep_ms < left ? sleep_ms : left;
        struct timespec ts = {nap / 1000, (nap % 1000) * 1000000L};
        (void)nanosleep(&ts, NULL);
        sleep_ms = sleep_ms < 32 ? sleep_ms * 2 : 50;
    }
    pthread_mutex_lock(&d->mu);
    d->lock_fd = fd;
    pthread_mutex_unlock(&d->mu);
    return PQCE_OK;
}

static void dir_unlock(void *ctx)
{
    dir_store *d = ctx;
    pthread_mutex_lock(&d->mu);
    int fd = d->lock_fd;
    d->lock_fd = -1;
    pthread_mutex_unlock(&d->mu);
    if (fd < 0) {
        return; /* not locked: nothing to release */
    }
    (void)d->io.flock(d->io.ctx, fd, LOCK_UN);
    (void)d->io.close(d->io.ctx, fd); /* closing releases the lock anyway */
    release_reservation(d);
}

/* ---- Life cycle ------------------------------------------------------------------ */

static void dir_last_error(void *ctx, char *buf, size_t cap)
{
    dir_store *d = ctx;
    pthread_mutex_lock(&d->mu);
    (void)snprintf(buf, cap, "%s", d->detail);
    pthread_mutex_unlock(&d->mu);
}

static void dir_destroy(void *ctx)
{
    dir_store *d = ctx;
    if (d == NULL) {
        return;
    }
    dir_unlock(d);
    if (d->root_fd >= 0) {
        (void)d->io.close(d->io.ctx, d->root_fd);
    }
    pthread_cond_destroy(&d->cv);
    pthread_mutex_destroy(&d->mu);
    free(d);
}

/* I4: a temporary file whose writer process is gone is removed. A live
 * pid (ours included: another handle may be writing) keeps its file. */
static int clean_descend(void *arg, const char *rel_slash)
{
    (void)arg;
    (void)rel_slash;
    return 1;
}

static int clean_dot(void *arg, int dir_fd, const char *entry)
{
    dir_store *d = arg;
    if (strncmp(entry, TMP_PREFIX, sizeof TMP_PREFIX - 1) != 0) {
        return PQCE_OK;
    }
    char *end;
    errno = 0;
    long pid = strtol(entry + sizeof TMP_PREFIX - 1, &end, 10);
    if (errno != 0 || end == entry + sizeof TMP_PREFIX - 1 || *end != '-' || pid <= 0 ||
        pid != (long)(pid_t)pid) {
        return PQCE_OK; /* not a name this store makes */
    }
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) {
        (void)d->io.unlinkat(d->io.ctx, dir_fd, entry, 0);
    }
    return PQCE_OK;
}

static int clean_dot_adapter(void *arg, int dir_fd, const char *entry)
{
    walker *wk = arg;
    return clean_dot(wk->d, dir_fd, entry);
}

static const pqce_store_ops dir_store_ops = {
    .version = PQCE_STORE_OPS_VERSION,
    .write_begin = dir_write_begin,
    .write = dir_write,
    .write_commit = dir_write_commit,
    .write_abort = dir_write_abort,
    .size = dir_size,
    .read = dir_read,
    .remove = dir_remove,
    .list = dir_list,
    .append = dir_append,
    .lock = dir_lock,
    .unlock = dir_unlock,
    .open_fd = dir_open_fd,
    .last_error = dir_last_error,
    .destroy = dir_destroy,
};

/* Creates the store's directory (mode 0700) and makes its entry durable in
 * the parent directory. */
static int create_root(const pqce_io *io, const char *path)
{
    if (io->mkdirat(io->ctx, AT_FDCWD, path, DIR_MODE) != 0) {
        return errno == EEXIST ? PQCE_OK : PQCE_ERR_IO;
    }
    char parent[4096];
    size_t n = strnlen(path, sizeof parent);
    if (n >= sizeof parent) {
        return PQCE_ERR_IO;
    }
    memcpy(parent, path, n + 1);
    while (n > 1 && parent[n - 1] == '/') {
        parent[--n] = '\0';
    }
    char *slash = strrchr(parent, '/');
    if (slash == NULL) {
        (void)snprintf(parent, sizeof parent, ".");
    } else if (slash == parent) {
        parent[1] = '\0';
    } else {
        *slash = '\0';
    }
    int fd = io->openat(io->ctx, AT_FDCWD, parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
    if (fd < 0) {
        return PQCE_ERR_IO;
    }
    int ret = io->fsync(io->ctx, fd) == 0 ? PQCE_OK : PQCE_ERR_IO;
    (void)io->close(io->ctx, fd);
    return ret;
}

int pqce_store_dir_new_with_io(pqce_store **store, const char *path, const pqce_io *io)
{
    if (store == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *store = NULL;
    if (path == NULL || path[0] == '\0' || io == NULL || io->openat == NULL || io->close == NULL ||
        io->pread == NULL || io->write == NULL || io->fsync == NULL || io->fdatasync == NULL ||
        io->renameat == NULL || io->unlinkat == NULL || io->mkdirat == NULL ||
        io->fstatat == NULL || io->flock == NULL || io->fdopendir == NULL || io->readdir == NULL ||
        io->closedir == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
    int fd = io->openat(io->ctx, AT_FDCWD, path, flags, 0);
    if (fd < 0 && errno == ENOENT) {
        int ret = create_root(io, path);
        if (ret != PQCE_OK) {
            return ret;
        }
        fd = io->openat(io->ctx, AT_FDCWD, path, flags, 0);
    }
    if (fd < 0) {
        return errno == ENOTDIR ? PQCE_ERR_INVALID_ARG : PQCE_ERR_IO;
    }
    dir_store *d = calloc(1, sizeof *d);
    if (d == NULL) {
        (void)io->close(io->ctx, fd);
        return PQCE_ERR_NOMEM;
    }
    d->io = *io;
    d->root_fd = fd;
    d->lock_fd = -1;
    pthread_condattr_t ca;
    int ok = pthread_condattr_init(&ca) == 0;
    ok = ok && pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0;
    ok = ok && pthread_cond_init(&d->cv, &ca) == 0;
    (void)pthread_condattr_destroy(&ca);
    if (!ok || pthread_mutex_init(&d->mu, NULL) != 0) {
        if (ok) {
            pthread_cond_destroy(&d->cv);
        }
        (void)io->close(io->ctx, fd);
        free(d);
        return PQCE_ERR_NOMEM;
    }
    /* I4: temporaries of dead writers go (best effort: a failure here
     * costs disk space, never correctness, since list ignores them). */
    walker wk = {d, clean_descend, NULL, clean_dot_adapter, NULL};
    wk.arg = &wk;
    (void)walk(&wk, "", 0);
    d->detail[0] = '\0';

    int ret = pqce_store_new(store, &dir_store_ops, d);
    if (ret != PQCE_OK) {
        dir_destroy(d);
    }
    return ret;
}

int pqce_store_dir_new(pqce_store **store, const char *path)
{
    return pqce_store_dir_new_with_io(store, path, pqce_io_real());
}
