// `gnG` granularity: scale groups along N (KIVI keys per-channel over tokens, values per-token over
// channels, on the B operand of qk/pv), added for the workload zoo.
#include <gtest/gtest.h>

#include <string>

#include "models/formats/format.h"

namespace qasim::models {
namespace {

TEST(FormatGroupAlongN, ParsesAndCountsMetadataAlongN) {
    const Format f = parse_format("int2/gn32/fp16sz");
    EXPECT_EQ(f.spec, "int2/gn32/fp16sz");
    EXPECT_EQ(f.gran, Granularity::group);
    EXPECT_EQ(f.group, 32u);
    EXPECT_TRUE(f.group_along_n);
    EXPECT_EQ(f.scale_bits, 16);
    EXPECT_EQ(f.zero_bits, 16);
    EXPECT_DOUBLE_EQ(f.bits_per_element(), 2.0 + 32.0 / 32);
    // qk's B = Kᵀ (K = dh 128, N = L tokens): one group per 32 tokens of each channel.
    EXPECT_EQ(f.payload_bytes(128, 1024), 128u * 1024 * 2 / 8);
    EXPECT_EQ(f.meta_bytes(128, 1024), 128u * 32 * 4);
    // A partial last group along N still stores its scale and min.
    EXPECT_EQ(f.meta_bytes(128, 1000), 128u * 32 * 4);
    // pv's B = V (K = L tokens, N = dh 128): exact per token for any L (the gG form rounds L up).
    EXPECT_EQ(f.meta_bytes(1000, 128), 1000u * 4 * 4);
    EXPECT_EQ(parse_format("int2/g32/fp16sz").meta_bytes(1000, 128), 32u * 128 * 4);
    EXPECT_FALSE(parse_format("int2/g32/fp16sz").group_along_n);
    EXPECT_NE(parse_format("int2/g32/fp16sz"), f);
    // Default scale (fp16, no zero point) as for gG.
    const Format s = parse_format("int4/gn64");
    EXPECT_EQ(s.scale_bits, 16);
    EXPECT_EQ(s.zero_bits, 0);
    EXPECT_EQ(s.meta_bytes(10, 128), 10u * 2 * 2);
}

TEST(FormatGroupAlongN, Errors) {
    auto msg = [](const std::string& spec) {
        try {
            parse_format(spec);
        } catch (const FormatError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_NE(msg("int2/gn0").find("group size must be >= 1, got 0"), std::string::npos);
    EXPECT_NE(msg("int2/gnx").find("unknown granularity 'gnx'"), std::string::npos);
    EXPECT_NE(msg("fp16/gn32").find("a fp16 tensor takes no group scale"), std::string::npos);
    EXPECT_NE(msg("mxfp4/gn32").find("already implies its block scaling"), std::string::npos);
    EXPECT_NE(msg("int2/q32").find("gnG (groups along N)"), std::string::npos);
}

}  // namespace
}  // namespace qasim::models
