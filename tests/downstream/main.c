/* A downstream program: uses only the installed pqce.h and libpqce. */
#include <pqce.h>
#include <stdio.h>
#include <string.h>

int main(void)
{
    static uint8_t ek[PQCE_MLKEM768_EK_BYTES], dk[PQCE_MLKEM768_DK_BYTES];
    static uint8_t ct[PQCE_MLKEM768_CT_BYTES];
    uint8_t k1[PQCE_MLKEM_SS_BYTES], k2[PQCE_MLKEM_SS_BYTES];

    if (pqce_mlkem768_keypair(ek, dk) != PQCE_OK || pqce_mlkem768_encaps(ct, k1, ek) != PQCE_OK ||
        pqce_mlkem768_decaps(k2, ct, dk) != PQCE_OK || memcmp(k1, k2, sizeof k1) != 0) {
        fprintf(stderr, "downstream: ML-KEM-768 round trip failed\n");
        return 1;
    }
    printf("downstream: pqce %s, ML-KEM-768 round trip ok\n", pqce_version());
    return 0;
}
