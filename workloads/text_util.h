#pragma once
// Small text helpers shared by the trace reader/writer, the HF-config reader and the generator.
#include <cstdint>
#include <string>
#include <vector>

#include "models/text.h"

namespace qasim::workloads {

/// Strict unsigned decimal (digits only, no sign, no exponent, no overflow).
bool parse_u64_strict(const std::string& s, uint64_t* out);
std::string trim(const std::string& s);
using models::split;  ///< fields between separators, empty ones kept (models/text.h)
std::string join(const std::vector<std::string>& v, const std::string& sep);
std::string lower(std::string s);
/// 'text' in single quotes, for messages.
std::string quoted(const std::string& s);
/// A scalar for YAML flow context: plain when safe, else double-quoted with escapes.
std::string yaml_scalar(const std::string& s);
/// A CSV cell: plain when safe, else double-quoted with "" escapes.
std::string csv_cell(const std::string& s);

}  // namespace qasim::workloads
