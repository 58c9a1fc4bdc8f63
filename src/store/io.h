/*
 * io.h - the system calls of the directory store, as a table, so that tests
 * can inject failures and crashes (CONVENTIONS rule 18).
 *
 * Internal interface. The directory store (store_dir.c) makes every system
 * call that touches the file system through a pqce_io table: the real one
 * (pqce_io_real) calls the OS; a fault injector (pqce_io_fault) counts the
 * calls and can fail one of them or simulate a power loss.
 *
 * Each function behaves as the POSIX call it is named for: it returns what
 * the call returns and sets errno on failure. Paths are relative to a
 * directory descriptor (AT_FDCWD for the store's own path).
 *
 * Typical use in a crash-safety test (see tests/test_store.c):
 *
 *     pqce_io_fault f;
 *     pqce_io_fault_init(&f);                    // pass-through, counting
 *     pqce_store *s;
 *     pqce_store_dir_new_with_io(&s, dir, &f.io);
 *     ... set up the old state ...
 *     pqce_io_fault_arm(&f, PQCE_IO_FAULT_PASS, PQCE_IO_ANY, 0, 0);
 *     ... run the operation once ...
 *     uint64_t n = f.calls;                      // calls the operation made
 *     for (uint64_t k = 1; k <= n; k++) {
 *         ... restore the old state, open a store on &f.io ...
 *         pqce_io_fault_arm(&f, PQCE_IO_FAULT_CRASH, PQCE_IO_ANY, k, 0);
 *         ... run the operation (it fails from call k on) ...
 *         pqce_store_free(s);                    // "power loss": releases fds only
 *         ... reopen with pqce_store_dir_new (the real OS), check old or new ...
 *     }
 *     pqce_io_fault_fini(&f);
 *
 * and, after a run that returned 0, f.dirty_files == 0 &&
 * f.pending_dir_ops == 0 checks that it left nothing unsynced.
 */
#ifndef PQCE_STORE_IO_H
#define PQCE_STORE_IO_H

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "pqce.h"

/* The kinds of calls; PQCE_IO_ANY stands for all of them in a fault plan. */
typedef enum pqce_io_kind {
    PQCE_IO_ANY = 0,
    PQCE_IO_OPEN,      /* openat */
    PQCE_IO_CLOSE,     /* close */
    PQCE_IO_READ,      /* pread */
    PQCE_IO_WRITE,     /* write */
    PQCE_IO_FSYNC,     /* fsync (files and directories) */
    PQCE_IO_FDATASYNC, /* fdatasync */
    PQCE_IO_RENAME,    /* renameat */
    PQCE_IO_UNLINK,    /* unlinkat */
    PQCE_IO_MKDIR,     /* mkdirat */
    PQCE_IO_STAT,      /* fstatat (and fstat, as fstatat with AT_EMPTY_PATH) */
    PQCE_IO_FLOCK,     /* flock */
    PQCE_IO_OPENDIR,   /* fdopendir */
    PQCE_IO_READDIR,   /* readdir */
    PQCE_IO_CLOSEDIR,  /* closedir */
    PQCE_IO_KIND_COUNT
} pqce_io_kind;

typedef struct pqce_io {
    int (*openat)(void *ctx, int dirfd, const char *path, int flags, mode_t mode);
    int (*close)(void *ctx, int fd);
    ssize_t (*pread)(void *ctx, int fd, void *buf, size_t len, off_t offset);
    ssize_t (*write)(void *ctx, int fd, const void *buf, size_t len);
    int (*fsync)(void *ctx, int fd);
    int (*fdatasync)(void *ctx, int fd);
    int (*renameat)(void *ctx, int olddirfd, const char *oldpath, int newdirfd,
                    const char *newpath);
    int (*unlinkat)(void *ctx, int dirfd, const char *path, int flags);
    int (*mkdirat)(void *ctx, int dirfd, const char *path, mode_t mode);
    int (*fstatat)(void *ctx, int dirfd, const char *path, struct stat *st, int flags);
    int (*flock)(void *ctx, int fd, int op);
    /* fdopendir takes fd over (also when it fails, the caller closes fd). */
    DIR *(*fdopendir)(void *ctx, int fd);
    /* NULL with errno 0 at the end, NULL with errno set on failure. */
    struct dirent *(*readdir)(void *ctx, DIR *dir);
    int (*closedir)(void *ctx, DIR *dir);
    void *ctx; /* passed to every function */
} pqce_io;

/* The operating system's calls. Static storage, never NULL. */
const pqce_io *pqce_io_real(void);

/*
 * A directory store whose system calls go through io (copied; io->ctx must
 * stay valid until pqce_store_free). pqce_store_dir_new is this with
 * pqce_io_real(). Errors: as pqce_store_dir_new.
 */
int pqce_store_dir_new_with_io(pqce_store **store, const char *path, const pqce_io *io);

/* ---- Fault injection ------------------------------------------------------
 *
 * The injector also keeps a model of what is durable, so that a simulated
 * power loss loses what a real one could, and so that a test can check that
 * an operation which reported success left nothing to chance:
 *
 *  - file data: a regular file written through the table is "dirty" from
 *    its first write until an fsync or fdatasync of it succeeds;
 *  - directory entries: a create (openat with O_CREAT that made the file),
 *    mkdirat, renameat (both directories) or unlinkat is "pending" in its
 *    directory until an fsync of that directory succeeds.
 *
 * pqce_io_fault_arm is a checkpoint: what happened before it counts as
 * durable. After an operation that returned 0, dirty_files == 0 and
 * pending_dir_ops == 0 say that it made everything it did durable
 * (CONVENTIONS rule 15: a completed save is durable).
 */

#define PQCE_IO_FAULT_TRACK_MAX 64 /* files and directories tracked at once */

typedef enum pqce_io_fault_mode {
    /* Every call goes to the OS; the calls are counted. */
    PQCE_IO_FAULT_PASS = 0,
    /* The k-th call of `kind` fails with errno `err` without touching the
     * disk; every other call goes to the OS. err = EINTR checks retries. */
    PQCE_IO_FAULT_FAIL,
    /* The k-th call of `kind` (PQCE_IO_WRITE or PQCE_IO_ANY: the k-th write)
     * writes only the first half of its bytes (len / 2, so 0 for a 1-byte
     * write) and returns that count. If err != 0, the write after it fails
     * with err (a disk filling up: a short write, then ENOSPC); if err is
     * 0, later writes go to the OS. */
    PQCE_IO_FAULT_SHORT,
    /* Power loss at the k-th call of `kind`: that call and every later call
     * of any kind fail with EIO without touching the disk, and every dirty
     * file loses what was written since its last sync (it is cut back to
     * its length at that sync, 0 for a file never synced: the usual outcome
     * on ext4 and XFS). Directory operations that were not yet synced are
     * kept (they cannot be undone from user space); pending_dir_ops at the
     * crash says how many a real power loss could have lost. close and
     * closedir still release the descriptor (so that a test looping over k
     * does not run out of them) but report EIO. */
    PQCE_IO_FAULT_CRASH,
} pqce_io_fault_mode;

/* Internal bookkeeping of the durability model. */
typedef struct pqce_io_fault_file {
    dev_t dev;
    ino_t ino;
    int dup_fd;       /* kept open to cut the file back at a crash */
    off_t synced_len; /* its length at the last sync */
} pqce_io_fault_file;

typedef struct pqce_io_fault_dir {
    dev_t dev;
    ino_t ino;
    uint64_t ops; /* directory operations since its last fsync */
} pqce_io_fault_dir;

typedef struct pqce_io_fault {
    pqce_io io; /* the injecting table: pass &fault.io to the store */

    /* The plan (set by pqce_io_fault_arm). */
    pqce_io_fault_mode mode;
    pqce_io_kind kind; /* which calls count towards k */
    uint64_t k;        /* 1-based index among the calls of `kind` */
    int err;           /* errno for FAIL, the follow-up errno for SHORT */

    /* What happened since the last arm (read them; arm resets them). */
    uint64_t calls;                             /* calls of `kind` */
    uint64_t calls_by_kind[PQCE_IO_KIND_COUNT]; /* [PQCE_IO_ANY] = all calls */
    int fired;                                  /* the planned fault happened */
    int crashed;                                /* CRASH fired: all calls fail */
    int short_pending;                          /* SHORT: the next write fails */

    /* The durability model (see above). */
    size_t dirty_files;       /* files with unsynced data */
    uint64_t pending_dir_ops; /* directory operations not yet synced */
    uint64_t lost_files;      /* files cut back by the crash */
    int overflow;             /* more than PQCE_IO_FAULT_TRACK_MAX at once: model incomplete */
    pqce_io_fault_file files[PQCE_IO_FAULT_TRACK_MAX];
    pqce_io_fault_dir dirs[PQCE_IO_FAULT_TRACK_MAX];
    size_t n_dirs;
} pqce_io_fault;

/* Initialises f as a pass-through counting table (PQCE_IO_FAULT_PASS). */
void pqce_io_fault_init(pqce_io_fault *f);

/* Sets a new plan, resets the counters and the crashed state, and makes a
 * durability checkpoint. For PASS, kind selects what `calls` counts and k
 * and err are ignored. */
void pqce_io_fault_arm(pqce_io_fault *f, pqce_io_fault_mode mode, pqce_io_kind kind, uint64_t k,
                       int err);

/* Releases the descriptors the durability model keeps (one per dirty
 * file). Call it when done with f; f may be armed again afterwards. */
void pqce_io_fault_fini(pqce_io_fault *f);

#endif /* PQCE_STORE_IO_H */
