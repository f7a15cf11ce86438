#include "sim/golden.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <ostream>
#include <set>
#include <sstream>

#include "sim/errors.h"
#include "sim/yaml_util.h"

namespace qasim::sim {
namespace {

const char* const kCaseKeys[] = {"source",   "description", "hw",     "set",
                                 "workload", "memtest",     "metrics"};
/// memtest options the case file's own keys provide (hw, set) or regress adds (--json).
const char* const kMemtestReserved[] = {"--hw", "--set", "--json", "-h", "--help"};
const char* const kMetricKeys[] = {"expected", "rel_tol", "abs_tol"};

std::string join(const char* const* b, const char* const* e) {
    std::string s;
    for (auto it = b; it != e; ++it) s += (s.empty() ? "" : ", ") + std::string(*it);
    return s;
}

bool is_key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
}

bool is_integer_literal(const std::string& s) {
    size_t i = (!s.empty() && (s[0] == '+' || s[0] == '-')) ? 1 : 0;
    if (i >= s.size()) return false;
    for (; i < s.size(); ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

/// strtod over the whole text; false for empty, trailing junk, or non-finite values.
bool parse_number(const std::string& s, double* out) {
    if (s.empty()) return false;
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end != s.c_str() + s.size() || errno == ERANGE || !std::isfinite(v)) return false;
    *out = v;
    return true;
}

std::string describe_node(const YAML::Node& n) {
    if (!n.IsDefined()) return "missing";
    if (n.IsNull()) return "null";
    if (n.IsMap()) return "a map";
    if (n.IsSequence()) return "a list of " + std::to_string(n.size()) + " elements";
    return "'" + n.Scalar() + "'";
}

std::string key_list(const YAML::Node& map) {
    std::string s;
    size_t count = 0;
    for (const auto& kv : map) {
        if (count++ == 16) {
            s += ", ...";
            break;
        }
        s += (s.empty() ? "" : ", ") + (kv.first.IsScalar() ? kv.first.Scalar() : std::string("<non-scalar key>"));
    }
    return s.empty() ? "none" : s;
}

std::string path_prefix(const std::vector<PathStep>& steps, size_t n) {
    std::string s;
    for (size_t i = 0; i < n && i < steps.size(); ++i) {
        if (steps[i].is_index)
            s += "[" + std::to_string(steps[i].index) + "]";
        else
            s += (s.empty() ? "" : ".") + steps[i].key;
    }
    return s;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    const auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

size_t indent_of(const std::string& line) {
    size_t i = 0;
    while (i < line.size() && line[i] == ' ') ++i;
    return i;
}

/// "+12 (+0.0144%)" for got - expected.
std::string diff_text(double expected, double got, bool integers) {
    const double d = got - expected;
    if (d == 0) return "0";
    std::ostringstream os;
    const bool whole = integers || (std::fabs(d) < 9.007199254740992e15 && d == std::floor(d));
    os << (d > 0 ? "+" : "-") << (whole ? format_number(std::fabs(d)) : [&] {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4g", std::fabs(d));
        return std::string(buf);
    }());
    if (expected != 0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%+.4g%%", 100.0 * d / std::fabs(expected));
        os << " (" << buf << ")";
    }
    return os.str();
}

}  // namespace

const std::vector<std::string>& golden_source_kinds() {
    static const std::vector<std::string> k = {"scale-sim", "closed form", "dram reference",
                                               "published", "regression:"};
    return k;
}

std::vector<PathStep> parse_metric_path(const std::string& path, const std::string& what) {
    const auto bad = [&](const std::string& why) {
        return ConfigError(
            what + ": bad metric path '" + path + "': " + why +
            " (allowed: dotted keys and [i] indices, e.g. layers[0].compute_cycles)");
    };
    std::vector<PathStep> steps;
    size_t i = 0;
    const size_t n = path.size();
    if (n == 0) throw bad("empty");
    while (i < n) {
        size_t b = i;
        while (i < n && is_key_char(path[i])) ++i;
        if (i == b) throw bad("expected a key at position " + std::to_string(b));
        steps.push_back({false, path.substr(b, i - b), 0});
        while (i < n && path[i] == '[') {
            size_t d = ++i;
            while (i < n && path[i] >= '0' && path[i] <= '9') ++i;
            if (i == d || i >= n || path[i] != ']')
                throw bad("expected [<index>] at position " + std::to_string(d - 1));
            if (i - d > 9) throw bad("index too large");
            steps.push_back({true, "", std::stoull(path.substr(d, i - d))});
            ++i;
        }
        if (i < n) {
            if (path[i] != '.')
                throw bad("unexpected '" + std::string(1, path[i]) + "' at position " +
                          std::to_string(i));
            ++i;
            if (i == n) throw bad("ends with '.'");
        }
    }
    return steps;
}

std::string GoldenMetric::tolerance_text() const {
    if (exact) return "exact";
    std::ostringstream os;
    if (has_rel_tol)
        os << "rel " << format_number(rel_tol * 100) << "%";
    else if (has_abs_tol)
        os << "abs " << format_number(abs_tol);
    else
        os << "rel " << rel_tol;
    return os.str();
}

bool GoldenCase::is_regression() const {
    return source.rfind("regression:", 0) == 0;
}

GoldenCase parse_golden_case(const std::string& text, const std::string& file) {
    const YAML::Node root = load_yaml_text(text, file);
    Errors errs(file);
    GoldenCase c;
    c.file = file;
    c.text = text;
    c.name = std::filesystem::path(file).stem().string();
    if (!root.IsMap()) {
        errs.add("", "a golden case must be a YAML map with keys " +
                         join(std::begin(kCaseKeys), std::end(kCaseKeys)));
        errs.throw_if_any();
    }
    const std::set<std::string> known(std::begin(kCaseKeys), std::end(kCaseKeys));
    for (const auto& kv : root) {
        const std::string key = map_key(kv.first, "", file);
        if (!known.count(key))
            errs.add(key, "unknown key; allowed keys: " +
                              join(std::begin(kCaseKeys), std::end(kCaseKeys)));
    }
    // source: where the expected numbers come from.
    std::string kinds;
    for (const auto& k : golden_source_kinds()) kinds += (kinds.empty() ? "'" : ", '") + k + "...'";
    if (const YAML::Node s = root["source"]; !s) {
        errs.add("source",
                 "missing; say where the expected numbers come from, starting with one of " +
                     kinds);
    } else if (!s.IsScalar() || trim(s.Scalar()).empty()) {
        errs.add("source", "must be a non-empty string starting with one of " + kinds + ", got " +
                               describe_node(s));
    } else {
        c.source = trim(s.Scalar());
        bool ok = false;
        for (const auto& k : golden_source_kinds()) ok = ok || c.source.rfind(k, 0) == 0;
        if (!ok) errs.add("source", "must start with one of " + kinds + ", got '" + c.source + "'");
    }
    if (const YAML::Node d = root["description"]) {
        if (!d.IsScalar())
            errs.add("description", "must be a string, got " + describe_node(d));
        else
            c.description = d.Scalar();
    }
    // hw and workload: a path (or zoo spec) or an inline map; memtest replaces workload.
    if (root["workload"] && root["memtest"])
        errs.add("memtest",
                 "give either workload (qasim run) or memtest (qasim memtest), not both");
    if (const YAML::Node mt = root["memtest"]) {
        if (!mt.IsSequence() || mt.size() == 0) {
            errs.add("memtest", "must be a non-empty list of qasim memtest options, e.g. "
                                "[--pattern, random, --requests, 1000000], got " +
                                    describe_node(mt));
        } else {
            for (size_t i = 0; i < mt.size(); ++i) {
                const std::string p = "memtest[" + std::to_string(i) + "]";
                if (!mt[i].IsScalar() || mt[i].Scalar().empty()) {
                    errs.add(p, "must be a string, got " + describe_node(mt[i]));
                    continue;
                }
                const std::string a = mt[i].Scalar();
                const std::string opt = a.substr(0, a.find('='));
                bool reserved = false;
                for (const char* r : kMemtestReserved) reserved = reserved || opt == r;
                if (reserved)
                    errs.add(p, "'" + a +
                                    "' is not allowed here (hw and set come from the case's " +
                                    "own keys; regress adds --json)");
                else
                    c.memtest.push_back(a);
            }
        }
    }
    for (const char* key : {"hw", "workload"}) {
        if (std::string(key) == "workload" && root["memtest"]) continue;
        const YAML::Node n = root[key];
        const std::string what = std::string(key) == "hw"
                                     ? "a hardware YAML path or an inline hardware map"
                                     : "a trace path, zoo:MODEL..., or an inline trace map";
        if (!n)
            errs.add(key, std::string("missing; must be ") + what +
                              (std::string(key) == "workload" ? " (or give memtest: [...])" : ""));
        else if (!(n.IsMap() || (n.IsScalar() && !n.Scalar().empty())))
            errs.add(key, "must be " + what + ", got " + describe_node(n));
        else
            (std::string(key) == "hw" ? c.hw : c.workload) = n;
    }
    if (const YAML::Node s = root["set"]) {
        if (!s.IsSequence()) {
            errs.add("set", "must be a list of KEY.PATH=VALUE strings, got " + describe_node(s));
        } else {
            for (size_t i = 0; i < s.size(); ++i) {
                const std::string p = "set[" + std::to_string(i) + "]";
                if (!s[i].IsScalar() || s[i].Scalar().find('=') == std::string::npos ||
                    s[i].Scalar().find('=') == 0)
                    errs.add(p, "must be KEY.PATH=VALUE (e.g. units.sa0.rows=32), got " +
                                    describe_node(s[i]));
                else
                    c.set.push_back(s[i].Scalar());
            }
        }
    }
    // metrics.
    const YAML::Node ms = root["metrics"];
    if (!ms) {
        errs.add("metrics",
                 "missing; a map of report.json path → {expected: N[, rel_tol: R | abs_tol: A]}");
    } else if (!ms.IsMap() || ms.size() == 0) {
        errs.add("metrics", "must be a non-empty map of report.json path → {expected: N[, rel_tol: "
                            "R | abs_tol: A]}, got " +
                                describe_node(ms));
    } else {
        std::set<std::string> seen;
        for (const auto& kv : ms) {
            GoldenMetric m;
            m.path = map_key(kv.first, "metrics", file);
            const std::string p = "metrics." + m.path;
            if (!seen.insert(m.path).second) {
                errs.add(p, "duplicate metric");
                continue;
            }
            try {
                m.steps = parse_metric_path(m.path, p);
            } catch (const ConfigError& e) {
                errs.add("", e.what());
                continue;
            }
            const YAML::Node v = kv.second;
            if (!v.IsMap()) {
                errs.add(p, "must be a map {expected: N[, rel_tol: R | abs_tol: A]}, got " +
                                describe_node(v));
                continue;
            }
            const std::set<std::string> mk(std::begin(kMetricKeys), std::end(kMetricKeys));
            for (const auto& e : v) {
                const std::string key = e.first.as<std::string>();
                if (!mk.count(key))
                    errs.add(p + "." + key,
                             "unknown key; allowed keys: " +
                                 join(std::begin(kMetricKeys), std::end(kMetricKeys)));
            }
            const YAML::Node ex = v["expected"];
            if (!ex) {
                errs.add(p + ".expected", "missing");
                continue;
            }
            if (!ex.IsScalar() || !parse_number(ex.Scalar(), &m.expected)) {
                errs.add(p + ".expected", "must be a finite number, got " + describe_node(ex));
                continue;
            }
            m.expected_text = ex.Scalar();
            for (const char* tk : {"rel_tol", "abs_tol"}) {
                const YAML::Node t = v[tk];
                if (!t) continue;
                double tol = 0;
                if (!t.IsScalar() || !parse_number(t.Scalar(), &tol)) {
                    errs.add(p + "." + tk, "must be a finite number >= 0, got " + describe_node(t));
                } else if (tol < 0) {
                    errs.add(p + "." + tk, "must be >= 0, got " + t.Scalar());
                } else if (std::string(tk) == "rel_tol") {
                    m.rel_tol = tol;
                    m.has_rel_tol = true;
                } else {
                    m.abs_tol = tol;
                    m.has_abs_tol = true;
                }
            }
            if (m.has_rel_tol && m.has_abs_tol)
                errs.add(p, "give either rel_tol or abs_tol, not both");
            if (!m.has_rel_tol && !m.has_abs_tol) {
                if (is_integer_literal(m.expected_text))
                    m.exact = true;
                else
                    m.rel_tol = kDefaultRelTol;
            }
            c.metrics.push_back(std::move(m));
        }
    }
    errs.throw_if_any();
    return c;
}

GoldenCase load_golden_case(const std::string& path) {
    return parse_golden_case(read_text_file(path, "golden case"), path);
}

PathValue eval_metric_path(const YAML::Node& report, const std::vector<PathStep>& steps,
                           const std::string& path) {
    PathValue r;
    // Only const access: operator[] on a non-const yaml-cpp node would insert missing keys.
    std::vector<YAML::Node> chain{report};
    for (size_t i = 0; i < steps.size(); ++i) {
        const YAML::Node& c = chain.back();
        const std::string at =
            i == 0 ? "the report's top level" : "'" + path_prefix(steps, i) + "'";
        const PathStep& s = steps[i];
        if (s.is_index) {
            if (!c.IsSequence()) {
                r.kind = PathValue::Kind::missing;
                r.message = "no such path '" + path + "' in report.json: " + at + " is " +
                            describe_node(c) + ", not a list";
                return r;
            }
            if (s.index >= c.size()) {
                r.kind = PathValue::Kind::missing;
                r.message = "no such path '" + path + "' in report.json: " + at + " has " +
                            std::to_string(c.size()) + " elements, no [" + std::to_string(s.index) +
                            "]";
                return r;
            }
            chain.push_back(c[s.index]);
        } else {
            if (!c.IsMap()) {
                r.kind = PathValue::Kind::missing;
                r.message = "no such path '" + path + "' in report.json: " + at + " is " +
                            describe_node(c) + ", not a map";
                return r;
            }
            const YAML::Node next = c[s.key];
            if (!next) {
                r.kind = PathValue::Kind::missing;
                r.message = "no such path '" + path + "' in report.json: " + at + " has no key '" +
                            s.key + "' (keys: " + key_list(c) + ")";
                return r;
            }
            chain.push_back(next);
        }
    }
    const YAML::Node& v = chain.back();
    if (v.IsNull()) {
        r.kind = PathValue::Kind::null;
        r.text = "null";
        return r;
    }
    // Quoted JSON strings carry the non-specific tag "!" in yaml-cpp; numbers are plain scalars.
    if (!v.IsScalar() || v.Tag() == "!" || !parse_number(v.Scalar(), &r.value)) {
        r.kind = PathValue::Kind::not_number;
        r.message = "report.json path '" + path + "' is " + describe_node(v) + ", not a number";
        return r;
    }
    r.kind = PathValue::Kind::number;
    r.text = v.Scalar();
    return r;
}

std::string format_number(double v) {
    if (std::isfinite(v) && std::fabs(v) < 9.007199254740992e15 && v == std::floor(v)) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.0f", v);
        return buf;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

MetricResult compare_metric(const GoldenMetric& m, const PathValue& got) {
    MetricResult r;
    r.metric = m.path;
    r.expected_text = m.expected_text;
    r.expected = m.expected;
    r.tolerance = m.tolerance_text();
    switch (got.kind) {
    case PathValue::Kind::missing:
    case PathValue::Kind::not_number:
        r.got_text = "-";
        r.error = got.message;
        return r;
    case PathValue::Kind::null:
        r.got_text = "null";
        r.error = "report value is null (a non-finite number)";
        return r;
    case PathValue::Kind::number:
        break;
    }
    r.got = got.value;
    r.got_text = got.text;
    if (m.exact) {
        if (is_integer_literal(got.text) && got.text.size() < 19 && m.expected_text.size() < 19) {
            const long long e = std::stoll(m.expected_text), g = std::stoll(got.text);
            r.pass = e == g;
        } else {
            r.pass = got.value == m.expected;
        }
        r.error = diff_text(m.expected, got.value, true);
        return r;
    }
    const double d = std::fabs(got.value - m.expected);
    r.pass = m.has_abs_tol ? d <= m.abs_tol : d <= m.rel_tol * std::fabs(m.expected);
    r.error = diff_text(m.expected, got.value, false);
    return r;
}

bool CaseResult::passed() const {
    if (status != Status::ok) return false;
    for (const auto& m : metrics)
        if (!m.pass) return false;
    return true;
}

CaseResult compare_case(const GoldenCase& c, const YAML::Node& report) {
    CaseResult r;
    r.name = c.name;
    r.file = c.file;
    std::string problems;
    for (const auto& m : c.metrics) {
        const PathValue v = eval_metric_path(report, m.steps, m.path);
        if (v.kind == PathValue::Kind::missing || v.kind == PathValue::Kind::not_number)
            problems +=
                (problems.empty() ? "" : "\n") + c.file + ": metrics." + m.path + ": " + v.message;
        if (v.kind == PathValue::Kind::number) r.got_text[m.path] = v.text;
        r.metrics.push_back(compare_metric(m, v));
    }
    if (!problems.empty()) {
        r.status = CaseResult::Status::malformed;
        r.message = problems;
    }
    return r;
}

int print_results(const std::vector<CaseResult>& results, std::ostream& os, bool verbose_table) {
    struct Row {
        std::string c, m, e, g, t, err, s;
    };
    std::vector<Row> rows;
    size_t n_metrics = 0, n_pass = 0, n_fail = 0, n_err = 0;
    bool malformed = false, failed = false;
    for (const auto& r : results) {
        if (r.status == CaseResult::Status::malformed) malformed = true;
        if (r.status == CaseResult::Status::failed_run) failed = true;
        if (r.status != CaseResult::Status::ok && r.metrics.empty()) {
            ++n_err;
            rows.push_back({r.name, "-", "-", "-", "-", "see below",
                            r.status == CaseResult::Status::malformed ? "MALFORMED" : "ERROR"});
            continue;
        }
        for (const auto& m : r.metrics) {
            ++n_metrics;
            const bool path_error = m.got_text == "-";
            if (m.pass)
                ++n_pass;
            else if (path_error)
                ++n_err;
            else {
                ++n_fail;
                failed = true;
            }
            if (!verbose_table && m.pass) continue;
            rows.push_back({r.name, m.metric, m.expected_text, m.got_text, m.tolerance,
                            path_error ? "see below" : m.error,
                            m.pass       ? "pass"
                            : path_error ? "MALFORMED"
                                         : "FAIL"});
        }
    }
    const Row head{"case", "metric", "expected", "got", "tolerance", "error", "status"};
    size_t w[7] = {};
    auto widen = [&](const Row& x) {
        const std::string* f[7] = {&x.c, &x.m, &x.e, &x.g, &x.t, &x.err, &x.s};
        for (int i = 0; i < 7; ++i) w[i] = std::max(w[i], f[i]->size());
    };
    widen(head);
    for (const auto& x : rows) widen(x);
    auto print = [&](const Row& x) {
        os << std::left << std::setw(static_cast<int>(w[0])) << x.c << "  "
           << std::setw(static_cast<int>(w[1])) << x.m << "  " << std::right
           << std::setw(static_cast<int>(w[2])) << x.e << "  " << std::setw(static_cast<int>(w[3]))
           << x.g << "  " << std::left << std::setw(static_cast<int>(w[4])) << x.t << "  "
           << std::setw(static_cast<int>(w[5])) << x.err << "  " << x.s << "\n";
    };
    if (!rows.empty()) {
        print(head);
        for (const auto& x : rows) print(x);
    }
    // The readable diff: one line per failure, then the messages of cases that could not compare.
    bool header = false;
    for (const auto& r : results) {
        for (const auto& m : r.metrics) {
            if (m.pass || m.got_text == "-") continue;
            if (!header) os << "\nfailures:\n";
            header = true;
            os << "  " << r.name << ": " << m.metric << ": expected " << m.expected_text << ", got "
               << m.got_text << " (" << m.error << ", tolerance " << m.tolerance << ")  [" << r.file
               << "]\n";
        }
    }
    for (const auto& r : results) {
        if (r.status == CaseResult::Status::ok) continue;
        os << "\n"
           << (r.status == CaseResult::Status::malformed ? "malformed case "
                                                         : "case failed to run: ")
           << r.name << ":\n";
        std::istringstream ls(r.message);
        for (std::string line; std::getline(ls, line);) os << "  " << line << "\n";
    }
    os << "\n"
       << results.size() << " case(s), " << n_metrics << " metric(s): " << n_pass << " passed, "
       << n_fail << " failed, " << n_err << " error(s)\n";
    if (malformed) return 2;
    return failed ? 1 : 0;
}

std::string rewrite_expected(const std::string& text, const std::string& file,
                             const std::map<std::string, std::string>& values) {
    std::vector<std::string> lines;
    {
        std::string cur;
        for (char ch : text) {
            if (ch == '\n') {
                lines.push_back(cur);
                cur.clear();
            } else {
                cur += ch;
            }
        }
        if (!cur.empty()) lines.push_back(cur);
    }
    size_t begin = lines.size();
    for (size_t i = 0; i < lines.size(); ++i) {
        const std::string t = trim(lines[i]);
        if (lines[i].rfind("metrics:", 0) == 0 &&
            (t == "metrics:" || trim(t.substr(8)).rfind('#', 0) == 0)) {
            begin = i + 1;
            break;
        }
    }
    if (begin == lines.size())
        throw ConfigError(
            file + ": metrics: --update needs a block-style `metrics:` map (one metric per line)");
    size_t end = begin;
    while (end < lines.size()) {
        const std::string& l = lines[end];
        if (!l.empty() && l[0] != ' ' && l[0] != '#') break;
        ++end;
    }
    for (const auto& [path, value] : values) {
        bool done = false;
        for (size_t i = begin; i < end && !done; ++i) {
            const std::string t = trim(lines[i]);
            std::string key_form;
            for (const std::string& k : {path + ":", "\"" + path + "\":", "'" + path + "':"})
                if (t.rfind(k, 0) == 0) key_form = k;
            if (key_form.empty()) continue;
            const size_t key_indent = indent_of(lines[i]);
            // `expected:` on the key's line (flow map) or on a deeper-indented line below it.
            for (size_t j = i; j < end; ++j) {
                if (j > i && !trim(lines[j]).empty() && indent_of(lines[j]) <= key_indent) break;
                const size_t from = j == i ? lines[i].find(key_form) + key_form.size() : 0;
                size_t p = lines[j].find("expected:", from);
                if (p == std::string::npos) continue;
                p += 9;
                while (p < lines[j].size() && lines[j][p] == ' ') ++p;
                size_t q = p;
                while (q < lines[j].size() && lines[j][q] != ',' && lines[j][q] != '}' &&
                       lines[j][q] != ' ' && lines[j][q] != '#')
                    ++q;
                lines[j] = lines[j].substr(0, p) + value + lines[j].substr(q);
                done = true;
                break;
            }
        }
        if (!done)
            throw ConfigError(
                file + ": metrics." + path +
                ": cannot find its `expected:` value to rewrite (write one metric per line, "
                "e.g. `" +
                path + ": {expected: 0}`)");
    }
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

}  // namespace qasim::sim
