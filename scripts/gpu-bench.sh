#!/usr/bin/env bash
# The GPU acceptance benchmark: the Llama backbone's throughput (tmf bench llm: a
# Llama-2-7B-shaped bf16 model on CUDA), then full TMF with that backbone and LoRA r 8
# (tmf bench tmf: one training step and batched greedy inference at batch 64; tokens/s,
# sequences/s, peak memory). scripts/gpu-check.sh runs it after its build.
#   bash scripts/gpu-bench.sh [extra bench tmf options, e.g. --small on a CPU]
# Environment: TMF (the binary, default build/cuda/app/tmf), TOKENIZER (a Llama tokenizer.model;
# default the fixture that scripts/gather-gpu-deps.sh carries in .deps/shared).
set -euo pipefail
cd "$(dirname "$0")/.."
tmf=${TMF:-build/cuda/app/tmf}
tokenizer=${TOKENIZER:-.deps/shared/fixtures/hf-tiny/llama/tokenizer.model}
[[ -x $tmf ]] || { echo "gpu-bench: no tmf binary at $tmf (build it first, or set TMF)" >&2; exit 1; }
[[ -f $tokenizer ]] || { echo "gpu-bench: no tokenizer at $tokenizer (run scripts/gather-gpu-deps.sh, or set TOKENIZER)" >&2; exit 1; }
echo "== tmf bench llm"
"$tmf" bench llm
echo "== tmf bench tmf $*"
"$tmf" bench tmf --tokenizer "$tokenizer" "$@"
