// lut_tensor_core / mac_tensor_core: config parsing and validation messages, and the cost tables.
#include <gtest/gtest.h>

#include "hw/lut_core/lut_tensor_core.h"
#include "hw/lut_core/mac_tensor_core.h"
#include "models/energy/tech.h"
#include "sim/tech_loader.h"
#include "tests/common/config_errors.h"

namespace qasim::hw {
namespace {

template <class Cfg>
std::string errors_of(const sim::RawSection& raw, Cfg* cfg = nullptr) {
    return tests::config_errors(raw, "units.lut0", cfg);
}

TEST(LutConfig, DefaultsAreThePaperTile) {
    LutTensorCoreConfig c;
    EXPECT_EQ(errors_of<LutTensorCoreConfig>({}, &c), "");
    EXPECT_EQ(c.tile_m, 2u);
    EXPECT_EQ(c.tile_n, 64u);
    EXPECT_EQ(c.tile_k, 4u);
    EXPECT_EQ(c.group_k, 4u);
    EXPECT_TRUE(c.symmetric_table);
    EXPECT_EQ(errors_of<LutTensorCoreConfig>({{"precompute", "fused"}, {"group_k", "2"}, {"tile_k", "8"}}, &c), "");
    EXPECT_EQ(c.precompute, models::Precompute::fused);
}

TEST(LutConfig, BadConfigsNameKeyValueAndAllowed) {
    std::string e = errors_of<LutTensorCoreConfig>({{"tile_k", "6"}});
    EXPECT_NE(e.find("hw.yaml: units.lut0.tile_k: must be a multiple of group_k (4), got 6"), std::string::npos) << e;
    e = errors_of<LutTensorCoreConfig>({{"lookup_ports", "128"}});
    EXPECT_NE(e.find("units.lut0.lookup_ports: must be at most tile_n (64), got 128"), std::string::npos) << e;
    e = errors_of<LutTensorCoreConfig>({{"precompute", "offline"}});
    EXPECT_NE(e.find("units.lut0.precompute: must be one of {on_chip, fused}, got"), std::string::npos) << e;
    e = errors_of<LutTensorCoreConfig>({{"group_k", "9"}});
    EXPECT_NE(e.find("units.lut0.group_k"), std::string::npos) << e;
    e = errors_of<LutTensorCoreConfig>({{"act_format", "fp32"}});
    EXPECT_NE(e.find("units.lut0.act_format: must be an int2..int8, fp16, bf16 or fp8"), std::string::npos) << e;
    e = errors_of<LutTensorCoreConfig>({{"act_format", "fp17"}});
    EXPECT_NE(e.find("units.lut0.act_format"), std::string::npos) << e;
    e = errors_of<LutTensorCoreConfig>({{"table_bits", "2"}});
    EXPECT_NE(e.find("units.lut0.table_bits: must be 0"), std::string::npos) << e;
    e = errors_of<LutTensorCoreConfig>({{"tile_mm", "2"}});
    EXPECT_NE(e.find("units.lut0.tile_mm: unknown key"), std::string::npos) << e;
    e = errors_of<MacTensorCoreConfig>({{"pe_format", "int4/g128"}});
    EXPECT_NE(e.find("units.lut0.pe_format: must be a plain integer or float format"), std::string::npos) << e;
}

TEST(LutCost, TablesAndUnitsOfTheCostTable) {
    // The only test that elaborates modules (unique names).
    const models::Tech tech = sim::load_tech(28);
    sim::BuildContext ctx;
    LutTensorCoreConfig on_cfg, fused_cfg;
    fused_cfg.precompute = models::Precompute::fused;
    MacTensorCoreConfig mac_cfg;
    LutTensorCore on("lut_on_chip", on_cfg, ctx), fused("lut_fused", fused_cfg, ctx);
    MacTensorCore mac("mac_baseline", mac_cfg, ctx);
    models::CostTable c_on, c_fused, c_mac;
    on.cost_table(tech, c_on);
    fused.cost_table(tech, c_fused);
    mac.cost_table(tech, c_mac);
    // A 4-activation lookup + accumulate costs less than 4 fp16 MACs (the point of the design).
    EXPECT_LT(c_on.pj_per_action.at("lookup") + c_on.pj_per_action.at("shift_acc"), 4 * c_mac.pj_per_action.at("mac"));
    EXPECT_GT(c_on.pj_per_action.at("lookup"), 0.0);
    // Fused precompute has no precompute stage or activation buffer on this unit.
    EXPECT_GT(c_on.area_mm2.count("precompute"), 0u);
    EXPECT_EQ(c_fused.area_mm2.count("precompute"), 0u);
    EXPECT_EQ(c_fused.area_mm2.count("act_sram"), 0u);
    EXPECT_LT(c_fused.total_area_mm2(), c_on.total_area_mm2());
    EXPECT_GT(c_mac.area_mm2.at("dequant"), 0.0);
    EXPECT_GT(c_on.leakage_mw, 0.0);
    // check() forwards the model's reasons.
    models::Op op;
    op.kind = models::OpKind::gemm;
    op.m = op.k = op.n = 8;
    op.b = models::parse_format("int8");
    EXPECT_NE(on.check(op).find("1-4-bit integer or ternary weights"), std::string::npos);
    EXPECT_EQ(mac.check(op), "");
}

}  // namespace
}  // namespace qasim::hw
