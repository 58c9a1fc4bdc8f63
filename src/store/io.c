/*
 * io.c - the directory store's system-call table (io.h): the real one and
 * the fault injector used by the crash-safety tests.
 */
#include "store/io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* ---- The operating system ------------------------------------------------ */

static int real_openat(void *ctx, int dirfd, const char *path, int flags, mode_t mode)
{
    (void)ctx;
    return openat(dirfd, path, flags, mode);
}

static int real_close(void *ctx, int fd)
{
    (void)ctx;
    return close(fd);
}

static ssize_t real_pread(void *ctx, int fd, void *buf, size_t len, off_t offset)
{
    (void)ctx;
    return pread(fd, buf, len, offset);
}

static ssize_t real_write(void *ctx, int fd, const void *buf, size_t len)
{
    (void)ctx;
    return write(fd, buf, len);
}

static int real_fsync(void *ctx, int fd)
{
    (void)ctx;
    return fsync(fd);
}

static int real_fdatasync(void *ctx, int fd)
{
    (void)ctx;
    return fdatasync(fd);
}

static int real_renameat(void *ctx, int olddirfd, const char *oldpath, int newdirfd,
                         const char *newpath)
{
    (void)ctx;
    return renameat(olddirfd, oldpath, newdirfd, newpath);
}

static int real_unlinkat(void *ctx, int dirfd, const char *path, int flags)
{
    (void)ctx;
    return unlinkat(dirfd, path, flags);
}

static int real_mkdirat(void *ctx, int dirfd, const char *path, mode_t mode)
{
    (void)ctx;
    return mkdirat(dirfd, path, mode);
}

static int real_fstatat(void *ctx, int dirfd, const char *path, struct stat *st, int flags)
{
    (void)ctx;
    return fstatat(dirfd, path, st, flags);
}

static int real_flock(void *ctx, int fd, int op)
{
    (void)ctx;
    return flock(fd, op);
}

static DIR *real_fdopendir(void *ctx, int fd)
{
    (void)ctx;
    return fdopendir(fd);
}

static struct dirent *real_readdir(void *ctx, DIR *dir)
{
    (void)ctx;
    return readdir(dir);
}

static int real_closedir(void *ctx, DIR *dir)
{
    (void)ctx;
    return closedir(dir);
}

static const pqce_io real_io = {
    .openat = real_openat,
    .close = real_close,
    .pread = real_pread,
    .write = real_write,
    .fsync = real_fsync,
    .fdatasync = real_fdatasync,
    .renameat = real_renameat,
    .unlinkat = real_unlinkat,
    .mkdirat = real_mkdirat,
    .fstatat = real_fstatat,
    .flock = real_flock,
    .fdopendir = real_fdopendir,
    .readdir = real_readdir,
    .closedir = real_closedir,
    .ctx = NULL,
};

const pqce_io *pqce_io_real(void)
{
    return &real_io;
}

/* ---- Fault injection -------------------------------------------------------- */

/* -- the durability model (io.h). Its own calls (fstat, dup, ftruncate)
 *    are bookkeeping and are not counted. */

static pqce_io_fault_file *find_file(pqce_io_fault *f, dev_t dev, ino_t ino)
{
    for (size_t i = 0; i < f->dirty_files; i++) {
        if (f->files[i].dev == dev && f->files[i].ino == ino) {
            return &f->files[i];
        }
    }
    return NULL;
}

/* Before a write to fd: a regular file becomes dirty, remembering its
 * length (what a crash cuts it back to). */
static void note_write(pqce_io_fault *f, int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || find_file(f, st.st_dev, st.st_ino)) {
        return;
    }
    if (f->dirty_files == PQCE_IO_FAULT_TRACK_MAX) {
        f->overflow = 1;
        return;
    }
    int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0) {
        f->overflow = 1;
        return;
    }
    pqce_io_fault_file *e = &f->files[f->dirty_files++];
    e->dev = st.st_dev;
    e->ino = st.st_ino;
    e->dup_fd = dup_fd;
    e->synced_len = st.st_size;
}

static void drop_file(pqce_io_fault *f, size_t i)
{
    (void)close(f->files[i].dup_fd);
    f->files[i] = f->files[--f->dirty_files];
}

/* The directory that holds path (relative to dirfd). */
static int dir_of(int dirfd, const char *path, struct stat *st)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        return dirfd == AT_FDCWD ? stat(".", st) : fstat(dirfd, st);
    }
    char parent[4096];
    size_t n = (size_t)(slash - path);
    if (n == 0) {
        return stat("/", st);
    }
    if (n >= sizeof parent) {
        return -1;
    }
    memcpy(parent, path, n);
    parent[n] = '\0';
    return fstatat(dirfd, parent, st, 0);
}

/* After a directory operation on path: its directory has one more
 * operation that is not durable yet. */
static void note_dir_op(pqce_io_fault *f, int dirfd, const char *path)
{
    struct stat st;
    int saved = errno;
    if (dir_of(dirfd, path, &st) != 0) {
        f->overflow = 1;
        errno = saved;
        return;
    }
    errno = saved;
    for (size_t i = 0; i < f->n_dirs; i++) {
        if (f->dirs[i].dev == st.st_dev && f->dirs[i].ino == st.st_ino) {
            f->dirs[i].ops++;
            f->pending_dir_ops++;
            return;
        }
    }
    if (f->n_dirs == PQCE_IO_FAULT_TRACK_MAX) {
        f->overflow = 1;
        return;
    }
    f->dirs[f->n_dirs].dev = st.st_dev;
    f->dirs[f->n_dirs].ino = st.st_ino;
    f->dirs[f->n_dirs].ops = 1;
    f->n_dirs++;
    f->pending_dir_ops++;
}

/* After a successful fsync or fdatasync of fd. */
static void note_sync(pqce_io_fault *f, int fd, int is_fsync)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        return;
    }
    if (S_ISDIR(st.st_mode) && is_fsync) {
        for (size_t i = 0; i < f->n_dirs; i++) {
            if (f->dirs[i].dev == st.st_dev && f->dirs[i].ino == st.st_ino) {
                f->pending_dir_ops -= f->dirs[i].ops;
                f->dirs[i] = f->dirs[--f->n_dirs];
                return;
            }
        }
        return;
    }
    for (size_t i = 0; i < f->dirty_files; i++) {
        if (f->files[i].dev == st.st_dev && f->files[i].ino == st.st_ino) {
            drop_file(f, i); /* clean: its data is on disk */
            return;
        }
    }
}

/* The power loss: unsynced file data is gone. */
static void lose_unsynced(pqce_io_fault *f)
{
    while (f->dirty_files > 0) {
        pqce_io_fault_file *e = &f->files[0];
        struct stat st;
        if (fstat(e->dup_fd, &st) == 0 && st.st_size != e->synced_len) {
            if (ftruncate(e->dup_fd, e->synced_len) == 0) {
                f->lost_files++;
            }
        }
        drop_file(f, 0);
    }
}

static void forget_model(pqce_io_fault *f)
{
    while (f->dirty_files > 0) {
        drop_file(f, 0);
    }
    f->n_dirs = 0;
    f->pending_dir_ops = 0;
    f->lost_files = 0;
    f->overflow = 0;
}

/* -- the gate: counts the call and decides its fate */

enum gate_verdict { GATE_GO, GATE_FAIL, GATE_SHORT };

static enum gate_verdict gate(pqce_io_fault *f, pqce_io_kind kind)
{
    f->calls_by_kind[PQCE_IO_ANY]++;
    f->calls_by_kind[kind]++;
    int counted = f->kind == PQCE_IO_ANY || f->kind == kind;
    if (counted) {
        f->calls++;
    }
    if (f->crashed) {
        errno = EIO;
        return GATE_FAIL;
    }
    if (kind == PQCE_IO_WRITE && f->short_pending) {
        f->short_pending = 0;
        errno = f->err;
        return GATE_FAIL;
    }
    if (!counted || f->mode == PQCE_IO_FAULT_PASS || f->fired || f->calls != f->k) {
        return GATE_GO;
    }
    f->fired = 1;
    switch (f->mode) {
    case PQCE_IO_FAULT_FAIL:
        errno = f->err;
        return GATE_FAIL;
    case PQCE_IO_FAULT_SHORT:
        f->short_pending = f->err != 0;
        return GATE_SHORT;
    case PQCE_IO_FAULT_CRASH:
        f->crashed = 1;
        lose_unsynced(f);
        errno = EIO;
        return GATE_FAIL;
    case PQCE_IO_FAULT_PASS:
    default:
        return GATE_GO;
    }
}

static int fault_openat(void *ctx, int dirfd, const char *path, int flags, mode_t mode)
{
    pqce_io_fault *f = ctx;
    if (gate(f, PQCE_IO_OPEN) != GATE_GO) {
        return -1;
    }
    struct stat st;
    int creating = (flags & O_CREAT) != 0 && fstatat(dirfd, path, &st, AT_SYMLINK_NOFOLLOW) != 0;
    int fd = openat(dirfd, path, flags, mode);
    if (fd >= 0 && creating) {
        note_dir_op(f, dirfd, path);
    }
    return fd;
}

static int fault_close(void *ctx, int fd)
{
    if (gate(ctx, PQCE_IO_CLOSE) == GATE_GO) {
        return close(fd);
    }
    /* Failed or after a crash: the descriptor is released all the same (a
     * test looping over every k must not run out of descriptors; closing
     * writes nothing to a local disk). */
    int saved = errno;
    (void)close(fd);
    errno = saved;
    return -1;
}

static ssize_t fault_pread(void *ctx, int fd, void *buf, size_t len, off_t offset)
{
    return gate(ctx, PQCE_IO_READ) == GATE_GO ? pread(fd, buf, len, offset) : -1;
}

static ssize_t fault_write(void *ctx, int fd, const void *buf, size_t len)
{
    pqce_io_fault *f = ctx;
    switch (gate(f, PQCE_IO_WRITE)) {
    case GATE_GO:
        note_write(f, fd);
        return write(fd, buf, len);
    case GATE_SHORT:
        note_write(f, fd);
        return len / 2 > 0 ? write(fd, buf, len / 2) : 0;
    case GATE_FAIL:
    default:
        return -1;
    }
}

static int fault_fsync(void *ctx, int fd)
{
    pqce_io_fault *f = ctx;
    if (gate(f, PQCE_IO_FSYNC) != GATE_GO) {
        return -1;
    }
    int rc = fsync(fd);
    if (rc == 0) {
        note_sync(f, fd, 1);
    }
    return rc;
}

static int fault_fdatasync(void *ctx, int fd)
{
    pqce_io_fault *f = ctx;
    if (gate(f, PQCE_IO_FDATASYNC) != GATE_GO) {
        return -1;
    }
    int rc = fdatasync(fd);
    if (rc == 0) {
        note_sync(f, fd, 0);
    }
    return rc;
}

static int fault_renameat(void *ctx, int olddirfd, const char *oldpath, int newdirfd,
                          const char *newpath)
{
    pqce_io_fault *f = ctx;
    if (gate(f, PQCE_IO_RENAME) != GATE_GO) {
        return -1;
    }
    int rc = renameat(olddirfd, oldpath, newdirfd, newpath);
    if (rc == 0) {
        note_dir_op(f, olddirfd, oldpath);
        note_dir_op(f, newdirfd, newpath);
    }
    return rc;
}

static int fault_unlinkat(void *ctx, int dirfd, const char *path, int flags)
{
    pqce_io_fault *f = ctx;
    if (gate(f, PQCE_IO_UNLINK) != GATE_GO) {
        return -1;
    }
    int rc = unlinkat(dirfd, path, flags);
    if (rc == 0) {
        note_dir_op(f, dirfd, path);
    }
    return rc;
}

static int fault_mkdirat(void *ctx, int dirfd, const char *path, mode_t mode)
{
    pqce_io_fault *f = ctx;
    if (gate(f, PQCE_IO_MKDIR) != GATE_GO) {
        return -1;
    }
    int rc = mkdirat(dirfd, path, mode);
    if (rc == 0) {
        note_dir_op(f, dirfd, path);
    }
    return rc;
}

static int fault_fstatat(void *ctx, int dirfd, const char *path, struct stat *st, int flags)
{
    return gate(ctx, PQCE_IO_STAT) == GATE_GO ? fstatat(dirfd, path, st, flags) : -1;
}

static int fault_flock(void *ctx, int fd, int op)
{
    return gate(ctx, PQCE_IO_FLOCK) == GATE_GO ? flock(fd, op) : -1;
}

static DIR *fault_fdopendir(void *ctx, int fd)
{
    return gate(ctx, PQCE_IO_OPENDIR) == GATE_GO ? fdopendir(fd) : NULL;
}

static struct dirent *fault_readdir(void *ctx, DIR *dir)
{
    return gate(ctx, PQCE_IO_READDIR) == GATE_GO ? readdir(dir) : NULL;
}

static int fault_closedir(void *ctx, DIR *dir)
{
    if (gate(ctx, PQCE_IO_CLOSEDIR) == GATE_GO) {
        return closedir(dir);
    }
    int saved = errno;
    (void)closedir(dir); /* released all the same, as fault_close */
    errno = saved;
    return -1;
}

void pqce_io_fault_init(pqce_io_fault *f)
{
    memset(f, 0, sizeof *f);
    f->io.openat = fault_openat;
    f->io.close = fault_close;
    f->io.pread = fault_pread;
    f->io.write = fault_write;
    f->io.fsync = fault_fsync;
    f->io.fdatasync = fault_fdatasync;
    f->io.renameat = fault_renameat;
    f->io.unlinkat = fault_unlinkat;
    f->io.mkdirat = fault_mkdirat;
    f->io.fstatat = fault_fstatat;
    f->io.flock = fault_flock;
    f->io.fdopendir = fault_fdopendir;
    f->io.readdir = fault_readdir;
    f->io.closedir = fault_closedir;
    f->io.ctx = f;
    pqce_io_fault_arm(f, PQCE_IO_FAULT_PASS, PQCE_IO_ANY, 0, 0);
}

void pqce_io_fault_arm(pqce_io_fault *f, pqce_io_fault_mode mode, pqce_io_kind kind, uint64_t k,
                       int err)
{
    f->mode = mode;
    /* A short write can only be a write. */
    f->kind = mode == PQCE_IO_FAULT_SHORT ? PQCE_IO_WRITE : kind;
    f->k = k;
    f->err = err;
    f->calls = 0;
    memset(f->calls_by_kind, 0, sizeof f->calls_by_kind);
    f->fired = 0;
    f->crashed = 0;
    f->short_pending = 0;
    forget_model(f); /* the checkpoint: all before counts as durable */
}

void pqce_io_fault_fini(pqce_io_fault *f)
{
    if (f != NULL) {
        forget_model(f);
    }
}
