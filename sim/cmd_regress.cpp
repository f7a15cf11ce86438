// qasim regress DIR [--filter GLOB] [-j N] [--update] [--keep DIR] [--root DIR]
// Runs every golden case of DIR (tests/golden/<case>.yaml, see sim/golden.h) in its own process
// (`qasim run ... --out TMP --quiet`, or `qasim memtest ... --json` for memtest cases, this same
// executable), compares the report with the expected metrics and prints a table. Exit: 0 all
// pass, 1 a mismatch or a run that failed, 2 a malformed case (bad file, unknown metric path) or
// an --update refused for an independent source.
#include <fnmatch.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <sstream>

#include <boost/program_options.hpp>

#include "sim/cli_util.h"
#include "sim/commands.h"
#include "sim/errors.h"
#include "sim/golden.h"
#include "sim/yaml_util.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace qasim::sim {
namespace {

struct Job {
    const GoldenCase* c = nullptr;
    fs::path dir;  ///< output directory of the run
    fs::path report;  ///< the JSON the metrics are read from (report.json, or memtest's stdout)
    bool temp = false;  ///< remove `dir` afterwards
    std::vector<std::string> argv;
    pid_t pid = -1;
    std::chrono::steady_clock::time_point start;
    double seconds = 0;
    int status = 0;
};

std::string emit_yaml(const YAML::Node& n) {
    YAML::Emitter out;
    out << n;
    return std::string(out.c_str()) + "\n";
}

/// Prepares a case's output directory, inline files and argv.
void prepare(Job& job, const std::string& self, const fs::path& root, const std::string& keep) {
    const GoldenCase& c = *job.c;
    if (!keep.empty()) {
        job.dir = fs::path(keep) / c.name;
        std::error_code ec;
        fs::create_directories(job.dir, ec);
        if (ec)
            throw ConfigError("--keep '" + keep + "': cannot create '" + job.dir.string() +
                              "': " + ec.message());
        fs::remove(job.dir / "report.json", ec);
        fs::remove(job.dir / "stdout.txt", ec);
    } else {
        std::string tmpl =
            (fs::temp_directory_path() / ("qasim-regress-" + c.name + "-XXXXXX")).string();
        if (!::mkdtemp(tmpl.data()))
            throw ConfigError("cannot create a temporary directory: " +
                              std::string(std::strerror(errno)));
        job.dir = tmpl;
        job.temp = true;
    }
    std::string hw, wl;
    if (c.hw.IsMap()) {
        hw = (job.dir / "golden_hw.yaml").string();
        write_file_atomic(hw, emit_yaml(c.hw));
    } else {
        hw = resolve_under(root.string(), c.hw.Scalar());
    }
    if (c.is_memtest()) {
        // `qasim memtest` prints its JSON report on stdout (DIR/stdout.txt).
        job.argv = {self, "memtest", "--hw", hw};
        for (const auto& s : c.set) {
            job.argv.push_back("--set");
            job.argv.push_back(s);
        }
        job.argv.insert(job.argv.end(), c.memtest.begin(), c.memtest.end());
        job.argv.push_back("--json");
        job.report = job.dir / "stdout.txt";
        return;
    }
    if (c.workload.IsMap()) {
        wl = (job.dir / "golden_workload.yaml").string();
        write_file_atomic(wl, emit_yaml(c.workload));
    } else {
        wl = resolve_under(root.string(), c.workload.Scalar());
    }
    job.argv = {self, "run", "--hw", hw, "--workload", wl};
    for (const auto& s : c.set) {
        job.argv.push_back("--set");
        job.argv.push_back(s);
    }
    job.argv.insert(job.argv.end(), {"--out", job.dir.string(), "--quiet"});
    job.report = job.dir / "report.json";
}

/// fork/exec of this executable; stdout goes to DIR/stdout.txt, stderr to DIR/run.log; the child
/// runs in `root`.
void spawn(Job& job, const fs::path& root) {
    job.start = std::chrono::steady_clock::now();
    job.pid = spawn_process(job.argv, (job.dir / "stdout.txt").string(),
                            (job.dir / "run.log").string(), root.string());
}

CaseResult finish(const Job& job) {
    CaseResult r;
    r.name = job.c->name;
    r.file = job.c->file;
    const int st = job.status;
    const fs::path log = job.dir / "run.log";
    std::string cmd;
    for (size_t i = 1; i < job.argv.size(); ++i) cmd += (i > 1 ? " " : "") + job.argv[i];
    if (WIFSIGNALED(st) || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        const int code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        // Exit 2 of `run` means bad input: the case's hw/workload/set is wrong.
        r.status = code == 2 ? CaseResult::Status::malformed : CaseResult::Status::failed_run;
        r.message = job.c->file + ": `qasim " + cmd + "` " +
                    (WIFSIGNALED(st) ? "was killed by signal " + std::to_string(WTERMSIG(st))
                                     : "exited with code " + std::to_string(code)) +
                    ":\n" + log_tail(log.string(), 20);
        return r;
    }
    YAML::Node report;
    try {
        report = load_yaml_text(read_text_file(job.report.string(), "report"), job.report.string());
        if (!report.IsMap()) throw ConfigError(job.report.string() + ": not a JSON object");
    } catch (const ConfigError& e) {
        r.status = CaseResult::Status::failed_run;
        r.message = job.c->file + ": `qasim " + cmd + "` wrote no readable report: " + e.what();
        return r;
    }
    return compare_case(*job.c, report);
}

/// Runs the jobs, at most `j` at a time, printing progress unless quiet.
std::vector<CaseResult> run_all(std::vector<Job>& jobs, unsigned j, const fs::path& root,
                                bool quiet) {
    std::map<pid_t, size_t> running;
    std::vector<CaseResult> results(jobs.size());
    size_t next = 0, done = 0;
    while (done < jobs.size()) {
        while (next < jobs.size() && running.size() < j) {
            spawn(jobs[next], root);
            running[jobs[next].pid] = next;
            ++next;
        }
        int st = 0;
        const pid_t pid = ::waitpid(-1, &st, 0);
        if (pid < 0) {
            if (errno == EINTR) continue;
            throw ConfigError("waitpid failed: " + std::string(std::strerror(errno)));
        }
        const auto it = running.find(pid);
        if (it == running.end()) continue;
        Job& job = jobs[it->second];
        running.erase(it);
        job.status = st;
        job.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - job.start).count();
        results[&job - jobs.data()] = finish(job);
        ++done;
        if (!quiet) {
            const CaseResult& r = results[&job - jobs.data()];
            std::cout << "[" << done << "/" << jobs.size() << "] " << job.c->name << ": "
                      << (r.passed()                           ? "pass"
                          : r.status == CaseResult::Status::ok ? "FAIL"
                                                               : "ERROR")
                      << " (" << format_number(std::round(job.seconds * 10) / 10) << " s)\n"
                      << std::flush;
        }
        if (job.temp) {
            std::error_code ec;
            fs::remove_all(job.dir, ec);
        }
    }
    return results;
}

/// --update: rewrites failing metrics of regression cases; refuses for independent sources.
int update(const std::vector<GoldenCase>& cases, const std::vector<CaseResult>& results) {
    int code = 0;
    size_t written = 0;
    for (size_t i = 0; i < cases.size(); ++i) {
        const GoldenCase& c = cases[i];
        const CaseResult& r = results[i];
        if (r.status != CaseResult::Status::ok) {
            std::cout << "not updating " << c.name
                      << ": it did not produce every metric (see above)\n";
            code = std::max(code, r.status == CaseResult::Status::malformed ? 2 : 1);
            continue;
        }
        std::map<std::string, std::string> values;
        std::ostringstream diff;
        for (size_t k = 0; k < c.metrics.size(); ++k) {
            if (r.metrics[k].pass) continue;
            const auto got = r.got_text.find(c.metrics[k].path);
            if (got == r.got_text.end()) continue;  // null value: nothing sensible to write
            values[c.metrics[k].path] = got->second;
            diff << "  " << c.metrics[k].path << ": " << c.metrics[k].expected_text << " -> "
                 << got->second << "\n";
        }
        if (values.empty()) continue;
        if (!c.is_regression()) {
            std::cout << "refusing to update " << c.file << ": its source is independent ('"
                      << c.source
                      << "'); only `regression:` cases are rewritten. Fix the simulator, or edit "
                         "the case by hand "
                         "after review if the reference itself was wrong.\n"
                      << diff.str();
            code = 2;
            continue;
        }
        const std::string text = rewrite_expected(c.text, c.file, values);
        const GoldenCase check = parse_golden_case(text, c.file);  // the rewrite must parse back
        for (const auto& m : check.metrics) {
            const auto v = values.find(m.path);
            if (v != values.end() && m.expected_text != v->second)
                throw ConfigError(c.file + ": metrics." + m.path + ": rewrite failed (read back '" +
                                  m.expected_text + "', wanted '" + v->second + "')");
        }
        std::cout << "updating " << c.file << " (" << c.source << "):\n" << diff.str();
        write_file_atomic(c.file, text);
        ++written;
    }
    std::cout << "updated " << written << " case file(s)\n";
    return code;
}

}  // namespace

int cmd_regress(int argc, char** argv) {
    return guarded("regress", [&] {
        std::string dir, keep, root = ".";
        std::vector<std::string> filters;
        unsigned jobs_n = 1;
        bool do_update = false, quiet = false, failures_only = false;
        po::options_description desc("qasim regress DIR: run the golden cases DIR/*.yaml and "
                                     "compare their report (report.json, or memtest's JSON) with the expected "
                                     "metrics\n(exit 0 all pass, 1 a mismatch or a failed run, 2 a "
                                     "malformed case or a refused update)");
        desc.add_options()("help,h", "this help")("dir", po::value(&dir)->required(),
                                                  "folder of golden cases (tests/golden)")(
            "filter", po::value(&filters)->composing(),
            "run only cases whose name matches GLOB (repeatable)")(
            "jobs,j", po::value(&jobs_n)->default_value(1),
            "cases run in parallel")("update", po::bool_switch(&do_update),
                                     "rewrite the expected values of failing `regression:` cases "
                                     "(shows old -> new); refuses for "
                                     "independent sources")(
            "keep", po::value(&keep),
            "keep each case's run output in KEEP/<case>/ instead of a temporary folder")(
            "root", po::value(&root)->default_value("."),
            "folder that paths in the cases are relative to (repo root)")(
            "failures-only", po::bool_switch(&failures_only),
            "list only failing metrics in the table")("quiet,q", po::bool_switch(&quiet),
                                                      "no progress lines");
        po::positional_options_description pos;
        pos.add("dir", 1);
        po::variables_map vm;
        if (parse_options(argc, argv, desc, vm, &pos)) {
            std::cout << desc << "\n";
            return 0;
        }
        if (jobs_n < 1) throw ConfigError("-j " + std::to_string(jobs_n) + ": must be >= 1");
        if (!fs::is_directory(dir))
            throw ConfigError("golden folder '" + dir + "': not a directory");
        if (!fs::is_directory(root)) throw ConfigError("--root '" + root + "': not a directory");

        std::vector<std::string> files;
        for (const auto& e : fs::directory_iterator(dir)) {
            if (!e.is_regular_file() || e.path().extension() != ".yaml") continue;
            const std::string name = e.path().stem().string();
            bool match = filters.empty();
            for (const auto& f : filters)
                match = match || ::fnmatch(f.c_str(), name.c_str(), 0) == 0;
            if (match) files.push_back(e.path().string());
        }
        std::sort(files.begin(), files.end());
        if (files.empty())
            throw ConfigError("golden folder '" + dir + "': no case" +
                              (filters.empty() ? "" : " matches --filter " + filters.front()) +
                              " (*.yaml)");

        // Parse every case first: malformed files are reported together and nothing runs.
        std::vector<GoldenCase> cases;
        std::string errors;
        const fs::path root_path(root);
        for (const auto& f : files) {
            try {
                GoldenCase c = load_golden_case(f);
                for (const YAML::Node* n : {&c.hw, &c.workload}) {
                    if (!n->IsScalar()) continue;
                    const std::string p = resolve_under(root, n->Scalar());
                    if (p.rfind("zoo:", 0) != 0 && !fs::is_regular_file(p))
                        throw ConfigError(
                            f + ": " + (n == &c.hw ? "hw" : "workload") + ": file '" + n->Scalar() +
                            "' not found (paths are relative to --root '" + root + "')");
                }
                cases.push_back(std::move(c));
            } catch (const ConfigError& e) {
                errors += std::string(errors.empty() ? "" : "\n") + e.what();
            }
        }
        if (!errors.empty()) throw ConfigError("malformed golden case(s):\n" + errors);

        const std::string self = fs::read_symlink("/proc/self/exe").string();
        std::vector<Job> jobs(cases.size());
        for (size_t i = 0; i < cases.size(); ++i) {
            jobs[i].c = &cases[i];
            prepare(jobs[i], self, root_path, keep);
        }
        if (!quiet)
            std::cout << "qasim regress: " << cases.size() << " case(s) from " << dir << ", -j "
                      << jobs_n << "\n";
        const std::vector<CaseResult> results = run_all(jobs, jobs_n, root_path, quiet);
        std::cout << "\n";
        const int code = print_results(results, std::cout, !failures_only);
        if (!do_update) return code;
        std::cout << "\n";
        return update(cases, results);
    });
}

}  // namespace qasim::sim
