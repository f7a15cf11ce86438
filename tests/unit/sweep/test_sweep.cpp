// Sweep files, point expansion, constraints, Pareto fronts and results tables (sim/sweep.h).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/errors.h"
#include "sim/sweep.h"

namespace qasim::sim {
namespace {

const std::string kSrc = QASIM_SOURCE_DIR;
const std::string kHw = kSrc + "/tests/integration/sweep/tiny_hw.yaml";
const std::string kTrace = kSrc + "/tests/integration/sweep/tiny_gemm.yaml";

std::string base_block() {
    return "base: {hw: " + kHw + ", workload: " + kTrace + "}\n";
}

/// The ConfigError text of parsing `text` as file "s.yaml" ("" when it parses).
std::string parse_error(const std::string &text) {
    try {
        parse_sweep_text(text, "s.yaml");
    } catch (const ConfigError &e) {
        return e.what();
    }
    return "";
}

std::string plan_error(const std::string &text) {
    try {
        plan_sweep(parse_sweep_text(text, "s.yaml"));
    } catch (const ConfigError &e) {
        return e.what();
    }
    return "";
}

#define EXPECT_HAS(haystack, needle)                                                               \
    EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << (haystack)

// ---- parsing and validation ----------------------------------------------------------------

TEST(SweepParse, MinimalFileGetsDefaultObjectives) {
    const SweepSpec s =
        parse_sweep_text(base_block() + "grid: {units.sa0.rows: [4, 8]}\n", "dir/my_sweep.yaml");
    EXPECT_EQ(s.name, "my_sweep");
    EXPECT_EQ(s.hw, kHw);
    EXPECT_EQ(s.workload, kTrace);
    ASSERT_EQ(s.keys, std::vector<std::string>({"units.sa0.rows"}));
    EXPECT_EQ(s.key_labels, std::vector<std::string>({"grid.units.sa0.rows"}));
    ASSERT_EQ(s.objectives.size(), 3u);
    EXPECT_EQ(s.objectives[0].metric, "time_ns");
    EXPECT_EQ(s.objectives[1].metric, "energy_pj");
    EXPECT_EQ(s.objectives[2].metric, "area_mm2");
    EXPECT_EQ(s.combinations(), 2u);
}

TEST(SweepParse, NameSetAndObjectivesWithMax) {
    const SweepSpec t = parse_sweep_text(
        base_block() + "name: custom\nobjectives: [cycles, max:utilization, min:area_mm2]\n",
        "s.yaml");
    EXPECT_EQ(t.name, "custom");
    ASSERT_EQ(t.objectives.size(), 3u);
    EXPECT_FALSE(t.objectives[0].maximize);
    EXPECT_TRUE(t.objectives[1].maximize);
    EXPECT_EQ(t.objectives[1].metric, "utilization");
    EXPECT_EQ(t.objectives[1].text(), "max:utilization");
    EXPECT_FALSE(t.objectives[2].maximize);
    EXPECT_EQ(t.combinations(), 1u);
}

TEST(SweepParse, UnknownTopKeyNamed) {
    EXPECT_HAS(parse_error(base_block() + "grids: {units.sa0.rows: [4]}\n"),
               "s.yaml: grids: unknown key; allowed keys: name, description, base, grid, zip, "
               "constraints, objectives");
}

TEST(SweepParse, BaseRequiredAndChecked) {
    EXPECT_HAS(parse_error("grid: {units.sa0.rows: [4]}\n"), "s.yaml: base: required");
    EXPECT_HAS(parse_error("base: {hw: a.yaml}\n"), "s.yaml: base.workload: required");
    EXPECT_HAS(parse_error("base: {hw: a.yaml, workload: zoo:vit-b16, hardware: b}\n"),
               "s.yaml: base.hardware: unknown key; allowed keys: hw, workload, memtest, set");
    EXPECT_HAS(parse_error("base: {hw: a.yaml, workload: zoo:vit-b16, set: [units.sa0.rows]}\n"),
               "s.yaml: base.set[0]: must be KEY.PATH=VALUE");
}

TEST(SweepParse, BaseSetAsListOrMap) {
    const SweepSpec a = parse_sweep_text("base: {hw: a.yaml, workload: zoo:vit-b16, set: "
                                         "[units.sa0.rows=8, units.sa0.dataflow=os]}\n",
                                         "s.yaml");
    EXPECT_EQ(a.base_sets, std::vector<std::string>({"units.sa0.rows=8", "units.sa0.dataflow=os"}));
    const SweepSpec b = parse_sweep_text("base: {hw: a.yaml, workload: zoo:vit-b16, set: "
                                         "{units.sa0.rows: 8, units.sa0.dataflow: os}}\n",
                                         "s.yaml");
    EXPECT_EQ(b.base_sets, a.base_sets);
}

TEST(SweepParse, EmptyGridListNamed) {
    EXPECT_HAS(parse_error(base_block() + "grid: {units.sa0.rows: [4], units.sa0.dataflow: []}\n"),
               "s.yaml: grid.units.sa0.dataflow: empty list: give at least one value");
}

TEST(SweepParse, GridValueMustBeAList) {
    EXPECT_HAS(parse_error(base_block() + "grid: {units.sa0.rows: 4}\n"),
               "s.yaml: grid.units.sa0.rows: must be a non-empty list of values");
    EXPECT_HAS(parse_error(base_block() + "grid: {units.sa0.rows: [4, [8]]}\n"),
               "s.yaml: grid.units.sa0.rows[1]: must be a scalar");
    EXPECT_HAS(parse_error(base_block() + "grid: {units.sa0.rows: [4, 4]}\n"),
               "s.yaml: grid.units.sa0.rows: value '4' appears twice");
}

TEST(SweepParse, ZipListsOfDifferentLengthsNamed) {
    EXPECT_HAS(
        parse_error(base_block() + "zip: {units.sa0.rows: [4, 8, 16], units.sa0.cols: [4, 8]}\n"),
        "s.yaml: zip: lists varied together must have equal lengths: units.sa0.rows has 3, "
        "units.sa0.cols has 2");
    EXPECT_HAS(
        parse_error(base_block() + "zip: [{a.b: [1]}, {c.d: [1, 2], e.f: [3]}]\n"),
        "s.yaml: zip[1]: lists varied together must have equal lengths: c.d has 2, e.f has 1");
}

TEST(SweepParse, UnknownObjectiveNamed) {
    EXPECT_HAS(
        parse_error(base_block() + "objectives: [time_ns, latency]\n"),
        "s.yaml: objectives[1]: unknown objective 'latency'; allowed: cycles, time_ns, energy_pj");
    EXPECT_HAS(parse_error(base_block() + "objectives: [max:speed]\n"),
               "objectives[0]: unknown objective 'max:speed'");
    EXPECT_HAS(parse_error(base_block() + "objectives: [time_ns, max:time_ns]\n"),
               "objectives[1]: objective 'time_ns' appears twice");
    EXPECT_HAS(parse_error(base_block() + "objectives: []\n"),
               "s.yaml: objectives: must be a non-empty list");
}

TEST(SweepParse, KeyVariedTwice) {
    EXPECT_HAS(
        parse_error(base_block() + "grid: {units.sa0.rows: [4]}\nzip: {units.sa0.rows: [8]}\n"),
        "s.yaml: zip.units.sa0.rows: key 'units.sa0.rows' is varied twice");
}

TEST(SweepParse, BadKeyNames) {
    EXPECT_HAS(parse_error(base_block() + "grid: {units..rows: [4]}\n"),
               "grid.units..rows: empty component");
    EXPECT_HAS(parse_error(base_block() + "grid: {units.sa0.rows-x: [4]}\n"),
               "grid.units.sa0.rows-x: character '-' is not allowed");
    EXPECT_HAS(parse_error(base_block() + "grid: {$1x: [4]}\n"),
               "grid.$1x: a variable is $ followed by");
}

TEST(SweepParse, VariablesMustBeDefinedAndUsed) {
    EXPECT_HAS(
        parse_error("base: {hw: a.yaml, workload: \"zoo:llama2-7b:decode?quant=W${wbits}A16\"}\n"),
        "s.yaml: base.workload: ${wbits} is not a varied variable");
    EXPECT_HAS(parse_error(base_block() + "grid: {$wbits: [4, 8]}\n"),
               "s.yaml: grid.$wbits: variable $wbits is not used");
    EXPECT_HAS(parse_error(
                   "base: {hw: a.yaml, workload: \"zoo:x?quant=W${wbits\"}\ngrid: {$wbits: [4]}\n"),
               "base.workload: unterminated '${'");
    EXPECT_EQ(parse_error("base: {hw: a.yaml, workload: \"zoo:x?quant=W${wbits}\", set: "
                          "[\"units.sa0.pe_format=int${wbits}\"]}\n"
                          "grid: {$wbits: [4, 8]}\n"),
              "");
}

TEST(SweepParse, ConstraintSyntaxErrorNamed) {
    EXPECT_HAS(parse_error(base_block() +
                           "constraints: [\"units.sa0.rows * (units.sa0.cols <= 16384\"]\n"),
               "s.yaml: constraints[0]: 'units.sa0.rows * (units.sa0.cols <= 16384': expected ')' "
               "but found end of "
               "expression at column 42");
    EXPECT_HAS(parse_error(base_block() + "constraints: [\"$nope > 1\"]\n"),
               "constraints[0]: '$nope > 1': $nope is not a varied variable");
}

TEST(SweepParse, EveryProblemReportedAtOnce) {
    const std::string e = parse_error(
        base_block() + "bogus: 1\ngrid: {units.sa0.rows: []}\nzip: {a.b: [1, 2], c.d: [1]}\n"
                       "objectives: [latency]\n");
    EXPECT_HAS(e, "bogus: unknown key");
    EXPECT_HAS(e, "grid.units.sa0.rows: empty list");
    EXPECT_HAS(e, "zip: lists varied together must have equal lengths");
    EXPECT_HAS(e, "objectives[0]: unknown objective 'latency'");
}

TEST(SweepParse, YamlSyntaxErrorHasLine) {
    EXPECT_HAS(parse_error("base: {hw: a\ngrid: [\n"), "s.yaml:");
    EXPECT_HAS(parse_error("- 1\n- 2\n"), "s.yaml: must be a map");
}

// ---- expansion -----------------------------------------------------------------------------

TEST(SweepExpand, GridTimesZipInOrder) {
    const SweepSpec s = parse_sweep_text(base_block() + "grid: {a.x: [1, 2], a.y: [p, q, r]}\n"
                                                        "zip: {b.u: [10, 20], b.v: [30, 40]}\n",
                                         "s.yaml");
    EXPECT_EQ(s.keys, std::vector<std::string>({"a.x", "a.y", "b.u", "b.v"}));
    EXPECT_EQ(s.key_labels,
              std::vector<std::string>({"grid.a.x", "grid.a.y", "zip.b.u", "zip.b.v"}));
    const auto c = sweep_combinations(s);
    ASSERT_EQ(c.size(), 12u);
    // First axis slowest, the zip group last (fastest), its lists moving together.
    EXPECT_EQ(c[0], std::vector<std::string>({"1", "p", "10", "30"}));
    EXPECT_EQ(c[1], std::vector<std::string>({"1", "p", "20", "40"}));
    EXPECT_EQ(c[2], std::vector<std::string>({"1", "q", "10", "30"}));
    EXPECT_EQ(c[6], std::vector<std::string>({"2", "p", "10", "30"}));
    EXPECT_EQ(c[11], std::vector<std::string>({"2", "r", "20", "40"}));
}

TEST(SweepExpand, SeveralZipGroups) {
    const SweepSpec s = parse_sweep_text(
        base_block() + "zip: [{a.x: [1, 2], a.y: [3, 4]}, {b.z: [5, 6, 7]}]\n", "s.yaml");
    ASSERT_EQ(s.axes.size(), 2u);
    const auto c = sweep_combinations(s);
    ASSERT_EQ(c.size(), 6u);
    EXPECT_EQ(c[0], std::vector<std::string>({"1", "3", "5"}));
    EXPECT_EQ(c[5], std::vector<std::string>({"2", "4", "7"}));
}

TEST(SweepExpand, NoAxesIsOnePoint) {
    const SweepSpec s = parse_sweep_text(base_block() + "grid: {}\nzip: {}\n", "s.yaml");
    const auto c = sweep_combinations(s);
    ASSERT_EQ(c.size(), 1u);
    EXPECT_TRUE(c[0].empty());
}

TEST(SweepExpand, PointRunSubstitutesVariablesAndAppendsSets) {
    const SweepSpec s = parse_sweep_text(
        "base: {hw: hw.yaml, workload: \"zoo:llama2-7b:decode?quant=W${wbits}A16KV${kv}\", "
        "set: [\"units.sa0.pe_format=int${wbits}\", units.sa0.rows=8]}\n"
        "grid: {$wbits: [4, 8], units.sa0.rows: [16]}\nzip: {$kv: [2]}\n",
        "s.yaml");
    const auto c = sweep_combinations(s);
    ASSERT_EQ(c.size(), 2u);
    const PointRun r = point_run(s, c[1]);
    EXPECT_EQ(r.hw, "hw.yaml");
    EXPECT_EQ(r.workload, "zoo:llama2-7b:decode?quant=W8A16KV2");
    // base.set first, the varied hardware key after it (so it wins).
    EXPECT_EQ(r.sets, std::vector<std::string>(
                          {"units.sa0.pe_format=int8", "units.sa0.rows=8", "units.sa0.rows=16"}));
}

TEST(SweepExpand, WorkloadAsGridKey) {
    const SweepSpec s = parse_sweep_text(
        base_block() + "grid: {workload: [\"zoo:vit-b16\", \"zoo:deit-tiny\"]}\n", "s.yaml");
    const auto c = sweep_combinations(s);
    EXPECT_EQ(point_run(s, c[1]).workload, "zoo:deit-tiny");
    EXPECT_TRUE(point_run(s, c[1]).sets.empty());
}

// ---- constraints ---------------------------------------------------------------------------

ExprValue eval(const std::string &text, const std::map<std::string, std::string> &vars = {}) {
    ConstraintExpr e(text, "c");
    return e.value([&](const std::string &id) -> std::optional<std::string> {
        const auto it = vars.find(id);
        if (it == vars.end())
            return std::nullopt;
        return it->second;
    });
}

double num(const std::string &text, const std::map<std::string, std::string> &vars = {}) {
    const ExprValue v = eval(text, vars);
    EXPECT_EQ(v.kind, ExprValue::Kind::number) << text;
    return v.number;
}

bool truth(const std::string &text, const std::map<std::string, std::string> &vars = {}) {
    const ExprValue v = eval(text, vars);
    EXPECT_EQ(v.kind, ExprValue::Kind::boolean) << text;
    return v.boolean;
}

std::string expr_error(const std::string &text,
                       const std::map<std::string, std::string> &vars = {}) {
    try {
        eval(text, vars);
    } catch (const ConfigError &e) {
        return e.what();
    }
    return "";
}

TEST(SweepConstraint, ArithmeticPrecedence) {
    EXPECT_DOUBLE_EQ(num("1 + 2 * 3"), 7.0);
    EXPECT_DOUBLE_EQ(num("(1 + 2) * 3"), 9.0);
    EXPECT_DOUBLE_EQ(num("10 - 4 - 3"), 3.0);
    EXPECT_DOUBLE_EQ(num("16 / 4 / 2"), 2.0);
    EXPECT_DOUBLE_EQ(num("-2 * -3"), 6.0);
    EXPECT_DOUBLE_EQ(num("2.5e2 + .5"), 250.5);
}

TEST(SweepConstraint, KeyPathsAndVariables) {
    const std::map<std::string, std::string> v = {{"units.sa0.rows", "128"},
                                                  {"units.sa0.cols", "128"},
                                                  {"mapping.0.unit", "sa0"},
                                                  {"$wbits", "4"}};
    EXPECT_TRUE(truth("units.sa0.rows * units.sa0.cols <= 16384", v));
    EXPECT_FALSE(truth("units.sa0.rows * units.sa0.cols < 16384", v));
    EXPECT_TRUE(truth("mapping.0.unit == 'sa0' && $wbits >= 4", v));
    EXPECT_TRUE(truth("mapping.0.unit != \"bs0\"", v));
    EXPECT_DOUBLE_EQ(num("units.sa0.rows / $wbits", v), 32.0);
}

TEST(SweepConstraint, LogicWithParenthesesAndNot) {
    EXPECT_TRUE(truth("1 < 2 && (2 > 3 || 4 >= 4)"));
    EXPECT_FALSE(truth("!(1 < 2)"));
    EXPECT_TRUE(truth("1 == 2 || 3 != 4 && 5 == 5")); // && binds tighter than ||
    EXPECT_TRUE(truth("true && !false"));
    EXPECT_TRUE(truth("$x == true", {{"$x", "true"}}));
}

TEST(SweepConstraint, ShortCircuitAvoidsDivisionByZero) {
    EXPECT_FALSE(truth("$n != 0 && 8 / $n > 1", {{"$n", "0"}}));
    EXPECT_HAS(expr_error("8 / $n > 1", {{"$n", "0"}}),
               "c: '8 / $n > 1': division by zero (column 3)");
}

TEST(SweepConstraint, TypeErrorsNamed) {
    EXPECT_HAS(expr_error("units.sa0.dataflow + 1", {{"units.sa0.dataflow", "ws"}}),
               "c: 'units.sa0.dataflow + 1': '+' needs numbers, got a text 'ws' and a number 1");
    EXPECT_HAS(expr_error("1 == 'a'"), "'==' compares a number 1 with a text 'a'");
    EXPECT_HAS(expr_error("1 && 2"), "'&&' needs truth values, got a number 1");
    EXPECT_HAS(expr_error("!3"), "'!' needs a truth value");
}

TEST(SweepConstraint, UnknownIdentifier) {
    EXPECT_HAS(expr_error("units.sa9.rows > 1"),
               "c: 'units.sa9.rows > 1': 'units.sa9.rows' is neither a varied key nor a key of the "
               "base hardware file");
}

TEST(SweepConstraint, SyntaxErrorsWithColumn) {
    EXPECT_HAS(expr_error("1 +"),
               "c: '1 +': expected a number, a text, a key path or '(' but found end of expression "
               "at column 4");
    EXPECT_HAS(expr_error("1 < 2 < 3"), "comparisons cannot be chained");
    EXPECT_HAS(expr_error("a.b # 3"), "unexpected character '#'");
    EXPECT_HAS(expr_error("(1 < 2"), "expected ')'");
    EXPECT_HAS(expr_error("1 2"), "unexpected '2' at column 3");
    EXPECT_HAS(expr_error("'abc"), "unterminated text");
    EXPECT_HAS(expr_error("a..b > 1"), "bad name 'a..b'");
}

TEST(SweepConstraint, IdentifiersListed) {
    ConstraintExpr e("units.sa0.rows * units.sa0.cols <= 16384 && units.sa0.rows > $x", "c");
    EXPECT_EQ(e.identifiers(),
              std::vector<std::string>({"units.sa0.rows", "units.sa0.cols", "$x"}));
}

TEST(SweepConstraint, MustBeTruthValue) {
    ConstraintExpr e("1 + 1", "c");
    try {
        e.holds([](const std::string &) { return std::nullopt; });
        FAIL() << "no error";
    } catch (const ConfigError &err) {
        EXPECT_HAS(err.what(), "a constraint must be a comparison");
    }
}

// ---- plan (reads the tiny hardware file) --------------------------------------------------

TEST(SweepPlan, UnknownKeyPathNamedBeforeAnyPoint) {
    const std::string e = plan_error(base_block() + "grid: {units.sa0.rowz: [4, 8]}\n");
    EXPECT_HAS(e,
               "s.yaml: grid.units.sa0.rowz: unknown key path: 'units.sa0.rowz' is not in " + kHw);
    EXPECT_HAS(e, "allowed keys: rows, cols");
    EXPECT_HAS(plan_error(base_block() + "zip: {units.sa1.rows: [4]}\n"),
               "s.yaml: zip.units.sa1.rows: unknown key path: 'units.sa1.rows' is not in " + kHw +
                   " ('units' exists; keys there: sa0, vec0)");
    EXPECT_HAS(plan_error(base_block() + "grid: {mapping.7.unit: [sa0]}\n"),
               "grid.mapping.7.unit: unknown key path: 'mapping.7.unit' is not in " + kHw +
                   " ('mapping' exists; it is a list of 2 items (index 0..1))");
}

TEST(SweepPlan, DefaultValuedFieldAccepted) {
    // acc_bits is not in the file but is a systolic_array field: varying it is fine.
    const SweepPlan p = plan_sweep(
        parse_sweep_text(base_block() + "grid: {units.sa0.acc_bits: [16, 32]}\n", "s.yaml"));
    EXPECT_EQ(p.points.size(), 2u);
    // A list index that exists is a key path too.
    EXPECT_EQ(plan_sweep(parse_sweep_text(base_block() + "grid: {mapping.0.unit: [sa0, vec0]}\n",
                                          "s.yaml"))
                  .points.size(),
              2u);
}

TEST(SweepPlan, ConstraintsUseBaseValuesForUnvariedKeys) {
    // cols = 16 in tiny_hw.yaml: rows * 16 <= 128 keeps rows 4 and 8.
    const SweepPlan p = plan_sweep(
        parse_sweep_text(base_block() + "grid: {units.sa0.rows: [4, 8, 16, 32], "
                                        "units.sa0.dataflow: [os, ws]}\n"
                                        "constraints: [\"units.sa0.rows * units.sa0.cols <= 128\", "
                                        "\"units.sa0.dataflow == 'ws' || units.sa0.rows > 4\"]\n",
                         "s.yaml"));
    ASSERT_EQ(p.points.size(), 3u);
    EXPECT_EQ(p.excluded, 5u);
    EXPECT_EQ(p.points[0].index, 0u);
    EXPECT_EQ(p.points[0].values, std::vector<std::string>({"4", "ws"}));
    EXPECT_EQ(p.points[1].values, std::vector<std::string>({"8", "os"}));
    EXPECT_EQ(p.points[2].index, 2u);
    EXPECT_EQ(p.points[2].values, std::vector<std::string>({"8", "ws"}));
}

TEST(SweepPlan, ConstraintOnUnknownKeyNamed) {
    EXPECT_HAS(
        plan_error(base_block() +
                   "grid: {units.sa0.rows: [4]}\nconstraints: [\"units.sa0.depth > 1\"]\n"),
        "s.yaml: constraints[0]: 'units.sa0.depth > 1': 'units.sa0.depth' is neither a varied key");
}

TEST(SweepPlan, ConstraintsExcludingEverything) {
    EXPECT_HAS(
        plan_error(base_block() +
                   "grid: {units.sa0.rows: [4, 8]}\nconstraints: [\"units.sa0.rows > 100\"]\n"),
        "s.yaml: constraints: exclude all 2 combinations");
}

TEST(SweepPlan, MissingFilesNamed) {
    EXPECT_HAS(plan_error("base: {hw: /nonexistent/hw.yaml, workload: zoo:vit-b16}\n"),
               "s.yaml: base: hardware file '/nonexistent/hw.yaml': cannot be read");
    EXPECT_HAS(plan_error("base: {hw: " + kHw + ", workload: /nonexistent/t.yaml}\n"),
               "s.yaml: base.workload: workload file '/nonexistent/t.yaml' not found");
    EXPECT_HAS(plan_error(base_block() + "grid: {workload: [zoo:vit-b16, /nonexistent/t.yaml]}\n"),
               "s.yaml: grid.workload: workload file '/nonexistent/t.yaml' not found");
}

TEST(SweepPlan, InvalidBaseConfigNamed) {
    EXPECT_HAS(
        plan_error("base: {hw: " + kHw + ", workload: " + kTrace + ", set: [units.sa0.rows=0]}\n"),
        "s.yaml: base: the base hardware config is invalid:");
    EXPECT_HAS(
        plan_error("base: {hw: " + kHw + ", workload: " + kTrace + ", set: [units.sa7.rows=4]}\n"),
        "s.yaml: base: ");
}

TEST(SweepPlan, BadValueIsNotAPlanError) {
    // rows 0 is a bad combination: that point fails when it runs, the sweep does not stop.
    EXPECT_EQ(
        plan_sweep(parse_sweep_text(base_block() + "grid: {units.sa0.rows: [0, 4]}\n", "s.yaml"))
            .points.size(),
        2u);
}

// ---- results tables, Pareto, merge -----------------------------------------------------------

SweepRow row(size_t idx, const std::vector<std::string> &vals,
             const std::vector<std::string> &metrics, const std::string &status = "ok") {
    SweepRow r;
    r.index = idx;
    r.values = vals;
    r.metrics = metrics;
    r.status = status;
    r.report = status == "ok" ? "points/000" + std::to_string(idx) + "/report.json" : "";
    return r;
}

SweepTable table2(const std::vector<std::pair<double, double>> &pts) {
    SweepTable t;
    t.keys = {"k"};
    t.metrics = {"time_ns", "energy_pj", "utilization"};
    for (size_t i = 0; i < pts.size(); ++i)
        t.rows[i] = row(i, {std::to_string(i)},
                        {std::to_string(pts[i].first), std::to_string(pts[i].second), "0.5"});
    return t;
}

std::vector<SweepObjective> objs(const std::vector<std::string> &names) {
    std::vector<SweepObjective> o;
    for (const auto &n : names) {
        SweepObjective x;
        x.maximize = n.rfind("max:", 0) == 0;
        x.metric = x.maximize ? n.substr(4) : n;
        o.push_back(x);
    }
    return o;
}

TEST(SweepPareto, TwoObjectives) {
    // (time, energy): 0 (1,5) 1 (2,2) 2 (3,3) dominated by 1, 3 (5,1), 4 (2,2) equal to 1.
    const SweepTable t = table2({{1, 5}, {2, 2}, {3, 3}, {5, 1}, {2, 2}});
    EXPECT_EQ(pareto_front(t, objs({"time_ns", "energy_pj"})), std::vector<size_t>({0, 1, 3, 4}));
    EXPECT_EQ(pareto_front(t, objs({"time_ns"})), std::vector<size_t>({0}));
}

TEST(SweepPareto, MaximiseFlipsTheOrder) {
    const SweepTable t = table2({{1, 5}, {2, 2}, {3, 3}, {5, 1}});
    EXPECT_EQ(pareto_front(t, objs({"max:time_ns"})), std::vector<size_t>({3}));
    EXPECT_EQ(pareto_front(t, objs({"max:time_ns", "max:energy_pj"})),
              std::vector<size_t>({0, 2, 3}));
}

TEST(SweepPareto, FailedRowsIgnored) {
    SweepTable t = table2({{1, 1}, {2, 2}});
    t.rows[0] = row(0, {"0"}, {"", "", ""}, "qasim run: error: bad");
    EXPECT_EQ(pareto_front(t, objs({"time_ns", "energy_pj"})), std::vector<size_t>({1}));
    const SweepTable p = pareto_table(t, objs({"time_ns"}));
    ASSERT_EQ(p.rows.size(), 1u);
    EXPECT_EQ(p.rows.begin()->first, 1u);
}

TEST(SweepPareto, ObjectiveMustBeAColumn) {
    try {
        pareto_front(table2({{1, 1}}), objs({"area_mm2"}));
        FAIL() << "no error";
    } catch (const ConfigError &e) {
        EXPECT_HAS(e.what(), "objective 'area_mm2' is not a column");
    }
}

TEST(SweepResults, MetricColumnsAppendExtraObjectives) {
    EXPECT_EQ(sweep_metric_columns(objs({"time_ns", "max:utilization"})),
              std::vector<std::string>({"cycles", "time_ns", "energy_pj", "area_mm2", "utilization",
                                        "dram_read_bytes", "dram_write_bytes"}));
    EXPECT_EQ(sweep_metric_columns(objs({"macs", "time_ns", "dram_bw_gbps"})).back(),
              "dram_bw_gbps");
    EXPECT_EQ(sweep_metric_columns(objs({"macs"})).size(), 8u);
}

TEST(SweepResults, CsvFieldQuoting) {
    EXPECT_EQ(csv_field("plain"), "plain");
    EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
    EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
}

TEST(SweepResults, FormatParseRoundTripInIndexOrder) {
    SweepTable t;
    t.keys = {"units.sa0.rows", "workload"};
    t.metrics = sweep_metric_columns(objs({"time_ns"}));
    t.rows[2] = row(2, {"8", "zoo:x?quant=W4,kv=int2"}, {"1", "2", "3", "4", "0.5", "6", "7"});
    t.rows[0] = row(0, {"4", "zoo:y"}, {"", "", "", "", "", "", ""},
                    "qasim run: error: h.yaml: units.sa0.rows: must be \"an\" integer, got '0'");
    const std::string csv = format_sweep_csv(t);
    EXPECT_EQ(csv, "point,units.sa0.rows,workload,cycles,time_ns,energy_pj,area_mm2,utilization,"
                   "dram_read_bytes,"
                   "dram_write_bytes,status,report\n"
                   "0,4,zoo:y,,,,,,,,\"qasim run: error: h.yaml: units.sa0.rows: must be "
                   "\"\"an\"\" integer, got '0'\",\n"
                   "2,8,\"zoo:x?quant=W4,kv=int2\",1,2,3,4,0.5,6,7,ok,points/0002/report.json\n");
    const SweepTable back = parse_sweep_csv(csv, "r.csv");
    EXPECT_EQ(back.keys, t.keys);
    EXPECT_EQ(back.metrics, t.metrics);
    ASSERT_EQ(back.rows.size(), 2u);
    EXPECT_TRUE(back.rows.at(0) == t.rows.at(0));
    EXPECT_TRUE(back.rows.at(2) == t.rows.at(2));
    EXPECT_EQ(format_sweep_csv(back), csv);
}

TEST(SweepResults, ParseErrorsNamed) {
    auto err = [](const std::string &text) {
        try {
            parse_sweep_csv(text, "r.csv");
        } catch (const ConfigError &e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_HAS(err(""), "r.csv: empty");
    EXPECT_HAS(err("a,b\n"), "r.csv:1: not a sweep results file");
    const std::string h = "point,k,cycles,time_ns,energy_pj,area_mm2,utilization,dram_read_bytes,"
                          "dram_write_bytes,status,report\n";
    EXPECT_HAS(err(h + "0,1,2\n"), "r.csv:2: 3 fields, the header has 11");
    EXPECT_HAS(err(h + "x,1,,,,,,,,e,\n"), "r.csv:2: point must be an index");
    EXPECT_HAS(err(h + "0,1,,,,,,,,e,\n0,1,,,,,,,,e,\n"), "r.csv:3: point 0 appears twice");
    EXPECT_HAS(err(h + "0,\"1,,,,,,,,e,\n"), "unterminated quoted field");
}

TEST(SweepResults, MergeUnionsShards) {
    const SweepTable all = table2({{1, 5}, {2, 2}, {3, 3}, {5, 1}, {4, 4}});
    SweepTable a, b;
    a.keys = b.keys = all.keys;
    a.metrics = b.metrics = all.metrics;
    for (const auto &[i, r] : all.rows)
        (i % 2 ? b : a).rows[i] = r;
    b.rows[0] = all.rows.at(0); // a point present twice, identical: fine
    const SweepTable m = merge_sweep_tables({b, a}, {"b.csv", "a.csv"});
    EXPECT_EQ(format_sweep_csv(m), format_sweep_csv(all));
}

TEST(SweepResults, MergeRejectsConflictsAndOtherSweeps) {
    const SweepTable a = table2({{1, 5}});
    SweepTable b = table2({{1, 6}});
    try {
        merge_sweep_tables({a, b}, {"a.csv", "b.csv"});
        FAIL() << "no error";
    } catch (const ConfigError &e) {
        EXPECT_HAS(e.what(), "b.csv: point 0 differs from the same point in another shard");
    }
    b.keys = {"other"};
    try {
        merge_sweep_tables({a, b}, {"a.csv", "b.csv"});
        FAIL() << "no error";
    } catch (const ConfigError &e) {
        EXPECT_HAS(e.what(), "b.csv: columns (point,other,");
        EXPECT_HAS(e.what(), "not shards of one sweep");
    }
}

TEST(SweepResults, MetaRoundTrip) {
    SweepMeta m;
    m.sweep_file = "configs/sweeps/x.yaml";
    m.name = "x";
    m.points = 27;
    m.shard_index = 1;
    m.shard_count = 3;
    m.objectives = objs({"time_ns", "max:utilization"});
    m.keys = {"units.sa0.rows", "$wbits", "workload"};
    const SweepMeta b = parse_sweep_meta(format_sweep_meta(m), "meta.yaml");
    EXPECT_EQ(b.sweep_file, m.sweep_file);
    EXPECT_EQ(b.name, m.name);
    EXPECT_EQ(b.points, 27u);
    EXPECT_EQ(b.shard_index, 1u);
    EXPECT_EQ(b.shard_count, 3u);
    EXPECT_TRUE(b.objectives == m.objectives);
    EXPECT_EQ(b.keys, m.keys);
}

TEST(SweepResults, ReadReportTotalsKeepsNumberText) {
    const std::string path = ::testing::TempDir() + "/sweep_report_test.json";
    {
        std::ofstream out(path);
        out << "{\n  \"schema\": \"qasim.report/1\",\n  \"total\": {\"cycles\": 16605, "
               "\"time_ns\": 16605.0,"
               " \"energy_pj\": 1.497005843e+10, \"utilization\": 0.555}\n}\n";
    }
    std::vector<std::string> v;
    std::string err;
    ASSERT_TRUE(read_report_totals(path, {"cycles", "energy_pj", "utilization"}, &v, &err)) << err;
    EXPECT_EQ(v, std::vector<std::string>({"16605", "1.497005843e+10", "0.555"}));
    EXPECT_FALSE(read_report_totals(path, {"area_mm2"}, &v, &err));
    EXPECT_HAS(err, "total.area_mm2 missing");
    EXPECT_FALSE(read_report_totals(path + ".none", {"cycles"}, &v, &err));
    std::remove(path.c_str());
}

// ---- memory sweeps (base.memtest: one `qasim memtest --json` per point) ----------------------

const std::string kMemHw = kSrc + "/configs/hw/hbm2_reference.yaml";

std::string mem_base(const std::string &memtest = "[--requests, \"1000\"]") {
    return "base: {hw: " + kMemHw + ", memtest: " + memtest + "}\n";
}

TEST(SweepMemtest, OptionsVariablesAndDefaultObjectives) {
    const SweepSpec s = parse_sweep_text(
        mem_base("[--pattern, \"${pat}\", --requests, \"1000\"]") +
            "grid: {$pat: [random, mixed], memtest.outstanding: [1, 8], "
            "memory.hbm0.read_queue_depth: [32, 64]}\n",
        "m.yaml");
    ASSERT_TRUE(s.is_memtest());
    EXPECT_EQ(s.memtest, std::vector<std::string>({"--pattern", "${pat}", "--requests", "1000"}));
    EXPECT_EQ(sweep_key_kind("memtest.outstanding"), SweepKeyKind::memtest_option);
    ASSERT_EQ(s.objectives.size(), 2u);
    EXPECT_EQ(s.objectives[0].text(), "max:bandwidth_gbps");
    EXPECT_EQ(s.objectives[1].text(), "mean_read_latency_ns");
    // A point: base.memtest with the variable filled, then the varied option; hardware keys go to
    // --set as in run sweeps.
    const PointRun r = point_run(s, {"mixed", "8", "32"});
    EXPECT_EQ(r.memtest, std::vector<std::string>(
                             {"--pattern", "mixed", "--requests", "1000", "--outstanding", "8"}));
    EXPECT_EQ(r.sets, std::vector<std::string>({"memory.hbm0.read_queue_depth=32"}));
    const SweepPlan plan = plan_sweep(s);
    EXPECT_EQ(plan.points.size(), 8u);
    // Objectives name memtest's metrics; run metrics are refused there.
    const SweepSpec o = parse_sweep_text(
        mem_base() + "grid: {memtest.pattern: [random]}\nobjectives: [p99_read_latency_ns, "
                     "max:row_hit_rate, energy_pj]\n",
        "m.yaml");
    EXPECT_EQ(sweep_metric_columns(o.objectives, true),
              std::vector<std::string>({"bandwidth_gbps", "mean_read_latency_ns",
                                        "p50_read_latency_ns", "p99_read_latency_ns",
                                        "row_hit_rate", "activations_per_request", "energy_pj"}));
    EXPECT_HAS(parse_error(mem_base() + "grid: {memtest.pattern: [random]}\n"
                                        "objectives: [time_ns]\n"),
               "objectives[0]: unknown objective 'time_ns'; allowed: bandwidth_gbps");
}

TEST(SweepMemtest, TracePathsAreFoundFromTheSweepFile) {
    namespace fs = std::filesystem;
    const fs::path dir = fs::path(::testing::TempDir()) / "sweep_memtest_trace";
    fs::create_directories(dir);
    {
        std::ofstream(dir / "a.trace") << "0x0 R\n0x40 W\n";
    }
    const std::string file = (dir / "m.yaml").string();
    const SweepSpec s =
        parse_sweep_text(mem_base("[--trace, a.trace]") + "grid: {memtest.outstanding: [1]}\n", file);
    EXPECT_EQ(point_run(s, {"1"}).memtest,
              std::vector<std::string>({"--trace", (dir / "a.trace").string(), "--outstanding", "1"}));
    EXPECT_EQ(plan_sweep(s).points.size(), 1u);
    const SweepSpec v =
        parse_sweep_text(mem_base("[--requests, \"10\"]") + "grid: {memtest.trace: [a.trace]}\n", file);
    EXPECT_EQ(point_run(v, {"a.trace"}).memtest.back(), (dir / "a.trace").string());
    EXPECT_HAS(plan_error(mem_base("[--trace, missing.trace]") + "grid: {memtest.outstanding: [1]}\n"),
               "base.memtest with memtest.outstanding: trace file 'missing.trace' not found");
    fs::remove_all(dir);
}

TEST(SweepMemtest, BadFilesNameTheKey) {
    // Exactly one of workload and memtest.
    EXPECT_HAS(parse_error("base: {hw: " + kMemHw + ", workload: " + kTrace +
                           ", memtest: [--requests, \"1\"]}\n"),
               "base.memtest: give either workload (qasim run points) or memtest");
    EXPECT_HAS(parse_error("base: {hw: " + kMemHw + "}\n"), "base.workload: required");
    EXPECT_HAS(parse_error(mem_base("[]")), "base.memtest: must be a non-empty list");
    // Options the sweep sets itself, or whose files every point would overwrite.
    EXPECT_HAS(parse_error(mem_base("[--json]")), "base.memtest[0]: '--json' is not allowed");
    EXPECT_HAS(parse_error(mem_base("[--vcd=x.vcd]")), "base.memtest[0]: '--vcd=x.vcd' is not allowed");
    EXPECT_HAS(parse_error(mem_base("[--hw, x.yaml]")), "base.memtest[0]: '--hw' is not allowed");
    // memtest.OPTION keys.
    EXPECT_HAS(parse_error(mem_base() + "grid: {memtest.bogus: [1]}\n"),
               "grid.memtest.bogus: 'memtest.bogus': qasim memtest has no option --bogus");
    EXPECT_HAS(parse_error(mem_base() + "grid: {memtest.per-channel: [1]}\n"),
               "--per-channel takes no value; put it in base.memtest");
    EXPECT_HAS(parse_error(mem_base() + "grid: {memtest.latency-csv: [a.csv]}\n"),
               "--latency-csv cannot be varied");
    EXPECT_HAS(parse_error(mem_base() + "grid: {memtest.requests: [1, 2]}\n"),
               "--requests is also in base.memtest; give it once");
    EXPECT_HAS(parse_error(mem_base() + "grid: {memtest.Outstanding: [1]}\n"),
               "memtest.OPTION names a qasim memtest option without its dashes");
    EXPECT_HAS(parse_error(base_block() + "grid: {memtest.outstanding: [1]}\n"),
               "memtest.OPTION keys vary a memory sweep; give base.memtest");
    EXPECT_HAS(parse_error(mem_base() + "grid: {workload: [zoo:vit-b16]}\n"),
               "grid.workload: a memory sweep (base.memtest) has no workload");
    EXPECT_HAS(parse_error(mem_base("[--pattern, \"${p}\"]") + "grid: {memtest.outstanding: [1]}\n"),
               "base.memtest[1]: ${p} is not a varied variable");
    // Values are checked against memtest's option types before any point runs.
    EXPECT_HAS(plan_error(mem_base() + "grid: {memtest.outstanding: [1, many]}\n"),
               "base.memtest with memtest.outstanding: qasim memtest --requests 1000 "
               "--outstanding many: the argument ('many') for option '--outstanding' is invalid");
    EXPECT_HAS(plan_error(mem_base("[--requests, \"10\", --bogus]") +
                          "grid: {memtest.outstanding: [1]}\n"),
               "unrecognised option '--bogus'");
}

TEST(SweepMemtest, ReadsTheTopLevelOfMemtestJson) {
    const std::string path = ::testing::TempDir() + "/sweep_memtest_report.json";
    {
        std::ofstream out(path);
        out << "{\n  \"memory\": \"hbm0\",\n  \"bandwidth_gbps\": 143.63334,\n"
               "  \"mean_read_latency_ns\": 103.650948,\n  \"acts\": 1007830\n}\n";
    }
    std::vector<std::string> v;
    std::string err;
    ASSERT_TRUE(
        read_report_totals(path, {"bandwidth_gbps", "mean_read_latency_ns", "acts"}, &v, &err, ""))
        << err;
    EXPECT_EQ(v, std::vector<std::string>({"143.63334", "103.650948", "1007830"}));
    EXPECT_FALSE(read_report_totals(path, {"energy_pj"}, &v, &err, ""));
    EXPECT_HAS(err, ": energy_pj missing or not a number");
    EXPECT_FALSE(read_report_totals(path, {"bandwidth_gbps"}, &v, &err));  // no `total`
    std::remove(path.c_str());
}

} // namespace
} // namespace qasim::sim
