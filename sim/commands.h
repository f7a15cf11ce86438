#pragma once
// Subcommands of the `qasim` executable. Each returns the process exit code:
// 0 ok, 1 golden/regression mismatch, 2 bad input.
namespace qasim::sim {
int cmd_run(int argc, char** argv);       ///< qasim run      (sim/cmd_run.cpp)
int cmd_describe(int argc, char** argv);  ///< qasim describe (sim/cmd_describe.cpp)
int cmd_trace(int argc, char** argv);     ///< qasim trace    (sim/cmd_trace.cpp)
int cmd_memtest(int argc, char** argv);   ///< qasim memtest  (sim/cmd_memtest.cpp)
int cmd_sweep(int argc, char** argv);     ///< qasim sweep    (sim/cmd_sweep.cpp)
int cmd_regress(int argc, char** argv);   ///< qasim regress  (sim/cmd_regress.cpp)
int cmd_bench(int argc, char** argv);     ///< qasim bench    (sim/cmd_bench.cpp)
}  // namespace qasim::sim
