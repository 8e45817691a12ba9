// The paper's Table 1 for any dataset: #items, #users, average sequence length, behavior types,
// #item/#user ratio (plus #events and per-behavior counts).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "data/dataset.h"

namespace tmf {

struct DatasetStats {
  std::string name;
  int64_t items = 0, users = 0, events = 0;
  double avg_seq_len = 0;          // events per user
  std::vector<std::string> behaviors;
  std::string target_behavior;
  std::vector<int64_t> behavior_counts;  // same order as behaviors
  double item_user_ratio = 0;
  int64_t items_with_images = 0;
};

DatasetStats dataset_stats(const Dataset& ds);
std::string format_table1(const std::vector<DatasetStats>& rows);  // Markdown table

}  // namespace tmf
