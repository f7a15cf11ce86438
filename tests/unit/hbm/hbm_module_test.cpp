// The `hbm` TLM module: b_transport timing (delay = completion − now), byte and row counters,
// stats, energy/area table. SystemC elaborates once per process: each TEST here needs its own
// process (ctest runs every TEST alone); run directly, the later ones skip.
#include <gtest/gtest.h>

#include <cstring>

#include "hw/hbm/hbm.h"
#include "models/energy/tech.h"
#include "sim/hw_config.h"
#include "sim/simulation.h"
#include "sim/tech_loader.h"

using namespace qasim;

namespace {

bool fresh_kernel() { return sc_core::sc_get_status() == sc_core::SC_ELABORATION; }

/// Issues the given transactions from one thread, recording the delay each returns.
struct Initiator : sc_core::sc_module {
    struct Tx {
        uint64_t addr, bytes;
        tlm::tlm_command cmd;
        sc_core::sc_time start;  // local offset handed in as `delay`
        sc_core::sc_time delay_out;
        tlm::tlm_response_status status = tlm::TLM_INCOMPLETE_RESPONSE;
    };
    tlm_utils::simple_initiator_socket<Initiator> out{"out"};
    std::vector<Tx> txs;
    unsigned char buf[16] = {0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB,
                             0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB, 0xAB};
    SC_HAS_PROCESS(Initiator);
    explicit Initiator(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }
    void run() {
        for (auto& t : txs) {
            tlm::tlm_generic_payload gp;
            gp.set_command(t.cmd);
            gp.set_address(t.addr);
            gp.set_data_length(static_cast<unsigned>(t.bytes));
            gp.set_data_ptr(buf);  // a timing-only target never touches it
            gp.set_streaming_width(static_cast<unsigned>(t.bytes));
            sc_core::sc_time d = t.start;
            out->b_transport(gp, d);
            t.delay_out = d;
            t.status = gp.get_response_status();
        }
    }
};

TEST(HbmModule, TransportTimingCountersAndCosts) {
    if (!fresh_kernel()) GTEST_SKIP() << "needs a fresh process (ctest runs each test alone)";
    const auto hw = sim::parse_hw_config(
        "name: t\nmemory:\n  hbm0: {type: hbm, preset: hbm2}\nunits: {}\nmapping: []\n", "t.yaml");
    const auto* entry = sim::Registry::find(sim::Role::memory, "hbm");
    ASSERT_NE(entry, nullptr);
    sim::BuildContext ctx;
    ctx.instance = "hbm0";
    auto* mod = entry->build(*hw.memories[0].cfg, ctx);
    auto* hbm = dynamic_cast<hw::Hbm*>(mod);
    ASSERT_NE(hbm, nullptr);
    Initiator ini("ini");
    ini.out.bind(hbm->mem_socket());
    using sc_core::SC_NS;
    using sc_core::sc_time;
    ini.txs = {{0, 64 << 10, tlm::TLM_READ_COMMAND, sc_time(100, SC_NS), {}, {}},
               {1 << 20, 4096, tlm::TLM_WRITE_COMMAND, sc_time(0, SC_NS), {}, {}},
               {hbm->capacity_bytes() - 32, 64, tlm::TLM_READ_COMMAND, sc_time(0, SC_NS), {}, {}}};
    sc_core::sc_start();

    // The same transactions on a bare model give the same completion times.
    models::dram::DramSystem ref(hw::HbmConfig().resolve());
    const uint64_t done0 = ref.access(0, 64 << 10, false, 100000);
    const uint64_t done1 = ref.access(1 << 20, 4096, true, 0);
    EXPECT_EQ(ini.txs[0].status, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(ini.txs[0].delay_out, sc_time(static_cast<double>(done0), sc_core::SC_PS));
    EXPECT_EQ(ini.txs[1].delay_out, sc_time(static_cast<double>(done1), sc_core::SC_PS));
    EXPECT_GT(ini.txs[0].delay_out, sc_time(100, SC_NS) + sc_time((64 << 10) / 256.0, SC_NS));
    EXPECT_EQ(ini.txs[2].status, tlm::TLM_ADDRESS_ERROR_RESPONSE);  // runs past the capacity
    for (unsigned char b : ini.buf) EXPECT_EQ(b, 0xAB);

    EXPECT_EQ(hbm->read_bytes(), 64u << 10);
    EXPECT_EQ(hbm->write_bytes(), 4096u);
    EXPECT_TRUE(hbm->is_dram());
    EXPECT_EQ(hbm->capacity_bytes(), 8ull << 30);
    EXPECT_EQ(hbm->row_accesses(), (64u << 10) / 32 + 4096 / 32);
    EXPECT_GT(hbm->row_hit_rate(), 0.8);
    EXPECT_EQ(hbm->action_counts().get("read_bits"), (64ull << 10) * 8);
    EXPECT_EQ(hbm->action_counts().get("io_bits"), (64ull << 10) * 8 + 4096 * 8);
    EXPECT_EQ(hbm->action_counts().get("act"), hbm->dram().counters().acts);

    bool has_acts = false, has_rate = false;
    for (const auto& e : hbm->stats().entries()) {
        has_acts |= e.name == "acts" && e.unit == "commands" && !e.description.empty();
        has_rate |= e.name == "row_hit_rate";
    }
    EXPECT_TRUE(has_acts);
    EXPECT_TRUE(has_rate);

    const models::Tech tech = sim::load_tech(7);
    models::CostTable t;
    hbm->cost_table(tech, t);
    EXPECT_DOUBLE_EQ(t.pj_per_action.at("act"), 828.0);
    EXPECT_DOUBLE_EQ(t.pj_per_action.at("read_bits"), 1.57);
    EXPECT_DOUBLE_EQ(t.pj_per_action.at("io_bits"), 0.30);
    EXPECT_DOUBLE_EQ(t.area_mm2.at("hbm_phy"), 10.45);
    EXPECT_NEAR(t.area_mm2.at("hbm_controller"), 5.74, 0.01);  // LLMCompass, 7 nm
    EXPECT_DOUBLE_EQ(t.leakage_mw, 384.0);
    // Every counted action has a price.
    for (const auto& [a, n] : hbm->action_counts().all())
        EXPECT_TRUE(t.pj_per_action.count(a)) << a;
}

TEST(HbmModule, RunsAsTheMemoryOfASimulation) {
    if (!fresh_kernel()) GTEST_SKIP() << "needs a fresh process (ctest runs each test alone)";
    const std::string yaml = std::string(
        "name: t\nclock_mhz: 1000\ntech_nm: 28\nunits:\n  vec0: {type: vector_unit, lanes: 64}\n"
        "memory:\n  hbm0: {type: hbm, preset: hbm2e}\nmapping:\n  - {ops: ['*'], unit: vec0}\n");
    static sim::HwConfig hw;
    hw = sim::parse_hw_config(yaml, "t.yaml");
    static workloads::Trace trace;
    trace.source = "t.trace";
    models::Op op;
    op.name = "add";
    op.kind = models::OpKind::add;
    op.elems = 1 << 20;
    trace.ops = {op};
    static models::Tech tech = sim::load_tech(28);
    static sim::Simulation* s = new sim::Simulation(hw, trace, tech);
    const sim::Report r = s->run();
    ASSERT_EQ(r.layers.size(), 1u);
    EXPECT_GT(r.dram_read_bytes, 0u);
    EXPECT_GT(r.layers[0].row_hit_rate, 0.5);
    EXPECT_GT(r.layers[0].dram_bw_gbps, 0.0);
    EXPECT_LT(r.layers[0].dram_bw_gbps, 409.6);
}

}  // namespace
