#pragma once
#include <vector>

#include "sim/trace_manager.h"
// `type: hbm`: an HBM2/HBM2E/HBM3 memory behind TLM. Each b_transport is one transaction (often
// a whole DMA block): models::dram::DramSystem splits it into bursts by the address map and times
// every burst with bank/row state, JEDEC constraints, refresh and an FR-FCFS controller per
// channel, in plain C++ (no SystemC event per burst). State persists between transactions, so
// initiators contend; in loosely-timed mode transactions are served in call order (said once at
// elaboration, as DRAMSys does).
#include "hw/common/memory_base.h"
#include "hw/hbm/hbm_config.h"
#include "models/dram/dram_system.h"
#include "sim/registry.h"

namespace qasim::hw {

class Hbm : public MemoryBase {
public:
    Hbm(sc_core::sc_module_name name, const HbmConfig& cfg, const sim::BuildContext& ctx);

    /// pJ per counted action (act, read_bits, write_bits, io_bits, refresh), HBM PHY + controller
    /// area per stack, DRAM background power as leakage.
    void cost_table(const models::Tech& tech, models::CostTable& out) const override;
    const models::ActionCounts& action_counts() const override;
    double row_hit_rate() const override;
    uint64_t row_hits() const override { return m_dram.counters().row_hits; }
    uint64_t row_accesses() const override;
    uint64_t request_queue_bytes() const override;

    const models::dram::DramSystem& dram() const { return m_dram; }
    const HbmConfig& config() const { return m_cfg; }

protected:
    uint64_t access(uint64_t addr, uint64_t bytes, bool write, uint64_t start_ps) override;

private:
    const HbmConfig m_cfg;
    models::dram::DramSystem m_dram;
    mutable models::ActionCounts m_counted;
    uint64_t m_busy_until_ps = 0;
    // Waveforms (null / empty when tracing is off): bytes and open rows per channel, refreshes,
    // ACTs, row hits.
    sim::TraceManager* m_tr = nullptr;
    std::vector<uint32_t> m_tr_ch_bytes;
    std::vector<uint32_t> m_tr_ch_open;    ///< handles of chN.open_rows
    std::vector<uint32_t> m_tr_open_last;  ///< last traced open-row count per channel
    uint64_t m_tr_open_t = 0;              ///< latest completion sampled (ps)
    uint32_t m_tr_refresh = 0, m_tr_hits = 0, m_tr_acts = 0;
};

}  // namespace qasim::hw
