/*
 * random.c - the randomness interface.
 *
 * The default source is getrandom(2) with flags 0: it blocks until the
 * kernel's pool is initialised and then never fails for requests of any
 * size except on a signal (retried) or a kernel without the call (ENOSYS,
 * reported as PQCE_ERR_RANDOM). A caller-supplied source is checked the same
 * way; a failure is an error code, never an abort, and the output is wiped.
 */
#include <errno.h>
#include <sys/random.h>

#include "pqce.h"

static int os_fill(uint8_t *out, size_t out_len)
{
    while (out_len > 0) {
        ssize_t n = getrandom(out, out_len, 0);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return PQCE_ERR_RANDOM;
        }
        out += (size_t)n;
        out_len -= (size_t)n;
    }
    return PQCE_OK;
}

int pqce_random_bytes(const pqce_rng *rng, uint8_t *out, size_t out_len)
{
    int ret;

    if (out == NULL && out_len > 0) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (rng != NULL && (rng->version != PQCE_RNG_VERSION || rng->fill == NULL)) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (out_len == 0) {
        return PQCE_OK;
    }
    if (rng == NULL) {
        ret = os_fill(out, out_len);
    } else {
        ret = rng->fill(rng->ctx, out, out_len) == 0 ? PQCE_OK : PQCE_ERR_RANDOM;
    }
    if (ret != PQCE_OK) {
        pqce_memzero(out, out_len);
    }
    return ret;
}
