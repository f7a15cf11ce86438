#include "sim/cli_util.h"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <boost/program_options/errors.hpp>
#include <systemc>

#include "models/formats/format.h"
#include "sim/errors.h"

namespace qasim::sim {

std::string resolve_under(const std::string& root, const std::string& p) {
    namespace fs = std::filesystem;
    if (p.rfind("zoo:", 0) == 0) return p;
    const fs::path fp(p);
    return fp.is_absolute() ? p : (fs::path(root) / fp).lexically_normal().string();
}

std::string log_tail(const std::string& file, size_t max_lines) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return "(no log)";
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) lines.push_back(l);
    std::string out;
    for (size_t i = lines.size() > max_lines ? lines.size() - max_lines : 0; i < lines.size(); ++i)
        out += (out.empty() ? "" : "\n") + lines[i];
    return out.empty() ? "(empty log)" : out;
}

void write_file_atomic(const std::string& path, const std::string& content) {
    namespace fs = std::filesystem;
    const fs::path p(path);
    std::error_code ec;
    if (p.has_parent_path()) fs::create_directories(p.parent_path(), ec);
    if (ec) throw ConfigError("cannot create directory '" + p.parent_path().string() + "': " + ec.message());
    const std::string tmp = path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw ConfigError("cannot write '" + path + "'");
        out << content;
        if (!out) throw ConfigError("cannot write '" + path + "'");
    }
    fs::rename(tmp, p, ec);
    if (ec) throw ConfigError("cannot write '" + path + "': " + ec.message());
}

void setup_systemc_reports(bool verbose) {
    using namespace sc_core;
    sc_report_handler::set_actions(SC_INFO, verbose ? SC_DISPLAY : SC_DO_NOTHING);
    sc_report_handler::set_actions(SC_WARNING, verbose ? SC_DISPLAY : SC_DO_NOTHING);
    sc_report_handler::set_actions(SC_ERROR, SC_THROW);
    sc_report_handler::set_actions(SC_FATAL, SC_THROW);
}

int guarded(const std::string& cmd, const std::function<int()>& body) {
    try {
        return body();
    } catch (const ConfigError& e) {
        std::cerr << "qasim " << cmd << ": error: " << e.what() << "\n";
        return 2;
    } catch (const models::FormatError& e) {
        std::cerr << "qasim " << cmd << ": error: " << e.what() << "\n";
        return 2;
    } catch (const boost::program_options::error& e) {
        std::cerr << "qasim " << cmd << ": error: " << e.what() << " (see qasim " << cmd << " --help)\n";
        return 2;
    } catch (const sc_core::sc_report& e) {
        std::cerr << "qasim " << cmd << ": internal error: " << e.what() << "\n";
        return 3;
    } catch (const std::exception& e) {
        std::cerr << "qasim " << cmd << ": internal error: " << e.what() << "\n";
        return 3;
    }
}

}  // namespace qasim::sim
