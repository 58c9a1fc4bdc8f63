/*
 * sha3.c - the public SHA-3 and SHAKE interface [FIPS202, 6.1 and 6.2].
 *
 * A thin, checked layer over the sponge in keccak.c. The context records
 * its phase so that misuse (absorbing after output was taken, a fixed-size
 * final on an XOF) is an error rather than a wrong digest.
 */
#include <string.h>

#include "crypto/keccak.h"
#include "pqce.h"

enum sha3_phase { PHASE_NONE = 0, PHASE_ABSORB = 1, PHASE_SQUEEZE = 2 };

/* The public context is laid out so that its first fields are a sponge. */
_Static_assert(sizeof(((pqce_sha3_ctx *)0)->opaque_state) == sizeof(((pqce_keccak *)0)->s),
               "sha3 context state size");

static void ctx_to_sponge(pqce_keccak *k, const pqce_sha3_ctx *ctx)
{
    memcpy(k->s, ctx->opaque_state, sizeof k->s);
    k->pos = ctx->opaque_pos;
    k->rate = ctx->opaque_rate;
}

static void sponge_to_ctx(pqce_sha3_ctx *ctx, const pqce_keccak *k)
{
    memcpy(ctx->opaque_state, k->s, sizeof k->s);
    ctx->opaque_pos = k->pos;
}

static int ctx_init(pqce_sha3_ctx *ctx, uint32_t rate, uint8_t suffix, uint32_t out_len)
{
    if (ctx == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    memset(ctx, 0, sizeof *ctx);
    ctx->opaque_rate = rate;
    ctx->opaque_suffix = suffix;
    ctx->opaque_out_len = out_len;
    ctx->opaque_phase = PHASE_ABSORB;
    return PQCE_OK;
}

int pqce_sha3_256_init(pqce_sha3_ctx *ctx)
{
    return ctx_init(ctx, PQCE_SHA3_256_RATE, PQCE_KECCAK_SUFFIX_SHA3, PQCE_SHA3_256_BYTES);
}

int pqce_sha3_512_init(pqce_sha3_ctx *ctx)
{
    return ctx_init(ctx, PQCE_SHA3_512_RATE, PQCE_KECCAK_SUFFIX_SHA3, PQCE_SHA3_512_BYTES);
}

int pqce_shake128_init(pqce_sha3_ctx *ctx)
{
    return ctx_init(ctx, PQCE_SHAKE128_RATE, PQCE_KECCAK_SUFFIX_SHAKE, 0);
}

int pqce_shake256_init(pqce_sha3_ctx *ctx)
{
    return ctx_init(ctx, PQCE_SHAKE256_RATE, PQCE_KECCAK_SUFFIX_SHAKE, 0);
}

int pqce_sha3_absorb(pqce_sha3_ctx *ctx, const uint8_t *in, size_t in_len)
{
    if (ctx == NULL || (in == NULL && in_len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (ctx->opaque_phase != PHASE_ABSORB) {
        return PQCE_ERR_STATE;
    }
    pqce_keccak k;
    ctx_to_sponge(&k, ctx);
    pqce_keccak_absorb(&k, in, in_len);
    sponge_to_ctx(ctx, &k);
    pqce_keccak_wipe(&k);
    return PQCE_OK;
}

/* Takes out_len bytes of output, finalizing absorption on the first call. */
static void ctx_squeeze(pqce_sha3_ctx *ctx, uint8_t *out, size_t out_len)
{
    pqce_keccak k;
    ctx_to_sponge(&k, ctx);
    if (ctx->opaque_phase == PHASE_ABSORB) {
        pqce_keccak_finalize(&k, ctx->opaque_suffix);
        ctx->opaque_phase = PHASE_SQUEEZE;
    }
    pqce_keccak_squeeze(&k, out, out_len);
    sponge_to_ctx(ctx, &k);
    pqce_keccak_wipe(&k);
}

int pqce_sha3_final(pqce_sha3_ctx *ctx, uint8_t *out, size_t out_len)
{
    if (ctx == NULL || out == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (ctx->opaque_phase != PHASE_ABSORB || ctx->opaque_out_len == 0) {
        return PQCE_ERR_STATE;
    }
    if (out_len != ctx->opaque_out_len) {
        return PQCE_ERR_INVALID_ARG;
    }
    ctx_squeeze(ctx, out, out_len);
    pqce_sha3_wipe(ctx);
    return PQCE_OK;
}

int pqce_shake_squeeze(pqce_sha3_ctx *ctx, uint8_t *out, size_t out_len)
{
    if (ctx == NULL || (out == NULL && out_len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (ctx->opaque_phase == PHASE_NONE || ctx->opaque_out_len != 0) {
        return PQCE_ERR_STATE;
    }
    ctx_squeeze(ctx, out, out_len);
    return PQCE_OK;
}

void pqce_sha3_wipe(pqce_sha3_ctx *ctx)
{
    pqce_memzero(ctx, ctx != NULL ? sizeof *ctx : 0);
}

int pqce_sha3_256(uint8_t out[PQCE_SHA3_256_BYTES], const uint8_t *in, size_t in_len)
{
    if (out == NULL || (in == NULL && in_len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    pqce_keccak_sha3_256(out, in, in_len);
    return PQCE_OK;
}

int pqce_sha3_512(uint8_t out[PQCE_SHA3_512_BYTES], const uint8_t *in, size_t in_len)
{
    if (out == NULL || (in == NULL && in_len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    pqce_keccak_sha3_512(out, in, in_len);
    return PQCE_OK;
}

int pqce_shake128(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len)
{
    if ((out == NULL && out_len > 0) || (in == NULL && in_len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    pqce_keccak_shake128(out, out_len, in, in_len);
    return PQCE_OK;
}

int pqce_shake256(uint8_t *out, size_t out_len, const uint8_t *in, size_t in_len)
{
    if ((out == NULL && out_len > 0) || (in == NULL && in_len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    pqce_keccak_shake256(out, out_len, in, in_len);
    return PQCE_OK;
}
