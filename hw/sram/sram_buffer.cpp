#include "hw/sram/sram_buffer.h"

#include <algorithm>

#include "models/energy/tech.h"

namespace qasim::hw {

const sim::FieldTable<SramBufferConfig>& SramBufferConfig::fields() {
    using C = SramBufferConfig;
    static const auto t = sim::FieldTable<C>()
                              .u64("size_kb", &C::size_kb, "KiB", "capacity", 1, 1ull << 30)
                              .u64("banks", &C::banks, "banks", "independent banks", 1, 4096)
                              .u64("width_bits", &C::width_bits, "bits", "access width of one bank", 8, 8192)
                              .u64("ports", &C::ports, "ports", "accesses per cycle per bank", 1, 8)
                              .u64("latency_cycles", &C::latency_cycles, "cycles", "access latency", 0, 1000);
    return t;
}

void SramBufferConfig::validate(const std::string& path, sim::Errors& errs) const {
    if (size_kb * 1024 * 8 < banks * width_bits)
        errs.add(path + ".banks", "banks × width_bits (" + std::to_string(banks * width_bits) +
                                      " bits) exceed the capacity (" + std::to_string(size_kb) + " KiB)");
}

SramBuffer::SramBuffer(sc_core::sc_module_name name, const SramBufferConfig& cfg, const sim::BuildContext& ctx)
    : MemoryBase(name, cfg.size_kb * 1024, false), m_cfg(cfg), m_clock_mhz(ctx.clock_mhz) {}

uint64_t SramBuffer::access_cycles(uint64_t bytes) const {
    const uint64_t bytes_per_cycle = m_cfg.banks * m_cfg.ports * m_cfg.width_bits / 8;
    return (bytes + bytes_per_cycle - 1) / bytes_per_cycle + m_cfg.latency_cycles;
}

uint64_t SramBuffer::access(uint64_t, uint64_t bytes, bool write, uint64_t start_ps) {
    // The banks stream one transfer at a time (busy-until); the latency overlaps the next transfer.
    const uint64_t begin = std::max(start_ps, m_free_ps);
    const uint64_t stream = access_cycles(bytes) - m_cfg.latency_cycles;
    m_free_ps = begin + cycles_to_ps(stream, m_clock_mhz);
    m_actions.add(write ? "write_bits" : "read_bits", bytes * 8);
    return begin + cycles_to_ps(stream + m_cfg.latency_cycles, m_clock_mhz);
}

void SramBuffer::cost_table(const models::Tech& tech, models::CostTable& out) const {
    namespace E = models::energy;
    namespace A = models::area;
    // Energy per bit and area of one bank macro (capacity / banks, width_bits), from the tech
    // table's CACTI-based law (docs/energy_model.md); all banks together for the area.
    const uint64_t bank_bytes = std::max<uint64_t>(capacity_bytes() / m_cfg.banks, 1);
    const uint32_t w = static_cast<uint32_t>(m_cfg.width_bits);
    out.pj_per_action["read_bits"] = E::sram_read_pj_per_bit(tech, bank_bytes, w);
    out.pj_per_action["write_bits"] = E::sram_write_pj_per_bit(tech, bank_bytes, w);
    out.area_mm2["sram"] = static_cast<double>(m_cfg.banks) * A::sram_mm2(tech, bank_bytes, w);
    out.leakage_mw = E::leakage_mw(tech, out.total_area_mm2());
}

static const bool kReg = sim::Registry::add<SramBuffer, SramBufferConfig>(
    sim::Role::memory, "sram", "On-chip SRAM buffer (global buffer): banks x width, latency, energy by size");

}  // namespace qasim::hw
