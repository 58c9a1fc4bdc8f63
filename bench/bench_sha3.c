/* bench_sha3.c - SHA3-256 throughput at 64 B, 1 KiB and 1 MiB, against
 * `openssl speed -evp sha3-256` at 16 KiB measured in the same run. */
#include <pqce.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

struct sha3_arg {
    const uint8_t *msg;
    size_t len;
};

static void run_sha3_256(void *p)
{
    struct sha3_arg *a = p;
    uint8_t md[32];
    bench_check(pqce_sha3_256(md, a->msg, a->len), "SHA3-256");
}

void bench_sha3(const bench_opts *o)
{
    static const size_t sizes[] = {64, 1024, 1u << 20};
    static const char *names[] = {"SHA3-256 64 B", "SHA3-256 1 KiB", "SHA3-256 1 MiB"};
    uint8_t *msg = malloc(sizes[2]);
    if (msg == NULL) {
        bench_check(PQCE_ERR_NOMEM, "allocation");
        return;
    }
    memset(msg, 0x5A, sizes[2]); /* pre-touched */
    double ref = bench_openssl_speed("sha3-256", 16384, 1);
    for (size_t i = 0; i < 3; i++) {
        struct sha3_arg a = {msg, sizes[i]};
        size_t runs = sizes[i] >= (1u << 20) ? (o->quick ? 21 : 31) : (o->quick ? 2001 : 5001);
        bench_result r = bench_run(run_sha3_256, &a, runs);
        bench_print(o, names[i], &r, sizes[i], ref, "openssl sha3-256 16 KiB");
    }
    free(msg);
}
