/* hw_tpm.c - direct TPM commands for the simulator tests (hw.h). */
#include "hw.h"

#include <string.h>

#if PQCE_WITH_TPM2

#include <tss2/tss2_esys.h>
#include <tss2/tss2_tctildr.h>

typedef struct conn {
    TSS2_TCTI_CONTEXT *tcti;
    ESYS_CONTEXT *ctx;
} conn;

static int open_conn(conn *c, const char *tcti)
{
    memset(c, 0, sizeof *c);
    if (Tss2_TctiLdr_Initialize(tcti, &c->tcti) != TSS2_RC_SUCCESS) {
        return -1;
    }
    if (Esys_Initialize(&c->ctx, c->tcti, NULL) != TSS2_RC_SUCCESS) {
        Tss2_TctiLdr_Finalize(&c->tcti);
        return -1;
    }
    return 0;
}

static void close_conn(conn *c)
{
    Esys_Finalize(&c->ctx);
    Tss2_TctiLdr_Finalize(&c->tcti);
}

int hw_tpm_pcr_extend(const char *tcti, unsigned pcr)
{
    conn c;
    if (open_conn(&c, tcti) != 0) {
        return -1;
    }
    TPML_DIGEST_VALUES d;
    memset(&d, 0, sizeof d);
    d.count = 1;
    d.digests[0].hashAlg = TPM2_ALG_SHA256;
    memset(d.digests[0].digest.sha256, 0x5a, sizeof d.digests[0].digest.sha256);
    TSS2_RC rc = Esys_PCR_Extend(c.ctx, ESYS_TR_PCR0 + pcr, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                                 ESYS_TR_NONE, &d);
    close_conn(&c);
    return rc == TSS2_RC_SUCCESS ? 0 : -1;
}

int hw_tpm_pcr_reset(const char *tcti, unsigned pcr)
{
    conn c;
    if (open_conn(&c, tcti) != 0) {
        return -1;
    }
    TSS2_RC rc =
        Esys_PCR_Reset(c.ctx, ESYS_TR_PCR0 + pcr, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE);
    close_conn(&c);
    return rc == TSS2_RC_SUCCESS ? 0 : -1;
}

static int property(ESYS_CONTEXT *ctx, TPM2_PT pt, uint32_t *value)
{
    TPMS_CAPABILITY_DATA *cap = NULL;
    TPMI_YES_NO more = 0;
    int ret = -1;
    if (Esys_GetCapability(ctx, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, TPM2_CAP_TPM_PROPERTIES,
                           pt, 1, &more, &cap) == TSS2_RC_SUCCESS) {
        if (cap->data.tpmProperties.count == 1 &&
            cap->data.tpmProperties.tpmProperty[0].property == pt) {
            *value = cap->data.tpmProperties.tpmProperty[0].value;
            ret = 0;
        }
        Esys_Free(cap);
    }
    return ret;
}

int hw_tpm_da_state(const char *tcti, uint32_t *failures, uint32_t *max_failures, int *in_lockout)
{
    conn c;
    uint32_t perm = 0;
    if (open_conn(&c, tcti) != 0) {
        return -1;
    }
    int ret = property(c.ctx, TPM2_PT_LOCKOUT_COUNTER, failures) == 0 &&
                      property(c.ctx, TPM2_PT_MAX_AUTH_FAIL, max_failures) == 0 &&
                      property(c.ctx, TPM2_PT_PERMANENT, &perm) == 0
                  ? 0
                  : -1;
    *in_lockout = (perm & TPMA_PERMANENT_INLOCKOUT) != 0;
    close_conn(&c);
    return ret;
}

int hw_tpm_da_reset(const char *tcti)
{
    conn c;
    if (open_conn(&c, tcti) != 0) {
        return -1;
    }
    TSS2_RC rc = Esys_DictionaryAttackLockReset(c.ctx, ESYS_TR_RH_LOCKOUT, ESYS_TR_PASSWORD,
                                                ESYS_TR_NONE, ESYS_TR_NONE);
    close_conn(&c);
    return rc == TSS2_RC_SUCCESS ? 0 : -1;
}

static int count_handles(ESYS_CONTEXT *ctx, TPM2_HANDLE first, uint32_t *n)
{
    TPMS_CAPABILITY_DATA *cap = NULL;
    TPMI_YES_NO more = 0;
    if (Esys_GetCapability(ctx, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE, TPM2_CAP_HANDLES, first,
                           64, &more, &cap) != TSS2_RC_SUCCESS) {
        return -1;
    }
    *n = cap->data.handles.count; /* the TPM lists the handles of first's type only */
    Esys_Free(cap);
    return 0;
}

int hw_tpm_handles(const char *tcti, uint32_t *transient, uint32_t *sessions)
{
    conn c;
    uint32_t loaded = 0, saved = 0;
    if (open_conn(&c, tcti) != 0) {
        return -1;
    }
    /* transient objects, loaded and saved sessions (literals: tss2's
     * TPM2_TRANSIENT_FIRST shifts an int into its sign bit) */
    int ret = count_handles(c.ctx, 0x80000000u, transient) == 0 &&
                      count_handles(c.ctx, 0x02000000u, &loaded) == 0 &&
                      count_handles(c.ctx, 0x03000000u, &saved) == 0
                  ? 0
                  : -1;
    *sessions = loaded + saved;
    close_conn(&c);
    return ret;
}

int hw_tpm_nv_define_ordinary(const char *tcti, uint32_t index)
{
    conn c;
    ESYS_TR nv = ESYS_TR_NONE;
    if (open_conn(&c, tcti) != 0) {
        return -1;
    }
    TPM2B_AUTH empty;
    TPM2B_NV_PUBLIC pub;
    memset(&empty, 0, sizeof empty);
    memset(&pub, 0, sizeof pub);
    pub.nvPublic.nvIndex = index;
    pub.nvPublic.nameAlg = TPM2_ALG_SHA256;
    pub.nvPublic.attributes = TPMA_NV_OWNERWRITE | TPMA_NV_OWNERREAD | TPMA_NV_AUTHWRITE |
                              TPMA_NV_AUTHREAD | TPMA_NV_NO_DA;
    pub.nvPublic.dataSize = 8;
    TSS2_RC rc = Esys_NV_DefineSpace(c.ctx, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                                     ESYS_TR_NONE, &empty, &pub, &nv);
    if (rc == TSS2_RC_SUCCESS) {
        (void)Esys_TR_Close(c.ctx, &nv);
    }
    close_conn(&c);
    return rc == TSS2_RC_SUCCESS ? 0 : -1;
}

#endif /* PQCE_WITH_TPM2 */
