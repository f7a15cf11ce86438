#pragma once
// Golden regression cases (DESIGN.md §4 "Golden cases", issue 11): parsing of
// tests/golden/<case>.yaml, evaluation of metric paths in a report.json, comparison with
// tolerances, the result table, and the textual rewrite of expected values used by
// `qasim regress --update`. Everything here is free of processes so that it is unit-testable;
// sim/cmd_regress.cpp runs the cases.
//
// Case file layout (unknown keys are errors):
//   source: "scale-sim v2 (commit 22f88b1), ..."   required; starts with a golden_source_kinds()
//   description: "..."                              optional free text
//   hw: configs/hw/tpu_like.yaml                    path (relative to the repo root) or inline map
//   set: [units.sa0.rows=32]                        optional --set overrides
//   workload: tests/golden/workloads/x.yaml         path, zoo:..., or an inline trace map
//   memtest: [--pattern, random, --requests, 1000]  instead of workload: run `qasim memtest --hw H
//                                                   [--set ...] OPTIONS --json`; its JSON output
//                                                   is the report the metrics are read from
//   metrics:                                        report.json paths: dotted keys and [i] indices
//     total.cycles: {expected: 83375}               integer literal, no tolerance: exact
//     total.energy_pj: {expected: 1.2e9, rel_tol: 0.01}   or abs_tol (one of them, >= 0)
// A non-integer expected value without a tolerance is compared with rel_tol kDefaultRelTol, the
// precision of report.json's numbers (10 significant digits, sim/json.h).
#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace qasim::sim {

/// Relative tolerance of a non-integer expected value given without a tolerance: report.json prints
/// doubles with 10 significant digits ("%.10g", sim/json.h), i.e. a rounding error below 5e-10.
constexpr double kDefaultRelTol = 1e-9;

/// The `source:` prefixes accepted (where the expected numbers come from). Only `regression:` cases
/// may be rewritten by --update; all others are independent references.
const std::vector<std::string>& golden_source_kinds();

/// One step of a metric path: a map key, or a list index.
struct PathStep {
    bool is_index = false;
    std::string key;
    uint64_t index = 0;
};

/// Parses `layers[0].compute_cycles` into steps. Throws ConfigError("<what>: ...") on bad syntax.
std::vector<PathStep> parse_metric_path(const std::string& path, const std::string& what);

/// How one metric is compared.
struct GoldenMetric {
    std::string path;  ///< report.json path, e.g. total.cycles
    std::vector<PathStep> steps;
    std::string expected_text;  ///< as written in the file (integers compared exactly from it)
    double expected = 0;
    bool exact = false;  ///< integer literal and no tolerance given
    double rel_tol = 0;  ///< >= 0
    double abs_tol = 0;  ///< >= 0
    bool has_rel_tol = false, has_abs_tol = false;
    std::string tolerance_text() const;  ///< "exact", "rel 1%", "abs 5"
};

/// A parsed case file.
struct GoldenCase {
    std::string name;  ///< file stem
    std::string file;  ///< path of the case file (for messages)
    std::string text;  ///< file contents (for --update)
    std::string source;
    std::string description;
    YAML::Node hw;  ///< scalar path or inline map
    std::vector<std::string> set;
    YAML::Node workload;  ///< scalar path / zoo spec or inline map (undefined for memtest cases)
    std::vector<std::string> memtest;  ///< memtest options; non-empty: a memtest case
    std::vector<GoldenMetric> metrics;

    bool is_memtest() const { return !memtest.empty(); }
    /// True when `source:` starts with "regression:" (the only kind --update may rewrite).
    bool is_regression() const;
};

/// Parses a case file's text. Throws ConfigError naming the file and key for every problem
/// (unknown key, missing source, unknown source kind, tolerance < 0, bad metric path, ...).
GoldenCase parse_golden_case(const std::string& text, const std::string& file);
/// Reads and parses a case file; the case name is the file stem.
GoldenCase load_golden_case(const std::string& path);

/// The value a metric path selects in a report, or the reason it has none.
struct PathValue {
    enum class Kind { number, null, missing, not_number } kind = Kind::missing;
    double value = 0;
    std::string text;  ///< scalar text of a number (exact integer comparison, --update)
    std::string message;  ///< for missing / not_number: what is wrong, naming the path
};
/// Walks `steps` in a report tree (report.json parsed by yaml-cpp).
PathValue eval_metric_path(const YAML::Node& report, const std::vector<PathStep>& steps,
                           const std::string& path);

/// The verdict on one metric of one case.
struct MetricResult {
    std::string metric;
    std::string expected_text, got_text, tolerance;
    double expected = 0, got = 0;
    bool pass = false;
    std::string error;  ///< non-empty: difference text ("+1 (+0.0012%)") or what went wrong
};

/// All results of one case. `status` says whether the case ran and compared.
struct CaseResult {
    enum class Status { ok, failed_run, malformed } status = Status::ok;
    std::string name, file, message;  ///< message: why the case could not be compared
    std::vector<MetricResult> metrics;
    /// Report values of each metric path (for --update), text as in report.json.
    std::map<std::string, std::string> got_text;
    bool passed() const;
};

/// Compares one metric with the value found in the report.
MetricResult compare_metric(const GoldenMetric& m, const PathValue& got);
/// Compares every metric of a case with a parsed report. An unknown or non-numeric path makes the
/// case `malformed` with a message naming the case file and the path.
CaseResult compare_case(const GoldenCase& c, const YAML::Node& report);

/// Prints the table (case, metric, expected, got, tolerance, error, status), then one line per
/// failure and a summary. Returns the exit code: 2 if any case is malformed, else 1 if any metric
/// failed or a run failed, else 0.
int print_results(const std::vector<CaseResult>& results, std::ostream& os,
                  bool verbose_table = true);

/// Formats a number as the table shows it: integers in full, others with 10 significant digits.
std::string format_number(double v);

/// Rewrites the `expected:` values of the given metrics in a case file's text, keeping comments and
/// layout. `values` maps metric path → new value text. Throws ConfigError when a metric line cannot
/// be found in the `metrics:` block.
std::string rewrite_expected(const std::string& text, const std::string& file,
                             const std::map<std::string, std::string>& values);

}  // namespace qasim::sim
