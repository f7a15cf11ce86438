#pragma once
// What the sequencer and the report need from every module. Units know nothing of each other:
// they meet only through TLM sockets and the sequencer (DESIGN.md §2).
#include <cstdint>
#include <map>
#include <string>

#include <systemc>
#include <tlm>

#include "models/energy/cost_table.h"
#include "models/op.h"
#include "models/tile_plan.h"
#include "sim/stats.h"

namespace qasim::models {
struct Tech;
}

namespace qasim::hw {

/// Everything that costs energy and area: it gives its energy reference table (pJ per action it
/// counts), its leakage power and its area for a technology, and its action counts so far.
class Costed {
public:
    virtual ~Costed() = default;
    virtual void cost_table(const models::Tech& tech, models::CostTable& out) const = 0;
    virtual const models::ActionCounts& action_counts() const = 0;
};

/// Every module with statistics.
class StatsProvider {
public:
    virtual ~StatsProvider() = default;
    virtual const sim::StatsGroup& stats() const = 0;
};

/// A compute unit: a TLM target on a command socket that executes tiles of Ops.
class ComputeUnit : public virtual Costed, public virtual StatsProvider {
public:
    /// Empty if the unit can run `op`; otherwise why not (named in the error of the mapping).
    virtual std::string check(const models::Op& op) const = 0;
    /// Tile schedule of one repeat of `op` (from models/<unit>/).
    virtual models::TilePlan plan(const models::Op& op) const = 0;
    /// Command socket: payloads carry a TileCommand extension.
    virtual tlm::tlm_target_socket<>& cmd_socket() = 0;
    /// Busy cycles so far (for utilization and waveform checks).
    virtual uint64_t busy_cycles() const = 0;
    virtual std::string unit_name() const = 0;
};

/// A memory: a TLM target that adds access time to `delay` (timing only, no data).
class MemoryTarget : public virtual Costed, public virtual StatsProvider {
public:
    virtual tlm::tlm_target_socket<>& mem_socket() = 0;
    virtual uint64_t capacity_bytes() const = 0;
    /// True for off-chip memories whose traffic counts as DRAM bytes in the report.
    virtual bool is_dram() const = 0;
    virtual uint64_t read_bytes() const = 0;
    virtual uint64_t write_bytes() const = 0;
    /// True for the `ideal` memory: the interconnect then adds no time either.
    virtual bool is_ideal() const { return false; }
    /// Row-buffer hit rate so far (0 for memories without rows); for per-layer reporting.
    virtual double row_hit_rate() const { return 0.0; }
    /// Hit/access counters so that per-layer rates can be computed as differences.
    virtual uint64_t row_hits() const { return 0; }
    virtual uint64_t row_accesses() const { return 0; }
    /// Bytes of requests the memory's controllers hold in their queues, per direction (0: the
    /// memory has no request-queue model). A DMA whose outstanding window is larger than this
    /// offers such a memory whole transfers (Dma, `coalesce`).
    virtual uint64_t request_queue_bytes() const { return 0; }
    virtual std::string memory_name() const = 0;
};

/// The on-chip network between the DMA (and other initiators) and the memories.
class Interconnect : public virtual Costed, public virtual StatsProvider {
public:
    /// Binds an initiator socket (DMA) to the interconnect's target side.
    virtual void bind_initiator(tlm::tlm_initiator_socket<>& s) = 0;
    /// Binds a memory at global addresses [base, base + size).
    virtual void bind_target(MemoryTarget& m, uint64_t base, uint64_t size) = 0;
};

/// Compute command for one run of identical tiles, attached to the command payload.
struct TileCommand : tlm::tlm_extension<TileCommand> {
    const models::Op* op = nullptr;
    const models::Tile* tile = nullptr;
    uint64_t op_index = 0;
    uint64_t tile_index = 0;
    uint64_t count = 1;  ///< how many of `tile` to run back to back
    tlm::tlm_extension_base* clone() const override { return new TileCommand(*this); }
    void copy_from(const tlm::tlm_extension_base& e) override { *this = static_cast<const TileCommand&>(e); }
};

/// Which initiator issued a memory transaction (for arbitration and attribution).
struct InitiatorTag : tlm::tlm_extension<InitiatorTag> {
    uint32_t initiator = 0;
    tlm::tlm_extension_base* clone() const override { return new InitiatorTag(*this); }
    void copy_from(const tlm::tlm_extension_base& e) override { *this = static_cast<const InitiatorTag&>(e); }
};

}  // namespace qasim::hw
