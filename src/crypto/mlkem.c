/*
 * mlkem.c - ML-KEM-512, ML-KEM-768 and ML-KEM-1024 [FIPS203].
 *
 * One implementation parameterised by pqce_mlkem_params (k, eta1, eta2,
 * du, dv); the public pqce_mlkemN_* functions at the end are thin wrappers.
 * Layers, bottom up: K-PKE [FIPS203, Algorithms 13-15], the internal KEM
 * [FIPS203, Algorithms 16-18], the input checks [FIPS203, 7.2 and 7.3],
 * and the randomised KEM [FIPS203, Algorithms 19-21].
 *
 * Constant time: no branch, memory index or division depends on a secret.
 * The only branches on data are on public values: the rejection sampling
 * of A-hat from rho (part of ek), the 7.2 modulus check of ek and the 7.3
 * hash check of the public part of dk. Implicit rejection selects K-bar by
 * mask. Each place where a secret-derived value is declared public says
 * why (PQCE_CT_DECLASSIFY, checked by tests/ct/ct_mlkem.c under valgrind).
 *
 * Secrets are wiped on every path: functions holding them have one exit,
 * through `cleanup:`. On error, every output is zeroized.
 *
 * Deviations from the pseudocode, none observable:
 *  - A-hat is generated one row at a time and consumed at once, instead of
 *    as a whole matrix; in Encrypt the rows of A-hat^T are sampled directly
 *    (A-hat[j, i] = SampleNTT(rho || i || j)).
 *  - Products in T_q are accumulated over a row before reduction, with a
 *    Montgomery factor R^-1 that the inverse NTT (or tomont) removes. The
 *    vector's odd coefficients times gamma_i [FIPS203, Algorithm 12] are
 *    computed once per vector entry and reused by every row.
 *  - Encaps decodes ek once: the 7.2 modulus check and K-PKE.Encrypt's
 *    ByteDecode_12 share one pass.
 *  - The noise vectors are sampled together before they are used, so that
 *    the AVX2 implementation can compute four PRF calls at once; A-hat (or
 *    its transpose) is sampled in groups of rows of at most four entries
 *    (PQCE_MLKEM_MATRIX_ROWS) for the same reason.
 *
 * The inner loops (sampling, NTT, products in T_q, reductions, encodings)
 * are called through a pqce_mlkem_impl table (mlkem_impl.h): the portable C
 * one, or the AVX2 one, which gives bit-for-bit the same results. The
 * public functions take the table that pqce_mlkem_impl_select() gives for
 * this CPU; the pqce_mlkem_*_with entry points of mlkem.h take it as an
 * argument, so that the tests run every vector through every
 * implementation.
 */
#include <string.h>

#include "core/ct.h"
#include "crypto/mlkem.h"

#include "crypto/keccak.h"
#include "crypto/mlkem_poly.h"
#include "crypto/mlkem_sample.h"

typedef pqce_mlkem_poly poly;
typedef pqce_mlkem_params params;
typedef pqce_mlkem_impl impl;

const params pqce_mlkem512_params = PQCE_MLKEM_PARAMS_INIT(512);
const params pqce_mlkem768_params = PQCE_MLKEM_PARAMS_INIT(768);
const params pqce_mlkem1024_params = PQCE_MLKEM_PARAMS_INIT(1024);

#define K_MAX      PQCE_MLKEM_K_MAX
#define POLY_BYTES PQCE_MLKEM_POLY_BYTES

/* Offsets into dk = dk_PKE || ek || H(ek) || z [FIPS203, Algorithm 16]. */
#define DK_EK_OFFSET(k) (POLY_BYTES * (size_t)(k))
#define DK_H_OFFSET(k)  (2 * POLY_BYTES * (size_t)(k) + 32)
#define DK_Z_OFFSET(k)  (2 * POLY_BYTES * (size_t)(k) + 64)

/* ------------------------------------------------------------------------
 * K-PKE
 * ------------------------------------------------------------------------ */

/*
 * K-PKE.KeyGen(d) [FIPS203, Algorithm 13]. Writes ek_PKE (384k + 32 bytes)
 * and dk_PKE (384k bytes).
 */
static void kpke_keygen(const impl *im, const params *p, uint8_t *ek, uint8_t *dk_pke,
                        const uint8_t d[32])
{
    const unsigned k = p->k;
    uint8_t g_in[33];
    uint8_t rho_sigma[64];
    poly se[2 * K_MAX], a[PQCE_MLKEM_MATRIX_BATCH], t;
    poly *s = se, *e = se + k;
    const unsigned rows = PQCE_MLKEM_MATRIX_ROWS(k);
    pqce_mlkem_mulcache s_x[K_MAX];

    /* Step 1: (rho, sigma) = G(d || k), the final FIPS 203 domain separation. */
    memcpy(g_in, d, 32);
    g_in[32] = (uint8_t)k;
    pqce_keccak_sha3_512(rho_sigma, g_in, sizeof g_in);
    const uint8_t *rho = rho_sigma, *sigma = rho_sigma + 32;
    /* rho becomes the last 32 bytes of ek (step 19), so it is public, and so
     * is the rejection sampling of A-hat from it. sigma stays secret. */
    PQCE_CT_DECLASSIFY(rho_sigma, 32);

    /* Steps 8-15: s and e from PRF_eta1(sigma, N), N = 0 .. 2k-1. */
    im->polyvec_sample_noise(se, sigma, 0, 2 * k, p->eta1);
    /* Steps 16-17: s-hat, e-hat. s-hat is reduced for the product bounds. */
    for (unsigned i = 0; i < k; i++) {
        im->ntt(&s[i]);
        im->reduce(&s[i]);
        im->mulcache(&s_x[i], &s[i]);
        im->ntt(&e[i]);
    }
    /* Steps 3-7 and 18: t-hat[i] = sum_j A-hat[i, j] o s-hat[j] + e-hat[i],
     * with A-hat[i, j] = SampleNTT(rho || j || i), a group of rows at a time;
     * step 19 encodes it. */
    for (unsigned i0 = 0; i0 < k; i0 += rows) {
        im->polymat_sample(a, rho, k, 0, i0, rows);
        for (unsigned row = 0; row < rows; row++) {
            const unsigned i = i0 + row;
            im->basemul_acc(&t, &a[row * k], s, s_x, k);
            im->tomont(&t);                 /* removes basemul's R^-1: |t| < q */
            pqce_mlkem_poly_add(&t, &e[i]); /* |t| < q + 8q, fits int16_t */
            im->encode12(ek + POLY_BYTES * i, &t);
        }
    }
    memcpy(ek + POLY_BYTES * k, rho, 32);
    /* Step 20: dk_PKE = ByteEncode_12(s-hat). */
    for (unsigned i = 0; i < k; i++) {
        im->encode12(dk_pke + POLY_BYTES * i, &s[i]);
    }

    pqce_memzero(g_in, sizeof g_in);
    pqce_memzero(rho_sigma, sizeof rho_sigma);
    pqce_memzero(se, sizeof se);
    pqce_memzero(s_x, sizeof s_x);
    pqce_memzero(&t, sizeof t);
}

/*
 * K-PKE.Encrypt(ek, m, r) [FIPS203, Algorithm 14] with ek already decoded:
 * t_hat = ByteDecode_12(ek[0 : 384k]) (step 2) and rho = ek[384k : 384k+32]
 * (step 3). Writes c (32 (du k + dv) bytes).
 */
static void kpke_encrypt(const impl *im, const params *p, uint8_t *c, const poly *t_hat,
                         const uint8_t rho[32], const uint8_t m[32], const uint8_t r[32])
{
    const unsigned k = p->k;
    poly y[K_MAX], e12[K_MAX + 1], a[PQCE_MLKEM_MATRIX_BATCH], u, v, mu;
    pqce_mlkem_mulcache y_x[K_MAX];
    const unsigned rows = PQCE_MLKEM_MATRIX_ROWS(k);

    /* Steps 9-12: y from PRF_eta1(r, N), N = 0 .. k-1; step 18: y-hat. */
    im->polyvec_sample_noise(y, r, 0, k, p->eta1);
    for (unsigned i = 0; i < k; i++) {
        im->ntt(&y[i]);
        im->reduce(&y[i]);
        im->mulcache(&y_x[i], &y[i]);
    }
    /* Steps 13-17: e1[i] from PRF_eta2(r, k + i) and e2 = e12[k] from
     * PRF_eta2(r, 2k). */
    im->polyvec_sample_noise(e12, r, (uint8_t)k, k + 1, p->eta2);
    /* Steps 4-8 and 19: u[i] = NTT^-1(sum_j A-hat[j, i] o y-hat[j]) + e1[i],
     * with A-hat[j, i] = SampleNTT(rho || i || j) (the rows of A-hat^T), a
     * group of rows at a time; step 22: c1. */
    for (unsigned i0 = 0; i0 < k; i0 += rows) {
        im->polymat_sample(a, rho, k, 1, i0, rows);
        for (unsigned row = 0; row < rows; row++) {
            const unsigned i = i0 + row;
            im->basemul_acc(&u, &a[row * k], y, y_x, k);
            im->invntt_mont(&u);
            pqce_mlkem_poly_add(&u, &e12[i]);
            im->compress_encode(c + 32 * p->du * i, &u, p->du);
        }
    }
    /* Steps 20, 21: v = NTT^-1(t-hat^T o y-hat) + e2 + mu, with
     * mu = Decompress_1(ByteDecode_1(m)); step 23: c2. */
    im->basemul_acc(&v, t_hat, y, y_x, k);
    im->invntt_mont(&v);
    pqce_mlkem_poly_add(&v, &e12[k]);
    im->decode_decompress(&mu, m, 1);
    pqce_mlkem_poly_add(&v, &mu);
    im->compress_encode(c + 32 * p->du * k, &v, p->dv);

    pqce_memzero(y, sizeof y);
    pqce_memzero(y_x, sizeof y_x);
    pqce_memzero(e12, sizeof e12);
    pqce_memzero(&u, sizeof u);
    pqce_memzero(&v, sizeof v);
    pqce_memzero(&mu, sizeof mu);
}

/*
 * K-PKE.Decrypt(dk_PKE, c) [FIPS203, Algorithm 15]. Writes m (32 bytes).
 */
static void kpke_decrypt(const impl *im, const params *p, uint8_t m[32], const uint8_t *dk_pke,
                         const uint8_t *c)
{
    const unsigned k = p->k;
    poly s_hat[K_MAX], u_hat[K_MAX], w, v;
    pqce_mlkem_mulcache u_x[K_MAX];

    /* Step 3: u' = Decompress_du(ByteDecode_du(c1)), and its NTT (step 6). */
    for (unsigned i = 0; i < k; i++) {
        im->decode_decompress(&u_hat[i], c + 32 * p->du * i, p->du);
        im->ntt(&u_hat[i]);
        im->reduce(&u_hat[i]);
        im->mulcache(&u_x[i], &u_hat[i]);
    }
    /* Step 5: s-hat = ByteDecode_12(dk_PKE), reduced mod q as ByteDecode_12
     * specifies; whether a value was >= q is not used (and stays secret). */
    for (unsigned i = 0; i < k; i++) {
        (void)im->decode12(&s_hat[i], dk_pke + POLY_BYTES * i);
    }
    /* Step 6: w = v' - NTT^-1(s-hat^T o NTT(u')), v' from c2 (step 4). */
    im->basemul_acc(&w, s_hat, u_hat, u_x, k);
    im->invntt_mont(&w);
    im->decode_decompress(&v, c + 32 * p->du * k, p->dv);
    pqce_mlkem_poly_sub(&w, &v, &w); /* |w| < 2q */
    /* Step 7: m = ByteEncode_1(Compress_1(w)). */
    im->compress_encode(m, &w, 1);

    pqce_memzero(s_hat, sizeof s_hat);
    pqce_memzero(&w, sizeof w);
}

/* ------------------------------------------------------------------------
 * Input checks [FIPS203, 7.2 and 7.3]
 * ------------------------------------------------------------------------ */

/*
 * Decodes t-hat from ek and performs the modulus check of [FIPS203, 7.2]:
 * ByteEncode_12(ByteDecode_12(ek[0 : 384k])) == ek[0 : 384k] holds exactly
 * when every 12-bit value is below q. (The type check is the fixed array
 * size of the API.) ek is public, so the result may be branched on.
 */
static int ek_decode_check(const impl *im, const params *p, poly *t_hat, const uint8_t *ek)
{
    uint32_t out_of_range = 0;
    for (unsigned i = 0; i < p->k; i++) {
        out_of_range |= im->decode12(&t_hat[i], ek + POLY_BYTES * i);
    }
    return out_of_range != 0 ? PQCE_ERR_INVALID_KEY : PQCE_OK;
}

/*
 * The hash check of [FIPS203, 7.3]: H(dk[384k : 768k + 32]) equals
 * dk[768k + 32 : 768k + 64]. Both are public (ek and its hash), so the
 * result may be branched on. (The type checks of c and dk are the fixed
 * array sizes of the API.)
 */
static int dk_check(const params *p, const uint8_t *dk)
{
    uint8_t h[32];
    const size_t k = p->k;
    pqce_keccak_sha3_256(h, dk + DK_EK_OFFSET(k), p->ek_bytes);
    return pqce_ct_memeq(h, dk + DK_H_OFFSET(k), 32) ? PQCE_OK : PQCE_ERR_INVALID_KEY;
}

/* ------------------------------------------------------------------------
 * ML-KEM internal algorithms
 * ------------------------------------------------------------------------ */

/* ML-KEM.KeyGen_internal(d, z) [FIPS203, Algorithm 16]. */
static void keygen_internal(const impl *im, const params *p, uint8_t *ek, uint8_t *dk,
                            const uint8_t d[32], const uint8_t z[32])
{
    const size_t k = p->k;
    kpke_keygen(im, p, ek, dk, d);
    /* dk = dk_PKE || ek || H(ek) || z */
    memcpy(dk + DK_EK_OFFSET(k), ek, p->ek_bytes);
    pqce_keccak_sha3_256(dk + DK_H_OFFSET(k), ek, p->ek_bytes);
    memcpy(dk + DK_Z_OFFSET(k), z, 32);
}

/* ML-KEM.Encaps_internal(ek, m) [FIPS203, Algorithm 17], after the 7.2
 * check. Errors: PQCE_ERR_INVALID_KEY (ct, ss zeroized). */
static int encaps_internal(const impl *im, const params *p, uint8_t *ct, uint8_t ss[32],
                           const uint8_t *ek, const uint8_t m[32])
{
    int ret;
    poly t_hat[K_MAX];
    uint8_t g_in[64]; /* m || H(ek) */
    uint8_t k_r[64];  /* K || r */

    ret = ek_decode_check(im, p, t_hat, ek);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    /* Step 1: (K, r) = G(m || H(ek)). */
    memcpy(g_in, m, 32);
    pqce_keccak_sha3_256(g_in + 32, ek, p->ek_bytes);
    pqce_keccak_sha3_512(k_r, g_in, sizeof g_in);
    /* Step 2: c = K-PKE.Encrypt(ek, m, r). */
    kpke_encrypt(im, p, ct, t_hat, ek + POLY_BYTES * p->k, m, k_r + 32);
    memcpy(ss, k_r, 32);
    ret = PQCE_OK;

cleanup:
    if (ret != PQCE_OK) {
        pqce_memzero(ct, p->ct_bytes);
        pqce_memzero(ss, 32);
    }
    pqce_memzero(g_in, sizeof g_in);
    pqce_memzero(k_r, sizeof k_r);
    return ret;
}

/* ML-KEM.Decaps_internal(dk, c) [FIPS203, Algorithm 18], after the 7.3
 * check. Never fails: a ciphertext that does not re-encrypt to itself
 * yields K-bar = J(z || c) (implicit rejection), selected without a branch. */
static void decaps_internal(const impl *im, const params *p, uint8_t ss[32], const uint8_t *ct,
                            const uint8_t *dk)
{
    const size_t k = p->k;
    const uint8_t *dk_pke = dk;
    const uint8_t *ek_pke = dk + DK_EK_OFFSET(k);
    const uint8_t *h = dk + DK_H_OFFSET(k);
    const uint8_t *z = dk + DK_Z_OFFSET(k);
    uint8_t g_in[64];  /* m' || h */
    uint8_t k_r[64];   /* K' || r' */
    uint8_t k_bar[32]; /* J(z || c) */
    uint8_t ct_prime[PQCE_MLKEM_CT_BYTES_MAX];
    poly t_hat[K_MAX];
    pqce_keccak j_xof;

    /* Step 7: m' = K-PKE.Decrypt(dk_PKE, c). */
    kpke_decrypt(im, p, g_in, dk_pke, ct);
    /* Step 8: (K', r') = G(m' || h). */
    memcpy(g_in + 32, h, 32);
    pqce_keccak_sha3_512(k_r, g_in, sizeof g_in);
    /* Step 9: K-bar = J(z || c) = SHAKE256(z || c, 32). */
    pqce_keccak_init(&j_xof, PQCE_SHAKE256_RATE);
    pqce_keccak_absorb(&j_xof, z, 32);
    pqce_keccak_absorb(&j_xof, ct, p->ct_bytes);
    pqce_keccak_finalize(&j_xof, PQCE_KECCAK_SUFFIX_SHAKE);
    pqce_keccak_squeeze(&j_xof, k_bar, sizeof k_bar);
    /* Step 10: c' = K-PKE.Encrypt(ek_PKE, m', r'). ByteDecode_12 of the ek
     * inside dk reduces mod q; dk's ek is not subject to the 7.2 check. */
    for (unsigned i = 0; i < k; i++) {
        (void)im->decode12(&t_hat[i], ek_pke + POLY_BYTES * i);
    }
    kpke_encrypt(im, p, ct_prime, t_hat, ek_pke + POLY_BYTES * k, g_in, k_r + 32);
    /* Steps 11-13: if c != c' then K' = K-bar, by constant-time compare and
     * select: whether c was valid is secret. */
    uint8_t differ = pqce_ct_diff(ct, ct_prime, p->ct_bytes);
    uint8_t take = (uint8_t)(pqce_ct_mask_nonzero_u32(differ) & 1u);
    pqce_ct_cmov(k_r, k_bar, 32, take);
    memcpy(ss, k_r, 32);

    pqce_memzero(g_in, sizeof g_in);
    pqce_memzero(k_r, sizeof k_r);
    pqce_memzero(k_bar, sizeof k_bar);
    pqce_memzero(ct_prime, sizeof ct_prime);
    pqce_memzero(&differ, sizeof differ);
    pqce_memzero(&take, sizeof take);
    pqce_keccak_wipe(&j_xof);
}

/* ------------------------------------------------------------------------
 * The API, parameterised by the set
 * ------------------------------------------------------------------------ */

int pqce_mlkem_keypair_derand_with(const impl *im, const params *p, uint8_t *ek, uint8_t *dk,
                                   const uint8_t *seed)
{
    if (ek == NULL || dk == NULL || seed == NULL) {
        pqce_memzero(ek, ek != NULL ? p->ek_bytes : 0);
        pqce_memzero(dk, dk != NULL ? p->dk_bytes : 0);
        return PQCE_ERR_INVALID_ARG;
    }
    /* seed = d || z, d first (the ACVP and pqc-enclave storage order). */
    keygen_internal(im, p, ek, dk, seed, seed + 32);
    return PQCE_OK;
}

/* ML-KEM.KeyGen [FIPS203, Algorithm 19]. */
static int mlkem_keypair_rng(const impl *im, const params *p, const pqce_rng *rng, uint8_t *ek,
                             uint8_t *dk)
{
    int ret;
    uint8_t seed[PQCE_MLKEM_SEED_BYTES];

    if (ek == NULL || dk == NULL) {
        ret = PQCE_ERR_INVALID_ARG;
        goto cleanup;
    }
    /* Steps 1-2: d, z random; step 3: a failing source is an error. */
    ret = pqce_random_bytes(rng, seed, sizeof seed);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    keygen_internal(im, p, ek, dk, seed, seed + 32);

cleanup:
    if (ret != PQCE_OK) {
        pqce_memzero(ek, ek != NULL ? p->ek_bytes : 0);
        pqce_memzero(dk, dk != NULL ? p->dk_bytes : 0);
    }
    pqce_memzero(seed, sizeof seed);
    return ret;
}

int pqce_mlkem_encaps_derand_with(const impl *im, const params *p, uint8_t *ct, uint8_t *ss,
                                  const uint8_t *ek, const uint8_t *m)
{
    if (ct == NULL || ss == NULL || ek == NULL || m == NULL) {
        pqce_memzero(ct, ct != NULL ? p->ct_bytes : 0);
        pqce_memzero(ss, ss != NULL ? PQCE_MLKEM_SS_BYTES : 0);
        return PQCE_ERR_INVALID_ARG;
    }
    return encaps_internal(im, p, ct, ss, ek, m);
}

/* ML-KEM.Encaps [FIPS203, Algorithm 20]. */
static int mlkem_encaps_rng(const impl *im, const params *p, const pqce_rng *rng, uint8_t *ct,
                            uint8_t *ss, const uint8_t *ek)
{
    int ret;
    uint8_t m[PQCE_MLKEM_MSG_BYTES];

    if (ct == NULL || ss == NULL || ek == NULL) {
        ret = PQCE_ERR_INVALID_ARG;
        goto cleanup;
    }
    /* Steps 1-2: m random; a failing source is an error. */
    ret = pqce_random_bytes(rng, m, sizeof m);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    ret = encaps_internal(im, p, ct, ss, ek, m);

cleanup:
    if (ret != PQCE_OK) {
        pqce_memzero(ct, ct != NULL ? p->ct_bytes : 0);
        pqce_memzero(ss, ss != NULL ? PQCE_MLKEM_SS_BYTES : 0);
    }
    pqce_memzero(m, sizeof m);
    return ret;
}

/* ML-KEM.Decaps [FIPS203, Algorithm 21] with the 7.3 input check. */
int pqce_mlkem_decaps_with(const impl *im, const params *p, uint8_t *ss, const uint8_t *ct,
                           const uint8_t *dk)
{
    int ret;

    if (ss == NULL || ct == NULL || dk == NULL) {
        ret = PQCE_ERR_INVALID_ARG;
        goto cleanup;
    }
    /* ek and H(ek) inside dk are public: ek is the encapsulation key, H(ek)
     * its hash. Declassifying them lets the 7.3 check branch on its result
     * and the re-encryption sample A-hat from rho, even when a caller
     * marked the whole dk secret. dk_PKE and z stay secret. */
    PQCE_CT_DECLASSIFY(dk + DK_EK_OFFSET(p->k), p->ek_bytes + 32);
    ret = dk_check(p, dk);
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    decaps_internal(im, p, ss, ct, dk);

cleanup:
    if (ret != PQCE_OK) {
        pqce_memzero(ss, ss != NULL ? PQCE_MLKEM_SS_BYTES : 0);
    }
    return ret;
}

int pqce_mlkem_check_ek_with(const impl *im, const params *p, const uint8_t *ek)
{
    poly t_hat[K_MAX];
    if (ek == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    return ek_decode_check(im, p, t_hat, ek);
}

static int mlkem_check_dk(const params *p, const uint8_t *dk)
{
    if (dk == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    PQCE_CT_DECLASSIFY(dk + DK_EK_OFFSET(p->k), p->ek_bytes + 32); /* public: see mlkem_decaps */
    return dk_check(p, dk);
}

/*
 * The public functions of pqce.h for one parameter set N, each a wrapper
 * around the implementation above with the implementation table chosen for
 * this CPU (once per call, no stored state). Spelled out by a macro so that
 * the three sets cannot drift apart; the prototypes (and their array sizes)
 * are those of pqce.h.
 */
#define PQCE_MLKEM_DEFINE_API(N)                                                                   \
    int pqce_mlkem##N##_keypair(uint8_t ek[PQCE_MLKEM##N##_EK_BYTES],                              \
                                uint8_t dk[PQCE_MLKEM##N##_DK_BYTES])                              \
    {                                                                                              \
        return mlkem_keypair_rng(pqce_mlkem_impl_select(), &pqce_mlkem##N##_params, NULL, ek, dk); \
    }                                                                                              \
    int pqce_mlkem##N##_keypair_rng(const pqce_rng *rng, uint8_t ek[PQCE_MLKEM##N##_EK_BYTES],     \
                                    uint8_t dk[PQCE_MLKEM##N##_DK_BYTES])                          \
    {                                                                                              \
        return mlkem_keypair_rng(pqce_mlkem_impl_select(), &pqce_mlkem##N##_params, rng, ek, dk);  \
    }                                                                                              \
    int pqce_mlkem##N##_keypair_derand(uint8_t ek[PQCE_MLKEM##N##_EK_BYTES],                       \
                                       uint8_t dk[PQCE_MLKEM##N##_DK_BYTES],                       \
                                       const uint8_t seed[PQCE_MLKEM_SEED_BYTES])                  \
    {                                                                                              \
        return pqce_mlkem_keypair_derand_with(pqce_mlkem_impl_select(), &pqce_mlkem##N##_params,   \
                                              ek, dk, seed);                                       \
    }                                                                                              \
    int pqce_mlkem##N##_encaps(uint8_t ct[PQCE_MLKEM##N##_CT_BYTES],                               \
                               uint8_t ss[PQCE_MLKEM_SS_BYTES],                                    \
                               const uint8_t ek[PQCE_MLKEM##N##_EK_BYTES])                         \
    {                                                                                              \
        return mlkem_encaps_rng(pqce_mlkem_impl_select(), &pqce_mlkem##N##_params, NULL, ct, ss,   \
                                ek);                                                               \
    }                                                                                              \
    int pqce_mlkem##N##_encaps_rng(const pqce_rng *rng, uint8_t ct[PQCE_MLKEM##N##_CT_BYTES],      \
                                   uint8_t ss[PQCE_MLKEM_SS_BYTES],                                \
                                   const uint8_t ek[PQCE_MLKEM##N##_EK_BYTES])                     \
    {                                                                                              \
        return mlkem_encaps_rng(pqce_mlkem_impl_select(), &pqce_mlkem##N##_params, rng, ct, ss,    \
                                ek);                                                               \
    }                                                                                              \
    int pqce_mlkem##N##_encaps_derand(                                                             \
        uint8_t ct[PQCE_MLKEM##N##_CT_BYTES], uint8_t ss[PQCE_MLKEM_SS_BYTES],                     \
        const uint8_t ek[PQCE_MLKEM##N##_EK_BYTES], const uint8_t m[PQCE_MLKEM_MSG_BYTES])         \
    {                                                                                              \
        return pqce_mlkem_encaps_derand_with(pqce_mlkem_impl_select(), &pqce_mlkem##N##_params,    \
                                             ct, ss, ek, m);                                       \
    }                                                                                              \
    int pqce_mlkem##N##_decaps(uint8_t ss[PQCE_MLKEM_SS_BYTES],                                    \
                               const uint8_t ct[PQCE_MLKEM##N##_CT_BYTES],                         \
                               const uint8_t dk[PQCE_MLKEM##N##_DK_BYTES])                         \
    {                                                                                              \
        return pqce_mlkem_decaps_with(pqce_mlkem_impl_select(), &pqce_mlkem##N##_params, ss, ct,   \
                                      dk);                                                         \
    }                                                                                              \
    int pqce_mlkem##N##_check_ek(const uint8_t ek[PQCE_MLKEM##N##_EK_BYTES])                       \
    {                                                                                              \
        return pqce_mlkem_check_ek_with(pqce_mlkem_impl_select(), &pqce_mlkem##N##_params, ek);    \
    }                                                                                              \
    int pqce_mlkem##N##_check_dk(const uint8_t dk[PQCE_MLKEM##N##_DK_BYTES])                       \
    {                                                                                              \
        return mlkem_check_dk(&pqce_mlkem##N##_params, dk);                                        \
    }

PQCE_MLKEM_DEFINE_API(512)
PQCE_MLKEM_DEFINE_API(768)
PQCE_MLKEM_DEFINE_API(1024)
