// Recommendations of a TMF model package for a rating study's sampled sequences: for each sequence
// the package picks one item of the stored test candidate set of that user (constrained decoding,
// eval/tmf_eval.h, so the answer is always a candidate). Torch-free header (the views include it);
// the implementation is in tmf_core, so a program that calls it links tmf_core.
//
// The history given to the model is the study's frozen history of the sequence; the candidates
// are the study's candidate set (RatingStudy::candidates), which must be non-empty.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "rating/rating_study.h"
#include "util/progress.h"

namespace tmf {

// Throws when the package does not match the dataset, the study has no candidate set, or a
// sequence's candidate row is gone. `device`: "cpu", "cuda" or "auto".
std::vector<Recommendation> tmf_recommendations(const Dataset& ds, int64_t study_id, const std::string& package_dir,
                                                const std::string& device = "cpu", const Progress& progress = {});

// Runs tmf_recommendations and stores them as source `name` (kind "tmf", origin = package_dir).
int64_t add_tmf_source(Dataset& ds, int64_t study_id, const std::string& name, const std::string& package_dir,
                       const std::string& device = "cpu", const Progress& progress = {}, bool replace = false);

}  // namespace tmf
