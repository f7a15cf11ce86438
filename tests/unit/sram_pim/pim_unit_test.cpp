// The sram_pim module: config validation messages, capacity enforcement in plan(), cost table.
#include <gtest/gtest.h>

#include "hw/sram_pim/sram_pim.h"
#include "models/energy/tech.h"
#include "sim/tech_loader.h"
#include "tests/common/config_errors.h"

namespace qasim::hw {
namespace {

template <class Cfg>
std::string errors_of(const sim::RawSection& raw, Cfg* cfg = nullptr) {
    return tests::config_errors(raw, "memory.pim0", cfg);
}

models::Op weight_gemm(const std::string& name, uint64_t k, uint64_t n, uint64_t repeat) {
    models::Op op;
    op.name = name;
    op.kind = models::OpKind::gemm;
    op.m = 1;
    op.k = k;
    op.n = n;
    op.repeat = repeat;
    op.b = models::parse_format("int4");
    op.b_src = models::BSrc::weight;
    return op;
}

// A 1 MiB device: 4 banks x 8 subarrays of 512 x 512 bits.
SramPimConfig small_cfg() {
    SramPimConfig c;
    c.capacity_mb = 1;
    c.banks = 4;
    c.subarrays_per_bank = 8;
    c.active_subarrays_per_bank = 2;
    return c;
}

TEST(PimConfig, DefaultsAreConsistent) {
    SramPimConfig c;
    EXPECT_EQ(errors_of<SramPimConfig>({}, &c), "");
    EXPECT_EQ(c.params().capacity_bytes(), c.capacity_mb << 20);
}

TEST(PimConfig, BadConfigsNameKeyValueAndAllowed) {
    std::string e = errors_of<SramPimConfig>({{"capacity_mb", "1000"}});
    EXPECT_NE(e.find("hw.yaml: memory.pim0.capacity_mb: must equal banks*subarrays_per_bank*subarray_rows*"
                     "subarray_cols/8 = 512*256*512*512/8 B = 4096 MiB, got 1000"),
              std::string::npos)
        << e;
    e = errors_of<SramPimConfig>({{"overflow", "spill"}});
    EXPECT_NE(e.find("memory.pim0.overflow: must be one of {reject, stream}, got"), std::string::npos) << e;
    e = errors_of<SramPimConfig>({{"subarray_colz", "512"}});
    EXPECT_NE(e.find("memory.pim0.subarray_colz: unknown key"), std::string::npos) << e;
    e = errors_of<SramPimConfig>({{"group_k", "9"}});
    EXPECT_NE(e.find("memory.pim0.group_k: must be an integer"), std::string::npos) << e;
    e = errors_of<SramPimConfig>({{"active_subarrays_per_bank", "512"}});
    EXPECT_NE(e.find("memory.pim0: active_subarrays_per_bank (512) must be at most subarrays_per_bank (256)"),
              std::string::npos)
        << e;
    e = errors_of<SramPimConfig>({{"subarray_cols", "384"}, {"capacity_mb", "3072"}});
    EXPECT_NE(e.find("must be powers of two"), std::string::npos) << e;
}

TEST(PimUnit, CapacityRejectNamesNeedAndCapacity) {
    sim::BuildContext ctx;
    SramPim pim("pim_reject", small_cfg(), ctx);
    EXPECT_EQ(pim.capacity_bytes(), 1u << 20);
    // 1024 x 1024 int4 = 512 KiB per repeat: one repeat fits, re-planning the same op does not
    // count twice, and a second op that overflows is rejected with the need and the capacity.
    const models::Op a = weight_gemm("L.a", 1024, 1024, 1);
    EXPECT_NO_THROW(pim.plan(a));
    EXPECT_NO_THROW(pim.plan(a));
    EXPECT_EQ(pim.resident_bytes(), 512u << 10);
    const models::Op b = weight_gemm("L.b", 1024, 1024, 2);  // 1 MiB over 2 repeats (layers)
    try {
        pim.plan(b);
        FAIL() << "expected a capacity error";
    } catch (const std::invalid_argument& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("would need 1572864 B (1.5 MiB) with this op (1048576 B (1.0 MiB) for all its repeats), "
                         "more than its capacity 1048576 B (1.0 MiB)"),
                  std::string::npos)
            << m;
        EXPECT_NE(m.find("overflow: stream"), std::string::npos) << m;
    }
    EXPECT_EQ(pim.resident_bytes(), 512u << 10);
}

TEST(PimUnit, TwoRowsOfTheSameNameBothCount) {
    sim::BuildContext ctx;
    SramPim pim("pim_same_name", small_cfg(), ctx);
    const models::Op a = weight_gemm("L.x", 1024, 1024, 1);
    const models::Op b = weight_gemm("L.x", 1024, 1024, 1);
    EXPECT_NO_THROW(pim.plan(a));
    EXPECT_NO_THROW(pim.plan(b));
    EXPECT_EQ(pim.resident_bytes(), 1u << 20);
    const models::Op c = weight_gemm("L.x", 1024, 1024, 1);
    EXPECT_THROW(pim.plan(c), std::invalid_argument);
}

TEST(PimUnit, CapacityStreamLoadsTheExcess) {
    sim::BuildContext ctx;
    SramPimConfig c = small_cfg();
    c.overflow = PimOverflow::stream;
    SramPim pim("pim_stream", c, ctx);
    EXPECT_EQ(pim.plan(weight_gemm("L.a", 1024, 1024, 1)).tiles[0].load_b_bytes, 0u);
    const models::TilePlan p = pim.plan(weight_gemm("L.b", 1024, 1024, 2));
    // 512 KiB of its 1 MiB fits; the other 512 KiB is streamed: 256 KiB per repeat.
    EXPECT_EQ(p.tiles[0].load_b_bytes, 256u << 10);
    EXPECT_EQ(pim.resident_bytes(), 1u << 20);
}

TEST(PimUnit, CheckRejectsLargeMAndFloatWeights) {
    sim::BuildContext ctx;
    SramPim pim("pim_check", small_cfg(), ctx);
    models::Op op = weight_gemm("x", 256, 256, 1);
    EXPECT_EQ(pim.check(op), "");
    op.m = 64;
    EXPECT_NE(pim.check(op).find("M = 64 exceeds max_batch 8"), std::string::npos);
    op.m = 1;
    op.b = models::parse_format("fp16");
    EXPECT_NE(pim.check(op).find("not integer bit-planes"), std::string::npos);
}

TEST(PimCost, AreaAdderIsAFewPercentOfTheSram) {
    const models::Tech tech = sim::load_tech(7);
    sim::BuildContext ctx;
    SramPim pim("pim_cost", SramPimConfig(), ctx);
    models::CostTable t;
    pim.cost_table(tech, t);
    const double sram = t.area_mm2.at("sram_array");
    const double adder = t.total_area_mm2() - sram;
    // SAIL: ~2 % hardware overhead on the cache it augments (published_numbers.md §6).
    EXPECT_GT(adder / sram, 0.005) << adder << " / " << sram;
    EXPECT_LT(adder / sram, 0.05) << adder << " / " << sram;
    // A bit-line compute row costs 1.5x a plain read of the row (derivation, §6 proxy).
    EXPECT_GT(t.pj_per_action.at("row_activation"), 0.0);
    EXPECT_GT(t.pj_per_action.at("lookup"), 0.0);
    EXPECT_GT(t.pj_per_action.at("convert"), 0.0);
    EXPECT_GT(t.leakage_mw, 0.0);
}

}  // namespace
}  // namespace qasim::hw
