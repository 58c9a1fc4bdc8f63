/* stream.c - payload geometry and chunk sealing [FORMAT, 7]. */
#include "format/stream.h"

#include "format/bytes.h"
#include "pqce.h"

int pqce_geom_from_size(pqce_geom *g, uint64_t size, uint32_t cs)
{
    g->cs = cs;
    g->full = size / cs;
    g->last_len = size % cs;
    g->size = size;
    /* payload_len = k * (cs + 16) + r + 56 must fit in 64 bits */
    uint64_t per = (uint64_t)cs + PQCE_GCM_TAG_BYTES;
    if (g->full > (UINT64_MAX - PQCE_FINAL_MIN_CT - g->last_len) / per) {
        return PQCE_ERR_INVALID_ARG;
    }
    g->payload_len = g->full * per + g->last_len + PQCE_FINAL_MIN_CT;
    return PQCE_OK;
}

int pqce_geom_from_payload(pqce_geom *g, uint64_t payload_len, uint32_t cs)
{
    uint64_t per = (uint64_t)cs + PQCE_GCM_TAG_BYTES;
    if (payload_len < PQCE_FINAL_MIN_CT) {
        return PQCE_ERR_DECRYPT;
    }
    uint64_t q = payload_len - PQCE_FINAL_MIN_CT;
    g->cs = cs;
    g->full = q / per;
    g->last_len = q % per;
    g->payload_len = payload_len;
    /* A final chunk with cs or more content bytes cannot exist: the length
     * was cut or extended. */
    if (g->last_len >= cs) {
        return PQCE_ERR_DECRYPT;
    }
    g->size = g->full * cs + g->last_len;
    return PQCE_OK;
}

uint64_t pqce_chunk_offset(const pqce_geom *g, uint64_t i)
{
    return i * ((uint64_t)g->cs + PQCE_GCM_TAG_BYTES);
}

size_t pqce_chunk_ct_len(const pqce_geom *g, uint64_t i)
{
    return i < g->full ? (size_t)g->cs + PQCE_GCM_TAG_BYTES
                       : (size_t)g->last_len + PQCE_FINAL_MIN_CT;
}

void pqce_chunk_nonce(uint8_t nonce[PQCE_GCM_NONCE_BYTES], uint64_t i, int last)
{
    nonce[0] = nonce[1] = nonce[2] = 0;
    pqce_store_be64(nonce + 3, i);
    nonce[11] = last ? 1 : 0;
}

int pqce_chunk_seal(pqce_aes_gcm *gcm, uint8_t *out, const uint8_t *pt, size_t pt_len, uint64_t i,
                    int last, const uint8_t aad[32])
{
    uint8_t nonce[PQCE_GCM_NONCE_BYTES];
    pqce_chunk_nonce(nonce, i, last);
    return pqce_aes_gcm_seal(gcm, out, out + pt_len, pt, pt_len, aad, 32, nonce, sizeof nonce);
}

int pqce_chunk_open(pqce_aes_gcm *gcm, uint8_t *out, const uint8_t *ct, size_t ct_len, uint64_t i,
                    int last, const uint8_t aad[32])
{
    uint8_t nonce[PQCE_GCM_NONCE_BYTES];
    if (ct_len < PQCE_GCM_TAG_BYTES) {
        return PQCE_ERR_DECRYPT;
    }
    size_t len = ct_len - PQCE_GCM_TAG_BYTES;
    pqce_chunk_nonce(nonce, i, last);
    int ret = pqce_aes_gcm_open(gcm, out, ct, len, ct + len, aad, 32, nonce, sizeof nonce);
    /* Any failure of a chunk is an authentication failure of the artifact. */
    return ret == PQCE_OK ? PQCE_OK : (ret == PQCE_ERR_NOMEM ? ret : PQCE_ERR_DECRYPT);
}
