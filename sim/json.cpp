#include "sim/json.h"

#include <cmath>
#include <cstdio>

namespace qasim::sim {

std::string json_escape(const std::string& s) {
    std::string o = "\"";
    for (unsigned char c : s) {
        switch (c) {
        case '"': o += "\\\""; break;
        case '\\': o += "\\\\"; break;
        case '\n': o += "\\n"; break;
        case '\t': o += "\\t"; break;
        case '\r': o += "\\r"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof(buf), "\\u%04x", c);
                o += buf;
            } else {
                o += static_cast<char>(c);
            }
        }
    }
    return o + "\"";
}

std::string json_number(double v) {
    if (!std::isfinite(v)) return "null";
    if (v == 0) return "0";
    char buf[40];
    std::snprintf(buf, sizeof(buf), "%.10g", v);
    return buf;
}

void JsonWriter::newline() {
    m_out += "\n";
    m_out.append(static_cast<size_t>(m_depth) * 2, ' ');
}

void JsonWriter::comma() {
    if (m_after_key) {
        m_after_key = false;
        return;
    }
    if (!m_first) m_out += ",";
    if (m_depth > 0) newline();
    m_first = false;
}

JsonWriter& JsonWriter::begin_object() {
    comma();
    m_out += "{";
    ++m_depth;
    m_first = true;
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    --m_depth;
    if (!m_first) newline();
    m_out += "}";
    m_first = false;
    return *this;
}

JsonWriter& JsonWriter::begin_array() {
    comma();
    m_out += "[";
    ++m_depth;
    m_first = true;
    return *this;
}

JsonWriter& JsonWriter::end_array() {
    --m_depth;
    if (!m_first) newline();
    m_out += "]";
    m_first = false;
    return *this;
}

JsonWriter& JsonWriter::key(const std::string& k) {
    comma();
    m_out += json_escape(k) + ": ";
    m_after_key = true;
    return *this;
}

JsonWriter& JsonWriter::value(const std::string& v) {
    comma();
    m_out += json_escape(v);
    return *this;
}

JsonWriter& JsonWriter::value(double v) {
    comma();
    m_out += json_number(v);
    return *this;
}

JsonWriter& JsonWriter::value(uint64_t v) {
    comma();
    m_out += std::to_string(v);
    return *this;
}

JsonWriter& JsonWriter::value(bool v) {
    comma();
    m_out += v ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::raw(const std::string& v) {
    comma();
    m_out += v;
    return *this;
}

}  // namespace qasim::sim
