// Double buffering across batch instances (bitserial_model.h, "double_buffered"): every instance
// reloads its operands, so with batch > 1 a resident operand needs room for what the instance's
// last tile still reads plus the next instance's first-tile load (two copies when the operand is
// one block), and held outputs their copy plus the next first tile's outputs.
#include <gtest/gtest.h>

#include "models/bitserial/bitserial_model.h"

namespace qasim::models {
namespace {

BitserialParams array64x16() {
    BitserialParams p;  // 64 × 16 PEs, 512 KiB weight / act, 128 KiB out
    p.rows = 64;
    p.cols = 16;
    p.k_split = false;  // these tests check the whole-tile rules; KSplit tests below
    return p;
}

Op gemm(uint64_t m, uint64_t k, uint64_t n, uint64_t batch, const char* w = "int8") {
    Op op;
    op.name = "pv";
    op.kind = OpKind::attention_pv;
    op.m = m;
    op.k = k;
    op.n = n;
    op.batch = batch;
    op.a = parse_format("fp16");
    op.b = parse_format(w);
    op.out = parse_format("fp16");
    return op;
}

TEST(BitserialDoubleBuffer, ResidentWeightsNeedTwoCopiesAcrossInstances) {
    // M = 1, K = 256, N = 64: one N block, so each instance loads its whole 16 KiB of int8 B in
    // its first (and only) tile.
    BitserialParams p = array64x16();
    const uint64_t w = 256 * 64;
    p.weight_sram_bytes = 20000;  // one copy fits, two do not
    EXPECT_TRUE(bitserial_plan(gemm(1, 256, 64, 1), p).double_buffered);   // batch 1: resident
    EXPECT_FALSE(bitserial_plan(gemm(1, 256, 64, 2), p).double_buffered);  // 16 KiB + 16 KiB
    p.weight_sram_bytes = 2 * w;  // exactly two copies
    EXPECT_TRUE(bitserial_plan(gemm(1, 256, 64, 2), p).double_buffered);
    EXPECT_TRUE(bitserial_plan(gemm(1, 256, 64, 1), p).double_buffered);
}

TEST(BitserialDoubleBuffer, ResidentActivationsNeedTwoCopiesAcrossInstances) {
    // A = 1 × 256 fp16 = 512 B, loaded whole by the first tile of each instance.
    BitserialParams p = array64x16();
    p.act_sram_bytes = 600;
    EXPECT_TRUE(bitserial_plan(gemm(1, 256, 64, 1), p).double_buffered);
    EXPECT_FALSE(bitserial_plan(gemm(1, 256, 64, 2), p).double_buffered);
    p.act_sram_bytes = 1024;
    EXPECT_TRUE(bitserial_plan(gemm(1, 256, 64, 2), p).double_buffered);
}

TEST(BitserialDoubleBuffer, HeldOutputsNeedRoomForTheNextInstancesFirstTile) {
    // M = 32, N = 128: 2 × 2 output blocks of 64 × 16; all 8 KiB of fp16 outputs are held and
    // stored at the instance's end; the next instance's first tile produces 64 × 16 × 2 = 2 KiB.
    BitserialParams p = array64x16();
    const Op one = gemm(32, 256, 128, 1), two = gemm(32, 256, 128, 2);
    const uint64_t out_all = 32 * 128 * 2, first = 64 * 16 * 2;
    p.out_sram_bytes = out_all;
    const TilePlan plan1 = bitserial_plan(one, p);
    ASSERT_EQ(plan1.store_bytes(), out_all);
    EXPECT_EQ(plan1.tile_count(), 4u);
    EXPECT_TRUE(plan1.double_buffered);
    EXPECT_FALSE(bitserial_plan(two, p).double_buffered);
    p.out_sram_bytes = out_all + first;  // the copy plus one tile, not two copies
    EXPECT_TRUE(bitserial_plan(two, p).double_buffered);
    p.out_sram_bytes = out_all + first - 1;
    EXPECT_FALSE(bitserial_plan(two, p).double_buffered);
    EXPECT_TRUE(bitserial_plan(one, p).double_buffered);
}

TEST(BitserialDoubleBuffer, StreamedWeightSlicesOnlyNeedTheLastSliceAcrossInstances) {
    // M = 1, N = 100: two N blocks (64 + 36 rows), int8 slices of 16,384 B and 9,216 B loaded by
    // the two tiles. 25,600 B fit, two first slices (32,768 B) do not. During the last tile of an
    // instance only its 36-row slice is live, so the next instance's first slice fits beside it.
    BitserialParams p = array64x16();
    p.weight_sram_bytes = 26000;
    EXPECT_TRUE(bitserial_plan(gemm(1, 256, 100, 1), p).double_buffered);
    EXPECT_TRUE(bitserial_plan(gemm(1, 256, 100, 2), p).double_buffered);
    p.weight_sram_bytes = 25599;  // no longer resident, two slices do not fit
    EXPECT_FALSE(bitserial_plan(gemm(1, 256, 100, 1), p).double_buffered);
    EXPECT_FALSE(bitserial_plan(gemm(1, 256, 100, 2), p).double_buffered);
}

TEST(BitserialDoubleBuffer, TwoTilesFitIsUnaffectedByBatch) {
    // 4 N blocks of 64 columns × K 256 int8 = 16 KiB each: two fit 40,000 B, the whole B does not.
    BitserialParams p = array64x16();
    p.weight_sram_bytes = 40000;
    EXPECT_TRUE(bitserial_plan(gemm(1, 256, 256, 1), p).double_buffered);
    EXPECT_TRUE(bitserial_plan(gemm(1, 256, 256, 8), p).double_buffered);
}

TEST(BitserialKSplit, StreamsAWeightSliceTooLargeToDoubleBuffer) {
    // The case that motivated it: LLaMA-2-7B down_proj in decode, W3 (bitmod3/g128) weights,
    // K = 11008, 512 KiB weight buffer. One N block's slice is 269,696 B: two do not fit.
    BitserialParams p = array64x16();
    p.bits_per_cycle = 2;
    Op op = gemm(1, 11008, 4096, 1, "bitmod3/g128");
    op.kind = OpKind::gemm;
    const TilePlan whole = bitserial_plan(op, p);
    EXPECT_FALSE(whole.double_buffered);
    EXPECT_EQ(whole.tile_count(), 64u);
    p.k_split = true;
    const TilePlan split = bitserial_plan(op, p);
    EXPECT_TRUE(split.double_buffered);
    EXPECT_EQ(split.tile_count(), 128u);  // two pieces of 43 groups each
    uint64_t max_b = 0;
    for (const Tile& t : split.tiles) max_b = std::max(max_b, t.load_b_bytes);
    EXPECT_LE(2 * max_b, p.weight_sram_bytes);
    // Exactly the same work: cycles (= the closed form), MACs, stores, buffer traffic, actions.
    EXPECT_EQ(split.compute_cycles(), whole.compute_cycles());
    EXPECT_EQ(split.compute_cycles(), bitserial_info(1, 11008, 4096, op.a, op.b, p).total_cycles);
    EXPECT_EQ(split.macs(), whole.macs());
    EXPECT_EQ(split.store_bytes(), whole.store_bytes());
    EXPECT_EQ(split.load_bytes(), whole.load_bytes());  // pieces of whole groups: no rounding
    auto sum_actions = [](const TilePlan& pl) {
        ActionCounts a;
        for (const Tile& t : pl.tiles)
            for (const auto& [k, v] : t.actions.all()) a.add(k, v * t.count);
        return a.all();
    };
    EXPECT_EQ(sum_actions(split), sum_actions(whole));
}

TEST(BitserialKSplit, UnevenPiecesAndNoGroupsAddUp) {
    // int8 without groups: pieces cut at multiples of D = 4; K = 1001 leaves a short last piece.
    BitserialParams p = array64x16();
    p.weight_sram_bytes = 40000;  // one 1001 × 64 slice (64,064 B) does not fit even once
    Op op = gemm(1, 1001, 130, 1);
    const TilePlan whole = bitserial_plan(op, p);
    EXPECT_FALSE(whole.double_buffered);
    p.k_split = true;
    const TilePlan split = bitserial_plan(op, p);
    EXPECT_TRUE(split.double_buffered);
    EXPECT_GT(split.tile_count(), whole.tile_count());
    EXPECT_EQ(split.compute_cycles(), whole.compute_cycles());
    EXPECT_EQ(split.macs(), whole.macs());
    EXPECT_EQ(split.store_bytes(), whole.store_bytes());
    EXPECT_EQ(split.load_bytes(), whole.load_bytes());
    // Only the last piece of each tile stores; the first pieces store nothing.
    EXPECT_EQ(split.tiles.front().store_bytes, 0u);
}

TEST(BitserialKSplit, PerChannelScalesAreLoadedOnce) {
    // OliVe-like weights with per-channel scales (ovp4/channel): the scales do not grow with K,
    // so only the first piece loads them and the pieces add up to the whole slice.
    BitserialParams p = array64x16();
    p.rows = 72;
    Op op = gemm(1, 11008, 4096, 1, "ovp4/channel");
    op.kind = OpKind::gemm;
    const TilePlan whole = bitserial_plan(op, p);
    ASSERT_FALSE(whole.double_buffered);
    p.k_split = true;
    const TilePlan split = bitserial_plan(op, p);
    ASSERT_TRUE(split.double_buffered);
    EXPECT_GT(split.tile_count(), whole.tile_count());
    EXPECT_EQ(split.load_bytes(), whole.load_bytes());
    EXPECT_EQ(split.compute_cycles(), whole.compute_cycles());
    EXPECT_GT(split.tiles[0].load_b_bytes, split.tiles[1].load_b_bytes);  // the scales
}

TEST(BitserialKSplit, NotUsedWithSeveralTokenBlocksOrWhenItCannotHelp) {
    BitserialParams p = array64x16();
    p.k_split = true;
    p.weight_sram_bytes = 40000;
    // M = 64 tokens: 4 column blocks re-use each weight slice, no split.
    const TilePlan prefill = bitserial_plan(gemm(64, 1001, 130, 1), p);
    EXPECT_EQ(prefill.tile_count(), bitserial_plan(gemm(64, 1001, 130, 1), [&] {
                                        BitserialParams q = p;
                                        q.k_split = false;
                                        return q;
                                    }()).tile_count());
    // The output buffer is the limit: the 16 KiB fp32 output is not held, and two tiles' stores
    // (64 rows × 4 B each) do not fit 300 B.
    p.weight_sram_bytes = 512 * 1024;
    p.out_sram_bytes = 300;
    Op op = gemm(1, 11008, 4096, 1, "bitmod3/g128");
    op.out = parse_format("fp32");
    const TilePlan t = bitserial_plan(op, p);
    EXPECT_FALSE(t.double_buffered);
    EXPECT_EQ(t.tile_count(), 64u);  // unsplit
}

}  // namespace
}  // namespace qasim::models
