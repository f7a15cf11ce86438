// Double buffering across batch instances (lut_model.h, "double_buffered"): a resident B that
// fails the 2× chunk test is double-buffered with batch > 1 only if the last B chunk of an
// instance plus the next instance's first B chunk fit the weight buffer (two copies when B is one
// chunk).
#include <gtest/gtest.h>

#include "models/lut_core/lut_model.h"

namespace qasim::models {
namespace {

Op gemm(uint64_t m, uint64_t k, uint64_t n, uint64_t batch) {
    Op op;
    op.name = "g";
    op.kind = OpKind::gemm;
    op.m = m;
    op.k = k;
    op.n = n;
    op.batch = batch;
    op.a = parse_format("fp16");
    op.b = parse_format("int4/g128/fp16");
    op.out = parse_format("fp16");
    return op;
}

TEST(LutDoubleBuffer, ResidentBNeedsTwoCopiesAcrossInstances) {
    // K = 128 (one scale group, the K-chunk quantum), N = 64: B = 64 × 128 / 2 + 64 × 2 = 4,224 B.
    // The 2× test uses a padded column block of SN = 1024 columns (135 KiB), so B is double
    // buffered only as resident; the first (and only) chunk of an instance is all of B.
    LutCoreParams p;
    p.precompute = Precompute::fused;
    const uint64_t b = 128 * 64 / 2 + 64 * 2;
    ASSERT_EQ(gemm(2, 128, 64, 1).b.matrix_bytes(128, 64), b);
    p.weight_sram_bytes = 5000;  // one copy fits, two do not
    LutBlocking blk = lut_blocking(gemm(2, 128, 64, 1), p);
    ASSERT_TRUE(blk.b_resident);
    EXPECT_TRUE(blk.double_buffered);
    EXPECT_TRUE(lut_core_plan(gemm(2, 128, 64, 1), p).double_buffered);
    blk = lut_blocking(gemm(2, 128, 64, 2), p);
    EXPECT_TRUE(blk.b_resident);
    EXPECT_FALSE(blk.double_buffered);
    EXPECT_FALSE(lut_core_plan(gemm(2, 128, 64, 2), p).double_buffered);
    p.weight_sram_bytes = 2 * b;
    EXPECT_TRUE(lut_core_plan(gemm(2, 128, 64, 2), p).double_buffered);
    EXPECT_TRUE(lut_core_plan(gemm(2, 128, 64, 1), p).double_buffered);
    p.weight_sram_bytes = 2 * b - 1;
    EXPECT_FALSE(lut_core_plan(gemm(2, 128, 64, 2), p).double_buffered);
}

TEST(LutDoubleBuffer, ChunkedResidentBOnlyNeedsTheLastChunk) {
    // K = 256: two K chunks of 128 (4,224 B each, B = 8,448 B). The last tile of an instance reads
    // only the second chunk, so the next instance's first chunk fits beside it.
    LutCoreParams p;
    p.precompute = Precompute::fused;
    const uint64_t b = gemm(2, 256, 64, 1).b.matrix_bytes(256, 64);
    ASSERT_EQ(b, 2u * (128 * 64 / 2 + 64 * 2));
    p.weight_sram_bytes = b;
    const LutBlocking blk = lut_blocking(gemm(2, 256, 64, 2), p);
    EXPECT_TRUE(blk.b_resident);
    EXPECT_EQ(blk.kc, 128u);
    EXPECT_TRUE(blk.double_buffered);
    p.weight_sram_bytes = b - 1;  // not resident: chunks of 4,224 B do not fit twice
    EXPECT_FALSE(lut_core_plan(gemm(2, 256, 64, 2), p).double_buffered);
}

TEST(LutDoubleBuffer, MacDatapathSameRule) {
    LutCoreParams p;
    p.datapath = TcDatapath::mac;
    Op op = gemm(2, 128, 64, 1);
    op.b = parse_format("int4/g128/fp16");
    p.weight_sram_bytes = 5000;
    EXPECT_TRUE(lut_core_plan(op, p).double_buffered);
    op.batch = 4;
    EXPECT_FALSE(lut_core_plan(op, p).double_buffered);
    p.weight_sram_bytes = 2 * op.b.matrix_bytes(128, 64);
    EXPECT_TRUE(lut_core_plan(op, p).double_buffered);
}

}  // namespace
}  // namespace qasim::models
