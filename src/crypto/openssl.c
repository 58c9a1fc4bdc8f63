/*
 * openssl.c - the one file of pqc-enclave that calls OpenSSL (libcrypto).
 *
 * It implements aes_gcm.h (AES-256-GCM [SP800-38D] through EVP; OpenSSL
 * picks its AES-NI/VAES and carry-less multiply code at run time),
 * x25519.h (X25519 [RFC7748] for X-Wing), sha2.h (SHA-2 [FIPS180-4],
 * only for the HashML-DSA pre-hashes) and scrypt.h (scrypt [RFC7914], for
 * the file backend's passphrase). Every OpenSSL return value is
 * checked and mapped to a pqce code, and the OpenSSL error queue is cleared
 * on every failure so that no error state leaks to the caller's thread. No
 * OpenSSL type crosses these headers.
 */
#include "crypto/aes_gcm.h"
#include "crypto/scrypt.h"
#include "crypto/sha2.h"
#include "crypto/x25519.h"

#include <limits.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdlib.h>

#include "pqce.h"

/* ---- AES-256-GCM --------------------------------------------------------- */

enum gcm_state { GCM_IDLE = 0, GCM_SEALING, GCM_OPENING };

struct pqce_aes_gcm {
    EVP_CIPHER *cipher;
    EVP_CIPHER_CTX *ctx;
    size_t iv_len;    /* IV length the context is set to */
    uint64_t msg_len; /* bytes processed since begin, bounded by SP800-38D */
    enum gcm_state state;
};

/* EVP takes int lengths: larger inputs go through in pieces of this size. */
#define EVP_PIECE ((size_t)1 << 30)

static int crypto_fail(void)
{
    ERR_clear_error();
    return PQCE_ERR_CRYPTO;
}

int pqce_aes_gcm_new(pqce_aes_gcm **out, const uint8_t key[PQCE_AES256_KEY_BYTES])
{
    if (out == NULL || key == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *out = NULL;
    pqce_aes_gcm *g = calloc(1, sizeof *g);
    if (g == NULL) {
        return PQCE_ERR_NOMEM;
    }
    g->cipher = EVP_CIPHER_fetch(NULL, "AES-256-GCM", NULL);
    g->ctx = EVP_CIPHER_CTX_new();
    if (g->cipher == NULL || g->ctx == NULL ||
        EVP_CipherInit_ex(g->ctx, g->cipher, NULL, key, NULL, 1) != 1) {
        pqce_aes_gcm_free(g);
        return crypto_fail();
    }
    g->iv_len = PQCE_GCM_NONCE_BYTES; /* OpenSSL's default for GCM */
    *out = g;
    return PQCE_OK;
}

int pqce_aes_gcm_rekey(pqce_aes_gcm *g, const uint8_t key[PQCE_AES256_KEY_BYTES])
{
    if (g == NULL || key == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    g->state = GCM_IDLE;
    if (EVP_CipherInit_ex(g->ctx, NULL, NULL, key, NULL, 1) != 1) {
        return crypto_fail();
    }
    return PQCE_OK;
}

void pqce_aes_gcm_free(pqce_aes_gcm *g)
{
    if (g == NULL) {
        return;
    }
    /* EVP_CIPHER_CTX_free cleanses the key schedule. */
    EVP_CIPHER_CTX_free(g->ctx);
    EVP_CIPHER_free(g->cipher);
    pqce_memzero(g, sizeof *g);
    free(g);
}

static int feed(EVP_CIPHER_CTX *ctx, uint8_t *out, const uint8_t *in, size_t len)
{
    while (len > 0) {
        size_t piece = len < EVP_PIECE ? len : EVP_PIECE;
        int outl = 0;
        if (EVP_CipherUpdate(ctx, out, &outl, in, (int)piece) != 1) {
            return crypto_fail();
        }
        /* GCM is a stream mode: output length equals input length. */
        if (out != NULL && (size_t)outl != piece) {
            return crypto_fail();
        }
        if (out != NULL) {
            out += piece;
        }
        in += piece;
        len -= piece;
    }
    return PQCE_OK;
}

int pqce_aes_gcm_begin(pqce_aes_gcm *g, int encrypt, const uint8_t *iv, size_t iv_len,
                       const uint8_t *aad, size_t aad_len)
{
    if (g == NULL || iv == NULL || (aad == NULL && aad_len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    /* A zero-length IV voids GCM's security [SP800-38D, 8.2]. */
    if (iv_len == 0) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (iv_len > PQCE_GCM_IV_MAX_BYTES) {
        return PQCE_ERR_UNSUPPORTED;
    }
    g->state = GCM_IDLE;
    if (iv_len != g->iv_len) {
        if (EVP_CIPHER_CTX_ctrl(g->ctx, EVP_CTRL_GCM_SET_IVLEN, (int)iv_len, NULL) != 1) {
            ERR_clear_error();
            return PQCE_ERR_UNSUPPORTED;
        }
        g->iv_len = iv_len;
    }
    /* NULL cipher and key: keep the key schedule, set IV and direction. */
    if (EVP_CipherInit_ex(g->ctx, NULL, NULL, NULL, iv, encrypt ? 1 : 0) != 1) {
        return crypto_fail();
    }
    int ret = feed(g->ctx, NULL, aad, aad_len);
    if (ret != PQCE_OK) {
        return ret;
    }
    g->msg_len = 0;
    g->state = encrypt ? GCM_SEALING : GCM_OPENING;
    return PQCE_OK;
}

int pqce_aes_gcm_update(pqce_aes_gcm *g, uint8_t *out, const uint8_t *in, size_t len)
{
    if (g == NULL || ((out == NULL || in == NULL) && len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (g->state == GCM_IDLE) {
        return PQCE_ERR_STATE;
    }
    if (len > PQCE_GCM_MAX_MESSAGE_BYTES - g->msg_len) {
        return PQCE_ERR_INVALID_ARG;
    }
    g->msg_len += len;
    return feed(g->ctx, out, in, len);
}

int pqce_aes_gcm_finish_seal(pqce_aes_gcm *g, uint8_t tag[PQCE_GCM_TAG_BYTES])
{
    if (g == NULL || tag == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (g->state != GCM_SEALING) {
        return PQCE_ERR_STATE;
    }
    g->state = GCM_IDLE;
    int outl = 0;
    uint8_t dummy[16];
    if (EVP_EncryptFinal_ex(g->ctx, dummy, &outl) != 1 ||
        EVP_CIPHER_CTX_ctrl(g->ctx, EVP_CTRL_GCM_GET_TAG, PQCE_GCM_TAG_BYTES, tag) != 1) {
        return crypto_fail();
    }
    return PQCE_OK;
}

int pqce_aes_gcm_finish_open(pqce_aes_gcm *g, const uint8_t tag[PQCE_GCM_TAG_BYTES])
{
    if (g == NULL || tag == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (g->state != GCM_OPENING) {
        return PQCE_ERR_STATE;
    }
    g->state = GCM_IDLE;
    uint8_t tag_copy[PQCE_GCM_TAG_BYTES];
    for (size_t i = 0; i < sizeof tag_copy; i++) {
        tag_copy[i] = tag[i];
    }
    if (EVP_CIPHER_CTX_ctrl(g->ctx, EVP_CTRL_GCM_SET_TAG, PQCE_GCM_TAG_BYTES, tag_copy) != 1) {
        return crypto_fail();
    }
    int outl = 0;
    uint8_t dummy[16];
    /* OpenSSL compares the tag in constant time (CRYPTO_memcmp). */
    if (EVP_DecryptFinal_ex(g->ctx, dummy, &outl) != 1) {
        ERR_clear_error();
        return PQCE_ERR_DECRYPT;
    }
    return PQCE_OK;
}

int pqce_aes_gcm_seal(pqce_aes_gcm *g, uint8_t *ct, uint8_t tag[PQCE_GCM_TAG_BYTES],
                      const uint8_t *pt, size_t pt_len, const uint8_t *aad, size_t aad_len,
                      const uint8_t *iv, size_t iv_len)
{
    int ret;
    if (g == NULL || tag == NULL || ((ct == NULL || pt == NULL) && pt_len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    if ((ret = pqce_aes_gcm_begin(g, 1, iv, iv_len, aad, aad_len)) != PQCE_OK ||
        (ret = pqce_aes_gcm_update(g, ct, pt, pt_len)) != PQCE_OK ||
        (ret = pqce_aes_gcm_finish_seal(g, tag)) != PQCE_OK) {
        g->state = GCM_IDLE;
        pqce_memzero(ct, pt_len);
        pqce_memzero(tag, PQCE_GCM_TAG_BYTES);
    }
    return ret;
}

int pqce_aes_gcm_open(pqce_aes_gcm *g, uint8_t *pt, const uint8_t *ct, size_t ct_len,
                      const uint8_t tag[PQCE_GCM_TAG_BYTES], const uint8_t *aad, size_t aad_len,
                      const uint8_t *iv, size_t iv_len)
{
    int ret;
    if (g == NULL || tag == NULL || ((ct == NULL || pt == NULL) && ct_len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    if ((ret = pqce_aes_gcm_begin(g, 0, iv, iv_len, aad, aad_len)) != PQCE_OK ||
        (ret = pqce_aes_gcm_update(g, pt, ct, ct_len)) != PQCE_OK ||
        (ret = pqce_aes_gcm_finish_open(g, tag)) != PQCE_OK) {
        g->state = GCM_IDLE;
        /* Never release plaintext whose tag did not verify. */
        pqce_memzero(pt, ct_len);
    }
    return ret;
}

int pqce_aes256gcm_seal(uint8_t *ct, uint8_t tag[PQCE_GCM_TAG_BYTES], const uint8_t *pt,
                        size_t pt_len, const uint8_t *aad, size_t aad_len,
                        const uint8_t nonce[PQCE_GCM_NONCE_BYTES],
                        const uint8_t key[PQCE_AES256_KEY_BYTES])
{
    pqce_aes_gcm *g = NULL;
    int ret = pqce_aes_gcm_new(&g, key);
    if (ret == PQCE_OK) {
        ret = pqce_aes_gcm_seal(g, ct, tag, pt, pt_len, aad, aad_len, nonce, PQCE_GCM_NONCE_BYTES);
    } else if (tag != NULL) {
        pqce_memzero(tag, PQCE_GCM_TAG_BYTES);
    }
    pqce_aes_gcm_free(g);
    return ret;
}

int pqce_aes256gcm_open(uint8_t *pt, const uint8_t *ct, size_t ct_len,
                        const uint8_t tag[PQCE_GCM_TAG_BYTES], const uint8_t *aad, size_t aad_len,
                        const uint8_t nonce[PQCE_GCM_NONCE_BYTES],
                        const uint8_t key[PQCE_AES256_KEY_BYTES])
{
    pqce_aes_gcm *g = NULL;
    int ret = pqce_aes_gcm_new(&g, key);
    if (ret == PQCE_OK) {
        ret = pqce_aes_gcm_open(g, pt, ct, ct_len, tag, aad, aad_len, nonce, PQCE_GCM_NONCE_BYTES);
    } else if (pt != NULL) {
        pqce_memzero(pt, ct_len);
    }
    pqce_aes_gcm_free(g);
    return ret;
}

/* ---- X25519 ---------------------------------------------------------------- */

int pqce_x25519_public(uint8_t pk[PQCE_X25519_BYTES], const uint8_t sk[PQCE_X25519_BYTES])
{
    if (pk == NULL || sk == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    size_t len = PQCE_X25519_BYTES;
    EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sk, PQCE_X25519_BYTES);
    int ok =
        key != NULL && EVP_PKEY_get_raw_public_key(key, pk, &len) == 1 && len == PQCE_X25519_BYTES;
    EVP_PKEY_free(key); /* frees (and cleanses) the private key copy */
    if (!ok) {
        pqce_memzero(pk, PQCE_X25519_BYTES);
        return crypto_fail();
    }
    return PQCE_OK;
}

int pqce_x25519(uint8_t ss[PQCE_X25519_BYTES], const uint8_t sk[PQCE_X25519_BYTES],
                const uint8_t peer[PQCE_X25519_BYTES])
{
    if (ss == NULL || sk == NULL || peer == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    int ret = PQCE_ERR_CRYPTO;
    size_t len = PQCE_X25519_BYTES;
    EVP_PKEY *key = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, sk, PQCE_X25519_BYTES);
    EVP_PKEY *pub = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer, PQCE_X25519_BYTES);
    EVP_PKEY_CTX *ctx = key != NULL ? EVP_PKEY_CTX_new(key, NULL) : NULL;
    if (ctx == NULL || pub == NULL || EVP_PKEY_derive_init(ctx) != 1 ||
        EVP_PKEY_derive_set_peer(ctx, pub) != 1) {
        goto cleanup;
    }
    /* OpenSSL fails the derivation exactly when the result is all zero
     * (a low-order peer point) [RFC7748, 6.1]. */
    if (EVP_PKEY_derive(ctx, ss, &len) != 1 || len != PQCE_X25519_BYTES) {
        ret = PQCE_ERR_INVALID_KEY;
        goto cleanup;
    }
    ret = PQCE_OK;
cleanup:
    if (ret != PQCE_OK) {
        ERR_clear_error();
        pqce_memzero(ss, PQCE_X25519_BYTES);
    }
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(pub);
    EVP_PKEY_free(key);
    return ret;
}

/* ---- SHA-2 ------------------------------------------------------------------ */

int pqce_sha2_digest(pqce_sha2_alg alg, uint8_t *out, size_t out_cap, size_t *out_len,
                     const uint8_t *in, size_t in_len)
{
    const EVP_MD *md;
    unsigned int len = 0;

    if (out == NULL || out_len == NULL || (in == NULL && in_len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    switch (alg) {
    case PQCE_SHA2_224:
        md = EVP_sha224();
        break;
    case PQCE_SHA2_256:
        md = EVP_sha256();
        break;
    case PQCE_SHA2_384:
        md = EVP_sha384();
        break;
    case PQCE_SHA2_512:
        md = EVP_sha512();
        break;
    case PQCE_SHA2_512_224:
        md = EVP_sha512_224();
        break;
    case PQCE_SHA2_512_256:
        md = EVP_sha512_256();
        break;
    default:
        return PQCE_ERR_INVALID_ARG;
    }
    if (md == NULL) {
        return crypto_fail();
    }
    if ((size_t)EVP_MD_get_size(md) > out_cap) {
        return PQCE_ERR_INVALID_ARG;
    }
    /* EVP_Digest takes a size_t count; an empty message needs a valid
     * pointer. */
    static const uint8_t empty[1];
    if (EVP_Digest(in_len > 0 ? in : empty, in_len, out, &len, md, NULL) != 1) {
        ERR_clear_error();
        pqce_memzero(out, out_cap);
        return PQCE_ERR_CRYPTO;
    }
    *out_len = len;
    return PQCE_OK;
}

/* ---- scrypt ----------------------------------------------------------------- */

int pqce_scrypt(uint8_t *out, size_t out_len, const uint8_t *pass, size_t pass_len,
                const uint8_t *salt, size_t salt_len, uint64_t n, uint32_t r, uint32_t p)
{
    if (out == NULL || out_len == 0 || (pass == NULL && pass_len > 0) ||
        (salt == NULL && salt_len > 0) || n < 2 || (n & (n - 1)) != 0 || r == 0 || p == 0) {
        return PQCE_ERR_INVALID_ARG;
    }
    /* OpenSSL refuses to allocate more than maxmem; it needs
     * 128 * r * (n + 2) bytes for V and X and 128 * r * p for B. Computing
     * the exact need here (checked for overflow) lets the caller's bounds,
     * not OpenSSL's 32 MiB default, decide what is acceptable. */
    uint64_t blocks = n + 2u + p;
    if (blocks < n || (uint64_t)r > UINT64_MAX / 128u / blocks) {
        return PQCE_ERR_INVALID_ARG;
    }
    uint64_t need = 128u * (uint64_t)r * blocks + 4096u;
    if (need > SIZE_MAX) {
        return PQCE_ERR_INVALID_ARG;
    }
    static const uint8_t empty[1];
    if (EVP_PBE_scrypt(pass_len > 0 ? (const char *)pass : (const char *)empty, pass_len,
                       salt_len > 0 ? salt : empty, salt_len, n, r, p, need, out, out_len) != 1) {
        ERR_clear_error();
        pqce_memzero(out, out_len);
        return PQCE_ERR_CRYPTO;
    }
    return PQCE_OK;
}
