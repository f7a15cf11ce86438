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
    m_burst_shift = static_cast<uint32_t>(__builtin_ctzll(m_burst_bytes));
    m_capacity = capacity_bytes(m_cfg.spec, m_cfg.stacks);
    const uint64_t n = o.channels * m_cfg.stacks;
    // Channels are constructed alike: with fast_stream they start sharing one state object.
    for (uint64_t c = 0; c < n; ++c)
        m_channels.push_back(
            m_cfg.fast_stream && c > 0
                ? m_channels.front()
                : std::make_shared<Channel>(m_cfg.spec, m_cfg.ctrl, &m_counters, &m_done));
    m_bins.resize(n);
    // Decode table of the low bits of a burst index (fast_stream).
    const uint32_t burst_index_bits = m_map.mapped_bits() - static_cast<uint32_t>(
                                                               __builtin_ctzll(m_burst_bytes));
    m_low_bits = std::min<uint32_t>(10, burst_index_bits);
    m_low.resize(size_t(1) << m_low_bits);
    m_low_mask = m_low.size() - 1;
    for (uint64_t k = 0; k < m_low.size(); ++k) {
        const Location l = m_map.decode(k * m_burst_bytes);
        m_low[k].channel = l.channel;
        m_low[k].key = static_cast<uint64_t>(bank_index(l)) << 32 | l.row;
    }
    // Low index bits that go to the column (decode of 2^i without channel, bank and row: every
    // address bit goes to exactly one field).
    while (m_column_low_bits < m_low_bits) {
        const LowDecode& d = m_low[size_t(1) << m_column_low_bits];
        if (d.channel != 0 || d.key != 0) break;
        ++m_column_low_bits;
    }
    // Decode tables of the high bits (hi_part), chunk by chunk: value v of chunk c is burst
    // index v << (m_low_bits + c · kHiChunkBits). Chunk bits above the mapped ones decode to
    // nothing (decode ignores them; a shift past bit 63 drops only such bits).
    const uint32_t hi_bits = burst_index_bits - m_low_bits;
    m_hi_chunks = std::max<uint32_t>(2, (hi_bits + kHiChunkBits - 1) / kHiChunkBits);
    m_hi_tab.resize(size_t(m_hi_chunks) << kHiChunkBits);
    for (uint32_t c = 0; c < m_hi_chunks; ++c) {
        const uint32_t shift = m_low_bits + c * kHiChunkBits + m_burst_shift;
        for (uint64_t v = 0; v <= kHiChunkMask; ++v) {
            const Location l = shift < 64 ? m_map.decode(v << shift) : Location{};
            m_hi_tab[(size_t(c) << kHiChunkBits) | v] = {
                l.channel, static_cast<uint64_t>(bank_index(l)) << 32 | l.row};
        }
    }
    for (size_t k = m_low.size(); k-- > 0;) {
        const bool same = k + 1 < m_low.size() && m_low[k + 1].channel == m_low[k].channel &&
                          m_low[k + 1].key == m_low[k].key;
        m_low[k].run = same ? m_low[k + 1].run + 1 : 1;
    }
    // Shared bins (bin_bursts): the channel bits among the low ones (the decode of 2^i alone has
    // the field bit of address bit i), and channel 0's runs of low values.
    uint64_t channel_values = 1;
    uint32_t top = 0;  // highest channel bit + 1
    for (uint32_t i = 0; i < m_low_bits; ++i) {
        if (m_low[size_t(1) << i].channel == m_low[0].channel) continue;
        channel_values *= 2;
        top = i + 1;
    }
    m_rep.resize(n);
    for (uint32_t c = 0; c < n; ++c) m_rep[c] = c;
    if (channel_values == n) {
        m_head.resize(n);
        m_tail.resize(n);
        m_period = uint64_t(1) << top;
        m_run0_at.resize(m_low.size());
        m_below0.resize(m_low.size() + 1);
        m_below0[0] = 0;
        for (uint32_t k = 0; k < m_low.size(); ++k) {
            const bool zero = m_low[k].channel == 0;
            m_below0[k + 1] = m_below0[k] + (zero ? 1 : 0);
            if (!zero) continue;
            if (!m_runs0.empty() && m_runs0.back().key == m_low[k].key)
                m_runs0.back().last = k;
            else
                m_runs0.push_back({k, k, m_low[k].key});
        }
        for (size_t k = m_low.size(), r = m_runs0.size(); k-- > 0;) {
            while (r > 0 && m_runs0[r - 1].last >= k) --r;
            m_run0_at[k] = static_cast<uint32_t>(r);
        }
    }
}

void DramSystem::set_record(bool r) {
    m_record = r;
    for (auto& c : m_channels) c->set_record(r);
}


Channel& DramSystem::channel(uint32_t c) {
    // The caller may change this channel alone: give it its own state.
    if (m_channels[c].use_count() > 1) m_channels[c] = std::make_shared<Channel>(*m_channels[c]);
    return *m_channels[c];
}

void DramSystem::group_channels(bool with_bins) {
    // Leaders: the first channel of each (state, input) pair. A channel whose state it shares
    // with an earlier leader but whose input differs gets a copy of the state (before anything
    // runs in this pass, so the copy is of the state at the start of the pass).
    const uint32_t nch = channel_count();
    m_before.resize(nch);
    for (uint32_t c = 0; c < nch; ++c) m_before[c] = m_channels[c].get();
    m_leader.assign(nch, -1);
    m_followers.assign(nch, 0);
    m_leaders.clear();
    for (uint32_t c = 0; c < nch; ++c) {
        bool shared = false;
        // A state object of its own is shared with no earlier leader.
        const bool alone = m_channels[c].use_count() == 1;
        for (size_t i = 0; !alone && i < m_leaders.size() && m_leader[c] < 0; ++i) {
            const uint32_t p = m_leaders[i];
            if (m_before[p] != m_before[c]) continue;
            shared = true;
            if (m_arrive[p] == m_arrive[c] &&
                (!with_bins || m_rep[p] == m_rep[c] || bin_of(p) == bin_of(c)))
                m_leader[c] = static_cast<int32_t>(p);
        }
        if (m_leader[c] >= 0) {
            ++m_followers[static_cast<uint32_t>(m_leader[c])];
            continue;
        }
        m_leader[c] = static_cast<int32_t>(c);
        m_leaders.push_back(c);
        if (shared) m_channels[c] = std::make_shared<Channel>(*m_channels[c]);
    }
    for (uint32_t c = 0; c < nch; ++c) {
        const uint32_t p = static_cast<uint32_t>(m_leader[c]);
        if (p != c && m_channels[c] != m_channels[p]) m_channels[c] = m_channels[p];
    }
}

namespace {

void append(std::vector<BinRun>& bin, uint64_t key, uint64_t count) {
    if (!bin.empty() && bin.back().key == key)
        bin.back().count += count;
    else
        bin.push_back({key, count});
}

}  // namespace

const DramSystem::BinTemplate& DramSystem::bin_template(uint32_t lo_begin, uint32_t lo_end) {
    if (m_templates.empty()) {
        m_templates.resize(m_low.size() * kTemplateWays);
        m_template_next.assign(m_low.size(), 0);
        m_tmpl_last.assign(m_channels.size(), -1);
    }
    BinTemplate* ways = &m_templates[size_t(lo_begin) * kTemplateWays];
    for (uint32_t w = 0; w < kTemplateWays; ++w)
        if (ways[w].lo_end == lo_end) return ways[w];
    uint8_t& next = m_template_next[lo_begin];
    BinTemplate& t = ways[next];
    next = static_cast<uint8_t>((next + 1) % kTemplateWays);
    t.lo_end = lo_end;
    t.runs.clear();
    for (uint32_t k = lo_begin; k <= lo_end;) {
        const LowDecode& lo = m_low[k];
        const uint32_t r = std::min(lo.run, lo_end - k + 1);
        int32_t& last = m_tmpl_last[lo.channel];
        if (last >= 0 && t.runs[static_cast<size_t>(last)].second.key == lo.key) {
            t.runs[static_cast<size_t>(last)].second.count += r;
        } else {
            last = static_cast<int32_t>(t.runs.size());
            t.runs.push_back({lo.channel, BinRun{lo.key, r}});
        }
        k += r;
    }
    for (const auto& e : t.runs) m_tmpl_last[e.first] = -1;
    return t;
}

void DramSystem::bin_part(uint64_t k0, uint64_t k1, std::vector<std::vector<BinRun>>& out) {
    const uint64_t mask = (uint64_t(1) << m_low_bits) - 1;
    uint64_t hi = UINT64_MAX, hi_key = 0;
    for (uint64_t k = k0; k < k1; ++k) {
        if (k >> m_low_bits != hi) {
            hi = k >> m_low_bits;
            hi_key = hi_part(hi).key;  // no channel bit (m_period != 0)
        }
        const LowDecode& lo = m_low[k & mask];
        append(out[lo.channel], hi_key | lo.key, 1);
    }
}

void DramSystem::bin_bursts(uint64_t k0, uint64_t k1) {
    if (m_cfg.fast_stream) {
        // Every address bit goes to one bit of one field, and the flat bank index is a
        // concatenation of power-of-two fields, so the decode of a burst index is the OR of the
        // decodes of its low bits (a table) and of its high bits (once per 2^L bursts); the
        // bins of a range of low values are cached (bin_template) when the high bits address
        // channels too; otherwise (m_period != 0) the channels share the bins of whole periods.
        const uint64_t mask = (uint64_t(1) << m_low_bits) - 1;
        // Whole channel-interleave periods (m_period divides 2^L): every channel's burst indices
        // in such a block, in order, differ only in the channel bits, so all channels get the
        // same (bank, row) sequence, channel 0's. Only the partial blocks at the ends (head,
        // tail) differ between channels; channels whose head and tail are equal get equal bins,
        // and only one of them is built (LLaMA-2-70B prefill: bin building 15 % → 5 % of the
        // run, and no comparison of equal bins in group_channels). A chunk of fewer than 2^L
        // bursts takes the templates below, which are cheaper there (bench_hbm AccessRandom
        // 182 → 145 ns per 64 B transaction, AccessStream of 4 KiB 203 → 190 ns).
        const uint64_t a1 = m_period ? (k0 + m_period - 1) / m_period * m_period : 0;
        const uint64_t e1 = m_period ? (k1 + 1) / m_period * m_period : 0;
        if (m_period != 0 && e1 > a1 && k1 - k0 >= mask) {
            m_mid.clear();
            bin_part(k0, a1, m_head);
            bin_part(e1, k1 + 1, m_tail);
            for (uint64_t k = a1; k < e1;) {
                const uint64_t hi = k >> m_low_bits;
                const uint64_t end = std::min(e1 - 1, (hi << m_low_bits) | mask);
                const uint64_t hi_key = hi_part(hi).key;  // no channel bit: channel 0
                const uint32_t a = static_cast<uint32_t>(k & mask);
                const uint32_t b = static_cast<uint32_t>(end & mask);
                for (size_t r = m_run0_at[a]; r < m_runs0.size() && m_runs0[r].first <= b; ++r) {
                    const LowRun& run = m_runs0[r];
                    const uint32_t lo = std::max(a, run.first), up = std::min(b, run.last);
                    append(m_mid, hi_key | run.key, m_below0[up + 1] - m_below0[lo]);
                }
                k = end + 1;
            }
            m_reps.clear();
            for (uint32_t c = 0; c < m_bins.size(); ++c) {
                m_rep[c] = c;
                for (const uint32_t r : m_reps) {
                    if (m_head[r] == m_head[c] && m_tail[r] == m_tail[c]) {
                        m_rep[c] = r;
                        break;
                    }
                }
                if (m_rep[c] != c) continue;
                m_reps.push_back(c);
                std::vector<BinRun>& bin = m_bins[c];
                bin = m_head[c];
                for (const BinRun& r : m_mid) append(bin, r.key, r.count);
                for (const BinRun& r : m_tail[c]) append(bin, r.key, r.count);
            }
            for (uint32_t c = 0; c < m_bins.size(); ++c) {
                m_head[c].clear();
                m_tail[c].clear();
            }
            return;
        }
        for (uint64_t k = k0; k <= k1;) {
            const uint64_t hi = k >> m_low_bits;
            const uint64_t end = std::min(k1, (hi << m_low_bits) | mask);
            const HiPart hp = hi_part(hi);
            const uint32_t hi_ch = hp.channel;
            const uint64_t hi_key = hp.key;
            const BinTemplate& t =
                bin_template(static_cast<uint32_t>(k & mask), static_cast<uint32_t>(end & mask));
            for (const auto& e : t.runs)
                append(m_bins[hi_ch | e.first], hi_key | e.second.key, e.second.count);
            k = end + 1;
        }
    } else {
        for (uint64_t k = k0; k <= k1; ++k) {
            const Location l = m_map.decode(k * m_burst_bytes);
            append(m_bins[l.channel], static_cast<uint64_t>(bank_index(l)) << 32 | l.row, 1);
        }
    }
}

void DramSystem::count_channels_apart(bool on) {
    const uint32_t nch = channel_count();
    if (on && !m_apart) {
        m_channel_counters.assign(nch, Counters());
        for (uint32_t c = 0; c < nch; ++c) channel(c).set_counters(&m_channel_counters[c]);
    } else if (!on && m_apart) {
        for (uint32_t c = 0; c < nch; ++c) {
            add_to(m_counters, m_channel_counters[c]);
            m_channels[c]->set_counters(&m_counters);
        }
    }
    m_apart = on;
}

uint64_t DramSystem::access(uint64_t addr, uint64_t bytes, bool is_write, uint64_t start_ps) {
    if (m_apart)
        throw std::logic_error(
            "DramSystem::access while the channels count apart (count_channels_apart)");
    if (bytes == 0) return start_ps;
    const int64_t t0 = static_cast<int64_t>((start_ps + m_tck_ps - 1) / m_tck_ps);
    const uint64_t first = addr / m_burst_bytes;
    const uint64_t last = (addr + bytes - 1) / m_burst_bytes;
    // Bursts go to their channel in address order; each channel takes them as fast as its queue
    // accepts them (channels are independent, so they are run one after the other). Large blocks
    // are split into chunks so that memory stays bounded; the result does not depend on it.
    // Channels sharing a state object (fast_stream) with the same input run once; the counters
    // get the increments of that run once per channel.
    constexpr uint64_t kChunk = 1 << 16;
    const uint32_t nch = channel_count();
    m_arrive.assign(nch, -1);
    if (last - first < kChunk) {
        // One chunk: each channel's whole run (advance, queue, drain) at once, memoized.
        bin_bursts(first, last);
        group_channels(true);
        RunMemo* memo = m_cfg.memo ? &m_memo : nullptr;
        int64_t done = t0;
        for (uint32_t c = 0; c < nch; ++c) {
            const auto& bin = bin_of(c);
            if (bin.empty() || m_leader[c] != static_cast<int32_t>(c)) continue;
            Channel& ch = *m_channels[c];
            const Counters before = m_counters;
            ch.set_record(false);
            done = std::max(done, ch.run_bin(bin.data(), bin.size(), is_write, t0, memo));
            ch.set_record(m_record);
            if (m_followers[c] > 0) add_to(m_counters, m_counters - before, m_followers[c]);
        }
        clear_bins();
        return std::max(start_ps, static_cast<uint64_t>(done) * m_tck_ps);
    }
    for (uint64_t k0 = first; k0 <= last; k0 += kChunk) {
        const uint64_t k1 = std::min(last, k0 + kChunk - 1);
        bin_bursts(k0, k1);
        group_channels(true);
        for (uint32_t c = 0; c < nch; ++c) {
            const auto& bin = bin_of(c);
            if (m_leader[c] != static_cast<int32_t>(c)) {
                m_arrive[c] = m_arrive[static_cast<uint32_t>(m_leader[c])];
                continue;
            }
            if (bin.empty()) continue;
            Channel& ch = *m_channels[c];
            const Counters before = m_counters;
            int64_t& arrive = m_arrive[c];
            if (arrive < 0) {
                ch.set_record(false);
                ch.advance_through(t0);
                ch.reset_max_completion();
                arrive = t0;
            }
            ch.feed(bin.data(), bin.size(), is_write, arrive, m_cfg.memo ? &m_memo : nullptr);
            if (m_followers[c] > 0) add_to(m_counters, m_counters - before, m_followers[c]);
        }
        clear_bins();
    }
    int64_t done = t0;
    group_channels(false);
    for (uint32_t c = 0; c < nch; ++c) {
        if (m_arrive[c] < 0 || m_leader[c] != static_cast<int32_t>(c)) continue;
        Channel& ch = *m_channels[c];
        const Counters before = m_counters;
        ch.drain();
        if (m_followers[c] > 0) add_to(m_counters, m_counters - before, m_followers[c]);
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
