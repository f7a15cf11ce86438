// `qasim regress` end to end (processes): exit codes, the readable diff of a mismatch, malformed
// cases, and --update on regression vs independent sources. Cases are written to a temporary folder
// and use the golden inputs under tests/golden/hw/ (paths relative to --root = the repo root).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/common/qasim_cli.h"

namespace fs = std::filesystem;

namespace {

using qasim::tests::CliRun;

class RegressCli : public ::testing::Test {
protected:
    void SetUp() override {
        if (!fs::exists(QASIM_BINARY)) GTEST_SKIP() << "qasim binary not built: " << QASIM_BINARY;
        m_dir = fs::temp_directory_path() /
                ("qasim-golden-test-" +
                 std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) +
                 "-" + std::to_string(::getpid()));
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
    }
    void TearDown() override {
        std::error_code ec;
        if (!m_dir.empty()) fs::remove_all(m_dir, ec);
    }
    void write(const std::string& name, const std::string& text) {
        std::ofstream(m_dir / name) << text;
    }
    std::string read(const std::string& name) {
        std::ifstream in(m_dir / name);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    CliRun regress(const std::string& extra = "") {
        return qasim::tests::run_qasim("regress '" + m_dir.string() + "' --root '" +
                                       QASIM_SOURCE_DIR + "' " + extra);
    }
    fs::path m_dir;
};

// 197×768×3072 on a 32×32 ws array: folds ceil(768/32)·ceil(3072/32) = 2304, 2R + C + M − 2 = 291
// cycles per fold, total 2304·291 − 1 = 670463 (reference/scalesim/README.md closed form).
const char* const kInlineWorkload =
    "workload: {schema: qasim.trace/1, quant: {weights: int8, activations: int8},\n"
    "           ops: [{name: fc1, op: gemm, m: 197, k: 768, n: 3072}]}\n";

std::string case_text(const std::string& source, const std::string& metrics,
                      const std::string& extra = "") {
    return "source: \"" + source + "\"\nhw: tests/golden/hw/scalesim_ws_32x32.yaml\n" +
           kInlineWorkload + extra + "metrics:\n" + metrics;
}

}  // namespace

TEST_F(RegressCli, PassingCaseExitsZero) {
    write("ok.yaml", case_text("closed form: reference/scalesim/README.md ws",
                               "  layers[0].compute_cycles: {expected: 670463}\n"));
    const CliRun r = regress();
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_NE(r.out.find("1 passed, 0 failed"), std::string::npos) << r.out;
}

TEST_F(RegressCli, MismatchExitsOneWithReadableDiff) {
    write("bad.yaml", case_text("closed form: x", "  layers[0].compute_cycles: {expected: 670462}\n"
                                                  "  layers[0].m: {expected: 197}\n"));
    const CliRun r = regress();
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_NE(r.out.find("bad: layers[0].compute_cycles: expected 670462, got 670463 (+1 ("),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("1 passed, 1 failed"), std::string::npos) << r.out;
}

// A change of the timing convention (SCALE-Sim parity → physical) makes a SCALE-Sim case fail.
TEST_F(RegressCli, TimingChangeFailsAScaleSimCase) {
    std::ifstream in(std::string(QASIM_SOURCE_DIR) + "/tests/golden/scalesim_vit_fc1_ws.yaml");
    ASSERT_TRUE(in.good());
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    text.replace(text.find("metrics:"), 8, "set: [units.sa0.mode=physical]\nmetrics:");
    write("scalesim_vit_fc1_ws.yaml", text);
    const CliRun r = regress();
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_NE(r.out.find("scalesim_vit_fc1_ws: layers[0].compute_cycles: expected 83375, got "),
              std::string::npos)
        << r.out;
}

TEST_F(RegressCli, MalformedCasesExitTwoNamingFileAndKey) {
    write("neg.yaml", case_text("closed form: x", "  total.cycles: {expected: 1, rel_tol: -1}\n"));
    write("nosrc.yaml", std::string("hw: tests/golden/hw/scalesim_ws_32x32.yaml\n") +
                            kInlineWorkload + "metrics:\n  total.cycles: {expected: 1}\n");
    CliRun r = regress();
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_NE(r.out.find("neg.yaml: metrics.total.cycles.rel_tol: must be >= 0, got -1"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("nosrc.yaml: source: missing"), std::string::npos) << r.out;

    fs::remove(m_dir / "neg.yaml");
    fs::remove(m_dir / "nosrc.yaml");
    write("path.yaml", case_text("closed form: x", "  layers[0].compute_cylces: {expected: 1}\n"));
    r = regress();
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_NE(r.out.find("path.yaml: metrics.layers[0].compute_cylces: no such path"),
              std::string::npos)
        << r.out;

    fs::remove(m_dir / "path.yaml");
    write("str.yaml", case_text("closed form: x", "  layers[0].name: {expected: 1}\n"));
    r = regress();
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_NE(r.out.find("'layers[0].name' is 'fc1', not a number"), std::string::npos) << r.out;

    fs::remove(m_dir / "str.yaml");
    write("nofile.yaml",
          "source: 'closed form: x'\nhw: tests/golden/hw/nope.yaml\nworkload: zoo:vit-b16\n"
          "metrics:\n  total.macs: {expected: 1}\n");
    r = regress();
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_NE(r.out.find("nofile.yaml: hw: file 'tests/golden/hw/nope.yaml' not found"),
              std::string::npos)
        << r.out;

    fs::remove(m_dir / "nofile.yaml");
    write("badset.yaml", case_text("closed form: x", "  total.cycles: {expected: 1}\n",
                                   "set: [units.sa0.rows=0]\n"));
    r = regress();
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_NE(r.out.find("units.sa0.rows"), std::string::npos) << r.out;
}

TEST_F(RegressCli, UpdateRewritesRegressionCasesOnly) {
    write("reg.yaml",
          "# keep this comment\n" + case_text("regression: qasim 0.1.0",
                                              "  layers[0].compute_cycles: {expected: 0}   # note\n"
                                              "  layers[0].m: {expected: 197}\n"));
    CliRun r = regress("--update");
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_NE(r.out.find("layers[0].compute_cycles: 0 -> 670463"), std::string::npos) << r.out;
    const std::string text = read("reg.yaml");
    EXPECT_NE(text.find("# keep this comment\n"), std::string::npos) << text;
    EXPECT_NE(text.find("  layers[0].compute_cycles: {expected: 670463}   # note\n"),
              std::string::npos)
        << text;
    r = regress();
    EXPECT_EQ(r.code, 0) << r.out;

    write("indep.yaml", case_text("scale-sim v2 (commit 22f88b1), made up",
                                  "  layers[0].compute_cycles: {expected: 5}\n"));
    const std::string before = read("indep.yaml");
    r = regress("--update");
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_NE(r.out.find("refusing to update"), std::string::npos) << r.out;
    EXPECT_EQ(read("indep.yaml"), before);
}

TEST_F(RegressCli, FilterSelectsCasesAndNoMatchIsAnError) {
    write("a1.yaml", case_text("closed form: x", "  layers[0].m: {expected: 197}\n"));
    write("b1.yaml", case_text("closed form: x", "  layers[0].m: {expected: 1}\n"));
    CliRun r = regress("--filter 'a*'");
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_NE(r.out.find("1 case(s)"), std::string::npos) << r.out;
    r = regress("--filter 'zz*'");
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_NE(r.out.find("no case matches --filter zz*"), std::string::npos) << r.out;
    r = regress("-j 2");
    EXPECT_EQ(r.code, 1) << r.out;
}

TEST_F(RegressCli, MemtestCaseComparesTheMemtestJson) {
    write("mt.yaml", "source: 'dram reference: test'\nhw: configs/hw/hbm2_reference.yaml\n"
                     "memtest: [--pattern, random, --requests, '2000', --outstanding, '1']\n"
                     "metrics:\n  requests: {expected: 2000}\n  reads: {expected: 1999}\n");
    const CliRun r = regress();
    EXPECT_EQ(r.code, 1) << r.out;
    EXPECT_NE(r.out.find("mt: reads: expected 1999, got 2000 (+1 ("), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1 passed, 1 failed"), std::string::npos) << r.out;
}
