#include <gtest/gtest.h>

#include "sim/fields.h"
#include "sim/registry.h"

using namespace qasim::sim;

namespace {
struct Cfg {
    uint64_t n = 4;
    double x = 1.5;
    bool on = false;
    std::string s = "abc";
    int mode = 1;
};
const FieldTable<Cfg>& table() {
    static const auto t = FieldTable<Cfg>()
                              .u64("n", &Cfg::n, "items", "a count", 1, 10)
                              .f64("x", &Cfg::x, "ns", "a time", 0, 5)
                              .boolean("on", &Cfg::on, "a switch")
                              .text("s", &Cfg::s, "a name")
                              .choice("mode", &Cfg::mode, "a mode", {{"a", 1}, {"b", 2}});
    return t;
}
}  // namespace

TEST(FieldTable, ParsesValuesAndKeepsDefaults) {
    Cfg c;
    Errors errs("f.yaml");
    table().parse({{"n", "7", true}, {"mode", "b", true}}, c, "u", errs);
    EXPECT_TRUE(errs.empty());
    EXPECT_EQ(c.n, 7u);
    EXPECT_EQ(c.mode, 2);
    EXPECT_DOUBLE_EQ(c.x, 1.5);
}

TEST(FieldTable, RejectsOutOfRangeWithPath) {
    Cfg c;
    Errors errs("f.yaml");
    table().parse({{"n", "11", true}, {"x", "nan", true}, {"on", "yes", true}, {"zz", "1", true}}, c, "u", errs);
    ASSERT_EQ(errs.messages().size(), 4u);
    EXPECT_EQ(errs.messages()[0], "f.yaml: u.n: must be an integer in [1, 10], got '11'");
    EXPECT_NE(errs.messages()[1].find("u.x: must be a number in [0, 5]"), std::string::npos);
    EXPECT_NE(errs.messages()[2].find("u.on: must be true or false"), std::string::npos);
    EXPECT_NE(errs.messages()[3].find("u.zz: unknown key; allowed keys: n, x, on, s, mode"), std::string::npos);
}

TEST(FieldTable, DescribeShowsDefaultsFromInitialisers) {
    const auto d = table().describe();
    ASSERT_EQ(d.size(), 5u);
    EXPECT_EQ(d[0].default_value, "4");
    EXPECT_EQ(d[1].default_value, "1.5");
    EXPECT_EQ(d[4].default_value, "a");
    EXPECT_EQ(d[4].allowed, "a, b");
}

TEST(FieldTable, DumpRoundTrip) {
    Cfg c;
    c.n = 9;
    c.mode = 2;
    const auto dumped = table().dump(c);
    RawSection raw;
    for (const auto& [k, v] : dumped) raw.push_back({k, v, true});
    Cfg d;
    Errors errs;
    table().parse(raw, d, "", errs);
    EXPECT_TRUE(errs.empty());
    EXPECT_EQ(d.n, 9u);
    EXPECT_EQ(d.mode, 2);
    EXPECT_EQ(table().dump(d), dumped);
}

TEST(Registry, KnowsBuiltInTypes) {
    EXPECT_NE(Registry::find(Role::unit, "systolic_array"), nullptr);
    EXPECT_NE(Registry::find(Role::unit, "vector_unit"), nullptr);
    EXPECT_NE(Registry::find(Role::memory, "ideal"), nullptr);
    EXPECT_NE(Registry::find(Role::memory, "simple_dram"), nullptr);
    EXPECT_NE(Registry::find(Role::interconnect, "crossbar"), nullptr);
    EXPECT_EQ(Registry::find(Role::unit, "ideal"), nullptr);
    EXPECT_NE(Registry::names(Role::memory).find("simple_dram"), std::string::npos);
    const auto* e = Registry::find(Role::unit, "systolic_array");
    bool has_rows = false;
    for (const auto& f : e->describe()) has_rows |= f.key == "rows" && f.default_value == "128";
    EXPECT_TRUE(has_rows);
}
