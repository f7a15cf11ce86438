// Closed forms of the SRAM-PIM batched LUT-GEMV (models/sram_pim/pim_model.h): the mapping of a
// GEMV onto subarrays, linear cost in weight bits, table reuse across a batch, rejected ops.
#include <gtest/gtest.h>

#include "models/sram_pim/pim_model.h"

namespace qasim::models {
namespace {

Op gemv(uint64_t m, uint64_t k, uint64_t n, const std::string& w = "int4/g128") {
    Op op;
    op.name = "proj";
    op.kind = OpKind::gemm;
    op.m = m;
    op.k = k;
    op.n = n;
    op.b = parse_format(w);
    op.b_src = BSrc::weight;
    return op;
}

TEST(PimModel, GemvMapsOntoSubarrays) {
    // Defaults: 512 banks x 4 active subarrays = 2048 lanes; rows of 512 bits hold 128 four-bit
    // index fields (nb = 512/4); symmetric tables of 8 entries of 8+2 bits.
    const PimParams p;
    EXPECT_EQ(p.lanes(), 2048u);
    EXPECT_EQ(p.columns_per_row(), 128u);
    EXPECT_EQ(p.table_entries(), 8u);
    EXPECT_EQ(p.entry_bits(), 10u);
    EXPECT_EQ(p.capacity_bytes(), 4ull << 30);
    const PimGemv g = pim_gemv(gemv(1, 4096, 4096), p);
    EXPECT_EQ(g.groups, 1024u);          // 4096 / g
    EXPECT_EQ(g.col_blocks, 32u);        // 4096 / 128
    EXPECT_EQ(g.tasks, 32768u);
    EXPECT_EQ(g.tasks_per_lane, 16u);    // 32768 / 2048
    EXPECT_EQ(g.lanes_used, 2048u);
    EXPECT_EQ(g.table_rows, 1u);         // 8 entries x 1 row x 10 b = 80 b <= 512
    EXPECT_EQ(g.build_cycles, 1u);       // (3 + 7) adds / 128 adders
    EXPECT_EQ(g.step, 2u);               // max(step_cycles 2, 128 adds / 128 adders)
    EXPECT_EQ(g.task_cycles, 10u);       // 1 + 1 + 4 planes x 2
    EXPECT_EQ(g.rescale_groups, 1u);     // 16 tasks x 4 = 64 k per lane < 128
    EXPECT_EQ(g.rescale_cycles, 1u);     // 128 values / 128 adders
    EXPECT_EQ(g.parts, 64u);             // 1024 groups / 16 per lane
    EXPECT_EQ(g.drain_cycles, 8u);       // 128 x 32 b / 512
    EXPECT_EQ(g.reduce_cycles, 6u);      // log2 64
    EXPECT_EQ(g.quant_cycles, 16u);      // 4096 / 256
    EXPECT_EQ(g.dequant_cycles, 16u);
    EXPECT_EQ(g.cycles, 16u + 16u * 10u + 1u + 8u + 6u + 16u);
    // Actions: every weight bit is activated exactly once (rows x C = K x N x P).
    EXPECT_EQ(g.row_activations * p.subarray_cols, 4096ull * 4096 * 4);
    EXPECT_EQ(g.lookups, 4096ull * 4096 * 4 / 4);
    EXPECT_EQ(g.lut_write_rows, g.tasks);
    EXPECT_EQ(g.periphery_adds, 32768ull * 4 * 128 + 4096ull * 63);
    EXPECT_EQ(g.rescales, 4096ull * 32);
    EXPECT_EQ(g.conversions, 4096ull + 4096);
}

TEST(PimModel, PlanMovesOnlyActivationsAndOutputs) {
    const PimParams p;
    Op op = gemv(4, 4096, 11008);
    op.repeat = 32;
    const TilePlan plan = pim_plan(op, p);
    ASSERT_EQ(plan.tiles.size(), 1u);
    const Tile& t = plan.tiles[0];
    EXPECT_EQ(t.load_b_bytes, 0u);  // resident weights are computed in place
    EXPECT_EQ(t.load_a_bytes, 4u * 4096 * 2);
    EXPECT_EQ(t.store_bytes, 4u * 11008 * 2);
    EXPECT_EQ(t.compute_cycles, pim_gemv(op, p).cycles);
    EXPECT_EQ(t.macs, 4ull * 4096 * 11008);
    EXPECT_EQ(t.actions.get("row_activation"), pim_gemv(op, p).row_activations);
    EXPECT_EQ(pim_resident_bytes(op), op.b.matrix_bytes(4096, 11008) * 32);
    // Streamed weights (overflow: stream) are loaded and written into staging rows.
    const TilePlan s = pim_plan(op, p, 1 << 20);
    EXPECT_EQ(s.tiles[0].load_b_bytes, 1u << 20);
    EXPECT_EQ(s.tiles[0].actions.get("weight_write_row"), (8u << 20) / 512);
    EXPECT_GT(s.tiles[0].compute_cycles, t.compute_cycles);
}

TEST(PimModel, CyclesLinearInWeightBits) {
    const PimParams p;
    uint64_t c[9] = {};
    for (int b = 1; b <= 8; ++b) c[b] = pim_gemv(gemv(1, 4096, 4096, "int" + std::to_string(b) + "/g128"), p).cycles;
    // Affine: every extra plane adds the same t_l x step cycles (here 16 x 2).
    for (int b = 2; b <= 8; ++b) EXPECT_EQ(c[b] - c[b - 1], 32u) << b;
    // Row activations and lookups exactly proportional to the bits.
    const PimGemv g2 = pim_gemv(gemv(1, 4096, 4096, "int2/g128"), p);
    const PimGemv g8 = pim_gemv(gemv(1, 4096, 4096, "int8/g128"), p);
    EXPECT_EQ(g8.row_activations, 4 * g2.row_activations);
    EXPECT_EQ(g8.lookups, 4 * g2.lookups);
    EXPECT_NEAR(static_cast<double>(c[8]) / c[4], 2.0, 0.6);
}

TEST(PimModel, TableReuseAcrossTheBatchIsSubLinear) {
    const PimParams p;
    const PimGemv b1 = pim_gemv(gemv(1, 4096, 4096), p);
    const PimGemv b4 = pim_gemv(gemv(4, 4096, 4096), p);
    const PimGemv b8 = pim_gemv(gemv(8, 4096, 4096), p);
    // One table per task serves the whole batch (M values per entry, side by side in its rows):
    // the weight rows are activated once, whatever the batch, and the table rows grow sub-linearly.
    EXPECT_EQ(b8.row_activations, b1.row_activations);
    EXPECT_EQ(b8.lut_write_rows, 2 * b1.lut_write_rows);  // ceil(8*8*10/512) = 2 rows vs 1
    EXPECT_EQ(b8.lookups, 8 * b1.lookups);                // M values read per field
    EXPECT_LT(b4.cycles, 4 * b1.cycles);
    EXPECT_LT(b8.cycles, 8 * b1.cycles);
    EXPECT_LT(static_cast<double>(b8.cycles) / b1.cycles, 4.5);
    EXPECT_GT(b8.cycles, b4.cycles);
    EXPECT_GT(b4.cycles, b1.cycles);
    // B = 2 rides on the row activation: the step stays at step_cycles.
    EXPECT_EQ(pim_gemv(gemv(2, 4096, 4096), p).step, p.step_cycles);
}

TEST(PimModel, UnsupportedOpsSayWhy) {
    const PimParams p;
    EXPECT_EQ(pim_support(gemv(8, 4096, 4096), p), "");
    EXPECT_NE(pim_support(gemv(16, 4096, 4096), p).find("M = 16 exceeds max_batch 8"), std::string::npos);
    EXPECT_NE(pim_support(gemv(1, 4096, 4096, "fp16"), p).find("not integer bit-planes"), std::string::npos);
    EXPECT_NE(pim_support(gemv(1, 4096, 4096, "int16"), p).find("16 bits, more than 8"), std::string::npos);
    Op kv = gemv(1, 128, 1024, "int2/g32");
    kv.b_src = BSrc::kv;
    EXPECT_NE(pim_support(kv, p).find("operand B comes from 'kv'"), std::string::npos);
    Op sm;
    sm.kind = OpKind::softmax;
    sm.elems = 100;
    EXPECT_NE(pim_support(sm, p).find("not a gemm/gemv"), std::string::npos);
    EXPECT_THROW(pim_gemv(gemv(16, 64, 64), p), std::invalid_argument);
}

TEST(PimModel, ParamErrors) {
    PimParams p;
    EXPECT_EQ(pim_params_error(p), "");
    p.subarray_cols = 510;
    EXPECT_NE(pim_params_error(p).find("multiple of group_k"), std::string::npos);
    p = PimParams();
    p.active_subarrays_per_bank = 300;
    EXPECT_NE(pim_params_error(p).find("at most subarrays_per_bank (256)"), std::string::npos);
    p = PimParams();
    p.subarray_rows = 16;
    p.max_batch = 64;
    EXPECT_NE(pim_params_error(p).find("exceeds subarray_rows 16"), std::string::npos);
}

}  // namespace
}  // namespace qasim::models
