#pragma once
// The hardware YAML (DESIGN.md §4): parsed in two steps (raw YAML → typed configs through each
// type's field table), validated in one place, dumped as config.resolved.yaml.
#include <memory>
#include <string>
#include <vector>

#include "hw/control/dma.h"
#include "models/op.h"
#include "sim/registry.h"

namespace qasim::sim {

/// One instance of the hardware file (a unit, a memory or the interconnect).
struct InstanceConfig {
    std::string name;                 ///< YAML key, e.g. sa0
    std::string type;                 ///< registered type, e.g. systolic_array
    Role role = Role::unit;
    const RegistryEntry* entry = nullptr;
    std::unique_ptr<ParsedConfig> cfg;
};

/// `mapping:` rule: the ops it matches (kinds, or the groups `attention`, `matmul`, `*`) and the unit.
struct MappingRule {
    std::vector<std::string> ops;
    std::string unit;
    bool matches(models::OpKind k) const;
};

/// `placement:` which memory holds each tensor class.
struct Placement {
    std::string weights, kv, activations;
};

struct HwConfig {
    std::string file;            ///< path of the YAML (for messages)
    std::string name = "unnamed";
    double clock_mhz = 1000.0;   ///< system clock (all units and cycles in the report)
    uint64_t tech_nm = 28;       ///< built-in technology table (45, 28, 16, 7)
    std::string tech_file;       ///< optional user technology table (YAML), overrides tech_nm
    double quantum_ns = 1000.0;  ///< TLM global quantum (sim.quantum_ns)
    std::vector<InstanceConfig> units;
    std::vector<InstanceConfig> memories;
    InstanceConfig interconnect;
    std::vector<MappingRule> mapping;
    Placement placement;
    hw::DmaConfig dma;           ///< `dma:` block size and outstanding blocks

    /// The whole config with defaults filled, as YAML text.
    std::string resolved_yaml() const;
    const InstanceConfig* find_unit(const std::string& n) const;
    const InstanceConfig* find_memory(const std::string& n) const;
};

/// Reads and validates a hardware YAML; `overrides` are `key.path=value` strings (`--set`).
/// Throws ConfigError listing every problem (file, key path, value, allowed).
HwConfig load_hw_config(const std::string& path, const std::vector<std::string>& overrides = {});
HwConfig parse_hw_config(const std::string& text, const std::string& file,
                         const std::vector<std::string>& overrides = {});

}  // namespace qasim::sim
