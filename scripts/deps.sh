#!/bin/sh
# Install what pmm needs to build and test on Debian 12 (run as root).
# usage: scripts/deps.sh [--sanitize]   (also installs clang and its sanitizer runtime)
set -e
pkgs="cmake make gcc g++ pkg-config libhwloc-dev libnuma-dev libcmocka-dev libjansson-dev zlib1g-dev hwloc-nox util-linux python3 python3-pytest python3-matplotlib librsvg2-bin"
[ "$1" = "--sanitize" ] && pkgs="$pkgs clang libclang-rt-14-dev"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "pmm: missing packages:$missing (run as root, or install them)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
