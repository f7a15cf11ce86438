// qasim sweep: runs a design-space sweep (sim/sweep.h) with one `qasim run` process per point
// (memory sweeps: one `qasim memtest --json`),
// N at a time, recording each finished point in DIR/results.csv atomically.
#include <fcntl.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <boost/program_options.hpp>

#include "sim/cli_util.h"
#include "sim/commands.h"
#include "sim/errors.h"
#include "sim/fields.h"
#include "sim/sweep.h"
#include "sim/yaml_util.h"

extern char **environ;

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace qasim::sim {

namespace {

volatile std::sig_atomic_t g_stop_signal = 0;

void on_stop_signal(int sig) {
    g_stop_signal = sig;
}

/// Installs SIGINT/SIGTERM handlers for the lifetime of the object (restored afterwards). No
/// SA_RESTART: waitpid returns EINTR so that the runner reacts at once.
class StopSignals {
public:
    StopSignals() {
        g_stop_signal = 0;
        struct sigaction sa {};
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0;
        sigaction(SIGINT, &sa, &m_old_int);
        sigaction(SIGTERM, &sa, &m_old_term);
    }
    ~StopSignals() {
        sigaction(SIGINT, &m_old_int, nullptr);
        sigaction(SIGTERM, &m_old_term, nullptr);
    }
    StopSignals(const StopSignals &) = delete;
    StopSignals &operator=(const StopSignals &) = delete;

private:
    struct sigaction m_old_int {
    }, m_old_term{};
};

std::string point_dir_name(size_t index, size_t total) {
    // Zero-padded so that a listing sorts by index; the width depends only on the sweep.
    size_t width = 4;
    for (size_t n = total > 0 ? total - 1 : 0; n >= 10000; n /= 10)
        ++width;
    std::string s = std::to_string(index);
    return "points/" + std::string(width > s.size() ? width - s.size() : 0, '0') + s;
}

std::string duration_text(double s) {
    if (s < 0)
        s = 0;
    const long t = static_cast<long>(s + 0.5);
    char buf[32];
    if (t >= 3600)
        std::snprintf(buf, sizeof(buf), "%ld:%02ld:%02ld", t / 3600, (t / 60) % 60, t % 60);
    else
        std::snprintf(buf, sizeof(buf), "%ld:%02ld", t / 60, t % 60);
    return buf;
}

std::string fixed1(double v) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.1f", v);
    return buf;
}

/// First non-empty line of a file (a failed point's stderr), without trailing blanks.
std::string first_line(const std::string &path) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
            line.pop_back();
        if (!line.empty()) {
            // Keep results.csv readable when a point dumps something huge.
            constexpr size_t kMaxLen = 400;
            if (line.size() > kMaxLen)
                line = line.substr(0, kMaxLen) + "...";
            return line;
        }
    }
    return "";
}

void write_results(const std::string &out, const SweepTable &t) {
    write_file_atomic(out + "/results.csv", format_sweep_csv(t));
}

void write_pareto(const std::string &out, const SweepTable &t,
                  const std::vector<SweepObjective> &objectives) {
    write_file_atomic(out + "/pareto.csv", format_sweep_csv(pareto_table(t, objectives)));
}

struct Options {
    std::string sweep_file, out, shard;
    std::vector<std::string> merge;
    int jobs = 0;
    bool resume = false, retry_failed = false, force = false, quiet = false, list = false;
};

/// The progress display: a redrawn line on a terminal, one line per finished point otherwise.
class Progress {
public:
    Progress(std::string name, size_t total, size_t done, bool quiet)
        : m_name(std::move(name)), m_total(total), m_done(done), m_quiet(quiet),
          m_tty(::isatty(STDERR_FILENO) != 0), m_start(std::chrono::steady_clock::now()) {}

    void started(size_t running) {
        m_running = running;
        if (m_tty)
            draw();
    }
    void finished(size_t index, bool ok, const std::string &status, double seconds,
                  size_t running) {
        ++m_done;
        ++m_session_done;
        m_running = running;
        if (!ok)
            ++m_failed;
        if (m_quiet)
            return;
        if (m_tty) {
            if (!ok)
                std::cerr << "\r\033[K" << m_name << ": point " << index << " failed: " << status
                          << "\n";
            draw();
        } else {
            std::cerr << m_name << ": [" << m_done << "/" << m_total << "] point " << index
                      << (ok ? " ok" : " FAILED") << " ("
                      << format_f64(std::round(seconds * 100) / 100) << " s)";
            if (!ok)
                std::cerr << ": " << status;
            std::cerr << "; " << m_failed << " failed, ETA " << duration_text(eta()) << "\n";
        }
    }
    void note(const std::string &msg) {
        if (m_quiet)
            return;
        std::cerr << (m_tty ? "\r\033[K" : "") << m_name << ": " << msg << "\n";
        if (m_tty)
            draw();
    }
    void close() {
        if (m_tty && !m_quiet)
            std::cerr << "\n";
    }
    double elapsed() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    }
    size_t failed() const { return m_failed; }
    size_t session_done() const { return m_session_done; }

private:
    double eta() const {
        if (m_session_done == 0)
            return 0.0;
        // Wall time per point so far (workers included) times the points left.
        return elapsed() / static_cast<double>(m_session_done) *
               static_cast<double>(m_total - m_done);
    }
    void draw() {
        if (m_quiet)
            return;
        const size_t width = 30;
        const size_t filled = m_total ? m_done * width / m_total : width;
        std::ostringstream line;
        line << m_name << " [" << std::string(filled, '#') << std::string(width - filled, '.')
             << "] " << m_done << "/" << m_total << " done, " << m_failed << " failed, "
             << m_running << " running, " << duration_text(elapsed()) << " elapsed"
             << (m_session_done ? ", ETA " + duration_text(eta()) : std::string());
        std::string text = line.str();
        // A line wider than the terminal would wrap and break the redraw.
        struct winsize ws {};
        if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 &&
            text.size() >= ws.ws_col)
            text.resize(ws.ws_col - 1u);
        std::cerr << "\r\033[K" << text << std::flush;
    }

    std::string m_name;
    size_t m_total, m_done;
    bool m_quiet, m_tty;
    std::chrono::steady_clock::time_point m_start;
    size_t m_failed = 0, m_running = 0, m_session_done = 0;
};

struct Running {
    size_t index;
    std::string dir;
    std::chrono::steady_clock::time_point start;
};

/// Starts one point's process (`args`; stdout to `stdout_path`, "": /dev/null); returns its pid,
/// or -1 with *err set.
pid_t spawn_point(const std::vector<std::string> &args, const std::string &stdout_path,
                  const std::string &stderr_path, std::string *err) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (stdout_path.empty())
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    else
        posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, stdout_path.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, stderr_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char *> argv;
    for (const auto &a : args)
        argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = -1;
    // /proc/self/exe: the very binary running the sweep (also when it was rebuilt meanwhile).
    const int rc = posix_spawn(&pid, "/proc/self/exe", &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) {
        *err = std::string("cannot start qasim: ") + std::strerror(rc);
        return -1;
    }
    return pid;
}

std::string signal_text(int sig) {
    const char *name = ::strsignal(sig);
    return "killed by signal " + std::to_string(sig) +
           (name ? std::string(" (") + name + ")" : std::string());
}

int run_merge(const Options &o) {
    if (o.out.empty())
        throw ConfigError("--merge needs --out DIR (where the merged results go)");
    if (!o.sweep_file.empty())
        throw ConfigError("--merge takes shard folders, not a sweep file ('" + o.sweep_file + "')");
    std::vector<SweepTable> tables;
    std::vector<std::string> files;
    std::vector<SweepMeta> metas;
    for (const auto &dir : o.merge) {
        const std::string mf = dir + "/sweep.meta.yaml";
        metas.push_back(parse_sweep_meta(read_text_file(mf, "sweep folder"), mf));
        files.push_back(dir + "/results.csv");
        tables.push_back(
            parse_sweep_csv(read_text_file(files.back(), "sweep results"), files.back()));
        const SweepMeta &m = metas.back();
        const SweepMeta &m0 = metas.front();
        if (m.points != m0.points || !(m.objectives == m0.objectives) || m.keys != m0.keys ||
            m.name != m0.name)
            throw ConfigError(mf + ": sweep '" + m.name + "' (" + std::to_string(m.points) +
                              " points) is not the sweep of " + o.merge[0] + " ('" + m0.name +
                              "', " + std::to_string(m0.points) + " points)");
    }
    SweepTable merged = merge_sweep_tables(tables, files);
    for (const auto &[idx, r] : merged.rows)
        if (idx >= metas[0].points)
            throw ConfigError("--merge: point " + std::to_string(idx) + " is beyond the sweep's " +
                              std::to_string(metas[0].points) + " points");
    // Copy each point's folder so that report paths (relative to the sweep folder) stay valid.
    fs::create_directories(o.out);
    for (size_t i = 0; i < o.merge.size(); ++i) {
        std::error_code ec;
        if (fs::equivalent(o.merge[i], o.out, ec))
            continue;
        for (const auto &[idx, r] : tables[i].rows) {
            const std::string name = point_dir_name(idx, metas[0].points);
            const fs::path src = fs::path(o.merge[i]) / name;
            if (!fs::exists(src))
                continue;
            const fs::path dst = fs::path(o.out) / name;
            fs::create_directories(dst, ec);
            fs::copy(src, dst, fs::copy_options::recursive | fs::copy_options::overwrite_existing,
                     ec);
            if (ec)
                throw ConfigError("--merge: cannot copy " + src.string() + " to " + dst.string() +
                                  ": " + ec.message());
        }
    }
    SweepMeta mm = metas[0];
    mm.shard_index = 0;
    mm.shard_count = 1;
    write_file_atomic(o.out + "/sweep.meta.yaml", format_sweep_meta(mm));
    write_results(o.out, merged);
    write_pareto(o.out, merged, mm.objectives);
    size_t failed = 0;
    for (const auto &[idx, r] : merged.rows)
        failed += r.ok() ? 0 : 1;
    const size_t missing = mm.points - merged.rows.size();
    if (missing) {
        std::string ex;
        size_t shown = 0;
        for (size_t i = 0; i < mm.points && shown < 8; ++i)
            if (!merged.rows.count(i))
                ex += (shown++ ? ", " : "") + std::to_string(i);
        std::cerr << "qasim sweep --merge: warning: " << missing << " of " << mm.points
                  << " points missing (" << ex << (missing > shown ? ", ..." : "")
                  << "): run their shards (with --resume) and merge again\n";
    }
    if (!o.quiet)
        std::cout << "merged " << o.merge.size() << " folders: " << merged.rows.size() << "/"
                  << mm.points << " points (" << failed << " failed) into " << o.out
                  << "/results.csv and " << o.out << "/pareto.csv ("
                  << pareto_front(merged, mm.objectives).size() << " points)\n";
    return 0;
}

int run_sweep(const Options &o) {
    if (o.sweep_file.empty())
        throw ConfigError("missing the sweep file: qasim sweep FILE [options] (see --help)");
    const SweepPlan plan = plan_sweep(load_sweep_file(o.sweep_file));
    const SweepSpec &spec = plan.spec;
    const size_t total = plan.points.size();

    size_t shard_i = 0, shard_n = 1;
    if (!o.shard.empty()) {
        const size_t slash = o.shard.find('/');
        uint64_t a = 0, b = 0;
        if (slash == std::string::npos || !parse_u64_text(o.shard.substr(0, slash), &a) ||
            !parse_u64_text(o.shard.substr(slash + 1), &b) || b == 0 || a >= b)
            throw ConfigError("--shard: must be I/N with 0 <= I < N (e.g. 0/4), got '" + o.shard +
                              "'");
        shard_i = a;
        shard_n = b;
    }
    if (o.resume && o.force)
        throw ConfigError("--resume and --force exclude each other");
    if (o.retry_failed && !o.resume)
        throw ConfigError("--retry-failed goes with --resume");
    if (o.jobs < 0)
        throw ConfigError("-j: must be >= 1, got " + std::to_string(o.jobs));
    const size_t jobs = o.jobs > 0 ? static_cast<size_t>(o.jobs)
                                   : std::max<size_t>(1, std::thread::hardware_concurrency());

    if (o.list) {
        std::cout << "point";
        for (const auto &k : spec.keys)
            std::cout << "," << csv_field(k);
        std::cout << "\n";
        for (const auto &p : plan.points) {
            if (p.index % shard_n != shard_i)
                continue;
            std::cout << p.index;
            for (const auto &v : p.values)
                std::cout << "," << csv_field(v);
            std::cout << "\n";
        }
        return 0;
    }

    std::string out = o.out;
    if (out.empty()) {
        out = "out/sweeps/" + spec.name;
        if (shard_n > 1)
            out += "/shard-" + std::to_string(shard_i) + "-of-" + std::to_string(shard_n);
    }
    const std::string results_path = out + "/results.csv";

    SweepTable table;
    table.keys = spec.keys;
    table.metrics = sweep_metric_columns(spec.objectives, spec.is_memtest());
    SweepMeta meta;
    meta.sweep_file = spec.file;
    meta.name = spec.name;
    meta.points = total;
    meta.shard_index = shard_i;
    meta.shard_count = shard_n;
    meta.objectives = spec.objectives;
    meta.keys = spec.keys;

    const bool have_results = fs::exists(results_path);
    if (have_results && !o.resume && !o.force)
        throw ConfigError(results_path +
                          " exists: continue it with --resume, or start afresh with --force "
                          "(or choose another --out)");
    if (have_results && o.resume) {
        SweepTable old =
            parse_sweep_csv(read_text_file(results_path, "sweep results"), results_path);
        if (old.header() != table.header())
            throw ConfigError(results_path + ": its columns differ from this sweep's (" + [&] {
                std::string s;
                for (const auto &h : table.header())
                    s += (s.empty() ? "" : ",") + h;
                return s;
            }() + "): it was written by another sweep; use another --out or --force");
        for (const auto &[idx, r] : old.rows) {
            if (idx >= total || r.values != plan.points[idx].values)
                throw ConfigError(results_path + ": point " + std::to_string(idx) +
                                  " does not match this sweep's point " + std::to_string(idx) +
                                  " (the sweep file changed?); use another --out or --force");
            if (idx % shard_n != shard_i)
                throw ConfigError(results_path + ": point " + std::to_string(idx) +
                                  " is not in shard " + o.shard +
                                  ": this folder belongs to another shard");
            if (o.retry_failed && !r.ok())
                continue;
            table.rows.emplace(idx, r);
        }
    }
    if (o.force) {
        std::error_code ec;
        fs::remove(results_path, ec);
        fs::remove(out + "/pareto.csv", ec);
    }
    write_file_atomic(out + "/sweep.meta.yaml", format_sweep_meta(meta));
    write_results(out, table);

    std::vector<const SweepPoint *> todo;
    size_t in_shard = 0;
    for (const auto &p : plan.points) {
        if (p.index % shard_n != shard_i)
            continue;
        ++in_shard;
        if (!table.rows.count(p.index))
            todo.push_back(&p);
    }

    Progress progress(spec.name, in_shard, in_shard - todo.size(), o.quiet);
    if (!o.quiet) {
        std::cerr << spec.name << ": " << total << " points";
        if (plan.excluded)
            std::cerr << " (" << plan.excluded << " excluded by constraints)";
        if (shard_n > 1)
            std::cerr << ", shard " << shard_i << "/" << shard_n << ": " << in_shard;
        if (in_shard != todo.size())
            std::cerr << ", " << (in_shard - todo.size()) << " already done";
        std::cerr << "; running " << todo.size() << " with " << jobs << " worker"
                  << (jobs == 1 ? "" : "s") << " into " << out << "\n";
    }

    StopSignals signals;
    std::map<pid_t, Running> running;
    size_t next = 0;
    bool stopping = false;
    auto finish = [&](size_t index, const std::string &dir, bool ok_exit,
                      const std::string &status_in, double secs) {
        SweepRow row;
        row.index = index;
        row.values = plan.points[index].values;
        row.metrics.assign(table.metrics.size(), "");
        row.status = status_in;
        if (ok_exit) {
            std::string err;
            std::vector<std::string> m;
            // A run point's report.json (its `total`), or a memory point's memtest JSON.
            const std::string report = dir + (spec.is_memtest() ? "/memtest.json" : "/report.json");
            if (read_report_totals(out + "/" + report, table.metrics, &m, &err,
                                   spec.is_memtest() ? "" : "total")) {
                row.metrics = m;
                row.status = "ok";
                row.report = report;
            } else {
                row.status = err;
            }
        }
        table.rows[index] = row;
        write_results(out, table);
        progress.finished(index, row.ok(), row.status, secs, running.size());
    };

    while (true) {
        if (g_stop_signal && !stopping) {
            stopping = true;
            progress.note("interrupted (signal " + std::to_string(g_stop_signal) + "): stopping " +
                          std::to_string(running.size()) + " running point(s)");
            for (const auto &[pid, r] : running)
                ::kill(pid, SIGTERM);
        }
        while (!stopping && running.size() < jobs && next < todo.size()) {
            const SweepPoint &p = *todo[next++];
            const std::string dir = point_dir_name(p.index, total);
            const fs::path abs_dir = fs::path(out) / dir;
            std::error_code ec;
            fs::remove_all(abs_dir, ec);
            fs::create_directories(abs_dir, ec);
            if (ec)
                throw ConfigError("cannot create " + abs_dir.string() + ": " + ec.message());
            const PointRun pr = point_run(spec, p.values);
            std::vector<std::string> args;
            std::string stdout_path;
            if (spec.is_memtest()) {
                // `qasim memtest ... --json` prints its report on stdout: DIR/memtest.json.
                args = {"qasim", "memtest", "--hw", pr.hw};
                args.insert(args.end(), pr.memtest.begin(), pr.memtest.end());
                args.push_back("--json");
                stdout_path = (abs_dir / "memtest.json").string();
            } else {
                args = {"qasim",      "run",       "--hw",  pr.hw,
                        "--workload", pr.workload, "--out", abs_dir.string(),
                        "--quiet"};
            }
            for (const auto &s : pr.sets) {
                args.push_back("--set");
                args.push_back(s);
            }
            std::string err;
            const pid_t pid =
                spawn_point(args, stdout_path, (abs_dir / "stderr.txt").string(), &err);
            if (pid < 0) {
                finish(p.index, dir, false, err, 0.0);
                continue;
            }
            running[pid] = Running{p.index, dir, std::chrono::steady_clock::now()};
            progress.started(running.size());
        }
        if (running.empty())
            break;
        int st = 0;
        const pid_t pid = ::waitpid(-1, &st, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
        }
        const auto it = running.find(pid);
        if (it == running.end())
            continue;
        const Running r = it->second;
        running.erase(it);
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - r.start).count();
        if (stopping)
            continue; // killed by us or by the same signal: left for --resume
        if (WIFSIGNALED(st) &&
            (WTERMSIG(st) == SIGINT || WTERMSIG(st) == SIGTERM || WTERMSIG(st) == SIGHUP)) {
            // Interrupted from outside (e.g. Ctrl-C reaching the whole process group): not a
            // result.
            progress.note("point " + std::to_string(r.index) + " interrupted (" +
                          signal_text(WTERMSIG(st)) + "): not recorded");
            continue;
        }
        const bool ok_exit = WIFEXITED(st) && WEXITSTATUS(st) == 0;
        std::string status;
        if (!ok_exit) {
            status = first_line((fs::path(out) / r.dir / "stderr.txt").string());
            if (status.empty())
                status = WIFSIGNALED(st) ? signal_text(WTERMSIG(st))
                                         : "exit code " + std::to_string(WEXITSTATUS(st));
        }
        finish(r.index, r.dir, ok_exit, status, secs);
    }
    progress.close();
    write_pareto(out, table, spec.objectives);

    size_t failed = 0;
    for (const auto &[idx, r] : table.rows)
        failed += r.ok() ? 0 : 1;
    if (stopping || g_stop_signal) {
        const int sig = g_stop_signal ? static_cast<int>(g_stop_signal) : SIGINT;
        std::cerr << spec.name << ": interrupted: " << table.rows.size() << " of " << in_shard
                  << " points recorded in " << results_path << "; continue with --resume\n";
        return 128 + sig;
    }
    if (!o.quiet) {
        const double secs = progress.elapsed();
        std::cout << spec.name << ": " << table.rows.size() << "/" << in_shard << " points, "
                  << failed << " failed; ran " << progress.session_done() << " in " << fixed1(secs)
                  << " s";
        if (progress.session_done() && secs > 0)
            std::cout << " (" << fixed1(static_cast<double>(progress.session_done()) / secs * 60.0)
                      << " points/min)";
        std::cout << "\n  " << results_path << "\n  " << out << "/pareto.csv ("
                  << pareto_front(table, spec.objectives).size() << " points)\n";
        if (table.rows.size() < in_shard)
            std::cout << "  " << (in_shard - table.rows.size())
                      << " points were interrupted from outside and not recorded: run again with "
                         "--resume\n";
        if (failed == table.rows.size() && failed > 0)
            std::cout << "  warning: every point failed; see the status column of results.csv\n";
    }
    return 0;
}

} // namespace

int cmd_sweep(int argc, char **argv) {
    return guarded("sweep", [&] {
        Options o;
        po::options_description desc(
            "qasim sweep FILE [options]: run a design-space sweep, one `qasim run` process per "
            "point\n(base.memtest instead of base.workload: one `qasim memtest --json` per point)\n"
            "qasim sweep --merge DIR1 DIR2 ... --out DIR: join shard folders\n\noptions");
        desc.add_options()("help,h", "this help")(
            "jobs,j", po::value(&o.jobs), "points run at once (default: the number of cores)")(
            "shard", po::value(&o.shard),
            "run only points I, I+N, I+2N, ... (I/N, e.g. a SLURM array index)")(
            "out", po::value(&o.out), "output folder (default out/sweeps/NAME[/shard-I-of-N])")(
            "resume", po::bool_switch(&o.resume), "skip the points already in OUT/results.csv")(
            "retry-failed", po::bool_switch(&o.retry_failed),
            "with --resume: run failed points again")(
            "force", po::bool_switch(&o.force), "start afresh even if OUT/results.csv exists")(
            "merge", po::value(&o.merge)->multitoken(), "merge these shard folders into --out")(
            "list", po::bool_switch(&o.list),
            "print the points (after constraints) as CSV and exit")(
            "quiet,q", po::bool_switch(&o.quiet), "no progress, no summary");
        po::options_description hidden;
        hidden.add_options()("sweep-file", po::value(&o.sweep_file), "sweep YAML");
        po::options_description all;
        all.add(desc).add(hidden);
        po::positional_options_description pos;
        pos.add("sweep-file", 1);
        po::variables_map vm;
        if (parse_options(argc, argv, all, vm, &pos)) {
            std::cout << desc
                      << "\nresults: OUT/results.csv (one row per point, point-index order), "
                         "OUT/pareto.csv,\n"
                         "OUT/points/NNNN/ (each point's report.json, layers.csv, stderr.txt; memory sweeps:\n"
                         "memtest.json, stderr.txt)\n";
            return 0;
        }
        if (!o.merge.empty())
            return run_merge(o);
        return run_sweep(o);
    });
}

} // namespace qasim::sim
