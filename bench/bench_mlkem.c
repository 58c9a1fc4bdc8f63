/* bench_mlkem.c - ML-KEM-512/768/1024 keygen, encaps, decaps medians. */
#include <pqce.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define MAX_EK 1568
#define MAX_DK 3168
#define MAX_CT 1568

struct kem_ops {
    const char *name;
    int (*keypair_derand)(uint8_t *, uint8_t *, const uint8_t *);
    int (*encaps_derand)(uint8_t *, uint8_t *, const uint8_t *, const uint8_t *);
    int (*decaps)(uint8_t *, const uint8_t *, const uint8_t *);
};

struct kem_arg {
    const struct kem_ops *ops;
    uint8_t seed[64], m[32];
    uint8_t ek[MAX_EK], dk[MAX_DK], ct[MAX_CT], ss[32];
};

static void run_keypair(void *p)
{
    struct kem_arg *a = p;
    a->seed[0]++;
    bench_check(a->ops->keypair_derand(a->ek, a->dk, a->seed), "keypair");
}

static void run_encaps(void *p)
{
    struct kem_arg *a = p;
    a->m[0]++;
    bench_check(a->ops->encaps_derand(a->ct, a->ss, a->ek, a->m), "encaps");
}

static void run_decaps(void *p)
{
    struct kem_arg *a = p;
    bench_check(a->ops->decaps(a->ss, a->ct, a->dk), "decaps");
}

/* The public prototypes use fixed-size arrays; these adapters give all
 * three parameter sets one signature. */
#define KEM_ADAPTERS(N)                                                             \
    static int kp##N(uint8_t *ek, uint8_t *dk, const uint8_t *s)                    \
    {                                                                               \
        return pqce_mlkem##N##_keypair_derand(ek, dk, s);                           \
    }                                                                               \
    static int en##N(uint8_t *ct, uint8_t *ss, const uint8_t *ek, const uint8_t *m) \
    {                                                                               \
        return pqce_mlkem##N##_encaps_derand(ct, ss, ek, m);                        \
    }                                                                               \
    static int de##N(uint8_t *ss, const uint8_t *ct, const uint8_t *dk)             \
    {                                                                               \
        return pqce_mlkem##N##_decaps(ss, ct, dk);                                  \
    }
KEM_ADAPTERS(512)
KEM_ADAPTERS(768)
KEM_ADAPTERS(1024)

static const struct kem_ops kems[] = {
    {"ML-KEM-512", kp512, en512, de512},
    {"ML-KEM-768", kp768, en768, de768},
    {"ML-KEM-1024", kp1024, en1024, de1024},
};

void bench_mlkem(const bench_opts *o)
{
    size_t runs = o->quick ? 501 : 2001;
    for (size_t i = 0; i < sizeof kems / sizeof kems[0]; i++) {
        static struct kem_arg a;
        char name[64];
        memset(&a, 0, sizeof a);
        a.ops = &kems[i];
        bench_result r = bench_run(run_keypair, &a, runs);
        snprintf(name, sizeof name, "%s keygen", kems[i].name);
        bench_print(o, name, &r, 0, 0, NULL);
        r = bench_run(run_encaps, &a, runs);
        snprintf(name, sizeof name, "%s encaps", kems[i].name);
        bench_print(o, name, &r, 0, 0, NULL);
        r = bench_run(run_decaps, &a, runs);
        snprintf(name, sizeof name, "%s decaps", kems[i].name);
        bench_print(o, name, &r, 0, 0, NULL);
    }
}
