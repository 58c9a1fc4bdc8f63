/* bytes.c - bounded big-endian encoding and decoding [FORMAT, 2]. */
#include "format/bytes.h"

#include <string.h>

void pqce_bw_init(pqce_bw *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = cap;
    w->len = 0;
    w->overflow = 0;
}

void pqce_bw_bytes(pqce_bw *w, const void *p, size_t n)
{
    if (w->overflow || n > w->cap - w->len) {
        w->overflow = 1;
        return;
    }
    if (w->buf != NULL && n > 0) {
        memcpy(w->buf + w->len, p, n);
    }
    w->len += n;
}

static void put_be(pqce_bw *w, uint64_t v, unsigned n)
{
    uint8_t b[8];
    for (unsigned i = 0; i < n; i++) {
        b[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
    }
    pqce_bw_bytes(w, b, n);
}

void pqce_bw_u8(pqce_bw *w, uint8_t v)
{
    put_be(w, v, 1);
}

void pqce_bw_u16(pqce_bw *w, uint16_t v)
{
    put_be(w, v, 2);
}

void pqce_bw_u32(pqce_bw *w, uint32_t v)
{
    put_be(w, v, 4);
}

void pqce_bw_u64(pqce_bw *w, uint64_t v)
{
    put_be(w, v, 8);
}

void pqce_br_init(pqce_br *r, const uint8_t *buf, size_t len)
{
    r->buf = buf;
    r->len = len;
    r->pos = 0;
    r->underrun = 0;
}

const uint8_t *pqce_br_bytes(pqce_br *r, size_t n)
{
    if (r->underrun || n > r->len - r->pos) {
        r->underrun = 1;
        return NULL;
    }
    const uint8_t *p = r->buf + r->pos;
    r->pos += n;
    return p;
}

static uint64_t get_be(pqce_br *r, unsigned n)
{
    const uint8_t *p = pqce_br_bytes(r, n);
    uint64_t v = 0;
    for (unsigned i = 0; p != NULL && i < n; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

uint8_t pqce_br_u8(pqce_br *r)
{
    return (uint8_t)get_be(r, 1);
}

uint16_t pqce_br_u16(pqce_br *r)
{
    return (uint16_t)get_be(r, 2);
}

uint32_t pqce_br_u32(pqce_br *r)
{
    return (uint32_t)get_be(r, 4);
}

uint64_t pqce_br_u64(pqce_br *r)
{
    return get_be(r, 8);
}

void pqce_store_be64(uint8_t out[8], uint64_t v)
{
    for (unsigned i = 0; i < 8; i++) {
        out[i] = (uint8_t)(v >> (56 - 8 * i));
    }
}

uint64_t pqce_load_be64(const uint8_t in[8])
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++) {
        v = v << 8 | in[i];
    }
    return v;
}
