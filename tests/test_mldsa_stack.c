/*
 * test_mldsa_stack.c - peak stack use of ML-DSA key generation, signing
 * and verification, measured by stack painting.
 *
 * Each operation runs in a thread whose stack is a buffer we own, filled
 * beforehand with a pattern; afterwards the deepest byte that no longer
 * holds the pattern gives the peak use. The numbers are printed (they
 * are the ones docs/MLDSA.md reports) and signing with ML-DSA-87 must stay
 * under 64 KiB, the budget of an embedded target. Sanitizer builds use
 * larger frames, so the limit there is only printed.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#define STACK_BYTES (512u * 1024u)
#define PATTERN     0xA7
#define LIMIT       (64u * 1024u)

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

/* In this order: verify checks the signature of OP_SIGN. */
enum op { OP_KEYGEN, OP_HASH_SIGN, OP_SIGN, OP_VERIFY };

struct job {
    int set; /* 44, 65 or 87 */
    enum op op;
    int rc;
};

static uint8_t pk[PQCE_MLDSA87_PK_BYTES], sk[PQCE_MLDSA87_SK_BYTES], sig[PQCE_MLDSA87_SIG_BYTES];
static const uint8_t seed[32] = {3}, rnd[32] = {0}, msg[64] = {1}, ctx[8] = {2};

static int run_op(int set, enum op op)
{
    switch (set * 10 + (int)op) {
#define OPS(N)                                                                              \
    case N * 10 + OP_KEYGEN:                                                                \
        return pqce_mldsa##N##_keypair_derand(pk, sk, seed);                                \
    case N * 10 + OP_SIGN:                                                                  \
        return pqce_mldsa##N##_sign_derand(sig, msg, sizeof msg, ctx, sizeof ctx, sk, rnd); \
    case N * 10 + OP_HASH_SIGN:                                                             \
        return pqce_mldsa##N##_hash_sign_derand(sig, msg, sizeof msg, ctx, sizeof ctx,      \
                                                PQCE_MLDSA_HASH_SHA2_512, sk, rnd);         \
    case N * 10 + OP_VERIFY:                                                                \
        return pqce_mldsa##N##_verify(sig, PQCE_MLDSA##N##_SIG_BYTES, msg, sizeof msg, ctx, \
                                      sizeof ctx, pk);
        OPS(44)
        OPS(65)
        OPS(87)
#undef OPS
    }
    return PQCE_ERR_INVALID_ARG;
}

static void *thread_main(void *arg)
{
    struct job *j = arg;
    j->rc = run_op(j->set, j->op);
    return NULL;
}

/* Peak stack bytes of one operation (0 on a thread error). */
static size_t measure(int set, enum op op, int *rc)
{
    uint8_t *stack = aligned_alloc(4096, STACK_BYTES);
    pthread_attr_t attr;
    pthread_t th;
    struct job j = {set, op, PQCE_ERR_STATE};
    size_t used = 0;
    if (stack == NULL) {
        return 0;
    }
    memset(stack, PATTERN, STACK_BYTES);
    if (pthread_attr_init(&attr) == 0 && pthread_attr_setstack(&attr, stack, STACK_BYTES) == 0 &&
        pthread_create(&th, &attr, thread_main, &j) == 0) {
        pthread_join(th, NULL);
        size_t low = 0;
        while (low < STACK_BYTES && stack[low] == PATTERN) {
            low++;
        }
        used = STACK_BYTES - low;
    }
    pthread_attr_destroy(&attr);
    free(stack);
    *rc = j.rc;
    return used;
}

static void test_peak_stack_of_keygen_sign_verify(void)
{
    static const char *names[] = {"keygen", "hash_sign (SHA2-512)", "sign", "verify"};
    const int set_ids[3] = {44, 65, 87};
    size_t baseline;
    int rc;
    /* The thread start-up and our wrapper use some stack of their own:
     * measure an operation that does nothing (an argument error). */
    baseline = measure(0, OP_KEYGEN, &rc);
    CHECK(rc == PQCE_ERR_INVALID_ARG);
    printf("  thread + harness baseline: %zu bytes\n", baseline);
    for (int s = 0; s < 3; s++) {
        for (int op = OP_KEYGEN; op <= OP_VERIFY; op++) {
            size_t used = measure(set_ids[s], (enum op)op, &rc);
            CHECK_OK(rc);
            CHECK(used > 0);
            printf("  ML-DSA-%d %-22s peak stack %6zu bytes (%zu above the baseline)\n", set_ids[s],
                   names[op], used, used - baseline);
            if (set_ids[s] == 87 && (op == OP_SIGN || op == OP_HASH_SIGN) && !SANITIZED) {
                CHECK_MSG(used < LIMIT, "ML-DSA-87 signing uses %zu bytes of stack", used);
            }
        }
    }
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_peak_stack_of_keygen_sign_verify),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
