#pragma once
// Tile accounting shared by the command targets of every compute unit (UnitBase, SramPim): the
// loosely-timed execution of a TileCommand, which adds the run's compute time to `delay` (targets
// never wait) and counts its cycles, tiles, MACs, buffer bytes and actions.
#include <cstdint>

#include "hw/common/interfaces.h"
#include "hw/common/time.h"

namespace qasim::hw {

/// What a compute unit has executed so far.
struct TileCounters {
    uint64_t busy_cycles = 0;       ///< cycles spent computing tiles
    uint64_t tiles = 0;             ///< tiles executed
    uint64_t macs = 0;              ///< useful MACs (or element ops for vector units)
    uint64_t sram_read_bytes = 0;   ///< operand buffer reads (B)
    uint64_t sram_write_bytes = 0;  ///< operand buffer writes (B)
};

/// Executes the TileCommand attached to `gp`: adds count × compute_cycles at `clock_mhz` to
/// `delay`, the run to `counters` and its actions to `actions`. A payload without a command (or
/// without a tile) gets TLM_GENERIC_ERROR_RESPONSE and changes nothing.
inline void execute_tile_command(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay,
                                 double clock_mhz, TileCounters& counters,
                                 models::ActionCounts& actions) {
    auto* cmd = gp.get_extension<TileCommand>();
    if (!cmd || !cmd->tile) {
        gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
    }
    const models::Tile& t = *cmd->tile;
    const uint64_t cycles = t.compute_cycles * cmd->count;
    delay += from_ps(cycles_to_ps(cycles, clock_mhz));
    counters.busy_cycles += cycles;
    counters.tiles += cmd->count;
    counters.macs += t.macs * cmd->count;
    counters.sram_read_bytes += t.sram_read_bytes * cmd->count;
    counters.sram_write_bytes += t.sram_write_bytes * cmd->count;
    actions.merge(t.actions, cmd->count);
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

}  // namespace qasim::hw
