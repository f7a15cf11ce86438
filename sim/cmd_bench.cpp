// qasim bench [--hw FILE --workload W [--set K=V ...]] [--reps N] [--long] [--root DIR] [--json]
// Times whole runs, each in its own process (`qasim run ... --out TMP --quiet` of this same
// executable: SystemC elaborates once per process), and prints per case the median and range of
// the wall time, the median CPU time (user + system of the run's process, from wait4), the
// simulated time per wall second (report.json total.time_ns / median wall) and the peak RSS.
// Without --hw it times the standard cases of issue 13 (paths relative to --root, the source
// tree) against their targets; scripts/bench.sh adds the simple_dram variants, the sweep and the
// Google Benchmark hot paths and writes bench/results.md. Exit: 0 (timings are reported, not
// judged: a missed target is shown as such), 2 bad options or a run that rejects its input.
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include <boost/program_options.hpp>

#include "sim/cli_util.h"
#include "sim/commands.h"
#include "sim/errors.h"
#include "sim/json.h"
#include "sim/yaml_util.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace qasim::sim {
namespace {

/// A run to time.
struct BenchCase {
    std::string name;
    std::string hw;        ///< hardware YAML (relative to --root unless absolute)
    std::string workload;  ///< trace file (relative to --root) or zoo spec
    std::vector<std::string> set;
    double target_s = 0;  ///< 0: none
    bool long_case = false;
};

/// The standard cases and targets of issue 13 ("Simulation speed"): ViT-B/16 full run ≤ 0.5 s,
/// LLaMA-2-7B decode token with per-burst HBM timing ≤ 1 s, LLaMA-2-70B prefill S=2048 ≤ 30 s, peak
/// RSS ≤ 200 MB each. The same runs as scripts/bench.sh. tpu_like has int8 PEs: its W4 decode uses
/// int8 activations, KV cache and lm_head (W4A16's fp16 operands cannot run on int8 PEs).
std::vector<BenchCase> standard_cases() {
    return {
        {"ViT-B/16 W8A8, tpu_like (HBM2E)",
         "configs/hw/tpu_like.yaml",
         "configs/workloads/vit_b16_w8a8.yaml",
         {},
         0.5,
         false},
        {"LLaMA-2-7B W4 decode B=1 L=1024, llm_npu (HBM2E)",
         "configs/hw/llm_npu.yaml",
         "zoo:llama2-7b:decode?quant=W4A16KV2&context=1024",
         {},
         1.0,
         false},
        {"LLaMA-2-7B W4A8KV8 decode B=1 L=1024, tpu_like (HBM2E)",
         "configs/hw/tpu_like.yaml",
         "zoo:llama2-7b:decode?quant=W4A8KV8,lm_head=int8/channel/fp32&context=1024",
         {},
         1.0,
         false},
        {"LLaMA-2-70B W4 prefill S=2048, llm_npu (HBM2E)",
         "configs/hw/llm_npu.yaml",
         "zoo:llama2-70b:prefill?seq=2048&quant=W4A16",
         {},
         30.0,
         true},
    };
}

/// Issue 13: peak RSS ≤ 200 MB for each standard case.
constexpr double kRssTargetMb = 200.0;

struct Timing {
    std::vector<double> wall_s, cpu_s;
    double peak_rss_mb = 0;
    double sim_time_ns = 0;
};

/// Removes a temporary folder when it goes out of scope (also when a run fails).
struct TempDir {
    fs::path path;
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

/// One run of `c` in its own process; adds its wall and CPU time and peak RSS to `t`.
void time_once(const BenchCase& c, const fs::path& root, const std::string& self, Timing& t) {
    std::string tmpl = (fs::temp_directory_path() / "qasim-bench.XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr)
        throw ConfigError("cannot create a temporary folder under " +
                          fs::temp_directory_path().string() + ": " + std::strerror(errno));
    const TempDir dir{tmpl};
    std::vector<std::string> full = {self,         "run",
                                     "--hw",       resolve_under(root.string(), c.hw),
                                     "--workload", resolve_under(root.string(), c.workload)};
    for (const auto& s : c.set) full.insert(full.end(), {"--set", s});
    full.insert(full.end(), {"--out", (dir.path / "out").string(), "--quiet"});
    const std::string log = (dir.path / "run.log").string();
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = spawn_process(full, "", log, ".");
    int st = 0;
    struct rusage ru {};
    pid_t got;
    do {
        got = ::wait4(pid, &st, 0, &ru);
    } while (got < 0 && errno == EINTR);
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (got < 0) throw std::runtime_error("wait4 failed: " + std::string(std::strerror(errno)));
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        std::string cmd;  // the run's command line without its temporary --out
        for (size_t i = 1; i + 3 < full.size(); ++i) cmd += (i > 1 ? " " : "") + full[i];
        const std::string what =
            c.name + ": `qasim " + cmd + "` " +
            (WIFSIGNALED(st) ? "was killed by signal " + std::to_string(WTERMSIG(st))
                             : "exited with code " + std::to_string(WEXITSTATUS(st))) +
            ":\n" + log_tail(log, 20);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 2) throw ConfigError(what);  // bad input
        throw std::runtime_error(what);
    }
    const auto secs = [](const timeval& v) {
        return static_cast<double>(v.tv_sec) + static_cast<double>(v.tv_usec) * 1e-6;
    };
    t.wall_s.push_back(wall);
    t.cpu_s.push_back(secs(ru.ru_utime) + secs(ru.ru_stime));
    t.peak_rss_mb = std::max(t.peak_rss_mb, static_cast<double>(ru.ru_maxrss) / 1024.0);  // KiB
    const std::string report = (dir.path / "out" / "report.json").string();
    const YAML::Node rep = load_yaml_text(read_text_file(report, "report"), report);
    t.sim_time_ns = rep["total"]["time_ns"].as<double>();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string fixed(double v, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

std::string sci(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

}  // namespace

int cmd_bench(int argc, char** argv) {
    return guarded("bench", [&] {
        std::string hw, workload, root = ".";
        std::vector<std::string> sets;
        long long reps = 3;  // signed: "-1" is reported as -1, not wrapped
        bool long_cases = false, json = false;
        po::options_description desc(
            "qasim bench: time whole runs, one process per run (median wall, median CPU, "
            "simulated ns per wall second, peak RSS).\nWithout --hw: the standard cases of "
            "bench/results.md and their targets (run from the source tree, or give --root)");
        desc.add_options()("help,h", "this help")("hw", po::value(&hw),
                                                  "time this hardware YAML (with --workload)")(
            "workload", po::value(&workload), "trace file or zoo spec (with --hw)")(
            "set", po::value(&sets)->composing(), "override for the timed run (repeatable)")(
            "reps", po::value(&reps)->default_value(3), "runs per case, 1..1000")(
            "long", po::bool_switch(&long_cases),
            "standard cases: include LLaMA-2-70B prefill S=2048 (~20-30 s per run)")(
            "root", po::value(&root)->default_value("."),
            "folder that relative paths are relative to (the source tree)")(
            "json", po::bool_switch(&json), "print one JSON object instead of the table");
        po::variables_map vm;
        if (parse_options(argc, argv, desc, vm)) {
            std::cout << desc << "\n";
            return 0;
        }
        if (reps < 1 || reps > 1000)
            throw ConfigError("--reps " + std::to_string(reps) + ": must be in [1, 1000]");
        if (hw.empty() != workload.empty())
            throw ConfigError(std::string(hw.empty() ? "--workload" : "--hw") + " '" +
                              (hw.empty() ? workload : hw) + "' needs " +
                              (hw.empty() ? "--hw" : "--workload") + " too");
        if (hw.empty() && !sets.empty())
            throw ConfigError("--set '" + sets.front() + "' needs --hw and --workload");
        if (!hw.empty() && long_cases)
            throw ConfigError("--long selects standard cases; it cannot go with --hw");
        if (!fs::is_directory(root)) throw ConfigError("--root '" + root + "': not a directory");

        std::vector<BenchCase> cases;
        if (!hw.empty()) {
            cases.push_back({hw + " × " + workload, hw, workload, sets, 0.0, false});
        } else {
            for (auto& c : standard_cases())
                if (long_cases || !c.long_case) cases.push_back(c);
        }
        const fs::path root_path(root);
        for (const auto& c : cases) {
            for (const std::string* p : {&c.hw, &c.workload}) {
                const std::string r = resolve_under(root, *p);
                if (r.rfind("zoo:", 0) == 0 || fs::is_regular_file(r)) continue;
                throw ConfigError(
                    std::string(p == &c.hw ? "--hw" : "--workload") + " '" + *p +
                    "': file not found under --root '" + root + "'" +
                    (hw.empty() ? " (the standard cases need the qasim source tree: run from it, "
                                  "give --root, or time your own run with --hw and --workload)"
                                : ""));
            }
        }
        const std::string self = fs::read_symlink("/proc/self/exe").string();
        if (!json)
            std::cout << "qasim bench: " << cases.size() << " case(s), " << reps
                      << " run(s) each, one process per run\n"
                      << std::flush;
        std::vector<Timing> timings(cases.size());
        for (size_t i = 0; i < cases.size(); ++i)
            for (long long r = 0; r < reps; ++r) time_once(cases[i], root_path, self, timings[i]);

        if (json) {
            JsonWriter w;
            w.begin_object().kv("schema", "qasim.bench/1").key("cases").begin_array();
            for (size_t i = 0; i < cases.size(); ++i) {
                const BenchCase& c = cases[i];
                const Timing& t = timings[i];
                const double wall = median(t.wall_s), cpu = median(t.cpu_s);
                w.begin_object().kv("name", c.name).kv("hw", c.hw).kv("workload", c.workload);
                w.kv("reps", static_cast<uint64_t>(t.wall_s.size()));
                w.key("wall_s").begin_array();
                for (double v : t.wall_s) w.value(v);
                w.end_array().key("cpu_s").begin_array();
                for (double v : t.cpu_s) w.value(v);
                w.end_array();
                w.kv("wall_median_s", wall).kv("cpu_median_s", cpu);
                w.kv("peak_rss_mb", t.peak_rss_mb).kv("sim_time_ns", t.sim_time_ns);
                w.kv("sim_ns_per_wall_s", wall > 0 ? t.sim_time_ns / wall : 0.0);
                if (c.target_s > 0) {
                    w.kv("target_s", c.target_s).kv("rss_target_mb", kRssTargetMb);
                    w.kv("met", wall <= c.target_s && t.peak_rss_mb <= kRssTargetMb);
                }
                w.end_object();
            }
            w.end_array().end_object();
            std::cout << w.str();
            return 0;
        }
        std::cout
            << "\n| case | wall s, median (min–max) | CPU s | sim ns / wall s | peak RSS MB | "
               "target | met |\n|---|---|---|---|---|---|---|\n";
        for (size_t i = 0; i < cases.size(); ++i) {
            const BenchCase& c = cases[i];
            const Timing& t = timings[i];
            const double wall = median(t.wall_s), cpu = median(t.cpu_s);
            const auto mm = std::minmax_element(t.wall_s.begin(), t.wall_s.end());
            std::string target = "–", met = "–";
            if (c.target_s > 0) {
                target = "≤ " + fixed(c.target_s, 1) + " s, ≤ " + fixed(kRssTargetMb, 0) + " MB";
                met = std::string(wall <= c.target_s ? "wall ✓" : "wall ✗") + ", " +
                      (t.peak_rss_mb <= kRssTargetMb ? "RSS ✓" : "RSS ✗");
            }
            std::cout << "| " << c.name << " | " << fixed(wall, 3) << " (" << fixed(*mm.first, 2)
                      << "–" << fixed(*mm.second, 2) << ") | " << fixed(cpu, 3) << " | "
                      << (wall > 0 ? sci(t.sim_time_ns / wall) : "–") << " | "
                      << fixed(t.peak_rss_mb, 0) << " | " << target << " | " << met << " |\n";
        }
        return 0;
    });
}

}  // namespace qasim::sim
