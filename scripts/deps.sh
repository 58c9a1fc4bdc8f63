#!/usr/bin/env bash
# Installs the Debian packages that pqc-enclave needs for a task, or says
# exactly which ones are missing when it cannot (not root).
#
#   scripts/deps.sh demo   build the library, the tool and the benchmark
#   scripts/deps.sh test   + the test suite (valgrind, python3, bsdutils) and the
#                          hardware backends with their simulators: tpm2-tss
#                          (libtss2-dev), swtpm and tpm2-tools (tests/hw_env.sh
#                          starts and polls swtpm), pkcs11.h (libp11-kit-dev) and
#                          SoftHSM2
#   scripts/deps.sh ci     + clang/libFuzzer and clang-format for CI
set -euo pipefail

build_pkgs=(gcc libc6-dev cmake ninja-build pkg-config libssl-dev libjson-c-dev openssl)
# python3: the CLI and example tests (standard library only); bsdutils: script(1)
test_pkgs=(valgrind python3 bsdutils libtss2-dev libp11-kit-dev swtpm swtpm-tools tpm2-tools
           softhsm2)
ci_pkgs=(clang-14 libclang-rt-14-dev clang-format-14)

case "${1:-}" in
  demo) want=("${build_pkgs[@]}") ;;
  test) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
  ci) want=("${build_pkgs[@]}" "${test_pkgs[@]}" "${ci_pkgs[@]}") ;;
  *) echo "usage: scripts/deps.sh demo|test|ci" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "pqc-enclave needs these Debian packages, which are not installed:" >&2
  echo "  ${missing[*]}" >&2
  echo "Install them as root, then run this command again:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; then
  apt-get update -qq
  apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
fi
