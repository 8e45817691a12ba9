// The modality audit: HitRate@1 on a stored candidate set for simple single-modality predictors,
// to check that each modality of a dataset carries signal (design tmf.md §6) before any model is
// trained. Predictors:
//   random       expected 1/K for K candidates per row (analytic)
//   popularity   interaction counts (behavior graph, see leakage below)
//   image colour colour histograms computed from the decoded item images (background removed),
//                candidate vs. the behavior-weighted histogram of the history's images
//   text         IDF-weighted word overlap of candidate text with the history's texts (words in
//                over half of the items, stop words and one-item words ignored)
//   graph        item-item co-occurrence counts (within 5 positions) in users' sequences
//   rank sum     image, text and graph together (sum of each candidate's rank under each), to
//                show whether the modalities carry complementary signal
// Leakage: the graph and popularity counts use, for every user, only the events before that
// user's validation target (before the test target when there is no validation row), so no
// evaluated target is ever counted. Scores tied at the top are broken uniformly with a seeded
// RNG per row. Behaviors are weighted by their position in the vocabulary (1, 2, 3, ...).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "data/image.h"
#include "util/progress.h"

namespace tmf::world {

struct AuditOptions {
  std::string split = "default";
  std::string candidates = "default";
  std::string part = "test";
  uint64_t seed = 7;
};

struct AuditLine {
  std::string predictor, modality;
  double hit_rate = 0;
};

struct AuditResult {
  std::string dataset;
  int64_t rows = 0;
  int candidates_per_row = 0;
  std::vector<AuditLine> lines;  // random, popularity, image colour, text, graph, rank sum
  double hit_rate(const std::string& predictor) const;  // throws for an unknown name
};

AuditResult audit_modalities(const Dataset& ds, const AuditOptions& opts, const Progress& progress = {});
std::string format_audit(const std::vector<AuditResult>& results);  // Markdown table

// Colour histogram of an image's non-background pixels (4 levels per channel, 64 bins, sums to
// 1; all zero when the image is only background). The background is the most common border colour.
std::vector<float> colour_histogram(const RgbImage& img);

}  // namespace tmf::world
