// qasim: simulator of accelerators for quantized neural networks (SystemC/TLM-2.0).
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include <systemc>

#include "sim/commands.h"

namespace {
void usage(std::ostream& os) {
    os << "usage: qasim COMMAND [options]   (qasim COMMAND --help for details)\n\n"
          "commands:\n"
          "  run       simulate a workload on a hardware YAML and report latency, energy, area\n"
          "  describe  list unit types, or print a type's fields; --hw FILE prints the area table\n"
          "  trace     generate a quantized ViT/LLM trace from the model zoo or a HF config\n"
          "  memtest   drive a memory with request patterns (compare with DRAM simulators)\n"
          "  sweep     run a design-space sweep from YAML (one process per point)\n"
          "  regress   run golden regression cases\n"
          "  bench     time whole runs\n"
          "exit codes: 0 ok, 1 regression mismatch, 2 bad input\n";
}
}  // namespace

int sc_main(int argc, char** argv) {
    if (argc < 2) {
        usage(std::cerr);
        return 2;
    }
    const std::string cmd = argv[1];
    // Subcommands parse their own options; argv[1] becomes their program name.
    int sub_argc = argc - 1;
    char** sub_argv = argv + 1;
    if (cmd == "run") return qasim::sim::cmd_run(sub_argc, sub_argv);
    if (cmd == "describe") return qasim::sim::cmd_describe(sub_argc, sub_argv);
    if (cmd == "trace") return qasim::sim::cmd_trace(sub_argc, sub_argv);
    if (cmd == "memtest") return qasim::sim::cmd_memtest(sub_argc, sub_argv);
    if (cmd == "sweep") return qasim::sim::cmd_sweep(sub_argc, sub_argv);
    if (cmd == "regress") return qasim::sim::cmd_regress(sub_argc, sub_argv);
    if (cmd == "bench") return qasim::sim::cmd_bench(sub_argc, sub_argv);
    if (cmd == "--help" || cmd == "-h" || cmd == "help") {
        usage(std::cout);
        return 0;
    }
    if (cmd == "--version") {
        std::cout << "qasim " << QASIM_VERSION << "\n";
        return 0;
    }
    std::cerr << "qasim: unknown command '" << cmd << "'\n";
    usage(std::cerr);
    return 2;
}

int main(int argc, char** argv) {
    // The SystemC banner would pollute reports and machine-read output.
    setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 1);
    return sc_core::sc_elab_and_sim(argc, argv);
}
