#pragma once
// System assembly and one simulation run: builds units, memories and the interconnect from the
// registry, binds TLM sockets by the address map, maps every op to a unit, runs the sequencer,
// and collects the report (DESIGN.md §1). SystemC elaborates once per process: one Simulation per
// process.
#include <memory>
#include <string>
#include <vector>

#include "hw/control/dma.h"
#include "hw/control/sequencer.h"
#include "models/energy/tech.h"
#include "sim/hw_config.h"
#include "workloads/trace.h"

namespace qasim::sim {

/// Per-layer figures of the report (one per trace row).
struct LayerReport {
    const models::Op* op = nullptr;
    std::string unit;
    hw::LayerResult r;
    uint64_t cycles = 0, compute_cycles = 0, stall_cycles = 0;
    double utilization = 0, energy_pj = 0, dram_bw_gbps = 0, row_hit_rate = 0;
};

/// Energy and area of one module.
struct ModuleCost {
    std::string name;
    double dynamic_pj = 0, leakage_pj = 0, area_mm2 = 0;
    std::map<std::string, double> by_action;       ///< pJ per action name
    std::map<std::string, uint64_t> action_counts;
    std::map<std::string, double> area_breakdown;
};

struct Report {
    std::string hw_name, hw_file, model, phase, workload_source;
    uint64_t batch = 0, context = 0, seq = 0;
    double clock_mhz = 0;
    uint64_t tech_nm = 0;
    uint64_t cycles = 0, macs = 0, dram_read_bytes = 0, dram_write_bytes = 0;
    double time_ns = 0, energy_pj = 0, area_mm2 = 0, utilization = 0;
    std::vector<LayerReport> layers;
    std::vector<ModuleCost> modules;
    std::string stats_text;

    std::string to_json() const;
    std::string layers_csv() const;
    std::string summary_table() const;
};

class Simulation : public hw::SequencerObserver {
public:
    Simulation(const HwConfig& hw, const workloads::Trace& trace, const models::Tech& tech);
    ~Simulation() override;
    /// Runs to completion and returns the report.
    Report run();

    void on_layer_begin(size_t op_index) override;
    void on_layer_end(size_t op_index, const hw::LayerResult& r) override;

    /// Optional extra observer (waveforms, timelines) told about every event.
    void add_observer(hw::SequencerObserver* o) { m_extra.push_back(o); }
    void on_compute(size_t op, size_t unit, uint64_t tile, uint64_t s, uint64_t e) override;
    void on_dma(size_t op, int ch, uint64_t bytes, uint64_t s, uint64_t e) override;

    /// Area and leakage of every module, without simulating (qasim describe --hw).
    std::vector<ModuleCost> costs() const;
    const std::vector<hw::ComputeUnit*>& units() const { return m_units; }
    const std::vector<hw::MemoryTarget*>& memories() const { return m_mems; }

private:
    double energy_snapshot() const;

    const HwConfig& m_hw;
    const workloads::Trace& m_trace;
    const models::Tech& m_tech;
    std::vector<sc_core::sc_module*> m_modules;  // owned
    std::vector<hw::ComputeUnit*> m_units;
    std::vector<std::string> m_unit_names;
    std::vector<size_t> m_op_unit;
    std::vector<uint64_t> m_op_peak;
    std::vector<hw::MemoryTarget*> m_mems;
    hw::Interconnect* m_xbar = nullptr;
    std::unique_ptr<hw::Dma> m_dma;
    std::unique_ptr<hw::Sequencer> m_seq;
    std::vector<hw::Costed*> m_costed;
    std::vector<models::CostTable> m_cost_tables;
    std::vector<hw::StatsProvider*> m_stats;
    std::vector<hw::SequencerObserver*> m_extra;
    std::vector<double> m_layer_energy;
    std::vector<uint64_t> m_layer_hits, m_layer_accesses;
    double m_energy_before = 0;
    uint64_t m_hits_before = 0, m_accesses_before = 0;
    double m_leak_mw = 0;
};

}  // namespace qasim::sim
