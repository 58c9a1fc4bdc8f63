#!/usr/bin/env bash
# Installs the build tree into a temporary prefix and builds a downstream
# program against it twice: with pkg-config and with find_package(pqce).
set -euo pipefail
build=$1 downstream=$2 cc=$3
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT

cmake --install "$build" --prefix "$prefix" >/dev/null
pc=$(find "$prefix" -name pqce.pc | head -n1)
[ -n "$pc" ] || { echo "pqce.pc was not installed"; exit 1; }
test -f "$prefix/include/pqce.h" || { echo "pqce.h was not installed"; exit 1; }

# 1. pkg-config, shared library
export PKG_CONFIG_PATH=$(dirname "$pc")
libdir=$(pkg-config --variable=libdir pqce)
"$cc" -o "$prefix/via_pkgconfig" "$downstream/main.c" $(pkg-config --cflags --libs pqce)
LD_LIBRARY_PATH=$libdir "$prefix/via_pkgconfig"

# 2. pkg-config, static library
"$cc" -o "$prefix/via_pkgconfig_static" "$downstream/main.c" $(pkg-config --cflags pqce) \
    "$libdir/libpqce.a" $(pkg-config --static --libs-only-l pqce | sed 's/-lpqce//')
"$prefix/via_pkgconfig_static"

# 3. CMake find_package
cmake -S "$downstream" -B "$prefix/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
      -DCMAKE_C_COMPILER="$cc" >/dev/null
cmake --build "$prefix/cmake-build" >/dev/null
LD_LIBRARY_PATH=$libdir "$prefix/cmake-build/downstream"
echo "installed library linked through pkg-config (shared, static) and find_package"
