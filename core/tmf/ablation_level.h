// The four rows of the paper's Table 3 (§5.3) as levels of one TMF model: text only; + behavior
// tokens; + item tokens through AMSA (Eq. 5-6); + CMA (Eq. 7-8, the full model). A level caps the
// hardest curriculum task the model is tuned and evaluated on (prompt/task.h). Torch-free.
#pragma once
#include <string>

#include "prompt/task.h"

namespace tmf {

enum class AblationLevel { Text = 0, Behavior = 1, Amsa = 2, Cma = 3 };
const char* level_name(AblationLevel l);  // "text", "behavior", "amsa", "cma"
AblationLevel parse_level(const std::string& s);  // also "full" = cma; throws naming the value
Task hardest_task(AblationLevel l);       // text: easy; behavior: medium; amsa, cma: hard

}  // namespace tmf
