// qasim memtest: drives the HBM model of a hardware file with a synthetic pattern or a DRAM trace,
// the way DRAM simulators' trace front ends do, so that figures compare with theirs
// (../shared/reference/dram/README.md). Runs the timing model directly (no SystemC).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>

#include "hw/hbm/hbm_config.h"
#include "models/dram/memtest.h"
#include "sim/cli_util.h"
#include "sim/commands.h"
#include "sim/hw_config.h"
#include "sim/json.h"
#include "sim/memtest_cli.h"
#include "sim/memtest_waves.h"
#include "sim/stream_out.h"
#include "sim/trace_manager.h"
#include "sim/waves.h"

namespace po = boost::program_options;

namespace qasim::sim {
namespace {

using namespace models::dram;

std::vector<MemRequest> read_trace(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ConfigError(path + ": cannot open the trace file");
    std::vector<MemRequest> v;
    std::string line, err;
    uint64_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        MemRequest q;
        const int r = parse_trace_line(line, &q, &err);
        if (r < 0)
            throw ConfigError(path + ":" + std::to_string(n) + ": " + err + " (line: '" + line +
                              "')");
        if (r > 0) v.push_back(q);
    }
    if (v.empty()) throw ConfigError(path + ": no requests in the trace");
    return v;
}

std::string fmt(const char* f, double v) {
    char b[64];
    std::snprintf(b, sizeof(b), f, v);
    return b;
}

/// memtest's options and where they go.
struct MemtestArgs {
    std::string hw_path, memory, pattern, trace, offer_rate, latency_csv, write_trace;
    std::vector<std::string> sets;
    uint64_t requests = 100000, stride = 4096, seed = 1, outstanding = 0, request_bytes = 64,
             span = 0;
    double read_ratio = -1;
};

/// memtest's option table, bound to `a` (cmd_memtest, and check_memtest_arguments for sweeps).
void add_memtest_options(po::options_description& desc, MemtestArgs& a) {
    desc.add_options()("help,h", "this help")("hw", po::value(&a.hw_path),
                                              "hardware YAML with a memory of type hbm")(
        "set", po::value(&a.sets)->composing(), "override a hardware key: KEY.PATH=VALUE")(
        "memory", po::value(&a.memory), "which memory (default: the first of type hbm)")(
        "pattern", po::value(&a.pattern),
        "stream (addr = i*64), random (uniform reads), mixed (random, 50 % writes), stride")(
        "requests", po::value(&a.requests), "requests of a pattern (default 100000)")(
        "stride-bytes", po::value(&a.stride), "stride of the stride pattern (default 4096)")(
        "read-ratio", po::value(&a.read_ratio), "fraction of reads (default 1, mixed: 0.5)")(
        "seed", po::value(&a.seed), "random seed (default 1)")(
        "span-bytes", po::value(&a.span),
        "patterns address [0, span) (default: 2 GiB as in the reference harness, or the "
        "capacity if smaller)")("request-bytes", po::value(&a.request_bytes),
                                "bytes per request, a multiple of the burst (default 64)")(
        "trace", po::value(&a.trace), "DRAM trace file instead of a pattern")(
        "write-trace", po::value(&a.write_trace),
        "also write the pattern's requests as a trace, one `0xADDR R|W` line each (Ramulator's "
        "memory-trace format; --trace reads it back, with the same --request-bytes), to run "
        "the same requests elsewhere")(
        "outstanding", po::value(&a.outstanding),
        "at most K requests in flight (1: unloaded latency; default: no limit)")(
        "offer-rate", po::value(&a.offer_rate),
        "N or N/M: offer at most one request per front-end tick, N ticks per M memory "
        "cycles (Ramulator 2's trace front ends: one request per tick at clock ratio N:M; "
        "with --request-bytes 32 on HBM2 a trace line is one request as there; default: as "
        "fast as accepted)")(
        "json", "print one JSON object")(
        "per-channel", "also report every channel: bursts, GB/s, row-buffer outcomes, "
                       "commands (JSON: `channels`)")(
        "latency-csv", po::value(&a.latency_csv),
        "write the read-latency distribution as CSV: latency_cycles,latency_ns,reads (one row "
        "per latency that occurred)");
    add_vcd_options(desc,
                    "write the controllers' commands, queues and bank states as a VCD waveform "
                    "(GTKWave) and a save file beside it (.gtkw); keeps every command in "
                    "memory (about 1 KB per request)",
                    "hbm0.ch0.*");
}

}  // namespace

void check_memtest_arguments(const std::vector<std::string>& args) {
    po::options_description desc;
    MemtestArgs a;
    add_memtest_options(desc, a);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
}

std::optional<bool> memtest_option_takes_value(const std::string& name) {
    po::options_description desc;
    MemtestArgs a;
    add_memtest_options(desc, a);
    const po::option_description* d = desc.find_nothrow(name, false, false, true);
    if (!d || d->long_name() != name) return std::nullopt;
    return d->semantic()->max_tokens() > 0;
}

int cmd_memtest(int argc, char** argv) {
    return guarded("memtest", [&] {
        po::options_description desc("qasim memtest --hw FILE (--pattern "
                                     "stream|random|mixed|stride --requests N [--stride-bytes S]\n"
                                     "              [--read-ratio R] [--seed X] | --trace FILE) "
                                     "[--outstanding K] [--offer-rate N[/M]] [--json]\n"
                                     "              [--per-channel] [--latency-csv FILE] "
                                     "[--write-trace FILE]\n"
                                     "              [--vcd FILE [--vcd-signals GLOBS] "
                                     "[--vcd-window A:B]]\n\n"
                                     "Plays 64 B requests into the hbm memory of FILE as fast as "
                                     "its controllers accept them (in\n"
                                     "order, head-of-line blocking), or at the cycles of a trace "
                                     "(lines `0xADDR READ|WRITE [CYCLE]`\n"
                                     "or `0xADDR R|W`, CYCLE in memory cycles), and reports "
                                     "bandwidth, read latency, row-buffer hit\n"
                                     "rate, activations per request and energy. Options");
        MemtestArgs a;
        add_memtest_options(desc, a);
        // The options by name below (references, not structured bindings: nested lambdas use
        // them, which C++17 allows only for variables).
        std::string &hw_path = a.hw_path, &memory = a.memory, &pattern = a.pattern,
                    &trace = a.trace, &offer_rate = a.offer_rate, &latency_csv = a.latency_csv,
                    &write_trace = a.write_trace;
        std::vector<std::string>& sets = a.sets;
        uint64_t &requests = a.requests, &stride = a.stride, &seed = a.seed,
                 &outstanding = a.outstanding, &request_bytes = a.request_bytes, &span = a.span;
        double& read_ratio = a.read_ratio;
        po::variables_map vm;
        if (parse_options(argc, argv, desc, vm)) {
            std::cout << desc << "\n";
            return 0;
        }
        if (hw_path.empty()) throw ConfigError("--hw: a hardware YAML is required");
        TraceOptions topts;
        const std::string vcd = vcd_option(vm, topts);
        for (const char* o : {"latency-csv", "write-trace"})
            if (vm.count(o) && vm[o].as<std::string>().empty())
                throw ConfigError(std::string("--") + o + ": a file path is required");
        if (pattern.empty() == trace.empty())
            throw ConfigError("give exactly one of --pattern and --trace");
        if (!trace.empty()) {
            for (const char* o :
                 {"requests", "stride-bytes", "read-ratio", "seed", "span-bytes", "write-trace"})
                if (vm.count(o))
                    throw ConfigError(std::string("--") + o +
                                      " applies to --pattern, not to --trace");
        }

        const HwConfig hw = load_hw_config(hw_path, sets);
        const InstanceConfig* mem = nullptr;
        for (const auto& m : hw.memories) {
            if (memory.empty() ? m.type == "hbm" : m.name == memory) {
                mem = &m;
                break;
            }
        }
        if (!mem) {
            std::string names;
            for (const auto& m : hw.memories)
                names += (names.empty() ? "" : ", ") + m.name + " (" + m.type + ")";
            throw ConfigError(
                hw_path + ": " +
                (memory.empty() ? "no memory of type hbm" : "no memory named '" + memory + "'") +
                "; memories: " + names);
        }
        if (mem->type != "hbm")
            throw ConfigError(hw_path + ": memory." + mem->name + " is of type '" + mem->type +
                              "'; memtest needs type: hbm");
        const auto& hcfg = static_cast<const TypedConfig<hw::HbmConfig>&>(*mem->cfg).cfg;
        DramSystem dram(hcfg.resolve());

        if (request_bytes == 0 || request_bytes % dram.burst_bytes() != 0)
            throw ConfigError("--request-bytes: must be a multiple of the burst size (" +
                              std::to_string(dram.burst_bytes()) + " B), got " +
                              std::to_string(request_bytes));
        std::unique_ptr<RequestSource> src;
        std::string what;
        if (!trace.empty()) {
            src = std::make_unique<VectorSource>(read_trace(trace));
            what = "trace " + trace;
        } else {
            PatternConfig pc;
            if (pattern == "stream")
                pc.pattern = Pattern::stream;
            else if (pattern == "random")
                pc.pattern = Pattern::random;
            else if (pattern == "mixed")
                pc.pattern = Pattern::mixed;
            else if (pattern == "stride")
                pc.pattern = Pattern::stride;
            else
                throw ConfigError("--pattern: must be one of stream, random, mixed, stride, got '" +
                                  pattern + "'");
            // Boost parses "-5" into a uint64_t as 2^64-5: bound the count (2^32 requests already
            // take hours).
            if (requests == 0 || requests > (1ull << 32))
                throw ConfigError("--requests: must be an integer in [1, 2^32], got " +
                                  std::to_string(requests) +
                                  (requests > (1ull << 63) ? " (a negative number?)" : ""));
            if (stride == 0) throw ConfigError("--stride-bytes: must be >= 1, got 0");
            if (!vm.count("read-ratio")) read_ratio = pc.pattern == Pattern::mixed ? 0.5 : 1.0;
            if (!(read_ratio >= 0 && read_ratio <= 1))  // also NaN
                throw ConfigError("--read-ratio: must be in [0, 1], got " + format_f64(read_ratio));
            if (span == 0) span = std::min<uint64_t>(2ull << 30, dram.capacity());
            if (span < request_bytes || span > dram.capacity())
                throw ConfigError("--span-bytes: must be in [" + std::to_string(request_bytes) +
                                  ", " + std::to_string(dram.capacity()) +
                                  "] (the capacity), got " + std::to_string(span));
            pc.requests = requests;
            pc.request_bytes = request_bytes;
            pc.stride_bytes = stride;
            pc.read_ratio = read_ratio;
            pc.seed = seed;
            pc.span_bytes = span;
            src = std::make_unique<PatternSource>(pc);
            what = "pattern " + pattern;
            if (!write_trace.empty()) {
                // The same requests from a second source of the same configuration, streamed
                // to the file (renamed into place when complete).
                PatternSource copy(pc);
                StreamOut out(write_trace);
                MemRequest q[256];
                char line[32];
                for (size_t n; (n = copy.next_batch(q, 256)) > 0;)
                    for (size_t i = 0; i < n; ++i) {
                        std::snprintf(line, sizeof(line), "0x%llx %c\n",
                                      static_cast<unsigned long long>(q[i].addr),
                                      q[i].write ? 'W' : 'R');
                        out << line;
                    }
                out.commit();
            }
        }
        MemtestOptions opt;
        if (vm.count("offer-rate")) {
            // N or N/M, integers in [1, 10^6] (Ramulator's clock ratios are small integers).
            auto bad = [&] {
                return ConfigError("--offer-rate: must be N or N/M with integers N, M in [1, "
                                   "1000000] (N front-end ticks per M memory cycles), got '" +
                                   offer_rate + "'");
            };
            auto num = [&](const std::string& t) {
                if (t.empty() || t.size() > 7 ||
                    t.find_first_not_of("0123456789") != std::string::npos)
                    throw bad();
                const uint64_t v = std::stoull(t);
                if (v < 1 || v > 1000000) throw bad();
                return v;
            };
            const size_t slash = offer_rate.find('/');
            opt.offer_num = num(offer_rate.substr(0, slash));
            opt.offer_den = slash == std::string::npos ? 1 : num(offer_rate.substr(slash + 1));
        }
        const std::string rate_text =
            opt.offer_num ? std::to_string(opt.offer_num) + "/" + std::to_string(opt.offer_den)
                          : std::string("unlimited");
        opt.outstanding = outstanding;
        opt.request_bytes = request_bytes;
        opt.per_channel = vm.count("per-channel") > 0;
        opt.latency_histogram = !latency_csv.empty();
        // Waveforms: every channel logs its commands and queue changes during the run.
        std::vector<std::vector<CommandRecord>> cmd_logs;
        std::vector<std::vector<QueueRecord>> queue_logs;
        if (!vcd.empty()) {
            cmd_logs.resize(dram.channel_count());
            queue_logs.resize(dram.channel_count());
            for (uint32_t c = 0; c < dram.channel_count(); ++c) {
                dram.channel(c).set_command_log(&cmd_logs[c]);
                dram.channel(c).set_queue_log(&queue_logs[c]);
            }
        }
        const auto t0 = std::chrono::steady_clock::now();
        const MemtestResult r = run_memtest(dram, *src, opt);
        const double wall =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::string wrote;
        if (!write_trace.empty()) wrote += "  wrote            " + write_trace + "\n";
        if (!latency_csv.empty()) {
            std::string csv = "latency_cycles,latency_ns,reads\n";
            const double tck_ns = static_cast<double>(dram.tck_ps()) / 1e3;
            for (const auto& [cycles, n] : r.latency_histogram)
                csv += std::to_string(cycles) + "," +
                       format_f64(static_cast<double>(cycles) * tck_ns) + "," + std::to_string(n) +
                       "\n";
            write_file_atomic(latency_csv, csv);
            wrote += "  wrote            " + latency_csv + "\n";
        }
        if (!vcd.empty()) {
            TraceManager tm(topts);
            record_memtest_waves(tm, dram, mem->name, cmd_logs, queue_logs);
            tm.check_globs();
            const std::string gtkw = write_vcd_and_gtkw(tm, vcd);
            wrote += "  wrote            " + vcd + " and " + gtkw + "\n";
        }
        const double tck = static_cast<double>(dram.tck_ps()) / 1e3;
        const Counters& c = r.counters;
        const double bits =
            static_cast<double>((c.read_bursts + c.write_bursts) * dram.burst_bytes() * 8);

        // A channel's share: its bursts' bytes over the run's time; hits over its bursts.
        auto channel_gbps = [&](const Counters& k) {
            return r.elapsed_ns > 0 ? static_cast<double>((k.read_bursts + k.write_bursts) *
                                                          dram.burst_bytes()) /
                                          r.elapsed_ns
                                    : 0.0;
        };
        auto hit_rate = [](const Counters& k) {
            const uint64_t a = k.row_hits + k.row_misses + k.row_conflicts;
            return a ? static_cast<double>(k.row_hits) / static_cast<double>(a) : 0.0;
        };
        if (vm.count("json")) {
            JsonWriter j;
            j.begin_object()
                .kv("memory", mem->name)
                .kv("preset", hcfg.preset)
                .kv("source", what)
                .kv("requests", r.requests)
                .kv("reads", r.reads)
                .kv("writes", r.writes)
                .kv("request_bytes", request_bytes)
                .kv("outstanding", outstanding)
                .kv("offer_rate", rate_text)
                .kv("bandwidth_gbps", r.bandwidth_gbps)
                .kv("peak_gbps", r.peak_gbps)
                .kv("elapsed_ns", r.elapsed_ns)
                .kv("mean_read_latency_ns", r.mean_read_latency_ns)
                .kv("p50_read_latency_ns", r.p50_read_latency_ns)
                .kv("p99_read_latency_ns", r.p99_read_latency_ns)
                .kv("mean_read_latency_cycles", r.mean_read_latency_cycles)
                .kv("p50_read_latency_cycles", r.p50_read_latency_cycles)
                .kv("p99_read_latency_cycles", r.p99_read_latency_cycles)
                .kv("row_hit_rate", r.row_hit_rate)
                .kv("activations_per_request", r.activations_per_request)
                .kv("energy_pj", r.energy_pj)
                .kv("dynamic_energy_pj", r.dynamic_energy_pj)
                .kv("background_energy_pj", r.background_energy_pj)
                .kv("acts", c.acts)
                .kv("precharges", c.precharges)
                .kv("refreshes", c.refreshes)
                .kv("read_bursts", c.read_bursts)
                .kv("write_bursts", c.write_bursts)
                .kv("row_hits", c.row_hits)
                .kv("row_misses", c.row_misses)
                .kv("row_conflicts", c.row_conflicts);
            if (opt.per_channel) {
                j.key("channels").begin_array();
                for (size_t i = 0; i < r.channels.size(); ++i) {
                    const Counters& k = r.channels[i];
                    j.begin_object()
                        .kv("channel", static_cast<uint64_t>(i))
                        .kv("bandwidth_gbps", channel_gbps(k))
                        .kv("row_hit_rate", hit_rate(k))
                        .kv("acts", k.acts)
                        .kv("precharges", k.precharges)
                        .kv("refreshes", k.refreshes)
                        .kv("read_bursts", k.read_bursts)
                        .kv("write_bursts", k.write_bursts)
                        .kv("row_hits", k.row_hits)
                        .kv("row_misses", k.row_misses)
                        .kv("row_conflicts", k.row_conflicts)
                        .end_object();
                }
                j.end_array();
            }
            j.end_object();
            std::cout << j.str();
            return 0;
        }
        const auto& sc = dram.config();
        std::cout << "qasim memtest: " << mem->name << " (" << hcfg.preset << ", " << sc.stacks
                  << " stack" << (sc.stacks == 1 ? "" : "s") << ", " << dram.channel_count()
                  << " channels, peak " << fmt("%.1f", r.peak_gbps) << " GB/s), map "
                  << sc.address_map << "\n"
                  << "  " << what << ": " << r.requests << " requests of " << request_bytes
                  << " B (" << r.reads << " reads, " << r.writes << " writes), outstanding "
                  << (outstanding ? std::to_string(outstanding) : std::string("unlimited"))
                  << (opt.offer_num ? ", offered at " + rate_text + " per memory cycle" : "")
                  << "\n"
                  << "  bandwidth        " << fmt("%.1f", r.bandwidth_gbps) << " GB/s ("
                  << fmt("%.1f", 100.0 * r.bandwidth_gbps / r.peak_gbps) << " % of peak) over "
                  << fmt("%.0f", r.elapsed_ns) << " ns\n";
        if (r.reads) {
            std::cout << "  read latency     mean " << fmt("%.1f", r.mean_read_latency_ns)
                      << " ns (" << fmt("%.1f", r.mean_read_latency_cycles) << " cycles), p50 "
                      << fmt("%.1f", r.p50_read_latency_ns) << " ns ("
                      << fmt("%.0f", r.p50_read_latency_cycles) << "), p99 "
                      << fmt("%.1f", r.p99_read_latency_ns) << " ns ("
                      << fmt("%.0f", r.p99_read_latency_cycles) << "); tCK " << fmt("%.3f", tck)
                      << " ns\n";
        }
        std::cout << "  row buffer       " << fmt("%.1f", 100.0 * r.row_hit_rate) << " % hits ("
                  << c.row_hits << " hits, " << c.row_misses << " misses, " << c.row_conflicts
                  << " conflicts of " << c.read_bursts + c.write_bursts << " bursts)\n"
                  << "  activations      " << fmt("%.3f", r.activations_per_request)
                  << " per request (" << c.acts << " ACT, " << c.precharges << " PRE, "
                  << c.refreshes << " REF)\n"
                  << "  energy           " << fmt("%.4g", r.energy_pj)
                  << " pJ = " << fmt("%.2f", bits > 0 ? r.energy_pj / bits : 0.0)
                  << " pJ/bit (dynamic " << fmt("%.4g", r.dynamic_energy_pj) << " pJ, background "
                  << fmt("%.4g", r.background_energy_pj) << " pJ)\n"
                  << "  speed            " << fmt("%.2f", wall) << " s wall, "
                  << fmt("%.2f",
                         wall > 0 ? static_cast<double>(c.read_bursts + c.write_bursts) / wall / 1e6
                                  : 0.0)
                  << " M bursts/s\n";
        if (opt.per_channel) {
            std::cout << "  per channel      channel    GB/s  row hits      ACT      PRE    REF"
                         "   read bursts  write bursts\n";
            for (size_t i = 0; i < r.channels.size(); ++i) {
                const Counters& k = r.channels[i];
                char line[160];
                std::snprintf(line, sizeof(line),
                              "                   %7zu %7.1f %8.1f %% %8llu %8llu %6llu %13llu %13llu\n",
                              i, channel_gbps(k), 100.0 * hit_rate(k),
                              static_cast<unsigned long long>(k.acts),
                              static_cast<unsigned long long>(k.precharges),
                              static_cast<unsigned long long>(k.refreshes),
                              static_cast<unsigned long long>(k.read_bursts),
                              static_cast<unsigned long long>(k.write_bursts));
                std::cout << line;
            }
        }
        std::cout << wrote;
        return 0;
    });
}

}  // namespace qasim::sim
