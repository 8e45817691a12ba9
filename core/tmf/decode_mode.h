// How TMF turns a prompt into an answer among its candidates (torch-free: the views and the CLI
// parse the mode at their edge). The paper's mode is free generation (§5.1):
//   free         greedy generation of the item name, matched to the candidate names
//                (prompt/answer_match.h); an answer naming no candidate or several is invalid
//   constrained  greedy decoding restricted to a prefix trie of the candidate names (always valid)
//   likelihood   the candidate whose "name EOS" is most likely after the prompt (always valid)
// The decoding itself lives in tmf/answer_decoding.h.
#pragma once
#include <string>
#include <vector>

namespace tmf {

enum class DecodeMode { Free = 0, Constrained = 1, Likelihood = 2 };
const char* decode_mode_name(DecodeMode m);        // "free", "constrained", "likelihood"
DecodeMode parse_decode_mode(const std::string& s);  // throws naming the value and the modes
// "constrained,free" -> {Constrained, Free}; throws on an unknown or empty entry.
std::vector<DecodeMode> parse_decode_modes(const std::string& comma_list);
const std::vector<std::string>& decode_mode_names();  // {"free", "constrained", "likelihood"}
constexpr const char* kDecodeModesHelp = "free|constrained|likelihood";

}  // namespace tmf
