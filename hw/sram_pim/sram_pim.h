#pragma once
// `type: sram_pim` (under `memory:`): SRAM arrays that both store the weights and compute batched
// LUT-GEMVs on them (SAIL, arXiv:2509.25853). One module with two roles: a memory (TLM target on
// mem_in: capacity, a port of port_bytes_per_cycle, access_cycles latency) and a compute unit
// (TLM target on cmd_in: TileCommand, adds the tile's compute time) that `mapping:` can name.
// Closed forms and the subarray mapping: models/sram_pim/pim_model.h.
#include <map>
#include <utility>
#include <string>

#include <tlm_utils/simple_target_socket.h>

#include "hw/common/interfaces.h"
#include "hw/common/tile_counters.h"
#include "hw/common/time.h"
#include "models/sram_pim/pim_model.h"
#include "sim/fields.h"
#include "sim/registry.h"

namespace qasim::hw {

/// What happens when the weights mapped to the PIM exceed its capacity.
enum class PimOverflow : uint8_t { reject, stream };

/// Configuration of an SRAM-PIM device (`qasim describe sram_pim`).
struct SramPimConfig {
    uint64_t capacity_mb = 4096;            ///< capacity (MiB); must equal banks·subarrays·rows·cols/8
    uint64_t banks = 512;                   ///< banks
    uint64_t subarrays_per_bank = 256;      ///< subarrays per bank
    uint64_t subarray_rows = 512;           ///< rows per subarray
    uint64_t subarray_cols = 512;           ///< columns (bits) per subarray
    uint64_t active_subarrays_per_bank = 4; ///< subarrays of a bank that compute at once
    uint64_t group_k = 4;                   ///< activations per lookup table (g)
    bool symmetric_table = true;            ///< tables of 2^(g-1) entries
    uint64_t act_bits = 8;                  ///< in-memory activation quantization width (bits)
    uint64_t acc_bits = 32;                 ///< accumulator width (bits)
    uint64_t periphery_adders = 128;        ///< adders per computing subarray
    uint64_t step_cycles = 2;               ///< cycles per row activation + lookup step
    uint64_t convert_elems_per_cycle = 256; ///< quantize/dequantize throughput (elements/cycle)
    uint64_t max_batch = 8;                 ///< largest M (batch rows) accepted
    PimOverflow overflow = PimOverflow::reject;  ///< weights beyond capacity: reject or stream
    uint64_t port_bytes_per_cycle = 256;    ///< memory-role port width (bytes/cycle)
    uint64_t access_cycles = 20;            ///< memory-role access latency (cycles)

    static const sim::FieldTable<SramPimConfig>& fields();
    void validate(const std::string& path, sim::Errors& errs) const;
    models::PimParams params() const;
};

class SramPim : public sc_core::sc_module, public ComputeUnit, public MemoryTarget {
public:
    tlm_utils::simple_target_socket<SramPim> cmd_in{"cmd_in"};
    tlm_utils::simple_target_socket<SramPim> mem_in{"mem_in"};

    SramPim(sc_core::sc_module_name name, const SramPimConfig& cfg, const sim::BuildContext& ctx);

    // ComputeUnit
    std::string check(const models::Op& op) const override;
    models::TilePlan plan(const models::Op& op) const override;
    tlm::tlm_target_socket<>& cmd_socket() override { return cmd_in; }
    uint64_t busy_cycles() const override { return m_counters.busy_cycles; }
    std::string unit_name() const override { return name(); }
    // MemoryTarget
    tlm::tlm_target_socket<>& mem_socket() override { return mem_in; }
    uint64_t capacity_bytes() const override { return m_params.capacity_bytes(); }
    bool is_dram() const override { return false; }
    uint64_t read_bytes() const override { return m_read_bytes; }
    uint64_t write_bytes() const override { return m_write_bytes; }
    std::string memory_name() const override { return name(); }
    // Both
    void cost_table(const models::Tech& tech, models::CostTable& out) const override;
    const models::ActionCounts& action_counts() const override { return m_actions; }
    const sim::StatsGroup& stats() const override { return m_stats; }

    /// Weight bytes resident so far (Σ over the ops planned on the unit, capped at capacity).
    uint64_t resident_bytes() const;
    const models::PimParams& params() const { return m_params; }

private:
    void cmd_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
    void mem_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);

    const SramPimConfig m_cfg;
    const models::PimParams m_params;
    const double m_clock_mhz;
    sim::StatsGroup m_stats;
    models::ActionCounts m_actions;
    /// Resident weight bytes per trace row (its address and name: re-planning the same row does
    /// not count twice; two rows of the same name both count).
    mutable std::map<std::pair<const models::Op*, std::string>, uint64_t> m_resident;
    TileCounters m_counters;  ///< buffer bytes are counted but not reported (in-array accesses)
    uint64_t m_read_bytes = 0, m_write_bytes = 0, m_port_free_ps = 0;
};

}  // namespace qasim::hw
