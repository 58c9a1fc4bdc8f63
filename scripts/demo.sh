#!/usr/bin/env bash
# The quick start on a fresh Debian 12 machine: installs what is missing,
# builds pqc-enclave (Release: the library, the pqce tool, the examples),
# then runs the quick start (scripts/quickstart.sh): a vault in a temporary
# directory with the file backend, a generated 64 MiB model stored, listed,
# read back and compared, verified, attested and the attestation verified;
# then the library's built-in known-answer self-test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh demo
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DPQCE_BUILD_TESTS=OFF >/dev/null
cmake --build build/release
echo
scripts/quickstart.sh build/release/cli/pqce
echo
build/release/cli/pqce selftest
echo
echo "Next: build/release/cli/pqce help, man docs/pqce.1, the examples in build/release/examples/,"
echo "the speed summary (build/release/cli/pqce bench), and ./scripts/test.sh for every test."
