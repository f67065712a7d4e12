#!/bin/sh
# Run the memory-model benchmark of every variant and print one table.
# usage: bench/run_bench.sh BUILD_DIR
set -e
build=${1:-build}
echo "pfn <-> page on a 64 GiB x86-64 machine with holes (metadata only), best of 3"
echo "array: a plain array index on the same numbers; page_to_pfn*: against an array"
echo "index that also loads page->flags, as classic SPARSEMEM must"
first=--header
for model in flatmem sparsemem sparsemem_extreme vmemmap; do
	"$build/bench/bench_memory_model_$model" $first
	first=
done
