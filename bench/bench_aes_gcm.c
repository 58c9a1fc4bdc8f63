/* bench_aes_gcm.c - AES-256-GCM through our wrapper (one key schedule,
 * a nonce and a tag per message) at 16 KiB and 1 MiB, against
 * `openssl speed -evp aes-256-gcm` measured in the same run. Buffers are
 * written once before timing. */
#include <pqce.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "crypto/aes_gcm.h"

struct gcm_arg {
    pqce_aes_gcm *g;
    uint8_t *pt, *ct, *out;
    size_t len;
    uint8_t nonce[12];
    uint8_t tag[16];
    uint8_t seal_tag[16];
};

static void run_seal(void *p)
{
    struct gcm_arg *a = p;
    bench_check(pqce_aes_gcm_seal(a->g, a->out, a->seal_tag, a->pt, a->len, NULL, 0, a->nonce, 12),
                "AES-256-GCM seal");
}

static void run_open(void *p)
{
    struct gcm_arg *a = p;
    bench_check(pqce_aes_gcm_open(a->g, a->out, a->ct, a->len, a->tag, NULL, 0, a->nonce, 12),
                "AES-256-GCM open");
}

void bench_aes_gcm(const bench_opts *o)
{
    static const size_t sizes[] = {16384, 1u << 20};
    uint8_t key[32];
    memset(key, 0x42, sizeof key);
    double ref = bench_openssl_speed("aes-256-gcm", 16384, 1);
    for (size_t i = 0; i < 2; i++) {
        struct gcm_arg a = {0};
        a.len = sizes[i];
        a.pt = malloc(a.len);
        a.ct = malloc(a.len);
        a.out = malloc(a.len);
        if (a.pt == NULL || a.ct == NULL || a.out == NULL) {
            bench_check(PQCE_ERR_NOMEM, "allocation");
        }
        memset(a.pt, 0x11, a.len);
        memset(a.out, 0, a.len);
        bench_check(pqce_aes_gcm_new(&a.g, key), "AES-256-GCM key setup");
        bench_check(pqce_aes_gcm_seal(a.g, a.ct, a.tag, a.pt, a.len, NULL, 0, a.nonce, 12),
                    "AES-256-GCM seal");
        size_t runs = sizes[i] > 16384 ? (o->quick ? 51 : 101) : (o->quick ? 2001 : 5001);
        char name[64];

        bench_result r = bench_run(run_seal, &a, runs);
        snprintf(name, sizeof name, "AES-256-GCM seal %zu KiB", sizes[i] / 1024);
        bench_print(o, name, &r, a.len, ref, "openssl aes-256-gcm 16 KiB");
        r = bench_run(run_open, &a, runs);
        snprintf(name, sizeof name, "AES-256-GCM open %zu KiB", sizes[i] / 1024);
        bench_print(o, name, &r, a.len, ref, "openssl aes-256-gcm 16 KiB");

        pqce_aes_gcm_free(a.g);
        free(a.pt);
        free(a.ct);
        free(a.out);
    }
}
