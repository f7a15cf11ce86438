// Speed of trace generation (workloads/generator.h): the zoo traces the benchmark runs use.
//   build-*/bench/bench_tracegen [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include "workloads/generator.h"

namespace {

using namespace qasim;

void gen(benchmark::State& st, const char* spec) {
    uint64_t rows = 0;
    for (auto _ : st) {
        const workloads::Trace t = workloads::zoo_trace(spec);
        rows += t.ops.size();
        benchmark::DoNotOptimize(t.ops.data());
    }
    st.counters["rows/s"] =
        benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
}

void BM_TraceVitB16(benchmark::State& st) { gen(st, "zoo:vit-b16?quant=W8A8"); }
void BM_TraceLlama7bDecode(benchmark::State& st) {
    gen(st, "zoo:llama2-7b:decode?quant=W4A16KV2&context=1024");
}
void BM_TraceLlama70bPrefill(benchmark::State& st) {
    gen(st, "zoo:llama2-70b:prefill?seq=2048&quant=W4A16");
}
BENCHMARK(BM_TraceVitB16);
BENCHMARK(BM_TraceLlama7bDecode);
BENCHMARK(BM_TraceLlama70bPrefill);

}  // namespace

BENCHMARK_MAIN();
