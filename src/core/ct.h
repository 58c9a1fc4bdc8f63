/*
 * ct.h - constant-time building blocks and the declassification hook.
 *
 * Code that touches secrets uses these instead of comparisons and branches.
 * The value barrier stops the compiler from proving that a mask is 0 or
 * all-ones and turning a select back into a branch.
 */
#ifndef PQCE_CORE_CT_H
#define PQCE_CORE_CT_H

#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

#if PQCE_CT_TESTING
#include <valgrind/memcheck.h>
/* Mark secret input as undefined so that memcheck reports any branch or
 * memory index that depends on it (the constant-time test). */
#define PQCE_CT_POISON(p, len) VALGRIND_MAKE_MEM_UNDEFINED((p), (len))
/* Declare a value public. Every use cites why the standard makes it so. */
#define PQCE_CT_DECLASSIFY(p, len) VALGRIND_MAKE_MEM_DEFINED((p), (len))
#else
#define PQCE_CT_POISON(p, len)     ((void)(p), (void)(len))
#define PQCE_CT_DECLASSIFY(p, len) ((void)(p), (void)(len))
#endif

static inline uint32_t pqce_ct_barrier_u32(uint32_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    __asm__("" : "+r"(x));
#endif
    return x;
}

static inline uint8_t pqce_ct_barrier_u8(uint8_t x)
{
#if defined(__GNUC__) || defined(__clang__)
    __asm__("" : "+r"(x));
#endif
    return x;
}

/* All-ones if x != 0, else 0, without branching. */
static inline uint32_t pqce_ct_mask_nonzero_u32(uint32_t x)
{
    x = pqce_ct_barrier_u32(x);
    return (uint32_t)0 - ((x | ((uint32_t)0 - x)) >> 31);
}

/* OR of a[i] ^ b[i] over len bytes: 0 iff equal. Constant time in len. */
static inline uint8_t pqce_ct_diff(const uint8_t *a, const uint8_t *b, size_t len)
{
    uint8_t d = 0;
    for (size_t i = 0; i < len; i++) {
        d |= (uint8_t)(a[i] ^ b[i]);
    }
    return pqce_ct_barrier_u8(d);
}

/* r[i] = (take != 0) ? x[i] : r[i], constant time in take (0 or 1). */
static inline void pqce_ct_cmov(uint8_t *r, const uint8_t *x, size_t len, uint8_t take)
{
    uint8_t mask = (uint8_t)(0u - (uint32_t)pqce_ct_barrier_u8(take));
    for (size_t i = 0; i < len; i++) {
        r[i] = (uint8_t)(r[i] ^ (mask & (r[i] ^ x[i])));
    }
}

#endif /* PQCE_CORE_CT_H */
