#!/usr/bin/env python3
"""Generates the ML-KEM constant tables of src/crypto/mlkem_poly.c and
src/crypto/mlkem_avx2.c.

Every value follows from its definition in FIPS 203 and the Montgomery
radix R = 2^16 used by the C code:

  zetas[i]  = 17^BitRev7(i) * R mod q, i = 0..127  [FIPS203, 4.3, Algorithms 9, 10]
  gammas[i] = 17^(2*BitRev7(i) + 1) * R mod q       [FIPS203, Algorithms 11, 12]

Each value is printed as its centered representative in [-(q-1)/2, (q-1)/2].
Also prints the scalar constants that the C code derives from q and R, so
that a reviewer can check them in one place.

With --avx2, prints instead the compaction table of the AVX2 rejection
sampler (SampleNTT, [FIPS203, Algorithm 7]): entry m lists, one byte each
and from the least significant byte up, the positions i = 0..7 whose bit i
is set in m, in increasing order; the unused high bytes are 0.

Usage: python3 scripts/gen_mlkem_tables.py [--avx2]
"""
import sys

Q = 3329
ZETA = 17
R = 1 << 16


def bitrev7(i):
    return int(format(i, "07b")[::-1], 2)


def centered(x):
    x %= Q
    return x - Q if x > Q // 2 else x


def table(name, values):
    lines = [f"const int16_t {name}[{len(values)}] = {{"]
    row = []
    for v in values:
        row.append(f"{v},")
        if len(row) == 10:
            lines.append("    " + " ".join(row))
            row = []
    if row:
        lines.append("    " + " ".join(row))
    lines.append("};")
    return "\n".join(lines)


def compaction_table():
    lines = ["static const uint64_t rej_compact[256] = {"]
    row = []
    for m in range(256):
        positions = [i for i in range(8) if m >> i & 1]
        v = sum(p << (8 * t) for t, p in enumerate(positions))
        row.append(f"0x{v:016x}u,")
        if len(row) == 4:
            lines.append("    " + " ".join(row))
            row = []
    lines.append("};")
    return "\n".join(lines)


def main():
    if sys.argv[1:] == ["--avx2"]:
        print(compaction_table())
        return
    zetas = [centered(pow(ZETA, bitrev7(i), Q) * R) for i in range(128)]
    gammas = [centered(pow(ZETA, 2 * bitrev7(i) + 1, Q) * R) for i in range(128)]
    print(table("pqce_mlkem_zetas", zetas))
    print()
    print(table("pqce_mlkem_gammas", gammas))
    print()
    qinv = pow(Q, -1, R)
    print(f"/* q^-1 mod 2^16 = {qinv} */")
    print(f"/* R^2 mod q = {R * R % Q} (tomont) */")
    inv128 = pow(128, -1, Q)
    print(f"/* 128^-1 mod q = {inv128}; 128^-1 * R^2 mod q = {inv128 * R * R % Q} (invntt) */")
    print(f"/* Barrett: round(2^26 / q) = {round((1 << 26) / Q)} */")
    print(f"/* Compress: ceil(2^35 / q) = {-(-(1 << 35) // Q)} */")


if __name__ == "__main__":
    main()
