#!/usr/bin/env bash
# Checks the library's namespace (CONVENTIONS.md rule 1):
#  - the shared library exports exactly the functions declared in the public
#    headers (pqce.h and pqce_backend.h);
#  - every global symbol defined in the static library starts with pqce_.
set -euo pipefail
so=$1 a=$2
shift 2
headers=("$@")
fail=0

exported=$(nm -D --defined-only --extern-only "$so" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort -u)
declared=$(cat "${headers[@]}" | grep -oE '\bpqce_[a-z0-9_]+\s*\(' | sed -E 's/\s*\($//' | sort -u)

bad=$(printf '%s\n' "$exported" | grep -v '^pqce_' || true)
if [ -n "$bad" ]; then echo "exported without the pqce_ prefix:"; echo "$bad"; fail=1; fi
extra=$(comm -23 <(printf '%s\n' "$exported") <(printf '%s\n' "$declared"))
if [ -n "$extra" ]; then echo "exported but not declared in a public header:"; echo "$extra"; fail=1; fi
missing=$(comm -13 <(printf '%s\n' "$exported") <(printf '%s\n' "$declared"))
if [ -n "$missing" ]; then echo "declared in a public header but not exported:"; echo "$missing"; fail=1; fi

# Static archive: every defined global symbol (T, D, B, R, ...). Symbols that sanitizer instrumentation adds (__odr_asan.*, __asan_*, ...)
# are the compiler's, not ours.
globals=$(nm -g --defined-only "$a" 2>/dev/null | awk 'NF==3 {print $3}' |
          grep -vE '^__(odr_asan|asan|ubsan|sancov|llvm)' | sort -u)
bad=$(printf '%s\n' "$globals" | grep -v '^pqce_' || true)
if [ -n "$bad" ]; then echo "global symbols of the static library without the pqce_ prefix:"; echo "$bad"; fail=1; fi

n=$(printf '%s\n' "$exported" | grep -c . || true)
echo "exported symbols: $n, all declared in the public headers and prefixed pqce_"
[ "$n" -gt 0 ] || { echo "no exported symbol found"; fail=1; }
exit $fail
