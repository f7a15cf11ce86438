// The golden comparator (sim/golden.h) without processes: metric paths, tolerances, the readable
// diff of a mismatch and its exit code, malformed case files, and the --update rewrite.
#include <gtest/gtest.h>

#include <sstream>

#include "sim/errors.h"
#include "sim/golden.h"

using namespace qasim::sim;

namespace {

// A report.json of the shape sim/report.cpp writes (abridged).
const char* const kReport = R"({
  "schema": "qasim.report/1",
  "hw": {"name": "golden-ws-128", "clock_mhz": 1000},
  "total": {"cycles": 83375, "time_ns": 83375.5, "energy_pj": 1.234567891e+09, "macs": 464781312,
            "utilization": 0.3402461234, "dram_read_bytes": 0},
  "energy_pj": {"sa0": {"dynamic": 1.2e+09, "leakage": 3.4e+07, "total": 1.234e+09,
                        "by_action": {"mac_int8": 1.1e+09}}},
  "layers": [
    {"name": "vit_fc1", "op": "gemm", "unit": "sa0", "m": 197, "k": 768, "n": 3072,
     "cycles": 83375, "compute_cycles": 83375, "stall_cycles": 0, "sram_reads": 5990400,
     "sram_writes": 3631104, "row_hit_rate": null}
  ]
})";

YAML::Node report() {
    return YAML::Load(kReport);
}

const char* const kCase = R"(# a SCALE-Sim case
source: "scale-sim v2 (commit 22f88b1), reference/scalesim/cases.csv row vit_fc1 ws"
hw: tests/golden/hw/scalesim_ws_128x128.yaml
workload: tests/golden/workloads/vit_fc1.yaml
metrics:
  layers[0].compute_cycles: {expected: 83375}
  layers[0].sram_reads: {expected: 5990400}
  total.energy_pj: {expected: 1.2e9, rel_tol: 0.05}
)";

GoldenCase parse(const std::string& text,
                 const std::string& file = "tests/golden/vit_fc1_ws.yaml") {
    return parse_golden_case(text, file);
}

std::string error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no error)";
}

PathValue eval(const std::string& path) {
    return eval_metric_path(report(), parse_metric_path(path, "t"), path);
}

GoldenMetric metric(const std::string& yaml_value) {
    const std::string text =
        "source: 'closed form: x'\nhw: h.yaml\nworkload: w.yaml\nmetrics:\n  total.cycles: " +
        yaml_value + "\n";
    return parse(text).metrics.at(0);
}

PathValue number(const std::string& text) {
    PathValue v;
    v.kind = PathValue::Kind::number;
    v.text = text;
    v.value = std::stod(text);
    return v;
}

}  // namespace

TEST(GoldenPath, ParsesKeysAndIndices) {
    const auto s = parse_metric_path("layers[12].by_action.mac_int8", "t");
    ASSERT_EQ(s.size(), 4u);
    EXPECT_EQ(s[0].key, "layers");
    EXPECT_TRUE(s[1].is_index);
    EXPECT_EQ(s[1].index, 12u);
    EXPECT_EQ(s[2].key, "by_action");
    EXPECT_EQ(s[3].key, "mac_int8");
    EXPECT_EQ(parse_metric_path("a[0][1]", "t").size(), 3u);
}

TEST(GoldenPath, RejectsBadSyntax) {
    for (const char* bad : {"", "total.", ".total", "layers[", "layers[x]", "layers[0",
                            "total..cycles", "total cycles", "[0]"}) {
        try {
            parse_metric_path(bad, "metrics.x");
            ADD_FAILURE() << "accepted '" << bad << "'";
        } catch (const ConfigError& e) {
            EXPECT_NE(std::string(e.what()).find("bad metric path"), std::string::npos) << e.what();
        }
    }
}

TEST(GoldenPath, EvaluatesNumbersInTheReport) {
    auto v = eval("total.cycles");
    ASSERT_EQ(v.kind, PathValue::Kind::number);
    EXPECT_EQ(v.value, 83375);
    EXPECT_EQ(v.text, "83375");
    v = eval("layers[0].sram_writes");
    ASSERT_EQ(v.kind, PathValue::Kind::number);
    EXPECT_EQ(v.value, 3631104);
    v = eval("energy_pj.sa0.by_action.mac_int8");
    ASSERT_EQ(v.kind, PathValue::Kind::number);
    EXPECT_DOUBLE_EQ(v.value, 1.1e9);
    EXPECT_EQ(eval("layers[0].row_hit_rate").kind, PathValue::Kind::null);
}

TEST(GoldenPath, UnknownPathsNameThePathAndWhatExists) {
    auto v = eval("total.cycle");
    EXPECT_EQ(v.kind, PathValue::Kind::missing);
    EXPECT_NE(v.message.find("'total.cycle'"), std::string::npos) << v.message;
    EXPECT_NE(v.message.find("has no key 'cycle'"), std::string::npos) << v.message;
    EXPECT_NE(v.message.find("cycles, time_ns"), std::string::npos) << v.message;

    v = eval("layers[3].cycles");
    EXPECT_EQ(v.kind, PathValue::Kind::missing);
    EXPECT_NE(v.message.find("'layers' has 1 elements, no [3]"), std::string::npos) << v.message;

    v = eval("total[0]");
    EXPECT_EQ(v.kind, PathValue::Kind::missing);
    EXPECT_NE(v.message.find("not a list"), std::string::npos) << v.message;

    v = eval("total.cycles.x");
    EXPECT_EQ(v.kind, PathValue::Kind::missing);
    EXPECT_NE(v.message.find("not a map"), std::string::npos) << v.message;
}

TEST(GoldenPath, NonNumbersAreRejected) {
    for (const char* p : {"layers[0].name", "total", "layers", "hw.name"}) {
        const auto v = eval(p);
        EXPECT_EQ(v.kind, PathValue::Kind::not_number) << p;
        EXPECT_NE(v.message.find("not a number"), std::string::npos) << v.message;
    }
}

TEST(GoldenTolerance, IntegersAreExactByDefault) {
    const GoldenMetric m = metric("{expected: 83375}");
    EXPECT_TRUE(m.exact);
    EXPECT_EQ(m.tolerance_text(), "exact");
    EXPECT_TRUE(compare_metric(m, number("83375")).pass);
    const auto r = compare_metric(m, number("83376"));
    EXPECT_FALSE(r.pass);
    EXPECT_EQ(r.error, "+1 (+0.001199%)");
    EXPECT_FALSE(compare_metric(m, number("83374")).pass);
    EXPECT_FALSE(compare_metric(m, number("83375.5")).pass);
}

TEST(GoldenTolerance, LargeIntegersCompareExactly) {
    const GoldenMetric m = metric("{expected: 17563828224}");
    EXPECT_TRUE(compare_metric(m, number("17563828224")).pass);
    EXPECT_FALSE(compare_metric(m, number("17563828225")).pass);
}

TEST(GoldenTolerance, RelativeAndAbsolute) {
    const GoldenMetric rel = metric("{expected: 1000, rel_tol: 0.01}");
    EXPECT_FALSE(rel.exact);
    EXPECT_EQ(rel.tolerance_text(), "rel 1%");
    EXPECT_TRUE(compare_metric(rel, number("1010")).pass);
    EXPECT_TRUE(compare_metric(rel, number("990")).pass);
    EXPECT_FALSE(compare_metric(rel, number("1010.5")).pass);

    const GoldenMetric abs = metric("{expected: 2.5, abs_tol: 0.5}");
    EXPECT_EQ(abs.tolerance_text(), "abs 0.5");
    EXPECT_TRUE(compare_metric(abs, number("3")).pass);
    EXPECT_TRUE(compare_metric(abs, number("2")).pass);
    EXPECT_FALSE(compare_metric(abs, number("3.01")).pass);

    const GoldenMetric zero = metric("{expected: 7, rel_tol: 0}");
    EXPECT_TRUE(compare_metric(zero, number("7")).pass);
    EXPECT_FALSE(compare_metric(zero, number("7.000001")).pass);
}

TEST(GoldenTolerance, FloatsWithoutToleranceUseTheReportPrecision) {
    const GoldenMetric m = metric("{expected: 0.3402461234}");
    EXPECT_FALSE(m.exact);
    EXPECT_DOUBLE_EQ(m.rel_tol, kDefaultRelTol);
    EXPECT_TRUE(compare_metric(m, number("0.3402461234")).pass);
    EXPECT_FALSE(compare_metric(m, number("0.3402461334")).pass);
}

TEST(GoldenTolerance, NullIsAFailure) {
    PathValue v;
    v.kind = PathValue::Kind::null;
    v.text = "null";
    const auto r = compare_metric(metric("{expected: 1}"), v);
    EXPECT_FALSE(r.pass);
    EXPECT_NE(r.error.find("null"), std::string::npos);
}

TEST(GoldenCompare, MatchingCasePassesWithExitZero) {
    const GoldenCase c = parse(kCase);
    EXPECT_EQ(c.name, "vit_fc1_ws");
    EXPECT_FALSE(c.is_regression());
    const CaseResult r = compare_case(c, report());
    EXPECT_TRUE(r.passed());
    std::ostringstream os;
    EXPECT_EQ(print_results({r}, os), 0);
    EXPECT_NE(os.str().find("3 metric(s): 3 passed, 0 failed, 0 error(s)"), std::string::npos)
        << os.str();
}

// A deliberate change of one timing constant shows up as one failing metric with a readable diff.
TEST(GoldenCompare, SyntheticMismatchGivesReadableDiffAndExitOne) {
    std::string text = kCase;
    text.replace(text.find("83375"), 5, "83247");  // as if the per-fold cost had lost 128 cycles
    const GoldenCase c = parse(text);
    const CaseResult r = compare_case(c, report());
    EXPECT_FALSE(r.passed());
    EXPECT_EQ(r.status, CaseResult::Status::ok);
    std::ostringstream os;
    EXPECT_EQ(print_results({r}, os), 1);
    const std::string out = os.str();
    EXPECT_NE(out.find("case"), std::string::npos);
    EXPECT_NE(out.find("FAIL"), std::string::npos) << out;
    EXPECT_NE(
        out.find("failures:\n  vit_fc1_ws: layers[0].compute_cycles: expected 83247, got 83375 "
                 "(+128 (+0.1538%), tolerance exact)  [tests/golden/vit_fc1_ws.yaml]"),
        std::string::npos)
        << out;
    EXPECT_NE(out.find("3 metric(s): 2 passed, 1 failed"), std::string::npos)
        << out;  // only the changed one

    std::ostringstream brief;
    print_results({r}, brief, false);
    EXPECT_EQ(brief.str().find("sram_reads"), std::string::npos)
        << brief.str();  // passing rows hidden
}

TEST(GoldenCompare, UnknownPathMakesTheCaseMalformed) {
    std::string text = kCase;
    text.replace(text.find("layers[0].sram_reads"), 20, "layers[0].sram_raeds");
    const CaseResult r = compare_case(parse(text), report());
    EXPECT_EQ(r.status, CaseResult::Status::malformed);
    EXPECT_NE(
        r.message.find("tests/golden/vit_fc1_ws.yaml: metrics.layers[0].sram_raeds: no such path"),
        std::string::npos)
        << r.message;
    std::ostringstream os;
    EXPECT_EQ(print_results({r}, os), 2);
    EXPECT_NE(os.str().find("MALFORMED"), std::string::npos) << os.str();
}

TEST(GoldenCompare, FailedRunIsExitOne) {
    CaseResult r;
    r.name = "x";
    r.status = CaseResult::Status::failed_run;
    r.message = "qasim run exited with code 3";
    std::ostringstream os;
    EXPECT_EQ(print_results({r}, os), 1);
    EXPECT_NE(os.str().find("case failed to run: x"), std::string::npos) << os.str();
}

TEST(GoldenParse, AcceptsInlineMapsAndOverrides) {
    const GoldenCase c = parse(R"(
source: "regression: qasim 0.1.0"
hw: {name: x, units: {sa0: {type: systolic_array, rows: 4, cols: 4}}, memory: {dram0: {type: ideal}}}
set: [units.sa0.rows=8, units.sa0.dataflow=os]
workload: {schema: qasim.trace/1, ops: [{name: g, op: gemm, m: 4, k: 4, n: 4}]}
metrics:
  total.cycles: {expected: 0}
)");
    EXPECT_TRUE(c.is_regression());
    EXPECT_TRUE(c.hw.IsMap());
    EXPECT_TRUE(c.workload.IsMap());
    ASSERT_EQ(c.set.size(), 2u);
    EXPECT_EQ(c.set[1], "units.sa0.dataflow=os");
}

TEST(GoldenParse, MalformedFilesAreRejectedWithFileAndKey) {
    struct Bad {
        std::string text, needle;
    };
    const std::string head = "hw: h.yaml\nworkload: w.yaml\n";
    const std::string src = "source: 'closed form: x'\n";
    const std::vector<Bad> bad = {
        {head + "metrics:\n  total.cycles: {expected: 1}\n",
         "tests/golden/vit_fc1_ws.yaml: source: missing; say where the expected numbers come from"},
        {"source: 'my guess'\n" + head + "metrics:\n  total.cycles: {expected: 1}\n",
         "source: must start with one of 'scale-sim...'"},
        {src + head + "metrics:\n  total.cycles: {expected: 1, rel_tol: -0.1}\n",
         "metrics.total.cycles.rel_tol: must be >= 0, got -0.1"},
        {src + head + "metrics:\n  total.cycles: {expected: 1, abs_tol: -2}\n",
         "metrics.total.cycles.abs_tol: must be >= 0, got -2"},
        {src + head + "metrics:\n  total.cycles: {expected: 1, rel_tol: 0.1, abs_tol: 1}\n",
         "give either rel_tol or abs_tol, not both"},
        {src + head + "metrics:\n  total.cycles: {expected: many}\n",
         "metrics.total.cycles.expected: must be a finite number, got 'many'"},
        {src + head + "metrics:\n  total.cycles: {expected: 1, tol: 1}\n",
         "metrics.total.cycles.tol: unknown key; allowed keys: expected, rel_tol, abs_tol"},
        {src + head + "metrics:\n  total.cycles: {rel_tol: 1}\n",
         "metrics.total.cycles.expected: missing"},
        {src + head + "metrics:\n  total.cycles: 5\n", "metrics.total.cycles: must be a map"},
        {src + head + "metrics:\n  total..cycles: {expected: 1}\n",
         "bad metric path 'total..cycles'"},
        {src + head + "metrics: {}\n", "metrics: must be a non-empty map"},
        {src + head, "metrics: missing"},
        {src + "workload: w.yaml\nmetrics:\n  total.cycles: {expected: 1}\n", "hw: missing"},
        {src + head + "set: units.sa0.rows=3\nmetrics:\n  total.cycles: {expected: 1}\n",
         "set: must be a list of KEY.PATH=VALUE strings"},
        {src + head + "set: [rows]\nmetrics:\n  total.cycles: {expected: 1}\n",
         "set[0]: must be KEY.PATH=VALUE"},
        {src + head + "expect: 3\nmetrics:\n  total.cycles: {expected: 1}\n",
         "expect: unknown key; allowed keys: source, description, hw, set, workload, memtest, "
         "metrics"},
        {"- a\n- b\n", "a golden case must be a YAML map"},
        {"source: [\n", "YAML syntax error"},
    };
    for (const auto& b : bad) {
        const std::string e = error_of(b.text);
        EXPECT_NE(e.find(b.needle), std::string::npos) << "text:\n" << b.text << "\nerror: " << e;
        EXPECT_NE(e.find("tests/golden/vit_fc1_ws.yaml"), std::string::npos) << e;
    }
}

TEST(GoldenParse, MemtestCases) {
    const std::string head = "source: 'dram reference: x'\nhw: configs/hw/hbm2_reference.yaml\n";
    const GoldenCase c =
        parse(head + "memtest: [--pattern, random, --requests, 1000]\n"
                     "metrics:\n  bandwidth_gbps: {expected: 143.5, rel_tol: 0.1}\n");
    EXPECT_TRUE(c.is_memtest());
    EXPECT_EQ(c.memtest, (std::vector<std::string>{"--pattern", "random", "--requests", "1000"}));
    const std::string m = "metrics:\n  bandwidth_gbps: {expected: 1}\n";
    EXPECT_NE(error_of(head + "workload: w.yaml\nmemtest: [--pattern, random]\n" + m)
                  .find("memtest: give either workload (qasim run) or memtest"),
              std::string::npos);
    EXPECT_NE(error_of(head + "memtest: [--pattern, random, --json]\n" + m)
                  .find("memtest[2]: '--json' is not allowed here"),
              std::string::npos);
    EXPECT_NE(error_of(head + "memtest: [--hw=x.yaml]\n" + m).find("memtest[0]: '--hw=x.yaml'"),
              std::string::npos);
    EXPECT_NE(error_of(head + "memtest: --pattern random\n" + m)
                  .find("memtest: must be a non-empty list"),
              std::string::npos);
    EXPECT_NE(
        error_of(head + m).find("workload: missing; must be a trace path, zoo:MODEL..., or an "
                                "inline trace map (or give memtest: [...])"),
        std::string::npos);
}

TEST(GoldenUpdate, RewritesFlowAndBlockFormsKeepingComments) {
    const std::string text = R"(# header comment
source: "regression: qasim 0.1.0"
hw: configs/hw/tpu_like.yaml
workload: configs/workloads/vit_b16_w8a8.yaml
metrics:
  total.cycles: {expected: 0}        # cycles
  "total.energy_pj": {expected: 1.5e9, rel_tol: 1e-6}
  layers[0].cycles:
    expected: 12
    rel_tol: 0
  total.macs: {expected: 7}
)";
    const std::string out = rewrite_expected(text, "f.yaml",
                                             {{"total.cycles", "83375"},
                                              {"total.energy_pj", "1.234567891e+09"},
                                              {"layers[0].cycles", "99"}});
    EXPECT_NE(out.find("# header comment\n"), std::string::npos);
    EXPECT_NE(out.find("  total.cycles: {expected: 83375}        # cycles\n"), std::string::npos)
        << out;
    EXPECT_NE(out.find("  \"total.energy_pj\": {expected: 1.234567891e+09, rel_tol: 1e-6}\n"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("    expected: 99\n    rel_tol: 0\n"), std::string::npos) << out;
    EXPECT_NE(out.find("  total.macs: {expected: 7}\n"), std::string::npos) << out;
    const GoldenCase c = parse(out, "f.yaml");
    EXPECT_EQ(c.metrics.at(0).expected_text, "83375");
}

TEST(GoldenUpdate, MissingMetricLineIsAnError) {
    const std::string text = "source: 'regression: qasim 0.1.0'\nhw: h\nworkload: w\nmetrics: "
                             "{total.cycles: {expected: 1}}\n";
    try {
        rewrite_expected(text, "f.yaml", {{"total.cycles", "2"}});
        ADD_FAILURE() << "flow-style metrics accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("block-style"), std::string::npos) << e.what();
    }
    const std::string block =
        "source: 'regression: qasim 0.1.0'\nmetrics:\n  total.cycles: {expected: 1}\n";
    try {
        rewrite_expected(block, "f.yaml", {{"total.macs", "2"}});
        ADD_FAILURE() << "unknown metric accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("f.yaml: metrics.total.macs: cannot find"),
                  std::string::npos)
            << e.what();
    }
}

TEST(GoldenFormat, Numbers) {
    EXPECT_EQ(format_number(83375), "83375");
    EXPECT_EQ(format_number(17563828224.0), "17563828224");
    EXPECT_EQ(format_number(0.5), "0.5");
    EXPECT_EQ(format_number(1.0 / 3), "0.3333333333");
}
