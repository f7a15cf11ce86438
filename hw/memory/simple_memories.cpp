#include "hw/memory/simple_memories.h"

#include <algorithm>
#include <cmath>

namespace qasim::hw {

const sim::FieldTable<IdealMemoryConfig>& IdealMemoryConfig::fields() {
    static const auto t = sim::FieldTable<IdealMemoryConfig>().u64(
        "capacity_gb", &IdealMemoryConfig::capacity_gb, "GiB", "address space served", 1, 1ull << 20);
    return t;
}

IdealMemory::IdealMemory(sc_core::sc_module_name name, const IdealMemoryConfig& cfg, const sim::BuildContext&)
    : MemoryBase(name, cfg.capacity_gb << 30, true) {}

const sim::FieldTable<SimpleDramConfig>& SimpleDramConfig::fields() {
    static const auto t =
        sim::FieldTable<SimpleDramConfig>()
            .f64("bandwidth_gbps", &SimpleDramConfig::bandwidth_gbps, "GB/s", "sustained bandwidth", 1e-3, 1e6)
            .f64("latency_ns", &SimpleDramConfig::latency_ns, "ns", "latency of every access", 0, 1e6)
            .u64("capacity_gb", &SimpleDramConfig::capacity_gb, "GiB", "capacity", 1, 1ull << 20)
            .f64("read_energy_pj_per_bit", &SimpleDramConfig::read_energy_pj_per_bit, "pJ/bit",
                 "read energy incl. activation and I/O", 0, 1e4)
            .f64("write_energy_pj_per_bit", &SimpleDramConfig::write_energy_pj_per_bit, "pJ/bit",
                 "write energy incl. activation and I/O", 0, 1e4);
    return t;
}

void SimpleDramConfig::validate(const std::string&, sim::Errors&) const {}

SimpleDram::SimpleDram(sc_core::sc_module_name name, const SimpleDramConfig& cfg, const sim::BuildContext&)
    : MemoryBase(name, cfg.capacity_gb << 30, true), m_cfg(cfg), m_ps_per_byte(1e3 / cfg.bandwidth_gbps) {
    m_stats.add_formula("busy_until_ns", [this] { return m_free_ps / 1e3; }, "ns", "time the device is busy until");
}

uint64_t SimpleDram::access(uint64_t, uint64_t bytes, bool write, uint64_t start_ps) {
    // One queue: a transfer starts when the device is free and occupies it for bytes / bandwidth;
    // the data arrives one latency after the transfer starts streaming.
    const uint64_t begin = std::max(start_ps, m_free_ps);
    const uint64_t xfer = static_cast<uint64_t>(std::llround(static_cast<double>(bytes) * m_ps_per_byte));
    m_free_ps = begin + xfer;
    m_actions.add(write ? "write_bits" : "read_bits", bytes * 8);
    return begin + static_cast<uint64_t>(std::llround(m_cfg.latency_ns * 1e3)) + xfer;
}

void SimpleDram::cost_table(const models::Tech&, models::CostTable& out) const {
    out.pj_per_action["read_bits"] = m_cfg.read_energy_pj_per_bit;
    out.pj_per_action["write_bits"] = m_cfg.write_energy_pj_per_bit;
}

static const bool kRegIdeal = sim::Registry::add<IdealMemory, IdealMemoryConfig>(
    sim::Role::memory, "ideal", "Ideal memory: zero latency, infinite bandwidth (compute-only studies)");
static const bool kRegSimple = sim::Registry::add<SimpleDram, SimpleDramConfig>(
    sim::Role::memory, "simple_dram", "Off-chip DRAM with one bandwidth and one latency");

}  // namespace qasim::hw
