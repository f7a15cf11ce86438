#pragma once
// Buffered text output for large trace files (VCD, timeline JSON): appends go to a memory buffer
// that is flushed to `path.tmp.PID` every few MB and renamed to `path` on commit() (so a killed
// run never leaves a half-written file, as write_file_atomic). Without a path the text stays in
// memory (for tests).
#include <cstdio>
#include <string>

namespace qasim::sim {

class StreamOut {
public:
    /// In-memory output: text() holds everything.
    StreamOut() = default;
    /// File output; throws ConfigError when the file cannot be created.
    explicit StreamOut(const std::string& path);
    ~StreamOut();
    StreamOut(const StreamOut&) = delete;
    StreamOut& operator=(const StreamOut&) = delete;

    StreamOut& operator<<(const std::string& s) {
        if (m_file && s.size() >= kFlushBytes) return write_direct(s);
        m_buf += s;
        maybe_flush();
        return *this;
    }
    StreamOut& operator<<(const char* s) {
        m_buf += s;
        maybe_flush();
        return *this;
    }
    StreamOut& operator<<(char c) {
        m_buf += c;
        return *this;
    }
    /// Flushes, closes and renames to the final path (file output); throws ConfigError on failure.
    void commit();
    /// Everything written (in-memory output only).
    const std::string& text() const { return m_buf; }

private:
    void maybe_flush() {
        if (m_file && m_buf.size() >= kFlushBytes) flush();
    }
    void flush();
    StreamOut& write_direct(const std::string& s);
    static constexpr size_t kFlushBytes = size_t{4} << 20;
    std::string m_path, m_tmp, m_buf;
    std::FILE* m_file = nullptr;
};

}  // namespace qasim::sim
