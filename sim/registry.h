#pragma once
// Unit registries keyed by the YAML `type` (STYLE.md §6). A .cpp registers its module with a plain
// static object:
//   static const bool kReg = sim::Registry::add<SystolicArray, SystolicArrayConfig>(
//       sim::Role::unit, "systolic_array", "Systolic array (os/ws/is), SCALE-Sim-exact folds");
// The config type provides `static const sim::FieldTable<Cfg>& fields()` and
// `void validate(const std::string& path, sim::Errors&) const`; the module provides the constructor
// `Module(sc_core::sc_module_name, const Cfg&, const sim::BuildContext&)`.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "sim/errors.h"
#include "sim/fields.h"

namespace qasim::models {
struct Tech;
}

namespace qasim::sim {

/// Where a type may appear in the hardware YAML.
enum class Role { unit, memory, interconnect };
const char* to_string(Role r);

/// What a module learns about the system it is built into.
struct BuildContext {
    std::string file;           ///< hardware YAML (for messages)
    std::string instance;       ///< instance name (e.g. sa0)
    double clock_mhz = 1000.0;  ///< system clock
    int tech_nm = 28;
    bool tracing = false;       ///< VCD/timeline hooks requested
};

/// A parsed, validated config of some type, with its resolved key/value dump.
struct ParsedConfig {
    virtual ~ParsedConfig() = default;
    std::vector<std::pair<std::string, std::string>> resolved;
};

template <class Cfg>
struct TypedConfig : ParsedConfig {
    Cfg cfg;
};

struct RegistryEntry {
    Role role;
    std::string type;
    std::string description;
    std::function<std::vector<FieldInfo>()> describe;
    std::function<std::unique_ptr<ParsedConfig>(const RawSection&, const std::string& path, Errors&)> parse;
    std::function<sc_core::sc_module*(const ParsedConfig&, const BuildContext&)> build;
};

class Registry {
public:
    template <class Module, class Cfg>
    static bool add(Role role, const char* type, const char* description) {
        RegistryEntry e;
        e.role = role;
        e.type = type;
        e.description = description;
        e.describe = [] { return Cfg::fields().describe(); };
        e.parse = [](const RawSection& raw, const std::string& path, Errors& errs) {
            auto p = std::make_unique<TypedConfig<Cfg>>();
            const size_t before = errs.messages().size();
            Cfg::fields().parse(raw, p->cfg, path, errs);
            if (errs.messages().size() == before) p->cfg.validate(path, errs);
            p->resolved = Cfg::fields().dump(p->cfg);
            return std::unique_ptr<ParsedConfig>(std::move(p));
        };
        e.build = [](const ParsedConfig& pc, const BuildContext& ctx) -> sc_core::sc_module* {
            const auto& tc = static_cast<const TypedConfig<Cfg>&>(pc);
            return new Module(ctx.instance.c_str(), tc.cfg, ctx);
        };
        entries()[key(role, type)] = std::move(e);
        return true;
    }
    /// nullptr if unknown.
    static const RegistryEntry* find(Role role, const std::string& type);
    /// Any role.
    static const RegistryEntry* find_any(const std::string& type);
    static std::vector<const RegistryEntry*> all(Role role);
    static std::string names(Role role);

private:
    static std::string key(Role r, const std::string& t) { return std::string(to_string(r)) + ":" + t; }
    static std::map<std::string, RegistryEntry>& entries();
};

}  // namespace qasim::sim
