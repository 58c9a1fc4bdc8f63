/*
 * fuzz_container_open.c - the container's header parser and opener on
 * arbitrary bytes, and the tamper property on real containers.
 *
 * Byte 0 chooses the mode:
 *  - odd: the rest of the input is opened as a container with a fixed
 *    identity; whatever happens, nothing may crash, and if it opens, every
 *    read must stay within bounds.
 *  - even: bytes 1-4 give a position, byte 5 an XOR mask, the rest is
 *    content. The content is sealed to the identity, the byte at the
 *    position is changed, and opening and reading everything must then
 *    fail: any accepted modification aborts.
 */
#include <pqce.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fixed_fill(void *ctx, uint8_t *out, size_t len)
{
    uint64_t *counter = ctx;
    uint8_t label[8];
    for (int i = 0; i < 8; i++) {
        label[i] = (uint8_t)(*counter >> (8 * i));
    }
    (*counter)++;
    return pqce_shake128(out, len, label, sizeof label);
}

/* Opens c and reads it all; returns 0 only if every step succeeded. */
static int open_and_read(const pqce_identity *id, const uint8_t *c, size_t c_len)
{
    pqce_reader *r = NULL;
    pqce_options o = {PQCE_OPTIONS_VERSION, 0, 1, NULL};
    int ret = pqce_open_buffer(&r, &o, id, c, c_len);
    if (ret == PQCE_OK) {
        pqce_artifact_info info;
        ret = pqce_reader_info(r, &info);
        uint8_t *buf = ret == PQCE_OK ? malloc(info.size + 1) : NULL;
        if (buf == NULL) {
            ret = PQCE_ERR_NOMEM;
        } else {
            ret = pqce_reader_read_all(r, buf, info.size);
            if (ret == PQCE_OK && info.size > 0) {
                ret = pqce_reader_pread(r, buf, 1, info.size - 1);
            }
            if (ret == PQCE_OK) {
                ret = pqce_reader_verify(r);
            }
        }
        free(buf);
    }
    pqce_reader_free(r);
    return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t seed[64] = {1, 2, 3};
    static uint8_t pk[PQCE_MLKEM768_EK_BYTES];
    static int have_pk;
    size_t pk_len;
    if (!have_pk) {
        if (pqce_identity_to_recipient(PQCE_SUITE_MLKEM768, pk, sizeof pk, &pk_len, seed,
                                       sizeof seed) != PQCE_OK) {
            abort();
        }
        have_pk = 1;
    }
    pqce_identity id = {PQCE_SUITE_MLKEM768, seed, sizeof seed};
    if (size < 1) {
        return 0;
    }
    if (data[0] & 1) {
        (void)open_and_read(&id, data + 1, size - 1);
        return 0;
    }
    if (size < 6 || data[5] == 0) {
        return 0;
    }
    size_t pos =
        (size_t)data[1] | (size_t)data[2] << 8 | (size_t)data[3] << 16 | (size_t)data[4] << 24;
    const uint8_t *content = data + 6;
    size_t content_len = size - 6;
    pqce_recipient rc = {PQCE_SUITE_MLKEM768, pk, sizeof pk};
    pqce_metadata m;
    memset(&m, 0, sizeof m);
    m.name = "fuzz";
    m.created_ms = 1;
    uint64_t counter = 0;
    pqce_rng rng = {PQCE_RNG_VERSION, fixed_fill, &counter};
    pqce_options o = {PQCE_OPTIONS_VERSION, 4096, 1, &rng};
    uint64_t need;
    if (pqce_sealed_size(&need, PQCE_SUITE_MLKEM768, 1, 4096, &m, content_len) != PQCE_OK) {
        abort();
    }
    uint8_t *c = malloc((size_t)need);
    size_t c_len;
    if (c == NULL ||
        pqce_seal_buffer(&o, c, (size_t)need, &c_len, NULL, &m, &rc, 1, content, content_len) !=
            PQCE_OK ||
        open_and_read(&id, c, c_len) != PQCE_OK) {
        abort(); /* sealing and opening an untouched container must work */
    }
    c[pos % c_len] ^= data[5];
    if (open_and_read(&id, c, c_len) == PQCE_OK) {
        abort(); /* a modified container was accepted */
    }
    free(c);
    return 0;
}
