/*
 * fuzz_mlkem_encaps.c - ML-KEM Encaps on arbitrary encapsulation keys.
 *
 * Input: a selector byte, then ek and m (zero-padded when short). The
 * selector picks ML-KEM-512/768/1024 and a mode:
 *  - raw: ek is the input bytes. Encaps must reject ek with
 *    PQCE_ERR_INVALID_KEY, with zeroized outputs, exactly when some 12-bit
 *    value of ek[0 : 384k] is >= q (checked here independently of the
 *    library [FIPS203, 7.2]); check_ek must agree; Encaps is deterministic.
 *  - keyed: the input's first 64 bytes are a seed d || z; the key pair is
 *    generated from it, ek is then XORed with the rest of the input, and
 *    when the result is still a valid ek that equals the generated one, the
 *    round trip Encaps/Decaps must give the same key.
 *
 * Constant-time code has the same edges for every input, so libFuzzer gets
 * almost no coverage signal and keeps its inputs short. Seed the corpus with
 * full-length inputs (random bytes per selector, and ACVP keys) and run with
 * -len_control=0 -max_len=2000.
 */
#include <pqce.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EK PQCE_MLKEM1024_EK_BYTES
#define MAX_DK PQCE_MLKEM1024_DK_BYTES
#define MAX_CT PQCE_MLKEM1024_CT_BYTES

struct kem {
    size_t k, ek_len, dk_len, ct_len;
    int (*keypair_derand)(uint8_t *, uint8_t *, const uint8_t *);
    int (*encaps_derand)(uint8_t *, uint8_t *, const uint8_t *, const uint8_t *);
    int (*decaps)(uint8_t *, const uint8_t *, const uint8_t *);
    int (*check_ek)(const uint8_t *);
};

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
    }                                                                               \
    static int cek##N(const uint8_t *ek)                                            \
    {                                                                               \
        return pqce_mlkem##N##_check_ek(ek);                                        \
    }
KEM_ADAPTERS(512)
KEM_ADAPTERS(768)
KEM_ADAPTERS(1024)

static const struct kem kems[3] = {
    {2, PQCE_MLKEM512_EK_BYTES, PQCE_MLKEM512_DK_BYTES, PQCE_MLKEM512_CT_BYTES, kp512, en512, de512,
     cek512},
    {3, PQCE_MLKEM768_EK_BYTES, PQCE_MLKEM768_DK_BYTES, PQCE_MLKEM768_CT_BYTES, kp768, en768, de768,
     cek768},
    {4, PQCE_MLKEM1024_EK_BYTES, PQCE_MLKEM1024_DK_BYTES, PQCE_MLKEM1024_CT_BYTES, kp1024, en1024,
     de1024, cek1024},
};

/* Independent of the library: 1 if some 12-bit value of ek[0 : 384k] >= q. */
static int has_coefficient_ge_q(const uint8_t *ek, size_t k)
{
    for (size_t i = 0; i < 384 * k; i += 3) {
        unsigned a = ek[i] | (unsigned)(ek[i + 1] & 15) << 8;
        unsigned b = (unsigned)(ek[i + 1] >> 4) | (unsigned)ek[i + 2] << 4;
        if (a >= 3329 || b >= 3329) {
            return 1;
        }
    }
    return 0;
}

static int all_zero(const uint8_t *p, size_t len)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < len; i++) {
        acc |= p[i];
    }
    return acc == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t ek[MAX_EK], gen_ek[MAX_EK], dk[MAX_DK], ct1[MAX_CT], ct2[MAX_CT];
    uint8_t m[32] = {0}, ss1[32], ss2[32], seed[64] = {0};
    if (size == 0) {
        return 0;
    }
    const struct kem *kem = &kems[data[0] % 3];
    const int keyed = (data[0] & 0x80) != 0;
    data++;
    size--;

    memset(ek, 0, sizeof ek);
    if (keyed) {
        size_t n = size < 64 ? size : 64;
        memcpy(seed, data, n);
        data += n;
        size -= n;
        if (kem->keypair_derand(gen_ek, dk, seed) != PQCE_OK) {
            abort();
        }
        memcpy(ek, gen_ek, kem->ek_len);
        for (size_t i = 0; i < size && i < kem->ek_len; i++) {
            ek[i] ^= data[i];
        }
    } else {
        memcpy(ek, data, size < kem->ek_len ? size : kem->ek_len);
    }
    size_t used = size < kem->ek_len ? size : kem->ek_len;
    memcpy(m, data + used, size - used < 32 ? size - used : 32);

    const int invalid = has_coefficient_ge_q(ek, kem->k);
    memset(ct1, 0xA5, sizeof ct1);
    memset(ss1, 0xA5, sizeof ss1);
    int rc1 = kem->encaps_derand(ct1, ss1, ek, m);
    int rc2 = kem->encaps_derand(ct2, ss2, ek, m);
    if (rc1 != rc2 ||
        (rc1 == PQCE_OK && (memcmp(ct1, ct2, kem->ct_len) != 0 || memcmp(ss1, ss2, 32) != 0))) {
        abort(); /* not deterministic */
    }
    if (invalid) {
        if (rc1 != PQCE_ERR_INVALID_KEY || !all_zero(ct1, kem->ct_len) || !all_zero(ss1, 32) ||
            kem->check_ek(ek) != PQCE_ERR_INVALID_KEY) {
            abort(); /* a coefficient >= q must be rejected, outputs zeroized */
        }
        return 0;
    }
    if (rc1 != PQCE_OK || kem->check_ek(ek) != PQCE_OK) {
        abort(); /* every ek with all coefficients < q must be accepted */
    }
    if (keyed && memcmp(ek, gen_ek, kem->ek_len) == 0) {
        uint8_t ss3[32];
        if (kem->decaps(ss3, ct1, dk) != PQCE_OK || memcmp(ss3, ss1, 32) != 0) {
            abort(); /* round trip */
        }
    }
    return 0;
}
