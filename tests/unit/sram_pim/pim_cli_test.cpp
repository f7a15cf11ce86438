// End to end through the qasim binary: an isolated GEMV on the PIM with an ideal memory matches
// the closed form; the sail_pim preset runs a LLaMA-2-7B decode step with the projections on the
// PIM; an over-capacity model is rejected with exit code 2 and a message naming need and capacity.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "models/sram_pim/pim_model.h"
#include "tests/common/qasim_cli.h"

namespace {
namespace fs = std::filesystem;
namespace models = qasim::models;

using qasim::tests::CliRun;
using qasim::tests::run_qasim;

std::vector<std::string> split(const std::string& line) {
    std::vector<std::string> v;
    std::stringstream ss(line);
    std::string f;
    while (std::getline(ss, f, ',')) v.push_back(f);
    return v;
}

class PimCli : public ::testing::Test {
protected:
    void SetUp() override {
        if (!fs::exists(QASIM_BINARY)) GTEST_SKIP() << "qasim binary not built: " << QASIM_BINARY;
        m_dir = fs::temp_directory_path() / ("qasim-pim-test-" + std::to_string(::getpid()));
        fs::create_directories(m_dir);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }
    std::string write(const std::string& name, const std::string& text) {
        const fs::path f = m_dir / name;
        std::ofstream(f) << text;
        return f.string();
    }
    /// Row of layers.csv for `name` (columns by header name).
    std::string layer_field(const fs::path& out, const std::string& name, const std::string& col) {
        std::ifstream in(out / "layers.csv");
        std::string line;
        std::getline(in, line);
        const auto hdr = split(line);
        size_t ci = hdr.size();
        for (size_t i = 0; i < hdr.size(); ++i)
            if (hdr[i] == col) ci = i;
        while (std::getline(in, line)) {
            const auto f = split(line);
            if (!f.empty() && f[0] == name && ci < f.size()) return f[ci];
        }
        return "";
    }
    fs::path m_dir;
};

const char* kIdealPimHw =
    "name: pim-only\nclock_mhz: 1000\ntech_nm: 7\n"
    "units:\n  vec0: {type: vector_unit, lanes: 256, lane_format: fp16}\n"
    "memory:\n  dram0: {type: ideal}\n  pim0: {type: sram_pim}\n"
    "interconnect: {type: crossbar, bytes_per_cycle: 1024, latency_cycles: 4}\n"
    "placement: {weights: pim0, kv: dram0, activations: dram0}\n"
    "mapping:\n  - {ops: [gemm, gemv], unit: pim0}\n  - {ops: ['*'], unit: vec0}\n";

TEST_F(PimCli, IsolatedGemvMatchesTheClosedForm) {
    const std::string hw = write("hw.yaml", kIdealPimHw);
    for (const char* w : {"int2/g128", "int4/g128", "int8/g128"}) {
        for (int m : {1, 4, 8}) {
            const std::string tr =
                write("t.yaml", std::string("schema: qasim.trace/1\nquant: {weights: ") + w +
                                    ", activations: fp16}\nops:\n  - {name: proj, op: gemm, m: " + std::to_string(m) +
                                    ", k: 4096, n: 11008, b_src: weight}\n");
            const fs::path out = m_dir / "out";
            const CliRun r = run_qasim("run --hw '" + hw + "' --workload '" + tr + "' --out '" +
                                       out.string() + "' --quiet");
            ASSERT_EQ(r.code, 0) << r.out;
            EXPECT_EQ(layer_field(out, "proj", "unit"), "pim0");
            models::Op op;
            op.kind = models::OpKind::gemm;
            op.m = static_cast<uint64_t>(m);
            op.k = 4096;
            op.n = 11008;
            op.b = models::parse_format(w);
            const double closed = static_cast<double>(models::pim_gemv(op, models::PimParams()).cycles);
            const double comp = std::stod(layer_field(out, "proj", "compute_cycles"));
            const double total = std::stod(layer_field(out, "proj", "cycles"));
            EXPECT_NEAR(comp, closed, 0.01 * closed) << w << " m=" << m;
            EXPECT_NEAR(total, closed, 0.01 * closed) << w << " m=" << m;  // ideal memory: no stalls
            EXPECT_EQ(layer_field(out, "proj", "dram_read_bytes"), std::to_string(m * 4096 * 2));  // only A
        }
    }
}

TEST_F(PimCli, SailPresetRunsLlamaDecodeOnThePim) {
    const std::string hw = std::string(QASIM_SOURCE_DIR) + "/configs/hw/sail_pim.yaml";
    const fs::path out = m_dir / "llama";
    const CliRun r = run_qasim("run --hw '" + hw +
                               "' --workload 'zoo:llama2-7b:decode?quant=W4A16KV2&batch=4' --out '" +
                               out.string() + "' --quiet");
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_EQ(layer_field(out, "L.q_proj", "unit"), "pim0");
    EXPECT_EQ(layer_field(out, "L.down_proj", "unit"), "pim0");
    EXPECT_EQ(layer_field(out, "lm_head", "unit"), "sa0");  // fp16 weights fall through to the NPU
    EXPECT_EQ(layer_field(out, "L.qk", "unit"), "sa0");
    EXPECT_EQ(layer_field(out, "L.softmax", "unit"), "vec0");
    EXPECT_EQ(layer_field(out, "L.q_proj", "dram_read_bytes"), std::to_string(32 * 4 * 4096 * 2));
    // Per-layer time and energy of the PIM GEMVs next to the NPU ops.
    EXPECT_GT(std::stod(layer_field(out, "L.q_proj", "energy_pj")), 0.0);
    EXPECT_GT(std::stod(layer_field(out, "L.q_proj", "cycles")), 0.0);
    EXPECT_GT(std::stod(layer_field(out, "L.qk", "energy_pj")), 0.0);
}

TEST_F(PimCli, OverCapacityModelIsRejected) {
    const std::string hw = std::string(QASIM_SOURCE_DIR) + "/configs/hw/sail_pim.yaml";
    // 1 GiB cannot hold LLaMA-2-7B at W4.
    const CliRun r = run_qasim("run --hw '" + hw +
                               "' --workload 'zoo:llama2-7b:decode?quant=W4A16KV2&batch=1'" +
                               " --set memory.pim0.capacity_mb=1024" +
                               " --set memory.pim0.subarrays_per_bank=64");
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_NE(r.out.find("weights resident in SRAM-PIM 'pim0' would need"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("more than its capacity 1073741824 B (1024.0 MiB)"), std::string::npos) << r.out;
    // A bad geometry is a config error naming the key.
    const CliRun b = run_qasim("run --hw '" + hw +
                               "' --workload 'zoo:llama2-7b:decode?quant=W4A16KV2&batch=1'" +
                               " --set memory.pim0.capacity_mb=1000");
    EXPECT_EQ(b.code, 2) << b.out;
    EXPECT_NE(b.out.find("memory.pim0.capacity_mb: must equal"), std::string::npos) << b.out;
}

}  // namespace
