#include "models/dram/dram_system.h"

#include <algorithm>
#include <stdexcept>

namespace qasim::models::dram {

std::vector<Problem> check_config(const SystemConfig& c) {
    std::vector<Problem> p = check_spec(c.spec);
    if (c.stacks == 0) p.push_back({"stacks", "must be >= 1, got 0"});
    const ControllerConfig& k = c.ctrl;
    if (k.read_queue_depth == 0) p.push_back({"read_queue_depth", "must be >= 1 burst, got 0"});
    if (k.write_queue_depth == 0) p.push_back({"write_queue_depth", "must be >= 1 burst, got 0"});
    if (!(k.write_high_watermark > 0 && k.write_high_watermark <= 1))
        p.push_back({"write_high_watermark", "must be in (0, 1]"});
    if (!(k.write_low_watermark > 0 && k.write_low_watermark < k.write_high_watermark))
        p.push_back({"write_low_watermark", "must be > 0 and < write_high_watermark (" +
                                                std::to_string(k.write_high_watermark) + ")"});
    if (p.empty()) {
        AddressMap m;
        std::string err;
        const std::string text = c.address_map.empty() ? c.spec.default_map : c.address_map;
        if (!m.parse(text, c.spec.org, c.stacks, &err)) p.push_back({"address_map", err});
    }
    return p;
}

DramSystem::DramSystem(const SystemConfig& cfg) : m_cfg(cfg) {
    const auto problems = check_config(cfg);
    if (!problems.empty())
        throw std::invalid_argument(problems.front().key + ": " + problems.front().message);
    if (m_cfg.address_map.empty()) m_cfg.address_map = m_cfg.spec.default_map;
    std::string err;
    m_map.parse(m_cfg.address_map, m_cfg.spec.org, m_cfg.stacks, &err);
    const Organization& o = m_cfg.spec.org;
    m_sids = static_cast<uint32_t>(o.sids);
    m_groups = static_cast<uint32_t>(o.bank_groups);
    m_banks = static_cast<uint32_t>(o.banks_per_group);
    m_tck_ps = m_cfg.spec.timing.tck_ps;
    m_burst_bytes = o.burst_bytes();
    m_capacity = capacity_bytes(m_cfg.spec, m_cfg.stacks);
    const uint64_t n = o.channels * m_cfg.stacks;
    for (uint64_t c = 0; c < n; ++c)
        m_channels.push_back(
            std::make_unique<Channel>(m_cfg.spec, m_cfg.ctrl, &m_counters, &m_done));
    m_bins.resize(n);
}

void DramSystem::set_record(bool r) {
    m_record = r;
    for (auto& c : m_channels) c->set_record(r);
}

uint64_t DramSystem::access(uint64_t addr, uint64_t bytes, bool is_write, uint64_t start_ps) {
    if (bytes == 0) return start_ps;
    const int64_t t0 = static_cast<int64_t>((start_ps + m_tck_ps - 1) / m_tck_ps);
    const uint64_t first = addr / m_burst_bytes;
    const uint64_t last = (addr + bytes - 1) / m_burst_bytes;
    // Bursts go to their channel in address order; each channel takes them as fast as its queue
    // accepts them (channels are independent, so they are run one after the other). Large blocks
    // are split into chunks so that memory stays bounded; the result does not depend on it.
    constexpr uint64_t kChunk = 1 << 16;
    const uint32_t nch = channel_count();
    m_arrive.assign(nch, -1);
    for (uint64_t k0 = first; k0 <= last; k0 += kChunk) {
        const uint64_t k1 = std::min(last, k0 + kChunk - 1);
        for (uint64_t k = k0; k <= k1; ++k) {
            const Location l = m_map.decode(k * m_burst_bytes);
            m_bins[l.channel].push_back(static_cast<uint64_t>(bank_index(l)) << 32 | l.row);
        }
        for (uint32_t c = 0; c < nch; ++c) {
            auto& bin = m_bins[c];
            if (bin.empty()) continue;
            Channel& ch = *m_channels[c];
            int64_t& arrive = m_arrive[c];
            if (arrive < 0) {
                ch.set_record(false);
                ch.advance_through(t0);
                ch.reset_max_completion();
                arrive = t0;
            }
            for (const uint64_t b : bin) {
                if (!ch.has_room(is_write)) {
                    while (!ch.has_room(is_write)) arrive = std::max(arrive, ch.step());
                    ch.advance_through(arrive);
                }
                ch.enqueue(static_cast<uint32_t>(b >> 32), static_cast<uint32_t>(b), is_write,
                           arrive, 0);
            }
            bin.clear();
        }
    }
    int64_t done = t0;
    for (uint32_t c = 0; c < nch; ++c) {
        if (m_arrive[c] < 0) continue;
        Channel& ch = *m_channels[c];
        ch.drain();
        done = std::max(done, ch.max_completion());
        ch.set_record(m_record);
    }
    return std::max(start_ps, static_cast<uint64_t>(done) * m_tck_ps);
}

double DramSystem::dynamic_energy_pj() const {
    const Energy& e = m_cfg.spec.energy;
    const double bits = static_cast<double>(m_burst_bytes * 8);
    const Counters& c = m_counters;
    return static_cast<double>(c.acts) * e.act_pj +
           static_cast<double>(c.read_bursts) * bits * (e.read_pj_per_bit + e.io_pj_per_bit) +
           static_cast<double>(c.write_bursts) * bits * (e.write_pj_per_bit + e.io_pj_per_bit) +
           static_cast<double>(c.refreshes) * e.refresh_pj;
}

}  // namespace qasim::models::dram
