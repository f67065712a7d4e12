#!/bin/sh
# Install what is missing, build every memory-model variant and run the
# whole test suite (FLATMEM, SPARSEMEM, SPARSEMEM+EXTREME, SPARSEMEM_VMEMMAP).
# usage: scripts/test.sh [--sanitize]   (--sanitize: clang, AddressSanitizer + UBSan)
set -e
cd "$(dirname "$0")/.."
if [ "$1" = "--sanitize" ]; then
	sh scripts/deps.sh --sanitize
	dir=build-asan
	set -- -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
		-DCMAKE_BUILD_TYPE=Debug -DPMM_SANITIZE=address,undefined -DPMM_BUILD_BENCH=OFF
else
	sh scripts/deps.sh
	dir=build
	set -- -DCMAKE_BUILD_TYPE=Release
fi
cmake -S . -B "$dir" "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
cd "$dir"
ctest -j"$(nproc)" --output-on-failure
