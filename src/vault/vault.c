/*
 * vault.c - the vault: lifecycle, artifacts, save, policy (docs/VAULT.md).
 *
 * Store layout (object names):
 *   vault.pqce          the descriptor: public parameters and the backend's
 *                       sealed blob of the secret (identity and attestation
 *                       seeds), written once at create
 *   manifest.pqce       the manifest, a container sealed to the vault's own
 *                       identity, replaced atomically by each save
 *   objects/<pid>-<hex>.pqce   one container per artifact version, written
 *                       at put and never modified
 *   audit.log           the audit log (audit_log.c)
 *
 * Crash safety. Invariants (each write, sync or removal below names the
 * one it serves):
 *   V1  An artifact's object is durable (the store's commit) before any
 *       manifest references it: objects are committed at put, manifests at
 *       save.
 *   V2  The previous manifest stays valid until the new one has replaced
 *       it atomically (the store's commit: temporary file, fsync, rename,
 *       directory fsync), so a crash leaves the old or the new state.
 *   V3  An object that a durable manifest references is never removed:
 *       replaced and deleted objects are removed only after the manifest
 *       that drops them is durable.
 *   V4  The generation never decreases: a save writes max(loaded
 *       generation, backend counter) + 1, and the backend's counter is
 *       advanced only after that manifest is durable.
 *   V5  Writers are serialised by the store's lock: a save reloads the
 *       newest manifest under the lock and merges its own changes into it,
 *       so concurrent saves lose nothing.
 * A completed save (pqce_vault_save returned 0) is therefore never lost,
 * and an artifact whose save did not complete is simply absent (its object,
 * if committed, is an orphan that a later save removes once its writer's
 * process is gone).
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backend/backend.h"
#include "crypto/keccak.h"
#include "crypto/kmac.h"
#include "format/bytes.h"
#include "format/container.h"
#include "format/metadata.h"
#include "store/store.h"
#include "vault/attestation.h"
#include "vault/audit_log.h"
#include "vault/keyring.h"
#include "vault/manifest.h"
#include "vault/session.h"

#define DESCRIPTOR_OBJECT "vault.pqce"
#define MANIFEST_OBJECT   "manifest.pqce"
#define AUDIT_OBJECT      "audit.log"
#define OBJECTS_PREFIX    "objects/"
#define DESCRIPTOR_MAGIC  "PQCEVLT1"
#define MANIFEST_NAME     "pqce-vault-manifest"
#define MANIFEST_MAX      ((size_t)256 << 20)
#define SECRET_AAD_LABEL  "pqce-vault/v1/secret"
#define AUDIT_KEY_LABEL   "pqce-vault/v1/audit-key"
#define RATE_WINDOW_MS    3600000ull
#define DEFAULT_LOCK_MS   10000u

typedef enum op_type { OP_PUT, OP_DELETE, OP_RULE_SET, OP_RULE_REMOVE } op_type;

/* A change made since the last save, applied to the newest manifest at
 * save (V5) and to the loaded one for this handle's view. */
typedef struct pending_op {
    op_type type;
    unsigned flags;
    pqce_manifest_entry entry; /* OP_PUT */
    uint8_t id[16];            /* OP_DELETE */
    pqce_manifest rule;        /* OP_RULE_SET: a manifest holding just the rule */
    pqce_kind kind;            /* OP_RULE_SET, OP_RULE_REMOVE */
} pending_op;

struct pqce_vault {
    pqce_backend *backend;
    pqce_store *store;
    pqce_options copts; /* for the containers */
    pqce_rng rng_copy;
    int has_rng;
    uint32_t lock_timeout_ms;
    int keyring_cache; /* PQCE_VAULT_KEYRING_CACHE (keyring.c) */
    char detail[256];

    /* the descriptor */
    uint8_t vault_id[16];
    uint16_t suite;
    unsigned dsa_alg;
    uint8_t blob[PQCE_SEALED_BLOB_MAX];
    size_t blob_len;
    pqce_device_info device;

    pqce_session *session; /* NULL when locked */
    pqce_audit_log *audit; /* NULL when the log was too damaged to open */
    int audit_damaged;

    pqce_manifest saved; /* the last manifest loaded or written */
    pqce_manifest view;  /* saved + pending */
    pending_op *ops;
    size_t nops, capops;
};

/* ---- errors ---------------------------------------------------------------- */

__attribute__((format(printf, 3, 4))) static int fail(pqce_vault *v, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->detail, sizeof v->detail, fmt, ap);
    va_end(ap);
    return err;
}

const char *pqce_vault_error_detail(const pqce_vault *v)
{
    if (v == NULL) {
        return "no vault";
    }
    return v->detail[0] != '\0' ? v->detail : "no error";
}

static uint64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ---- audit ----------------------------------------------------------------- */

static void audit(pqce_vault *v, pqce_audit_op op, const pqce_manifest_entry *e, const char *caller,
                  int success, const char *details, int store_locked)
{
    if (v->audit == NULL) {
        return;
    }
    pqce_audit_record rec;
    memset(&rec, 0, sizeof rec);
    rec.op = op;
    rec.device_id = v->device.device_id;
    rec.artifact_id = e != NULL ? e->id_str : NULL;
    rec.artifact_name = e != NULL ? e->meta.m.name : NULL;
    rec.artifact_kind = e != NULL ? pqce_kind_name(e->meta.m.kind) : NULL;
    rec.caller = caller;
    rec.success = success;
    rec.details = details;
    /* An audit failure must not mask the operation's own result; it is
     * reported in the detail string and by pqce_vault_audit_verify. */
    int ret = pqce_audit_append(v->audit, &rec, store_locked);
    if (ret != PQCE_OK && success) {
        fail(v, ret, "the audit record could not be written: %s", pqce_strerror(ret));
    }
}

/* Audits a failed operation with the error's name, then returns err. */
static int audit_fail(pqce_vault *v, pqce_audit_op op, const pqce_manifest_entry *e,
                      const char *caller, int err)
{
    char details[300];
    snprintf(details, sizeof details, "%s: %s", pqce_error_name(err), v->detail);
    audit(v, op, e, caller, 0, details, 0);
    return err;
}

/* ---- session ----------------------------------------------------------------- */

static void session_end(pqce_vault *v)
{
    if (v->audit != NULL) {
        pqce_audit_set_key(v->audit, NULL);
    }
    pqce_session_free(v->session);
    v->session = NULL;
}

/* 1 if unlocked and not expired; an expired session is wiped here. */
static int session_alive(pqce_vault *v)
{
    if (v->session == NULL) {
        return 0;
    }
    if (pqce_session_now_ms() < v->session->expires_ms) {
        return 1;
    }
    audit(v, PQCE_AUDIT_LOCK, NULL, NULL, 1, "session expired", 0);
    session_end(v);
    return 0;
}

static int require_unlocked(pqce_vault *v, pqce_audit_op op)
{
    if (session_alive(v)) {
        return PQCE_OK;
    }
    fail(v, PQCE_ERR_LOCKED, "enclave vault is locked; call unlock() first");
    audit(v, op, NULL, NULL, 0, "PQCE_ERR_LOCKED", 0);
    return PQCE_ERR_LOCKED;
}

int pqce_vault_is_unlocked(pqce_vault *v)
{
    return v != NULL && session_alive(v);
}

static pqce_identity identity_of(const pqce_vault *v)
{
    size_t id_len = 0;
    if (pqce_suite_sizes(v->suite, &id_len, NULL) != PQCE_OK) {
        id_len = 0; /* unreachable: the suite was checked when the descriptor was read */
    }
    pqce_identity id = {v->suite, v->session->secret + PQCE_VAULT_KEM_SEED_OFF, id_len};
    return id;
}

static pqce_recipient self_recipient(const pqce_vault *v)
{
    pqce_recipient r = {v->suite, v->session->kem.pk, v->session->kem.suite->recipient_len};
    return r;
}

/* The AAD of the sealed secret: the descriptor's public parameters. */
static size_t secret_aad(const pqce_vault *v, uint8_t aad[64])
{
    pqce_bw w;
    pqce_bw_init(&w, aad, 64);
    pqce_bw_bytes(&w, SECRET_AAD_LABEL, strlen(SECRET_AAD_LABEL));
    pqce_bw_bytes(&w, v->vault_id, 16);
    pqce_bw_u16(&w, v->suite);
    pqce_bw_u16(&w, (uint16_t)v->dsa_alg);
    return w.len;
}

/* Expands the unsealed secret into the session's keys. */
static int session_derive(pqce_vault *v)
{
    pqce_session *s = v->session;
    pqce_identity id = identity_of(v);
    int ret = pqce_suite_key_from_identity(&s->kem, &id);
    if (ret != PQCE_OK) {
        return ret;
    }
    const uint8_t *dsa_seed = s->secret + PQCE_VAULT_DSA_SEED_OFF;
    if (v->dsa_alg == 87) {
        s->dsa_pk_len = PQCE_MLDSA87_PK_BYTES;
        s->dsa_sk_len = PQCE_MLDSA87_SK_BYTES;
        ret = pqce_mldsa87_keypair_derand(s->dsa_pk, s->dsa_sk, dsa_seed);
    } else {
        s->dsa_pk_len = PQCE_MLDSA65_PK_BYTES;
        s->dsa_sk_len = PQCE_MLDSA65_SK_BYTES;
        ret = pqce_mldsa65_keypair_derand(s->dsa_pk, s->dsa_sk, dsa_seed);
    }
    if (ret != PQCE_OK) {
        return ret;
    }
    pqce_kmac256(s->audit_key, sizeof s->audit_key, s->secret, sizeof s->secret, v->vault_id, 16,
                 (const uint8_t *)AUDIT_KEY_LABEL, strlen(AUDIT_KEY_LABEL));
    return PQCE_OK;
}

static void key_id_of(const pqce_vault *v, char out[PQCE_KEY_ID_BYTES]);

/* ---- descriptor --------------------------------------------------------------- */

static int descriptor_write(pqce_vault *v)
{
    uint8_t buf[8 + 2 + 16 + 2 + 2 + 2 + PQCE_SEALED_BLOB_MAX];
    pqce_bw w;
    pqce_bw_init(&w, buf, sizeof buf);
    pqce_bw_bytes(&w, DESCRIPTOR_MAGIC, 8);
    pqce_bw_u16(&w, 1);
    pqce_bw_bytes(&w, v->vault_id, 16);
    pqce_bw_u16(&w, v->suite);
    pqce_bw_u16(&w, (uint16_t)v->dsa_alg);
    pqce_bw_u16(&w, (uint16_t)v->blob_len);
    pqce_bw_bytes(&w, v->blob, v->blob_len);
    return w.overflow ? PQCE_ERR_INVALID_ARG
                      : pqce_store_put(v->store, DESCRIPTOR_OBJECT, buf, w.len);
}

static int descriptor_read(pqce_vault *v)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    int ret = pqce_store_get(v->store, DESCRIPTOR_OBJECT, 64 + PQCE_SEALED_BLOB_MAX, &buf, &len);
    if (ret == PQCE_ERR_NOT_FOUND) {
        return fail(v, ret, "the store holds no vault (no %s)", DESCRIPTOR_OBJECT);
    }
    if (ret != PQCE_OK) {
        return fail(v, ret == PQCE_ERR_FORMAT ? PQCE_ERR_FORMAT : PQCE_ERR_IO,
                    "cannot read the vault descriptor");
    }
    pqce_br r;
    pqce_br_init(&r, buf, len);
    const uint8_t *magic = pqce_br_bytes(&r, 8);
    uint16_t version = pqce_br_u16(&r);
    const uint8_t *id = pqce_br_bytes(&r, 16);
    v->suite = pqce_br_u16(&r);
    v->dsa_alg = pqce_br_u16(&r);
    v->blob_len = pqce_br_u16(&r);
    const uint8_t *blob = v->blob_len <= sizeof v->blob ? pqce_br_bytes(&r, v->blob_len) : NULL;
    if (r.underrun || blob == NULL || r.pos != len || memcmp(magic, DESCRIPTOR_MAGIC, 8) != 0 ||
        version != 1 || pqce_suite_find(v->suite) == NULL ||
        (v->dsa_alg != 65 && v->dsa_alg != 87)) {
        free(buf);
        return fail(v, PQCE_ERR_FORMAT, "the vault descriptor is malformed or of another version");
    }
    memcpy(v->vault_id, id, 16);
    memcpy(v->blob, blob, v->blob_len);
    free(buf);
    return PQCE_OK;
}

/* ---- manifest ------------------------------------------------------------------ */

/* Reads and opens the stored manifest; checks vault id and rollback. */
static int manifest_load(pqce_vault *v, pqce_manifest *m)
{
    uint8_t *buf = NULL, *plain = NULL;
    size_t len = 0, plain_len = 0;
    pqce_reader *r = NULL;
    pqce_identity id = identity_of(v);
    int ret = pqce_store_get(v->store, MANIFEST_OBJECT, MANIFEST_MAX, &buf, &len);
    if (ret != PQCE_OK) {
        return fail(v, ret == PQCE_ERR_NOT_FOUND ? PQCE_ERR_FORMAT : ret,
                    "cannot read the manifest (%s)", pqce_error_name(ret));
    }
    pqce_options o = {PQCE_OPTIONS_VERSION, 0, 1, NULL};
    const pqce_metadata *meta;
    pqce_artifact_info info;
    if ((ret = pqce_open_buffer(&r, &o, &id, buf, len)) != PQCE_OK ||
        (ret = pqce_reader_metadata(r, &meta)) != PQCE_OK ||
        (ret = pqce_reader_info(r, &info)) != PQCE_OK) {
        ret = fail(v, ret == PQCE_ERR_NOMEM ? ret : PQCE_ERR_DECRYPT,
                   "the manifest does not open with this vault's identity (%s)",
                   pqce_error_name(ret));
        goto cleanup;
    }
    plain_len = (size_t)info.size;
    if (strcmp(meta->name, MANIFEST_NAME) != 0 || info.size > MANIFEST_MAX ||
        (plain = malloc((size_t)info.size + 1)) == NULL) {
        ret = fail(v, plain == NULL && info.size <= MANIFEST_MAX ? PQCE_ERR_NOMEM : PQCE_ERR_FORMAT,
                   "the manifest object is not a manifest");
        goto cleanup;
    }
    if ((ret = pqce_reader_read_all(r, plain, (size_t)info.size)) != PQCE_OK) {
        ret = fail(v, ret, "the manifest fails authentication");
        goto cleanup;
    }
    if ((ret = pqce_manifest_decode(m, plain, (size_t)info.size)) != PQCE_OK) {
        ret = fail(v, ret, "the manifest is malformed");
        goto cleanup;
    }
    if (memcmp(m->vault_id, v->vault_id, 16) != 0) {
        pqce_manifest_free(m);
        ret = fail(v, PQCE_ERR_FORMAT, "the manifest belongs to another vault");
        goto cleanup;
    }
    /* Rollback [V4]: the backend's counter holds the newest generation that
     * was made durable; an older manifest was restored from a copy. */
    if (pqce_backend_has_counter(v->backend)) {
        uint64_t c = 0;
        if ((ret = pqce_backend_counter_read(v->backend, &c)) != PQCE_OK) {
            pqce_manifest_free(m);
            ret = fail(v, PQCE_ERR_BACKEND, "cannot read the backend's counter");
            goto cleanup;
        }
        if (m->generation < c) {
            ret = fail(v, PQCE_ERR_ROLLBACK,
                       "the manifest is generation %llu but the backend's counter is at %llu: "
                       "an older state was restored",
                       (unsigned long long)m->generation, (unsigned long long)c);
            pqce_manifest_free(m);
            goto cleanup;
        }
        if (m->generation > c) {
            /* A crash after the rename and before the counter's advance:
             * the newer manifest is durable, so the counter catches up. */
            (void)pqce_backend_counter_advance(v->backend, m->generation);
        }
    }
    ret = PQCE_OK;
cleanup:
    pqce_reader_free(r);
    if (plain != NULL) {
        pqce_memzero(plain, plain_len);
        free(plain);
    }
    free(buf);
    return ret;
}

/* Seals and writes a manifest [V2]. */
static int manifest_store(pqce_vault *v, const pqce_manifest *m)
{
    uint8_t *plain = NULL, *sealed = NULL;
    size_t plain_len = 0, sealed_len = 0;
    uint64_t need = 0;
    int ret = pqce_manifest_encode(m, &plain, &plain_len);
    if (ret != PQCE_OK) {
        return fail(v, ret, "cannot encode the manifest");
    }
    pqce_metadata meta;
    memset(&meta, 0, sizeof meta);
    meta.name = MANIFEST_NAME;
    meta.kind = PQCE_KIND_OTHER;
    meta.device_id = v->device.device_id;
    pqce_recipient self = self_recipient(v);
    pqce_options o = v->copts;
    o.chunk_size = 0;
    if ((ret = pqce_sealed_size(&need, v->suite, 1, 0, &meta, plain_len)) != PQCE_OK ||
        need > SIZE_MAX || (sealed = malloc((size_t)need)) == NULL) {
        ret = ret != PQCE_OK ? ret : PQCE_ERR_NOMEM;
        goto cleanup;
    }
    if ((ret = pqce_seal_buffer(&o, sealed, (size_t)need, &sealed_len, NULL, &meta, &self, 1, plain,
                                plain_len)) != PQCE_OK) {
        goto cleanup;
    }
    /* [V2] temporary object, fsync, rename, directory fsync */
    ret = pqce_store_put(v->store, MANIFEST_OBJECT, sealed, sealed_len);
    if (ret != PQCE_OK) {
        char d[200];
        pqce_store_detail(v->store, d, sizeof d);
        fail(v, ret, "cannot write the manifest: %s", d);
    }
cleanup:
    if (plain != NULL) {
        pqce_memzero(plain, plain_len);
        free(plain);
    }
    free(sealed);
    return ret;
}

/* ---- pending changes and the view ------------------------------------------------ */

static void op_free(pending_op *op)
{
    pqce_manifest_entry_free(&op->entry);
    pqce_manifest_free(&op->rule);
    memset(op, 0, sizeof *op);
}

static int op_push(pqce_vault *v, pending_op *op)
{
    if (v->nops == v->capops) {
        size_t ncap = v->capops ? 2 * v->capops : 8;
        pending_op *n = realloc(v->ops, ncap * sizeof *n);
        if (n == NULL) {
            op_free(op);
            return PQCE_ERR_NOMEM;
        }
        v->ops = n;
        v->capops = ncap;
    }
    v->ops[v->nops++] = *op;
    return PQCE_OK;
}

/* A list of object names to remove after a save. */
typedef struct name_list {
    char **names;
    size_t n, cap;
} name_list;

static int names_add(name_list *l, const char *name)
{
    if (l == NULL) {
        return PQCE_OK;
    }
    if (l->n == l->cap) {
        size_t ncap = l->cap ? 2 * l->cap : 8;
        char **n = realloc(l->names, ncap * sizeof *n);
        if (n == NULL) {
            return PQCE_ERR_NOMEM;
        }
        l->names = n;
        l->cap = ncap;
    }
    if ((l->names[l->n] = strdup(name)) == NULL) {
        return PQCE_ERR_NOMEM;
    }
    l->n++;
    return PQCE_OK;
}

static void names_free(name_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->names[i]);
    }
    free(l->names);
    memset(l, 0, sizeof *l);
}

/*
 * Applies the pending changes to m (a copy of a loaded manifest). Objects
 * that the result no longer references are added to dropped. strict: a
 * "fail if exists" put whose name another writer saved is an error
 * (PQCE_ERR_EXISTS); otherwise (the view) the put replaces it.
 */
static int apply_ops(pqce_vault *v, pqce_manifest *m, name_list *dropped, int strict)
{
    for (size_t i = 0; i < v->nops; i++) {
        pending_op *op = &v->ops[i];
        int ret = PQCE_OK;
        if (op->type == OP_PUT) {
            pqce_manifest_entry *old = pqce_manifest_by_name(m, op->entry.meta.m.name);
            if (old != NULL && memcmp(old->id, op->entry.id, 16) != 0) {
                if (strict && (op->flags & PQCE_PUT_FAIL_IF_EXISTS)) {
                    return fail(v, PQCE_ERR_EXISTS,
                                "an artifact named '%s' was saved by another writer",
                                op->entry.meta.m.name);
                }
                if ((ret = names_add(dropped, old->object)) != PQCE_OK) {
                    return ret;
                }
                pqce_manifest_remove(m, old->id);
            }
            if (pqce_manifest_by_id(m, op->entry.id) == NULL) {
                ret = pqce_manifest_insert(m, &op->entry);
            }
        } else if (op->type == OP_DELETE) {
            pqce_manifest_entry *e = pqce_manifest_by_id(m, op->id);
            if (e != NULL) {
                if ((ret = names_add(dropped, e->object)) != PQCE_OK) {
                    return ret;
                }
                pqce_manifest_remove(m, op->id);
            }
        } else if (op->type == OP_RULE_SET) {
            const pqce_manifest_rule *r = &op->rule.rules[op->kind];
            pqce_policy_rule pr = {op->kind, (const char *const *)r->bundles, r->bundle_count,
                                   r->require_biometric, r->max_uses_per_hour};
            ret = pqce_manifest_rule_set(m, &pr);
        } else {
            pqce_manifest_rule_remove(m, op->kind);
        }
        if (ret != PQCE_OK) {
            return ret;
        }
    }
    return PQCE_OK;
}

/* view = saved + pending */
static int view_rebuild(pqce_vault *v)
{
    pqce_manifest next;
    int ret = pqce_manifest_copy(&next, &v->saved);
    if (ret == PQCE_OK && (ret = apply_ops(v, &next, NULL, 0)) != PQCE_OK) {
        pqce_manifest_free(&next);
    }
    if (ret == PQCE_OK) {
        pqce_manifest_free(&v->view);
        v->view = next;
    }
    return ret;
}

/* Resolves a name or an id in the view. Names may not start with "urn:",
 * so the two never collide. */
static pqce_manifest_entry *resolve(pqce_vault *v, const char *name_or_id)
{
    if (name_or_id == NULL) {
        return NULL;
    }
    if (strncmp(name_or_id, "urn:", 4) == 0) {
        uint8_t id[16];
        return pqce_artifact_id_parse(id, name_or_id) == PQCE_OK ? pqce_manifest_by_id(&v->view, id)
                                                                 : NULL;
    }
    return pqce_manifest_by_name(&v->view, name_or_id);
}

static int not_found(pqce_vault *v, pqce_audit_op op, const char *name_or_id)
{
    fail(v, PQCE_ERR_NOT_FOUND, "no artifact '%s'", name_or_id != NULL ? name_or_id : "(null)");
    audit(v, op, NULL, NULL, 0, "PQCE_ERR_NOT_FOUND", 0);
    return PQCE_ERR_NOT_FOUND;
}

/* ---- lifecycle -------------------------------------------------------------------- */

static int vault_alloc(pqce_vault **out, pqce_backend *backend, pqce_store *store,
                       const pqce_vault_options *opts)
{
    *out = NULL;
    /* version 1 lacks flags (the struct was shorter): never read it there */
    if (backend == NULL || store == NULL ||
        (opts != NULL && (opts->version < 1 || opts->version > PQCE_VAULT_OPTIONS_VERSION ||
                          (opts->version >= 2 && (opts->flags & ~PQCE_VAULT_KEYRING_CACHE))))) {
        return PQCE_ERR_INVALID_ARG;
    }
    pqce_vault *v = calloc(1, sizeof *v);
    if (v == NULL) {
        return PQCE_ERR_NOMEM;
    }
    v->backend = backend;
    v->store = store;
    v->copts.version = PQCE_OPTIONS_VERSION;
    v->lock_timeout_ms = DEFAULT_LOCK_MS;
    if (opts != NULL) {
        v->copts.chunk_size = opts->chunk_size;
        v->copts.threads = opts->threads;
        if (opts->rng != NULL) {
            v->rng_copy = *opts->rng;
            v->has_rng = 1;
        }
        if (opts->lock_timeout_ms != 0) {
            v->lock_timeout_ms = opts->lock_timeout_ms;
        }
        v->keyring_cache = opts->version >= 2 && (opts->flags & PQCE_VAULT_KEYRING_CACHE) != 0;
    }
    v->copts.rng = v->has_rng ? &v->rng_copy : NULL;
    int ret = pqce_backend_device_info(backend, &v->device);
    if (ret != PQCE_OK) {
        free(v);
        return ret;
    }
    *out = v;
    return PQCE_OK;
}

int pqce_vault_create(pqce_vault **out, pqce_backend *backend, pqce_store *store,
                      const pqce_vault_options *opts)
{
    pqce_vault *v = NULL;
    uint8_t aad[64];
    uint64_t size;
    if (out == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    int ret = vault_alloc(&v, backend, store, opts);
    if (ret != PQCE_OK) {
        return ret;
    }
    v->suite = opts != NULL && opts->suite != 0 ? opts->suite : PQCE_SUITE_MLKEM768;
    v->dsa_alg = opts != NULL && opts->attestation_alg != 0 ? opts->attestation_alg : 65;
    if (pqce_suite_find(v->suite) == NULL || (v->dsa_alg != 65 && v->dsa_alg != 87)) {
        pqce_vault_free(v);
        return PQCE_ERR_INVALID_ARG;
    }
    if ((ret = pqce_store_lock(store, v->lock_timeout_ms)) != PQCE_OK) {
        pqce_vault_free(v);
        return ret;
    }
    if (pqce_store_size(store, DESCRIPTOR_OBJECT, &size) == PQCE_OK) {
        ret = fail(v, PQCE_ERR_EXISTS, "the store already holds a vault");
        goto cleanup;
    }
    if ((ret = pqce_session_new(&v->session)) != PQCE_OK) {
        goto cleanup;
    }
    /* The seeds come from the OS CSPRNG (or the caller's rng) and go
     * straight into the locked session memory. */
    if ((ret = pqce_random_bytes(v->copts.rng, v->vault_id, sizeof v->vault_id)) != PQCE_OK ||
        (ret = pqce_random_bytes(v->copts.rng, v->session->secret, PQCE_VAULT_SECRET_BYTES)) !=
            PQCE_OK) {
        goto cleanup;
    }
    size_t aad_len = secret_aad(v, aad);
    ret = pqce_backend_seal(backend, v->blob, sizeof v->blob, &v->blob_len, v->session->secret,
                            PQCE_VAULT_SECRET_BYTES, aad, aad_len);
    if (ret != PQCE_OK) {
        char d[200];
        pqce_backend_detail(backend, d, sizeof d);
        ret = fail(v, ret, "the backend could not seal the vault's secret: %s", d);
        goto cleanup;
    }
    v->session->expires_ms = pqce_session_now_ms() + 60000;
    if ((ret = session_derive(v)) != PQCE_OK) {
        goto cleanup;
    }
    pqce_manifest_init(&v->saved, v->vault_id);
    pqce_manifest_init(&v->view, v->vault_id);
    /* A monotonic counter cannot be reset: the first manifest starts at its
     * current value [V4]. */
    if (pqce_backend_has_counter(backend) &&
        pqce_backend_counter_read(backend, &v->saved.generation) != PQCE_OK) {
        ret = fail(v, PQCE_ERR_BACKEND, "cannot read the backend's counter");
        goto cleanup;
    }
    /* The empty manifest first, then the descriptor: a store with a
     * descriptor always has a manifest. */
    if ((ret = manifest_store(v, &v->saved)) != PQCE_OK || (ret = descriptor_write(v)) != PQCE_OK) {
        goto cleanup;
    }
    ret = pqce_audit_open(&v->audit, store, AUDIT_OBJECT);
cleanup:
    pqce_store_unlock(store);
    session_end(v);
    if (ret != PQCE_OK) {
        pqce_vault_free(v);
        return ret;
    }
    *out = v;
    return PQCE_OK;
}

int pqce_vault_open(pqce_vault **out, pqce_backend *backend, pqce_store *store,
                    const pqce_vault_options *opts)
{
    pqce_vault *v = NULL;
    if (out == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *out = NULL;
    int ret = vault_alloc(&v, backend, store, opts);
    if (ret != PQCE_OK) {
        return ret;
    }
    if ((ret = descriptor_read(v)) != PQCE_OK) {
        pqce_vault_free(v);
        return ret;
    }
    /* A damaged audit log must not lock the owner out of the artifacts: the
     * vault opens without it, pqce_vault_audit_verify reports the damage,
     * and rate-limited gets are refused (the window cannot be counted). */
    ret = pqce_audit_open(&v->audit, store, AUDIT_OBJECT);
    if (ret == PQCE_ERR_FORMAT) {
        v->audit = NULL;
        v->audit_damaged = 1;
    } else if (ret != PQCE_OK) {
        pqce_vault_free(v);
        return ret;
    }
    pqce_manifest_init(&v->saved, v->vault_id);
    pqce_manifest_init(&v->view, v->vault_id);
    *out = v;
    return PQCE_OK;
}

static void discard_pending(pqce_vault *v)
{
    for (size_t i = 0; i < v->nops; i++) {
        /* an unsaved put's object is referenced by no manifest */
        if (v->ops[i].type == OP_PUT) {
            (void)pqce_store_remove(v->store, v->ops[i].entry.object);
        }
        op_free(&v->ops[i]);
    }
    free(v->ops);
    v->ops = NULL;
    v->nops = v->capops = 0;
}

void pqce_vault_free(pqce_vault *v)
{
    if (v == NULL) {
        return;
    }
    session_end(v);
    discard_pending(v);
    pqce_audit_close(v->audit);
    pqce_manifest_free(&v->saved);
    pqce_manifest_free(&v->view);
    pqce_memzero(v, sizeof *v);
    free(v);
}

static int vault_unlock(pqce_vault *v, int64_t ttl_seconds, int cache_only)
{
    uint8_t aad[64];
    size_t secret_len = 0;
    pqce_manifest loaded;
    if (v == NULL || ttl_seconds < 0 || ttl_seconds > INT64_MAX / 1000 - 1) {
        return PQCE_ERR_INVALID_ARG;
    }
    int64_t ttl_ms = (ttl_seconds == 0 ? PQCE_DEFAULT_TTL_SECONDS : ttl_seconds) * 1000;
    if (session_alive(v)) {
        /* already unlocked: extend the session, keep everything */
        v->session->expires_ms = pqce_session_now_ms() + ttl_ms;
        audit(v, PQCE_AUDIT_UNLOCK, NULL, NULL, 1, "session extended", 0);
        return PQCE_OK;
    }
    int ret = pqce_session_new(&v->session);
    if (ret != PQCE_OK) {
        return fail(v, ret, "cannot allocate session memory");
    }
    /* The keyring cache (opt-in) replaces the unseal, not the rollback
     * check below: manifest_load still asks the backend's counter. */
    int from_cache =
        v->keyring_cache && pqce_keyring_cache_get(v->session->secret, PQCE_VAULT_SECRET_BYTES,
                                                   v->vault_id, v->blob, v->blob_len) == PQCE_OK;
    if (cache_only && !from_cache) {
        /* nothing was tried that could fail: no audit record */
        session_end(v);
        return fail(v, PQCE_ERR_NOT_FOUND, "the session keyring holds no secret of this vault");
    }
    size_t aad_len = secret_aad(v, aad);
    ret = from_cache ? PQCE_OK
                     : pqce_backend_unseal(v->backend, v->session->secret, PQCE_VAULT_SECRET_BYTES,
                                           &secret_len, v->blob, v->blob_len, aad, aad_len);
    if (ret == PQCE_OK && !from_cache && secret_len != PQCE_VAULT_SECRET_BYTES) {
        ret = PQCE_ERR_BACKEND;
    }
    if (ret != PQCE_OK) {
        /* a wrong PIN and a refusing hardware policy (PCRs) keep their codes */
        int err = ret == PQCE_ERR_LOCKED || ret == PQCE_ERR_POLICY ? ret : PQCE_ERR_BACKEND;
        char d[200];
        pqce_backend_detail(v->backend, d, sizeof d);
        fail(v, err, "unlock failed: %s", d[0] != '\0' ? d : pqce_strerror(ret));
        session_end(v);
        audit(v, PQCE_AUDIT_UNLOCK, NULL, NULL, 0, pqce_error_name(err), 0);
        return err;
    }
    v->session->expires_ms = pqce_session_now_ms() + ttl_ms;
    if ((ret = session_derive(v)) != PQCE_OK) {
        session_end(v);
        return fail(v, ret, "cannot derive the session's keys");
    }
    /* Reload the saved state (another handle may have saved) and keep this
     * handle's unsaved changes on top of it. */
    if ((ret = manifest_load(v, &loaded)) != PQCE_OK) {
        if (from_cache) {
            pqce_keyring_cache_drop(v->vault_id); /* the next unlock asks the backend */
        }
        session_end(v);
        audit(v, PQCE_AUDIT_UNLOCK, NULL, NULL, 0, pqce_error_name(ret), 0);
        return ret;
    }
    pqce_manifest_free(&v->saved);
    v->saved = loaded;
    if ((ret = view_rebuild(v)) != PQCE_OK) {
        session_end(v);
        return fail(v, ret, "cannot rebuild the view");
    }
    if (v->audit != NULL) {
        pqce_audit_set_key(v->audit, v->session->audit_key);
        (void)pqce_audit_refresh(v->audit);
    }
    /* Only a secret that opened the manifest is cached, for the TTL. */
    if (v->keyring_cache && !from_cache) {
        int64_t ttl_s = ttl_ms / 1000;
        (void)pqce_keyring_cache_put(v->vault_id, v->blob, v->blob_len, v->session->secret,
                                     PQCE_VAULT_SECRET_BYTES,
                                     ttl_s > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)ttl_s);
    }
    char details[192], key_id[PQCE_KEY_ID_BYTES];
    key_id_of(v, key_id);
    snprintf(details, sizeof details, "key_id=%s ttl=%llds%s%s", key_id, (long long)(ttl_ms / 1000),
             from_cache ? " (from the keyring cache)" : "",
             v->session->memory_locked ? "" : " (memory not locked: RLIMIT_MEMLOCK)");
    audit(v, PQCE_AUDIT_UNLOCK, NULL, NULL, 1, details, 0);
    return PQCE_OK;
}

int pqce_vault_unlock(pqce_vault *v, int64_t ttl_seconds)
{
    return vault_unlock(v, ttl_seconds, 0);
}

int pqce_vault_unlock_cached(pqce_vault *v, int64_t ttl_seconds)
{
    if (v != NULL && !v->keyring_cache) {
        return fail(v, PQCE_ERR_NOT_FOUND, "this handle was opened without the keyring cache");
    }
    return vault_unlock(v, ttl_seconds, 1);
}

int pqce_vault_lock(pqce_vault *v)
{
    if (v == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (session_alive(v)) {
        audit(v, PQCE_AUDIT_LOCK, NULL, NULL, 1, "", 0);
    } else {
        audit(v, PQCE_AUDIT_LOCK, NULL, NULL, 1, "already locked", 0);
    }
    session_end(v);
    if (v->keyring_cache) {
        pqce_keyring_cache_drop(v->vault_id); /* lock means locked everywhere */
    }
    return PQCE_OK;
}

int pqce_vault_has_unsaved_changes(const pqce_vault *v)
{
    return v != NULL && v->nops > 0;
}

int pqce_vault_device_info(pqce_vault *v, pqce_device_info *info)
{
    if (v == NULL || info == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *info = v->device;
    return PQCE_OK;
}

int pqce_vault_recipient(pqce_vault *v, uint16_t *suite, uint8_t *key, size_t cap, size_t *key_len)
{
    if (v == NULL || suite == NULL || key == NULL || key_len == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (!session_alive(v)) {
        return fail(v, PQCE_ERR_LOCKED, "enclave vault is locked; call unlock() first");
    }
    size_t n = v->session->kem.suite->recipient_len;
    if (cap < n) {
        *key_len = n;
        return PQCE_ERR_INVALID_ARG;
    }
    memcpy(key, v->session->kem.pk, n);
    *key_len = n;
    *suite = v->suite;
    return PQCE_OK;
}

static void key_id_of(const pqce_vault *v, char out[PQCE_KEY_ID_BYTES])
{
    static const char digits[] = "0123456789abcdef";
    uint8_t d[32];
    size_t p = strlen(PQCE_KEY_ID_PREFIX);
    pqce_keccak_sha3_256(d, v->session->kem.pk, v->session->kem.suite->recipient_len);
    memcpy(out, PQCE_KEY_ID_PREFIX, p);
    for (size_t i = 0; i < 16; i++) {
        out[p + 2 * i] = digits[d[i] >> 4];
        out[p + 2 * i + 1] = digits[d[i] & 15];
    }
    out[p + 32] = '\0';
}

int pqce_vault_key_id(pqce_vault *v, char key_id[PQCE_KEY_ID_BYTES])
{
    if (v == NULL || key_id == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (!session_alive(v)) {
        return fail(v, PQCE_ERR_LOCKED, "enclave vault is locked; call unlock() first");
    }
    key_id_of(v, key_id);
    return PQCE_OK;
}

/* ---- save ---------------------------------------------------------------------- */

/* 1 if the process that wrote an object (its name starts with the pid) is
 * gone, so an unreferenced object of it is an orphan. */
static int writer_gone(const char *object)
{
    const char *p = object + strlen(OBJECTS_PREFIX);
    char *end = NULL;
    long pid = strtol(p, &end, 10);
    if (end == p || *end != '-' || pid <= 0 || pid == (long)getpid()) {
        return 0;
    }
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

typedef struct gc_ctx {
    pqce_vault *v;
    const pqce_manifest *m;
    name_list *remove;
} gc_ctx;

static int gc_visit(void *arg, const char *name)
{
    gc_ctx *g = arg;
    for (size_t i = 0; i < g->m->count; i++) {
        if (strcmp(g->m->entries[i].object, name) == 0) {
            return PQCE_OK;
        }
    }
    for (size_t i = 0; i < g->v->nops; i++) {
        if (g->v->ops[i].type == OP_PUT && strcmp(g->v->ops[i].entry.object, name) == 0) {
            return PQCE_OK;
        }
    }
    return writer_gone(name) ? names_add(g->remove, name) : PQCE_OK;
}

int pqce_vault_save(pqce_vault *v)
{
    pqce_manifest base, next;
    name_list dropped = {0};
    int have_base = 0, have_next = 0;
    if (v == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    int ret = require_unlocked(v, PQCE_AUDIT_SAVE);
    if (ret != PQCE_OK) {
        return ret;
    }
    /* [V5] one writer at a time */
    if ((ret = pqce_store_lock(v->store, v->lock_timeout_ms)) != PQCE_OK) {
        fail(v, ret, "another writer holds the vault's lock");
        return audit_fail(v, PQCE_AUDIT_SAVE, NULL, NULL, ret);
    }
    /* [V5] the newest saved state, checked for rollback [V4] */
    if ((ret = manifest_load(v, &base)) != PQCE_OK) {
        goto cleanup;
    }
    have_base = 1;
    if ((ret = pqce_manifest_copy(&next, &base)) != PQCE_OK) {
        goto cleanup;
    }
    have_next = 1;
    if ((ret = apply_ops(v, &next, &dropped, 1)) != PQCE_OK) {
        goto cleanup;
    }
    /* [V4] the generation never decreases */
    uint64_t counter = 0;
    if (pqce_backend_has_counter(v->backend) &&
        pqce_backend_counter_read(v->backend, &counter) != PQCE_OK) {
        ret = fail(v, PQCE_ERR_BACKEND, "cannot read the backend's counter");
        goto cleanup;
    }
    next.generation = (base.generation > counter ? base.generation : counter) + 1;
    next.saved_ms = wall_ms();
    /* The manifest records the audit log's length and head, and never a
     * shorter log than the one it recorded before: if the log no longer
     * begins with the saved (count, head), it was cut back or replaced, and
     * keeping the old pair keeps that evident to pqce_vault_audit_verify. */
    if (v->audit != NULL && pqce_audit_refresh(v->audit) == PQCE_OK &&
        (base.audit_count == 0 ||
         pqce_audit_extends(v->audit, base.audit_count, base.audit_head) == PQCE_OK)) {
        pqce_audit_head(v->audit, &next.audit_count, next.audit_head);
    }
    /* [V1] every object next references was committed at its put; [V2] */
    if ((ret = manifest_store(v, &next)) != PQCE_OK) {
        goto cleanup;
    }
    /* [V4] the counter follows the durable manifest */
    if (pqce_backend_has_counter(v->backend) &&
        pqce_backend_counter_advance(v->backend, next.generation) != PQCE_OK) {
        /* The manifest is durable; the next unlock advances the counter
         * (manifest newer than counter), so this is not an error. */
        fail(v, PQCE_OK, "the backend's counter could not be advanced; it will catch up");
    }
    /* [V3] now that the new manifest is durable, drop what it no longer
     * references: replaced and deleted objects, and orphans of writers that
     * died before their save. */
    gc_ctx g = {v, &next, &dropped};
    (void)pqce_store_list(v->store, OBJECTS_PREFIX, gc_visit, &g);
    for (size_t i = 0; i < dropped.n; i++) {
        int referenced = 0;
        for (size_t j = 0; j < next.count; j++) {
            referenced |= strcmp(next.entries[j].object, dropped.names[i]) == 0;
        }
        if (!referenced) {
            (void)pqce_store_remove(v->store, dropped.names[i]);
        }
    }
    /* the changes are saved */
    for (size_t i = 0; i < v->nops; i++) {
        op_free(&v->ops[i]);
    }
    v->nops = 0;
    pqce_manifest_free(&v->saved);
    v->saved = next;
    have_next = 0;
    ret = view_rebuild(v);
    char saved_details[64];
    snprintf(saved_details, sizeof saved_details, "generation=%llu",
             (unsigned long long)v->saved.generation);
    audit(v, PQCE_AUDIT_SAVE, NULL, NULL, 1, saved_details, 1);
cleanup:
    if (ret != PQCE_OK) {
        char details[300];
        snprintf(details, sizeof details, "%s: %s", pqce_error_name(ret), v->detail);
        audit(v, PQCE_AUDIT_SAVE, NULL, NULL, 0, details, 1);
    }
    pqce_store_unlock(v->store);
    if (have_base) {
        pqce_manifest_free(&base);
    }
    if (have_next) {
        pqce_manifest_free(&next);
    }
    names_free(&dropped);
    return ret;
}

/* ---- put --------------------------------------------------------------------------- */

typedef struct object_sink {
    pqce_store *store;
    void *handle;
} object_sink;

static int sink_write(void *ctx, const uint8_t *buf, size_t len)
{
    object_sink *s = ctx;
    return pqce_store_write(s->store, s->handle, buf, len);
}

typedef struct buffer_source {
    const uint8_t *p;
    size_t left;
} buffer_source;

static int buffer_read(void *ctx, uint8_t *buf, size_t cap, size_t *got)
{
    buffer_source *b = ctx;
    size_t n = b->left < cap ? b->left : cap;
    memcpy(buf, b->p, n);
    b->p += n;
    b->left -= n;
    *got = n;
    return 0;
}

static int put_common(pqce_vault *v, pqce_artifact_ref *ref, const pqce_metadata *meta,
                      const uint8_t *content, size_t content_len, int fd, pqce_read_fn read_fn,
                      void *read_ctx, unsigned flags)
{
    char object[PQCE_STORE_NAME_MAX + 1];
    uint8_t rnd[8];
    void *handle = NULL;
    pqce_artifact_info info;
    pending_op op;
    memset(&op, 0, sizeof op);
    if (ref != NULL) {
        memset(ref, 0, sizeof *ref);
    }
    int ret = require_unlocked(v, PQCE_AUDIT_PUT);
    if (ret != PQCE_OK) {
        return ret;
    }
    if (meta == NULL || (flags & ~PQCE_PUT_FAIL_IF_EXISTS) != 0 ||
        pqce_metadata_check(meta) != PQCE_OK || strncmp(meta->name, "urn:", 4) == 0) {
        fail(v, PQCE_ERR_INVALID_ARG,
             "invalid metadata (a name of 1 to 1024 bytes of UTF-8 not starting with \"urn:\", "
             "a known kind, fields within their bounds)");
        return audit_fail(v, PQCE_AUDIT_PUT, NULL, NULL, PQCE_ERR_INVALID_ARG);
    }
    if ((flags & PQCE_PUT_FAIL_IF_EXISTS) && pqce_manifest_by_name(&v->view, meta->name) != NULL) {
        fail(v, PQCE_ERR_EXISTS, "an artifact named '%s' exists", meta->name);
        return audit_fail(v, PQCE_AUDIT_PUT, NULL, NULL, PQCE_ERR_EXISTS);
    }
    /* The metadata the vault records: the caller's, with the device and
     * creation time filled in. */
    pqce_metadata m = *meta;
    m.device_id = v->device.device_id;
    m.created_ms = wall_ms();
    m.size = fd >= 0 || read_fn != NULL ? PQCE_SIZE_UNKNOWN : content_len;
    if ((ret = pqce_random_bytes(v->copts.rng, rnd, sizeof rnd)) != PQCE_OK) {
        return audit_fail(v, PQCE_AUDIT_PUT, NULL, NULL, fail(v, ret, "no randomness"));
    }
    snprintf(object, sizeof object, "%s%ld-%02x%02x%02x%02x%02x%02x%02x%02x.pqce", OBJECTS_PREFIX,
             (long)getpid(), rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
    if ((ret = pqce_store_write_begin(v->store, &handle, object)) != PQCE_OK) {
        fail(v, ret, "cannot create the artifact's object");
        return audit_fail(v, PQCE_AUDIT_PUT, NULL, NULL, ret);
    }
    object_sink os = {v->store, handle};
    pqce_sink sink = {sink_write, &os};
    pqce_recipient self = self_recipient(v);
    buffer_source bs = {content, content_len};
    if (fd < 0 && read_fn == NULL) {
        read_fn = buffer_read;
        read_ctx = &bs;
    }
    ret = pqce_seal_to_sink(&v->copts, &sink, &info, &m, &self, 1, fd, fd >= 0 ? NULL : read_fn,
                            fd >= 0 ? NULL : read_ctx);
    if (ret != PQCE_OK) {
        pqce_store_write_abort(v->store, handle);
        fail(v, ret, "sealing the artifact failed");
        return audit_fail(v, PQCE_AUDIT_PUT, NULL, NULL, ret);
    }
    /* [V1] the object is durable before any manifest references it */
    if ((ret = pqce_store_write_commit(v->store, handle)) != PQCE_OK) {
        char d[200];
        pqce_store_detail(v->store, d, sizeof d);
        fail(v, ret, "cannot commit the artifact's object: %s", d);
        return audit_fail(v, PQCE_AUDIT_PUT, NULL, NULL, ret);
    }
    m.size = info.size;
    op.type = OP_PUT;
    op.flags = flags;
    if ((ret = pqce_manifest_entry_make(&op.entry, info.artifact_id, info.content_sha3_256,
                                        info.size, object, &m)) != PQCE_OK ||
        (ret = op_push(v, &op)) != PQCE_OK || (ret = view_rebuild(v)) != PQCE_OK) {
        op_free(&op);
        (void)pqce_store_remove(v->store, object);
        fail(v, ret, "cannot record the artifact");
        return audit_fail(v, PQCE_AUDIT_PUT, NULL, NULL, ret);
    }
    const pqce_manifest_entry *e = &v->ops[v->nops - 1].entry;
    if (ref != NULL) {
        memcpy(ref->id, e->id_str, sizeof ref->id);
        memcpy(ref->sha3_256_hex, e->sha3_hex, sizeof ref->sha3_256_hex);
        ref->size = e->size;
    }
    audit(v, PQCE_AUDIT_PUT, e, NULL, 1, "", 0);
    return PQCE_OK;
}

int pqce_vault_put(pqce_vault *v, pqce_artifact_ref *ref, const pqce_metadata *meta,
                   const uint8_t *content, size_t content_len, unsigned flags)
{
    if (v == NULL || (content == NULL && content_len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    return put_common(v, ref, meta, content, content_len, -1, NULL, NULL, flags);
}

int pqce_vault_put_fd(pqce_vault *v, pqce_artifact_ref *ref, const pqce_metadata *meta, int fd,
                      unsigned flags)
{
    if (v == NULL || fd < 0) {
        return PQCE_ERR_INVALID_ARG;
    }
    return put_common(v, ref, meta, NULL, 0, fd, NULL, NULL, flags);
}

int pqce_vault_put_reader(pqce_vault *v, pqce_artifact_ref *ref, const pqce_metadata *meta,
                          pqce_read_fn read_fn, void *read_ctx, unsigned flags)
{
    if (v == NULL || read_fn == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    return put_common(v, ref, meta, NULL, 0, -1, read_fn, read_ctx, flags);
}

static int copy_fd_to_object(pqce_vault *v, int fd, uint64_t size, const char *object)
{
    void *handle = NULL;
    uint8_t *buf = malloc(1 << 20);
    int ret = buf == NULL ? PQCE_ERR_NOMEM : pqce_store_write_begin(v->store, &handle, object);
    for (uint64_t off = 0; ret == PQCE_OK && off < size;) {
        size_t want = size - off < (1u << 20) ? (size_t)(size - off) : (1u << 20);
        ssize_t n = pread(fd, buf, want, (off_t)off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            ret = PQCE_ERR_IO;
            break;
        }
        ret = pqce_store_write(v->store, handle, buf, (size_t)n);
        off += (uint64_t)n;
    }
    free(buf);
    if (handle != NULL) {
        if (ret == PQCE_OK) {
            ret = pqce_store_write_commit(v->store, handle); /* [V1] */
        } else {
            pqce_store_write_abort(v->store, handle);
        }
    }
    return ret;
}

int pqce_vault_import_fd(pqce_vault *v, pqce_artifact_ref *ref, int fd, unsigned flags)
{
    char object[PQCE_STORE_NAME_MAX + 1];
    uint8_t rnd[8];
    pqce_reader *r = NULL;
    pqce_artifact_info info;
    const pqce_metadata *meta;
    pending_op op;
    memset(&op, 0, sizeof op);
    if (v == NULL || fd < 0 || (flags & ~PQCE_PUT_FAIL_IF_EXISTS) != 0) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (ref != NULL) {
        memset(ref, 0, sizeof *ref);
    }
    int ret = require_unlocked(v, PQCE_AUDIT_PUT);
    if (ret != PQCE_OK) {
        return ret;
    }
    pqce_identity id = identity_of(v);
    if ((ret = pqce_open_fd(&r, &v->copts, &id, fd)) != PQCE_OK) {
        fail(v, ret, "the file does not open with this vault's identity (%s)",
             pqce_error_name(ret));
        return audit_fail(v, PQCE_AUDIT_PUT, NULL, NULL, ret);
    }
    if ((ret = pqce_reader_verify(r)) != PQCE_OK || (ret = pqce_reader_info(r, &info)) != PQCE_OK ||
        (ret = pqce_reader_metadata(r, &meta)) != PQCE_OK) {
        pqce_reader_free(r);
        fail(v, ret, "the file fails verification");
        return audit_fail(v, PQCE_AUDIT_PUT, NULL, NULL, ret);
    }
    if (strncmp(meta->name, "urn:", 4) == 0) {
        ret = fail(v, PQCE_ERR_INVALID_ARG, "the artifact's name starts with \"urn:\"");
    } else if ((flags & PQCE_PUT_FAIL_IF_EXISTS) &&
               pqce_manifest_by_name(&v->view, meta->name) != NULL) {
        ret = fail(v, PQCE_ERR_EXISTS, "an artifact named '%s' exists", meta->name);
    } else if (pqce_manifest_by_id(&v->view, info.artifact_id) != NULL) {
        ret = fail(v, PQCE_ERR_EXISTS, "this artifact is already in the vault");
    } else if ((ret = pqce_random_bytes(v->copts.rng, rnd, sizeof rnd)) == PQCE_OK) {
        snprintf(object, sizeof object, "%s%ld-%02x%02x%02x%02x%02x%02x%02x%02x.pqce",
                 OBJECTS_PREFIX, (long)getpid(), rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5],
                 rnd[6], rnd[7]);
        ret = copy_fd_to_object(v, fd, info.sealed_size, object);
        if (ret != PQCE_OK) {
            fail(v, ret, "cannot copy the file into the store");
        }
    }
    if (ret == PQCE_OK) {
        op.type = OP_PUT;
        op.flags = flags;
        if ((ret = pqce_manifest_entry_make(&op.entry, info.artifact_id, info.content_sha3_256,
                                            info.size, object, meta)) != PQCE_OK ||
            (ret = op_push(v, &op)) != PQCE_OK || (ret = view_rebuild(v)) != PQCE_OK) {
            op_free(&op);
            (void)pqce_store_remove(v->store, object);
            fail(v, ret, "cannot record the artifact");
        }
    }
    pqce_reader_free(r);
    if (ret != PQCE_OK) {
        return audit_fail(v, PQCE_AUDIT_PUT, NULL, NULL, ret);
    }
    const pqce_manifest_entry *e = &v->ops[v->nops - 1].entry;
    if (ref != NULL) {
        memcpy(ref->id, e->id_str, sizeof ref->id);
        memcpy(ref->sha3_256_hex, e->sha3_hex, sizeof ref->sha3_256_hex);
        ref->size = e->size;
    }
    audit(v, PQCE_AUDIT_PUT, e, NULL, 1, "imported", 0);
    return PQCE_OK;
}

/* ---- delete, list, stat ---------------------------------------------------------------- */

int pqce_vault_delete(pqce_vault *v, const char *name_or_id)
{
    if (v == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    int ret = require_unlocked(v, PQCE_AUDIT_DELETE);
    if (ret != PQCE_OK) {
        return ret;
    }
    pqce_manifest_entry *e = resolve(v, name_or_id);
    if (e == NULL) {
        return not_found(v, PQCE_AUDIT_DELETE, name_or_id);
    }
    pqce_manifest_entry gone;
    if ((ret = pqce_manifest_entry_copy(&gone, e)) != PQCE_OK) {
        return fail(v, ret, "out of memory");
    }
    pending_op op;
    memset(&op, 0, sizeof op);
    op.type = OP_DELETE;
    memcpy(op.id, e->id, 16);
    if ((ret = op_push(v, &op)) != PQCE_OK || (ret = view_rebuild(v)) != PQCE_OK) {
        pqce_manifest_entry_free(&gone);
        return fail(v, ret, "out of memory");
    }
    audit(v, PQCE_AUDIT_DELETE, &gone, NULL, 1, "", 0);
    pqce_manifest_entry_free(&gone);
    return PQCE_OK;
}

struct pqce_artifact_list {
    pqce_manifest m; /* owns the entries */
    pqce_artifact_entry *items;
    size_t n;
};

static int make_list(pqce_artifact_list **out, const pqce_manifest *src, int kind,
                     const pqce_manifest_entry *only)
{
    pqce_artifact_list *l = calloc(1, sizeof *l);
    if (l == NULL) {
        return PQCE_ERR_NOMEM;
    }
    pqce_manifest_init(&l->m, NULL);
    int ret = PQCE_OK;
    for (size_t i = 0; i < src->count && ret == PQCE_OK; i++) {
        const pqce_manifest_entry *e = &src->entries[i];
        if ((only == NULL || e == only) && (kind == PQCE_KIND_ANY || (int)e->meta.m.kind == kind)) {
            ret = pqce_manifest_insert(&l->m, e);
        }
    }
    l->items = calloc(l->m.count + 1, sizeof *l->items);
    if (ret != PQCE_OK || l->items == NULL) {
        pqce_artifact_list_free(l);
        return ret != PQCE_OK ? ret : PQCE_ERR_NOMEM;
    }
    for (size_t i = 0; i < l->m.count; i++) {
        l->items[i].id = l->m.entries[i].id_str;
        l->items[i].sha3_256_hex = l->m.entries[i].sha3_hex;
        l->items[i].meta = l->m.entries[i].meta.m;
    }
    l->n = l->m.count;
    *out = l;
    return PQCE_OK;
}

int pqce_vault_list(pqce_vault *v, pqce_artifact_list **list, int kind)
{
    if (v == NULL || list == NULL ||
        (kind != PQCE_KIND_ANY && pqce_kind_name((pqce_kind)kind) == NULL)) {
        return PQCE_ERR_INVALID_ARG;
    }
    *list = NULL;
    int ret = require_unlocked(v, PQCE_AUDIT_LIST);
    if (ret != PQCE_OK) {
        return ret;
    }
    ret = make_list(list, &v->view, kind, NULL);
    char details[64];
    snprintf(details, sizeof details, "%zu artifacts", ret == PQCE_OK ? (*list)->n : (size_t)0);
    audit(v, PQCE_AUDIT_LIST, NULL, NULL, ret == PQCE_OK,
          ret == PQCE_OK ? details : pqce_error_name(ret), 0);
    return ret;
}

int pqce_vault_stat(pqce_vault *v, pqce_artifact_list **list, const char *name_or_id)
{
    if (v == NULL || list == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *list = NULL;
    int ret = require_unlocked(v, PQCE_AUDIT_LIST);
    if (ret != PQCE_OK) {
        return ret;
    }
    pqce_manifest_entry *e = resolve(v, name_or_id);
    if (e == NULL) {
        return not_found(v, PQCE_AUDIT_LIST, name_or_id);
    }
    return make_list(list, &v->view, PQCE_KIND_ANY, e);
}

size_t pqce_artifact_list_count(const pqce_artifact_list *l)
{
    return l != NULL ? l->n : 0;
}

const pqce_artifact_entry *pqce_artifact_list_at(const pqce_artifact_list *l, size_t i)
{
    return l != NULL && i < l->n ? &l->items[i] : NULL;
}

void pqce_artifact_list_free(pqce_artifact_list *l)
{
    if (l == NULL) {
        return;
    }
    pqce_manifest_free(&l->m);
    free(l->items);
    free(l);
}

int pqce_content_hash_hex(char hex[PQCE_SHA3_HEX_BYTES], const uint8_t *buf, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    uint8_t d[32];
    if (hex == NULL || (buf == NULL && len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    pqce_keccak_sha3_256(d, buf, len);
    for (size_t i = 0; i < 32; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[64] = '\0';
    return PQCE_OK;
}

/* ---- policy ------------------------------------------------------------------------------ */

int pqce_vault_policy_set(pqce_vault *v, const pqce_policy_rule *rule)
{
    if (v == NULL || rule == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    int ret = require_unlocked(v, PQCE_AUDIT_SAVE);
    if (ret != PQCE_OK) {
        return ret;
    }
    pending_op op;
    memset(&op, 0, sizeof op);
    op.type = OP_RULE_SET;
    op.kind = rule->kind;
    pqce_manifest_init(&op.rule, NULL);
    if ((ret = pqce_manifest_rule_set(&op.rule, rule)) != PQCE_OK) {
        op_free(&op);
        return fail(v, ret, "invalid rule (a known kind, at most 64 bundle ids of 1 to 255 bytes)");
    }
    if ((ret = op_push(v, &op)) != PQCE_OK || (ret = view_rebuild(v)) != PQCE_OK) {
        return fail(v, ret, "out of memory");
    }
    return PQCE_OK;
}

int pqce_vault_policy_remove(pqce_vault *v, pqce_kind kind)
{
    if (v == NULL || pqce_kind_name(kind) == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    int ret = require_unlocked(v, PQCE_AUDIT_SAVE);
    if (ret != PQCE_OK) {
        return ret;
    }
    pending_op op;
    memset(&op, 0, sizeof op);
    op.type = OP_RULE_REMOVE;
    op.kind = kind;
    if ((ret = op_push(v, &op)) != PQCE_OK || (ret = view_rebuild(v)) != PQCE_OK) {
        return fail(v, ret, "out of memory");
    }
    return PQCE_OK;
}

int pqce_vault_policy_get(pqce_vault *v, pqce_kind kind, pqce_policy_rule *rule)
{
    if (v == NULL || rule == NULL || pqce_kind_name(kind) == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    memset(rule, 0, sizeof *rule);
    if (!session_alive(v)) {
        return fail(v, PQCE_ERR_LOCKED, "enclave vault is locked; call unlock() first");
    }
    const pqce_manifest_rule *r = &v->view.rules[kind];
    if (!r->present) {
        return fail(v, PQCE_ERR_NOT_FOUND, "no rule for %s", pqce_kind_name(kind));
    }
    rule->kind = kind;
    rule->allowed_bundle_ids = (const char *const *)r->bundles;
    rule->allowed_count = r->bundle_count;
    rule->require_biometric = r->require_biometric;
    rule->max_uses_per_hour = r->max_uses_per_hour;
    return PQCE_OK;
}

/* The access policy for a get [pqce.h, "Access policy"]. A denial is
 * audited as a policy violation. */
static int policy_check(pqce_vault *v, const pqce_manifest_entry *e, const char *caller)
{
    const char *kind = pqce_kind_name(e->meta.m.kind);
    const pqce_manifest_rule *r = &v->view.rules[e->meta.m.kind];
    const char *who = caller != NULL ? caller : "";
    if (!r->present) {
        return PQCE_OK;
    }
    if (r->bundle_count > 0) {
        int allowed = 0;
        for (size_t i = 0; i < r->bundle_count; i++) {
            allowed |= strcmp(r->bundles[i], who) == 0;
        }
        if (!allowed) {
            fail(v, PQCE_ERR_POLICY, "caller %s not allowed to read %s",
                 who[0] != '\0' ? who : "(none)", kind);
            goto denied;
        }
    }
    if (r->require_biometric) {
        char reason[128];
        snprintf(reason, sizeof reason, "read %s '%s'", kind, e->meta.m.name);
        int rc = pqce_backend_user_presence(v->backend, reason);
        if (rc != PQCE_OK) {
            fail(v, PQCE_ERR_POLICY, "user presence was not confirmed (%s)",
                 rc == PQCE_ERR_UNSUPPORTED ? "the backend cannot ask for it" : "refused");
            goto denied;
        }
    }
    if (r->max_uses_per_hour > 0) {
        uint64_t now = wall_ms(), uses = 0;
        uint64_t since = now > RATE_WINDOW_MS ? now - RATE_WINDOW_MS : 0;
        int rc = v->audit != NULL ? pqce_audit_count_gets(v->audit, kind, who, since, &uses)
                                  : PQCE_ERR_DECRYPT;
        if (rc != PQCE_OK) {
            fail(v, PQCE_ERR_POLICY, "the rate window cannot be read from the audit log");
            goto denied;
        }
        if (uses >= r->max_uses_per_hour) {
            fail(v, PQCE_ERR_POLICY, "rate limit: %llu uses of %s by %s in the last hour (max %u)",
                 (unsigned long long)uses, kind, who[0] != '\0' ? who : "(none)",
                 (unsigned)r->max_uses_per_hour);
            goto denied;
        }
    }
    return PQCE_OK;
denied:
    audit(v, PQCE_AUDIT_POLICY_VIOLATION, e, caller, 0, v->detail, 0);
    return PQCE_ERR_POLICY;
}

/* ---- get --------------------------------------------------------------------------------- */

typedef struct object_source {
    pqce_store *store;
    char name[PQCE_STORE_NAME_MAX + 1];
} object_source;

static int object_read_at(void *ctx, uint8_t *buf, size_t len, uint64_t offset)
{
    object_source *o = ctx;
    return pqce_store_read(o->store, o->name, buf, len, offset);
}

static void object_release(void *ctx)
{
    free(ctx);
}

/*
 * Opens an entry's object and checks that it is that artifact: the
 * container opens with this vault's identity, and its id, name and content
 * hash are the manifest's (an object swapped for another artifact's fails
 * here, though it decrypts).
 */
static int open_entry(pqce_vault *v, const pqce_manifest_entry *e, pqce_reader **reader)
{
    pqce_identity id = identity_of(v);
    pqce_reader *r = NULL;
    int fd = -1;
    int ret = pqce_store_open_fd(v->store, e->object, &fd);
    if (ret == PQCE_OK) {
        ret = pqce_open_fd_owned(&r, &v->copts, &id, fd);
    } else if (ret == PQCE_ERR_UNSUPPORTED) {
        object_source *src = calloc(1, sizeof *src);
        uint64_t size = 0;
        if (src == NULL) {
            return fail(v, PQCE_ERR_NOMEM, "out of memory");
        }
        src->store = v->store;
        snprintf(src->name, sizeof src->name, "%s", e->object);
        if ((ret = pqce_store_size(v->store, e->object, &size)) != PQCE_OK) {
            free(src);
            return fail(v, ret == PQCE_ERR_NOT_FOUND ? PQCE_ERR_IO : ret,
                        "the artifact's object is missing");
        }
        pqce_source s = {object_read_at, object_release, src, size};
        ret = pqce_open_source(&r, &v->copts, &id, &s);
    } else {
        return fail(v, PQCE_ERR_IO, "the artifact's object cannot be opened");
    }
    if (ret != PQCE_OK) {
        return fail(v, ret, "the artifact's object fails to open (%s)", pqce_error_name(ret));
    }
    pqce_artifact_info info;
    const pqce_metadata *meta;
    if (pqce_reader_info(r, &info) != PQCE_OK || pqce_reader_metadata(r, &meta) != PQCE_OK ||
        memcmp(info.artifact_id, e->id, 16) != 0 || strcmp(meta->name, e->meta.m.name) != 0 ||
        memcmp(info.content_sha3_256, e->sha3, 32) != 0 || info.size != e->size) {
        pqce_reader_free(r);
        return fail(v, PQCE_ERR_DECRYPT,
                    "the object of '%s' is not that artifact (swapped or replaced)",
                    e->meta.m.name);
    }
    *reader = r;
    return PQCE_OK;
}

/* Shared start of every read: unlocked, resolved, allowed, opened. */
static int read_start(pqce_vault *v, const char *name_or_id, const char *caller,
                      pqce_manifest_entry **entry, pqce_reader **reader)
{
    int ret = require_unlocked(v, PQCE_AUDIT_GET);
    if (ret != PQCE_OK) {
        return ret;
    }
    *entry = resolve(v, name_or_id);
    if (*entry == NULL) {
        return not_found(v, PQCE_AUDIT_GET, name_or_id);
    }
    if ((ret = policy_check(v, *entry, caller)) != PQCE_OK) {
        return ret;
    }
    if ((ret = open_entry(v, *entry, reader)) != PQCE_OK) {
        return audit_fail(v,
                          ret == PQCE_ERR_DECRYPT ? PQCE_AUDIT_DECRYPTION_FAILURE : PQCE_AUDIT_GET,
                          *entry, caller, ret);
    }
    return PQCE_OK;
}

int pqce_vault_get(pqce_vault *v, const char *name_or_id, const char *caller, uint8_t *buf,
                   size_t cap, size_t *len)
{
    pqce_manifest_entry *e = NULL;
    pqce_reader *r = NULL;
    if (v == NULL || len == NULL || (buf == NULL && cap > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    *len = 0;
    int ret = require_unlocked(v, PQCE_AUDIT_GET);
    if (ret != PQCE_OK) {
        return ret;
    }
    e = resolve(v, name_or_id);
    if (e != NULL && e->size > cap) {
        *len = (size_t)e->size;
        return fail(v, PQCE_ERR_INVALID_ARG, "the buffer holds %zu bytes; the artifact has %llu",
                    cap, (unsigned long long)e->size);
    }
    if ((ret = read_start(v, name_or_id, caller, &e, &r)) != PQCE_OK) {
        return ret;
    }
    ret = pqce_reader_read_all(r, buf, cap);
    pqce_reader_free(r);
    if (ret != PQCE_OK) {
        fail(v, ret, "reading '%s' failed", e->meta.m.name);
        return audit_fail(v,
                          ret == PQCE_ERR_DECRYPT ? PQCE_AUDIT_DECRYPTION_FAILURE : PQCE_AUDIT_GET,
                          e, caller, ret);
    }
    *len = (size_t)e->size;
    audit(v, PQCE_AUDIT_GET, e, caller, 1, "", 0);
    return PQCE_OK;
}

static int write_fd_all(int fd, const uint8_t *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return PQCE_ERR_IO;
        }
        buf += n;
        len -= (size_t)n;
    }
    return PQCE_OK;
}

int pqce_vault_get_fd(pqce_vault *v, const char *name_or_id, const char *caller, int fd)
{
    pqce_manifest_entry *e = NULL;
    pqce_reader *r = NULL;
    uint8_t *buf = NULL;
    enum { PIECE = 1 << 20 };
    if (v == NULL || fd < 0) {
        return PQCE_ERR_INVALID_ARG;
    }
    int ret = read_start(v, name_or_id, caller, &e, &r);
    if (ret != PQCE_OK) {
        return ret;
    }
    /* Verify everything (tags and content hash) before the first byte goes
     * out: what is written can then not turn out to be forged. */
    if ((ret = pqce_reader_verify(r)) != PQCE_OK) {
        fail(v, ret, "'%s' fails verification", e->meta.m.name);
        goto cleanup;
    }
    if ((buf = malloc(PIECE)) == NULL) {
        ret = fail(v, PQCE_ERR_NOMEM, "out of memory");
        goto cleanup;
    }
    for (;;) {
        size_t got = 0;
        if ((ret = pqce_reader_read(r, buf, PIECE, &got)) != PQCE_OK) {
            fail(v, ret, "reading '%s' failed", e->meta.m.name);
            break;
        }
        if (got == 0) {
            break;
        }
        if ((ret = write_fd_all(fd, buf, got)) != PQCE_OK) {
            fail(v, ret, "writing to the descriptor failed");
            break;
        }
    }
cleanup:
    if (buf != NULL) {
        pqce_memzero(buf, PIECE);
        free(buf);
    }
    pqce_reader_free(r);
    if (ret != PQCE_OK) {
        return audit_fail(v,
                          ret == PQCE_ERR_DECRYPT ? PQCE_AUDIT_DECRYPTION_FAILURE : PQCE_AUDIT_GET,
                          e, caller, ret);
    }
    audit(v, PQCE_AUDIT_GET, e, caller, 1, "to descriptor", 0);
    return PQCE_OK;
}

int pqce_vault_open_artifact(pqce_vault *v, pqce_reader **reader, const char *name_or_id,
                             const char *caller)
{
    pqce_manifest_entry *e = NULL;
    if (v == NULL || reader == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *reader = NULL;
    int ret = read_start(v, name_or_id, caller, &e, reader);
    if (ret == PQCE_OK) {
        audit(v, PQCE_AUDIT_GET, e, caller, 1, "reader", 0);
    }
    return ret;
}

/* ---- attestation -------------------------------------------------------------------------- */

int pqce_vault_attestation_key(pqce_vault *v, unsigned *alg, uint8_t *public_key, size_t cap,
                               size_t *public_key_len)
{
    if (v == NULL || alg == NULL || public_key == NULL || public_key_len == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (!session_alive(v)) {
        return fail(v, PQCE_ERR_LOCKED, "enclave vault is locked; call unlock() first");
    }
    *public_key_len = v->session->dsa_pk_len;
    if (cap < v->session->dsa_pk_len) {
        return PQCE_ERR_INVALID_ARG;
    }
    memcpy(public_key, v->session->dsa_pk, v->session->dsa_pk_len);
    *alg = v->dsa_alg;
    return PQCE_OK;
}

int pqce_vault_attest(pqce_vault *v, pqce_attestation **att, const char *name_or_id,
                      const uint8_t *nonce, size_t nonce_len)
{
    pqce_manifest_entry *e = NULL;
    pqce_reader *r = NULL;
    if (v == NULL || att == NULL || (nonce == NULL && nonce_len > 0)) {
        return PQCE_ERR_INVALID_ARG;
    }
    *att = NULL;
    if (nonce_len > PQCE_ATTESTATION_NONCE_MAX) {
        return fail(v, PQCE_ERR_INVALID_ARG, "the nonce is longer than 64 bytes");
    }
    int ret = require_unlocked(v, PQCE_AUDIT_ATTEST);
    if (ret != PQCE_OK) {
        return ret;
    }
    e = resolve(v, name_or_id);
    if (e == NULL) {
        return not_found(v, PQCE_AUDIT_ATTEST, name_or_id);
    }
    if ((ret = open_entry(v, e, &r)) != PQCE_OK) {
        return audit_fail(v, PQCE_AUDIT_ATTEST, e, NULL, ret);
    }
    /* The hash is recomputed from the decrypted content, not taken from
     * storage: verify checks every tag and the SHA3-256 against the
     * authenticated one, which open_entry matched with the manifest's. */
    ret = pqce_reader_verify(r);
    pqce_reader_free(r);
    if (ret != PQCE_OK) {
        fail(v, ret, "'%s' fails verification", e->meta.m.name);
        return audit_fail(v, PQCE_AUDIT_ATTEST, e, NULL, ret);
    }
    pqce_attestation_fields f;
    memset(&f, 0, sizeof f);
    f.device_id = v->device.device_id;
    f.device_model = v->device.device_model;
    f.enclave_vendor = v->device.enclave_vendor;
    f.artifact_id = e->id_str;
    memcpy(f.content_sha3_256, e->sha3, 32);
    f.issued_ms = wall_ms();
    f.nonce = nonce;
    f.nonce_len = nonce_len;
    ret = pqce_attestation_create(att, &f, v->dsa_alg, v->session->dsa_sk, v->session->dsa_sk_len,
                                  v->session->dsa_pk, v->session->dsa_pk_len, v->copts.rng);
    if (ret != PQCE_OK) {
        fail(v, ret, "signing the attestation failed");
        return audit_fail(v, PQCE_AUDIT_ATTEST, e, NULL, ret);
    }
    audit(v, PQCE_AUDIT_ATTEST, e, NULL, 1, v->dsa_alg == 87 ? "ML-DSA-87" : "ML-DSA-65", 0);
    return PQCE_OK;
}

/* ---- audit queries ------------------------------------------------------------------------- */

int pqce_vault_audit_query(pqce_vault *v, pqce_audit_list **list, const pqce_audit_query *q)
{
    if (v == NULL || list == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    *list = NULL;
    if (!session_alive(v)) {
        return fail(v, PQCE_ERR_LOCKED, "enclave vault is locked; call unlock() first");
    }
    if (v->audit == NULL) {
        return fail(v, PQCE_ERR_DECRYPT, "the audit log is damaged and cannot be read");
    }
    (void)pqce_audit_refresh(v->audit);
    return pqce_audit_search(v->audit, list, q);
}

int pqce_vault_audit_verify(pqce_vault *v, pqce_audit_report *report)
{
    if (v == NULL) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (!session_alive(v)) {
        return fail(v, PQCE_ERR_LOCKED, "enclave vault is locked; call unlock() first");
    }
    pqce_audit_report local;
    if (v->audit == NULL) {
        if (report != NULL) {
            memset(report, 0, sizeof *report);
        }
        return fail(v, PQCE_ERR_DECRYPT, "the audit log is damaged: a record does not parse");
    }
    (void)pqce_audit_refresh(v->audit);
    int ret = pqce_audit_verify(v->audit, report != NULL ? report : &local, v->saved.audit_count,
                                v->saved.audit_head);
    if (ret == PQCE_ERR_DECRYPT) {
        fail(v, ret, "the audit log was modified (first bad record: %llu)",
             (unsigned long long)(report != NULL ? report : &local)->first_bad_seq);
    }
    return ret;
}

int pqce_vault_audit_export(pqce_vault *v, int fd, const pqce_audit_query *q)
{
    if (v == NULL || fd < 0) {
        return PQCE_ERR_INVALID_ARG;
    }
    if (!session_alive(v)) {
        return fail(v, PQCE_ERR_LOCKED, "enclave vault is locked; call unlock() first");
    }
    if (v->audit == NULL) {
        return fail(v, PQCE_ERR_DECRYPT, "the audit log is damaged and cannot be read");
    }
    (void)pqce_audit_refresh(v->audit);
    return pqce_audit_export(v->audit, fd, q);
}
