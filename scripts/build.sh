#!/usr/bin/env bash
# Configures (once) and builds a preset: scripts/build.sh [release|debug|asan] [ninja target...]
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}; shift || true
jobs=${TMF_JOBS:-$(nproc)}
if [[ ! -f build/$preset/build.ninja ]]; then
  cmake --preset "$preset" >/dev/null
fi
cmake --build "build/$preset" -j "$jobs" ${1:+--target "$@"}
