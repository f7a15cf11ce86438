// Every SCALE-Sim v2 reference case (tests/golden/scalesim/cases.csv) must match exactly: folds,
// cycles per fold, total cycles, SRAM reads/writes; utilization and mapping efficiency to the
// precision SCALE-Sim prints.
#include <gtest/gtest.h>

#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "models/formats/format.h"
#include "models/op.h"
#include "models/systolic/systolic_model.h"

namespace {

using namespace qasim::models;

struct Case {
    std::string layer;
    uint64_t M = 0, K = 0, N = 0, R = 0, C = 0;
    std::string dataflow;
    uint64_t folds = 0, cpf = 0, total = 0;
    double util_pct = 0, mapping_pct = 0;
    uint64_t ifmap = 0, filter = 0, ofmap = 0;
};

// Readable parameter names in gtest/ctest output.
void PrintTo(const Case& c, std::ostream* os) {
    *os << c.layer << " " << c.M << "x" << c.K << "x" << c.N << " " << c.dataflow << " " << c.R
        << "x" << c.C;
}

std::string csv_path() {
    return std::string(QASIM_SOURCE_DIR) + "/tests/golden/scalesim/cases.csv";
}

std::vector<Case> load_cases() {
    std::vector<Case> out;
    std::ifstream in(csv_path());
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#' || line.rfind("layer,", 0) == 0) continue;
        std::vector<std::string> f;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, ',')) f.push_back(cell);
        if (f.size() < 15) continue;  // checked by CsvHasAllCases
        Case c;
        c.layer = f[0];
        c.M = std::stoull(f[1]);
        c.K = std::stoull(f[2]);
        c.N = std::stoull(f[3]);
        c.R = std::stoull(f[4]);
        c.C = std::stoull(f[5]);
        c.dataflow = f[6];
        c.folds = std::stoull(f[7]);
        c.cpf = std::stoull(f[8]);
        c.total = std::stoull(f[9]);
        c.util_pct = std::stod(f[10]);
        c.mapping_pct = std::stod(f[11]);
        c.ifmap = std::stoull(f[12]);
        c.filter = std::stoull(f[13]);
        c.ofmap = std::stoull(f[14]);
        out.push_back(c);
    }
    return out;
}

SystolicParams params_of(const Case& c, SystolicMode mode = SystolicMode::scalesim) {
    SystolicParams p;
    p.rows = c.R;
    p.cols = c.C;
    EXPECT_TRUE(parse_dataflow(c.dataflow, &p.dataflow)) << c.dataflow;
    p.mode = mode;
    return p;
}

/// The reference percentages are rounded to 4 decimals (e.g. 3.078409 → 3.0784, 76.953125 →
/// 76.9531): half a unit of the 4th decimal.
constexpr double kPrinted = 5e-5 + 1e-9;

class ScaleSimCase : public ::testing::TestWithParam<Case> {};

TEST_P(ScaleSimCase, FoldInfoMatches) {
    const Case& c = GetParam();
    const FoldInfo f = systolic_folds(c.M, c.K, c.N, params_of(c));
    EXPECT_EQ(f.folds, c.folds);
    EXPECT_EQ(f.cycles_per_fold, c.cpf);
    EXPECT_EQ(f.total_cycles, c.total);
    EXPECT_EQ(f.ifmap_reads, c.ifmap);
    EXPECT_EQ(f.filter_reads, c.filter);
    EXPECT_EQ(f.ofmap_writes, c.ofmap);
    EXPECT_EQ(f.ofmap_reads, 0u);
    // Utilization to 3 decimals (of the percentage), and to the reference's printed precision.
    EXPECT_NEAR(100.0 * f.util, c.util_pct, 5e-4);
    EXPECT_NEAR(100.0 * f.util, c.util_pct, kPrinted);
    EXPECT_NEAR(100.0 * f.mapping_eff, c.mapping_pct, kPrinted);
}

TEST_P(ScaleSimCase, PlanMatchesWithInt8Operands) {
    const Case& c = GetParam();
    Op op;
    op.name = c.layer;
    op.kind = OpKind::gemm;
    op.m = c.M;
    op.k = c.K;
    op.n = c.N;
    op.a = op.b = op.out = parse_format("int8");
    const TilePlan plan = systolic_plan(op, params_of(c));
    EXPECT_EQ(plan.compute_cycles(), c.total);
    EXPECT_EQ(plan.tile_count(), c.folds);
    EXPECT_EQ(plan.macs(), c.M * c.K * c.N);
    EXPECT_EQ(plan.peak_ops_per_cycle, c.R * c.C);
    // 8-bit words: SRAM bytes equal SCALE-Sim's access counts.
    uint64_t rd = 0, wr = 0;
    for (const auto& t : plan.tiles) {
        rd += t.count * t.sram_read_bytes;
        wr += t.count * t.sram_write_bytes;
    }
    EXPECT_EQ(rd, c.ifmap + c.filter);
    EXPECT_EQ(wr, c.ofmap);
    const ActionCounts a = plan.actions();
    EXPECT_EQ(a.get("mac"), c.M * c.K * c.N);
    EXPECT_EQ(a.get("sram_read_bits.ifmap"), 8 * c.ifmap);
    EXPECT_EQ(a.get("sram_read_bits.filter"), 8 * c.filter);
    EXPECT_EQ(a.get("sram_write_bits.ofmap"), 8 * c.ofmap);
    EXPECT_EQ(a.get("sram_read_bits.ofmap"), 0u);
}

TEST_P(ScaleSimCase, PhysicalModeIsFasterButNotBelowIdeal) {
    const Case& c = GetParam();
    const FoldInfo s = systolic_folds(c.M, c.K, c.N, params_of(c));
    const FoldInfo ph = systolic_folds(c.M, c.K, c.N, params_of(c, SystolicMode::physical));
    ASSERT_GT(s.folds, 1u);
    EXPECT_LT(ph.total_cycles, s.total_cycles);
    EXPECT_GE(static_cast<double>(ph.total_cycles),
              static_cast<double>(c.M) * c.K * c.N / static_cast<double>(c.R * c.C));
    EXPECT_EQ(ph.ifmap_reads, s.ifmap_reads);
    EXPECT_EQ(ph.filter_reads, s.filter_reads);
    if (c.dataflow == "os") {
        EXPECT_EQ(ph.ofmap_writes, c.M * c.N);  // no R + C per fold
        EXPECT_EQ(ph.ofmap_reads, 0u);
    } else {
        EXPECT_EQ(ph.ofmap_writes, s.ofmap_writes);
        EXPECT_EQ(ph.ofmap_reads, c.M * c.N * ((c.K + c.R - 1) / c.R - 1));
    }
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
    return info.param.layer + "_" + info.param.dataflow + "_" + std::to_string(info.param.R) + "x" +
           std::to_string(info.param.C);
}

INSTANTIATE_TEST_SUITE_P(Golden, ScaleSimCase, ::testing::ValuesIn(load_cases()), case_name);

TEST(ScaleSimGolden, CsvHasAllCases) {
    const auto cases = load_cases();
    EXPECT_EQ(cases.size(), 23u) << csv_path();
    // The file names its source in its header comment.
    std::ifstream in(csv_path());
    std::string first;
    std::getline(in, first);
    EXPECT_NE(first.find("SCALE-Sim v2"), std::string::npos);
    EXPECT_NE(first.find("22f88b1"), std::string::npos);
}

}  // namespace
