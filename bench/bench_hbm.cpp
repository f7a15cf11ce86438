// Simulation speed of the HBM timing model (models/dram), in simulated bursts per wall second.
//   build-*/bench/bench_hbm [--benchmark_filter=...]
// Target (issue 3): >= 10 M bursts/s on one core; the DRAM simulators of the reference simulate
// 20 k–250 k 64 B requests (40 k–500 k bursts) per CPU second at saturation.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>

#include "models/dram/memtest.h"

namespace {

using namespace qasim::models::dram;

SystemConfig reference() {
    SystemConfig c;
    c.spec = preset("hbm2");
    c.ctrl.row_hit_cap = 0;
    return c;
}

/// The memtest driver at saturation (queues full, HOL-blocking front end): 64 B requests.
void memtest(benchmark::State& st, Pattern p, double read_ratio) {
    uint64_t bursts = 0;
    for (auto _ : st) {
        DramSystem d(reference());
        PatternConfig pc;
        pc.pattern = p;
        pc.read_ratio = read_ratio;
        pc.requests = static_cast<uint64_t>(st.range(0));
        PatternSource src(pc);
        const MemtestResult r = run_memtest(d, src, {});
        bursts += r.counters.read_bursts + r.counters.write_bursts;
        benchmark::DoNotOptimize(r.bandwidth_gbps);
    }
    st.counters["bursts/s"] =
        benchmark::Counter(static_cast<double>(bursts), benchmark::Counter::kIsRate);
}

void BM_MemtestStream(benchmark::State& st) { memtest(st, Pattern::stream, 1.0); }
void BM_MemtestRandom(benchmark::State& st) { memtest(st, Pattern::random, 1.0); }
void BM_MemtestMixed(benchmark::State& st) { memtest(st, Pattern::mixed, 0.5); }
BENCHMARK(BM_MemtestStream)->Arg(200000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MemtestRandom)->Arg(200000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MemtestMixed)->Arg(200000)->Unit(benchmark::kMillisecond);

/// The transaction path used by the TLM module: DMA blocks of range(0) bytes, back to back;
/// range(1) = 1: fast_stream (identical channels timed once, exact); 0: every channel burst by
/// burst. The run memo is on in both (SystemConfig::memo); memo_hit% is the share of channel runs
/// replayed from it, seg_hit% the share of segment lookups of long bins replayed (Channel::feed).
void BM_AccessStream(benchmark::State& st) {
    SystemConfig cfg = reference();
    cfg.fast_stream = st.range(1) != 0;
    DramSystem d(cfg);
    const uint64_t block = static_cast<uint64_t>(st.range(0));
    uint64_t t = 0, addr = 0;
    for (auto _ : st) {
        t = d.access(addr, block, false, t);
        addr = (addr + block) % d.capacity();
    }
    const auto& c = d.counters();
    st.counters["bursts/s"] =
        benchmark::Counter(static_cast<double>(c.read_bursts), benchmark::Counter::kIsRate);
    st.counters["sim_GB/s"] =
        static_cast<double>(c.read_bursts * 32) / (static_cast<double>(t) / 1e3);
    const RunMemo& m = d.memo();
    st.counters["memo_hit%"] = 100.0 * static_cast<double>(m.hits()) /
                               static_cast<double>(std::max<uint64_t>(1, m.hits() + m.misses()));
    st.counters["seg_hit%"] =
        100.0 * static_cast<double>(m.segment_hits()) /
        static_cast<double>(std::max<uint64_t>(1, m.segment_hits() + m.segment_misses()));
}
BENCHMARK(BM_AccessStream)->ArgsProduct({{4096, 64 << 10, 1 << 20, 4 << 20}, {0, 1}});

/// Random 64 B transactions, one every 4 ns (about 6 % of peak: no queueing between calls).
void BM_AccessRandom(benchmark::State& st) {
    DramSystem d(reference());
    std::mt19937_64 rng(1);
    const uint64_t slots = d.capacity() / 64;
    uint64_t t = 0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(d.access((rng() % slots) * 64, 64, false, t));
        t += 4000;
    }
    st.counters["bursts/s"] = benchmark::Counter(static_cast<double>(d.counters().read_bursts),
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_AccessRandom);

}  // namespace

BENCHMARK_MAIN();
