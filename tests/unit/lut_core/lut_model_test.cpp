// LUT tensor core model: closed forms of models/lut_core/lut_model.h.
#include <gtest/gtest.h>

#include "models/lut_core/lut_model.h"

namespace qasim::models {
namespace {

Op gemm(uint64_t m, uint64_t k, uint64_t n, const std::string& a, const std::string& b) {
    Op op;
    op.name = "g";
    op.kind = OpKind::gemm;
    op.m = m;
    op.k = k;
    op.n = n;
    op.a = parse_format(a);
    op.b = parse_format(b);
    op.out = parse_format("fp16");
    return op;
}

LutCoreParams fused() {
    LutCoreParams p;
    p.precompute = Precompute::fused;
    return p;
}

TEST(LutTable, SizeWithAndWithoutSymmetry) {
    EXPECT_EQ(lut_table_entries(4, true), 8u);    // LUT Tensor Core: 8 entries per K=4 group
    EXPECT_EQ(lut_table_entries(4, false), 16u);  // T-MAC before the sign trick
    EXPECT_EQ(lut_table_entries(1, true), 1u);
    EXPECT_EQ(lut_table_entries(8, false), 256u);
    // Entry widths: fp16 tables for float activations, exact sums for integers.
    EXPECT_EQ(lut_entry_bits(parse_format("fp16"), 4, 0), 16u);
    EXPECT_EQ(lut_entry_bits(parse_format("fp8_e4m3"), 4, 0), 16u);
    EXPECT_EQ(lut_entry_bits(parse_format("int8"), 4, 0), 10u);
    EXPECT_EQ(lut_entry_bits(parse_format("int8"), 4, 8), 8u);
    // Build adds: symmetric g-1 for the first entry + one per further entry; plain 2^g - 1 - g.
    EXPECT_EQ(lut_build_adds(4, true), 3u + 7u);
    EXPECT_EQ(lut_build_adds(4, false), 11u);
}

TEST(LutTable, TableStorageAndWritesFollowSymmetry) {
    const Op op = gemm(64, 256, 1024, "fp16", "int2");
    LutCoreParams sym = fused(), plain = fused();
    plain.symmetric_table = false;
    const ActionCounts as = lut_core_plan(op, sym).actions(), ap = lut_core_plan(op, plain).actions();
    // Table entries written once per row and group: M · K/g · E · entry_bits.
    EXPECT_EQ(as.get("sram_write_bits.table"), 64u * 64 * 8 * 16);
    EXPECT_EQ(ap.get("sram_write_bits.table"), 64u * 64 * 16 * 16);
    // Lookups do not depend on the table size; symmetric tables need the correction add.
    EXPECT_EQ(as.get("lookup"), ap.get("lookup"));
    EXPECT_EQ(as.get("bias_add"), 64u * 1024);
    EXPECT_EQ(ap.get("bias_add"), 0u);
}

TEST(LutLookups, PerTileOfThePaperShape) {
    // One engine, one M2×N64×K4 tile, 1-bit weights: one cycle, 2·64 lookups, one table per row.
    LutCoreParams p = fused();
    p.engines = 1;
    const Op op = gemm(2, 4, 64, "fp16", "int1");
    const TilePlan plan = lut_core_plan(op, p);
    EXPECT_EQ(plan.compute_cycles(), 1u);
    const ActionCounts a = plan.actions();
    EXPECT_EQ(a.get("lookup"), 2u * 64);
    EXPECT_EQ(a.get("shift_acc"), 2u * 64);
    EXPECT_EQ(a.get("tree_add"), 0u);          // tile_k = g: one lookup per lane and step
    EXPECT_EQ(a.get("lut_write"), 2u * 1 * 8);  // 2 rows × 1 group × 8 entries into the engine
    EXPECT_EQ(a.get("sram_read_bits.weight"), 4u * 64);
    EXPECT_EQ(plan.macs(), 2u * 4 * 64);
    EXPECT_EQ(plan.peak_ops_per_cycle, 512u);
}

TEST(LutLookups, ClosedFormOnALargeGemm) {
    const LutCoreParams p = fused();  // 16 engines, M2×N64×K4, g = 4
    const uint64_t M = 256, K = 4096, N = 4096;
    for (const char* w : {"int1", "int2", "int3", "int4"}) {
        const Op op = gemm(M, K, N, "fp16", w);
        const uint64_t P = parse_format(w).bits;
        const TilePlan plan = lut_core_plan(op, p);
        EXPECT_EQ(plan.compute_cycles(), (M / 2) * (N / 1024) * (K / 4) * P) << w;
        const ActionCounts a = plan.actions();
        EXPECT_EQ(a.get("lookup"), M * N * (K / 4) * P) << w;
        EXPECT_EQ(a.get("shift_acc"), M * N * (K / 4) * P) << w;
        EXPECT_EQ(plan.macs(), M * K * N);
    }
}

TEST(LutScaling, CyclesAndLookupsLinearInWeightBits) {
    const LutCoreParams p = fused();
    const Op w1 = gemm(512, 4096, 11008, "fp16", "int1");
    const Op w2 = gemm(512, 4096, 11008, "fp16", "int2");
    const Op w4 = gemm(512, 4096, 11008, "fp16", "int4");
    const TilePlan p1 = lut_core_plan(w1, p), p2 = lut_core_plan(w2, p), p4 = lut_core_plan(w4, p);
    EXPECT_EQ(p2.compute_cycles(), 2 * p1.compute_cycles());
    EXPECT_EQ(p4.compute_cycles(), 4 * p1.compute_cycles());
    EXPECT_EQ(p2.actions().get("lookup"), 2 * p1.actions().get("lookup"));
    EXPECT_EQ(p4.actions().get("lookup"), 4 * p1.actions().get("lookup"));
    // The MAC baseline does not care about the weight bits.
    LutCoreParams mac;
    mac.datapath = TcDatapath::mac;
    mac.tile_m = mac.tile_n = mac.tile_k = 8;
    EXPECT_EQ(lut_core_plan(w1, mac).compute_cycles(), lut_core_plan(w4, mac).compute_cycles());
    EXPECT_EQ(lut_core_plan(w1, mac).compute_cycles(), (512u / 8) * (11008 / 128) * (4096 / 8));
}

TEST(LutTernary, TwoPlanesAndOneCorrectionPerOutput) {
    LutCoreParams p = fused();
    p.symmetric_table = false;
    const Op t = gemm(64, 2560, 2560, "int8", "ternary");
    const Op i2 = gemm(64, 2560, 2560, "int8", "int2");
    EXPECT_EQ(lut_weight_planes(parse_format("ternary")), 2u);
    const TilePlan pt = lut_core_plan(t, p), p2 = lut_core_plan(i2, p);
    EXPECT_EQ(pt.compute_cycles(), p2.compute_cycles());
    EXPECT_EQ(pt.actions().get("lookup"), p2.actions().get("lookup"));
    EXPECT_EQ(pt.actions().get("bias_add"), 64u * 2560);  // u = w + 1: subtract Σa once per output
    EXPECT_EQ(p2.actions().get("bias_add"), 0u);
    EXPECT_EQ(pt.actions().get("lookup"), 64u * 2560 * (2560 / 4) * 2);
}

TEST(LutPrecompute, OnChipBuildsFusedLoadsTables) {
    const Op op = gemm(256, 4096, 4096, "fp16", "int1");
    LutCoreParams on = fused(), fu = fused();
    on.precompute = Precompute::on_chip;
    // B (2 MiB) resident, so that both keep the row order and load A / the tables once. (With the
    // default 1 MiB weight buffer the fused core now takes the weight-resident order and
    // re-loads the tables per column superblock, LutBlocking.WeightResidentOrder... below; this
    // test used that buffer when the traffic rule was "B per row block, A once".)
    on.weight_sram_bytes = fu.weight_sram_bytes = 4ull << 20;
    const TilePlan pon = lut_core_plan(op, on), pfu = lut_core_plan(op, fu);
    const ActionCounts aon = pon.actions(), afu = pfu.actions();
    // On chip: M·G tables built, with their adds; fused: none here.
    EXPECT_EQ(aon.get("table_build"), 256u * 1024);
    EXPECT_EQ(aon.get("table_build_add"), 256u * 1024 * 10);
    EXPECT_EQ(afu.get("table_build"), 0u);
    EXPECT_EQ(afu.get("table_build_add"), 0u);
    // Both write the same tables into the table buffer.
    EXPECT_EQ(aon.get("sram_write_bits.table"), afu.get("sram_write_bits.table"));
    // Fused loads the tables (M·G·8 entries·2 B) instead of A (M·K·2 B).
    uint64_t a_on = 0, a_fu = 0;
    for (const Tile& t : pon.tiles) a_on += t.count * t.load_a_bytes;
    for (const Tile& t : pfu.tiles) a_fu += t.count * t.load_a_bytes;
    EXPECT_EQ(a_on, 256u * 4096 * 2);
    EXPECT_EQ(a_fu, 256u * 1024 * 8 * 2);
    // On chip: only the first row block's build is exposed (later ones overlap the lookups).
    const LutBlocking blk = lut_blocking(op, on);
    const uint64_t pre0 = blk.bm * 1024 * 8 / on.precompute_entries_per_cycle;
    EXPECT_EQ(pon.compute_cycles(), pfu.compute_cycles() + pre0);
}

TEST(LutPrecompute, SlowBuildIsExposedEveryRowBlock) {
    const Op op = gemm(64, 1024, 64, "fp16", "int1");
    LutCoreParams p = fused();
    p.precompute = Precompute::on_chip;
    p.engines = 1;
    p.precompute_entries_per_cycle = 1;
    p.table_sram_bytes = 2 * 2 * 256 * 8 * 2;  // two row blocks of 2 rows
    const LutBlocking blk = lut_blocking(op, p);
    ASSERT_EQ(blk.bm, 2u);
    const uint64_t lookup = 1 * 1 * 256;       // per row block
    const uint64_t pre = 2 * 256 * 8;          // per row block, 1 entry/cycle
    EXPECT_EQ(lut_core_plan(op, p).compute_cycles(), pre + 32 * lookup + 31 * (pre - lookup));
}

TEST(LutPrecompute, TablesThatDoNotFitTwiceAreBuiltSerially) {
    const Op op = gemm(8, 1024, 64, "fp16", "int1");
    LutCoreParams p = fused();
    p.precompute = Precompute::on_chip;
    p.engines = 1;
    p.table_sram_bytes = 2 * 256 * 8 * 2;  // one row block of 2 rows only
    const LutBlocking blk = lut_blocking(op, p);
    EXPECT_FALSE(blk.tables_double_buffered);
    EXPECT_FALSE(blk.double_buffered);
    const uint64_t pre = 2 * 256 * 8 / 16, lookup = 256;
    EXPECT_EQ(lut_core_plan(op, p).compute_cycles(), 4 * (pre + lookup));
}

TEST(LutWeightReuse, FewerWeightReadsSameCycles) {
    const Op op = gemm(64, 1024, 2048, "fp16", "int2");
    LutCoreParams one = fused(), four = fused();
    four.weight_reuse_m = 4;
    const TilePlan p1 = lut_core_plan(op, one), p4 = lut_core_plan(op, four);
    EXPECT_EQ(p1.compute_cycles(), p4.compute_cycles());
    EXPECT_EQ(p1.actions().get("lookup"), p4.actions().get("lookup"));
    EXPECT_EQ(p1.actions().get("sram_read_bits.weight"), 4 * p4.actions().get("sram_read_bits.weight"));
    EXPECT_EQ(p1.actions().get("sram_read_bits.weight"), (64u / 2) * 1024 * 2048 * 2);
}

TEST(LutPorts, FewerLookupPortsTakeMoreCycles) {
    const Op op = gemm(64, 1024, 4096, "fp16", "int2");
    LutCoreParams full = fused(), half = fused();
    half.lookup_ports = 32;
    EXPECT_EQ(lut_core_plan(op, half).compute_cycles(), 2 * lut_core_plan(op, full).compute_cycles());
}

TEST(LutSupport, RejectsUnsupportedCombinations) {
    const LutCoreParams p;
    const std::string w8 = lut_core_support(gemm(1, 64, 64, "fp16", "int8"), p);
    EXPECT_NE(w8.find("1-4-bit integer or ternary weights"), std::string::npos) << w8;
    EXPECT_NE(w8.find("8-bit weights need a MAC unit"), std::string::npos) << w8;
    EXPECT_NE(lut_core_support(gemm(1, 64, 64, "fp16", "fp16"), p).find("got fp16"), std::string::npos);
    EXPECT_NE(lut_core_support(gemm(1, 64, 64, "fp32", "int2"), p).find("activations"), std::string::npos);
    EXPECT_NE(lut_core_support(gemm(1, 64, 64, "bf16", "int2"), p).find("act_format"), std::string::npos);
    EXPECT_EQ(lut_core_support(gemm(1, 64, 64, "fp16", "int4/g128/fp16"), p), "");
    EXPECT_EQ(lut_core_support(gemm(1, 64, 64, "int8", "ternary/tensor"), p), "");
    EXPECT_EQ(lut_core_support(gemm(1, 64, 64, "fp8_e4m3", "int1"), p), "");
    Op soft;
    soft.kind = OpKind::softmax;
    soft.elems = 10;
    EXPECT_NE(lut_core_support(soft, p).find("matmul"), std::string::npos);
    EXPECT_THROW(lut_core_plan(gemm(1, 64, 64, "fp16", "int8"), p), std::invalid_argument);
    EXPECT_THROW(lut_core_plan(gemm(0, 64, 64, "fp16", "int2"), p), std::invalid_argument);
    EXPECT_THROW(lut_weight_planes(parse_format("int5")), std::invalid_argument);
    EXPECT_THROW(lut_core_plan(gemm(1u << 24, 1u << 24, 1u << 24, "fp16", "int2"), p), std::invalid_argument);
}

TEST(LutRescale, GroupScalesCostOneRescalePerGroupAndOutput) {
    const Op op = gemm(4, 1024, 64, "fp16", "int4/g128/fp16");
    const ActionCounts a = lut_core_plan(op, fused()).actions();
    EXPECT_EQ(a.get("rescale"), 4u * 64 * (1024 / 128));
}

TEST(MacBaseline, DequantizesOncePerRowSubTile) {
    LutCoreParams mac;
    mac.datapath = TcDatapath::mac;
    mac.tile_m = mac.tile_n = mac.tile_k = 8;
    const Op op = gemm(64, 512, 1024, "fp16", "int2");
    const TilePlan plan = lut_core_plan(op, mac);
    const ActionCounts a = plan.actions();
    EXPECT_EQ(a.get("mac"), 64u * 512 * 1024);
    EXPECT_EQ(a.get("dequant"), (64u / 8) * 512 * 1024);
    EXPECT_EQ(a.get("lookup"), 0u);
    // fp16 B (attention, lm_head): nothing to dequantize.
    EXPECT_EQ(lut_core_plan(gemm(64, 512, 1024, "fp16", "fp16"), mac).actions().get("dequant"), 0u);
    EXPECT_NE(lut_core_support(gemm(1, 64, 64, "fp16", "bitmod4/g128"), mac).find("dequantizer"), std::string::npos);
}

TEST(LutBlocking, TrafficLoadsAOnceAndBPerRowBlock) {
    const Op op = gemm(256, 4096, 4096, "fp16", "int4");
    const LutCoreParams p = fused();
    const LutBlocking blk = lut_blocking(op, p);
    const TilePlan plan = lut_core_plan(op, p);
    uint64_t b = 0;
    for (const Tile& t : plan.tiles) b += t.count * t.load_b_bytes;
    const uint64_t row_blocks = (256 + blk.bm - 1) / blk.bm;
    EXPECT_FALSE(blk.b_resident);
    EXPECT_EQ(b, row_blocks * 4096u * 4096 / 2);
    EXPECT_TRUE(plan.double_buffered);
    EXPECT_EQ(plan.store_bytes(), 256u * 4096 * 2);
}

TEST(LutBlocking, RowSuperblocksStreamBOncePerSuperblock) {
    // LLaMA-2-7B q_proj, 256 tokens, int2 weights, tile_m 1, tile_n 128, 16 engines (SN = 2048):
    // B (4 MiB) is cut into K chunks of 1024 (2 × 1024 × 2048 × 2 bit = 1 MiB); the output
    // buffer (accumulators + two output blocks: 16 KiB per row) limits a row block to 16 rows,
    // but the table buffer holds 2 × 32 rows of tables (16 KiB each): superblocks of 32 rows.
    // Old rule: B per row block, 256/16 = 16 times; now 256/32 = 8 times.
    const Op op = gemm(256, 4096, 4096, "fp16", "int2");
    LutCoreParams p;  // on_chip
    p.tile_m = 1;
    p.tile_n = 128;
    p.lookup_ports = 128;
    const LutBlocking blk = lut_blocking(op, p);
    EXPECT_EQ(blk.bm, 16u);
    EXPECT_EQ(blk.kc, 1024u);
    EXPECT_EQ(blk.super_rows, 32u);
    EXPECT_FALSE(blk.b_outer);
    const TilePlan plan = lut_core_plan(op, p);
    uint64_t a = 0, b = 0;
    for (const Tile& t : plan.tiles) {
        a += t.count * t.load_a_bytes;
        b += t.count * t.load_b_bytes;
    }
    EXPECT_EQ(b, 8u * 4096 * 4096 / 4);
    EXPECT_EQ(a, 256u * 4096 * 2);
    EXPECT_EQ(plan.store_bytes(), 256u * 4096 * 2);
    // Same tiles and actions as one row block per superblock (a 512 KiB table buffer: 2 × 16
    // rows); only the first exposed table build grows, from 16 to 32 rows of tables
    // (16 rows · 1024 groups · 8 entries / 16 entries per cycle more).
    LutCoreParams one = p;
    one.table_sram_bytes = 512 * 1024;
    ASSERT_EQ(lut_blocking(op, one).super_rows, 16u);
    const TilePlan ref = lut_core_plan(op, one);
    EXPECT_EQ(plan.actions().get("lookup"), uint64_t{256} * 4096 * 1024 * 2);
    EXPECT_EQ(plan.actions().get("table_build"), ref.actions().get("table_build"));
    EXPECT_EQ(plan.macs(), uint64_t{256} * 4096 * 4096);
    EXPECT_EQ(plan.compute_cycles(), ref.compute_cycles() + 16 * 1024 * 8 / 16);
}

TEST(LutBlocking, SuperblocksCoverARowBlockLargerThanM) {
    // Decode (M = 1 < tile_m = 2): one row block, one superblock, B streamed once.
    for (const LutCoreParams& p : {LutCoreParams{}, fused()}) {
        const Op op = gemm(1, 4096, 11008, "fp16", "int4");
        const TilePlan plan = lut_core_plan(op, p);
        EXPECT_EQ(plan.macs(), uint64_t{4096} * 11008);
        uint64_t b = 0;
        for (const Tile& t : plan.tiles) b += t.count * t.load_b_bytes;
        EXPECT_EQ(b, op.b.matrix_bytes(4096, 11008));
        EXPECT_EQ(plan.store_bytes(), 11008u * 2);
    }
}

TEST(LutBlocking, WeightResidentOrderWhenItMovesFewerBytes) {
    // Fused int1, 256×4096×4096, 1 MiB weight buffer: B = 2 MiB, tables 4 MiB (16 KiB a row).
    // Row order: tables once + B per 32-row superblock (8×): 4 + 16 = 20 MiB. Weight-resident
    // order: 1024-column superblocks (512 KiB, two in the buffer), tables re-loaded 4×:
    // 2 + 16 = 18 MiB.
    const Op op = gemm(256, 4096, 4096, "fp16", "int1");
    const LutCoreParams p = fused();
    const LutBlocking blk = lut_blocking(op, p);
    ASSERT_TRUE(blk.b_outer);
    EXPECT_EQ(blk.super_cols, 1024u);
    const TilePlan plan = lut_core_plan(op, p);
    uint64_t a = 0, b = 0;
    for (const Tile& t : plan.tiles) {
        a += t.count * t.load_a_bytes;
        b += t.count * t.load_b_bytes;
    }
    const uint64_t MiB = 1ull << 20;
    EXPECT_EQ(b, 2 * MiB);
    EXPECT_EQ(a, 16 * MiB);
    // Same tiles as the row order: lookups and cycles unchanged.
    LutCoreParams big = p;
    big.weight_sram_bytes = 4 * MiB;  // B resident
    const TilePlan ref = lut_core_plan(op, big);
    EXPECT_EQ(plan.actions().get("lookup"), ref.actions().get("lookup"));
}

}  // namespace
}  // namespace qasim::models
