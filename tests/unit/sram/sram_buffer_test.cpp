// The on-chip SRAM memory (`type: sram`): access time closed form, and activations placed in it
// leave DRAM with only the weights.
#include <gtest/gtest.h>

#include "hw/sram/sram_buffer.h"
#include "sim/hw_config.h"
#include "sim/simulation.h"
#include "sim/tech_loader.h"

using namespace qasim;

TEST(SramBuffer, AccessCyclesClosedForm) {
    hw::SramBufferConfig c;
    c.size_kb = 1024;
    c.banks = 4;
    c.width_bits = 128;  // 4 × 16 B = 64 B per cycle
    c.latency_cycles = 3;
    sim::BuildContext ctx;
    hw::SramBuffer s("gbuf", c, ctx);
    EXPECT_EQ(s.access_cycles(64), 1u + 3);
    EXPECT_EQ(s.access_cycles(65), 2u + 3);
    EXPECT_EQ(s.access_cycles(6400), 100u + 3);
    EXPECT_FALSE(s.is_dram());
    EXPECT_EQ(s.capacity_bytes(), 1024u * 1024);
}

TEST(SramBuffer, BadConfigRejected) {
    try {
        sim::parse_hw_config("memory:\n  g: {type: sram, size_kb: 1, banks: 64, width_bits: 256}\n", "h.yaml");
        FAIL();
    } catch (const sim::ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("memory.g.banks"), std::string::npos) << e.what();
    }
}

TEST(SramBuffer, ActivationsOnChipLeaveOnlyWeightsInDram) {
    static sim::HwConfig hw = sim::parse_hw_config(R"(
name: t
units:
  sa0: {type: systolic_array, rows: 16, cols: 16, pe_format: int8}
memory:
  dram0: {type: simple_dram}
  gbuf: {type: sram, size_kb: 4096}
mapping: [{ops: [gemm], unit: sa0}]
placement: {weights: dram0, kv: dram0, activations: gbuf}
)",
                                                   "t.yaml");
    static workloads::Trace trace;
    trace.source = "t";
    models::Op op;
    op.name = "g";
    op.kind = models::OpKind::gemm;
    op.m = 64;
    op.k = 256;
    op.n = 128;
    op.a = op.b = op.out = models::parse_format("int8");
    trace.ops = {op};
    static models::Tech tech = sim::load_tech(28);
    static sim::Simulation s(hw, trace, tech);
    const auto r = s.run();
    EXPECT_EQ(r.dram_write_bytes, 0u);
    EXPECT_EQ(r.dram_read_bytes, 256u * 128);  // the int8 weights, once
    EXPECT_GT(r.layers[0].r.onchip_read_bytes, 0u);
    EXPECT_EQ(r.layers[0].r.onchip_write_bytes, 64u * 128);
    bool priced = false;
    for (const auto& m : r.modules)
        if (m.name == "gbuf") priced = m.dynamic_pj > 0 && m.area_mm2 > 0;
    EXPECT_TRUE(priced);
}
