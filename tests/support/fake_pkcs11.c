/*
 * fake_pkcs11.c - a PKCS#11 module with one token ("fake-aes-cbc") whose
 * only AES mechanisms are ECB, CBC, CBC-PAD and CTR, like tpm2-pkcs11's:
 * no CKM_AES_GCM and no AES key wrap. The backend must refuse to seal with
 * it and say why. It implements only what that path calls; the rest of the
 * function list is NULL, which the test never reaches.
 */
#include <string.h>

#include <p11-kit/pkcs11.h>

#define FAKE_SLOT 7UL

static int initialized;

static CK_RV fake_initialize(void *args)
{
    (void)args;
    if (initialized) {
        return CKR_CRYPTOKI_ALREADY_INITIALIZED;
    }
    initialized = 1;
    return CKR_OK;
}

static CK_RV fake_finalize(void *reserved)
{
    (void)reserved;
    initialized = 0;
    return CKR_OK;
}

static CK_RV fake_get_slot_list(CK_BBOOL present, CK_SLOT_ID *list, CK_ULONG *count)
{
    (void)present;
    if (list != NULL) {
        if (*count < 1) {
            *count = 1;
            return CKR_BUFFER_TOO_SMALL;
        }
        list[0] = FAKE_SLOT;
    }
    *count = 1;
    return CKR_OK;
}

static CK_RV fake_get_slot_info(CK_SLOT_ID slot, CK_SLOT_INFO *info)
{
    (void)slot;
    memset(info, ' ', sizeof *info);
    info->flags = CKF_TOKEN_PRESENT | CKF_HW_SLOT;
    return CKR_OK;
}

static CK_RV fake_get_token_info(CK_SLOT_ID slot, CK_TOKEN_INFO *info)
{
    (void)slot;
    memset(info, ' ', sizeof *info);
    memcpy(info->label, "fake-aes-cbc", 12);
    memcpy(info->manufacturerID, "pqce tests", 10);
    memcpy(info->model, "fake", 4);
    memcpy(info->serialNumber, "0001", 4);
    info->flags = CKF_TOKEN_INITIALIZED | CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED;
    return CKR_OK;
}

static const CK_MECHANISM_TYPE mechs[] = {CKM_AES_ECB, CKM_AES_CBC, CKM_AES_CBC_PAD, CKM_AES_CTR};

static CK_RV fake_get_mechanism_list(CK_SLOT_ID slot, CK_MECHANISM_TYPE *list, CK_ULONG *count)
{
    (void)slot;
    CK_ULONG n = sizeof mechs / sizeof mechs[0];
    if (list != NULL) {
        if (*count < n) {
            *count = n;
            return CKR_BUFFER_TOO_SMALL;
        }
        memcpy(list, mechs, sizeof mechs);
    }
    *count = n;
    return CKR_OK;
}

static CK_RV fake_get_mechanism_info(CK_SLOT_ID slot, CK_MECHANISM_TYPE type,
                                     CK_MECHANISM_INFO *info)
{
    (void)slot;
    (void)type;
    info->ulMinKeySize = 16;
    info->ulMaxKeySize = 32;
    info->flags = CKF_ENCRYPT | CKF_DECRYPT;
    return CKR_OK;
}

static CK_RV fake_open_session(CK_SLOT_ID slot, CK_FLAGS flags, void *app, CK_NOTIFY notify,
                               CK_SESSION_HANDLE *s)
{
    (void)slot;
    (void)flags;
    (void)app;
    (void)notify;
    *s = 1;
    return CKR_OK;
}

static CK_RV fake_close_session(CK_SESSION_HANDLE s)
{
    (void)s;
    return CKR_OK;
}

static CK_RV fake_login(CK_SESSION_HANDLE s, CK_USER_TYPE user, CK_UTF8CHAR *pin, CK_ULONG len)
{
    (void)s;
    (void)user;
    return len == 4 && memcmp(pin, "1234", 4) == 0 ? CKR_OK : CKR_PIN_INCORRECT;
}

static CK_RV fake_logout(CK_SESSION_HANDLE s)
{
    (void)s;
    return CKR_OK;
}

static CK_RV fake_find_init(CK_SESSION_HANDLE s, CK_ATTRIBUTE *t, CK_ULONG n)
{
    (void)s;
    (void)t;
    (void)n;
    return CKR_OK;
}

static CK_RV fake_find(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *o, CK_ULONG max, CK_ULONG *n)
{
    (void)s;
    (void)o;
    (void)max;
    *n = 0;
    return CKR_OK;
}

static CK_RV fake_find_final(CK_SESSION_HANDLE s)
{
    (void)s;
    return CKR_OK;
}

static CK_FUNCTION_LIST fake_list;

__attribute__((visibility("default"))) CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR out);

CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR out)
{
    memset(&fake_list, 0, sizeof fake_list);
    fake_list.version.major = 2;
    fake_list.version.minor = 40;
    fake_list.C_Initialize = fake_initialize;
    fake_list.C_Finalize = fake_finalize;
    fake_list.C_GetFunctionList = C_GetFunctionList;
    fake_list.C_GetSlotList = fake_get_slot_list;
    fake_list.C_GetSlotInfo = fake_get_slot_info;
    fake_list.C_GetTokenInfo = fake_get_token_info;
    fake_list.C_GetMechanismList = fake_get_mechanism_list;
    fake_list.C_GetMechanismInfo = fake_get_mechanism_info;
    fake_list.C_OpenSession = fake_open_session;
    fake_list.C_CloseSession = fake_close_session;
    fake_list.C_Login = fake_login;
    fake_list.C_Logout = fake_logout;
    fake_list.C_FindObjectsInit = fake_find_init;
    fake_list.C_FindObjects = fake_find;
    fake_list.C_FindObjectsFinal = fake_find_final;
    *out = &fake_list;
    return CKR_OK;
}
