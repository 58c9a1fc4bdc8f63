/*
 * session.c - locked, non-dumpable memory for the unlocked session.
 *
 * The region is an anonymous private mapping of its own pages, so locking
 * and MADV_DONTDUMP apply to the secrets and nothing else, and munmap
 * returns them to the kernel after they are wiped.
 */
#include "vault/session.h"

#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static size_t region_size(void)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t p = page > 0 ? (size_t)page : 4096;
    return (sizeof(pqce_session) + p - 1) / p * p;
}

int pqce_session_new(pqce_session **out)
{
    size_t len = region_size();
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    *out = NULL;
    if (m == MAP_FAILED) {
        return PQCE_ERR_NOMEM;
    }
    pqce_session *s = m; /* mmap gives zeroed pages */
#ifdef MADV_DONTDUMP
    (void)madvise(m, len, MADV_DONTDUMP);
#endif
    s->memory_locked = mlock(m, len) == 0;
    *out = s;
    return PQCE_OK;
}

void pqce_session_free(pqce_session *s)
{
    if (s == NULL) {
        return;
    }
    size_t len = region_size();
    int locked = s->memory_locked;
    pqce_memzero(s, len);
    if (locked) {
        (void)munlock(s, len);
    }
    (void)munmap(s, len);
}

int64_t pqce_session_now_ms(void)
{
    struct timespec ts;
#ifdef CLOCK_BOOTTIME
    if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
#endif
    {
        clock_gettime(CLOCK_MONOTONIC, &ts);
    }
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
