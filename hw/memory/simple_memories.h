#pragma once
// Memories of the foundation: `ideal` (no stalls, for compute-only studies) and `simple_dram`
// (one bandwidth and one latency; a first-order stand-in for an off-chip DRAM).
#include "hw/common/memory_base.h"
#include "sim/fields.h"
#include "sim/registry.h"

namespace qasim::hw {

/// `type: ideal`: every access completes at once. The crossbar also adds no time in front of an
/// ideal memory, so that loads never stall compute (the SCALE-Sim "CALC" bandwidth mode).
struct IdealMemoryConfig {
    uint64_t capacity_gb = 1024;  ///< address space it serves (GiB)
    static const sim::FieldTable<IdealMemoryConfig>& fields();
    void validate(const std::string&, sim::Errors&) const {}
};

class IdealMemory : public MemoryBase {
public:
    IdealMemory(sc_core::sc_module_name name, const IdealMemoryConfig& cfg, const sim::BuildContext& ctx);
    void cost_table(const models::Tech&, models::CostTable&) const override {}
    bool is_ideal() const override { return true; }

protected:
    uint64_t access(uint64_t, uint64_t, bool, uint64_t start_ps) override { return start_ps; }
};

/// `type: simple_dram`: bandwidth + latency with one busy-until for the whole device.
struct SimpleDramConfig {
    double bandwidth_gbps = 460.8;     ///< sustained GB/s (HBM2E 3.6 Gb/s × 1024 pins, published_numbers.md §3)
    double latency_ns = 100.0;         ///< access latency; ~95–104 ns loaded HBM2 read latency (reference/dram README, patterns a/b)
    uint64_t capacity_gb = 16;         ///< GiB (one HBM2E stack: 16 GB)
    double read_energy_pj_per_bit = 3.97;   ///< O'Connor et al. (FGDRAM, MICRO 2017): HBM2 access 3.97 pJ/bit
    double write_energy_pj_per_bit = 3.97;  ///< same source (no separate write figure)
    static const sim::FieldTable<SimpleDramConfig>& fields();
    void validate(const std::string& path, sim::Errors& errs) const;
};

class SimpleDram : public MemoryBase {
public:
    SimpleDram(sc_core::sc_module_name name, const SimpleDramConfig& cfg, const sim::BuildContext& ctx);
    void cost_table(const models::Tech&, models::CostTable& out) const override;

protected:
    uint64_t access(uint64_t addr, uint64_t bytes, bool write, uint64_t start_ps) override;

private:
    const SimpleDramConfig m_cfg;
    uint64_t m_free_ps = 0;
    double m_ps_per_byte;
};

}  // namespace qasim::hw
