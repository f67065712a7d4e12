#!/bin/sh
# pmm's main job: install what is missing, build, and boot this host's
# layout as a simulated machine, printing what was built.
# usage: scripts/run.sh [pmm arguments]
set -e
cd "$(dirname "$0")/.."
sh scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target pmm_cli >/dev/null
if [ $# -gt 0 ]; then
	exec ./build/pmm "$@"
fi
./build/pmm boot-log
echo
exec ./build/pmm summary
