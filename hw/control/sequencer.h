#pragma once
// The sequencer executes the trace op by op and tile by tile (DESIGN.md §1, §3b): for each tile it
// asks the DMA to load the tile's operands, sends the compute command to the op's unit, and stores
// the result. It owns overlap and stalls:
//  - loads of tile i+1 are issued while tile i computes when the plan is double-buffered (the
//    buffer slot of tile i+1 frees when tile i-1's compute ends); otherwise a load waits for the
//    previous compute to end;
//  - weights/KV (operand B) may be prefetched across ops; activations (operand A) of an op wait for
//    the previous op's last store (the data dependency through memory);
//  - an op's compute starts after the previous op's compute (trace order is dependency order);
//  - a stall is time the unit waits for its data: compute start − max(unit free, op ready).
// The DMA has independent read and write channels. Times are absolute ps; the thread syncs with the
// SystemC kernel through a quantum keeper (targets only add to `delay`).
#include <cstdint>
#include <string>
#include <vector>

#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "hw/common/interfaces.h"

namespace qasim::hw {

/// A region of the global address space holding one tensor class.
struct Region {
    uint64_t base = 0;
    uint64_t size = 0;
    bool dram = true;  ///< traffic counts as DRAM bytes
};

/// Timing and traffic of one trace row (all repeats).
struct LayerResult {
    uint64_t start_ps = 0, end_ps = 0;
    uint64_t compute_cycles = 0;   ///< Σ tile compute cycles
    uint64_t stall_ps = 0;         ///< time the unit waited for data
    uint64_t macs = 0;
    uint64_t tiles = 0;
    uint64_t sram_read_bytes = 0, sram_write_bytes = 0;
    uint64_t dram_read_bytes = 0, dram_write_bytes = 0;
    uint64_t onchip_read_bytes = 0, onchip_write_bytes = 0;
};

/// Told about progress (report attribution, waveforms, timelines). All times in ps.
///
/// Event order (a contract: sim/waves.cpp attributes transfers to tiles and operands by it). Per
/// op j, in program order: on_layer_begin(j); the loads of tile 0; then for each tile i:
/// on_compute(i), the loads of tile i+1 (if any), the store of tile i (if it stores); finally
/// on_layer_end(j). The loads of a tile are read transfers (channel 0): operand B first, then
/// operand A, each only when its byte count is non-zero; a store is one write transfer (channel 1).
/// Events of one op never interleave with those of another.
class SequencerObserver {
public:
    virtual ~SequencerObserver() = default;
    virtual void on_layer_begin(size_t /*op_index*/) {}
    virtual void on_layer_end(size_t op_index, const LayerResult& r) = 0;
    /// One compute command: `count` tiles of `tile_index` on unit `unit` from start to end.
    virtual void on_compute(size_t /*op_index*/, size_t /*unit*/, uint64_t /*tile_index*/, uint64_t /*start_ps*/,
                            uint64_t /*end_ps*/) {}
    /// One DMA transfer on channel 0 (read) or 1 (write).
    virtual void on_dma(size_t /*op_index*/, int /*channel*/, uint64_t /*bytes*/, uint64_t /*start_ps*/,
                        uint64_t /*end_ps*/) {}
};

struct SequencerSetup {
    std::vector<const models::Op*> ops;           ///< trace rows
    std::vector<size_t> op_unit;                  ///< unit index per op
    std::vector<models::TilePlan> plans;          ///< plan of one repeat per op
    Region weights, kv, activations;
    double clock_mhz = 1000.0;
    SequencerObserver* observer = nullptr;
};

class Sequencer : public sc_core::sc_module {
public:
    tlm_utils::multi_passthrough_initiator_socket<Sequencer> unit_out{"unit_out"};
    tlm_utils::simple_initiator_socket<Sequencer> dma_out{"dma_out"};

    SC_HAS_PROCESS(Sequencer);
    Sequencer(sc_core::sc_module_name name, SequencerSetup setup);

    bool finished() const { return m_finished; }
    uint64_t end_ps() const { return m_end_ps; }
    const std::vector<LayerResult>& layers() const { return m_layers; }

private:
    void run();
    /// DMA transfer of `bytes` from/to the region at `start_ps`; returns completion (ps) and sets
    /// `*issue_end` to when the channel can take the next transfer (its last block issued).
    uint64_t dma(Region& r, uint64_t& cursor, uint64_t bytes, bool write, uint64_t start_ps, size_t op,
                 uint64_t* issue_end);
    uint64_t compute(size_t unit, const models::Op& op, const models::Tile& t, size_t op_index, uint64_t tile_index,
                     uint64_t start_ps);
    void sync_to(uint64_t ps);

    SequencerSetup m_setup;
    tlm_utils::tlm_quantumkeeper m_qk;
    std::vector<LayerResult> m_layers;
    uint64_t m_cur_w = 0, m_cur_kv = 0, m_cur_act = 0;
    bool m_finished = false;
    uint64_t m_end_ps = 0;
    unsigned char m_dummy[1] = {0};
};

}  // namespace qasim::hw
