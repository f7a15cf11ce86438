#include "models/dram/memtest.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <functional>
#include <queue>
#include <stdexcept>

namespace qasim::models::dram {

PatternSource::PatternSource(const PatternConfig& c) : m_cfg(c), m_rng(c.seed) {
    if (c.request_bytes == 0 || c.span_bytes < c.request_bytes)
        throw std::invalid_argument("pattern: span must hold at least one request");
    m_slots = c.span_bytes / c.request_bytes;
    // Masks for powers of two (0 otherwise; also for 1, where the division gives 0 as well).
    auto mask_of = [](uint64_t m) { return (m & (m - 1)) == 0 ? m - 1 : 0; };
    m_slot_mask = mask_of(m_slots);
    m_span_mask = mask_of(m_slots * c.request_bytes);  // <= span_bytes: no overflow
    m_req_mask = mask_of(c.request_bytes);
    // A write when u >= read_ratio, u = j · 2^-53 with j = x >> 11 (an integer < 2^53). Scaling
    // by 2^53 is exact, so for 0 < read_ratio < 1 that is j >= read_ratio · 2^53, i.e.
    // j >= ceil(read_ratio · 2^53) (<= 2^53); for read_ratio <= 0 every u qualifies (0). NaN or
    // read_ratio >= 1: no draw, all reads (as `read_ratio < 1.0` is false).
    m_draw_write = c.read_ratio < 1.0;
    if (m_draw_write && c.read_ratio > 0)
        m_write_from = static_cast<uint64_t>(std::ceil(c.read_ratio * 0x1.0p53));
}

size_t PatternSource::next_batch(MemRequest* out, size_t n) {
    n = static_cast<size_t>(std::min<uint64_t>(n, m_cfg.requests - m_i));
    const uint64_t i0 = m_i;
    m_i += n;
    const uint64_t rb = m_cfg.request_bytes;
    // Per request: the address (random: one draw), then the kind (one more draw if
    // read_ratio < 1), in that order, as one request after the other.
    auto kind = [&](MemRequest& r) {
        r.write = m_draw_write && (m_rng() >> 11) >= m_write_from;
        r.cycle = -1;
    };
    switch (m_cfg.pattern) {
    case Pattern::stream:
        for (size_t j = 0; j < n; ++j) {
            out[j].addr = m_pos * rb;
            if (++m_pos == m_slots) m_pos = 0;
            kind(out[j]);
        }
        break;
    case Pattern::random:
    case Pattern::mixed:
        for (size_t j = 0; j < n; ++j) {
            const uint64_t x = m_rng();
            out[j].addr = (m_slot_mask ? x & m_slot_mask : x % m_slots) * rb;
            kind(out[j]);
        }
        break;
    case Pattern::stride: {
        const uint64_t span = m_slots * rb;
        for (size_t j = 0; j < n; ++j) {
            uint64_t a = (i0 + j) * m_cfg.stride_bytes;
            a = m_span_mask ? a & m_span_mask : a % span;
            a -= m_req_mask ? a & m_req_mask : a % rb;
            out[j].addr = a;
            kind(out[j]);
        }
        break;
    }
    }
    return n;
}

int parse_trace_line(const std::string& line, MemRequest* out, std::string* err) {
    std::vector<std::string> tok;
    size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
        if (i >= line.size()) break;
        if (line[i] == '#') break;
        size_t j = i;
        while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) ++j;
        tok.push_back(line.substr(i, j - i));
        i = j;
    }
    if (tok.empty()) return 0;
    if (tok.size() < 2 || tok.size() > 3) {
        *err = "expected '0xADDR READ|WRITE [CYCLE]' or '0xADDR R|W', got " +
               std::to_string(tok.size()) + " field" + (tok.size() == 1 ? "" : "s");
        return -1;
    }
    const std::string& a = tok[0];
    if (a.size() < 3 || a[0] != '0' || (a[1] != 'x' && a[1] != 'X') || a.size() > 18) {
        *err = "address '" + a + "' must be hexadecimal with a 0x prefix (at most 16 digits)";
        return -1;
    }
    uint64_t addr = 0;
    for (size_t k = 2; k < a.size(); ++k) {
        const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(a[k])));
        int v;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else {
            *err = "address '" + a + "' has a non-hexadecimal digit '" + std::string(1, a[k]) + "'";
            return -1;
        }
        addr = addr << 4 | static_cast<uint64_t>(v);
    }
    std::string op = tok[1];
    for (char& c : op) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    bool write;
    if (op == "READ" || op == "R")
        write = false;
    else if (op == "WRITE" || op == "W")
        write = true;
    else {
        *err = "operation '" + tok[1] + "' must be READ, WRITE, R or W";
        return -1;
    }
    int64_t cycle = -1;
    if (tok.size() == 3) {
        const std::string& cs = tok[2];
        if (cs.empty() || cs.size() > 18 ||
            !std::all_of(cs.begin(), cs.end(), [](char c) { return c >= '0' && c <= '9'; })) {
            *err = "cycle '" + cs + "' must be a non-negative decimal integer";
            return -1;
        }
        cycle = std::stoll(cs);
    }
    out->addr = addr;
    out->write = write;
    out->cycle = cycle;
    return 1;
}

namespace {

struct ReqState {
    int64_t arrive = 0;
    int64_t done = 0;
    uint32_t remaining = 0;
    bool write = false;
};

}  // namespace

MemtestResult run_memtest(DramSystem& dram, RequestSource& src, const MemtestOptions& opt) {
    const uint64_t bb = dram.burst_bytes();
    if (opt.request_bytes == 0 || opt.request_bytes % bb != 0)
        throw std::invalid_argument("memtest: request size " + std::to_string(opt.request_bytes) +
                                    " B is not a multiple of the burst size " + std::to_string(bb) +
                                    " B");
    const uint32_t bursts = static_cast<uint32_t>(opt.request_bytes / bb);
    // Burst size: a power of two (check_spec: bus_bits and burst_length are).
    const uint32_t bshift = static_cast<uint32_t>(__builtin_ctzll(bb));
    const uint32_t col_bits = dram.column_low_bits();
    dram.set_record(true);
    auto& done = dram.completions();
    done.clear();
    const uint32_t nch = dram.channel_count();
    const auto& ctrl = dram.config().ctrl;
    const uint64_t slots_per_ch =
        ctrl.read_queue_depth + ctrl.write_queue_depth + dram.config().spec.org.banks_per_channel();
    // Requests in flight by slot, the tag given to the channels: a request takes a free slot
    // (the most recently freed one) and frees it when its last completion is consumed; the table
    // grows when no slot is free. A ring indexed by request number, sized by the channels' slots,
    // was not enough: a read can wait (behind write drains) while more younger requests than the
    // ring holds complete, and its entry was reused: write-heavy runs (hbm2_reference, read
    // ratio 0.2-0.3 or 32 B requests; bitmod mixed) reported read latencies 0.1-3 % too low.
    std::vector<ReqState> table;
    std::vector<uint64_t> free_slots;
    table.reserve(nch * slots_per_ch + opt.outstanding + 4);  // typically enough: no regrowth
    free_slots.reserve(table.capacity());
    // Completions are consumed in batches of at least kLazy when no outstanding limit needs them
    // at once (consume() only accumulates results then; their entries stay taken until then).
    // 32: a few channel commands' worth; the batch's table loads overlap (prefetched).
    constexpr size_t kLazy = 32;
    const size_t lazy = opt.outstanding ? 1 : kLazy;

    // Known completion times of requests whose last burst has issued (for the outstanding limit).
    std::priority_queue<int64_t, std::vector<int64_t>, std::greater<int64_t>> finished;
    uint64_t unknown = 0;  // accepted requests with bursts not yet issued
    // Read latencies (cycles, as uint32_t): a histogram of those below kHistCap (grown on
    // demand) and the list of the others (rare). That is all the mean and the percentiles need:
    // count and sum come from both, and the k-th smallest value is in the histogram if it holds
    // more than k values, else in the list. Cheaper than a list of every latency (fewer
    // instructions per read, 4 B per request less, no pass over the list at the end).
    // 2^20 values: 8 MB at most.
    constexpr uint32_t kHistCap = uint32_t(1) << 20;
    std::vector<uint64_t> hist(1024);  // 1,024: the latencies of the reference runs fit (~100-700)
    std::vector<uint32_t> big_lat;
    auto record_latency = [&](uint32_t v) {
        if (v < hist.size()) {
            ++hist[v];
            return;
        }
        if (v < kHistCap) {
            hist.resize(
                std::min<size_t>(kHistCap, std::max<size_t>(size_t(v) + 1, 2 * hist.size())));
            ++hist[v];
            return;
        }
        big_lat.push_back(v);
    };
    uint64_t writes = 0;
    MemtestResult res;
    int64_t last_read = -1, last_any = -1;

    auto consume = [&]() {
        // The entries first (independent loads, which overlap; they often miss the L1 cache).
        if (done.size() > 1)
            for (const Completion& c : done) __builtin_prefetch(&table[c.tag]);
        for (const Completion& c : done) {
            ReqState& r = table[c.tag];
            r.done = std::max(r.done, c.cycle);
            if (--r.remaining == 0) {
                free_slots.push_back(c.tag);
                --unknown;
                if (opt.outstanding) finished.push(r.done);
                last_any = std::max(last_any, r.done);
                if (!r.write) {
                    last_read = std::max(last_read, r.done);
                    // From acceptance, arrive + 1: the first cycle the controller can act on the
                    // request. Ramulator 2.1, the reference, ticks the front end before the memory
                    // system in one loop iteration (src/main.cpp), stamps an accepted request with
                    // the controller clock of the previous tick (GenericDRAMController::send:
                    // arrive = m_clk; tick() increments m_clk first) and may issue its first
                    // command in that same iteration. Our `arrive` is that stamp (the command
                    // timing is the same: first command at arrive + 1). The reference README
                    // measures "from acceptance", i.e. from that iteration: counting from our
                    // `arrive` gave every latency one cycle more than its figures (96.40, 104.65,
                    // 103.84, 41.13 ns against 95.4, 103.6, 102.8, 40.22 for patterns a, b, d, e;
                    // from arrive + 1 they agree within 0.25 %).
                    record_latency(static_cast<uint32_t>(r.done - (r.arrive + 1)));
                }
            }
        }
        done.clear();
    };

    // The channels, looked up once: DramSystem::channel(c) gives channel c its own state (copy on
    // write) and nothing below shares states again, so the references stay valid and each call
    // after the first would return the same channel.
    std::vector<Channel*> chs(nch);
    for (uint32_t c = 0; c < nch; ++c) chs[c] = &dram.channel(c);
    // quiet[c]: a cycle through which channel c is known to have nothing to issue (its last
    // advance_through reached it, and every burst queued since arrived at or after it), so that
    // advance_through(t <= quiet[c]) would issue nothing and is skipped (the second burst of a
    // request, at the same cycle and in the same channel, is the common case). Why that is exact:
    // advance_through(x) stops when the best command is later than x, and a refresh deadline <= x
    // would have been processed first, so afterwards no command and no deadline is <= x; a burst
    // queued at cycle a raises both command floors to a + 1, so nothing issues at or before a
    // (Channel::enqueue), and quiet drops to min(quiet, a). step() issues: quiet is reset.
    std::vector<int64_t> quiet(nch, -1);
    // Per-channel counts: the channels count apart until the end (DramSystem).
    if (opt.per_channel) dram.count_channels_apart(true);
    auto advance = [&](uint32_t c, int64_t t) {
        if (t <= quiet[c]) return;
        chs[c]->advance_through(t);
        quiet[c] = t;
    };

    int64_t tf = 0;  // cycle at which the front end offers the next request
    // Offer rate N/M (opt.offer_num / offer_den): front-end tick j is at memory cycle
    // floor(j·M/N); the next request goes at tick next_tick or, if it is taken later, at the
    // first tick at or after that cycle, ceil(cycle·N/M). Exact in 128-bit integers.
    const uint64_t rate_n = opt.offer_num, rate_m = opt.offer_den;
    if (rate_n && rate_m == 0) throw std::invalid_argument("memtest: offer rate N/0");
    uint64_t next_tick = 0;
    auto tick_cycle = [&](uint64_t j) {
        return static_cast<int64_t>(static_cast<unsigned __int128>(j) * rate_m / rate_n);
    };
    auto first_tick_at = [&](int64_t c) {
        const unsigned __int128 x = static_cast<unsigned __int128>(c) * rate_n;
        return static_cast<uint64_t>((x + rate_m - 1) / rate_m);
    };
    // The cycle of the first tick at or after cycle t that is not used yet (t without a rate).
    auto to_tick = [&](int64_t t) {
        return rate_n ? tick_cycle(std::max(next_tick, first_tick_at(t))) : t;
    };
    // Requests are pulled in batches (one virtual call per batch); a source does not see the
    // simulation, so pulling ahead changes nothing. 64 requests: 1.5 KB.
    constexpr size_t kBatch = 64;
    MemRequest batch[kBatch];
    DramSystem::BurstTarget first_bt[kBatch];
    size_t batch_n = 0, batch_i = 0;
    uint64_t id = 0;
    for (;;) {
        if (batch_i == batch_n) {
            batch_n = src.next_batch(batch, kBatch);
            batch_i = 0;
            if (batch_n == 0) break;
            // The first target of every request of the batch, decoded ahead: independent
            // table loads (random addresses miss the L1 cache) overlap, instead of stalling the
            // request loop one by one.
            for (size_t j = 0; j < batch_n; ++j) first_bt[j] = dram.target(batch[j].addr);
        }
        const DramSystem::BurstTarget bt0 = first_bt[batch_i];
        const MemRequest q = batch[batch_i++];  // a copy: the calls below cannot change it
        if (q.cycle > tf) tf = q.cycle;
        tf = to_tick(tf);
        if (opt.outstanding) {
            for (;;) {
                while (!finished.empty() && finished.top() <= tf) finished.pop();
                if (unknown + finished.size() < opt.outstanding) break;
                int64_t tmin = Channel::kNever;
                uint32_t cmin = 0;
                for (uint32_t c = 0; c < nch; ++c) {
                    const int64_t t = chs[c]->peek();
                    if (t < tmin) {
                        tmin = t;
                        cmin = c;
                    }
                }
                if (!finished.empty() && finished.top() <= tmin) {
                    tf = to_tick(std::max(tf, finished.top()));
                    continue;
                }
                if (tmin == Channel::kNever)
                    throw std::logic_error("memtest: requests in flight but no channel busy");
                advance(cmin, tmin);
                consume();
            }
        }
        uint64_t slot;
        if (free_slots.empty()) {
            slot = table.size();
            table.emplace_back();
        } else {
            slot = free_slots.back();
            free_slots.pop_back();
        }
        ReqState& st = table[slot];  // consume() below does not grow the table
        st.done = -1;
        st.remaining = bursts;
        st.write = q.write;
        ++unknown;
        // Bursts whose indices differ only in the column bits below column_low_bits() share the
        // target (a 64 B request of HBM2: one decode for both bursts): then the request is one
        // run of bursts to one target, else one run per burst. A request that wraps around 2^64
        // has a last index with other high bits: one run per burst.
        const uint64_t first_k = q.addr >> bshift;
        const uint64_t last_k = (q.addr + (bursts - 1) * bb) >> bshift;
        const uint32_t run = ((first_k ^ last_k) >> col_bits) == 0 ? bursts : 1;
        for (uint32_t k = 0; k < bursts;) {
            // Channel, bank and row from DramSystem's decode tables (no full decode per burst).
            const DramSystem::BurstTarget bt = k == 0 ? bt0 : dram.target(q.addr + k * bb);
            const uint32_t chi = bt.channel;
            Channel& ch = *chs[chi];
            advance(chi, tf);  // the run's later bursts: nothing to advance (quiet = tf)
            for (const uint32_t end = k + run; k < end; ++k) {
                if (!ch.has_room(q.write)) {
                    while (!ch.has_room(q.write)) {
                        const int64_t x = ch.step();
                        if (x > tf) tf = x;
                    }
                    tf = to_tick(tf);  // offered again at a front-end tick
                    ch.advance_through(tf);  // advance(chi, tf) after quiet[chi] = -1 (step issued)
                }
                // Completions come only from the calls above. Without an outstanding limit,
                // nothing reads what consume() computes before the end: it may wait for a batch.
                if (done.size() >= lazy) consume();
                if (k == 0) st.arrive = tf;
                ch.enqueue(bt.bank, bt.row, q.write, tf, slot);
                // Nothing issues through tf: quiet = tf (every path above reaches tf, so this is
                // min(quiet, tf)).
                quiet[chi] = tf;
            }
        }
        if (rate_n) next_tick = std::max(next_tick, first_tick_at(st.arrive)) + 1;
        ++id;
        writes += q.write ? 1 : 0;
    }
    res.requests = id;
    res.writes = writes;
    res.reads = id - writes;
    for (uint32_t c = 0; c < nch; ++c) {
        chs[c]->drain();
        consume();
    }
    // Refresh goes on in every channel until the run ends, with traffic or without (as in the
    // reference, whose channels all tick to the end): channels that went idle earlier, or that
    // the pattern never touched (the 4 KiB stride uses one of 8), refresh through the last
    // completion. Nothing is queued any more, so this adds REF commands (and their energy) only.
    for (uint32_t c = 0; c < nch; ++c) chs[c]->advance_through(last_any);

    const double tck_ns = static_cast<double>(dram.tck_ps()) / 1e3;
    res.elapsed_cycles = std::max<int64_t>(0, res.reads ? last_read : last_any);
    res.elapsed_ns = static_cast<double>(res.elapsed_cycles) * tck_ns;
    res.peak_gbps = dram.peak_gbps();
    if (res.elapsed_ns > 0)
        res.bandwidth_gbps = static_cast<double>(res.requests * opt.request_bytes) / res.elapsed_ns;
    uint64_t in_hist = 0, lat_sum = 0;
    for (size_t v = 0; v < hist.size(); ++v) {
        in_hist += hist[v];
        lat_sum += hist[v] * v;
    }
    for (const uint32_t v : big_lat) lat_sum += v;
    const uint64_t lat_n = in_hist + big_lat.size();
    if (lat_n > 0) {
        // The sum in integers: every partial sum of cycle counts stays far below 2^53 (2^32 values
        // of < 2^32 each would be needed), so a double sum in any order is exactly this one.
        res.mean_read_latency_cycles = static_cast<double>(lat_sum) / static_cast<double>(lat_n);
        // Percentiles: the k-th smallest latency (0-based), from the histogram, else from the
        // values above it (sorted once: they are rare).
        std::sort(big_lat.begin(), big_lat.end());
        auto pct = [&](double p) {
            const uint64_t k =
                std::min<uint64_t>(lat_n - 1, static_cast<size_t>(p * static_cast<double>(lat_n)));
            if (k < in_hist) {
                uint64_t below = 0;  // latencies smaller than v
                for (uint32_t v = 0;; ++v) {
                    below += hist[v];
                    if (below > k) return static_cast<double>(v);
                }
            }
            return static_cast<double>(big_lat[static_cast<size_t>(k - in_hist)]);
        };
        if (opt.latency_histogram) {
            for (size_t v = 0; v < hist.size(); ++v)
                if (hist[v]) res.latency_histogram.emplace_back(static_cast<uint32_t>(v), hist[v]);
            for (const uint32_t v : big_lat) {
                if (!res.latency_histogram.empty() && res.latency_histogram.back().first == v)
                    ++res.latency_histogram.back().second;
                else
                    res.latency_histogram.emplace_back(v, 1);
            }
        }
        res.p50_read_latency_cycles = pct(0.50);
        res.p99_read_latency_cycles = pct(0.99);
        res.mean_read_latency_ns = res.mean_read_latency_cycles * tck_ns;
        res.p50_read_latency_ns = res.p50_read_latency_cycles * tck_ns;
        res.p99_read_latency_ns = res.p99_read_latency_cycles * tck_ns;
    }
    if (opt.per_channel) {
        dram.count_channels_apart(false);
        res.channels = dram.channel_counters();
    }
    res.counters = dram.counters();
    const Counters& c = res.counters;
    const uint64_t acc = c.row_hits + c.row_misses + c.row_conflicts;
    res.row_hit_rate = acc ? static_cast<double>(c.row_hits) / static_cast<double>(acc) : 0.0;
    res.activations_per_request =
        res.requests ? static_cast<double>(c.acts) / static_cast<double>(res.requests) : 0.0;
    res.dynamic_energy_pj = dram.dynamic_energy_pj();
    res.background_energy_pj =
        dram.background_mw() * static_cast<double>(std::max<int64_t>(last_any, 0)) * tck_ns;
    res.energy_pj = res.dynamic_energy_pj + res.background_energy_pj;
    return res;
}

}  // namespace qasim::models::dram
