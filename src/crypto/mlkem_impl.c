/*
 * mlkem_impl.c - the portable table of ML-KEM building blocks and the
 * choice between it and the AVX2 one (mlkem_impl.h).
 */
#include "crypto/mlkem_impl.h"

#include "crypto/mlkem_sample.h"

const pqce_mlkem_impl pqce_mlkem_impl_portable = {
    "portable",
    pqce_mlkem_polymat_sample,
    pqce_mlkem_polyvec_sample_noise,
    pqce_mlkem_poly_ntt,
    pqce_mlkem_poly_invntt_mont,
    pqce_mlkem_poly_mulcache,
    pqce_mlkem_polyvec_basemul_acc,
    pqce_mlkem_poly_reduce,
    pqce_mlkem_poly_tomont,
    pqce_mlkem_poly_encode12,
    pqce_mlkem_poly_decode12,
    pqce_mlkem_poly_compress_encode,
    pqce_mlkem_poly_decode_decompress,
};

const pqce_mlkem_impl *pqce_mlkem_impl_select(void)
{
#if PQCE_AVX2_COMPILED
    if (pqce_cpu_has_avx2()) {
        return &pqce_mlkem_impl_avx2;
    }
#endif
    return &pqce_mlkem_impl_portable;
}

size_t pqce_mlkem_impl_list(const pqce_mlkem_impl *out[PQCE_MLKEM_IMPL_MAX])
{
    size_t n = 0;
    out[n++] = &pqce_mlkem_impl_portable;
#if PQCE_AVX2_COMPILED
    if (pqce_cpu_has_avx2()) {
        out[n++] = &pqce_mlkem_impl_avx2;
    }
#endif
    return n;
}
