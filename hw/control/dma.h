#pragma once
// The DMA engine: takes one transfer from the sequencer (address, bytes, read/write) and splits it
// into blocks of `block_bytes` that go to the interconnect, with at most `max_outstanding` blocks in
// flight. Separate read and write channels (AXI-DMA style MM2S / S2MM) run independently.
//
// Coalescing (`coalesce`, default on): memories that model request queues (HBM: per-channel read
// and write queues, MemoryTarget::request_queue_bytes) time each transaction by itself and drain
// it, so a transfer cut into blocks would hide from the controller the blocks that a real DMA has
// already issued into its queues: the controller could not open the next block's rows early or
// interleave pseudo-channels and bank groups across blocks. When the outstanding window
// (max_outstanding × block_bytes) is at least twice what the memory's queues hold, the window
// never limits the traffic (the queues fill first and push back), so the DMA offers the memory the
// whole transfer as one transaction, which the memory takes into its queues as fast as they accept
// it. Block counts in the stats stay those of `block_bytes`. Other memories get blocks.
#include <deque>
#include <vector>

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "hw/common/interfaces.h"
#include "sim/fields.h"

namespace qasim::hw {

struct DmaConfig {
    uint64_t block_bytes = 4096;   ///< bytes per memory transaction (a DMA block)
    uint64_t max_outstanding = 32; ///< blocks in flight per channel
    bool coalesce = true;          ///< whole transfers to queue-modelled memories (file comment)
    static const sim::FieldTable<DmaConfig>& fields();
    void validate(const std::string&, sim::Errors&) const {}
};

/// Optional extension on a DMA command: the DMA reports when it issued the command's last block.
/// The channel can take the next command from then on (its blocks queue behind in the memory), while
/// the data of this command arrives at the completion time returned in `delay`.
struct DmaIssue : tlm::tlm_extension<DmaIssue> {
    uint64_t issue_end_ps = 0;
    tlm::tlm_extension_base* clone() const override { return new DmaIssue(*this); }
    void copy_from(const tlm::tlm_extension_base& e) override { *this = static_cast<const DmaIssue&>(e); }
};

class Dma : public sc_core::sc_module, public StatsProvider {
public:
    tlm_utils::simple_target_socket<Dma> cmd_in{"cmd_in"};
    tlm_utils::simple_initiator_socket<Dma> mem_out{"mem_out"};

    Dma(sc_core::sc_module_name name, const DmaConfig& cfg);
    const sim::StatsGroup& stats() const override { return m_stats; }
    uint64_t bytes_read() const { return m_read_bytes; }
    uint64_t bytes_written() const { return m_write_bytes; }
    /// Transfers in flight at the end of the last command (for waveforms).
    uint64_t blocks_issued() const { return m_blocks; }
    /// Declares a memory at global addresses [base, base + size) whose controllers queue
    /// `queue_bytes` of requests per direction (MemoryTarget::request_queue_bytes; 0: none).
    void add_memory_window(uint64_t base, uint64_t size, uint64_t queue_bytes);

private:
    void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);

    const DmaConfig m_cfg;
    sim::StatsGroup m_stats;
    /// True if a transfer [addr, addr + bytes) goes to the memory whole (coalescing).
    bool whole(uint64_t addr, uint64_t bytes) const;
    struct Window {
        uint64_t base, size, queue_bytes;
    };
    std::vector<Window> m_windows;
    std::deque<uint64_t> m_inflight[2];  ///< completion times of the last blocks, per channel
    uint64_t m_read_bytes = 0, m_write_bytes = 0, m_blocks = 0;
    unsigned char m_dummy[1] = {0};
};

}  // namespace qasim::hw
