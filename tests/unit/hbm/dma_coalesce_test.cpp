// DMA coalescing (hw/control/dma.h): a memory-bound stream through the DMA into an HBM2E stack.
// Whole transfers let the controller see the next rows early, so the stream reaches the
// burst-level stream bandwidth of the model (qasim memtest --pattern stream on HBM2E: 287 GB/s of
// 409.6); cut into 4 KiB transactions that are each drained before the next, it cannot. Bytes and
// DMA block counts do not depend on it.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "../../common/qasim_cli.h"

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// The first `"key": number` of report.json (the `total` object comes before the layers).
double total_value(const std::string& json, const std::string& key) {
    const size_t at = json.find("\"" + key + "\":");
    if (at == std::string::npos) return -1;
    return std::stod(json.substr(at + key.size() + 3));
}

struct Result {
    double bw_gbps, read_bytes, write_bytes;
    std::string stats;
};

Result run(const fs::path& dir, const std::string& name, const std::string& extra) {
    const fs::path out = dir / name;
    const qasim::tests::CliRun r = qasim::tests::run_qasim(
        "run --hw '" + (dir / "hw.yaml").string() + "' --workload '" + (dir / "add.csv").string() +
        "' --out '" + out.string() + "' --quiet " + extra);
    EXPECT_EQ(r.code, 0) << r.out;
    const std::string j = read_file(out / "report.json");
    return {total_value(j, "dram_bw_gbps"), total_value(j, "dram_read_bytes"),
            total_value(j, "dram_write_bytes"), read_file(out / "stats.txt")};
}

TEST(DmaCoalesce, WholeTransfersReachTheStreamBandwidthOfHbm) {
    if (!fs::exists(QASIM_BINARY)) GTEST_SKIP() << "qasim binary not built: " << QASIM_BINARY;
    const fs::path dir =
        fs::temp_directory_path() / ("qasim_dma_coalesce_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    // 4096 fp16 lanes at 1 GHz need 24 KB/cycle: far beyond the memory, so the add is
    // memory-bound.
    std::ofstream(dir / "hw.yaml") << "name: stream\nclock_mhz: 1000\ntech_nm: 28\nunits:\n"
                                      "  vec0: {type: vector_unit, lanes: 4096}\n"
                                      "memory:\n  dram0: {type: hbm, preset: hbm2e}\n"
                                      "dma: {block_bytes: 4096, max_outstanding: 32}\n"
                                      "mapping:\n  - {ops: ['*'], unit: vec0}\n";
    std::ofstream(dir / "add.csv") << "name,op,m,k,n,batch,repeat,elems,b_src,a_fmt,b_fmt,out_fmt\n"
                                      "x,add,,,,,1,16777216,,fp16,,fp16\n";
    const Result whole = run(dir, "whole", "");
    const Result blocks = run(dir, "blocks", "--set dma.coalesce=false");
    EXPECT_EQ(whole.read_bytes, blocks.read_bytes);
    EXPECT_EQ(whole.write_bytes, blocks.write_bytes);
    EXPECT_EQ(whole.read_bytes, 2.0 * 16777216 * 2);  // a and b, fp16
    // Reads and writes share the stack (2:1): at least half of the 409.6 GB/s peak, and well
    // above the block-by-block figure.
    EXPECT_GT(whole.bw_gbps, 0.5 * 409.6) << whole.bw_gbps;
    EXPECT_GT(whole.bw_gbps, 1.5 * blocks.bw_gbps) << whole.bw_gbps << " vs " << blocks.bw_gbps;
    EXPECT_LE(whole.bw_gbps, 409.6);
    // The DMA still counts blocks of block_bytes.
    const auto blocks_line = [](const std::string& s) {
        const size_t at = s.find("dma.blocks");
        return at == std::string::npos ? std::string() : s.substr(at, s.find('\n', at) - at);
    };
    EXPECT_FALSE(blocks_line(whole.stats).empty()) << whole.stats.substr(0, 2000);
    EXPECT_EQ(blocks_line(whole.stats), blocks_line(blocks.stats));
    fs::remove_all(dir);
}

TEST(DmaCoalesce, IsAnOptionOfTheDmaSection) {
    if (!fs::exists(QASIM_BINARY)) GTEST_SKIP() << "qasim binary not built: " << QASIM_BINARY;
    const fs::path dir = fs::temp_directory_path() / ("qasim_dma_opt_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::ofstream(dir / "hw.yaml") << "name: t\nclock_mhz: 1000\ntech_nm: 28\nunits:\n"
                                      "  vec0: {type: vector_unit, lanes: 64}\n"
                                      "memory:\n  dram0: {type: hbm, preset: hbm2e}\n"
                                      "dma: {coalesce: false}\n"
                                      "mapping:\n  - {ops: ['*'], unit: vec0}\n";
    std::ofstream(dir / "add.csv") << "name,op,m,k,n,batch,repeat,elems,b_src,a_fmt,b_fmt,out_fmt\n"
                                      "x,add,,,,,1,4096,,fp16,,fp16\n";
    const Result r = run(dir, "out", "");
    EXPECT_NE(read_file(dir / "out" / "config.resolved.yaml").find("coalesce: false"), std::string::npos);
    // A wrong value is an input error (exit 2) naming the key.
    const qasim::tests::CliRun bad = qasim::tests::run_qasim(
        "run --hw '" + (dir / "hw.yaml").string() + "' --workload '" + (dir / "add.csv").string() +
        "' --set dma.coalesce=maybe --quiet");
    EXPECT_EQ(bad.code, 2) << bad.out;
    EXPECT_NE(bad.out.find("coalesce"), std::string::npos) << bad.out;
    fs::remove_all(dir);
}

}  // namespace
