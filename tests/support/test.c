/* test.c - the test harness. */
#include "test.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

static int current_failed;
static const char *current_name;

void test_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "  FAIL %s (%s:%d): ", current_name ? current_name : "?", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    current_failed = 1;
}

int test_failed(void)
{
    return current_failed;
}

int test_mem_eq(const char *file, int line, const char *what, const void *a, const void *b,
                size_t len)
{
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < len; i++) {
        if (x[i] != y[i]) {
            test_fail(file, line, "%s differs at byte %zu of %zu: %02x != %02x", what, i, len, x[i],
                      y[i]);
            return 0;
        }
    }
    return 1;
}

void test_fill(uint8_t *out, size_t len, const char *label, uint64_t counter)
{
    pqce_sha3_ctx c;
    uint8_t ctr[8];
    for (int i = 0; i < 8; i++) {
        ctr[i] = (uint8_t)(counter >> (8 * i));
    }
    if (pqce_shake128_init(&c) != 0 ||
        pqce_sha3_absorb(&c, (const uint8_t *)label, strlen(label)) != 0 ||
        pqce_sha3_absorb(&c, ctr, sizeof ctr) != 0 || pqce_shake_squeeze(&c, out, len) != 0) {
        fprintf(stderr, "test_fill: SHAKE128 failed\n");
        memset(out, 0, len);
    }
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int test_run(int argc, char **argv, const struct test_case *cases, size_t n)
{
    size_t ran = 0, failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (argc > 1) {
            int wanted = 0;
            for (int a = 1; a < argc; a++) {
                wanted |= strcmp(argv[a], cases[i].name) == 0;
            }
            if (!wanted) {
                continue;
            }
        }
        current_name = cases[i].name;
        current_failed = 0;
        double t0 = now_seconds();
        cases[i].fn();
        double dt = now_seconds() - t0;
        ran++;
        if (current_failed) {
            failed++;
        }
        printf("%s %s (%.2f s)\n", current_failed ? "FAIL" : "ok  ", cases[i].name, dt);
        fflush(stdout);
    }
    printf("%zu tests, %zu failed\n", ran, failed);
    if (ran == 0) {
        fprintf(stderr, "no test matched the arguments\n");
        return 1;
    }
    return failed == 0 ? 0 : 1;
}
