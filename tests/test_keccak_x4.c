/*
 * test_keccak_x4.c - the 4-way AVX2 Keccak (keccak_x4.c) computes exactly
 * four independent copies of the scalar one (keccak.c): the permutation on
 * random states, and SHAKE128/SHAKE256 absorb-once + squeezeblocks for
 * every input length up to three blocks and several output lengths, with a
 * different input in each lane.
 *
 * The scalar code is itself checked against the ACVP vectors
 * (test_vectors_sha3.c). On a CPU without AVX2 the 4-way code can never be
 * selected; the tests then say so and check the portable path instead.
 */
#include <string.h>

#include "core/cpu.h"
#include "crypto/keccak.h"
#include "crypto/keccak_x4.h"
#include "test.h"

/* SHAKE128("") and SHAKE256("") [FIPS202 example values], first 16 bytes:
 * what the portable path is checked against when AVX2 is absent. */
static void check_portable_shake_known_answers(void)
{
    static const uint8_t shake128_empty[16] = {0x7f, 0x9c, 0x2b, 0xa4, 0xe8, 0x8f, 0x82, 0x7d,
                                               0x61, 0x60, 0x45, 0x50, 0x76, 0x05, 0x85, 0x3e};
    static const uint8_t shake256_empty[16] = {0x46, 0xb9, 0xdd, 0x2b, 0x0b, 0xa8, 0x8d, 0x13,
                                               0x23, 0x3b, 0x3f, 0xeb, 0x74, 0x3e, 0xeb, 0x24};
    uint8_t out[16];
    pqce_keccak_shake128(out, sizeof out, NULL, 0);
    CHECK_MEM_EQ(out, shake128_empty, 16);
    pqce_keccak_shake256(out, sizeof out, NULL, 0);
    CHECK_MEM_EQ(out, shake256_empty, 16);
}

static void test_avx2_availability_is_reported(void)
{
    printf("  AVX2 code compiled in: %s; usable on this CPU: %s\n",
           PQCE_AVX2_COMPILED ? "yes" : "no", pqce_cpu_has_avx2() ? "yes" : "no");
    if (!pqce_cpu_has_avx2()) {
        check_portable_shake_known_answers();
    }
}

#if PQCE_AVX2_COMPILED

/* Returns 1 if the 4-way code can run here; otherwise says why not. */
static int avx2_here(const char *what)
{
    if (pqce_cpu_has_avx2()) {
        return 1;
    }
    printf("  %s: the AVX2 path is %s; only the portable path is checked\n", what,
           PQCE_AVX2_COMPILED ? "not available on this CPU"
                              : "not compiled in (PQCE_X86_64_SIMD=OFF)");
    return 0;
}

static void test_f1600_x4_equals_four_scalar_permutations(void)
{
    if (!avx2_here("f1600 x4")) {
        check_portable_shake_known_answers();
        return;
    }
    for (uint64_t n = 0; n < 64; n++) {
        _Alignas(32) uint64_t s4[PQCE_KECCAK_LANES][4];
        uint64_t s1[4][PQCE_KECCAK_LANES];
        for (unsigned j = 0; j < 4; j++) {
            test_fill((uint8_t *)s1[j], sizeof s1[j], "f1600 x4 state", 4 * n + j);
            if (n == 0) {
                memset(s1[j], 0, sizeof s1[j]); /* the all-zero state too */
            }
            for (unsigned i = 0; i < PQCE_KECCAK_LANES; i++) {
                s4[i][j] = s1[j][i];
            }
        }
        pqce_keccak_x4_f1600(s4);
        for (unsigned j = 0; j < 4; j++) {
            pqce_keccak_f1600(s1[j]);
            for (unsigned i = 0; i < PQCE_KECCAK_LANES; i++) {
                CHECK_MSG(s4[i][j] == s1[j][i], "state %llu instance %u lane %u differs",
                          (unsigned long long)n, j, i);
            }
        }
    }
}

typedef void (*absorb_x4_fn)(pqce_keccak_x4 *, const uint8_t *const[4], size_t);
typedef void (*shake_fn)(uint8_t *, size_t, const uint8_t *, size_t);

/*
 * For every input length 0 .. 3 * rate + 1 and outputs of 1, 2 and 3 blocks
 * (squeezed in two calls, so that squeezing resumes), the four lanes equal
 * four one-shot SHAKE calls on their own inputs. Returns the number of
 * lane outputs compared.
 */
static size_t check_shake_x4(const char *label, absorb_x4_fn absorb, shake_fn shake, size_t rate)
{
    enum { MAX_IN = 3 * 168 + 2, MAX_BLOCKS = 3 };
    uint8_t in[4][MAX_IN], got[4][MAX_BLOCKS * 168], want[MAX_BLOCKS * 168];
    size_t compared = 0;
    for (unsigned j = 0; j < 4; j++) {
        test_fill(in[j], sizeof in[j], label, j);
    }
    const uint8_t *const ins[4] = {in[0], in[1], in[2], in[3]};
    uint8_t *const outs[4] = {got[0], got[1], got[2], got[3]};
    uint8_t *const outs_later[4] = {got[0] + rate, got[1] + rate, got[2] + rate, got[3] + rate};
    for (size_t len = 0; len <= 3 * rate + 1; len++) {
        for (size_t blocks = 1; blocks <= MAX_BLOCKS; blocks++) {
            pqce_keccak_x4 st;
            absorb(&st, ins, len);
            pqce_keccak_x4_squeezeblocks(&st, outs, 1);
            pqce_keccak_x4_squeezeblocks(&st, outs_later, blocks - 1);
            pqce_keccak_x4_wipe(&st);
            for (unsigned j = 0; j < 4; j++) {
                shake(want, blocks * rate, in[j], len);
                if (memcmp(got[j], want, blocks * rate) != 0) {
                    test_fail(__FILE__, __LINE__, "%s x4: lane %u, %zu input bytes, %zu blocks",
                              label, j, len, blocks);
                    return compared;
                }
                compared++;
            }
        }
    }
    return compared;
}

static void test_shake128x4_equals_four_shake128_for_every_length(void)
{
    if (!avx2_here("SHAKE128 x4")) {
        check_portable_shake_known_answers();
        return;
    }
    size_t n = check_shake_x4("shake128x4", pqce_shake128x4_absorb_once, pqce_keccak_shake128,
                              PQCE_SHAKE128_RATE);
    printf("  SHAKE128 x4: %zu lane outputs equal the scalar SHAKE128\n", n);
    CHECK(n == 4 * 3 * (3 * PQCE_SHAKE128_RATE + 2));
}

static void test_shake256x4_equals_four_shake256_for_every_length(void)
{
    if (!avx2_here("SHAKE256 x4")) {
        check_portable_shake_known_answers();
        return;
    }
    size_t n = check_shake_x4("shake256x4", pqce_shake256x4_absorb_once, pqce_keccak_shake256,
                              PQCE_SHAKE256_RATE);
    printf("  SHAKE256 x4: %zu lane outputs equal the scalar SHAKE256\n", n);
    CHECK(n == 4 * 3 * (3 * PQCE_SHAKE256_RATE + 2));
}

/* The same input in all four lanes gives four equal outputs (no lane
 * leaks into another), and absorb_once resets a used state. */
static void test_x4_lanes_are_independent_and_absorb_resets(void)
{
    if (!avx2_here("x4 lanes")) {
        check_portable_shake_known_answers();
        return;
    }
    uint8_t in[34], out[4][168], want[168];
    test_fill(in, sizeof in, "x4 same input", 0);
    const uint8_t *const ins[4] = {in, in, in, in};
    uint8_t *const outs[4] = {out[0], out[1], out[2], out[3]};
    pqce_keccak_x4 st;
    memset(&st, 0xA5, sizeof st); /* garbage that absorb_once must clear */
    pqce_shake128x4_absorb_once(&st, ins, sizeof in);
    pqce_keccak_x4_squeezeblocks(&st, outs, 1);
    pqce_keccak_shake128(want, sizeof want, in, sizeof in);
    for (unsigned j = 0; j < 4; j++) {
        CHECK_MEM_EQ(out[j], want, sizeof want);
    }
    pqce_keccak_x4_wipe(&st);
    const uint8_t zero[sizeof st] = {0};
    CHECK_MEM_EQ(&st, zero, sizeof st);
}

#endif /* PQCE_AVX2_COMPILED */

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_avx2_availability_is_reported),
#if PQCE_AVX2_COMPILED
        TEST_CASE(test_f1600_x4_equals_four_scalar_permutations),
        TEST_CASE(test_shake128x4_equals_four_shake128_for_every_length),
        TEST_CASE(test_shake256x4_equals_four_shake256_for_every_length),
        TEST_CASE(test_x4_lanes_are_independent_and_absorb_resets),
#endif
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
