#!/usr/bin/env bash
# Command (1) of the README: set up, build, create the demo datasets if missing (seconds), print
# their Table 1, and start tmf-studio on the Electronics demo world at once. When the demo TMF
# model is missing the window trains it in the background (progress and Cancel in its status bar;
# browse and compose meanwhile) and opens it when done; later starts reuse it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release
tmf=build/release/app/tmf
demo=data/demo
if [[ ! -f $demo/electronics.tmfdb ]]; then
  mkdir -p "$demo"
  "$tmf" data generate --preset demo --seed 1 --out "$demo"
fi
"$tmf" data stats "$demo"/*.tmfdb
model=$demo/electronics.tmf
[[ -f $model/tmf.json ]] || echo "The window trains the demo TMF model in the background (once; see its status bar)."
if [[ -n ${DISPLAY:-} || -n ${WAYLAND_DISPLAY:-} || ${QT_QPA_PLATFORM:-} == offscreen ]]; then
  exec build/release/app/studio/tmf-studio --model "$model" --train-missing "$demo/electronics.tmfdb"
else
  echo "No display found: starting tmf-studio under Xvfb (set DISPLAY to use your own)."
  exec xvfb-run -a build/release/app/studio/tmf-studio --model "$model" --train-missing "$demo/electronics.tmfdb"
fi
