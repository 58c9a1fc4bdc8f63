/*
 * fuzz_sha3_incremental.c - differential target: incremental SHA-3/SHAKE
 * (absorb in fuzzer-chosen pieces, squeeze in fuzzer-chosen pieces) must
 * equal the one-shot function. Any difference aborts.
 *
 * Input layout: byte 0 selects the function, byte 1 the number of absorb
 * pieces, the next bytes their lengths (mod 256), then the message.
 */
#include <pqce.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail_if(int cond)
{
    if (cond) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0;
    }
    unsigned alg = data[0] & 3u;
    size_t pieces = data[1] % 8u;
    if (size < 2 + pieces) {
        return 0;
    }
    const uint8_t *lens = data + 2;
    const uint8_t *msg = data + 2 + pieces;
    size_t msg_len = size - 2 - pieces;
    size_t out_len = alg == 0 ? 32 : alg == 1 ? 64 : 1 + (data[0] >> 2) * 13u;

    uint8_t want[1024], got[1024];
    int rc = alg == 0   ? pqce_sha3_256(want, msg, msg_len)
             : alg == 1 ? pqce_sha3_512(want, msg, msg_len)
             : alg == 2 ? pqce_shake128(want, out_len, msg, msg_len)
                        : pqce_shake256(want, out_len, msg, msg_len);
    fail_if(rc != PQCE_OK);

    pqce_sha3_ctx c;
    rc = alg == 0   ? pqce_sha3_256_init(&c)
         : alg == 1 ? pqce_sha3_512_init(&c)
         : alg == 2 ? pqce_shake128_init(&c)
                    : pqce_shake256_init(&c);
    fail_if(rc != PQCE_OK);
    size_t off = 0;
    for (size_t i = 0; i < pieces && off < msg_len; i++) {
        size_t n = lens[i] < msg_len - off ? lens[i] : msg_len - off;
        fail_if(pqce_sha3_absorb(&c, msg + off, n) != PQCE_OK);
        off += n;
    }
    fail_if(pqce_sha3_absorb(&c, msg + off, msg_len - off) != PQCE_OK);
    if (alg < 2) {
        fail_if(pqce_sha3_final(&c, got, out_len) != PQCE_OK);
    } else {
        /* squeeze in pieces given by the same length bytes, reversed */
        size_t done = 0;
        for (size_t i = pieces; i > 0 && done < out_len; i--) {
            size_t n = lens[i - 1] < out_len - done ? lens[i - 1] : out_len - done;
            fail_if(pqce_shake_squeeze(&c, got + done, n) != PQCE_OK);
            done += n;
        }
        fail_if(pqce_shake_squeeze(&c, got + done, out_len - done) != PQCE_OK);
        pqce_sha3_wipe(&c);
    }
    fail_if(memcmp(want, got, out_len) != 0);
    return 0;
}
