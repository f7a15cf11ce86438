// TraceManager: VCD text from timed records (order, same-time merging, x, window, globs) and the
// GTKWave save file.
#include <gtest/gtest.h>

#include "sim/errors.h"
#include "sim/trace_manager.h"
#include "sim/waves.h"

using namespace qasim::sim;

namespace {

std::string body(const std::string& vcd) {
    return vcd.substr(vcd.find("$enddefinitions $end\n") + 21);
}

}  // namespace

TEST(TraceManager, HeaderScopesAndVars) {
    TraceManager tm;
    tm.add_signal("layer", TraceKind::integer, 32, TraceFormat::decimal, true);
    tm.add_signal("sa0.busy", TraceKind::bit);
    tm.add_signal("dram0.ch1.bw_gbps", TraceKind::real, 64, TraceFormat::analog);
    const std::string v = tm.vcd_text();
    EXPECT_NE(v.find("$timescale 1ps $end"), std::string::npos);
    EXPECT_NE(
        v.find(
            "$scope module top $end\n$var integer 32 ! layer [31:0] $end\n$scope module sa0 $end\n"
            "$var wire 1 \" busy $end\n$upscope $end\n$scope module dram0 $end\n$scope module ch1 "
            "$end\n"
            "$var real 64 # bw_gbps $end\n$upscope $end\n$upscope $end\n$upscope $end\n"),
        std::string::npos)
        << v;
    EXPECT_EQ(body(v), "#0\n$dumpvars\nbx !\n0\"\nr0 #\n$end\n");
}

TEST(TraceManager, OutOfOrderRecordsAndSameTimeMerge) {
    TraceManager tm;
    auto busy = tm.add_signal("u.busy", TraceKind::bit);
    auto tile = tm.add_signal("u.tile", TraceKind::integer, 8, TraceFormat::decimal);
    // Two back-to-back tiles [10,20) and [20,35), recorded with their end first.
    tm.add(busy, 20, -1);
    tm.add(busy, 10, 1);
    tm.set(tile, 10, 0);
    tm.add(busy, 20, 1);
    tm.add(busy, 35, -1);
    tm.set(tile, 20, 5);
    EXPECT_EQ(body(tm.vcd_text()),
              "#0\n$dumpvars\n0!\nb0 \"\n$end\n#10\n1!\n#20\nb101 \"\n#35\n0!\n");
}

TEST(TraceManager, WindowKeepsStateFromBeforeIt) {
    TraceOptions o;
    parse_window("0.015:0.030", o);  // 15..30 ps
    EXPECT_EQ(o.window_start_ps, 15u);
    EXPECT_EQ(o.window_end_ps, 30u);
    TraceManager tm(o);
    auto n = tm.add_signal("bytes", TraceKind::integer, 16, TraceFormat::analog);
    tm.add(n, 10, 3);
    tm.add(n, 20, 4);
    tm.add(n, 40, 100);
    EXPECT_EQ(body(tm.vcd_text()), "#15\n$dumpvars\nb11 !\n$end\n#20\nb111 !\n");
}

TEST(TraceManager, WindowParsing) {
    TraceOptions o;
    parse_window("100:", o);
    EXPECT_EQ(o.window_start_ps, 100000u);
    EXPECT_EQ(o.window_end_ps, std::numeric_limits<uint64_t>::max());
    parse_window(":2.5", o);
    EXPECT_EQ(o.window_start_ps, 0u);
    EXPECT_EQ(o.window_end_ps, 2500u);
    EXPECT_THROW(parse_window("5:5", o), ConfigError);
    EXPECT_THROW(parse_window("abc:5", o), ConfigError);
    EXPECT_THROW(parse_window("5", o), ConfigError);
    EXPECT_THROW(parse_window("-1:5", o), ConfigError);
}

TEST(TraceManager, GlobsSelectSignals) {
    TraceOptions o;
    o.globs = parse_signal_globs("sa0.*,layer");
    TraceManager tm(o);
    auto a = tm.add_signal("sa0.busy", TraceKind::bit);
    auto b = tm.add_signal("vec0.busy", TraceKind::bit);
    auto c = tm.add_signal("layer", TraceKind::integer, 32);
    EXPECT_NE(a, TraceManager::kDisabled);
    EXPECT_EQ(b, TraceManager::kDisabled);
    EXPECT_NE(c, TraceManager::kDisabled);
    tm.add(b, 5, 1);  // ignored
    EXPECT_EQ(tm.record_count(), 0u);
    EXPECT_EQ(tm.vcd_text().find("vec0"), std::string::npos);
    EXPECT_NO_THROW(tm.check_globs());
    TraceOptions bad;
    bad.globs = {"nothing.*"};
    TraceManager tm2(bad);
    tm2.add_signal("sa0.busy", TraceKind::bit);
    EXPECT_THROW(tm2.check_globs(), ConfigError);
    EXPECT_THROW(parse_signal_globs("a,,b"), ConfigError);
}

TEST(TraceManager, DuplicateOrBadPathsAreRejected) {
    TraceManager tm;
    tm.add_signal("a.b", TraceKind::bit);
    EXPECT_THROW(tm.add_signal("a.b", TraceKind::bit), std::invalid_argument);
    EXPECT_THROW(tm.add_signal("a..b", TraceKind::bit), std::invalid_argument);
    EXPECT_THROW(tm.add_signal("a b", TraceKind::bit), std::invalid_argument);
}

TEST(TraceManager, RealsCancelToZero) {
    TraceManager tm;
    auto bw = tm.add_signal("dma.bw_gbps", TraceKind::real, 64, TraceFormat::analog);
    tm.add(bw, 0, 0.1);
    tm.add(bw, 5, 0.2);
    tm.add(bw, 7, -0.1);
    tm.add(bw, 9, -0.2);
    EXPECT_EQ(body(tm.vcd_text()),
              "#0\n$dumpvars\nr0.1 !\n$end\n#5\nr0.3 !\n#7\nr0.2 !\n#9\nr0 !\n");
}

TEST(TraceManager, GtkwGroupsAndFormats) {
    TraceManager tm;
    tm.add_signal("layer", TraceKind::integer, 32, TraceFormat::decimal);
    tm.add_signal("sa0.busy", TraceKind::bit, 1, TraceFormat::binary);
    tm.add_signal("sa0.active_pes", TraceKind::integer, 32, TraceFormat::analog);
    const std::string g = tm.gtkw_text("/tmp/w.vcd");
    EXPECT_NE(g.find("[dumpfile] \"/tmp/w.vcd\"\n"), std::string::npos);
    EXPECT_NE(g.find("@800200\n-global\n@24\ntop.layer\n@1000200\n-global\n"), std::string::npos)
        << g;
    EXPECT_NE(g.find("@800200\n-sa0\n@28\ntop.sa0.busy\n@8024\ntop.sa0.active_pes\n@20000\n-\n@"
                     "1000200\n-sa0\n"),
              std::string::npos)
        << g;
    // Nested below the group: labelled with its path in the group.
    tm.add_signal("sa0.ifmap_sram.occupancy_bytes", TraceKind::integer, 64, TraceFormat::analog);
    EXPECT_NE(tm.gtkw_text("/tmp/w.vcd")
                  .find("@8024\n+{ifmap_sram occupancy_bytes} "
                        "top.sa0.ifmap_sram.occupancy_bytes\n"),
              std::string::npos);
}

TEST(TraceManager, SignalsKeptOutOfTheView) {
    // In the VCD and not in the save file's view; with --vcd-signals every selected signal is.
    for (const bool globs : {false, true}) {
        TraceOptions o;
        if (globs) o.globs = parse_signal_globs("m.*");
        TraceManager tm(o);
        tm.add_signal("m.ch0.queued", TraceKind::integer, 8);
        const auto bank = tm.add_signal("m.ch0.b0.open", TraceKind::bit);
        tm.keep_out_of_view(bank);
        tm.keep_out_of_view(TraceManager::kDisabled);  // no effect
        tm.set(bank, 3, 1);
        EXPECT_NE(tm.vcd_text().find("open"), std::string::npos);
        const std::string g = tm.gtkw_text("/tmp/w.vcd");
        EXPECT_NE(g.find("top.m.ch0.queued"), std::string::npos) << g;
        EXPECT_EQ(g.find("top.m.ch0.b0.open") != std::string::npos, globs) << g;
    }
}

TEST(TraceManager, ActiveIsNullUnlessSet) {
    EXPECT_EQ(TraceManager::active(), nullptr);
    TraceManager tm;
    TraceManager::set_active(&tm);
    EXPECT_EQ(TraceManager::active(), &tm);
    TraceManager::set_active(nullptr);
}

TEST(Waves, GtkwPathBesideVcd) {
    EXPECT_EQ(gtkw_path_for("out/waves.vcd"), "out/waves.gtkw");
    EXPECT_EQ(gtkw_path_for("a.b/waves"), "a.b/waves.gtkw");
}
