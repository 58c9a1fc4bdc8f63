/*
 * ct_mlkem.c - ML-KEM is constant time in its secrets (run by ctest under
 * valgrind memcheck as ct_mlkem_valgrind, --error-exitcode=1).
 *
 * The secret inputs are marked undefined with PQCE_CT_POISON: the seed
 * d || z of KeyGen, the randomness m of Encaps, and the whole dk of Decaps
 * (the library itself declassifies the ek || H(ek) part of dk, which is
 * public). The ciphertext given to Decaps is public. Memcheck then reports
 * any branch or memory index that depends on a secret, in the library or in
 * anything it calls. Outputs are declassified here before they are checked.
 * Decaps runs on a valid and on a modified ciphertext (implicit rejection),
 * for ML-KEM-512, -768 and -1024, on every implementation this CPU runs
 * (portable, and AVX2 where available: valgrind executes AVX2), through the
 * entry points of crypto/mlkem.h that take the implementation explicitly.
 */
#include <string.h>

#include "core/ct.h"
#include "crypto/mlkem.h"
#include "test.h"

#if !PQCE_CT_TESTING
#error "ct_mlkem needs -DPQCE_CT_TESTING=ON"
#endif

#define MAX_EK PQCE_MLKEM1024_EK_BYTES
#define MAX_DK PQCE_MLKEM1024_DK_BYTES
#define MAX_CT PQCE_MLKEM1024_CT_BYTES

struct kem {
    const char *name;
    size_t ek_len, dk_len, ct_len;
    const pqce_mlkem_params *params;
};

static const struct kem kems[3] = {
    {"ML-KEM-512", PQCE_MLKEM512_EK_BYTES, PQCE_MLKEM512_DK_BYTES, PQCE_MLKEM512_CT_BYTES,
     &pqce_mlkem512_params},
    {"ML-KEM-768", PQCE_MLKEM768_EK_BYTES, PQCE_MLKEM768_DK_BYTES, PQCE_MLKEM768_CT_BYTES,
     &pqce_mlkem768_params},
    {"ML-KEM-1024", PQCE_MLKEM1024_EK_BYTES, PQCE_MLKEM1024_DK_BYTES, PQCE_MLKEM1024_CT_BYTES,
     &pqce_mlkem1024_params},
};

static void run_set_on(const pqce_mlkem_impl *im, const struct kem *kem, uint64_t n)
{
    static uint8_t ek[MAX_EK], dk[MAX_DK], ct[MAX_CT];
    uint8_t seed[64], m[32], k_enc[32], k_dec[32], k_rej[32], k_want[32];
    const pqce_mlkem_params *p = kem->params;

    test_fill(seed, sizeof seed, "ct seed", n);
    test_fill(m, sizeof m, "ct m", n);

    /* KeyGen_internal with secret d || z. */
    PQCE_CT_POISON(seed, sizeof seed);
    int rc = pqce_mlkem_keypair_derand_with(im, p, ek, dk, seed);
    PQCE_CT_DECLASSIFY(ek, kem->ek_len);
    PQCE_CT_DECLASSIFY(dk, kem->dk_len);
    PQCE_CT_DECLASSIFY(seed, sizeof seed);
    CHECK_OK(rc);
    CHECK_MEM_EQ(dk + kem->dk_len - 32, seed + 32, 32);

    /* Encaps_internal with secret m (ek is public). */
    PQCE_CT_POISON(m, sizeof m);
    rc = pqce_mlkem_encaps_derand_with(im, p, ct, k_enc, ek, m);
    PQCE_CT_DECLASSIFY(ct, kem->ct_len);
    PQCE_CT_DECLASSIFY(k_enc, sizeof k_enc);
    CHECK_OK(rc);

    /* Decaps of the valid ciphertext with the whole dk secret. */
    PQCE_CT_POISON(dk, kem->dk_len);
    rc = pqce_mlkem_decaps_with(im, p, k_dec, ct, dk);
    PQCE_CT_DECLASSIFY(k_dec, sizeof k_dec);
    CHECK_OK(rc);
    CHECK_MEM_EQ(k_dec, k_enc, 32);

    /* Decaps of a modified ciphertext: implicit rejection, same code path. */
    ct[kem->ct_len / 2] ^= 0x04;
    PQCE_CT_POISON(dk, kem->dk_len);
    rc = pqce_mlkem_decaps_with(im, p, k_rej, ct, dk);
    PQCE_CT_DECLASSIFY(k_rej, sizeof k_rej);
    PQCE_CT_DECLASSIFY(dk, kem->dk_len);
    CHECK_OK(rc);
    CHECK(memcmp(k_rej, k_enc, 32) != 0);
    /* K-bar = J(z || c). */
    pqce_sha3_ctx j;
    CHECK_OK(pqce_shake256_init(&j));
    CHECK_OK(pqce_sha3_absorb(&j, dk + kem->dk_len - 32, 32));
    CHECK_OK(pqce_sha3_absorb(&j, ct, kem->ct_len));
    CHECK_OK(pqce_shake_squeeze(&j, k_want, 32));
    CHECK_MEM_EQ(k_rej, k_want, 32);
}

/* run_set_on for every implementation this CPU runs; fails if one fails. */
static void run_set(const struct kem *kem, uint64_t n)
{
    const pqce_mlkem_impl *impls[PQCE_MLKEM_IMPL_MAX];
    const size_t count = pqce_mlkem_impl_list(impls);
    for (size_t i = 0; i < count && !test_failed(); i++) {
        printf("  %s on %s\n", kem->name, impls[i]->name);
        run_set_on(impls[i], kem, n);
    }
    if (count < 2) {
        printf("  the AVX2 path is not available here: only the portable path was checked\n");
    }
}

static void test_mlkem512_is_constant_time_in_its_secrets(void)
{
    run_set(&kems[0], 0);
}

static void test_mlkem768_is_constant_time_in_its_secrets(void)
{
    run_set(&kems[1], 1);
    run_set(&kems[1], 2);
}

static void test_mlkem1024_is_constant_time_in_its_secrets(void)
{
    run_set(&kems[2], 3);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_mlkem512_is_constant_time_in_its_secrets),
        TEST_CASE(test_mlkem768_is_constant_time_in_its_secrets),
        TEST_CASE(test_mlkem1024_is_constant_time_in_its_secrets),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
