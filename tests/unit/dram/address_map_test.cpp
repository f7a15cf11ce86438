// Address-map parsing and decoding.
#include <gtest/gtest.h>

#include "models/dram/address_map.h"

namespace qasim::models::dram {
namespace {

AddressMap parse_ok(const std::string& text, const Spec& s = preset("hbm2"), uint64_t stacks = 1) {
    AddressMap m;
    std::string err;
    EXPECT_TRUE(m.parse(text, s.org, stacks, &err)) << err;
    return m;
}

std::string parse_err(const std::string& text, const Spec& s = preset("hbm2")) {
    AddressMap m;
    std::string err;
    EXPECT_FALSE(m.parse(text, s.org, 1, &err));
    return err;
}

TEST(AddressMap, ReferenceMapOfTheReadme) {
    // byte 0–2 | column 3–5 | channel 6–8 | column 9–12 | pc 13 | bg 14–15 | bank 16–17 | row 18+
    // (README, 8 B columns) = burst offset 0–4, burst column bit 5, ... with 32 B bursts.
    const AddressMap m = parse_ok(preset("hbm2").default_map);
    EXPECT_EQ(m.describe(),
              "byte 0-4 | Co 5 | Ch 6-8 | Co 9-12 | Pc 13 | Bg 14-15 | Ba 16-17 | Ro 18-32");
    EXPECT_EQ(m.mapped_bits(), 33u);
    EXPECT_EQ(m.decode(32).column, 1u);
    EXPECT_EQ(m.decode(64).channel, 1u);
    EXPECT_EQ(m.decode(7 * 64).channel, 7u);
    EXPECT_EQ(m.decode(512).column, 2u);
    EXPECT_EQ(m.decode(512 + 32).column, 3u);
    EXPECT_EQ(m.decode(1u << 12).column, 16u);
    EXPECT_EQ(m.decode(1u << 13).pc, 1u);
    EXPECT_EQ(m.decode(1u << 14).bank_group, 1u);
    EXPECT_EQ(m.decode(3u << 14).bank_group, 3u);
    EXPECT_EQ(m.decode(1u << 16).bank, 1u);
    EXPECT_EQ(m.decode(1u << 18).row, 1u);
    EXPECT_EQ(m.decode(1ull << 32).row, 1u << 14);
    // Bits above the capacity wrap.
    EXPECT_EQ(m.decode(1ull << 33).row, 0u);
    // A 64 B request is two bursts to the same channel, bank and row.
    const Location a = m.decode(0x12345640), b = m.decode(0x12345660);
    EXPECT_EQ(a.channel, b.channel);
    EXPECT_EQ(a.bank, b.bank);
    EXPECT_EQ(a.row, b.row);
    EXPECT_EQ(a.column + 1, b.column);
}

TEST(AddressMap, PlainMapAndRoundTrip) {
    const AddressMap m = parse_ok("RoBaBgCoPcCh");
    EXPECT_EQ(m.describe(), "byte 0-4 | Ch 5-7 | Pc 8 | Co 9-13 | Bg 14-15 | Ba 16-17 | Ro 18-32");
    for (uint64_t a : {0ull, 32ull, 0x1f0e0ull, 0x1234567e0ull, (8ull << 30) - 32}) {
        EXPECT_EQ(m.encode(m.decode(a)), a);
    }
    Location l;
    l.channel = 5;
    l.pc = 1;
    l.bank_group = 2;
    l.bank = 3;
    l.row = 777;
    l.column = 19;
    const Location r = m.decode(m.encode(l));
    EXPECT_EQ(r.channel, 5u);
    EXPECT_EQ(r.pc, 1u);
    EXPECT_EQ(r.bank_group, 2u);
    EXPECT_EQ(r.bank, 3u);
    EXPECT_EQ(r.row, 777u);
    EXPECT_EQ(r.column, 19u);
}

TEST(AddressMap, StacksWidenTheChannelField) {
    const AddressMap m = parse_ok("RoBaBgCoPcCh", preset("hbm2"), 4);
    EXPECT_EQ(m.describe(),
              "byte 0-4 | Ch 5-9 | Pc 10 | Co 11-15 | Bg 16-17 | Ba 18-19 | Ro 20-34");
    EXPECT_EQ(m.decode(31u << 5).channel, 31u);
}

TEST(AddressMap, Hbm3HasSidBits) {
    const AddressMap m = parse_ok(preset("hbm3").default_map, preset("hbm3"));
    EXPECT_EQ(
        m.describe(),
        "byte 0-4 | Co 5 | Ch 6-9 | Co 10-13 | Pc 14 | Bg 15-16 | Ba 17-18 | Si 19 | Ro 20-32");
    EXPECT_EQ(parse_err("RoBaBgPcCoCh", preset("hbm3")).find("no Si (stack ID) field") !=
                  std::string::npos,
              true);
}

TEST(AddressMap, SeparatorsAreIgnored) {
    const AddressMap a = parse_ok("Ro-Ba-Bg-Pc-Co4-Ch-Co1");
    const AddressMap b =
        parse_ok("Ro Ba Bg Pc Co4 | Ch Co");  // the last Co takes the remaining bit
    EXPECT_EQ(a.describe(), b.describe());
}

TEST(AddressMap, Errors) {
    EXPECT_NE(parse_err("RoBaBgCoCh")
                  .find("no Pc (pseudo-channel) field, but 2 pseudo-channels need 1 address bit"),
              std::string::npos);
    EXPECT_NE(parse_err("RoXxBgCoPcCh").find("unknown field 'Xx' at position 3"),
              std::string::npos);
    EXPECT_NE(parse_err("RoBaBgPcCoChCo").find("have no bit count"), std::string::npos);
    EXPECT_NE(parse_err("RoBaBgPcCo9Ch").find("bit counts add up to 9 but 32 columns need 5 bits"),
              std::string::npos);
    EXPECT_NE(parse_err("").find("empty"), std::string::npos);
}

}  // namespace
}  // namespace qasim::models::dram
