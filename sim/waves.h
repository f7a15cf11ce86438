#pragma once
// `qasim run --vcd`: the sequencer's events as waveform signals (DESIGN.md §3, issue 10).
// Registers, per compute unit, `busy`, `active_pes`, `op`, `tile`; per DMA channel (`dma.rd_*`,
// `dma.wr_*`) `inflight` (transfers in flight), `bytes` (cumulative) and `bw_gbps`; per memory
// `read_bytes`, `write_bytes` (cumulative) and `bw_gbps`; and the global `layer`. Every value
// changes at the exact simulated time of its event (tile start/end, transfer start/completion),
// recorded in the TraceManager (sim/trace_manager.h), which other modules extend with their own
// signals.
#include <cstdint>
#include <string>
#include <vector>

#include "hw/control/sequencer.h"
#include "sim/tile_lookup.h"
#include "sim/trace_manager.h"

namespace qasim::sim {

/// Sequencer observer that records waveform signals.
class WaveTracer : public hw::SequencerObserver {
public:
    /// `unit_names`/`mem_names` label the units and memories (same order as `units`/`mems`).
    WaveTracer(TraceManager& tm, const std::vector<const models::Op*>& ops,
               const std::vector<hw::ComputeUnit*>& units,
               const std::vector<hw::MemoryTarget*>& mems);

    void on_layer_end(size_t op_index, const hw::LayerResult& r) override;
    void on_compute(size_t op_index, size_t unit, uint64_t tile_index, uint64_t start_ps,
                    uint64_t end_ps) override;
    void on_dma(size_t op_index, int channel, uint64_t bytes, uint64_t start_ps,
                uint64_t end_ps) override;

private:
    using H = TraceManager::Handle;
    struct UnitSig {
        H busy, pes, op, tile;
    };
    struct DmaSig {
        H inflight, bytes, bw;
    };
    struct MemSig {
        H rd, wr, bw;
        uint64_t last_rd = 0, last_wr = 0;
    };
    TraceManager& m_tm;
    TileLookup m_tiles;
    std::vector<hw::MemoryTarget*> m_mems;
    H m_layer;
    std::vector<UnitSig> m_units;
    DmaSig m_dma[2];
    std::vector<MemSig> m_mem;
};

/// "waves.vcd" -> "waves.gtkw" (the save file beside the VCD).
std::string gtkw_path_for(const std::string& vcd_path);

}  // namespace qasim::sim
