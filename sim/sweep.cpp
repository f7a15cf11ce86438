#include "sim/sweep.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include <boost/program_options/errors.hpp>
#include <yaml-cpp/yaml.h>

#include "sim/errors.h"
#include "sim/fields.h"
#include "sim/hw_config.h"
#include "sim/memtest_cli.h"
#include "sim/yaml_util.h"

namespace qasim::sim {

namespace {

namespace fs = std::filesystem;

/// Sweeps beyond this many combinations are almost surely a typo (and would not fit in memory).
constexpr size_t kMaxCombinations = 10'000'000;

const std::vector<std::string> kTopKeys = {"name", "description", "base",      "grid",
                                           "zip",  "constraints", "objectives"};
const std::vector<std::string> kBaseKeys = {"hw", "workload", "memtest", "set"};
/// Default objectives when a sweep file names none: the three of DESIGN.md's example.
const std::vector<std::string> kDefaultObjectives = {"time_ns", "energy_pj", "area_mm2"};
/// The same for memory sweeps: the two axes of a loaded-latency curve.
const std::vector<std::string> kDefaultMemtestObjectives = {"max:bandwidth_gbps",
                                                            "mean_read_latency_ns"};
/// memtest options a memory sweep sets itself (hw, set: base.hw/base.set; --json: the report), or
/// whose output files every point would overwrite.
const std::vector<std::string> kMemtestReserved = {
    "hw", "set", "json", "help", "h", "vcd", "vcd-signals", "vcd-window", "latency-csv",
    "write-trace"};
const std::string kMemtestPrefix = "memtest.";

std::string join(const std::vector<std::string> &v, const std::string &sep) {
    std::string s;
    for (size_t i = 0; i < v.size(); ++i)
        s += (i ? sep : "") + v[i];
    return s;
}

bool contains(const std::vector<std::string> &v, const std::string &s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

std::string squote(const std::string &s) {
    return "'" + s + "'";
}

bool is_word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

/// Checks a varied key's spelling; returns "" or the problem.
std::string key_name_problem(const std::string &key) {
    if (key.empty())
        return "empty key";
    if (key.rfind(kMemtestPrefix, 0) == 0) {
        const std::string opt = key.substr(kMemtestPrefix.size());
        if (opt.empty() || !std::all_of(opt.begin(), opt.end(), [](char c) {
                return std::islower(static_cast<unsigned char>(c)) ||
                       std::isdigit(static_cast<unsigned char>(c)) || c == '-';
            }))
            return "memtest.OPTION names a qasim memtest option without its dashes (e.g. "
                   "memtest.outstanding, memtest.offer-rate)";
        return "";
    }
    if (key[0] == '$') {
        const std::string name = key.substr(1);
        if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0])) ||
            !std::all_of(name.begin(), name.end(), is_word_char))
            return "a variable is $ followed by letters, digits and _ (e.g. $wbits)";
        return "";
    }
    std::string part;
    for (size_t i = 0; i <= key.size(); ++i) {
        if (i == key.size() || key[i] == '.') {
            if (part.empty())
                return "empty component in key path (write e.g. units.sa0.rows)";
            part.clear();
        } else if (!is_word_char(key[i])) {
            return std::string("character '") + key[i] +
                   "' is not allowed in a key path (letters, digits, _ and .)";
        } else {
            part += key[i];
        }
    }
    return "";
}

/// Names of the `${name}` references in `text`; "" in *err when well formed.
std::vector<std::string> variable_refs(const std::string &text, std::string *err) {
    std::vector<std::string> refs;
    size_t pos = 0;
    while ((pos = text.find("${", pos)) != std::string::npos) {
        const size_t end = text.find('}', pos + 2);
        if (end == std::string::npos) {
            *err = "unterminated '${' in " + squote(text);
            return refs;
        }
        refs.push_back(text.substr(pos + 2, end - pos - 2));
        pos = end + 1;
    }
    return refs;
}

std::string substitute(const std::string &text, const std::map<std::string, std::string> &vars) {
    std::string out;
    size_t pos = 0;
    while (true) {
        const size_t at = text.find("${", pos);
        if (at == std::string::npos)
            break;
        const size_t end = text.find('}', at + 2);
        if (end == std::string::npos)
            break;
        out += text.substr(pos, at - pos);
        const auto it = vars.find(text.substr(at + 2, end - at - 2));
        out += it != vars.end() ? it->second : text.substr(at, end - at + 1);
        pos = end + 1;
    }
    return out + text.substr(pos);
}

/// The node at a dotted key path (list items by index), walking without operator[] so that the
/// tree is never modified; nullopt when a component is missing. `*deepest` receives the deepest
/// existing node and `*walked` its path.
std::optional<YAML::Node> find_path(const YAML::Node &root, const std::string &path,
                                    YAML::Node *deepest, std::string *walked) {
    YAML::Node cur;
    cur.reset(root);
    std::string part, seen;
    std::vector<std::string> parts;
    for (size_t i = 0; i <= path.size(); ++i) {
        if (i == path.size() || path[i] == '.') {
            parts.push_back(part);
            part.clear();
        } else {
            part += path[i];
        }
    }
    for (const auto &p : parts) {
        if (deepest)
            deepest->reset(cur);
        if (walked)
            *walked = seen;
        bool found = false;
        if (cur.IsMap()) {
            for (auto it = cur.begin(); it != cur.end(); ++it) {
                if (it->first.IsScalar() && it->first.Scalar() == p) {
                    cur.reset(it->second);
                    found = true;
                    break;
                }
            }
        } else if (cur.IsSequence()) {
            uint64_t idx = 0;
            if (parse_u64_text(p, &idx) && idx < cur.size()) {
                size_t i = 0;
                for (auto it = cur.begin(); it != cur.end(); ++it, ++i) {
                    if (i == idx) {
                        cur.reset(*it);
                        found = true;
                        break;
                    }
                }
            }
        }
        if (!found)
            return std::nullopt;
        seen += (seen.empty() ? "" : ".") + p;
    }
    return cur;
}

std::string node_keys_text(const YAML::Node &n) {
    if (n.IsMap()) {
        std::vector<std::string> keys;
        for (auto it = n.begin(); it != n.end(); ++it)
            if (it->first.IsScalar())
                keys.push_back(it->first.Scalar());
        return "keys there: " + join(keys, ", ");
    }
    if (n.IsSequence())
        return "it is a list of " + std::to_string(n.size()) + " items (index 0.." +
               std::to_string(n.size() ? n.size() - 1 : 0) + ")";
    return "it is a scalar";
}

/// A scalar list item of the sweep file as text; false (with an error) otherwise.
bool scalar_text(const YAML::Node &n, const std::string &path, Errors &errs, std::string *out) {
    if (!n.IsScalar()) {
        errs.add(path, n.IsNull() ? "must be a value (number or text), got nothing"
                                  : "must be a scalar (number or text), not a list or map");
        return false;
    }
    *out = n.Scalar();
    return true;
}

/// A list of scalar values (grid or zip entry).
bool value_list(const YAML::Node &n, const std::string &path, Errors &errs,
                std::vector<std::string> *out) {
    if (!n.IsSequence()) {
        errs.add(path, "must be a non-empty list of values, e.g. [32, 64, 128]");
        return false;
    }
    if (n.size() == 0) {
        errs.add(path, "empty list: give at least one value");
        return false;
    }
    bool ok = true;
    size_t i = 0;
    for (auto it = n.begin(); it != n.end(); ++it, ++i) {
        std::string v;
        if (!scalar_text(*it, path + "[" + std::to_string(i) + "]", errs, &v)) {
            ok = false;
            continue;
        }
        out->push_back(v);
    }
    return ok;
}

bool parse_objective(const std::string &text, SweepObjective *o,
                     const std::vector<std::string> &names) {
    std::string m = text;
    o->maximize = false;
    if (m.rfind("max:", 0) == 0) {
        o->maximize = true;
        m = m.substr(4);
    } else if (m.rfind("min:", 0) == 0) {
        m = m.substr(4);
    }
    o->metric = m;
    return contains(names, m);
}

/// Every metric a results.csv column or an objective may name (runs and memory sweeps).
std::vector<std::string> all_metric_names() {
    std::vector<std::string> v = sweep_metric_names();
    for (const auto &m : memtest_metric_names())
        if (!contains(v, m))
            v.push_back(m);
    return v;
}

/// The option of a memtest argument: "--requests" and "--requests=5" give "requests"; "" when
/// the argument is not an option (a value).
std::string memtest_option_of(const std::string &arg) {
    if (arg.size() < 2 || arg[0] != '-')
        return "";
    const size_t dashes = arg[1] == '-' ? 2 : 1;
    return arg.substr(dashes, arg.find('=') == std::string::npos ? std::string::npos
                                                                  : arg.find('=') - dashes);
}

bool file_exists(const std::string &p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

std::string resolve_path(const std::string &p, const std::string &sweep_file) {
    if (p.empty() || p.rfind("zoo:", 0) == 0 || file_exists(p) || fs::path(p).is_absolute())
        return p;
    const fs::path alt = fs::path(sweep_file).parent_path() / p;
    if (!fs::path(sweep_file).parent_path().empty() && file_exists(alt.string()))
        return alt.string();
    return p;
}

/// base.hw, base.workload and base.set with the point's variables substituted.
PointRun base_run(const SweepSpec &spec, const std::vector<std::string> &values) {
    std::map<std::string, std::string> vars;
    std::string workload = spec.workload;
    for (size_t k = 0; k < spec.keys.size(); ++k) {
        if (sweep_key_kind(spec.keys[k]) == SweepKeyKind::variable)
            vars[spec.keys[k].substr(1)] = values[k];
        if (spec.keys[k] == "workload")
            workload = values[k];
    }
    PointRun r;
    r.hw = resolve_path(substitute(spec.hw, vars), spec.file);
    r.workload = resolve_path(substitute(workload, vars), spec.file);
    for (const auto &s : spec.base_sets)
        r.sets.push_back(substitute(s, vars));
    // memtest: base.memtest, then each varied option; a trace path is found like a workload.
    bool trace_value = false;
    auto push = [&](const std::string &a) {
        if (trace_value) {
            r.memtest.push_back(resolve_path(a, spec.file));
        } else if (a.rfind("--trace=", 0) == 0) {
            r.memtest.push_back("--trace=" + resolve_path(a.substr(8), spec.file));
        } else {
            r.memtest.push_back(a);
        }
        trace_value = a == "--trace";
    };
    for (const auto &a : spec.memtest)
        push(substitute(a, vars));
    for (size_t k = 0; k < spec.keys.size(); ++k) {
        if (sweep_key_kind(spec.keys[k]) != SweepKeyKind::memtest_option)
            continue;
        push("--" + spec.keys[k].substr(kMemtestPrefix.size()));
        push(values[k]);
    }
    return r;
}

} // namespace

SweepKeyKind sweep_key_kind(const std::string &key) {
    if (!key.empty() && key[0] == '$')
        return SweepKeyKind::variable;
    if (key == "workload")
        return SweepKeyKind::workload;
    if (key.rfind(kMemtestPrefix, 0) == 0)
        return SweepKeyKind::memtest_option;
    return SweepKeyKind::hw_path;
}

size_t SweepSpec::combinations() const {
    size_t n = 1;
    for (const auto &a : axes)
        n *= a.rows.size();
    return n;
}

// ---------------------------------------------------------------------------------------------
// Sweep file

SweepSpec parse_sweep_text(const std::string &text, const std::string &file) {
    const YAML::Node root = load_yaml_text(text, file);
    SweepSpec spec;
    spec.file = file;
    spec.name = fs::path(file).stem().string();
    if (!root.IsMap())
        throw ConfigError(file + ": must be a map with keys " + join(kTopKeys, ", ") +
                          " (DESIGN.md §4 Sweep YAML)");
    Errors errs(file);
    std::set<std::string> seen_top;
    YAML::Node base, grid, zip, constraints, objectives;
    for (auto it = root.begin(); it != root.end(); ++it) {
        const std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
        if (!contains(kTopKeys, key)) {
            errs.add(key, "unknown key; allowed keys: " + join(kTopKeys, ", "));
            continue;
        }
        if (!seen_top.insert(key).second) {
            errs.add(key, "appears twice");
            continue;
        }
        if (key == "name") {
            if (it->second.IsScalar())
                spec.name = it->second.Scalar();
            else
                errs.add(key, "must be a text");
        } else if (key == "description") {
            if (!it->second.IsScalar())
                errs.add(key, "must be a text");
        } else if (key == "base") {
            base.reset(it->second);
        } else if (key == "grid") {
            grid.reset(it->second);
        } else if (key == "zip") {
            zip.reset(it->second);
        } else if (key == "constraints") {
            constraints.reset(it->second);
        } else {
            objectives.reset(it->second);
        }
    }

    // base
    if (!seen_top.count("base")) {
        errs.add("base", "required: base: {hw: configs/hw/X.yaml, workload: ...}");
    } else if (!base.IsMap()) {
        errs.add("base", "must be a map {hw, workload, set}");
    } else {
        for (auto it = base.begin(); it != base.end(); ++it) {
            const std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
            const std::string path = "base." + key;
            if (!contains(kBaseKeys, key)) {
                errs.add(path, "unknown key; allowed keys: " + join(kBaseKeys, ", "));
            } else if (key == "hw") {
                if (scalar_text(it->second, path, errs, &spec.hw) && spec.hw.empty())
                    errs.add(path, "must name a hardware YAML file");
            } else if (key == "workload") {
                if (scalar_text(it->second, path, errs, &spec.workload) && spec.workload.empty())
                    errs.add(path,
                             "must name a trace file or a zoo spec (zoo:MODEL[:PHASE][?k=v])");
            } else if (key == "memtest") {
                if (!it->second.IsSequence() || it->second.size() == 0) {
                    errs.add(path, "must be a non-empty list of qasim memtest options, e.g. "
                                   "[--pattern, random, --requests, 100000]");
                    continue;
                }
                size_t i = 0;
                for (auto a = it->second.begin(); a != it->second.end(); ++a, ++i) {
                    const std::string p = path + "[" + std::to_string(i) + "]";
                    std::string v;
                    if (!scalar_text(*a, p, errs, &v))
                        continue;
                    if (v.empty()) {
                        errs.add(p, "must not be empty");
                        continue;
                    }
                    const std::string opt = memtest_option_of(v);
                    if (contains(kMemtestReserved, opt))
                        errs.add(p, squote(v) + " is not allowed in a sweep (hw and set come from "
                                                "base.hw and base.set, --json is added; output "
                                                "files would be overwritten by every point)");
                    else
                        spec.memtest.push_back(v);
                }
            } else if (it->second.IsSequence()) {
                size_t i = 0;
                for (auto s = it->second.begin(); s != it->second.end(); ++s, ++i) {
                    const std::string p = path + "[" + std::to_string(i) + "]";
                    std::string v;
                    if (!scalar_text(*s, p, errs, &v))
                        continue;
                    const size_t eq = v.find('=');
                    if (eq == std::string::npos || eq == 0)
                        errs.add(p, "must be KEY.PATH=VALUE (e.g. units.sa0.pe_format=int8), got " +
                                        squote(v));
                    else
                        spec.base_sets.push_back(v);
                }
            } else if (it->second.IsMap()) {
                for (auto s = it->second.begin(); s != it->second.end(); ++s) {
                    const std::string k = s->first.IsScalar() ? s->first.Scalar() : "?";
                    std::string v;
                    if (scalar_text(s->second, path + "." + k, errs, &v))
                        spec.base_sets.push_back(k + "=" + v);
                }
            } else if (!it->second.IsNull()) {
                errs.add(path, "must be a list of KEY.PATH=VALUE or a map {KEY.PATH: VALUE}");
            }
        }
        if (!base["hw"])
            errs.add("base.hw", "required: the base hardware YAML (e.g. configs/hw/tpu_like.yaml)");
        if (base["workload"] && base["memtest"])
            errs.add("base.memtest", "give either workload (qasim run points) or memtest (qasim "
                                     "memtest points), not both");
        else if (!base["workload"] && !base["memtest"])
            errs.add("base.workload", "required: a trace file or a zoo spec (zoo:vit-b16); or "
                                      "base.memtest: [memtest options] for a memory sweep");
    }

    std::set<std::string> key_set;
    auto add_key = [&](const std::string &key, const std::string &label) {
        const std::string problem = key_name_problem(key);
        if (!problem.empty()) {
            errs.add(label, problem);
            return false;
        }
        if (!key_set.insert(key).second) {
            errs.add(label, "key " + squote(key) +
                                " is varied twice (a key may appear once in grid and zip)");
            return false;
        }
        return true;
    };

    // grid
    if (grid && !grid.IsNull()) {
        if (!grid.IsMap()) {
            errs.add("grid", "must be a map {KEY.PATH: [values...]}");
        } else {
            for (auto it = grid.begin(); it != grid.end(); ++it) {
                const std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
                const std::string label = "grid." + key;
                std::vector<std::string> vals;
                if (!value_list(it->second, label, errs, &vals))
                    continue;
                std::set<std::string> uniq;
                bool dup = false;
                for (const auto &v : vals) {
                    if (!uniq.insert(v).second) {
                        errs.add(label, "value " + squote(v) + " appears twice");
                        dup = true;
                    }
                }
                if (dup || !add_key(key, label))
                    continue;
                SweepAxis a;
                a.keys = {key};
                for (const auto &v : vals)
                    a.rows.push_back({v});
                spec.axes.push_back(std::move(a));
                spec.keys.push_back(key);
                spec.key_labels.push_back(label);
            }
        }
    }

    // zip: one map, or a list of maps (several groups)
    if (zip && !zip.IsNull()) {
        std::vector<std::pair<YAML::Node, std::string>> groups;
        if (zip.IsMap()) {
            groups.emplace_back(zip, "zip");
        } else if (zip.IsSequence()) {
            size_t g = 0;
            for (auto it = zip.begin(); it != zip.end(); ++it, ++g)
                groups.emplace_back(*it, "zip[" + std::to_string(g) + "]");
        } else {
            errs.add("zip", "must be a map {KEY.PATH: [values...]} of equal-length lists, or a "
                            "list of such maps");
        }
        for (const auto &[group, glabel] : groups) {
            if (!group.IsMap()) {
                errs.add(glabel, "must be a map {KEY.PATH: [values...]} of equal-length lists");
                continue;
            }
            SweepAxis a;
            std::vector<std::string> labels;
            std::vector<std::vector<std::string>> cols;
            bool ok = true;
            for (auto it = group.begin(); it != group.end(); ++it) {
                const std::string key = it->first.IsScalar() ? it->first.Scalar() : "?";
                const std::string label = glabel + "." + key;
                std::vector<std::string> vals;
                if (!value_list(it->second, label, errs, &vals) || !add_key(key, label)) {
                    ok = false;
                    continue;
                }
                a.keys.push_back(key);
                labels.push_back(label);
                cols.push_back(vals);
            }
            if (!ok || cols.empty())
                continue;
            bool same = true;
            for (const auto &c : cols)
                same = same && c.size() == cols[0].size();
            if (!same) {
                std::string sizes;
                for (size_t k = 0; k < cols.size(); ++k)
                    sizes += (k ? ", " : "") + a.keys[k] + " has " + std::to_string(cols[k].size());
                errs.add(glabel, "lists varied together must have equal lengths: " + sizes);
                continue;
            }
            std::set<std::vector<std::string>> uniq;
            for (size_t i = 0; i < cols[0].size(); ++i) {
                std::vector<std::string> row;
                for (const auto &c : cols)
                    row.push_back(c[i]);
                if (!uniq.insert(row).second) {
                    errs.add(glabel, "entry " + std::to_string(i) + " (" + join(row, ", ") +
                                         ") appears twice");
                    ok = false;
                }
                a.rows.push_back(std::move(row));
            }
            if (!ok)
                continue;
            for (size_t k = 0; k < a.keys.size(); ++k) {
                spec.keys.push_back(a.keys[k]);
                spec.key_labels.push_back(labels[k]);
            }
            spec.axes.push_back(std::move(a));
        }
    }

    // Size guard.
    {
        double n = 1.0;
        for (const auto &a : spec.axes)
            n *= static_cast<double>(a.rows.size());
        if (n > static_cast<double>(kMaxCombinations))
            errs.add("grid", "grid x zip gives " + format_f64(n) + " combinations, more than " +
                                 std::to_string(kMaxCombinations) + ": split the sweep");
    }

    // Variables: every ${name} must be a varied $name, and every varied $name must be used.
    {
        std::set<std::string> defined, used;
        for (const auto &k : spec.keys)
            if (sweep_key_kind(k) == SweepKeyKind::variable)
                defined.insert(k.substr(1));
        auto check_refs = [&](const std::string &text, const std::string &label) {
            std::string err;
            for (const auto &r : variable_refs(text, &err)) {
                used.insert(r);
                if (!defined.count(r))
                    errs.add(label, "${" + r +
                                        "} is not a varied variable (vary it as grid/zip key $" +
                                        r + ")");
            }
            if (!err.empty())
                errs.add(label, err);
        };
        check_refs(spec.hw, "base.hw");
        check_refs(spec.workload, "base.workload");
        for (size_t i = 0; i < spec.base_sets.size(); ++i)
            check_refs(spec.base_sets[i], "base.set[" + std::to_string(i) + "]");
        for (size_t i = 0; i < spec.memtest.size(); ++i)
            check_refs(spec.memtest[i], "base.memtest[" + std::to_string(i) + "]");
        for (size_t k = 0; k < spec.keys.size(); ++k) {
            if (spec.keys[k] == "workload") {
                for (const auto &a : spec.axes)
                    for (size_t c = 0; c < a.keys.size(); ++c)
                        if (a.keys[c] == "workload")
                            for (const auto &row : a.rows) {
                                std::string err;
                                if (!variable_refs(row[c], &err).empty() || !err.empty())
                                    errs.add(
                                        spec.key_labels[k],
                                        "varied workloads cannot hold ${...}; vary a $variable "
                                        "used in base.workload instead");
                            }
            }
        }
        for (const auto &d : defined)
            if (!used.count(d))
                errs.add(spec.key_labels[static_cast<size_t>(
                             std::find(spec.keys.begin(), spec.keys.end(), "$" + d) -
                             spec.keys.begin())],
                         "variable $" + d + " is not used: write ${" + d +
                             "} in base.hw, base.workload, base.memtest or base.set");
    }

    // Keys that belong to one kind of sweep.
    const bool memtest_sweep = base && base.IsMap() && base["memtest"];
    for (size_t k = 0; k < spec.keys.size(); ++k) {
        const std::string &key = spec.keys[k];
        if (key == "workload" && memtest_sweep)
            errs.add(spec.key_labels[k], "a memory sweep (base.memtest) has no workload; vary "
                                         "memtest.OPTION keys (e.g. memtest.pattern)");
        if (sweep_key_kind(key) != SweepKeyKind::memtest_option)
            continue;
        const std::string opt = key.substr(kMemtestPrefix.size());
        if (!memtest_sweep) {
            errs.add(spec.key_labels[k], squote(key) + ": memtest.OPTION keys vary a memory sweep; "
                                         "give base.memtest: [memtest options] instead of "
                                         "base.workload");
            continue;
        }
        const std::optional<bool> takes = memtest_option_takes_value(opt);
        if (contains(kMemtestReserved, opt))
            errs.add(spec.key_labels[k], squote(key) + ": --" + opt +
                                             " cannot be varied (the sweep sets it, or every "
                                             "point would overwrite its file)");
        else if (!takes)
            errs.add(spec.key_labels[k], squote(key) + ": qasim memtest has no option --" + opt +
                                             " (qasim memtest --help lists them)");
        else if (!*takes)
            errs.add(spec.key_labels[k], squote(key) + ": --" + opt +
                                             " takes no value; put it in base.memtest");
        else
            for (const auto &a : spec.memtest)
                if (memtest_option_of(a) == opt)
                    errs.add(spec.key_labels[k], squote(key) + ": --" + opt +
                                                     " is also in base.memtest; give it once");
    }

    // constraints
    if (constraints && !constraints.IsNull()) {
        std::vector<std::pair<std::string, std::string>> texts;
        if (constraints.IsScalar()) {
            texts.emplace_back(constraints.Scalar(), "constraints");
        } else if (constraints.IsSequence()) {
            size_t i = 0;
            for (auto it = constraints.begin(); it != constraints.end(); ++it, ++i) {
                std::string v;
                const std::string label = "constraints[" + std::to_string(i) + "]";
                if (scalar_text(*it, label, errs, &v))
                    texts.emplace_back(v, label);
            }
        } else {
            errs.add("constraints", "must be a list of expressions, e.g. [\"units.sa0.rows * "
                                    "units.sa0.cols <= 16384\"]");
        }
        for (const auto &[t, label] : texts) {
            try {
                ConstraintExpr e(t, "");
                for (const auto &id : e.identifiers()) {
                    if (sweep_key_kind(id) == SweepKeyKind::variable && !key_set.count(id))
                        errs.add(label, squote(t) + ": " + id + " is not a varied variable");
                }
                spec.constraints.push_back(t);
            } catch (const ConfigError &e) {
                errs.add(label, e.what());
            }
        }
    }

    // objectives
    if (objectives && !objectives.IsNull()) {
        if (!objectives.IsSequence() || objectives.size() == 0) {
            errs.add(
                "objectives",
                "must be a non-empty list of metrics, e.g. [time_ns, energy_pj, max:utilization]");
        } else {
            size_t i = 0;
            for (auto it = objectives.begin(); it != objectives.end(); ++it, ++i) {
                const std::string label = "objectives[" + std::to_string(i) + "]";
                std::string v;
                if (!scalar_text(*it, label, errs, &v))
                    continue;
                SweepObjective o;
                const std::vector<std::string> &names =
                    memtest_sweep ? memtest_metric_names() : sweep_metric_names();
                if (!parse_objective(v, &o, names)) {
                    errs.add(label, "unknown objective " + squote(v) +
                                        "; allowed: " + join(names, ", ") +
                                        (memtest_sweep ? " (minimised; prefix max: to maximise, "
                                                         "e.g. max:bandwidth_gbps)"
                                                       : " (minimised; prefix max: to maximise, "
                                                         "e.g. max:utilization)"));
                    continue;
                }
                bool dup = false;
                for (const auto &p : spec.objectives)
                    dup = dup || p.metric == o.metric;
                if (dup)
                    errs.add(label, "objective " + squote(o.metric) + " appears twice");
                else
                    spec.objectives.push_back(o);
            }
        }
    } else {
        for (const auto &m : memtest_sweep ? kDefaultMemtestObjectives : kDefaultObjectives) {
            SweepObjective o;
            parse_objective(m, &o, all_metric_names());
            spec.objectives.push_back(o);
        }
    }

    errs.throw_if_any();
    return spec;
}

SweepSpec load_sweep_file(const std::string &path) {
    return parse_sweep_text(read_text_file(path, "sweep file"), path);
}

std::vector<std::vector<std::string>> sweep_combinations(const SweepSpec &spec) {
    std::vector<std::vector<std::string>> out;
    const size_t total = spec.combinations();
    out.reserve(total);
    std::vector<size_t> digit(spec.axes.size(), 0);
    for (size_t n = 0; n < total; ++n) {
        std::vector<std::string> values;
        values.reserve(spec.keys.size());
        for (size_t a = 0; a < spec.axes.size(); ++a)
            for (const auto &v : spec.axes[a].rows[digit[a]])
                values.push_back(v);
        out.push_back(std::move(values));
        // Mixed-radix increment, last axis fastest.
        for (size_t a = spec.axes.size(); a-- > 0;) {
            if (++digit[a] < spec.axes[a].rows.size())
                break;
            digit[a] = 0;
        }
    }
    return out;
}

PointRun point_run(const SweepSpec &spec, const std::vector<std::string> &values) {
    PointRun r = base_run(spec, values);
    for (size_t k = 0; k < spec.keys.size(); ++k)
        if (sweep_key_kind(spec.keys[k]) == SweepKeyKind::hw_path)
            r.sets.push_back(spec.keys[k] + "=" + values[k]);
    return r;
}

// ---------------------------------------------------------------------------------------------
// Constraint expressions: a recursive-descent parser over this grammar
//   or    := and ('||' and)*
//   and   := cmp ('&&' cmp)*
//   cmp   := add [('<' | '<=' | '>' | '>=' | '==' | '!=') add]
//   add   := mul (('+' | '-') mul)*
//   mul   := unary (('*' | '/') unary)*
//   unary := ('-' | '+' | '!') unary | primary
//   primary := NUMBER | 'text' | "text" | true | false | IDENT | '(' or ')'

struct ConstraintExpr::Node {
    enum class Kind { literal, ident, unary, binary } kind = Kind::literal;
    ExprValue literal;
    std::string name; ///< identifier, or the operator
    size_t column = 0;
    std::shared_ptr<const Node> lhs, rhs;
};

namespace {

using NodeP = std::shared_ptr<const ConstraintExpr::Node>;
using Node = ConstraintExpr::Node;

struct Token {
    enum class Kind { number, text, ident, op, end } kind = Kind::end;
    std::string text;
    double number = 0.0;
    size_t column = 0; ///< 1-based
};

class ExprParser {
public:
    ExprParser(const std::string &text, std::function<void(const std::string &, size_t)> fail)
        : m_text(text), m_fail(std::move(fail)) {
        tokenize();
    }
    NodeP parse() {
        NodeP n = parse_or();
        if (peek().kind != Token::Kind::end)
            fail_at("unexpected " + describe(peek()), peek().column);
        return n;
    }
    std::vector<std::string> idents;

private:
    void fail_at(const std::string &msg, size_t col) { m_fail(msg, col); }

    static std::string describe(const Token &t) {
        switch (t.kind) {
        case Token::Kind::end:
            return "end of expression";
        case Token::Kind::text:
            return "text '" + t.text + "'";
        default:
            return "'" + t.text + "'";
        }
    }

    void tokenize() {
        const std::string &s = m_text;
        size_t i = 0;
        while (i < s.size()) {
            const char c = s[i];
            if (std::isspace(static_cast<unsigned char>(c))) {
                ++i;
                continue;
            }
            Token t;
            t.column = i + 1;
            if (std::isdigit(static_cast<unsigned char>(c)) ||
                (c == '.' && i + 1 < s.size() &&
                 std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
                size_t j = i;
                while (j < s.size() &&
                       (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.'))
                    ++j;
                if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
                    size_t k = j + 1;
                    if (k < s.size() && (s[k] == '+' || s[k] == '-'))
                        ++k;
                    if (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k]))) {
                        j = k;
                        while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j])))
                            ++j;
                    }
                }
                t.kind = Token::Kind::number;
                t.text = s.substr(i, j - i);
                if (!parse_f64_text(t.text, &t.number))
                    fail_at("bad number '" + t.text + "'", t.column);
                if (j < s.size() && (is_word_char(s[j])))
                    fail_at("bad number '" + s.substr(i, j - i + 1) + "...'", t.column);
                i = j;
            } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$') {
                size_t j = i + 1;
                while (j < s.size() && (is_word_char(s[j]) || s[j] == '.'))
                    ++j;
                t.kind = Token::Kind::ident;
                t.text = s.substr(i, j - i);
                const std::string problem = key_name_problem(t.text);
                if (!problem.empty())
                    fail_at("bad name '" + t.text + "': " + problem, t.column);
                i = j;
            } else if (c == '\'' || c == '"') {
                const size_t end = s.find(c, i + 1);
                if (end == std::string::npos)
                    fail_at("unterminated text", t.column);
                t.kind = Token::Kind::text;
                t.text = s.substr(i + 1, end - i - 1);
                i = end + 1;
            } else {
                static const char *kOps[] = {"<=", ">=", "==", "!=", "&&", "||", "<", ">",
                                             "+",  "-",  "*",  "/",  "!",  "(",  ")"};
                bool found = false;
                for (const char *op : kOps) {
                    const std::string o(op);
                    if (s.compare(i, o.size(), o) == 0) {
                        t.kind = Token::Kind::op;
                        t.text = o;
                        i += o.size();
                        found = true;
                        break;
                    }
                }
                if (!found) {
                    fail_at(std::string("unexpected character '") + c +
                                "' (allowed: numbers, 'text', key paths, $variables, + - * / < <= "
                                "> >= == != ! && || ( ))",
                            t.column);
                }
            }
            m_tokens.push_back(t);
        }
        Token end;
        end.column = s.size() + 1;
        m_tokens.push_back(end);
    }

    const Token &peek() const { return m_tokens[m_pos]; }
    bool is_op(const char *op) const { return peek().kind == Token::Kind::op && peek().text == op; }

    NodeP binary(const std::string &op, size_t col, NodeP l, NodeP r) {
        auto n = std::make_shared<Node>();
        n->kind = Node::Kind::binary;
        n->name = op;
        n->column = col;
        n->lhs = std::move(l);
        n->rhs = std::move(r);
        return n;
    }

    NodeP parse_or() {
        NodeP l = parse_and();
        while (is_op("||")) {
            const size_t col = m_tokens[m_pos++].column;
            l = binary("||", col, l, parse_and());
        }
        return l;
    }
    NodeP parse_and() {
        NodeP l = parse_cmp();
        while (is_op("&&")) {
            const size_t col = m_tokens[m_pos++].column;
            l = binary("&&", col, l, parse_cmp());
        }
        return l;
    }
    NodeP parse_cmp() {
        NodeP l = parse_add();
        for (const char *op : {"<=", ">=", "==", "!=", "<", ">"}) {
            if (is_op(op)) {
                const size_t col = m_tokens[m_pos++].column;
                l = binary(op, col, l, parse_add());
                for (const char *op2 : {"<=", ">=", "==", "!=", "<", ">"})
                    if (is_op(op2))
                        fail_at("comparisons cannot be chained: write a < b && b < c",
                                peek().column);
                break;
            }
        }
        return l;
    }
    NodeP parse_add() {
        NodeP l = parse_mul();
        while (is_op("+") || is_op("-")) {
            const Token &t = m_tokens[m_pos++];
            l = binary(t.text, t.column, l, parse_mul());
        }
        return l;
    }
    NodeP parse_mul() {
        NodeP l = parse_unary();
        while (is_op("*") || is_op("/")) {
            const Token &t = m_tokens[m_pos++];
            l = binary(t.text, t.column, l, parse_unary());
        }
        return l;
    }
    NodeP parse_unary() {
        if (is_op("-") || is_op("+") || is_op("!")) {
            const Token &t = m_tokens[m_pos++];
            auto n = std::make_shared<Node>();
            n->kind = Node::Kind::unary;
            n->name = t.text;
            n->column = t.column;
            n->lhs = parse_unary();
            return n;
        }
        return parse_primary();
    }
    NodeP parse_primary() {
        const Token t = peek();
        auto n = std::make_shared<Node>();
        n->column = t.column;
        switch (t.kind) {
        case Token::Kind::number:
            ++m_pos;
            n->literal.kind = ExprValue::Kind::number;
            n->literal.number = t.number;
            return n;
        case Token::Kind::text:
            ++m_pos;
            n->literal.kind = ExprValue::Kind::text;
            n->literal.text = t.text;
            return n;
        case Token::Kind::ident:
            ++m_pos;
            if (t.text == "true" || t.text == "false") {
                n->literal.kind = ExprValue::Kind::boolean;
                n->literal.boolean = t.text == "true";
                return n;
            }
            n->kind = Node::Kind::ident;
            n->name = t.text;
            if (!contains(idents, t.text))
                idents.push_back(t.text);
            return n;
        case Token::Kind::op:
            if (t.text == "(") {
                ++m_pos;
                NodeP inner = parse_or();
                if (!is_op(")"))
                    fail_at("expected ')' but found " + describe(peek()), peek().column);
                ++m_pos;
                return inner;
            }
            break;
        case Token::Kind::end:
            break;
        }
        fail_at("expected a number, a text, a key path or '(' but found " + describe(t), t.column);
        return n;
    }

    const std::string &m_text;
    std::function<void(const std::string &, size_t)> m_fail;
    std::vector<Token> m_tokens;
    size_t m_pos = 0;
};

const char *kind_name(ExprValue::Kind k) {
    switch (k) {
    case ExprValue::Kind::number:
        return "a number";
    case ExprValue::Kind::text:
        return "a text";
    case ExprValue::Kind::boolean:
        return "a truth value";
    }
    return "?";
}

std::string value_text(const ExprValue &v) {
    switch (v.kind) {
    case ExprValue::Kind::number:
        return format_f64(v.number);
    case ExprValue::Kind::text:
        return "'" + v.text + "'";
    case ExprValue::Kind::boolean:
        return v.boolean ? "true" : "false";
    }
    return "?";
}

} // namespace

ConstraintExpr::ConstraintExpr(const std::string &text, const std::string &label)
    : m_text(text), m_label(label) {
    const std::string prefix = label.empty() ? "" : label + ": ";
    ExprParser p(text, [&](const std::string &msg, size_t col) {
        throw ConfigError(prefix + squote(text) + ": " + msg + " at column " + std::to_string(col));
    });
    m_root = p.parse();
    m_idents = p.idents;
}
ConstraintExpr::~ConstraintExpr() = default;
ConstraintExpr::ConstraintExpr(const ConstraintExpr &) = default;
ConstraintExpr &ConstraintExpr::operator=(const ConstraintExpr &) = default;

ExprValue ConstraintExpr::value(const Lookup &lookup) const {
    const std::string prefix = (m_label.empty() ? "" : m_label + ": ") + squote(m_text) + ": ";
    std::function<ExprValue(const Node &)> eval = [&](const Node &n) -> ExprValue {
        switch (n.kind) {
        case Node::Kind::literal:
            return n.literal;
        case Node::Kind::ident: {
            const auto s = lookup(n.name);
            if (!s)
                throw ConfigError(prefix + squote(n.name) +
                                  " is neither a varied key nor a key of the base hardware "
                                  "file (column " +
                                  std::to_string(n.column) + ")");
            ExprValue v;
            double x = 0;
            bool b = false;
            if (parse_f64_text(*s, &x)) {
                v.kind = ExprValue::Kind::number;
                v.number = x;
            } else if (parse_bool_text(*s, &b)) {
                v.kind = ExprValue::Kind::boolean;
                v.boolean = b;
            } else {
                v.kind = ExprValue::Kind::text;
                v.text = *s;
            }
            return v;
        }
        case Node::Kind::unary: {
            ExprValue a = eval(*n.lhs);
            if (n.name == "!") {
                if (a.kind != ExprValue::Kind::boolean)
                    throw ConfigError(prefix + "'!' needs a truth value, got " + kind_name(a.kind) +
                                      " " + value_text(a) + " (column " + std::to_string(n.column) +
                                      ")");
                a.boolean = !a.boolean;
                return a;
            }
            if (a.kind != ExprValue::Kind::number)
                throw ConfigError(prefix + "'" + n.name + "' needs a number, got " +
                                  kind_name(a.kind) + " " + value_text(a) + " (column " +
                                  std::to_string(n.column) + ")");
            if (n.name == "-")
                a.number = -a.number;
            return a;
        }
        case Node::Kind::binary:
            break;
        }
        const std::string &op = n.name;
        const std::string where = " (column " + std::to_string(n.column) + ")";
        ExprValue a = eval(*n.lhs);
        if (op == "&&" || op == "||") {
            if (a.kind != ExprValue::Kind::boolean)
                throw ConfigError(prefix + "'" + op + "' needs truth values, got " +
                                  kind_name(a.kind) + " " + value_text(a) + where);
            // Short-circuit, so that `x != 0 && y / x > 2` is safe.
            if (op == "&&" && !a.boolean)
                return a;
            if (op == "||" && a.boolean)
                return a;
            ExprValue b = eval(*n.rhs);
            if (b.kind != ExprValue::Kind::boolean)
                throw ConfigError(prefix + "'" + op + "' needs truth values, got " +
                                  kind_name(b.kind) + " " + value_text(b) + where);
            return b;
        }
        ExprValue b = eval(*n.rhs);
        ExprValue r;
        if (op == "==" || op == "!=") {
            if (a.kind != b.kind)
                throw ConfigError(prefix + "'" + op + "' compares " + kind_name(a.kind) + " " +
                                  value_text(a) + " with " + kind_name(b.kind) + " " +
                                  value_text(b) + where);
            bool eq = false;
            switch (a.kind) {
            case ExprValue::Kind::number:
                eq = a.number == b.number;
                break;
            case ExprValue::Kind::text:
                eq = a.text == b.text;
                break;
            case ExprValue::Kind::boolean:
                eq = a.boolean == b.boolean;
                break;
            }
            r.kind = ExprValue::Kind::boolean;
            r.boolean = op == "==" ? eq : !eq;
            return r;
        }
        if (a.kind != ExprValue::Kind::number || b.kind != ExprValue::Kind::number)
            throw ConfigError(prefix + "'" + op + "' needs numbers, got " + kind_name(a.kind) +
                              " " + value_text(a) + " and " + kind_name(b.kind) + " " +
                              value_text(b) + where);
        if (op == "<" || op == "<=" || op == ">" || op == ">=") {
            r.kind = ExprValue::Kind::boolean;
            r.boolean = op == "<"    ? a.number < b.number
                        : op == "<=" ? a.number <= b.number
                        : op == ">"  ? a.number > b.number
                                     : a.number >= b.number;
            return r;
        }
        r.kind = ExprValue::Kind::number;
        if (op == "+")
            r.number = a.number + b.number;
        else if (op == "-")
            r.number = a.number - b.number;
        else if (op == "*")
            r.number = a.number * b.number;
        else {
            if (b.number == 0.0)
                throw ConfigError(prefix + "division by zero" + where);
            r.number = a.number / b.number;
        }
        return r;
    };
    return eval(*m_root);
}

bool ConstraintExpr::holds(const Lookup &lookup) const {
    const ExprValue v = value(lookup);
    if (v.kind != ExprValue::Kind::boolean)
        throw ConfigError((m_label.empty() ? "" : m_label + ": ") + squote(m_text) +
                          ": a constraint must be a comparison (true or false), got " +
                          kind_name(v.kind) + " " + value_text(v));
    return v.boolean;
}

// ---------------------------------------------------------------------------------------------
// Plan: hardware key paths, workloads, base config, constraints

SweepPlan plan_sweep(const SweepSpec &spec) {
    SweepPlan plan;
    plan.spec = spec;
    const auto combos = sweep_combinations(spec);
    Errors errs(spec.file);

    bool base_has_vars = false;
    {
        std::string err;
        base_has_vars = !variable_refs(spec.hw, &err).empty();
        for (const auto &s : spec.base_sets)
            base_has_vars = base_has_vars || !variable_refs(s, &err).empty();
    }

    // The base hardware tree of each distinct (hw, base.set) pair: for key path checks and for the
    // values of keys that constraints name but the sweep does not vary.
    std::map<std::string, YAML::Node> trees;
    std::set<std::string> bad_trees;
    auto tree_of = [&](const PointRun &b) -> const YAML::Node * {
        const std::string id = b.hw + "\n" + join(b.sets, "\n");
        if (bad_trees.count(id))
            return nullptr;
        auto it = trees.find(id);
        if (it != trees.end())
            return &it->second;
        try {
            YAML::Node root = load_yaml_text(read_text_file(b.hw, "hardware file"), b.hw);
            apply_overrides(root, b.sets, b.hw);
            return &trees.emplace(id, root).first->second;
        } catch (const ConfigError &e) {
            errs.add(base_has_vars ? "base (hw " + b.hw + ")" : "base", e.what());
            bad_trees.insert(id);
            return nullptr;
        }
    };

    std::set<std::string> checked;      // tree id + key already checked
    std::set<std::string> workloads_ok; // workloads already checked
    // Memory sweeps: each distinct memtest argument list must parse (options, value types) and
    // its trace file exist; a point's other problems (e.g. --pattern with --trace) are its own.
    std::set<std::vector<std::string>> memtest_ok;
    auto check_memtest_point = [&](const PointRun &b) {
        if (!memtest_ok.insert(b.memtest).second)
            return;
        std::string varied;
        for (const auto &k : spec.keys)
            if (sweep_key_kind(k) == SweepKeyKind::memtest_option)
                varied += (varied.empty() ? "" : ", ") + k;
        const std::string label =
            varied.empty() ? std::string("base.memtest") : "base.memtest with " + varied;
        const std::string args = join(b.memtest, " ");
        try {
            check_memtest_arguments(b.memtest);
        } catch (const boost::program_options::error &e) {
            errs.add(label, "qasim memtest " + args + ": " + e.what());
            return;
        }
        for (size_t i = 0; i < b.memtest.size(); ++i) {
            std::string trace;
            if (b.memtest[i] == "--trace" && i + 1 < b.memtest.size())
                trace = b.memtest[i + 1];
            else if (b.memtest[i].rfind("--trace=", 0) == 0)
                trace = b.memtest[i].substr(8);
            if (!trace.empty() && !file_exists(trace))
                errs.add(label, "trace file " + squote(trace) +
                                    " not found (relative to the working directory or the sweep "
                                    "file)");
        }
    };
    for (const auto &values : combos) {
        const PointRun b = base_run(spec, values);
        const YAML::Node *tree = tree_of(b);
        if (tree) {
            const std::string id = b.hw + "\n" + join(b.sets, "\n");
            for (size_t k = 0; k < spec.keys.size(); ++k) {
                if (sweep_key_kind(spec.keys[k]) != SweepKeyKind::hw_path)
                    continue;
                if (!checked.insert(id + "\n" + spec.keys[k]).second)
                    continue;
                YAML::Node deepest;
                std::string walked;
                if (find_path(*tree, spec.keys[k], &deepest, &walked))
                    continue;
                // Not in the file: still fine when only the last component is missing and the
                // section's field table knows it (a key left at its default), which the full
                // config load tells.
                const std::string &key = spec.keys[k];
                const bool leaf_only =
                    deepest.IsMap() && (walked.empty() ? key.find('.') == std::string::npos
                                                       : key.rfind('.') == walked.size());
                std::string field_problem;
                if (leaf_only) {
                    std::vector<std::string> sets = b.sets;
                    sets.push_back(key + "=" + values[k]);
                    try {
                        load_hw_config(b.hw, sets);
                        continue;
                    } catch (const ConfigError &e) {
                        const std::string msg = e.what();
                        const size_t at = msg.find(key + ": unknown key");
                        if (at == std::string::npos)
                            continue; // known key (a value problem is the point's)
                        const size_t allowed = msg.find("allowed keys: ", at);
                        if (allowed != std::string::npos)
                            field_problem =
                                "; " + msg.substr(allowed, msg.find('\n', allowed) - allowed);
                    }
                }
                errs.add(spec.key_labels[k],
                         "unknown key path: " + squote(key) + " is not in " + b.hw + " (" +
                             (walked.empty() ? std::string("top level") : squote(walked)) +
                             " exists; " + node_keys_text(deepest) + ")" + field_problem);
            }
        }
        if (spec.is_memtest()) {
            check_memtest_point(b);
            continue;
        }
        if (workloads_ok.insert(b.workload).second && b.workload.rfind("zoo:", 0) != 0 &&
            !file_exists(b.workload)) {
            const bool varied = contains(spec.keys, "workload");
            errs.add(varied ? spec.key_labels[static_cast<size_t>(
                                  std::find(spec.keys.begin(), spec.keys.end(), "workload") -
                                  spec.keys.begin())]
                            : "base.workload",
                     "workload file " + squote(b.workload) +
                         " not found (relative to the working directory or the sweep file); or use "
                         "zoo:MODEL");
        }
    }
    // The base config itself must be valid when it does not depend on the point (a bad
    // combination of varied values is a failed point instead).
    if (errs.empty() && !base_has_vars && !combos.empty()) {
        const PointRun b = base_run(spec, combos.front());
        try {
            load_hw_config(b.hw, b.sets);
        } catch (const ConfigError &e) {
            errs.add("base", std::string("the base hardware config is invalid: ") + e.what());
        }
    }
    errs.throw_if_any();

    std::vector<ConstraintExpr> exprs;
    for (size_t i = 0; i < spec.constraints.size(); ++i)
        exprs.emplace_back(spec.constraints[i],
                           spec.file + ": constraints[" + std::to_string(i) + "]");
    for (const auto &values : combos) {
        const PointRun b = base_run(spec, values);
        const YAML::Node *tree = exprs.empty() ? nullptr : tree_of(b);
        auto lookup = [&](const std::string &id) -> std::optional<std::string> {
            for (size_t k = 0; k < spec.keys.size(); ++k)
                if (spec.keys[k] == id)
                    return values[k];
            if (id == "workload")
                return b.workload;
            if (sweep_key_kind(id) == SweepKeyKind::variable || !tree)
                return std::nullopt;
            const auto n = find_path(*tree, id, nullptr, nullptr);
            if (!n || !n->IsScalar())
                return std::nullopt;
            return n->Scalar();
        };
        bool keep = true;
        for (const auto &e : exprs) {
            if (!e.holds(lookup)) {
                keep = false;
                break;
            }
        }
        if (!keep) {
            ++plan.excluded;
            continue;
        }
        SweepPoint p;
        p.index = plan.points.size();
        p.values = values;
        plan.points.push_back(std::move(p));
    }
    if (plan.points.empty())
        throw ConfigError(spec.file + ": constraints: exclude all " +
                          std::to_string(combos.size()) + " combinations; nothing to run");
    return plan;
}

// ---------------------------------------------------------------------------------------------
// Results

const std::vector<std::string> &sweep_metric_names() {
    static const std::vector<std::string> kNames = {
        "cycles",      "time_ns",         "energy_pj",        "area_mm2",    "macs",
        "utilization", "dram_read_bytes", "dram_write_bytes", "dram_bw_gbps"};
    return kNames;
}

const std::vector<std::string> &memtest_metric_names() {
    static const std::vector<std::string> kNames = {
        "bandwidth_gbps",           "mean_read_latency_ns",    "p50_read_latency_ns",
        "p99_read_latency_ns",      "mean_read_latency_cycles", "p50_read_latency_cycles",
        "p99_read_latency_cycles",  "row_hit_rate",            "activations_per_request",
        "energy_pj",                "dynamic_energy_pj",       "background_energy_pj",
        "elapsed_ns",               "peak_gbps",               "acts",
        "precharges",               "refreshes",               "read_bursts",
        "write_bursts",             "row_hits",                "row_misses",
        "row_conflicts"};
    return kNames;
}

std::vector<std::string> sweep_metric_columns(const std::vector<SweepObjective> &objectives,
                                              bool memtest) {
    std::vector<std::string> cols =
        memtest ? std::vector<std::string>{"bandwidth_gbps",       "mean_read_latency_ns",
                                           "p50_read_latency_ns",  "p99_read_latency_ns",
                                           "row_hit_rate",         "activations_per_request",
                                           "energy_pj"}
                : std::vector<std::string>{"cycles",          "time_ns",     "energy_pj",
                                           "area_mm2",        "utilization", "dram_read_bytes",
                                           "dram_write_bytes"};
    for (const auto &o : objectives)
        if (!contains(cols, o.metric))
            cols.push_back(o.metric);
    return cols;
}

std::vector<std::string> SweepTable::header() const {
    std::vector<std::string> h = {"point"};
    h.insert(h.end(), keys.begin(), keys.end());
    h.insert(h.end(), metrics.begin(), metrics.end());
    h.push_back("status");
    h.push_back("report");
    return h;
}

std::string csv_field(const std::string &s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos)
        return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"')
            q += '"';
        q += c;
    }
    return q + "\"";
}

std::string format_sweep_csv(const SweepTable &t) {
    std::ostringstream os;
    const auto h = t.header();
    for (size_t i = 0; i < h.size(); ++i)
        os << (i ? "," : "") << csv_field(h[i]);
    os << "\n";
    for (const auto &[idx, r] : t.rows) {
        os << idx;
        for (const auto &v : r.values)
            os << "," << csv_field(v);
        for (size_t m = 0; m < t.metrics.size(); ++m)
            os << "," << csv_field(m < r.metrics.size() ? r.metrics[m] : "");
        os << "," << csv_field(r.status) << "," << csv_field(r.report) << "\n";
    }
    return os.str();
}

namespace {

/// RFC 4180 records; each record carries the line it starts on.
std::vector<std::pair<size_t, std::vector<std::string>>>
parse_csv_records(const std::string &text, const std::string &file) {
    std::vector<std::pair<size_t, std::vector<std::string>>> recs;
    std::vector<std::string> fields;
    std::string cur;
    bool quoted_field = false, in_quotes = false, any = false;
    size_t line = 1, start_line = 1;
    auto end_record = [&] {
        fields.push_back(cur);
        recs.emplace_back(start_line, fields);
        fields.clear();
        cur.clear();
        quoted_field = false;
        any = false;
    };
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_quotes) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    cur += '"';
                    ++i;
                } else {
                    in_quotes = false;
                }
            } else {
                if (c == '\n')
                    ++line;
                cur += c;
            }
            continue;
        }
        if (!any)
            start_line = line;
        any = true;
        if (c == '"' && cur.empty() && !quoted_field) {
            in_quotes = quoted_field = true;
        } else if (c == ',') {
            fields.push_back(cur);
            cur.clear();
            quoted_field = false;
        } else if (c == '\n') {
            end_record();
            ++line;
        } else if (c == '\r') {
            // CRLF line ends are accepted.
        } else {
            if (quoted_field)
                throw ConfigError(file + ":" + std::to_string(line) +
                                  ": text after a closing quote");
            cur += c;
        }
    }
    if (in_quotes)
        throw ConfigError(file + ":" + std::to_string(start_line) + ": unterminated quoted field");
    if (any)
        end_record();
    return recs;
}

} // namespace

SweepTable parse_sweep_csv(const std::string &text, const std::string &file) {
    const auto recs = parse_csv_records(text, file);
    if (recs.empty())
        throw ConfigError(file + ": empty (no header line)");
    const auto &h = recs[0].second;
    const size_t n = h.size();
    if (n < 3 || h[0] != "point" || h[n - 2] != "status" || h[n - 1] != "report")
        throw ConfigError(file +
                          ":1: not a sweep results file (header must be point,...,status,report)");
    // The metric columns start at the first metric name (varied keys are key paths, `$names`,
    // `memtest.*` or `workload`, never a metric name).
    const std::vector<std::string> names = all_metric_names();
    size_t first_metric = 0;
    for (size_t i = 1; i + 2 < n && first_metric == 0; ++i)
        if (contains(names, h[i]))
            first_metric = i;
    if (first_metric == 0)
        throw ConfigError(file + ":1: no metric column: not a sweep results file");
    SweepTable t;
    t.keys.assign(h.begin() + 1, h.begin() + static_cast<long>(first_metric));
    t.metrics.assign(h.begin() + static_cast<long>(first_metric), h.end() - 2);
    for (const auto &m : t.metrics)
        if (!contains(names, m))
            throw ConfigError(file + ":1: unknown metric column " + squote(m));
    for (size_t r = 1; r < recs.size(); ++r) {
        const auto &[line, f] = recs[r];
        const std::string where = file + ":" + std::to_string(line);
        if (f.size() != n)
            throw ConfigError(where + ": " + std::to_string(f.size()) + " fields, the header has " +
                              std::to_string(n));
        uint64_t idx = 0;
        if (!parse_u64_text(f[0], &idx))
            throw ConfigError(where + ": point must be an index, got " + squote(f[0]));
        SweepRow row;
        row.index = idx;
        row.values.assign(f.begin() + 1, f.begin() + static_cast<long>(first_metric));
        row.metrics.assign(f.begin() + static_cast<long>(first_metric), f.end() - 2);
        row.status = f[n - 2];
        row.report = f[n - 1];
        if (!t.rows.emplace(idx, row).second)
            throw ConfigError(where + ": point " + std::to_string(idx) + " appears twice");
    }
    return t;
}

std::vector<size_t> pareto_front(const SweepTable &t,
                                 const std::vector<SweepObjective> &objectives) {
    std::vector<size_t> col;
    for (const auto &o : objectives) {
        const auto it = std::find(t.metrics.begin(), t.metrics.end(), o.metric);
        if (it == t.metrics.end())
            throw ConfigError("objective " + squote(o.metric) +
                              " is not a column of the results (" + join(t.metrics, ", ") + ")");
        col.push_back(static_cast<size_t>(it - t.metrics.begin()));
    }
    // Costs to minimise: maximised metrics are negated.
    std::vector<std::pair<size_t, std::vector<double>>> pts;
    for (const auto &[idx, r] : t.rows) {
        if (!r.ok())
            continue;
        std::vector<double> c;
        bool ok = true;
        for (size_t j = 0; j < col.size(); ++j) {
            double v = 0;
            if (col[j] >= r.metrics.size() || !parse_f64_text(r.metrics[col[j]], &v)) {
                ok = false;
                break;
            }
            c.push_back(objectives[j].maximize ? -v : v);
        }
        if (ok)
            pts.emplace_back(idx, std::move(c));
    }
    std::vector<size_t> front;
    for (size_t i = 0; i < pts.size(); ++i) {
        bool dominated = false;
        for (size_t j = 0; j < pts.size() && !dominated; ++j) {
            if (i == j)
                continue;
            bool all_le = true, one_lt = false;
            for (size_t d = 0; d < col.size(); ++d) {
                if (pts[j].second[d] > pts[i].second[d])
                    all_le = false;
                if (pts[j].second[d] < pts[i].second[d])
                    one_lt = true;
            }
            dominated = all_le && one_lt;
        }
        if (!dominated)
            front.push_back(pts[i].first);
    }
    return front;
}

SweepTable pareto_table(const SweepTable &t, const std::vector<SweepObjective> &objectives) {
    SweepTable p;
    p.keys = t.keys;
    p.metrics = t.metrics;
    for (size_t idx : pareto_front(t, objectives))
        p.rows.emplace(idx, t.rows.at(idx));
    return p;
}

SweepTable merge_sweep_tables(const std::vector<SweepTable> &tables,
                              const std::vector<std::string> &files) {
    if (tables.empty())
        throw ConfigError("--merge: no results to merge");
    SweepTable m;
    m.keys = tables[0].keys;
    m.metrics = tables[0].metrics;
    for (size_t i = 0; i < tables.size(); ++i) {
        const std::string &f = i < files.size() ? files[i] : "table " + std::to_string(i);
        if (tables[i].header() != m.header())
            throw ConfigError(f + ": columns (" + join(tables[i].header(), ",") + ") differ from " +
                              files[0] + " (" + join(m.header(), ",") +
                              "): not shards of one sweep");
        for (const auto &[idx, r] : tables[i].rows) {
            const auto [it, inserted] = m.rows.emplace(idx, r);
            if (!inserted && !(it->second == r))
                throw ConfigError(f + ": point " + std::to_string(idx) +
                                  " differs from the same point in another shard");
        }
    }
    return m;
}

bool read_report_totals(const std::string &path, const std::vector<std::string> &metrics,
                        std::vector<std::string> *out, std::string *err,
                        const std::string &section) {
    out->clear();
    YAML::Node root;
    try {
        // JSON is YAML: yaml-cpp reads report.json and keeps each number's text as written.
        root = YAML::LoadFile(path);
    } catch (const YAML::Exception &e) {
        *err = path + ": cannot be read as JSON (" + e.msg + ")";
        return false;
    }
    const YAML::Node total = section.empty() ? root : root[section];
    if (!total || !total.IsMap()) {
        *err = path + (section.empty() ? ": not a JSON object" : ": no '" + section + "' object");
        return false;
    }
    const std::string prefix = section.empty() ? "" : section + ".";
    for (const auto &m : metrics) {
        const YAML::Node v = total[m];
        double x = 0;
        if (!v || !v.IsScalar() || !parse_f64_text(v.Scalar(), &x)) {
            *err = path + ": " + prefix + m + " missing or not a number";
            return false;
        }
        out->push_back(v.Scalar());
    }
    return true;
}

std::string format_sweep_meta(const SweepMeta &m) {
    YAML::Emitter e;
    e << YAML::BeginMap;
    e << YAML::Key << "schema" << YAML::Value << "qasim.sweep/1";
    e << YAML::Key << "sweep_file" << YAML::Value << m.sweep_file;
    e << YAML::Key << "name" << YAML::Value << m.name;
    e << YAML::Key << "points" << YAML::Value << m.points;
    e << YAML::Key << "shard" << YAML::Value
      << (std::to_string(m.shard_index) + "/" + std::to_string(m.shard_count));
    e << YAML::Key << "objectives" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto &o : m.objectives)
        e << o.text();
    e << YAML::EndSeq;
    e << YAML::Key << "keys" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto &k : m.keys)
        e << k;
    e << YAML::EndSeq;
    e << YAML::EndMap;
    return std::string(e.c_str()) + "\n";
}

SweepMeta parse_sweep_meta(const std::string &text, const std::string &file) {
    const YAML::Node root = load_yaml_text(text, file);
    SweepMeta m;
    try {
        if (!root.IsMap() || root["schema"].as<std::string>() != "qasim.sweep/1")
            throw ConfigError(file + ": schema: must be qasim.sweep/1");
        m.sweep_file = root["sweep_file"].as<std::string>();
        m.name = root["name"].as<std::string>();
        m.points = root["points"].as<size_t>();
        const std::string shard = root["shard"].as<std::string>();
        const size_t slash = shard.find('/');
        uint64_t si = 0, sn = 0;
        if (slash == std::string::npos || !parse_u64_text(shard.substr(0, slash), &si) ||
            !parse_u64_text(shard.substr(slash + 1), &sn) || sn == 0 || si >= sn)
            throw ConfigError(file + ": shard: must be I/N, got " + squote(shard));
        m.shard_index = si;
        m.shard_count = sn;
        for (const auto &o : root["objectives"]) {
            SweepObjective obj;
            if (!parse_objective(o.as<std::string>(), &obj, all_metric_names()))
                throw ConfigError(file + ": objectives: unknown objective " +
                                  squote(o.as<std::string>()));
            m.objectives.push_back(obj);
        }
        for (const auto &k : root["keys"])
            m.keys.push_back(k.as<std::string>());
    } catch (const YAML::Exception &e) {
        throw ConfigError(file + ": not a sweep meta file (" + e.msg + ")");
    }
    return m;
}

} // namespace qasim::sim
