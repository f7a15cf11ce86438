#include <gtest/gtest.h>

#include <string>

#include "sim/hw_config.h"

using qasim::sim::ConfigError;
using qasim::sim::HwConfig;
using qasim::sim::parse_hw_config;

namespace {

const char* kGood = R"(
name: t
clock_mhz: 800
tech_nm: 28
units:
  sa0: {type: systolic_array, rows: 32, cols: 16, dataflow: os}
  vec0: {type: vector_unit, lanes: 64}
memory:
  dram0: {type: ideal}
interconnect: {type: crossbar, bytes_per_cycle: 64, latency_cycles: 2}
mapping:
  - {ops: [gemm, attention], unit: sa0}
  - {ops: [softmax], unit: vec0}
)";

std::string error_of(const std::string& text, const std::vector<std::string>& sets = {}) {
    try {
        parse_hw_config(text, "hw.yaml", sets);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

std::string with(const std::string& from, const std::string& to) {
    std::string s = kGood;
    const auto p = s.find(from);
    EXPECT_NE(p, std::string::npos) << from;
    return s.replace(p, from.size(), to);
}

}  // namespace

TEST(HwConfig, ParsesAndFillsDefaults) {
    HwConfig hw = parse_hw_config(kGood, "hw.yaml");
    EXPECT_EQ(hw.name, "t");
    EXPECT_DOUBLE_EQ(hw.clock_mhz, 800);
    ASSERT_EQ(hw.units.size(), 2u);
    EXPECT_EQ(hw.units[0].name, "sa0");
    EXPECT_EQ(hw.units[0].type, "systolic_array");
    ASSERT_EQ(hw.memories.size(), 1u);
    EXPECT_EQ(hw.placement.weights, "dram0");
    ASSERT_EQ(hw.mapping.size(), 2u);
    EXPECT_TRUE(hw.mapping[0].matches(qasim::models::OpKind::attention_qk));
    EXPECT_FALSE(hw.mapping[0].matches(qasim::models::OpKind::softmax));
    const std::string resolved = hw.resolved_yaml();
    EXPECT_NE(resolved.find("ifmap_sram_kb"), std::string::npos) << "defaults are dumped";
}

TEST(HwConfig, ResolvedRoundTripIsStable) {
    HwConfig a = parse_hw_config(kGood, "hw.yaml");
    const std::string once = a.resolved_yaml();
    HwConfig b = parse_hw_config(once, "resolved.yaml");
    EXPECT_EQ(once, b.resolved_yaml());
}

TEST(HwConfig, UnknownTopKey) {
    const auto e = error_of(std::string(kGood) + "colour: red\n");
    EXPECT_NE(e.find("hw.yaml: colour: unknown key"), std::string::npos) << e;
}

TEST(HwConfig, UnknownUnitKeyNamesPathAndAllowedKeys) {
    const auto e = error_of(with("rows: 32", "rows: 32, rowz: 3"));
    EXPECT_NE(e.find("units.sa0.rowz: unknown key"), std::string::npos) << e;
    EXPECT_NE(e.find("allowed keys: rows, cols"), std::string::npos) << e;
}

TEST(HwConfig, ZeroSizeRejected) {
    const auto e = error_of(with("rows: 32", "rows: 0"));
    EXPECT_NE(e.find("units.sa0.rows: must be an integer in [1, 65536], got '0'"), std::string::npos) << e;
}

TEST(HwConfig, NegativeSizeRejected) {
    const auto e = error_of(with("lanes: 64", "lanes: -4"));
    EXPECT_NE(e.find("units.vec0.lanes"), std::string::npos) << e;
    EXPECT_NE(e.find("'-4'"), std::string::npos) << e;
}

TEST(HwConfig, WrongTypeRejected) {
    const auto e = error_of(with("rows: 32", "rows: many"));
    EXPECT_NE(e.find("units.sa0.rows: must be an integer"), std::string::npos) << e;
    EXPECT_NE(e.find("got 'many'"), std::string::npos) << e;
    const auto e2 = error_of(with("rows: 32", "rows: [1, 2]"));
    EXPECT_NE(e2.find("units.sa0.rows: must be a scalar"), std::string::npos) << e2;
}

TEST(HwConfig, UnknownDataflowListsAllowed) {
    const auto e = error_of(with("dataflow: os", "dataflow: rs"));
    EXPECT_NE(e.find("units.sa0.dataflow: must be one of {os, ws, is}, got 'rs'"), std::string::npos) << e;
}

TEST(HwConfig, UnknownTypeListsRegistered) {
    const auto e = error_of(with("type: systolic_array", "type: tensor_blaster"));
    EXPECT_NE(e.find("units.sa0.type: unknown unit type 'tensor_blaster'"), std::string::npos) << e;
    EXPECT_NE(e.find("systolic_array"), std::string::npos) << e;
}

TEST(HwConfig, UnknownMappingOpAndUnit) {
    const auto e = error_of(with("ops: [softmax]", "ops: [softmaxx]"));
    EXPECT_NE(e.find("mapping[1].ops: unknown op 'softmaxx'"), std::string::npos) << e;
    const auto e2 = error_of(with("unit: vec0", "unit: vec9"));
    EXPECT_NE(e2.find("mapping[1].unit: no unit named 'vec9'"), std::string::npos) << e2;
}

TEST(HwConfig, MissingMemoryAndBadClock) {
    const auto e = error_of(with("clock_mhz: 800", "clock_mhz: 0"));
    EXPECT_NE(e.find("clock_mhz: must be a number"), std::string::npos) << e;
    const auto e2 = error_of("name: x\nunits: {}\n");
    EXPECT_NE(e2.find("memory: at least one memory is required"), std::string::npos) << e2;
}

TEST(HwConfig, ReportsAllErrorsAtOnce) {
    const auto e = error_of(with("rows: 32, cols: 16", "rows: 0, cols: 0"));
    EXPECT_NE(e.find("units.sa0.rows"), std::string::npos) << e;
    EXPECT_NE(e.find("units.sa0.cols"), std::string::npos) << e;
}

TEST(HwConfig, MissingFile) {
    try {
        qasim::sim::load_hw_config("/nonexistent/hw.yaml");
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/hw.yaml"), std::string::npos);
    }
}

TEST(HwConfig, YamlSyntaxErrorHasLine) {
    const auto e = error_of("name: [unclosed\n");
    EXPECT_NE(e.find("hw.yaml:"), std::string::npos) << e;
    EXPECT_NE(e.find("YAML syntax error"), std::string::npos) << e;
}

TEST(HwConfig, SetOverrides) {
    HwConfig hw = parse_hw_config(kGood, "hw.yaml", {"units.sa0.rows=64", "clock_mhz=1200"});
    EXPECT_DOUBLE_EQ(hw.clock_mhz, 1200);
    EXPECT_NE(hw.resolved_yaml().find("rows: 64"), std::string::npos);
    const auto e = error_of(kGood, {"units.sa9.rows=4"});
    EXPECT_NE(e.find("no section 'units.sa9'"), std::string::npos) << e;
    const auto e2 = error_of(kGood, {"units.sa0.rows"});
    EXPECT_NE(e2.find("must be KEY.PATH=VALUE"), std::string::npos) << e2;
    const auto e3 = error_of(kGood, {"units.sa0.rows=-1"});
    EXPECT_NE(e3.find("units.sa0.rows"), std::string::npos) << e3;
    // A missing section is not created; the message says how to add it whole, and that works.
    const auto e4 = error_of(kGood, {"dma.coalesce=false"});
    EXPECT_NE(e4.find("no section 'dma' in the file; to add it, give the section whole: --set "
                      "'dma={coalesce: false}'"),
              std::string::npos)
        << e4;
    const auto e5 = error_of(kGood, {"dma.a.b=1"});
    EXPECT_NE(e5.find("--set 'dma={a: {b: 1}}'"), std::string::npos) << e5;
    HwConfig with_dma = parse_hw_config(kGood, "hw.yaml", {"dma={coalesce: false}"});
    EXPECT_NE(with_dma.resolved_yaml().find("coalesce: false"), std::string::npos)
        << with_dma.resolved_yaml();
    const auto e6 = error_of(kGood, {"clock_mhz.x.y=1"});
    EXPECT_NE(e6.find("'clock_mhz' is not a map, so it has no section 'x'"), std::string::npos) << e6;
    const auto e7 = error_of(kGood, {"clock_mhz.x=1"});
    EXPECT_NE(e7.find("the parent of 'x' is not a map"), std::string::npos) << e7;
}

TEST(HwConfig, DuplicateInstanceName) {
    const auto e = error_of(std::string(kGood).replace(std::string(kGood).find("dram0: {type: ideal}"), 20,
                                                       "sa0: {type: ideal}"));
    EXPECT_NE(e.find("duplicate instance name 'sa0'"), std::string::npos) << e;
}
