#pragma once
// Runs the qasim executable from a test (header only; QASIM_BINARY is a compile definition of
// every test binary, see tests/CMakeLists.txt) and captures its exit code and output.
#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace qasim::tests {

/// Exit code (-1 when qasim could not be started or did not exit) and stdout + stderr of a run.
struct CliRun {
    int code = -1;
    std::string out;
};

/// Runs `qasim ARGS 2>&1` through the shell: ARGS are shell words, so quote paths ('...').
inline CliRun run_qasim(const std::string& args) {
    const std::string cmd = std::string("'") + QASIM_BINARY + "' " + args + " 2>&1";
    CliRun r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    const int st = ::pclose(p);
    r.code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

}  // namespace qasim::tests
