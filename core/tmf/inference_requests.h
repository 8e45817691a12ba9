// InferenceRequests from what an analyst names (torch-free): a user's stored split row with its
// candidate set, or a JSON document with history, candidates and new items. `tmf infer` and the
// tests use them; tests/fuzz/fuzz_infer_request.cpp feeds the JSON reader hostile documents.
//
//   {"history": [{"item": "P001", "behavior": "view"}, ...], "target": "purchase",
//    "candidates": ["P003", "P004", ...], "expected": "P003",
//    "new_items": [{"name": "My bowl", "text": "...", "image": "photo.png"}]}
//
// Items are new items' names or dataset external ids; image paths are relative to `base_dir`.
#pragma once
#include <string>

#include "data/dataset.h"
#include "tmf/inference.h"

namespace tmf {

// The item with this external id; throws naming the dataset and the id when absent.
int64_t item_by_external_id(const Dataset& ds, const std::string& external_id);

// The user's `part` row of `split` and its stored candidates (the truth is the expected answer);
// throws naming the user when the user, the row or the candidates are missing.
InferenceRequest request_from_user(const Dataset& ds, const std::string& user, const std::string& split,
                                   const std::string& candidates, const std::string& part);

// Parses a JSON request. `what` names it in errors ("request 'case.json'"). Every error - not
// JSON, a missing or mistyped field, an unknown item or behavior, a new item named twice or like
// a dataset item, an expected item outside the candidates - throws tmf::Error naming it.
InferenceRequest request_from_json_text(const Dataset& ds, const std::string& text, const std::string& base_dir,
                                        const std::string& what);
InferenceRequest request_from_json_file(const Dataset& ds, const std::string& path);

}  // namespace tmf
