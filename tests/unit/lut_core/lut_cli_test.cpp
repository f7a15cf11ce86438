// The presets run end to end through the qasim binary; unsupported weights are rejected with exit
// code 2 and a message naming the op, the unit and what is allowed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/common/qasim_cli.h"

namespace {
namespace fs = std::filesystem;

using qasim::tests::CliRun;
using qasim::tests::run_qasim;

class LutCli : public ::testing::Test {
protected:
    void SetUp() override {
        if (!fs::exists(QASIM_BINARY)) GTEST_SKIP() << "qasim binary not built: " << QASIM_BINARY;
        m_dir = fs::temp_directory_path() / ("qasim-lut-test-" + std::to_string(::getpid()));
        fs::create_directories(m_dir);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(m_dir, ec);
    }
    std::string trace(const std::string& name, const std::string& w) {
        const fs::path f = m_dir / name;
        std::ofstream(f) << "schema: qasim.trace/1\nquant: {weights: " << w
                         << ", activations: fp16}\nops:\n"
                            "  - {name: proj, op: gemm, m: 64, k: 1024, n: 1024, b_src: weight, repeat: 2}\n";
        return f.string();
    }
    std::string hw(const std::string& preset) const {
        return std::string(QASIM_SOURCE_DIR) + "/configs/hw/" + preset + ".yaml";
    }
    fs::path m_dir;
};

TEST_F(LutCli, PresetsRunLowBitGemms) {
    for (const char* w : {"int1", "int2", "int4", "ternary"}) {
        const CliRun l = run_qasim("run --hw '" + hw("lut_tensor_core") + "' --workload '" +
                                   trace("t.yaml", w) + "'");
        EXPECT_EQ(l.code, 0) << w << "\n" << l.out;
        EXPECT_NE(l.out.find("lut0"), std::string::npos) << l.out;
        const CliRun m = run_qasim("run --hw '" + hw("mac_tensor_core") + "' --workload '" +
                                   trace("t.yaml", w) + "'");
        EXPECT_EQ(m.code, 0) << w << "\n" << m.out;
    }
}

TEST_F(LutCli, EightBitWeightsAreRejected) {
    const CliRun r = run_qasim("run --hw '" + hw("lut_tensor_core") + "' --workload '" +
                               trace("w8.yaml", "int8") + "'");
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_NE(r.out.find("ops[0] 'proj': cannot run on unit 'lut0'"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("8-bit weights need a MAC unit"), std::string::npos) << r.out;
}

TEST_F(LutCli, BadFieldIsExitCode2) {
    const CliRun r = run_qasim("run --hw '" + hw("lut_tensor_core") + "' --workload '" +
                               trace("t.yaml", "int2") + "' --set units.lut0.tile_k=6");
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_NE(r.out.find("units.lut0.tile_k: must be a multiple of group_k (4), got 6"), std::string::npos) << r.out;
}

}  // namespace
