#include "sim/yaml_util.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/text.h"

namespace qasim::sim {

std::string read_text_file(const std::string& path, const std::string& what) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec))  // an ifstream opens a directory and reads nothing
        throw ConfigError(what + " '" + path + "': is a directory, not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError(what + " '" + path + "': cannot be read (" + std::strerror(errno) + ")");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

YAML::Node load_yaml_text(const std::string& text, const std::string& file) {
    try {
        return YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw ConfigError(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                          ": YAML syntax error: " + e.msg);
    }
}

void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides, const std::string& file) {
    for (const auto& ov : overrides) {
        const auto eq = ov.find('=');
        if (eq == std::string::npos || eq == 0)
            throw ConfigError("--set '" + ov + "': must be KEY.PATH=VALUE (e.g. units.sa0.rows=64)");
        const std::string path = ov.substr(0, eq);
        const std::string value = ov.substr(eq + 1);
        auto parts = models::split(path, '.');
        for (const auto& p : parts)
            if (p.empty()) throw ConfigError("--set '" + ov + "': empty component in key path '" + path + "'");
        // Walk with reset() copies: yaml-cpp nodes are handles.
        YAML::Node cur = root;
        std::string walked;
        for (size_t i = 0; i + 1 < parts.size(); ++i) {
            walked += (walked.empty() ? "" : ".") + parts[i];
            YAML::Node next;
            if (cur.IsSequence()) {
                char* end = nullptr;
                const unsigned long idx = std::strtoul(parts[i].c_str(), &end, 10);
                if (*end != '\0' || idx >= cur.size())
                    throw ConfigError(file + ": --set " + path + ": '" + walked + "' is not an index of the list (size " +
                                      std::to_string(cur.size()) + ")");
                next = cur[idx];
            } else if (cur.IsMap() && cur[parts[i]]) {
                next = cur[parts[i]];
            } else if (cur.IsMap()) {
                // A missing section is not created silently (a typo would make a new one): say how
                // to add it whole, in YAML flow style.
                std::string flow = value.empty() ? "''" : value;
                for (size_t j = parts.size() - 1; j > i; --j) flow = "{" + parts[j] + ": " + flow + "}";
                throw ConfigError(file + ": --set " + path + ": no section '" + walked +
                                  "' in the file; to add it, give the section whole: --set '" + walked + "=" +
                                  flow + "'");
            } else {
                const size_t dot = walked.rfind('.');
                const std::string parent =
                    dot == std::string::npos ? std::string("the top level") : "'" + walked.substr(0, dot) + "'";
                throw ConfigError(file + ": --set " + path + ": " + parent + " is not a map, so it has no section '" +
                                  parts[i] + "'");
            }
            cur.reset(next);
        }
        if (!cur.IsMap())
            throw ConfigError(file + ": --set " + path + ": the parent of '" + parts.back() + "' is not a map");
        YAML::Node v;
        try {
            v = YAML::Load(value.empty() ? "''" : value);
        } catch (const YAML::Exception& e) {  // e.g. --set units.sa0.rows=[ (was an internal error)
            throw ConfigError("--set '" + ov + "': value '" + value + "' is not valid YAML (" + e.msg +
                              "); give a number, a word, or a [list]/{map} in YAML flow style");
        }
        cur[parts.back()] = v;
    }
}

std::string map_key(const YAML::Node& key, const std::string& parent, const std::string& file) {
    if (key.IsScalar()) return key.Scalar();
    if (key.IsNull()) return "";
    throw ConfigError(file + ": " + (parent.empty() ? std::string("top level") : parent) + ": line " +
                      std::to_string(key.Mark().line + 1) + ": a key must be a plain name, got a " +
                      (key.IsMap() ? "map" : "list"));
}

RawEntry raw_entry(const std::string& key, const YAML::Node& value) {
    RawEntry r;
    r.key = key;
    if (value.IsScalar()) {
        r.value = value.Scalar();
    } else if (value.IsNull()) {
        r.value = "";
    } else {
        r.scalar = false;
    }
    return r;
}

bool get_text(const YAML::Node& n, const std::string& path, Errors& errs, std::string* out) {
    if (!n.IsScalar()) {
        errs.add(path, "must be a string");
        return false;
    }
    *out = n.Scalar();
    return true;
}

bool get_u64(const YAML::Node& n, const std::string& path, uint64_t lo, uint64_t hi, Errors& errs, uint64_t* out) {
    uint64_t v = 0;
    if (!n.IsScalar() || !parse_u64_text(n.Scalar(), &v) || v < lo || v > hi) {
        errs.add(path, "must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got '" +
                           (n.IsScalar() ? n.Scalar() : std::string("<non-scalar>")) + "'");
        return false;
    }
    *out = v;
    return true;
}

bool get_f64(const YAML::Node& n, const std::string& path, double lo, double hi, Errors& errs, double* out) {
    double v = 0;
    if (!n.IsScalar() || !parse_f64_text(n.Scalar(), &v) || v < lo || v > hi) {
        errs.add(path, "must be a number in [" + format_f64(lo) + ", " + format_f64(hi) + "], got '" +
                           (n.IsScalar() ? n.Scalar() : std::string("<non-scalar>")) + "'");
        return false;
    }
    *out = v;
    return true;
}

}  // namespace qasim::sim
