/* memory.c - wiping and constant-time comparison. */
#include <string.h>

#include "core/ct.h"
#include "pqce.h"

void pqce_memzero(void *p, size_t len)
{
    if (p != NULL && len > 0) {
        /* explicit_bzero is glibc >= 2.25; the compiler may not drop it. */
        explicit_bzero(p, len);
    }
}

int pqce_ct_memeq(const void *a, const void *b, size_t len)
{
    if (len == 0) {
        return 1;
    }
    uint8_t d = pqce_ct_diff((const uint8_t *)a, (const uint8_t *)b, len);
    /* 1 iff d == 0, computed without a branch on d. */
    return (int)(1u & ((uint32_t)((uint32_t)d - 1u) >> 8));
}
