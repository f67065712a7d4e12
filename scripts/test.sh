#!/bin/sh
# Install what is missing, build every memory-model variant and run the
# whole test suite (FLATMEM, SPARSEMEM, SPARSEMEM+EXTREME, SPARSEMEM_VMEMMAP).
# usage: scripts/test.sh [--sanitize | --tsan]
#   --sanitize: clang, AddressSanitizer + UBSan, every test
#   --tsan:     clang, ThreadSanitizer, the multi-threaded tests (allocator, hotplug,
#               deferred struct page init, LRU lists, kswapd and kcompactd)
set -e
cd "$(dirname "$0")/.."
if [ "$1" = "--tsan" ]; then
	sh scripts/deps.sh --sanitize
	cmake -S . -B build-tsan -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
		-DCMAKE_BUILD_TYPE=Debug -DPMM_SANITIZE=thread -DPMM_BUILD_BENCH=OFF \
		-DPMM_BUILD_EXAMPLES=OFF >/dev/null
	cmake --build build-tsan -j"$(nproc)" --target test_page_alloc_vmemmap test_page_alloc_sparsemem \
		test_hotplug_vmemmap test_hotplug_sparsemem test_mm_init_vmemmap test_mm_init_sparsemem \
		test_swap_vmemmap test_swap_sparsemem test_vmscan_vmemmap test_vmscan_sparsemem \
		test_spinlock_vmemmap test_spinlock_sparsemem
	cd build-tsan
	exec ctest --output-on-failure -R '^(vmemmap|sparsemem)/(page_alloc|hotplug|mm_init|swap|vmscan|spinlock)$'
fi
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
