// `type: hbm` configuration: presets, overrides, validation messages, the reference file.
#include <gtest/gtest.h>

#include "hw/hbm/hbm_config.h"
#include "sim/hw_config.h"

using namespace qasim;

namespace {

std::string hw_yaml(const std::string& memory_fields) {
    return "name: t\nclock_mhz: 1000\nunits: {}\nmemory:\n  hbm0: {type: hbm" +
           (memory_fields.empty() ? std::string() : ", " + memory_fields) + "}\nmapping: []\n";
}

/// The ConfigError text of a hardware file with these hbm fields ("" if it loads).
std::string error_of(const std::string& memory_fields) {
    try {
        sim::parse_hw_config(hw_yaml(memory_fields), "t.yaml");
    } catch (const sim::ConfigError& e) {
        return e.what();
    }
    return "";
}

const hw::HbmConfig& hbm_of(const sim::HwConfig& hw) {
    return static_cast<const sim::TypedConfig<hw::HbmConfig>&>(*hw.memories.at(0).cfg).cfg;
}

TEST(HbmConfig, DefaultsAreTheHbm2Preset) {
    const hw::HbmConfig c;
    const auto s = c.resolve();
    EXPECT_EQ(s.spec.name, "hbm2");
    EXPECT_EQ(s.address_map, "RoBaBgPcCo4ChCo1");
    bool found = false;
    for (const auto& f : hw::HbmConfig::fields().describe()) {
        if (f.key == "tcl_cycles") {
            EXPECT_EQ(f.default_value, "14");
            EXPECT_EQ(f.unit, "cycles");
            found = true;
        }
    }
    EXPECT_TRUE(found);
}

TEST(HbmConfig, OverridesApplyOnTopOfThePreset) {
    const auto hw =
        sim::parse_hw_config(hw_yaml("preset: hbm3, tcl_cycles: 25, banks_per_group: 8, "
                                     "act_energy_pj: 900, stacks: 2"),
                             "t.yaml");
    const auto s = hbm_of(hw).resolve();
    EXPECT_EQ(s.spec.timing.cl, 25u);
    EXPECT_EQ(s.spec.timing.rcd_rd, models::dram::preset("hbm3").timing.rcd_rd);
    EXPECT_EQ(s.spec.org.banks_per_group, 8u);
    EXPECT_EQ(s.spec.org.channels, 16u);
    EXPECT_DOUBLE_EQ(s.spec.energy.act_pj, 900.0);
    EXPECT_EQ(s.stacks, 2u);
}

TEST(HbmConfig, ResolvedDumpRoundTrips) {
    const auto hw = sim::parse_hw_config(
        hw_yaml("preset: hbm2e, trc_cycles: 90, page_policy: closed"), "t.yaml");
    const auto& c = hbm_of(hw);
    sim::RawSection raw;
    for (const auto& [k, v] : hw::HbmConfig::fields().dump(c)) raw.push_back({k, v, true});
    hw::HbmConfig back;
    sim::Errors errs("dump");
    hw::HbmConfig::fields().parse(raw, back, "memory.hbm0", errs);
    ASSERT_TRUE(errs.empty()) << errs.messages()[0];
    EXPECT_EQ(hw::HbmConfig::fields().dump(back), hw::HbmConfig::fields().dump(c));
    const auto a = c.resolve(), b = back.resolve();
    EXPECT_EQ(b.spec.timing.rc, 90u);
    EXPECT_EQ(b.spec.timing.tck_ps, a.spec.timing.tck_ps);
    EXPECT_EQ(b.address_map, a.address_map);
    EXPECT_EQ(b.ctrl.page_policy, models::dram::PagePolicy::closed);
}

TEST(HbmConfig, RejectsZeroBanks) {
    EXPECT_NE(error_of("banks_per_group: 0")
                  .find("t.yaml: memory.hbm0.banks_per_group: must be >= 1 (banks per bank "
                        "group), got 0"),
              std::string::npos)
        << error_of("banks_per_group: 0");
}

TEST(HbmConfig, RejectsMapThatDoesNotCoverTheAddressBits) {
    const std::string e = error_of("address_map: RoBaBgCoCh");
    EXPECT_NE(e.find("memory.hbm0.address_map: address map 'RoBaBgCoCh': no Pc (pseudo-channel) "
                     "field, but 2 "
                     "pseudo-channels need 1 address bit"),
              std::string::npos)
        << e;
    EXPECT_NE(error_of("address_map: RoBaBgPcCo3ChCo1")
                  .find("bit counts add up to 4 but 32 columns need 5 bits"),
              std::string::npos);
}

TEST(HbmConfig, RejectsTrcBelowTrasPlusTrp) {
    const std::string e = error_of("trc_cycles: 40");
    EXPECT_NE(e.find("memory.hbm0.trc_cycles: tRC must be >= tRAS + tRP (34 + 14 = 48), got 40"),
              std::string::npos)
        << e;
}

TEST(HbmConfig, RejectsUnknownKeysPresetsAndValues) {
    EXPECT_NE(error_of("tcl: 3").find("memory.hbm0.tcl: unknown key; allowed keys: preset, stacks"),
              std::string::npos);
    EXPECT_NE(error_of("preset: hbm4")
                  .find("memory.hbm0.preset: must be one of {hbm2, hbm2e, hbm3}, got 'hbm4'"),
              std::string::npos);
    EXPECT_NE(error_of("tcl_cycles: -1")
                  .find("memory.hbm0.tcl_cycles: must be an integer >= 0, got '-1'"),
              std::string::npos);
    EXPECT_NE(error_of("rows: 1000").find("memory.hbm0.rows: must be a power of two"),
              std::string::npos);
    EXPECT_NE(error_of("read_queue_depth: 0").find("memory.hbm0.read_queue_depth: must be >= 1"),
              std::string::npos);
    EXPECT_NE(error_of("page_policy: lazy").find("must be one of {open, closed}"),
              std::string::npos);
    // Several problems are reported together.
    const std::string e = error_of("trc_cycles: 40, tccd_l_cycles: 1");
    EXPECT_NE(e.find("trc_cycles"), std::string::npos);
    EXPECT_NE(e.find("tccd_l_cycles: tCCD_L must be >= tCCD_S (2), got 1"), std::string::npos);
    // A given tCCD_R below tCCD_S is an error; the preset's own value under an overridden tCCD_S
    // is not (the model applies max(tCCD_S, tCCD_R)).
    EXPECT_NE(error_of("preset: hbm3, tccd_r_cycles: 1")
                  .find("memory.hbm0.tccd_r_cycles: tCCD_R must be >= tCCD_S (2), got 1"),
              std::string::npos);
    EXPECT_EQ(error_of("preset: hbm3, tccd_s_cycles: 4"), "");
}

TEST(HbmConfig, ReferenceFileIsTheReadmeConfiguration) {
    const auto hw =
        sim::load_hw_config(std::string(QASIM_SOURCE_DIR) + "/configs/hw/hbm2_reference.yaml", {});
    ASSERT_EQ(hw.memories.size(), 1u);
    EXPECT_EQ(hw.memories[0].type, "hbm");
    const auto s = hbm_of(hw).resolve();
    const auto& p = models::dram::preset("hbm2");
    EXPECT_EQ(s.address_map, "RoBaBgPcCo4ChCo1");
    EXPECT_EQ(s.ctrl.read_queue_depth, 64u);
    EXPECT_EQ(s.ctrl.write_queue_depth, 64u);
    EXPECT_EQ(s.ctrl.row_hit_cap, 0u);
    EXPECT_EQ(s.stacks, 1u);
    EXPECT_EQ(s.spec.org.stack_bytes(), p.org.stack_bytes());
    const auto& a = s.spec.timing;
    const auto& b = p.timing;
    EXPECT_EQ(std::vector<uint64_t>(
                  {a.tck_ps, a.cl,    a.cwl,   a.rcd_rd, a.rcd_wr, a.rp,    a.ras,
                   a.rc,     a.wr,    a.rtp,   a.ccd_s,  a.ccd_l,  a.rrd_s, a.rrd_l,
                   a.faw,    a.wtr_s, a.wtr_l, a.rtw,    a.rfc,    a.refi,  a.act_cmd_cycles}),
              std::vector<uint64_t>(
                  {b.tck_ps, b.cl,    b.cwl,   b.rcd_rd, b.rcd_wr, b.rp,    b.ras,
                   b.rc,     b.wr,    b.rtp,   b.ccd_s,  b.ccd_l,  b.rrd_s, b.rrd_l,
                   b.faw,    b.wtr_s, b.wtr_l, b.rtw,    b.rfc,    b.refi,  b.act_cmd_cycles}));
    EXPECT_DOUBLE_EQ(models::dram::peak_bandwidth_gbps(s.spec, s.stacks), 256.0);
}

}  // namespace
