#!/usr/bin/env bash
# The one prepared run on a CUDA machine (PyTorch's LibTorch, no Qt, no Debian -dev packages):
# builds core + tmf + the torch test suites against the carried .deps/ (scripts/gather-gpu-deps.sh),
# runs the *_CUDA tests and the CPU suites there, then scripts/gpu-bench.sh: the backbone and full
# TMF (training step, batched inference at batch 64) with a Llama-2-7B-shaped random bf16 model.
# Writes logs to $OUT (or ./gpu-out).
set -uo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-gpu-out}
mkdir -p "$out"
export LD_LIBRARY_PATH=$PWD/.deps/lib:${LD_LIBRARY_PATH:-}
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$out/gpu.txt"
torch_prefix=$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')
t0=$(date +%s)
cmake -S . -B build/cuda -G Ninja -DTMF_WITH_QT=OFF -DCMAKE_BUILD_TYPE=Release \
  -DTMF_DEPS_PREFIX="$PWD/.deps" -DTMF_SHARED_DIR="$PWD/.deps/shared" \
  -DCMAKE_PREFIX_PATH="$torch_prefix" >"$out/configure.log" 2>&1 || { tail -40 "$out/configure.log"; exit 1; }
ninja -C build/cuda -j "$(nproc)" ${GPU_TARGETS:-tmf llm_tests clip_tests safetensors_torch_tests tmf_tests} \
  >"$out/build.log" 2>&1 || { grep -E "error|FAILED" -A3 "$out/build.log" | head -60; exit 1; }
echo "build: $(( $(date +%s) - t0 )) s"
for t in llm_tests clip_tests safetensors_torch_tests tmf_tests; do
  exe=$(find build/cuda/tests -name "$t" -type f | head -1)
  [[ -n $exe ]] || continue
  "$exe" --gtest_brief=1 >"$out/$t.log" 2>&1; echo "$t: exit $? — $(grep -E '^\[  (PASSED|FAILED)' "$out/$t.log" | tr '\n' ' ')"
  grep -E "FAILED|Failure" -A4 "$out/$t.log" | head -30
done
# GPU_BENCH replaces the benchmark (GPU_BENCH=true skips it, as scripts/gpu-quality.sh does).
eval "${GPU_BENCH:-bash scripts/gpu-bench.sh}" 2>&1 | tee "$out/bench.log"
