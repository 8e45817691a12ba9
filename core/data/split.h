// Leave-last-out splits (design tmf.md §1, paper §3.1): per user, the last target-behavior event
// is the test target and the one before it the validation target; the history of a target is
// every event before it, capped to the last L events (default 20). Users without a target event,
// or whose target has no history, are skipped and counted. Training examples are every earlier
// target event of a user, before its validation target, with its own history.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "util/progress.h"

namespace tmf {

struct SplitOptions {
  std::string name = "default";
  int history_len = 20;
  bool replace = false;  // replace an existing split of that name (and its candidate sets)
};

struct SplitSummary {
  int64_t split_id = 0;
  int64_t users = 0;          // users with a test row
  int64_t valid_rows = 0;
  int64_t test_rows = 0;
  int64_t users_skipped = 0;  // no target event, or no history before it
};

// One prediction example: history (oldest first) and target.
struct SplitRow {
  int64_t id = 0;        // split_rows.id (0 for training examples, which are not stored)
  int64_t user_id = 0;
  std::string part;      // "train" | "valid" | "test"
  int64_t target_event_id = 0;
  int64_t target_item_id = 0;
  std::vector<Event> history;
};

SplitSummary make_split(Dataset& ds, const SplitOptions& opts, const Progress& progress = {});
int64_t split_id(const Dataset& ds, const std::string& name);  // throws listing known splits
std::vector<SplitRow> load_split_rows(const Dataset& ds, const std::string& split, const std::string& part);
// Training examples of a split (computed from the events, not stored).
std::vector<SplitRow> training_rows(const Dataset& ds, const std::string& split, const Progress& progress = {});

// Pure function behind make_split for one user's time-ordered events.
struct UserTargets {
  std::vector<size_t> train;  // indices of target events used for training
  long valid = -1, test = -1; // indices or -1
};
UserTargets user_targets(const std::vector<Event>& events, int64_t target_behavior_id);

}  // namespace tmf
