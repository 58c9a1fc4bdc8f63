/*
 * pqce-bench - speed of the primitives, as medians over many runs.
 *
 *   pqce-bench [--quick] [--markdown] [group...]
 *
 * Groups: sha3, aes-gcm, mlkem, mldsa, container (the default set) and
 * container-rss (4 GiB file to file; only when named). Each throughput row
 * is compared with `openssl speed` run side by side in the same run.
 */
#include "bench.h"

#include <pqce.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec * 1e-3;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

bench_result bench_run(void (*fn)(void *), void *arg, size_t runs)
{
    bench_result r = {0};
    double *us = malloc(runs * sizeof *us);
    double *cy = malloc(runs * sizeof *cy);
    if (us == NULL || cy == NULL) {
        fprintf(stderr, "bench: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < runs / 10 + 1; i++) {
        fn(arg); /* warm-up: caches, branch predictors, page faults */
    }
    for (size_t i = 0; i < runs; i++) {
        double t0 = now_us();
        uint64_t c0 = __rdtsc();
        fn(arg);
        uint64_t c1 = __rdtsc();
        us[i] = now_us() - t0;
        cy[i] = (double)(c1 - c0);
    }
    qsort(us, runs, sizeof *us, cmp_double);
    qsort(cy, runs, sizeof *cy, cmp_double);
    r.median_us = us[runs / 2];
    r.p10_us = us[runs / 10];
    r.p90_us = us[runs - 1 - runs / 10];
    r.median_cycles = cy[runs / 2];
    r.runs = runs;
    free(us);
    free(cy);
    return r;
}

double bench_gbps(const bench_result *r, size_t bytes)
{
    return r->median_us > 0 ? (double)bytes / (r->median_us * 1e3) : 0;
}

void bench_print(const bench_opts *o, const char *name, const bench_result *r, size_t bytes,
                 double ref_gbps, const char *ref_name)
{
    char thr[96] = "", ratio[96] = "";
    if (bytes > 0) {
        snprintf(thr, sizeof thr, "%.3f GB/s", bench_gbps(r, bytes));
    }
    if (bytes > 0 && ref_gbps > 0) {
        snprintf(ratio, sizeof ratio, "%.2fx %s (%.3f GB/s)", bench_gbps(r, bytes) / ref_gbps,
                 ref_name, ref_gbps);
    }
    if (o->markdown) {
        printf("| %s | %.2f | %.0f | %s | %s |\n", name, r->median_us, r->median_cycles, thr,
               ratio);
    } else {
        printf("  %-34s %10.2f us %12.0f cycles  %-12s %s\n", name, r->median_us, r->median_cycles,
               thr, ratio);
    }
    fflush(stdout);
}

double bench_openssl_speed(const char *alg, size_t bytes, int seconds)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "openssl speed -evp %s -bytes %zu -seconds %d 2>/dev/null", alg,
             bytes, seconds);
    FILE *p = popen(cmd, "r");
    if (p == NULL) {
        return 0;
    }
    char line[512];
    double kbps = 0;
    while (fgets(line, sizeof line, p) != NULL) {
        /* The result line is "<ALG> <n>k" after the "type" header line. */
        char name[64];
        double v;
        if (sscanf(line, "%63s %lfk", name, &v) == 2 && strcasecmp(name, alg) == 0) {
            kbps = v;
        }
    }
    pclose(p);
    return kbps * 1000.0 / 1e9;
}

void bench_check(int rc, const char *what)
{
    if (rc != PQCE_OK) {
        fprintf(stderr, "bench: %s failed: %s\n", what, pqce_strerror(rc));
        exit(1);
    }
}

static const struct {
    const char *name;
    void (*fn)(const bench_opts *);
    int by_default; /* run when no group is named */
} groups[] = {
    {"sha3", bench_sha3, 1},
    {"aes-gcm", bench_aes_gcm, 1},
    {"mlkem", bench_mlkem, 1},
    {"container", bench_container, 1},
    {"container-rss", bench_container_rss, 0},
    {"mldsa", bench_mldsa, 1},
};

int main(int argc, char **argv)
{
    bench_opts o = {0};
    int selected = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            o.quick = 1;
        } else if (strcmp(argv[i], "--markdown") == 0) {
            o.markdown = 1;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: pqce-bench [--quick] [--markdown] "
                            "[sha3|aes-gcm|mlkem|mldsa|container|container-rss...]\n");
            return 2;
        } else {
            selected = 1;
        }
    }
    printf("pqce-bench: %s\n", pqce_build_info());
    if (o.markdown) {
        printf("| operation | median us | median cycles | throughput | vs. machine limit |\n"
               "|---|---:|---:|---:|---|\n");
    }
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        int run = !selected && groups[g].by_default;
        for (int i = 1; i < argc; i++) {
            run |= strcmp(argv[i], groups[g].name) == 0;
        }
        if (run) {
            groups[g].fn(&o);
        }
    }
    return 0;
}
