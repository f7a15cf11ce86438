#pragma once
// `type: crossbar`: routes by address map to the memories; every target port is a link with a
// bandwidth (bytes per cycle) and a one-way latency, shared by all initiators (busy-until per port
// arbitrates first come, first served in simulated time).
#include <vector>

#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/multi_passthrough_target_socket.h>

#include "hw/common/interfaces.h"
#include "sim/fields.h"
#include "sim/registry.h"

namespace qasim::hw {

struct CrossbarConfig {
    uint64_t bytes_per_cycle = 512;  ///< link width per target port (B/cycle of the system clock)
    uint64_t latency_cycles = 4;     ///< one-way latency of a crossing
    uint64_t hops = 1;               ///< router hops a byte travels (for NoC energy)
    static const sim::FieldTable<CrossbarConfig>& fields();
    void validate(const std::string&, sim::Errors&) const {}
};

class Crossbar : public sc_core::sc_module, public Interconnect {
public:
    tlm_utils::multi_passthrough_target_socket<Crossbar> in{"in"};
    tlm_utils::multi_passthrough_initiator_socket<Crossbar> out{"out"};

    Crossbar(sc_core::sc_module_name name, const CrossbarConfig& cfg, const sim::BuildContext& ctx);
    void bind_initiator(tlm::tlm_initiator_socket<>& s) override { s.bind(in); }
    void bind_target(MemoryTarget& m, uint64_t base, uint64_t size) override;
    void cost_table(const models::Tech& tech, models::CostTable& out) const override;
    const models::ActionCounts& action_counts() const override { return m_actions; }
    const sim::StatsGroup& stats() const override { return m_stats; }

private:
    struct Route {
        uint64_t base, size;
        MemoryTarget* mem;
        uint64_t free_ps = 0;
    };
    void b_transport(int id, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);

    const CrossbarConfig m_cfg;
    const double m_clock_mhz;
    std::vector<Route> m_routes;
    sim::StatsGroup m_stats;
    models::ActionCounts m_actions;
    uint64_t m_bytes = 0, m_transactions = 0, m_wait_ps = 0;
};

}  // namespace qasim::hw
