#include "sim/hw_config.h"

#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "sim/yaml_util.h"

namespace qasim::sim {
namespace {

const char* const kTopKeys[] = {"name", "clock_mhz", "tech_nm", "tech_file", "units", "memory",
                                "interconnect", "mapping", "placement", "sim", "dma"};

std::string top_keys_text() {
    std::string s;
    for (const char* k : kTopKeys) s += (s.empty() ? "" : ", ") + std::string(k);
    return s;
}

void parse_instance(const std::string& name, const YAML::Node& node, Role role, const std::string& path,
                    InstanceConfig& out, Errors& errs) {
    out.name = name;
    out.role = role;
    if (!node.IsMap()) {
        errs.add(path, "must be a map with a `type` key and the type's fields");
        return;
    }
    RawSection raw;
    for (const auto& kv : node) {
        const std::string key = map_key(kv.first, path, errs.file());
        if (key == "type") {
            if (!kv.second.IsScalar()) errs.add(path + ".type", "must be a string");
            else out.type = kv.second.as<std::string>();
            continue;
        }
        raw.push_back(raw_entry(key, kv.second));
    }
    if (out.type.empty()) {
        errs.add(path + ".type", "missing; allowed " + std::string(to_string(role)) + " types: " +
                                     Registry::names(role));
        return;
    }
    out.entry = Registry::find(role, out.type);
    if (!out.entry) {
        errs.add(path + ".type", "unknown " + std::string(to_string(role)) + " type '" + out.type +
                                     "'; allowed: " + Registry::names(role));
        return;
    }
    out.cfg = out.entry->parse(raw, path, errs);
}

}  // namespace

bool MappingRule::matches(models::OpKind k) const {
    const std::string n = models::to_string(k);
    for (const auto& o : ops) {
        if (o == n || o == "*") return true;
        if (o == "attention" && (k == models::OpKind::attention_qk || k == models::OpKind::attention_pv)) return true;
        if (o == "matmul" && models::is_matmul(k)) return true;
    }
    return false;
}

const InstanceConfig* HwConfig::find_unit(const std::string& n) const {
    for (const auto& u : units)
        if (u.name == n) return &u;
    return nullptr;
}

const InstanceConfig* HwConfig::find_memory(const std::string& n) const {
    for (const auto& m : memories)
        if (m.name == n) return &m;
    return nullptr;
}

HwConfig load_hw_config(const std::string& path, const std::vector<std::string>& overrides) {
    return parse_hw_config(read_text_file(path, "hardware file"), path, overrides);
}

HwConfig parse_hw_config(const std::string& text, const std::string& file, const std::vector<std::string>& overrides) {
    YAML::Node root = load_yaml_text(text, file);
    Errors errs(file);
    apply_overrides(root, overrides, file);
    HwConfig hw;
    hw.file = file;
    if (!root.IsMap()) {
        errs.add("", "the hardware file must be a YAML map with keys " + top_keys_text());
        errs.throw_if_any();
    }
    std::set<std::string> known(std::begin(kTopKeys), std::end(kTopKeys));
    for (const auto& kv : root) {
        const std::string key = map_key(kv.first, "", file);
        if (!known.count(key)) errs.add(key, "unknown key; allowed keys: " + top_keys_text());
    }
    if (root["name"]) get_text(root["name"], "name", errs, &hw.name);
    if (root["clock_mhz"]) get_f64(root["clock_mhz"], "clock_mhz", 1e-3, 1e6, errs, &hw.clock_mhz);
    if (root["tech_nm"]) {
        uint64_t t = 0;
        if (get_u64(root["tech_nm"], "tech_nm", 1, 1000, errs, &t)) {
            if (t != 45 && t != 28 && t != 16 && t != 7)
                errs.add("tech_nm", "must be one of {45, 28, 16, 7} (or give tech_file), got '" +
                                        std::to_string(t) + "'");
            else hw.tech_nm = t;
        }
    }
    if (root["tech_file"]) get_text(root["tech_file"], "tech_file", errs, &hw.tech_file);
    if (const auto s = root["sim"]) {
        if (!s.IsMap()) errs.add("sim", "must be a map with key quantum_ns");
        else
            for (const auto& kv : s) {
                const std::string key = map_key(kv.first, "sim", file);
                if (key == "quantum_ns") get_f64(kv.second, "sim.quantum_ns", 1e-3, 1e9, errs, &hw.quantum_ns);
                else errs.add("sim." + key, "unknown key; allowed keys: quantum_ns");
            }
    }
    if (const auto d = root["dma"]) {
        if (!d.IsMap()) errs.add("dma", "must be a map with keys " + hw::DmaConfig::fields().keys_text());
        else {
            RawSection raw;
            for (const auto& kv : d) raw.push_back(raw_entry(map_key(kv.first, "dma", file), kv.second));
            hw::DmaConfig::fields().parse(raw, hw.dma, "dma", errs);
        }
    }
    // Instances: `units:` and `memory:` are maps of instance name → {type: ..., fields}.
    std::set<std::string> names;
    auto parse_instances = [&](const char* key, const char* what, Role role,
                               std::vector<InstanceConfig>& out) {
        const auto sec = root[key];
        if (!sec) return;
        if (!sec.IsMap()) {
            errs.add(key, std::string("must be a map of ") + what +
                              " name → {type: ..., fields}");
            return;
        }
        for (const auto& kv : sec) {
            InstanceConfig ic;
            const std::string n = map_key(kv.first, key, file);
            const std::string path = std::string(key) + "." + n;
            if (!names.insert(n).second) errs.add(path, "duplicate instance name '" + n + "'");
            parse_instance(n, kv.second, role, path, ic, errs);
            out.push_back(std::move(ic));
        }
    };
    parse_instances("units", "unit", Role::unit, hw.units);
    parse_instances("memory", "memory", Role::memory, hw.memories);
    if (hw.memories.empty()) errs.add("memory", "at least one memory is required (e.g. {dram0: {type: ideal}})");
    if (const auto ic = root["interconnect"]) {
        parse_instance("xbar", ic, Role::interconnect, "interconnect", hw.interconnect, errs);
    } else {
        // No interconnect given: a crossbar with its defaults (its field table documents them).
        YAML::Node def;
        def["type"] = "crossbar";
        parse_instance("xbar", def, Role::interconnect, "interconnect", hw.interconnect, errs);
    }
    // Mapping rules.
    if (const auto mp = root["mapping"]) {
        if (!mp.IsSequence()) errs.add("mapping", "must be a list of {ops: [...], unit: NAME}");
        else
            for (size_t i = 0; i < mp.size(); ++i) {
                const std::string path = "mapping[" + std::to_string(i) + "]";
                const auto r = mp[i];
                if (!r.IsMap()) {
                    errs.add(path, "must be a map {ops: [...], unit: NAME}");
                    continue;
                }
                MappingRule rule;
                for (const auto& kv : r) {
                    const std::string key = map_key(kv.first, path, file);
                    if (key == "unit") get_text(kv.second, path + ".unit", errs, &rule.unit);
                    else if (key == "ops") {
                        if (!kv.second.IsSequence()) {
                            errs.add(path + ".ops", "must be a list of op kinds");
                            continue;
                        }
                        for (const auto& o : kv.second) {
                            const std::string op = o.IsScalar() ? o.as<std::string>() : "";
                            models::OpKind k;
                            if (op != "attention" && op != "matmul" && op != "*" && !models::parse_op_kind(op, &k)) {
                                std::string allowed = "attention, matmul, *";
                                for (const auto& n : models::op_kind_names()) allowed += ", " + n;
                                errs.add(path + ".ops", "unknown op '" + op + "'; allowed: " + allowed);
                            }
                            rule.ops.push_back(op);
                        }
                    } else {
                        errs.add(path + "." + key, "unknown key; allowed keys: ops, unit");
                    }
                }
                if (rule.unit.empty()) errs.add(path + ".unit", "missing");
                else if (!hw.find_unit(rule.unit) && !hw.find_memory(rule.unit))
                    errs.add(path + ".unit", "no unit named '" + rule.unit + "'");
                hw.mapping.push_back(std::move(rule));
            }
    }
    // Placement of tensor classes (default: the first memory).
    const std::string first = hw.memories.empty() ? "" : hw.memories.front().name;
    hw.placement = {first, first, first};
    if (const auto pl = root["placement"]) {
        if (!pl.IsMap()) errs.add("placement", "must be a map with keys weights, kv, activations");
        else
            for (const auto& kv : pl) {
                const std::string key = map_key(kv.first, "placement", file);
                std::string* dst = key == "weights" ? &hw.placement.weights
                                   : key == "kv" ? &hw.placement.kv
                                   : key == "activations" ? &hw.placement.activations : nullptr;
                if (!dst) {
                    errs.add("placement." + key, "unknown key; allowed keys: weights, kv, activations");
                    continue;
                }
                get_text(kv.second, "placement." + key, errs, dst);
                if (!hw.find_memory(*dst))
                    errs.add("placement." + key, "no memory named '" + *dst + "'");
            }
    }
    errs.throw_if_any();
    return hw;
}

std::string HwConfig::resolved_yaml() const {
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << name;
    out << YAML::Key << "clock_mhz" << YAML::Value << clock_mhz;
    out << YAML::Key << "tech_nm" << YAML::Value << tech_nm;
    if (!tech_file.empty()) out << YAML::Key << "tech_file" << YAML::Value << tech_file;
    out << YAML::Key << "sim" << YAML::Value << YAML::BeginMap << YAML::Key << "quantum_ns" << YAML::Value
        << quantum_ns << YAML::EndMap;
    out << YAML::Key << "dma" << YAML::Value << YAML::BeginMap;
    for (const auto& [k, v] : hw::DmaConfig::fields().dump(dma)) out << YAML::Key << k << YAML::Value << v;
    out << YAML::EndMap;
    auto emit = [&](const InstanceConfig& ic) {
        out << YAML::BeginMap << YAML::Key << "type" << YAML::Value << ic.type;
        if (ic.cfg)
            for (const auto& [k, v] : ic.cfg->resolved) out << YAML::Key << k << YAML::Value << v;
        out << YAML::EndMap;
    };
    out << YAML::Key << "units" << YAML::Value << YAML::BeginMap;
    for (const auto& u : units) {
        out << YAML::Key << u.name << YAML::Value;
        emit(u);
    }
    out << YAML::EndMap;
    out << YAML::Key << "memory" << YAML::Value << YAML::BeginMap;
    for (const auto& m : memories) {
        out << YAML::Key << m.name << YAML::Value;
        emit(m);
    }
    out << YAML::EndMap;
    out << YAML::Key << "interconnect" << YAML::Value;
    emit(interconnect);
    out << YAML::Key << "mapping" << YAML::Value << YAML::BeginSeq;
    for (const auto& r : mapping) {
        out << YAML::Flow << YAML::BeginMap << YAML::Key << "ops" << YAML::Value << YAML::Flow << r.ops
            << YAML::Key << "unit" << YAML::Value << r.unit << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::Key << "placement" << YAML::Value << YAML::BeginMap << YAML::Key << "weights" << YAML::Value
        << placement.weights << YAML::Key << "kv" << YAML::Value << placement.kv << YAML::Key << "activations"
        << YAML::Value << placement.activations << YAML::EndMap;
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

}  // namespace qasim::sim
