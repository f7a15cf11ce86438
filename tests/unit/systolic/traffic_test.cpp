// DRAM traffic rules of the systolic tile plan (systolic_model.h): fetched once when the operand
// fits its buffer, re-fetched per fold as the fold order requires otherwise; partial-sum spills;
// double buffering.
#include <gtest/gtest.h>

#include "models/formats/format.h"
#include "models/op.h"
#include "models/systolic/systolic_model.h"

namespace {

using namespace qasim::models;

// ViT-B/16 proj: 197×768×768, 128×128 array: ceil(768/128) = 6 column folds of N, 6 K-folds,
// 2 row folds of M (os) / 2 column folds of M (is).
constexpr uint64_t kM = 197, kK = 768, kN = 768;

Op proj(const char* wfmt = "int8") {
    Op op;
    op.name = "proj";
    op.kind = OpKind::gemm;
    op.m = kM;
    op.k = kK;
    op.n = kN;
    op.a = op.out = parse_format("int8");
    op.b = parse_format(wfmt);
    return op;
}

SystolicParams params(Dataflow d) {
    SystolicParams p;  // 128×128, 1 MiB / 1 MiB / 512 KiB
    p.dataflow = d;
    return p;
}

uint64_t load_a(const TilePlan& p) {
    uint64_t s = 0;
    for (const auto& t : p.tiles) s += t.count * t.load_a_bytes;
    return s;
}
uint64_t load_b(const TilePlan& p) {
    uint64_t s = 0;
    for (const auto& t : p.tiles) s += t.count * t.load_b_bytes;
    return s;
}

TEST(SystolicTraffic, EverythingFitsMeansCompulsoryTraffic) {
    for (Dataflow d : {Dataflow::os, Dataflow::ws, Dataflow::is}) {
        for (SystolicMode m : {SystolicMode::scalesim, SystolicMode::physical}) {
            SCOPED_TRACE(std::string(to_string(d)) + " " + to_string(m));
            SystolicParams p = params(d);
            p.mode = m;
            const Op op = proj();
            const TilePlan plan = systolic_plan(op, p);
            EXPECT_EQ(load_a(plan), op.a_bytes());
            EXPECT_EQ(load_b(plan), op.b_bytes());
            EXPECT_EQ(plan.store_bytes(), op.out_bytes());
            // is: one column block of partial sums is 128×768×4 B = 384 KiB; two do not fit the
            // 512 KiB ofmap buffer, nor does the whole 197×768×4 B output.
            EXPECT_EQ(plan.double_buffered, d != Dataflow::is);
        }
    }
}

TEST(SystolicTraffic, MetadataIsIncludedAndExactWhenGroupsAlignWithFolds) {
    const Op op = proj("int4/g128/fp16");  // 128-row K-slices hold whole groups
    ASSERT_GT(op.b.meta_bytes(kK, kN), 0u);
    for (Dataflow d : {Dataflow::os, Dataflow::ws, Dataflow::is}) {
        const TilePlan plan = systolic_plan(op, params(d));
        EXPECT_EQ(load_b(plan), op.b_bytes()) << to_string(d);
        EXPECT_EQ(op.b_bytes(), kK * kN / 2 + (kK / 128) * kN * 2);
    }
}

TEST(SystolicTraffic, OsRefetchesAWhenItDoesNotFitAndBPanelsWhenTheyDoNotFit) {
    SystolicParams p = params(Dataflow::os);
    p.ifmap_sram_bytes = 100000;  // A = 151,296 B does not fit: fetched in each of 6 column folds
    TilePlan plan = systolic_plan(proj(), p);
    EXPECT_EQ(load_a(plan), 6 * kM * kK);
    EXPECT_EQ(load_b(plan), kK * kN);
    p = params(Dataflow::os);
    p.filter_sram_bytes = 50000;  // K×C panel = 98,304 B does not fit: once per row fold (2)
    plan = systolic_plan(proj(), p);
    EXPECT_EQ(load_a(plan), kM * kK);
    EXPECT_EQ(load_b(plan), 2 * kK * kN);
    EXPECT_EQ(plan.store_bytes(), kM * kN);  // outputs once, no partial sums in os
}

TEST(SystolicTraffic, WsRefetchesAPerColumnFoldAndAlwaysFetchesBOnce) {
    SystolicParams p = params(Dataflow::ws);
    p.ifmap_sram_bytes = 100000;
    const TilePlan plan = systolic_plan(proj(), p);
    EXPECT_EQ(load_a(plan), 6 * kM * kK);
    EXPECT_EQ(load_b(plan), kK * kN);
    EXPECT_EQ(plan.store_bytes(), kM * kN);
    EXPECT_TRUE(plan.double_buffered);  // two M×128 A slices (50,432 B) still fit
    p.ifmap_sram_bytes = 30000;
    EXPECT_FALSE(systolic_plan(proj(), p).double_buffered);
}

TEST(SystolicTraffic, IsRefetchesBPerColumnFoldAndAlwaysFetchesAOnce) {
    SystolicParams p = params(Dataflow::is);
    p.filter_sram_bytes = 500000;  // B = 589,824 B: fetched in each of the 2 M column folds
    const TilePlan plan = systolic_plan(proj(), p);
    EXPECT_EQ(load_a(plan), kM * kK);
    EXPECT_EQ(load_b(plan), 2 * kK * kN);
    EXPECT_EQ(plan.store_bytes(), kM * kN);
}

TEST(SystolicTraffic, PartialSumsSpillWhenTheOfmapBufferIsTooSmall) {
    for (Dataflow d : {Dataflow::ws, Dataflow::is}) {
        SCOPED_TRACE(to_string(d));
        SystolicParams p = params(d);
        p.ofmap_sram_bytes = 1000;  // not one column block of 32-bit partial sums
        const TilePlan plan = systolic_plan(proj(), p);
        // 6 K-folds per output block: 5 spills and 5 reloads of every partial sum at 4 bytes.
        const uint64_t spill = 5 * kM * kN * 4;
        EXPECT_EQ(plan.store_bytes(), kM * kN + spill);
        EXPECT_EQ(load_a(plan), kM * kK + spill);
        EXPECT_FALSE(plan.double_buffered);
        // SRAM counts and cycles do not depend on the buffers.
        EXPECT_EQ(plan.compute_cycles(), systolic_plan(proj(), params(d)).compute_cycles());
    }
}

TEST(SystolicTraffic, LoadsFollowFoldOrder) {
    // ws, A resident: the A K-slices are loaded by the folds of the first column block only, and
    // each block stores its outputs at its last K-fold.
    const TilePlan plan = systolic_plan(proj(), params(Dataflow::ws));
    uint64_t fold = 0;
    for (const auto& t : plan.tiles) {
        for (uint64_t c = 0; c < t.count; ++c, ++fold) {
            const uint64_t o = fold / 6, i = fold % 6;
            EXPECT_EQ(t.load_a_bytes, o == 0 ? kM * 128 : 0u) << fold;
            EXPECT_EQ(t.load_b_bytes, 128u * 128u) << fold;
            EXPECT_EQ(t.store_bytes, i == 5 ? kM * 128 : 0u) << fold;
        }
    }
    EXPECT_EQ(fold, 36u);
}

}  // namespace
