// The three curriculum tasks of TMF (paper §4.3), the prompt's vocabulary: which placeholders a
// hybrid prompt carries (prompt/hybrid_prompt.h).
//   easy    text only
//   medium  + a behavior token [MT_b] after each behavior name
//   hard    + an item token [MT_i] after each item name
#pragma once

namespace tmf {

enum class Task { Easy = 0, Medium = 1, Hard = 2 };
const char* task_name(Task t);  // "easy", "medium", "hard"

}  // namespace tmf
