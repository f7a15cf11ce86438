// WaveTracer buffer occupancy: operand loads attributed to tiles by the sequencer's event order,
// re-used data kept until its last user, outputs from the start of their accumulation group to the
// end of their store, `type: sram` memories; signals registered from the unit's config.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <sstream>
#include <utility>

#include "hw/common/unit_base.h"
#include "sim/hw_config.h"
#include "sim/trace_manager.h"
#include "sim/waves.h"

using namespace qasim;
using namespace qasim::sim;

namespace {

/// A unit whose plan is given by the test.
class FakeUnit : public hw::UnitBase {
public:
    FakeUnit(const char* name, models::TilePlan plan)
        : UnitBase(name, BuildContext{}), m_plan(std::move(plan)) {}
    std::string check(const models::Op&) const override { return ""; }
    models::TilePlan plan(const models::Op&) const override { return m_plan; }
    void cost_table(const models::Tech&, models::CostTable&) const override {}

private:
    models::TilePlan m_plan;
};

models::Tile tile(uint64_t a, uint64_t b, uint64_t store) {
    models::Tile t;
    t.load_a_bytes = a;
    t.load_b_bytes = b;
    t.store_bytes = store;
    t.compute_cycles = 10;
    t.macs = 10;
    return t;
}

InstanceConfig instance(const std::string& name, const std::string& type,
                        std::vector<std::pair<std::string, std::string>> resolved) {
    InstanceConfig ic;
    ic.name = name;
    ic.type = type;
    ic.cfg = std::make_unique<ParsedConfig>();
    ic.cfg->resolved = std::move(resolved);
    return ic;
}

/// Value changes per signal path: {path: [(t, value)]} (integers; 'x' as -1), from the VCD text.
std::map<std::string, std::vector<std::pair<uint64_t, int64_t>>> changes(const std::string& vcd) {
    std::map<std::string, std::string> path_of;  // id -> path
    std::map<std::string, std::vector<std::pair<uint64_t, int64_t>>> out;
    std::vector<std::string> scope;
    std::istringstream in(vcd);
    std::string line;
    uint64_t t = 0;
    bool header = true;
    while (std::getline(in, line)) {
        std::istringstream ls(line);
        std::vector<std::string> w;
        for (std::string x; ls >> x;) w.push_back(x);
        if (w.empty()) continue;
        if (header) {
            if (w[0] == "$scope") scope.push_back(w[2]);
            if (w[0] == "$upscope") scope.pop_back();
            if (w[0] == "$var") {
                std::string p;
                for (size_t i = 1; i < scope.size(); ++i) p += scope[i] + ".";
                path_of[w[3]] = p + w[4];
            }
            if (w[0] == "$enddefinitions") header = false;
            continue;
        }
        if (w[0][0] == '#') {
            t = std::stoull(w[0].substr(1));
        } else if (w[0][0] == 'b' && w.size() == 2) {
            const std::string bits = w[0].substr(1);
            out[path_of[w[1]]].emplace_back(
                t, bits.find('x') != std::string::npos ? -1 : std::stoll(bits, nullptr, 2));
        }
    }
    return out;
}

using Changes = std::vector<std::pair<uint64_t, int64_t>>;

}  // namespace

TEST(BufferOccupancy, LoadsReuseAndStoresAtEventTimes) {
    models::TilePlan plan;
    plan.double_buffered = true;
    plan.tiles = {tile(100, 200, 0), tile(0, 200, 50), tile(100, 0, 50)};
    static FakeUnit sa("occ_sa0", plan);
    models::Op op;
    op.name = "g";
    std::vector<const models::Op*> ops{&op};

    HwConfig hw;
    hw.units.push_back(instance("occ_sa0", "systolic_array",
                                {{"rows", "4"},
                                 {"ifmap_sram_kb", "1"},
                                 {"filter_sram_kb", "1"},
                                 {"ofmap_sram_kb", "1"}}));
    TraceManager tm;
    WaveTracer w(tm, ops, {&sa}, {}, &hw);
    const auto paths = tm.all_paths();
    for (const char* p :
         {"occ_sa0.ifmap_sram.occupancy_bytes", "occ_sa0.filter_sram.occupancy_bytes",
          "occ_sa0.ofmap_sram.occupancy_bytes"})
        EXPECT_NE(std::find(paths.begin(), paths.end(), p), paths.end()) << p;

    // The sequencer's order: loads of tile 0 (B, A), then per tile: compute, next loads, store.
    w.on_layer_begin(0);
    w.on_dma(0, 0, 200, 0, 10);   // B of tile 0
    w.on_dma(0, 0, 100, 10, 20);  // A of tile 0
    w.on_compute(0, 0, 0, 20, 30);
    w.on_dma(0, 0, 200, 20, 35);  // B of tile 1 (prefetch); tile 1 re-uses A
    w.on_compute(0, 0, 1, 35, 45);
    w.on_dma(0, 0, 100, 35, 40);  // A of tile 2; tile 2 re-uses B
    w.on_dma(0, 1, 50, 45, 55);   // store of tile 1 (its group: tiles 0 and 1)
    w.on_compute(0, 0, 2, 45, 55);
    w.on_dma(0, 1, 50, 55, 60);   // store of tile 2
    hw::LayerResult r;
    r.start_ps = 0;
    r.end_ps = 60;
    w.on_layer_end(0, r);

    auto c = changes(tm.vcd_text());
    // A: tile 0's 100 B from its load start (10) until tile 1 (its last user) ends (45); tile 2's
    // from its load start (35) until the op's end of tile 2 (55).
    EXPECT_EQ(c["occ_sa0.ifmap_sram.occupancy_bytes"],
              (Changes{{0, 0}, {10, 100}, {35, 200}, {45, 100}, {55, 0}}));
    // B: tile 0's until tile 0 ends (30), tile 1's from 20, re-used by tile 2 until 55.
    EXPECT_EQ(c["occ_sa0.filter_sram.occupancy_bytes"],
              (Changes{{0, 200}, {20, 400}, {30, 200}, {55, 0}}));
    // Outputs: group {0, 1} from 20 to its store's end (55); group {2} from 45 to 60.
    EXPECT_EQ(c["occ_sa0.ofmap_sram.occupancy_bytes"],
              (Changes{{0, 0}, {20, 50}, {45, 100}, {55, 50}, {60, 0}}));
}

TEST(BufferOccupancy, LoadLargerThanItsSlotCountsOneSlot) {
    models::TilePlan plan;
    plan.double_buffered = true;
    plan.tiles = {tile(5000, 0, 0)};
    static FakeUnit u("occ_big", plan);
    models::Op op;
    std::vector<const models::Op*> ops{&op};
    HwConfig hw;
    hw.units.push_back(instance("occ_big", "vector_unit", {{"buffer_kb", "2"}}));
    TraceManager tm;
    WaveTracer w(tm, ops, {&u}, {}, &hw);
    w.on_layer_begin(0);
    w.on_dma(0, 0, 5000, 0, 10);
    w.on_compute(0, 0, 0, 10, 20);
    hw::LayerResult r;
    r.end_ps = 20;
    w.on_layer_end(0, r);
    auto c = changes(tm.vcd_text());
    // Double-buffered: one tile's slot is half of the 2 KiB buffer; the rest streams through.
    EXPECT_EQ(c["occ_big.buffer.occupancy_bytes"], (Changes{{0, 1024}, {20, 0}}));
}

TEST(BufferOccupancy, NoConfigNoSignalsAndUnknownTypesAreSkipped) {
    models::TilePlan plan;
    plan.tiles = {tile(1, 1, 1)};
    static FakeUnit u("occ_other", plan);
    models::Op op;
    std::vector<const models::Op*> ops{&op};
    {
        TraceManager tm;
        WaveTracer w(tm, ops, {&u}, {});
        for (const auto& p : tm.all_paths()) EXPECT_EQ(p.find("occupancy"), std::string::npos) << p;
    }
    HwConfig hw;
    hw.units.push_back(instance("occ_other", "sram_pim", {{"ifmap_sram_kb", "1"}}));
    TraceManager tm;
    WaveTracer w(tm, ops, {&u}, {}, &hw);
    for (const auto& p : tm.all_paths()) EXPECT_EQ(p.find("occupancy"), std::string::npos) << p;
}

TEST(BufferOccupancy, LutCoreOperandADependsOnPrecompute) {
    models::TilePlan plan;
    plan.tiles = {tile(1, 1, 1)};
    static FakeUnit u("occ_lut", plan);
    models::Op op;
    std::vector<const models::Op*> ops{&op};
    for (const std::string pre : {"on_chip", "fused"}) {
        HwConfig hw;
        hw.units.push_back(instance("occ_lut", "lut_tensor_core",
                                    {{"precompute", pre},
                                     {"act_sram_kb", "1"},
                                     {"table_sram_kb", "1"},
                                     {"weight_sram_kb", "1"},
                                     {"out_sram_kb", "1"}}));
        TraceManager tm;
        WaveTracer w(tm, ops, {&u}, {}, &hw);
        const auto paths = tm.all_paths();
        auto has = [&](const std::string& p) {
            return std::find(paths.begin(), paths.end(), p) != paths.end();
        };
        EXPECT_EQ(has("occ_lut.act_sram.occupancy_bytes"), pre == "on_chip");
        EXPECT_EQ(has("occ_lut.table_sram.occupancy_bytes"), pre == "fused");
        EXPECT_TRUE(has("occ_lut.weight_sram.occupancy_bytes"));
        EXPECT_TRUE(has("occ_lut.out_sram.occupancy_bytes"));
    }
}
