/*
 * pqce.h - the one public header of pqc-enclave.
 *
 * pqc-enclave keeps on-device AI artifacts encrypted at rest with
 * post-quantum cryptography. This header is the manual: every function
 * documents its parameters, the errors it returns, ownership,
 * thread-safety and the standard it implements.
 *
 * Conventions that hold for every function below unless it says otherwise:
 *  - A fallible function returns int: 0 (PQCE_OK) on success or a negative
 *    PQCE_ERR_* code. Sizes travel through size_t parameters, never through
 *    the return value. pqce_strerror() turns a code into a sentence.
 *  - Arguments come in the order: context, outputs, inputs.
 *  - On error, outputs are zeroized (never half-written), and no
 *    unauthenticated plaintext is ever released.
 *  - Key material crosses the API as byte arrays whose sizes are the
 *    PQCE_*_BYTES macros written into the prototypes.
 *  - Functions without a context argument are thread-safe: the library has
 *    no global mutable state. A context (pqce_sha3_ctx) must not be used by
 *    two threads at once.
 */
#ifndef PQCE_H
#define PQCE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define PQCE_API       __attribute__((visibility("default")))
#define PQCE_NODISCARD __attribute__((warn_unused_result))
#else
#define PQCE_API
#define PQCE_NODISCARD
#endif

/* ------------------------------------------------------------------------
 * Version and build information
 * ------------------------------------------------------------------------ */

#define PQCE_VERSION_MAJOR  0
#define PQCE_VERSION_MINOR  1
#define PQCE_VERSION_PATCH  0
#define PQCE_VERSION_STRING "0.1.0"

/* The library's version string, e.g. "0.1.0". Never NULL; static storage. */
PQCE_API const char *pqce_version(void);

/*
 * A one-line description of what was compiled in: version, compiler,
 * the compile-time options of pqce_config.h and the code paths selected at
 * run time on this CPU (for example "keccak=scalar mlkem=avx2").
 * Never NULL; static storage.
 */
PQCE_API const char *pqce_build_info(void);

/* ------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------ */

#define PQCE_OK              0
#define PQCE_ERR_INVALID_ARG (-1)  /* a NULL pointer, a bad length or flag */
#define PQCE_ERR_NOMEM       (-2)  /* memory allocation failed */
#define PQCE_ERR_RANDOM      (-3)  /* the randomness source failed */
#define PQCE_ERR_CRYPTO      (-4)  /* the underlying crypto library failed */
#define PQCE_ERR_INVALID_KEY (-5)  /* a key failed its standard input check */
#define PQCE_ERR_DECRYPT     (-6)  /* authentication failed: no plaintext */
#define PQCE_ERR_VERIFY      (-7)  /* a signature did not verify */
#define PQCE_ERR_STATE       (-8)  /* call out of sequence for this object */
#define PQCE_ERR_UNSUPPORTED (-9)  /* not available in this build/platform */
#define PQCE_ERR_SELFTEST    (-10) /* a built-in known-answer test failed */
#define PQCE_ERR_IO          (-11) /* an operating-system I/O call failed */
#define PQCE_ERR_FORMAT      (-12) /* malformed or unsupported encoding */
#define PQCE_ERR_NOT_FOUND   (-13) /* unknown artifact name or id */
#define PQCE_ERR_LOCKED      (-14) /* the vault is locked or expired */
#define PQCE_ERR_BACKEND     (-15) /* the key-custody backend failed */
#define PQCE_ERR_ATTESTATION (-16) /* an attestation did not verify */
#define PQCE_ERR_POLICY      (-17) /* the access policy denied the call */
#define PQCE_ERR_ROLLBACK    (-18) /* an older state was restored */
#define PQCE_ERR_BUSY        (-19) /* another process holds the lock */
#define PQCE_ERR_EXISTS      (-20) /* the name exists and must not be replaced */

/* A sentence describing err, e.g. "authentication failed". Never NULL. */
PQCE_API const char *pqce_strerror(int err);

/* The identifier of err, e.g. "PQCE_ERR_DECRYPT". Never NULL. */
PQCE_API const char *pqce_error_name(int err);

/* ------------------------------------------------------------------------
 * Memory helpers
 * ------------------------------------------------------------------------ */

/* Overwrites len bytes at p with zeros in a way the compiler cannot elide.
 * p may be NULL when len is 0. */
PQCE_API void pqce_memzero(void *p, size_t len);

/* Compares two buffers in time that depends only on len. Returns 1 if they
 * are equal, 0 otherwise. */
PQCE_API int pqce_ct_memeq(const void *a, const void *b, size_t len);

/* ------------------------------------------------------------------------
 * Randomness
 *
 * Every function that needs randomness draws it from a pqce_rng. NULL
 * selects the operating system's CSPRNG (getrandom(2), blocking until the
 * kernel pool is initialised). A caller may supply its own source, e.g. a
 * hardware RNG or, in tests, a deterministic or failing one.
 * ------------------------------------------------------------------------ */

#define PQCE_RNG_VERSION 1u

typedef struct pqce_rng {
    uint32_t version; /* PQCE_RNG_VERSION */
    /* Fills out_len bytes; returns 0 on success, anything else on failure. */
    int (*fill)(void *ctx, uint8_t *out, size_t out_len);
    void *ctx; /* passed to fill */
} pqce_rng;

/*
 * Fills out with out_len random bytes from rng (NULL: the OS CSPRNG).
 * Errors: PQCE_ERR_INVALID_ARG (out NULL with out_len > 0, or an rng with
 * an unknown version or no fill function), PQCE_ERR_RANDOM (the source
 * failed; out is zeroized). Never aborts.
 */
PQCE_API PQCE_NODISCARD int pqce_random_bytes(const pqce_rng *rng, uint8_t *out, size_t out_len);

/* ------------------------------------------------------------------------
 * SHA-3 and SHAKE [FIPS202]
 *
 * One-shot helpers and an incremental context. The context absorbs any
 * number of chunks and, for SHAKE, squeezes any number of chunks: the
 * output of a series of squeezes equals one squeeze of their total length.
 * ------------------------------------------------------------------------ */

#define PQCE_SHA3_256_BYTES 32
#define PQCE_SHA3_512_BYTES 64

/* Incremental SHA-3/SHAKE state. The fields are private; the struct is
 * public only so that it can live on the stack. 216 bytes. */
typedef struct pqce_sha3_ctx {
    uint64_t opaque_state[25];
    uint32_t opaque_pos;
    uint32_t opaque_rate;
    uint32_t opaque_out_len; /* fixed digest length, 0 for an XOF */
    uint8_t opaque_suffix;
    uint8_t opaque_phase;
    uint8_t opaque_pad[2];
} pqce_sha3_ctx;

/* One-shot SHA3-256 [FIPS202, 6.1]. Errors: PQCE_ERR_INVALID_ARG. */
PQCE_API PQCE_NODISCARD int pqce_sha3_256(uint8_t out[PQCE_SHA3_256_BYTES], const uint8_t *in,
                                          size_t in_len);
/* One-shot SHA3-512 [FIPS202, 6.1]. Errors: PQCE_ERR_INVALID_ARG. */
PQCE_API PQCE_NODISCARD int pqce_sha3_512(uint8_t out[PQCE_SHA3_512_BYTES], const uint8_t *in,
                                          size_t in_len);
/* One-shot SHAKE128 [FIPS202, 6.2] with out_len bytes of output.
 * Errors: PQCE_ERR_INVALID_ARG. */
PQCE_API PQCE_NODISCARD int pqce_shake128(uint8_t *out, size_t out_len, const uint8_t *in,
                                          size_t in_len);
/* One-shot SHAKE256 [FIPS202, 6.2]. Errors: PQCE_ERR_INVALID_ARG. */
PQCE_API PQCE_NODISCARD int pqce_shake256(uint8_t *out, size_t out_len, const uint8_t *in,
                                          size_t in_len);

/* Start an incremental SHA3-256, SHA3-512, SHAKE128 or SHAKE256.
 * Errors: PQCE_ERR_INVALID_ARG (ctx NULL). */
PQCE_API PQCE_NODISCARD int pqce_sha3_256_init(pqce_sha3_ctx *ctx);
PQCE_API PQCE_NODISCARD int pqce_sha3_512_init(pqce_sha3_ctx *ctx);
PQCE_API PQCE_NODISCARD int pqce_shake128_init(pqce_sha3_ctx *ctx);
PQCE_API PQCE_NODISCARD int pqce_shake256_init(pqce_sha3_ctx *ctx);

/*
 * Absorbs in_len bytes. May be called any number of times before the first
 * squeeze or final.
 * Errors: PQCE_ERR_INVALID_ARG (ctx NULL, in NULL with in_len > 0),
 * PQCE_ERR_STATE (output was already taken from ctx).
 */
PQCE_API PQCE_NODISCARD int pqce_sha3_absorb(pqce_sha3_ctx *ctx, const uint8_t *in, size_t in_len);

/*
 * SHA3-256/SHA3-512: writes the digest (out_len must be 32 or 64, the
 * digest size) and wipes ctx. Errors: PQCE_ERR_INVALID_ARG (wrong out_len,
 * NULL), PQCE_ERR_STATE (ctx is a SHAKE context or already finished).
 */
PQCE_API PQCE_NODISCARD int pqce_sha3_final(pqce_sha3_ctx *ctx, uint8_t *out, size_t out_len);

/*
 * SHAKE128/SHAKE256: squeezes the next out_len bytes of output. The first
 * call ends absorption. Errors: PQCE_ERR_INVALID_ARG, PQCE_ERR_STATE (ctx
 * is a SHA3-256/512 context).
 */
PQCE_API PQCE_NODISCARD int pqce_shake_squeeze(pqce_sha3_ctx *ctx, uint8_t *out, size_t out_len);

/* Wipes a context (any state). Accepts NULL. */
PQCE_API void pqce_sha3_wipe(pqce_sha3_ctx *ctx);

/* ------------------------------------------------------------------------
 * ML-KEM [FIPS203]: ML-KEM-512, ML-KEM-768 (the default) and ML-KEM-1024.
 *
 * Keys and ciphertexts are the byte encodings of FIPS 203. The decapsulation
 * key is the expanded form dk = dk_PKE || ek || H(ek) || z; the 64-byte
 * seed d || z (d first) regenerates it with *_keypair_derand, which is how
 * pqc-enclave stores identity keys.
 *
 * Every function is thread-safe, constant-time in its secret inputs, and
 * wipes its secret intermediates on every path. On error every output is
 * zeroized.
 * ------------------------------------------------------------------------ */

#define PQCE_MLKEM_SEED_BYTES 64 /* d || z */
#define PQCE_MLKEM_MSG_BYTES  32 /* encapsulation randomness m */
#define PQCE_MLKEM_SS_BYTES   32 /* shared secret K */

#define PQCE_MLKEM512_EK_BYTES  800
#define PQCE_MLKEM512_DK_BYTES  1632
#define PQCE_MLKEM512_CT_BYTES  768
#define PQCE_MLKEM768_EK_BYTES  1184
#define PQCE_MLKEM768_DK_BYTES  2400
#define PQCE_MLKEM768_CT_BYTES  1088
#define PQCE_MLKEM1024_EK_BYTES 1568
#define PQCE_MLKEM1024_DK_BYTES 3168
#define PQCE_MLKEM1024_CT_BYTES 1568

/*
 * pqce_mlkemN_keypair: ML-KEM.KeyGen [FIPS203, Algorithm 19] with d and z
 *   from the OS CSPRNG. Errors: PQCE_ERR_INVALID_ARG, PQCE_ERR_RANDOM.
 * pqce_mlkemN_keypair_rng: the same with randomness from rng (NULL: OS).
 * pqce_mlkemN_keypair_derand: ML-KEM.KeyGen_internal [FIPS203, Algorithm 16]
 *   from seed = d || z. Errors: PQCE_ERR_INVALID_ARG.
 * pqce_mlkemN_encaps: ML-KEM.Encaps [FIPS203, Algorithm 20]. Performs the
 *   encapsulation key check of [FIPS203, 7.2] first. Errors:
 *   PQCE_ERR_INVALID_ARG, PQCE_ERR_INVALID_KEY (a coefficient of ek is not
 *   below q), PQCE_ERR_RANDOM.
 * pqce_mlkemN_encaps_rng: the same with randomness from rng (NULL: OS).
 * pqce_mlkemN_encaps_derand: ML-KEM.Encaps_internal [FIPS203, Algorithm 17]
 *   with the 32-byte m, after the 7.2 check. Errors as encaps, no RANDOM.
 * pqce_mlkemN_decaps: ML-KEM.Decaps [FIPS203, Algorithm 21]. Performs the
 *   decapsulation key check of [FIPS203, 7.3] (H(ek) stored in dk matches
 *   ek). A modified ciphertext is not an error: implicit rejection returns
 *   K-bar = J(z || c). Errors: PQCE_ERR_INVALID_ARG, PQCE_ERR_INVALID_KEY.
 * pqce_mlkemN_check_ek / _check_dk: the input checks of [FIPS203, 7.2] and
 *   [FIPS203, 7.3] alone. Return 0 or PQCE_ERR_INVALID_KEY (or
 *   PQCE_ERR_INVALID_ARG for NULL).
 */
PQCE_API PQCE_NODISCARD int pqce_mlkem512_keypair(uint8_t ek[PQCE_MLKEM512_EK_BYTES],
                                                  uint8_t dk[PQCE_MLKEM512_DK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem512_keypair_rng(const pqce_rng *rng,
                                                      uint8_t ek[PQCE_MLKEM512_EK_BYTES],
                                                      uint8_t dk[PQCE_MLKEM512_DK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem512_keypair_derand(uint8_t ek[PQCE_MLKEM512_EK_BYTES],
                                                         uint8_t dk[PQCE_MLKEM512_DK_BYTES],
                                                         const uint8_t seed[PQCE_MLKEM_SEED_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem512_encaps(uint8_t ct[PQCE_MLKEM512_CT_BYTES],
                                                 uint8_t ss[PQCE_MLKEM_SS_BYTES],
                                                 const uint8_t ek[PQCE_MLKEM512_EK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem512_encaps_rng(const pqce_rng *rng,
                                                     uint8_t ct[PQCE_MLKEM512_CT_BYTES],
                                                     uint8_t ss[PQCE_MLKEM_SS_BYTES],
                                                     const uint8_t ek[PQCE_MLKEM512_EK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem512_encaps_derand(uint8_t ct[PQCE_MLKEM512_CT_BYTES],
                                                        uint8_t ss[PQCE_MLKEM_SS_BYTES],
                                                        const uint8_t ek[PQCE_MLKEM512_EK_BYTES],
                                                        const uint8_t m[PQCE_MLKEM_MSG_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem512_decaps(uint8_t ss[PQCE_MLKEM_SS_BYTES],
                                                 const uint8_t ct[PQCE_MLKEM512_CT_BYTES],
                                                 const uint8_t dk[PQCE_MLKEM512_DK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem512_check_ek(const uint8_t ek[PQCE_MLKEM512_EK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem512_check_dk(const uint8_t dk[PQCE_MLKEM512_DK_BYTES]);

PQCE_API PQCE_NODISCARD int pqce_mlkem768_keypair(uint8_t ek[PQCE_MLKEM768_EK_BYTES],
                                                  uint8_t dk[PQCE_MLKEM768_DK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem768_keypair_rng(const pqce_rng *rng,
                                                      uint8_t ek[PQCE_MLKEM768_EK_BYTES],
                                                      uint8_t dk[PQCE_MLKEM768_DK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem768_keypair_derand(uint8_t ek[PQCE_MLKEM768_EK_BYTES],
                                                         uint8_t dk[PQCE_MLKEM768_DK_BYTES],
                                                         const uint8_t seed[PQCE_MLKEM_SEED_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem768_encaps(uint8_t ct[PQCE_MLKEM768_CT_BYTES],
                                                 uint8_t ss[PQCE_MLKEM_SS_BYTES],
                                                 const uint8_t ek[PQCE_MLKEM768_EK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem768_encaps_rng(const pqce_rng *rng,
                                                     uint8_t ct[PQCE_MLKEM768_CT_BYTES],
                                                     uint8_t ss[PQCE_MLKEM_SS_BYTES],
                                                     const uint8_t ek[PQCE_MLKEM768_EK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem768_encaps_derand(uint8_t ct[PQCE_MLKEM768_CT_BYTES],
                                                        uint8_t ss[PQCE_MLKEM_SS_BYTES],
                                                        const uint8_t ek[PQCE_MLKEM768_EK_BYTES],
                                                        const uint8_t m[PQCE_MLKEM_MSG_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem768_decaps(uint8_t ss[PQCE_MLKEM_SS_BYTES],
                                                 const uint8_t ct[PQCE_MLKEM768_CT_BYTES],
                                                 const uint8_t dk[PQCE_MLKEM768_DK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem768_check_ek(const uint8_t ek[PQCE_MLKEM768_EK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem768_check_dk(const uint8_t dk[PQCE_MLKEM768_DK_BYTES]);

PQCE_API PQCE_NODISCARD int pqce_mlkem1024_keypair(uint8_t ek[PQCE_MLKEM1024_EK_BYTES],
                                                   uint8_t dk[PQCE_MLKEM1024_DK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem1024_keypair_rng(const pqce_rng *rng,
                                                       uint8_t ek[PQCE_MLKEM1024_EK_BYTES],
                                                       uint8_t dk[PQCE_MLKEM1024_DK_BYTES]);
PQCE_API PQCE_NODISCARD int
pqce_mlkem1024_keypair_derand(uint8_t ek[PQCE_MLKEM1024_EK_BYTES],
                              uint8_t dk[PQCE_MLKEM1024_DK_BYTES],
                              const uint8_t seed[PQCE_MLKEM_SEED_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem1024_encaps(uint8_t ct[PQCE_MLKEM1024_CT_BYTES],
                                                  uint8_t ss[PQCE_MLKEM_SS_BYTES],
                                                  const uint8_t ek[PQCE_MLKEM1024_EK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem1024_encaps_rng(const pqce_rng *rng,
                                                      uint8_t ct[PQCE_MLKEM1024_CT_BYTES],
                                                      uint8_t ss[PQCE_MLKEM_SS_BYTES],
                                                      const uint8_t ek[PQCE_MLKEM1024_EK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem1024_encaps_derand(uint8_t ct[PQCE_MLKEM1024_CT_BYTES],
                                                         uint8_t ss[PQCE_MLKEM_SS_BYTES],
                                                         const uint8_t ek[PQCE_MLKEM1024_EK_BYTES],
                                                         const uint8_t m[PQCE_MLKEM_MSG_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem1024_decaps(uint8_t ss[PQCE_MLKEM_SS_BYTES],
                                                  const uint8_t ct[PQCE_MLKEM1024_CT_BYTES],
                                                  const uint8_t dk[PQCE_MLKEM1024_DK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem1024_check_ek(const uint8_t ek[PQCE_MLKEM1024_EK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mlkem1024_check_dk(const uint8_t dk[PQCE_MLKEM1024_DK_BYTES]);

/* ------------------------------------------------------------------------
 * ML-DSA [FIPS204]: ML-DSA-44, ML-DSA-65 (the default attestation key) and
 * ML-DSA-87.
 *
 * Keys and signatures are the byte encodings of FIPS 204: pk =
 * pkEncode(rho, t1), sk = skEncode(rho, K, tr, s1, s2, t0) (the expanded
 * private key; bytes 64 to 127 hold tr) and sig = sigEncode(c~, z, h). The
 * 32-byte seed xi regenerates both keys with *_keypair_derand, which is how
 * pqc-enclave stores attestation keys.
 *
 * In what follows N is 44, 65 or 87 and every function exists for each,
 * with the sizes PQCE_MLDSAN_PK_BYTES, PQCE_MLDSAN_SK_BYTES and
 * PQCE_MLDSAN_SIG_BYTES in its prototype.
 *
 * Parameters (the same name means the same thing in every function):
 *  - pk, sk: public and private key of the set's size (outputs of key
 *    generation, inputs elsewhere). seed: the 32-byte xi.
 *  - sig: output, PQCE_MLDSAN_SIG_BYTES bytes; for verification an input
 *    of sig_len bytes (a wrong length is an invalid signature).
 *  - msg, msg_len: the message, any length. mprime, mprime_len: the
 *    message M' of the internal interface, any length.
 *  - ctx, ctx_len: the application's context string [FIPS204, 5.2], 0 to
 *    PQCE_MLDSA_CTX_MAX_BYTES (255) bytes. Signer and verifier must use
 *    the same ctx.
 *  - rng: the randomness source of hedged signing and key generation;
 *    NULL selects the OS CSPRNG (see pqce_rng).
 *  - rnd: the 32 bytes of signing randomness of [FIPS204, Algorithm 2,
 *    line 5]; 32 zero bytes select deterministic signing.
 *  - mu: the 64-byte message representative; tr: the 64-byte H(pk).
 *  - hash: the pre-hash function of HashML-DSA (pqce_mldsa_hash below).
 *  - h: a pqce_sha3_ctx owned by the caller (not shared between threads).
 *
 * Common rules:
 *  - msg, mprime and ctx may be NULL when their length is 0.
 *  - Every function returns PQCE_ERR_INVALID_ARG for a NULL pointer (other
 *    than an empty msg or ctx), a ctx_len above 255, an unknown hash, or
 *    an rng with an unknown version or no fill function.
 *  - Signing keeps its 102.5 KiB work area on the heap, so that it needs
 *    only about 6 KiB of stack (key generation about 20 KiB and
 *    verification about 24 KiB, all measured: docs/MLDSA.md), and returns
 *    PQCE_ERR_NOMEM when the area cannot be allocated. The area is wiped
 *    before it is freed.
 *  - Signing returns PQCE_ERR_INVALID_KEY if no signature is found before
 *    the mask counter kappa of [FIPS204, Algorithm 34] would exceed 16
 *    bits. For a key made by key generation this has probability far
 *    below 2^-1000; it can happen only for a corrupted sk.
 *  - On error, every output is zeroized. Outputs must not overlap inputs.
 *  - Every function is thread-safe. Key generation and signing run in
 *    time independent of the seed, the private key and rnd (checked under
 *    valgrind), except for what the standard makes public: the number of
 *    rejected signing attempts and their commitment hashes, and the
 *    pattern of rejected samples in ExpandS. Every secret intermediate is
 *    wiped on every path.
 *
 * Key generation
 * pqce_mldsaN_keypair: ML-DSA.KeyGen [FIPS204, Algorithm 1], xi from the OS
 *   CSPRNG. Errors: PQCE_ERR_INVALID_ARG, PQCE_ERR_RANDOM.
 * pqce_mldsaN_keypair_rng: the same with xi drawn from rng (NULL: the OS
 *   CSPRNG). Errors: PQCE_ERR_INVALID_ARG, PQCE_ERR_RANDOM.
 * pqce_mldsaN_keypair_derand: ML-DSA.KeyGen_internal [FIPS204, Algorithm 6]
 *   from seed = xi. Errors: PQCE_ERR_INVALID_ARG.
 *
 * Pure ML-DSA (the default)
 * pqce_mldsaN_sign: ML-DSA.Sign [FIPS204, Algorithm 2]: signs
 *   M' = 0x00 || ctx_len || ctx || msg with the hedged variant, rnd = 32
 *   fresh bytes from the OS CSPRNG. Errors: PQCE_ERR_INVALID_ARG,
 *   PQCE_ERR_RANDOM, PQCE_ERR_NOMEM, PQCE_ERR_INVALID_KEY.
 * pqce_mldsaN_sign_rng: the same with rnd drawn from rng (NULL: OS).
 * pqce_mldsaN_sign_derand: the same with the caller's rnd; rnd = 32 zero
 *   bytes is the deterministic variant [FIPS204, 3.4]. Errors as sign
 *   without PQCE_ERR_RANDOM.
 * pqce_mldsaN_verify: ML-DSA.Verify [FIPS204, Algorithm 3]. Returns 0 if
 *   sig is a valid signature of msg with context ctx under pk, and
 *   PQCE_ERR_VERIFY if it is not: sig_len is not PQCE_MLDSAN_SIG_BYTES,
 *   the hint is malformed (HintBitUnpack fails, [FIPS204, Algorithm 21]),
 *   ||z|| >= gamma1 - beta, or the commitment hash c~ differs. Any result
 *   other than 0 means "not valid". Also PQCE_ERR_INVALID_ARG. Never
 *   reads past sig + sig_len (nor past any other input).
 *
 * HashML-DSA [FIPS204, 5.4] (pre-hash); hash is a pqce_mldsa_hash
 * pqce_mldsaN_hash_sign: HashML-DSA.Sign [FIPS204, Algorithm 4]: signs
 *   M' = 0x01 || ctx_len || ctx || OID(hash) || PH(msg), hedged (OS
 *   CSPRNG). Errors as sign, and PQCE_ERR_CRYPTO if OpenSSL fails to
 *   compute a SHA-2 pre-hash.
 * pqce_mldsaN_hash_sign_rng / _hash_sign_derand: the same with rnd from
 *   rng (NULL: OS) or from the caller (zero bytes: deterministic).
 * pqce_mldsaN_hash_verify: HashML-DSA.Verify [FIPS204, Algorithm 5].
 *   Results as verify, and PQCE_ERR_CRYPTO.
 *
 * Internal interface [FIPS204, 6]: the caller builds M' itself. For
 * testing and for protocols that define their own message encoding; the
 * pure and pre-hash functions above are the safe choice otherwise.
 * pqce_mldsaN_sign_internal: ML-DSA.Sign_internal [FIPS204, Algorithm 7]
 *   on M' = mprime with the caller's rnd. Errors: PQCE_ERR_INVALID_ARG,
 *   PQCE_ERR_NOMEM, PQCE_ERR_INVALID_KEY.
 * pqce_mldsaN_verify_internal: ML-DSA.Verify_internal [FIPS204,
 *   Algorithm 8] on M'. Results as verify.
 *
 * External mu: mu = H(tr || M', 64) [FIPS204, Algorithm 7, line 6] is
 * computed apart from the private key, e.g. streamed over a message too
 * large to hold in memory, or on another machine. For pure ML-DSA:
 *     pqce_mldsaN_public_key_hash(tr, pk);     (or bytes 64..127 of sk)
 *     pqce_mldsa_mu_init(&h, tr, ctx, ctx_len);
 *     pqce_sha3_absorb(&h, chunk, chunk_len);  (any number of times)
 *     pqce_mldsa_mu_final(&h, mu);
 * gives the mu that sign/verify compute for the whole message.
 * pqce_mldsaN_public_key_hash: tr = H(pk, 64) [FIPS204, Algorithm 6,
 *   line 7]. Errors: PQCE_ERR_INVALID_ARG.
 * pqce_mldsa_mu_init: starts the SHAKE256 context h with
 *   tr || 0x00 || ctx_len || ctx. Errors: PQCE_ERR_INVALID_ARG (h is wiped).
 * pqce_mldsa_mu_final: squeezes the 64-byte mu from h and wipes h.
 *   Errors: PQCE_ERR_INVALID_ARG, PQCE_ERR_STATE (h is not a SHAKE
 *   context); mu is zeroized on error.
 * pqce_mldsaN_sign_mu / _sign_mu_rng / _sign_mu_derand: Sign_internal
 *   [FIPS204, Algorithm 7] from line 7 on, with the given mu; rnd as for
 *   sign / sign_rng / sign_derand. Errors as those.
 * pqce_mldsaN_verify_mu: Verify_internal [FIPS204, Algorithm 8] with the
 *   given mu in place of line 7. Results as verify.
 * ------------------------------------------------------------------------ */

#define PQCE_MLDSA_SEED_BYTES    32  /* xi */
#define PQCE_MLDSA_RND_BYTES     32  /* rnd of the signing randomness */
#define PQCE_MLDSA_MU_BYTES      64  /* mu, the message representative */
#define PQCE_MLDSA_TR_BYTES      64  /* tr = H(pk, 64) */
#define PQCE_MLDSA_CTX_MAX_BYTES 255 /* longest context string */

#define PQCE_MLDSA44_PK_BYTES  1312
#define PQCE_MLDSA44_SK_BYTES  2560
#define PQCE_MLDSA44_SIG_BYTES 2420
#define PQCE_MLDSA65_PK_BYTES  1952
#define PQCE_MLDSA65_SK_BYTES  4032
#define PQCE_MLDSA65_SIG_BYTES 3309
#define PQCE_MLDSA87_PK_BYTES  2592
#define PQCE_MLDSA87_SK_BYTES  4896
#define PQCE_MLDSA87_SIG_BYTES 4627

/* Pre-hash functions of HashML-DSA [FIPS204, 5.4]. Each value is the last
 * arc of the function's OID 2.16.840.1.101.3.4.2.x, which M' carries.
 * SHAKE128 gives 256 bits and SHAKE256 512 bits. The SHA-2 functions are
 * computed by OpenSSL, the SHA-3 ones by pqc-enclave's own Keccak. */
typedef enum pqce_mldsa_hash {
    PQCE_MLDSA_HASH_SHA2_256 = 1,
    PQCE_MLDSA_HASH_SHA2_384 = 2,
    PQCE_MLDSA_HASH_SHA2_512 = 3,
    PQCE_MLDSA_HASH_SHA2_224 = 4,
    PQCE_MLDSA_HASH_SHA2_512_224 = 5,
    PQCE_MLDSA_HASH_SHA2_512_256 = 6,
    PQCE_MLDSA_HASH_SHA3_224 = 7,
    PQCE_MLDSA_HASH_SHA3_256 = 8,
    PQCE_MLDSA_HASH_SHA3_384 = 9,
    PQCE_MLDSA_HASH_SHA3_512 = 10,
    PQCE_MLDSA_HASH_SHAKE128 = 11,
    PQCE_MLDSA_HASH_SHAKE256 = 12
} pqce_mldsa_hash;

PQCE_API PQCE_NODISCARD int pqce_mldsa_mu_init(pqce_sha3_ctx *h,
                                               const uint8_t tr[PQCE_MLDSA_TR_BYTES],
                                               const uint8_t *ctx, size_t ctx_len);
PQCE_API PQCE_NODISCARD int pqce_mldsa_mu_final(pqce_sha3_ctx *h, uint8_t mu[PQCE_MLDSA_MU_BYTES]);

PQCE_API PQCE_NODISCARD int pqce_mldsa44_keypair(uint8_t pk[PQCE_MLDSA44_PK_BYTES],
                                                 uint8_t sk[PQCE_MLDSA44_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa44_keypair_rng(const pqce_rng *rng,
                                                     uint8_t pk[PQCE_MLDSA44_PK_BYTES],
                                                     uint8_t sk[PQCE_MLDSA44_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa44_keypair_derand(uint8_t pk[PQCE_MLDSA44_PK_BYTES],
                                                        uint8_t sk[PQCE_MLDSA44_SK_BYTES],
                                                        const uint8_t seed[PQCE_MLDSA_SEED_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa44_sign(uint8_t sig[PQCE_MLDSA44_SIG_BYTES],
                                              const uint8_t *msg, size_t msg_len,
                                              const uint8_t *ctx, size_t ctx_len,
                                              const uint8_t sk[PQCE_MLDSA44_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa44_sign_rng(const pqce_rng *rng,
                                                  uint8_t sig[PQCE_MLDSA44_SIG_BYTES],
                                                  const uint8_t *msg, size_t msg_len,
                                                  const uint8_t *ctx, size_t ctx_len,
                                                  const uint8_t sk[PQCE_MLDSA44_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa44_sign_derand(uint8_t sig[PQCE_MLDSA44_SIG_BYTES],
                                                     const uint8_t *msg, size_t msg_len,
                                                     const uint8_t *ctx, size_t ctx_len,
                                                     const uint8_t sk[PQCE_MLDSA44_SK_BYTES],
                                                     const uint8_t rnd[PQCE_MLDSA_RND_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa44_verify(const uint8_t *sig, size_t sig_len,
                                                const uint8_t *msg, size_t msg_len,
                                                const uint8_t *ctx, size_t ctx_len,
                                                const uint8_t pk[PQCE_MLDSA44_PK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa44_hash_sign(uint8_t sig[PQCE_MLDSA44_SIG_BYTES],
                                                   const uint8_t *msg, size_t msg_len,
                                                   const uint8_t *ctx, size_t ctx_len,
                                                   pqce_mldsa_hash hash,
                                                   const uint8_t sk[PQCE_MLDSA44_SK_BYTES]);
PQCE_API PQCE_NODISCARD int
pqce_mldsa44_hash_sign_rng(const pqce_rng *rng, uint8_t sig[PQCE_MLDSA44_SIG_BYTES],
                           const uint8_t *msg, size_t msg_len, const uint8_t *ctx, size_t ctx_len,
                           pqce_mldsa_hash hash, const uint8_t sk[PQCE_MLDSA44_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa44_hash_sign_derand(uint8_t sig[PQCE_MLDSA44_SIG_BYTES],
                                                          const uint8_t *msg, size_t msg_len,
                                                          const uint8_t *ctx, size_t ctx_len,
                                                          pqce_mldsa_hash hash,
                                                          const uint8_t sk[PQCE_MLDSA44_SK_BYTES],
                                                          const uint8_t rnd[PQCE_MLDSA_RND_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa44_hash_verify(const uint8_t *sig, size_t sig_len,
                                                     const uint8_t *msg, size_t msg_len,
                                                     const uint8_t *ctx, size_t ctx_len,
                                                     pqce_mldsa_hash hash,
                                                     const uint8_t pk[PQCE_MLDSA44_PK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa44_sign_internal(uint8_t sig[PQCE_MLDSA44_SIG_BYTES],
                                                       const uint8_t *mprime, size_t mprime_len,
                                                       const uint8_t sk[PQCE_MLDSA44_SK_BYTES],
                                                       const uint8_t rnd[PQCE_MLDSA_RND_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa44_verify_internal(const uint8_t *sig, size_t sig_len,
                                                         const uint8_t *mprime, size_t mprime_len,
                                                         const uint8_t pk[PQCE_MLDSA44_PK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa44_public_key_hash(uint8_t tr[PQCE_MLDSA_TR_BYTES],
                                                         const uint8_t pk[PQCE_MLDSA44_PK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa44_sign_mu(uint8_t sig[PQCE_MLDSA44_SIG_BYTES],
                                                 const uint8_t mu[PQCE_MLDSA_MU_BYTES],
                                                 const uint8_t sk[PQCE_MLDSA44_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa44_sign_mu_rng(const pqce_rng *rng,
                                                     uint8_t sig[PQCE_MLDSA44_SIG_BYTES],
                                                     const uint8_t mu[PQCE_MLDSA_MU_BYTES],
                                                     const uint8_t sk[PQCE_MLDSA44_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa44_sign_mu_derand(uint8_t sig[PQCE_MLDSA44_SIG_BYTES],
                                                        const uint8_t mu[PQCE_MLDSA_MU_BYTES],
                                                        const uint8_t sk[PQCE_MLDSA44_SK_BYTES],
                                                        const uint8_t rnd[PQCE_MLDSA_RND_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa44_verify_mu(const uint8_t *sig, size_t sig_len,
                                                   const uint8_t mu[PQCE_MLDSA_MU_BYTES],
                                                   const uint8_t pk[PQCE_MLDSA44_PK_BYTES]);

PQCE_API PQCE_NODISCARD int pqce_mldsa65_keypair(uint8_t pk[PQCE_MLDSA65_PK_BYTES],
                                                 uint8_t sk[PQCE_MLDSA65_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa65_keypair_rng(const pqce_rng *rng,
                                                     uint8_t pk[PQCE_MLDSA65_PK_BYTES],
                                                     uint8_t sk[PQCE_MLDSA65_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa65_keypair_derand(uint8_t pk[PQCE_MLDSA65_PK_BYTES],
                                                        uint8_t sk[PQCE_MLDSA65_SK_BYTES],
                                                        const uint8_t seed[PQCE_MLDSA_SEED_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa65_sign(uint8_t sig[PQCE_MLDSA65_SIG_BYTES],
                                              const uint8_t *msg, size_t msg_len,
                                              const uint8_t *ctx, size_t ctx_len,
                                              const uint8_t sk[PQCE_MLDSA65_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa65_sign_rng(const pqce_rng *rng,
                                                  uint8_t sig[PQCE_MLDSA65_SIG_BYTES],
                                                  const uint8_t *msg, size_t msg_len,
                                                  const uint8_t *ctx, size_t ctx_len,
                                                  const uint8_t sk[PQCE_MLDSA65_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa65_sign_derand(uint8_t sig[PQCE_MLDSA65_SIG_BYTES],
                                                     const uint8_t *msg, size_t msg_len,
                                                     const uint8_t *ctx, size_t ctx_len,
                                                     const uint8_t sk[PQCE_MLDSA65_SK_BYTES],
                                                     const uint8_t rnd[PQCE_MLDSA_RND_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa65_verify(const uint8_t *sig, size_t sig_len,
                                                const uint8_t *msg, size_t msg_len,
                                                const uint8_t *ctx, size_t ctx_len,
                                                const uint8_t pk[PQCE_MLDSA65_PK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa65_hash_sign(uint8_t sig[PQCE_MLDSA65_SIG_BYTES],
                                                   const uint8_t *msg, size_t msg_len,
                                                   const uint8_t *ctx, size_t ctx_len,
                                                   pqce_mldsa_hash hash,
                                                   const uint8_t sk[PQCE_MLDSA65_SK_BYTES]);
PQCE_API PQCE_NODISCARD int
pqce_mldsa65_hash_sign_rng(const pqce_rng *rng, uint8_t sig[PQCE_MLDSA65_SIG_BYTES],
                           const uint8_t *msg, size_t msg_len, const uint8_t *ctx, size_t ctx_len,
                           pqce_mldsa_hash hash, const uint8_t sk[PQCE_MLDSA65_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa65_hash_sign_derand(uint8_t sig[PQCE_MLDSA65_SIG_BYTES],
                                                          const uint8_t *msg, size_t msg_len,
                                                          const uint8_t *ctx, size_t ctx_len,
                                                          pqce_mldsa_hash hash,
                                                          const uint8_t sk[PQCE_MLDSA65_SK_BYTES],
                                                          const uint8_t rnd[PQCE_MLDSA_RND_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa65_hash_verify(const uint8_t *sig, size_t sig_len,
                                                     const uint8_t *msg, size_t msg_len,
                                                     const uint8_t *ctx, size_t ctx_len,
                                                     pqce_mldsa_hash hash,
                                                     const uint8_t pk[PQCE_MLDSA65_PK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa65_sign_internal(uint8_t sig[PQCE_MLDSA65_SIG_BYTES],
                                                       const uint8_t *mprime, size_t mprime_len,
                                                       const uint8_t sk[PQCE_MLDSA65_SK_BYTES],
                                                       const uint8_t rnd[PQCE_MLDSA_RND_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa65_verify_internal(const uint8_t *sig, size_t sig_len,
                                                         const uint8_t *mprime, size_t mprime_len,
                                                         const uint8_t pk[PQCE_MLDSA65_PK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa65_public_key_hash(uint8_t tr[PQCE_MLDSA_TR_BYTES],
                                                         const uint8_t pk[PQCE_MLDSA65_PK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa65_sign_mu(uint8_t sig[PQCE_MLDSA65_SIG_BYTES],
                                                 const uint8_t mu[PQCE_MLDSA_MU_BYTES],
                                                 const uint8_t sk[PQCE_MLDSA65_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa65_sign_mu_rng(const pqce_rng *rng,
                                                     uint8_t sig[PQCE_MLDSA65_SIG_BYTES],
                                                     const uint8_t mu[PQCE_MLDSA_MU_BYTES],
                                                     const uint8_t sk[PQCE_MLDSA65_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa65_sign_mu_derand(uint8_t sig[PQCE_MLDSA65_SIG_BYTES],
                                                        const uint8_t mu[PQCE_MLDSA_MU_BYTES],
                                                        const uint8_t sk[PQCE_MLDSA65_SK_BYTES],
                                                        const uint8_t rnd[PQCE_MLDSA_RND_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa65_verify_mu(const uint8_t *sig, size_t sig_len,
                                                   const uint8_t mu[PQCE_MLDSA_MU_BYTES],
                                                   const uint8_t pk[PQCE_MLDSA65_PK_BYTES]);

PQCE_API PQCE_NODISCARD int pqce_mldsa87_keypair(uint8_t pk[PQCE_MLDSA87_PK_BYTES],
                                                 uint8_t sk[PQCE_MLDSA87_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa87_keypair_rng(const pqce_rng *rng,
                                                     uint8_t pk[PQCE_MLDSA87_PK_BYTES],
                                                     uint8_t sk[PQCE_MLDSA87_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa87_keypair_derand(uint8_t pk[PQCE_MLDSA87_PK_BYTES],
                                                        uint8_t sk[PQCE_MLDSA87_SK_BYTES],
                                                        const uint8_t seed[PQCE_MLDSA_SEED_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa87_sign(uint8_t sig[PQCE_MLDSA87_SIG_BYTES],
                                              const uint8_t *msg, size_t msg_len,
                                              const uint8_t *ctx, size_t ctx_len,
                                              const uint8_t sk[PQCE_MLDSA87_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa87_sign_rng(const pqce_rng *rng,
                                                  uint8_t sig[PQCE_MLDSA87_SIG_BYTES],
                                                  const uint8_t *msg, size_t msg_len,
                                                  const uint8_t *ctx, size_t ctx_len,
                                                  const uint8_t sk[PQCE_MLDSA87_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa87_sign_derand(uint8_t sig[PQCE_MLDSA87_SIG_BYTES],
                                                     const uint8_t *msg, size_t msg_len,
                                                     const uint8_t *ctx, size_t ctx_len,
                                                     const uint8_t sk[PQCE_MLDSA87_SK_BYTES],
                                                     const uint8_t rnd[PQCE_MLDSA_RND_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa87_verify(const uint8_t *sig, size_t sig_len,
                                                const uint8_t *msg, size_t msg_len,
                                                const uint8_t *ctx, size_t ctx_len,
                                                const uint8_t pk[PQCE_MLDSA87_PK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa87_hash_sign(uint8_t sig[PQCE_MLDSA87_SIG_BYTES],
                                                   const uint8_t *msg, size_t msg_len,
                                                   const uint8_t *ctx, size_t ctx_len,
                                                   pqce_mldsa_hash hash,
                                                   const uint8_t sk[PQCE_MLDSA87_SK_BYTES]);
PQCE_API PQCE_NODISCARD int
pqce_mldsa87_hash_sign_rng(const pqce_rng *rng, uint8_t sig[PQCE_MLDSA87_SIG_BYTES],
                           const uint8_t *msg, size_t msg_len, const uint8_t *ctx, size_t ctx_len,
                           pqce_mldsa_hash hash, const uint8_t sk[PQCE_MLDSA87_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa87_hash_sign_derand(uint8_t sig[PQCE_MLDSA87_SIG_BYTES],
                                                          const uint8_t *msg, size_t msg_len,
                                                          const uint8_t *ctx, size_t ctx_len,
                                                          pqce_mldsa_hash hash,
                                                          const uint8_t sk[PQCE_MLDSA87_SK_BYTES],
                                                          const uint8_t rnd[PQCE_MLDSA_RND_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa87_hash_verify(const uint8_t *sig, size_t sig_len,
                                                     const uint8_t *msg, size_t msg_len,
                                                     const uint8_t *ctx, size_t ctx_len,
                                                     pqce_mldsa_hash hash,
                                                     const uint8_t pk[PQCE_MLDSA87_PK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa87_sign_internal(uint8_t sig[PQCE_MLDSA87_SIG_BYTES],
                                                       const uint8_t *mprime, size_t mprime_len,
                                                       const uint8_t sk[PQCE_MLDSA87_SK_BYTES],
                                                       const uint8_t rnd[PQCE_MLDSA_RND_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa87_verify_internal(const uint8_t *sig, size_t sig_len,
                                                         const uint8_t *mprime, size_t mprime_len,
                                                         const uint8_t pk[PQCE_MLDSA87_PK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa87_public_key_hash(uint8_t tr[PQCE_MLDSA_TR_BYTES],
                                                         const uint8_t pk[PQCE_MLDSA87_PK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa87_sign_mu(uint8_t sig[PQCE_MLDSA87_SIG_BYTES],
                                                 const uint8_t mu[PQCE_MLDSA_MU_BYTES],
                                                 const uint8_t sk[PQCE_MLDSA87_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa87_sign_mu_rng(const pqce_rng *rng,
                                                     uint8_t sig[PQCE_MLDSA87_SIG_BYTES],
                                                     const uint8_t mu[PQCE_MLDSA_MU_BYTES],
                                                     const uint8_t sk[PQCE_MLDSA87_SK_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa87_sign_mu_derand(uint8_t sig[PQCE_MLDSA87_SIG_BYTES],
                                                        const uint8_t mu[PQCE_MLDSA_MU_BYTES],
                                                        const uint8_t sk[PQCE_MLDSA87_SK_BYTES],
                                                        const uint8_t rnd[PQCE_MLDSA_RND_BYTES]);
PQCE_API PQCE_NODISCARD int pqce_mldsa87_verify_mu(const uint8_t *sig, size_t sig_len,
                                                   const uint8_t mu[PQCE_MLDSA_MU_BYTES],
                                                   const uint8_t pk[PQCE_MLDSA87_PK_BYTES]);

/* ------------------------------------------------------------------------
 * Artifact kinds and metadata
 * ------------------------------------------------------------------------ */

/* The eight artifact kinds; the values are part of the container format. */
typedef enum pqce_kind {
    PQCE_KIND_MODEL_WEIGHTS = 0,      /* "model-weights" */
    PQCE_KIND_LORA_ADAPTER = 1,       /* "lora-adapter" */
    PQCE_KIND_TOKENIZER = 2,          /* "tokenizer" */
    PQCE_KIND_CREDENTIAL = 3,         /* "credential" */
    PQCE_KIND_BIOMETRIC_TEMPLATE = 4, /* "biometric-template" */
    PQCE_KIND_INFERENCE_CACHE = 5,    /* "inference-cache" */
    PQCE_KIND_SAFETY_MODEL = 6,       /* "safety-model" */
    PQCE_KIND_OTHER = 7               /* "other" */
} pqce_kind;

#define PQCE_KIND_COUNT 8

/* The kind's string ("model-weights", ...), or NULL for a value outside
 * the enum. */
PQCE_API const char *pqce_kind_name(pqce_kind kind);
/* Parses a kind string. Errors: PQCE_ERR_INVALID_ARG (unknown string). */
PQCE_API PQCE_NODISCARD int pqce_kind_from_name(pqce_kind *kind, const char *name);

/* Size value meaning "not known when sealing" (e.g. sealing from a pipe);
 * the authenticated size is always available from the reader. */
#define PQCE_SIZE_UNKNOWN UINT64_MAX

/* Bounds on metadata (bytes of UTF-8, no NUL). [FORMAT, 5] */
#define PQCE_NAME_MAX        1024
#define PQCE_SHORT_FIELD_MAX 255 /* version, app bundle id, device id, each tag */
#define PQCE_MODEL_DID_MAX   1024
#define PQCE_TAGS_MAX        64
#define PQCE_DESCRIPTION_MAX 65535

/*
 * An artifact's metadata. Strings are NUL-terminated UTF-8 without control
 * characters other than tab/newline in the description; NULL means "".
 * When sealing, the caller owns every pointer. When returned by a reader,
 * the reader owns them and they stay valid until pqce_reader_free.
 */
typedef struct pqce_metadata {
    const char *name; /* 1..PQCE_NAME_MAX bytes, required */
    pqce_kind kind;
    const char *version;       /* e.g. "1.0.0" */
    const char *app_bundle_id; /* the app allowed to use it, e.g. "com.example.app" */
    uint64_t size;             /* plaintext bytes, or PQCE_SIZE_UNKNOWN */
    uint64_t created_ms;       /* Unix time in milliseconds; 0 = now when sealing */
    const char *device_id;
    const char *model_did;   /* a decentralized identifier of the model */
    const char *const *tags; /* tag_count strings, 1..PQCE_SHORT_FIELD_MAX bytes */
    size_t tag_count;        /* at most PQCE_TAGS_MAX */
    const char *description;
} pqce_metadata;

/* ------------------------------------------------------------------------
 * Artifact container [FORMAT]: recipients and identities
 *
 * An artifact is sealed to one or more recipients (public keys of one
 * suite) and opened with an identity (the matching secret seed). The body
 * is encrypted once; each recipient gets a stanza of about 1.1-1.6 KB.
 * ------------------------------------------------------------------------ */

/* Suites [FORMAT, 3]: the KEM that wraps the data key; all use AES-256-GCM
 * for the body, SHA3-256 for the content hash and KMAC256 for keys. */
#define PQCE_SUITE_MLKEM768  1 /* ML-KEM-768 (default) */
#define PQCE_SUITE_XWING     2 /* X-Wing: ML-KEM-768 + X25519 hybrid */
#define PQCE_SUITE_MLKEM1024 3 /* ML-KEM-1024 (CNSA 2.0) */

#define PQCE_IDENTITY_MAX_BYTES  64   /* identity seed: 64 (ML-KEM), 32 (X-Wing) */
#define PQCE_RECIPIENT_MAX_BYTES 1568 /* public key: 1184, 1216 or 1568 */

/* The suite's name ("ML-KEM-768", "X-Wing", "ML-KEM-1024"), or NULL. */
PQCE_API const char *pqce_suite_name(uint16_t suite);

/* Sizes of a suite's identity seed and recipient key.
 * Errors: PQCE_ERR_UNSUPPORTED (unknown suite), PQCE_ERR_INVALID_ARG. */
PQCE_API PQCE_NODISCARD int pqce_suite_sizes(uint16_t suite, size_t *identity_len,
                                             size_t *recipient_len);

/*
 * Generates a new identity seed for suite from rng (NULL: OS CSPRNG) into
 * identity (identity_cap bytes available); *identity_len receives its size.
 * Errors: PQCE_ERR_UNSUPPORTED, PQCE_ERR_INVALID_ARG (too small), PQCE_ERR_RANDOM.
 */
PQCE_API PQCE_NODISCARD int pqce_identity_generate(const pqce_rng *rng, uint16_t suite,
                                                   uint8_t *identity, size_t identity_cap,
                                                   size_t *identity_len);

/*
 * Computes the recipient (public key) of an identity seed.
 * Errors: PQCE_ERR_UNSUPPORTED, PQCE_ERR_INVALID_ARG (wrong seed length,
 * recipient_cap too small), PQCE_ERR_CRYPTO.
 */
PQCE_API PQCE_NODISCARD int pqce_identity_to_recipient(uint16_t suite, uint8_t *recipient,
                                                       size_t recipient_cap, size_t *recipient_len,
                                                       const uint8_t *identity,
                                                       size_t identity_len);

/* A recipient: a suite's public key (the caller owns key). */
typedef struct pqce_recipient {
    uint16_t suite;
    const uint8_t *key;
    size_t key_len;
} pqce_recipient;

/* An identity: a suite's secret seed (the caller owns and wipes seed). */
typedef struct pqce_identity {
    uint16_t suite;
    const uint8_t *seed;
    size_t seed_len;
} pqce_identity;

/* ------------------------------------------------------------------------
 * Artifact container: sealing
 * ------------------------------------------------------------------------ */

#define PQCE_CHUNK_MIN      4096u
#define PQCE_CHUNK_MAX      (16u << 20)
#define PQCE_CHUNK_DEFAULT  (1u << 20)
#define PQCE_RECIPIENTS_MAX 4096u

#define PQCE_OPTIONS_VERSION 1u

/* Options for sealing and opening. Zero-initialise, then set version;
 * a NULL options pointer means all defaults. */
typedef struct pqce_options {
    uint32_t version;    /* PQCE_OPTIONS_VERSION */
    uint32_t chunk_size; /* sealing: power of two in [4 KiB, 16 MiB]; 0 = 1 MiB */
    unsigned threads;    /* worker threads; 0 = online CPUs, 1 = single-threaded */
    const pqce_rng *rng; /* sealing randomness; NULL = OS CSPRNG */
} pqce_options;

/* Information about a sealed or opened artifact. */
typedef struct pqce_artifact_info {
    uint8_t artifact_id[16]; /* random, from the header */
    uint16_t suite;
    uint32_t chunk_size;
    uint64_t size;                /* authenticated plaintext size */
    uint8_t content_sha3_256[32]; /* authenticated SHA3-256 of the plaintext */
    uint64_t sealed_size;         /* bytes of the whole container */
    size_t stanza_count;
} pqce_artifact_info;

/*
 * Reads up to cap bytes of plaintext into buf and sets *got; *got = 0 means
 * end of input. Returns 0, or non-zero to abort sealing (reported as
 * PQCE_ERR_IO).
 */
typedef int (*pqce_read_fn)(void *ctx, uint8_t *buf, size_t cap, size_t *got);

/*
 * The exact size of a container for a plaintext of in_len bytes sealed to
 * recipient_count recipients of suite with chunk_size (0 = default) and
 * metadata meta. Errors: PQCE_ERR_INVALID_ARG, PQCE_ERR_UNSUPPORTED.
 */
PQCE_API PQCE_NODISCARD int pqce_sealed_size(uint64_t *sealed_size, uint16_t suite,
                                             size_t recipient_count, uint32_t chunk_size,
                                             const pqce_metadata *meta, uint64_t in_len);

/*
 * Seals in_len bytes of in to the recipients, writing the container into
 * out (out_cap bytes; pqce_sealed_size tells how many are needed) and its
 * length into *out_len. info (may be NULL) receives the artifact id, the
 * content hash and sizes. meta->size is set from in_len.
 * Errors: PQCE_ERR_INVALID_ARG (bad metadata, options, recipients of mixed
 * suites, out_cap too small), PQCE_ERR_INVALID_KEY (a recipient key fails
 * its check), PQCE_ERR_UNSUPPORTED, PQCE_ERR_RANDOM, PQCE_ERR_NOMEM,
 * PQCE_ERR_CRYPTO. On error out is zeroized.
 */
PQCE_API PQCE_NODISCARD int pqce_seal_buffer(const pqce_options *opts, uint8_t *out, size_t out_cap,
                                             size_t *out_len, pqce_artifact_info *info,
                                             const pqce_metadata *meta,
                                             const pqce_recipient *recipients,
                                             size_t recipient_count, const uint8_t *in,
                                             size_t in_len);

/*
 * Seals everything read from in_fd (a file, pipe or socket, read to EOF)
 * and writes the container to out_fd (need not be seekable), in one pass
 * with memory bounded by a few chunks per worker. meta->size may be
 * PQCE_SIZE_UNKNOWN. Errors: as pqce_seal_buffer, plus PQCE_ERR_IO. On
 * error the bytes already written to out_fd are not a valid container (no
 * final chunk) and must be discarded by the caller.
 */
PQCE_API PQCE_NODISCARD int pqce_seal_fd(const pqce_options *opts, int out_fd,
                                         pqce_artifact_info *info, const pqce_metadata *meta,
                                         const pqce_recipient *recipients, size_t recipient_count,
                                         int in_fd);

/* As pqce_seal_fd, with the plaintext from a callback. */
PQCE_API PQCE_NODISCARD int pqce_seal_reader(const pqce_options *opts, int out_fd,
                                             pqce_artifact_info *info, const pqce_metadata *meta,
                                             const pqce_recipient *recipients,
                                             size_t recipient_count, pqce_read_fn read,
                                             void *read_ctx);

/* ------------------------------------------------------------------------
 * Artifact container: opening
 *
 * A reader holds an opened container: its verified header, metadata and
 * final chunk (so its size and content hash are authenticated), and the
 * payload key. Every read verifies the tag of every chunk it touches
 * before releasing a byte of it. A reader is not thread-safe; it wipes its
 * keys on pqce_reader_free.
 * ------------------------------------------------------------------------ */

typedef struct pqce_reader pqce_reader;

/*
 * Opens a container in memory (buf must stay valid and unchanged until
 * pqce_reader_free) with identity. Verifies, in order: the preamble, the
 * header bounds, a stanza for identity (every stanza is tried, in constant
 * time per stanza, so neither timing nor errors reveal which matched), the
 * header MAC, the metadata, and the final chunk.
 * Errors: PQCE_ERR_INVALID_ARG, PQCE_ERR_FORMAT (not a container, unknown
 * version, bounds), PQCE_ERR_UNSUPPORTED (unknown suite), PQCE_ERR_DECRYPT
 * (no stanza for this identity, header MAC, metadata or final chunk fails
 * authentication, truncated or extended payload), PQCE_ERR_NOMEM.
 */
PQCE_API PQCE_NODISCARD int pqce_open_buffer(pqce_reader **reader, const pqce_options *opts,
                                             const pqce_identity *identity, const uint8_t *buf,
                                             size_t len);

/* As pqce_open_buffer for a seekable file descriptor (read with pread; the
 * descriptor must stay open until pqce_reader_free). Errors: as above plus
 * PQCE_ERR_IO. */
PQCE_API PQCE_NODISCARD int pqce_open_fd(pqce_reader **reader, const pqce_options *opts,
                                         const pqce_identity *identity, int fd);

/* Wipes and frees; accepts NULL. */
PQCE_API void pqce_reader_free(pqce_reader *reader);

/* The artifact's authenticated metadata (owned by the reader) and info. */
PQCE_API PQCE_NODISCARD int pqce_reader_metadata(const pqce_reader *reader,
                                                 const pqce_metadata **meta);
PQCE_API PQCE_NODISCARD int pqce_reader_info(const pqce_reader *reader, pqce_artifact_info *info);

/*
 * Sequential read: copies up to cap bytes from the current position into
 * buf, sets *got (0 at the end) and advances. Errors: PQCE_ERR_DECRYPT (a
 * chunk fails its tag; nothing of it is released), PQCE_ERR_IO.
 */
PQCE_API PQCE_NODISCARD int pqce_reader_read(pqce_reader *reader, uint8_t *buf, size_t cap,
                                             size_t *got);

/*
 * Random access: copies len bytes starting at offset into buf, decrypting
 * and verifying only the chunks that hold them. Does not move the
 * sequential position. Errors: PQCE_ERR_INVALID_ARG (range beyond the
 * size), PQCE_ERR_DECRYPT, PQCE_ERR_IO.
 */
PQCE_API PQCE_NODISCARD int pqce_reader_pread(pqce_reader *reader, uint8_t *buf, size_t len,
                                              uint64_t offset);

/*
 * Decrypts the whole plaintext into buf (cap >= size), in parallel, verifying
 * every tag. On error buf is zeroized. Errors: PQCE_ERR_INVALID_ARG (cap too
 * small), PQCE_ERR_DECRYPT, PQCE_ERR_IO, PQCE_ERR_NOMEM.
 */
PQCE_API PQCE_NODISCARD int pqce_reader_read_all(pqce_reader *reader, uint8_t *buf, size_t cap);

/*
 * Full verification: every chunk's tag and the SHA3-256 of the whole
 * plaintext against the authenticated content hash, without releasing any
 * plaintext, in memory bounded by a few chunks per worker.
 * Errors: PQCE_ERR_DECRYPT (a tag or the content hash differs), PQCE_ERR_IO.
 */
PQCE_API PQCE_NODISCARD int pqce_reader_verify(pqce_reader *reader);

/* ------------------------------------------------------------------------
 * Devices, key-custody backends and stores
 *
 * A backend seals and unseals the vault's long-term secret (its identity
 * and attestation seeds) with a key that should never leave hardware, and
 * reports the device. A store keeps the encrypted bytes. Both are tables of
 * functions (pqce_backend.h lets an application add its own). A backend or
 * store may be shared by several vaults in one process only if it says so;
 * the built-in ones are thread-safe.
 * ------------------------------------------------------------------------ */

typedef struct pqce_backend pqce_backend;
typedef struct pqce_store pqce_store;

#define PQCE_DEVICE_FIELD_BYTES 256 /* 255 bytes of UTF-8 and the NUL */

/* Backend capabilities. */
#define PQCE_CAP_HARDWARE_BOUND    0x1u /* the sealing key never leaves hardware */
#define PQCE_CAP_USER_PRESENCE     0x2u /* can confirm a user's presence (biometric, PIN) */
#define PQCE_CAP_MONOTONIC_COUNTER 0x4u /* has a counter for rollback detection */

typedef struct pqce_device_info {
    char device_id[PQCE_DEVICE_FIELD_BYTES];
    char device_model[PQCE_DEVICE_FIELD_BYTES];
    char enclave_vendor[PQCE_DEVICE_FIELD_BYTES];
    char backend[64];      /* "memory", "file", "ios-secure-enclave", ... */
    unsigned capabilities; /* PQCE_CAP_* */
} pqce_device_info;

/*
 * The memory backend (the seed SDK's InMemoryEnclaveBackend): seals with a
 * random key held in this process's memory, so a vault on it can be
 * reopened only by the same process. For tests and demos. It offers user
 * presence (approved unless pqce_backend_memory_set_presence said
 * otherwise) and a monotonic counter in memory. device_id NULL means
 * "test-device-0", device_model NULL "in-memory"; vendor "in-memory".
 * Errors: PQCE_ERR_INVALID_ARG (a field too long), PQCE_ERR_NOMEM,
 * PQCE_ERR_RANDOM.
 */
PQCE_API PQCE_NODISCARD int pqce_backend_memory_new(pqce_backend **backend, const char *device_id,
                                                    const char *device_model);

/* Memory backend only: whether the next user-presence requests succeed
 * (approve = 1) or are refused (0). Errors: PQCE_ERR_INVALID_ARG (not a
 * memory backend). */
PQCE_API PQCE_NODISCARD int pqce_backend_memory_set_presence(pqce_backend *backend, int approve);

#define PQCE_FILE_BACKEND_OPTIONS_VERSION 2u

/*
 * Options of the file backend, for a Linux machine without a secure
 * element: the secret is sealed under a key-encryption key derived from a
 * passphrase with scrypt (memory-hard; OpenSSL's implementation), or from
 * a key file (32 to 65536 bytes, read at each seal/unseal). Exactly one of
 * passphrase (1 to 4096 bytes) and key_file. The backend copies what it
 * needs (the passphrase onto locked pages, wiped at free). It has no user
 * presence.
 *
 * Monotonic counter (version 2 of this struct): with counter_file set, the
 * backend offers PQCE_CAP_MONOTONIC_COUNTER, kept as a small text file at
 * that path (created with the value 0 when missing; its directory must
 * exist). Advancing it writes max(current, new) atomically: a temporary
 * file in the same directory, fsync, rename, directory fsync, under an
 * flock(2) of the directory so that processes do not race. Put it outside
 * the vault's directory: then restoring the vault directory from an older
 * copy is detected (PQCE_ERR_ROLLBACK at unlock), but an attacker who can
 * also roll the counter file back (or delete it: it is recreated at 0)
 * is not. Without counter_file there is no counter: rollback of the whole
 * store is not detectable. Blob and counter formats, threat model:
 * docs/BACKENDS.md.
 *
 * Version 1 of the struct (without counter_file) is still accepted.
 */
typedef struct pqce_file_backend_options {
    uint32_t version;          /* PQCE_FILE_BACKEND_OPTIONS_VERSION (or 1) */
    const char *device_id;     /* NULL: a keyed hash of /etc/machine-id (32 hex
                                  digits; machine-id(5) asks applications not to
                                  expose the id itself), else the host name */
    const char *device_model;  /* NULL: "linux" */
    const uint8_t *passphrase; /* or NULL */
    size_t passphrase_len;
    const char *key_file;     /* or NULL */
    uint32_t scrypt_log2_n;   /* 0: 17 (N = 131072, r = 8, p = 1: 128 MiB); 10..20 */
    const char *counter_file; /* version 2: path of the monotonic counter, or NULL */
} pqce_file_backend_options;

/* Errors: PQCE_ERR_INVALID_ARG (bad options; a key file that is not a
 * regular file of 32 to 65536 bytes; a counter file that is not a regular
 * file holding a counter), PQCE_ERR_NOMEM, PQCE_ERR_IO (the key file cannot
 * be read; the counter file cannot be read or created). A wrong passphrase
 * or key file shows at unlock as PQCE_ERR_LOCKED. */
PQCE_API PQCE_NODISCARD int pqce_backend_file_new(pqce_backend **backend,
                                                  const pqce_file_backend_options *opts);

/*
 * The platform bridges of the seed SDK: Apple Secure Enclave (iOS),
 * Android StrongBox and Qualcomm QSEE. They exist in the API; on a platform
 * where the bridge is not built (this Linux build), creating one succeeds
 * and every seal/unseal returns PQCE_ERR_BACKEND with a detail naming the
 * platform and what it needs. Never a silent success.
 */
PQCE_API PQCE_NODISCARD int pqce_backend_ios_new(pqce_backend **backend, const char *device_id,
                                                 const char *device_model);
PQCE_API PQCE_NODISCARD int pqce_backend_android_new(pqce_backend **backend, const char *device_id,
                                                     const char *device_model);
PQCE_API PQCE_NODISCARD int pqce_backend_qsee_new(pqce_backend **backend, const char *device_id,
                                                  const char *device_model);

/*
 * TPM 2.0 (tpm2-tss ESYS; compile-time option PQCE_WITH_TPM2). The secret
 * is sealed as a TPM sealed-data object under the owner hierarchy's
 * storage key, which is recreated from a fixed template at each use (never
 * a saved context), and unsealed over a salted, encrypted session, so it
 * never crosses the bus in clear. The blob that the vault stores is the
 * object's TPM2B_PRIVATE and TPM2B_PUBLIC behind a header (docs/BACKENDS.md,
 * "TPM 2.0"); it loads only on the TPM that sealed it. A secret is at most
 * PQCE_TPM2_SECRET_MAX bytes (the vault's is 96).
 *
 * Options:
 *  - pin: the object's authValue (1 to 32 bytes, no NUL). A wrong PIN is
 *    PQCE_ERR_LOCKED at unlock, and counts towards the TPM's
 *    dictionary-attack lockout: after the TPM's maximum of failures
 *    (TPM2_PT_MAX_AUTH_FAIL; 3 on a fresh swtpm) every PIN-protected
 *    object is refused for the recovery time (PQCE_ERR_LOCKED, "lockout").
 *    A PIN is a knowledge factor, not user presence.
 *  - pcr_mask: bind the object to the values that these PCRs of pcr_bank
 *    hold when the vault is created; once one changes (another firmware,
 *    boot loader or kernel, or an extend) unseal is refused with
 *    PQCE_ERR_POLICY.
 *  - nv_index: the NV counter index for rollback detection (one per vault;
 *    owner range 0x01800000-0x01BFFFFF); defined on first use. The vault
 *    advances it after each durable save; see docs/VAULT.md, "Rollback".
 *
 * The constructor connects to the TPM once (to fail early and to read the
 * device information) and every later operation opens its own connection,
 * so a backend survives fork and a TPM restart. Operations of one backend
 * are serialised; the backend is thread-safe. tpm2-tss prints its own
 * warnings to stderr unless the environment sets TSS2_LOG=all+NONE.
 */
#define PQCE_TPM2_OPTIONS_VERSION  1u
#define PQCE_TPM2_DEFAULT_TCTI     "device:/dev/tpmrm0"
#define PQCE_TPM2_DEFAULT_NV_INDEX 0x01A0C0DEu /* owner range */
#define PQCE_TPM2_NV_NONE          0xFFFFFFFFu /* no counter, no rollback detection */
#define PQCE_TPM2_PCR_BANK_SHA1    0x0004u     /* TCG algorithm ids */
#define PQCE_TPM2_PCR_BANK_SHA256  0x000Bu
#define PQCE_TPM2_PCR_BANK_SHA384  0x000Cu
#define PQCE_TPM2_PCR_BANK_SHA512  0x000Du
#define PQCE_TPM2_PIN_MAX          32
#define PQCE_TPM2_SECRET_MAX       96

typedef struct pqce_tpm2_options {
    uint32_t version;         /* PQCE_TPM2_OPTIONS_VERSION */
    const char *tcti;         /* NULL: PQCE_TPM2_DEFAULT_TCTI; tests: "swtpm:path=<socket>" */
    const char *pin;          /* the sealed object's authValue, or NULL for none */
    uint16_t pcr_bank;        /* PQCE_TPM2_PCR_BANK_*; 0: SHA-256 */
    uint32_t pcr_mask;        /* bit i binds PCR i (0..23); 0: no PCR policy */
    uint32_t nv_index;        /* 0: PQCE_TPM2_DEFAULT_NV_INDEX; PQCE_TPM2_NV_NONE; or owner range */
    const char *owner_auth;   /* the owner hierarchy's authValue; NULL: empty (the usual) */
    const char *device_id;    /* NULL: 32 hex digits of a hash of this TPM's storage key name */
    const char *device_model; /* NULL: "TPM 2.0 <manufacturer> <vendor string>" */
    char *detail;             /* optional: receives a sentence when the constructor fails */
    size_t detail_cap;
} pqce_tpm2_options;

/*
 * Creates a TPM 2.0 backend. It copies the options (the PIN and owner auth
 * onto locked pages, wiped at free). Its capabilities: hardware-bound
 * (unless the TPM is a software simulator: swtpm, mssim), a monotonic
 * counter (unless nv_index is PQCE_TPM2_NV_NONE); no user presence.
 * Errors: PQCE_ERR_UNSUPPORTED (this build has no TPM 2.0 backend),
 * PQCE_ERR_INVALID_ARG (bad options: a PIN over 32 bytes, a PCR above 23,
 * an unknown bank, an NV index outside the owner range), PQCE_ERR_BACKEND
 * (the TCTI cannot be loaded or the TPM does not answer; the owner
 * hierarchy refuses the storage key), PQCE_ERR_NOMEM. The sentence goes to
 * opts->detail.
 */
PQCE_API PQCE_NODISCARD int pqce_backend_tpm2_new(pqce_backend **backend,
                                                  const pqce_tpm2_options *opts);

/*
 * PKCS#11 (a token's module loaded with dlopen; compile-time option
 * PQCE_WITH_PKCS11). The token is found by its label; the backend logs in
 * with the PIN and finds, or at the first seal generates, a non-extractable,
 * sensitive AES-256 token key (CKA_TOKEN, CKA_SENSITIVE true, CKA_EXTRACTABLE
 * false) under key_label; a key with that label that is extractable or not
 * sensitive is refused. The secret (at most 256 bytes) is sealed with
 * CKM_AES_GCM (the blob's header and the aad authenticated), or, where the
 * token lacks GCM, wrapped with AES key wrap with padding [RFC5649]
 * (CKM_AES_KEY_WRAP_KWP, or CKM_AES_KEY_WRAP_PAD of PKCS#11 2.40) together
 * with a hash of the header and the aad. A token with neither (tpm2-pkcs11,
 * for one) cannot seal: PQCE_ERR_BACKEND saying so. No monotonic counter
 * and no user presence (the PIN is a knowledge factor). Hardware-bound if
 * the token's slot is a hardware slot (CKF_HW_SLOT; SoftHSM is not).
 *
 * Each operation initialises the module, opens a session, logs in, and
 * logs out, closes the session and finalises the module on every path (a
 * module that the application had initialised itself is left initialised),
 * so a backend survives fork. Operations are serialised process-wide (the
 * module's state is process-wide); the backend is thread-safe.
 */
#define PQCE_PKCS11_OPTIONS_VERSION   1u
#define PQCE_PKCS11_DEFAULT_KEY_LABEL "pqce-vault-kek"
#define PQCE_PKCS11_MECH_AUTO         0u /* GCM if the token has it, else key wrap */
#define PQCE_PKCS11_MECH_AES_GCM      1u
#define PQCE_PKCS11_MECH_AES_KWP      2u

typedef struct pqce_pkcs11_options {
    uint32_t version;         /* PQCE_PKCS11_OPTIONS_VERSION */
    const char *module;       /* path of the module, e.g. /usr/lib/softhsm/libsofthsm2.so */
    const char *token_label;  /* CK_TOKEN_INFO.label (up to 32 bytes) */
    const char *pin;          /* the user PIN; NULL: no login (a token without one) */
    const char *key_label;    /* NULL: PQCE_PKCS11_DEFAULT_KEY_LABEL */
    unsigned mechanism;       /* PQCE_PKCS11_MECH_*, for seal; unseal reads the blob */
    const char *device_id;    /* NULL: the token's serial number */
    const char *device_model; /* NULL: the token's model */
    char *detail;             /* optional: receives a sentence when the constructor fails */
    size_t detail_cap;
} pqce_pkcs11_options;

/*
 * Creates a PKCS#11 backend: loads the module and finds the token (no
 * login yet: a wrong PIN shows at the first seal or unseal, as
 * PQCE_ERR_LOCKED; a locked PIN too). Copies the options (the PIN onto
 * locked pages, wiped at free). Errors: PQCE_ERR_UNSUPPORTED (this build
 * has no PKCS#11 backend), PQCE_ERR_INVALID_ARG (bad options),
 * PQCE_ERR_BACKEND (the module does not load or initialise, no token or
 * more than one has the label), PQCE_ERR_NOMEM. The sentence goes to
 * opts->detail.
 */
PQCE_API PQCE_NODISCARD int pqce_backend_pkcs11_new(pqce_backend **backend,
                                                    const pqce_pkcs11_options *opts);

/* What pqce_backend_list reports for each backend. */
typedef struct pqce_backend_status {
    char name[16];         /* "memory", "file", "tpm2", "pkcs11", "ios", "android", "qsee" */
    int compiled_in;       /* 1 if this build includes the backend */
    int available;         /* 1 if it can seal and unseal on this machine now */
    unsigned capabilities; /* PQCE_CAP_* it offers here (when available) */
    char detail[256];      /* what was found, or why it is not available */
} pqce_backend_status;

#define PQCE_BACKEND_LIST_OPTIONS_VERSION 1u
#define PQCE_BACKEND_LIST_COUNT           7

typedef struct pqce_backend_list_options {
    uint32_t version;          /* PQCE_BACKEND_LIST_OPTIONS_VERSION */
    const char *tpm2_tcti;     /* NULL: PQCE_TPM2_DEFAULT_TCTI */
    const char *pkcs11_module; /* NULL: the first well-known module that exists (OpenSC,
                                  SoftHSM) */
} pqce_backend_list_options;

/*
 * Discovery (the CLI's "pqce backends"): one entry per backend, in the
 * order memory, file, tpm2, pkcs11, ios, android, qsee. For tpm2 it
 * connects to the TCTI and asks the TPM for its manufacturer (available
 * or, e.g., "the TCTI device:/dev/tpmrm0 is not reachable: ..."); for
 * pkcs11 it loads the module and lists the tokens; the platform bridges
 * are not compiled into this build. Nothing is sealed, no PIN is used.
 * opts may be NULL. *count receives PQCE_BACKEND_LIST_COUNT; if cap is
 * smaller, nothing is written and the error is PQCE_ERR_INVALID_ARG.
 * Errors: PQCE_ERR_INVALID_ARG.
 */
PQCE_API PQCE_NODISCARD int pqce_backend_list(pqce_backend_status *out, size_t cap, size_t *count,
                                              const pqce_backend_list_options *opts);

/* The backend's device information. Errors: PQCE_ERR_INVALID_ARG,
 * PQCE_ERR_BACKEND. */
PQCE_API PQCE_NODISCARD int pqce_backend_device_info(pqce_backend *backend, pqce_device_info *info);

/* Copies a sentence about the backend's last failure (never a secret) into
 * buf (cap bytes, NUL-terminated; "" when there is none). Useful when
 * pqce_vault_create fails, since no vault handle then exists to ask. */
PQCE_API void pqce_backend_error_detail(pqce_backend *backend, char *buf, size_t cap);

/* Releases a backend (wiping what it holds); accepts NULL. */
PQCE_API void pqce_backend_free(pqce_backend *backend);

/*
 * A store in a directory (created if missing, mode 0700): one file per
 * object, written to a temporary file, fsynced, renamed into place, and the
 * directory fsynced. Entries beginning with '.' belong to the store (its
 * ".lock" and temporary files), so object names with a component that
 * begins with '.' are refused. Temporary files left by dead processes are
 * removed here. Layout and crash-safety invariants: docs/BACKENDS.md.
 * Errors: PQCE_ERR_INVALID_ARG (path NULL, empty, or not a directory),
 * PQCE_ERR_IO, PQCE_ERR_NOMEM.
 */
PQCE_API PQCE_NODISCARD int pqce_store_dir_new(pqce_store **store, const char *path);

/* A store in process memory (tests). Errors: PQCE_ERR_NOMEM. */
PQCE_API PQCE_NODISCARD int pqce_store_memory_new(pqce_store **store);

/* Releases a store; accepts NULL. The objects of a directory store stay. */
PQCE_API void pqce_store_free(pqce_store *store);

/* ------------------------------------------------------------------------
 * The vault
 *
 * A vault keeps artifacts encrypted in a store, under an identity key whose
 * seed only the backend can unseal. Its natural life: create (or open),
 * unlock, put / get / delete / list, save, lock, free; later open, unlock,
 * get returns the same bytes - in this process or another.
 *
 * A vault handle is not thread-safe: use one per thread, or serialise
 * calls. Several handles (in one process or several) may use one vault:
 * writers are serialised by the store's lock and merge their changes at
 * save.
 * ------------------------------------------------------------------------ */

typedef struct pqce_vault pqce_vault;

/* Version 2 added flags; a version-1 struct (without it) is still accepted. */
#define PQCE_VAULT_OPTIONS_VERSION 2u
#define PQCE_DEFAULT_TTL_SECONDS   3600

/*
 * PQCE_VAULT_KEYRING_CACHE (off by default): after an unlock through the
 * backend, keep the unsealed secret in the caller's session keyring
 * (Linux, a "user" key "pqce:vault:<vault id>", readable by its possessors
 * only) for the unlock's TTL, so that the next unlock of this vault in any
 * process of the same login session takes it from there without the
 * backend: no PIN, no PCR policy, no token. A cache, never custody: the
 * sealed blob stays the only durable copy. The rollback check (the
 * backend's counter) still runs. The trade-off: for the TTL, any process
 * that possesses the session keyring (the user's processes in that login
 * session) can read the secret, as it could read an unlocked process's
 * memory. pqce_vault_lock removes the entry; free does not. Where the
 * keyring is unavailable the vault unlocks through the backend as usual.
 */
#define PQCE_VAULT_KEYRING_CACHE 0x1u

typedef struct pqce_vault_options {
    uint32_t version;         /* PQCE_VAULT_OPTIONS_VERSION */
    uint16_t suite;           /* create: PQCE_SUITE_*; 0 = ML-KEM-768 */
    unsigned attestation_alg; /* create: 65 (ML-DSA-65, default) or 87 */
    uint32_t chunk_size;      /* artifacts' chunk size; 0 = 1 MiB */
    unsigned threads;         /* worker threads; 0 = online CPUs */
    const pqce_rng *rng;      /* NULL = OS CSPRNG */
    uint32_t lock_timeout_ms; /* wait for another writer; 0 = 10,000 */
    unsigned flags;           /* version >= 2: PQCE_VAULT_KEYRING_CACHE; 0 = none */
} pqce_vault_options;

/*
 * Creates a vault in an empty store: draws the ML-KEM identity seed and the
 * ML-DSA attestation seed, has the backend seal them, and writes the
 * vault's descriptor and an empty manifest. The new vault is locked.
 * The vault keeps pointers to backend and store: free it before them.
 * Errors: PQCE_ERR_INVALID_ARG, PQCE_ERR_EXISTS (the store holds a vault),
 * PQCE_ERR_BACKEND, PQCE_ERR_RANDOM, PQCE_ERR_IO, PQCE_ERR_BUSY, PQCE_ERR_NOMEM.
 */
PQCE_API PQCE_NODISCARD int pqce_vault_create(pqce_vault **vault, pqce_backend *backend,
                                              pqce_store *store, const pqce_vault_options *opts);

/* Opens an existing vault (locked). Errors: PQCE_ERR_NOT_FOUND (no vault
 * in the store), PQCE_ERR_FORMAT, PQCE_ERR_IO, PQCE_ERR_NOMEM. */
PQCE_API PQCE_NODISCARD int pqce_vault_open(pqce_vault **vault, pqce_backend *backend,
                                            pqce_store *store, const pqce_vault_options *opts);

/* Locks (wiping every secret) and frees; unsaved changes are discarded.
 * Accepts NULL. */
PQCE_API void pqce_vault_free(pqce_vault *vault);

/* A sentence about the vault's last error (never a secret). Never NULL. */
PQCE_API const char *pqce_vault_error_detail(const pqce_vault *vault);

/*
 * Unlocks for ttl_seconds (0: PQCE_DEFAULT_TTL_SECONDS): the backend
 * unseals the seeds into locked (mlock), non-dumpable memory (or, with
 * PQCE_VAULT_KEYRING_CACHE, they come from the session keyring when an
 * earlier unlock left them there), and the vault reloads the saved
 * manifest, keeping its own unsaved changes. Unlocking an unlocked vault
 * extends the session. Checks rollback when the backend has a counter.
 * Audited. Errors: PQCE_ERR_INVALID_ARG (ttl < 0), PQCE_ERR_LOCKED (wrong
 * passphrase or PIN, a TPM in dictionary-attack lockout), PQCE_ERR_POLICY
 * (the backend's policy refused: a TPM's PCRs changed), PQCE_ERR_BACKEND,
 * PQCE_ERR_ROLLBACK, PQCE_ERR_DECRYPT (a tampered manifest), PQCE_ERR_IO.
 */
PQCE_API PQCE_NODISCARD int pqce_vault_unlock(pqce_vault *vault, int64_t ttl_seconds);

/*
 * Unlocks only from the session keyring cache (PQCE_VAULT_KEYRING_CACHE):
 * never asks the backend to unseal, so a program can try the cache before
 * it prompts for a PIN and builds the backend that needs it. The rollback
 * check runs as in pqce_vault_unlock (the backend's counter, which needs no
 * PIN). Errors: PQCE_ERR_NOT_FOUND (the handle was opened without the
 * cache flag, or the keyring holds no entry for this vault: nothing is
 * audited), and those of pqce_vault_unlock.
 */
PQCE_API PQCE_NODISCARD int pqce_vault_unlock_cached(pqce_vault *vault, int64_t ttl_seconds);

/* Wipes the session's secrets (and, with PQCE_VAULT_KEYRING_CACHE, the
 * session keyring's copy); unsaved changes stay for the next unlock.
 * Audited. Errors: PQCE_ERR_INVALID_ARG. */
PQCE_API PQCE_NODISCARD int pqce_vault_lock(pqce_vault *vault);

/* 1 if unlocked and not expired, else 0. An expired session is wiped at
 * the moment this (or any other call) notices the expiry. */
PQCE_API int pqce_vault_is_unlocked(pqce_vault *vault);

/*
 * Writes the changes since the last save: new artifact objects are made
 * durable, then a new manifest (generation + 1) replaces the old one
 * atomically, then replaced and deleted objects are removed. Merges with
 * changes another handle saved meanwhile. Requires an unlocked vault.
 * Audited. Errors: PQCE_ERR_LOCKED, PQCE_ERR_BUSY (another writer held the
 * lock beyond the timeout), PQCE_ERR_EXISTS (a "fail if exists" put whose
 * name another handle saved meanwhile; nothing is written), PQCE_ERR_IO,
 * PQCE_ERR_ROLLBACK, PQCE_ERR_BACKEND.
 */
PQCE_API PQCE_NODISCARD int pqce_vault_save(pqce_vault *vault);

/* 1 if there are changes not yet saved, else 0. */
PQCE_API int pqce_vault_has_unsaved_changes(const pqce_vault *vault);

/* The device the vault's backend reports. */
PQCE_API PQCE_NODISCARD int pqce_vault_device_info(pqce_vault *vault, pqce_device_info *info);

/*
 * The vault's recipient key (its public encapsulation key), derived from
 * the unsealed seed, so that a model vendor can seal artifacts for this
 * device. Requires an unlocked vault. Errors: PQCE_ERR_LOCKED,
 * PQCE_ERR_INVALID_ARG (cap below the key size).
 */
PQCE_API PQCE_NODISCARD int pqce_vault_recipient(pqce_vault *vault, uint16_t *suite, uint8_t *key,
                                                 size_t cap, size_t *key_len);

/* The vault's key id: "urn:pqc-enclave-key:" and 32 hex digits of the
 * SHA3-256 of its recipient key (the seed SDK's key-id prefix; here it names
 * the identity key, stable across unlocks). Requires an unlocked vault.
 * Errors: PQCE_ERR_LOCKED, PQCE_ERR_INVALID_ARG. */
#define PQCE_KEY_ID_PREFIX "urn:pqc-enclave-key:"
#define PQCE_KEY_ID_BYTES  53
PQCE_API PQCE_NODISCARD int pqce_vault_key_id(pqce_vault *vault, char key_id[PQCE_KEY_ID_BYTES]);

/* ------------------------------------------------------------------------
 * Artifacts in the vault
 * ------------------------------------------------------------------------ */

/* Artifact ids: "urn:pqc-enclave-art:" and 32 lower-case hex digits. A name
 * may not start with "urn:", so a lookup never confuses a name with an id. */
#define PQCE_ARTIFACT_ID_PREFIX "urn:pqc-enclave-art:"
#define PQCE_ARTIFACT_ID_BYTES  53 /* 20 + 32 + NUL */
#define PQCE_SHA3_HEX_BYTES     65 /* 64 hex digits + NUL */

/* What put returns. */
typedef struct pqce_artifact_ref {
    char id[PQCE_ARTIFACT_ID_BYTES];
    char sha3_256_hex[PQCE_SHA3_HEX_BYTES]; /* SHA3-256 of the content */
    uint64_t size;
} pqce_artifact_ref;

#define PQCE_PUT_FAIL_IF_EXISTS 0x1u /* an existing name is an error, not a new version */

/*
 * Stores content under meta->name (meta's name, kind, version,
 * app_bundle_id, model_did, tags and description are used; size, created
 * time and device id are set by the vault). An existing name is replaced
 * by a new version (the old object is removed at save) unless flags has
 * PQCE_PUT_FAIL_IF_EXISTS. The change is durable after pqce_vault_save.
 * ref (may be NULL) receives the new id, the SHA3-256 and the size.
 * Audited. Errors: PQCE_ERR_LOCKED, PQCE_ERR_INVALID_ARG (bad metadata, a
 * name starting with "urn:"), PQCE_ERR_EXISTS, PQCE_ERR_IO, PQCE_ERR_NOMEM.
 */
PQCE_API PQCE_NODISCARD int pqce_vault_put(pqce_vault *vault, pqce_artifact_ref *ref,
                                           const pqce_metadata *meta, const uint8_t *content,
                                           size_t content_len, unsigned flags);

/* As pqce_vault_put, reading the content from fd to its end (a file or a
 * pipe), in one pass and constant memory. */
PQCE_API PQCE_NODISCARD int pqce_vault_put_fd(pqce_vault *vault, pqce_artifact_ref *ref,
                                              const pqce_metadata *meta, int fd, unsigned flags);

/* As pqce_vault_put_fd, with the content from a callback (e.g. to report
 * progress). A callback failure is PQCE_ERR_IO. */
PQCE_API PQCE_NODISCARD int pqce_vault_put_reader(pqce_vault *vault, pqce_artifact_ref *ref,
                                                  const pqce_metadata *meta, pqce_read_fn read,
                                                  void *read_ctx, unsigned flags);

/*
 * Imports a container that was sealed to this vault's recipient key (by a
 * model vendor with pqce_seal_*, see pqce_vault_recipient) without
 * re-encrypting its body: the container must open with the vault's
 * identity and pass full verification (every tag and the content hash); its
 * bytes are then copied into a new object and recorded under the name in
 * its own metadata, as a put would (flags as for put). Durable after save.
 * Audited as a put. Errors: PQCE_ERR_LOCKED, PQCE_ERR_DECRYPT (not sealed to
 * this vault, or tampered), PQCE_ERR_FORMAT, PQCE_ERR_INVALID_ARG (a name
 * starting with "urn:", fd not a seekable file), PQCE_ERR_EXISTS,
 * PQCE_ERR_IO, PQCE_ERR_NOMEM.
 */
PQCE_API PQCE_NODISCARD int pqce_vault_import_fd(pqce_vault *vault, pqce_artifact_ref *ref, int fd,
                                                 unsigned flags);

/*
 * Reads an artifact (by name, or by id) into buf. caller_bundle_id is the
 * app asking (NULL: none); the access policy is checked first. *len
 * receives the size; if cap is smaller, nothing is read and the error is
 * PQCE_ERR_INVALID_ARG with *len set (call again with a larger buffer).
 * Every chunk's tag, the artifact's id, name and the manifest's content
 * hash are checked; a failure releases no plaintext. Audited.
 * Errors: PQCE_ERR_LOCKED, PQCE_ERR_NOT_FOUND, PQCE_ERR_POLICY,
 * PQCE_ERR_DECRYPT, PQCE_ERR_IO, PQCE_ERR_INVALID_ARG.
 */
PQCE_API PQCE_NODISCARD int pqce_vault_get(pqce_vault *vault, const char *name_or_id,
                                           const char *caller_bundle_id, uint8_t *buf, size_t cap,
                                           size_t *len);

/* As pqce_vault_get, writing the content to fd (a file or a pipe) in
 * constant memory; the whole artifact is verified before the first byte is
 * written. */
PQCE_API PQCE_NODISCARD int pqce_vault_get_fd(pqce_vault *vault, const char *name_or_id,
                                              const char *caller_bundle_id, int fd);

/*
 * Opens an artifact as a streaming, random-access reader (pqce_reader_*),
 * the way an inference runtime loads weights: a tensor at an offset is
 * decrypted without the rest. The reader stays valid after the vault locks
 * (it holds its own keys) until pqce_reader_free. Errors: as pqce_vault_get.
 */
PQCE_API PQCE_NODISCARD int pqce_vault_open_artifact(pqce_vault *vault, pqce_reader **reader,
                                                     const char *name_or_id,
                                                     const char *caller_bundle_id);

/* Deletes an artifact (by name or id); durable after save. Audited.
 * Errors: PQCE_ERR_LOCKED, PQCE_ERR_NOT_FOUND. */
PQCE_API PQCE_NODISCARD int pqce_vault_delete(pqce_vault *vault, const char *name_or_id);

/* A list of artifacts' metadata, owned by the list. */
typedef struct pqce_artifact_list pqce_artifact_list;

typedef struct pqce_artifact_entry {
    const char *id;
    const char *sha3_256_hex;
    pqce_metadata meta;
} pqce_artifact_entry;

#define PQCE_KIND_ANY (-1)

/* Lists the artifacts (including unsaved changes), in order of name;
 * kind = PQCE_KIND_ANY or a pqce_kind to filter. Audited. Errors:
 * PQCE_ERR_LOCKED, PQCE_ERR_INVALID_ARG, PQCE_ERR_NOMEM. */
PQCE_API PQCE_NODISCARD int pqce_vault_list(pqce_vault *vault, pqce_artifact_list **list, int kind);

/* The metadata of one artifact (a list of one). Errors: as list, plus
 * PQCE_ERR_NOT_FOUND. */
PQCE_API PQCE_NODISCARD int pqce_vault_stat(pqce_vault *vault, pqce_artifact_list **list,
                                            const char *name_or_id);

PQCE_API size_t pqce_artifact_list_count(const pqce_artifact_list *list);
/* The i-th entry, or NULL when i is out of range. */
PQCE_API const pqce_artifact_entry *pqce_artifact_list_at(const pqce_artifact_list *list, size_t i);
PQCE_API void pqce_artifact_list_free(pqce_artifact_list *list);

/* The SHA3-256 of a buffer as 64 lower-case hex digits (the seed SDK's
 * EnclaveArtifact.content_hash). Errors: PQCE_ERR_INVALID_ARG. */
PQCE_API PQCE_NODISCARD int pqce_content_hash_hex(char hex[PQCE_SHA3_HEX_BYTES], const uint8_t *buf,
                                                  size_t len);

/* ------------------------------------------------------------------------
 * Access policy
 *
 * At most one rule per kind. A get of an artifact of that kind is allowed
 * only if the caller's bundle id is in the rule's list (an empty list
 * allows every caller), the user confirmed presence through the backend
 * when the rule requires it, and the caller's successful gets of that kind
 * in the last 3600 s are fewer than max_uses_per_hour (0: no limit). The
 * window counts the audit log's records, so it survives restarts. A denial
 * is PQCE_ERR_POLICY and is audited. Rules are saved with the manifest.
 * ------------------------------------------------------------------------ */

#define PQCE_POLICY_BUNDLES_MAX 64

typedef struct pqce_policy_rule {
    pqce_kind kind;
    const char *const *allowed_bundle_ids; /* count strings; NULL when count is 0 */
    size_t allowed_count;                  /* at most PQCE_POLICY_BUNDLES_MAX */
    int require_biometric;                 /* 1: ask the backend for user presence */
    uint32_t max_uses_per_hour;            /* 0: no limit */
} pqce_policy_rule;

/* Sets (replaces) the rule for rule->kind. Requires an unlocked vault;
 * durable after save. Errors: PQCE_ERR_LOCKED, PQCE_ERR_INVALID_ARG. */
PQCE_API PQCE_NODISCARD int pqce_vault_policy_set(pqce_vault *vault, const pqce_policy_rule *rule);
/* Removes the rule for kind (no rule: every caller allowed). */
PQCE_API PQCE_NODISCARD int pqce_vault_policy_remove(pqce_vault *vault, pqce_kind kind);
/* The rule for kind, with strings owned by the vault until the next policy
 * change or free. Errors: PQCE_ERR_NOT_FOUND (no rule), PQCE_ERR_LOCKED. */
PQCE_API PQCE_NODISCARD int pqce_vault_policy_get(pqce_vault *vault, pqce_kind kind,
                                                  pqce_policy_rule *rule);

/* ------------------------------------------------------------------------
 * Audit log
 *
 * Every operation of a vault and every outcome, failures included, is
 * appended to a persistent log in the store. Records are hash-chained; a
 * record written while the vault is unlocked is encrypted and
 * authenticated under a key derived from the vault's secret and
 * authenticates the whole chain before it, so an edited, removed or
 * reordered record is detected by pqce_vault_audit_verify. Each save also
 * records the log's length and head in the manifest, so that cutting the
 * log back is detected too. Records written while locked (a refused
 * unlock, an operation on a locked vault) carry no artifact name and are
 * authenticated by the next unlocked record. Reading the log needs an
 * unlocked vault.
 * ------------------------------------------------------------------------ */

/* Operations, as the strings of pqce_audit_entry.operation: "unlock",
 * "lock", "put", "get", "delete", "list", "save", "policy_violation",
 * "attest", "decryption_failure". */

typedef struct pqce_audit_entry {
    uint64_t seq;     /* 0, 1, 2, ... */
    uint64_t time_ms; /* Unix time in milliseconds */
    const char *operation;
    const char *device_id;
    const char *artifact_id;   /* "" when none */
    const char *artifact_name; /* "" when none */
    const char *artifact_kind; /* "" when none */
    const char *caller;        /* the caller's bundle id for a get, else "" */
    int success;               /* 1 or 0 */
    const char *details;       /* e.g. the error's name; never a secret */
    int authenticated;         /* 1: covered by a MAC that verified */
} pqce_audit_entry;

#define PQCE_AUDIT_QUERY_VERSION 1u
#define PQCE_AUDIT_DEFAULT_LIMIT 100

/* A query: NULL or "" fields do not filter. */
typedef struct pqce_audit_query {
    uint32_t version; /* PQCE_AUDIT_QUERY_VERSION */
    const char *operation;
    const char *device_id;
    const char *artifact_id;
    size_t limit; /* the newest `limit` matches; 0 = PQCE_AUDIT_DEFAULT_LIMIT */
} pqce_audit_query;

typedef struct pqce_audit_list pqce_audit_list;

/* The entries matching q (NULL: the newest 100), newest first. Errors:
 * PQCE_ERR_LOCKED, PQCE_ERR_INVALID_ARG, PQCE_ERR_IO, PQCE_ERR_NOMEM. */
PQCE_API PQCE_NODISCARD int pqce_vault_audit_query(pqce_vault *vault, pqce_audit_list **list,
                                                   const pqce_audit_query *q);
PQCE_API size_t pqce_audit_list_count(const pqce_audit_list *list);
PQCE_API const pqce_audit_entry *pqce_audit_list_at(const pqce_audit_list *list, size_t i);
PQCE_API void pqce_audit_list_free(pqce_audit_list *list);

typedef struct pqce_audit_report {
    uint64_t entries;       /* records in the log */
    uint64_t authenticated; /* records covered by a verified MAC */
    uint64_t first_bad_seq; /* the first record that failed (when the result is an error) */
} pqce_audit_report;

/*
 * Verifies the whole log: the chain, every MAC, the sequence numbers, and
 * that the log is at least as long as the last save recorded. report may be
 * NULL. Errors: PQCE_ERR_DECRYPT (an edited, removed, inserted or
 * reordered record; report->first_bad_seq says where), PQCE_ERR_LOCKED,
 * PQCE_ERR_IO.
 */
PQCE_API PQCE_NODISCARD int pqce_vault_audit_verify(pqce_vault *vault, pqce_audit_report *report);

/* Writes the entries matching q (NULL: all), oldest first, to fd as JSON
 * Lines (one object per line). Errors: as query, plus PQCE_ERR_IO. */
PQCE_API PQCE_NODISCARD int pqce_vault_audit_export(pqce_vault *vault, int fd,
                                                    const pqce_audit_query *q);

/* ------------------------------------------------------------------------
 * Device attestation
 *
 * A statement, signed with the vault's ML-DSA key, that this device (id,
 * model, enclave vendor) holds an artifact (id and SHA3-256, recomputed
 * from the decrypted content) at a time, answering a verifier's nonce.
 * Every field is signed, including the algorithm and the signer id
 * (SHA3-256 of the public key). A verifier checks it against a public key
 * it expects, never only against the key inside the statement.
 * ------------------------------------------------------------------------ */

typedef struct pqce_attestation pqce_attestation;

#define PQCE_ATTESTATION_NONCE_MAX 64

typedef struct pqce_attestation_fields {
    const char *device_id;
    const char *device_model;
    const char *enclave_vendor;
    const char *artifact_id;
    uint8_t content_sha3_256[32];
    uint64_t issued_ms;    /* Unix time in milliseconds */
    const char *algorithm; /* "ML-DSA-65" or "ML-DSA-87" */
    const char *signer_id; /* "did:pqaid:" + hex SHA3-256(public key) */
    const uint8_t *nonce;  /* the verifier's challenge, 0..64 bytes */
    size_t nonce_len;
    const uint8_t *public_key; /* the signer's ML-DSA public key */
    size_t public_key_len;
    const uint8_t *signature;
    size_t signature_len;
} pqce_attestation_fields;

/*
 * Attests an artifact of an unlocked vault: decrypts it, recomputes its
 * SHA3-256 (which must equal the manifest's), and signs the statement with
 * the vault's ML-DSA key. Audited. Errors: PQCE_ERR_LOCKED,
 * PQCE_ERR_NOT_FOUND, PQCE_ERR_INVALID_ARG (nonce too long),
 * PQCE_ERR_DECRYPT, PQCE_ERR_IO, PQCE_ERR_NOMEM.
 */
PQCE_API PQCE_NODISCARD int pqce_vault_attest(pqce_vault *vault, pqce_attestation **att,
                                              const char *name_or_id, const uint8_t *nonce,
                                              size_t nonce_len);

/* The vault's attestation public key and algorithm (65 or 87); requires an
 * unlocked vault. Errors: PQCE_ERR_LOCKED, PQCE_ERR_INVALID_ARG (cap). */
PQCE_API PQCE_NODISCARD int pqce_vault_attestation_key(pqce_vault *vault, unsigned *alg,
                                                       uint8_t *public_key, size_t cap,
                                                       size_t *public_key_len);

/* The statement's fields (pointers owned by att). */
PQCE_API PQCE_NODISCARD int pqce_attestation_fields_get(const pqce_attestation *att,
                                                        pqce_attestation_fields *fields);

/* The canonical byte form (docs/ATTESTATION.md): *len receives the size; a
 * cap too small (buf may be NULL with cap 0) gives PQCE_ERR_INVALID_ARG
 * with *len set. */
PQCE_API PQCE_NODISCARD int pqce_attestation_encode(const pqce_attestation *att, uint8_t *buf,
                                                    size_t cap, size_t *len);
/* Parses the canonical form, checking every bound. Errors: PQCE_ERR_FORMAT,
 * PQCE_ERR_NOMEM. (Parsing does not verify the signature.) */
PQCE_API PQCE_NODISCARD int pqce_attestation_decode(pqce_attestation **att, const uint8_t *buf,
                                                    size_t len);
/* JSON (an object of the fields, binary as lower-case hex), NUL-terminated
 * into buf; *len excludes the NUL. Errors: as encode, and PQCE_ERR_NOMEM.
 * from_json parses len bytes strictly (a missing, unknown or duplicate
 * member, a wrong type, bad hex or an issued_at that disagrees with
 * issued_ms is PQCE_ERR_FORMAT) and, like decode, does not verify. */
PQCE_API PQCE_NODISCARD int pqce_attestation_to_json(const pqce_attestation *att, char *buf,
                                                     size_t cap, size_t *len);
PQCE_API PQCE_NODISCARD int pqce_attestation_from_json(pqce_attestation **att, const char *json,
                                                       size_t len);

/*
 * Verifies att against the public key the verifier expects (and, if
 * nonce is not NULL, against the nonce it sent): the key must equal the
 * statement's, the signer id must be its SHA3-256, the algorithm must match
 * the key's size, and the ML-DSA signature over the canonical statement
 * must verify. Returns 0 if valid, else PQCE_ERR_ATTESTATION (also for a
 * key of neither ML-DSA-65's nor ML-DSA-87's size), or
 * PQCE_ERR_INVALID_ARG for NULL arguments (nonce NULL with nonce_len > 0).
 * A non-NULL nonce with nonce_len 0 demands a statement without a nonce.
 * Allocates nothing; thread-safe. docs/ATTESTATION.md lists every check.
 */
PQCE_API PQCE_NODISCARD int pqce_attestation_verify(const pqce_attestation *att,
                                                    const uint8_t *public_key,
                                                    size_t public_key_len, const uint8_t *nonce,
                                                    size_t nonce_len);

/* As verify, with a set of trusted keys: valid if it verifies under one. */
PQCE_API PQCE_NODISCARD int pqce_attestation_verify_trusted(const pqce_attestation *att,
                                                            const uint8_t *const *public_keys,
                                                            const size_t *public_key_lens,
                                                            size_t count, const uint8_t *nonce,
                                                            size_t nonce_len);

/* 1 if pqce_attestation_verify would return 0, else 0 (the seed's verify). */
PQCE_API int pqce_attestation_is_valid(const pqce_attestation *att, const uint8_t *public_key,
                                       size_t public_key_len, const uint8_t *nonce,
                                       size_t nonce_len);

PQCE_API void pqce_attestation_free(pqce_attestation *att);

/* ------------------------------------------------------------------------
 * Self-test
 * ------------------------------------------------------------------------ */

/*
 * Runs the known-answer tests built into the library (SHA-3, SHAKE,
 * ML-KEM-512/768/1024 key generation, encapsulation, decapsulation and
 * implicit rejection, ML-DSA-44/65/87 key generation, signing and
 * verification, AES-256-GCM seal, open and tag rejection) and returns
 * 0 if all pass, PQCE_ERR_SELFTEST otherwise. If report is not NULL it is
 * called once per test with the test's name and its result (0 or an
 * error code). Thread-safe; takes a few milliseconds.
 */
PQCE_API PQCE_NODISCARD int pqce_selftest(void (*report)(void *arg, const char *name, int result),
                                          void *arg);

#ifdef __cplusplus
}
#endif

#endif /* PQCE_H */
