#pragma once
// memtest's command line, shared with sweeps (base.memtest, memtest.OPTION keys): checks an
// argument list against memtest's option table without running anything.
#include <optional>
#include <string>
#include <vector>

namespace qasim::sim {

/// Parses `args` (memtest's options, without the program name) against memtest's option table and
/// value types; throws boost::program_options errors (unknown option, missing or malformed
/// value). Checks that need the hardware file (e.g. --request-bytes against the burst) are left
/// to the run.
void check_memtest_arguments(const std::vector<std::string>& args);
/// Whether memtest has the long option `name` (no dashes) and whether it takes a value; nullopt
/// when memtest has no such option.
std::optional<bool> memtest_option_takes_value(const std::string& name);

}  // namespace qasim::sim
