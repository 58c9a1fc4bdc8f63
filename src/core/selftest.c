/*
 * selftest.c - known-answer tests built into the library (pqce_selftest).
 *
 * Each test recomputes a value published in a standard's validation data
 * (NIST CAVP/ACVP, Wycheproof) and compares it with the constant below.
 * Large outputs are compared through their SHA3-256 digest, computed with
 * the SHA3-256 that the first tests have just validated.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/aes_gcm.h"
#include "crypto/mldsa_selftest.h"
#include "crypto/mlkem_selftest.h"
#include "pqce.h"

typedef int (*kat_fn)(void);

static int hex_to_bytes(uint8_t *out, size_t out_len, const char *hex)
{
    if (strlen(hex) != 2 * out_len) {
        return -1;
    }
    for (size_t i = 0; i < out_len; i++) {
        unsigned v = 0;
        for (int j = 0; j < 2; j++) {
            char c = hex[2 * i + (size_t)j];
            unsigned d = (c >= '0' && c <= '9')   ? (unsigned)(c - '0')
                         : (c >= 'a' && c <= 'f') ? (unsigned)(c - 'a' + 10)
                         : (c >= 'A' && c <= 'F') ? (unsigned)(c - 'A' + 10)
                                                  : 16u;
            if (d > 15) {
                return -1;
            }
            v = v << 4 | d;
        }
        out[i] = (uint8_t)v;
    }
    return 0;
}

/* 0 if buf equals the hex constant. */
static int expect_hex(const uint8_t *buf, size_t len, const char *hex)
{
    uint8_t want[256];
    if (len > sizeof want || hex_to_bytes(want, len, hex) != 0) {
        return PQCE_ERR_SELFTEST;
    }
    return memcmp(buf, want, len) == 0 ? PQCE_OK : PQCE_ERR_SELFTEST;
}

/* FIPS 202 SHA3-256 of the empty string (CAVP SHA3_256ShortMsg, Len = 0). */
static int kat_sha3_256(void)
{
    uint8_t md[32];
    int ret = pqce_sha3_256(md, NULL, 0);
    return ret != PQCE_OK
               ? ret
               : expect_hex(md, sizeof md,
                            "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
}

/* SHA3-512("abc") (FIPS 202 example values). */
static int kat_sha3_512(void)
{
    uint8_t md[64];
    int ret = pqce_sha3_512(md, (const uint8_t *)"abc", 3);
    return ret != PQCE_OK
               ? ret
               : expect_hex(md, sizeof md,
                            "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
                            "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0");
}

/* SHAKE128 of the empty string, 32 bytes. */
static int kat_shake128(void)
{
    uint8_t out[32];
    int ret = pqce_shake128(out, sizeof out, NULL, 0);
    return ret != PQCE_OK
               ? ret
               : expect_hex(out, sizeof out,
                            "7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26");
}

/* SHAKE256 of bytes 0..199, squeezed in uneven pieces: the last 32 of 300
 * bytes. Exercises multi-block absorb and incremental squeeze. */
static int kat_shake256_incremental(void)
{
    uint8_t msg[200], out[300];
    pqce_sha3_ctx c;
    for (size_t i = 0; i < sizeof msg; i++) {
        msg[i] = (uint8_t)i;
    }
    int ret = pqce_shake256_init(&c);
    if (ret == PQCE_OK) {
        ret = pqce_sha3_absorb(&c, msg, 7);
    }
    if (ret == PQCE_OK) {
        ret = pqce_sha3_absorb(&c, msg + 7, sizeof msg - 7);
    }
    if (ret == PQCE_OK) {
        ret = pqce_shake_squeeze(&c, out, 1);
    }
    if (ret == PQCE_OK) {
        ret = pqce_shake_squeeze(&c, out + 1, sizeof out - 1);
    }
    pqce_sha3_wipe(&c);
    return ret != PQCE_OK
               ? ret
               : expect_hex(out + 268, 32,
                            "c53c23e716c670c4db23c67901358ae64f3f0ccedfa05b29e84e1a11a635bfe7");
}

/* AES-256-GCM, Wycheproof aes_gcm_test.json tcId 91: seal, open, and
 * rejection of a modified tag with the output wiped. */
static int kat_aes256gcm(void)
{
    uint8_t key[32], iv[12], aad[8], msg[10], ct[10], tag[16], pt[10];
    if (hex_to_bytes(key, 32, "92ace3e348cd821092cd921aa3546374299ab46209691bc28b8752d17f123c20") ||
        hex_to_bytes(iv, 12, "00112233445566778899aabb") ||
        hex_to_bytes(aad, 8, "00000000ffffffff") || hex_to_bytes(msg, 10, "00010203040506070809")) {
        return PQCE_ERR_SELFTEST;
    }
    int ret = pqce_aes256gcm_seal(ct, tag, msg, sizeof msg, aad, sizeof aad, iv, key);
    if (ret != PQCE_OK) {
        return ret;
    }
    if (expect_hex(ct, sizeof ct, "e27abdd2d2a53d2f136b") != PQCE_OK ||
        expect_hex(tag, sizeof tag, "9a4a2579529301bcfb71c78d4060f52c") != PQCE_OK) {
        return PQCE_ERR_SELFTEST;
    }
    ret = pqce_aes256gcm_open(pt, ct, sizeof ct, tag, aad, sizeof aad, iv, key);
    if (ret != PQCE_OK || memcmp(pt, msg, sizeof msg) != 0) {
        return PQCE_ERR_SELFTEST;
    }
    tag[15] ^= 1;
    memset(pt, 0xA5, sizeof pt);
    ret = pqce_aes256gcm_open(pt, ct, sizeof ct, tag, aad, sizeof aad, iv, key);
    static const uint8_t zeros[10];
    if (ret != PQCE_ERR_DECRYPT || memcmp(pt, zeros, sizeof pt) != 0) {
        return PQCE_ERR_SELFTEST;
    }
    return PQCE_OK;
}

/* ML-KEM-512/768/1024 key generation, encapsulation, decapsulation, implicit
 * rejection and input checks against ACVP FIPS203-tr1 data: mlkem_selftest.c. */
static int kat_mlkem512(void)
{
    return pqce_mlkem_selftest(0);
}

static int kat_mlkem768(void)
{
    return pqce_mlkem_selftest(1);
}

static int kat_mlkem1024(void)
{
    return pqce_mlkem_selftest(2);
}

/* ML-DSA: key generation, deterministic signing with a context,
 * verification and rejection against ACVP data: mldsa_selftest.c. */
static int kat_mldsa44(void)
{
    return pqce_mldsa_selftest(0);
}

static int kat_mldsa65(void)
{
    return pqce_mldsa_selftest(1);
}

static int kat_mldsa87(void)
{
    return pqce_mldsa_selftest(2);
}

static const struct {
    const char *name;
    kat_fn fn;
} kats[] = {
    {"SHA3-256 (FIPS 202, CAVP)", kat_sha3_256},
    {"SHA3-512 (FIPS 202)", kat_sha3_512},
    {"SHAKE128 (FIPS 202)", kat_shake128},
    {"SHAKE256 incremental absorb/squeeze", kat_shake256_incremental},
    {"AES-256-GCM seal/open/reject (Wycheproof 91)", kat_aes256gcm},
    {"ML-KEM-512 (FIPS 203, ACVP tr1 76)", kat_mlkem512},
    {"ML-KEM-768 (FIPS 203, ACVP tr1 96)", kat_mlkem768},
    {"ML-KEM-1024 (FIPS 203, ACVP tr1 118)", kat_mlkem1024},
    {"ML-DSA-44 keygen/sign/verify (FIPS 204, ACVP)", kat_mldsa44},
    {"ML-DSA-65 keygen/sign/verify (FIPS 204, ACVP)", kat_mldsa65},
    {"ML-DSA-87 keygen/sign/verify (FIPS 204, ACVP)", kat_mldsa87},
};

int pqce_selftest(void (*report)(void *arg, const char *name, int result), void *arg)
{
    int all = PQCE_OK;
    for (size_t i = 0; i < sizeof kats / sizeof kats[0]; i++) {
        int r = kats[i].fn();
        if (r != PQCE_OK) {
            r = PQCE_ERR_SELFTEST;
            all = PQCE_ERR_SELFTEST;
        }
        if (report != NULL) {
            report(arg, kats[i].name, r);
        }
    }
    return all;
}
