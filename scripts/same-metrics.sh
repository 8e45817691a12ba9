#!/usr/bin/env bash
# Behaviour check for refactors: runs two builds of tmf (OLD, NEW) on the same fresh demo world and
# compares what each stores and prints, metric by metric. Exit 0 when every stored evaluation run
# (model, level, decode, seed, part, n, n_valid, n_hit), the Table 2 JSON (timings dropped), the
# modality audit, the MBHT training curve and a stored user's inference are identical; else 1 with
# the differences.
#   scripts/same-metrics.sh OLD_TMF NEW_TMF [WORK_DIR]
# REUSE_OLD=1 keeps WORK_DIR/old from an earlier run (the same OLD) and runs only NEW.
# Small settings (tiny recipe, a few epochs) keep it to ~10 minutes on 2 cores; every model the
# refactor touches still trains, early-stops, evaluates and decodes.
set -euo pipefail
old=${1:?usage: scripts/same-metrics.sh OLD_TMF NEW_TMF [WORK_DIR]}
new=${2:?usage: scripts/same-metrics.sh OLD_TMF NEW_TMF [WORK_DIR]}
work=${3:-/tmp/tmf-same-metrics}
if [[ ${REUSE_OLD:-0} == 1 && -f $work/old/eval_runs.txt ]]; then
  rm -rf "$work/new"
else
  REUSE_OLD=0
  rm -rf "$work"
  mkdir -p "$work"
  "$new" data generate --world pets --seed 11 --out "$work/world" --quiet
fi
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}

run() {  # run NAME TMF
  local name=$1 tmf=$2 d="$work/$1"
  mkdir -p "$d"
  cp "$work/world/pets.tmfdb" "$d/pets.tmfdb"
  local ds="$d/pets.tmfdb"
  echo "== $name: $tmf" >&2
  "$tmf" train --dataset "$ds" --out "$d/pkg" --size tiny --device cpu > "$d/train.log" 2>&1
  for mode in free constrained likelihood; do
    "$tmf" eval --dataset "$ds" --model "$d/pkg" --decode "$mode" --limit 60 --device cpu --json |
      python3 -c 'import json,sys; r=json.load(sys.stdin); [r.pop(k,None) for k in ("seconds","wall_seconds","run_id")]; print(json.dumps(r,sort_keys=True))' \
      > "$d/eval-$mode.json"
  done
  "$tmf" bench quality --dataset "$ds" --work "$d/bench" --seeds 2 \
    --models pop,gru4rec,sasrec,bert4rec,mbgcn,mbrec,mbht,tmf --tmf-preset tiny --llm-limit 40 \
    --set gru4rec.epochs=3 --set sasrec.epochs=3 --set bert4rec.epochs=3 --set mbgcn.epochs=3 \
    --set mbrec.epochs=3 --set mbht.epochs=3 --out "$d/table2" --quiet > "$d/table2.stdout"
  python3 - "$d/table2.json" > "$d/table2.clean.json" <<'PY'
import json, sys
def clean(x):
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items() if "second" not in k and k not in ("created", "time")}
    if isinstance(x, list):
        return [clean(v) for v in x]
    return x
print(json.dumps(clean(json.load(open(sys.argv[1]))), indent=1, sort_keys=True))
PY
  "$tmf" data audit --dataset "$ds" > "$d/audit.md" 2>/dev/null
  "$tmf" mbht train --dataset "$ds" --out "$d/mbht" --epochs 3 --quiet > "$d/mbht.stdout"
  sed -E "s|$d|DIR|g; s/[0-9.]+ ?s\b//g" "$d/mbht.stdout" > "$d/mbht.clean"
  local user
  user=$(sqlite3 "$ds" "SELECT u.external_id FROM split_rows r JOIN users u ON u.id = r.user_id WHERE r.part = 'test' ORDER BY r.id LIMIT 1")
  "$tmf" infer --model "$d/pkg" --dataset "$ds" --user "$user" --decode constrained --device cpu --json |
    python3 -c 'import json,sys; r=json.load(sys.stdin); [r.pop(k,None) for k in ("seconds","timings","timings_ms")]; print(json.dumps(r,sort_keys=True))' \
    > "$d/infer.json"
  sqlite3 "$ds" "SELECT model_kind, level, decode, seed, part, n, n_valid, n_hit FROM eval_runs ORDER BY model_kind, level, decode, seed, part, n" \
    > "$d/eval_runs.txt"
}

[[ $REUSE_OLD == 1 ]] || run old "$old"
run new "$new"
status=0
for f in eval-free.json eval-constrained.json eval-likelihood.json table2.clean.json audit.md mbht.clean infer.json eval_runs.txt; do
  if cmp -s "$work/old/$f" "$work/new/$f"; then
    echo "same: $f"
  else
    echo "DIFFERENT: $f"
    diff "$work/old/$f" "$work/new/$f" | head -20 || true
    status=1
  fi
done
echo "stored runs compared: $(wc -l < "$work/new/eval_runs.txt")"
exit $status
