#pragma once
// Design-space sweeps (DESIGN.md §4 "Sweep YAML"): the sweep file, its points, constraint
// expressions, results.csv rows and the Pareto front. The process runner (one `qasim run` per
// point) lives in sim/cmd_sweep.cpp; everything here is testable without running a point.
//
// Sweep file:
//   name: my_sweep                                   optional
//   description: ...                                 optional
//   base: {hw: configs/hw/X.yaml, workload: zoo:vit-b16?quant=W8A8,
//          set: [units.sa0.pe_format=int8, ...]}     set: optional, list of KEY.PATH=VALUE or a map
//   grid: {units.sa0.dataflow: [os, ws, is], ...}    cartesian product, first key varies slowest
//   zip:  {units.sa0.rows: [32, 64], units.sa0.cols: [32, 64]}   equal lengths, varied together
//         (or a list of such maps: several zip groups); zip groups vary after the grid keys
//   constraints: ["units.sa0.rows * units.sa0.cols <= 16384"]    a point runs when all hold
//   objectives: [time_ns, energy_pj, max:utilization]            metrics of report.json `total`
// Varied keys: a hardware key path that the base hardware file (after base.set) holds, `workload`,
// or a variable `$name` whose value replaces `${name}` in base.hw, base.workload and base.set.
//
// Memory sweeps: `memtest: [--pattern, random, --requests, 100000]` in base instead of workload
// runs one `qasim memtest --json` per point (the memory driver, #3) instead of `qasim run`; keys
// `memtest.OPTION` vary one of its options (memtest.outstanding: [1, 4, 16]), variables also
// fill `${name}` in base.memtest, and the metrics are the top-level numbers of memtest's JSON
// (memtest_metric_names; objectives default to max:bandwidth_gbps, mean_read_latency_ns).
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qasim::sim {

/// What a varied key stands for.
enum class SweepKeyKind { hw_path, workload, variable, memtest_option };
SweepKeyKind sweep_key_kind(const std::string &key);

/// One objective of the Pareto front: a metric of report.json `total`, minimised unless `maximize`.
struct SweepObjective {
    std::string metric;
    bool maximize = false;
    /// As written in a sweep file: `time_ns` or `max:utilization`.
    std::string text() const { return maximize ? "max:" + metric : metric; }
    bool operator==(const SweepObjective &o) const {
        return metric == o.metric && maximize == o.maximize;
    }
};

/// Keys varied together: one grid key, or one zip group.
struct SweepAxis {
    std::vector<std::string> keys;
    std::vector<std::vector<std::string>> rows; ///< rows[i][k]: value of keys[k] at step i
};

/// A parsed sweep file whose structure has been checked (hardware key paths are checked by
/// plan_sweep, which reads the hardware files).
struct SweepSpec {
    std::string file;                     ///< sweep file path (for messages and relative paths)
    std::string name;                     ///< `name:` or the file's stem
    std::string hw;                       ///< base.hw (may hold ${var})
    std::string workload;                 ///< base.workload (may hold ${var})
    std::vector<std::string> base_sets;   ///< base.set as KEY.PATH=VALUE (may hold ${var})
    std::vector<std::string> memtest;     ///< base.memtest: memtest options (may hold ${var})
    std::vector<SweepAxis> axes;          ///< grid keys in file order, then the zip groups
    std::vector<std::string> keys;        ///< every varied key, in column order
    std::vector<std::string> key_labels;  ///< where each key is written, e.g. grid.units.sa0.rows
    std::vector<std::string> constraints; ///< expression texts
    std::vector<SweepObjective> objectives;
    /// Product of the axis lengths (points before constraints).
    size_t combinations() const;
    /// A memory sweep: every point is a `qasim memtest` run.
    bool is_memtest() const { return !memtest.empty(); }
};

/// Parses and checks a sweep file: unknown top keys, empty or non-list grid values, zip lists of
/// different lengths, bad key names, unknown objectives, constraint syntax, unused or undefined
/// variables. Throws ConfigError listing every problem as "FILE: KEY: message".
SweepSpec parse_sweep_text(const std::string &text, const std::string &file);
SweepSpec load_sweep_file(const std::string &path);

/// Every combination of the axes' values (aligned with spec.keys), first axis slowest.
std::vector<std::vector<std::string>> sweep_combinations(const SweepSpec &spec);

/// The `qasim run` (or `qasim memtest`) arguments of one point.
struct PointRun {
    std::string hw, workload;
    std::vector<std::string> sets;    ///< base.set, then the varied hardware keys (later wins)
    std::vector<std::string> memtest; ///< memory sweeps: base.memtest, then the varied options
};
/// Substitutes variables and appends the varied hardware keys. Relative file paths that do not
/// exist from the working directory but do from the sweep file's folder are taken from there.
PointRun point_run(const SweepSpec &spec, const std::vector<std::string> &values);

/// A value in a constraint: a number, a text or a truth value.
struct ExprValue {
    enum class Kind { number, text, boolean } kind = Kind::number;
    double number = 0.0;
    std::string text;
    bool boolean = false;
};

/// A constraint: numbers, 'quoted' or "quoted" texts, key paths (units.sa0.rows, mapping.0.unit),
/// $variables, + - * / (numbers), < <= > >= (numbers), == != (numbers or texts), ! && || (truth
/// values) and parentheses, with the usual precedence.
class ConstraintExpr {
public:
    /// Value of an identifier for the point being tested (its text: "64", "ws"), or nullopt.
    using Lookup = std::function<std::optional<std::string>(const std::string &)>;
    /// Parses `text`; a syntax error throws ConfigError "LABEL: 'TEXT': MESSAGE at column N".
    ConstraintExpr(const std::string &text, const std::string &label);
    ~ConstraintExpr();
    ConstraintExpr(const ConstraintExpr &);
    ConstraintExpr &operator=(const ConstraintExpr &);
    /// Identifiers in order of appearance (duplicates removed).
    const std::vector<std::string> &identifiers() const { return m_idents; }
    /// Evaluates the expression. Unknown identifiers, type errors and division by zero throw
    /// ConfigError naming the label and the expression.
    ExprValue value(const Lookup &lookup) const;
    /// value() that must be a truth value.
    bool holds(const Lookup &lookup) const;

    struct Node;

private:
    std::string m_text, m_label;
    std::shared_ptr<const Node> m_root;
    std::vector<std::string> m_idents;
};

/// One point of a sweep: its index among the kept points and the value of every varied key.
struct SweepPoint {
    size_t index = 0;
    std::vector<std::string> values; ///< aligned with SweepSpec::keys
};

/// A sweep ready to run: the points that satisfy every constraint, numbered from 0.
struct SweepPlan {
    SweepSpec spec;
    std::vector<SweepPoint> points;
    size_t excluded = 0; ///< combinations dropped by the constraints
};

/// Reads the base hardware file(s) (after base.set) and checks that every varied hardware key path
/// exists there, that non-zoo workloads exist and that the base hardware config is valid; then
/// evaluates the constraints (keys the sweep does not vary take the base file's value). Throws
/// ConfigError naming the sweep file and the key.
SweepPlan plan_sweep(const SweepSpec &spec);

/// Metric names an objective may use (report.json `total`).
const std::vector<std::string> &sweep_metric_names();
/// Metric names of a memory sweep (top-level numbers of `qasim memtest --json`).
const std::vector<std::string> &memtest_metric_names();
/// results.csv metric columns: cycles, time_ns, energy_pj, area_mm2, utilization, dram_read_bytes,
/// dram_write_bytes (memory sweeps: bandwidth_gbps, mean/p50/p99_read_latency_ns, row_hit_rate,
/// activations_per_request, energy_pj), then every objective metric not among them.
std::vector<std::string> sweep_metric_columns(const std::vector<SweepObjective> &objectives,
                                              bool memtest = false);

/// One row of results.csv.
struct SweepRow {
    size_t index = 0;
    std::vector<std::string> values;  ///< varied keys
    std::vector<std::string> metrics; ///< metric columns (empty texts when the point failed)
    std::string status;               ///< "ok" or the error text
    std::string report; ///< report.json path relative to the sweep folder ("" on error)
    bool ok() const { return status == "ok"; }
    bool operator==(const SweepRow &o) const {
        return index == o.index && values == o.values && metrics == o.metrics &&
               status == o.status && report == o.report;
    }
};

/// results.csv (or pareto.csv) in memory: rows by point index.
struct SweepTable {
    std::vector<std::string> keys;
    std::vector<std::string> metrics;
    std::map<size_t, SweepRow> rows;
    std::vector<std::string> header() const;
};

/// One CSV field (RFC 4180: quoted when it holds , " or a line break).
std::string csv_field(const std::string &s);
/// results.csv text: the header, then rows in point-index order. Deterministic.
std::string format_sweep_csv(const SweepTable &t);
/// Reads a results.csv written by format_sweep_csv. Throws ConfigError naming `file` and the line.
SweepTable parse_sweep_csv(const std::string &text, const std::string &file);
/// Indices of the ok rows that no other ok row dominates (at least as good in every objective,
/// better in one); equal rows are all kept. Throws ConfigError when an objective is not a column.
std::vector<size_t> pareto_front(const SweepTable &t,
                                 const std::vector<SweepObjective> &objectives);
/// The table restricted to its Pareto front.
SweepTable pareto_table(const SweepTable &t, const std::vector<SweepObjective> &objectives);
/// Joins shard tables (same header); a point present twice must be identical. Throws ConfigError.
SweepTable merge_sweep_tables(const std::vector<SweepTable> &tables,
                              const std::vector<std::string> &files);

/// Reads `metrics` from the object `section` of a JSON report (report.json's `total`; "": the
/// top level, memtest's JSON); false with `*err` set when it cannot.
bool read_report_totals(const std::string &path, const std::vector<std::string> &metrics,
                        std::vector<std::string> *out, std::string *err,
                        const std::string &section = "total");

/// DIR/sweep.meta.yaml: what --merge and --resume need to know about the sweep that wrote DIR.
struct SweepMeta {
    std::string sweep_file;
    std::string name;
    size_t points = 0; ///< points of the whole sweep (all shards)
    size_t shard_index = 0;
    size_t shard_count = 1;
    std::vector<SweepObjective> objectives;
    std::vector<std::string> keys;
};
std::string format_sweep_meta(const SweepMeta &m);
SweepMeta parse_sweep_meta(const std::string &text, const std::string &file);

} // namespace qasim::sim
