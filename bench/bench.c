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

/*
 * Rows are collected over all rounds and printed at the end: the median
 * over rounds of each round's median, so that a window in which the shared
 * machine runs slow (it happens for seconds at a time) cannot set the
 * result unless it covers most rounds.
 */
#define MAX_ROWS   64
#define MAX_ROUNDS 15

typedef struct row {
    char name[64];
    char ref_name[64];
    size_t bytes;
    int n;
    double us[MAX_ROUNDS], cycles[MAX_ROUNDS], ratio[MAX_ROUNDS], ref[MAX_ROUNDS];
} row;

static row rows[MAX_ROWS];
static int nrows;

void bench_print(const bench_opts *o, const char *name, const bench_result *r, size_t bytes,
                 double ref_gbps, const char *ref_name)
{
    (void)o;
    row *w = NULL;
    for (int i = 0; i < nrows; i++) {
        if (strcmp(rows[i].name, name) == 0) {
            w = &rows[i];
        }
    }
    if (w == NULL && nrows < MAX_ROWS) {
        w = &rows[nrows++];
        snprintf(w->name, sizeof w->name, "%s", name);
        snprintf(w->ref_name, sizeof w->ref_name, "%s", ref_name != NULL ? ref_name : "");
        w->bytes = bytes;
    }
    if (w == NULL || w->n >= MAX_ROUNDS) {
        return;
    }
    w->us[w->n] = r->median_us;
    w->cycles[w->n] = r->median_cycles;
    w->ref[w->n] = ref_gbps;
    w->ratio[w->n] = bytes > 0 && ref_gbps > 0 ? bench_gbps(r, bytes) / ref_gbps : 0;
    w->n++;
}

static double median(double *v, int n)
{
    double t[MAX_ROUNDS];
    for (int i = 0; i < n; i++) {
        t[i] = v[i];
    }
    qsort(t, (size_t)n, sizeof t[0], cmp_double);
    return t[n / 2];
}

static void print_rows(const bench_opts *o)
{
    for (int i = 0; i < nrows; i++) {
        row *w = &rows[i];
        double us = median(w->us, w->n), cycles = median(w->cycles, w->n);
        char thr[96] = "", ratio[160] = "";
        if (w->bytes > 0) {
            snprintf(thr, sizeof thr, "%.3f GB/s", (double)w->bytes / (us * 1e3));
        }
        if (w->bytes > 0 && w->ref[0] > 0) {
            snprintf(ratio, sizeof ratio, "%.2fx %s (%.3f GB/s)", median(w->ratio, w->n),
                     w->ref_name, median(w->ref, w->n));
        }
        if (o->markdown) {
            printf("| %s | %.2f | %.0f | %s | %s |\n", w->name, us, cycles, thr, ratio);
        } else {
            printf("  %-40s %10.2f us %12.0f cycles  %-12s %s\n", w->name, us, cycles, thr, ratio);
        }
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
    int rounds;     /* 1: the group prints its own results, once */
} groups[] = {
    {"sha3", bench_sha3, 1, 0},           {"aes-gcm", bench_aes_gcm, 1, 0},
    {"mlkem", bench_mlkem, 1, 0},         {"mldsa", bench_mldsa, 1, 0},
    {"container", bench_container, 1, 1}, {"container-rss", bench_container_rss, 0, 1},
};

static int group_selected(size_t g, int argc, char **argv, int selected)
{
    int run = !selected && groups[g].by_default;
    for (int i = 1; i < argc; i++) {
        run |= strcmp(argv[i], groups[g].name) == 0;
    }
    return run;
}

int main(int argc, char **argv)
{
    bench_opts o = {0};
    int selected = 0, rounds = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            o.quick = 1;
        } else if (strcmp(argv[i], "--markdown") == 0) {
            o.markdown = 1;
        } else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc) {
            rounds = atoi(argv[++i]);
            argv[i] = (char *)"";
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "usage: pqce-bench [--quick] [--markdown] [--rounds N] "
                            "[sha3|aes-gcm|mlkem|mldsa|container|container-rss...]\n");
            return 2;
        } else if (argv[i][0] != '\0') {
            selected = 1;
        }
    }
    if (rounds <= 0) {
        rounds = o.quick ? 1 : 5;
    }
    rounds = rounds > MAX_ROUNDS ? MAX_ROUNDS : rounds;
    printf("pqce-bench: %s\n", pqce_build_info());
    printf("medians over %d round%s of each row's median (noise-resistant on shared machines)\n",
           rounds, rounds > 1 ? "s" : "");
    if (o.markdown) {
        printf("| operation | median us | median cycles | throughput | vs. machine limit |\n"
               "|---|---:|---:|---:|---|\n");
    }
    for (int r = 0; r < rounds; r++) {
        for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
            if (!groups[g].rounds && group_selected(g, argc, argv, selected)) {
                groups[g].fn(&o);
            }
        }
    }
    print_rows(&o);
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        if (groups[g].rounds && group_selected(g, argc, argv, selected)) {
            groups[g].fn(&o);
        }
    }
    return 0;
}
