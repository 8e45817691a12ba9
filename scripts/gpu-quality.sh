#!/usr/bin/env bash
# Issue 4's Table 3 ladder at full training length, for a session with a CUDA machine. The
# from-scratch default backbone needs thousands of warm-up steps before free decoding copies a
# candidate's name (model codes such as "GA919" included) exactly; a GPU does that in minutes, the
# 2-core CPU in hours (measured numbers: issue 4's closing notes).
#
# On the device (carry [".deps"] from scripts/gather-gpu-deps.sh), as two calls so that neither
# passes the 10-minute limit: the build, then this script on the still-warm machine:
#   GPU_TARGETS=tmf GPU_BENCH=true bash scripts/gpu-check.sh
#   bash scripts/gpu-quality.sh
# or anywhere a tmf is built:
#   TMF=build/release/app/tmf DEVICE=cpu bash scripts/gpu-quality.sh
# Settings (environment, defaults in brackets): WORLDS [electronics], SEEDS [42],
# LEVELS [text,behavior,amsa,cma], SIZE [default], WARMUP warm-up steps [10000], WBATCH texts
# per warm-up step [64], PROMPTS warm-up prompts [20000], STEPS tuning steps [1500], LIMIT test
# rows [300; 0 = all], BUDGET_S seconds per world before it stops [480]. A stopped run resumes
# on the next call: finished levels and stages are reused from WORK [build/quality].
# Writes $OUT/quality-<world>.md (the table) and .log, and the dataset with its stored eval runs.
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-gpu-out}
tmf=${TMF:-build/cuda/app/tmf}
work=${WORK:-build/quality}
mkdir -p "$out" "$work"
[[ -x $tmf ]] || { echo "no tmf at $tmf (set TMF)"; exit 1; }
status=0
for w in ${WORLDS:-electronics}; do
  db=$work/$w.tmfdb
  if [[ ! -f $db ]]; then
    "$tmf" data generate --preset demo --seed 1 --world "$w" --out "$work" >"$out/generate-$w.log" 2>&1 ||
      { tail -20 "$out/generate-$w.log"; exit 1; }
  fi
  t0=$(date +%s)
  timeout "${BUDGET_S:-480}" "$tmf" ablate --dataset "$db" --out "$work/$w" --seeds "${SEEDS:-42}" \
    --levels "${LEVELS:-text,behavior,amsa,cma}" --decode constrained,free --size "${SIZE:-default}" \
    --warmup-steps "${WARMUP:-10000}" --warmup-batch "${WBATCH:-64}" --warmup-prompts "${PROMPTS:-20000}" \
    --steps "${STEPS:-1500}" --limit "${LIMIT:-300}" --device "${DEVICE:-cuda}" \
    >"$out/quality-$w.md" 2>"$out/quality-$w.log"
  rc=$?
  echo "$w: exit $rc after $(( $(date +%s) - t0 )) s"
  [[ $rc -eq 0 ]] || status=$rc
  cat "$out/quality-$w.md"
  [[ $rc -eq 0 ]] || tail -c 600 "$out/quality-$w.log" | tr '\r' '\n' | tail -5
  cp "$db" "$out/" 2>/dev/null
done
exit $status
