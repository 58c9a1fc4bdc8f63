#!/usr/bin/env bash
# Formats the C sources with the repository's .clang-format, or with
# --check, fails listing the files that are not formatted.
set -euo pipefail
cd "$(dirname "$0")/.."
cf=$(command -v clang-format-14 || command -v clang-format || true)
[ -n "$cf" ] || { echo "clang-format is not installed (Debian: clang-format-14)" >&2; exit 1; }
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.c' '*.h' '*.h.in')
if [ "${1:-}" = "--check" ]; then
  bad=()
  for f in "${files[@]}"; do
    "$cf" --style=file "$f" | cmp -s - "$f" || bad+=("$f")
  done
  if [ ${#bad[@]} -gt 0 ]; then
    echo "not clang-formatted (run scripts/format.sh):" >&2
    printf '  %s\n' "${bad[@]}" >&2
    exit 1
  fi
  echo "clang-format: ${#files[@]} files formatted"
else
  "$cf" --style=file -i "${files[@]}"
fi
