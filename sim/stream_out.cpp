#include "sim/stream_out.h"

#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "sim/errors.h"

namespace qasim::sim {

StreamOut::StreamOut(const std::string& path) : m_path(path) {
    namespace fs = std::filesystem;
    const fs::path p(path);
    std::error_code ec;
    if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
    if (ec)
        throw ConfigError("cannot create directory '" + p.parent_path().string() +
                          "': " + ec.message());
    m_tmp = path + ".tmp." + std::to_string(::getpid());
    m_file = std::fopen(m_tmp.c_str(), "wb");
    if (!m_file) throw ConfigError("cannot write '" + path + "'");
    m_buf.reserve(kFlushBytes + 4096);
}

StreamOut::~StreamOut() {
    if (m_file) {  // not committed (an exception is unwinding): drop the partial file
        std::fclose(m_file);
        std::remove(m_tmp.c_str());
    }
}

void StreamOut::flush() {
    if (!m_buf.empty() && std::fwrite(m_buf.data(), 1, m_buf.size(), m_file) != m_buf.size())
        throw ConfigError("cannot write '" + m_path + "'");
    m_buf.clear();
}

StreamOut& StreamOut::write_direct(const std::string& s) {
    flush();
    if (std::fwrite(s.data(), 1, s.size(), m_file) != s.size())
        throw ConfigError("cannot write '" + m_path + "'");
    return *this;
}

void StreamOut::commit() {
    if (!m_file) return;
    flush();
    const bool ok = std::fclose(m_file) == 0;
    m_file = nullptr;
    std::error_code ec;
    if (ok) std::filesystem::rename(m_tmp, m_path, ec);
    if (!ok || ec) {
        std::remove(m_tmp.c_str());
        throw ConfigError("cannot write '" + m_path + "'" + (ec ? ": " + ec.message() : ""));
    }
}

}  // namespace qasim::sim
