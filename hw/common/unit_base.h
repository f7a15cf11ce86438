#pragma once
// Shared shell of the compute units: the command socket, the LT b_transport that adds a tile's
// compute time to `delay` (targets never wait), action counting and busy-cycle statistics.
// A unit derives from it and provides check(), plan() and cost_table().
#include <string>

#include <tlm_utils/simple_target_socket.h>

#include "hw/common/interfaces.h"
#include "hw/common/tile_counters.h"
#include "sim/registry.h"

namespace qasim::hw {

class UnitBase : public sc_core::sc_module, public ComputeUnit {
public:
    tlm_utils::simple_target_socket<UnitBase> cmd_in{"cmd_in"};

    UnitBase(sc_core::sc_module_name name, const sim::BuildContext& ctx)
        : sc_core::sc_module(name), m_stats(this->name()), m_clock_mhz(ctx.clock_mhz) {
        cmd_in.register_b_transport(this, &UnitBase::b_transport);
        m_stats.add("busy_cycles", &m_counters.busy_cycles, "cycles",
                    "cycles spent computing tiles");
        m_stats.add("tiles", &m_counters.tiles, "tiles", "tiles executed");
        m_stats.add("macs", &m_counters.macs, "MAC",
                    "useful MACs (or element ops for vector units)");
        m_stats.add("sram_read_bytes", &m_counters.sram_read_bytes, "B", "operand buffer reads");
        m_stats.add("sram_write_bytes", &m_counters.sram_write_bytes, "B", "operand buffer writes");
    }

    tlm::tlm_target_socket<>& cmd_socket() override { return cmd_in; }
    uint64_t busy_cycles() const override { return m_counters.busy_cycles; }
    std::string unit_name() const override { return name(); }
    const sim::StatsGroup& stats() const override { return m_stats; }
    const models::ActionCounts& action_counts() const override { return m_actions; }

protected:
    sim::StatsGroup m_stats;
    models::ActionCounts m_actions;
    const double m_clock_mhz;

private:
    void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
        execute_tile_command(gp, delay, m_clock_mhz, m_counters, m_actions);
    }

    TileCounters m_counters;
};

}  // namespace qasim::hw
