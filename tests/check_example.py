#!/usr/bin/env python3
"""Runs one example program and checks its output, line by line, against
the lines the original SDK's example printed (INVENTORY.md section 5): the
same labels, padding and values; <hex32>, <hex64> and <n> stand for what
changes from run to run.

    check_example.py NAME PROGRAM
"""
import re
import subprocess
import sys

HEX32 = r"[0-9a-f]{32}"
EXPECTED = {
    "store_model_weights": [
        rf"\[unlock\] vault unlocked\. key_id=urn:pqc-enclave-key:{HEX32}",
        rf"\[put\]    artifact_id=urn:pqc-enclave-art:{HEX32} size=262144 bytes sha3=[0-9a-f]{{16}}\.\.\.",
        r"\[save\]   encrypted store persisted to backend",
        r"\[lock\]   vault sealed",
        r"\[unlock\] fresh vault over same backend",
        r"\[get\]    decrypted 262144 bytes, match=True",
    ],
    "store_credentials": [
        r"\[put\]  stored 'openai_api_key' for bundle 'com\.example\.chatapp'",
        r"\[put\]  stored 'anthropic_api_key' for bundle 'com\.example\.chatapp'",
        r"\[put\]  stored 'stripe_secret' for bundle 'com\.example\.payments'",
        r"",
        r"\[list\] artifacts in vault:",
        r"  - name=openai_api_key         bundle=com\.example\.chatapp      size= 14B  kind=credential",
        r"  - name=anthropic_api_key      bundle=com\.example\.chatapp      size= 11B  kind=credential",
        r"  - name=stripe_secret          bundle=com\.example\.payments     size= 14B  kind=credential",
        r"",
        r"\[get\]  anthropic_api_key -> b'sk-ant-test'",
    ],
    "device_attestation": [
        rf"\[put\]     artifact_id=urn:pqc-enclave-art:{HEX32}",
        # SHA3-256 of 4096 bytes of 0x11: deterministic
        r"\[hash\]    sha3=82ba103c03f4db6fc5f3c5723cd881d7d2c43d20d7b1776506ea7020b93170fb",
        r"\[attest\]  signer_did=did:pqaid:[0-9a-f]{64}",
        r"\[attest\]  algorithm=ML-DSA-65",
        r"\[verify\]  valid=True",
        r"\[tamper\]  valid_after_tamper=False",
        r"\[restore\] valid_after_restore=True",
    ],
    "load_tensor_random_access": [
        r"\[model\]  tiny-llm-f32: 9 tensors, 7340472 bytes, sealed in 113 chunks of 64 KiB",
        r"\[open\]   reader ready: header MAC and final chunk verified, nothing else decrypted",
        r"\[index\]  tensor table: 9 entries, 440 bytes at offset 0 \(chunk 0\)",
        r"\[tensor\] layers\.2\.attn\.wq  shape=256x256 float32  offset=\d+  bytes=262144",
        r"\[chunks\] decrypted and verified chunks \d+\.\.\d+: [45] of 113 \(\d+% of the file\)",
        r"\[values\] w\[0\]\[0\]=-?\d\.\d{6} w\[0\]\[1\]=-?\d\.\d{6} w\[255\]\[255\]=-?\d\.\d{6}",
        r"\[check\]  tensor equals the original weights: match=True",
    ],
}


def main():
    name, program = sys.argv[1], sys.argv[2]
    run = subprocess.run([program], capture_output=True, text=True, timeout=240)
    lines = run.stdout.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    want = EXPECTED[name]
    failures = []
    if run.returncode != 0:
        failures.append(f"exit code {run.returncode}, stderr: {run.stderr.strip()}")
    if len(lines) != len(want):
        failures.append(f"{len(lines)} lines printed, {len(want)} expected")
    for i, (got, pattern) in enumerate(zip(lines, want), 1):
        if not re.fullmatch(pattern, got):
            failures.append(f"line {i}: {got!r} does not match {pattern!r}")
    sys.stdout.write(run.stdout)
    if failures:
        print(f"\n{name}: FAILED", *failures, sep="\n  ")
        return 1
    print(f"\n{name}: {len(want)} lines as expected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
