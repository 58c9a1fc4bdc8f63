#!/usr/bin/env bash
# Runs a command against private hardware simulators, for the "hw" tests:
#
#   tests/hw_env.sh [--tpm2] [--pkcs11] -- command [args...]
#
#  --tpm2    starts two swtpm TPM 2.0 simulators on Unix sockets, each with
#            a fresh state directory (two "devices": a blob sealed on one
#            must not unseal on the other), and exports
#            PQCE_TEST_TPM2_TCTI and PQCE_TEST_TPM2_TCTI_OTHER;
#  --pkcs11  makes a private SoftHSM2 token directory with two tokens
#            ("pqce-test" and "pqce-other", user PIN 1234, SO PIN 12345678)
#            and exports SOFTHSM2_CONF, PQCE_TEST_PKCS11_MODULE,
#            PQCE_TEST_PKCS11_TOKEN, PQCE_TEST_PKCS11_OTHER_TOKEN,
#            PQCE_TEST_PKCS11_PIN and PQCE_TEST_PKCS11_SO_PIN.
#
# Then it runs the command, stops what it started by PID, removes its
# directories, and exits with the command's status. If a simulator does
# not start, it says why and exits 1: a hardware test never passes by being
# skipped. It prints how long the start-up took.
#
# The swtpm simulators keep their default dictionary-attack parameters (3
# failures before lockout, as a fresh swtpm has): the tests prove that they
# never reach the lockout rather than raising the threshold to hide it.
set -euo pipefail

want_tpm2=0 want_pkcs11=0
while [ $# -gt 0 ]; do
  case "$1" in
    --tpm2) want_tpm2=1 ;;
    --pkcs11) want_pkcs11=1 ;;
    --) shift; break ;;
    *) echo "hw_env.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ $# -gt 0 ] || { echo "usage: hw_env.sh [--tpm2] [--pkcs11] -- command..." >&2; exit 2; }

die() { echo "hw_env.sh: $*" >&2; exit 1; }
now() { date +%s.%N; }

work=$(mktemp -d /tmp/pqce-hw.XXXXXX)
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

t0=$(now)
export TSS2_LOG=all+NONE # tpm2-tss prints every expected TPM error otherwise

# A TPM answers when TPM2_GetCapability (tpm2_getcap) does; the socket file
# alone appears before the simulator accepts commands.
start_swtpm() {
  local name=$1 dir="$work/$1"
  mkdir -p "$dir/state"
  # a simple command in the background, so that $! is swtpm's own PID
  swtpm socket --tpm2 --tpmstate dir="$dir/state" \
    --server type=unixio,path="$dir/sock" --ctrl type=unixio,path="$dir/sock.ctrl" \
    --flags not-need-init,startup-clear 2>"$dir/log" &
  pids+=("$!")
  local i
  for i in $(seq 200); do
    if TPM2TOOLS_TCTI="swtpm:path=$dir/sock" tpm2_getcap properties-fixed >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.025
  done
  die "swtpm ($name) did not start: $(cat "$dir/log" 2>/dev/null)"
}

if [ "$want_tpm2" = 1 ]; then
  command -v swtpm >/dev/null || die "swtpm is not installed (Debian: swtpm); the TPM 2.0 tests cannot run"
  command -v tpm2_getcap >/dev/null || die "tpm2_getcap is not installed (Debian: tpm2-tools)"
  start_swtpm tpm-a
  start_swtpm tpm-b
  export PQCE_TEST_TPM2_TCTI="swtpm:path=$work/tpm-a/sock"
  export PQCE_TEST_TPM2_TCTI_OTHER="swtpm:path=$work/tpm-b/sock"
fi

if [ "$want_pkcs11" = 1 ]; then
  module=/usr/lib/softhsm/libsofthsm2.so
  [ -f "$module" ] || die "SoftHSM2 is not installed ($module; Debian: softhsm2); the PKCS#11 tests cannot run"
  command -v softhsm2-util >/dev/null || die "softhsm2-util is not installed (Debian: softhsm2)"
  mkdir -p "$work/softhsm/tokens"
  printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
    "$work/softhsm/tokens" >"$work/softhsm/softhsm2.conf"
  export SOFTHSM2_CONF="$work/softhsm/softhsm2.conf"
  for label in pqce-test pqce-other; do
    softhsm2-util --init-token --free --label "$label" --so-pin 12345678 --pin 1234 \
      >"$work/softhsm/init.log" 2>&1 || die "softhsm2-util --init-token failed: $(cat "$work/softhsm/init.log")"
  done
  export PQCE_TEST_PKCS11_MODULE="$module" PQCE_TEST_PKCS11_TOKEN=pqce-test \
    PQCE_TEST_PKCS11_OTHER_TOKEN=pqce-other PQCE_TEST_PKCS11_PIN=1234 \
    PQCE_TEST_PKCS11_SO_PIN=12345678
fi

t1=$(now)
awk -v a="$t0" -v b="$t1" -v t="$want_tpm2" -v p="$want_pkcs11" \
  'BEGIN { printf "hw_env.sh: simulators ready in %.3f s (tpm2=%s pkcs11=%s)\n", b - a, t, p }'

# The command runs in the foreground (not exec) so that the EXIT trap stops
# the simulators. (The test programs join a session keyring of their own.)
status=0
"$@" || status=$?
exit "$status"
