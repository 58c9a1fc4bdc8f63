#!/usr/bin/env python3
"""Generates the ML-DSA NTT twiddle table of src/crypto/mldsa_poly.c.

Definition [FIPS204, Appendix B]: zetas[k] = 1753^BitRev8(k) mod q for
k = 0..255, with q = 8380417 and 1753 a primitive 512th root of unity mod q.
The C table holds each value in Montgomery form, zetas[k] * 2^32 mod q,
as the representative in (-q/2, q/2), so that one Montgomery
multiplication by it is a plain multiplication by zetas[k].

Also prints the inverse-NTT scaling constant 2^64 / 256 mod q
(Montgomery form of 256^-1, applied after the factor 2^-32 that the
pointwise Montgomery product leaves behind), the same constant times the
last inverse layer's twiddle -zetas[1], and q^-1 mod 2^32.

Run: python3 scripts/gen_mldsa_zetas.py
"""

Q = 8380417
ZETA = 1753


def bitrev8(k):
    return int(format(k, "08b")[::-1], 2)


def centered(x):
    x %= Q
    return x - Q if x > Q // 2 else x


def main():
    # Sanity: 1753 is a primitive 512th root of unity modulo q.
    assert pow(ZETA, 256, Q) == Q - 1 and pow(ZETA, 512, Q) == 1
    table = [centered(pow(ZETA, bitrev8(k), Q) * (1 << 32)) for k in range(256)]
    print("static const int32_t zetas_mont[256] = {")
    for i in range(0, 256, 8):
        print("    " + ", ".join(str(v) for v in table[i:i + 8]) + ",")
    print("};")
    print("#define MLDSA_INVNTT_F %d /* 2^64 / 256 mod q, centered */" % centered(pow(2, 56, Q)))
    print("#define MLDSA_QINV %d /* q^-1 mod 2^32 */" % pow(Q, -1, 1 << 32))
    # The last inverse layer's twiddle -zetas[1] (Montgomery form) with the
    # scaling folded in: K with mont(K * x) = mont(F * mont(-zetas_mont[1] * x)).
    k = centered(-table[1] * pow(2, 56, Q) * pow(1 << 32, -1, Q))
    print("#define MLDSA_INVNTT_F_ZETA1 %d" % k)


if __name__ == "__main__":
    main()
