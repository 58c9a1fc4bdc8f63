/*
 * tpm2.c - the TPM 2.0 backend (tpm2-tss ESYS), and its NV counter.
 *
 * Sealing. The secret is sealed as a TPM sealed-data object (a KEYEDHASH
 * object with the NULL scheme) under the owner hierarchy's storage key. That
 * key is recreated at every use from a fixed template (ECC P-256, restricted
 * decrypt, AES-128-CFB: the TCG "SRK" shape), which gives the same key for
 * as long as the owner seed lives, so nothing is persisted in the TPM and no
 * saved context is kept (saved contexts die with the TPM's power cycle).
 * The sensitive data is secret || SHA3-256(label || header || aad), at most
 * MAX_SYM_DATA = 128 bytes, which is where PQCE_TPM2_SECRET_MAX = 96 comes
 * from: the TPM authenticates the object itself (its private part carries an
 * HMAC bound to the public part and to the parent), and the digest binds
 * the header fields and the caller's aad, compared in constant time after
 * the unseal.
 *
 * The bus. Create runs under a salted HMAC session with command parameter
 * encryption (TPMA_SESSION_DECRYPT), so the secret goes to the TPM
 * encrypted; Unseal under a salted HMAC (or policy) session with response
 * encryption (TPMA_SESSION_ENCRYPT), so it comes back encrypted. The salt
 * is encrypted to the storage key, which a passive bus observer cannot
 * know. The counter's commands run in password sessions: a counter value
 * is not secret, and an active interposer on the bus is outside what this
 * backend defends (docs/BACKENDS.md, "TPM 2.0").
 *
 * Object attributes. FIXEDTPM | FIXEDPARENT always. Without a PCR policy:
 * USERWITHAUTH (the authValue - the PIN, or empty - authorises use). With a
 * PCR policy: no USERWITHAUTH, so the authValue alone can never bypass the
 * policy; authPolicy = PolicyPCR [+ PolicyAuthValue when there is a PIN].
 * Without a PIN the object is NODA: an empty authValue cannot be guessed,
 * and failures against it must not count towards the lockout; with a PIN
 * it is subject to dictionary-attack protection (docs/BACKENDS.md).
 *
 * Blob, version 1 (integers big-endian; docs/BACKENDS.md has the table):
 *
 *   off len
 *    0   4  magic "PQT2"
 *    4   1  version = 1
 *    5   1  flags: 0x01 PIN (authValue), 0x02 PCR policy
 *    6   1  secret length n (1..96)
 *    7   1  reserved = 0
 *    8   4  NV counter index (0: none)
 *   12   2  PCR bank (TCG algorithm id; 0 without a PCR policy)
 *   14   4  PCR mask (bit i = PCR i; 0 without a PCR policy)
 *   18   2  m, the length of what follows
 *   20   m  TPM2B_PRIVATE || TPM2B_PUBLIC (tss2-mu, TPM byte order)
 *
 *   sensitive data = secret || SHA3-256("pqce-tpm2-backend/v1" || bytes 0..17 || aad)
 *
 * The header's PIN and PCR fields must equal the backend's configuration:
 * a blob with a weaker policy than configured (say, swapped in by someone
 * who can write the store and use the TPM) is refused before the TPM is
 * asked, so a downgrade is never silent; so is a blob bound to another NV
 * counter index. Every transient handle (storage key, sealed object,
 * sessions) is flushed on every path: swtpm has three object slots and no
 * resource manager, and tests check that none is left behind.
 *
 * The counter. A TPM2 NV counter index (nt = counter, 8 bytes, AUTHREAD |
 * AUTHWRITE with an empty index authValue | NO_DA, so that reading and
 * incrementing need no owner authorisation), defined on first use and
 * incremented once before its first read (an unwritten counter cannot be
 * read; its first value is the largest any counter of that TPM ever held,
 * never assumed 0). advance(v) increments until the value is >= v, one
 * TPM2_NV_Increment per step; a save needs one step, catching up after a
 * crash between the manifest's rename and the increment needs one, and
 * more than T2_ADVANCE_MAX (1000) steps are refused (a manifest claiming a
 * huge generation must not make the backend write NV for hours).
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "core/config.h"

#if PQCE_WITH_TPM2

#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#define T2_MAGIC       "PQT2"
#define T2_VERSION     1u
#define T2_FLAG_PIN    0x01u
#define T2_FLAG_PCR    0x02u
#define T2_HEADER      20u /* bytes before the TPM structures */
#define T2_BOUND       18u /* header bytes bound by the digest */
#define T2_DIGEST      32u
#define T2_LABEL       "pqce-tpm2-backend/v1"
#define T2_ID_LABEL    "pqce-tpm2-backend/v1/device-id"
#define T2_NV_OWNER_LO 0x01800000u
#define T2_NV_OWNER_HI 0x01BFFFFFu

#define T2_ADVANCE_MAX 1000u /* the most NV increments of one advance (docs/BACKENDS.md) */

typedef struct tpm2_backend {
    char *tcti;
    uint8_t *pin; /* locked pages, or NULL */
    size_t pin_len;
    uint8_t *owner_auth; /* locked pages, or NULL */
    size_t owner_auth_len;
    uint16_t pcr_bank;
    uint32_t pcr_mask;
    uint32_t nv_index; /* 0: no counter */
    int simulator;     /* swtpm, mssim or libtpms: not hardware-bound */
    char device_id[PQCE_DEVICE_FIELD_BYTES];
    char device_model[PQCE_DEVICE_FIELD_BYTES];
    char vendor[PQCE_DEVICE_FIELD_BYTES];
    pthread_mutex_t op_mu; /* one TPM operation at a time */
    pthread_mutex_t mu;    /* guards detail */
    char detail[256];
} tpm2_backend;

/* One connection: the TCTI and the ESYS context on it. */
typedef struct tpm_conn {
    TSS2_TCTI_CONTEXT *tcti;
    ESYS_CONTEXT *ctx;
} tpm_conn;

static void set_detail(tpm2_backend *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_detail(tpm2_backend *t, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&t->mu);
    va_start(ap, fmt);
    (void)vsnprintf(t->detail, sizeof t->detail, fmt, ap);
    va_end(ap);
    pthread_mutex_unlock(&t->mu);
}

/* The TPM's response code without the handle, session or parameter number
 * of a format-one code, so that it compares with TPM2_RC_*. Codes of other
 * layers (ESYS, the TCTI, a resource manager) are returned unchanged. */
static TSS2_RC rc_base(TSS2_RC rc)
{
    if ((rc & TSS2_RC_LAYER_MASK) != TSS2_TPM_RC_LAYER) {
        return rc;
    }
    return (rc & TPM2_RC_FMT1) != 0 ? (rc & (TPM2_RC_FMT1 | 0x3Fu)) : rc;
}

/* Maps a failed TPM command to a pqce code with a sentence. */
static int tpm_fail(tpm2_backend *t, TSS2_RC rc, const char *what)
{
    TSS2_RC b = rc_base(rc);
    if (b == TPM2_RC_AUTH_FAIL || b == TPM2_RC_BAD_AUTH) {
        set_detail(t,
                   "tpm2: %s: wrong PIN (TPM 0x%x; the TPM's dictionary-attack counter was "
                   "incremented, and too many failures lock PIN-protected objects out)",
                   what, (unsigned)rc);
        return PQCE_ERR_LOCKED;
    }
    if (b == TPM2_RC_LOCKOUT) {
        set_detail(t,
                   "tpm2: %s: the TPM is in dictionary-attack lockout after too many wrong PINs "
                   "(TPM 0x%x); wait for its recovery time or reset it with the lockout "
                   "authorisation (tpm2_dictionarylockout -c)",
                   what, (unsigned)rc);
        return PQCE_ERR_LOCKED;
    }
    if (b == TPM2_RC_POLICY_FAIL || b == TPM2_RC_PCR_CHANGED) {
        set_detail(t,
                   "tpm2: %s: the TPM refused: the PCR policy does not hold (TPM 0x%x); the "
                   "bound PCRs changed since the vault was sealed (firmware, boot loader, "
                   "kernel or an extend)",
                   what, (unsigned)rc);
        return PQCE_ERR_POLICY;
    }
    set_detail(t, "tpm2: %s failed: 0x%x %s", what, (unsigned)rc, Tss2_RC_Decode(rc));
    return PQCE_ERR_BACKEND;
}

static int auth_of(TPM2B_AUTH *auth, const uint8_t *v, size_t len)
{
    memset(auth, 0, sizeof *auth);
    if (len > sizeof auth->buffer) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (len > 0) {
        memcpy(auth->buffer, v, len);
    }
    auth->size = (UINT16)len;
    return PQCE_OK;
}

static int conn_open(tpm2_backend *t, tpm_conn *c)
{
    memset(c, 0, sizeof *c);
    TSS2_RC rc = Tss2_TctiLdr_Initialize(t->tcti, &c->tcti);
    if (rc != TSS2_RC_SUCCESS) {
        c->tcti = NULL;
        set_detail(t, "tpm2: the TCTI '%s' is not reachable: 0x%x %s", t->tcti, (unsigned)rc,
                   Tss2_RC_Decode(rc));
        return PQCE_ERR_BACKEND;
    }
    rc = Esys_Initialize(&c->ctx, c->tcti, NULL);
    if (rc != TSS2_RC_SUCCESS) {
        c->ctx = NULL;
        Tss2_TctiLdr_Finalize(&c->tcti);
        set_detail(t, "tpm2: no TPM answers on '%s': 0x%x %s", t->tcti, (unsigned)rc,
                   Tss2_RC_Decode(rc));
        return PQCE_ERR_BACKEND;
    }
    /* A TPM behind the kernel or swtpm --flags startup-clear is started
     * already (TPM2_RC_INITIALIZE); a bare simulator is started here. Any
     * other answer is left to the next command to report: a resource
     * manager may refuse Startup from a client and still serve it. */
    (void)Esys_Startup(c->ctx, TPM2_SU_CLEAR);
    return PQCE_OK;
}

static void conn_close(tpm_conn *c)
{
    if (c->ctx != NULL) {
        Esys_Finalize(&c->ctx);
    }
    if (c->tcti != NULL) {
        Tss2_TctiLdr_Finalize(&c->tcti);
    }
}

static void flush(tpm_conn *c, ESYS_TR *h)
{
    if (*h != ESYS_TR_NONE) {
        (void)Esys_FlushContext(c->ctx, *h);
        *h = ESYS_TR_NONE;
    }
}

/* The storage key from its fixed template; optionally its name. */
static int primary_create(tpm2_backend *t, tpm_conn *c, ESYS_TR *primary, TPM2B_NAME **name)
{
    TPM2B_SENSITIVE_CREATE in_sens;
    TPM2B_PUBLIC in_pub;
    TPM2B_DATA outside;
    TPML_PCR_SELECTION creation_pcr;
    TPM2B_AUTH owner;
    TPM2B_PUBLIC *out_pub = NULL;
    TPM2B_CREATION_DATA *cd = NULL;
    TPM2B_DIGEST *ch = NULL;
    TPMT_TK_CREATION *ct = NULL;
    int ret = PQCE_OK;

    memset(&in_sens, 0, sizeof in_sens);
    memset(&in_pub, 0, sizeof in_pub);
    memset(&outside, 0, sizeof outside);
    memset(&creation_pcr, 0, sizeof creation_pcr);
    in_pub.publicArea.type = TPM2_ALG_ECC;
    in_pub.publicArea.nameAlg = TPM2_ALG_SHA256;
    in_pub.publicArea.objectAttributes = TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT |
                                         TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT |
                                         TPMA_OBJECT_SENSITIVEDATAORIGIN |
                                         TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_NODA;
    in_pub.publicArea.parameters.eccDetail.symmetric.algorithm = TPM2_ALG_AES;
    in_pub.publicArea.parameters.eccDetail.symmetric.keyBits.aes = 128;
    in_pub.publicArea.parameters.eccDetail.symmetric.mode.aes = TPM2_ALG_CFB;
    in_pub.publicArea.parameters.eccDetail.scheme.scheme = TPM2_ALG_NULL;
    in_pub.publicArea.parameters.eccDetail.curveID = TPM2_ECC_NIST_P256;
    in_pub.publicArea.parameters.eccDetail.kdf.scheme = TPM2_ALG_NULL;
    /* the TCG provisioning guidance's SRK: 32 zero bytes for x and y */
    in_pub.publicArea.unique.ecc.x.size = 32;
    in_pub.publicArea.unique.ecc.y.size = 32;

    (void)auth_of(&owner, t->owner_auth, t->owner_auth_len);
    TSS2_RC rc = Esys_TR_SetAuth(c->ctx, ESYS_TR_RH_OWNER, &owner);
    pqce_memzero(&owner, sizeof owner);
    if (rc == TSS2_RC_SUCCESS) {
        rc = Esys_CreatePrimary(c->ctx, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                                ESYS_TR_NONE, &in_sens, &in_pub, &outside, &creation_pcr, primary,
                                &out_pub, &cd, &ch, &ct);
    }
    if (rc != TSS2_RC_SUCCESS) {
        *primary = ESYS_TR_NONE;
        ret = tpm_fail(t, rc, "creating the storage key under the owner hierarchy");
        if (ret == PQCE_ERR_LOCKED) {
            set_detail(t,
                       "tpm2: the owner hierarchy refused the owner authorisation (TPM 0x%x): "
                       "set owner_auth",
                       (unsigned)rc);
            ret = PQCE_ERR_BACKEND;
        }
        goto cleanup;
    }
    if (name != NULL && (rc = Esys_TR_GetName(c->ctx, *primary, name)) != TSS2_RC_SUCCESS) {
        ret = tpm_fail(t, rc, "reading the storage key's name");
        flush(c, primary);
    }
cleanup:
    Esys_Free(out_pub);
    Esys_Free(cd);
    Esys_Free(ch);
    Esys_Free(ct);
    return ret;
}

/* A salted session (the salt encrypted to the storage key) with AES-128-CFB
 * parameter encryption in the direction given by attrs. */
static int session_start(tpm2_backend *t, tpm_conn *c, ESYS_TR primary, TPM2_SE type,
                         TPMA_SESSION attrs, ESYS_TR *sess)
{
    TPMT_SYM_DEF sym;
    memset(&sym, 0, sizeof sym);
    sym.algorithm = TPM2_ALG_AES;
    sym.keyBits.aes = 128;
    sym.mode.aes = TPM2_ALG_CFB;
    TSS2_RC rc = Esys_StartAuthSession(c->ctx, primary, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                       ESYS_TR_NONE, NULL, type, &sym, TPM2_ALG_SHA256, sess);
    if (rc != TSS2_RC_SUCCESS) {
        *sess = ESYS_TR_NONE;
        return tpm_fail(t, rc, "starting a salted session");
    }
    rc = Esys_TRSess_SetAttributes(c->ctx, *sess, attrs | TPMA_SESSION_CONTINUESESSION, 0xff);
    if (rc != TSS2_RC_SUCCESS) {
        flush(c, sess);
        return tpm_fail(t, rc, "setting the session's attributes");
    }
    return PQCE_OK;
}

static void pcr_selection(TPML_PCR_SELECTION *sel, uint16_t bank, uint32_t mask)
{
    memset(sel, 0, sizeof *sel);
    sel->count = 1;
    sel->pcrSelections[0].hash = bank;
    sel->pcrSelections[0].sizeofSelect = 3;
    sel->pcrSelections[0].pcrSelect[0] = (uint8_t)(mask & 0xff);
    sel->pcrSelections[0].pcrSelect[1] = (uint8_t)((mask >> 8) & 0xff);
    sel->pcrSelections[0].pcrSelect[2] = (uint8_t)((mask >> 16) & 0xff);
}

/* PolicyPCR (the current values of the selected PCRs) [+ PolicyAuthValue]
 * on a trial or a real policy session. */
static int policy_run(tpm2_backend *t, tpm_conn *c, ESYS_TR sess, uint16_t bank, uint32_t mask,
                      int with_pin)
{
    TPML_PCR_SELECTION sel;
    TPM2B_DIGEST empty;
    pcr_selection(&sel, bank, mask);
    memset(&empty, 0, sizeof empty);
    TSS2_RC rc =
        Esys_PolicyPCR(c->ctx, sess, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &empty, &sel);
    if (rc != TSS2_RC_SUCCESS) {
        return tpm_fail(t, rc, "TPM2_PolicyPCR");
    }
    if (with_pin) {
        rc = Esys_PolicyAuthValue(c->ctx, sess, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE);
        if (rc != TSS2_RC_SUCCESS) {
            return tpm_fail(t, rc, "TPM2_PolicyAuthValue");
        }
    }
    return PQCE_OK;
}

/* The policy digest the object will carry, from a trial session. */
static int policy_digest(tpm2_backend *t, tpm_conn *c, TPM2B_DIGEST *out)
{
    ESYS_TR trial = ESYS_TR_NONE;
    TPM2B_DIGEST *d = NULL;
    TPMT_SYM_DEF sym;
    memset(&sym, 0, sizeof sym);
    sym.algorithm = TPM2_ALG_NULL;
    TSS2_RC rc =
        Esys_StartAuthSession(c->ctx, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                              ESYS_TR_NONE, NULL, TPM2_SE_TRIAL, &sym, TPM2_ALG_SHA256, &trial);
    if (rc != TSS2_RC_SUCCESS) {
        return tpm_fail(t, rc, "starting a trial policy session");
    }
    int ret = policy_run(t, c, trial, t->pcr_bank, t->pcr_mask, t->pin != NULL);
    if (ret == PQCE_OK) {
        rc = Esys_PolicyGetDigest(c->ctx, trial, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &d);
        if (rc != TSS2_RC_SUCCESS) {
            ret = tpm_fail(t, rc, "TPM2_PolicyGetDigest");
        } else if (d->size > sizeof out->buffer) {
            ret = PQCE_ERR_BACKEND;
        } else {
            *out = *d;
        }
    }
    Esys_Free(d);
    flush(c, &trial);
    return ret;
}

static void put_u16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static uint32_t get_u16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* SHA3-256(label || the bound header bytes || aad) */
static int binding_digest(uint8_t out[T2_DIGEST], const uint8_t *header, const uint8_t *aad,
                          size_t aad_len)
{
    pqce_sha3_ctx h;
    int ret;
    if ((ret = pqce_sha3_256_init(&h)) == PQCE_OK &&
        (ret = pqce_sha3_absorb(&h, (const uint8_t *)T2_LABEL, sizeof T2_LABEL - 1)) == PQCE_OK &&
        (ret = pqce_sha3_absorb(&h, header, T2_BOUND)) == PQCE_OK &&
        (ret = pqce_sha3_absorb(&h, aad, aad_len)) == PQCE_OK) {
        ret = pqce_sha3_final(&h, out, T2_DIGEST);
    }
    pqce_sha3_wipe(&h);
    return ret;
}

static TPMA_OBJECT expected_attributes(int pin, int pcr)
{
    TPMA_OBJECT a = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT;
    if (!pcr) {
        a |= TPMA_OBJECT_USERWITHAUTH;
    }
    if (!pin) {
        a |= TPMA_OBJECT_NODA;
    }
    return a;
}

static void write_header(const tpm2_backend *t, uint8_t *blob, size_t secret_len)
{
    memset(blob, 0, T2_HEADER);
    memcpy(blob, T2_MAGIC, 4);
    blob[4] = (uint8_t)T2_VERSION;
    blob[5] =
        (uint8_t)((t->pin != NULL ? T2_FLAG_PIN : 0u) | (t->pcr_mask != 0 ? T2_FLAG_PCR : 0u));
    blob[6] = (uint8_t)secret_len;
    blob[7] = 0;
    put_u32(blob + 8, t->nv_index);
    put_u16(blob + 12, t->pcr_mask != 0 ? t->pcr_bank : 0u);
    put_u32(blob + 14, t->pcr_mask);
}

static int tpm2_seal(void *ctx, uint8_t *blob, size_t blob_cap, size_t *blob_len,
                     const uint8_t *secret, size_t secret_len, const uint8_t *aad, size_t aad_len)
{
    tpm2_backend *t = ctx;
    tpm_conn c;
    ESYS_TR primary = ESYS_TR_NONE, sess = ESYS_TR_NONE;
    TPM2B_SENSITIVE_CREATE in_sens;
    TPM2B_PUBLIC in_pub;
    TPM2B_DATA outside;
    TPML_PCR_SELECTION creation_pcr;
    TPM2B_PRIVATE *out_priv = NULL;
    TPM2B_PUBLIC *out_pub = NULL;
    TPM2B_CREATION_DATA *cd = NULL;
    TPM2B_DIGEST *ch = NULL;
    TPMT_TK_CREATION *ct = NULL;
    int ret;

    memset(&in_sens, 0, sizeof in_sens);
    if (secret_len == 0 || secret_len > PQCE_TPM2_SECRET_MAX) {
        set_detail(t, "tpm2: a sealed object holds 1 to %d bytes of secret, not %zu",
                   PQCE_TPM2_SECRET_MAX, secret_len);
        return PQCE_ERR_INVALID_ARG;
    }
    if (blob_cap < T2_HEADER) {
        return PQCE_ERR_INVALID_ARG;
    }
    pthread_mutex_lock(&t->op_mu);
    if ((ret = conn_open(t, &c)) != PQCE_OK) {
        pthread_mutex_unlock(&t->op_mu);
        return ret;
    }
    write_header(t, blob, secret_len);

    /* sensitive: the PIN and secret || binding digest (docs/BACKENDS.md) */
    if ((ret = auth_of(&in_sens.sensitive.userAuth, t->pin, t->pin_len)) != PQCE_OK) {
        goto cleanup;
    }
    memcpy(in_sens.sensitive.data.buffer, secret, secret_len);
    if ((ret = binding_digest(in_sens.sensitive.data.buffer + secret_len, blob, aad, aad_len)) !=
        PQCE_OK) {
        goto cleanup;
    }
    in_sens.sensitive.data.size = (UINT16)(secret_len + T2_DIGEST);

    memset(&in_pub, 0, sizeof in_pub);
    memset(&outside, 0, sizeof outside);
    memset(&creation_pcr, 0, sizeof creation_pcr);
    in_pub.publicArea.type = TPM2_ALG_KEYEDHASH;
    in_pub.publicArea.nameAlg = TPM2_ALG_SHA256;
    in_pub.publicArea.objectAttributes = expected_attributes(t->pin != NULL, t->pcr_mask != 0);
    in_pub.publicArea.parameters.keyedHashDetail.scheme.scheme = TPM2_ALG_NULL;

    if ((ret = primary_create(t, &c, &primary, NULL)) != PQCE_OK) {
        goto cleanup;
    }
    if (t->pcr_mask != 0 &&
        (ret = policy_digest(t, &c, &in_pub.publicArea.authPolicy)) != PQCE_OK) {
        goto cleanup;
    }
    /* the secret travels to the TPM encrypted (command parameter encryption) */
    if ((ret = session_start(t, &c, primary, TPM2_SE_HMAC, TPMA_SESSION_DECRYPT, &sess)) !=
        PQCE_OK) {
        goto cleanup;
    }
    TSS2_RC rc = Esys_Create(c.ctx, primary, sess, ESYS_TR_NONE, ESYS_TR_NONE, &in_sens, &in_pub,
                             &outside, &creation_pcr, &out_priv, &out_pub, &cd, &ch, &ct);
    if (rc != TSS2_RC_SUCCESS) {
        ret = tpm_fail(t, rc, "creating the sealed object");
        goto cleanup;
    }
    size_t off = T2_HEADER;
    if (blob_cap > T2_HEADER + 0xFFFFu) {
        blob_cap = T2_HEADER + 0xFFFFu;
    }
    if ((rc = Tss2_MU_TPM2B_PRIVATE_Marshal(out_priv, blob, blob_cap, &off)) != TSS2_RC_SUCCESS ||
        (rc = Tss2_MU_TPM2B_PUBLIC_Marshal(out_pub, blob, blob_cap, &off)) != TSS2_RC_SUCCESS) {
        set_detail(t, "tpm2: the sealed object does not fit the %zu-byte blob buffer", blob_cap);
        ret = PQCE_ERR_INVALID_ARG;
        goto cleanup;
    }
    put_u16(blob + 18, (uint32_t)(off - T2_HEADER));
    *blob_len = off;
    ret = PQCE_OK;
cleanup:
    pqce_memzero(&in_sens, sizeof in_sens);
    Esys_Free(out_priv);
    Esys_Free(out_pub);
    Esys_Free(cd);
    Esys_Free(ch);
    Esys_Free(ct);
    flush(&c, &sess);
    flush(&c, &primary);
    conn_close(&c);
    pthread_mutex_unlock(&t->op_mu);
    if (ret != PQCE_OK) {
        pqce_memzero(blob, blob_cap);
    }
    return ret;
}

/* Parses and checks a blob against the configuration (no TPM involved). */
static int parse_blob(tpm2_backend *t, const uint8_t *blob, size_t blob_len, TPM2B_PRIVATE *priv,
                      TPM2B_PUBLIC *pub)
{
    if (blob_len < T2_HEADER || memcmp(blob, T2_MAGIC, 4) != 0) {
        set_detail(t, "tpm2: not a TPM 2.0 backend blob");
        return PQCE_ERR_FORMAT;
    }
    if (blob[4] != T2_VERSION) {
        set_detail(t, "tpm2: unknown blob version %u", (unsigned)blob[4]);
        return PQCE_ERR_FORMAT;
    }
    unsigned flags = blob[5], n = blob[6];
    uint32_t nv = get_u32(blob + 8), bank = get_u16(blob + 12), mask = get_u32(blob + 14);
    size_t m = get_u16(blob + 18);
    if ((flags & ~(T2_FLAG_PIN | T2_FLAG_PCR)) != 0 || blob[7] != 0 || n == 0 ||
        n > PQCE_TPM2_SECRET_MAX || mask > 0xFFFFFFu ||
        ((flags & T2_FLAG_PCR) != 0) != (mask != 0) || (mask == 0 && bank != 0) ||
        m != blob_len - T2_HEADER) {
        set_detail(t, "tpm2: malformed blob header");
        return PQCE_ERR_FORMAT;
    }
    size_t off = 0;
    memset(priv, 0, sizeof *priv);
    memset(pub, 0, sizeof *pub);
    if (Tss2_MU_TPM2B_PRIVATE_Unmarshal(blob + T2_HEADER, m, &off, priv) != TSS2_RC_SUCCESS ||
        Tss2_MU_TPM2B_PUBLIC_Unmarshal(blob + T2_HEADER, m, &off, pub) != TSS2_RC_SUCCESS ||
        off != m) {
        set_detail(t, "tpm2: malformed blob (the TPM2B_PRIVATE and TPM2B_PUBLIC do not parse)");
        return PQCE_ERR_FORMAT;
    }
    /* Canonical: the structures re-marshal to exactly these bytes (the
     * unmarshaller does not check every size field against what it read,
     * and a blob that differs must not unseal). */
    uint8_t again[PQCE_SEALED_BLOB_MAX];
    size_t off2 = 0;
    if (m > sizeof again ||
        Tss2_MU_TPM2B_PRIVATE_Marshal(priv, again, sizeof again, &off2) != TSS2_RC_SUCCESS ||
        Tss2_MU_TPM2B_PUBLIC_Marshal(pub, again, sizeof again, &off2) != TSS2_RC_SUCCESS ||
        off2 != m || memcmp(again, blob + T2_HEADER, m) != 0) {
        set_detail(t, "tpm2: malformed blob (the TPM structures are not in canonical form)");
        return PQCE_ERR_FORMAT;
    }
    /* The policy must be the configured one: never a silent downgrade. */
    int pin = (flags & T2_FLAG_PIN) != 0, pcr = (flags & T2_FLAG_PCR) != 0;
    if (pin != (t->pin != NULL)) {
        set_detail(t, "tpm2: the vault was sealed %s a PIN and this backend is configured %s one",
                   pin ? "with" : "without", t->pin != NULL ? "with" : "without");
        return PQCE_ERR_LOCKED;
    }
    if (mask != t->pcr_mask || (pcr && bank != t->pcr_bank)) {
        set_detail(t,
                   "tpm2: the vault was sealed with PCR policy bank 0x%04x mask 0x%06x and this "
                   "backend is configured with bank 0x%04x mask 0x%06x",
                   (unsigned)bank, (unsigned)mask, (unsigned)(t->pcr_mask ? t->pcr_bank : 0),
                   (unsigned)t->pcr_mask);
        return PQCE_ERR_POLICY;
    }
    if (nv != t->nv_index) {
        set_detail(t,
                   "tpm2: the vault's rollback counter is NV index 0x%08x and this backend is "
                   "configured with 0x%08x",
                   (unsigned)nv, (unsigned)t->nv_index);
        return PQCE_ERR_BACKEND;
    }
    const TPMT_PUBLIC *p = &pub->publicArea;
    if (p->type != TPM2_ALG_KEYEDHASH || p->nameAlg != TPM2_ALG_SHA256 ||
        p->objectAttributes != expected_attributes(pin, pcr) ||
        p->parameters.keyedHashDetail.scheme.scheme != TPM2_ALG_NULL ||
        p->authPolicy.size != (pcr ? 32u : 0u)) {
        set_detail(t, "tpm2: the blob's object is not a sealed-data object with the attributes "
                      "this backend creates: modified");
        return PQCE_ERR_BACKEND;
    }
    return PQCE_OK;
}

static int tpm2_unseal(void *ctx, uint8_t *secret, size_t secret_cap, size_t *secret_len,
                       const uint8_t *blob, size_t blob_len, const uint8_t *aad, size_t aad_len)
{
    tpm2_backend *t = ctx;
    tpm_conn c;
    TPM2B_PRIVATE priv;
    TPM2B_PUBLIC pub;
    TPM2B_AUTH auth;
    ESYS_TR primary = ESYS_TR_NONE, obj = ESYS_TR_NONE, sess = ESYS_TR_NONE;
    TPM2B_SENSITIVE_DATA *out = NULL;
    uint8_t digest[T2_DIGEST];
    int ret;

    memset(&auth, 0, sizeof auth);
    if ((ret = parse_blob(t, blob, blob_len, &priv, &pub)) != PQCE_OK) {
        return ret;
    }
    size_t n = blob[6];
    if (n > secret_cap) {
        set_detail(t, "tpm2: the secret needs %zu bytes, the buffer holds %zu", n, secret_cap);
        return PQCE_ERR_INVALID_ARG;
    }
    if ((ret = binding_digest(digest, blob, aad, aad_len)) != PQCE_OK) {
        return ret;
    }
    pthread_mutex_lock(&t->op_mu);
    if ((ret = conn_open(t, &c)) != PQCE_OK) {
        pthread_mutex_unlock(&t->op_mu);
        return ret;
    }
    if ((ret = primary_create(t, &c, &primary, NULL)) != PQCE_OK) {
        goto cleanup;
    }
    TSS2_RC rc =
        Esys_Load(c.ctx, primary, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &priv, &pub, &obj);
    if (rc != TSS2_RC_SUCCESS) {
        obj = ESYS_TR_NONE;
        set_detail(t,
                   "tpm2: the TPM refused to load the sealed object (0x%x %s): it was sealed by "
                   "another TPM, or before the owner hierarchy was cleared, or modified",
                   (unsigned)rc, Tss2_RC_Decode(rc));
        ret = PQCE_ERR_BACKEND;
        goto cleanup;
    }
    if ((ret = auth_of(&auth, t->pin, t->pin_len)) != PQCE_OK ||
        (rc = Esys_TR_SetAuth(c.ctx, obj, &auth)) != TSS2_RC_SUCCESS) {
        ret = ret != PQCE_OK ? ret : tpm_fail(t, rc, "setting the PIN");
        goto cleanup;
    }
    /* the secret comes back encrypted (response parameter encryption) */
    if (t->pcr_mask != 0) {
        if ((ret = session_start(t, &c, primary, TPM2_SE_POLICY, TPMA_SESSION_ENCRYPT, &sess)) !=
                PQCE_OK ||
            (ret = policy_run(t, &c, sess, t->pcr_bank, t->pcr_mask, t->pin != NULL)) != PQCE_OK) {
            goto cleanup;
        }
    } else if ((ret = session_start(t, &c, primary, TPM2_SE_HMAC, TPMA_SESSION_ENCRYPT, &sess)) !=
               PQCE_OK) {
        goto cleanup;
    }
    rc = Esys_Unseal(c.ctx, obj, sess, ESYS_TR_NONE, ESYS_TR_NONE, &out);
    if (rc != TSS2_RC_SUCCESS) {
        out = NULL;
        ret = tpm_fail(t, rc, "unsealing");
        goto cleanup;
    }
    if (out->size != n + T2_DIGEST || !pqce_ct_memeq(out->buffer + n, digest, T2_DIGEST)) {
        set_detail(t, "tpm2: the unsealed data does not match the blob's header and the aad: "
                      "the header was modified or the aad differs");
        ret = PQCE_ERR_BACKEND;
        goto cleanup;
    }
    memcpy(secret, out->buffer, n);
    *secret_len = n;
    ret = PQCE_OK;
cleanup:
    if (out != NULL) {
        pqce_memzero(out, sizeof *out);
        Esys_Free(out);
    }
    pqce_memzero(&auth, sizeof auth);
    pqce_memzero(digest, sizeof digest);
    flush(&c, &sess);
    flush(&c, &obj);
    flush(&c, &primary);
    conn_close(&c);
    pthread_mutex_unlock(&t->op_mu);
    if (ret != PQCE_OK) {
        pqce_memzero(secret, secret_cap);
    }
    return ret;
}

/* ---- the NV counter -------------------------------------------------------- */

/* Opens the counter index, defining it on first use and writing it once if
 * it was never incremented. *nv is an ESYS_TR to close with Esys_TR_Close. */
static int counter_open(tpm2_backend *t, tpm_conn *c, ESYS_TR *nv)
{
    TPM2B_NV_PUBLIC *pub = NULL;
    TPM2B_AUTH empty;
    memset(&empty, 0, sizeof empty);
    TSS2_RC rc =
        Esys_TR_FromTPMPublic(c->ctx, t->nv_index, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, nv);
    if (rc != TSS2_RC_SUCCESS && rc_base(rc) == TPM2_RC_HANDLE) {
        /* First use: define it (this needs the owner's authorisation). */
        TPM2B_NV_PUBLIC def;
        TPM2B_AUTH owner;
        memset(&def, 0, sizeof def);
        def.nvPublic.nvIndex = t->nv_index;
        def.nvPublic.nameAlg = TPM2_ALG_SHA256;
        def.nvPublic.attributes =
            (TPMA_NV)(((TPMA_NV)TPM2_NT_COUNTER << TPMA_NV_TPM2_NT_SHIFT) | TPMA_NV_AUTHWRITE |
                      TPMA_NV_AUTHREAD | TPMA_NV_OWNERWRITE | TPMA_NV_OWNERREAD | TPMA_NV_NO_DA);
        def.nvPublic.dataSize = 8;
        (void)auth_of(&owner, t->owner_auth, t->owner_auth_len);
        rc = Esys_TR_SetAuth(c->ctx, ESYS_TR_RH_OWNER, &owner);
        pqce_memzero(&owner, sizeof owner);
        if (rc == TSS2_RC_SUCCESS) {
            rc = Esys_NV_DefineSpace(c->ctx, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                                     ESYS_TR_NONE, &empty, &def, nv);
        }
        if (rc != TSS2_RC_SUCCESS) {
            *nv = ESYS_TR_NONE;
            int ret = tpm_fail(t, rc, "defining the NV counter index");
            if (ret == PQCE_ERR_LOCKED) {
                set_detail(t,
                           "tpm2: defining NV counter index 0x%08x: the owner hierarchy refused "
                           "the owner authorisation (TPM 0x%x): set owner_auth",
                           (unsigned)t->nv_index, (unsigned)rc);
                ret = PQCE_ERR_BACKEND;
            }
            return ret;
        }
    } else if (rc != TSS2_RC_SUCCESS) {
        *nv = ESYS_TR_NONE;
        return tpm_fail(t, rc, "opening the NV counter index");
    }
    rc = Esys_NV_ReadPublic(c->ctx, *nv, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, &pub, NULL);
    if (rc != TSS2_RC_SUCCESS) {
        (void)Esys_TR_Close(c->ctx, nv);
        return tpm_fail(t, rc, "reading the NV counter index's public area");
    }
    TPMA_NV a = pub->nvPublic.attributes;
    int is_ours = ((a & TPMA_NV_TPM2_NT_MASK) >> TPMA_NV_TPM2_NT_SHIFT) == TPM2_NT_COUNTER &&
                  (a & TPMA_NV_AUTHWRITE) != 0 && (a & TPMA_NV_AUTHREAD) != 0 &&
                  pub->nvPublic.dataSize == 8;
    int written = (a & TPMA_NV_WRITTEN) != 0;
    Esys_Free(pub);
    if (!is_ours) {
        (void)Esys_TR_Close(c->ctx, nv);
        set_detail(t,
                   "tpm2: NV index 0x%08x exists and is not a counter this backend can use "
                   "(nt=counter, authread, authwrite, 8 bytes): choose another index",
                   (unsigned)t->nv_index);
        return PQCE_ERR_BACKEND;
    }
    (void)Esys_TR_SetAuth(c->ctx, *nv, &empty);
    if (!written) {
        rc = Esys_NV_Increment(c->ctx, *nv, *nv, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE);
        if (rc != TSS2_RC_SUCCESS) {
            (void)Esys_TR_Close(c->ctx, nv);
            return tpm_fail(t, rc, "initialising the NV counter");
        }
    }
    return PQCE_OK;
}

static int counter_value(tpm2_backend *t, tpm_conn *c, ESYS_TR nv, uint64_t *value)
{
    TPM2B_MAX_NV_BUFFER *d = NULL;
    TSS2_RC rc =
        Esys_NV_Read(c->ctx, nv, nv, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, 8, 0, &d);
    if (rc != TSS2_RC_SUCCESS) {
        return tpm_fail(t, rc, "reading the NV counter");
    }
    int ret = PQCE_ERR_BACKEND;
    if (d->size == 8) {
        uint64_t v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | d->buffer[i];
        }
        *value = v;
        ret = PQCE_OK;
    } else {
        set_detail(t, "tpm2: the NV counter returned %u bytes", (unsigned)d->size);
    }
    Esys_Free(d);
    return ret;
}

static int tpm2_counter_read(void *ctx, uint64_t *value)
{
    tpm2_backend *t = ctx;
    tpm_conn c;
    ESYS_TR nv = ESYS_TR_NONE;
    pthread_mutex_lock(&t->op_mu);
    int ret = conn_open(t, &c);
    if (ret == PQCE_OK && (ret = counter_open(t, &c, &nv)) == PQCE_OK) {
        ret = counter_value(t, &c, nv, value);
        (void)Esys_TR_Close(c.ctx, &nv);
    }
    conn_close(&c);
    pthread_mutex_unlock(&t->op_mu);
    return ret;
}

static int tpm2_counter_advance(void *ctx, uint64_t target)
{
    tpm2_backend *t = ctx;
    tpm_conn c;
    ESYS_TR nv = ESYS_TR_NONE;
    uint64_t v = 0;
    pthread_mutex_lock(&t->op_mu);
    int ret = conn_open(t, &c);
    if (ret != PQCE_OK) {
        pthread_mutex_unlock(&t->op_mu);
        return ret;
    }
    if ((ret = counter_open(t, &c, &nv)) != PQCE_OK) {
        goto done;
    }
    if ((ret = counter_value(t, &c, nv, &v)) != PQCE_OK) {
        goto close_nv;
    }
    /* An NV counter moves by one: increment until it reaches target. */
    if (target > v && target - v > T2_ADVANCE_MAX) {
        set_detail(t,
                   "tpm2: refusing to increment NV counter 0x%08x from %llu to %llu (more than "
                   "%u steps)",
                   (unsigned)t->nv_index, (unsigned long long)v, (unsigned long long)target,
                   T2_ADVANCE_MAX);
        ret = PQCE_ERR_BACKEND;
        goto close_nv;
    }
    while (v < target) {
        TSS2_RC rc = Esys_NV_Increment(c.ctx, nv, nv, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE);
        if (rc != TSS2_RC_SUCCESS) {
            ret = tpm_fail(t, rc, "incrementing the NV counter");
            goto close_nv;
        }
        /* read back rather than assume: another process may increment too */
        if ((ret = counter_value(t, &c, nv, &v)) != PQCE_OK) {
            goto close_nv;
        }
    }
close_nv:
    (void)Esys_TR_Close(c.ctx, &nv);
done:
    conn_close(&c);
    pthread_mutex_unlock(&t->op_mu);
    return ret;
}

/* ---- device, lifecycle ------------------------------------------------------ */

static int tpm2_device_info(void *ctx, pqce_device_info *info)
{
    tpm2_backend *t = ctx;
    memcpy(info->device_id, t->device_id, sizeof info->device_id);
    memcpy(info->device_model, t->device_model, sizeof info->device_model);
    memcpy(info->enclave_vendor, t->vendor, sizeof info->enclave_vendor);
    (void)pqce_backend_copy_field(info->backend, sizeof info->backend, "tpm2", NULL);
    info->capabilities = (t->simulator ? 0u : PQCE_CAP_HARDWARE_BOUND) |
                         (t->nv_index != 0 ? PQCE_CAP_MONOTONIC_COUNTER : 0u);
    return PQCE_OK;
}

static void tpm2_last_error(void *ctx, char *buf, size_t cap)
{
    tpm2_backend *t = ctx;
    pthread_mutex_lock(&t->mu);
    (void)snprintf(buf, cap, "%s", t->detail);
    pthread_mutex_unlock(&t->mu);
}

static void tpm2_destroy(void *ctx)
{
    tpm2_backend *t = ctx;
    if (t == NULL) {
        return;
    }
    pqce_backend_secret_free(t->pin, t->pin_len);
    pqce_backend_secret_free(t->owner_auth, t->owner_auth_len);
    free(t->tcti);
    pthread_mutex_destroy(&t->op_mu);
    pthread_mutex_destroy(&t->mu);
    pqce_memzero(t, sizeof *t);
    free(t);
}

static const pqce_backend_ops tpm2_ops_counter = {
    .version = PQCE_BACKEND_OPS_VERSION,
    .seal = tpm2_seal,
    .unseal = tpm2_unseal,
    .device_info = tpm2_device_info,
    .user_presence = NULL,
    .counter_read = tpm2_counter_read,
    .counter_advance = tpm2_counter_advance,
    .last_error = tpm2_last_error,
    .destroy = tpm2_destroy,
};

static const pqce_backend_ops tpm2_ops_plain = {
    .version = PQCE_BACKEND_OPS_VERSION,
    .seal = tpm2_seal,
    .unseal = tpm2_unseal,
    .device_info = tpm2_device_info,
    .user_presence = NULL,
    .counter_read = NULL,
    .counter_advance = NULL,
    .last_error = tpm2_last_error,
    .destroy = tpm2_destroy,
};

/* Four-character property strings: big-endian bytes, NULs and trailing
 * spaces dropped. */
static void prop_string(char *out, size_t cap, const UINT32 *words, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        for (int s = 24; s >= 0; s -= 8) {
            char ch = (char)((words[i] >> s) & 0xff);
            if (ch >= 0x20 && ch < 0x7f && len + 1 < cap) {
                out[len++] = ch;
            }
        }
    }
    while (len > 0 && out[len - 1] == ' ') {
        len--;
    }
    out[len] = '\0';
    /* "SW   TPM" -> "SW TPM" */
    size_t w = 0;
    for (size_t r = 0; r < len; r++) {
        if (out[r] != ' ' || (w > 0 && out[w - 1] != ' ')) {
            out[w++] = out[r];
        }
    }
    out[w] = '\0';
}

/* What the TPM says about itself: manufacturer, vendor string, firmware. */
typedef struct tpm_props {
    char manufacturer[8];
    char vendor[24];
    uint32_t fw1, fw2;
} tpm_props;

static int read_props(tpm2_backend *t, tpm_conn *c, tpm_props *p)
{
    TPMS_CAPABILITY_DATA *cap = NULL;
    TPMI_YES_NO more = 0;
    UINT32 v[4] = {0, 0, 0, 0}, man = 0;
    memset(p, 0, sizeof *p);
    TSS2_RC rc = Esys_GetCapability(c->ctx, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                                    TPM2_CAP_TPM_PROPERTIES, TPM2_PT_MANUFACTURER, 16, &more, &cap);
    if (rc != TSS2_RC_SUCCESS) {
        return tpm_fail(t, rc, "reading the TPM's properties");
    }
    for (UINT32 i = 0; i < cap->data.tpmProperties.count; i++) {
        const TPMS_TAGGED_PROPERTY *q = &cap->data.tpmProperties.tpmProperty[i];
        if (q->property == TPM2_PT_MANUFACTURER) {
            man = q->value;
        } else if (q->property >= TPM2_PT_VENDOR_STRING_1 &&
                   q->property <= TPM2_PT_VENDOR_STRING_4) {
            v[q->property - TPM2_PT_VENDOR_STRING_1] = q->value;
        } else if (q->property == TPM2_PT_FIRMWARE_VERSION_1) {
            p->fw1 = q->value;
        } else if (q->property == TPM2_PT_FIRMWARE_VERSION_2) {
            p->fw2 = q->value;
        }
    }
    Esys_Free(cap);
    prop_string(p->manufacturer, sizeof p->manufacturer, &man, 1);
    prop_string(p->vendor, sizeof p->vendor, v, 4);
    return PQCE_OK;
}

/* A software TPM: reached through a simulator's TCTI, or libtpms (swtpm,
 * also behind a VM's /dev/tpmrm0) by its manufacturer and vendor string. */
static int is_simulator(const char *tcti, const tpm_props *p)
{
    return strncmp(tcti, "swtpm", 5) == 0 || strncmp(tcti, "mssim", 5) == 0 ||
           (strcmp(p->manufacturer, "IBM") == 0 && strncmp(p->vendor, "SW", 2) == 0) ||
           strcmp(p->manufacturer, "MSFT") == 0;
}

static void hex_id(char *out, size_t cap, const uint8_t *name, size_t name_len)
{
    static const char hex[] = "0123456789abcdef";
    uint8_t d[32];
    pqce_sha3_ctx h;
    if (pqce_sha3_256_init(&h) != PQCE_OK ||
        pqce_sha3_absorb(&h, (const uint8_t *)T2_ID_LABEL, sizeof T2_ID_LABEL - 1) != PQCE_OK ||
        pqce_sha3_absorb(&h, name, name_len) != PQCE_OK ||
        pqce_sha3_final(&h, d, sizeof d) != PQCE_OK) {
        (void)pqce_backend_copy_field(out, cap, "tpm2-unknown", NULL);
        return;
    }
    for (size_t i = 0; i < 16 && 2 * i + 2 < cap; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
        out[2 * i + 2] = '\0';
    }
}

static int copy_auth(uint8_t **dst, size_t *dst_len, const char *src)
{
    if (src == NULL) {
        return PQCE_OK;
    }
    size_t n = strnlen(src, PQCE_TPM2_PIN_MAX + 1);
    if (n == 0 || n > PQCE_TPM2_PIN_MAX) {
        return PQCE_ERR_INVALID_ARG;
    }
    if ((*dst = pqce_backend_secret_alloc(n)) == NULL) {
        return PQCE_ERR_NOMEM;
    }
    memcpy(*dst, src, n);
    *dst_len = n;
    return PQCE_OK;
}

static int new_fail(const pqce_tpm2_options *opts, int ret, const char *detail)
{
    if (opts != NULL && opts->detail != NULL && opts->detail_cap > 0) {
        (void)snprintf(opts->detail, opts->detail_cap, "%s", detail);
    }
    return ret;
}

int pqce_backend_tpm2_new(pqce_backend **backend, const pqce_tpm2_options *opts)
{
    if (backend == NULL) {
        return new_fail(opts, PQCE_ERR_INVALID_ARG, "tpm2: backend is NULL");
    }
    *backend = NULL;
    if (opts == NULL || opts->version != PQCE_TPM2_OPTIONS_VERSION) {
        return new_fail(opts, PQCE_ERR_INVALID_ARG, "tpm2: options missing or of another version");
    }
    if (opts->detail != NULL && opts->detail_cap > 0) {
        opts->detail[0] = '\0';
    }
    uint16_t bank = opts->pcr_bank == 0 ? (uint16_t)PQCE_TPM2_PCR_BANK_SHA256 : opts->pcr_bank;
    uint32_t nv = opts->nv_index == 0 ? PQCE_TPM2_DEFAULT_NV_INDEX : opts->nv_index;
    if (opts->pcr_mask > 0xFFFFFFu ||
        (bank != PQCE_TPM2_PCR_BANK_SHA1 && bank != PQCE_TPM2_PCR_BANK_SHA256 &&
         bank != PQCE_TPM2_PCR_BANK_SHA384 && bank != PQCE_TPM2_PCR_BANK_SHA512)) {
        return new_fail(opts, PQCE_ERR_INVALID_ARG,
                        "tpm2: PCRs are 0 to 23 of the sha1, sha256, sha384 or sha512 bank");
    }
    if (nv != PQCE_TPM2_NV_NONE && (nv < T2_NV_OWNER_LO || nv > T2_NV_OWNER_HI)) {
        return new_fail(opts, PQCE_ERR_INVALID_ARG,
                        "tpm2: the NV counter index must be in the owner range "
                        "0x01800000-0x01bfffff");
    }
    int ret;
    char msg[256];
    tpm_conn c;
    tpm_props props;
    ESYS_TR primary = ESYS_TR_NONE;
    TPM2B_NAME *name = NULL;
    memset(&c, 0, sizeof c);
    tpm2_backend *t = calloc(1, sizeof *t);
    if (t == NULL) {
        return new_fail(opts, PQCE_ERR_NOMEM, "tpm2: out of memory");
    }
    if (pthread_mutex_init(&t->mu, NULL) != 0) {
        free(t);
        return new_fail(opts, PQCE_ERR_NOMEM, "tpm2: out of memory");
    }
    if (pthread_mutex_init(&t->op_mu, NULL) != 0) {
        pthread_mutex_destroy(&t->mu);
        free(t);
        return new_fail(opts, PQCE_ERR_NOMEM, "tpm2: out of memory");
    }
    t->pcr_bank = bank;
    t->pcr_mask = opts->pcr_mask;
    t->nv_index = nv == PQCE_TPM2_NV_NONE ? 0 : nv;
    snprintf(msg, sizeof msg, "tpm2: invalid options");
    if ((t->tcti = strdup(opts->tcti != NULL ? opts->tcti : PQCE_TPM2_DEFAULT_TCTI)) == NULL) {
        ret = PQCE_ERR_NOMEM;
        goto fail;
    }
    if ((ret = copy_auth(&t->pin, &t->pin_len, opts->pin)) != PQCE_OK) {
        snprintf(msg, sizeof msg, "tpm2: a PIN is 1 to %d bytes", PQCE_TPM2_PIN_MAX);
        goto fail;
    }
    if ((ret = copy_auth(&t->owner_auth, &t->owner_auth_len, opts->owner_auth)) != PQCE_OK) {
        snprintf(msg, sizeof msg, "tpm2: an owner authorisation is 1 to %d bytes",
                 PQCE_TPM2_PIN_MAX);
        goto fail;
    }
    if (opts->device_id != NULL &&
        (ret = pqce_backend_copy_field(t->device_id, sizeof t->device_id, opts->device_id, NULL)) !=
            PQCE_OK) {
        snprintf(msg, sizeof msg, "tpm2: device_id is too long");
        goto fail;
    }
    if (opts->device_model != NULL &&
        (ret = pqce_backend_copy_field(t->device_model, sizeof t->device_model, opts->device_model,
                                       NULL)) != PQCE_OK) {
        snprintf(msg, sizeof msg, "tpm2: device_model is too long");
        goto fail;
    }
    /* Connect once: fail early, learn the device, prove the storage key. */
    if ((ret = conn_open(t, &c)) != PQCE_OK || (ret = read_props(t, &c, &props)) != PQCE_OK ||
        (ret = primary_create(t, &c, &primary, &name)) != PQCE_OK) {
        tpm2_last_error(t, msg, sizeof msg);
        goto fail;
    }
    t->simulator = is_simulator(t->tcti, &props);
    (void)snprintf(t->vendor, sizeof t->vendor, "%s",
                   props.manufacturer[0] != '\0' ? props.manufacturer : "unknown");
    if (opts->device_model == NULL) {
        (void)snprintf(t->device_model, sizeof t->device_model, "TPM 2.0 %s%s%s",
                       props.manufacturer[0] != '\0' ? props.manufacturer : "unknown",
                       props.vendor[0] != '\0' ? " " : "", props.vendor);
    }
    if (opts->device_id == NULL) {
        hex_id(t->device_id, sizeof t->device_id, name->name, name->size);
    }
    ret = pqce_backend_new(backend, t->nv_index != 0 ? &tpm2_ops_counter : &tpm2_ops_plain, t);
fail:
    Esys_Free(name);
    if (c.ctx != NULL) {
        flush(&c, &primary);
    }
    conn_close(&c);
    if (ret != PQCE_OK) {
        tpm2_destroy(t);
        return new_fail(opts, ret, msg);
    }
    return PQCE_OK;
}

/* ---- discovery -------------------------------------------------------------- */

void pqce_backend_tpm2_probe(pqce_backend_status *st, const char *tcti)
{
    tpm2_backend t;
    tpm_conn c;
    tpm_props p;
    memset(&t, 0, sizeof t);
    st->compiled_in = 1;
    if (pthread_mutex_init(&t.mu, NULL) != 0) {
        (void)snprintf(st->detail, sizeof st->detail, "out of memory");
        return;
    }
    t.tcti = (char *)(tcti != NULL ? tcti : PQCE_TPM2_DEFAULT_TCTI);
    if (conn_open(&t, &c) == PQCE_OK) {
        if (read_props(&t, &c, &p) == PQCE_OK) {
            int sim = is_simulator(t.tcti, &p);
            st->available = 1;
            st->capabilities = (sim ? 0u : PQCE_CAP_HARDWARE_BOUND) | PQCE_CAP_MONOTONIC_COUNTER;
            (void)snprintf(st->detail, sizeof st->detail,
                           "TPM 2.0 by %s%s%s (firmware %08x.%08x) via %s%s; NV counter; no "
                           "user presence (PIN and PCR policy options)",
                           p.manufacturer, p.vendor[0] != '\0' ? ", " : "", p.vendor,
                           (unsigned)p.fw1, (unsigned)p.fw2, t.tcti,
                           sim ? " (a software simulator: not hardware-bound)" : "");
        } else {
            tpm2_last_error(&t, st->detail, sizeof st->detail);
        }
        conn_close(&c);
    } else {
        tpm2_last_error(&t, st->detail, sizeof st->detail);
        if (strncmp(t.tcti, "device:", 7) == 0) {
            size_t used = strlen(st->detail);
            (void)snprintf(st->detail + used, sizeof st->detail - used,
                           " (no TPM, no driver, or no access: add the user to the tss group)");
        }
    }
    pthread_mutex_destroy(&t.mu);
}

#else /* !PQCE_WITH_TPM2 */

int pqce_backend_tpm2_new(pqce_backend **backend, const pqce_tpm2_options *opts)
{
    if (backend != NULL) {
        *backend = NULL;
    }
    if (opts != NULL && opts->detail != NULL && opts->detail_cap > 0) {
        (void)snprintf(opts->detail, opts->detail_cap,
                       "tpm2: this build of pqc-enclave does not include the TPM 2.0 backend "
                       "(install libtss2-dev and configure with -DPQCE_WITH_TPM2=ON)");
    }
    return PQCE_ERR_UNSUPPORTED;
}

void pqce_backend_tpm2_probe(pqce_backend_status *st, const char *tcti)
{
    (void)tcti;
    st->compiled_in = 0;
    (void)snprintf(st->detail, sizeof st->detail,
                   "not compiled in (install libtss2-dev and configure with -DPQCE_WITH_TPM2=ON)");
}

#endif /* PQCE_WITH_TPM2 */
