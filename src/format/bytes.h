/*
 * bytes.h - bounded big-endian encoding and decoding [FORMAT, 2].
 *
 * A writer appends into a fixed buffer and remembers the first overflow; a
 * reader consumes from a fixed buffer and remembers the first underrun.
 * Callers check the flag once at the end, so a malformed input can never
 * read or write out of bounds, whatever the order of calls.
 */
#ifndef PQCE_FORMAT_BYTES_H
#define PQCE_FORMAT_BYTES_H

#include <stddef.h>
#include <stdint.h>

typedef struct pqce_bw {
    uint8_t *buf; /* may be NULL to only measure */
    size_t cap, len;
    int overflow;
} pqce_bw;

typedef struct pqce_br {
    const uint8_t *buf;
    size_t len, pos;
    int underrun;
} pqce_br;

void pqce_bw_init(pqce_bw *w, uint8_t *buf, size_t cap);
void pqce_bw_bytes(pqce_bw *w, const void *p, size_t n);
void pqce_bw_u8(pqce_bw *w, uint8_t v);
void pqce_bw_u16(pqce_bw *w, uint16_t v);
void pqce_bw_u32(pqce_bw *w, uint32_t v);
void pqce_bw_u64(pqce_bw *w, uint64_t v);

void pqce_br_init(pqce_br *r, const uint8_t *buf, size_t len);
/* Returns a pointer to the next n bytes (NULL and underrun if fewer left). */
const uint8_t *pqce_br_bytes(pqce_br *r, size_t n);
uint8_t pqce_br_u8(pqce_br *r);
uint16_t pqce_br_u16(pqce_br *r);
uint32_t pqce_br_u32(pqce_br *r);
uint64_t pqce_br_u64(pqce_br *r);

void pqce_store_be64(uint8_t out[8], uint64_t v);
uint64_t pqce_load_be64(const uint8_t in[8]);

#endif /* PQCE_FORMAT_BYTES_H */
