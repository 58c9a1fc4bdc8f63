#!/usr/bin/env bash
# Every test on a fresh Debian 12 machine: installs what is missing, builds
# with warnings as errors, the constant-time hooks and both hardware
# backends, and runs the whole suite with ctest: unit tests, the official
# vectors, the valgrind constant-time test, the exported-symbol check, the
# install check, and the TPM 2.0 and PKCS#11 tests against private swtpm and
# SoftHSM2 simulators (label "hw"; a simulator that does not start fails them).
#
#   scripts/test.sh          everything but the slow tier
#   scripts/test.sh --slow   also the slow tier (ACVP 1-8 GiB SHA3-256)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
exclude=(-LE "^slow$")
[ "${1:-}" = "--slow" ] && exclude=()
# The backends are forced ON: a missing package must fail the configure step,
# not drop the hardware tests silently.
cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=Release -DPQCE_WERROR=ON \
      -DPQCE_CT_TESTING=ON -DPQCE_WITH_TPM2=ON -DPQCE_WITH_PKCS11=ON >/dev/null
cmake --build build/test
ctest --test-dir build/test --output-on-failure -j "$(nproc)" "${exclude[@]}"
