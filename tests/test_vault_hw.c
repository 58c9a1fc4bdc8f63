/*
 * test_vault_hw.c - the vault on the hardware backends, against the real
 * simulators that tests/hw_env.sh starts (label "hw"):
 *
 *  - the whole life cycle on each backend (create, unlock, put, save, lock
 *    in one process; open, unlock, get in another);
 *  - a wrong PIN is a clear error, and the TPM's lockout is never reached;
 *  - a PCR extend makes unlock fail with the policy error;
 *  - rollback with the TPM's NV counter: a restored older manifest is
 *    PQCE_ERR_ROLLBACK; a crash between the manifest's rename and the
 *    counter's increment recovers (the counter catches up); a power loss at
 *    every I/O call of put + save never produces a false rollback;
 *  - the store moved to another TPM ("another device") does not unlock; a
 *    tampered sealed blob in the descriptor is refused;
 *  - the keyring cache lets a child process unlock without the token's PIN,
 *    and lock removes it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend/backend.h"
#include "core/config.h"
#include "hw.h"
#include "store/io.h"
#include "test.h"

#if PQCE_WITH_TPM2 || PQCE_WITH_PKCS11

typedef struct handle {
    pqce_store *s;
    pqce_vault *v;
} handle;

static pqce_vault_options vault_options(unsigned flags)
{
    pqce_vault_options o;
    memset(&o, 0, sizeof o);
    o.version = PQCE_VAULT_OPTIONS_VERSION;
    o.flags = flags;
    return o;
}

/* Opens (after creating, if asked) the vault in dir on backend b. */
static int vopen(handle *h, pqce_backend *b, const char *dir, int create, unsigned flags)
{
    pqce_vault_options o = vault_options(flags);
    memset(h, 0, sizeof *h);
    int ret = pqce_store_dir_new(&h->s, dir);
    if (ret == PQCE_OK && create) {
        pqce_vault *c = NULL;
        ret = pqce_vault_create(&c, b, h->s, &o);
        pqce_vault_free(c);
    }
    if (ret == PQCE_OK) {
        ret = pqce_vault_open(&h->v, b, h->s, &o);
    }
    return ret;
}

static void vclose(handle *h)
{
    pqce_vault_free(h->v);
    pqce_store_free(h->s);
    memset(h, 0, sizeof *h);
}

static int put_bytes(pqce_vault *v, const char *name, const uint8_t *buf, size_t len)
{
    pqce_metadata m;
    memset(&m, 0, sizeof m);
    m.name = name;
    m.kind = PQCE_KIND_MODEL_WEIGHTS;
    return pqce_vault_put(v, NULL, &m, buf, len, 0);
}

static int put_str(pqce_vault *v, const char *name, const char *content)
{
    return put_bytes(v, name, (const uint8_t *)content, strlen(content));
}

static int get_is(pqce_vault *v, const char *name, const char *content)
{
    char buf[256];
    size_t len = 0;
    return pqce_vault_get(v, name, NULL, (uint8_t *)buf, sizeof buf, &len) == PQCE_OK &&
           len == strlen(content) && memcmp(buf, content, len) == 0;
}

/* Runs fn(arg) in a child process; returns its exit status (-1 if killed,
 * with *sig set to the signal). */
static int in_child(int (*fn)(void *), void *arg, int *sig)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        return -2;
    }
    if (pid == 0) {
        _exit(fn(arg));
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) {
        return -2;
    }
    if (sig != NULL) {
        *sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The life cycle's first half in a child (create, unlock, put, save,
 * lock); the second in the parent (open, unlock, get). */
typedef struct lifecycle {
    pqce_backend *(*make)(void);
    const char *dir;
    const uint8_t *weights;
    size_t len;
} lifecycle;

static int lifecycle_child(void *p)
{
    lifecycle *l = p;
    pqce_backend *b = l->make();
    handle h;
    int ok = b != NULL && vopen(&h, b, l->dir, 1, 0) == PQCE_OK &&
             pqce_vault_unlock(h.v, 0) == PQCE_OK &&
             put_bytes(h.v, "weights", l->weights, l->len) == PQCE_OK &&
             pqce_vault_save(h.v) == PQCE_OK && pqce_vault_lock(h.v) == PQCE_OK;
    if (!ok && h.v != NULL) {
        fprintf(stderr, "  child: %s\n", pqce_vault_error_detail(h.v));
    }
    vclose(&h);
    pqce_backend_free(b);
    return ok ? 0 : 1;
}

static void lifecycle_case(pqce_backend *(*make)(void), const char *backend_name)
{
    char dir[128];
    static uint8_t weights[65536], back[65536];
    hw_fresh_dir(dir, sizeof dir, "vault-hw");
    test_fill(weights, sizeof weights, "hw-lifecycle", 0);
    lifecycle l = {make, dir, weights, sizeof weights};
    CHECK(in_child(lifecycle_child, &l, NULL) == 0);

    pqce_backend *b = make();
    CHECK(b != NULL);
    handle h;
    size_t len = 0;
    CHECK_OK(vopen(&h, b, dir, 0, 0));
    CHECK_OK(pqce_vault_unlock(h.v, 0));
    CHECK_OK(pqce_vault_get(h.v, "weights", NULL, back, sizeof back, &len));
    CHECK(len == sizeof weights);
    CHECK_MEM_EQ(back, weights, len);
    pqce_device_info d;
    CHECK_OK(pqce_vault_device_info(h.v, &d));
    CHECK(strcmp(d.backend, backend_name) == 0);
    pqce_audit_report rep;
    CHECK_OK(pqce_vault_audit_verify(h.v, &rep));
    vclose(&h);
    pqce_backend_free(b);
    hw_rm_rf(dir);
}

#endif /* PQCE_WITH_TPM2 || PQCE_WITH_PKCS11 */

/* ============================ TPM 2.0 ============================ */
#if PQCE_WITH_TPM2

#define PCR_TEST 23u

static uint32_t tpm_index = 0x01BF0200u; /* one counter per vault */
static const char *tpm_pin;
static uint32_t tpm_pcr_mask;
static uint32_t tpm_nv;
static const char *tpm_tcti_override;

static pqce_backend *make_tpm(void)
{
    pqce_backend *b = NULL;
    char d[256] = "";
    pqce_tpm2_options o;
    memset(&o, 0, sizeof o);
    o.version = PQCE_TPM2_OPTIONS_VERSION;
    o.tcti = tpm_tcti_override != NULL ? tpm_tcti_override : getenv("PQCE_TEST_TPM2_TCTI");
    o.pin = tpm_pin;
    o.pcr_mask = tpm_pcr_mask;
    o.nv_index = tpm_nv;
    o.device_id = "edge-box-tpm";
    o.detail = d;
    o.detail_cap = sizeof d;
    if (pqce_backend_tpm2_new(&b, &o) != PQCE_OK) {
        fprintf(stderr, "  tpm2 backend: %s\n", d);
        return NULL;
    }
    return b;
}

/* A fresh configuration: a new counter index, no PIN, no PCR policy. */
static int tpm_config(const char *pin, uint32_t pcr_mask)
{
    tpm_pin = pin;
    tpm_pcr_mask = pcr_mask;
    tpm_nv = tpm_index++;
    tpm_tcti_override = NULL;
    return hw_env("PQCE_TEST_TPM2_TCTI") != NULL;
}

static uint64_t counter_now(void)
{
    uint64_t v = 0;
    pqce_backend *b = make_tpm();
    if (b == NULL || pqce_backend_counter_read(b, &v) != PQCE_OK) {
        v = UINT64_MAX;
    }
    pqce_backend_free(b);
    return v;
}

static void test_vault_tpm2_lifecycle_across_processes(void)
{
    CHECK(tpm_config("1234", 0));
    lifecycle_case(make_tpm, "tpm2");
}

static void test_vault_tpm2_lifecycle_with_pcr_policy(void)
{
    const char *tcti = hw_env("PQCE_TEST_TPM2_TCTI");
    CHECK(tcti != NULL && hw_tpm_pcr_reset(tcti, PCR_TEST) == 0);
    CHECK(tpm_config(NULL, 1u << PCR_TEST));
    lifecycle_case(make_tpm, "tpm2");
}

static void test_vault_tpm2_wrong_pin_is_locked_and_never_reaches_the_lockout(void)
{
    const char *tcti = hw_env("PQCE_TEST_TPM2_TCTI");
    CHECK(tcti != NULL);
    CHECK(tpm_config("1234", 0));
    char dir[128];
    hw_fresh_dir(dir, sizeof dir, "vault-pin");
    pqce_backend *good = make_tpm();
    CHECK(good != NULL);
    handle h;
    CHECK_OK(vopen(&h, good, dir, 1, 0));
    vclose(&h);

    tpm_pin = "4321";
    pqce_backend *bad = make_tpm();
    CHECK(bad != NULL);
    uint32_t before = 0, after = 0, max = 0;
    int lockout = 1;
    CHECK(hw_tpm_da_state(tcti, &before, &max, &lockout) == 0 && !lockout && before + 1 < max);
    CHECK_OK(vopen(&h, bad, dir, 0, 0));
    CHECK_RC(pqce_vault_unlock(h.v, 0), PQCE_ERR_LOCKED);
    const char *d = pqce_vault_error_detail(h.v);
    CHECK_MSG(strstr(d, "wrong PIN") != NULL, "detail: %s", d);
    CHECK(!pqce_vault_is_unlocked(h.v));
    vclose(&h);
    CHECK(hw_tpm_da_state(tcti, &after, &max, &lockout) == 0);
    CHECK(after == before + 1 && after < max && !lockout);
    CHECK(hw_tpm_da_reset(tcti) == 0);

    CHECK_OK(vopen(&h, good, dir, 0, 0));
    CHECK_OK(pqce_vault_unlock(h.v, 0));
    vclose(&h);
    pqce_backend_free(good);
    pqce_backend_free(bad);
    hw_rm_rf(dir);
}

static void test_vault_tpm2_pcr_extend_makes_unlock_fail_with_policy_error(void)
{
    const char *tcti = hw_env("PQCE_TEST_TPM2_TCTI");
    CHECK(tcti != NULL && hw_tpm_pcr_reset(tcti, PCR_TEST) == 0);
    CHECK(tpm_config(NULL, 1u << PCR_TEST));
    char dir[128];
    hw_fresh_dir(dir, sizeof dir, "vault-pcr");
    pqce_backend *b = make_tpm();
    CHECK(b != NULL);
    handle h;
    CHECK_OK(vopen(&h, b, dir, 1, 0));
    CHECK_OK(pqce_vault_unlock(h.v, 0));
    CHECK_OK(put_str(h.v, "adapter", "lora"));
    CHECK_OK(pqce_vault_save(h.v));
    CHECK_OK(pqce_vault_lock(h.v));

    CHECK(hw_tpm_pcr_extend(tcti, PCR_TEST) == 0);
    CHECK_RC(pqce_vault_unlock(h.v, 0), PQCE_ERR_POLICY);
    const char *d = pqce_vault_error_detail(h.v);
    CHECK_MSG(strstr(d, "PCR") != NULL, "detail: %s", d);
    CHECK(!pqce_vault_is_unlocked(h.v));

    CHECK(hw_tpm_pcr_reset(tcti, PCR_TEST) == 0);
    CHECK_OK(pqce_vault_unlock(h.v, 0));
    CHECK(get_is(h.v, "adapter", "lora"));
    vclose(&h);
    pqce_backend_free(b);
    hw_rm_rf(dir);
}

static void test_vault_tpm2_restored_manifest_is_a_rollback(void)
{
    CHECK(tpm_config(NULL, 0));
    char dir[128], manifest[192], saved[192];
    hw_fresh_dir(dir, sizeof dir, "vault-rollback");
    snprintf(manifest, sizeof manifest, "%s/manifest.pqce", dir);
    snprintf(saved, sizeof saved, "%s.old", dir);
    pqce_backend *b = make_tpm();
    CHECK(b != NULL);
    handle h;
    CHECK_OK(vopen(&h, b, dir, 1, 0));
    CHECK_OK(pqce_vault_unlock(h.v, 0));
    uint64_t c0 = counter_now();
    CHECK_OK(put_str(h.v, "model", "v1"));
    CHECK_OK(pqce_vault_save(h.v));
    CHECK(counter_now() == c0 + 1); /* one increment per save */
    CHECK(hw_copy_file(manifest, saved));
    CHECK_OK(put_str(h.v, "model", "v2")); /* say, a security fix */
    CHECK_OK(pqce_vault_save(h.v));
    CHECK(counter_now() == c0 + 2);
    vclose(&h);

    /* an attacker puts the older manifest back */
    CHECK(hw_copy_file(saved, manifest));
    CHECK_OK(vopen(&h, b, dir, 0, 0));
    CHECK_RC(pqce_vault_unlock(h.v, 0), PQCE_ERR_ROLLBACK);
    const char *d = pqce_vault_error_detail(h.v);
    CHECK_MSG(strstr(d, "older state") != NULL, "detail: %s", d);
    CHECK(!pqce_vault_is_unlocked(h.v));
    vclose(&h);
    CHECK(counter_now() == c0 + 2); /* a rollback never moves the counter */
    pqce_backend_free(b);
    remove(saved);
    hw_rm_rf(dir);
}

/* A backend that forwards to the TPM backend and "crashes" (SIGKILL) when
 * the vault advances the counter: the manifest is durable, the counter is
 * not advanced - the window between rename and increment. */
typedef struct crashing {
    pqce_backend *inner;
} crashing;

static int cr_seal(void *ctx, uint8_t *blob, size_t cap, size_t *len, const uint8_t *s, size_t slen,
                   const uint8_t *aad, size_t aad_len)
{
    return pqce_backend_seal(((crashing *)ctx)->inner, blob, cap, len, s, slen, aad, aad_len);
}

static int cr_unseal(void *ctx, uint8_t *s, size_t cap, size_t *len, const uint8_t *blob,
                     size_t blob_len, const uint8_t *aad, size_t aad_len)
{
    return pqce_backend_unseal(((crashing *)ctx)->inner, s, cap, len, blob, blob_len, aad, aad_len);
}

static int cr_info(void *ctx, pqce_device_info *info)
{
    return pqce_backend_device_info(((crashing *)ctx)->inner, info);
}

static int cr_read(void *ctx, uint64_t *v)
{
    return pqce_backend_counter_read(((crashing *)ctx)->inner, v);
}

static int cr_advance(void *ctx, uint64_t v)
{
    (void)ctx;
    (void)v;
    raise(SIGKILL); /* power loss right after the manifest's rename */
    return PQCE_ERR_BACKEND;
}

static const pqce_backend_ops crashing_ops = {
    .version = PQCE_BACKEND_OPS_VERSION,
    .seal = cr_seal,
    .unseal = cr_unseal,
    .device_info = cr_info,
    .counter_read = cr_read,
    .counter_advance = cr_advance,
};

static int crashing_save_child(void *p)
{
    const char *dir = p;
    crashing c = {make_tpm()};
    pqce_backend *b = NULL;
    handle h;
    if (c.inner == NULL || pqce_backend_new(&b, &crashing_ops, &c) != PQCE_OK ||
        vopen(&h, b, dir, 0, 0) != PQCE_OK || pqce_vault_unlock(h.v, 0) != PQCE_OK ||
        put_str(h.v, "fresh", "after-crash") != PQCE_OK) {
        return 2;
    }
    int rc = pqce_vault_save(h.v); /* killed inside */
    return rc == PQCE_OK ? 3 : 4;
}

static void test_vault_tpm2_crash_between_rename_and_increment_recovers(void)
{
    CHECK(tpm_config(NULL, 0));
    char dir[128], manifest[192], saved[192];
    hw_fresh_dir(dir, sizeof dir, "vault-crash");
    snprintf(manifest, sizeof manifest, "%s/manifest.pqce", dir);
    snprintf(saved, sizeof saved, "%s.old", dir);
    pqce_backend *b = make_tpm();
    CHECK(b != NULL);
    handle h;
    CHECK_OK(vopen(&h, b, dir, 1, 0));
    CHECK_OK(pqce_vault_unlock(h.v, 0));
    CHECK_OK(put_str(h.v, "base", "b1"));
    CHECK_OK(pqce_vault_save(h.v));
    vclose(&h);
    uint64_t c0 = counter_now();
    CHECK(hw_copy_file(manifest, saved));

    int sig = 0;
    CHECK(in_child(crashing_save_child, dir, &sig) == -1 && sig == SIGKILL);
    /* the new manifest (generation c0 + 1) is durable, the counter is not */
    CHECK(counter_now() == c0);

    /* after the "reboot": the manifest is ahead, the counter catches up */
    CHECK_OK(vopen(&h, b, dir, 0, 0));
    CHECK_OK(pqce_vault_unlock(h.v, 0));
    CHECK(get_is(h.v, "fresh", "after-crash") && get_is(h.v, "base", "b1"));
    CHECK(counter_now() == c0 + 1);
    CHECK_OK(put_str(h.v, "later", "l1"));
    CHECK_OK(pqce_vault_save(h.v));
    CHECK(counter_now() == c0 + 2);
    vclose(&h);

    /* and the manifest from before the crash is now a rollback */
    CHECK(hw_copy_file(saved, manifest));
    CHECK_OK(vopen(&h, b, dir, 0, 0));
    CHECK_RC(pqce_vault_unlock(h.v, 0), PQCE_ERR_ROLLBACK);
    vclose(&h);
    pqce_backend_free(b);
    remove(saved);
    hw_rm_rf(dir);
}

/* The state as "name=content;" in name order. */
static int state_of(pqce_vault *v, char *out, size_t cap)
{
    pqce_artifact_list *l = NULL;
    int ret = pqce_vault_list(v, &l, PQCE_KIND_ANY);
    out[0] = '\0';
    for (size_t i = 0; ret == PQCE_OK && i < pqce_artifact_list_count(l); i++) {
        const pqce_artifact_entry *e = pqce_artifact_list_at(l, i);
        char buf[64];
        size_t len = 0;
        ret = pqce_vault_get(v, e->id, NULL, (uint8_t *)buf, sizeof buf - 1, &len);
        if (ret == PQCE_OK) {
            buf[len] = '\0';
            size_t used = strlen(out);
            snprintf(out + used, cap - used, "%s=%s;", e->meta.name, buf);
        }
    }
    pqce_artifact_list_free(l);
    return ret;
}

static int sweep_setup(const char *dir, pqce_backend *b)
{
    handle h;
    hw_rm_rf(dir);
    int ret = vopen(&h, b, dir, 1, 0);
    if (ret == PQCE_OK && (ret = pqce_vault_unlock(h.v, 0)) == PQCE_OK &&
        (ret = put_str(h.v, "alpha", "a1")) == PQCE_OK) {
        ret = pqce_vault_save(h.v);
    }
    vclose(&h);
    return ret;
}

static int sweep_run(const char *dir, pqce_backend *b, pqce_io_fault *f, pqce_io_fault_mode mode,
                     uint64_t k)
{
    pqce_store *s = NULL;
    pqce_vault *v = NULL;
    pqce_io_fault_init(f);
    int ret = pqce_store_dir_new_with_io(&s, dir, &f->io);
    if (ret == PQCE_OK) {
        ret = pqce_vault_open(&v, b, s, NULL);
    }
    if (ret == PQCE_OK) {
        ret = pqce_vault_unlock(v, 0);
    }
    pqce_io_fault_arm(f, mode, PQCE_IO_ANY, k, 0);
    if (ret == PQCE_OK && (ret = put_str(v, "bravo", "b1")) == PQCE_OK &&
        (ret = put_str(v, "alpha", "a2")) == PQCE_OK) {
        ret = pqce_vault_save(v);
    }
    pqce_vault_free(v);
    pqce_store_free(s);
    return ret;
}

/* A power loss at every I/O call of put + save on a TPM-backed vault: it
 * always reopens with the old or the new state, never as a rollback, and
 * a save that returned 0 is never lost. */
static void test_vault_tpm2_crash_at_every_io_call_is_never_a_false_rollback(void)
{
    CHECK(tpm_config(NULL, 0));
    char dir[128];
    pqce_io_fault f;
    hw_fresh_dir(dir, sizeof dir, "vault-sweep");
    pqce_backend *b = make_tpm();
    CHECK(b != NULL);
    CHECK_OK(sweep_setup(dir, b));
    CHECK_OK(sweep_run(dir, b, &f, PQCE_IO_FAULT_PASS, 0));
    uint64_t n = f.calls_by_kind[PQCE_IO_ANY];
    pqce_io_fault_fini(&f);
    CHECK(n >= 10);
    uint64_t olds = 0, news = 0;
    for (uint64_t k = 1; k <= n; k++) {
        CHECK_OK(sweep_setup(dir, b));
        int rc = sweep_run(dir, b, &f, PQCE_IO_FAULT_CRASH, k);
        CHECK_MSG(f.crashed, "k = %llu: no crash", (unsigned long long)k);
        pqce_io_fault_fini(&f);
        handle h;
        char state[256];
        CHECK_OK(vopen(&h, b, dir, 0, 0));
        int u = pqce_vault_unlock(h.v, 0);
        CHECK_MSG(u == PQCE_OK, "k = %llu: unlock after the crash: %s: %s", (unsigned long long)k,
                  pqce_error_name(u), pqce_vault_error_detail(h.v));
        CHECK_OK(state_of(h.v, state, sizeof state));
        int is_new = strcmp(state, "alpha=a2;bravo=b1;") == 0;
        CHECK_MSG(is_new || strcmp(state, "alpha=a1;") == 0, "k = %llu: state %s",
                  (unsigned long long)k, state);
        CHECK_MSG(is_new || rc != PQCE_OK, "k = %llu: a completed save was lost",
                  (unsigned long long)k);
        CHECK_OK(put_str(h.v, "after", "x"));
        CHECK_OK(pqce_vault_save(h.v));
        vclose(&h);
        olds += (uint64_t)!is_new;
        news += (uint64_t)is_new;
    }
    printf("  %llu crash points: %llu left the old state, %llu the new; no false rollback\n",
           (unsigned long long)n, (unsigned long long)olds, (unsigned long long)news);
    pqce_backend_free(b);
    hw_rm_rf(dir);
}

static void test_vault_tpm2_store_moved_to_another_tpm_does_not_unlock(void)
{
    const char *other = hw_env("PQCE_TEST_TPM2_TCTI_OTHER");
    CHECK(other != NULL);
    CHECK(tpm_config(NULL, 0));
    char dir[128];
    hw_fresh_dir(dir, sizeof dir, "vault-move");
    pqce_backend *b = make_tpm();
    CHECK(b != NULL);
    handle h;
    CHECK_OK(vopen(&h, b, dir, 1, 0));
    CHECK_OK(pqce_vault_unlock(h.v, 0));
    CHECK_OK(put_str(h.v, "secret", "s"));
    CHECK_OK(pqce_vault_save(h.v));
    vclose(&h);
    pqce_backend_free(b);

    tpm_tcti_override = other; /* the same store, another device */
    b = make_tpm();
    CHECK(b != NULL);
    CHECK_OK(vopen(&h, b, dir, 0, 0));
    CHECK_RC(pqce_vault_unlock(h.v, 0), PQCE_ERR_BACKEND);
    const char *d = pqce_vault_error_detail(h.v);
    CHECK_MSG(strstr(d, "another TPM") != NULL, "detail: %s", d);
    vclose(&h);
    pqce_backend_free(b);
    tpm_tcti_override = NULL;
    hw_rm_rf(dir);
}

static void test_vault_tpm2_tampered_sealed_blob_is_refused(void)
{
    CHECK(tpm_config(NULL, 0));
    char dir[128], desc[192];
    hw_fresh_dir(dir, sizeof dir, "vault-tamper");
    snprintf(desc, sizeof desc, "%s/vault.pqce", dir);
    pqce_backend *b = make_tpm();
    CHECK(b != NULL);
    handle h;
    CHECK_OK(vopen(&h, b, dir, 1, 0));
    vclose(&h);
    FILE *fp = fopen(desc, "r+b");
    CHECK(fp != NULL);
    static uint8_t buf[8192];
    size_t n = fread(buf, 1, sizeof buf, fp);
    uint8_t *t2 = memmem(buf, n, "PQT2", 4);
    CHECK(t2 != NULL && (size_t)(t2 - buf) + 40 < n);
    /* a byte of the TPM2B_PRIVATE (its encrypted sensitive area) */
    size_t at = (size_t)(t2 - buf) + 30;
    buf[at] ^= 0x01;
    CHECK(fseek(fp, (long)at, SEEK_SET) == 0 && fwrite(buf + at, 1, 1, fp) == 1);
    CHECK(fclose(fp) == 0);
    CHECK_OK(vopen(&h, b, dir, 0, 0));
    CHECK_RC(pqce_vault_unlock(h.v, 0), PQCE_ERR_BACKEND);
    const char *d = pqce_vault_error_detail(h.v);
    CHECK_MSG(strstr(d, "modified") != NULL, "detail: %s", d);
    vclose(&h);
    pqce_backend_free(b);
    hw_rm_rf(dir);
}

#endif /* PQCE_WITH_TPM2 */

/* ============================ PKCS#11 ============================ */
#if PQCE_WITH_PKCS11

static const char *p11_pin;

static pqce_backend *make_p11(void)
{
    pqce_backend *b = NULL;
    char d[256] = "";
    pqce_pkcs11_options o;
    memset(&o, 0, sizeof o);
    o.version = PQCE_PKCS11_OPTIONS_VERSION;
    o.module = getenv("PQCE_TEST_PKCS11_MODULE");
    o.token_label = getenv("PQCE_TEST_PKCS11_TOKEN");
    o.pin = p11_pin;
    o.key_label = "vault-hw-kek";
    o.detail = d;
    o.detail_cap = sizeof d;
    if (pqce_backend_pkcs11_new(&b, &o) != PQCE_OK) {
        fprintf(stderr, "  pkcs11 backend: %s\n", d);
        return NULL;
    }
    return b;
}

static int p11_config(void)
{
    p11_pin = hw_env("PQCE_TEST_PKCS11_PIN");
    return p11_pin != NULL && hw_env("PQCE_TEST_PKCS11_MODULE") != NULL &&
           hw_env("PQCE_TEST_PKCS11_TOKEN") != NULL;
}

static void test_vault_pkcs11_lifecycle_across_processes(void)
{
    CHECK(p11_config());
    lifecycle_case(make_p11, "pkcs11");
}

static void test_vault_pkcs11_wrong_pin_is_locked(void)
{
    CHECK(p11_config());
    char dir[128];
    hw_fresh_dir(dir, sizeof dir, "vault-p11pin");
    pqce_backend *good = make_p11();
    CHECK(good != NULL);
    handle h;
    CHECK_OK(vopen(&h, good, dir, 1, 0));
    vclose(&h);
    p11_pin = "0000";
    pqce_backend *bad = make_p11();
    CHECK(bad != NULL);
    CHECK_OK(vopen(&h, bad, dir, 0, 0));
    CHECK_RC(pqce_vault_unlock(h.v, 0), PQCE_ERR_LOCKED);
    const char *d = pqce_vault_error_detail(h.v);
    CHECK_MSG(strstr(d, "wrong PIN") != NULL, "detail: %s", d);
    vclose(&h);
    CHECK_OK(vopen(&h, good, dir, 0, 0));
    CHECK_OK(pqce_vault_unlock(h.v, 0));
    vclose(&h);
    pqce_backend_free(good);
    pqce_backend_free(bad);
    hw_rm_rf(dir);
}

/* A child process opens the vault with flags and a backend whose PIN is
 * pin, unlocks and reads "model". Returns 0 on success, 10 + the unlock's
 * error otherwise. */
typedef struct cache_child {
    const char *dir;
    const char *pin;
    unsigned flags;
} cache_child;

static int cache_child_run(void *p)
{
    cache_child *c = p;
    p11_pin = c->pin;
    pqce_backend *b = make_p11();
    handle h;
    if (b == NULL || vopen(&h, b, c->dir, 0, c->flags) != PQCE_OK) {
        return 2;
    }
    int rc = pqce_vault_unlock(h.v, 0);
    int ok = rc == PQCE_OK && get_is(h.v, "model", "weights-v1");
    vclose(&h);
    pqce_backend_free(b);
    return ok ? 0 : 10 - rc;
}

static void test_vault_pkcs11_keyring_cache_unlocks_a_child_without_the_pin(void)
{
    CHECK(p11_config());
    const char *pin = p11_pin;
    char dir[128];
    hw_fresh_dir(dir, sizeof dir, "vault-cache");
    pqce_backend *b = make_p11();
    CHECK(b != NULL);
    handle h;
    CHECK_OK(vopen(&h, b, dir, 1, PQCE_VAULT_KEYRING_CACHE));
    CHECK_OK(pqce_vault_unlock(h.v, 600)); /* through the token: caches */
    CHECK_OK(put_str(h.v, "model", "weights-v1"));
    CHECK_OK(pqce_vault_save(h.v));

    /* a child with a wrong PIN unlocks from the cache: the token's PIN was
     * not needed */
    cache_child with_cache = {dir, "0000", PQCE_VAULT_KEYRING_CACHE};
    CHECK(in_child(cache_child_run, &with_cache, NULL) == 0);
    /* the cache is opt-in: without the flag the wrong PIN is refused */
    cache_child without = {dir, "0000", 0};
    CHECK(in_child(cache_child_run, &without, NULL) == 10 - PQCE_ERR_LOCKED);

    /* lock removes the entry: now the wrong PIN is refused again */
    CHECK_OK(pqce_vault_lock(h.v));
    CHECK(in_child(cache_child_run, &with_cache, NULL) == 10 - PQCE_ERR_LOCKED);
    /* and the right PIN still works (and caches again) */
    cache_child right = {dir, pin, PQCE_VAULT_KEYRING_CACHE};
    CHECK(in_child(cache_child_run, &right, NULL) == 0);
    CHECK(in_child(cache_child_run, &with_cache, NULL) == 0);
    CHECK_OK(pqce_vault_unlock(h.v, 0));
    CHECK_OK(pqce_vault_lock(h.v));
    vclose(&h);
    pqce_backend_free(b);
    hw_rm_rf(dir);
}

#endif /* PQCE_WITH_PKCS11 */

#if !PQCE_WITH_TPM2 && !PQCE_WITH_PKCS11
static void test_vault_hw_no_backend_compiled_in(void)
{
    CHECK(strstr(pqce_build_info(), "PQCE_WITH_TPM2=0 PQCE_WITH_PKCS11=0") != NULL);
}
#endif

int main(int argc, char **argv)
{
    if (hw_join_session_keyring() != 0) {
        fprintf(stderr, "cannot join a session keyring of its own (keyctl: %s)\n", strerror(errno));
        return 1;
    }
    static const struct test_case cases[] = {
#if PQCE_WITH_TPM2
        TEST_CASE(test_vault_tpm2_lifecycle_across_processes),
        TEST_CASE(test_vault_tpm2_lifecycle_with_pcr_policy),
        TEST_CASE(test_vault_tpm2_wrong_pin_is_locked_and_never_reaches_the_lockout),
        TEST_CASE(test_vault_tpm2_pcr_extend_makes_unlock_fail_with_policy_error),
        TEST_CASE(test_vault_tpm2_restored_manifest_is_a_rollback),
        TEST_CASE(test_vault_tpm2_crash_between_rename_and_increment_recovers),
        TEST_CASE(test_vault_tpm2_crash_at_every_io_call_is_never_a_false_rollback),
        TEST_CASE(test_vault_tpm2_store_moved_to_another_tpm_does_not_unlock),
        TEST_CASE(test_vault_tpm2_tampered_sealed_blob_is_refused),
#endif
#if PQCE_WITH_PKCS11
        TEST_CASE(test_vault_pkcs11_lifecycle_across_processes),
        TEST_CASE(test_vault_pkcs11_wrong_pin_is_locked),
        TEST_CASE(test_vault_pkcs11_keyring_cache_unlocks_a_child_without_the_pin),
#endif
#if !PQCE_WITH_TPM2 && !PQCE_WITH_PKCS11
        TEST_CASE(test_vault_hw_no_backend_compiled_in),
#endif
    };
    return test_run(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
