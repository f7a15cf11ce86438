// The sequencer's overlap and stall accounting, on a synthetic unit whose tiles are set by the test.
#include <gtest/gtest.h>

#include "hw/common/unit_base.h"
#include "sim/hw_config.h"
#include "sim/simulation.h"
#include "sim/tech_loader.h"

using namespace qasim;

namespace {

struct FakeUnitConfig {
    uint64_t tiles = 10;
    uint64_t compute_cycles = 100;
    uint64_t load_bytes = 1000;
    uint64_t store_bytes = 0;
    bool double_buffered = true;
    static const sim::FieldTable<FakeUnitConfig>& fields() {
        static const auto t = sim::FieldTable<FakeUnitConfig>()
                                  .u64("tiles", &FakeUnitConfig::tiles, "", "tiles")
                                  .u64("compute_cycles", &FakeUnitConfig::compute_cycles, "", "cycles per tile")
                                  .u64("load_bytes", &FakeUnitConfig::load_bytes, "", "B per tile")
                                  .u64("store_bytes", &FakeUnitConfig::store_bytes, "", "B per tile")
                                  .boolean("double_buffered", &FakeUnitConfig::double_buffered, "overlap");
        return t;
    }
    void validate(const std::string&, sim::Errors&) const {}
};

class FakeUnit : public hw::UnitBase {
public:
    FakeUnit(sc_core::sc_module_name n, const FakeUnitConfig& c, const sim::BuildContext& ctx)
        : UnitBase(n, ctx), m_c(c) {}
    std::string check(const models::Op&) const override { return ""; }
    models::TilePlan plan(const models::Op&) const override {
        models::TilePlan p;
        models::Tile t;
        t.count = m_c.tiles;
        t.compute_cycles = m_c.compute_cycles;
        t.load_b_bytes = m_c.load_bytes;
        t.store_bytes = m_c.store_bytes;
        t.macs = 1;
        p.tiles.push_back(t);
        p.double_buffered = m_c.double_buffered;
        return p;
    }
    void cost_table(const models::Tech&, models::CostTable&) const override {}

private:
    FakeUnitConfig m_c;
};

const bool kReg = sim::Registry::add<FakeUnit, FakeUnitConfig>(sim::Role::unit, "fake_unit", "test unit");

sim::Report run(const std::string& unit_fields, const std::string& memory) {
    const std::string yaml = "name: t\nclock_mhz: 1000\nunits:\n  u0: {type: fake_unit, " + unit_fields +
                             "}\nmemory:\n  m0: " + memory +
                             "\ninterconnect: {type: crossbar, bytes_per_cycle: 1000000, latency_cycles: 0}\n"
                             "mapping:\n  - {ops: ['*'], unit: u0}\n";
    static sim::HwConfig hw;
    hw = sim::parse_hw_config(yaml, "t.yaml");
    static workloads::Trace trace;
    trace.source = "t.trace";
    models::Op op;
    op.name = "g";
    op.kind = models::OpKind::gemm;
    op.m = op.k = op.n = 1;
    trace.ops = {op};
    static models::Tech tech = sim::load_tech(28);
    static sim::Simulation* s = new sim::Simulation(hw, trace, tech);
    return s->run();
}

}  // namespace

TEST(Sequencer, IdealMemoryNoStall) {
    auto r = run("tiles: 10, compute_cycles: 100, load_bytes: 1000", "{type: ideal}");
    ASSERT_EQ(r.layers.size(), 1u);
    EXPECT_EQ(r.layers[0].stall_cycles, 0u);
    EXPECT_EQ(r.layers[0].compute_cycles, 1000u);
    EXPECT_EQ(r.cycles, 1000u);
}

TEST(Sequencer, LoadsSlowerThanComputeStall) {
    // 1000 B at 10 GB/s = 100 ns per load, compute 50 ns per tile: loads bound, double buffered.
    auto r = run("tiles: 10, compute_cycles: 50, load_bytes: 1000",
                 "{type: simple_dram, bandwidth_gbps: 10, latency_ns: 0}");
    EXPECT_GT(r.layers[0].stall_cycles, 0u);
    // Loads back to back: 10 × 100 ns, the last tile computes after its load.
    EXPECT_EQ(r.cycles, 10u * 100 + 50);
    EXPECT_EQ(r.layers[0].stall_cycles, r.cycles - 500);
}

TEST(Sequencer, DoubleBufferingOverlapsLoads) {
    // 1000 B at 20 GB/s = 50 ns per load, compute 100 ns: loads hide behind compute after the first.
    auto r = run("tiles: 10, compute_cycles: 100, load_bytes: 1000",
                 "{type: simple_dram, bandwidth_gbps: 20, latency_ns: 0}");
    EXPECT_EQ(r.cycles, 50u + 10 * 100);
    EXPECT_EQ(r.layers[0].stall_cycles, 50u);
}

TEST(Sequencer, SingleBufferSerializes) {
    auto r = run("tiles: 10, compute_cycles: 100, load_bytes: 1000, double_buffered: false",
                 "{type: simple_dram, bandwidth_gbps: 20, latency_ns: 0}");
    EXPECT_EQ(r.cycles, 10u * (50 + 100));
    EXPECT_EQ(r.layers[0].stall_cycles, 10u * 50);
}

TEST(Sequencer, StoresCountAsDramWrites) {
    auto r = run("tiles: 4, compute_cycles: 100, load_bytes: 64, store_bytes: 128",
                 "{type: simple_dram, bandwidth_gbps: 100, latency_ns: 10}");
    EXPECT_EQ(r.dram_read_bytes, 4u * 64);
    EXPECT_EQ(r.dram_write_bytes, 4u * 128);
    EXPECT_EQ(r.cycles, r.layers[0].cycles);
    EXPECT_GE(r.cycles, 400u);
}
