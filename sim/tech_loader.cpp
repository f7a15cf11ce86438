// Technology tables from YAML (configs/tech/*.yaml embedded at build time, or a user file).
#include "sim/tech_loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sim/errors.h"
#include "sim/fields.h"

namespace qasim::sim {
const std::map<std::string, std::string>& embedded_files();
}  // namespace qasim::sim

namespace qasim::sim {
namespace {

using models::SramPoint;
using models::Tech;

bool parse_int_text(const std::string& v, int lo, int hi, int* out) {
    uint64_t x = 0;
    if (!parse_u64_text(v, &x) || x < static_cast<uint64_t>(lo) || x > static_cast<uint64_t>(hi))
        return false;
    *out = static_cast<int>(x);
    return true;
}

/// Adds a strictly positive real field (energies and areas: 0 would silently drop a cost).
template <class Cfg>
void positive(FieldTable<Cfg>& f, const char* key, double Cfg::*m, const char* unit,
              const char* desc) {
    f.custom(
        key, "number", unit, desc, "> 0",
        [m](Cfg& c, const std::string& v, std::string* err) {
            double x = 0;
            if (parse_f64_text(v, &x) && x > 0) {
                c.*m = x;
                return true;
            }
            *err = "must be a number > 0, got '" + v + "'";
            return false;
        },
        [m](const Cfg& c) { return format_f64(c.*m); });
}

/// Scalar keys of a tech table. Every energy/area must be > 0.
const FieldTable<Tech>& tech_fields() {
    static const FieldTable<Tech> t = [] {
        FieldTable<Tech> f;
        f.custom("node_nm", "integer", "nm", "feature size", "1..1000",
                 [](Tech& c, const std::string& v, std::string* err) {
                     if (parse_int_text(v, 1, 1000, &c.node_nm)) return true;
                     *err = "must be an integer in [1, 1000], got '" + v + "'";
                     return false;
                 },
                 [](const Tech& c) { return std::to_string(c.node_nm); });
        f.text("name", &Tech::name, "table name");
        f.f64("vdd_v", &Tech::vdd_v, "V", "supply voltage of the anchors", 0.1, 5.0);
        positive(f, "int8_add_pj", &Tech::int8_add_pj, "pJ", "8-bit integer add");
        positive(f, "int16_add_pj", &Tech::int16_add_pj, "pJ", "16-bit integer add");
        positive(f, "int32_add_pj", &Tech::int32_add_pj, "pJ", "32-bit integer add");
        positive(f, "int8_add_um2", &Tech::int8_add_um2, "um2", "8-bit integer adder area");
        positive(f, "int16_add_um2", &Tech::int16_add_um2, "um2", "16-bit integer adder area");
        positive(f, "int32_add_um2", &Tech::int32_add_um2, "um2", "32-bit integer adder area");
        positive(f, "int8_mult_pj", &Tech::int8_mult_pj, "pJ", "8x8-bit integer multiply");
        positive(f, "int32_mult_pj", &Tech::int32_mult_pj, "pJ", "32x32-bit integer multiply");
        positive(f, "int8_mult_um2", &Tech::int8_mult_um2, "um2", "8x8 multiplier area");
        positive(f, "int32_mult_um2", &Tech::int32_mult_um2, "um2", "32x32 multiplier area");
        positive(f, "fp16_add_pj", &Tech::fp16_add_pj, "pJ", "fp16 add");
        positive(f, "fp32_add_pj", &Tech::fp32_add_pj, "pJ", "fp32 add");
        positive(f, "fp16_add_um2", &Tech::fp16_add_um2, "um2", "fp16 adder area");
        positive(f, "fp32_add_um2", &Tech::fp32_add_um2, "um2", "fp32 adder area");
        positive(f, "fp16_mult_pj", &Tech::fp16_mult_pj, "pJ", "fp16 multiply");
        positive(f, "fp32_mult_pj", &Tech::fp32_mult_pj, "pJ", "fp32 multiply");
        positive(f, "fp16_mult_um2", &Tech::fp16_mult_um2, "um2", "fp16 multiplier area");
        positive(f, "fp32_mult_um2", &Tech::fp32_mult_um2, "um2", "fp32 multiplier area");
        positive(f, "bitwise_pj_per_bit", &Tech::bitwise_pj_per_bit, "pJ",
                 "2-input gate op (AND, 2:1 mux) per bit");
        positive(f, "bitwise_um2_per_bit", &Tech::bitwise_um2_per_bit, "um2",
                 "2-input gate area per bit");
        positive(f, "regfile_pj_per_bit", &Tech::regfile_pj_per_bit, "pJ",
                 "register access per bit");
        positive(f, "regfile_um2_per_bit", &Tech::regfile_um2_per_bit, "um2",
                 "register area per bit");
        positive(f, "noc_pj_per_byte_hop", &Tech::noc_pj_per_byte_hop, "pJ",
                 "one byte over one NoC router+link hop");
        f.f64("leakage_mw_per_mm2", &Tech::leakage_mw_per_mm2, "mW/mm2", "static power density",
              0.0);
        f.f64("sram_read_width_exp", &Tech::sram_read_width_exp, "",
              "read pJ/bit ~ (width/anchor width)^-exp", 0.0, 1.0);
        f.f64("sram_write_width_exp", &Tech::sram_write_width_exp, "",
              "write pJ/bit ~ (width/anchor width)^-exp", 0.0, 1.0);
        f.f64("sram_area_width_exp", &Tech::sram_area_width_exp, "",
              "area ~ (width/anchor width)^exp", 0.0, 1.0);
        return f;
    }();
    return t;
}

/// Keys of one entry of the `sram` list.
const FieldTable<SramPoint>& sram_fields() {
    static const FieldTable<SramPoint> t = [] {
        FieldTable<SramPoint> f;
        f.custom("capacity_kb", "number", "KiB", "macro capacity", "> 0, whole bytes",
                 [](SramPoint& p, const std::string& v, std::string* err) {
                     double kb = 0;
                     if (parse_f64_text(v, &kb) && kb > 0 && kb * 1024 < 1e15 &&
                         kb * 1024 == static_cast<double>(static_cast<uint64_t>(kb * 1024))) {
                         p.capacity_bytes = static_cast<uint64_t>(kb * 1024);
                         return true;
                     }
                     *err = "must be a number > 0 that is a whole number of bytes, got '" + v + "'";
                     return false;
                 },
                 [](const SramPoint& p) { return format_f64(p.capacity_bytes / 1024.0); })
            .custom("width_bits", "integer", "bit", "access width", "1..4096",
                    [](SramPoint& p, const std::string& v, std::string* err) {
                        int w = 0;
                        if (parse_int_text(v, 1, 4096, &w)) {
                            p.width_bits = static_cast<uint32_t>(w);
                            return true;
                        }
                        *err = "must be an integer in [1, 4096], got '" + v + "'";
                        return false;
                    },
                    [](const SramPoint& p) { return std::to_string(p.width_bits); })
            ;
        positive(f, "read_pj", &SramPoint::read_pj, "pJ", "energy of one read of width_bits");
        positive(f, "write_pj", &SramPoint::write_pj, "pJ", "energy of one write of width_bits");
        positive(f, "area_mm2", &SramPoint::area_mm2, "mm2", "macro area");
        return f;
    }();
    return t;
}

std::string scalar_text(const YAML::Node& n) { return n.IsScalar() ? n.Scalar() : std::string(); }

RawSection raw_section(const YAML::Node& map, std::set<std::string>* skip) {
    RawSection r;
    for (const auto& kv : map) {
        const std::string key = scalar_text(kv.first);  // a map/list key: "" (unknown key)
        if (skip && skip->count(key)) continue;
        r.push_back({key, scalar_text(kv.second), kv.second.IsScalar()});
    }
    return r;
}

std::string builtin_path(int node_nm) {
    return "configs/tech/" + std::to_string(node_nm) + "nm.yaml";
}

std::string nodes_text() {
    std::string s;
    for (int n : builtin_tech_nodes()) s += (s.empty() ? "" : ", ") + std::to_string(n);
    return s;
}

/// Scalar keys that a table without `base_nm` must give.
void check_complete(const YAML::Node& root, Errors& errs) {
    std::string missing;
    for (const auto& [key, value] : tech_fields().dump(Tech{})) {
        (void)value;
        if (key == "name" || key == "vdd_v") continue;  // informative, have defaults
        if (!root[key]) missing += (missing.empty() ? "" : ", ") + key;
    }
    if (!root["sram"]) missing += (missing.empty() ? "" : ", ") + std::string("sram");
    if (!missing.empty())
        errs.add("", "missing keys (give them or set base_nm to start from a built-in table): " +
                         missing);
}

Tech parse_root(const YAML::Node& root, const std::string& file, int depth) {
    Errors errs(file);
    if (!root.IsMap()) {
        errs.add("", "a tech table must be a YAML map of keys (see docs/energy_model.md)");
        errs.throw_if_any();
    }
    Tech t;
    std::set<std::string> special = {"base_nm", "sram"};
    if (const YAML::Node b = root["base_nm"]) {
        int base = 0;
        const std::string v = scalar_text(b);
        const auto& nodes = builtin_tech_nodes();
        if (!b.IsScalar() || !parse_int_text(v, 1, 1000, &base) ||
            std::find(nodes.begin(), nodes.end(), base) == nodes.end() || depth > 0) {
            errs.add("base_nm", "must be one of the built-in nodes {" + nodes_text() + "}, got '" +
                                    v + "'");
            errs.throw_if_any();
        }
        t = load_tech(base);
    } else {
        check_complete(root, errs);
    }
    tech_fields().parse(raw_section(root, &special), t, "", errs);

    if (const YAML::Node s = root["sram"]) {
        if (!s.IsSequence() || s.size() == 0) {
            errs.add("sram", "must be a non-empty list of {capacity_kb, width_bits, read_pj, "
                             "write_pj, area_mm2}");
        } else {
            t.sram.clear();
            for (size_t i = 0; i < s.size(); ++i) {
                const std::string path = "sram[" + std::to_string(i) + "]";
                if (!s[i].IsMap()) {
                    errs.add(path, "must be a map with keys " + sram_fields().keys_text());
                    continue;
                }
                SramPoint p;
                p.capacity_bytes = 0;
                sram_fields().parse(raw_section(s[i], nullptr), p, path, errs);
                std::string missing;
                for (const char* k :
                     {"capacity_kb", "width_bits", "read_pj", "write_pj", "area_mm2"})
                    if (!s[i][k]) missing += (missing.empty() ? "" : ", ") + std::string(k);
                if (!missing.empty()) errs.add(path, "missing keys: " + missing);
                t.sram.push_back(p);
            }
            for (size_t i = 1; i < t.sram.size() && errs.empty(); ++i) {
                const std::string path = "sram[" + std::to_string(i) + "]";
                if (t.sram[i].width_bits != t.sram[0].width_bits)
                    errs.add(path + ".width_bits", "all anchors must share one width (" +
                                                       std::to_string(t.sram[0].width_bits) +
                                                       "), got " +
                                                       std::to_string(t.sram[i].width_bits));
                if (t.sram[i].capacity_bytes <= t.sram[i - 1].capacity_bytes)
                    errs.add(path + ".capacity_kb",
                             "anchors must be sorted by strictly increasing capacity, got " +
                                 format_f64(t.sram[i].capacity_bytes / 1024.0) + " after " +
                                 format_f64(t.sram[i - 1].capacity_bytes / 1024.0));
            }
        }
    }
    errs.throw_if_any();
    if (t.name.empty()) t.name = std::to_string(t.node_nm) + "nm";
    t.source = file;
    return t;
}

Tech parse_text(const std::string& text, const std::string& file, int depth) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw ConfigError(file + ": invalid YAML: " + e.what());
    }
    return parse_root(root, file, depth);
}

}  // namespace

const std::vector<int>& builtin_tech_nodes() {
    static const std::vector<int> nodes = {45, 28, 16, 7};
    return nodes;
}

Tech load_tech(int node_nm) {
    const auto& nodes = builtin_tech_nodes();
    if (std::find(nodes.begin(), nodes.end(), node_nm) == nodes.end())
        throw ConfigError("tech_nm: no built-in technology table for " + std::to_string(node_nm) +
                          " nm; allowed: " + nodes_text() + " (or a user tech file)");
    const std::string path = builtin_path(node_nm);
    const auto& files = embedded_files();
    const auto it = files.find(path);
    if (it == files.end())
        throw ConfigError(path + ": not embedded in this binary (rebuild after cmake configure)");
    Tech t = parse_text(it->second, path, 1);
    if (t.node_nm != node_nm)
        throw ConfigError(path + ": node_nm: must be " + std::to_string(node_nm) + ", got " +
                          std::to_string(t.node_nm));
    return t;
}

models::Tech parse_tech_yaml(const std::string& text, const std::string& file) {
    return parse_text(text, file, 0);
}

std::string dump_tech_yaml(const models::Tech& t) {
    std::string out = "# qasim technology table (keys: docs/energy_model.md)\n";
    for (const auto& [key, value] : tech_fields().dump(t)) {
        if (key != "name") {
            out += key + ": " + value + "\n";
            continue;
        }
        std::string q;  // double-quoted YAML scalar
        for (char c : value) {
            if (c == '"' || c == '\\') q += '\\';
            q += c;
        }
        out += key + ": \"" + q + "\"\n";
    }
    out += "sram:\n";
    for (const SramPoint& p : t.sram) {
        std::string row;
        for (const auto& [key, value] : sram_fields().dump(p))
            row += (row.empty() ? "" : ", ") + key + ": " + value;
        out += "  - {" + row + "}\n";
    }
    return out;
}

Tech load_tech_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ConfigError(path + ": cannot open tech file");
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_text(ss.str(), path, 0);
}

}  // namespace qasim::sim
