// bitserial_array: config parsing/validation messages, check(), the cost table, the presets, and
// the W3/W4/W8 scaling end to end through the qasim binary with an ideal memory.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "hw/bitserial/bitserial_array.h"
#include "hw/common/pe_format.h"
#include "models/energy/tech.h"
#include "sim/tech_loader.h"
#include "tests/common/config_errors.h"
#include "tests/common/qasim_cli.h"

namespace qasim::hw {
namespace {

namespace fs = std::filesystem;

std::string errors_of(const sim::RawSection& raw, BitserialArrayConfig* cfg = nullptr) {
    return tests::config_errors(raw, "units.bs0", cfg);
}

TEST(BitserialConfig, DefaultsAndFields) {
    BitserialArrayConfig c;
    EXPECT_EQ(errors_of({}, &c), "");
    EXPECT_EQ(c.bits_per_cycle, 1u);
    EXPECT_EQ(c.dot_width, 4u);
    EXPECT_EQ(c.serial_operand, models::SerialOperand::weight);
    EXPECT_EQ(errors_of({{"serial_operand", "activation"},
                         {"bits_per_cycle", "2"},
                         {"parallel_format", "int8"},
                         {"rows", "32"},
                         {"cols", "32"},
                         {"dequant_cycles", "0"}},
                        &c),
              "");
    EXPECT_EQ(c.serial_operand, models::SerialOperand::activation);
    const models::BitserialParams p = c.params();
    EXPECT_EQ(p.bits_per_cycle, 2u);
    EXPECT_EQ(p.parallel_format.spec, "int8");
    EXPECT_EQ(p.rows, 32u);
}

TEST(BitserialConfig, BadConfigsNameKeyValueAndAllowed) {
    std::string e = errors_of({{"serial_operand", "both"}});
    EXPECT_NE(e.find("hw.yaml: units.bs0.serial_operand: must be one of {weight, activation}, got"),
              std::string::npos)
        << e;
    e = errors_of({{"bits_per_cycle", "0"}});
    EXPECT_NE(e.find("units.bs0.bits_per_cycle: must be an integer"), std::string::npos) << e;
    e = errors_of({{"dot_width", "0"}});
    EXPECT_NE(e.find("units.bs0.dot_width"), std::string::npos) << e;
    e = errors_of({{"rows", "-3"}});
    EXPECT_NE(e.find("units.bs0.rows"), std::string::npos) << e;
    e = errors_of({{"parallel_format", "fp4_e9m9"}});
    EXPECT_NE(e.find("units.bs0.parallel_format: format 'fp4_e9m9': unknown base"),
              std::string::npos)
        << e;
    EXPECT_NE(e.find("Allowed:"), std::string::npos) << e;
    e = errors_of({{"parallel_format", "int4/g128"}});
    EXPECT_NE(e.find("units.bs0.parallel_format: 'int4/g128' is a tensor format with scales"),
              std::string::npos)
        << e;
    e = errors_of({{"bit_per_cycle", "2"}});
    EXPECT_NE(e.find("units.bs0.bit_per_cycle: unknown key"), std::string::npos) << e;
    e = errors_of({{"rows", "65536"}, {"cols", "65536"}});
    EXPECT_NE(e.find("exceeds"), std::string::npos) << e;
}

TEST(BitserialUnit, CheckAndCostTable) {
    // The only test that elaborates a module (unique name).
    const models::Tech tech = sim::load_tech(28);
    sim::BuildContext ctx;
    BitserialArrayConfig cfg;
    cfg.bits_per_cycle = 2;
    BitserialArray bs("bs_unit_test", cfg, ctx);
    models::Op op;
    op.name = "g";
    op.kind = models::OpKind::gemm;
    op.m = 4;
    op.k = 256;
    op.n = 128;
    op.b = models::parse_format("bitmod4/g128");
    EXPECT_EQ(bs.check(op), "");
    op.a = models::parse_format("bf16");
    EXPECT_NE(
        bs.check(op).find("A: operand format bf16 does not fit the fp16 bit-parallel datapath"),
        std::string::npos)
        << bs.check(op);
    op.a = models::parse_format("fp16");
    models::Op soft = op;
    soft.kind = models::OpKind::softmax;
    EXPECT_NE(bs.check(soft).find("not softmax"), std::string::npos);

    models::CostTable t;
    bs.cost_table(tech, t);
    // Every action the plan counts is priced.
    const models::ActionCounts counted = bs.plan(op).actions();
    for (const auto& [name, n] : counted.all()) {
        EXPECT_GT(n, 0u);
        ASSERT_TRUE(t.pj_per_action.count(name)) << name;
        EXPECT_GT(t.pj_per_action.at(name), 0.0) << name;
    }
    for (const char* a :
         {"bs_step", "exp_align", "dequant", "bitmod_decode", "ovp_decode", "sram_read_bits.weight",
          "sram_read_bits.act", "sram_read_bits.meta", "sram_write_bits.out"})
        EXPECT_TRUE(t.pj_per_action.count(a)) << a;
    // Cross-check against BitMoD's 28 nm PE (published_numbers §5a): bit-serial mul + group accum
    // 0.38 pJ/cycle at D = 4, 2 bits/cycle; the law must land within a factor of 2.
    EXPECT_GT(t.pj_per_action.at("bs_step"), 0.19);
    EXPECT_LT(t.pj_per_action.at("bs_step"), 0.76);
    // PE area vs BitMoD's 1221.6 µm² (without registers) .. 1793.7 (with): within a factor of 2.
    const double pe_um2 = t.area_mm2.at("pe_array") / (64.0 * 16) * 1e6;
    EXPECT_GT(pe_um2, 1221.6 / 2);
    EXPECT_LT(pe_um2, 1793.7 * 2);
    EXPECT_GT(t.leakage_mw, 0.0);
}

TEST(BitserialUnit, OvpOperandsAlsoFitSystolicPes) {
    // OliVe OVP operands run on a systolic_array whose PEs hold their multiplier width (no decoder
    // action is counted there; see the bitserial_array for ovp_decode).
    EXPECT_EQ(pe_fit(models::parse_format("ovp4"), models::parse_format("int8")), "");
    EXPECT_EQ(pe_fit(models::parse_format("ovp4/channel/fp32"), models::parse_format("ovp4")), "");
    EXPECT_EQ(pe_fit(models::parse_format("ovp8"), models::parse_format("int8")), "");
    EXPECT_NE(pe_fit(models::parse_format("ovp8"), models::parse_format("ovp4")), "");
}

// ---- end to end through the CLI binary ----

std::string read_file(const fs::path& p) {
    std::ifstream f(p);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

/// Runs `qasim run` and returns report.json's total cycles (0 on failure).
uint64_t run_cycles(const fs::path& dir, const std::string& hw, const std::string& trace,
                    const std::string& tag) {
    const fs::path hwp = dir / (tag + "_hw.yaml"), tp = dir / (tag + "_trace.yaml"),
                   out = dir / (tag + "_out");
    std::ofstream(hwp) << hw;
    std::ofstream(tp) << trace;
    const std::string args = "run --hw '" + hwp.string() + "' --workload '" + tp.string() +
                             "' --out '" + out.string() + "' --quiet";
    const tests::CliRun r = tests::run_qasim(args);
    if (r.code != 0) {
        ADD_FAILURE() << args << "\n" << r.out;
        return 0;
    }
    const std::string rep = read_file(out / "report.json");
    const size_t t = rep.find("\"total\"");
    const size_t c = rep.find("\"cycles\"", t);
    if (t == std::string::npos || c == std::string::npos) {
        ADD_FAILURE() << "no total.cycles in " << (out / "report.json");
        return 0;
    }
    return std::stoull(rep.substr(rep.find(':', c) + 1));
}

const char* kHwIdeal = R"(name: bs-ideal
clock_mhz: 1000
tech_nm: 28
units:
  bs0: {type: bitserial_array, rows: 64, cols: 16, bits_per_cycle: 1, dot_width: 4,
        parallel_format: fp16}
memory:
  dram0: {type: ideal}
interconnect: {type: crossbar, bytes_per_cycle: 512, latency_cycles: 4}
mapping:
  - {ops: [gemm, gemv, attention], unit: bs0}
)";

std::string gemm_trace(const std::string& wfmt) {
    return "schema: qasim.trace/1\nmodel: bs-test\nphase: prefill\nbatch: 1\n"
           "quant: {weights: " +
           wfmt +
           ", activations: fp16}\nops:\n"
           "  - {name: L.up, op: gemm, m: 256, k: 4096, n: 4096, b_src: weight, repeat: 2}\n"
           "  - {name: L.down, op: gemm, m: 256, k: 11008, n: 4096, b_src: weight}\n";
}

TEST(BitserialEndToEnd, W3W4W8ScaleWithIdealMemory) {
    if (!fs::exists(QASIM_BINARY)) GTEST_SKIP() << "qasim binary not built: " << QASIM_BINARY;
    const fs::path dir = fs::temp_directory_path() / ("qasim_bs_e2e_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const double w3 =
        static_cast<double>(run_cycles(dir, kHwIdeal, gemm_trace("bitmod3/g128"), "w3"));
    const double w4 =
        static_cast<double>(run_cycles(dir, kHwIdeal, gemm_trace("bitmod4/g128"), "w4"));
    const double w8 = static_cast<double>(run_cycles(dir, kHwIdeal, gemm_trace("int8/g128"), "w8"));
    ASSERT_GT(w4, 0.0);
    EXPECT_NEAR(w3 / w4, 0.75, 0.75 * 0.02) << w3 << " / " << w4;
    EXPECT_NEAR(w8 / w4, 2.0, 2.0 * 0.02) << w8 << " / " << w4;
    fs::remove_all(dir);
}

TEST(BitserialEndToEnd, PresetsRunLlamaDecode) {
    if (!fs::exists(QASIM_BINARY)) GTEST_SKIP() << "qasim binary not built: " << QASIM_BINARY;
    const std::string root = QASIM_SOURCE_DIR;
    struct Run {
        const char* hw;
        const char* quant;
    };
    for (const Run& r : {Run{"bitmod", "W4"}, Run{"bitmod", "W3"}, Run{"olive", "W4A4"},
                         Run{"int8_baseline", "W8A8,lm_head=int8"}}) {
        SCOPED_TRACE(std::string(r.hw) + " " + r.quant);
        const std::string args = "run --hw '" + root + "/configs/hw/" + r.hw +
                                 ".yaml' --workload 'zoo:llama2-7b:decode?quant=" + r.quant +
                                 "' --quiet";
        const tests::CliRun c = tests::run_qasim(args);
        EXPECT_EQ(c.code, 0) << args << "\n" << c.out;
    }
}

}  // namespace
}  // namespace qasim::hw
