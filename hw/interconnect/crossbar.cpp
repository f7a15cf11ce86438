#include "hw/interconnect/crossbar.h"

#include <algorithm>

#include "hw/common/time.h"
#include "models/energy/tech.h"

namespace qasim::hw {

const sim::FieldTable<CrossbarConfig>& CrossbarConfig::fields() {
    static const auto t = sim::FieldTable<CrossbarConfig>()
                              .u64("bytes_per_cycle", &CrossbarConfig::bytes_per_cycle, "B/cycle",
                                   "link bandwidth per memory port", 1, 1ull << 20)
                              .u64("latency_cycles", &CrossbarConfig::latency_cycles, "cycles",
                                   "one-way latency of a crossing", 0, 1ull << 20)
                              .u64("hops", &CrossbarConfig::hops, "hops", "router hops per byte (NoC energy)", 1, 64);
    return t;
}

Crossbar::Crossbar(sc_core::sc_module_name name, const CrossbarConfig& cfg, const sim::BuildContext& ctx)
    : sc_core::sc_module(name), m_cfg(cfg), m_clock_mhz(ctx.clock_mhz), m_stats(this->name()) {
    in.register_b_transport(this, &Crossbar::b_transport);
    m_stats.add("bytes", &m_bytes, "B", "bytes carried");
    m_stats.add("transactions", &m_transactions, "transactions", "transactions routed");
    m_stats.add("wait_ps", &m_wait_ps, "ps", "time transactions waited for a busy port");
}

void Crossbar::bind_target(MemoryTarget& m, uint64_t base, uint64_t size) {
    out.bind(m.mem_socket());
    m_routes.push_back({base, size, &m, 0});
}

void Crossbar::b_transport(int, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
    const uint64_t addr = gp.get_address();
    for (size_t port = 0; port < m_routes.size(); ++port) {
        Route& r = m_routes[port];
        if (addr < r.base || addr >= r.base + r.size) continue;
        gp.set_address(addr - r.base);
        const uint64_t bytes = gp.get_data_length();
        ++m_transactions;
        m_bytes += bytes;
        static const std::string kNocBytes = "noc_bytes";
        m_actions.add(kNocBytes, bytes * m_cfg.hops);
        if (r.mem->is_ideal()) {
            out[static_cast<int>(port)]->b_transport(gp, delay);
        } else {
            // The port carries one transfer at a time: request crosses (latency), the memory serves,
            // data streams back at bytes_per_cycle and crosses again (latency).
            const uint64_t now = to_ps(sc_core::sc_time_stamp());
            const uint64_t t = now + to_ps(delay);
            const uint64_t begin = std::max(t, r.free_ps);
            m_wait_ps += begin - t;
            const uint64_t lat = cycles_to_ps(m_cfg.latency_cycles, m_clock_mhz);
            const uint64_t xfer = cycles_to_ps((bytes + m_cfg.bytes_per_cycle - 1) / m_cfg.bytes_per_cycle, m_clock_mhz);
            r.free_ps = begin + xfer;
            sc_core::sc_time d = from_ps(begin + lat - now);
            out[static_cast<int>(port)]->b_transport(gp, d);
            const uint64_t mem_done = now + to_ps(d);
            const uint64_t done = std::max(mem_done, begin + lat + xfer) + lat;
            delay = from_ps(done - now);
        }
        gp.set_address(addr);
        return;
    }
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
}

void Crossbar::cost_table(const models::Tech& tech, models::CostTable& out) const {
    out.pj_per_action["noc_bytes"] = models::energy::noc_pj_per_byte_hop(tech);
}

static const bool kReg = sim::Registry::add<Crossbar, CrossbarConfig>(
    sim::Role::interconnect, "crossbar", "Address-routed crossbar: per-port bandwidth, latency, FCFS arbitration");

}  // namespace qasim::hw
