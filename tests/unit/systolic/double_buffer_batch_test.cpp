// Double buffering across batch instances (systolic_model.h, "double_buffered"): every instance
// reloads A and B, so with batch > 1 a resident operand needs the last fold's slice plus the next
// instance's first-fold slice (two copies when the operand is one slice); outputs the last output
// block plus the next instance's first.
#include <gtest/gtest.h>

#include "models/op.h"
#include "models/systolic/systolic_model.h"

namespace {

using namespace qasim::models;

Op gemm(uint64_t m, uint64_t k, uint64_t n, uint64_t batch) {
    Op op;
    op.name = "qk";
    op.kind = OpKind::attention_qk;
    op.m = m;
    op.k = k;
    op.n = n;
    op.batch = batch;
    op.a = op.b = op.out = parse_format("int8");
    return op;
}

SystolicParams params(Dataflow d) {
    SystolicParams p;  // 128×128, 1 MiB / 1 MiB / 512 KiB
    p.dataflow = d;
    return p;
}

TEST(SystolicDoubleBuffer, ResidentAOfOneRowFoldNeedsTwoCopiesAcrossInstances) {
    // os, M = 100 ≤ R: one row fold, so the A panel of the first fold is all of A (25,600 B).
    SystolicParams p = params(Dataflow::os);
    const uint64_t a = 100 * 256;
    p.ifmap_sram_bytes = 30000;  // one copy fits, two do not
    EXPECT_TRUE(systolic_plan(gemm(100, 256, 256, 1), p).double_buffered);
    EXPECT_FALSE(systolic_plan(gemm(100, 256, 256, 2), p).double_buffered);
    p.ifmap_sram_bytes = 2 * a;
    EXPECT_TRUE(systolic_plan(gemm(100, 256, 256, 2), p).double_buffered);
    // Physical mode: same buffers, same flag.
    p.mode = SystolicMode::physical;
    EXPECT_TRUE(systolic_plan(gemm(100, 256, 256, 2), p).double_buffered);
    p.ifmap_sram_bytes = 30000;
    EXPECT_FALSE(systolic_plan(gemm(100, 256, 256, 2), p).double_buffered);
    EXPECT_TRUE(systolic_plan(gemm(100, 256, 256, 1), p).double_buffered);
}

TEST(SystolicDoubleBuffer, ResidentAOfTwoRowFoldsNeedsOnlyTheLastPanel) {
    // os, M = 200: A panels of 128 and 72 rows × K 256 (32,768 B + 18,432 B = 51,200 B). Two
    // first panels (65,536 B) do not fit 52,000 B; the last panel plus the next first one do.
    SystolicParams p = params(Dataflow::os);
    p.ifmap_sram_bytes = 52000;
    EXPECT_TRUE(systolic_plan(gemm(200, 256, 256, 1), p).double_buffered);
    EXPECT_TRUE(systolic_plan(gemm(200, 256, 256, 2), p).double_buffered);
    p.ifmap_sram_bytes = 51199;
    EXPECT_FALSE(systolic_plan(gemm(200, 256, 256, 2), p).double_buffered);
}

TEST(SystolicDoubleBuffer, ResidentBNeedsItsCopyPlusTheFirstSlice) {
    // is, K = 128 ≤ R, N = 200: one K-slice of B (25,600 B) is all of B.
    SystolicParams p = params(Dataflow::is);
    p.filter_sram_bytes = 40000;  // one copy fits, two do not
    EXPECT_TRUE(systolic_plan(gemm(64, 128, 200, 1), p).double_buffered);
    EXPECT_FALSE(systolic_plan(gemm(64, 128, 200, 2), p).double_buffered);
    p.filter_sram_bytes = 2 * 128 * 200;
    EXPECT_TRUE(systolic_plan(gemm(64, 128, 200, 2), p).double_buffered);
    // K = 256: two 8 KiB slices of 128 × 64; two slices fit 16 KiB, so batch does not matter (the
    // first slice is the largest: copy + first slice <= buffer implies two slices fit).
    p.filter_sram_bytes = 16384;
    EXPECT_TRUE(systolic_plan(gemm(64, 256, 64, 2), p).double_buffered);
    p.filter_sram_bytes = 16383;  // not even the copy, nor two slices
    EXPECT_FALSE(systolic_plan(gemm(64, 256, 64, 2), p).double_buffered);
}

TEST(SystolicDoubleBuffer, OutputsNeedOnlyTheLastBlockPlusTheNextFirst) {
    // ws, M = 100, N = 128: one column block of partial sums, 100 × 128 × 4 B = 51,200 B.
    SystolicParams p = params(Dataflow::ws);
    p.ofmap_sram_bytes = 60000;
    EXPECT_TRUE(systolic_plan(gemm(100, 256, 128, 1), p).double_buffered);
    EXPECT_FALSE(systolic_plan(gemm(100, 256, 128, 2), p).double_buffered);
    p.ofmap_sram_bytes = 2 * 51200;
    EXPECT_TRUE(systolic_plan(gemm(100, 256, 128, 2), p).double_buffered);
    // N = 200: blocks of 128 and 72 columns (51,200 B and 28,800 B; all 80,000 B). The first block
    // of instance i + 1 only overlaps the last (72-column) block of instance i.
    p.ofmap_sram_bytes = 80000;
    EXPECT_TRUE(systolic_plan(gemm(100, 256, 200, 1), p).double_buffered);
    EXPECT_TRUE(systolic_plan(gemm(100, 256, 200, 2), p).double_buffered);
    p.ofmap_sram_bytes = 79999;  // the outputs no longer fit, and two 51,200 B blocks do not
    EXPECT_FALSE(systolic_plan(gemm(100, 256, 200, 2), p).double_buffered);
}

}  // namespace
