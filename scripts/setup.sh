#!/usr/bin/env bash
# Installs every Debian 12 package TMF Studio needs to build, test and run (as root, or via sudo).
# Idempotent: when everything is present it prints nothing and exits 0.
#   scripts/setup.sh          what the build, the tests and the app need
#   scripts/setup.sh --fuzz   also clang (libFuzzer, ASan, UBSan) for scripts/fuzz.sh
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev       # views, tmf-studio (Charts needs OpenGL,
  libgl1-mesa-dev                                                 # SVG export needs QtSvg)
  libtorch-dev libopenblas0-pthread                               # LibTorch 1.13 (CPU); OpenBLAS replaces
                                                                  # the reference BLAS it links (~50x faster)
  libsqlite3-dev sqlite3                                          # dataset store
  libstb-dev                                                      # PNG/JPEG decode and encode
  libsentencepiece-dev sentencepiece                              # tokenizer oracle (tests) and spm_train
  nlohmann-json3-dev                                              # JSON configs
  libgtest-dev                                                    # tests
  xvfb xauth fonts-dejavu-core                                    # GUI tests and screenshots
  desktop-file-utils appstream                                    # checks of the .desktop entry and metainfo
)
[[ ${1:-} == --fuzz ]] && PACKAGES+=(clang)                         # libFuzzer targets (tests/fuzz)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
if ! { $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq &&
       $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "setup: apt-get failed (log above)" >&2
  exit 1
fi
rm -f "$log"
echo "setup: done"
