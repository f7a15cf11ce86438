#include <filesystem>
#include <iostream>
#include <memory>

#include <boost/program_options.hpp>

#include "sim/cli_util.h"
#include "sim/commands.h"
#include "sim/errors.h"
#include "sim/simulation.h"
#include "sim/tech_loader.h"
#include "sim/timeline.h"
#include "sim/trace_manager.h"
#include "sim/waves.h"

namespace po = boost::program_options;

namespace qasim::sim {

int cmd_run(int argc, char** argv) {
    return guarded("run", [&] {
        std::string hw_path, workload, out_dir, vcd, timeline, vcd_signals, vcd_window;
        std::vector<std::string> sets;
        bool quiet = false, verbose = false;
        po::options_description desc("qasim run: simulate a workload on a hardware description");
        desc.add_options()("help,h", "this help")
            ("hw", po::value(&hw_path)->required(), "hardware YAML (configs/hw/*.yaml)")
            ("workload", po::value(&workload)->required(), "trace (.yaml/.csv) or zoo:MODEL[:PHASE][?k=v&...]")
            ("set", po::value(&sets)->composing(), "override a hardware key: KEY.PATH=VALUE (repeatable)")
            ("out", po::value(&out_dir), "write report.json, layers.csv, stats.txt, config.resolved.yaml here")
            ("vcd", po::value(&vcd), "write a VCD waveform (GTKWave) and a GTKWave save file beside it (.gtkw)")
            ("vcd-signals", po::value(&vcd_signals), "only signals matching these globs, e.g. 'sa0.*,dma.*'")
            ("vcd-window", po::value(&vcd_window), "only this span of simulated time: START_NS:END_NS")
            ("timeline", po::value(&timeline), "write a Chrome-trace/Perfetto timeline JSON")
            ("quiet,q", po::bool_switch(&quiet), "print nothing but errors")
            ("verbose,v", po::bool_switch(&verbose), "show SystemC info messages");
        po::variables_map vm;
        po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
        if (vm.count("help")) {
            std::cout << desc << "\n";
            return 0;
        }
        po::notify(vm);
        setup_systemc_reports(verbose);
        HwConfig hw = load_hw_config(hw_path, sets);
        models::Tech tech = hw.tech_file.empty() ? load_tech(static_cast<int>(hw.tech_nm)) : load_tech_file(hw.tech_file);
        workloads::Trace trace = workloads::resolve_workload(workload);
        // Tracing: nothing is created (and no observer attached) unless --vcd / --timeline is given.
        if (vcd.empty() && (vm.count("vcd-signals") || vm.count("vcd-window")))
            throw ConfigError("--vcd-signals/--vcd-window need --vcd FILE");
        std::unique_ptr<TraceManager> tm;
        if (!vcd.empty()) {
            TraceOptions topts;
            if (vm.count("vcd-signals")) topts.globs = parse_signal_globs(vcd_signals);
            if (vm.count("vcd-window")) parse_window(vcd_window, topts);
            tm = std::make_unique<TraceManager>(topts);
        }
        struct ActiveGuard {  // modules register their signals while the Simulation is built
            explicit ActiveGuard(TraceManager* t) { TraceManager::set_active(t); }
            ~ActiveGuard() { TraceManager::set_active(nullptr); }
        } guard(tm.get());
        Simulation sim(hw, trace, tech);
        std::vector<const models::Op*> ops;
        for (const auto& op : trace.ops) ops.push_back(&op);
        std::unique_ptr<WaveTracer> waves;
        if (tm) {
            waves = std::make_unique<WaveTracer>(*tm, ops, sim.units(), sim.memories(), &hw);
            sim.add_observer(waves.get());
            tm->check_globs();
        }
        std::unique_ptr<TimelineTracer> tl;
        if (!timeline.empty()) {
            tl = std::make_unique<TimelineTracer>(hw.name, hw.clock_mhz, ops, sim.units(), sim.memories());
            sim.add_observer(tl.get());
        }
        Report rep = sim.run();
        if (tm) {
            tm->write_vcd(vcd);
            const std::string gtkw = gtkw_path_for(vcd);
            tm->write_gtkw(gtkw, std::filesystem::absolute(vcd).lexically_normal().string());
            if (!quiet) std::cout << "wrote " << vcd << " and " << gtkw << "\n";
        }
        if (tl) {
            tl->write(timeline);
            if (!quiet) std::cout << "wrote " << timeline << "\n";
        }
        if (!out_dir.empty()) {
            write_file_atomic(out_dir + "/config.resolved.yaml", hw.resolved_yaml());
            write_file_atomic(out_dir + "/layers.csv", rep.layers_csv());
            write_file_atomic(out_dir + "/stats.txt", rep.stats_text);
            write_file_atomic(out_dir + "/report.json", rep.to_json());
            if (!quiet) std::cout << rep.summary_table() << "\nwrote " << out_dir << "/report.json\n";
        } else if (!quiet) {
            std::cout << rep.summary_table();
        }
        return 0;
    });
}

}  // namespace qasim::sim
