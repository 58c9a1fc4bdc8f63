#!/usr/bin/env python3
"""Generates the known-answer data of src/crypto/mldsa_selftest.c.

For each parameter set it takes, from the ACVP ML-DSA-sigGen-FIPS204-tr1
set, the test with the shortest message of the group with seed-format keys,
deterministic signing, the external interface and no pre-hash, and prints
the seed, the message, the context and the SHA3-256 of the expected
signature; and from ML-DSA-keyGen-FIPS204, the first test of the set: its
seed and the SHA3-256 of its pk and sk.

Usage: python3 scripts/gen_mldsa_selftest.py [path/to/shared/vectors]
"""
import hashlib
import json
import sys

VECTORS = sys.argv[1] if len(sys.argv) > 1 else "../shared/vectors"
SIGGEN = "acvp/ML-DSA-sigGen-FIPS204-tr1"
KEYGEN = "acvp/ML-DSA-keyGen-FIPS204/internalProjection.json"


def c_array(name, data):
    lines = [f"static const uint8_t {name}[{max(len(data), 1)}] = {{"]
    for i in range(0, len(data), 16):
        lines.append("    " + ", ".join(f"0x{b:02x}" for b in data[i:i + 16]) + ",")
    if not data:
        lines.append("    0")
    lines.append("};")
    return "\n".join(lines)


def main():
    prompt = json.load(open(f"{VECTORS}/{SIGGEN}/prompt.json"))
    expected = json.load(open(f"{VECTORS}/{SIGGEN}/expectedResults.json"))
    sigs = {t["tcId"]: t["signature"] for g in expected["testGroups"] for t in g["tests"]}
    keygen = json.load(open(f"{VECTORS}/{KEYGEN}"))
    for g in prompt["testGroups"]:
        if not (g.get("keyFormat") == "seed" and g["deterministic"]
                and g["signatureInterface"] == "external" and g["preHash"] == "pure"):
            continue
        t = min(g["tests"], key=lambda t: len(t["message"]))
        n = g["parameterSet"].split("-")[-1]
        print(f"/* {g['parameterSet']}: {SIGGEN}, tgId {g['tgId']}, tcId {t['tcId']} */")
        print(c_array(f"kat{n}_seed", bytes.fromhex(t["seed"])))
        print(c_array(f"kat{n}_msg", bytes.fromhex(t["message"])))
        print(c_array(f"kat{n}_ctx", bytes.fromhex(t["context"])))
        print(f"#define KAT{n}_CTX_LEN {len(t['context']) // 2}")
        print(c_array(f"kat{n}_sig_sha3", hashlib.sha3_256(bytes.fromhex(sigs[t['tcId']])).digest()))
        # keyGen: the first test of the parameter set (its own seed)
        kg = next(x for x in keygen["testGroups"] if x["parameterSet"] == g["parameterSet"])
        k = kg["tests"][0]
        print(f"/* {g['parameterSet']}: {KEYGEN}, tgId {kg['tgId']}, tcId {k['tcId']} */")
        print(c_array(f"kat{n}_kg_seed", bytes.fromhex(k["seed"])))
        print(c_array(f"kat{n}_kg_pk_sha3", hashlib.sha3_256(bytes.fromhex(k["pk"])).digest()))
        print(c_array(f"kat{n}_kg_sk_sha3", hashlib.sha3_256(bytes.fromhex(k["sk"])).digest()))
        print()


if __name__ == "__main__":
    main()
