#include <iostream>

#include "sim/commands.h"

namespace qasim::sim {
int cmd_sweep(int, char**) {
    std::cerr << "qasim sweep: not available in this build yet\n";
    return 2;
}
}  // namespace qasim::sim
