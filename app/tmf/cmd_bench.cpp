// tmf bench <sub> ...: dispatches to the command registered as "bench-<sub>" (bench-quality,
// bench-llm, bench-tmf), the way `tmf data generate` reaches "data-generate".
#include <string>

#include "command.h"
#include "util/error.h"

namespace tmf::cli {
namespace {

int run_bench(Args& a) {
  std::string known;
  for (const auto& [name, cmd] : registry())
    if (name.rfind("bench-", 0) == 0) known += (known.empty() ? "" : ", ") + name.substr(6);
  auto sub = a.subcommand();
  TMF_CHECK(sub.has_value(), "usage: tmf bench ", known.empty() ? "<sub>" : known, " [options]");
  auto it = registry().find("bench-" + *sub);
  TMF_CHECK(it != registry().end(), "unknown subcommand 'bench ", *sub, "' (expected ", known, ")");
  return it->second.fn(a);
}

Register reg("bench", "benchmarks: quality (Table 2), llm, tmf (see tmf bench <sub>)", run_bench);

}  // namespace
}  // namespace tmf::cli
