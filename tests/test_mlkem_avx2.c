/*
 * test_mlkem_avx2.c - the AVX2 implementation of ML-KEM (mlkem_avx2.c) and
 * the dispatch between it and the portable one (mlkem_impl.c).
 *
 * Each function of the AVX2 table gives bit for bit the result of the
 * portable one (not merely the same value mod q): on random inputs across
 * the documented ranges, on their extremes, and where the domain allows on
 * every input value in every position (reductions, ByteEncode_12,
 * Compress_d with ByteEncode_d, ByteDecode_d with Decompress_d). The whole KEM gives identical
 * keys, ciphertexts, shared secrets and errors on both paths, for valid and invalid inputs. (The
 * official vectors run through both paths in test_vectors_mlkem.c; the portable building blocks are
 * checked against the pseudocode in test_mlkem.c.)
 *
 * On a CPU without AVX2 (or with PQCE_X86_64_SIMD=OFF) there is nothing to
 * compare: the tests say so and check that the portable path is the one
 * selected.
 */
#include <stdlib.h>
#include <string.h>

#include "core/cpu.h"
#include "crypto/keccak.h"
#include "crypto/mlkem.h"
#include "crypto/mlkem_impl.h"
#include "crypto/mlkem_sample.h"
#include "test.h"

#define Q      3329
#define MAX_EK PQCE_MLKEM1024_EK_BYTES
#define MAX_DK PQCE_MLKEM1024_DK_BYTES
#define MAX_CT PQCE_MLKEM1024_CT_BYTES

typedef pqce_mlkem_poly poly;

static const pqce_mlkem_impl *const portable = &pqce_mlkem_impl_portable;

/*
 * The implementation to compare with the portable one, or NULL after
 * saying why there is none and checking that the portable one is selected.
 */
static const pqce_mlkem_impl *other_impl(const char *what)
{
    const pqce_mlkem_impl *list[PQCE_MLKEM_IMPL_MAX];
    size_t n = pqce_mlkem_impl_list(list);
    if (n > 1) {
        return list[1];
    }
    printf("  %s: the AVX2 path is %s; checked that the portable path is selected\n", what,
           PQCE_AVX2_COMPILED ? "not available on this CPU"
                              : "not compiled in (PQCE_X86_64_SIMD=OFF)");
    if (pqce_mlkem_impl_select() != portable) {
        test_fail(__FILE__, __LINE__, "%s: a non-portable implementation is selected", what);
    }
    return NULL;
}

/* Coefficients uniform in [lo, hi]. */
static void random_poly(poly *p, const char *label, uint64_t n, int32_t lo, int32_t hi)
{
    uint8_t b[512];
    test_fill(b, sizeof b, label, n);
    for (unsigned i = 0; i < 256; i++) {
        uint32_t r = (uint32_t)b[2 * i] | (uint32_t)b[2 * i + 1] << 8;
        p->c[i] = (int16_t)(lo + (int32_t)(r % (uint32_t)(hi - lo + 1)));
    }
}

/* Inputs for the functions that take |f| < q: random ones (n >= 4) and
 * the extremes (all q-1, all -(q-1), alternating signs, zero). With
 * full_range, n >= 200 gives any int16 (the AVX2 code must also agree where
 * the portable code merely wraps). */
static void test_input(poly *p, const char *label, uint64_t n, int full_range)
{
    switch (n) {
    case 0:
    case 1:
        for (unsigned i = 0; i < 256; i++) {
            p->c[i] = (int16_t)(n == 0 ? Q - 1 : -(Q - 1));
        }
        break;
    case 2:
        for (unsigned i = 0; i < 256; i++) {
            p->c[i] = (int16_t)(i % 2 ? -(Q - 1) : Q - 1);
        }
        break;
    case 3:
        memset(p, 0, sizeof *p);
        break;
    default:
        if (full_range && n >= 200) {
            random_poly(p, label, n, INT16_MIN, INT16_MAX);
        } else {
            random_poly(p, label, n, -(Q - 1), Q - 1);
        }
    }
}

/* ---- dispatch --------------------------------------------------------------- */

static void test_dispatch_selects_avx2_exactly_when_the_cpu_has_it(void)
{
    const pqce_mlkem_impl *list[PQCE_MLKEM_IMPL_MAX];
    size_t n = pqce_mlkem_impl_list(list);
    printf("  AVX2 code compiled in: %s; usable on this CPU: %s; selected: %s\n",
           PQCE_AVX2_COMPILED ? "yes" : "no", pqce_cpu_has_avx2() ? "yes" : "no",
           pqce_mlkem_impl_select()->name);
    CHECK(n >= 1 && list[0] == portable);
    CHECK(strcmp(portable->name, "portable") == 0);
    if (pqce_cpu_has_avx2()) {
        CHECK(n == 2 && strcmp(list[1]->name, "avx2") == 0);
        CHECK(pqce_mlkem_impl_select() == list[1]);
    } else {
        (void)other_impl("dispatch");
        CHECK(n == 1);
    }
    /* A pure function of the CPU: the same answer every time. */
    for (int i = 0; i < 100; i++) {
        CHECK(pqce_mlkem_impl_select() == pqce_mlkem_impl_select());
    }
}

/* ---- arithmetic ----------------------------------------------------------------- */

static void test_ntt_equals_portable_bit_for_bit(void)
{
    const pqce_mlkem_impl *im = other_impl("NTT");
    poly want, got;
    for (uint64_t n = 0; im != NULL && n < 400; n++) {
        test_input(&want, "avx2 ntt", n, 1);
        got = want;
        portable->ntt(&want);
        im->ntt(&got);
        CHECK_MSG(memcmp(&want, &got, sizeof want) == 0, "NTT of input %llu differs",
                  (unsigned long long)n);
    }
}

static void test_invntt_equals_portable_bit_for_bit(void)
{
    const pqce_mlkem_impl *im = other_impl("inverse NTT");
    poly want, got;
    for (uint64_t n = 0; im != NULL && n < 400; n++) {
        test_input(&want, "avx2 invntt", n, 1);
        got = want;
        portable->invntt_mont(&want);
        im->invntt_mont(&got);
        CHECK_MSG(memcmp(&want, &got, sizeof want) == 0, "inverse NTT of input %llu differs",
                  (unsigned long long)n);
    }
}

static void test_mulcache_equals_portable_bit_for_bit(void)
{
    const pqce_mlkem_impl *im = other_impl("mulcache");
    poly b;
    pqce_mlkem_mulcache want, got;
    for (uint64_t n = 0; im != NULL && n < 400; n++) {
        test_input(&b, "avx2 mulcache", n, 1);
        portable->mulcache(&want, &b);
        im->mulcache(&got, &b);
        CHECK_MSG(memcmp(&want, &got, sizeof want) == 0, "mulcache of input %llu differs",
                  (unsigned long long)n);
    }
}

/* a in [0, q), |b| < q, |bx| < q, k = 1..4: the documented ranges, with
 * the products' extremes (all a = q-1 against all b, bx = +-(q-1)). */
static void test_basemul_acc_equals_portable_bit_for_bit(void)
{
    const pqce_mlkem_impl *im = other_impl("basemul_acc");
    poly a[4], b[4], want, got;
    pqce_mlkem_mulcache bx[4];
    for (uint64_t n = 0; im != NULL && n < 200; n++) {
        for (unsigned j = 0; j < 4; j++) {
            if (n < 4) {
                const int16_t sign = (int16_t)(n & 1 ? -1 : 1), xsign = (int16_t)(n & 2 ? -1 : 1);
                for (unsigned i = 0; i < 256; i++) {
                    a[j].c[i] = Q - 1;
                    b[j].c[i] = (int16_t)(sign * (Q - 1));
                }
                for (unsigned i = 0; i < 128; i++) {
                    bx[j].c[i] = (int16_t)(xsign * (Q - 1));
                }
            } else {
                random_poly(&a[j], "avx2 basemul a", 4 * n + j, 0, Q - 1);
                random_poly(&b[j], "avx2 basemul b", 4 * n + j, -(Q - 1), Q - 1);
                poly x;
                random_poly(&x, "avx2 basemul bx", 4 * n + j, -(Q - 1), Q - 1);
                memcpy(bx[j].c, x.c, sizeof bx[j].c);
            }
        }
        for (unsigned k = 1; k <= 4; k++) {
            portable->basemul_acc(&want, a, b, bx, k);
            im->basemul_acc(&got, a, b, bx, k);
            CHECK_MSG(memcmp(&want, &got, sizeof want) == 0, "basemul_acc k=%u input %llu differs",
                      k, (unsigned long long)n);
        }
    }
}

/* Every int16 value in every coefficient position: poly i has
 * c[j] = i + 257 j (mod 2^16), so for each j the 65536 polys run through
 * all values. */
static void check_every_int16(const char *what, void (*want_fn)(poly *), void (*got_fn)(poly *))
{
    poly want, got;
    for (uint32_t i = 0; i < 65536; i++) {
        for (unsigned j = 0; j < 256; j++) {
            want.c[j] = (int16_t)(uint16_t)(i + 257u * j);
        }
        got = want;
        want_fn(&want);
        got_fn(&got);
        if (memcmp(&want, &got, sizeof want) != 0) {
            test_fail(__FILE__, __LINE__, "%s differs on poly %u", what, i);
            return;
        }
    }
}

static void test_reduce_equals_portable_for_every_int16(void)
{
    const pqce_mlkem_impl *im = other_impl("reduce");
    if (im != NULL) {
        check_every_int16("Barrett reduce", portable->reduce, im->reduce);
    }
}

static void test_tomont_equals_portable_for_every_int16(void)
{
    const pqce_mlkem_impl *im = other_impl("tomont");
    if (im != NULL) {
        check_every_int16("tomont", portable->tomont, im->tomont);
    }
}

/* ByteEncode_12 of every int16 value in every position. */
static void test_encode12_equals_portable_for_every_int16(void)
{
    const pqce_mlkem_impl *im = other_impl("encode12");
    poly f;
    uint8_t want[PQCE_MLKEM_POLY_BYTES], got[PQCE_MLKEM_POLY_BYTES];
    for (uint32_t i = 0; im != NULL && i < 65536; i++) {
        for (unsigned j = 0; j < 256; j++) {
            f.c[j] = (int16_t)(uint16_t)(i + 257u * j);
        }
        portable->encode12(want, &f);
        im->encode12(got, &f);
        CHECK_MSG(memcmp(want, got, sizeof want) == 0, "encode12 of poly %u differs", i);
    }
}

/* ByteDecode_12 of random bytes (about one 12-bit value in five >= q), of
 * every 12-bit value in every position, and of canonical encodings: the
 * same coefficients and the same out-of-range flag. */
static void test_decode12_equals_portable_with_the_same_flag(void)
{
    const pqce_mlkem_impl *im = other_impl("decode12");
    poly want, got;
    uint8_t b[PQCE_MLKEM_POLY_BYTES];
    size_t flagged = 0;
    for (uint32_t n = 0; im != NULL && n < 4096 + 200; n++) {
        if (n < 4096) {
            /* value (n + 17 j) mod 4096 at position j */
            for (unsigned j = 0; j < 256; j += 2) {
                const uint32_t x = (n + 17u * j) % 4096u, y = (n + 17u * (j + 1)) % 4096u;
                b[3 * j / 2] = (uint8_t)x;
                b[3 * j / 2 + 1] = (uint8_t)(x >> 8 | y << 4);
                b[3 * j / 2 + 2] = (uint8_t)(y >> 4);
            }
        } else {
            test_fill(b, sizeof b, "avx2 decode12", n);
            if (n % 2 == 0) {
                random_poly(&want, "avx2 decode12 canonical", n, 0, Q - 1);
                portable->encode12(b, &want);
            }
        }
        const uint32_t flag_want = portable->decode12(&want, b);
        const uint32_t flag_got = im->decode12(&got, b);
        CHECK_MSG(flag_want == flag_got, "decode12 flag of input %u differs", n);
        CHECK_MSG(memcmp(&want, &got, sizeof want) == 0, "decode12 of input %u differs", n);
        flagged += flag_want != 0;
    }
    if (im != NULL) {
        printf("  %zu of %u inputs had a value >= q\n", flagged, 4096 + 200);
        CHECK(flagged > 0 && flagged < 4096 + 200);
    }
}

static const unsigned compress_ds[5] = {1, 4, 5, 10, 11};

/* ByteEncode_d(Compress_d(f)) for every d used and every int16 value in
 * every position. The output is a heap buffer of exactly 32d bytes, so
 * that the sanitizer build catches a write past it. */
static void test_compress_encode_equals_portable_for_every_int16(void)
{
    const pqce_mlkem_impl *im = other_impl("compress_encode");
    poly f;
    uint8_t want[32 * 11];
    for (size_t di = 0; im != NULL && di < 5; di++) {
        const unsigned d = compress_ds[di];
        uint8_t *got = malloc(32 * d);
        CHECK(got != NULL);
        for (uint32_t i = 0; i < 65536; i++) {
            for (unsigned j = 0; j < 256; j++) {
                f.c[j] = (int16_t)(uint16_t)(i + 257u * j);
            }
            portable->compress_encode(want, &f, d);
            im->compress_encode(got, &f, d);
            if (memcmp(want, got, 32 * d) != 0) {
                free(got);
                CHECK_MSG(0, "compress_encode d=%u of poly %u differs", d, i);
            }
        }
        free(got);
    }
}

/* Decompress_d(ByteDecode_d(a)) for every d used: every d-bit value in
 * every position, and random bytes. The input is a heap buffer of exactly
 * 32d bytes (the sanitizer build catches a read past it). */
static void test_decode_decompress_equals_portable_for_every_value(void)
{
    const pqce_mlkem_impl *im = other_impl("decode_decompress");
    poly want, got;
    for (size_t di = 0; im != NULL && di < 5; di++) {
        const unsigned d = compress_ds[di];
        uint8_t *a = malloc(32 * d);
        CHECK(a != NULL);
        for (uint32_t n = 0; n < (1u << d) + 50; n++) {
            if (n < (1u << d)) {
                /* value (n + 17 j) mod 2^d at position j, bit by bit */
                memset(a, 0, 32 * d);
                for (unsigned j = 0; j < 256; j++) {
                    const uint32_t v = (n + 17u * j) & ((1u << d) - 1u);
                    for (unsigned b = 0; b < d; b++) {
                        a[(d * j + b) / 8] |= (uint8_t)(((v >> b) & 1u) << ((d * j + b) % 8));
                    }
                }
            } else {
                test_fill(a, 32 * d, "avx2 decode_decompress", n);
            }
            portable->decode_decompress(&want, a, d);
            im->decode_decompress(&got, a, d);
            if (memcmp(&want, &got, sizeof want) != 0) {
                free(a);
                CHECK_MSG(0, "decode_decompress d=%u of input %u differs", d, n);
            }
        }
        free(a);
    }
}

/* ---- sampling --------------------------------------------------------------------- */

/* 1 if SampleNTT(rho || x || y) needs more than the first three SHAKE128
 * blocks (fewer than 256 of their 336 candidates are below q). */
static int needs_more_than_three_blocks(const uint8_t rho[32], uint8_t x, uint8_t y)
{
    uint8_t seed[34], b[3 * PQCE_SHAKE128_RATE];
    memcpy(seed, rho, 32);
    seed[32] = x;
    seed[33] = y;
    pqce_keccak_shake128(b, sizeof b, seed, sizeof seed);
    unsigned accepted = 0;
    for (size_t p = 0; p < sizeof b; p += 3) {
        accepted += (b[p] | (b[p + 1] & 15u) << 8) < Q;
        accepted += (b[p + 1] >> 4 | (unsigned)b[p + 2] << 4) < Q;
    }
    return accepted < 256;
}

/* 1 if the n polynomials at p are all bytes 0x55 (untouched). */
static int untouched(const poly *p, size_t n)
{
    const uint8_t *b = (const uint8_t *)p;
    for (size_t i = 0; i < n * sizeof(poly); i++) {
        if (b[i] != 0x55) {
            return 0;
        }
    }
    return 1;
}

/* A-hat and its transpose for k = 2, 3, 4, whole (batches of four and
 * lone entries) and in the row groups K-PKE uses (batches of four, three
 * and two), from many rho, including entries that need a fourth block
 * (about 1% do; the test checks that some did). Nothing is written past the
 * entries asked for. */
static void test_polymat_sample_equals_portable(void)
{
    const pqce_mlkem_impl *im = other_impl("SampleNTT");
    static poly want[16], got[17];
    uint8_t rho[32];
    size_t entries = 0, long_entries = 0;
    for (uint64_t n = 0; im != NULL && n < 60; n++) {
        test_fill(rho, sizeof rho, "avx2 rho", n);
        for (unsigned k = 2; k <= 4; k++) {
            for (int tr = 0; tr <= 1; tr++) {
                memset(got, 0x55, sizeof got);
                portable->polymat_sample(want, rho, k, tr, 0, k);
                im->polymat_sample(got, rho, k, tr, 0, k);
                CHECK_MSG(memcmp(want, got, k * k * sizeof(poly)) == 0,
                          "matrix k=%u transposed=%d rho %llu differs", k, tr,
                          (unsigned long long)n);
                CHECK_MSG(untouched(got + k * k, 17 - k * k), "written past the matrix k=%u", k);
                /* the same entries a group of rows at a time */
                const unsigned rows = PQCE_MLKEM_MATRIX_ROWS(k);
                for (unsigned i0 = 0; i0 < k; i0 += rows) {
                    memset(got, 0x55, sizeof got);
                    im->polymat_sample(got, rho, k, tr, i0, rows);
                    CHECK_MSG(memcmp(want + i0 * k, got, rows * k * sizeof(poly)) == 0,
                              "rows %u.. of the matrix k=%u transposed=%d rho %llu differ", i0, k,
                              tr, (unsigned long long)n);
                    CHECK_MSG(untouched(got + rows * k, 17 - rows * k), "written past rows");
                }
                entries += k * k;
                for (unsigned i = 0; i < k * k; i++) {
                    long_entries += (size_t)needs_more_than_three_blocks(
                        rho, (uint8_t)(tr ? i / k : i % k), (uint8_t)(tr ? i % k : i / k));
                }
            }
        }
    }
    if (im != NULL) {
        printf("  %zu matrix entries equal, %zu of them needing more than three blocks\n", entries,
               long_entries);
        CHECK(long_entries > 0);
    }
}

/* count = 1..9 noise polynomials (lone ones, partial and full batches of
 * four) for eta = 2 and 3, from several seeds and nonces; nothing is
 * written past them. */
static void test_polyvec_sample_noise_equals_portable(void)
{
    const pqce_mlkem_impl *im = other_impl("SamplePolyCBD");
    static poly want[9], got[10];
    uint8_t s[32];
    for (uint64_t n = 0; im != NULL && n < 20; n++) {
        test_fill(s, sizeof s, "avx2 noise seed", n);
        if (n == 0) {
            memset(s, 0xFF, sizeof s);
        }
        for (unsigned eta = 2; eta <= 3; eta++) {
            for (unsigned count = 1; count <= 9; count++) {
                const uint8_t nonce = (uint8_t)(n == 1 ? 256 - count : 7 * n);
                memset(got, 0x55, sizeof got);
                portable->polyvec_sample_noise(want, s, nonce, count, eta);
                im->polyvec_sample_noise(got, s, nonce, count, eta);
                CHECK_MSG(memcmp(want, got, count * sizeof(poly)) == 0,
                          "noise eta=%u count=%u seed %llu differs", eta, count,
                          (unsigned long long)n);
                CHECK_MSG(untouched(got + count, 10 - count), "written past %u polys", count);
            }
        }
    }
}

/* ---- the whole KEM --------------------------------------------------------------- */

static const pqce_mlkem_params *const sets[3] = {&pqce_mlkem512_params, &pqce_mlkem768_params,
                                                 &pqce_mlkem1024_params};

/* Keys, ciphertexts and secrets of the two paths agree for random seeds,
 * valid and modified ciphertexts, and keys that fail the input checks
 * (same error, same zeroized outputs). */
static void test_kem_outputs_are_identical_on_both_paths(void)
{
    const pqce_mlkem_impl *im = other_impl("KEM");
    static uint8_t ek[2][MAX_EK], dk[2][MAX_DK], ct[2][MAX_CT];
    uint8_t seed[64], m[32], ss[2][32];
    const pqce_mlkem_impl *impls[2] = {portable, im};
    size_t runs = 0;
    for (size_t si = 0; im != NULL && si < 3; si++) {
        const pqce_mlkem_params *p = sets[si];
        for (uint64_t n = 0; n < 20; n++) {
            test_fill(seed, sizeof seed, "both paths seed", 3 * n + si);
            test_fill(m, sizeof m, "both paths m", 3 * n + si);
            for (int w = 0; w < 2; w++) {
                CHECK_OK(pqce_mlkem_keypair_derand_with(impls[w], p, ek[w], dk[w], seed));
            }
            CHECK_MEM_EQ(ek[0], ek[1], p->ek_bytes);
            CHECK_MEM_EQ(dk[0], dk[1], p->dk_bytes);
            for (int w = 0; w < 2; w++) {
                CHECK_OK(pqce_mlkem_encaps_derand_with(impls[w], p, ct[w], ss[w], ek[0], m));
            }
            CHECK_MEM_EQ(ct[0], ct[1], p->ct_bytes);
            CHECK_MEM_EQ(ss[0], ss[1], 32);
            /* valid, then modified ciphertext (implicit rejection) */
            for (int mod = 0; mod < 2; mod++) {
                ct[0][(n * 37) % p->ct_bytes] ^= (uint8_t)(mod ? 1u << (n % 8) : 0);
                for (int w = 0; w < 2; w++) {
                    CHECK_OK(pqce_mlkem_decaps_with(impls[w], p, ss[w], ct[0], dk[0]));
                }
                CHECK_MEM_EQ(ss[0], ss[1], 32);
            }
            /* ek with a coefficient >= q: both reject and zeroize. */
            ek[0][3 * (n % 128)] = 0xFF;
            ek[0][3 * (n % 128) + 1] |= 0x0F;
            for (int w = 0; w < 2; w++) {
                memset(ct[w], 0xA5, sizeof ct[w]);
                memset(ss[w], 0xA5, sizeof ss[w]);
                CHECK_RC(pqce_mlkem_encaps_derand_with(impls[w], p, ct[w], ss[w], ek[0], m),
                         PQCE_ERR_INVALID_KEY);
            }
            CHECK_MEM_EQ(ct[0], ct[1], p->ct_bytes);
            CHECK_MEM_EQ(ss[0], ss[1], 32);
            /* dk with a modified H(ek): both reject and zeroize. */
            dk[0][768 * p->k + 32 + n % 32] ^= 1;
            for (int w = 0; w < 2; w++) {
                memset(ss[w], 0xA5, sizeof ss[w]);
                CHECK_RC(pqce_mlkem_decaps_with(impls[w], p, ss[w], ct[0], dk[0]),
                         PQCE_ERR_INVALID_KEY);
            }
            CHECK_MEM_EQ(ss[0], ss[1], 32);
            runs++;
        }
    }
    if (im != NULL) {
        printf("  %zu key pairs, encapsulations and decapsulations agree on both paths\n", runs);
        CHECK(runs == 60);
    }
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        TEST_CASE(test_dispatch_selects_avx2_exactly_when_the_cpu_has_it),
        TEST_CASE(test_ntt_equals_portable_bit_for_bit),
        TEST_CASE(test_invntt_equals_portable_bit_for_bit),
        TEST_CASE(test_mulcache_equals_portable_bit_for_bit),
        TEST_CASE(test_basemul_acc_equals_portable_bit_for_bit),
        TEST_CASE(test_reduce_equals_portable_for_every_int16),
        TEST_CASE(test_tomont_equals_portable_for_every_int16),
        TEST_CASE(test_encode12_equals_portable_for_every_int16),
        TEST_CASE(test_decode12_equals_portable_with_the_same_flag),
        TEST_CASE(test_compress_encode_equals_portable_for_every_int16),
        TEST_CASE(test_decode_decompress_equals_portable_for_every_value),
        TEST_CASE(test_polymat_sample_equals_portable),
        TEST_CASE(test_polyvec_sample_noise_equals_portable),
        TEST_CASE(test_kem_outputs_are_identical_on_both_paths),
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
