#pragma once
// Shared pieces of the subcommands: atomic file writes, SystemC report set-up, error funnels.
#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace qasim::sim {

/// Writes `content` to `path` through a temporary file and a rename, so that a killed process never
/// leaves a half-written file. Throws ConfigError when the directory cannot be written.
void write_file_atomic(const std::string& path, const std::string& content);
/// `p` relative to the folder `root` unless it is absolute; `zoo:` workload specs pass through.
std::string resolve_under(const std::string& root, const std::string& p);
/// The last `max_lines` lines of a child run's log file, for error messages ("(no log)" when it
/// cannot be read, "(empty log)" when it is empty).
std::string log_tail(const std::string& file, size_t max_lines);
/// Starts `argv` (argv[0]: the executable's path) in a child process with stdin from /dev/null,
/// stdout to the file `out` ("" : /dev/null) and stderr to the file `err`, in the folder `cwd`;
/// returns its pid (the caller waits for it). Throws ConfigError when no process can be started.
pid_t spawn_process(std::vector<std::string> argv, const std::string& out, const std::string& err,
                    const std::string& cwd);
/// Silences the SystemC banner and routes SystemC reports: fatal errors throw; info is shown only
/// when `verbose`.
void setup_systemc_reports(bool verbose);
/// Runs `body`, turning ConfigError (and Boost option errors) into exit code 2 with the message on
/// stderr, and other exceptions into exit code 3 ("internal error").
int guarded(const std::string& cmd, const std::function<int()>& body);
/// Parses a subcommand's arguments into `vm` (`pos`: its positional arguments, or none). Returns
/// true when --help was given: the caller prints its help, and notify() is skipped, so that a
/// help request never fails on a missing or bad option. Otherwise runs notify() (option errors
/// throw, guarded() turns them into exit code 2) and returns false.
bool parse_options(int argc, char** argv, const boost::program_options::options_description& opts,
                   boost::program_options::variables_map& vm,
                   const boost::program_options::positional_options_description* pos = nullptr);

}  // namespace qasim::sim
