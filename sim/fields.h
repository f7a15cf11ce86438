#pragma once
// One field table per config struct (STYLE.md §5): key, unit, description, range and the member it
// fills. The table drives parsing, the unknown-key check, `qasim describe`, and config.resolved.yaml.
// Defaults live only in the struct's member initialisers; the table reads them from a
// default-constructed struct. Values arrive as strings (sim/config turns YAML scalars into strings),
// so hw/ never sees YAML.
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "sim/errors.h"

namespace qasim::sim {

/// One key of a raw config section, as read from a file.
struct RawEntry {
    std::string key;
    std::string value;   ///< scalar text ("" when not a scalar)
    bool scalar = true;  ///< false for maps and lists, which unit fields never accept
};
using RawSection = std::vector<RawEntry>;

/// What `qasim describe TYPE` prints for one field.
struct FieldInfo {
    std::string key, type, unit, default_value, allowed, description;
};

bool parse_u64_text(const std::string& s, uint64_t* out);
bool parse_f64_text(const std::string& s, double* out);
bool parse_bool_text(const std::string& s, bool* out);
std::string format_f64(double v);

template <class Cfg>
class FieldTable {
public:
    /// Unsigned integer in [lo, hi].
    FieldTable& u64(const char* key, uint64_t Cfg::*m, const char* unit, const char* desc, uint64_t lo = 0,
                    uint64_t hi = std::numeric_limits<uint64_t>::max()) {
        Entry e{key, "integer", unit, desc, range_text(std::to_string(lo), hi == std::numeric_limits<uint64_t>::max()
                                                                               ? "" : std::to_string(hi))};
        e.parse = [m, lo, hi](Cfg& c, const std::string& v, std::string* err) {
            uint64_t x = 0;
            if (!parse_u64_text(v, &x) || x < lo || x > hi) {
                *err = "must be an integer " + range_words(std::to_string(lo),
                        hi == std::numeric_limits<uint64_t>::max() ? "" : std::to_string(hi)) + ", got " + quote(v);
                return false;
            }
            c.*m = x;
            return true;
        };
        e.get = [m](const Cfg& c) { return std::to_string(c.*m); };
        m_entries.push_back(std::move(e));
        return *this;
    }
    /// Real number in [lo, hi].
    FieldTable& f64(const char* key, double Cfg::*m, const char* unit, const char* desc, double lo = 0.0,
                    double hi = std::numeric_limits<double>::infinity()) {
        const std::string hs = std::isinf(hi) ? "" : format_f64(hi);
        Entry e{key, "number", unit, desc, range_text(format_f64(lo), hs)};
        e.parse = [m, lo, hi, hs](Cfg& c, const std::string& v, std::string* err) {
            double x = 0;
            if (!parse_f64_text(v, &x) || x < lo || x > hi) {
                *err = "must be a number " + range_words(format_f64(lo), hs) + ", got " + quote(v);
                return false;
            }
            c.*m = x;
            return true;
        };
        e.get = [m](const Cfg& c) { return format_f64(c.*m); };
        m_entries.push_back(std::move(e));
        return *this;
    }
    FieldTable& boolean(const char* key, bool Cfg::*m, const char* desc) {
        Entry e{key, "bool", "", desc, "true, false"};
        e.parse = [m](Cfg& c, const std::string& v, std::string* err) {
            bool x = false;
            if (!parse_bool_text(v, &x)) {
                *err = "must be true or false, got " + quote(v);
                return false;
            }
            c.*m = x;
            return true;
        };
        e.get = [m](const Cfg& c) { return std::string(c.*m ? "true" : "false"); };
        m_entries.push_back(std::move(e));
        return *this;
    }
    /// Free text (names, format strings validated elsewhere).
    FieldTable& text(const char* key, std::string Cfg::*m, const char* desc) {
        Entry e{key, "string", "", desc, ""};
        e.parse = [m](Cfg& c, const std::string& v, std::string*) {
            c.*m = v;
            return true;
        };
        e.get = [m](const Cfg& c) { return c.*m; };
        m_entries.push_back(std::move(e));
        return *this;
    }
    /// One of a fixed list of names mapped to an enum (or any value type).
    template <class E>
    FieldTable& choice(const char* key, E Cfg::*m, const char* desc, std::vector<std::pair<std::string, E>> values) {
        std::string allowed;
        for (size_t i = 0; i < values.size(); ++i) allowed += (i ? ", " : "") + values[i].first;
        Entry e{key, "choice", "", desc, allowed};
        e.parse = [m, values, allowed](Cfg& c, const std::string& v, std::string* err) {
            for (const auto& [name, val] : values) {
                if (name == v) {
                    c.*m = val;
                    return true;
                }
            }
            *err = "must be one of {" + allowed + "}, got " + quote(v);
            return false;
        };
        e.get = [m, values](const Cfg& c) {
            for (const auto& [name, val] : values)
                if (val == c.*m) return name;
            return std::string("?");
        };
        m_entries.push_back(std::move(e));
        return *this;
    }
    /// A field with custom parse/print (e.g. a format string or an address-map string).
    FieldTable& custom(const char* key, const char* type, const char* unit, const char* desc, const char* allowed,
                       std::function<bool(Cfg&, const std::string&, std::string*)> parse,
                       std::function<std::string(const Cfg&)> get) {
        Entry e{key, type, unit, desc, allowed};
        e.parse = std::move(parse);
        e.get = std::move(get);
        m_entries.push_back(std::move(e));
        return *this;
    }

    bool has(const std::string& key) const {
        for (const auto& e : m_entries)
            if (e.key == key) return true;
        return false;
    }
    std::string keys_text() const {
        std::string s;
        for (size_t i = 0; i < m_entries.size(); ++i) s += (i ? ", " : "") + m_entries[i].key;
        return s;
    }

    /// Fills `out` from `in`; every unknown key, non-scalar or bad value is added to `errs` under
    /// `path.key`. Keys absent from `in` keep the member initialiser's default.
    void parse(const RawSection& in, Cfg& out, const std::string& path, Errors& errs) const {
        for (const auto& r : in) {
            const Entry* e = find(r.key);
            const std::string kp = path.empty() ? r.key : path + "." + r.key;
            if (!e) {
                errs.add(kp, "unknown key; allowed keys: " + keys_text());
                continue;
            }
            if (!r.scalar) {
                errs.add(kp, "must be a scalar " + e->type);
                continue;
            }
            std::string err;
            if (!e->parse(out, r.value, &err)) errs.add(kp, err);
        }
    }
    /// Key/value text of every field (defaults filled), in table order.
    std::vector<std::pair<std::string, std::string>> dump(const Cfg& c) const {
        std::vector<std::pair<std::string, std::string>> v;
        for (const auto& e : m_entries) v.emplace_back(e.key, e.get(c));
        return v;
    }
    std::vector<FieldInfo> describe() const {
        Cfg d{};
        std::vector<FieldInfo> v;
        for (const auto& e : m_entries) v.push_back({e.key, e.type, e.unit, e.get(d), e.allowed, e.desc});
        return v;
    }

private:
    struct Entry {
        Entry(std::string k, std::string t, std::string u, std::string d, std::string a)
            : key(std::move(k)), type(std::move(t)), unit(std::move(u)), desc(std::move(d)), allowed(std::move(a)) {}
        std::string key, type, unit, desc, allowed;
        std::function<bool(Cfg&, const std::string&, std::string*)> parse;
        std::function<std::string(const Cfg&)> get;
    };
    const Entry* find(const std::string& key) const {
        for (const auto& e : m_entries)
            if (e.key == key) return &e;
        return nullptr;
    }
    static std::string quote(const std::string& v) { return "'" + v + "'"; }
    static std::string range_text(const std::string& lo, const std::string& hi) {
        return hi.empty() ? ">= " + lo : lo + ".." + hi;
    }
    static std::string range_words(const std::string& lo, const std::string& hi) {
        return hi.empty() ? ">= " + lo : "in [" + lo + ", " + hi + "]";
    }
    std::vector<Entry> m_entries;
};

}  // namespace qasim::sim
