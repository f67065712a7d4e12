#!/bin/sh
# Instructions per alloc+free pair, counted by callgrind: unlike times, the
# same on every run of the same build, whatever else the host is doing.
# usage: bench/count_instructions.sh [BUILD_DIR]   (needs valgrind)
set -e
build=${1:-build}
bench="$build/bench/bench_page_alloc"
[ -x "$bench" ] || { echo "count_instructions: no $bench (build the bench-page-alloc target)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "count_instructions: valgrind is not installed" >&2; exit 1; }

refs() {
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bench" --pairs "$@" 2>&1 |
		awk '/I *refs:/ { gsub(",", "", $NF); print $NF }'
}

printf '%-40s %12s\n' "case" "instr/pair"
for c in "0" "0 --no-pcp" "1" "4" "9" "10"; do
	set -- $c
	order=$1
	shift
	a=$(refs "$order" 100000 "$@")
	b=$(refs "$order" 200000 "$@")
	printf '%-40s %12d\n' "order $order${1:+ $1}" $(((b - a) / 100000))
done
