#!/usr/bin/env bash
# Copies what core needs besides LibTorch (SQLite, stb, nlohmann/json headers and libraries) from
# this Debian machine into .deps/, for building core + tmf on a CUDA machine that has PyTorch but
# no Debian -dev packages (see README, "Building on a CUDA machine").
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
rm -rf .deps && mkdir -p .deps/include .deps/lib
cp /usr/include/sqlite3.h /usr/include/sqlite3ext.h .deps/include/
cp -r /usr/include/stb .deps/include/
cp -r /usr/include/nlohmann .deps/include/
cp -r /usr/include/gtest /usr/include/gmock .deps/include/          # for the test suites there
libdir=/usr/lib/x86_64-linux-gnu
cp -P "$libdir"/libsqlite3.so* "$libdir"/libstb.so* .deps/lib/
cp "$libdir"/libgtest.a "$libdir"/libgtest_main.a .deps/lib/
# The reference fixtures the tests compare against (../shared does not travel).
if [[ -d ../shared/fixtures ]]; then mkdir -p .deps/shared && cp -r ../shared/fixtures .deps/shared/; fi
echo "gathered into .deps/: $(du -sh .deps | cut -f1)"
