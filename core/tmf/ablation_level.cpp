#include "tmf/ablation_level.h"

#include "util/error.h"

namespace tmf {

const char* level_name(AblationLevel l) {
  switch (l) {
    case AblationLevel::Text: return "text";
    case AblationLevel::Behavior: return "behavior";
    case AblationLevel::Amsa: return "amsa";
    case AblationLevel::Cma: return "cma";
  }
  return "?";
}

AblationLevel parse_level(const std::string& s) {
  if (s == "text") return AblationLevel::Text;
  if (s == "behavior") return AblationLevel::Behavior;
  if (s == "amsa") return AblationLevel::Amsa;
  if (s == "cma" || s == "full") return AblationLevel::Cma;
  fail("unknown ablation level '", s, "' (expected text, behavior, amsa or cma)");
}

Task hardest_task(AblationLevel l) {
  return l == AblationLevel::Text ? Task::Easy : l == AblationLevel::Behavior ? Task::Medium : Task::Hard;
}

}  // namespace tmf
