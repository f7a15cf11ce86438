// Presets, peak bandwidth and config validation of the DRAM model.
#include <gtest/gtest.h>

#include "models/dram/dram_system.h"

namespace qasim::models::dram {
namespace {

bool has_problem(const std::vector<Problem>& ps, const std::string& key, const std::string& text) {
    for (const auto& p : ps)
        if (p.key == key && p.message.find(text) != std::string::npos) return true;
    return false;
}

TEST(DramPreset, PeakBandwidthIsChannelsTimesBusTimesRate) {
    // channels × pseudo-channels × bus bits × data rate / 8.
    for (const auto& name : preset_names()) {
        const Spec& s = preset(name);
        const double expect = double(s.org.channels * s.org.pseudo_channels * s.org.bus_bits) *
                              s.org.data_rate_mtps * 1e6 / 8 / 1e9;
        EXPECT_DOUBLE_EQ(peak_bandwidth_gbps(s, 1), expect) << name;
        EXPECT_DOUBLE_EQ(peak_bandwidth_gbps(s, 4), 4 * expect) << name;
    }
    // The per-stack figures of published_numbers.md §3 / timing_params.csv.
    EXPECT_DOUBLE_EQ(peak_bandwidth_gbps(preset("hbm2"), 1), 256.0);
    EXPECT_DOUBLE_EQ(peak_bandwidth_gbps(preset("hbm2e"), 1), 409.6);
    EXPECT_DOUBLE_EQ(peak_bandwidth_gbps(preset("hbm3"), 1), 819.2);
}

TEST(DramPreset, PresetsAreConsistent) {
    for (const auto& name : preset_names()) {
        const auto p = check_spec(preset(name));
        EXPECT_TRUE(p.empty()) << name << ": " << (p.empty() ? "" : p[0].key + " " + p[0].message);
        SystemConfig c;
        c.spec = preset(name);
        EXPECT_TRUE(check_config(c).empty()) << name;
    }
    EXPECT_THROW(preset("ddr9"), std::invalid_argument);
}

TEST(DramPreset, Hbm2MatchesRamulatorRow) {
    // timing_params.csv, Ramulator2.1 HBM2_4Gb + HBM2_2000Mbps.
    const Spec& s = preset("hbm2");
    EXPECT_EQ(s.org.burst_bytes(), 32u);
    EXPECT_EQ(s.org.row_bytes(), 1024u);
    EXPECT_EQ(s.org.stack_bytes(), 8ull << 30);
    EXPECT_EQ(burst_cycles(s), 2u);
    const Timing& t = s.timing;
    EXPECT_EQ(t.cl, 14u);
    EXPECT_EQ(t.cwl, 5u);
    EXPECT_EQ(t.rcd_rd, 14u);
    EXPECT_EQ(t.rcd_wr, 12u);
    EXPECT_EQ(t.ras, 34u);
    EXPECT_EQ(t.rc, 48u);
    EXPECT_EQ(t.faw, 15u);
    EXPECT_EQ(t.rfc, 260u);
    EXPECT_EQ(t.refi, 3900u);
    const Spec& h3 = preset("hbm3");
    EXPECT_EQ(h3.org.stack_bytes(), 8ull << 30);
    EXPECT_EQ(burst_cycles(h3), 2u);
}

TEST(DramPreset, Hbm2eKeepsNanosecondConstraints) {
    const Spec& a = preset("hbm2");
    const Spec& b = preset("hbm2e");
    auto ns = [](uint64_t cyc, const Spec& s) {
        return double(cyc) * double(s.timing.tck_ps) / 1000.0;
    };
    // Every ns-valued constraint is at least the HBM2 value and less than one tCK above it.
    const std::pair<uint64_t, uint64_t> pairs[] = {
        {a.timing.cl, b.timing.cl},   {a.timing.rcd_rd, b.timing.rcd_rd},
        {a.timing.rp, b.timing.rp},   {a.timing.ras, b.timing.ras},
        {a.timing.wr, b.timing.wr},   {a.timing.faw, b.timing.faw},
        {a.timing.rfc, b.timing.rfc}, {a.timing.refi, b.timing.refi}};
    for (const auto& [x, y] : pairs) {
        EXPECT_GE(ns(y, b) + 1e-9, ns(x, a));
        EXPECT_LT(ns(y, b), ns(x, a) + 0.625 + 1e-9);
    }
    EXPECT_GE(b.timing.rc, b.timing.ras + b.timing.rp);
    EXPECT_EQ(burst_cycles(b), 2u);
}

TEST(DramConfig, RejectsZeroBanks) {
    Spec s = preset("hbm2");
    s.org.banks_per_group = 0;
    const auto p = check_spec(s);
    EXPECT_TRUE(has_problem(p, "banks_per_group", "must be >= 1"))
        << (p.empty() ? "" : p[0].message);
}

TEST(DramConfig, RejectsTrcBelowTrasPlusTrp) {
    Spec s = preset("hbm2");
    s.timing.rc = 40;
    const auto p = check_spec(s);
    EXPECT_TRUE(has_problem(p, "trc_cycles", "tRC must be >= tRAS + tRP (34 + 14 = 48), got 40"));
}

TEST(DramConfig, RejectsNonPowerOfTwoAndBadBurst) {
    Spec s = preset("hbm2");
    s.org.rows = 30000;
    EXPECT_TRUE(has_problem(check_spec(s), "rows", "power of two"));
    Spec t = preset("hbm2");
    t.org.data_rate_mtps = 3000;  // BL4 at 3000 MT/s = 1.33 ns: not whole tCK of 1 ns
    EXPECT_TRUE(has_problem(check_spec(t), "burst_length", "whole number"));
}

TEST(DramConfig, RejectsMapThatMissesBits) {
    SystemConfig c;
    c.spec = preset("hbm2");
    c.address_map = "RoBaBgCoCh";
    EXPECT_TRUE(has_problem(check_config(c), "address_map", "no Pc (pseudo-channel) field"));
    c.address_map = "RoBaBgPcCo4ChCo2";
    EXPECT_TRUE(has_problem(check_config(c), "address_map",
                            "bit counts add up to 6 but 32 columns need 5 bits"));
    EXPECT_THROW(DramSystem{c}, std::invalid_argument);
}

TEST(DramConfig, RejectsControllerParameters) {
    SystemConfig c;
    c.spec = preset("hbm2");
    c.ctrl.read_queue_depth = 0;
    c.ctrl.write_low_watermark = 0.9;
    const auto p = check_config(c);
    EXPECT_TRUE(has_problem(p, "read_queue_depth", "must be >= 1"));
    EXPECT_TRUE(has_problem(p, "write_low_watermark", "< write_high_watermark"));
}

TEST(DramArea, ControllerAreaFollowsTransistorDensity) {
    // LLMCompass: 552.7 M transistors per stack; 96.3 MTr/mm² at 7 nm → 5.74 mm².
    const StackArea a;
    EXPECT_NEAR(controller_area_mm2(a, 7), 5.74, 0.01);
    EXPECT_NEAR(controller_area_mm2(a, 28), 552.7 / 15.3, 1e-9);
    // Between table nodes the density is interpolated and monotonic.
    EXPECT_GT(controller_area_mm2(a, 16), controller_area_mm2(a, 14));
    EXPECT_LT(controller_area_mm2(a, 16), controller_area_mm2(a, 20));
    EXPECT_DOUBLE_EQ(a.phy_mm2, 10.45);
}

TEST(DramArea, PerStackFiguresScaleWithTheModelledInterface) {
    // Every preset is one full 1024-bit stack (JESD235/JESD238).
    for (const std::string& n : preset_names()) EXPECT_DOUBLE_EQ(stack_fraction(preset(n)), 1.0) << n;
    // One HBM2 channel (2 pseudo-channels × 64 bit = 128 of 1024 bits, the bitmod/olive presets):
    // 1/8 of the stack's background power (48 mW per 128-bit channel, dram_spec.cpp).
    SystemConfig c;
    c.spec = preset("hbm2");
    c.spec.org.channels = 1;
    EXPECT_DOUBLE_EQ(stack_fraction(c.spec), 0.125);
    DramSystem one(c);
    EXPECT_DOUBLE_EQ(one.background_mw(), 48.0);
    // Two full stacks: twice the per-stack figure.
    c.spec = preset("hbm2e");
    c.stacks = 2;
    DramSystem two(c);
    EXPECT_DOUBLE_EQ(two.background_mw(), 768.0);
    // HBM3: 16 channels × 2 pseudo-channels × 32 bit; halving the channels halves the fraction.
    Spec h3 = preset("hbm3");
    h3.org.channels = 8;
    EXPECT_DOUBLE_EQ(stack_fraction(h3), 0.5);
}

}  // namespace
}  // namespace qasim::models::dram
