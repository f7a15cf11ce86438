#pragma once
// Technology tables from YAML: the built-in configs/tech/<n>nm.yaml (embedded at build time) and
// user-supplied files with the same keys (see docs/energy_model.md).
#include <string>
#include <vector>

#include "models/energy/tech.h"
#include "sim/errors.h"

namespace qasim::sim {

/// Node sizes with a built-in table (45, 28, 16, 7).
const std::vector<int>& builtin_tech_nodes();
/// Built-in table of a node; ConfigError if no table exists for node_nm.
models::Tech load_tech(int node_nm);
/// Table from a user YAML file (same keys; optional `base_nm` starts from a built-in table and
/// overrides only the given keys). Unknown keys / bad values → ConfigError naming file, key,
/// value and what is allowed.
models::Tech load_tech_file(const std::string& path);
/// Same from YAML text; `file` names the origin in messages.
models::Tech parse_tech_yaml(const std::string& text, const std::string& file);
/// YAML text of a table with every key (parse_tech_yaml(dump_tech_yaml(t)) reproduces t).
std::string dump_tech_yaml(const models::Tech& t);

}  // namespace qasim::sim
