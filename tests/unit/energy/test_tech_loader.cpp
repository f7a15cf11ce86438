// Tech YAML loader: user files, rejection messages, round trip.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "models/energy/tech.h"
#include "sim/errors.h"
#include "sim/tech_loader.h"

using namespace qasim;
using models::Tech;

namespace {

std::string write_temp(const std::string& name, const std::string& text) {
    const std::string path = ::testing::TempDir() + name;
    std::ofstream(path) << text;
    return path;
}

std::string error_of(const std::string& path) {
    try {
        sim::load_tech_file(path);
    } catch (const sim::ConfigError& e) {
        return e.what();
    }
    return "";
}

void expect_same(const Tech& a, const Tech& b) {
    EXPECT_EQ(sim::dump_tech_yaml(a), sim::dump_tech_yaml(b));
    EXPECT_EQ(a.node_nm, b.node_nm);
    EXPECT_EQ(a.name, b.name);
    EXPECT_DOUBLE_EQ(a.int8_mult_pj, b.int8_mult_pj);
    EXPECT_DOUBLE_EQ(a.fp32_mult_um2, b.fp32_mult_um2);
    EXPECT_DOUBLE_EQ(a.leakage_mw_per_mm2, b.leakage_mw_per_mm2);
    EXPECT_DOUBLE_EQ(a.sram_read_width_exp, b.sram_read_width_exp);
    ASSERT_EQ(a.sram.size(), b.sram.size());
    for (size_t i = 0; i < a.sram.size(); ++i) {
        EXPECT_EQ(a.sram[i].capacity_bytes, b.sram[i].capacity_bytes);
        EXPECT_EQ(a.sram[i].width_bits, b.sram[i].width_bits);
        EXPECT_DOUBLE_EQ(a.sram[i].read_pj, b.sram[i].read_pj);
        EXPECT_DOUBLE_EQ(a.sram[i].write_pj, b.sram[i].write_pj);
        EXPECT_DOUBLE_EQ(a.sram[i].area_mm2, b.sram[i].area_mm2);
    }
}

}  // namespace

TEST(TechLoader, RoundTripEveryBuiltin) {
    for (int nm : sim::builtin_tech_nodes()) {
        const Tech t = sim::load_tech(nm);
        const std::string path = write_temp("tech_rt_" + std::to_string(nm) + ".yaml",
                                            sim::dump_tech_yaml(t));
        const Tech u = sim::load_tech_file(path);
        expect_same(t, u);
        EXPECT_EQ(u.source, path);
    }
}

TEST(TechLoader, SourceFileMatchesEmbeddedTable) {
    // The file in the tree and the table embedded at build time are the same.
    const Tech f = sim::load_tech_file(std::string(QASIM_SOURCE_DIR) + "/configs/tech/28nm.yaml");
    expect_same(f, sim::load_tech(28));
}

TEST(TechLoader, UserFileWithBaseOverridesKeys) {
    const std::string path = write_temp("tech_user.yaml",
                                        "base_nm: 28\n"
                                        "name: my28\n"
                                        "int8_mult_pj: 0.07   # e.g. Jouppi-like\n"
                                        "sram:\n"
                                        "  - {capacity_kb: 4, width_bits: 512, read_pj: 16.9, "
                                        "write_pj: 20.3, area_mm2: 0.046}\n"
                                        "  - {capacity_kb: 8, width_bits: 512, read_pj: 17.8, "
                                        "write_pj: 24.9, area_mm2: 0.056}\n");
    const Tech t = sim::load_tech_file(path);
    const Tech base = sim::load_tech(28);
    EXPECT_EQ(t.name, "my28");
    EXPECT_EQ(t.node_nm, 28);
    EXPECT_DOUBLE_EQ(t.int8_mult_pj, 0.07);
    EXPECT_DOUBLE_EQ(t.int32_mult_pj, base.int32_mult_pj);  // untouched key keeps the base value
    ASSERT_EQ(t.sram.size(), 2u);
    EXPECT_EQ(t.sram[0].capacity_bytes, 4096u);
    EXPECT_EQ(t.sram[1].width_bits, 512u);
    // Values: the user anchors are reproduced by the model.
    EXPECT_NEAR(models::energy::sram_read_pj(t, 8192, 512), 17.8, 1e-9);
    EXPECT_NEAR(models::energy::mult_pj(t, 8, false, 8, false), 0.07, 1e-12);
}

TEST(TechLoader, RejectsUnknownKey) {
    const std::string path = write_temp("tech_unknown.yaml", "base_nm: 45\nint8_mul_pj: 0.2\n");
    const std::string m = error_of(path);
    EXPECT_NE(m.find(path), std::string::npos) << m;
    EXPECT_NE(m.find("int8_mul_pj"), std::string::npos) << m;
    EXPECT_NE(m.find("unknown key"), std::string::npos) << m;
    EXPECT_NE(m.find("int8_mult_pj"), std::string::npos) << m;  // the allowed keys are listed
}

TEST(TechLoader, RejectsNegativeValue) {
    const std::string path = write_temp("tech_neg.yaml", "base_nm: 16\nfp16_add_pj: -0.1\n");
    const std::string m = error_of(path);
    EXPECT_NE(m.find(path), std::string::npos) << m;
    EXPECT_NE(m.find("fp16_add_pj"), std::string::npos) << m;
    EXPECT_NE(m.find("-0.1"), std::string::npos) << m;
    EXPECT_NE(m.find("must be a number > 0"), std::string::npos) << m;
}

TEST(TechLoader, RejectsBadSramEntries) {
    const std::string path = write_temp(
        "tech_sram.yaml",
        "base_nm: 7\n"
        "sram:\n"
        "  - {capacity_kb: 64, width_bits: 64, read_pj: 1, write_pj: 1, area_mm2: 0.1}\n"
        "  - {capacity_kb: 8, width_bits: 64, read_pj: 1, write_pj: 1, area_mm2: 0.1}\n"
        "  - {capacity_kb: 128, width_bits: 64, read_pj: 1, write_pj: 1, area_mm2: 0.1, "
        "banks: 4}\n"
        "  - {capacity_kb: 256, width_bits: 64, read_pj: 1, area_mm2: 0.1}\n");
    const std::string m = error_of(path);
    EXPECT_NE(m.find("sram[2].banks: unknown key"), std::string::npos) << m;
    EXPECT_NE(m.find("sram[3]: missing keys: write_pj"), std::string::npos) << m;
    const std::string p2 = write_temp(
        "tech_sram2.yaml",
        "base_nm: 7\n"
        "sram:\n"
        "  - {capacity_kb: 64, width_bits: 64, read_pj: 1, write_pj: 1, area_mm2: 0.1}\n"
        "  - {capacity_kb: 8, width_bits: 64, read_pj: 1, write_pj: 1, area_mm2: 0.1}\n");
    EXPECT_NE(error_of(p2).find("sram[1].capacity_kb: anchors must be sorted"), std::string::npos)
        << error_of(p2);
}

TEST(TechLoader, RejectsMissingKeysWithoutBaseAndBadBase) {
    const std::string p1 = write_temp("tech_missing.yaml", "node_nm: 28\nint8_add_pj: 0.01\n");
    const std::string m1 = error_of(p1);
    EXPECT_NE(m1.find("missing keys"), std::string::npos) << m1;
    EXPECT_NE(m1.find("int32_mult_pj"), std::string::npos) << m1;
    EXPECT_NE(m1.find("base_nm"), std::string::npos) << m1;
    const std::string p2 = write_temp("tech_base.yaml", "base_nm: 22\n");
    const std::string m2 = error_of(p2);
    EXPECT_NE(m2.find("base_nm"), std::string::npos) << m2;
    EXPECT_NE(m2.find("'22'"), std::string::npos) << m2;
    EXPECT_NE(m2.find("45, 28, 16, 7"), std::string::npos) << m2;
    const std::string p3 = write_temp("tech_yaml.yaml", "base_nm: [45\n");
    EXPECT_NE(error_of(p3).find("invalid YAML"), std::string::npos);
    EXPECT_NE(error_of("/nonexistent/tech.yaml").find("cannot open"), std::string::npos);
    const std::string p4 = write_temp("tech_scalar.yaml", "base_nm: 45\nfp32_add_pj: {a: 1}\n");
    EXPECT_NE(error_of(p4).find("fp32_add_pj: must be a scalar"), std::string::npos)
        << error_of(p4);
}
