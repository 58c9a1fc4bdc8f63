/*
 * stream.h - the payload: the STREAM construction over AES-256-GCM
 * [FORMAT, 7].
 *
 * Content of L bytes is cut into k = floor(L / cs) full chunks of cs bytes
 * and one final chunk holding the remaining r = L mod cs bytes (0 <= r < cs)
 * followed by the 40-byte trailer BE64(L) | SHA3-256(content). Chunk i is
 * sealed with nonce 0^3 | BE64(i) | last and AAD = core_digest. A full
 * chunk is never final, so a writer knows the final chunk when its input
 * ends, and the payload length alone determines k and r.
 */
#ifndef PQCE_FORMAT_STREAM_H
#define PQCE_FORMAT_STREAM_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/aes_gcm.h"

#define PQCE_TRAILER_BYTES 40
#define PQCE_FINAL_MIN_CT  (PQCE_TRAILER_BYTES + PQCE_GCM_TAG_BYTES) /* 56 */

typedef struct pqce_geom {
    uint32_t cs;          /* chunk size */
    uint64_t full;        /* k: chunks of cs content bytes, indices 0..k-1 */
    uint64_t last_len;    /* r: content bytes in the final chunk (index k) */
    uint64_t size;        /* L = k * cs + r */
    uint64_t payload_len; /* k * (cs + 16) + r + 56 */
} pqce_geom;

/* Geometry of content of size bytes. Errors: PQCE_ERR_INVALID_ARG (too big). */
int pqce_geom_from_size(pqce_geom *g, uint64_t size, uint32_t cs);
/* Geometry implied by a payload of payload_len bytes. Errors:
 * PQCE_ERR_DECRYPT (no valid split: truncated or extended). */
int pqce_geom_from_payload(pqce_geom *g, uint64_t payload_len, uint32_t cs);

/* Offset of chunk i within the payload, and its ciphertext length (tag
 * included). */
uint64_t pqce_chunk_offset(const pqce_geom *g, uint64_t i);
size_t pqce_chunk_ct_len(const pqce_geom *g, uint64_t i);

/* nonce(i, last) = 0x000000 | BE64(i) | last [FORMAT, 7.2]. */
void pqce_chunk_nonce(uint8_t nonce[PQCE_GCM_NONCE_BYTES], uint64_t i, int last);

/* Seals pt_len bytes of chunk i; the tag follows the ciphertext in out
 * (out may equal pt). */
int pqce_chunk_seal(pqce_aes_gcm *gcm, uint8_t *out, const uint8_t *pt, size_t pt_len, uint64_t i,
                    int last, const uint8_t aad[32]);
/* Opens ct_len bytes (tag included) of chunk i into out (ct_len - 16
 * bytes; out may equal ct). On failure out is wiped: PQCE_ERR_DECRYPT. */
int pqce_chunk_open(pqce_aes_gcm *gcm, uint8_t *out, const uint8_t *ct, size_t ct_len, uint64_t i,
                    int last, const uint8_t aad[32]);

#endif /* PQCE_FORMAT_STREAM_H */
