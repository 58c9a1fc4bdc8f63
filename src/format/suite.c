/*
 * suite.c - the container's suites [FORMAT, 3].
 *
 * ML-KEM identities are the 64-byte seed d || z [FIPS203, Algorithm 16];
 * X-Wing identities are its 32-byte seed [xwing, 5.2]. Recipients are the
 * encapsulation keys.
 */
#include "format/suite.h"

#include <string.h>

static const pqce_suite_info suites[] = {
    {PQCE_SUITE_MLKEM768, "ML-KEM-768", PQCE_MLKEM_SEED_BYTES, PQCE_MLKEM768_EK_BYTES,
     PQCE_MLKEM768_CT_BYTES},
    {PQCE_SUITE_XWING, "X-Wing", PQCE_XWING_SK_BYTES, PQCE_XWING_PK_BYTES, PQCE_XWING_CT_BYTES},
    {PQCE_SUITE_MLKEM1024, "ML-KEM-1024", PQCE_MLKEM_SEED_BYTES, PQCE_MLKEM1024_EK_BYTES,
     PQCE_MLKEM1024_CT_BYTES},
};

const pqce_suite_info *pqce_suite_find(uint16_t suite)
{
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
        if (suites[i].id == suite) {
            return &suites[i];
        }
    }
    return NULL;
}

const char *pqce_suite_name(uint16_t suite)
{
    const pqce_suite_info *s = pqce_suite_find(suite);
    return s != NULL ? s->name : NULL;
}

int pqce_suite_sizes(uint16_t suite, size_t *identity_len, size_t *recipient_len)
{
    const pqce_suite_info *s = pqce_suite_find(suite);
    if (s == NULL) {
        return PQCE_ERR_UNSUPPORTED;
    }
    if (identity_len != NULL) {
        *identity_len = s->identity_len;
    }
    if (recipient_len != NULL) {
        *recipient_len = s->recipient_len;
    }
    return PQCE_OK;
}

int pqce_identity_generate(const pqce_rng *rng, uint16_t suite, uint8_t *identity,
                           size_t identity_cap, size_t *identity_len)
{
    const pqce_suite_info *s = pqce_suite_find(suite);
    if (s == NULL) {
        return PQCE_ERR_UNSUPPORTED;
    }
    if (identity == NULL || identity_len == NULL || identity_cap < s->identity_len) {
        return PQCE_ERR_INVALID_ARG;
    }
    int ret = pqce_random_bytes(rng, identity, s->identity_len);
    *identity_len = ret == PQCE_OK ? s->identity_len : 0;
    return ret;
}

int pqce_suite_key_from_identity(pqce_suite_key *key, const pqce_identity *identity)
{
    uint8_t ek[PQCE_MLKEM1024_EK_BYTES];
    int ret;
    memset(key, 0, sizeof *key);
    if (identity == NULL || identity->seed == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    key->suite = pqce_suite_find(identity->suite);
    if (key->suite == NULL) {
        return PQCE_ERR_UNSUPPORTED;
    }
    if (identity->seed_len != key->suite->identity_len) {
        return PQCE_ERR_INVALID_ARG;
    }
    switch (identity->suite) {
    case PQCE_SUITE_MLKEM768:
        ret = pqce_mlkem768_keypair_derand(ek, key->u.mlkem768_dk, identity->seed);
        break;
    case PQCE_SUITE_MLKEM1024:
        ret = pqce_mlkem1024_keypair_derand(ek, key->u.mlkem1024_dk, identity->seed);
        break;
    default:
        ret = pqce_xwing_expand(&key->u.xwing, ek, identity->seed);
        break;
    }
    if (ret == PQCE_OK) {
        memcpy(key->pk, ek, key->suite->recipient_len);
    } else {
        pqce_suite_key_wipe(key);
    }
    return ret;
}

void pqce_suite_key_wipe(pqce_suite_key *key)
{
    pqce_memzero(key, sizeof *key);
}

int pqce_identity_to_recipient(uint16_t suite, uint8_t *recipient, size_t recipient_cap,
                               size_t *recipient_len, const uint8_t *identity, size_t identity_len)
{
    if (recipient == NULL || recipient_len == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    const pqce_suite_info *s = pqce_suite_find(suite);
    if (s == NULL) {
        return PQCE_ERR_UNSUPPORTED;
    }
    if (recipient_cap < s->recipient_len) {
        return PQCE_ERR_INVALID_ARG;
    }
    pqce_suite_key key;
    pqce_identity id = {suite, identity, identity_len};
    int ret = pqce_suite_key_from_identity(&key, &id);
    if (ret == PQCE_OK) {
        memcpy(recipient, key.pk, s->recipient_len);
        *recipient_len = s->recipient_len;
    }
    pqce_suite_key_wipe(&key);
    return ret;
}

int pqce_suite_encaps(const pqce_suite_info *suite, const pqce_rng *rng, uint8_t *ct,
                      uint8_t ss[PQCE_KEM_SS_BYTES], const uint8_t *recipient)
{
    uint8_t eseed[PQCE_XWING_ESEED_BYTES];
    int ret;
    switch (suite->id) {
    case PQCE_SUITE_MLKEM768:
        return pqce_mlkem768_encaps_rng(rng, ct, ss, recipient);
    case PQCE_SUITE_MLKEM1024:
        return pqce_mlkem1024_encaps_rng(rng, ct, ss, recipient);
    default:
        ret = pqce_random_bytes(rng, eseed, sizeof eseed);
        if (ret == PQCE_OK) {
            ret = pqce_xwing_encaps_derand(ct, ss, recipient, eseed);
        }
        pqce_memzero(eseed, sizeof eseed);
        return ret;
    }
}

int pqce_suite_decaps(const pqce_suite_key *key, uint8_t ss[PQCE_KEM_SS_BYTES], const uint8_t *ct)
{
    switch (key->suite->id) {
    case PQCE_SUITE_MLKEM768:
        return pqce_mlkem768_decaps(ss, ct, key->u.mlkem768_dk);
    case PQCE_SUITE_MLKEM1024:
        return pqce_mlkem1024_decaps(ss, ct, key->u.mlkem1024_dk);
    default:
        return pqce_xwing_decaps(ss, ct, &key->u.xwing);
    }
}
