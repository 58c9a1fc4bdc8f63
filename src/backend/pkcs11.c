/*
 * pkcs11.c - the PKCS#11 backend: a token's module loaded with dlopen, the
 * secret sealed under a non-extractable AES-256 key that lives on the token.
 *
 * The key. Found by CKA_LABEL (class CKO_SECRET_KEY, type CKK_AES) or, at
 * the first seal, generated on the token with CKA_TOKEN, CKA_PRIVATE and
 * CKA_SENSITIVE true and CKA_EXTRACTABLE false, so that no PKCS#11 call can
 * read or wrap it out (the tests check C_GetAttributeValue(CKA_VALUE) and
 * C_WrapKey of it). A key found under the label that is extractable or not
 * sensitive is refused: it would not be custody.
 *
 * The mechanism, chosen at seal from C_GetMechanismList (or forced by the
 * options) and recorded in the blob:
 *   1  CKM_AES_GCM, a 12-byte IV from the OS CSPRNG, a 128-bit tag, and
 *      AAD = label || the blob's header (IV included) || the caller's aad;
 *   2  CKM_AES_KEY_WRAP_KWP (PKCS#11 3.0, 0x210B) [RFC5649], or
 *   3  CKM_AES_KEY_WRAP_PAD (PKCS#11 2.40's name for RFC 5649, 0x210A; what
 *      SoftHSM 2.6 offers), for tokens without GCM: the token wraps a
 *      temporary session object (never on the token's storage) whose value
 *      is secret || SHA3-256(label || header || aad), since key wrap has no
 *      AAD; the digest is compared in constant time after the unwrap.
 * A token with neither GCM nor key wrap with padding (tpm2-pkcs11, for
 * one) cannot seal, and says so.
 *
 * Blob, version 1 (integers big-endian; docs/BACKENDS.md has the table):
 *
 *   off      len  field
 *    0        4   magic "PQPK"
 *    4        1   version = 1
 *    5        1   mechanism (1, 2 or 3 above)
 *    6        1   IV length v (12 for GCM, 0 for key wrap)
 *    7        1   reserved = 0
 *    8        2   secret length n (1..256)
 *   10        2   body length m (GCM: n + 16; key wrap: 8 * ceil((n + 32) / 8) + 8)
 *   12        v   IV
 *   12+v      m   body: GCM ciphertext || tag, or the wrapped value
 *
 * Sessions. Every operation initialises the module (C_Initialize), finds
 * the token by label (slot ids change when tokens are re-initialised),
 * opens a session, logs in, does its work, and logs out, closes the session
 * and finalises the module on every path: no module state outlives an
 * operation, so a process may fork between operations and a token may be
 * unplugged and plugged back. If the application initialised the module
 * itself (CKR_CRYPTOKI_ALREADY_INITIALIZED) it is left initialised.
 *
 * Why one lock for the whole process (the library's only static mutable
 * state, CONVENTIONS rule 6 notwithstanding): a module's state is
 * process-wide by the PKCS#11 specification - C_Initialize and C_Finalize
 * act on the whole process - so two backends on one module (or one backend
 * in two threads) finalising under each other's sessions can only be
 * prevented by a lock as wide as that state.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "core/config.h"

#if PQCE_WITH_PKCS11

#include <dlfcn.h>
#include <p11-kit/pkcs11.h>
/* p11-kit's compatibility mode leaves these lower-case macros defined;
 * they would rename this file's own identifiers. */
#undef aad_len
#undef aad_ptr
#undef iv_len
#undef iv_ptr
#undef iv_bits
#undef tag_bits

#ifndef CKM_AES_KEY_WRAP_KWP
#define CKM_AES_KEY_WRAP_KWP 0x210BUL /* PKCS#11 3.0 */
#endif

#define P11_MAGIC        "PQPK"
#define P11_VERSION      1u
#define P11_MECH_GCM     1u
#define P11_MECH_KWP     2u
#define P11_MECH_PAD     3u
#define P11_HEADER       12u
#define P11_IV           12u
#define P11_TAG          16u
#define P11_DIGEST       32u
#define P11_SECRET_MAX   256u
#define P11_KEY_LABEL    128u
#define P11_LABEL        "pqce-pkcs11-backend/v1"
#define P11_MAX_TOKENS   64u
#define P11_MAX_MECHS    1024u
#define P11_PIN_MAX      256u
#define P11_BODY_MAX     (8u * ((P11_SECRET_MAX + P11_DIGEST + 7u) / 8u) + 8u)
#define P11_AAD_BOUND    (P11_HEADER + P11_IV)
#define P11_SLOT_INVALID ((CK_SLOT_ID)~0UL)

static pthread_mutex_t module_mu = PTHREAD_MUTEX_INITIALIZER; /* see the top of the file */

typedef struct pkcs11_backend {
    void *dl;
    CK_FUNCTION_LIST_PTR fl;
    char *module;
    char token_label[33];
    char key_label[P11_KEY_LABEL + 1];
    uint8_t *pin; /* locked pages, or NULL */
    size_t pin_len;
    unsigned mechanism;
    int hw_slot;
    char device_id[PQCE_DEVICE_FIELD_BYTES];
    char device_model[PQCE_DEVICE_FIELD_BYTES];
    char vendor[PQCE_DEVICE_FIELD_BYTES];
    pthread_mutex_t mu; /* guards detail */
    char detail[256];
} pkcs11_backend;

/* One operation's hold on the module. */
typedef struct p11_op {
    int initialized; /* this operation called C_Initialize */
    int logged_in;
    CK_SLOT_ID slot;
    CK_SESSION_HANDLE s;
} p11_op;

static void set_detail(pkcs11_backend *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_detail(pkcs11_backend *p, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&p->mu);
    va_start(ap, fmt);
    (void)vsnprintf(p->detail, sizeof p->detail, fmt, ap);
    va_end(ap);
    pthread_mutex_unlock(&p->mu);
}

static const char *ckr_name(CK_RV rv)
{
    switch (rv) {
    case CKR_GENERAL_ERROR:
        return "CKR_GENERAL_ERROR";
    case CKR_ARGUMENTS_BAD:
        return "CKR_ARGUMENTS_BAD";
    case CKR_ATTRIBUTE_SENSITIVE:
        return "CKR_ATTRIBUTE_SENSITIVE";
    case CKR_DEVICE_ERROR:
        return "CKR_DEVICE_ERROR";
    case CKR_DEVICE_REMOVED:
        return "CKR_DEVICE_REMOVED";
    case CKR_ENCRYPTED_DATA_INVALID:
        return "CKR_ENCRYPTED_DATA_INVALID";
    case CKR_FUNCTION_NOT_SUPPORTED:
        return "CKR_FUNCTION_NOT_SUPPORTED";
    case CKR_KEY_UNEXTRACTABLE:
        return "CKR_KEY_UNEXTRACTABLE";
    case CKR_MECHANISM_INVALID:
        return "CKR_MECHANISM_INVALID";
    case CKR_MECHANISM_PARAM_INVALID:
        return "CKR_MECHANISM_PARAM_INVALID";
    case CKR_PIN_INCORRECT:
        return "CKR_PIN_INCORRECT";
    case CKR_PIN_LOCKED:
        return "CKR_PIN_LOCKED";
    case CKR_TOKEN_NOT_PRESENT:
        return "CKR_TOKEN_NOT_PRESENT";
    case CKR_USER_NOT_LOGGED_IN:
        return "CKR_USER_NOT_LOGGED_IN";
    case CKR_WRAPPED_KEY_INVALID:
        return "CKR_WRAPPED_KEY_INVALID";
    case CKR_CRYPTOKI_NOT_INITIALIZED:
        return "CKR_CRYPTOKI_NOT_INITIALIZED";
    default:
        return "CKR";
    }
}

static int ck_fail(pkcs11_backend *p, CK_RV rv, const char *what)
{
    set_detail(p, "pkcs11: %s failed: %s (0x%lx)", what, ckr_name(rv), (unsigned long)rv);
    return PQCE_ERR_BACKEND;
}

/* A blank-padded PKCS#11 string as a C string. */
static void padded(char *out, size_t cap, const CK_UTF8CHAR *in, size_t len)
{
    while (len > 0 && (in[len - 1] == ' ' || in[len - 1] == '\0')) {
        len--;
    }
    if (len >= cap) {
        len = cap - 1;
    }
    memcpy(out, in, len);
    out[len] = '\0';
}

/* Loads a module and its function list. */
static int module_load(const char *path, void **dl, CK_FUNCTION_LIST_PTR *fl, char *err,
                       size_t err_cap)
{
    CK_RV (*get)(CK_FUNCTION_LIST_PTR_PTR) = NULL;
    *dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (*dl == NULL) {
        const char *e = dlerror();
        (void)snprintf(err, err_cap, "pkcs11: cannot load the module %s: %s", path,
                       e != NULL ? e : "dlopen failed");
        return PQCE_ERR_BACKEND;
    }
    void *sym = dlsym(*dl, "C_GetFunctionList");
    /* an object pointer to a function pointer, as POSIX allows dlsym */
    memcpy(&get, &sym, sizeof get);
    CK_RV rv = get != NULL ? get(fl) : CKR_FUNCTION_NOT_SUPPORTED;
    if (rv != CKR_OK || *fl == NULL) {
        (void)snprintf(err, err_cap, "pkcs11: %s is not a PKCS#11 module (C_GetFunctionList)",
                       path);
        dlclose(*dl);
        *dl = NULL;
        return PQCE_ERR_BACKEND;
    }
    return PQCE_OK;
}

static CK_RV module_init(CK_FUNCTION_LIST_PTR fl, int *initialized)
{
    CK_C_INITIALIZE_ARGS args;
    memset(&args, 0, sizeof args);
    args.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = fl->C_Initialize(&args);
    *initialized = rv == CKR_OK;
    return rv == CKR_CRYPTOKI_ALREADY_INITIALIZED ? CKR_OK : rv;
}

/* The slots with a token present, in a malloc'd array. */
static CK_RV token_slots(CK_FUNCTION_LIST_PTR fl, CK_SLOT_ID **slots, CK_ULONG *n)
{
    *slots = NULL;
    *n = 0;
    for (int attempt = 0; attempt < 3; attempt++) {
        CK_ULONG count = 0;
        CK_RV rv = fl->C_GetSlotList(CK_TRUE, NULL, &count);
        if (rv != CKR_OK) {
            return rv;
        }
        if (count > P11_MAX_TOKENS) {
            count = P11_MAX_TOKENS;
        }
        CK_SLOT_ID *s = calloc(count + 1, sizeof *s);
        if (s == NULL) {
            return CKR_HOST_MEMORY;
        }
        rv = fl->C_GetSlotList(CK_TRUE, s, &count);
        if (rv == CKR_OK) {
            *slots = s;
            *n = count;
            return CKR_OK;
        }
        free(s);
        if (rv != CKR_BUFFER_TOO_SMALL) {
            return rv;
        }
    }
    return CKR_BUFFER_TOO_SMALL;
}

/* Finds the one slot whose token carries p->token_label. */
static int token_find(pkcs11_backend *p, CK_SLOT_ID *slot, CK_TOKEN_INFO *info)
{
    CK_SLOT_ID *slots = NULL;
    CK_ULONG n = 0, found = 0;
    char seen[160] = "";
    CK_RV rv = token_slots(p->fl, &slots, &n);
    if (rv != CKR_OK) {
        return ck_fail(p, rv, "C_GetSlotList");
    }
    for (CK_ULONG i = 0; i < n; i++) {
        CK_TOKEN_INFO ti;
        char label[33];
        memset(&ti, 0, sizeof ti);
        if (p->fl->C_GetTokenInfo(slots[i], &ti) != CKR_OK) {
            continue;
        }
        padded(label, sizeof label, ti.label, sizeof ti.label);
        if (strcmp(label, p->token_label) == 0) {
            if (found++ == 0) {
                *slot = slots[i];
                *info = ti;
            }
        } else {
            size_t used = strlen(seen);
            (void)snprintf(seen + used, sizeof seen - used, "%s'%s'", used > 0 ? ", " : "", label);
        }
    }
    free(slots);
    if (found == 0) {
        set_detail(p, "pkcs11: no token labelled '%s' in %s (tokens present: %s)", p->token_label,
                   p->module, seen[0] != '\0' ? seen : "none");
        return PQCE_ERR_BACKEND;
    }
    if (found > 1) {
        set_detail(p, "pkcs11: %lu tokens are labelled '%s': the label must be unique",
                   (unsigned long)found, p->token_label);
        return PQCE_ERR_BACKEND;
    }
    return PQCE_OK;
}

static void op_end(pkcs11_backend *p, p11_op *op)
{
    if (op->s != CK_INVALID_HANDLE) {
        if (op->logged_in) {
            (void)p->fl->C_Logout(op->s);
        }
        (void)p->fl->C_CloseSession(op->s);
        op->s = CK_INVALID_HANDLE;
    }
    if (op->initialized) {
        (void)p->fl->C_Finalize(NULL);
        op->initialized = 0;
    }
    pthread_mutex_unlock(&module_mu);
}

/* Initialises the module, finds the token, opens a session and logs in.
 * On success the module lock is held until op_end. */
static int op_begin(pkcs11_backend *p, p11_op *op, int rw)
{
    CK_TOKEN_INFO ti;
    memset(op, 0, sizeof *op);
    op->s = CK_INVALID_HANDLE;
    pthread_mutex_lock(&module_mu);
    CK_RV rv = module_init(p->fl, &op->initialized);
    int ret;
    if (rv != CKR_OK) {
        ret = ck_fail(p, rv, "C_Initialize");
        goto fail;
    }
    if ((ret = token_find(p, &op->slot, &ti)) != PQCE_OK) {
        goto fail;
    }
    rv = p->fl->C_OpenSession(op->slot, CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0u), NULL, NULL,
                              &op->s);
    if (rv != CKR_OK) {
        op->s = CK_INVALID_HANDLE;
        ret = ck_fail(p, rv, "C_OpenSession");
        goto fail;
    }
    if (p->pin != NULL) {
        rv = p->fl->C_Login(op->s, CKU_USER, p->pin, (CK_ULONG)p->pin_len);
        if (rv == CKR_OK) {
            op->logged_in = 1;
        } else if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LEN_RANGE) {
            set_detail(p, "pkcs11: wrong PIN for token '%s' (%s)", p->token_label, ckr_name(rv));
            ret = PQCE_ERR_LOCKED;
            goto fail;
        } else if (rv == CKR_PIN_LOCKED || rv == CKR_PIN_EXPIRED) {
            set_detail(p,
                       "pkcs11: the user PIN of token '%s' is locked or expired (%s): unblock "
                       "it with the security officer's PIN",
                       p->token_label, ckr_name(rv));
            ret = PQCE_ERR_LOCKED;
            goto fail;
        } else if (rv != CKR_USER_ALREADY_LOGGED_IN) {
            ret = ck_fail(p, rv, "C_Login");
            goto fail;
        }
    }
    return PQCE_OK;
fail:
    op_end(p, op);
    return ret;
}

static int bool_attr(pkcs11_backend *p, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o,
                     CK_ATTRIBUTE_TYPE type, CK_BBOOL *out)
{
    CK_ATTRIBUTE a = {type, out, sizeof *out};
    CK_RV rv = p->fl->C_GetAttributeValue(s, o, &a, 1);
    return rv == CKR_OK && a.ulValueLen == sizeof *out ? PQCE_OK
                                                       : ck_fail(p, rv, "C_GetAttributeValue");
}

/* Finds the key by label: PQCE_OK, PQCE_ERR_NOT_FOUND, or an error. */
static int key_find(pkcs11_backend *p, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *key)
{
    CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    CK_KEY_TYPE kt = CKK_AES;
    CK_ATTRIBUTE tmpl[] = {
        {CKA_CLASS, &cls, sizeof cls},
        {CKA_KEY_TYPE, &kt, sizeof kt},
        {CKA_LABEL, p->key_label, strlen(p->key_label)},
    };
    CK_OBJECT_HANDLE h[2];
    CK_ULONG n = 0;
    CK_RV rv = p->fl->C_FindObjectsInit(s, tmpl, 3);
    if (rv != CKR_OK) {
        return ck_fail(p, rv, "C_FindObjectsInit");
    }
    rv = p->fl->C_FindObjects(s, h, 2, &n);
    (void)p->fl->C_FindObjectsFinal(s);
    if (rv != CKR_OK) {
        return ck_fail(p, rv, "C_FindObjects");
    }
    if (n == 0) {
        return PQCE_ERR_NOT_FOUND;
    }
    if (n > 1) {
        set_detail(p, "pkcs11: more than one AES key on token '%s' is labelled '%s'",
                   p->token_label, p->key_label);
        return PQCE_ERR_BACKEND;
    }
    CK_BBOOL sensitive = CK_FALSE, extractable = CK_TRUE;
    int ret;
    if ((ret = bool_attr(p, s, h[0], CKA_SENSITIVE, &sensitive)) != PQCE_OK ||
        (ret = bool_attr(p, s, h[0], CKA_EXTRACTABLE, &extractable)) != PQCE_OK) {
        return ret;
    }
    if (sensitive != CK_TRUE || extractable != CK_FALSE) {
        set_detail(p,
                   "pkcs11: the key '%s' on token '%s' is %s: refusing to use a key that can "
                   "leave the token",
                   p->key_label, p->token_label,
                   sensitive != CK_TRUE ? "not sensitive" : "extractable");
        return PQCE_ERR_BACKEND;
    }
    *key = h[0];
    return PQCE_OK;
}

static int key_generate(pkcs11_backend *p, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *key)
{
    CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
    CK_KEY_TYPE kt = CKK_AES;
    CK_ULONG len = 32;
    CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
    CK_ATTRIBUTE tmpl[] = {
        {CKA_CLASS, &cls, sizeof cls},
        {CKA_KEY_TYPE, &kt, sizeof kt},
        {CKA_LABEL, p->key_label, strlen(p->key_label)},
        {CKA_VALUE_LEN, &len, sizeof len},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_PRIVATE, &yes, sizeof yes},
        {CKA_SENSITIVE, &yes, sizeof yes},
        {CKA_EXTRACTABLE, &no, sizeof no},
        {CKA_ENCRYPT, &yes, sizeof yes},
        {CKA_DECRYPT, &yes, sizeof yes},
        {CKA_WRAP, &yes, sizeof yes},
        {CKA_UNWRAP, &yes, sizeof yes},
    };
    CK_MECHANISM gen = {CKM_AES_KEY_GEN, NULL, 0};
    CK_RV rv = p->fl->C_GenerateKey(s, &gen, tmpl, sizeof tmpl / sizeof tmpl[0], key);
    if (rv != CKR_OK) {
        set_detail(p,
                   "pkcs11: token '%s' cannot generate a non-extractable AES-256 key (%s, "
                   "0x%lx); create one labelled '%s' with the token's tools",
                   p->token_label, ckr_name(rv), (unsigned long)rv, p->key_label);
        return PQCE_ERR_BACKEND;
    }
    return PQCE_OK;
}

/* 1 if the slot offers mech with all the flags. */
static int has_mech(pkcs11_backend *p, CK_SLOT_ID slot, const CK_MECHANISM_TYPE *list, CK_ULONG n,
                    CK_MECHANISM_TYPE mech, CK_FLAGS flags)
{
    for (CK_ULONG i = 0; i < n; i++) {
        if (list[i] == mech) {
            CK_MECHANISM_INFO mi;
            memset(&mi, 0, sizeof mi); /* SoftHSM leaves part of it unwritten */
            return p->fl->C_GetMechanismInfo(slot, mech, &mi) == CKR_OK &&
                   (mi.flags & flags) == flags;
        }
    }
    return 0;
}

/* The blob's mechanism for a seal: the forced one, or GCM, KWP, PAD. */
static int mech_choose(pkcs11_backend *p, CK_SLOT_ID slot, unsigned *mech)
{
    CK_ULONG n = 0;
    CK_MECHANISM_TYPE *list = NULL;
    CK_RV rv = p->fl->C_GetMechanismList(slot, NULL, &n);
    if (rv == CKR_OK) {
        if (n > P11_MAX_MECHS) {
            n = P11_MAX_MECHS;
        }
        if ((list = calloc(n + 1, sizeof *list)) == NULL) {
            return PQCE_ERR_NOMEM;
        }
        rv = p->fl->C_GetMechanismList(slot, list, &n);
    }
    if (rv != CKR_OK) {
        free(list);
        return ck_fail(p, rv, "C_GetMechanismList");
    }
    int gcm = has_mech(p, slot, list, n, CKM_AES_GCM, CKF_ENCRYPT | CKF_DECRYPT);
    int kwp = has_mech(p, slot, list, n, CKM_AES_KEY_WRAP_KWP, CKF_WRAP | CKF_UNWRAP);
    int pad = has_mech(p, slot, list, n, CKM_AES_KEY_WRAP_PAD, CKF_WRAP | CKF_UNWRAP);
    free(list);
    int want_wrap = p->mechanism == PQCE_PKCS11_MECH_AES_KWP;
    if (gcm && !want_wrap) {
        *mech = P11_MECH_GCM;
    } else if (kwp && p->mechanism != PQCE_PKCS11_MECH_AES_GCM) {
        *mech = P11_MECH_KWP;
    } else if (pad && p->mechanism != PQCE_PKCS11_MECH_AES_GCM) {
        *mech = P11_MECH_PAD;
    } else {
        set_detail(p,
                   "pkcs11: token '%s' offers %s: it cannot seal (it needs CKM_AES_GCM or AES "
                   "key wrap with padding, CKM_AES_KEY_WRAP_KWP / _PAD)",
                   p->token_label,
                   p->mechanism == PQCE_PKCS11_MECH_AES_GCM ? "no CKM_AES_GCM"
                   : want_wrap                              ? "no AES key wrap with padding"
                               : "neither CKM_AES_GCM nor AES key wrap with padding");
        return PQCE_ERR_BACKEND;
    }
    return PQCE_OK;
}

static size_t body_len(unsigned mech, size_t n)
{
    return mech == P11_MECH_GCM ? n + P11_TAG : 8u * ((n + P11_DIGEST + 7u) / 8u) + 8u;
}

static CK_MECHANISM_TYPE wrap_mech(unsigned mech)
{
    return mech == P11_MECH_KWP ? CKM_AES_KEY_WRAP_KWP : CKM_AES_KEY_WRAP_PAD;
}

/* label || header (with IV) || aad, for GCM's AAD or the wrap's digest. */
static int bound_data(uint8_t **out, size_t *out_len, const uint8_t *header, size_t header_len,
                      const uint8_t *aad, size_t aad_len)
{
    size_t lab = sizeof P11_LABEL - 1;
    if (aad_len > SIZE_MAX - lab - header_len) {
        return PQCE_ERR_INVALID_ARG;
    }
    uint8_t *b = malloc(lab + header_len + aad_len + 1);
    if (b == NULL) {
        return PQCE_ERR_NOMEM;
    }
    memcpy(b, P11_LABEL, lab);
    memcpy(b + lab, header, header_len);
    if (aad_len > 0) {
        memcpy(b + lab + header_len, aad, aad_len);
    }
    *out = b;
    *out_len = lab + header_len + aad_len;
    return PQCE_OK;
}

static int wrap_digest(uint8_t out[P11_DIGEST], const uint8_t *header, size_t header_len,
                       const uint8_t *aad, size_t aad_len)
{
    uint8_t *b = NULL;
    size_t len = 0;
    int ret = bound_data(&b, &len, header, header_len, aad, aad_len);
    if (ret == PQCE_OK) {
        ret = pqce_sha3_256(out, b, len);
        free(b);
    }
    return ret;
}

static int pkcs11_seal(void *ctx, uint8_t *blob, size_t blob_cap, size_t *blob_len,
                       const uint8_t *secret, size_t secret_len, const uint8_t *aad, size_t aad_len)
{
    pkcs11_backend *p = ctx;
    p11_op op;
    CK_OBJECT_HANDLE key = CK_INVALID_HANDLE, tmp = CK_INVALID_HANDLE;
    uint8_t value[P11_SECRET_MAX + P11_DIGEST];
    uint8_t *bound = NULL;
    size_t bound_len = 0;
    unsigned mech = 0;
    int ret;

    if (secret_len == 0 || secret_len > P11_SECRET_MAX ||
        blob_cap < P11_HEADER + P11_IV + P11_BODY_MAX) {
        set_detail(p, "pkcs11: a secret of 1 to %u bytes and a %u-byte blob buffer are needed",
                   P11_SECRET_MAX, P11_HEADER + P11_IV + P11_BODY_MAX);
        return PQCE_ERR_INVALID_ARG;
    }
    if ((ret = op_begin(p, &op, 1)) != PQCE_OK) {
        return ret;
    }
    if ((ret = mech_choose(p, op.slot, &mech)) != PQCE_OK) {
        goto cleanup;
    }
    ret = key_find(p, op.s, &key);
    if (ret == PQCE_ERR_NOT_FOUND) {
        ret = key_generate(p, op.s, &key);
    }
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    size_t ivl = mech == P11_MECH_GCM ? P11_IV : 0u, m = body_len(mech, secret_len);
    size_t hl = P11_HEADER + ivl;
    memcpy(blob, P11_MAGIC, 4);
    blob[4] = (uint8_t)P11_VERSION;
    blob[5] = (uint8_t)mech;
    blob[6] = (uint8_t)ivl;
    blob[7] = 0;
    blob[8] = (uint8_t)(secret_len >> 8);
    blob[9] = (uint8_t)secret_len;
    blob[10] = (uint8_t)(m >> 8);
    blob[11] = (uint8_t)m;
    if (ivl > 0 && (ret = pqce_random_bytes(NULL, blob + P11_HEADER, ivl)) != PQCE_OK) {
        set_detail(p, "pkcs11: the OS random source failed");
        goto cleanup;
    }
    CK_ULONG out_len = (CK_ULONG)(blob_cap - hl);
    CK_RV rv;
    if (mech == P11_MECH_GCM) {
        if ((ret = bound_data(&bound, &bound_len, blob, hl, aad, aad_len)) != PQCE_OK) {
            goto cleanup;
        }
        CK_GCM_PARAMS gp;
        memset(&gp, 0, sizeof gp);
        gp.pIv = blob + P11_HEADER;
        gp.ulIvLen = P11_IV;
        gp.ulIvBits = 8u * P11_IV;
        gp.pAAD = bound;
        gp.ulAADLen = (CK_ULONG)bound_len;
        gp.ulTagBits = 8u * P11_TAG;
        CK_MECHANISM gcm = {CKM_AES_GCM, &gp, sizeof gp};
        if ((rv = p->fl->C_EncryptInit(op.s, &gcm, key)) != CKR_OK ||
            (rv = p->fl->C_Encrypt(op.s, (CK_BYTE_PTR)secret, (CK_ULONG)secret_len, blob + hl,
                                   &out_len)) != CKR_OK) {
            ret = ck_fail(p, rv, "AES-GCM encryption on the token");
            goto cleanup;
        }
    } else {
        /* key wrap has no AAD: the digest rides inside the wrapped value */
        memcpy(value, secret, secret_len);
        if ((ret = wrap_digest(value + secret_len, blob, hl, aad, aad_len)) != PQCE_OK) {
            goto cleanup;
        }
        CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
        CK_KEY_TYPE kt = CKK_GENERIC_SECRET;
        CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
        CK_ATTRIBUTE tmpl[] = {
            {CKA_CLASS, &cls, sizeof cls},       {CKA_KEY_TYPE, &kt, sizeof kt},
            {CKA_TOKEN, &no, sizeof no},         {CKA_SENSITIVE, &no, sizeof no},
            {CKA_EXTRACTABLE, &yes, sizeof yes}, {CKA_VALUE, value, secret_len + P11_DIGEST},
        };
        CK_MECHANISM wm = {wrap_mech(mech), NULL, 0};
        if ((rv = p->fl->C_CreateObject(op.s, tmpl, 6, &tmp)) != CKR_OK) {
            tmp = CK_INVALID_HANDLE;
            ret = ck_fail(p, rv, "C_CreateObject (the value to wrap)");
            goto cleanup;
        }
        if ((rv = p->fl->C_WrapKey(op.s, &wm, key, tmp, blob + hl, &out_len)) != CKR_OK) {
            ret = ck_fail(p, rv, "AES key wrap with padding on the token");
            goto cleanup;
        }
    }
    if (out_len != m) {
        set_detail(p, "pkcs11: the token returned %lu bytes where %zu were expected",
                   (unsigned long)out_len, m);
        ret = PQCE_ERR_BACKEND;
        goto cleanup;
    }
    *blob_len = hl + m;
    ret = PQCE_OK;
cleanup:
    if (tmp != CK_INVALID_HANDLE) {
        (void)p->fl->C_DestroyObject(op.s, tmp);
    }
    op_end(p, &op);
    pqce_memzero(value, sizeof value);
    free(bound);
    if (ret != PQCE_OK) {
        pqce_memzero(blob, blob_cap);
    }
    return ret;
}

static int pkcs11_unseal(void *ctx, uint8_t *secret, size_t secret_cap, size_t *secret_len,
                         const uint8_t *blob, size_t blob_len, const uint8_t *aad, size_t aad_len)
{
    pkcs11_backend *p = ctx;
    p11_op op;
    CK_OBJECT_HANDLE key = CK_INVALID_HANDLE, obj = CK_INVALID_HANDLE;
    uint8_t value[P11_BODY_MAX], digest[P11_DIGEST];
    uint8_t *bound = NULL;
    size_t bound_len = 0;
    int ret;

    if (blob_len < P11_HEADER || memcmp(blob, P11_MAGIC, 4) != 0 || blob[4] != P11_VERSION) {
        set_detail(p, "pkcs11: not a PKCS#11 backend blob, or of another version");
        return PQCE_ERR_FORMAT;
    }
    unsigned mech = blob[5];
    size_t ivl = blob[6], n = (size_t)blob[8] << 8 | blob[9], m = (size_t)blob[10] << 8 | blob[11];
    if (mech < P11_MECH_GCM || mech > P11_MECH_PAD || blob[7] != 0 ||
        ivl != (mech == P11_MECH_GCM ? P11_IV : 0u) || n == 0 || n > P11_SECRET_MAX ||
        m != body_len(mech, n) || blob_len != P11_HEADER + ivl + m) {
        set_detail(p, "pkcs11: malformed blob header");
        return PQCE_ERR_FORMAT;
    }
    if (n > secret_cap) {
        set_detail(p, "pkcs11: the secret needs %zu bytes, the buffer holds %zu", n, secret_cap);
        return PQCE_ERR_INVALID_ARG;
    }
    size_t hl = P11_HEADER + ivl;
    if ((ret = op_begin(p, &op, 0)) != PQCE_OK) {
        return ret;
    }
    ret = key_find(p, op.s, &key);
    if (ret == PQCE_ERR_NOT_FOUND) {
        set_detail(p,
                   "pkcs11: token '%s' holds no key labelled '%s': this is not the token "
                   "that sealed the vault, or the key was deleted",
                   p->token_label, p->key_label);
        ret = PQCE_ERR_BACKEND;
    }
    if (ret != PQCE_OK) {
        goto cleanup;
    }
    CK_RV rv;
    CK_ULONG out_len = sizeof value;
    if (mech == P11_MECH_GCM) {
        if ((ret = bound_data(&bound, &bound_len, blob, hl, aad, aad_len)) != PQCE_OK) {
            goto cleanup;
        }
        CK_GCM_PARAMS gp;
        memset(&gp, 0, sizeof gp);
        gp.pIv = (CK_BYTE_PTR)(blob + P11_HEADER);
        gp.ulIvLen = P11_IV;
        gp.ulIvBits = 8u * P11_IV;
        gp.pAAD = bound;
        gp.ulAADLen = (CK_ULONG)bound_len;
        gp.ulTagBits = 8u * P11_TAG;
        CK_MECHANISM gcm = {CKM_AES_GCM, &gp, sizeof gp};
        if ((rv = p->fl->C_DecryptInit(op.s, &gcm, key)) != CKR_OK) {
            ret = ck_fail(p, rv, "C_DecryptInit (AES-GCM)");
            goto cleanup;
        }
        /* SoftHSM reports a wrong tag as CKR_GENERAL_ERROR: any failure of
         * C_Decrypt is "did not authenticate". */
        rv = p->fl->C_Decrypt(op.s, (CK_BYTE_PTR)(blob + hl), (CK_ULONG)m, value, &out_len);
        if (rv != CKR_OK || out_len != n) {
            set_detail(p,
                       "pkcs11: the blob did not authenticate under key '%s' (%s): it was "
                       "modified, sealed for other aad, or by another token's key",
                       p->key_label, rv != CKR_OK ? ckr_name(rv) : "wrong length");
            ret = PQCE_ERR_BACKEND;
            goto cleanup;
        }
    } else {
        CK_OBJECT_CLASS cls = CKO_SECRET_KEY;
        CK_KEY_TYPE kt = CKK_GENERIC_SECRET;
        CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
        CK_ATTRIBUTE tmpl[] = {
            {CKA_CLASS, &cls, sizeof cls},       {CKA_KEY_TYPE, &kt, sizeof kt},
            {CKA_TOKEN, &no, sizeof no},         {CKA_SENSITIVE, &no, sizeof no},
            {CKA_EXTRACTABLE, &yes, sizeof yes},
        };
        CK_MECHANISM wm = {wrap_mech(mech), NULL, 0};
        rv = p->fl->C_UnwrapKey(op.s, &wm, key, (CK_BYTE_PTR)(blob + hl), (CK_ULONG)m, tmpl, 5,
                                &obj);
        if (rv != CKR_OK) {
            obj = CK_INVALID_HANDLE;
            set_detail(p,
                       "pkcs11: the blob did not unwrap under key '%s' (%s): it was modified or "
                       "wrapped by another token's key",
                       p->key_label, ckr_name(rv));
            ret = PQCE_ERR_BACKEND;
            goto cleanup;
        }
        CK_ATTRIBUTE va = {CKA_VALUE, value, sizeof value};
        if ((rv = p->fl->C_GetAttributeValue(op.s, obj, &va, 1)) != CKR_OK) {
            ret = ck_fail(p, rv, "reading the unwrapped value");
            goto cleanup;
        }
        if ((ret = wrap_digest(digest, blob, hl, aad, aad_len)) != PQCE_OK) {
            goto cleanup;
        }
        if (va.ulValueLen != n + P11_DIGEST || !pqce_ct_memeq(value + n, digest, P11_DIGEST)) {
            set_detail(p, "pkcs11: the unwrapped value does not match the blob's header and the "
                          "aad: the header was modified or the aad differs");
            ret = PQCE_ERR_BACKEND;
            goto cleanup;
        }
    }
    memcpy(secret, value, n);
    *secret_len = n;
    ret = PQCE_OK;
cleanup:
    if (obj != CK_INVALID_HANDLE) {
        (void)p->fl->C_DestroyObject(op.s, obj);
    }
    op_end(p, &op);
    pqce_memzero(value, sizeof value);
    pqce_memzero(digest, sizeof digest);
    free(bound);
    if (ret != PQCE_OK) {
        pqce_memzero(secret, secret_cap);
    }
    return ret;
}

static int pkcs11_device_info(void *ctx, pqce_device_info *info)
{
    pkcs11_backend *p = ctx;
    memcpy(info->device_id, p->device_id, sizeof info->device_id);
    memcpy(info->device_model, p->device_model, sizeof info->device_model);
    memcpy(info->enclave_vendor, p->vendor, sizeof info->enclave_vendor);
    (void)pqce_backend_copy_field(info->backend, sizeof info->backend, "pkcs11", NULL);
    /* No counter (PKCS#11 tokens rarely expose CKH_MONOTONIC_COUNTER, and
     * SoftHSM has none) and no presence (the PIN is a knowledge factor). */
    info->capabilities = p->hw_slot ? PQCE_CAP_HARDWARE_BOUND : 0u;
    return PQCE_OK;
}

static void pkcs11_last_error(void *ctx, char *buf, size_t cap)
{
    pkcs11_backend *p = ctx;
    pthread_mutex_lock(&p->mu);
    (void)snprintf(buf, cap, "%s", p->detail);
    pthread_mutex_unlock(&p->mu);
}

static void pkcs11_destroy(void *ctx)
{
    pkcs11_backend *p = ctx;
    if (p == NULL) {
        return;
    }
    pqce_backend_secret_free(p->pin, p->pin_len);
    if (p->dl != NULL) {
        dlclose(p->dl);
    }
    free(p->module);
    pthread_mutex_destroy(&p->mu);
    pqce_memzero(p, sizeof *p);
    free(p);
}

static const pqce_backend_ops pkcs11_ops = {
    .version = PQCE_BACKEND_OPS_VERSION,
    .seal = pkcs11_seal,
    .unseal = pkcs11_unseal,
    .device_info = pkcs11_device_info,
    .user_presence = NULL,
    .counter_read = NULL,
    .counter_advance = NULL,
    .last_error = pkcs11_last_error,
    .destroy = pkcs11_destroy,
};

static int new_fail(const pqce_pkcs11_options *opts, int ret, const char *detail)
{
    if (opts != NULL && opts->detail != NULL && opts->detail_cap > 0) {
        (void)snprintf(opts->detail, opts->detail_cap, "%s", detail);
    }
    return ret;
}

int pqce_backend_pkcs11_new(pqce_backend **backend, const pqce_pkcs11_options *opts)
{
    if (backend == NULL) {
        return new_fail(opts, PQCE_ERR_INVALID_ARG, "pkcs11: backend is NULL");
    }
    *backend = NULL;
    if (opts == NULL || opts->version != PQCE_PKCS11_OPTIONS_VERSION) {
        return new_fail(opts, PQCE_ERR_INVALID_ARG,
                        "pkcs11: options missing or of another version");
    }
    if (opts->detail != NULL && opts->detail_cap > 0) {
        opts->detail[0] = '\0';
    }
    const char *key_label =
        opts->key_label != NULL ? opts->key_label : PQCE_PKCS11_DEFAULT_KEY_LABEL;
    if (opts->module == NULL || opts->module[0] == '\0' || opts->token_label == NULL ||
        opts->token_label[0] == '\0' || strlen(opts->token_label) > 32 || key_label[0] == '\0' ||
        strlen(key_label) > P11_KEY_LABEL || opts->mechanism > PQCE_PKCS11_MECH_AES_KWP ||
        (opts->pin != NULL && (opts->pin[0] == '\0' || strlen(opts->pin) > P11_PIN_MAX))) {
        return new_fail(opts, PQCE_ERR_INVALID_ARG,
                        "pkcs11: a module path, a token label of 1 to 32 bytes, a key label of "
                        "1 to 128 bytes, a PIN of 1 to 256 bytes or none, and a known "
                        "mechanism are needed");
    }
    char msg[256];
    int ret;
    pkcs11_backend *p = calloc(1, sizeof *p);
    if (p == NULL) {
        return new_fail(opts, PQCE_ERR_NOMEM, "pkcs11: out of memory");
    }
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        free(p);
        return new_fail(opts, PQCE_ERR_NOMEM, "pkcs11: out of memory");
    }
    snprintf(msg, sizeof msg, "pkcs11: out of memory");
    memcpy(p->token_label, opts->token_label, strlen(opts->token_label) + 1);
    memcpy(p->key_label, key_label, strlen(key_label) + 1);
    p->mechanism = opts->mechanism;
    if ((p->module = strdup(opts->module)) == NULL) {
        ret = PQCE_ERR_NOMEM;
        goto fail;
    }
    if (opts->pin != NULL) {
        p->pin_len = strlen(opts->pin);
        if ((p->pin = pqce_backend_secret_alloc(p->pin_len)) == NULL) {
            ret = PQCE_ERR_NOMEM;
            goto fail;
        }
        memcpy(p->pin, opts->pin, p->pin_len);
    }
    if ((opts->device_id != NULL && pqce_backend_copy_field(p->device_id, sizeof p->device_id,
                                                            opts->device_id, NULL) != PQCE_OK) ||
        (opts->device_model != NULL &&
         pqce_backend_copy_field(p->device_model, sizeof p->device_model, opts->device_model,
                                 NULL) != PQCE_OK)) {
        snprintf(msg, sizeof msg, "pkcs11: device_id or device_model is too long");
        ret = PQCE_ERR_INVALID_ARG;
        goto fail;
    }
    if ((ret = module_load(p->module, &p->dl, &p->fl, msg, sizeof msg)) != PQCE_OK) {
        goto fail;
    }
    /* Find the token once: fail early and learn the device (no login). */
    int initialized = 0;
    CK_SLOT_ID slot = P11_SLOT_INVALID;
    CK_TOKEN_INFO ti;
    CK_SLOT_INFO si;
    memset(&ti, 0, sizeof ti);
    memset(&si, 0, sizeof si);
    pthread_mutex_lock(&module_mu);
    CK_RV rv = module_init(p->fl, &initialized);
    if (rv != CKR_OK) {
        ret = ck_fail(p, rv, "C_Initialize");
    } else if ((ret = token_find(p, &slot, &ti)) == PQCE_OK &&
               (rv = p->fl->C_GetSlotInfo(slot, &si)) != CKR_OK) {
        ret = ck_fail(p, rv, "C_GetSlotInfo");
    }
    if (initialized) {
        (void)p->fl->C_Finalize(NULL);
    }
    pthread_mutex_unlock(&module_mu);
    if (ret != PQCE_OK) {
        pkcs11_last_error(p, msg, sizeof msg);
        goto fail;
    }
    p->hw_slot = (si.flags & CKF_HW_SLOT) != 0;
    if (opts->device_id == NULL) {
        padded(p->device_id, sizeof p->device_id, ti.serialNumber, sizeof ti.serialNumber);
        if (p->device_id[0] == '\0') {
            (void)snprintf(p->device_id, sizeof p->device_id, "pkcs11-%s", p->token_label);
        }
    }
    if (opts->device_model == NULL) {
        padded(p->device_model, sizeof p->device_model, ti.model, sizeof ti.model);
    }
    padded(p->vendor, sizeof p->vendor, ti.manufacturerID, sizeof ti.manufacturerID);
    if ((ret = pqce_backend_new(backend, &pkcs11_ops, p)) != PQCE_OK) {
        goto fail;
    }
    return PQCE_OK;
fail:
    pkcs11_destroy(p);
    return new_fail(opts, ret, msg);
}

/* ---- discovery -------------------------------------------------------------- */

static const char *const well_known_modules[] = {
    "/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so",
    "/usr/lib/aarch64-linux-gnu/opensc-pkcs11.so",
    "/usr/lib/arm-linux-gnueabihf/opensc-pkcs11.so",
    "/usr/lib/softhsm/libsofthsm2.so",
};

void pqce_backend_pkcs11_probe(pqce_backend_status *st, const char *module)
{
    void *dl = NULL;
    CK_FUNCTION_LIST_PTR fl = NULL;
    CK_SLOT_ID *slots = NULL;
    CK_ULONG n = 0;
    int initialized = 0;
    st->compiled_in = 1;
    if (module == NULL) {
        for (size_t i = 0; i < sizeof well_known_modules / sizeof well_known_modules[0]; i++) {
            FILE *f = fopen(well_known_modules[i], "rbe");
            if (f != NULL) {
                (void)fclose(f);
                module = well_known_modules[i];
                break;
            }
        }
        if (module == NULL) {
            (void)snprintf(st->detail, sizeof st->detail,
                           "no PKCS#11 module given and none of the well-known ones (OpenSC, "
                           "SoftHSM) is installed");
            return;
        }
    }
    if (module_load(module, &dl, &fl, st->detail, sizeof st->detail) != PQCE_OK) {
        return;
    }
    pthread_mutex_lock(&module_mu);
    CK_RV rv = module_init(fl, &initialized);
    if (rv == CKR_OK) {
        rv = token_slots(fl, &slots, &n);
    }
    if (rv != CKR_OK) {
        (void)snprintf(st->detail, sizeof st->detail, "%s: cannot list tokens: %s (0x%lx)", module,
                       ckr_name(rv), (unsigned long)rv);
    } else if (n == 0) {
        (void)snprintf(st->detail, sizeof st->detail, "%s: no token present", module);
    } else {
        int hw = 0;
        size_t used = (size_t)snprintf(st->detail, sizeof st->detail, "%s: %lu token%s:", module,
                                       (unsigned long)n, n == 1 ? "" : "s");
        for (CK_ULONG i = 0; i < n && used < sizeof st->detail; i++) {
            CK_TOKEN_INFO ti;
            CK_SLOT_INFO si;
            char label[33];
            memset(&ti, 0, sizeof ti);
            memset(&si, 0, sizeof si);
            if (fl->C_GetTokenInfo(slots[i], &ti) != CKR_OK) {
                continue;
            }
            if (fl->C_GetSlotInfo(slots[i], &si) == CKR_OK && (si.flags & CKF_HW_SLOT) != 0) {
                hw = 1;
            }
            padded(label, sizeof label, ti.label, sizeof ti.label);
            used += (size_t)snprintf(st->detail + used, sizeof st->detail - used, "%s '%s'",
                                     i > 0 ? "," : "", label);
        }
        if (used < sizeof st->detail) {
            (void)snprintf(st->detail + used, sizeof st->detail - used,
                           "; no monotonic counter; PIN login, no user presence");
        }
        st->available = 1;
        st->capabilities = hw ? PQCE_CAP_HARDWARE_BOUND : 0u;
    }
    free(slots);
    if (initialized) {
        (void)fl->C_Finalize(NULL);
    }
    pthread_mutex_unlock(&module_mu);
    dlclose(dl);
}

#else /* !PQCE_WITH_PKCS11 */

int pqce_backend_pkcs11_new(pqce_backend **backend, const pqce_pkcs11_options *opts)
{
    if (backend != NULL) {
        *backend = NULL;
    }
    if (opts != NULL && opts->detail != NULL && opts->detail_cap > 0) {
        (void)snprintf(opts->detail, opts->detail_cap,
                       "pkcs11: this build of pqc-enclave does not include the PKCS#11 backend "
                       "(install libp11-kit-dev and configure with -DPQCE_WITH_PKCS11=ON)");
    }
    return PQCE_ERR_UNSUPPORTED;
}

void pqce_backend_pkcs11_probe(pqce_backend_status *st, const char *module)
{
    (void)module;
    st->compiled_in = 0;
    (void)snprintf(st->detail, sizeof st->detail,
                   "not compiled in (install libp11-kit-dev and configure with "
                   "-DPQCE_WITH_PKCS11=ON)");
}

#endif /* PQCE_WITH_PKCS11 */
