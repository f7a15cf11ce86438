// Physical mode bounds (≤ SCALE-Sim for multi-fold, ≥ ideal) and bad inputs.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "fold_reference.h"
#include "models/formats/format.h"
#include "models/op.h"
#include "models/systolic/systolic_model.h"

namespace {

using namespace qasim::models;

SystolicParams params(uint64_t R, uint64_t C, Dataflow d, SystolicMode m) {
    SystolicParams p;
    p.rows = R;
    p.cols = C;
    p.dataflow = d;
    p.mode = m;
    return p;
}

TEST(SystolicPhysical, BoundedBetweenIdealAndScalesim) {
    const std::vector<uint64_t> dims = {1, 2, 9, 32, 33, 64, 197, 300};
    const std::vector<std::pair<uint64_t, uint64_t>> arrays = {
        {1, 1}, {4, 8}, {32, 32}, {128, 128}};
    for (auto [R, C] : arrays)
        for (Dataflow d : {Dataflow::os, Dataflow::ws, Dataflow::is})
            for (uint64_t M : dims)
                for (uint64_t K : dims)
                    for (uint64_t N : dims) {
                        SCOPED_TRACE("M=" + std::to_string(M) + " K=" + std::to_string(K) +
                                     " N=" + std::to_string(N) + " " + std::to_string(R) + "x" +
                                     std::to_string(C) + " " + to_string(d));
                        const FoldInfo s =
                            systolic_folds(M, K, N, params(R, C, d, SystolicMode::scalesim));
                        const FoldInfo ph =
                            systolic_folds(M, K, N, params(R, C, d, SystolicMode::physical));
                        const double ideal = double(M) * double(K) * double(N) / double(R * C);
                        ASSERT_GE(double(ph.total_cycles), ideal);
                        ASSERT_LE(ph.util, 1.0);
                        if (d != Dataflow::os) {
                            if (s.folds > 1) {
                                ASSERT_LE(ph.total_cycles, s.total_cycles);
                            }
                            ASSERT_LE(ph.total_cycles, s.total_cycles + 1);
                        } else {
                            // os adds the R-cycle drain SCALE-Sim omits; the fold overlap saves
                            // (F−1)·(min(K, R) + C − 2) cycles.
                            ASSERT_LE(ph.total_cycles, s.total_cycles + R + 1);
                            const uint64_t saved = (s.folds - 1) * (std::min(K, R) + C - 2);
                            if (saved >= R + 1) {
                                ASSERT_LE(ph.total_cycles, s.total_cycles);
                            }
                        }
                    }
}

TEST(SystolicPhysical, SingleFullFold) {
    // ws/is: SCALE-Sim + 1 (its off-by-one); os: + R + 1 (the drain SCALE-Sim omits).
    auto f = [](Dataflow d, SystolicMode m) {
        return systolic_folds(50, 32, 32, params(32, 32, d, m)).total_cycles;
    };
    EXPECT_EQ(f(Dataflow::ws, SystolicMode::scalesim), 2u * 32u + 32u + 50u - 2u - 1u);
    EXPECT_EQ(f(Dataflow::ws, SystolicMode::physical), f(Dataflow::ws, SystolicMode::scalesim) + 1);
    const auto g = [](SystolicMode m) {
        return systolic_folds(32, 32, 50, params(32, 32, Dataflow::is, m)).total_cycles;
    };
    EXPECT_EQ(g(SystolicMode::physical), g(SystolicMode::scalesim) + 1);
}

TEST(SystolicPhysical, OsSingleFoldPaysTheDrain) {
    const auto os = [](SystolicMode m) { return params(32, 32, Dataflow::os, m); };
    const auto s = systolic_folds(32, 100, 32, os(SystolicMode::scalesim));
    const auto p = systolic_folds(32, 100, 32, os(SystolicMode::physical));
    ASSERT_EQ(s.folds, 1u);
    EXPECT_EQ(s.total_cycles, 32u + 32u + 100u - 2u - 1u);
    EXPECT_EQ(p.total_cycles, 2u * 32u + 32u + 100u - 2u);  // the SCALE-Sim paper's 2R + C + T − 2
    EXPECT_EQ(p.ofmap_writes, 32u * 32u);
}

TEST(SystolicPhysical, WideEarlierFoldCanFinishLast) {
    // ws 4×16, M = 1: fold 0 (16 columns) starts at 4 and drains 1 + 4 + 16 − 2 = 19 cycles;
    // fold 1 (1 column) starts at 8 and finishes at 12; the op ends at 23.
    const auto p = params(4, 16, Dataflow::ws, SystolicMode::physical);
    EXPECT_EQ(systolic_folds(1, 4, 17, p).total_cycles, 23u);
    Op op;
    op.kind = OpKind::gemv;
    op.m = 1;
    op.k = 4;
    op.n = 17;
    const TilePlan plan = systolic_plan(op, p);
    EXPECT_EQ(plan.compute_cycles(), 23u);
    ASSERT_EQ(plan.tile_count(), 2u);
    EXPECT_EQ(plan.tiles.front().compute_cycles, 4u + 4u);  // preload + interval max(M, 4)
}

TEST(SystolicPhysical, HiddenPreloadAndOverlappedSkew) {
    // ws 32×32, M = 197, K = 64, N = 64: 4 folds of interval 197; P0 = 32; tail 197 + 32 + 32 − 2.
    const auto ph =
        systolic_folds(197, 64, 64, params(32, 32, Dataflow::ws, SystolicMode::physical));
    EXPECT_EQ(ph.total_cycles, 32u + 3u * 197u + 259u);
    EXPECT_EQ(ph.cycles_per_fold, 197u);
    EXPECT_EQ(ph.ofmap_reads, 197u * 64u * 1u);  // second K-fold reads the first one's sums
    // is with a short stream: the R-row preload limits the interval.
    const auto is = systolic_folds(64, 64, 5, params(32, 32, Dataflow::is, SystolicMode::physical));
    EXPECT_EQ(is.total_cycles, 32u + 3u * 32u + (5u + 32u + 32u - 2u));
}

TEST(SystolicErrors, BadInputsThrow) {
    SystolicParams p;
    EXPECT_THROW(systolic_folds(0, 1, 1, p), std::invalid_argument);
    EXPECT_THROW(systolic_folds(1, 0, 1, p), std::invalid_argument);
    EXPECT_THROW(systolic_folds(1, 1, 0, p), std::invalid_argument);
    EXPECT_THROW(systolic_cycles(1, 1, 1, 0, p), std::invalid_argument);
    SystolicParams bad = p;
    bad.rows = 0;
    EXPECT_THROW(systolic_folds(1, 1, 1, bad), std::invalid_argument);
    bad = p;
    bad.cols = 0;
    EXPECT_THROW(systolic_folds(1, 1, 1, bad), std::invalid_argument);
    bad = p;
    bad.acc_bits = 0;
    EXPECT_THROW(systolic_folds(1, 1, 1, bad), std::invalid_argument);

    Op op;
    op.name = "soft";
    op.kind = OpKind::softmax;
    op.elems = 100;
    try {
        systolic_plan(op, p);
        ADD_FAILURE() << "softmax accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("softmax"), std::string::npos) << e.what();
    }
    op.kind = OpKind::gemm;
    op.m = 4;
    op.k = 0;
    op.n = 4;
    EXPECT_THROW(systolic_plan(op, p), std::invalid_argument);
    op.k = 4;
    op.batch = 0;
    EXPECT_THROW(systolic_plan(op, p), std::invalid_argument);
}

TEST(SystolicErrors, OverflowIsRejectedWithAClearMessage) {
    SystolicParams p;
    const uint64_t big = (1ull << 21) + 1;  // big³ > 2^63
    try {
        systolic_folds(big, big, big, p);
        ADD_FAILURE() << "overflow accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("2^63"), std::string::npos) << e.what();
    }
    Op op;
    op.kind = OpKind::gemm;
    op.m = op.k = op.n = 1ull << 20;  // 2^60 MACs per instance, ×16 > 2^63
    op.batch = 16;
    EXPECT_THROW(systolic_plan(op, p), std::invalid_argument);
    op.batch = 1;  // 2^60 MACs fit the counters
    EXPECT_EQ(systolic_plan(op, p).macs(), 1ull << 60);
    // Huge arrays overflow the per-fold terms.
    SystolicParams huge;
    huge.rows = huge.cols = 1ull << 40;
    EXPECT_THROW(systolic_folds(1, 1, 1, huge), std::invalid_argument);
}

TEST(SystolicNames, ParseAndPrint) {
    Dataflow d;
    EXPECT_TRUE(parse_dataflow("is", &d));
    EXPECT_EQ(d, Dataflow::is);
    EXPECT_STREQ(to_string(Dataflow::os), "os");
    EXPECT_FALSE(parse_dataflow("rs", &d));
    SystolicMode m;
    EXPECT_TRUE(parse_systolic_mode("physical", &m));
    EXPECT_EQ(m, SystolicMode::physical);
    EXPECT_FALSE(parse_systolic_mode("exact", &m));
    EXPECT_STREQ(to_string(SystolicMode::scalesim), "scalesim");
}

}  // namespace
