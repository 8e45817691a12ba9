// tmf bench: the benchmark commands (cmd_bench_*.cpp register "bench quality", "bench llm", ...).
// The former one-word names (bench-quality, ...) keep working for old scripts; --help lists the
// two-word names only.
#include "command.h"

namespace tmf::cli {
namespace {

RegisterGroup group("bench", "benchmarks: quality (Table 2), model (does TMF recommend?), llm and tmf (throughput)");
RegisterAlias quality("bench-quality", "bench quality");
RegisterAlias model("bench-model", "bench model");
RegisterAlias llm("bench-llm", "bench llm");
RegisterAlias tmf("bench-tmf", "bench tmf");

}  // namespace
}  // namespace tmf::cli
