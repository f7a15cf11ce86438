#pragma once
// Memory-test driver: plays a stream of fixed-size requests (64 B by default) into a DramSystem the
// way DRAM simulators' trace front ends do, so that figures compare with theirs
// (../shared/reference/dram/README.md):
// - requests are offered in order, each cycle, as fast as the controllers accept them; a request
//   is its bursts (64 B = two 32 B bursts to the same pseudo-channel), offered in order, and a
//   burst the channel's queue cannot take blocks everything behind it (head-of-line blocking);
// - with `outstanding` = K > 0, at most K requests are in flight (K = 1: unloaded latency);
// - a trace may give a cycle per request: it is not offered before that cycle;
// - with an offer rate N/M, the front end offers at most one request per front-end tick and
//   ticks N times per M memory cycles (tick j at memory cycle floor(j·M/N); a request refused
//   by back-pressure is offered again at the first tick at or after the cycle it is taken), as
//   the trace front ends of Ramulator 2 (one request per tick, clock ratio N:M);
// - a read completes when its last burst's data has returned; latency = completion − acceptance,
//   where acceptance is the first cycle a command for the request can issue, the cycle after it
//   was offered (Channel::enqueue; why this is the reference's acceptance: memtest.cpp);
//   bandwidth = requests × bytes / time until the last read returned (last write if no read).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "models/dram/dram_system.h"

namespace qasim::models::dram {

struct MemRequest {
    uint64_t addr = 0;
    bool write = false;
    int64_t cycle = -1;  ///< memory cycle (tCK) before which it is not offered; -1: none
};

/// A source of requests, pulled in order.
class RequestSource {
public:
    virtual ~RequestSource() = default;
    /// Fills `r` and returns true, or returns false at the end.
    virtual bool next(MemRequest& r) = 0;
    /// Fills up to `n` requests (the next ones, in order) and returns how many; fewer than `n`
    /// only at the end. The default calls next(); run_memtest pulls batches (one virtual call per
    /// batch instead of one per request).
    virtual size_t next_batch(MemRequest* out, size_t n) {
        size_t k = 0;
        while (k < n && next(out[k])) ++k;
        return k;
    }
};

enum class Pattern { stream, random, mixed, stride };

/// Synthetic patterns of the reference (README.md patterns a–e).
struct PatternConfig {
    Pattern pattern = Pattern::stream;
    uint64_t requests = 1000;
    uint64_t request_bytes = 64;
    uint64_t stride_bytes = 4096;  ///< stride pattern: addr = i × stride mod span
    double read_ratio = 1.0;       ///< probability that a request is a read
    uint64_t seed = 1;
    uint64_t span_bytes = 2ull << 30;  ///< addresses lie in [0, span)
};

/// stream: addr = i × request_bytes; random/mixed: uniform in [0, span), request-aligned; stride:
/// addr = i × stride mod span. A request is a write with probability 1 − read_ratio (mt19937_64).
class PatternSource final : public RequestSource {
public:
    explicit PatternSource(const PatternConfig& c);
    bool next(MemRequest& r) override { return next_batch(&r, 1) == 1; }
    size_t next_batch(MemRequest* out, size_t n) override;

private:
    PatternConfig m_cfg;
    std::mt19937_64 m_rng;
    uint64_t m_i = 0;
    uint64_t m_slots;
    uint64_t m_pos = 0;  // stream: m_i % m_slots, kept without a division per request
    // Exact shortcuts of the divisions (the same numbers): x % m for a power of two m is
    // x & (m − 1); 0 means "not a power of two, divide". Writes: u >= read_ratio with
    // u = (x >> 11) · 2^-53 is (x >> 11) >= m_write_from (see the constructor).
    uint64_t m_slot_mask = 0;  // m_slots − 1
    uint64_t m_span_mask = 0;  // m_slots × request_bytes − 1 (stride)
    uint64_t m_req_mask = 0;   // request_bytes − 1 (stride)
    uint64_t m_write_from = 0;
    bool m_draw_write = false;  // read_ratio < 1.0: one more draw per request
};

/// Requests from memory (e.g. a parsed trace).
class VectorSource : public RequestSource {
public:
    explicit VectorSource(std::vector<MemRequest> v) : m_v(std::move(v)) {}
    bool next(MemRequest& r) override {
        if (m_i >= m_v.size()) return false;
        r = m_v[m_i++];
        return true;
    }
    size_t next_batch(MemRequest* out, size_t n) override {
        n = std::min(n, m_v.size() - m_i);
        std::copy(m_v.begin() + static_cast<std::ptrdiff_t>(m_i),
                  m_v.begin() + static_cast<std::ptrdiff_t>(m_i + n), out);
        m_i += n;
        return n;
    }

private:
    std::vector<MemRequest> m_v;
    size_t m_i = 0;
};

/// Parses one trace line: `0xADDR READ|WRITE [CYCLE]` (DRAMsim3 style) or `0xADDR R|W`.
/// Returns 1 for a request, 0 for a blank or `#` comment line, -1 with `*err` set otherwise.
int parse_trace_line(const std::string& line, MemRequest* out, std::string* err);

struct MemtestOptions {
    uint64_t outstanding = 0;     ///< max requests in flight; 0 = unbounded
    uint64_t request_bytes = 64;  ///< bytes per request (a multiple of the burst size)
    /// At most offer_num requests per offer_den memory cycles (one per front-end tick, ticks
    /// evenly spread); offer_num = 0: as fast as the controllers accept them.
    uint64_t offer_num = 0, offer_den = 1;
    bool per_channel = false;  ///< also count every channel apart (MemtestResult::channels)
    bool latency_histogram = false;  ///< also return every read latency's count (MemtestResult)
};

struct MemtestResult {
    uint64_t requests = 0, reads = 0, writes = 0;
    int64_t elapsed_cycles = 0;  ///< until the last read returned (last write if no read)
    double elapsed_ns = 0;
    double bandwidth_gbps = 0;  ///< requests × request_bytes / elapsed
    double peak_gbps = 0;
    double mean_read_latency_cycles = 0, p50_read_latency_cycles = 0, p99_read_latency_cycles = 0;
    double mean_read_latency_ns = 0, p50_read_latency_ns = 0, p99_read_latency_ns = 0;
    double row_hit_rate = 0;  ///< hits / (hits + misses + conflicts), per burst
    double activations_per_request = 0;
    double dynamic_energy_pj = 0;     ///< ACT + column + I/O + refresh
    double background_energy_pj = 0;  ///< background power × time until the last completion
    double energy_pj = 0;
    Counters counters;
    /// With MemtestOptions::per_channel, channel c's share of `counters` (they add up to it).
    std::vector<Counters> channels;
    /// With MemtestOptions::latency_histogram: (read latency in cycles, reads), ascending, only
    /// latencies that occurred (the counts add up to `reads`).
    std::vector<std::pair<uint32_t, uint64_t>> latency_histogram;
};

/// Runs `src` on `dram` (which should be fresh for figures that compare with a reference).
/// Throws std::invalid_argument if request_bytes is not a multiple of the burst size.
MemtestResult run_memtest(DramSystem& dram, RequestSource& src, const MemtestOptions& opt);

}  // namespace qasim::models::dram
