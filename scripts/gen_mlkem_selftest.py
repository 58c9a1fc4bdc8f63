#!/usr/bin/env python3
"""Generates the known-answer data of src/crypto/mlkem_selftest.c.

For each parameter set it takes the first "valid decapsulation" test of the
seed-format decapsulation group of the ACVP ML-KEM-encapDecap-FIPS203-tr1
internal projection and prints: the seed d || z, the SHA3-256 digests of
the published ek and dk, the published ciphertext c and key k.

Usage: python3 scripts/gen_mlkem_selftest.py [path/to/shared/vectors]
"""
import hashlib
import json
import sys

VECTORS = sys.argv[1] if len(sys.argv) > 1 else "../shared/vectors"
FILE = "acvp/ML-KEM-encapDecap-FIPS203-tr1/internalProjection.json"


def c_array(name, data):
    lines = [f"static const uint8_t {name}[{len(data)}] = {{"]
    for i in range(0, len(data), 16):
        lines.append("    " + ", ".join(f"0x{b:02x}" for b in data[i:i + 16]) + ",")
    lines.append("};")
    return "\n".join(lines)


def main():
    root = json.load(open(f"{VECTORS}/{FILE}"))
    for g in root["testGroups"]:
        if g["function"] != "decapsulation" or g["keyFormat"] != "seed":
            continue
        t = next(t for t in g["tests"] if t["reason"] == "valid decapsulation")
        n = g["parameterSet"].split("-")[-1]
        seed = bytes.fromhex(t["d"]) + bytes.fromhex(t["z"])
        print(f"/* {g['parameterSet']}: {FILE}, tgId {g['tgId']}, tcId {t['tcId']} */")
        print(c_array(f"kat{n}_seed", seed))
        print(c_array(f"kat{n}_ek_sha3", hashlib.sha3_256(bytes.fromhex(t["ek"])).digest()))
        print(c_array(f"kat{n}_dk_sha3", hashlib.sha3_256(bytes.fromhex(t["dk"])).digest()))
        print(c_array(f"kat{n}_c", bytes.fromhex(t["c"])))
        print(c_array(f"kat{n}_k", bytes.fromhex(t["k"])))
        print()


if __name__ == "__main__":
    main()
