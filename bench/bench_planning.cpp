// Speed of the unit models' tile planning (what a run does once per trace row before simulating):
// systolic, LUT tensor core, bit-serial and vector plans over the rows of zoo traces, and number
// format parsing. Figures: rows planned per wall second, tiles (run-length entries) per second.
//   build-*/bench/bench_planning [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "models/bitserial/bitserial_model.h"
#include "models/formats/format.h"
#include "models/lut_core/lut_model.h"
#include "models/systolic/systolic_model.h"
#include "models/vector/vector_model.h"
#include "workloads/generator.h"

namespace {

using namespace qasim;

const char* const kVit = "zoo:vit-b16?quant=W8A8";
const char* const kDecode = "zoo:llama2-7b:decode?quant=W4A16KV2&context=1024";
const char* const kPrefill70 = "zoo:llama2-70b:prefill?seq=2048&quant=W4A16";

/// The rows of a zoo trace, split into matmul and element-wise rows.
struct Rows {
    std::vector<models::Op> matmul, vector;
};

Rows rows_of(const char* spec) {
    Rows r;
    for (const auto& op : workloads::zoo_trace(spec).ops) {
        (models::is_matmul(op.kind) ? r.matmul : r.vector).push_back(op);
    }
    return r;
}

void report(benchmark::State& st, uint64_t rows, uint64_t tiles) {
    st.counters["rows/s"] =
        benchmark::Counter(static_cast<double>(rows), benchmark::Counter::kIsRate);
    st.counters["tiles/s"] =
        benchmark::Counter(static_cast<double>(tiles), benchmark::Counter::kIsRate);
}

void systolic(benchmark::State& st, const char* spec) {
    const Rows r = rows_of(spec);
    const models::SystolicParams p;  // 128×128 WS, the tpu_like / llm_npu array
    uint64_t rows = 0, tiles = 0;
    for (auto _ : st) {
        for (const auto& op : r.matmul) {
            const models::TilePlan plan = models::systolic_plan(op, p);
            tiles += plan.tiles.size();
            benchmark::DoNotOptimize(plan.tiles.data());
        }
        rows += r.matmul.size();
    }
    report(st, rows, tiles);
}
void BM_SystolicPlanVit(benchmark::State& st) { systolic(st, kVit); }
void BM_SystolicPlanLlama7bDecode(benchmark::State& st) { systolic(st, kDecode); }
void BM_SystolicPlanLlama70bPrefill(benchmark::State& st) { systolic(st, kPrefill70); }
BENCHMARK(BM_SystolicPlanVit);
BENCHMARK(BM_SystolicPlanLlama7bDecode);
BENCHMARK(BM_SystolicPlanLlama70bPrefill);

/// LUT tensor core on the W4A16 LLaMA rows it supports (its default parameters).
void lut(benchmark::State& st, const char* spec) {
    const models::LutCoreParams p;
    std::vector<models::Op> ops;
    for (const auto& op : rows_of(spec).matmul) {
        if (models::lut_core_support(op, p).empty()) ops.push_back(op);
    }
    if (ops.empty()) {
        st.SkipWithError("no row of the trace runs on the LUT core");
        return;
    }
    uint64_t rows = 0, tiles = 0;
    for (auto _ : st) {
        for (const auto& op : ops) {
            const models::TilePlan plan = models::lut_core_plan(op, p);
            tiles += plan.tiles.size();
            benchmark::DoNotOptimize(plan.tiles.data());
        }
        rows += ops.size();
    }
    report(st, rows, tiles);
}
void BM_LutPlanLlama7bDecode(benchmark::State& st) { lut(st, kDecode); }
void BM_LutPlanLlama70bPrefill(benchmark::State& st) { lut(st, kPrefill70); }
BENCHMARK(BM_LutPlanLlama7bDecode);
BENCHMARK(BM_LutPlanLlama70bPrefill);

/// Bit-serial array (weights serial) on the rows it accepts (a row it cannot run throws
/// std::invalid_argument once, at set-up, and is left out).
void bitserial(benchmark::State& st, const char* spec) {
    const models::BitserialParams p;
    std::vector<models::Op> ops;
    for (const auto& op : rows_of(spec).matmul) {
        try {
            (void)models::bitserial_plan(op, p);
            ops.push_back(op);
        } catch (const std::invalid_argument&) {
            // not supported by this array: not part of the benchmark
        }
    }
    if (ops.empty()) {
        st.SkipWithError("no row of the trace runs on the bit-serial array");
        return;
    }
    uint64_t rows = 0, tiles = 0;
    for (auto _ : st) {
        for (const auto& op : ops) {
            const models::TilePlan plan = models::bitserial_plan(op, p);
            tiles += plan.tiles.size();
            benchmark::DoNotOptimize(plan.tiles.data());
        }
        rows += ops.size();
    }
    report(st, rows, tiles);
}
void BM_BitserialPlanVit(benchmark::State& st) { bitserial(st, kVit); }
void BM_BitserialPlanLlama7bDecode(benchmark::State& st) { bitserial(st, kDecode); }
BENCHMARK(BM_BitserialPlanVit);
BENCHMARK(BM_BitserialPlanLlama7bDecode);

void vector(benchmark::State& st, const char* spec) {
    const Rows r = rows_of(spec);
    const models::VectorParams p;
    uint64_t rows = 0, tiles = 0;
    for (auto _ : st) {
        for (const auto& op : r.vector) {
            const models::TilePlan plan = models::vector_plan(op, p);
            tiles += plan.tiles.size();
            benchmark::DoNotOptimize(plan.tiles.data());
        }
        rows += r.vector.size();
    }
    report(st, rows, tiles);
}
void BM_VectorPlanVit(benchmark::State& st) { vector(st, kVit); }
void BM_VectorPlanLlama70bPrefill(benchmark::State& st) { vector(st, kPrefill70); }
BENCHMARK(BM_VectorPlanVit);
BENCHMARK(BM_VectorPlanLlama70bPrefill);

/// Whole-plan action totals (what the report sums per row): the ActionCounts merge path.
void BM_PlanActionsLlama70bPrefill(benchmark::State& st) {
    const Rows r = rows_of(kPrefill70);
    const models::SystolicParams p;
    std::vector<models::TilePlan> plans;
    for (const auto& op : r.matmul) plans.push_back(models::systolic_plan(op, p));
    for (auto _ : st) {
        for (const auto& plan : plans) benchmark::DoNotOptimize(plan.actions().all().size());
    }
}
BENCHMARK(BM_PlanActionsLlama70bPrefill);

void BM_ParseFormat(benchmark::State& st) {
    const std::vector<std::string> specs = {"int8", "fp16", "bf16", "int4", "fp8_e4m3", "mxfp4",
                                            "int4_g128", "nvfp4"};
    std::vector<std::string> ok;
    for (const auto& s : specs) {
        try {
            (void)models::parse_format(s);
            ok.push_back(s);
        } catch (const models::FormatError&) {
            // spelling not in this build's grammar: left out
        }
    }
    uint64_t n = 0;
    for (auto _ : st) {
        for (const auto& s : ok) benchmark::DoNotOptimize(models::parse_format(s).bits);
        n += ok.size();
    }
    st.counters["formats/s"] =
        benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_ParseFormat);

}  // namespace

BENCHMARK_MAIN();
