#include "sim/cli_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

pid_t spawn_process(std::vector<std::string> argv, const std::string& out, const std::string& err,
                    const std::string& cwd) {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    const std::string out_path = out.empty() ? "/dev/null" : out;
    const pid_t pid = ::fork();
    if (pid < 0) throw ConfigError("cannot start a process: " + std::string(std::strerror(errno)));
    if (pid > 0) return pid;
    // Child: only async-signal-safe calls between fork and exec.
    const int fi = ::open("/dev/null", O_RDONLY);
    if (fi >= 0) {
        ::dup2(fi, 0);
        ::close(fi);
    }
    const int fo = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fo >= 0) {
        ::dup2(fo, 1);
        ::close(fo);
    }
    const int fe = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fe >= 0) {
        ::dup2(fe, 2);
        ::close(fe);
    }
    if (::chdir(cwd.c_str()) != 0) ::_exit(127);
    ::execv(args[0], args.data());
    ::_exit(127);
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

bool parse_options(int argc, char** argv, const boost::program_options::options_description& opts,
                   boost::program_options::variables_map& vm,
                   const boost::program_options::positional_options_description* pos) {
    namespace po = boost::program_options;
    po::command_line_parser parser(argc, argv);
    parser.options(opts);
    if (pos) parser.positional(*pos);
    po::store(parser.run(), vm);
    if (vm.count("help")) return true;
    po::notify(vm);
    return false;
}

}  // namespace qasim::sim
