/*
 * cmd_tools.c - commands that need no vault: selftest, bench, version.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

enum {
    OPT_QUICK = OPT_FIRST_COMMAND_OPTION,
};

/* ---- selftest ------------------------------------------------------------------------------ */

typedef struct selftest_state {
    int json;
    size_t n;
} selftest_state;

static void report(void *arg, const char *name, int result)
{
    selftest_state *s = arg;
    if (s->json) {
        printf("%s{\"test\":", s->n > 0 ? ",\n " : "");
        cli_json_string(stdout, name);
        printf(",\"ok\":%s,\"result\":\"%s\"}", result == PQCE_OK ? "true" : "false",
               result == PQCE_OK ? "ok" : pqce_error_name(result));
    } else {
        printf("  %-48s %s\n", name, result == PQCE_OK ? "ok" : pqce_error_name(result));
    }
    s->n++;
}

int cmd_selftest(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, OPT_JSON},
        CLI_OPTS_END,
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
            CLI_OPTION_DEFAULTS(ctx, argv);
        }
    }
    if (optind != argc) {
        return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
    }
    selftest_state s = {ctx->json, 0};
    if (ctx->json) {
        printf("{\"version\":\"%s\",\"tests\":[", pqce_version());
    } else {
        printf("pqce %s self-test (known-answer tests)\n", pqce_version());
    }
    int rc = pqce_selftest(report, &s);
    if (ctx->json) {
        printf("],\"passed\":%s}\n", rc == PQCE_OK ? "true" : "false");
    } else {
        printf("self-test: %s\n", rc == PQCE_OK ? "all passed" : "FAILED");
    }
    return rc == PQCE_OK ? EXIT_OK : EXIT_GENERAL;
}

/* ---- version ------------------------------------------------------------------------------- */

int cmd_version(cli_ctx *ctx, int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        return cli_usage_error(ctx, "version takes no arguments");
    }
    printf("pqce %s\n%s\n", pqce_version(), pqce_build_info());
    return EXIT_OK;
}

/* ---- bench --------------------------------------------------------------------------------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef struct bench_row {
    const char *name;
    double value; /* microseconds per operation, or MB/s */
    int is_rate;
} bench_row;

#define BENCH_BYTES ((size_t)64 << 20)

int cmd_bench(cli_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, NULL, 'h'},
        {"json", no_argument, NULL, OPT_JSON},
        {"quick", no_argument, NULL, OPT_QUICK},
        CLI_OPTS_END,
    };
    int c, quick = 0, rc = EXIT_OK;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case OPT_QUICK:
            quick = 1;
            break;
            CLI_OPTION_DEFAULTS(ctx, argv);
        }
    }
    if (optind != argc) {
        return cli_usage_error(ctx, "unexpected argument '%s'", argv[optind]);
    }
    const size_t iters = quick ? 51 : 301, big_iters = quick ? 1 : 3;
    static uint8_t ek[PQCE_MLKEM768_EK_BYTES], dk[PQCE_MLKEM768_DK_BYTES],
        ct[PQCE_MLKEM768_CT_BYTES], pk[PQCE_MLDSA65_PK_BYTES], sk[PQCE_MLDSA65_SK_BYTES],
        sig[PQCE_MLDSA65_SIG_BYTES];
    uint8_t ss[32], ss2[32], msg[32] = {1}, digest[32];
    double *t = calloc(iters, sizeof *t);
    uint8_t *data = malloc(BENCH_BYTES), *sealed = NULL, *opened = malloc(BENCH_BYTES);
    bench_row rows[8];
    size_t nrows = 0;
    int err = PQCE_OK;
    if (t == NULL || data == NULL || opened == NULL) {
        cli_error(ctx, "out of memory (the benchmark needs about 200 MiB)");
        rc = EXIT_GENERAL;
        goto done;
    }
    if (!ctx->json) {
        printf("pqce %s benchmark (medians; the full benchmark is bench/pqce-bench)\n",
               pqce_version());
    }
#define TIME_OP(label, expr)                                     \
    do {                                                         \
        for (size_t i_ = 0; i_ < iters; i_++) {                  \
            double t0_ = now_s();                                \
            err |= (expr);                                       \
            t[i_] = (now_s() - t0_) * 1e6;                       \
        }                                                        \
        rows[nrows++] = (bench_row){label, median(t, iters), 0}; \
    } while (0)
    TIME_OP("ML-KEM-768 keygen", pqce_mlkem768_keypair(ek, dk));
    TIME_OP("ML-KEM-768 encaps", pqce_mlkem768_encaps(ct, ss, ek));
    TIME_OP("ML-KEM-768 decaps", pqce_mlkem768_decaps(ss2, ct, dk));
    err |= pqce_mldsa65_keypair(pk, sk);
    TIME_OP("ML-DSA-65 sign", pqce_mldsa65_sign(sig, msg, sizeof msg, NULL, 0, sk));
    TIME_OP("ML-DSA-65 verify", pqce_mldsa65_verify(sig, sizeof sig, msg, sizeof msg, NULL, 0, pk));
#undef TIME_OP
    if (err != PQCE_OK || !pqce_ct_memeq(ss, ss2, sizeof ss)) {
        cli_error(ctx, "a primitive failed during the benchmark");
        rc = EXIT_GENERAL;
        goto done;
    }
    /* throughput over a 64 MiB buffer: SHA3-256, seal, open (every tag) */
    if ((err = pqce_random_bytes(NULL, data, BENCH_BYTES)) != PQCE_OK) {
        rc = cli_fail(ctx, err, "bench", NULL);
        goto done;
    }
    uint8_t seed[PQCE_IDENTITY_MAX_BYTES], rkey[PQCE_RECIPIENT_MAX_BYTES];
    size_t seed_len = 0, rkey_len = 0;
    uint64_t sealed_cap = 0;
    pqce_metadata meta;
    memset(&meta, 0, sizeof meta);
    meta.name = "bench";
    if ((err = pqce_identity_generate(NULL, PQCE_SUITE_MLKEM768, seed, sizeof seed, &seed_len)) !=
            PQCE_OK ||
        (err = pqce_identity_to_recipient(PQCE_SUITE_MLKEM768, rkey, sizeof rkey, &rkey_len, seed,
                                          seed_len)) != PQCE_OK ||
        (err = pqce_sealed_size(&sealed_cap, PQCE_SUITE_MLKEM768, 1, 0, &meta, BENCH_BYTES)) !=
            PQCE_OK ||
        (sealed = malloc((size_t)sealed_cap)) == NULL) {
        rc = cli_fail(ctx, err != PQCE_OK ? err : PQCE_ERR_NOMEM, "bench", NULL);
        goto done;
    }
    pqce_recipient to = {PQCE_SUITE_MLKEM768, rkey, rkey_len};
    pqce_identity me = {PQCE_SUITE_MLKEM768, seed, seed_len};
    double ts[3][3];
    size_t sealed_len = 0;
    for (size_t i = 0; i < big_iters; i++) {
        double t0 = now_s();
        err |= pqce_sha3_256(digest, data, BENCH_BYTES);
        double t1 = now_s();
        err |= pqce_seal_buffer(NULL, sealed, (size_t)sealed_cap, &sealed_len, NULL, &meta, &to, 1,
                                data, BENCH_BYTES);
        double t2 = now_s();
        pqce_reader *r = NULL;
        err |= pqce_open_buffer(&r, NULL, &me, sealed, sealed_len);
        if (r != NULL) {
            err |= pqce_reader_read_all(r, opened, BENCH_BYTES);
        }
        pqce_reader_free(r);
        double t3 = now_s();
        ts[0][i] = (double)BENCH_BYTES / (t1 - t0) / 1e6;
        ts[1][i] = (double)BENCH_BYTES / (t2 - t1) / 1e6;
        ts[2][i] = (double)BENCH_BYTES / (t3 - t2) / 1e6;
    }
    pqce_memzero(seed, sizeof seed);
    if (err != PQCE_OK || memcmp(opened, data, BENCH_BYTES) != 0) {
        cli_error(ctx, "sealing or opening failed during the benchmark");
        rc = EXIT_GENERAL;
        goto done;
    }
    rows[nrows++] = (bench_row){"SHA3-256, 64 MiB", median(ts[0], big_iters), 1};
    rows[nrows++] =
        (bench_row){"seal 64 MiB (ML-KEM-768, AES-256-GCM)", median(ts[1], big_iters), 1};
    rows[nrows++] = (bench_row){"open 64 MiB (every tag)", median(ts[2], big_iters), 1};
    if (ctx->json) {
        printf("{\"version\":\"%s\",\"results\":[", pqce_version());
        for (size_t i = 0; i < nrows; i++) {
            printf("%s{\"name\":\"%s\",\"%s\":%.2f}", i > 0 ? "," : "", rows[i].name,
                   rows[i].is_rate ? "mb_per_s" : "median_us", rows[i].value);
        }
        printf("]}\n");
    } else {
        for (size_t i = 0; i < nrows; i++) {
            if (rows[i].is_rate) {
                printf("  %-40s %10.0f MB/s\n", rows[i].name, rows[i].value);
            } else {
                printf("  %-40s %10.1f us\n", rows[i].name, rows[i].value);
            }
        }
    }
done:
    free(t);
    free(data);
    if (opened != NULL) {
        pqce_memzero(opened, BENCH_BYTES);
    }
    free(opened);
    free(sealed);
    return rc;
}
