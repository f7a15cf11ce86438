#pragma once
// Statistics groups (gem5 ADD_STAT / DRAMSys addStat): each module owns a StatsGroup whose entries
// carry a name, a unit and a description. Hot paths increment plain uint64_t counters; derived
// values are formulas evaluated at dump time.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace qasim::sim {

struct StatEntry {
    std::string name, unit, description;
    const uint64_t* counter = nullptr;   ///< set for counters
    std::function<double()> formula;     ///< set for derived values
    double value() const { return counter ? static_cast<double>(*counter) : formula(); }
    bool is_integer() const { return counter != nullptr; }
};

class StatsGroup {
public:
    explicit StatsGroup(std::string owner = "") : m_owner(std::move(owner)) {}
    void set_owner(std::string owner) { m_owner = std::move(owner); }
    const std::string& owner() const { return m_owner; }
    /// Registers a counter; `ref` must outlive the group.
    void add(const std::string& name, const uint64_t* ref, const std::string& unit, const std::string& desc) {
        m_entries.push_back({name, unit, desc, ref, {}});
    }
    void add_formula(const std::string& name, std::function<double()> f, const std::string& unit,
                     const std::string& desc) {
        m_entries.push_back({name, unit, desc, nullptr, std::move(f)});
    }
    const std::vector<StatEntry>& entries() const { return m_entries; }

private:
    std::string m_owner;
    std::vector<StatEntry> m_entries;
};

}  // namespace qasim::sim
