/*
 * fuzz_mldsa_verify.c - ML-DSA-44/65/87 verification on arbitrary bytes.
 *
 * Input layout:
 *   byte 0: bits 0-1 parameter set (0: 44, 1: 65, 2 and 3: 87),
 *           bits 2-3 interface (pure, internal M', external mu, pre-hash),
 *           bits 4-7 pre-hash function (mod 12, + 1)
 *   byte 1: bit 0 the public key comes from the input (else a fixed valid
 *           key), bit 1 the signature is a valid signature XOR the input
 *           bytes (else the input bytes themselves), bit 2 the signature
 *           length is the correct one plus (int8) byte 2
 *   byte 3: context length
 *   then the signature bytes, the public key (if from the input), the
 *   context, and the rest is the message (in XOR mode the message,
 *   context and key are the fixed ones the valid signature was made for).
 *
 * Every buffer handed to the library is a heap copy of exactly its length,
 * so AddressSanitizer sees any read past it. The oracle: verification
 * returns 0, PQCE_ERR_VERIFY or PQCE_ERR_INVALID_ARG and nothing else; the
 * unmodified valid signature verifies; and a modified one never does
 * (ML-DSA with the strict HintBitUnpack is strongly unforgeable, so any
 * other accepted signature is a bug).
 */
#include <pqce.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef int (*verify_fn)(const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *, size_t,
                         const uint8_t *);
typedef int (*hash_verify_fn)(const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *,
                              size_t, pqce_mldsa_hash, const uint8_t *);
typedef int (*verify_internal_fn)(const uint8_t *, size_t, const uint8_t *, size_t,
                                  const uint8_t *);
typedef int (*verify_mu_fn)(const uint8_t *, size_t, const uint8_t *, const uint8_t *);

struct set {
    size_t pk_len, sk_len, sig_len;
    int (*keypair_derand)(uint8_t *, uint8_t *, const uint8_t *);
    int (*sign_derand)(uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t, const uint8_t *,
                       const uint8_t *);
    int (*sign_internal)(uint8_t *, const uint8_t *, size_t, const uint8_t *, const uint8_t *);
    int (*sign_mu_derand)(uint8_t *, const uint8_t *, const uint8_t *, const uint8_t *);
    int (*hash_sign_derand)(uint8_t *, const uint8_t *, size_t, const uint8_t *, size_t,
                            pqce_mldsa_hash, const uint8_t *, const uint8_t *);
    verify_fn verify;
    verify_internal_fn verify_internal;
    verify_mu_fn verify_mu;
    hash_verify_fn hash_verify;
};

#define SET(N)                                                                         \
    {                                                                                  \
        PQCE_MLDSA##N##_PK_BYTES, PQCE_MLDSA##N##_SK_BYTES, PQCE_MLDSA##N##_SIG_BYTES, \
            pqce_mldsa##N##_keypair_derand, pqce_mldsa##N##_sign_derand,               \
            pqce_mldsa##N##_sign_internal, pqce_mldsa##N##_sign_mu_derand,             \
            pqce_mldsa##N##_hash_sign_derand, pqce_mldsa##N##_verify,                  \
            pqce_mldsa##N##_verify_internal, pqce_mldsa##N##_verify_mu,                \
            pqce_mldsa##N##_hash_verify                                                \
    }

static const struct set sets[3] = {SET(44), SET(65), SET(87)};

/* The fixed keys and, per interface, a valid signature of the fixed
 * message (made once). */
static uint8_t fixed_pk[3][PQCE_MLDSA87_PK_BYTES];
static uint8_t valid_sig[3][4][PQCE_MLDSA87_SIG_BYTES];
static const uint8_t fixed_msg[] = "fuzz: manifest of model weights";
static const uint8_t fixed_ctx[] = "pqc-enclave";
static const uint8_t fixed_mu[PQCE_MLDSA_MU_BYTES] = {1, 2, 3};
#define FIXED_HASH PQCE_MLDSA_HASH_SHAKE256

static void setup(void)
{
    static int done;
    static uint8_t sk[PQCE_MLDSA87_SK_BYTES];
    const uint8_t seed[PQCE_MLDSA_SEED_BYTES] = {42};
    const uint8_t rnd[PQCE_MLDSA_RND_BYTES] = {0};
    if (done) {
        return;
    }
    for (int s = 0; s < 3; s++) {
        const struct set *t = &sets[s];
        if (t->keypair_derand(fixed_pk[s], sk, seed) != 0 ||
            t->sign_derand(valid_sig[s][0], fixed_msg, sizeof fixed_msg, fixed_ctx,
                           sizeof fixed_ctx, sk, rnd) != 0 ||
            t->sign_internal(valid_sig[s][1], fixed_msg, sizeof fixed_msg, sk, rnd) != 0 ||
            t->sign_mu_derand(valid_sig[s][2], fixed_mu, sk, rnd) != 0 ||
            t->hash_sign_derand(valid_sig[s][3], fixed_msg, sizeof fixed_msg, fixed_ctx,
                                sizeof fixed_ctx, FIXED_HASH, sk, rnd) != 0) {
            abort();
        }
    }
    done = 1;
}

/* A heap copy of exactly len bytes (at least 1 allocated). */
static uint8_t *dup_exact(const uint8_t *p, size_t len)
{
    uint8_t *c = malloc(len > 0 ? len : 1);
    if (c == NULL) {
        abort();
    }
    if (len > 0) {
        memcpy(c, p, len);
    }
    return c;
}

/* Takes up to n bytes from the input (fewer at its end). */
static size_t take(const uint8_t **data, size_t *size, size_t n)
{
    size_t k = n < *size ? n : *size;
    *data += k;
    *size -= k;
    return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    if (size < 4) {
        return 0;
    }
    const unsigned si = (data[0] & 3u) == 3u ? 2u : data[0] & 3u;
    const unsigned iface = (data[0] >> 2) & 3u;
    const pqce_mldsa_hash hash = (pqce_mldsa_hash)((data[0] >> 4) % 12u + 1u);
    const int own_pk = data[1] & 1, xor_mode = (data[1] >> 1) & 1, odd_len = (data[1] >> 2) & 1;
    const struct set *t = &sets[si];
    size_t sig_len = t->sig_len;
    if (odd_len) {
        long l = (long)t->sig_len + (int8_t)data[2];
        sig_len = (size_t)l;
    }
    size_t ctx_len = data[3];
    data += 4;
    size -= 4;

    /* the signature */
    uint8_t *sig = calloc(sig_len > 0 ? sig_len : 1, 1);
    if (sig == NULL) {
        abort();
    }
    const uint8_t *sig_in = data;
    size_t got = take(&data, &size, sig_len);
    int modified = 0;
    if (xor_mode) {
        const uint8_t *valid = valid_sig[si][iface];
        for (size_t i = 0; i < sig_len; i++) {
            uint8_t x = i < got ? sig_in[i] : 0;
            sig[i] = (uint8_t)((i < t->sig_len ? valid[i] : 0) ^ x);
            modified |= x != 0;
        }
        modified |= sig_len != t->sig_len;
    } else {
        memcpy(sig, sig_in, got);
    }
    uint8_t *sig_copy = dup_exact(sig, sig_len);
    free(sig);

    /* the public key */
    uint8_t *pk = dup_exact(fixed_pk[si], t->pk_len);
    if (own_pk && !xor_mode) {
        const uint8_t *pk_in = data;
        size_t n = take(&data, &size, t->pk_len);
        memcpy(pk, pk_in, n);
    }

    /* context and message */
    const uint8_t *ctx_src = data;
    ctx_len = take(&data, &size, ctx_len);
    uint8_t *ctx = dup_exact(ctx_src, ctx_len);
    uint8_t *msg = dup_exact(data, size);
    size_t msg_len = size;
    if (xor_mode) {
        free(ctx);
        free(msg);
        ctx = dup_exact(fixed_ctx, sizeof fixed_ctx);
        ctx_len = sizeof fixed_ctx;
        msg = dup_exact(fixed_msg, sizeof fixed_msg);
        msg_len = sizeof fixed_msg;
    }

    int rc;
    switch (iface) {
    case 0:
        rc = t->verify(sig_copy, sig_len, msg, msg_len, ctx, ctx_len, pk);
        break;
    case 1:
        rc = t->verify_internal(sig_copy, sig_len, msg, msg_len, pk);
        break;
    case 2: {
        /* mu: the fixed one, or the first 64 message bytes (zero-padded) */
        uint8_t mu[PQCE_MLDSA_MU_BYTES] = {0};
        if (xor_mode) {
            memcpy(mu, fixed_mu, sizeof mu);
        } else {
            memcpy(mu, msg, msg_len < sizeof mu ? msg_len : sizeof mu);
        }
        rc = t->verify_mu(sig_copy, sig_len, mu, pk);
        break;
    }
    default:
        rc = t->hash_verify(sig_copy, sig_len, msg, msg_len, ctx, ctx_len,
                            xor_mode ? FIXED_HASH : hash, pk);
    }

    if (rc != 0 && rc != PQCE_ERR_VERIFY && rc != PQCE_ERR_INVALID_ARG) {
        abort(); /* an error verification must never return */
    }
    if (xor_mode && !modified && rc != 0) {
        abort(); /* a valid signature failed to verify */
    }
    if (xor_mode && modified && rc == 0) {
        abort(); /* a modified signature verified */
    }
    free(sig_copy);
    free(pk);
    free(ctx);
    free(msg);
    return 0;
}
