/*
 * cpu.h - which run-time-selected x86-64 code paths are compiled in, and
 * whether this CPU can run them.
 *
 * The AVX2 code (keccak_x4.c, mlkem_avx2.c) is compiled function by
 * function with PQCE_TARGET_AVX2, never with a global -mavx2, so that the
 * library still runs on any x86-64 CPU; callers choose it only when
 * pqce_cpu_has_avx2() says so. That choice is a pure function of the CPU:
 * nothing is cached in a global (CONVENTIONS.md rule 6).
 */
#ifndef PQCE_CORE_CPU_H
#define PQCE_CORE_CPU_H

#include "core/config.h"

#if PQCE_X86_64_SIMD && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* 1 when the AVX2 code paths are compiled into this build. */
#define PQCE_AVX2_COMPILED 1
/* x86-64-v3's AVX2, plus POPCNT (x86-64-v2), which every AVX2 CPU has. */
#define PQCE_TARGET_AVX2 __attribute__((target("avx2,popcnt")))
#else
#define PQCE_AVX2_COMPILED 0
#endif

/*
 * 1 iff the AVX2 code paths are compiled in and this CPU (and OS) can run
 * them. libgcc's and compiler-rt's __builtin_cpu_supports("avx2") report
 * AVX2 only when the OS has enabled the YMM state (OSXSAVE and XCR0), so a
 * kernel that does not save YMM registers gets the portable code.
 * __builtin_cpu_init is idempotent; calling it makes the answer valid even
 * from another library's constructor.
 */
static inline int pqce_cpu_has_avx2(void)
{
#if PQCE_AVX2_COMPILED
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
#else
    return 0;
#endif
}

#endif /* PQCE_CORE_CPU_H */
