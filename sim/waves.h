#pragma once
// `qasim run --vcd`: the sequencer's events as waveform signals (DESIGN.md §3, issue 10).
// Registers, per compute unit, `busy`, `active_pes`, `op`, `tile`; per DMA channel (`dma.rd_*`,
// `dma.wr_*`) `inflight` (transfers in flight), `bytes` (cumulative) and `bw_gbps`; per memory
// `read_bytes`, `write_bytes` (cumulative) and `bw_gbps`; per operand buffer of a unit
// (`sa0.ifmap_sram.occupancy_bytes`, ...) and per `type: sram` memory (`gbuf.occupancy_bytes`) the
// bytes resident; and the global `layer`. Every value changes at the exact simulated time of its
// event (tile start/end, transfer start/completion), recorded in the TraceManager
// (sim/trace_manager.h), which other modules extend with their own signals.
//
// Buffer occupancy (derived from the tile plan and the sequencer's events, in event order, see
// SequencerObserver in hw/control/sequencer.h):
//  - operand A / B buffers: a tile's load of the operand occupies min(load bytes, slot) from the
//    start of its transfer (the slot is the buffer's capacity, or half of it when the plan is
//    double buffered: a load larger than its slot streams through the buffer); it is released at
//    the end of the compute of the last tile that uses it (tiles that load nothing re-use the
//    resident data);
//  - output buffer: the store bytes of a tile occupy it from the compute start of the first tile of
//    its accumulation group (the tiles since the previous storing tile) until its store completes;
//  - a unit with one local buffer (vector_unit) puts A, B and the outputs in it;
//  - a `type: sram` memory: the bytes each op writes into it (its output activations) are resident
//    from each write's completion until the end of the next op (their consumer); data the run never
//    writes (preloaded weights/KV) is not counted.
// The buffers of each unit type (and which operand goes where) are listed in kUnitBuffers
// (waves.cpp); a unit type not listed there has no occupancy signals.
#include <cstdint>
#include <string>
#include <vector>

#include "hw/control/sequencer.h"
#include "sim/hw_config.h"
#include "sim/tile_lookup.h"
#include "sim/trace_manager.h"

namespace boost::program_options {
class options_description;
class variables_map;
}  // namespace boost::program_options

namespace qasim::sim {

/// Sequencer observer that records waveform signals.
class WaveTracer : public hw::SequencerObserver {
public:
    /// Units and memories are labelled by their unit_name()/memory_name(). `hw` (optional) gives
    /// the buffer capacities of the units and the memory types: without it there are no occupancy
    /// signals.
    WaveTracer(TraceManager& tm, const std::vector<const models::Op*>& ops,
               const std::vector<hw::ComputeUnit*>& units,
               const std::vector<hw::MemoryTarget*>& mems, const HwConfig* hw = nullptr);

    void on_layer_begin(size_t op_index) override;
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
        H occ = TraceManager::kDisabled;  ///< `type: sram` memories only
        bool occupancy = false;
        uint64_t produced = 0, produced_prev = 0;  ///< bytes written by this op / the previous op
    };
    /// Data of one operand resident in a buffer: `bytes` until the end of its last user.
    struct Content {
        uint64_t bytes = 0;
        uint64_t last_use_end = 0;
    };
    /// One on-chip buffer of a unit.
    struct Buffer {
        H occ = TraceManager::kDisabled;
        uint64_t capacity = 0;
    };
    /// Operand buffers of a unit: index into `bufs` for A, B and the output (-1: not traced).
    struct UnitBufs {
        std::vector<Buffer> bufs;
        int a = -1, b = -1, out = -1;
        Content res_a, res_b;           ///< data of the current op resident in the A / B buffer
        bool group_open = false;        ///< an accumulation group has started (no store yet)
        uint64_t group_start = 0;
    };
    struct Read {
        uint64_t bytes, start, end;
    };
    struct PendingStore {
        int buf;
        size_t unit;
        uint64_t bytes;
    };
    void buffers_from_config(const HwConfig& hw, const std::vector<hw::ComputeUnit*>& units);
    void buffers_on_compute(size_t unit, const models::Tile* t, uint64_t start_ps, uint64_t end_ps);
    void occupy(size_t unit, int buf, Content& res, const Read* load, uint64_t slot,
                uint64_t use_end);
    void release(size_t unit);

    TraceManager& m_tm;
    TileLookup m_tiles;
    std::vector<hw::MemoryTarget*> m_mems;
    H m_layer;
    std::vector<UnitSig> m_units;
    DmaSig m_dma[2];
    std::vector<MemSig> m_mem;
    // Buffer occupancy (empty when no buffer is traced).
    std::vector<UnitBufs> m_bufs;
    bool m_any_buf = false;
    size_t m_op_unit = static_cast<size_t>(-1);  ///< unit of the current op (after its first tile)
    std::vector<Read> m_reads;                   ///< loads of the next tile
    std::vector<PendingStore> m_stores;          ///< stores announced by computes, in order
};

/// "waves.vcd" -> "waves.gtkw" (the save file beside the VCD).
std::string gtkw_path_for(const std::string& vcd_path);

/// Adds a command's waveform options: --vcd FILE (help text `vcd_help`), --vcd-signals GLOBS
/// (`example`: a glob for the help) and --vcd-window START_NS:END_NS.
void add_vcd_options(boost::program_options::options_description& desc,
                     const std::string& vcd_help, const std::string& example);
/// The --vcd path ("" without it) and, in `opts`, the --vcd-signals / --vcd-window selection.
/// Throws ConfigError for an empty path, or for a selection without --vcd.
std::string vcd_option(const boost::program_options::variables_map& vm, TraceOptions& opts);
/// Writes the VCD to `vcd` and the GTKWave save file beside it; returns the save file's path.
std::string write_vcd_and_gtkw(TraceManager& tm, const std::string& vcd);

}  // namespace qasim::sim
