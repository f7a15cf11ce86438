// Double buffering across batch instances (systolic_model.h, "double_buffered"): every instance
// reloads A and B, so with batch > 1 a resident operand needs the last fold's slice plus the next
// instance's first-fold slice (two copies when the operand is one slice); outputs the last output
// block plus the next instance's first.
#include <gtest/gtest.h>

#include "models/op.h"
#include "models/systolic/systolic_model.h"
#include "models/tile_runs.h"

#include <algorithm>

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
    p.k_split = false;  // these tests check the whole-fold rules; SystolicKSplit below
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

TEST(SystolicKSplit, OutputStationaryGemvStreamsKPieces) {
    // ANT-like decode down_proj: 16×64 OS, W4 (int4/g128) B, K = 11008, N = 4096, M = 1, 512 KiB
    // filter buffer: one fold's K × 64 panel (~358 KB with scales) does not fit twice.
    for (SystolicMode mode : {SystolicMode::scalesim, SystolicMode::physical}) {
        SystolicParams p = params(Dataflow::os);
        p.rows = 16;
        p.cols = 64;
        p.mode = mode;
        p.ifmap_sram_bytes = p.filter_sram_bytes = 512 * 1024;
        p.ofmap_sram_bytes = 128 * 1024;
        Op op = gemm(1, 11008, 4096, 1);
        op.kind = OpKind::gemm;
        op.a = op.out = parse_format("fp16");
        op.b = parse_format("int4/g128");
        const TilePlan whole = systolic_plan(op, p);
        EXPECT_FALSE(whole.double_buffered);
        p.k_split = true;
        const TilePlan split = systolic_plan(op, p);
        EXPECT_TRUE(split.double_buffered);
        EXPECT_EQ(split.tile_count(), 2 * whole.tile_count());
        uint64_t max_b = 0;
        for (const Tile& t : split.tiles) max_b = std::max(max_b, t.load_b_bytes);
        EXPECT_LE(2 * max_b, p.filter_sram_bytes);
        // The pieces add up exactly (split_k): cycles, MACs, loads, stores, buffer traffic.
        EXPECT_EQ(split.compute_cycles(), whole.compute_cycles());
        EXPECT_EQ(split.macs(), whole.macs());
        EXPECT_EQ(split.load_bytes(), whole.load_bytes());
        EXPECT_EQ(split.store_bytes(), whole.store_bytes());
        EXPECT_EQ(split.actions().all(), whole.actions().all());
        uint64_t sr = 0, sw = 0, wr = 0, ww = 0;
        for (const Tile& t : split.tiles) sr += t.count * t.sram_read_bytes, sw += t.count * t.sram_write_bytes;
        for (const Tile& t : whole.tiles) wr += t.count * t.sram_read_bytes, ww += t.count * t.sram_write_bytes;
        EXPECT_EQ(sr, wr);
        EXPECT_EQ(sw, ww);
        // Outputs are written by the last piece of each fold only.
        EXPECT_EQ(split.tiles.front().sram_write_bytes, 0u);
        EXPECT_EQ(split.tiles.front().actions.get("sram_write_bits.ofmap"), 0u);
    }
}

TEST(SystolicKSplit, OnlyOutputStationaryWithOneRowFold) {
    SystolicParams p = params(Dataflow::os);
    p.k_split = true;
    p.filter_sram_bytes = 40000;  // a 1001 × 128 int8 panel does not fit twice
    // M = 200 > R: two row folds re-use each B panel: not split.
    const TilePlan two_rows = systolic_plan(gemm(200, 1001, 256, 1), p);
    p.k_split = false;
    EXPECT_EQ(two_rows.tile_count(), systolic_plan(gemm(200, 1001, 256, 1), p).tile_count());
    // Weight stationary: folds are already K slices of R rows.
    SystolicParams w = params(Dataflow::ws);
    w.filter_sram_bytes = 40000;
    const TilePlan ws_off = systolic_plan(gemm(1, 1001, 256, 1), w);
    w.k_split = true;
    EXPECT_EQ(systolic_plan(gemm(1, 1001, 256, 1), w).tile_count(), ws_off.tile_count());
}

TEST(SplitK, PiecesAddUpExactly) {
    Tile t;
    t.compute_cycles = 1000003;
    t.macs = 777;
    t.load_a_bytes = 10;
    t.load_b_bytes = 99999;
    t.store_bytes = 64;
    t.sram_read_bytes = 12345;
    t.sram_write_bytes = 64;
    t.actions.add("mac", 777);
    t.actions.add("out_w", 512);
    const auto v = split_k(t, 1001, 300, {"out_w"});  // pieces 300, 300, 300, 101
    uint64_t n = 0, cyc = 0, lb = 0, st = 0, ow = 0, mac = 0;
    for (const Tile& p : v) {
        n += p.count;
        cyc += p.count * p.compute_cycles;
        lb += p.count * p.load_b_bytes;
        st += p.count * p.store_bytes;
        ow += p.count * p.actions.get("out_w");
        mac += p.count * p.actions.get("mac");
    }
    EXPECT_EQ(n, 4u);
    EXPECT_EQ(cyc, t.compute_cycles);
    EXPECT_EQ(lb, t.load_b_bytes);
    EXPECT_EQ(st, 64u);
    EXPECT_EQ(ow, 512u);
    EXPECT_EQ(mac, 777u);
    EXPECT_EQ(v.front().store_bytes, 0u);
    EXPECT_EQ(v.front().load_b_bytes, 99999u * 300 / 1001);
    EXPECT_EQ(split_k(t, 1001, 1001, {}).size(), 1u);  // one piece: the tile itself
}

}  // namespace
