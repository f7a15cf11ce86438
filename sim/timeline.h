#pragma once
// `qasim run --timeline FILE`: Chrome-trace / Perfetto JSON (the "Trace Event Format": an object
// with `traceEvents`). One process (the accelerator) with one track (tid) per compute unit, one per
// DMA channel and one for the layers; "X" slices per layer, per op (on its unit, from its first
// tile's start to its last tile's end) and per tile, with args name/shape/bits; "C" counters for
// the bandwidth of each DMA channel and memory; "M" metadata naming the tracks. ts/dur are in µs
// with ps resolution (6 decimals), at the exact simulated times of the events.
#include <cstdint>
#include <string>
#include <vector>

#include "hw/control/sequencer.h"
#include "sim/tile_lookup.h"

namespace qasim::sim {

class StreamOut;

/// Sequencer observer that builds the timeline JSON.
class TimelineTracer : public hw::SequencerObserver {
public:
    TimelineTracer(const std::string& hw_name, double clock_mhz,
                   const std::vector<const models::Op*>& ops,
                   const std::vector<hw::ComputeUnit*>& units,
                   const std::vector<hw::MemoryTarget*>& mems);

    void on_layer_end(size_t op_index, const hw::LayerResult& r) override;
    void on_compute(size_t op_index, size_t unit, uint64_t tile_index, uint64_t start_ps,
                    uint64_t end_ps) override;
    void on_dma(size_t op_index, int channel, uint64_t bytes, uint64_t start_ps,
                uint64_t end_ps) override;

    /// The JSON document (call after the run).
    std::string json() const;
    /// Writes the JSON document to `path` (streamed; throws ConfigError when it cannot).
    void write(const std::string& path) const;

private:
    struct Series {  // a counter built from (time, delta) pairs
        std::string name;
        std::vector<std::pair<uint64_t, double>> deltas;
    };
    struct OpSpan {
        bool open = false;
        size_t op = 0;
        uint64_t start = 0, end = 0, tiles = 0;
        std::string tile_events;  // held back so that the op slice precedes its tiles
    };
    void emit(StreamOut& o) const;
    void close_op(size_t unit);
    /// Appends an "X" event to `out` (m_events unless given).
    /// Appends an "X" event to `*out` (to m_events when null).
    void slice(int tid, const std::string& name, const std::string& cat, uint64_t start_ps,
               uint64_t end_ps, const std::string& args_json, std::string* out = nullptr);

    std::string m_hw_name;
    double m_clock_mhz;
    std::vector<const models::Op*> m_ops;
    std::vector<std::string> m_unit_names;
    std::vector<hw::MemoryTarget*> m_mems;
    TileLookup m_tiles;
    std::vector<OpSpan> m_span;  // per unit
    std::vector<std::pair<uint64_t, uint64_t>> m_mem_last;
    Series m_dma_bw[2];
    std::vector<Series> m_mem_bw;
    std::string m_events;  // comma-separated event objects
};

/// Tracks (tids) of the timeline: layers, then units, then the DMA channels.
constexpr int kTimelineLayerTid = 1;
constexpr int kTimelineUnitTid0 = 10;
constexpr int kTimelineDmaTid0 = 1000;

}  // namespace qasim::sim
