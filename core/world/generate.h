// Generation of a synthetic world into a dataset file (design tmf.md §6): catalog with rendered
// images, users with profiles, their event sequences over the behaviors view / add to cart /
// purchase (target purchase). Sizes come from a preset of the spec (`demo`, `paper` = the paper's
// Table 1) or explicit overrides. Deterministic: the same spec, preset, sizes and seed give the
// same content_hash, whatever the machine.
#pragma once
#include <cstdint>
#include <string>

#include "data/dataset.h"
#include "util/progress.h"
#include "world/world_spec.h"

namespace tmf::world {

struct GenerateOptions {
  std::string preset = "demo";
  uint64_t seed = 1;
  int64_t items = 0;     // > 0 overrides the preset
  int64_t users = 0;     // > 0 overrides the preset
  double avg_len = 0;    // > 0 overrides the preset
};

struct GenerateSummary {
  int64_t items = 0, users = 0, events = 0;
};

// Fills an empty dataset (fails when it already has items) in one transaction.
GenerateSummary generate_world(const WorldSpec& spec, const GenerateOptions& opts, Dataset& ds,
                               const Progress& progress = {});

}  // namespace tmf::world
