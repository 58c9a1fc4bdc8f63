/*
 * xwing.c - X-Wing [draft-connolly-cfrg-xwing-kem-10, section 5].
 *
 * ML-KEM-768 comes from mlkem.c, X25519 from OpenSSL (x25519.h), SHAKE256
 * and SHA3-256 from keccak.c.
 */
#include "crypto/xwing.h"

#include <string.h>

#include "crypto/keccak.h"
#include "crypto/x25519.h"

/* The combiner's label "\.//^\", last in the hash input [xwing, 5.3]. */
static const uint8_t xwing_label[6] = {0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c};

/* ss = SHA3-256(ss_M || ss_X || ct_X || pk_X || label) [xwing, Combiner]. */
static void combiner(uint8_t ss[32], const uint8_t ss_m[32], const uint8_t ss_x[32],
                     const uint8_t ct_x[32], const uint8_t pk_x[32])
{
    pqce_keccak k;
    pqce_keccak_init(&k, PQCE_SHA3_256_RATE);
    pqce_keccak_absorb(&k, ss_m, 32);
    pqce_keccak_absorb(&k, ss_x, 32);
    pqce_keccak_absorb(&k, ct_x, 32);
    pqce_keccak_absorb(&k, pk_x, 32);
    pqce_keccak_absorb(&k, xwing_label, sizeof xwing_label);
    pqce_keccak_finalize(&k, PQCE_KECCAK_SUFFIX_SHA3);
    pqce_keccak_squeeze(&k, ss, 32);
    pqce_keccak_wipe(&k);
}

int pqce_xwing_expand(pqce_xwing_expanded *exp, uint8_t pk[PQCE_XWING_PK_BYTES],
                      const uint8_t sk[PQCE_XWING_SK_BYTES])
{
    uint8_t expanded[96];
    uint8_t ek_m[PQCE_MLKEM768_EK_BYTES];
    int ret;

    /* expanded = SHAKE256(sk, 96): d || z || sk_X [xwing, 5.2] */
    pqce_keccak_shake256(expanded, sizeof expanded, sk, PQCE_XWING_SK_BYTES);
    ret = pqce_mlkem768_keypair_derand(ek_m, exp->dk_m, expanded);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    memcpy(exp->sk_x, expanded + 64, 32);
    ret = pqce_x25519_public(exp->pk_x, exp->sk_x);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    if (pk != NULL) {
        memcpy(pk, ek_m, sizeof ek_m);
        memcpy(pk + sizeof ek_m, exp->pk_x, 32);
    }
cleanup:
    if (ret != PQCE_OK) {
        pqce_memzero(exp, sizeof *exp);
        if (pk != NULL) {
            pqce_memzero(pk, PQCE_XWING_PK_BYTES);
        }
    }
    pqce_memzero(expanded, sizeof expanded);
    return ret;
}

int pqce_xwing_public_key(uint8_t pk[PQCE_XWING_PK_BYTES], const uint8_t sk[PQCE_XWING_SK_BYTES])
{
    pqce_xwing_expanded exp;
    int ret = pqce_xwing_expand(&exp, pk, sk);
    pqce_memzero(&exp, sizeof exp);
    return ret;
}

int pqce_xwing_encaps_derand(uint8_t ct[PQCE_XWING_CT_BYTES], uint8_t ss[PQCE_XWING_SS_BYTES],
                             const uint8_t pk[PQCE_XWING_PK_BYTES],
                             const uint8_t eseed[PQCE_XWING_ESEED_BYTES])
{
    uint8_t ss_m[32], ss_x[32];
    const uint8_t *pk_x = pk + PQCE_MLKEM768_EK_BYTES;
    uint8_t *ct_x = ct + PQCE_MLKEM768_CT_BYTES;
    int ret;

    ret = pqce_mlkem768_encaps_derand(ct, ss_m, pk, eseed);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    /* ct_X = X25519(ek_X, 9), ss_X = X25519(ek_X, pk_X) */
    ret = pqce_x25519_public(ct_x, eseed + 32);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    ret = pqce_x25519(ss_x, eseed + 32, pk_x);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    combiner(ss, ss_m, ss_x, ct_x, pk_x);
cleanup:
    if (ret != PQCE_OK) {
        pqce_memzero(ct, PQCE_XWING_CT_BYTES);
        pqce_memzero(ss, PQCE_XWING_SS_BYTES);
    }
    pqce_memzero(ss_m, sizeof ss_m);
    pqce_memzero(ss_x, sizeof ss_x);
    return ret;
}

int pqce_xwing_decaps(uint8_t ss[PQCE_XWING_SS_BYTES], const uint8_t ct[PQCE_XWING_CT_BYTES],
                      const pqce_xwing_expanded *exp)
{
    uint8_t ss_m[32], ss_x[32];
    const uint8_t *ct_x = ct + PQCE_MLKEM768_CT_BYTES;
    int ret;

    ret = pqce_mlkem768_decaps(ss_m, ct, exp->dk_m);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    ret = pqce_x25519(ss_x, exp->sk_x, ct_x);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    combiner(ss, ss_m, ss_x, ct_x, exp->pk_x);
cleanup:
    if (ret != PQCE_OK) {
        pqce_memzero(ss, PQCE_XWING_SS_BYTES);
    }
    pqce_memzero(ss_m, sizeof ss_m);
    pqce_memzero(ss_x, sizeof ss_x);
    return ret;
}
