#pragma once
// `type: sram` (memory role): an on-chip SRAM buffer, e.g. a global buffer that holds activations
// (`placement: {activations: gbuf}`) so that they never go to DRAM. Capacity, banks, width and ports
// set the access time; reads and writes are counted by bits and priced from the tech table by size.
#include "hw/common/memory_base.h"
#include "sim/fields.h"
#include "sim/registry.h"

namespace qasim::hw {

struct SramBufferConfig {
    uint64_t size_kb = 8192;        ///< capacity (KiB)
    uint64_t banks = 16;            ///< independent banks, accessed in parallel by a wide transfer
    uint64_t width_bits = 256;      ///< access width of one bank (bits per cycle per bank)
    uint64_t ports = 1;             ///< read/write ports per bank (accesses per cycle per bank)
    uint64_t latency_cycles = 2;    ///< access latency (cycles): one cycle for the array, one for the bank mux
    static const sim::FieldTable<SramBufferConfig>& fields();
    void validate(const std::string& path, sim::Errors& errs) const;
};

class SramBuffer : public MemoryBase {
public:
    SramBuffer(sc_core::sc_module_name name, const SramBufferConfig& cfg, const sim::BuildContext& ctx);
    void cost_table(const models::Tech& tech, models::CostTable& out) const override;
    /// Cycles to move `bytes` through the banks (all banks and ports in parallel) plus the latency.
    uint64_t access_cycles(uint64_t bytes) const;

protected:
    uint64_t access(uint64_t addr, uint64_t bytes, bool write, uint64_t start_ps) override;

private:
    const SramBufferConfig m_cfg;
    const double m_clock_mhz;
    uint64_t m_free_ps = 0;
};

}  // namespace qasim::hw
