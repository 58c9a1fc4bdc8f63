/*
 * bench_mldsa.c - ML-DSA-44/65/87 keygen, sign and verify medians.
 *
 * Signing time depends on the message: the number of rejected attempts
 * varies (about 4.3, 5.1 and 3.9 on average for the three sets), so every
 * sign call signs a different message (a counter) and the median is taken
 * over all of them. Signing is deterministic (rnd = 0^32) so that a run is
 * reproducible; the hedged variant costs one getrandom call more. Every
 * keygen uses a different seed; verify checks a fixed signature.
 */
#include <pqce.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define MAX_PK    PQCE_MLDSA87_PK_BYTES
#define MAX_SK    PQCE_MLDSA87_SK_BYTES
#define MAX_SIG   PQCE_MLDSA87_SIG_BYTES
#define MSG_BYTES 64

struct dsa_ops {
    const char *name;
    size_t sig_len;
    int (*keypair_derand)(uint8_t *, uint8_t *, const uint8_t *);
    int (*sign_derand)(uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *,
                       const uint8_t *);
    int (*verify)(const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *, size_t,
                  const uint8_t *);
};

struct dsa_arg {
    const struct dsa_ops *ops;
    uint64_t counter;
    uint8_t seed[PQCE_MLDSA_SEED_BYTES], rnd[PQCE_MLDSA_RND_BYTES];
    uint8_t msg[MSG_BYTES], vmsg[MSG_BYTES];
    uint8_t pk[MAX_PK], sk[MAX_SK], sig[MAX_SIG], vsig[MAX_SIG];
};

static void put_counter(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static void run_keypair(void *p)
{
    struct dsa_arg *a = p;
    put_counter(a->seed, a->counter++);
    bench_check(a->ops->keypair_derand(a->pk, a->sk, a->seed), "keypair");
}

static void run_sign(void *p)
{
    struct dsa_arg *a = p;
    put_counter(a->msg, a->counter++);
    bench_check(a->ops->sign_derand(a->sig, a->msg, sizeof a->msg, NULL, 0, a->sk, a->rnd), "sign");
}

static void run_verify(void *p)
{
    struct dsa_arg *a = p;
    bench_check(a->ops->verify(a->vsig, a->ops->sig_len, a->vmsg, sizeof a->vmsg, NULL, 0, a->pk),
                "verify");
}

static const struct dsa_ops dsas[] = {
    {"ML-DSA-44", PQCE_MLDSA44_SIG_BYTES, pqce_mldsa44_keypair_derand, pqce_mldsa44_sign_derand,
     pqce_mldsa44_verify},
    {"ML-DSA-65", PQCE_MLDSA65_SIG_BYTES, pqce_mldsa65_keypair_derand, pqce_mldsa65_sign_derand,
     pqce_mldsa65_verify},
    {"ML-DSA-87", PQCE_MLDSA87_SIG_BYTES, pqce_mldsa87_keypair_derand, pqce_mldsa87_sign_derand,
     pqce_mldsa87_verify},
};

/* About 0.3 s of signing before the first measurement, so that the CPU
 * has left any power-saving state (the harness's own warm-up is short
 * next to the first group's first run). */
static void warm_up(void)
{
    static struct dsa_arg a;
    memset(&a, 0, sizeof a);
    a.ops = &dsas[1];
    run_keypair(&a);
    for (int i = 0; i < 1000; i++) {
        run_sign(&a);
    }
}

void bench_mldsa(const bench_opts *o)
{
    size_t runs = o->quick ? 301 : 1001;
    warm_up();
    for (size_t i = 0; i < sizeof dsas / sizeof dsas[0]; i++) {
        static struct dsa_arg a;
        char name[64];
        memset(&a, 0, sizeof a);
        a.ops = &dsas[i];
        bench_result r = bench_run(run_keypair, &a, runs);
        snprintf(name, sizeof name, "%s keygen", dsas[i].name);
        bench_print(o, name, &r, 0, 0, NULL);

        memset(a.vmsg, 0xA5, sizeof a.vmsg);
        bench_check(a.ops->sign_derand(a.vsig, a.vmsg, sizeof a.vmsg, NULL, 0, a.sk, a.rnd),
                    "sign");
        r = bench_run(run_sign, &a, runs);
        snprintf(name, sizeof name, "%s sign (median over messages)", dsas[i].name);
        bench_print(o, name, &r, 0, 0, NULL);

        r = bench_run(run_verify, &a, runs);
        snprintf(name, sizeof name, "%s verify", dsas[i].name);
        bench_print(o, name, &r, 0, 0, NULL);
    }
}
