#include "sim/registry.h"

namespace qasim::sim {

const char* to_string(Role r) {
    switch (r) {
    case Role::unit: return "unit";
    case Role::memory: return "memory";
    case Role::interconnect: return "interconnect";
    }
    return "?";
}

std::map<std::string, RegistryEntry>& Registry::entries() {
    static std::map<std::string, RegistryEntry> e;
    return e;
}

const RegistryEntry* Registry::find(Role role, const std::string& type) {
    auto it = entries().find(key(role, type));
    return it == entries().end() ? nullptr : &it->second;
}

const RegistryEntry* Registry::find_any(const std::string& type) {
    for (Role r : {Role::unit, Role::memory, Role::interconnect})
        if (auto* e = find(r, type)) return e;
    return nullptr;
}

std::vector<const RegistryEntry*> Registry::all(Role role) {
    std::vector<const RegistryEntry*> v;
    for (const auto& [k, e] : entries())
        if (e.role == role) v.push_back(&e);
    return v;
}

std::string Registry::names(Role role) {
    std::string s;
    for (const auto* e : all(role)) s += (s.empty() ? "" : ", ") + e->type;
    return s;
}

}  // namespace qasim::sim
