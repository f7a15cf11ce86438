#include "workloads/trace.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "sim/errors.h"
#include "workloads/generator.h"
#include "workloads/text_util.h"

namespace qasim::workloads {

using models::BSrc;
using models::Format;
using models::OpKind;

namespace {

const std::vector<std::string> kTraceKeys = {"schema", "model",   "phase", "batch",
                                             "seq",    "context", "quant", "ops"};
const std::vector<std::string> kRowKeys = {"name",   "op",    "m",     "k",     "n",     "batch",
                                           "repeat", "elems", "b_src", "a_fmt", "b_fmt", "out_fmt"};
const char* const kSchema = "qasim.trace/1";

bool contains(const std::vector<std::string>& v, const std::string& s) {
    for (const auto& x : v)
        if (x == s) return true;
    return false;
}

std::string allowed(const std::vector<std::string>& v) { return "allowed: " + join(v, ", "); }

/// Checks an unsigned integer cell; `lo` is the smallest allowed value.
bool check_u64(const std::string& text, uint64_t lo, const std::string& path, sim::Errors& errs,
               uint64_t* out) {
    uint64_t v = 0;
    if (!parse_u64_strict(trim(text), &v) || v < lo) {
        errs.add(path, "must be an integer >= " + std::to_string(lo) + ", got " + quoted(text));
        return false;
    }
    *out = v;
    return true;
}

bool check_format(const std::string& text, const std::string& path, sim::Errors& errs,
                  Format* out) {
    try {
        *out = models::parse_format(trim(text));
        return true;
    } catch (const models::FormatError& e) {
        errs.add(path, e.what());
        return false;
    }
}

/// Trace-level fields as text, from YAML keys or CSV `# key: value` comments.
struct Header {
    std::map<std::string, std::string> scalars;  // schema, model, phase, batch, seq, context
    std::map<std::string, std::string> quant;    // role -> format text (validated later)
};

/// Validates the trace-level fields and fills `t` (quant strings included).
void apply_header(const Header& h, bool schema_required, sim::Errors& errs, Trace* t) {
    auto it = h.scalars.find("schema");
    if (it == h.scalars.end()) {
        if (schema_required)
            errs.add("schema", std::string("required: add `schema: ") + kSchema + "` at the top");
    } else if (trim(it->second) != kSchema) {
        errs.add("schema", std::string("must be '") + kSchema + "', got " + quoted(it->second));
    }
    if ((it = h.scalars.find("model")) != h.scalars.end()) t->model = trim(it->second);
    if ((it = h.scalars.find("phase")) != h.scalars.end()) {
        const std::string p = trim(it->second);
        if (p != "prefill" && p != "decode")
            errs.add("phase", "must be one of prefill, decode, got " + quoted(it->second));
        else t->phase = p;
    }
    if ((it = h.scalars.find("batch")) != h.scalars.end())
        check_u64(it->second, 1, "batch", errs, &t->batch);
    if ((it = h.scalars.find("seq")) != h.scalars.end())
        check_u64(it->second, 0, "seq", errs, &t->seq);
    if ((it = h.scalars.find("context")) != h.scalars.end())
        check_u64(it->second, 0, "context", errs, &t->context);
    for (const auto& [role, text] : h.quant) {
        if (!contains(quant_roles(), role)) {
            errs.add("quant." + role, "unknown role; " + allowed(quant_roles()));
            continue;
        }
        Format f;
        if (check_format(text, "quant." + role, errs, &f)) t->quant[role] = f.spec;
    }
}

/// Validates one row given as key → text and appends the op to `t`. `where` names the row
/// ("ops[3] (L.qk)" or "line 12 (L.qk)").
void build_row(const std::map<std::string, std::string>& cells, const std::string& where,
               const RoleFormats& roles, sim::Errors& errs, Trace* t) {
    const size_t before = errs.messages().size();
    auto at = [&](const std::string& key) { return where + ": " + key; };
    for (const auto& [key, value] : cells) {
        (void)value;
        if (!contains(kRowKeys, key)) errs.add(at(key), "unknown key; " + allowed(kRowKeys));
    }
    auto get = [&](const std::string& key, std::string* out) {
        auto it = cells.find(key);
        if (it == cells.end()) return false;
        *out = it->second;
        return true;
    };
    models::Op op;
    std::string text;
    if (!get("name", &text) || trim(text).empty())
        errs.add(at("name"), "required (a non-empty name)");
    else op.name = trim(text);
    if (!get("op", &text)) {
        errs.add(at("op"), "required; " + allowed(models::op_kind_names()));
        return;
    }
    if (!models::parse_op_kind(trim(text), &op.kind)) {
        errs.add(at("op"), "unknown op " + quoted(text) + "; " + allowed(models::op_kind_names()));
        return;
    }
    const std::string kind_name = models::to_string(op.kind);
    const bool mm = models::is_matmul(op.kind);
    if (mm) {
        const char* dims[] = {"m", "k", "n"};
        uint64_t* vals[] = {&op.m, &op.k, &op.n};
        for (int i = 0; i < 3; ++i) {
            if (!get(dims[i], &text))
                errs.add(at(dims[i]), "required for matmul op " + kind_name + " (m, k, n >= 1)");
            else check_u64(text, 1, at(dims[i]), errs, vals[i]);
        }
        if (get("batch", &text)) check_u64(text, 1, at("batch"), errs, &op.batch);
        if (get("elems", &text))
            errs.add(at("elems"),
                     "not allowed on matmul op " + kind_name + " (it uses m, k, n, batch)");
        op.b_src = default_b_src(op.kind);
        if (get("b_src", &text) && !models::parse_b_src(trim(text), &op.b_src))
            errs.add(at("b_src"), "unknown " + quoted(text) + "; allowed: weight, kv, act");
    } else {
        if (!get("elems", &text))
            errs.add(at("elems"), "required for op " + kind_name + " (elems >= 1)");
        else check_u64(text, 1, at("elems"), errs, &op.elems);
        for (const char* key : {"m", "k", "n", "batch", "b_src", "b_fmt"}) {
            if (get(key, &text))
                errs.add(at(key),
                         "not allowed on op " + kind_name +
                             " (only matmul ops gemm, gemv, attention_qk, attention_pv take it)");
        }
    }
    if (get("repeat", &text)) check_u64(text, 1, at("repeat"), errs, &op.repeat);
    op.a = default_a_format(op.kind, roles);
    op.b = default_b_format(op.kind, op.b_src, roles);
    op.out = default_out_format(op.kind, roles);
    if (get("a_fmt", &text)) check_format(text, at("a_fmt"), errs, &op.a);
    if (mm && get("b_fmt", &text)) check_format(text, at("b_fmt"), errs, &op.b);
    if (get("out_fmt", &text)) check_format(text, at("out_fmt"), errs, &op.out);
    if (errs.messages().size() == before) t->ops.push_back(op);
}

RoleFormats roles_or_fp16(const Trace& t) {
    // apply_header only stores valid formats, so this cannot throw.
    return resolve_roles(t.quant);
}

std::string row_name_for(const std::map<std::string, std::string>& cells) {
    auto it = cells.find("name");
    return it == cells.end() || trim(it->second).empty() ? "" : " (" + trim(it->second) + ")";
}

// ---- YAML ----

std::string scalar_text(const YAML::Node& n) { return n.IsScalar() ? n.Scalar() : std::string(); }

std::string mark(const YAML::Node& n) {
    const YAML::Mark m = n.Mark();
    return m.is_null() ? "" : ", line " + std::to_string(m.line + 1);
}

// ---- CSV ----

/// Splits one CSV line into cells (double quotes with "" escapes). Returns false on an
/// unterminated quote.
bool split_csv(const std::string& line, std::vector<std::string>* cells) {
    cells->clear();
    std::string cur;
    bool in_quotes = false, was_quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (in_quotes) {
            if (c == '"') {
                if (i + 1 < line.size() && line[i + 1] == '"') {
                    cur += '"';
                    ++i;
                } else {
                    in_quotes = false;
                }
            } else {
                cur += c;
            }
        } else if (c == '"' && trim(cur).empty()) {
            in_quotes = true;
            was_quoted = true;
            cur.clear();
        } else if (c == ',') {
            cells->push_back(was_quoted ? cur : trim(cur));
            cur.clear();
            was_quoted = false;
        } else if (!was_quoted) {
            cur += c;
        }
    }
    if (in_quotes) return false;
    cells->push_back(was_quoted ? cur : trim(cur));
    return true;
}

void parse_quant_flow(const std::string& text, const std::string& path, sim::Errors& errs,
                      Header* h) {
    YAML::Node n;
    try {
        n = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        errs.add(path,
                 "must be a map of role: format, e.g. {weights: int4/g128, activations: fp16} (" +
                     std::string(e.msg) + ")");
        return;
    }
    if (!n.IsMap()) {
        errs.add(
            path,
            "must be a map of role: format, e.g. {weights: int4/g128, activations: fp16}, got " +
                quoted(text));
        return;
    }
    for (const auto& kv : n) {
        const std::string role = kv.first.Scalar();
        if (!kv.second.IsScalar()) {
            errs.add(path + "." + role, "must be a format string");
            continue;
        }
        h->quant[role] = kv.second.Scalar();
    }
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw sim::ConfigError("trace '" + path + "': cannot be read (" + std::strerror(errno) +
                               ")");
    std::ostringstream os;
    os << in.rdbuf();
    return os.str();
}

}  // namespace

const std::vector<std::string>& quant_roles() {
    static const std::vector<std::string> roles = {"weights", "activations", "kv", "scores"};
    return roles;
}

models::Format kv_operand_format(const Format& kv) {
    if (kv.gran != models::Granularity::group || kv.group_along_n) return kv;
    auto parts = split(kv.spec, '/');
    parts[1] = "gn" + std::to_string(kv.group);
    return models::parse_format(join(parts, "/"));
}

RoleFormats resolve_roles(const std::map<std::string, std::string>& quant) {
    RoleFormats r;
    auto get = [&](const char* role, Format* f) {
        auto it = quant.find(role);
        if (it != quant.end()) *f = models::parse_format(it->second);
    };
    get("weights", &r.weights);
    get("activations", &r.activations);
    get("kv", &r.kv);
    r.scores = r.activations;
    get("scores", &r.scores);
    r.kv_operand = kv_operand_format(r.kv);
    return r;
}

BSrc default_b_src(OpKind kind) {
    return kind == OpKind::attention_qk || kind == OpKind::attention_pv ? BSrc::kv : BSrc::weight;
}

Format default_a_format(OpKind kind, const RoleFormats& r) {
    if (kind == OpKind::attention_pv) return r.scores;
    if (kind == OpKind::embedding) return r.weights;
    return r.activations;
}

Format default_b_format(OpKind kind, BSrc src, const RoleFormats& r) {
    if (!models::is_matmul(kind)) return r.activations;
    switch (src) {
    case BSrc::weight: return r.weights;
    case BSrc::kv: return r.kv_operand;
    case BSrc::act: return r.activations;
    }
    return r.activations;
}

Format default_out_format(OpKind kind, const RoleFormats& r) {
    if (kind == OpKind::softmax) return r.scores;
    if (kind == OpKind::kv_write) return r.kv;
    return r.activations;
}

uint64_t Trace::total_macs() const {
    uint64_t s = 0;
    for (const auto& op : ops) s += op.macs() * op.repeat;
    return s;
}

Trace parse_trace_yaml(const std::string& text, const std::string& file) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw sim::ConfigError(file + ":" + std::to_string(e.mark.line + 1) + ":" +
                               std::to_string(e.mark.column + 1) + ": " + e.msg);
    }
    if (!root.IsMap())
        throw sim::ConfigError(file + ": a trace must be a YAML map with schema: " + kSchema +
                               " and ops:");
    sim::Errors errs(file);
    Trace t;
    t.source = file;
    Header h;
    YAML::Node ops;
    for (const auto& kv : root) {
        const std::string key = kv.first.Scalar();
        if (!contains(kTraceKeys, key)) {
            errs.add(key, "unknown key; " + allowed(kTraceKeys));
        } else if (key == "ops") {
            ops = kv.second;
        } else if (key == "quant") {
            if (kv.second.IsNull()) continue;
            if (!kv.second.IsMap()) {
                errs.add(
                    "quant",
                    "must be a map of role: format, e.g. {weights: int4/g128, activations: fp16}");
                continue;
            }
            for (const auto& q : kv.second) {
                const std::string role = q.first.Scalar();
                if (!q.second.IsScalar()) errs.add("quant." + role, "must be a format string");
                else h.quant[role] = q.second.Scalar();
            }
        } else if (!kv.second.IsScalar()) {
            errs.add(key, "must be a scalar");
        } else {
            h.scalars[key] = kv.second.Scalar();
        }
    }
    apply_header(h, true, errs, &t);
    const RoleFormats roles = roles_or_fp16(t);
    if (!ops.IsDefined() || ops.IsNull()) {
        errs.add("ops", "required: a list of rows {name, op, ...}");
    } else if (!ops.IsSequence()) {
        errs.add("ops", "must be a list of rows {name, op, ...}");
    } else if (ops.size() == 0) {
        errs.add("ops", "must hold at least one row");
    } else {
        for (size_t i = 0; i < ops.size(); ++i) {
            const YAML::Node row = ops[i];
            std::string where = "ops[" + std::to_string(i) + "]";
            if (!row.IsMap()) {
                errs.add(where + mark(row), "must be a map {name, op, ...}");
                continue;
            }
            std::map<std::string, std::string> cells;
            bool ok = true;
            for (const auto& kv : row) {
                const std::string key = kv.first.Scalar();
                if (!kv.second.IsScalar()) {
                    errs.add(where + mark(row) + ": " + key,
                             "must be a scalar, got a list, map or nothing");
                    ok = false;
                    continue;
                }
                cells[key] = scalar_text(kv.second);
            }
            if (!ok) continue;
            build_row(cells, where + row_name_for(cells) + mark(row), roles, errs, &t);
        }
    }
    errs.throw_if_any();
    return t;
}

Trace parse_trace_csv(const std::string& text, const std::string& file) {
    sim::Errors errs(file);
    Trace t;
    t.source = file;
    Header h;
    std::vector<std::string> header;
    std::vector<std::string> cells;
    std::istringstream in(text);
    std::string line;
    size_t line_no = 0;
    bool header_done = false;
    struct PendingRow {
        std::map<std::string, std::string> cells;
        size_t line;
    };
    std::vector<PendingRow> rows;
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::string s = trim(line);
        if (s.empty()) continue;
        const std::string at_line = "line " + std::to_string(line_no);
        if (s[0] == '#') {
            if (header_done) continue;
            const std::string body = trim(s.substr(1));
            const size_t colon = body.find(':');
            if (colon == std::string::npos) continue;
            const std::string key = trim(body.substr(0, colon));
            const std::string value = trim(body.substr(colon + 1));
            if (key == "quant") parse_quant_flow(value, at_line + ": quant", errs, &h);
            else if (contains(kTraceKeys, key) && key != "ops") h.scalars[key] = value;
            continue;
        }
        if (!split_csv(line, &cells)) {
            errs.add(at_line, "unterminated double quote");
            continue;
        }
        if (!header_done) {
            header_done = true;
            std::set<std::string> seen;
            for (const auto& c : cells) {
                if (!contains(kRowKeys, c))
                    errs.add(at_line + ": header",
                             "unknown column " + quoted(c) + "; " + allowed(kRowKeys));
                else if (!seen.insert(c).second)
                    errs.add(at_line + ": header", "duplicate column " + quoted(c));
            }
            for (const char* req : {"name", "op"})
                if (!seen.count(req))
                    errs.add(at_line + ": header", std::string("missing column '") + req + "'");
            header = cells;
            continue;
        }
        PendingRow r;
        r.line = line_no;
        for (size_t i = 0; i < cells.size(); ++i) {
            if (i >= header.size()) {
                if (!cells[i].empty())
                    errs.add(at_line, "has " + std::to_string(cells.size()) +
                                          " cells, the header has " +
                                          std::to_string(header.size()));
                continue;
            }
            if (!cells[i].empty() && contains(kRowKeys, header[i])) r.cells[header[i]] = cells[i];
        }
        rows.push_back(std::move(r));
    }
    if (!header_done) errs.add("", "no header line (columns: " + join(kRowKeys, ",") + ")");
    apply_header(h, false, errs, &t);
    const RoleFormats roles = roles_or_fp16(t);
    if (header_done && rows.empty()) errs.add("", "no op rows after the header");
    if (errs.empty()) {
        for (const auto& r : rows)
            build_row(r.cells, "line " + std::to_string(r.line) + row_name_for(r.cells), roles,
                      errs, &t);
    }
    errs.throw_if_any();
    return t;
}

Trace load_trace(const std::string& path) {
    const size_t dot = path.find_last_of('.');
    const std::string ext = dot == std::string::npos ? "" : lower(path.substr(dot));
    if (ext != ".yaml" && ext != ".yml" && ext != ".csv")
        throw sim::ConfigError(
            "trace '" + path + "': unknown extension " + quoted(ext) +
            "; allowed: .yaml, .yml, .csv (or zoo:MODEL[:PHASE][?key=value&...])");
    const std::string text = read_file(path);
    return ext == ".csv" ? parse_trace_csv(text, path) : parse_trace_yaml(text, path);
}

Trace resolve_workload(const std::string& arg) {
    if (arg.rfind("zoo:", 0) == 0) return zoo_trace(arg);
    return load_trace(arg);
}

namespace {

struct RowText {
    std::vector<std::pair<std::string, std::string>> fields;  // key, value (already formatted)
};

RowText row_fields(const models::Op& op, const RoleFormats& roles) {
    RowText r;
    r.fields.emplace_back("name", op.name);
    r.fields.emplace_back("op", models::to_string(op.kind));
    if (models::is_matmul(op.kind)) {
        r.fields.emplace_back("m", std::to_string(op.m));
        r.fields.emplace_back("k", std::to_string(op.k));
        r.fields.emplace_back("n", std::to_string(op.n));
        if (op.batch != 1) r.fields.emplace_back("batch", std::to_string(op.batch));
        r.fields.emplace_back("b_src", models::to_string(op.b_src));
    } else {
        r.fields.emplace_back("elems", std::to_string(op.elems));
    }
    if (op.a != default_a_format(op.kind, roles)) r.fields.emplace_back("a_fmt", op.a.spec);
    if (models::is_matmul(op.kind) && op.b != default_b_format(op.kind, op.b_src, roles))
        r.fields.emplace_back("b_fmt", op.b.spec);
    if (op.out != default_out_format(op.kind, roles)) r.fields.emplace_back("out_fmt", op.out.spec);
    if (op.repeat != 1) r.fields.emplace_back("repeat", std::to_string(op.repeat));
    return r;
}

std::vector<std::pair<std::string, std::string>> ordered_quant(const Trace& t) {
    std::vector<std::pair<std::string, std::string>> v;
    for (const auto& role : quant_roles()) {
        auto it = t.quant.find(role);
        if (it != t.quant.end()) v.emplace_back(role, it->second);
    }
    for (const auto& [role, f] : t.quant)
        if (!contains(quant_roles(), role)) v.emplace_back(role, f);
    return v;
}

std::string quant_flow(const Trace& t) {
    std::vector<std::string> items;
    for (const auto& [role, f] : ordered_quant(t))
        items.push_back(yaml_scalar(role) + ": " + yaml_scalar(f));
    return "{" + join(items, ", ") + "}";
}

}  // namespace

std::string to_yaml(const Trace& t) {
    const RoleFormats roles = resolve_roles(t.quant);
    std::ostringstream os;
    os << "schema: " << t.schema << "\n";
    if (!t.model.empty()) os << "model: " << yaml_scalar(t.model) << "\n";
    os << "phase: " << t.phase << "\n";
    os << "batch: " << t.batch << "\n";
    if (t.seq) os << "seq: " << t.seq << "\n";
    if (t.context) os << "context: " << t.context << "\n";
    if (!t.quant.empty()) os << "quant: " << quant_flow(t) << "\n";
    os << "ops:\n";
    for (const auto& op : t.ops) {
        std::vector<std::string> items;
        for (const auto& [k, v] : row_fields(op, roles).fields)
            items.push_back(k + ": " + yaml_scalar(v));
        os << "  - {" << join(items, ", ") << "}\n";
    }
    return os.str();
}

std::string to_csv(const Trace& t) {
    const RoleFormats roles = resolve_roles(t.quant);
    std::ostringstream os;
    os << "# schema: " << t.schema << "\n";
    if (!t.model.empty()) os << "# model: " << t.model << "\n";
    os << "# phase: " << t.phase << "\n";
    os << "# batch: " << t.batch << "\n";
    if (t.seq) os << "# seq: " << t.seq << "\n";
    if (t.context) os << "# context: " << t.context << "\n";
    if (!t.quant.empty()) os << "# quant: " << quant_flow(t) << "\n";
    os << join(kRowKeys, ",") << "\n";
    for (const auto& op : t.ops) {
        std::map<std::string, std::string> cells;
        for (const auto& [k, v] : row_fields(op, roles).fields) cells[k] = v;
        if (models::is_matmul(op.kind)) cells["batch"] = std::to_string(op.batch);
        cells["repeat"] = std::to_string(op.repeat);
        std::vector<std::string> out;
        for (const auto& key : kRowKeys)
            out.push_back(cells.count(key) ? csv_cell(cells[key]) : "");
        os << join(out, ",") << "\n";
    }
    return os.str();
}

}  // namespace qasim::workloads
