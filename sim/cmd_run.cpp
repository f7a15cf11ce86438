#include <iostream>

#include <boost/program_options.hpp>

#include "sim/cli_util.h"
#include "sim/commands.h"
#include "sim/simulation.h"
#include "sim/tech_loader.h"

namespace po = boost::program_options;

namespace qasim::sim {

int cmd_run(int argc, char** argv) {
    return guarded("run", [&] {
        std::string hw_path, workload, out_dir, vcd, timeline;
        std::vector<std::string> sets;
        bool quiet = false, verbose = false;
        po::options_description desc("qasim run: simulate a workload on a hardware description");
        desc.add_options()("help,h", "this help")
            ("hw", po::value(&hw_path)->required(), "hardware YAML (configs/hw/*.yaml)")
            ("workload", po::value(&workload)->required(), "trace (.yaml/.csv) or zoo:MODEL[:PHASE][?k=v&...]")
            ("set", po::value(&sets)->composing(), "override a hardware key: KEY.PATH=VALUE (repeatable)")
            ("out", po::value(&out_dir), "write report.json, layers.csv, stats.txt, config.resolved.yaml here")
            ("vcd", po::value(&vcd), "write a VCD waveform (GTKWave)")
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
        Simulation sim(hw, trace, tech);
        Report rep = sim.run();
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
