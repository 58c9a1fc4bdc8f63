/*
 * mldsa.c - ML-DSA key generation, signing and verification [FIPS204]:
 * the internal functions (Algorithms 6, 7, 8), the external pure and
 * pre-hash interfaces (Algorithms 1 to 5), external mu, and the public
 * pqce_mldsa44_* / pqce_mldsa65_* / pqce_mldsa87_* wrappers, all three
 * parameterised by one implementation that reads a pqce_mldsa_params.
 *
 * Deviations from the pseudocode (same outputs):
 *  - KeyGen and Verify generate A-hat one row at a time, when the row is
 *    used, instead of the whole matrix up front: each entry is used once
 *    there, and the stack stays small. Signing uses each entry once per
 *    iteration, so it expands A-hat once into a heap work area.
 *  - The products of the challenge c with s1, s2, t0 (signing, lines 17
 *    to 19 and 25) and with t1 (verification, line 9) are computed
 *    exactly over the integers as sparse products (c has tau coefficients
 *    +-1; pqce_mldsa_poly_mul_challenge), not through the NTT; the values
 *    are far below q/2, so they equal the centered results of the
 *    pseudocode, and s1, s2, t0 need no NTT (lines 2 to 4).
 *  - Signing checks the rejection conditions of [FIPS204, Algorithm 7,
 *    lines 23 and 28] as soon as their inputs exist, so that a candidate
 *    rejected for ||z|| skips the products with s2 and t0.
 *  - The hint is computed as [HighBits(r + ct0) != HighBits(r)] for
 *    r = w - cs2, which is MakeHint(-ct0, w - cs2 + ct0) written out.
 *  - The signing loop stops with PQCE_ERR_INVALID_KEY rather than let
 *    kappa + r outgrow the 16 bits of IntegerToBytes(kappa + r, 2)
 *    [FIPS204, Algorithm 34]. A key from KeyGen reaches that bound with
 *    probability far below 2^-1000; a corrupted sk may.
 *
 * Constant time (checked by tests/ct/ct_mldsa.c under valgrind, with the
 * seed, the private key and rnd marked undefined). What is declassified,
 * and why it is public:
 *  - rho: the first 32 bytes of the public key.
 *  - the public key, at the end of KeyGen: it is the public output.
 *  - c~ of every candidate in signing: in the returned signature c~ is
 *    public; for a rejected candidate c~ = H(mu || w1Encode(w1)) with
 *    w1 = HighBits(A y), a function of the public mu and of the one-time
 *    mask y only, never of s1, s2 or t0, and y is discarded. SampleInBall
 *    then branches and indexes on it.
 *  - the accept/reject decision of each rejection check of the signing
 *    loop: the loop exists so that the distribution of an accepted z is
 *    independent of the key, and a rejected candidate is discarded and
 *    independent of the returned signature, so whether a given attempt
 *    was rejected reveals nothing about the key. The decision is
 *    computed branch-free and exactly that bit is declassified.
 *  - z and h of the accepted candidate: they are the signature.
 *  - ExpandS: the accept bit of each half-byte (mldsa_sample.c says why).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/ct.h"
#include "crypto/keccak.h"
#include "crypto/mldsa_encode.h"
#include "crypto/mldsa_params.h"
#include "crypto/mldsa_poly.h"
#include "crypto/mldsa_sample.h"
#include "crypto/sha2.h"
#include "pqce.h"

/* [FIPS204, Table 1 and Table 2]. */
const pqce_mldsa_params pqce_mldsa44_params = {
    .name = "ML-DSA-44",
    .k = 4,
    .l = 4,
    .eta = 2,
    .tau = 39,
    .omega = 80,
    .ctilde_bytes = 32,
    .eta_bits = 3,
    .gamma1_bits = 17,
    .w1_bits = 6,
    .beta = 78,
    .gamma1 = 1 << 17,
    .gamma2 = PQCE_MLDSA_GAMMA2_88,
    .pk_bytes = PQCE_MLDSA44_PK_BYTES,
    .sk_bytes = PQCE_MLDSA44_SK_BYTES,
    .sig_bytes = PQCE_MLDSA44_SIG_BYTES,
    .eta_poly_bytes = 96,
    .z_poly_bytes = 576,
    .w1_poly_bytes = 192,
};
const pqce_mldsa_params pqce_mldsa65_params = {
    .name = "ML-DSA-65",
    .k = 6,
    .l = 5,
    .eta = 4,
    .tau = 49,
    .omega = 55,
    .ctilde_bytes = 48,
    .eta_bits = 4,
    .gamma1_bits = 19,
    .w1_bits = 4,
    .beta = 196,
    .gamma1 = 1 << 19,
    .gamma2 = PQCE_MLDSA_GAMMA2_32,
    .pk_bytes = PQCE_MLDSA65_PK_BYTES,
    .sk_bytes = PQCE_MLDSA65_SK_BYTES,
    .sig_bytes = PQCE_MLDSA65_SIG_BYTES,
    .eta_poly_bytes = 128,
    .z_poly_bytes = 640,
    .w1_poly_bytes = 128,
};
const pqce_mldsa_params pqce_mldsa87_params = {
    .name = "ML-DSA-87",
    .k = 8,
    .l = 7,
    .eta = 2,
    .tau = 60,
    .omega = 75,
    .ctilde_bytes = 64,
    .eta_bits = 3,
    .gamma1_bits = 19,
    .w1_bits = 4,
    .beta = 120,
    .gamma1 = 1 << 19,
    .gamma2 = PQCE_MLDSA_GAMMA2_32,
    .pk_bytes = PQCE_MLDSA87_PK_BYTES,
    .sk_bytes = PQCE_MLDSA87_SK_BYTES,
    .sig_bytes = PQCE_MLDSA87_SIG_BYTES,
    .eta_poly_bytes = 96,
    .z_poly_bytes = 640,
    .w1_poly_bytes = 128,
};

#define SEEDBYTES    PQCE_MLDSA_SEEDBYTES
#define CRHBYTES     PQCE_MLDSA_CRHBYTES
#define N            PQCE_MLDSA_N
#define Q            PQCE_MLDSA_Q
#define W1_MAX_BYTES (PQCE_MLDSA_K_MAX * 192)

/* skEncode layout [FIPS204, Algorithm 24]: rho || K || tr || s1 || s2 || t0. */
#define SK_K_OFF  SEEDBYTES
#define SK_TR_OFF (2 * SEEDBYTES)
#define SK_S1_OFF (2 * SEEDBYTES + CRHBYTES)

static size_t sk_s2_off(const pqce_mldsa_params *p)
{
    return SK_S1_OFF + (size_t)p->l * p->eta_poly_bytes;
}

static size_t sk_t0_off(const pqce_mldsa_params *p)
{
    return SK_S1_OFF + (size_t)(p->k + p->l) * p->eta_poly_bytes;
}

/* From |a| < q + eta etc. (|a| < 2^31 - 2^22) to [0, q). */
static int32_t freeze(int32_t a)
{
    return pqce_mldsa_caddq(pqce_mldsa_reduce32(a));
}

/* From (-q/2, 3q/2) to [0, q). */
static int32_t reduce_once_each_side(int32_t a)
{
    return pqce_mldsa_caddq(pqce_mldsa_caddq(a) - Q);
}

/* ------------------------------------------------------------------------
 * ML-DSA.KeyGen_internal [FIPS204, Algorithm 6]
 * ------------------------------------------------------------------------ */

static void keygen_internal(const pqce_mldsa_params *p, uint8_t *pk, uint8_t *sk,
                            const uint8_t xi[SEEDBYTES])
{
    const unsigned k = p->k, l = p->l;
    uint8_t in[SEEDBYTES + 2];
    uint8_t seeds[SEEDBYTES + CRHBYTES + SEEDBYTES]; /* rho || rho' || K */
    uint8_t rho[SEEDBYTES];
    pqce_mldsa_poly s1hat[PQCE_MLDSA_L_MAX], row[PQCE_MLDSA_L_MAX];
    pqce_mldsa_poly t, t1, t0, s2;
    const uint8_t *rho_prime = seeds + SEEDBYTES;

    /* line 1: (rho, rho', K) = H(xi || IntegerToBytes(k, 1) || IntegerToBytes(l, 1), 128) */
    memcpy(in, xi, SEEDBYTES);
    in[SEEDBYTES] = (uint8_t)k;
    in[SEEDBYTES + 1] = (uint8_t)l;
    pqce_keccak_shake256(seeds, sizeof seeds, in, sizeof in);
    memcpy(rho, seeds, SEEDBYTES);
    /* rho is public: it is the first field of pk. */
    PQCE_CT_DECLASSIFY(rho, sizeof rho);

    /* pkEncode [FIPS204, Algorithm 22] and skEncode [FIPS204, Algorithm 24]
     * are written field by field as the values appear. */
    memcpy(pk, rho, SEEDBYTES);
    memcpy(sk, rho, SEEDBYTES);
    memcpy(sk + SK_K_OFF, seeds + SEEDBYTES + CRHBYTES, SEEDBYTES);

    /* line 4: s1 = ExpandS(rho')[0..l-1]; line 5 uses NTT(s1). */
    for (unsigned r = 0; r < l; r++) {
        pqce_mldsa_rej_bounded_poly(&s1hat[r], rho_prime, (uint16_t)r, p->eta);
        pqce_mldsa_pack_eta(sk + SK_S1_OFF + r * p->eta_poly_bytes, &s1hat[r], p->eta, p->eta_bits);
        pqce_mldsa_ntt(&s1hat[r]);
    }
    for (unsigned i = 0; i < k; i++) {
        /* line 3 (row i of A-hat) and line 5: t_i = NTT^-1(A-hat_i o NTT(s1)) + s2_i */
        pqce_mldsa_expand_a_row(row, rho, i, l);
        pqce_mldsa_poly_dot(&t, row, s1hat, l);
        pqce_mldsa_invntt(&t);
        pqce_mldsa_rej_bounded_poly(&s2, rho_prime, (uint16_t)(l + i), p->eta);
        pqce_mldsa_pack_eta(sk + sk_s2_off(p) + i * p->eta_poly_bytes, &s2, p->eta, p->eta_bits);
        for (unsigned j = 0; j < N; j++) {
            t.c[j] = freeze(t.c[j] + s2.c[j]);
        }
        /* line 6: (t1, t0) = Power2Round(t) */
        pqce_mldsa_poly_power2round(&t1, &t0, &t);
        pqce_mldsa_pack_t1(pk + SEEDBYTES + i * PQCE_MLDSA_T1_POLY_BYTES, &t1);
        pqce_mldsa_pack_t0(sk + sk_t0_off(p) + i * PQCE_MLDSA_T0_POLY_BYTES, &t0);
    }
    /* The public key is the public output. */
    PQCE_CT_DECLASSIFY(pk, p->pk_bytes);
    /* line 8: tr = H(pk, 64) */
    pqce_keccak_shake256(sk + SK_TR_OFF, CRHBYTES, pk, p->pk_bytes);

    pqce_memzero(in, sizeof in);
    pqce_memzero(seeds, sizeof seeds);
    pqce_memzero(s1hat, sizeof s1hat);
    pqce_memzero(&t, sizeof t);
    pqce_memzero(&t0, sizeof t0);
    pqce_memzero(&s2, sizeof s2);
}

/* ------------------------------------------------------------------------
 * ML-DSA.Sign_internal [FIPS204, Algorithm 7], from mu on
 * ------------------------------------------------------------------------ */

/*
 * The work area of signing, sized for the largest set. Everything before
 * A-hat is secret and wiped; A-hat is public. 104,960 bytes: on the heap
 * rather than the stack, and under glibc's default 128 KiB mmap threshold
 * so that a repeated signer reuses warm heap memory.
 */
struct sign_ws {
    pqce_mldsa_poly16 s1[PQCE_MLDSA_L_MAX], s2[PQCE_MLDSA_K_MAX];
    pqce_mldsa_poly t0[PQCE_MLDSA_K_MAX];
    pqce_mldsa_poly y[PQCE_MLDSA_L_MAX], z[PQCE_MLDSA_L_MAX];
    pqce_mldsa_poly w[PQCE_MLDSA_K_MAX], tmp[PQCE_MLDSA_K_MAX], c;
    /* end of the secret part */
    pqce_mldsa_poly A[PQCE_MLDSA_K_MAX * PQCE_MLDSA_L_MAX];
};

#define SIGN_WS_SECRET_BYTES offsetof(struct sign_ws, A)

static int sign_mu(const pqce_mldsa_params *p, uint8_t *sig, const uint8_t mu[CRHBYTES],
                   const uint8_t *sk, const uint8_t rnd[SEEDBYTES])
{
    const unsigned k = p->k, l = p->l;
    int ret = PQCE_ERR_INVALID_KEY; /* if the loop runs out of kappa */
    uint8_t rho[SEEDBYTES];
    uint8_t krm[SEEDBYTES + SEEDBYTES + CRHBYTES]; /* K || rnd || mu */
    uint8_t rho_pp[CRHBYTES];
    uint8_t ctilde[64];
    uint8_t w1buf[W1_MAX_BYTES];
    pqce_keccak hs;
    pqce_mldsa_challenge ch;
    pqce_mldsa_poly unpacked;
    struct sign_ws *ws = malloc(sizeof *ws);

    if (ws == NULL) {
        ret = PQCE_ERR_NOMEM;
        goto cleanup;
    }
    pqce_mldsa_poly16 *s1 = ws->s1, *s2 = ws->s2;
    pqce_mldsa_poly *t0 = ws->t0, *y = ws->y, *z = ws->z, *w = ws->w, *tmp = ws->tmp;
    pqce_mldsa_poly *c = &ws->c, *A = ws->A;

    /* line 1: skDecode [FIPS204, Algorithm 25]. rho is public (part of pk).
     * Lines 2 to 4 (the NTTs of s1, s2, t0) are not needed: the products
     * with c are computed sparsely (pqce_mldsa_poly_mul_challenge), s1 and
     * s2 in 16-bit lanes (BitUnpack gives |s_i| <= 11 for any sk). */
    memcpy(rho, sk, SEEDBYTES);
    PQCE_CT_DECLASSIFY(rho, sizeof rho);
    for (unsigned r = 0; r < l + k; r++) {
        pqce_mldsa_poly16 *dst = r < l ? &s1[r] : &s2[r - l];
        pqce_mldsa_unpack_eta(&unpacked, sk + SK_S1_OFF + r * p->eta_poly_bytes, p->eta,
                              p->eta_bits);
        for (unsigned j = 0; j < N; j++) {
            dst->c[j] = (int16_t)unpacked.c[j];
        }
    }
    for (unsigned i = 0; i < k; i++) {
        pqce_mldsa_unpack_t0(&t0[i], sk + sk_t0_off(p) + i * PQCE_MLDSA_T0_POLY_BYTES);
    }
    /* line 5: A-hat = ExpandA(rho) */
    for (unsigned i = 0; i < k; i++) {
        pqce_mldsa_expand_a_row(A + (size_t)i * l, rho, i, l);
    }
    /* line 7: rho'' = H(K || rnd || mu, 64) */
    memcpy(krm, sk + SK_K_OFF, SEEDBYTES);
    memcpy(krm + SEEDBYTES, rnd, SEEDBYTES);
    memcpy(krm + 2 * SEEDBYTES, mu, CRHBYTES);
    pqce_keccak_shake256(rho_pp, sizeof rho_pp, krm, sizeof krm);

    /* line 10: the rejection loop; kappa + r must fit IntegerToBytes(., 2). */
    for (uint32_t kappa = 0; kappa + l <= 0x10000u; kappa += l) {
        uint32_t reject;

        /* line 11: y = ExpandMask(rho'', kappa) */
        for (unsigned r = 0; r < l; r++) {
            pqce_mldsa_expand_mask_poly(&y[r], rho_pp, (uint16_t)(kappa + r), p->gamma1_bits);
            z[r] = y[r];
            pqce_mldsa_ntt(&z[r]);
        }
        /* lines 12, 13, 15: w = NTT^-1(A-hat o NTT(y)), w1 = HighBits(w), w1Encode(w1) */
        for (unsigned i = 0; i < k; i++) {
            pqce_mldsa_poly_dot(&w[i], A + (size_t)i * l, z, l);
            pqce_mldsa_invntt(&w[i]);
            pqce_mldsa_poly_caddq(&w[i]);
            pqce_mldsa_poly_highbits(&tmp[i], &w[i], p->gamma2);
            pqce_mldsa_pack_w1(w1buf + i * p->w1_poly_bytes, &tmp[i], p->w1_bits);
        }
        /* line 15: c~ = H(mu || w1Encode(w1), lambda / 4) */
        pqce_keccak_init(&hs, PQCE_SHAKE256_RATE);
        pqce_keccak_absorb(&hs, mu, CRHBYTES);
        pqce_keccak_absorb(&hs, w1buf, (size_t)k * p->w1_poly_bytes);
        pqce_keccak_finalize(&hs, PQCE_KECCAK_SUFFIX_SHAKE);
        pqce_keccak_squeeze(&hs, ctilde, p->ctilde_bytes);
        /* c~ is public: it is output when this candidate is accepted, and a
         * function of mu and the discarded mask y alone when it is not
         * (see the head of this file). */
        PQCE_CT_DECLASSIFY(ctilde, p->ctilde_bytes);
        /* line 16: c = SampleInBall(c~). Line 17, c-hat = NTT(c), is not
         * needed: the sparse products below give exactly the centered
         * <<cs1>>, <<cs2>> and <<ct0>> of lines 18, 19 and 25. */
        pqce_mldsa_sample_in_ball(c, ctilde, p->ctilde_bytes, p->tau);
        pqce_mldsa_challenge_from_poly(&ch, c);

        /* lines 18, 20: z = y + <<cs1>>; line 23: ||z|| >= gamma1 - beta */
        reject = 0;
        for (unsigned r = 0; r < l; r++) {
            pqce_mldsa_poly_mul_challenge16(&z[r], &ch, &s1[r]);
            for (unsigned j = 0; j < N; j++) {
                z[r].c[j] += y[r].c[j];
            }
            reject |= pqce_mldsa_poly_exceeds(&z[r], p->gamma1 - p->beta);
        }
        /* The accept/reject decision is public (see the head of this file). */
        PQCE_CT_DECLASSIFY(&reject, sizeof reject);
        if (reject) {
            continue;
        }

        /* lines 19, 21: r = w - <<cs2>> (in [0, q)), r0 = LowBits(r);
         * line 23: ||r0|| >= gamma2 - beta. tmp holds r. */
        for (unsigned i = 0; i < k; i++) {
            pqce_mldsa_poly_mul_challenge16(&tmp[i], &ch, &s2[i]);
            for (unsigned j = 0; j < N; j++) {
                tmp[i].c[j] = reduce_once_each_side(w[i].c[j] - tmp[i].c[j]);
            }
            reject |= pqce_mldsa_poly_lowbits_exceed(&tmp[i], p->gamma2, p->gamma2 - p->beta);
        }
        PQCE_CT_DECLASSIFY(&reject, sizeof reject);
        if (reject) {
            continue;
        }

        /* line 25: <<ct0>> (into w, no longer needed);
         * line 26: h = MakeHint(-<<ct0>>, w - <<cs2>> + <<ct0>>) (into tmp);
         * line 28: ||<<ct0>>|| >= gamma2 or more than omega ones in h. */
        uint32_t ones = 0;
        for (unsigned i = 0; i < k; i++) {
            pqce_mldsa_poly_mul_challenge(&w[i], &ch, &t0[i]);
            reject |= pqce_mldsa_poly_exceeds(&w[i], p->gamma2);
            ones += pqce_mldsa_poly_make_hint(&tmp[i], &tmp[i], &w[i], p->gamma2);
        }
        reject |= 0u - (((uint32_t)p->omega - ones) >> 31); /* ones > omega */
        PQCE_CT_DECLASSIFY(&reject, sizeof reject);
        if (reject) {
            continue;
        }

        /* Accepted: z and h are the signature, hence public. */
        PQCE_CT_DECLASSIFY(z, (size_t)l * sizeof *z);
        PQCE_CT_DECLASSIFY(tmp, (size_t)k * sizeof *tmp);
        /* line 33: sigEncode(c~, z mod+- q, h) [FIPS204, Algorithm 26] */
        memcpy(sig, ctilde, p->ctilde_bytes);
        for (unsigned r = 0; r < l; r++) {
            pqce_mldsa_pack_z(sig + p->ctilde_bytes + r * p->z_poly_bytes, &z[r], p->gamma1_bits);
        }
        pqce_mldsa_pack_hint(sig + p->ctilde_bytes + l * p->z_poly_bytes, tmp, k, p->omega);
        ret = PQCE_OK;
        break;
    }

cleanup:
    if (ws != NULL) {
        pqce_memzero(ws, SIGN_WS_SECRET_BYTES);
        free(ws);
    }
    pqce_memzero(&unpacked, sizeof unpacked);
    pqce_memzero(krm, sizeof krm);
    pqce_memzero(rho_pp, sizeof rho_pp);
    pqce_memzero(w1buf, sizeof w1buf);
    pqce_keccak_wipe(&hs);
    return ret;
}

/* ------------------------------------------------------------------------
 * ML-DSA.Verify_internal [FIPS204, Algorithm 8], from mu on; sig has the
 * right length (checked by the caller).
 * ------------------------------------------------------------------------ */

static int verify_mu(const pqce_mldsa_params *p, const uint8_t *sig, const uint8_t mu[CRHBYTES],
                     const uint8_t *pk)
{
    const unsigned k = p->k, l = p->l;
    pqce_mldsa_poly zh[PQCE_MLDSA_L_MAX], row[PQCE_MLDSA_L_MAX];
    pqce_mldsa_poly w, t1, c;
    pqce_mldsa_challenge ch;
    uint8_t h[PQCE_MLDSA_K_MAX * N];
    uint8_t w1buf[W1_MAX_BYTES];
    uint8_t ctilde2[64];
    pqce_keccak hs;
    const uint8_t *ctilde = sig;
    const uint8_t *zbytes = sig + p->ctilde_bytes;

    /* line 2: sigDecode [FIPS204, Algorithm 27]; line 3: a malformed hint
     * is a rejection. */
    if (pqce_mldsa_unpack_hint(h, zbytes + l * p->z_poly_bytes, k, p->omega) != 0) {
        return PQCE_ERR_VERIFY;
    }
    /* line 13: ||z|| < gamma1 - beta, checked first (the result is the same) */
    for (unsigned r = 0; r < l; r++) {
        pqce_mldsa_unpack_z(&zh[r], zbytes + r * p->z_poly_bytes, p->gamma1_bits);
        if (pqce_mldsa_poly_exceeds(&zh[r], p->gamma1 - p->beta)) {
            return PQCE_ERR_VERIFY;
        }
        pqce_mldsa_ntt(&zh[r]);
    }
    /* line 8: c = SampleInBall(c~) */
    pqce_mldsa_sample_in_ball(&c, ctilde, p->ctilde_bytes, p->tau);
    pqce_mldsa_challenge_from_poly(&ch, &c);
    for (unsigned i = 0; i < k; i++) {
        /* line 9: w'_approx = NTT^-1(A-hat o NTT(z) - NTT(c) o NTT(t1 * 2^d)),
         * row i, with row i of A-hat = ExpandA(rho) (line 5) and t1 from
         * pkDecode [FIPS204, Algorithm 23] (line 1). */
        pqce_mldsa_expand_a_row(row, pk, i, l);
        pqce_mldsa_poly_dot(&w, row, zh, l);
        pqce_mldsa_invntt(&w);
        /* c t1 2^d is computed sparsely outside the NTT domain (the same
         * value mod q): |c t1| <= 60 (2^10 - 1), so |c t1 2^d| < 2^29. */
        pqce_mldsa_unpack_t1(&t1, pk + SEEDBYTES + i * PQCE_MLDSA_T1_POLY_BYTES);
        pqce_mldsa_poly_mul_challenge(&c, &ch, &t1);
        for (unsigned j = 0; j < N; j++) {
            w.c[j] = freeze(w.c[j] - c.c[j] * (1 << PQCE_MLDSA_D));
        }
        /* line 10: w1' = UseHint(h, w'_approx) */
        pqce_mldsa_poly_use_hint(&w, h + i * N, &w, p->gamma2);
        pqce_mldsa_pack_w1(w1buf + i * p->w1_poly_bytes, &w, p->w1_bits);
    }
    /* line 12: c~' = H(mu || w1Encode(w1'), lambda / 4) */
    pqce_keccak_init(&hs, PQCE_SHAKE256_RATE);
    pqce_keccak_absorb(&hs, mu, CRHBYTES);
    pqce_keccak_absorb(&hs, w1buf, (size_t)k * p->w1_poly_bytes);
    pqce_keccak_finalize(&hs, PQCE_KECCAK_SUFFIX_SHAKE);
    pqce_keccak_squeeze(&hs, ctilde2, p->ctilde_bytes);
    /* line 13: c~ = c~' */
    return pqce_ct_memeq(ctilde, ctilde2, p->ctilde_bytes) ? PQCE_OK : PQCE_ERR_VERIFY;
}

/* ------------------------------------------------------------------------
 * Messages: how each interface turns its input into mu
 * ------------------------------------------------------------------------ */

enum msg_kind {
    MSG_PURE,     /* M' = 0 || |ctx| || ctx || M  [FIPS204, Algorithms 2, 3] */
    MSG_PREHASH,  /* M' = 1 || |ctx| || ctx || OID || PH(M)  [FIPS204, Algorithms 4, 5] */
    MSG_INTERNAL, /* M' given  [FIPS204, Algorithms 7, 8] */
    MSG_MU,       /* mu given  (external mu) */
};

typedef struct msg_spec {
    enum msg_kind kind;
    const uint8_t *msg; /* M, M' or mu */
    size_t msg_len;
    const uint8_t *ctx;
    size_t ctx_len;
    pqce_mldsa_hash hash;
} msg_spec;

/* Pre-hash functions [FIPS204, 5.4]: the OID is 2.16.840.1.101.3.4.2.arc,
 * DER-encoded as 06 09 60 86 48 01 65 03 04 02 arc; the enum value is the
 * arc. */
#define OID_BYTES    11
#define PH_MAX_BYTES 64

struct prehash_info {
    uint8_t out_len;
    uint8_t is_sha2;
    pqce_sha2_alg sha2;
    uint32_t rate; /* Keccak rate for SHA-3 and SHAKE */
    uint8_t suffix;
};

static int prehash_info(pqce_mldsa_hash hash, struct prehash_info *pi)
{
    static const struct prehash_info sha2_info[] = {
        {32, 1, PQCE_SHA2_256, 0, 0},     {48, 1, PQCE_SHA2_384, 0, 0},
        {64, 1, PQCE_SHA2_512, 0, 0},     {28, 1, PQCE_SHA2_224, 0, 0},
        {28, 1, PQCE_SHA2_512_224, 0, 0}, {32, 1, PQCE_SHA2_512_256, 0, 0},
    };
    switch (hash) {
    case PQCE_MLDSA_HASH_SHA2_256:
    case PQCE_MLDSA_HASH_SHA2_384:
    case PQCE_MLDSA_HASH_SHA2_512:
    case PQCE_MLDSA_HASH_SHA2_224:
    case PQCE_MLDSA_HASH_SHA2_512_224:
    case PQCE_MLDSA_HASH_SHA2_512_256:
        *pi = sha2_info[(unsigned)hash - 1];
        return PQCE_OK;
    case PQCE_MLDSA_HASH_SHA3_224:
        *pi = (struct prehash_info){28, 0, PQCE_SHA2_224, 144, PQCE_KECCAK_SUFFIX_SHA3};
        return PQCE_OK;
    case PQCE_MLDSA_HASH_SHA3_256:
        *pi = (struct prehash_info){32, 0, PQCE_SHA2_224, PQCE_SHA3_256_RATE,
                                    PQCE_KECCAK_SUFFIX_SHA3};
        return PQCE_OK;
    case PQCE_MLDSA_HASH_SHA3_384:
        *pi = (struct prehash_info){48, 0, PQCE_SHA2_224, 104, PQCE_KECCAK_SUFFIX_SHA3};
        return PQCE_OK;
    case PQCE_MLDSA_HASH_SHA3_512:
        *pi = (struct prehash_info){64, 0, PQCE_SHA2_224, PQCE_SHA3_512_RATE,
                                    PQCE_KECCAK_SUFFIX_SHA3};
        return PQCE_OK;
    case PQCE_MLDSA_HASH_SHAKE128: /* 256-bit output */
        *pi = (struct prehash_info){32, 0, PQCE_SHA2_224, PQCE_SHAKE128_RATE,
                                    PQCE_KECCAK_SUFFIX_SHAKE};
        return PQCE_OK;
    case PQCE_MLDSA_HASH_SHAKE256: /* 512-bit output */
        *pi = (struct prehash_info){64, 0, PQCE_SHA2_224, PQCE_SHAKE256_RATE,
                                    PQCE_KECCAK_SUFFIX_SHAKE};
        return PQCE_OK;
    }
    return PQCE_ERR_INVALID_ARG;
}

static int spec_check(const msg_spec *m)
{
    struct prehash_info pi;
    if (m->msg == NULL && (m->msg_len > 0 || m->kind == MSG_MU)) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (m->ctx == NULL && m->ctx_len > 0) {
        return PQCE_ERR_INVALID_ARG;
    }
    /* [FIPS204, Algorithm 2, line 1]: a context longer than 255 bytes is an error */
    if (m->ctx_len > PQCE_MLDSA_CTX_MAX_BYTES) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (m->kind == MSG_PREHASH) {
        return prehash_info(m->hash, &pi);
    }
    return PQCE_OK;
}

/* mu = H(tr || M', 64) [FIPS204, Algorithm 7, line 6], with M' built as
 * the interface says, streamed into the sponge rather than copied. */
static int spec_mu(uint8_t mu[CRHBYTES], const uint8_t tr[CRHBYTES], const msg_spec *m)
{
    pqce_keccak hs;
    uint8_t head[2];
    uint8_t ph[OID_BYTES + PH_MAX_BYTES];
    struct prehash_info pi;
    size_t ph_len = 0;
    int ret = PQCE_OK;

    if (m->kind == MSG_MU) {
        memcpy(mu, m->msg, CRHBYTES);
        return PQCE_OK;
    }
    if (m->kind == MSG_PREHASH) {
        static const uint8_t oid_prefix[OID_BYTES - 1] = {0x06, 0x09, 0x60, 0x86, 0x48,
                                                          0x01, 0x65, 0x03, 0x04, 0x02};
        ret = prehash_info(m->hash, &pi);
        if (ret != PQCE_OK) {
            return ret;
        }
        memcpy(ph, oid_prefix, sizeof oid_prefix);
        ph[OID_BYTES - 1] = (uint8_t)m->hash;
        if (pi.is_sha2) {
            ret = pqce_sha2_digest(pi.sha2, ph + OID_BYTES, PH_MAX_BYTES, &ph_len, m->msg,
                                   m->msg_len);
            if (ret != PQCE_OK) {
                return ret;
            }
        } else {
            pqce_keccak_init(&hs, pi.rate);
            pqce_keccak_absorb(&hs, m->msg, m->msg_len);
            pqce_keccak_finalize(&hs, pi.suffix);
            pqce_keccak_squeeze(&hs, ph + OID_BYTES, pi.out_len);
            ph_len = pi.out_len;
        }
        ph_len += OID_BYTES;
    }
    pqce_keccak_init(&hs, PQCE_SHAKE256_RATE);
    pqce_keccak_absorb(&hs, tr, CRHBYTES);
    if (m->kind != MSG_INTERNAL) {
        head[0] = m->kind == MSG_PREHASH ? 1 : 0; /* IntegerToBytes(0 or 1, 1) */
        head[1] = (uint8_t)m->ctx_len;            /* IntegerToBytes(|ctx|, 1) */
        pqce_keccak_absorb(&hs, head, sizeof head);
        pqce_keccak_absorb(&hs, m->ctx, m->ctx_len);
    }
    if (m->kind == MSG_PREHASH) {
        pqce_keccak_absorb(&hs, ph, ph_len);
    } else {
        pqce_keccak_absorb(&hs, m->msg, m->msg_len);
    }
    pqce_keccak_finalize(&hs, PQCE_KECCAK_SUFFIX_SHAKE);
    pqce_keccak_squeeze(&hs, mu, CRHBYTES);
    pqce_keccak_wipe(&hs);
    return PQCE_OK;
}

/* ------------------------------------------------------------------------
 * The generic entry points behind the public wrappers
 * ------------------------------------------------------------------------ */

static int keypair_derand(const pqce_mldsa_params *p, uint8_t *pk, uint8_t *sk, const uint8_t *seed)
{
    if (pk == NULL || sk == NULL || seed == NULL) {
        if (pk != NULL) {
            pqce_memzero(pk, p->pk_bytes);
        }
        if (sk != NULL) {
            pqce_memzero(sk, p->sk_bytes);
        }
        return PQCE_ERR_INVALID_ARG;
    }
    keygen_internal(p, pk, sk, seed);
    return PQCE_OK;
}

/* ML-DSA.KeyGen [FIPS204, Algorithm 1] */
static int keypair_rng(const pqce_mldsa_params *p, const pqce_rng *rng, uint8_t *pk, uint8_t *sk)
{
    uint8_t xi[SEEDBYTES];
    int ret;

    if (pk == NULL || sk == NULL) {
        ret = PQCE_ERR_INVALID_ARG;
        goto cleanup;
    }
    ret = pqce_random_bytes(rng, xi, sizeof xi);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    keygen_internal(p, pk, sk, xi);

cleanup:
    if (ret != PQCE_OK) {
        if (pk != NULL) {
            pqce_memzero(pk, p->pk_bytes);
        }
        if (sk != NULL) {
            pqce_memzero(sk, p->sk_bytes);
        }
    }
    pqce_memzero(xi, sizeof xi);
    return ret;
}

/* Signing through any interface: with rnd_given the caller supplies rnd
 * (derand), otherwise rnd is drawn from rng (hedged). */
static int sign_spec(const pqce_mldsa_params *p, const pqce_rng *rng, uint8_t *sig,
                     const msg_spec *m, const uint8_t *sk, const uint8_t *rnd, int rnd_given)
{
    uint8_t rnd_buf[SEEDBYTES];
    uint8_t mu[CRHBYTES];
    int ret;

    if (sig == NULL || sk == NULL || (rnd_given && rnd == NULL)) {
        ret = PQCE_ERR_INVALID_ARG;
        goto cleanup;
    }
    ret = spec_check(m);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    if (!rnd_given) {
        /* [FIPS204, Algorithm 2, line 5]: rnd from an approved RBG */
        ret = pqce_random_bytes(rng, rnd_buf, sizeof rnd_buf);
        if (ret != PQCE_OK) {
            goto cleanup;
        }
        rnd = rnd_buf;
    }
    ret = spec_mu(mu, sk + SK_TR_OFF, m);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    ret = sign_mu(p, sig, mu, sk, rnd);

cleanup:
    if (ret != PQCE_OK && sig != NULL) {
        pqce_memzero(sig, p->sig_bytes);
    }
    pqce_memzero(rnd_buf, sizeof rnd_buf);
    pqce_memzero(mu, sizeof mu);
    return ret;
}

static int verify_spec(const pqce_mldsa_params *p, const uint8_t *sig, size_t sig_len,
                       const msg_spec *m, const uint8_t *pk)
{
    /* tr is unused for external mu (MSG_MU), but zeroed so that no
     * optimisation level sees it read uninitialised */
    uint8_t tr[CRHBYTES] = {0}, mu[CRHBYTES];
    int ret;

    if (sig == NULL || pk == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    ret = spec_check(m);
    if (ret != PQCE_OK) {
        return ret;
    }
    /* Checked before anything is read, so that no byte past sig_len is. */
    if (sig_len != p->sig_bytes) {
        return PQCE_ERR_VERIFY;
    }
    /* [FIPS204, Algorithm 8, lines 6 and 7]: tr = H(pk, 64), mu = H(tr || M', 64) */
    if (m->kind != MSG_MU) {
        pqce_keccak_shake256(tr, sizeof tr, pk, p->pk_bytes);
    }
    ret = spec_mu(mu, tr, m);
    if (ret != PQCE_OK) {
        return ret;
    }
    return verify_mu(p, sig, mu, pk);
}

/* ------------------------------------------------------------------------
 * Streaming mu
 * ------------------------------------------------------------------------ */

int pqce_mldsa_mu_init(pqce_sha3_ctx *h, const uint8_t tr[PQCE_MLDSA_TR_BYTES], const uint8_t *ctx,
                       size_t ctx_len)
{
    uint8_t head[2];
    int ret;

    if (h == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (tr == NULL || (ctx == NULL && ctx_len > 0) || ctx_len > PQCE_MLDSA_CTX_MAX_BYTES) {
        pqce_sha3_wipe(h);
        return PQCE_ERR_INVALID_ARG;
    }
    head[0] = 0; /* pure ML-DSA: M' = 0 || |ctx| || ctx || M [FIPS204, Algorithm 2, line 10] */
    head[1] = (uint8_t)ctx_len;
    ret = pqce_shake256_init(h);
    if (ret == PQCE_OK) {
        ret = pqce_sha3_absorb(h, tr, PQCE_MLDSA_TR_BYTES);
    }
    if (ret == PQCE_OK) {
        ret = pqce_sha3_absorb(h, head, sizeof head);
    }
    if (ret == PQCE_OK) {
        ret = pqce_sha3_absorb(h, ctx, ctx_len);
    }
    if (ret != PQCE_OK) {
        pqce_sha3_wipe(h);
    }
    return ret;
}

int pqce_mldsa_mu_final(pqce_sha3_ctx *h, uint8_t mu[PQCE_MLDSA_MU_BYTES])
{
    int ret;

    if (h == NULL || mu == NULL) {
        if (mu != NULL) {
            pqce_memzero(mu, PQCE_MLDSA_MU_BYTES);
        }
        pqce_sha3_wipe(h);
        return PQCE_ERR_INVALID_ARG;
    }
    ret = pqce_shake_squeeze(h, mu, PQCE_MLDSA_MU_BYTES);
    if (ret != PQCE_OK) {
        pqce_memzero(mu, PQCE_MLDSA_MU_BYTES);
    }
    pqce_sha3_wipe(h);
    return ret;
}

/* ------------------------------------------------------------------------
 * Public wrappers: one set of functions per parameter set
 * ------------------------------------------------------------------------ */

static msg_spec spec_pure(const uint8_t *msg, size_t msg_len, const uint8_t *ctx, size_t ctx_len)
{
    msg_spec m = {MSG_PURE, msg, msg_len, ctx, ctx_len, PQCE_MLDSA_HASH_SHA3_256};
    return m;
}

static msg_spec spec_hash(const uint8_t *msg, size_t msg_len, const uint8_t *ctx, size_t ctx_len,
                          pqce_mldsa_hash hash)
{
    msg_spec m = {MSG_PREHASH, msg, msg_len, ctx, ctx_len, hash};
    return m;
}

static msg_spec spec_internal(const uint8_t *mprime, size_t mprime_len)
{
    msg_spec m = {MSG_INTERNAL, mprime, mprime_len, NULL, 0, PQCE_MLDSA_HASH_SHA3_256};
    return m;
}

static msg_spec spec_mu_given(const uint8_t *mu)
{
    msg_spec m = {MSG_MU, mu, PQCE_MLDSA_MU_BYTES, NULL, 0, PQCE_MLDSA_HASH_SHA3_256};
    return m;
}

#define MLDSA_WRAPPERS(N_)                                                                         \
    int pqce_mldsa##N_##_keypair(uint8_t pk[PQCE_MLDSA##N_##_PK_BYTES],                            \
                                 uint8_t sk[PQCE_MLDSA##N_##_SK_BYTES])                            \
    {                                                                                              \
        return keypair_rng(&pqce_mldsa##N_##_params, NULL, pk, sk);                                \
    }                                                                                              \
    int pqce_mldsa##N_##_keypair_rng(const pqce_rng *rng, uint8_t pk[PQCE_MLDSA##N_##_PK_BYTES],   \
                                     uint8_t sk[PQCE_MLDSA##N_##_SK_BYTES])                        \
    {                                                                                              \
        return keypair_rng(&pqce_mldsa##N_##_params, rng, pk, sk);                                 \
    }                                                                                              \
    int pqce_mldsa##N_##_keypair_derand(uint8_t pk[PQCE_MLDSA##N_##_PK_BYTES],                     \
                                        uint8_t sk[PQCE_MLDSA##N_##_SK_BYTES],                     \
                                        const uint8_t seed[PQCE_MLDSA_SEED_BYTES])                 \
    {                                                                                              \
        return keypair_derand(&pqce_mldsa##N_##_params, pk, sk, seed);                             \
    }                                                                                              \
    int pqce_mldsa##N_##_sign(uint8_t sig[PQCE_MLDSA##N_##_SIG_BYTES], const uint8_t *msg,         \
                              size_t msg_len, const uint8_t *ctx, size_t ctx_len,                  \
                              const uint8_t sk[PQCE_MLDSA##N_##_SK_BYTES])                         \
    {                                                                                              \
        msg_spec m = spec_pure(msg, msg_len, ctx, ctx_len);                                        \
        return sign_spec(&pqce_mldsa##N_##_params, NULL, sig, &m, sk, NULL, 0);                    \
    }                                                                                              \
    int pqce_mldsa##N_##_sign_rng(const pqce_rng *rng, uint8_t sig[PQCE_MLDSA##N_##_SIG_BYTES],    \
                                  const uint8_t *msg, size_t msg_len, const uint8_t *ctx,          \
                                  size_t ctx_len, const uint8_t sk[PQCE_MLDSA##N_##_SK_BYTES])     \
    {                                                                                              \
        msg_spec m = spec_pure(msg, msg_len, ctx, ctx_len);                                        \
        return sign_spec(&pqce_mldsa##N_##_params, rng, sig, &m, sk, NULL, 0);                     \
    }                                                                                              \
    int pqce_mldsa##N_##_sign_derand(uint8_t sig[PQCE_MLDSA##N_##_SIG_BYTES], const uint8_t *msg,  \
                                     size_t msg_len, const uint8_t *ctx, size_t ctx_len,           \
                                     const uint8_t sk[PQCE_MLDSA##N_##_SK_BYTES],                  \
                                     const uint8_t rnd[PQCE_MLDSA_RND_BYTES])                      \
    {                                                                                              \
        msg_spec m = spec_pure(msg, msg_len, ctx, ctx_len);                                        \
        return sign_spec(&pqce_mldsa##N_##_params, NULL, sig, &m, sk, rnd, 1);                     \
    }                                                                                              \
    int pqce_mldsa##N_##_verify(const uint8_t *sig, size_t sig_len, const uint8_t *msg,            \
                                size_t msg_len, const uint8_t *ctx, size_t ctx_len,                \
                                const uint8_t pk[PQCE_MLDSA##N_##_PK_BYTES])                       \
    {                                                                                              \
        msg_spec m = spec_pure(msg, msg_len, ctx, ctx_len);                                        \
        return verify_spec(&pqce_mldsa##N_##_params, sig, sig_len, &m, pk);                        \
    }                                                                                              \
    int pqce_mldsa##N_##_sign_internal(                                                            \
        uint8_t sig[PQCE_MLDSA##N_##_SIG_BYTES], const uint8_t *mprime, size_t mprime_len,         \
        const uint8_t sk[PQCE_MLDSA##N_##_SK_BYTES], const uint8_t rnd[PQCE_MLDSA_RND_BYTES])      \
    {                                                                                              \
        msg_spec m = spec_internal(mprime, mprime_len);                                            \
        return sign_spec(&pqce_mldsa##N_##_params, NULL, sig, &m, sk, rnd, 1);                     \
    }                                                                                              \
    int pqce_mldsa##N_##_verify_internal(const uint8_t *sig, size_t sig_len,                       \
                                         const uint8_t *mprime, size_t mprime_len,                 \
                                         const uint8_t pk[PQCE_MLDSA##N_##_PK_BYTES])              \
    {                                                                                              \
        msg_spec m = spec_internal(mprime, mprime_len);                                            \
        return verify_spec(&pqce_mldsa##N_##_params, sig, sig_len, &m, pk);                        \
    }                                                                                              \
    int pqce_mldsa##N_##_public_key_hash(uint8_t tr[PQCE_MLDSA_TR_BYTES],                          \
                                         const uint8_t pk[PQCE_MLDSA##N_##_PK_BYTES])              \
    {                                                                                              \
        if (tr == NULL || pk == NULL) {                                                            \
            if (tr != NULL) {                                                                      \
                pqce_memzero(tr, PQCE_MLDSA_TR_BYTES);                                             \
            }                                                                                      \
            return PQCE_ERR_INVALID_ARG;                                                           \
        }                                                                                          \
        pqce_keccak_shake256(tr, PQCE_MLDSA_TR_BYTES, pk, PQCE_MLDSA##N_##_PK_BYTES);              \
        return PQCE_OK;                                                                            \
    }                                                                                              \
    int pqce_mldsa##N_##_sign_mu(uint8_t sig[PQCE_MLDSA##N_##_SIG_BYTES],                          \
                                 const uint8_t mu[PQCE_MLDSA_MU_BYTES],                            \
                                 const uint8_t sk[PQCE_MLDSA##N_##_SK_BYTES])                      \
    {                                                                                              \
        msg_spec m = spec_mu_given(mu);                                                            \
        return sign_spec(&pqce_mldsa##N_##_params, NULL, sig, &m, sk, NULL, 0);                    \
    }                                                                                              \
    int pqce_mldsa##N_##_sign_mu_rng(const pqce_rng *rng, uint8_t sig[PQCE_MLDSA##N_##_SIG_BYTES], \
                                     const uint8_t mu[PQCE_MLDSA_MU_BYTES],                        \
                                     const uint8_t sk[PQCE_MLDSA##N_##_SK_BYTES])                  \
    {                                                                                              \
        msg_spec m = spec_mu_given(mu);                                                            \
        return sign_spec(&pqce_mldsa##N_##_params, rng, sig, &m, sk, NULL, 0);                     \
    }                                                                                              \
    int pqce_mldsa##N_##_sign_mu_derand(                                                           \
        uint8_t sig[PQCE_MLDSA##N_##_SIG_BYTES], const uint8_t mu[PQCE_MLDSA_MU_BYTES],            \
        const uint8_t sk[PQCE_MLDSA##N_##_SK_BYTES], const uint8_t rnd[PQCE_MLDSA_RND_BYTES])      \
    {                                                                                              \
        msg_spec m = spec_mu_given(mu);                                                            \
        return sign_spec(&pqce_mldsa##N_##_params, NULL, sig, &m, sk, rnd, 1);                     \
    }                                                                                              \
    int pqce_mldsa##N_##_verify_mu(const uint8_t *sig, size_t sig_len,                             \
                                   const uint8_t mu[PQCE_MLDSA_MU_BYTES],                          \
                                   const uint8_t pk[PQCE_MLDSA##N_##_PK_BYTES])                    \
    {                                                                                              \
        msg_spec m = spec_mu_given(mu);                                                            \
        return verify_spec(&pqce_mldsa##N_##_params, sig, sig_len, &m, pk);                        \
    }                                                                                              \
    int pqce_mldsa##N_##_hash_sign(uint8_t sig[PQCE_MLDSA##N_##_SIG_BYTES], const uint8_t *msg,    \
                                   size_t msg_len, const uint8_t *ctx, size_t ctx_len,             \
                                   pqce_mldsa_hash hash,                                           \
                                   const uint8_t sk[PQCE_MLDSA##N_##_SK_BYTES])                    \
    {                                                                                              \
        msg_spec m = spec_hash(msg, msg_len, ctx, ctx_len, hash);                                  \
        return sign_spec(&pqce_mldsa##N_##_params, NULL, sig, &m, sk, NULL, 0);                    \
    }                                                                                              \
    int pqce_mldsa##N_##_hash_sign_rng(                                                            \
        const pqce_rng *rng, uint8_t sig[PQCE_MLDSA##N_##_SIG_BYTES], const uint8_t *msg,          \
        size_t msg_len, const uint8_t *ctx, size_t ctx_len, pqce_mldsa_hash hash,                  \
        const uint8_t sk[PQCE_MLDSA##N_##_SK_BYTES])                                               \
    {                                                                                              \
        msg_spec m = spec_hash(msg, msg_len, ctx, ctx_len, hash);                                  \
        return sign_spec(&pqce_mldsa##N_##_params, rng, sig, &m, sk, NULL, 0);                     \
    }                                                                                              \
    int pqce_mldsa##N_##_hash_sign_derand(                                                         \
        uint8_t sig[PQCE_MLDSA##N_##_SIG_BYTES], const uint8_t *msg, size_t msg_len,               \
        const uint8_t *ctx, size_t ctx_len, pqce_mldsa_hash hash,                                  \
        const uint8_t sk[PQCE_MLDSA##N_##_SK_BYTES], const uint8_t rnd[PQCE_MLDSA_RND_BYTES])      \
    {                                                                                              \
        msg_spec m = spec_hash(msg, msg_len, ctx, ctx_len, hash);                                  \
        return sign_spec(&pqce_mldsa##N_##_params, NULL, sig, &m, sk, rnd, 1);                     \
    }                                                                                              \
    int pqce_mldsa##N_##_hash_verify(const uint8_t *sig, size_t sig_len, const uint8_t *msg,       \
                                     size_t msg_len, const uint8_t *ctx, size_t ctx_len,           \
                                     pqce_mldsa_hash hash,                                         \
                                     const uint8_t pk[PQCE_MLDSA##N_##_PK_BYTES])                  \
    {                                                                                              \
        msg_spec m = spec_hash(msg, msg_len, ctx, ctx_len, hash);                                  \
        return verify_spec(&pqce_mldsa##N_##_params, sig, sig_len, &m, pk);                        \
    }

MLDSA_WRAPPERS(44)
MLDSA_WRAPPERS(65)
MLDSA_WRAPPERS(87)
