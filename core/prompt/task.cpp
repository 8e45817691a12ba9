#include "prompt/task.h"

namespace tmf {

const char* task_name(Task t) {
  switch (t) {
    case Task::Easy: return "easy";
    case Task::Medium: return "medium";
    case Task::Hard: return "hard";
  }
  return "?";
}

}  // namespace tmf
