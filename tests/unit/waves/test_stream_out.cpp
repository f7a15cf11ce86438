// StreamOut: large trace files go through a temporary file and a rename.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/errors.h"
#include "sim/stream_out.h"

using qasim::sim::ConfigError;
using qasim::sim::StreamOut;

namespace fs = std::filesystem;

TEST(StreamOut, InMemory) {
    StreamOut o;
    o << "a" << std::string("bc") << 'd';
    EXPECT_EQ(o.text(), "abcd");
}

TEST(StreamOut, FileIsRenamedOnCommitOnly) {
    const fs::path dir =
        fs::temp_directory_path() / ("qasim-streamout-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const std::string path = (dir / "sub" / "x.vcd").string();
    const std::string big(5u << 20, 'z');  // larger than the flush threshold: written directly
    {
        StreamOut o(path);
        o << "head\n" << big << "tail\n";
        EXPECT_FALSE(fs::exists(path));
        o.commit();
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str(), "head\n" + big + "tail\n");
    {
        StreamOut o((dir / "y.vcd").string());
        o << "partial";
    }  // not committed: no file, no temporary left
    EXPECT_FALSE(fs::exists(dir / "y.vcd"));
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(dir)) files += e.is_regular_file();
    EXPECT_EQ(files, 0u);
    fs::remove_all(dir);
}

TEST(StreamOut, UnwritablePathIsAConfigError) {
    EXPECT_THROW(StreamOut("/proc/qasim-no/such/x.vcd"), ConfigError);
}
