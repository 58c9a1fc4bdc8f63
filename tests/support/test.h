/*
 * test.h - the minimal test harness of pqc-enclave.
 *
 * One program per module; each test is a function named for the behaviour
 * it checks. A failed CHECK prints file, line and expression and ends that
 * test; the program exits non-zero if any test failed. Running a program
 * with test names as arguments runs only those.
 */
#ifndef PQCE_TEST_H
#define PQCE_TEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pqce.h"

struct test_case {
    const char *name;
    void (*fn)(void);
};

#define TEST_CASE(fn) \
    {                 \
#fn, fn       \
    }

/* Runs the cases; returns the process exit code. */
int test_run(int argc, char **argv, const struct test_case *cases, size_t n);

/* Records a failure of the running test (used by the CHECK macros). */
void test_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* 1 if the running test has failed. */
int test_failed(void);

#define CHECK(cond)                                            \
    do {                                                       \
        if (!(cond)) {                                         \
            test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); \
            return;                                            \
        }                                                      \
    } while (0)

#define CHECK_MSG(cond, ...)                            \
    do {                                                \
        if (!(cond)) {                                  \
            test_fail(__FILE__, __LINE__, __VA_ARGS__); \
            return;                                     \
        }                                               \
    } while (0)

/* Expects expr to return err (0 = PQCE_OK). */
#define CHECK_RC(expr, err)                                                     \
    do {                                                                        \
        int check_rc_ = (expr);                                                 \
        if (check_rc_ != (err)) {                                               \
            test_fail(__FILE__, __LINE__, "%s returned %s, expected %s", #expr, \
                      pqce_error_name(check_rc_), pqce_error_name(err));        \
            return;                                                             \
        }                                                                       \
    } while (0)

#define CHECK_OK(expr) CHECK_RC(expr, PQCE_OK)

#define CHECK_MEM_EQ(a, b, len)                                      \
    do {                                                             \
        if (!test_mem_eq(__FILE__, __LINE__, #a, (a), (b), (len))) { \
            return;                                                  \
        }                                                            \
    } while (0)

/* Compares and, on mismatch, records a failure showing the first differing
 * bytes. Returns 1 if equal. */
int test_mem_eq(const char *file, int line, const char *what, const void *a, const void *b,
                size_t len);

/* Deterministic bytes for tests (a SHAKE128 stream of the label and counter). */
void test_fill(uint8_t *out, size_t len, const char *label, uint64_t counter);

#endif /* PQCE_TEST_H */
