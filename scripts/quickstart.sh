#!/usr/bin/env bash
# The quick start: a vault in a temporary directory with the file backend,
# a generated 64 MiB "model" stored, listed, read back and compared,
# verified, attested and the attestation verified - through the pqce tool,
# printing each command and what it did. Run by scripts/demo.sh (and by
# ctest, label "cli", with a cheaper scrypt cost).
#
#   scripts/quickstart.sh PATH/TO/pqce
set -euo pipefail
pqce=$(realpath "${1:?usage: scripts/quickstart.sh PATH/TO/pqce}")
start=$(date +%s%N)
work=$(mktemp -d "${TMPDIR:-/tmp}/pqce-quickstart.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

# Everything stays in $work: the vault, its rollback counter, the files.
export PQCE_VAULT="$work/vault"
export XDG_STATE_HOME="$work/state"
# The passphrase comes from an environment variable, so nothing prompts.
# (pqce reads the variable named by --passphrase-env, and never prints it.)
PQCE_DEMO_PASSPHRASE=$(head -c 18 /dev/urandom | base64)
export PQCE_DEMO_PASSPHRASE
pass=(--passphrase-env PQCE_DEMO_PASSPHRASE)

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "pqce $*"; "$pqce" "$@"; }

echo "pqc-enclave quick start: a vault in $work"
echo "(file backend; the passphrase is random, in \$PQCE_DEMO_PASSPHRASE)"

run init "${pass[@]}" --device-id demo-box --device-model "$(uname -m)-linux"

say "head -c 64M /dev/urandom > model.bin      # a generated 64 MiB model"
head -c $((64 << 20)) /dev/urandom > model.bin

run put model.bin --name llama-3.2-1b-int4 --kind model-weights --version 1.0.0 \
    --bundle com.example.localllm --tag prod --tag int4 "${pass[@]}"
run ls "${pass[@]}"

run get llama-3.2-1b-int4 -o model.out "${pass[@]}"
say "cmp model.bin model.out"
cmp model.bin model.out
echo "identical: $(stat -c %s model.out) bytes read back"

run verify "${pass[@]}"

run pubkey --attestation -o device.attest.pub "${pass[@]}"
nonce=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
run attest llama-3.2-1b-int4 --nonce "$nonce" -o attestation.bin "${pass[@]}"
run verify-attestation attestation.bin --key device.attest.pub --nonce "$nonce"

run audit verify "${pass[@]}"

say "ls -l vault vault/objects    # on disk: ciphertext, and the tool's configuration (no secret)"
ls -l vault vault/objects | sed 's/^/  /'

ms=$((($(date +%s%N) - start) / 1000000))
printf '\nQuick start done in %d.%d s: a vault was created, a 64 MiB model stored, listed,\n' \
  $((ms / 1000)) $((ms % 1000 / 100))
echo "read back identical, verified (every tag and the SHA3-256), attested with ML-DSA-65"
echo "and the attestation verified against the device's key. The temporary directory is removed."
