#!/usr/bin/env bash
# Command (2) of the README: set up, build and run the whole test suite, then the torch-free unit
# suites again under AddressSanitizer + UBSan (TMF_ASAN=0 skips that part).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh release
export QT_QPA_PLATFORM=offscreen
ctest --test-dir build/release --output-on-failure -j "$(nproc)" "$@"

[[ ${TMF_ASAN:-1} == 0 ]] && exit 0
# The parsers, storage, importers, images, tokenizer and rating store under the sanitizers: a
# memory error or undefined behaviour fails the run even where the release build passes.
asan_tests=(util_tests safetensors_tests tokenizer_tests data_tests world_tests rating_tests cli_args_tests
            inference_requests_tests package_manifest_tests adapter_config_tests)
# TMF_ASAN_TORCH=1 adds the LibTorch unit suites. Their ASan build of core's LibTorch side takes
# ~15 min on 2 cores and their tests ~8 min, which CI's budget leaves out; run it before a release.
if [[ ${TMF_ASAN_TORCH:-0} == 1 ]]; then
  asan_tests+=(safetensors_torch_tests llm_tests clip_tests graph_tests tmf_tests baselines_tests)
fi
bash scripts/build.sh asan "${asan_tests[@]}"
export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:check_initialization_order=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
failed=()
for t in "${asan_tests[@]}"; do
  exe=$(find build/asan/tests -name "$t" -type f -perm -u+x | head -1)
  [[ -n $exe ]] || { echo "asan: $t was not built" >&2; exit 1; }
  if (cd "$(dirname "$exe")" && "./$t" --gtest_brief=1 > "$t.asan.log" 2>&1); then
    echo "asan: $t passed"
  else
    tail -60 "$(dirname "$exe")/$t.asan.log"
    failed+=("$t")
  fi
done
[[ ${#failed[@]} -eq 0 ]] || { echo "asan: failed: ${failed[*]}" >&2; exit 1; }
