#include "workloads/text_util.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace qasim::workloads {

bool parse_u64_strict(const std::string& s, uint64_t* out) {
    if (s.empty()) return false;
    uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        const uint64_t d = static_cast<uint64_t>(c - '0');
        if (v > (std::numeric_limits<uint64_t>::max() - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

std::string trim(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
    return out;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

std::string yaml_scalar(const std::string& s) {
    bool safe = !s.empty() && !std::isspace(static_cast<unsigned char>(s.front())) &&
                !std::isspace(static_cast<unsigned char>(s.back()));
    static const std::string kSpecialFirst = "-?:,[]{}#&*!|>'\"%@`";
    if (safe && kSpecialFirst.find(s.front()) != std::string::npos) safe = false;
    for (char c : s) {
        if (c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == '#' || c == '"' ||
            c == '\'' || c == ':' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
            safe = false;
    }
    const std::string l = lower(s);
    if (l == "null" || l == "~" || l == "true" || l == "false" || l == "yes" || l == "no")
        safe = false;
    if (safe) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

std::string csv_cell(const std::string& s) {
    bool safe = s == trim(s);
    for (char c : s)
        if (c == ',' || c == '"' || c == '\n' || c == '\r') safe = false;
    if (!s.empty() && s.front() == '#') safe = false;
    if (safe) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

}  // namespace qasim::workloads
