#include "hw/hbm/hbm.h"

#include <algorithm>

#include "models/energy/tech.h"

namespace qasim::hw {

Hbm::Hbm(sc_core::sc_module_name name, const HbmConfig& cfg, const sim::BuildContext&)
    : MemoryBase(name, models::dram::capacity_bytes(cfg.resolve().spec, cfg.stacks), true),
      m_cfg(cfg), m_dram(cfg.resolve()) {
    m_dram.set_record(false);
    const models::dram::Counters& c = m_dram.counters();
    m_stats.add("acts", &c.acts, "commands", "row activations (ACT)");
    m_stats.add("precharges", &c.precharges, "commands", "precharges (PRE, PREab, auto-precharge)");
    m_stats.add("refreshes", &c.refreshes, "commands",
                "all-bank refreshes, one per pseudo-channel per tREFI");
    m_stats.add("read_bursts", &c.read_bursts, "bursts", "column reads (RD)");
    m_stats.add("write_bursts", &c.write_bursts, "bursts", "column writes (WR)");
    m_stats.add("row_hits", &c.row_hits, "bursts", "bursts that found their row open");
    m_stats.add("row_misses", &c.row_misses, "bursts", "bursts that found their bank closed");
    m_stats.add("row_conflicts", &c.row_conflicts, "bursts", "bursts that found another row open");
    m_stats.add_formula(
        "row_hit_rate", [this] { return row_hit_rate(); }, "ratio", "row hits / bursts");
    m_stats.add_formula(
        "dynamic_energy_pj", [this] { return m_dram.dynamic_energy_pj(); }, "pJ",
        "ACT + read/write + I/O + refresh energy of the DRAM");
    m_stats.add_formula(
        "busy_until_ns", [this] { return static_cast<double>(m_busy_until_ps) / 1e3; }, "ns",
        "completion of the latest transaction");
    if ((m_tr = sim::TraceManager::active())) {
        // Per channel: bytes moved (counter, at each transaction's completion) and banks with an
        // open row (sampled after each transaction); device-wide: refreshes, ACTs and row hits.
        const std::string n = this->name();
        for (uint32_t c = 0; c < m_dram.channel_count(); ++c) {
            const std::string ch = n + ".ch" + std::to_string(c);
            m_tr_ch_bytes.push_back(m_tr->add_signal(ch + ".bytes", sim::TraceKind::integer, 64,
                                                     sim::TraceFormat::analog));
            m_tr_ch_open.push_back(m_tr->add_signal(ch + ".open_rows", sim::TraceKind::integer, 16,
                                                    sim::TraceFormat::analog));
        }
        m_tr_open_last.assign(m_dram.channel_count(), 0);
        m_tr_refresh = m_tr->add_signal(n + ".refreshes", sim::TraceKind::integer, 64, sim::TraceFormat::analog);
        m_tr_acts = m_tr->add_signal(n + ".activations", sim::TraceKind::integer, 64, sim::TraceFormat::analog);
        m_tr_hits = m_tr->add_signal(n + ".row_hits", sim::TraceKind::integer, 64, sim::TraceFormat::analog);
    }
    const auto& sc = m_dram.config();
    SC_REPORT_INFO(
        this->name(),
        ("HBM " + m_cfg.preset + ", " + std::to_string(m_dram.channel_count()) + " channels, map " +
         sc.address_map + " (" + m_dram.address_map().describe() +
         "). Loosely-timed: each transaction is timed burst by burst with bank, row and bus state, "
         "but transactions are served in call order, so contention between initiators is "
         "approximate.")
            .c_str());
}

uint64_t Hbm::access(uint64_t addr, uint64_t bytes, bool write, uint64_t start_ps) {
    const models::dram::Counters before = m_tr ? m_dram.counters() : models::dram::Counters{};
    const uint64_t done = m_dram.access(addr, bytes, write, start_ps);
    m_busy_until_ps = std::max(m_busy_until_ps, done);
    if (m_tr) {
        // Tracing only: split the transaction by channel with the address map, burst by burst.
        const uint64_t bb = m_dram.burst_bytes();
        std::vector<uint64_t> per_ch(m_tr_ch_bytes.size(), 0);
        for (uint64_t off = 0; off < bytes; off += bb)
            per_ch[m_dram.decode((addr + off) % m_dram.capacity()).channel % per_ch.size()] += std::min(bb, bytes - off);
        for (size_t c = 0; c < per_ch.size(); ++c)
            if (per_ch[c]) m_tr->add(m_tr_ch_bytes[c], done, static_cast<double>(per_ch[c]));
        const auto& now = m_dram.counters();
        if (now.refreshes != before.refreshes) m_tr->add(m_tr_refresh, done, static_cast<double>(now.refreshes - before.refreshes));
        if (now.acts != before.acts) m_tr->add(m_tr_acts, done, static_cast<double>(now.acts - before.acts));
        if (now.row_hits != before.row_hits) m_tr->add(m_tr_hits, done, static_cast<double>(now.row_hits - before.row_hits));
        // Open rows per channel once the transaction is served (the controller has issued its
        // commands; with fast_stream, channels that share a state show the same count). A sample
        // equal to the previous one is skipped unless completions went back in time.
        for (uint32_t c = 0; c < m_tr_ch_open.size(); ++c) {
            const uint32_t open = m_dram.open_rows(c);
            if (open == m_tr_open_last[c] && done >= m_tr_open_t) continue;
            m_tr_open_last[c] = open;
            m_tr->set(m_tr_ch_open[c], done, static_cast<double>(open));
        }
        m_tr_open_t = std::max(m_tr_open_t, done);
    }
    return done;
}

uint64_t Hbm::request_queue_bytes() const {
    // Every channel queues up to read/write_queue_depth bursts (models/dram/channel.h).
    const auto& k = m_dram.config().ctrl;
    return static_cast<uint64_t>(m_dram.channel_count()) *
           std::max(k.read_queue_depth, k.write_queue_depth) * m_dram.burst_bytes();
}

uint64_t Hbm::row_accesses() const {
    const auto& c = m_dram.counters();
    return c.row_hits + c.row_misses + c.row_conflicts;
}

double Hbm::row_hit_rate() const {
    const uint64_t a = row_accesses();
    return a ? static_cast<double>(row_hits()) / static_cast<double>(a) : 0.0;
}

const models::ActionCounts& Hbm::action_counts() const {
    const auto& c = m_dram.counters();
    const uint64_t bits = m_dram.burst_bytes() * 8;
    m_counted = models::ActionCounts();
    m_counted.add("act", c.acts);
    m_counted.add("read_bits", c.read_bursts * bits);
    m_counted.add("write_bits", c.write_bursts * bits);
    m_counted.add("io_bits", (c.read_bursts + c.write_bursts) * bits);
    m_counted.add("refresh", c.refreshes);
    return m_counted;
}

void Hbm::cost_table(const models::Tech& tech, models::CostTable& out) const {
    // Device energy belongs to the DRAM, not to the logic node (models/dram/dram_spec.cpp has the
    // sources); only the controller's area scales with the logic node.
    const auto& s = m_dram.config().spec;
    out.pj_per_action["act"] = s.energy.act_pj;
    out.pj_per_action["read_bits"] = s.energy.read_pj_per_bit;
    out.pj_per_action["write_bits"] = s.energy.write_pj_per_bit;
    out.pj_per_action["io_bits"] = s.energy.io_pj_per_bit;
    out.pj_per_action["refresh"] = s.energy.refresh_pj;
    // Per-stack figures × stacks × the fraction of a stack's interface that is modelled (1 for
    // the presets; `channels: 1` of HBM2 is 1/8 of a stack: models/dram/dram_spec.h).
    const double stacks =
        static_cast<double>(m_dram.config().stacks) * models::dram::stack_fraction(s);
    out.area_mm2["hbm_phy"] = s.area.phy_mm2 * stacks;
    out.area_mm2["hbm_controller"] =
        models::dram::controller_area_mm2(s.area, tech.node_nm) * stacks;
    // DRAM background (standby) power, charged over the run like leakage.
    out.leakage_mw = m_dram.background_mw();
}

static const bool kReg =
    sim::Registry::add<Hbm, HbmConfig>(sim::Role::memory, "hbm",
                                       "HBM2/HBM2E/HBM3 stacks: JEDEC timings, banks and rows, "
                                       "FR-FCFS controllers, refresh (vs Ramulator 2.1)");

}  // namespace qasim::hw
