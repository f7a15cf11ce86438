// `qasim trace` run in-process through cmd_trace (the qasim executable is not needed).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <unistd.h>
#include <iostream>
#include <sstream>

#include "sim/commands.h"
#include "wl_test_util.h"

namespace qasim::workloads {
namespace {

using namespace test;

struct CmdResult {
    int code;
    std::string out, err;
};

/// Runs `qasim trace ARGS...` (argv[0] = "trace", as sim/main.cpp passes it).
CmdResult trace_cmd(std::vector<std::string> args) {
    args.insert(args.begin(), "trace");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    std::ostringstream out, err;
    auto* old_out = std::cout.rdbuf(out.rdbuf());
    auto* old_err = std::cerr.rdbuf(err.rdbuf());
    const int code = sim::cmd_trace(static_cast<int>(argv.size()), argv.data());
    std::cout.rdbuf(old_out);
    std::cerr.rdbuf(old_err);
    return {code, out.str(), err.str()};
}

TEST(TraceCli, WritesTheZooTrace) {
    CmdResult r = trace_cmd(
        {"zoo:llama2-7b", "--phase", "decode", "--context", "1024", "--quant", "W4A16KV2"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, to_yaml(zoo_trace("zoo:llama2-7b:decode?context=1024&quant=W4A16KV2")));
    // Flags and spec keys combine; flags win over the spec's keys.
    r = trace_cmd({"zoo:llama3-8b:decode?batch=4&context=64", "--kv-residual", "32", "--quant",
                   "W4A16KV2", "--batch", "2", "--format", "csv"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, to_csv(zoo_trace(
                         "zoo:llama3-8b:decode?batch=2&context=64&quant=W4A16KV2&kv_residual=32")));
    // Bare model names work too.
    r = trace_cmd({"vit-b16", "--quant", "W8A8", "--seq"});
    EXPECT_EQ(r.code, 2);
    r = trace_cmd({"vit-b16", "--quant", "W8A8", "--batch", "2", "--causal", "exact"});
    EXPECT_EQ(r.code, 2);
    EXPECT_HAS(r.err, "causal: applies to LLM prefill only");
    r = trace_cmd({"vit-b16", "--quant", "W8A8", "--image", "384"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, to_yaml(zoo_trace("zoo:vit-b16?quant=W8A8&image=384")));
}

TEST(TraceCli, HfConfigAndOutFile) {
    const std::string cfg = std::string(QASIM_SOURCE_DIR) + "/workloads/zoo/falcon-7b.json";
    CmdResult r =
        trace_cmd({"--hf-config", cfg, "--phase", "prefill", "--seq", "77", "--causal", "exact"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, to_yaml(zoo_trace("zoo:falcon-7b:prefill?seq=77&causal=exact")));
    const std::string out =
        ::testing::TempDir() + "/wl_cli_test_" + std::to_string(::getpid()) + ".csv";
    r = trace_cmd({"zoo:opt-6.7b:decode", "--out", out});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(r.out.empty());
    std::ifstream in(out);
    std::ostringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), to_csv(zoo_trace("zoo:opt-6.7b:decode")));  // format from the extension
    std::remove(out.c_str());
}

TEST(TraceCli, ListAndHelp) {
    CmdResult r = trace_cmd({"--list"});
    EXPECT_EQ(r.code, 0);
    for (const auto& name : zoo_model_names()) EXPECT_HAS(r.out, name);
    EXPECT_HAS(r.out, "4544");  // Falcon-7B hidden size
    r = trace_cmd({"--help"});
    EXPECT_EQ(r.code, 0);
    EXPECT_HAS(r.out, "--kv-residual");
    EXPECT_HAS(r.out, "--hf-config");
}

TEST(TraceCli, BadInputExitsWith2) {
    struct Case {
        std::vector<std::string> args;
        std::string msg;
    };
    const std::vector<Case> cases = {
        {{"zoo:llama9"},
         "qasim trace: error: zoo:llama9: unknown zoo model 'llama9'; allowed: deit-tiny"},
        {{"zoo:llama2-7b", "--seq", "0"}, "zoo:llama2-7b: --seq: must be an integer >= 1, got '0'"},
        {{"zoo:llama2-7b", "--phase", "decode", "--context", "5000"},
         "context: 5000 is beyond llama2-7b's maximum context 4096"},
        {{"zoo:llama2-7b", "--quant", "W4A16KV0"}, "KV bits must be 1..8 or 16, got 0"},
        {{"zoo:llama2-7b", "--quant", "W4A16KV"}, "malformed shorthand"},
        {{"zoo:llama2-7b", "--format", "json"}, "--format: must be one of yaml, csv, got 'json'"},
        {{"zoo:llama2-7b", "--bogus"}, "unrecognised option '--bogus'"},
        {{}, "give a zoo model (e.g. zoo:llama2-7b) or --hf-config FILE"},
        {{"zoo:llama2-7b", "--hf-config", "x.json"}, "not both"},
        {{"--hf-config", "/nonexistent/config.json"},
         "HF config '/nonexistent/config.json': cannot be read"},
    };
    for (const auto& c : cases) {
        const CmdResult r = trace_cmd(c.args);
        EXPECT_EQ(r.code, 2) << c.msg;
        EXPECT_TRUE(r.out.empty()) << c.msg;
        EXPECT_HAS(r.err, c.msg);
    }
    // A config.json with a missing key.
    const std::string p =
        ::testing::TempDir() + "/wl_cli_bad_" + std::to_string(::getpid()) + ".json";
    std::ofstream(p) << "{\"model_type\": \"llama\", \"hidden_size\": 64}";
    const CmdResult r = trace_cmd({"--hf-config", p});
    EXPECT_EQ(r.code, 2);
    EXPECT_HAS(r.err, "intermediate_size: missing (required in llama-style configs");
    std::remove(p.c_str());
}

}  // namespace
}  // namespace qasim::workloads
