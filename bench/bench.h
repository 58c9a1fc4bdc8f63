/*
 * bench.h - the benchmark harness (not a test: it asserts nothing).
 *
 * Each measurement runs an operation many times and reports the median
 * (and the 10th/90th percentiles) in microseconds and in TSC cycles.
 * Throughput is measured into buffers that were written once before timing
 * (first-touch page faults cost ~0.34 GB/s on the virtual machines we use,
 * and would otherwise dominate).
 */
#ifndef PQCE_BENCH_H
#define PQCE_BENCH_H

#include <stddef.h>
#include <stdint.h>

typedef struct bench_opts {
    int quick;    /* fewer repetitions (the demo's summary) */
    int markdown; /* print rows as a markdown table */
} bench_opts;

typedef struct bench_result {
    double median_us, p10_us, p90_us;
    double median_cycles;
    size_t runs;
} bench_result;

/* Runs fn(arg) runs times (after a warm-up) and summarises. */
bench_result bench_run(void (*fn)(void *), void *arg, size_t runs);

/* Prints one row: name, median us, cycles, and optionally throughput for
 * bytes per call (0: none) and a ratio against a reference in GB/s (0: none). */
void bench_print(const bench_opts *o, const char *name, const bench_result *r, size_t bytes,
                 double ref_gbps, const char *ref_name);

/* Throughput in GB/s of bytes processed per call at the median. */
double bench_gbps(const bench_result *r, size_t bytes);

/* Runs `openssl speed -evp <alg> -bytes <bytes> -seconds <s>` and returns
 * its throughput in GB/s, or 0 if openssl could not be run. */
double bench_openssl_speed(const char *alg, size_t bytes, int seconds);

/* Aborts the benchmark with a message when a measured call failed. */
void bench_check(int rc, const char *what);

/* The benchmark groups, one file each. */
void bench_sha3(const bench_opts *o);
void bench_aes_gcm(const bench_opts *o);
void bench_mlkem(const bench_opts *o);
void bench_container(const bench_opts *o);
void bench_container_rss(const bench_opts *o);
void bench_mldsa(const bench_opts *o);

#endif /* PQCE_BENCH_H */
