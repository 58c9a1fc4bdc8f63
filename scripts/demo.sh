#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: installs what is missing,
# builds pqc-enclave (Release), runs the library's built-in known-answer
# self-test and prints a benchmark summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh demo
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DPQCE_BUILD_TESTS=OFF >/dev/null
cmake --build build/release
echo
build/release/cli/pqce selftest
echo
echo "Benchmark summary (medians; quick run, see docs/PERFORMANCE.md for the full table):"
build/release/bench/pqce-bench --quick
