/*
 * ct_mldsa.c - constant-time test of ML-DSA key generation and signing
 * (run by ctest as ct_mldsa_valgrind: valgrind --error-exitcode=1).
 *
 * The seed xi, the private key and rnd are marked undefined with
 * PQCE_CT_POISON; memcheck then reports every conditional branch and
 * every memory address computed from them. The library declassifies only
 * what FIPS 204 makes public (listed at the head of src/crypto/mldsa.c),
 * so a clean run means no other secret-dependent branch or index exists
 * on these paths. Divisions are not seen by memcheck; Decompose and
 * CoeffFromHalfByte avoid them by construction (test_mldsa.c).
 *
 * Covered for ML-DSA-44, -65 and -87: keypair_derand and keypair_rng,
 * sign_derand (deterministic and hedged rnd), sign_rng, hash_sign_derand,
 * sign_mu_derand. The signatures are then verified (with defined inputs).
 */
#include <stdio.h>
#include <string.h>

#include "core/ct.h"
#include "test.h"

#if !PQCE_CT_TESTING
#error "ct_mldsa needs -DPQCE_CT_TESTING=ON"
#endif

#define MAX_PK  PQCE_MLDSA87_PK_BYTES
#define MAX_SK  PQCE_MLDSA87_SK_BYTES
#define MAX_SIG PQCE_MLDSA87_SIG_BYTES

struct set_ops {
    const char *name;
    size_t pk_len, sk_len, sig_len;
    int (*keypair_derand)(uint8_t *, uint8_t *, const uint8_t *);
    int (*keypair_rng)(const pqce_rng *, uint8_t *, uint8_t *);
    int (*sign_derand)(uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *,
                       const uint8_t *);
    int (*sign_rng)(const pqce_rng *, uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t,
                    const uint8_t *);
    int (*hash_sign_derand)(uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t,
                            pqce_mldsa_hash, const uint8_t *, const uint8_t *);
    int (*sign_mu_derand)(uint8_t *, const uint8_t *, const uint8_t *, const uint8_t *);
    int (*verify)(const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *, size_t,
                  const uint8_t *);
    int (*hash_verify)(const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *, size_t,
                       pqce_mldsa_hash, const uint8_t *);
    int (*verify_mu)(const uint8_t *, size_t, const uint8_t *, const uint8_t *);
};

#define SET_OPS(N)                                                                              \
    {                                                                                           \
        "ML-DSA-" #N, PQCE_MLDSA##N##_PK_BYTES, PQCE_MLDSA##N##_SK_BYTES,                       \
            PQCE_MLDSA##N##_SIG_BYTES, pqce_mldsa##N##_keypair_derand,                          \
            pqce_mldsa##N##_keypair_rng, pqce_mldsa##N##_sign_derand, pqce_mldsa##N##_sign_rng, \
            pqce_mldsa##N##_hash_sign_derand, pqce_mldsa##N##_sign_mu_derand,                   \
            pqce_mldsa##N##_verify, pqce_mldsa##N##_hash_verify, pqce_mldsa##N##_verify_mu      \
    }

static const struct set_ops sets[] = {SET_OPS(44), SET_OPS(65), SET_OPS(87)};

/* An RNG whose output is secret: filled deterministically, then poisoned. */
static uint64_t rng_counter;

static int poisoned_fill(void *ctx, uint8_t *out, size_t out_len)
{
    (void)ctx;
    test_fill(out, out_len, "ct rng", rng_counter++);
    PQCE_CT_POISON(out, out_len);
    return 0;
}

static void test_keygen_and_signing_are_constant_time(void)
{
    static uint8_t pk[MAX_PK], sk[MAX_SK], sig[MAX_SIG];
    const pqce_rng rng = {PQCE_RNG_VERSION, poisoned_fill, NULL};
    uint8_t seed[PQCE_MLDSA_SEED_BYTES], rnd[PQCE_MLDSA_RND_BYTES], mu[PQCE_MLDSA_MU_BYTES];
    uint8_t msg[100], ctx[20];
    test_fill(msg, sizeof msg, "ct msg", 0);
    test_fill(ctx, sizeof ctx, "ct ctx", 0);
    test_fill(mu, sizeof mu, "ct mu", 0);
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        const struct set_ops *s = &sets[i];

        /* KeyGen_internal with a secret seed. */
        test_fill(seed, sizeof seed, "ct seed", i);
        PQCE_CT_POISON(seed, sizeof seed);
        CHECK_OK(s->keypair_derand(pk, sk, seed));
        /* KeyGen with a secret RNG output. */
        CHECK_OK(s->keypair_rng(&rng, pk, sk));

        for (int mode = 0; mode < 5; mode++) {
            int rc;
            PQCE_CT_POISON(sk, s->sk_len);
            if (mode == 0) { /* deterministic: rnd = 0^32, still secret-marked */
                memset(rnd, 0, sizeof rnd);
            } else {
                test_fill(rnd, sizeof rnd, "ct rnd", i * 10 + (uint64_t)mode);
            }
            PQCE_CT_POISON(rnd, sizeof rnd);
            switch (mode) {
            case 0:
            case 1:
                rc = s->sign_derand(sig, msg, sizeof msg, ctx, sizeof ctx, sk, rnd);
                CHECK_OK(rc);
                CHECK_OK(s->verify(sig, s->sig_len, msg, sizeof msg, ctx, sizeof ctx, pk));
                break;
            case 2:
                rc = s->sign_rng(&rng, sig, msg, sizeof msg, ctx, sizeof ctx, sk);
                CHECK_OK(rc);
                CHECK_OK(s->verify(sig, s->sig_len, msg, sizeof msg, ctx, sizeof ctx, pk));
                break;
            case 3:
                rc = s->hash_sign_derand(sig, msg, sizeof msg, ctx, sizeof ctx,
                                         PQCE_MLDSA_HASH_SHAKE256, sk, rnd);
                CHECK_OK(rc);
                CHECK_OK(s->hash_verify(sig, s->sig_len, msg, sizeof msg, ctx, sizeof ctx,
                                        PQCE_MLDSA_HASH_SHAKE256, pk));
                break;
            default:
                rc = s->sign_mu_derand(sig, mu, sk, rnd);
                CHECK_OK(rc);
                CHECK_OK(s->verify_mu(sig, s->sig_len, mu, pk));
            }
        }
        printf("  %s: keygen and 5 signing paths ran with secrets marked undefined\n", s->name);
    }
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_keygen_and_signing_are_constant_time),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
