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

}  // namespace
}  // namespace qasim::models
