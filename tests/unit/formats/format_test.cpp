// Number formats: every base and granularity string (bits, metadata bytes of a K×N matrix),
// canonical round trips, bit-serial passes, and rejection of bad strings with the grammar listed.
// Expected values are closed forms from reference/workloads.md §3 and published_numbers.md §5a.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "models/formats/format.h"

namespace qasim::models {
namespace {

constexpr uint64_t kK = 4096, kN = 4096;

struct Case {
    const char* spec;
    int bits;
    uint64_t meta_bytes;   ///< metadata bytes of a 4096×4096 matrix (groups along K)
    double bits_per_elem;  ///< payload + amortised group metadata
    int serial_passes;
};

// meta: groups ceil(K/G)·N·(scale+zero bits)/8; channel N·bits/8; tensor bits/8.
const std::vector<Case> kCases = {
    {"fp32", 32, 0, 32, 24},
    {"fp16", 16, 0, 16, 11},
    {"bf16", 16, 0, 16, 8},
    {"fp8_e4m3", 8, 0, 8, 4},
    {"fp8_e5m2", 8, 0, 8, 3},
    {"fp6_e3m2", 6, 0, 6, 3},
    {"fp6_e2m3", 6, 0, 6, 4},
    {"fp4_e2m1", 4, 0, 4, 2},
    // MX (OCP v1.0): E8M0 per 32 → +0.25 bit; 128 blocks × 4096 columns × 1 B.
    {"mxint8", 8, 128 * 4096, 8.25, 8},
    {"mxfp8_e4m3", 8, 128 * 4096, 8.25, 4},
    {"mxfp8_e5m2", 8, 128 * 4096, 8.25, 3},
    {"mxfp6_e3m2", 6, 128 * 4096, 6.25, 3},
    {"mxfp6_e2m3", 6, 128 * 4096, 6.25, 4},
    {"mxfp4", 4, 128 * 4096, 4.25, 2},
    {"fp4_e2m1/mx32", 4, 128 * 4096, 4.25, 2},
    // NVFP4: E4M3 per 16 (+0.5 bit) plus one FP32 per tensor.
    {"nvfp4", 4, 256 * 4096 + 4, 4.5, 2},
    // BitMoD: 8-bit per-128 metadata → 3.0625 / 4.0625 bit (artifact bitmod_sim, §5a).
    {"bitmod3", 3, 0, 3, 3},
    {"bitmod4", 4, 0, 4, 4},
    {"bitmod3/g128", 3, 32 * 4096, 3.0625, 3},
    {"bitmod4/g128", 4, 32 * 4096, 4.0625, 4},
    // OliVe OVP: memory aligned, no side metadata (§5b); per-channel FP32 weight scale if asked.
    {"ovp4", 4, 0, 4, 4},
    {"ovp8", 8, 0, 8, 8},
    {"ovp4/channel/fp32", 4, 4096 * 4, 4, 4},
    // BitNet b1.58 ternary packed in 2 bits; absmean scale per tensor.
    {"ternary", 2, 0, 2, 2},
    {"ternary/tensor/fp32", 2, 4, 2, 2},
    // Integers: symmetric FP16 scale per group; `z` adds an FP16 zero point (asymmetric).
    {"int8", 8, 0, 8, 8},
    {"uint8", 8, 0, 8, 8},
    {"int4/g128", 4, 32 * 4096 * 2, 4.125, 4},
    {"int4/g128/fp16z", 4, 32 * 4096 * 4, 4.25, 4},
    {"int3/g128/fp16z", 3, 32 * 4096 * 4, 3.25, 3},
    {"int8/channel", 8, 4096 * 2, 8, 8},
    {"int8/tensor", 8, 4, 8, 8},
    {"int4/g64/int8", 4, 64 * 4096, 4.125, 4},
    // KIVI: 2 bits + (fp16 scale + fp16 zero)/32 = 3 bits per element (published_numbers §7).
    {"int2/g32/fp16sz", 2, 128 * 4096 * 4, 3, 2},
    // KIVI keys per-channel over tokens: groups along N (4096 rows × 128 groups × 4 B).
    {"int2/gn32/fp16z", 2, 4096ull * 128 * 4, 2, 2},
    {"log2_4", 4, 0, 4, 4},
};

TEST(Formats, EveryStringBitsMetadataAndPasses) {
    for (const Case& c : kCases) {
        SCOPED_TRACE(c.spec);
        const Format f = parse_format(c.spec);
        EXPECT_EQ(f.bits, c.bits);
        EXPECT_EQ(f.payload_bytes(kK, kN), kK * kN * static_cast<uint64_t>(c.bits) / 8);
        EXPECT_EQ(f.meta_bytes(kK, kN), c.meta_bytes);
        EXPECT_EQ(f.matrix_bytes(kK, kN), f.payload_bytes(kK, kN) + c.meta_bytes);
        if (!f.group_along_n) {
            EXPECT_DOUBLE_EQ(f.bits_per_element(), c.bits_per_elem);
        }
        EXPECT_EQ(f.serial_passes(), c.serial_passes);
    }
}

TEST(Formats, IntegerWidthsOneToEight) {
    for (int b = 1; b <= 8; ++b) {
        for (const std::string pre : {"int", "uint"}) {
            const Format f = parse_format(pre + std::to_string(b));
            EXPECT_EQ(f.bits, b);
            EXPECT_EQ(f.kind, NumKind::integer);
            EXPECT_EQ(f.is_signed, pre == "int");
            EXPECT_EQ(f.serial_passes(), b);
            EXPECT_EQ(f.multiplier_bits(), b);
            EXPECT_FALSE(f.has_metadata());
            // Asymmetric grouped variant: scale and zero point per group.
            const Format g = parse_format(pre + std::to_string(b) + "/g128/fp16z");
            EXPECT_EQ(g.scale_bits, 16);
            EXPECT_EQ(g.zero_bits, 16);
            EXPECT_EQ(g.meta_bytes(256, 10), 2u * 10 * 4);
        }
    }
}

TEST(Formats, KindsAndMultiplierWidths) {
    EXPECT_EQ(parse_format("bitmod3/g128").kind, NumKind::bitmod);
    EXPECT_EQ(parse_format("bitmod4/g128").multiplier_bits(), 4);
    EXPECT_EQ(parse_format("ovp4").kind, NumKind::ovp);
    EXPECT_EQ(parse_format("ovp8").multiplier_bits(), 8);
    EXPECT_EQ(parse_format("ternary").kind, NumKind::ternary);
    EXPECT_EQ(parse_format("fp16").multiplier_bits(), 12);
    EXPECT_EQ(parse_format("mxfp4").gran, Granularity::mx_block);
    EXPECT_EQ(parse_format("mxfp4").group, 32u);
    EXPECT_EQ(parse_format("nvfp4").gran, Granularity::nv_block);
    EXPECT_EQ(parse_format("nvfp4").group, 16u);
    EXPECT_EQ(parse_format("nvfp4").tensor_scale_bits, 32);
}

TEST(Formats, PartialGroupsRoundUp) {
    // K = 200 rows in groups of 128 → 2 groups per column; payload rounds up to whole bytes.
    const Format f = parse_format("int4/g128");
    EXPECT_EQ(f.meta_bytes(200, 3), 2u * 3 * 2);
    EXPECT_EQ(f.payload_bytes(3, 1), 2u);                             // 12 bits → 2 bytes
    EXPECT_EQ(parse_format("bitmod3/g128").payload_bytes(1, 3), 2u);  // 9 bits
    EXPECT_EQ(f.bytes(256, 128), f.matrix_bytes(128, 2));
}

TEST(Formats, RoundTripCanonicalSpelling) {
    for (const Case& c : kCases) {
        SCOPED_TRACE(c.spec);
        const Format f = parse_format(c.spec);
        EXPECT_EQ(f.spec, c.spec);
        const Format g = parse_format(f.spec);
        EXPECT_EQ(g, f);
        EXPECT_EQ(g.bits, f.bits);
        EXPECT_EQ(g.scale_bits, f.scale_bits);
        EXPECT_EQ(g.zero_bits, f.zero_bits);
        EXPECT_EQ(g.group, f.group);
        EXPECT_EQ(g.gran, f.gran);
        EXPECT_EQ(g.meta_bytes(100, 7), f.meta_bytes(100, 7));
    }
    // Upper case is accepted and canonicalised to lower case.
    EXPECT_EQ(parse_format("INT4/G128").spec, "int4/g128");
    EXPECT_EQ(parse_format("BitMoD4/g128"), parse_format("bitmod4/g128"));
}

TEST(Formats, BaseNamesListEveryFamily) {
    const auto& names = format_base_names();
    for (const char* n :
         {"fp16", "bf16", "fp8_e4m3", "fp8_e5m2", "fp6_e3m2", "fp4_e2m1", "mxint8", "mxfp4",
          "nvfp4", "bitmod3", "bitmod4", "ovp4", "ovp8", "ternary", "int1..int16"}) {
        bool found = false;
        for (const auto& x : names)
            found = found || x == n;
        EXPECT_TRUE(found) << n;
        // Every listed concrete base parses.
        if (std::string(n).find("..") == std::string::npos) {
            EXPECT_NO_THROW(parse_format(n)) << n;
        }
    }
}

std::string error_of(const std::string& spec) {
    try {
        parse_format(spec);
    } catch (const FormatError& e) {
        return e.what();
    }
    return "";
}

TEST(Formats, RejectsBadStringsListingValidFormats) {
    struct Bad {
        const char* spec;
        const char* why;
    };
    const std::vector<Bad> bad = {
        {"int0", "integer width must be 1..16, got 0"},
        {"int17", "integer width must be 1..16, got 17"},
        {"int4/g0", "group size must be >= 1, got 0"},
        {"fp4_e9m9", "unknown base 'fp4_e9m9'"},
        {"float4", "unknown base 'float4'"},
        {"bitmod5/g128", "unknown base 'bitmod5'"},
        {"ovp2", "unknown base 'ovp2'"},
        {"", "empty format"},
        {"int4/g128/fp16/x", "too many '/' fields"},
        {"int4/q128", "unknown granularity 'q128'"},
        {"int4/", "empty granularity field"},
        {"int4/g128/fp12", "unknown scale format 'fp12'"},
        {"mxfp4/mx32", "already implies its block scaling"},
        {"fp16/g128", "takes no group scale"},
        {"ovp4/channel/fp16z", "a zero point needs an integer element type"},
        {"int4/tensor/fp16", ""},  // valid: control case
        {"log2_9", "log2 width must be 2..8, got 9"},
    };
    for (const Bad& b : bad) {
        SCOPED_TRACE(b.spec);
        const std::string e = error_of(b.spec);
        if (std::string(b.why).empty()) {
            EXPECT_EQ(e, "");
            continue;
        }
        ASSERT_FALSE(e.empty()) << "accepted";
        EXPECT_NE(e.find(std::string("format '") + b.spec + "'"), std::string::npos) << e;
        EXPECT_NE(e.find(b.why), std::string::npos) << e;
        // The message lists the valid formats.
        for (const char* n :
             {"Allowed:", "int1..int16", "fp16", "bitmod4", "ovp4", "nvfp4", "mxfp4", "ternary"})
            EXPECT_NE(e.find(n), std::string::npos) << n << " missing in: " << e;
    }
}

}  // namespace
}  // namespace qasim::models
