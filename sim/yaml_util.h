#pragma once
// Small helpers around yaml-cpp that turn every problem into a ConfigError naming file and key.
#include <cstdint>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/errors.h"
#include "sim/fields.h"

namespace qasim::sim {

/// Reads a whole file; ConfigError "WHAT 'PATH': cannot be read (reason)" when missing.
std::string read_text_file(const std::string& path, const std::string& what);
/// Parses YAML text; syntax errors become ConfigError "FILE:LINE:COL: message".
YAML::Node load_yaml_text(const std::string& text, const std::string& file);
/// Applies `a.b.c=value` overrides (CLI --set, sweep points) to a YAML tree. The parent of the last
/// key must exist; list items are addressed by index (mapping.0.unit). Throws ConfigError.
void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides, const std::string& file);
/// The text of a map key; a map or list used as a key (`{a: 1}: 3`) is a ConfigError
/// "FILE: PARENT: line N: a key must be a plain name, got a map/list".
std::string map_key(const YAML::Node& key, const std::string& parent, const std::string& file);
/// A map entry as a RawEntry (scalar text, or scalar=false for maps/lists).
RawEntry raw_entry(const std::string& key, const YAML::Node& value);

bool get_text(const YAML::Node& n, const std::string& path, Errors& errs, std::string* out);
bool get_u64(const YAML::Node& n, const std::string& path, uint64_t lo, uint64_t hi, Errors& errs, uint64_t* out);
bool get_f64(const YAML::Node& n, const std::string& path, double lo, double hi, Errors& errs, double* out);

}  // namespace qasim::sim
