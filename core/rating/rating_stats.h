// Results of a rating study per (source, dataset) — the paper's Table 4 and Fig. 5: number of
// ratings, average rating, the distribution over 1..5 (counts and shares, the bubble areas), and
// Fleiss' kappa with its z-test p-value.
//
// Credit: a rating of (rater, sequence, item) counts for every source that recommended that item
// for that sequence (identical recommendations are rated once, rater_session.h). Skips are not
// ratings. Kappa: the subjects are the source's recommended (sequence, item) pairs, the raters are
// the study's raters who gave at least one rating in this dataset's study; only subjects scored by
// every such rater enter kappa (Fleiss needs equal raters per subject), the others are counted in
// kappa_excluded. With fewer than 2 raters or no complete subject, kappa is undefined with a reason.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "rating/fleiss_kappa.h"

namespace tmf {

struct SourceRatingStats {
  std::string dataset;       // dataset name
  std::string study, source, kind;
  int64_t recommendations = 0;
  int64_t ratings = 0;
  double mean = 0;           // 0 when there are no ratings
  std::array<int64_t, 5> counts{};  // ratings 1..5
  std::array<double, 5> shares{};   // counts / ratings
  int raters = 0;            // raters entering kappa
  int64_t kappa_subjects = 0, kappa_excluded = 0;
  FleissKappa kappa;
  std::string kappa_note;    // why kappa is undefined, empty otherwise
};

// One row per source of the study, in source order. Throws for an unknown study.
std::vector<SourceRatingStats> rating_stats(const Dataset& ds, const std::string& study);

// Plain-text Table 4 for the CLI: source, dataset, n, average, distribution, kappa, p.
std::string format_table4(const std::vector<SourceRatingStats>& rows);

}  // namespace tmf
