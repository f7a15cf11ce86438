#pragma once
// Input errors: every problem with a YAML file, a trace or a CLI argument becomes a ConfigError,
// which `main` turns into exit code 2. Messages name the file, the key path, the value and what is
// allowed, e.g. "configs/hw/x.yaml: units.sa0.rows: must be an integer >= 1, got 0".
#include <stdexcept>
#include <string>
#include <vector>

namespace qasim::sim {

class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Collects every error of one validation pass so that the user sees all of them at once.
class Errors {
public:
    explicit Errors(std::string file = "") : m_file(std::move(file)) {}
    /// Adds "FILE: PATH: MESSAGE".
    void add(const std::string& path, const std::string& msg) {
        std::string s;
        if (!m_file.empty()) s += m_file + ": ";
        if (!path.empty()) s += path + ": ";
        m_msgs.push_back(s + msg);
    }
    bool empty() const { return m_msgs.empty(); }
    const std::vector<std::string>& messages() const { return m_msgs; }
    const std::string& file() const { return m_file; }
    /// Throws one ConfigError holding all messages, one per line.
    void throw_if_any() const {
        if (m_msgs.empty()) return;
        std::string all;
        for (size_t i = 0; i < m_msgs.size(); ++i) all += (i ? "\n" : "") + m_msgs[i];
        throw ConfigError(all);
    }

private:
    std::string m_file;
    std::vector<std::string> m_msgs;
};

}  // namespace qasim::sim
