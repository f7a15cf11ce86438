// DRAM traffic rules of the systolic tile plan (systolic_model.h): fetched once when the operand
// fits its buffer; otherwise the cheapest of the per-fold rule, column chunks (stream order) and
// blocks of the re-used operand (block order); partial-sum spills; double buffering.
// The expectations of the three *Refetch* tests changed with the blocked loop order (they encoded
// the old per-column-fold re-fetch rule); their old figures are kept in the comments.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

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
    // A = 151,296 B does not fit (old rule: fetched in each of 6 column folds, 6·M·K); all six
    // K×128 panels of B (589,824 B) fit the filter buffer: one chunk, A streamed once.
    p.ifmap_sram_bytes = 100000;
    TilePlan plan = systolic_plan(proj(), p);
    EXPECT_EQ(load_a(plan), kM * kK);
    EXPECT_EQ(load_b(plan), kK * kN);
    p = params(Dataflow::os);
    // K×C panel = 98,304 B does not fit: fetched whole by row fold 0, row fold 1 re-fetches all
    // but the 25,000 B pinned in half the buffer (old rule: whole in both row folds, 2·K·N).
    p.filter_sram_bytes = 50000;
    plan = systolic_plan(proj(), p);
    EXPECT_EQ(load_a(plan), kM * kK);
    EXPECT_EQ(load_b(plan), 2 * kK * kN - 6 * 25000);
    EXPECT_EQ(plan.store_bytes(), kM * kN);  // outputs once, no partial sums in os
}

TEST(SystolicTraffic, WsRefetchesAPerColumnFoldAndAlwaysFetchesBOnce) {
    SystolicParams p = params(Dataflow::ws);
    // A does not fit (old rule: 6·M·K). Chunks of 5 column folds keep their M×640 partial sums
    // (504,320 B) in the 512 KiB ofmap buffer: 2 chunks, A fetched twice, B once. (Blocks of
    // 130 rows of A would fetch B twice: 589,824 B more.)
    p.ifmap_sram_bytes = 100000;
    const TilePlan plan = systolic_plan(proj(), p);
    EXPECT_EQ(load_a(plan), 2 * kM * kK);
    EXPECT_EQ(load_b(plan), kK * kN);
    EXPECT_EQ(plan.store_bytes(), kM * kN);
    EXPECT_TRUE(plan.double_buffered);  // two M×128 A slices (50,432 B) still fit
    p.ifmap_sram_bytes = 30000;
    EXPECT_FALSE(systolic_plan(proj(), p).double_buffered);
}

TEST(SystolicTraffic, IsRefetchesBPerColumnFoldAndAlwaysFetchesAOnce) {
    SystolicParams p = params(Dataflow::is);
    // B = 589,824 B does not fit (old rule: fetched in each of the 2 M column folds, 2·K·N).
    // Block order: 651 columns of B (K × 651 = 499,968 B) resident, 2 blocks of N, the A tiles
    // fetched twice: 2·M·K + K·N < M·K + 2·K·N.
    p.filter_sram_bytes = 500000;
    const TilePlan plan = systolic_plan(proj(), p);
    EXPECT_EQ(load_a(plan), 2 * kM * kK);
    EXPECT_EQ(load_b(plan), kK * kN);
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

// The old per-fold rule (before the blocked loop order) for int8 operands, as a reference.
uint64_t old_rule_bytes(const Op& op, const SystolicParams& p) {
    const uint64_t M = op.m, K = op.k, N = op.n, R = p.rows, C = p.cols;
    const uint64_t cdiv_m_r = (M + R - 1) / R, cdiv_k_r = (K + R - 1) / R;
    const uint64_t cdiv_n_c = (N + C - 1) / C, cdiv_m_c = (M + C - 1) / C;
    const uint64_t A = M * K, B = K * N, O = M * N, acc = p.acc_bits / 8;
    switch (p.dataflow) {
    case Dataflow::os: {
        const bool panel = K * std::min(N, C) <= p.filter_sram_bytes;
        return A * (A <= p.ifmap_sram_bytes ? 1 : cdiv_n_c) + B * (panel ? 1 : cdiv_m_r) + O;
    }
    case Dataflow::ws: {
        const bool psum = M * std::min(N, C) * acc <= p.ofmap_sram_bytes;
        return A * (A <= p.ifmap_sram_bytes ? 1 : cdiv_n_c) + B + O +
               (psum ? 0 : 2 * (cdiv_k_r - 1) * O * acc);
    }
    case Dataflow::is: {
        const bool psum = std::min(M, C) * N * acc <= p.ofmap_sram_bytes;
        return A + B * (B <= p.filter_sram_bytes ? 1 : cdiv_m_c) + O +
               (psum ? 0 : 2 * (cdiv_k_r - 1) * O * acc);
    }
    }
    return 0;
}

uint64_t dram_bytes(const TilePlan& plan) { return plan.load_bytes() + plan.store_bytes(); }

Op gemm(uint64_t m, uint64_t k, uint64_t n) {
    Op op = proj();
    op.m = m;
    op.k = k;
    op.n = n;
    return op;
}

TEST(SystolicTraffic, NeverAboveThePerFoldRuleAndEqualWhenEverythingFits) {
    const uint64_t shapes[][3] = {{197, 768, 768}, {256, 1024, 2752}, {256, 2752, 1024},
                                  {1, 4096, 4096}, {300, 200, 1000},   {1024, 64, 1024}};
    const uint64_t bufs[] = {4096, 65536, 100000, 512 * 1024, 4ull << 20, 64ull << 20};
    for (Dataflow d : {Dataflow::os, Dataflow::ws, Dataflow::is}) {
        for (const auto& s : shapes) {
            for (uint64_t buf : bufs) {
                for (uint64_t out_buf : {uint64_t{1000}, uint64_t{128 * 1024}, uint64_t{8ull << 20}}) {
                    SCOPED_TRACE(std::string(to_string(d)) + " " + std::to_string(s[0]) + "x" +
                                 std::to_string(s[1]) + "x" + std::to_string(s[2]) + " buf " +
                                 std::to_string(buf) + " out " + std::to_string(out_buf));
                    SystolicParams p = params(d);
                    p.rows = 32;
                    p.cols = 64;
                    p.ifmap_sram_bytes = p.filter_sram_bytes = buf;
                    p.ofmap_sram_bytes = out_buf;
                    const Op op = gemm(s[0], s[1], s[2]);
                    const TilePlan plan = systolic_plan(op, p);
                    const uint64_t old = old_rule_bytes(op, p);
                    EXPECT_LE(dram_bytes(plan), old);
                    const bool all_fit = op.a_bytes() <= buf && op.b_bytes() <= buf &&
                                         op.m * op.n * 4 <= out_buf;
                    if (all_fit) {
                        EXPECT_EQ(dram_bytes(plan), old);
                        EXPECT_EQ(dram_bytes(plan), op.a_bytes() + op.b_bytes() + op.out_bytes());
                    }
                    // Cycles and SRAM counts do not depend on the loop order (buffers).
                    SystolicParams big = p;
                    big.ifmap_sram_bytes = big.filter_sram_bytes = big.ofmap_sram_bytes = 1ull << 40;
                    const TilePlan fit = systolic_plan(op, big);
                    EXPECT_EQ(plan.compute_cycles(), fit.compute_cycles());
                    EXPECT_EQ(plan.macs(), fit.macs());
                    EXPECT_EQ(plan.actions().all(), fit.actions().all());
                }
            }
        }
    }
}

TEST(SystolicTraffic, WsBlocksOfARowsCutTrafficByTheClosedFormFactor) {
    // M = K = N = 1024 int8 on 128×128: A = B = 1 MiB. A does not fit a 256 KiB ifmap buffer.
    // Per-fold rule: A in each of N/C = 8 column folds → 8 MiB + B 1 MiB of operand loads.
    // Block order: 256 rows of A (256 KiB) resident, 4 blocks of M, each re-fetching the 64 B
    // tiles (all of B): A + 4·B = 5 MiB. Column chunks cannot help: M×C partial sums
    // (512 KiB) already fill the ofmap buffer. Factor (8·A + B) / (A + 4·B) = 9/5.
    const uint64_t n = 1024, MiB = 1ull << 20;
    SystolicParams p = params(Dataflow::ws);
    p.ifmap_sram_bytes = 256 * 1024;
    const Op op = gemm(n, n, n);
    const TilePlan plan = systolic_plan(op, p);
    EXPECT_EQ(old_rule_bytes(op, p) - op.out_bytes(), 9 * MiB);
    EXPECT_EQ(load_a(plan), MiB);
    EXPECT_EQ(load_b(plan), 4 * MiB);
    EXPECT_EQ(plan.store_bytes(), MiB);
    // Every B tile (128×128) is fetched 4 times, in its fold; A K-slices in the first column fold.
    uint64_t fold = 0;
    for (const auto& t : plan.tiles)
        for (uint64_t c = 0; c < t.count; ++c, ++fold) {
            EXPECT_EQ(t.load_b_bytes, 4u * 128u * 128u) << fold;
            EXPECT_EQ(t.load_a_bytes, fold < 8 ? n * 128 : 0u) << fold;
        }
    EXPECT_EQ(fold, 64u);
}

TEST(SystolicTraffic, OsBlocksOfRowFoldsLoadBPanelsOncePerBlock) {
    // Same GEMM, os: A panels 128×1024 = 128 KiB, two per 256 KiB ifmap buffer (blocks of 2 row
    // folds, 4 blocks); K×128 B panels (128 KiB) fit a 128 KiB filter buffer one at a time (no
    // column chunks). Per-fold rule: 8·A + B = 9 MiB; block order: A + 4·B = 5 MiB, the B panel
    // of column fold o loaded by row folds 0, 2, 4, 6.
    const uint64_t n = 1024, MiB = 1ull << 20;
    SystolicParams p = params(Dataflow::os);
    p.ifmap_sram_bytes = 256 * 1024;
    p.filter_sram_bytes = 128 * 1024;
    const Op op = gemm(n, n, n);
    const TilePlan plan = systolic_plan(op, p);
    EXPECT_EQ(old_rule_bytes(op, p) - op.out_bytes(), 9 * MiB);
    EXPECT_EQ(load_a(plan), MiB);
    EXPECT_EQ(load_b(plan), 4 * MiB);
    uint64_t fold = 0;
    for (const auto& t : plan.tiles)
        for (uint64_t c = 0; c < t.count; ++c, ++fold) {
            const uint64_t o = fold / 8, i = fold % 8;
            EXPECT_EQ(t.load_b_bytes, i % 2 == 0 ? n * 128 : 0u) << fold;
            EXPECT_EQ(t.load_a_bytes, o == 0 ? 128 * n : 0u) << fold;
        }
    EXPECT_EQ(fold, 64u);
}

TEST(SystolicTraffic, OvpOperandsCountOneDecodePerElementRead) {
    Op op = proj();
    op.b = parse_format("ovp4");
    ASSERT_EQ(op.b.kind, NumKind::ovp);
    for (Dataflow d : {Dataflow::os, Dataflow::ws, Dataflow::is}) {
        const FoldInfo f = systolic_folds(kM, kK, kN, params(d));
        const ActionCounts a = systolic_plan(op, params(d)).actions();
        EXPECT_EQ(a.get("ovp_decode"), f.filter_reads) << to_string(d);
        op.a = parse_format("ovp4");
        EXPECT_EQ(systolic_plan(op, params(d)).actions().get("ovp_decode"),
                  f.filter_reads + f.ifmap_reads)
            << to_string(d);
        op.a = parse_format("int8");
    }
    EXPECT_EQ(systolic_plan(proj(), params(Dataflow::ws)).actions().get("ovp_decode"), 0u);
}

}  // namespace
