#pragma once
// A minimal JSON writer with deterministic number formatting (reports must be byte-identical
// across runs and machines).
#include <cstdint>
#include <string>

namespace qasim::sim {

std::string json_escape(const std::string& s);
/// Doubles print with 10 significant digits ("%.10g"), non-finite values as null.
std::string json_number(double v);

class JsonWriter {
public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(const std::string& k);
    JsonWriter& value(const std::string& v);
    JsonWriter& value(const char* v) { return value(std::string(v)); }
    JsonWriter& value(double v);
    JsonWriter& value(uint64_t v);
    JsonWriter& value(int v) { return value(static_cast<double>(v)); }
    JsonWriter& value(bool v);
    JsonWriter& raw(const std::string& v);
    template <class T>
    JsonWriter& kv(const std::string& k, const T& v) {
        key(k);
        return value(v);
    }
    std::string str() const { return m_out + "\n"; }

private:
    void comma();
    void newline();
    std::string m_out;
    int m_depth = 0;
    bool m_first = true;
    bool m_after_key = false;
};

}  // namespace qasim::sim
