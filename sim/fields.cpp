#include "sim/fields.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace qasim::sim {

bool parse_u64_text(const std::string& s, uint64_t* out) {
    if (s.empty() || s.size() > 19) return false;
    uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<uint64_t>(c - '0');
    }
    *out = v;
    return true;
}

bool parse_f64_text(const std::string& s, double* out) {
    if (s.empty()) return false;
    errno = 0;
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (errno != 0 || end != s.c_str() + s.size() || !std::isfinite(v)) return false;
    *out = v;
    return true;
}

bool parse_bool_text(const std::string& s, bool* out) {
    if (s == "true") *out = true;
    else if (s == "false") *out = false;
    else return false;
    return true;
}

std::string format_f64(double v) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.10g", v);
    return buf;
}

}  // namespace qasim::sim
