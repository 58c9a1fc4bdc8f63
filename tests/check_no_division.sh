#!/usr/bin/env bash
# The KyberSlash lesson: a division instruction takes time that depends on
# its operands, and valgrind's constant-time test cannot see that (memcheck
# checks branches and memory indices only). So the lattice code must contain
# no division instruction at all: every division in it is by a constant the
# compiler turns into a multiplication, or a multiply-and-shift written out.
#
#   check_no_division.sh libpqce.a 'mlkem*.o' ['mldsa*.o' ...]
#
# Disassembles the archive members matching the patterns and fails on any
# integer division (x86: div, idiv; AArch64: udiv, sdiv), naming the
# function that holds it, or when no member matches (a vacuous pass).
set -euo pipefail
archive=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
ar x "$archive"
members=()
for pattern in "$@"; do
    for m in $pattern; do
        [ -f "$m" ] && members+=("$m")
    done
done
if [ ${#members[@]} -eq 0 ]; then
    echo "no archive member matches: $*"
    exit 1
fi
found=$(objdump -d --no-show-raw-insn "${members[@]}" |
    awk '/^[0-9a-f]+ <.*>:$/ {fn = $2; sub(/:$/, "", fn)}
         /file format/ {obj = $1}
         $2 ~ /^(i?div[bwlq]?|[us]div)$/ {print obj " " fn ": " $0}')
if [ -n "$found" ]; then
    echo "division instructions in constant-time code:"
    echo "$found"
    exit 1
fi
echo "no division instruction in ${#members[@]} objects: ${members[*]}"
