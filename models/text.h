#pragma once
// Text helpers shared by models/, workloads/ and sim/ (std only, so every layer may use them).
#include <string>
#include <vector>

namespace qasim::models {

/// Fields of `s` between separators `sep`, empty ones kept: "a,,b" → {"a", "", "b"}, "" → {""}.
std::vector<std::string> split(const std::string& s, char sep);

}  // namespace qasim::models
