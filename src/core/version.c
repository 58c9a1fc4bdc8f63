/* version.c - version and build information. */
#include "core/config.h"
#include "pqce.h"

#ifndef PQCE_COMPILER
#define PQCE_COMPILER "unknown compiler"
#endif

#define PQCE_STR_(x) #x
#define PQCE_STR(x)  PQCE_STR_(x)

const char *pqce_version(void)
{
    return PQCE_VERSION_STRING;
}

const char *pqce_build_info(void)
{
    return "pqce " PQCE_VERSION_STRING "; " PQCE_COMPILER
           "; PQCE_CT_TESTING=" PQCE_STR(PQCE_CT_TESTING) " PQCE_X86_64_SIMD=" PQCE_STR(PQCE_X86_64_SIMD) " PQCE_WITH_TPM2=" PQCE_STR(
               PQCE_WITH_TPM2) " PQCE_WITH_PKCS11=" PQCE_STR(PQCE_WITH_PKCS11) "; AES-GCM: OpenSSL "
                                                                               "libcrypto (EVP)";
}
