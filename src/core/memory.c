/* memory.c - wiping and constant-time comparison. */
#include <string.h>

#include "core/ct.h"
#include "pqce.h"

void pqce_memzero(void *p, size_t len)
{
    if (p != NULL && len > 0) {
#if defined(__GNUC__) || defined(__clang__)
        /* memset, then a barrier that tells the compiler the memory is
         * read: the store cannot be dropped as dead. Unlike explicit_bzero,
         * memset is checked by AddressSanitizer, so a wipe of the wrong
         * length is caught in the sanitizer run. */
        memset(p, 0, len);
        __asm__ __volatile__("" : : "r"(p) : "memory");
#else
        explicit_bzero(p, len);
#endif
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
