#!/usr/bin/env bash
# Every test on a fresh Debian 12 machine: installs what is missing, builds
# with warnings as errors and the constant-time hooks, and runs the whole
# suite with ctest: unit tests, the official vectors, the valgrind
# constant-time test, the exported-symbol check and the install check.
#
#   scripts/test.sh          everything but the slow tier
#   scripts/test.sh --slow   also the slow tier (ACVP 1-8 GiB SHA3-256)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
exclude=(-LE "^slow$")
[ "${1:-}" = "--slow" ] && exclude=()
cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=Release -DPQCE_WERROR=ON \
      -DPQCE_CT_TESTING=ON >/dev/null
cmake --build build/test
ctest --test-dir build/test --output-on-failure -j "$(nproc)" "${exclude[@]}"
