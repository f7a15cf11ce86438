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
        std::string hw_path, workload, out_dir, timeline;
        std::vector<std::string> sets;
        bool quiet = false, verbose = false;
        po::options_description desc("qasim run: simulate a workload on a hardware description");
        desc.add_options()("help,h", "this help")
            ("hw", po::value(&hw_path)->required(), "hardware YAML (configs/hw/*.yaml)")
            ("workload", po::value(&workload)->required(), "trace (.yaml/.csv) or zoo:MODEL[:PHASE][?k=v&...]")
            ("set", po::value(&sets)->composing(), "override a hardware key: KEY.PATH=VALUE (repeatable)")
            ("out", po::value(&out_dir), "write report.json, layers.csv, stats.txt, config.resolved.yaml here")
            ("timeline", po::value(&timeline), "write a Chrome-trace/Perfetto timeline JSON")
            ("quiet,q", po::bool_switch(&quiet), "print nothing but errors")
            ("verbose,v", po::bool_switch(&verbose), "show SystemC info messages");
        add_vcd_options(desc, "write a VCD waveform (GTKWave) and a GTKWave save file beside it (.gtkw)",
                        "sa0.*,dma.*");
        po::variables_map vm;
        if (parse_options(argc, argv, desc, vm)) {
            std::cout << desc << "\n";
            return 0;
        }
        setup_systemc_reports(verbose);
        HwConfig hw = load_hw_config(hw_path, sets);
        models::Tech tech = hw.tech_file.empty() ? load_tech(static_cast<int>(hw.tech_nm)) : load_tech_file(hw.tech_file);
        workloads::Trace trace = workloads::resolve_workload(workload);
        // Tracing: nothing is created (and no observer attached) unless --vcd / --timeline is given.
        TraceOptions topts;
        const std::string vcd = vcd_option(vm, topts);
        std::unique_ptr<TraceManager> tm;
        if (!vcd.empty()) tm = std::make_unique<TraceManager>(topts);
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
            const std::string gtkw = write_vcd_and_gtkw(*tm, vcd);
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
