#!/usr/bin/env bash
# Runs one libFuzzer target (tests/fuzz/README.md) for SECONDS, on a corpus seeded from the test
# fixtures, and prints libFuzzer's final statistics (executions, coverage):
#   scripts/fuzz.sh TARGET SECONDS        TARGET: safetensors configs sentencepiece image records import infer_request rating_csv
#   scripts/fuzz.sh all SECONDS           each target in turn
# A crash, sanitizer report, leak, timeout (10 s) or out-of-memory (2 GiB) stops the run and leaves
# the input in build/fuzz/findings/TARGET/; turn it into a regression test before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh TARGET|all SECONDS}
seconds=${2:?usage: scripts/fuzz.sh TARGET|all SECONDS}
targets=(safetensors configs sentencepiece image records import infer_request rating_csv)
if [[ $target == all ]]; then
  for t in "${targets[@]}"; do "$0" "$t" "$seconds"; done
  exit 0
fi
[[ " ${targets[*]} " == *" $target "* ]] || { echo "unknown fuzz target '$target' (${targets[*]})" >&2; exit 2; }
bash scripts/setup.sh --fuzz
bash scripts/build.sh fuzz "fuzz_$target" >/dev/null

shared=../shared/fixtures/hf-tiny
seeds=tests/fuzz/seeds/$target
corpus=build/fuzz/corpus/$target
findings=build/fuzz/findings/$target
mkdir -p "$corpus" "$findings"
add_seed() { [[ -f $1 ]] && cp -f "$1" "$corpus/seed-$(basename "$(dirname "$1")")-$(basename "$1")" || true; }
case $target in
  safetensors) for f in "$shared"/lora/adapter_model.safetensors "$shared"/golden.safetensors; do add_seed "$f"; done ;;
  configs) for f in "$shared"/{llama,clip,lora}/*.json; do add_seed "$f"; done ;;
  sentencepiece) add_seed "$shared/llama/tokenizer.model" ;;
  image) add_seed "$shared/clip/image.png" ;;
  records) for f in ../shared/datasets/ml-100k/ml-100k.{inter,item,user}; do
             [[ -f $f ]] && head -c 3000 "$f" > "$corpus/seed-$(basename "$f")"; done ;;
  import) [[ -f ../shared/datasets/ml-100k/ml-100k.inter ]] &&
            { printf '\x02'; head -c 2000 ../shared/datasets/ml-100k/ml-100k.inter; } > "$corpus/seed-recbole" ;;
esac
[[ -d $seeds ]] && cp -f "$seeds"/* "$corpus"/ 2>/dev/null || true

max_len=65536
[[ $target == records || $target == configs || $target == import || $target == infer_request || $target == rating_csv ]] && max_len=8192
dict=()
[[ -f tests/fuzz/$target.dict ]] && dict=(-dict="tests/fuzz/$target.dict")
"build/fuzz/tests/fuzz/fuzz_$target" "$corpus" "${dict[@]}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len="$max_len" -print_final_stats=1 -artifact_prefix="$findings/" 2>&1 |
  grep -E "^(stat::|#[0-9]+\s+(INITED|DONE)|==[0-9]+==|SUMMARY|INFO: Seed|.*(ERROR|Test unit written))" || true
test -z "$(ls -A "$findings")" || { echo "findings in $findings" >&2; exit 1; }
