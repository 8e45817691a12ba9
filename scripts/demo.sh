#!/usr/bin/env bash
# Command (1) of the README: set up, build, create the demo datasets if missing, print their
# Table 1 and modality audit, train the demo TMF model if missing (about 8 minutes on 2 CPU cores,
# with a progress bar; later starts reuse it), and start tmf-studio on the Electronics demo world.
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
"$tmf" data audit --dataset "$demo/electronics.tmfdb"
model=$demo/electronics.tmf
if [[ ! -f $model/tmf.json ]]; then
  echo "Training the demo TMF model (once; about 8 minutes on 2 CPU cores, less on a GPU)..."
  "$tmf" train --dataset "$demo/electronics.tmfdb" --out "$model" --size demo
fi
if [[ -n ${DISPLAY:-} || -n ${WAYLAND_DISPLAY:-} || ${QT_QPA_PLATFORM:-} == offscreen ]]; then
  exec build/release/app/studio/tmf-studio --model "$model" "$demo/electronics.tmfdb"
else
  echo "No display found: starting tmf-studio under Xvfb (set DISPLAY to use your own)."
  exec xvfb-run -a build/release/app/studio/tmf-studio --model "$model" "$demo/electronics.tmfdb"
fi
