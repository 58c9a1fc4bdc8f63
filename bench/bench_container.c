/*
 * bench_container.c - the artifact container at scale.
 *
 *  container      1 GiB: open (every tag) from the page cache into
 *                 pre-touched memory, against `openssl speed -multi N -evp
 *                 aes-256-gcm`; seal from memory and file to file, against
 *                 `openssl speed -evp sha3-256`; sealing to 1 and 1,000
 *                 recipients.
 *  container-rss  4 GiB file to file: seal, then open and read it all, each
 *                 in a child process whose peak RSS is reported.
 *
 * Files go to $TMPDIR (default /tmp) and are removed afterwards.
 */
#include <fcntl.h>
#include <pqce.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct bench_party {
    uint8_t seed[64];
    uint8_t pk[PQCE_MLKEM768_EK_BYTES];
} bench_party;

static void make_party(bench_party *p, uint8_t tag)
{
    size_t len;
    memset(p->seed, tag, sizeof p->seed);
    bench_check(pqce_identity_to_recipient(PQCE_SUITE_MLKEM768, p->pk, sizeof p->pk, &len, p->seed,
                                           sizeof p->seed),
                "identity");
}

static pqce_metadata bench_meta(uint64_t size)
{
    pqce_metadata m;
    memset(&m, 0, sizeof m);
    m.name = "bench-model";
    m.kind = PQCE_KIND_MODEL_WEIGHTS;
    m.size = size;
    return m;
}

/* Content that is cheap to make: a 1 MiB pattern with a per-MiB counter. */
static void fill_content(uint8_t *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        buf[i] = (uint8_t)(i * 131u + (i >> 20));
    }
}

static char *tmp_path(const char *name)
{
    const char *dir = getenv("TMPDIR");
    char *p = malloc(4096);
    if (p == NULL) {
        bench_check(PQCE_ERR_NOMEM, "path");
    }
    snprintf(p, 4096, "%s/pqce-bench-%ld-%s", dir != NULL ? dir : "/tmp", (long)getpid(), name);
    return p;
}

static void write_file(const char *path, const uint8_t *buf, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    size_t off = 0;
    while (fd >= 0 && off < len) {
        ssize_t n = write(fd, buf + off, len - off);
        if (n <= 0) {
            break;
        }
        off += (size_t)n;
    }
    if (fd < 0 || off != len || close(fd) != 0) {
        bench_check(PQCE_ERR_IO, path);
    }
}

static double median_of(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return v[n / 2];
}

static void report(const char *name, size_t bytes, double seconds, double ref, const char *ref_name)
{
    double gbps = (double)bytes / seconds / 1e9;
    printf("  %-44s %8.1f ms  %6.3f GB/s  %.2fx %s (%.3f GB/s)\n", name, seconds * 1e3, gbps,
           ref > 0 ? gbps / ref : 0, ref_name, ref);
    fflush(stdout);
}

void bench_container(const bench_opts *o)
{
    const size_t size = o->quick ? (size_t)256 << 20 : (size_t)1 << 30;
    const int runs = o->quick ? 3 : 5;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = ncpu > 0 ? (unsigned)ncpu : 1;
    bench_party p;
    make_party(&p, 7);
    pqce_recipient rc = {PQCE_SUITE_MLKEM768, p.pk, sizeof p.pk};
    pqce_identity id = {PQCE_SUITE_MLKEM768, p.seed, sizeof p.seed};
    pqce_metadata m = bench_meta(size);
    uint64_t sealed_size;
    bench_check(pqce_sealed_size(&sealed_size, PQCE_SUITE_MLKEM768, 1, 0, &m, size), "size");

    uint8_t *plain = malloc(size), *sealed = malloc((size_t)sealed_size), *back = malloc(size);
    if (plain == NULL || sealed == NULL || back == NULL) {
        bench_check(PQCE_ERR_NOMEM, "allocation");
    }
    fill_content(plain, size);
    memset(sealed, 0, (size_t)sealed_size); /* pre-touched */
    memset(back, 0, size);
    char multi[64];
    snprintf(multi, sizeof multi, "aes-256-gcm");
    double aes1 = bench_openssl_speed("aes-256-gcm", 16384, 3);
    double aesn = 0;
    {
        char cmd[256];
        snprintf(cmd, sizeof cmd,
                 "openssl speed -multi %u -evp aes-256-gcm -bytes 16384 -seconds 3 2>/dev/null",
                 threads);
        FILE *pp = popen(cmd, "r");
        char line[512], name[64];
        double v;
        while (pp != NULL && fgets(line, sizeof line, pp) != NULL) {
            if (sscanf(line, "%63s %lfk", name, &v) == 2 && strcasecmp(name, "aes-256-gcm") == 0) {
                aesn = v * 1000.0 / 1e9;
            }
        }
        if (pp != NULL) {
            pclose(pp);
        }
    }
    double sha3 = bench_openssl_speed("sha3-256", 16384, 3);
    printf("  machine limits: openssl aes-256-gcm %.3f GB/s (1 process), %.3f GB/s (-multi %u); "
           "sha3-256 %.3f GB/s\n",
           aes1, aesn, threads, sha3);

    /* seal, memory to memory */
    double t[8];
    size_t sealed_len = 0;
    pqce_options opt = {PQCE_OPTIONS_VERSION, 0, 0, NULL};
    for (int r = 0; r < runs; r++) {
        double t0 = now_s();
        bench_check(pqce_seal_buffer(&opt, sealed, (size_t)sealed_size, &sealed_len, NULL, &m, &rc,
                                     1, plain, size),
                    "seal_buffer");
        t[r] = now_s() - t0;
    }
    char name[96];
    snprintf(name, sizeof name, "seal %zu MiB, memory to memory", size >> 20);
    report(name, size, median_of(t, (size_t)runs), sha3, "openssl sha3-256");

    /* open (all tags) from memory into pre-touched memory */
    for (int r = 0; r < runs; r++) {
        pqce_reader *rd = NULL;
        double t0 = now_s();
        bench_check(pqce_open_buffer(&rd, &opt, &id, sealed, sealed_len), "open_buffer");
        bench_check(pqce_reader_read_all(rd, back, size), "read_all");
        t[r] = now_s() - t0;
        pqce_reader_free(rd);
    }
    if (memcmp(back, plain, size) != 0) {
        bench_check(PQCE_ERR_DECRYPT, "round trip");
    }
    snprintf(name, sizeof name, "open %zu MiB, memory to memory (%u threads)", size >> 20, threads);
    report(name, size, median_of(t, (size_t)runs), aesn, "openssl -multi aes-256-gcm");

    /* the same from a file in the page cache */
    char *plain_path = tmp_path("plain"), *sealed_path = tmp_path("sealed");
    write_file(plain_path, plain, size);
    write_file(sealed_path, sealed, sealed_len);
    for (int r = 0; r < runs; r++) {
        int fd = open(sealed_path, O_RDONLY);
        pqce_reader *rd = NULL;
        double t0 = now_s();
        bench_check(pqce_open_fd(&rd, &opt, &id, fd), "open_fd");
        bench_check(pqce_reader_read_all(rd, back, size), "read_all");
        t[r] = now_s() - t0;
        pqce_reader_free(rd);
        close(fd);
    }
    snprintf(name, sizeof name, "open %zu MiB, page cache to memory (%u threads)", size >> 20,
             threads);
    report(name, size, median_of(t, (size_t)runs), aesn, "openssl -multi aes-256-gcm");

    /* full verify: every tag and the content hash */
    for (int r = 0; r < runs; r++) {
        int fd = open(sealed_path, O_RDONLY);
        pqce_reader *rd = NULL;
        double t0 = now_s();
        bench_check(pqce_open_fd(&rd, &opt, &id, fd), "open_fd");
        bench_check(pqce_reader_verify(rd), "verify");
        t[r] = now_s() - t0;
        pqce_reader_free(rd);
        close(fd);
    }
    snprintf(name, sizeof name, "verify %zu MiB (tags + SHA3-256), page cache", size >> 20);
    report(name, size, median_of(t, (size_t)runs), sha3, "openssl sha3-256");

    /* seal file to file */
    char *out_path = tmp_path("out");
    for (int r = 0; r < runs; r++) {
        int in = open(plain_path, O_RDONLY);
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        double t0 = now_s();
        bench_check(pqce_seal_fd(&opt, out, NULL, &m, &rc, 1, in), "seal_fd");
        t[r] = now_s() - t0;
        close(in);
        close(out);
    }
    snprintf(name, sizeof name, "seal %zu MiB, file to file", size >> 20);
    report(name, size, median_of(t, (size_t)runs), sha3, "openssl sha3-256");
    unlink(plain_path);
    unlink(sealed_path);
    unlink(out_path);
    free(plain_path);
    free(sealed_path);
    free(out_path);

    /* 1 versus 1,000 recipients, 16 MiB body */
    {
        enum { N = 1000 };
        size_t body = (size_t)16 << 20;
        bench_party *ps = malloc(N * sizeof *ps);
        pqce_recipient *rcs = malloc(N * sizeof *rcs);
        if (ps == NULL || rcs == NULL) {
            bench_check(PQCE_ERR_NOMEM, "allocation");
        }
        for (size_t i = 0; i < N; i++) {
            make_party(&ps[i], (uint8_t)(i + 1));
            ps[i].seed[1] = (uint8_t)(i >> 8);
            size_t len;
            bench_check(pqce_identity_to_recipient(PQCE_SUITE_MLKEM768, ps[i].pk, sizeof ps[i].pk,
                                                   &len, ps[i].seed, sizeof ps[i].seed),
                        "identity");
            rcs[i].suite = PQCE_SUITE_MLKEM768;
            rcs[i].key = ps[i].pk;
            rcs[i].key_len = sizeof ps[i].pk;
        }
        pqce_metadata mb = bench_meta(body);
        double one = 0, many = 0;
        for (size_t n = 1; n <= N; n += N - 1) {
            uint64_t need;
            bench_check(pqce_sealed_size(&need, PQCE_SUITE_MLKEM768, n, 0, &mb, body), "size");
            uint8_t *out = malloc((size_t)need);
            memset(out, 0, (size_t)need);
            size_t out_len;
            for (int r = 0; r < runs; r++) {
                double t0 = now_s();
                bench_check(pqce_seal_buffer(&opt, out, (size_t)need, &out_len, NULL, &mb, rcs, n,
                                             plain, body),
                            "seal to many");
                t[r] = now_s() - t0;
            }
            double med = median_of(t, (size_t)runs);
            if (n == 1) {
                one = med;
            } else {
                many = med;
                /* opening as the last recipient tries every stanza */
                pqce_identity last = {PQCE_SUITE_MLKEM768, ps[N - 1].seed, 64};
                pqce_reader *rd = NULL;
                double t0 = now_s();
                bench_check(pqce_open_buffer(&rd, &opt, &last, out, out_len), "open many");
                double open_t = now_s() - t0;
                pqce_reader_free(rd);
                printf("  seal 16 MiB to 1 recipient %.1f ms, to 1,000 recipients %.1f ms: "
                       "%.1f us per extra recipient; header %.2f MB; open as the last of 1,000: "
                       "%.1f ms\n",
                       one * 1e3, many * 1e3, (many - one) / (N - 1) * 1e6,
                       (double)(out_len - body) / 1e6, open_t * 1e3);
            }
            free(out);
        }
        free(ps);
        free(rcs);
    }
    free(plain);
    free(sealed);
    free(back);
}

/* Runs fn in a child process and returns its peak RSS in MiB. */
static double child_rss_mib(void (*fn)(const char *, const char *), const char *a, const char *b)
{
    pid_t pid = fork();
    if (pid == 0) {
        fn(a, b);
        _exit(0);
    }
    int status;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
        bench_check(PQCE_ERR_IO, "child");
    }
    return (double)ru.ru_maxrss / 1024.0;
}

static void rss_seal(const char *in_path, const char *out_path)
{
    bench_party p;
    make_party(&p, 9);
    pqce_recipient rc = {PQCE_SUITE_MLKEM768, p.pk, sizeof p.pk};
    pqce_metadata m = bench_meta(PQCE_SIZE_UNKNOWN);
    int in = open(in_path, O_RDONLY), out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    bench_check(pqce_seal_fd(NULL, out, NULL, &m, &rc, 1, in), "seal_fd 4 GiB");
    close(in);
    close(out);
}

static void rss_open(const char *path, const char *unused)
{
    (void)unused;
    bench_party p;
    make_party(&p, 9);
    pqce_identity id = {PQCE_SUITE_MLKEM768, p.seed, sizeof p.seed};
    int fd = open(path, O_RDONLY);
    pqce_reader *rd = NULL;
    bench_check(pqce_open_fd(&rd, NULL, &id, fd), "open_fd 4 GiB");
    static uint8_t buf[1 << 20];
    size_t got;
    do {
        bench_check(pqce_reader_read(rd, buf, sizeof buf, &got), "read");
    } while (got > 0);
    bench_check(pqce_reader_verify(rd), "verify 4 GiB");
    pqce_reader_free(rd);
    close(fd);
}

void bench_container_rss(const bench_opts *o)
{
    const uint64_t size = o->quick ? (uint64_t)512 << 20 : (uint64_t)4 << 30;
    char *plain_path = tmp_path("rss-plain"), *sealed_path = tmp_path("rss-sealed");
    static uint8_t block[1 << 20];
    int fd = open(plain_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    for (uint64_t off = 0; fd >= 0 && off < size; off += sizeof block) {
        fill_content(block, sizeof block);
        block[0] = (uint8_t)(off >> 20);
        if (write(fd, block, sizeof block) != (ssize_t)sizeof block) {
            bench_check(PQCE_ERR_IO, "write plain");
        }
    }
    close(fd);
    double t0 = now_s();
    double seal_rss = child_rss_mib(rss_seal, plain_path, sealed_path);
    double seal_t = now_s() - t0;
    t0 = now_s();
    double open_rss = child_rss_mib(rss_open, sealed_path, NULL);
    double open_t = now_s() - t0;
    printf("  %llu GiB file to file: seal %.1f s, peak RSS %.1f MiB; open + read all + verify "
           "%.1f s, peak RSS %.1f MiB\n",
           (unsigned long long)(size >> 30), seal_t, seal_rss, open_t, open_rss);
    unlink(plain_path);
    unlink(sealed_path);
    free(plain_path);
    free(sealed_path);
}
